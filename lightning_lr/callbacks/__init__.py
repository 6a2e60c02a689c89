"""Lightning callbacks that put a schedule into ``configure_optimizers``' result.

Add one to the ``Trainer`` and Lightning steps the LR (and momentum) once per optimizer step,
checkpoints it and restores it; LearningRateMonitor's tags get the values.

Example:
    >>> import lightning.pytorch as pl
    >>> from lightning_lr.callbacks import CosineDecay, Epochs, OneCycle
    >>> trainer = pl.Trainer(max_epochs=10, callbacks=[OneCycle(max_lr=0.1)], logger=False)
    >>> cosine = CosineDecay(warmup=Epochs(1), final=1e-5)
"""

from .base import OptimizerInfo, ScheduleCallback
from .cyclic import Cyclic, OneCycle
from .decay import CosineDecay, ExponentialDecay, MultiStepDecay, PolynomialDecay, StepDecay, TimeDecay
from .durations import Duration, Epochs, Fraction, RunInfo
from .generic import LRSchedule
from .inverse_sqrt import InverseSqrt
from .plateau import ReduceOnPlateau
from .schedule_free import ScheduleFree
from .warmup_stable_decay import WarmupStableDecay

__all__ = [
    "CosineDecay",
    "Cyclic",
    "Duration",
    "Epochs",
    "ExponentialDecay",
    "Fraction",
    "InverseSqrt",
    "LRSchedule",
    "MultiStepDecay",
    "OneCycle",
    "OptimizerInfo",
    "PolynomialDecay",
    "ReduceOnPlateau",
    "RunInfo",
    "ScheduleCallback",
    "ScheduleFree",
    "StepDecay",
    "TimeDecay",
    "WarmupStableDecay",
]
