"""Injection: schedule callbacks add their schedulers to what ``configure_optimizers`` returns.

The module's ``configure_optimizers`` is wrapped so schedule callbacks can add their scheduler configs to
whatever it returns.

One :class:`Injection` is installed per module (as the instance attribute ``configure_optimizers``) while
at least one schedule callback is set up for fit. It calls the module's own ``configure_optimizers``,
normalizes the result to Lightning's ``([optimizers], [schedulers])`` form and passes it through every
registered callback, in the order they were set up. When the last callback leaves (teardown or an
exception), the module's own method is visible again.

A callback's part (its ``_inject(OptimizerConfig)``) uses the functions below: :func:`select` the targeted
optimizers, :func:`take_over` the place of a scheduler already driving one, describe it
(:func:`optimizer_info`) and add its own scheduler (:func:`add`), which records the callback as the
scheduler's owner so that two lightning_lr schedules on one optimizer are refused.

Where the schedulers go does not depend on the order of the callbacks, because Lightning restores the
schedulers' states from a checkpoint by position: a scheduler that replaces one ``configure_optimizers``
returned takes its place, and the others follow those returned, in the order of their optimizers. Once
every callback has added its schedulers, they are linked (:meth:`ScheduleLR.link`) under the key
``"optimizer <index>"``: each writes it in its state, and a state Lightning gives to another one (a
checkpoint written in another order, or with a schedule callback more or less) is loaded into its own.

A callback that composes with the others (``composes = True``: ReduceOnPlateau, which scales whatever
schedule drives an optimizer) runs after every other one, finds the lightning_lr scheduler already there
(:func:`owned_scheduler`) and claims its scale (:func:`claim_scale`, one per scheduler).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from torch.optim import Optimizer
from torch.optim.lr_scheduler import ReduceLROnPlateau

from .. import _validate as V
from .._lightning_compat import warn_at_user
from ..optim import ScheduleLR, _cycles
from ..optim import param_groups as pg
from ..optim.schedule_lr import KEEP_IN_RANGE

__all__ = [
    "Injected",
    "Injection",
    "OptimizerConfig",
    "OptimizerInfo",
    "add",
    "bare",
    "claim_scale",
    "given_back",
    "install",
    "link",
    "optimizer_info",
    "owned_scheduler",
    "scale_owner",
    "scheduler",
    "select",
    "take_over",
    "uninstall",
    "with_context",
]

T = TypeVar("T")

# Which callback owns each injected scheduler, to refuse two schedules on one optimizer.
_OWNERS: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
# Which callback scales each injected scheduler (ReduceOnPlateau), to refuse two on one optimizer.
_SCALERS: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()

_FORMS = (
    "an Optimizer, a list of Optimizers, ([Optimizers], [schedulers]), a dict with 'optimizer' (and "
    "optionally 'lr_scheduler' and 'monitor'), or a list of such dicts"
)


@dataclass
class OptimizerConfig:
    """``configure_optimizers``' result in one form: the optimizers and the scheduler entries (each a
    scheduler or a Lightning scheduler-config dict, kept as the user gave them)."""

    optimizers: list[Any]
    schedulers: list[Any] = field(default_factory=list)
    #: how many of ``schedulers`` are in the places of those ``configure_optimizers`` returned (some
    #: replaced by lightning_lr's); the rest are lightning_lr's, in the order of their optimizers
    returned: int = -1

    def __post_init__(self) -> None:
        if self.returned < 0:
            self.returned = len(self.schedulers)

    @staticmethod
    def scheduler_of(entry: Any) -> Any:
        return entry.get("scheduler") if isinstance(entry, Mapping) else entry

    def entries_for(self, optimizer: Any) -> list[int]:
        """Indices of the scheduler entries that drive ``optimizer``."""
        return [
            i
            for i, e in enumerate(self.schedulers)
            if getattr(self.scheduler_of(e), "optimizer", None) is optimizer
        ]

    def optimizer_index(self, entry: Any) -> int:
        """The position of the optimizer that the scheduler entry ``entry`` drives (-1 if none here)."""
        optimizer = getattr(self.scheduler_of(entry), "optimizer", None)
        return next((i for i, o in enumerate(self.optimizers) if o is optimizer), -1)

    def to_lightning(self) -> tuple[list[Any], list[Any]]:
        return list(self.optimizers), list(self.schedulers)


def _is_optimizer(x: Any) -> bool:
    # Lightning's `Optimizable`: anything with step, zero_grad and param_groups
    return all(hasattr(x, a) for a in ("step", "zero_grad", "param_groups")) and not isinstance(x, Mapping)


def parse(conf: Any) -> OptimizerConfig:
    """Normalize every form Lightning accepts from ``configure_optimizers`` (same rules as Lightning's
    own parser). A ``ReduceLROnPlateau`` given bare next to a top-level ``monitor`` becomes a config dict
    with that monitor, which is what Lightning does with it."""
    if conf is None:
        raise ValueError(
            "configure_optimizers returned None, so there is no optimizer to schedule; return an optimizer "
            "or remove the schedule callback"
        )
    if _is_optimizer(conf):
        return OptimizerConfig([conf])
    if (
        isinstance(conf, (list, tuple))
        and len(conf) == 2
        and isinstance(conf[0], list)
        and all(_is_optimizer(o) for o in conf[0])
    ):
        opts, scheds = conf
        return OptimizerConfig(list(opts), list(scheds) if isinstance(scheds, list) else [scheds])
    if isinstance(conf, Mapping):
        return _from_dicts([conf])
    if isinstance(conf, (list, tuple)) and conf and all(isinstance(d, Mapping) for d in conf):
        return _from_dicts(list(conf))
    if isinstance(conf, (list, tuple)) and all(_is_optimizer(o) for o in conf):
        return OptimizerConfig(list(conf))
    raise TypeError(f"configure_optimizers must return {_FORMS}; got {conf!r}")


def _from_dicts(dicts: list[Mapping[str, Any]]) -> OptimizerConfig:
    optimizers, schedulers = [], []
    for d in dicts:
        if "optimizer" not in d:
            raise TypeError(
                f"a dict returned by configure_optimizers must have the key 'optimizer'; got {d!r}"
            )
        optimizers.append(d["optimizer"])
        if "lr_scheduler" in d:
            entry = d["lr_scheduler"]
            if isinstance(entry, ReduceLROnPlateau) and d.get("monitor") is not None and len(dicts) == 1:
                entry = {"scheduler": entry, "monitor": d["monitor"]}
            schedulers.append(entry)
    return OptimizerConfig(optimizers, schedulers)


class Injection:
    """Stands in for ``module.configure_optimizers`` while schedule callbacks are set up."""

    def __init__(self, module: Any) -> None:
        self.had_own = "configure_optimizers" in vars(module)
        self.previous = vars(module).get("configure_optimizers")
        self.original: Callable[[], Any] = module.configure_optimizers
        self.rewriters: list[Any] = []
        self.paused = 0  # inside bare(): the module's own result, nothing injected

    def __call__(self) -> Any:
        result = self.original()
        if not self.rewriters or self.paused:
            return result
        conf = parse(result)
        # callbacks that compose with the others' schedules come last, whatever their place in the list
        for rewriter in sorted(self.rewriters, key=lambda r: bool(getattr(r, "composes", False))):
            rewriter._adopt_respelled(conf.optimizers)  # its checkpoint state under another spelling, if any
            rewriter._inject(conf)
        # the scheduler states of the checkpoint being resumed (each rewriter kept the same list), if any
        saved = next((r._saved_schedulers for r in self.rewriters if r._saved_schedulers is not None), None)
        for rewriter in self.rewriters:
            rewriter._saved_schedulers = None
        link(conf, saved)
        return conf.to_lightning()


@contextmanager
def bare(module: Any) -> Iterator[None]:
    """Inside it, ``module.configure_optimizers()`` returns what the module's own builds, and the schedule
    callbacks inject nothing (a range test reads what the hook builds for an LR: injecting would replace
    the running fit's schedulers)."""
    current = vars(module).get("configure_optimizers")
    if not isinstance(current, Injection):
        yield
        return
    current.paused += 1
    try:
        yield
    finally:
        current.paused -= 1


def install(module: Any, rewriter: Any) -> None:
    """Register ``rewriter`` (a schedule callback with an ``_inject(OptimizerConfig)`` method) on
    ``module``, installing the wrapper if it is not there yet."""
    current = vars(module).get("configure_optimizers")
    if not isinstance(current, Injection):
        current = Injection(module)
        object.__setattr__(module, "configure_optimizers", current)
    if not any(r is rewriter for r in current.rewriters):
        current.rewriters.append(rewriter)


def uninstall(module: Any, rewriter: Any) -> None:
    """Unregister ``rewriter``; the last one out restores the module's own ``configure_optimizers``."""
    current = vars(module).get("configure_optimizers")
    if not isinstance(current, Injection):
        return
    current.rewriters = [r for r in current.rewriters if r is not rewriter]
    if current.rewriters:
        return
    if current.had_own:
        object.__setattr__(module, "configure_optimizers", current.previous)
    else:
        del vars(module)["configure_optimizers"]


def optimizer_names(optimizers: Sequence[Any]) -> str:
    return ", ".join(f"{i}: {type(o).__name__}" for i, o in enumerate(optimizers)) or "none"


@dataclass(frozen=True)
class OptimizerInfo:
    """What a schedule callback knows about one targeted optimizer when it builds its schedules.

    Attributes:
        index: position in what ``configure_optimizers`` returned.
        name: the optimizer's class name.
        base_lrs: every param group's LR as configured (``initial_lr`` if a scheduler already recorded
            it, else ``lr``), as floats.
        momentum_keys: where each group keeps momentum: ``"momentum"``, ``"betas"`` or None.
        momentums: each group's momentum (or ``betas[0]``) as configured, None where it has neither.
        frozen_reference: what to say when the group with the largest LR holds no parameter that requires
            grad while another group trains (:func:`~lightning_lr.optim.param_groups.frozen_reference`), "" else.

    Example:
        >>> from lightning_lr.callbacks import OptimizerInfo
        >>> info = OptimizerInfo(0, "SGD", base_lrs=(0.1, 0.01), momentum_keys=("momentum", "momentum"))
        >>> info.label
        'optimizer 0 (SGD)'
    """

    index: int
    name: str
    base_lrs: tuple[float, ...]
    momentum_keys: tuple[str | None, ...]
    momentums: tuple[float | None, ...] | None = None
    frozen_reference: str = ""

    @property
    def label(self) -> str:
        return f"optimizer {self.index} ({self.name})"


@dataclass
class Injected:
    """One scheduler a callback injected: the optimizer it drives and what the callback knew about it."""

    info: OptimizerInfo
    optimizer: Optimizer
    scheduler: ScheduleLR


def select(owner: str, target: int | str, optimizers: list[Any]) -> list[int]:
    """The positions of the optimizers ``target`` (``"all"``, an index or a class name) picks."""
    names = optimizer_names(optimizers)
    if target == "all":
        return list(range(len(optimizers)))
    if isinstance(target, int):
        if target >= len(optimizers):
            raise IndexError(
                f"{owner}(optimizer={target}): configure_optimizers returned "
                f"{V.counted(len(optimizers), 'optimizer')} ({names}); pass 'all', an index from 0 to "
                f"{len(optimizers) - 1} or an optimizer's class name"
            )
        return [target]
    hits = [i for i, o in enumerate(optimizers) if type(o).__name__ == target]
    if len(hits) != 1:
        what = "no optimizer" if not hits else f"{len(hits)} optimizers"
        raise ValueError(
            f"{owner}(optimizer={target!r}) matches {what} of those configure_optimizers "
            f"returned ({names}); use 'all', a class name that matches exactly one, or an index"
        )
    return hits


def optimizer_info(
    owner: str, index: int, optimizer: Any, conf: OptimizerConfig | None = None
) -> OptimizerInfo:
    """Describe a targeted optimizer from its param groups (a torch Optimizer, or an error). With ``conf``, as
    :func:`take_over` leaves them: where it replaces a torch ``OneCycleLR`` or ``CyclicLR``, which wrote their
    cycle's start over the LR and momentum configured, the values it puts back (:func:`given_back`)."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"{owner}: optimizer {index} returned by configure_optimizers is a "
            f"{type(optimizer).__name__}, not a torch.optim.Optimizer, so it cannot be scheduled"
        )
    pg.require_lr(optimizer, f"{owner}: optimizer {index} returned by configure_optimizers")
    groups = _cycles.view(optimizer.param_groups, None if conf is None else given_back(conf, optimizer))
    return OptimizerInfo(
        index=index,
        name=type(optimizer).__name__,
        base_lrs=tuple(pg.base_lr(g) for g in groups),
        momentum_keys=tuple(pg.momentum_key(g) for g in groups),
        momentums=tuple(pg.momentum(g) for g in groups),
        frozen_reference=pg.frozen_reference(groups, pg.largest([pg.base_lr(g) for g in groups])),
    )


def given_back(conf: OptimizerConfig, optimizer: Optimizer) -> _cycles.GivenBack | None:
    """The LR and momentum each param group of ``optimizer`` starts from once :func:`take_over` replaced the
    schedulers ``conf`` has on it, where one is torch's ``OneCycleLR`` or ``CyclicLR`` (or a drop-in of them),
    whose constructor wrote its cycle's start over the values configured (review 133: ``CosineDecay`` ran from
    ``OneCycleLR``'s 0.004 at momentum 0.95 over ``SGD(lr=0.1, momentum=0.9)``): the cycle's peak and the
    optimizer's momentum (:mod:`lightning_lr.optim._cycles` says why those); None for other schedulers, which
    leave the values configured (``initial_lr``). One answer for :func:`optimizer_info`, which reads it before
    the scheduler is replaced (a schedule that does not fit a ``fast_dev_run`` leaves it), and for
    :func:`take_over`, which puts it in the groups."""
    found = conf.entries_for(optimizer)
    return _cycles.given_back([conf.scheduler_of(conf.schedulers[i]) for i in found], optimizer)


def take_over(
    owner: str,
    conf: OptimizerConfig,
    optimizer: Optimizer,
    index: int,
    plateau: bool = False,
    quiet: bool = False,
) -> tuple[int, str | None]:
    """Remove the schedulers already driving ``optimizer`` (one warning each); where ours goes: the place of
    the first of them, else after the schedulers ``configure_optimizers`` returned, among lightning_lr's
    in the order of their optimizers (whatever the order of the callbacks: Lightning restores the states
    by position). Also the ``"name"`` the first of them had in its config (LearningRateMonitor's and our
    logging's tag), which ours keeps; None without one. ``plateau``: ours reduces on a plateau itself (no
    advice to add one where it replaces torch's); ``quiet``: no warning (a range test's own fit, whose next fit
    says it: :func:`~._filled.test_fit`). A torch ``OneCycleLR`` or ``CyclicLR`` replaced wrote its cycle's
    start over the param groups' LR and momentum: the values :func:`given_back` names go back in them, and its
    ``initial_lr`` goes (before the callback builds its scheduler on them, which records them as configured), and
    its warning says so."""
    found = conf.entries_for(optimizer)
    back = given_back(conf, optimizer)
    named = next((i for i in found if _config_name(conf.schedulers[i]) is not None), None)
    name = None if named is None else _config_name(conf.schedulers[named])
    for i in reversed(found):
        entry = conf.schedulers[i]
        scheduler = conf.scheduler_of(entry)
        other = _OWNERS.get(scheduler)
        if other is not None:
            raise ValueError(
                f"{owner} and {other} both schedule optimizer {index} ({type(optimizer).__name__}); "
                f"one lightning_lr schedule per optimizer: remove one (the Trainer's callbacks, or the "
                f"module's: an LRScheduleMixin's lr_schedule, configure_callbacks), or target different "
                f"optimizers with optimizer=<index or class name>"
            )
        given = _config_name(entry)
        if given is None:
            kept = ""
        elif i == named:
            kept = f" Its name {given!r} is kept for the logged LR."
        else:
            kept = f" Its name {given!r} is dropped: the LR is logged under {name!r}."
        advice = (
            f" To reduce the LR on a plateau on top of {owner}, add lightning_lr's ReduceOnPlateau callback "
            f"(its factors multiply {owner}'s LR)."
            if isinstance(scheduler, ReduceLROnPlateau) and not plateau
            else ""
        )
        start = (
            back.describe(owner)
            if back is not None and any(s is back.source for s in _cycles.flat([scheduler]))
            else ""
        )
        if not quiet:
            warn_at_user(
                f"{owner} replaces the {type(scheduler).__name__} that configure_optimizers returned for "
                f"optimizer {index} ({type(optimizer).__name__}); the LR of that optimizer follows {owner}.{kept}"
                f"{start} Remove the scheduler from configure_optimizers to silence this warning.{advice}",
                category=UserWarning,
            )
        del conf.schedulers[i]
    if back is not None:
        for i, group in enumerate(optimizer.param_groups[: len(back.lrs)]):
            _cycles.put_back(group, back, i)
    if found:
        conf.returned -= len(found) - 1  # ours takes the place of the first
        return found[0], name
    added = conf.schedulers[conf.returned :]
    return conf.returned + sum(1 for e in added if conf.optimizer_index(e) < index), None


def _config_name(entry: Any) -> str | None:
    """The ``"name"`` a scheduler config gives (None: none, or a scheduler returned bare)."""
    given = entry.get("name") if isinstance(entry, Mapping) else None
    return given if isinstance(given, str) else None


def add(
    owner: str, conf: OptimizerConfig, position: int, scheduler: ScheduleLR, name: str | None = None
) -> None:
    """Insert ``scheduler`` at ``position``, stepped every optimizer step, owned by ``owner``, under ``name``
    (the replaced scheduler's, for the logged LR's tag; None: Lightning's default)."""
    _OWNERS[scheduler] = owner
    conf.schedulers.insert(
        position, {"scheduler": scheduler, "interval": "step", "frequency": 1, "name": name}
    )


def link(conf: OptimizerConfig, saved: Sequence[Any] | None = None) -> None:
    """Name the lightning_lr schedulers of ``conf`` by their optimizer (``"optimizer 1"``) as restored
    together (:meth:`ScheduleLR.link`), so a checkpoint's state goes to the scheduler of its optimizer
    wherever Lightning gives it (``saved``: the checkpoint's scheduler states, when resuming)."""
    owned = {}
    for entry in conf.schedulers:
        scheduler = conf.scheduler_of(entry)
        if isinstance(scheduler, ScheduleLR) and scheduler in _OWNERS:
            owned[f"optimizer {conf.optimizer_index(entry)}"] = scheduler
    if owned:
        ScheduleLR.link(owned, saved)


def owned_scheduler(conf: OptimizerConfig, optimizer: Optimizer) -> tuple[ScheduleLR, str] | None:
    """The lightning_lr scheduler another callback injected for ``optimizer``, and that callback's name."""
    for i in conf.entries_for(optimizer):
        scheduler = conf.scheduler_of(conf.schedulers[i])
        owner = _OWNERS.get(scheduler)
        if owner is not None and isinstance(scheduler, ScheduleLR):
            return scheduler, owner
    return None


def claim_scale(owner: str, scheduler: ScheduleLR, info: OptimizerInfo) -> None:
    """Record ``owner`` as the one callback that sets the scale of ``scheduler`` (two are an error)."""
    other = _SCALERS.get(scheduler)
    if other is not None:
        raise ValueError(
            f"{owner} and {other} both reduce the LR of {info.label} on a plateau; one per optimizer: remove "
            f"one, or target different optimizers with optimizer=<index or class name>"
        )
    _SCALERS[scheduler] = owner


def scale_owner(scheduler: Any) -> str | None:
    """The name of the callback that sets the scale of ``scheduler`` (a plateau rule), or None."""
    return _SCALERS.get(scheduler) if isinstance(scheduler, ScheduleLR) else None


def with_context(owner: str, info: OptimizerInfo, make: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``make(*args, **kwargs)``, prefixing a TypeError/ValueError with the callback and the optimizer."""
    try:
        return make(*args, **kwargs)
    except (TypeError, ValueError) as exc:
        message = str(exc)
        if message.startswith(f"{owner}: "):  # a schedule of the callback's name names itself: say where
            message = f"{owner} on {info.label}: {message[len(owner) + 2 :]}"
        elif not message.startswith(owner):
            message = f"{owner} on {info.label}: {message}"
        raise type(exc)(message) from None


class _Refusal:
    """Who a callback's scheduler says made an LR it refuses (:meth:`ScheduleLR._owned_by`): the callback as its
    repr shows it, with where the values that repr does not show came from (``describe()``, called only for the
    error: a range test fills them during the fit), the optimizer's label in the fit and what to change. A copy
    of the scheduler names the same callback (no copy of the callback, its trainer among its attributes); a
    pickle holds the description as it is then."""

    __slots__ = ("describe", "label")

    def __init__(self, describe: Callable[[], tuple[str, str]], label: str) -> None:
        self.describe, self.label = describe, label

    def __call__(self) -> tuple[str, str, str]:
        shown, why = self.describe()
        return shown, self.label, f"These arguments{why} produced it: {KEEP_IN_RANGE}"

    def __deepcopy__(self, memo: dict[int, Any]) -> _Refusal:
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return _Said, self()


class _Said:
    """A :class:`_Refusal` unpickled: the description it gave when it was pickled."""

    __slots__ = ("said",)

    def __init__(self, *said: str) -> None:
        self.said = said

    def __call__(self) -> tuple[str, ...]:
        return self.said

    def __reduce__(self) -> tuple[Any, ...]:
        return _Said, self.said


def scheduler(
    owner: str,
    info: OptimizerInfo,
    describe: Callable[[], tuple[str, str]],
    optimizer: Optimizer,
    **kwargs: Any,
) -> ScheduleLR:
    """The :class:`ScheduleLR` a callback adds for ``info``'s optimizer (an error in making it names the callback,
    ``owner``, and the optimizer). An LR it would write that the optimizer cannot take (no finite number, or
    beyond the largest value of its parameters' type: :func:`~lightning_lr.optim.param_groups.unusable_lr`) is
    refused where it is written, at construction, at each step or a rebuild, before the optimizer's step that
    would take it, naming the callback as ``describe()`` gives it (its repr, and where the values that repr does
    not show came from), the step, the group and the value: the same check as a ScheduleLR's own (review 108: a
    ``CosineDecay(initial=1e308)`` or an ``ExponentialDecay(gamma=1e20)`` failed inside torch's SGD, naming no
    argument; review 122: a ScheduleLR wrote nan without a word)."""
    return with_context(
        owner, info, ScheduleLR._owned_by, _Refusal(describe, info.label), optimizer, **kwargs
    )
