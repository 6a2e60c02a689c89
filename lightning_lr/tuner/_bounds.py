"""From one suggested constant LR to a 1cycle peak and cyclical bounds: the schedules with the same mean LR.

A range test answers with one constant LR (the confirmed candidate, or a sweep rule). A 1cycle or a
cyclical schedule spends part of its time below its peak, so its peak must lie above that LR; how far
follows from the schedule's shape, not from a fitted constant: the peak is chosen so that the schedule's
mean LR over the cycle equals the constant LR. For torch's 1cycle defaults (``pct_start=0.3``, cosine,
``div_factor=25``, ``final_div_factor=1e4``) the mean is 0.506 of the peak, so the peak is 1.98 times the
constant LR; for a triangular cycle between ``max_lr / ratio`` and ``max_lr`` the mean is
``(1 + 1 / ratio) / 2`` of the top (``ratio=4``: the top is 1.6 times the constant LR).
"""

from __future__ import annotations

from .. import _validate as V
from ..schedules import OneCycle

__all__ = ["check_ratio", "cyclic_bounds", "one_cycle_max_lr", "one_cycle_mean"]


def one_cycle_mean(
    pct_start: float = 0.3,
    anneal: str = "cos",
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    three_phase: bool = False,
) -> float:
    """The mean LR of a 1cycle over its whole length, as a fraction of its peak (the continuous limit).

    A cosine or linear anneal from ``a`` to ``b`` averages ``(a + b) / 2``; the phases are weighted by their
    length. The arguments are those of :class:`lightning_lr.schedules.OneCycle` (and checked by it).

    Example:
        >>> round(one_cycle_mean(), 4)
        0.506
        >>> round(one_cycle_mean(pct_start=0.25, anneal="linear", three_phase=True), 4)
        0.27
    """
    OneCycle(
        1.0,
        total_steps=1000,
        pct_start=pct_start,
        anneal=anneal,
        div_factor=div_factor,
        final_div_factor=final_div_factor,
        three_phase=three_phase,
    )  # its checks, its messages
    # in float64, whatever numpy type they came in (review 108: np.float32(25) made the peak an np.float32)
    pct, start = float(pct_start), 1.0 / float(div_factor)
    end = start / float(final_div_factor)
    if three_phase:
        return pct * (start + 1.0) + (1.0 - 2.0 * pct) * (start + end) / 2.0
    return pct * (start + 1.0) / 2.0 + (1.0 - pct) * (1.0 + end) / 2.0


def one_cycle_max_lr(lr: float, **shape: float | str | bool) -> float:
    """The peak of the 1cycle whose mean LR is ``lr`` (``shape``: :func:`one_cycle_mean`'s arguments).

    Example:
        >>> round(one_cycle_max_lr(0.01), 5)
        0.01976
    """
    return lr / one_cycle_mean(**shape)  # type: ignore[arg-type]


def cyclic_bounds(lr: float, ratio: float) -> tuple[float, float]:
    """``(base_lr, max_lr)`` of the triangular cycle with ``max_lr / base_lr = ratio`` whose mean LR is ``lr``.

    Example:
        >>> cyclic_bounds(0.01, 4.0)
        (0.004, 0.016)
    """
    r = check_ratio(ratio)
    top = 2.0 * lr / (1.0 + 1.0 / r)
    return top / r, top


def check_ratio(ratio: float) -> float:
    """``ratio`` (``max_lr / base_lr`` of a cycle) as a float > 1; a numpy scalar is a float here too (review
    108: ``np.int64(3)`` made the base an ``np.float64``)."""
    allowed = "a number > 1 (max_lr / base_lr)"
    r = V.finite("ratio", ratio, allowed)
    if r <= 1:
        V.fail("ratio", allowed, ratio)
    return r
