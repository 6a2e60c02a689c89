"""How often does the candidates' check answer where the LR does not matter?

Five candidates whose losses have the same mean at every LR (80 steps each, half a decade apart) should get
no answer: the range test takes them as "alike" (``lightning_lr.tuner._confirm.decide``). This script draws
``--draws`` such sets under four kinds of per-step noise and counts how many the real ``decide`` answers:

- ``normal``: independent Gaussian noise (sd 10% of the loss);
- ``lognormal``: independent lognormal losses (sd of the log 1);
- ``mostly-zero``: losses that are 0 but on a tenth of the steps (separable data at a small batch size);
- ``shared-batch``: a lognormal batch difficulty that every candidate shares at each step (they train on the
  same batches), with 5% noise of each candidate's own.

Beside the rule as it is, it counts the rule with the unpaired test (the worst against the best at each one's
own noise, ``_alike``) deciding at every best, as before r201, and each of the two tests alone. The level the
check is built for is ``1 - NormalDist().cdf(NOISE_SE)``, about 7%. Nothing is chosen here; it reports.

    python benchmarks/range_test_alike_null.py            # about 10 s, 1 core
"""

from __future__ import annotations

import argparse
import os
import sys
from statistics import NormalDist

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lightning_lr.tuner import _confirm as C

STEPS = 80
NOISES = ("normal", "lognormal", "mostly-zero", "shared-batch")


def draw(rng: np.random.Generator, noise: str) -> list[C.Candidate]:
    """Five candidates half a decade apart whose losses have the same mean at every LR."""
    batch = rng.lognormal(0.0, 1.0, STEPS)
    cands = []
    for k in range(5):
        if noise == "normal":
            losses = 1.0 + 0.1 * rng.standard_normal(STEPS)
        elif noise == "lognormal":
            losses = rng.lognormal(0.0, 1.0, STEPS)
        elif noise == "mostly-zero":
            losses = np.where(rng.random(STEPS) < 0.1, rng.exponential(1.0, STEPS), 0.0)
        else:
            losses = batch * (1.0 + 0.05 * rng.standard_normal(STEPS))
        values = tuple(float(v) for v in losses)
        cands.append(C.Candidate(1e-3 * 10 ** (k / 2), values, C.score(values, STEPS)))
    return cands


def verdicts(cands: list[C.Candidate]) -> dict[str, bool]:
    """Whether each rule answers (True) or takes the candidates as alike."""
    tail = C.tail_length(STEPS)
    best = min(range(len(cands)), key=lambda i: (cands[i].score, i))
    worst = max(range(len(cands)), key=lambda i: cands[i].score)
    unpaired = C._alike(cands[worst], cands[best], tail)
    paired = C._lr_free(cands, STEPS)
    start = 10.0 * max(c.score for c in cands) + 1.0  # every candidate clearly below the start
    return {
        "decide (as shipped)": C.decide(cands, STEPS, cands[2].lr, start=start).chosen is not None,
        "unpaired test at every best (before r201)": not (unpaired or paired),
        "the shuffles alone (_lr_free)": not paired,
        "the unpaired test alone (_alike)": not unpaired,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--draws", type=int, default=300, help="candidate sets per kind of noise (default 300)"
    )
    args = parser.parse_args()
    if args.draws < 1:
        parser.error(f"--draws must be >= 1, got {args.draws}")
    level = 1.0 - NormalDist().cdf(C.NOISE_SE)
    print("# The candidates' check where the LR does not matter\n")
    print(
        f"5 candidates with equal means, {STEPS} steps each, {args.draws} draws per noise (seeded); "
        f"answered = not taken as alike. The level built for: {level:.1%}.\n"
    )
    rows: dict[str, list[int]] = {}
    for noise in NOISES:
        rng = np.random.default_rng(0)
        for _ in range(args.draws):
            for rule, answered in verdicts(draw(rng, noise)).items():
                rows.setdefault(rule, [0] * len(NOISES))[NOISES.index(noise)] += answered
    print("| rule | " + " | ".join(NOISES) + " |")
    print("|---|" + "---|" * len(NOISES))
    for rule, counts in rows.items():
        print(f"| {rule} | " + " | ".join(f"{n}/{args.draws}" for n in counts) + " |")


if __name__ == "__main__":
    main()
