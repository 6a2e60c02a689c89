"""Would a candidate's score that looks further ahead pick better LRs? An offline check on the stored curves.

The confirmation stage scores each candidate LR by its mean loss over the last fifth of its 80 steps. The
best constant LR for the whole run (T = 150 to 420 steps) can differ from the best over 80 steps, both ways:
on some tasks a higher LR wins early and loses later, on others a lower one. Two scores that look further
ahead are compared here with today's, on the same candidates (the prototype's fixed set, -1.5..+0.5
decades from the sweep's anchor, on the benchmark's 12-per-decade lattice):

- ``tail@80``: today's score;
- ``tail@120``: the same score after 120 steps (what longer candidates, 1.5x the cost, would see);
- ``trend->T``: each candidate's loss over its last 40 of 80 steps fitted as ``a + b log t`` (the slope
  taken as 0 when it rises) and read at the task's budget T: the loss the candidate is heading for;
- ``tail@80, ties lower``: today's score, but the winner is the lowest candidate whose score lies within
  1.5 standard errors of the best one's, by the confirmation stage's own comparison (``_confirm._alike``). Above the best LR the loss rises faster than
  below it, so a tie taken low should cost less; on the tuning half it takes 31 of 39 runs within 3x to 29.

Nothing is trained: the candidates' 120-step curves, the sweeps and the grids are read from the suggestion
benchmark's dump. Nothing here is chosen: it reports, per set of tasks, how many (task, seed) runs the
winner of each score puts within 3x of the grid-best constant LR at T.

    python benchmarks/range_test_candidate_score.py --from benchmarks/results/suggestion.json
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
from quality.confirm import anchor_of
from quality.report import ratio_counts
from quality.store import Store, lattice_index, lattice_lr
from quality.tasks import HALVES, SPLIT, TASKS

#: the candidates, in decades from the anchor (the chosen design's set)
OFFSETS = (-1.5, -1.0, -0.5, 0.0, 0.5)
SEEDS = (0, 1, 2)
TIED = "tail@80, ties lower"


def tail(curve: Sequence[float], n: int) -> float:
    """Mean loss of the last fifth (at least 3) of the first ``n`` steps; inf once diverged."""
    c = np.asarray(curve[:n], dtype=float)
    if len(c) < n or not np.all(np.isfinite(c)):
        return math.inf
    return float(c[-max(3, round(0.2 * n)) :].mean())


def lowest_tied(lrs: Sequence[float], curves: Sequence[Sequence[float]], n: int) -> int:
    """The index of the lowest-LR candidate (by increasing LR) whose score after ``n`` steps the confirmation
    stage would call alike the best one's (``_confirm._alike``: within ``NOISE_SE`` standard errors)."""
    from lightning_lr.tuner._confirm import Candidate, _alike, score, tail_length

    cands = [Candidate(lr, tuple(c[:n]), score(c[:n], n)) for lr, c in zip(lrs, curves, strict=True)]
    best = int(np.argmin([c.score for c in cands]))
    finite = [i for i in range(best) if math.isfinite(cands[i].score)]
    return next((i for i in finite if _alike(cands[i], cands[best], tail_length(n))), best)


def trend(curve: Sequence[float], n: int, horizon: int) -> float:
    """The loss at step ``horizon`` of ``a + b log t`` fitted to steps ``n/2 .. n`` (today's score when the
    loss is not falling)."""
    c = np.asarray(curve[:n], dtype=float)
    if len(c) < n or not np.all(np.isfinite(c)):
        return math.inf
    t = np.arange(n // 2, n) + 1.0
    b, a = np.polyfit(np.log(t), c[n // 2 :], 1)
    return float(a + b * math.log(horizon)) if b < 0 else tail(curve, n)


def scores(horizon: int) -> dict[str, Callable[[Sequence[float]], float]]:
    return {
        "tail@80 (today)": lambda c: tail(c, 80),
        "tail@120": lambda c: tail(c, 120),
        "trend->T": lambda c: trend(c, 80, horizon),
    }


def main(argv: Sequence[str] | None = None) -> int:
    source = cli.dump_path(__doc__.split("\n")[0], argv)
    store = Store(offline=True)
    store.load(source)
    names = [*scores(1), TIED]
    ratios: dict[tuple[str, str], list[float]] = {}
    missing = 0
    for task in TASKS:
        g = grid(store, task, "constant")
        if not g.train:
            continue
        best = lattice_lr(g.best_k)
        for seed in SEEDS:
            sweep = store.sweeps.get(f"{task.name}|exponential|100|1e-07|10|{seed}")
            if sweep is None:
                continue
            result = sweep.get("result", sweep)
            anchor = anchor_of(result["lrs"], [float(v) for v in result["losses"]])
            if anchor is None:  # no descent: no candidates (a miss for every score)
                for name in names:
                    ratios.setdefault((SPLIT[task.name], name), []).append(math.nan)
                continue
            ks = [lattice_index(anchor * 10**o) for o in OFFSETS]
            curves = [store.curves.get(f"{task.name}|{k}|{seed}") for k in ks]
            if any(c is None for c in curves):
                missing += 1
                continue
            got = [c for c in curves if c is not None]
            winners = {
                name: int(np.argmin([score(c) for c in got])) for name, score in scores(task.steps).items()
            }
            winners[TIED] = lowest_tied([lattice_lr(k) for k in ks], got, 80)
            for name, won in winners.items():
                ratios.setdefault((SPLIT[task.name], name), []).append(lattice_lr(ks[won]) / best)
    print("| set | score | runs | within 3x of the grid-best at T | median ratio |")
    print("|---|---|---|---|---|")
    for half in HALVES:
        for name in names:
            rs = ratios.get((half, name), [])
            within, _, median = ratio_counts(rs)
            print(f"| {half} | {name} | {len(rs)} | {within}/{len(rs)} | {median:.2f} |")
    if missing:
        print(f"\n{missing} runs skipped: a candidate's curve is not in the dump")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
