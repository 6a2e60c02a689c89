"""WarmupStableDecay and InverseSqrt: formulas, phases that meet, bounds and monotone decay."""

from __future__ import annotations

import fractions
import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lightning_lr.schedules import Constant, InverseSqrt, WarmupStableDecay, warmup


@pytest.mark.parametrize(
    ("shape", "g"),
    [
        ("1-sqrt", lambda x: 1 - math.sqrt(x)),
        ("linear", lambda x: 1 - x),
        ("cosine", lambda x: (1 + math.cos(math.pi * x)) / 2),
    ],
)
def test_wsd_follows_its_formula(shape: str, g) -> None:
    peak, total, warm, final = 0.3, 120, 10, 0.01
    s = WarmupStableDecay(peak, total, warmup=warm, decay=0.25, shape=shape, final=final)
    start = total - 30
    for t in range(200):
        if t < warm:
            expected = peak * t / warm
        elif t < start:
            expected = peak
        elif t < total:
            expected = final + (peak - final) * g((t - start) / 30)
        else:
            expected = final
        assert s(t) == pytest.approx(expected, rel=1e-12, abs=1e-15), t


def test_wsd_warm_up_is_the_warmup_helper() -> None:
    s = WarmupStableDecay(0.5, total=100, warmup=8)
    helper = warmup(Constant(0.5), steps=8)
    np.testing.assert_array_equal(s.values(9), helper.values(9))


def test_wsd_decay_given_as_steps_or_fraction() -> None:
    assert WarmupStableDecay(1.0, 100, decay=20) == WarmupStableDecay(1.0, 100, decay=20)
    a, b = WarmupStableDecay(1.0, 100, decay=20), WarmupStableDecay(1.0, 100, decay=0.2)
    np.testing.assert_array_equal(a.values(150), b.values(150))
    assert a != b  # different fields, the same values
    assert WarmupStableDecay(1.0, 10, decay=0.25).decay_steps == 3  # 2.5 rounds half up
    assert WarmupStableDecay(1.0, 10, decay=0.01).decay_steps == 1  # never an empty cooldown
    # any real fraction (numpy's float32, fractions.Fraction) and numpy ints, kept as plain numbers; before,
    # np.float32(0.2) was refused as "must be a positive integer"
    for fraction in (np.float32(0.2), fractions.Fraction(1, 5), np.float64(0.2)):
        s = WarmupStableDecay(1.0, 100, decay=fraction)
        assert s.decay_steps == 20 and type(s.decay) is float
    assert repr(WarmupStableDecay(1.0, 100, decay=np.int64(20))).endswith(
        "decay=20, shape='1-sqrt', final=0)"
    )
    # decay=1.0 is all of total, decay=1 one step: different schedules, though 1.0 == 1 (they compared and
    # hashed equal, and the repr of the first built the second)
    whole, one = WarmupStableDecay(1.0, 100, decay=1.0), WarmupStableDecay(1.0, 100, decay=1)
    assert whole != one and whole(50) < 0.5 < one(50) == 1.0
    assert repr(whole).endswith("decay=1.0, shape='1-sqrt', final=0)") and eval(repr(whole)) == whole
    assert eval(repr(one)) == one and hash(whole) != hash(one)
    allowed = re.escape("decay must be an int number of steps (1 .. total) or a float in (0, 1] (a fraction")
    for wrong, error in (("0.2", TypeError), (True, TypeError), (0, ValueError), (1.5, ValueError)):
        with pytest.raises(error, match=allowed):
            WarmupStableDecay(1.0, 100, decay=wrong)


def test_extending_a_wsd_run_keeps_the_stable_phase_until_the_new_cooldown() -> None:
    short = WarmupStableDecay(1.0, total=100, warmup=10, decay=20)
    long = short.replace(total=200)
    np.testing.assert_array_equal(short.values(80), long.values(80))  # identical up to the old cooldown
    assert long(150) == 1.0 and long(200) == 0.0


@given(
    peak=st.floats(1e-6, 10.0),
    total=st.integers(1, 400),
    warm_frac=st.floats(0.0, 1.0),
    decay_frac=st.floats(0.001, 1.0),
    shape=st.sampled_from(["1-sqrt", "linear", "cosine"]),
    final_frac=st.floats(0.0, 1.0),
)
def test_wsd_bounds_monotone_phases_and_continuity(
    peak: float, total: int, warm_frac: float, decay_frac: float, shape: str, final_frac: float
) -> None:
    decay = max(1, round(decay_frac * total))
    warm = int(warm_frac * (total - decay))
    final = final_frac * peak
    s = WarmupStableDecay(peak, total, warmup=warm, decay=decay, shape=shape, final=final)
    v = s.values(total + 20)
    assert np.all(v >= 0) and np.all(v <= peak * (1 + 1e-12))
    assert np.all(np.diff(v[: warm + 1]) >= 0)  # the warm-up rises
    assert np.all(np.diff(v[warm:]) <= 1e-15 * peak)  # from the peak on it never rises
    if warm:
        assert v[warm] == peak and v[0] == 0.0  # the warm-up meets the stable phase
    assert v[total] == pytest.approx(final, abs=1e-12 * peak) and np.all(v[total:] == v[total])
    # continuity where the stable phase meets the cooldown: the first cooldown step is within one step's
    # worth of the decay of the peak (the steepest shape, 1-sqrt, moves by sqrt(1/decay) at its first step)
    start = total - decay
    if start > warm:
        assert v[start] == peak


@given(peak=st.floats(1e-6, 10.0), warm=st.integers(1, 200), t=st.integers(0, 10**7))
def test_inverse_sqrt(peak: float, warm: int, t: int) -> None:
    s = InverseSqrt(peak, warmup=warm)
    expected = peak * t / warm if t < warm else peak * math.sqrt(warm / t)
    assert s(t) == pytest.approx(expected, rel=1e-12)
    assert 0 <= s(t) <= peak
    assert s(warm) == peak  # the phases meet at the peak
    v = s.values(warm + 50)
    assert np.all(np.diff(v[warm:]) <= 0) and np.all(np.diff(v[: warm + 1]) >= 0)


@pytest.mark.parametrize("peak", [1e308, 1.7976931348623157e308, 3e307])
def test_a_warm_up_to_a_peak_near_the_float_range_stays_finite(peak: float) -> None:
    # review 108: the warm-up multiplied before it divided, so peak * t overflowed: InverseSqrt(1e308,
    # warmup=10)(2) and WarmupStableDecay(1e308, 100, warmup=10)(5) were inf where Linear(0, 1e308, 10)(5) is 5e+307
    for s in (InverseSqrt(peak, warmup=10), WarmupStableDecay(peak, 100, warmup=10)):
        values = s.values(120)
        assert np.isfinite(values).all() and values.max() == peak, s
        assert [s(t) for t in range(120)] == values.tolist()
        assert s(5) == pytest.approx(peak / 2, rel=1e-15)
        assert np.all(np.diff(values[:11]) > 0)


@given(
    peak=st.floats(1e-12, 1e3, allow_nan=False),
    warm=st.integers(1, 10_000),
    t=st.integers(0, 10_000),
)
def test_the_warm_up_keeps_its_values_to_the_last_bit(peak: float, warm: int, t: int) -> None:
    # the overflow fix changes no value of an ordinary peak: still peak * t / warmup, bit for bit
    expected = peak * min(t, warm) / warm
    if t < warm:
        assert InverseSqrt(peak, warmup=warm)(t) == expected
        assert WarmupStableDecay(peak, 2 * warm + 10, warmup=warm)(t) == expected
        assert InverseSqrt(peak, warmup=warm).values(t + 1)[t] == expected
