"""The record of what an optimizer's param groups held when its state was loaded before its schedulers were
built (torch's resume order: optimizer, then schedulers, then their states): the checkpoint's LRs, cycle
settings and momentums, which the schedulers' constructors write over and a load of a scheduler's state gives
back. Every scheduler built on those groups before the optimizer steps takes part (:class:`ScheduleLR` and the
drop-ins): each takes the record before it writes to the groups (:func:`restored_state`), and leaves what it
wrote (:func:`left_by_constructors`)."""

from __future__ import annotations

import copy
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch.optim import Optimizer

from .._validate import same

__all__ = [
    "Restored",
    "copied",
    "cycled_momentum",
    "cycled_state",
    "forget_cycle",
    "forget_left",
    "give_back",
    "give_back_held",
    "left_by_constructors",
    "number",
    "put",
    "restored_state",
    "states",
    "taken_on",
]


#: the param group dicts a scheduler was built on, per optimizer: a group that holds ``initial_lr`` and is one
#: of these got it from an earlier scheduler on the same optimizer, not from a loaded state
_SEEN: weakref.WeakKeyDictionary[Optimizer, list[dict[str, Any]]] = weakref.WeakKeyDictionary()


#: what a scheduler may write to a param group when it is built: the LR, the cycles' settings, which torch's
#: OneCycleLR keeps in the groups, and the momentum (or betas) the cycles set
_WRITTEN = ("lr", "initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum", "momentum", "betas")


@dataclass(frozen=True)
class Restored:
    """What the groups of an optimizer whose state was loaded held when the first scheduler was built on them:
    the checkpoint's, which a load of a scheduler's state gives back (:func:`restored_state`)."""

    lrs: list[float]
    held: list[dict[str, Any]]  # each group's :data:`_WRITTEN` keys, copied


def copied(value: Any) -> Any:
    """``value`` as it is now (a tensor cloned, a list or tuple copied)."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    return copy.deepcopy(value) if isinstance(value, (list, tuple, dict)) else value


def _held(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each group's :data:`_WRITTEN` keys, copied."""
    return [{k: copied(g[k]) for k in _WRITTEN if k in g} for g in groups]


#: per optimizer whose state was loaded before a scheduler was built on it: what every constructor so far left
#: in its groups (:data:`_WRITTEN`), refreshed at the end of each; a key that still holds it at a load is given
#: back the checkpoint's (review 81: kept per scheduler, a SequentialLR's first scheduler missed what the
#: second's constructor wrote)
_LEFT: weakref.WeakKeyDictionary[Optimizer, list[dict[str, Any]]] = weakref.WeakKeyDictionary()

#: per optimizer whose state was loaded before a scheduler was built on it: its groups then and what they held,
#: until the optimizer's next step (a step hook forgets them: :func:`_forget`)
_LOADED: weakref.WeakKeyDictionary[Optimizer, tuple[list[dict[str, Any]], Restored]] = (
    weakref.WeakKeyDictionary()
)


#: the optimizers whose steps forget their record (:func:`_forget`)
_HOOKED: weakref.WeakSet[Optimizer] = weakref.WeakSet()


def _forget(optimizer: Optimizer, *_: Any) -> None:
    """A step post-hook: the optimizer stepped, so what its groups held at the load is gone. It stays
    registered (a hook that removed itself while torch runs the hooks broke the loop over them when another
    hook followed it: "OrderedDict mutated during iteration"), and returns at once while no optimizer has a
    record."""
    if _LOADED or _LEFT:
        _LOADED.pop(optimizer, None)
        _LEFT.pop(optimizer, None)


def taken_on(optimizer: Optimizer, restored: Restored) -> bool:
    """Whether ``restored`` is the record of the optimizer's groups as they are now: an optimizer state loaded
    again since brought other ones, whose values are that checkpoint's (review 82), and in Lightning's order
    (the schedulers built, then the optimizer's state loaded) a record taken at the build is of groups the
    load replaced."""
    loaded = _LOADED.get(optimizer)
    return (
        loaded is not None
        and loaded[1] is restored
        and len(loaded[0]) == len(optimizer.param_groups)
        and all(a is b for a, b in zip(loaded[0], optimizer.param_groups, strict=True))
    )


def restored_state(optimizer: Optimizer, last_epoch: int) -> Restored | None:
    """What the groups held when a scheduler built now is built on an optimizer whose state was loaded first
    (torch's resume order: optimizer, then scheduler): at ``last_epoch=-1`` every group holds ``initial_lr``,
    and none is a dict an earlier scheduler on this optimizer was built on (``optimizer.load_state_dict`` makes
    new ones); None otherwise. Called before the scheduler writes to the groups: their LRs, cycle settings
    and momentums are the checkpoint's, which a load of the scheduler's state gives back.

    Every scheduler built on those groups before the optimizer steps gets what the first found (review 67: a
    third ``ExponentialLR`` stacked on the optimizer was given nothing, so the second's load wrote its own last
    LR, one factor short of the chain's, and the resumed run kept that factor off; review 79: a OneCycleLR
    built and dropped before the one loaded left its cycle in the groups)."""
    groups = optimizer.param_groups
    # only the groups it has now are ever compared: the dicts an earlier load replaced are dropped (review 87,
    # review 89: one list of them per load grew for as long as the optimizer lived)
    seen = [g for g in _SEEN.get(optimizer, []) if any(g is h for h in groups)]
    restored = last_epoch == -1 and all("initial_lr" in g for g in groups)
    # (a torch scheduler built first on a fresh optimizer puts initial_lr in its groups too, and its record is
    # taken as a load's: review 90. Neither a wrapped step nor the groups' key order tells the two apart
    # without losing real loads' records: reviews 91 and 92, a rollback in one process and a
    # torch.distributed.checkpoint load)
    fresh = restored and not any(g is s for g in groups for s in seen)
    _SEEN[optimizer] = [*seen, *(g for g in groups if not any(g is s for s in seen))]
    if fresh:
        state = Restored([number(g["lr"]) for g in groups], _held(groups))
        _LOADED[optimizer] = (list(groups), state)
        if optimizer not in _HOOKED:  # one hook per optimizer, for as long as it lives
            _HOOKED.add(optimizer)
            optimizer.register_step_post_hook(_forget)
        return state
    loaded = _LOADED.get(optimizer) if restored else None
    if loaded is None or len(loaded[0]) != len(groups):
        return None
    if any(a is not b for a, b in zip(loaded[0], groups, strict=True)):  # groups made since: not the load's
        return None
    return loaded[1]


def left_by_constructors(optimizer: Optimizer) -> None:
    """At the end of a constructor built on a loaded state: what the constructors so far left in the groups,
    which a load gives back the checkpoint's where it still holds it (:func:`give_back_held`)."""
    _LEFT[optimizer] = _held(optimizer.param_groups)


def give_back_held(optimizer: Optimizer, restored: Restored) -> None:
    """At the load of a scheduler built on a loaded state (before any step): give back the checkpoint's LRs,
    cycle settings and momentums the constructors wrote over (review 76: a OneCycleLR built with other arguments
    resumed a mix of two cycles; review 79: a checkpoint without momentum cycling took the constructor's
    momentum; review 82: a ScheduleLR that leaves a group alone kept a OneCycleLR's first LR in it, 8x the
    checkpoint's). Only on the groups the record was taken on (review 82: an optimizer state loaded again since
    brought other ones: :func:`taken_on`), and only a key still as the constructors left it
    (review 80: a momentum the user set between the build and the load was undone)."""
    left = _LEFT.get(optimizer)
    if left is None or not taken_on(optimizer, restored):
        return
    for g, held, was in zip(optimizer.param_groups, restored.held, left, strict=False):
        for k, v in held.items():
            if k in g and k in was and same(g[k], was[k]):
                put(g, k, copied(v))


def give_back(optimizer: Optimizer, restored: Restored, keys: Iterable[tuple[int, str]]) -> None:
    """The record's values at ``keys`` (``(group, key)`` pairs that it holds)."""
    for i, k in keys:
        if i < len(restored.held) and k in restored.held[i]:
            put(optimizer.param_groups[i], k, copied(restored.held[i][k]))


def forget_left(optimizer: Optimizer, keys: Iterable[tuple[int, str]]) -> None:
    """A scheduler's load wrote its own values at ``keys`` (``(group, key)`` pairs): a later load does not give
    back the record's there (review 86: a ScheduleLR given another schedule on resume wrote its own LR, and
    a drop-in loaded after it put the checkpoint's back, as the value equalled what the constructor left)."""
    left = _LEFT.get(optimizer)
    for i, k in keys:
        if left is not None and i < len(left):
            left[i].pop(k, None)


def put(group: dict[str, Any], key: str, value: Any) -> None:
    """Set ``group[key]`` to ``value``: a tensor of the same shape in place (the optimizer's tensor stays the
    object it was), anything else by assignment."""
    held = group.get(key)
    if isinstance(held, torch.Tensor) and isinstance(value, torch.Tensor) and held.shape == value.shape:
        held.copy_(value)
    else:
        group[key] = value


def number(x: Any) -> float:
    return x.item() if isinstance(x, torch.Tensor) else float(x)


def states(state_dict: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """``state_dict`` and the states of the schedulers inside it (a ``SequentialLR``'s or ``ChainedScheduler``'s
    ``_schedulers``), in their order: a cycle scheduler's state may be one of those (review 135)."""
    out = [state_dict]
    for inner in state_dict.get("_schedulers") or ():
        if isinstance(inner, Mapping):
            out.extend(states(inner))
    return out


def _cycle(state: Mapping[str, Any]) -> bool:
    return ("total_steps" in state and "_schedule_phases" in state) or (
        "max_lrs" in state and "total_size" in state
    )


def cycled_state(state_dict: Mapping[str, Any]) -> bool:
    """Whether ``state_dict`` is, or holds (:func:`states`), the state of a cycle scheduler that writes over the
    param groups when it is built (torch's ``OneCycleLR`` or ``CyclicLR``, or a drop-in of them): an optimizer
    state saved beside it holds that cycle's start as each group's ``initial_lr``."""
    return any(_cycle(s) for s in states(state_dict))


def cycled_momentum(state_dict: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The state, in ``state_dict`` or inside it (:func:`states`), of a scheduler of another class that says it
    cycled every group's momentum (``cycle_momentum``: torch's ``OneCycleLR`` and ``CyclicLR`` and their
    drop-ins); None where none is."""
    return next((s for s in states(state_dict) if s.get("cycle_momentum") is True), None)


def forget_cycle(groups: Sequence[dict[str, Any]], initial_lrs: Sequence[Any]) -> None:
    """Give ``groups``, loaded from an optimizer state saved beside a cycle scheduler (:func:`cycled_state`) that a
    schedule callback's scheduler replaces, the ``initial_lr`` that scheduler recorded at its build (``initial_lrs``:
    its ``base_lrs``, the LRs configured as :func:`~._cycles.put_back` left them): the cycle's start would be read
    as the LR configured (a relative schedule's factor; review 133: ``LRSchedule(relative=True)`` resumed at 1/25
    of the uninterrupted run's LR)."""
    for group, initial in zip(groups, initial_lrs, strict=False):
        if "initial_lr" in group:
            put(group, "initial_lr", copied(initial))
