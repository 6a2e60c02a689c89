"""Checks of the schedule callbacks' LR-valued arguments: one number, one per param group, or None.

The general checks (booleans, durations, ranges) are :mod:`lightning_lr._validate`'s; this one is specific
to the callbacks, whose LR arguments may give one value per param group. Messages use the one format
``<argument> must be <what is allowed>, got <value!r>``; wrap a call in ``_validate.context(owner)`` to
name the callback.

Example:
    >>> from lightning_lr.callbacks._args import lr_spec
    >>> lr_spec("max_lr", 1), lr_spec("max_lr", [0.1, None]), lr_spec("max_lr", None)
    (1.0, [0.1, None], None)
    >>> lr_spec("max_lr", 0)
    Traceback (most recent call last):
    ...
    ValueError: max_lr must be a finite number > 0, got 0
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

from .._validate import fail

__all__ = ["LRSpec", "lr_spec"]

#: an LR-valued argument: None (from the optimizer or a range test), one number, or one per param group
LRSpec = float | Sequence[float | None] | None


def _number(name: str, value: Any, bound: str, allow_zero: bool, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        fail(name, what, value, TypeError)
    v = float(value)
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        fail(name, f"a finite number {bound}", value)
    return v


def lr_spec(name: str, value: Any, *, allow_zero: bool = False) -> LRSpec:
    """None, one finite number > 0 (>= 0 with ``allow_zero``), or a non-empty list with one such number
    (or None) per param group. Numbers come back as floats, a tuple as a list."""
    bound = ">= 0" if allow_zero else "> 0"
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        if not value:
            fail(name, f"a number {bound} or a non-empty list with one value per param group", value)
        return [
            None if v is None else _number(f"{name}[{i}]", v, bound, allow_zero, f"a number {bound} or None")
            for i, v in enumerate(value)
        ]
    return _number(
        name, value, bound, allow_zero, f"a number {bound}, a list with one per param group, or None"
    )
