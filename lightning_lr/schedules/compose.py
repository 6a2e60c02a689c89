"""Schedules from user functions, and composition: join and warmup."""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._base import Schedule, check_picklable_function, function, non_negative, positive, positive_int
from .decay import Linear

__all__ = ["Join", "Lambda", "Multiplicative", "join", "warmup"]


def _checked(owner: str, fn: Callable[[int], float], t: int, value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"{owner}: {getattr(fn, '__qualname__', fn)}({t}) returned {value!r}, not a number"
        ) from None
    if not math.isfinite(v) or v < 0:
        raise ValueError(
            f"{owner}: {getattr(fn, '__qualname__', fn)}({t}) returned {v!r}; values must be finite and >= 0"
        )
    return v


class Lambda(Schedule):
    """Any function of the step: ``fn(t)``.

    To pickle it (checkpoints of the schedule itself, ``ddp_spawn``), ``fn`` must be a module-level
    function or a callable object, not a lambda.

    Example:
        >>> def halve_every_10(t):
        ...     return 0.1 * 0.5 ** (t // 10)
        >>> Lambda(halve_every_10)(25)
        0.025
    """

    vectorized = False

    def __init__(self, fn: Callable[[int], float]) -> None:
        self.fn = function("fn", fn)

    def _eval(self, t: Any, xp: Any) -> Any:
        if isinstance(t, np.ndarray):
            return np.array([self._one(int(i)) for i in t.tolist()], dtype=np.float64)
        return self._one(t)

    def _one(self, t: int) -> float:
        return _checked("Lambda", self.fn, t, self.fn(t))

    def _args(self) -> dict[str, Any]:
        return {"fn": self.fn}

    def __getstate__(self) -> dict[str, Any]:
        check_picklable_function("Lambda", "fn", self.fn)
        return self.__dict__.copy()


class Multiplicative(Schedule):
    """``initial * prod(factor(i) for i in 1..t)``, as torch's ``MultiplicativeLR``.

    The running product is cached, so evaluating steps in increasing order costs O(1) each; going
    backwards recomputes from step 0.

    Example:
        >>> def ninety_percent(i):
        ...     return 0.9
        >>> round(Multiplicative(1.0, ninety_percent)(2), 10)
        0.81
    """

    vectorized = False

    def __init__(self, initial: float, factor: Callable[[int], float]) -> None:
        self.initial = positive("initial", initial)
        self.factor = function("factor", factor)
        self._reset_cache()

    def _reset_cache(self) -> None:
        self._at, self._value = 0, self.initial

    def _one(self, t: int) -> float:
        if t < self._at:
            self._reset_cache()
        v, i = self._value, self._at
        while i < t:
            i += 1
            v = v * _checked("Multiplicative", self.factor, i, self.factor(i))
        self._at, self._value = i, v
        return v

    def _eval(self, t: Any, xp: Any) -> Any:
        if isinstance(t, np.ndarray):
            return np.array([self._one(int(i)) for i in t.tolist()], dtype=np.float64)
        return self._one(t)

    def _args(self) -> dict[str, Any]:
        return {"initial": self.initial, "factor": self.factor}

    def __getstate__(self) -> dict[str, Any]:
        check_picklable_function("Multiplicative", "factor", self.factor)
        state = self.__dict__.copy()
        state["_at"], state["_value"] = 0, self.initial
        return state


class Join(Schedule):
    """Schedules one after another: ``schedules[k]`` runs from ``boundaries[k-1]`` (0 for the first)
    and sees the step counted from its own start. Build it with :func:`join`."""

    def __init__(self, schedules: Sequence[Schedule], boundaries: Sequence[int]) -> None:
        if isinstance(schedules, Schedule) or not isinstance(schedules, Sequence) or not schedules:
            raise TypeError(f"schedules must be a non-empty sequence of Schedule, got {schedules!r}")
        for i, s in enumerate(schedules):
            if not isinstance(s, Schedule):
                raise TypeError(f"schedules[{i}] must be a Schedule, got {s!r}")
        if not isinstance(boundaries, Sequence) or len(boundaries) != len(schedules) - 1:
            raise ValueError(
                f"boundaries must have len(schedules) - 1 = {len(schedules) - 1} entries, got {boundaries!r}"
            )
        bs = [positive_int(f"boundaries[{i}]", b) for i, b in enumerate(boundaries)]
        for i in range(1, len(bs)):
            if bs[i] <= bs[i - 1]:
                raise ValueError(f"boundaries must be strictly increasing, got {list(boundaries)!r}")
        self.schedules = list(schedules)
        self.boundaries = bs
        self.vectorized = all(s.vectorized for s in self.schedules)

    def _eval(self, t: Any, xp: Any) -> Any:
        starts = [0, *self.boundaries]
        if isinstance(t, np.ndarray):
            out = np.empty(t.shape, dtype=np.float64)
            k = np.searchsorted(np.asarray(self.boundaries, dtype=np.int64), t, side="right")
            for i, s in enumerate(self.schedules):
                sel = k == i
                if sel.any():
                    out[sel] = np.asarray(s._eval(t[sel] - starts[i], xp), dtype=np.float64)
            return out
        i = bisect.bisect_right(self.boundaries, t)
        return self.schedules[i]._eval(t - starts[i], xp)

    def _args(self) -> dict[str, Any]:
        return {"schedules": self.schedules, "boundaries": self.boundaries}


def join(schedules: Sequence[Schedule], boundaries: Sequence[int]) -> Join:
    """Run ``schedules`` one after another, switching at the steps in ``boundaries``.

    Each schedule sees the step counted from its own start, so ``join([a, b], [100])(130) == b(30)``.

    Example:
        >>> from lightning_lr.schedules import Constant, CosineDecay
        >>> s = join([Constant(0.1), CosineDecay(0.1, total=10)], [5])
        >>> s(4), s(5), s(15)
        (0.1, 0.1, 0.0)
    """
    return Join(schedules, boundaries)


def warmup(schedule: Schedule, steps: int, start: float = 0.0) -> Join:
    """Linear warm-up from ``start`` to ``schedule(0)`` over ``steps`` steps, then ``schedule``.

    Example:
        >>> from lightning_lr.schedules import CosineDecay
        >>> s = warmup(CosineDecay(1.0, total=100), steps=4)
        >>> [s(t) for t in range(5)]
        [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    if not isinstance(schedule, Schedule):
        raise TypeError(f"schedule must be a Schedule, got {schedule!r}")
    steps = positive_int("steps", steps)
    start = non_negative("start", start)
    return Join([Linear(start, schedule(0), steps), schedule], [steps])
