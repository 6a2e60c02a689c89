"""Matplotlib figures drawn from plain data (arrays, names, numbers) that the callers resolve.

A leaf beside the layers: it imports nothing of torch, Lightning or the rest of lightning_lr, so the
schedule previews, the range-test results and the CLI all draw through it. matplotlib is an optional
dependency (``pip install lightning_lr[plot]``) and is imported only when a figure is made.

The user's matplotlib backend is theirs: a figure returned to the user (``result.plot()``) is made with
``pyplot`` under whatever backend the user has, so ``plt.show()`` and a notebook show it; a figure made only
to be written to a file or a logger (a schedule preview during ``fit``, the range test's logged figure, the
CLI's PNGs) is made inside :func:`offscreen`: it belongs to no pyplot window and needs no backend.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import textwrap
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

__all__ = ["offscreen", "pyplot", "range_test_figure", "schedule_figure", "subplots", "weight_decay_figure"]

_offscreen = threading.local()  # per thread: how many offscreen() blocks are open in it


def pyplot() -> Any:
    """``matplotlib.pyplot`` (its backend left as the user has it), or an ImportError that says what to
    install.

    Example:
        >>> plt = pyplot()
        >>> fig, ax = plt.subplots()
        >>> plt.close(fig)
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # depends on the environment
        raise ImportError(_why_not(exc)) from exc
    return plt


def _why_not(exc: ImportError) -> str:
    """What an ImportError of matplotlib means to the user: it is missing (install the extra), or it is
    installed and failed to import (review 74: a matplotlib built for another numpy was said to be missing,
    and installing the extra changed nothing).

    Example:
        >>> _why_not(ModuleNotFoundError("No module named 'matplotlib'", name="matplotlib"))
        "figures need matplotlib: pip install 'lightning_lr[plot]' (or pip install matplotlib)"
        >>> _why_not(ModuleNotFoundError("No module named 'matplotlib._path'", name="matplotlib._path"))[:64]
        'figures need matplotlib, which is installed but failed to import'
        >>> _why_not(ImportError("numpy.core.multiarray failed to import", name="numpy.core.multiarray"))
        'figures need matplotlib, which is installed but failed to import: numpy.core.multiarray failed to import (reinstall or upgrade matplotlib for this environment)'
    """
    missing = isinstance(exc, ModuleNotFoundError) and exc.name == "matplotlib"  # not one of its own modules
    if missing:
        return "figures need matplotlib: pip install 'lightning_lr[plot]' (or pip install matplotlib)"
    return (
        f"figures need matplotlib, which is installed but failed to import: {exc} (reinstall or upgrade "
        f"matplotlib for this environment)"
    )


@contextlib.contextmanager
def offscreen() -> Iterator[None]:
    """Figures made inside (in this thread) are ``matplotlib.figure.Figure`` objects outside pyplot: for
    images written to a file or a logger. No backend is chosen or changed, no window opens (in interactive
    mode either), and there is nothing to close.

    Example:
        >>> with offscreen():
        ...     fig, ax = subplots(figsize=(3, 2))
        >>> fig.canvas.manager is None
        True
    """
    pyplot()  # the same ImportError without matplotlib
    _offscreen.depth = getattr(_offscreen, "depth", 0) + 1
    try:
        yield
    finally:
        _offscreen.depth -= 1


def subplots(**kwargs: Any) -> tuple[Any, Any]:
    """``pyplot.subplots(**kwargs)``, or inside :func:`offscreen` the same grid on a figure outside pyplot.

    Example:
        >>> fig, axes = subplots(nrows=2, ncols=1, figsize=(4, 3))
        >>> len(axes), fig.canvas.manager is not None  # a pyplot figure: close it when done
        (2, True)
        >>> pyplot().close(fig)
    """
    if not getattr(_offscreen, "depth", 0):  # another thread's offscreen() block is not this one's
        return pyplot().subplots(**kwargs)
    from matplotlib.figure import Figure

    fig = Figure(figsize=kwargs.pop("figsize", None))
    return fig, fig.subplots(**kwargs)


# ---------------------------------------------------------------------------------------------
# Inputs: a leaf has no access to lightning_lr._validate, so its few checks live here
# ---------------------------------------------------------------------------------------------


def _said(value: Any) -> str:
    """A value as an error shows it: its type and a repr cut to 60 characters."""
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 60 else text[:57] + '...'}"


def _mapping(name: str, value: Any, what: str) -> Mapping[Any, Any]:
    """``value`` if it is a mapping, else a TypeError naming ``name`` and what it must map."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping {what}, got {_said(value)}")
    return value


def _length(name: str, value: Any) -> int:
    """How many values ``value`` holds, or a TypeError naming ``name`` (a number or a string is not a curve)."""
    if isinstance(value, str | bytes) or not hasattr(value, "__len__"):
        raise TypeError(f"{name} must be a sequence or array of numbers, got {_said(value)}")
    return len(value)


def _curve(name: str, values: Any, xs_name: str, n: int) -> None:
    """A TypeError or ValueError unless ``values`` holds ``n`` values, one per entry of ``xs_name``."""
    got = _length(name, values)
    if got != n:
        raise ValueError(
            f"{name} holds {got} value{'' if got == 1 else 's'}, {xs_name} {n}: give one value per entry of {xs_name}"
        )


def _optional(name: str, value: Any, kinds: tuple[type, ...], allowed: str) -> None:
    """A TypeError unless ``value`` is None or of ``kinds`` (a bool is not a number here)."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, kinds)):
        raise TypeError(f"{name} must be {allowed} or None, got {_said(value)}")


def _axes(ax: Any) -> None:
    """A TypeError unless ``ax`` is None or looks like a matplotlib Axes."""
    if ax is not None and not (hasattr(ax, "figure") and hasattr(ax, "plot")):
        raise TypeError(f"ax must be a matplotlib Axes (None: a new figure), got {_said(ax)}")


def _pairs(candidates: Any) -> None:
    """A TypeError unless ``candidates`` is None or a sequence of ``(lr, score)`` pairs of numbers."""
    if candidates is None:
        return
    _length("candidates", candidates)
    for i, pair in enumerate(candidates):
        if isinstance(pair, str | bytes) or not hasattr(pair, "__len__") or len(pair) != 2:
            raise TypeError(f"candidates[{i}] must be an (lr, score) pair, got {_said(pair)}")
        for part in pair:
            _optional(f"candidates[{i}]", part, (numbers.Real,), "a pair of numbers")


def _schedule_inputs(
    steps: Any, lrs: Any, momentums: Any, title: Any, marker: Any, marker_label: Any
) -> None:
    n = _length("steps", steps)
    for name, curves in (("lrs", lrs), ("momentums", momentums)):
        if curves is None and name == "momentums":
            continue
        for label, values in _mapping(name, curves, "{label: values}").items():
            _curve(f"{name}[{label!r}]", values, "steps", n)
    _optional("title", title, (str,), "a string")
    _optional("marker", marker, (numbers.Real,), "a step (a number)")
    _optional("marker_label", marker_label, (str,), "a string")


def _sweep_inputs(x: Any, curves: Mapping[str, Any], options: Mapping[str, Any]) -> None:
    """The checks of the range-test figures: every curve one value per swept value, the candidates pairs,
    the marks numbers, the step counts ints, the texts strings, ``ax`` an Axes."""
    n = _length("x", x)
    for name, values in curves.items():
        if values is not None:
            _curve(name, values, "x", n)
    for name, value in options.items():
        if name == "candidates":
            _pairs(value)
        elif name == "ax":
            _axes(value)
        elif name in ("candidate_steps", "candidate_tail"):
            _optional(name, value, (numbers.Integral,), "an int")
        elif name in ("suggestion", "max_lr", "smoothing"):
            _optional(name, value, (numbers.Real,), "a number")
        else:  # the texts
            _optional(name, value, (str,), "a string")


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
    marker_label: str | None = None,
) -> Any:
    """A figure of planned LR curves (top) and momentum curves (bottom, if any) against the optimizer
    step, one line per param group.

    Args:
        steps: the steps the values were taken at (x axis).
        lrs: ``{label: values}``, one entry per param group.
        momentums: ``{label: values}`` for the momentum axis; None or empty for none.
        title: the figure's title, wrapped at 100 characters (a composed schedule's repr is long).
        marker: a step to mark with a vertical line (e.g. where a resumed run starts).
        marker_label: what the marker means, in the legend (default ``"step {marker}"``).

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
    import numpy as np

    _schedule_inputs(steps, lrs, momentums, title, marker, marker_label)
    if not lrs:
        raise ValueError("lrs must hold at least one curve, got none")
    x = np.asarray(steps)
    rows = 2 if momentums else 1
    fig, axes = subplots(nrows=rows, ncols=1, sharex=True, figsize=(7, 2.6 * rows + 0.6), squeeze=False)
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
        label = marker_label or f"step {marker}"
        for row in axes:
            row[0].axvline(marker, color="grey", linestyle="--", linewidth=1, label=label)
            row[0].legend(fontsize="small", loc="best")
    if title:
        fig.suptitle("\n".join(textwrap.fill(line, 100) for line in title.splitlines()))
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
    x: Sequence[float],
    losses: Sequence[float],
    smoothed: Sequence[float],
    *,
    smoothing: float | None = None,
    log_x: bool = True,
    x_label: str = "learning rate",
    y_label: str = "training loss",
    suggestion: float | None = None,
    rule: str | None = None,
    max_lr: float | None = None,
    title: str | None = "LR range test",
    ax: Any = None,
    raw: bool = True,
    candidates: Sequence[tuple[float, float]] | None = None,
    suggestion_y: float | None = None,
    candidate_steps: int | None = None,
    candidate_tail: int | None = None,
    centred: Sequence[float] | None = None,
    no_answer: str | None = None,
) -> Any:
    """The loss of a range test against the swept value: raw losses faint, a smoothed curve on top (the
    centred average the rules read when ``centred`` is given, the EMA dashed beside it), the
    suggestion and the 1cycle max LR marked, and the candidates of a confirmation (each LR at its score; a
    diverged one, score inf or NaN, as a cross at the top; the suggestion at the score they give it). The y
    axis is cut to the smoothed curve, reaching down to the lowest score and the suggestion's mark, so a
    diverging last raw loss does not flatten the figure; a candidate whose score lies above the cut is a
    triangle at the top edge, its score in the legend.

    Args:
        x: the swept value at each step (LR or momentum).
        losses: the raw loss at each step.
        smoothed: the smoothed loss at each step.
        smoothing: the EMA factor of ``smoothed``, for its legend entry.
        log_x: a log x axis (an LR sweep in exponential mode).
        x_label: the x axis's label.
        y_label: the y axis's label.
        suggestion: the suggested value to mark on the smoothed curve (None: no mark).
        rule: the name of the rule that suggested it, for the legend.
        max_lr: a 1cycle max LR to mark with a dashed vertical line (None: no line).
        title: the axes' title.
        ax: a matplotlib Axes to draw into; a new figure when None.
        raw: also draw the raw losses.
        candidates: ``(lr, score)`` of each candidate LR trained after the sweep (None: none).
        suggestion_y: the loss at which to mark the suggestion (the score the candidates give it); None: on
            the smoothed curve.
        candidate_steps: the steps each candidate trained, for the legend.
        candidate_tail: how many of its last losses a candidate's score averages, for the legend.
        centred: the curve the suggestion rules read (a centred average, without the EMA's lag), drawn as the
            main curve, the EMA ``smoothed`` then thin and dashed (None: ``smoothed`` is the main curve).
        no_answer: why there is no suggestion, written on the axes (None: nothing written).

    Returns:
        the ``matplotlib.figure.Figure``.

    Example:
        >>> fig = range_test_figure([1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.5, 1.0, 1.2, 5.0],
        ...                         [2.0, 1.5, 1.0, 1.2, 5.0], smoothing=0, suggestion=0.01, rule="minimum",
        ...                         max_lr=0.1)
        >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        ['loss', 'smoothed (EMA 0)', 'suggestion 0.01 (rule: minimum)', '1cycle max_lr: 0.1']
        >>> fig = range_test_figure([1e-3, 1e-2, 1e-1, 1.0], [2.0, 1.5, 1.0, 5.0], [2.0, 1.5, 1.0, 5.0],
        ...                         suggestion=0.01, rule="confirmed", candidates=[(0.01, 0.8), (0.1, float("inf"))],
        ...                         suggestion_y=0.8, candidate_steps=80, candidate_tail=16)
        >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][1:]
        ['smoothed', 'candidates: mean loss of the last 16 of 80 steps', 'diverged candidate', 'suggestion 0.01 (rule: confirmed)']
    """
    _sweep_inputs(
        x,
        {"losses": losses, "smoothed": smoothed, "centred": centred},
        {
            "candidates": candidates,
            "suggestion": suggestion,
            "max_lr": max_lr,
            "smoothing": smoothing,
            "candidate_steps": candidate_steps,
            "candidate_tail": candidate_tail,
            "title": title,
            "x_label": x_label,
            "y_label": y_label,
            "rule": rule,
            "no_answer": no_answer,
            "ax": ax,
        },
    )
    new = ax is None
    # the legend beside the axes: the candidates fill the lower part of the plot (review 47: a no-answer text
    # on the axes covered the legend; it now goes under them)
    beside = bool(candidates or (suggestion is None and no_answer))
    fig, ax = subplots(figsize=(8.6 if beside else 6.4, 4.2)) if ax is None else (ax.figure, ax)
    xs = list(x)
    dot = "o" if len(xs) == 1 else None  # a single point draws no line
    if raw:
        ax.plot(xs, losses, color="0.7", lw=1, marker=dot, label="loss")
    label = "smoothed" if smoothing is None else f"smoothed (EMA {smoothing:g})"
    if centred is None:
        ax.plot(xs, smoothed, color="C0", lw=2, marker=dot, label=label)
    else:
        ax.plot(xs, smoothed, color="C0", lw=1, ls="--", alpha=0.7, marker=dot, label=label)
        ax.plot(xs, centred, color="C0", lw=2, marker=dot, label="centred average (what the rules read)")
    if log_x:
        ax.set_xscale("log")
        if len(xs) == 1 and xs[0] > 0:  # around the one LR swept, not matplotlib's default decade
            ax.set_xlim(xs[0] / 10.0, xs[0] * 10.0)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    limits = _curve_limits([smoothed] if centred is None else [smoothed, centred])
    limits = _draw_candidates(
        ax,
        limits,
        candidates,
        suggestion_y if suggestion is not None else None,
        candidate_steps,
        candidate_tail,
    )
    if suggestion is not None:  # at the candidates' score for it, else on the smoothed curve
        curve = smoothed if centred is None else centred  # on the curve the rules read
        y = suggestion_y if suggestion_y is not None else _marker_y(xs, curve, suggestion, log_x)
        # a ring, so the candidate it sits on shows through (review 47: a dot hid the winner)
        ax.plot(
            [suggestion],
            [y],
            "o",
            color="C3",
            mfc="none",
            mew=2,
            ms=11,
            label=_suggestion_label(suggestion, rule, _fitted(suggestion, suggestion_y, candidates)),
            zorder=7,
        )
    if max_lr is not None:
        ax.axvline(max_lr, color="C2", ls="--", lw=1, label=f"1cycle max_lr: {max_lr:.3g}")
    if title:
        ax.set_title(title)
    if suggestion is None and no_answer:
        _write_no_answer(ax, no_answer, new)
    ax.grid(True, which="both", alpha=0.3)
    if new and beside:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
        fig.tight_layout()
    else:
        ax.legend(loc="best", fontsize="small")
    return fig


def _write_no_answer(ax: Any, why: str | None, new: bool, weight_decay: str | None = None) -> None:
    """Why there is no suggestion (``why``), and why no weight decay is suggested (``weight_decay``): in a
    figure of its own under the axes (on them it hid the candidates of a second try: review 77), in the
    caller's Axes on them, half transparent, under the markers."""
    said = [
        f"no weight decay suggested: {weight_decay}" if weight_decay else "",
        f"no suggestion: {why}" if why else "",
    ]
    text = "\n".join(textwrap.fill(t, 110 if new else 70) for t in said if t)
    box = {"facecolor": "white", "alpha": 0.85 if new else 0.6, "edgecolor": "0.6"}
    if new:  # under the x label, from the axes' left edge
        ax.annotate(
            text,
            xy=(0.0, 0.0),
            xycoords=(ax.transAxes, ax.xaxis.label),
            xytext=(0, -6),
            textcoords="offset points",
            va="top",
            fontsize="x-small",
            bbox=box,
        )
    else:
        ax.text(0.02, 0.97, text, transform=ax.transAxes, va="top", fontsize="x-small", bbox=box, zorder=2.5)


def _draw_candidates(
    ax: Any,
    limits: tuple[float, float] | None,
    candidates: Sequence[tuple[float, float]] | None,
    suggestion_y: float | None,
    steps: int | None,
    tail: int | None,
    color: str = "C1",
) -> tuple[float, float] | None:
    """Set the y axis to ``limits`` (the curves' cut), reaching down to the lowest finite candidate score and
    ``suggestion_y`` (the refined score can lie below every candidate's), and draw the candidates at their
    scores (in ``color``): a finite score above the cut as a triangle at the top edge, a diverged one as a
    cross there. Returns the limits set."""
    scores = [(lr, sc) for lr, sc in (candidates or ()) if math.isfinite(sc)]
    marked = [sc for _, sc in scores]
    if suggestion_y is not None and math.isfinite(suggestion_y):
        marked.append(suggestion_y)
    if limits is not None and marked:
        low = min(marked)
        if low < limits[0]:
            limits = (low - 0.05 * (limits[1] - low), limits[1])
    if limits is not None:
        ax.set_ylim(*limits)
    if not candidates:
        return limits
    top = None if limits is None else limits[1]
    each = (
        ", last steps"
        if steps is None
        else f", last steps ({steps} steps each)"
        if tail is None
        else f" of the last {tail} of {steps} steps"
    )
    inside = [(lr, sc) for lr, sc in scores if top is None or sc <= top]
    above = [(lr, sc) for lr, sc in scores if top is not None and sc > top]
    if inside:
        ax.plot(
            [lr for lr, _ in inside],
            [sc for _, sc in inside],
            "D",
            color=color,
            ms=6,
            label=f"candidates: mean loss{each}",
            zorder=6,
        )
    if above and top is not None:
        ax.plot(
            [lr for lr, _ in above],
            [top] * len(above),
            "^",
            color=color,
            ms=8,
            label="candidate above the axes: " + ", ".join(f"{sc:.3g}" for _, sc in above),
            zorder=6,
            clip_on=False,
        )
    bad = [lr for lr, sc in candidates if not math.isfinite(sc)]
    if bad:
        top = ax.get_ylim()[1]
        ax.plot(
            bad,
            [top] * len(bad),
            "x",
            color=color,
            ms=8,
            mew=2,
            label="diverged candidate",
            zorder=6,
            clip_on=False,
        )
    return limits


def _fitted(value: float, y: float | None, candidates: Sequence[tuple[float, float]] | None) -> float | None:
    """``y``, the score a suggestion is marked at, when no candidate at ``value`` measured it (the vertex of
    the parabola through the winner and its neighbours); else None."""
    if y is None or not math.isfinite(y):
        return None
    measured = any(math.isclose(lr, value) and math.isclose(sc, y) for lr, sc in (candidates or ()))
    return None if measured else y


def _suggestion_label(value: float, rule: str | None, fitted: float | None = None) -> str:
    """``suggestion 0.00327 (rule: minimum)``; with ``fitted``, the score it is marked at, which no candidate
    measured (review 77: the mark sat below every candidate without a word)."""
    said = "" if fitted is None else f", at its fitted score {fitted:.3g}"
    return f"suggestion {value:.3g}" + ("" if rule is None else f" (rule: {rule}{said})")


def weight_decay_figure(
    curves: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    suggestions: Mapping[str, float | None] | None = None,
    *,
    log_x: bool = True,
    x_label: str = "learning rate",
    y_label: str = "training loss",
    title: str | None = "LR range test per weight decay",
    ax: Any = None,
    raw: Mapping[str, Sequence[float]] | None = None,
    candidates: Sequence[tuple[float, float]] | None = None,
    suggestion_y: Mapping[str, float] | None = None,
    candidate_steps: int | None = None,
    candidate_tail: int | None = None,
    max_lr: float | None = None,
    no_answer: str | None = None,
    confirmed: str | None = None,
    no_weight_decay: str | None = None,
) -> Any:
    """Smoothed range-test curves overlaid, one colour per curve (one per weight decay), each suggestion
    marked on its curve, or at the loss ``suggestion_y`` gives it; the candidates of a confirmation, the
    1cycle max LR and why there is no answer as in :func:`range_test_figure`, and why no weight decay is
    suggested.

    Args:
        curves: ``{label: (x, smoothed)}``, one entry per sweep, in legend order.
        suggestions: ``{label: value}`` to mark on the curve of that label (None values are not marked).
        raw: ``{label: losses}``: the raw losses of that curve, drawn faint in its colour.
        candidates: ``(lr, score)`` of each candidate LR the confirmation trained (None: none).
        suggestion_y: ``{label: loss}``: where to mark that label's suggestion (the score the candidates
            give it) instead of on its curve.
        candidate_steps: the steps each candidate trained, for the legend.
        candidate_tail: how many of its last losses a candidate's score averages, for the legend.
        max_lr: a 1cycle max LR to mark with a dashed vertical line (None: no line).
        no_answer: why there is no suggestion, written under the axes (None: nothing written).
        confirmed: the label of the curve whose confirmation ``candidates`` are (drawn in its colour).
        no_weight_decay: why no weight decay is suggested, written under the axes (None: nothing written).
        log_x: a log x axis.
        x_label: the x axis's label.
        y_label: the y axis's label.
        title: the axes' title.
        ax: a matplotlib Axes to draw into; a new figure when None.

    Returns:
        the ``matplotlib.figure.Figure``.

    Example:
        >>> lrs, y = [1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.5, 1.0, 1.2, 5.0]
        >>> fig = weight_decay_figure({"weight_decay=0": (lrs, y), "weight_decay=0.0001 (best)": (lrs, y)})
        >>> len(fig.axes[0].get_lines())
        2
    """
    _weight_decay_inputs(curves, suggestions, raw, suggestion_y)
    _sweep_inputs(
        (),
        {},
        {
            "candidates": candidates,
            "max_lr": max_lr,
            "candidate_steps": candidate_steps,
            "candidate_tail": candidate_tail,
            "title": title,
            "x_label": x_label,
            "y_label": y_label,
            "no_answer": no_answer,
            "confirmed": confirmed,
            "no_weight_decay": no_weight_decay,
            "ax": ax,
        },
    )
    new = ax is None
    beside = bool(candidates or no_answer or no_weight_decay)
    fig, ax = subplots(figsize=(8.6 if beside else 6.4, 4.2)) if ax is None else (ax.figure, ax)
    marks = suggestions or {}
    at = suggestion_y or {}
    for i, (label, (x, smoothed)) in enumerate(curves.items()):
        color = f"C{i % 10}"
        if raw is not None and label in raw:
            ax.plot(x, raw[label], color=color, lw=1, alpha=0.3)
        value = marks.get(label)
        fitted = None if value is None else _fitted(value, at.get(label), candidates)
        shown = label if fitted is None else f"{label}, at its fitted score {fitted:.3g}"
        if beside:  # a legend beside the axes: long entries wrapped, so it does not squeeze them
            shown = textwrap.fill(shown, 48, subsequent_indent="  ")
        ax.plot(x, smoothed, color=color, lw=2, label=shown)
        if value is not None:
            y = at.get(label)
            y = _marker_y(x, smoothed, value, log_x) if y is None else y
            # a ring, so the candidate it sits on shows through
            ax.plot(
                [value], [y], "o", color=color, mfc="none" if label in at else color, mew=2, ms=9, zorder=7
            )
    if log_x:
        ax.set_xscale("log")
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    limits = _curve_limits([smoothed for _, smoothed in curves.values()])
    colors = {label: f"C{i % 10}" for i, label in enumerate(curves)}
    _draw_candidates(
        ax,
        limits,
        candidates,
        min(at.values(), default=None),
        candidate_steps,
        candidate_tail,
        colors.get(confirmed or "", "0.2"),
    )
    if max_lr is not None:
        ax.axvline(max_lr, color="0.3", ls="--", lw=1, label=f"1cycle max_lr: {max_lr:.3g}")
    if title:
        ax.set_title(title)
    if no_answer or no_weight_decay:
        _write_no_answer(ax, no_answer, new, no_weight_decay)
    ax.grid(True, which="both", alpha=0.3)
    if new and beside:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
        fig.tight_layout()
    else:
        ax.legend(loc="best", fontsize="small")
    return fig


def _weight_decay_inputs(curves: Any, suggestions: Any, raw: Any, suggestion_y: Any) -> None:
    """The checks of :func:`weight_decay_figure`'s per-curve mappings: each curve an ``(x, smoothed)`` pair
    of one length, its raw losses as many, its marks numbers, and no mark for a label without a curve."""
    for label, pair in _mapping("curves", curves, "{label: (x, smoothed)}").items():
        if isinstance(pair, str | bytes) or not hasattr(pair, "__len__") or len(pair) != 2:
            raise TypeError(f"curves[{label!r}] must be an (x, smoothed) pair, got {_said(pair)}")
        n = _length(f"curves[{label!r}][0]", pair[0])
        _curve(f"curves[{label!r}][1]", pair[1], f"curves[{label!r}][0]", n)
        if raw is not None and label in _mapping("raw", raw, "{label: losses}"):
            _curve(f"raw[{label!r}]", raw[label], f"curves[{label!r}][0]", n)
    for name, marks in (("suggestions", suggestions), ("suggestion_y", suggestion_y), ("raw", raw)):
        for label, value in ({} if marks is None else _mapping(name, marks, "{label: value}")).items():
            if label not in curves:
                raise ValueError(f"{name} has {label!r}, which curves has not (it has {list(curves)})")
            if name != "raw":
                _optional(f"{name}[{label!r}]", value, (numbers.Real,), "a number")
