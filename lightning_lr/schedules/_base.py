"""The schedule protocol, argument validation and the scalar/array math shim.

A schedule is a pure function of the optimizer step. Each concrete schedule writes its formula once,
in :meth:`Schedule._eval`, against a tiny math namespace ``xp``: :data:`SCALAR` (``math`` on Python
numbers, used by ``schedule(step)``) or :data:`ARRAY` (numpy on an array of steps, used by
``schedule.values(n)``). One formula therefore serves the per-step path and the vectorized path.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

__all__ = ["Schedule"]


class _ScalarMath:
    """``math`` with numpy's names, for one Python number at a time."""

    cos = staticmethod(math.cos)
    exp = staticmethod(math.exp)
    log = staticmethod(math.log)
    floor = staticmethod(math.floor)

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
    """numpy, for an array of steps."""

    cos = staticmethod(np.cos)
    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    floor = staticmethod(np.floor)
    minimum = staticmethod(np.minimum)
    maximum = staticmethod(np.maximum)
    where = staticmethod(np.where)
    clip = staticmethod(np.clip)


SCALAR = _ScalarMath()
ARRAY = _ArrayMath()


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
        """The values at steps ``0 .. n-1`` as a float64 numpy array (vectorized)."""
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


def _fmt(v: Any) -> str:
    if callable(v) and not isinstance(v, Schedule):
        return getattr(v, "__qualname__", repr(v))
    if isinstance(v, float):
        return f"{v:g}"
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


def _real(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def finite(name: str, value: Any) -> float:
    return _real(name, value)


def positive(name: str, value: Any) -> float:
    v = _real(name, value)
    if v <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return v


def non_negative(name: str, value: Any) -> float:
    v = _real(name, value)
    if v < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return v


def in_range(name: str, value: Any, lo: float, hi: float, *, lo_open: bool, hi_open: bool) -> float:
    v = _real(name, value)
    ok = (v > lo if lo_open else v >= lo) and (v < hi if hi_open else v <= hi)
    if not ok:
        interval = f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return v


def positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def non_negative_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative integer, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)


def one_of(name: str, value: Any, allowed: Iterable[str]) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return str(value)


def function(name: str, value: Any) -> Callable[..., Any]:
    if not callable(value):
        raise TypeError(f"{name} must be callable, got {value!r}")
    return value


def check_picklable_function(owner: str, name: str, fn: Callable[..., Any]) -> None:
    """Raise a TypeError that says how to fix it when ``fn`` cannot be pickled by reference."""
    qualname = getattr(fn, "__qualname__", "")
    if getattr(fn, "__name__", "") == "<lambda>" or "<locals>" in qualname:
        raise TypeError(
            f"{owner}({name}={qualname or fn!r}) cannot be pickled: {name} is a lambda or a local "
            f"function. Define it with `def` at module level (or use a callable class instance) so that "
            f"checkpoints, DDP spawn and copies of the schedule work."
        )
