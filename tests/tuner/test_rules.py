"""Suggestion rules on synthetic curves with known answers, and the result object."""

from __future__ import annotations

import dataclasses
import inspect
import json
import math
import os
import re
import warnings
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lightning_lr import MomentumRangeTestResult, RangeTestResult
from lightning_lr.schedules import OneCycle
from lightning_lr.tuner import DEFAULT_METHOD, METHODS, UnusedArgumentWarning, WeightDecayResult, _rules

LRS = np.logspace(-7, 1, 100)
X = np.log10(LRS)


def descent_curve(center: float = -2.0, width: float = 0.4, explode: float = 0.5) -> np.ndarray:
    """Flat at 2.3, a sigmoid drop to 0.3 centred at 10**center, exploding past 10**explode."""
    drop = 2.0 / (1.0 + np.exp(-(X - center) / width))
    return 2.3 - drop + np.exp(np.clip((X - explode) * 4.0, -50, 50))


def test_ema_is_bias_corrected_from_the_first_point() -> None:
    x = [3.0, 1.0, 2.0]
    beta = 0.9
    expected = []
    avg = 0.0
    for t, v in enumerate(x):
        avg = beta * avg + (1 - beta) * v
        expected.append(avg / (1 - beta ** (t + 1)))
    np.testing.assert_allclose(_rules.ema(x, beta), expected, rtol=1e-12)
    assert _rules.ema(x, beta)[0] == 3.0
    assert _rules.ema(x, 0.0).tolist() == x
    assert math.isnan(_rules.ema([1.0, float("nan"), 1.0], 0.5)[2])


def test_steepest_is_the_inflection_point_of_a_clean_descent() -> None:
    y = descent_curve(center=-2.0)
    i = _rules.steepest(LRS, y).index
    assert i is not None and abs(X[i] - (-2.0)) <= (X[1] - X[0]) + 1e-12


def test_minimum_is_a_tenth_of_the_lowest_point_of_the_zero_lag_curve() -> None:
    y = descent_curve()
    r = RangeTestResult(LRS, y, [None] * 100, smoothing=0)
    z = _rules.zero_lag(LRS, y)
    assert r.suggestion("minimum") == LRS[int(np.argmin(z))] / 10
    # a clean curve: the centred average keeps the minimum where the raw loss has it, to a step
    assert abs(int(np.argmin(z)) - int(np.argmin(y))) <= 1


def test_rules_read_the_raw_losses_not_the_ema() -> None:
    """The EMA (``smoothed``) is for the eye; the rules do not depend on its factor."""
    rng = np.random.default_rng(0)
    y = descent_curve() + rng.normal(0, 0.05, 100)
    r = RangeTestResult(LRS, y, [None] * 100, smoothing=0.98)
    assert r.with_smoothing(0.5).suggestions() == r.suggestions() == r.with_smoothing(0.0).suggestions()


def test_valley_is_the_log_middle_of_the_descent() -> None:
    y = descent_curve()
    r = RangeTestResult(LRS, y, [None] * 100, smoothing=0)
    z = _rules.zero_lag(LRS, y)
    start = np.mean(z[:10])
    i_min = int(np.argmin(z))
    # the band starts after the last point above the 10%-of-the-drop level before the minimum
    first = int(np.flatnonzero(z[:i_min] > start - 0.1 * (start - z[i_min]))[-1]) + 1
    expected = LRS[round((first + i_min) / 2)]
    assert r.suggestion("valley") == pytest.approx(expected, rel=0.2)
    assert LRS[first] < r.suggestion("valley") < LRS[i_min]


@pytest.mark.parametrize("dip", [0, 1, 5, 12, 30])
def test_a_low_point_in_the_flat_start_does_not_open_the_descent(dip: int) -> None:
    """The band used to start at the *first* point at or below ``start - 10% of the drop``: one low point in
    the flat start (noise, or a lucky first batch) opened it there, and the valley spanned the flat start
    (a digits CNN answered 5e-4 for a best LR of 5e-2). It now starts after the *last* point above it."""
    y = descent_curve()
    y[dip : dip + 2] = 0.3  # two lucky batches in the flat start, as low as the minimum
    z = _rules.zero_lag(LRS, y)
    start = np.mean(z[:10])
    level = start - 0.1 * (start - z[int(np.argmin(z[10:])) + 10])
    assert int(np.argmax(z <= level)) <= dip + 2  # the old rule's band would have opened at the dip
    first, i_min, _, reason = _rules._descent(z)
    assert not reason and X[first] > -3.5 and X[i_min] > -1.0
    for method in ("valley", "steepest"):
        i = _rules.pick(method, LRS, y).index
        assert i is not None and -3.5 < X[i] < -0.5, (method, dip, X[i])


def test_zero_lag_is_a_centred_average_in_log_lr() -> None:
    x = np.linspace(-7, 1, 100)
    lrs = 10**x
    # a straight line in log LR is kept exactly (every window is centred), ends included
    line = 3.0 - 0.2 * x
    np.testing.assert_allclose(_rules.zero_lag(lrs, line), line, rtol=1e-12)
    # interior points average the points within a quarter decade each side (7 at 12.4 points per decade)
    y = np.random.default_rng(1).normal(size=100)
    z = _rules.zero_lag(lrs, y)
    for i in (10, 50, 90):
        near = np.abs(x - x[i]) <= _rules.ZERO_LAG_DECADES + 1e-9
        assert near.sum() == 7 and z[i] == pytest.approx(y[near].mean())
    assert z[0] == y[0] and z[-1] == y[-1] and z[1] == pytest.approx(y[:3].mean())
    # decades=0 is the raw curve; a NaN ends the finite part
    assert _rules.zero_lag(lrs, y, decades=0).tolist() == y.tolist()
    cut = np.r_[y[:40], np.nan, y[41:]]
    zc = _rules.zero_lag(lrs, cut)
    assert np.isnan(zc[40:]).all() and zc[20] == pytest.approx(z[20])
    with pytest.raises(ValueError, match="decades must be >= 0, got -1"):
        _rules.zero_lag(lrs, y, decades=-1)


def test_zero_lag_has_no_lag_where_the_ema_has_a_lot() -> None:
    """A step down at 1e-2: the EMA (0.98) is still half-way down more than a decade later; the centred
    average is half-way down at the step itself."""
    y = np.where(X < -2.0, 2.3, 0.3)
    step = int(np.argmax(X >= -2.0))
    z = _rules.zero_lag(LRS, y)
    e = _rules.ema(y, 0.98)
    half = 1.3
    assert abs(int(np.argmax(z < half)) - step) <= 1
    assert X[int(np.argmax(e < half))] - X[step] > 1.0


def test_one_cycle_and_cyclic_bounds_have_the_suggestions_mean() -> None:
    """A sweep rule's 1cycle peak and cyclical bounds come from its suggestion: their schedules' mean LR is
    it. The ``minimum`` rule's peak is the LR of the lowest loss itself (Smith's max_lr), ten times its
    constant-LR answer."""
    y = descent_curve()
    r = RangeTestResult(LRS, y, [None] * 100, smoothing=0)
    s = r.suggestion("valley")
    assert s is not None
    top = r.one_cycle_max_lr("valley")
    assert top is not None and float(
        np.mean(OneCycle(top, total_steps=20_000).values(20_000))
    ) == pytest.approx(s, rel=1e-3)
    base, high = r.cyclic_bounds(method="valley")  # type: ignore[misc]
    assert high / base == pytest.approx(4.0) and (base + high) / 2 == pytest.approx(s)
    base3, high3 = r.cyclic_bounds(ratio=3, method="valley")  # type: ignore[misc]
    assert high3 / base3 == pytest.approx(3.0) and (base3 + high3) / 2 == pytest.approx(s)
    m = r.suggestion()  # the sweep-only default: the minimum rule
    assert m is not None and r.one_cycle_max_lr() == pytest.approx(10 * m)
    assert r.cyclic_bounds() == pytest.approx((10 * m / 4, 10 * m))
    lowest = int(np.argmin(_rules.zero_lag(LRS, y)))
    assert r.one_cycle_max_lr() == pytest.approx(LRS[lowest], rel=0.2)
    with pytest.raises(ValueError, match="ratio must be a number > 1"):
        r.cyclic_bounds(ratio=1)


def test_slide_answers_inside_the_descent() -> None:
    y = descent_curve()
    r = RangeTestResult(LRS, y, [None] * 100, smoothing=0)
    s = r.suggestion("slide")
    assert s is not None and 1e-3 <= s <= LRS[int(np.argmin(y))]


@pytest.mark.parametrize("seed", range(5))
def test_noisy_flat_start_never_yields_an_absurd_suggestion(seed: int) -> None:
    """The Lightning fault (9.1e-8 on an MLP): noise in the flat start looked like the steepest descent.
    With the loss flat below 1e-3 no rule may answer there."""
    rng = np.random.default_rng(seed)
    y = descent_curve(center=-1.5) + rng.normal(0, 0.08, 100)
    r = RangeTestResult(LRS, y, [None] * 100, smoothing=0.98)
    for method in METHODS:
        s = r.suggestion(method)
        assert s is not None and 1e-4 < s < 10.0, (method, s)
    for method in ("valley", "steepest", "slide"):
        assert 1e-3 < r.suggestion(method) < 3.0


def test_non_finite_tail_is_ignored() -> None:
    y = descent_curve()
    cut = 90
    with_nan = np.r_[y[:cut], np.nan]
    a = RangeTestResult(LRS[: cut + 1], with_nan, [None] * (cut + 1), stop_reason="non-finite loss")
    b = RangeTestResult(LRS[:cut], y[:cut], [None] * cut)
    assert a.suggestions() == b.suggestions()


def test_too_few_points_and_flat_curves_give_none_with_the_reason() -> None:
    r = RangeTestResult([1e-3, 1e-2, 1e-1, 1.0], [1.0, 0.5, float("inf"), 1.0], [None] * 4)
    with pytest.warns(UserWarning, match=r"only 2 finite points before"):
        assert r.suggestion() is None
    flat = RangeTestResult(LRS[:20], np.linspace(1.0, 2.0, 20), [None] * 20)
    for method in METHODS:
        with pytest.warns(
            UserWarning, match=f"method='{method}'.*never fell below its starting level: it rose"
        ):
            assert flat.suggestion(method) is None
    # review 98: a loss nothing moved got "lower min_lr", which cannot help it
    still = RangeTestResult(LRS[:20], np.full(20, 1.5), [None] * 20)
    for method in ("minimum", "valley", "steepest", "slide"):
        with pytest.warns(UserWarning, match=f"method='{method}'.*at every step of the sweep") as said:
            assert still.suggestion(method) is None
        assert "lower min_lr" not in str(said[0].message)
    # review 99: flat for 80 of 100 points, then a rise: not "rose from the first LRs on"
    late = RangeTestResult(LRS[:100], np.r_[np.full(80, 1.5), np.linspace(1.6, 9.0, 20)], [None] * 100)
    with pytest.warns(UserWarning, match="method='minimum'.*it stayed there, then rose") as said:
        assert late.suggestion("minimum") is None
    assert "lower min_lr" not in str(said[0].message)
    with pytest.warns(UserWarning, match="no one_cycle_max_lr"):
        assert flat.one_cycle_max_lr() is None
    with pytest.raises(ValueError, match=r"method must be one of .* got 'best'"):
        flat.suggestion("best")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=40))
def test_longest_decrease_is_longest(values: list[int]) -> None:
    y = np.asarray(values, dtype=float)
    first, last = _rules._longest_decrease(y)
    n = len(y)
    best = [1] * n  # O(n^2) reference: longest strictly decreasing subsequence ending at i
    for i in range(n):
        for j in range(i):
            if y[j] > y[i]:
                best[i] = max(best[i], best[j] + 1)
    assert y[first] >= y[last] and first <= last
    # the subsequence the algorithm found ends at `last` and has the maximal length
    assert best[last] == max(best)


# ---------------------------------------------------------------------------------------------
# RangeTestResult
# ---------------------------------------------------------------------------------------------


def sample(**kw: Any) -> RangeTestResult:
    y = descent_curve()
    return RangeTestResult(LRS, y, [0.9] * 100, **kw)


def test_save_load_round_trip_is_strict_json(tmp_path: Any) -> None:
    r = RangeTestResult(
        [1e-3, 1e-2, 1e-1], [2.0, 1.0, float("inf")], [0.9, None, 0.9], stop_reason="non-finite loss"
    )
    path = tmp_path / "r.json"
    r.save(path)
    text = path.read_text()
    json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
    assert RangeTestResult.load(path) == r
    sweep = WeightDecayResult([sample(weight_decay=0.0), sample(weight_decay=1e-4)])
    sweep.save(tmp_path / "w.json")
    assert WeightDecayResult.load(tmp_path / "w.json") == sweep


def test_a_file_read_by_the_other_result_class_names_the_one_that_reads_it(tmp_path: Any) -> None:
    sample(weight_decay=0.0).save(tmp_path / "r.json")
    WeightDecayResult([sample(weight_decay=0.0), sample(weight_decay=1e-4)]).save(tmp_path / "w.json")
    # a momentum sweep's file is named by its class (review 79: the hint led to RangeTestResult, which refused
    # it too), and the reader is the class called
    moms = np.linspace(0.8, 0.99, 20)
    MomentumRangeTestResult(moms, (moms - 0.9) ** 2 + 1.0, [1e-2] * 20, smoothing=0).save(tmp_path / "m.json")
    cases = [
        (RangeTestResult, "w.json", "WeightDecayResult"),
        (WeightDecayResult, "r.json", "RangeTestResult"),
        (WeightDecayResult, "m.json", "MomentumRangeTestResult"),
        (MomentumRangeTestResult, "w.json", "WeightDecayResult"),
    ]
    for reader, file, holder in cases:
        said = rf"^this dict holds a {holder}, not a {reader.__name__}; read it with {holder}.from_dict or "
        with pytest.raises(ValueError, match=said):
            reader.load(tmp_path / file)
    with pytest.raises(ValueError, match=r"WeightDecayResult dict needs 'results'"):
        WeightDecayResult.from_dict({"kind": "WeightDecayResult"})  # (a KeyError before)


def test_bad_results_are_refused() -> None:
    with pytest.raises(ValueError, match="one entry per step each, got lengths 2, 1 and 2"):
        RangeTestResult([1.0, 2.0], [1.0], [None, None])
    with pytest.raises(ValueError, match="mode must be one of"):
        RangeTestResult([1.0], [1.0], [None], mode="log")
    with pytest.raises(TypeError, match=r"losses\[0\] must be a number, got 'a'"):
        RangeTestResult([1.0], ["a"], [None])
    with pytest.raises(ValueError, match="not a RangeTestResult dict"):
        RangeTestResult.from_dict({"kind": "other"})
    with pytest.raises(ValueError, match="each weight decay must appear once"):
        WeightDecayResult([sample(weight_decay=0.0), sample(weight_decay=0.0)])
    with pytest.raises(ValueError, match="has no weight_decay"):
        WeightDecayResult([sample()])


def test_repr_is_readable() -> None:
    r = RangeTestResult(LRS[:60], descent_curve()[:60], [0.9] * 60, num_steps=100, stop_reason="diverged")
    text = repr(r)
    assert text.startswith("RangeTestResult(60 steps, lr 1e-07..") and "diverged at step 59 of 100" in text
    assert f"suggestion({DEFAULT_METHOD})=" in text
    # review 45: a sweep whose last step diverged did all its steps (before: "stopped: diverged after 100 of
    # 100"); the figure's title says the same. Steps count from 0, as the warnings and the logged steps do
    # (review 56: "at step 70" where the NaN warning and TensorBoard said 69)
    full = RangeTestResult(LRS, descent_curve(), [0.9] * 100, num_steps=100, stop_reason="diverged")
    assert "diverged at step 99 of 100" in repr(full) and "stopped" not in repr(full)
    assert full.plot().axes[0].get_title().endswith(", diverged at step 99 of 100")


def test_plot_marks_the_suggestion_on_a_log_axis() -> None:
    r = sample()
    fig = r.plot(method="steepest")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    value = r.suggestion("steepest")
    assert ax.get_xscale() == "log" and f"suggestion {value:.3g} (rule: steepest)" in labels
    assert any(lbl.startswith("1cycle max_lr") for lbl in labels)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sample().plot(suggest=False)


def test_the_figure_draws_the_curve_the_rules_read() -> None:
    # review 38: only the EMA was drawn, whose lowest point sat 1.7x to 9.3x above the one the rules read
    r = sample()
    lines = {ln.get_label(): ln for ln in r.plot(suggest=False).axes[0].get_lines()}
    centred = lines["centred average (what the rules read)"]
    np.testing.assert_array_equal(centred.get_ydata(), _rules.zero_lag(r.lrs, r.losses))
    assert lines[f"smoothed (EMA {r.smoothing:g})"].get_linestyle() == "--"
    # the suggestion sits on that curve (review 39: on the dashed EMA, above it)
    value = r.suggestion("minimum")
    assert value is not None
    dot = r.plot(method="minimum").axes[0].get_lines()
    (mark,) = [ln for ln in dot if ln.get_label().startswith("suggestion")]
    at = np.interp(np.log10(value), np.log10(r.lrs), _rules.zero_lag(r.lrs, r.losses))
    assert mark.get_ydata()[0] == pytest.approx(at)


def test_a_figure_without_an_answer_says_why() -> None:
    # review 38: neither title nor legend said there was no suggestion, or why
    flat = RangeTestResult(LRS[:40], [3.0] * 40, [0.9] * 40)
    with warnings.catch_warnings(
        record=True
    ) as caught:  # written on the figure, not warned again (review 129)
        warnings.simplefilter("always")
        ax = flat.plot().axes[0]
    assert not [w for w in caught if "no lr suggestion" in str(w.message)]
    (text,) = [t.get_text() for t in ax.texts]
    assert flat.reason and text.replace("\n", " ") == f"no suggestion: {flat.reason}"
    # under the axes, in a figure of its own (review 77: on them it hid the candidates of a second try)
    ax.figure.canvas.draw()
    box, axes = ax.texts[0].get_window_extent(), ax.get_window_extent()
    assert box.y1 < axes.y0 and box.y1 < ax.xaxis.label.get_window_extent().y0
    # a weight-decay figure says it too (review 77: "no suggestion" in the legend, no reason)
    runs = [dataclasses.replace(flat, weight_decay=w) for w in (0.0, 1e-4)]
    with warnings.catch_warnings(record=True) as caught:  # (review 130: it warned three times)
        warnings.simplefilter("always")
        wd_ax = WeightDecayResult(runs).plot().axes[0]
    assert not [w for w in caught if "no lr suggestion" in str(w.message)]
    # and why no weight decay is suggested (review 123): the same losses at both
    said = WeightDecayResult(runs).weight_decay_reason
    assert said and [t.get_text().replace("\n", " ") for t in wd_ax.texts] == [
        f"no weight decay suggested: {said} no suggestion: {flat.reason}"
    ]
    # with an answer, or without suggest=True, nothing is written; reason is "" then
    assert sample().reason == "" and not sample().plot().axes[0].texts
    assert not flat.plot(suggest=False).axes[0].texts


def test_a_one_point_sweep_is_drawn_at_its_lr() -> None:
    # review 38: the result of a loss NaN at the first step drew nothing, on an axis of 0.9..11 (the LR was 1e-7)
    one = RangeTestResult([1e-7], [2.0], [0.9], num_steps=100, stop_reason="non-finite loss")
    ax = one.plot().axes[0]  # (why there is no answer is written on it, not warned: review 129)
    assert [ln.get_marker() for ln in ax.get_lines() if ln.get_label() == "loss"] == ["o"]
    assert ax.get_xlim() == pytest.approx((1e-8, 1e-6))
    assert ax.texts and ax.texts[0].get_text().startswith("no suggestion: ")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"suggest": "no"}, TypeError, "suggest must be True or False, got 'no'"),
        ({"raw": None}, TypeError, "raw must be True or False, got None"),
        (
            {"ax": "x"},
            TypeError,
            "ax must be a matplotlib Axes to draw into, or None for a new figure, got 'x'",
        ),
        ({"method": "lowest", "suggest": False}, ValueError, "method must be one of"),
        (
            {"method": "minimum", "suggest": False},
            ValueError,
            r"^plot: method='minimum' is given with suggest=False, which marks no answer; pass suggest=True",
        ),
    ],
)
def test_plot_names_a_wrong_argument(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    # before: "no" counted as True, None as False, a method was not read with suggest=False, and ax="x" gave
    # "AttributeError: 'str' object has no attribute 'figure'"; every error is said of plot (r194)
    moms = np.linspace(0.8, 0.99, 20)
    momentum = MomentumRangeTestResult(moms, (moms - 0.9) ** 2 + 1.0, [1e-2] * 20, smoothing=0)
    runs = [dataclasses.replace(sample(), weight_decay=w) for w in (0.0, 1e-4)]
    for result in (sample(), momentum, WeightDecayResult(runs)):
        own = "a momentum sweep has one rule" if isinstance(result, MomentumRangeTestResult) else None
        with pytest.raises(error, match=own if own and kwargs.get("method") == "lowest" else match) as err:
            result.plot(**kwargs)
        assert str(err.value).startswith("plot: ")


def test_a_result_needs_increasing_lrs() -> None:
    with pytest.raises(ValueError, match=r"lrs must be positive and increasing .*, got \[0.01, 0.001\]"):
        RangeTestResult([1e-2, 1e-3], [1.0, 1.0], [None, None])
    with pytest.raises(ValueError, match=r"lrs must be positive and increasing"):
        RangeTestResult([0.0, 1e-3], [1.0, 1.0], [None, None])


def test_momentum_result_rules() -> None:
    moms = np.linspace(0.8, 0.99, 20)
    y = (moms - 0.9) ** 2 + 1.0
    r = MomentumRangeTestResult(moms, y, [1e-2] * 20, smoothing=0)
    assert r.suggestion() == moms[int(np.argmin(y))] and r.suggestions() == {"minimum": r.suggestion()}
    with pytest.raises(ValueError, match="a momentum sweep has one rule"):
        r.suggestion("valley")
    with pytest.raises(TypeError, match=r"a momentum sweep has one rule.*got 3"):  # a wrong type (review 34)
        r.suggestion(3)  # type: ignore[arg-type]
    assert r.plot().axes[0].get_xlabel() == "momentum"
    assert not hasattr(r, "one_cycle_max_lr") and not hasattr(r, "cyclic_bounds")
    # without an answer (its lowest loss at the end of the sweep) the figure writes why, and does not warn it again
    # (review 130: it warned, and wrote nothing)
    falling = MomentumRangeTestResult(moms, 2.0 - moms, [1e-2] * 20, smoothing=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = falling.plot().axes[0]
    assert not [w for w in caught if "no momentum suggestion" in str(w.message)]
    (text,) = [t.get_text().replace("\n", " ") for t in ax.texts]
    assert text.startswith("no suggestion: the lowest loss is at the end of the sweep (momentum 0.99)")
    with pytest.raises(TypeError, match=r"momentums\[1\] must be a number, got None"):
        MomentumRangeTestResult([0.9, None], [1.0, 1.0], [0.1, 0.1])


@pytest.mark.parametrize(
    ("momentums", "message"),
    [
        (
            [0.8, 0.9, 1.0, 1.1, 1.2],
            "momentums must be in [0, 1) (the momentum or Adam beta1 of each step), got 1.0 at step 2 of "
            "[0.8, 0.9, 1.0, 1.1, 1.2]",
        ),
        (
            [-0.1, 0.5, 0.6, 0.7, 0.8],
            "momentums must be in [0, 1) (the momentum or Adam beta1 of each step), got -0.1 at step 0",
        ),
        (
            [0.9, 0.95, 0.9, 0.97, 0.98],
            "momentums must not decrease (the sweep's momentums in the order it took them), got 0.9 after 0.95 "
            "at step 2 of [0.9, 0.95, 0.9, 0.97, 0.98]",
        ),
    ],
)
def test_a_momentum_result_refuses_momentums_a_sweep_cannot_take_also_from_a_file(
    tmp_path: Any, momentums: list[float], message: str
) -> None:
    # review 118: momentums >= 1 or out of order were taken, also through load(), where the sweep itself
    # refuses max_momentum >= 1
    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        MomentumRangeTestResult(momentums, [1.0] * 5, [0.01] * 5)
    data = MomentumRangeTestResult([0.8, 0.85, 0.9, 0.95, 0.97], [1.0] * 5, [0.01] * 5).to_dict()
    data["momentums"] = momentums
    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        MomentumRangeTestResult.from_dict(data)
    (tmp_path / "m.json").write_text(json.dumps(data))
    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        MomentumRangeTestResult.load(tmp_path / "m.json")
    # a held stretch is no decrease (a float32 beta1 can round two close steps to one value)
    assert MomentumRangeTestResult([0.0, 0.5, 0.5, 0.9, 0.99], [1.0] * 5, [0.01] * 5).momentums[2] == 0.5


@pytest.mark.parametrize(
    ("losses", "edge"),
    [(lambda m: 2.0 - m, "top"), (lambda m: 1.0 + m, "bottom"), (lambda m: (m - 0.9) ** 2 + 1.0, None)],
    ids=["top", "bottom", "inside"],
)
def test_a_momentum_answer_at_an_edge_of_the_sweep_is_a_bound_or_none(losses: Any, edge: str | None) -> None:
    # review 31: the momentum test answered 0.99, the top of its range, without a word (the LR test warns);
    # review 88: at the top it said to raise max_momentum, but the model trains through the sweep, so its loss
    # falls with the steps whatever the momentum: the sweep cannot tell, and a higher range moves it up
    moms = np.linspace(0.8, 0.99, 20)
    r = MomentumRangeTestResult(moms, losses(moms), [1e-2] * 20, smoothing=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = r.suggestion()
    said = [str(w.message) for w in caught]
    if edge is None:
        assert said == [] and value == pytest.approx(0.9, abs=0.01)
        return
    (message,) = said
    if edge == "top":
        # review 123: the warning said the sweep cannot tell, and 0.99 was still the answer: it is none now
        assert value is None and r.suggestions() == {"minimum": None} and message.startswith("no momentum")
        assert f"the lowest loss is at the end of the sweep (momentum {moms[-1]:.4g})" in message
        assert "so the sweep cannot tell" in message and "max_momentum" not in message
    else:
        assert f"the lowest loss is at the first momentum the rule searches ({value:.4g};" in message
        assert "a lower min_momentum" in message
    # a sweep that stopped early did not reach the edge of its range: its last point is no bound
    stopped = MomentumRangeTestResult(
        moms[:10], (2.0 - moms)[:10], [1e-2] * 10, smoothing=0, stop_reason="diverged"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stopped.suggestion()


def test_momentum_files_of_the_current_format_load_as_the_momentum_type(tmp_path: Any) -> None:
    moms = np.linspace(0.8, 0.99, 10)
    r = MomentumRangeTestResult(moms, (moms - 0.9) ** 2 + 1.0, [1e-2] * 10, stop_reason="completed")
    # the format every momentum sweep was written in: a RangeTestResult dict with param "momentum"
    data = {
        "format": 1,
        "kind": "RangeTestResult",
        "param": "momentum",
        "mode": "linear",
        "smoothing": 0.98,
        "num_steps": 10,
        "stop_reason": "completed",
        "val_loss": False,
        "weight_decay": None,
        "lrs": [1e-2] * 10,
        "losses": list(r.losses),
        "smoothed": list(r.smoothed),
        "momentums": list(moms),
    }
    assert r.to_dict() == data
    (tmp_path / "m.json").write_text(json.dumps(data))
    loaded = MomentumRangeTestResult.load(tmp_path / "m.json")
    assert isinstance(loaded, MomentumRangeTestResult) and loaded == r
    with pytest.raises(
        ValueError, match=r"holds a MomentumRangeTestResult .* read it with MomentumRangeTestResult.from_dict"
    ):
        RangeTestResult.from_dict(data)
    with pytest.raises(ValueError, match=r"holds a RangeTestResult .*not a MomentumRangeTestResult"):
        MomentumRangeTestResult.from_dict(sample().to_dict())


def test_with_smoothing_keeps_raw_losses() -> None:
    r = sample(smoothing=0.98)
    light = r.with_smoothing(0.5)
    assert light.losses == r.losses and light.smoothing == 0.5 and light.smoothed != r.smoothed


def test_an_exponential_momentum_sweep_from_0_is_refused_by_name() -> None:
    # review 35: it crashed inside the fit with ZeroDivisionError (a geometric sweep from 0)
    from lightning_lr.tuner._options import MomentumOptions

    with pytest.raises(
        ValueError, match=r"min_momentum must be > 0 with mode='exponential'.*got min_momentum=0.0"
    ):
        MomentumOptions(min_momentum=0.0, mode="exponential")
    assert MomentumOptions(min_momentum=0.0).momentum_schedule()(0) == 0.0  # linear from 0 is fine


def test_a_momentum_result_given_to_a_schedule_callback_is_refused_by_name() -> None:
    # review 35: OneCycle().apply_range_test(momentum_result) raised "AttributeError: 'MomentumRangeTestResult'
    # object has no attribute 'one_cycle_max_lr'"
    from lightning_lr import schedules as S
    from lightning_lr.callbacks import LRSchedule, OneCycle

    moms = np.linspace(0.8, 0.99, 20)
    result = MomentumRangeTestResult(moms, (moms - 0.9) ** 2 + 1.0, [1e-2] * 20, smoothing=0)
    for callback in (OneCycle(), LRSchedule(S.Constant(0.1))):
        with pytest.raises(
            TypeError, match=r"apply_range_test takes an LR range test's result .* got a Momentum"
        ):
            callback.apply_range_test(result)


@pytest.mark.parametrize(
    ("given", "why"),
    [
        (
            None,
            "; lr_range_test returns None under fast_dev_run, a smoke test that runs no test: apply a result only when there is one), got None",
        ),
        (
            "dict",
            "; for a dict as to_dict() writes one, give RangeTestResult.from_dict(d) (RangeTestResult.load(path): a file)), got {'format': 1,",
        ),
        (0.1, "), got 0.1"),
    ],
)
def test_something_other_than_a_result_given_to_a_schedule_callback_is_refused_naming_what_it_takes(
    given: Any, why: str
) -> None:
    # review 122: apply_range_test(None) (what the test returns under fast_dev_run) and a dict failed inside
    # with "AttributeError: 'NoneType' object has no attribute 'one_cycle_max_lr'"
    from lightning_lr import schedules as S
    from lightning_lr.callbacks import LRSchedule, OneCycle

    given = sample().to_dict() if given == "dict" else given
    for callback in (OneCycle(), LRSchedule(S.Constant(0.1))):
        said = (
            f"{callback.name}.apply_range_test: result must be an LR range test's result (a RangeTestResult or "
            f"WeightDecayResult{why}"
        )
        with pytest.raises(TypeError, match="^" + re.escape(said)):
            callback.apply_range_test(given)


def test_a_weight_decay_result_answers_for_the_whole_test() -> None:
    # review 35: it had no suggestions(), confirmation or cost, though it stands wherever a result is read
    lrs = [1e-3, 1e-2, 1e-1, 1.0, 10.0]
    runs = [
        RangeTestResult(lrs, [2.0, 1.5, 1.0, 1.2, 5.0], [None] * 5, smoothing=0, weight_decay=0.0),
        RangeTestResult(lrs, [2.0, 1.4, 0.8, 0.9, 4.0], [None] * 5, smoothing=0, weight_decay=1e-4),
    ]
    result = WeightDecayResult(runs)
    assert result.suggestions() == runs[1].suggestions() and result.confirmation is None
    assert result.cost == 10  # both sweeps, not the best one's alone


def test_a_weight_decay_is_set_on_the_groups_that_decay_not_on_biases_and_norms() -> None:
    # review 35: a weight-decay sweep later in the run, with every group at 0 (the module's weight_decay 0, or
    # an earlier test's choice), put the weight decay on the bias group too: [0.1, 0.1] where fit start,
    # which builds the optimizer from configure_optimizers, gave [0.3, 0.0]
    from lightning_lr.tuner._decay_split import set_weight_decay, split

    def set_weight_decay_(groups: list[dict[str, Any]], value: float) -> None:
        set_weight_decay(groups, value, split(None, groups, value))  # no module: the groups alone tell

    layer = torch.nn.Linear(3, 2)
    norm = torch.nn.LayerNorm(2)

    def groups(decays: tuple[float, float, float]) -> list[dict[str, Any]]:
        params = ([layer.weight], [layer.bias], [norm.weight, norm.bias])
        return [{"params": p, "weight_decay": w} for p, w in zip(params, decays, strict=True)]

    zeros = groups((0.0, 0.0, 0.0))
    set_weight_decay_(zeros, 0.1)
    assert [g["weight_decay"] for g in zeros] == [0.1, 0.0, 0.0]
    kept = groups((0.01, 0.0, 0.0))  # a group that decays already says which
    set_weight_decay_(kept, 0.1)
    assert [g["weight_decay"] for g in kept] == [0.1, 0.0, 0.0]
    one = [{"params": list(layer.parameters()), "weight_decay": 0.0}]  # SGD(self.parameters(), ...)
    set_weight_decay_(one, 0.1)
    assert one[0]["weight_decay"] == 0.1
    vectors = [{"params": [layer.bias], "weight_decay": 0.0}]  # no matrix anywhere: every group
    set_weight_decay_(vectors, 0.1)
    assert vectors[0]["weight_decay"] == 0.1


def test_a_weight_decay_keeps_the_groups_ratios_as_the_lr_does() -> None:
    # review 57: a split (wd, 0, 0.1 * wd) was swept and applied as (wd, 0, wd)
    from lightning_lr.tuner._decay_split import set_weight_decay, split

    params = [[torch.nn.Parameter(torch.zeros(2, 2))] for _ in range(3)]
    groups = [{"params": p, "weight_decay": w} for p, w in zip(params, (1e-3, 0.0, 1e-4), strict=True)]
    set_weight_decay(groups, 0.1, split(None, groups, 0.1))
    assert [g["weight_decay"] for g in groups] == pytest.approx([0.1, 0.0, 0.01], rel=1e-12)
    assert groups[0]["weight_decay"] == 0.1  # the largest group gets the value itself


def test_a_sweep_rules_1cycle_peak_and_cycle_top_stop_at_the_lr_of_the_lowest_loss() -> None:
    # review 47: valley's answer doubled (the 1cycle with its mean) lay past the curve's lowest point, where
    # the sweep's loss rose and the 1cycle did not train; here slide's answer lies past it already
    y = 2.3 - 2.0 / (1 + np.exp(-(X + 1.0) / 0.6)) + np.exp(np.clip((X + 0.7) * 8, -50, 50))
    r = RangeTestResult(LRS, y, [None] * 100, smoothing=0)
    lowest = LRS[_rules.minimum(LRS, y).index]
    assert r.suggestion("slide") > lowest  # past it on its own: the peak is capped there
    assert r.one_cycle_max_lr("slide") == lowest and r.cyclic_bounds(method="slide")[1] == lowest
    # below it, the 1cycle whose mean LR is the answer, as before: 1.98x the answer for torch's shape
    valley = r.suggestion("valley")
    assert valley is not None and r.one_cycle_max_lr("valley") == pytest.approx(valley * 1.976, rel=1e-3)
    assert r.one_cycle_max_lr("valley") < lowest


def test_a_momentum_answer_is_not_a_lucky_batch_at_the_sweeps_start() -> None:
    """Review 89: the momentum of lowest smoothed loss was searched from the first point, where the smoothed
    loss is an average of a batch or two: a lucky second batch answered 0.8019 without a word. It is searched
    after the first tenth, like the LR rules' minimum; an answer at that first searched point is a bound."""
    moms = np.linspace(0.8, 0.99, 100)
    smoothed = [0.52, 0.45, *((moms[2:] - 0.9) ** 2 + 0.5)]
    r = MomentumRangeTestResult(moms, smoothed, [0.05] * 100, smoothing=0)
    assert r.suggestion() == pytest.approx(0.9, abs=0.002)
    rising = MomentumRangeTestResult(moms, [0.52, 0.45, *(moms[2:] + 0.5)], [0.05] * 100, smoothing=0)
    with pytest.warns(UserWarning, match=r"at the first momentum the rule searches \(0.8192; .* from 0.8,"):
        assert rising.suggestion() == moms[10]
    # review 90: a sweep asked for 100 steps that stopped at 20 searched from its second point (a tenth of the
    # 20 points recorded), and answered the lucky batch there
    stopped = MomentumRangeTestResult(
        moms[:20], [0.52, 0.5, 0.45, *((moms[3:20] - 0.82) ** 2 + 0.5)], [0.05] * 20, smoothing=0,
        num_steps=100, stop_reason="diverged",
    )  # fmt: skip
    assert stopped.suggestion() == pytest.approx(0.82, abs=0.002)
    # review 91: one that stopped within its first tenth answered the lucky batch there; it has no answer
    early = MomentumRangeTestResult(
        moms[:6],
        [0.52, 0.45, 0.5, 0.6, 0.7, 0.8],
        [0.05] * 6,
        smoothing=0,
        num_steps=100,
        stop_reason="diverged",
    )
    with pytest.warns(UserWarning, match=r"stopped after 6 steps of 100, within its first tenth"):
        assert early.suggestion() is None
    # and one that stopped later, answering at the first momentum searched, is a bound as a whole sweep is
    half = MomentumRangeTestResult(
        moms[:50], [0.52, 0.45, *(moms[2:50] + 0.5)], [0.05] * 50, smoothing=0, num_steps=100,
        stop_reason="diverged",
    )  # fmt: skip
    with pytest.warns(UserWarning, match=r"at the first momentum the rule searches \(0.8192;"):
        assert half.suggestion() == moms[10]
    # review 92: one that stopped just after its first tenth had one point left to search, where it blew up
    blown = MomentumRangeTestResult(
        moms[:11], [0.52, 0.45, *([0.5] * 8), 9.0], [0.05] * 11, smoothing=0, num_steps=100,
        stop_reason="diverged",
    )  # fmt: skip
    with pytest.warns(UserWarning, match=r"stopped after 11 steps of 100, within its first tenth"):
        assert blown.suggestion() is None


def test_from_dict_checks_every_field_and_key_as_the_constructor_does() -> None:
    # review 108: from_dict took val_loss "false" as True (bool()), format True as 1, dropped a misspelt key and
    # ignored a wrong smoothed, where the constructor refuses each
    from lightning_lr.tuner._confirm import Candidate, Confirmation

    d = sample(smoothing=0.9).to_dict()
    with pytest.raises(TypeError, match=r"^val_loss must be True or False, got 'false'$"):
        RangeTestResult.from_dict({**d, "val_loss": "false"})
    for bad in (True, 1.0, "1"):
        with pytest.raises(
            ValueError,
            match=rf"^format must be 1 \(the RangeTestResult format this version reads\), got {bad!r}$",
        ):
            RangeTestResult.from_dict({**d, "format": bad})
    with pytest.raises(
        ValueError,
        match=r"^RangeTestResult dict keys must be 'format', 'kind', 'param', 'mode', 'smoothing', 'num_steps', "
        r"'stop_reason', 'lrs', 'losses', 'momentums', and optionally 'val_loss', 'weight_decay', 'smoothed', "
        r"'confirmation', 'first_try', 'steps_taken', 'rule', 'optimizer', 'run_steps', got the unknown key "
        r"'weight_decy'$",
    ):
        RangeTestResult.from_dict({**d, "weight_decy": 0.1})
    with pytest.raises(
        ValueError,
        match=r"^smoothed must be the EMA of losses with smoothing=0.9 \(2 values for 100 losses; from_dict "
        r"recomputes it: leave it out, or keep it as to_dict wrote it\), got \[1, 2\]$",
    ):
        RangeTestResult.from_dict({**d, "smoothed": [1, 2]})
    edited = list(d["smoothed"])
    edited[3] += 0.5
    with pytest.raises(
        ValueError, match=r"^smoothed must be .* \(step 3: [\d.]+ where the losses give [\d.]+;"
    ):
        RangeTestResult.from_dict({**d, "smoothed": edited})
    # r196: a loss edited to NaN was said as a mismatch of smoothed alone
    nan_at_3 = [*d["losses"][:3], float("nan"), *d["losses"][4:]]
    with pytest.raises(
        ValueError,
        match=r"^smoothed must be .* \(step 3: [\d.]+ where the losses give nan, as losses\[3\] is nan and the EMA "
        r"is NaN from there on;",
    ):
        RangeTestResult.from_dict({**d, "losses": nan_at_3})
    with pytest.raises(TypeError, match=r"^smoothed\[0\] must be a number, got 'a'$"):
        RangeTestResult.from_dict({**d, "smoothed": ["a"] * 100})
    # the optional keys stay optional (older files), and a store that keeps 6 digits (the benchmarks') still loads
    short = {k: v for k, v in d.items() if k not in ("val_loss", "weight_decay", "smoothed")}
    assert RangeTestResult.from_dict(short) == sample(smoothing=0.9)
    rounded = {
        **d,
        "losses": [float(f"{v:.6g}") for v in d["losses"]],
        "smoothed": [float(f"{v:.6g}") for v in d["smoothed"]],
    }
    assert RangeTestResult.from_dict(rounded).smoothed == pytest.approx(d["smoothed"], rel=1e-5)
    # a momentum sweep has none of an LR sweep's own keys
    moms = np.linspace(0.8, 0.99, 20)
    m = MomentumRangeTestResult(moms, (moms - 0.9) ** 2 + 1.0, [1e-2] * 20).to_dict()
    with pytest.raises(TypeError, match=r"^val_loss must be True or False, got 0$"):
        MomentumRangeTestResult.from_dict({**m, "val_loss": 0})
    with pytest.raises(
        ValueError,
        match=r"and optionally 'val_loss', 'weight_decay', 'smoothed', got the unknown key 'rule'$",
    ):
        MomentumRangeTestResult.from_dict({**m, "rule": "minimum"})
    # the confirmation, its candidates, the first try and a weight-decay sweep's dict alike
    conf = Confirmation(
        (Candidate(1e-3, (2.0, 1.0), 1.5), Candidate(1e-2, (2.0, 0.5), 1.25)), 2, 1e-2, 2.0, 1
    )
    c = sample(confirmation=conf).to_dict()
    with pytest.raises(
        ValueError,
        match=r"^Confirmation dict keys must be 'steps', and optionally .* got the unknown key 'reasn'$",
    ):
        RangeTestResult.from_dict({**c, "confirmation": {**c["confirmation"], "reasn": "x"}})
    with pytest.raises(TypeError, match=r"^reason must be a string, got 5$"):
        RangeTestResult.from_dict({**c, "confirmation": {**c["confirmation"], "reason": 5}})
    with pytest.raises(
        TypeError, match=r"^confirmation must be a dict \(Confirmation.to_dict\) or None, got 5$"
    ):
        RangeTestResult.from_dict({**c, "confirmation": 5})
    cand = {**c["confirmation"]["candidates"][0], "scor": 1.0}
    with pytest.raises(
        ValueError,
        match=r"^Candidate dict keys must be 'lr', 'losses', 'score', .* got the unknown key 'scor'$",
    ):
        RangeTestResult.from_dict({**c, "confirmation": {**c["confirmation"], "candidates": [cand]}})
    cand = {**c["confirmation"]["candidates"][0], "excused": [0.5]}
    with pytest.raises(TypeError, match=r"^excused\[0\] must be a non-negative integer, got 0.5$"):
        RangeTestResult.from_dict({**c, "confirmation": {**c["confirmation"], "candidates": [cand]}})
    with pytest.raises(
        TypeError, match=r"^first_try must be a RangeTestResult dict \(to_dict\) or None, got 5$"
    ):
        RangeTestResult.from_dict({**c, "first_try": 5})
    assert RangeTestResult.from_dict(c) == sample(confirmation=conf)
    w = WeightDecayResult([sample(weight_decay=0.0), sample(weight_decay=1e-4)]).to_dict()
    with pytest.raises(
        ValueError, match=r"^format must be 1 \(the WeightDecayResult format this version reads\), got True$"
    ):
        WeightDecayResult.from_dict({**w, "format": True})
    with pytest.raises(
        ValueError,
        match=r"^WeightDecayResult dict keys must be 'format', 'kind', 'results', and optionally "
        r"'configured_weight_decay', got the unknown key 'best'$",
    ):
        WeightDecayResult.from_dict({**w, "best": 0})


@pytest.mark.parametrize("path", [None, 0, 1.5, ["r.json"]])
def test_a_path_that_is_no_file_path_is_named(tmp_path: Any, path: Any) -> None:
    # review 108: save(None), save(0) and load(None) raised Python's bare "expected str, bytes or os.PathLike
    # object" from inside the JSON writer
    said = rf"^path must be a file path: a str, bytes or an os.PathLike such as pathlib.Path, got {re.escape(repr(path))}$"
    with pytest.raises(TypeError, match=said):
        sample().save(path)
    with pytest.raises(TypeError, match=said):
        RangeTestResult.load(path)
    with pytest.raises(TypeError, match=said):
        WeightDecayResult([sample(weight_decay=0.0), sample(weight_decay=1e-4)]).save(path)
    with pytest.raises(TypeError, match=said):
        WeightDecayResult.load(path)
    sample().save(str(tmp_path / "r.json"))  # a str, a Path and bytes still do
    assert RangeTestResult.load(tmp_path / "r.json") == RangeTestResult.load(os.fsencode(tmp_path / "r.json"))


def test_save_into_a_folder_that_is_not_there_names_the_path_and_the_folder(tmp_path: Any) -> None:
    # review 118: result.save("nodir/mom.json") raised a bare FileNotFoundError naming neither
    moms = np.linspace(0.8, 0.99, 5)
    results = [
        sample(),
        WeightDecayResult([sample(weight_decay=0.0), sample(weight_decay=1e-4)]),
        MomentumRangeTestResult(moms, [1.0] * 5, [1e-2] * 5),
    ]
    path = tmp_path / "nodir" / "sub" / "r.json"
    for result in results:
        with pytest.raises(FileNotFoundError) as caught:
            result.save(path)
        # review 122: in Python's form for an OSError (errno, strerror and filename), as open()'s own
        assert str(caught.value) == (
            f"[Errno 2] No such file or directory (the folder {str(tmp_path / 'nodir')!r} does not exist; save "
            f"makes no folders: create it first, e.g. os.makedirs({str(path.parent)!r}, exist_ok=True)): {str(path)!r}"
        )
        assert caught.value.errno == 2 and caught.value.filename == str(path)
    (tmp_path / "file").write_text("")
    with pytest.raises(NotADirectoryError) as refused:
        results[2].save(tmp_path / "file" / "m.json")
    assert str(refused.value) == (
        f"[Errno 20] Not a directory ({str(tmp_path / 'file')!r} is a file, not a folder; give a path in a "
        f"folder): {str(tmp_path / 'file' / 'm.json')!r}"
    )
    assert refused.value.errno == 20 and refused.value.filename == str(tmp_path / "file" / "m.json")
    with pytest.raises(ValueError, match=r"^path must be a JSON file's path"):  # the suffix is checked first
        results[0].save(tmp_path / "nodir" / "lr_find.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


@pytest.mark.parametrize("name", ["lr_find.png", "curve.PDF", "r.svg"])
def test_save_refuses_a_figures_path_and_load_names_a_file_that_is_not_json(tmp_path: Any, name: str) -> None:
    # review 117: save("lr_find.png") wrote JSON into a file named as a picture, without a word, and load() of
    # a file that is not JSON raised a bare JSONDecodeError that did not name it
    path = tmp_path / name
    said = (
        r"^path must be a JSON file's path, ending in \.json \(save writes the result as JSON; for a figure, "
        rf"result\.plot\(\)\.savefig\(path\); e\.g\. '\w+\.json'\), got {re.escape(repr(path))}$"
    )
    with pytest.raises(ValueError, match=said):
        sample().save(path)
    with pytest.raises(ValueError, match=said):
        WeightDecayResult([sample(weight_decay=0.0), sample(weight_decay=1e-4)]).save(path)
    assert not path.exists()
    sample().plot().savefig(path)  # what the message says to do writes the figure
    for cls in (RangeTestResult, WeightDecayResult):
        with pytest.raises(
            ValueError, match=rf"^path={re.escape(repr(str(path)))} is not a JSON file written by save\(\) \("
        ):
            cls.load(path)


@pytest.mark.parametrize(
    "name", ["lr_find.csv", "lr_find.json.gz", "r.pt", "r.pkl", "r.npz", "r.html", "r.txt", "lr_find"]
)
def test_save_refuses_a_name_other_than_json_and_load_reads_any(tmp_path: Any, name: str) -> None:
    # review 122: JSON was written without a word under the names of other formats (a spreadsheet, compressed
    # data, a pickle); a file written so before still loads, whatever its name
    path = tmp_path / name
    instead = "lr_find.json" if name.startswith("lr_find") else "r.json"
    said = rf"^path must be a JSON file's path, ending in \.json \(save writes the result as JSON; e\.g\. '{instead}'\)"
    for result in (sample(), WeightDecayResult([sample(weight_decay=0.0), sample(weight_decay=1e-4)])):
        with pytest.raises(ValueError, match=said):
            result.save(path)
    assert not path.exists()
    path.write_text(json.dumps(sample().to_dict()))
    assert RangeTestResult.load(path) == sample()
    sample().save(tmp_path / "upper.JSON")  # the suffix in any case
    assert RangeTestResult.load(tmp_path / "upper.JSON") == sample()


def test_save_and_load_name_a_folder_an_empty_path_and_a_tilde_they_do_not_expand(
    tmp_path: Any, monkeypatch
) -> None:
    # review 122: save(folder) and save('') raised bare OS errors, and for '~/runs/x.json' the advice was
    # os.makedirs('~/runs'), which makes a folder named '~' in the working directory
    monkeypatch.chdir(tmp_path)
    for call in (sample().save, RangeTestResult.load):
        with pytest.raises(ValueError, match=r"^path must be a file path, not empty, got ''$"):
            call("")
        with pytest.raises(FileNotFoundError) as caught:
            call("~/runs/lr_find.json")
        assert str(caught.value) == (
            "[Errno 2] No such file or directory ('~' is not expanded to a home folder, as open() does not expand "
            "it: give os.path.expanduser(path)): '~/runs/lr_find.json'"
        )
        assert caught.value.filename == "~/runs/lr_find.json" and caught.value.errno == 2
    with pytest.raises(IsADirectoryError) as folder:
        sample().save(tmp_path)
    assert str(folder.value) == (
        "[Errno 21] Is a directory (save writes a file: give a file's path in that folder, e.g. "
        f"os.path.join(path, 'lr_find.json')): {str(tmp_path)!r}"
    )
    with pytest.raises(
        IsADirectoryError, match=r"^\[Errno 21\] Is a directory \(load reads the file save\(\) wrote"
    ):
        RangeTestResult.load(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_curve_of_tensors_is_the_curve_of_their_numbers() -> None:
    # review 122: losses collected from training_step (detached) and a 1-d tensor of LRs were refused
    lrs, losses = [1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.5, 1.0, 0.5, 4.0]
    plain = RangeTestResult(lrs, losses, [None] * 5, smoothing=0)
    f64 = torch.float64
    held = RangeTestResult(
        torch.tensor(lrs, dtype=f64), [torch.tensor(v) for v in losses], [None] * 5, smoothing=torch.tensor(0)
    )
    assert held == plain and type(held.lrs[0]) is float
    with pytest.raises(
        TypeError, match=r"^losses\[0\] must be a number \(not a tensor that requires grad: give"
    ):
        RangeTestResult(lrs, [torch.tensor(v, requires_grad=True) for v in losses], [None] * 5)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ((torch.tensor(0.5), [1.0], [None]), r"lrs must be a list of numbers, got tensor\(0.5000\)"),
        ((0.5, [1.0], [None]), r"lrs must be a list of numbers, got 0.5"),  # as a plain number is
        (([0.5], np.array(1.0), [None]), r"losses must be a list of numbers, got array\(1.\)"),
        (
            ([0.5], [1.0], torch.tensor(0.9)),
            r"momentums must be a list of numbers or None, got tensor\(0.9000\)",
        ),
    ],
)
def test_a_0d_array_or_tensor_for_a_curve_is_named_as_a_number_is(args: tuple[Any, ...], said: str) -> None:
    # review 108: a 0-d tensor was iterated ("iteration over a 0-d tensor")
    with pytest.raises(TypeError, match=f"^{said}$"):
        RangeTestResult(*args)


@pytest.mark.filterwarnings("default")
@pytest.mark.parametrize("method", [None, "valley"])
def test_bounds_from_numpy_scalars_are_plain_floats_equal_to_the_python_numbers_ones(
    method: str | None,
) -> None:
    # review 108: cyclic_bounds(np.int64(3)) returned (np.float64(...), ...), and a np.float32 shape argument
    # made one_cycle_max_lr an np.float32, where int and float arguments give floats
    r = sample(smoothing=0.0)
    warnings.simplefilter("ignore", UnusedArgumentWarning)  # the 'minimum' rule's peak ignores the shape
    # review 122: and a 0-d tensor or array, refused as "ratio must be a number > 1 (max_lr / base_lr)"
    held = ((torch.tensor(3), 3), (np.array(2.5), 2.5), (torch.tensor(4.0, dtype=torch.float64), 4.0))
    for ratio, plain in ((np.int64(3), 3), (np.float32(4.0), 4.0), (np.float64(2.5), 2.5), *held):
        bounds = r.cyclic_bounds(ratio, method)
        assert bounds is not None and [type(v) for v in bounds] == [float, float], bounds
        assert bounds == r.cyclic_bounds(plain, method)
    for shape, plain in (
        ({"div_factor": np.float32(25.0)}, {"div_factor": 25.0}),
        ({"pct_start": np.float32(0.25)}, {"pct_start": 0.25}),
        ({"final_div_factor": np.int64(100)}, {"final_div_factor": 100}),
        ({"pct_start": torch.tensor(0.25)}, {"pct_start": 0.25}),
    ):
        peak = r.one_cycle_max_lr(method, **shape)
        assert type(peak) is float and peak == r.one_cycle_max_lr(method, **plain), (shape, peak)


def test_one_cycle_max_lr_names_itself_in_its_errors_and_hints_torchs_names() -> None:
    # review 141: a shape refused was said of "OneCycle" (a schedule the caller never named), and torch's
    # anneal_strategy was a plain unexpected-keyword TypeError, where the callbacks hint anneal=
    r = sample(smoothing=0.0)
    with pytest.raises(ValueError, match=r"^one_cycle_max_lr: pct_start must be in \[0, 1\], got 2$"):
        r.one_cycle_max_lr("valley", pct_start=2)
    with pytest.raises(ValueError, match=r"^one_cycle_max_lr: pct_start must be < 0.5 with three_phase=True"):
        r.one_cycle_max_lr("valley", pct_start=0.6, three_phase=True)
    with pytest.raises(ValueError, match=r"^one_cycle_max_lr: div_factor must be >= 1"):
        r.one_cycle_max_lr(div_factor=0.5)
    with pytest.raises(
        TypeError,
        match=r"^RangeTestResult.one_cycle_max_lr\(\) got an unexpected keyword argument 'anneal_strategy': "
        r"pass anneal=\"cos\" or \"linear\" \(torch's anneal_strategy\); given anneal_strategy='cos'$",
    ):
        r.one_cycle_max_lr("valley", anneal_strategy="cos")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"'total_steps': pass nothing: the peak follows the cycle's shape"):
        r.one_cycle_max_lr(total_steps=100)  # type: ignore[call-arg]
    # the signature and the warnings are the method's own, past the wrapper that gives the hints
    assert "pct_start" in inspect.signature(RangeTestResult.one_cycle_max_lr).parameters
    still = RangeTestResult(LRS[:20], np.full(20, 1.5), [None] * 20)
    with pytest.warns(UserWarning, match="no one_cycle_max_lr") as said:
        assert still.one_cycle_max_lr("valley") is None
    assert said[-1].filename == __file__


def test_shape_arguments_the_minimum_rules_peak_ignores_are_named_once() -> None:
    # review 108: one_cycle_max_lr(pct_start=0.9, div_factor=1.0) answered as one_cycle_max_lr() under the default
    # rule ('minimum': the LR of the lowest loss, whatever the shape), without a word
    r = sample(smoothing=0.0)
    with pytest.warns(UnusedArgumentWarning) as caught:
        peak = r.one_cycle_max_lr(pct_start=0.9, div_factor=1.0)
    assert peak == r.one_cycle_max_lr() and len(caught) == 1
    assert str(caught[0].message) == (
        "one_cycle_max_lr: pct_start=0.9, div_factor=1.0 cannot change the peak of the 'minimum' rule (the default "
        "answer of a result without a confirmation): it is the LR of the lowest loss itself (Smith 2018), whatever "
        "the cycle's shape, so they are ignored. Leave them out, or read a rule whose peak follows the shape "
        "(method='valley', 'steepest' or 'slide')"
    )
    assert caught[0].filename == __file__  # said where the call is
    with pytest.warns(
        UnusedArgumentWarning,
        match=r"^one_cycle_max_lr: three_phase=True cannot .*\(method='minimum'\).* so it is ignored",
    ):
        r.one_cycle_max_lr("minimum", three_phase=True)
    with pytest.warns(UnusedArgumentWarning, match=r"\(rule='minimum', this result's answer\)"):
        dataclasses.replace(r, rule="minimum").one_cycle_max_lr(anneal="linear")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r.one_cycle_max_lr(pct_start=0.3, div_factor=25)  # the defaults, spelled out: nothing is ignored
        assert r.one_cycle_max_lr("valley", pct_start=0.9) != r.one_cycle_max_lr("valley")  # a shape it reads
    # a OneCycle callback hands its own shape over, which is no question to the result: it says nothing
    from lightning_lr.callbacks import OneCycle as OneCycleCallback

    cycle = OneCycleCallback(pct_start=0.25, div_factor=10.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnusedArgumentWarning)
        assert cycle.range_test_values(r) == {"max_lr": peak}


def test_a_momentum_result_holds_the_reason_it_has_no_answer(tmp_path: Any) -> None:
    """Review 138: the docs say the momentum test's suggestion is None "with the reason", but only the warning
    and the figure held it: ``result.reason`` raised AttributeError (a RangeTestResult has one)."""
    moms = np.linspace(0.8, 0.99, 20)
    top = MomentumRangeTestResult(moms, 2.0 - moms, [1e-2] * 20, smoothing=0)  # lowest at the last momentum
    with pytest.warns(UserWarning, match="no momentum suggestion") as caught:
        assert top.suggestion() is None
    assert top.reason.startswith("the lowest loss is at the end of the sweep (momentum 0.99)")
    assert str(caught[0].message) == f"no momentum suggestion (method='minimum'): {top.reason}"
    # said once per result: no answer is the usual outcome (review 147: each call said it again)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert top.suggestion() is None
    assert MomentumRangeTestResult(moms, (moms - 0.9) ** 2 + 1.0, [1e-2] * 20, smoothing=0).reason == ""
    # read from the curve: a file written before it existed has it too
    data = top.to_dict()
    assert "reason" not in data
    top.save(tmp_path / "m.json")
    assert MomentumRangeTestResult.load(tmp_path / "m.json").reason == top.reason
    assert MomentumRangeTestResult.from_dict(json.loads(json.dumps(data))).reason == top.reason


def test_a_weight_decay_sweeps_one_cycle_max_lr_takes_the_same_arguments_and_names_itself() -> None:
    import inspect

    # review 146: it took **shape, so a misspelt one was refused as "RangeTestResult.one_cycle_max_lr() got an
    # unexpected keyword argument"
    ours = list(inspect.signature(WeightDecayResult.one_cycle_max_lr).parameters.values())
    assert ours == list(inspect.signature(RangeTestResult.one_cycle_max_lr).parameters.values())
    sweep = WeightDecayResult([sample(weight_decay=0.0), sample(weight_decay=1e-4)])
    with pytest.raises(
        TypeError, match=r"^WeightDecayResult\.one_cycle_max_lr\(\) got an unexpected keyword"
    ):
        sweep.one_cycle_max_lr(pct_startt=0.2)  # type: ignore[call-arg]
    assert sweep.one_cycle_max_lr(pct_start=0.2) == sweep.best.one_cycle_max_lr(pct_start=0.2)


def test_steepest_needs_a_falling_stretch_a_flat_gradient_is_none() -> None:
    # review 184 (a mutation survived): a one-point dip between equal neighbours has a zero gradient, no descent
    assert _rules.steepest(10.0 ** np.arange(10), [2, 2, 2, 2, 2, 1, 2, 2, 2, 2.0]) == _rules.Pick(
        None, "the loss has no descending stretch"
    )


def test_slide_stops_where_the_loss_flattens_within_its_threshold() -> None:
    # review 184: the slide doctest only bounded the index (20..40); a threshold four times larger moved it to 35
    lrs = np.logspace(-6, 1, 50)
    y = np.r_[np.full(20, 2.0), np.linspace(2.0, 0.5, 20), np.geomspace(0.5, 8.0, 10)]
    assert _rules.slide(lrs, y).index == 31
