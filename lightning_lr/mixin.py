"""LRScheduleMixin: a LightningModule declares its LR schedule; the same callbacks inject it."""

from __future__ import annotations

import copy
import functools
import inspect
import weakref
from collections.abc import Mapping
from typing import Any

from . import _lightning_compat as L
from ._lightning_compat import Callback, rank_zero_info
from .callbacks import LRSchedule, ScheduleCallback
from .callbacks._hparams import HPARAMS_KEY
from .schedules import Schedule

__all__ = ["HPARAMS_KEY", "LRScheduleMixin"]

_CACHE = "_lightning_lr_schedule_callback"
#: set on a module once it was warned of a schedule object in its hparams
_WARNED_PICKLED = "_lightning_lr_warned_schedule_in_hparams"


class LRScheduleMixin:
    """Lets a LightningModule declare its LR schedule, as an attribute or a method named ``lr_schedule``.

    The declaration is a schedule callback (:class:`~lightning_lr.callbacks.OneCycle`,
    :class:`~lightning_lr.callbacks.CosineDecay`, :class:`~lightning_lr.callbacks.LRSchedule`, ...) or a
    pure :class:`~lightning_lr.schedules.Schedule` (wrapped in ``LRSchedule``). The mixin returns it from
    ``configure_callbacks``, so it is injected into ``configure_optimizers``' result by exactly the same
    code as a callback passed to the ``Trainer`` (steps, resume, logging, range test: see
    :class:`~lightning_lr.callbacks.ScheduleCallback`). Lightning replaces a Trainer callback of the same
    class with a ``configure_callbacks`` one, so such a Trainer callback is refused, naming both (a
    schedule an earlier fit's declaration left on the Trainer, after a ``Tuner`` run, is the module's own).

    At fit start its arguments are written to ``self.hparams["lightning_lr"]`` (and the initial hparams),
    so loggers show them (TensorBoard's HPARAMS: ``lightning_lr/schedule``, ``lightning_lr/max_lr``, ...);
    checkpoints leave them out of ``hyper_parameters`` (``load_from_checkpoint`` and LightningCLI's
    ``--ckpt_path`` pass those to ``__init__``), the callback's own state holds what a resume needs. Values
    an LR range test fills in are included (one run inside the fit logs them again: ``hparams.yaml`` gets
    them, while TensorBoard's HPARAMS tab keeps the first values the run logged).

    Forms:

    - an attribute set in ``__init__``: ``self.lr_schedule = OneCycle()`` (its ``max_lr`` left for a range test,
      or the optimizer's LR: see below); from an ``__init__`` argument ``lr_schedule=None`` (LightningCLI's
      ``--model.lr_schedule``), with ``self.save_hyperparameters(ignore=["lr_schedule"])``: a schedule
      object in ``hparams`` goes into the checkpoints, which torch's weights_only loading then refuses (the
      fit warns);
    - a class attribute: ``lr_schedule = CosineDecay(warmup=100)`` (each instance gets its own copy);
    - a method: ``def lr_schedule(self): return OneCycle(pct_start=self.hparams.warmup)``, called at every
      fit. A callback equal to the last fit's (the same class and arguments) is not taken: the last fit's goes
      on, with what it holds (a range test's values, a ``ReduceOnPlateau``'s reductions), as the attribute
      form's does when ``fit`` is called again on the same Trainer. Leave out what a range test fills
      (``max_lr``): ``OneCycle(max_lr=self.hparams.lr)`` after a ``Tuner`` run would read the constant LR the
      test set on the module as the peak.

    A declaration of None (``self.lr_schedule = None``, a class attribute None, or ``lr_schedule()``
    returning None; LightningCLI's ``model.lr_schedule: null``) adds no schedule: the LR stays as
    ``configure_optimizers`` sets it, unless a schedule callback of the Trainer drives it (a
    ``--trainer.callbacks`` one beside ``--model.lr_schedule=null``), and the fit's log says which. A module that declares nothing at
    all is an error.

    Overriding ``configure_callbacks`` is fine: the declared schedule is added to what it returns. Whatever
    ``configure_callbacks`` the class resolves to (its own, another mixin's, LightningModule's) is wrapped when
    the class is defined, so the mixin may come before or after ``LightningModule`` in the bases.

    Example:
        >>> import lightning.pytorch as pl
        >>> import torch
        >>> from lightning_lr import LRScheduleMixin
        >>> from lightning_lr.callbacks import OneCycle
        >>> class Model(LRScheduleMixin, pl.LightningModule):
        ...     def __init__(self, lr: float = 0.1):
        ...         super().__init__()
        ...         self.save_hyperparameters()
        ...         self.layer = torch.nn.Linear(4, 1)
        ...
        ...     def lr_schedule(self):
        ...         return OneCycle()  # peak: the optimizer's LR, or a range test's 1cycle peak
        ...
        ...     def configure_optimizers(self):
        ...         return torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=0.9)
        >>> Model().configure_callbacks()
        [OneCycle()]
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # a ddp_spawn fit brings rank 0's plan back to the main process's schedule callback; the method form
        # builds none there before the fit, which installs it otherwise (review 105: the first fit lost it)
        L.install_spawn_hand_over()
        # whichever configure_callbacks the class resolves to is wrapped to add the schedule: its own, another
        # mixin's that calls no super() (review 103: the schedule was silently dropped), or LightningModule's,
        # so the mixin may come before or after LightningModule in the bases (review 101: after, the schedule
        # was never added). A subclass of a wrapped class resolves to the wrapped one.
        own = getattr(cls, "configure_callbacks", _no_callbacks)
        if not getattr(own, "_lightning_lr_wrapped", False):
            cls.configure_callbacks = _adding_schedule(own)  # type: ignore[attr-defined]

        # a schedule set after Lightning read the declaration (in setup or configure_optimizers, both after
        # configure_callbacks) is refused where configure_optimizers returns (review 122: it was ignored for
        # that fit, which trained at a constant LR, and used from the next one on); a subclass that overrides
        # only configure_optimizers gets its own wrapped too (review 124)
        build = getattr(cls, "configure_optimizers", None)
        if build is None or getattr(build, "_lightning_lr_wrapped", False):
            return

        @functools.wraps(build)
        def configure_optimizers(self: Any, *args: Any, **kwargs: Any) -> Any:
            out = build(self, *args, **kwargs)
            _refuse_late_declaration(self)
            return out

        configure_optimizers._lightning_lr_wrapped = True  # type: ignore[attr-defined]
        cls.configure_optimizers = configure_optimizers  # type: ignore[attr-defined]

    def lr_schedule_callback(self) -> ScheduleCallback | None:
        """The schedule callback of the current (or last) fit; before any fit, the one the declaration
        gives; None for a declaration of None. Use it to look at what was resolved (``.run``, ``.steps``,
        ``.planned()``); after a ``ddp_spawn`` fit, the main process's holds what rank 0 planned."""
        cached = self.__dict__.get(_CACHE)
        return cached[1] if cached is not None else _declared_callback(self, fresh=False)

    def _spawn_receivers(self) -> list[Callback]:
        """The main process's twin of the declared schedule, which ran in the spawned processes only: it
        takes what rank 0 hands over after a ``ddp_spawn`` fit (``_lightning_compat._spawn``)."""
        schedule = self.lr_schedule_callback()
        return [] if schedule is None else [schedule]


def _adding_schedule(own: Any) -> Any:
    """``own`` (a class's ``configure_callbacks``), wrapped to add the declared schedule."""

    @functools.wraps(own)
    def configure_callbacks(self: Any) -> Any:
        if self in _RUNNING:  # an outer configure_callbacks of this module: its schedule is this call's
            return _with_schedule(self, own(self))
        # in validate, test or predict nothing trains: no schedule is added, and nothing is said (review
        # 147: the fit's callback, handed back, made Lightning log that it "will override existing callbacks passed
        # to Trainer"; a test-only run was told of lr_schedule=None); the Trainer keeps the fit's callback
        evaluating = _evaluating(self)
        _RUNNING[self] = None if evaluating else _declared(self)
        try:
            out = _with_schedule(self, own(self))
            if _RUNNING[self] is None and not evaluating:
                _say_no_schedule(self, out)
            return out
        finally:
            del _RUNNING[self]

    configure_callbacks._lightning_lr_wrapped = True  # type: ignore[attr-defined]
    return configure_callbacks


#: the modules whose wrapped ``configure_callbacks`` runs, and the schedule callback of that call: every
#: level it reaches through ``super()`` adds that one (a method-form declaration is built once per call, so it
#: is added once: review 103), and each level's result holds it, as a ``super()`` call expects. Kept outside
#: the module, so a copy taken in the hook carries nothing (review 104)
_RUNNING: weakref.WeakKeyDictionary[Any, ScheduleCallback | None] = weakref.WeakKeyDictionary()


def _no_callbacks(self: Any) -> list[Callback]:
    """What a class that uses the mixin without a LightningModule resolves ``configure_callbacks`` to."""
    return []


def _declared_callback(module: Any, *, fresh: bool) -> ScheduleCallback | None:
    """Build (method form, when ``fresh``), copy (class attribute) or wrap (Schedule) the declaration,
    and remember the result as the module's current schedule callback (None for a declaration of None)."""
    owner = type(module).__name__
    declared: Any = module.__dict__.get("lr_schedule", _MISSING)
    cached = module.__dict__.get(_CACHE)  # (declaration, callback)
    if declared is not _MISSING:
        if cached is not None and cached[0] is declared:
            return cached[1]
        callback = _as_callback(owner, declared, "self.lr_schedule")
    else:
        declared = getattr(type(module), "lr_schedule", _MISSING)
        # a method, or a property (review 122: "got <property object>"), is read at every fit; a class given
        # for an instance (``lr_schedule = OneCycle``) is not called with the module (:func:`_as_callback`)
        is_method = isinstance(declared, property) or (
            callable(declared) and not isinstance(declared, (Schedule, Callback, type))
        )
        if cached is not None and not (is_method and fresh):
            return cached[1]
        if is_method:
            if isinstance(declared, property):
                value = declared.__get__(module)
            elif isinstance(inspect.getattr_static(type(module), "lr_schedule"), staticmethod):
                value = declared()
            else:
                value = declared(module)
            where = (
                "the property lr_schedule"
                if isinstance(declared, property)
                else "the value returned by lr_schedule()"
            )
            callback = _as_callback(owner, value, where)
            if cached is not None and cached[1] is not None and callback is not None:
                if _same_declaration(cached[1], callback):
                    # the last fit's callback goes on, with what it holds (a range test's values, a
                    # ReduceOnPlateau's reductions and checks), as the attribute form's does (review 144: a
                    # re-fit took a new plateau, and the LR went back to its un-reduced value)
                    callback = cached[1]
                else:
                    _say_redeclared(module, cached[1], callback)
        else:
            callback = _as_callback(
                owner,
                declared if declared is _MISSING else copy.deepcopy(declared),
                "the class attribute lr_schedule",
            )
            declared = (
                _CLASS_ATTRIBUTE  # (not None: an instance's own None later is a declaration of its own)
            )
    if callback is not None:
        callback._record_hparams = True
    if cached is not None and cached[1] is not None and cached[1] is not callback:
        _retire(module, cached[1])
    module.__dict__[_CACHE] = (declared, callback)
    return callback


def _retire(module: Any, old: ScheduleCallback) -> None:
    """Take the last fit's callback, which another declaration replaces, out of the module's Trainer: Lightning
    keeps the callbacks ``configure_callbacks`` added to the last fit and replaces only those of the class it
    returns now (review 149: a method form that declared CosineDecay after OneCycle was refused as two schedules
    of optimizer 0, and a declaration of None left the last fit's schedule running)."""
    trainer = getattr(module, "_trainer", None)
    callbacks = getattr(trainer, "callbacks", None)
    if isinstance(callbacks, list):
        callbacks[:] = [c for c in callbacks if c is not old]


def _same_declaration(old: ScheduleCallback, new: ScheduleCallback) -> bool:
    """Whether the method form's ``new`` callback declares what the last fit's ``old`` did: the same class and
    equal constructor arguments (a value that cannot be compared, a lambda built anew, counts as another)."""
    if type(old) is not type(new):
        return False
    params = inspect.signature(type(new).__init__).parameters
    for name, param in params.items():
        if name == "self":
            continue
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            return False
        a, b = getattr(old, name, _MISSING), getattr(new, name, _MISSING)
        if a is _MISSING or b is _MISSING or not _equal(a, b):
            return False
    return True


def _equal(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    try:
        return bool(a == b)
    except Exception:  # (an array's elementwise comparison)
        return False


def _say_redeclared(module: Any, old: ScheduleCallback, new: ScheduleCallback) -> None:
    """A fit called again on a Trainer that goes on at its step, whose ``lr_schedule()`` declares another
    schedule than the last fit's: the new callback starts afresh, and a warning says what the old one's state
    held that does not carry over (a ``ReduceOnPlateau``'s reductions, a range test's values)."""
    trainer = getattr(module, "_trainer", None)
    if trainer is None or trainer.global_step <= 0:
        return
    held = []
    reductions = getattr(old, "reductions", None)
    made = (
        0
        if not isinstance(reductions, Mapping)
        else max((len(steps) for groups in reductions.values() for steps in groups), default=0)
    )
    if made:
        held.append(f"its {made} reduction{'' if made == 1 else 's'} of the LR and its checks")
    if old._filled.values:
        held.append(f"{old._filled.listed()} from an LR range test")
    if not held:
        return
    L.warn_at_user(
        f"{type(module).__name__}: lr_schedule() returned {new!r} for this fit, not the last fit's {old!r}, so "
        f"the new callback starts afresh at the trainer's step {trainer.global_step}: {' and '.join(held)} do "
        f"not carry over (the same declaration keeps the last fit's callback and what it holds)",
        category=UserWarning,
    )


class _Missing:
    pass


_MISSING = _Missing()
#: the cache's key for a callback copied from a class attribute
_CLASS_ATTRIBUTE = _Missing()


def _as_callback(owner: str, declared: Any, where: str) -> ScheduleCallback | None:
    if isinstance(declared, ScheduleCallback):
        return declared
    if isinstance(declared, Schedule):
        return LRSchedule(declared)
    if declared is None:
        return None
    if declared is _MISSING:
        raise TypeError(
            f"{owner} uses LRScheduleMixin but declares no schedule (it has no lr_schedule): set "
            f"`self.lr_schedule = OneCycle(...)` in __init__, or define `def lr_schedule(self)` or a class "
            f"attribute lr_schedule, giving a schedule callback or a Schedule (None: no schedule)"
        )
    unbuilt = ""
    if isinstance(declared, type) and issubclass(declared, (ScheduleCallback, Schedule)):
        # review 122: ``lr_schedule = OneCycle`` was called with the module, and OneCycle said max_lr must be a
        # number, got the module's repr
        unbuilt = f"; that is the class, give an instance: {declared.__name__}(...)"
    elif isinstance(declared, str) or type(declared).__module__.split(".")[0] == "jsonargparse":
        # review 120: LightningCLI passes an argument without a type annotation through as the text it was
        # given (``--model.lr_schedule=...CosineDecay``), or as a ``NestedArg`` for ``--model.lr_schedule.warmup=2``
        unbuilt = (
            "; LightningCLI builds a callback only for an argument annotated with its type: declare the "
            "__init__ argument as `lr_schedule: ScheduleCallback | None = None` (from lightning_lr.callbacks "
            "import ScheduleCallback)"
        )
    elif isinstance(declared, (list, tuple)) and any(isinstance(d, ScheduleCallback) for d in declared):
        # review 133: two optimizers (a GAN) each with its own schedule; the message said what the value must be,
        # not how to do that
        unbuilt = (
            "; one declaration schedules every optimizer it targets: for one schedule per optimizer, declare one "
            "of them and return the others from an overridden configure_callbacks (super().configure_callbacks() "
            "+ [...]), or give them to the Trainer's callbacks"
        )
    raise TypeError(
        f"{owner}: {where} must be a schedule callback from lightning_lr.callbacks (OneCycle, Cyclic, "
        f"CosineDecay, LRSchedule, ...) or a lightning_lr.schedules.Schedule, got {declared!r}{unbuilt}"
    )


def _declared(module: Any) -> ScheduleCallback | None:
    """The schedule callback of one ``configure_callbacks`` call of a fit or of one's own, with what is said once
    per call. A method-form declaration is built anew for a fit only: a call of one's own keeps the last fit's
    callback and its plan (review 105 left: ``trainer.validate/test/predict`` replaced it with an unplanned one;
    they add no schedule now, and the Trainer keeps the fit's)."""
    schedule = _declared_callback(module, fresh=_fitting(module))
    _warn_schedule_in_hparams(module)
    return schedule


def _fitting(module: Any) -> bool:
    """Whether ``module``'s Trainer runs a fit (its state's ``fn`` stays "fit" after the fit: review 119)."""
    trainer = getattr(module, "_trainer", None)
    return trainer is not None and trainer.state.fn == "fit" and trainer.state.status == "running"


def _evaluating(module: Any) -> bool:
    """Whether ``module``'s Trainer runs ``validate``, ``test`` or ``predict``, where nothing trains."""
    trainer = getattr(module, "_trainer", None)
    return trainer is not None and trainer.state.fn not in (None, "fit") and trainer.state.status == "running"


def _say_no_schedule(module: Any, callbacks: list[Callback]) -> None:
    """For a declaration of None: say that the module adds no schedule, and what sets the LR then: the
    schedule callbacks of the Trainer (those ``callbacks``, what ``configure_callbacks`` returns, do not
    replace) and of ``callbacks`` (review 133: the line said the LR stays as ``configure_optimizers`` sets it
    beside the Trainer's schedule the README pairs with ``--model.lr_schedule=null``, which drove it)."""
    trainer = getattr(module, "_trainer", None)
    theirs = [] if trainer is None else L.callbacks(trainer)
    # Lightning drops a Trainer callback whose class a returned callback's is, or derives from
    kept = [cb for cb in theirs if not any(issubclass(type(m), type(cb)) for m in callbacks)]
    driving = [f"the Trainer's {cb!r}" for cb in kept if isinstance(cb, ScheduleCallback)]
    driving += [
        f"{cb!r} from configure_callbacks"
        for cb in callbacks
        if isinstance(cb, ScheduleCallback) and not any(cb is t for t in theirs)
    ]
    name = type(module).__name__
    if driving:
        rank_zero_info(
            f"{name} declares lr_schedule=None: it adds no schedule callback, and the LR follows "
            f"{' and '.join(driving)} (an optimizer {'that callback does' if len(driving) == 1 else 'those callbacks do'} "
            f"not schedule keeps the LR configure_optimizers sets)"
        )
        return
    rank_zero_info(
        f"{name} declares lr_schedule=None: no schedule callback is added, the LR stays as configure_optimizers "
        f"sets it (a schedule lost by load_from_checkpoint is passed again with load_from_checkpoint(path, "
        f"lr_schedule=...))"
    )


def _refuse_late_declaration(module: Any) -> None:
    """In a fit, an error when ``self.lr_schedule`` is no longer what this fit's ``configure_callbacks`` read: it
    was set later (in ``setup`` or ``configure_optimizers``), and Lightning does not ask for callbacks again."""
    trainer = getattr(module, "_trainer", None)
    if trainer is None or trainer.state.fn != "fit" or trainer.state.status != "running":
        return
    cached = module.__dict__.get(_CACHE)
    now = module.__dict__.get("lr_schedule", _MISSING)
    if cached is None or now is _MISSING or now is cached[0]:
        return
    read = "nothing" if cached[1] is None else repr(cached[1])
    raise RuntimeError(
        f"{type(module).__name__}: self.lr_schedule was set to {now!r} during this fit, after Lightning read the "
        f"declaration for it ({read}: the schedule callbacks are added in configure_callbacks, before setup and "
        f"configure_optimizers run), so this fit would ignore it. Set self.lr_schedule in __init__, or define "
        f"`def lr_schedule(self)`, which each fit calls"
    )


def _with_schedule(module: Any, callbacks: Any) -> list[Callback]:
    if callbacks is None:
        out: list[Callback] = []
    elif isinstance(callbacks, Callback):
        out = [callbacks]
    else:
        out = list(callbacks)
    schedule = _RUNNING[module]
    if schedule is not None and not any(cb is schedule for cb in out):
        _refuse_replaced(module, schedule)
        out.append(schedule)
    return out


def _warn_schedule_in_hparams(module: Any) -> None:
    """At fit start, once per module: a schedule object in ``self.hparams`` (the README's ``lr_schedule``
    ``__init__`` argument under a plain ``save_hyperparameters()``) is pickled into the checkpoints'
    ``hyper_parameters``, which torch's weights_only loading refuses: ``fit(ckpt_path=...)`` and
    ``load_from_checkpoint`` failed with an UnpicklingError, after a fit that said nothing (review 101)."""
    trainer = getattr(module, "_trainer", None)
    if trainer is None or trainer.state.fn != "fit" or module.__dict__.get(_WARNED_PICKLED):
        return
    saved = getattr(module, "hparams", None)
    if not isinstance(saved, Mapping):
        return
    keys = [key for key, value in saved.items() if _holds_package_object(value)]
    if not keys:
        return
    module.__dict__[_WARNED_PICKLED] = True
    listed = ", ".join(f"{key}={saved[key]!r}" for key in keys)
    L.warn_at_user(
        f"{type(module).__name__}: its hparams hold lightning_lr objects in {listed} (save_hyperparameters() "
        f"saves the __init__ arguments), which checkpoints pickle into hyper_parameters: they will not load "
        f"with torch's weights_only=True, the default of fit(ckpt_path=...) and load_from_checkpoint (an "
        f"UnpicklingError). Leave it out: self.save_hyperparameters(ignore={keys!r}); the schedule callback's "
        f"own checkpoint state holds what a resume needs, and load_from_checkpoint(path, {keys[0]}=...) gives "
        f"a loaded module its schedule again",
        category=UserWarning,
    )


#: what the hparams check looks for: objects a weights_only load refuses
def _holds_package_object(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` is, or holds in a list, tuple, set or dict (a few levels deep), an object of one of
    this package's classes: a callback, a schedule, a duration (``Epochs(1)``), which torch's weights_only
    loading refuses (review 103: a schedule in a dict, and a duration, were not said), or of a subclass of one
    (review 170: a user's ``class MyCosine(CosineDecay)`` was not said, and the checkpoint failed to load)."""
    if any(c.__module__.split(".")[0] == "lightning_lr" for c in type(value).__mro__):
        return True
    if depth >= 4:
        return False
    if isinstance(value, Mapping):
        return any(_holds_package_object(v, depth + 1) for v in value.values())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_holds_package_object(v, depth + 1) for v in value)
    return False


def _refuse_replaced(module: Any, schedule: ScheduleCallback) -> None:
    """Lightning replaces a Trainer callback with one of its class (or a subclass) from ``configure_callbacks``: refuse
    a Trainer's schedule callback that the declared one would drop, naming both (review 70: a discriminator's
    ``OneCycle(optimizer=1)`` on the Trainer was dropped for the module's ``OneCycle(optimizer=0)``, and a
    LightningCLI ``--trainer.callbacks`` one lost its ``max_lr``, with no word from lightning_lr). A
    schedule an earlier fit's declaration left on the Trainer (a ``Tuner`` run) is the module's own."""
    trainer = getattr(module, "_trainer", None)
    if trainer is None:
        return
    for cb in L.callbacks(trainer):
        # (Lightning's rule: a Trainer callback whose class is the declared one's, or a base class of it; review
        # 170: a declared subclass of CosineDecay dropped the Trainer's CosineDecay(optimizer=1) unsaid)
        # (only the schedule callbacks: a bare Callback, which Lightning's rule leaves out, is every one's base)
        if (
            isinstance(cb, ScheduleCallback)
            and isinstance(schedule, type(cb))
            and cb is not schedule
            and not cb._record_hparams
        ):
            same = (
                "same class"
                if type(cb) is type(schedule)
                else f"class {type(schedule).__name__} derives from"
            )
            raise ValueError(
                f"{type(module).__name__} declares lr_schedule {schedule!r}, and the Trainer has {cb!r} of the "
                f"{same}: Lightning replaces a Trainer callback with one of its class (or a subclass) from "
                f"configure_callbacks, so the Trainer's would be dropped. Keep one: remove it from the Trainer "
                f"(or give it as the module's lr_schedule), or declare lr_schedule=None; to schedule two "
                f"optimizers, return both callbacks from an overridden configure_callbacks"
            )
