"""How good is ``Tuner.momentum_range_test``'s answer? Against holding the usual 0.9, and against short candidates.

The momentum range test holds the LR and sweeps the momentum (SGD) or beta1 (Adam family) from 0.8 to 0.99
over 100 steps; its answer is the momentum of the lowest smoothed loss. The model trains through the sweep,
so the loss falls with the steps whatever the momentum, and the lowest point leans to the sweep's end.

For every task of the suggestion benchmark whose optimizer has a momentum or a beta1 (SGD-momentum,
Nesterov, Adam, AdamW, NAdam), at the task's grid-best constant LR (read from the suggestion benchmark's
dump; found at the optimizer's own momentum, 0.9, which is how a user holds an LR they found), this script
trains the task's whole budget at constant momentums ``GRID`` (seeds ``SEEDS``, the mean final training
loss) and scores three answers by their regret, the loss of training at the answer over the grid's best:

- ``momentum_range_test``: the real test (its defaults, ``lr=`` the task's LR), one run per seed, trained at
  the exact momentum it answers; where it has no answer (its lowest loss at the sweep's end, which it cannot
  tell), the optimizer's own momentum, 0.9 in every recipe here, which a user then keeps;
- ``0.9``: the usual default, held (Adam's beta1 default too);
- ``candidates@80``: the grid momentum whose 80-step run (from the seed's initial state on its first
  batches, scored by the mean loss of the last 16 steps, as the LR test's candidates) ends lowest: what a
  confirmation stage for the momentum would answer.

Nothing is chosen here: it reports, per set of tasks.

    python benchmarks/momentum_range_test_quality.py --dump benchmarks/results/momentum_range_test.json
    python benchmarks/momentum_range_test_quality.py --from benchmarks/results/momentum_range_test.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from quality import cli
from quality import train as qtrain
from quality.collect import grid
from quality.store import Store, lattice_lr
from quality.sweeps import Module, _loader, _trainer, quiet
from quality.tasks import HALVES, SPLIT, TASKS, Task, has_momentum

SUGGESTION = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "suggestion.json")
FORMAT = "momentum_range_test_quality/1"
#: the constant momentums (SGD) / beta1 (Adam family) trained to the budget
GRID = (0.8, 0.85, 0.9, 0.95, 0.98, 0.99)
SEEDS = (0, 1)
USUAL = 0.9
CANDIDATE_STEPS = 80
TAIL = 16
ANSWERS = ("momentum_range_test", "0.9", f"candidates@{CANDIDATE_STEPS}")


def full_loss(
    memo: dict[str, float], task: Task, lr: float, m: float, seed: int, offline: bool
) -> float | None:
    key = f"{task.name}|{lr:.6g}|full|{m:.6g}|{seed}"  # the LR too: --suggestion may move it
    if key not in memo:
        if offline:
            return None
        out = qtrain.train(task, lr, seed, momentum=m)
        memo[key] = out.train_loss if math.isfinite(out.train_loss) else math.inf
    return memo[key]


def candidate_score(
    memo: dict[str, float], task: Task, lr: float, m: float, seed: int, offline: bool
) -> float | None:
    key = f"{task.name}|{lr:.6g}|cand|{m:.6g}|{seed}"
    if key not in memo:
        if offline:
            return None
        c = np.asarray(qtrain.short_run(task, lr, seed, CANDIDATE_STEPS, momentum=m), dtype=float)
        memo[key] = (
            float(c[-TAIL:].mean()) if len(c) == CANDIDATE_STEPS and np.all(np.isfinite(c)) else math.inf
        )
    return memo[key]


def test_answer(memo: dict[str, float], task: Task, lr: float, seed: int, offline: bool) -> float | None:
    """The real momentum range test's answer (NaN: it gave none; None: offline and not in the dump)."""
    from lightning_lr import Tuner

    key = f"{task.name}|{lr:.6g}|answer|{seed}"
    if key not in memo:
        if offline:
            return None
        with tempfile.TemporaryDirectory() as root, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = Tuner(_trainer(root)).momentum_range_test(
                Module(task, seed), train_dataloaders=_loader(task, seed, 100), lr=lr
            )
            got = r.suggestion() if r is not None else None
        memo[key] = math.nan if got is None else float(got)
    return memo[key]


def _regret(loss: float | None, best: float) -> float:
    """``loss / best``: NaN for a loss not in the dump; a best of 0 (solved to float precision) or inf gives 1 for
    the same loss, else inf."""
    if loss is None:
        return math.nan
    if best == 0 or not math.isfinite(best):
        return 1.0 if loss == best else math.inf
    return loss / best


def mean_loss(memo: dict[str, float], task: Task, lr: float, m: float, offline: bool) -> float | None:
    losses = [full_loss(memo, task, lr, m, s, offline) for s in SEEDS]
    if any(x is None for x in losses):
        return None
    finite = [x for x in losses if x is not None and math.isfinite(x)]
    return float(np.mean(finite)) if len(finite) == len(losses) else math.inf


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tasks", help="comma-separated task names (default: every task with a momentum)")
    parser.add_argument(
        "--half", choices=(*HALVES, "both"), default="both", help="the tasks of one set only (default: all)"
    )
    parser.add_argument("--suggestion", default=SUGGESTION, help="the suggestion benchmark's dump (the LRs)")
    parser.add_argument("--per-task", action="store_true", help="also print every task's losses and answers")
    cli.add_dump_options(parser, dump="write every training and answer to FILE", resume=True)
    args = parser.parse_args(argv)
    cli.existing(parser, "--suggestion", args.suggestion)
    cli.check_dump_options(parser, args)

    quiet()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    offline = bool(args.from_)
    store = Store(offline=True)
    store.load(args.suggestion)
    memo: dict[str, float] = {}
    data = cli.read_dump(parser, args, FORMAT, ("runs",))
    if data is not None:
        memo = {k: float(v) for k, v in data["runs"].items()}
    chosen = cli.pick(parser, TASKS, wanted=args.tasks, half=args.half, split=SPLIT)
    without = [t.name for t in chosen if not has_momentum(t)]
    if args.tasks and without:
        parser.error(
            f"--tasks {args.tasks}: {', '.join(without)} has neither a momentum nor a beta1 (its optimizer), "
            f"so there is nothing to measure; the tasks that have one are "
            f"{', '.join(t.name for t in TASKS if has_momentum(t))}"
        )
    tasks = [t for t in chosen if has_momentum(t)]

    regrets: dict[str, dict[str, list[float]]] = {}  # set -> answer -> per run
    lines: list[str] = []
    start = time.perf_counter()
    for t in tasks:
        g = grid(store, t, "constant")
        if not g.train:
            continue
        lr = lattice_lr(g.best_k)
        got = {m: mean_loss(memo, t, lr, m, offline) for m in GRID}
        if any(v is None for v in got.values()):
            continue  # not in the dump
        table = {m: float(v) for m, v in got.items() if v is not None}
        best = min(GRID, key=lambda m: (table[m], m))
        best_loss = table[best]
        per = regrets.setdefault(SPLIT[t.name], {a: [] for a in ANSWERS})

        def regret(loss: float | None, best: float = best_loss) -> float:
            return _regret(loss, best)

        cells: dict[str, list[str]] = {a: [] for a in ANSWERS}
        for seed in SEEDS:
            ans = test_answer(memo, t, lr, seed, offline)
            if ans is None:
                continue
            # no answer: the optimizer keeps its own momentum (USUAL in every recipe here)
            r = (
                regret(table[USUAL])
                if math.isnan(ans)
                else regret(mean_loss(memo, t, lr, round(ans, 6), offline))
            )
            per["momentum_range_test"].append(r)
            cells["momentum_range_test"].append(
                f"None ({r:.2f})" if math.isnan(ans) else f"{ans:.3f} ({r:.2f})"
            )
            per["0.9"].append(regret(table[USUAL]))
            cells["0.9"].append(f"{regret(table[USUAL]):.2f}")
            scores = {m: candidate_score(memo, t, lr, m, seed, offline) for m in GRID}
            if any(v is None for v in scores.values()):
                continue
            pick = min(GRID, key=lambda m: (scores[m], m))
            per[f"candidates@{CANDIDATE_STEPS}"].append(regret(table[pick]))
            cells[f"candidates@{CANDIDATE_STEPS}"].append(f"{pick:g} ({regret(table[pick]):.2f})")
        lines.append(
            f"| {SPLIT[t.name]} | {t.name} | {t.optimizer} | {lr:.3g} | "
            + " ".join(f"{m:g}:{table[m]:.3g}" for m in GRID)
            + f" | {best:g} | "
            + " | ".join(" ".join(cells[a]) for a in ANSWERS)
            + " |"
        )
        print(f"[{t.name}: {time.perf_counter() - start:.0f} s]", file=sys.stderr, flush=True)
    if args.dump and not offline:
        with open(args.dump, "w") as f:
            json.dump(
                {"format": FORMAT, "runs": {k: (v if math.isfinite(v) else str(v)) for k, v in memo.items()}},
                f,
                indent=0,
            )

    print("# The momentum range test's answer against holding 0.9\n")
    print(
        f"At each task's grid-best constant LR (training loss, found at the optimizer's own momentum), the mean "
        f"final training loss over seeds {list(SEEDS)} of the whole budget at constant momentum (SGD) or "
        f"beta1 (Adam family) {', '.join(f'{m:g}' for m in GRID)}; regret = the loss at the answer / the "
        f"best of those. `momentum_range_test`: the real test (0.8..0.99, 100 steps, at that LR), one run per "
        f"seed, trained at its answer (None: it had none, and the optimizer's own {USUAL:g} trains); `0.9`: held; `candidates@{CANDIDATE_STEPS}`: the grid momentum whose "
        f"{CANDIDATE_STEPS}-step run ends lowest (mean of its last {TAIL} losses).\n"
    )
    print("| set | answer | runs | regret median | regret worst | within 1.1x | within 1.5x |")
    print("|---|---|---|---|---|---|---|")
    for half in HALVES:
        if half not in regrets:
            continue
        for a in ANSWERS:
            rs = regrets[half][a]
            if not rs:
                continue
            print(
                f"| {half} | {a} | {len(rs)} | {float(np.median(rs)):.2f} | {max(rs):.3g} | "
                f"{sum(r <= 1.1 for r in rs)} | {sum(r <= 1.5 for r in rs)} |"
            )
    if args.per_task:
        print("\n## Per task: the mean final loss at each momentum, the best, and each answer (regret)\n")
        print("| set | task | optimizer | lr | loss at each momentum | best | " + " | ".join(ANSWERS) + " |")
        print("|---|---|---|---|---|---|" + "---|" * len(ANSWERS))
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
