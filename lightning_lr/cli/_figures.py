"""The demo's figures: drawn (the range-test and schedule figures by :mod:`lightning_lr.plotting`), saved as
PNG and written to TensorBoard.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..plotting import offscreen, schedule_figure, subplots

__all__ = ["accuracy_figure", "save_figures"]


def save_figures(out: Path, range_test: Any, runs: Sequence[Any], target: float) -> list[Path]:
    """The demo's four figures as PNG files in ``out``, and the last three as images of the TensorBoard run
    ``summary`` (the range test's is in the 1cycle run already): the range test, the 1cycle run's LR and
    momentum as applied, every run's LR and momentum, and the validation accuracy per epoch (``runs`` hold ``name``, ``schedule``, ``lrs``, ``momentums``, ``val_acc``;
    the first is the 1cycle run)."""
    from lightning.pytorch.loggers import TensorBoardLogger

    tb = TensorBoardLogger(str(out), name="summary", version="", default_hp_metric=False).experiment
    one = runs[0]
    # written to files and TensorBoard only: the user's matplotlib backend stays theirs
    with offscreen():
        try:
            return [
                # the range test's figure is in TensorBoard once already, in the 1cycle run where the test ran
                _save(range_test.plot(suggest=True), out / "range_test.png", None, "range_test"),
                _save(
                    schedule_figure(
                        range(len(one.lrs)),
                        {"lr": one.lrs},
                        {"momentum": one.momentums},
                        title=f"1cycle as applied: {one.schedule}",
                    ),
                    out / "one_cycle.png",
                    tb,
                    "one_cycle_schedule",
                ),
                _save(
                    _log_y(
                        schedule_figure(
                            range(max(len(r.lrs) for r in runs)),
                            {r.name: r.lrs for r in runs},
                            {r.name: r.momentums for r in runs if any(m is not None for m in r.momentums)},
                            title="LR and momentum as applied",
                        )
                    ),
                    out / "schedules.png",
                    tb,
                    "schedules",
                ),
                _save(
                    accuracy_figure({r.name: r.val_acc for r in runs}, target),
                    out / "val_accuracy.png",
                    tb,
                    "val_acc",
                ),
            ]
        finally:
            tb.close()


def _log_y(fig: Any) -> Any:
    """LR on a log axis: a constant LR beside a 1cycle peak 50x higher is otherwise a flat line at 0."""
    fig.axes[0].set_yscale("log")
    return fig


def _save(fig: Any, path: Path, tb: Any, tag: str) -> Path:
    fig.savefig(path, dpi=100)
    if tb is not None:
        tb.add_figure(tag, fig, close=False)
    return path


def accuracy_figure(runs: dict[str, Sequence[float]], target: float) -> Any:
    """Validation accuracy per epoch, one line per run, with the target as a dashed line."""
    fig, ax = subplots(figsize=(6.0, 3.6))
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
