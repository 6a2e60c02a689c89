"""Other libraries' names for the schedule callbacks' arguments, and what to pass here instead.

Each table maps a name that transformers, timm, fastai, Keras or torch gives an argument which a callback
here spells differently, or that a sibling here gives it (the pure OneCycle's ``total_steps``, StepDecay's
``drop``), to the hint that :func:`lightning_lr._validate.known_as` adds to the TypeError of an
unknown keyword. ``docs/from_transformers_and_timm.md`` and the README's fastai table map the same names.
"""

from __future__ import annotations

__all__ = [
    "COSINE",
    "CYCLIC",
    "EXPONENTIAL",
    "INVERSE_SQRT",
    "MONITOR",
    "MULTISTEP",
    "ONE_CYCLE",
    "PLATEAU",
    "POLYNOMIAL",
    "STEP",
    "TIME",
    "WSD",
]

_DOC = "docs/from_transformers_and_timm.md"

#: every preset with a ``warmup=`` argument
_WARMUP = {
    "num_warmup_steps": "warmup (transformers' num_warmup_steps)",
    "warmup_steps": "warmup (Keras' and optax's warmup_steps)",
    "warmup_ratio": "warmup=Fraction(warmup_ratio) (transformers' TrainingArguments.warmup_ratio: a share of the run)",
    "warmup_t": (
        f"warmup=Epochs(warmup_t) (timm's warmup_t counts epochs unless t_in_epochs=False; an int here is "
        f"optimizer steps; warm-up before the schedule is timm's warmup_prefix=True, the default of its "
        f"StepLRScheduler and MultiStepLRScheduler; the CosineLRScheduler's default, warmup_prefix=False, "
        f"overlaps them: a Lambda, {_DOC})"
    ),
    "warmup_lr_init": f"LRSchedule(warmup(schedule, steps, start=warmup_lr_init)) (timm's warmup_lr_init; {_DOC})",
    "warmup_prefix": f"nothing: warmup= comes before the schedule, as timm's warmup_prefix=True ({_DOC})",
    "warmup_lr_rate": (
        f"LRSchedule(warmup(schedule, steps, start=warmup_lr_rate * peak)) (transformers' warmup_lr_rate; {_DOC})"
    ),
    "t_in_epochs": (
        "nothing: a duration given as Epochs(n) counts epochs, an int counts optimizer steps (timm's t_in_epochs)"
    ),
    **{
        name: (
            f"nothing: lightning_lr's schedules add no noise (timm's {name}); a Lambda can add noise drawn from a "
            f"hash of the step, which keeps the schedule a pure function of it ({_DOC})"
        )
        for name in ("noise_range_t", "noise_pct", "noise_std", "noise_seed", "noise_type")
    },
}
#: the presets that reach ``final`` at ``total``
_TO_FINAL = {
    **_WARMUP,
    "num_training_steps": "total (transformers' num_training_steps; the default is the whole run)",
    "total_steps": (
        "total (the pure OneCycle's and torch's OneCycleLR total_steps: optimizer steps; the default is the whole run)"
    ),
    "t_initial": (
        "total=Epochs(t_initial) (timm's t_initial counts epochs unless t_in_epochs=False; an int here is "
        "optimizer steps; the default is the whole run)"
    ),
    "lr_min": "final (timm's lr_min)",
    "min_lr": "final (transformers' min_lr)",
    "min_lr_rate": "final_ratio (transformers' min_lr_rate)",
    "min_lr_ratio": "final_ratio (transformers' min_lr_ratio)",
    "lr_end": (
        "final (transformers' lr_end; one number is the final LR of the param group with the largest LR, "
        "the others keep their ratio to it; a list gives one per group)"
    ),
}
COSINE = {
    **_TO_FINAL,
    "num_cycles": f"LRSchedule(warmup(schedules.CosineDecay(..., periodic=True), W)) (transformers' num_cycles; {_DOC})",
    **{
        name: (
            f"LRSchedule(schedules.CosineRestarts(..., period_mult=cycle_mul, decay=cycle_decay)), joined to a "
            f"Constant after cycle_limit cycles (timm's {name}; {_DOC})"
        )
        for name in ("cycle_mul", "cycle_decay", "cycle_limit")
    },
    "k_decay": f"a Lambda: no preset has timm's k_decay ({_DOC})",
    "T_max": "total (torch's CosineAnnealingLR T_max; the default is the whole run)",
    "eta_min": "final (torch's CosineAnnealingLR eta_min)",
}
POLYNOMIAL = {
    **_TO_FINAL,
    "total_iters": "total (torch's PolynomialLR total_iters; the default is the whole run)",
}
WSD = {
    **_TO_FINAL,
    "num_decay_steps": "decay (transformers' num_decay_steps)",
    "num_stable_steps": "nothing: the stable phase is what warmup and decay leave of total",
    "decay_type": "shape (transformers' decay_type, whose default is 'cosine'; shape's is '1-sqrt')",
    "warmup_type": f"nothing: the warm-up is linear, transformers' default warmup_type; another is a Lambda ({_DOC})",
    "num_cycles": (
        f"nothing: shape='cosine' decays over half a wave, transformers' default num_cycles=0.5; another is a "
        f"Lambda ({_DOC})"
    ),
    "min_lr_ratio": (
        f"final_ratio (transformers' min_lr_ratio; its warm-up also starts there, this one from 0: {_DOC})"
    ),
}
INVERSE_SQRT = {
    **_WARMUP,
    "timescale": f"nothing: InverseSqrt has transformers' default timescale (num_warmup_steps); another is a Lambda ({_DOC})",
}
STEP = {
    **_WARMUP,
    "decay_t": (
        "every=Epochs(decay_t) (timm's decay_t counts epochs unless t_in_epochs=False; an int here is optimizer "
        "steps)"
    ),
    "decay_rate": "drop (timm's decay_rate)",
    "step_size": "every (torch's StepLR step_size)",
    "gamma": "drop (torch's StepLR gamma)",
}
MULTISTEP = {
    **_WARMUP,
    "decay_t": (
        "milestones=[Epochs(t) for t in decay_t] (timm's MultiStepLRScheduler decay_t counts epochs unless "
        "t_in_epochs=False; an int here is optimizer steps)"
    ),
    "decay_rate": "gamma (timm's decay_rate)",
    "drop": "gamma (StepDecay's drop)",
}
#: Keras' ExponentialDecay, and StepDecay's name for the factor
EXPONENTIAL = {
    **_WARMUP,
    "drop": "gamma (StepDecay's drop; here the factor per every)",
    "initial_learning_rate": "initial (Keras' initial_learning_rate)",
    "decay_rate": "gamma (Keras' decay_rate)",
    "decay_steps": "every (Keras' decay_steps: optimizer steps; Epochs(n) counts epochs)",
}
PLATEAU = {
    "patience_t": "patience (timm's patience_t)",
    "decay_rate": "factor (timm's decay_rate)",
    "lr_min": "min_lr (timm's lr_min)",
    "cooldown_t": "cooldown (timm's cooldown_t)",
    "verbose": "nothing: every reduction is said in the log, and log_lr logs the LR (torch's and Keras' verbose)",
    "min_lrs": "min_lr, a number or a list with one per param group",
    "min_delta": "threshold (Keras' min_delta, with threshold_mode='abs')",
}
ONE_CYCLE = {
    "lr_max": "max_lr (fastai's lr_max)",
    "div": "div_factor (fastai's div)",
    "div_final": (
        "final_div_factor=div_final / div_factor (fastai's div_final divides the peak, torch's final_div_factor "
        "divides the start: div_final=1e5 with div=25 is final_div_factor=4000)"
    ),
    "moms": (
        "max_momentum and base_momentum (fastai's moms=(0.95, 0.85, 0.95) is max_momentum=0.95, "
        "base_momentum=0.85)"
    ),
    "anneal_strategy": 'anneal="cos" or "linear" (torch\'s anneal_strategy)',
    "total_steps": "total=<optimizer steps>, or nothing for the whole run (torch's total_steps)",
    "epochs": "total=Epochs(n), or nothing for the whole run (torch's epochs: the callback counts the steps)",
    "steps_per_epoch": (
        "total=Epochs(n), or nothing for the whole run (torch's steps_per_epoch: the callback counts the steps)"
    ),
}
CYCLIC = {"step_size_up": "step_size (torch's step_size_up)"}
#: Keras' InverseTimeDecay (review 78)
TIME = {
    **_WARMUP,
    "initial_learning_rate": "initial (Keras' initial_learning_rate)",
    "decay_rate": "decay (Keras' decay_rate)",
    "decay_steps": "every (Keras' decay_steps: optimizer steps; Epochs(n) counts epochs)",
}
#: LearningRateMonitor's arguments, given to any schedule callback (review 77: Python's bare TypeError)
MONITOR = {
    "log_momentum": (
        "nothing: log_lr=True logs every group's momentum (or beta1) beside its LR, as "
        "LearningRateMonitor(log_momentum=True) does"
    ),
    "logging_interval": (
        "nothing: the LR and momentum are logged per optimizer step, at the steps Lightning logs "
        "(log_every_n_steps); a LearningRateMonitor(logging_interval="
        "'epoch') attached beside it writes the LR at its interval, and this callback only the rest"
    ),
    "log_weight_decay": "nothing: a LearningRateMonitor(log_weight_decay=True) beside it logs the weight decay",
}
