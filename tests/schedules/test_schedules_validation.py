"""Every validation error of the schedules: the type, and a message in the one format that names the
argument, what is allowed and the value it got. (The drop-ins' table: tests/optim/test_dropins_validation.py.)"""

from __future__ import annotations

import math
import pickle
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from schedule_zoo import all_examples, ninety_percent

from lightning_lr.schedules import (
    Constant,
    CosineDecay,
    CosineRestarts,
    Cyclic,
    CyclicMomentum,
    ExponentialDecay,
    InverseSqrt,
    Join,
    Lambda,
    Linear,
    Multiplicative,
    MultiStepDecay,
    OneCycle,
    OneCycleMomentum,
    PolynomialDecay,
    StepDecay,
    TimeDecay,
    WarmupStableDecay,
    join,
    warmup,
)

NAN, INF = math.nan, math.inf

#: the one message format of lightning_lr._validate: "<argument> must be <what is allowed>, got <value!r>"
#: "<schedule>: <argument> must be <allowed>, got <value>": the schedule (its class, or the function that
#: builds it) first, so an error among many names which one (before: "value must be >= 0, got -0.1")
ONE_FORMAT = re.compile(
    r"(?P<owner>[A-Za-z_]\w*): (?P<argument>\S+) must be (?P<allowed>.+), got (?P<value>.+)", re.DOTALL
)

# (constructor call, exception type, an exact fragment of the message: the argument and its value)
CASES: list[tuple[str, Callable[[], Any], type[Exception], str]] = [
    # non-positive learning rates
    ("step-zero-lr", lambda: StepDecay(0.0, every=10), ValueError, "initial must be > 0, got 0.0"),
    ("step-negative-lr", lambda: StepDecay(-0.1, every=10), ValueError, "initial must be > 0, got -0.1"),
    ("time-zero-lr", lambda: TimeDecay(0, decay=0.1), ValueError, "initial must be > 0, got 0"),
    ("multistep-lr", lambda: MultiStepDecay(-1.0, [1]), ValueError, "initial must be > 0, got -1.0"),
    ("exp-lr", lambda: ExponentialDecay(0.0, gamma=0.9), ValueError, "initial must be > 0, got 0.0"),
    ("poly-lr", lambda: PolynomialDecay(0.0, total=10), ValueError, "initial must be > 0, got 0.0"),
    ("restarts-lr", lambda: CosineRestarts(0.0, period=5), ValueError, "initial must be > 0, got 0.0"),
    ("mult-lr", lambda: Multiplicative(0.0, ninety_percent), ValueError, "initial must be > 0, got 0.0"),
    ("cyclic-base", lambda: Cyclic(-0.1, 1.0), ValueError, "base_lr must be >= 0, got -0.1"),
    ("cyclic-max", lambda: Cyclic(0.1, -1.0), ValueError, "max_lr must be > 0, got -1.0"),
    ("onecycle-max", lambda: OneCycle(0.0, total_steps=100), ValueError, "max_lr must be > 0, got 0.0"),
    ("constant-negative", lambda: Constant(-0.01), ValueError, "value must be >= 0, got -0.01"),
    ("cosine-negative", lambda: CosineDecay(-0.1, total=10), ValueError, "initial must be >= 0, got -0.1"),
    (
        "cosine-final",
        lambda: CosineDecay(0.1, total=10, final=-1e-5),
        ValueError,
        "final must be >= 0, got -1e-05",
    ),
    ("linear-start", lambda: Linear(-1.0, 0.0, total=5), ValueError, "start must be >= 0, got -1.0"),
    ("linear-end", lambda: Linear(0.0, -1.0, total=5), ValueError, "end must be >= 0, got -1.0"),
    (
        "warmup-start",
        lambda: warmup(Constant(0.1), steps=5, start=-0.1),
        ValueError,
        "start must be >= 0, got -0.1",
    ),
    # base above max
    (
        "cyclic-base-above-max",
        lambda: Cyclic(1.0, 0.1),
        ValueError,
        "base_lr must be <= max_lr (0.1), got 1.0",
    ),
    (
        "poly-final-above",
        lambda: PolynomialDecay(0.1, 10, final=0.2),
        ValueError,
        "final must be <= initial (0.1), got 0.2",
    ),
    (
        "restarts-final-above",
        lambda: CosineRestarts(0.1, 5, final=0.2),
        ValueError,
        "final must be <= initial (0.1), got 0.2",
    ),
    (
        "momentum-base-above-max",
        lambda: Cyclic(0.1, 1.0).momentum(0.95, 0.85),
        ValueError,
        "base_momentum must be <= max_momentum (0.85), got 0.95",
    ),
    (
        "onecycle-momentum-base-above-max",
        lambda: OneCycle(0.1, 10).momentum(0.9, 0.8),
        ValueError,
        "base_momentum must be <= max_momentum (0.8), got 0.9",
    ),
    (
        "momentum-max-1",
        lambda: OneCycle(0.1, 10).momentum(0.85, 1.0),
        ValueError,
        "max_momentum must be in [0, 1), got 1.0",
    ),
    (
        "momentum-base-negative",
        lambda: Cyclic(0.1, 1.0).momentum(-0.1, 0.9),
        ValueError,
        "base_momentum must be in [0, 1), got -0.1",
    ),
    (
        "onecycle-start-above-max",
        lambda: OneCycle(1.0, 100, div_factor=0.5),
        ValueError,
        "div_factor must be >= 1 (the start max_lr / div_factor must not be above max_lr), got 0.5",
    ),
    (
        "onecycle-end-above-max",
        lambda: OneCycle(1.0, 100, div_factor=25.0, final_div_factor=0.01),
        ValueError,
        "final_div_factor must be >= 1 / div_factor = 0.04",
    ),
    (
        "onecycle-div-zero",
        lambda: OneCycle(1.0, 100, div_factor=0.0),
        ValueError,
        "div_factor must be > 0, got 0.0",
    ),
    (
        "onecycle-final-div-zero",
        lambda: OneCycle(1.0, 100, final_div_factor=-1.0),
        ValueError,
        "final_div_factor must be > 0, got -1.0",
    ),
    # step sizes, periods, totals <= 0
    (
        "cyclic-up-zero",
        lambda: Cyclic(0.1, 1.0, step_size=0),
        ValueError,
        "step_size must be a positive integer, got 0",
    ),
    (
        "cyclic-down-negative",
        lambda: Cyclic(0.1, 1.0, step_size_down=-2),
        ValueError,
        "step_size_down must be a non-negative integer, got -2",
    ),
    (
        "step-every-zero",
        lambda: StepDecay(0.1, every=0),
        ValueError,
        "every must be a positive integer, got 0",
    ),
    (
        "time-every-zero",
        lambda: TimeDecay(0.1, 0.1, every=0),
        ValueError,
        "every must be a positive integer, got 0",
    ),
    (
        "exp-every-zero",
        lambda: ExponentialDecay(0.1, gamma=0.9, every=-1),
        ValueError,
        "every must be a positive integer, got -1",
    ),
    (
        "restarts-period-zero",
        lambda: CosineRestarts(0.1, period=0),
        ValueError,
        "period must be a positive integer, got 0",
    ),
    (
        "restarts-mult-zero",
        lambda: CosineRestarts(0.1, period=5, period_mult=0),
        ValueError,
        "period_mult must be a positive integer, got 0",
    ),
    (
        "poly-total-zero",
        lambda: PolynomialDecay(0.1, total=0),
        ValueError,
        "total must be a positive integer, got 0",
    ),
    (
        "cosine-total-negative",
        lambda: CosineDecay(0.1, total=-1),
        ValueError,
        "total must be a positive integer, got -1",
    ),
    (
        "linear-total-zero",
        lambda: Linear(0.0, 0.1, total=0),
        ValueError,
        "total must be a positive integer, got 0",
    ),
    (
        "onecycle-total-zero",
        lambda: OneCycle(0.1, total_steps=0),
        ValueError,
        "total_steps must be an integer >= 2 (a cycle needs at least one step up and one step down), got 0",
    ),
    # a warm-up that does not rise: before, LR 0 for steps + 1 steps (or a falling "warm-up") without a word
    (
        "warmup-of-a-schedule-starting-at-0",
        lambda: warmup(InverseSqrt(0.1, warmup=10), steps=5),
        ValueError,
        "start must be < schedule(0) = 0 (a warm-up rises to where the schedule starts); a schedule that starts "
        "at 0 (InverseSqrt, WarmupStableDecay) has its own warmup= argument, got 0.0",
    ),
    (
        "warmup-falling",
        lambda: warmup(Constant(0.1), steps=5, start=0.2),
        ValueError,
        "start must be < schedule(0) = 0.1 (a warm-up rises",
    ),
    (
        "warmup-steps-negative",
        lambda: warmup(Constant(0.1), steps=-1),
        ValueError,
        "steps must be a non-negative integer, got -1",
    ),
    # pct_start
    # step counts beyond float64's exact integers overflowed int64 deep in the arithmetic (an OverflowError
    # naming no argument) or lost the schedule to rounding
    (
        "period-huge",
        lambda: CosineRestarts(0.1, period=2**63),
        ValueError,
        "period must be a positive integer, at most 2**53 = 9007199254740992 (steps are computed in float64), "
        "got 9223372036854775808",
    ),
    (  # r202: a whole float past the cap was "no positive integer", or quoted as its 309 digits
        "total-huge-float",
        lambda: CosineDecay(0.1, total=1e308),
        ValueError,
        "total must be a positive integer, at most 2**53 = 9007199254740992 (steps are computed in float64), "
        "got 1e+308",
    ),
    (
        "milestone-huge",
        lambda: MultiStepDecay(0.1, milestones=[10, 2**53 + 1]),
        ValueError,
        "milestones[1] must be a non-negative integer, at most 2**53 = 9007199254740992",
    ),
    (
        "pct-above-one",
        lambda: OneCycle(0.1, 100, pct_start=1.0 + 1e-9),
        ValueError,
        "pct_start must be in [0, 1], got 1.000000001",
    ),
    (
        "pct-above",
        lambda: OneCycle(0.1, 100, pct_start=1.5),
        ValueError,
        "pct_start must be in [0, 1], got 1.5",
    ),
    (
        "pct-negative",
        lambda: OneCycle(0.1, 100, pct_start=-0.1),
        ValueError,
        "pct_start must be in [0, 1], got -0.1",
    ),
    (
        "three-phase-half",
        lambda: OneCycle(0.1, 100, pct_start=0.5, three_phase=True),
        ValueError,
        "pct_start must be < 0.5 with three_phase=True",
    ),
    ("three-phase-above", lambda: OneCycle(0.1, 100, pct_start=0.7, three_phase=True), ValueError, "got 0.7"),
    # milestones
    (
        "milestones-decreasing",
        lambda: MultiStepDecay(0.1, [5, 3]),
        ValueError,
        "milestones must be non-decreasing (a repeat compounds), got [5, 3]",
    ),
    (
        "milestones-negative",
        lambda: MultiStepDecay(0.1, [-1, 3]),
        ValueError,
        "milestones[0] must be a non-negative integer, got -1",
    ),
    (
        "milestones-float",
        lambda: MultiStepDecay(0.1, [1, 2.5]),
        TypeError,
        "milestones[1] must be a non-negative integer, got 2.5",
    ),
    (
        "milestones-bool",
        lambda: MultiStepDecay(0.1, [True]),
        TypeError,
        "milestones[0] must be a non-negative integer, got True",
    ),
    (
        "milestones-int",
        lambda: MultiStepDecay(0.1, 5),
        TypeError,
        "milestones must be a list of non-negative integers, got 5",
    ),
    (
        "milestones-str",
        lambda: MultiStepDecay(0.1, "12"),
        TypeError,
        "milestones must be a list of non-negative integers, got '12'",
    ),
    # gamma, drop, decay
    (
        "multistep-gamma-zero",
        lambda: MultiStepDecay(0.1, [1], gamma=0.0),
        ValueError,
        "gamma must be > 0, got 0.0",
    ),
    (
        "exp-gamma-negative",
        lambda: ExponentialDecay(0.1, gamma=-0.5),
        ValueError,
        "gamma must be > 0, got -0.5",
    ),
    ("step-drop-zero", lambda: StepDecay(0.1, every=5, drop=0.0), ValueError, "drop must be > 0, got 0.0"),
    (
        "cyclic-gamma-zero",
        lambda: Cyclic(0.1, 1.0, mode="exp_range", gamma=0.0),
        ValueError,
        "gamma must be > 0, got 0.0",
    ),
    (
        "cyclic-gamma-above-1",
        lambda: Cyclic(0.1, 1.0, mode="exp_range", gamma=1.5),
        ValueError,
        "gamma must be in (0, 1] with mode='exp_range', got 1.5",
    ),
    (
        "cyclic-gamma-wrong-mode",
        lambda: Cyclic(0.1, 1.0, mode="triangular2", gamma=0.9),
        ValueError,
        "gamma must be 1 (the default) with mode='triangular2': only mode='exp_range' uses it, got 0.9",
    ),
    (
        "restarts-decay-zero",
        lambda: CosineRestarts(0.1, 5, decay=0.0),
        ValueError,
        "decay must be in (0, 1], got 0.0",
    ),
    (
        "restarts-decay-above",
        lambda: CosineRestarts(0.1, 5, decay=1.5),
        ValueError,
        "decay must be in (0, 1], got 1.5",
    ),
    ("time-decay-negative", lambda: TimeDecay(0.1, decay=-0.1), ValueError, "decay must be >= 0, got -0.1"),
    (
        "poly-power-zero",
        lambda: PolynomialDecay(0.1, 10, power=0.0),
        ValueError,
        "power must be > 0, got 0.0",
    ),
    (
        "exp-both",
        lambda: ExponentialDecay(0.1, gamma=0.9, rate=0.1),
        ValueError,
        "rate must be None when gamma is given (give exactly one of gamma and rate), got 0.1",
    ),
    (
        "exp-neither",
        lambda: ExponentialDecay(0.1),
        ValueError,
        "gamma must be a number > 0 when rate is None (give exactly one of gamma and rate), got None",
    ),
    # bools, strings, NaN and inf where numbers are expected
    (
        "bool-lr",
        lambda: StepDecay(True, every=10),
        TypeError,
        "initial must be a finite number > 0, got True",
    ),
    (
        "str-lr",
        lambda: StepDecay("0.1", every=10),
        TypeError,
        "initial must be a finite number > 0, got '0.1'",
    ),
    ("nan-lr", lambda: StepDecay(NAN, every=10), ValueError, "initial must be a finite number > 0, got nan"),
    ("inf-lr", lambda: Cyclic(0.1, INF), ValueError, "max_lr must be a finite number > 0, got inf"),
    ("none-lr", lambda: OneCycle(None, 100), TypeError, "max_lr must be a finite number > 0, got None"),
    (
        "nan-pct",
        lambda: OneCycle(0.1, 100, pct_start=NAN),
        ValueError,
        "pct_start must be a number in [0, 1], got nan",
    ),
    (
        "inf-rate",
        lambda: ExponentialDecay(0.1, rate=-INF),
        ValueError,
        "rate must be a finite real number, got -inf",
    ),
    (
        "nan-decay",
        lambda: TimeDecay(0.1, decay=NAN),
        ValueError,
        "decay must be a finite number >= 0, got nan",
    ),
    (
        "str-gamma",
        lambda: MultiStepDecay(0.1, [1], gamma="0.1"),
        TypeError,
        "gamma must be a finite number > 0, got '0.1'",
    ),
    (
        "bool-total",
        lambda: OneCycle(0.1, total_steps=True),
        TypeError,
        "total_steps must be an integer >= 2 (a cycle needs at least one step up and one step down), got True",
    ),
    (
        "float-total",
        lambda: OneCycle(0.1, total_steps=100.0),
        TypeError,
        "total_steps must be an integer >= 2 (a cycle needs at least one step up and one step down), got 100.0",
    ),
    (
        "str-step-size",
        lambda: Cyclic(0.1, 1.0, step_size="5"),
        TypeError,
        "step_size must be a positive integer, got '5'",
    ),
    (
        "float-every",
        lambda: StepDecay(0.1, every=2.5),
        TypeError,
        "every must be a positive integer, got 2.5",
    ),
    (
        "nan-momentum",
        lambda: OneCycle(0.1, 10).momentum(NAN),
        ValueError,
        "base_momentum must be a number in [0, 1), got nan",
    ),
    # flags must be real bools: bool("no") is True
    (
        "str-staircase",
        lambda: TimeDecay(0.1, 0.1, staircase="no"),
        TypeError,
        "staircase must be True or False, got 'no'",
    ),
    (
        "int-three-phase",
        lambda: OneCycle(0.1, 100, three_phase=1),
        TypeError,
        "three_phase must be True or False, got 1",
    ),
    (
        "str-periodic",
        lambda: CosineDecay(0.1, 10, periodic="yes"),
        TypeError,
        "periodic must be True or False, got 'yes'",
    ),
    # review 146: a staircase over every=1 step floors nothing, and decayed every step without a word
    (
        "time-staircase-every-1",
        lambda: TimeDecay(0.1, 0.5, staircase=True),
        ValueError,
        "staircase must be False with every=1",
    ),
    (
        "exp-staircase-every-1",
        lambda: ExponentialDecay(0.1, gamma=0.5, every=1, staircase=True),
        ValueError,
        "staircase must be False with every=1",
    ),
    (
        "none-exp-staircase",
        lambda: ExponentialDecay(0.1, rate=0.1, staircase=None),
        TypeError,
        "staircase must be True or False, got None",
    ),
    # choices
    (
        "cyclic-mode",
        lambda: Cyclic(0.1, 1.0, mode="triangle"),
        ValueError,
        "mode must be one of 'triangular', 'triangular2', 'exp_range', got 'triangle'",
    ),
    (
        "onecycle-anneal",
        lambda: OneCycle(0.1, 100, anneal="cosine"),
        ValueError,
        "anneal must be one of 'cos', 'linear', got 'cosine'",
    ),
    (
        "scale-mode",
        lambda: Cyclic(0.1, 1.0, scale_fn=ninety_percent, scale_mode="epoch"),
        ValueError,
        "scale_mode must be one of 'cycle', 'iterations', got 'epoch'",
    ),
    (
        "scale-mode-without-fn",
        lambda: Cyclic(0.1, 1.0, scale_mode="iterations"),
        ValueError,
        "scale_mode must be None or 'cycle' with mode='triangular' (only a scale_fn lets you choose it), "
        "got 'iterations'",
    ),
    (
        "scale-fn-and-mode",
        lambda: Cyclic(0.1, 1.0, mode="triangular2", scale_fn=ninety_percent),
        ValueError,
        "mode must be 'triangular' (the default) with a scale_fn, which replaces mode and gamma, got 'triangular2'",
    ),
    (  # review 58: it said only mode='exp_range' uses gamma, and exp_range was then refused with the scale_fn
        "scale-fn-and-gamma",
        lambda: Cyclic(0.1, 1.0, gamma=0.99, scale_fn=ninety_percent),
        ValueError,
        "gamma must be 1 (the default) with a scale_fn, which replaces mode and gamma, got 0.99",
    ),
    # callables and composition
    ("lambda-not-callable", lambda: Lambda(0.1), TypeError, "fn must be callable, got 0.1"),
    ("mult-not-callable", lambda: Multiplicative(0.1, 0.9), TypeError, "factor must be callable, got 0.9"),
    (
        "scale-fn-not-callable",
        lambda: Cyclic(0.1, 1.0, scale_fn=1.0),
        TypeError,
        "scale_fn must be callable, got 1.0",
    ),
    (
        "cyclic-momentum-lr",
        lambda: CyclicMomentum(OneCycle(0.1, 10)),
        TypeError,
        "lr must be a Cyclic schedule, got OneCycle(",
    ),
    (
        "onecycle-momentum-lr",
        lambda: OneCycleMomentum(Cyclic(0.1, 1.0)),
        TypeError,
        "lr must be a OneCycle schedule, got Cyclic(",
    ),
    (
        "join-empty",
        lambda: join([], []),
        TypeError,
        "schedules must be a non-empty sequence of Schedule, got []",
    ),
    (
        "join-single",
        lambda: Join(Constant(0.1), []),
        TypeError,
        "schedules must be a non-empty sequence of Schedule, got Constant(",
    ),
    (
        "join-not-schedule",
        lambda: join([Constant(0.1), 0.2], [3]),
        TypeError,
        "schedules[1] must be a Schedule, got 0.2",
    ),
    (
        "join-count",
        lambda: join([Constant(0.1), Constant(0.2)], [3, 5]),
        ValueError,
        "boundaries must be a list of len(schedules) - 1 = 1 step, got [3, 5]",
    ),
    (
        "join-order",
        lambda: join([Constant(0.1)] * 3, [5, 5]),
        ValueError,
        "boundaries must be strictly increasing, got [5, 5]",
    ),
    (
        "join-zero",
        lambda: join([Constant(0.1)] * 2, [0]),
        ValueError,
        "boundaries[0] must be a positive integer, got 0",
    ),
    (
        "join-float",
        lambda: join([Constant(0.1)] * 2, [2.0]),
        TypeError,
        "boundaries[0] must be a positive integer, got 2.0",
    ),
    (
        "join-boundaries-int",
        lambda: join([Constant(0.1)] * 2, 3),
        TypeError,
        "boundaries must be a list of positive integers, got 3",
    ),
    ("warmup-not-schedule", lambda: warmup(0.1, steps=5), TypeError, "schedule must be a Schedule, got 0.1"),
    # WarmupStableDecay and InverseSqrt
    ("wsd-peak", lambda: WarmupStableDecay(0.0, total=100), ValueError, "peak must be > 0, got 0.0"),
    (
        "wsd-total",
        lambda: WarmupStableDecay(0.1, total=0),
        ValueError,
        "total must be a positive integer, got 0",
    ),
    (
        "wsd-warmup",
        lambda: WarmupStableDecay(0.1, 100, warmup=-1),
        ValueError,
        "warmup must be a non-negative integer, got -1",
    ),
    (
        "wsd-decay-fraction",
        lambda: WarmupStableDecay(0.1, 100, decay=1.5),
        ValueError,
        "decay must be an int number of steps (1 .. total) or a float in (0, 1] (a fraction of total), got 1.5",
    ),
    (
        "wsd-decay-zero",
        lambda: WarmupStableDecay(0.1, 100, decay=0.0),
        ValueError,
        "decay must be an int number of steps (1 .. total) or a float in (0, 1] (a fraction of total), got 0.0",
    ),
    (
        "wsd-decay-bool",
        lambda: WarmupStableDecay(0.1, 100, decay=True),
        TypeError,
        "decay must be an int number of steps (1 .. total) or a float in (0, 1] (a fraction of total), got True",
    ),
    (
        "wsd-decay-steps",
        lambda: WarmupStableDecay(0.1, 100, decay=101),
        ValueError,
        "decay must be at most total=100 steps, got 101",
    ),
    (
        "wsd-shape",
        lambda: WarmupStableDecay(0.1, 100, shape="sqrt"),
        ValueError,
        "shape must be one of '1-sqrt', 'linear', 'cosine', got 'sqrt'",
    ),
    (
        "wsd-final",
        lambda: WarmupStableDecay(0.1, 100, final=0.2),
        ValueError,
        "final must be <= peak (0.1), got 0.2",
    ),
    (
        "wsd-overlap",
        lambda: WarmupStableDecay(0.1, 100, warmup=90, decay=20),
        ValueError,
        "warmup must be <= total - decay steps = 100 - 20 = 80 (the warm-up must end before the cooldown starts), got 90",
    ),
    (
        "cos-ratio-both",
        lambda: CosineDecay(0.5, 10, final=0.2, final_ratio=0.1),
        ValueError,
        "final must be 0 (the default) when final_ratio is given (give one of them), got 0.2",
    ),
    (
        "cos-ratio-negative",
        lambda: CosineDecay(0.5, 10, final_ratio=-0.1),
        ValueError,
        "final_ratio must be >= 0, got -0.1",
    ),
    (  # review 122: 10 * 1e308 overflowed to inf, and every value after step 0 was nan
        "cos-ratio-overflows",
        lambda: CosineDecay(10.0, 10, final_ratio=1e308),
        ValueError,
        "final_ratio must be a number >= 0 whose final = initial * final_ratio is a finite number (with "
        "initial=10, at most 1.79769e+307), got 1e+308",
    ),
    (
        "onecycle-total-one",
        lambda: OneCycle(0.1, total_steps=1),
        ValueError,
        "total_steps must be an integer >= 2 (a cycle needs at least one step up and one step down), got 1",
    ),
    ("isqrt-peak", lambda: InverseSqrt(-1.0, warmup=10), ValueError, "peak must be > 0, got -1.0"),
    (
        "isqrt-warmup",
        lambda: InverseSqrt(0.1, warmup=0),
        ValueError,
        "warmup must be a positive integer, got 0",
    ),
]


@pytest.mark.parametrize(("make", "error", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_validation_error(make: Callable[[], Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)) as info:
        make()
    assert ONE_FORMAT.fullmatch(str(info.value)), str(info.value)


@pytest.mark.parametrize(
    ("step", "error", "message"),
    [
        (1.0, TypeError, "step must be a non-negative integer, got 1.0"),
        (-1, ValueError, "step must be a non-negative integer, got -1"),
        (True, TypeError, "step must be a non-negative integer, got True"),
        ("3", TypeError, "step must be a non-negative integer, got '3'"),
        (None, TypeError, "step must be a non-negative integer, got None"),
        (np.float64(2.0), TypeError, "step must be a non-negative integer, got "),
        (np.int64(-5), ValueError, "step must be a non-negative integer, got "),
    ],
)
@pytest.mark.parametrize("name", list(all_examples()))
def test_wrong_step_types(name: str, step: object, error: type[Exception], message: str) -> None:
    schedule = all_examples()[name]
    # review 42: the message did not say which schedule refused the step
    with pytest.raises(error, match="^" + re.escape(f"{type(schedule).__name__}: {message}")):
        schedule(step)  # type: ignore[arg-type]


def test_numpy_integer_steps_are_accepted() -> None:
    s = StepDecay(0.1, every=10)
    assert s(np.int64(25)) == s(25) == s(np.uint8(25)) == 0.025


@pytest.mark.parametrize(
    ("n", "error", "message"),
    [
        (-1, ValueError, "n must be a non-negative integer, got -1"),
        (2.0, TypeError, "got 2.0"),
        (True, TypeError, "got True"),
    ],
)
def test_values_checks_n(n: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match="^Constant.values: .*" + re.escape(message)):
        Constant(0.1).values(n)  # type: ignore[arg-type]


# --- user functions returning something that is not a learning rate --------------------------------------


def negative_at_3(t: int) -> float:
    return -1.0 if t == 3 else 0.1


def text(t: int) -> object:
    return "0.1"


def not_a_number(t: int) -> float:
    return math.nan


def two(x: int) -> float:
    return 2.0


@pytest.mark.parametrize(
    ("make", "step", "error", "message"),
    [
        (
            lambda: Lambda(negative_at_3),
            3,
            ValueError,
            "Lambda: fn(3) returned -1.0; values must be finite and >= 0 (fn is negative_at_3)",
        ),
        (lambda: Lambda(text), 0, TypeError, "Lambda: fn(0) returned '0.1', not a number (fn is text)"),
        (
            lambda: Lambda(not_a_number),
            0,
            ValueError,
            "Lambda: fn(0) returned nan; values must be finite and >= 0 (fn is not_a_number)",
        ),
        (
            lambda: Multiplicative(0.1, negative_at_3),
            5,
            ValueError,
            "Multiplicative: factor(3) returned -1.0; values must be finite and >= 0 (factor is negative_at_3)",
        ),
        (
            lambda: Cyclic(0.1, 1.0, step_size=2, scale_fn=two),
            1,
            ValueError,
            "Cyclic: scale_fn(1) returned 2.0; values must be finite and in [0, 1] (scale_fn is two)",
        ),
    ],
)
def test_user_functions_must_return_a_learning_rate(
    make: Callable[[], Any], step: int, error: type[Exception], message: str
) -> None:
    # review 146: the pure schedules named the function only ("Lambda: <lambda>.<locals>.<lambda>(0) returned nan"),
    # not the argument it was given as, as the drop-ins do since review 36
    s = make()
    with pytest.raises(error, match=re.escape(message)):
        s(step)
    with pytest.raises(error, match=re.escape(message)):
        s.values(step + 1)


def test_a_user_function_returning_a_one_element_array_gives_its_number() -> None:
    # review 132: float() refuses an array of one dimension (np.interp([t], ...)); a one-element tensor passed
    s = Lambda(lambda t: np.interp([t], [0, 10], [1.0, 0.0]))
    assert s(5) == 0.5
    assert list(s.values(3)) == [1.0, 0.9, 0.8]
    assert Lambda(lambda t: np.array([[0.5]]))(0) == 0.5  # any shape of one element
    with pytest.raises(TypeError, match=r"returned array\(\[0\.5, 0\.5\]\), not a number \(fn is "):
        Lambda(lambda t: np.array([0.5, 0.5]))(0)


def test_flags_accept_numpy_bools() -> None:
    assert OneCycle(0.1, 100, three_phase=np.bool_(True)).three_phase is True


def test_a_one_element_tensor_or_array_is_the_number_it_holds() -> None:
    # review 122: refused as "must be a finite number >= 0, got tensor(0.1000)" where the torch drop-ins took
    # it; a hyperparameter is often held as a 0-d tensor (a sweep tool's, trainer.callback_metrics)
    f64 = torch.float64
    assert OneCycle(torch.tensor(0.5, dtype=f64), torch.tensor(100)) == OneCycle(0.5, 100)
    held = Constant(np.array(0.25))
    assert held == Constant(0.25) and type(held.value) is float
    assert WarmupStableDecay(torch.tensor(0.1, dtype=f64), 100, decay=torch.tensor(10)) == WarmupStableDecay(
        0.1, 100, decay=10
    )
    assert WarmupStableDecay(0.1, 100, decay=np.array(0.2)).decay == 0.2  # a float: a fraction of total
    assert OneCycle(0.1, 100, three_phase=torch.tensor(True)).three_phase is True
    s = StepDecay(0.1, every=torch.tensor(10))
    assert s(torch.tensor(25)) == s(np.array(25)) == s(25) == 0.025
    assert s.values(torch.tensor(3)).tolist() == s.values(3).tolist()
    assert pickle.loads(pickle.dumps(held)) == held


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (
            torch.tensor([0.1, 0.2]),
            " (a tensor or array only of one element, its number: this one has 2), got tensor([0.1000, 0.2000])",
        ),
        (
            np.zeros((2, 2)),
            " (a tensor or array only of one element, its number: this one has 4), got array(",
        ),
        (
            torch.tensor(0.1, requires_grad=True),
            " (not a tensor that requires grad: give tensor.item(), or tensor.detach() if it is no value to "
            "learn), got tensor(0.1000, requires_grad=True)",
        ),
        (torch.tensor(True), ", got tensor(True)"),  # a bool is no number, in a tensor or not
    ],
)
def test_a_tensor_that_is_no_number_is_refused_saying_why(value: Any, said: str) -> None:
    with pytest.raises(
        TypeError, match="^" + re.escape("Constant: value must be a finite number >= 0" + said)
    ):
        Constant(value)
    with pytest.raises(TypeError, match=r"^StepDecay: step must be a non-negative integer \("):
        StepDecay(0.1, every=2)(torch.tensor([1, 2]))


def test_arrays_are_accepted_for_milestones_and_boundaries() -> None:
    assert MultiStepDecay(0.1, np.array([2, 4])) == MultiStepDecay(0.1, [2, 4])
    assert join([Constant(0.1)] * 2, np.array([3])) == join([Constant(0.1)] * 2, [3])
    assert MultiStepDecay(0.1, range(2, 6, 2)).milestones == [2, 4]
    # and a 1-d tensor, as the callbacks' milestones (review 122)
    assert MultiStepDecay(0.1, torch.tensor([2, 4])) == MultiStepDecay(0.1, [2, 4])


def test_an_unknown_keyword_is_named_once() -> None:
    # review 50: "CosineRestarts: CosineRestarts.__init__() got an unexpected keyword argument 'cycle_mul'"
    with pytest.raises(TypeError) as info:
        CosineRestarts(1.0, period=10, cycle_mul=2)  # type: ignore[call-arg]
    assert str(info.value) == (
        "CosineRestarts() got an unexpected keyword argument 'cycle_mul': pass period_mult (timm's cycle_mul); "
        "given cycle_mul=2"
    )


@pytest.mark.parametrize(
    ("make", "hint"),
    [
        # review 117: the pure OneCycle calls total total_steps; a sibling's or torch's name got a bare TypeError
        (lambda: OneCycle(0.1, total=100), "'total': pass total_steps (the OneCycle callback's"),
        (lambda: OneCycle(0.1, 100, anneal_strategy="linear"), "'anneal_strategy': pass anneal (torch's"),
        (
            lambda: OneCycle(0.1, epochs=2, steps_per_epoch=10),
            "'epochs': pass total_steps=epochs * steps_per_epoch",
        ),
        (lambda: CosineDecay(0.1, total_steps=100), "'total_steps': pass total (the pure OneCycle's"),
        (lambda: PolynomialDecay(0.1, total_steps=100), "'total_steps': pass total (the pure OneCycle's"),
        (lambda: Linear(0.0, 0.1, total_steps=100), "'total_steps': pass total (the pure OneCycle's"),
        (lambda: WarmupStableDecay(0.1, total_steps=100), "'total_steps': pass total (the pure OneCycle's"),
        (lambda: CosineDecay(0.1, T_max=100), "'T_max': pass total (torch's CosineAnnealingLR T_max)"),
        (lambda: CosineDecay(0.1, 100, eta_min=0.01), "'eta_min': pass final (torch's CosineAnnealingLR"),
        (lambda: PolynomialDecay(0.1, total_iters=100), "'total_iters': pass total (torch's PolynomialLR"),
        (lambda: Linear(0.0, 0.1, total_iters=100), "'total_iters': pass total (torch's LinearLR"),
        (lambda: StepDecay(0.1, 10, gamma=0.5), "'gamma': pass drop (torch's StepLR gamma)"),
        (lambda: StepDecay(0.1, step_size=10), "'step_size': pass every (torch's StepLR step_size)"),
        (lambda: MultiStepDecay(0.1, [10], drop=0.5), "'drop': pass gamma (StepDecay's drop)"),
        (lambda: ExponentialDecay(0.1, drop=0.5), "'drop': pass gamma (StepDecay's drop"),
        (lambda: ExponentialDecay(0.1, decay_rate=0.5), "'decay_rate': pass gamma (Keras' decay_rate)"),
        (lambda: TimeDecay(0.1, decay_rate=0.5), "'decay_rate': pass decay (Keras' decay_rate)"),
        (lambda: Cyclic(0.01, 0.1, step_size_up=10), "'step_size_up': pass step_size (torch's"),
        (lambda: InverseSqrt(0.1, warmup_steps=10), "'warmup_steps': pass warmup (Keras'"),
        (lambda: InverseSqrt(0.1, num_warmup_steps=10), "'num_warmup_steps': pass warmup (transformers'"),
        (lambda: WarmupStableDecay(0.1, 100, warmup_steps=10), "'warmup_steps': pass warmup (Keras'"),
        (
            lambda: WarmupStableDecay(0.1, 100, num_decay_steps=10),
            "'num_decay_steps': pass decay (transformers'",
        ),
        (
            lambda: CosineDecay(0.1, 100, warmup=10),
            "'warmup': pass nothing: this schedule has no warm-up; warmup(",
        ),
        (
            lambda: StepDecay(0.1, 10, warmup_steps=10),
            "'warmup_steps': pass nothing: this schedule has no warm-up",
        ),
        (
            lambda: MultiStepDecay(0.1, [10], num_warmup_steps=5),
            "'num_warmup_steps': pass nothing: this schedule",
        ),
    ],
)
def test_a_siblings_or_peers_name_for_a_schedule_argument_says_which_is_ours(
    make: Callable[[], Any], hint: str
) -> None:
    with pytest.raises(TypeError, match=r"^\w+\(\) got an unexpected keyword argument " + re.escape(hint)):
        make()


def test_same_compares_saved_settings_by_value_and_is_false_when_equality_cannot_say() -> None:
    """The one comparison of a saved setting against the one given now (drop-ins' state, logged hparams)."""
    import numpy as np

    from lightning_lr._validate import same

    class Refuses:
        def __eq__(self, other: object) -> bool:
            raise TypeError("no")

    assert same(0.1, 0.1) and same([0.1, 0.2], [0.1, 0.2]) and same({"a": 1}, {"a": 1})
    assert same(np.array([0.5]), 0.5)  # one element: its value
    assert not same(0.1, 0.2) and not same([0.1], [0.1, 0.1])
    assert not same(np.array([0.5, 0.5]), np.array([0.5, 0.5]))  # several truth values: cannot say
    assert not same(Refuses(), 1)
    assert not same(float("nan"), float("nan"))


def test_a_final_ratio_is_taken_while_its_final_is_a_number() -> None:
    # above 1 the cosine rises, as final above initial does (torch's eta_min > base_lr): documented, kept;
    # only a ratio whose final overflows is refused (the case above)
    assert CosineDecay(0.1, 10, final_ratio=2.0)(10) == pytest.approx(0.2)
    largest = CosineDecay(10.0, 10, final_ratio=1.79769e307)
    assert np.isfinite(largest.values(12)).all()


def test_a_multiplicative_product_that_overflows_is_named_not_inf_or_nan() -> None:
    # r163: each factor is checked finite, their product was not: 1e200 twice gave inf, then a factor 0 gave nan
    from lightning_lr.schedules import Multiplicative

    def factor(i: int) -> float:
        return 1e200 if i <= 2 else 0.0

    s = Multiplicative(1.0, factor)
    assert s(1) == 1e200
    for call in (lambda: s(2), lambda: s(3), lambda: s.values(4)):
        with pytest.raises(
            ValueError, match=r"^Multiplicative: the product of the factors overflows at step 2: "
        ):
            call()
    assert s(1) == 1e200  # what was computed before stays


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            "CosineRestarts(0.1, T_0=10)",
            r"'T_0': pass period \(torch's CosineAnnealingWarmRestarts T_0\); given T_0=10$",
        ),
        ("CosineRestarts(0.1, 10, perid_mult=2)", r"'perid_mult' \(given 2\): did you mean period_mult\?$"),
        ("Constant(valu=0.1)", r"'valu' \(given 0\.1\): did you mean value\?$"),
        (
            "warmup(Constant(0.1), warmup_steps=5)",
            r"'warmup_steps': pass steps \(Keras' and optax's warmup_steps\); given warmup_steps=5$",
        ),
        (
            "join([Constant(0.1)], milestones=[])",
            r"'milestones' \(given \[\]\); it takes schedules, boundaries$",
        ),
        ("OneCycle(0.1, 100).momentum(min_momentum=0.8)", r"'min_momentum': pass base_momentum "),
    ],
)
def test_every_schedule_names_a_misspelt_or_foreign_keyword(make: str, message: str) -> None:
    # r163: these got Python's bare TypeError (torch's T_0 on CosineRestarts too), where their siblings hinted
    from lightning_lr import schedules

    with pytest.raises(TypeError, match=r"got an unexpected keyword argument " + message):
        eval(make, vars(schedules))
