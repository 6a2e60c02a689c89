"""The sweeps: our range test (through the public ``Tuner`` API), Lightning's ``lr_find`` and torch-lr-finder.

All three run on a fresh network initialised from the seed, on the seed's batches, with the task's
optimizer and loss, from a ``Trainer`` that writes nothing (no logger, no checkpoints, a temporary root).
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import time
import warnings
from collections.abc import Iterator
from typing import Any

import lightning.pytorch as pl
import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from .tasks import Task, batches, loss_fn, make_net, make_optimizer

__all__ = [
    "CONFIGS",
    "DEFAULT_CONFIG",
    "lightning_lr_find",
    "our_confirmed",
    "our_sweep",
    "quiet",
    "torch_lr_finder",
]

#: sweep configurations: (num_steps, min_lr, max_lr). The default of ``lr_range_test`` is (100, 1e-7, 10);
#: densities vary on the default range and ranges vary at the default density (both modes each)
DEFAULT_CONFIG = (100, 1e-7, 10.0)
CONFIGS: tuple[tuple[int, float, float], ...] = (
    DEFAULT_CONFIG,
    (50, 1e-7, 10.0),
    (300, 1e-7, 10.0),
    (1000, 1e-7, 10.0),
    (100, 1e-8, 1.0),
    (100, 1e-6, 100.0),
)
MODES = ("exponential", "linear")


def quiet() -> None:
    """Silence Lightning's info messages and the warnings a tiny CPU run triggers."""
    for name in ("lightning", "lightning.pytorch", "lightning.fabric", "lightning_lr"):
        logging.getLogger(name).setLevel(logging.ERROR)
    for msg in (".*does not have many workers.*", ".*GPU available.*", ".*TPU available.*", ".*LeafSpec.*"):
        warnings.filterwarnings("ignore", message=msg)


class _Batches(Dataset):
    """The seed's batch stream as a map-style dataset of whole batches (index i = the i-th batch)."""

    def __init__(self, task: Task, seed: int, n: int) -> None:
        it: Iterator[tuple[torch.Tensor, torch.Tensor]] = batches(task, seed)
        self.items = [next(it) for _ in range(n)]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.items[i]


def _loader(task: Task, seed: int, n: int) -> DataLoader:
    return DataLoader(_Batches(task, seed, n), batch_size=None, shuffle=False)


class Module(pl.LightningModule):
    """The task's network, loss and optimizer at ``self.lr`` as a LightningModule."""

    def __init__(self, task: Task, seed: int, lr: float = 1e-3) -> None:
        super().__init__()
        self.task = task
        self.lr = lr
        self.net = make_net(task, seed)
        self._loss = loss_fn(task)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def training_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> torch.Tensor:
        x, y = batch
        return self._loss(self(x), y)

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return make_optimizer(self.task, self.parameters(), self.lr)


def _trainer(root: str) -> pl.Trainer:
    return pl.Trainer(
        accelerator="cpu",
        devices=1,
        max_epochs=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        default_root_dir=root,
    )


def _range_test(task: Task, seed: int, root: str, batches: int, **kwargs: Any) -> tuple[Any, float]:
    """``lightning_lr.Tuner(trainer).lr_range_test`` on a fresh network (``seed``) over the seed's first
    ``batches`` batches, ``apply=False`` and ``kwargs``: (RangeTestResult, seconds)."""
    from lightning_lr import Tuner

    model = Module(task, seed)
    loader = _loader(task, seed, batches)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = Tuner(_trainer(root)).lr_range_test(model, train_dataloaders=loader, apply=False, **kwargs)
    return result, time.perf_counter() - start


def our_sweep(
    task: Task, seed: int, root: str, num_steps: int, min_lr: float, max_lr: float, mode: str
) -> tuple[Any, float]:
    """``lightning_lr.Tuner(trainer).lr_range_test`` on a fresh network: (RangeTestResult, seconds)."""
    return _range_test(
        task, seed, root, num_steps, min_lr=min_lr, max_lr=max_lr, num_steps=num_steps, mode=mode
    )


def our_confirmed(
    task: Task,
    seed: int,
    root: str,
    num_steps: int,
    min_lr: float,
    max_lr: float,
    confirm_steps: int | None = None,
) -> tuple[Any, float]:
    """The real range test with its confirmation stage (``confirm=True``, the default; exponential mode) on a
    fresh network: (RangeTestResult with its candidates, seconds). The loader holds the seed's first
    ``max(RETRY_FACTOR * num_steps, confirm_steps)`` batches: the sweep reads ``num_steps`` of them (a second
    try, ``retry``, three times as many), every candidate starts again from the first. ``confirm_steps``:
    the candidates' length (None: the default)."""
    from lightning_lr.tuner._options import RETRY_FACTOR, LROptions

    steps = LROptions().confirm_steps if confirm_steps is None else confirm_steps
    batches = max(RETRY_FACTOR * num_steps, steps)  # a second try reads 3x the batches
    return _range_test(
        task, seed, root, batches, min_lr=min_lr, max_lr=max_lr, num_steps=num_steps, confirm_steps=steps
    )


def lightning_lr_find(task: Task, seed: int, root: str, **kwargs: Any) -> tuple[float | None, dict, float]:
    """Lightning's ``Tuner.lr_find`` (its defaults unless ``kwargs``) and its default ``suggestion()``."""
    from lightning.pytorch.tuner import Tuner

    model = Module(task, seed)
    n = int(kwargs.get("num_training", 100))
    start = time.perf_counter()
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        finder = Tuner(_trainer(root)).lr_find(
            model, train_dataloaders=_loader(task, seed, n), update_attr=False, **kwargs
        )
        lr = finder.suggestion() if finder is not None else None
    seconds = time.perf_counter() - start
    results = finder.results if finder is not None else {"lr": [], "loss": []}
    curve = {"lr": list(map(float, results["lr"])), "loss": list(map(float, results["loss"]))}
    if lr is None or not (math.isfinite(lr) and lr > 0):
        return None, curve, seconds
    return float(lr), curve, seconds


def torch_lr_finder(
    task: Task, seed: int, num_iter: int = 100, start_lr: float = 1e-7, end_lr: float = 10.0
) -> tuple[float | None, dict, float]:
    """torch-lr-finder's ``range_test`` (exponential, its default smoothing and divergence threshold) and its
    suggestion: the steepest gradient of its loss history after skipping 10 points at the start and 5 at the
    end, the rule of its ``plot(suggest_lr=True)``. Not installed: the benchmark stops and says so (a missing
    peer stored as "no answer" would count as one in every table)."""
    try:
        from torch_lr_finder import LRFinder
    except ImportError:
        raise SystemExit(
            "the suggestion benchmark compares against torch-lr-finder, which is not installed: "
            "pip install torch-lr-finder==0.2.2 (its results already in a dump are re-scored without it)"
        ) from None
    net = make_net(task, seed)
    opt = make_optimizer(task, net.parameters(), start_lr)
    f = loss_fn(task)
    finder = LRFinder(net, opt, f, device="cpu")
    start = time.perf_counter()
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
    ):
        warnings.simplefilter("ignore")
        finder.range_test(_loader(task, seed, num_iter), end_lr=end_lr, num_iter=num_iter, step_mode="exp")
    seconds = time.perf_counter() - start
    lrs, losses = list(finder.history["lr"]), list(finder.history["loss"])
    curve = {"lr": list(map(float, lrs)), "loss": list(map(float, losses))}
    lrs_c, losses_c = lrs[10:-5], losses[10:-5]
    if len(losses_c) < 2:
        return None, curve, seconds
    i = int(np.gradient(np.asarray(losses_c, dtype=float)).argmin())
    return float(lrs_c[i]), curve, seconds
