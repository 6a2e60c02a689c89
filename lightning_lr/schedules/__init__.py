"""Pure learning-rate and momentum schedules: callables ``step -> float`` with no torch dependency.

Every schedule is a pure function of the optimizer step (0 before the first step), validated at
construction, immutable (``replace(...)`` builds a changed copy), picklable, with a readable repr, a
vectorized ``values(n)`` and a ``natural_length()`` (how many steps show its whole shape).
"""

from ._base import Schedule
from .compose import Join, Lambda, Multiplicative, join, warmup
from .cyclic import Cyclic, CyclicMomentum, OneCycle, OneCycleMomentum
from .decay import (
    Constant,
    CosineDecay,
    CosineRestarts,
    ExponentialDecay,
    GrowthWarning,
    Linear,
    MultiStepDecay,
    PolynomialDecay,
    StepDecay,
    TimeDecay,
)
from .long_run import InverseSqrt, WarmupStableDecay

__all__ = [
    "Constant",
    "CosineDecay",
    "CosineRestarts",
    "Cyclic",
    "CyclicMomentum",
    "ExponentialDecay",
    "GrowthWarning",
    "InverseSqrt",
    "Join",
    "Lambda",
    "Linear",
    "MultiStepDecay",
    "Multiplicative",
    "OneCycle",
    "OneCycleMomentum",
    "PolynomialDecay",
    "Schedule",
    "StepDecay",
    "TimeDecay",
    "WarmupStableDecay",
    "join",
    "warmup",
]
