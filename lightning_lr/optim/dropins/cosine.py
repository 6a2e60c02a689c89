"""The cosine drop-ins, CosineAnnealingLR and CosineAnnealingWarmRestarts: ``eta_min`` is an absolute LR, so
one schedule per param group."""

from __future__ import annotations

from torch.optim import Optimizer

from ...schedules import Constant, CosineDecay, CosineRestarts, Schedule
from ..schedule_lr import ScheduleLR, check_last_epoch, check_optimizer
from ._args import base_lrs, item, torch_names, whole

__all__ = ["CosineAnnealingLR", "CosineAnnealingWarmRestarts"]


def _initial(group: int) -> str:
    """How a message names the LR a group starts from (the schedule's ``initial``)."""
    return f"the initial LR of param group {group}"


class CosineAnnealingLR(ScheduleLR):
    """Cosine annealing from each group's initial LR to ``eta_min`` over ``T_max`` steps; a drop-in for
    ``torch.optim.lr_scheduler.CosineAnnealingLR`` (built on
    :class:`~lightning_lr.schedules.CosineDecay` with ``periodic=True``).

    As in torch, the LR keeps following the cosine after ``T_max`` (back up to the initial LR at
    ``2 * T_max``); use :class:`~lightning_lr.schedules.CosineDecay` with :class:`ScheduleLR` to hold at
    ``eta_min`` instead.

    Args:
        optimizer: the wrapped optimizer.
        T_max: steps of the half period.
        eta_min: the lowest LR, >= 0.
        last_epoch: the step already taken, -1 for a fresh start.

    Differences from torch: the closed form torch documents, where torch computes a recursive
    approximation of it (the two agree to ~1e-12 relative over 10,000 steps; an outside change to
    ``group["lr"]`` is overwritten at the next step). ``T_max`` must be a positive whole number
    (``T_max=0`` divides by zero in torch) and ``eta_min`` >= 0.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = CosineAnnealingLR(opt, T_max=4)
        >>> lrs = []
        >>> for _ in range(9):
        ...     lrs.append(round(opt.param_groups[0]["lr"], 3))
        ...     opt.step()
        ...     sched.step()
        >>> lrs
        [1.0, 0.854, 0.5, 0.146, 0.0, 0.146, 0.5, 0.854, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        T_max: int,  # noqa: N803 (torch's name)
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        groups = check_optimizer(optimizer)
        check_last_epoch(last_epoch)
        lrs = []
        for i, b in enumerate(base_lrs(groups, last_epoch)):
            with torch_names({"total": "T_max", "final": "eta_min", "initial": _initial(i)}):
                lrs.append(CosineDecay(b, total=whole(T_max), final=item("eta_min", eta_min), periodic=True))
        self.T_max, self.eta_min = lrs[0].total, lrs[0].final
        super().__init__(optimizer, lr=lrs, last_epoch=last_epoch)


class CosineAnnealingWarmRestarts(ScheduleLR):
    """Cosine annealing with warm restarts (SGDR); a drop-in for
    ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts`` (built on
    :class:`~lightning_lr.schedules.CosineRestarts`).

    Args:
        optimizer: the wrapped optimizer.
        T_0: steps until the first restart.
        T_mult: factor by which the period grows after each restart (an integer >= 1).
        eta_min: the lowest LR, >= 0 and at most every group's initial LR.
        last_epoch: the step already taken, -1 for a fresh start.

    ``T_cur`` (steps since the last restart) and ``T_i`` (the current period) are read-only properties
    computed from the step.

    Differences from torch: ``step(epoch)`` takes a whole number of steps; torch's fractional epochs
    (``step(epoch + i / iters)``) raise a TypeError saying to give ``T_0`` in optimizer steps and call
    ``step()`` after every optimizer step. ``eta_min`` above a group's initial LR (an upside-down cosine in
    torch) is a ValueError.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> sched = CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)
        >>> lrs = []
        >>> for _ in range(7):
        ...     lrs.append(round(opt.param_groups[0]["lr"], 3))
        ...     opt.step()
        ...     sched.step()
        >>> lrs, (sched.T_cur, sched.T_i)
        ([1.0, 0.5, 1.0, 0.854, 0.5, 0.146, 1.0], (1, 8))
    """

    def __init__(
        self,
        optimizer: Optimizer,
        T_0: int,  # noqa: N803 (torch's name)
        T_mult: int = 1,  # noqa: N803 (torch's name)
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        groups = check_optimizer(optimizer)
        check_last_epoch(last_epoch)
        names = {"period": "T_0", "period_mult": "T_mult", "final": "eta_min", "value": "eta_min"}
        with torch_names(names):
            self._shape = CosineRestarts(1.0, T_0, T_mult)
            floor = Constant(item("eta_min", eta_min))  # the LR every group anneals to, >= 0
        lrs: list[Schedule | None] = []
        for i, b in enumerate(base_lrs(groups, last_epoch)):
            with torch_names({**names, "initial": _initial(i)}):
                # A group already at eta_min (e.g. a frozen group, lr=0) stays there.
                lrs.append(floor if b == floor.value else CosineRestarts(b, T_0, T_mult, final=floor.value))
        self.T_0, self.T_mult, self.eta_min = self._shape.period, self._shape.period_mult, floor.value
        super().__init__(optimizer, lr=lrs, last_epoch=last_epoch)

    @property
    def T_cur(self) -> int:  # noqa: N802 (torch's name)
        """Steps since the last restart."""
        return int(self._shape._cycle(max(self.last_epoch, 0))[1])

    @property
    def T_i(self) -> int:  # noqa: N802 (torch's name)
        """Length of the current period."""
        return int(self._shape._cycle(max(self.last_epoch, 0))[2])

    def step(self, epoch: int | None = None) -> None:
        """Advance one optimizer step, or jump to step ``epoch`` (a whole number of steps).

        Args:
            epoch: if given, the step to jump to.
        """
        if isinstance(epoch, float):
            if not epoch.is_integer():
                raise TypeError(
                    f"CosineAnnealingWarmRestarts.step(epoch) takes a whole number of steps, got {epoch!r}. "
                    f"Fractional epochs (torch's step(epoch + i / iters)) are not supported: give T_0 in "
                    f"optimizer steps (T_0 = epochs per restart * batches per epoch) and call step() after "
                    f"every optimizer step."
                )
            epoch = int(epoch)
        super().step(epoch)
