"""Checkpoint state of a schedule callback: writing it, reading it back, and resuming from it.

The resume cases it covers: a run that resolves its durations differently, a scheduler without state.

The scheduler's step is checkpointed by Lightning with the scheduler itself; the callback's own state is
the run its durations were resolved for and the values a range test filled in:

- ``version``: 1 or :data:`STATE_VERSION` (below);
- ``total_steps``, ``steps_per_epoch`` and ``resumed_at``: the :class:`~lightning_lr.callbacks.RunInfo` of
  that run (``resumed_at`` as ``[[epoch, step], ...]``, empty but in a run resumed from checkpoints written
  with other numbers of steps per epoch; a checkpoint without it reads as empty);
- ``durations``: each duration argument in optimizer steps;
- ``filled``: the values a range test filled in;
- ``steps_per_batch``: the steps the scheduled optimizers take per batch under manual optimization (1
  otherwise; a checkpoint without it reads as 1): an int, or ``[numerator, denominator]`` when they step
  once every few batches; ``global_steps_per_batch``: the same for every optimizer (Lightning's
  ``global_step``, which ``max_steps`` bounds); ``rate_settled``: False in a checkpoint written before the
  first epoch told the rate (a resume tells it again); ``taken_per_epoch``: ``[count, taken]`` when the run's
  epochs took ``taken`` steps where its train dataloader counted ``count`` (absent otherwise).

``version`` is 2 when a rate is a fraction (readers of version 1 cannot read it), else 1; both are read.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from typing import Any

from .._lightning_compat import warn_at_user
from ..optim._restored import cycled_momentum
from ..optim.dropins import state_class
from . import _others
from ._inject import Injected
from .durations import RunInfo

__all__ = [
    "STATE_KEYS",
    "STATE_VERSION",
    "CheckpointState",
    "catch_up",
    "optimizer_lrs",
    "other_spellings",
    "resumed",
    "saved_run",
]

STATE_VERSION = 2
STATE_KEYS = ("version", "total_steps", "steps_per_epoch", "durations", "filled")


class CheckpointState:
    """Writes and reads a callback's state; keeps the state read from a checkpoint (``restored``) until
    the new run's durations are resolved and compared with it."""

    def __init__(self) -> None:
        self.restored: dict[str, Any] | None = None
        #: the checkpoint's state when the resumed run has another number of steps per epoch (check_run):
        #: the run is compared with it once it is known, at train start or at the end of the first epoch
        self.reshaped: dict[str, Any] | None = None
        #: the checkpoint's state when the resumed run has its steps per epoch (check_run): compared with the
        #: run at train start, once Lightning's loops say where the fit goes on (a fit that trains no step, its
        #: max_steps below the checkpoint's step, says nothing: review 144)
        self.compared: dict[str, Any] | None = None

    @staticmethod
    def state_dict(
        run: RunInfo | None,
        steps: Mapping[str, Any],
        filled: Mapping[str, float],
        rate: Mapping[str, Any],
    ) -> dict[str, Any]:
        """The state to checkpoint, with explicit keys (:data:`STATE_KEYS`) and the ``rate`` entries. Version
        2 when a rate is a fraction (a list), which version 1's readers cannot read; else version 1."""
        fraction = any(isinstance(v, list) for v in rate.values())
        return {
            "version": STATE_VERSION if fraction else 1,
            "total_steps": None if run is None else run.total_steps,
            "steps_per_epoch": None if run is None else run.steps_per_epoch,
            "resumed_at": [] if run is None else [list(p) for p in run.resumed_at],
            "durations": dict(steps),
            "filled": dict(filled),
            **rate,
        }

    def load(self, owner: str, state_dict: Mapping[str, Any]) -> dict[str, Any]:
        """Check and keep a checkpoint's state; returns its ``filled`` values."""
        missing = [k for k in STATE_KEYS if k not in state_dict]
        if missing:
            raise KeyError(
                f"{owner}: the checkpoint's state for this callback lacks {missing}; it has {sorted(state_dict)}"
            )
        if state_dict["version"] not in (1, STATE_VERSION):
            raise ValueError(
                f"{owner}: checkpoint state version {state_dict['version']!r} is not supported "
                f"(this version of lightning_lr reads versions 1 to {STATE_VERSION})"
            )
        self.restored = dict(state_dict)
        return dict(state_dict["filled"])

    def carried(self) -> tuple[tuple[int, int], ...]:
        """The ``resumed_at`` of the checkpoint being resumed (empty without one): where the epochs of a run
        resumed at other sizes before began."""
        return () if self.restored is None else saved_run(self.restored).resumed_at

    def taken(self) -> tuple[int, int] | None:
        """The checkpoint's ``taken_per_epoch``: ``(count, taken)`` when its run's epochs took ``taken`` steps
        where its loader counted ``count`` (``ScheduleCallback._plan_epoch_taken``); None otherwise."""
        pair = None if self.restored is None else self.restored.get("taken_per_epoch")
        return None if not pair else (int(pair[0]), int(pair[1]))

    def same_size(self, run: RunInfo) -> bool:
        """Whether the checkpoint being resumed, if any, was written with ``run``'s steps per epoch."""
        return self.restored is None or self.restored.get("steps_per_epoch") == run.steps_per_epoch

    def check_run(
        self, owner: str, run: RunInfo | None, steps: Mapping[str, Any], reads_run: bool = True
    ) -> None:
        """Once the resumed run's durations are resolved: keep the checkpoint's state to compare the run with at
        train start (the comparison is made once), when the fit goes on from the checkpoint's step: in
        :attr:`compared`, or in :attr:`reshaped` when the steps per epoch differ (the run is not known yet:
        :func:`~._resolve.warn_reshaped`, once it is). A fit that trains no step never gets there, and says
        nothing (review 144: a resume whose max_steps lies below the checkpoint's step was told the LR may
        jump)."""
        restored = self.restored
        self.reshaped = self.compared = None
        if restored is None or run is None or restored["durations"] is None:
            return
        self.restored = None
        saved = restored["steps_per_epoch"]
        if None not in (saved, run.steps_per_epoch) and saved != run.steps_per_epoch:
            self.reshaped = restored
            return
        self.compared = restored


def saved_run(state: Mapping[str, Any]) -> RunInfo:
    """The :class:`RunInfo` a checkpoint's state was resolved for (``resumed_at`` read also in the flat form
    of an earlier version: ``[0, 0]`` for none, ``[epoch, step]`` for one point)."""
    points: Any = state.get("resumed_at") or []
    if len(points) == 2 and all(isinstance(v, int) for v in points):
        points = [points] if points[1] else []
    return RunInfo(state["total_steps"], state["steps_per_epoch"], resumed_at=points)


def optimizer_lrs(checkpoint: Mapping[str, Any]) -> list[list[float] | None]:
    """Each optimizer's param groups' LRs in a Lightning ``checkpoint`` (its ``optimizer_states``, in the
    trainer's order of optimizers), None for one whose state has none: the LRs its run takes at the step it
    was written at (the schedulers stepped before it was written)."""
    out: list[list[float] | None] = []
    for state in checkpoint.get("optimizer_states") or []:
        try:
            out.append([float(group["lr"]) for group in state["param_groups"]])
        except (KeyError, TypeError, ValueError):
            out.append(None)
    return out


def resumed(
    owner: str, entries: Sequence[Injected], trainer: Any, module: Any, defer_refit: bool = False
) -> list[str]:
    """At the start of training, once Lightning has restored what it restores: every scheduler has its own
    state from the checkpoint, if it has one (:meth:`~lightning_lr.optim.ScheduleLR.load_saved`), and one it
    has none for starts at the trainer's step where that step counts its optimizer's steps (:func:`catch_up`).
    Returns the labels of the optimizers whose warning of ``fit`` called again :func:`catch_up` left to the
    caller (``defer_refit``)."""
    for entry in entries:
        entry.scheduler.load_saved()
    if trainer.global_step > 0:
        shared = 0 if module.automatic_optimization else len(trainer.optimizers)
        refit = getattr(trainer, "ckpt_path", None) is None
        # a scheduler another callback took out of the trainer's (StochasticWeightAveraging resuming in its
        # phase) no longer drives its optimizer: the LR the checkpoint restored stays (see ``displaced``)
        return catch_up(
            owner,
            _others.driving(trainer.lr_scheduler_configs, entries),
            trainer.global_step,
            shared,
            refit,
            defer_refit,
        )
    return []


def catch_up(
    owner: str,
    entries: Sequence[Injected],
    step: int,
    shared: int = 0,
    refit: bool = False,
    defer_refit: bool = False,
) -> list[str]:
    """A fit that starts past step 0 with a scheduler at step 0 would restart the schedule: start it at the
    trainer's step instead, with a warning. That is a resumed run whose checkpoint has no state for the
    scheduler (written without this callback), or, with ``refit``, ``fit`` called again on the same Trainer
    without a checkpoint (the trainer keeps its step; ``configure_optimizers`` built new optimizers and
    schedulers). Under manual optimization with ``shared`` > 1 optimizers the trainer's step counts all
    their steps: the schedule starts at 0, and the warning says why.

    A checkpoint whose state in the scheduler's place is another class's (the torch scheduler this callback
    replaced: the scheduler did not load it, :attr:`~lightning_lr.optim.ScheduleLR.foreign_state`) is one
    without a state for it; the warning names that class when its keys tell it. With ``defer_refit``, the
    warning of ``fit`` called again is the caller's: the labels of those optimizers are returned."""
    deferred: list[str] = []
    for entry in entries:
        if entry.scheduler.last_epoch != 0:
            continue
        foreign = entry.scheduler.foreign_state
        momentum = ""
        if refit:
            lost = (
                f"{owner}: fit was called again on this Trainer, which continues at its step {step}, and "
                f"configure_optimizers built a new scheduler for {entry.info.label} (and a new optimizer: its "
                f"state, momentum buffers included, starts afresh)"
            )
        elif foreign is not None:
            name = state_class(foreign)
            counted = foreign.get("last_epoch")
            # (a count at the trainer's step is of optimizer steps: a scheduler at interval "step", review 133)
            epochs = (
                " (that scheduler's own state: at Lightning's default interval its count is of epochs, not of "
                "this schedule's optimizer steps)"
                if isinstance(counted, int) and counted != step
                else ""
            )
            lost = (
                f"{owner}: the checkpoint has no state for the scheduler of {entry.info.label} (it was written "
                f"without this callback): the state in its place was written by {name or 'another scheduler'}, "
                f"not lightning_lr, and is not loaded{epochs}"
            )
            momentum = _momentum_given_back(entry, foreign, name)
        else:
            lost = (
                f"{owner}: the checkpoint has no state for the scheduler of {entry.info.label} (it was written "
                f"without this callback)"
            )
        if shared > 1:
            warn_at_user(
                f"{lost}, and under manual optimization the trainer's step ({step}) counts the steps of all "
                f"{shared} optimizers, so the schedule starts at 0{momentum}",
                category=UserWarning,
            )
            continue
        if refit and defer_refit:
            deferred.append(entry.info.label)
        else:
            plan = " planned for this fit's run" if refit else ""
            warn_at_user(
                f"{lost}, so the schedule{plan} starts at the trainer's step {step} instead of 0{momentum}",
                category=UserWarning,
            )
        entry.scheduler.step(step)
    return deferred


def _momentum_given_back(entry: Injected, foreign: Mapping[str, Any], name: str | None) -> str:
    """For a resume whose checkpoint's scheduler (``foreign``, of class ``name``) was another class's that cycled
    the momentum (torch's ``OneCycleLR``, or one inside a ``SequentialLR``: review 135): which groups' momentum the
    scheduler put back to the value it was configured with, as a resume from lightning_lr's own ``OneCycle`` into
    a schedule that leaves momentum alone does (:attr:`~lightning_lr.optim.ScheduleLR.momentum_given_back`); ""
    for none."""
    given = entry.scheduler.momentum_given_back
    if not given:
        return ""
    cycle = cycled_momentum(foreign)
    who = name or "That scheduler"
    if cycle is not None and cycle is not foreign:
        who = f"The {state_class(cycle) or 'scheduler'} inside its {name or 'scheduler'}"
    each = ", ".join(f"param group {i}: {was:.4g} -> {now:g}" for i, was, now in given)
    return (
        f". {who} cycled the momentum, which this schedule leaves alone: the momentum the "
        f"checkpoint holds, that cycle's last value, goes back to the value it was configured with ({each})"
    )


def _key_arguments(key: str, kind: str) -> dict[str, Any] | None:
    """The arguments in a state key Lightning's ``_generate_state_key`` wrote for a callback of class
    ``kind`` (``"OneCycle{'optimizer': 'all'}"``), or None if it is not one."""
    if not key.startswith(kind + "{"):
        return None
    try:
        arguments = ast.literal_eval(key[len(kind) :])
    except (ValueError, SyntaxError):
        return None
    return arguments if isinstance(arguments, dict) and "optimizer" in arguments else None


def other_spellings(
    callback: Any, states: Mapping[str, Any], claimed: set[str], free: tuple[str, ...] = ("optimizer",)
) -> list[tuple[dict[str, Any], str, Mapping[str, Any]]]:
    """The states a checkpoint holds for ``callback``'s class under another ``optimizer`` spelling and
    otherwise the same state key (``OneCycle()`` written, ``OneCycle(optimizer=0)`` resuming), or that differ
    in another of the key's arguments in ``free`` (a ``ReduceOnPlateau`` resumed to watch another
    ``monitor``): ``(the key's arguments, the key, its state)`` for each not ``claimed`` by another callback
    of the trainer. None when the checkpoint has ``callback``'s own key (Lightning loads that)."""
    if callback.state_key in states:
        return []
    kind = type(callback).__qualname__
    mine = _key_arguments(callback.state_key, kind)
    if mine is None:
        return []
    rest = {k: v for k, v in mine.items() if k not in free}
    found = []
    for key, state in states.items():
        arguments = _key_arguments(key, kind)
        if arguments is None or key in claimed or not isinstance(state, Mapping):
            continue
        if {k: v for k, v in arguments.items() if k not in free} == rest:
            found.append((arguments, key, state))
    return found
