"""Seed 000's common practices, run side by side: reduce on plateau, step decay and 1cycle.

The seed lists ways to lower the LR as learning progresses: "reduce by some factor every X epochs",
"reduce by some factor every time the validation error increases", and the 1cycle policy with its
maximum LR from an LR range test. On scikit-learn's digits (10 classes, a small CNN, SGD with momentum
0.9), one LR range test gives ``max_lr = result.one_cycle_max_lr()``, the largest LR at which the loss
still falls. Every run starts from (or peaks at) it; they differ in how they come down:

- ``plateau``: ``ReduceOnPlateau(monitor="val_loss", factor, patience)``: the LR is multiplied by
  ``factor`` once the validation loss has not improved for ``patience + 1`` epochs in a row
  (``plateau.reductions`` lists the steps at which it happened);
- ``step``: ``StepDecay(every=Epochs(k), drop=0.5)``: halved every ``k`` epochs;
- ``1cycle``: ``OneCycle(max_lr)``: up from ``max_lr / 25`` and down far below, momentum cycling the
  opposite way (0.95 -> 0.85 -> 0.95);
- ``constant``: ``max_lr`` held, for reference.

The validation set has 360 images: one image is 0.28 points of accuracy.

Run: ``python examples/plateau_step_one_cycle.py [--epochs 16] [--factor 0.5] [--patience 1] [--every 4]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import lightning.pytorch as pl
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import DigitsCNN, History, digits, loaders, quiet, summary, table, trainer

from lightning_lr import Tuner
from lightning_lr.callbacks import Epochs, OneCycle, ReduceOnPlateau, StepDecay

BATCH = 32
TARGET = 0.95


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=summary(__doc__))
    parser.add_argument("--epochs", type=int, default=16, help="epochs per run (default 16)")
    parser.add_argument("--factor", type=float, default=0.5, help="plateau: factor of each reduction (0.5)")
    parser.add_argument("--patience", type=int, default=1, help="plateau: epochs without improvement (1)")
    parser.add_argument("--every", type=int, default=4, help="step decay: halve the LR every k epochs (4)")
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.every < 1 or args.patience < 0:
        parser.error("--epochs and --every must be >= 1, --patience >= 0")
    if not 0.0 < args.factor < 1.0:
        parser.error("--factor must be in (0, 1)")
    torch.set_num_threads(1)  # a model this small is fastest on one thread
    train, val = digits()
    print(
        f"digits: {len(train)} train / {len(val)} validation images; CNN, SGD momentum 0.9, batch {BATCH}, "
        f"{args.epochs} epochs"
    )

    # One range test (it puts the model, optimizer and trainer back as they were), read two ways.
    pl.seed_everything(0, verbose=False)
    with quiet():
        result = Tuner(trainer(1)).lr_range_test(
            DigitsCNN(),
            train_dataloaders=loaders(train, val, BATCH)[0],
            min_lr=1e-5,
            max_lr=10.0,
            apply=False,
        )
    assert result is not None  # None only under fast_dev_run
    max_lr = result.one_cycle_max_lr()
    if max_lr is None:
        raise RuntimeError("the range test found no LR at which the loss falls (see its warning)")
    print(f"range test: max_lr {max_lr:.3g} (its suggestion for a constant LR: {result.suggestion():.3g})")

    plateau = ReduceOnPlateau(monitor="val_loss", factor=args.factor, patience=args.patience)
    plans: list[tuple[str, str, list[pl.Callback]]] = [
        (
            "plateau",
            f"x{args.factor:g} after {args.patience + 1} epochs without a better val_loss",
            [plateau],
        ),
        ("step", f"x0.5 every {args.every} epochs", [StepDecay(every=Epochs(args.every), drop=0.5)]),
        ("1cycle", f"max_lr {max_lr:.3g}, momentum 0.95 -> 0.85 -> 0.95", [OneCycle(max_lr=max_lr)]),
        ("constant", f"{max_lr:.3g} held", []),
    ]
    rows = []
    for name, described, callbacks in plans:
        pl.seed_everything(0, verbose=False)
        model = DigitsCNN(lr=max_lr)
        history = History()
        start = time.perf_counter()
        with quiet():
            trainer(args.epochs, [*callbacks, history]).fit(model, *loaders(train, val, BATCH))
        seconds = time.perf_counter() - start
        reached = next((i + 1 for i, a in enumerate(history.val_acc) if a >= TARGET), None)
        reductions = str(len(plateau.reductions[0][0])) if name == "plateau" else "-"
        rows.append(
            (
                name,
                described,
                f"{history.val_acc[-1]:.1%}",
                f"{max(history.val_acc):.1%}",
                "never" if reached is None else str(reached),
                f"{history.lrs[-1]:.3g}",
                reductions,
                f"{seconds:.1f} s",
            )
        )
        print(f"  {name}: final val acc {history.val_acc[-1]:.1%} in {seconds:.1f} s")
    if plateau.reductions[0][0]:
        steps_per_epoch = len(loaders(train, val, BATCH)[0])
        epochs = ", ".join(str(s // steps_per_epoch) for s in plateau.reductions[0][0])
        print(f"plateau reductions after epochs {epochs}")
    else:  # say why the plateau run equals the constant one, rather than leave a 0 in the table to puzzle over
        print(
            f"plateau: no reduction: val_loss never went {args.patience + 1} "
            f"epoch{'s' if args.patience else ''} in a row without improving "
            f"(by ReduceOnPlateau's threshold); {'a lower --patience or ' if args.patience else ''}more --epochs "
            f"would give it the chance"
        )
    text = table(
        (
            "schedule",
            "rule",
            "final val acc",
            "best val acc",
            f"epochs to {TARGET:.0%}",
            "final LR",
            "plateau reductions",
            "time",
        ),
        rows,
        right=(False, False, True, True, True, True, True, True),
    )
    print()
    print(text)
    return text


if __name__ == "__main__":
    main()
