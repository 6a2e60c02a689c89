"""Torch adapter: :class:`ScheduleLR` applies pure schedules to an optimizer's param groups, and drop-in
replacements for ``torch.optim.lr_scheduler`` classes are thin layers over it."""

from . import param_groups
from .dropins import (
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    OneCycleLR,
    PolynomialLR,
    StepLR,
)
from .param_groups import momentum_key
from .schedule_lr import ScheduleLR

__all__ = [
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "ScheduleLR",
    "StepLR",
    "momentum_key",
    "param_groups",
]
