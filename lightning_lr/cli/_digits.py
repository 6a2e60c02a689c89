"""The demo's data and model: scikit-learn's 8x8 digits (shipped with scikit-learn, nothing is
downloaded) and a small CNN trained with SGD + momentum, its metrics from torchmetrics."""

from __future__ import annotations

from typing import Any

import lightning.pytorch as pl
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from torchmetrics.classification import MulticlassAccuracy

__all__ = ["DigitsCNN", "DigitsDataModule"]


class DigitsDataModule(pl.LightningDataModule):
    """scikit-learn's digits as 1x8x8 images scaled to [0, 1]: a stratified 80/20 split (1437 / 360).

    Args:
        batch_size: training batch size (validation uses whole batches of 512).
        seed: seeds the split and the shuffling, so every run sees the same batches.
        train_size: keep only this many training images (for quick checks); None keeps all.
    """

    def __init__(self, batch_size: int = 32, seed: int = 0, train_size: int | None = None) -> None:
        super().__init__()
        self.batch_size, self.seed, self.train_size = batch_size, seed, train_size
        self.train: TensorDataset | None = None
        self.val: TensorDataset | None = None

    def setup(self, stage: str | None = None) -> None:
        if self.train is not None:
            return
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        x, y = load_digits(return_X_y=True)
        x_tr, x_va, y_tr, y_va = train_test_split(x, y, test_size=0.2, stratify=y, random_state=self.seed)
        if self.train_size is not None:
            x_tr, y_tr = x_tr[: self.train_size], y_tr[: self.train_size]

        def tensors(a: Any, b: Any) -> TensorDataset:
            images = torch.tensor(a, dtype=torch.float32).reshape(-1, 1, 8, 8) / 16.0
            return TensorDataset(images, torch.tensor(b, dtype=torch.long))

        self.train, self.val = tensors(x_tr, y_tr), tensors(x_va, y_va)

    def train_dataloader(self) -> DataLoader:
        assert self.train is not None, "call setup() first"
        generator = torch.Generator().manual_seed(self.seed)
        return DataLoader(self.train, batch_size=self.batch_size, shuffle=True, generator=generator)

    def val_dataloader(self) -> DataLoader:
        assert self.val is not None, "call setup() first"
        return DataLoader(self.val, batch_size=512)


class DigitsCNN(pl.LightningModule):
    """Two 3x3 convolutions with batch norm, max-pooling and two dense layers (about 40k parameters), SGD + momentum.

    ``self.lr`` is the LR the optimizer starts with; a range test sets it to its suggestion. Logs
    ``train_loss``, ``val_loss`` and ``val_acc`` (torchmetrics, synced across processes).
    """

    def __init__(self, lr: float = 0.01, momentum: float = 0.9, weight_decay: float = 5e-4) -> None:
        super().__init__()
        self.save_hyperparameters(logger=False)  # the demo logs each run's real settings with its result
        self.lr = lr
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.BatchNorm2d(32),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(32 * 4 * 4, 64),
            nn.ReLU(),
            nn.Linear(64, 10),
        )
        self.val_acc = MulticlassAccuracy(
            num_classes=10, average="micro"
        )  # the share right (its default is macro)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def training_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> torch.Tensor:
        x, y = batch
        loss = F.cross_entropy(self(x), y)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> None:
        x, y = batch
        logits = self(x)
        self.val_acc(logits, y)
        self.log("val_loss", F.cross_entropy(logits, y), sync_dist=True)
        self.log("val_acc", self.val_acc)

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(
            self.parameters(),
            lr=self.lr,
            momentum=self.hparams["momentum"],
            weight_decay=self.hparams["weight_decay"],
        )
