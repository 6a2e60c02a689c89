"""Drop-in replacements for ``torch.optim.lr_scheduler`` classes.

Each class has torch's constructor signature and defaults and gives torch's values, but is only a thin
layer: it validates torch's arguments (errors name torch's argument), builds pure schedules from
:mod:`lightning_lr.schedules` and hands them to :class:`~lightning_lr.optim.ScheduleLR`, which applies
them in closed form from the step count. There is no recursive formula and no second stepping mechanism,
so resuming, jumping with ``step(epoch)`` and running far past the end are exact and cheap.

Schedulers whose torch formula is ``base_lr * factor(step)`` (StepLR, MultiStepLR, ExponentialLR,
LinearLR, PolynomialLR, LambdaLR, MultiplicativeLR) use one shape schedule for every group in
``relative`` mode; the others (CyclicLR, OneCycleLR, CosineAnnealingLR, CosineAnnealingWarmRestarts) build
one absolute schedule per param group.

Where torch raises or misbehaves, a drop-in differs on purpose; each class's docstring says where. Common
to all of them:

- The LR is always ``schedule(last_epoch)``, so a change made to ``group["lr"]`` from outside is
  overwritten at the next step (torch's recursive schedulers carry it along).
- Creating a scheduler with ``last_epoch=k`` applies the value at step ``k + 1``, as torch's closed-form
  schedulers (OneCycleLR, CyclicLR) do. torch's recursive ones keep the optimizer's current LR for that
  first step and stay one step behind ``last_epoch`` from then on (CosineAnnealingLR also drifts off its
  curve). Resuming with ``load_state_dict`` is exact in both.
- ``state_dict()`` holds the step and readable reprs of the schedules, never functions. A torch
  scheduler's state_dict loads into the matching drop-in (only its step is used), so a run can switch from
  torch's scheduler to ours through a checkpoint.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

import torch
from torch.optim import Optimizer

from ..schedules import (
    Constant,
    CosineDecay,
    CosineRestarts,
    Cyclic,
    ExponentialDecay,
    Lambda,
    Linear,
    Multiplicative,
    MultiStepDecay,
    OneCycle,
    PolynomialDecay,
    Schedule,
    StepDecay,
)
from ..schedules._base import (
    SCALAR,
    function,
    in_range,
    non_negative,
    non_negative_int,
    one_of,
    positive,
    positive_int,
)
from .schedule_lr import ScheduleLR, check_last_epoch, check_optimizer, momentum_key

__all__ = [
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "StepLR",
]

# ---------------------------------------------------------------------------------------------
# Argument handling shared by the drop-ins (torch's argument names in every message)
# ---------------------------------------------------------------------------------------------


def _item(name: str, value: Any) -> Any:
    """A one-element tensor as a Python number (torch accepts tensors for LRs and momentums)."""
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            raise ValueError(
                f"{name} must be a number or a one-element tensor, got a tensor of shape {tuple(value.shape)}"
            )
        return value.item()
    return value


def _per_group(name: str, value: Any, n: int) -> list[tuple[str, Any]]:
    """torch's per-group argument: one value for all groups, or a list/tuple with one per group.
    Returns ``(name to use in messages, value)`` per group."""
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(
                f"{name} has {len(value)} values but the optimizer has {n} param groups; give one value per "
                f"group or a single value for all"
            )
        return [(f"{name}[{i}]", _item(f"{name}[{i}]", v)) for i, v in enumerate(value)]
    return [(name, _item(name, value))] * n


def _steps(name: str, value: Any) -> int:
    """A positive whole number of steps. An integral float (``100.0``) is accepted, as torch does."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return positive_int(name, value)


def _functions(name: str, value: Any, n: int) -> list[Callable[[int], float]]:
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(
                f"{name} has {len(value)} functions but the optimizer has {n} param groups; give one per "
                f"group or a single function for all"
            )
        return [function(f"{name}[{i}]", f) for i, f in enumerate(value)]
    return [function(name, value)] * n


def _base_lrs(groups: list[dict[str, Any]], last_epoch: int) -> list[float]:
    """The LR each group starts from, as torch's ``base_lrs``: ``initial_lr`` if the group has one (a
    resumed run, or an earlier scheduler), else its current ``lr``."""
    out = []
    for i, g in enumerate(groups):
        if "initial_lr" in g:
            out.append(float(g["initial_lr"]))
        elif last_epoch == -1:
            out.append(float(g["lr"]))
        else:
            raise KeyError(
                f"param group {i} has no 'initial_lr', which resuming with last_epoch={last_epoch} needs: load "
                f"the optimizer's state_dict first, or create the scheduler with last_epoch=-1 and load the "
                f"scheduler's state_dict"
            )
    return out


def _set(group: dict[str, Any], key: str, value: float) -> None:
    cur = group[key]
    if isinstance(cur, torch.Tensor):
        cur.fill_(value)
    else:
        group[key] = value


def _cycled_momentum(
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
    lacking = [i for i, g in enumerate(groups) if momentum_key(g) is None]
    if lacking:
        raise ValueError(
            f"{owner}(cycle_momentum=True) cycles momentum, but {opt_name} has neither 'momentum' nor 'betas' "
            f"(param groups {lacking}); pass cycle_momentum=False to use {owner} with {opt_name}"
        )
    n = len(groups)
    bases, tops = [], []
    for (bname, b), (tname, t) in zip(
        _per_group("base_momentum", base_momentum, n),
        _per_group("max_momentum", max_momentum, n),
        strict=True,
    ):
        b = in_range(bname, b, 0.0, 1.0, lo_open=False, hi_open=True)
        t = in_range(tname, t, 0.0, 1.0, lo_open=False, hi_open=True)
        if b > t:
            raise ValueError(f"{bname} must be <= {tname} ({t:g}), got {b!r}")
        bases.append(b)
        tops.append(t)
    off = [i for i, g in enumerate(groups) if momentum_key(g) == "momentum" and float(g["momentum"]) == 0.0]
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
    for i, (g, s) in enumerate(zip(groups, lr_schedules, strict=True)):
        if i in off:
            out.append(None)
            continue
        out.append(s.momentum(bases[i], tops[i]))
        if last_epoch == -1:  # torch keeps these in the group too
            g["max_momentum"], g["base_momentum"] = tops[i], bases[i]
    return out, bases, tops


# ---------------------------------------------------------------------------------------------
# Cyclical and 1cycle
# ---------------------------------------------------------------------------------------------


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
        base_lrs: list[float] = []
        max_lrs: list[float] = []
        for (bname, b), (mname, m) in zip(
            _per_group("base_lr", base_lr, n), _per_group("max_lr", max_lr, n), strict=True
        ):
            b, m = positive(bname, b), positive(mname, m)
            if b > m:
                raise ValueError(f"{bname} must be <= {mname} ({m:g}), got {b!r}")
            base_lrs.append(b)
            max_lrs.append(m)
        up = _steps("step_size_up", step_size_up)
        down = up if step_size_down is None else _steps("step_size_down", step_size_down)
        shape: dict[str, Any]
        if scale_fn is None:
            mode = one_of("mode", mode, ("triangular", "triangular2", "exp_range"))
            if mode == "exp_range":
                gamma = in_range("gamma", gamma, 0.0, 1.0, lo_open=True, hi_open=False)
            shape = {"mode": mode, "gamma": gamma if mode == "exp_range" else 1.0}
        else:
            scale_mode = one_of("scale_mode", scale_mode, ("cycle", "iterations"))
            shape = {"scale_fn": function("scale_fn", scale_fn), "scale_mode": scale_mode}
        lrs = [Cyclic(b, m, up, down, **shape) for b, m in zip(base_lrs, max_lrs, strict=True)]

        # torch's public attributes
        self.max_lrs = max_lrs
        self.total_size = float(up + down)
        self.step_ratio = up / self.total_size
        self.mode = mode
        self.gamma = gamma
        self.scale_mode = lrs[0].scale_mode
        self.cycle_momentum = bool(cycle_momentum)
        self.use_beta1 = "betas" in optimizer.defaults
        self._shape = lrs[0]
        momentum = None
        if self.cycle_momentum:
            momentum, self.base_momentums, self.max_momentums = _cycled_momentum(
                "CyclicLR", optimizer, lrs, base_momentum, max_momentum, last_epoch
            )
        if last_epoch == -1:  # as torch: the group starts at base_lr, which becomes its initial_lr
            for g, b in zip(groups, base_lrs, strict=True):
                _set(g, "lr", b)
        super().__init__(optimizer, lr=lrs, momentum=momentum, last_epoch=last_epoch)
        self.base_lrs = list(base_lrs)

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
        if total_steps is not None:
            total = positive_int("total_steps", total_steps)
        elif epochs is not None and steps_per_epoch is not None:
            total = positive_int("epochs", epochs) * positive_int("steps_per_epoch", steps_per_epoch)
        else:
            raise ValueError(
                f"give total_steps, or both epochs and steps_per_epoch; got total_steps=None, epochs={epochs!r}, "
                f"steps_per_epoch={steps_per_epoch!r}"
            )
        pct = in_range("pct_start", pct_start, 0.0, 1.0, lo_open=True, hi_open=True)
        anneal = one_of("anneal_strategy", anneal_strategy, ("cos", "linear"))
        div = positive("div_factor", div_factor)
        final_div = positive("final_div_factor", final_div_factor)
        if three_phase and pct >= 0.5:
            raise ValueError(
                f"pct_start must be < 0.5 with three_phase=True (the warm-up and the way back down each take "
                f"pct_start of the cycle), got {pct_start!r}"
            )
        lrs = [
            OneCycle(positive(name, m), total, pct, anneal, div, final_div, bool(three_phase))
            for name, m in _per_group("max_lr", max_lr, len(groups))
        ]

        # torch's public attributes
        self.total_steps = total
        self.cycle_momentum = bool(cycle_momentum)
        self.use_beta1 = "betas" in optimizer.defaults
        momentum = None
        if self.cycle_momentum:
            momentum, _, _ = _cycled_momentum(
                "OneCycleLR", optimizer, lrs, base_momentum, max_momentum, last_epoch
            )
        if last_epoch == -1:  # torch keeps these in the group; initial_lr becomes base_lrs
            for g, s in zip(groups, lrs, strict=True):
                g["initial_lr"], g["max_lr"], g["min_lr"] = s.initial_lr, s.max_lr, s.min_lr
        super().__init__(optimizer, lr=lrs, momentum=momentum, last_epoch=last_epoch)


# ---------------------------------------------------------------------------------------------
# Decays: base_lr * factor(step), one shape for all groups in relative mode
# ---------------------------------------------------------------------------------------------


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
        self.step_size = _steps("step_size", step_size)
        self.gamma = positive("gamma", _item("gamma", gamma))
        shape = StepDecay(1.0, every=self.step_size, drop=self.gamma)
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
            raise TypeError(f"milestones must be an iterable of non-negative integers, got {milestones!r}")
        ms = sorted(non_negative_int(f"milestones[{i}]", m) for i, m in enumerate(milestones))
        self.milestones = Counter(ms)
        self.gamma = positive("gamma", _item("gamma", gamma))
        shape = MultiStepDecay(1.0, ms, self.gamma)
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
        self.gamma = positive("gamma", _item("gamma", gamma))
        super().__init__(
            optimizer, lr=ExponentialDecay(1.0, gamma=self.gamma), relative=True, last_epoch=last_epoch
        )


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
        self.start_factor = in_range("start_factor", start_factor, 0.0, 1.0, lo_open=True, hi_open=False)
        self.end_factor = in_range("end_factor", end_factor, 0.0, 1.0, lo_open=False, hi_open=False)
        self.total_iters = _steps("total_iters", total_iters)
        shape = Linear(self.start_factor, self.end_factor, self.total_iters)
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
        self.total_iters = _steps("total_iters", total_iters)
        self.power = positive("power", power)
        shape = PolynomialDecay(1.0, total=self.total_iters, power=self.power, final=0.0)
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
        self.lr_lambdas = _functions("lr_lambda", lr_lambda, len(groups))
        shapes: list[Schedule | None] = [Lambda(f) for f in self.lr_lambdas]
        super().__init__(optimizer, lr=shapes, relative=True, last_epoch=last_epoch)


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
        self.lr_lambdas = _functions("lr_lambda", lr_lambda, len(groups))
        shapes: list[Schedule | None] = [Multiplicative(1.0, f) for f in self.lr_lambdas]
        super().__init__(optimizer, lr=shapes, relative=True, last_epoch=last_epoch)


# ---------------------------------------------------------------------------------------------
# Cosine: eta_min is absolute, so one schedule per group
# ---------------------------------------------------------------------------------------------


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
        self.T_max = _steps("T_max", T_max)
        self.eta_min = non_negative("eta_min", _item("eta_min", eta_min))
        lrs: list[Schedule | None] = [
            CosineDecay(b, total=self.T_max, final=self.eta_min, periodic=True)
            for b in _base_lrs(groups, last_epoch)
        ]
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
        self.T_0 = positive_int("T_0", T_0)
        self.T_mult = positive_int("T_mult", T_mult)
        self.eta_min = non_negative("eta_min", _item("eta_min", eta_min))
        lrs: list[Schedule | None] = []
        for i, b in enumerate(_base_lrs(groups, last_epoch)):
            if b < self.eta_min:
                raise ValueError(
                    f"eta_min must be <= the initial LR of every param group, got eta_min={eta_min!r} but param "
                    f"group {i} starts at lr={b:g}"
                )
            # A group already at eta_min (e.g. a frozen group, lr=0) stays there.
            lrs.append(
                Constant(b)
                if b == self.eta_min
                else CosineRestarts(b, self.T_0, self.T_mult, final=self.eta_min)
            )
        self._shape = CosineRestarts(1.0, self.T_0, self.T_mult)
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
