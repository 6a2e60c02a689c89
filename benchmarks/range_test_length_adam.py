"""A holdout for ``run_steps``: 6 fresh Adam-family tasks of 1000 to 2000 steps (``length_tasks_adam.py``).

``range_test_length_fam.py`` chose the scale ``(T / 80) ** -1/4`` for Adam-family optimizers on its tuning
half and saw it hold on its validation half; ``run_steps`` applies it. These 6 tasks were written blind after
that choice, by a helper that read neither the library, the results nor the family set, and every one is on
the holdout: nothing is chosen here.

The protocol is the family set's (``range_test_length.py``'s): the grid of constant LRs on the grid seeds 0,
1, 2 by final training loss; the default test on a fresh ``Trainer(max_steps=T)`` on the sweep seeds 100,
101, 102; each answer times ``(T / 80) ** -p`` for each p of ``range_test_length_fam.EXPONENTS`` trained on the
grid seeds for T steps.

The test, fixed before the run: the shipped scale (p = 1/4, which ``run_steps`` applies for a run of T steps)
holds when it has at least as many runs within 3x of the grid-best as the answer as given, a median regret no
higher and a worst regret at most 1.05 times as high (``range_test_length_fam.holds``). The other exponents
are printed, judged only.

    python benchmarks/range_test_length_adam.py --dump benchmarks/results/length_adam.json
    python benchmarks/range_test_length_adam.py --from benchmarks/results/length_adam.json   # seconds
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import range_test_length
from blind_tasks import Task
from length_tasks_adam import SPLIT, TASKS
from range_test_blind import run
from range_test_length import score, task_table, totals
from range_test_length_fam import EXPONENTS, family, holds

from lightning_lr.tuner._run_length import EXPONENT

FORMAT = "range_test_length_adam/1"
#: the exponent ``run_steps`` applies for the Adam family
SHIPPED = EXPONENT


def collect(task: Task, grid_seeds: Sequence[int], sweep_seeds: Sequence[int], root: str) -> dict[str, Any]:
    if family(task) != "adam":
        raise ValueError(f"{task.name}: this holdout is for the Adam family, got {family(task)}")
    return range_test_length.collect(task, grid_seeds, sweep_seeds, root, EXPONENTS, SPLIT)


def report(data: dict[str, Any]) -> str:
    tasks = data["tasks"]
    scores = [score(t, EXPONENTS) for t in tasks]
    head = ["answer", "runs", "within 3x", "within 10x", "above 3x", "None"]
    head += ["median ratio", "median regret", "worst regret"]
    lines = [
        f"lightning_lr {data.get('lightning_lr', '?')}; grid seeds {data['grid_seeds']}, sweep seeds "
        f"{data['sweep_seeds']}; final training loss (mean of the last 10% of the steps); ratio = LR trained / "
        f"grid-best LR; regret = loss of training at that LR (grid seeds) / grid-best loss",
        "",
        task_table(tasks, scores, EXPONENTS),
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for p in EXPONENTS:
        tot = totals(scores, p)
        cells = ["as given" if p == 0 else f"x (T / 80) ** -{p:g}" + (" (run_steps)" if p == SHIPPED else "")]
        cells += [str(tot[k]) for k in ("runs", "within 3x", "within 10x", "above 3x", "None")]
        cells += [
            "-" if tot[k] is None else format(tot[k], ".3f")
            for k in ("median ratio", "median regret", "worst regret")
        ]
        lines.append("| " + " | ".join(cells) + " |")
    ok = holds(totals(scores, SHIPPED), totals(scores, 0.0))
    lines += ["", f"the shipped scale (p = {SHIPPED:g}) {'holds' if ok else 'does NOT hold'} on this holdout"]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv, doc=__doc__, fmt=FORMAT, collect=collect, report=report, tasks=TASKS)


if __name__ == "__main__":
    raise SystemExit(main())
