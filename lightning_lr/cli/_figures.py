"""The demo's figures (matplotlib Figure objects: saved as PNG and added to TensorBoard)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..plotting import pyplot

__all__ = ["accuracy_figure", "range_test_figure", "schedule_figure"]


def range_test_figure(
    lrs: Sequence[float],
    losses: Sequence[float],
    suggestion: float | None,
    marks: dict[str, float] | None = None,
) -> Any:
    """Loss against LR (log axis), the suggestion marked, and optional extra vertical marks."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.0, 3.6))
    lrs_a, losses_a = np.asarray(lrs, dtype=float), np.asarray(losses, dtype=float)
    ax.plot(lrs_a, losses_a, color="C0", linewidth=1.6, label="loss (smoothed)")
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("training loss")
    ax.grid(True, which="both", alpha=0.25)
    if suggestion is not None and len(lrs_a):
        i = int(np.argmin(np.abs(np.log(lrs_a) - np.log(suggestion))))
        ax.plot(
            [suggestion], [losses_a[i]], "o", color="C3", markersize=7, label=f"suggestion {suggestion:.3g}"
        )
    for k, (label, value) in enumerate((marks or {}).items()):
        ax.axvline(value, color=f"C{k + 1}", linestyle="--", linewidth=1.0, label=f"{label} {value:.3g}")
    finite = losses_a[np.isfinite(losses_a)]
    if len(finite):  # keep the divergence from squashing the interesting part
        lo, first = float(finite.min()), float(finite[0])
        ax.set_ylim(lo - 0.05 * (first - lo + 1e-12), first + 0.6 * (first - lo + 1e-12))
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title("LR range test", fontsize=10)
    fig.tight_layout()
    return fig


def schedule_figure(
    runs: dict[str, tuple[Sequence[float], Sequence[float | None]]], steps_per_epoch: int, title: str
) -> Any:
    """LR (top) and momentum (bottom) per optimizer step as applied, one line per run; x in epochs."""
    plt = pyplot()
    fig, (ax_lr, ax_m) = plt.subplots(2, 1, sharex=True, figsize=(6.0, 4.2))
    for k, (name, (lrs, moms)) in enumerate(runs.items()):
        x = np.arange(len(lrs)) / steps_per_epoch
        ax_lr.plot(x, lrs, color=f"C{k}", linewidth=1.5, label=name)
        if any(m is not None for m in moms):
            ax_m.plot(x, [np.nan if m is None else m for m in moms], color=f"C{k}", linewidth=1.5, label=name)
    ax_lr.set_ylabel("learning rate")
    ax_m.set_ylabel("momentum")
    ax_m.set_xlabel("epoch")
    for ax in (ax_lr, ax_m):
        ax.grid(True, alpha=0.25)
    if len(runs) > 1:
        ax_lr.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def accuracy_figure(runs: dict[str, Sequence[float]], target: float) -> Any:
    """Validation accuracy per epoch, one line per run, with the target as a dashed line."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.0, 3.6))
    for k, (name, acc) in enumerate(runs.items()):
        ax.plot(np.arange(1, len(acc) + 1), acc, "o-", color=f"C{k}", markersize=3, linewidth=1.5, label=name)
    ax.axhline(target, color="gray", linestyle="--", linewidth=1.0, label=f"{target:.0%}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation accuracy")
    ax.grid(True, alpha=0.25)
    low = min([target, *[min(a) for a in runs.values() if len(a)]])
    ax.set_ylim(max(0.0, low - 0.02), 1.0)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title("Validation accuracy per epoch", fontsize=10)
    fig.tight_layout()
    return fig
