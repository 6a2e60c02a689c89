"""ScheduleLR: the one torch scheduler that applies pure schedules to an optimizer's param groups."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from ..schedules import Schedule
from ..schedules._base import ARRAY, SCALAR, check_step

__all__ = ["ScheduleLR", "momentum_key"]

ScheduleSpec = Schedule | Sequence[Schedule | None] | None


def momentum_key(group: dict[str, Any]) -> str | None:
    """Where a param group keeps its momentum: ``"momentum"`` (SGD, RMSprop), ``"betas"`` (beta1 of
    Adam, AdamW, NAdam, ...) or None."""
    if "momentum" in group:
        return "momentum"
    if "betas" in group:
        return "betas"
    return None


def _per_group(name: str, spec: ScheduleSpec, n_groups: int) -> list[Schedule | None]:
    if spec is None:
        return [None] * n_groups
    if isinstance(spec, Schedule):
        return [spec] * n_groups
    if isinstance(spec, (str, bytes)) or not isinstance(spec, Sequence):
        raise TypeError(f"{name} must be a Schedule or a list of one Schedule per param group, got {spec!r}")
    if len(spec) != n_groups:
        raise ValueError(
            f"{name} has {len(spec)} schedules but the optimizer has {n_groups} param groups; give one per "
            f"group or a single Schedule for all"
        )
    for i, s in enumerate(spec):
        if s is not None and not isinstance(s, Schedule):
            raise TypeError(f"{name}[{i}] must be a Schedule (or None to leave the group alone), got {s!r}")
    return list(spec)


BLOCK = 1024


class _Plan:
    """Which distinct schedule drives each group, and a cache of their values.

    Every distinct schedule is evaluated once per step, not once per group. Vectorizable schedules are
    evaluated a block of ``BLOCK`` steps at a time with numpy (``Schedule._eval`` on an array), so a step
    costs a list lookup. Blocks are aligned to multiples of ``BLOCK``: the value at step ``t`` is computed
    in the same position of the same block whatever step a run starts or resumes at, so a resumed run
    applies bitwise the same values as an uninterrupted one.
    """

    def __init__(self, schedules: list[Schedule | None]) -> None:
        self.unique: list[Schedule] = []
        self.index: list[int] = []
        for s in schedules:
            if s is None:
                self.index.append(-1)
                continue
            for j, u in enumerate(self.unique):
                if u is s or u == s:
                    self.index.append(j)
                    break
            else:
                self.unique.append(s)
                self.index.append(len(self.unique) - 1)
        self.start = -1
        self.rows: list[Any] = []

    def values(self, t: int) -> list[float]:
        """The value of every distinct schedule at step ``t``."""
        k = t - self.start
        if self.start < 0 or not 0 <= k < BLOCK:
            self.fill(t)
            k = t - self.start
        return [row[k] for row in self.rows]

    def fill(self, t: int) -> None:
        """Compute the aligned block that holds step ``t``."""
        self.start = (t // BLOCK) * BLOCK
        steps = np.arange(self.start, self.start + BLOCK, dtype=np.int64)
        rows: list[Any] = []
        for s in self.unique:
            if s.vectorized:
                out = np.broadcast_to(np.asarray(s._eval(steps, ARRAY), dtype=np.float64), (BLOCK,))
                rows.append(out.tolist())
            else:
                rows.append(_Lazy(s, self.start))
        self.rows = rows


class _Lazy:
    """Row stand-in for schedules that are not vectorized (user functions): evaluated per step only."""

    def __init__(self, schedule: Schedule, start: int) -> None:
        self.schedule, self.start = schedule, start

    def __getitem__(self, k: int) -> float:
        return float(self.schedule._eval(self.start + k, SCALAR))


class ScheduleLR(LRScheduler):
    """Apply pure schedules to an optimizer, in closed form from the step count.

    Args:
        optimizer: the torch optimizer.
        lr: one :class:`~lightning_lr.schedules.Schedule` for every param group, or a list with one per
            group (``None`` leaves that group's LR alone).
        momentum: optional momentum schedule(s), same forms. Written to ``momentum`` (SGD, RMSprop) or to
            ``betas[0]`` (Adam, AdamW, NAdam, ...).
        relative: if True, a group's LR is ``schedule(step) * group["initial_lr"]`` (the LR the group had
            when the scheduler was created): the schedule is a shape and every group keeps its ratio.
        last_epoch: the step already taken, -1 for a fresh start (as in torch).

    The only state is the step: ``state_dict()`` holds ``last_epoch``, ``_step_count`` and the schedules'
    reprs (for inspection), and ``load_state_dict`` restores the step and re-applies the values. Tensor
    LRs, momentums and betas stay the same tensor objects, updated in place. Stepping past the end of a
    schedule never raises.

    Example:
        >>> import torch
        >>> from lightning_lr.schedules import OneCycle
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
        >>> lr = OneCycle(1.0, total_steps=10)
        >>> sched = ScheduleLR(opt, lr=lr, momentum=lr.momentum())
        >>> opt.param_groups[0]["lr"] == lr(0), opt.param_groups[0]["momentum"]
        (True, 0.95)
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr: ScheduleSpec,
        momentum: ScheduleSpec = None,
        relative: bool = False,
        last_epoch: int = -1,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
        if not isinstance(last_epoch, int) or isinstance(last_epoch, bool) or last_epoch < -1:
            raise ValueError(f"last_epoch must be an integer >= -1, got {last_epoch!r}")
        self.optimizer = optimizer
        self.relative = bool(relative)
        self._configure(lr, momentum)
        super().__init__(optimizer, last_epoch)

    # --- configuration ------------------------------------------------------------------------
    def _configure(self, lr: ScheduleSpec, momentum: ScheduleSpec) -> None:
        groups = self.optimizer.param_groups
        if lr is None:
            raise TypeError("lr must be a Schedule or a list of one Schedule per param group, got None")
        self.lr_schedules = _per_group("lr", lr, len(groups))
        self.momentum_schedules = _per_group("momentum", momentum, len(groups))
        keys: list[str | None] = []
        for i, (group, m) in enumerate(zip(groups, self.momentum_schedules, strict=True)):
            key = momentum_key(group)
            if m is not None and key is None:
                raise ValueError(
                    f"a momentum schedule was given, but param group {i} of {type(self.optimizer).__name__} has "
                    f"neither 'momentum' nor 'betas'; pass momentum=None for this optimizer"
                )
            keys.append(key if m is not None else None)
        self._momentum_keys = keys
        # One plan for LR and momentum schedules, so a step makes one cache lookup for both.
        n = len(groups)
        self._plan = _Plan([*self.lr_schedules, *self.momentum_schedules])
        self._lr_index = self._plan.index[:n]
        self._momentum_index = self._plan.index[n:]
        self._has_momentum = any(m is not None for m in self.momentum_schedules)
        self._factor_cache: list[float] | None = None

    def set_schedule(self, lr: ScheduleSpec, momentum: ScheduleSpec = None) -> None:
        """Replace the schedules and apply them at the current step (used to apply a range test's result
        to a scheduler that already exists). The step count is kept."""
        self._configure(lr, momentum)
        self._apply(max(self.last_epoch, 0))

    # --- stepping -----------------------------------------------------------------------------
    def _factors(self) -> list[float]:
        if self._factor_cache is None:
            groups = self.optimizer.param_groups
            self._factor_cache = (
                [float(g["initial_lr"]) for g in groups] if self.relative else [1.0] * len(groups)
            )
        return self._factor_cache

    def _apply(self, t: int) -> None:
        # The hot path: cached values, then plain assignments. No helper calls and no zip(strict=True)
        # (3x slower than plain zip here); the lists are checked against the groups in _configure.
        plan = self._plan
        k = t - plan.start
        if plan.start < 0 or not 0 <= k < BLOCK:
            plan.fill(t)
            k = t - plan.start
        rows = plan.rows
        groups = self.optimizer.param_groups
        factors = self._factor_cache or self._factors()
        for group, j, f in zip(groups, self._lr_index, factors):  # noqa: B905
            if j >= 0:
                cur = group["lr"]
                if type(cur) is float or not isinstance(cur, torch.Tensor):
                    group["lr"] = rows[j][k] * f
                else:
                    cur.fill_(rows[j][k] * f)
        if not self._has_momentum:
            return
        for group, j, key in zip(groups, self._momentum_index, self._momentum_keys):  # noqa: B905
            if j < 0 or key is None:
                continue
            v = rows[j][k]
            if key == "momentum":
                cur = group["momentum"]
                if type(cur) is float or not isinstance(cur, torch.Tensor):
                    group["momentum"] = v
                else:
                    cur.fill_(v)
            else:
                betas = group["betas"]
                if isinstance(betas[0], torch.Tensor):
                    betas[0].fill_(v)
                else:
                    group["betas"] = (v, *betas[1:])

    def step(self, epoch: int | None = None) -> None:
        """Advance one optimizer step, or jump to step ``epoch`` (exact, since the value is a pure
        function of the step)."""
        self._step_count += 1
        if epoch is None:
            self.last_epoch += 1
        else:
            self.last_epoch = check_step(epoch)
        self._apply(self.last_epoch)

    def get_lr(self) -> list[float | torch.Tensor]:
        """The LRs for the current step (``get_last_lr`` is the usual way to read them)."""
        vals = self._plan.values(max(self.last_epoch, 0))
        factors = self._factors()
        groups = self.optimizer.param_groups
        return [
            g["lr"] if j < 0 else vals[j] * f for g, j, f in zip(groups, self._lr_index, factors, strict=True)
        ]

    def get_last_lr(self) -> list[float | torch.Tensor]:
        """The LR of every param group after the last step (tensors are copies, as in torch)."""
        return [
            g["lr"].clone() if isinstance(g["lr"], torch.Tensor) else g["lr"]
            for g in self.optimizer.param_groups
        ]

    def get_last_momentum(self) -> list[float | None]:
        """The momentum (or beta1) of every param group, None where the group has neither."""
        out: list[float | None] = []
        for g in self.optimizer.param_groups:
            key = momentum_key(g)
            v = None if key is None else (g["momentum"] if key == "momentum" else g["betas"][0])
            out.append(None if v is None else float(v))
        return out

    # --- state --------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The step, plus the schedules' reprs so a checkpoint says what produced its LRs."""
        return {
            "last_epoch": self.last_epoch,
            "_step_count": self._step_count,
            "relative": self.relative,
            "base_lrs": [float(b) for b in self.base_lrs],
            "lr_schedules": [repr(s) for s in self.lr_schedules],
            "momentum_schedules": [None if s is None else repr(s) for s in self.momentum_schedules],
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the step and apply the schedules' values at it. The schedules themselves come from
        the constructor, so a resumed run can re-resolve them (e.g. for a longer run)."""
        missing = {"last_epoch", "_step_count"} - set(state_dict)
        if missing:
            raise KeyError(f"state_dict is missing {sorted(missing)}; keys present: {sorted(state_dict)}")
        if bool(state_dict.get("relative", self.relative)) != self.relative:
            warnings.warn(
                f"the checkpoint was written with relative={state_dict['relative']}, this scheduler has "
                f"relative={self.relative}; continuing with relative={self.relative}",
                stacklevel=2,
            )
        self.last_epoch = int(state_dict["last_epoch"])
        self._step_count = int(state_dict["_step_count"])
        self._apply(max(self.last_epoch, 0))
