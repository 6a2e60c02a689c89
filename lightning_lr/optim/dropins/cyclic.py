"""The cyclical drop-ins, CyclicLR and OneCycleLR: one schedule per param group, with its inverse momentum."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any, Literal

from torch.optim import Optimizer

from ..._validate import fail, positive_int
from ...schedules import Cyclic, OneCycle, Schedule
from ...schedules._math import SCALAR
from .. import param_groups as pg
from ..schedule_lr import ScheduleLR, check_last_epoch, check_optimizer
from ._args import per_group, torch_names, whole

__all__ = ["CyclicLR", "OneCycleLR"]


def cycled_momentum(
    owner: str,
    optimizer: Optimizer,
    lr_schedules: Sequence[Cyclic | OneCycle],
    base_momentum: Any,
    max_momentum: Any,
    last_epoch: int,
) -> tuple[list[Schedule | None], list[float], list[float]]:
    """The inverse momentum schedule of every group for ``cycle_momentum=True``, with the per-group base
    and max momentums.

    A group whose ``momentum`` is 0 (SGD or RMSprop without momentum) is left alone, with one warning:
    torch would silently switch momentum on for it.
    """
    groups = optimizer.param_groups
    opt_name = type(optimizer).__name__
    lacking = [i for i, g in enumerate(groups) if pg.momentum_key(g) is None]
    if lacking:
        raise ValueError(
            f"{owner}(cycle_momentum=True) cycles momentum, but {opt_name} has neither 'momentum' nor 'betas' "
            f"(param groups {lacking}); pass cycle_momentum=False to use {owner} with {opt_name}"
        )
    n = len(groups)
    momenta = []
    for s, (bname, b), (tname, t) in zip(
        lr_schedules,
        per_group("base_momentum", base_momentum, n),
        per_group("max_momentum", max_momentum, n),
        strict=True,
    ):
        with torch_names({"base_momentum": bname, "max_momentum": tname}):
            momenta.append(s.momentum(b, t))
    off = [i for i, g in enumerate(groups) if pg.momentum_key(g) == "momentum" and pg.momentum(g) == 0.0]
    if off:
        warnings.warn(
            f"{owner}: cycle_momentum=True, but param group(s) {off} of {opt_name} have momentum=0. torch "
            f"would silently switch momentum on for them; lightning_lr leaves it at 0. Pass "
            f"cycle_momentum=False to silence this warning, or give {opt_name} a momentum (for example "
            f"momentum=0.9) to have it cycled.",
            UserWarning,
            stacklevel=3,
        )
    out: list[Schedule | None] = []
    for i, (g, m) in enumerate(zip(groups, momenta, strict=True)):
        if i in off:
            out.append(None)
            continue
        out.append(m)
        if last_epoch == -1:  # torch keeps these in the group too
            g["max_momentum"], g["base_momentum"] = m.max_momentum, m.base_momentum
    return out, [m.base_momentum for m in momenta], [m.max_momentum for m in momenta]


class CyclicLR(ScheduleLR):
    """Cyclical learning rate (Smith 2017), a drop-in for ``torch.optim.lr_scheduler.CyclicLR``.

    Same signature, defaults and values as torch (built on :class:`~lightning_lr.schedules.Cyclic`, one
    per param group, and its inverse momentum cycle).

    Args:
        optimizer: the wrapped optimizer.
        base_lr: lower LR of the cycle, one number or one per param group.
        max_lr: upper LR of the cycle, one number or one per param group.
        step_size_up: steps in the rising half of a cycle.
        step_size_down: steps in the falling half (default: ``step_size_up``).
        mode: ``"triangular"``, ``"triangular2"`` (amplitude halves every cycle) or ``"exp_range"``
            (amplitude times ``gamma ** step``). Ignored when ``scale_fn`` is given, as in torch.
        gamma: the ``exp_range`` constant, in (0, 1]. Ignored by the other modes, as in torch.
        scale_fn: custom amplitude scale ``scale_fn(x)`` in [0, 1]; replaces ``mode``.
        scale_mode: what ``scale_fn`` receives: ``"cycle"`` (the cycle number, from 1) or ``"iterations"``
            (the step).
        cycle_momentum: cycle momentum (or Adam's beta1) inversely to the LR.
        base_momentum: momentum at the LR peak, one number or one per group.
        max_momentum: momentum at ``base_lr``, one number or one per group.
        last_epoch: the step already taken, -1 for a fresh start.

    Differences from torch, on purpose:
        - ``cycle_momentum=True`` on a group with ``momentum=0`` (``SGD(momentum=0)``, RMSprop's default):
          torch silently switches momentum on; we leave that group's momentum at 0 and warn once, saying
          to pass ``cycle_momentum=False`` or give the optimizer a momentum.
        - ``cycle_momentum=True`` on an optimizer with neither ``momentum`` nor ``betas`` (Adagrad, ...):
          a ValueError that names the optimizer and says to pass ``cycle_momentum=False``.
        - Arguments are validated: ``base_lr`` must be > 0 and <= ``max_lr``; ``exp_range`` needs
          ``gamma`` in (0, 1]; momentums must lie in [0, 1) with ``base_momentum <= max_momentum``;
          ``scale_mode`` must be ``"cycle"`` or ``"iterations"``; step sizes are whole steps.
        - ``state_dict()`` holds the step (and readable reprs), never the functions.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
        >>> sched = CyclicLR(opt, base_lr=0.1, max_lr=1.0, step_size_up=2)
        >>> lrs = []
        >>> for _ in range(5):
        ...     lrs.append(round(opt.param_groups[0]["lr"], 3))
        ...     opt.step()
        ...     sched.step()
        >>> lrs
        [0.1, 0.55, 1.0, 0.55, 0.1]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        base_lr: float | list[float],
        max_lr: float | list[float],
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: Literal["triangular", "triangular2", "exp_range"] = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: Literal["cycle", "iterations"] = "cycle",
        cycle_momentum: bool = True,
        base_momentum: float = 0.8,
        max_momentum: float = 0.9,
        last_epoch: int = -1,
    ) -> None:
        groups = check_optimizer(optimizer)
        check_last_epoch(last_epoch)
        n = len(groups)
        # As torch: a scale_fn replaces mode (and its scale_mode), and only exp_range uses gamma.
        shape: dict[str, Any] = (
            {"mode": mode, "gamma": gamma if mode == "exp_range" else 1.0}
            if scale_fn is None
            else {"scale_fn": scale_fn, "scale_mode": scale_mode}
        )
        up = whole(step_size_up)
        down = None if step_size_down is None else whole(step_size_down)
        lrs = []
        for (bname, b), (mname, m) in zip(
            per_group("base_lr", base_lr, n), per_group("max_lr", max_lr, n), strict=True
        ):
            with torch_names({"base_lr": bname, "max_lr": mname}):
                lrs.append(Cyclic(b, m, up, down, **shape))

        # torch's public attributes
        first = lrs[0]
        self.max_lrs = [s.max_lr for s in lrs]
        self.total_size = float(first.cycle_length)
        self.step_ratio = first.step_size_up / self.total_size
        self.mode = mode
        self.gamma = gamma
        self.scale_mode = first.scale_mode
        self.cycle_momentum = bool(cycle_momentum)
        self.use_beta1 = "betas" in optimizer.defaults
        self._shape = first
        momentum = None
        if self.cycle_momentum:
            momentum, self.base_momentums, self.max_momentums = cycled_momentum(
                "CyclicLR", optimizer, lrs, base_momentum, max_momentum, last_epoch
            )
        if last_epoch == -1:  # as torch: the group starts at base_lr, which becomes its initial_lr
            for g, s in zip(groups, lrs, strict=True):
                pg.set_lr(g, s.base_lr)
        super().__init__(optimizer, lr=lrs, momentum=momentum, last_epoch=last_epoch)
        self.base_lrs = [s.base_lr for s in lrs]

    def scale_fn(self, x: float) -> float:
        """The amplitude scale at ``x`` (the cycle number or the step, per :attr:`scale_mode`), as torch's
        ``CyclicLR.scale_fn``."""
        return float(self._shape._scale(x, SCALAR))


class OneCycleLR(ScheduleLR):
    """The 1cycle policy (Smith 2018), a drop-in for ``torch.optim.lr_scheduler.OneCycleLR``.

    Same signature, defaults and values as torch for steps ``0 .. total_steps - 1`` (built on
    :class:`~lightning_lr.schedules.OneCycle`, one per param group, and its inverse momentum schedule).

    Args:
        optimizer: the wrapped optimizer.
        max_lr: peak LR, one number or one per param group.
        total_steps: steps in the cycle; or give ``epochs`` and ``steps_per_epoch``.
        epochs: with ``steps_per_epoch``, ``total_steps = epochs * steps_per_epoch``.
        steps_per_epoch: see ``epochs``.
        pct_start: fraction of the cycle spent increasing the LR, in (0, 1).
        anneal_strategy: ``"cos"`` or ``"linear"``.
        cycle_momentum: cycle momentum (or Adam's beta1) inversely to the LR.
        base_momentum: momentum at the LR peak, one number or one per group.
        max_momentum: momentum at the start and the end, one number or one per group.
        div_factor: the cycle starts at ``max_lr / div_factor``.
        final_div_factor: the cycle ends at ``max_lr / div_factor / final_div_factor``.
        three_phase: come back down to the start LR before the final annihilation phase.
        last_epoch: the step already taken, -1 for a fresh start.

    Differences from torch, on purpose:
        - Stepping past ``total_steps`` holds the final LR and momentum (torch raises
          ``ValueError: Tried to step ...``), so a run that takes a few more steps than planned (an extra
          batch, a resumed run) does not crash.
        - At ``t == total_steps`` torch extrapolates past the end of the last phase: with linear annealing
          the LR goes below the final LR, negative for the default factors. We hold the final value: the
          LR never goes below ``max_lr / div_factor / final_div_factor``.
        - ``pct_start * total_steps == 1`` makes the warm-up phase zero steps long; torch divides by zero
          (``ZeroDivisionError``) at construction, we treat the phase as done (the LR starts at
          ``max_lr``).
        - ``cycle_momentum=True`` on a group with ``momentum=0``: torch silently switches momentum on; we
          leave it at 0 and warn once. On an optimizer with neither ``momentum`` nor ``betas``: a
          ValueError naming the optimizer and saying to pass ``cycle_momentum=False``.
        - Arguments are validated: ``pct_start`` in (0, 1) (< 0.5 with ``three_phase``), positive LRs and
          factors, momentums in [0, 1) with ``base_momentum <= max_momentum``.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
        >>> sched = OneCycleLR(opt, max_lr=1.0, total_steps=10)
        >>> g = opt.param_groups[0]
        >>> round(g["lr"], 12), g["momentum"]
        (0.04, 0.95)
        >>> for _ in range(20):  # 10 steps past the end: the final values hold
        ...     opt.step()
        ...     sched.step()
        >>> g["lr"], g["momentum"]
        (4e-06, 0.95)
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: Literal["cos", "linear"] = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        groups = check_optimizer(optimizer)
        check_last_epoch(last_epoch)
        total: Any = total_steps
        if total_steps is None:  # torch's other way to give the length
            if epochs is None or steps_per_epoch is None:
                fail(
                    "total_steps",
                    f"a positive integer, or None with both epochs and steps_per_epoch given (epochs={epochs!r}, "
                    f"steps_per_epoch={steps_per_epoch!r})",
                    total_steps,
                )
            total = positive_int("epochs", epochs) * positive_int("steps_per_epoch", steps_per_epoch)
        lrs = []
        for name, m in per_group("max_lr", max_lr, len(groups)):
            with torch_names({"max_lr": name, "anneal": "anneal_strategy"}):
                lrs.append(
                    OneCycle(
                        m, total, pct_start, anneal_strategy, div_factor, final_div_factor, bool(three_phase)
                    )
                )

        # torch's public attributes
        self.total_steps = lrs[0].total_steps
        self.cycle_momentum = bool(cycle_momentum)
        self.use_beta1 = "betas" in optimizer.defaults
        momentum = None
        if self.cycle_momentum:
            momentum, _, _ = cycled_momentum(
                "OneCycleLR", optimizer, lrs, base_momentum, max_momentum, last_epoch
            )
        if last_epoch == -1:  # torch keeps these in the group; initial_lr becomes base_lrs
            for g, s in zip(groups, lrs, strict=True):
                g["initial_lr"], g["max_lr"], g["min_lr"] = s.initial_lr, s.max_lr, s.min_lr
        super().__init__(optimizer, lr=lrs, momentum=momentum, last_epoch=last_epoch)
