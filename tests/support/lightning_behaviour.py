"""What the installed Lightning does by itself, measured, so tests of ours skip where Lightning differs.

Lightning 2.4 takes one extra optimizer step when a fit resumes from a mid-epoch checkpoint, with or without
lightning_lr. A test that compares a resumed run with an uninterrupted one can only hold where Lightning's own
resume is exact, so it asks :func:`mid_epoch_resume_is_exact` (a plain Lightning run, measured once).
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import torch
from lightning.pytorch.callbacks import Callback, ModelCheckpoint
from torch.utils.data import DataLoader, TensorDataset

STEPS_PER_EPOCH, EPOCHS, AT = 6, 2, 4


class _Plain(pl.LightningModule):
    def __init__(self) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(2, 1)

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        (x,) = batch
        return self.layer(x).pow(2).mean()

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(self.parameters(), lr=0.01)

    def train_dataloader(self) -> DataLoader:
        return DataLoader(TensorDataset(torch.ones(STEPS_PER_EPOCH, 2)), batch_size=1)


class _CountSteps(Callback):
    def __init__(self) -> None:
        self.steps = 0

    def on_before_optimizer_step(self, *args: Any) -> None:
        self.steps += 1


def _trainer(root: Path, callbacks: list[Callback]) -> pl.Trainer:
    return pl.Trainer(
        default_root_dir=root,
        max_epochs=EPOCHS,
        callbacks=callbacks,
        logger=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
    )


@functools.cache
def mid_epoch_resume_is_exact() -> bool:
    """Whether a plain Lightning fit resumed from a mid-epoch checkpoint takes exactly the optimizer steps the
    uninterrupted fit had left (Lightning 2.4 takes one more)."""
    import warnings

    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        root = Path(tmp)
        ckpt = ModelCheckpoint(dirpath=root / "ckpt", every_n_train_steps=AT, save_top_k=-1)
        _trainer(root, [ckpt]).fit(_Plain())
        (path,) = (root / "ckpt").glob(f"*-step={AT}.ckpt")
        counter = _CountSteps()
        _trainer(root, [counter]).fit(_Plain(), ckpt_path=str(path))
    return counter.steps == STEPS_PER_EPOCH * EPOCHS - AT
