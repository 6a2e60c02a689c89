"""Warmup-stable-decay against cosine when a run is extended halfway through.

A run is planned for N epochs; at N/2 we decide to train 2N instead. On scikit-learn's digits (10
classes, a small CNN, SGD with momentum 0.9 at a peak LR of 0.05, half an epoch of warm-up):

- ``WSD``: ``WarmupStableDecay(warmup=Epochs(0.5), decay=Fraction(0.2))`` holds the peak until the last
  20% of the run. Resumed from the N/2 checkpoint with ``max_epochs=2N`` (``ModelCheckpoint`` +
  ``trainer.fit(ckpt_path=...)``), its stable phase grows and the cooldown moves to the new end, with one
  warning. At N/2 it was at its peak in both plans, so the LR does not move: the extended run is the run
  planned for 2N from the start (the same LR at every step, the same final accuracy).
- ``cosine``: ``CosineDecay(warmup=Epochs(0.5))`` planned for N has already decayed halfway at N/2.
  Resumed into a 2N run it continues from the checkpoint's step as if planned for 2N, so the LR jumps up
  there (the table shows the LR at the resume step in the old and in the new plan). The clean alternative
  is to redo it, planned for 2N from scratch: the N/2 epochs already trained are lost. (The redone run is
  the cosine planned for 2N; it is trained once.)

The resumed runs get the training batches in the order an uninterrupted run would (the shuffling
generator is advanced past the epochs already trained). Run:
``python examples/wsd_vs_cosine_extended.py [--epochs 8] [--lr 0.05]`` (N = ``--epochs``, even).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import lightning.pytorch as pl
import torch
from lightning.pytorch.callbacks import ModelCheckpoint
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import DigitsCNN, History, digits, loaders, quiet, summary, table, trainer

from lightning_lr.callbacks import CosineDecay, Epochs, Fraction, WarmupStableDecay

BATCH = 32
WARMUP = Epochs(0.5)


class StopAfter(pl.Callback):
    """Stops a run after ``epochs`` epochs, whatever its ``max_epochs`` (and so its schedule) planned."""

    def __init__(self, epochs: int) -> None:
        self.epochs = epochs

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if trainer.current_epoch + 1 >= self.epochs:
            trainer.should_stop = True


def shuffled_past(train: TensorDataset, val: TensorDataset, epochs: int) -> tuple[DataLoader, DataLoader]:
    """The loaders of :func:`loaders`, with the training order of an uninterrupted run from epoch ``epochs``
    on: each pass over a shuffled loader draws from its generator, so make ``epochs`` passes first."""
    train_dl, val_dl = loaders(train, val, BATCH)
    for _ in range(epochs):
        for _ in train_dl:
            pass
    return train_dl, val_dl


def planned(
    schedule: Callable[[], pl.Callback], epochs: int, lr: float, data: tuple[TensorDataset, TensorDataset]
) -> History:
    """A run planned for ``epochs`` and trained to the end."""
    pl.seed_everything(0, verbose=False)
    history = History()
    with quiet():
        trainer(epochs, [schedule(), history]).fit(DigitsCNN(lr), *loaders(*data, BATCH))
    return history


def extended(
    schedule: Callable[[], pl.Callback], epochs: int, lr: float, data: tuple[TensorDataset, TensorDataset]
) -> tuple[History, int, float, list[str]]:
    """A run planned for ``epochs``, stopped at half, resumed from its checkpoint into a run of twice as many.
    Returns the history of both parts, the resume step, the LR the first plan had for it, and the warnings
    the resume gave."""
    half = epochs // 2
    pl.seed_everything(0, verbose=False)
    history = History()
    with tempfile.TemporaryDirectory() as tmp, quiet():
        checkpoint = ModelCheckpoint(dirpath=tmp, filename="half")
        first = trainer(epochs, [schedule(), StopAfter(half), checkpoint, history], enable_checkpointing=True)
        with warnings.catch_warnings():
            # stopped at half on purpose: the schedule's warning that it never reached its end is the point
            warnings.filterwarnings("ignore", message=".*the fit stopped at step.*")
            first.fit(DigitsCNN(lr), *loaders(*data, BATCH))
        before = float(first.optimizers[0].param_groups[0]["lr"])  # the first plan's LR for the next step
        resumed_at = len(history.lrs)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            # (Lightning asks for the first run's ModelCheckpoint; the resumed run writes no checkpoints.)
            warnings.filterwarnings("ignore", message=".*callbacks used to create the checkpoint.*")
            second = trainer(2 * epochs, [schedule(), history])
            second.fit(DigitsCNN(lr), *shuffled_past(*data, half), ckpt_path=checkpoint.best_model_path)
    return (
        history,
        resumed_at,
        before,
        [str(w.message) for w in caught if issubclass(w.category, UserWarning)],
    )


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=summary(__doc__))
    parser.add_argument("--epochs", type=int, default=8, help="N, the planned epochs (even; default 8)")
    parser.add_argument("--lr", type=float, default=0.05, help="the peak LR (default 0.05)")
    args = parser.parse_args(argv)
    if args.epochs < 2 or args.epochs % 2:
        parser.error("--epochs must be an even number >= 2")
    if args.lr <= 0:
        parser.error("--lr must be > 0")
    torch.set_num_threads(1)  # a model this small is fastest on one thread
    data = digits()
    n, half = args.epochs, args.epochs // 2
    print(
        f"digits: {len(data[0])} train / {len(data[1])} validation images; CNN, SGD momentum 0.9, batch "
        f"{BATCH}, peak LR {args.lr:g}; planned {n} epochs, extended to {2 * n} at epoch {half}"
    )

    schedules: dict[str, Callable[[], pl.Callback]] = {
        "WSD": lambda: WarmupStableDecay(warmup=WARMUP, decay=Fraction(0.2)),
        "cosine": lambda: CosineDecay(warmup=WARMUP),
    }
    rows = []
    for name, schedule in schedules.items():
        start = time.perf_counter()
        reference = planned(schedule, 2 * n, args.lr, data)
        resumed, step, before, caught = extended(schedule, n, args.lr, data)
        seconds = time.perf_counter() - start
        at_resume, after = reference.lrs[step], resumed.lrs[step]  # the 2N plan's LR at the resume step
        same = "the same LR at every step as" if resumed.lrs == reference.lrs else "other LRs than"
        print(
            f"  {name}: {seconds:.1f} s; the resume at step {step} gave {len(caught)} warning(s):"
            + "".join(f"\n    {m}" for m in caught)
            + f"\n    extended: {same} the run planned for {2 * n} epochs"
        )
        rows.append((f"{name} planned {2 * n}", 2 * n, f"{at_resume:.3g}", "-", reference.val_acc[-1], 0))
        jump = (
            f"{after - before:+.3g} ({after / before - 1:+.0%})" if before > 0 else f"{after - before:+.3g}"
        )
        rows.append(
            (
                f"{name} planned {n}, extended at {half}",
                2 * n,
                f"{before:.3g} -> {after:.3g}",
                jump,
                resumed.val_acc[-1],
                0,
            )
        )
        if name == "cosine":
            rows.append(
                (
                    f"cosine planned {n}, redone for {2 * n}",
                    half + 2 * n,
                    "-",
                    "-",
                    reference.val_acc[-1],
                    half,
                )
            )
    text = table(
        ("run", "epochs", "LR at resume", "LR jump", "final val acc", f"extra epochs vs planning {2 * n}"),
        [(r[0], str(r[1]), r[2], r[3], f"{r[4]:.1%}", str(r[5])) for r in rows],
        right=(False, True, True, True, True, True),
    )
    print()
    print(text)
    return text


if __name__ == "__main__":
    main()
