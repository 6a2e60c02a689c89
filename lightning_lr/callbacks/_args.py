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

from .._validate import fail, in_range, listed, number

__all__ = ["LRSpec", "LRValues", "final_ratio_arg", "lr_spec"]

#: LR values a user gives: one number, or one per param group (a list or a tuple; None in it leaves that group
#: alone; a numpy array runs too). A ``Sequence`` so a ``list[float]`` variable type-checks (review 137: annotated
#: ``list[float | None]``, mypy refused it, lists being invariant); no ``np.ndarray`` in it, which LightningCLI
#: offered as a class to give (review 139)
LRValues = float | Sequence[float | None]
#: an LR-valued argument: None (from the optimizer or a range test), one number, or one per param group
LRSpec = LRValues | None


def _number(name: str, value: Any, bound: str, allow_zero: bool, what: str) -> float:
    read = number(name, value, what)  # a 0-d tensor or array as its number
    if isinstance(read, bool) or not isinstance(read, numbers.Real):
        fail(name, what, value, TypeError)
    v = float(read)
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        fail(name, f"a finite number {bound}", value)
    return v


def lr_spec(name: str, value: Any, *, allow_zero: bool = False) -> LRSpec:
    """None, one finite number > 0 (>= 0 with ``allow_zero``), or a non-empty list with one such number
    (or None) per param group. Numbers come back as floats, a tuple as a list."""
    bound = ">= 0" if allow_zero else "> 0"
    if value is None:
        return None
    if isinstance(value, slice):  # (review 177: fastai's max_lr=slice(lo, hi))
        fail(
            name,
            f"a number {bound}, a list with one per param group, or None (fastai's slice(lo, hi) spreads the LRs "
            "of its layer groups from lo to hi: give the list of their LRs, one per param group)",
            value,
            TypeError,
        )
    # a 1-d array (as milestones take one: review 117) or tensor as its list
    value = listed(name, value, f"a number {bound}, a list with one per param group, or None")
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


def final_ratio_arg(value: Any, final: LRSpec) -> float | None:
    """``final_ratio``: None, or the final LR as a ratio of each param group's start LR, in [0, 1] (the
    start LR may come from the optimizer or a range test, unknown when the callback is made); ``final``
    must then be left at its default 0.

    Example:
        >>> final_ratio_arg(0.1, 0.0), final_ratio_arg(None, 1e-5)
        (0.1, None)
        >>> final_ratio_arg(0.1, 1e-5)
        Traceback (most recent call last):
        ...
        ValueError: final must be 0 (the default) when final_ratio is given (give one of them), got 1e-05
    """
    if value is None:
        return None
    ratio = in_range("final_ratio", value, 0.0, 1.0, lo_open=False, hi_open=False)
    if final != 0.0:
        fail("final", "0 (the default) when final_ratio is given (give one of them)", final)
    return ratio
