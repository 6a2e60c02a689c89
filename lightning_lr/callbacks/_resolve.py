"""Resolving a callback's durations to optimizer steps from the trainer at fit start.

Its int, Epochs and Fraction arguments become steps; a resumed run that resolves them differently from its
checkpoint gets one warning.

A callback says which arguments are durations with ``durations()``: ``{name: (value, minimum steps)}``,
where a value may be a list. :func:`resolve` turns them into ``(RunInfo, {name: steps})`` for the
current fit; :func:`warn_if_changed` compares that with what a checkpoint recorded (see
:mod:`lightning_lr.callbacks.durations` for the rules).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction as Ratio
from typing import Any, cast

import lightning.pytorch as pl
import torch

from .. import _lightning_compat as _compat
from .. import _validate as V
from .durations import Duration, Epochs, Fraction, RunInfo, UnknownLengthError, round_steps

__all__ = [
    "EVENT",
    "ONE",
    "SPAN",
    "UNIT",
    "Rate",
    "StepRate",
    "agreed",
    "anchored",
    "as_given",
    "describe_rate",
    "rate_from_state",
    "rate_to_state",
    "relative",
    "resolve",
    "run_info",
    "steps",
    "trains_no_step",
    "warn_if_changed",
    "warn_if_ends_early",
    "warn_if_off_the_run",
    "warn_reshaped",
    "warn_told",
    "with_point",
]

Durations = Mapping[str, tuple[Any, int]]


@dataclass(frozen=True)
class Rate:
    """Steps per batch under manual optimization: ``ours``, of the optimizers a callback schedules, and
    ``overall``, of every optimizer (Lightning's ``global_step``, which ``max_steps`` bounds)."""

    ours: Ratio = Ratio(1)
    overall: Ratio = Ratio(1)


ONE = Rate()


def resolve(
    trainer: pl.Trainer, owner: str, durations: Durations, rate: Rate = ONE
) -> tuple[RunInfo, dict[str, Any]]:
    """The run of ``trainer`` and ``durations`` in optimizer steps for it, counted in the steps of an
    optimizer that steps at ``rate`` (manual optimization: a critic steps several times per batch, a
    gradient accumulation written by hand once every few batches)."""
    run = run_info(trainer, _needs_epochs(durations))
    if rate != ONE:
        run = _at_rate(trainer, run, rate)
    try:
        return run, steps(owner, durations, run)
    except UnknownLengthError as exc:  # review 72: the error said why in general terms, not for this trainer
        raise UnknownLengthError(f"{exc}. Here {_unknown_because(trainer)}") from None


def trains_no_step(trainer: pl.Trainer) -> str | None:
    """Why ``trainer``'s fit trains no optimizer step (``max_steps=0``, ``max_epochs=0``,
    ``limit_train_batches=0``, a train dataloader without a batch), which Lightning runs (review 133: the
    durations of such a fit, resolved for a run of no length, failed with a false cause, "the train dataloader
    has no len()"); None when it trains some, or may."""
    if trainer.max_steps == 0:
        return "max_steps=0"
    if trainer.max_epochs == 0:
        return "max_epochs=0"
    limit = trainer.limit_train_batches
    if isinstance(limit, (int, float)) and limit == 0:
        return f"limit_train_batches={limit!r}"
    if trainer.estimated_stepping_batches == 0:
        return "the train dataloader has no batch"
    return None


def _unknown_because(trainer: pl.Trainer) -> str:
    """Why ``trainer``'s run has no known length, for an error that needs it."""
    max_epochs, max_steps = trainer.max_epochs, trainer.max_steps
    if max_epochs is None or max_epochs < 0:
        timed = _compat.time_remaining(trainer) is not None
        return f"max_epochs={max_epochs} and max_steps={max_steps}" + (
            " (Lightning sets max_epochs=-1 when max_time is given alone): only the time limit ends the run"
            if timed
            else ": nothing bounds the run"
        )
    return (
        f"the train dataloader has no len() (an IterableDataset), so max_epochs={max_epochs} cannot count the "
        f"run's steps, and max_steps={max_steps}"
    )


def _at_rate(trainer: pl.Trainer, run: RunInfo, rate: Rate) -> RunInfo:
    """``run`` (counted in batches: manual optimization) for an optimizer that steps at ``rate``.

    An epoch takes ``floor(batches * rate.ours)`` of its steps (at least 1), so ``max_epochs`` scales with
    it. ``max_steps`` bounds Lightning's ``global_step``, the steps of every optimizer: the run ends after
    the first batch that reaches it, ``ceil(max_steps / rate.overall)`` batches."""
    per_epoch = None if run.steps_per_epoch is None else max(1, math.floor(run.steps_per_epoch * rate.ours))
    if run.total_steps is None:
        return RunInfo(total_steps=None, steps_per_epoch=per_epoch)
    bounds = []
    max_epochs = trainer.max_epochs
    if per_epoch is not None and max_epochs is not None and max_epochs >= 0:
        bounds.append(per_epoch * max_epochs)
    bound = _max_steps_bound(trainer, rate)
    if bound is not None:
        bounds.append(bound)
    if not bounds:  # neither known: the batches Lightning estimated, at the rate
        bounds.append(max(1, math.floor(run.total_steps * rate.ours)))
    return RunInfo(total_steps=min(bounds), steps_per_epoch=per_epoch)


class StepRate:
    """The :class:`Rate` at which the scheduled optimizers step under manual optimization, told from the
    counts of their steps (and Lightning's ``global_step``) after each batch of a window: the first epoch,
    or, when the checkpoint was written before that window ended, from the resume to the end of its epoch.

    :meth:`observe` gives an early estimate: the next batch in which they step again after the first tells
    it, as the steps between over the batches between (k per batch for a critic that steps k times every
    batch, one per k batches for a gradient accumulation written by hand, one per batch for a critic that
    steps twice every second batch). Timing the second stepping batch, not the first, keeps a first batch
    that only accumulates from halving the rate of an optimizer that then steps every batch. Every
    optimizer's rate (``global_step``) is estimated over the window so far.

    :meth:`settle`, at the end of the window, gives the rate over all of it: the steps over the batches. It
    corrects the estimate where the steps are not evenly spaced, as in an accumulation that also steps at
    the epoch's last batch (2 steps in 12 batches for every 8, where the first two steps are 4 apart), and
    it sees optimizers that began to step after the estimate was told.
    """

    WAIT = "wait"  # not told yet
    DIFFER = "differ"  # the optimizers step at different rates: count in batches
    NONE = "none"  # none of them stepped in the window

    def __init__(self, global_step: int, counts: Sequence[int] = (), whole: bool = True) -> None:
        self.start = global_step  # Lightning's global_step when the window began
        self.base = list(counts)  # the step counts when it began
        self.whole = whole  # whether it began at an epoch's first batch (else it only estimates)
        self.batches = 0  # the batches of the window so far
        # batches, counts and global_step at the first step
        self.first: tuple[int, list[int], int] | None = None
        self.told = False  # observe() has given its estimate
        self.differ = False  # and it was DIFFER
        self.counts = [0] * len(self.base)  # the steps counted in the window so far (:meth:`batch`)

    def to_state(self, global_step: int) -> dict[str, Any]:
        """The open window as checkpoint state (plain data, relative to its start), so that a fit resumed
        from a checkpoint written before the window ended goes on telling the rate from the same batches, as
        the uninterrupted fit does (review 54: a resume from the first steps of a critic planned its next
        steps in batches, and their LR differed)."""
        return {
            "whole": self.whole,
            "batches": self.batches,
            "counts": list(self.counts),
            "global_steps": global_step - self.start,
            "first": None if self.first is None else [self.first[0], list(self.first[1])],
            "told": self.told,
            "differ": self.differ,
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any], global_step: int, counts: Sequence[int]) -> StepRate | None:
        """The window :meth:`to_state` wrote, going on from ``global_step`` and the step ``counts`` of the
        resumed fit; None when it does not fit them (another number of scheduled optimizers)."""
        try:
            saved = [int(c) for c in state["counts"]]
            if len(saved) != len(counts):
                return None
            rate = cls(
                global_step - int(state["global_steps"]), [c - s for c, s in zip(counts, saved, strict=True)]
            )
            rate.whole, rate.batches, rate.counts = bool(state["whole"]), int(state["batches"]), saved
            first = state["first"]
            rate.first = None if first is None else (int(first[0]), [int(c) for c in first[1]], 0)
            rate.told, rate.differ = bool(state["told"]), bool(state["differ"])
        except (KeyError, TypeError, ValueError):  # not a window this version wrote
            return None
        return rate

    def observe(self, batches: int, counts: Sequence[int], global_step: int) -> Rate | str:
        """The early estimate once it can be told from ``counts`` (the steps of each optimizer after
        ``batches`` batches of the window) and ``global_step``, else :attr:`WAIT`; :attr:`DIFFER` when the
        optimizers that stepped did so at different rates. Given once."""
        if self.told:
            return self.WAIT
        counts = list(counts)
        if self.first is None:
            if not any(counts):
                return self.WAIT
            self.first = (batches, counts, global_step)
            if len({c for c in counts if c > 0}) > 1:
                return self._tell(self.DIFFER)
            return self.WAIT  # k steps in one batch may be a critic's every batch, or every few batches
        before, at_first, _ = self.first
        grown = {c - a for c, a in zip(counts, at_first, strict=True) if a > 0 or c > 0}
        if grown == {0}:
            return self.WAIT
        if len(grown) > 1:
            return self._tell(self.DIFFER)
        # every optimizer's steps over the whole window so far: other optimizers may step at other times
        return self._tell(Rate(Ratio(grown.pop(), batches - before), self.overall(batches, global_step)))

    def in_batches(self, batches: int, global_step: int) -> Rate:
        """The rate to count in batches at, when the optimizers step at different rates (:attr:`DIFFER`):
        one step per batch, and every optimizer's rate over the window's ``batches`` so far (``max_steps``
        still bounds the steps of every optimizer)."""
        return Rate(Ratio(1), self.overall(batches, global_step))

    def batch(self, counts: Sequence[int]) -> tuple[int, list[int]]:
        """Count one more batch of the window; its batches so far and ``counts`` (steps counted since the
        fit's start) since the window began."""
        self.batches += 1
        self.counts = [c - b for c, b in zip(counts, self.base, strict=True)]
        return self.batches, list(self.counts)

    def overall(self, batches: int, global_step: int) -> Ratio:
        """Every optimizer's steps per batch (Lightning's ``global_step``) over the window's ``batches`` so far:
        after the estimate is told, it is refined at each batch (an unscheduled optimizer, or one of a set
        that steps at other rates, may step only every few batches)."""
        return Ratio(global_step - self.start, batches)

    def _tell(self, rate: Rate | str) -> Rate | str:
        self.told = True
        self.differ = rate == self.DIFFER
        return rate

    def settle(self, batches: int, counts: Sequence[int], global_step: int) -> Rate | str:
        """The rate over the whole window of ``batches`` batches: the steps each optimizer took in it over
        ``batches`` (:attr:`DIFFER` when they differ; optimizers that never stepped say nothing), or
        :attr:`NONE`."""
        seen = {c for c in counts if c > 0}
        if not seen:
            return self.NONE
        if len(seen) > 1:
            return self.DIFFER
        return Rate(Ratio(seen.pop(), batches), self.overall(batches, global_step))


def describe_rate(rate: Rate | Ratio | int) -> str:
    """``once per batch``, ``2 times per batch``, ``once every 2 batches``, ``3 times every 4 batches`` (of
    ``Rate.ours``)."""
    rate = rate.ours if isinstance(rate, Rate) else Ratio(rate)
    if rate == 1:
        return "once per batch"
    if rate.denominator == 1:
        return f"{rate.numerator} times per batch"
    if rate.numerator == 1:
        return f"once every {rate.denominator} batches"
    return f"{rate.numerator} times every {rate.denominator} batches"


def _ratio_to_state(ratio: Ratio) -> int | list[int]:
    return ratio.numerator if ratio.denominator == 1 else [ratio.numerator, ratio.denominator]


def _ratio_from_state(value: Any) -> Ratio:
    if isinstance(value, (list, tuple)):
        return Ratio(int(value[0]), int(value[1]))
    return Ratio(int(value))


def rate_to_state(rate: Rate, settled: bool) -> dict[str, Any]:
    """A rate as checkpoint state, exact and plain data: ``steps_per_batch`` and ``global_steps_per_batch``,
    each an int or ``[numerator, denominator]``, and ``rate_settled`` (False while its window is open)."""
    return {
        "steps_per_batch": _ratio_to_state(rate.ours),
        "global_steps_per_batch": _ratio_to_state(rate.overall),
        "rate_settled": settled,
    }


def rate_from_state(state: Mapping[str, Any]) -> tuple[Rate, bool]:
    """The rate :func:`rate_to_state` wrote into ``state``, and whether it was settled. A checkpoint without
    it reads as 1, settled; one without ``global_steps_per_batch`` or ``rate_settled``, from before they
    were kept, as the optimizer's own steps, settled."""
    ours = _ratio_from_state(state.get("steps_per_batch", 1))
    overall = state.get("global_steps_per_batch")
    rate = Rate(ours, ours if overall is None else _ratio_from_state(overall))
    return rate, bool(state.get("rate_settled", True))


#: how to make a preset's schedule span the run, when its length is known at the start and when it is not
SPAN_ADVICE = (
    "give total=Fraction(1.0), or a longer total, to span the run",
    "give max_steps and total=Fraction(1.0), or a longer total, to span the run",
)


def warn_if_ends_early(
    owner: str, end: int, run: RunInfo, warn_once: Callable[[str, str], None], advice: str = SPAN_ADVICE[0]
) -> None:
    """Warn once when the schedule ends (at step ``end``) before the run does: from there on its final value
    holds. ``advice``: how to make it span the run."""
    if run.total_steps is not None and end < run.total_steps:
        warn_once(
            "ends-early",
            f"{owner}: the schedule ends at step {end}, but the run has {V.counted(run.total_steps, 'optimizer step')}; from "
            f"step {end} on the LR stays at the schedule's final value ({advice})",
        )


def warn_if_cut_off(
    owner: str,
    end: int,
    run: RunInfo,
    warn_once: Callable[[str, str], None],
    what: str = "lr",
    groups: Sequence[int] | None = None,
) -> None:
    """Warn once when a schedule given as it is needs a run of ``end`` steps for its last scheduled change
    (:meth:`Schedule.scheduled_until`: its end, a warm-up's, a switch, a milestone) and the run is shorter:
    the run stops it part of the way, as a preset's ``total`` longer than the run
    (:func:`warn_if_off_the_run`). ``what``: ``"lr"`` or ``"momentum"``, the schedule's kind; ``groups``: the
    param groups whose schedule is cut off, for a list of one schedule per group."""
    n = run.total_steps
    if n is not None and end > n:
        kind = "" if what == "lr" else f"{what} "
        whose = ""
        if groups:
            whose = (
                f" of param group {groups[0]}" if len(groups) == 1 else f"s of param groups {list(groups)}"
            )
        needs = "needs" if len(groups or ()) < 2 else "need"
        example = "CosineDecay(0.1" if what == "lr" else "Linear(0.85, 0.95"
        warn_once(
            f"cut-off-{what}",
            f"{owner}: the {kind}schedule{whose} {needs} a run of {V.counted(end, 'optimizer step')} for its last scheduled "
            f"change (its end, a warm-up's, a switch or a milestone), but the run has {n}, so it is cut off where "
            f"the run ends; make it fit in the run, or give a function of the run that sizes it, {what}=f with "
            f"def f(run): return {example}, total=run.total_steps)",
        )


def relative(durations: Durations) -> list[str]:
    """The arguments among ``durations`` planned from the run's length (given as Epochs or Fraction)."""
    return [arg for arg, (value, _) in durations.items() if _is_relative(value)]


def _is_relative(value: Any) -> bool:
    """A duration given as Epochs or Fraction (or a list holding one): planned from the run's length."""
    values = value if isinstance(value, (list, tuple)) else [value]
    return any(isinstance(v, (Epochs, Fraction)) for v in values)


#: what a duration argument times, for :func:`warn_if_off_the_run`: a length (``total``, a warm-up, half a
#: cycle: past the end of the run it is cut off), a step at which something happens (a milestone, the
#: period of a step decay: at or past the end it never happens), or a unit of time (a continuous decay's
#: ``every``: any value is meaningful)
SPAN, EVENT, UNIT = "span", "event", "unit"


def warn_if_off_the_run(
    owner: str,
    durations: Durations,
    resolved: Mapping[str, Any],
    run: RunInfo,
    kinds: Mapping[str, str],
    warn_once: Callable[[str, str], None],
) -> None:
    """Warn once per argument whose duration does not fit the run (``kinds`` says what each times; an argument
    not in it is a :data:`SPAN`; a unit of time, :data:`UNIT`, fits any run):

    - one that does not fit in the run, a ``Fraction`` above 1 among them (it does not warn when it is made:
      only here is its argument known);
    - an Epochs or Fraction that rounds to no step at all in this run: it is then raised to the least its
      argument takes (one step; none for a warm-up, which is then left out), which the run would not say
      (review 117: ``Cyclic(step_size=Epochs(0.1))`` cycled every step, ``StepDecay(every=Fraction(0.01))``
      decayed at every step, without a word);
    - one that rounds to fewer steps than its argument takes (a 1cycle's two), also raised to them."""
    n = run.total_steps
    for arg, (value, _) in durations.items():
        kind = kinds.get(arg, SPAN)
        steps_ = resolved.get(arg)
        if kind == UNIT or steps_ is None:
            continue
        items = _items(arg, value, steps_)
        # a warm-up as long as the run never reaches its peak, as one longer (review 122: InverseSqrt(warmup=
        # Fraction(1.0)) rose through the whole run, unsaid); a total or a cycle that long ends with the run
        whole = arg == "warmup"
        late = [
            _given(name, v, s, kind)
            for name, v, s in items
            if n is not None and (s >= n if kind == EVENT or whole else s > n)
        ]
        if late and n is not None:
            if kind == EVENT:
                what = (
                    f"lies at or past the end of the run ({V.counted(n, 'optimizer step')}: the last is step {n - 1}), so it "
                    f"never takes effect"
                )
            elif whole and all(s <= n for _, _, s in items):
                what = (
                    f"lasts the whole run ({n} optimizer steps), so the LR rises until the run ends and never "
                    f"reaches its peak"
                )
            else:
                what = (
                    f"is longer than the run ({V.counted(n, 'optimizer step')}), so the schedule is cut off where the run "
                    f"ends"
                )
            warn_once(
                f"beyond-run-{arg}",
                f"{owner}: {', '.join(late)} {what}; give a duration within the run (steps, Epochs(n) or "
                f"Fraction(f), e.g. "
                + (
                    "Fraction(0.05) for the first 5% of the run)"
                    if arg == "warmup"
                    else "Fraction(1.0) for the whole run)"
                ),
            )
        short = [
            f"{name}={v!r} is {V.counted(v.resolve(run), 'optimizer step', shown=f'{v.resolve(run):.2g}')}, taken as {s}"
            for name, v, s in items
            if isinstance(v, Duration) and not v.is_zero() and round_steps(v.resolve(run)) == 0
        ]
        if short:
            warn_once(
                f"below-a-step-{arg}",
                f"{owner}: {', '.join(short)}: less than one step of this run rounds to none; give it in "
                f"optimizer steps (an int), or a longer Epochs or Fraction",
            )
        # one that rounds to steps, but fewer than its argument takes, raised to them (review 146: OneCycle(total=
        # Epochs(0.5)) of a 2-step epoch ran a 2-step cycle, where total=1 is refused)
        raised = [
            f"{name}={v!r} is {V.counted(round_steps(v.resolve(run)), 'optimizer step')}, taken as {s}"
            for name, v, s in items
            if isinstance(v, Duration) and 0 < round_steps(v.resolve(run)) < s
        ]
        if raised:
            warn_once(
                f"raised-{arg}",
                f"{owner}: {', '.join(raised)}, the fewest steps {arg} takes; give a longer Epochs or "
                f"Fraction, or the steps in an int",
            )


def _items(arg: str, value: Any, steps_: Any) -> list[tuple[str, Any, int]]:
    """``(name, value given, steps)`` of each duration of argument ``arg``: one, or one per item of a list
    (``milestones[1]``)."""
    if isinstance(value, (list, tuple)):
        return [(f"{arg}[{i}]", v, s) for i, (v, s) in enumerate(zip(value, steps_, strict=True))]
    return [(arg, value, steps_)]


def _given(name: str, value: Any, steps_: int, kind: str) -> str:
    """A duration as given beside its steps: ``milestones[1]=Epochs(1) (step 4)`` for a point in the run,
    ``warmup=Fraction(0.1) (8 optimizer steps)`` for a length."""
    return (
        f"{name}={value!r} (step {steps_})"
        if kind == EVENT
        else f"{name}={value!r} ({V.counted(steps_, 'optimizer step')})"
    )


def as_given(
    message: str, durations: Durations, resolved: Mapping[str, Any], kinds: Mapping[str, str]
) -> str:
    """``message``, an error raised on the durations ``resolved`` to steps, with what the user wrote for those
    it names that were given in Epochs or Fraction: the schedule saw only the steps (review 117: ``milestones=[6,
    Epochs(1)]`` was refused with ``got [6, 4]``, a 4 the user never wrote)."""
    shown = [
        _given(name, v, s, kinds.get(arg, SPAN))
        for arg, (value, _) in durations.items()
        if arg in resolved and re.search(rf"\b{re.escape(arg)}\b", message)
        for name, v, s in _items(arg, value, resolved[arg])
        if isinstance(v, Duration)
    ]
    return f"{message}; given as {', '.join(shown)}" if shown else message


def agreed(
    trainer: pl.Trainer, owner: str, run: RunInfo, steps: dict[str, Any]
) -> tuple[RunInfo, dict[str, Any]]:
    """Under DDP, rank 0's plan (``run`` and ``steps``) on every rank, so every rank computes the same LR.

    Each rank plans from its own train dataloader; ranks whose loaders differ in length (their own
    samplers, ``use_distributed_sampler=False``) plan different epochs and totals, and the LR differed per
    rank, so the model copies drifted apart. Rank 0 warns when any rank's own plan differed. Called where
    every rank plans (``configure_optimizers``), as it is a collective."""
    if trainer.world_size <= 1:
        return run, steps
    theirs = trainer.strategy.broadcast((run, dict(steps)), src=0)
    differs = torch.tensor([float(theirs != (run, dict(steps)))], device=trainer.strategy.root_device)
    if float(trainer.strategy.reduce(differs, reduce_op="max")) > 0:
        _compat.warn_at_user(
            f"{owner}: the ranks planned the run differently from their own train dataloaders (on rank 0: "
            f"{_plan_text(theirs[0], theirs[1])}); their lengths differ (samplers of their own, or "
            f"use_distributed_sampler=False), so every rank follows rank 0's plan and takes the same LR. Their "
            f"epochs still end at different steps, so whatever syncs at an epoch's end (a ReduceOnPlateau on a "
            f"training metric, an epoch's sync_dist log, an LRRangeTest at a later epoch) waits forever; give every "
            f"rank as many batches",
            category=UserWarning,
        )
    return theirs[0], dict(theirs[1])


def _plan_text(run: RunInfo, steps: Mapping[str, Any]) -> str:
    """A plan in a message: the run's optimizer steps, per epoch, and the durations in steps."""
    parts = [V.counted(run.total_steps, "optimizer step"), f"{run.steps_per_epoch} per epoch"]
    parts += [f"{name}={value}" for name, value in steps.items()]
    return ", ".join(parts)


def run_info(trainer: pl.Trainer, needs_epochs: bool) -> RunInfo:
    """The run's total optimizer steps and steps per epoch, as Lightning counts them (None if unknown).
    With ``needs_epochs``, the train dataloader is set up if it is not yet, to know its length."""
    total = trainer.estimated_stepping_batches
    batches = trainer.num_training_batches
    if needs_epochs and not math.isfinite(batches) and trainer.train_dataloader is None:
        _compat.setup_train_data(trainer)  # what estimated_stepping_batches does when max_epochs is set
        batches = trainer.num_training_batches
    steps_per_epoch, points = None, cast(tuple[tuple[int, int], ...], ())
    if math.isfinite(batches) and batches > 0:
        # at the accumulation a GradientAccumulationScheduler gives each epoch (it sets the Trainer's only at each
        # epoch's start, after this: {0: 4} crashed at the first batch, the plan's epoch of 8 steps taking 2, and
        # Lightning's estimate counted the run's 6 steps as 24): the epochs where it changes begin where they do,
        # and the epochs from the last of them take its steps
        max_epochs = trainer.max_epochs
        ends = max(max_epochs, 1) if max_epochs is not None and max_epochs >= 0 else None
        changes = _compat.accumulation_changes(trainer, ends)
        points = tuple((e, _compat.run_steps(trainer, int(batches), e)) for e in changes)
        steps_per_epoch = _compat.epoch_steps(trainer, int(batches), changes[-1] if changes else 0)
        if math.isfinite(total) and ends is not None:
            counted = _compat.run_steps(trainer, int(batches), ends)
            total = counted if trainer.max_steps < 0 else min(counted, trainer.max_steps)
    total_steps = int(total) if math.isfinite(total) and total > 0 else None
    return RunInfo(total_steps=total_steps, steps_per_epoch=steps_per_epoch, resumed_at=points)


def _max_steps_bound(trainer: pl.Trainer, rate: Rate) -> int | None:
    """The steps an optimizer stepping at ``rate`` takes before ``max_steps`` ends the run, or None without
    one. ``max_steps`` bounds Lightning's ``global_step``, the steps of every optimizer: under manual
    optimization the run ends after the first batch that reaches it, ``ceil(max_steps / rate.overall)``
    batches."""
    if trainer.max_steps is None or trainer.max_steps < 0:
        return None
    if rate == ONE:
        return int(trainer.max_steps)
    if rate.overall <= 0:
        return None
    return max(1, math.floor(math.ceil(trainer.max_steps / rate.overall) * rate.ours))


def anchored(
    trainer: pl.Trainer,
    run: RunInfo,
    points: tuple[tuple[int, int], ...],
    rate: Rate = ONE,
    measured: bool = False,
) -> RunInfo:
    """``run`` resumed at other sizes (:attr:`RunInfo.resumed_at` ``points``): from the last point's epoch
    and step, the epochs take ``run.steps_per_epoch`` steps, so the total is that step plus the epochs left
    to ``max_epochs`` (at most ``max_steps``, for an optimizer stepping at ``rate``: manual optimization);
    Lightning's estimate counts every epoch at this fit's size. Where a ``GradientAccumulationScheduler``
    changes the accumulation after the last point, each such epoch is a point too, counted as :func:`run_info`
    counts a fresh run's (:func:`_ahead`). ``measured``: ``run.steps_per_epoch`` is what an epoch took, not its
    loader's count."""
    total, steps_per_epoch = run.total_steps, run.steps_per_epoch
    max_epochs = trainer.max_epochs
    if points and steps_per_epoch is not None and max_epochs is not None and max_epochs >= 0:
        more, steps_per_epoch = _ahead(trainer, steps_per_epoch, points[-1], max_epochs, measured)
        points = (*points, *more)
    if points and total is not None:
        bounds = []
        if steps_per_epoch is not None and max_epochs is not None and max_epochs >= 0:
            epoch, step = points[-1]
            bounds.append(step + max(0, max_epochs - epoch) * steps_per_epoch)
        bound = _max_steps_bound(trainer, rate)
        if bound is not None:
            bounds.append(bound)
        if bounds:
            total = min(bounds)
    return RunInfo(total_steps=total, steps_per_epoch=steps_per_epoch, resumed_at=points)


def _ahead(
    trainer: pl.Trainer, steps_per_epoch: int, at: tuple[int, int], max_epochs: int, measured: bool
) -> tuple[tuple[tuple[int, int], ...], int]:
    """Where each epoch after ``at`` (epoch ``at[0]`` begins at step ``at[1]``) at which a
    ``GradientAccumulationScheduler`` changes the accumulation begins, and the steps of an epoch from the last
    of them on; none and ``steps_per_epoch`` without such a change. The epochs take their own accumulation's
    steps over the loader's count (r165: a resume at another size at epoch 1 of ``{0: 4, 1: 2, 2: 1}`` counted
    epoch 1 at epoch 2's size, said 75 steps where the run takes 63, and was planned again at once), and those
    up to the first change ``steps_per_epoch`` where it was ``measured`` (an epoch took other steps than its
    loader's count)."""
    epoch, step = at
    changes = [e for e in _compat.accumulation_changes(trainer, max_epochs) if e > epoch]
    batches = trainer.num_training_batches
    if not changes or not isinstance(batches, int):
        return (), steps_per_epoch
    more = []
    for start, end in zip([epoch, *changes], changes, strict=False):
        if measured and start == epoch:
            step += (end - start) * steps_per_epoch
        else:
            step += _compat.run_steps(trainer, batches, end, start)
        more.append((end, step))
    return tuple(more), _compat.epoch_steps(trainer, batches, changes[-1])


def with_point(points: tuple[tuple[int, int], ...], at: tuple[int, int]) -> tuple[tuple[int, int], ...]:
    """``points`` and ``at`` (epoch ``at[0]`` began at step ``at[1]``), which replaces the points of that epoch
    and later ones (a guess now told)."""
    return (*(p for p in points if p[0] < at[0]), at)


def steps(owner: str, durations: Durations, run: RunInfo) -> dict[str, Any]:
    """Each duration in optimizer steps for ``run`` (a list stays a list); an error names the argument."""
    out: dict[str, Any] = {}
    for arg, (value, minimum) in durations.items():
        try:
            if isinstance(value, (list, tuple)):
                out[arg] = [run.steps(v, minimum=minimum, name=f"{arg}[{i}]") for i, v in enumerate(value)]
            else:
                out[arg] = run.steps(value, minimum=minimum, name=arg)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{owner}({arg}={value!r}): {exc}") from None
    return out


def _needs_epochs(durations: Durations) -> bool:
    for value, _ in durations.values():
        values = value if isinstance(value, (list, tuple)) else [value]
        if any(isinstance(v, Epochs) for v in values):
            return True
    return False


def warn_if_changed(
    owner: str,
    saved: Mapping[str, Any],
    run: RunInfo,
    resolved: Mapping[str, Any],
    reads_run: bool = True,
    jump: str | None = None,
) -> None:
    """Warn once, listing what differs, if the durations ``resolved`` for ``run`` differ from those a
    checkpoint ``saved``, or (``reads_run``: the schedule is built from the run itself) the run does (its
    ``total_steps``, ``steps_per_epoch``). A longer run whose durations resolve as before (given in steps,
    an InverseSqrt's warm-up) changes nothing, and says nothing. ``jump``: what that did to the LR at the step
    the fit resumes at (``RunPlanning._jump_said``; ``""``: it did not move), None where that is not known
    (review 144: "the LR may jump there" was all it said where the LR went from 4e-07 to 0.0389)."""
    changes = list(_duration_changes(saved["durations"], resolved))
    if changes or reads_run:
        changes = [
            f"{key} {saved[key]} -> {new}"
            for key, new in (("total_steps", run.total_steps), ("steps_per_epoch", run.steps_per_epoch))
            if saved[key] is not None and saved[key] != new
        ] + changes
    if changes:
        _compat.warn_at_user(
            f"{owner}: the run differs from the checkpoint's ({'; '.join(changes)}). Durations given "
            f"as Epochs or Fraction follow the new run: the schedule continues from the checkpoint's step "
            f"as if it had been planned for this run"
            + (
                ", so the LR may jump there."
                if jump is None
                else jump.replace(" The LR jumps", ", and the LR jumps", 1)
                if jump
                else ", and the LR goes on there as the checkpoint left it."
            ),
            category=UserWarning,
        )


def epoch_end_guess(trainer: pl.Trainer, done: int) -> tuple[int, int]:
    """For a fit that resumes within an epoch, ``done`` batches into it: ``(epoch, step)`` at which the next
    epoch begins, as Lightning 2.6 continues such an epoch (to its last batch, or whole again when ``done``
    reaches the new epoch's length), stepping every ``accumulate_grad_batches`` batches and at the last.
    Lightning 2.4.0 continues it otherwise; the epoch's end tells exactly."""
    n, a = int(trainer.num_training_batches), trainer.accumulate_grad_batches
    if done >= n:
        done = 0
    steps = n // a - done // a + (1 if n % a else 0)
    return (trainer.current_epoch + 1, trainer.global_step + steps)


def warn_reshaped(
    owner: str,
    saved: Mapping[str, Any],
    run: RunInfo,
    at: tuple[int, int],
    resolved: Mapping[str, Any],
    estimate: int | None,
    now: int,
    within_epoch: bool = False,
    relative: bool = True,
    reloads: int = 0,
    jump: str = "",
) -> None:
    """Say how a fit resumed from a checkpoint ``saved`` with another number of steps per epoch is planned:
    for ``run``, whose epoch ``at[0]`` begins at step ``at[1]`` (a point of :attr:`RunInfo.resumed_at`; the
    points after it are a GradientAccumulationScheduler's), where Lightning's ``estimate`` would count
    every epoch at this fit's size; from step ``now`` on. ``within_epoch``: the checkpoint was written within
    an epoch, whose end tells. ``relative``: the schedule has durations given as Epochs or Fraction.
    ``reloads``: the fit's ``reload_dataloaders_every_n_epochs``; when > 0 the steps per epoch are Lightning's
    count of the loader it built before the restore, and the epoch's first batch checks them (review 69: the
    warning stated that count as the resumed epoch's). ``jump``: what the new plan did to the LR at ``now``
    (``RunPlanning._jump_said``; review 140: a 1cycle resumed on half the devices went from 0.193 to 0.127 and
    peaked again, unsaid)."""
    epoch, step = at
    told = (
        f" The checkpoint was written within an epoch: Lightning is expected to end it at step {step}; its end "
        f"tells, and the plan follows it."
        if within_epoch
        else ""
    )
    counted = (
        f" (Lightning's count of the train dataloader it loaded before the restore; it reloads that loader "
        f"{'every epoch' if reloads == 1 else f'every {reloads} epochs'}, so the plan is checked against the epoch's own size at its first batch)"
        if reloads > 0
        else ""
    )
    _compat.warn_at_user(
        f"{owner}: this fit resumes a checkpoint written with {V.counted(saved['steps_per_epoch'], 'step')} per epoch at "
        f"{run.steps_per_epoch}{counted}. Epoch {epoch} begins at step {step}, so the run takes "
        f"{V.counted(run.total_steps, 'optimizer step')} (Lightning estimates {estimate}); "
        + (
            f"durations given as Epochs count its epochs from there, Fraction ones its {V.counted(run.total_steps, 'step')}"
            f"{changes(saved['durations'], resolved)}. The schedule follows that plan from step {now} on."
            if relative
            else "the schedule's durations are in steps and stay as they are."
        )
        + told
        + jump,
        category=UserWarning,
    )


def warn_told(
    owner: str,
    run: RunInfo,
    guess: int,
    resolved: Mapping[str, Any],
    before: Mapping[str, Any],
    jump: str = "",
) -> None:
    """Say that the epoch a fit resumed in ended at another step than expected (``guess``), and how the run
    (``run``, its last point just told) is planned from there, with the ``jump`` that made in the LR."""
    epoch, step = run.resumed_at[-1]
    _compat.warn_at_user(
        f"{owner}: the epoch this fit resumed in ended at step {step}, not at step {guess} as expected, so epoch "
        f"{epoch} begins there and the run takes {V.counted(run.total_steps, 'optimizer step')}{changes(before, resolved)}. "
        f"The schedule follows that plan from step {step} on.{jump}",
        category=UserWarning,
    )


def _duration_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """``arg a -> b steps`` for each duration resolved ``before`` that ``after`` resolves otherwise."""
    return [
        f"{arg} {before[arg]} -> {V.counted(new, 'step')}"
        for arg, new in after.items()
        if before.get(arg) not in (None, new)
    ]


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """`` (arg a -> b steps; ...)`` for the durations that differ, or ""."""
    changed = _duration_changes(before, after)
    return f" ({'; '.join(changed)})" if changed else ""
