"""What other callbacks and code do to the optimizers a schedule callback drives, said once each.

Lightning's ``StochasticWeightAveraging`` takes our scheduler out of the trainer's at ``swa_epoch_start``
(and clears the schedulers when it resumes a checkpoint written in its phase): from there the LR is
SWALR's (:func:`displaced`, :func:`warn_displaced`). Lightning's ``LearningRateFinder`` callback writes its
suggestion into the optimizers after ``configure_optimizers`` built our schedule, which overwrites it at the
next step (:func:`warn_overwritten`). Lightning's ``BackboneFinetuning`` writes the LR of the group it adds at
every epoch start, from its own last value (:func:`warn_backbone_finetuning`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..optim import param_groups as pg
from ._inject import Injected

__all__ = ["displaced", "driving", "warn_backbone_finetuning", "warn_displaced", "warn_overwritten"]


def displaced(configs: Sequence[Any], entries: Sequence[Injected]) -> list[tuple[Injected, str | None]]:
    """The ``entries`` whose scheduler is no longer among the trainer's scheduler ``configs`` (another callback
    took it out: StochasticWeightAveraging swaps in its SWALR at ``swa_epoch_start``, and clears the
    schedulers when it resumes a checkpoint written in its phase), each with the class name of the scheduler
    that now drives its optimizer (None: none)."""
    live = {id(c.scheduler) for c in configs}
    out = []
    for entry in entries:
        if id(entry.scheduler) in live:
            continue
        drivers = (c.scheduler for c in configs if getattr(c.scheduler, "optimizer", None) is entry.optimizer)
        out.append((entry, next((type(d).__name__ for d in drivers), None)))
    return out


def driving(configs: Sequence[Any], entries: Sequence[Injected]) -> list[Injected]:
    """The ``entries`` whose scheduler is still among the trainer's scheduler ``configs`` (not
    :func:`displaced`)."""
    gone = {id(e.scheduler) for e, _ in displaced(configs, entries)}
    return [e for e in entries if id(e.scheduler) not in gone]


def warn_displaced(
    owner: str, trainer: Any, entries: Sequence[Injected], warn_once: Callable[[str, str], None]
) -> None:
    """Say once per optimizer that its scheduler was taken out of the trainer's (:func:`displaced`): from
    there its LR (and momentum) are not ``owner``'s schedule's, though the preview still draws that plan."""
    for entry, driver in displaced(trainer.lr_scheduler_configs, entries):
        group = entry.optimizer.param_groups[0]
        cycled = any(m is not None for m in entry.scheduler.momentum_schedules)
        momentum = pg.momentum(group) if cycled else None
        now = f"a {driver} drives that optimizer now" if driver else "no scheduler drives that optimizer now"
        held = "" if momentum is None else f", and its momentum stays at {momentum:.3g}"
        warn_once(
            f"displaced-{entry.info.label}",
            f"{owner}: its scheduler for {entry.info.label} is no longer among the trainer's schedulers at "
            f"epoch {trainer.current_epoch} (step {trainer.global_step}): another callback took it out "
            f"(StochasticWeightAveraging swaps in its SWALR at swa_epoch_start) and {now}. From here the LR "
            f"of that optimizer does not follow {owner} (it is {pg.lr(group):.3g} now){held}; the preview "
            f"and planned() still show {owner}'s plan.",
        )


def warn_overwritten(
    owner: str, trainer: Any, entries: Sequence[Injected], warn_once: Callable[[str, str], None]
) -> None:
    """At the start of a fit from step 0 (after every callback's ``on_fit_start``): say once if a group's LR is
    not what ``owner``'s schedule set, because something wrote it since; the schedule overwrites it at the
    next step. (A resumed fit's optimizers hold the checkpoint's LRs, which the resume itself reconciles:
    ``_state.resumed``.)"""
    if trainer.global_step != 0:
        return
    for entry in driving(trainer.lr_scheduler_configs, entries):
        changed = entry.scheduler.overwritten()
        if not changed:
            continue
        i, (now, mine) = next(iter(changed.items()))
        group = (
            f"param group {i} of {entry.info.label}"
            if len(entry.optimizer.param_groups) > 1
            else entry.info.label
        )
        warn_once(
            f"overwritten-{entry.info.label}",
            f"{owner}: the LR of {group} is {now:.4g} at the start of training, not the {mine:.4g} its schedule "
            f"set: something wrote it after configure_optimizers built the schedule (Lightning's "
            f"LearningRateFinder callback writes its suggestion there), and the schedule overwrites it at the "
            f"next step. To train with a range test's LR, use lightning_lr's LRRangeTest callback or Tuner "
            f"(their answer reaches the schedule), or Lightning's Tuner.lr_find before fit; to set the LR "
            f"yourself, give it to {owner}.",
        )


def warn_backbone_finetuning(owner: str, trainer: Any, warn_once: Callable[[str, str], None]) -> None:
    """Say once that a ``BackboneFinetuning`` among the trainer's callbacks sets the backbone group's LR
    itself, at every epoch start after the unfreeze, from its own last value (times ``lambda_func``, capped at
    group 0's LR with ``should_align``), unaware of the schedule. The schedule takes each such write as the
    group's new ratio to the group it follows (as any owner's change of an added group's LR), so where the
    schedule moves group 0's LR the backbone's ratio is not the ramp BackboneFinetuning means, and a range
    test's answer reaches the group only until its next write (review 114: 0.1 -> 0.22 -> 1.0 under a
    OneCycle, where BackboneFinetuning alone gives 0.1 -> 0.15 -> 0.225). Not said of a subclass with its own
    ``finetune_function``, which may write no LR."""
    from lightning.pytorch.callbacks import BackboneFinetuning

    # (a subclass with its own finetune_function may write no LR after the unfreeze: review 116)
    found = [
        type(c).__name__
        for c in trainer.callbacks
        if isinstance(c, BackboneFinetuning)
        and type(c).finetune_function is BackboneFinetuning.finetune_function
    ]
    if not found:
        return
    warn_once(
        "backbone-finetuning",
        f"{owner}: {found[0]} sets the LR of the backbone group it adds at every epoch start after the "
        f"unfreeze, from its own last value (times lambda_func, capped at param group 0's LR), without "
        f"knowing {owner}'s schedule; {owner} takes each such write as the group's new ratio to param group "
        f"0, so while the schedule moves group 0's LR the backbone's ratio is not the ramp {found[0]} means, "
        f"and a range test's answer reaches the backbone only until the next write. For a backbone that "
        f"follows the schedule at a fixed ratio, unfreeze with a BaseFinetuning subclass whose "
        f"finetune_function calls unfreeze_and_add_param_group(..., initial_denom_lr=10) once and writes no "
        f"LR after it (docs/callbacks.md, 'Param groups added during the run').",
    )
