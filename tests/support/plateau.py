"""The ReduceOnPlateau oracle: a module logging a scripted metric, torch's rule run on the same values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch.optim.lr_scheduler import ReduceLROnPlateau
from torch.utils.data import DataLoader

from support.models import Tiny, dataset

#: 8 samples in batches of 4: two optimizer steps per epoch
N, STEPS_PER_EPOCH = 8, 2
#: a metric that improves, then stalls twice
FLAT = [1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25]


class Scripted(Tiny):
    """Logs ``values[k]`` as ``"val"`` in validation (``where="val"``) or as ``"train_metric"`` once per
    training epoch: from ``training_step`` (``where="train"``) or from the module's own
    ``on_train_epoch_end`` (``where="epoch_end"``). ``k`` is the epoch, or with ``by_run`` the count of
    validation runs so far (several per epoch with ``val_check_interval``); ``offsets[rank]`` is added on
    each rank. A value None is not logged (that epoch or run logs nothing)."""

    def __init__(
        self,
        values: Sequence[float | None],
        where: str = "val",
        by_run: bool = False,
        offsets: Sequence[Sequence[float]] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("n", N)
        super().__init__(**kwargs)
        self.values, self.where, self.by_run, self.offsets = list(values), where, by_run, offsets
        self.runs = 0

    def value(self, k: int) -> float | None:
        v = self.values[k]
        if v is not None and self.offsets is not None:
            v += self.offsets[self.global_rank][k]
        return v

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        loss = super().training_step(batch, batch_idx)
        if self.where == "train" and (v := self.value(self.current_epoch)) is not None:
            self.log("train_metric", v, on_step=False, on_epoch=True)
        return loss

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        if (
            self.where == "val"
            and (v := self.value(self.runs if self.by_run else self.current_epoch)) is not None
        ):
            self.log("val", v)

    def on_validation_epoch_end(self) -> None:
        if not self.trainer.sanity_checking:
            self.runs += 1

    def val_dataloader(self) -> DataLoader:
        return DataLoader(dataset(4), batch_size=4)


class AtEpochEnd(Scripted):
    """Logs ``"train_metric"`` in its own ``on_train_epoch_end`` (which Lightning calls after the callbacks')."""

    def on_train_epoch_end(self) -> None:
        if (v := self.value(self.current_epoch)) is not None:
            self.log("train_metric", v)


def scripted(values: Sequence[float], where: str = "val", **kwargs: Any) -> Scripted:
    """A :class:`Scripted` module, or with ``where="epoch_end"`` an :class:`AtEpochEnd` (only that one has
    its own ``on_train_epoch_end``)."""
    return (AtEpochEnd if where == "epoch_end" else Scripted)(values, where=where, **kwargs)


class Unlogged(Scripted):
    """Validates, but logs nothing the callback could monitor."""

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        self.log("val_other", 1.0)


def as_logged(values: Sequence[float | None]) -> list[float | None]:
    """The values as the callback reads them back: ``self.log`` stores float32."""
    return [None if v is None else float(np.float32(v)) for v in values]


def torch_lrs(
    values: Sequence[float | None], lrs: Sequence[float], per_check: int, **kwargs: Any
) -> np.ndarray:
    """The LR of every group at every step under torch's ReduceLROnPlateau, stepped with ``values[k]``
    after every ``per_check`` optimizer steps (not stepped where it is None: nothing was logged):
    shape ``(steps, groups)``."""
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in lrs]
    opt = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, lrs, strict=True)])
    scheduler = ReduceLROnPlateau(opt, **kwargs)
    rows: list[list[float]] = []
    for v in values:
        rows += [[float(g["lr"]) for g in opt.param_groups]] * per_check
        if v is not None:
            scheduler.step(v)
    return np.array(rows)


def reduction_checks(values: Sequence[float], **kwargs: Any) -> list[int]:
    """The checks (0-based) after which torch's rule reduces (no floor, no eps)."""
    params = [torch.nn.Parameter(torch.zeros(1))]
    opt = torch.optim.SGD(params, lr=1.0)
    scheduler = ReduceLROnPlateau(opt, min_lr=0.0, eps=0.0, **kwargs)
    out = []
    for k, v in enumerate(values):
        before = opt.param_groups[0]["lr"]
        scheduler.step(v)
        if opt.param_groups[0]["lr"] != before:
            out.append(k)
    return out
