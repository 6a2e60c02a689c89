"""The confirmed answer for a constant-LR run longer than the candidates trained: :func:`factor`.

The candidates train ``confirm_steps`` steps (80 by default), so the confirmed LR is the best for a run of
about that length. With an Adam-family optimizer the best constant LR of a longer run lies lower: its step
has the size of the LR whatever the gradient's (the first moment over the root of the second), so a constant
LR cannot settle closer than that to a minimum, and the longer the run, the more that floor costs against
the speed a higher LR buys early. Measured on 16 tasks of 800 to 2000 steps written for it
(``benchmarks/range_test_length_fam.py``): scaling the answer by ``(run_steps / confirm_steps) ** -1/4``,
chosen on the tuning half's 4 Adam-family tasks, brings the validation half's 4 from 1 to 9 of 12 runs
within 3x of the grid-best constant LR. The same shift did not hold for SGD and made RMSprop, Adagrad and
Adadelta worse, so they keep the answer. On 6 Adam-family tasks written after the choice
(``benchmarks/range_test_length_adam.py``) it took 5 to 9 of 18 runs within 3x but raised the worst regret, on a
task whose answer already lay below the best: it moves an answer down, right or wrong.
"""

from __future__ import annotations

import math
import warnings

import lightning.pytorch as pl
import torch

from .. import _lightning_compat as L
from .. import _validate as V
from ._rules import MIN_POINTS

#: the torch optimizers whose best constant LR falls with the run's length by :data:`EXPONENT`
ADAM_FAMILY = (
    "torch.optim.Adam",
    "torch.optim.AdamW",
    "torch.optim.NAdam",
    "torch.optim.RAdam",
    "torch.optim.Adamax",
)
#: p of the scale ``(run_steps / confirm_steps) ** -p``, chosen on the tuning half of the length benchmark
EXPONENT = 0.25
#: the longest run measured, in candidate lengths (2000 steps / 80): a longer run is scaled as this long
MAX_RATIO = 25.0


def optimizer_name(optimizer: torch.optim.Optimizer) -> str:
    """The torch optimizer class ``optimizer`` is or derives from, as ``"torch.optim.AdamW"``; the class's own
    qualified name when it derives from none of torch's (``Optimizer`` itself aside)."""
    for cls in type(optimizer).__mro__:
        if cls is not torch.optim.Optimizer and getattr(torch.optim, cls.__name__, None) is cls:
            return f"torch.optim.{cls.__name__}"
    kind = type(optimizer)
    return f"{kind.__module__}.{kind.__qualname__}"


#: the ``max_epochs`` Lightning's fit sets for a Trainer given neither ``max_epochs`` nor ``max_steps``
LIGHTNING_DEFAULT_EPOCHS = 1000

#: ``run_steps`` of the range test that reads the run's length from the Trainer (:func:`from_trainer`)
AUTO = "auto"


def check_run_steps(run_steps: object, more: str = "") -> int | None:
    """``run_steps`` if it is None or a whole number >= 1, else a ValueError (a TypeError for a non-number)
    that names it; ``more`` names what else the caller takes."""
    why = f" (the optimizer steps of the run at the answer){more}"
    # (at most 2**53 as every count of steps: a larger one overflowed the ratio's float, an OverflowError)
    return V.optional(V.integer, "run_steps", run_steps, 1, why)


def planned(trainer: pl.Trainer, title: str) -> int:
    """The optimizer steps the Trainer plans for the whole fit (``estimated_stepping_batches``), or the
    ValueError of ``run_steps="auto"`` when it has no known end: checked at train start too, for a test at a
    later epoch (r192: refused only when that epoch started, after the epochs before it had trained)."""
    total = trainer.estimated_stepping_batches
    # (for data without a len Lightning gives max_steps, -1 without one: r192 recorded run_steps=1 for 5 epochs)
    if not math.isfinite(total) or total < 0:
        timed = any(isinstance(cb, L.resolve(trainer, "callbacks", "Timer")) for cb in L.callbacks(trainer))
        why = (
            # (r192: max_time alone was refused for a max_epochs=-1 the user never wrote)
            "max_epochs=-1"
            + (
                ", which Lightning sets for max_time without max_epochs; a time limit is no count of steps"
                if timed
                else ""
            )
            if trainer.max_epochs == -1
            else "an epoch of unknown length: the data has no len"  # (estimated_stepping_batches set it up)
        )
        raise ValueError(
            f"{title}: run_steps='auto' reads the run's length from the Trainer, which has none (max_steps="
            f"{trainer.max_steps} and {why}); pass run_steps=N, the optimizer steps you will train at the answer"
        )
    return int(total)


def check_length_set(trainer: pl.Trainer, title: str) -> None:
    """The ValueError of ``run_steps="auto"`` for a Tuner whose Trainer was given neither ``max_epochs`` nor
    ``max_steps`` (nor ``max_time``): Lightning's fit then plans 1000 epochs, a length the user never chose, and
    the answer would be scaled for it (a 16-batch epoch read 16000 steps, 200 candidate lengths, and the answer
    was held at x0.447 without a word of where the length came from). Checked before the Tuner's fit, the only
    time the Trainer's unset ``max_epochs`` (None) can be told from ``max_epochs=1000``: the fit replaces it (so a
    Trainer that has fitted once, a Tuner's test included, holds 1000 and is not refused)."""
    if trainer.fit_loop.max_epochs is not None or trainer.max_steps != -1:
        return
    if any(isinstance(cb, L.resolve(trainer, "callbacks", "Timer")) for cb in L.callbacks(trainer)):
        return  # (max_time alone: Lightning sets max_epochs=-1, and :func:`planned` says why that has no end)
    raise ValueError(
        f"{title}: run_steps='auto' reads the run's length from the Trainer, which was given neither max_epochs nor "
        f"max_steps: Lightning's fit then runs 1000 epochs, a default, not a plan. Give the Trainer the length you "
        f"will train (max_epochs=N or max_steps=N), or pass run_steps=N, the optimizer steps you will train at the "
        f"answer"
    )


def from_trainer(trainer: pl.Trainer, title: str) -> int:
    """``run_steps="auto"``: the optimizer steps the fit has left to take from here (its
    ``estimated_stepping_batches`` less the steps taken), or a ValueError when the fit has no known end. A
    callback that can end the fit sooner (``EarlyStopping``; the ``Timer`` of ``max_time``) is warned of: the
    length read is the most the run can take."""
    steps = max(planned(trainer, title) - trainer.global_step, 1)
    if trainer.max_steps == -1 and trainer.max_epochs == LIGHTNING_DEFAULT_EPOCHS:
        # (r196: the callback read Lightning's default as the plan, 20000 steps, and held the answer at x0.447; a
        # fit replaces the unset max_epochs before any hook, so the default cannot be told from one given)
        L.warn_at_user(
            f"{title}: run_steps='auto' reads {steps} steps from max_epochs={LIGHTNING_DEFAULT_EPOCHS}, which is "
            f"also what Lightning sets for a Trainer given neither max_epochs nor max_steps; if you did not set "
            f"it, give the Trainer the length you will train, or pass run_steps=N"
        )
    sooner = [
        type(cb).__name__
        for cb in L.callbacks(trainer)
        if isinstance(
            cb, (L.resolve(trainer, "callbacks", "EarlyStopping"), L.resolve(trainer, "callbacks", "Timer"))
        )
    ]
    if sooner and trainer.is_global_zero:  # said at the user's call (r192: it pointed here)
        warnings.warn(
            f"{title}: run_steps='auto' reads {steps} steps, the most this fit can take; {' and '.join(sooner)} may "
            f"end it sooner, and the answer is for {steps} (pass run_steps=N for the run you expect)",
            UserWarning,
            stacklevel=L.user_stacklevel(),
        )
    return steps


def factor(run_steps: int, confirm_steps: int, optimizer: str | None) -> tuple[float, str]:
    """The scale of the confirmed LR for a constant-LR run of ``run_steps`` optimizer steps, after candidates of
    ``confirm_steps`` steps, with the optimizer ``optimizer`` (:func:`optimizer_name`): ``(scale, note)``, the
    note saying why the scale is 1 or held ("" when the measured scale applies as it is)."""
    ratio = run_steps / confirm_steps
    if ratio <= 1.0:
        # the candidates trained as long as the run: their best is the run's, for every optimizer (r192: SGD's
        # run_steps=80, the answer as found, was warned of as left unscaled for SGD)
        return 1.0, ""
    if optimizer not in ADAM_FAMILY:
        which = "an unrecorded optimizer" if optimizer is None else optimizer
        return 1.0, (
            f"run_steps={run_steps} leaves the answer as it is for {which}: the best constant LR was measured to "
            f"fall with the run's length for the Adam family only ({', '.join(n.split('.')[-1] for n in ADAM_FAMILY)}); "
            f"for SGD, RMSprop, Adagrad and Adadelta no shift held"
        )
    if ratio > MAX_RATIO:
        return MAX_RATIO**-EXPONENT, (
            f"run_steps={run_steps} is {ratio:.0f} candidate lengths ({confirm_steps} steps); the shift was "
            f"measured up to {MAX_RATIO:.0f}, and is held there (x{MAX_RATIO**-EXPONENT:.3g}): the best LR of a "
            f"longer run may lie lower still"
        )
    return ratio**-EXPONENT, ""


def say_if_fit_is_shorter(
    trainer: pl.Trainer, title: str, num_steps: int, confirm_steps: int, candidates: int
) -> None:
    """Warn when the fit has fewer optimizer steps left than one candidate trains (``confirm_steps``): the
    confirmed answer is the best constant LR of a run about that long, not of this fit, and the test's own steps
    (a sweep of ``num_steps``, up to ``candidates`` candidates) outnumber the fit's (r194: ``Trainer(max_steps=5)``
    ran a 500-step test and applied its answer, unsaid). Not said for a fit of unknown length."""
    total = trainer.estimated_stepping_batches
    if not math.isfinite(total) or total < 0:
        return
    left = int(total) - trainer.global_step
    if left >= confirm_steps:
        return
    limit = (
        f"max_steps={trainer.max_steps}"
        if trainer.max_steps != -1 and trainer.max_steps <= total
        else f"max_epochs={trainer.max_epochs}"
    )
    L.warn_at_user(
        f"{title}: this fit has {V.counted(left, 'optimizer step')} left to train ({limit}), fewer than the "
        f"{confirm_steps} each candidate trains (confirm_steps): the answer is the best constant LR of a run of "
        f"about {confirm_steps} steps, not of this one, and the test takes about "
        f"{num_steps + candidates * confirm_steps} optimizer steps of its own (the fit does not count them: its "
        f"state is restored after the test). For a run this short pass confirm_steps={max(left, MIN_POINTS)}, or "
        f"confirm=False for the sweep alone ({num_steps} steps)"
    )
