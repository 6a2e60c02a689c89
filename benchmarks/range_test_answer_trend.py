"""Does the best candidate's drift between two horizons say where a longer run's best LR lies? Offline.

The confirmation stage trains its candidate LRs 80 steps each from the same state on the same batches and
answers with the best one, refined between its neighbours (``_confirm.refine``). A run of T > 80 steps can
want another LR: for the Adam family it usually wants a lower one (``length_fam.md``), but not always
(``length_adam.md``: a Transformer whose answer already lay below a 2000-step run's best). A fixed exponent
``(T / 80) ** -p`` moves every answer the same way, right or wrong; this asks whether each run can measure
its own drift instead. The candidates' losses are kept step by step, so the same refinement can be read at
shorter horizons h (the mean of the last fifth of the first h steps) without training anything:

- ``as given``: the answer at h = 80 (today's);
- ``drift 40->80``: the answer at 80 times ``(T / 80) ** -p``, with ``p = log2(a_40 / a_80)`` the drift per
  doubling of the horizon from 40 to 80 steps, held to 0..1/2 (never up, at most the steepest fixed
  exponent measured);
- ``drift 20..80``: the same with p the slope of log a_h over log h at h = 20, 40, 60, 80 (least squares),
  held to 0..1/2;
- ``fixed 1/4``: ``(T / 80) ** -1/4`` on every run, whatever the optimizer (for reference; ``run_steps``
  scales the Adam family alone).

T is each task's own budget (150 to 420 steps), so the shifts are small here; the question is the sign and
whether the drift is measured well enough to use. Judged against the grid-best constant LR at T (ratio
only, nothing trained; an answer between two grid points is not given a regret here). The test fixed
before the halves were printed together: a drift rule is worth training for only if, on the tuning half,
it puts more runs within 3x than the answer as given. (The drift 40->80 and 20..80 rules were first tried
on the tuning half alone, where they lose; this script prints every half.)

    python benchmarks/range_test_answer_trend.py --from benchmarks/results/suggestion.json   # about 6 s
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Sequence

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from quality import cli
from quality.collect import grid
from quality.report import ratio_counts
from quality.store import Store, lattice_lr
from quality.tasks import HALVES, SPLIT, TASKS
from range_test_choice import runs

from lightning_lr.tuner._confirm import Confirmation, refine, score

#: the horizons the drift's slope is fitted over, and the two of the two-point drift
HORIZONS = (20, 40, 60, 80)
PAIR = (40, 80)
#: the bounds of the drift's exponent: never up, never steeper than the steepest fixed exponent measured
P_MIN, P_MAX = 0.0, 0.5


def answer_at(conf: Confirmation, h: int) -> float:
    """The confirmation's answer had its candidates been scored after ``h`` steps (NaN: none finite)."""
    scores = [score(c.losses, h, tuple(i for i in c.left_out if i < h)) for c in conf.candidates]
    if not any(math.isfinite(s) for s in scores):
        return math.nan
    return refine(conf.lrs, scores, int(np.argmin(scores)))[0]


def _held(p: float) -> float:
    return min(max(p, P_MIN), P_MAX)


def drift_pair(conf: Confirmation, steps: int) -> float:
    a, b = (answer_at(conf, h) for h in PAIR)
    p = math.log(a / b) / math.log(PAIR[1] / PAIR[0]) if math.isfinite(a) and math.isfinite(b) else 0.0
    return b * (steps / conf.steps) ** -_held(p)


def drift_slope(conf: Confirmation, steps: int) -> float:
    pts = [(h, answer_at(conf, h)) for h in HORIZONS]
    pts = [(h, a) for h, a in pts if math.isfinite(a)]
    p = (
        -float(np.polyfit(np.log([h for h, _ in pts]), np.log([a for _, a in pts]), 1)[0])
        if len(pts) > 1
        else 0.0
    )
    return answer_at(conf, conf.steps) * (steps / conf.steps) ** -_held(p)


Rule = Callable[[Confirmation, int], float]
RULES: dict[str, Rule] = {
    "as given": lambda conf, steps: answer_at(conf, conf.steps),
    "drift 40->80": drift_pair,
    "drift 20..80": drift_slope,
    "fixed 1/4": lambda conf, steps: answer_at(conf, conf.steps) * (steps / conf.steps) ** -0.25,
}


def ratios(store: Store) -> dict[tuple[str, str], list[float]]:
    """Per (half, rule), each (task, seed) run's answer over the grid-best LR at T (NaN: no answer)."""
    out: dict[tuple[str, str], list[float]] = {}
    # the default's stored runs, as range_test_choice.py replays them
    for task, _, conf in runs(store, TASKS):
        best = lattice_lr(grid(store, task, "constant").best_k)
        for name, rule in RULES.items():
            r = math.nan if conf is None or conf.chosen is None else rule(conf, task.steps) / best
            out.setdefault((SPLIT[task.name], name), []).append(r)
    return out


def report(got: dict[tuple[str, str], list[float]]) -> str:
    lines = [
        "| set | answer | runs | within 3x of the grid-best at T | no answer | median ratio |",
        "|---|---|---|---|---|---|",
    ]
    for half in HALVES:
        for name in RULES:
            rs = got.get((half, name), [])
            within, missing, median = ratio_counts(rs)
            lines.append(f"| {half} | {name} | {len(rs)} | {within}/{len(rs)} | {missing} | {median:.2f} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    source = cli.dump_path(__doc__.split("\n")[0], argv)
    store = Store(offline=True)
    store.load(source)
    print(report(ratios(store)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
