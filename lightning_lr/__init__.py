"""lightning_lr: the learning rate for PyTorch Lightning.

Schedules are pure functions of the optimizer step (:mod:`lightning_lr.schedules`), applied by one torch
scheduler (:mod:`lightning_lr.optim`) and injected into Lightning by callbacks or a mixin.
"""

from . import schedules

__version__ = "0.1.0.dev0"

__all__ = ["__version__", "schedules"]
