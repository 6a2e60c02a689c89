"""Models and data of the tests: regression (Tiny, Net, one dataset) and classification (TinyModel)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import lightning.pytorch as pl
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from support.recording import value

N_SAMPLES = 48
BATCH = 4
STEPS_PER_EPOCH = N_SAMPLES // BATCH  # 12 optimizer steps per epoch without accumulation


def dataset(n: int = N_SAMPLES) -> TensorDataset:
    """``n`` samples of a noisy linear regression, 4 features to 1 target, always the same."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, 4, generator=g)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]]) + 0.1 * torch.randn(n, 1, generator=g)
    return TensorDataset(x, y)


class LyingSampler(torch.utils.data.Sampler[int]):
    """Yields the first ``yields`` indices and says it has ``says``: a ``len()`` that is not what the loader
    gives."""

    def __init__(self, yields: int, says: int) -> None:
        self.yields, self.says = yields, says

    def __iter__(self) -> Any:
        return iter(range(self.yields))

    def __len__(self) -> int:
        return self.says


def _regression_loss(layer: nn.Module, batch: Any) -> torch.Tensor:
    x, y = batch
    return F.mse_loss(layer(x), y)


class Tiny(pl.LightningModule):
    """Linear regression whose LR is the attribute ``lr``. ``optim(model) -> optimizer or
    configure_optimizers result`` (default SGD with momentum 0.9); ``groups=2`` splits the parameters into two
    param groups (weight, bias) with LRs ``lr`` and ``lr * ratio``."""

    def __init__(
        self,
        optim: Callable[..., Any] | None = None,
        groups: int = 1,
        lr: float = 0.1,
        ratio: float = 0.1,
        batch_size: int = BATCH,
        n: int = N_SAMPLES,
    ) -> None:
        super().__init__()
        self.layer = nn.Linear(4, 1)
        self.optim = optim
        self.groups = groups
        self.lr = lr
        self.ratio = ratio
        self.batch_size = batch_size
        self.n = n

    def param_groups(self) -> Any:
        if self.groups == 1:
            return self.parameters()
        return [
            {"params": [self.layer.weight], "lr": self.lr},
            {"params": [self.layer.bias], "lr": self.lr * self.ratio},
        ]

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        return _regression_loss(self.layer, batch)

    def configure_optimizers(self) -> Any:
        if self.optim is None:
            return sgd(self)
        return self.optim(self)

    def train_dataloader(self) -> DataLoader:
        return DataLoader(dataset(self.n), batch_size=self.batch_size)


def sgd(model: Tiny) -> torch.optim.Optimizer:
    """SGD with momentum 0.9 on ``model``'s param groups."""
    return torch.optim.SGD(model.param_groups(), lr=model.lr, momentum=0.9)


def adam(model: Tiny) -> torch.optim.Optimizer:
    """Adam on ``model``'s param groups."""
    return torch.optim.Adam(model.param_groups(), lr=model.lr)


class CLIModel(Tiny):
    """For LightningCLI: the schedule callback is an __init__ argument (configured from YAML) that the
    mixin injects."""

    def __init__(self, lr: float = 0.1, lr_schedule: Any = None) -> None:
        super().__init__(lr=lr)
        if lr_schedule is not None:
            self.lr_schedule = lr_schedule


class Net(pl.LightningModule):
    """Linear regression with SGD (momentum 0.9) or Adam; its LR is the hparam ``lr``, which
    ``configure_optimizers`` reads, so the range test can set it. Keeps the LR of param group 0 that each
    ``training_step`` call saw (the range test's sweep included) in ``step_lrs``."""

    def __init__(self, lr: float = 0.1, optimizer: str = "sgd", shuffle: bool = False) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.layer = nn.Linear(4, 1)
        self.step_lrs: list[float] = []

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        self.step_lrs.append(value(self.trainer.optimizers[0].param_groups[0]["lr"]))
        return _regression_loss(self.layer, batch)

    def configure_optimizers(self) -> torch.optim.Optimizer:
        if self.hparams.optimizer == "adam":
            return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)
        return torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=0.9)

    def train_dataloader(self) -> DataLoader:
        return DataLoader(dataset(), batch_size=BATCH, shuffle=self.hparams.shuffle)


def classification_dataset(n: int = 256, dim: int = 8, classes: int = 3, seed: int = 0) -> TensorDataset:
    """``n`` samples of ``dim`` features labelled with one of ``classes`` by a noisy linear rule."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, dim, generator=g)
    w = torch.randn(dim, classes, generator=g)
    y = (x @ w + 0.3 * torch.randn(n, classes, generator=g)).argmax(1)
    return TensorDataset(x, y)


def loader(
    n: int = 256, batch_size: int = 32, shuffle: bool = True, seed: int = 0, **kwargs: Any
) -> DataLoader:
    """Batches of :func:`classification_dataset`, the data of :class:`TinyModel`."""
    return DataLoader(classification_dataset(n, seed=seed), batch_size=batch_size, shuffle=shuffle, **kwargs)


def held_out(n: int = 256, seed: int = 1, of: int = 256, dim: int = 8, classes: int = 3) -> TensorDataset:
    """``n`` new samples, drawn with ``seed``, of the task of ``classification_dataset(of)`` (its rule ``w``, which
    depends on the size drawn): validation data for training data of ``of`` samples. (A dataset of another seed or
    size draws another rule: a validation loss on it rises as the model learns, which the range test refuses to
    minimise.)"""
    g = torch.Generator().manual_seed(0)  # the training data's draws: its inputs, then its rule
    torch.randn(of, dim, generator=g)
    w = torch.randn(dim, classes, generator=g)
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, dim, generator=g)
    y = (x @ w + 0.3 * torch.randn(n, classes, generator=g)).argmax(1)
    return TensorDataset(x, y)


def val_loader(n: int = 256, batch_size: int = 32, seed: int = 1, of: int = 256, **kwargs: Any) -> DataLoader:
    """Batches of :func:`held_out`, in order: validation data for :class:`TinyModel` trained on ``loader(of)``."""
    return DataLoader(held_out(n, seed, of), batch_size=batch_size, shuffle=False, **kwargs)


class TinyModel(pl.LightningModule):
    """An MLP classifier whose LR is the hparam ``lr``; ``optimizer`` picks SGD (momentum) or AdamW;
    ``groups=True`` gives the last layer its own param group at 10x the LR; ``scheduler`` adds torch's
    ``"step"`` or ``"onecycle"``. Keeps every training loss in ``seen_losses``."""

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


class NoWeightDecayAttribute(TinyModel):
    """AdamW at the weight decay ``decay``, written into configure_optimizers: no ``weight_decay`` attribute or
    hparam for a weight-decay sweep to set."""

    def __init__(self, decay: float = 0.3) -> None:
        super().__init__(optimizer="adamw")
        del self.hparams["weight_decay"]
        self.decay = decay

    def configure_optimizers(self) -> Any:
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr, weight_decay=self.decay)


class ScriptedLoss(TinyModel):
    """Reports the loss ``script[i]`` at its ``i``-th training step (the gradient is the model's, scaled to 0)."""

    def __init__(self, script: list[float]) -> None:
        super().__init__()
        self.script, self.i = script, 0

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        loss = super().training_step(batch, batch_idx) * 0.0 + self.script[min(self.i, len(self.script) - 1)]
        self.i += 1
        return loss


class SplitDecay(TinyModel):
    """The last layer decays 10 times as much as the first: ``(wd, 10 * wd)`` from ``hparams.weight_decay``,
    biases and norms at 0 (AdamW). ``decays``: the groups' weight decays at each training step."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{"optimizer": "adamw", **kwargs})
        self.decays: list[list[float]] = []

    def configure_optimizers(self) -> Any:
        wd = self.hparams.weight_decay
        return torch.optim.AdamW(
            [
                {"params": [self.net[0].weight], "weight_decay": wd},
                {"params": [self.net[-1].weight], "weight_decay": 10 * wd},
                {
                    "params": [self.net[0].bias, self.net[-1].bias, *self.net[1].parameters()],
                    "weight_decay": 0.0,
                },
            ],
            lr=self.hparams.lr,
        )

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        self.decays.append([float(g["weight_decay"]) for g in self.optimizers().param_groups])
        return super().training_step(batch, batch_idx)


class LateStart(TinyModel):
    """Reports 1 plus noise of standard deviation ``noise`` for its first ``quiet`` training steps (the LR does
    not matter to it), rising by ``drift`` at each step, then its real loss: a first sweep of ``quiet`` steps
    sees no descent, a longer one does (a loss the same at every step is no descent more steps can find: give
    it some ``noise`` or ``drift``)."""

    def __init__(self, quiet: int, noise: float = 0.1, drift: float = 0.0) -> None:
        super().__init__()
        self.quiet, self.noise, self.drift, self.calls = quiet, noise, drift, 0

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        self.calls += 1
        loss = super().training_step(batch, batch_idx)
        if self.calls > self.quiet:
            return loss
        return (
            loss * 0.0 + 1.0 + self.drift * self.calls + (self.noise * torch.randn(()) if self.noise else 0.0)
        )


class FlatFromEpoch1(TinyModel):
    """A TinyModel in epoch 0; from epoch 1 on its loss is the constant 1 (no gradient), so a range test there
    has no answer."""

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        loss = super().training_step(batch, batch_idx)
        return loss if self.current_epoch == 0 else loss * 0.0 + 1.0
