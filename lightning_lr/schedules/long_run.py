"""Schedules for long runs: warmup-stable-decay (WSD) and the inverse square root of Transformers."""

from __future__ import annotations

import math
import numbers
from typing import Any

from .._validate import (
    bound,
    counted,
    fail,
    known_as,
    non_negative,
    non_negative_int,
    number,
    one_of,
    positive,
    positive_int,
)
from . import _peers as peers
from ._base import Schedule, _fmt
from ._math import lerp, ramp

__all__ = ["InverseSqrt", "WarmupStableDecay"]

SHAPES = ("1-sqrt", "linear", "cosine")


#: what ``decay`` may be
DECAY = "an int number of steps (1 .. total) or a float in (0, 1] (a fraction of total)"


def _decay(decay: Any) -> int | float:
    """``decay`` as given, as a plain int (steps) or float (a fraction of ``total``: any real number that is
    not an integer, numpy's and ``fractions.Fraction`` included; a 0-d tensor or array as its number)."""
    given, decay = decay, number("decay", decay, DECAY)
    if isinstance(decay, bool) or not isinstance(decay, numbers.Real):
        fail("decay", DECAY, given, TypeError)
    if isinstance(decay, numbers.Integral):
        if decay < 1:
            fail("decay", DECAY, given)
        return positive_int("decay", decay)
    x = float(decay)
    if not (math.isfinite(x) and 0.0 < x <= 1.0):
        fail("decay", DECAY, given)
    return x


def _decay_steps(decay: int | float, total: int) -> int:
    """``decay`` (:func:`_decay`) as a number of steps: an int is steps (1 .. total), a float in (0, 1] a
    fraction of ``total``."""
    if isinstance(decay, float):
        return max(1, math.floor(decay * total + 0.5))  # half up, as durations round
    if decay > total:
        fail("decay", f"at most total={counted(total, 'step')}", decay)
    return decay


class WarmupStableDecay(Schedule):
    """Warmup-stable-decay: a linear warm-up to ``peak``, ``peak`` held, then a cooldown to ``final``.

    The standard schedule for long runs (a run can be extended by moving the cooldown, without redoing the
    schedule). With ``D`` the decay's length in steps and ``x = (t - (total - D)) / D`` the fraction of the
    cooldown done:

    - ``t < warmup``: ``peak * t / warmup`` (from 0, reaching ``peak`` at step ``warmup``, as
      :func:`warmup` does);
    - ``warmup <= t < total - D``: ``peak``;
    - then ``final + (peak - final) * g(x)`` with ``g`` = ``1 - sqrt(x)`` (``shape="1-sqrt"``), ``1 - x``
      (``"linear"``) or ``(1 + cos(pi x)) / 2`` (``"cosine"``), reaching ``final`` at ``total`` and holding it.

    Args:
        peak: the LR of the stable phase, > 0.
        total: the step where the cooldown ends, a positive integer.
        warmup: the warm-up's length in steps, an integer >= 0.
        decay: the cooldown's length: an int number of steps, or a float in (0, 1] for a fraction of
            ``total`` (default: the last 20%).
        shape: the cooldown's shape, ``"1-sqrt"``, ``"linear"`` or ``"cosine"``.
        final: the LR at ``total`` and after, in [0, peak].

    Example:
        >>> s = WarmupStableDecay(1.0, total=100, warmup=10, decay=0.2)
        >>> s(0), s(5), s(10), s(79), s(80), round(s(95), 4), s(100), s(500)
        (0.0, 0.5, 1.0, 1.0, 1.0, 0.134, 0.0, 0.0)
    """

    _step_fields = frozenset({"total", "warmup"})

    @known_as(peers.WSD)
    def __init__(
        self,
        peak: float,
        total: int,
        warmup: int = 0,
        decay: int | float = 0.2,
        shape: str = "1-sqrt",
        final: float = 0.0,
    ) -> None:
        self.peak = positive("peak", peak)
        self.total = positive_int("total", total)
        self.warmup = non_negative_int("warmup", warmup)
        self.decay = _decay(decay)
        self.decay_steps = _decay_steps(self.decay, self.total)
        self.shape = one_of("shape", shape, SHAPES)
        self.final = non_negative("final", final)
        if self.final > self.peak:
            fail("final", f"<= peak ({bound(self.peak)})", final)
        if self.warmup > self.total - self.decay_steps:
            fail(
                "warmup",
                f"<= total - decay steps = {self.total} - {self.decay_steps} = {self.total - self.decay_steps} "
                f"(the warm-up must end before the cooldown starts)",
                warmup,
            )

    @classmethod
    def _counts_steps(cls, field: str, value: float) -> bool:
        """``decay`` is a number of steps when it is an int (a fraction of ``total`` when a float)."""
        return super()._counts_steps(field, value) or (field == "decay" and isinstance(value, int))

    # decay=1.0 (all of total) and decay=1 (one step) are different schedules, though 1.0 == 1
    def __eq__(self, other: object) -> bool:
        same = super().__eq__(other)
        if same is not True:
            return same
        assert isinstance(other, WarmupStableDecay)
        return isinstance(self.decay, float) == isinstance(other.decay, float)

    def __hash__(self) -> int:
        return hash((super().__hash__(), isinstance(self.decay, float)))

    def __repr__(self) -> str:
        whole = isinstance(self.decay, float) and self.decay == 1.0  # not decay=1, one step
        shown = {k: "1.0" if k == "decay" and whole else _fmt(v) for k, v in self._arguments().items()}
        return f"{type(self).__name__}({', '.join(f'{k}={v}' for k, v in shown.items())})"

    def _eval(self, t: Any, xp: Any) -> Any:
        start = self.total - self.decay_steps
        x = xp.clip((t - start) / self.decay_steps, 0.0, 1.0)
        if self.shape == "1-sqrt":
            g = 1.0 - x**0.5
        elif self.shape == "linear":
            g = 1.0 - x
        else:
            g = xp.half_cos(x, 1.0)
        cooled = lerp(self.final, self.peak, g, xp)  # final + (peak - final) * g, exact at the ends
        if self.warmup:
            rise = ramp(self.peak, t, self.warmup, xp)  # peak * t / warmup, finite for any peak
            return xp.where(t < self.warmup, rise, cooled)
        return cooled

    def natural_length(self, default: int | None = None) -> int:
        """``total``: warm-up, stable phase and cooldown."""
        return self.total

    def ends_at(self) -> int:
        """``total``: the value holds from there."""
        return self.total


class InverseSqrt(Schedule):
    """A linear warm-up to ``peak`` at step ``warmup``, then ``peak * sqrt(warmup / t)``.

    The schedule of the original Transformer: no end, no length to choose, so a run can go on as long as
    it likes. It is transformers' ``get_inverse_sqrt_schedule`` at its default ``timescale`` (the warm-up's
    length); another timescale, or none without a warm-up, is a :class:`Lambda`.

    Args:
        peak: the LR at step ``warmup``, > 0.
        warmup: the warm-up's length in steps, a positive integer.

    Example:
        >>> s = InverseSqrt(1.0, warmup=4)
        >>> s(0), s(2), s(4), s(16), s(400)
        (0.0, 0.5, 1.0, 0.5, 0.1)
    """

    _step_fields = frozenset({"warmup"})

    @known_as(peers.INVERSE_SQRT)
    def __init__(self, peak: float, warmup: int) -> None:
        self.peak = positive("peak", peak)
        self.warmup = positive_int("warmup", warmup)

    def _eval(self, t: Any, xp: Any) -> Any:
        rise = ramp(self.peak, t, self.warmup, xp)  # peak * t / warmup, finite for any peak
        tail = self.peak * (self.warmup / xp.maximum(t, self.warmup)) ** 0.5
        return xp.where(t < self.warmup, rise, tail)

    def natural_length(self, default: int | None = None) -> int:
        """Ten warm-ups: the decay to a third of the peak."""
        return 10 * self.warmup

    def scheduled_until(self) -> int:
        """The end of the warm-up."""
        return self.warmup
