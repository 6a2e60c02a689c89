"""The schedule protocol, argument validation and the scalar/array math shim.

A schedule is a pure function of the optimizer step. Each concrete schedule writes its formula once,
in :meth:`Schedule._eval`, against a tiny math namespace ``xp``: :data:`SCALAR` (``math`` on Python
numbers, used by ``schedule(step)``) or :data:`ARRAY` (numpy on an array of steps, used by
``schedule.values(n)``). One formula therefore serves the per-step path and the vectorized path.
"""

from __future__ import annotations

import copy
import functools
import math
import numbers
import pickle
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .._validate import (  # noqa: F401  (re-exported for the schedules)
    boolean,
    finite,
    function,
    in_range,
    non_negative,
    non_negative_int,
    one_of,
    positive,
    positive_int,
)

__all__ = ["Schedule"]


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
        except OverflowError:
            return math.inf

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
        use tables of exact powers instead: with few distinct exponents, one table, so every value is
        the scalar path's ``base ** k`` bit for bit; otherwise ``base ** (lo + q k) * base ** r`` for
        ``k ~ sqrt(span)``, one rounding on two exact powers (within about 1 ulp; exact for powers of 2).
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


class Schedule:
    """A learning-rate (or momentum) schedule: a pure function ``step -> value``.

    ``step`` counts the optimizer steps already taken (0 before the first). Calling a schedule never
    changes it, so any step can be evaluated in any order, on any rank, at the same cost.

    Subclasses implement ``_eval(t, xp)`` once for both Python ints and numpy arrays, and ``_args()``,
    the constructor arguments that make up the repr, equality and hash.

    Example:
        >>> from lightning_lr.schedules import CosineDecay
        >>> s = CosineDecay(0.1, total=100)
        >>> round(s(50), 6)
        0.05
        >>> s.values(3).shape
        (3,)
    """

    #: whether ``_eval`` on an array is vectorized (False for schedules that call user functions per step)
    vectorized: bool = True

    def __call__(self, step: int) -> float:
        return float(self._eval(check_step(step), SCALAR))

    def values(self, n: int) -> np.ndarray:
        """The values at steps ``0 .. n-1`` as a float64 numpy array.

        Closed-form schedules compute the whole array with numpy at once; the result equals
        ``[self(t) for t in range(n)]``.

        Args:
            n: how many steps, an integer >= 0.

        Returns:
            A new float64 array of shape ``(n,)``.

        Example:
            >>> from lightning_lr.schedules import StepDecay
            >>> StepDecay(0.1, every=2).values(5)
            array([0.1  , 0.1  , 0.05 , 0.05 , 0.025])
        """
        n = non_negative_int("n", n)
        steps = np.arange(n, dtype=np.int64)
        out = np.asarray(self._eval(steps, ARRAY), dtype=np.float64)
        if out.shape != (n,):
            out = np.broadcast_to(out, (n,)).copy()
        return out

    # --- to implement -------------------------------------------------------------------------
    def _eval(self, t: Any, xp: Any) -> Any:
        raise NotImplementedError

    def _args(self) -> dict[str, Any]:
        raise NotImplementedError

    # --- value semantics ----------------------------------------------------------------------
    def __repr__(self) -> str:
        args = ", ".join(f"{k}={_fmt(v)}" for k, v in self._args().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Schedule)
        return _key(self._args()) == _key(other._args())

    def __hash__(self) -> int:
        return hash((type(self).__name__, _key(self._args())))

    # --- copies -------------------------------------------------------------------------------
    # Copying shares user functions by reference (as copy does for functions), so a schedule holding a
    # lambda can be copied even though it cannot be pickled: these bypass ``__getstate__``'s check.
    def __copy__(self) -> Schedule:
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        return new

    def __deepcopy__(self, memo: dict[int, Any]) -> Schedule:
        new = object.__new__(type(self))
        memo[id(self)] = new
        new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return new


def _fmt(v: Any) -> str:
    if callable(v) and not isinstance(v, Schedule):
        name = getattr(v, "__qualname__", None)  # functions by name; callable objects by their repr
        return name if isinstance(name, str) else repr(v)
    if isinstance(v, float):
        short = f"{v:g}"  # readable; fall back to the exact repr when %g would round the value
        return short if float(short) == v else repr(v)
    if isinstance(v, (list, tuple)):
        inner = ", ".join(_fmt(x) for x in v)
        return f"[{inner}]" if isinstance(v, list) else f"({inner}{',' if len(v) == 1 else ''})"
    return repr(v)


def _key(args: dict[str, Any]) -> tuple[Any, ...]:
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in args.items())


# ---------------------------------------------------------------------------------------------
# Validation: every check names the argument, its value and what is allowed.
# ---------------------------------------------------------------------------------------------


def check_step(step: Any) -> int:
    if isinstance(step, bool) or not isinstance(step, numbers.Integral):
        raise TypeError(f"step must be a non-negative integer, got {step!r}")
    if step < 0:
        raise ValueError(f"step must be a non-negative integer, got {step!r}")
    return int(step)


def checked_output(owner: str, fn: Callable[..., Any], arg: Any, value: Any, hi: float = math.inf) -> float:
    """The number a user function returned, checked to be finite and in ``[0, hi]``."""
    name = getattr(fn, "__qualname__", None)
    if not isinstance(name, str):
        name = type(fn).__qualname__
    try:
        if isinstance(value, (str, bytes, bool, np.bool_)):  # float("0.1") and float(True) would pass
            raise TypeError
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{owner}: {name}({arg!r}) returned {value!r}, not a number") from None
    if not (math.isfinite(v) and 0.0 <= v <= hi):
        allowed = ">= 0" if hi == math.inf else f"in [0, {hi:g}]"
        raise ValueError(f"{owner}: {name}({arg!r}) returned {v!r}; values must be finite and {allowed}")
    return v


class UnpicklableFunctionError(pickle.PicklingError, TypeError):
    """A schedule holds a lambda or a local function, which pickle cannot store by reference.

    Both a :class:`pickle.PicklingError` and a :class:`TypeError`, so either ``except`` catches it.
    """


def _unpicklable_name(fn: Any) -> str | None:
    """The qualified name that makes ``fn`` unpicklable by reference, or None if it looks fine."""
    if isinstance(fn, functools.partial):
        return _unpicklable_name(fn.func)
    qualname = getattr(fn, "__qualname__", None)
    if not isinstance(qualname, str):  # a callable instance: its class must be importable
        qualname = str(getattr(type(fn), "__qualname__", ""))
    if getattr(fn, "__name__", "") == "<lambda>" or "<lambda>" in qualname or "<locals>" in qualname:
        return qualname
    return None


def check_picklable_function(owner: str, name: str, fn: Callable[..., Any]) -> None:
    """Raise a clear error that says how to fix it when ``fn`` cannot be pickled by reference."""
    bad = _unpicklable_name(fn)
    if bad is not None:
        raise UnpicklableFunctionError(
            f"{owner}({name}={bad}) cannot be pickled: {name} is a lambda or a local function (or an "
            f"instance of a local class). Use a named module-level function instead (`def {name}(t): ...` "
            f"at the top level of a module, or an instance of a module-level class) so that checkpoints, "
            f"DDP spawn and copies to other processes work."
        )
