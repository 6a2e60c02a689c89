"""Shared by the integration tests: a tiny regression module, a recorder of the LR and momentum the
optimizer really used at each step, a trainer factory and an exact trace comparison."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import numpy as np
import torch
from lightning.pytorch.callbacks import Callback
from torch.utils.data import DataLoader, TensorDataset

from lightning_lr.optim import momentum_key

N_SAMPLES = 48
BATCH = 4
STEPS_PER_EPOCH = N_SAMPLES // BATCH  # 12 optimizer steps per epoch without accumulation

# Lightning's hints about tiny data; the tests check every warning of lightning_lr they care about.
QUIET = (
    "ignore:.*does not have many workers.*",
    "ignore:.*is smaller than the logging interval.*",
    "ignore:.*resuming from a checkpoint that ended before the epoch ended.*",
)


def dataset(n: int = N_SAMPLES) -> TensorDataset:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, 4, generator=g)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]]) + 0.1 * torch.randn(n, 1, generator=g)
    return TensorDataset(x, y)


class Net(pl.LightningModule):
    """Linear regression with SGD (momentum 0.9) or Adam; its LR is the hparam ``lr``, which
    ``configure_optimizers`` reads, so the range test can set it. Counts ``training_step`` calls and the
    LR of param group 0 each one saw (the range test's sweep included)."""

    def __init__(self, lr: float = 0.1, optimizer: str = "sgd", shuffle: bool = False) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.layer = torch.nn.Linear(4, 1)
        self.step_lrs: list[float] = []

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        self.step_lrs.append(_value(self.trainer.optimizers[0].param_groups[0]["lr"]))
        x, y = batch
        return torch.nn.functional.mse_loss(self.layer(x), y)

    def configure_optimizers(self) -> torch.optim.Optimizer:
        if self.hparams.optimizer == "adam":
            return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)
        return torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=0.9)

    def train_dataloader(self) -> DataLoader:
        return DataLoader(dataset(), batch_size=BATCH, shuffle=self.hparams.shuffle)


def _value(v: Any) -> float:
    return float(v.item() if isinstance(v, torch.Tensor) else v)


def _momentum(group: dict[str, Any]) -> float | None:
    key = momentum_key(group)
    return None if key is None else _value(group["momentum"] if key == "momentum" else group["betas"][0])


class Recorder(Callback):
    """Before every optimizer step of the fit: the global step, group 0's LR and momentum; at every batch
    start: group 0's LR. (The range test hides every callback during its sweep, so only the fit's own
    steps are recorded.)"""

    def __init__(self) -> None:
        self.rows: list[tuple[int, float, float | None]] = []
        self.batch_lrs: list[float] = []

    def on_before_optimizer_step(self, trainer: pl.Trainer, pl_module: Any, optimizer: Any) -> None:
        group = optimizer.param_groups[0]
        self.rows.append((trainer.global_step, _value(group["lr"]), _momentum(group)))

    def on_train_batch_start(self, trainer: pl.Trainer, pl_module: Any, batch: Any, batch_idx: int) -> None:
        self.batch_lrs.append(_value(trainer.optimizers[0].param_groups[0]["lr"]))

    def steps(self) -> list[int]:
        return [r[0] for r in self.rows]

    def lr(self) -> np.ndarray:
        return np.array([r[1] for r in self.rows])

    def momentum(self) -> np.ndarray:
        return np.array([r[2] for r in self.rows], dtype=float)


class DumpPerRank(Recorder):
    """A Recorder that writes what its rank's optimizer used, and what the range test found, to
    ``<directory>/rank<r>.json`` at the end of training (for ddp_spawn, whose objects stay in the child)."""

    def __init__(self, directory: str) -> None:
        super().__init__()
        self.directory = directory

    def setup(self, trainer: pl.Trainer, pl_module: Any, stage: str) -> None:
        torch.set_num_threads(1)  # in the spawned process too

    def on_train_end(self, trainer: pl.Trainer, pl_module: Any) -> None:
        from lightning_lr import LRRangeTest
        from lightning_lr.callbacks import OneCycle

        test = next(cb for cb in trainer.callbacks if isinstance(cb, LRRangeTest))
        cycle = next(cb for cb in trainer.callbacks if isinstance(cb, OneCycle))
        assert test.result is not None
        data = {
            "rank": trainer.global_rank,
            "world_size": trainer.world_size,
            "rows": self.rows,
            "losses": list(test.result.losses),
            "lrs": list(test.result.lrs),
            "one_cycle_max_lr": test.result.one_cycle_max_lr(),
            "filled": cycle.state_dict()["filled"],
            "total_steps": cycle.run.total_steps if cycle.run else None,
            "module_lr": float(pl_module.hparams.lr),
        }
        Path(self.directory, f"rank{trainer.global_rank}.json").write_text(json.dumps(data))


def make_trainer(tmp_path: Path, callbacks: list[Callback], **kwargs: Any) -> pl.Trainer:
    defaults: dict[str, Any] = dict(
        default_root_dir=str(tmp_path),
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


def fit(
    tmp_path: Path,
    model: pl.LightningModule,
    callbacks: list[Callback],
    ckpt_path: str | None = None,
    **kwargs: Any,
) -> Recorder:
    """Fit ``model`` with ``callbacks`` (plus a Recorder unless one is there); returns the Recorder."""
    recorder = next((c for c in callbacks if isinstance(c, Recorder)), None)
    if recorder is None:
        recorder = Recorder()
        callbacks = [*callbacks, recorder]
    trainer = make_trainer(tmp_path, callbacks, **kwargs)
    with warnings.catch_warnings():
        for spec in QUIET:
            warnings.filterwarnings("ignore", message=spec.split(":", 1)[1])
        trainer.fit(model, ckpt_path=ckpt_path)
    return recorder


def assert_trace(actual: Any, expected: Any, rtol: float = 1e-12) -> None:
    """Step by step, ``actual`` equals ``expected`` (same length; relative tolerance ``rtol``)."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, f"{actual.shape} != {expected.shape}"
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=0)
