"""Plain training loops: a task's full budget at a constant LR, with 1cycle or a cyclical LR, and short runs.

A plain loop (no Trainer): the same network init, optimizer, loss and batch order for a given seed, much
faster than a ``Trainer`` for a few hundred tiny steps. A run stops early once its loss is NaN/inf or
above ``BLOWUP`` times its first loss (the outcome is then "diverged", loss inf).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch

from .tasks import Task, batches, data, has_momentum, loss_fn, make_net, make_optimizer

__all__ = ["Outcome", "short_run", "train"]

#: a run whose loss exceeds this many times its first loss is stopped as diverged
BLOWUP = 1e3
#: the final training loss is the mean of the minibatch losses of this last fraction of the steps
TAIL = 0.1


@dataclass(frozen=True)
class Outcome:
    """The result of one full-budget training."""

    train_loss: float  # mean minibatch loss of the last TAIL of the steps; inf when diverged
    val_loss: float  # loss on the validation split at the end; inf when diverged
    first_loss: float  # loss of the first batch (before any step)
    seconds: float
    steps: int  # optimizer steps actually taken

    @property
    def diverged(self) -> bool:
        return not math.isfinite(self.train_loss) or self.train_loss > 3 * self.first_loss


def _scheduler(task: Task, opt: torch.optim.Optimizer, schedule: str, lr: float, extra: float) -> object:
    if schedule == "constant":
        return None
    if schedule == "onecycle":
        return torch.optim.lr_scheduler.OneCycleLR(
            opt, max_lr=lr, total_steps=task.steps, cycle_momentum=has_momentum(task)
        )
    if schedule == "cyclic":  # triangular between extra (base) and lr (max), two full cycles
        return torch.optim.lr_scheduler.CyclicLR(
            opt, base_lr=extra, max_lr=lr, step_size_up=max(1, task.steps // 4), cycle_momentum=False
        )
    raise ValueError(f"schedule must be constant, onecycle or cyclic, got {schedule!r}")


def train(
    task: Task,
    lr: float,
    seed: int,
    schedule: str = "constant",
    extra: float = 0.0,
    momentum: float | None = None,
) -> Outcome:
    """Train a fresh network (``seed``) for the task's full budget; ``lr`` is the constant LR, 1cycle's
    max_lr, or the cyclical max_lr (``extra`` its base_lr); ``momentum``, another than the recipe's
    (:func:`make_optimizer`)."""
    start = time.perf_counter()
    net = make_net(task, seed)
    opt = make_optimizer(task, net.parameters(), lr, momentum)
    sched = _scheduler(task, opt, schedule, lr, extra)
    f = loss_fn(task)
    tail = max(1, round(TAIL * task.steps))
    losses: list[float] = []
    first = math.nan
    net.train()
    it = batches(task, seed)
    for step in range(task.steps):
        x, y = next(it)
        loss = f(net(x), y)
        v = float(loss.detach())
        if step == 0:
            first = v
        if not math.isfinite(v) or v > BLOWUP * first:
            return Outcome(math.inf, math.inf, first, time.perf_counter() - start, step)
        losses.append(v)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if sched is not None:
            sched.step()  # type: ignore[attr-defined]
    final = float(np.mean(losses[-tail:]))
    _, _, x_va, y_va = data(task.data)
    net.eval()
    with torch.no_grad():
        val = float(f(net(x_va), y_va))
    if not math.isfinite(val):
        val = math.inf
    return Outcome(final, val, first, time.perf_counter() - start, task.steps)


def short_run(task: Task, lr: float, seed: int, steps: int, momentum: float | None = None) -> list[float]:
    """The per-step minibatch losses of ``steps`` steps at constant ``lr`` from the seed's initial state on
    the seed's first batches (the confirmation stage's candidate run); NaN from the step the loss is no
    longer finite or has blown up."""
    net = make_net(task, seed)
    opt = make_optimizer(task, net.parameters(), lr, momentum)
    f = loss_fn(task)
    out: list[float] = []
    first = math.nan
    net.train()
    it = batches(task, seed)
    for step in range(steps):
        x, y = next(it)
        loss = f(net(x), y)
        v = float(loss.detach())
        if step == 0:
            first = v
        if not math.isfinite(v) or v > BLOWUP * first:
            return out + [math.nan] * (steps - step)
        out.append(v)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return out
