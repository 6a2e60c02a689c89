"""The tests' Trainer (one CPU, quiet, two epochs) and a fit that records what the optimizer used."""

from __future__ import annotations

import warnings
from typing import Any

import lightning.pytorch as pl
import torch
from lightning.pytorch.callbacks import Callback

from support.recording import Recorder

# The DDP tests' strategy: two CPU processes (with ``devices=2``) under Lightning's DDP strategy, launcher and
# gloo process group, as ``ddp_spawn`` runs them. ``ddp_fork`` starts them from the test's own process, where
# ``ddp_spawn`` starts new interpreters that import torch and Lightning again, about 5 s each: the DDP tests
# took 101 s under ``ddp_spawn`` and 13 s under ``ddp_fork`` (callbacks/test_ddp.py, ``pytest -n 2``). What
# only ``ddp_spawn`` does, pickling the fit's objects into new interpreters, is tested under it by name
# (tuner/test_spawn.py).
DDP = "ddp_fork"

# Lightning's hints about tiny data; the tests check every warning of lightning_lr they care about.
QUIET = (
    "ignore:.*does not have many workers.*",
    "ignore:.*is smaller than the logging interval.*",
    "ignore:.*resuming from a checkpoint that ended before the epoch ended.*",
)


def trainer(tmp_path: Any, callbacks: list[Callback] | None = None, **kwargs: Any) -> pl.Trainer:
    """A Trainer in ``tmp_path`` on one CPU for two epochs, with no logger, checkpoints, progress bar, model
    summary or validation sanity check; ``kwargs`` override any of these."""
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
    if defaults.get("strategy") == DDP and torch.get_num_threads() != 1:
        # a forked rank whose parent's OpenMP started threads hangs in its first matrix product
        raise RuntimeError(
            f"{DDP} ranks need a test process on one torch thread (the root conftest's OMP_NUM_THREADS=1); "
            f"it has {torch.get_num_threads()}"
        )
    return pl.Trainer(callbacks=callbacks, **defaults)


def fit(
    tmp_path: Any,
    model: pl.LightningModule,
    callbacks: list[Callback],
    ckpt_path: str | None = None,
    **kwargs: Any,
) -> Recorder:
    """Fit ``model`` on :func:`trainer` with ``callbacks`` (plus a Recorder unless one is there) and Lightning's
    hints about tiny data silenced; returns the Recorder."""
    recorder = next((c for c in callbacks if isinstance(c, Recorder)), None)
    if recorder is None:
        recorder = Recorder()
        callbacks = [*callbacks, recorder]
    t = trainer(tmp_path, callbacks, **kwargs)
    with warnings.catch_warnings():
        for spec in QUIET:
            warnings.filterwarnings("ignore", message=spec.split(":", 1)[1])
        t.fit(model, ckpt_path=ckpt_path)
    return recorder


def lightning_before(version: tuple[int, int]) -> bool:
    """Whether the installed Lightning is older than ``version`` (major, minor): `make test-lowest` runs 2.4."""
    import lightning

    return tuple(int(x) for x in lightning.__version__.split(".")[:2]) < version
