"""Drop-in replacements for ``torch.optim.lr_scheduler`` classes.

Each class has torch's constructor signature and defaults and gives torch's values, but is only a thin
layer: it maps torch's arguments onto pure schedules from :mod:`lightning_lr.schedules` (whose checks
report a wrong argument under torch's name) and hands them to :class:`~lightning_lr.optim.ScheduleLR`,
which applies them in closed form from the step count, so resuming, jumping with ``step(epoch)`` and
running far past the end are exact and cheap.

What torch's users rely on beyond a scheduler's own values is kept (:mod:`._base`): schedulers stacked on
one optimizer (side by side, ChainedScheduler, SequentialLR, ConstantLR, ReduceLROnPlateau) compound as
torch's do, while a drop-in alone stays bit for bit its closed form; torch's warnings fire where torch's
do; ``state_dict()`` has torch's keys, hyperparameters included, and loads into torch's scheduler of the
same class and back.

Schedulers whose torch formula is ``base_lr * factor(step)`` (StepLR, MultiStepLR, ExponentialLR,
LinearLR, PolynomialLR: :mod:`.decay`; LambdaLR, MultiplicativeLR: :mod:`.lambdas`) use one shape
schedule for every group in ``relative`` mode; the others (CyclicLR, OneCycleLR: :mod:`.cyclic`;
CosineAnnealingLR, CosineAnnealingWarmRestarts: :mod:`.cosine`) build one absolute schedule per param
group. :mod:`._args` maps torch's arguments (per-group lists, tensors, names) onto the schedules.

Where torch raises, divides by zero, goes negative or accepts arguments that make no sense, a drop-in
differs on purpose; each class's docstring says where, and ``docs/differences_from_torch.md`` lists them
all. Common to all of them: creating a scheduler with ``last_epoch=k`` applies the value at step
``k + 1``, as torch's closed-form schedulers (OneCycleLR, CyclicLR) do; torch's recursive ones keep the
optimizer's LR for that first step and stay one step behind ``last_epoch`` from then on.

The drop-ins are ``torch.optim.lr_scheduler.LRScheduler`` subclasses (through ``ScheduleLR``), not subclasses
of torch's classes of the same name: ``isinstance(s, torch.optim.lr_scheduler.OneCycleLR)`` is False, so
Lightning's warning for a ``OneCycleLR`` at ``interval: "epoch"`` is not given (docs/differences_from_torch.md).
"""

from ._base import state_class
from .cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from .cyclic import CyclicLR, OneCycleLR
from .decay import ExponentialLR, LinearLR, MultiStepLR, PolynomialLR, StepLR
from .lambdas import LambdaLR, MultiplicativeLR

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
    "StepLR",
    "state_class",
]
