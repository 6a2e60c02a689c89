"""The machinery every schedule callback shares: injection into ``configure_optimizers``, duration
resolution, per-param-group values, momentum, logging, the preview figure, the range test and state."""

from __future__ import annotations

import copy
import inspect
import math
import numbers
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import lightning.pytorch as pl
import torch
from lightning.pytorch.callbacks import Callback, LearningRateMonitor
from lightning.pytorch.loggers import TensorBoardLogger
from lightning.pytorch.utilities import rank_zero_info, rank_zero_warn
from lightning.pytorch.utilities.parsing import AttributeDict
from torch.optim import Optimizer

from ..optim import ScheduleLR, momentum_key
from ..schedules import Schedule
from . import _inject
from ._inject import OptimizerConfig
from ._names import lr_monitor_names
from .durations import Duration, Epochs, RunInfo

__all__ = ["HPARAMS_KEY", "OptimizerInfo", "ScheduleCallback"]

#: the key of ``module.hparams`` that holds the arguments of a schedule declared with LRScheduleMixin
HPARAMS_KEY = "lightning_lr"

STATE_VERSION = 1
_STATE_KEYS = ("version", "total_steps", "steps_per_epoch", "durations", "filled")

# Which callback owns each injected scheduler, to refuse two schedules on one optimizer.
_OWNERS: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()

LRSpec = float | Sequence[float | None] | None
T = TypeVar("T")


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

    @property
    def label(self) -> str:
        return f"optimizer {self.index} ({self.name})"


@dataclass
class _Injected:
    info: OptimizerInfo
    optimizer: Optimizer
    scheduler: ScheduleLR
    tags: list[str] | None = None
    steps_seen: int = 0
    hook: Any = None


def check_lr(name: str, value: Any, *, owner: str, allow_zero: bool = False) -> LRSpec:
    """None, one positive float, or a non-empty list with one positive float (or None) per param group."""
    allowed = ">= 0" if allow_zero else "> 0"

    def one(n: str, v: Any) -> float:
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(
                f"{owner}: {n} must be a number {allowed}, a list with one per param group, or None; got {v!r}"
            )
        f = float(v)
        if not math.isfinite(f) or f < 0 or (f == 0 and not allow_zero):
            raise ValueError(f"{owner}: {n} must be a finite number {allowed}, got {v!r}")
        return f

    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        if not value:
            raise ValueError(f"{owner}: {name} must not be an empty list; give one value per param group")
        return [None if v is None else one(f"{name}[{i}]", v) for i, v in enumerate(value)]
    return one(name, value)


def check_bool(name: str, value: Any, *, owner: str, allow_none: bool = False) -> Any:
    if value is None and allow_none:
        return None
    if not isinstance(value, bool):
        extra = ", or None" if allow_none else ""
        raise TypeError(f"{owner}: {name} must be True or False{extra}, got {value!r}")
    return value


def _fmt_value(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, list):
        return "[" + ", ".join(_fmt_value(x) for x in v) + "]"
    return repr(v)


class ScheduleCallback(Callback):
    """Base class of the schedule callbacks: puts a :class:`~lightning_lr.optim.ScheduleLR` into what
    ``configure_optimizers`` returns, so Lightning steps it, checkpoints it and restores it.

    Subclasses implement :meth:`build` (the schedules for one optimizer) and, if they have durations or
    values a range test can fill, :meth:`durations` and :meth:`range_test_values`.

    How it works, for every subclass:

    - **Injection.** In ``setup("fit")`` the module's ``configure_optimizers`` is wrapped (and unwrapped
      in ``teardown`` or on an exception). Whatever it returns (an optimizer, a list, a dict, a list of
      dicts, ``([optimizers], [schedulers])``), the targeted optimizers get a scheduler config
      ``{"scheduler": ScheduleLR(...), "interval": "step", "frequency": 1, "name": None}``. The schedule
      advances once per optimizer step (once every ``accumulate_grad_batches`` batches; Lightning also
      steps it on a batch whose ``training_step`` returned None).
    - **A scheduler already there.** If ``configure_optimizers`` returns a scheduler for a targeted
      optimizer, it is *replaced* with one warning that names it, so a schedule callback added from the
      command line overrides the module's default. Two lightning_lr schedules on one optimizer are an
      error.
    - **Several optimizers.** ``optimizer="all"`` (default) schedules every optimizer, an int targets one
      by position, a string by class name (``"Adam"``; an error if it matches none or several).
    - **Manual optimization.** Lightning does not step schedulers then: call ``.step()`` on the
      schedulers from ``self.lr_schedulers()`` after each ``opt.step()``, as for any scheduler. Durations
      given as :class:`Epochs`/:class:`Fraction` assume one step per batch. If an optimizer steps but its
      schedule never moves, one warning says so.
    - **Durations** (:class:`Epochs`, :class:`Fraction`, plain int = optimizer steps) are resolved in
      ``configure_optimizers``, from ``trainer.estimated_stepping_batches``.
    - **Resume.** The checkpoint holds the step (in the scheduler's state) and this callback's
      :meth:`state_dict`: the resolved durations and any values filled by a range test. On
      ``fit(ckpt_path=...)`` durations are resolved again for the new run: with the same trainer settings
      they are the same and the LR/momentum trace continues bitwise identically; with a longer run
      (larger ``max_epochs``), ``Epochs``/``Fraction`` durations follow the new run (the schedule continues
      from the checkpoint's step as if it had been planned for the new length, so the LR may jump), with
      one warning listing what changed. Values filled by a range test are restored, not searched again.
      A checkpoint written without this callback starts the schedule at the trainer's step (warned).
    - **Logging.** Every optimizer step (subject to ``log_every_n_steps``), the LR and momentum of every
      param group of the scheduled optimizers go to every logger under LearningRateMonitor's tags (``lr-SGD``,
      ``lr-Adam/pg2``, ``lr-SGD-momentum``, ...), as exact Python floats, at the step Lightning logs its
      own metrics at (``Logger.log_metrics`` as LearningRateMonitor does; ``self.log`` under manual
      optimization). If a LearningRateMonitor is attached it writes the LR (and the momentum if its
      ``log_momentum=True``) and this callback writes only the rest, so no value is written twice.
    - **Preview.** At train start (before the first step, after every callback's ``on_train_start``, so a
      range test's values are included), with a TensorBoardLogger and matplotlib, a figure of the planned
      LR and momentum of the whole run is added under ``lr_schedule/<class name>`` (e.g.
      ``lr_schedule/OneCycle``); when a range test changes the schedule during the run, the new plan is
      added at that step. :meth:`planned` returns the same curves as arrays.
    - **Range test.** :meth:`apply_range_test` fills the arguments in :attr:`range_test_args` that were
      left as None (see there).

    Args:
        optimizer: which optimizers to schedule: ``"all"``, an index, or a class name.
        log_lr: log the LR and momentum of every param group of the scheduled optimizers each step.
        preview: add the preview figure to TensorBoard.

    Attributes:
        run: the :class:`RunInfo` of the current (or last) fit, None before the first.
        steps: the duration arguments resolved to optimizer steps for that fit (``{"total": 240}``).

    Example:
        A preset of your own: a linear decay to 0 over a duration.

        >>> from lightning_lr import schedules
        >>> from lightning_lr.callbacks import Fraction, ScheduleCallback
        >>> class LinearDecay(ScheduleCallback):
        ...     def __init__(self, total=Fraction(1.0), **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.total = total
        ...
        ...     def durations(self):
        ...         return {"total": (self.total, 1)}
        ...
        ...     def build(self, run, steps, info):
        ...         lrs = [schedules.Linear(lr, 0.0, total=steps["total"]) for lr in info.base_lrs]
        ...         return lrs, None  # one LR schedule per param group, momentum left alone
        >>> LinearDecay(total=Fraction(0.5))
        LinearDecay(total=Fraction(0.5))
    """

    #: the LR-valued arguments an LR range test may fill when they are None
    range_test_args: tuple[str, ...] = ()

    def __init__(self, *, optimizer: int | str = "all", log_lr: bool = True, preview: bool = True) -> None:
        owner = type(self).__name__
        if isinstance(optimizer, bool) or not isinstance(optimizer, (int, str)):
            raise TypeError(
                f"{owner}: optimizer must be 'all', an optimizer index (int) or an optimizer class name "
                f"(str), got {optimizer!r}"
            )
        if isinstance(optimizer, int) and optimizer < 0:
            raise ValueError(f"{owner}: optimizer must be a non-negative index, got {optimizer!r}")
        if isinstance(optimizer, str) and not optimizer:
            raise ValueError(f"{owner}: optimizer must be 'all' or a class name, got an empty string")
        self.optimizer = optimizer
        # not `log`: Lightning sets `callback.log = pl_module.log` on every callback
        self.log_lr = check_bool("log_lr", log_lr, owner=owner)
        self.preview = check_bool("preview", preview, owner=owner)
        self._init_runtime()
        self._filled: dict[str, float] = {}
        self._filled_from: dict[str, str] = {}
        self._restored: dict[str, Any] | None = None
        self._warned: set[str] = set()
        self.run: RunInfo | None = None
        self.steps: dict[str, Any] = {}
        self._plans: list[tuple[list[str], list[Any], list[Any], list[float]]] = []
        self._record_hparams = False  # set by LRScheduleMixin for the schedule a module declares

    # --- to implement --------------------------------------------------------------------------
    def build(self, run: RunInfo, steps: Mapping[str, Any], info: OptimizerInfo) -> tuple[Any, Any]:
        """The schedules for one optimizer: ``(lr, momentum)``, each a Schedule, a list with one per
        param group (None leaves a group alone) or None. ``steps`` holds :meth:`durations` resolved to
        optimizer steps."""
        raise NotImplementedError

    def durations(self) -> dict[str, tuple[Any, int]]:
        """The duration arguments to resolve: ``{name: (value, minimum steps)}``; a value may be a list."""
        return {}

    def range_test_values(self, result: Any) -> dict[str, float | None]:
        """What a range test suggests for each of :attr:`range_test_args`."""
        return {}

    # --- helpers for subclasses ----------------------------------------------------------------
    @property
    def name(self) -> str:
        return type(self).__name__

    def value(self, arg: str) -> Any:
        """The argument as the user gave it, or the value a range test filled in when it was None."""
        given = getattr(self, arg)
        return self._filled.get(arg) if given is None else given

    def per_group(self, arg: str, spec: LRSpec, info: OptimizerInfo, default: Sequence[float | None]) -> list:
        """An LR-valued argument for every param group of ``info``'s optimizer.

        None takes ``default``; one number is the value for the group with the largest LR in the
        optimizer and every other group gets it scaled by its ratio ``lr / max lr`` (discriminative LRs
        keep their ratios); a list gives one value per group (None leaves that group alone).
        """
        n = len(info.base_lrs)
        if spec is None:
            return list(default)
        if isinstance(spec, (list, tuple)):
            if len(spec) != n:
                raise ValueError(
                    f"{self.name}: {arg} has {len(spec)} values but {info.label} has {n} param groups; "
                    f"give one per group (None to leave a group alone) or a single number"
                )
            return list(spec)
        assert isinstance(spec, float)
        top = max(info.base_lrs)
        if top <= 0:
            raise ValueError(
                f"{self.name}: {arg}={spec:g} is scaled by each param group's LR relative to the largest, "
                f"but every group of {info.label} has lr=0; give {arg} as a list with one value per group"
            )
        return [spec * b / top for b in info.base_lrs]

    def cycled_momentum(self, cycle: bool | None, info: OptimizerInfo) -> list[bool]:
        """Which param groups of ``info``'s optimizer get their momentum cycled.

        False: none. True: every group with ``momentum`` or ``betas``; an optimizer with neither is an
        error. None (the default): every group whose momentum is not 0, with one warning for groups
        configured with ``momentum=0`` (they keep it: cycling would switch momentum on) and one warning
        for an optimizer with neither (the LR is still scheduled).
        """
        keys = info.momentum_keys
        if cycle is False:
            return [False] * len(keys)
        if all(k is None for k in keys):
            if cycle is True:
                raise ValueError(
                    f"{self.name}(cycle_momentum=True): {info.label} has neither 'momentum' nor 'betas' in its "
                    f"param groups, so there is no momentum to cycle; pass cycle_momentum=False or use an "
                    f"optimizer with momentum (SGD, RMSprop) or betas (Adam, AdamW, NAdam, ...)"
                )
            self.warn_once(
                f"no-momentum-{info.name}",
                f"{self.name}: {info.label} has neither 'momentum' nor 'betas', so momentum is not cycled "
                f"(cycle_momentum=None cycles it where the optimizer has it); pass cycle_momentum=False to "
                f"silence this warning",
            )
            return [False] * len(keys)
        if cycle is True:
            return [k is not None for k in keys]
        momentums = info.momentums or (None,) * len(keys)
        off = [i for i, (k, m) in enumerate(zip(keys, momentums, strict=True)) if k == "momentum" and m == 0]
        if off:
            self.warn_once(
                f"zero-momentum-{info.name}",
                f"{self.name}: param group(s) {off} of {info.label} have momentum=0, so their momentum is left "
                f"at 0 (torch would switch it on silently). Give the optimizer a momentum (e.g. momentum=0.9) "
                f"to have it cycled, pass cycle_momentum=True to cycle it from 0 anyway, or "
                f"cycle_momentum=False to silence this warning.",
            )
        return [k is not None and i not in off for i, k in enumerate(keys)]

    def warn_once(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            rank_zero_warn(message, category=UserWarning)

    # --- injection -----------------------------------------------------------------------------
    def _init_runtime(self) -> None:
        self._trainer: pl.Trainer | None = None
        self._module: pl.LightningModule | None = None
        self._injected: list[_Injected] = []
        self._log_lr = self._log_momentum = False
        self._preview_due = self._previewed = False

    def setup(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        if stage != "fit":
            return
        self._trainer, self._module = trainer, pl_module
        self._injected = []
        _inject.install(pl_module, self)
        self._write_hparams()

    def _write_hparams(self) -> None:
        """Put :meth:`hparams` into the module's hparams (and initial hparams, which loggers receive at
        fit start) under ``"lightning_lr"``, for a schedule the module declared."""
        module: Any = self._module
        if not self._record_hparams or module is None:
            return
        values = self.hparams()
        module.hparams[HPARAMS_KEY] = values
        if getattr(module, "_hparams_initial", None) is None:
            # the module never called save_hyperparameters: start its initial hparams and log them
            module._hparams_initial = AttributeDict()
            module._log_hyperparams = True
        module._hparams_initial[HPARAMS_KEY] = copy.deepcopy(values)

    def teardown(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        if stage == "fit":
            self._leave(pl_module)

    def on_exception(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, exception: BaseException
    ) -> None:
        self._leave(pl_module)

    def _leave(self, pl_module: pl.LightningModule) -> None:
        _inject.uninstall(pl_module, self)
        for entry in self._injected:
            if entry.hook is not None:
                entry.hook.remove()
        self._init_runtime()

    def _select(self, optimizers: list[Any]) -> list[int]:
        names = _inject.optimizer_names(optimizers)
        if self.optimizer == "all":
            return list(range(len(optimizers)))
        if isinstance(self.optimizer, int):
            if self.optimizer >= len(optimizers):
                raise IndexError(
                    f"{self.name}(optimizer={self.optimizer}): configure_optimizers returned "
                    f"{len(optimizers)} optimizer(s) ({names}); pass 'all', an index from 0 to "
                    f"{len(optimizers) - 1} or an optimizer's class name"
                )
            return [self.optimizer]
        hits = [i for i, o in enumerate(optimizers) if type(o).__name__ == self.optimizer]
        if len(hits) != 1:
            what = "no optimizer" if not hits else f"{len(hits)} optimizers"
            raise ValueError(
                f"{self.name}(optimizer={self.optimizer!r}) matches {what} of those configure_optimizers "
                f"returned ({names}); use 'all', a class name that matches exactly one, or an index"
            )
        return hits

    def _run_info(self, trainer: pl.Trainer, needs_epochs: bool) -> RunInfo:
        total = trainer.estimated_stepping_batches
        total_steps = int(total) if math.isfinite(total) and total > 0 else None
        batches = trainer.num_training_batches
        if needs_epochs and not math.isfinite(batches) and trainer.train_dataloader is None:
            trainer.fit_loop.setup_data()  # what estimated_stepping_batches does when max_epochs is set
            batches = trainer.num_training_batches
        steps_per_epoch = None
        if math.isfinite(batches) and batches > 0:
            steps_per_epoch = math.ceil(batches / trainer.accumulate_grad_batches)
        return RunInfo(total_steps=total_steps, steps_per_epoch=steps_per_epoch)

    def _resolve(self, run: RunInfo) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for arg, (value, minimum) in self.durations().items():
            try:
                if isinstance(value, (list, tuple)):
                    out[arg] = [
                        run.steps(v, minimum=minimum, name=f"{arg}[{i}]") for i, v in enumerate(value)
                    ]
                else:
                    out[arg] = run.steps(value, minimum=minimum, name=arg)
            except (TypeError, ValueError) as exc:
                raise type(exc)(f"{self.name}({arg}={value!r}): {exc}") from None
        return out

    def _needs_epochs(self) -> bool:
        for value, _ in self.durations().values():
            values = value if isinstance(value, (list, tuple)) else [value]
            if any(isinstance(v, Epochs) for v in values):
                return True
        return False

    def _inject(self, conf: OptimizerConfig) -> None:
        """Add this callback's scheduler configs to ``conf`` (called from the wrapped configure_optimizers)."""
        trainer = self._trainer
        assert trainer is not None, "setup() installs the wrapper and sets the trainer"
        self.run = self._run_info(trainer, self._needs_epochs())
        self.steps = self._resolve(self.run)
        self._check_against_checkpoint()
        self._injected = []
        for index in self._select(conf.optimizers):
            optimizer = conf.optimizers[index]
            if not isinstance(optimizer, Optimizer):
                raise TypeError(
                    f"{self.name}: optimizer {index} returned by configure_optimizers is a "
                    f"{type(optimizer).__name__}, not a torch.optim.Optimizer, so it cannot be scheduled"
                )
            position = self._take_over(conf, optimizer, index)
            info = OptimizerInfo(
                index=index,
                name=type(optimizer).__name__,
                base_lrs=tuple(float(g.get("initial_lr", g["lr"])) for g in optimizer.param_groups),
                momentum_keys=tuple(momentum_key(g) for g in optimizer.param_groups),
                momentums=tuple(_momentum_of(g) for g in optimizer.param_groups),
            )
            lr, momentum = self._build_checked(info)
            scheduler = self._with_context(
                info, ScheduleLR, optimizer, lr=lr, momentum=momentum, relative=self._relative()
            )
            _OWNERS[scheduler] = self.name
            config = {"scheduler": scheduler, "interval": "step", "frequency": 1, "name": None}
            conf.schedulers.insert(position, config)
            self._injected.append(_Injected(info, optimizer, scheduler))

    def _relative(self) -> bool:
        return False

    def _take_over(self, conf: OptimizerConfig, optimizer: Optimizer, index: int) -> int:
        """Remove the schedulers already driving ``optimizer`` (one warning each); where ours goes."""
        found = conf.entries_for(optimizer)
        for i in reversed(found):
            scheduler = conf.scheduler_of(conf.schedulers[i])
            owner = _OWNERS.get(scheduler)
            if owner is not None:
                raise ValueError(
                    f"{self.name} and {owner} both schedule optimizer {index} ({type(optimizer).__name__}); "
                    f"one lightning_lr schedule per optimizer: remove one, or target different optimizers "
                    f"with optimizer=<index or class name>"
                )
            rank_zero_warn(
                f"{self.name} replaces the {type(scheduler).__name__} that configure_optimizers returned for "
                f"optimizer {index} ({type(optimizer).__name__}); the LR of that optimizer follows {self.name}. "
                f"Remove the scheduler from configure_optimizers to silence this warning.",
                category=UserWarning,
            )
            del conf.schedulers[i]
        return found[0] if found else len(conf.schedulers)

    def _build_checked(self, info: OptimizerInfo) -> tuple[Any, Any]:
        run = self.run
        assert run is not None
        return self._with_context(info, self.build, run, self.steps, info)

    def _with_context(self, info: OptimizerInfo, make: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``make(*args, **kwargs)``, prefixing a TypeError/ValueError with this callback and the optimizer."""
        try:
            return make(*args, **kwargs)
        except (TypeError, ValueError) as exc:
            message = str(exc)
            if not message.startswith(self.name):
                message = f"{self.name} on {info.label}: {message}"
            raise type(exc)(message) from None

    def _refresh(self) -> None:
        """Rebuild the schedules and apply them to the live schedulers from the next step on."""
        for entry in self._injected:
            lr, momentum = self._build_checked(entry.info)
            self._with_context(entry.info, entry.scheduler.set_schedule, lr, momentum)
        self._snapshot()
        if self._previewed:  # changed during the run (a range test at a later epoch): draw the new plan
            self._preview_due = True

    # --- range test ----------------------------------------------------------------------------
    def apply_range_test(self, result: Any) -> None:
        """Use an LR range test's result (called by :class:`~lightning_lr.LRRangeTest` after it restored
        the state).

        Arguments left as None are filled from ``result``; arguments given explicitly are kept, with one
        warning naming each, its kept value and the suggested one; when the result has no suggestion the
        current values are kept with a warning that says so. If this callback already injected its
        scheduler into the running fit, the schedule is rebuilt and applied from the next optimizer step.
        The filled values are saved in :meth:`state_dict`, so a resumed run keeps them.
        """
        if not self.range_test_args:
            return
        suggestions = self.range_test_values(result)
        kept: list[str] = []
        missing: list[str] = []
        changed = False
        for arg in self.range_test_args:
            suggested = suggestions.get(arg)
            if suggested is None:
                missing.append(f"{arg}={self._describe_current(arg)}")
                continue
            if isinstance(suggested, bool) or not isinstance(suggested, numbers.Real):
                raise TypeError(f"{self.name}: the range test suggested {arg}={suggested!r}, not a number")
            suggested = float(suggested)
            if not math.isfinite(suggested) or suggested <= 0:
                raise ValueError(
                    f"{self.name}: the range test suggested {arg}={suggested!r}; need a number > 0"
                )
            given = getattr(self, arg)
            if given is not None:
                kept.append(f"{arg}={_fmt_value(given)} (given explicitly; suggested {suggested:g})")
            elif self._filled_from.get(arg) == "checkpoint":
                kept.append(
                    f"{arg}={self._filled[arg]:g} (restored from the checkpoint; suggested {suggested:g})"
                )
            else:
                changed = changed or self._filled.get(arg) != suggested
                self._filled[arg] = suggested
                self._filled_from[arg] = "range_test"
        if missing:
            rank_zero_warn(
                f"{self.name}: the LR range test gave no suggestion (see its warnings for why), so "
                f"{', '.join(missing)} is kept",
                category=UserWarning,
            )
        if kept:
            rank_zero_warn(
                f"{self.name} keeps {'; '.join(kept)}. Leave an argument as None to take the range test's value.",
                category=UserWarning,
            )
        if changed:
            self._write_hparams()
            if self._injected:
                self._refresh()

    def _describe_current(self, arg: str) -> str:
        given = getattr(self, arg)
        if given is not None:
            return _fmt_value(given)
        if arg in self._filled:
            return f"{self._filled[arg]:g}"
        return "None (from the optimizer)"

    # --- state ---------------------------------------------------------------------------------
    @property
    def state_key(self) -> str:
        return self._generate_state_key(optimizer=self.optimizer)

    def state_dict(self) -> dict[str, Any]:
        """``version``; ``total_steps`` and ``steps_per_epoch`` of the run the durations were resolved
        for; ``durations`` (each duration argument in optimizer steps); ``filled`` (values a range test
        filled in)."""
        run = self.run
        return {
            "version": STATE_VERSION,
            "total_steps": None if run is None else run.total_steps,
            "steps_per_epoch": None if run is None else run.steps_per_epoch,
            "durations": dict(self.steps),
            "filled": dict(self._filled),
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        missing = [k for k in _STATE_KEYS if k not in state_dict]
        if missing:
            raise KeyError(
                f"{self.name}: the checkpoint's state for this callback lacks {missing}; it has "
                f"{sorted(state_dict)}"
            )
        if state_dict["version"] != STATE_VERSION:
            raise ValueError(
                f"{self.name}: checkpoint state version {state_dict['version']!r} is not supported "
                f"(this version of lightning_lr reads version {STATE_VERSION})"
            )
        self._restored = dict(state_dict)
        for arg, value in dict(state_dict["filled"]).items():
            if arg not in self.range_test_args:
                raise KeyError(
                    f"{self.name}: the checkpoint fills {arg!r}, which is not an argument of {self.name}"
                )
            if getattr(self, arg) is not None:
                rank_zero_warn(
                    f"{self.name}: {arg}={_fmt_value(getattr(self, arg))} given explicitly is used instead of "
                    f"{arg}={value:g} that a range test filled in the checkpoint's run",
                    category=UserWarning,
                )
                continue
            self._filled[arg] = float(value)
            self._filled_from[arg] = "checkpoint"
        self._write_hparams()
        if self._injected:  # strategies that restore callbacks after configure_optimizers
            self._check_against_checkpoint()
            self._refresh()

    def _check_against_checkpoint(self) -> None:
        restored = self._restored
        if restored is None or self.run is None or restored["durations"] is None:
            return
        changes = []
        for key, new in (
            ("total_steps", self.run.total_steps),
            ("steps_per_epoch", self.run.steps_per_epoch),
        ):
            if restored[key] is not None and restored[key] != new:
                changes.append(f"{key} {restored[key]} -> {new}")
        for arg, new in self.steps.items():
            old = restored["durations"].get(arg)
            if old is not None and old != new:
                changes.append(f"{arg} {old} -> {new} steps")
        self._restored = None
        if changes:
            rank_zero_warn(
                f"{self.name}: the run differs from the checkpoint's ({'; '.join(changes)}). Durations given "
                f"as Epochs or Fraction follow the new run: the schedule continues from the checkpoint's step "
                f"as if it had been planned for this run, so the LR may jump there.",
                category=UserWarning,
            )

    def __getstate__(self) -> dict[str, Any]:
        # the trainer, module and live schedulers of a running fit do not travel (ddp_spawn, deepcopy)
        state = self.__dict__.copy()
        state.update(_trainer=None, _module=None, _injected=[])
        return state

    # --- logging -------------------------------------------------------------------------------
    def on_train_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if not self._injected:
            return
        names = lr_monitor_names(trainer.lr_scheduler_configs, trainer.optimizers)
        for entry in self._injected:
            entry.tags = names.get(id(entry.optimizer))
        # a LearningRateMonitor (at any interval) owns the LR tags; the momentum ones if it logs momentum
        monitors = [cb for cb in getattr(trainer, "callbacks", []) if isinstance(cb, LearningRateMonitor)]
        self._log_lr = self.log_lr and not monitors
        self._log_momentum = self.log_lr and not any(m.log_momentum for m in monitors)
        if not pl_module.automatic_optimization:
            for entry in self._injected:
                entry.steps_seen = 0
                entry.hook = entry.optimizer.register_step_post_hook(self._counter(entry))
        elif trainer.global_step > 0:
            self._catch_up(trainer.global_step)
        self._snapshot()
        # drawn before the first step, not now: a callback later in the list (an LRRangeTest) may still change
        # the schedule in its on_train_start
        self._preview_due = self.preview and trainer.is_global_zero

    def on_train_batch_start(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, batch: Any, batch_idx: int
    ) -> None:
        if self._preview_due:
            self._preview_due = False
            self._previewed = True
            self._add_preview(trainer)

    def _catch_up(self, step: int) -> None:
        """A resumed run whose checkpoint has no state for this scheduler (written without this callback)
        would restart the schedule at 0: start it at the trainer's step instead, with a warning."""
        for entry in self._injected:
            if entry.scheduler.last_epoch == 0:
                rank_zero_warn(
                    f"{self.name}: the checkpoint has no state for the scheduler of {entry.info.label} (it was "
                    f"written without this callback), so the schedule starts at the trainer's step {step} "
                    f"instead of 0",
                    category=UserWarning,
                )
                entry.scheduler.step(step)

    @staticmethod
    def _counter(entry: _Injected) -> Any:
        def count(optimizer: Any, args: Any, kwargs: Any) -> None:
            entry.steps_seen += 1

        return count

    def on_before_optimizer_step(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, optimizer: Optimizer
    ) -> None:
        if not ((self._log_lr or self._log_momentum) and trainer.loggers and self._injected):
            return
        optimizer = getattr(optimizer, "_optimizer", optimizer)
        every = cast(Any, trainer).log_every_n_steps  # set by Lightning's logger connector, untyped
        for entry in self._injected:
            if entry.optimizer is not optimizer or entry.tags is None or not every:
                continue
            values = self._values(entry)
            if not pl_module.automatic_optimization:
                # Lightning counts logging steps in batches here: let it place and gate the values
                for tag, value in values.items():
                    pl_module.log(tag, _exact(value), on_step=True, on_epoch=False, logger=True)
                continue
            # Automatic optimization: the scheduler's step is the count of stepping batches that Lightning
            # logs against and gates on, so write directly like LearningRateMonitor (self.log costs ~0.4 ms
            # a value), on the steps Lightning writes.
            step = entry.scheduler.last_epoch
            if (step + 1) % every == 0 or trainer.should_stop:
                metrics = {tag: float(value) for tag, value in values.items()}
                for logger in trainer.loggers:
                    logger.log_metrics(metrics, step=step)

    def _values(self, entry: _Injected) -> dict[str, Any]:
        """LR and momentum of every param group under LearningRateMonitor's tags (tensors as they are)."""
        assert entry.tags is not None
        out: dict[str, Any] = {}
        for group, tag in zip(entry.optimizer.param_groups, entry.tags, strict=True):
            if self._log_lr:
                out[tag] = group["lr"]
            key = momentum_key(group)
            if self._log_momentum and key is not None:
                out[f"{tag}-momentum"] = group["momentum"] if key == "momentum" else group["betas"][0]
        return out

    def on_train_batch_end(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, outputs: Any, batch: Any, batch_idx: int
    ) -> None:
        if pl_module.automatic_optimization:
            return
        for entry in self._injected:
            if entry.steps_seen > 0 and entry.scheduler.last_epoch == 0:
                self.warn_once(
                    f"manual-{entry.info.index}",
                    f"{self.name}: {entry.info.label} has stepped {entry.steps_seen} time(s) but its schedule "
                    f"has not moved. Under manual optimization Lightning does not step LR schedulers: call "
                    f"`.step()` on the scheduler from `self.lr_schedulers()` after each `opt.step()`.",
                )

    # --- preview -------------------------------------------------------------------------------
    def _snapshot(self) -> None:
        """Keep what :meth:`planned` draws (schedules, tags, relative factors), without the optimizers."""
        plans = []
        for entry in self._injected:
            n = len(entry.info.base_lrs)
            tags = entry.tags or [
                f"{entry.info.label}/pg{i + 1}" if n > 1 else entry.info.label for i in range(n)
            ]
            sched = entry.scheduler
            factors = [
                float(g.get("initial_lr", b)) if sched.relative else 1.0
                for g, b in zip(entry.optimizer.param_groups, entry.info.base_lrs, strict=True)
            ]
            plans.append((tags, list(sched.lr_schedules), list(sched.momentum_schedules), factors))
        self._plans = plans

    def planned(self, n: int | None = None, points: int = 2000) -> dict[str, Any]:
        """The planned LR and momentum curves of the current (or last) fit, as drawn in the preview:
        ``{"steps": array, "lr": {tag: array}, "momentum": {tag: array}}`` at up to ``points`` steps of
        ``0 .. n-1`` (``n`` defaults to the run's total steps). Relative schedules include each group's
        factor; groups left alone are not included."""
        import numpy as np

        total = n if n is not None else (self.run.total_steps if self.run else None)
        if not total:
            raise ValueError(f"{self.name}: the run's length is unknown (infinite); pass n")
        steps = np.unique(np.linspace(0, total - 1, min(points, total)).round().astype(np.int64))
        lrs: dict[str, Any] = {}
        moms: dict[str, Any] = {}
        for tags, lr_schedules, momentum_schedules, factors in self._plans:
            for tag, s, f in zip(tags, lr_schedules, factors, strict=True):
                if s is not None:
                    lrs[tag] = np.array([s(int(t)) * f for t in steps])
            for tag, s in zip(tags, momentum_schedules, strict=True):
                if s is not None:
                    moms[f"{tag}-momentum"] = np.array([s(int(t)) for t in steps])
        return {"steps": steps, "lr": lrs, "momentum": moms}

    def _add_preview(self, trainer: pl.Trainer) -> None:
        loggers = [lg for lg in trainer.loggers if isinstance(lg, TensorBoardLogger)]
        if not loggers:
            return
        try:
            from .. import plotting

            plotting.pyplot()
        except ImportError:
            rank_zero_info(f"{self.name}: matplotlib is not installed, so no schedule preview is drawn")
            return
        if self.run is None or self.run.total_steps is None:
            rank_zero_info(f"{self.name}: the run's length is unknown, so no schedule preview is drawn")
            return
        curves = self.planned()
        title = f"{self.name}: planned schedule ({self.run.total_steps} optimizer steps)"
        fig = plotting.schedule_figure(
            curves["steps"], curves["lr"], curves["momentum"], title=title, marker=trainer.global_step or None
        )
        try:
            for lg in loggers:
                lg.experiment.add_figure(f"lr_schedule/{self.name}", fig, global_step=trainer.global_step)
        finally:
            plotting.pyplot().close(fig)

    # --- description ---------------------------------------------------------------------------
    def arguments(self) -> dict[str, Any]:
        """The constructor arguments and their values (what LightningCLI and hparams see)."""
        params = inspect.signature(type(self).__init__).parameters
        return {name: getattr(self, name) for name in params if name != "self" and hasattr(self, name)}

    def hparams(self) -> dict[str, Any]:
        """The arguments as plain values for a logger's hyperparameters (``{"schedule": "OneCycle",
        "max_lr": 0.1, "total": "Fraction(1.0)", ...}``); values a range test filled are included."""
        out: dict[str, Any] = {"schedule": self.name}
        for name, value in self.arguments().items():
            if value is None and name in self._filled:
                value = self._filled[name]
            out[name] = _plain(value)
        return out

    def __repr__(self) -> str:
        params = inspect.signature(type(self).__init__).parameters
        shown = []
        for name, value in self.arguments().items():
            default = params[name].default
            if default is inspect.Parameter.empty or value != default:
                shown.append(f"{name}={_fmt_value(value)}")
        return f"{self.name}({', '.join(shown)})"


def _momentum_of(group: dict[str, Any]) -> float | None:
    key = momentum_key(group)
    if key is None:
        return None
    return float(group["momentum"] if key == "momentum" else group["betas"][0])


def _exact(value: Any) -> Any:
    """A Python float as a float64 tensor, so ``self.log`` does not round it to float32."""
    return value if isinstance(value, torch.Tensor) else torch.tensor(float(value), dtype=torch.float64)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (Duration, Schedule)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return str([_plain(v) for v in value])
    return getattr(value, "__qualname__", None) or repr(value)
