"""What torch's ``OneCycleLR`` and ``CyclicLR`` (and lightning_lr's drop-ins of them) write over in an optimizer's
param groups when they are built, and the values a scheduler that takes their place starts from instead.

Their constructors set each group's LR to the cycle's start (``OneCycleLR``: ``max_lr / div_factor``;
``CyclicLR``: ``base_lr``) and record that as the group's ``initial_lr``, set the momentum (or beta1) to the
cycle's ``max_momentum`` where they cycle it, and keep the cycle's settings in the group (``max_lr``, ``min_lr``,
``max_momentum``, ``base_momentum``). Every other torch scheduler records the LR the group was configured with as
its ``initial_lr``. The LR configured is lost then, so a scheduler that replaces one of these (a schedule
callback's) starts from what is left of the user's choice (review 133: ``CosineDecay`` over a replaced
``OneCycleLR(max_lr=0.1)`` on ``SGD(lr=0.1, momentum=0.9)`` ran from 0.004 at momentum 0.95):

- the LR: the cycle's peak, each group's (``OneCycleLR``'s ``max_lr``, which torch keeps in the group;
  ``CyclicLR``'s ``max_lrs``): the LR the user asked that run to train at, per group (a list keeps the groups'
  ratios). The optimizer's own ``lr`` is not taken: that run never trained at it, and ``optimizer.defaults``
  holds one number for every group, where the groups may have had their own;
- the momentum of a group the scheduler cycled: the optimizer's (``optimizer.defaults``' ``momentum``, or
  ``betas[0]``), the value given to its constructor, the one that survives (a group given its own momentum
  had it overwritten too, and gets the optimizer's);
- ``initial_lr`` goes, so that the scheduler built next records the LR put back (torch's schedulers, a relative
  schedule and :func:`~.param_groups.base_lr` read it as the LR configured). The cycle's settings stay: nothing
  reads them while the cycle does not run (the range test reads a 1cycle's ``max_lr`` in the running groups only
  where no schedule callback takes its answer), and torch's ``OneCycleLR`` needs them where a checkpoint of the
  replacing schedule is resumed with the callback removed (``KeyError: 'max_lr'`` without them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import CyclicLR as TorchCyclicLR
from torch.optim.lr_scheduler import OneCycleLR as TorchOneCycleLR

from . import param_groups as pg
from ._restored import number
from .dropins import CyclicLR, OneCycleLR

__all__ = ["GivenBack", "flat", "given_back", "put_back", "view"]


@dataclass(frozen=True)
class GivenBack:
    """The values a scheduler that replaces a cycle scheduler (:func:`given_back`) starts each param group from.

    Attributes:
        source: the replaced cycle scheduler (the last one built, where several wrote over the groups).
        scheduler: its class name.
        lrs: each group's LR to start from (the cycle's peak), None where the cycle left the group alone.
        momentums: each group's momentum (or beta1) to put back, as the optimizer holds it, None where it was not
            cycled.
        was_lrs: each group's LR as the cycle left it (its start).
        was_momentums: each group's momentum as the cycle left it, None where it has none.
    """

    source: Any = field(repr=False, compare=False)
    scheduler: str
    lrs: tuple[float | None, ...]
    momentums: tuple[Any, ...]
    was_lrs: tuple[float, ...]
    was_momentums: tuple[float | None, ...]

    def describe(self, owner: str) -> str:
        """What ``owner`` (the replacing callback) starts from, in a sentence of the replace warning."""
        lrs = [x for x in self.lrs if x is not None]
        was = [x for x, y in zip(self.was_lrs, self.lrs, strict=True) if y is not None]
        moms = [m for m in self.momentums if m is not None]
        was_m = [m for m, y in zip(self.was_momentums, self.momentums, strict=True) if y is not None]
        before = f"LR {_values(was)}" + (f", momentum {_values(was_m)}" if moms else "")
        after = f"{self.scheduler}'s max_lr ({_values(lrs)})" + (
            f" and the optimizer's momentum ({_values(moms)})" if moms else ""
        )
        what = "LR and momentum" if moms else "LR"
        return (
            f" {self.scheduler} wrote its cycle's start over the param groups' {what} when it was built (they held "
            f"{before}): {owner} starts from the {what} configured, which it takes to be {after}, put back in the "
            f"groups."
        )


def _values(values: Sequence[Any]) -> str:
    """``0.1`` for equal values, ``0.1 in param group 0, 0.02 in param group 1`` otherwise."""
    numbers = [number(v) for v in values if v is not None]
    if len(set(numbers)) <= 1:
        return f"{numbers[0]:.4g}" if numbers else "none"
    return ", ".join(f"{v:.4g} in param group {i}" for i, v in enumerate(numbers))


def flat(schedulers: Iterable[Any]) -> list[Any]:
    """The schedulers and those inside them (SequentialLR, ChainedScheduler), in their order."""
    out = []
    for s in schedulers:
        out.append(s)
        out.extend(flat(getattr(s, "_schedulers", None) or ()))
    return out


def _default_momentum(optimizer: Optimizer, key: str) -> Any:
    """The momentum (or beta1) given to the optimizer's constructor, as given (None without one)."""
    defaults = optimizer.defaults
    if key == "betas":
        betas = defaults.get("betas")
        return betas[0] if isinstance(betas, (tuple, list)) and betas else None
    return defaults.get("momentum")


def given_back(schedulers: Iterable[Any], optimizer: Optimizer) -> GivenBack | None:
    """What a scheduler that replaces ``schedulers`` on ``optimizer`` starts its param groups from, where one of
    them (or one inside them) is a cycle scheduler that wrote over the groups when it was built (torch's
    ``OneCycleLR`` or ``CyclicLR``, or a drop-in of them; where several, the values of the last one built, which
    the groups hold); None where none is."""
    cycles = [
        s
        for s in flat(schedulers)
        if isinstance(s, (TorchOneCycleLR, TorchCyclicLR, OneCycleLR, CyclicLR))
        and getattr(s, "optimizer", None) is optimizer
    ]
    if not cycles:
        return None
    groups = optimizer.param_groups
    n = len(groups)
    lrs: list[float | None] = [None] * n
    momentums: list[Any] = [None] * n
    for s in cycles:
        built = min(n, len(getattr(s, "base_lrs", ()) or ()))  # the groups it was built on
        if isinstance(s, (TorchOneCycleLR, OneCycleLR)):
            tops = [groups[i].get("max_lr") for i in range(built)]
        else:
            tops = list(getattr(s, "max_lrs", ()) or ())[:built]
        own = getattr(s, "momentum_schedules", None)  # a drop-in leaves a group at momentum 0 alone
        for i, top in enumerate(tops):
            if top is None:
                continue
            lrs[i] = number(top)
            key = pg.momentum_key(groups[i])
            if (
                getattr(s, "cycle_momentum", False)
                and key is not None
                and (own is None or own[i] is not None)
            ):
                momentums[i] = _default_momentum(
                    optimizer, "betas" if getattr(s, "use_beta1", False) else key
                )
    return GivenBack(
        source=cycles[-1],
        scheduler=type(cycles[-1]).__name__,
        lrs=tuple(lrs),
        momentums=tuple(momentums),
        was_lrs=tuple(pg.lr(g) for g in groups),
        was_momentums=tuple(pg.momentum(g) for g in groups),
    )


def put_back(group: dict[str, Any], given: GivenBack, i: int) -> None:
    """Give param group ``i`` (``group``) the values of ``given``: its LR (a tensor filled in place, as the cycle
    filled it) without the cycle's ``initial_lr``, and its momentum (the optimizer's own object, as the group held
    it before)."""
    lr, momentum = given.lrs[i], given.momentums[i]
    if lr is not None:
        pg.set_lr(group, lr)
        group.pop("initial_lr", None)
    if momentum is not None:
        if pg.momentum_key(group) == "betas":
            group["betas"] = (momentum, *tuple(group["betas"])[1:])
        elif "momentum" in group:
            group["momentum"] = momentum


def view(groups: Sequence[dict[str, Any]], given: GivenBack | None) -> list[dict[str, Any]]:
    """The param groups as :func:`put_back` leaves them, in copies (``groups`` unchanged): what a scheduler that
    replaces the cycle scheduler reads as configured, before it replaces it."""
    out = [dict(g) for g in groups]
    if given is None:
        return out
    for i, g in enumerate(out[: len(given.lrs)]):
        if isinstance(g.get("lr"), torch.Tensor):
            g["lr"] = g["lr"].detach().clone()  # (put_back fills a tensor in place: not the optimizer's)
        put_back(g, given, i)
    return out
