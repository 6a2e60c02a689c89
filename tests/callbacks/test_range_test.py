"""apply_range_test (the contract with the range test of issue 4), exercised with a stand-in result, and the
real range test beside a warm-up."""

from __future__ import annotations

import math
import re
import warnings
from typing import Any

import numpy as np
import pytest
import torch
from lightning.pytorch.callbacks import ModelCheckpoint
from torch.utils.data import DataLoader

from lightning_lr import LRRangeTest
from lightning_lr import schedules as S
from lightning_lr.callbacks import (
    CosineDecay,
    Cyclic,
    LRSchedule,
    MultiStepDecay,
    OneCycle,
    PolynomialDecay,
    StepDecay,
    WarmupStableDecay,
)
from lightning_lr.schedules.long_run import WarmupStableDecay as LongRunWSD

from support.fakes import AnnouncedApplyAt, ApplyAt, FakeRangeTest
from support.models import Tiny
from support.recording import Recorder, assert_trace
from support.trainers import fit, trainer

N = 24


def test_fills_max_lr_before_the_fit(tmp_path) -> None:
    cb = OneCycle()
    cb.apply_range_test(FakeRangeTest(max_lr=0.05))
    rec = fit(tmp_path, Tiny(), [cb])
    assert_trace(rec.lr(), S.OneCycle(0.05, total_steps=N).values(N))


def test_asks_for_the_peak_of_its_own_shape() -> None:
    """The peak's lower bound is the 1cycle whose mean LR is the answer, and the mean depends on the shape."""
    fake = FakeRangeTest(max_lr=0.05)
    OneCycle(pct_start=0.25, anneal="linear", div_factor=10.0, final_div_factor=100.0).apply_range_test(fake)
    assert fake.shapes == [
        {
            "pct_start": 0.25,
            "anneal": "linear",
            "div_factor": 10.0,
            "final_div_factor": 100.0,
            "three_phase": False,
        }
    ]


def test_fills_max_lr_at_fit_start_after_injection(tmp_path) -> None:
    # like LRRangeTest: runs in on_fit_start, after configure_optimizers injected the scheduler
    rec = fit(tmp_path, Tiny(groups=2), [OneCycle(), ApplyAt(FakeRangeTest(max_lr=0.05))])
    assert_trace(rec.lr(0), S.OneCycle(0.05, total_steps=N).values(N))
    assert_trace(rec.lr(1), S.OneCycle(0.005, total_steps=N).values(N))  # the group ratio is kept
    assert_trace(rec.momentum(1), S.OneCycle(0.05, total_steps=N).momentum().values(N))


def test_applies_to_the_running_fit_from_the_next_step(tmp_path) -> None:
    rec = fit(tmp_path, Tiny(), [OneCycle(), ApplyAt(FakeRangeTest(max_lr=0.05), at_batch=5)])
    before, after = S.OneCycle(0.1, total_steps=N), S.OneCycle(0.05, total_steps=N)
    assert_trace(rec.lr()[:6], before.values(6))
    assert_trace(rec.lr()[6:], after.values(N)[6:])


def test_explicit_values_are_kept_with_one_warning(tmp_path) -> None:
    with pytest.warns(
        UserWarning, match=r"OneCycle keeps max_lr=0.2 \(given explicitly; suggested 0.05\)"
    ) as w:
        rec = fit(tmp_path, Tiny(), [OneCycle(max_lr=0.2), ApplyAt(FakeRangeTest(max_lr=0.05))])
    assert sum("keeps" in str(x.message) for x in w) == 1
    assert_trace(rec.lr(), S.OneCycle(0.2, total_steps=N).values(N))


def test_no_suggestion_keeps_the_current_values_and_says_why(tmp_path) -> None:
    with pytest.warns(
        UserWarning,
        match=r"OneCycle: the LR range test gave no suggestion .* so max_lr=None \(from the optimizer\) is kept",
    ):
        rec = fit(tmp_path, Tiny(), [OneCycle(), ApplyAt(FakeRangeTest(max_lr=None))])
    assert_trace(rec.lr(), S.OneCycle(0.1, total_steps=N).values(N))


def test_cyclic_fills_both_bounds_or_only_the_missing_one(tmp_path) -> None:
    rec = fit(tmp_path, Tiny(), [Cyclic(step_size=4), ApplyAt(FakeRangeTest(bounds=(0.01, 0.2)))])
    assert_trace(rec.lr(), S.Cyclic(0.01, 0.2, 4).values(N))
    with pytest.warns(UserWarning, match=r"Cyclic keeps base_lr=0.02 \(given explicitly; suggested 0.01\)"):
        rec = fit(
            tmp_path, Tiny(), [Cyclic(base_lr=0.02, step_size=4), ApplyAt(FakeRangeTest(bounds=(0.01, 0.2)))]
        )
    assert_trace(rec.lr(), S.Cyclic(0.02, 0.2, 4).values(N))
    with pytest.warns(
        UserWarning,
        match=r"Cyclic: the LR range test gave no suggestion .* so base_lr=None \(from the optimizer\), max_lr=0.3 is kept",
    ):
        rec = fit(tmp_path, Tiny(), [Cyclic(max_lr=0.3, step_size=4), ApplyAt(FakeRangeTest(bounds=None))])
    assert_trace(rec.lr(), S.Cyclic(0.075, 0.3, 4).values(N))


@pytest.mark.parametrize("make", [lambda: CosineDecay(), lambda: StepDecay(every=5)])
def test_decay_presets_take_the_suggestion(tmp_path, make) -> None:
    cb = make()
    rec = fit(tmp_path, Tiny(), [cb, ApplyAt(FakeRangeTest(suggestion=0.03))])
    assert rec.lr()[0] == 0.03
    assert cb.state_dict()["filled"] == {"initial": 0.03}
    assert cb.hparams()["initial"] == 0.03


def test_an_explicit_schedule_is_kept_with_the_suggestion_in_the_warning(tmp_path) -> None:
    with pytest.warns(
        UserWarning,
        match=r"LRSchedule keeps lr=Constant\(value=0.2\) \(given explicitly; the range test suggested lr 0.03\)",
    ):
        rec = fit(tmp_path, Tiny(), [LRSchedule(S.Constant(0.2)), ApplyAt(FakeRangeTest(suggestion=0.03))])
    assert_trace(rec.lr(), np.full(N, 0.2))


@pytest.mark.parametrize("bad", [math.nan, -1.0, 0.0])
def test_an_unusable_suggestion_is_an_error(bad) -> None:
    with pytest.raises(
        ValueError, match=rf"OneCycle: the range test suggested max_lr={bad}; need a number > 0"
    ):
        OneCycle().apply_range_test(FakeRangeTest(max_lr=bad))
    with pytest.raises(TypeError, match=r"OneCycle: the range test suggested max_lr='0.1', not a number"):
        OneCycle().apply_range_test(FakeRangeTest(max_lr="0.1"))  # type: ignore[arg-type]


def test_a_second_range_test_replaces_the_first(tmp_path) -> None:
    cb = OneCycle()
    cb.apply_range_test(FakeRangeTest(max_lr=0.05))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # replacing a value a range test filled is silent
        cb.apply_range_test(FakeRangeTest(max_lr=0.07))
    rec = fit(tmp_path, Tiny(), [cb])
    assert_trace(rec.lr(), S.OneCycle(0.07, total_steps=N).values(N))


@pytest.mark.parametrize(
    "make",
    [
        lambda: CosineDecay(warmup=3),
        lambda: WarmupStableDecay(warmup=3),
        lambda: MultiStepDecay([9], warmup=3),
    ],
    ids=["cosine", "wsd", "multistep"],
)
@pytest.mark.parametrize("first", [True, False], ids=["range-test-first", "schedule-first"])
def test_a_warm_up_from_zero_leaves_the_range_test_the_configured_ratios(tmp_path, make, first) -> None:
    # the warm-up's first step puts every group at LR 0; the sweep takes the groups' ratios from the LRs
    # they were configured with (before: "param group 0 has lr=0.0", an error that blamed the optimizer)
    def run(where: str, schedule: Any) -> tuple[LRRangeTest, Any]:
        torch.manual_seed(0)
        test = LRRangeTest(num_steps=20, confirm=False)
        callbacks = [test, schedule] if first else [schedule, test]
        return test, fit(tmp_path / where, Tiny(groups=2), callbacks)

    test, rec = run("warm-up", make())
    plain, _ = run("plain", CosineDecay())
    assert test.result is not None and plain.result is not None
    assert test.result.lrs == plain.result.lrs and test.result.losses == plain.result.losses
    suggestion = test.result.suggestion()
    assert suggestion is not None
    lrs, other = rec.lr(0), rec.lr(1)
    assert lrs[0] == other[0] == 0.0  # the warm-up starts from 0
    assert lrs[3] == pytest.approx(suggestion) and other[3] == pytest.approx(0.1 * suggestion)


def test_a_callback_reused_in_another_trainer_drops_what_an_earlier_run_filled_when_its_test_has_no_answer(
    tmp_path, caplog
) -> None:
    # review 30: OneCycle() and a range test reused in a second Trainer whose test had no answer kept the
    # first run's max_lr, and the warning passed it off as this run's ("so max_lr=0.0173 is kept")
    cb, model = OneCycle(), Tiny()
    fit(tmp_path, model, [cb, ApplyAt(FakeRangeTest(max_lr=0.05))])
    with pytest.warns(
        UserWarning,
        match=r"so max_lr=None \(from the optimizer\) is kept \(max_lr=0.05, which a range test filled in an "
        r"earlier Trainer's run, is dropped\)",
    ):
        caplog.clear()
        with caplog.at_level("INFO"):
            rec = fit(tmp_path, model, [cb, ApplyAt(FakeRangeTest(max_lr=None))])
    assert_trace(rec.lr(), S.OneCycle(0.1, total_steps=N).values(N))
    assert cb.state_dict()["filled"] == {}
    # review 49: the drop was also logged as an empty list of values ("OneCycle: , from the LR range test")
    assert "OneCycle: , from" not in caplog.text and "from the LR range test" not in caplog.text


class _Staged(Tiny):
    """Tiny with the steps and loaders of trainer.test, validate and predict."""

    def test_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        return self.training_step(batch, batch_idx)

    validation_step = test_step

    def predict_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        return self.layer(batch[0])

    def test_dataloader(self) -> DataLoader:
        return self.train_dataloader()

    val_dataloader = predict_dataloader = test_dataloader


def _loads_callbacks_outside_fit() -> bool:
    """Whether the installed Lightning gives the callbacks a checkpoint's states in trainer.test, validate and
    predict (2.4 restores them for a fit only, so the fault these tests guard against cannot arise there)."""
    import inspect

    from lightning.pytorch.trainer.connectors.checkpoint_connector import _CheckpointConnector

    source = inspect.getsource(_CheckpointConnector._restore_modules_and_callbacks)
    return "TrainerFn.FITTING" not in source


def _tested_checkpoint(tmp_path: Any, max_lr: float) -> str:
    """The checkpoint of a one-epoch fit whose OneCycle() a range test gave ``max_lr``."""
    saver = ModelCheckpoint(dirpath=str(tmp_path), filename="last")
    fit(
        tmp_path,
        _Staged(),
        [OneCycle(), ApplyAt(FakeRangeTest(max_lr=max_lr)), saver],
        enable_checkpointing=True,
        max_epochs=1,
    )
    return str(tmp_path / "last.ckpt")


@pytest.mark.parametrize("stage", ["test", "validate", "predict"])
def test_a_checkpoint_loaded_outside_a_fit_is_not_taken_by_a_later_fit_without_it(
    tmp_path, caplog, stage
) -> None:
    # review 101: a fresh OneCycle() that went through trainer.test(ckpt_path=...) trained a new module of a later
    # fit at the checkpoint's range-tested max_lr (not its optimizer's), and warned that the run differs from the
    # checkpoint's, whose step it continued from, in a fit given no checkpoint
    ckpt = _tested_checkpoint(tmp_path / "tuned", max_lr=0.05)
    cb = OneCycle()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        getattr(trainer(tmp_path / stage, [cb], limit_val_batches=2), stage)(_Staged(), ckpt_path=ckpt)
    loads = _loads_callbacks_outside_fit()
    assert cb.value("max_lr") == (
        0.05 if loads else None
    )  # the checkpoint's, for the stage to read (hparams())
    with caplog.at_level("INFO"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = fit(tmp_path / "fresh", _Staged(), [cb])
    assert_trace(rec.lr(), fit(tmp_path / "new", _Staged(), [OneCycle()]).lr())  # as a new OneCycle()
    assert cb.value("max_lr") is None and cb.state_dict()["filled"] == {}
    assert [str(w.message) for w in caught if "OneCycle" in str(w.message)] == []
    assert (
        f"OneCycle: max_lr=0.05, which a range test filled in the run of the checkpoint that trainer.{stage}"
        f"(ckpt_path=...) loaded, is not taken by this fit, which does not resume that checkpoint "
        f"(fit(ckpt_path=...) resumes it, with its values)" in caplog.text
    ) is loads


def test_a_checkpoint_loaded_outside_a_fit_leaves_what_the_callback_held_and_a_resume_takes_it(
    tmp_path, caplog
) -> None:
    # no state lost: the values a test of this callback's own fit filled are back for its next fit, and a fit
    # given the checkpoint resumes with the checkpoint's values, without the line for a fit that does not
    ckpt = _tested_checkpoint(tmp_path / "tuned", max_lr=0.07)
    cb, model = OneCycle(), _Staged()
    fit(tmp_path / "own", model, [cb, ApplyAt(FakeRangeTest(max_lr=0.05))])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trainer(tmp_path / "test", [cb]).test(_Staged(), ckpt_path=ckpt, verbose=False)
    assert cb.value("max_lr") == (0.07 if _loads_callbacks_outside_fit() else 0.05)
    rec = fit(tmp_path / "again", model, [cb])  # its own module, another Trainer: its own test's value
    assert_trace(rec.lr(), S.OneCycle(0.05, total_steps=N).values(N))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trainer(tmp_path / "test", [cb]).test(_Staged(), ckpt_path=ckpt, verbose=False)
    caplog.clear()
    with caplog.at_level("INFO"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the resumed run's length differs from the checkpoint's, as it says
        fit(tmp_path / "resumed", _Staged(), [cb], ckpt_path=ckpt)
    assert cb.value("max_lr") == 0.07 and "is not taken by this fit" not in caplog.text


def test_a_callback_reused_in_another_trainer_without_a_test_keeps_what_the_earlier_run_filled(
    tmp_path,
) -> None:
    cb, model = OneCycle(), Tiny()
    fit(tmp_path, model, [cb, ApplyAt(FakeRangeTest(max_lr=0.05))])
    rec = fit(tmp_path, model, [cb])  # tuned with one Trainer, fitted with another
    assert_trace(rec.lr(), S.OneCycle(0.05, total_steps=N).values(N))
    rec = fit(tmp_path, model, [cb, ApplyAt(FakeRangeTest(max_lr=0.07))])  # a new answer replaces it
    assert_trace(rec.lr(), S.OneCycle(0.07, total_steps=N).values(N))


@pytest.mark.parametrize("make", [OneCycle, Cyclic, CosineDecay], ids=lambda c: c.__name__)
def test_a_callback_reused_for_another_module_drops_what_a_test_of_the_first_filled(
    tmp_path, caplog, make
) -> None:
    # review 49: one callback object in every trial of a study trained each later trial's new model at the
    # first trial's tested LR (0.51 for an optimizer at 0.001), without a word
    cb = make()
    fit(tmp_path, Tiny(), [cb, ApplyAt(FakeRangeTest(max_lr=0.05, bounds=(0.01, 0.05), suggestion=0.05))])
    other = Tiny()
    with caplog.at_level("INFO"):
        fresh = fit(tmp_path / "fresh", Tiny(), [make()])
        rec = fit(tmp_path, other, [cb])
    assert_trace(rec.lr(), fresh.lr())  # as a new callback trains it: from its optimizer's LR, 0.1
    assert max(rec.lr()) <= 0.1 and cb.state_dict()["filled"] == {}
    assert re.search(
        rf"{make.__name__}: \w+=0.0\d+(, \w+=0.0\d+)?, which an LR range test of another module filled in an "
        r"earlier fit, is dropped: Tiny of this fit takes only its own test's values",
        caplog.text,
    )


# --- review 138: an LR range test of the fit fills an LR that other arguments are compared with ----------------


@pytest.mark.parametrize(
    ("make", "result", "expected"),
    [
        # base_lr above the optimizer's LR (0.1), below the test's cycle top
        (
            lambda: Cyclic(base_lr=0.2, step_size=4),
            FakeRangeTest(bounds=(0.05, 0.5)),
            S.Cyclic(0.2, 0.5, 4),
        ),
        (
            lambda: PolynomialDecay(final=0.2),
            FakeRangeTest(suggestion=0.4),
            S.PolynomialDecay(0.4, total=N, final=0.2),
        ),
        (
            lambda: WarmupStableDecay(final=0.2, decay=8),
            FakeRangeTest(suggestion=0.4),
            LongRunWSD(0.4, total=N, warmup=0, decay=8, final=0.2),
        ),
        (
            lambda: CosineDecay(final=0.2),
            FakeRangeTest(suggestion=0.4),
            S.CosineDecay(0.4, total=N, final=0.2),
        ),
    ],
    ids=["Cyclic", "PolynomialDecay", "WarmupStableDecay", "CosineDecay"],
)
def test_an_argument_compared_with_the_lr_a_test_of_the_fit_fills_is_checked_against_its_value(
    tmp_path, make, result, expected
) -> None:
    # review 138: the fit stopped before the test ("base_lr must be <= max_lr (0.05)", the optimizer's LR), and
    # CosineDecay warned that the LR rises along the cosine, where it decays from the test's LR
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        rec = fit(tmp_path, Tiny(lr=0.1), [make(), AnnouncedApplyAt(result)])
    assert_trace(rec.lr(), expected.values(N))
    said = [str(w.message) for w in seen]
    assert not [m for m in said if "above" in m or "rises" in m], said


def test_the_stand_in_before_the_test_keeps_the_cycles_momentum(tmp_path) -> None:
    # the test holds a cycling momentum at its mean (tuner._cycle_momentum), read from the schedule in place
    class Momentum(AnnouncedApplyAt):
        def on_fit_start(self, trainer: Any, pl_module: Any) -> None:
            self.held = [s for s in trainer.lr_scheduler_configs[0].scheduler.momentum_schedules]
            super().on_fit_start(trainer, pl_module)

    seen = []
    for cycle in (Cyclic(step_size=4), Cyclic(base_lr=0.2, step_size=4)):
        fake = Momentum(FakeRangeTest(bounds=(0.05, 0.5)))
        fit(tmp_path, Tiny(lr=0.1), [cycle, fake])
        seen.append([m.values(N) for m in fake.held])
    np.testing.assert_allclose(seen[1], seen[0], rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("make", "result", "message"),
    [
        (
            lambda: Cyclic(base_lr=0.9, step_size=4),
            FakeRangeTest(bounds=(0.05, 0.5)),
            r"^Cyclic on optimizer 0 \(SGD\): param group 0: base_lr must be <= max_lr \(0.5\), got 0.9 \(max_lr=0.5 "
            r"from the LR range test\)$",
        ),
        (
            lambda: PolynomialDecay(final=0.5),
            FakeRangeTest(suggestion=0.4),
            r"^PolynomialDecay on optimizer 0 \(SGD\): final=0.5 is above initial, the LR it starts from \(0.4\), for "
            r"param group 0; give a final at most the start LR \(or a list with one per group\) \(initial=0.4 from the "
            r"LR range test\)$",
        ),
        (
            lambda: WarmupStableDecay(final=0.5),
            FakeRangeTest(suggestion=0.4),
            r"^WarmupStableDecay on optimizer 0 \(SGD\): final must be <= peak \(0.4\), got 0.5 \(peak=0.4 from the LR "
            r"range test\)$",
        ),
    ],
    ids=["Cyclic", "PolynomialDecay", "WarmupStableDecay"],
)
def test_a_real_contradiction_is_refused_after_the_test_with_its_value(
    tmp_path, make, result, message
) -> None:
    rec = Recorder()
    with pytest.raises(ValueError, match=message):
        fit(tmp_path, Tiny(lr=0.1), [make(), AnnouncedApplyAt(result), rec])
    assert rec.rows == []  # before the first step


def test_a_cosine_above_the_tests_lr_warns_with_its_value(tmp_path) -> None:
    with pytest.warns(UserWarning) as seen:
        fit(tmp_path, Tiny(lr=0.1), [CosineDecay(final=0.5), AnnouncedApplyAt(FakeRangeTest(suggestion=0.4))])
    rises = [str(w.message) for w in seen if "rises" in str(w.message)]
    assert rises == [
        "CosineDecay: final=0.5 is above initial, the LR it starts from (0.4), for param group 0 of optimizer 0 "
        "(SGD), so the LR rises along the cosine instead of decaying; give a final below the start LR "
        "(initial=0.4 from the LR range test)"
    ]


def test_a_test_without_an_answer_leaves_the_optimizers_lr_checked_before_the_first_step(tmp_path) -> None:
    rec = Recorder()
    with (
        pytest.warns(UserWarning, match=r"Cyclic: the LR range test gave no suggestion"),
        pytest.raises(
            ValueError,
            match=r"base_lr must be <= max_lr \(0.1\), got 0.2 \(max_lr left as None: the optimizer's LR\)$",
        ),
    ):
        fit(tmp_path, Tiny(lr=0.1), [Cyclic(base_lr=0.2), AnnouncedApplyAt(FakeRangeTest(bounds=None)), rec])
    assert rec.rows == []


@pytest.mark.parametrize("final", [0.05, 0.5])
def test_a_test_that_never_applies_leaves_no_stand_in_for_the_first_step(tmp_path, final) -> None:
    # a callback that says it fills the LR and does not: the schedule the first step takes is the real one, with
    # its warnings
    fake = AnnouncedApplyAt(FakeRangeTest(suggestion=0.4), applies=False)
    if final > 0.1:
        with pytest.warns(
            UserWarning, match=r"final=0.5 is above initial.*\(initial left as None: the optimizer's LR\)"
        ):
            rec = fit(tmp_path, Tiny(lr=0.1), [CosineDecay(final=final), fake])
    else:
        rec = fit(tmp_path, Tiny(lr=0.1), [CosineDecay(final=final), fake])
    assert_trace(rec.lr(), S.CosineDecay(0.1, total=N, final=final).values(N))
    rec = Recorder()
    with pytest.raises(ValueError, match=r"base_lr must be <= max_lr \(0.1\), got 0.2 \(max_lr left as None"):
        fit(
            tmp_path,
            Tiny(lr=0.1),
            [Cyclic(base_lr=0.2), AnnouncedApplyAt(FakeRangeTest(), applies=False), rec],
        )
    assert rec.rows == []


def test_a_test_at_a_later_epoch_refuses_at_fit_start_what_the_epochs_before_it_would_train(tmp_path) -> None:
    # LRRangeTest(epochs=[1]): epoch 0 trains with the optimizer's LR as max_lr, below base_lr: refused before
    # it trains, saying so, not after an epoch
    rec = Recorder()
    with pytest.raises(
        ValueError,
        match=r"^Cyclic on optimizer 0 \(SGD\): param group 0: base_lr must be <= max_lr \(0.1\), got 0.2 \(max_lr, left "
        r"as None, is the optimizer's LR until the LR range test at the start of epoch 1 fills it, and epoch 0 "
        r"trains with it; give max_lr, or run the test at the start of fit: LRRangeTest\(epochs=None\)\)$",
    ):
        fit(tmp_path, Tiny(lr=0.1), [Cyclic(base_lr=0.2), AnnouncedApplyAt(FakeRangeTest(), epoch=1), rec])
    assert rec.rows == []
    # one that fits the epochs before the test is rebuilt by it, from its first step on
    rec = fit(
        tmp_path,
        Tiny(lr=0.1),
        [Cyclic(base_lr=0.02, step_size=4), AnnouncedApplyAt(FakeRangeTest(bounds=(0.05, 0.5)), epoch=1)],
    )
    half = N // 2
    assert_trace(rec.lr()[:half], S.Cyclic(0.02, 0.1, 4).values(half))
    assert_trace(rec.lr()[half:], S.Cyclic(0.02, 0.5, 4).values(N)[half:])
