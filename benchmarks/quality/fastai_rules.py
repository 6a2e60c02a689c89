"""fastai's four learning-rate suggestion rules, re-implemented here from their documented behaviour and
applied to our range test's curves (fastai itself is not installed; nothing of its code is copied).

fastai's ``lr_find`` records the bias-corrected EMA of the loss (factor 0.98, the same as our result's
``smoothed``), stops when it exceeds 4x its best (as our sweep does by default), drops the first tenth of
the *requested* steps and the last 5 points, and then reads the rest with:

- ``minimum``: a tenth of the LR of the lowest (smoothed) loss;
- ``steep``: the LR at the start of the steepest finite-difference slope of loss over log LR;
- ``valley``: the longest decreasing (not necessarily contiguous) run of losses, the point half-way along it
  (fastai: start + a third + a sixth of its length);
- ``slide``: a window of 15 points slides down from the high-LR end while the loss gradients (over the
  point index) at its two ends differ by more than 0.005; the LR at its left end.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence

import numpy as np

__all__ = ["FASTAI_RULES", "fastai_suggestions"]

FASTAI_RULES = ("minimum", "steep", "valley", "slide")


def _curve(lrs: Sequence[float], smoothed: Sequence[float], num_steps: int) -> tuple[np.ndarray, np.ndarray]:
    lr = np.asarray(lrs, dtype=float)
    y = np.asarray(smoothed, dtype=float)
    ok = np.isfinite(y) & np.isfinite(lr) & (lr > 0)
    n = int(np.argmin(ok)) if not ok.all() else len(y)
    lr, y = lr[:n], y[:n]
    lr, y = lr[num_steps // 10 : -5], y[num_steps // 10 : -5]
    return lr, y


def _minimum(lr: np.ndarray, y: np.ndarray) -> float:
    return float(lr[int(np.argmin(y))]) / 10.0


def _steep(lr: np.ndarray, y: np.ndarray) -> float:
    g = np.diff(y) / np.diff(np.log(lr))
    return float(lr[int(np.argmin(g))])


def _valley(lr: np.ndarray, y: np.ndarray) -> float:
    # length of the longest strictly decreasing subsequence ending at each point (O(n log n))
    tails: list[float] = []
    length = np.empty(len(y), dtype=int)
    for i, v in enumerate(-y):
        k = bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
        else:
            tails[k] = v
        length[i] = k + 1
    end = int(np.argmax(length))  # the first point that ends a longest run
    start = end - int(length[end])
    span = (end - start) / 3
    idx = start + int(span) + int(span / 2)
    return float(lr[min(max(idx, 0), len(lr) - 1)])


def _slide(lr: np.ndarray, y: np.ndarray, window: int = 15, thresh: float = 0.005) -> float:
    g = np.gradient(y)
    n = len(y)
    right, left = n - 1, n - 1 - window
    answer = lr[max(left, 0)]
    while left >= 0 and abs(g[right] - g[left]) > thresh:
        answer = lr[left]
        right -= 1
        left -= 1
    return float(answer)


def fastai_suggestions(
    lrs: Sequence[float], smoothed: Sequence[float], num_steps: int
) -> dict[str, float | None]:
    """The four rules on a curve (None where fewer than 3 points are left after fastai's trimming)."""
    lr, y = _curve(lrs, smoothed, num_steps)
    if len(y) < 3:
        return dict.fromkeys(FASTAI_RULES)
    out: dict[str, float | None] = {}
    for name, rule in (("minimum", _minimum), ("steep", _steep), ("valley", _valley), ("slide", _slide)):
        v = rule(lr, y)
        out[name] = v if math.isfinite(v) and v > 0 else None
    return out
