"""What ``configure_optimizers`` builds for another value of one of the module's attributes, the module left
as it was.

The range test asks the hook questions: does it read ``lr`` (or ``weight_decay``) at all, which value of
the attribute gives the param group the test swept the value found, how does it share a weight decay among
its groups. Each question is a call of the hook with the attribute set to a value; :func:`built_with` is that
call, for all of them (review 63: three copies of it disagreed on what they put back). The module is left as
it was: the attribute, and any instance attribute the hook rebinds (``self.optimizer = opt``, which would
otherwise point at a throwaway optimizer after the question).
"""

from __future__ import annotations

from typing import Any

import lightning.pytorch as pl
from lightning.pytorch.utilities.parsing import lightning_getattr, lightning_setattr

from .. import _lightning_compat as L
from ..callbacks._inject import bare

__all__ = ["built_with"]


def built_with(module: pl.LightningModule, attr: str, value: Any) -> list[Any]:
    """The optimizers ``configure_optimizers`` builds with ``attr`` (an attribute or hparam) at ``value``,
    parsed as the trainer parses them, the schedule callbacks' injection paused. ``attr`` and every instance
    attribute the hook rebinds or adds are put back; what the assignment or the hook raises is raised (an
    attribute that cannot be set, a value the hook refuses: the caller cannot tell, and decides)."""
    kept = dict(vars(module))
    old = lightning_getattr(module, attr)
    try:
        lightning_setattr(module, attr, value)  # nothing to put back when this raises
        try:
            with bare(module):
                return L.configured_optimizers(module)
        finally:
            lightning_setattr(module, attr, old)
    finally:
        now = vars(module)
        for key in [k for k in now if k not in kept]:
            del now[key]
        for key, item in kept.items():
            if now.get(key, item) is not item or key not in now:
                now[key] = item
