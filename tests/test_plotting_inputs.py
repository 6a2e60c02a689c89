"""The figure functions of :mod:`lightning_lr.plotting` name a wrong input (review notes since session 40:
'plotting inputs are unchecked'): a list where a mapping of curves belongs raised ``'list' object has no
attribute 'items'``, a curve one value short raised matplotlib's ``x and y must have same first dimension``
without saying which curve, and ``marker="1"`` drew a line at a category axis without a word."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from lightning_lr.plotting import offscreen, range_test_figure, schedule_figure, weight_decay_figure

X = [1e-3, 1e-2, 1e-1]
Y = [2.0, 1.0, 3.0]

WRONG: list[tuple[str, Callable[[], Any], type[Exception], str]] = [
    (
        "lrs a list",
        lambda: schedule_figure(range(3), [Y]),
        TypeError,
        "lrs must be a mapping {label: values}, got list",
    ),
    (
        "lrs a curve short",
        lambda: schedule_figure(range(3), {"a": Y[:2]}),
        ValueError,
        "lrs['a'] holds 2 values, steps 3",
    ),
    (
        "momentum short",
        lambda: schedule_figure(range(3), {"a": Y}, {"m": [0.9]}),
        ValueError,
        "momentums['m'] holds 1 value, steps 3",
    ),
    (
        "steps a number",
        lambda: schedule_figure(3, {"a": Y}),
        TypeError,
        "steps must be a sequence or array of numbers, got int 3",
    ),
    (
        "marker a string",
        lambda: schedule_figure(range(3), {"a": Y}, marker="1"),
        TypeError,
        "marker must be a step (a number) or None, got str '1'",
    ),
    (
        "title a number",
        lambda: schedule_figure(range(3), {"a": Y}, title=5),
        TypeError,
        "title must be a string or None, got int 5",
    ),
    ("losses short", lambda: range_test_figure(X, Y[:2], Y), ValueError, "losses holds 2 values, x 3"),
    (
        "centred short",
        lambda: range_test_figure(X, Y, Y, centred=Y[:1]),
        ValueError,
        "centred holds 1 value, x 3",
    ),
    (
        "candidates flat",
        lambda: range_test_figure(X, Y, Y, candidates=[0.01, 0.8]),
        TypeError,
        "candidates[0] must be an (lr, score) pair, got float 0.01",
    ),
    (
        "candidate score text",
        lambda: range_test_figure(X, Y, Y, candidates=[(0.01, "0.8")]),
        TypeError,
        "candidates[0] must be a pair of numbers or None, got str '0.8'",
    ),
    (
        "suggestion text",
        lambda: range_test_figure(X, Y, Y, suggestion="0.01"),
        TypeError,
        "suggestion must be a number or None, got str '0.01'",
    ),
    (
        "steps a float",
        lambda: range_test_figure(X, Y, Y, candidate_steps=80.0),
        TypeError,
        "candidate_steps must be an int or None, got float 80.0",
    ),
    (
        "ax a string",
        lambda: range_test_figure(X, Y, Y, ax="ax"),
        TypeError,
        "ax must be a matplotlib Axes (None: a new figure), got str 'ax'",
    ),
    (
        "curves a list",
        lambda: weight_decay_figure([(X, Y)]),
        TypeError,
        "curves must be a mapping {label: (x, smoothed)}, got list",
    ),
    (
        "curve not a pair",
        lambda: weight_decay_figure({"a": Y}),
        TypeError,
        "curves['a'] must be an (x, smoothed) pair, got list",
    ),
    (
        "curve short",
        lambda: weight_decay_figure({"a": (X, Y[:2])}),
        ValueError,
        "curves['a'][1] holds 2 values, curves['a'][0] 3",
    ),
    (
        "raw short",
        lambda: weight_decay_figure({"a": (X, Y)}, raw={"a": Y[:1]}),
        ValueError,
        "raw['a'] holds 1 value, curves['a'][0] 3",
    ),
    (
        "mark of no curve",
        lambda: weight_decay_figure({"a": (X, Y)}, {"b": 0.01}),
        ValueError,
        "suggestions has 'b', which curves has not (it has ['a'])",
    ),
    (
        "mark a string",
        lambda: weight_decay_figure({"a": (X, Y)}, {"a": "0.01"}),
        TypeError,
        "suggestions['a'] must be a number or None, got str '0.01'",
    ),
    (
        "confirmed a number",
        lambda: weight_decay_figure({"a": (X, Y)}, confirmed=0),
        TypeError,
        "confirmed must be a string or None, got int 0",
    ),
]


@pytest.mark.parametrize(("case", "draw", "error", "message"), WRONG, ids=[w[0] for w in WRONG])
def test_a_wrong_figure_input_is_named(
    case: str, draw: Callable[[], Any], error: type[Exception], message: str
) -> None:
    with offscreen(), pytest.raises(error) as info:
        draw()
    assert message in str(info.value)


def test_numpy_values_and_a_single_point_still_draw() -> None:
    # the checks take what the package's own callers pass: numpy scalars and arrays, ranges, one-point sweeps
    with offscreen():
        fig = range_test_figure(
            np.asarray(X),
            np.asarray(Y),
            np.asarray(Y),
            suggestion=np.float32(0.01),
            candidates=[(np.float64(0.01), np.float32(1.0))],
            candidate_steps=np.int64(80),
            max_lr=np.float64(0.1),
        )
        assert "suggestion 0.01" in [line.get_label() for line in fig.axes[0].get_lines()]
        fig = schedule_figure(range(3), {"a": np.asarray(Y)}, marker=np.int64(1))
        assert fig.axes[0].get_lines()[-1].get_label() == "step 1"
        fig = range_test_figure([0.01], [1.0], [1.0])
        assert len(fig.axes[0].get_lines()) == 2
