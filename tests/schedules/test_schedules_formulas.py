"""Formula tests at chosen points: the seeds' numbers and torch's formulas, ported to plain Python."""

from __future__ import annotations

import copy
import math
import pickle
import warnings

import numpy as np
import pytest
from schedule_zoo import decay_per_step, one_over_cycle, seed_lambda0_8

from lightning_lr.schedules import (
    Constant,
    CosineDecay,
    CosineRestarts,
    Cyclic,
    ExponentialDecay,
    GrowthWarning,
    Lambda,
    Linear,
    Multiplicative,
    MultiStepDecay,
    OneCycle,
    PolynomialDecay,
    StepDecay,
    TimeDecay,
)
from lightning_lr.schedules._math import ARRAY

# --- reference formulas ----------------------------------------------------------------------------


def seed_step_decay(epoch: int) -> float:
    """Seed 002: halve 0.1 every 10 epochs."""
    initial_lrate, drop, epochs_drop = 0.1, 0.5, 10.0
    return initial_lrate * math.pow(drop, math.floor(epoch / epochs_drop))


def seed_exp_decay(epoch: int) -> float:
    """Seed 002: 0.1 * exp(-0.1 * epoch)."""
    return 0.1 * np.exp(-0.1 * epoch)


def seed_cyclical_lr(stepsize: int, min_lr: float = 3e-4, max_lr: float = 3e-3):
    """Seed 000's triangular cyclical_lr, as printed (its scaler is the triangular 1.0)."""

    def scaler(x: float) -> float:
        return 1.0

    def relative(it: int, stepsize: int) -> float:
        cycle = math.floor(1 + it / (2 * stepsize))
        x = abs(it / stepsize - 2 * cycle + 1)
        return max(0, (1 - x)) * scaler(cycle)

    def lr_lambda(it: int) -> float:
        return min_lr + (max_lr - min_lr) * relative(it, stepsize)

    return lr_lambda


def torch_cyclic(t: int, base: float, top: float, up: int, down: int, mode: str, gamma: float = 1.0) -> float:
    """torch.optim.lr_scheduler.CyclicLR.get_lr for one group, in floats as torch computes it."""
    total = float(up + down)
    ratio = up / total
    cycle = math.floor(1 + t / total)
    x = 1.0 + t / total - cycle
    factor = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
    height = (top - base) * factor
    if mode == "triangular":
        return base + height * 1.0
    if mode == "triangular2":
        return base + height * (1 / (2.0 ** (cycle - 1)))
    return base + height * gamma**t


def torch_one_cycle(
    t: int,
    max_lr: float,
    total: int,
    pct: float,
    anneal: str,
    div: float,
    fdiv: float,
    three: bool,
    base_m: float = 0.85,
    max_m: float = 0.95,
) -> tuple[float, float]:
    """torch.optim.lr_scheduler.OneCycleLR.get_lr (lr, momentum) for one group at step t < total."""
    initial = max_lr / div
    min_lr = initial / fdiv
    if three:
        phases = [
            (float(pct * total) - 1, initial, max_lr, max_m, base_m),
            (float(2 * pct * total) - 2, max_lr, initial, base_m, max_m),
            (total - 1, initial, min_lr, max_m, max_m),
        ]
    else:
        phases = [
            (float(pct * total) - 1, initial, max_lr, max_m, base_m),
            (total - 1, max_lr, min_lr, base_m, max_m),
        ]

    def cos(start: float, end: float, p: float) -> float:
        return end + (start - end) / 2.0 * (math.cos(math.pi * p) + 1)

    def lin(start: float, end: float, p: float) -> float:
        return (end - start) * p + start

    f = cos if anneal == "cos" else lin
    start_step = 0.0
    for i, (end_step, a, b, ma, mb) in enumerate(phases):
        if t <= end_step or i == len(phases) - 1:
            p = (t - start_step) / (end_step - start_step)
            return f(a, b, p), f(ma, mb, p)
        start_step = end_step
    raise AssertionError


def torch_sgdr(n: int, base: float, t0: int, t_mult: int, eta_min: float) -> list[float]:
    """CosineAnnealingWarmRestarts stepped n - 1 times without an epoch argument (exact integer T_cur)."""
    out, t_cur, t_i = [], 0, t0
    for _ in range(n):
        out.append(eta_min + (base - eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2)
        t_cur += 1
        if t_cur >= t_i:
            t_cur -= t_i
            t_i *= t_mult
    return out


# --- the seeds' numbers -----------------------------------------------------------------------------


def test_step_decay_halves_0_1_every_10_epochs() -> None:
    s = StepDecay(0.1, every=10, drop=0.5)
    assert [s(e) for e in (0, 9, 10, 19, 20, 25, 30, 50)] == [
        0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.003125
    ]  # fmt: skip
    # seed 002's table says 0.00625 at epoch 50; its own formula (and ours) gives 0.1 * 0.5**5
    assert s(50) == pytest.approx(seed_step_decay(50)) == 0.003125
    assert [s(e) for e in range(200)] == pytest.approx([seed_step_decay(e) for e in range(200)], rel=1e-15)


def test_exponential_decay_seed_numbers() -> None:
    s = ExponentialDecay(0.1, rate=0.1)
    assert s(0) == 0.1
    assert round(s(10), 4) == 0.0368
    assert round(s(25), 4) == 0.0082
    assert round(s(50), 5) == 0.00067
    assert s.values(100) == pytest.approx([seed_exp_decay(e) for e in range(100)], rel=1e-14)
    # by factor: gamma = exp(-rate) is the same schedule
    g = ExponentialDecay(0.1, gamma=math.exp(-0.1))
    assert g.values(100) == pytest.approx(s.values(100), rel=1e-12)


def test_time_decay_is_initial_over_one_plus_k_t() -> None:
    s = TimeDecay(0.1, decay=0.002)  # seed 002: decay = 0.1 / 50 epochs
    for t in (0, 1, 10, 25, 50, 500, 12345):
        assert s(t) == pytest.approx(0.1 / (1 + 0.002 * t), rel=1e-15)
    assert s(500) == pytest.approx(0.05)
    stair = TimeDecay(0.1, decay=0.5, every=10, staircase=True)
    assert [stair(t) for t in (0, 9, 10, 19, 20)] == pytest.approx([0.1, 0.1, 0.1 / 1.5, 0.1 / 1.5, 0.05])
    smooth = TimeDecay(0.1, decay=0.5, every=10)
    assert smooth(5) == pytest.approx(0.1 / 1.25)


def test_cyclic_triangular_equals_seed_000_cyclical_lr() -> None:
    for stepsize in (1, 4, 7, 100):
        ref = seed_cyclical_lr(stepsize, min_lr=3e-4, max_lr=3e-3)
        s = Cyclic(3e-4, 3e-3, step_size=stepsize)
        n = 5 * 2 * stepsize + 3
        assert s.values(n) == pytest.approx([ref(it) for it in range(n)], rel=1e-12)


def test_cosine_respects_the_base_lr() -> None:
    # seed 003 computes eta_min + (1 - eta_min) * (1 + cos) / 2: it starts at 1 whatever the base LR
    base, eta_min, t_max = 0.1, 1e-5, 100
    s = CosineDecay(base, total=t_max, final=eta_min)
    assert s(0) == base
    assert s(50) == pytest.approx((base + eta_min) / 2, rel=1e-15)
    assert s(100) == eta_min
    for t in (0, 13, 50, 99, 100):
        assert s(t) == pytest.approx(eta_min + (base - eta_min) * (1 + math.cos(math.pi * t / t_max)) / 2)
    seed_003_at_0 = eta_min + (1 - eta_min) * (1 + math.cos(0)) / 2
    assert seed_003_at_0 == 1.0 != s(0)


def test_cosine_holds_final_after_total_unless_periodic() -> None:
    s = CosineDecay(1.0, total=10, final=0.1)
    assert s(10) == s(11) == s(10**9) == 0.1
    p = CosineDecay(1.0, total=10, final=0.1, periodic=True)
    assert p(15) == pytest.approx(0.55)
    assert p(20) == pytest.approx(1.0)


def test_multistep_decay_seed_001() -> None:
    s = MultiStepDecay(0.12, milestones=[4, 8, 10, 12, 14, 16, 18, 20, 22, 24], gamma=0.8)
    assert s(3) == 0.12
    assert s(4) == pytest.approx(0.12 * 0.8)
    assert s(9) == pytest.approx(0.12 * 0.8**2)
    assert s(24) == pytest.approx(0.12 * 0.8**10)
    assert s(10**9) == pytest.approx(0.12 * 0.8**10)


def test_multistep_repeated_milestones_compound() -> None:
    s = MultiStepDecay(1.0, milestones=[3, 3, 5], gamma=0.5)
    assert [s(t) for t in range(7)] == [1.0, 1.0, 1.0, 0.25, 0.25, 0.125, 0.125]


def test_multiplicative_equals_multistep_for_seed_001_lambda() -> None:
    m = Multiplicative(0.12, seed_lambda0_8)
    ms = MultiStepDecay(0.12, milestones=list(range(6, 25, 2)), gamma=0.8)
    assert m.values(40) == pytest.approx(ms.values(40), rel=1e-14)


def test_multiplicative_is_initial_times_product_from_step_1() -> None:
    def factor(i: int) -> float:
        return 1.0 - 0.01 * i

    s = Multiplicative(2.0, factor)
    assert s(0) == 2.0  # no factor at step 0, as torch's MultiplicativeLR
    assert s(3) == pytest.approx(2.0 * 0.99 * 0.98 * 0.97)


def test_lambda_returns_its_function() -> None:
    def f(t: int) -> float:
        return 0.1 / (t + 1)

    s = Lambda(f)
    assert [s(t) for t in range(5)] == [f(t) for t in range(5)]


def test_polynomial_and_linear_points() -> None:
    p = PolynomialDecay(0.1, total=10, power=2.0, final=0.01)
    assert p(0) == 0.1
    assert p(5) == pytest.approx(0.09 * 0.25 + 0.01)
    assert p(10) == p(1000) == pytest.approx(0.01)
    lin = Linear(0.5, 0.1, total=4)
    assert [lin(t) for t in range(6)] == pytest.approx([0.5, 0.4, 0.3, 0.2, 0.1, 0.1])
    assert Constant(0.3)(10**9) == 0.3


# --- cosine with warm restarts -------------------------------------------------------------------------


@pytest.mark.parametrize(("t0", "t_mult"), [(10, 1), (10, 2), (3, 3), (1, 2), (7, 5)])
def test_cosine_restarts_equals_torch_sgdr(t0: int, t_mult: int) -> None:
    n = 2000
    s = CosineRestarts(0.1, period=t0, period_mult=t_mult, final=0.001)
    assert s.values(n) == pytest.approx(torch_sgdr(n, 0.1, t0, t_mult, 0.001), rel=1e-12)


@pytest.mark.parametrize("t_mult", [2, 3, 10])
def test_cosine_restarts_exactly_at_cycle_boundaries(t_mult: int) -> None:
    p = 5
    s = CosineRestarts(1.0, period=p, period_mult=t_mult, decay=0.9)
    start, length, i = 0, p, 0
    while start < 10**12:
        # the restart is exactly at the cycle start: peak there, the bottom of the cycle just before
        peak = 0.9**i
        assert s(start) == pytest.approx(peak, rel=1e-12), (i, start)
        if start < 10**5:
            assert s.values(start + 2)[start] == pytest.approx(peak, rel=1e-12)
        if start > 0:
            prev_peak = 0.9 ** (i - 1)
            prev_len = length // t_mult
            expected = prev_peak * (1 + math.cos(math.pi * (prev_len - 1) / prev_len)) / 2
            assert s(start - 1) == pytest.approx(expected, rel=1e-9, abs=1e-300), (i, start)
        start, length, i = start + length, length * t_mult, i + 1


def test_cosine_restarts_at_10_to_the_9() -> None:
    s = CosineRestarts(1.0, period=3, period_mult=2)
    # cycles start at 3 * (2**i - 1); cycle 28 starts at 805306365 and lasts 805306368 steps
    start, length = 3 * (2**28 - 1), 3 * 2**28
    assert start <= 10**9 < start + length
    expected = 0.5 * (1 + math.cos(math.pi * (10**9 - start) / length))
    assert s(10**9) == pytest.approx(expected, rel=1e-12)
    assert s(start) == 1.0
    steps = np.array([start - 1, start, 10**9, start + length - 1, start + length], dtype=np.int64)
    batch = s._eval(steps, ARRAY)  # the vectorized path at large steps, as ScheduleLR uses it
    assert batch == pytest.approx([s(int(t)) for t in steps], rel=1e-12)


def test_cosine_restarts_peak_never_below_the_floor() -> None:
    # before: the peak was initial * decay**i even below final, so the value sank under the floor
    # (0.0625 at step 8 here) and rose towards it within a cycle
    s = CosineRestarts(1.0, period=2, decay=0.5, final=0.2)
    assert [s(t) for t in range(6)] == pytest.approx([1.0, 0.6, 0.5, 0.35, 0.25, 0.225])
    assert s.values(100)[6:] == pytest.approx(np.full(94, 0.2))
    assert s.values(100).min() >= 0.2


# --- cyclic ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["triangular", "triangular2", "exp_range"])
@pytest.mark.parametrize(("up", "down"), [(1, 1), (4, 4), (3, 7), (2000, 2000), (10, 3)])
def test_cyclic_equals_torch_formula(mode: str, up: int, down: int) -> None:
    gamma = 0.9999 if mode == "exp_range" else 1.0
    s = Cyclic(0.001, 0.006, step_size=up, step_size_down=down, mode=mode, gamma=gamma)
    n = min(10_000, 4 * (up + down))
    ref = [torch_cyclic(t, 0.001, 0.006, up, down, mode, gamma) for t in range(n)]
    assert s.values(n) == pytest.approx(ref, rel=1e-12)
    assert [s(t) for t in range(0, n, 7)] == pytest.approx(ref[::7], rel=1e-12)


def test_cyclic_triangular2_halves_the_amplitude_each_cycle() -> None:
    s = Cyclic(1.0, 3.0, step_size=5, mode="triangular2")
    peaks = [s(5 + 10 * k) for k in range(5)]
    assert peaks == [3.0, 2.0, 1.5, 1.25, 1.125]
    assert all(s(10 * k) == 1.0 for k in range(5))


@pytest.mark.parametrize("cycle", [3, 60, 1024, 1025, 1026, 1027, 1100, 2001])
def test_cyclic_triangular2_is_right_and_finite_after_thousands_of_cycles(cycle: int) -> None:
    """The amplitude of cycle c is (max_lr - base_lr) / 2 ** (c - 1). torch computes 1 / 2.0 ** (c - 1),
    which overflows from cycle 1025 on; ours is the same number, computed as 0.5 ** (c - 1)."""
    s = Cyclic(0.001, 0.006, step_size=2, mode="triangular2")
    start = 4 * (cycle - 1)  # a cycle is 4 steps: up 2, down 2
    steps = [start + k for k in range(4)]
    right = [0.001 + (0.006 - 0.001) * f * 2.0 ** -(cycle - 1) for f in (0.0, 0.5, 1.0, 0.5)]
    got = [s(t) for t in steps]
    assert got == pytest.approx(right, rel=1e-15)
    assert all(math.isfinite(v) and 0.001 <= v <= 0.006 for v in got)
    assert s.values(steps[-1] + 1)[start:].tolist() == got
    if cycle < 1025:  # where torch's formula still works, it agrees
        assert got == pytest.approx(
            [torch_cyclic(t, 0.001, 0.006, 2, 2, "triangular2") for t in steps], rel=1e-12
        )
    if cycle > 1100:  # the amplitude is below the resolution of base_lr: base_lr at every step
        assert got == [0.001] * 4


def test_cyclic_exp_range_scales_by_gamma_to_the_step() -> None:
    s = Cyclic(1e-9, 1.0, step_size=5, mode="exp_range", gamma=0.99)
    for k in range(4):
        t = 5 + 10 * k
        assert s(t) == pytest.approx(1e-9 + (1.0 - 1e-9) * 0.99**t, rel=1e-12)


def test_cyclic_is_exact_at_large_steps() -> None:
    # before: torch's float formula put step 3e8 + 1 (the peak) at 0.999999986588955
    s = Cyclic(0.1, 1.0, step_size=1, step_size_down=2)
    assert s(3 * 10**8 + 1) == 1.0
    assert s(3 * 10**8) == 0.1
    assert s(10**9 + 2) == 0.1  # 10**9 + 2 = 3 * 333333334: a cycle start
    assert s(10**9 + 4) == pytest.approx(0.55, rel=1e-15)  # half way down


def test_cyclic_custom_scale_fn_gets_int_cycles_and_steps() -> None:
    s = Cyclic(1.0, 2.0, step_size=2, scale_fn=one_over_cycle)
    assert [s(t) for t in (2, 6, 10)] == pytest.approx([2.0, 1.5, 1 + 1 / 3])
    it = Cyclic(1.0, 2.0, step_size=2, scale_fn=decay_per_step, scale_mode="iterations")
    assert it(2) == pytest.approx(1.0 + 0.999**2)
    seen: list[type] = []

    def spy(x: int) -> float:
        seen.append(type(x))
        return 1.0

    spied = Cyclic(1.0, 2.0, step_size=2, scale_fn=spy)
    spied(3)
    spied.values(9)  # three cycles: one call each, not one per step
    assert seen == [int] * 4


def test_cyclic_asymmetric_up_and_down() -> None:
    s = Cyclic(1.0, 2.0, step_size=2, step_size_down=4)
    assert [s(t) for t in range(7)] == pytest.approx([1.0, 1.5, 2.0, 1.75, 1.5, 1.25, 1.0])


def test_cyclic_without_a_way_down_is_a_sawtooth() -> None:
    # review 125: torch's CyclicLR(step_size_down=0) rises for step_size steps and starts the next cycle at
    # base_lr (was refused: "step_size_down must be a positive integer")
    s = Cyclic(0.01, 0.1, step_size=5, step_size_down=0)
    expected = [0.01, 0.028, 0.046, 0.064, 0.082] * 3
    assert [s(t) for t in range(15)] == pytest.approx(expected, rel=1e-12)
    assert s.values(15).tolist() == pytest.approx(expected, rel=1e-12)
    assert s(5 * 10**9 + 4) == pytest.approx(0.082, rel=1e-12)
    m = s.momentum(0.8, 0.9)
    assert [m(t) for t in range(6)] == pytest.approx([0.9, 0.88, 0.86, 0.84, 0.82, 0.9], rel=1e-12)
    halved = Cyclic(0.0, 1.0, step_size=2, step_size_down=0, mode="triangular2")
    assert [halved(t) for t in range(6)] == pytest.approx([0.0, 0.5, 0.0, 0.25, 0.0, 0.125])


def test_cyclic_momentum_is_inverse() -> None:
    lr = Cyclic(0.1, 1.0, step_size=4, mode="triangular2")
    m = lr.momentum(0.8, 0.9)
    for t in range(40):
        frac = (lr(t) - 0.1) / 0.9
        assert m(t) == pytest.approx(0.9 - 0.1 * frac, abs=1e-12)


# --- one cycle -----------------------------------------------------------------------------------------


ONE_CYCLE_CASES = [
    dict(max_lr=0.1, total=100, pct=0.3, anneal="cos", div=25.0, fdiv=1e4, three=False),
    dict(max_lr=0.1, total=100, pct=0.3, anneal="linear", div=25.0, fdiv=1e4, three=False),
    dict(max_lr=1.0, total=1000, pct=0.25, anneal="cos", div=10.0, fdiv=100.0, three=True),
    dict(max_lr=1.0, total=57, pct=0.4, anneal="linear", div=10.0, fdiv=100.0, three=True),
    dict(max_lr=3.0, total=10, pct=0.5, anneal="cos", div=2.0, fdiv=3.0, three=False),
    dict(max_lr=0.5, total=7, pct=0.9, anneal="cos", div=25.0, fdiv=1e4, three=False),
    dict(max_lr=0.5, total=3, pct=0.1, anneal="cos", div=25.0, fdiv=1e4, three=False),  # pct * total < 1
]


@pytest.mark.parametrize("case", ONE_CYCLE_CASES, ids=lambda c: "-".join(map(str, c.values())))
def test_one_cycle_equals_torch_formula(case: dict) -> None:
    s = OneCycle(
        case["max_lr"],
        total_steps=case["total"],
        pct_start=case["pct"],
        anneal=case["anneal"],
        div_factor=case["div"],
        final_div_factor=case["fdiv"],
        three_phase=case["three"],
    )
    m = s.momentum()
    ref = [torch_one_cycle(t, *case.values()) for t in range(case["total"])]
    assert s.values(case["total"]) == pytest.approx([r[0] for r in ref], rel=1e-12)
    assert m.values(case["total"]) == pytest.approx([r[1] for r in ref], rel=1e-12)
    assert [s(t) for t in range(case["total"])] == pytest.approx([r[0] for r in ref], rel=1e-12)
    # after the last step the final values hold
    assert s(case["total"]) == s(case["total"] + 5) == s(10**9) == pytest.approx(s.min_lr)
    assert m(10**9) == m(case["total"] - 1)


def test_one_cycle_start_peak_end() -> None:
    s = OneCycle(1.0, total_steps=100, div_factor=10.0, final_div_factor=100.0)
    assert s(0) == pytest.approx(0.1)
    assert s(29) == 1.0
    assert s.peak_step == 29.0
    assert s(99) == 0.001 == s.min_lr
    assert s.initial_lr == 0.1


def test_one_cycle_linear_is_not_negative_at_total_steps() -> None:
    # torch's linear annealing extrapolates past the end: max_lr -> min_lr continued one step below
    s = OneCycle(1.0, total_steps=10, anneal="linear")
    assert s(10) == s(9) == s.min_lr > 0
    torch_at_10 = (s.min_lr - 1.0) * (10 - 2.0) / (9 - 2.0) + 1.0
    assert torch_at_10 < 0


@pytest.mark.parametrize("three_phase", [False, True])
@pytest.mark.parametrize(
    ("total", "pct"), [(10, 0.1), (4, 0.25), (2, 0.25), (3, 0.1), (100, 0.001), (5, 0.2)]
)
def test_one_cycle_pct_start_times_total_at_most_1(total: int, pct: float, three_phase: bool) -> None:
    """No division by zero (torch: ZeroDivisionError when pct_start * total_steps == 1), no NaN."""
    s = OneCycle(1.0, total_steps=total, pct_start=pct, three_phase=three_phase, anneal="linear")
    values = s.values(total + 3)
    assert np.isfinite(values).all()
    assert (values >= s.min_lr).all() and (values <= 1.0).all()
    assert [s(t) for t in range(total + 3)] == pytest.approx(values, rel=1e-12)
    if pct * total == 1:
        assert s(0) == 1.0  # the warm-up is over at step 0: the peak
    assert s(10**9) == s.min_lr


@pytest.mark.parametrize("anneal", ["cos", "linear"])
def test_one_cycle_at_the_ends_of_pct_start(anneal: str) -> None:
    """pct_start=0 anneals from the first step (torch's values: the annealing's first point is 1/total in);
    pct_start=1 only warms up and holds the peak, LR and momentum, after the run instead of dropping to the
    final LR it never annealed to."""
    down = OneCycle(1.0, total_steps=10, pct_start=0.0, anneal=anneal)
    assert down.peak_step == 0.0 and down(9) == down(10**9) == down.min_lr
    assert 0.9 < down(0) < 1.0 and np.all(np.diff(down.values(10)) < 0)
    up = OneCycle(1.0, total_steps=10, pct_start=1.0, anneal=anneal)
    momentum = up.momentum(0.85, 0.95)
    assert up(0) == pytest.approx(up.initial_lr) and np.all(np.diff(up.values(10)) > 0)
    assert up(9) == up(10) == up(10**9) == 1.0 and up.values(12)[-3:].tolist() == [1.0, 1.0, 1.0]
    assert momentum(9) == momentum(10**9) == 0.85 and momentum.values(12)[-1] == 0.85


def test_step_decay_that_grows_warns() -> None:
    with pytest.warns(
        GrowthWarning, match=r"StepDecay: drop=1.5 > 1 makes the value grow 1.5x every 2 steps"
    ) as w:
        s = StepDecay(0.1, every=2, drop=1.5)
    assert s(2) == pytest.approx(0.15)  # it still does what it says
    assert w[0].filename == __file__  # it points at the line that built it
    with warnings.catch_warnings():  # review 106: every copy said it again
        warnings.simplefilter("error")
        assert copy.copy(s) == copy.deepcopy(s) == pickle.loads(pickle.dumps(s)) == s
    with pytest.warns(GrowthWarning):  # a changed schedule is a new one
        s.replace(drop=2.0)


def test_multi_step_decay_that_grows_warns_as_step_decay_does() -> None:
    # before: MultiStepDecay(gamma=2) grew without a word, where StepDecay(drop=2) warned
    with pytest.warns(
        GrowthWarning, match=r"MultiStepDecay: gamma=2 > 1 makes the value grow 2x at each mile"
    ) as w:
        s = MultiStepDecay(0.1, [2, 5], gamma=2.0)
    assert s.values(6).tolist() == pytest.approx([0.1, 0.1, 0.2, 0.2, 0.2, 0.4]) and w[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        MultiStepDecay(0.1, [], gamma=2.0)  # no milestone: a constant, nothing grows
        MultiStepDecay(0.1, [2], gamma=1.0)


def test_one_cycle_momentum_points() -> None:
    s = OneCycle(1.0, total_steps=100)
    m = s.momentum()
    assert (m(0), m(29), m(99)) == (0.95, 0.85, 0.95)
    m3 = OneCycle(1.0, total_steps=100, three_phase=True).momentum(0.8, 0.9)
    assert (m3(0), m3(29), m3(58), m3(80), m3(99)) == (0.9, 0.8, 0.9, 0.9, 0.9)


# --- private helpers the optim drop-ins read (CyclicLR.scale_fn, CosineAnnealingWarmRestarts.T_cur/T_i) ---


def test_cosine_restarts_cycle_gives_index_position_and_length() -> None:
    s = CosineRestarts(1.0, period=3, period_mult=2)
    assert s._cycle(0) == (0, 0, 3)
    assert s._cycle(2) == (0, 2, 3)
    assert s._cycle(3) == (1, 0, 6)
    assert s._cycle(9) == (2, 0, 12)
    assert s._cycle(10**9) == (28, 10**9 - 805306365, 805306368)
    i, cur, length = s._cycle(np.array([0, 2, 3, 9, 10**9], dtype=np.int64))
    assert i.tolist() == [0, 0, 1, 2, 28]
    assert cur.tolist() == [0, 2, 0, 0, 10**9 - 805306365]
    assert length.tolist() == [3, 3, 6, 12, 805306368]
    assert CosineRestarts(1.0, period=5)._cycle(12) == (2, 2, 5)


def test_cyclic_scale_takes_the_cycle_number_or_the_step() -> None:
    from lightning_lr.schedules._math import SCALAR

    assert Cyclic(0.1, 1.0, mode="triangular2")._scale(3, SCALAR) == 0.25  # cycle 3: amplitude / 4
    assert Cyclic(0.1, 1.0, mode="exp_range", gamma=0.5)._scale(2, SCALAR) == 0.25  # step 2
    assert Cyclic(0.1, 1.0)._scale(7, SCALAR) == 1.0
    assert Cyclic(0.1, 1.0, scale_fn=one_over_cycle)._scale(4, SCALAR) == 0.25
