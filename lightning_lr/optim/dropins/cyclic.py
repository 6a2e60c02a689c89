"""The cyclical drop-ins, CyclicLR and OneCycleLR: one schedule per param group, with its inverse momentum."""

from __future__ import annotations

import math
import numbers
import types
import warnings
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

from torch.optim import Optimizer

from ..._validate import _is_real, boolean, fail, known_as, one_of, positive_int, same
from ...schedules import Cyclic, OneCycle, Schedule
from ...schedules._math import SCALAR
from ...schedules.cyclic import OneCycleMomentum, flat_exp_range
from .. import param_groups as pg
from .._restored import number, restored_state
from ..schedule_lr import ScheduleSpec, check_optimizer, check_resume
from . import _peers as peers
from ._args import item, one_element, per_group, torch_names, torch_refuses, whole
from ._base import AbsoluteDropIn, restore_default, user_stacklevel

__all__ = ["CyclicLR", "OneCycleLR"]

#: per optimizer and (group, key): the drop-in whose constructor wrote that cycle setting torch keeps in a param
#: group (max_lr, initial_lr, min_lr, max_momentum, base_momentum) last, whose value the group holds. Only for a
#: later constructor to find the one it writes over (:func:`wrote_cycle`); what a load needs is the scheduler's
#: own attribute (``_written_over``), which a deepcopy or a pickle of the schedulers carries (review 99: this
#: registry, keyed by the optimizer, does not know the copies)
_WRITERS: weakref.WeakKeyDictionary[Optimizer, dict[tuple[int, str], weakref.ref[Any]]] = (
    weakref.WeakKeyDictionary()
)


def wrote_cycle(scheduler: Any, optimizer: Optimizer, keys: Iterable[tuple[int, str]]) -> None:
    """A drop-in's constructor wrote its cycle settings at ``keys`` (``(group, key)`` pairs) of the groups: the
    drop-in that wrote one of them last before it is told so (its ``_written_over``), as a plain attribute."""
    table = _WRITERS.setdefault(optimizer, {})
    keys = list(keys)
    for key in keys:
        ref = table.get(key)
        before = None if ref is None else ref()
        if before is not None and before is not scheduler:
            before._written_over = frozenset({*getattr(before, "_written_over", ()), key})
        table[key] = weakref.ref(scheduler)
    # (frozensets, replaced and never changed in place: a copy.copy of a scheduler shares them)
    scheduler._written_over = frozenset(getattr(scheduler, "_written_over", frozenset()) - set(keys))
    scheduler._cycle_keys = frozenset({*getattr(scheduler, "_cycle_keys", ()), *keys})


def register_copy(scheduler: Any) -> None:
    """A drop-in made by a deepcopy or an unpickling (with its optimizer): it is the last writer of the cycle
    settings it wrote and no later drop-in wrote over, for a drop-in built after the copy on the same optimizer.
    A key whose last writer is known and alive keeps it (a ``copy.copy`` of a scheduler shares the optimizer)."""
    optimizer = getattr(scheduler, "optimizer", None)
    mine: frozenset[tuple[int, str]] = getattr(scheduler, "_cycle_keys", frozenset()) - getattr(
        scheduler, "_written_over", frozenset()
    )
    if optimizer is None or not mine:
        return
    table = _WRITERS.setdefault(optimizer, {})
    for key in mine:
        ref = table.get(key)
        if ref is None or ref() is None:
            table[key] = weakref.ref(scheduler)


def written_over(scheduler: Any, group: int, key: str) -> bool:
    """Whether another drop-in's constructor wrote ``key`` of param group ``group`` after ``scheduler``'s did
    (a ``CyclicLR`` built after a ``OneCycleLR`` on the same optimizer, in a ``SequentialLR``): what the groups
    hold there, and what a checkpoint's groups held, is the other one's setting, not this one's."""
    return (group, key) in getattr(scheduler, "_written_over", frozenset())


class _CycleWriter:
    """What a drop-in that keeps cycle settings in the param groups (CyclicLR, OneCycleLR) adds: a copy made by
    deepcopy or pickle takes its place in :data:`_WRITERS` (:func:`register_copy`). The attributes themselves
    (``_cycle_keys``, ``_written_over``) are slots of the classes, so that ``__dict__`` stays torch's."""

    __slots__ = ()

    def __setstate__(self, state: Any) -> None:
        restore_default(self, state)  # copy's and pickle's: the __dict__, then the slots
        register_copy(self)


def cycled_momentum(
    owner: str,
    optimizer: Optimizer,
    lr_schedules: Sequence[Cyclic | OneCycle],
    base_momentum: Any,
    max_momentum: Any,
    last_epoch: int,
    warn: bool = True,
    writer: Any = None,
) -> tuple[list[Schedule | None], list[float], list[float]]:
    """The inverse momentum schedule of every group for ``cycle_momentum=True``, with the per-group base
    and max momentums.

    A group whose ``momentum`` is 0 (SGD or RMSprop without momentum) is left alone, with one warning
    (unless ``warn`` is False: a checkpoint's settings): torch would silently switch momentum on for it.
    At ``last_epoch=-1`` the bounds are written to the groups, as torch's, by ``writer`` (:func:`wrote_cycle`).
    """
    groups = optimizer.param_groups[: len(lr_schedules)]  # the groups the scheduler was made for
    opt_name = type(optimizer).__name__
    lacking = [i for i, g in enumerate(groups) if pg.momentum_key(g) is None]
    if lacking:
        raise ValueError(
            f"{owner}(cycle_momentum=True) cycles momentum, but {opt_name} has neither 'momentum' nor 'betas' "
            f"(param groups {lacking}); pass cycle_momentum=False to use {owner} with {opt_name}"
        )
    n = len(groups)
    momenta = []
    for s, (bname, b), (tname, t) in zip(
        lr_schedules,
        per_group("base_momentum", base_momentum, n),
        per_group("max_momentum", max_momentum, n),
        strict=True,
    ):
        with torch_names({"base_momentum": bname, "max_momentum": tname}):
            momenta.append(s.momentum(b, t))
    off = [i for i, g in enumerate(groups) if pg.zero_momentum(g)]
    if off and warn:
        what = pg.zero_momentum_name([pg.momentum_key(groups[i]) for i in off])
        warnings.warn(
            f"{owner}: cycle_momentum=True, but param group(s) {off} of {opt_name} have {what}. torch "
            f"would silently switch momentum on for them; lightning_lr leaves it at 0. Pass "
            f"cycle_momentum=False to silence this warning, or give {opt_name} a momentum (for example "
            f"momentum=0.9, or betas=(0.9, ...)) to have it cycled.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
    out: list[Schedule | None] = []
    for i, (g, m) in enumerate(zip(groups, momenta, strict=True)):
        if i in off:
            out.append(None)
            continue
        out.append(m)
        if last_epoch == -1:  # torch keeps these in the group too
            g["max_momentum"], g["base_momentum"] = m.max_momentum, m.base_momentum
            if writer is not None:
                wrote_cycle(writer, optimizer, [(i, "max_momentum"), (i, "base_momentum")])
    return out, [m.base_momentum for m in momenta], [m.max_momentum for m in momenta]


def unused_momentum(
    owner: str,
    lr_schedules: Sequence[Cyclic | OneCycle],
    base_momentum: Any,
    max_momentum: Any,
    defaults: tuple[float, float],
) -> None:
    """For ``cycle_momentum=False``: the momentums are checked as they would be used (a wrong one is an
    error wherever it is given), and ones other than the defaults are said to be unused, once (torch ignores
    them without a word; review 76)."""
    n = len(lr_schedules)
    base_momentum = defaults[0] if base_momentum is None else base_momentum  # None: not given (review 79)
    max_momentum = defaults[1] if max_momentum is None else max_momentum
    bases, tops = per_group("base_momentum", base_momentum, n), per_group("max_momentum", max_momentum, n)
    for s, (bname, b), (tname, t) in zip(lr_schedules, bases, tops, strict=True):
        with torch_names({"base_momentum": bname, "max_momentum": tname}):
            s.momentum(b, t)
    given = [
        f"{name}={value!r}"
        for name, value, default in (
            ("base_momentum", base_momentum, defaults[0]),
            ("max_momentum", max_momentum, defaults[1]),
        )
        # (a float32 0.8 is the default too)
        if any(not math.isclose(v, default, rel_tol=1e-6) for _, v in per_group(name, value, n))
    ]
    if given:
        warnings.warn(
            f"{owner}: {' and '.join(given)} given with cycle_momentum=False, which leaves the momentum alone: "
            f"{'they are' if len(given) > 1 else 'it is'} not used. Pass cycle_momentum=True to cycle it",
            UserWarning,
            stacklevel=user_stacklevel(),
        )


_MODES = ("triangular", "triangular2", "exp_range")


def _size(name: str, value: Any, minimum: int = 1) -> Any:
    """``step_size_up`` or ``step_size_down`` as torch reads it, ``float(value)``: a string of a number
    (``'10'``, a config's or a command line's) as that number, whole (review 122: refused, where torch's
    ``CyclicLR`` takes it); the number is then checked as one given so. A string that is no number is a
    ValueError naming the argument, as torch's ``float()`` raises one. Anything else as :func:`whole` gives it.
    ``minimum``: 1 for ``step_size_up``, 0 for ``step_size_down`` (a sawtooth, as torch's)."""
    if isinstance(value, str):
        what = "a positive integer" if minimum == 1 else "a non-negative integer"
        allowed = f"{what}, or a string of one (torch reads it with float())"
        try:
            number = float(value)
        except ValueError:
            fail(name, allowed, value)
        if not number.is_integer():  # as a float given so: a TypeError (fractional steps), quoting the string
            fail(name, allowed, value, TypeError)
        if number < minimum:
            fail(name, allowed, value)
        return int(number)
    return None if value is None else whole(value)


def _gamma(gamma: Any, used: bool) -> float | None:
    """``gamma`` as the number the cycle would use: a finite number > 0, or a one-element tensor or numpy array of
    one, the same where ``mode='exp_range'`` uses it (which also needs it <= 1, the schedule's check) and where it is
    not used, as torch takes both; any size where it is not used (torch's working code may pass 1.0001 there).
    None is taken where it is not used (torch ignores it there, and config-driven code passes ``gamma=None``):
    returned as None. Anything else is refused in the same words in both: a TypeError for a non-number (a string,
    a bool, a tensor of more than one element), a ValueError for nan, inf or a number <= 0."""
    if gamma is None and not used:
        return None
    allowed = "a finite number > 0 (a number, or a one-element tensor or array)"
    value = one_element(gamma)
    if not _is_real(value):
        fail("gamma", allowed, gamma, TypeError)
    g = float(value)
    if not (math.isfinite(g) and g > 0):
        fail("gamma", allowed, gamma)
    return g


def _warn_unused_shape(mode: Any, gamma: Any, scale_fn: Any, scale_mode: Any) -> None:
    """Say which of ``mode``, ``gamma`` and ``scale_mode``, given other than their defaults, the cycle does not
    use (torch ignores them without a word; review 97): a scale_fn replaces mode and gamma, only
    ``mode='exp_range'`` uses gamma, and scale_mode is read only with a scale_fn. Once, at the caller's line."""
    other_gamma = gamma is None or float(one_element(gamma)) != 1.0  # (None or a valid number by now)
    said = []
    if scale_fn is not None:
        unused = [f"mode={mode!r}"] * (mode != "triangular") + [f"gamma={gamma!r}"] * other_gamma
        if unused:
            them = "them" if len(unused) > 1 else "it"
            said.append(
                f"CyclicLR: {' and '.join(unused)} given with a scale_fn {'are' if len(unused) > 1 else 'is'} not "
                f"used: the scale_fn replaces mode and gamma (torch ignores {them} too). Leave {them} out"
            )
    elif mode != "exp_range":
        if other_gamma:
            said.append(
                f"CyclicLR: gamma={gamma!r} given with mode={mode!r} is not used: only mode='exp_range' scales the "
                f"cycle by gamma (torch ignores it too). Pass mode='exp_range' to use it, or leave gamma out"
            )
        if scale_mode == "iterations":
            said.append(
                f"CyclicLR: scale_mode='iterations' given without a scale_fn is not used: mode={mode!r} scales the "
                f"cycle by the cycle number (torch ignores it too). Give a scale_fn to choose what it receives, or "
                f"leave scale_mode out"
            )
    flat = flat_exp_range(mode, None if gamma is None else float(one_element(gamma)), scale_fn)
    if flat is not None:
        said.append(f"CyclicLR: {flat} (torch's CyclicLR takes it without a word)")
    for message in said:
        warnings.warn(message, UserWarning, stacklevel=user_stacklevel())


class CyclicLR(AbsoluteDropIn, _CycleWriter):
    """Cyclical learning rate (Smith 2017), a drop-in for ``torch.optim.lr_scheduler.CyclicLR``.

    Same signature, defaults and values as torch (built on :class:`~lightning_lr.schedules.Cyclic`, one
    per param group, and its inverse momentum cycle).

    Args:
        optimizer: the wrapped optimizer.
        base_lr: lower LR of the cycle, one number or one per param group.
        max_lr: upper LR of the cycle, one number or one per param group.
        step_size_up: steps in the rising half of a cycle; a string of a whole number (``'10'``) too, as
            torch reads it with ``float()``.
        step_size_down: steps in the falling half (default: ``step_size_up``); a string as ``step_size_up``.
            0 is torch's sawtooth: the LR rises for ``step_size_up`` steps and the next cycle starts at
            ``base_lr``.
        mode: ``"triangular"``, ``"triangular2"`` (amplitude halves every cycle) or ``"exp_range"``
            (amplitude times ``gamma ** step``). Not used when ``scale_fn`` is given, as in torch, but checked
            all the same (one of the three, or None), and one other than the default is said to be unused (a
            UserWarning).
        gamma: the ``exp_range`` constant, a number in (0, 1] (or a one-element tensor or array of one). Not
            used by the other modes nor with a ``scale_fn``, as in torch: there it is checked to be a finite
            number > 0 of any size, or None, and one other than 1 is said to be unused (a UserWarning).
        scale_fn: custom amplitude scale ``scale_fn(x)`` in [0, 1]; replaces ``mode`` and ``gamma``.
        scale_mode: what ``scale_fn`` receives: ``"cycle"`` (the cycle number, from 1) or ``"iterations"``
            (the step). Not used without a ``scale_fn``, as in torch, but checked all the same, and
            ``"iterations"`` with a mode that scales by cycle is said to be unused (a UserWarning).
        cycle_momentum: cycle momentum (or Adam's beta1) inversely to the LR; True or False (numpy bools
            too: a string or None is a TypeError, torch reads it by its truth value). Assigned during the run
            (``sched.cycle_momentum = False``), it takes effect at the next step, as torch's: the momentum is left
            where it is, and cycles again when set back to True.
        base_momentum: momentum at the LR peak, one number or one per group.
        max_momentum: momentum at ``base_lr``, one number or one per group.
        last_epoch: the step already taken, -1 for a fresh start.

    Differences from torch, on purpose:
        - ``cycle_momentum=True`` on a group with ``momentum=0`` (``SGD(momentum=0)``, RMSprop's default):
          torch silently switches momentum on; we leave that group's momentum at 0 and warn once, saying
          to pass ``cycle_momentum=False`` or give the optimizer a momentum.
        - ``cycle_momentum=True`` on an optimizer with neither ``momentum`` nor ``betas`` (Adagrad, ...):
          a ValueError that names the optimizer and says to pass ``cycle_momentum=False``.
        - Arguments are validated: ``base_lr`` must be >= 0 and <= ``max_lr``; ``gamma`` must be a number
          in (0, 1] with ``mode="exp_range"``, and a finite number > 0 or None where it is not used (the
          same words for a wrong one: ``'x'``, nan, 0, a tensor of two elements); ``mode`` one of the three,
          or None with a ``scale_fn``; momentums must lie in [0, 1) with ``base_momentum <= max_momentum``;
          ``scale_mode`` must be ``"cycle"`` or ``"iterations"``; step sizes are whole steps. torch takes any
          ``gamma`` (``'x'``, nan) where it does not use it, and any ``mode`` with a ``scale_fn``.
        - A valid setting that is not used (``gamma`` other than 1, None included, without
          ``mode="exp_range"`` or with a ``scale_fn``; ``mode`` other than ``"triangular"``, None included,
          with a ``scale_fn``; ``scale_mode="iterations"`` without one and without ``mode="exp_range"``) is
          taken, as torch takes it, with a UserWarning saying it is not used and why; torch ignores it without
          a word.

    As torch's, it writes the LR and momentum outright (another scheduler's change is overwritten), and
    ``state_dict()`` saves a ``scale_fn`` that is a callable object by its ``__dict__``; a plain function
    is not saved and comes from the constructor.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
        >>> sched = CyclicLR(opt, base_lr=0.1, max_lr=1.0, step_size_up=2)
        >>> lrs = []
        >>> for _ in range(5):
        ...     lrs.append(round(opt.param_groups[0]["lr"], 3))
        ...     opt.step()
        ...     sched.step()
        >>> lrs
        [0.1, 0.55, 1.0, 0.55, 0.1]
    """

    __slots__ = ("_cycle_keys", "_shape", "_written_over")
    # what every state holds (_scale_fn_custom is torch's since 2.2; the momentums with cycle_momentum only)
    settings_keys = ("max_lrs", "total_size", "step_ratio", "mode", "gamma", "scale_mode", "cycle_momentum")
    # what torch's step reads afresh (mode and gamma are bound into its scale function when it is made)
    watched_keys = (
        "base_lrs",
        "max_lrs",
        "total_size",
        "step_ratio",
        "scale_mode",
        "cycle_momentum",
        "base_momentums",
        "max_momentums",
    )

    @known_as(peers.CYCLIC)
    def __init__(
        self,
        optimizer: Optimizer,
        base_lr: float | list[float],
        max_lr: float | list[float],
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: Literal["triangular", "triangular2", "exp_range"] = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: Literal["cycle", "iterations"] = "cycle",
        cycle_momentum: bool = True,
        base_momentum: float = 0.8,
        max_momentum: float = 0.9,
        last_epoch: int = -1,
    ) -> None:
        groups = check_optimizer(optimizer, type(self).__name__)
        check_resume(groups, last_epoch)
        cycle_momentum = boolean("cycle_momentum", cycle_momentum)  # None is no False
        self.optimizer = optimizer
        self._scale_fn_custom = scale_fn
        self._functions = [(scale_fn, "scale_fn")]  # its errors name the argument
        up, down = _size("step_size_up", step_size_up), _size("step_size_down", step_size_down, 0)
        lrs = self._cycles(base_lr, max_lr, up, down, mode, gamma, scale_mode)
        _warn_unused_shape(mode, gamma, scale_fn, scale_mode)
        # torch's public attributes
        first = lrs[0]
        self.max_lrs = [s.max_lr for s in lrs]
        self.total_size = float(first.cycle_length)
        self.step_ratio = first.step_size / self.total_size
        self.mode = mode
        self.gamma = gamma
        self.scale_mode = first.scale_mode
        self.cycle_momentum = cycle_momentum
        momentum = None
        restored_state(optimizer, last_epoch)  # the record, taken before the groups are written to
        if self.cycle_momentum:
            self.use_beta1 = "betas" in optimizer.defaults
            momentum, self.base_momentums, self.max_momentums = cycled_momentum(
                "CyclicLR", optimizer, lrs, base_momentum, max_momentum, last_epoch, writer=self
            )
        else:
            unused_momentum("CyclicLR", lrs, base_momentum, max_momentum, (0.8, 0.9))
        if last_epoch == -1:  # as torch: the group starts at base_lr, which becomes its initial_lr
            for g, s in zip(groups, lrs, strict=True):
                pg.set_lr(g, s.base_lr)
        super().__init__(optimizer, lr=lrs, momentum=momentum, last_epoch=last_epoch)
        self.base_lrs = [s.base_lr for s in lrs]
        self._changed = False  # (the schedules were built from them: no change)

    def _cycles(
        self,
        base_lr: Any,
        max_lr: Any,
        up: Any,
        down: Any,
        mode: Any,
        gamma: Any,
        scale_mode: Any,
        sizes: tuple[str, str] = ("step_size_up", "step_size_down"),
        bounds: tuple[str, str] = ("base_lr", "max_lr"),
    ) -> list[Cyclic]:
        """One Cyclic per group (torch's names in messages, ``sizes`` those of ``up`` and ``down``, ``bounds``
        those of ``base_lr`` and ``max_lr``); keeps the first for :meth:`scale_fn`."""
        n = self._own_groups()
        # As torch: a scale_fn replaces mode (and its scale_mode), and only exp_range uses gamma. Each is checked
        # all the same: a wrong one is a mistake, with or without a scale_fn (review 97: gamma='x' or nan, and
        # mode='bogus' with a scale_fn, were taken without a word); one not used is said so (_warn_unused_shape)
        fn = self._scale_fn_custom
        if fn is None:
            one_of("scale_mode", scale_mode, ("cycle", "iterations"))
        elif mode is not None:  # (review 99: None with a scale_fn is torch's working code, said unused)
            one_of("mode", mode, _MODES)
        used = fn is None and mode == "exp_range"
        g = _gamma(gamma, used)  # (review 99: a one-element tensor the same used or not)
        shape: dict[str, Any] = (
            {"mode": mode, "gamma": g if used else 1.0}
            if fn is None
            else {"scale_fn": fn, "scale_mode": scale_mode}
        )
        down = None if down is None else whole(down)
        refused = torch_refuses(  # by torch's own check (its class is ValueError: mode=None, 3, [...])
            ("mode", mode, lambda v: v not in _MODES and fn is None),
        )
        lrs = []
        for (bname, b), (mname, m) in zip(
            per_group(bounds[0], base_lr, n), per_group(bounds[1], max_lr, n), strict=True
        ):
            names = {"base_lr": bname, "max_lr": mname, "step_size": sizes[0], "step_size_down": sizes[1]}
            with torch_names(names, refused):
                lrs.append(Cyclic(b, m, up, down, **shape))
        self._shape = lrs[0]
        return lrs

    def _build(self) -> tuple[ScheduleSpec, ScheduleSpec]:
        up = _steps(self.total_size * self.step_ratio)
        lrs = self._cycles(
            list(self.base_lrs),
            list(self.max_lrs),
            up,
            _steps(self.total_size - up),
            self.mode,
            self.gamma,
            self.scale_mode,
            # the settings they come from, assigned mid-run or in a checkpoint (total_size = 11.0 halves into
            # 5.5 steps); the user set neither step_size_up nor step_size_down there
            (
                f"total_size * step_ratio = {self.total_size!r} * {self.step_ratio!r}",
                f"total_size * (1 - step_ratio) = {self.total_size!r} * (1 - {self.step_ratio!r})",
            ),
            # the attributes they come from (review 132: base_lrs = [0.5] assigned was refused as base_lr[0])
            ("base_lrs", "max_lrs"),
        )
        momentum = None
        # torch's step reads cycle_momentum afresh: set to False mid-run, the momentum is left where it is
        # (review 132: it kept cycling); set to True, it cycles between base_momentums and max_momentums
        self.cycle_momentum = cycle_momentum = boolean("cycle_momentum", self.cycle_momentum)
        if cycle_momentum:
            missing = [k for k in ("base_momentums", "max_momentums") if k not in self.__dict__]
            if missing:
                raise ValueError(
                    f"CyclicLR: cycle_momentum=True, but the scheduler has no {' nor '.join(missing)} (it was built "
                    f"with cycle_momentum=False; torch's fails at its step with an AttributeError). Build it with "
                    f"cycle_momentum=True and assign cycle_momentum = False until the momentum should cycle, or assign "
                    f"base_momentums and max_momentums (one per param group) first"
                )
            momentum, self.base_momentums, self.max_momentums = cycled_momentum(
                "CyclicLR", self.optimizer, lrs, self.base_momentums, self.max_momentums, 0, warn=False
            )
            if "use_beta1" not in self.__dict__:  # (torch's, which state_dict() holds then)
                self.use_beta1 = "betas" in self.optimizer.defaults
        return lrs, momentum

    def _settings(self) -> dict[str, Any]:
        keys = ["max_lrs", "total_size", "step_ratio", "mode", "gamma", "scale_mode", "cycle_momentum"]
        if self.cycle_momentum:
            keys += ["use_beta1", "base_momentums", "max_momentums"]
        state = {k: getattr(self, k) for k in keys}
        fn = self._scale_fn_custom  # as torch: a callable object's __dict__, never a function
        state["_scale_fn_custom"] = (
            None if fn is None or isinstance(fn, types.FunctionType) else dict(fn.__dict__)
        )
        assigned = self.__dict__.get("_assigned_scale_fn")
        if assigned is not None:  # as torch's state holds the instance's scale_fn assigned during the run
            state["scale_fn"] = assigned
        return state

    def _load_settings(self, state_dict: dict[str, Any], base_lrs: list[Any]) -> None:
        attrs = state_dict.get("_scale_fn_custom")
        if attrs is not None and self._scale_fn_custom is not None:
            self._scale_fn_custom.__dict__.update(attrs)
        keys = ["max_lrs", "total_size", "step_ratio", "mode", "gamma", "scale_mode", "cycle_momentum"]
        keys += ["base_momentums", "max_momentums"]
        given = {k: state_dict[k] for k in keys if k in state_dict}
        if "use_beta1" in state_dict:
            given["use_beta1"] = state_dict["use_beta1"]
        # a scale_fn assigned during the run, which torch's state holds as the instance's (r165: skipped, the
        # loaded run went on with the constructor's)
        assigned = state_dict.get("scale_fn")
        changed = attrs is not None or assigned is not None or not same(list(base_lrs), list(self.base_lrs))
        changed = changed or any(not same(v, getattr(self, k, None)) for k, v in given.items())
        if not changed:
            return
        kept = dict(self.__dict__)
        self.__dict__.update(given)
        if assigned is not None:
            self.__dict__["_assigned_scale_fn"] = assigned
            self._scale_fn_custom = assigned
            self._functions = [(assigned, "scale_fn")]
        self.base_lrs = list(base_lrs)
        try:
            self._configure(*self._build())
        except (TypeError, ValueError):
            self.__dict__.clear()
            self.__dict__.update(kept)
            raise
        if self.cycle_momentum and "use_beta1" not in self.__dict__:  # (built without momentum cycling)
            self.use_beta1 = "betas" in self.optimizer.defaults

    @property
    def scale_fn(self) -> Callable[[float], float]:
        """The amplitude scale at ``x`` (the cycle number or the step, per :attr:`scale_mode`), as torch's
        ``CyclicLR.scale_fn``; a function assigned to it (``sched.scale_fn = f``) replaces it from the next step,
        as torch's step calls the instance's ``scale_fn`` (r160: it was ignored; ``scale_fn = 7`` passed without a
        word where torch's step fails). A wrong one is refused there, naming ``scale_fn``."""
        assigned = self.__dict__.get("_assigned_scale_fn")
        return assigned if assigned is not None else self._scale_at

    @scale_fn.setter
    def scale_fn(self, fn: Any) -> None:
        self.__dict__["_assigned_scale_fn"] = fn
        self._scale_fn_custom = fn
        self._functions = [(fn, "scale_fn")]
        if getattr(self, "_ready", False):
            self._changed = True  # built again at the next step (DropIn._follow_settings)

    def _scale_at(self, x: float) -> float:
        return float(self._shape._scale(x, SCALAR))


def _warn_if_other_length(total_steps: Any, epochs: Any, steps_per_epoch: Any) -> None:
    """Say when ``total_steps`` and ``epochs * steps_per_epoch`` are both given and disagree: torch takes
    ``total_steps`` and drops the others without a word (so does the drop-in, with this warning)."""
    numbers_ = all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in (epochs, steps_per_epoch))
    product = epochs * steps_per_epoch if numbers_ else None
    if product is not None and same(product, total_steps):
        return
    said = f" = {product!r}" if product is not None else ""
    warnings.warn(
        f"OneCycleLR: total_steps={total_steps!r} and epochs * steps_per_epoch = {epochs!r} * "
        f"{steps_per_epoch!r}{said} disagree; the cycle is total_steps={total_steps!r} steps long, as torch's "
        f"(which ignores epochs and steps_per_epoch when total_steps is given). Give one or the other",
        UserWarning,
        stacklevel=user_stacklevel(),
    )


def _steps(x: float) -> Any:
    """A number of steps kept by torch as a float (``total_size * step_ratio``) as the whole number it
    stands for; anything else unchanged, for the schedule to refuse."""
    r = round(x)
    return r if abs(x - r) <= 1e-9 * max(1.0, abs(x)) else x


class OneCycleLR(AbsoluteDropIn, _CycleWriter):
    """The 1cycle policy (Smith 2018), a drop-in for ``torch.optim.lr_scheduler.OneCycleLR``.

    Same signature, defaults and values as torch for steps ``0 .. total_steps - 1`` (built on
    :class:`~lightning_lr.schedules.OneCycle`, one per param group, and its inverse momentum schedule).

    Args:
        optimizer: the wrapped optimizer.
        max_lr: peak LR, one number or one per param group.
        total_steps: steps in the cycle; or give ``epochs`` and ``steps_per_epoch``. Given with both, it is
            the one used, as in torch, with a warning if they disagree; given with either, that one is said to be
            unused, whatever it is, as torch ignores it there (``len(loader) / accum``, Lightning's
            ``max_epochs=-1``, an untyped ``'10'``: torch's working code runs).
        epochs: with ``steps_per_epoch``, ``total_steps = epochs * steps_per_epoch``.
        steps_per_epoch: see ``epochs``.
        pct_start: fraction of the cycle spent increasing the LR, in [0, 1].
        anneal_strategy: ``"cos"`` or ``"linear"``.
        cycle_momentum: cycle momentum (or Adam's beta1) inversely to the LR; True or False (a TypeError
            for a string, which torch reads by its truth value). Assigned during the run, as for
            :class:`CyclicLR`.
        base_momentum: momentum at the LR peak, one number or one per group.
        max_momentum: momentum at the start and the end, one number or one per group.
        div_factor: the cycle starts at ``max_lr / div_factor``.
        final_div_factor: the cycle ends at ``max_lr / div_factor / final_div_factor``.
        three_phase: come back down to the start LR before the final annihilation phase; True or False
            (a TypeError for ``"False"``, which torch reads as True).
        last_epoch: the step already taken, -1 for a fresh start.

    Differences from torch, on purpose:
        - Stepping past ``total_steps`` holds the final LR and momentum (torch raises
          ``ValueError: Tried to step ...``), so a run that takes a few more steps than planned (an extra
          batch, a resumed run) does not crash. With ``pct_start=1.0`` (only a warm-up) the peak holds. The
          first step past it (where torch raises) warns once, naming ``total_steps`` and the step: a
          ``total_steps`` counted short (``len(loader)`` for a run of several epochs) would otherwise hold the
          final LR for the rest of the run unsaid.
        - At ``t == total_steps`` torch extrapolates past the end of the last phase: with linear annealing
          the LR goes below the final LR, negative for the default factors. We hold the final value: the
          LR never goes below ``max_lr / div_factor / final_div_factor``.
        - ``total_steps`` assigned during the run (``sched.total_steps = 60``, torch's users' way past "Tried to
          step"): the cycle stays its ``_schedule_phases``, as in torch, whose step reads ``total_steps`` only for
          that error (and runs the last phase on beyond its end until then); here the final values hold, and a
          UserWarning says the cycle is not lengthened. One below the cycle's length is a ValueError at the next
          step. A state holding a raised ``total_steps`` (ours or torch's) loads.
        - ``pct_start * total_steps == 1`` makes the warm-up phase zero steps long; torch divides by zero
          (``ZeroDivisionError``) at construction, we treat the phase as done (the LR starts at
          ``max_lr``).
        - ``cycle_momentum=True`` on a group with ``momentum=0``: torch silently switches momentum on; we
          leave it at 0 and warn once. On an optimizer with neither ``momentum`` nor ``betas``: a
          ValueError naming the optimizer and saying to pass ``cycle_momentum=False``.
        - Arguments are validated: ``pct_start`` in [0, 1] (< 0.5 with ``three_phase``), positive LRs and
          factors, momentums in [0, 1) with ``base_momentum <= max_momentum``.

    As torch's, it writes the LR and momentum outright (another scheduler's change is overwritten), and
    keeps ``max_lr``, ``initial_lr``, ``min_lr`` and the momentums in the param groups: a checkpoint's
    cycle comes from the optimizer's state and the scheduler's (load both). Unlike torch's, it cycles with its
    own settings where a scheduler built after it on the same optimizer writes its own in the groups (a
    ``CyclicLR``'s momentum bounds, in a ``SequentialLR``), and a resumed run keeps them there too.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
        >>> sched = OneCycleLR(opt, max_lr=1.0, total_steps=10)
        >>> g = opt.param_groups[0]
        >>> round(g["lr"], 12), g["momentum"]
        (0.04, 0.95)
        >>> for _ in range(20):  # 10 steps past the end: the final values hold
        ...     opt.step()
        ...     sched.step()
        >>> g["lr"], g["momentum"]
        (4e-06, 0.95)
    """

    # _said_at: the total_steps a step past which was said (-1: none); _block_safe: the block's own _lr_safe
    __slots__ = ("_block_safe", "_cycle_keys", "_said_at", "_written_over")
    # what every state holds (torch's before 2.4 has anneal_func in place of _anneal_func_type)
    settings_keys = ("total_steps", "_schedule_phases", "cycle_momentum")

    # what torch's step reads afresh from the scheduler (total_steps only bounds the steps); the cycle's LRs, which it
    # reads from the param groups (max_lr, initial_lr, min_lr), are not followed
    watched_keys = ("total_steps", "_schedule_phases", "_anneal_func_type", "cycle_momentum")

    @known_as(peers.ONE_CYCLE)
    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: Literal["cos", "linear"] = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        groups = check_optimizer(optimizer, type(self).__name__)
        check_resume(groups, last_epoch)
        refused = torch_refuses(  # by torch's own checks, in its order (its class is ValueError)
            ("total_steps", total_steps, lambda v: v is not None and (v <= 0 or not isinstance(v, int))),
            ("epochs", epochs, lambda v: not isinstance(v, int) or v <= 0),
            ("steps_per_epoch", steps_per_epoch, lambda v: not isinstance(v, int) or v <= 0),
            (
                "pct_start",
                pct_start,
                lambda v: (float(v * 10), v < 0 or v > 1 or not isinstance(v, float))[1],
            ),
            ("anneal_strategy", anneal_strategy, lambda v: v not in ["cos", "linear"]),
        )
        total: Any = total_steps
        if total_steps is None:  # torch's other way to give the length; given beside it, they are not used
            if epochs is None or steps_per_epoch is None:
                fail(
                    "total_steps",
                    f"an integer >= 2, or None with both epochs and steps_per_epoch given (epochs={epochs!r}, "
                    f"steps_per_epoch={steps_per_epoch!r})",
                    total_steps,
                )
            with torch_names({}, refused):
                total = positive_int("epochs", epochs) * positive_int("steps_per_epoch", steps_per_epoch)
        lrs = []
        for name, m in per_group("max_lr", max_lr, len(groups)):
            with torch_names({"max_lr": name, "anneal": "anneal_strategy"}, refused):
                # (torch takes a one-element tensor for the factors, as for max_lr)
                factors = item("div_factor", div_factor), item("final_div_factor", final_div_factor)
                lrs.append(OneCycle(m, total, pct_start, anneal_strategy, *factors, three_phase))

        # torch's public attributes
        self.total_steps = lrs[0].total_steps
        self._schedule_phases = _phases(lrs[0])
        self._anneal_func_type = lrs[0].anneal
        self.cycle_momentum = boolean("cycle_momentum", cycle_momentum)  # "false" is no False
        if total_steps is not None and epochs is not None and steps_per_epoch is not None:
            _warn_if_other_length(total_steps, epochs, steps_per_epoch)
        elif total_steps is not None and (epochs is not None or steps_per_epoch is not None):
            one = f"epochs={epochs!r}" if epochs is not None else f"steps_per_epoch={steps_per_epoch!r}"
            warnings.warn(  # (review 76: torch drops it without a word)
                f"OneCycleLR: {one} given with total_steps={total_steps!r} is not used: the cycle is total_steps "
                f"steps long, as torch's. Give total_steps, or epochs and steps_per_epoch",
                UserWarning,
                stacklevel=user_stacklevel(),
            )
        momentum = None
        self._said_at = -1.0
        restored_state(optimizer, last_epoch)  # the record, taken before the groups are written to
        if self.cycle_momentum:
            self.use_beta1 = "betas" in optimizer.defaults
            momentum, _, _ = cycled_momentum(
                "OneCycleLR", optimizer, lrs, base_momentum, max_momentum, last_epoch, writer=self
            )
        else:
            unused_momentum("OneCycleLR", lrs, base_momentum, max_momentum, (0.85, 0.95))
        if last_epoch == -1:  # torch keeps these in the group; initial_lr becomes base_lrs
            for g, s in zip(groups, lrs, strict=True):
                g["initial_lr"], g["max_lr"], g["min_lr"] = s.initial_lr, s.max_lr, s.min_lr
            wrote_cycle(self, optimizer, [(i, k) for i in range(len(groups)) for k in _LR_KEYS])
        super().__init__(optimizer, lr=lrs, momentum=momentum, last_epoch=last_epoch)

    # --- past total_steps: held, said once ---------------------------------------------------------------
    # Through the step's existing check of a block's LRs (``_lr_safe``: the first position in the block whose
    # LRs are checked before they are written), so the hot path pays nothing: a block that holds the first
    # step past total_steps checks from there, and the check says it once (review 141: a check per step cost
    # 0.1-0.2 us, a quarter of a one-group step).
    def _fill(self, t: int) -> None:
        super()._fill(t)
        self._block_safe = self._lr_safe
        total = number(self.total_steps)
        if total != self._said_at:
            self._lr_safe = min(self._lr_safe, max(0, int(total) + 1 - self._block_start))

    def _check_lrs(self, t: int, k: int) -> None:
        total = number(self.total_steps)
        if t > total and total != self._said_at:
            self._passed_end(t, k, total)
            self._lr_safe = self._block_safe
            if k < self._lr_safe:
                return
        super()._check_lrs(t, k)

    def _passed_end(self, t: int, k: int, total: float) -> None:
        """Say once per ``total_steps`` (a raised one is said again when passed: review 142) that step ``t``
        (position ``k`` of the block) is past it, where torch raises (review 141: after 100 steps of a 10-step
        cycle the LR sat at its final value for 90 steps without a word, the classic ``total_steps=len(loader)``
        mistake, which torch catches). The LR named is the one step ``t`` writes (review 142: after a jump,
        ``step(50)``, the group still held the LR of the step before)."""
        self._said_at = total
        held = next(
            (float(row[k]) for i, row in self._lr_jobs if i == 0),
            number(self.optimizer.param_groups[0]["lr"]),
        )
        warnings.warn(
            f"OneCycleLR: stepped {t} times, past total_steps={self.total_steps!r} (torch raises 'Tried to step {t} "
            f"times. The specified number of total steps is {self.total_steps!r}' here): the cycle is over, and its "
            f"final LR ({held:.4g} for param group 0) and momentum hold from here (said once for this total_steps). Stepped once "
            f"per optimizer step, total_steps is the run's optimizer steps (epochs * steps_per_epoch, batches per "
            f"epoch divided by the gradient accumulation), not one epoch's; to hold the end on purpose, filter this "
            f"warning",
            UserWarning,
            stacklevel=user_stacklevel(),
        )

    def _settings(self) -> dict[str, Any]:
        keys = ["total_steps", "_schedule_phases", "_anneal_func_type", "cycle_momentum"]
        return {k: getattr(self, k) for k in keys + (["use_beta1"] if self.cycle_momentum else [])}

    def _check_state(self, state_dict: dict[str, Any]) -> None:
        """Also: the state's ``_schedule_phases`` are a cycle's, and its ``total_steps`` is not below the cycle's
        length (:func:`_cycle_length`). A ``total_steps`` above it is taken (review 132: torch's users raise it to
        step on past the cycle without torch's "Tried to step" error; refused, the drop-in could not load its
        own state after that)."""
        super()._check_state(state_dict)
        if "total_steps" in state_dict and "_schedule_phases" in state_dict:
            _cycle_length(state_dict["total_steps"], state_dict["_schedule_phases"], "state_dict")

    def _build(self) -> tuple[ScheduleSpec, ScheduleSpec]:
        """The cycle of the settings torch's step reads afresh, assigned during the run (``sched.cycle_momentum =
        False``, ``sched.total_steps = 60``): the phases, the anneal and whether the momentum cycles, with this
        scheduler's own LRs and momentum bounds. A momentum cycle switched back on takes its bounds where torch's
        step reads them, in the param groups."""
        cycle_momentum = boolean("cycle_momentum", self.cycle_momentum)
        values = [self._group_values(i) for i in range(self._own_groups())]
        if cycle_momentum and not any(isinstance(m, OneCycleMomentum) for m in self.momentum_schedules):
            groups = self.optimizer.param_groups
            missing = []
            for i, v in enumerate(values):
                g = groups[i]
                if "max_momentum" in g and "base_momentum" in g:
                    v["max_momentum"], v["base_momentum"] = (
                        number(g["max_momentum"]),
                        number(g["base_momentum"]),
                    )
                elif pg.momentum_key(g) is not None and not pg.zero_momentum(g):  # (one at 0 is left at 0)
                    missing.append(i)
            if missing:
                raise ValueError(
                    f"OneCycleLR: cycle_momentum=True, but param group(s) {missing} hold no max_momentum and "
                    f"base_momentum, which torch's step reads there (it fails with a KeyError): the scheduler was built "
                    f"with cycle_momentum=False. Build it with cycle_momentum=True and assign cycle_momentum = False "
                    f"until the momentum should cycle"
                )
        lrs, momentum = self._cycle(
            self.total_steps, self._schedule_phases, self._anneal_func_type, cycle_momentum, values, ""
        )
        self.cycle_momentum = cycle_momentum
        self._schedule_phases = _phases(lrs[0])
        if cycle_momentum and "use_beta1" not in self.__dict__:  # (torch's, which state_dict() holds then)
            self.use_beta1 = "betas" in self.optimizer.defaults
        return lrs, momentum

    def _cycle(
        self,
        total: Any,
        phases: Any,
        anneal: Any,
        cycle_momentum: bool,
        values: list[dict[str, float]],
        where: str,
    ) -> tuple[list[OneCycle], list[Schedule | None] | None]:
        """The LR and momentum schedules of every group for a cycle of these settings (a state's, ``where`` is
        ``"state_dict"``, or the scheduler's own, ``""``), each group's LRs and momentum bounds from ``values``
        (:meth:`_group_values`; a group without momentum bounds is left alone). The cycle is the phases', as
        torch's step runs them; ``total_steps`` only bounds the steps torch takes, and one above the cycle's length
        is said not to lengthen it."""
        length = _cycle_length(total, phases, where)
        ends = [float(p["end_step"]) for p in phases]
        pct_start = (ends[0] + 1) / length
        what = f"{where}['_schedule_phases']" if where else "_schedule_phases"
        lrs = []
        for i, v in enumerate(values):
            top, low, end = v["max_lr"], v["initial_lr"], v["min_lr"]
            names = {
                "max_lr": f"param group {i}'s max_lr",
                "anneal": f"{where}['_anneal_func_type']" if where else "_anneal_func_type",
                "pct_start": f"the warm-up's share of the cycle of {what}",
            }
            with torch_names(names):
                lrs.append(OneCycle(top, length, pct_start, anneal, top / low, low / end, len(phases) == 3))
        built = lrs[0]._ends()
        if not all(math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) for a, b in zip(ends, built, strict=True)):
            fail(
                what,
                f"the phases of a OneCycleLR's cycle (a cycle of {length} steps whose warm-up ends at step "
                f"{ends[0]!r} has its phases end at steps {built})",
                [p["end_step"] for p in phases],
            )
        if number(total) > length:
            given = f"{where}['total_steps']" if where else "total_steps"
            warnings.warn(
                f"OneCycleLR: {given} = {total!r} does not lengthen the cycle, in torch as here: the cycle is its "
                f"_schedule_phases, which end at step {length - 1} ({length} steps). torch's step reads total_steps "
                f"only to raise 'Tried to step ...' past it, and after step {length - 1} it runs the last phase on "
                f"beyond its end (under 'cos' the LR turns back up); this OneCycleLR holds the final LR and momentum "
                f"after the cycle, at any step, so total_steps need not be raised. For a longer cycle, build a new "
                f"OneCycleLR(total_steps={total!r})",
                UserWarning,
                stacklevel=user_stacklevel(),
            )
        momentum = None
        if cycle_momentum:
            base = [v.get("base_momentum", 0.85) for v in values]
            top_m = [v.get("max_momentum", 0.95) for v in values]
            momentum, _, _ = cycled_momentum("OneCycleLR", self.optimizer, lrs, base, top_m, 0, warn=False)
        return lrs, momentum

    def _load_settings(self, state_dict: dict[str, Any], base_lrs: list[Any]) -> None:
        """torch keeps max_lr, initial_lr, min_lr and the momentums in the param groups (the optimizer's
        state), the rest in the scheduler's: a cycle that differs from this one is rebuilt from both. A setting
        another drop-in built after this one wrote over in the groups (a ``CyclicLR``'s momentum bounds in
        ``SequentialLR([OneCycleLR, CyclicLR])``) is that one's, in the checkpoint's groups too: this one's own
        is kept there, as the uninterrupted run cycles with it (review 97)."""
        keys = ("total_steps", "_schedule_phases", "_anneal_func_type", "cycle_momentum")
        given = {k: state_dict[k] for k in keys if k in state_dict}
        cycle_momentum = bool(given.get("cycle_momentum", self.cycle_momentum))
        own = self.optimizer.param_groups[: self._own_groups()]  # not the groups added later
        mine = [self._group_values(i) for i in range(len(own))]
        theirs = [
            {k: number(g[k]) if k in g and not written_over(self, i, k) else v for k, v in values.items()}
            for i, (g, values) in enumerate(zip(own, mine, strict=True))
        ]
        if all(same(v, getattr(self, k)) for k, v in given.items()) and theirs == mine:
            return
        total = given.get("total_steps", self.total_steps)
        anneal = given.get("_anneal_func_type", self._anneal_func_type)
        lrs, momentum = self._cycle(
            total,
            given.get("_schedule_phases", self._schedule_phases),
            anneal,
            cycle_momentum,
            theirs,
            "state_dict",
        )
        self._configure(lrs, momentum)
        self.total_steps, self._schedule_phases, self._anneal_func_type = total, _phases(lrs[0]), anneal
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:  # (review 79: built without momentum cycling, its state_dict() then failed)
            self.use_beta1 = bool(state_dict.get("use_beta1", "betas" in self.optimizer.defaults))

    def _group_values(self, i: int) -> dict[str, float]:
        """What torch keeps of group ``i``'s cycle in the group: max_lr, initial_lr, min_lr and the momentums."""
        s, m = self.lr_schedules[i], self.momentum_schedules[i]
        assert isinstance(s, OneCycle)
        values = {"max_lr": s.max_lr, "initial_lr": s.initial_lr, "min_lr": s.min_lr}
        if isinstance(m, OneCycleMomentum):
            values["max_momentum"], values["base_momentum"] = m.max_momentum, m.base_momentum
        return values


#: the LR settings of its cycle torch's OneCycleLR keeps in each param group
_LR_KEYS = ("initial_lr", "max_lr", "min_lr")


def _cycle_length(total: Any, phases: Any, where: str) -> int:
    """The length of the cycle ``phases`` (torch's ``_schedule_phases``: two or three, each with the step it ends
    at, the last one's ``total_steps - 1`` as OneCycleLR makes them), checked with ``total`` (``total_steps``),
    which torch's step reads only to raise 'Tried to step ...' past it: a whole number of steps, not below the
    cycle's length (torch's would end the run inside its cycle; review 132: one above is torch's users' way to
    step on past the cycle). ``where``: ``"state_dict"`` for a state's keys, ``""`` for the scheduler's own."""
    name = (lambda k: f"{where}[{k!r}]") if where else (lambda k: k)
    try:
        ends = [p["end_step"] for p in phases]
        well_formed = (
            len(ends) in (2, 3)
            and all(_is_real(e) for e in ends)
            and -1 <= ends[0] <= ends[-1]
            and float(ends[-1]).is_integer()
            and ends[-1] >= 1
        )
    except (TypeError, KeyError, IndexError):
        well_formed = False
    if not well_formed:
        fail(
            name("_schedule_phases"),
            "a OneCycleLR's phases (two or three, each with its end_step, the last at a whole step >= 1, the first's "
            "from -1 to the last's)",
            phases,
        )
    length = int(ends[-1]) + 1
    steps = positive_int(name("total_steps"), whole(total))
    if steps < length:
        raise ValueError(
            f"{name('total_steps')} must be at least the length of the cycle, {length} (its _schedule_phases end at "
            f"step {length - 1}), got {total!r}: torch's step raises 'Tried to step {steps + 1} times' past it, inside "
            f"the cycle, and the cycle is not shortened. For a cycle of {steps} steps, build a new "
            f"OneCycleLR(total_steps={steps})"
        )
    return length


def _phases(cycle: OneCycle) -> list[dict[str, Any]]:
    """torch's ``OneCycleLR._schedule_phases`` for a cycle (what its state_dict holds)."""
    ends: list[Any] = cycle._ends()
    ends[-1] = cycle.total_steps - 1  # torch's last end is an int
    names = [
        ("initial_lr", "max_lr", "max_momentum", "base_momentum"),
        ("max_lr", "initial_lr", "base_momentum", "max_momentum"),
        ("initial_lr", "min_lr", "max_momentum", "max_momentum"),
    ]
    if not cycle.three_phase:
        names = [names[0], ("max_lr", "min_lr", "base_momentum", "max_momentum")]
    keys = ("start_lr", "end_lr", "start_momentum", "end_momentum")
    return [{"end_step": end, **dict(zip(keys, n, strict=True))} for end, n in zip(ends, names, strict=True)]
