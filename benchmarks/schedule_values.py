"""Time ``values(1_000_000)`` of each closed-form schedule next to a pure-Python loop of ``s(t)``.

    python benchmarks/schedule_values.py [--n 1000000] [--repeats 5] [--loop-steps 100000]

The goal (issue 2): one million values in well under 0.1 s. Each schedule is configured so that its
interesting part spans the whole million steps (a 1cycle of 1M steps, cycles of 2000 steps, ...), so no
time is saved by a value held after the end. The vectorized columns are the medians of ``--repeats`` runs,
wall clock and this process's CPU time (the CPU time is what to compare on a loaded machine); the loop
column times ``[s(t) for t in range(loop_steps)]`` (median of 3) and scales it to ``n`` steps.
Not a test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import functools
import platform
import statistics
import time
from collections.abc import Callable

import numpy as np

from lightning_lr.schedules import (
    Constant,
    CosineDecay,
    CosineRestarts,
    Cyclic,
    ExponentialDecay,
    Linear,
    MultiStepDecay,
    OneCycle,
    PolynomialDecay,
    Schedule,
    StepDecay,
    TimeDecay,
    join,
    warmup,
)

GOAL_S = 0.1


def schedules(n: int) -> dict[str, Schedule]:
    return {
        "Constant": Constant(0.1),
        "TimeDecay": TimeDecay(0.1, decay=0.002),
        "StepDecay": StepDecay(0.1, every=n // 10, drop=0.5),
        "MultiStepDecay": MultiStepDecay(0.1, milestones=[n // 4, n // 2, 3 * n // 4], gamma=0.1),
        "ExponentialDecay(rate)": ExponentialDecay(0.1, rate=5.0 / n),
        "ExponentialDecay(gamma)": ExponentialDecay(0.1, gamma=0.9999),
        "PolynomialDecay": PolynomialDecay(0.1, total=n, power=2.0, final=1e-4),
        "CosineDecay": CosineDecay(0.1, total=n, final=1e-4),
        "Linear": Linear(0.0, 0.1, total=n),
        "CosineRestarts": CosineRestarts(0.1, period=1000),
        "CosineRestarts(mult=2, decay)": CosineRestarts(
            0.1, period=1000, period_mult=2, decay=0.8, final=1e-4
        ),
        "Cyclic(triangular)": Cyclic(1e-4, 1e-2, step_size=2000),
        "Cyclic(triangular2)": Cyclic(1e-4, 1e-2, step_size=2000, mode="triangular2"),
        "Cyclic(exp_range)": Cyclic(1e-4, 1e-2, step_size=2000, mode="exp_range", gamma=0.99999),
        "CyclicMomentum": Cyclic(1e-4, 1e-2, step_size=2000).momentum(),
        "OneCycle(cos)": OneCycle(0.1, total_steps=n),
        "OneCycle(linear, 3 phases)": OneCycle(0.1, total_steps=n, anneal="linear", three_phase=True),
        "OneCycleMomentum": OneCycle(0.1, total_steps=n).momentum(),
        "warmup + CosineDecay": warmup(CosineDecay(0.1, total=n - n // 20), steps=n // 20),
        "join(Linear, Constant, StepDecay)": join(
            [Linear(0.0, 0.1, total=1000), Constant(0.1), StepDecay(0.1, every=n // 10)], [1000, n // 2]
        ),
    }


def _loop(s: Schedule, n: int) -> list[float]:
    """The schedule's first ``n`` values, one call each."""
    return [s(t) for t in range(n)]


def median_seconds(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds of ``repeats`` calls."""
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1_000_000, help="steps for values(n)")
    parser.add_argument("--repeats", type=int, default=5, help="runs of values(n); the median is shown")
    parser.add_argument("--loop-steps", type=int, default=100_000, help="steps of the s(t) loop, scaled to n")
    args = parser.parse_args()
    n, loop_n = args.n, args.loop_steps

    print(
        f"values({n:,}) vs a Python loop of s(t); python {platform.python_version()}, numpy {np.__version__}"
    )
    print(
        f"vectorized: median of {args.repeats} runs; loop: {loop_n:,} steps (median of 3) scaled to {n:,}\n"
    )
    header = f"{'schedule':<36} {'values(n) ms':>12} {'cpu ms':>7} {'loop s(t) ms':>13} {'speed-up':>9} {'< 0.1 s':>8}"
    print(header)
    print("-" * len(header))
    worst = 0.0
    for name, s in schedules(n).items():
        s.values(1000)  # warm up
        vec, vec_cpu = median_seconds(functools.partial(s.values, n), args.repeats)
        loop = median_seconds(functools.partial(_loop, s, loop_n), 3)[0] * n / loop_n
        worst = max(worst, vec)
        ok = "yes" if vec < GOAL_S else "NO"
        print(
            f"{name:<36} {vec * 1e3:>12.1f} {vec_cpu * 1e3:>7.1f} {loop * 1e3:>13.0f} {loop / vec:>8.0f}x {ok:>8}"
        )
    print(f"\nslowest values({n:,}): {worst * 1e3:.1f} ms wall (goal: well under {GOAL_S * 1e3:.0f} ms)")


if __name__ == "__main__":
    main()
