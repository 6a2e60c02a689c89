"""The LR range test against Lightning's ``lr_find`` and a plain fit (table a).

Table (a), wall time: ``Tuner.lr_range_test``, Lightning's ``Tuner.lr_find`` and a plain ``Trainer.fit`` of
the same number of optimizer steps, on the same model and data (an MLP on scikit-learn's digits, SGD with
momentum, batch 32), each with a fresh ``Trainer`` and a fresh model of the same seed, timed from building
the Trainer to the call's return. Early stopping is off in both range tests, so all three take exactly
``--steps`` optimizer steps (the range test without its confirmation stage, ``confirm=False``: the sweep
against lr_find's sweep; the default confirmation adds five candidates of 80 steps, whose cost
``range_test_suggestion.py`` reports). The three run interleaved in every round (their order rotates), and the
table reports the median over rounds. Goal (issue 4): the range test at most 1.05x the plain fit.

The building blocks (:func:`digits`, :class:`DigitsMLP`, :func:`make_trainer`) are shared with the
suggestion-quality table, which runs its tasks on the same data.

Table (b), suggestion quality (each rule's suggestion against the grid-best constant LR on three digits
tasks), lives in ``range_test_quality.py``; ``--quality`` prints it after table (a), ``--quality-only``
instead of it (options after ``--`` go to it, e.g. ``-- --quick`` or ``-- --from FILE``).

Run from the repository root (one torch thread, so the timings do not depend on OpenMP spinning on a
busy machine):
    python benchmarks/range_test.py [--rounds 7] [--steps 100] [--quality | --quality-only] [-- ARGS]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import lightning.pytorch as pl
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from lightning_lr import Tuner

GOAL = 1.05


def digits(batch_size: int = 32, seed: int = 0) -> tuple[DataLoader, DataLoader]:
    """Train and validation loaders over scikit-learn's digits (8x8 images, 10 classes), standardized."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x_tr, x_va, y_tr, y_va = train_test_split(x, y, test_size=0.25, random_state=seed, stratify=y)
    mean, std = x_tr.mean(0), x_tr.std(0)
    std[std == 0] = 1.0  # pixels that are always blank in the training split
    to = lambda a, b: TensorDataset(  # noqa: E731
        torch.tensor((a - mean) / std, dtype=torch.float32), torch.tensor(b, dtype=torch.long)
    )
    g = torch.Generator().manual_seed(seed)
    train = DataLoader(to(x_tr, y_tr), batch_size=batch_size, shuffle=True, generator=g)
    val = DataLoader(to(x_va, y_va), batch_size=256)
    return train, val


class DigitsMLP(pl.LightningModule):
    """64 -> hidden -> 10 MLP; ``optimizer`` is "sgd" (momentum 0.9) or "adamw"."""

    def __init__(
        self, lr: float = 0.01, optimizer: str = "sgd", hidden: int = 128, weight_decay: float = 0.0
    ):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        return F.cross_entropy(self(x), y)

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        self.log("val_loss", F.cross_entropy(self(x), y))

    def configure_optimizers(self) -> torch.optim.Optimizer:
        h: Any = self.hparams  # an AttributeDict: the range test may have set h.lr
        if h.optimizer == "sgd":
            return torch.optim.SGD(self.parameters(), lr=h.lr, momentum=0.9, weight_decay=h.weight_decay)
        return torch.optim.AdamW(self.parameters(), lr=h.lr, weight_decay=h.weight_decay)


def make_trainer(root: str, **kwargs: Any) -> pl.Trainer:
    """A quiet CPU Trainer: no logger, progress bar, summary or checkpoints (the same for every contender)."""
    options: dict[str, Any] = dict(
        accelerator="cpu",
        devices=1,
        logger=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        enable_checkpointing=False,
        num_sanity_val_steps=0,
        limit_val_batches=0,
        default_root_dir=root,
    )
    options.update(kwargs)
    return pl.Trainer(**options)


def contenders(steps: int, root: str) -> dict[str, Callable[[], int]]:
    """name -> a run that returns the optimizer steps it took."""
    train, _ = digits()

    def range_test() -> int:
        pl.seed_everything(0, verbose=False)
        model = DigitsMLP()
        result = Tuner(
            make_trainer(root)
        ).lr_range_test(
            model,
            train,
            min_lr=1e-5,
            max_lr=1.0,
            num_steps=steps,
            early_stop_threshold=None,
            log=False,
            confirm=False,  # the sweep, as lr_find's; the candidates add 5 x 80 steps (range_test_suggestion.py)
        )
        assert result is not None  # (None only under fast_dev_run)
        return len(result)

    def lr_find() -> int:
        pl.seed_everything(0, verbose=False)
        model = DigitsMLP()
        finder = Tuner(make_trainer(root)).lr_find(
            model, train, min_lr=1e-5, max_lr=1.0, num_training=steps, early_stop_threshold=None
        )
        assert finder is not None
        return len(finder.results["lr"])

    def plain_fit() -> int:
        pl.seed_everything(0, verbose=False)
        model = DigitsMLP()
        trainer = make_trainer(root, max_steps=steps)
        trainer.fit(model, train)
        return trainer.global_step

    return {"lr_range_test": range_test, "Tuner.lr_find": lr_find, "plain fit": plain_fit}


def table_a(rounds: int, steps: int, root: str) -> str:
    runs = contenders(steps, root)
    names = list(runs)
    times: dict[str, list[float]] = {n: [] for n in names}
    taken: dict[str, set[int]] = {n: set() for n in names}
    for name in names:  # warm-up: imports, first-call caches, sklearn data
        runs[name]()
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            start = time.perf_counter()
            taken[name].add(runs[name]())
            times[name].append(time.perf_counter() - start)
    base = statistics.median(times["plain fit"])
    lines = [
        f"Table (a): wall time for {steps} optimizer steps (digits MLP, SGD momentum, batch 32, CPU, "
        f"1 thread), median of {rounds} interleaved rounds",
        "",
        f"| {'contender':<14} | {'steps':>5} | {'median s':>8} | {'min s':>6} | {'vs plain fit':>12} |",
        f"|{'-' * 16}|{'-' * 7}|{'-' * 10}|{'-' * 8}|{'-' * 14}|",
    ]
    for name in names:
        med = statistics.median(times[name])
        steps_taken = ",".join(str(s) for s in sorted(taken[name]))
        lines.append(
            f"| {name:<14} | {steps_taken:>5} | {med:>8.3f} | {min(times[name]):>6.3f} | {med / base:>11.2f}x |"
        )
    ratio = statistics.median(times["lr_range_test"]) / base
    verdict = "met" if ratio <= GOAL else "missed"
    lines += ["", f"Goal: lr_range_test <= {GOAL:.2f}x the plain fit: {verdict} ({ratio:.2f}x)."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument(
        "--root", default=None, help="Trainer default_root_dir (lr_find writes its checkpoint there)"
    )
    parser.add_argument("--quality", action="store_true", help="also print table (b), suggestion quality")
    parser.add_argument("--quality-only", action="store_true", help="print only table (b)")
    parser.add_argument("quality_args", nargs="*", help="after --: options of range_test_quality.py")
    args = parser.parse_args(argv)
    if args.quality_only:
        return _table_b(args.quality_args)
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        print(table_a(args.rounds, args.steps, args.root or tmp))
    if args.quality:
        print()
        return _table_b(args.quality_args)
    return 0


def _table_b(argv: list[str]) -> int:
    """Table (b): ``range_test_quality.main`` (the file next to this one)."""
    import os
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:
        sys.path.insert(0, here)
    import range_test_quality

    return range_test_quality.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
