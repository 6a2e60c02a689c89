"""The cycle ``configure_optimizers`` builds, whose peak the model's LR attribute sets (a 1cycle or a cyclic
schedule): where the range test's answer goes when it applies it (:mod:`._apply`). Moved out of ``_apply``
once it had grown a second job there."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import lightning.pytorch as pl
from lightning.pytorch.utilities.parsing import lightning_getattr

from .. import _lightning_compat as L
from ..optim._cycles import flat
from ._hook import built_with
from ._result import RangeTestResult

__all__ = ["Peak", "flat", "peak_of", "peak_value"]


def _largest_max_lr(groups: list[dict[str, Any]]) -> float | None:
    """The largest peak of a 1cycle the groups carry (torch's ``OneCycleLR`` keeps ``max_lr`` in them)."""
    peaks = [float(g["max_lr"]) for g in groups if "max_lr" in g]
    return max((x for x in peaks if x > 0), default=None)


@dataclass(frozen=True)
class Peak:
    """A cycle ``configure_optimizers`` builds, whose peak the LR attribute sets: a 1cycle (torch's or our
    ``OneCycleLR``: ``max_lr`` in the groups) or a cyclic schedule (torch's or our ``CyclicLR``: its
    ``max_lrs``), the peak it has now and the test's value for it (review 71 and 73: the suggestion was mapped
    onto the cycle's start, and a 1cycle peaked at 25x it, a CyclicLR at 10x)."""

    kind: str  # "1cycle max_lr" or "cyclic max_lr"
    now: float
    target: float
    instead: str  # where the user reads it


def peak_of(optimizers: list[Any], schedulers: Iterable[Any], result: RangeTestResult) -> Peak | None:
    """The :class:`Peak` of the one optimizer ``optimizers`` holds, with the test's value for it from
    ``result``; None without a cycle, or when the result has no value for it."""
    if len(optimizers) != 1:
        return None
    top = _largest_max_lr(optimizers[0].param_groups)
    kind, ratio = "1cycle max_lr", None
    if top is None:
        for sched in flat(schedulers):
            tops = getattr(sched, "max_lrs", None)
            if (
                getattr(sched, "optimizer", None) is optimizers[0]
                and isinstance(tops, (list, tuple))
                and tops
            ):
                top, kind = max(float(x) for x in tops), "cyclic max_lr"
                base = max((float(b) for b in getattr(sched, "base_lrs", None) or ()), default=0.0)
                ratio = top / base if base > 0 and top > base else None
                break
    if top is None or not top > 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind == "1cycle max_lr":
            target, instead = result.one_cycle_max_lr(), "result.one_cycle_max_lr()"
        else:  # the triangle of the configured ratio of max_lr to base_lr
            bounds = result.cyclic_bounds() if ratio is None else result.cyclic_bounds(ratio=ratio)
            target, instead = (None if bounds is None else bounds[1]), "result.cyclic_bounds()"
    return None if target is None else Peak(kind, top, target, instead)


def peak_value(module: pl.LightningModule, attr: str, result: RangeTestResult | None) -> Peak | None:
    """The :class:`Peak` ``configure_optimizers`` builds with ``attr`` as it is, None without one."""
    if result is None:
        return None
    try:
        optimizers, schedulers = built_with(module, attr, lightning_getattr(module, attr), L.configured)
    except Exception:  # the hook's own business: attr_value (_apply) says what it can
        return None
    return peak_of(optimizers, schedulers, result)
