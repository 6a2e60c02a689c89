"""Reading and writing a param group's lr, momentum (``momentum`` or ``betas[0]``) and weight_decay.

Optimizers keep these as Python floats or as tensors (``torch.optim.Adam(lr=torch.tensor(0.01))``,
capturable and compiled optimizers). Writes of an LR keep a tensor the same object, filled in place, so a
compiled graph or a CUDA graph that captured it sees the new value, as torch's schedulers do; a float is
replaced. Momentum is ``group["momentum"]`` (SGD, RMSprop) or ``group["betas"][0]`` (Adam, AdamW, NAdam, ...).
A tensor momentum is the user's and may be shared (every group without its own holds the optimizer's default,
and two optimizers may be built from one ``betas`` tuple), where torch's schedulers put a new value in the
group: its first write puts a tensor of the project's own in the group (same dtype and device), which later
writes fill in place (review 132: a fill of the shared one gave every group, and an unscheduled optimizer,
the last value written).

Every layer above reads and writes param groups through these functions only. (The per-step hot path
of :class:`~lightning_lr.optim.ScheduleLR` inlines :func:`assign` for speed.)

Example:
    >>> import torch
    >>> from lightning_lr.optim import param_groups as pg
    >>> opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=0.01)
    >>> group = opt.param_groups[0]
    >>> pg.set_momentum(group, 0.8)
    >>> pg.momentum(group), group["betas"]
    (0.8, (0.8, 0.999))
    >>> pg.set_lr(group, 0.5)
    >>> pg.lr(group)
    0.5
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

import torch

__all__ = [
    "assign",
    "base_lr",
    "frozen_reference",
    "largest",
    "largest_weight_decay",
    "lr",
    "lr_ratios",
    "momentum",
    "momentum_key",
    "raw_momentum",
    "reference",
    "set_lr",
    "set_momentum",
    "set_weight_decay",
    "trainable",
    "unusable_lr",
    "weight_decay",
    "write_momentum",
    "zero_momentum",
    "zero_momentum_name",
]

Group = dict[str, Any]


def momentum_key(group: Group) -> str | None:
    """Where a param group keeps its momentum: ``"momentum"`` (SGD, RMSprop), ``"betas"`` (beta1 of
    Adam, AdamW, NAdam, ...) or None.

    Example:
        >>> import torch
        >>> params = [torch.nn.Parameter(torch.zeros(1))]
        >>> momentum_key(torch.optim.SGD(params, lr=0.1).param_groups[0])
        'momentum'
        >>> momentum_key(torch.optim.AdamW(params).param_groups[0])
        'betas'
        >>> momentum_key(torch.optim.Adagrad(params).param_groups[0]) is None
        True
    """
    if "momentum" in group:
        return "momentum"
    if "betas" in group:
        return "betas"
    return None


def assign(group: Group, key: str, value: float) -> None:
    """``group[key] = value``, filling a tensor in place instead of replacing it."""
    current = group[key]
    if type(current) is not float and isinstance(current, torch.Tensor):
        current.fill_(value)
    else:
        group[key] = value


def require_lr(optimizer: Any, owner: str = "") -> None:
    """A KeyError (as torch's own, a bare ``KeyError: 'lr'`` from deep inside) naming the optimizer and its
    groups without an ``'lr'``, where the LR is read and set; ``owner`` starts the message."""
    missing = [str(i) for i, g in enumerate(optimizer.param_groups) if "lr" not in g]
    if missing:
        raise KeyError(
            f"{owner + ': ' if owner else ''}{type(optimizer).__name__} has no 'lr' in param "
            f"group{'s' if len(missing) > 1 else ''} {', '.join(missing)}, where the LR is read and set: every "
            f"torch optimizer has one; a custom optimizer puts lr in the defaults it passes to "
            f"torch.optim.Optimizer"
        )


def lr(group: Group) -> float:
    """The group's current LR as a float."""
    return float(group["lr"])


def base_lr(group: Group) -> float:
    """The LR the group was configured with: ``initial_lr`` if a scheduler recorded it, else ``lr``."""
    return float(group["initial_lr"] if "initial_lr" in group else group["lr"])


def trainable(group: Group) -> bool:
    """Whether the group holds a parameter that requires grad (one the optimizer trains); a group whose every
    parameter has ``requires_grad=False`` (frozen while still in the optimizer) does not.

    Example:
        >>> import torch
        >>> w = torch.nn.Parameter(torch.zeros(1), requires_grad=False)
        >>> trainable({"params": [w]}), trainable({"params": [w, torch.nn.Parameter(torch.zeros(1))]})
        (False, True)
    """
    return any(getattr(p, "requires_grad", False) for p in group.get("params", ()))


def frozen_reference(groups: list[Group], ref: int | None) -> str:
    """What to say when the reference group ``ref`` (:func:`reference`: the largest LR) holds no parameter that
    requires grad while another group with an LR above 0 does: one number for the optimizer's LR (a range
    test's sweep and answer, a schedule's ``max_lr``) is then the frozen group's, and the groups that train
    get theirs at their ratio to it (review 114: a frozen backbone's LR was swept to 10, the head's to 1, and
    the answer was the backbone's). "" otherwise.

    Example:
        >>> import torch
        >>> frozen = torch.nn.Parameter(torch.zeros(1), requires_grad=False)
        >>> groups = [{"lr": 1.0, "params": [frozen]}, {"lr": 0.1, "params": [torch.nn.Parameter(torch.zeros(1))]}]
        >>> frozen_reference(groups, 0)[:60]
        'param group 0 has the largest LR (1) but no parameter that r'
    """
    if ref is None or trainable(groups[ref]):
        return ""
    others = [i for i, g in enumerate(groups) if trainable(g) and base_lr(g) > 0]
    if not others:
        return ""
    top = max(others, key=lambda i: base_lr(groups[i]))
    ratio = base_lr(groups[top]) / base_lr(groups[ref])
    return (
        f"param group {ref} has the largest LR ({base_lr(groups[ref]):g}) but no parameter that requires grad "
        f"(frozen), so one number for the optimizer's LR is that group's, and param group {top}, the largest "
        f"that trains, gets {ratio:.3g} times it; give the frozen group lr=0 (it is then left alone) or an LR "
        f"below the others' to have the number be theirs"
    )


def reference(groups: list[Group]) -> int | None:
    """The group whose LR stands for the optimizer's: the one with the largest LR (the first of equals), as
    the schedule callbacks read one number for an LR argument; of their current LRs, or, when every group is
    at 0 (the first step of a warm-up from 0), of the LRs they were configured with (:func:`base_lr`). None
    when no group has an LR above 0 either way.

    Example:
        >>> reference([{"lr": 0.01}, {"lr": 0.1}]), reference([{"lr": 0.0, "initial_lr": 0.1}, {"lr": 0.0}])
        (1, 0)
    """
    for read in (lr, base_lr):
        if (i := largest([read(g) for g in groups])) is not None:
            return i
    return None


def largest(lrs: Sequence[float]) -> int | None:
    """The index of the largest of ``lrs`` (the first of equals), None when none is above 0: the group one
    number for an LR stands for (:func:`reference`; the schedule callbacks read their configured LRs so).

    Example:
        >>> largest([0.01, 0.1, 0.1]), largest([0.0, 0.0])
        (1, None)
    """
    top = max(lrs, default=0.0)
    return list(lrs).index(top) if top > 0 else None


def lr_ratios(groups: list[Group]) -> list[float] | None:
    """Each group's LR over the :func:`reference` group's (of their current LRs, or, when every group is at
    0, of the LRs they were configured with); None when no group has an LR above 0 either way.

    Example:
        >>> lr_ratios([{"lr": 0.0, "initial_lr": 0.05}, {"lr": 0.0, "initial_lr": 0.1}])
        [0.5, 1.0]
    """
    ref = reference(groups)
    if ref is None:
        return None
    read = lr if lr(groups[ref]) > 0 else base_lr
    top = read(groups[ref])
    return [read(g) / top for g in groups]


def set_lr(group: Group, value: float) -> None:
    """Set the group's LR (in place for a tensor)."""
    assign(group, "lr", value)


#: the largest LR every floating parameter type takes (float16's 65504): torch converts the LR to the
#: parameters' type, and a larger one fails inside the optimizer's step ("value cannot be converted to type
#: float without overflow"); an LR above it is checked against the group's own types
SAFE_LR = float(torch.finfo(torch.float16).max)


def unusable_lr(group: Group, value: float) -> str | None:
    """Why ``group`` cannot take ``value`` as its LR, or None when it can: a value that is no finite number, or
    beyond the largest value of the group's parameters' type (float16's 65504, float32's 3.4e38; a float64
    model's is the float range), which torch converts the LR to, so that the optimizer's step fails naming no
    argument (review 108). Any LR within :data:`SAFE_LR` is one comparison.

    Example:
        >>> import torch
        >>> group = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1).param_groups[0]
        >>> unusable_lr(group, 1e30) is None
        True
        >>> unusable_lr(group, float("nan"))
        'which is no finite number'
        >>> unusable_lr(group, 1e39).split(" (")[0]
        'more than its float32 parameters can take'
    """
    if -SAFE_LR <= value <= SAFE_LR:  # (every ordinary LR)
        return None
    kinds = {p.dtype for p in group["params"] if isinstance(p, torch.Tensor) and p.is_floating_point()}
    largest_value = min(
        (float(torch.finfo(k).max) for k in kinds), default=float(torch.finfo(torch.float64).max)
    )
    if abs(value) <= largest_value:  # float64 parameters take it (nan and inf are never at most a number)
        return None
    if value != value or abs(value) == float("inf"):
        return "which is no finite number"
    names = "/".join(sorted(str(k).replace("torch.", "") for k in kinds))
    return (
        f"more than its {names} parameters can take (torch converts the LR to their type, whose largest value is "
        f"{largest_value:g}, and the optimizer's step would fail naming no argument)"
    )


def raw_momentum(group: Group) -> Any:
    """The group's momentum (or ``betas[0]``) as stored, a float or a tensor; None if it has neither."""
    key = momentum_key(group)
    if key is None:
        return None
    return group["momentum"] if key == "momentum" else group["betas"][0]


def momentum(group: Group) -> float | None:
    """The group's momentum (or ``betas[0]``) as a float; None if it has neither."""
    value = raw_momentum(group)
    return None if value is None else float(value)


def zero_momentum(group: Group) -> bool:
    """Whether the group was configured without momentum: ``momentum=0`` (SGD, RMSprop) or ``betas[0] == 0``
    (Adam's family without a first moment). Cycling would switch it on (review 114: Adam's beta1 of 0 was
    cycled unsaid, where SGD's momentum of 0 was kept with a warning).

    Example:
        >>> import torch
        >>> params = [torch.nn.Parameter(torch.zeros(1))]
        >>> zero_momentum(torch.optim.SGD(params, lr=0.1).param_groups[0])
        True
        >>> zero_momentum(torch.optim.Adam(params, betas=(0.0, 0.99)).param_groups[0])
        True
        >>> zero_momentum(torch.optim.Adam(params).param_groups[0]), zero_momentum(torch.optim.Adagrad(params).param_groups[0])
        (False, False)
    """
    return momentum(group) == 0.0


def zero_momentum_name(keys: Sequence[str | None]) -> str:
    """How a message names the zero momentum of groups whose :func:`momentum_key` are ``keys``.

    Example:
        >>> zero_momentum_name(["momentum"]), zero_momentum_name(["betas"]), zero_momentum_name(["momentum", "betas"])
        ('momentum=0', 'beta1=0', 'momentum=0 or beta1=0')
    """
    names = sorted({"momentum=0" if k == "momentum" else "beta1=0" for k in keys})
    return " or ".join(reversed(names)) if len(names) > 1 else names[0]


def set_momentum(group: Group, value: float) -> None:
    """Set the group's momentum, or ``betas[0]`` (a group with neither is left alone)."""
    key = momentum_key(group)
    if key is not None:
        write_momentum(group, key, value)


#: the momentum tensors this module put in a group, by id (a weak reference tells a reused id apart); a tensor's
#: ``==`` is element-wise, so no weak set
_OWN: dict[int, weakref.ref[torch.Tensor]] = {}


def _own(t: torch.Tensor) -> bool:
    ref = _OWN.get(id(t))
    return ref is not None and ref() is t


def _own_tensor(like: torch.Tensor, value: float) -> torch.Tensor:
    t = torch.full_like(like, value, requires_grad=False)
    key = id(t)
    _OWN[key] = weakref.ref(t, lambda _: _OWN.pop(key, None))
    return t


def write_momentum(group: Group, key: str, value: float) -> None:
    """Set ``group["momentum"]`` (``key="momentum"``) or ``betas[0]`` (``key="betas"``) to ``value``: a float is
    replaced, a tensor of this module's filled in place, and the user's tensor replaced by one of this module's
    (see the module's docstring)."""
    if key == "momentum":
        cur = group["momentum"]
        if type(cur) is float or not isinstance(cur, torch.Tensor):
            group["momentum"] = value
        elif _own(cur):
            cur.fill_(value)
        else:
            group["momentum"] = _own_tensor(cur, value)
        return
    betas = group["betas"]
    cur = betas[0]
    if type(cur) is float or not isinstance(cur, torch.Tensor):
        group["betas"] = (value, *betas[1:])
    elif _own(cur):
        cur.fill_(value)
    else:
        group["betas"] = (_own_tensor(cur, value), *betas[1:])


def weight_decay(group: Group) -> float | None:
    """The group's weight decay as a float; None if it has none."""
    return float(group["weight_decay"]) if "weight_decay" in group else None


def largest_weight_decay(groups: list[Group]) -> float | None:
    """The largest weight decay of the groups, the one a weight-decay sweep sets (the others keep their ratio
    to it, as groups keep their LR ratio to :func:`reference`'s); None when no group has one."""
    decays = [d for g in groups if (d := weight_decay(g)) is not None]
    return max(decays) if decays else None


def set_weight_decay(group: Group, value: float) -> None:
    """Set the group's weight decay (in place for a tensor)."""
    assign(group, "weight_decay", value)
