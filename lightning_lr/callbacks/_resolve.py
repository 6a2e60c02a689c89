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
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction as Ratio
from typing import Any

import lightning.pytorch as pl
from lightning.pytorch.utilities import rank_zero_warn

from .. import _lightning_compat as _compat
from .durations import Epochs, Fraction, RunInfo

__all__ = [
    "EVENT",
    "SPAN",
    "UNIT",
    "StepRate",
    "describe_rate",
    "rate_from_state",
    "rate_to_state",
    "resolve",
    "run_info",
    "steps",
    "warn_if_beyond_run",
    "warn_if_changed",
    "warn_if_ends_early",
    "warn_if_time_limited",
]

Durations = Mapping[str, tuple[Any, int]]


def resolve(
    trainer: pl.Trainer, owner: str, durations: Durations, steps_per_batch: Ratio | int = 1
) -> tuple[RunInfo, dict[str, Any]]:
    """The run of ``trainer`` and ``durations`` in optimizer steps for it, counted in the steps of an
    optimizer that steps ``steps_per_batch`` times per stepping batch (manual optimization; a fraction when
    it steps once every few batches, as a hand-written gradient accumulation does)."""
    run = run_info(trainer, _needs_epochs(durations))
    if steps_per_batch != 1:
        run = RunInfo(
            total_steps=_times(run.total_steps, steps_per_batch),
            steps_per_epoch=_times(run.steps_per_epoch, steps_per_batch),
        )
    return run, steps(owner, durations, run)


def _times(batches: int | None, rate: Ratio | int) -> int | None:
    """The optimizer steps of ``batches`` batches at ``rate`` steps per batch (at least 1)."""
    return None if batches is None else max(1, math.floor(batches * Ratio(rate)))


class StepRate:
    """How many times the scheduled optimizers step per batch under manual optimization, told from the
    counts of their steps after each batch of the first epoch (:meth:`observe`).

    A batch in which they step k > 1 times each (a critic) decides at once: k. When they step once, the
    next batch in which they step again decides: one step per batch if that is the next batch, else one
    per that many batches (a gradient accumulation written by hand). Timing the second step, not the
    first, keeps a first batch that only accumulates from halving the rate of an optimizer that then steps
    every batch. An epoch that ends with a single step decides one per the epoch's batches.
    """

    WAIT = "wait"  # not decided yet
    DIFFER = "differ"  # the optimizers step at different rates: count in batches

    def __init__(self) -> None:
        self.first: tuple[int, list[int]] | None = None  # batches seen and counts at the first step

    def observe(self, batches: int, counts: Sequence[int], epoch_end: bool = False) -> Ratio | str:
        """The rate once it can be told from ``counts`` (steps of each optimizer after ``batches`` batches),
        else :attr:`WAIT`; :attr:`DIFFER` when the optimizers that stepped did so at different rates."""
        counts = list(counts)
        if self.first is None:
            if not any(counts):
                return self.WAIT
            self.first = (batches, counts)
            seen = {c for c in counts if c > 0}
            if len(seen) > 1:
                return self.DIFFER
            k = seen.pop()
            if k > 1:
                return Ratio(k)
            if not epoch_end:
                return self.WAIT
            return Ratio(1, batches)  # the epoch's only step
        before, at_first = self.first
        grown = {c - a for c, a in zip(counts, at_first, strict=True) if a > 0 or c > 0}
        if grown == {0}:
            return Ratio(max(at_first), batches) if epoch_end else self.WAIT
        if len(grown) > 1:
            return self.DIFFER
        return Ratio(grown.pop(), batches - before)


def describe_rate(rate: Ratio | int) -> str:
    """``2 times per batch``, ``once every 2 batches``, ``3 times every 4 batches``."""
    rate = Ratio(rate)
    if rate.denominator == 1:
        return f"{rate.numerator} times per batch"
    if rate.numerator == 1:
        return f"once every {rate.denominator} batches"
    return f"{rate.numerator} times every {rate.denominator} batches"


def rate_to_state(rate: Ratio | int) -> int | list[int]:
    """A rate as checkpoint state: an int, or ``[numerator, denominator]`` (exact, and plain data)."""
    rate = Ratio(rate)
    return rate.numerator if rate.denominator == 1 else [rate.numerator, rate.denominator]


def rate_from_state(value: Any) -> Ratio:
    """The rate :func:`rate_to_state` wrote (a checkpoint without one reads as 1)."""
    if isinstance(value, (list, tuple)):
        return Ratio(int(value[0]), int(value[1]))
    return Ratio(int(value))


def warn_if_ends_early(
    owner: str, resolved: Mapping[str, Any], run: RunInfo, warn_once: Callable[[str, str], None]
) -> None:
    """Warn once when the schedule's ``total`` ends before the run does: from there on its final value holds."""
    end = resolved.get("total")
    if isinstance(end, int) and run.total_steps is not None and end < run.total_steps:
        warn_once(
            "ends-early",
            f"{owner}: the schedule ends at step {end}, but the run has {run.total_steps} optimizer steps; from "
            f"step {end} on the LR stays at the schedule's final value (give total=Fraction(1.0), or a longer "
            f"total, to span the run)",
        )


def warn_if_time_limited(
    owner: str, durations: Durations, run: RunInfo, limit: float | None, warn_once: Callable[[str, str], None]
) -> None:
    """Warn once when a time limit (``Trainer(max_time=...)``) may stop the run before the steps that
    ``Epochs``/``Fraction`` durations were planned for: the schedule does not shrink to fit the time."""
    if limit is None or run.total_steps is None:
        return
    relative = [arg for arg, (value, _) in durations.items() if _is_relative(value)]
    if not relative:
        return
    warn_once(
        "time-limit",
        f"{owner}: Trainer(max_time=...) allows the run {limit:g} s, and may stop it before the "
        f"{run.total_steps} optimizer steps that {', '.join(relative)} {'is' if len(relative) == 1 else 'are'} "
        f"planned for (from max_epochs/max_steps); the schedule does not shrink to fit the time, so if the "
        f"time runs out first the LR stops where the schedule is then (in its warm-up, before its decay). "
        f"Set max_steps or max_epochs to what fits in the time to plan the schedule for it.",
    )


def _is_relative(value: Any) -> bool:
    """A duration given as Epochs or Fraction (or a list holding one): planned from the run's length."""
    values = value if isinstance(value, (list, tuple)) else [value]
    return any(isinstance(v, (Epochs, Fraction)) for v in values)


#: what a duration argument times, for :func:`warn_if_beyond_run`: a length (``total``, a warm-up, half a
#: cycle: past the end of the run it is cut off), a step at which something happens (a milestone, the
#: period of a step decay: at or past the end it never happens), or a unit of time (a continuous decay's
#: ``every``: any value is meaningful)
SPAN, EVENT, UNIT = "span", "event", "unit"


def warn_if_beyond_run(
    owner: str,
    durations: Durations,
    resolved: Mapping[str, Any],
    run: RunInfo,
    kinds: Mapping[str, str],
    warn_once: Callable[[str, str], None],
) -> None:
    """Warn once per argument whose duration does not fit in the run (``kinds`` says what each times; an
    argument not in it is a :data:`SPAN`). ``Fraction`` values above 1 already warned when they were
    made."""
    n = run.total_steps
    if n is None:
        return
    for arg, (value, _) in durations.items():
        kind = kinds.get(arg, SPAN)
        steps_ = resolved.get(arg)
        if kind == UNIT or steps_ is None:
            continue
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        counts = list(steps_) if isinstance(steps_, list) else [steps_]
        names = [f"{arg}[{i}]" for i in range(len(values))] if isinstance(value, (list, tuple)) else [arg]
        late = [
            f"{name}={v!r} (step {s})" if kind == EVENT else f"{name}={v!r} ({s} optimizer steps)"
            for name, v, s in zip(names, values, counts, strict=True)
            if not isinstance(v, Fraction) and (s >= n if kind == EVENT else s > n)
        ]
        if not late:
            continue
        if kind == EVENT:
            what = (
                f"lies at or past the end of the run ({n} optimizer steps: the last is step {n - 1}), so it "
                f"never takes effect"
            )
        else:
            what = (
                f"is longer than the run ({n} optimizer steps), so the schedule is cut off where the run ends"
            )
        warn_once(
            f"beyond-run-{arg}",
            f"{owner}: {', '.join(late)} {what}; give a duration within the run (steps, Epochs(n) or "
            f"Fraction(f), e.g. Fraction(1.0) for the whole run)",
        )


def run_info(trainer: pl.Trainer, needs_epochs: bool) -> RunInfo:
    """The run's total optimizer steps and steps per epoch, as Lightning counts them (None if unknown).
    With ``needs_epochs``, the train dataloader is set up if it is not yet, to know its length."""
    total = trainer.estimated_stepping_batches
    total_steps = int(total) if math.isfinite(total) and total > 0 else None
    batches = trainer.num_training_batches
    if needs_epochs and not math.isfinite(batches) and trainer.train_dataloader is None:
        _compat.setup_train_data(trainer)  # what estimated_stepping_batches does when max_epochs is set
        batches = trainer.num_training_batches
    steps_per_epoch = None
    if math.isfinite(batches) and batches > 0:
        steps_per_epoch = math.ceil(batches / trainer.accumulate_grad_batches)
    return RunInfo(total_steps=total_steps, steps_per_epoch=steps_per_epoch)


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


def warn_if_changed(owner: str, saved: Mapping[str, Any], run: RunInfo, resolved: Mapping[str, Any]) -> None:
    """Warn once, listing what differs, if ``run`` and the durations ``resolved`` for it differ from those a
    checkpoint ``saved`` (its ``total_steps``, ``steps_per_epoch`` and ``durations``)."""
    changes = []
    for key, new in (("total_steps", run.total_steps), ("steps_per_epoch", run.steps_per_epoch)):
        if saved[key] is not None and saved[key] != new:
            changes.append(f"{key} {saved[key]} -> {new}")
    for arg, new in resolved.items():
        old = saved["durations"].get(arg)
        if old is not None and old != new:
            changes.append(f"{arg} {old} -> {new} steps")
    if changes:
        rank_zero_warn(
            f"{owner}: the run differs from the checkpoint's ({'; '.join(changes)}). Durations given "
            f"as Epochs or Fraction follow the new run: the schedule continues from the checkpoint's step "
            f"as if it had been planned for this run, so the LR may jump there.",
            category=UserWarning,
        )
