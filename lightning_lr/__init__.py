"""lightning_lr: the learning rate for PyTorch Lightning.

Schedules are pure functions of the optimizer step (:mod:`lightning_lr.schedules`), applied by one torch
scheduler (:mod:`lightning_lr.optim`) and injected into Lightning by callbacks or a mixin. The Lightning
parts are imported on first use, so ``import lightning_lr.schedules`` stays free of torch and Lightning.
"""

from __future__ import annotations

import importlib as _importlib
from typing import TYPE_CHECKING, Any

from . import schedules

if TYPE_CHECKING:  # what the lazy names are, for type checkers (imported on first use at run time)
    from .mixin import LRScheduleMixin
    from .tuner import LRRangeTest, MomentumRangeTestResult, RangeTestResult, Tuner, WeightDecayResult

__version__ = "0.1.0.dev0"

_LAZY = {
    "LRScheduleMixin": "lightning_lr.mixin",
    "LRRangeTest": "lightning_lr.tuner",
    "Tuner": "lightning_lr.tuner",
    "RangeTestResult": "lightning_lr.tuner",
    "MomentumRangeTestResult": "lightning_lr.tuner",
    "WeightDecayResult": "lightning_lr.tuner",
}

__all__ = [
    "LRRangeTest",
    "LRScheduleMixin",
    "MomentumRangeTestResult",
    "RangeTestResult",
    "Tuner",
    "WeightDecayResult",
    "schedules",
]
# (``__version__`` is not in ``__all__``: a star import would replace the importing module's own; review 137)


#: the subpackages and modules an attribute access imports (``lightning_lr.callbacks.OneCycle`` after ``import
#: lightning_lr``, as ``schedules`` is imported with the package; review 70: an AttributeError; review 137:
#: ``mixin`` and ``cli`` too)
_SUBPACKAGES = ("callbacks", "cli", "mixin", "optim", "tuner", "plotting")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(_importlib.import_module(_LAZY[name]), name)
    if name in _SUBPACKAGES:
        return _importlib.import_module(f"lightning_lr.{name}")
    raise AttributeError(f"module 'lightning_lr' has no attribute {name!r}")


def __dir__() -> list[str]:
    # the subpackages too, as a shell's completion lists them (review 83)
    return sorted({*__all__, *_SUBPACKAGES, "schedules"})
