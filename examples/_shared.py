"""Helpers the examples share: scikit-learn's digits as tensors, a small CNN for them, a quiet Trainer, a
per-epoch history and a plain-text table. Nothing here is specific to lightning_lr: the examples show its API."""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import lightning.pytorch as pl
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from torchmetrics.classification import MulticlassAccuracy

# lightning 2.6 on torch 2.13 warns about its own use of a deprecated pytree name (also in the processes
# ddp_spawn starts, which do not inherit `quiet()`).
warnings.filterwarnings("ignore", message=".*LeafSpec.*")


def digits(classes: Sequence[int] | None = None, seed: int = 0) -> tuple[TensorDataset, TensorDataset]:
    """scikit-learn's 8x8 digits (shipped with scikit-learn) as 1x8x8 images in [0, 1], split 80/20
    (stratified). With ``classes``, only those digits, relabelled 0, 1, ... in that order."""
    import numpy as np
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    if classes is not None:
        keep = np.isin(y, classes)
        x, y = x[keep], np.array([list(classes).index(v) for v in y[keep]])
    x_tr, x_va, y_tr, y_va = train_test_split(x, y, test_size=0.2, stratify=y, random_state=seed)

    def tensors(a: Any, b: Any) -> TensorDataset:
        return TensorDataset(
            torch.tensor(a, dtype=torch.float32).reshape(-1, 1, 8, 8) / 16.0,
            torch.tensor(b, dtype=torch.long),
        )

    return tensors(x_tr, y_tr), tensors(x_va, y_va)


def loaders(
    train: TensorDataset, val: TensorDataset, batch_size: int, seed: int = 0
) -> tuple[DataLoader, DataLoader]:
    """Shuffled training batches (the same order for a given seed) and whole validation batches."""
    generator = torch.Generator().manual_seed(seed)
    return (
        DataLoader(train, batch_size=batch_size, shuffle=True, generator=generator),
        DataLoader(val, batch_size=1024),
    )


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """No Lightning banners or hints about dataloader workers (real warnings still show)."""
    from lightning.fabric.utilities.warnings import PossibleUserWarning

    loggers = [logging.getLogger(n) for n in ("lightning.pytorch", "lightning.fabric")]
    levels = [lg.level for lg in loggers]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PossibleUserWarning)
        warnings.filterwarnings("ignore", message=".*does not have many workers.*")
        for lg in loggers:
            lg.setLevel(logging.WARNING)
        try:
            yield
        finally:
            for lg, level in zip(loggers, levels, strict=True):
                lg.setLevel(level)


class History(pl.Callback):
    """Validation accuracy / loss after each epoch, and the LR each optimizer step used."""

    def __init__(self) -> None:
        self.val_acc: list[float] = []
        self.val_loss: list[float] = []
        self.lrs: list[float] = []

    def on_train_batch_start(self, trainer: pl.Trainer, *args: Any) -> None:
        self.lrs.append(float(trainer.optimizers[0].param_groups[0]["lr"]))

    def on_validation_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if trainer.sanity_checking:
            return
        metrics = trainer.callback_metrics
        if "val_acc" in metrics:
            self.val_acc.append(float(metrics["val_acc"]))
        if "val_loss" in metrics:
            self.val_loss.append(float(metrics["val_loss"]))


def trainer(max_epochs: int, callbacks: Sequence[pl.Callback] = (), **kwargs: Any) -> pl.Trainer:
    """A CPU Trainer without checkpoints, progress bars, logger or sanity check (examples print tables)."""
    options: dict[str, Any] = {
        "max_epochs": max_epochs,
        "accelerator": "cpu",
        "devices": 1,
        "logger": False,
        "enable_checkpointing": False,
        "enable_progress_bar": False,
        "enable_model_summary": False,
        "num_sanity_val_steps": 0,
        "deterministic": True,
    }
    options.update(kwargs)
    return pl.Trainer(callbacks=list(callbacks), **options)


def summary(doc: str | None) -> str:
    """An example's first paragraph, for its ``--help`` (its first line alone stopped mid-sentence)."""
    return " ".join((doc or "").strip().split("\n\n")[0].split())


def table(header: Sequence[str], rows: Sequence[Sequence[Any]], right: Sequence[bool] | None = None) -> str:
    """A plain-text table; ``right`` marks the right-aligned (numeric) columns."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
    align = list(right) if right is not None else [False] * len(header)

    def line(row: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if a else c.ljust(w) for c, w, a in zip(row, widths, align, strict=True)
        ).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(r) for r in cells)])


class DigitsCNN(pl.LightningModule):
    """Two 3x3 convolutions with batch norm, max-pooling, two dense layers; SGD with momentum 0.9 at ``self.lr``.
    Logs ``val_acc`` and ``val_loss``."""

    def __init__(self, lr: float = 0.01) -> None:
        super().__init__()
        self.lr = lr
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 16, 64), nn.ReLU(), nn.Linear(64, 10),
        )  # fmt: skip
        self.val_acc = MulticlassAccuracy(num_classes=10)

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        return F.cross_entropy(self.net(x), y)

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        logits = self.net(x)
        self.val_acc(logits, y)
        self.log("val_acc", self.val_acc)
        self.log("val_loss", F.cross_entropy(logits, y))

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.SGD(self.parameters(), lr=self.lr, momentum=0.9, weight_decay=5e-4)
