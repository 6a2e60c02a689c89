"""Lightning's own callbacks that touch the LR, beside a schedule callback.

StochasticWeightAveraging swaps its SWALR in for our scheduler at ``swa_epoch_start``, which is said once, and
a fit resumed in its phase keeps the LR and momentum the checkpoint restored (SWALR's), as a torch
scheduler's fit does. LearningRateFinder writes its suggestion into the optimizer after our schedule was
built, which the schedule overwrites at the next step: said at train start."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from lightning.pytorch.callbacks import (
    Callback,
    LearningRateFinder,
    ModelCheckpoint,
    StochasticWeightAveraging,
)

from lightning_lr import schedules as S
from lightning_lr.callbacks import CosineDecay, OneCycle

from support.models import Tiny
from support.recording import assert_trace
from support.trainers import fit

EPOCHS, PER_EPOCH = 4, 12  # Tiny: 12 batches an epoch
SWA_LR = 0.01


def _swa() -> StochasticWeightAveraging:
    return StochasticWeightAveraging(swa_lrs=SWA_LR, swa_epoch_start=2, annealing_epochs=1)


class StopAfter(Callback):
    def __init__(self, epochs: int) -> None:
        self.epochs = epochs

    def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
        trainer.should_stop = trainer.current_epoch + 1 >= self.epochs


def _fit(tmp_path, name: str, ckpt_path: str | None = None, *others: Callback):
    ckpt = ModelCheckpoint(dirpath=tmp_path / name, every_n_epochs=1, save_top_k=-1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = fit(
            tmp_path,
            Tiny(),
            [OneCycle(max_lr=0.1), _swa(), ckpt, *others],
            enable_checkpointing=True,
            max_epochs=EPOCHS,
            ckpt_path=ckpt_path,
        )
    return rec, [str(w.message) for w in caught if str(w.message).startswith("OneCycle")]


def test_swa_taking_over_the_lr_is_said_once(tmp_path) -> None:
    rec, said = _fit(tmp_path, "a")
    plan = S.OneCycle(0.1, total_steps=EPOCHS * PER_EPOCH)
    swap = PER_EPOCH  # swa_epoch_start=2 is the second epoch
    assert_trace(rec.lr()[:swap], plan.values(swap))  # OneCycle's until SWA starts
    assert rec.lr()[-PER_EPOCH:] == pytest.approx(SWA_LR)  # SWALR's once annealed
    assert np.all(rec.momentum()[swap:] == rec.momentum()[swap])  # OneCycle's momentum, held
    (message,) = said
    assert message.startswith(
        "OneCycle: its scheduler for optimizer 0 (SGD) is no longer among the trainer's schedulers at epoch 1 "
        "(step 12): another callback took it out (StochasticWeightAveraging swaps in its SWALR at "
        "swa_epoch_start) and a SWALR drives that optimizer now. From here the LR of that optimizer does not "
        "follow OneCycle (it is "
    )
    assert f"and its momentum stays at {rec.momentum()[swap]:.3g}" in message


def test_an_early_stop_after_swa_took_over_is_not_the_schedules(tmp_path) -> None:
    # the LR is SWALR's from swa_epoch_start: a stop after it cut nothing of OneCycle's (before: the warning
    # said the fit stopped at the step SWA took over, at OneCycle's LR there)
    rec, said = _fit(tmp_path, "a", None, StopAfter(3))
    assert rec.steps()[-1] == 3 * PER_EPOCH - 1
    assert len(said) == 1 and "is no longer among the trainer's schedulers" in said[0]


def test_a_fit_resumed_in_the_swa_phase_keeps_swalrs_lr_and_momentum(tmp_path) -> None:
    # before: SWA clears the schedulers on such a resume, so ours found itself at step 0 and caught up to
    # OneCycle's step 36, overwriting the restored LR (0.01 -> 0.017) and momentum, with a warning blaming a
    # checkpoint "written without this callback"
    whole, _ = _fit(tmp_path, "a")
    resumed, said = _fit(tmp_path, "b", ckpt_path=str(tmp_path / "a" / "epoch=2-step=36.ckpt"))
    assert resumed.steps() == whole.steps()[3 * PER_EPOCH :]
    assert_trace(resumed.lr(), whole.lr()[3 * PER_EPOCH :])
    assert_trace(resumed.momentum(), whole.momentum()[3 * PER_EPOCH :])
    assert not any("the checkpoint has no state" in m for m in said)
    assert [m.split(":")[1] for m in said] == [
        " its scheduler for optimizer 0 (SGD) is no longer among the trainer's schedulers at epoch 3 (step 36)"
    ]


class WritesLR(Callback):
    """Writes an LR into the optimizer in on_fit_start, after configure_optimizers (as Lightning's
    LearningRateFinder callback does with its suggestion from Lightning 2.5 on)."""

    def on_fit_start(self, trainer: Any, pl_module: Any) -> None:
        for group in trainer.optimizers[0].param_groups:
            group["lr"] = 0.3


def _overwritten(tmp_path, callbacks):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = fit(tmp_path, Tiny(), callbacks, max_epochs=EPOCHS)
    return rec, [str(w.message) for w in caught if "at the start of training, not the" in str(w.message)]


def test_an_lr_written_after_the_schedule_was_built_is_said_at_train_start(tmp_path) -> None:
    # before: Lightning's LearningRateFinder callback wrote its suggestion into the optimizer, the first step
    # trained at it (240x OneCycle's first LR) and the schedule took over from the second, without a word
    rec, (message,) = _overwritten(tmp_path, [OneCycle(), WritesLR()])
    assert rec.lr()[0] == 0.3 and rec.lr()[1] == pytest.approx(S.OneCycle(0.1, total_steps=48)(1))
    assert message == (
        f"OneCycle: the LR of optimizer 0 (SGD) is 0.3 at the start of training, not the {0.1 / 25:.4g} "
        f"its schedule set: something wrote it after configure_optimizers built the schedule (Lightning's "
        f"LearningRateFinder callback writes its suggestion there), and the schedule overwrites it at the next "
        f"step. To train with a range test's LR, use lightning_lr's LRRangeTest callback or Tuner (their "
        f"answer reaches the schedule), or Lightning's Tuner.lr_find before fit; to set the LR yourself, give "
        f"it to OneCycle."
    )
    # Lightning's finder: said where it wrote the optimizer (2.5 and later; 2.4 sets only the module's attribute)
    finder = LearningRateFinder(num_training_steps=20, update_attr=True)
    rec, said = _overwritten(tmp_path, [OneCycle(), finder])
    wrote = rec.lr()[0] != pytest.approx(0.1 / 25)
    assert len(said) == (1 if wrote else 0)
    # nothing wrote it: nothing to say
    assert _overwritten(tmp_path, [CosineDecay(warmup=3)])[1] == []
