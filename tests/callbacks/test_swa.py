"""Lightning's StochasticWeightAveraging beside a schedule callback: it swaps its SWALR in for our scheduler at
``swa_epoch_start``, which is said once, and a fit resumed in its phase keeps the LR and momentum the
checkpoint restored (SWALR's), as a torch scheduler's fit does."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from lightning.pytorch.callbacks import ModelCheckpoint, StochasticWeightAveraging

from lightning_lr import schedules as S
from lightning_lr.callbacks import OneCycle

from support.models import Tiny
from support.recording import assert_trace
from support.trainers import fit

EPOCHS, PER_EPOCH = 4, 12  # Tiny: 12 batches an epoch
SWA_LR = 0.01


def _swa() -> StochasticWeightAveraging:
    return StochasticWeightAveraging(swa_lrs=SWA_LR, swa_epoch_start=2, annealing_epochs=1)


def _fit(tmp_path, name: str, ckpt_path: str | None = None):
    ckpt = ModelCheckpoint(dirpath=tmp_path / name, every_n_epochs=1, save_top_k=-1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = fit(
            tmp_path,
            Tiny(),
            [OneCycle(max_lr=0.1), _swa(), ckpt],
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
