"""Microseconds per ``scheduler.step()``: lightning_lr's drop-ins beside torch's, and the floor.

For OneCycleLR, CyclicLR, CosineAnnealingLR and StepLR, with 1 and 10 param groups (each with its own LR)
and with float and tensor LRs, this times ``step()`` of torch's scheduler and of ours, interleaved in one
process: every round times each configuration's torch, ours and floor back to back, ``--repeat`` times
(alternating which of torch and ours goes first) and keeps each one's fastest repeat, since preemption by
other processes only ever adds time (timeit's advice); the table reports the median over rounds. The
floor is the least any scheduler can do: a plain ``group["lr"] = x`` loop (``group["lr"].fill_(x)`` for
tensors).

The optimizer is SGD with momentum, so OneCycleLR and CyclicLR also cycle momentum (both implementations).
Schedulers keep stepping across rounds, as in training, so ours pays for refilling its cache every 1024
steps; each has given its ``state_dict()`` once before, as at a fit's first checkpoint. Goal (issue 2): ours at most 0.3x torch with float LRs and 0.5x with tensor LRs.

Run from the repository root:
    python benchmarks/schedule_overhead.py [--rounds 15] [--repeat 3] [--steps 1000]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import torch

import lightning_lr.optim as ours

CASES: dict[str, dict[str, Any]] = {
    "OneCycleLR": dict(max_lr=0.1, total_steps=10**9),  # long enough never to reach its end
    "CyclicLR": dict(base_lr=0.001, max_lr=0.1, step_size_up=500),
    "CosineAnnealingLR": dict(T_max=5000),
    "StepLR": dict(step_size=300, gamma=0.5),
}
GOAL = {"float": 0.3, "tensor": 0.5}


def make_optimizer(n_groups: int, lr_kind: str) -> torch.optim.Optimizer:
    groups: list[dict[str, Any]] = []
    for i in range(n_groups):
        lr = 0.1 / (i + 1)
        groups.append(
            {
                "params": [torch.nn.Parameter(torch.zeros(4))],
                "lr": torch.tensor(lr) if lr_kind == "tensor" else lr,
            }
        )
    return torch.optim.SGD(groups, momentum=0.9)


def time_steps(step: Callable[[], None], steps: int) -> float:
    """Microseconds per call of ``step``."""
    start = time.perf_counter_ns()
    for _ in range(steps):
        step()
    return (time.perf_counter_ns() - start) / steps / 1e3


def time_floor(opt: torch.optim.Optimizer, lr_kind: str, steps: int) -> float:
    groups = opt.param_groups
    x = 0.05
    start = time.perf_counter_ns()
    if lr_kind == "float":
        for _ in range(steps):
            for g in groups:
                g["lr"] = x
    else:
        for _ in range(steps):
            for g in groups:
                g["lr"].fill_(x)
    return (time.perf_counter_ns() - start) / steps / 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds; the table shows medians")
    parser.add_argument("--repeat", type=int, default=3, help="timings per round; the fastest is kept")
    parser.add_argument("--steps", type=int, default=1000, help="step() calls per timing")
    args = parser.parse_args()

    configs = [(name, n, kind) for name in CASES for n in (1, 10) for kind in ("float", "tensor")]
    built = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch: "lr_scheduler.step() before optimizer.step()"
        for name, n, kind in configs:
            opt_t, opt_o, opt_f = (make_optimizer(n, kind) for _ in range(3))
            sched_t = getattr(torch.optim.lr_scheduler, name)(opt_t, **CASES[name])
            sched_o = getattr(ours, name)(opt_o, **CASES[name])
            # a checkpoint's state_dict() first, as in a fit: it reads vars(self), after which CPython keeps
            # the instance's __dict__ as a real dict, and every attribute access on it costs more (an earlier
            # version of this table timed schedulers no checkpoint had touched)
            sched_t.state_dict()
            sched_o.state_dict()
            built[name, n, kind] = (sched_t.step, sched_o.step, opt_f)

        times: dict[tuple[str, int, str], dict[str, list[float]]] = {
            c: {"floor": [], "torch": [], "ours": []} for c in configs
        }
        gc.disable()
        try:
            for _ in range(args.rounds):
                for config in configs:
                    step_t, step_o, opt_f = built[config]
                    best = {"torch": float("inf"), "ours": float("inf"), "floor": float("inf")}
                    for rep in range(args.repeat):
                        order = [("torch", step_t), ("ours", step_o)]
                        for label, step in order if rep % 2 == 0 else order[::-1]:
                            best[label] = min(best[label], time_steps(step, args.steps))
                        best["floor"] = min(best["floor"], time_floor(opt_f, config[2], args.steps))
                    for label, value in best.items():
                        times[config][label].append(value)
        finally:
            gc.enable()

    print(
        f"us per step(): median over {args.rounds} interleaved rounds of the fastest of {args.repeat} x "
        f"{args.steps} steps (torch {torch.__version__}, SGD with momentum)"
    )
    header = f"{'scheduler':<18} {'groups':>6} {'lr':<6} {'floor':>7} {'torch':>7} {'ours':>7} {'ours/torch':>10}  goal"
    print(header)
    print("-" * len(header))
    for config in configs:
        name, n, kind = config
        med = {k: statistics.median(v) for k, v in times[config].items()}
        ratio = med["ours"] / med["torch"]
        verdict = "ok" if ratio <= GOAL[kind] else "MISSED"
        print(
            f"{name:<18} {n:>6} {kind:<6} {med['floor']:>7.2f} {med['torch']:>7.2f} {med['ours']:>7.2f} "
            f"{ratio:>9.2f}x  <= {GOAL[kind]}x {verdict}"
        )


if __name__ == "__main__":
    main()
