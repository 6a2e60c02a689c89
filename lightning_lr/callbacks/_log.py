"""Per-step logging of a schedule callback's LR and momentum, under LearningRateMonitor's tags.

It logs every param group of the callback's optimizers, and checks that a schedule stepped under manual
optimization moves.

One :class:`StepLogging` lives for one fit, from train start. Every optimizer step (subject to
``log_every_n_steps``) it writes exact Python floats to every logger, at the step Lightning logs its own
metrics at (``Logger.log_metrics`` as LearningRateMonitor does; ``self.log`` under manual optimization).
If a LearningRateMonitor is attached it writes the LR (and the momentum if its ``log_momentum=True``) and
this writes only the rest, so no value is written twice.

Optimizers that adapt their own step size (Prodigy, D-Adaptation) keep ``lr`` (often 1.0) and move a
``d`` entry of their param groups: the effective LR ``d * lr`` is written beside the LR tag as
``<tag>-effective``, also when a LearningRateMonitor owns the LR tag. A callback may add values of its own
(``extra``), for schedulers it owns or only scales (``attached``: their LR is another callback's to log).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import lightning.pytorch as pl
import torch
from torch.optim import Optimizer

from .. import _lightning_compat as L
from .. import _validate as V
from .._lightning_compat import LearningRateMonitor
from ..optim import param_groups as pg
from ..optim._hooks import runs_step_hooks
from ._inject import Injected
from ._names import lr_monitor_names

__all__ = ["StepLogging"]


#: ``extra(entry, tags)``: more values to log for an injected scheduler, by tag
Extra = Callable[[Injected, Sequence[str]], dict[str, float]]


@dataclass
class _Tracked:
    entry: Injected
    tags: list[str] | None
    own: bool = True  # the callback's own scheduler: its LR and momentum are logged here
    steps_seen: int = 0  # optimizer steps counted under manual optimization, in the fit's training batches
    steps_outside: int = 0  # ... outside them (not a range test's): the module's on_train_epoch_end, say
    hook: Any = None


class StepLogging:
    """Logs the values of the schedulers a callback injected, for one fit.

    Args:
        owner: the callback's name, for messages.
        enabled: the callback's ``log_lr``.
        trainer: the trainer of the fit, at train start.
        pl_module: its module.
        entries: the injected schedulers.
        attached: schedulers of other callbacks this one only adds values to (through ``extra``).
        extra: more values to log for each scheduler, ``extra(entry, tags) -> {tag: value}``.
    """

    def __init__(
        self,
        owner: str,
        enabled: bool,
        trainer: pl.Trainer,
        pl_module: pl.LightningModule,
        entries: Sequence[Injected],
        attached: Sequence[Injected] = (),
        extra: Extra | None = None,
    ) -> None:
        self.owner = owner
        self.enabled = enabled
        self.extra = extra
        names = lr_monitor_names(trainer.lr_scheduler_configs, trainer.optimizers)
        self.tracked = [_Tracked(entry, names.get(id(entry.optimizer))) for entry in entries]
        self.tracked += [_Tracked(entry, names.get(id(entry.optimizer)), own=False) for entry in attached]
        if enabled and trainer.loggers:
            for t in self.tracked:
                _check_distinct(owner, t)
        # a LearningRateMonitor (at any interval) owns the LR tags; the momentum ones if it logs momentum
        monitors = [cb for cb in getattr(trainer, "callbacks", []) if isinstance(cb, LearningRateMonitor)]
        self.log_lr = enabled and not monitors
        self.log_momentum = enabled and not any(m.log_momentum for m in monitors)
        # the steps counted are those of the fit's own batches: a range test's sweep in on_train_start or at
        # an epoch's start steps the same optimizer, and is not the run's rate
        self.in_batch = False
        self.trainer = trainer
        if not pl_module.automatic_optimization:
            for t in self.tracked:
                if t.own:
                    # (a wrapper optimizer whose step torch has not wrapped yet is, as its zero_grad would)
                    runs_step_hooks(t.entry.optimizer)
                    t.hook = t.entry.optimizer.register_step_post_hook(_counter(t, self))

    def steps_seen(self) -> list[int]:
        """Optimizer steps counted so far in the fit's training batches (under manual optimization), for each
        scheduler it owns."""
        return [t.steps_seen for t in self.tracked if t.own]

    def tags(self) -> list[list[str] | None]:
        """The tag of every param group of each injected scheduler, in order (None where unknown)."""
        return [t.tags for t in self.tracked]

    def before_optimizer_step(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, optimizer: Any
    ) -> None:
        """Log the values of ``optimizer``'s param groups, if one of ours, on the steps Lightning logs."""
        if not (self.enabled and trainer.loggers):
            return
        optimizer = getattr(optimizer, "_optimizer", optimizer)
        every = cast(Any, trainer).log_every_n_steps  # set by Lightning's logger connector, untyped
        for t in self.tracked:
            if t.entry.optimizer is not optimizer or t.tags is None or not every:
                continue
            if len(t.tags) != len(optimizer.param_groups):
                # a param group was added (BaseFinetuning): LearningRateMonitor renames the groups too
                t.tags = lr_monitor_names(trainer.lr_scheduler_configs, trainer.optimizers).get(id(optimizer))
                if t.tags is None:
                    continue
            values = self.values(t)
            if not values:
                continue
            if not pl_module.automatic_optimization:
                # Lightning counts logging steps in batches here: let it place and gate the values
                for tag, value in values.items():
                    pl_module.log(tag, _exact(value), on_step=True, on_epoch=False, logger=True)
                continue
            # Automatic optimization: the scheduler's step is the count of stepping batches that Lightning
            # logs against and gates on, so write directly like LearningRateMonitor (self.log costs ~0.4 ms
            # a value), on the steps Lightning writes.
            step = t.entry.scheduler.last_epoch
            if (step + 1) % every == 0 or trainer.should_stop:
                for logger in trainer.loggers:
                    logger.log_metrics(values, step=step)

    def values(self, tracked: _Tracked) -> dict[str, float]:
        """LR, momentum and effective LR of every param group of a scheduler's optimizer (if it is the
        callback's own), and the callback's extra values, by tag."""
        out: dict[str, float] = {}
        tags = tracked.tags
        assert tags is not None
        if tracked.own:
            optimizer: Optimizer = tracked.entry.optimizer
            for group, tag in zip(optimizer.param_groups, tags, strict=True):
                if self.log_lr:
                    out[tag] = pg.lr(group)
                momentum = pg.momentum(group)
                if self.log_momentum and momentum is not None:
                    out[f"{tag}-momentum"] = momentum
                d = _number(group.get("d"))
                if d is not None:
                    out[f"{tag}-effective"] = d * pg.lr(group)
        if self.extra is not None:
            out.update(self.extra(tracked.entry, tags))
        return out

    def stepped_outside(self) -> bool:
        """Whether a scheduled optimizer stepped outside the fit's training batches (:meth:`check_manual`)."""
        return any(t.steps_outside for t in self.tracked if t.own)

    def check_manual(self, warn_once: Callable[[str, str], None]) -> None:
        """Under manual optimization: warn once per optimizer that stepped while its schedule did not, and once
        per optimizer that stepped outside the training batches, whose steps the plan does not count."""
        for t in self.tracked:
            entry = t.entry
            if t.own and t.steps_outside:
                # r162: a full-batch fit stepping in on_train_epoch_end was told it "did not step in 8 batches",
                # planned in batches (32 steps for 4), and its LRs were never logged
                warn_once(
                    f"manual-outside-{entry.info.index}",
                    f"{self.owner}: {entry.info.label} has stepped outside the fit's training batches "
                    f"({V.counted(t.steps_outside, 'time')} so far: in the module's on_train_batch_end or on_train_epoch_end, which Lightning "
                    f"calls after the callbacks' hooks). Under manual optimization the schedule tells how often the "
                    f"optimizer steps from the steps taken within the batches (training_step and the hooks before "
                    f"it), and logs the LR of those only: step the optimizer in training_step, or give every "
                    f"duration in optimizer steps (an int; total=... for a schedule over the run) so that the plan "
                    f"does not depend on it.",
                )
            if t.own and t.steps_seen > 0 and entry.scheduler.last_epoch == 0:
                warn_once(
                    f"manual-{entry.info.index}",
                    f"{self.owner}: {entry.info.label} has stepped {V.counted(t.steps_seen, 'time')} but its schedule "
                    f"has not moved. Under manual optimization Lightning does not step LR schedulers: call "
                    f"`.step()` on the scheduler from `self.lr_schedulers()` after each `opt.step()`.",
                )

    def close(self) -> None:
        """Remove the step counters from the optimizers."""
        for t in self.tracked:
            if t.hook is not None:
                t.hook.remove()


def _check_distinct(owner: str, tracked: _Tracked) -> None:
    """Refuse param groups of one optimizer whose tags are the same (two groups named ``"x"``; a group named
    ``"pg2"`` beside an unnamed second group): one tag would hold the values of both, the last written (r162:
    group 0's LR was never logged, without a word). LearningRateMonitor refuses the first case too."""
    tags = tracked.tags or []
    same = sorted({tag for tag in tags if tags.count(tag) > 1})
    if not same:
        return
    groups = {tag: [i for i, t in enumerate(tags) if t == tag] for tag in same}
    said = "; ".join(f"{tag!r}: param groups {g}" for tag, g in groups.items())
    raise ValueError(
        f"{owner}: {tracked.entry.info.label}'s param groups would be logged under the same tag ({said}), so one "
        f"would hide the other's LR: give them distinct 'name's in configure_optimizers (a group without one is "
        f"logged as pg<its number from 1>), or pass log_lr=False"
    )


def _counter(tracked: _Tracked, logging: StepLogging) -> Any:
    def count(optimizer: Any, args: Any, kwargs: Any) -> None:
        if logging.in_batch:
            tracked.steps_seen += 1
        elif not L.set_aside(logging.trainer):  # (a range test's sweep is not the run's)
            tracked.steps_outside += 1

    return count


def _number(value: Any) -> float | None:
    """A param group's numeric entry (a float or a one-element tensor) as a float, else None."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value.item())
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    return None


def _exact(value: float) -> torch.Tensor:
    """A Python float as a float64 tensor, so ``self.log`` does not round it to float32."""
    return torch.tensor(value, dtype=torch.float64)
