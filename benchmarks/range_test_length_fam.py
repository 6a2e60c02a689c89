"""The run-length shift by optimizer family, on 16 fresh tasks of 800 to 2000 steps (``length_tasks_fam.py``).

``range_test_length.py`` found no single shift ``(T / 80) ** -p`` that holds across its 8 long tasks, and
its answers split by optimizer: above the grid-best LR on every Adam-family run (1.3x to 8.5x), below it
with Nesterov and Adagrad. A reason fits that split: an Adam-family step has the size of the LR whatever
the gradient's size, so a constant LR cannot settle closer than that to a minimum and a longer run favours a
lower LR; SGD's step shrinks with the gradient, and Adagrad's with the gradients it has summed. That reading
was formed after seeing those results, so it is tested here on tasks written for it, blind, after it was
formed: 8 Adam-family tasks (Adam, AdamW, NAdam, RAdam, Adamax), 4 SGD-family (SGD, momentum, Nesterov) and
4 others (RMSprop, Adagrad, Adadelta), split into halves by alternating within each family before anything
was trained on them at more than one LR.

The protocol is ``range_test_length.py``'s (the blind tasks'): the grid of constant LRs 10^(k/3) from 1e-5
up on the grid seeds 0, 1, 2, scored by the final training loss; the default test on a fresh
``Trainer(max_steps=T)`` on the sweep seeds 100, 101, 102; each answer times ``(T / 80) ** -p`` for each p of
``EXPONENTS`` trained on the grid seeds for T steps.

The families are by how an optimizer's step follows the gradient (``family``), not the task module's
``FAMILY``, which put RMSprop with Adagrad and Adadelta as "other": RMSprop's step has the LR's size as
Adam's does, Adagrad's and Adadelta's shrink by their own rules. This set's split leaves RMSprop (2 tasks) on
the tuning half only and Adagrad and Adadelta (1 task each) on the validation half only: those are reported,
and a shift chosen for RMSprop cannot be tested here, so it is not applied.

The choice and the test, fixed before the run:

- **choice:** for each family, on the tuning half's tasks of that family, the p with the most runs within 3x
  of the grid-best LR; a tie goes to the lower worst regret, then the lower median regret, then the
  smaller p (``range_test_length.choose``).
- **holds:** on the validation half's tasks of that family, the chosen p has at least as many runs within
  3x as the answer as given (p = 0), a median regret no higher, and a worst regret at most 1.05 times the
  answer as given's. A family whose chosen p is 0 holds trivially.

    python benchmarks/range_test_length_fam.py --dump benchmarks/results/length_fam.json   # about an hour
    python benchmarks/range_test_length_fam.py --from benchmarks/results/length_fam.json   # seconds
    python benchmarks/range_test_length_fam.py --tasks NAME --seeds 1                      # a smoke run
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import range_test_length
import torch
from blind_tasks import Task
from length_tasks_fam import SPLIT, TASKS
from range_test_blind import run
from range_test_length import HALVES, choose, score, task_table, totals

FORMAT = "range_test_length_fam/1"
#: the exponents p of the shift ``(T / 80) ** -p``; 0 is the answer as given
EXPONENTS = (0.0, 0.125, 0.25, 0.375, 0.5)
FAMILIES = ("adam", "rmsprop", "sgd", "annealing")
#: the optimizers whose step has the LR's size whatever the gradient's
ADAM_FAMILY = (torch.optim.Adam, torch.optim.AdamW, torch.optim.NAdam, torch.optim.RAdam, torch.optim.Adamax)


def family(task: Task) -> str:
    """The task's optimizer's family, by how its step's size follows the gradient's: ``"adam"`` (Adam, AdamW,
    NAdam, RAdam, Adamax: the LR's size, the first moment over the root of the second), ``"rmsprop"`` (the
    gradient over the root of its running second moment: the LR's size too, with no first-moment average),
    ``"sgd"`` (torch's SGD, with or without momentum: the gradient's size) or ``"annealing"`` (Adagrad,
    Adadelta: a step that shrinks as the run goes on by its own rule)."""
    opt = task.make_opt([torch.nn.Parameter(torch.zeros(1))], 1e-3)
    if isinstance(opt, ADAM_FAMILY):
        return "adam"
    if isinstance(opt, torch.optim.RMSprop):
        return "rmsprop"
    if isinstance(opt, torch.optim.SGD):
        return "sgd"
    if isinstance(opt, (torch.optim.Adagrad, torch.optim.Adadelta)):
        return "annealing"
    raise ValueError(f"{task.name}: no family for {type(opt).__name__}")


def collect(task: Task, grid_seeds: Sequence[int], sweep_seeds: Sequence[int], root: str) -> dict[str, Any]:
    entry = range_test_length.collect(task, grid_seeds, sweep_seeds, root, EXPONENTS, SPLIT)
    entry["family"] = family(task)
    return entry


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def holds(chosen: dict[str, Any], given: dict[str, Any]) -> bool:
    """The test in the module's docstring: ``chosen`` and ``given`` are ``totals`` at the chosen p and at 0."""
    inf = float("inf")
    return (
        chosen["within 3x"] >= given["within 3x"]
        and (chosen["median regret"] or inf) <= (given["median regret"] or inf)
        and (chosen["worst regret"] or inf) <= 1.05 * (given["worst regret"] or inf)
    )


def report(data: dict[str, Any]) -> str:
    tasks = data["tasks"]
    scores = [score(t, EXPONENTS) for t in tasks]
    lines = [
        f"lightning_lr {data.get('lightning_lr', '?')}; grid seeds {data['grid_seeds']}, sweep seeds "
        f"{data['sweep_seeds']}; final training loss (mean of the last 10% of the steps); ratio = LR trained / "
        f"grid-best LR; regret = loss of training at that LR (grid seeds) / grid-best loss",
        "",
    ]
    for fam in FAMILIES:
        picked = [(t, s) for t, s in zip(tasks, scores, strict=True) if t["family"] == fam]
        if picked:
            table = task_table([t for t, _ in picked], [s for _, s in picked], EXPONENTS)
            lines += [f"### {fam}", "", table, ""]
    head = ["family", "half", "answer", "runs", "within 3x", "within 10x", "above 3x", "None"]
    head += ["median ratio", "median regret", "worst regret"]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    verdicts: list[str] = []
    for fam in (*FAMILIES, "all"):
        by_half = {
            half: [
                s
                for t, s in zip(tasks, scores, strict=True)
                if t["half"] == half and fam in (t["family"], "all")
            ]
            for half in HALVES
        }
        for half in HALVES:
            if not by_half[half]:
                continue
            for p in EXPONENTS:
                tot = totals(by_half[half], p)
                cells = [fam, half, "as given" if p == 0 else f"x (T / 80) ** -{p:g}"]
                cells += [str(tot[k]) for k in ("runs", "within 3x", "within 10x", "above 3x", "None")]
                cells += [_fmt(tot["median ratio"]), _fmt(tot["median regret"]), _fmt(tot["worst regret"])]
                lines.append("| " + " | ".join(cells) + " |")
        if fam != "all" and by_half["tuning"]:
            p = choose(by_half["tuning"], EXPONENTS)
            text = f"{fam}: chosen on the tuning half ({len(by_half['tuning'])} tasks): p = {p:g}"
            if by_half["validation"] and p != 0:
                ok = holds(totals(by_half["validation"], p), totals(by_half["validation"], 0.0))
                text += (
                    "; it holds on the validation half" if ok else "; it does NOT hold on the validation half"
                )
            verdicts.append(text)
    return "\n".join([*lines, "", *verdicts])


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv, doc=__doc__, fmt=FORMAT, collect=collect, report=report, tasks=TASKS)


if __name__ == "__main__":
    raise SystemExit(main())
