"""Invariants of the schedules, as hypothesis properties and over the example zoo."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from schedule_zoo import (
    all_examples,
    any_closed_form,
    closed_form_examples,
    cyclics,
    decays,
    is_finite_non_negative,
    lrs,
    momentum_bounds,
    one_cycles,
    restarts,
    seed_lambda0_8,
    user_function_examples,
)

from lightning_lr.schedules import Cyclic, Join, Multiplicative, OneCycle, Schedule, join, warmup
from lightning_lr.schedules._math import ARRAY

FAST = settings(max_examples=60, deadline=None)
REL = 1e-12


def assert_close(a: object, b: object) -> None:
    # relative 1e-12; values below 1e-300 (subnormal, where floats have few digits) count as equal
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=REL, atol=1e-300)


# --- bounds --------------------------------------------------------------------------------------------


@FAST
@given(cyclics())
def test_cyclic_stays_within_base_and_max(s: Cyclic) -> None:
    v = s.values(3 * s.cycle_length + 1)
    assert v.min() >= s.base_lr
    assert v.max() <= s.max_lr


@FAST
@given(cyclics(), momentum_bounds())
def test_cyclic_momentum_stays_within_bounds(s: Cyclic, bounds: tuple[float, float]) -> None:
    m = s.momentum(*bounds)
    v = m.values(3 * s.cycle_length + 1)
    assert v.min() >= bounds[0]
    assert v.max() <= bounds[1]


@FAST
@given(one_cycles())
def test_one_cycle_stays_within_min_and_max(s: OneCycle) -> None:
    v = s.values(s.total_steps + 5)
    assert v.min() >= s.min_lr
    assert v.max() <= s.max_lr
    assert v[-1] == s.min_lr  # holds the final value after the end


@FAST
@given(one_cycles(), momentum_bounds())
def test_one_cycle_momentum_stays_within_bounds(s: OneCycle, bounds: tuple[float, float]) -> None:
    v = s.momentum(*bounds).values(s.total_steps + 5)
    assert v.min() >= bounds[0]
    assert v.max() <= bounds[1]


# --- shape -----------------------------------------------------------------------------------------------


@FAST
@given(cyclics().filter(lambda c: c.mode == "triangular"), st.integers(0, 10**6), st.integers(1, 10**3))
def test_triangular_is_periodic(s: Cyclic, t: int, k: int) -> None:
    period = s.cycle_length
    assert s(t + k * period) == pytest.approx(s(t), rel=1e-12)
    assert s(t % period) == pytest.approx(s(t), rel=1e-12)


@FAST
@given(cyclics().filter(lambda c: c.mode == "triangular"))
def test_triangular_reaches_base_and_max_once_per_cycle(s: Cyclic) -> None:
    v = s.values(s.cycle_length + 1)
    assert v[0] == v[-1] == s.base_lr
    assert v[s.step_size] == s.max_lr


@FAST
@given(cyclics().filter(lambda c: c.mode != "triangular"))
def test_decaying_cycles_have_non_increasing_peaks(s: Cyclic) -> None:
    peaks = [s(s.step_size + k * s.cycle_length) for k in range(6)]
    assert all(a >= b for a, b in itertools.pairwise(peaks))


@FAST
@given(decays())
def test_decays_are_monotone(s: Schedule) -> None:
    v = s.values(400)
    assert (np.diff(v) <= 1e-15 * v[:-1]).all(), s  # non-increasing, up to a rounding error


@FAST
@given(restarts())
def test_restarts_decay_within_each_cycle_and_peaks_do_not_grow(s: Schedule) -> None:
    v = s.values(300)
    d = np.diff(v)
    jumps = np.flatnonzero(d > 1e-15 * v[:-1]) + 1  # the restarts
    assert all(v[j] <= v[0] for j in jumps)
    peaks = [v[0], *v[jumps]]
    assert all(a >= b * (1 - 1e-12) for a, b in itertools.pairwise(peaks))
    assert v.min() >= s.final * (1 - 1e-12)


@FAST
@given(one_cycles(), momentum_bounds())
def test_one_cycle_momentum_moves_opposite_to_lr(s: OneCycle, bounds: tuple[float, float]) -> None:
    """Within each phase. A step that straddles a fractional phase end (the peak at pct_start * total - 1
    between two integer steps) can see both go down: up-then-down for the LR, down-then-up for the momentum
    (torch samples the same curves)."""
    m = s.momentum(*bounds)
    n = s.total_steps + 2
    t = np.arange(n)
    ends = s._ends()
    phase = np.full(n, len(ends) - 1)
    for i in range(len(ends) - 2, -1, -1):
        phase[t <= ends[i]] = i
    same = phase[1:] == phase[:-1]
    d_lr, d_m = np.diff(s.values(n))[same], np.diff(m.values(n))[same]
    tol_lr, tol_m = 1e-12 * s.max_lr, 1e-12
    assert (d_m[d_lr > tol_lr] <= tol_m).all()
    assert (d_m[d_lr < -tol_lr] >= -tol_m).all()
    if float(s.pct_start * s.total_steps).is_integer() and s.pct_start * s.total_steps >= 1:
        peak = int(s.peak_step)  # the peak is on a step: the momentum's low is there too
        assert s(peak) == s.max_lr and m(peak) == m.base_momentum


@FAST
@given(cyclics(), momentum_bounds())
def test_cyclic_momentum_moves_opposite_to_lr(s: Cyclic, bounds: tuple[float, float]) -> None:
    m = s.momentum(*bounds)
    n = 2 * s.cycle_length + 2
    d_lr, d_m = np.diff(s.values(n)), np.diff(m.values(n))
    assert (d_m[d_lr > 1e-12 * s.max_lr] <= 1e-12).all()
    assert (d_m[d_lr < -1e-12 * s.max_lr] >= -1e-12).all()


# --- composition -----------------------------------------------------------------------------------------


@FAST
@given(st.lists(decays(), min_size=2, max_size=4), st.lists(st.integers(1, 50), min_size=3, max_size=3))
def test_join_switches_exactly_at_the_boundaries(parts: list[Schedule], gaps: list[int]) -> None:
    bounds = list(np.cumsum(gaps[: len(parts) - 1]))
    bounds = [int(b) for b in bounds]
    s = join(parts, bounds)
    starts = [0, *bounds]
    for i, part in enumerate(parts):
        b = starts[i]
        assert s(b) == part(0)  # the new part starts at its own step 0
        if i + 1 < len(parts):
            end = starts[i + 1]
            assert s(end - 1) == part(end - 1 - b)  # the old one runs up to the boundary
    n = starts[-1] + 20
    assert_close(s.values(n), [s(t) for t in range(n)])


@FAST
@given(lrs, st.integers(1, 100), st.integers(1, 200), st.floats(0.0, 1.0))
def test_join_is_continuous_when_the_parts_meet(peak: float, ramp: int, total: int, floor: float) -> None:
    from lightning_lr.schedules import CosineDecay, Linear

    up = Linear(0.0, peak, total=ramp)
    down = CosineDecay(peak, total=total, final=floor * peak)
    s = join([up, down], [ramp])
    assert up(ramp) == down(0) == s(ramp)  # where the parts meet the values agree
    steps = np.abs(np.diff(s.values(ramp + total)))
    largest_own_step = max(
        np.abs(np.diff(up.values(ramp + 1))).max(), np.abs(np.diff(down.values(total + 1))).max()
    )
    assert steps.max() <= largest_own_step * (1 + 1e-12)  # no jump bigger than the parts' own steps


@FAST
@given(st.one_of(decays(), cyclics(), one_cycles()))
def test_a_warmup_of_no_steps_is_the_schedule(inner: Schedule) -> None:
    # transformers' num_warmup_steps=0 and the callbacks' warmup=0; warmup() refused 0 (review 50)
    assert list(warmup(inner, steps=0).values(300)) == list(inner.values(300))
    # review 51: a start drawn with 0 steps (timm's warmup_t=0, warmup_lr_init=1e-5) was refused
    assert list(warmup(inner, steps=0, start=0.5 * inner(0)).values(300)) == list(inner.values(300))


@FAST
@given(
    st.one_of(decays(), cyclics(), one_cycles()), st.integers(1, 200), st.floats(0.0, 1.0, exclude_max=True)
)
def test_warmup_is_continuous_into_the_schedule(inner: Schedule, steps: int, start_frac: float) -> None:
    start = start_frac * inner(0)
    s = warmup(inner, steps=steps, start=start)
    assert s(0) == start
    assert s(steps) == inner(0)
    assert s(steps + 5) == inner(5)
    increment = (inner(0) - start) / steps
    warm = s.values(steps + 1)
    scale = max(inner(0), start)
    assert np.diff(warm) == pytest.approx(np.full(steps, increment), rel=1e-9, abs=1e-12 * scale)


# --- vectorized == per step, purity, huge steps ------------------------------------------------------------


@pytest.mark.parametrize("name", list(all_examples()))
def test_values_equals_calls_for_every_example(name: str) -> None:
    s = all_examples()[name]
    n = 300
    assert_close(s.values(n), [s(t) for t in range(n)])
    assert s.values(0).shape == (0,)
    assert s.values(1)[0] == s(0)


@FAST
@given(any_closed_form(), st.integers(1, 700))
def test_values_equals_calls(s: Schedule, n: int) -> None:
    assert_close(s.values(n), [s(t) for t in range(n)])


@FAST
@given(any_closed_form(), st.lists(st.integers(0, 10**12), min_size=1, max_size=30))
def test_array_path_equals_scalar_path_at_any_steps(s: Schedule, steps: list[int]) -> None:
    """ScheduleLR evaluates blocks of steps anywhere (a resumed run): same values as step by step."""
    batch = np.asarray(s._eval(np.asarray(steps, dtype=np.int64), ARRAY), dtype=np.float64)
    batch = np.broadcast_to(batch, (len(steps),))
    assert_close(batch, [s(t) for t in steps])


@pytest.mark.parametrize("name", list(all_examples()))
def test_out_of_order_evaluation_gives_the_same_values(name: str) -> None:
    s = all_examples()[name]
    n = 120
    forward = [s(t) for t in range(n)]
    order = np.random.default_rng(0).permutation(n).tolist()
    shuffled = {t: s(t) for t in order}
    backward = [s(t) for t in reversed(range(n))][::-1]
    assert [shuffled[t] for t in range(n)] == forward  # bitwise: a pure function of the step
    assert backward == forward
    assert s.values(n).tolist() == pytest.approx(forward, rel=REL)
    assert [s(t) for t in range(n)] == forward  # and evaluating changed nothing


def test_multiplicative_cache_is_invisible() -> None:
    s = Multiplicative(1.0, seed_lambda0_8)
    fresh = [Multiplicative(1.0, s.factor)(t) for t in range(30)]
    s(29)
    assert s(3) == fresh[3]  # backwards: recomputed from step 0
    assert s(20) == fresh[20]
    assert s.values(30).tolist() == fresh


HUGE = [10**9, 10**9 + 1, 2**40 + 3, 2**62]


@pytest.mark.parametrize(
    "name", [*closed_form_examples(), "Lambda", "Cyclic-scale_fn-cycle", "Cyclic-scale_fn-iterations"]
)
def test_huge_steps_work(name: str) -> None:
    s = all_examples()[name]
    for t in HUGE:
        v = s(t)
        assert is_finite_non_negative(v) or (math.isinf(v) and name == "ExponentialDecay-growth"), (t, v)
    batch = np.broadcast_to(s._eval(np.asarray(HUGE, dtype=np.int64), ARRAY), (len(HUGE),))
    assert_close(batch, [s(t) for t in HUGE])


def test_huge_step_in_a_join_and_a_warmup() -> None:
    ex = closed_form_examples()
    assert ex["join"](10**9) == ex["join"].schedules[-1](10**9 - 30)
    assert ex["warmup"](10**9) == ex["warmup"].schedules[-1](10**9 - 10)


@FAST
@given(any_closed_form(), st.sampled_from([*HUGE, 10**30]))
def test_huge_steps_never_raise_nor_go_negative(s: Schedule, t: int) -> None:
    assert is_finite_non_negative(s(t))


def test_growth_overflows_to_inf_without_raising() -> None:
    from lightning_lr.schedules import ExponentialDecay, StepDecay

    # before: OverflowError (scalar) and a RuntimeWarning (numpy) at large steps
    assert ExponentialDecay(0.1, gamma=1.1)(10**9) == math.inf
    assert ExponentialDecay(0.1, rate=-0.1)(10**9) == math.inf
    assert StepDecay(0.1, every=10, drop=2.0)(10**9) == math.inf
    with np.errstate(all="raise"):
        assert ExponentialDecay(0.1, rate=-0.1).values(100_000)[-1] == math.inf


def test_user_function_examples_are_not_vectorized_and_closed_forms_are() -> None:
    assert all(s.vectorized for s in closed_form_examples().values())
    assert not any(s.vectorized for s in user_function_examples().values())
    assert isinstance(closed_form_examples()["warmup"], Join)


@pytest.mark.parametrize("name", [n for n, s in all_examples().items() if "Multiplicative" not in repr(s)])
def test_every_step_in_the_float_range_has_a_finite_value_and_beyond_it_is_refused(name: str) -> None:
    # review 58: at 2**1100 decays answered inf, exp_range cycles nan, and others raised a bare OverflowError
    s = all_examples()[name]
    for far in (2**1023, 2**1024 - 2**970 - 1):  # the last integer float() takes
        value = s(far)
        assert value >= 0 and (math.isfinite(value) or name.endswith("-growth"))  # a growth's own inf
    with pytest.raises(
        ValueError,
        match=r"step must be a non-negative integer below 2\*\*1024 - 2\*\*970 .*got an integer of 1024 bits",
    ):
        s(2**1024 - 2**970)  # review 59: float() rounds it to 2**1024


def test_a_periodic_cosine_keeps_its_phase_at_any_step() -> None:
    # review 58: cos(pi * t / total) of a float t drifted (0.524 where the value is 0.5, at step 1e17)
    from lightning_lr.schedules import CosineDecay

    s = CosineDecay(1.0, total=50, periodic=True)
    for far in (10**8, 10**11, 10**17, 2**64 * 100):
        assert s(far + 25) == s(25) == 0.5
        assert s.values(1)[0] == s(far) == 1.0


@pytest.mark.parametrize("gamma", [0.3, 0.9, 0.999])
def test_exponential_decay_per_step_values_keep_the_documented_precision(gamma: float) -> None:
    # values() promises a relative difference below 1e-14 from the calls wherever the value is above 1e-40;
    # with every=1 the exponents are whole steps, raised exactly in integers (an exponent of t / 1, a float,
    # went through exp(t * log(gamma)) and drifted to 1.3e-14 for gamma=0.3)
    from lightning_lr.schedules import ExponentialDecay

    s = ExponentialDecay(1.0, gamma=gamma)
    n = int(math.log(1e-40) / math.log(gamma))
    calls = np.array([s(t) for t in range(n)])
    assert calls[-1] > 1e-40
    assert np.max(np.abs(s.values(n) / calls - 1.0)) <= 1e-14
