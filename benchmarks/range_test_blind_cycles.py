"""The range test's 1cycle peak and cyclic bounds on the blind tasks: out of sample, judged only.

``range_test_blind.py`` judges the constant-LR answer (``suggestion()``) on the blind tasks
(``benchmarks/blind_tasks.py``); this script judges the two schedule answers of the same range tests,
``one_cycle_max_lr()`` and ``cyclic_bounds()``, against a grid of 1cycle trainings. Nothing is chosen on it.
Its dump (``benchmarks/results/blind_cycles.json``) holds all 38 tasks: rounds 5 to 7's 22 from one ``--dump``,
round 8's 8 and round 9's 8 each added by ``--resume``.

- ground truth: torch's ``OneCycleLR`` with max_lr 10^(k/3) from 1e-5 up, over the task's budget T
  (``total_steps=T``, torch's defaults otherwise, the momentum cycled where the optimizer has one: as
  ``benchmarks/quality/train.py`` trains it), in the constant grid's plain loop (``train_plain``: the same
  optimizer, initial weights and data order) on the grid seeds 0, 1, 2, scored by the final training loss
  (mean of the last 10% of the steps; not finite or above 1e8: inf), averaged over the seeds. The grid ends
  as the constant grid does: after two max_lrs in a row above the best whose mean is inf or above the mean
  first step's loss, or at 100. Grid-best: the lowest mean.
- answers: the default ``Tuner(trainer).lr_range_test(model, train_dataloaders=loader, apply=False)`` on the
  sweep seeds 100, 101, 102, run exactly as ``range_test_blind.py`` runs it; from each result
  ``suggestion()``, ``one_cycle_max_lr()`` and ``cyclic_bounds()`` (ratio 4) at their defaults.
- ``one_cycle_max_lr()``: its ratio to the grid-best 1cycle max_lr, and its regret: the mean final loss of the
  1cycle trained at it on the grid seeds over the grid-best's (gauss_nll, mdn_inverse_adam and
  realnvp_ring_adamw_ams: the excesses over their Bayes floors, as ``range_test_blind.py`` scores them).
- ``cyclic_bounds()``: the ratio of its max_lr to the grid-best 1cycle max_lr (no training: the suggestion
  benchmark judges the cyclic top against the 1cycle grid too).

    python benchmarks/range_test_blind_cycles.py --dump benchmarks/results/blind_cycles.json   # all 38
    python benchmarks/range_test_blind_cycles.py --resume F --dump F                          # add the tasks F lacks
    python benchmarks/range_test_blind_cycles.py --from benchmarks/results/blind_cycles.json   # seconds
    python benchmarks/range_test_blind_cycles.py --tasks huber_heavytail --seeds 1             # a smoke run
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import range_test_blind as blind
from blind_tasks import Task

from lightning_lr.tuner import RangeTestResult

FORMAT = "range_test_blind_cycles/1"
#: the answers judged: the name in the report, and the key of the run's answer in the dump
ANSWERS: tuple[tuple[str, str], ...] = (("one_cycle_max_lr", "one_cycle"), ("cyclic_bounds max_lr", "cyclic"))
#: cyclic_bounds' ratio max_lr / base_lr (its default)
CYCLIC_RATIO = 4.0

Run = tuple[int, float | None, float | None, str | None]  # seed, ratio to the grid-best, regret, reason


def read_cycles(result: RangeTestResult) -> dict[str, Any]:
    """The schedule answers of one range test: the 1cycle peak and the cyclic (base_lr, max_lr), None each
    without an answer."""
    bounds = result.cyclic_bounds(CYCLIC_RATIO)
    return {"one_cycle": result.one_cycle_max_lr(), "cyclic": None if bounds is None else list(bounds)}


def collect(task: Task, grid_seeds: Sequence[int], sweep_seeds: Sequence[int], root: str) -> dict[str, Any]:
    """Everything the report reads about one task: the 1cycle grid, the range tests' answers, the 1cycle
    trainings at each ``one_cycle_max_lr()``."""
    start = time.perf_counter()
    rows = blind.grid(task, grid_seeds, "onecycle")
    print(
        f"[{task.name}: 1cycle grid of {len(rows)} max_lrs, {time.perf_counter() - start:.0f} s]",
        file=sys.stderr,
    )
    trained: blind.Trained = {}
    runs: list[dict[str, Any]] = []
    for seed in sweep_seeds:
        run = blind.range_test(task, seed, None, root, read_cycles)
        if run["one_cycle"] is not None:
            run.update(blind.train_at(task, run["one_cycle"], grid_seeds, trained, "onecycle"))
        runs.append(run)
    return blind.record(task, rows, runs, start)


# --- the report: from the dump alone ------------------------------------------------------------------


def score(task: dict[str, Any]) -> dict[str, Any]:
    """The grid-best 1cycle max_lr and loss; per answer each run's (seed, ratio to the grid-best max_lr, regret,
    reason) (the cyclic max_lr has no regret; ratio and regret None without an answer); the runs where
    suggestion() answered and the answer did not; each 1cycle peak over its suggestion()."""
    rows = task["grid"]
    best_i = min(range(len(rows)), key=lambda i: blind._mean(rows[i]["final"]))
    best = rows[best_i]
    best_loss = blind._mean(best["final"])
    out: dict[str, Any] = {
        "best_lr": best["lr"],
        "best": best_loss,
        "edge": best_i == len(rows) - 1 or best_i == 0,  # the best may lie beyond the grid
        "grid": (rows[0]["lr"], rows[-1]["lr"], len(rows)),
    }
    for name, key in ANSWERS:
        runs: list[Run] = []
        for r in task["runs"]:
            got = r[key]
            top = None if got is None else got[1] if key == "cyclic" else got
            regret = None
            if key == "one_cycle" and got is not None:
                regret = blind.regret(task, r["final"], best_loss)
            # a None where suggestion() answered has no reason of its own: the suggestion's is None
            reason = "suggestion() answered" if got is None and r["answer"] is not None else r["reason"]
            runs.append((r["seed"], None if top is None else top / best["lr"], regret, reason))
        out[name] = runs
        out[name + " lost"] = [r["seed"] for r in task["runs"] if r[key] is None and r["answer"] is not None]
    out["peak/suggestion"] = [
        None if r["one_cycle"] is None or r["answer"] is None else r["one_cycle"] / r["answer"]
        for r in task["runs"]
    ]
    return out


def task_table(tasks: list[dict[str, Any]], scores: list[dict[str, Any]]) -> str:
    lines = [
        "| task | round | T | 1cycle grid max_lrs | grid-best 1cycle max_lr (loss) | one_cycle_max_lr / grid-best "
        "| regret | peak / suggestion() | cyclic_bounds max_lr / grid-best | no answer: first words of the "
        "reason |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for t, s in zip(tasks, scores, strict=True):
        one, cyc = (blind._cells(s[name]) for name, _ in ANSWERS)
        nones = [n for name, _ in ANSWERS for n in blind._nones(s[name], name)]
        floor = blind.floor_text(t)
        edge = ", at the grid's edge" if s["edge"] else ""
        lo, hi, n = s["grid"]
        per = ", ".join("-" if p is None else f"{p:.2f}" for p in s["peak/suggestion"])
        lines.append(
            f"| {t['name']} | {t['round']} | {t['steps']} | {lo:.3g}..{hi:.3g} ({n}) | {s['best_lr']:.3g} "
            f"({s['best']:.4g}{floor}{edge}) | {one[0]} | {one[1]} | {per} | {cyc[0]} | {'; '.join(nones)} |"
        )
    return "\n".join(lines)


def totals_table(tasks: list[dict[str, Any]], scores: list[dict[str, Any]]) -> str:
    def lost(picked: list[dict[str, Any]], name: str) -> str:
        return str(sum(len(s[name + " lost"]) for s in picked))

    answers = [name for name, _ in ANSWERS]
    return blind.totals_table(tasks, scores, answers, ("None where suggestion() answered", lost))


def report(data: dict[str, Any]) -> str:
    tasks = data["tasks"]
    scores = [score(t) for t in tasks]
    return "\n".join(
        [
            f"lightning_lr {data.get('lightning_lr', '?')}; grid seeds {data['grid_seeds']}, sweep seeds "
            f"{data['sweep_seeds']}; ground truth: torch OneCycleLR (total_steps = T, torch's defaults) at max_lr "
            f"10^(k/3), final training loss (mean of the last 10% of the steps); ratio = answer / grid-best "
            f"1cycle max_lr; regret = loss of the 1cycle trained at one_cycle_max_lr() (grid seeds) / grid-best "
            f"loss (a task with a floor: the excesses over it); cyclic_bounds at ratio {CYCLIC_RATIO:g}, its max_lr "
            f"judged against the 1cycle grid (not trained)",
            "",
            task_table(tasks, scores),
            "",
            totals_table(tasks, scores),
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    return blind.run(argv, doc=__doc__, fmt=FORMAT, collect=collect, report=report)


if __name__ == "__main__":
    raise SystemExit(main())
