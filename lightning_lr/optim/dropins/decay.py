"""The drop-ins whose LR is each group's initial LR times a factor of the step (one shape for all groups)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from torch.optim import Optimizer

from ..._validate import fail, in_range
from ...schedules import (
    ExponentialDecay,
    Lambda,
    Linear,
    Multiplicative,
    MultiStepDecay,
    PolynomialDecay,
    StepDecay,
)
from ..schedule_lr import ScheduleLR, check_optimizer
from ._args import item, per_group, torch_names, whole

__all__ = [
    "ExponentialLR",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "PolynomialLR",
    "StepLR",
]


class StepLR(ScheduleLR):
    """Decay each group's LR by ``gamma`` every ``step_size`` steps; a drop-in for
    ``torch.optim.lr_scheduler.StepLR`` (built on :class:`~lightning_lr.schedules.StepDecay`).

    Args:
        optimizer: the wrapped optimizer.
        step_size: steps between two decays.
        gamma: the decay factor, > 0.
        last_epoch: the step already taken, -1 for a fresh start.

    Differences from torch: the LR is ``base_lr * gamma ** (step // step_size)`` in closed form, so a
    change made to ``group["lr"]`` from outside is overwritten at the next step instead of being decayed
    along (torch's recursive form keeps it). ``step_size`` must be a positive whole number and ``gamma``
    > 0.

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

    def __init__(
        self,
        optimizer: Optimizer,
        step_size: int,
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        check_optimizer(optimizer)
        with torch_names({"every": "step_size", "drop": "gamma"}):
            shape = StepDecay(1.0, every=whole(step_size), drop=item("gamma", gamma))
        self.step_size, self.gamma = shape.every, shape.drop
        super().__init__(optimizer, lr=shape, relative=True, last_epoch=last_epoch)


class MultiStepLR(ScheduleLR):
    """Decay each group's LR by ``gamma`` at every milestone; a drop-in for
    ``torch.optim.lr_scheduler.MultiStepLR`` (built on :class:`~lightning_lr.schedules.MultiStepDecay`).

    Args:
        optimizer: the wrapped optimizer.
        milestones: steps at which the LR is multiplied by ``gamma``; a repeated milestone compounds.
        gamma: the decay factor, > 0.
        last_epoch: the step already taken, -1 for a fresh start.

    Differences from torch: closed form ``base_lr * gamma ** (milestones <= step)`` (an outside change to
    ``group["lr"]`` is overwritten at the next step). Milestones may come in any order (they are sorted,
    which is what torch's closed form does too) but must be non-negative integers; ``gamma`` must be > 0.

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

    def __init__(
        self,
        optimizer: Optimizer,
        milestones: Iterable[int],
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        check_optimizer(optimizer)
        if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Iterable):
            fail("milestones", "an iterable of non-negative integers", milestones, TypeError)
        given = list(milestones)
        try:  # torch takes the milestones in any order; the schedule, sorted
            order = sorted(range(len(given)), key=given.__getitem__)
        except TypeError:  # not all comparable: the schedule names the first one that is not an integer
            order = list(range(len(given)))
        # the schedule's message names a milestone by its place in the sorted list; torch's user, in theirs
        names = {f"milestones[{k}]": f"milestones[{i}]" for k, i in enumerate(order)}
        with torch_names(names):
            shape = MultiStepDecay(1.0, [given[i] for i in order], item("gamma", gamma))
        self.milestones = Counter(shape.milestones)
        self.gamma = shape.gamma
        super().__init__(optimizer, lr=shape, relative=True, last_epoch=last_epoch)


class ExponentialLR(ScheduleLR):
    """Multiply each group's LR by ``gamma`` every step; a drop-in for
    ``torch.optim.lr_scheduler.ExponentialLR`` (built on :class:`~lightning_lr.schedules.ExponentialDecay`).

    Args:
        optimizer: the wrapped optimizer.
        gamma: the factor per step, > 0.
        last_epoch: the step already taken, -1 for a fresh start.

    Differences from torch: closed form ``base_lr * gamma ** step`` (an outside change to ``group["lr"]``
    is overwritten at the next step); ``gamma`` must be > 0.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = ExponentialLR(opt, gamma=0.5)
        >>> sched.step(3)  # jump straight to step 3: exact, no recursion
        >>> opt.param_groups[0]["lr"]
        0.125
    """

    def __init__(
        self,
        optimizer: Optimizer,
        gamma: float,
        last_epoch: int = -1,
    ) -> None:
        check_optimizer(optimizer)
        shape = ExponentialDecay(1.0, gamma=item("gamma", gamma))
        assert shape.gamma is not None
        self.gamma = shape.gamma
        super().__init__(optimizer, lr=shape, relative=True, last_epoch=last_epoch)


class LinearLR(ScheduleLR):
    """Scale each group's LR by a factor that moves linearly from ``start_factor`` to ``end_factor`` over
    ``total_iters`` steps; a drop-in for ``torch.optim.lr_scheduler.LinearLR`` (built on
    :class:`~lightning_lr.schedules.Linear`).

    Args:
        optimizer: the wrapped optimizer.
        start_factor: the factor at step 0, in (0, 1] (as torch).
        end_factor: the factor from step ``total_iters`` on, in [0, 1] (as torch).
        total_iters: steps to go from one factor to the other.
        last_epoch: the step already taken, -1 for a fresh start.

    Differences from torch: closed form (an outside change to ``group["lr"]`` is overwritten at the next
    step); ``total_iters`` must be a positive whole number (torch's ``total_iters=0`` divides by zero in
    its closed form).

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

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        check_optimizer(optimizer)
        # torch's own bounds on the factors (the schedule takes any values >= 0)
        in_range("start_factor", start_factor, 0.0, 1.0, lo_open=True, hi_open=False)
        in_range("end_factor", end_factor, 0.0, 1.0, lo_open=False, hi_open=False)
        with torch_names({"start": "start_factor", "end": "end_factor", "total": "total_iters"}):
            shape = Linear(start_factor, end_factor, whole(total_iters))
        self.start_factor, self.end_factor, self.total_iters = shape.start, shape.end, shape.total
        super().__init__(optimizer, lr=shape, relative=True, last_epoch=last_epoch)


class PolynomialLR(ScheduleLR):
    """Polynomial decay of each group's LR to 0 over ``total_iters`` steps; a drop-in for
    ``torch.optim.lr_scheduler.PolynomialLR`` (built on :class:`~lightning_lr.schedules.PolynomialDecay`).

    Args:
        optimizer: the wrapped optimizer.
        total_iters: steps to reach 0; the LR stays 0 afterwards.
        power: the power of the polynomial, > 0.
        last_epoch: the step already taken, -1 for a fresh start.

    Differences from torch: closed form (an outside change to ``group["lr"]`` is overwritten at the next
    step); ``total_iters`` must be a positive whole number and ``power`` > 0.

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

    def __init__(
        self,
        optimizer: Optimizer,
        total_iters: int = 5,
        power: float = 1.0,
        last_epoch: int = -1,
    ) -> None:
        check_optimizer(optimizer)
        with torch_names({"total": "total_iters"}):
            shape = PolynomialDecay(1.0, total=whole(total_iters), power=power, final=0.0)
        self.total_iters, self.power = shape.total, shape.power
        super().__init__(optimizer, lr=shape, relative=True, last_epoch=last_epoch)


class LambdaLR(ScheduleLR):
    """Each group's LR is its initial LR times ``lr_lambda(step)``; a drop-in for
    ``torch.optim.lr_scheduler.LambdaLR`` (built on :class:`~lightning_lr.schedules.Lambda`).

    Args:
        optimizer: the wrapped optimizer.
        lr_lambda: a function of the step, or a list with one per param group.
        last_epoch: the step already taken, -1 for a fresh start.

    The function is called once per step (per distinct function), only for steps actually taken.

    Differences from torch: ``lr_lambda`` must be callable (TypeError at construction, not at the first
    step) and return a finite number >= 0 (a negative LR is an error). ``state_dict()`` holds the step,
    not the ``__dict__`` of callable objects (torch saves it): the function must be a pure function of
    the step.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        >>> def warmup(step):
        ...     return min(1.0, (step + 1) / 4)
        >>> sched = LambdaLR(opt, lr_lambda=warmup)
        >>> lrs = []
        >>> for _ in range(5):
        ...     lrs.append(round(opt.param_groups[0]["lr"], 6))
        ...     opt.step()
        ...     sched.step()
        >>> lrs
        [0.025, 0.05, 0.075, 0.1, 0.1]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        groups = check_optimizer(optimizer)
        lambdas = []
        for name, f in per_group("lr_lambda", lr_lambda, len(groups), what="function"):
            with torch_names({"fn": name}):
                lambdas.append(Lambda(f))
        self.lr_lambdas = [s.fn for s in lambdas]
        super().__init__(optimizer, lr=lambdas, relative=True, last_epoch=last_epoch)


class MultiplicativeLR(ScheduleLR):
    """Each group's LR is multiplied by ``lr_lambda(step)`` at every step: ``initial_lr * prod(lr_lambda(i)
    for i in 1..step)``; a drop-in for ``torch.optim.lr_scheduler.MultiplicativeLR`` (built on
    :class:`~lightning_lr.schedules.Multiplicative`).

    Args:
        optimizer: the wrapped optimizer.
        lr_lambda: a function of the step giving the factor, or a list with one per param group.
        last_epoch: the step already taken, -1 for a fresh start.

    The running product is kept, so stepping costs one call per step; a jump (``step(epoch)`` backwards,
    or a resume) recomputes the product from step 0 once.

    Differences from torch: the product starts from the group's initial LR, so an outside change to
    ``group["lr"]`` is overwritten at the next step; factors must be finite and >= 0; ``state_dict()``
    holds the step, not the ``__dict__`` of callable objects: the function must be a pure function of the
    step.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> def halve(step):
        ...     return 0.5
        >>> sched = MultiplicativeLR(opt, lr_lambda=halve)
        >>> for _ in range(3):
        ...     opt.step()
        ...     sched.step()
        >>> opt.param_groups[0]["lr"]
        0.125
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        groups = check_optimizer(optimizer)
        products = []
        for name, f in per_group("lr_lambda", lr_lambda, len(groups), what="function"):
            with torch_names({"factor": name}):
                products.append(Multiplicative(1.0, f))
        self.lr_lambdas = [s.factor for s in products]
        super().__init__(optimizer, lr=products, relative=True, last_epoch=last_epoch)
