"""Schedule-free AdamW against AdamW with a cosine decay, on the same budget.

On scikit-learn's digits (10 classes, a small CNN), the same epochs, the same peak LR and weight decay,
one epoch of linear warm-up for each:

- ``AdamW + cosine``: ``torch.optim.AdamW`` with ``CosineDecay(warmup=Epochs(1))``: after the warm-up a
  cosine down to 0 at the end of the run, whose length must be known from the start;
- ``AdamWScheduleFree``: ``schedulefree.AdamWScheduleFree`` with its own ``warmup_steps`` (one epoch) and
  no schedule: it trains on one sequence of weights and evaluates on an average of them, which replaces
  the decay. The ``ScheduleFree`` callback puts it in ``train()`` mode to train and ``eval()`` mode to
  validate;
- ``AdamW, constant``: the peak LR held after the warm-up (``LRSchedule`` with ``warmup(Constant(1.0))``
  as a factor of the optimizer's LR), for reference: neither decay nor averaging.

"final train loss" is the mean training loss of the last epoch; for the schedule-free optimizer it is
measured at the weights it trains on, not at the average it is evaluated on.

``--batch-norm`` puts a BatchNorm2d after each convolution. Its running statistics are gathered in
training, at the weights the schedule-free optimizer trains on; the averaged weights it evaluates on need
their own. The ``ScheduleFree`` callback gathers them again before each validation (``bn_batches``
training batches run forward at the averaged weights); a fourth row turns that off (``bn_batches=0``)
to show what it changes.
Run: ``python examples/schedule_free_vs_cosine.py [--epochs 12] [--lr 0.003] [--batch-norm]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import schedulefree
import torch
import torch.nn.functional as F
from torch import nn
from torchmetrics.classification import MulticlassAccuracy

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import History, digits, loaders, quiet, summary, table, trainer

from lightning_lr.callbacks import CosineDecay, Epochs, LRSchedule, RunInfo, ScheduleFree
from lightning_lr.schedules import Constant, Schedule, warmup

BATCH = 32
WEIGHT_DECAY = 1e-2


class DigitsCNN(pl.LightningModule):
    """Two 3x3 convolutions (each followed by a BatchNorm2d with ``batch_norm``), max-pooling, two dense
    layers; ``optimizer`` is ``"AdamW"`` or ``"AdamWScheduleFree"`` at ``lr``, the latter with
    ``warmup_steps``."""

    def __init__(self, optimizer: str, lr: float, warmup_steps: int = 0, batch_norm: bool = False) -> None:
        super().__init__()
        self.optimizer, self.lr, self.warmup_steps = optimizer, lr, warmup_steps

        def norm(channels: int) -> nn.Module:
            return nn.BatchNorm2d(channels) if batch_norm else nn.Identity()

        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), norm(16), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), norm(32), nn.ReLU(),
            nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 16, 64), nn.ReLU(), nn.Linear(64, 10),
        )  # fmt: skip
        self.val_acc = MulticlassAccuracy(num_classes=10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        loss = F.cross_entropy(self(x), y)
        self.log("train_loss", loss, on_step=False, on_epoch=True)
        return loss

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        logits = self(x)
        self.val_acc(logits, y)
        self.log("val_acc", self.val_acc)
        self.log("val_loss", F.cross_entropy(logits, y))

    def configure_optimizers(self) -> torch.optim.Optimizer:
        if self.optimizer == "AdamWScheduleFree":
            return schedulefree.AdamWScheduleFree(
                self.parameters(), lr=self.lr, weight_decay=WEIGHT_DECAY, warmup_steps=self.warmup_steps
            )
        return torch.optim.AdamW(self.parameters(), lr=self.lr, weight_decay=WEIGHT_DECAY)


def warm_then_hold(run: RunInfo) -> Schedule:
    """A factor of the optimizer's LR: 0 -> 1 over the first epoch, then 1 (module level: it pickles)."""
    return warmup(Constant(1.0), run.steps(Epochs(1)))


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=summary(__doc__))
    parser.add_argument("--epochs", type=int, default=12, help="epochs per run (default 12)")
    parser.add_argument("--lr", type=float, default=3e-3, help="the peak LR of every run (default 0.003)")
    parser.add_argument(
        "--batch-norm", action="store_true", help="a BatchNorm2d after each convolution (and a fourth row)"
    )
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be >= 1")
    if args.lr <= 0:
        parser.error("--lr must be > 0")
    torch.set_num_threads(1)  # a model this small is fastest on one thread
    train, val = digits()
    steps_per_epoch = len(loaders(train, val, BATCH)[0])
    print(
        f"digits: {len(train)} train / {len(val)} validation images; CNN"
        f"{' with batch norm' if args.batch_norm else ''}, batch {BATCH}, {args.epochs} epochs "
        f"({args.epochs * steps_per_epoch} steps), peak LR {args.lr:g}, weight decay {WEIGHT_DECAY:g}, "
        f"warm-up 1 epoch ({steps_per_epoch} steps)"
    )
    plans: list[tuple[str, str, str, int, Callable[[], list[pl.Callback]]]] = [
        ("AdamW", "warm-up + cosine to 0", "AdamW", 0, lambda: [CosineDecay(warmup=Epochs(1))]),
        (
            "AdamWScheduleFree",
            "warm-up, none after",
            "AdamWScheduleFree",
            steps_per_epoch,
            lambda: [ScheduleFree()],
        ),
        ("AdamW", "warm-up + constant", "AdamW", 0, lambda: [LRSchedule(warm_then_hold, relative=True)]),
    ]
    if args.batch_norm:
        plans.insert(
            2,
            (
                "AdamWScheduleFree",
                "warm-up, none after; bn_batches=0",
                "AdamWScheduleFree",
                steps_per_epoch,
                lambda: [ScheduleFree(bn_batches=0)],
            ),
        )
    rows = []
    for name, schedule, optimizer, warmup_steps, callbacks in plans:
        pl.seed_everything(0, verbose=False)
        model = DigitsCNN(optimizer, args.lr, warmup_steps, args.batch_norm)
        history = History()
        start = time.perf_counter()
        with quiet():
            run = trainer(args.epochs, [*callbacks(), history])
            run.fit(model, *loaders(train, val, BATCH))
        seconds = time.perf_counter() - start
        rows.append(
            (
                name,
                schedule,
                f"{history.val_acc[-1]:.1%}",
                f"{max(history.val_acc):.1%}",
                f"{history.val_loss[-1]:.4f}",
                f"{float(run.callback_metrics['train_loss']):.4f}",
                f"{seconds:.1f} s",
            )
        )
        print(f"  {name}, {schedule}: final val acc {history.val_acc[-1]:.1%} in {seconds:.1f} s")
    text = table(
        (
            "optimizer",
            "schedule",
            "final val acc",
            "best val acc",
            "final val loss",
            "final train loss",
            "wall time",
        ),
        rows,
        right=(False, False, True, True, True, True, True),
    )
    print()
    print(text)
    return text


if __name__ == "__main__":
    main()
