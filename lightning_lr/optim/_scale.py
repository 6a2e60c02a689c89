"""Per-group LR scales and floors of ScheduleLR: ``max(lr(t) * scale(t), min(lr(t), floor))``, by block.

:meth:`ScheduleLR.set_scale <lightning_lr.optim.ScheduleLR.set_scale>` keeps a scale schedule and a floor
per param group apart from the LR schedules; :func:`scaled_jobs` applies them to the rows of one block. The
floor bounds what the scale takes away: the LR never goes below it because of the scale, nor above
``lr(t)`` because of the floor (a schedule that itself goes lower, a warm-up from 0, keeps its values).
Vectorized rows are multiplied with numpy (``value * scale`` is the same IEEE multiplication per element as
in Python, so the values do not depend on where a block starts); user-function rows stay lazy.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._validate import fail, listed, number

__all__ = ["ScaledBy", "floors", "scaled_jobs"]


class ScaledBy:
    """A row times a per-step scale row, kept at or above ``min(row, floor)``, evaluated per step."""

    __slots__ = ("floor", "row", "scale")

    def __init__(self, row: Any, scale: Any, floor: float | None) -> None:
        self.row, self.scale, self.floor = row, scale, floor

    def __getitem__(self, k: int) -> float:
        base = self.row[k]
        value = base * float(self.scale[k])
        return value if self.floor is None else max(value, min(base, self.floor))


def floors(value: Any, n_groups: int) -> list[float | None]:
    """One floor per param group (a finite number >= 0, or None) from one number (a 0-d tensor or array as its
    number), a list (a 1-d tensor or array as its list), or None."""
    allowed = f"one number or a list of {n_groups} (one per param group)"
    value = number("floors", listed("floors", value, allowed), allowed)
    items = list(value) if isinstance(value, (list, tuple)) else [value] * n_groups
    if len(items) != n_groups:
        fail("floors", f"one number or a list of {n_groups} (one per param group)", value)
    out: list[float | None] = []
    for i, f in enumerate(items):
        if f is None:
            out.append(None)
        else:
            read = number(f"floors[{i}]", f, "a finite number >= 0 or None")
            if (
                isinstance(read, bool)
                or not isinstance(read, numbers.Real)
                or not math.isfinite(read)
                or read < 0
            ):
                fail(f"floors[{i}]", "a finite number >= 0 or None", f)
            out.append(float(read))
    return out


def scaled_jobs(
    jobs: Sequence[tuple[int, Any]],
    scale_index: Sequence[int],
    scale_rows: Sequence[Any],
    group_floors: Sequence[float | None],
    initial_lrs: Sequence[float],
    block: int,
) -> list[tuple[int, Any]]:
    """The LR jobs ``(group, row)`` of a block with each group's scale and floor applied.

    ``scale_index[i]`` is the row of group ``i``'s scale in ``scale_rows`` (-1: none). A group with a scale
    but no LR job is scaled from its ``initial_lrs`` entry.
    """
    own: Mapping[int, Any] = dict(jobs)
    out: list[tuple[int, Any]] = []
    for i, j in enumerate(scale_index):
        base = own.get(i)
        if j < 0:
            if base is not None:
                out.append((i, base))
            continue
        if base is None:
            base = [float(initial_lrs[i])] * block
        scale, floor = scale_rows[j], group_floors[i]
        if isinstance(base, list) and isinstance(scale, np.ndarray):
            row = np.asarray(base, dtype=np.float64)
            values = row * scale
            out.append(
                (i, (values if floor is None else np.maximum(values, np.minimum(row, floor))).tolist())
            )
        else:
            out.append((i, ScaledBy(base, scale, floor)))
    return out
