"""Pure curve math of the range test: smoothing and the suggestion rules (numpy only, no torch).

Every suggestion rule reads the *raw* losses of the finite part of the curve (the points before the first
NaN/inf) through :func:`zero_lag`, a centred moving average over ``log(lr)``, and answers with an index
into the sweep, or with the reason why there is no answer. The rules do not read the bias-corrected EMA
(:func:`ema`, the ``smoothed`` curve users see): over a 100-step sweep its default factor 0.98 averages
about 50 points, so it lags the raw loss by decades of LR (on a digits MLP the raw loss was 1.21 where the
EMA still said 2.22, and the EMA's minimum sat 4 steps before the raw loss hit 10). A centred average has
no lag: a point's value is the mean of the losses on both sides of it. Only :func:`knee`, the former rule
for 1cycle's max LR and the cyclic bounds that the benchmark still reports beside them, reads the EMA; the
package no longer calls it. :class:`~lightning_lr.tuner.RangeTestResult` turns that into a learning rate or ``None`` and a
warning; the functions here never warn, so they can be benchmarked and tested on synthetic curves.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import _validate as V

__all__ = [
    "DEFAULT_METHOD",
    "KNEE_FRACTION",
    "METHODS",
    "MIN_POINTS",
    "Pick",
    "ema",
    "knee",
    "lowest",
    "minimum",
    "pick",
    "slide",
    "steepest",
    "valley",
    "zero_lag",
]

#: the suggestion rules, in the order the docs and figures list them
METHODS = ("valley", "steepest", "minimum", "slide")
#: the rule used when none is named: the one that wins table (b) of ``benchmarks/range_test_quality.py``
#: (within 3x of the grid-best constant LR on every task and seed at the default sweep)
DEFAULT_METHOD = "minimum"
#: fewer finite points than this and no rule answers
MIN_POINTS = 5
#: :func:`zero_lag`: half-width of the centred window, in decades of LR. A quarter decade is finer than
#: the 3x (0.48 decade) a suggestion may be off, and averages 7 points at the default sweep (100 steps over
#: 8 decades, 12.4 points per decade) and 19 at 300 steps
ZERO_LAG_DECADES = 0.25
#: the reason of a sweep whose loss rose from its first LRs (it started too high: :func:`_descent`)
ROSE_FIRST = "the loss never fell below its starting level: it rose from the first LRs on"
#: why no rule answers when the first loss is NaN/inf: it comes before any optimizer step at a swept LR
FIRST_NOT_FINITE = (
    "the loss was NaN/inf at the first step of the sweep, computed before any optimizer step at a swept LR: "
    "the model or the data give it whatever the LR (check the inputs, the targets and the loss, or the "
    "weights an earlier step left); a lower min_lr fails the same way"
)
#: the start level of the loss is the mean of this fraction of the curve's first points
START_FRACTION = 0.1
#: the descent band is the stretch before the minimum that has fallen this fraction of the total drop
BAND = 0.1
#: ``knee``: the first point whose smoothed loss has completed this fraction of its total drop
KNEE_FRACTION = 0.9
#: ``slide``: the window, as a fraction of the finite points, and the largest difference of the
#: normalized slopes (slope of the zero-lag curve over log LR, divided by its range) at its ends
SLIDE_WINDOW = 0.15
SLIDE_THRESHOLD = 0.05


@dataclass(frozen=True)
class Pick:
    """A rule's answer: the index of the chosen point, or ``None`` and the reason."""

    index: int | None
    reason: str = ""


def ema(values: Sequence[float], beta: float) -> np.ndarray:
    """Bias-corrected exponential moving average, exact from the first point.

    ``avg_t = beta * avg_{t-1} + (1 - beta) * x_t`` and ``smoothed_t = avg_t / (1 - beta ** (t + 1))``, so
    the first smoothed value is the first raw value (no pull towards 0). ``beta=0`` returns the values.
    A NaN or inf propagates to every later point (the sweep stops there anyway).

    Example:
        >>> ema([4.0, 2.0], beta=0.5).tolist()
        [4.0, 2.6666666666666665]
    """
    x = np.asarray(values, dtype=np.float64)
    V.in_range("smoothing", beta, 0.0, 1.0, lo_open=False, hi_open=True)
    out = np.empty_like(x)
    avg, weight = 0.0, 0.0
    for i, v in enumerate(x):
        avg = beta * avg + (1.0 - beta) * v
        weight = beta * weight + (1.0 - beta)  # = 1 - beta ** (i + 1), without the power
        out[i] = avg / weight
    return out


def zero_lag(lrs: Sequence[float], losses: Sequence[float], decades: float = ZERO_LAG_DECADES) -> np.ndarray:
    """The losses smoothed without lag: a centred moving average over ``log10(lr)``, the curve the rules read.

    Point ``i`` is the mean of the raw losses whose LR lies within ``decades`` (in log10) of ``lrs[i]``. The
    window is shrunk symmetrically near the ends of the curve (to the distance to the nearer end), so it is
    always centred and the first and last points are their raw values: unlike an EMA, nothing is pulled
    towards the past (or, at the end, towards the future). In exponential mode the window holds the same
    number of points everywhere (7 at the default sweep); in linear mode it holds more at high LRs.
    Only the finite part is smoothed (the points before the first NaN/inf loss or non-positive LR); the
    rest is NaN. ``decades=0`` returns the raw finite losses.

    Example:
        >>> zero_lag([1e-3, 1e-2, 1e-1, 1.0, 10.0], [4.0, 2.0, 3.0, 1.0, float("nan")], decades=1).tolist()
        [4.0, 3.0, 2.0, 1.0, nan]
    """
    V.non_negative("decades", decades)
    lr = np.asarray(lrs, dtype=np.float64)
    y = np.asarray(losses, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.log10(lr)
    xf, yf = _finite(x, y)
    out = np.full(len(y), np.nan)
    if len(yf) and np.any(np.diff(xf) < 0):
        raise ValueError("zero_lag needs the learning rates in increasing order")
    out[: len(yf)] = _centred(xf, yf, decades)
    return out


def _centred(x10: np.ndarray, y: np.ndarray, decades: float) -> np.ndarray:
    """:func:`zero_lag` on finite arrays, ``x10 = log10(lr)`` increasing."""
    out = np.empty(len(y))
    for i in range(len(y)):
        half = min(decades, x10[i] - x10[0], x10[-1] - x10[i])
        lo = int(np.searchsorted(x10, x10[i] - half - 1e-12, side="left"))
        hi = int(np.searchsorted(x10, x10[i] + half + 1e-12, side="right"))
        out[i] = float(np.mean(y[lo:hi]))  # not a cumsum: one huge loss at the blow-up would swamp it
    return out


def _finite(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The prefix before the first non-finite loss (or non-positive LR)."""
    bad = ~(np.isfinite(ys) & np.isfinite(xs))
    n = int(np.argmax(bad)) if bad.any() else len(ys)
    return xs[:n], ys[:n]


def _prepare(
    lrs: Sequence[float], losses: Sequence[float], smooth: bool = True
) -> tuple[np.ndarray, np.ndarray, str]:
    """``(log(lr), curve, reason)`` on the finite part: the curve is :func:`zero_lag` of the raw ``losses``
    (or ``losses`` as given, already smoothed, when ``smooth`` is False); ``reason`` is why no rule can
    answer, else empty."""
    lr = np.asarray(lrs, dtype=np.float64)
    y = np.asarray(losses, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.log(lr)
    x, y = _finite(x, y)
    if not len(y) and len(lrs) and not np.isfinite(np.asarray(losses, dtype=np.float64)[:1]).all():
        return x, y, FIRST_NOT_FINITE
    if len(y) < MIN_POINTS:
        return (
            x,
            y,
            (
                f"only {V.counted(len(y), 'finite point')} before the loss became NaN/inf or the sweep ended "
                f"(need {MIN_POINTS}); start lower (min_lr) or take more steps (num_steps)"
            ),
        )
    if np.any(np.diff(x) <= 0):
        return x, y, "the learning rates of the sweep do not increase strictly; the rules need a rising LR"
    if smooth:
        y = _centred(x / math.log(10.0), y, ZERO_LAG_DECADES)
    return x, y, ""


def _descent(y: np.ndarray) -> tuple[int, int, float, str]:
    """Where the descent is: (first index of the descent band, index of the minimum, total drop, reason).

    The start level is the mean of the first ``START_FRACTION`` of the curve's points (at least 1; a flat,
    noisy start averages out there); the minimum is searched after them (a low first loss is noise, not the
    best LR); the total drop is from the start level to the minimum. The descent band is the stretch just
    before the minimum that stays below ``start - BAND * drop``: it starts right after the *last* point
    above that level before the minimum. (The first point at or below the level would let one low point of
    the noisy flat start open the band there, and a band that spans the flat start is noise, not descent.)
    """
    n = len(y)
    k = max(1, search_start(n))
    start = float(np.mean(y[:k]))
    i_min = k + int(np.argmin(y[k:])) if n > k else int(np.argmin(y))
    drop = start - float(y[i_min])
    if i_min == 0 or drop <= 1e-9 * max(abs(start), 1e-12):
        if float(np.ptp(y)) <= 1e-9 * max(abs(start), 1e-12):
            # review 98: "lower min_lr" was the advice for a loss nothing moved, where it cannot help
            why = (
                f"the loss did not change over the sweep (it stayed at {start:.4g}): nothing the optimizer updated "
                f"moved it, or the LRs were too small to; check that the model trains at all, raise max_lr, or take "
                f"more steps (num_steps)"
            )
        else:
            # where the loss first rose clear of its start (a tenth of its whole rise): in the first quarter, the
            # sweep started too high; later, nothing below that LR trained it (review 99: a loss flat for 80 of
            # 100 points was said to rise from the first LRs on)
            rise = float(np.max(y)) - start
            first = int(np.argmax(y > start + 0.1 * rise))
            if first < n / 4:
                why = f"{ROSE_FIRST}; lower min_lr, or check that the model trains at all"
            else:
                why = (
                    "the loss never fell below its starting level: it stayed there, then rose: no LR of the sweep "
                    "trained the model; take more steps (num_steps), or check that the model trains at all"
                )
        return 0, i_min, 0.0, why
    level = start - BAND * drop
    above = np.flatnonzero(y[:i_min] > level)
    first = int(above[-1]) + 1 if len(above) else 0
    return first, i_min, drop, ""


def steepest(lrs: Sequence[float], losses: Sequence[float]) -> Pick:
    """The steepest descent of the :func:`zero_lag` curve over ``log(lr)``, searched only on the way down.

    Only the descent band counts (see :func:`_descent`: the stretch before the minimum that has fallen
    ``BAND``, 10%, of the total drop below the starting level). Noise in the flat start can never win (the
    fault behind suggestions like 9e-8). Slopes are taken over log LR, not LR: over LR, an exponential
    sweep's tiny steps at the start turn noise into huge slopes.

    Example:
        >>> lrs = [10 ** (k / 2) for k in range(-8, 1)]
        >>> steepest(lrs, [2.0, 2.0, 1.9, 1.5, 1.0, 0.8, 0.7, 0.7, 3.0]).index
        3
    """
    x, y, reason = _prepare(lrs, losses)
    if reason:
        return Pick(None, reason)
    first, i_min, _, reason = _descent(y)
    if reason:
        return Pick(None, reason)
    grad = np.gradient(y, x)
    best = min(range(first, i_min + 1), key=lambda i: grad[i])
    if grad[best] >= 0:
        return Pick(None, "the loss has no descending stretch")
    return Pick(best)


def valley(lrs: Sequence[float], losses: Sequence[float]) -> Pick:
    """The middle (in log LR) of the longest valley: the longest strictly decreasing subsequence of the
    :func:`zero_lag` curve in its descent band (the stretch before the minimum that has fallen ``BAND`` of
    the drop, see :func:`_descent`). Bumps do not break a valley, since a subsequence may step over them;
    the drift of a flat noisy start is not part of it.

    Example:
        >>> lrs = [10 ** (k / 2) for k in range(-8, 1)]
        >>> valley(lrs, [2.0, 1.8, 1.9, 1.5, 1.2, 0.9, 0.7, 0.8, 3.0]).index
        4
    """
    x, y, reason = _prepare(lrs, losses)
    if reason:
        return Pick(None, reason)
    start, i_min, _, reason = _descent(y)
    if reason:
        return Pick(None, reason)
    first, last = _longest_decrease(y[start : i_min + 1])
    first, last = first + start, last + start
    return Pick(_nearest(x, (x[first] + x[last]) / 2.0))


def minimum(lrs: Sequence[float], losses: Sequence[float]) -> Pick:
    """The point of lowest loss on the :func:`zero_lag` curve (the LR to suggest is a tenth of its LR).

    The minimum of the centred average sits where the raw loss bottoms out, just before it blows up; a
    tenth of that LR is the largest LR that is an order of magnitude away from divergence. (On the lagging
    EMA the minimum sits at or past the blow-up, and "a tenth" only worked where the lag happened to cancel.)
    It is searched after the first ``START_FRACTION`` of the points, like every rule's minimum.

    Example:
        >>> minimum([1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.5, 1.0, 1.2, 5.0]).index
        2
    """
    _, y, reason = _prepare(lrs, losses)
    if reason:
        return Pick(None, reason)
    _, i_min, _, reason = _descent(y)
    return Pick(None, reason) if reason else Pick(i_min)


def slide(lrs: Sequence[float], losses: Sequence[float]) -> Pick:
    """Slide a window from the high-LR end towards low LRs until the slopes at its two ends agree; the
    window's left end is the answer (the "slide" rule of fastai, made scale-free).

    Slopes are of the :func:`zero_lag` curve over log LR, divided by its range, so the threshold
    ``SLIDE_THRESHOLD`` does not depend on the loss's units. The window spans ``SLIDE_WINDOW`` of the
    finite points (at least 2).

    Example:
        >>> import numpy as np
        >>> lrs = np.logspace(-6, 1, 50)
        >>> y = np.r_[np.full(20, 2.0), np.linspace(2.0, 0.5, 20), np.geomspace(0.5, 8.0, 10)]
        >>> 20 <= slide(lrs, y).index <= 40
        True
    """
    x, y, reason = _prepare(lrs, losses)
    if reason:
        return Pick(None, reason)
    _, _, _, reason = _descent(y)
    if reason:
        return Pick(None, reason)
    span = float(y.max() - y.min())
    grad = np.gradient(y, x) / span
    n = len(y)
    width = max(2, round(SLIDE_WINDOW * n))
    right = n - 1
    left = right - width
    while left > 0 and abs(grad[right] - grad[left]) > SLIDE_THRESHOLD:
        left -= 1
        right -= 1
    return Pick(max(left, 0))


def knee(lrs: Sequence[float], smoothed: Sequence[float]) -> Pick:
    """Where the loss still falls: the first point of the descent whose *smoothed* loss (the EMA, as given;
    not :func:`zero_lag`) has completed ``KNEE_FRACTION`` (90%) of its drop from the starting level to the
    minimum.

    This is the largest LR at which the loss is still clearly decreasing: the bias-corrected EMA lags the
    raw loss, so its minimum sits where the raw loss already rises; the knee sits before it. It is the
    maximum LR of the 1cycle policy and the upper bound of a cyclical LR.

    Example:
        >>> knee([1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.9, 1.2, 1.05, 1.0, 4.0]).index
        3
    """
    _, y, reason = _prepare(lrs, smoothed, smooth=False)
    if reason:
        return Pick(None, reason)
    first, i_min, drop, reason = _descent(y)
    if reason:
        return Pick(None, reason)
    level = y[i_min] + (1.0 - KNEE_FRACTION) * drop
    for i in range(first, i_min + 1):
        if y[i] <= level:
            return Pick(i)
    return Pick(i_min)  # pragma: no cover - y[i_min] <= level always holds


def lowest(
    values: Sequence[float | None], smoothed: Sequence[float], asked: int | None = None, stopped: bool = False
) -> Pick:
    """The point of lowest *smoothed* loss in the finite part of the curve (the momentum sweep's rule:
    over a narrow momentum range the EMA's lag moves the answer little, and the raw loss is too noisy).
    A None value (no momentum recorded) ends the finite part like a NaN loss. It is searched after the first
    ``START_FRACTION`` of the ``asked`` steps (:func:`search_start`), like every rule's minimum: there the
    smoothed loss is an average of a few batches (review 89: a lucky second batch answered 0.8019); a sweep
    that stopped within it has no answer. A ``stopped`` sweep's last point, where it blew up, is not searched.

    Example:
        >>> lowest([0.8, 0.85, 0.9, 0.95], [2.0, 1.5, 1.2, float("nan")]).index
        2
    """
    x = np.asarray([math.nan if v is None else v for v in values], dtype=np.float64)
    y = np.asarray(smoothed, dtype=np.float64)
    finite = np.isfinite(y) & np.isfinite(x)
    n = len(y) if finite.all() else int(np.argmin(finite))
    if n == 0:
        return Pick(None, "no finite loss was recorded")
    start = search_start(n, asked)
    end = (
        n - 1 if stopped and n == len(y) else n
    )  # a stopped sweep's last point is where it blew up (review 92)
    if start >= end:  # review 91: it answered from there, the lucky batch review 89 found
        return Pick(
            None,
            f"the sweep stopped after {V.counted(len(y), 'step')} of {asked or len(y)}, within its first tenth, where the "
            f"loss is an average of a few batches: no point to search; lower max_momentum or the LR",
        )
    return Pick(start + int(np.argmin(y[start:end])))


def search_start(n: int, asked: int | None = None) -> int:
    """Where a sweep's start ends (its start level, the early stop's warm-up) and its lowest point is searched
    from: after the first ``START_FRACTION`` of the ``asked`` steps (of the ``n`` points recorded when not
    given). It may be ``n`` or more: a sweep that stopped within that tenth has no point after it (review 89:
    a tenth of the points recorded kept most of that region in a sweep that stopped early).

    Example:
        >>> search_start(100), search_start(20, asked=100), search_start(3)
        (10, 10, 1)
    """
    return math.ceil(START_FRACTION * (asked or n))


_RULES = {"valley": valley, "steepest": steepest, "minimum": minimum, "slide": slide}


def pick(method: str, lrs: Sequence[float], losses: Sequence[float]) -> Pick:
    """Run the rule called ``method`` (one of :data:`METHODS`) on the raw ``losses``.

    Example:
        >>> pick("minimum", [1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.5, 1.0, 1.2, 5.0])
        Pick(index=2, reason='')
    """
    return _RULES[V.one_of("method", method, METHODS)](lrs, losses)


def _longest_decrease(y: np.ndarray) -> tuple[int, int]:
    """First and last index of a longest strictly decreasing subsequence (patience sorting, O(n log n))."""
    neg = (-y).tolist()  # strictly decreasing y == strictly increasing -y
    tails: list[float] = []  # tails[k]: smallest last value of an increasing run of length k + 1
    tail_idx: list[int] = []
    prev = [-1] * len(neg)
    for i, v in enumerate(neg):
        k = bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
            tail_idx.append(i)
        else:
            tails[k] = v
            tail_idx[k] = i
        prev[i] = tail_idx[k - 1] if k > 0 else -1
    last = tail_idx[-1]
    first = last
    while prev[first] >= 0:
        first = prev[first]
    return first, last


def _nearest(x: np.ndarray, value: float) -> int:
    return int(np.argmin(np.abs(x - value)))
