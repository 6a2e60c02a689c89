"""A tiny LightningModule and a recorder of the LR and momentum the optimizer really used, shared by the
callback tests."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import lightning.pytorch as pl
import numpy as np
import torch
from lightning.pytorch.callbacks import Callback
from torch.utils.data import DataLoader, TensorDataset

from lightning_lr.optim import momentum_key

N_SAMPLES = 48


def dataset(n: int = N_SAMPLES) -> TensorDataset:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, 4, generator=g)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]]) + 0.1 * torch.randn(n, 1, generator=g)
    return TensorDataset(x, y)


class Tiny(pl.LightningModule):
    """Linear regression. ``optim(params) -> optimizer or configure_optimizers result``; ``groups=2``
    splits the parameters into two param groups (weight, bias) with LRs ``lr`` and ``lr * ratio``."""

    def __init__(
        self,
        optim: Callable[..., Any] | None = None,
        groups: int = 1,
        lr: float = 0.1,
        ratio: float = 0.1,
        batch_size: int = 4,
        n: int = N_SAMPLES,
    ) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(4, 1)
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
        x, y = batch
        return torch.nn.functional.mse_loss(self.layer(x), y)

    def configure_optimizers(self) -> Any:
        if self.optim is None:
            return torch.optim.SGD(self.param_groups(), lr=self.lr, momentum=0.9)
        return self.optim(self)

    def train_dataloader(self) -> DataLoader:
        return DataLoader(dataset(self.n), batch_size=self.batch_size)


def sgd(model: Tiny) -> torch.optim.Optimizer:
    return torch.optim.SGD(model.param_groups(), lr=model.lr, momentum=0.9)


def adam(model: Tiny) -> torch.optim.Optimizer:
    return torch.optim.Adam(model.param_groups(), lr=model.lr)


def _value(v: Any) -> float:
    return float(v.item() if isinstance(v, torch.Tensor) else v)


class Recorder(Callback):
    """Records, before every optimizer step, the step and every group's LR and momentum (None where the
    group has none). ``optimizer_index`` selects which optimizer under manual optimization."""

    def __init__(self, optimizer_index: int | None = None) -> None:
        self.rows: list[tuple[int, list[float], list[float | None]]] = []
        self.optimizer_index = optimizer_index
        self.by_optimizer: dict[int, list[tuple[list[float], list[float | None]]]] = {}

    def on_before_optimizer_step(self, trainer: pl.Trainer, pl_module: Any, optimizer: Any) -> None:
        index = next(i for i, o in enumerate(trainer.optimizers) if o is optimizer)
        lrs = [_value(g["lr"]) for g in optimizer.param_groups]
        moms: list[float | None] = []
        for g in optimizer.param_groups:
            key = momentum_key(g)
            moms.append(
                None if key is None else _value(g["momentum"] if key == "momentum" else g["betas"][0])
            )
        self.by_optimizer.setdefault(index, []).append((lrs, moms))
        if self.optimizer_index is None or index == self.optimizer_index:
            self.rows.append((trainer.global_step, lrs, moms))

    def lr(self, group: int = 0) -> np.ndarray:
        return np.array([r[1][group] for r in self.rows])

    def momentum(self, group: int = 0) -> np.ndarray:
        return np.array([r[2][group] for r in self.rows])

    def steps(self) -> list[int]:
        return [r[0] for r in self.rows]


def trainer(tmp_path: Any, callbacks: list[Callback], **kwargs: Any) -> pl.Trainer:
    defaults: dict[str, Any] = dict(
        default_root_dir=tmp_path,
        max_epochs=2,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
        devices=1,
        num_sanity_val_steps=0,
    )
    defaults.update(kwargs)
    return pl.Trainer(callbacks=callbacks, **defaults)


def fit(tmp_path: Any, model: pl.LightningModule, callbacks: list[Callback], **kwargs: Any) -> Recorder:
    """Fit ``model`` with ``callbacks`` plus a Recorder (returned)."""
    recorder = next((c for c in callbacks if isinstance(c, Recorder)), None)
    if recorder is None:
        recorder = Recorder()
        callbacks = [*callbacks, recorder]
    ckpt_path = kwargs.pop("ckpt_path", None)
    t = trainer(tmp_path, callbacks, **kwargs)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*does not have many workers.*")
        warnings.filterwarnings("ignore", message=".*is smaller than the logging interval.*")
        t.fit(model, ckpt_path=ckpt_path)
    return recorder


def assert_trace(actual: np.ndarray, expected: np.ndarray, rtol: float = 1e-12) -> None:
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, f"{actual.shape} != {expected.shape}"
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=0)


class FakeRangeTest:
    """Stands in for the range test's result object (issue 4's contract)."""

    def __init__(
        self,
        max_lr: float | None = 0.05,
        bounds: tuple[float, float] | None = (0.01, 0.2),
        suggestion: float | None = 0.03,
    ) -> None:
        self._max_lr, self._bounds, self._suggestion = max_lr, bounds, suggestion

    def one_cycle_max_lr(self) -> float | None:
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


class CLIModel(Tiny):
    """For LightningCLI: the schedule callback is an __init__ argument (configured from YAML) that the
    mixin injects."""

    def __init__(self, lr: float = 0.1, lr_schedule: Any = None) -> None:
        super().__init__(lr=lr)
        if lr_schedule is not None:
            self.lr_schedule = lr_schedule
