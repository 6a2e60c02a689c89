"""Closed-form decay schedules: constant, 1/t, step, multi-step, exponential, polynomial, cosine, linear,
cosine with warm restarts."""

from __future__ import annotations

import bisect
import math
import sys
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._validate import (
    boolean,
    bound,
    counted,
    fail,
    finite,
    in_range,
    known_as,
    non_negative,
    non_negative_int,
    positive,
    positive_int,
    sequence,
    user_stacklevel,
)
from . import _peers as peers
from ._base import FrozenList, GrowthWarning, Schedule
from ._math import lerp, segments

_INT64_MAX = int(np.iinfo(np.int64).max)

__all__ = [
    "Constant",
    "CosineDecay",
    "CosineRestarts",
    "ExponentialDecay",
    "Linear",
    "MultiStepDecay",
    "PolynomialDecay",
    "StepDecay",
    "TimeDecay",
]


def _grows(name: str, arg: str, factor: float, when: str) -> None:
    warnings.warn(
        f"{name}: {arg}={factor:g} > 1 makes the value grow {factor:g}x {when}; a decay needs {arg} < 1",
        GrowthWarning,
        stacklevel=user_stacklevel(),  # the line that built it (or the callback's build, its caller's)
    )


class Constant(Schedule):
    """The same value at every step.

    Args:
        value: the value, a finite number >= 0 (0 freezes a param group).

    Example:
        >>> Constant(0.01)(12345)
        0.01
    """

    @known_as({})  # (a misspelt name: the closest one)
    def __init__(self, value: float) -> None:
        self.value = non_negative("value", value)

    def _eval(self, t: Any, xp: Any) -> Any:
        return self.value + 0.0 * t


class TimeDecay(Schedule):
    """Time-based ("1/t") decay: ``initial / (1 + decay * t / every)``.

    This is Keras' time-based decay (``decay`` per step) and ``InverseTimeDecay``.

    Args:
        initial: the value at step 0, > 0.
        decay: the decay rate ``k``, >= 0 (0 gives a constant).
        every: steps per unit of ``t`` in the formula, a positive integer.
        staircase: floor ``t / every``, so that the value changes once per ``every`` steps.

    Example:
        >>> s = TimeDecay(0.1, decay=0.002)
        >>> round(s(500), 6)
        0.05
        >>> s = TimeDecay(1.0, decay=1.0, every=10, staircase=True)
        >>> s(9), s(10), s(25)
        (1.0, 0.5, 0.3333333333333333)
    """

    _step_fields = frozenset({"every"})

    @known_as(peers.TIME)
    def __init__(self, initial: float, decay: float, every: int = 1, staircase: bool = False) -> None:
        self.initial = positive("initial", initial)
        self.decay = non_negative("decay", decay)
        self.every = positive_int("every", every)
        self.staircase = staircase_arg(staircase, self.every)

    def _eval(self, t: Any, xp: Any) -> Any:
        p = t // self.every if self.staircase else t / self.every
        return self.initial / (1.0 + self.decay * p)

    def natural_length(self, default: int | None = None) -> int | None:
        """Down to 10% of the start (``default`` without decay)."""
        return _steps_to_show(9.0 / self.decay * self.every) if self.decay > 0 else default


class StepDecay(Schedule):
    """Step decay: ``initial * drop ** floor(t / every)``.

    Args:
        initial: the value at step 0, > 0.
        every: the value is multiplied by ``drop`` once every ``every`` steps, a positive integer.
        drop: the factor, > 0 (a factor above 1 grows, with a :class:`GrowthWarning`; past the float range
            the value is ``inf``).

    Example:
        >>> s = StepDecay(0.1, every=10, drop=0.5)
        >>> [s(0), s(9), s(10), s(25)]
        [0.1, 0.1, 0.05, 0.025]
    """

    _step_fields = frozenset({"every"})

    @known_as(peers.STEP)
    def __init__(self, initial: float, every: int, drop: float = 0.5) -> None:
        self.initial = positive("initial", initial)
        self.every = positive_int("every", every)
        self.drop = positive("drop", drop)
        if self.drop > 1.0:
            _grows("StepDecay", "drop", self.drop, f"every {counted(self.every, 'step')}")

    def _eval(self, t: Any, xp: Any) -> Any:
        return self.initial * xp.power(self.drop, t // self.every)

    def natural_length(self, default: int | None = None) -> int:
        """Five steps of ``every``."""
        return 5 * self.every


class MultiStepDecay(Schedule):
    """``initial * gamma ** (number of milestones <= t)``. A repeated milestone compounds (as in torch).

    Args:
        initial: the value at step 0 (before any milestone), > 0.
        milestones: non-decreasing steps (integers >= 0) at which the value is multiplied by ``gamma``;
            a list, tuple, range or 1-d integer array; empty: a constant (as torch's ``MultiStepLR``).
        gamma: the factor, > 0 (a factor above 1 grows, with a :class:`GrowthWarning`).

    Example:
        >>> s = MultiStepDecay(1.0, milestones=[2, 4, 4], gamma=0.5)
        >>> [s(t) for t in range(6)]
        [1.0, 1.0, 0.5, 0.5, 0.125, 0.125]
    """

    _step_fields = frozenset({"milestones"})

    @known_as(peers.MULTISTEP)
    def __init__(self, initial: float, milestones: Sequence[int], gamma: float = 0.1) -> None:
        self.initial = positive("initial", initial)
        ms = sequence(
            "milestones", milestones, non_negative_int, what="non-negative integers", non_empty=False
        )
        if ms != sorted(ms):
            fail("milestones", "non-decreasing (a repeat compounds)", ms)
        self.milestones = FrozenList(ms)
        self._ms_array = np.asarray(ms, dtype=np.int64)
        self.gamma = positive("gamma", gamma)
        if self.gamma > 1.0 and ms:
            _grows("MultiStepDecay", "gamma", self.gamma, "at each milestone")

    def _eval(self, t: Any, xp: Any) -> Any:
        count: Any
        if isinstance(t, np.ndarray):
            count = np.searchsorted(self._ms_array, t, side="right")
        else:
            count = bisect.bisect_right(self.milestones, t)
        return self.initial * xp.power(self.gamma, count)

    def natural_length(self, default: int | None = None) -> int | None:
        """A quarter past the last milestone (``default`` without one: a constant)."""
        if not self.milestones:
            return default
        last = self.milestones[-1]
        return max(math.ceil(1.25 * last), last + 1)

    def scheduled_until(self) -> int | None:
        """One step past the last milestone: the run must reach it (None without one: a constant)."""
        return self.milestones[-1] + 1 if self.milestones else None


def exponential_rate(gamma: Any, rate: Any) -> tuple[float | None, float | None]:
    """ExponentialDecay's rule for ``gamma`` and ``rate`` (exactly one of them), checked once for the
    schedule and the ExponentialDecay callback."""
    if (gamma is None) == (rate is None):
        if gamma is None:
            fail("gamma", "a number > 0 when rate is None (give exactly one of gamma and rate)", gamma)
        fail("rate", "None when gamma is given (give exactly one of gamma and rate)", rate)
    return (None if gamma is None else positive("gamma", gamma)), (
        None if rate is None else finite("rate", rate)
    )


def staircase_arg(staircase: Any, every: int) -> bool:
    """``staircase``, a bool, and not True with ``every=1``: a step is already a whole unit there, so the
    floor changes nothing (review 146: ``ExponentialDecay(gamma=0.5, staircase=True)`` decayed every step,
    without a word)."""
    staircase = boolean("staircase", staircase)
    if staircase and every == 1:
        fail(
            "staircase",
            "False with every=1 (a step is a whole unit of every already, so it changes nothing; give "
            "every > 1 for a staircase)",
            staircase,
        )
    return staircase


class ExponentialDecay(Schedule):
    """Exponential decay, by factor (``initial * gamma ** (t / every)``) or by rate
    (``initial * exp(-rate * t / every)``).

    A ``gamma`` above 1 or a negative ``rate`` grows instead (as an LR range test does); past the float
    range the value is ``inf``, never an error.

    Args:
        initial: the value at step 0, > 0.
        gamma: the factor per ``every`` steps, > 0. Give exactly one of ``gamma`` and ``rate``.
        rate: the rate ``k`` of ``exp(-k t)``, a finite number.
        every: steps per unit of ``t`` in the formula, a positive integer.
        staircase: floor ``t / every``, so that the value changes once per ``every`` steps.

    Example:
        >>> s = ExponentialDecay(0.1, rate=0.1)
        >>> round(s(10), 4), round(s(25), 4), round(s(50), 5)
        (0.0368, 0.0082, 0.00067)
        >>> ExponentialDecay(1.0, gamma=0.5)(3)
        0.125
    """

    _step_fields = frozenset({"every"})

    @known_as(peers.EXPONENTIAL)
    def __init__(
        self,
        initial: float,
        gamma: float | None = None,
        rate: float | None = None,
        every: int = 1,
        staircase: bool = False,
    ) -> None:
        self.initial = positive("initial", initial)
        self.gamma, self.rate = exponential_rate(gamma, rate)
        self.every = positive_int("every", every)
        self.staircase = staircase_arg(staircase, self.every)

    def _eval(self, t: Any, xp: Any) -> Any:
        # integer exponents when they are whole (t / 1 would be a float): exact powers on the array path
        p = t // self.every if self.staircase or self.every == 1 else t / self.every
        if self.gamma is not None:
            return self.initial * xp.power(self.gamma, p)
        assert self.rate is not None
        return self.initial * xp.exp(-self.rate * p)

    def natural_length(self, default: int | None = None) -> int | None:
        """Down to about 5% of the start (``default`` for a constant or a growth)."""
        per = -math.log(self.gamma) if self.gamma is not None else self.rate
        assert per is not None
        return _steps_to_show(3.0 / per * self.every) if per > 0 else default

    def _implicit(self) -> tuple[str, ...]:
        unused = "gamma" if self.gamma is None else "rate"
        return (unused, "every", "staircase") if self.every == 1 and not self.staircase else (unused,)


class PolynomialDecay(Schedule):
    """``(initial - final) * (1 - min(t, total) / total) ** power + final``; held at ``final`` after ``total``.

    Args:
        initial: the value at step 0, > 0.
        total: the step at which ``final`` is reached, a positive integer.
        power: the exponent, > 0 (1 is a straight line).
        final: the value from step ``total`` on, in ``[0, initial]``.

    Example:
        >>> s = PolynomialDecay(1.0, total=4, power=2.0)
        >>> [s(t) for t in range(6)]
        [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """

    _step_fields = frozenset({"total"})

    @known_as(peers.POLYNOMIAL)
    def __init__(self, initial: float, total: int, power: float = 1.0, final: float = 0.0) -> None:
        self.initial = positive("initial", initial)
        self.total = positive_int("total", total)
        self.power = positive("power", power)
        self.final = non_negative("final", final)
        if self.final > self.initial:
            fail("final", f"<= initial ({bound(self.initial)})", final)

    def _eval(self, t: Any, xp: Any) -> Any:
        w = (1.0 - xp.minimum(t, self.total) / self.total) ** self.power
        return lerp(self.final, self.initial, w, xp)

    def natural_length(self, default: int | None = None) -> int:
        """``total``."""
        return self.total

    def ends_at(self) -> int:
        """``total``: the value holds from there."""
        return self.total


class CosineDecay(Schedule):
    """Cosine annealing from ``initial`` to ``final`` over ``total`` steps.

    ``final + (initial - final) * (1 + cos(pi * t / total)) / 2``. After ``total`` the value is held at
    ``final``; with ``periodic=True`` it continues along the cosine instead (back up to ``initial`` at
    ``2 * total``), which is what torch's ``CosineAnnealingLR`` does.

    Args:
        initial: the value at step 0 (the base LR), >= 0.
        total: the step at which ``final`` is reached, a positive integer.
        final: the value at ``total``, >= 0. Above ``initial`` the cosine rises (torch allows
            ``eta_min > base_lr``).
        periodic: continue along the cosine after ``total`` instead of holding ``final``.
        final_ratio: the floor as a ratio of ``initial`` instead (``final = initial * final_ratio``, as
            transformers' ``cosine_with_min_lr`` takes ``min_lr_rate``), a number >= 0 (above 1 the cosine
            rises, as with ``final`` above ``initial``) whose ``final`` is a finite number; give ``final`` or
            ``final_ratio``, not both.

    Example:
        >>> s = CosineDecay(1.0, total=10, final=0.1)
        >>> s(0), round(s(5), 6), s(10), s(99)
        (1.0, 0.55, 0.1, 0.1)
        >>> CosineDecay(0.5, total=10, final_ratio=0.1)(10)
        0.05
    """

    _step_fields = frozenset({"total"})

    @known_as(peers.COSINE)
    def __init__(
        self,
        initial: float,
        total: int,
        final: float = 0.0,
        periodic: bool = False,
        final_ratio: float | None = None,
    ) -> None:
        self.initial = non_negative("initial", initial)
        self.total = positive_int("total", total)
        self.final = non_negative("final", final)
        self.periodic = boolean("periodic", periodic)
        self.final_ratio = None if final_ratio is None else non_negative("final_ratio", final_ratio)
        if self.final_ratio is not None:
            floor = self.initial * self.final_ratio
            if not math.isfinite(floor):  # review 122: 10 * 1e308 is inf, and every value past step 0 was nan
                fail(
                    "final_ratio",
                    f"a number >= 0 whose final = initial * final_ratio is a finite number (with "
                    f"initial={self.initial:g}, at most {sys.float_info.max / self.initial:.6g})",
                    final_ratio,
                )
            if self.final not in (0.0, floor):  # a copy passes both back, consistent
                fail("final", "0 (the default) when final_ratio is given (give one of them)", final)
            self.final = floor

    def _eval(self, t: Any, xp: Any) -> Any:
        # periodic: the phase reduced in integers first, exact at any step (review 58: cos(pi * t / total) of
        # a float t drifted, 0.524 for 0.5 at step 1e17)
        t = t % (2 * self.total) if self.periodic else xp.minimum(t, self.total)
        w = xp.half_cos(t, self.total)
        return lerp(self.final, self.initial, w, xp)  # final + (initial - final) * w, exact at the ends

    def natural_length(self, default: int | None = None) -> int:
        """``total``; a whole period (``2 * total``, back up to ``initial``) when periodic."""
        return 2 * self.total if self.periodic else self.total

    def ends_at(self) -> int | None:
        """``total`` (None when periodic: it goes back up)."""
        return None if self.periodic else self.total

    def _implicit(self) -> tuple[str, ...]:
        hidden = ("final",) if self.final_ratio is not None else ("final_ratio",)
        return hidden if self.periodic else (*hidden, "periodic")


class Linear(Schedule):
    """Straight line from ``start`` to ``end`` over ``total`` steps, then held at ``end``.

    Args:
        start: the value at step 0, >= 0.
        end: the value from step ``total`` on, >= 0 (above or below ``start``).
        total: the length of the ramp, a positive integer.

    Example:
        >>> s = Linear(0.0, 1.0, total=4)
        >>> [s(t) for t in range(6)]
        [0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
    """

    _step_fields = frozenset({"total"})

    @known_as(peers.LINEAR)
    def __init__(self, start: float, end: float, total: int) -> None:
        self.start = non_negative("start", start)
        self.end = non_negative("end", end)
        self.total = positive_int("total", total)

    def _eval(self, t: Any, xp: Any) -> Any:
        return lerp(self.start, self.end, xp.minimum(t, self.total) / self.total, xp)

    def natural_length(self, default: int | None = None) -> int:
        """``total``."""
        return self.total

    def ends_at(self) -> int:
        """``total``: the value holds from there."""
        return self.total


class CosineRestarts(Schedule):
    """Cosine annealing with warm restarts (SGDR, torch's ``CosineAnnealingWarmRestarts``).

    Cycle ``i`` (from 0) lasts ``period * period_mult ** i`` steps and anneals from its peak
    ``max(initial * decay ** i, final)`` down towards ``final``; then the value jumps back up. The peak
    never falls below the floor ``final``. Cycle boundaries are computed exactly in integers, so a
    restart lands on its step at any distance (step 10**9 costs the same as step 0).

    Args:
        initial: the peak of the first cycle, > 0.
        period: the length of the first cycle, a positive integer.
        period_mult: each cycle is this many times longer than the one before, a positive integer.
        decay: each cycle's peak is this times the one before, in (0, 1].
        final: the floor, in ``[0, initial]``.

    Example:
        >>> s = CosineRestarts(1.0, period=4, final=0.0)
        >>> [round(s(t), 3) for t in range(9)]
        [1.0, 0.854, 0.5, 0.146, 1.0, 0.854, 0.5, 0.146, 1.0]
        >>> s = CosineRestarts(1.0, period=2, period_mult=2, decay=0.5)
        >>> [s(t) for t in (0, 2, 6, 14)]  # restarts at 2, 2 + 4, 2 + 4 + 8
        [1.0, 0.5, 0.25, 0.125]
    """

    _step_fields = frozenset({"period"})

    @known_as(peers.RESTARTS)
    def __init__(
        self,
        initial: float,
        period: int,
        period_mult: int = 1,
        decay: float = 1.0,
        final: float = 0.0,
    ) -> None:
        self.initial = positive("initial", initial)
        self.period = positive_int("period", period)
        self.period_mult = positive_int("period_mult", period_mult)
        self.decay = in_range("decay", decay, 0.0, 1.0, lo_open=True, hi_open=False)
        self.final = non_negative("final", final)
        if self.final > self.initial:
            fail("final", f"<= initial ({bound(self.initial)})", final)

    def natural_length(self, default: int | None = None) -> int:
        """Three cycles (three periods when ``period_mult`` is 1)."""
        return self.period * (1 + self.period_mult + self.period_mult**2)

    def _cycles_up_to(self, top: int) -> tuple[list[int], list[int]]:
        """Start and length of every cycle that starts at or before step ``top``, as exact Python ints
        (with period_mult > 1, at most 64 cycles up to any int64 step)."""
        starts, lengths = [0], [self.period]
        while starts[-1] + lengths[-1] <= top:
            starts.append(starts[-1] + lengths[-1])
            lengths.append(lengths[-1] * self.period_mult)
        return starts, lengths

    def _peak(self, i: Any, xp: Any) -> Any:
        if self.decay == 1.0:
            return self.initial
        return xp.maximum(self.initial * xp.power(self.decay, i), self.final)

    def _anneal(self, i: Any, t_cur: Any, length: Any, xp: Any) -> Any:
        """The value ``t_cur`` steps into cycle ``i`` of ``length`` steps: exactly the peak at a restart."""
        return lerp(self.final, self._peak(i, xp), xp.half_cos(t_cur, length), xp)

    def _cycle(self, t: Any) -> tuple[Any, Any, Any]:
        """(cycle index, steps into the cycle, cycle length) of step ``t`` (an int or an int array),
        exact in integers. (The optim drop-in's ``T_cur`` and ``T_i`` read it.)"""
        p = self.period
        if self.period_mult == 1:
            i = t // p
            return i, t - i * p, p
        if not isinstance(t, np.ndarray):
            i, start, length = 0, 0, p
            while t >= start + length:
                start, length, i = start + length, length * self.period_mult, i + 1
            return i, t - start, length
        starts, lengths = self._cycles_up_to(int(t.max()) if t.size else 0)
        begin = np.asarray(starts, dtype=np.int64)
        cycle = np.searchsorted(begin, t, side="right") - 1
        span = np.asarray([min(n, _INT64_MAX) for n in lengths], dtype=np.int64)  # capped near 2**63
        return cycle, t - np.take(begin, cycle), np.take(span, cycle)

    def _eval(self, t: Any, xp: Any) -> Any:
        if self.period_mult == 1 or not isinstance(t, np.ndarray):
            return self._anneal(*self._cycle(t), xp)
        # An array with growing cycles: evaluate cycle by cycle (at most 64 up to any int64 step), each
        # with its index, start and length as exact Python ints (the same numbers as for a single step).
        out = np.empty(t.shape, dtype=np.float64)
        if t.size:
            starts, lengths = self._cycles_up_to(int(t.max()))
            for i, sel in segments(t, starts[1:]):
                out[sel] = self._anneal(i, t[sel] - starts[i], lengths[i], xp)
        return out


def _steps_to_show(n: float) -> int:
    """``n`` steps rounded up, within 10 .. 100,000 (how long a decay without an end takes to show); an
    infinite ``n`` (a rate so small that ``1 / rate`` overflows) is the cap (review 108: it raised
    OverflowError)."""
    return int(max(math.ceil(min(n, 100_000)), 10))
