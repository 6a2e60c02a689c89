"""The momentum the LR range test holds while a schedule cycles it: the cycle's mean momentum.

A 1cycle or cyclical schedule (lightning_lr's ``OneCycle`` and ``Cyclic`` callbacks, or any ``ScheduleLR``
with a momentum schedule) sets the optimizer's momentum to the start of its cycle (0.95 by default) as
soon as it is built, so a range test that runs at the start of the fit would sweep, and confirm, at 0.95:
for SGD the effective step ``lr / (1 - momentum)`` is then twice that at 0.9, and the LR found is about
half. The schedule trains at momenta from 0.85 to 0.95; the LR it needs is matched to its *mean* LR
(:mod:`._bounds`), so the sweep and the candidates run at the momentum schedule's mean over its cycle
(0.90 for 1cycle's defaults, 0.95-0.85-0.95 over the run: 0.9031 over 16 steps, 0.9000 over 1000), on
purpose. ``benchmarks/range_test_momentum.py`` (``benchmarks/results/momentum.md``) measures it: the test
with ``OneCycle()`` attached on the suggestion benchmark's tasks with an SGD momentum or an Adam beta1
(3 seeds each), ``one_cycle_max_lr()`` against the grid-best max_lr of torch's ``OneCycleLR``. On the
tuning half (10 tasks) the mean was within 3x on 24/30 runs (median loss regret 1.00), the cycle's
LR-peak momentum (0.85) on 23/30 (1.05) and its start (0.95) on 22/30 (1.14); on the validation half
(7 tasks) on 21/21, 21/21 (worst regret 54x) and 18/21. Holding an optimizer's own momentum of 0.5
instead (its ``low`` policy) answers 2.6x the grid-best on SGD-momentum and Nesterov (median, tuning;
12/15 within 3x, median regret 2.00 against the mean's 1.00); Adam's beta1 barely moves the answer.

torch's own ``OneCycleLR`` and ``CyclicLR`` (``cycle_momentum=True``) set the momentum to their cycle's start
when built too (review 141: the sweep ran at 0.95 under torch's ``OneCycleLR``, and the peak the test applied
was half the one it applied under the drop-in, from the same model and seeds). Their momentum is no schedule
object to average, so it is read from the scheduler itself: its own ``get_lr`` evaluated at each step of the
run on copies of the groups (both classes write the step's momentum into the groups there), and averaged.

Each group whose momentum a schedule drives is held at the mean of its own schedule over the run's steps
(per-group ``base_momentum``/``max_momentum`` lists give each group its own); a group the schedule leaves
alone (frozen at LR 0, or left at momentum 0 by the callback) keeps its own momentum, as in the fit. The
snapshot restores the cycle's own momentum afterwards.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import warnings
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import lightning.pytorch as pl
import numpy as np
import torch

from ..optim import ScheduleLR
from ..optim._cycles import flat
from ._options import LROptions, SweepOptions

__all__ = ["HeldMomentum", "cycle_mean_momentum", "hold_cycle_momentum"]

#: the longest cycle whose mean is computed step by step (longer ones are sampled)
_MAX_POINTS = 1_000_000
#: the most steps of a torch scheduler's cycle evaluated one by one (its ``get_lr`` is Python per step; a longer
#: run is sampled at this many evenly spaced steps)
_MAX_TORCH_POINTS = 10_001


@dataclass(frozen=True, kw_only=True)
class HeldMomentum(LROptions):
    """:class:`LROptions` whose sweep (and candidates) hold each param group's momentum at its entry of
    ``momentum`` (None: the group's own)."""

    momentum: tuple[float | None, ...] = ()

    def group_momentums(self, t: int, n: int) -> list[float | None] | None:
        if len(self.momentum) != n:  # pragma: no cover - made for this optimizer's groups
            raise AssertionError(f"{len(self.momentum)} held momenta for {n} param groups")
        return list(self.momentum)


def _run_length(trainer: pl.Trainer, cfg: Any) -> int | None:
    """The fit's length in the scheduler's steps (optimizer steps, or epochs for an epoch-interval scheduler,
    over its frequency); None when the run has no known length."""
    try:
        n = trainer.max_epochs if cfg.interval == "epoch" else trainer.estimated_stepping_batches
    except Exception:  # a loader without a length, or no dataloader yet: the schedule's own length
        return None
    if not isinstance(n, (int, float)) or not math.isfinite(n) or n <= 0:
        return None
    return max(1, int(n) // max(1, int(cfg.frequency)))


def _mean(schedule: Any, run: int | None) -> float | None:
    """The schedule's mean over the run's ``run`` steps (review 57: over its own natural length, three
    cycles for ``Cyclic``, a decaying ``triangular2`` held 0.921 where the run's mean was 0.944), or over its
    natural length when the run has no known length."""
    n = (
        run
        if run is not None
        else (schedule.natural_length(None) if hasattr(schedule, "natural_length") else None)
    )
    if not isinstance(n, int) or n <= 0:
        return None
    if n <= _MAX_POINTS:
        return float(np.mean(schedule.values(n)))
    return float(np.mean([schedule(int(t)) for t in np.linspace(0, n - 1, 10_001)]))


def _torch_cycle_mean(
    scheduler: Any, optimizer: torch.optim.Optimizer, run: int | None
) -> tuple[float, ...] | None:
    """Each group's mean momentum (beta1 with ``use_beta1``) over the run of a torch ``OneCycleLR`` or
    ``CyclicLR`` that cycles it (``cycle_momentum=True``), or None for another scheduler.

    Read from the scheduler itself: a shallow copy of it evaluates its own ``get_lr`` at each step
    (``last_epoch``) on copies of the groups, which both classes write the step's momentum into; the optimizer
    and the scheduler are left as they were. The run is ``run`` steps (the cycle's own length, ``total_steps``
    or one cycle of ``CyclicLR``, when unknown); a ``OneCycleLR`` ends at its ``total_steps``, past which it
    refuses to step."""
    if not getattr(scheduler, "cycle_momentum", False) or not callable(getattr(scheduler, "get_lr", None)):
        return None
    beta1 = bool(getattr(scheduler, "use_beta1", False))
    total = getattr(scheduler, "total_steps", None) or getattr(scheduler, "total_size", None)
    if not isinstance(total, (int, float)) or not total > 0:
        return None
    n = int(total) if run is None else run
    if getattr(scheduler, "total_steps", None):
        n = min(n, int(scheduler.total_steps))
    groups = [dict(g) for g in optimizer.param_groups]  # (the params' lists shared, never written)
    proxy = copy.copy(scheduler)
    proxy.optimizer = SimpleNamespace(param_groups=groups)
    steps = (
        range(n) if n <= _MAX_TORCH_POINTS else np.linspace(0, n - 1, _MAX_TORCH_POINTS).round().astype(int)
    )
    sums = np.zeros(len(groups))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (torch's "get_lr() called outside step()")
        for t in steps:
            proxy.last_epoch = int(t)
            proxy.get_lr()
            sums += [float(g["betas"][0] if beta1 else g["momentum"]) for g in groups]
    return tuple(float(x) for x in sums / len(steps))


def _schedule_lr_mean(
    scheduler: ScheduleLR, optimizer: torch.optim.Optimizer, run: int | None
) -> tuple[float | None, ...] | None:
    """Each group's mean over ``run`` steps of the momentum schedule a ``ScheduleLR`` drives it with (None in the
    tuple: a group it leaves alone), or None when it drives no group's momentum."""
    # a group added since the scheduler last stepped (BaseFinetuning at an epoch start, before the test) takes its
    # reference's schedules now, as the next batch would have it (review 63: it trained through the test at its
    # own momentum)
    scheduler.adopt_added()
    schedules = list(scheduler.momentum_schedules)
    if len(schedules) != len(optimizer.param_groups) or all(m is None for m in schedules):
        return None
    means = tuple(None if m is None else _mean(m, run) for m in schedules)
    if any(mean is None for mean, m in zip(means, schedules, strict=True) if m is not None):
        return None
    return means


def cycle_mean_momentum(
    trainer: pl.Trainer, optimizer: torch.optim.Optimizer
) -> tuple[float | None, ...] | None:
    """Each param group's mean over the run of the momentum schedule that drives it (its own bounds: a
    callback's per-group ``base_momentum`` lists; torch's ``OneCycleLR`` and ``CyclicLR`` too), or None when no
    schedule drives any group's momentum. A group the schedule leaves alone, frozen (LR 0) or training (a
    callback leaves a group configured with momentum 0 at 0), keeps its own momentum: None in the tuple. Review
    57: a frozen group put the sweep at the cycle's start, 0.95; review 63: so did a group left at momentum 0,
    which the fit trains at 0 while the others cycle.

    A cycle inside a ``SequentialLR`` or ``ChainedScheduler`` (:func:`~lightning_lr.optim._cycles.flat`) is
    held at its mean over the run's steps from its own start (a ``SequentialLR`` phase before it is not counted:
    the cycle's mean, as the docs say) (review 142: behind a ``LinearLR`` that changed nothing, the sweep ran at
    the cycle's start, 0.95, and the answer was a third)."""
    for cfg in trainer.lr_scheduler_configs:
        run = _run_length(trainer, cfg)
        for scheduler in flat([cfg.scheduler]):
            if getattr(scheduler, "optimizer", None) is not optimizer:
                continue
            if isinstance(scheduler, ScheduleLR):
                means = _schedule_lr_mean(scheduler, optimizer, run)
            else:  # torch's own cycles (review 141)
                means = _torch_cycle_mean(scheduler, optimizer, run)
            if means is not None:
                return means
    return None


def hold_cycle_momentum(
    options: SweepOptions, trainer: pl.Trainer, optimizer: torch.optim.Optimizer
) -> SweepOptions:
    """``options`` as :class:`HeldMomentum` at the cycle's mean momentum when a schedule cycles it (an LR
    range test only), else ``options`` unchanged."""
    if type(options) is not LROptions:
        return options
    means = cycle_mean_momentum(trainer, optimizer)
    if means is None:
        return options
    values = {f.name: getattr(options, f.name) for f in dataclasses.fields(LROptions)}
    return HeldMomentum(**values, momentum=means)
