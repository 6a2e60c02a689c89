"""ScheduleLR: the one torch scheduler that applies pure schedules to an optimizer's param groups."""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from .._validate import boolean, counted, number, state_mapping, user_stacklevel
from ..schedules import Schedule
from ..schedules._base import check_step, subclasses
from ..schedules._math import ARRAY, SCALAR
from . import _scale
from ._restored import (
    Restored,
    cycled_momentum,
    cycled_state,
    forget_cycle,
    forget_left,
    give_back,
    give_back_held,
    left_by_constructors,
    restored_state,
    taken_on,
)
from ._untraced import EAGER, frame_callback, step_eagerly, untraced
from .param_groups import (
    SAFE_LR,
    momentum_key,
    raw_momentum,
    require_lr,
    unusable_lr,
    write_momentum,
    zero_momentum,
    zero_momentum_name,
)

__all__ = ["MAX_STEP", "ScheduleLR", "check_resume", "momentum_key"]

ScheduleSpec = Schedule | Sequence[Schedule | None] | None


def check_optimizer(optimizer: Any, owner: str = "") -> list[dict[str, Any]]:
    """The optimizer's param groups: a TypeError if ``optimizer`` is not a torch optimizer, a KeyError if a group
    has no ``'lr'`` (:func:`~.param_groups.require_lr`; ``owner``, the scheduler's name, starts it)."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    require_lr(optimizer, owner)
    return optimizer.param_groups


#: the steps a scheduler counts are below this: the schedules count them in 64-bit integers (a ``last_epoch`` of
#: 2**63, in a constructor or a loaded state, failed with a bare OverflowError, r153)
MAX_STEP = 2**62


def _at_least(name: str, value: Any, minimum: int) -> int:
    # numpy integers too: torch's step(e) over np.arange writes np.int64 into its state; a 0-d tensor as its number,
    # as everywhere else (review 146: last_epoch=torch.tensor(-1), which torch takes, "must be an integer >= -1")
    allowed = f"an integer >= {minimum} and below 2**62"
    read = number(name, value, allowed)
    if not isinstance(read, (int, np.integer)) or isinstance(read, bool) or not minimum <= read < MAX_STEP:
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return int(read)


def check_last_epoch(last_epoch: Any) -> int:
    """``last_epoch`` as torch uses it: -1 for a fresh start, else the step already taken."""
    return _at_least("last_epoch", last_epoch, -1)


def check_resume(groups: Sequence[Mapping[str, Any]], last_epoch: Any) -> int:
    """``last_epoch`` checked (:func:`check_last_epoch`), and, for a resume (``last_epoch >= 0``), that every param
    group holds ``initial_lr``, which a scheduler resumed by ``last_epoch`` starts from: a KeyError, as torch's
    (code that catches torch's error catches ours), naming the group and what to do, where torch's constructor
    raises a multi-line one from inside ``lr_scheduler.py``. Every scheduler of the package checks here, before
    it writes anything to the groups."""
    last_epoch = check_last_epoch(last_epoch)
    if last_epoch != -1:
        for i, g in enumerate(groups):
            if "initial_lr" not in g:
                raise KeyError(
                    f"param group {i} has no 'initial_lr', which resuming with last_epoch={last_epoch} needs: load "
                    f"the optimizer's state_dict first, or create the scheduler with last_epoch=-1 and load the "
                    f"scheduler's state_dict"
                )
    return last_epoch


def check_position(state_dict: Mapping[str, Any], lowest: int = -1) -> tuple[int, int]:
    """A state_dict's ``last_epoch`` and ``_step_count``, checked as the constructor checks ``last_epoch``
    (an integer >= -1; ``_step_count`` an integer >= 0), before a scheduler takes anything of it: a
    refused state leaves the scheduler as it was.

    ``lowest``: the lowest ``last_epoch`` allowed, if below -1: the loading scheduler's own, when a composition
    moved it there. torch's ``SequentialLR`` moves a phase's back by one for every ``SequentialLR`` it lies in,
    so the second phase of one nested in another holds -2 until it starts, in the run and in its rebuild for a
    resume (review 167: a resume at that point refused the scheduler's own state)."""
    state_mapping(state_dict)
    missing = {"last_epoch", "_step_count"} - set(state_dict)
    if missing:
        raise KeyError(f"state_dict is missing {sorted(missing)}; keys present: {sorted(state_dict)}")
    return (
        _at_least("state_dict['last_epoch']", state_dict["last_epoch"], min(lowest, -1)),
        _at_least("state_dict['_step_count']", state_dict["_step_count"], 0),
    )


def _per_group(name: str, spec: ScheduleSpec, n_groups: int) -> list[Schedule | None]:
    if spec is None:
        return [None] * n_groups
    if isinstance(spec, Schedule):
        return [spec] * n_groups
    if isinstance(spec, (str, bytes)) or not isinstance(spec, Sequence):
        raise TypeError(f"{name} must be a Schedule or a list of one Schedule per param group, got {spec!r}")
    if len(spec) != n_groups:
        raise ValueError(
            f"{name} has {counted(len(spec), 'schedule')} but the optimizer has "
            f"{counted(n_groups, 'param group')}; give one per "
            f"group or a single Schedule for all"
        )
    for i, s in enumerate(spec):
        if s is not None and not isinstance(s, Schedule):
            raise TypeError(f"{name}[{i}] must be a Schedule (or None to leave the group alone), got {s!r}")
    return list(spec)


def _raises(schedule: Schedule, t: int) -> bool:
    """Whether ``schedule`` raises at step ``t`` (for an error's message)."""
    try:
        schedule(t)
    except (TypeError, ValueError):
        return True
    return False


BLOCK = 1024
#: ``_block_start`` before the first fill: no step ``t >= 0`` falls into the block it describes.
_NO_BLOCK = -2 * BLOCK


#: what to change, said of a :class:`ScheduleLR` that refuses an LR (:func:`lr_refused`)
KEEP_IN_RANGE = (
    "give values that keep the LR within range (a smaller peak or initial LR, a factor that grows it less)"
)


def lr_refused(owner: str, step: int, group: int, label: str, value: float, what: str, advice: str) -> str:
    """The message of an LR a scheduler refuses to write (:func:`~.param_groups.unusable_lr` says ``what`` is
    wrong with it): ``owner`` is what made the schedule (a ScheduleLR with its schedule, a schedule callback with
    its arguments), ``label`` the optimizer, ``advice`` what to change. The one shape of the callbacks' and
    ScheduleLR's refusals."""
    return (
        f"{owner}: at optimizer step {step} its schedule gives param group {group} of {label} the LR {value:g}, "
        f"{what}. {advice}"
    )


def shared_runs(values: np.ndarray) -> list[float]:
    """``values.tolist()``, with each run of equal values one float object: a step whose value is the very
    object written the step before has nothing to write (the drop-ins' ``_advance``), which a step, multi-step
    or constant schedule is on most steps. Rows that change at every step are listed as they are."""
    changes = np.flatnonzero(values[1:] != values[:-1]) + 1
    if len(values) == 0 or 2 * len(changes) > len(values):
        return values.tolist()
    out: list[float] = []
    start = 0
    for end in [*changes.tolist(), len(values)]:
        out += [float(values[start])] * (end - start)
        start = end
    return out


def _safe_until(jobs: Sequence[tuple[int, Any]]) -> int:
    """The first position of a block at which an LR of ``jobs`` leaves [-SAFE_LR, SAFE_LR] (or is nan), from
    which on each step's values are checked against their groups' types (:meth:`ScheduleLR._check_lrs`); 0 when
    a row is computed per step (a user's function), BLOCK when none does."""
    first = BLOCK
    for _, row in jobs:
        if not isinstance(row, list):
            return 0
        out = ~(np.abs(np.asarray(row, dtype=np.float64)) <= SAFE_LR)
        if out.any():
            first = min(first, int(np.argmax(out)))
    return first


def _warn(message: str, category: type[Warning] = UserWarning) -> None:
    """``warnings.warn`` at the user's line (the first frame outside lightning_lr, as the drop-ins' warnings:
    the ``load_state_dict`` or ``step`` that made it, however deep the linked schedulers' loading goes), said
    by one process: under ``torch.distributed`` every rank restores and steps the same schedule, so only rank
    0 speaks."""
    dist = torch.distributed
    if dist.is_available() and dist.is_initialized() and dist.get_rank() != 0:
        return
    warnings.warn(message, category, stacklevel=user_stacklevel())


class _Plan:
    """Which distinct schedule drives each group, and how to evaluate a block of their values.

    Every distinct schedule is evaluated once per step, not once per group. Vectorizable schedules are
    evaluated a block of ``BLOCK`` steps at a time with numpy (``Schedule._eval`` on an array), so a step
    costs a list lookup. Blocks are aligned to multiples of ``BLOCK``: the value at step ``t`` is computed
    in the same position of the same block whatever step a run starts or resumes at, so a resumed run
    applies bitwise the same values as an uninterrupted one.
    """

    def __init__(self, schedules: list[Schedule | None]) -> None:
        self.unique: list[Schedule] = []
        self.index: list[int] = []
        for s in schedules:
            if s is None:
                self.index.append(-1)
                continue
            for j, u in enumerate(self.unique):
                if u is s or u == s:
                    self.index.append(j)
                    break
            else:
                self.unique.append(s)
                self.index.append(len(self.unique) - 1)

    def block(self, start: int) -> list[np.ndarray | _Lazy]:
        """One row per distinct schedule for steps ``start .. start + BLOCK - 1``: a float64 array for
        vectorized schedules, a lazy per-step row for the others (user functions are called only for the
        steps actually taken: they may be undefined, or costly, beyond them)."""
        steps = np.arange(start, start + BLOCK, dtype=np.int64)
        rows: list[np.ndarray | _Lazy] = []
        for s in self.unique:
            if s.vectorized:
                rows.append(np.broadcast_to(np.asarray(s._eval(steps, ARRAY), dtype=np.float64), (BLOCK,)))
            else:
                rows.append(_Lazy(s, start))
        return rows


class _Lazy:
    """Row stand-in for schedules that are not vectorized (user functions): evaluated per step only, and
    once per step however many groups read it."""

    __slots__ = ("_k", "_v", "schedule", "start")

    def __init__(self, schedule: Schedule, start: int) -> None:
        self.schedule, self.start = schedule, start
        self._k, self._v = -1, 0.0

    def __getitem__(self, k: int) -> float:
        if k != self._k:
            self._v = float(self.schedule._eval(self.start + k, SCALAR))
            self._k = k
        return self._v


class _Scaled:
    """A lazy row times a group's factor (relative mode)."""

    __slots__ = ("factor", "row")

    def __init__(self, row: _Lazy, factor: float) -> None:
        self.row, self.factor = row, factor

    def __getitem__(self, k: int) -> float:
        return self.row[k] * self.factor


def _set_momentum(group: dict[str, Any], key: str, value: float) -> None:
    """Set a group's ``momentum``, or with ``key="betas"`` its beta1 (:func:`~.param_groups.write_momentum`; a
    tensor is the user's until its first write puts one of the project's own in the group). (:meth:`ScheduleLR._apply`
    inlines the float case for speed.)"""
    write_momentum(group, key, value)


def _bad_momentum(scheduler: Any, group: int, key: str, t: int, value: float) -> None:
    what = "momentum" if key == "momentum" else "beta1 (betas[0])"
    raise ValueError(
        f"{type(scheduler).__name__}: the momentum schedule of param group {group} of "
        f"{type(scheduler.optimizer).__name__} gives {what} = {value:g} at step {t}; a momentum must be in "
        f"[0, 1) (torch's Adam refuses betas[0] >= 1, and a momentum of 1 or more lets SGD's velocity grow "
        f"without bound)"
    )


class _CheckedMomentum:
    """A lazy momentum row whose every value is checked to lie in [0, 1) as it is read."""

    __slots__ = ("group", "key", "row", "scheduler")

    def __init__(self, row: _Lazy, scheduler: Any, group: int, key: str) -> None:
        self.row, self.scheduler, self.group, self.key = row, scheduler, group, key

    def __getitem__(self, k: int) -> float:
        v = self.row[k]
        if not 0.0 <= v < 1.0:
            _bad_momentum(self.scheduler, self.group, self.key, self.row.start + k, v)
        return v


Row = list[float] | _Lazy | _Scaled | _scale.ScaledBy | _CheckedMomentum


class _Linked:
    """Schedulers restored together from one list of states (:meth:`ScheduleLR.link`): each by its key, the
    states the list holds by key (``saved``, when it was given to :meth:`ScheduleLR.link`; None once they are
    loaded), and whether the one warning about states written without a key was given."""

    __slots__ = ("loaded", "members", "saved", "warned")

    def __init__(self, members: dict[str, ScheduleLR], saved: dict[str, Mapping[str, Any]] | None) -> None:
        self.members = members
        self.saved = saved
        self.loaded: list[Mapping[str, Any]] = []  # the saved states, once restored (given again: not loaded)
        self.warned = False

    def warn_once(self, message: str) -> None:
        if not self.warned:
            self.warned = True
            _warn(message, UserWarning)

    def restore(self) -> None:
        """Load every member's own saved state (a member the list has none for applies its own values over
        the LRs the optimizer brought back), once; the states of keys no member has are not loaded. A
        member's state that is refused (:func:`check_position`) is refused before any is loaded."""
        saved = self.saved
        if saved is None:
            return
        for key in self.members:
            if key in saved:
                check_position(saved[key])
        self.saved = None
        self.loaded = list(saved.values())
        for key, scheduler in self.members.items():
            state = saved.get(key)
            if state is not None:
                scheduler._load(dict(state))
            else:
                scheduler.refresh()  # its own values, over the LRs the optimizer's state brought back
        unused = [key for key in saved if key not in self.members]
        if unused:
            steps = ", ".join(f"{key} at step {saved[key].get('last_epoch')}" for key in unused)
            _warn(
                f"ScheduleLR: the checkpoint holds the state of the scheduler of {steps}, which none of the "
                f"schedulers restored with it ({', '.join(self.members)}) drives now; it is not loaded, and each "
                f"of those continues from its own state",
                UserWarning,
            )


def _moved(lr: Any, mine: float) -> bool:
    """Whether a group's LR differs from ``mine`` (what the scheduler wrote) beyond the rounding of its type
    (a float32 tensor LR holds ``mine`` rounded to float32)."""
    if isinstance(lr, torch.Tensor):
        return abs(lr.item() - mine) > 4 * torch.finfo(lr.dtype).eps * abs(mine)
    return abs(float(lr) - mine) > 1e-12 * abs(mine)


class ScheduleLR(LRScheduler):
    """Apply pure schedules to an optimizer, in closed form from the step count.

    Args:
        optimizer: the torch optimizer.
        lr: one :class:`~lightning_lr.schedules.Schedule` for every param group, or a list with one per
            group (``None`` leaves that group's LR alone).
        momentum: optional momentum schedule(s), same forms. Written to ``momentum`` (SGD, RMSprop) or to
            ``betas[0]`` (Adam, AdamW, NAdam, ...).
        relative: if True, a group's LR is ``schedule(step) * group["initial_lr"]`` (the LR the group had
            when the scheduler was created): the schedule is a shape and every group keeps its ratio.
        last_epoch: the step already taken, -1 for a fresh start (as in torch).

    **Param groups added later** (``optimizer.add_param_group`` mid-run, as Lightning's ``BaseFinetuning``
    does to unfreeze a backbone) follow the schedule of the first scheduled group from the LR they were
    added with: a group added at LR ``a`` while this scheduler gives that group ``b`` gets ``a / b`` times
    its LR from the next step on, as torch's recursive schedulers scale every group (if whoever added it
    changes its LR later, as Lightning's ``BackboneFinetuning`` does at each epoch, the ratio moves with
    it; a change to every group, by another scheduler of a chain, does not move it), and also its momentum
    schedule (if the new group has momentum or betas), its scale and its floor times ``a / b``
    (:meth:`set_scale`). If ``b`` is 0, the new group keeps its LR, with a warning (a scale still applies,
    to the LR it was added with). :meth:`set_schedule` with one schedule, or one per group the scheduler
    was made for, keeps the added groups following; with one per group, theirs included, they take theirs.

    The state is the step (and the added groups' ratios): ``state_dict()`` holds ``last_epoch``,
    ``_step_count``, ``added_groups``, the schedules' reprs (for inspection) and the scheduler's ``key``
    (:meth:`link`), and ``load_state_dict`` restores the step and re-applies the values. Tensor
    LRs, momentums and betas stay the same tensor objects, updated in place. Stepping past the end of a
    schedule never raises.

    **An LR the optimizer cannot take** is refused where it would be written (at construction, each step, a
    :meth:`set_schedule`, a load), before the optimizer's step that would take it: one that is no finite
    number, or beyond the largest value of the group's parameters' type (float16's 65504, float32's 3.4e38:
    torch converts the LR to it, and its step would fail naming nothing, or train on nan). The ValueError
    names the schedule, the step, the param group and the value, as the schedule callbacks' does.

    Example:
        >>> import torch
        >>> from lightning_lr.schedules import OneCycle
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
        >>> lr = OneCycle(1.0, total_steps=10)
        >>> sched = ScheduleLR(opt, lr=lr, momentum=lr.momentum())
        >>> opt.param_groups[0]["lr"] == lr(0), opt.param_groups[0]["momentum"]
        (True, 0.95)
    """

    #: param groups added to the optimizer after the scheduler was made: group -> (reference, ratio), or
    #: None for a group left alone
    _added: dict[int, tuple[int, float] | None]
    #: what the scheduler is among those restored with it (:meth:`link`), e.g. ``"optimizer 1"``; None alone
    key: str | None = None
    _linked: _Linked | None = None
    #: the last state :meth:`load_state_dict` was given, while linked (:meth:`link`), that lightning_lr did not
    #: write (another class's: the torch scheduler a schedule callback replaced), which it did not load; None
    foreign_state: Mapping[str, Any] | None = None
    #: the momentums (or beta1s) the last load put back to the value they were configured with, as
    #: ``(group, the checkpoint's value, the configured one)``: groups whose momentum the checkpoint's scheduler
    #: cycled and this one's schedules leave alone (:meth:`_unschedule_momentum`)
    momentum_given_back: tuple[tuple[int, float, float], ...] = ()
    #: whether an LR the optimizer cannot take is refused (:meth:`_check_lrs`); the torch drop-ins write what
    #: torch's schedulers write
    checks_lrs: ClassVar[bool] = True
    #: who a refused LR is said of, ``() -> (owner, optimizer label, advice)`` (:func:`lr_refused`): a schedule
    #: callback's scheduler names the callback and its arguments (:meth:`_owned_by`); None: this scheduler
    _lr_owner: Callable[[], tuple[str, str, str]] | None = None

    def __init__(
        self,
        optimizer: Optimizer,
        lr: ScheduleSpec,
        momentum: ScheduleSpec = None,
        relative: bool = False,
        last_epoch: int = -1,
    ) -> None:
        check_resume(check_optimizer(optimizer, type(self).__name__), last_epoch)
        #: built on an optimizer whose state was loaded first (its groups hold ``initial_lr`` at
        #: ``last_epoch=-1``): what they held, the checkpoint's LRs, cycle settings and momentums, which a
        #: later load of this scheduler's state gives back (another scheduler's change, a plateau's cut, is in
        #: them). A constructor writes its first value over them (torch's absolute schedulers too), so the first
        #: step after the resume took another LR (up to 20x; review 82: 8x for a ScheduleLR beside a
        #: OneCycleLR). None: not built on a loaded state (a subclass that writes to the groups before this
        #: constructor takes the record first)
        self._built_on_state: Restored | None = restored_state(optimizer, last_epoch)
        self.optimizer = optimizer
        self.relative = boolean("relative", relative)  # bool("False") is True (review 76)
        n = len(optimizer.param_groups)
        self.lr_scales: list[Schedule | None] = [None] * n
        self.lr_floors: list[float | None] = [None] * n
        self._added = {}
        # each group's momentum (or beta1) as configured, for a resume whose checkpoint scheduled it and whose
        # schedules now leave it alone (:meth:`_unschedule_momentum`)
        self._configured_momentum = [
            None if (m := raw_momentum(g)) is None else float(m) for g in optimizer.param_groups
        ]
        self._configure(lr, momentum)
        super().__init__(optimizer, last_epoch)
        #: the step count when built: what the groups held then is given back only by a load before any step
        self._built_steps = self._step_count
        if self._built_on_state is not None:
            left_by_constructors(optimizer)

    @classmethod
    def _owned_by(cls, owner: Callable[[], tuple[str, str, str]], *args: Any, **kwargs: Any) -> ScheduleLR:
        """``cls(*args, **kwargs)`` whose refusal of an LR is said of ``owner()`` from its first value on (a
        schedule callback's: the callback with its arguments, the optimizer's label in the fit, what to change)."""
        scheduler = cls.__new__(cls)
        scheduler._lr_owner = owner
        scheduler.__init__(*args, **kwargs)  # type: ignore[misc]
        return scheduler

    # --- configuration ------------------------------------------------------------------------
    def _configure(self, lr: ScheduleSpec, momentum: ScheduleSpec) -> None:
        # Validate everything before assigning anything, so a failed set_schedule() changes nothing.
        # The schedules are for the groups the scheduler was made for; groups added since follow them.
        n = self._own_groups()
        groups = self.optimizer.param_groups[:n]
        if lr is None:
            raise TypeError("lr must be a Schedule or a list of one Schedule per param group, got None")
        lr_schedules = _per_group("lr", lr, n)
        momentum_schedules = _per_group("momentum", momentum, n)
        if all(s is None for s in (*lr_schedules, *momentum_schedules)):
            # review 122: lr=[None, None] stepped and scheduled nothing, without a word (the callbacks refuse it)
            raise ValueError(
                f"{type(self).__name__}: lr={lr!r} leaves every param group of {type(self.optimizer).__name__} "
                f"alone (None leaves a group's LR as it is) and no momentum is scheduled, so it would schedule "
                f"nothing; give a Schedule for at least one param group"
            )
        keys: list[str | None] = []
        for i, (group, m) in enumerate(zip(groups, momentum_schedules, strict=True)):
            key = momentum_key(group)
            if m is not None and key is None:
                raise ValueError(
                    f"a momentum schedule was given, but param group {i} of {type(self.optimizer).__name__} has "
                    f"neither 'momentum' nor 'betas'; pass momentum=None for this optimizer"
                )
            keys.append(key if m is not None else None)
        self.lr_schedules, self.momentum_schedules = lr_schedules, momentum_schedules
        self._momentum_keys = keys
        self._extend(n)

    @property
    def added_groups(self) -> dict[int, tuple[int, float] | None]:
        """The param groups added to the optimizer after the scheduler was made, each with the group whose
        schedule it follows and the ratio of its LR to that group's (None: left at its LR)."""
        self._sync_groups()
        return dict(self._added)

    def _own_groups(self) -> int:
        """How many param groups the scheduler was made for (the first ones; the rest were added later)."""
        # (drop-ins build their schedules before ScheduleLR.__init__ sets ``_added``)
        return len(self.optimizer.param_groups) - len(getattr(self, "_added", ()))

    def _invalidate(self) -> None:
        """Forget the cached block (and the relative factors baked into it): the next step refills it."""
        self._block_start = _NO_BLOCK
        self._lr_jobs: list[tuple[int, Row]] = []
        self._momentum_jobs: list[tuple[int, Row]] = []
        self._beta_jobs: list[tuple[int, Row]] = []
        self._lazy_rows: tuple[Row, ...] = ()

    def set_schedule(self, lr: ScheduleSpec, momentum: ScheduleSpec = None) -> None:
        """Replace the schedules and apply them at the current step (used to apply a range test's result
        to a scheduler that already exists). The step count is kept.

        Param groups added to the optimizer since the scheduler was made keep following their reference
        group's new schedule, unless ``lr`` is a list with one schedule for every group, theirs included.

        Args:
            lr: the new LR schedule(s), same forms as in the constructor.
            momentum: the new momentum schedule(s), or None to leave momentum alone from now on.
        """
        self._sync_groups()
        # an added group's LR its owner changed since the last step (BackboneFinetuning at an epoch's start,
        # before a range test there replaces the schedules) is its new ratio, as the next step would take it
        self._follow_added()
        count = len(lr) if isinstance(lr, Sequence) and not isinstance(lr, (str, bytes)) else None
        n, own = len(self.optimizer.param_groups), self._own_groups()
        if self._added and count is not None and count not in (own, n):
            raise ValueError(
                f"{type(self).__name__}.set_schedule: lr has {count} schedules; give one Schedule, one per param "
                f"group the scheduler was made for "
                f"({own}; the {n - own} added since follow the first), or one per param group ({n})"
            )
        if self._added and count == n:
            added = self._added
            self._added = {}  # every group gets the schedule given here
            try:
                self._configure(lr, momentum)
            except (TypeError, ValueError):
                self._added = added
                raise
        else:
            self._configure(lr, momentum)
        self._apply(max(self.last_epoch, 0))

    def set_scale(self, scales: ScheduleSpec, floors: float | Sequence[float | None] | None = None) -> None:
        """Multiply each group's LR by a scale schedule, bounded below by a floor, from the current step
        on: the LR at step ``t`` is ``max(lr(t) * scale(t), min(lr(t), floor))`` (the scale does not take
        it below the floor; a schedule that is itself lower, a warm-up from 0, keeps its values).

        The scale is kept apart from the LR schedules: :meth:`set_schedule` replaces those and keeps it.
        A group with a scale but no LR schedule is scaled from its ``initial_lr``. Used by
        :class:`~lightning_lr.callbacks.ReduceOnPlateau`, whose reductions are a step-wise scale.

        Args:
            scales: one Schedule for every group, a list with one per group (None: no scale), or None to
                remove every scale.
            floors: the lowest LR of each scaled group: one number, a list with one per group (None: no
                floor), or None.

        Example:
            >>> import torch
            >>> from lightning_lr.schedules import Constant, MultiStepDecay
            >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
            >>> sched = ScheduleLR(opt, lr=Constant(0.1))
            >>> sched.set_scale(MultiStepDecay(1.0, milestones=[0], gamma=0.5), floors=0.08)
            >>> opt.param_groups[0]["lr"]
            0.08
        """
        self._sync_groups()
        n = len(self.optimizer.param_groups)
        scale_list = _per_group("scales", scales, n)
        floor_list = _scale.floors(floors, n)
        self.lr_scales, self.lr_floors = scale_list, floor_list
        self._invalidate()
        self._apply(max(self.last_epoch, 0))

    # --- stepping -----------------------------------------------------------------------------
    def _group_factors(self, n: int) -> list[float]:
        """The factor of each of the first ``n`` groups (those the scheduler was made for)."""
        groups = self.optimizer.param_groups[:n]
        return [float(g["initial_lr"]) for g in groups] if self.relative else [1.0] * n

    def _factors(self) -> list[float]:
        out = self._group_factors(len(self._lr_index) - len(self._added))
        for i in sorted(self._added):
            adopted = self._added[i]
            out.append(1.0 if adopted is None else out[adopted[0]] * adopted[1])
        return out

    # --- param groups added to the optimizer ---------------------------------------------------------
    def _sync_groups(
        self, saved: dict[int, tuple[int, float] | None] | None = None, reference: list[float] | None = None
    ) -> None:
        """Schedule the param groups added to the optimizer since the last step (see the class docs);
        ``saved``: the adoptions a checkpoint holds, kept as they were; ``reference``: the LRs a new group's
        ratio is taken to (a drop-in's load gives the checkpoint's; None: this scheduler's values now)."""
        groups = self.optimizer.param_groups
        if len(groups) == len(self._lr_index) and not saved:
            return
        require_lr(self.optimizer, type(self).__name__)  # (a group added without one: r199)
        # the reference, and its value in this scheduler now (read while the plan still matches ``_added``)
        ref = next((j for j, k in enumerate(self._lr_index) if k >= 0), None)
        at = None if ref is None else self._own_lrs()[ref]
        if ref is not None and reference is not None and ref < len(reference):
            at = reference[ref]  # (review 81: the constructor's value, 50x the checkpoint's under OneCycleLR)
        n = len(self._lr_index) - len(self._added)  # the groups the scheduler was made for
        if saved and min(saved) < n:
            # the optimizer was rebuilt with groups that the checkpoint's scheduler had adopted: they follow
            # their reference again, with the checkpoint's ratios
            n = min(saved)
            self._added = {}
        if len(groups) < len(self._lr_index):
            raise RuntimeError(
                f"{type(self).__name__}: the optimizer has {counted(len(groups), 'param group')}, fewer than the "
                f"{len(self._lr_index)} it schedules; param groups cannot be removed from a scheduled optimizer"
            )
        for i in range(n, len(groups)):
            if saved and i in saved:
                self._added[i] = saved[i]
            elif i not in self._added:
                self._added[i] = self._adopt(i, ref, at)
        if saved and max(saved) >= len(groups):
            _warn(
                f"{type(self).__name__}: the checkpoint's scheduler also scheduled param groups "
                f"{sorted(i for i in saved if i >= len(groups))}, added to the optimizer during training, which "
                f"{type(self.optimizer).__name__} does not have now; add them again before loading the state "
                f"(as Lightning's BaseFinetuning does) to resume them",
            )
        self._extend(n)

    def _extend(self, n: int) -> None:
        """Plan the first ``n`` groups' own schedules and the added groups after them, which take their
        reference's LR schedule (times their ratio: :meth:`_factors`), momentum schedule, scale and floor."""
        groups = self.optimizer.param_groups
        lr, momentum, keys = self.lr_schedules[:n], self.momentum_schedules[:n], self._momentum_keys[:n]
        scales, floors = self.lr_scales[:n], self.lr_floors[:n]
        for i in range(n, n + len(self._added)):
            adopted = self._added[i]
            key = momentum_key(groups[i])
            if adopted is None:
                lr.append(None)
                momentum.append(None)
                keys.append(None)
                scales.append(None)
                floors.append(None)
                continue
            ref, ratio = adopted
            floor = floors[ref]
            m = None if key is None or self._keeps_zero_momentum(i, ref) else momentum[ref]
            lr.append(lr[ref])
            momentum.append(m)
            keys.append(key if m is not None else None)
            scales.append(scales[ref])
            floors.append(None if floor is None else floor * ratio)  # the floor keeps the ratio too
        self.lr_schedules, self.momentum_schedules, self._momentum_keys = lr, momentum, keys
        self.lr_scales, self.lr_floors = scales, floors
        # One plan for LR and momentum schedules, so a block is one evaluation of each distinct schedule.
        self._plan = _Plan([*lr, *momentum])
        self._lr_index = self._plan.index[: len(lr)]
        self._momentum_index = self._plan.index[len(lr) :]
        self._invalidate()

    def _keeps_zero_momentum(self, i: int, ref: int) -> bool:
        """Whether added group ``i``, configured with ``momentum=0``, keeps it where its reference group
        ``ref``'s momentum is scheduled: as the groups the scheduler was made for do (cycling would switch
        momentum on), unless ``ref`` was itself configured with 0 and is scheduled all the same (a callback's
        ``cycle_momentum=True``, which cycles from 0 too). Review 57: it was switched on without a word."""
        if not zero_momentum(self.optimizer.param_groups[i]):
            return False
        configured = self._configured_momentum
        return not (ref < len(configured) and configured[ref] == 0.0)

    def _adopt(self, i: int, ref: int | None, at: float | None) -> tuple[int, float] | None:
        """Group ``i``'s reference group and LR ratio to it, or None (left alone, with a warning). ``at`` is
        the reference's value in this scheduler now, not its group's LR, which another scheduler of a chain
        may have changed since: the added group follows this scheduler's change from its own LR."""
        groups = self.optimizer.param_groups
        lr = float(groups[i]["lr"])
        # its LR when the scheduler took it (torch's meaning; the base a scale applies to); a tensor LR is
        # cloned, as torch's schedulers clone theirs, else it moved with the LR it is the base of (review 109)
        taken = groups[i]["lr"]
        groups[i].setdefault("initial_lr", taken.clone() if isinstance(taken, torch.Tensor) else taken)
        if ref is None or at is None or at <= 0.0 or not np.isfinite(at):
            why = "no param group has an LR schedule" if at is None else f"param group {ref}'s LR is {at:g}"
            _warn(
                f"{type(self).__name__}: param group {i} was added to {type(self.optimizer).__name__} at step "
                f"{max(self.last_epoch, 0)} with LR {lr:g}; {why} then, so there is no schedule to scale "
                f"it to, and it keeps its LR",
            )
            return None
        if self.momentum_schedules[ref] is not None and self._keeps_zero_momentum(i, ref):
            _warn(
                f"{type(self).__name__}: param group {i} was added to {type(self.optimizer).__name__} at step "
                f"{max(self.last_epoch, 0)} with {zero_momentum_name([momentum_key(self.optimizer.param_groups[i])])}, so its "
                f"momentum is left at 0 while param group {ref}'s, which it follows, is scheduled (scheduling it "
                f"would switch momentum on); give the group a momentum (add_param_group({{..., 'momentum': 0.9}}) "
                f"or betas=(0.9, ...)) to have it scheduled",
            )
        return ref, lr / at

    def _own_lrs(self) -> dict[int, float]:
        """The LR this scheduler gives each group it schedules at the current step (whatever the groups
        hold now)."""
        k = self._block_index(max(self.last_epoch, 0))
        return {i: float(row[k]) for i, row in self._lr_jobs}

    def _block_index(self, t: int) -> int:
        """Step ``t``'s position in the cached block, computing the block that holds it if needed."""
        k = t - self._block_start
        if not 0 <= k < BLOCK:
            self._fill(t)
            k = t - self._block_start
        return k

    def _fill(self, t: int) -> None:
        """Compute the aligned block that holds step ``t`` and the per-group jobs that apply it.

        A job is ``(group index, row)`` where ``row[k]`` is the group's value at step ``start + k``, with
        the relative factor already applied (``value * factor`` is the same IEEE multiplication whether
        numpy does it for the block or Python does it per step, so the values are unchanged).
        """
        start = (t // BLOCK) * BLOCK
        rows = self._plan.block(start)
        factors = self._factors()
        scaled: dict[tuple[int, float], Row] = {}

        def row_for(j: int, f: float) -> Row:
            key = (j, f)
            if key not in scaled:
                r = rows[j]
                if isinstance(r, _Lazy):
                    scaled[key] = r if f == 1.0 else _Scaled(r, f)
                else:
                    scaled[key] = shared_runs(r if f == 1.0 else r * f)
            return scaled[key]

        self._lr_jobs = [(i, row_for(j, factors[i])) for i, j in enumerate(self._lr_index) if j >= 0]
        if any(s is not None for s in self.lr_scales):
            plan = _Plan(self.lr_scales)
            initial = [float(g.get("initial_lr", g["lr"])) for g in self.optimizer.param_groups]
            self._lr_jobs = _scale.scaled_jobs(
                self._lr_jobs, plan.index, plan.block(start), self.lr_floors, initial, BLOCK
            )
        self._lr_safe = _safe_until(self._lr_jobs) if self.checks_lrs else BLOCK
        self._momentum_jobs = []
        self._beta_jobs = []
        for i, (j, key) in enumerate(zip(self._momentum_index, self._momentum_keys, strict=True)):
            if j < 0 or key is None:
                continue
            r = rows[j]
            if isinstance(r, _Lazy):
                row: Row = _CheckedMomentum(r, self, i, key)
            else:
                bad = ~((r >= 0.0) & (r < 1.0))
                if bad.any():
                    k = int(np.argmax(bad))
                    _bad_momentum(self, i, key, start + k, float(r[k]))
                row = row_for(j, 1.0)
            (self._momentum_jobs if key == "momentum" else self._beta_jobs).append((i, row))
        self._block_start = start
        # in the order they are written: one that raises first raises before anything is written (r171: a one-group
        # LambdaLR paid 8% a step for a pass it does not need)
        jobs = (*self._lr_jobs, *self._momentum_jobs, *self._beta_jobs)
        self._lazy_rows = tuple(row for _, row in jobs[1:] if not isinstance(row, list))

    def _apply(self, t: int) -> None:
        # The hot path: a list lookup per group, then a plain assignment (or an in-place fill for a tensor).
        # Loops run over precomputed (index, row) pairs because building a zip() costs more than a whole
        # one-group step here, and `type(x) is float` is checked before isinstance(x, Tensor), which goes
        # through torch's metaclass and is several times slower.
        k = t - self._block_start
        if not 0 <= k < BLOCK:
            self._fill(t)
            k = t - self._block_start
        if (
            k >= self._lr_safe
        ):  # (an LR beyond float16's largest, or nan, in this block: checked before written)
            self._check_lrs(t, k)
        if self._lazy_rows:
            self._read_ahead(k)
        groups = self.optimizer.param_groups
        for i, row in self._lr_jobs:
            group = groups[i]
            cur = group["lr"]
            if type(cur) is float or not isinstance(cur, torch.Tensor):
                group["lr"] = row[k]
            else:
                cur.fill_(row[k])
        for i, row in self._momentum_jobs:
            group = groups[i]
            cur = group["momentum"]
            if type(cur) is float or not isinstance(cur, torch.Tensor):
                group["momentum"] = row[k]
            else:
                write_momentum(group, "momentum", row[k])
        for i, row in self._beta_jobs:
            group = groups[i]
            betas = group["betas"]
            if type(betas[0]) is float or not isinstance(betas[0], torch.Tensor):
                group["betas"] = (row[k], *betas[1:])
            else:
                write_momentum(group, "betas", row[k])

    def _read_ahead(self, k: int) -> None:
        """Compute the values at position ``k`` of the block that are computed per step (a user's function), but
        the first one written, before any is written: one that raises (a ``LambdaLR`` function returning a
        negative factor) then leaves every group as it was, not the groups before it written and the rest not.
        A user's function is called once a step all the same: its row keeps the value it computed."""
        for row in self._lazy_rows:
            row[k]

    def _check_lrs(self, t: int, k: int) -> None:
        """Refuse an LR of step ``t`` (position ``k`` of the block) that its group cannot take
        (:func:`~.param_groups.unusable_lr`), naming the schedule (or the callback that made it), the step, the
        group and the value, before anything is written."""
        groups = self.optimizer.param_groups
        for i, row in self._lr_jobs:
            value = float(row[k])
            what = unusable_lr(groups[i], value)
            if what is None:
                continue
            if self._lr_owner is not None:
                owner, label, advice = self._lr_owner()
            else:
                schedule = self.lr_schedules[i] if i < len(self.lr_schedules) else None
                relative = ", relative=True" if self.relative else ""
                owner = f"{type(self).__name__}(lr={schedule!r}{relative})"
                label, advice = type(self.optimizer).__name__, KEEP_IN_RANGE[0].upper() + KEEP_IN_RANGE[1:]
            raise ValueError(lr_refused(owner, t, i, label, value, what, advice))

    @untraced
    def step(self, epoch: int | None = None) -> None:
        """Advance one optimizer step, or jump to step ``epoch``.

        Args:
            epoch: if given, the step to jump to (exact, since the value is a pure function of the step).
        """
        if frame_callback() not in EAGER:  # run by torch.compile: stepped as in eager code (``_untraced``)
            step_eagerly(self, epoch)
            return
        # checked before anything changes: a refused epoch leaves the scheduler as it was
        if epoch is not None:
            epoch = check_step(epoch, "epoch")
        self._sync_groups()
        self._follow_added()
        count, last = self._step_count, self.last_epoch
        self._step_count += 1
        if epoch is None:
            self.last_epoch = t = self.last_epoch + 1
        else:
            self.last_epoch = t = epoch
        try:  # (free unless it raises)
            self._apply(t)
        except Exception as exc:
            # nothing was written (:meth:`_check_lrs`, :meth:`_read_ahead`): the step is not counted either, so
            # the scheduler stays where the optimizer is
            self._step_count, self.last_epoch = count, last
            # (at construction the callback that builds it names itself: _inject.with_context)
            if (
                self._lr_owner is None
                or type(exc) not in (TypeError, ValueError)
                or "_built_steps" not in vars(self)
            ):
                raise
            raise type(exc)(self._owned_error(str(exc), t)) from exc

    def _owned_error(self, message: str, t: int) -> str:
        """``message``, of an error a schedule raised at step ``t`` (a :class:`~lightning_lr.schedules.Lambda`
        whose function returned nan), naming the schedule callback that made this scheduler, its optimizer and the
        param group whose schedule raised it (review 150: "Lambda: fn(3) returned nan" named none of them)."""
        assert self._lr_owner is not None
        owner, label, _ = self._lr_owner()
        if message.startswith(owner):  # (a refused LR names them: _check_lrs)
            return message
        group = next(
            (
                f"the {what} schedule of param group {i}"
                for what, schedules in (("LR", self.lr_schedules), ("momentum", self.momentum_schedules))
                for i, schedule in enumerate(schedules)
                if schedule is not None and _raises(schedule, t)
            ),
            None,
        )
        where = "" if group is None else f" at optimizer step {t}, {group}"  # (else the message says where)
        return f"{owner} on {label}{where}: {message}"

    def refresh(self) -> None:
        """Apply the values at the current step again, re-reading what they are computed from (the groups'
        ``initial_lr`` in relative mode, a drop-in's ``base_lrs``) after it was changed in place, as an LR
        range test applied during a fit does."""
        self._sync_groups()
        self._invalidate()
        self._apply(max(self.last_epoch, 0))

    def adopt_added(self) -> list[int]:
        """Schedule the param groups added to the optimizer since the last step now, before the step that
        updates them: each takes this step's momentum (or beta1) from its reference and keeps its own LR
        for this step, whose ratio to the reference's it follows from now on, as :meth:`step` would take
        it. Without this call, a group added between two steps takes its first step at its own momentum.
        Lightning's schedule callbacks call it before every batch. Returns the groups adopted."""
        before = len(self._lr_index)
        groups = self.optimizer.param_groups
        if len(groups) == before:
            return []
        self._sync_groups()
        self._invalidate()
        k = self._block_index(max(self.last_epoch, 0))
        for jobs, key in ((self._momentum_jobs, "momentum"), (self._beta_jobs, "betas")):
            for i, row in jobs:
                if i >= before:
                    _set_momentum(groups[i], key, row[k])
        return list(range(before, len(groups)))

    def _follow_added(self) -> None:
        """An added group whose LR its owner changed since the last step (BackboneFinetuning raises the
        backbone's LR at every epoch start) keeps its new LR's ratio from now on. Only a change to that
        group alone: when the reference group moved too, another scheduler of a chain scaled every group,
        and the added group follows this scheduler's own change, as the others do."""
        if not self._added:
            return
        groups = self.optimizer.param_groups
        own = self._own_lrs()
        changed = False
        for i, adopted in self._added.items():
            if adopted is None:
                continue
            ref, ratio = adopted
            mine, ref_mine = own[i], own[ref]
            if _moved(groups[ref]["lr"], ref_mine) or not _moved(groups[i]["lr"], mine) or not mine > 0.0:
                continue
            now = float(groups[i]["lr"])
            if np.isfinite(now):
                self._added[i] = (ref, ratio * (now / mine))
                changed = True
        if changed:
            self._extend(len(self._lr_index) - len(self._added))  # the floors keep the new ratios

    def get_lr(self) -> list[float | torch.Tensor]:
        """The LRs for the current step (``get_last_lr`` is the usual way to read them)."""
        self._sync_groups()
        out: list[float | torch.Tensor] = [
            g["lr"].clone() if isinstance(g["lr"], torch.Tensor) else g["lr"]
            for g in self.optimizer.param_groups
        ]
        for i, lr in self._own_lrs().items():
            out[i] = lr
        return out

    def overwritten(self) -> dict[int, tuple[float, float]]:
        """The param groups it schedules whose LR is not what it gives them at the current step (someone wrote
        the LR since: another scheduler, a callback, the user's code), each as ``(the group's LR, this
        scheduler's)``."""
        groups = self.optimizer.param_groups
        return {
            i: (float(groups[i]["lr"]), mine)
            for i, mine in self._own_lrs().items()
            if i < len(groups) and _moved(groups[i]["lr"], mine)
        }

    def get_last_lr(self) -> list[float | torch.Tensor]:
        """The LR of every param group after the last step (tensors are copies, as in torch)."""
        return [
            g["lr"].clone() if isinstance(g["lr"], torch.Tensor) else g["lr"]
            for g in self.optimizer.param_groups
        ]

    def get_last_momentum(self) -> list[float | None]:
        """The momentum (or beta1) of every param group, None where the group has neither."""
        out: list[float | None] = []
        for g in self.optimizer.param_groups:
            v = raw_momentum(g)
            out.append(None if v is None else float(v))
        return out

    # --- state --------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The step, plus the schedules' reprs so a checkpoint says what produced its LRs (and how the
        param groups added later follow them)."""
        self._sync_groups()
        return {
            "last_epoch": self.last_epoch,
            "_step_count": self._step_count,
            "relative": self.relative,
            "base_lrs": [float(b) for b in self.base_lrs],
            "lr_schedules": [repr(s) for s in self.lr_schedules],
            "momentum_schedules": [None if s is None else repr(s) for s in self.momentum_schedules],
            "lr_scales": [None if s is None else repr(s) for s in self.lr_scales],
            "lr_floors": list(self.lr_floors),
            "added_groups": self._added_state(),
            "key": self.key,
        }

    def _added_state(self) -> list[list[Any]]:
        """``[[group, reference, ratio], ...]`` (reference and ratio None for a group left alone)."""
        return [[i, *(a if a is not None else (None, None))] for i, a in sorted(self._added.items())]

    @staticmethod
    def _added_from(state_dict: dict[str, Any]) -> dict[int, tuple[int, float] | None]:
        return {
            int(i): None if ref is None else (int(ref), float(ratio))
            for i, ref, ratio in state_dict.get("added_groups", [])
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the step and apply the schedules' values at it. The schedules themselves come from
        the constructor, so a resumed run can re-resolve them (e.g. for a longer run).

        Built in torch's resume order (the optimizer's state loaded first, then the schedulers built on it,
        then their states), with other schedulers on the optimizer, the first step after the resume takes
        the LRs the checkpoint's optimizer state holds, as the uninterrupted run does (another scheduler's
        part in them included), where this scheduler's schedules are the checkpoint's; a schedule given
        otherwise applies its own value.

        A scheduler :meth:`link`-ed with others loads the state into the one that wrote it (see there).

        A state this class did not write (no ``lr_schedules``: torch's, a drop-in's) gives its step to a
        scheduler that is not linked, whose steps are whatever its user steps it at. A linked one (a schedule
        callback's, stepped every optimizer step) does not load it: that state counts another scheduler's
        steps (epochs, for a torch scheduler at Lightning's default interval), which put the schedule out of
        phase, or none (ReduceLROnPlateau's has no ``_step_count``: review 97). It applies its own values
        at its step and keeps the state as :attr:`foreign_state`, for the callbacks, which start the
        schedule at the trainer's step with a warning, as for a checkpoint without a state for it.

        Raises:
            KeyError: ``state_dict`` has no ``last_epoch`` or ``_step_count`` (a linked scheduler: only a state
                this class wrote).
            ValueError: they are not what the constructor allows (an integer >= -1; >= 0). The scheduler is
                unchanged.
        """
        state_mapping(state_dict, type(self).__name__)
        linked = self._linked
        foreign = linked is not None and "lr_schedules" not in state_dict
        if not foreign:  # (another class's may have no step count: ReduceLROnPlateau's has no _step_count)
            check_position(state_dict, self.last_epoch)
        elif cycled_state(state_dict):
            # the optimizer's state came back with the replaced cycle's start as each group's initial_lr (read as
            # the LR configured in relative mode): this scheduler's own, as the callback left it at its build
            forget_cycle(self.optimizer.param_groups[: self._own_groups()], self.base_lrs)
        if linked is not None and linked.saved is not None:
            # the states the whole list holds are known (link's ``saved``): every scheduler loads its own, by
            # key, whatever it is given here (Lightning gives them by position, to as many as the list has)
            linked.restore()
            if foreign:
                self.foreign_state = dict(state_dict)
                self._unschedule_momentum(state_dict)
            return
        if foreign:
            self.foreign_state = dict(state_dict)
            self.refresh()  # its own values, over the LRs the optimizer's state brought back
            self._unschedule_momentum(state_dict)
            return
        if linked is not None and any(state_dict is state for state in linked.loaded):
            return  # one of those states, given again: each is loaded into its own scheduler already
        owner = self._owner_of(state_dict)
        if owner is not None:
            owner._load(state_dict)
        if owner is not self:
            self.refresh()  # another scheduler's state: the optimizer holds the LRs restored with it

    def _taken_at_build(self) -> Restored | None:
        """What the groups held when this scheduler was built on a loaded optimizer state (:attr:`_built_on_state`),
        for the load of its state that follows: while it has not stepped since, or while the optimizer has not
        (nor been loaded again: :func:`~._restored.taken_on`). A step of the scheduler without one of the
        optimizer leaves what the groups held at the load standing: a ``SequentialLR`` whose first phase is a
        composition steps that phase's schedulers once more at its build (review 167: a resume then took a
        finished phase's last LR). Once the optimizer has stepped too, the record is long gone (review 59: a
        rewind six steps later wrote it back). Taken once."""
        restored, self._built_on_state = self._built_on_state, None
        if restored is None or self._step_count == self._built_steps or taken_on(self.optimizer, restored):
            return restored
        return None

    def _load(self, state_dict: dict[str, Any]) -> None:
        last_epoch, step_count = check_position(state_dict, self.last_epoch)
        # what the groups held when this scheduler was built on a loaded optimizer state, for a load before any
        # step: after a step it is long gone (:attr:`_built_on_state`)
        restored = self._taken_at_build()
        if bool(state_dict.get("relative", self.relative)) != self.relative:
            _warn(
                f"the checkpoint was written with relative={state_dict['relative']}, this scheduler has "
                f"relative={self.relative}; continuing with relative={self.relative}",
            )
        self._warn_if_other_schedules(state_dict)
        self.last_epoch, self._step_count = last_epoch, step_count
        # the groups added before the checkpoint (re-added to the optimizer before this load, as
        # BaseFinetuning does) follow the schedule with the ratios they had
        self._sync_groups(self._added_from(state_dict))
        if restored is not None:  # the cycle settings and momentums the constructors wrote over
            give_back_held(self.optimizer, restored)
        # optimizer.load_state_dict may have brought other initial_lr values: re-read them.
        self._invalidate()
        self._apply(max(self.last_epoch, 0))
        self._unschedule_momentum(state_dict)
        if restored is not None and taken_on(self.optimizer, restored):
            written = [
                *((i, "lr") for i, _ in self._lr_jobs),
                *((i, "momentum") for i, _ in self._momentum_jobs),
                *((i, "betas") for i, _ in self._beta_jobs),
            ]
            if self._same_as_saved(state_dict):
                # the checkpoint's LRs and momentums, which another scheduler on the optimizer may have had a
                # part in (a drop-in stacked on this one: review 82, the first step after the resume was off, 8x
                # beside a OneCycleLR; review 86, a cycle's momentum); a schedule given otherwise than the
                # checkpoint's (re-resolved for a longer run) applies its own
                give_back(self.optimizer, restored, written)
            forget_left(self.optimizer, written)  # what it wrote is no drop-in's to give back

    def _unschedule_momentum(self, state_dict: Mapping[str, Any]) -> None:
        """Put back the configured momentum of the groups whose momentum the checkpoint's scheduler set and
        this scheduler's schedules leave alone (a resume from OneCycle into CosineDecay): the optimizer's state
        came back with the last momentum the old schedule wrote, which nothing moves any more (review 48: 0.866
        to the end, where the new run alone trains at the configured 0.9). The checkpoint's scheduler is this
        class (its ``momentum_schedules``), or another that says it cycled every group's momentum
        (``cycle_momentum``: torch's ``OneCycleLR`` and ``CyclicLR``, and their drop-ins; review 133: a
        resume from torch's OneCycleLR kept its 0.8755 to the end). What is put back is kept in
        :attr:`momentum_given_back`."""
        self.momentum_given_back = ()
        saved = state_dict.get("momentum_schedules")
        if isinstance(saved, list):
            cycled = [s is not None for s in saved]
        elif "lr_schedules" not in state_dict and (cycle := cycled_momentum(state_dict)) is not None:
            cycled = [True] * len(cycle.get("base_lrs") or self._configured_momentum)
        else:
            return
        groups = self.optimizer.param_groups
        own = len(self.lr_schedules) - len(self._added)
        given = []
        for i in range(min(own, len(cycled), len(self._configured_momentum))):
            value, key = self._configured_momentum[i], momentum_key(groups[i])
            if cycled[i] and self.momentum_schedules[i] is None and value is not None and key:
                was = raw_momentum(groups[i])
                _set_momentum(groups[i], key, value)
                given.append((i, float(was), value))
        self.momentum_given_back = tuple(given)

    # --- schedulers restored together ----------------------------------------------------------------
    @staticmethod
    def link(schedulers: Mapping[str, ScheduleLR], saved: Sequence[Any] | None = None) -> None:
        """Name ``schedulers`` by their keys as restored together from one list of states, by position, as
        Lightning restores a module's schedulers: a list written in another order (or with a scheduler more
        or less) then does not give one scheduler another's step.

        Each writes its key in :meth:`state_dict`. :meth:`load_state_dict` loads a state with a key into
        the scheduler of that key; a state written for a key none of them has is not loaded (with a
        warning). A state of this class without a key (written before keys were, or by a scheduler not
        linked) goes to the scheduler whose schedules it was written with, when exactly one of them has
        them (one warning says the order differed); when that cannot be told (the schedules changed, as
        in a resume into a longer run), it is loaded where it is given, with one warning. A state of
        another class (torch's scheduler's) is loaded into none (:meth:`load_state_dict`). Linking again
        replaces the names. (The drop-ins keep torch's state and loading: they are not linked.)

        ``saved``: the whole list of states they will be restored from (a checkpoint's ``"lr_schedulers"``),
        when it is known. Then the first :meth:`load_state_dict` of any of them (or :meth:`load_saved`)
        loads every one from the state of its own key, whatever state it is given, and the list's states
        given afterwards are not loaded again. That reaches a scheduler that is given no state, or only
        another's: by position, a checkpoint written with a scheduler more hands the first schedulers the
        states of the one that is gone. (``saved`` without a state that has a key changes nothing.)

        The schedule callbacks link the schedulers they add to a module by optimizer: ``"optimizer 0"``, ...

        Example:
            >>> import torch
            >>> from lightning_lr.schedules import Constant
            >>> p = torch.nn.Parameter(torch.zeros(1))
            >>> a = ScheduleLR(torch.optim.SGD([p], lr=0.1), lr=Constant(0.1))
            >>> b = ScheduleLR(torch.optim.SGD([p], lr=0.2), lr=Constant(0.2))
            >>> ScheduleLR.link({"optimizer 0": a, "optimizer 1": b})
            >>> b.step(); b.step()
            >>> states = [b.state_dict(), a.state_dict()]  # written in the other order
            >>> for scheduler, state in zip([a, b], states):  # loaded by position
            ...     scheduler.load_state_dict(state)
            >>> a.last_epoch, b.last_epoch
            (0, 2)
        """
        linked = _Linked(dict(schedulers), _keyed(saved))
        for key, scheduler in linked.members.items():
            scheduler.key = key
            scheduler._linked = linked

    def set_saved(self, saved: Sequence[Any]) -> None:
        """Give the schedulers linked with this one (:meth:`link`) the list of states they will be restored
        from, ``saved``, when it is known only after they were linked."""
        if self._linked is not None:
            self._linked.saved = _keyed(saved)

    def load_saved(self) -> None:
        """Load the states given to :meth:`link` as ``saved`` into every scheduler linked with this one, if no
        :meth:`load_state_dict` has (nothing otherwise): for a list that gave none of them a state."""
        if self._linked is not None:
            self._linked.restore()

    def _label(self) -> str:
        name = type(self.optimizer).__name__
        return (
            f"{type(self).__name__} of {self.key} ({name})" if self.key else f"{type(self).__name__} ({name})"
        )

    def _owner_of(self, state_dict: Mapping[str, Any]) -> ScheduleLR | None:
        """The scheduler ``state_dict`` was written by (see :meth:`link`): this one, another linked with it,
        or None (written for one that is not here)."""
        linked = self._linked
        if linked is None:
            return self
        key = state_dict.get("key")
        if key is not None:
            owner = linked.members.get(key)
            if owner is None:
                _warn(
                    f"{self._label()}: the checkpoint's state given to it was written for the scheduler of {key}, "
                    f"which none of the schedulers restored with it is ({', '.join(linked.members)}); it is not "
                    f"loaded, and this scheduler continues from its own step ({max(self.last_epoch, 0)})",
                    UserWarning,
                )
            return owner
        if len(linked.members) < 2:
            return self  # no other scheduler it could be
        # the schedules it was written with tell (this scheduler's, when several have them: the same schedules
        # at the same steps); failing that, the same schedules but for their integers (the step counts of a run
        # that got longer), when one scheduler has them
        for exact in (True, False):
            wrote = [s for s in linked.members.values() if s._matches(state_dict, exact)]
            if exact and self in wrote:
                return self
            if len(wrote) == 1:
                owner = wrote[0]
                if owner is self:
                    return self
                linked.warn_once(
                    f"{self._label()}: the checkpoint's scheduler states do not say which scheduler each belongs "
                    f"to (written by an earlier lightning_lr) and come in another order than the schedulers now; "
                    f"each is loaded into the scheduler whose schedules it was written with (the state given to "
                    f"this one went to the scheduler of {owner.key}); checkpoints written from now on name their scheduler"
                )
                return owner
            if wrote:
                break
        linked.warn_once(
            f"{self._label()}: the checkpoint's scheduler states do not say which scheduler each belongs to "
            f"(written by an earlier lightning_lr), and their schedules do not tell (they differ from those of "
            f"the schedulers now, or several have the same), so they are loaded in the order given: if the "
            f"schedule callbacks were listed in another order than their optimizers when the checkpoint was "
            f"written, each scheduler now has another's step. Resume once with the settings it was written "
            f"with, so the states are matched by their schedules, and checkpoint again"
        )
        return self

    def _warn_if_other_schedules(self, state_dict: Mapping[str, Any]) -> None:
        """Say when the checkpoint's schedules differ from this scheduler's in more than their step counts
        (a resume with another ``max_lr``): the values follow the new schedules from the resumed step on."""
        lrs, momentums = state_dict.get("lr_schedules"), state_dict.get("momentum_schedules")
        if not isinstance(lrs, list) or not isinstance(momentums, list) or len(lrs) != len(momentums):
            return
        n = len(lrs) - len(state_dict.get("added_groups") or [])
        own = len(self.lr_schedules) - len(self._added)
        if n != own:
            return  # another set of param groups: the callbacks say what they make of it
        mine = self._reprs(own)
        saved = [*lrs[:n], *momentums[:n]]
        classes = self._classes()

        def back(i: int, new: str | None) -> str:
            """For a momentum left alone from now on: the configured value it goes back to."""
            value = self._configured_momentum[i % n] if i >= n and new is None else None
            return "" if value is None else f" (back to the {value:g} it was configured with)"

        changed = [
            f"{'LR' if i < n else 'momentum'} of param group {i % n}: {old} -> {new}{back(i, new)}"
            for i, (old, new) in enumerate(zip(saved, mine, strict=True))
            if not _alike(old, new, classes)
        ]
        if not changed:
            return
        _warn(
            f"{self._label()}: resumed with other schedules than the checkpoint's (beyond their step counts): "
            f"{'; '.join(changed)}. The values follow the new schedules from step "
            f"{int(state_dict['last_epoch'])} on, so they may jump there",
            UserWarning,
        )

    def _same_as_saved(self, state_dict: Mapping[str, Any]) -> bool:
        """Whether ``state_dict`` was written by a scheduler with this one's schedules, scales and floors: its
        values at the step are then the checkpoint's (review 86: a scale given on resume was not compared)."""
        scales = [None if s is None else repr(s) for s in self.lr_scales]
        return (
            self._matches(state_dict)
            and state_dict.get("lr_scales", [None] * len(scales)) == scales
            and list(state_dict.get("lr_floors", [None] * len(self.lr_floors))) == list(self.lr_floors)
        )

    def _matches(self, state_dict: Mapping[str, Any], exact: bool = True) -> bool:
        """Whether ``state_dict`` (one without a key) was written by a scheduler with this one's schedules
        for the param groups it was made for (with ``exact=False``: but for their step counts, as
        :func:`_alike`)."""
        lrs, momentums = state_dict.get("lr_schedules"), state_dict.get("momentum_schedules")
        if not isinstance(lrs, list) or not isinstance(momentums, list) or len(lrs) != len(momentums):
            return False
        if bool(state_dict.get("relative", False)) != self.relative:
            return False
        n = len(lrs) - len(state_dict.get("added_groups") or [])
        own = len(self.lr_schedules) - len(self._added)
        saved = [*lrs[:n], *momentums[:n]]
        mine = self._reprs(own)
        if exact:
            return saved == mine
        classes = self._classes()
        return len(saved) == len(mine) and all(
            _alike(a, b, classes) for a, b in zip(saved, mine, strict=True)
        )

    def _reprs(self, own: int) -> list[str | None]:
        """The first ``own`` groups' LR and momentum schedules as :meth:`state_dict` writes them (an LR
        schedule None as ``"None"``, a momentum schedule None as None), to compare with a checkpoint's."""
        return [repr(s) for s in self.lr_schedules[:own]] + [
            None if s is None else repr(s) for s in self.momentum_schedules[:own]
        ]

    def _classes(self) -> dict[str, list[type[Schedule]]]:
        """The schedule classes a repr's class names stand for: those this scheduler's schedules use (a
        resume uses the classes it wrote with), else every class of that name (:func:`_schedule_classes`)."""
        mine = [*self.lr_schedules, *self.momentum_schedules, *self.lr_scales]
        return {**_schedule_classes(), **_classes_in([s for s in mine if isinstance(s, Schedule)])}


def _keyed(saved: Sequence[Any] | None) -> dict[str, Mapping[str, Any]] | None:
    """The states of ``saved`` (a list of scheduler states) that have a key, by key; None if there are none."""
    keyed = {
        state["key"]: state
        for state in saved or ()
        if isinstance(state, Mapping) and isinstance(state.get("key"), str) and "last_epoch" in state
    }
    return keyed or None


#: a number in a schedule's repr (an integer, a decimal or an exponent form)
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])")
#: the repr's tokens: a number, a ``name=``, a bracket or a comma, or any other character
_TOKEN = re.compile(
    rf"(?P<num>{_NUMBER.pattern})|(?P<key>[A-Za-z_]\w*)=|(?P<call>[A-Za-z_]\w*)\(|(?P<open>[(\[{{])"
    rf"|(?P<close>[)\]}}])|(?P<comma>,)|."
)


def _numbers(text: str) -> tuple[str, list[tuple[str | None, str | None, str]]]:
    """A schedule's repr with its numbers masked, and each number with the schedule and the argument it
    belongs to (the innermost ``Name(`` and ``name=`` around it: ``milestones=[10, 20]`` gives both to
    ``milestones``; None for a positional value)."""
    keys: list[str | None] = [None]
    calls: list[str | None] = [None]
    shape: list[str] = []
    found: list[tuple[str | None, str | None, str]] = []
    for m in _TOKEN.finditer(text):
        if m.group("num") is not None:
            shape.append("#")
            key = next((k for k in reversed(keys) if k is not None), None)
            found.append((next((c for c in reversed(calls) if c is not None), None), key, m.group("num")))
            continue
        shape.append(m.group(0))
        if m.group("key") is not None:
            keys[-1] = m.group("key")
        elif m.group("call") is not None or m.group("open") is not None:
            keys.append(None)
            calls.append(m.group("call"))
        elif m.group("close") is not None:
            if len(keys) > 1:
                keys.pop()
                calls.pop()
        elif m.group("comma") is not None:
            keys[-1] = None
    return "".join(shape), found


def _number(text: str) -> float:
    """A number of a repr as the schedule was given it: an int for ``10``, a float for ``10.0`` or ``1e3``."""
    return int(text) if text.lstrip("+-").isdigit() else float(text)


def _schedule_classes() -> dict[str, list[type[Schedule]]]:
    """Every schedule class defined so far (the package's and users' subclasses), by name: a repr names its
    class only by name, so a user's class named like one of the package's shares the entry."""
    found: dict[str, list[type[Schedule]]] = {}
    for cls in subclasses(Schedule):
        found.setdefault(cls.__name__, []).append(cls)
    return found


def _classes_in(schedules: Sequence[Schedule]) -> dict[str, list[type[Schedule]]]:
    """The classes of ``schedules`` and of the schedules inside them (a join's, a warm-up's), by name."""
    found: dict[str, list[type[Schedule]]] = {}
    todo, seen = list(schedules), set()
    while todo:
        s = todo.pop()
        if id(s) in seen:
            continue
        seen.add(id(s))
        if type(s) not in found.setdefault(type(s).__name__, []):
            found[type(s).__name__].append(type(s))
        for v in vars(s).values():
            todo.extend(x for x in (v if isinstance(v, (list, tuple)) else [v]) if isinstance(x, Schedule))
    return found


def _counts_steps(
    classes: Mapping[str, Sequence[type[Schedule]]], call: str | None, key: str | None, x: str
) -> bool:
    """Whether ``x``, given for ``key`` to the schedule ``call``, is a number of steps (as that schedule class
    says: :meth:`Schedule._counts_steps`). Of two classes with that name, only when both say so: a
    number that may be an LR compares by value (a changed LR read as a step count would pass unsaid)."""
    found = classes.get(call, ()) if call is not None else ()
    return bool(found) and key is not None and all(cls._counts_steps(key, _number(x)) for cls in found)


def _unretimed(r: str) -> str:
    """A schedule's repr without the ``Retimed`` clocks in it: the steps at which a run's epochs began are
    step counts too (a fit whose epochs change size plans them as it goes: review 68)."""
    return re.sub(r", points=\[[0-9(), ]*\]\)", "", r.replace("Retimed(schedule=", ""))


def _alike(a: Any, b: Any, classes: Mapping[str, Sequence[type[Schedule]]] | None = None) -> bool:
    """Whether two schedule reprs are the same but for their step counts (the arguments each schedule class
    says count steps: :attr:`Schedule._step_fields`) and the
    rounding of their floats (``max_lr=0.1`` and ``0.10000000000000002``, the same LR computed two ways).
    Any other number compares by value: ``max_lr=1`` and ``2`` differ, and so do ``final=0`` and
    ``final=0.05``."""
    if not isinstance(a, str) or not isinstance(b, str):
        return a == b
    (shape_a, nums_a), (shape_b, nums_b) = _numbers(_unretimed(a)), _numbers(_unretimed(b))
    if shape_a != shape_b or [n[:2] for n in nums_a] != [n[:2] for n in nums_b]:
        return False
    classes = _schedule_classes() if classes is None else classes
    for (call, key, x), (_, _, y) in zip(nums_a, nums_b, strict=True):
        steps = _counts_steps(classes, call, key, x), _counts_steps(classes, call, key, y)
        if all(steps):
            continue
        # a step count against a fraction of the run (WarmupStableDecay's decay=1 and decay=1.0) differ
        if any(steps) or not math.isclose(float(x), float(y), rel_tol=1e-9):
            return False
    return True
