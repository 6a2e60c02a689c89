"""Matplotlib figures. matplotlib is an optional dependency (``pip install lightning_lr[plot]``) and is
imported only when a figure is made."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["pyplot", "range_test_figure", "schedule_figure", "weight_decay_figure"]


def pyplot() -> Any:
    """``matplotlib.pyplot`` with the non-interactive Agg backend, or an ImportError that says what to
    install.

    Example:
        >>> plt = pyplot()
        >>> fig, ax = plt.subplots()
        >>> plt.close(fig)
    """
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


def _curve_limits(ys: list[Any]) -> tuple[float, float] | None:
    """y limits for loss curves: from just below the lowest point to half the drop above the highest
    starting point, so a divergence at the end does not flatten the valley. A curve that never falls
    (no drop of at least 5% of its start) gets its full range instead."""
    import numpy as np

    curves = [np.asarray(y, dtype=float) for y in ys]
    curves = [c[np.isfinite(c)] for c in curves]
    curves = [c for c in curves if len(c)]
    if not curves:
        return None
    lo = min(float(c.min()) for c in curves)
    hi = max(float(c.max()) for c in curves)
    start = max(float(c[0]) for c in curves)
    drop = start - lo
    if drop > 0.05 * abs(start):
        return lo - 0.1 * drop, min(hi, start + 0.5 * drop) + 0.05 * drop
    pad = 0.05 * (hi - lo) if hi > lo else 0.05 * max(abs(hi), 1.0)
    return lo - pad, hi + pad


def _marker_y(xs: Any, ys: Any, x: float, log: bool) -> float:
    import numpy as np

    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    ok = np.isfinite(xs) & np.isfinite(ys)
    xs, ys = xs[ok], ys[ok]
    if log:
        return float(np.interp(np.log(x), np.log(xs), ys))
    return float(np.interp(x, xs, ys))


def range_test_figure(
    result: Any, suggest: bool = True, method: str | None = None, ax: Any = None, raw: bool = True
) -> Any:
    """Loss against the swept learning rate (or momentum) of a
    :class:`~lightning_lr.tuner.RangeTestResult`: raw losses faint, the smoothed curve on top, the
    suggestion of ``method`` and the 1cycle max LR marked. Log x axis in exponential mode; the y axis is
    cut to the smoothed curve, so a diverging last raw loss does not flatten the figure.

    Example:
        >>> from lightning_lr import RangeTestResult
        >>> r = RangeTestResult([1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.5, 1.0, 1.2, 5.0], [None] * 5, smoothing=0)
        >>> fig = range_test_figure(r, method="minimum")
        >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        ['loss', 'smoothed (EMA 0)', 'minimum: 0.01', '1cycle max_lr: 0.1']
    """
    import warnings

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.2)) if ax is None else (ax.figure, ax)
    momentum = result.param == "momentum"
    xs = [float("nan") if m is None else m for m in result.momentums] if momentum else list(result.lrs)
    log = result.mode == "exponential" and not momentum
    if raw:
        ax.plot(xs, result.losses, color="0.7", lw=1, label="loss")
    ax.plot(xs, result.smoothed, color="C0", lw=2, label=f"smoothed (EMA {result.smoothing:g})")
    if log:
        ax.set_xscale("log")
    ax.set_xlabel("momentum" if momentum else "learning rate")
    ax.set_ylabel("validation loss" if result.val_loss else "training loss")
    limits = _curve_limits([result.smoothed])
    if limits is not None:
        ax.set_ylim(*limits)
    if suggest:
        from .tuner import DEFAULT_METHOD

        name = method or ("minimum" if momentum else DEFAULT_METHOD)
        value = result.suggestion(method)
        if value is not None:
            y = _marker_y(xs, result.smoothed, value, log)
            ax.plot([value], [y], "o", color="C3", ms=8, label=f"{name}: {value:.3g}", zorder=5)
        if not momentum:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                top = result.one_cycle_max_lr()
            if top is not None:
                ax.axvline(top, color="C2", ls="--", lw=1, label=f"1cycle max_lr: {top:.3g}")
    title = "momentum range test" if momentum else "LR range test"
    if result.weight_decay is not None:
        title += f" (weight_decay={result.weight_decay:g})"
    if result.stop_reason != "completed":
        title += f", stopped: {result.stop_reason}"
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    return fig


def weight_decay_figure(sweep: Any, suggest: bool = True, method: str | None = None, ax: Any = None) -> Any:
    """The smoothed LR-vs-loss curves of a :class:`~lightning_lr.tuner.WeightDecayResult` overlaid, one
    colour per weight decay, each suggestion marked and the best weight decay named in the legend.

    Example:
        >>> from lightning_lr import RangeTestResult
        >>> from lightning_lr.tuner import WeightDecayResult
        >>> lrs = [1e-3, 1e-2, 1e-1, 1.0, 10.0]
        >>> runs = [RangeTestResult(lrs, [2.0, 1.5, 1.0, 1.2, 5.0], [None] * 5, weight_decay=w) for w in (0, 1e-4)]
        >>> len(weight_decay_figure(WeightDecayResult(runs), suggest=False).axes[0].get_lines())
        2
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.2)) if ax is None else (ax.figure, ax)
    best = sweep.best_weight_decay
    for i, r in enumerate(sweep.results):
        color = f"C{i % 10}"
        label = f"weight_decay={r.weight_decay:g}" + (" (best)" if r.weight_decay == best else "")
        ax.plot(r.lrs, r.smoothed, color=color, lw=2, label=label)
        if suggest:
            value = r.suggestion(method)
            if value is not None:
                ax.plot([value], [_marker_y(r.lrs, r.smoothed, value, True)], "o", color=color, ms=7)
    if sweep.results[0].mode == "exponential":
        ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("validation loss" if sweep.results[0].val_loss else "training loss")
    limits = _curve_limits([r.smoothed for r in sweep.results])
    if limits is not None:
        ax.set_ylim(*limits)
    ax.set_title("LR range test per weight decay")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    return fig
