"""Closed-form decay schedules: constant, 1/t, step, multi-step, exponential, polynomial, cosine, linear,
cosine with warm restarts."""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._base import (
    Schedule,
    finite,
    in_range,
    non_negative,
    non_negative_int,
    positive,
    positive_int,
)

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


class Constant(Schedule):
    """The same value at every step.

    Example:
        >>> Constant(0.01)(12345)
        0.01
    """

    def __init__(self, value: float) -> None:
        self.value = non_negative("value", value)

    def _eval(self, t: Any, xp: Any) -> Any:
        return self.value + 0.0 * t

    def _args(self) -> dict[str, Any]:
        return {"value": self.value}


class TimeDecay(Schedule):
    """Time-based ("1/t") decay: ``initial / (1 + decay * t / every)``.

    With ``staircase=True`` the exponent is ``floor(t / every)``, so the value changes once per ``every``
    steps (Keras' ``InverseTimeDecay``).

    Example:
        >>> s = TimeDecay(0.1, decay=0.002)
        >>> round(s(500), 6)
        0.05
    """

    def __init__(self, initial: float, decay: float, every: int = 1, staircase: bool = False) -> None:
        self.initial = positive("initial", initial)
        self.decay = non_negative("decay", decay)
        self.every = positive_int("every", every)
        self.staircase = bool(staircase)

    def _eval(self, t: Any, xp: Any) -> Any:
        p = t // self.every if self.staircase else t / self.every
        return self.initial / (1.0 + self.decay * p)

    def _args(self) -> dict[str, Any]:
        return {
            "initial": self.initial,
            "decay": self.decay,
            "every": self.every,
            "staircase": self.staircase,
        }


class StepDecay(Schedule):
    """Step decay: ``initial * drop ** floor(t / every)``.

    Example:
        >>> s = StepDecay(0.1, every=10, drop=0.5)
        >>> [s(0), s(9), s(10), s(25)]
        [0.1, 0.1, 0.05, 0.025]
    """

    def __init__(self, initial: float, every: int, drop: float = 0.5) -> None:
        self.initial = positive("initial", initial)
        self.every = positive_int("every", every)
        self.drop = positive("drop", drop)

    def _eval(self, t: Any, xp: Any) -> Any:
        return self.initial * self.drop ** (t // self.every)

    def _args(self) -> dict[str, Any]:
        return {"initial": self.initial, "every": self.every, "drop": self.drop}


class MultiStepDecay(Schedule):
    """``initial * gamma ** (number of milestones <= t)``. A repeated milestone compounds (as in torch).

    Example:
        >>> s = MultiStepDecay(1.0, milestones=[2, 4, 4], gamma=0.5)
        >>> [s(t) for t in range(6)]
        [1.0, 1.0, 0.5, 0.5, 0.125, 0.125]
    """

    def __init__(self, initial: float, milestones: Sequence[int], gamma: float = 0.1) -> None:
        self.initial = positive("initial", initial)
        if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Sequence):
            raise TypeError(f"milestones must be a sequence of non-negative integers, got {milestones!r}")
        ms = [non_negative_int(f"milestones[{i}]", m) for i, m in enumerate(milestones)]
        for i in range(1, len(ms)):
            if ms[i] < ms[i - 1]:
                raise ValueError(
                    f"milestones must be non-decreasing (a repeat compounds), got {list(milestones)!r}: "
                    f"milestones[{i}]={ms[i]} < milestones[{i - 1}]={ms[i - 1]}"
                )
        self.milestones = ms
        self._ms_array = np.asarray(ms, dtype=np.int64)
        self.gamma = positive("gamma", gamma)

    def _eval(self, t: Any, xp: Any) -> Any:
        if isinstance(t, np.ndarray):
            return self.initial * self.gamma ** np.searchsorted(self._ms_array, t, side="right")
        return self.initial * self.gamma ** bisect.bisect_right(self.milestones, t)

    def _args(self) -> dict[str, Any]:
        return {"initial": self.initial, "milestones": self.milestones, "gamma": self.gamma}


class ExponentialDecay(Schedule):
    """Exponential decay, by factor (``initial * gamma ** (t / every)``) or by rate
    (``initial * exp(-rate * t / every)``). Give exactly one of ``gamma`` and ``rate``.

    ``staircase=True`` floors ``t / every``.

    Example:
        >>> s = ExponentialDecay(0.1, rate=0.1)
        >>> round(s(10), 4), round(s(25), 4), round(s(50), 5)
        (0.0368, 0.0082, 0.00067)
    """

    def __init__(
        self,
        initial: float,
        gamma: float | None = None,
        rate: float | None = None,
        every: int = 1,
        staircase: bool = False,
    ) -> None:
        self.initial = positive("initial", initial)
        if (gamma is None) == (rate is None):
            raise ValueError(f"give exactly one of gamma and rate, got gamma={gamma!r}, rate={rate!r}")
        self.gamma = None if gamma is None else positive("gamma", gamma)
        self.rate = None if rate is None else finite("rate", rate)
        self.every = positive_int("every", every)
        self.staircase = bool(staircase)

    def _eval(self, t: Any, xp: Any) -> Any:
        p = t // self.every if self.staircase else t / self.every
        if self.gamma is not None:
            return self.initial * self.gamma**p
        assert self.rate is not None
        return self.initial * xp.exp(-self.rate * p)

    def _args(self) -> dict[str, Any]:
        args: dict[str, Any] = {"initial": self.initial}
        if self.gamma is not None:
            args["gamma"] = self.gamma
        else:
            args["rate"] = self.rate
        if self.every != 1 or self.staircase:
            args.update(every=self.every, staircase=self.staircase)
        return args


class PolynomialDecay(Schedule):
    """``(initial - final) * (1 - min(t, total) / total) ** power + final``; held at ``final`` after ``total``.

    Example:
        >>> s = PolynomialDecay(1.0, total=4, power=2.0)
        >>> [s(t) for t in range(6)]
        [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """

    def __init__(self, initial: float, total: int, power: float = 1.0, final: float = 0.0) -> None:
        self.initial = positive("initial", initial)
        self.total = positive_int("total", total)
        self.power = positive("power", power)
        self.final = non_negative("final", final)
        if self.final > self.initial:
            raise ValueError(f"final must be <= initial ({self.initial:g}), got {final!r}")

    def _eval(self, t: Any, xp: Any) -> Any:
        frac = 1.0 - xp.minimum(t, self.total) / self.total
        return (self.initial - self.final) * frac**self.power + self.final

    def _args(self) -> dict[str, Any]:
        return {"initial": self.initial, "total": self.total, "power": self.power, "final": self.final}


class CosineDecay(Schedule):
    """Cosine annealing from ``initial`` to ``final`` over ``total`` steps.

    ``final + (initial - final) * (1 + cos(pi * t / total)) / 2``. After ``total`` the value is held at
    ``final``; with ``periodic=True`` it continues along the cosine instead (back up to ``initial`` at
    ``2 * total``), which is what torch's ``CosineAnnealingLR`` does.

    Example:
        >>> s = CosineDecay(1.0, total=10, final=0.1)
        >>> s(0), round(s(5), 6), s(10), s(99)
        (1.0, 0.55, 0.1, 0.1)
    """

    def __init__(self, initial: float, total: int, final: float = 0.0, periodic: bool = False) -> None:
        self.initial = non_negative("initial", initial)
        self.total = positive_int("total", total)
        self.final = non_negative("final", final)
        self.periodic = bool(periodic)

    def _eval(self, t: Any, xp: Any) -> Any:
        if not self.periodic:
            t = xp.minimum(t, self.total)
        return self.final + (self.initial - self.final) * (1 + xp.cos(math.pi * t / self.total)) / 2

    def _args(self) -> dict[str, Any]:
        args: dict[str, Any] = {"initial": self.initial, "total": self.total, "final": self.final}
        if self.periodic:
            args["periodic"] = True
        return args


class Linear(Schedule):
    """Straight line from ``start`` to ``end`` over ``total`` steps, then held at ``end``.

    Example:
        >>> s = Linear(0.0, 1.0, total=4)
        >>> [s(t) for t in range(6)]
        [0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
    """

    def __init__(self, start: float, end: float, total: int) -> None:
        self.start = non_negative("start", start)
        self.end = non_negative("end", end)
        self.total = positive_int("total", total)

    def _eval(self, t: Any, xp: Any) -> Any:
        return self.start + (self.end - self.start) * (xp.minimum(t, self.total) / self.total)

    def _args(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "total": self.total}


class CosineRestarts(Schedule):
    """Cosine annealing with warm restarts (SGDR).

    Cycle ``i`` lasts ``period * period_mult ** i`` steps and anneals from ``initial * decay ** i`` down
    towards ``final``; then the value jumps back up.

    Example:
        >>> s = CosineRestarts(1.0, period=4, final=0.0)
        >>> [round(s(t), 3) for t in range(9)]
        [1.0, 0.854, 0.5, 0.146, 1.0, 0.854, 0.5, 0.146, 1.0]
    """

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
            raise ValueError(f"final must be <= initial ({self.initial:g}), got {final!r}")

    def _cycle(self, t: Any) -> tuple[Any, Any, Any]:
        """(cycle index, steps into the cycle, cycle length), exact in integers."""
        p, m = self.period, self.period_mult
        if m == 1:
            i = t // p
            return i, t - i * p, p + 0 * t
        if isinstance(t, np.ndarray):
            i = np.floor(np.log(t * (m - 1) / p + 1.0) / math.log(m)).astype(np.int64)
            start = p * (m**i - 1) // (m - 1)
            i = np.where(t < start, i - 1, i)
            i = np.where(t >= p * (m ** (i + 1) - 1) // (m - 1), i + 1, i)
            start = p * (m**i - 1) // (m - 1)
            return i, t - start, p * m**i
        i = int(math.log(t * (m - 1) / p + 1.0) / math.log(m))
        while i > 0 and t < p * (m**i - 1) // (m - 1):
            i -= 1
        while t >= p * (m ** (i + 1) - 1) // (m - 1):
            i += 1
        start = p * (m**i - 1) // (m - 1)
        return i, t - start, p * m**i

    def _eval(self, t: Any, xp: Any) -> Any:
        i, t_cur, t_i = self._cycle(t)
        peak = self.initial * self.decay**i
        return self.final + (peak - self.final) * (1 + xp.cos(math.pi * t_cur / t_i)) / 2

    def _args(self) -> dict[str, Any]:
        return {
            "initial": self.initial,
            "period": self.period,
            "period_mult": self.period_mult,
            "decay": self.decay,
            "final": self.final,
        }
