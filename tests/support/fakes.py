"""Stand-ins: the range test as schedule callbacks see it (a fixed result, handed over when chosen), and an
optimizer whose param groups have no ``lr``."""

from __future__ import annotations

from typing import Any

import lightning.pytorch as pl
import torch
from lightning.pytorch.callbacks import Callback


class FakeRangeTest:
    """Stands in for the range test's result object (what the schedule callbacks read of it)."""

    def __init__(
        self,
        max_lr: float | None = 0.05,
        bounds: tuple[float, float] | None = (0.01, 0.2),
        suggestion: float | None = 0.03,
    ) -> None:
        self._max_lr, self._bounds, self._suggestion = max_lr, bounds, suggestion
        self.shapes: list[dict[str, Any]] = []  # the shape arguments each one_cycle_max_lr call passed

    def one_cycle_max_lr(self, **shape: Any) -> float | None:
        self.shapes.append(shape)
        return self._max_lr

    def cyclic_bounds(self) -> tuple[float, float] | None:
        return self._bounds

    def suggestion(self) -> float | None:
        return self._suggestion


class ApplyAt(Callback):
    """Calls ``apply_range_test(result)`` on every callback that has it: at fit start (after
    configure_optimizers, like LRRangeTest) or after the batch ``at_batch``."""

    def __init__(self, result: Any, at_batch: int | None = None) -> None:
        self.result, self.at_batch = result, at_batch

    def _apply(self, trainer: pl.Trainer) -> None:
        for cb in trainer.callbacks:
            if cb is not self and hasattr(cb, "apply_range_test"):
                cb.apply_range_test(self.result)

    def on_fit_start(self, trainer: pl.Trainer, pl_module: Any) -> None:
        if self.at_batch is None:
            self._apply(trainer)

    def on_train_batch_end(self, trainer: pl.Trainer, pl_module: Any, *args: Any) -> None:
        if self.at_batch is not None and trainer.global_step == self.at_batch + 1:
            self._apply(trainer)


class AnnouncedApplyAt(ApplyAt):
    """:class:`ApplyAt` that also says, as LRRangeTest does (``fills_lr_at``), at which epoch's start it fills
    the schedule callbacks' arguments: ``epoch`` (0: before the first step). ``applies=False``: it says so but
    never applies anything (a test that did not run)."""

    def __init__(self, result: Any, epoch: int = 0, applies: bool = True) -> None:
        super().__init__(result)
        self.epoch, self.applies = epoch, applies

    def fills_lr_at(self, trainer: pl.Trainer) -> int | None:
        return self.epoch

    def on_fit_start(self, trainer: pl.Trainer, pl_module: Any) -> None:
        if self.applies and self.epoch == 0:
            self._apply(trainer)

    def on_train_epoch_start(self, trainer: pl.Trainer, pl_module: Any) -> None:
        if self.applies and self.epoch > 0 and trainer.current_epoch == self.epoch:
            self._apply(trainer)


class StopAt(Callback):
    """Sets ``trainer.should_stop`` after the optimizer step that brings the trainer to ``step``, as EarlyStopping,
    ``max_time`` or a signal handler stops a fit within an epoch."""

    def __init__(self, step: int) -> None:
        self.step = step

    def on_train_batch_end(
        self, trainer: pl.Trainer, pl_module: Any, outputs: Any, batch: Any, batch_idx: int
    ) -> None:
        if trainer.global_step == self.step:
            trainer.should_stop = True


class NoLR(torch.optim.Optimizer):
    """A custom optimizer whose defaults have no ``lr``, so neither have its param groups unless given one."""

    def __init__(self, params: Any) -> None:
        super().__init__(params, {"foo": 1})

    def step(self, closure: Any = None) -> Any:
        return None if closure is None else closure()
