"""The drop-ins whose LR is each group's initial LR times a factor of the step (one shape for all groups)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import torch
from torch.optim import Optimizer

from ... import _validate as V
from ..._validate import fail, in_range, known_as
from ...schedules import ExponentialDecay, Linear, MultiStepDecay, PolynomialDecay, StepDecay
from ...schedules._base import quiet_growth  # torch takes a gamma above 1 without a word
from ..schedule_lr import ScheduleSpec, check_optimizer
from . import _peers as peers
from ._args import item, torch_names, torch_refuses, whole
from ._base import DropIn

__all__ = ["ExponentialLR", "LinearLR", "MultiStepLR", "PolynomialLR", "StepLR"]


class StepLR(DropIn):
    """Decay each group's LR by ``gamma`` every ``step_size`` steps; a drop-in for
    ``torch.optim.lr_scheduler.StepLR`` (built on :class:`~lightning_lr.schedules.StepDecay`).

    Args:
        optimizer: the wrapped optimizer.
        step_size: steps between two decays.
        gamma: the decay factor, > 0.
        last_epoch: the step already taken, -1 for a fresh start.

    Alone, the LR is ``base_lr * gamma ** (step // step_size)`` in closed form; stacked with other
    schedulers it scales their LR by ``gamma`` at every decay, as torch's.

    Differences from torch: ``step_size`` must be a positive whole number and ``gamma`` > 0.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        >>> sched = StepLR(opt, step_size=2, gamma=0.5)
        >>> lrs = []
        >>> for _ in range(6):
        ...     lrs.append(opt.param_groups[0]["lr"])
        ...     opt.step()
        ...     sched.step()
        >>> lrs
        [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]
    """

    settings_keys = ("step_size", "gamma")

    @known_as(peers.STEP)
    def __init__(
        self,
        optimizer: Optimizer,
        step_size: int,
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        check_optimizer(optimizer, type(self).__name__)
        self.step_size, self.gamma = step_size, gamma
        lr, _ = self._build()
        super().__init__(optimizer, lr=lr, relative=True, last_epoch=last_epoch)

    def _build(self) -> tuple[ScheduleSpec, ScheduleSpec]:
        with torch_names({"every": "step_size", "drop": "gamma"}), quiet_growth():
            shape = StepDecay(1.0, every=whole(self.step_size), drop=item("gamma", self.gamma))
        self.step_size, self.gamma = shape.every, shape.drop
        return shape, None


def _check_milestones(milestones: Any) -> None:
    """A TypeError naming ``milestones`` when it is no iterable of values: a number, a string, or a 0-d array or
    tensor (an Iterable by its class, whose iteration raises a bare "iteration over a 0-d array"; review 108)."""
    zero_d = isinstance(milestones, (np.ndarray, torch.Tensor)) and milestones.ndim == 0
    if zero_d or isinstance(milestones, (str, bytes)) or not isinstance(milestones, Iterable):
        fail("milestones", "an iterable of non-negative integers", milestones, TypeError)


class MultiStepLR(DropIn):
    """Decay each group's LR by ``gamma`` at every milestone; a drop-in for
    ``torch.optim.lr_scheduler.MultiStepLR`` (built on :class:`~lightning_lr.schedules.MultiStepDecay`).

    Args:
        optimizer: the wrapped optimizer.
        milestones: steps at which the LR is multiplied by ``gamma``; a repeated milestone compounds (a
            mapping, such as another MultiStepLR's ``milestones`` Counter, gives each step's count).
        gamma: the decay factor, > 0.
        last_epoch: the step already taken, -1 for a fresh start.

    Alone, the LR is ``base_lr * gamma ** (milestones <= step)`` in closed form; stacked with other
    schedulers it scales their LR by ``gamma`` at every milestone, as torch's.

    Differences from torch: milestones may come in any order (they are sorted, which is what torch's
    closed form does too) but must be non-negative integers; ``gamma`` must be > 0.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = MultiStepLR(opt, milestones=[2, 4], gamma=0.1)
        >>> lrs = []
        >>> for _ in range(5):
        ...     lrs.append(opt.param_groups[0]["lr"])
        ...     opt.step()
        ...     sched.step()
        >>> [round(x, 12) for x in lrs]
        [1.0, 1.0, 0.1, 0.1, 0.01]
    """

    settings_keys = ("milestones", "gamma")

    @known_as(peers.MULTISTEP)
    def __init__(
        self,
        optimizer: Optimizer,
        milestones: Iterable[int],
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        check_optimizer(optimizer, type(self).__name__)
        _check_milestones(milestones)
        if isinstance(milestones, Mapping):
            # a Counter (another MultiStepLR's .milestones) or a dict: each milestone as many times as its
            # count, as torch's Counter(milestones) reads it (review 76: each once, the LR twice too high)
            counts = {}
            for m, n in milestones.items():  # 2.0 is 2, as torch's gamma ** 2.0 reads it
                whole_float = isinstance(n, (float, np.floating)) and float(n).is_integer()
                counts[m] = V.integer(
                    f"milestones[{m!r}] (its count)", int(n) if whole_float else n, 0, capped=False
                )
            milestones = list(Counter(counts).elements())
        given = [whole(m) for m in milestones]  # 30.0 is step 30, as torch fires it (0.5 * epochs)
        try:  # torch takes the milestones in any order; the schedule, sorted
            order = sorted(range(len(given)), key=given.__getitem__)
        except TypeError:  # not all comparable: the schedule names the first one that is not an integer
            order = list(range(len(given)))
        # the schedule's message names a milestone by its place in the sorted list; torch's user, in theirs
        names = {f"milestones[{k}]": f"milestones[{i}]" for k, i in enumerate(order)}
        with torch_names(names), quiet_growth():
            shape = MultiStepDecay(1.0, [given[i] for i in order], item("gamma", gamma))
        self.milestones = Counter(shape.milestones)
        self.gamma = shape.gamma
        super().__init__(optimizer, lr=shape, relative=True, last_epoch=last_epoch)

    def _build(self) -> tuple[ScheduleSpec, ScheduleSpec]:
        _check_milestones(self.milestones)  # (a checkpoint's, or one assigned: sched.milestones = 5)
        with torch_names({}), quiet_growth():  # a checkpoint's settings
            shape = MultiStepDecay(
                1.0, sorted(whole(m) for m in Counter(self.milestones).elements()), item("gamma", self.gamma)
            )
        self.milestones, self.gamma = Counter(shape.milestones), shape.gamma
        return shape, None


class ExponentialLR(DropIn):
    """Multiply each group's LR by ``gamma`` every step; a drop-in for
    ``torch.optim.lr_scheduler.ExponentialLR`` (built on :class:`~lightning_lr.schedules.ExponentialDecay`).

    Args:
        optimizer: the wrapped optimizer.
        gamma: the factor per step, > 0.
        last_epoch: the step already taken, -1 for a fresh start.

    Alone, the LR is ``base_lr * gamma ** step`` in closed form; stacked with other schedulers it scales
    their LR by ``gamma`` every step, as torch's.

    Differences from torch: ``gamma`` must be > 0.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = ExponentialLR(opt, gamma=0.5)
        >>> for _ in range(3):
        ...     opt.step()
        ...     sched.step()
        >>> opt.param_groups[0]["lr"]
        0.125
    """

    settings_keys = ("gamma",)

    @known_as(peers.EXPONENTIAL)
    def __init__(
        self,
        optimizer: Optimizer,
        gamma: float,
        last_epoch: int = -1,
    ) -> None:
        check_optimizer(optimizer, type(self).__name__)
        self.gamma = gamma
        lr, _ = self._build()
        super().__init__(optimizer, lr=lr, relative=True, last_epoch=last_epoch)

    def _build(self) -> tuple[ScheduleSpec, ScheduleSpec]:
        gamma = item("gamma", self.gamma)
        # the schedule's None asks for its rate, which torch's API has not; torch fails with a TypeError
        if gamma is None:
            fail("gamma", "a finite number > 0", gamma, TypeError)
        with torch_names({}):
            shape = ExponentialDecay(1.0, gamma=gamma)
        assert shape.gamma is not None
        self.gamma = shape.gamma
        return shape, None

    _scales_at_zero = True

    def _at_zero(self, i: int, cur: float) -> float:
        return cur * float(self.gamma)


class LinearLR(DropIn):
    """Scale each group's LR by a factor that moves linearly from ``start_factor`` to ``end_factor`` over
    ``total_iters`` steps; a drop-in for ``torch.optim.lr_scheduler.LinearLR`` (built on
    :class:`~lightning_lr.schedules.Linear`).

    Args:
        optimizer: the wrapped optimizer.
        start_factor: the factor at step 0, in (0, 1] (as torch); a number or a one-element tensor or array.
            A value torch's check refuses (``False``, ``torch.tensor(2)``) raises its ValueError.
        end_factor: the factor from step ``total_iters`` on, in [0, 1] (as torch); same forms.
        total_iters: steps to go from one factor to the other.
        last_epoch: the step already taken, -1 for a fresh start.

    Alone, the LR is ``base_lr * factor(step)`` in closed form; stacked with other schedulers (a warm-up
    before a decay, ReduceLROnPlateau) it scales their LR by its own change, as torch's.

    Differences from torch: ``total_iters`` must be a positive whole number (torch's ``total_iters=0``
    divides by zero in its closed form).

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = LinearLR(opt, start_factor=0.25, total_iters=3)
        >>> lrs = []
        >>> for _ in range(5):
        ...     lrs.append(opt.param_groups[0]["lr"])
        ...     opt.step()
        ...     sched.step()
        >>> lrs
        [0.25, 0.5, 0.75, 1.0, 1.0]
    """

    settings_keys = ("start_factor", "end_factor", "total_iters")

    @known_as(peers.LINEAR)
    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        check_optimizer(optimizer, type(self).__name__)
        self.start_factor, self.end_factor, self.total_iters = start_factor, end_factor, total_iters
        lr, _ = self._build()
        super().__init__(optimizer, lr=lr, relative=True, last_epoch=last_epoch)

    def _build(self) -> tuple[ScheduleSpec, ScheduleSpec]:
        # torch's own bounds on the factors (the schedule takes any values >= 0); a one-element tensor or array
        # is its number, as torch takes it (review 106: tensor(0.5) was refused). What torch's check refuses
        # (False, tensor(2)) is a ValueError, as torch's
        start, end = item("start_factor", self.start_factor), item("end_factor", self.end_factor)
        refused = torch_refuses(
            ("start_factor", start, lambda v: v > 1.0 or v <= 0),
            ("end_factor", end, lambda v: v > 1.0 or v < 0),
        )
        with torch_names({}, refused):
            in_range("start_factor", start, 0.0, 1.0, lo_open=True, hi_open=False)
            in_range("end_factor", end, 0.0, 1.0, lo_open=False, hi_open=False)
        with torch_names({"start": "start_factor", "end": "end_factor", "total": "total_iters"}):
            shape = Linear(float(start), float(end), whole(self.total_iters))
        self.start_factor, self.end_factor, self.total_iters = shape.start, shape.end, shape.total
        return shape, None


class PolynomialLR(DropIn):
    """Polynomial decay of each group's LR to 0 over ``total_iters`` steps; a drop-in for
    ``torch.optim.lr_scheduler.PolynomialLR`` (built on :class:`~lightning_lr.schedules.PolynomialDecay`).

    Args:
        optimizer: the wrapped optimizer.
        total_iters: steps to reach 0; the LR stays 0 afterwards.
        power: the power of the polynomial, > 0.
        last_epoch: the step already taken, -1 for a fresh start.

    Alone, the LR is ``base_lr * (1 - step / total_iters) ** power`` in closed form; stacked with other
    schedulers it scales their LR by its own change, as torch's (and leaves it alone after the end).

    Differences from torch: ``total_iters`` must be a positive whole number and ``power`` > 0.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = PolynomialLR(opt, total_iters=4, power=2.0)
        >>> lrs = []
        >>> for _ in range(6):
        ...     lrs.append(opt.param_groups[0]["lr"])
        ...     opt.step()
        ...     sched.step()
        >>> lrs
        [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """

    settings_keys = ("total_iters", "power")

    @known_as(peers.POLYNOMIAL)
    def __init__(
        self,
        optimizer: Optimizer,
        total_iters: int = 5,
        power: float = 1.0,
        last_epoch: int = -1,
    ) -> None:
        check_optimizer(optimizer, type(self).__name__)
        self.total_iters, self.power = total_iters, power
        lr, _ = self._build()
        super().__init__(optimizer, lr=lr, relative=True, last_epoch=last_epoch)

    def _build(self) -> tuple[ScheduleSpec, ScheduleSpec]:
        with torch_names({"total": "total_iters"}):
            shape = PolynomialDecay(
                1.0, total=whole(self.total_iters), power=item("power", self.power), final=0.0
            )  # (torch takes a one-element tensor for power, as for gamma)
        self.total_iters, self.power = shape.total, shape.power
        return shape, None

    _scales_at_zero = True

    def _at_zero(self, i: int, cur: float) -> float:
        # torch's recursive factor at step 0: ((1 - 0 / n) / (1 - (0 - 1) / n)) ** power
        n = self.total_iters
        return cur * (n / (n + 1)) ** float(self.power)
