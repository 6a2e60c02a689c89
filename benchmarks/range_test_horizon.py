"""How far does the range test's answer carry when the training is longer than the benchmark's budget?

The suggestion benchmark (``range_test_suggestion.py``) judges every answer against the grid-best constant
LR at each task's own budget T (150 to 420 optimizer steps). Users train longer, and the best constant LR
can move with the length of the training, while the range test's answer does not know that length (its
candidates train 80 steps each). This script measures both, per task of the suggestion benchmark:

- the grid-best constant LR at ``--factor`` x T (default 4): 3 LRs per decade from 1.67 decades below to
  1.67 decades above the T grid's best, extended while the best lies at an edge, seeds 0 and 1 (``LONG_SEEDS``),
  the same initial weights and batches as the T grid, scored by the final training loss (mean of the
  last 10% of the steps);
- the default answer (``Tuner.lr_range_test``, confirm=True, 100 steps over 1e-7..10, 3 sweep seeds, read
  from the suggestion benchmark's dump and decided by the current rules) against the T grid and the long
  grid, as it is and scaled by the run's length L as ``(L / 80) ** -beta`` (the candidates train 80 steps),
  for the exponents ``EXPONENTS``: the one-exponent correction a user might apply.

Nothing here is chosen: it reports. The T grid and the answers come from
``benchmarks/results/suggestion.json``; the long trainings are memoized in ``--dump``.

    python benchmarks/range_test_horizon.py --dump benchmarks/results/horizon.json --jobs 2   # ~5 min
    python benchmarks/range_test_horizon.py --from benchmarks/results/horizon.json            # seconds
    python benchmarks/range_test_horizon.py --factor 2 --dump benchmarks/results/horizon_x2.json --jobs 2
    python benchmarks/range_test_horizon.py --resume F --dump F --jobs 2   # train only the tasks F lacks
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from quality import cli
from quality.collect import GRID_SEEDS, GRID_STEP, finite_mean, grid, redecide
from quality.report import within
from quality.store import Store, lattice_lr
from quality.tasks import HALVES, SPLIT, TASKS, Task
from quality.train import train

SUGGESTION = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "suggestion.json")
FORMAT = "range_test_horizon/1"
#: the long grid reaches this many lattice points (12 per decade) either side of the T grid's best
REACH = 20
#: the default sweep's key in the suggestion benchmark's dump
DEFAULT_SWEEP = "confirm|100|1e-07|10"
SWEEP_SEEDS = (0, 1, 2)
#: the seeds of the longer trainings (the T grid has the suggestion benchmark's ``GRID_SEEDS``)
LONG_SEEDS = (0, 1)
#: the candidates' length (``LROptions.confirm_steps``' default), the horizon the answer is measured at
CANDIDATE_STEPS = 80
#: exponents of the length scaling reported beside the answer as it is (0)
EXPONENTS = (0.0, 0.25, 0.5)


def _long_loss(task: Task, factor: int, k: int, seed: int) -> float:
    torch.set_num_threads(1)
    out = train(dataclasses.replace(task, steps=factor * task.steps), lattice_lr(k), seed)
    return out.train_loss if math.isfinite(out.train_loss) else math.inf


def long_grid(
    task: Task, factor: int, around: int, memo: dict[str, float], offline: bool
) -> dict[int, float]:
    """Lattice index -> mean final training loss over ``LONG_SEEDS`` at ``factor`` x the task's budget."""

    def point(k: int) -> float | None:
        losses = []
        for s in LONG_SEEDS:
            key = f"{task.name}|{factor}|{k}|{s}"
            if key not in memo:
                if offline:
                    return None
                memo[key] = _long_loss(task, factor, k, s)
            losses.append(memo[key])
        return finite_mean(losses)

    g: dict[int, float] = {}
    for k in range(around - REACH, around + REACH + 1, GRID_STEP):
        v = point(k)
        if v is not None:
            g[k] = v
    for _ in range(6):  # extend while the best lies at an edge of what was trained
        if not g:
            break
        best = min(g, key=lambda k: (g[k], k))
        if best == min(g):
            k = min(g) - GRID_STEP
        elif best == max(g):
            k = max(g) + GRID_STEP
        else:
            break
        v = point(k)
        if v is None:
            break
        g[k] = v
    return g


def _task_job(args: tuple[Task, int, int, dict[str, float]]) -> dict[str, float]:
    task, factor, around, known = args  # ``known``: the task's trainings already in the dump (--resume)
    warnings.simplefilter("ignore")
    memo = dict(known)
    long_grid(task, factor, around, memo, offline=False)
    return memo


def answers(store: Store, task: Task) -> list[float | None]:
    """The default answer per sweep seed (None: no answer, or not in the dump)."""
    from lightning_lr import RangeTestResult

    out: list[float | None] = []
    for seed in SWEEP_SEEDS:
        d = store.sweeps.get(f"{task.name}|{DEFAULT_SWEEP}|{seed}")
        if d is None:
            out.append(None)
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out.append(redecide(RangeTestResult.from_dict(d["result"])).suggestion())
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--factor",
        type=int,
        help="the long training, in multiples of the budget (default 4; --from: the file's)",
    )
    parser.add_argument(
        "--half",
        choices=(*HALVES, "all"),
        default="all",
        help="the tasks of one set only (default: every set)",
    )
    parser.add_argument("--suggestion", default=SUGGESTION, help="the suggestion benchmark's dump")
    cli.add_dump_options(parser, dump="write the long trainings to FILE", resume=True)
    parser.add_argument("--jobs", type=cli.at_least_one, help="tasks trained in parallel (default 1)")
    args = parser.parse_args(argv)
    cli.existing(parser, "--suggestion", args.suggestion)
    cli.check_dump_options(parser, args, jobs=args.jobs)
    args.jobs = args.jobs or 1

    store = Store(offline=True)
    store.load(args.suggestion)
    memo: dict[str, float] = {}
    data = cli.read_dump(parser, args, FORMAT, ("factor", "trainings"))
    if data is not None:
        path = args.from_ or args.resume
        memo = {k: float(v) for k, v in data["trainings"].items()}
        if args.factor not in (None, data["factor"]):
            raise SystemExit(f"{path} holds trainings at factor {data['factor']}, not --factor {args.factor}")
        args.factor = data["factor"]
    elif args.factor is None:
        args.factor = 4
    if args.factor < 1:
        raise SystemExit(f"--factor must be a whole number >= 1, got {args.factor}")
    tasks = [t for t in TASKS if args.half == "all" or SPLIT[t.name] == args.half]
    grids = {t.name: grid(store, t, "constant") for t in tasks}
    if not args.from_:
        jobs = [
            (
                t,
                args.factor,
                grids[t.name].best_k,
                {k: v for k, v in memo.items() if k.startswith(f"{t.name}|")},
            )
            for t in tasks
        ]
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            for t, got in zip(tasks, pool.map(_task_job, jobs), strict=True):
                memo.update(got)
                print(f"[{t.name}]", file=sys.stderr, flush=True)
        if args.dump:
            with open(args.dump, "w") as f:
                out = {k: (v if math.isfinite(v) else "Infinity") for k, v in memo.items()}
                json.dump({"format": FORMAT, "factor": args.factor, "trainings": out}, f, indent=0)

    print(f"# The default answer against the best constant LR at the budget T and at {args.factor} x T\n")
    print(
        f"answer: Tuner.lr_range_test defaults (confirm=True, 100 steps over 1e-7..10), sweep seeds "
        f"{list(SWEEP_SEEDS)}; grids: 3 LRs per decade, grid seeds {list(GRID_SEEDS)} (longer budgets: {list(LONG_SEEDS)}), final training loss. "
        f"shift: decades from the T grid's best to the {args.factor}T grid's best.\n"
    )
    for half in HALVES:
        hts = [t for t in tasks if SPLIT[t.name] == half]
        if not hts:
            continue
        print(f"## {half} ({len(hts)} tasks)\n")
        print(
            f"| task | T | best at T | best at {args.factor}T | shift | answers / best at T | "
            f"answers / best at {args.factor}T |"
        )
        print("|---|---|---|---|---|---|---|")
        shifts: list[float] = []
        n = 0
        runs: list[tuple[int, float, float]] = []  # per answered run: the task's budget, the two ratios
        for t in hts:
            g = grids[t.name]
            lg = long_grid(t, args.factor, g.best_k, memo, offline=True)
            if not lg:
                continue
            kl = min(lg, key=lambda k: (lg[k], k))
            shift = (kl - g.best_k) / 12
            shifts.append(shift)
            best_t, best_l = lattice_lr(g.best_k), lattice_lr(kl)
            cells_t, cells_l = [], []
            for a in answers(store, t):
                n += 1
                if a is None:
                    cells_t.append("None")
                    cells_l.append("None")
                    continue
                runs.append((t.steps, a / best_t, a / best_l))
                cells_t.append(f"{a / best_t:.2f}")
                cells_l.append(f"{a / best_l:.2f}")
            print(
                f"| {t.name} | {t.steps} | {best_t:.3g} | {best_l:.3g} | {shift:+.2f} | {' '.join(cells_t)} | "
                f"{' '.join(cells_l)} |"
            )
        if not n:
            continue
        print(
            f"\n{half}: the best constant LR moves {float(np.median(shifts)):+.2f} decades (median; "
            f"{sum(s < 0 for s in shifts)} tasks lower, {sum(s == 0 for s in shifts)} the same, "
            f"{sum(s > 0 for s in shifts)} higher) from T to {args.factor}T. Median ratio of the answers: "
            f"{float(np.median([r[1] for r in runs])):.2f} to the best at T, "
            f"{float(np.median([r[2] for r in runs])):.2f} to the best at {args.factor}T.\n"
        )
        print(f"| answer | within 3x of the best at T | within 3x of the best at {args.factor}T |")
        print("|---|---|---|")
        for beta in EXPONENTS:
            # the answer scaled to the run's length L: (L / CANDIDATE_STEPS) ** -beta (beta 0: as it is)
            at_t = sum(within(rt * (st / CANDIDATE_STEPS) ** -beta) for st, rt, _ in runs)
            at_l = sum(within(rl * (args.factor * st / CANDIDATE_STEPS) ** -beta) for st, _, rl in runs)
            name = "as it is" if beta == 0 else f"x (run length / {CANDIDATE_STEPS}) ** -{beta:g}"
            print(f"| {name} | {at_t}/{n} | {at_l}/{n} |")
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
