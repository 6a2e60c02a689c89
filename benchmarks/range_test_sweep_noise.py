"""How often does the sweep's noise check pass pure noise, and what would a stricter one refuse?

The range test refuses a sweep whose lowest point lies within the noise of its flat start
(``lightning_lr.tuner._confirm.verdict``): the drop from the start level (the mean of the first tenth of the
losses) to the centred average at the lowest point must exceed ``NOISE_SE`` (1.5) standard errors. The lowest
point is picked as the lowest of many, so on a loss that does not depend on the LR the drop is not a
standard normal: it is the largest of as many correlated ones as the curve has points. This script measures
that, with the package's own functions, in two parts:

1. the null: a flat loss with independent Gaussian noise (its scale does not matter: the check is a ratio)
   over 1e-7..10 at 50, 100, 300 and 1000 steps, ``--draws`` curves each: the share that passes the check
   today, and the quantiles of the statistic (drop / standard error);
2. the suggestion benchmark's stored sweeps (``--from``, default ``benchmarks/results/suggestion.json``):
   every sweep the real ``Tuner.lr_range_test`` ran (first tries and second tries, every density and range),
   and how many of them each threshold would refuse: today's 1.5, 2, 2.5 and the null's 93% quantile at
   the sweep's length (the selection-corrected threshold at the level ``NOISE_SE`` stands for).

Nothing is chosen here; it reports. A sweep the check refuses gets no answer, or a second try (``retry``).

    python benchmarks/range_test_sweep_noise.py            # about 30 s, 1 core
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from quality import cli
from quality.tasks import SPLIT

from lightning_lr.tuner import _confirm, _rules
from lightning_lr.tuner._result import RangeTestResult

LENGTHS = (50, 100, 300, 1000)
LEVEL = NormalDist().cdf(_confirm.NOISE_SE)
SETS = ("tuning", "validation", "holdout", "fourth")


def statistic(lrs: Any, losses: Any) -> float | None:
    """The check's drop / standard error at the sweep's lowest point, as ``verdict`` computes it; None where
    ``verdict`` decides before the check (too few points, no descent at all, a loss that never moved)."""
    x, y, reason = _rules._prepare(lrs, losses)
    if reason:
        return None
    n = len(y)
    raw = np.asarray(losses, dtype=np.float64)[:n]
    if np.ptp(raw) == 0.0:
        return None
    k = max(1, _rules.search_start(n))
    _, i_min, _, reason = _rules._descent(y)
    if reason:
        return None
    _, _, se, drop = _confirm._noise(x, raw, i_min, k)
    return drop / se if se > 0 else math.inf


def null(n: int, draws: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    lrs = np.geomspace(1e-7, 10.0, n)
    out = [statistic(lrs, 1.0 + 0.1 * rng.standard_normal(n)) for _ in range(draws)]
    return np.array([-math.inf if s is None else s for s in out])  # None: refused before the check


def stored(path: str) -> list[tuple[str, str, int, float]]:
    """(task, set, sweep length, statistic) of every sweep the real range test ran in the dump."""
    with open(path) as f:
        sweeps = json.load(f)["sweeps"]
    rows = []
    for key, value in sweeps.items():
        task, kind = key.split("|")[:2]
        if kind != "confirm" or task not in SPLIT:
            continue
        result = RangeTestResult.from_dict(value["result"])
        tries = [result] if result.first_try is None else [result.first_try, result]
        for r in tries:
            s = statistic(r.lrs, r.losses)
            if s is not None:
                rows.append((task, SPLIT[task], r.num_steps or len(r.lrs), s))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument(
        "--from",
        dest="from_",
        metavar="FILE",
        default=os.path.join(here, "results", "suggestion.json"),
        help="the suggestion benchmark's dump (default: benchmarks/results/suggestion.json)",
    )
    parser.add_argument("--draws", type=cli.at_least_one, default=1000, help="noise curves per length (1000)")
    args = parser.parse_args(argv)
    cli.existing(parser, "--from", args.from_)

    print("# The sweep's noise check: pure noise, and what a stricter threshold would refuse\n")
    print(f"today's threshold: NOISE_SE = {_confirm.NOISE_SE:g} standard errors; level {LEVEL:.1%}\n")
    print("## A flat loss with Gaussian noise (1e-7..10)\n")
    print("| steps | passes today | statistic median | 93% quantile | 97.5% quantile |")
    print("|---|---|---|---|---|")
    quantile: dict[int, float] = {}
    for i, n in enumerate(LENGTHS):
        t = null(n, args.draws, seed=i)
        quantile[n] = float(np.quantile(t, LEVEL))
        print(
            f"| {n} | {np.mean(t > _confirm.NOISE_SE):.0%} of {args.draws} | {np.median(t):.2f} | "
            f"{quantile[n]:.2f} | {np.quantile(t, 0.975):.2f} |"
        )

    rows = stored(args.from_)
    print(f"\n## The suggestion benchmark's sweeps ({len(rows)}, `{os.path.relpath(args.from_)}`)\n")
    print(
        "refused: statistic below the threshold (today's refusals are the first column); the selection-corrected "
        "threshold is the 93% quantile above at the nearest length\n"
    )
    print(
        "| set | sweeps | statistic median | refused at 1.5 (today) | at 2 | at 2.5 | selection-corrected |"
    )
    print("|---|---|---|---|---|---|---|")

    def corrected(n: int) -> float:
        return quantile[min(LENGTHS, key=lambda m: abs(math.log(m / n)))]

    for name in (*SETS, "all"):
        got = [r for r in rows if name in ("all", r[1])]
        if not got:
            continue
        s = np.array([r[3] for r in got])
        q = np.array([corrected(r[2]) for r in got])
        cells = [f"{int(np.sum(s < thr))}" for thr in (_confirm.NOISE_SE, 2.0, 2.5)]
        print(f"| {name} | {len(got)} | {np.median(s):.1f} | {' | '.join(cells)} | {int(np.sum(s < q))} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
