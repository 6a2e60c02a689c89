"""ReduceOnPlateau: torch's ReduceLROnPlateau as the oracle alone, composition with schedule callbacks,
when it decides, resume, logging and its errors."""

from __future__ import annotations

import logging
import random
import re
import warnings
from pathlib import Path
from typing import Any, ClassVar

import lightning.pytorch as pl
import numpy as np
import pytest
import torch
from lightning.pytorch.callbacks import ModelCheckpoint
from lightning.pytorch.loggers import CSVLogger
from torch.optim.lr_scheduler import ReduceLROnPlateau as TorchPlateau

from lightning_lr import schedules as S
from lightning_lr.callbacks import CosineDecay, LRSchedule, ReduceOnPlateau
from lightning_lr.callbacks._plateau import Plateau

from .test_logging import csv_rows, logged
from support.fakes import ApplyAt, FakeRangeTest
from support.models import Tiny
from support.plateau import (
    FLAT,
    STEPS_PER_EPOCH,
    Scripted,
    Unlogged,
    as_logged,
    reduction_checks,
    scripted,
    torch_lrs,
)
from support.recording import Recorder, assert_trace
from support.trainers import QUIET, fit, trainer


# --- the rule, value by value ---------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["min", "max"])
@pytest.mark.parametrize("threshold_mode", ["rel", "abs"])
def test_the_rule_is_torchs_on_random_sequences(mode, threshold_mode) -> None:
    rng = random.Random(0)
    for _ in range(50):
        patience, cooldown = rng.randint(0, 3), rng.randint(0, 2)
        threshold = rng.choice([0.0, 1e-4, 0.05])
        values = [round(rng.uniform(0, 1), 2) for _ in range(40)]
        ours = Plateau(mode, threshold, threshold_mode, patience, cooldown)
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        theirs = TorchPlateau(
            opt, mode=mode, threshold=threshold, threshold_mode=threshold_mode, patience=patience,
            cooldown=cooldown, factor=0.5, eps=0.0,
        )  # fmt: skip
        for v in values:
            before = opt.param_groups[0]["lr"]
            reduce = ours.step(v)
            theirs.step(v)
            assert reduce == (opt.param_groups[0]["lr"] != before)
            assert (ours.best, ours.num_bad_epochs, ours.cooldown_counter, ours.last_epoch) == (
                theirs.best, theirs.num_bad_epochs, theirs.cooldown_counter, theirs.last_epoch,
            )  # fmt: skip


# --- alone: the LRs of torch's ReduceLROnPlateau ---------------------------------------------------
CASES = {
    "defaults": (dict(), [1.0] * 14, 1),
    "factor, patience": (dict(factor=0.5, patience=1), FLAT, 1),
    "min_lr per group": (dict(factor=0.5, patience=0, min_lr=[0.02, 0.004]), FLAT, 2),
    "cooldown": (dict(factor=0.5, patience=0, cooldown=2), FLAT, 2),
    "abs threshold": (
        dict(factor=0.5, patience=1, threshold=0.1, threshold_mode="abs"),
        [1.0, 0.95, 0.9, 0.85, 0.7, 0.65, 0.6, 0.55, 0.5, 0.3, 0.25],
        1,
    ),
    "mode max": (dict(mode="max", factor=0.5, patience=1), [0.1, 0.5, 0.5, 0.5, 0.6, 0.6, 0.6, 0.6, 0.7], 1),
    "eps": (dict(factor=0.5, patience=0, eps=0.004), FLAT, 2),
}


@pytest.mark.parametrize("case", list(CASES))
def test_alone_it_gives_torchs_lrs(tmp_path, case) -> None:
    kwargs, values, groups = CASES[case]
    rec = fit(
        tmp_path, Scripted(values, groups=groups), [ReduceOnPlateau("val", **kwargs)], max_epochs=len(values)
    )
    lrs = [0.1, 0.01][:groups]
    expected = torch_lrs(as_logged(values), lrs, STEPS_PER_EPOCH, **kwargs)
    assert len(np.unique(expected[:, 0])) > 1  # the case reduces
    for g in range(groups):
        assert_trace(rec.lr(g), expected[:, g])


@pytest.mark.parametrize("where", ["val", "train", "epoch_end"])
def test_an_epoch_that_did_not_log_the_metric_is_no_check(tmp_path, where, caplog) -> None:
    # before: Lightning keeps the last value in trainer.callback_metrics, and it was counted again as a check
    # that did not improve: a metric logged every other epoch, always improving, cut the LR four times
    values = [1.0, None, 0.9, None, 0.8, None, 0.7, None]
    monitor = "val" if where == "val" else "train_metric"
    with pytest.warns(
        UserWarning, match=rf"'{monitor}' was not logged in this .* no decision is made"
    ) as said:
        rec = fit(
            tmp_path, scripted(values, where=where), [ReduceOnPlateau(monitor, patience=0)], max_epochs=8
        )
    assert len([w for w in said if "was not logged in this" in str(w.message)]) == 1  # said once
    assert_trace(rec.lr(), [0.1] * 16)
    # and a metric that stalls when it is logged reduces where torch's rule, fed what was logged, does
    values = [1.0, None, 1.0, 1.0, None, 0.5, None, 0.5]
    model = scripted(values, where=where)
    with caplog.at_level(logging.INFO, logger="lightning.pytorch"):
        rec = fit(tmp_path, model, [ReduceOnPlateau(monitor, patience=0)], max_epochs=8)
    assert "no improvement on the best 1 for 1 check: the LR factor" in caplog.text  # (was "1 checks")
    expected = torch_lrs(as_logged(values), [0.1], STEPS_PER_EPOCH, patience=0)[:, 0]
    assert len(np.unique(expected)) > 1
    assert_trace(rec.lr(), expected)


def test_the_reduction_message_counts_the_checks_since_the_best_and_names_a_floor(tmp_path, caplog) -> None:
    # review 78: under a cooldown it said "for 1 check" after 4 since the best; review 80: a clause about the
    # cooldown appeared where it had nothing to do with the count. And an LR held at min_lr was said to be at
    # the reductions' factor alone
    callback = ReduceOnPlateau("val", patience=0, cooldown=2, factor=0.5, min_lr=0.02)
    with caplog.at_level(logging.INFO, logger="lightning.pytorch"):
        rec = fit(tmp_path, scripted([1.0] * 9), [callback], max_epochs=9)
    said = [line for line in caplog.text.splitlines() if "no improvement on the best" in line]
    # (checks at each epoch's end: the best at the first, a reduction at the next, two in the cooldown, ...)
    assert [line.split("ReduceOnPlateau: ", 1)[1] for line in said] == [
        f"step {2 * STEPS_PER_EPOCH}: val=1, no improvement on the best 1 for 1 check: the LR factor of optimizer "
        "0 (SGD) is now 0.5",
        f"step {5 * STEPS_PER_EPOCH}: val=1, no improvement on the best 1 for 4 checks: the LR factor of optimizer "
        "0 (SGD) is now 0.25",
        f"step {8 * STEPS_PER_EPOCH}: val=1, no improvement on the best 1 for 7 checks: the LR factor of optimizer "
        "0 (SGD) is now 0.125; param group(s) [0] held at min_lr",
    ]
    assert rec.lr()[-1] == pytest.approx(0.02)  # (0.1 * 0.125 is below min_lr)
    assert callback.state_dict()["checks_since_best"] == 8  # (kept for a resume's message)


class Prefixed(Scripted):
    """Its own ``log`` renames what it logs (``val`` is logged as ``val/loss``)."""

    def log(self, name: str, value: Any, *args: Any, **kwargs: Any) -> None:
        super().log("val/loss" if name == "val" else name, value, *args, **kwargs)


class TwoLoaders(Scripted):
    """Two validation dataloaders, each logging ``val`` (``val/dataloader_idx_0`` and ``_1``); loader 0
    logs a value that never improves, every run."""

    def validation_step(self, batch: Any, batch_idx: int, dataloader_idx: int = 0) -> None:
        if dataloader_idx == 0:
            self.log("val", 1.0)
        else:
            super().validation_step(batch, batch_idx)

    def val_dataloader(self) -> Any:
        return [super().val_dataloader(), super().val_dataloader()]


@pytest.mark.parametrize(
    ("model", "monitor"),
    [(Prefixed, "val/loss"), (TwoLoaders, "val/dataloader_idx_1")],
    ids=["log-override-renames", "second-val-dataloader"],
)
def test_what_was_logged_is_read_from_lightning_whatever_the_path(tmp_path, model, monitor) -> None:
    # a review found a log override that renames never acted on (LR 0.1 for 8 epochs where torch cuts 5
    # times), and a second dataloader's missing value counted again; Lightning's own record of what was
    # logged in the run tells both
    for values in ([1.0, None, 1.0, 1.0, None, 0.5, None, 0.5], [1.0, 1.0, 1.0, 0.9, 1.0, 1.0, 0.8, 1.0]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rec = fit(tmp_path, model(values), [ReduceOnPlateau(monitor, patience=0)], max_epochs=8)
        expected = torch_lrs(as_logged(values), [0.1], STEPS_PER_EPOCH, patience=0)[:, 0]
        assert len(np.unique(expected)) > 1
        assert_trace(rec.lr(), expected)


@pytest.mark.parametrize("where", ["val", "train", "epoch_end"])
def test_a_resume_whose_first_epoch_logs_nothing_skips_that_check(tmp_path, where) -> None:
    # a review found "the metric was not logged" raised for a training metric missing in the first epoch after
    # a resume, which the uninterrupted run skips as a check
    values = [1.0, 1.0, None, 1.0, 0.5, 0.5]
    monitor = "val" if where == "val" else "train_metric"
    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_epochs=1, save_top_k=-1)
    full = fit(
        tmp_path,
        scripted(values, where=where),
        [ReduceOnPlateau(monitor, patience=0), ckpt],
        max_epochs=6,
        enable_checkpointing=True,
    )
    expected = torch_lrs(as_logged(values), [0.1], STEPS_PER_EPOCH, patience=0)[:, 0]
    assert_trace(full.lr(), expected)
    (path,) = (tmp_path / "ckpt").glob("epoch=1-*.ckpt")
    with pytest.warns(UserWarning, match=rf"'{monitor}' was not logged in this .* it is not in trainer"):
        resumed = fit(
            tmp_path,
            scripted(values, where=where),
            [ReduceOnPlateau(monitor, patience=0)],
            max_epochs=6,
            ckpt_path=str(path),
        )
    assert resumed.rows == full.rows[2 * STEPS_PER_EPOCH :]


@pytest.mark.parametrize("where", ["train", "epoch_end"])
@pytest.mark.parametrize(
    "trainer_args",
    [{}, {"limit_val_batches": 0}, {"check_val_every_n_epoch": 2}],
    ids=["validating", "no validation", "validating every 2 epochs"],
)
def test_a_training_metric_decides_on_its_own_epochs_value(tmp_path, where, trainer_args) -> None:
    # "epoch_end": logged in the module's on_train_epoch_end, which Lightning calls after the callbacks'; the
    # value then in the metrics is the last epoch's (validating every 2 epochs, deciding on it reduced one
    # epoch late) or none (it said the metric was never logged)
    kwargs = dict(factor=0.5, patience=1)
    model = scripted(FLAT, where=where)
    cb = ReduceOnPlateau("train_metric", **kwargs)
    rec = fit(tmp_path, model, [cb], max_epochs=len(FLAT), **trainer_args)
    assert_trace(rec.lr(), torch_lrs(as_logged(FLAT), [0.1], STEPS_PER_EPOCH, **kwargs)[:, 0])
    assert cb.state_dict()["monitor_source"] == "train"


class LRAtEpochEnd(pl.Callback):
    """The optimizer's LR when the callbacks see a training epoch end (after the ones listed before it)."""

    def __init__(self) -> None:
        self.lrs: list[float] = []

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self.lrs.append(float(trainer.optimizers[0].param_groups[0]["lr"]))


@pytest.mark.parametrize("where", ["train", "epoch_end"])
def test_without_its_own_epoch_end_hook_the_module_gets_the_decision_at_the_epochs_end(
    tmp_path, where
) -> None:
    # a module without on_train_epoch_end cannot log after the callbacks' hook: the decision is made there,
    # so a callback after it (or Lightning's LearningRateMonitor at the next epoch's start) sees the new LR
    kwargs = dict(factor=0.5, patience=1)
    seen = LRAtEpochEnd()
    rec = fit(
        tmp_path,
        scripted(FLAT, where=where),
        [ReduceOnPlateau("train_metric", **kwargs), seen],
        max_epochs=len(FLAT),
    )
    next_epoch = [float(x) for x in rec.lr()[STEPS_PER_EPOCH::STEPS_PER_EPOCH]]  # the LR of each next epoch
    if where == "train":
        assert seen.lrs[:-1] == next_epoch
    else:  # decided after the module's hook: the epoch's end still shows the LR before the decision
        assert seen.lrs[1:] == [float(x) for x in rec.lr()[STEPS_PER_EPOCH - 1 :: STEPS_PER_EPOCH]][1:]
    assert seen.lrs[:-1] != [0.1] * (len(FLAT) - 1)  # it reduced


class LogsAtEpochEnd(pl.Callback):
    """Logs ``values[epoch]`` as ``"train_metric"`` from its own ``on_train_epoch_end`` (None: logs nothing)."""

    def __init__(self, values: list[float | None]) -> None:
        self.values = values

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if (v := self.values[trainer.current_epoch]) is not None:
            pl_module.log("train_metric", v)


def test_a_metric_logged_by_a_callback_listed_after_it_is_decided_on(tmp_path) -> None:
    # the module has no on_train_epoch_end and logs nothing itself; a callback after the plateau's logs the
    # metric at the epoch's end (before: "the metric 'train_metric' was not logged" at the first epoch's end).
    # Epoch 6 logs nothing: no check there, though the metrics still hold epoch 5's value
    values: list[float | None] = [*FLAT[:6], None, *FLAT[7:]]
    kwargs = dict(factor=0.5, patience=1)
    cb = ReduceOnPlateau("train_metric", **kwargs)
    with pytest.warns(UserWarning, match="was not logged in this training epoch"):
        rec = fit(
            tmp_path, Scripted(FLAT, where="nowhere"), [cb, LogsAtEpochEnd(values)], max_epochs=len(FLAT)
        )
    expected = torch_lrs(as_logged(values), [0.1], STEPS_PER_EPOCH, **kwargs)[:, 0]
    assert_trace(rec.lr(), expected)
    assert len(np.unique(expected)) > 1
    assert cb.state_dict()["monitor_source"] == "train"


def test_a_validation_metric_decides_after_every_validation_run_not_the_sanity_check(tmp_path) -> None:
    # counted, the sanity check's 1.0 would make the first run's 1.0 a bad check and reduce at step 2
    values = [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5]
    model = Scripted(values, by_run=True, n=16)  # 4 steps per epoch, validated every 2
    cb = ReduceOnPlateau("val", factor=0.5, patience=0)
    rec = fit(tmp_path, model, [cb], max_epochs=4, val_check_interval=0.5, num_sanity_val_steps=1)
    assert model.runs == 8
    steps = [(k + 1) * 2 for k in reduction_checks(as_logged(values), factor=0.5, patience=0)]
    assert cb.reductions == {0: [steps]} and steps[0] == 4
    assert_trace(rec.lr(), torch_lrs(as_logged(values), [0.1], 2, factor=0.5, patience=0)[:, 0])


# --- composition ---------------------------------------------------------------------------------
def composed(base: S.Schedule, steps: list[int], factor: float, min_lr: float, n: int) -> np.ndarray:
    b = base.values(n)
    return np.maximum(
        b * (S.MultiStepDecay(1.0, steps, gamma=factor) if steps else S.Constant(1.0)).values(n),
        np.minimum(b, min_lr),
    )


def made(base: S.Schedule, candidates: list[int], factor: float, min_lr: float) -> list[int]:
    """The reductions torch's rule asks for that change the LR by more than eps (1e-8): the others are
    not made (once a schedule is below min_lr, a reduction changes nothing)."""
    kept: list[int] = []
    for s in candidates:
        old, new = (composed(base, steps, factor, min_lr, s + 1)[s] for steps in (kept, [*kept, s]))
        if old - new > 1e-8:
            kept.append(s)
    return kept


@pytest.mark.parametrize("plateau_first", [True, False])
def test_it_multiplies_a_warmup_cosine_whatever_the_order(tmp_path, plateau_first) -> None:
    kwargs = dict(factor=0.5, patience=1, min_lr=0.01)
    plateau, cosine = ReduceOnPlateau("val", **kwargs), CosineDecay(warmup=4)
    callbacks = [plateau, cosine] if plateau_first else [cosine, plateau]
    rec = fit(tmp_path, Scripted(FLAT), callbacks, max_epochs=len(FLAT))
    n = len(FLAT) * STEPS_PER_EPOCH
    base = S.warmup(S.CosineDecay(0.1, total=n - 4), steps=4)
    # the checks of the warm-up's two epochs are not counted
    checks = reduction_checks(as_logged(FLAT[2:]), factor=0.5, patience=1)
    asked = [(k + 3) * STEPS_PER_EPOCH for k in checks]
    steps = made(base, asked, 0.5, 0.01)
    assert plateau.reductions == {0: [steps]}
    assert steps == [10, 16] and asked == [10, 16, 20, 24]  # from step 20 the cosine is below min_lr
    expected = composed(base, steps, 0.5, 0.01, n)
    assert_trace(rec.lr(), expected)
    assert expected[16] == 0.01 > expected[-1]  # the floor bounds the reductions, not the schedule
    assert_trace(rec.momentum(), np.full(n, 0.9))  # the cosine leaves momentum alone; so does the plateau


def test_the_scale_survives_the_owners_rebuild(tmp_path) -> None:
    # a range test at a later step rebuilds the cosine from its new LR: the reductions so far stay
    plateau = ReduceOnPlateau("val", factor=0.5, patience=1)
    rec = fit(
        tmp_path,
        Scripted(FLAT),
        [CosineDecay(), plateau, ApplyAt(FakeRangeTest(suggestion=0.05), at_batch=13)],
        max_epochs=len(FLAT),
    )
    ((steps,),) = plateau.reductions.values()
    assert steps[0] < 14
    n = len(FLAT) * STEPS_PER_EPOCH
    before = composed(S.CosineDecay(0.1, total=n), steps, 0.5, 0.0, n)
    after = composed(S.CosineDecay(0.05, total=n), steps, 0.5, 0.0, n)
    assert_trace(rec.lr(), np.concatenate([before[:14], after[14:]]))


def test_it_scales_groups_the_schedule_leaves_alone_from_their_own_lr(tmp_path) -> None:
    plateau = ReduceOnPlateau("val", factor=0.5, patience=1)
    cosine = LRSchedule([S.CosineDecay(0.1, total=24), None])
    rec = fit(tmp_path, Scripted(FLAT, groups=2), [cosine, plateau], max_epochs=len(FLAT))
    ((steps, steps_1),) = plateau.reductions.values()
    assert steps_1 == [*steps, 24]  # at step 24 the cosine is at 0: nothing to reduce in group 0
    assert_trace(rec.lr(1), composed(S.Constant(0.01), steps_1, 0.5, 0.0, 24))
    assert_trace(rec.lr(0), composed(S.CosineDecay(0.1, total=24), steps, 0.5, 0.0, 24))


def test_alone_a_range_test_sets_its_lr(tmp_path) -> None:
    plateau = ReduceOnPlateau("val", factor=0.5, patience=1)
    rec = fit(
        tmp_path, Scripted(FLAT, groups=2), [plateau, ApplyAt(FakeRangeTest(suggestion=0.05))], max_epochs=12
    )
    ((steps, _),) = plateau.reductions.values()
    assert_trace(rec.lr(0), composed(S.Constant(0.05), steps, 0.5, 0.0, 24))
    assert_trace(rec.lr(1), composed(S.Constant(0.005), steps, 0.5, 0.0, 24))  # the ratio is kept


@pytest.mark.parametrize("first", [None, 0.03], ids=["no test before", "a test before with the same answer"])
def test_alone_a_range_test_at_a_later_step_ends_the_reductions_made_before_it(
    tmp_path, caplog, first
) -> None:
    # review 172: the docs say a range test's suggestion becomes a plateau's LR when it is alone on the optimizer;
    # a test at a later epoch kept the reductions made before it, and the optimizer trained at a quarter of it.
    # r173: so did one whose answer was the earlier test's (a value 1e-9 apart ended them)
    start = [ApplyAt(FakeRangeTest(suggestion=first))] if first is not None else []
    base = 0.1 if first is None else first

    def run(retest: bool) -> tuple[Any, ReduceOnPlateau]:
        plateau = ReduceOnPlateau("val", factor=0.5, patience=1)
        extra = [*start, *([ApplyAt(FakeRangeTest(suggestion=0.03), at_batch=13)] if retest else [])]
        with caplog.at_level(logging.INFO, logger="lightning.pytorch"):
            rec = fit(tmp_path, Scripted(FLAT), [plateau, *extra], max_epochs=len(FLAT))
        return rec, plateau

    _, without = run(retest=False)
    ((every,),) = without.reductions.values()
    earlier = [s for s in every if s < 14]
    assert earlier, every  # (reductions were made before the test)
    rec, plateau = run(retest=True)
    ((steps,),) = plateau.reductions.values()
    assert steps == [s for s in every if s >= 14]  # the watch goes on: later ones as without the test
    n = len(FLAT) * STEPS_PER_EPOCH
    before = composed(S.Constant(base), earlier, 0.5, 0.0, n)
    after = composed(S.Constant(0.03), steps, 0.5, 0.0, n)
    assert_trace(rec.lr(), np.concatenate([before[:14], after[14:]]))
    said = [r.getMessage() for r in caplog.records if "rebuilt at optimizer step" in r.getMessage()]
    assert len(said) == 1 and said[0].endswith(
        f"(the {len(earlier)} reduction{'s' * (len(earlier) > 1)} made before the test end here: the test's LR "
        "is the one to train at)"
    ), said


def test_alone_over_a_replaced_one_cycle_it_holds_the_lr_and_momentum_configured(tmp_path) -> None:
    # review 133: alone, the callback holds the optimizer's LR; over a replaced torch OneCycleLR it held the LR and
    # momentum that scheduler's constructor wrote into the groups (its cycle's start: 0.004, momentum 0.95), where
    # the LR configured is lost: now the cycle's peak (max_lr) at the optimizer's own momentum
    def with_one_cycle(model):
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        cycle = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05, total_steps=2 * STEPS_PER_EPOCH)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": cycle, "interval": "step"}}

    with pytest.warns(
        UserWarning,
        match=r"ReduceOnPlateau starts from the LR and momentum configured, which it takes to be OneCycleLR's max_lr "
        r"\(0\.05\) and the optimizer's momentum \(0\.9\)",
    ):
        rec = fit(tmp_path, Scripted(FLAT, optim=with_one_cycle), [ReduceOnPlateau("val", patience=100)])
    assert_trace(rec.lr(), np.full(2 * STEPS_PER_EPOCH, 0.05))
    assert_trace(rec.momentum(), np.full(2 * STEPS_PER_EPOCH, 0.9))


def test_it_replaces_a_torch_scheduler_and_refuses_a_second_plateau(tmp_path) -> None:
    def with_step_lr(model):
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        return [opt], [torch.optim.lr_scheduler.StepLR(opt, 3)]

    with pytest.warns(UserWarning, match=r"ReduceOnPlateau replaces the StepLR that configure_optimizers"):
        rec = fit(tmp_path, Scripted(FLAT, optim=with_step_lr), [ReduceOnPlateau("val", patience=100)])
    assert_trace(rec.lr(), np.full(2 * STEPS_PER_EPOCH, 0.1))

    def with_plateau(model):
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        return {
            "optimizer": opt,
            "lr_scheduler": torch.optim.lr_scheduler.ReduceLROnPlateau(opt),
            "monitor": "val",
        }

    with pytest.warns(UserWarning, match=r"ReduceOnPlateau replaces the ReduceLROnPlateau") as said:
        fit(tmp_path, Scripted(FLAT, optim=with_plateau), [ReduceOnPlateau("val", patience=100)])
    # no advice to add the ReduceOnPlateau callback, which is the one replacing it
    assert not [w for w in said if "add lightning_lr's ReduceOnPlateau callback" in str(w.message)]
    with pytest.raises(
        ValueError, match=r"ReduceOnPlateau and ReduceOnPlateau both reduce the LR of optimizer 0"
    ):
        fit(
            tmp_path,
            Scripted(FLAT),
            [ReduceOnPlateau("val"), CosineDecay(), ReduceOnPlateau("val", optimizer=0)],
        )


# --- resume --------------------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:.*resuming from a checkpoint that ended before the epoch ended")
def test_a_resume_after_a_reduction_is_bitwise_the_uninterrupted_run(tmp_path) -> None:
    def callbacks():
        return [CosineDecay(warmup=2), ReduceOnPlateau("val", factor=0.5, patience=1, cooldown=1)]

    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_epochs=1, save_top_k=-1)
    full = fit(
        tmp_path, Scripted(FLAT), [*callbacks(), ckpt], max_epochs=len(FLAT), enable_checkpointing=True
    )
    first = (reduction_checks(as_logged(FLAT), factor=0.5, patience=1, cooldown=1)[0] + 1) * STEPS_PER_EPOCH
    (path,) = (tmp_path / "ckpt").glob(f"*-step={first + STEPS_PER_EPOCH}.ckpt")  # one epoch after it
    state = torch.load(path, weights_only=False)["callbacks"]
    (plateau_state,) = [v for k, v in state.items() if k.startswith("ReduceOnPlateau")]
    assert plateau_state["reductions"] == {0: [[first]]}
    resumed = fit(tmp_path, Scripted(FLAT), callbacks(), max_epochs=len(FLAT), ckpt_path=str(path))
    assert resumed.steps()[0] == first + STEPS_PER_EPOCH
    assert resumed.rows == full.rows[first + STEPS_PER_EPOCH :]


def _with_torch_plateau(model: Any, threshold_mode: str = "rel") -> dict[str, Any]:
    """SGD and torch's ReduceLROnPlateau on ``"train_metric"``, with ``threshold=10``: in the ``"rel"`` mode
    (torch takes it; ReduceOnPlateau refuses it) it halves the LR at every check, in ``"abs"`` at every check
    but the first (which improves on the initial best, inf)."""
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    plateau = TorchPlateau(opt, factor=0.5, patience=0, threshold=10.0, threshold_mode=threshold_mode)
    return {"optimizer": opt, "lr_scheduler": {"scheduler": plateau, "monitor": "train_metric"}}


def _with_torch_plateau_abs(model: Any) -> dict[str, Any]:
    return _with_torch_plateau(model, threshold_mode="abs")


@pytest.mark.parametrize("kept", [True, False], ids=["torch plateau kept", "torch plateau removed"])
@pytest.mark.parametrize(
    ("make", "owner"),
    [
        (lambda: [ReduceOnPlateau("train_metric", patience=100)], "ReduceOnPlateau"),
        (lambda: [CosineDecay()], "CosineDecay"),
        (lambda: [CosineDecay(), ReduceOnPlateau("train_metric", patience=100)], "CosineDecay"),
    ],
    ids=["ReduceOnPlateau", "CosineDecay", "CosineDecay+ReduceOnPlateau"],
)
def test_a_resume_from_torchs_plateau_into_the_callbacks_starts_at_the_trainers_step(
    tmp_path, make, owner, kept
) -> None:
    # review 97: the move the package's own warning recommends (torch's ReduceLROnPlateau to the callbacks)
    # crashed on resume: KeyError "state_dict is missing ['_step_count']" (torch's plateau state has none)
    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_epochs=1, save_top_k=-1)
    fit(
        tmp_path,
        Scripted(FLAT, where="train", optim=_with_torch_plateau),
        [ckpt],
        max_epochs=2,
        enable_checkpointing=True,
    )
    (path,) = (tmp_path / "ckpt").glob(f"*-step={2 * STEPS_PER_EPOCH}.ckpt")
    uninterrupted = fit(tmp_path, Scripted(FLAT, where="train"), make(), max_epochs=4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resumed = fit(
            tmp_path,
            Scripted(FLAT, where="train", optim=_with_torch_plateau if kept else None),
            make(),
            max_epochs=4,
            ckpt_path=str(path),
        )
    said = [str(w.message) for w in caught if "has no state for the scheduler" in str(w.message)]
    assert len(said) == 1
    assert said[0].startswith(f"{owner}: the checkpoint has no state for the scheduler of optimizer 0 (SGD)")
    assert (
        "the state in its place was written by ReduceLROnPlateau, not lightning_lr, and is not loaded"
        in said[0]
    )
    assert said[0].endswith(
        f"so the schedule starts at the trainer's step {2 * STEPS_PER_EPOCH} instead of 0"
    )
    assert resumed.steps() == list(range(2 * STEPS_PER_EPOCH, 4 * STEPS_PER_EPOCH))
    if owner == "CosineDecay" and len(make()) == 1:
        assert_trace(resumed.lr(), uninterrupted.lr()[2 * STEPS_PER_EPOCH :])
    else:  # torch's reductions carry on (factor 0.5 there, 0.1 here: said, test below)
        carried = [
            str(w.message) for w in caught if "the state of torch's ReduceLROnPlateau" in str(w.message)
        ]
        assert len(carried) == 1 and "factor=0.5 -> 0.1" in carried[0]


@pytest.mark.parametrize("kept", [True, False], ids=["torch plateau kept", "torch plateau removed"])
@pytest.mark.parametrize("at", [1, 3, 4], ids=["after epoch 1", "after epoch 3", "after epoch 4"])
def test_a_resume_from_torchs_plateau_carries_its_reductions_and_watch_on(tmp_path, at, kept, caplog) -> None:
    # the reductions torch's ReduceLROnPlateau made before the checkpoint were lost on the move to this
    # callback (the LR went back to the configured 0.1, and the watch started afresh); with the same settings
    # the resumed run is now torch's own resumed run (Lightning saves an epoch's checkpoint before it steps
    # the plateau with that epoch's metric, so the checkpoint after epoch `at` holds `at - 1` checks, the
    # first of them an improvement: `at - 2` reductions)
    args = {"factor": 0.5, "patience": 0, "threshold": 10.0, "threshold_mode": "abs"}
    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_epochs=1, save_top_k=-1)
    fit(
        tmp_path,
        Scripted(FLAT, where="train", optim=_with_torch_plateau_abs),
        [ckpt],
        max_epochs=at,
        enable_checkpointing=True,
    )
    (path,) = (tmp_path / "ckpt").glob(f"*-step={at * STEPS_PER_EPOCH}.ckpt")
    torchs = fit(
        tmp_path,
        Scripted(FLAT, where="train", optim=_with_torch_plateau_abs),
        [],
        max_epochs=6,
        ckpt_path=str(path),
    )
    with caplog.at_level(logging.INFO), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resumed = fit(
            tmp_path,
            Scripted(FLAT, where="train", optim=_with_torch_plateau_abs if kept else None),
            [ReduceOnPlateau("train_metric", **args)],
            max_epochs=6,
            ckpt_path=str(path),
        )
    reductions = max(at - 2, 0)
    assert torchs.lr()[0] == pytest.approx(0.1 * 0.5**reductions)
    assert_trace(resumed.lr(), torchs.lr())
    assert not [w for w in caught if "the state of torch's ReduceLROnPlateau" in str(w.message)]
    said = [
        r.getMessage() for r in caplog.records if "the state of torch's ReduceLROnPlateau" in r.getMessage()
    ]
    if at == 1:  # nothing to carry
        assert said == []
    else:
        (message,) = said
        assert f"its {reductions} reduction" in message and f"(the LR {0.1 * 0.5**reductions:.6g})" in message
        assert f"{at - 1} checks)" in message


class _TwoManual(Scripted):
    """Manual optimization, two SGDs (0.1, 0.2); with ``torch_plateau`` each has torch's ReduceLROnPlateau
    (stepped by the module at the epoch's end), else the schedulers given are stepped after each optimizer
    step. Records every optimizer's LR at every batch."""

    ARGS: ClassVar[dict[str, Any]] = {
        "factor": 0.5,
        "patience": 0,
        "threshold": 10.0,
        "threshold_mode": "abs",
    }

    def __init__(self, torch_plateau: bool) -> None:
        super().__init__(FLAT, where="train")
        self.automatic_optimization = False
        self.other = torch.nn.Linear(4, 1)
        self.torch_plateau = torch_plateau
        self.lrs: list[list[float]] = []

    def configure_optimizers(self) -> Any:
        a = torch.optim.SGD(self.layer.parameters(), lr=0.1)
        b = torch.optim.SGD(self.other.parameters(), lr=0.2)
        if not self.torch_plateau:
            return [a, b]
        return [a, b], [
            {"scheduler": TorchPlateau(o, **self.ARGS), "monitor": "train_metric"} for o in (a, b)
        ]

    def training_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        self.lrs.append([o.param_groups[0]["lr"] for o in self.optimizers()])
        for opt, layer in zip(self.optimizers(), (self.layer, self.other), strict=True):
            loss = torch.nn.functional.mse_loss(layer(x), y)
            opt.zero_grad()
            self.manual_backward(loss)
            opt.step()
        if not self.torch_plateau:
            for scheduler in self.lr_schedulers():
                scheduler.step()
        self.log("train_metric", self.values[self.current_epoch], on_step=False, on_epoch=True)

    def on_train_epoch_end(self) -> None:
        if self.torch_plateau:
            for scheduler in self.lr_schedulers():
                scheduler.step(self.trainer.callback_metrics["train_metric"])


def test_a_resume_from_torchs_plateau_under_manual_optimization_carries_on(tmp_path) -> None:
    # review 103: the trainer's step counts both optimizers' steps there, and the schedulers start at 0: the
    # reductions carried at the trainer's step (16) were never reached (the LRs went back to 0.1 and 0.2), and
    # the next reduction, at step 2, made the milestones [16, 16, 16, 2] and crashed the fit
    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_epochs=1, save_top_k=-1)
    fit(tmp_path, _TwoManual(True), [ckpt], max_epochs=4, enable_checkpointing=True)
    (path,) = (tmp_path / "ckpt").glob("epoch=3-*.ckpt")
    torchs, ours = _TwoManual(True), _TwoManual(False)
    fit(tmp_path, torchs, [], max_epochs=6, ckpt_path=str(path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit(
            tmp_path,
            ours,
            [ReduceOnPlateau("train_metric", **_TwoManual.ARGS)],
            max_epochs=6,
            ckpt_path=str(path),
        )
    assert torchs.lrs[0] == pytest.approx([0.1 * 0.5**3, 0.2 * 0.5**3])
    assert ours.lrs == torchs.lrs


def test_a_resume_from_torchs_plateau_in_another_mode_keeps_the_reductions_only(tmp_path) -> None:
    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_epochs=1, save_top_k=-1)
    fit(tmp_path, Scripted(FLAT, where="train", optim=_with_torch_plateau), [ckpt], max_epochs=2,
        enable_checkpointing=True)  # fmt: skip
    (path,) = (tmp_path / "ckpt").glob(f"*-step={2 * STEPS_PER_EPOCH}.ckpt")
    callback = ReduceOnPlateau("train_metric", mode="max", factor=0.5, patience=100)
    with pytest.warns(
        UserWarning, match=r"its watch was in mode 'min', and this one's in 'max' starts afresh"
    ):
        resumed = fit(tmp_path, Scripted(FLAT, where="train"), [callback], max_epochs=4, ckpt_path=str(path))
    assert resumed.lr()[0] == pytest.approx(0.1 * 0.5)  # the reduction made carries on
    state = callback.state_dict()  # a fresh watch in max mode of 0.5, 0.5; the count of checks is the run's
    assert (state["best"], state["num_bad_epochs"], state["last_epoch"]) == (0.5, 1, 3)


def _halving_run(tmp_path) -> tuple[Any, str]:
    """A 4-epoch run of FLAT under ReduceOnPlateau("val", factor=0.5, patience=0), checkpointed at every
    epoch's end: its recorder, and the checkpoint after epoch 2 (one reduction made, at step 6)."""
    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_epochs=1, save_top_k=-1)
    full = fit(
        tmp_path,
        Scripted(FLAT),
        [ReduceOnPlateau("val", factor=0.5, patience=0), ckpt],
        max_epochs=4,
        enable_checkpointing=True,
    )
    (path,) = (tmp_path / "ckpt").glob(f"*-step={3 * STEPS_PER_EPOCH}.ckpt")
    return full, str(path)


@pytest.mark.filterwarnings(*QUIET)
def test_a_resume_with_another_factor_says_the_lr_may_jump(tmp_path) -> None:
    # before: the reductions made at factor 0.5 were replayed at the resumed run's factor 0.1, and the LR
    # went from 0.05 to 0.01 without a word (review 25)
    _, path = _halving_run(tmp_path)
    # min_lr=[0.0] on one param group means the default 0.0 (review 27: it warned)
    for factor, min_lr, said in ((0.5, 0.0, False), (0.5, [0.0], False), (0.1, 0.0, True)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fit(
                tmp_path,
                Scripted(FLAT),
                [ReduceOnPlateau("val", factor=factor, patience=0, min_lr=min_lr)],
                max_epochs=4,
                ckpt_path=str(path),
            )
        ours = [str(w.message) for w in caught if "resumed with other arguments" in str(w.message)]
        assert ours == (
            []
            if not said
            else [
                "ReduceOnPlateau: resumed with other arguments than the checkpoint's (factor=0.5 -> 0.1); the "
                "reductions made before the checkpoint now follow the new ones, so the LR may jump at the resumed "
                "step"
            ]
        )


@pytest.mark.filterwarnings(*QUIET)
def test_a_resume_with_another_factor_before_any_reduction_says_nothing(tmp_path) -> None:
    # review 28: with no reduction made (one empty list per param group) it said "the LR may jump"
    improving = [1.0, 0.9, 0.8, 0.7, 0.6]
    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_epochs=1, save_top_k=-1)
    plateau = ReduceOnPlateau("val", factor=0.5, patience=0)
    fit(tmp_path, Scripted(improving), [plateau, ckpt], max_epochs=4, enable_checkpointing=True)
    (path,) = (tmp_path / "ckpt").glob(f"*-step={2 * STEPS_PER_EPOCH}.ckpt")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = fit(
            tmp_path,
            Scripted(improving),
            [ReduceOnPlateau("val", factor=0.1, patience=0)],
            max_epochs=4,
            ckpt_path=str(path),
        )
    assert not [w for w in caught if "resumed with other arguments" in str(w.message)]
    assert {row[1][0] for row in rec.rows} == {0.1}  # no reduction before or after: nothing jumps


@pytest.mark.filterwarnings(*QUIET)
@pytest.mark.filterwarnings("ignore:.*fit was called again on this Trainer")
def test_fit_called_again_on_the_trainer_keeps_the_reductions(tmp_path) -> None:
    # before: the second fit, which continues at the Trainer's step, dropped the reductions of the first and
    # the LR jumped back up (review 25)
    full = fit(tmp_path, Scripted(FLAT), [ReduceOnPlateau("val", factor=0.5, patience=0)], max_epochs=4)
    plateau = ReduceOnPlateau("val", factor=0.5, patience=0)
    first, second = Recorder(), Recorder()
    t = trainer(tmp_path, [plateau, first], max_epochs=2)
    model = Scripted(FLAT)
    t.fit(model)
    t.fit_loop.max_epochs = 4
    t.callbacks.remove(first)
    t.callbacks.append(second)
    t.fit(model)
    assert first.rows + second.rows == full.rows


@pytest.mark.parametrize("spelling", [0, "SGD"])
def test_a_resume_with_the_optimizer_spelled_otherwise_keeps_the_reductions(tmp_path, spelling) -> None:
    # before: ReduceOnPlateau did not look for its state under another spelling of `optimizer`, so a resume
    # as optimizer=0 of a run written with the default "all" went back to the LR before its reductions
    full, path = _halving_run(tmp_path)
    resumed_with = ReduceOnPlateau("val", optimizer=spelling, factor=0.5, patience=0)
    with pytest.warns(
        UserWarning, match=r"resumed from the checkpoint's state for ReduceOnPlateau\{'optimizer': 'all'"
    ):
        resumed = fit(tmp_path, Scripted(FLAT), [resumed_with], max_epochs=4, ckpt_path=str(path))
    assert resumed_with.reductions == {0: [[6, 8]]}
    assert resumed.rows == full.rows[3 * STEPS_PER_EPOCH :]


@pytest.mark.filterwarnings(*QUIET)
def test_a_resume_watching_another_metric_keeps_the_reductions_made(tmp_path) -> None:
    # review 65: the state key holds the monitor, so Lightning dropped the state of a run resumed to watch
    # another metric, and the LR rose by 1 / factor per reduction made, without a word (torch keeps them)
    full, path = _halving_run(tmp_path)
    resumed_with = ReduceOnPlateau("train_metric", factor=0.5, patience=0)
    with pytest.warns(
        UserWarning,
        match=r"resumed from the checkpoint's state for ReduceOnPlateau\{'optimizer': 'all', 'monitor': 'val'\}, "
        r"which schedules the same optimizer\(s\) \(0: SGD\) while it watched 'val'; the 1 reduction it made "
        r"carries on, and the watch of 'train_metric' starts afresh",
    ):
        resumed = fit(
            tmp_path, scripted(FLAT, where="train"), [resumed_with], max_epochs=4, ckpt_path=str(path)
        )
    assert resumed.rows[:STEPS_PER_EPOCH] == full.rows[3 * STEPS_PER_EPOCH : 4 * STEPS_PER_EPOCH]
    # the new metric's first value is its best so far: no reduction on it (the old watch made one at step 8)
    assert resumed_with.reductions == {0: [[6]]}


def test_a_checkpoint_at_the_end_of_an_epoch_holds_a_decision_on_a_metric_logged_at_its_end(tmp_path) -> None:
    # the checkpoint callback saves after the module's on_train_epoch_end, before the next epoch starts
    def callbacks():
        return [CosineDecay(warmup=2), ReduceOnPlateau("train_metric", factor=0.5, patience=1, cooldown=1)]

    ckpt = ModelCheckpoint(
        dirpath=tmp_path / "ckpt", every_n_epochs=1, save_top_k=-1, save_on_train_epoch_end=True
    )
    model = scripted(FLAT, where="epoch_end")
    full = fit(tmp_path, model, [*callbacks(), ckpt], max_epochs=len(FLAT), enable_checkpointing=True)
    first = (reduction_checks(as_logged(FLAT), factor=0.5, patience=1, cooldown=1)[0] + 1) * STEPS_PER_EPOCH
    (path,) = (tmp_path / "ckpt").glob(f"*-step={first}.ckpt")  # saved at the end of the epoch that reduced
    state = torch.load(path, weights_only=False)["callbacks"]
    (plateau_state,) = [v for k, v in state.items() if k.startswith("ReduceOnPlateau")]
    assert plateau_state["reductions"] == {0: [[first]]} and plateau_state["monitor_source"] == "train"
    resumed = fit(
        tmp_path, scripted(FLAT, where="epoch_end"), callbacks(), max_epochs=len(FLAT), ckpt_path=str(path)
    )
    assert resumed.steps()[0] == first
    assert resumed.rows == full.rows[first:]


def test_state_dict_has_explicit_keys_and_load_checks_them() -> None:
    cb = ReduceOnPlateau("val")
    state = cb.state_dict()
    assert {k: state[k] for k in ("best", "num_bad_epochs", "cooldown_counter", "reductions")} == {
        "best": float("inf"),
        "num_bad_epochs": 0,
        "cooldown_counter": 0,
        "reductions": {},
    }
    other = ReduceOnPlateau("val", mode="max")
    other.load_state_dict({**state, "best": 0.5, "num_bad_epochs": 2, "reductions": {0: [[4, 8]]}})
    assert other.state_dict()["best"] == 0.5 and other.reductions == {0: [[4, 8]]}
    with pytest.raises(
        KeyError, match=r"ReduceOnPlateau: the checkpoint's state for this callback lacks \['reductions'\]"
    ):
        cb.load_state_dict({k: v for k, v in state.items() if k != "reductions"})


# --- logging -------------------------------------------------------------------------------------
def test_the_factor_is_logged_each_step_and_each_reduction_is_announced(tmp_path, caplog) -> None:
    logger = CSVLogger(tmp_path)
    plateau = ReduceOnPlateau("val", factor=0.5, patience=1)
    with caplog.at_level(logging.INFO):
        rec = fit(
            tmp_path,
            Scripted(FLAT),
            [CosineDecay(), plateau],
            max_epochs=12,
            logger=logger,
            log_every_n_steps=1,
        )
    ((steps,),) = plateau.reductions.values()
    rows = csv_rows(logger)
    factors = S.MultiStepDecay(1.0, steps, gamma=0.5).values(24)
    assert logged(rows, "lr-SGD-plateau_factor") == list(enumerate(factors.tolist()))
    assert logged(rows, "lr-SGD") == list(enumerate(rec.lr().tolist()))  # the cosine logs the LR, once
    announced = [r.getMessage() for r in caplog.records if "ReduceOnPlateau: step" in r.getMessage()]
    assert len(announced) == len(steps)
    assert announced[0] == (
        f"ReduceOnPlateau: step {steps[0]}: val=0.5, no improvement on the best 0.5 for 2 checks: the LR "
        f"factor of optimizer 0 (SGD) is now 0.5"
    )


# --- errors --------------------------------------------------------------------------------------
def test_a_metric_that_never_appears_is_named(tmp_path) -> None:
    with pytest.raises(
        ValueError,
        match=r"ReduceOnPlateau\(monitor='val_loss'\): the metric 'val_loss' was not logged; the logged "
        r"metrics \(trainer.callback_metrics\) are \['val_other'\]",
    ):
        fit(tmp_path, Unlogged(FLAT), [ReduceOnPlateau("val_loss")])
    with pytest.raises(ValueError, match=r"the metric 'loss' was not logged; the logged metrics .* are none"):
        fit(tmp_path, Tiny(), [ReduceOnPlateau("loss")])


def test_a_fit_that_ends_before_its_first_validation_says_it_never_decided(tmp_path) -> None:
    # validation every 3 epochs in a fit of 2 (before: it waited for that run, and the fit ended silently)
    cb = ReduceOnPlateau("val", factor=0.5, patience=0)
    with pytest.warns(
        UserWarning,
        match=r"ReduceOnPlateau\(monitor='val'\): the fit ended without a decision: 'val' was never logged in "
        r"training, and validation never ran in its 2 epochs \(check_val_every_n_epoch=3\)",
    ):
        fit(tmp_path, Scripted(FLAT), [cb], max_epochs=2, check_val_every_n_epoch=3)
    assert cb.reductions == {0: [[]]}  # optimizer 0, its one group: no reduction


def test_it_waits_for_a_validation_run_that_comes_later(tmp_path) -> None:
    cb = ReduceOnPlateau("val", factor=0.5, patience=0)
    fit(tmp_path, Scripted(FLAT), [cb], max_epochs=4, check_val_every_n_epoch=2)
    assert cb.reductions == {0: [[8]]}  # 0.5 at epoch 1 (the best), 0.5 again at epoch 3: reduced


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(monitor=""), ValueError, r"ReduceOnPlateau: monitor must be the name of a logged metric"),
        (dict(mode="minimum"), ValueError, r"mode must be one of 'min', 'max', got 'minimum'"),
        (dict(factor=1.0), ValueError, r"factor must be in \(0, 1\), got 1.0"),
        (dict(patience=-1), ValueError, r"patience must be a non-negative integer, got -1"),
        (dict(threshold_mode="relative"), ValueError, r"threshold_mode must be one of 'rel', 'abs'"),
        # review 101: no positive value is below best * (1 - threshold) <= 0, so the LR was cut on a timer
        (
            dict(threshold=1.5),
            ValueError,
            r"ReduceOnPlateau: threshold must be < 1 with threshold_mode='rel' and mode='min' \(an improvement "
            r"must be below best \* \(1 - threshold\) <= 0, .*\), got 1.5",
        ),
        (dict(threshold=1.0), ValueError, r"threshold must be < 1 with threshold_mode='rel' and mode='min'"),
        (dict(cooldown=0.5), TypeError, r"cooldown must be a non-negative integer, got 0.5"),
        (dict(min_lr=[0.1, -1]), ValueError, r"min_lr\[1\] must be >= 0, got -1"),
        (dict(eps=float("nan")), ValueError, r"eps must be a finite number >= 0, got nan"),
    ],
)
def test_arguments_are_checked(kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        ReduceOnPlateau(**{"monitor": "val", **kwargs})


@pytest.mark.parametrize("kwargs", [dict(mode="max"), dict(threshold_mode="abs")], ids=["max rel", "min abs"])
def test_a_threshold_of_1_or_more_is_taken_where_values_can_improve_on_it(kwargs) -> None:
    assert ReduceOnPlateau("val", threshold=1.5, **kwargs).threshold == 1.5


def test_patience_and_cooldown_are_no_step_counts() -> None:
    # step counts are capped at 2**53; these count epochs or checks (a review found them capped too)
    plateau = ReduceOnPlateau("val", patience=2**60, cooldown=2**60)
    assert (plateau.patience, plateau.cooldown) == (2**60, 2**60)


@pytest.mark.parametrize(
    ("groups", "min_lr", "said"),
    [
        (2, [0.0, 0.0, 0.0], "3 values but optimizer 0 (SGD) has 2 param groups"),
        (1, [0.0, 0.1], "2 values but optimizer 0 (SGD) has 1 param group"),  # review 122: "1 param groups"
    ],
)
def test_min_lr_needs_one_value_per_group(tmp_path, groups: int, min_lr: list[float], said: str) -> None:
    with pytest.raises(
        ValueError,
        match="^"
        + re.escape(f"ReduceOnPlateau: min_lr has {said}; give one per group or a single number")
        + "$",
    ):
        fit(tmp_path, Scripted(FLAT, groups=groups), [ReduceOnPlateau("val", min_lr=min_lr)])


def test_repr_shows_what_differs_from_torchs_defaults() -> None:
    assert repr(ReduceOnPlateau("val", factor=0.5, min_lr=[0.0, 1e-5])) == (
        "ReduceOnPlateau(monitor='val', factor=0.5, min_lr=[0, 1e-05])"
    )


def test_state_after_a_fit(tmp_path: Path) -> None:
    cb = ReduceOnPlateau("val", factor=0.5, patience=0)
    fit(tmp_path, Scripted(FLAT), [cb], max_epochs=4)
    state = cb.state_dict()
    assert state["reductions"] == {0: [[6, 8]]} and state["last_epoch"] == 4
    assert (state["best"], state["num_bad_epochs"], state["monitor_source"]) == (0.5, 0, "validation")


def test_checks_in_the_first_rise_of_the_schedule_are_not_counted_as_timms_warmup(tmp_path, caplog) -> None:
    # review 42: under a warm-up the metrics of the warm-up's epochs counted, and the first reduction came
    # right after it. timm's PlateauLRScheduler(warmup_t=2, patience_t=1, mode="max", decay_rate=0.1) on
    # these values gives the per-epoch LRs 0.01, 0.055, then 0.1 for four epochs and 0.01 from epoch 6 on
    values = [0.5, 0.4, 0.3, 0.6, 0.55, 0.5, 0.45, 0.4]
    warm = S.warmup(S.Constant(0.1), steps=2 * STEPS_PER_EPOCH, start=0.01)
    plateau = ReduceOnPlateau("val", mode="max", patience=1, factor=0.1)
    with caplog.at_level(logging.INFO):
        rec = fit(tmp_path, Scripted(values), [LRSchedule(warm), plateau], max_epochs=len(values))
    epoch_start = [round(lr, 6) for lr in rec.lr()[::STEPS_PER_EPOCH]]
    assert epoch_start == [0.01, 0.055, 0.1, 0.1, 0.1, 0.1, 0.01, 0.01]
    assert plateau.reductions == {0: [[6 * STEPS_PER_EPOCH, 8 * STEPS_PER_EPOCH]]}  # the last after the run
    said = [r.getMessage() for r in caplog.records if "not counted" in r.getMessage()]
    assert said == [
        "ReduceOnPlateau: the check at step 2 (val=0.5) is not counted, nor any other before the LR schedule it "
        "multiplies stops rising (a warm-up): the LR is raised there on purpose"
    ]


def test_the_checks_since_the_best_from_a_checkpoint_without_them_are_a_lower_bound() -> None:
    # review 81: read from an older checkpoint as the bad checks counted, which a cooldown resets: the message
    # gave too few checks, as if exact
    rule = Plateau(mode="min", threshold=1e-4, threshold_mode="rel", patience=0, cooldown=3)
    rule.load_state_dict({"best": 0.5, "num_bad_epochs": 0, "cooldown_counter": 2, "last_epoch": 6})
    rule.step(0.6)
    assert (rule.since_best, rule.since_best_known) == (1, False)  # (at least 1: the cooldown hid the rest)
    rule.step(0.4)  # an improvement: counted from here on
    rule.step(0.45)
    assert (rule.since_best, rule.since_best_known) == (1, True)
    assert rule.state_dict()["checks_since_best"] == 1


def _plateau_warnings(
    tmp_path: Path, model: Any, callbacks: list[Any], said: str = "min_lr is at or above", **kwargs: Any
) -> tuple[list[str], Recorder]:
    """The warnings of a 4-epoch fit that hold ``said``, and the fit's record."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = fit(tmp_path, model, callbacks, **{"max_epochs": 4, **kwargs})
    return [str(w.message) for w in caught if said in str(w.message)], rec


@pytest.mark.parametrize(
    ("min_lr", "given"), [(2.5, "min_lr=2.5"), ([0.5], "min_lr[0]=0.5"), (0.1, "min_lr=0.1")]
)
def test_a_min_lr_at_or_above_the_lr_is_said_when_the_rule_fires(tmp_path, min_lr, given: str) -> None:
    # review 108: min_lr=2.5 on an LR of 0.1 never let the rule act, and nothing said so (torch's
    # ReduceLROnPlateau does the same silently: max(0.1 * factor, 2.5) is above the LR, so it changes nothing)
    said, rec = _plateau_warnings(
        tmp_path, Scripted(FLAT), [ReduceOnPlateau("val", patience=0, min_lr=min_lr)]
    )
    assert said == [
        f"ReduceOnPlateau: the plateau rule fired, but {given} on param group 0 of optimizer 0 (SGD), whose LR is "
        f"0.1 at step 6: min_lr is at or above the LR there, so this reduction could not lower it (torch's "
        f"ReduceLROnPlateau leaves such a group alone too, without a word). If min_lr is meant to lie below the "
        f"LR, lower it; where the LR dips below min_lr only for a while (a stepped warm-up, a cycle's trough), "
        f"the rule reduces it where it is above."
    ]
    assert set(rec.lr(0).tolist()) == {0.1}


def test_a_min_lr_below_the_lr_somewhere_in_the_run_is_not_said(tmp_path) -> None:
    # a floor a group's schedule rises above later (a peak of 1.0 over the optimizer's 0.1) can act there
    said, _ = _plateau_warnings(
        tmp_path,
        Scripted(FLAT),
        [LRSchedule(S.warmup(S.Constant(1.0), steps=4)), ReduceOnPlateau("val", patience=0, min_lr=0.5)],
    )
    assert said == []
    said, _ = _plateau_warnings(tmp_path, Scripted(FLAT), [ReduceOnPlateau("val", patience=0, min_lr=0.05)])
    assert said == []
    # one group of two at or above its floor: that group alone is named
    said, _ = _plateau_warnings(
        tmp_path, Scripted(FLAT, groups=2), [ReduceOnPlateau("val", patience=0, min_lr=[0.0, 0.01])]
    )
    assert len(said) == 1 and said[0].startswith(
        "ReduceOnPlateau: the plateau rule fired, but min_lr[1]=0.01 on param group 1 of optimizer 0 (SGD), "
        "whose LR is 0.01 at step 6: "
    )


def _eps_warnings(tmp_path: Path, model: Any, callbacks: list[Any]) -> tuple[list[str], Recorder]:
    return _plateau_warnings(tmp_path, model, callbacks, said="kept it from lowering")


@pytest.mark.parametrize("eps", [1.0, 1e308])
def test_an_eps_that_keeps_the_first_reduction_from_being_made_is_said(tmp_path, eps: float) -> None:
    # r202: eps=1.0 on an LR of 0.1 kept every reduction (0.1 to 0.01, a change of 0.09) from being made, and
    # nothing said so (torch's ReduceLROnPlateau is silent too); min_lr's like case was said
    said, rec = _eps_warnings(tmp_path, Scripted(FLAT), [ReduceOnPlateau("val", patience=0, eps=eps)])
    assert said == [
        f"ReduceOnPlateau: the plateau rule fired, but eps={eps:g} kept it from lowering param group 0 of "
        f"optimizer 0 (SGD) (0.1 to 0.01): a reduction that changes the LR by eps or less is not made (as in "
        f"torch's ReduceLROnPlateau, which says nothing). eps is the smallest change of the LR worth making, not "
        f"an optimizer's epsilon; give an eps below the LR's changes (the default is 1e-8)"
    ]
    assert set(rec.lr(0).tolist()) == {0.1}


def test_an_eps_that_stops_reductions_after_some_were_made_is_not_said(tmp_path) -> None:
    # reductions down to where a change is eps or less is what eps is for: no warning once the LR was reduced
    said, rec = _eps_warnings(tmp_path, Scripted(FLAT), [ReduceOnPlateau("val", patience=0, eps=0.05)])
    assert said == []
    assert rec.lr(0)[-1] == pytest.approx(0.01)  # 0.1 to 0.01 (a change of 0.09); 0.01 to 0.001 not made
    # of two groups, the one eps holds at its first reduction is named alone
    said, _ = _eps_warnings(
        tmp_path, Scripted(FLAT, groups=2), [ReduceOnPlateau("val", patience=0, eps=0.05)]
    )
    assert len(said) == 1 and "lowering param group 1 of optimizer 0 (SGD) (0.01 to 0.001)" in said[0]


@pytest.mark.filterwarnings("ignore:.*resuming from a checkpoint that ended before the epoch ended")
def test_a_group_its_reductions_brought_to_min_lr_is_not_said_on_resume(tmp_path) -> None:
    # the floor reached by the rule's own reductions is where it is meant to stop: a resume there is no
    # misconfiguration, and "Give a min_lr below the LR" would be wrong (the check reads the LRs the schedule
    # plans before the reductions, 0.1 here, not the 0.01 the checkpoint holds)
    def callbacks():
        return [ReduceOnPlateau("val", factor=0.1, patience=0, min_lr=0.01)]

    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_epochs=1, save_top_k=-1)
    said, full = _plateau_warnings(tmp_path, Scripted(FLAT), [*callbacks(), ckpt], enable_checkpointing=True)
    assert said == [] and full.lr(0)[-1] == pytest.approx(0.01)  # down to the floor
    path = max((tmp_path / "ckpt").glob("*.ckpt"), key=lambda p: p.stat().st_mtime)
    assert torch.load(path, weights_only=False)["optimizer_states"][0]["param_groups"][0][
        "lr"
    ] == pytest.approx(0.01)
    said, _ = _plateau_warnings(tmp_path, Scripted(FLAT), callbacks(), max_epochs=6, ckpt_path=str(path))
    assert said == []


class _Stream(torch.utils.data.IterableDataset):
    """12 samples, and no length: a run whose steps Lightning cannot count ahead."""

    def __iter__(self):
        for i in range(12):
            yield torch.full((1,), float(i))


class _Linear(pl.LightningModule):
    def __init__(self, data: Any) -> None:
        super().__init__()
        self.net, self.data = torch.nn.Linear(1, 1), data

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        self.log("val", 1.0, on_epoch=True, on_step=False)
        x = batch[0] if isinstance(batch, list) else batch
        return self.net(x).pow(2).mean()

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.SGD(self.parameters(), lr=0.1)

    def train_dataloader(self) -> Any:
        return torch.utils.data.DataLoader(self.data, batch_size=1 if isinstance(self.data, list) else 2)


def test_a_min_lr_below_the_lr_where_the_rule_fires_is_not_said(tmp_path) -> None:
    # review 109: a fit-start reading of a run of unknown length took a warm-up from 0 at its first step ("min_lr=0.5
    # ... whose LR is 0"); review 110: reading every planned step instead cost seconds at fit start on a long run.
    # The warning is now said where the rule fires (step 12, after the warm-up, at LR 1.0)
    def run(floor: float) -> list[str]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            callbacks = [
                LRSchedule(S.warmup(S.Constant(1.0), steps=4)),
                ReduceOnPlateau("val", patience=0, min_lr=floor),
            ]
            trainer(tmp_path, callbacks, max_epochs=3).fit(_Linear(_Stream()))
        return [str(w.message) for w in caught if "min_lr is at or above" in str(w.message)]

    assert run(0.5) == []
    (said,) = run(1.0)
    assert said.startswith(
        "ReduceOnPlateau: the plateau rule fired, but min_lr=1 on param group 0 of optimizer 0 (SGD), whose LR "
        "is 1 at step 12"
    )


class _TwoOptimizers(Scripted):
    """Scripted with two SGD optimizers (LRs 0.1 and 0.2), stepped by hand."""

    def __init__(self, values: Any) -> None:
        super().__init__(values)
        self.automatic_optimization = False
        self.other = torch.nn.Linear(4, 1)

    def training_step(self, batch: Any, batch_idx: int) -> None:
        for opt in self.optimizers():
            opt.zero_grad()
            loss = super().training_step(batch, batch_idx) + self.other(batch[0]).pow(2).mean()
            self.manual_backward(loss)
            opt.step()

    def configure_optimizers(self) -> Any:
        return [
            torch.optim.SGD(self.layer.parameters(), lr=0.1),
            torch.optim.SGD(self.other.parameters(), lr=0.2),
        ]


def test_a_min_lr_above_the_lr_of_several_optimizers_names_each(tmp_path) -> None:
    # review 111: the warning was said once, for the first optimizer alone
    said, _ = _plateau_warnings(
        tmp_path, _TwoOptimizers(FLAT), [ReduceOnPlateau("val", patience=0, min_lr=0.5)]
    )
    assert len(said) == 1
    assert "min_lr=0.5 on param group 0 of optimizer 0 (SGD), whose LR is 0.1" in said[0]
    assert "min_lr=0.5 on param group 0 of optimizer 1 (SGD), whose LR is 0.2" in said[0]
