"""Suggestion rules on synthetic curves with known answers, and the result object."""

from __future__ import annotations

import json
import math
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lightning_lr import RangeTestResult
from lightning_lr.tuner import METHODS, WeightDecayResult, _rules

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


def test_minimum_is_a_tenth_of_the_lowest_point() -> None:
    y = descent_curve()
    r = RangeTestResult(LRS, y, [None] * 100, smoothing=0)
    assert r.suggestion("minimum") == LRS[int(np.argmin(y))] / 10


def test_valley_is_the_log_middle_of_the_descent() -> None:
    y = descent_curve()
    r = RangeTestResult(LRS, y, [None] * 100, smoothing=0)
    start = np.mean(y[:10])
    i_min = int(np.argmin(y))
    first = int(np.argmax(y <= start - 0.1 * (start - y[i_min])))
    expected = LRS[round((first + i_min) / 2)]
    assert r.suggestion("valley") == pytest.approx(expected, rel=0.2)
    assert LRS[first] < r.suggestion("valley") < LRS[i_min]


def test_knee_bounds_for_one_cycle_and_cyclic() -> None:
    y = descent_curve()
    r = RangeTestResult(LRS, y, [None] * 100, smoothing=0)
    top = r.one_cycle_max_lr()
    start, low = np.mean(y[:10]), y.min()
    i = int(np.argmax(y <= low + 0.1 * (start - low)))
    assert top == LRS[i]
    assert r.cyclic_bounds() == (top / 4, top)
    assert r.cyclic_bounds(ratio=3) == (top / 3, top)
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
    with pytest.warns(UserWarning, match=r"only 2 finite point\(s\)"):
        assert r.suggestion() is None
    flat = RangeTestResult(LRS[:20], np.linspace(1.0, 2.0, 20), [None] * 20)
    for method in METHODS:
        with pytest.warns(UserWarning, match=f"method='{method}'.*never fell below its starting level"):
            assert flat.suggestion(method) is None
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
    assert (
        text.startswith("RangeTestResult(60 steps, lr 1e-07..")
        and "stopped: diverged after 60 of 100" in text
    )
    assert "suggestion(valley)=" in text


def test_plot_marks_the_suggestion_on_a_log_axis() -> None:
    r = sample()
    fig = r.plot(method="steepest")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert ax.get_xscale() == "log" and any(lbl.startswith("steepest: ") for lbl in labels)
    assert any(lbl.startswith("1cycle max_lr") for lbl in labels)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sample().plot(suggest=False)


def test_momentum_result_rules() -> None:
    moms = np.linspace(0.8, 0.99, 20)
    y = (moms - 0.9) ** 2 + 1.0
    r = RangeTestResult([1e-2] * 20, y, moms, mode="linear", param="momentum", smoothing=0)
    assert r.suggestion() == moms[int(np.argmin(y))]
    with pytest.raises(ValueError, match="a momentum sweep has one rule"):
        r.suggestion("valley")
    assert r.plot().axes[0].get_xlabel() == "momentum"


def test_with_smoothing_keeps_raw_losses() -> None:
    r = sample(smoothing=0.98)
    light = r.with_smoothing(0.5)
    assert light.losses == r.losses and light.smoothing == 0.5 and light.smoothed != r.smoothed
