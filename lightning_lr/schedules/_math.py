"""The scalar/array math shim: one schedule formula serves one step and an array of steps.

Each concrete schedule writes its formula once, in :meth:`Schedule._eval`, against a tiny math namespace
``xp``: :data:`SCALAR` (``math`` on Python numbers, used by ``schedule(step)``) or :data:`ARRAY` (numpy on
an array of steps, used by ``schedule.values(n)`` and by ScheduleLR's blocks). :func:`segments` splits an
array of steps into the pieces of a piecewise schedule, :func:`lerp` is the one interpolation and :func:`ramp`
the one warm-up from 0 of the schedules that have their own.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = ["ARRAY", "SCALAR", "lerp", "ramp", "segments"]


class _ScalarMath:
    """``math`` with numpy's names, for one Python number at a time.

    ``exp`` and ``power`` return ``inf`` on overflow instead of raising ``OverflowError`` (a growing
    exponential evaluated at step 10**9), as numpy does.
    """

    cos = staticmethod(math.cos)
    log = staticmethod(math.log)
    floor = staticmethod(math.floor)

    @staticmethod
    def exp(x: Any) -> Any:
        try:
            return math.exp(x)
        except OverflowError:
            return math.inf

    @staticmethod
    def power(base: float, exponent: Any) -> Any:
        try:
            return base**exponent
        except OverflowError:  # past the float range: 0 for a decay (review 58: inf for 0.99 ** 2**1100)
            return math.inf if (base > 1.0) == (exponent > 0) else 0.0

    @staticmethod
    def half_cos(t: Any, period: Any) -> Any:
        """``(1 + cos(pi * t / period)) / 2``: 1 at ``t = 0``, 0 at ``t = period``."""
        return (1 + math.cos(math.pi * t / period)) / 2

    @staticmethod
    def minimum(a: Any, b: Any) -> Any:
        return a if a < b else b

    @staticmethod
    def maximum(a: Any, b: Any) -> Any:
        return a if a > b else b

    @staticmethod
    def where(cond: Any, a: Any, b: Any) -> Any:
        return a if cond else b

    @staticmethod
    def clip(x: Any, lo: Any, hi: Any) -> Any:
        return lo if x < lo else (hi if x > hi else x)


class _ArrayMath:
    """numpy, for an array of steps. Overflow gives ``inf`` silently, as on the scalar path."""

    cos = staticmethod(np.cos)
    log = staticmethod(np.log)
    floor = staticmethod(np.floor)

    @staticmethod
    def exp(x: Any) -> Any:
        with np.errstate(over="ignore"):
            return np.exp(x)

    @staticmethod
    def power(base: float, exponent: Any) -> Any:
        """``base ** exponent`` for a scalar ``base > 0`` and an array of exponents, fast and (nearly) exact.

        ``np.power`` costs over 50 ms per million values. Integer exponents (steps, cycles, step counts)
        use tables of powers instead: with few distinct exponents, one table of ``np.power`` (numpy's power
        may differ from Python's ``base ** k`` by an ulp); otherwise ``base ** (lo + q k) * base ** r`` for
        ``k ~ sqrt(span)``, one more rounding on two such powers (within about 2 ulp; exact for powers of 2).
        Fractional exponents use ``exp(exponent * log(base))``, within about 1e-13 (relative) wherever
        the power is a normal float (beyond, it is 0 or inf either way).
        """
        exponent = np.asarray(exponent)
        if base == 1.0:
            return np.ones(exponent.shape)
        with np.errstate(over="ignore", under="ignore"):
            if exponent.dtype.kind in "iu" and exponent.size:
                lo = int(exponent.min())
                span = int(exponent.max()) - lo
                if span < max(16, exponent.size // 4):  # few distinct exponents: one table
                    return np.take(
                        np.power(base, np.arange(lo, lo + span + 1, dtype=np.float64)), exponent - lo
                    )
                if span < 2**40:
                    k = math.isqrt(span) + 1
                    q, r = np.divmod(exponent - lo, k)
                    coarse = np.power(base, lo + k * np.arange(span // k + 1, dtype=np.float64))
                    fine = np.power(base, np.arange(k, dtype=np.float64))
                    out = np.take(coarse, q)
                    out *= np.take(fine, r)
                    return out
            return np.exp(np.multiply(exponent, math.log(base), dtype=np.float64))

    minimum = staticmethod(np.minimum)
    maximum = staticmethod(np.maximum)

    @staticmethod
    def half_cos(t: Any, period: Any) -> Any:
        """``(1 + cos(pi * t / period)) / 2`` in one buffer (the same operations as the scalar path)."""
        x = np.multiply(t, math.pi, dtype=np.float64)
        x /= period
        np.cos(x, out=x)
        x += 1.0
        x /= 2.0
        return x

    where = staticmethod(np.where)
    clip = staticmethod(np.clip)


SCALAR = _ScalarMath()
ARRAY = _ArrayMath()


def segments(t: np.ndarray, bounds: Any) -> Iterator[tuple[int, slice | np.ndarray]]:
    """Split an array of steps at sorted integer ``bounds``: segment ``i`` holds the steps with
    ``bounds[i-1] <= t < bounds[i]`` (no lower limit for the first, no upper limit for the last).

    Yields ``(i, selector)`` for the non-empty segments, where ``t[selector]`` are the segment's steps: a
    slice when ``t`` is sorted (as ``values(n)`` and ScheduleLR's blocks are: no copies, no masks), else
    a boolean mask.
    """
    bounds = np.asarray(bounds, dtype=np.int64)
    if t.ndim == 1 and (t.size < 2 or bool((t[1:] >= t[:-1]).all())):
        cuts = [0, *np.searchsorted(t, bounds, side="left").tolist(), t.size]
        for i in range(len(cuts) - 1):
            if cuts[i + 1] > cuts[i]:
                yield i, slice(cuts[i], cuts[i + 1])
        return
    which = np.searchsorted(bounds, t, side="right")
    for i in np.unique(which).tolist():
        yield i, which == i


def lerp(a: Any, b: Any, w: Any, xp: Any) -> Any:
    """``a + (b - a) * w`` for ``w`` in [0, 1], the form torch's schedulers use, made exact at the ends.

    Exactly ``a`` at ``w == 0`` and ``b`` at ``w == 1`` (the plain formula misses ``b`` by a rounding
    error: 4.000000000004e-06 for 4e-06), constant when ``a == b``, monotone in ``w`` and never outside
    ``[min(a, b), max(a, b)]`` (as C++'s ``std::lerp``). Elsewhere it is torch's value bit for bit.
    """
    if not isinstance(w, np.ndarray):
        value = b if w >= 1.0 else a + (b - a) * w
        return xp.clip(value, xp.minimum(a, b), xp.maximum(a, b))
    value = np.multiply(w, np.subtract(b, a))  # the same operations as above, in one buffer
    value += a
    np.copyto(value, b, where=w >= 1.0)
    return np.clip(value, np.minimum(a, b), np.maximum(a, b), out=value)


def ramp(peak: float, t: Any, steps: int, xp: Any) -> Any:
    """``peak * min(t, steps) / steps``: a linear rise from 0 at step 0 to ``peak`` at step ``steps`` (and
    ``peak`` after it), never above ``peak``.

    It multiplies before it divides, the same values to the last bit as it always gave, wherever
    ``peak * steps`` is a finite float; for a peak so near the end of the float range that it is not, it
    divides first (review 108: ``InverseSqrt(1e308, warmup=10)(2)`` was ``inf``, where ``Linear(0, 1e308,
    10)(5)`` is 5e+307).
    """
    taken = xp.minimum(t, steps)
    if math.isfinite(peak * steps):
        return peak * taken / steps
    return peak * (taken / steps)
