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
from typing import Any

import lightning.pytorch as pl
from lightning.pytorch.utilities import rank_zero_warn

from .. import _lightning_compat as _compat
from .durations import Epochs, Fraction, RunInfo

__all__ = [
    "per_batch",
    "resolve",
    "run_info",
    "steps",
    "warn_if_beyond_run",
    "warn_if_changed",
    "warn_if_ends_early",
]

Durations = Mapping[str, tuple[Any, int]]


def resolve(
    trainer: pl.Trainer, owner: str, durations: Durations, steps_per_batch: int = 1
) -> tuple[RunInfo, dict[str, Any]]:
    """The run of ``trainer`` and ``durations`` in optimizer steps for it, counted in the steps of an
    optimizer that steps ``steps_per_batch`` times per stepping batch (manual optimization)."""
    run = run_info(trainer, _needs_epochs(durations))
    if steps_per_batch != 1:
        run = RunInfo(
            total_steps=None if run.total_steps is None else run.total_steps * steps_per_batch,
            steps_per_epoch=None if run.steps_per_epoch is None else run.steps_per_epoch * steps_per_batch,
        )
    return run, steps(owner, durations, run)


def per_batch(counts: Sequence[int]) -> int | None:
    """The steps per batch of the targeted optimizers, counted over their first batch: the common count, or
    None when they differ (or none stepped)."""
    seen = {c for c in counts if c > 0}
    return seen.pop() if len(seen) == 1 else None


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


def warn_if_beyond_run(
    owner: str,
    durations: Durations,
    resolved: Mapping[str, Any],
    run: RunInfo,
    warn_once: Callable[[str, str], None],
) -> None:
    """Warn once per argument whose duration lies past the end of the run: a ``total`` or a period longer
    than the run is cut off by its end, a milestone after it never takes effect. ``Fraction`` values above
    1 already warned when they were made."""
    n = run.total_steps
    if n is None:
        return
    for arg, (value, _) in durations.items():
        steps_ = resolved.get(arg)
        if isinstance(value, (list, tuple)) and isinstance(steps_, list):
            late = [
                f"{arg}[{i}]={v!r} (step {s})"
                for i, (v, s) in enumerate(zip(value, steps_, strict=True))
                if s > n and not isinstance(v, Fraction)
            ]
            if late:
                warn_once(
                    f"beyond-run-{arg}",
                    f"{owner}: {', '.join(late)} lies past the end of the run ({n} optimizer steps), so it never "
                    f"takes effect; give steps within the run, Epochs(n) or Fraction(f)",
                )
        elif isinstance(steps_, int) and steps_ > n and not isinstance(value, Fraction):
            warn_once(
                f"beyond-run-{arg}",
                f"{owner}: {arg}={value!r} is {steps_} optimizer steps, but the run has {n}: the run ends at step "
                f"{n} of it and the schedule is cut off there; give a duration within the run (steps, "
                f"Epochs(n) or Fraction(f), e.g. Fraction(1.0) for the whole run)",
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
