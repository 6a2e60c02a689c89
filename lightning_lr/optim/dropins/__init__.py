"""Drop-in replacements for ``torch.optim.lr_scheduler`` classes.

Each class has torch's constructor signature and defaults and gives torch's values, but is only a thin
layer: it maps torch's arguments onto pure schedules from :mod:`lightning_lr.schedules` (whose checks
report a wrong argument under torch's name) and hands them to :class:`~lightning_lr.optim.ScheduleLR`,
which applies them in closed form from the step count. There is no recursive formula and no second
stepping mechanism, so resuming, jumping with ``step(epoch)`` and running far past the end are exact and
cheap.

Schedulers whose torch formula is ``base_lr * factor(step)`` (StepLR, MultiStepLR, ExponentialLR,
LinearLR, PolynomialLR, LambdaLR, MultiplicativeLR: :mod:`.decay`) use one shape schedule for every group
in ``relative`` mode; the others (CyclicLR, OneCycleLR: :mod:`.cyclic`; CosineAnnealingLR,
CosineAnnealingWarmRestarts: :mod:`.cosine`) build one absolute schedule per param group. :mod:`._args`
maps torch's arguments (per-group lists, tensors, names) onto the schedules.

Where torch raises or misbehaves, a drop-in differs on purpose; each class's docstring says where. Common
to all of them:

- The LR is always ``schedule(last_epoch)``, so a change made to ``group["lr"]`` from outside is
  overwritten at the next step (torch's recursive schedulers carry it along).
- Creating a scheduler with ``last_epoch=k`` applies the value at step ``k + 1``, as torch's closed-form
  schedulers (OneCycleLR, CyclicLR) do. torch's recursive ones keep the optimizer's current LR for that
  first step and stay one step behind ``last_epoch`` from then on (CosineAnnealingLR also drifts off its
  curve). Resuming with ``load_state_dict`` is exact in both.
- ``state_dict()`` holds the step and readable reprs of the schedules, never functions. A torch
  scheduler's state_dict loads into the matching drop-in (only its step is used), so a run can switch from
  torch's scheduler to ours through a checkpoint.
"""

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
]
