"""Torch's arguments onto the schedules: per-group values, tensors, whole floats, and torch's names in errors.

A drop-in does not check an argument that a schedule checks: it converts torch's forms (one value per
param group, one-element tensors, ``100.0`` steps), builds the schedule inside :func:`torch_names`, and
the schedule's own message comes out with torch's argument names. The checks here are only those of
torch's API (how many values per group, what a tensor may be, resuming without ``initial_lr``).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import Any

import numpy as np
import torch

from ..._validate import fail, without_owner
from ...schedules._base import function_name
from .. import param_groups as pg
from ..schedule_lr import check_resume

__all__ = [
    "base_lrs",
    "in_torch_names",
    "item",
    "one_element",
    "per_group",
    "torch_names",
    "torch_refuses",
    "whole",
]

# An argument name (``max_lr``, ``milestones[3]``), or a quoted value to leave alone (``'exp_range'``).
_TOKEN = re.compile(r"'[^']*'|[A-Za-z_]\w*(?:\[\d+\])?")


@contextlib.contextmanager
def torch_names(
    names: Mapping[str, str] | None,
    value_errors: Collection[str] = (),
    functions: Iterable[tuple[Any, str]] = (),
) -> Iterator[None]:
    """Re-raise a schedule's TypeError/ValueError with torch's argument names in place of the schedule's.

    The message keeps its format, ``<argument> must be <what is allowed>, got <value>``: every name before
    the value that ``names`` maps (the schedule's ``anneal`` to torch's ``anneal_strategy``, ``max_lr`` to
    ``max_lr[1]`` for a per-group list) is replaced; the value is left as it is.

    Args:
        names: the schedule's argument names to torch's; None leaves every error but those of ``functions``
            as it is (what a step raises: the drop-in's own messages).
        value_errors: torch's names of the arguments whose values torch's own checks refuse with a ValueError
            (:func:`torch_refuses`): an error about one of them is a ValueError too, so code that catches
            torch's class catches ours (``CosineAnnealingWarmRestarts(T_mult=1.5)``,
            ``OneCycleLR(total_steps=10.5)``). The others keep the schedule's class (TypeError for a wrong
            type), as where torch fails on the value with a TypeError of its own.
        functions: the user's functions, each with torch's name of the argument it was given as
            (``(f, "lr_lambda[1]")``): what one returned that a schedule refuses (``Lambda: f(3) returned
            -1.0; ...``) is said of the argument, the function's name after it in parentheses
            (``lr_lambda[1](3) returned -1.0; ... (lr_lambda[1] is f)``).

    Example:
        >>> from lightning_lr.schedules import StepDecay
        >>> with torch_names({"every": "step_size"}):
        ...     StepDecay(1.0, every=0)
        Traceback (most recent call last):
        ...
        ValueError: step_size must be a positive integer, got 0
    """
    try:
        yield
    except (TypeError, ValueError) as exc:
        new = in_torch_names(exc, names, value_errors, functions)
        if new is exc:
            raise
        raise new.with_traceback(exc.__traceback__) from None


def in_torch_names(
    exc: TypeError | ValueError,
    names: Mapping[str, str] | None,
    value_errors: Collection[str] = (),
    functions: Iterable[tuple[Any, str]] = (),
) -> TypeError | ValueError:
    """:func:`torch_names`' error for ``exc`` (``exc`` itself when it says the same), for a caller on a hot
    path, where a ``try`` costs nothing and a context manager does."""
    original = str(exc)
    # without the schedule's name ("CosineRestarts: T_0 must be ..."): the drop-in speaks torch's
    message = without_owner(original)
    said = _returned(exc, functions)
    if said is not None:
        return type(exc)(said)
    if names is None:
        return exc
    head, got, value = message.rpartition(", got ")
    if not got:
        head, value = message, ""
    head = _TOKEN.sub(lambda m: names.get(m.group(), m.group()), head)
    kind = ValueError if head.split(" must be ", 1)[0] in value_errors else type(exc)
    if head + got + value == original and kind is type(exc):
        return exc
    return kind(head + got + value)


def _returned(exc: Exception, functions: Iterable[tuple[Any, str]]) -> str | None:
    """The message of ``exc`` about what one of ``functions`` returned (checked_output's) with torch's name of
    the argument in place of the schedule's; None for another error."""
    fn, said = getattr(exc, "function", None), getattr(exc, "said", None)
    if fn is None or said is None:
        return None
    for f, name in functions:
        if f is fn:
            return f"{name}{said} ({name} is {function_name(fn)})"
    return None


def torch_refuses(*checks: tuple[str, Any, Callable[[Any], object]]) -> list[str]:
    """The arguments torch's own checks refuse with a ValueError, for :func:`torch_names`: each check is
    ``(name, value, condition)``, torch's condition in its order (``T_0 <= 0 or not isinstance(T_0, int)``),
    which refuses the value when it holds or raises a ValueError (``float("a" * 10)``), not where it raises a
    TypeError (``"5" <= 0``) or a RuntimeError (``torch.tensor([1, 2]) <= 0``)."""
    out = []
    for name, value, condition in checks:
        try:
            refused = bool(condition(value))
        except ValueError:
            refused = True
        except (TypeError, RuntimeError):
            # (a RuntimeError: the truth value of a tensor of several values, where torch fails with its own
            # RuntimeError, not its check's ValueError: the schedule's check names the argument, as for
            # StepLR's step_size; review 106)
            refused = False
        if refused:
            out.append(name)
    return out


def one_element(value: Any, bools: bool = True) -> Any:
    """A one-element tensor or numpy array as its Python number (torch takes them where it takes a
    number; ``bools=False`` leaves a boolean one as it is); anything else unchanged."""
    if isinstance(value, (torch.Tensor, np.ndarray)):
        size = value.numel() if isinstance(value, torch.Tensor) else value.size
        if size == 1 and (bools or value.dtype not in (torch.bool, np.bool_)):
            return value.item()
    return value


def item(name: str, value: Any) -> Any:
    """A one-element tensor or numpy array as a Python number (torch takes them for LRs and momentums)."""
    value = one_element(value)
    if isinstance(value, (torch.Tensor, np.ndarray)):
        fail(name, "a number or a one-element tensor or array", value)
    return value


def per_group(name: str, value: Any, n: int, what: str = "value") -> list[tuple[str, Any]]:
    """torch's per-group argument: one value for all ``n`` groups, or a list/tuple with one per group.

    Returns:
        ``(name, value)`` per group, where the name is the one to give in messages (``max_lr[1]`` for an
        item of a list) and one-element tensors and arrays are Python numbers.
    """
    one = f"a single {what}" + (" (a number, or a one-element tensor or array)" if what == "value" else "")
    allowed = f"{one} or a list or tuple of {n} (one per param group)"
    if isinstance(value, (list, tuple)):
        if len(value) != n and what != "value":
            # the count, not the items: a function's repr says nothing (review 125: "got [<function <lambda> at
            # 0x7f...>, ...]")
            raise ValueError(
                f"{name} must be a single {what} or a list or tuple of {what}s: expected {n} (one per param "
                f"group), got {len(value)}"
            )
        if len(value) != n:
            fail(name, allowed, value)
        return [(f"{name}[{i}]", item(f"{name}[{i}]", v)) for i, v in enumerate(value)]
    # several values in one array or tensor: a ValueError, as torch's own code fails on momentums (its
    # truth value of an array); a list or tuple is how torch takes one value per group
    if isinstance(one_element(value), (np.ndarray, torch.Tensor)):
        fail(name, allowed, value)
    return [(name, item(name, value))] * n


def whole(value: Any) -> Any:
    """An integral float (``100.0``, a numpy ``float32(100.0)`` too) as an int, as torch accepts it for a
    number of steps (a one-element array or tensor as its number first); anything else unchanged, for the
    schedule to check. A negative one, and one past the 2**53 steps the schedules count, stays a float, so that
    the schedule's refusal quotes the value given (``got -1.0``, not ``got -1``; ``got 1e+308``, not its 309
    digits: r202)."""
    value = one_element(value)
    if isinstance(value, np.floating):  # (np.float64 is a float; np.float32 is not: r202)
        value = float(value)
    if isinstance(value, float) and value.is_integer() and 0 <= value <= 2**53:
        return int(value)
    return value


def base_lrs(groups: list[dict[str, Any]], last_epoch: int) -> list[float]:
    """The LR each group starts from, as torch's ``base_lrs``: ``initial_lr`` if the group has one (a
    resumed run, or an earlier scheduler), else its current ``lr``."""
    check_resume(groups, last_epoch)
    return [pg.base_lr(g) for g in groups]
