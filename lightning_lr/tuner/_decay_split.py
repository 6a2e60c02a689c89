"""How a weight-decay sweep shares one weight decay among the param groups: the split.

A sweep (and each candidate, and a live fit the answer is applied to) gives the group with the largest
weight decay the swept value and every other group its ratio to it, as the LR's groups keep their ratio to
the largest LR. The ratios come from the groups as configured; when every group is at 0 there are none to
read, so they come from what ``configure_optimizers`` builds for the swept value (review 59: a split
``(0.5 * self.weight_decay, self.weight_decay)`` built from a module at 0 was swept as another split, and
the next fit trained the module's own), and only when that cannot tell, from the usual convention, with a
warning where the hook has a ``weight_decay`` to read. A param group has one weight decay: the convention
decays the biases and norm scales of a group that holds a matrix too, and says so (review 114: the docs
promised they stay at 0, and a module without ``weight_decay`` had them decayed without a word).
"""

from __future__ import annotations

from typing import Any

import lightning.pytorch as pl
from lightning.pytorch.utilities.parsing import lightning_hasattr

from .. import _lightning_compat as L
from .. import _validate as V
from ..optim import param_groups as pg
from ._hook import setting_for

__all__ = ["Split", "set_weight_decay", "split"]

Split = tuple[float, ...]


def split(
    module: pl.LightningModule | None, groups: list[dict[str, Any]], value: float, *, quiet: bool = False
) -> Split:
    """Each group's weight decay as a fraction of the largest one's, for :func:`set_weight_decay` of
    ``value``.

    - Some group has a weight decay > 0: the groups' own ratios (groups at 0, such as biases and norms,
      stay at 0).
    - Every group is at 0: the ratios of the groups ``configure_optimizers`` builds with the module's
      ``weight_decay`` attribute or hparam at the setting that gives its largest group ``value`` (as the
      answer is applied), each matched to the group holding the same parameters (reviews 63 and 64: read
      at 1, or at ``value`` itself, a hook that refuses large values, or clamps one group's, was swept with
      a split it never trains).
    - Otherwise (no module, no ``weight_decay``, a hook that fails, builds other groups or gives no weight
      decay): groups that hold a matrix or a kernel (a parameter of 2 or more dimensions) get the value and
      groups of biases and norm scales alone stay at 0; every group when none holds one. A module with a
      ``weight_decay`` gets a warning then: the next fit may train another split. A group given the value
      that holds biases or norm scales (beside a matrix, or where no group holds one) decays them too, a
      param group having one weight decay: a warning says so (unless ``quiet``: said for another value).
    """
    top = pg.largest_weight_decay(groups) or 0.0
    if top > 0.0:
        return tuple((pg.weight_decay(g) or 0.0) / top for g in groups)
    usual = tuple(float(any(getattr(p, "ndim", 0) >= 2 for p in g["params"])) for g in groups)
    if not any(usual):
        usual = (1.0,) * len(groups)
    decayed = _decayed_vectors(module, groups, usual) if value > 0.0 else ""
    if module is not None and lightning_hasattr(module, "weight_decay") and value > 0.0:
        built, why = _built(module, groups, value)
        if built is not None:
            return built
        L.warn_at_user(
            f"LR range test: every param group's weight decay is 0 when the test runs, and the split of a weight "
            f"decay > 0 among them cannot be read from configure_optimizers ({why}): the sweeps give the "
            f"groups that hold a matrix or a kernel the swept value and the others 0"
            + (f" ({decayed}, decayed with it: a param group has one weight decay)" if decayed else "")
            + ", and the next fit trains the split configure_optimizers builds",
            category=UserWarning,
        )
    elif decayed and not quiet:
        name = type(module).__name__ if module is not None else "the module"
        L.warn_at_user(
            f"LR range test: every param group's weight decay is 0 when the test runs and {name} has no "
            f"'weight_decay' attribute or hparam for configure_optimizers to split one by, so the sweeps give "
            f"the swept weight decay to the groups that hold a matrix or a kernel (2 or more dimensions), or to "
            f"every group where none does; {decayed}, and a param group has one weight decay: they are decayed "
            f"too. To keep them at 0, give them a param group of their own with weight_decay=0, or configure "
            f"the split (a weight_decay > 0 on the groups that decay)",
            category=UserWarning,
        )
    return usual


def _decayed_vectors(module: pl.LightningModule | None, groups: list[dict[str, Any]], ratios: Split) -> str:
    """Which of the groups given a weight decay by ``ratios`` hold biases or norm scales (parameters of fewer
    than 2 dimensions), said for a warning ("param group 0 holds biases or norm scales (net.0.bias, ...)");
    "" when none does."""
    names = {id(p): n for n, p in module.named_parameters()} if module is not None else {}
    found: list[tuple[int, list[str]]] = []
    for i, (g, r) in enumerate(zip(groups, ratios, strict=True)):
        small = [p for p in g["params"] if getattr(p, "ndim", 0) < 2]
        if r and small:
            found.append((i, [names[id(p)] for p in small if id(p) in names]))
    if not found:
        return ""
    which = ", ".join(str(i) for i, _ in found)
    shown = [n for _, ns in found for n in ns]
    example = f" ({', '.join(shown[:3])}{', ...' if len(shown) > 3 else ''})" if shown else ""
    if len(found) == 1:
        return f"param group {which} holds biases or norm scales{example}"
    return f"param groups {which} hold biases or norm scales{example}"


def _built(
    module: pl.LightningModule, groups: list[dict[str, Any]], value: float
) -> tuple[Split | None, str]:
    """The ratios, in the order of ``groups``, of the groups ``configure_optimizers`` builds with the
    ``weight_decay`` that gives its group with the largest weight decay ``value`` (:func:`._hook.setting_for`,
    as the answer is applied: review 64 found the split read at ``weight_decay=value``, ten times the setting
    of a hook that gives its last layer ``10 * wd``); else None and why not."""
    found, why = setting_for(module, "weight_decay", value, pg.largest_weight_decay)
    if found is None:
        return None, why
    by_params = {frozenset(id(p) for p in g["params"]): g for g in found.optimizers[0].param_groups}
    matched = [by_params.get(frozenset(id(p) for p in g["params"])) for g in groups]
    if len(by_params) != len(groups) or any(g is None for g in matched):
        return None, "for a weight decay > 0 it builds other param groups than the optimizer has"
    top = pg.largest_weight_decay([g for g in matched if g is not None]) or 0.0
    return tuple((pg.weight_decay(g) or 0.0) / top for g in matched if g is not None), ""


def set_weight_decay(groups: list[dict[str, Any]], value: float, ratios: Split) -> None:
    """Give each group ``value`` times its ratio (:func:`split`); a group at ratio 0 keeps its weight decay.
    Called on the groups as configured (each sweep and candidate starts from the restored state)."""
    if len(ratios) != len(groups):
        raise ValueError(
            f"a split of {V.counted(len(ratios), 'ratio')} for {V.counted(len(groups), 'param group')}"
        )
    for g, r in zip(groups, ratios, strict=True):
        if r:
            pg.set_weight_decay(g, value * r)
