"""The demo's own figure (the range-test and schedule figures come from :mod:`lightning_lr.plotting`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..plotting import pyplot

__all__ = ["accuracy_figure", "focus_loss_axis"]


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


def focus_loss_axis(fig: Any, smoothed: Sequence[float]) -> Any:
    """Cut a range-test figure's loss axis to the part that matters: from the lowest smoothed loss to
    half the drop above the first, so a divergence at the end does not flatten the valley."""
    values = np.asarray([v for v in smoothed if v is not None], dtype=float)
    values = values[np.isfinite(values)]
    if len(values) < 2:
        return fig
    lo, first = float(values.min()), float(values[0])
    drop = max(first - lo, 0.05 * abs(first), 1e-12)
    fig.axes[0].set_ylim(lo - 0.1 * drop, first + 0.5 * drop)
    return fig
