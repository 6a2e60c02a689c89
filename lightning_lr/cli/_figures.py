"""The demo's own figure (the range-test and schedule figures come from :mod:`lightning_lr.plotting`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..plotting import pyplot

__all__ = ["accuracy_figure"]


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
