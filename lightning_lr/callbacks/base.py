"""ScheduleCallback, the base of the schedule callbacks: the subclass API and the Lightning hooks.

Each hook delegates to the module that does the job: injection into ``configure_optimizers``
(:mod:`._inject`), durations resolved from the trainer (:mod:`._resolve`), the run's plan as it takes place
(:mod:`._planning`, a base of the class, which also holds the one hook that only plans, the epoch's end),
values a range test filled in (:mod:`._filled`), checkpoint state (:mod:`._state`), per-step logging
(:mod:`._log`), the preview (:mod:`._preview`) and the description of the arguments for hparams and repr
(:mod:`._hparams`).
"""

from __future__ import annotations

import copy
import functools
import inspect
import logging
import math
import numbers
import pickle
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import lightning.pytorch as pl
from torch.optim import Optimizer

from .. import _lightning_compat as L
from .. import _validate as V
from .. import schedules as S
from .._lightning_compat import Callback, rank_zero_info
from ..optim import param_groups as pg
from ..schedules.compose import Retimed, retimed_clock
from . import _filled, _hparams, _inject, _others, _resolve, _state, _subclass
from . import _peers as peers
from ._args import LRSpec
from ._filled import FilledValues
from ._hparams import HPARAMS_KEY
from ._inject import Injected, OptimizerConfig, OptimizerInfo
from ._log import StepLogging
from ._planning import Jump, RunPlanning
from ._preview import Preview
from ._state import CheckpointState
from ._time_limit import Stops
from .durations import Duration, Epochs, RunInfo

__all__ = ["HPARAMS_KEY", "OptimizerInfo", "ScheduleCallback"]


def _sampled(spec: Any, steps: Sequence[int], groups: int) -> list[str]:
    """Per param group, the values of a built LR or momentum ``spec`` (a Schedule for every group, a list with
    one Schedule or None per group, or None) at ``steps``, as text to compare across ranks; a schedule that
    raises there is its error's class."""
    items = spec if isinstance(spec, (list, tuple)) else [spec] * groups
    out = []
    for schedule in items:
        if schedule is None:
            out.append("left alone")
            continue
        try:
            out.append("[" + ", ".join(f"{float(schedule(t)):.9g}" for t in steps) + "]")
        except Exception as exc:  # (the step that raises does so on every rank alike, or the text differs)
            out.append(type(exc).__name__)
    return out + ["left alone"] * (groups - len(out))


def _masked(message: str) -> str:
    """``message`` with its numbers masked: errors alike but for the run's numbers compare equal."""
    return re.sub(r"\d+(\.\d+)?", "#", message)


#: the runs a schedule that a ``fast_dev_run`` refused is built for, to tell a run too short for it from a
#: configuration no run takes (:meth:`ScheduleCallback._longer_runs_refuse`): (steps an epoch, epochs)
_PROBED_RUNS = tuple((spe, epochs) for spe in (1, 10, 100, 1_000, 10_000) for epochs in (1, 10, 100, 1_000))


_UNSET = object()  # (an attribute a callback does not have)

#: what :meth:`ScheduleCallback.duration_kinds` gives every class (a preset adds its own)
_DEFAULT_KINDS = {"milestones": _resolve.EVENT, "every": _resolve.EVENT}


class ScheduleCallback(RunPlanning, Callback):
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
      command line overrides the module's default; the replaced config's ``name`` is kept (a
      LearningRateMonitor's tags stay). Two lightning_lr schedules on one optimizer are an error.
    - **Several optimizers.** ``optimizer="all"`` (default) schedules every optimizer, an int targets one
      by position, a string by class name (``"Adam"``; an error if it matches none or several). One number
      for an LR argument is the value of each optimizer's group with the largest LR (their ratio is not kept
      across optimizers, as torch's scheduler on each would not keep it; an info line says so at fit start):
      one callback per optimizer gives each its own.
    - **Manual optimization.** Lightning does not step schedulers then: call ``.step()`` on the
      schedulers from ``self.lr_schedulers()`` after each ``opt.step()``, as for any scheduler (those
      lightning_lr adds come after the module's own, in the order of their optimizers). Durations
      count the steps of the optimizers they drive: the first epoch tells how many times they step per
      batch (twice for a critic, once every 2 batches for a gradient accumulation written by hand), early
      from their first steps and settled at its end from all its steps, and :class:`Epochs`/
      :class:`Fraction` are resolved in those steps from then on, with one warning each time the plan
      changes. ``max_steps`` bounds Lightning's ``global_step``, which counts every optimizer's steps
      then. A resume from a checkpoint written before the epoch ended tells it again. If an optimizer
      steps but its schedule never moves, one warning says so.
    - **Durations** (:class:`Epochs`, :class:`Fraction`, plain int = optimizer steps) are resolved in
      ``configure_optimizers``, from ``trainer.estimated_stepping_batches``.
    - **Resume.** The checkpoint holds the step (in the scheduler's state) and this callback's
      :meth:`state_dict`: the resolved durations and any values filled by a range test. On
      ``fit(ckpt_path=...)`` durations are resolved again for the new run: with the same trainer settings
      they are the same and the LR/momentum trace continues bitwise identically; with a longer run
      (larger ``max_epochs``), ``Epochs``/``Fraction`` durations follow the new run (the schedule continues
      from the checkpoint's step as if it had been planned for the new length, so the LR may jump), with
      one warning at train start listing what changed and the LR's jump there, from the checkpoint's LR (a
      fit that trains no step says nothing). Values filled by a range test are restored, not searched again.
      A checkpoint written without this callback starts the schedule at the trainer's step (warned). A
      checkpoint written with ``optimizer`` spelled otherwise (``"all"``, an index, a class name) is this
      callback's when it picks the same optimizers: its state is taken, with one warning. The order of the
      callbacks does not matter: each scheduler's state names its optimizer, and goes to its scheduler.
    - **Logging.** Every optimizer step (subject to ``log_every_n_steps``), the LR and momentum of every
      param group of the scheduled optimizers go to every logger under LearningRateMonitor's tags (``lr-SGD``,
      ``lr-Adam/pg2``, ``lr-SGD-momentum``, ...), as exact Python floats, at the step Lightning logs its
      own metrics at (``Logger.log_metrics`` as LearningRateMonitor does; ``self.log`` under manual
      optimization). If a LearningRateMonitor is attached it writes the LR (and the momentum if its
      ``log_momentum=True``) and this callback writes only the rest, so no value is written twice.
    - **Preview.** At train start (before the first step, after every callback's ``on_train_start``, so a
      range test's values are included), with a TensorBoardLogger and matplotlib, a figure of the planned
      LR and momentum of the whole run is added under ``lr_schedule/<class name>`` (e.g.
      ``lr_schedule/OneCycle``; beside another callback of the class, one per optimizer, followed by the
      LR tag of its optimizer: ``lr_schedule/OneCycle/lr-SGD``); when a range test changes the schedule during the run, the new plan is
      added at that step. :meth:`planned` returns the same curves as arrays.
    - **Range test.** :meth:`apply_range_test` fills the arguments in :attr:`range_test_args` that were
      left as None (see there). A range test on the fit's own Trainer that fills them before the first step
      (``LRRangeTest()`` at fit start, the Tuner's) runs after ``configure_optimizers``: the schedules built
      there stand in until it has, and what compares another argument with an LR it fills is checked, and
      said, with its value (:meth:`_build_checked`).
    - **An LR the optimizer cannot take.** An LR its schedule would put into a param group that is no finite
      number, or beyond the largest value of the group's parameters' type (float16's 65504, float32's 3.4e38:
      torch converts the LR to it and its step would fail naming nothing), raises a ValueError naming this
      callback with its arguments, the step, the group and the value, where the scheduler writes it (at fit
      start, after each step, at a rebuild), before the optimizer's step that would take it: the check of
      :class:`~lightning_lr.optim.ScheduleLR` itself, which names its schedule instead.

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
    #: the duration argument at which the schedule has done its work (a 1cycle's or a cosine's ``total``, the
    #: last of ``milestones``), which a time limit or an early stop may cut; None: no planned end (it decays
    #: or cycles for as long as the run goes)
    schedule_end: str | None = None
    #: the duration arguments that are periods, repeated through the run (a step decay's ``every``, a cycle's
    #: ``step_size``): given in :class:`Epochs` in a run whose epochs took other numbers of steps before a
    #: resume, the schedule keeps to the epochs as they took place (:meth:`_build_checked`)
    periods: tuple[str, ...] = ()
    #: whether :meth:`build` reads the run itself (its length), not only the durations resolved for it: then a
    #: resume into a run of another length may change the schedule though no duration changed. The presets
    #: build from the durations alone; a class that overrides ``build`` reads it unless it says otherwise
    reads_run: bool = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "build" in vars(cls) and "reads_run" not in vars(cls):
            cls.reads_run = True
        if "__init__" in vars(cls):  # LearningRateMonitor's argument names get a hint, as the peers' do
            init = _keeping_plain(vars(cls)["__init__"], deep=cls.__module__.startswith("lightning_lr."))
            cls.__init__ = _checked(V.known_as(peers.MONITOR)(init), cls)  # type: ignore[method-assign]

    @V.known_as(peers.MONITOR)
    def __init__(self, *, optimizer: int | str = "all", log_lr: bool = True, preview: bool = True) -> None:
        before = dict(vars(self))  # what a subclass set before its super().__init__() call (_subclass.kept)
        with V.context(self.name):
            allowed = "'all', an optimizer index (int) or an optimizer class name (str)"
            optimizer = V.number("optimizer", optimizer, allowed)  # a 0-d tensor as its index (review 146)
            if isinstance(optimizer, bool) or not isinstance(optimizer, (numbers.Integral, str)):
                V.fail("optimizer", allowed, optimizer, TypeError)
            # numpy's integers too (review 117: refused, where step counts took them)
            if not isinstance(optimizer, str):
                optimizer = int(optimizer)
            if isinstance(optimizer, int) and optimizer < 0:
                V.fail("optimizer", "a non-negative index", optimizer)
            if isinstance(optimizer, str) and not optimizer:
                V.fail("optimizer", "'all' or a class name", optimizer)
            self.optimizer = optimizer
            # not `log`: Lightning sets `callback.log = pl_module.log` on every callback
            self.log_lr = V.boolean("log_lr", log_lr)
            self.preview = V.boolean("preview", preview)
        self.run: RunInfo | None = None
        self.steps: dict[str, Any] = {}
        self._filled = FilledValues()
        self._checkpoint = CheckpointState()
        self._plan = Preview()
        self._warned: set[str] = set()
        self._warned_in: str | None = None  # the Trainer whose fits said them (trainer_token)
        self._record_hparams = False  # set by LRScheduleMixin for the schedule a module declares
        # what a checkpoint loaded outside a fit (trainer.test(ckpt_path=...)) replaced: the stage that loaded
        # it and the state before, which the next fit takes back (_forget_outside_load)
        self._outside_load: tuple[str, dict[str, Any]] | None = None
        # the values that checkpoint brought, taken back at a fit's setup: said at injection unless the fit
        # resumes a checkpoint (its load_state_dict comes between)
        self._outside_dropped: tuple[str, str] | None = None
        L.install_spawn_hand_over()  # a ddp_spawn fit brings its plan back (_spawn_hand_over)
        self._forget_rate()
        self._init_runtime()
        _subclass.kept(self, before, ScheduleCallback)
        if type(self).__init__ is ScheduleCallback.__init__:  # a subclass without a constructor of its own
            _subclass.constructed(self, ScheduleCallback)

    # --- to implement --------------------------------------------------------------------------
    def build(self, run: RunInfo, steps: Mapping[str, Any], info: OptimizerInfo) -> tuple[Any, Any]:
        """The schedules for one optimizer: the pair ``(lr, momentum)``, each a Schedule, a list with one per
        param group (None leaves a group alone) or None (every group's LR, or momentum, left alone; not both).
        ``steps`` holds :meth:`durations` resolved to optimizer steps. Anything else is a TypeError naming the
        class and what it returned."""
        raise NotImplementedError(f"{self.name} does not implement build(run, steps, info)")

    def durations(self) -> dict[str, tuple[Any, int]]:
        """The duration arguments to resolve: ``{name: (value, minimum steps)}``, the value an int (optimizer
        steps), :class:`Epochs`, :class:`Fraction` or a list of them, the minimum an int >= 0."""
        return {}

    def duration_kinds(self) -> dict[str, str]:
        """What each duration argument times, to warn when it does not fit in the run: ``milestones`` and
        ``every`` are steps at which something happens (``"event"``, ``_resolve.EVENT``), the others lengths
        (``"span"``, ``_resolve.SPAN``); a continuous decay's ``every`` is a unit of time (``"unit"``,
        ``_resolve.UNIT``). A key must be one of :meth:`durations`' (or ``milestones``, ``every``), a kind one of
        those three."""
        return dict(_DEFAULT_KINDS)

    def range_test_values(self, result: Any) -> dict[str, float | None]:
        """What a range test suggests for each of :attr:`range_test_args`: a dict whose keys are among them."""
        return {}

    # what the methods above return, checked where it is read (_subclass)
    def _built(self, run: RunInfo, steps: Mapping[str, Any], info: OptimizerInfo) -> tuple[Any, Any]:
        """:meth:`build`'s pair, checked; an LR part of None is ``[None]`` per param group. ``steps`` as build reads
        it: a duration :meth:`durations` does not give is a KeyError that says so."""
        read = _subclass.Steps(self.name, steps)
        return _subclass.built(self.name, self.build(run, read, info), len(info.base_lrs))

    def _durations(self) -> dict[str, tuple[Any, int]]:
        """:meth:`durations`, checked."""
        return _subclass.durations(self.name, self.durations())

    def _duration_kinds(self) -> dict[str, str]:
        """:meth:`duration_kinds`, checked."""
        # the durations given, and those left unset (None), which durations() leaves out (Cyclic's step_size_down):
        # the constructors' parameters along the classes whose attribute of that name is None (review 152: every
        # parameter let a kind keyed by a parameter's name, not its duration's, drop a warning again)
        unset = {
            p
            for klass in type(self).__mro__
            if isinstance(klass, type) and issubclass(klass, ScheduleCallback) and "__init__" in vars(klass)
            for p in inspect.signature(vars(klass)["__init__"]).parameters
            if p != "self" and getattr(self, p, _UNSET) is None
        }
        names = {*self._durations(), *unset}
        return _subclass.kinds(self.name, self.duration_kinds(), names, _DEFAULT_KINDS)

    def _range_test_values(self, result: Any) -> Mapping[str, Any]:
        """:meth:`range_test_values`, checked."""
        return _subclass.range_test_values(self.name, self.range_test_values(result), self.range_test_args)

    # --- helpers for subclasses ----------------------------------------------------------------
    @property
    def name(self) -> str:
        return type(self).__name__

    def value(self, arg: str) -> Any:
        """The argument as the user gave it, or the value a range test filled in when it was None (in a stand-in
        schedule, built before a range test of the fit fills it: None, as given; :meth:`_build_checked`)."""
        if self._stand_in_factor is not None and arg in self.range_test_args:
            return getattr(self, arg)
        return self._filled.value(arg, getattr(self, arg))

    def _list_hint(self, arg: str, spec: Sequence[float | None]) -> str:
        """What else a list given for ``arg`` that does not match the param groups may have meant ("": nothing)."""
        return ""

    def per_group(self, arg: str, spec: LRSpec, info: OptimizerInfo, default: Sequence[float | None]) -> list:
        """An LR-valued argument for every param group of ``info``'s optimizer.

        None takes ``default``; one number is the value for the group with the largest LR in the
        optimizer and every other group gets it scaled by its ratio ``lr / max lr`` (discriminative LRs
        keep their ratios); a list gives one value per group (None leaves that group alone).
        """
        n = len(info.base_lrs)
        if spec is None:
            # (taken from the optimizer, which configure_optimizers may set per rank: _check_resolved_alike)
            self._resolved[(info.index, arg)] = (info.label, None, list(default))
            return list(default)
        if isinstance(spec, (list, tuple)):
            if len(spec) != n:
                several = self._targets
                per_optimizer = (
                    f" (a list is one value per param group of each of the {several} optimizers this callback "
                    f"schedules, not one per optimizer: for a value per optimizer, give each its own callback, "
                    f"optimizer=<index>)"
                    if several > 1 and len(spec) == several
                    else ""
                )
                raise ValueError(
                    f"{self.name}: {arg} has {V.counted(len(spec), 'value')} but {info.label} has "
                    f"{V.counted(n, 'param group')}; "
                    f"give one per group (None to leave a group alone) or a single number{per_optimizer}"
                    f"{self._list_hint(arg, spec)}"
                )
            return list(spec)
        assert isinstance(spec, float)
        if spec == 0:  # (0 at any ratio: a Cyclic's base_lr=0 needs no group's LR to scale it by)
            return [0.0] * n
        top = max(info.base_lrs)
        if top <= 0:
            raise ValueError(
                f"{self.name}: {arg}={spec:g} is scaled by each param group's LR relative to the largest, "
                f"but every group of {info.label} has lr=0; give {arg} as a list with one value per group"
            )
        # (the ratio first: the largest group gets spec itself, not 0.1 * 0.1 / 0.1 = 0.10000000000000002, review 133)
        scaled = [spec * (b / top) for b in info.base_lrs]
        self._resolved[(info.index, arg)] = (info.label, spec, list(scaled))
        # what the number was for this optimizer and what each group got: said once the optimizer is built
        # (_tell_ratios) and once every optimizer is (_tell_across_optimizers)
        self._one_number.setdefault(arg, {})[info.index] = OneNumber(info.label, top, spec, scaled)
        return scaled

    def lead_lrs(self, arg: str, info: OptimizerInfo) -> list[float | None]:
        """The argument ``arg`` that decides each param group's LR (a peak, a start, a bound), by
        :meth:`per_group` with the optimizer's LRs as the default, or the value a range test filled in. A
        group with lr=0 in the optimizer (frozen) is left alone at 0, with an info line, unless a list gives
        it a value: its ratio to the others is 0. Every group at lr=0 is an error, as there is no LR to
        start from."""
        spec = self.value(arg)
        if isinstance(spec, (list, tuple)):
            return self.per_group(arg, spec, info, default=info.base_lrs)
        default = list(info.base_lrs)
        if spec is None:
            self._from_optimizer.add(arg)  # (said beside an error that names it: _sources_note)
            if self._stand_in_factor is not None:  # a stand-in for the range test's value (_build_stand_in)
                default = [b * self._stand_in_factor for b in default]
        if max(info.base_lrs) <= 0:
            given = "" if spec is None else f"={spec:g}"
            raise ValueError(
                f"{self.name}: {arg}{given} is scaled by each param group's LR relative to the largest, but every "
                f"group of {info.label} has lr=0; give {arg} as a list with one value per group"
            )
        lrs = self.per_group(arg, spec, info, default=default)
        if spec is not None and info.frozen_reference:
            self.warn_once(
                f"frozen-ref-{info.index}",
                f"{self.name}: {arg}={spec:g} for {info.label}: {info.frozen_reference} (a list gives each group "
                f"its own)",
            )
        frozen = [i for i, b in enumerate(info.base_lrs) if b == 0]
        if frozen and f"frozen-{info.index}" not in self._warned:
            self._warned.add(f"frozen-{info.index}")
            rank_zero_info(
                f"{self.name}: param group(s) {frozen} of {info.label} have lr=0 (frozen), so they are left at 0; "
                f"give {arg} as a list with a value for them to schedule them"
            )
        return [None if i in frozen else lr for i, lr in enumerate(lrs)]

    #: for an LR argument given as one number, what torch's scheduler that takes it does instead (every param
    #: group gets the number itself), said in the line of :meth:`_tell_ratios` to a user who moved from it
    torch_one_number: Mapping[str, str] = {
        "max_lr": "torch's OneCycleLR and CyclicLR give every group max_lr",
        "base_lr": "torch's CyclicLR gives every group base_lr",
    }

    def _tell_ratios(self, info: OptimizerInfo) -> None:
        """Say once (per optimizer and argument, in a Trainer's fits, as the other info lines), when LR arguments
        given as one number (:meth:`per_group`: a peak, a start, a ``final``, a ``base_lr``) lead param groups at
        different LRs, which group each is the value of and what the others get, in one line for every such
        argument of ``info``'s optimizer: torch's ``OneCycleLR(max_lr=0.1)``, ``CyclicLR(base_lr=...)`` and
        ``CosineAnnealingLR(eta_min=...)`` give every group the number itself, so a user who moved from them
        would read the groups' LRs as a mistake (review 133: ``final`` and ``base_lr`` were scaled without a
        word, unless a peak given as one number said it)."""
        frozen = {i for i, b in enumerate(info.base_lrs) if b == 0}
        live = [i for i, b in enumerate(info.base_lrs) if i not in frozen]
        if len({info.base_lrs[i] for i in live}) < 2:
            return
        said = []
        for arg, seen in self._one_number.items():
            entry = seen.get(info.index)
            if entry is not None and f"ratio-{info.index}-{arg}" not in self._warned:
                self._warned.add(f"ratio-{info.index}-{arg}")
                said.append((arg, entry))
        if not said:
            return
        top = max(live, key=lambda i: info.base_lrs[i])

        def each(values: Sequence[float]) -> str:
            return ", ".join(f"group {i}: {values[i]:.4g}" for i in live)

        def named(arg: str, spec: float) -> str:
            filled = getattr(self, arg, None) is None  # the value an LR range test filled in
            return f"{arg}={spec:g}{', from the LR range test,' if filled else ''}"

        torch_does = " and ".join(
            self.torch_one_number[arg]
            for arg, _ in said
            if arg in self.torch_one_number and getattr(self, arg, None) is not None
        )
        torch_does = f", where {torch_does}" if torch_does else ""
        args = " and ".join(arg for arg, _ in said)
        if len(said) == 1:
            arg, entry = said[0]
            what = f"{named(arg, entry.spec)} is the value"
            values, lists = each(entry.scaled), f"{arg} as a list for a value"
        else:
            what = f"{' and '.join(named(arg, entry.spec) for arg, entry in said)} are the values"
            values = "; ".join(f"{arg}: {each(entry.scaled)}" for arg, entry in said)
            lists = f"{args} as lists for values"
        rank_zero_info(
            f"{self.name}: {what} of param group {top} of {info.label}, the one with the largest LR; the other "
            f"groups keep their ratio to it ({values}){torch_does}, and so does any other LR argument given as one "
            f"number. Give {lists} per group"
        )

    def _tell_across_optimizers(self) -> None:
        """Say once a fit, when one number for an LR argument went to several optimizers whose largest LRs
        differ, that it is each optimizer's own (as :meth:`per_group` scales it within one optimizer only), so
        their ratio is not kept: one callback over a generator at 0.01 and a discriminator at 0.001 with
        ``max_lr=0.1`` peaks both at 0.1, as torch's ``OneCycleLR(opt, max_lr=0.1)`` on each would, where the
        README's "the other groups keep their ratio" read across optimizers promised 0.01 (review 127). The
        rule stays per optimizer (a resume of a run planned under it keeps its LRs); this line says it."""
        for arg, seen in self._one_number.items():
            if (
                len(seen) < 2
                or len({entry.top for entry in seen.values()}) < 2
                or f"across-{arg}" in self._warned
            ):
                continue
            self._warned.add(f"across-{arg}")
            spec = next(iter(seen.values())).spec
            filled = getattr(self, arg, None) is None  # the value an LR range test filled in
            each = "; ".join(
                f"{entry.label}, whose largest LR is {entry.top:.4g}, gets {spec:.4g}"
                for _, entry in sorted(seen.items())
            )
            own = ", ".join(f"optimizer={i}" for i in sorted(seen))
            ratio = (
                ", or final_ratio for a final LR in proportion to each group's start"
                if arg == "final" and hasattr(self, "final_ratio")
                else ""
            )
            rank_zero_info(
                f"{self.name}: {arg}={spec:g}{', from the LR range test,' if filled else ''} is the value of each "
                f"optimizer's own param group with the largest LR, so the optimizers' LRs do not keep their ratio "
                f"({each}), as torch's schedulers give each optimizer the number given to it. For a schedule per "
                f"optimizer, or to keep their ratio, give each optimizer its own callback ({own}) with its own "
                f"{arg}{ratio}"
            )

    def check_left_alone(self, leads: Sequence[float | None], lead: str, **others: LRSpec) -> None:
        """Refuse a value that a list in ``others`` (``final``, ``base_lr``) gives a param group that
        :meth:`lead_lrs` of the argument ``lead`` leaves alone (``leads[i]`` None): it would be dropped. None
        and 0 ask nothing of such a group (``final`` lists take no None)."""
        spec = self.value(lead)
        for arg, values in others.items():
            if not isinstance(values, (list, tuple)):
                continue
            for i, (value, start) in enumerate(zip(values, leads, strict=False)):
                if start is None and value is not None and value != 0:
                    why = (
                        f"{lead}[{i}] is None" if isinstance(spec, (list, tuple)) else "its lr is 0 (frozen)"
                    )
                    raise ValueError(
                        f"{arg}[{i}]={value:g} is for param group {i}, which is left alone ({why}), so it would be "
                        f"dropped; give None or 0 there, or give {lead} as a list with a value for the group"
                    )

    def starting_lrs(self, arg: str, info: OptimizerInfo) -> list[float | None]:
        """The LR each param group starts from: :meth:`lead_lrs` of the argument ``arg``; None leaves a
        group alone, and a group a list gives 0 or below is an error that says how to leave it alone."""
        lrs = self.lead_lrs(arg, info)
        for i, lr in enumerate(lrs):
            if lr is not None and lr <= 0:
                raise ValueError(
                    f"{arg} for param group {i} is {lr:g} (its lr in the optimizer is {info.base_lrs[i]:g}); "
                    f"give {arg} as a list with None for groups to leave alone"
                )
        return lrs

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
        off = [i for i, (k, m) in enumerate(zip(keys, momentums, strict=True)) if k is not None and m == 0]
        if off:
            what = pg.zero_momentum_name([keys[i] for i in off])
            self.warn_once(
                f"zero-momentum-{info.name}",
                f"{self.name}: param group(s) {off} of {info.label} have {what}, so their momentum is left "
                f"at 0 (torch would switch it on silently). Give the optimizer a momentum (e.g. momentum=0.9, "
                f"betas=(0.9, ...)) to have it cycled, pass cycle_momentum=True to cycle it from 0 anyway, or "
                f"cycle_momentum=False to silence this warning.",
            )
        return [k is not None and i not in off for i, k in enumerate(keys)]

    def warn_once(self, key: str, message: str) -> None:
        if self._stand_in_factor is not None:  # of a stand-in: said, if it holds, by the build after the test
            return
        if key not in self._warned:
            self._warned.add(key)
            L.warn_at_user(message, category=UserWarning)

    # --- hooks: injection ----------------------------------------------------------------------
    def _init_runtime(self) -> None:
        """What lives for one fit only (and does not travel with the callback)."""
        self._trainer: pl.Trainer | None = None
        self._module: pl.LightningModule | None = None
        self._injected: list[Injected] = []
        # each LR argument given as one number: per optimizer index, its label, largest LR and the number
        self._one_number: dict[str, dict[int, OneNumber]] = {}
        # what each LR argument left as None or given as one number resolved to from an optimizer's LRs, by
        # (optimizer index, argument): its label, the number (None: the optimizer's LRs) and each group's value
        self._resolved: dict[tuple[int, str], tuple[str, float | None, list[float | None]]] = {}
        self._targets = 1  # how many optimizers the fit's callback schedules (a list's length is per group)
        self._init_plan()
        self._logging: StepLogging | None = None
        self._stops: Stops | None = None  # what may cut the schedule short: a time limit, an early stop
        self._first_batch = True  # the fit's first batch is still to come (a resume may begin mid-epoch)
        # this callback's state in the checkpoint being resumed, under another spelling of its optimizer
        self._respelled: list[tuple[dict[str, Any], str, Mapping[str, Any]]] = []
        # the checkpoint's scheduler states, for the schedulers to take theirs by key (ScheduleLR.link)
        self._saved_schedulers: list[Any] | None = None
        # whether the schedules in place are stand-ins, built before an LR range test of this fit fills the LR
        # arguments left as None (None: not decided yet; the fit's first build decides: _build_checked)
        self._stand_in: bool | None = None
        # while a stand-in is built: the factor on the optimizer's LRs that stands in for the test's values
        self._stand_in_factor: float | None = None
        # the LR arguments left as None that took the optimizer's LRs (lead_lrs), for a message (_sources_note)
        self._from_optimizer: set[str] = set()

    def setup(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        if stage != "fit":
            return
        self._forget_outside_load()
        self._trainer, self._module = trainer, pl_module
        self._injected = []
        # values a range test filled for another Trainer's run carry over, but a test of this run without
        # an answer drops them rather than passing them off as this run's (a checkpoint is read after this)
        if trainer.global_step == 0 and self._filled.trainer not in (None, L.trainer_token(trainer)):
            self._filled.from_earlier_run()
        # ... for the module they were measured on only: a callback reused for another module (a new model
        # in each trial of a study) trained it at the first one's LR without a word (review 49)
        if trainer.global_step == 0 and self._filled.module not in (None, L.module_token(pl_module)):
            dropped = self._filled.drop_all()
            if dropped:
                rank_zero_info(
                    f"{self.name}: {dropped}, which an LR range test of another module filled in an earlier "
                    f"fit, is dropped: {type(pl_module).__name__} of this fit takes only its own test's values"
                )
        # said once a fit: a callback reused in another Trainer says again what applies to its run
        if self._warned_in != L.trainer_token(trainer):
            self._warned, self._warned_in = set(), L.trainer_token(trainer)
        if L.stops_before_training(trainer):  # said, not refused: the fit is Lightning's to run
            L.warn_at_user(
                f"{self.name}: trainer.should_stop is already True as this fit starts (Lightning before 2.5.1, here "
                f"{pl.__version__}, keeps the last fit's stop, by EarlyStopping or another callback, for the next "
                f"fit on the same Trainer), so the fit ends before its first step and the schedule does not run; "
                f"set trainer.should_stop = False before trainer.fit(...), or fit with a new Trainer",
                category=UserWarning,
            )
        # what an earlier stage's checkpoint left (trainer.validate(ckpt_path=...)) is not this fit's: the
        # checkpoint this fit resumes, if any, is read after setup
        self._respelled, self._saved_schedulers = [], None
        # a rate told in an earlier fit is not this one's (a checkpoint being resumed brings its own)
        self._forget_rate()
        _inject.install(pl_module, self)
        self._write_hparams()
        L.install_spawn_hand_over()  # in a process a spawn launcher started, too

    def _take_left_result(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Take the result of an LR range test run on ``pl_module`` before this fit, by another Trainer
        (``Tuner(other).lr_range_test(model)``), as a callback of that Trainer took it: the 1cycle's peak is
        the test's, not the constant LR the test set on the module. Only while the module's LR is the one
        the test set (else the user has chosen another since); it replaces values an earlier Trainer's test
        filled in this callback (the module's result is the newest), and stays an earlier run's value, which
        a range test of this run without an answer drops. Arguments given explicitly are kept without a
        warning: the test ran for another Trainer, and warned there."""
        left = pl_module.__dict__.get(_filled.MODULE_RESULT)
        if not self.range_test_args or not isinstance(left, _filled.LeftResult):
            return
        name = type(pl_module).__name__
        now = left.changed(pl_module)
        if now is not None:
            # the user chose another LR after that test: values it filled in this callback in an earlier
            # fit (a reused callback, the mixin's) go with it
            dropped = self._filled.drop_earlier()
            rank_zero_info(
                f"{self.name}: the LR range test run on {name} before this fit set {left.places or left.attr} to "
                f"{left.lr:.4g}; it is {now!r} now, so its result is not taken"
                + (f" ({dropped}, filled in an earlier fit, is dropped)" if dropped else "")
            )
            if dropped:
                self._write_hparams()
            return
        self._take_quietly(left.result, pl_module, trainer)
        self._filled.from_earlier_run()
        self._write_hparams()
        if self._filled.values:
            rank_zero_info(
                f"{self.name}: takes {self._filled.listed()} from the LR range test run on {name} before this "
                f"fit (it set {left.places or left.attr} = {left.lr:.4g})"
            )

    def _take_kept_result(self, trainer: pl.Trainer) -> None:
        """In a fit resumed from a run that tested, where this callback holds no value a test filled (it was not
        in that run: a schedule changed on resume): take the result the run keeps from its checkpoint, as the
        test's callback restores it (the duck-typed ``kept_result``; r196: ``OneCycle()`` added on resume peaked
        at the pre-test LR 0.05, not the kept result's 0.72, and only the resume warning said the schedule had
        changed). Arguments given explicitly are kept without a warning."""
        if not self.range_test_args:
            return
        kept = next(
            (r for cb in L.callbacks(trainer) if (r := getattr(cb, "kept_result", None)) is not None), None
        )
        if kept is None:
            return
        self._take_quietly(kept, self._module, trainer)
        self._write_hparams()
        if self._filled.values:
            rank_zero_info(
                f"{self.name}: takes {self._filled.listed()} from the LR range test this resumed run keeps from "
                f"its checkpoint ({self.name} was not in the run that tested)"
            )

    def _take_quietly(self, result: Any, module: Any, trainer: pl.Trainer) -> None:
        """Fill the arguments left as None from ``result``, a test that ran before this fit (on the module, by
        another Trainer, or in the run a checkpoint resumes), keeping those given explicitly without a warning:
        the test warned when it ran. A value capped for this callback's own shape (:class:`V.CappedWarning`) is
        said again: the test said it only if a callback of that shape was in its fit (r197: not by a Tuner run
        without one)."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            values = self._range_test_values(result)
        for said in dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, V.CappedWarning)):
            L.warn_at_user(f"{self.name}: from the range test run before this fit, {said}", V.CappedWarning)
        self._tested_on(module, trainer)
        self._filled.take(self.name, values, self._given(), quiet=True)

    def teardown(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        if stage == "fit":
            self._leave(pl_module)

    def on_exception(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, exception: BaseException
    ) -> None:
        self._leave(pl_module)

    def _leave(self, pl_module: pl.LightningModule) -> None:
        _inject.uninstall(pl_module, self)
        if self._logging is not None:
            self._logging.close()
        self._plan.reset()
        self._init_runtime()

    def _inject(self, conf: OptimizerConfig) -> None:
        """Add this callback's scheduler configs to ``conf`` (called from the wrapped configure_optimizers)."""
        trainer = self._trainer
        assert trainer is not None, "setup() installs the wrapper and sets the trainer"
        self._say_outside_dropped()
        # a result another Trainer's test left on the module: not in a resumed fit (its checkpoint, read by
        # now, brings its own values), nor twice (this Trainer's own test handed it over already)
        if (
            not trainer.ckpt_path
            and self._filled.trainer != L.trainer_token(trainer)
            and self._module is not None
        ):
            self._take_left_result(trainer, self._module)
        elif trainer.ckpt_path and not self._filled.values:
            self._take_kept_result(trainer)
        self._injected = []
        if self._trains_no_step(trainer):
            return
        self._plan_run(trainer)
        self._one_number, self._resolved = {}, {}
        targets = _inject.select(self.name, self.optimizer, conf.optimizers)
        self._targets = len(targets)
        # (label, optimizer, lr, momentum) as built, for the ranks' comparison
        built: list[tuple[str, Any, Any, Any]] = []
        for index in targets:
            optimizer = conf.optimizers[index]
            info = _inject.optimizer_info(self.name, index, optimizer, conf)
            try:
                lr, momentum = self._build_checked(info)
            except ValueError as exc:
                # a smoke test of a step or a few: durations planned for the real run need not fit in it; an
                # error a longer run does not make is the configuration's, which the smoke test is for (review
                # 149: Cyclic(base_lr=0.5) above max_lr passed fast_dev_run as "too few for the schedule")
                if not getattr(trainer, "fast_dev_run", False):
                    raise
                refused = self._longer_runs_refuse(info, exc)
                if refused is exc:
                    raise
                if (
                    refused is not None
                ):  # (the error longer runs make, not the smoke test's length: review 151)
                    raise refused from None
                # said short: the error's advice is for a real run (review 147: 300 to 480 characters telling a
                # smoke test to give a shorter warm-up or a longer run); the error itself at debug level
                steps = V.counted(self.run.total_steps, "step") if self.run else "unknown steps"
                rank_zero_info(
                    f"{self.name}: not applied in this fast_dev_run ({steps}, too few for the schedule); "
                    f"{info.label} keeps its own LR"
                )
                logging.getLogger(__name__).debug("%s: in the fast_dev_run, %s", self.name, exc)
                continue
            quiet = _filled.test_fit(trainer)
            position, name = _inject.take_over(self.name, conf, optimizer, index, quiet=quiet)
            scheduler = _inject.scheduler(
                self.name,
                info,
                self._described,
                optimizer,
                lr=lr,
                momentum=momentum,
                relative=self._relative(),
            )
            _inject.add(self.name, conf, position, scheduler, name)
            self._injected.append(Injected(info, optimizer, scheduler))
            built.append((info.label, optimizer, lr, momentum))
        if not self._stand_in:  # (a stand-in's values, from the optimizer's LRs, train no step)
            self._check_resolved_alike(trainer)
            self._check_scheduled_alike(trainer, built)
        self._tell_across_optimizers()
        automatic = self._module is None or self._module.automatic_optimization
        if (automatic and self._checkpoint.reshaped is None) or (not automatic and self._settled):
            # (after the schedules are built: a plan they refuse, a warm-up into total, is said by its error
            # alone; review 122: "cut off where the run ends" came first.) Else once the first epoch has told
            # how often they step, or (a checkpoint at another size) the run is planned as it takes place, at
            # train start
            self._check_durations(trainer)

    def _check_scheduled_alike(self, trainer: pl.Trainer, built: Sequence[tuple[str, Any, Any, Any]]) -> None:
        """Under DDP, an error on every rank unless every rank's schedules give each parameter the same LRs and
        momentums at a few steps of the run (its first two, its quarters, its last; of 1000 steps when its
        length is unknown): what trains, whatever it was built from. The arguments given are compared before the
        plan, the LRs resolved from the optimizers after the build (:meth:`_check_resolved_alike`); a subclass
        may build from what neither holds (review 150: one that kept its argument as ``self._peak``, given
        ``0.1 * (rank + 1)``, trained each rank at its own LR, its model copies apart, without a word: its
        arguments read back as none). Compared parameter by parameter, as the resolved LRs are. A collective:
        every rank builds its schedules in ``configure_optimizers``."""
        if trainer.world_size <= 1:
            return
        n = self.run.total_steps if self.run is not None and self.run.total_steps else 1000
        at = sorted({0, min(1, n - 1), n // 4, n // 2, (3 * n) // 4, n - 1})
        mine: dict[str, tuple[str, str]] = {}
        for label, optimizer, lr, momentum in built:
            groups = len(optimizer.param_groups)
            sampled = list(zip(_sampled(lr, at, groups), _sampled(momentum, at, groups), strict=True))
            for name, values in self._by_parameter(optimizer, sampled).items():
                mine[f"{name} in {label}"] = values
        ranks = L.gathered(trainer, mine, f"{self.name}: the ranks' comparison of their schedules")
        if ranks is None:
            return
        for key in sorted({k for r in ranks for k in r}):
            seen = [r.get(key) for r in ranks]
            if all(s == seen[0] for s in seen):
                continue
            what = (
                "LRs"
                if seen[0] is None or any(s is None or s[0] != seen[0][0] for s in seen)
                else "momentums"
            )
            k = 0 if what == "LRs" else 1
            per_rank = ", ".join(
                f"{'nothing' if s is None else s[k]} on rank {i}" for i, s in enumerate(seen)
            )
            raise ValueError(
                f"{self.name}: the ranks' schedules give different {what}: at steps {', '.join(map(str, at))}, "
                f"{key} gets {per_rank}. Every rank must train at the same LRs and momentums, or their model copies "
                f"drift apart: build the schedules from the same config, not from the rank or an unseeded random "
                f"number"
            )

    def _by_parameter(self, optimizer: Any, per_group: Sequence[Any]) -> dict[str, Any]:
        """``per_group`` (a value per param group of ``optimizer``) per parameter, by its name in the module: what
        the ranks compare, so that ranks whose optimizers group the same parameters otherwise compare alike."""
        names = {} if self._module is None else {id(p): n for n, p in self._module.named_parameters()}
        return {
            names.get(id(p), f"param {j} of group {i}"): value
            for i, (group, value) in enumerate(zip(optimizer.param_groups, per_group, strict=False))
            for j, p in enumerate(group["params"])
        }

    def _check_resolved_alike(self, trainer: pl.Trainer) -> None:
        """Under DDP, an error on every rank unless every rank resolved its LR arguments to the same values from
        its optimizers' LRs: one left as None takes them (``OneCycle()``'s peak, ``CosineDecay()``'s start), and
        one number is scaled by the param groups' ratios. The arguments given are compared before the plan
        (:meth:`_plan_run`); these come from ``configure_optimizers``, which may set an LR from the rank (review
        140: ``lr=0.05 * (rank + 1)`` with ``OneCycle()`` trained each rank at its own LR and the model copies
        drifted apart, without a word). An error, not rank 0's values: the schedule would follow rank 0's, but
        a param group it leaves alone, or the optimizer's own state, would still differ per rank, and no rank's
        LR is more right than another's. Compared parameter by parameter (by its name in the module): ranks whose
        optimizers split the same LRs into other param groups train alike. A collective: every rank builds its
        schedules in ``configure_optimizers``."""
        optimizers = {entry.info.index: entry.optimizer for entry in self._injected}
        mine: dict[
            tuple[int, str], tuple[str, float | None, list[float | None], dict[str, float | None]]
        ] = {}
        for (index, arg), (label, spec, values) in self._resolved.items():
            optimizer = optimizers.get(index)
            if optimizer is None:  # (not scheduled: a fast_dev_run the schedule does not fit)
                continue
            mine[(index, arg)] = (label, spec, values, self._by_parameter(optimizer, values))
        ranks = L.gathered(trainer, mine, f"{self.name}: the ranks' comparison of the LRs they resolved")
        if ranks is None:
            return
        differ = []
        for key in sorted({k for r in ranks for k in r}):
            seen = [r.get(key) for r in ranks]
            if all((s is None) == (seen[0] is None) and (s is None or s[3] == seen[0][3]) for s in seen):
                continue
            label, spec = next((s[0], s[1]) for s in seen if s is not None)
            arg = key[1]
            what = (
                f"{arg} (left as None: the optimizer's LR)"
                if spec is None
                else f"{arg}={spec:g} (scaled by each param group's LR relative to the largest)"
            )
            per_rank = ", ".join(
                f"{'nothing' if s is None else _values(s[2])} on rank {i}" for i, s in enumerate(seen)
            )
            differ.append(f"{what} of {label} is {per_rank}")
        if not differ:
            return
        raise ValueError(
            f"{self.name}: the ranks resolved different LRs from their optimizers: {'; '.join(differ)}. Every rank "
            f"must train at the same LRs, or their model copies drift apart: configure_optimizers must give every "
            f"rank's optimizers the same LRs (set them from the same config, not from the rank or an unseeded "
            f"random number)"
        )

    def _trains_no_step(self, trainer: pl.Trainer) -> bool:
        """Whether this fit trains no optimizer step (:func:`~._resolve.trains_no_step`), said in one info line:
        a schedule over no step has nothing to do, so no scheduler is added, and the fit runs as Lightning
        runs it alone (review 133: OneCycle and StepDecay(every=Epochs(1)) failed there with a false cause, "the
        train dataloader has no len()", "nothing bounds the run", where CosineDecay passed)."""
        why = _resolve.trains_no_step(trainer)
        if why is None:
            return False
        rank_zero_info(
            f"{self.name}: this fit trains no optimizer step ({why}), so the schedule has nothing to do: no "
            f"scheduler is added, and the LR stays as configure_optimizers sets it"
        )
        return True

    def _relative(self) -> bool:
        return False

    def _longer_runs_refuse(self, info: OptimizerInfo, own: Exception) -> Exception | None:
        """For ``info``'s schedules, which a ``fast_dev_run`` refused with ``own``: None when they build for a
        longer run, one of ``_PROBED_RUNS`` (1 to 10,000 steps an epoch, times 1 to 1,000 epochs), where the
        durations given in steps, Epochs and Fraction take their places relative to each other as a real run may
        have them; else the error most of those runs make (the configuration's, where the smoke test's own may be
        its length's: review 151, ``OneCycle(max_lr=[0.1, 0.01])`` for one param group was told to give the run
        2 steps): ``own`` itself when it is that error, else that error as a fit of such a run says it, with the
        run it was found in (review 152: it lost the callback's and the optimizer's names, and quoted a run no
        one planned). The probes say nothing (their warnings are dropped) and change nothing of the plan."""
        found: dict[str, list[tuple[Exception, RunInfo]]] = {}
        for spe, epochs in _PROBED_RUNS:
            probe = RunInfo(total_steps=spe * epochs, steps_per_epoch=spe)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    steps = _resolve.steps(self.name, self._durations(), probe)
                    self._check_fits(probe)
                    lr, momentum = self._building(
                        info, functools.partial(dict, steps), self._built, probe, steps, info
                    )
            except (TypeError, ValueError) as exc:
                found.setdefault(_masked(str(exc)), []).append((exc, probe))
                continue
            if not (_alone(lr) and _alone(momentum)):
                return None
            alone = ValueError(
                f"{self!r} leaves every param group of {info.label} alone, so it would schedule nothing"
            )
            found.setdefault(_masked(str(alone)), []).append((alone, probe))
        key, errors = max(found.items(), key=lambda kv: len(kv[1]))
        if key == _masked(str(own)):
            return own
        error, run = errors[0]
        if type(error) not in (TypeError, ValueError, _subclass.BuildReturnError):
            return error
        return type(error)(
            f"{error}{self._sources_note(str(error))} (found by planning the schedule for longer runs, as a "
            f"fast_dev_run's are too short for it: this one of {V.counted(run.total_steps, 'step')}, "
            f"{run.steps_per_epoch} an epoch)"
        )

    def _build_checked(self, info: OptimizerInfo) -> tuple[Any, Any]:
        """The schedules for ``info``'s optimizer, checked (:meth:`_build_now`).

        Before an LR range test of this fit that fills the LR arguments left as None before the fit's first step
        (a fresh fit with ``LRRangeTest()`` at its start, or the Tuner's test, on the same Trainer), the schedules
        ``configure_optimizers`` gets are stand-ins (:meth:`_build_stand_in`): no step trains with them, and what
        compares another argument with the LR the test fills (``Cyclic(base_lr=0.2)`` beside ``max_lr`` left to
        it, a ``final`` above the start LR) is checked and said by the build after the test
        (:meth:`apply_range_test`), with the test's values, as a fit after the Tuner's test checks it (review 138:
        the fit stopped before the test with "base_lr must be <= max_lr (0.05)", the optimizer's LR). An error
        that names such an argument says where its value came from (:meth:`_sources_note`)."""
        if self._stand_in is None:
            self._stand_in = self._awaits_test()
        if self._stand_in:
            return self._build_stand_in(info)
        try:
            return self._build_now(info)
        except (TypeError, ValueError) as exc:
            note = self._sources_note(str(exc))
            if not note or type(exc) not in (TypeError, ValueError):  # (a subclass may take other arguments)
                raise
            raise type(exc)(f"{exc}{note}") from None

    def _awaits_test(self) -> bool:
        """Whether an LR range test of this fit fills an LR argument left as None before the fit's first step: a
        fresh fit (a resumed one has its checkpoint's values) whose range test is due at its first epoch
        (:func:`~._filled.awaited_test`)."""
        trainer = self._trainer
        if trainer is None or trainer.global_step != 0 or trainer.ckpt_path:
            return False
        if all(getattr(self, arg, None) is not None for arg in self.range_test_args):
            return False
        return _filled.awaited_test(trainer) == trainer.current_epoch

    #: the factors on the optimizer's LRs that stand in for what a range test fills, in the order tried (the test
    #: sweeps from its min_lr whatever the optimizer's LR: review 139, an optimizer at 1e-9 beside
    #: Cyclic(base_lr=0.01) was refused before the test with the last factor's 0.001 as max_lr)
    _STAND_IN_FACTORS = tuple(10.0**k for k in range(13))

    def _build_stand_in(self, info: OptimizerInfo) -> tuple[Any, Any]:
        """Schedules for ``info``'s optimizer that stand in until a range test fills the LR arguments left as None
        (:meth:`_build_checked`): built from the optimizer's LRs as without a test, or, where another argument
        lies above them (``Cyclic(base_lr=0.2)`` on an optimizer at 0.05), from a multiple of them (10x, 100x,
        ...) that lies below none of them. Nothing trains with them: the test reads their shape (the momentum a
        cycle holds in the sweep is its mean: ``tuner._cycle_momentum``) and the ratios of the param groups'
        LRs, which the multiple keeps. Their warnings are not said (the build after the test says those that
        hold). A failure at every multiple is not the test's LR: the error at the optimizer's own LRs is raised,
        saying the test has not run."""
        first: Exception | None = None
        for factor in self._STAND_IN_FACTORS:
            self._stand_in_factor = factor
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return self._build_now(info)
            except (TypeError, ValueError) as exc:
                # (a build that returns no pair of schedules: no LR the test fills changes the class's code)
                if isinstance(exc, _subclass.BuildReturnError):
                    raise
                first = first or exc
            finally:
                self._stand_in_factor = None
        assert first is not None
        if type(first) not in (TypeError, ValueError):  # (a subclass may take other arguments than a message)
            raise first
        waiting = ", ".join(a for a in self.range_test_args if getattr(self, a, None) is None)
        raise type(first)(
            f"{first} (checked with {info.label}'s LRs in place of {waiting}, which the LR range test of this fit "
            f"fills after configure_optimizers, and with up to {self._STAND_IN_FACTORS[-1]:g} times them: no LR "
            f"it can fill passes)"
        ) from None

    def _sources_note(self, message: str) -> str:
        """Where the value came from of each LR argument left as None that ``message`` (an error of a build) names:
        a range test (``max_lr=0.4624 from the LR range test``) or the optimizer's LR, which a range test at a later
        epoch (``LRRangeTest(epochs=[1])``) replaces only then; "" for none."""
        parts = []
        trainer = self._trainer
        for arg in self.range_test_args:
            if getattr(self, arg, None) is not None or not re.search(rf"\b{re.escape(arg)}\b", message):
                continue
            filled = self._filled.values.get(arg)
            if filled is not None:
                source = self._filled.sources.get(arg)
                where = {
                    "checkpoint": "the LR range test of the checkpoint's run",
                    _filled.EARLIER: "an LR range test of an earlier fit",
                }.get(source or "", "the LR range test")
                parts.append(f"{arg}={filled:.4g} from {where}")
                continue
            if arg not in self._from_optimizer:  # (Cyclic's base_lr: max_lr / 4, of the max_lr it names)
                continue
            epoch = None if trainer is None else _filled.awaited_test(trainer)
            if trainer is not None and epoch is not None and epoch > trainer.current_epoch:
                before = "epoch 0" if epoch == 1 else f"epochs 0 to {epoch - 1}"
                parts.append(
                    f"{arg}, left as None, is the optimizer's LR until the LR range test at the start of epoch "
                    f"{epoch} fills it, and {before} train{'s' if epoch == 1 else ''} with it; give {arg}, or run the "
                    f"test at the start of fit: LRRangeTest(epochs=None)"
                )
            else:
                parts.append(f"{arg} left as None: the optimizer's LR")
        return f" ({'; '.join(parts)})" if parts else ""

    def _build_now(self, info: OptimizerInfo) -> tuple[Any, Any]:
        assert self.run is not None
        _inject.with_context(self.name, info, self._check_fits, self.run)
        clock = self._epoch_clock()
        try:
            if clock is None:
                lr, momentum = self._building(
                    info, lambda: self.steps, self._built, self.run, self.steps, info
                )
            else:  # planned at the run's present size, read at the step where each epoch would begin at it
                on_clock = clock
                lr, momentum = self._building(
                    info, lambda: self._on_clock(*on_clock), self._build_on_clock, *clock, info
                )
        except ValueError:
            saved = self._checkpoint.reshaped
            if saved is None or saved.get("durations") is None:
                raise
            # a resume at another size is planned at train start, when the epoch it resumes in is known; until
            # then Lightning's estimate may break a rule the run keeps (review 69: milestones [Epochs(1), 9,
            # Epochs(2)] written at 6 steps an epoch were [12, 9, 24] at 12): the checkpoint's own plan holds
            lr, momentum = self._building(
                info,
                lambda: saved["durations"],
                self._built,
                _state.saved_run(saved),
                saved["durations"],
                info,
            )
            self._provisional = True
        if _alone(lr) and _alone(momentum):
            raise ValueError(
                f"{self!r} leaves every param group of {info.label} alone, so it would schedule nothing; give "
                f"a value for at least one group (None leaves that group alone), or remove the callback"
            )
        if self._stand_in_factor is None:  # (a stand-in's values are not the fit's)
            self._tell_ratios(info)
        return lr, momentum

    def _check_fits(self, run: RunInfo) -> None:
        """Refuse a duration given as :class:`Epochs` or :class:`Fraction` (which follows the run) whose
        minimum steps (a 1cycle's 2: a step up and a step down) the whole run is shorter than: no length it
        resolves to fits in the run. A short run may be a real one, so it gets the error, as a warm-up that does
        not fit does; under ``fast_dev_run`` the optimizer keeps its own LR, with an info line (review 133: a
        OneCycle over a one-step run planned 2 steps and warned that ``total=Fraction(1.0)`` was longer than
        the run, advising the ``Fraction(1.0)`` already given, and under ``fast_dev_run=True`` it said nothing).
        A duration given in steps is the user's own length: it is cut off where the run ends, with a warning."""
        total = run.total_steps
        if total is None:
            return
        for arg, (value, minimum) in self._durations().items():
            listed = isinstance(value, (list, tuple))
            for i, given in enumerate(value if listed else [value]):
                name = f"{arg}[{i}]" if listed else arg
                if isinstance(given, Duration) and not given.is_zero() and minimum > total:
                    raise ValueError(
                        f"{name}={given!r} takes at least {V.counted(minimum, 'optimizer step')}, and the run has "
                        f"{V.counted(total, 'optimizer step')}, so the schedule does not fit in it; give the run at "
                        f"least {minimum} steps"
                    )

    def _building(
        self,
        info: OptimizerInfo,
        steps: Callable[[], Mapping[str, Any]],
        make: Callable[..., Any],
        *args: Any,
    ) -> Any:
        """``make(*args)``, the schedules of ``info``'s optimizer built on the durations resolved to ``steps()``;
        an error names the callback and the optimizer, and shows each duration it names that was given in Epochs
        or Fraction beside its steps (the schedule saw only the steps)."""
        try:
            return _inject.with_context(self.name, info, make, *args)
        except (TypeError, ValueError) as exc:
            message = _resolve.as_given(str(exc), self._durations(), steps(), self._duration_kinds())
            plain = type(exc) in (TypeError, ValueError)  # a subclass may take other arguments than a message
            if message == str(exc) or not plain:
                raise
            raise type(exc)(message) from None

    def _epoch_clock(self) -> tuple[RunInfo, list[tuple[int, int]]] | None:
        """For a run whose epochs took other numbers of steps before (:attr:`RunInfo.resumed_at`), with a
        period given in :class:`Epochs` (:attr:`periods`): the run planned at its present size, and the steps
        at which its epochs began, each with the step at which it would begin at that size (review 65: the
        period kept the size of the first epochs, ``epoch_start(1)``, and a step decay halved twice per epoch
        after a resume on half the devices). None otherwise: the schedule is built on the run as it is."""
        run = self.run
        if run is None or not run.resumed_at or run.steps_per_epoch is None:
            return None
        given = [self._durations().get(name, (None, 0))[0] for name in self.periods]
        if not any(isinstance(v, Epochs) for v in given):
            return None
        size = run.steps_per_epoch
        points = [(step, epoch * size) for epoch, step in run.resumed_at]
        total = run.total_steps
        if total is not None:
            last_step, last_clock = points[-1]
            total = total - last_step + last_clock if total >= last_step else total
        return RunInfo(total, size), points

    def _build_on_clock(
        self, run: RunInfo, points: list[tuple[int, int]], info: OptimizerInfo
    ) -> tuple[Any, Any]:
        """:meth:`build` on the clock of ``points`` (:meth:`_epoch_clock`), read through it
        (:class:`~lightning_lr.schedules.compose.Retimed`). A preset whose schedule has a part that is no
        period (a warm-up) builds that part on the run's steps instead."""
        lr, momentum = self._built(run, self._on_clock(run, points), info)
        return _retimed(lr, points), _retimed(momentum, points)

    def _on_clock(self, run: RunInfo, points: list[tuple[int, int]]) -> dict[str, Any]:
        """The durations on the clock of ``points`` (:meth:`_epoch_clock`): one given in :class:`Epochs`
        resolved for ``run``, the run at its present size; an int or a :class:`Fraction`, resolved in the run's
        steps, at the clock step of that step, so that it still falls there (review 68: a warm-up of 10 steps
        beside ``every=Epochs(1)`` ended at step 6 after a resume at twice the size), unless it is a period
        (:attr:`periods`), a length that keeps its steps."""
        on_clock = _resolve.steps(self.name, self._durations(), run)
        out: dict[str, Any] = {}
        for arg, (value, _) in self._durations().items():
            given, real, clocked = value, self.steps[arg], on_clock[arg]
            if arg in self.periods and not isinstance(given, Epochs):
                # a length in steps, not a position (review 69: step_size_down=4 beside step_size=Epochs(1)
                # took 8 after a resume at twice the size); after the last point the clock runs one for one
                out[arg] = real
            elif isinstance(given, (list, tuple)):
                out[arg] = [
                    c if isinstance(g, Epochs) else int(retimed_clock(points, r))
                    for g, r, c in zip(given, real, clocked, strict=True)
                ]
            else:
                out[arg] = clocked if isinstance(given, Epochs) else int(retimed_clock(points, real))
        return out

    def _refresh(self, announce: bool = False) -> None:
        """Rebuild the schedules and apply them to the live schedulers from the next step on. ``announce``
        (a range test's values): said when steps were taken, since the LR then changes mid-run."""
        self._jump = None
        for entry in self._injected:
            lr, momentum = self._build_checked(entry.info)
            groups = entry.scheduler.optimizer.param_groups
            ref = pg.reference(groups) or 0  # the group one number for an LR stands for
            group = groups[ref]
            before = pg.lr(group)
            note = self._retested(entry) if announce else ""
            _inject.with_context(self.name, entry.info, entry.scheduler.set_schedule, lr, momentum)
            step = entry.scheduler.last_epoch
            after = pg.lr(group)
            if self._jump is None and step > 0 and not math.isclose(before, after, rel_tol=1e-9, abs_tol=0.0):
                # (what a plan made again mid-run did to the LR, which its warning says: _planning)
                self._jump = Jump(step, f"param group {ref} of {entry.info.label}", before, after)
            if announce and step > 0 and after != before:
                rank_zero_info(
                    f"{self.name}: rebuilt at optimizer step {step} with {self._filled.listed()} from the range "
                    f"test: param group "
                    f"{ref} of {entry.info.label} goes from its LR {before:.4g} to {after:.4g} at this "
                    f"step and follows the new schedule from here{note}"
                )
        self._tell_across_optimizers()  # (a range test's value, one number for every optimizer)
        self._plan.snapshot(self._injected, self._tags())
        self._plan.replanned()  # changed during the run (a range test at a later epoch): draw the new plan

    def _moves_when_retested(self) -> bool:
        """Whether a range test during the run changes this callback's schedule even where its values are the ones
        it filled before (:meth:`_retested`): then the schedule is rebuilt all the same."""
        return False

    def _retested(self, entry: Injected) -> str:
        """A range test's values are applied to ``entry``'s schedule (:meth:`_refresh`): what this callback changes
        beside them, said in the line that announces the new LR (``""``: nothing)."""
        return ""

    def _tags(self) -> list[list[str] | None]:
        return self._logging.tags() if self._logging is not None else [None] * len(self._injected)

    # --- hooks: logging, resume, preview -------------------------------------------------------
    def on_train_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if self._trainer is not trainer:
            # review 150: a subclass's setup() without super().setup(...) trained at the optimizer's LR, without a
            # word: this setup wraps configure_optimizers, which adds the schedule
            raise TypeError(
                f"{self.name}: ScheduleCallback.setup did not run in this fit, so no schedule was added: "
                f"{type(self).__name__}.setup must call super().setup(trainer, pl_module, stage)"
            )
        if not self._injected:
            return
        self._logging = StepLogging(self.name, self.log_lr, trainer, pl_module, self._injected)
        refit = _state.resumed(self.name, self._injected, trainer, pl_module, defer_refit=True)
        self._plan_resumed(trainer, pl_module, refit)
        _others.warn_overwritten(self.name, trainer, self._injected, self.warn_once)
        _others.warn_backbone_finetuning(self.name, trainer, self.warn_once)
        self._plan.snapshot(self._injected, self._tags())
        self._stops = Stops(self.name, trainer, self._end())
        # drawn before the first step, not now: a callback later in the list (an LRRangeTest) may still change
        # the schedule in its on_train_start
        self._plan.due = self.preview and trainer.is_global_zero

    def on_train_batch_start(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, batch: Any, batch_idx: int
    ) -> None:
        if self._stand_in:  # the test that was to fill them applied nothing: no step trains with a stand-in
            self._stand_in = False
            self._refresh()
            self._check_resolved_alike(trainer)  # (the stand-ins' were not: review 143)
        self._plan.draw_if_due(trainer, self.name, self.run)
        if self._logging is None:
            return
        for entry in self._injected:  # a group added since the last step (BaseFinetuning) takes its momentum
            entry.scheduler.adopt_added()
        if self._injected:
            self._warn_if_run_out(self._injected[0].scheduler.last_epoch)
        if batch_idx == 0 or self._first_batch:  # after every callback's on_train_epoch_start
            self._first_batch = False
            _others.warn_displaced(self.name, trainer, self._injected, self.warn_once)
            self._plan_epoch_start(trainer, pl_module.automatic_optimization, batch_idx)
        if not pl_module.automatic_optimization:
            # the batch before is done, its hooks too: a scheduler the module steps in its on_train_batch_end, which
            # Lightning calls after the callbacks', has moved by now (r158: it was said to have not)
            self._logging.check_manual(self.warn_once)
            self._say_no_steps()
        self._logging.in_batch = True
        if not pl_module.automatic_optimization:
            self._open_rate_window(trainer, batch_idx, self._logging.steps_seen())
            self._pace_batch(trainer, start=True)

    def on_before_optimizer_step(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, optimizer: Optimizer
    ) -> None:
        self._note_trained(optimizer)
        if self._logging is not None:
            self._logging.before_optimizer_step(trainer, pl_module, optimizer)

    def _described(self) -> tuple[str, str]:
        """This callback as an LR its scheduler refuses names it (:func:`~._inject.scheduler`): its repr, and
        where the LRs that repr does not show came from."""
        return repr(self), self._lrs_from()

    def _lrs_from(self) -> str:
        """Where the LRs this callback's repr does not show came from (:meth:`_described`)."""
        parts = []
        for arg in self.range_test_args:
            if getattr(self, arg, None) is None:
                filled = self._filled.values.get(arg)
                parts.append(
                    f"the optimizer's own LR for {arg}, left as None"
                    if filled is None
                    else f"{arg}={filled:.4g} from the LR range test"
                )
        return f" (and {'; '.join(parts)})" if parts else ""

    def on_train_batch_end(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, outputs: Any, batch: Any, batch_idx: int
    ) -> None:
        if self._logging is not None:
            self._logging.in_batch = False
        if self._stops is not None and self.run is not None:
            epoch_end = batch_idx + 1 >= trainer.num_training_batches
            self._stops.after_batch(trainer, self._injected[0].scheduler.last_epoch, self._end(), epoch_end)
        if not pl_module.automatic_optimization and self._logging is not None:
            self._pace_batch(trainer, start=False)
            if self._rate is not None:
                self._count_in_optimizer_steps(trainer, batch_idx)

    def on_train_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if not pl_module.automatic_optimization and self._logging is not None:
            self._logging.check_manual(
                self.warn_once
            )  # (the last batch's, as each batch's at the next's start)
            self._say_no_steps()
        if self._injected:
            self._remember_fit(trainer)
        if self._stops is not None:
            unknown = self.run is not None and self.run.total_steps is None
            # ended before its plan, unstopped: a last epoch shorter than its len(), limits changed within it
            short = (
                pl_module.automatic_optimization
                and self.run is not None
                and self.run.total_steps is not None
                and trainer.global_step < self.run.total_steps
            )
            # ... planned for max_steps, a train dataloader without a len() (review 127: said as a wrong len())
            unsized = not math.isfinite(trainer.num_training_batches)
            self._stops.at_end(
                trainer, self._injected, self._end(), unknown_length=unknown, short=short, unsized=unsized
            )
            self._warn_if_ran_past(trainer, pl_module.automatic_optimization)

    def planned(self, n: int | None = None, points: int = 2000) -> dict[str, Any]:
        """The planned LR and momentum curves of the current (or last) fit, as drawn in the preview:
        ``{"steps": array, "lr": {tag: array}, "momentum": {tag: array}}`` at up to ``points`` steps of
        ``0 .. n-1`` (``n`` defaults to the run's total steps). Relative schedules include each group's
        factor; groups left alone are not included."""
        return self._plan.planned(self.name, self.run, n, points)

    # --- range test ----------------------------------------------------------------------------
    def apply_range_test(self, result: Any, *, scheduled: bool = False) -> None:
        """Use an LR range test's result (called by :class:`~lightning_lr.LRRangeTest` after it restored
        the state).

        Arguments left as None are filled from ``result``; arguments given explicitly are kept, with one
        warning naming each, its kept value and the suggested one; when the result has no suggestion the
        current values are kept with a warning that says so. If this callback already injected its
        scheduler into the running fit, the schedule is rebuilt and applied from the next optimizer step.
        The filled values are saved in :meth:`state_dict`, so a resumed run keeps them: a test that runs
        again in a resumed fit does not move them, but the test of an epoch the run lists (``scheduled``:
        ``LRRangeTest(epochs=[1, 2])`` resumed between them) replaces them, as in the uninterrupted run.
        """
        self._check_lr_result(result)
        if not self.range_test_args:
            return
        # the schedules in place stood in for this test's values (_build_checked): built now in any case, so that
        # what they leave unchecked and unsaid is checked and said, with the values that train
        stood_in, self._stand_in = bool(self._stand_in), False
        self._tested_on(self._module, self._trainer)  # outside a fit, a spawned fit's receiver says it after
        running = self._trainer is not None and self._trainer.global_step > 0
        with warnings.catch_warnings():
            # the test warned why it has no answer when it ran; the callback's own line below says what it keeps
            # (review 139: "no lr suggestion" was warned twice, the answer read again here)
            warnings.filterwarnings("ignore", message="no lr suggestion", category=UserWarning)
            # nor what the run's length did to the answer (review 190: said by the test, then again here)
            warnings.filterwarnings(
                "ignore", message=r"run_steps=\d+ |the scaled answer is held", category=UserWarning
            )
            values = self._range_test_values(result)
        changed = self._filled.take(self.name, values, self._given(), scheduled=scheduled, running=running)
        if changed:
            if self._filled.values:  # (else an earlier value was dropped, which take() said)
                # review 47: only the module's LR was said; a OneCycle peaks at about twice it
                rank_zero_info(
                    f"{self.name}: {self._filled.listed()}, from the LR range test{self._fill_note()}"
                )
            self._write_hparams()
        if (changed or stood_in or (running and self._moves_when_retested())) and self._injected:
            self._refresh(announce=True)
            if stood_in and self._trainer is not None:
                # the values that train, from each rank's optimizer where the test left one (no answer, or a
                # ratio of its groups): compared as a fit without the test compares them (review 143: they were
                # not, and the ranks trained 0.04 and 0.08)
                self._check_resolved_alike(self._trainer)

    def _fill_note(self) -> str:
        """What to add where the values just filled from a range test do not reach this fit ("" here)."""
        return ""

    def _check_lr_result(self, result: Any) -> None:
        """An LR range test's result, or a TypeError naming the argument and what it takes: for None (what
        the test returns under ``fast_dev_run``), a dict (``to_dict()``'s) or another object, which failed
        inside with a bare AttributeError (review 122); a momentum range test's result answers with a
        momentum: refused, by name."""
        if result is None or isinstance(result, Mapping) or not callable(getattr(result, "suggestion", None)):
            why = ""
            if result is None:
                why = (
                    "; lr_range_test returns None under fast_dev_run, a smoke test that runs no test: apply a "
                    "result only when there is one"
                )
            elif isinstance(result, Mapping):
                kind = result.get("kind")
                kind = kind if kind in ("RangeTestResult", "WeightDecayResult") else "RangeTestResult"
                why = f"; for a dict as to_dict() writes one, give {kind}.from_dict(d) ({kind}.load(path): a file)"
            shown = repr(result)
            shown = shown if len(shown) <= 80 else shown[:77] + "..."
            raise TypeError(
                f"{self.name}.apply_range_test: result must be an LR range test's result (a RangeTestResult or "
                f"WeightDecayResult{why}), got {shown}"
            )
        if getattr(result, "param", None) == "momentum":
            raise TypeError(
                f"{self.name}.apply_range_test takes an LR range test's result (RangeTestResult or "
                f"WeightDecayResult), got a {type(result).__name__}: its answer is a momentum, not an LR"
            )

    def _given(self) -> dict[str, Any]:
        """Each argument a range test may fill, as given."""
        return {arg: getattr(self, arg) for arg in self.range_test_args}

    # --- state ---------------------------------------------------------------------------------
    @property
    def state_key(self) -> str:
        return self._generate_state_key(optimizer=self.optimizer)

    def state_dict(self) -> dict[str, Any]:
        """``version``; ``total_steps`` and ``steps_per_epoch`` of the run the durations were resolved
        for; ``durations`` (each duration argument in optimizer steps); ``filled`` (values a range test
        filled in)."""
        state = self._checkpoint.state_dict(
            self.run,
            self.steps,
            self._filled.values,
            _resolve.rate_to_state(self._per_batch, settled=self._settled is not False),
        )
        if self._rate is not None and self._trainer is not None:  # written before its window ended
            state["rate_window"] = self._rate.to_state(self._trainer.global_step)
        if self._taken is not None:
            state["taken_per_epoch"] = list(self._taken)
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        V.state_mapping(state_dict, self.name)
        filled = self._checkpoint.load(self.name, state_dict)
        self._outside_dropped = None  # this fit resumes a checkpoint: its values are taken
        self._per_batch, self._settled = _resolve.rate_from_state(state_dict)
        self._saved_window = state_dict.get("rate_window")
        self._filled.restore(self.name, filled, self._given())
        self._tested_on(self._module, self._trainer)
        self._write_hparams()
        if self._injected and self._trainer is not None:  # strategies that restore callbacks after
            # configure_optimizers: the durations were resolved without the rate the checkpoint brings
            self._plan_run(self._trainer)
            self._refresh()

    def on_load_checkpoint(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, checkpoint: dict[str, Any]
    ) -> None:
        # Lightning loads the state saved under this callback's state_key, which holds its `optimizer` as
        # written: OneCycle() and OneCycle(optimizer=0) on a one-optimizer module are the same schedule, and
        # the other's state would be dropped (a range test's max_lr with it). Keep the states saved under
        # another spelling until the optimizers are known, and take the one that targets the same ones.
        if trainer.state.fn != "fit":
            # the schedulers are injected for a fit only; the state Lightning loads next is this checkpoint's
            # for the stage to read (value(), hparams()), not a resume state for a later fit (review 101)
            if self._outside_load is None:
                stage = trainer.state.fn
                self._outside_load = (str(getattr(stage, "value", stage)), self._load_view())
            return
        self._checkpoint_lrs = _state.optimizer_lrs(checkpoint)
        claimed = {cb.state_key for cb in L.callbacks(trainer) if cb is not self}
        self._respelled = _state.other_spellings(
            self, checkpoint.get("callbacks") or {}, claimed, self._free_key_arguments
        )
        # Lightning gives the schedulers their states by position: with a schedule callback fewer than when
        # the checkpoint was written, a scheduler would be given another's state and never its own
        self._saved_schedulers = list(checkpoint.get("lr_schedulers") or [])
        if self._injected:  # strategies that restore callbacks after configure_optimizers
            self._adopt_respelled(trainer.optimizers)
            self._injected[0].scheduler.set_saved(self._saved_schedulers)

    #: the attributes :meth:`load_state_dict` sets (what :meth:`_load_view` keeps)
    _loaded_attributes: tuple[str, ...] = (
        "_filled",
        "_checkpoint",
        "_per_batch",
        "_settled",
        "_saved_window",
    )

    def _load_view(self) -> dict[str, Any]:
        """A copy of what :meth:`load_state_dict` replaces."""
        return {name: copy.deepcopy(getattr(self, name)) for name in self._loaded_attributes}

    def _forget_outside_load(self) -> None:
        """At a fit's setup: take back the state a checkpoint loaded outside a fit replaced
        (``trainer.test(ckpt_path=...)``, validate, predict). That checkpoint's run is not this fit's: a fit
        that resumes one is given it (``fit(ckpt_path=...)``, read after setup), and a fit without one starts
        as it would have without that stage, which the values it filled in are not taken by, with an info line
        (review 101: a fresh fit of another module trained at the checkpoint's range-tested max_lr, and warned
        of "the checkpoint's step" with no checkpoint), said at injection (:meth:`_say_outside_dropped`), when
        it is known whether the fit resumes a checkpoint. Does nothing the second time."""
        outside, self._outside_load = self._outside_load, None
        if outside is None:
            return
        stage, before = outside
        loaded = dict(self._filled.values)
        for name, value in before.items():
            setattr(self, name, value)
        dropped = {arg: v for arg, v in loaded.items() if self._filled.values.get(arg) != v}
        listed = ", ".join(f"{arg}={v:.4g}" for arg, v in dropped.items())
        self._outside_dropped = (stage, listed) if listed else None

    def _say_outside_dropped(self) -> None:
        """At injection, in a fit that resumed no checkpoint of this callback: say which values of a checkpoint
        loaded outside a fit it does not take (:meth:`_forget_outside_load`)."""
        said, self._outside_dropped = self._outside_dropped, None
        if said is not None:
            stage, listed = said
            rank_zero_info(
                f"{self.name}: {listed}, which a range test filled in the run of the checkpoint that "
                f"trainer.{stage}(ckpt_path=...) loaded, is not taken by this fit, which does not resume that "
                f"checkpoint (fit(ckpt_path=...) resumes it, with its values)"
            )

    def _adopt_respelled(self, optimizers: list[Any]) -> None:
        """Load the checkpoint's state saved under another spelling of ``optimizer`` that picks the same
        optimizers as this callback (one warning says so); nothing if none, or more than one, does."""
        found, self._respelled = self._respelled, []
        if not found:
            return
        mine = _inject.select(self.name, self.optimizer, optimizers)
        same = []
        for arguments, key, state in found:
            try:
                if _inject.select(self.name, arguments["optimizer"], optimizers) == mine:
                    same.append((arguments, key, state))
            except (IndexError, ValueError):  # a target this module's optimizers do not have
                continue
        if len(same) != 1:
            return
        arguments, key, state = same[0]
        self.load_state_dict(dict(state))
        names = ", ".join(f"{i}: {type(optimizers[i]).__name__}" for i in mine)
        L.warn_at_user(
            f"{self.name}(optimizer={self.optimizer!r}): resumed from the checkpoint's state for {key}, which "
            f"schedules the same optimizer(s) ({names}){self._adopted(arguments)} (Lightning's warning that "
            f"this callback is missing does not apply to it)",
            category=UserWarning,
        )

    #: the arguments of :attr:`state_key` in which a checkpoint's state may differ and still be this
    #: callback's (:meth:`_adopt_respelled`): how the optimizer is spelled
    _free_key_arguments: tuple[str, ...] = ("optimizer",)

    def _adopted(self, arguments: dict[str, Any]) -> str:
        """After loading a checkpoint's state saved under the key with ``arguments``: what carries on, said
        in the warning."""
        return " under another spelling; its durations and the values a range test filled in carry on"

    def _spawn_hand_over(self, trainer: pl.Trainer) -> dict[str, Any]:
        """Rank 0 of a spawned fit (``ddp_spawn``), after fit: the run it planned and the values a range test
        filled (or dropped), for the main process's twin of this callback (:attr:`run`, :attr:`steps`,
        :meth:`planned`, :meth:`value`), pickled: the launcher's ``apply_to_collection`` refuses the frozen
        dataclasses it holds (RunInfo, the schedules)."""
        plan = (self.run, dict(self.steps), list(self._plan.plans), self._filled)
        return {"plan": pickle.dumps(plan)}

    def _spawn_receive(self, trainer: pl.Trainer, data: dict[str, Any]) -> None:
        self.run, self.steps, self._plan.plans, self._filled = pickle.loads(data["plan"])
        if self._filled.module is not None:  # rank 0 measured its copy of this process's module
            self._tested_on(trainer.lightning_module)

    def _tested_on(self, module: Any, trainer: pl.Trainer | None = None) -> None:
        """The values filled in are ``module``'s (None: not known, outside a fit), from ``trainer``'s run when
        it is given (a process that ran no setup, after a spawned fit, has the rank's Trainer token)."""
        if trainer is not None:
            self._filled.trainer = L.trainer_token(trainer)
        self._filled.module = None if module is None else L.module_token(module)

    def __getstate__(self) -> dict[str, Any]:
        # the trainer, module and live schedulers of a running fit do not travel (ddp_spawn, deepcopy)
        state = self.__dict__.copy()
        state.update(_trainer=None, _module=None, _injected=[], _logging=None)
        return state

    # --- description ---------------------------------------------------------------------------
    def arguments(self) -> dict[str, Any]:
        """The constructor arguments and their values (what LightningCLI and hparams see)."""
        return _hparams.arguments(self)

    def hparams(self) -> dict[str, Any]:
        """The arguments as plain values for a logger's hyperparameters (``{"schedule": "OneCycle",
        "max_lr": 0.1, "total": "Fraction(1.0)", ...}``); values a range test filled are included."""
        return _hparams.hparams(self.name, self.arguments(), self._filled.values)

    def on_save_checkpoint(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, checkpoint: dict[str, Any]
    ) -> None:
        """Leave :meth:`hparams` out of the checkpoint's ``hyper_parameters``, which ``load_from_checkpoint``
        and LightningCLI's ``--ckpt_path`` pass to the module's ``__init__`` (it takes no ``lightning_lr``);
        what resuming needs is in this callback's own state (:meth:`state_dict`)."""
        saved = checkpoint.get("hyper_parameters")
        if self._record_hparams and isinstance(saved, Mapping) and HPARAMS_KEY in saved:
            # a copy: with OmegaConf hparams the checkpoint holds the module's own object
            checkpoint["hyper_parameters"] = {k: v for k, v in saved.items() if k != HPARAMS_KEY}

    def _write_hparams(self, module: pl.LightningModule | None = None) -> None:
        """For a schedule the module declared: put :meth:`hparams` into the module's hparams (and initial
        hparams, which loggers receive at fit start) under ``"lightning_lr"``. ``module`` is the fit's module
        by default; the main process of a ``ddp_spawn`` fit, which ran no hook, names it."""
        module = module if module is not None else self._module
        if self._record_hparams and module is not None:
            _hparams.write(module, self.hparams())

    def __repr__(self) -> str:
        return _hparams.call_repr(self, self.name)


def _values(values: Sequence[float | None]) -> str:
    """Each param group's value, for a message: the number alone for one group."""
    shown = ["None" if v is None else f"{v:.6g}" for v in values]
    return shown[0] if len(shown) == 1 else f"[{', '.join(shown)}]"


class OneNumber(NamedTuple):
    """An LR argument given as one number, for one optimizer (:meth:`ScheduleCallback.per_group`): the
    optimizer's label, its largest LR (the group the number is for), the number, and what each group got."""

    label: str
    top: float
    spec: float
    scaled: list[float]


def _checked(init: Any, owner: type) -> Any:
    """A subclass's constructor ``init`` that, where it is the one the class was called with (not a base's, called
    by ``super().__init__()``), refuses parameters named after the callback's own attributes before it runs, and
    after it a constructor that did not call ``super().__init__()``, a class without ``build`` and wrong
    ``range_test_args`` (:mod:`._subclass`): at construction, not in ``Trainer(...)`` or after a range test ran. At
    every level, ``owner``'s constructor may not replace what a subclass set before calling it
    (:func:`._subclass.kept`)."""

    @functools.wraps(init)
    def construct(self: ScheduleCallback, *args: Any, **kwargs: Any) -> None:
        outermost = type(self).__init__ is construct
        if outermost:
            _subclass.parameters(type(self), ScheduleCallback)
        before = dict(vars(self))  # what a subclass set before its super().__init__() call reached this one
        init(self, *args, **kwargs)
        _subclass.kept(self, before, owner)
        if outermost:
            _subclass.constructed(self, ScheduleCallback)

    return construct


def _keeping_plain(init: Any, deep: bool) -> Any:
    """``init`` that then keeps every constructor argument the callback stored as a plain Python value
    (:func:`~lightning_lr._validate.plain`): one place for every schedule callback; in a user's subclass
    (``deep=False``) numpy's scalars alone, so that an ``IntEnum``, an exact ``Fraction`` or a list the user
    still holds stays as it was given (review 109) (review 108:
    ``OneCycle(div_factor=np.int64(3))`` kept the numpy int, its repr showed ``np.int64(3)``, it was not equal
    to ``OneCycle(div_factor=3)``, and under LRScheduleMixin hparams.yaml recorded the string ``np.int64(3)``;
    the arguments a check stores as it returns them, LRs and durations, were plain already)."""

    # the arguments of this class's own __init__, not of the instance's class: a user's subclass that stores its
    # own before calling super().__init__() keeps them as it stored them (review 110)
    names = [n for n in inspect.signature(init).parameters if n != "self"]

    @functools.wraps(init)
    def construct(self: ScheduleCallback, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        held = vars(self)
        for name in names:
            if name in held:
                value = V.plain(held[name], deep)
                if value is not held[name]:
                    held[name] = value

    return construct


def _retimed(spec: Any, points: list[tuple[int, int]]) -> Any:
    """A built schedule (one, a list with one per param group, None) on the clock of ``points``
    (:class:`~lightning_lr.schedules.compose.Retimed`)."""
    if isinstance(spec, (list, tuple)):
        return [_retimed(s, points) for s in spec]
    return Retimed(spec, points) if isinstance(spec, S.Schedule) else spec


def _alone(schedules: Any) -> bool:
    """Whether :meth:`ScheduleCallback.build`'s LR or momentum schedules leave every param group alone."""
    return schedules is None or (isinstance(schedules, (list, tuple)) and all(s is None for s in schedules))
