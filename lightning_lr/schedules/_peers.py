"""Other libraries' names for the pure schedules' arguments, and the names of the same argument on a sibling
(the ``total`` the pure :class:`~lightning_lr.schedules.OneCycle` calls ``total_steps``), each mapped to what to
pass here instead: the hint that :func:`lightning_lr._validate.known_as` adds to the TypeError of an unknown
keyword. ``lightning_lr.callbacks._peers`` holds the callbacks' tables (a callback counts in epochs too, so
its hints differ).
"""

from __future__ import annotations

__all__ = [
    "COSINE",
    "CYCLIC",
    "EXPONENTIAL",
    "INVERSE_SQRT",
    "LINEAR",
    "MULTISTEP",
    "ONE_CYCLE",
    "POLYNOMIAL",
    "RESTARTS",
    "STEP",
    "TIME",
    "WSD",
]

#: a decay without a warm-up of its own: the names of one
_NO_WARMUP = {
    name: f"nothing: this schedule has no warm-up; warmup(schedule, steps) puts a linear one before it ({source})"
    for name, source in (
        ("warmup", "the callbacks' warmup"),
        ("warmup_steps", "Keras' and optax's warmup_steps"),
        ("num_warmup_steps", "transformers' num_warmup_steps"),
    )
}
#: the schedules with a ``warmup`` argument
_WARMUP = {
    "warmup_steps": "warmup (Keras' and optax's warmup_steps)",
    "num_warmup_steps": "warmup (transformers' num_warmup_steps)",
}
#: the schedules that end at ``total``
_TOTAL = {
    "total_steps": "total (the pure OneCycle's and torch's OneCycleLR total_steps)",
    "num_training_steps": "total (transformers' num_training_steps)",
}
COSINE = {
    **_NO_WARMUP,
    **_TOTAL,
    "T_max": "total (torch's CosineAnnealingLR T_max)",
    "eta_min": "final (torch's CosineAnnealingLR eta_min)",
}
RESTARTS = {
    **_NO_WARMUP,
    "T_0": "period (torch's CosineAnnealingWarmRestarts T_0)",
    "T_mult": "period_mult (torch's CosineAnnealingWarmRestarts T_mult)",
    "eta_min": "final (torch's CosineAnnealingWarmRestarts eta_min)",
    "cycle_mul": "period_mult (timm's cycle_mul)",
    "cycle_decay": "decay (timm's cycle_decay)",
    "lr_min": "final (timm's lr_min)",
}
POLYNOMIAL = {**_NO_WARMUP, **_TOTAL, "total_iters": "total (torch's PolynomialLR total_iters)"}
LINEAR = {**_TOTAL, "total_iters": "total (torch's LinearLR total_iters)"}
WSD = {**_WARMUP, **_TOTAL, "num_decay_steps": "decay (transformers' num_decay_steps)"}
INVERSE_SQRT = dict(_WARMUP)
STEP = {
    **_NO_WARMUP,
    "step_size": "every (torch's StepLR step_size)",
    "gamma": "drop (torch's StepLR gamma)",
}
MULTISTEP = {**_NO_WARMUP, "drop": "gamma (StepDecay's drop)"}
EXPONENTIAL = {
    **_NO_WARMUP,
    "drop": "gamma (StepDecay's drop; here the factor per every)",
    "decay_rate": "gamma (Keras' decay_rate)",
    "decay_steps": "every (Keras' decay_steps)",
}
TIME = {
    **_NO_WARMUP,
    "initial_learning_rate": "initial (Keras' initial_learning_rate)",
    "decay_rate": "decay (Keras' decay_rate)",
    "decay_steps": "every (Keras' decay_steps)",
}
ONE_CYCLE = {
    "total": "total_steps (the OneCycle callback's and the other schedules' total)",
    "anneal_strategy": "anneal (torch's anneal_strategy)",
    "epochs": "total_steps=epochs * steps_per_epoch (torch's epochs)",
    "steps_per_epoch": "total_steps=epochs * steps_per_epoch (torch's steps_per_epoch)",
}
CYCLIC = {"step_size_up": "step_size (torch's step_size_up)"}
