"""How a weight-decay sweep shares one weight decay among the param groups: the split.

A sweep (and each candidate, and a live fit the answer is applied to) gives the group with the largest
weight decay the swept value and every other group its ratio to it, as the LR's groups keep their ratio to
the largest LR. The ratios come from the groups as configured; when every group is at 0 there are none to
read, so they come from what ``configure_optimizers`` builds for ``weight_decay=1`` (review 59: a split
``(0.5 * self.weight_decay, self.weight_decay)`` built from a module at 0 was swept as another split, and
the next fit trained the module's own), and only when that cannot tell, from the usual convention.
"""

from __future__ import annotations

from typing import Any

import lightning.pytorch as pl
from lightning.pytorch.utilities.parsing import lightning_getattr, lightning_hasattr, lightning_setattr

from .. import _lightning_compat as L
from ..callbacks._inject import bare
from ..optim import param_groups as pg

__all__ = ["Split", "set_weight_decay", "split"]

Split = tuple[float, ...]


def split(module: pl.LightningModule | None, groups: list[dict[str, Any]]) -> Split:
    """Each group's weight decay as a fraction of the largest one's, for :func:`set_weight_decay`.

    - Some group has a weight decay > 0: the groups' own ratios (groups at 0, such as biases and norms,
      stay at 0).
    - Every group is at 0: the ratios of the optimizer ``configure_optimizers`` builds with the module's
      ``weight_decay`` attribute or hparam at 1, when it builds one optimizer with the same groups (the same
      parameters, in the same order) and some weight decay > 0 in them.
    - Otherwise the usual split: groups that hold a matrix or a kernel (a parameter of 2 or more
      dimensions) get the value and groups of biases and norm scales alone stay at 0; every group when none
      holds one.
    """
    top = pg.largest_weight_decay(groups) or 0.0
    if top > 0.0:
        return tuple((pg.weight_decay(g) or 0.0) / top for g in groups)
    built = _built_at_one(module, groups) if module is not None else None
    if built is not None:
        return built
    usual = tuple(float(any(getattr(p, "ndim", 0) >= 2 for p in g["params"])) for g in groups)
    return usual if any(usual) else (1.0,) * len(groups)


def _built_at_one(module: pl.LightningModule, groups: list[dict[str, Any]]) -> Split | None:
    """The ratios of the groups ``configure_optimizers`` builds with ``weight_decay=1``; None when the module
    has no ``weight_decay``, the hook fails or builds other groups, or every weight decay it gives is 0."""
    if not lightning_hasattr(module, "weight_decay"):
        return None
    old = lightning_getattr(module, "weight_decay")
    try:
        with bare(module):
            lightning_setattr(module, "weight_decay", 1.0)
            optimizers = L.configured_optimizers(module)
    except Exception:  # the hook's own business (it cannot build for 1): do not guess
        return None
    finally:
        lightning_setattr(module, "weight_decay", old)
    if len(optimizers) != 1:
        return None
    built = optimizers[0].param_groups
    same = len(built) == len(groups) and all(
        [id(p) for p in a["params"]] == [id(p) for p in b["params"]]
        for a, b in zip(built, groups, strict=True)
    )
    top = (pg.largest_weight_decay(built) or 0.0) if same else 0.0
    if not top > 0.0:
        return None
    return tuple((pg.weight_decay(g) or 0.0) / top for g in built)


def set_weight_decay(groups: list[dict[str, Any]], value: float, ratios: Split) -> None:
    """Give each group ``value`` times its ratio (:func:`split`); a group at ratio 0 keeps its weight decay.
    Called on the groups as configured (each sweep and candidate starts from the restored state)."""
    if len(ratios) != len(groups):
        raise ValueError(f"a split of {len(ratios)} ratios for {len(groups)} param groups")
    for g, r in zip(groups, ratios, strict=True):
        if r:
            pg.set_weight_decay(g, value * r)
