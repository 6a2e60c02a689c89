"""Seed 002's comparison of decay schedules (Keras' LearningRateScheduler), on digits 3 vs 5.

The seed trains a small CNN with SGD on CIFAR-10 cats (3) vs dogs (5) for 50 epochs. Here scikit-learn's
8x8 digits 3 vs 5 stand in (nothing is downloaded) and the same CNN is scaled to 8x8 inputs. Four ways:

=============  ==========================================  ========  =======================
schedule       LR                                          momentum  advances
=============  ==========================================  ========  =======================
constant       0.01                                        0         -
time-based     0.1 / (1 + k t), k = 0.1 / epochs            0.5       every optimizer step (*)
step           0.1 * 0.5 ** floor(epoch / 10)              0.5       every epoch
exponential    0.1 * exp(-0.1 * epoch)                      0.8       every epoch
=============  ==========================================  ========  =======================

(*) Keras' SGD ``decay`` divides by ``1 + decay * iterations``: it advances every update, not every
epoch (the seed's table of LRs per epoch does not match its own code). The step and exponential decays
are per epoch, as Keras' LearningRateScheduler calls them at epoch start: here they are callbacks with
durations in ``Epochs``, resolved to optimizer steps at fit start.

Validation accuracy is averaged over a few seeds (the validation set has only 73 images, so one image is
1.4 points). Run: ``python examples/keras_decay_schedules.py [--epochs 50] [--seeds 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import torch
import torch.nn.functional as F
from torch import nn
from torchmetrics.classification import BinaryAccuracy

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import History, digits, loaders, quiet, summary, table, trainer

from lightning_lr.callbacks import Epochs, ExponentialDecay, StepDecay, TimeDecay


class SeedCNN(pl.LightningModule):
    """The seed's Keras model for 8x8 inputs: conv 4 -> conv 8 -> max-pool -> dropout 0.25 -> dense 16 ->
    dropout 0.5 -> 2 classes, trained with plain SGD (``momentum`` as given)."""

    def __init__(self, lr: float, momentum: float) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(
            nn.Conv2d(1, 4, 3),
            nn.ReLU(),
            nn.Conv2d(4, 8, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Dropout(0.25),
            nn.Flatten(),
            nn.Linear(8 * 2 * 2, 16),
            nn.ReLU(),
            nn.Dropout(0.5),
            nn.Linear(16, 2),
        )
        self.val_acc = BinaryAccuracy()

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        return F.cross_entropy(self.net(x), y)

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        logits = self.net(x)
        self.val_acc(logits.argmax(dim=1), y)
        self.log("val_acc", self.val_acc)
        self.log("val_loss", F.cross_entropy(logits, y))

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.SGD(self.parameters(), lr=self.hparams["lr"], momentum=self.hparams["momentum"])


def plans(epochs: int) -> list[tuple[str, float, float, Callable[[], list[pl.Callback]], str]]:
    """(name, initial LR, momentum, callbacks, formula) for the four schedules."""
    k = 0.1 / epochs
    return [
        ("constant", 0.01, 0.0, list, "0.01"),
        ("time-based", 0.1, 0.5, lambda: [TimeDecay(decay=k)], f"0.1/(1+{k:g}*step)"),
        ("step", 0.1, 0.5, lambda: [StepDecay(every=Epochs(10), drop=0.5)], "0.1*0.5^floor(epoch/10)"),
        (
            "exponential",
            0.1,
            0.8,
            lambda: [ExponentialDecay(rate=0.1, every=Epochs(1), staircase=True)],
            "0.1*exp(-0.1*epoch)",
        ),
    ]


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=summary(__doc__))
    parser.add_argument("--epochs", type=int, default=50, help="epochs per run (the seed: 50)")
    parser.add_argument("--seeds", type=int, default=3, help="runs per schedule, averaged (default 3)")
    parser.add_argument("--batch-size", type=int, default=64, help="the seed's batch size: 64")
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.seeds < 1 or args.batch_size < 1:
        parser.error("--epochs, --seeds and --batch-size must be >= 1")
    torch.set_num_threads(1)  # a model this small is fastest on one thread

    train, val = digits(classes=[3, 5])
    print(
        f"digits 3 vs 5: {len(train)} train / {len(val)} validation images; SGD, batch {args.batch_size}, "
        f"{args.epochs} epochs, {args.seeds} seed(s) per schedule"
    )
    rows = []
    for name, lr, momentum, callbacks, formula in plans(args.epochs):
        finals, bests, losses, last_lrs, seconds = [], [], [], [], 0.0
        for seed in range(args.seeds):
            pl.seed_everything(seed, verbose=False)
            model = SeedCNN(lr=lr, momentum=momentum)
            history = History()
            start = time.perf_counter()
            with quiet():
                trainer(args.epochs, [*callbacks(), history]).fit(
                    model, *loaders(train, val, args.batch_size, seed=seed)
                )
            seconds += time.perf_counter() - start
            finals.append(history.val_acc[-1])
            bests.append(max(history.val_acc))
            losses.append(history.val_loss[-1])
            last_lrs.append(history.lrs[-1])
        spread = f" ± {statistics.stdev(finals):.1%}" if len(finals) > 1 else ""
        rows.append(
            (
                name,
                formula,
                f"{momentum:g}",
                f"{statistics.mean(finals):.1%}{spread}",
                f"{statistics.mean(bests):.1%}",
                f"{statistics.mean(losses):.3f}",
                f"{last_lrs[0]:.3g}",
                f"{seconds:.1f} s",
            )
        )
        print(f"  {name}: done in {seconds:.1f} s")
    text = table(
        ("schedule", "LR", "momentum", "final val acc", "best val acc", "final val loss", "last LR", "time"),
        rows,
        right=(False, False, True, True, True, True, True, True),
    )
    print()
    print(text)
    return text


if __name__ == "__main__":
    main()
