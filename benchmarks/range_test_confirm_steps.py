"""How the range test's default answer changes with the candidates' length (``confirm_steps``).

The confirmation stage trains each candidate LR for ``confirm_steps`` optimizer steps (80 by default) and
keeps the one of lowest loss at its end. The best constant LR for a whole run of T steps (the benchmark's
budgets are 150 to 420) can differ from the best over 80 steps, either way: on some tasks a higher LR wins
early and loses later, on others a lower one. Longer candidates see more of the run and cost more: five of
them are ``5 * confirm_steps`` optimizer steps beside the 100-step sweep.

This script runs the real ``Tuner.lr_range_test`` (its defaults but ``confirm_steps``; 100 steps over
1e-7..10, 3 sweep seeds) on every task of the suggestion benchmark, and scores the answers as that
benchmark does: the ratio to the grid-best constant LR at the task's budget (training loss, 4 grid seeds)
and the training regret (the grid's loss at the answer over the grid-best loss). The grids come from the
suggestion benchmark's dump; a lattice point an answer needs that the dump lacks is trained here (4 seeds)
and kept in ``--dump``. The default's runs (``confirm_steps=80``) are read from the suggestion benchmark's
dump, where they were measured with the same loader, so its rows are that benchmark's. Nothing here is
chosen: it reports, per set, both halves and the later sets.

Where ``range_test_horizon.py``'s dumps of longer trainings are at hand (``--horizons``; by default its
files at 2x and 4x each task's budget in ``benchmarks/results/``), a second table judges the same answers
against the best constant LR of those longer runs (2 seeds, 3 LRs per decade; within 3x and the median
ratio only: a regret read between grid points 2 seeds apart says too little): whether longer candidates
follow a longer run's best.

    python benchmarks/range_test_confirm_steps.py --steps 80,160 --dump benchmarks/results/confirm_steps.json
    python benchmarks/range_test_confirm_steps.py --from benchmarks/results/confirm_steps.json --per-task
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
from typing import Any

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from quality import cli
from quality.collect import GRID_SEEDS, _rounded, grid, redecide, seed_mean
from quality.report import within
from quality.store import Store, lattice_index, lattice_lr
from quality.sweeps import our_confirmed, quiet
from quality.tasks import HALVES, SPLIT, TASKS, Task

SUGGESTION = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "suggestion.json")
#: range_test_horizon.py's dumps: every task's constant-LR grid at 2x and 4x its budget
HORIZONS = tuple(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", f)
    for f in ("horizon_x2.json", "horizon.json")
)
FORMAT = "range_test_confirm_steps/1"
SEEDS = (0, 1, 2)
#: the default's runs in the suggestion benchmark's dump (100 steps over 1e-7..10, confirm_steps 80)
DEFAULT_KEY = "confirm|100|1e-07|10"
DEFAULT_STEPS = 80


def run_key(task: Task, steps: int, seed: int) -> str:
    """The run's key: the suggestion benchmark's own for the default length, this script's otherwise."""
    if steps == DEFAULT_STEPS:
        return f"{task.name}|{DEFAULT_KEY}|{seed}"
    return f"{task.name}|confirm_steps|{steps}|{seed}"


def result_of(store: Store, task: Task, steps: int, seed: int, root: str) -> Any | None:
    """The run's RangeTestResult, decided by the current rules (None: offline and not in the dumps)."""
    from lightning_lr import RangeTestResult

    def make() -> dict[str, Any]:
        r, s = our_confirmed(task, seed, root, 100, 1e-7, 10.0, confirm_steps=steps)
        return {"result": _rounded(r.to_dict()), "seconds": s}

    d = store.memo(store.sweeps, run_key(task, steps, seed), make)
    if d is None:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return redecide(RangeTestResult.from_dict(d["result"]))


def _fmt(x: float) -> str:
    return f"{x:.2f}" if 0.01 <= x < 100 else f"{x:.1e}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--steps",
        help="comma-separated confirm_steps to measure, each >= 5 (default 80,160; --from: the file's, or some)",
    )
    parser.add_argument("--tasks", help="comma-separated task names (default: all; a wrong one lists them)")
    parser.add_argument(
        "--half", choices=(*HALVES, "both"), default="both", help="the tasks of one set only (default: all)"
    )
    parser.add_argument(
        "--suggestion", default=SUGGESTION, help="the suggestion benchmark's dump (the grids)"
    )
    parser.add_argument("--per-task", action="store_true", help="also print every run's ratio and regret")
    parser.add_argument(
        "--horizons",
        default=",".join(HORIZONS),
        help="comma-separated dumps of range_test_horizon.py to judge the answers against too (default: its "
        "2x and 4x files; '' for none)",
    )
    cli.add_dump_options(
        parser, dump="write the runs and the trainings this script adds to FILE", resume=True
    )
    args = parser.parse_args(argv)
    cli.existing(parser, "--suggestion", args.suggestion)
    cli.check_dump_options(parser, args)
    asked: list[int] | None = None
    if args.steps is not None:
        try:
            asked = sorted({int(s) for s in args.steps.split(",") if s.strip()})
        except ValueError:
            parser.error(f"--steps must be comma-separated whole numbers, got {args.steps!r}")
        if not asked or min(asked) < 5:
            parser.error(f"--steps must hold whole numbers >= 5 (the stage's minimum), got {args.steps!r}")
    steps = asked or [DEFAULT_STEPS, 160]

    quiet()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    store = Store(offline=bool(args.from_))
    store.load(args.suggestion)
    known_sweeps, known_trainings = set(store.sweeps), set(store.trainings)
    known_steps: set[int] = set()
    data = cli.read_dump(parser, args, FORMAT, ("steps", "runs", "trainings"))
    if data is not None:
        store.sweeps.update(data["runs"])
        store.trainings.update({k: [float(x) for x in v] for k, v in data["trainings"].items()})
        if args.from_:
            missing = sorted(set(asked or []) - set(data["steps"]))
            if missing:
                parser.error(
                    f"--steps {args.steps}: {args.from_} holds confirm_steps {data['steps']}, not {missing}"
                )
            steps = asked or sorted(data["steps"])
        else:
            known_steps = set(data["steps"])
    tasks = cli.pick(parser, TASKS, wanted=args.tasks, half=args.half, split=SPLIT)

    rows: dict[str, dict[int, list[tuple[float | None, float, int]]]] = {}  # task -> steps -> per seed
    best_ks: dict[str, int] = {}  # task -> the lattice index of the grid-best constant LR at its budget
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="range_test_confirm_steps_") as root:
        for t in tasks:
            g = grid(store, t, "constant")
            if not g.train:
                continue  # not in the suggestion dump
            best_lr, best_loss = lattice_lr(g.best_k), g.train[g.best_k]
            best_ks[t.name] = g.best_k
            for n in steps:
                per = rows.setdefault(t.name, {}).setdefault(n, [])
                for seed in SEEDS:
                    r = result_of(store, t, n, seed, root)
                    if r is None:
                        continue
                    lr = r.suggestion()
                    regret = math.nan
                    if lr is not None:
                        got = seed_mean(store, t, "constant", lattice_index(lr))
                        regret = got[0] / best_loss if got is not None and best_loss > 0 else math.nan
                    per.append((None if lr is None else lr / best_lr, regret, r.cost))
            print(f"[{t.name}: {time.perf_counter() - start:.0f} s]", file=sys.stderr, flush=True)
    if args.dump:
        out = {
            "format": FORMAT,
            "steps": sorted(known_steps | set(steps)),
            "runs": {k: v for k, v in store.sweeps.items() if k not in known_sweeps},
            "trainings": {k: v for k, v in store.trainings.items() if k not in known_trainings},
        }
        with open(args.dump, "w") as f:
            json.dump(out, f, separators=(",", ":"))

    print("# The default answer by the candidates' length (confirm_steps)\n")
    print(
        f"`Tuner.lr_range_test` defaults but `confirm_steps`, 100 steps over 1e-7..10, sweep seeds {list(SEEDS)}; "
        f"ratio = answer / grid-best constant LR at the task's budget, regret = training loss at the answer / "
        f"the grid-best's (3 LRs per decade, grid seeds {list(GRID_SEEDS)}); optimizer steps: the sweep, the "
        f"candidates and a second try's first try. `confirm_steps={DEFAULT_STEPS}` is the default, read from "
        f"the suggestion benchmark's dump.\n"
    )
    print(
        "| set | confirm_steps | runs | within 3x | within 10x | no answer | median ratio "
        "| regret median / worst answered | optimizer steps median / mean |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for half in HALVES:
        names = [t.name for t in tasks if SPLIT[t.name] == half and t.name in rows]
        for n in steps:
            have = [name for name in names if rows[name].get(n)]
            runs = [x for name in have for x in rows[name][n]]
            if not runs:
                continue
            ratios = [r for r, _, _ in runs if r is not None]
            regrets = [g for r, g, _ in runs if r is not None and math.isfinite(g)]
            # as the suggestion benchmark: the median over every run (no answer counts as inf), the worst
            # over the answered ones
            median = float(np.median(regrets + [math.inf] * (len(runs) - len(ratios))))
            costs = [c for _, _, c in runs]
            print(
                f"| {half} ({len(have)} tasks) | {n} | {len(runs)} | {sum(within(r) for r in ratios)} "
                f"| {sum(within(r, 10.0) for r in ratios)} | {len(runs) - len(ratios)} "
                f"| {_fmt(float(np.median(ratios))) if ratios else '-'} "
                f"| {_fmt(median) if regrets else '-'} / {_fmt(max(regrets)) if regrets else '-'} "
                f"| {float(np.median(costs)):.0f} / {float(np.mean(costs)):.0f} |"
            )
    _longer(parser, args.horizons, tasks, steps, rows, best_ks)
    if args.per_task:
        print("\n## Per task: ratio / regret per seed\n")
        print("| set | task | " + " | ".join(f"confirm_steps={n}" for n in steps) + " |")
        print("|---|---|" + "---|" * len(steps))
        for t in tasks:
            if t.name not in rows:
                continue
            cells = [
                "  ".join(
                    "None" if r is None else f"{_fmt(r)} / {_fmt(g)}" for r, g, _ in rows[t.name].get(n, [])
                )
                for n in steps
            ]
            print(f"| {SPLIT[t.name]} | {t.name} | " + " | ".join(cells) + " |")
    return 0


def _longer(
    parser: argparse.ArgumentParser,
    horizons: str,
    tasks: Sequence[Task],
    steps: Sequence[int],
    rows: dict[str, dict[int, list[tuple[float | None, float, int]]]],
    best_ks: dict[str, int],
) -> None:
    """The table of the answers against the best constant LR of the longer trainings in ``horizons``."""
    from range_test_horizon import FORMAT as LONG_FORMAT
    from range_test_horizon import long_grid

    dumps = []
    for path in (p for p in horizons.split(",") if p.strip()):
        cli.existing(parser, "--horizons", path)
        with open(path) as f:
            d = json.load(f)
        if d.get("format") != LONG_FORMAT:
            parser.error(
                f"--horizons: {path} is not a dump of range_test_horizon.py (format {LONG_FORMAT!r})"
            )
        dumps.append((int(d["factor"]), {k: float(v) for k, v in d["trainings"].items()}))
    if not dumps:
        return
    print(
        "\n## Against the best constant LR of a longer run\n\n"
        "The same answers, judged against the grid-best constant LR at a multiple of each task's budget "
        "(`range_test_horizon.py`'s trainings: 3 LRs per decade, 2 seeds). The candidates' length is the "
        "horizon the answer is measured at; this asks whether longer candidates follow a longer run's best.\n"
    )
    print("| set | run length | confirm_steps | runs | within 3x | no answer | median ratio |")
    print("|---|---|---|---|---|---|---|")
    for half in HALVES:
        for factor, memo in sorted(dumps):
            best_long: dict[str, float] = {}
            for t in tasks:
                if SPLIT[t.name] != half or t.name not in best_ks:
                    continue
                lg = long_grid(t, factor, best_ks[t.name], memo, offline=True)
                if lg:  # the task's best there, as a multiple of its best at the budget
                    best_long[t.name] = lattice_lr(min(lg, key=lambda k: (lg[k], k))) / lattice_lr(
                        best_ks[t.name]
                    )
            if not best_long:
                continue
            for n in steps:
                runs = [r for name, m in best_long.items() for r, _, _ in rows[name].get(n, [])]
                ratios = [
                    r / m
                    for name, m in best_long.items()
                    for r, _, _ in rows[name].get(n, [])
                    if r is not None
                ]
                if not runs:
                    continue
                print(
                    f"| {half} ({len(best_long)} tasks) | {factor}x budget | {n} | {len(runs)} "
                    f"| {sum(within(r) for r in ratios)} | {len(runs) - len(ratios)} "
                    f"| {_fmt(float(np.median(ratios))) if ratios else '-'} |"
                )


if __name__ == "__main__":
    raise SystemExit(main())
