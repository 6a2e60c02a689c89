"""Decay presets: time-based, step, multi-step, exponential, cosine and polynomial decay callbacks.

Each has an optional linear warm-up.

All of them share these rules: ``initial`` (None: the optimizer's LR per param group, or a
range test's suggestion), per-group ratios, durations as steps / :class:`Epochs` / :class:`Fraction`, and
``warmup``: a linear ramp from 0 to ``initial`` over that many steps, after which the decay starts. Positions
(``total``, ``milestones``) count from the start of training; periods (``every``) count from the end of
the warm-up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .. import _validate as V
from .. import schedules as S
from .._lightning_compat import warn_at_user
from ..schedules._base import quiet_growth
from ..schedules.compose import Retimed, retimed_clock
from ..schedules.decay import exponential_rate, staircase_arg
from . import _peers as peers
from . import _resolve
from ._args import LRSpec, LRValues, final_ratio_arg, lr_spec
from .base import OptimizerInfo, ScheduleCallback
from .durations import WHOLE_RUN, Duration, Epochs, RunInfo, check_duration, exact_steps, same_unit, size

__all__ = ["CosineDecay", "ExponentialDecay", "MultiStepDecay", "PolynomialDecay", "StepDecay", "TimeDecay"]


class _Decay(ScheduleCallback):
    """Shared by the decay presets: per-group initial LRs, warm-up, range-test filling of ``initial``."""

    range_test_args = ("initial",)
    reads_run = False

    def __init__(
        self,
        initial: LRSpec,
        warmup: int | Duration,
        *,
        optimizer: int | str,
        log_lr: bool,
        preview: bool,
    ) -> None:
        super().__init__(optimizer=optimizer, log_lr=log_lr, preview=preview)
        with V.context(self.name):
            self.initial = lr_spec("initial", initial)
            self.warmup = check_duration("warmup", warmup, minimum=0)

    def _decay_schedule(
        self, group: int, peak: float, info: OptimizerInfo, steps: Mapping[str, Any]
    ) -> S.Schedule:
        """The decay of param group ``group`` of ``info``'s optimizer, starting at ``peak``."""
        raise NotImplementedError

    def durations(self) -> dict[str, tuple[Any, int]]:
        return {"warmup": (self.warmup, 0)}

    def build(self, run: RunInfo, steps: Mapping[str, Any], info: OptimizerInfo) -> tuple[Any, Any]:
        peaks = self.starting_lrs("initial", info)
        self.check_left_alone(peaks, "initial", **self._per_group_args())
        warm = steps["warmup"]
        out: list[S.Schedule | None] = []
        for i, peak in enumerate(peaks):
            if peak is None:
                out.append(None)
                continue
            schedule = self._decay_schedule(i, peak, info, steps)
            out.append(S.warmup(schedule, warm) if warm > 0 else schedule)
        first = next((d for d in out if d is not None), None)
        if first is not None and self.duration_kinds().get("every") == _resolve.UNIT:
            self._warn_if_next_to_nothing(run, steps, first)
        return out, None

    def _warn_if_next_to_nothing(self, run: RunInfo, steps: Mapping[str, Any], schedule: S.Schedule) -> None:
        """Say once when a continuous decay (``every`` a unit of time) whose ``every`` is longer than the run
        lowers the LR by less than 1% over it: most often an ``every`` given in the wrong unit (r202: ``ExponentialDecay(
        gamma=0.9, every=Epochs(1000000))`` on an 8-step fit kept the LR at 0.1, unsaid, where a ``StepDecay``
        whose ``every`` lies past the run is named). A decay that is flat by its own setting was said when the
        callback was made."""
        n, warm, every = run.total_steps, steps["warmup"], steps["every"]
        if n is None or n - 1 <= warm:
            return
        start = schedule(warm)
        left = schedule(n - 1) / start
        if every > n and left > 0.99 and schedule(warm + every) / start < 1:
            self.warn_once(
                "decays-next-to-nothing",
                f"{self.name}: over this run ({V.counted(n, 'optimizer step')}) the LR falls by only "
                f"{100 * (1 - left):.2g}%: every={self.durations()['every'][0]!r} is {V.counted(every, 'optimizer step')}, "
                f"{every / n:.3g} times the run. If every was meant in another unit, give it so (an int is "
                f"optimizer steps; Epochs(n); Fraction(1.0) is the whole run)",
            )

    def range_test_values(self, result: Any) -> dict[str, float | None]:
        return {"initial": result.suggestion()}

    def _build_on_clock(
        self, run: RunInfo, points: list[tuple[int, int]], info: OptimizerInfo
    ) -> tuple[Any, Any]:
        """A warm-up given in steps (an int, a Fraction) on the run's steps, the decay after it on the clock of
        ``points`` from the warm-up's end (review 68: a warm-up of 10 steps read through the clock of a resume
        at twice the size went from 0.075, where the uninterrupted run had 0.06); one given in Epochs on the
        clock with the decay (review 69: it stepped back down at the resume)."""
        warm = self.steps["warmup"]
        if warm == 0 or isinstance(self.warmup, Epochs):  # (a warm-up in Epochs keeps to the epochs too)
            return super()._build_on_clock(run, points, info)
        start = int(retimed_clock(points, warm))
        # (a point the rounded clock puts at the warm-up's own clock step adds nothing)
        shifted = [(t - warm, c - start) for t, c in points if t > warm and c > start]
        decays, _ = self.build(run, {**self._on_clock(run, points), "warmup": 0}, info)
        return [
            None if d is None else S.warmup(Retimed(d, shifted) if shifted else d, warm) for d in decays
        ], None

    def _per_group_args(self) -> dict[str, LRSpec]:
        """The per-group arguments besides ``initial`` (a list's value for a group left alone is refused)."""
        return {}


def _staircase(staircase: Any, every: Any) -> bool:
    """``staircase``, refused with ``every=1`` steps (:func:`~lightning_lr.schedules.decay.staircase_arg`); an
    ``every`` in epochs or a fraction of the run that comes to one step stays a staircase of one step."""
    return staircase_arg(staircase, every if isinstance(every, int) else 0)


class TimeDecay(_Decay):
    """Time-based ("1/t") decay: ``initial / (1 + decay * t / every)``, ``t`` counted from the end of the
    warm-up (Keras' ``InverseTimeDecay``; the seeds' ``lr0 / (1 + k t)``).

    Args:
        decay: the decay rate ``k`` per ``every``, >= 0.
        initial: the initial LR. None: the optimizer's LR per param group (or a range test's suggestion). One
            number is the LR of the group with the largest LR, the others keep their ratio; a list gives
            one per group (None leaves a group alone).
        every: the time unit of ``decay``: an int (optimizer steps), :class:`Epochs` or :class:`Fraction`.
            ``every=Epochs(1)`` decays per epoch.
        staircase: decay in whole units of ``every`` instead of continuously.
        warmup: a linear warm-up from 0 to ``initial`` before the decay (0: none).
        optimizer: which optimizers to schedule: ``"all"``, an index or a class name.
        log_lr: log the LR and momentum of every param group at the optimizer steps Lightning logs
            (``log_every_n_steps``).
        preview: add a figure of the planned curve to TensorBoard at train start.

    Example:
        >>> from lightning_lr.callbacks import Epochs, TimeDecay
        >>> TimeDecay(decay=0.5, every=Epochs(1))
        TimeDecay(decay=0.5, every=Epochs(1))
    """

    periods = ("every",)

    @V.known_as(peers.TIME)
    def __init__(
        self,
        decay: float,
        initial: LRSpec = None,
        every: int | Duration = 1,
        staircase: bool = False,
        warmup: int | Duration = 0,
        *,
        optimizer: int | str = "all",
        log_lr: bool = True,
        preview: bool = True,
    ) -> None:
        super().__init__(initial, warmup, optimizer=optimizer, log_lr=log_lr, preview=preview)
        with V.context(self.name):
            self.every = check_duration("every", every)
            self.staircase = _staircase(staircase, self.every)
            V.non_negative("decay", decay)  # the rule of schedules.TimeDecay
        self.decay = decay
        if decay == 0:  # the schedule allows a constant; a decay callback that keeps it is a slip (r195)
            _flat(self.name, "decay=0", "decay > 0")

    def durations(self) -> dict[str, tuple[Any, int]]:
        return {**super().durations(), "every": (self.every, 1)}

    def duration_kinds(self) -> dict[str, str]:
        return {**super().duration_kinds(), "every": _resolve.EVENT if self.staircase else _resolve.UNIT}

    def _decay_schedule(
        self, group: int, peak: float, info: OptimizerInfo, steps: Mapping[str, Any]
    ) -> S.Schedule:
        return S.TimeDecay(
            peak, self.decay, every=steps["every"], staircase=self.staircase and steps["every"] > 1
        )


class StepDecay(_Decay):
    """Step decay: the LR is multiplied by ``drop`` every ``every`` (counted from the end of the warm-up).

    Args:
        every: the period: an int (optimizer steps), :class:`Epochs` or :class:`Fraction`.
        drop: the factor applied every period, > 0.
        initial: the initial LR; None, one number or a list per param group, as in :class:`TimeDecay`.
        warmup: a linear warm-up from 0 to ``initial`` before the decay (0: none).
        optimizer: which optimizers to schedule: ``"all"``, an index or a class name.
        log_lr: log the LR and momentum of every param group at the optimizer steps Lightning logs
            (``log_every_n_steps``).
        preview: add a figure of the planned curve to TensorBoard at train start.

    Example:
        >>> from lightning_lr.callbacks import Epochs, StepDecay
        >>> StepDecay(every=Epochs(10), drop=0.5, initial=0.1)
        StepDecay(every=Epochs(10), initial=0.1)
    """

    periods = ("every",)

    @V.known_as(peers.STEP)
    def __init__(
        self,
        every: int | Duration,
        drop: float = 0.5,
        initial: LRSpec = None,
        warmup: int | Duration = 0,
        *,
        optimizer: int | str = "all",
        log_lr: bool = True,
        preview: bool = True,
    ) -> None:
        super().__init__(initial, warmup, optimizer=optimizer, log_lr=log_lr, preview=preview)
        with V.context(self.name):
            self.every = check_duration("every", every)
            V.positive("drop", drop)  # the rule of schedules.StepDecay
        self.drop = drop
        if drop > 1:  # said here once: the schedule of each param group, built at every fit, keeps quiet
            _grows(self.name, f"drop={drop:g} > 1", f"{drop:g}x every {_period(self.every)}", "drop < 1")
        elif drop == 1:
            _flat(self.name, "drop=1", "drop < 1")

    def durations(self) -> dict[str, tuple[Any, int]]:
        return {**super().durations(), "every": (self.every, 1)}

    def _decay_schedule(
        self, group: int, peak: float, info: OptimizerInfo, steps: Mapping[str, Any]
    ) -> S.Schedule:
        with quiet_growth():  # said when the callback was made (review 101: once per group, every build)
            return S.StepDecay(peak, every=steps["every"], drop=self.drop)


def _period(every: Any) -> str:
    if isinstance(every, int):
        return "step" if every == 1 else f"{every} steps"
    return repr(every)


def _grows(name: str, setting: str, growth: str, decay: str) -> None:
    """Say once, when the callback is made, that its decay grows (a :class:`~lightning_lr.schedules.GrowthWarning`:
    it still does what it says)."""
    warn_at_user(
        f"{name}: {setting} makes the LR grow {growth}; a decay needs {decay}", category=S.GrowthWarning
    )


def _flat(name: str, setting: str, decay: str) -> None:
    """Say once, when the callback is made, that its decay keeps the LR where it starts (r195: ``StepDecay(drop=1)``
    and ``TimeDecay(decay=0)`` were taken without a word, while ``drop=1.5`` was said to grow)."""
    warn_at_user(
        f"{name}: {setting} keeps the LR constant at its initial value (after any warm-up); a decay needs {decay} "
        f"(for a constant LR, leave the callback out)",
        category=UserWarning,
    )


def _check_order(milestones: Sequence[Any]) -> None:
    """Milestones of one kind (steps, Epochs or Fraction) must be non-decreasing; the order of mixed kinds
    is known only once they are resolved at fit start, where they are taken in the run's order."""
    last: dict[type, tuple[int, Any]] = {}
    for i, m in enumerate(milestones):
        key = size(m)
        if type(m) in last and key < last[type(m)][1]:
            j, _ = last[type(m)]
            V.fail(
                "milestones",
                f"non-decreasing (milestones[{i}]={m!r} comes after milestones[{j}]={milestones[j]!r})",
                list(milestones),
            )
        last[type(m)] = (i, key)


class MultiStepDecay(_Decay):
    """Multi-step decay: the LR is multiplied by ``gamma`` at each milestone.

    Args:
        milestones: positions in the run (counted from the start of training, warm-up included), each an
            int (optimizer steps), :class:`Epochs` or :class:`Fraction`; those of one kind non-decreasing (a
            repeat compounds, as in torch). Milestones of mixed kinds are taken in the order they fall in the
            run, which may depend on its length (``[Epochs(30), Fraction(0.9)]``: 30 epochs come first in a
            run of more than 33). A milestone inside the warm-up takes effect when it ends (with
            a warning).
        gamma: the factor applied at each milestone, > 0.
        initial: the initial LR; None, one number or a list per param group, as in :class:`TimeDecay`.
        warmup: a linear warm-up from 0 to ``initial`` before the decay (0: none).
        optimizer: which optimizers to schedule: ``"all"``, an index or a class name.
        log_lr: log the LR and momentum of every param group at the optimizer steps Lightning logs
            (``log_every_n_steps``).
        preview: add a figure of the planned curve to TensorBoard at train start.

    Example:
        >>> from lightning_lr.callbacks import Epochs, Fraction, MultiStepDecay
        >>> MultiStepDecay(milestones=[Epochs(30), Fraction(0.9)], gamma=0.1)
        MultiStepDecay(milestones=[Epochs(30), Fraction(0.9)])
    """

    schedule_end = "milestones"

    @V.known_as(peers.MULTISTEP)
    def __init__(
        self,
        milestones: Sequence[int | Duration],
        gamma: float = 0.1,
        initial: LRSpec = None,
        warmup: int | Duration = 0,
        *,
        optimizer: int | str = "all",
        log_lr: bool = True,
        preview: bool = True,
    ) -> None:
        super().__init__(initial, warmup, optimizer=optimizer, log_lr=log_lr, preview=preview)
        with V.context(self.name):
            # a 1-d array or tensor as its list, as the schedule's milestones take one (review 122)
            milestones = V.listed(
                "milestones", milestones, "a list of durations (int steps, Epochs or Fraction)"
            )
            if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Sequence):
                V.fail(
                    "milestones", "a list of durations (int steps, Epochs or Fraction)", milestones, TypeError
                )
            if not milestones:
                V.fail(
                    "milestones", "a non-empty list of durations (int steps, Epochs or Fraction)", milestones
                )
            self.milestones = [
                check_duration(f"milestones[{i}]", m, minimum=0) for i, m in enumerate(milestones)
            ]
            _check_order(self.milestones)
            V.positive("gamma", gamma)  # the rule of schedules.MultiStepDecay
        self.gamma = gamma
        if gamma > 1:  # said here once, as StepDecay's drop > 1
            _grows(self.name, f"gamma={gamma:g} > 1", f"{gamma:g}x at each milestone", "gamma < 1")
        elif gamma == 1:
            _flat(self.name, "gamma=1", "gamma < 1")

    def durations(self) -> dict[str, tuple[Any, int]]:
        return {**super().durations(), "milestones": (self.milestones, 0)}

    def _decay_schedule(
        self, group: int, peak: float, info: OptimizerInfo, steps: Mapping[str, Any]
    ) -> S.Schedule:
        warm = steps["warmup"]
        ms = steps["milestones"]
        inside = [f"milestones[{i}]={self.milestones[i]!r} (step {m})" for i, m in enumerate(ms) if m < warm]
        if inside:
            self.warn_once(
                "milestone-in-warmup",
                f"{self.name}: {', '.join(inside)} falls inside the warm-up ({V.counted(warm, 'step')}); it takes effect "
                f"when the warm-up ends (milestones count from the start of training)",
            )
        with quiet_growth():  # said when the callback was made
            # in the run's order: milestones of mixed kinds resolve in an order that depends on the run's length
            # (review 134: [Epochs(30), Fraction(0.9)] in a run of 33 epochs), and a decay by the same gamma at
            # each is the same whatever order they were given in
            return S.MultiStepDecay(peak, milestones=sorted(max(0, m - warm) for m in ms), gamma=self.gamma)


class ExponentialDecay(_Decay):
    """Exponential decay by ``gamma`` per ``every`` (``initial * gamma ** (t / every)``) or at ``rate``
    (``initial * exp(-rate * t / every)``), ``t`` counted from the end of the warm-up. Give exactly one of
    ``gamma`` and ``rate``.

    Args:
        gamma: the factor per ``every``, > 0.
        rate: the continuous decay rate per ``every`` (the seeds' ``lr0 * exp(-k t)``).
        initial: the initial LR; None, one number or a list per param group, as in :class:`TimeDecay`.
        every: the time unit: an int (optimizer steps), :class:`Epochs` or :class:`Fraction`.
        staircase: decay in whole units of ``every``.
        warmup: a linear warm-up from 0 to ``initial`` before the decay (0: none).
        optimizer: which optimizers to schedule: ``"all"``, an index or a class name.
        log_lr: log the LR and momentum of every param group at the optimizer steps Lightning logs
            (``log_every_n_steps``).
        preview: add a figure of the planned curve to TensorBoard at train start.

    Example:
        >>> from lightning_lr.callbacks import Epochs, ExponentialDecay
        >>> ExponentialDecay(gamma=0.9, every=Epochs(1))
        ExponentialDecay(gamma=0.9, every=Epochs(1))
    """

    periods = ("every",)

    @V.known_as(peers.EXPONENTIAL)
    def __init__(
        self,
        gamma: float | None = None,
        rate: float | None = None,
        initial: LRSpec = None,
        every: int | Duration = 1,
        staircase: bool = False,
        warmup: int | Duration = 0,
        *,
        optimizer: int | str = "all",
        log_lr: bool = True,
        preview: bool = True,
    ) -> None:
        super().__init__(initial, warmup, optimizer=optimizer, log_lr=log_lr, preview=preview)
        with V.context(self.name):
            self.every = check_duration("every", every)
            self.staircase = _staircase(staircase, self.every)
            exponential_rate(gamma, rate)  # the schedule's own rule
        self.gamma = gamma
        self.rate = rate
        # the schedule grows on purpose (an LR range test's sweep); a decay callback that grows is a slip (review
        # 108: gamma=1.5 ended a 16-step fit at LR 65.7, from 0.1, without a word)
        if gamma is not None and gamma > 1:
            _grows(self.name, f"gamma={gamma:g} > 1", f"{gamma:g}x every {_period(every)}", "gamma < 1")
        elif rate is not None and rate < 0:
            _grows(
                self.name, f"rate={rate:g} < 0", f"{math.exp(-rate):.3g}x every {_period(every)}", "rate > 0"
            )
        elif gamma == 1 or rate == 0:
            _flat(self.name, "gamma=1" if gamma == 1 else "rate=0", "gamma < 1" if gamma == 1 else "rate > 0")

    def durations(self) -> dict[str, tuple[Any, int]]:
        return {**super().durations(), "every": (self.every, 1)}

    def duration_kinds(self) -> dict[str, str]:
        return {**super().duration_kinds(), "every": _resolve.EVENT if self.staircase else _resolve.UNIT}

    def _decay_schedule(
        self, group: int, peak: float, info: OptimizerInfo, steps: Mapping[str, Any]
    ) -> S.Schedule:
        return S.ExponentialDecay(
            peak,
            gamma=self.gamma,
            rate=self.rate,
            every=steps["every"],
            staircase=self.staircase and steps["every"] > 1,
        )


class _ToFinal(_Decay):
    """Shared by the decays that reach ``final`` at ``total`` (cosine, polynomial): the end, the warm-up
    inside it, ``final`` per group. A subclass gives :meth:`_shape`."""

    schedule_end = "total"
    reads_run = False

    def __init__(
        self,
        total: int | Duration,
        final: LRValues,
        initial: LRSpec,
        warmup: int | Duration,
        *,
        final_ratio: float | None,
        optimizer: int | str,
        log_lr: bool,
        preview: bool,
    ) -> None:
        super().__init__(initial, warmup, optimizer=optimizer, log_lr=log_lr, preview=preview)
        with V.context(self.name):
            self.total = check_duration("total", total)
            # in one unit (steps, Epochs, Fraction) their order is that of every run: refused now (review 122:
            # Fraction(0.5) and Fraction(0.4) trained the warm-up, then 3 steps at LR 0); in two, at fit start
            sizes = same_unit(self.warmup, self.total)
            if sizes is not None and sizes[0] >= sizes[1]:
                length = V.counted(self.total, "step") if isinstance(self.total, int) else repr(self.total)
                V.fail(
                    "warmup",
                    f"< total ({length}: the warm-up is part of the decay, which would have no step left; give a "
                    f"shorter warm-up or a longer total)",
                    warmup,
                )
            self.final = lr_spec("final", final, allow_zero=True)  # >= 0, the rule of the schedules
            if self.final is None or (isinstance(self.final, list) and None in self.final):
                V.fail(
                    "final", "a number >= 0 or a list with one number >= 0 per param group", final, TypeError
                )
            self.final_ratio = final_ratio_arg(final_ratio, self.final)

    def durations(self) -> dict[str, tuple[Any, int]]:
        return {**super().durations(), "total": (self.total, 1)}

    def _per_group_args(self) -> dict[str, LRSpec]:
        return {"final": self.final}

    def build(self, run: RunInfo, steps: Mapping[str, Any], info: OptimizerInfo) -> tuple[Any, Any]:
        warm, total = steps["warmup"], steps["total"]
        if warm >= total:
            if exact_steps(self.warmup, run) >= exact_steps(self.total, run):
                # a warm-up into total leaves the decay no step: refused as WarmupStableDecay refuses one into its
                # cooldown (the error names the optimizer and shows an Epochs or Fraction beside its steps);
                # review 122: warned, then the LR rose the whole run and never decayed
                longer = (
                    "a longer run (total is the whole run)" if self.total == WHOLE_RUN else "a longer total"
                )
                raise ValueError(
                    f"warmup must be < total = {V.counted(total, 'step')} in this run (the warm-up is part of the decay, "
                    f"which would have no step left), got {warm}; give a shorter warmup (e.g. "
                    f"warmup=Fraction(0.05), the first 5% of the run) or {longer}"
                )
            # shorter than total, but rounded to its steps (Fraction(0.45) and Fraction(0.5) of 10 steps: 5 and
            # 5): the warm-up gives the rounding's step back, as WarmupStableDecay's does
            steps = {**steps, "warmup": total - 1}
        return super().build(run, steps, info)

    def _decay_schedule(
        self, group: int, peak: float, info: OptimizerInfo, steps: Mapping[str, Any]
    ) -> S.Schedule:
        if self.final_ratio is not None:
            final = peak * self.final_ratio
        else:
            final = self.per_group("final", self.final, info, default=[0.0] * len(info.base_lrs))[group]
        if final > peak:
            self._final_above(group, final, peak, info)
        return self._shape(peak, max(1, steps["total"] - steps["warmup"]), final)

    def _final_above(self, group: int, final: float, peak: float, info: OptimizerInfo) -> None:
        """``final`` above the LR that param group ``group`` starts from: an error, unless the shape
        takes it (the cosine rises along it, with a warning)."""
        raise ValueError(
            f"final={final:g} is above initial, the LR it starts from ({peak:g}), for param group {group}; give a "
            f"final at most the start LR (or a list with one per group)"
        )

    def _shape(self, peak: float, length: int, final: float) -> S.Schedule:
        """The decay from ``peak`` to ``final`` over ``length`` steps, after the warm-up."""
        raise NotImplementedError


class CosineDecay(_ToFinal):
    """Cosine annealing from ``initial`` to ``final``, ending at ``total`` (by default the end of the run).

    Args:
        total: where the decay ends, counted from the start of training (the warm-up is part of it): an
            int (optimizer steps), :class:`Epochs` or :class:`Fraction`. Default: the whole run. After it,
            ``final`` holds.
        final: the LR at ``total`` and after, >= 0 (torch's ``eta_min``: a run of ``total`` steps ends one step
            short of it); one number (scaled by each group's ratio) or a list per group.
        initial: the initial LR; None, one number or a list per param group, as in :class:`TimeDecay`.
        warmup: a linear warm-up from 0 to ``initial`` before the decay (0: none), shorter than ``total``:
            one that is not is an error when the callback is made if both are in one unit (steps, Epochs or
            Fraction), else at fit start, in the run's steps.
        final_ratio: ``final`` as a ratio of each group's start LR instead, in [0, 1]
            (``final_ratio=0.01`` ends at 1% of the LR a range test suggests, as transformers'
            ``min_lr_rate``); give one of ``final`` and ``final_ratio``.
        optimizer: which optimizers to schedule: ``"all"``, an index or a class name.
        log_lr: log the LR and momentum of every param group at the optimizer steps Lightning logs
            (``log_every_n_steps``).
        preview: add a figure of the planned curve to TensorBoard at train start.

    Example:
        >>> from lightning_lr.callbacks import CosineDecay, Fraction
        >>> CosineDecay(warmup=Fraction(0.05), final=1e-5)
        CosineDecay(final=1e-05, warmup=Fraction(0.05))
    """

    torch_one_number = {"final": "torch's CosineAnnealingLR gives every group its eta_min"}

    @V.known_as(peers.COSINE)
    def __init__(
        self,
        total: int | Duration = WHOLE_RUN,
        final: LRValues = 0.0,
        initial: LRSpec = None,
        warmup: int | Duration = 0,
        *,
        final_ratio: float | None = None,
        optimizer: int | str = "all",
        log_lr: bool = True,
        preview: bool = True,
    ) -> None:
        super().__init__(
            total,
            final,
            initial,
            warmup,
            final_ratio=final_ratio,
            optimizer=optimizer,
            log_lr=log_lr,
            preview=preview,
        )

    def _final_above(self, group: int, final: float, peak: float, info: OptimizerInfo) -> None:
        said = (
            f"{self.name}: final={final:g} is above initial, the LR it starts from ({peak:g}), for param group "
            f"{group} of {info.label}, so the LR rises along the cosine instead of decaying; give a final below "
            f"the start LR"
        )
        self.warn_once(f"final-above-{info.index}-{group}", f"{said}{self._sources_note(said)}")

    def _shape(self, peak: float, length: int, final: float) -> S.Schedule:
        return S.CosineDecay(peak, total=length, final=final)


class PolynomialDecay(_ToFinal):
    """Polynomial decay from ``initial`` to ``final``, ending at ``total`` (by default the end of the run):
    ``(initial - final) * (1 - t / length) ** power + final`` over the steps after the warm-up. ``power=1``
    (the default) is a straight line: with a warm-up, transformers' ``get_linear_schedule_with_warmup``
    (``PolynomialDecay(warmup=Fraction(0.06))``), and its ``get_polynomial_decay_schedule_with_warmup``
    with ``final`` and ``power``.

    Args:
        power: the exponent, > 0 (1: linear; 2: quadratic, faster at first).
        total: where the decay ends, counted from the start of training (the warm-up is part of it): an
            int (optimizer steps), :class:`Epochs` or :class:`Fraction`. Default: the whole run. After it,
            ``final`` holds.
        final: the LR at ``total`` and after, >= 0 and at most the start LR (a run of ``total`` steps ends one
            step short of it, as in :class:`CosineDecay`); one number (scaled by each group's ratio) or a list
            per group.
        initial: the initial LR; None, one number or a list per param group, as in :class:`TimeDecay`.
        warmup: a linear warm-up from 0 to ``initial`` before the decay (0: none), shorter than ``total``,
            as in :class:`CosineDecay`.
        final_ratio: ``final`` as a ratio of each group's start LR instead, in [0, 1], as in
            :class:`CosineDecay`.
        optimizer: which optimizers to schedule: ``"all"``, an index or a class name.
        log_lr: log the LR and momentum of every param group at the optimizer steps Lightning logs
            (``log_every_n_steps``).
        preview: add a figure of the planned curve to TensorBoard at train start.

    Example:
        >>> from lightning_lr.callbacks import Fraction, PolynomialDecay
        >>> PolynomialDecay(warmup=Fraction(0.06))
        PolynomialDecay(warmup=Fraction(0.06))
        >>> PolynomialDecay(power=2.0, final=1e-5)
        PolynomialDecay(power=2, final=1e-05)
    """

    @V.known_as(peers.POLYNOMIAL)
    def __init__(
        self,
        power: float = 1.0,
        total: int | Duration = WHOLE_RUN,
        final: LRValues = 0.0,
        initial: LRSpec = None,
        warmup: int | Duration = 0,
        *,
        final_ratio: float | None = None,
        optimizer: int | str = "all",
        log_lr: bool = True,
        preview: bool = True,
    ) -> None:
        super().__init__(
            total,
            final,
            initial,
            warmup,
            final_ratio=final_ratio,
            optimizer=optimizer,
            log_lr=log_lr,
            preview=preview,
        )
        with V.context(self.name):
            self.power = V.positive("power", power)

    def _shape(self, peak: float, length: int, final: float) -> S.Schedule:
        return S.PolynomialDecay(peak, total=length, power=self.power, final=final)
