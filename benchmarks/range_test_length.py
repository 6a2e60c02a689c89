"""The run-length shift, judged where it is meant: 8 tasks of 1000 to 2000 steps (``length_tasks.py``).

The confirmation's candidates train 80 steps, and the best constant LR of a longer run may lie lower. The
suggestion benchmark's validation half and the blind tasks point to scaling the answer by ``(T / 80) ** -p``
for a run of T steps; its tuning half, where designs are chosen, does not take it (``range_test_choice.py``),
but its budgets end at 420 steps. These 8 tasks were written for this question by a helper that had read
neither the tuner's code nor any benchmark's results, with budgets of 1000 to 2000 steps, and split into a
tuning half (where p is chosen) and a validation half (judged only) before anything was trained on them.

The protocol is the blind tasks' (``range_test_blind.py``): the grid of constant LRs 10^(k/3) from 1e-5 up on
the grid seeds 0, 1, 2, scored by the final training loss (mean of the last 10% of the steps), averaged over
the seeds; the default test (``Tuner(trainer).lr_range_test(model, train_dataloaders=loader, apply=False)``)
on the sweep seeds 100, 101, 102, each on a fresh ``Trainer(max_steps=T)``. Each answer times
``(T / 80) ** -p``, for each p of ``EXPONENTS``, is trained on the grid seeds for T steps: every regret is
measured, none interpolated.

The choice, fixed before the run: on the tuning half, the p with the most runs within 3x of the grid-best
LR; a tie goes to the lower worst regret, then the lower median regret, then the smaller p. It picked 1/8,
which the validation half does not take (``benchmarks/results/length.md``; docs/range_test.md, "The
training's length"): no shift is applied.

    python benchmarks/range_test_length.py --dump benchmarks/results/length.json   # 80 minutes, 1 core
    python benchmarks/range_test_length.py --from benchmarks/results/length.json   # seconds
    python benchmarks/range_test_length.py --tasks NAME --seeds 1                  # a smoke run
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from blind_tasks import Task
from length_tasks import SPLIT, TASKS
from range_test_blind import Trained, _mean, grid, range_test, record, regret, run, train_at

FORMAT = "range_test_length/1"
#: the confirmation's candidate length at the test's defaults
CANDIDATE_STEPS = 80
#: the exponents p of the shift ``(T / CANDIDATE_STEPS) ** -p``; 0 is the answer as given
EXPONENTS = (0.0, 0.0625, 0.125, 0.1875, 0.25)
HALVES = ("tuning", "validation")


def shifted(answer: float, steps: int, p: float) -> float:
    """The answer scaled for a run of ``steps`` optimizer steps by ``(steps / CANDIDATE_STEPS) ** -p``."""
    return answer * (steps / CANDIDATE_STEPS) ** -p


def collect(
    task: Task,
    grid_seeds: Sequence[int],
    sweep_seeds: Sequence[int],
    root: str,
    exponents: Sequence[float] = EXPONENTS,
    split: Mapping[str, str] = SPLIT,
) -> dict[str, Any]:
    """One task's entry: the grid, the default answers, and the trainings at each shift (each p of
    ``exponents``) of each answer; its half from ``split``."""
    start = time.perf_counter()
    rows = grid(task, grid_seeds)
    print(f"[{task.name}: grid of {len(rows)} LRs, {time.perf_counter() - start:.0f} s]", file=sys.stderr)
    trained: Trained = {}
    runs: list[dict[str, Any]] = []
    for seed in sweep_seeds:
        one = range_test(task, seed, None, root)
        one["shifted"] = {}
        if one["answer"] is not None:
            for p in exponents:
                lr = shifted(one["answer"], task.steps, p)
                one["shifted"][repr(p)] = {"lr": lr, **train_at(task, lr, grid_seeds, trained)}
        runs.append(one)
    entry = record(task, rows, {"default": runs}, start)
    entry["half"] = split[task.name]
    return entry


# --- the report: from the dump alone ------------------------------------------------------------------


def score(task: dict[str, Any], exponents: Sequence[float] = EXPONENTS) -> dict[str, Any]:
    """The grid-best LR and loss, and under ``"at"`` per exponent each run's (ratio to the grid-best LR, regret);
    None for both where the test gave no answer."""
    best = min(task["grid"], key=lambda r: _mean(r["final"]))
    best_loss = _mean(best["final"])
    out: dict[str, Any] = {"best_lr": best["lr"], "best": best_loss, "at": {}}
    for p in exponents:
        cells: list[tuple[float | None, float | None]] = []
        for r in task["runs"]["default"]:
            at = r["shifted"].get(repr(p))
            cells.append(
                (None, None) if at is None else (at["lr"] / best["lr"], regret(task, at["final"], best_loss))
            )
        out["at"][p] = cells
    return out


def totals(scores: Sequence[dict[str, Any]], p: float) -> dict[str, Any]:
    """Over the runs at exponent ``p``: runs, within 3x and 10x, above 3x, None, median ratio, median and worst
    regret."""
    cells = [c for s in scores for c in s["at"][p]]
    ratios = [q for q, _ in cells if q is not None]
    regrets = [g for q, g in cells if q is not None and g is not None]
    return {
        "runs": len(cells),
        "within 3x": sum(1 / 3 <= q <= 3 for q in ratios),
        "within 10x": sum(1 / 10 <= q <= 10 for q in ratios),
        "above 3x": sum(q > 3 for q in ratios),
        "None": len(cells) - len(ratios),
        "median ratio": statistics.median(ratios) if ratios else None,
        "median regret": statistics.median(regrets) if regrets else None,
        "worst regret": max(regrets) if regrets else None,
    }


def choose(scores: Sequence[dict[str, Any]], exponents: Sequence[float] = EXPONENTS) -> float:
    """The exponent of ``exponents`` the rule in the module's docstring picks on ``scores`` (the tuning
    half's)."""

    def key(p: float) -> tuple[float, float, float, float]:
        t = totals(scores, p)
        inf = float("inf")
        return (-t["within 3x"], t["worst regret"] or inf, t["median regret"] or inf, p)

    return min(exponents, key=key)


def _num(x: float | None, fmt: str) -> str:
    return "-" if x is None else format(x, fmt)


def task_table(
    tasks: list[dict[str, Any]], scores: list[dict[str, Any]], exponents: Sequence[float] = EXPONENTS
) -> str:
    head = ["task", "half", "recipe", "T", "grid-best LR (loss)"]
    head += [f"p={p:g}: ratio; regret" for p in exponents]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for t, s in zip(tasks, scores, strict=True):
        cells = [t["name"], t["half"], t["recipe"], str(t["steps"]), f"{s['best_lr']:.3g} ({s['best']:.4g})"]
        for p in exponents:
            cells.append(
                ", ".join("None" if q is None else f"{q:.2f}" for q, _ in s["at"][p])
                + "; "
                + ", ".join(_num(g, ".3f") for _, g in s["at"][p])
            )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def totals_table(tasks: list[dict[str, Any]], scores: list[dict[str, Any]]) -> str:
    head = ["half", "answer", "runs", "within 3x", "within 10x", "above 3x", "None"]
    head += ["median ratio", "median regret", "worst regret"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for half in (*HALVES, "both"):
        picked = [s for t, s in zip(tasks, scores, strict=True) if half in (t["half"], "both")]
        for p in EXPONENTS:
            tot = totals(picked, p)
            cells = [half, "as given" if p == 0 else f"x (T / 80) ** -{p:g}"]
            cells += [str(tot[k]) for k in ("runs", "within 3x", "within 10x", "above 3x", "None")]
            cells += [_num(tot["median ratio"], ".2f")]
            cells += [_num(tot[k], ".3f") for k in ("median regret", "worst regret")]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(data: dict[str, Any]) -> str:
    tasks = data["tasks"]
    scores = [score(t) for t in tasks]
    tuning = [s for t, s in zip(tasks, scores, strict=True) if t["half"] == "tuning"]
    lines = [
        f"lightning_lr {data.get('lightning_lr', '?')}; grid seeds {data['grid_seeds']}, sweep seeds "
        f"{data['sweep_seeds']}; final training loss (mean of the last 10% of the steps); ratio = LR trained / "
        f"grid-best LR; regret = loss of training at that LR (grid seeds) / grid-best loss",
        "",
        task_table(tasks, scores),
        "",
        totals_table(tasks, scores),
    ]
    if tuning:
        p = choose(tuning)
        lines += [
            "",
            f"chosen on the tuning half ({len(tuning)} task{'s' if len(tuning) > 1 else ''}): p = {p:g}"
            + (" (no shift)" if p == 0 else ""),
        ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv, doc=__doc__, fmt=FORMAT, collect=collect, report=report, tasks=TASKS)


if __name__ == "__main__":
    raise SystemExit(main())
