"""Cyclical learning rates (Smith 2017) and the 1cycle policy (Smith 2018), each with the matching
inverse momentum schedule."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .._validate import (
    boolean,
    bound,
    fail,
    function,
    in_range,
    integer,
    known_as,
    non_negative,
    non_negative_int,
    one_of,
    positive,
    positive_int,
)
from . import _peers as peers
from ._base import Schedule, checked_output
from ._math import lerp, segments

__all__ = ["Cyclic", "CyclicMomentum", "OneCycle", "OneCycleMomentum"]

_MODES = ("triangular", "triangular2", "exp_range")


def _check_momentum_bounds(base_momentum: float, max_momentum: float) -> tuple[float, float]:
    base = in_range("base_momentum", base_momentum, 0.0, 1.0, lo_open=False, hi_open=True)
    top = in_range("max_momentum", max_momentum, 0.0, 1.0, lo_open=False, hi_open=True)
    if base > top:
        fail("base_momentum", f"<= max_momentum ({bound(top)})", base_momentum)
    return base, top


def flat_exp_range(mode: Any, gamma: Any, scale_fn: Any) -> str | None:
    """What to say of ``mode='exp_range'`` with ``gamma`` 1 (the default, in torch too) and no ``scale_fn``: the cycle
    is ``'triangular'``'s, its amplitude never shrinks (review 169: ``Cyclic(mode="exp_range")`` was taken without a
    word). None otherwise. Said by the Cyclic callback and the CyclicLR drop-in, where a user picks the mode."""
    if mode != "exp_range" or scale_fn is not None or gamma is None or float(gamma) != 1.0:
        return None
    return (
        "mode='exp_range' with gamma=1 scales the cycle by 1 ** step: it is mode='triangular', whose amplitude "
        "never shrinks. Give gamma < 1, the amplitude's factor per step (0.999 halves it every 693 steps)"
    )


def cyclic_shape(
    mode: Any, gamma: Any, scale_fn: Any, scale_mode: Any
) -> tuple[str, float, Callable[[int], float] | None, str]:
    """The rules that tie Cyclic's ``mode``, ``gamma``, ``scale_fn`` and ``scale_mode`` together, checked
    once for the schedule, the Cyclic callback and the CyclicLR drop-in.

    Returns:
        ``(mode, gamma, scale_fn, scale_mode)`` with ``scale_mode`` resolved (``"cycle"`` or ``"iterations"``).
    """
    mode = one_of("mode", mode, _MODES)
    g = positive("gamma", gamma)
    if scale_fn is not None:  # first: a scale_fn replaces mode and gamma (review 58: the gamma error sent the
        # user to mode='exp_range', whose error sent them back)
        fn = function("scale_fn", scale_fn)
        if mode != "triangular":
            fail("mode", "'triangular' (the default) with a scale_fn, which replaces mode and gamma", mode)
        if g != 1.0:
            fail("gamma", "1 (the default) with a scale_fn, which replaces mode and gamma", gamma)
        return (
            mode,
            g,
            fn,
            one_of("scale_mode", "cycle" if scale_mode is None else scale_mode, ("cycle", "iterations")),
        )
    if g != 1.0 and mode != "exp_range":
        fail("gamma", f"1 (the default) with mode={mode!r}: only mode='exp_range' uses it", gamma)
    if mode == "exp_range" and g > 1.0:
        fail("gamma", "in (0, 1] with mode='exp_range'", gamma)
    natural = "iterations" if mode == "exp_range" else "cycle"
    if scale_mode is not None and scale_mode != natural:
        fail(
            "scale_mode",
            f"None or {natural!r} with mode={mode!r} (only a scale_fn lets you choose it)",
            scale_mode,
        )
    return mode, g, None, natural


class Cyclic(Schedule):
    """Cyclical learning rate between ``base_lr`` and ``max_lr`` (Smith 2017, torch's ``CyclicLR``).

    A cycle rises for ``step_size`` steps and falls for ``step_size_down`` (default: the same); with
    ``step_size_down=0`` it is a sawtooth: it rises for ``step_size`` steps and the next cycle starts at
    ``base_lr`` (torch's ``CyclicLR(step_size_down=0)``). The amplitude ``max_lr - base_lr`` is scaled per cycle or per step:

    - ``"triangular"``: constant amplitude;
    - ``"triangular2"``: the amplitude halves every cycle ("fixed decay");
    - ``"exp_range"``: the amplitude is multiplied by ``gamma ** t`` ("exponential decay");
    - a custom ``scale_fn(x)`` with ``scale_mode="cycle"`` (x = cycle number, an int from 1) or
      ``"iterations"`` (x = step, an int). It must return a number in [0, 1].

    The values are torch's ``CyclicLR`` formula, with the position in the cycle computed exactly in
    integers (so step 10**9 is as exact as step 10), and never leave ``[base_lr, max_lr]``.
    :meth:`momentum` gives the inverse momentum cycle.

    Args:
        base_lr: the low end of the cycle, >= 0 (a cycle may start from 0, as in torch).
        max_lr: the high end of the cycle, >= ``base_lr``.
        step_size: steps from ``base_lr`` up to ``max_lr``, a positive integer.
        step_size_down: steps back down, a non-negative integer (default: ``step_size``); 0 drops back to
            ``base_lr`` at the end of the rise (a sawtooth).
        mode: ``"triangular"``, ``"triangular2"`` or ``"exp_range"``.
        gamma: the per-step factor of ``"exp_range"``, in (0, 1]; only with that mode.
        scale_fn: a custom amplitude scale instead of ``mode``; a named module-level function (or an
            instance of a module-level class) if the schedule is to be pickled.
        scale_mode: with ``scale_fn``: ``"cycle"`` (default) or ``"iterations"``.

    Example:
        >>> s = Cyclic(0.1, 1.0, step_size=2)
        >>> [round(s(t), 2) for t in range(5)]
        [0.1, 0.55, 1.0, 0.55, 0.1]
        >>> s = Cyclic(0.0001, 0.0009, step_size=1, mode="triangular2")
        >>> [round(s(t), 6) for t in range(7)]
        [0.0001, 0.0009, 0.0001, 0.0005, 0.0001, 0.0003, 0.0001]
    """

    _functions = ("scale_fn",)
    _step_fields = frozenset({"step_size", "step_size_down"})

    @known_as(peers.CYCLIC)
    def __init__(
        self,
        base_lr: float,
        max_lr: float,
        step_size: int = 2000,
        step_size_down: int | None = None,
        mode: str = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[int], float] | None = None,
        scale_mode: str | None = None,
    ) -> None:
        self.base_lr = non_negative("base_lr", base_lr)
        self.max_lr = positive("max_lr", max_lr)
        if self.base_lr > self.max_lr:
            fail("base_lr", f"<= max_lr ({bound(self.max_lr)})", base_lr)
        self.step_size = positive_int("step_size", step_size)
        self.step_size_down = (
            self.step_size if step_size_down is None else non_negative_int("step_size_down", step_size_down)
        )
        self.mode, self.gamma, self.scale_fn, self.scale_mode = cyclic_shape(
            mode, gamma, scale_fn, scale_mode
        )
        self.vectorized = self.scale_fn is None

    @property
    def cycle_length(self) -> int:
        """Steps in one full cycle (up + down)."""
        return self.step_size + self.step_size_down

    def natural_length(self, default: int | None = None) -> int:
        """Three full cycles (enough to see how the amplitude changes from one cycle to the next)."""
        return 3 * self.cycle_length

    def _user_scale(self, x: int) -> float:
        assert self.scale_fn is not None
        return checked_output("Cyclic", self.scale_fn, x, self.scale_fn(x), hi=1.0, argument="scale_fn")

    def _scale(self, x: Any, xp: Any) -> Any:
        """The amplitude scale at ``x``: the cycle number (from 1, as torch counts) with
        ``scale_mode="cycle"``, the step with ``"iterations"``. (The optim drop-in's ``scale_fn`` calls it.)"""
        if self.scale_fn is not None:
            if not isinstance(x, np.ndarray):
                return self._user_scale(int(x))
            if self.scale_mode == "cycle":  # one call per distinct cycle, not per step
                cycles, where = np.unique(x, return_inverse=True)
                per_cycle = np.array([self._user_scale(c) for c in cycles.tolist()], dtype=np.float64)
                return per_cycle[where.reshape(x.shape)]
            return np.array([self._user_scale(v) for v in x.tolist()], dtype=np.float64)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return xp.power(0.5, x - 1)  # torch's 1 / 2 ** (x - 1), which overflows after 1024 cycles
        return xp.power(self.gamma, x)

    def _phase(self, t: Any, xp: Any) -> tuple[Any, Any]:
        """(position factor in [0, 1] along the triangle, amplitude scale in [0, 1]).

        torch computes ``x = 1 + t / total - floor(1 + t / total)`` in floats, which loses the position
        in the cycle at large steps; here the cycle and the position in it are exact integers.
        """
        total, up, down = self.cycle_length, self.step_size, self.step_size_down
        done = t // total  # completed cycles
        pos = t - done * total  # steps into the current cycle, 0 <= pos < total
        # pos / up on the way up (where it is <= 1 <= (total - pos) / down), (total - pos) / down after; a
        # sawtooth (down == 0, torch's step_ratio of 1) has only the way up, pos < up
        factor = pos / up if down == 0 else xp.minimum(pos / up, (total - pos) / down)
        return factor, self._scale(done + 1 if self.scale_mode == "cycle" else t, xp)

    def _eval(self, t: Any, xp: Any) -> Any:
        factor, amp = self._phase(t, xp)
        return lerp(self.base_lr, self.max_lr, factor * amp, xp)  # torch's base + (max - base) * g

    @known_as({"min_momentum": "base_momentum (the lowest momentum, at the LR's peak)"})
    def momentum(self, base_momentum: float = 0.85, max_momentum: float = 0.95) -> CyclicMomentum:
        """The inverse momentum cycle: ``max_momentum`` where the LR is at ``base_lr``, ``base_momentum``
        at the LR peak.

        Example:
            >>> m = Cyclic(0.1, 1.0, step_size=2).momentum()
            >>> [round(m(t), 3) for t in range(5)]
            [0.95, 0.9, 0.85, 0.9, 0.95]
        """
        return CyclicMomentum(self, base_momentum, max_momentum)

    def _implicit(self) -> tuple[str, ...]:
        # gamma is 1 unless mode='exp_range'; without a scale_fn, the mode sets scale_mode; a symmetric cycle's
        # step_size_down is step_size's (replace(step_size=...) keeps it symmetric)
        unused = () if self.mode == "exp_range" else ("gamma",)
        if self.step_size_down == self.step_size:
            unused = (*unused, "step_size_down")
        return unused if self.scale_fn is not None else (*unused, "scale_fn", "scale_mode")


class CyclicMomentum(Schedule):
    """Momentum that cycles opposite to a :class:`Cyclic` learning rate (torch's ``cycle_momentum``).

    ``max_momentum - (max_momentum - base_momentum) * position * scale``: ``max_momentum`` where the LR is
    at ``base_lr``, ``base_momentum`` at the LR peak, with the same amplitude scaling as the LR.

    Args:
        lr: the :class:`Cyclic` learning-rate schedule to mirror.
        base_momentum: the low end, in [0, 1).
        max_momentum: the high end, in ``[base_momentum, 1)``.

    Example:
        >>> m = CyclicMomentum(Cyclic(0.1, 1.0, step_size=2), base_momentum=0.8, max_momentum=0.9)
        >>> [round(m(t), 3) for t in range(5)]
        [0.9, 0.85, 0.8, 0.85, 0.9]
    """

    @known_as({"min_momentum": "base_momentum (the lowest momentum, at the LR's peak)"})
    def __init__(self, lr: Cyclic, base_momentum: float = 0.85, max_momentum: float = 0.95) -> None:
        if not isinstance(lr, Cyclic):
            fail("lr", "a Cyclic schedule", lr, TypeError)
        self.lr = lr
        self.vectorized = lr.vectorized
        self.base_momentum, self.max_momentum = _check_momentum_bounds(base_momentum, max_momentum)

    def _eval(self, t: Any, xp: Any) -> Any:
        factor, amp = self.lr._phase(t, xp)
        return lerp(self.max_momentum, self.base_momentum, factor * amp, xp)

    def natural_length(self, default: int | None = None) -> int | None:
        """The learning-rate schedule's (the two move together)."""
        return self.lr.natural_length(default)


_ANNEAL = ("cos", "linear")


def _anneal(kind: str, start: Any, end: Any, pct: Any, xp: Any) -> Any:
    # torch's end + (start - end) / 2 * (cos(pi pct) + 1) and (end - start) * pct + start, exact at the
    # ends of the phase (torch's linear end of the run is 4.000000000004e-06 for 4e-06)
    if kind == "cos":
        return lerp(end, start, xp.half_cos(pct, 1.0), xp)
    return lerp(start, end, pct, xp)


class _Phases:
    """Piecewise annealing between knots at (possibly fractional) phase ends, as torch's OneCycleLR.

    Phase ``k`` runs from the end of phase ``k-1`` (0 for the first) to ``ends[k]``; step ``t`` is in the
    first phase with ``t <= ends[k]`` (the last phase if none). The fraction is clamped to [0, 1], so the
    value holds at the last knot after the end, and a phase of zero length counts as already finished
    (no division by zero).

    Arrays of steps are split by phase (contiguous slices when sorted, as ``values(n)`` and ScheduleLR's
    blocks are), and each phase is evaluated by the same :meth:`_phase` as a single step.
    """

    def __init__(self, ends: list[float], values: list[tuple[float, float]], anneal: str) -> None:
        self.ends, self.values, self.anneal = ends, values, anneal
        self.starts = [0.0, *ends[:-1]]
        # The first phase with t <= ends[k] is the first with t <= the running maximum of the ends (the
        # ends decrease only when pct_start * total_steps < 1, and then only below 0), and for an integer
        # t that is t <= floor(running maximum): a sorted integer array, so one binary search splits a
        # sorted array of steps into phases.
        self._search = np.floor(np.maximum.accumulate(np.asarray(ends, dtype=np.float64))).astype(np.int64)

    def _phase(self, i: int, t: Any, xp: Any) -> Any:
        start, end = self.starts[i], self.ends[i]
        # a phase of zero or negative length is finished wherever a step can be in it
        pct = xp.clip((t - start) / (end - start), 0.0, 1.0) if end > start else 1.0 + 0.0 * t
        first, second = self.values[i]
        return _anneal(self.anneal, first, second, pct, xp)

    def eval(self, t: Any, xp: Any) -> Any:
        if not isinstance(t, np.ndarray):
            last = len(self.ends) - 1
            for i, end in enumerate(self.ends):
                if t <= end or i == last:
                    return self._phase(i, t, xp)
            raise AssertionError("unreachable")
        out = np.empty(t.shape, dtype=np.float64)
        # for an integer step, t <= floor(end) means t < floor(end) + 1
        for i, sel in segments(t, self._search[:-1] + 1):
            out[sel] = self._phase(i, t[sel], xp)
        return out


class OneCycle(Schedule):
    """The 1cycle policy (Smith 2018, torch's ``OneCycleLR``): warm up from ``max_lr / div_factor`` to
    ``max_lr`` over ``pct_start`` of the run, then anneal to ``max_lr / (div_factor * final_div_factor)``.

    With ``three_phase=True`` the LR comes back down symmetrically to the start value before the final
    annihilation phase. The formula is torch's ``OneCycleLR`` for steps ``0 .. total_steps - 1``; after
    that the final value holds instead of raising, and the value never leaves ``[min, max]`` (torch's
    linear annealing goes negative at ``t == total_steps``, and ``pct_start * total_steps == 1`` divides
    by zero there). When ``pct_start * total_steps <= 1`` the warm-up has no whole step: as in torch, the
    run starts at (or just past) the peak; ``pct_start=0`` anneals from the first step. ``pct_start=1`` only
    warms up: the run ends at the peak, and the peak (LR and momentum) holds after it.

    With ``three_phase=True`` and a warm-up of ``pct_start * total_steps`` below 2 steps (other than exactly
    1), no step lies between the start and the peak and the cool-down is as short as the warm-up, so the
    steps skip the peak: with ``pct_start=0`` or a warm-up of 0.5, 1.2 or 1.5 steps the LR never leaves
    ``max_lr / div_factor`` (as in torch); with 1.8 it reaches 86% of ``max_lr``. :attr:`peak_reached` is the
    highest LR the steps take; the :class:`~lightning_lr.callbacks.OneCycle` callback refuses or warns of a
    cycle whose steps never rise above its start.

    Args:
        max_lr: the peak, > 0.
        total_steps: the length of the run in optimizer steps, a positive integer.
        pct_start: the fraction of the run spent warming up, in [0, 1]; below 0.5 with ``three_phase``.
        anneal: ``"cos"`` or ``"linear"``.
        div_factor: the start is ``max_lr / div_factor``; >= 1 so that the start is not above the peak.
        final_div_factor: the end is ``max_lr / (div_factor * final_div_factor)``; > 0 and at least
            ``1 / div_factor`` so that the end is not above the peak.
        three_phase: come back down to the start value before annealing to the end.

    Example:
        >>> s = OneCycle(1.0, total_steps=100, div_factor=10.0, final_div_factor=100.0)
        >>> round(s(0), 12), s(29), s(99), s(10**9)
        (0.1, 1.0, 0.001, 0.001)
    """

    _step_fields = frozenset({"total_steps"})

    @known_as(peers.ONE_CYCLE)
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
        self.total_steps = integer(
            "total_steps", total_steps, 2, " (a cycle needs at least one step up and one step down)"
        )
        self.pct_start = in_range("pct_start", pct_start, 0.0, 1.0, lo_open=False, hi_open=False)
        self.anneal = one_of("anneal", anneal, _ANNEAL)
        self.div_factor = positive("div_factor", div_factor)
        if self.div_factor < 1.0:
            fail("div_factor", ">= 1 (the start max_lr / div_factor must not be above max_lr)", div_factor)
        self.final_div_factor = positive("final_div_factor", final_div_factor)
        if self.div_factor * self.final_div_factor < 1.0:
            fail(
                "final_div_factor",
                f">= 1 / div_factor = {1 / self.div_factor:g} (the final LR max_lr / (div_factor * "
                f"final_div_factor) must not be above max_lr)",
                final_div_factor,
            )
        self.three_phase = boolean("three_phase", three_phase)
        if self.three_phase and self.pct_start >= 0.5:
            fail(
                "pct_start",
                "< 0.5 with three_phase=True (the warm-up and cool-down phases each take pct_start of the run)",
                pct_start,
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
        if self.pct_start == 1.0:  # it only warms up: the anneal has no step, the peak holds after the run
            end = hi
        values = [(lo, hi), (hi, lo), (lo, end)] if self.three_phase else [(lo, hi), (hi, end)]
        return _Phases(self._ends(), values, self.anneal)

    def _eval(self, t: Any, xp: Any) -> Any:
        return self._knots.eval(t, xp)

    @property
    def peak_step(self) -> float:
        """The (possibly fractional) step at which the LR reaches ``max_lr``."""
        return max(self._ends()[0], 0.0)

    @property
    def peak_reached(self) -> float:
        """The highest LR the cycle's steps ``0 .. total_steps - 1`` take: ``max_lr`` when a step lies at the
        peak, less when the peak falls between two steps (or before the first).

        Each phase is monotonic, so the highest value is at a step next to the peak, or at the first step.

        Example:
            >>> OneCycle(1.0, total_steps=100).peak_reached  # the peak at step 29
            1.0
            >>> OneCycle(1.0, total_steps=100, pct_start=0.015, three_phase=True).peak_reached  # at step 0.5
            0.04
        """
        peak = self._ends()[0]
        last = self.total_steps - 1
        steps = {0, min(max(math.floor(peak), 0), last), min(max(math.ceil(peak), 0), last)}
        return max(float(self(t)) for t in steps)

    @known_as({"min_momentum": "base_momentum (the lowest momentum, at the LR's peak)"})
    def momentum(self, base_momentum: float = 0.85, max_momentum: float = 0.95) -> OneCycleMomentum:
        """The inverse momentum schedule: ``max_momentum`` at the start, ``base_momentum`` at the LR peak,
        back to ``max_momentum`` at the end.

        Example:
            >>> m = OneCycle(1.0, total_steps=100).momentum()
            >>> m(0), m(29), m(99)
            (0.95, 0.85, 0.95)
        """
        return OneCycleMomentum(self, base_momentum, max_momentum)

    def natural_length(self, default: int | None = None) -> int:
        """The run: ``total_steps``."""
        return self.total_steps

    def ends_at(self) -> int:
        """``total_steps``: the final LR holds from there."""
        return self.total_steps


class OneCycleMomentum(Schedule):
    """Momentum that moves opposite to a :class:`OneCycle` learning rate (torch's ``cycle_momentum``).

    ``max_momentum`` -> ``base_momentum`` while the LR warms up, back to ``max_momentum`` while it anneals
    (in the three-phase policy it then holds ``max_momentum`` during the final phase).

    Args:
        lr: the :class:`OneCycle` learning-rate schedule to mirror.
        base_momentum: the low end (at the LR peak), in [0, 1).
        max_momentum: the high end (at the start and the end), in ``[base_momentum, 1)``.

    Example:
        >>> m = OneCycleMomentum(OneCycle(1.0, total_steps=10, pct_start=0.5), 0.8, 0.9)
        >>> m(0), m(4), m(9)
        (0.9, 0.8, 0.9)
    """

    @known_as({"min_momentum": "base_momentum (the lowest momentum, at the LR's peak)"})
    def __init__(self, lr: OneCycle, base_momentum: float = 0.85, max_momentum: float = 0.95) -> None:
        if not isinstance(lr, OneCycle):
            fail("lr", "a OneCycle schedule", lr, TypeError)
        self.lr = lr
        self.base_momentum, self.max_momentum = _check_momentum_bounds(base_momentum, max_momentum)
        lo, hi = self.base_momentum, self.max_momentum
        values = (
            [(hi, lo), (lo, hi), (hi, hi)]
            if lr.three_phase
            else [(hi, lo), (lo, lo if lr.pct_start == 1.0 else hi)]
        )
        self._knots = _Phases(lr._ends(), values, lr.anneal)

    def _eval(self, t: Any, xp: Any) -> Any:
        return self._knots.eval(t, xp)

    def natural_length(self, default: int | None = None) -> int | None:
        """The learning-rate schedule's (the two move together)."""
        return self.lr.natural_length(default)

    def ends_at(self) -> int:
        """The learning-rate schedule's."""
        return self.lr.ends_at()
