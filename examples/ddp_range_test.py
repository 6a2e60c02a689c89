"""The LR range test on 2 processes (DDP with ``ddp_spawn`` on CPU), then 1cycle training with its result.

``Trainer(devices=2, strategy="ddp_spawn", callbacks=[LRRangeTest(), OneCycle()])``: at fit start the
range test sweeps the LR on both processes, each on its half of every batch (Lightning's
DistributedSampler). The loss recorded at each step is the mean over the processes, so both compute the
same curve and the same suggestion, restore their own state (no shared filesystem, no checkpoint file) and
train the 1cycle policy with the peak the test chose. Each process writes its result to a JSON file; the
main process reads them back and prints the curve of each and what each trained with.

Run: ``python examples/ddp_range_test.py [--devices 2] [--epochs 3]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import torch
import torch.nn.functional as F
from torch import nn
from torchmetrics.classification import MulticlassAccuracy

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import digits, loaders, quiet, summary, table, trainer

from lightning_lr import LRRangeTest, RangeTestResult
from lightning_lr.callbacks import OneCycle

GLOBAL_BATCH = 64


class DigitsMLP(pl.LightningModule):
    """A two-layer perceptron on the flattened 8x8 digits, SGD with momentum 0.9 at ``self.lr``."""

    def __init__(self, lr: float = 0.01) -> None:
        super().__init__()
        self.lr = lr
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
        self.val_acc = MulticlassAccuracy(num_classes=10)

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        return F.cross_entropy(self.net(x), y)

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        self.val_acc(self.net(x), y)
        self.log("val_acc", self.val_acc)  # torchmetrics syncs it across the processes

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.SGD(self.parameters(), lr=self.lr, momentum=0.9)


class SaveEachRank(pl.Callback):
    """In every process: save the range test's result, and record the LR the first step trains with and
    the 1cycle peak, to ``folder/rank<N>.json``."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def on_train_batch_start(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, batch: Any, i: int
    ) -> None:
        if trainer.global_step or i:
            return
        callbacks = trainer.callbacks  # type: ignore[attr-defined]  # Lightning sets it without declaring it
        test = next(cb for cb in callbacks if isinstance(cb, LRRangeTest))
        cycle = next(cb for cb in callbacks if isinstance(cb, OneCycle))
        assert test.result is not None
        rank = trainer.global_rank
        test.result.save(Path(self.folder) / f"rank{rank}_result.json")
        info = {
            "first_lr": trainer.optimizers[0].param_groups[0]["lr"],
            "max_lr": cycle.value("max_lr"),
            "model_lr": pl_module.lr,
        }
        (Path(self.folder) / f"rank{rank}.json").write_text(json.dumps(info))


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=summary(__doc__))
    parser.add_argument("--devices", type=int, default=2, help="processes (default 2)")
    parser.add_argument(
        "--epochs", type=int, default=3, help="epochs of 1cycle training after the test (default 3)"
    )
    args = parser.parse_args(argv)
    if args.devices < 2 or GLOBAL_BATCH % args.devices:
        parser.error(f"--devices must be >= 2 and divide the global batch of {GLOBAL_BATCH}")
    if args.epochs < 1:
        parser.error("--epochs must be >= 1")
    torch.set_num_threads(1)
    # Hand tensors to the spawned processes through files, not file descriptors (which some sandboxes and
    # containers limit: "unable to resize file ... Invalid argument").
    torch.multiprocessing.set_sharing_strategy("file_system")
    pl.seed_everything(0, verbose=False)
    train, val = digits()
    # The per-process batch: the global batch split over the processes.
    train_dl, val_dl = loaders(train, val, batch_size=GLOBAL_BATCH // args.devices)
    print(
        f"digits MLP, SGD momentum 0.9, global batch {GLOBAL_BATCH} = {args.devices} x {GLOBAL_BATCH // args.devices}, "
        f"ddp_spawn on {args.devices} CPU processes"
    )
    with tempfile.TemporaryDirectory() as folder, quiet():
        callbacks = [LRRangeTest(min_lr=1e-4, max_lr=10.0, num_steps=100), OneCycle(), SaveEachRank(folder)]
        run = trainer(args.epochs, callbacks, devices=args.devices, strategy="ddp_spawn")
        start = time.perf_counter()
        run.fit(DigitsMLP(), train_dl, val_dl)
        seconds = time.perf_counter() - start
        results = [RangeTestResult.load(Path(folder) / f"rank{r}_result.json") for r in range(args.devices)]
        infos = [json.loads((Path(folder) / f"rank{r}.json").read_text()) for r in range(args.devices)]
    val_acc = float(run.callback_metrics["val_acc"])
    print(f"range test + {args.epochs} epochs of 1cycle in {seconds:.1f} s; final val acc {val_acc:.1%}")

    first = results[0]
    n = len(first.lrs)
    header = ("lr", *[f"loss (rank {r})" for r in range(args.devices)], "smoothed")
    rows = [
        (f"{first.lrs[i]:.2e}", *[f"{res.losses[i]:.4f}" for res in results], f"{first.smoothed[i]:.4f}")
        for i in range(0, n, max(1, n // 12))
    ]
    curve = table(header, rows, right=[True] * len(header))
    same = all(res.losses == first.losses and res.lrs == first.lrs for res in results)

    def fmt(v: float | None) -> str:
        return "-" if v is None else f"{v:.4g}"

    per_rank = table(
        ("rank", "points", "suggestion", "1cycle max_lr", "model.lr", "OneCycle max_lr", "first training LR"),
        [
            (
                str(r),
                str(len(res.lrs)),
                fmt(res.suggestion()),
                fmt(res.one_cycle_max_lr()),
                fmt(info["model_lr"]),
                fmt(info["max_lr"]),
                fmt(info["first_lr"]),
            )
            for r, (res, info) in enumerate(zip(results, infos, strict=True))
        ],
        right=[False, True, True, True, True, True, True],
    )
    text = f"{curve}\n\nthe ranks' curves are {'identical' if same else 'DIFFERENT'} ({n} points, stop: {first.stop_reason})\n\n{per_rank}"
    print()
    print(text)
    return text


if __name__ == "__main__":  # needed: ddp_spawn starts the processes by importing this file
    main()
