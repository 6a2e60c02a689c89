"""What ``configure_optimizers`` builds for another value of one of the module's attributes, the module left
as it was.

The range test asks the hook questions: does it read ``lr`` (or ``weight_decay``) at all, which value of
the attribute gives the param group the test swept the value found, how does it share a weight decay among
its groups. Each question is a call of the hook with the attribute set to a value; :func:`built_with` is that
call, for all of them (review 63: three copies of it disagreed on what they put back). What it puts back:
the attribute, and every entry of the module's ``__dict__`` the hook rebinds or adds (``self.optimizer =
opt``, which would otherwise point at a throwaway optimizer after the question; a counter the hook bumps).
Not what the hook changes in place: keys it adds to ``self.hparams``, a submodule it registers, a tensor it
writes to (review 64).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import lightning.pytorch as pl
from lightning.pytorch.utilities.parsing import lightning_getattr, lightning_setattr

from .. import _lightning_compat as L
from ..callbacks._inject import bare

__all__ = ["Found", "built_with", "setting_for"]

#: how many settings :func:`setting_for` tries after the first: each scaled by ``target / read`` from the last
_TRIES = 8


def built_with(
    module: pl.LightningModule, attr: str, value: Any, build: Callable[[Any], Any] = L.configured_optimizers
) -> Any:
    """The optimizers ``configure_optimizers`` builds with ``attr`` (an attribute or hparam) at ``value``,
    parsed as the trainer parses them (``build``: :func:`~lightning_lr._lightning_compat.configured` for the
    schedulers too), the schedule callbacks' injection paused. ``attr`` and every instance attribute the hook
    rebinds or adds are put back; what the assignment or the hook raises is raised (an attribute that cannot
    be set, a value the hook refuses: the caller cannot tell, and decides)."""
    kept = dict(vars(module))
    old = lightning_getattr(module, attr)
    try:
        lightning_setattr(module, attr, value)  # nothing to put back when this raises
        try:
            with bare(module):
                return build(module)
        finally:
            lightning_setattr(module, attr, old)
    finally:
        now = vars(module)
        for key in [k for k in now if k not in kept]:
            del now[key]
        for key, item in kept.items():
            if now.get(key, item) is not item or key not in now:
                now[key] = item


@dataclass(frozen=True)
class Found:
    """Where :func:`setting_for` looked: the ``setting`` it ends at and the ``optimizers`` built there;
    ``proportional`` when ``read`` gives the target there (else ``first`` is what ``read`` gave at the
    setting it scaled from, ``first_setting``, and ``last`` what it gives at ``setting``)."""

    setting: float
    optimizers: list[Any]
    proportional: bool
    first_setting: float
    first: float
    last: float | None


def setting_for(
    module: pl.LightningModule,
    attr: str,
    target: float,
    read: Callable[[list[dict[str, Any]]], float | None],
) -> tuple[Found | None, str]:
    """The value of ``attr`` for which the one optimizer ``configure_optimizers`` builds has ``read(its
    groups) == target`` (the LR of its group with the largest LR, the largest weight decay), as a
    :class:`Found` and ""; None and why when the hook cannot tell (it raises, builds other than one
    optimizer, or ``read`` gives no value > 0).

    The hook is read at ``target`` (at a tenth, a hundredth or a thousandth of it when it raises there: a
    hook that refuses large values, review 64), then at that setting scaled by ``target / read``: the
    setting when ``read`` is in proportion to ``attr`` (a head at ``10 * self.lr``: a tenth), else scaled
    again from there, up to ``_TRIES`` times (a clamp, ``min(10 * wd, 0.2)``, is in proportion below it).
    Not found: the first setting and its optimizers, ``proportional`` False."""
    first_setting, built, why = target, None, ""
    for first_setting in (target, target / 10, target / 100, target / 1000):
        try:
            built = built_with(module, attr, first_setting)
            break
        except Exception as exc:  # the hook's own business: try a smaller setting
            why = f"setting {attr} and calling it raised {type(exc).__name__}: {exc}"
    if built is None:
        return None, why
    if len(built) != 1:
        return None, f"it builds {len(built)} optimizers"
    first = read(built[0].param_groups)
    if first is None or not first > 0:
        return None, f"it gives no param group a {attr} > 0"
    if math.isclose(first, target, rel_tol=1e-9):
        return Found(first_setting, built, True, first_setting, first, first), ""
    setting, got = first_setting, first
    last: float | None = None
    for _ in range(_TRIES):  # one step for a hook in proportion; a few where it clamps (review 64)
        setting = setting * target / got
        try:
            again = built_with(module, attr, setting)
        except Exception:
            break
        last = read(again[0].param_groups) if len(again) == 1 else None
        if last is None or not last > 0:
            break
        if math.isclose(last, target, rel_tol=1e-6):
            return Found(setting, again, True, first_setting, first, last), ""
        got = last
    return Found(first_setting, built, False, first_setting, first, last), ""
