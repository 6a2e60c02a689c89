"""Matplotlib figures. matplotlib is an optional dependency (``pip install lightning_lr[plot]``) and is
imported only when a figure is made."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["pyplot", "schedule_figure"]


def pyplot() -> Any:
    """``matplotlib.pyplot`` with the non-interactive Agg backend, or an ImportError that says what to
    install."""
    try:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "figures need matplotlib: pip install 'lightning_lr[plot]' (or pip install matplotlib)"
        ) from exc
    return plt


# ---------------------------------------------------------------------------------------------
# Schedule figures (LR and momentum previews)
# ---------------------------------------------------------------------------------------------


def schedule_figure(
    steps: Any,
    lrs: Mapping[str, Any],
    momentums: Mapping[str, Any] | None = None,
    *,
    title: str | None = None,
    marker: int | None = None,
) -> Any:
    """A figure of planned LR curves (top) and momentum curves (bottom, if any) against the optimizer
    step, one line per param group.

    Args:
        steps: the steps the values were taken at (x axis).
        lrs: ``{label: values}``, one entry per param group.
        momentums: ``{label: values}`` for the momentum axis; None or empty for none.
        title: the figure's title.
        marker: a step to mark with a vertical line (e.g. where a resumed run starts).

    Returns:
        a ``matplotlib.figure.Figure``; close it with ``pyplot().close(fig)`` when done.

    Example:
        >>> from lightning_lr.plotting import pyplot, schedule_figure
        >>> from lightning_lr.schedules import OneCycle
        >>> s = OneCycle(0.1, total_steps=100)
        >>> fig = schedule_figure(range(100), {"lr-SGD": s.values(100)}, {"lr-SGD-momentum": s.momentum().values(100)})
        >>> len(fig.axes)
        2
        >>> pyplot().close(fig)
    """
    plt = pyplot()
    import numpy as np

    if not lrs:
        raise ValueError("lrs must hold at least one curve, got none")
    x = np.asarray(steps)
    rows = 2 if momentums else 1
    fig, axes = plt.subplots(rows, 1, sharex=True, figsize=(7, 2.6 * rows + 0.6), squeeze=False)
    ax_lr = axes[0][0]
    for label, values in lrs.items():
        ax_lr.plot(x, np.asarray(values), label=label)
    ax_lr.set_ylabel("learning rate")
    ax_lr.ticklabel_format(axis="y", style="sci", scilimits=(-3, 3))
    ax_lr.legend(fontsize="small", loc="best")
    ax_lr.grid(alpha=0.3)
    if momentums:
        ax_m = axes[1][0]
        for label, values in momentums.items():
            ax_m.plot(x, np.asarray(values), label=label)
        ax_m.set_ylabel("momentum")
        ax_m.legend(fontsize="small", loc="best")
        ax_m.grid(alpha=0.3)
    axes[-1][0].set_xlabel("optimizer step")
    if marker is not None:
        for row in axes:
            row[0].axvline(marker, color="grey", linestyle="--", linewidth=1)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------------
# Range-test figures (LR vs loss, suggestions)
# ---------------------------------------------------------------------------------------------
