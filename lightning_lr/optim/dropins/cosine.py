"""The cosine drop-ins, CosineAnnealingLR and CosineAnnealingWarmRestarts: ``eta_min`` is an absolute LR, so
one schedule per param group."""

from __future__ import annotations

import math
import numbers
from typing import Any

import torch
from torch.optim import Optimizer

from ..._validate import known_as, non_negative
from ...schedules import Constant, CosineDecay, CosineRestarts, Schedule
from ...schedules._math import SCALAR
from .._untraced import EAGER, frame_callback, step_eagerly, untraced
from ..schedule_lr import ScheduleLR, ScheduleSpec, check_optimizer, check_resume
from . import _peers as peers
from ._args import base_lrs, item, one_element, torch_names, torch_refuses, whole
from ._base import AbsoluteDropIn, DropIn, check_epoch_below_max

__all__ = ["CosineAnnealingLR", "CosineAnnealingWarmRestarts"]


def _initial(group: int) -> str:
    """How a message names the LR a group starts from (the schedule's ``initial``)."""
    return f"the initial LR of param group {group}"


def _same_in_dtype(b: float, x: float, lr: Any) -> bool:
    """Whether ``x`` is ``b`` in the precision of the group's tensor LR ``lr`` (a float LR: never, but equal)."""
    return (
        isinstance(lr, torch.Tensor)
        and lr.is_floating_point()
        and torch.tensor(x, dtype=lr.dtype).item() == b
    )


class CosineAnnealingLR(DropIn):
    """Cosine annealing from each group's initial LR to ``eta_min`` over ``T_max`` steps; a drop-in for
    ``torch.optim.lr_scheduler.CosineAnnealingLR`` (built on
    :class:`~lightning_lr.schedules.CosineDecay` with ``periodic=True``).

    As in torch, the LR keeps following the cosine after ``T_max`` (back up to the initial LR at
    ``2 * T_max``); use :class:`~lightning_lr.schedules.CosineDecay` with :class:`ScheduleLR` to hold at
    ``eta_min`` instead.

    Args:
        optimizer: the wrapped optimizer.
        T_max: steps of the half period.
        eta_min: the LR at ``T_max``, >= 0: the lowest, or, above a group's initial LR, the highest (torch's
            upside-down cosine, kept).
        last_epoch: the step already taken, -1 for a fresh start.

    Alone, the LR is the closed form torch documents (torch computes a recursive approximation of it; the
    two agree to ~1e-12 relative over 10,000 steps). Stacked with other schedulers it moves their LR as
    torch's recursion does: scaled about ``eta_min`` by the cosine's own change, and by a step of the
    cosine at the bottom.

    Differences from torch: ``T_max`` must be a positive whole number (``T_max=0`` divides by zero in
    torch) and ``eta_min`` >= 0; stacked with a scheduler that took the LR below ``eta_min``, the LR
    stops at 0 where torch's goes negative.

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

    settings_keys = ("T_max", "eta_min")
    built_from_base_lrs = True
    # torch's recursion reads base_lrs at the bottom of the cosine, where it climbs back towards them (review 132:
    # an assignment was ignored, and a resume, whose state holds it, followed it)
    watched_keys = ("T_max", "eta_min", "base_lrs")

    @known_as(peers.COSINE)
    def __init__(
        self,
        optimizer: Optimizer,
        T_max: int,  # noqa: N803 (torch's name)
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        groups = check_optimizer(optimizer, type(self).__name__)
        check_resume(groups, last_epoch)
        self.T_max, self.eta_min = T_max, eta_min
        self.base_lrs = base_lrs(groups, last_epoch)  # type: ignore[assignment]
        lrs, _ = self._build()
        super().__init__(optimizer, lr=lrs, last_epoch=last_epoch)

    def _build(self) -> tuple[ScheduleSpec, ScheduleSpec]:
        lrs = []
        for i, b in enumerate(self._base_floats()):
            with torch_names({"total": "T_max", "final": "eta_min", "initial": _initial(i)}):
                lrs.append(
                    CosineDecay(
                        b, total=whole(self.T_max), final=item("eta_min", self.eta_min), periodic=True
                    )
                )
        self.T_max, self.eta_min = lrs[0].total, lrs[0].final
        return lrs, None

    @property
    def _pivot(self) -> float:
        return float(self.eta_min)  # torch's recursion is affine about eta_min

    def _combine(self, cur: float, p: float, v: float, i: int, t: int) -> float:
        # A flat cosine (the group's initial LR is eta_min) has no change of its own to scale by; torch's
        # recursion scales the excess over eta_min by its cosine's ratio at every step but the bottom's (and
        # leaves the LR alone at construction, step 0)
        c, n = self._pivot, self.T_max
        if p == c and t > 0 and (t - 1 - n) % (2 * n) != 0:
            new = (1 + math.cos(math.pi * t / n)) / (1 + math.cos(math.pi * (t - 1) / n)) * (cur - c) + c
            return 0.0 if new < 0.0 else new
        return super()._combine(cur, p, v, i, t)

    _scales_at_zero = True

    def _at_zero(self, i: int, cur: float) -> float:
        # torch's recursion at step 0: its bottom's rule when T_max is 1, else the cosine's ratio at 0 and -1
        c, n = self._pivot, self.T_max
        if n == 1:
            return cur + (float(self.base_lrs[i]) - c)
        return c + (cur - c) * 2 / (1 + math.cos(math.pi / n))


class CosineAnnealingWarmRestarts(AbsoluteDropIn):
    """Cosine annealing with warm restarts (SGDR); a drop-in for
    ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts`` (built on
    :class:`~lightning_lr.schedules.CosineRestarts`).

    Args:
        optimizer: the wrapped optimizer.
        T_0: steps until the first restart.
        T_mult: factor by which the period grows after each restart (an integer >= 1).
        eta_min: the lowest LR, >= 0 and at most every group's initial LR (a tensor LR's in its precision:
            ``eta_min=1e-4`` with a float32 LR of ``1e-4``, which is ``9.9999997e-05``, holds the group there).
        last_epoch: the step already taken, -1 for a fresh start.

    As torch's: ``T_cur`` (steps since the last restart) and ``T_i`` (the current period) are attributes
    that ``step()`` advances and that may be set; ``step(epoch)`` takes fractional epochs
    (``step(epoch + i / iters)``); the LR is ``eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur /
    T_i)) / 2``, written outright; ``step`` neither warns nor counts. While ``T_cur`` is the whole number
    of steps since the last restart, the values are the schedule's closed form; a restart's step is found
    exactly in integers (torch's ``step(epoch)`` takes a floating-point logarithm).

    Differences from torch: ``eta_min`` above a group's initial LR (an upside-down cosine in torch) is a
    ValueError; ``last_epoch=k`` at construction starts at the exact position of step ``k + 1`` (torch
    starts ``T_cur`` at ``k + 1``).

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
        >>> sched.step(1.5)  # a fractional epoch, as torch
        >>> round(opt.param_groups[0]["lr"], 3), sched.T_cur, sched.last_epoch
        (0.146, 1.5, 1)
    """

    __slots__ = ("_grid", "_shape")
    settings_keys = ("T_0", "T_mult", "eta_min")
    built_from_base_lrs = True
    # T_cur and T_i are the position, taken as they are; torch reads base_lrs at every step
    watched_keys = ("T_0", "T_mult", "eta_min", "base_lrs")

    @known_as(peers.RESTARTS)
    def __init__(
        self,
        optimizer: Optimizer,
        T_0: int,  # noqa: N803 (torch's name)
        T_mult: int = 1,  # noqa: N803 (torch's name)
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        groups = check_optimizer(optimizer, type(self).__name__)
        check_resume(groups, last_epoch)
        self.T_0, self.T_mult, self.eta_min = T_0, T_mult, eta_min
        self.base_lrs = base_lrs(groups, last_epoch)  # type: ignore[assignment]
        self.optimizer = optimizer  # (the groups' LR dtypes, for _build; torch's constructor sets it too)
        lrs, _ = self._build()
        # torch's position; resuming with last_epoch=k starts from k's exact place in the cycles
        self.T_cur: float = last_epoch
        self.T_i: int = self.T_0
        if last_epoch >= 0:
            self.T_cur, self.T_i = self._shape._cycle(last_epoch)[1:]
        #: (last_epoch, T_cur, T_i) while they are the closed form's position (the values come from it)
        self._grid: tuple[int, float, int] | None = None
        super().__init__(optimizer, lr=lrs, last_epoch=last_epoch)

    def _build(self) -> tuple[ScheduleSpec, ScheduleSpec]:
        names = {"period": "T_0", "period_mult": "T_mult", "final": "eta_min", "value": "eta_min"}
        refused = torch_refuses(  # by torch's own checks (its class is ValueError)
            ("T_0", self.T_0, lambda v: v <= 0 or not isinstance(v, int)),
            ("T_mult", self.T_mult, lambda v: v < 1 or not isinstance(v, int)),
            ("eta_min", self.eta_min, lambda v: not isinstance(v, (float, int))),
        )
        with torch_names(names, refused):
            self._shape = CosineRestarts(1.0, self.T_0, self.T_mult)
            floor = Constant(item("eta_min", self.eta_min))  # the LR every group anneals to, >= 0
        lrs: list[Schedule | None] = []
        groups = self.optimizer.param_groups
        for i, b in enumerate(self._base_floats()):
            if b < floor.value and i < len(groups) and _same_in_dtype(b, floor.value, groups[i]["lr"]):
                # eta_min is the group's LR in its tensor's precision (1e-4 and a float32 LR of 1e-4, which is
                # 9.9999997e-05): the group is at eta_min, as torch runs it (review 106: it was refused)
                b = floor.value
            if b == 0.0 < floor.value:
                # (the schedule's own check would ask for an LR > 0, which a frozen group cannot have)
                raise ValueError(
                    f"eta_min must be <= the initial LR of param group {i} (0.0: a frozen group), got "
                    f"{floor.value}; torch's would raise that group's LR towards eta_min in every cycle. Give "
                    f"eta_min=0, or add the group to the optimizer when it is unfrozen"
                )
            with torch_names({**names, "initial": _initial(i)}, refused):
                # A group already at eta_min (e.g. a frozen group, lr=0) stays there.
                lrs.append(
                    floor if b == floor.value else CosineRestarts(b, self.T_0, self.T_mult, final=floor.value)
                )
        self.T_0, self.T_mult, self.eta_min = self._shape.period, self._shape.period_mult, floor.value
        return lrs, None

    def _settings(self) -> dict[str, Any]:
        return {
            "T_0": self.T_0,
            "T_i": self.T_i,
            "T_mult": self.T_mult,
            "eta_min": self.eta_min,
            "T_cur": self.T_cur,
        }

    def _check_state(self, state_dict: dict[str, Any]) -> None:
        super()._check_state(state_dict)
        _check_position(
            state_dict.get("T_cur", self.T_cur), state_dict.get("T_i", self.T_i), "the state_dict's "
        )

    def _load_position(self, state_dict: dict[str, Any]) -> None:
        self.T_cur = state_dict.get("T_cur", self.T_cur)
        self.T_i = state_dict.get("T_i", self.T_i)
        self._grid = None

    @untraced
    def step(self, epoch: float | None = None) -> None:
        """Advance one step, or go to ``epoch`` (fractional epochs allowed, as torch's); no warning.

        Args:
            epoch: where to go: ``T_cur`` and ``T_i`` become the position of ``epoch`` in the cycles
                and ``last_epoch`` its whole part (an integer exactly); a number >= 0 below ``2**62``, as
                every drop-in's ``step(epoch)`` (the steps are counted in 64-bit integers).
        """
        if frame_callback() not in EAGER:  # run by torch.compile: stepped as in eager code (``_untraced``)
            step_eagerly(self, epoch)
            return
        given = None if epoch is None else one_element(epoch, bools=False)  # torch takes a one-element tensor
        if given is not None:  # checked before anything changes
            # past 2**62 the steps overflow 64-bit integers (review 125: a bare OverflowError from 2**63 on);
            # refused as every drop-in's step(epoch) refuses it
            check_epoch_below_max(given)
            non_negative("epoch", given)
        self._sync_groups()
        if self._follow_settings():
            self._grid = None
        if given is None and self.last_epoch < 0:
            given = 0
        if given is None:
            # (the position, assigned by hand: nan was written to the optimizer, T_i = -3 taken: r160)
            _check_position(self.T_cur, self.T_i)
            t, cur, period = self.last_epoch + 1, self.T_cur + 1, self.T_i
            if cur >= period:
                cur, period = cur % period, period * self.T_mult
            on_grid = self._grid == (self.last_epoch, self.T_cur, self.T_i)
        elif isinstance(given, numbers.Integral):
            # an integer as itself (review 125: through a float, step(2**62 - 1) set last_epoch to 2**62)
            t = int(given)
            cur, period = self._shape._cycle(t)[1:]
            on_grid = True
        else:
            e = float(given)
            t = math.floor(e)
            cur, period = self._shape._cycle(t)[1:]
            if e != t:
                cur = cur + (e - t)
            on_grid = e == t
        self.last_epoch, self.T_cur, self.T_i = t, cur, period
        self._write_position(on_grid)  # (no user function: nothing here refuses a value)

    def _update_lr(self, epoch: int | None = None) -> None:
        # torch's SequentialLR at a milestone: last_epoch = epoch, the LR of the current T_cur and T_i
        self._sync_groups()
        if self._follow_settings():
            self._grid = None
        if epoch is None:
            self.step()
            return
        self.last_epoch = epoch
        self._write_position(False)

    def _write_position(self, on_grid: bool) -> None:
        t, cur, period = self.last_epoch, self.T_cur, self.T_i
        if not on_grid and type(cur) is int and self._shape._cycle(t)[1:] == (cur, period):
            on_grid = True
        if on_grid:
            ScheduleLR._apply(self, t)
            self._grid, self._at, self._wrote = (t, cur, period), t, None
            self._stepped_groups = len(self.optimizer.param_groups)
            return
        values = []
        groups = self.optimizer.param_groups
        # the factor is 1 but for a param group added later (its ratio to the group it follows)
        for g, s, factor in zip(groups, self.lr_schedules, self._factors(), strict=True):
            if isinstance(s, CosineRestarts):
                values.append(float(s._anneal(0, cur, period, SCALAR)) * factor)
            elif s is not None:  # a group at eta_min
                values.append(float(s(0)) * factor)
            else:  # an added group left alone
                values.append(float(g["lr"]))
        self._write(values)
        self._grid, self._at, self._wrote = None, t, values
        self._stepped_groups = len(groups)

    def _record(self, t: int) -> None:
        # a jump (set_schedule, load): the closed form's position at t
        self.T_cur, self.T_i = self._shape._cycle(t)[1:]
        self._grid, self._at, self._wrote = (t, self.T_cur, self.T_i), t, None
        self._stepped_groups = len(self.optimizer.param_groups)

    def get_lr(self) -> list[float | torch.Tensor]:
        """The LRs at the current position; warns as torch's when called outside ``step()``."""
        out = super().get_lr()
        if self._grid is None and self._wrote is not None:
            return list(self._wrote)
        return out


def _check_position(cur: Any, period: Any, whose: str = "") -> None:
    """Refuse a position torch's cosine cannot take, before anything changes: ``T_i`` (the current period) a
    positive integer, ``T_cur`` (the steps since the last restart, fractional after ``step(epoch + i / n)``) a
    finite number from -1 (before the first step); torch's own state may hold one past ``T_i`` (its constructor
    given ``last_epoch`` past a period). torch's step writes nan for ``T_cur = nan`` and runs on with
    ``T_i = -3``."""
    if isinstance(period, bool) or not isinstance(period, numbers.Integral) or period < 1:
        raise ValueError(f"{whose}T_i must be a positive integer (the current period), got {period!r}")
    if (
        isinstance(cur, bool)
        or not isinstance(cur, numbers.Real)
        or not math.isfinite(float(cur))
        or cur < -1
    ):
        raise ValueError(
            f"{whose}T_cur must be a finite number >= -1 (the steps since the last restart), got {cur!r}"
        )
