"""Shared helpers of the range-test tests: a tiny LightningModule, data and state comparisons."""

from __future__ import annotations

import os
import random
from typing import Any

import lightning.pytorch as pl
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def dataset(n: int = 256, dim: int = 8, classes: int = 3, seed: int = 0) -> TensorDataset:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, dim, generator=g)
    w = torch.randn(dim, classes, generator=g)
    y = (x @ w + 0.3 * torch.randn(n, classes, generator=g)).argmax(1)
    return TensorDataset(x, y)


def loader(
    n: int = 256, batch_size: int = 32, shuffle: bool = True, seed: int = 0, **kwargs: Any
) -> DataLoader:
    return DataLoader(dataset(n, seed=seed), batch_size=batch_size, shuffle=shuffle, **kwargs)


class TinyModel(pl.LightningModule):
    """An MLP classifier; ``optimizer`` picks SGD (momentum) or AdamW; ``groups=True`` gives the last layer
    its own param group at 10x the LR."""

    def __init__(
        self,
        lr: float = 0.05,
        optimizer: str = "sgd",
        momentum: float = 0.9,
        weight_decay: float = 0.0,
        batchnorm: bool = True,
        dropout: float = 0.1,
        groups: bool = False,
        scheduler: str | None = None,
    ) -> None:
        super().__init__()
        self.save_hyperparameters()
        layers: list[nn.Module] = [nn.Linear(8, 16)]
        if batchnorm:
            layers.append(nn.BatchNorm1d(16))
        layers += [nn.ReLU(), nn.Dropout(dropout), nn.Linear(16, 3)]
        self.net = nn.Sequential(*layers)
        self.seen_losses: list[float] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        loss = F.cross_entropy(self(x), y)
        self.log("train_loss", loss, on_step=True, on_epoch=True)
        self.seen_losses.append(float(loss.detach()))
        return loss

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        self.log("val_loss", F.cross_entropy(self(x), y))

    def configure_optimizers(self) -> Any:
        h = self.hparams
        if h.groups:
            params: Any = [
                {"params": self.net[0].parameters()},
                {"params": self.net[-1].parameters(), "lr": h.lr * 10},
            ]
        else:
            params = self.parameters()
        if h.optimizer == "sgd":
            opt: torch.optim.Optimizer = torch.optim.SGD(
                params, lr=h.lr, momentum=h.momentum, weight_decay=h.weight_decay
            )
        else:
            opt = torch.optim.AdamW(params, lr=h.lr, weight_decay=h.weight_decay)
        if h.scheduler == "step":
            return {
                "optimizer": opt,
                "lr_scheduler": torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5),
            }
        if h.scheduler == "onecycle":
            sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=h.lr, total_steps=1000)
            return {"optimizer": opt, "lr_scheduler": {"scheduler": sched, "interval": "step"}}
        return opt


def trainer(tmp_path: Any, **kwargs: Any) -> pl.Trainer:
    defaults: dict[str, Any] = dict(
        accelerator="cpu",
        devices=1,
        max_epochs=1,
        logger=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        enable_checkpointing=False,
        default_root_dir=str(tmp_path),
    )
    defaults.update(kwargs)
    return pl.Trainer(**defaults)


def seed_all(seed: int = 0) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def rng_state() -> tuple[Any, ...]:
    return (random.getstate(), np.random.get_state()[1].tolist(), torch.get_rng_state())


def same_rng(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    return a[0] == b[0] and a[1] == b[1] and torch.equal(a[2], b[2])


def clone_tree(x: Any) -> Any:
    if isinstance(x, torch.Tensor):
        return x.detach().clone()
    if isinstance(x, dict):
        return {k: clone_tree(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(clone_tree(v) for v in x)
    return x


def equal_tree(a: Any, b: Any) -> bool:
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return (
            isinstance(a, torch.Tensor)
            and isinstance(b, torch.Tensor)
            and a.shape == b.shape
            and torch.equal(a, b)
        )
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(equal_tree(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(equal_tree(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return a == b


def full_state(trainer: pl.Trainer, module: pl.LightningModule) -> dict[str, Any]:
    """Everything the range test promises to leave bitwise unchanged, cloned."""
    return clone_tree(
        {
            "params": dict(module.named_parameters()),
            "buffers": dict(module.named_buffers()),
            "grads": {n: p.grad for n, p in module.named_parameters()},
            "modes": {n: m.training for n, m in module.named_modules()},
            "optimizers": [o.state_dict() for o in trainer.optimizers],
            "schedulers": [c.scheduler.state_dict() for c in trainer.lr_scheduler_configs],
            # the range test's own callback records its result; every other callback must be untouched
            "callbacks": [cb.state_dict() for cb in trainer.callbacks if not hasattr(cb, "results")],
            "progress": trainer.fit_loop.state_dict(),
            "global_step": trainer.global_step,
            "epoch": trainer.current_epoch,
            "rng": rng_state(),
            "should_stop": trainer.should_stop,
            "stage": trainer.state.stage,
            "callback_metrics": dict(trainer.callback_metrics),
        }
    )


def files_under(*dirs: Any) -> set[str]:
    out = set()
    for d in dirs:
        for root, _, files in os.walk(d):
            out.update(os.path.join(root, f) for f in files)
    return out
