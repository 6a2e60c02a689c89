"""Torch adapter: :class:`ScheduleLR` applies pure schedules to an optimizer's param groups, and drop-in
replacements for ``torch.optim.lr_scheduler`` classes are thin layers over it."""

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
from .schedule_lr import ScheduleLR, momentum_key

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
]
