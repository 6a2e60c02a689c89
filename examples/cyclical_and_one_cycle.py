"""Seed 000's lecture, run: cyclical learning rates and the 1cycle policy, with the LR range test
choosing the bounds.

On scikit-learn's digits (10 classes, a small CNN, SGD with momentum 0.9), each after its own LR range test:

- ``triangular``: the LR goes linearly between base_lr and max_lr, a half cycle of 4 epochs (the seed's
  ``step_size = 4 * len(train_loader)``);
- ``triangular2``: the same with the amplitude halved every cycle ("triangular schedule with fixed decay");
- ``exp_range``: the amplitude multiplied by gamma every step, here down to a tenth by the end
  ("triangular schedule with exponential decay");
- ``1cycle``: one cycle up to max_lr and down far below base_lr, momentum cycling the opposite way
  (0.95 -> 0.85 -> 0.95);
- ``constant``: the range test's suggested LR, held, for reference.

The cyclic and 1cycle callbacks are created without LRs: ``Tuner(trainer).lr_range_test`` fills them
(``Cyclic``: ``result.cyclic_bounds()``, ``OneCycle``: ``result.one_cycle_max_lr()``) before the fit. Each
run's test sweeps at the mean momentum its schedule trains at (the optimizer's 0.9 without one; a cycle's
mean, which is higher where the cycle's amplitude decays, triangular2 and exp_range), so each mode gets the
bounds of its own test, printed before its run.
Run: ``python examples/cyclical_and_one_cycle.py [--epochs 24]``.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import lightning.pytorch as pl
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import DigitsCNN, History, digits, loaders, quiet, summary, table, trainer

from lightning_lr import Tuner
from lightning_lr.callbacks import Cyclic, Epochs, OneCycle

BATCH = 32
HALF_CYCLE_EPOCHS = 4


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=summary(__doc__))
    parser.add_argument("--epochs", type=int, default=24, help="epochs per run (default 24: three cycles)")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be >= 1")
    torch.set_num_threads(1)
    train, val = digits()
    total_steps = args.epochs * math.ceil(len(train) / BATCH)
    gamma = 0.1 ** (1.0 / total_steps)  # exp_range: the amplitude falls to a tenth over the run
    print(
        f"digits: {len(train)} train / {len(val)} validation images; CNN, SGD momentum 0.9, batch {BATCH}, "
        f"{args.epochs} epochs ({total_steps} steps)"
    )

    half = Epochs(HALF_CYCLE_EPOCHS)
    plans: list[tuple[str, list[pl.Callback]]] = [
        ("triangular", [Cyclic(step_size=half, mode="triangular")]),
        ("triangular2", [Cyclic(step_size=half, mode="triangular2")]),
        ("exp_range", [Cyclic(step_size=half, mode="exp_range", gamma=gamma)]),
        ("1cycle", [OneCycle()]),
        ("constant", []),
    ]
    rows = []
    for name, callbacks in plans:
        pl.seed_everything(0, verbose=False)
        model = DigitsCNN()
        history = History()
        start = time.perf_counter()
        with quiet():
            run = trainer(args.epochs, [*callbacks, history])
            train_dl, val_dl = loaders(train, val, BATCH)
            # One range test per run: it sets model.lr to the suggestion and fills the LRs the callbacks
            # were created without. With a cyclic or 1cycle callback attached the sweep runs at the mean
            # momentum of the run's cycle, not the 0.95 it starts at; without one at the optimizer's 0.9.
            result = Tuner(run).lr_range_test(model, train_dataloaders=train_dl, min_lr=1e-5, max_lr=10.0)
            assert result is not None  # None only under fast_dev_run
            bounds = result.cyclic_bounds()
            print(
                f"{name}: range test at momentum {result.momentums[0]:.3g}: suggestion {result.suggestion():.3g}, "
                f"cyclic bounds {bounds[0]:.3g} .. {bounds[1]:.3g}, 1cycle max_lr {result.one_cycle_max_lr():.3g}"
                if bounds
                else f"{name}: range test: no bounds"
            )
            run.fit(model, train_dl, val_dl)
        seconds = time.perf_counter() - start
        described = _describe(callbacks, model.lr)
        reached = next((i + 1 for i, a in enumerate(history.val_acc) if a >= 0.97), None)
        rows.append(
            (
                name,
                described,
                f"{history.val_acc[-1]:.1%}",
                f"{max(history.val_acc):.1%}",
                "never" if reached is None else str(reached),
                f"{min(history.lrs):.2g} .. {max(history.lrs):.2g}",
                f"{seconds:.1f} s",
            )
        )
        print(f"  {name}: final val acc {history.val_acc[-1]:.1%} in {seconds:.1f} s")
    text = table(
        ("run", "schedule", "final val acc", "best val acc", "epochs to 97%", "LR range used", "time"),
        rows,
        right=(False, False, True, True, True, True, True),
    )
    print()
    print(text)
    return text


def _describe(callbacks: list[pl.Callback], lr: float) -> str:
    if not callbacks:
        return f"constant {lr:.3g}"
    cb = callbacks[0]
    if isinstance(cb, Cyclic):
        return f"{cb.mode}, {cb.value('base_lr'):.3g} .. {cb.value('max_lr'):.3g}"
    if isinstance(cb, OneCycle):
        return f"max_lr {cb.value('max_lr'):.3g}, momentum 0.95 -> 0.85 -> 0.95"
    return repr(cb)


if __name__ == "__main__":
    main()
