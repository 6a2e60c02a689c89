"""Cyclical learning rates (Smith 2017) and the 1cycle policy (Smith 2018), each with the matching
inverse momentum schedule."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ._base import (
    Schedule,
    check_picklable_function,
    function,
    in_range,
    one_of,
    positive,
    positive_int,
)

__all__ = ["Cyclic", "CyclicMomentum", "OneCycle", "OneCycleMomentum"]

_MODES = ("triangular", "triangular2", "exp_range")


def _check_momentum_bounds(base_momentum: float, max_momentum: float) -> tuple[float, float]:
    base = in_range("base_momentum", base_momentum, 0.0, 1.0, lo_open=False, hi_open=True)
    top = in_range("max_momentum", max_momentum, 0.0, 1.0, lo_open=False, hi_open=True)
    if base > top:
        raise ValueError(f"base_momentum must be <= max_momentum ({top:g}), got {base_momentum!r}")
    return base, top


class Cyclic(Schedule):
    """Cyclical learning rate between ``base_lr`` and ``max_lr``.

    A cycle rises for ``step_size_up`` steps and falls for ``step_size_down`` (default: the same). The
    amplitude is scaled per cycle or per step:

    - ``"triangular"``: constant amplitude;
    - ``"triangular2"``: the amplitude halves every cycle ("fixed decay");
    - ``"exp_range"``: the amplitude is multiplied by ``gamma ** t`` ("exponential decay");
    - a custom ``scale_fn(x)`` with ``scale_mode="cycle"`` (x = cycle number, from 1) or
      ``"iterations"`` (x = step).

    The formula is torch's ``CyclicLR``. :meth:`momentum` gives the inverse momentum cycle.

    Example:
        >>> s = Cyclic(0.1, 1.0, step_size_up=2)
        >>> [round(s(t), 2) for t in range(5)]
        [0.1, 0.55, 1.0, 0.55, 0.1]
    """

    def __init__(
        self,
        base_lr: float,
        max_lr: float,
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: str = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: str | None = None,
    ) -> None:
        self.base_lr = positive("base_lr", base_lr)
        self.max_lr = positive("max_lr", max_lr)
        if self.base_lr > self.max_lr:
            raise ValueError(f"base_lr must be <= max_lr ({self.max_lr:g}), got {base_lr!r}")
        self.step_size_up = positive_int("step_size_up", step_size_up)
        self.step_size_down = (
            self.step_size_up if step_size_down is None else positive_int("step_size_down", step_size_down)
        )
        self.mode = one_of("mode", mode, _MODES)
        self.gamma = positive("gamma", gamma)
        if self.gamma != 1.0 and self.mode != "exp_range":
            raise ValueError(
                f"gamma is only used with mode='exp_range', got gamma={gamma!r} with mode={mode!r}"
            )
        if self.mode == "exp_range" and self.gamma > 1.0:
            raise ValueError(f"gamma must be in (0, 1] with mode='exp_range', got {gamma!r}")
        self.scale_fn = None if scale_fn is None else function("scale_fn", scale_fn)
        self.vectorized = self.scale_fn is None
        if self.scale_fn is not None:
            if mode != "triangular":
                raise ValueError(f"give either mode or scale_fn, not both: got mode={mode!r} and a scale_fn")
            self.scale_mode = one_of(
                "scale_mode", "cycle" if scale_mode is None else scale_mode, ("cycle", "iterations")
            )
        else:
            natural = "iterations" if self.mode == "exp_range" else "cycle"
            if scale_mode is not None and scale_mode != natural:
                raise ValueError(
                    f"scale_mode is set by mode={self.mode!r} to {natural!r}; got scale_mode={scale_mode!r} "
                    f"(pass scale_fn to choose the scale_mode)"
                )
            self.scale_mode = natural
        self._total = float(self.step_size_up + self.step_size_down)
        self._ratio = self.step_size_up / self._total

    @property
    def cycle_length(self) -> int:
        """Steps in one full cycle (up + down)."""
        return self.step_size_up + self.step_size_down

    def _scale(self, x: Any, xp: Any) -> Any:
        if self.scale_fn is not None:
            if isinstance(x, np.ndarray):
                return np.array([self.scale_fn(v) for v in x.tolist()], dtype=np.float64)
            return self.scale_fn(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 0.5 ** (x - 1)  # == torch's 1 / 2 ** (x - 1), without overflow
        return self.gamma**x

    def _phase(self, t: Any, xp: Any) -> tuple[Any, Any]:
        """(scale factor in [0, 1] along the triangle, amplitude scale)."""
        cycle = xp.floor(1 + t / self._total)
        x = 1.0 + t / self._total - cycle
        r = self._ratio
        factor = xp.where(x <= r, x / r, (x - 1) / (r - 1))
        amp = self._scale(cycle if self.scale_mode == "cycle" else t, xp)
        return factor, amp

    def _eval(self, t: Any, xp: Any) -> Any:
        factor, amp = self._phase(t, xp)
        return self.base_lr + (self.max_lr - self.base_lr) * factor * amp

    def momentum(self, base_momentum: float = 0.85, max_momentum: float = 0.95) -> CyclicMomentum:
        """The inverse momentum cycle: ``max_momentum`` where the LR is at ``base_lr``, ``base_momentum``
        at the LR peak."""
        return CyclicMomentum(self, base_momentum, max_momentum)

    def _args(self) -> dict[str, Any]:
        args: dict[str, Any] = {
            "base_lr": self.base_lr,
            "max_lr": self.max_lr,
            "step_size_up": self.step_size_up,
            "step_size_down": self.step_size_down,
            "mode": self.mode,
        }
        if self.mode == "exp_range":
            args["gamma"] = self.gamma
        if self.scale_fn is not None:
            args["scale_fn"] = self.scale_fn
            args["scale_mode"] = self.scale_mode
        return args

    def __getstate__(self) -> dict[str, Any]:
        if self.scale_fn is not None:
            check_picklable_function("Cyclic", "scale_fn", self.scale_fn)
        return self.__dict__.copy()


class CyclicMomentum(Schedule):
    """Momentum that cycles opposite to a :class:`Cyclic` learning rate (torch's ``cycle_momentum``)."""

    def __init__(self, lr: Cyclic, base_momentum: float = 0.85, max_momentum: float = 0.95) -> None:
        if not isinstance(lr, Cyclic):
            raise TypeError(f"lr must be a Cyclic schedule, got {lr!r}")
        self.lr = lr
        self.vectorized = lr.vectorized
        self.base_momentum, self.max_momentum = _check_momentum_bounds(base_momentum, max_momentum)

    def _eval(self, t: Any, xp: Any) -> Any:
        factor, amp = self.lr._phase(t, xp)
        return self.max_momentum - (self.max_momentum - self.base_momentum) * factor * amp

    def _args(self) -> dict[str, Any]:
        return {"lr": self.lr, "base_momentum": self.base_momentum, "max_momentum": self.max_momentum}


_ANNEAL = ("cos", "linear")


def _anneal(kind: str, start: Any, end: Any, pct: Any, xp: Any) -> Any:
    if kind == "cos":
        return end + (start - end) / 2.0 * (xp.cos(math.pi * pct) + 1)
    return (end - start) * pct + start


class _Phases:
    """Piecewise annealing between knots at (possibly fractional) phase ends, as torch's OneCycleLR.

    Phase ``k`` runs from the end of phase ``k-1`` (0 for the first) to ``ends[k]``. The fraction is
    clamped to [0, 1], so the value holds at the last knot after the end, and a phase of zero length
    counts as already finished (no division by zero).
    """

    def __init__(self, ends: list[float], values: list[tuple[float, float]], anneal: str) -> None:
        self.ends, self.values, self.anneal = ends, values, anneal

    def eval(self, t: Any, xp: Any) -> Any:
        last = len(self.ends) - 1
        if isinstance(t, np.ndarray):
            ends = np.asarray(self.ends, dtype=np.float64)
            starts = np.concatenate(([0.0], ends[:-1]))
            k = np.minimum(np.searchsorted(ends, t, side="left"), last)
            s, e = starts[k], ends[k]
            length = e - s
            pcts = np.where(length > 0, np.clip((t - s) / np.where(length > 0, length, 1.0), 0.0, 1.0), 1.0)
            a = np.asarray([v[0] for v in self.values])[k]
            b = np.asarray([v[1] for v in self.values])[k]
            return _anneal(self.anneal, a, b, pcts, xp)
        start = 0.0
        for i, end in enumerate(self.ends):
            if t <= end or i == last:
                first, second = self.values[i]
                pct = min(max((t - start) / (end - start), 0.0), 1.0) if end > start else 1.0
                return _anneal(self.anneal, first, second, pct, xp)
            start = end
        raise AssertionError("unreachable")


class OneCycle(Schedule):
    """The 1cycle policy: warm up from ``max_lr / div_factor`` to ``max_lr`` over ``pct_start`` of the
    run, then anneal to ``max_lr / (div_factor * final_div_factor)``.

    With ``three_phase=True`` the LR comes back down symmetrically to the start value before the final
    annihilation phase. The formula is torch's ``OneCycleLR`` for steps ``0 .. total_steps - 1``; after
    that the final value holds instead of raising, and the value never leaves ``[min, max]`` (torch's
    linear annealing goes negative at ``t == total_steps``, and ``pct_start * total_steps == 1`` divides
    by zero there).

    Example:
        >>> s = OneCycle(1.0, total_steps=100, div_factor=10.0, final_div_factor=100.0)
        >>> round(s(0), 12), s(29), s(99), s(10**9)
        (0.1, 1.0, 0.001, 0.001)
    """

    def __init__(
        self,
        max_lr: float,
        total_steps: int,
        pct_start: float = 0.3,
        anneal: str = "cos",
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
    ) -> None:
        self.max_lr = positive("max_lr", max_lr)
        self.total_steps = positive_int("total_steps", total_steps)
        self.pct_start = in_range("pct_start", pct_start, 0.0, 1.0, lo_open=True, hi_open=True)
        self.anneal = one_of("anneal", anneal, _ANNEAL)
        self.div_factor = positive("div_factor", div_factor)
        self.final_div_factor = positive("final_div_factor", final_div_factor)
        self.three_phase = bool(three_phase)
        if self.three_phase and self.pct_start >= 0.5:
            raise ValueError(
                f"pct_start must be < 0.5 with three_phase=True (the warm-up and cool-down phases each take "
                f"pct_start of the run), got {pct_start!r}"
            )
        self.initial_lr = self.max_lr / self.div_factor
        self.min_lr = self.initial_lr / self.final_div_factor
        self._knots = self._phases()

    def _ends(self) -> list[float]:
        t, p = self.total_steps, self.pct_start
        if self.three_phase:
            return [float(p * t) - 1, float(2 * p * t) - 2, t - 1.0]
        return [float(p * t) - 1, t - 1.0]

    def _phases(self) -> _Phases:
        lo, hi, end = self.initial_lr, self.max_lr, self.min_lr
        values = [(lo, hi), (hi, lo), (lo, end)] if self.three_phase else [(lo, hi), (hi, end)]
        return _Phases(self._ends(), values, self.anneal)

    def _eval(self, t: Any, xp: Any) -> Any:
        return self._knots.eval(t, xp)

    @property
    def peak_step(self) -> float:
        """The (possibly fractional) step at which the LR reaches ``max_lr``."""
        return max(self._ends()[0], 0.0)

    def momentum(self, base_momentum: float = 0.85, max_momentum: float = 0.95) -> OneCycleMomentum:
        """The inverse momentum schedule: ``max_momentum`` at the start, ``base_momentum`` at the LR peak,
        back to ``max_momentum`` at the end."""
        return OneCycleMomentum(self, base_momentum, max_momentum)

    def _args(self) -> dict[str, Any]:
        return {
            "max_lr": self.max_lr,
            "total_steps": self.total_steps,
            "pct_start": self.pct_start,
            "anneal": self.anneal,
            "div_factor": self.div_factor,
            "final_div_factor": self.final_div_factor,
            "three_phase": self.three_phase,
        }


class OneCycleMomentum(Schedule):
    """Momentum that moves opposite to a :class:`OneCycle` learning rate."""

    def __init__(self, lr: OneCycle, base_momentum: float = 0.85, max_momentum: float = 0.95) -> None:
        if not isinstance(lr, OneCycle):
            raise TypeError(f"lr must be a OneCycle schedule, got {lr!r}")
        self.lr = lr
        self.base_momentum, self.max_momentum = _check_momentum_bounds(base_momentum, max_momentum)
        lo, hi = self.base_momentum, self.max_momentum
        values = [(hi, lo), (lo, hi), (hi, hi)] if lr.three_phase else [(hi, lo), (lo, hi)]
        self._knots = _Phases(lr._ends(), values, lr.anneal)

    def _eval(self, t: Any, xp: Any) -> Any:
        return self._knots.eval(t, xp)

    def _args(self) -> dict[str, Any]:
        return {"lr": self.lr, "base_momentum": self.base_momentum, "max_momentum": self.max_momentum}
