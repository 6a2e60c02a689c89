"""A prototype confirmation stage: after the sweep, train a few candidate LRs briefly and keep the best.

The sweep's curve gives the *scale* (where the loss stops falling and blows up) but not the best constant
LR for a whole training: on unseen tasks the best LR lay anywhere from 2.4 decades below to 1.8 decades
above the LR of the sweep's lowest loss, so no fixed divisor of that LR works. The confirmation measures
instead of guessing: candidates half a decade apart around the sweep's scale, each trained from the same
initial state on the same batches (a paired comparison: the batch noise is common to all of them), and
the candidate with the lowest training loss at the end wins.

:func:`confirm` trains nothing itself (the tuner's version is ``lightning_lr/tuner/_confirm.py``, whose
parabola it shares for ``refine``): it needs the sweep's
``lrs`` and raw ``losses`` and a function ``run(lr, steps)`` that trains ``steps`` optimizer steps at a
constant ``lr`` from the initial state on the first batches and returns the per-step losses (NaN once
diverged), deterministically (so that a longer call extends a shorter one: successive halving continues a
candidate instead of restarting it).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Confirmation", "Design", "anchor_of", "confirm"]


@dataclass(frozen=True)
class Design:
    """How the confirmation picks and judges its candidates.

    Attributes:
        name: a label for the tables.
        anchor: ``"minimum"`` (the LR of the lowest point of the curve, averaged over a quarter decade each
            side), or ``"steepest"`` (the steepest descent before it).
        offsets: candidate LRs as decades from the anchor, e.g. ``(-2, -1.5, ..., 0.5)``.
        rungs: successive halving: the steps at which the worse half is dropped, the last is the final
            length (``(80,)``: every candidate runs 80 steps; ``(30, 60, 120)``: all run 30, the better half
            goes on to 60, the better half of those to 120).
        tail: the score is the mean loss of this fraction of a rung's last steps (at least 3).
        prefer_lower: a lower candidate within this relative margin of the best score wins instead (0: off).
        refine: fit a parabola of log(score) over log LR through the winner and its two neighbours and
            take its vertex (clipped to the neighbours; the winner when the parabola opens downwards).
    """

    name: str
    anchor: str = "minimum"
    offsets: tuple[float, ...] = (-2.0, -1.5, -1.0, -0.5, 0.0)
    rungs: tuple[int, ...] = (80,)
    tail: float = 0.2
    prefer_lower: float = 0.0
    refine: bool = False

    def cost(self) -> int:
        """Optimizer steps of the candidates (at most; a candidate that blows up stops early)."""
        k, total, done = len(self.offsets), 0, 0
        for n in self.rungs:
            total += k * (n - done)
            done = n
            k = max(1, math.ceil(k / 2))
        return total


@dataclass
class Confirmation:
    """The outcome: the chosen LR (None when the sweep gives no scale), every candidate and its score."""

    lr: float | None
    candidates: list[float] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    steps: int = 0
    reason: str = ""


def _zero_lag(x10: np.ndarray, y: np.ndarray, half: float = 0.25) -> np.ndarray:
    out = np.empty(len(y))
    for i in range(len(y)):
        h = min(half, x10[i] - x10[0], x10[-1] - x10[i])
        sel = (x10 >= x10[i] - h - 1e-12) & (x10 <= x10[i] + h + 1e-12)
        out[i] = float(np.mean(y[sel]))
    return out


def anchor_of(lrs: Sequence[float], losses: Sequence[float], how: str = "minimum") -> float | None:
    """The anchor LR on the finite part of the curve, read through a centred quarter-decade average (no
    lag): the LR of its lowest point after the first tenth ("minimum"), or of the steepest descent (over
    log LR) before that point ("steepest"). None when the loss never fell."""
    lr = np.asarray(lrs, dtype=float)
    y = np.asarray(losses, dtype=float)
    ok = np.isfinite(y) & np.isfinite(lr) & (lr > 0)
    n = int(np.argmin(ok)) if not ok.all() else len(y)
    if n < 5:
        return None
    x10 = np.log10(lr[:n])
    z = _zero_lag(x10, y[:n])
    k = max(1, math.ceil(0.1 * n))
    i_min = k + int(np.argmin(z[k:]))
    if not z[i_min] < float(np.mean(z[:k])):
        return None
    if how == "minimum":
        return float(lr[i_min])
    g = np.gradient(z, x10)
    return float(lr[int(np.argmin(g[: i_min + 1]))])


def _score(losses: Sequence[float], n: int, tail: float) -> float:
    seg = np.asarray(losses[:n], dtype=float)
    m = max(3, round(tail * n))
    last = seg[-m:]
    return float(np.mean(last)) if len(seg) == n and np.all(np.isfinite(last)) else math.inf


def confirm(
    lrs: Sequence[float],
    losses: Sequence[float],
    run: Callable[[float, int], Sequence[float]],
    design: Design,
    snap: Callable[[float], float] = lambda lr: lr,
) -> Confirmation:
    """Run the confirmation stage ``design`` on a sweep: the candidates, their scores, the winner.

    Args:
        lrs: the sweep's LRs (increasing).
        losses: the sweep's raw losses, one per LR.
        run: ``run(lr, steps)`` -> per-step losses of ``steps`` steps at constant ``lr`` from the initial
            state on the first batches (NaN once diverged).
        design: what to try and how to judge it.
        snap: maps a candidate LR to the LR actually tried (the benchmark snaps to its 12-per-decade
            lattice so that runs are shared; the identity in a tuner).
    """
    anchor = anchor_of(lrs, losses, design.anchor)
    if anchor is None:
        return Confirmation(None, reason="the loss never fell in the sweep")
    cands = sorted({snap(anchor * 10**o) for o in design.offsets})
    alive = list(range(len(cands)))
    scores = [math.inf] * len(cands)
    steps, done = 0, 0
    for n in design.rungs:
        for i in alive:
            curve = run(cands[i], n)
            finite = np.isfinite(np.asarray(curve, dtype=float))
            steps += int(finite.sum()) - min(done, int(finite.sum()))  # a blown-up run stops early
            scores[i] = _score(curve, n, design.tail)
        done = n
        if n != design.rungs[-1]:
            keep = max(1, math.ceil(len(alive) / 2))
            alive = sorted(sorted(alive, key=lambda i: scores[i])[:keep])
    best = min(alive, key=lambda i: scores[i])
    if not math.isfinite(scores[best]):
        return Confirmation(None, cands, scores, steps, "every candidate diverged")
    if design.prefer_lower > 0:
        for i in sorted(alive):
            if i < best and scores[i] <= scores[best] * (1 + design.prefer_lower):
                best = i
                break
    lr = cands[best]
    if design.refine and 0 < best < len(cands) - 1 and {best - 1, best + 1} <= set(alive):
        from lightning_lr.tuner._confirm import refine  # the tuner's own parabola (log score over log LR)

        lr = refine(cands, scores, best)[0]
    return Confirmation(lr, cands, scores, steps)
