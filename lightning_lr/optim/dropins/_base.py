"""What makes a drop-in behave as torch's scheduler of the same name: composition, warnings and state.

:class:`DropIn` is the base of every drop-in. The values still come from :class:`ScheduleLR`'s closed form;
this layer adds what torch's users rely on beyond the values of a scheduler alone:

- **Composition.** torch's recursive schedulers (StepLR, MultiStepLR, ExponentialLR, LinearLR,
  PolynomialLR, MultiplicativeLR, CosineAnnealingLR) scale the group's *current* LR, so schedulers stacked
  on one optimizer (side by side, ChainedScheduler, ConstantLR, ReduceLROnPlateau, SequentialLR) compound.
  A drop-in does the same in closed form: at step ``t`` it looks at the group's LR; if it is exactly the
  drop-in's own closed-form value ``v(t - 1)`` (nobody changed it), it writes ``v(t)``, bit for bit the
  value of the schedule alone; otherwise it scales the current LR by its own change, ``v(t) / v(t - 1)``
  (affine about ``eta_min`` for the cosine; additive where ``v(t - 1)`` is the pivot, as torch at the
  bottom of the cosine). Before the first step ``v(-1)`` is the drop-in's own base LR (torch's
  ``base_lrs``, kept from construction: a OneCycleLR made later rewrites the groups' ``initial_lr``).
- **Param groups added later** (``optimizer.add_param_group``) follow the first group's schedule from the
  LR they were added with (:class:`ScheduleLR`), which for the recursive ones is torch's scaling.
  :class:`AbsoluteDropIn` is the base of those torch writes absolutely (LambdaLR, CyclicLR, OneCycleLR,
  CosineAnnealingWarmRestarts): they overwrite, as torch's do.
- **Warnings.** torch's: ``step()`` before ``optimizer.step()`` (UserWarning, at the first step), the
  deprecated ``step(epoch)`` (torch's text and category; the jump stays exact), ``get_lr()`` outside
  ``step()``.
- **SequentialLR.** It calls ``_update_lr(0)`` on the next scheduler at a milestone: the value at step 0,
  written as torch's closed form does.
- **State.** ``state_dict()`` has torch's keys: the hyperparameters (a checkpoint resumes with its own
  settings), ``base_lrs``, ``last_epoch``, ``_step_count``, ``_last_lr``. torch's state_dict of the same
  class loads into a drop-in, and a drop-in's into torch's.
"""

from __future__ import annotations

import functools
import math
import numbers
import warnings
from collections.abc import Callable
from typing import Any, ClassVar, NoReturn

import torch
from torch.optim import Optimizer
from torch.optim import lr_scheduler as L
from torch.optim.lr_scheduler import EPOCH_DEPRECATION_WARNING

from ..._validate import counted, fail, is_number, same, state_mapping, user_stacklevel
from ...schedules._base import check_step, subclasses
from .. import param_groups as pg
from .._restored import copied, give_back, give_back_held, number, put
from .._untraced import EAGER, frame_callback, step_eagerly, untraced
from ..schedule_lr import (
    BLOCK,
    MAX_STEP,
    ScheduleLR,
    ScheduleSpec,
    check_optimizer,
    check_position,
)
from ._args import base_lrs as initial_lrs
from ._args import in_torch_names, one_element

__all__ = [
    "EPOCH_DEPRECATION_WARNING",
    "AbsoluteDropIn",
    "DropIn",
    "check_epoch_below_max",
    "restore_default",
    "state_class",
    "user_stacklevel",
    "warn_order",
]

# torch's own texts (torch.optim.lr_scheduler.LRScheduler.step and _warn_get_lr_called_within_step)
_OVERRIDDEN = (
    "Seems like `optimizer.step()` has been overridden after learning rate scheduler "
    "initialization. Please, make sure to call `optimizer.step()` before "
    "`lr_scheduler.step()`. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)
_ORDER = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. "
    "In PyTorch 1.1.0 and later, you should call them in the opposite order: "
    "`optimizer.step()` before `lr_scheduler.step()`.  Failure to do this "
    "will result in PyTorch skipping the first value of the learning rate schedule. "
    "See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)
_GET_LR = "To get the last learning rate computed by the scheduler, please use `get_last_lr()`."


def restore_default(obj: Any, state: Any) -> None:
    """What copy and pickle do without a ``__setstate__``: ``state`` is the ``__dict__``, or, for a class with
    slots, the ``__dict__`` (or None) and the slots' values."""
    attributes, slots = state if isinstance(state, tuple) and len(state) == 2 else (state, None)
    if attributes:
        obj.__dict__.update(attributes)
    for k, v in (slots or {}).items():
        setattr(obj, k, v)


def warn_order(optimizer: Optimizer) -> None:
    """torch's warnings at the first ``step()``: ``optimizer.step`` replaced after the scheduler was
    created, or not called yet (the first value of the schedule would be skipped)."""
    if not hasattr(optimizer.step, "_wrapped_by_lr_sched"):
        warnings.warn(_OVERRIDDEN, UserWarning, stacklevel=3)
    elif not getattr(optimizer, "_opt_called", False):
        warnings.warn(_ORDER, UserWarning, stacklevel=3)


#: the steps ``step(epoch)`` takes are below this (the schedules count steps in 64-bit integers)
_MAX_EPOCH = MAX_STEP


def check_epoch_below_max(epoch: Any) -> None:
    """Refuse an ``epoch`` (a number, a one-element tensor's already read) at or past ``2**62`` with a
    ValueError naming it (the schedules count steps in 64-bit integers; past that an OverflowError named
    nothing). An integer is compared as itself (``2**62 - 1`` is below; as a float it rounds to ``2**62``),
    a float as itself; inf and nan are left to the caller's check."""
    if not isinstance(epoch, numbers.Real) or isinstance(epoch, bool):
        return
    if isinstance(epoch, numbers.Integral):
        big = int(epoch) >= _MAX_EPOCH
    else:
        big = _MAX_EPOCH <= float(epoch) < math.inf
    if big:
        raise ValueError(f"epoch must be a step below 2**62, got {epoch!r}")


def check_epoch(epoch: Any) -> int:
    """``step(epoch)``'s ``epoch``: an integer >= 0, or a float with a whole value (torch takes ``3.0``),
    or a one-element tensor of either; a fractional one is refused, since these schedules are functions of a
    whole step, and so is one past ``2**62`` (the schedules count steps in 64-bit integers)."""
    epoch = one_element(epoch, bools=False)
    check_epoch_below_max(epoch)
    if isinstance(epoch, numbers.Real) and not isinstance(epoch, (bool, numbers.Integral)):
        value = float(epoch)
        if math.isfinite(value) and value.is_integer() and value >= 0:
            return int(value)
        if not value < 0:  # a negative one is refused as any other
            fractional = math.isfinite(value)
            raise ValueError(
                f"epoch must be a whole number >= 0 (a step), got {epoch!r}"
                + ("; a fractional epoch is taken only by CosineAnnealingWarmRestarts" if fractional else "")
            )
    return check_step(epoch, "epoch")


class _Watched:
    """A setting torch's ``step()`` reads afresh (``sched.gamma``): kept in the instance's ``__dict__``, as
    torch keeps it; assigning it marks the scheduler's schedules for a rebuild at the next step
    (:meth:`DropIn._follow_settings`). Free at every step but the one after a change."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return self
        try:
            return obj.__dict__[self.name]
        except KeyError:
            raise AttributeError(self.name) from None

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.name] = value
        if getattr(obj, "_ready", False):  # not while it is being built (torch's constructor sets base_lrs)
            obj._changed = True


def _refuse_own_get_lr(cls: type) -> None:
    """Refuse a user's subclass that overrides ``get_lr`` (torch's way to make a scheduler of one's own): a
    drop-in computes its values in closed form and never calls it, so its values would be silently ignored."""
    for klass in cls.__mro__:
        if klass.__module__.startswith(("lightning_lr.", "torch.")):
            break
        own = [name for name in ("get_lr", "_get_closed_form_lr") if name in vars(klass)]
        if own:
            raise TypeError(
                f"{cls.__name__} overrides {own[0]}(), which a lightning_lr drop-in never calls: it computes its "
                f"values in closed form from its settings. Subclass torch.optim.lr_scheduler's class for a "
                f"get_lr() of your own, or give the schedule as a function: lightning_lr.optim.LambdaLR, or "
                f"ScheduleLR with a lightning_lr.schedules schedule"
            )


class DropIn(ScheduleLR):
    """A drop-in whose torch class scales the current LR: it composes with other schedulers (see the
    module docstring). Subclasses give their hyperparameters (:attr:`settings_keys`, :meth:`_build`); those
    driven by the user's functions set ``_functions`` before ``DropIn.__init__``: each function with torch's
    name of the argument it was given as, which a step's error about what it returned names."""

    # ScheduleLR's machinery and this class's caches live in slots, so that a drop-in's __dict__ holds
    # what torch's does (torch's tests compare schedulers' __dict__ after load_state_dict).
    __slots__ = (
        "_added",
        "_at",
        "_beta_jobs",
        "_block_start",
        "_built_on_state",
        "_built_steps",
        "_changed",
        "_configured_momentum",
        "_functions",
        "_groups",
        "_lazy_rows",
        "_lr_index",
        "_lr_jobs",
        "_lr_safe",
        "_momentum_index",
        "_momentum_jobs",
        "_momentum_keys",
        "_plan",
        "_ready",
        "_refs",
        "_stepped_groups",
        "_vals",
        "_wrote",
        "lr_floors",
        "lr_scales",
        "lr_schedules",
        "momentum_schedules",
        "relative",
    )

    #: the LRs torch's scheduler writes, nan and inf among them (a ScheduleLR refuses those: torch's code runs)
    checks_lrs: ClassVar[bool] = False
    #: torch's attribute names of the settings a state_dict carries (beside base_lrs and the step): every
    #: state of this class holds them (torch's own since torch 2.2), so a state without one of them, or with
    #: another drop-in's, is another class's and is refused (:meth:`load_state_dict`)
    settings_keys: ClassVar[tuple[str, ...]] = ()
    #: whether the per-group schedules are built from ``base_lrs`` (rebuilt when a checkpoint's differ)
    built_from_base_lrs: ClassVar[bool] = False
    #: the attributes torch's ``step()`` reads afresh each step (None: :attr:`settings_keys`): one assigned
    #: during the run (``sched.T_max = 200``) takes effect at the next step, as in torch
    #: (:meth:`_follow_settings`)
    watched_keys: ClassVar[tuple[str, ...] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _refuse_own_get_lr(cls)  # when the class is defined: before anything touches an optimizer
        for key in cls.settings_keys if cls.watched_keys is None else cls.watched_keys:
            # a user's subclass's own property or class attribute of that name stays its own (review 55)
            if key not in vars(cls) and not isinstance(getattr(cls, key, None), _Watched):
                setattr(cls, key, _Watched(key))

    @property
    def _pivot(self) -> float:
        """The value the LR is scaled about when composing (CosineAnnealingLR: eta_min)."""
        return 0.0

    def __init__(
        self,
        optimizer: Optimizer,
        lr: ScheduleSpec,
        momentum: ScheduleSpec = None,
        relative: bool = False,
        last_epoch: int = -1,
    ) -> None:
        groups = check_optimizer(optimizer, type(self).__name__)
        n = len(groups)
        if relative:
            # the LRs the schedules scale (torch's base_lrs): a nan or inf one would make every LR nan, and a
            # state holding one is refused at load (review 132); checked before the groups are written to
            for i, b in enumerate(initial_lrs(groups, last_epoch)):
                if not _a_base_lr(b):
                    fail(f"the initial LR of param group {i}", "a finite number >= 0", b)
        #: the step whose closed-form values ``_vals`` holds; None when unknown (after a load)
        self._at: int | None = None
        self._vals: list[float] = []
        #: the LR this scheduler last wrote to each group (torch's ``_last_lr``); None: ``v(_at)``
        self._wrote: list[float] | None = [0.0] * n
        #: per tensor LR: (tensor, version) while it holds exactly this scheduler's value ``v(_at)``
        self._refs: list[tuple[torch.Tensor, int] | None] = [None] * n
        #: whether a watched setting was assigned since the schedules were built (a subclass sets them first)
        self._changed = False
        #: how many param groups there were at this scheduler's last write (its step, a load): torch's
        #: ``get_last_lr()`` has no entry for a group added since; -1 before the constructor's step
        self._stepped_groups = -1
        super().__init__(optimizer, lr, momentum, relative, last_epoch)
        #: the optimizer's param group dicts as this scheduler last saw them: ``optimizer.load_state_dict``
        #: replaces them with new ones, so they tell whether the optimizer's state was loaded since
        self._groups: list[dict[str, Any]] = list(optimizer.param_groups)
        #: built: an assignment to a watched setting from now on is a change
        self._ready = True

    def __setstate__(self, state: Any) -> None:
        """A copy's (deepcopy's or pickle's) restore, without the tensor LRs' records (``_refs``): a copied or
        unpickled tensor starts again at version 0, so a record's version could match the copy's after
        another scheduler's write (review 106: ConstantLR's factor was lost). The copy reads its tensor LRs
        once, at its first step, and records them afresh."""
        parent = getattr(super(), "__setstate__", None)  # a mixin's (CyclicLR's _CycleWriter)
        if parent is not None:
            parent(state)
        else:
            restore_default(self, state)
        self._refs = [None] * len(getattr(self, "_refs", ()))

    # --- the settings ---------------------------------------------------------------------------------
    def _build(self) -> tuple[ScheduleSpec, ScheduleSpec]:
        """The LR and momentum schedules for the current settings (raise, under torch's names, if invalid)."""
        raise NotImplementedError

    def _settings(self) -> dict[str, Any]:
        """The settings as torch's state_dict holds them."""
        return {key: getattr(self, key) for key in self.settings_keys}

    def _load_settings(self, state_dict: dict[str, Any], base_lrs: list[Any]) -> None:
        """Take a checkpoint's settings, rebuilding the schedules if they differ from this scheduler's."""
        given = {k: state_dict[k] for k in self.settings_keys if k in state_dict}
        changed = any(not same(v, getattr(self, k)) for k, v in given.items())
        if self.built_from_base_lrs and not same([number(b) for b in base_lrs], self._base_floats()):
            changed = True
        if not changed:
            return
        kept = {k: getattr(self, k) for k in given}
        kept_base = self.base_lrs
        for k, v in given.items():
            setattr(self, k, v)
        self.base_lrs = base_lrs
        try:
            self._configure(*self._build())
        except (TypeError, ValueError):
            for k, v in kept.items():
                setattr(self, k, v)
            self.base_lrs = kept_base
            raise

    def _follow_settings(self) -> bool:
        """Rebuild the schedules when a watched setting was assigned since they were built, as torch's next
        step reads it: the recursive classes then scale the current LR by the new schedule's change (torch's
        recursion with the new setting), the absolute ones write the new schedule's value. Whether they were
        rebuilt. A setting the schedule refuses raises, under torch's name, at each step until it is mended.
        A change inside a list or Counter in place (``sched.milestones[60] = 1``) is not seen: assign it."""
        if not self._changed:
            return False
        # (base_lrs: what every class's schedules are built from or scaled by; review 132)
        _check_base_lrs("base_lrs", self.base_lrs)
        self._configure(*self._build())
        self._changed = False  # (_build normalises the settings: 30.0 -> 30)
        self._invalidate()
        self._at = None  # v(t - 1) of the new schedule is computed at the next step
        return True

    def _base_floats(self) -> list[float]:
        return [number(b) for b in self.base_lrs]

    def _group_factors(self, n: int) -> list[float]:
        # torch's ``base_lrs``, taken at construction (or from a loaded state_dict), not the groups' live
        # ``initial_lr``: a scheduler built later on the same optimizer (OneCycleLR) rewrites that, and
        # torch's schedulers keep their own base
        if not self.relative:
            return [1.0] * n
        bases = self._base_floats()[:n]
        # groups added later that were given schedules of their own (set_schedule for every group): the LR
        # they had when the scheduler took them in (their initial_lr)
        return bases + [float(g["initial_lr"]) for g in self.optimizer.param_groups[len(bases) : n]]

    def _sync_groups(
        self, saved: dict[int, tuple[int, float] | None] | None = None, reference: list[float] | None = None
    ) -> None:
        # a group added since holds its own LR: that is its value at the last step (so the next one
        # writes the closed form from it, unless someone changes it in between)
        n = len(self._lr_index)
        if not saved and len(self.optimizer.param_groups) == n:
            return  # the common case, at every step: no group added since
        super()._sync_groups(saved, reference)
        added = [number(g["lr"]) for g in self.optimizer.param_groups[n:]]
        if not added:
            return
        if len(self._vals) == n:
            self._vals += added
        if self._wrote is not None:
            self._wrote += added
        self._refs += [None] * len(added)

    # --- stepping -------------------------------------------------------------------------------------
    @untraced
    def step(self, epoch: int | None = None) -> None:
        """Advance one step; or, deprecated as in torch (which warns), jump to step ``epoch``.

        Args:
            epoch: the step to jump to, a whole number >= 0 (``3.0`` is step 3; a fractional epoch is
                refused: only :class:`CosineAnnealingWarmRestarts` takes those). The jump is exact: the
                closed-form value at ``epoch``, from the initial LR, whatever the steps before (torch's
                closed form, where it has one). ``MultiplicativeLR`` has none in torch, which multiplies
                the current LR by ``lr_lambda(epoch)`` once; here it jumps to the product of the factors
                for steps 1 to ``epoch`` (docs/differences_from_torch.md).
        """
        if frame_callback() not in EAGER:  # run by torch.compile: stepped as in eager code (``_untraced``)
            step_eagerly(self, epoch)
            return
        count = self._step_count
        if (
            epoch is None
            and count != 1
            and not self._changed
            and len(self.optimizer.param_groups) == self._stepped_groups
        ):
            # The hot path: a plain step with nothing to warn about, no group added and no setting assigned
            # since the last one (what the general path below checks, each then a no-op; a group adopted
            # between two steps, by get_last_lr(), takes the general path too). Each attribute in
            # the instance's __dict__ is read once: once the __dict__ is materialized (a watched setting,
            # vars(self) in state_dict), every access to it costs several times a slot's.
            last = self.last_epoch
            self._step_count = count + 1
            self.last_epoch = t = last + 1
            try:
                self._advance(t)
            except Exception as exc:
                self._failed_step(exc, count, last)
            return
        last = self.last_epoch
        try:
            # checked before anything changes: a refused epoch leaves the scheduler as it was
            if epoch is not None:
                epoch = check_epoch(epoch)
            if count == 1:
                warn_order(self.optimizer)
            self._sync_groups()
            self._follow_settings()
            self._step_count += 1
            if epoch is None:
                self.last_epoch = t = self.last_epoch + 1
                self._advance(t)
            else:
                warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
                self.last_epoch = t = epoch
                self._apply(t)
            self._stepped_groups = len(self.optimizer.param_groups)
        except Exception as exc:
            self._failed_step(exc, count, last)

    def _failed_step(self, exc: Exception, count: int, last: int) -> NoReturn:
        """Raise ``exc`` (being handled), of a step that failed, with the step count and ``last_epoch`` put back
        to ``count`` and ``last``: nothing was written (a user's function is called before any group is:
        :meth:`_read_ahead`), so the scheduler stays where the optimizer is, and a step again meets the same
        error, as torch's state would not (its step counts before it computes)."""
        self._step_count, self.last_epoch = count, last
        if isinstance(exc, (TypeError, ValueError)):
            self._raise_in_torch_names(exc)
        raise exc

    def _update_lr(self, epoch: int | None = None) -> None:
        """What torch's SequentialLR calls: ``epoch=0`` at a milestone (the value at step 0, written as
        torch's closed form does), None for a plain step (neither counts nor warns, as torch's)."""
        count, last = self._step_count, self.last_epoch
        try:
            if epoch is not None:
                epoch = check_epoch(epoch)
            self._sync_groups()
            self._follow_settings()
            if epoch is None:
                self.last_epoch = t = self.last_epoch + 1
                self._advance(t)
            else:
                self.last_epoch = t = epoch
                self._jump(t)
            self._stepped_groups = len(self.optimizer.param_groups)
        except Exception as exc:
            self._failed_step(exc, count, last)

    def _raise_in_torch_names(self, exc: TypeError | ValueError) -> NoReturn:
        """Raise ``exc`` (being handled) in torch's names (:meth:`_in_torch_names`)."""
        new = self._in_torch_names(exc)
        if new is exc:
            raise exc
        raise new from None

    def _in_torch_names(self, exc: TypeError | ValueError) -> TypeError | ValueError:
        """An error of a step in torch's names: what a user's function returned that its schedule refuses is
        said of the argument it was given as (``lr_lambda``, ``scale_fn``: :attr:`_functions`), not of the
        schedule (``Lambda: f(3) returned ...``). Any other error is ``exc`` itself."""
        new = in_torch_names(exc, None, functions=getattr(self, "_functions", ()))
        return new if new is exc else new.with_traceback(exc.__traceback__)

    def _jump(self, t: int) -> None:
        """Write the values at step ``t`` (torch's closed form; MultiplicativeLR, which has none, scales)."""
        self._apply(t)

    #: whether torch's class, stepped to step 0 outside its constructor's initial step, scales the LR by a
    #: factor of its own (:meth:`_at_zero`) where its closed form has none: torch's ExponentialLR, PolynomialLR,
    #: CosineAnnealingLR and MultiplicativeLR leave the LR alone at step 0 only in the initial step
    #: (``_is_initial``), so in a ChainedScheduler that a SequentialLR starts, or after ``last_epoch = -1`` set by
    #: hand, their first step scales it
    _scales_at_zero = False

    def _at_zero(self, i: int, cur: float) -> float:
        """Group ``i``'s LR after torch's class steps from ``cur`` to step 0 outside its initial step."""
        return cur

    def _step_to_zero(self) -> None:
        """Step to 0 outside the initial step as torch's class does (:attr:`_scales_at_zero`): each scheduled
        group's LR by :meth:`_at_zero` (never below 0), the next steps scaling it by the closed form's change."""
        groups = self.optimizer.param_groups
        cur = [number(g["lr"]) for g in groups]
        self._record(0)
        values = list(cur)
        for i, _row in self._lr_jobs:
            values[i] = max(0.0, self._at_zero(i, cur[i]))
        self._write(values)
        self._wrote = values
        self._refs = [None] * len(groups)

    def _advance(self, t: int) -> None:
        if t == 0 and self._scales_at_zero and not getattr(self, "_is_initial", True):
            self._step_to_zero()  # (a torch without the flag leaves the LR alone at step 0: review 74)
            return
        # The hot path. `cur != p` is one float comparison: alone, the group always holds v(t - 1), and the
        # value written is the closed form. Before it, `cur is p` tells the float object written last step
        # without comparing; a step, multi-step or constant schedule keeps one object over a run of equal
        # values (`shared_runs`), so on most of its steps nothing is written (10 groups: 1.7 -> 1.3 us). A
        # tensor LR is recognized by identity and version (in-place writes bump it) instead of being read
        # (.item() costs several times a step).
        k = t - self._block_start
        if self._at != t - 1 or not 0 <= k < BLOCK:
            if getattr(self, "_is_initial", False) and t > 0:  # (a torch without the flag: review 74)
                # created with last_epoch >= 0 (a resume): the value at t, as before the checkpoint
                self._apply(t)
                return
            k = self._prepare(t)
        if self._lazy_rows:  # (a user's function: what raises does so before any group is written)
            self._read_ahead(k)
        vals, wrote, refs, jobs = self._vals, self._wrote, self._refs, self._lr_jobs
        assert wrote is not None
        groups = self.optimizer.param_groups
        for i, row in jobs:
            v = row[k]
            p = vals[i]
            group = groups[i]
            cur = group["lr"]
            if cur is p:  # the very float written last step, untouched since: no comparison needed
                wrote[i] = v
                if v is not p:  # (a run of equal values is one object: schedule_lr.shared_runs)
                    group["lr"] = vals[i] = v
                continue
            vals[i] = v
            if type(cur) is float:
                if cur != p:
                    v = self._combine(cur, p, v, i, t)
                group["lr"] = wrote[i] = v
            elif isinstance(cur, torch.Tensor):
                ref = refs[i]
                clean = ref is not None and ref[0] is cur and ref[1] == cur._version
                if not clean:
                    x = cur.item()
                    clean = x == p
                    if not clean:
                        v = self._combine(x, p, v, i, t)
                cur.fill_(v)
                wrote[i] = v
                refs[i] = (cur, cur._version) if clean else None
            else:  # an int LR
                x = float(cur)
                if x != p:
                    v = self._combine(x, p, v, i, t)
                group["lr"] = wrote[i] = v
        if len(jobs) != len(groups):
            # an added group left alone (no schedule to scale it to): its LR after this step, which torch's
            # get_last_lr() gives, as the group holds it (review 106: a plateau's cut was not seen)
            for i in range(len(groups)):
                if self._lr_index[i] < 0:
                    wrote[i] = number(groups[i]["lr"])
        self._at = t

    def _prepare(self, t: int) -> int:
        """Make ``_vals`` hold ``v(t - 1)`` (after a jump, a load, or SequentialLR moving ``last_epoch``)
        and the block hold step ``t``; the index of ``t`` in the block."""
        if self._at != t - 1:
            self._vals = self._values_at(t - 1)
            self._refs = [None] * len(self.optimizer.param_groups)
            if self._wrote is None:
                self._wrote = list(self._vals)
        k = t - self._block_start
        if not 0 <= k < BLOCK:
            self._fill(t)
            k = t - self._block_start
        return k

    def _combine(self, cur: float, p: float, v: float, i: int, t: int) -> float:
        """The LR after this step when the group holds ``cur`` instead of this scheduler's ``v(t - 1) = p``:
        ``cur`` scaled by the scheduler's own change, as torch's recursive form (never below 0)."""
        c = self._pivot
        d = p - c
        if d != 0.0:
            new = c + (cur - c) * ((v - c) / d)
        elif self.relative and t > 0 and (a := self._unit_value(i, t - 1)) != 0.0:
            # a group created at LR 0 whose LR was set by hand (unfrozen): its values are all 0, but torch
            # scales the LR it holds by the schedule's own change, which is the shape's (review 76: it stayed
            # at the LR set, undecayed)
            new = cur * (self._unit_value(i, t) / a)
        else:
            new = cur + (v - p)
        return 0.0 if new < 0.0 else new

    def _unit_value(self, i: int, t: int) -> float:
        """Group ``i``'s schedule at step ``t`` before its factor (relative mode: its initial LR)."""
        return float(self._plan.unique[self._lr_index[i]](t))

    def _start_values(self) -> list[float]:
        """``v(-1)``: the LR each group has before the first step (its initial LR)."""
        return self._factors() if self.relative else self._base_floats()

    def _values_at(self, s: int) -> list[float]:
        """The closed-form LR of every group at step ``s`` (``-1``: before the first step)."""
        if s < 0:
            return self._start_values()
        k = s - self._block_start
        if not 0 <= k < BLOCK:
            self._fill(s)
            k = s - self._block_start
        out = [number(g["lr"]) for g in self.optimizer.param_groups]
        for i, row in self._lr_jobs:
            out[i] = row[k]
        return out

    def _apply(self, t: int) -> None:
        """Write the closed-form values at step ``t`` (a jump, the first step, set_schedule)."""
        super()._apply(t)
        self._record(t)

    def _record(self, t: int) -> None:
        self._at = t
        self._stepped_groups = len(self.optimizer.param_groups)
        self._vals = self._values_at(t)
        self._wrote = list(self._vals)
        self._refs = [
            (g["lr"], g["lr"]._version) if isinstance(g["lr"], torch.Tensor) else None
            for g in self.optimizer.param_groups
        ]

    # --- reading --------------------------------------------------------------------------------------
    def _last_written(self) -> list[float]:
        if self._wrote is not None:
            return list(self._wrote)
        if self._at is None:
            return [number(g["lr"]) for g in self.optimizer.param_groups]
        return self._values_at(self._at)

    @property
    def _last_lr(self) -> list[float | torch.Tensor]:
        """torch's attribute behind ``get_last_lr()``."""
        return self.get_last_lr()

    @_last_lr.setter
    def _last_lr(self, values: list[Any]) -> None:
        self._wrote = [number(x) for x in values]
        self._stepped_groups = len(self._wrote)

    def get_last_lr(self) -> list[float | torch.Tensor]:
        """The LR of each group after this scheduler's last step, as torch's (tensors as tensors of the
        group's dtype; in a chain, later schedulers may have changed the group's LR since). A param group
        added to the optimizer since that step has no entry, as in torch."""
        self._sync_groups()
        written = self._last_written()
        if self._stepped_groups >= 0:
            written = written[: self._stepped_groups]
        out: list[float | torch.Tensor] = []
        for g, x in zip(self.optimizer.param_groups, written, strict=False):
            lr = g["lr"]
            out.append(
                torch.tensor(x, dtype=lr.dtype, device=lr.device) if isinstance(lr, torch.Tensor) else x
            )
        return out

    def get_lr(self) -> list[float | torch.Tensor]:
        """The closed-form LRs at the current step; warns as torch's when called outside ``step()``
        (``get_last_lr`` is the way to read the LR)."""
        if not self._get_lr_called_within_step:
            warnings.warn(_GET_LR, UserWarning, stacklevel=2)
        return super().get_lr()

    # --- state ----------------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """torch's state_dict for this class: the settings, ``base_lrs``, ``last_epoch``, ``_step_count``,
        ``_is_initial``, ``_get_lr_called_within_step`` and ``_last_lr`` (never the optimizer); and
        ``added_groups`` once param groups were added to the optimizer (see :class:`ScheduleLR`)."""
        self._sync_groups()
        state = self._settings()
        state["base_lrs"] = [b.clone() if isinstance(b, torch.Tensor) else b for b in self.base_lrs]
        state["last_epoch"] = self.last_epoch
        state["_step_count"] = self._step_count
        state["_is_initial"] = False
        state["_get_lr_called_within_step"] = False
        state["_last_lr"] = self.get_last_lr()
        if self._added:
            state["added_groups"] = self._added_state()
        # a user's subclass's own attributes (self.restarts = 0), which torch's state holds (its whole
        # __dict__ but the optimizer); the package's classes have none beyond the above
        state.update(self._own_attributes(vars(self), state))
        return state

    def _own_attributes(self, attributes: dict[str, Any], ours: Any) -> dict[str, Any]:
        """The public ``attributes`` that are not the optimizer nor among ``ours`` (the keys of this class's
        state): a subclass's own, kept in the state as torch keeps them."""
        return {
            k: v
            for k, v in attributes.items()
            if not k.startswith("_") and k != "optimizer" and k not in ours
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Continue from a checkpoint, ours or torch's scheduler of the same class: its settings (the
        schedules are rebuilt if they differ from the constructor's), step and last LRs.

        As in torch, the optimizer's state holds the LR: load it too. If it was not loaded (the optimizer's
        param groups are the dicts this scheduler was built with, and held no ``initial_lr`` then) and the
        groups still hold what this scheduler wrote, they get the checkpoint's last LRs. If it was loaded before
        this scheduler was built (torch's order) and nothing stepped since, the groups get back the LRs and the
        momentums it held where they still hold what this scheduler wrote: the checkpoint's, not this
        scheduler's at its step (in a ``SequentialLR`` it may be a finished phase).

        Raises:
            KeyError: ``state_dict`` has no ``last_epoch`` or ``_step_count``.
            ValueError: they are not what the constructor allows (an integer >= -1; >= 0), the state is
                another scheduler class's (:meth:`_check_class`), or of another number of param groups. A
                refused state leaves the scheduler as it was.
        """
        state_mapping(state_dict, type(self).__name__)
        groups = self.optimizer.param_groups
        before = [{k: copied(v) for k, v in g.items() if k != "params"} for g in groups]
        built = self._built_on_state
        try:
            self._load_state(state_dict)
        except (TypeError, ValueError) as exc:
            # a refused state leaves the groups as they were too (review 82: their LRs and cycle settings were
            # the checkpoint's, and the next step ran on them)
            for g, was in zip(groups, before, strict=False):
                for k, v in was.items():
                    put(g, k, v)
            self._built_on_state = built
            self._raise_in_torch_names(exc)

    def _load_state(self, state_dict: dict[str, Any]) -> None:
        last_epoch, step_count = check_position(state_dict, self.last_epoch)  # before anything changes
        self._check_class(state_dict)
        self._check_state(state_dict)
        saved, added = state_dict.get("base_lrs"), self._added_from(state_dict)
        # the groups this scheduler was built for: the checkpoint's, and those it had adopted when the optimizer
        # is rebuilt with them. Checked before anything changes: a refused state leaves the scheduler as it was
        if isinstance(saved, (list, tuple)) and not (
            len(saved) <= len(self.base_lrs)
            and all(i in added for i in range(len(saved), len(self.base_lrs)))
        ):
            raise ValueError(
                f"{type(self).__name__}: the state was written by a scheduler of "
                f"{counted(len(saved), 'param group')} (its "
                f"base_lrs: {[number(x) for x in saved]}), this one was built for {len(self.base_lrs)}: load the "
                f"state of the same optimizer's scheduler (groups added during training, as BaseFinetuning "
                f"adds them, are not counted here: add them again before loading). The scheduler is unchanged"
            )
        last = state_dict.get("_last_lr")
        if isinstance(saved, (list, tuple)) and last is not None and len(last) < len(saved):
            # (one LR for every group the scheduler was built for, from its constructor's step on; more for groups
            # added since. Review 125: a StepLR at 0.1 loaded [0.5] and stepped to [0.5, 0.01], without a word)
            raise ValueError(
                f"{type(self).__name__}: the state's _last_lr holds the LRs of {counted(len(last), 'param group')} "
                f"({[number(x) for x in last]}), its base_lrs {len(saved)} ({[number(x) for x in saved]}): a "
                f"scheduler's _last_lr has one for every param group it was built for, from its first step on; load "
                f"the state the scheduler wrote. The scheduler is unchanged"
            )
        # the LRs held at the build, for the load that follows it: after a step they are long gone (review 59:
        # a rewind six steps later wrote them back, 8x the step's LR). Judged before the groups the checkpoint
        # added in training are adopted, which rewrites their LRs (review 80)
        untouched = self._untouched()
        still_written = self._momentums_still_written()
        restored = self._taken_at_build()
        kept = None if restored is None else restored.lrs
        if restored is not None:
            # the LRs, cycle settings and momentums the constructors wrote over, where they still hold it, before
            # the checkpoint's settings are compared with them
            give_back_held(self.optimizer, restored)
        if restored is not None and untouched:
            # the LRs, before a group added since is adopted at its ratio to them (review 80)
            for g, lr in zip(self.optimizer.param_groups, restored.lrs, strict=False):
                pg.set_lr(g, lr)
        self._sync_groups(added, reference=kept if untouched else None)
        base_lrs = list(state_dict.get("base_lrs", self.base_lrs))
        if self._changed:  # a setting assigned before the load (review 55: in on_fit_start, before Lightning
            # restores the scheduler): the schedules follow it first, then the checkpoint's settings compare
            self._configure(*self._build())
            self._changed = False
        self._load_settings(state_dict, base_lrs)
        self.base_lrs = base_lrs
        self.last_epoch, self._step_count = last_epoch, step_count
        self._invalidate()  # the optimizer's state may have brought other initial_lr values
        if last is None:  # a checkpoint of an earlier version: the step alone
            self._apply(max(self.last_epoch, 0))
            self._load_position(state_dict)
            self._load_own_attributes(state_dict)
            self._changed = False
            return
        groups = self.optimizer.param_groups
        # the checkpoint's groups added in training that the optimizer does not have now (said by
        # _sync_groups) are left out; groups it has beyond the checkpoint's keep what they hold
        wrote = [number(x) for x in last][: len(groups)]
        if untouched and restored is None:
            self._apply(max(self.last_epoch, 0))  # momentum, for the cycles
        elif untouched and restored is not None:
            # built on the loaded optimizer state: its momentum, as its LRs below, where the groups still hold this
            # scheduler's. Not this scheduler's value at its step: in a SequentialLR the checkpoint's momentum is
            # the active phase's, and the first step after the resume ran on an earlier phase's (review 97)
            give_back(self.optimizer, restored, still_written)
        wrote += [number(g["lr"]) for g in groups[len(wrote) :]]
        if untouched:
            self._write(wrote if kept is None else kept[: len(wrote)] + wrote[len(kept) :])
        self._load_position(state_dict)
        self._at, self._wrote = None, wrote
        # (torch's get_last_lr() after a load is the checkpoint's: a group beyond its groups has no entry)
        self._stepped_groups = min(len(last), len(groups))
        self._groups = list(self.optimizer.param_groups)
        self._load_own_attributes(state_dict)
        self._changed = False  # the settings it loaded are built

    def _load_own_attributes(self, state_dict: dict[str, Any]) -> None:
        """Set a subclass's own attributes from the state (:meth:`_own_attributes`), as torch's
        ``__dict__.update`` does; not the names of the class's own (a property, a method), nor from a
        schedule callback's form of the state (``lr_schedules``: the step alone)."""
        if "lr_schedules" in state_dict:
            return
        ours = {*self._settings(), "base_lrs", "last_epoch", "added_groups"}
        for k, v in self._own_attributes(state_dict, ours).items():
            if not hasattr(type(self), k):
                setattr(self, k, v)

    def _check_class(self, state_dict: dict[str, Any]) -> None:
        """Refuse the state of another scheduler class (a config changed between runs): it lacks one of this
        class's :attr:`settings_keys`, holds one of another drop-in's (for the package's own classes: a
        user's subclass keeps attributes of its own, ``total_steps`` of a warm-up on LambdaLR, which torch's
        state holds), or is a schedule callback's (ScheduleLR's, with its ``key``). A state of the form before
        the drop-ins had torch's keys (ScheduleLR's, with ``lr_schedules`` and no key) gives its step alone,
        as it did."""
        name = type(self).__name__
        if "lr_schedules" in state_dict:
            if state_dict.get("key") is not None:
                raise ValueError(
                    f"{name}: the state_dict is a schedule callback's scheduler's (key {state_dict['key']!r}), not "
                    f"a {name}'s: the checkpoint was written with a lightning_lr callback scheduling this "
                    f"optimizer. Resume with that callback, or start the {name} afresh. The scheduler is unchanged"
                )
            return
        own = type(self).settings_keys
        missing = [k for k in own if k not in state_dict]
        others: dict[str, list[str]] = {}
        package = type(self).__module__.startswith("lightning_lr.")
        for cls in subclasses(DropIn) if package else ():
            for k in cls.settings_keys:
                if k in state_dict and k not in own:
                    others.setdefault(k, []).append(cls.__name__)
        if not missing and not others:
            return
        if missing:
            why = f"it lacks {missing}"
        else:
            held = ", ".join(f"{k!r} ({' or '.join(sorted(set(c)))})" for k, c in sorted(others.items()))
            why = f"it holds the settings of another scheduler: {held}"
        raise ValueError(
            f"{name}: the state_dict is another scheduler class's: {why}; keys present: {sorted(state_dict)}. "
            f"Load the state of the same class ({name}, ours or torch's). The scheduler is unchanged"
        )

    def _check_state(self, state_dict: dict[str, Any]) -> None:
        """Refuse a state whose values cannot be a scheduler's (checked before anything changes): its
        ``base_lrs`` and ``_last_lr`` must be lists of LRs; a subclass adds its own."""
        _check_lrs(state_dict)

    def _load_position(self, state_dict: dict[str, Any]) -> None:
        """Restore position state beyond ``last_epoch`` (CosineAnnealingWarmRestarts' ``T_cur``)."""

    def _untouched(self) -> bool:
        """Whether the optimizer's state was not loaded since this scheduler was built (or last loaded): its
        param groups are the same dicts, and every group's LR is still what this scheduler last wrote. (The
        LRs alone cannot tell: a restored LR may equal the one a fresh scheduler writes, as in a
        SequentialLR's phase back at the initial LR.)"""
        groups = self.optimizer.param_groups
        if any(a is not b for a, b in zip(self._groups, groups, strict=False)):  # groups added since: new
            return False
        # (the groups it has written: one added since is adopted after this)
        for g, x in zip(groups, self._last_written(), strict=False):
            lr = g["lr"]
            if isinstance(lr, torch.Tensor):
                if lr.item() != torch.tensor(x, dtype=lr.dtype).item():
                    return False
            elif lr != x:
                return False
        return True

    def _momentums_still_written(self) -> list[tuple[int, str]]:
        """The groups (of those this scheduler was built for) whose momentum (or beta1) this scheduler cycles and
        that still hold what it wrote at its step, each with its key (``"momentum"`` or ``"betas"``)."""
        t = max(self.last_epoch, 0)
        out = []
        groups = self.optimizer.param_groups
        for i, (s, key) in enumerate(zip(self.momentum_schedules, self._momentum_keys, strict=False)):
            if s is None or key is None or i >= len(groups) or i in self._added:
                continue
            held = groups[i][key] if key == "momentum" else groups[i][key][0]
            mine = float(s(t))
            if isinstance(held, torch.Tensor):
                if held.item() == torch.tensor(mine, dtype=held.dtype).item():
                    out.append((i, key))
            elif held == mine:
                out.append((i, key))
        return out

    def _write(self, values: list[float]) -> None:
        """Set each group's LR (tensors in place)."""
        for g, x in zip(self.optimizer.param_groups, values, strict=True):
            pg.set_lr(g, x)


def _check_lrs(state_dict: dict[str, Any]) -> None:
    """Refuse a state whose ``base_lrs`` or ``_last_lr`` is not a list of LRs (numbers, one per param group) with a
    ValueError naming the key and the value, before anything changes (review 125: ``['a', 'b']`` failed with a bare
    "could not convert string to float: 'a'"). A ``_last_lr`` of None is an earlier version's state (the step
    alone). ``base_lrs``, the LRs the groups started from, which every class's schedules are built from or scaled
    by, must be finite and >= 0, as the constructor asks of them (review 132: a nan one made StepLR's every later LR
    nan, without a word); a ``_last_lr`` is what the scheduler wrote (an ExponentialLR that grew to inf too), never nan."""
    for key in ("base_lrs", "_last_lr"):
        if key not in state_dict or (key == "_last_lr" and state_dict[key] is None):
            continue
        value = state_dict[key]
        if not isinstance(value, (list, tuple)) or not all(is_number(x) for x in value):
            raise ValueError(
                f"state_dict[{key!r}] must be a list of LRs (numbers or one-element tensors, one per param group), "
                f"got {value!r}"
            )
        if key == "base_lrs":
            _check_base_lrs("state_dict['base_lrs']", value)
        elif any(math.isnan(float(one_element(x))) for x in value):
            # r153: loaded without the optimizer's state, the groups take these, and every later LR was nan
            fail(
                "state_dict['_last_lr']",
                "a list of LRs that are not nan (the LR each param group had at the checkpoint)",
                value,
            )


def _a_base_lr(b: float) -> bool:
    """Whether ``b`` may be an LR a schedule scales (torch's ``base_lrs``): finite and >= 0. The one rule for a
    group's initial LR at construction and for ``base_lrs`` at load (:func:`_check_base_lrs`)."""
    return math.isfinite(b) and b >= 0


def _check_base_lrs(name: str, value: Any) -> None:
    """Refuse ``base_lrs`` that is not a list of LRs, or holds one that is not finite or is below 0, naming it
    ``name``."""
    if not (
        isinstance(value, (list, tuple))
        and all(is_number(x) for x in value)
        and all(_a_base_lr(float(one_element(x))) for x in value)
    ):
        allowed = (
            "a list of finite LRs >= 0 (the LR each param group started from: numbers or one-element tensors)"
        )
        fail(name, allowed, value)


class AbsoluteDropIn(DropIn):
    """A drop-in whose torch class writes absolute values (LambdaLR, CyclicLR, OneCycleLR,
    CosineAnnealingWarmRestarts): each step overwrites the LR, whatever other schedulers did."""

    def _advance(self, t: int) -> None:
        ScheduleLR._apply(self, t)
        self._at, self._wrote = t, None

    def _record(self, t: int) -> None:
        self._at, self._wrote = t, None
        self._stepped_groups = len(self.optimizer.param_groups)


#: torch's scheduler classes a state may be told to be of, each with the instances (on a dummy optimizer) whose
#: state_dict keys it is known by: two for those whose keys depend on cycle_momentum
_TORCH_CLASSES: tuple[tuple[str, tuple[Callable[[Optimizer], Any], ...]], ...] = (
    ("StepLR", (lambda o: L.StepLR(o, 2),)),
    ("MultiStepLR", (lambda o: L.MultiStepLR(o, [2]),)),
    ("ConstantLR", (lambda o: L.ConstantLR(o),)),
    ("LinearLR", (lambda o: L.LinearLR(o),)),
    ("ExponentialLR", (lambda o: L.ExponentialLR(o, 0.9),)),
    ("PolynomialLR", (lambda o: L.PolynomialLR(o),)),
    ("CosineAnnealingLR", (lambda o: L.CosineAnnealingLR(o, 5),)),
    ("CosineAnnealingWarmRestarts", (lambda o: L.CosineAnnealingWarmRestarts(o, 5),)),
    (
        "CyclicLR",
        (lambda o: L.CyclicLR(o, 0.01, 0.1), lambda o: L.CyclicLR(o, 0.01, 0.1, cycle_momentum=False)),
    ),
    (
        "OneCycleLR",
        (
            lambda o: L.OneCycleLR(o, 0.1, total_steps=10),
            lambda o: L.OneCycleLR(o, 0.1, total_steps=10, cycle_momentum=False),
        ),
    ),
    ("LambdaLR", (lambda o: L.LambdaLR(o, lambda t: 1.0),)),
    ("MultiplicativeLR", (lambda o: L.MultiplicativeLR(o, lambda t: 1.0),)),
    ("ReduceLROnPlateau", (lambda o: L.ReduceLROnPlateau(o),)),
    ("SequentialLR", (lambda o: L.SequentialLR(o, [L.ConstantLR(o), L.ConstantLR(o)], [2]),)),
    ("ChainedScheduler", (lambda o: L.ChainedScheduler([L.ConstantLR(o), L.ConstantLR(o)]),)),
)


@functools.cache
def _torch_key_sets() -> dict[frozenset[str], tuple[str, ...]]:
    """The key sets of the installed torch's schedulers' states, each with the classes whose state has exactly it:
    built once, on first use, from real instances on a dummy optimizer (every torch version's own keys)."""
    out: dict[frozenset[str], list[str]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, makers in _TORCH_CLASSES:
            for make in makers:
                opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
                names = out.setdefault(frozenset(make(opt).state_dict()), [])
                if name not in names:
                    names.append(name)
    return {keys: tuple(sorted(names)) for keys, names in out.items()}


def state_class(state_dict: Any) -> str | None:
    """The name of the ``torch.optim.lr_scheduler`` class whose state ``state_dict`` is (torch's scheduler or the
    drop-in of that name, which writes torch's keys), told by its keys (a state does not name its class): the
    class whose state has exactly these keys in the installed torch, leaving out the drop-ins' ``added_groups``;
    joined by ``" or "`` when that does not tell them apart (LambdaLR's and MultiplicativeLR's). None when the
    keys are no such class's: a user's own scheduler (one with a ``gamma`` is no ExponentialLR), a subclass
    with attributes of its own, a state written with another torch version's keys, or not a mapping.

    Example:
        >>> import torch
        >>> p = torch.nn.Parameter(torch.zeros(1))
        >>> state_class(torch.optim.lr_scheduler.StepLR(torch.optim.SGD([p], lr=0.1), 2).state_dict())
        'StepLR'
        >>> state_class(torch.optim.lr_scheduler.ReduceLROnPlateau(torch.optim.SGD([p], lr=0.1)).state_dict())
        'ReduceLROnPlateau'
        >>> state_class({"last_epoch": 3, "_step_count": 4, "gamma": 0.5, "warmup_steps": 10}) is None
        True
    """
    if not isinstance(state_dict, dict):
        return None
    keys = frozenset(k for k in state_dict if k != "added_groups")  # (a drop-in's, once groups were added)
    names = _torch_key_sets().get(keys)
    return " or ".join(names) if names else None
