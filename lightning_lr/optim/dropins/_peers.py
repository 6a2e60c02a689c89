"""Other libraries' names for the drop-ins' arguments (transformers', timm's, the pure schedules'), each mapped to
the torch name to pass instead: the hint :func:`lightning_lr._validate.known_as` adds to the TypeError of an
unknown keyword, where torch's own class raises the bare one (r198: ``OneCycleLR(num_training_steps=100)``). A
misspelt torch name is answered with the closest one. ``lightning_lr.schedules._peers`` holds the pure
schedules' tables.
"""

from __future__ import annotations

__all__ = [
    "COSINE",
    "CYCLIC",
    "EXPONENTIAL",
    "LAMBDA",
    "LINEAR",
    "MULTISTEP",
    "ONE_CYCLE",
    "POLYNOMIAL",
    "RESTARTS",
    "STEP",
]


def _no_warmup(name: str) -> dict[str, str]:
    """``num_warmup_steps`` and ``warmup`` on a drop-in without a warm-up of its own."""
    hint = (
        f"nothing: torch's {name} has no warm-up; put a LinearLR before it in a SequentialLR "
        f"(docs/from_transformers_and_timm.md)"
    )
    return {
        "num_warmup_steps": f"{hint} (transformers' num_warmup_steps)",
        "warmup": f"{hint} (lightning_lr's callbacks' warmup)",
    }


COSINE = {
    **_no_warmup("CosineAnnealingLR"),
    "num_training_steps": "T_max (transformers' num_training_steps)",
    "total": "T_max (lightning_lr.schedules.CosineDecay's total)",
    "final": "eta_min (lightning_lr.schedules.CosineDecay's final)",
    "min_lr": "eta_min (transformers' min_lr)",
    "lr_min": "eta_min (timm's lr_min)",
}
RESTARTS = {
    **_no_warmup("CosineAnnealingWarmRestarts"),
    "period": "T_0 (lightning_lr.schedules.CosineRestarts' period)",
    "period_mult": "T_mult (lightning_lr.schedules.CosineRestarts' period_mult)",
    "cycle_mul": "T_mult (timm's cycle_mul)",
    "final": "eta_min (lightning_lr.schedules.CosineRestarts' final)",
    "lr_min": "eta_min (timm's lr_min)",
}
ONE_CYCLE = {
    "num_training_steps": "total_steps (transformers' num_training_steps)",
    "total": "total_steps (the total of lightning_lr's decay schedules)",
    "num_warmup_steps": "pct_start, the warm-up's share of total_steps (transformers' num_warmup_steps)",
    "warmup": "pct_start, the warm-up's share of total_steps (lightning_lr's callbacks' warmup)",
}
CYCLIC = {"step_size": "step_size_up (lightning_lr.schedules.Cyclic's step_size; and step_size_down)"}
LINEAR = {
    "num_training_steps": "total_iters (transformers' num_training_steps)",
    "total": "total_iters (lightning_lr.schedules.Linear's total)",
}
POLYNOMIAL = {
    **_no_warmup("PolynomialLR"),
    "num_training_steps": "total_iters (transformers' num_training_steps)",
    "total": "total_iters (lightning_lr.schedules.PolynomialDecay's total)",
    "lr_end": (
        "nothing: torch's PolynomialLR decays to 0; lightning_lr.schedules.PolynomialDecay takes a final LR "
        "(transformers' lr_end)"
    ),
}
STEP = {
    **_no_warmup("StepLR"),
    "every": "step_size (lightning_lr.schedules.StepDecay's every)",
    "drop": "gamma (lightning_lr.schedules.StepDecay's drop)",
}
MULTISTEP = {**_no_warmup("MultiStepLR"), "drop": "gamma (lightning_lr.schedules.StepDecay's drop)"}
EXPONENTIAL = {
    **_no_warmup("ExponentialLR"),
    "decay_rate": "gamma, the factor per step (Keras' decay_rate is per decay_steps)",
}
LAMBDA: dict[str, str] = {}
