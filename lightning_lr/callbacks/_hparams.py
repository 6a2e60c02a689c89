"""Describing a schedule callback's arguments: for hparams (the mixin's ``"lightning_lr"``) and repr.

:func:`hparams` gives their plain form for a logger's hyperparameters; :func:`call_repr` the callback's
repr.

:func:`arguments` reads the constructor's parameters back from the callback's attributes, so a
subclass describes itself without extra code. :func:`write` is the contract with
:class:`~lightning_lr.LRScheduleMixin`: the schedule a module declares puts its :func:`hparams` into
``module.hparams["lightning_lr"]`` and the module's initial hparams, which loggers receive at fit start.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from .. import _lightning_compat as _compat
from ..schedules import Schedule
from .durations import Duration

__all__ = ["HPARAMS_KEY", "arguments", "call_repr", "fmt_value", "hparams", "write"]

#: the key of ``module.hparams`` that holds the arguments of a schedule declared with LRScheduleMixin
HPARAMS_KEY = "lightning_lr"


def arguments(callback: Any) -> dict[str, Any]:
    """The constructor arguments of ``callback`` and their values (what LightningCLI and hparams see)."""
    params = inspect.signature(type(callback).__init__).parameters
    return {name: getattr(callback, name) for name in params if name != "self" and hasattr(callback, name)}


def hparams(name: str, args: Mapping[str, Any], filled: Mapping[str, float]) -> dict[str, Any]:
    """``{"schedule": name, <argument>: <plain value>, ...}``; an argument left as None shows the value a
    range test filled in, if any."""
    out: dict[str, Any] = {"schedule": name}
    for arg, value in args.items():
        if value is None and arg in filled:
            value = filled[arg]
        out[arg] = _plain(value)
    return out


def write(module: Any, values: dict[str, Any]) -> None:
    """Put ``values`` into ``module.hparams`` and its initial hparams under :data:`HPARAMS_KEY`."""
    module.hparams[HPARAMS_KEY] = values
    _compat.set_initial_hparams(module, HPARAMS_KEY, values)


def call_repr(callback: Any, name: str) -> str:
    """``Name(arg=value, ...)`` with the arguments that differ from their defaults."""
    params = inspect.signature(type(callback).__init__).parameters
    shown = []
    for arg, value in arguments(callback).items():
        default = params[arg].default
        if default is inspect.Parameter.empty or value != default:
            shown.append(f"{arg}={fmt_value(value)}")
    return f"{name}({', '.join(shown)})"


def fmt_value(v: Any) -> str:
    """An argument's value as messages and reprs show it (floats with ``:g``)."""
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, list):
        return "[" + ", ".join(fmt_value(x) for x in v) + "]"
    return repr(v)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (Duration, Schedule)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return str([_plain(v) for v in value])
    return getattr(value, "__qualname__", None) or repr(value)
