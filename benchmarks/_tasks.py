"""Tasks for the range-test quality benchmark: scikit-learn digits, three models, one training recipe.

Everything the benchmark trains goes through :class:`DigitsModule`, so the range tests (run by a Lightning
``Trainer``) and the constant-LR trainings (a plain loop, much faster than a ``Trainer`` for 200-odd tiny
steps) see the same initialisation, the same optimizer, the same loss and the same batches in the same
order for a given seed. ``train_constant_lr`` is exactly what ``Trainer(max_epochs=...).fit(module, loader)``
does with a constant LR, minus the hooks.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import lightning.pytorch as pl
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

__all__ = [
    "TASKS",
    "DigitsModule",
    "RunResult",
    "Task",
    "make_module",
    "train_constant_lr",
    "train_loader",
]


@lru_cache(maxsize=1)
def _digits() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The digits data set (1797 8x8 images), pixels scaled to [0, 1], a fixed stratified 75/25 split."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x_tr, x_va, y_tr, y_va = train_test_split(x, y, test_size=0.25, stratify=y, random_state=0)
    return (
        torch.tensor(x_tr / 16.0, dtype=torch.float32),
        torch.tensor(y_tr, dtype=torch.long),
        torch.tensor(x_va / 16.0, dtype=torch.float32),
        torch.tensor(y_va, dtype=torch.long),
    )


def _mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10))


def _cnn() -> nn.Module:
    return nn.Sequential(
        nn.Unflatten(1, (1, 8, 8)),
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(32 * 4 * 4, 10),
    )


@dataclass(frozen=True)
class Task:
    """One benchmark task: a network, an optimizer recipe and a fixed training budget."""

    name: str
    net: Callable[[], nn.Module]
    optimizer: str  # "sgd" (with momentum) or "adamw"
    momentum: float = 0.9
    weight_decay: float = 0.0
    batch_size: int = 32
    epochs: int = 10
    description: str = ""

    def make_optimizer(self, params: object, lr: float) -> torch.optim.Optimizer:
        if self.optimizer == "sgd":
            return torch.optim.SGD(params, lr=lr, momentum=self.momentum, weight_decay=self.weight_decay)  # type: ignore[arg-type]
        if self.optimizer == "adamw":
            return torch.optim.AdamW(params, lr=lr, weight_decay=self.weight_decay)  # type: ignore[arg-type]
        raise ValueError(f"optimizer must be 'sgd' or 'adamw', got {self.optimizer!r}")

    @property
    def steps_per_epoch(self) -> int:
        return math.ceil(len(_digits()[0]) / self.batch_size)

    @property
    def steps(self) -> int:
        return self.epochs * self.steps_per_epoch

    @property
    def recipe(self) -> str:
        if self.optimizer == "sgd":
            opt = f"SGD(momentum={self.momentum:g}, weight_decay={self.weight_decay:g})"
        else:
            opt = f"AdamW(weight_decay={self.weight_decay:g})"
        return (
            f"{self.description}, {opt}, batch {self.batch_size}, {self.epochs} epochs = {self.steps} steps"
        )


_MLP = "MLP 64-128-128-10 (ReLU)"
_CNN = "CNN conv3x3(16)-conv3x3(32)-maxpool-linear(512->10)"

TASKS: tuple[Task, ...] = (
    Task("digits-mlp-sgd", _mlp, "sgd", momentum=0.9, description=_MLP),
    Task("digits-mlp-adamw", _mlp, "adamw", weight_decay=0.01, description=_MLP),
    Task("digits-cnn-sgd", _cnn, "sgd", momentum=0.9, description=_CNN),
)


class DigitsModule(pl.LightningModule):
    """A classifier on digits with the task's optimizer at a constant LR ``self.lr``."""

    def __init__(self, task: Task, lr: float = 1e-3) -> None:
        super().__init__()
        self.task = task
        self.lr = lr
        self.net = task.net()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def loss(self, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        x, y = batch
        return nn.functional.cross_entropy(self(x), y)

    def training_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> torch.Tensor:
        return self.loss(batch)

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return self.task.make_optimizer(self.parameters(), self.lr)


def make_module(task: Task, seed: int, lr: float = 1e-3) -> DigitsModule:
    """A freshly initialised module: the same weights for the same seed, whatever ran before."""
    torch.manual_seed(seed)
    return DigitsModule(task, lr)


def train_loader(task: Task, seed: int) -> DataLoader:
    """The shuffled training loader; the batch order depends only on the seed."""
    x, y, _, _ = _digits()
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(TensorDataset(x, y), batch_size=task.batch_size, shuffle=True, generator=generator)


@dataclass(frozen=True)
class RunResult:
    val_acc: float
    val_loss: float  # inf when training diverged
    diverged: bool


def _evaluate(module: DigitsModule) -> tuple[float, float]:
    _, _, x_va, y_va = _digits()
    module.eval()
    with torch.no_grad():
        logits = module(x_va)
    module.train()
    loss = nn.functional.cross_entropy(logits, y_va).item()
    acc = (logits.argmax(dim=1) == y_va).float().mean().item()
    return acc, loss


def train_constant_lr(task: Task, lr: float, seed: int) -> RunResult:
    """Train a fresh module (seeded) at a constant LR for the task's budget; validation accuracy and loss.

    A non-finite training loss ends the run as diverged: its validation loss is inf and its accuracy is
    what the last finite weights give (at most chance level once they are NaN).
    """
    module = make_module(task, seed, lr)
    optimizer = module.configure_optimizers()
    loader = train_loader(task, seed)
    module.train()
    for _ in range(task.epochs):
        for batch in loader:
            loss = module.loss(batch)
            if not torch.isfinite(loss):
                acc, _ = _evaluate(module)
                return RunResult(acc, math.inf, True)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    acc, val_loss = _evaluate(module)
    if not math.isfinite(val_loss):
        return RunResult(acc, math.inf, True)
    return RunResult(acc, val_loss, False)
