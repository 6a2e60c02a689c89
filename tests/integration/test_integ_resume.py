"""Resume: a fit with ``[LRRangeTest(), OneCycle()]`` interrupted at a mid-epoch checkpoint and resumed with
``fit(ckpt_path=...)`` gives an LR and momentum trace bitwise identical to the uninterrupted run. A
checkpoint that holds the range test's result is not tested again; a listed epoch not reached yet is."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from lightning.pytorch.callbacks import ModelCheckpoint

from lightning_lr import LRRangeTest
from lightning_lr.callbacks import OneCycle

from support import trainers
from support.models import STEPS_PER_EPOCH, Net, Tiny
from support.recording import Recorder
from support.trainers import QUIET, fit

N = 3 * STEPS_PER_EPOCH
EVERY = 6  # checkpoints at steps 6, 12, ..., 36

pytestmark = [pytest.mark.filterwarnings(q) for q in QUIET]


def callbacks(epochs, schedule):
    test = LRRangeTest(epochs=epochs, num_steps=40, method="minimum", confirm=True)
    return [test, *([OneCycle()] if schedule else [])], test


def uninterrupted(tmp_path: Path, epochs, schedule):
    cbs, test = callbacks(epochs, schedule)
    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_train_steps=EVERY, save_top_k=-1)
    model = Net(lr=0.003)
    rec = fit(tmp_path, model, [*cbs, ckpt], enable_checkpointing=True, max_epochs=3)
    assert rec.steps() == list(range(N))
    return rec, test, model


@pytest.mark.parametrize(
    ("epochs", "schedule", "at"),
    [
        (None, True, 6),  # mid-epoch 0
        (None, True, 30),  # mid-epoch 2
        (None, False, 30),  # no schedule callback: the range test's own application to the optimizer
        ([1], True, 18),  # mid-epoch 1: its test already ran
        # the last step of epoch 0 (Lightning resumes a plain DataLoader mid-epoch from its first batch,
        # so only an epoch boundary gives the same parameters): epoch 1's test runs after the resume
        ([1], True, 12),
        # epoch 0's test filled max_lr before the checkpoint, epoch 1's runs after the resume and replaces it
        # as in the uninterrupted run (before: kept "restored from the checkpoint", found by review 22)
        ([0, 1], True, 12),
    ],
    ids=[
        "fit-start-step6",
        "fit-start-step30",
        "no-schedule-step30",
        "epoch1-after",
        "epoch1-before",
        "epochs01-between",
    ],
)
@pytest.mark.usefixtures("exact_mid_epoch_resume")
def test_resume_is_bitwise_identical(tmp_path, epochs, schedule, at, caplog) -> None:
    full, full_test, full_model = uninterrupted(tmp_path, epochs, schedule)
    (path,) = (tmp_path / "ckpt").glob(f"*-step={at}.ckpt")
    cbs, test = callbacks(epochs, schedule)
    model = Net(lr=0.003)
    with warnings.catch_warnings(record=True) as caught, caplog.at_level("INFO"):
        warnings.simplefilter("always")
        resumed = fit(tmp_path, model, [*cbs, Recorder()], max_epochs=3, ckpt_path=str(path))
    # review 48: a test kept from the checkpoint was not said; one that runs after the resume is not kept
    before = sorted(e for e in (epochs or [0]) if e * STEPS_PER_EPOCH < at)  # tested before the checkpoint
    kept = f"LR range test: resumed from a run that tested at epoch {', '.join(map(str, before))}: its result is kept"
    assert (kept in caplog.text) == bool(before), caplog.text[-2000:]
    # the later tests are said where the run lists some (review 147: said of a run that lists none)
    later = [e for e in (epochs or []) if e not in before]
    said = f"this callback's arguments apply to the tests of epoch {', '.join(map(str, later))}"
    assert (said in caplog.text) == bool(before and later), caplog.text[-2000:]
    # (a range test's warnings point at the line that called the fit, in support/trainers.py: r193)
    ours = [
        str(w.message)
        for w in caught
        if "lightning_lr" in w.filename or w.filename == trainers.__file__ or "OneCycle" in str(w.message)
    ]
    # (a test at epoch 1 of these 36-step fits has 24 steps left, fewer than a candidate's 80: said, rightly)
    ours = [m for m in ours if "left to train" not in m]
    assert ours == []  # nothing kept "instead of a suggestion": there was no new suggestion
    assert resumed.steps() == list(range(at, N))
    assert resumed.rows == full.rows[at:]  # step, LR and momentum: exactly equal floats
    # the results are the uninterrupted run's: restored, or found again on the same state
    assert test.results == full_test.results and test.result == full_test.result
    # the tests of the epochs that start at or after the resumed step run now: the sweeps and the candidates
    tested = sum(test.results[e].cost for e in (epochs or []) if at <= e * STEPS_PER_EPOCH)
    assert len(model.step_lrs) == N - at + tested
    assert model.hparams.lr == full_model.hparams.lr == full_test.result.suggestion("minimum")
    if schedule:
        assert cbs[1].state_dict()["filled"] == {"max_lr": full_test.result.one_cycle_max_lr("minimum")}


def _sequential(model: Any) -> Any:
    """A decay phase, then a StepLR phase that begins back at the initial LR, stepped every epoch."""
    from torch.optim import SGD
    from torch.optim.lr_scheduler import SequentialLR

    from lightning_lr import optim as dropins

    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    phases = [dropins.ExponentialLR(opt, gamma=0.8), dropins.StepLR(opt, step_size=10, gamma=0.5)]
    return {"optimizer": opt, "lr_scheduler": {"scheduler": SequentialLR(opt, phases, milestones=[3])}}


def test_drop_ins_in_a_sequence_resume_where_the_lr_is_back_at_its_start(tmp_path) -> None:
    # the checkpoint after epoch 2 holds LR 0.1 again, the value a freshly built drop-in writes; resumed, the
    # run goes on at 0.1 (before: the ExponentialLR's last LR, 0.064, for the rest of the run)
    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_epochs=1, save_top_k=-1, filename="{epoch}")
    full = fit(tmp_path, Tiny(optim=_sequential), [ckpt], enable_checkpointing=True, max_epochs=6)
    resumed = fit(
        tmp_path / "resumed",
        Tiny(optim=_sequential),
        [],
        max_epochs=6,
        ckpt_path=str(tmp_path / "ckpt/epoch=2.ckpt"),
    )
    assert resumed.rows == full.rows[3 * STEPS_PER_EPOCH :]
    assert [round(float(x), 6) for x in full.lr()[::STEPS_PER_EPOCH]] == [0.1, 0.08, 0.064, 0.1, 0.1, 0.1]


def _one_cycle_then_cyclic(model: Any) -> Any:
    """SequentialLR([OneCycleLR, CyclicLR]) of drop-ins, stepped every batch: the CyclicLR, built second, writes
    its momentum bounds (0.9, 0.8) over the OneCycleLR's (0.95, 0.85) in the param groups."""
    from torch.optim import SGD
    from torch.optim.lr_scheduler import SequentialLR

    from lightning_lr import optim as dropins

    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    phases = [
        dropins.OneCycleLR(opt, max_lr=0.2, total_steps=20),
        dropins.CyclicLR(opt, 0.01, 0.1, step_size_up=3),
    ]
    return {
        "optimizer": opt,
        "lr_scheduler": {"scheduler": SequentialLR(opt, phases, [20]), "interval": "step"},
    }


def test_a_one_cycle_phase_before_a_cyclic_one_resumes_with_its_own_momentum(tmp_path) -> None:
    # review 97: resumed at step 7, the OneCycleLR took the CyclicLR's momentum bounds from the optimizer's
    # restored param groups: 0.8109, 0.8188, 0.8283 at steps 8-10 where the uninterrupted run had 0.8609, 0.8688,
    # 0.8783; the LRs were right
    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_train_steps=7, save_top_k=-1, filename="{step}")
    full = fit(tmp_path, Tiny(optim=_one_cycle_then_cyclic), [ckpt], enable_checkpointing=True, max_epochs=3)
    resumed = fit(
        tmp_path / "resumed",
        Tiny(optim=_one_cycle_then_cyclic),
        [],
        max_epochs=3,
        ckpt_path=str(tmp_path / "ckpt/step=7.ckpt"),
    )
    # every step both runs took (Lightning 2.4 runs one step more after a resume mid-epoch: its rows there are
    # its own) has the same LRs and momentums
    mine = {r[0]: r for r in full.rows}
    common = [r for r in resumed.rows if r[0] in mine]
    assert len(common) >= len(full.rows) - 8 and common == [mine[r[0]] for r in common]
    assert [round(float(m), 4) for m in full.momentum()[8:11]] == [0.8609, 0.8688, 0.8783]
