"""How far does one outlier batch move the range test's answer?

Real data has outlier batches: a mislabelled sample, a wild regression target, a corrupt input. This script
runs the default range test (``Tuner.lr_range_test``: confirm=True, 100 steps over 1e-7..10) on each task of
the suggestion benchmark (``range_test_suggestion.py``) as it is, and again with one batch made an outlier:
its loss 1000x, its gradient ~32x (``sqrt(1000)``, as a squared error's are for a target ~32x off), at one
position of the sweep (``--at``: step 20, in the sweep's first quarter at lr ~4e-6, and step 60, at lr ~7e-3,
where the candidates train too: they start again from the first batch, so they meet it at the same step).
The outlier batch is the same for the sweep, its second try and every candidate (its place in the epoch).

It reports, per set of tasks and position, how many runs still answer and how many answers lie within 2x
of the same seed's answer without the outlier. Nothing is chosen here: it reports.

    python benchmarks/range_test_outliers.py --dump /tmp/outliers.json --jobs 2   # ~10 min, 2 cores
    python benchmarks/range_test_outliers.py --from /tmp/outliers.json              # seconds
    python benchmarks/range_test_outliers.py --tasks reg-poly-adam --seeds 1          # a smoke run
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
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from quality import cli
from quality.sweeps import Module, _loader, _trainer, quiet
from quality.tasks import SPLIT, TASKS, Task

FORMAT = "range_test_outliers/1"
#: the outlier's loss over the batch's own
FACTOR = 1000.0
#: the sweep steps the outlier batch is put at by default
POSITIONS = (20, 60)
SEEDS = (0, 1, 2)


class Outlier(Module):
    """The task's module whose batch ``at`` (its place in the epoch) is an outlier: loss ``FACTOR`` x, gradient
    ``sqrt(FACTOR)`` x."""

    def __init__(self, task: Task, seed: int, at: int | None) -> None:
        super().__init__(task, seed)
        self.at = at

    def training_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> torch.Tensor:
        loss = super().training_step(batch, batch_idx)
        if batch_idx != self.at:
            return loss
        grad = math.sqrt(FACTOR)
        return grad * loss + (FACTOR - grad) * loss.detach()


def run(job: tuple[str, int, int | None]) -> dict[str, Any]:
    """One default range test: its answer (None: no answer), the first words of its reason, steps, seconds."""
    name, seed, at = job
    torch.set_num_threads(1)
    quiet()
    task = next(t for t in TASKS if t.name == name)
    model = Outlier(task, seed, at)
    loader = _loader(task, seed, 300)  # the sweep's 100 batches, a second try's 300; candidates read 80
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = _tuner(tempfile.mkdtemp()).lr_range_test(model, train_dataloaders=loader, apply=False)
        answer = result.suggestion()
    return {
        "task": name,
        "seed": seed,
        "at": at,
        "answer": answer,
        "reason": None if answer is not None else (result.reason or "")[:160],
        "stop": result.stop_reason,
        "points": len(result),
        "cost": result.cost,
        "seconds": time.perf_counter() - start,
    }


def _tuner(root: str) -> Any:
    from lightning_lr import Tuner

    return Tuner(_trainer(root))


def report(runs: list[dict[str, Any]], positions: list[int]) -> str:
    clean = {(r["task"], r["seed"]): r["answer"] for r in runs if r["at"] is None}
    lines = [
        "| set | outlier at step | runs | answered without it | answered with it | within 2x of the answer without it | "
        "sweep stopped at the outlier |",
        "|---|---|---|---|---|---|---|",
    ]
    for half in ("tuning", "validation", "holdout", "fourth"):
        for at in positions:
            rows = [r for r in runs if r["at"] == at and SPLIT[r["task"]] == half]
            if not rows:
                continue
            base = [clean.get((r["task"], r["seed"])) for r in rows]
            answered = sum(r["answer"] is not None for r in rows)
            near = sum(
                r["answer"] is not None and b is not None and 0.5 <= r["answer"] / b <= 2.0
                for r, b in zip(rows, base, strict=True)
            )
            stopped = sum(r["stop"] != "completed" and r["points"] == at + 1 for r in rows)
            lines.append(
                f"| {half} | {at} | {len(rows)} | {sum(b is not None for b in base)} | {answered} | {near} | "
                f"{stopped} |"
            )
    lines += [
        "",
        "| task | seed | outlier at | answer without / with it | stop (points) | reason when none |",
    ]
    lines.append("|---|---|---|---|---|---|")
    for r in sorted((r for r in runs if r["at"] is not None), key=lambda r: (r["task"], r["seed"], r["at"])):
        b = clean.get((r["task"], r["seed"]))
        ratio = "" if r["answer"] is None or b is None else f" ({r['answer'] / b:.2f}x)"
        lines.append(
            f"| {r['task']} | {r['seed']} | {r['at']} | {_fmt(b)} / {_fmt(r['answer'])}{ratio} | {r['stop']} "
            f"({r['points']}) | {r['reason'] or ''} |"
        )
    return "\n".join(lines)


def _fmt(x: float | None) -> str:
    return "none" if x is None else f"{x:.3g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", help="comma-separated task names (default: every task)")
    parser.add_argument("--half", choices=["tuning", "validation", "holdout", "fourth"], help="one set only")
    parser.add_argument("--seeds", type=cli.at_least_one, help=f"seeds per task, 1 to {len(SEEDS)} (default)")
    parser.add_argument("--at", help="the outlier's sweep steps, comma-separated (default: 20,60)")
    parser.add_argument("--jobs", type=cli.at_least_one, help="processes (default: 1)")
    cli.add_dump_options(parser, dump="write every run to FILE", from_="re-print a dump without training")
    args = parser.parse_args()
    cli.check_dump_options(
        parser, args, tasks=args.tasks, half=args.half, seeds=args.seeds, at=args.at, jobs=args.jobs
    )
    if args.seeds is not None and args.seeds > len(SEEDS):
        parser.error(f"--seeds must be 1 to {len(SEEDS)}, got {args.seeds}")
    at = args.at if args.at is not None else ",".join(map(str, POSITIONS))
    try:
        positions = [int(p) for p in at.split(",") if p]
    except ValueError:
        parser.error(f"--at must be comma-separated sweep steps in 0..99, got {at!r}")
    if not positions or any(not 0 <= p < 100 for p in positions):
        parser.error(f"--at must be comma-separated sweep steps in 0..99, got {at!r}")
    if args.from_:
        with open(args.from_) as f:
            data = json.load(f)
        if data.get("format") != FORMAT:
            parser.error(f"--from {args.from_}: not a dump of this script (format {data.get('format')!r})")
        print(report(data["runs"], data["positions"]))
        return
    tasks = cli.pick(parser, TASKS, wanted=args.tasks, half=args.half or "all", split=SPLIT, every=("all",))
    seeds = SEEDS[: args.seeds or len(SEEDS)]
    jobs = [(t.name, s, p) for t in tasks for s in seeds for p in (None, *positions)]
    start = time.perf_counter()
    with ProcessPoolExecutor(args.jobs or 1) as pool:
        runs = list(pool.map(run, jobs))
    if args.dump:
        with open(args.dump, "w") as f:
            json.dump({"format": FORMAT, "positions": positions, "runs": runs}, f)
    print(report(runs, positions))
    print(f"\n{len(runs)} range tests, wall time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
