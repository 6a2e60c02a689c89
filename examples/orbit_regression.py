"""Seed 001's case study: regress the Earth-to-Mars transfer orbit, with fixed LRs, decays and the LR
range test.

The orbit is the ellipse ``(x + c)^2 / a^2 + y^2 / b^2 = 1`` with a = 1.261845, b = 1.234378 and the
focus offset c = sqrt(a^2 - b^2); 512 points of its upper half with uniform noise of width 0.1 on y. The
model has two parameters, ``y = Wb * sqrt(1 - (x + c)^2 / Wa^2)``, started at Wa = 0.1, Wb = 1.8 (points
outside the current ellipse are left out of the loss). Batch 64, 100 epochs: 800 optimizer steps.

Runs (every schedule advances per optimizer step, as the seed's ``scheduler.step()`` after each update):

- Adam at 0.01 and at 0.12, fixed;
- Adam 0.12 with a multi-step decay, gamma 0.8 at updates 4, 8, 10, ..., 24; and gamma 0.5 at 5, 10, 15, 20;
- the same two with a multiplicative factor function (torch's MultiplicativeLR; the seed's lambdas);
- SGD with momentum 0.9 at 0.012, 0.01, 0.005, 0.001 and 0.00015, fixed;
- what the LR range test suggests ("valley" rule), for Adam and for SGD-momentum.

A caveat the range test shows here: the loss only counts the points inside the current ellipse, and that
set grows with Wa, so the loss is not comparable along the sweep (its first point is its lowest). The
valley rule still answers; the 1cycle "knee" rule does not, so there is no 1cycle run in this example
(see cyclical_and_one_cycle.py).

Prints the final Wa, Wb against the truth (1.2618, 1.2344). Run: ``python examples/orbit_regression.py``.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import quiet, summary, table, trainer

from lightning_lr import Tuner
from lightning_lr.callbacks import LRSchedule, MultiStepDecay
from lightning_lr.schedules import Multiplicative

A, B = 1.261845, 1.234378
C = math.sqrt(A * A - B * B)  # the x offset of the ellipse's centre from the Sun (a focus)


def orbit_data(n: int = 512, noise: float = 0.1, seed: int = 9999) -> TensorDataset:
    """The seed's data: x evenly over the orbit's extent, y on the upper half plus uniform noise."""
    g = torch.Generator().manual_seed(seed)
    x = torch.linspace(-(A + C), A - C, n)
    y = B * torch.sqrt((1.0 - (x + C) ** 2 / A**2).clamp(min=0.0))
    y = y + (torch.rand(n, generator=g) - 0.5) * noise
    return TensorDataset(x, y)


class OrbitRegression(pl.LightningModule):
    """The two-parameter orbit model. ``self.lr`` is the optimizer's LR (a range test sets it)."""

    def __init__(self, optimizer: str = "adam", lr: float = 0.01, wa: float = 0.1, wb: float = 1.8) -> None:
        super().__init__()
        self.optimizer_name, self.lr = optimizer, lr
        self.Wa = nn.Parameter(torch.tensor(wa))
        self.Wb = nn.Parameter(torch.tensor(wb))

    def loss(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        u = 1.0 - (x + C) ** 2 / self.Wa**2
        inside = u > 0  # points the current ellipse does not reach are left out (the seed's negativeloc)
        if not bool(inside.any()):
            return (self.Wa + self.Wb) * 0.0
        return F.mse_loss(self.Wb * torch.sqrt(u[inside]), y[inside])

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        loss = self.loss(*batch)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self) -> torch.optim.Optimizer:
        if self.optimizer_name == "adam":
            return torch.optim.Adam(self.parameters(), lr=self.lr, betas=(0.9, 0.999), eps=1e-8)
        return torch.optim.SGD(self.parameters(), lr=self.lr, momentum=0.9, dampening=0.0)


# The seed's MultiplicativeLR lambdas, at module level so the callbacks pickle.
def times_0_8_on_even_updates_6_to_24(update: int) -> float:
    return 0.8 if 6 <= update <= 24 and update % 2 == 0 else 1.0


def times_0_5_every_5_updates_to_20(update: int) -> float:
    return 0.5 if 5 <= update <= 20 and update % 5 == 0 else 1.0


def fit(
    data: TensorDataset,
    optimizer: str,
    lr: float,
    callbacks: list[pl.Callback],
    epochs: int,
    range_test: bool = False,
) -> dict[str, Any]:
    """Train one run; with ``range_test`` the LR range test picks the LR first."""
    pl.seed_everything(0, verbose=False)
    model = OrbitRegression(optimizer, lr)
    loader = DataLoader(data, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(0))
    start = time.perf_counter()
    suggestion = None
    with quiet():
        run = trainer(epochs, callbacks, log_every_n_steps=8)
        if range_test:
            # The test sets model.lr to its suggestion; the fit below builds its optimizer with it.
            result = Tuner(run).lr_range_test(
                model, train_dataloaders=loader, min_lr=1e-5, max_lr=10.0, num_steps=100
            )
            assert result is not None  # None only under fast_dev_run
            suggestion = result.suggestion()
        run.fit(model, loader)
    x, y = data.tensors
    with torch.no_grad():
        full_loss = float(model.loss(x, y))
    return {
        "Wa": model.Wa.item(),
        "Wb": model.Wb.item(),
        "loss": full_loss,
        "seconds": time.perf_counter() - start,
        "suggestion": suggestion,
    }


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=summary(__doc__))
    parser.add_argument("--epochs", type=int, default=100, help="epochs per run (the seed: 100)")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be >= 1")
    torch.set_num_threads(1)
    data = orbit_data()
    print(
        f"orbit: {len(data)} points, batch 64, {args.epochs} epochs ({8 * args.epochs} updates); "
        f"start Wa=0.1, Wb=1.8; truth Wa={A:.4f}, Wb={B:.4f}"
    )

    milestones_08 = [4, 8, 10, 12, 14, 16, 18, 20, 22, 24]
    runs: list[tuple[str, str, str, float, list[pl.Callback], bool]] = [
        ("Adam 0.01 fixed", "Adam", "0.01", 0.01, [], False),
        ("Adam 0.12 fixed", "Adam", "0.12", 0.12, [], False),
        (
            "Adam multi-step 0.8",
            "Adam",
            "0.12, x0.8 at 4,8,10,...,24",
            0.12,
            [MultiStepDecay(milestones_08, gamma=0.8)],
            False,
        ),
        (
            "Adam multi-step 0.5",
            "Adam",
            "0.12, x0.5 at 5,10,15,20",
            0.12,
            [MultiStepDecay([5, 10, 15, 20], gamma=0.5)],
            False,
        ),
        (
            "Adam multiplicative 0.8",
            "Adam",
            "0.12, x0.8 at even 6..24",
            0.12,
            [LRSchedule(Multiplicative(0.12, times_0_8_on_even_updates_6_to_24))],
            False,
        ),
        (
            "Adam multiplicative 0.5",
            "Adam",
            "0.12, x0.5 at 5,10,15,20",
            0.12,
            [LRSchedule(Multiplicative(0.12, times_0_5_every_5_updates_to_20))],
            False,
        ),
        *[
            (f"SGD-momentum {lr:g}", "SGD m=0.9", f"{lr:g}", lr, [], False)
            for lr in (0.012, 0.01, 0.005, 0.001, 0.00015)
        ],
        ("Adam range test", "Adam", "suggestion", 0.01, [], True),
        ("SGD-momentum range test", "SGD m=0.9", "suggestion", 0.001, [], True),
    ]
    rows = []
    for name, opt, lr_text, lr, callbacks, range_test in runs:
        r = fit(data, "adam" if opt == "Adam" else "sgd", lr, callbacks, args.epochs, range_test)
        if range_test:
            lr_text = f"{lr_text} {r['suggestion']:.3g}" if r["suggestion"] is not None else "no suggestion"
        error = max(abs(r["Wa"] - A), abs(r["Wb"] - B))
        rows.append(
            (
                name,
                lr_text,
                f"{r['Wa']:.4f}",
                f"{r['Wb']:.4f}",
                f"{error:.4f}",
                f"{r['loss']:.5f}",
                f"{r['seconds']:.1f} s",
            )
        )
        print(f"  {name}: Wa={r['Wa']:.4f} Wb={r['Wb']:.4f} in {r['seconds']:.1f} s")
    rows.append(("truth", "", f"{A:.4f}", f"{B:.4f}", "", "", ""))
    text = table(
        ("run", "LR", "final Wa", "final Wb", "max |error|", "final MSE", "time"),
        rows,
        right=(False, False, True, True, True, True, True),
    )
    print()
    print(text)
    return text


if __name__ == "__main__":
    main()
