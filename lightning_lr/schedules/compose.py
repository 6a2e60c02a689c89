"""Schedules from user functions, and composition: join and warmup."""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._validate import (
    context,
    counted,
    fail,
    function,
    known_as,
    non_negative,
    non_negative_int,
    positive,
    positive_int,
    sequence,
)
from ._base import FrozenList, Schedule, checked_output, function_name
from ._math import segments
from .decay import Linear

__all__ = ["Join", "Lambda", "Multiplicative", "Retimed", "join", "warmup"]


class Lambda(Schedule):
    """Any function of the step: ``fn(t)``.

    ``fn`` is called once per evaluated step (``values(n)`` calls it ``n`` times), with an ``int``, and must
    return a finite number >= 0 (a one-element tensor or numpy array is the number it holds). To pickle the
    schedule (checkpoints of the schedule itself, ``ddp_spawn``), ``fn`` must be a named module-level
    function or an instance of a module-level class; a lambda or a local function works until it is
    pickled, which then raises an error saying so.

    Args:
        fn: the function of the step.

    Example:
        >>> def halve_every_10(t):
        ...     return 0.1 * 0.5 ** (t // 10)
        >>> Lambda(halve_every_10)(25)
        0.025
    """

    vectorized = False
    _functions = ("fn",)

    @known_as({})
    def __init__(self, fn: Callable[[int], float]) -> None:
        self.fn = function("fn", fn)

    def _eval(self, t: Any, xp: Any) -> Any:
        if isinstance(t, np.ndarray):
            return np.array([self._one(int(i)) for i in t.tolist()], dtype=np.float64)
        return self._one(t)

    def _one(self, t: int) -> float:
        return checked_output("Lambda", self.fn, t, self.fn(t), argument="fn")


#: the spacing of :class:`Multiplicative`'s kept products, and how many it keeps
_MARK = 1024
_MAX_MARKS = 4096
#: the most ``factor`` calls one evaluation of :class:`Multiplicative` makes (about a minute of Python calls):
#: a step farther from every product known is refused, not computed for hours (r202: step 10**20 ran on)
_MAX_CALLS = 10**8


class Multiplicative(Schedule):
    """``initial * prod(factor(i) for i in 1..t)``, as torch's ``MultiplicativeLR``.

    The running product is cached, so evaluating steps in increasing order costs one ``factor`` call per
    new step, also for two readers that each go forward (a scheduler and a plot: two running products are
    kept); a step behind both restarts from the last multiple of 1024 steps passed on the way (its product is
    kept, for the first ~4 million steps), so at most 1024 calls there (review 58: from step 0, a quadratic
    cost for two readers of one schedule). The product is always taken in the same order, so the value at a
    step does not depend on the order of evaluation. Evaluating a far step costs one call per step before
    it: this schedule is not closed form, the one exception to "any step costs what step 0 costs". A step more
    than ``10**8`` steps past the nearest product known (about a minute of calls) is refused with an error.

    Args:
        initial: the value at step 0, > 0.
        factor: ``factor(i)`` multiplies the value at step ``i`` (``i >= 1``); it must return a finite
            number >= 0. A named module-level function if the schedule is to be pickled.

    Example:
        >>> def ninety_percent(i):
        ...     return 0.9
        >>> round(Multiplicative(1.0, ninety_percent)(2), 10)
        0.81
    """

    vectorized = False
    _functions = ("factor",)

    @known_as({})
    def __init__(self, initial: float, factor: Callable[[int], float]) -> None:
        self.initial = positive("initial", initial)
        self.factor = function("factor", factor)
        # The running product: a cache, not a field (the schedule's value does not depend on it), in a
        # one-slot list since the schedule's attributes cannot be reassigned.
        # Two running products (two readers of one schedule, a scheduler and a plot, each go forward), and
        # the one used last; the product at every multiple of _MARK steps passed so far (contiguous from
        # _MARK), where a step behind both restarts.
        self._cache: list[tuple[int, float]] = [(0, self.initial), (0, self.initial)]
        self._used: list[int] = [0]
        self._marks: dict[int, float] = {}

    def _one(self, t: int) -> float:
        # A slot holds (step, value), read and written whole, so threads sharing the schedule never pair the
        # step of one evaluation with the value of another.
        slots, marks = self._cache, self._marks
        behind = [(i, v, k) for k, (i, v) in enumerate(slots) if i <= t]
        mark = min((t // _MARK) * _MARK, _MARK * len(marks))
        i, v, k = max(behind, default=(-1, 0.0, 1 - self._used[0]))
        if mark and i < mark:  # a kept product is nearer (the slot is reused)
            i, v = mark, marks[mark]
        elif i < 0:
            i, v = 0, self.initial
        if t - i > _MAX_CALLS:
            raise ValueError(
                f"Multiplicative: step {t} is the product of factor(i) for every step i up to it, with no closed "
                f"form, and the nearest product known is at step {i}: {t - i} calls of factor, more than the "
                f"{_MAX_CALLS:.0e} one evaluation makes (about a minute). Reach such a step in order (a scheduler "
                f"does, one call per step), or use a schedule with a closed form (ExponentialDecay for a constant "
                f"factor; a Schedule subclass whose __call__ computes the step directly)"
            )
        while i < t:
            i += 1
            before = v
            v = v * checked_output("Multiplicative", self.factor, i, self.factor(i), argument="factor")
            if not math.isfinite(v):
                # each factor is finite, their product may not be (r163: 1e200 twice gave inf, then 0 gave nan)
                raise ValueError(
                    f"Multiplicative: the product of the factors overflows at step {i}: {before!r} * factor({i}) is "
                    f"{v!r}; the factors must keep the value finite (factor is {function_name(self.factor)})"
                )
            if i % _MARK == 0 and len(marks) < _MAX_MARKS:
                marks[i] = v
        slots[k] = (i, v)
        self._used[0] = k
        return v

    def _eval(self, t: Any, xp: Any) -> Any:
        if isinstance(t, np.ndarray):
            return np.array([self._one(int(i)) for i in t.tolist()], dtype=np.float64)
        return self._one(t)


class Join(Schedule):
    """Schedules one after another: ``schedules[k]`` runs from ``boundaries[k-1]`` (0 for the first)
    and sees the step counted from its own start. Usually built with :func:`join`.

    Args:
        schedules: a non-empty sequence of schedules.
        boundaries: ``len(schedules) - 1`` strictly increasing positive integers, the steps at which the
            next schedule takes over.

    Example:
        >>> from lightning_lr.schedules import Constant, Linear
        >>> s = Join([Linear(0.0, 1.0, total=2), Constant(1.0)], [2])
        >>> [s(t) for t in range(4)]
        [0.0, 0.5, 1.0, 1.0]
    """

    _step_fields = frozenset({"boundaries"})

    @known_as({})
    def __init__(self, schedules: Sequence[Schedule], boundaries: Sequence[int]) -> None:
        if isinstance(schedules, Schedule) or not isinstance(schedules, Sequence) or not schedules:
            fail("schedules", "a non-empty sequence of Schedule", schedules, TypeError)
        for i, s in enumerate(schedules):
            if not isinstance(s, Schedule):
                fail(f"schedules[{i}]", "a Schedule", s, TypeError)
        n = len(schedules) - 1
        bs = sequence("boundaries", boundaries, positive_int, what="positive integers", non_empty=False)
        if len(bs) != n:
            fail("boundaries", f"a list of len(schedules) - 1 = {counted(n, 'step')}", list(bs))
        for i in range(1, len(bs)):
            if bs[i] <= bs[i - 1]:
                fail("boundaries", "strictly increasing", bs)
        self.schedules = FrozenList(schedules)
        self.boundaries = FrozenList(bs)
        self.vectorized = all(s.vectorized for s in self.schedules)

    def _eval(self, t: Any, xp: Any) -> Any:
        starts = [0, *self.boundaries]
        if isinstance(t, np.ndarray):
            out = np.empty(t.shape, dtype=np.float64)
            for i, sel in segments(t, self.boundaries):
                out[sel] = self.schedules[i]._eval(t[sel] - starts[i], xp)
            return out
        i = bisect.bisect_right(self.boundaries, t)
        return self.schedules[i]._eval(t - starts[i], xp)

    def natural_length(self, default: int | None = None) -> int | None:
        """The last boundary (0 for a join of one schedule) plus the last schedule's natural length (None if that
        has none)."""
        last = self.schedules[-1].natural_length(default)
        return None if last is None else (self.boundaries[-1] if self.boundaries else 0) + last

    def scheduled_until(self) -> int | None:
        """The steps a run needs for the last change the join makes, as the run sees it: each part's last
        change within the steps it is used for, and each switch that jumps (a run of ``boundary + 1``
        steps makes it).

        A part before a switch is read from its values there (a decay with no end, a cycle, a warm-up into
        a decay, all change up to the switch), unless it ends within them and holds (its own
        :meth:`ends_at`), or is too long to read (then it is taken as changing up to the switch). A switch
        is no jump when the next part starts where the previous one left off, or where it would have gone,
        carried on by its own formula, with a step like its last (a warm-up's ramp into its peak, a decay into a constant at
        its level); a milestone at the switch, a constant after a constant, a cycle cut by a cool-down
        are jumps. When the previous part cannot be evaluated past its steps (a ``Lambda`` that refuses
        them), the jump is told from its last step's trend alone."""
        starts = [0, *self.boundaries]
        last = 0
        for i, part in enumerate(self.schedules):
            if i + 1 == len(self.schedules):
                own = part.scheduled_until()
                if own is not None:
                    last = max(last, starts[i] + own)
                break
            length = starts[i + 1] - starts[i]
            ends = part.ends_at()
            if ends is not None and ends <= length:
                last = max(last, starts[i] + (part.scheduled_until() or ends))
            elif length > _SCAN_STEPS:
                last = max(last, starts[i + 1])  # too long to read: taken as changing up to its switch
            else:
                values = part.values(length)
                changed = np.flatnonzero(values[1:] != values[:-1])
                if changed.size:
                    last = max(last, starts[i] + int(changed[-1]) + 2)  # a change at step k needs k + 1
            if self._jumps(part, length, self.schedules[i + 1](0)):
                last = max(last, starts[i + 1] + 1)
        return last or None

    @staticmethod
    def _jumps(part: Schedule, length: int, after: float) -> bool:
        """Whether switching from ``part``, used for ``length`` steps, to a part starting at ``after``
        changes the value by a jump (:meth:`scheduled_until`)."""
        before = part(length - 1)
        trend = before - part(length - 2) if length >= 2 else 0.0
        tiny = 1e-12 * max(abs(before), abs(after), 1e-300)
        if abs(after - before) <= tiny:  # the value holds across the switch
            return False
        try:
            carried = part(length)
        except (ValueError, TypeError, ArithmeticError):  # a Lambda that refuses a step the run never uses
            return abs(after - (before + trend)) > abs(trend) + tiny
        if abs(after - carried) > tiny + 1e-9 * abs(carried):
            return True
        # the next part starts where this one would go: no jump if this one ends right there (a ramp of a
        # warm-up, however short, reaches its peak at its length) or its step into it is like its last
        return not (part.ends_at() == length or abs(carried - before) <= abs(trend) * (1.0 + 1e-6) + tiny)

    def ends_at(self) -> int | None:
        """The last boundary plus the last schedule's end (None if that has none)."""
        last = self.schedules[-1].ends_at()
        return None if last is None else (self.boundaries[-1] if self.boundaries else 0) + last


#: the most steps of a join's part that :meth:`Join.scheduled_until` reads values of
_SCAN_STEPS = 100_000


@known_as({})
def join(schedules: Sequence[Schedule], boundaries: Sequence[int]) -> Join:
    """Run ``schedules`` one after another, switching at the steps in ``boundaries``.

    Each schedule sees the step counted from its own start, so ``join([a, b], [100])(130) == b(30)``.
    The result is continuous where ``a(boundary) == b(0)``.

    Args:
        schedules: a non-empty sequence of schedules.
        boundaries: ``len(schedules) - 1`` strictly increasing positive integers.

    Returns:
        The :class:`Join`.

    Example:
        >>> from lightning_lr.schedules import Constant, CosineDecay
        >>> s = join([Constant(0.1), CosineDecay(0.1, total=10)], [5])
        >>> s(4), s(5), s(15)
        (0.1, 0.1, 0.0)
    """
    return Join(schedules, boundaries)


@known_as(
    {
        "warmup_steps": "steps (Keras' and optax's warmup_steps)",
        "num_warmup_steps": "steps (transformers' num_warmup_steps)",
    }
)
def warmup(schedule: Schedule, steps: int, start: float = 0.0) -> Join:
    """Linear warm-up from ``start`` to ``schedule(0)`` over ``steps`` steps, then ``schedule``.

    Step ``steps`` is ``schedule(0)``, so the warm-up meets the schedule without a jump (each warm-up step
    adds ``(schedule(0) - start) / steps``) and the schedule keeps its full length after it.

    Args:
        schedule: the schedule that follows the warm-up.
        steps: the length of the warm-up, an integer >= 0; 0 is no warm-up (as a callback's ``warmup=0``).
        start: the value at step 0, >= 0 and below ``schedule(0)``; with ``steps=0`` no step takes it (a
            search space that draws 0 warm-up steps keeps its start: timm's ``warmup_t=0``).

    Returns:
        ``join([Linear(start, schedule(0), steps), schedule], [steps])``; ``join([schedule], [])`` for 0
        steps.

    Example:
        >>> from lightning_lr.schedules import CosineDecay
        >>> s = warmup(CosineDecay(1.0, total=100), steps=4)
        >>> [s(t) for t in range(5)]
        [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    with context("warmup"):
        if not isinstance(schedule, Schedule):
            fail("schedule", "a Schedule", schedule, TypeError)
        steps = non_negative_int("steps", steps)
        start = non_negative("start", start)
        if steps == 0:
            return Join([schedule], [])
        first = schedule(0)
        if start >= first:  # a flat or falling "warm-up": LR 0 for steps + 1 steps, without a word
            fail(
                "start",
                f"< schedule(0) = {first:g} (a warm-up rises to where the schedule starts); a schedule that "
                f"starts at 0 (InverseSqrt, WarmupStableDecay) has its own warmup= argument",
                start,
            )
    return Join([Linear(start, first, steps), schedule], [steps])


class Retimed(Schedule):
    """``schedule`` on another clock: at step ``t`` the value ``schedule`` has at step ``v(t)``, where ``v``
    runs through ``points`` (``(step, its step on the schedule's clock)`` pairs, both increasing, after
    ``(0, 0)``), linearly between them and one for one after the last, rounded half up; a point's clock step
    is reached at the point's step, not before (:func:`retimed_clock`).

    A callback uses it for a run whose epochs took other numbers of steps before a resume: a period given
    in epochs (a step decay ``every=Epochs(1)``, a cycle's ``step_size=Epochs(2)``) then keeps to the epochs
    as they took place, its schedule planned at the run's present size and read at the step where each
    epoch would begin at that size (review 65: the period kept the size of the run's first epochs, and the
    LR halved twice per epoch after a resume on half the devices).

    Args:
        schedule: the schedule on its own clock.
        points: ``(step, clock step)`` pairs of whole numbers, each larger than the one before, both > 0.

    Example:
        >>> from lightning_lr.schedules import StepDecay
        >>> epochs = Retimed(StepDecay(0.1, every=12), [(12, 24)])  # 2 epochs of 6 steps, then 12
        >>> [epochs(t) for t in (5, 6, 11, 12, 23, 24)]
        [0.1, 0.05, 0.05, 0.025, 0.025, 0.0125]
    """

    def __init__(self, schedule: Schedule, points: Sequence[Sequence[int]]) -> None:
        with context("Retimed"):
            if not isinstance(schedule, Schedule):
                fail("schedule", "a Schedule", schedule, TypeError)
            allowed = (
                "(step, clock step) pairs of whole numbers > 0, each pair larger in both than the one before"
            )
            try:
                pairs = [(int(a), int(b)) for a, b in points]
                whole = all(float(a) == int(a) and float(b) == int(b) for a, b in points)
            except (TypeError, ValueError):
                fail("points", allowed, points)
            if (
                not pairs
                or not whole
                or any(
                    a <= (pairs[i - 1][0] if i else 0) or b <= (pairs[i - 1][1] if i else 0)
                    for i, (a, b) in enumerate(pairs)
                )
            ):
                fail("points", allowed, points)
        self.schedule = schedule
        self.points = FrozenList(pairs)

    def clock(self, t: Any) -> Any:
        """The step on the schedule's clock at step ``t`` (an int or an int array)."""
        return retimed_clock(self.points, t)

    def step_at(self, clock: int) -> int:
        """The first step whose clock step is at least ``clock`` (where a change on the schedule's clock
        takes place)."""
        steps, ticks = _axes(self.points)
        if clock >= ticks[-1]:
            t = clock - ticks[-1] + steps[-1]
        else:
            t = int(np.ceil(np.interp(clock, ticks, steps)))
        # from there to the first such step: the clock rounds, and before the last point it may advance by
        # less than a step per step (review 68: the shortcut at the last point missed that)
        while t > 0 and self.clock(t - 1) >= clock:
            t -= 1
        while self.clock(t) < clock:
            t += 1
        return t

    def _eval(self, t: Any, xp: Any) -> Any:
        return self.schedule._eval(self.clock(t), xp)

    def natural_length(self, default: int | None = None) -> int | None:
        n = self.schedule.natural_length(default)
        return None if n is None else self.step_at(n)

    def ends_at(self) -> int | None:
        end = self.schedule.ends_at()
        return None if end is None else self.step_at(end)

    def scheduled_until(self) -> int | None:
        end = self.schedule.scheduled_until()
        return None if end is None else self.step_at(end)


def retimed_clock(points: Sequence[Sequence[int]], t: Any) -> Any:
    """The clock of :class:`Retimed` with ``points``, at step ``t`` (an int or an int array): rounded half up
    between two points, but below the next point's clock step until that point's step. Where the clock runs
    slower than the steps (the epochs before took more steps than they take now), rounding up reached it a
    step early, and a period given in epochs changed a step before the epoch began (review 97: a step decay
    of ``every=Epochs(1)``, resumed at twice the batch size, dropped at step 10 where epoch 1 began at 11)."""
    steps, ticks = _axes(points)
    last, shift = steps[-1], ticks[-1] - steps[-1]
    # between two points: ticks[i] + (t - steps[i]) * dk / ds rounded half up, in integers (exact: the scalar and
    # the array path agree at a half, where float interpolation rounded either way: review 99)
    if isinstance(t, np.ndarray):
        if (
            t.size and 2 * int(np.max(t)) * max(ticks) >= 2**62
        ):  # past int64's exact range (review 100): in ints
            return np.array([retimed_clock(points, int(x)) for x in t.ravel()], dtype=np.int64).reshape(
                t.shape
            )
        s_, k_ = np.asarray(steps, dtype=np.int64), np.asarray(ticks, dtype=np.int64)
        below = np.minimum(t, last).astype(np.int64)
        i = np.minimum(np.searchsorted(s_, below, side="right") - 1, len(s_) - 2)
        ds, dk = s_[i + 1] - s_[i], k_[i + 1] - k_[i]
        within = k_[i] + (2 * (below - s_[i]) * dk + ds) // (2 * ds)
        return np.where(t >= last, t + shift, np.minimum(within, k_[i + 1] - 1))
    if t >= last:  # one for one after the last point, exact at any step
        return t + shift
    j = bisect.bisect_right(steps, t) - 1
    d_step, d_tick = steps[j + 1] - steps[j], ticks[j + 1] - ticks[j]
    return min(ticks[j] + (2 * (t - steps[j]) * d_tick + d_step) // (2 * d_step), ticks[j + 1] - 1)


def _axes(points: Sequence[Sequence[int]]) -> tuple[list[int], list[int]]:
    """The steps of ``points`` and their clock steps, each after (0, 0)."""
    return [0, *(a for a, _ in points)], [0, *(b for _, b in points)]
