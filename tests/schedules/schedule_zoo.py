"""Examples of every schedule and mode, and hypothesis strategies, shared by the schedule tests.

The user functions are module-level and named, so the schedules holding them can be pickled.
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

from lightning_lr.schedules import (
    Constant,
    CosineDecay,
    CosineRestarts,
    Cyclic,
    ExponentialDecay,
    InverseSqrt,
    Lambda,
    Linear,
    Multiplicative,
    MultiStepDecay,
    OneCycle,
    PolynomialDecay,
    Schedule,
    StepDecay,
    TimeDecay,
    WarmupStableDecay,
    join,
    warmup,
)


def halve_every_10(t: int) -> float:
    return 0.1 * 0.5 ** (t // 10)


def ninety_percent(i: int) -> float:
    return 0.9


def seed_lambda0_8(epoch: int) -> float:
    """Seed 001's MultiplicativeLR factor: 0.8 at the even updates 6..24, else 1."""
    return 0.8 if 6 <= epoch <= 24 and epoch % 2 == 0 else 1.0


def one_over_cycle(x: int) -> float:
    return 1.0 / x


def decay_per_step(x: int) -> float:
    return 0.999**x


def closed_form_examples() -> dict[str, Schedule]:
    """Every vectorized (closed-form) schedule class and mode."""
    return {
        "Constant": Constant(0.01),
        "TimeDecay": TimeDecay(0.1, decay=0.002),
        "TimeDecay-staircase": TimeDecay(0.1, decay=0.5, every=7, staircase=True),
        "StepDecay": StepDecay(0.1, every=10, drop=0.5),
        "MultiStepDecay": MultiStepDecay(0.12, milestones=[4, 8, 8, 10, 30], gamma=0.8),
        "ExponentialDecay-rate": ExponentialDecay(0.1, rate=0.1),
        "ExponentialDecay-gamma": ExponentialDecay(0.1, gamma=0.95, every=3, staircase=True),
        "ExponentialDecay-growth": ExponentialDecay(1e-7, gamma=1.2),
        "PolynomialDecay": PolynomialDecay(0.1, total=50, power=2.0, final=1e-3),
        "CosineDecay": CosineDecay(0.1, total=60, final=1e-4),
        "CosineDecay-ratio": CosineDecay(0.1, total=60, final_ratio=0.05),
        "CosineDecay-periodic": CosineDecay(0.1, total=60, final=1e-4, periodic=True),
        "Linear": Linear(0.0, 0.1, total=30),
        "CosineRestarts": CosineRestarts(0.1, period=7),
        "CosineRestarts-mult": CosineRestarts(0.1, period=3, period_mult=2, decay=0.7, final=0.01),
        "Cyclic-triangular": Cyclic(0.001, 0.006, step_size=5),
        "Cyclic-triangular2": Cyclic(0.001, 0.006, step_size=3, step_size_down=5, mode="triangular2"),
        "Cyclic-exp_range": Cyclic(0.001, 0.006, step_size=4, mode="exp_range", gamma=0.99),
        "CyclicMomentum": Cyclic(0.001, 0.006, step_size=3, mode="triangular2").momentum(),
        "OneCycle": OneCycle(0.1, total_steps=100),
        "OneCycle-linear": OneCycle(0.1, total_steps=37, pct_start=0.25, anneal="linear"),
        "OneCycle-3phase": OneCycle(0.1, total_steps=50, pct_start=0.3, three_phase=True),
        "OneCycle-tiny": OneCycle(0.1, total_steps=3, pct_start=0.2, anneal="linear", three_phase=True),
        "OneCycleMomentum": OneCycle(0.1, total_steps=40).momentum(),
        "OneCycleMomentum-3phase": OneCycle(0.1, total_steps=40, three_phase=True).momentum(0.8, 0.9),
        "join": join([Constant(0.05), CosineDecay(0.1, total=20), StepDecay(0.01, every=5)], [10, 30]),
        "warmup": warmup(CosineDecay(0.1, total=40), steps=10, start=0.001),
        "WarmupStableDecay": WarmupStableDecay(0.1, total=60, warmup=7, decay=0.25),
        "WarmupStableDecay-cosine": WarmupStableDecay(0.1, total=50, decay=13, shape="cosine", final=0.01),
        "WarmupStableDecay-linear": WarmupStableDecay(0.1, total=40, decay=1.0, shape="linear"),
        "InverseSqrt": InverseSqrt(0.1, warmup=9),
    }


def user_function_examples() -> dict[str, Schedule]:
    """The schedules that call a user function per step (or per cycle)."""
    return {
        "Lambda": Lambda(halve_every_10),
        "Multiplicative": Multiplicative(0.12, seed_lambda0_8),
        "Cyclic-scale_fn-cycle": Cyclic(0.001, 0.006, step_size=3, scale_fn=one_over_cycle),
        "Cyclic-scale_fn-iterations": Cyclic(
            0.001, 0.006, step_size=3, scale_fn=decay_per_step, scale_mode="iterations"
        ),
        "join-of-user-functions": join([Lambda(halve_every_10), Multiplicative(0.1, ninety_percent)], [15]),
    }


def all_examples() -> dict[str, Schedule]:
    return {**closed_form_examples(), **user_function_examples()}


# --- hypothesis strategies ------------------------------------------------------------------------

lrs = st.floats(min_value=1e-6, max_value=10.0, allow_nan=False, allow_infinity=False)
sizes = st.integers(min_value=1, max_value=40)


@st.composite
def cyclics(draw: st.DrawFn) -> Cyclic:
    a, b = draw(lrs), draw(lrs)
    base, top = min(a, b), max(a, b)
    up = draw(sizes)
    down = draw(st.one_of(st.none(), sizes))
    mode = draw(st.sampled_from(["triangular", "triangular2", "exp_range"]))
    gamma = draw(st.floats(min_value=0.9, max_value=1.0)) if mode == "exp_range" else 1.0
    return Cyclic(base, top, step_size=up, step_size_down=down, mode=mode, gamma=gamma)


@st.composite
def one_cycles(draw: st.DrawFn) -> OneCycle:
    three_phase = draw(st.booleans())
    top = 0.4999 if three_phase else 0.9999
    return OneCycle(
        draw(lrs),
        total_steps=draw(st.integers(min_value=2, max_value=300)),
        pct_start=draw(st.floats(min_value=0.0001, max_value=top)),
        anneal=draw(st.sampled_from(["cos", "linear"])),
        div_factor=draw(st.floats(min_value=1.0, max_value=1e3)),
        final_div_factor=draw(st.floats(min_value=1.0, max_value=1e5)),
        three_phase=three_phase,
    )


@st.composite
def momentum_bounds(draw: st.DrawFn) -> tuple[float, float]:
    a = draw(st.floats(min_value=0.0, max_value=0.999))
    b = draw(st.floats(min_value=0.0, max_value=0.999))
    return min(a, b), max(a, b)


@st.composite
def decays(draw: st.DrawFn) -> Schedule:
    """Monotone non-increasing decays (no restarts, no periodic cosine)."""
    initial = draw(lrs)
    total = draw(st.integers(min_value=1, max_value=200))
    final = draw(st.floats(min_value=0.0, max_value=1.0)) * initial
    kind = draw(st.sampled_from(["time", "step", "multistep", "exp_gamma", "exp_rate", "poly", "cos", "lin"]))
    if kind == "time":
        every = draw(sizes)  # (a staircase over one step is refused: it would change nothing)
        return TimeDecay(
            initial,
            decay=draw(st.floats(0.0, 10.0)),
            every=every,
            staircase=every > 1 and draw(st.booleans()),
        )
    if kind == "step":
        return StepDecay(initial, every=draw(sizes), drop=draw(st.floats(0.01, 1.0)))
    if kind == "multistep":
        ms = sorted(draw(st.lists(st.integers(0, 200), min_size=1, max_size=6)))
        return MultiStepDecay(initial, ms, gamma=draw(st.floats(0.01, 1.0)))
    if kind == "exp_gamma":
        every = draw(sizes)
        return ExponentialDecay(
            initial, gamma=draw(st.floats(0.5, 1.0)), every=every, staircase=every > 1 and draw(st.booleans())
        )
    if kind == "exp_rate":
        return ExponentialDecay(initial, rate=draw(st.floats(0.0, 2.0)))
    if kind == "poly":
        return PolynomialDecay(initial, total=total, power=draw(st.floats(0.1, 5.0)), final=final)
    if kind == "cos":
        return CosineDecay(initial, total=total, final=final)
    return Linear(initial, final, total=total)


@st.composite
def restarts(draw: st.DrawFn) -> CosineRestarts:
    initial = draw(lrs)
    return CosineRestarts(
        initial,
        period=draw(st.integers(1, 30)),
        period_mult=draw(st.integers(1, 4)),
        decay=draw(st.floats(0.01, 1.0)),
        final=draw(st.floats(0.0, 1.0)) * initial,
    )


def any_closed_form() -> st.SearchStrategy[Schedule]:
    return st.one_of(
        cyclics(),
        one_cycles(),
        decays(),
        restarts(),
        cyclics().map(lambda c: c.momentum()),
        one_cycles().map(lambda c: c.momentum()),
    )


def is_finite_non_negative(v: float) -> bool:
    return not math.isnan(v) and v >= 0.0


class WithNew(Schedule):
    """A user's schedule whose ``__new__`` takes the constructor's arguments (pickle's NEWOBJ gives it none)."""

    def __new__(cls, value: float) -> WithNew:
        return super().__new__(cls)

    def __init__(self, value: float) -> None:
        self.value = value

    def _eval(self, t: Any, xp: Any) -> Any:
        return self.value + 0 * t
