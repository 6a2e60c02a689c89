"""Exact resume from a mid-epoch checkpoint, resuming into a longer run, and the callback's state."""

from __future__ import annotations

import math
import os
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
import torch
from lightning.pytorch.callbacks import ModelCheckpoint

from lightning_lr import schedules as S
from lightning_lr.callbacks import (
    CosineDecay,
    Cyclic,
    Epochs,
    ExponentialDecay,
    Fraction,
    InverseSqrt,
    LRSchedule,
    MultiStepDecay,
    OneCycle,
    ReduceOnPlateau,
    RunInfo,
    StepDecay,
    TimeDecay,
    _state,
)

from support.fakes import ApplyAt, FakeRangeTest, StopAt
from support.models import Tiny, adam
from support.recording import Recorder, assert_trace
from support.trainers import fit, lightning_before

RESUMABLE = "ignore:You're resuming from a checkpoint that ended before the epoch ended"


def checkpointed_run(tmp_path: Path, model: Tiny, callbacks: list, every: int, **kwargs):
    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_train_steps=every, save_top_k=-1)
    rec = fit(tmp_path, model, [*callbacks, ckpt], enable_checkpointing=True, **kwargs)
    return rec, tmp_path / "ckpt"


def path_at(directory: Path, step: int) -> str:
    (path,) = directory.glob(f"*-step={step}.ckpt")
    return str(path)


@pytest.mark.filterwarnings(RESUMABLE)
@pytest.mark.parametrize(
    ("optim", "groups", "make"),
    [(adam, 2, lambda: OneCycle()), (None, 1, lambda: CosineDecay(warmup=Epochs(1), final=1e-4))],
    ids=["one-cycle-adam-2-groups", "cosine-warmup-sgd"],
)
@pytest.mark.usefixtures("exact_mid_epoch_resume")
def test_mid_epoch_resume_is_bitwise_identical(tmp_path, optim, groups, make) -> None:
    full, ckpts = checkpointed_run(
        tmp_path, Tiny(optim=optim, groups=groups), [make()], every=7, max_epochs=3
    )
    assert len(full.rows) == 36
    resumed = fit(
        tmp_path, Tiny(optim=optim, groups=groups), [make()], max_epochs=3, ckpt_path=path_at(ckpts, 7)
    )
    assert resumed.steps() == list(range(7, 36))
    assert resumed.rows == full.rows[7:]  # step, every group's LR and momentum: exactly equal floats


@pytest.mark.filterwarnings(RESUMABLE)
@pytest.mark.usefixtures("exact_mid_epoch_resume")
def test_resuming_into_a_longer_run_re_resolves_fractions_and_warns(tmp_path) -> None:
    _, ckpts = checkpointed_run(tmp_path, Tiny(), [OneCycle(max_lr=0.5)], every=7, max_epochs=2)
    with pytest.warns(
        UserWarning,
        match=r"OneCycle: the run differs from the checkpoint's \(total_steps 24 -> 48; total 24 -> 48 steps\)",
    ):
        resumed = fit(tmp_path, Tiny(), [OneCycle(max_lr=0.5)], max_epochs=4, ckpt_path=path_at(ckpts, 7))
    # the documented rule: from the checkpoint's step on, the schedule planned for the new run
    assert resumed.steps() == list(range(7, 48))
    assert_trace(resumed.lr(), S.OneCycle(0.5, total_steps=48).values(48)[7:])
    assert_trace(resumed.momentum(), S.OneCycle(0.5, total_steps=48).momentum().values(48)[7:])


@pytest.mark.filterwarnings(RESUMABLE)
@pytest.mark.parametrize("max_steps", [20, 10])
def test_a_resume_into_another_max_steps_gives_the_jump_or_says_nothing(tmp_path, max_steps) -> None:
    # review 144: a run ended by max_steps=15, resumed by a new Trainer with max_steps=20, was told only "the LR may
    # jump", where it went from the 1cycle's floor to a value near its peak; with max_steps=10, below the
    # checkpoint's step, the fit trains no step, and was told the same
    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", save_last=True)
    bounds = {"max_epochs": -1, "enable_checkpointing": True}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit(tmp_path, Tiny(), [OneCycle(max_lr=0.5), ckpt], max_steps=15, **bounds)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resumed = fit(
            tmp_path,
            Tiny(),
            [OneCycle(max_lr=0.5)],
            max_steps=max_steps,
            ckpt_path=str(tmp_path / "ckpt" / "last.ckpt"),
            **bounds,
        )
    said = [str(w.message) for w in caught if str(w.message).startswith("OneCycle")]
    if max_steps == 10:
        assert said == [] and resumed.steps() == []
        return
    old, new = S.OneCycle(0.5, total_steps=15), S.OneCycle(0.5, total_steps=20)
    assert len(said) == 1, said
    assert said[0].startswith(
        "OneCycle: the run differs from the checkpoint's (total_steps 15 -> 20; total 15 -> 20 steps). Durations "
        "given as Epochs or Fraction follow the new run: the schedule continues from the checkpoint's step as if it "
        f"had been planned for this run, and the LR jumps at step 15: param group 0 of optimizer 0 (SGD) goes from "
        f"{old(15):.4g} (the checkpoint's) to {new(15):.4g} (the new plan)."
    )
    assert "may jump" not in said[0]
    assert_trace(resumed.lr(), new.values(20)[15:])


def _cosine_over(run: RunInfo) -> S.Schedule:
    return S.CosineDecay(0.1, total=run.total_steps)


class CosineOverTheRun(InverseSqrt):
    """A preset's subclass whose build reads the run (it says nothing about it: it is taken to)."""

    def build(self, run: RunInfo, steps: Any, info: Any) -> tuple[Any, Any]:
        return [S.CosineDecay(0.1, total=run.total_steps)], None


@pytest.mark.filterwarnings(RESUMABLE)
def test_resuming_into_a_longer_run_whose_schedule_does_not_change_says_nothing(tmp_path) -> None:
    # before: "the run differs from the checkpoint's ... the LR may jump" on every extension of an InverseSqrt
    # run, the schedule's very use, though no duration and no LR changed (at an epoch's end: Lightning
    # 2.4.0 resumes there as 2.6 does)
    _, ckpts = checkpointed_run(tmp_path, Tiny(), [InverseSqrt(peak=0.1, warmup=10)], every=12, max_epochs=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resumed = fit(
            tmp_path, Tiny(), [InverseSqrt(peak=0.1, warmup=10)], max_epochs=4, ckpt_path=path_at(ckpts, 12)
        )
    assert not [w for w in caught if "differs from the checkpoint" in str(w.message)]
    assert_trace(
        resumed.lr(), S.InverseSqrt(0.1, warmup=10).values(60)[resumed.steps()]
    )  # each step's own LR
    # a schedule built by a function of the run is planned anew: that is still said
    (tmp_path / "function").mkdir()
    _, ckpts = checkpointed_run(
        tmp_path / "function", Tiny(), [LRSchedule(_cosine_over)], every=12, max_epochs=2
    )
    with pytest.warns(
        UserWarning, match=r"LRSchedule: the run differs from the checkpoint's \(total_steps 24 -> 48\)"
    ):
        fit(tmp_path, Tiny(), [LRSchedule(_cosine_over)], max_epochs=4, ckpt_path=path_at(ckpts, 12))
    # and so is a preset's subclass whose own build may read the run (a review found it silent)
    assert CosineOverTheRun.reads_run and not InverseSqrt.reads_run
    (tmp_path / "subclass").mkdir()
    _, ckpts = checkpointed_run(
        tmp_path / "subclass", Tiny(), [CosineOverTheRun(warmup=10)], every=12, max_epochs=2
    )
    with pytest.warns(UserWarning, match=r"CosineOverTheRun: the run differs from the checkpoint's"):
        fit(tmp_path, Tiny(), [CosineOverTheRun(warmup=10)], max_epochs=4, ckpt_path=path_at(ckpts, 12))


@pytest.mark.filterwarnings(RESUMABLE)
@pytest.mark.usefixtures("exact_mid_epoch_resume")
def test_resuming_into_a_longer_run_never_raises(tmp_path) -> None:
    # a warm-up given as a fraction grows past a milestone given in epochs: warned, not raised
    def make():
        return MultiStepDecay(milestones=[Epochs(1)], warmup=Fraction(0.25), gamma=0.5)

    _, ckpts = checkpointed_run(tmp_path, Tiny(), [make()], every=12, max_epochs=2)
    with pytest.warns(
        UserWarning, match=r"milestones\[0\]=Epochs\(1\) \(step 12\) falls inside the warm-up \(24 steps\)"
    ):
        resumed = fit(tmp_path, Tiny(), [make()], max_epochs=8, ckpt_path=path_at(ckpts, 12))
    assert_trace(resumed.lr(), S.warmup(S.MultiStepDecay(0.1, [0], gamma=0.5), steps=24).values(96)[12:])


@pytest.mark.filterwarnings(RESUMABLE)
@pytest.mark.filterwarnings("ignore:CosineDecay:UserWarning")
def test_resuming_into_a_longer_run_whose_warm_up_grows_into_total_is_refused(tmp_path) -> None:
    # the one rule a longer run can break: a warm-up given as a fraction of the run that now reaches a total in
    # steps, which a fresh fit of that length refuses too (review 122: it warned, then warmed up to the end)
    def make():
        return CosineDecay(total=30, warmup=Fraction(0.5))

    _, ckpts = checkpointed_run(tmp_path, Tiny(), [make()], every=12, max_epochs=2)
    message = (
        "CosineDecay on optimizer 0 (SGD): warmup must be < total = 30 steps in this run (the warm-up is part of "
        "the decay, which would have no step left), got 36; give a shorter warmup (e.g. warmup=Fraction(0.05), "
        "the first 5% of the run) or a longer total; given as warmup=Fraction(0.5) (36 optimizer steps)"
    )
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        fit(tmp_path, Tiny(), [make()], max_epochs=6, ckpt_path=path_at(ckpts, 12))


def test_state_dict_has_explicit_keys(tmp_path) -> None:
    cb = MultiStepDecay(milestones=[Epochs(1), Fraction(0.75)], warmup=3)
    assert cb.state_dict() == {
        "version": 1,
        "total_steps": None,
        "steps_per_epoch": None,
        "resumed_at": [],
        "durations": {},
        "filled": {},
        "steps_per_batch": 1,
        "global_steps_per_batch": 1,
        "rate_settled": True,
    }
    fit(tmp_path, Tiny(), [cb])
    assert cb.state_dict() == {
        "version": 1,
        "total_steps": 24,
        "steps_per_epoch": 12,
        "resumed_at": [],
        "durations": {"warmup": 3, "milestones": [12, 18]},
        "filled": {},
        "steps_per_batch": 1,
        "global_steps_per_batch": 1,
        "rate_settled": True,
    }


def test_load_state_dict_rejects_what_it_cannot_read() -> None:
    cb = OneCycle()
    good = {"version": 1, "total_steps": 10, "steps_per_epoch": 5, "durations": {"total": 10}, "filled": {}}
    with pytest.raises(
        KeyError, match=r"OneCycle: the checkpoint's state for this callback lacks \['filled'\]"
    ):
        cb.load_state_dict({k: v for k, v in good.items() if k != "filled"})
    with pytest.raises(ValueError, match=r"OneCycle: checkpoint state version 3 is not supported"):
        cb.load_state_dict({**good, "version": 3})
    with pytest.raises(KeyError, match=r"OneCycle: the checkpoint fills 'base_lr', which is not an argument"):
        cb.load_state_dict({**good, "filled": {"base_lr": 0.1}})


@pytest.mark.filterwarnings(RESUMABLE)
@pytest.mark.usefixtures("exact_mid_epoch_resume")
def test_values_filled_by_a_range_test_survive_a_resume(tmp_path) -> None:
    _, ckpts = checkpointed_run(
        tmp_path, Tiny(), [OneCycle(), ApplyAt(FakeRangeTest(max_lr=0.05))], every=7, max_epochs=2
    )
    cb = OneCycle()
    resumed = fit(tmp_path, Tiny(), [cb], max_epochs=2, ckpt_path=path_at(ckpts, 7))
    assert cb.state_dict()["filled"] == {"max_lr": 0.05}
    assert_trace(resumed.lr(), S.OneCycle(0.05, total_steps=24).values(24)[7:])

    # a range test that runs again on resume does not move the restored value
    with pytest.warns(
        UserWarning, match=r"OneCycle keeps max_lr=0.05 \(suggested 0.07\), restored from the checkpoint"
    ) as said:
        resumed = fit(
            tmp_path,
            Tiny(),
            [OneCycle(), ApplyAt(FakeRangeTest(max_lr=0.07))],
            max_epochs=2,
            ckpt_path=path_at(ckpts, 7),
        )
    assert_trace(resumed.lr(), S.OneCycle(0.05, total_steps=24).values(24)[7:])

    # an explicit value given on resume wins, and says so
    with pytest.warns(
        UserWarning, match=r"OneCycle: max_lr=0.2 given explicitly is used instead of max_lr=0.05"
    ) as given:
        resumed = fit(tmp_path, Tiny(), [OneCycle(max_lr=0.2)], max_epochs=2, ckpt_path=path_at(ckpts, 7))
    assert_trace(resumed.lr(), S.OneCycle(0.2, total_steps=24).values(24)[7:])
    # both said outside lightning_lr (r193): the first where the (stand-in) range test applies its answer, the
    # second at the line that called trainer.fit (here the fit helper's)
    for caught, text, origin in (
        (said, "restored from the checkpoint", "fakes.py"),
        (given, "given explicitly", "trainers.py"),
    ):
        assert {os.path.basename(w.filename) for w in caught if text in str(w.message)} == {origin}


@pytest.mark.filterwarnings(RESUMABLE)
@pytest.mark.usefixtures("exact_mid_epoch_resume")
@pytest.mark.parametrize(("written", "resumed_with"), [("all", 0), (0, "SGD"), ("SGD", "all")])
def test_a_resume_with_the_optimizer_spelled_differently_keeps_the_state(
    tmp_path, written, resumed_with
) -> None:
    # the state key holds `optimizer` as written: before, OneCycle() resumed as OneCycle(optimizer=0) lost
    # the max_lr a range test had filled in, and the LR dropped at the resume without a word of lightning_lr
    fake = ApplyAt(FakeRangeTest(max_lr=0.05))
    _, ckpts = checkpointed_run(tmp_path, Tiny(), [OneCycle(optimizer=written), fake], every=7, max_epochs=2)
    cb = OneCycle(optimizer=resumed_with)
    with pytest.warns(
        UserWarning,
        match=rf"OneCycle\(optimizer={re.escape(repr(resumed_with))}\): resumed from the checkpoint's state "
        rf"for OneCycle\{{'optimizer': {re.escape(repr(written))}\}}, which schedules the same optimizer\(s\) "
        rf"\(0: SGD\)",
    ):
        resumed = fit(tmp_path, Tiny(), [cb], max_epochs=2, ckpt_path=path_at(ckpts, 7))
    assert cb.state_dict()["filled"] == {"max_lr": 0.05}
    assert_trace(resumed.lr(), S.OneCycle(0.05, total_steps=24).values(24)[7:])


def test_only_a_state_for_the_same_optimizers_and_settings_is_taken() -> None:
    state = {
        "version": 1,
        "total_steps": 10,
        "steps_per_epoch": 5,
        "durations": {},
        "filled": {"max_lr": 0.5},
    }
    states = {
        "OneCycle{'optimizer': 1}": state,
        "CosineDecay{'optimizer': 'all'}": state,  # another class
        "ReduceOnPlateau{'optimizer': 'all', 'monitor': 'val_loss'}": state,
    }
    found = _state.other_spellings(OneCycle(optimizer=0), states, claimed=set())
    assert found == [({"optimizer": 1}, "OneCycle{'optimizer': 1}", state)]
    # a key another callback of the trainer holds is that callback's
    assert _state.other_spellings(OneCycle(optimizer=0), states, {"OneCycle{'optimizer': 1}"}) == []
    # the checkpoint has this callback's own key: Lightning loads it
    assert _state.other_spellings(OneCycle(optimizer=1), states, claimed=set()) == []
    # another monitor is not another spelling; ReduceOnPlateau frees it (its reductions carry on: review 65)
    assert _state.other_spellings(ReduceOnPlateau("train_loss", optimizer=0), states, claimed=set()) == []
    assert len(_state.other_spellings(ReduceOnPlateau("val_loss", optimizer=0), states, claimed=set())) == 1
    watching = ReduceOnPlateau("train_loss", optimizer=0)
    (freed,) = _state.other_spellings(watching, states, set(), watching._free_key_arguments)
    assert freed[0] == {"optimizer": "all", "monitor": "val_loss"}

    # found, it is taken only when it picks the same optimizers
    cb = OneCycle(optimizer=0)
    sgd = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    adam = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    cb._respelled = list(found)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cb._adopt_respelled([sgd, adam])  # optimizer 1 is not optimizer 0: left alone, silently
    assert cb.state_dict()["filled"] == {}
    taker = OneCycle(optimizer="Adam")
    taker._respelled = list(found)
    with pytest.warns(UserWarning, match=r"which schedules the same optimizer\(s\) \(1: Adam\)"):
        taker._adopt_respelled([sgd, adam])
    assert taker.state_dict()["filled"] == {"max_lr": 0.5}


@pytest.mark.filterwarnings(RESUMABLE)
def test_same_run_resumes_without_warnings(tmp_path) -> None:
    _, ckpts = checkpointed_run(tmp_path, Tiny(), [OneCycle()], every=5, max_epochs=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit(tmp_path, Tiny(), [OneCycle()], max_epochs=2, ckpt_path=path_at(ckpts, 5))
    assert not [str(w.message) for w in caught if "OneCycle" in str(w.message)]


@pytest.mark.filterwarnings(RESUMABLE)
@pytest.mark.parametrize(
    ("original", "resumed_with", "changed"),
    [
        (
            OneCycle(max_lr=0.1),
            OneCycle(max_lr=0.2),
            r"OneCycle\(max_lr=0.1\d*, .*\) -> OneCycle\(max_lr=0.2\d*, ",
        ),
        (OneCycle(max_lr=0.1), OneCycle(pct_start=0.5), r"pct_start=0.3, .* -> .*pct_start=0.5, "),
        # the same schedule, spelled otherwise (its max_lr rounds otherwise)
        (OneCycle(max_lr=0.1), OneCycle(optimizer=0), None),
        # whole numbers are not all step counts (review 25: max_lr 1 -> 2 went unsaid, and final=0 -> 0.05
        # crashed the resume with "zip() argument 2 is longer than argument 1")
        (OneCycle(max_lr=1), OneCycle(max_lr=2), r"max_lr=1, .* -> .*max_lr=2, "),
        (OneCycle(max_lr=0.1), OneCycle(max_lr=0.1, div_factor=5), r"div_factor=25.* -> .*div_factor=5"),
        (CosineDecay(warmup=2), CosineDecay(warmup=2, final=0.05), r"final=0\).* -> .*final=0.05"),
        # a step count: ScheduleLR leaves it to the callback's durations warning
        (CosineDecay(warmup=2), CosineDecay(warmup=3), None),
        # TimeDecay's decay is a rate, not a step count (review 28: 1 -> 2 went unsaid)
        (TimeDecay(decay=1), TimeDecay(decay=2), r"decay=1, .* -> .*decay=2, "),
    ],
    ids=["max_lr", "pct_start", "same", "integer-max_lr", "div_factor", "final-0-to-0.05", "warmup", "rate"],
)
def test_a_resume_with_other_schedule_arguments_says_the_values_may_jump(
    tmp_path, original, resumed_with, changed
) -> None:
    # before: OneCycle(max_lr=0.1) resumed as OneCycle(max_lr=0.2) jumped from 0.0994 to 0.1944 silently
    # (review 20); a changed duration was already said
    _, ckpts = checkpointed_run(tmp_path, Tiny(), [original], every=5, max_epochs=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit(tmp_path, Tiny(), [resumed_with], max_epochs=2, ckpt_path=path_at(ckpts, 5))
    said = [str(w.message) for w in caught if "resumed with other schedules" in str(w.message)]
    if changed is None:
        assert said == []
    else:
        (message,) = said
        assert message.startswith("ScheduleLR of optimizer 0 (SGD): resumed with other schedules")
        assert re.search(changed, message) and "from step 5 on, so they may jump there" in message, message


def test_a_resume_from_a_cycled_momentum_into_a_decay_trains_at_the_configured_momentum(tmp_path) -> None:
    # review 48: resumed from OneCycle into CosineDecay, momentum stayed at the 0.866 the cycle last wrote to
    # the end of the run; the decay alone trains at the momentum configure_optimizers gives
    _, ckpts = checkpointed_run(tmp_path, Tiny(), [OneCycle(max_lr=0.1)], every=5, max_epochs=2)
    alone = fit(tmp_path, Tiny(), [CosineDecay()], max_epochs=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resumed = fit(tmp_path, Tiny(), [CosineDecay()], max_epochs=2, ckpt_path=path_at(ckpts, 5))
    configured = {m for _, _, ms in alone.rows for m in ms}
    assert len(configured) == 1 and {m for _, _, ms in resumed.rows for m in ms} == configured
    (said,) = [str(w.message) for w in caught if "resumed with other schedules" in str(w.message)]
    assert f"-> None (back to the {configured.pop():g} it was configured with)" in said


@pytest.mark.filterwarnings(RESUMABLE)
@pytest.mark.usefixtures("exact_mid_epoch_resume")
def test_adding_the_callback_when_resuming_starts_the_schedule_at_the_trainers_step(tmp_path) -> None:
    _, ckpts = checkpointed_run(tmp_path, Tiny(), [], every=10, max_epochs=2)
    with pytest.warns(
        UserWarning, match=r"OneCycle: the checkpoint has no state for the scheduler of optimizer 0 \(SGD\)"
    ):
        resumed = fit(tmp_path, Tiny(), [OneCycle(max_lr=0.5)], max_epochs=2, ckpt_path=path_at(ckpts, 10))
    assert resumed.steps()[0] == 10
    assert_trace(resumed.lr(), S.OneCycle(0.5, total_steps=24).values(24)[10:])


def _step_lr_each_epoch(model: Tiny) -> dict[str, Any]:
    """SGD and torch's StepLR, stepped at Lightning's default interval: once an epoch."""
    opt = torch.optim.SGD(model.parameters(), lr=model.lr, momentum=0.9)
    return {"optimizer": opt, "lr_scheduler": torch.optim.lr_scheduler.StepLR(opt, 1, gamma=0.5)}


@pytest.mark.filterwarnings(RESUMABLE)
@pytest.mark.usefixtures("exact_mid_epoch_resume")
@pytest.mark.parametrize("kept", [True, False], ids=["torch scheduler kept", "torch scheduler removed"])
@pytest.mark.parametrize("make", [lambda: OneCycle(max_lr=0.5), CosineDecay], ids=["OneCycle", "CosineDecay"])
def test_a_callback_added_on_resume_takes_no_step_from_the_torch_schedulers_state(
    tmp_path, make, kept
) -> None:
    # review 97: the checkpoint's StepLR state (last_epoch 1: it counts epochs) was read as the callback's step
    # count while the trainer was at step 14: OneCycle ended at 3/4 of its peak, CosineDecay restarted near
    # the top; with the StepLR removed from configure_optimizers, without a word
    _, ckpts = checkpointed_run(tmp_path, Tiny(optim=_step_lr_each_epoch), [], every=14, max_epochs=2)
    uninterrupted = fit(tmp_path, Tiny(), [make()], max_epochs=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resumed = fit(
            tmp_path,
            Tiny(optim=_step_lr_each_epoch if kept else None),
            [make()],
            max_epochs=2,
            ckpt_path=path_at(ckpts, 14),
        )
    name = type(make()).__name__
    said = [str(w.message) for w in caught if "has no state for the scheduler" in str(w.message)]
    assert said == [
        f"{name}: the checkpoint has no state for the scheduler of optimizer 0 (SGD) (it was written without this "
        f"callback): the state in its place was written by StepLR, not lightning_lr, and is not loaded (that "
        f"scheduler's own state: at Lightning's default interval its count is of epochs, not of this schedule's "
        f"optimizer steps), "
        f"so the schedule starts at the trainer's step 14 instead of 0"
    ]
    assert resumed.steps() == list(range(14, 24))
    assert_trace(resumed.lr(), uninterrupted.lr()[14:])


def _torch_one_cycle_each_step(make_optimizer: Any) -> Any:
    """``make_optimizer(model)`` with torch's OneCycleLR over the 24 steps, stepped at interval "step"."""

    def optim(model: Tiny) -> dict[str, Any]:
        opt = make_optimizer(model)
        cycle = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=model.lr, total_steps=24)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": cycle, "interval": "step"}}

    return optim


def _sgd(model: Tiny) -> torch.optim.Optimizer:
    return torch.optim.SGD(model.parameters(), lr=model.lr, momentum=0.9)


@pytest.mark.filterwarnings(RESUMABLE)
@pytest.mark.usefixtures("exact_mid_epoch_resume")
@pytest.mark.parametrize("optim", [_sgd, adam], ids=["SGD", "Adam"])
def test_a_resume_from_torchs_one_cycle_gives_the_momentum_it_cycled_back(tmp_path, optim) -> None:
    # review 133: a checkpoint written with torch's OneCycleLR (interval "step"), resumed with CosineDecay, which
    # leaves momentum alone, kept the momentum at the cycle's value at the checkpoint (0.8755) for the rest of
    # the run, where a resume from lightning_lr's own OneCycle gives the configured 0.9 back and says so; and
    # the warning said the torch scheduler's count was of epochs, which at interval "step" it is not
    _, ckpts = checkpointed_run(tmp_path, Tiny(optim=_torch_one_cycle_each_step(optim)), [], every=14)
    uninterrupted = fit(tmp_path, Tiny(optim=optim), [CosineDecay()])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resumed = fit(tmp_path, Tiny(optim=optim), [CosineDecay()], ckpt_path=path_at(ckpts, 14))
    said = [str(w.message) for w in caught if "has no state for the scheduler" in str(w.message)]
    name = type(optim(Tiny())).__name__
    (line,) = said
    assert re.fullmatch(
        rf"CosineDecay: the checkpoint has no state for the scheduler of optimizer 0 \({name}\) \(it was written "
        r"without this callback\): the state in its place was written by OneCycleLR, not lightning_lr, and is not "
        r"loaded, so the schedule starts at the trainer's step 14 instead of 0\. OneCycleLR cycled the momentum, "
        r"which this schedule leaves alone: the momentum the checkpoint holds, that cycle's last value, goes back "
        r"to the value it was configured with \(param group 0: 0\.8\d+ -> 0\.9\)",
        line,
    )
    assert resumed.steps() == list(range(14, 24))
    assert_trace(resumed.lr(), uninterrupted.lr()[14:])
    assert_trace(resumed.momentum(), [0.9] * 10)


@pytest.mark.filterwarnings(RESUMABLE)
@pytest.mark.usefixtures("exact_mid_epoch_resume")
@pytest.mark.parametrize("optim", [_sgd, adam], ids=["SGD", "Adam"])
def test_a_module_that_still_returns_torchs_one_cycle_resumes_at_the_momentum_configured(
    tmp_path, optim
) -> None:
    # review 133: the resume above, with a module that still returns torch's OneCycleLR (CosineDecay replaces it):
    # the momentum put back was what OneCycleLR's constructor had written into the groups (0.95), not the 0.9
    # configured; and the uninterrupted fit ran from the cycle's start (0.004) where max_lr (0.1) is the LR asked for
    cycle = _torch_one_cycle_each_step(optim)
    _, ckpts = checkpointed_run(tmp_path, Tiny(optim=cycle), [], every=14)
    uninterrupted = fit(tmp_path, Tiny(optim=cycle), [CosineDecay()])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resumed = fit(tmp_path, Tiny(optim=cycle), [CosineDecay()], ckpt_path=path_at(ckpts, 14))
    (line,) = [str(w.message) for w in caught if "has no state for the scheduler" in str(w.message)]
    assert re.search(
        r"goes back to the value it was configured with \(param group 0: 0\.8\d+ -> 0\.9\)$", line
    )
    assert_trace(uninterrupted.lr(), S.CosineDecay(0.1, total=24).values(24))
    assert_trace(uninterrupted.momentum(), [0.9] * 24)
    assert resumed.steps() == list(range(14, 24))
    assert_trace(resumed.lr(), uninterrupted.lr()[14:])
    assert_trace(resumed.momentum(), [0.9] * 10)


@pytest.mark.filterwarnings(RESUMABLE)
@pytest.mark.usefixtures("exact_mid_epoch_resume")
def test_a_relative_schedule_resumed_over_torchs_one_cycle_keeps_the_lr_configured(tmp_path) -> None:
    # review 133: the optimizer's state written beside torch's OneCycleLR holds its cycle's start (0.004) as each
    # group's initial_lr, which a relative schedule resumed in its place multiplied (0.5 * 0.004), where the fit
    # it replaces multiplies the LR configured (0.5 * 0.1)
    cycle = _torch_one_cycle_each_step(_sgd)
    _, ckpts = checkpointed_run(tmp_path, Tiny(optim=cycle), [], every=14)
    half = LRSchedule(S.Constant(0.5), relative=True)
    resumed = fit(tmp_path, Tiny(optim=cycle), [half], ckpt_path=path_at(ckpts, 14))
    assert resumed.steps() == list(range(14, 24))
    assert_trace(resumed.lr(), [0.05] * 10)
    assert_trace(resumed.momentum(), [0.9] * 10)


def _nested_one_cycle_each_step(model: Tiny) -> dict[str, Any]:
    """SGD with torch's OneCycleLR inside a SequentialLR (after a one-step LinearLR), at interval "step"."""
    opt = _sgd(model)
    warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=1)
    cycle = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=model.lr, total_steps=24)
    both = torch.optim.lr_scheduler.SequentialLR(opt, [warm, cycle], milestones=[1])
    return {"optimizer": opt, "lr_scheduler": {"scheduler": both, "interval": "step"}}


@pytest.mark.filterwarnings(RESUMABLE)
@pytest.mark.usefixtures("exact_mid_epoch_resume")
def test_a_resume_over_a_one_cycle_inside_a_sequential_lr_gives_back_its_momentum_and_lr(tmp_path) -> None:
    # review 135: the resumes above looked at the checkpoint's top-level state only, where a SequentialLR keeps its
    # OneCycleLR's under _schedulers: the momentum stayed at the cycle's 0.8869, and a relative schedule resumed
    # at 0.5 * the cycle's start (0.002) where the fit runs at 0.05
    _, ckpts = checkpointed_run(tmp_path, Tiny(optim=_nested_one_cycle_each_step), [], every=14)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resumed = fit(
            tmp_path, Tiny(optim=_nested_one_cycle_each_step), [CosineDecay()], ckpt_path=path_at(ckpts, 14)
        )
    (line,) = [str(w.message) for w in caught if "has no state for the scheduler" in str(w.message)]
    assert re.search(
        r"written by SequentialLR, .*\. The OneCycleLR inside its SequentialLR cycled the momentum, .* goes back "
        r"to the value it was configured with \(param group 0: 0\.8\d+ -> 0\.9\)$",
        line,
    )
    assert_trace(resumed.momentum(), [0.9] * 10)
    half = LRSchedule(S.Constant(0.5), relative=True)
    resumed = fit(tmp_path, Tiny(optim=_nested_one_cycle_each_step), [half], ckpt_path=path_at(ckpts, 14))
    assert resumed.steps() == list(range(14, 24))
    assert_trace(resumed.lr(), [0.05] * 10)
    assert_trace(resumed.momentum(), [0.9] * 10)


@pytest.mark.filterwarnings(RESUMABLE)
@pytest.mark.usefixtures("exact_mid_epoch_resume")
def test_torchs_one_cycle_resumed_from_the_schedule_that_replaced_it_finds_its_settings(tmp_path) -> None:
    # the schedule that replaces torch's OneCycleLR takes its initial_lr out of the groups (the LR configured goes
    # back), but leaves the cycle's settings there: a checkpoint of that fit, resumed with the callback removed,
    # has torch's OneCycleLR read them at its next step (without them: KeyError 'max_lr')
    cycle = _torch_one_cycle_each_step(_sgd)
    _, ckpts = checkpointed_run(tmp_path, Tiny(optim=cycle), [CosineDecay()], every=14)
    alone = fit(tmp_path, Tiny(optim=cycle), [])
    resumed = fit(tmp_path, Tiny(optim=cycle), [], ckpt_path=path_at(ckpts, 14))
    assert resumed.steps() == list(range(14, 24))
    # (its step 14 takes the LR the checkpoint's optimizer holds, CosineDecay's; then the cycle's own)
    assert_trace(resumed.lr()[1:], alone.lr()[15:])
    assert_trace(resumed.momentum()[1:], alone.momentum()[15:])


class _WarmupWithGamma(torch.optim.lr_scheduler.LRScheduler):
    """A user's own scheduler with a ``gamma`` attribute (no ExponentialLR)."""

    def __init__(self, opt: torch.optim.Optimizer, warmup_steps: int, gamma: float = 0.5) -> None:
        self.warmup_steps, self.gamma = warmup_steps, gamma
        super().__init__(opt)

    def get_lr(self) -> list[float]:
        return [b * min(1.0, (self.last_epoch + 1) / self.warmup_steps) for b in self.base_lrs]


def _own_scheduler_each_epoch(model: Tiny) -> dict[str, Any]:
    opt = torch.optim.SGD(model.parameters(), lr=model.lr, momentum=0.9)
    return {"optimizer": opt, "lr_scheduler": _WarmupWithGamma(opt, 2)}


@pytest.mark.filterwarnings(RESUMABLE)
@pytest.mark.usefixtures("exact_mid_epoch_resume")
def test_the_resume_warning_names_no_torch_class_for_a_users_own_schedulers_state(tmp_path) -> None:
    # review 99: the state of a user's scheduler with a gamma attribute was said to be "written by ExponentialLR"
    _, ckpts = checkpointed_run(tmp_path, Tiny(optim=_own_scheduler_each_epoch), [], every=14, max_epochs=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit(tmp_path, Tiny(), [OneCycle(max_lr=0.5)], max_epochs=2, ckpt_path=path_at(ckpts, 14))
    said = [str(w.message) for w in caught if "has no state for the scheduler" in str(w.message)]
    assert (
        len(said) == 1
        and "the state in its place was written by another scheduler, not lightning_lr" in said[0]
    )


def _reshaped_checkpoint(tmp_path, make, name="a"):
    """A run at batch 8 (6 steps an epoch, 3 epochs) with a checkpoint at every epoch's end."""
    ckpt = ModelCheckpoint(dirpath=tmp_path / name, every_n_epochs=1, save_top_k=-1)
    return fit(tmp_path, Tiny(batch_size=8), [make(), ckpt], enable_checkpointing=True, max_epochs=3)


def _resumed_at_6(tmp_path, make, batch_size: int = 4):
    """:func:`_reshaped_checkpoint` of ``make()``, resumed at step 6 (epoch 1) at ``batch_size`` for 3 epochs
    with a new ``make()``, warnings silenced: the recorder and the callback."""
    _reshaped_checkpoint(tmp_path, make)
    callback = make()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        resumed = fit(
            tmp_path,
            Tiny(batch_size=batch_size),
            [callback],
            max_epochs=3,
            ckpt_path=path_at(tmp_path / "a", 6),
        )
    return resumed, callback


def _resumed_into_b(tmp_path, ckpt_path: str, accumulate_grad_batches: int = 1, **every) -> None:
    """Run B: OneCycle at batch 4 for 3 epochs, resumed from ``ckpt_path``, its checkpoints (``every``) in
    ``tmp_path / "b"``."""
    ckpt = ModelCheckpoint(dirpath=tmp_path / "b", save_top_k=-1, **every)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit(
            tmp_path,
            Tiny(batch_size=4),
            [OneCycle(max_lr=0.5), ckpt],
            enable_checkpointing=True,
            max_epochs=3,
            accumulate_grad_batches=accumulate_grad_batches,
            ckpt_path=ckpt_path,
        )


def _assert_ends_with_the_run(resumed, cycle: OneCycle, first: int) -> None:
    """The resumed fit ran steps ``first`` on without a gap, its plan has as many, and its last LR is the
    schedule's final one."""
    steps = resumed.steps()
    assert steps[0] == first and steps == list(range(first, steps[-1] + 1))
    assert cycle.run is not None and cycle.run.total_steps == steps[-1] + 1
    final = S.OneCycle(0.5, total_steps=cycle.run.total_steps).values(cycle.run.total_steps)[-1]
    assert resumed.lr()[-1] == pytest.approx(final, rel=1e-6)


def test_resuming_with_other_steps_per_epoch_plans_the_steps_the_run_takes(tmp_path) -> None:
    # an epoch-end checkpoint of a run at batch 8 (6 steps an epoch), resumed at batch 4 (12 an epoch): the run
    # takes 6 + 2 * 12 = 30 steps, where Lightning estimates 3 * 12 = 36 (before: planned for 36, the LR ended
    # at 0.12 of max_lr, mid-anneal, instead of the final value)
    _reshaped_checkpoint(tmp_path, lambda: OneCycle(max_lr=0.5))
    cycle = OneCycle(max_lr=0.5)
    with pytest.warns(
        UserWarning,
        match=r"OneCycle: this fit resumes a checkpoint written with 6 steps per epoch at 12\. Epoch 1 begins "
        r"at step 6, so the run takes 30 optimizer steps \(Lightning estimates 36\)",
    ):
        resumed = fit(
            tmp_path, Tiny(batch_size=4), [cycle], max_epochs=3, ckpt_path=path_at(tmp_path / "a", 6)
        )
    assert resumed.steps() == list(range(6, 30))
    assert cycle.run == RunInfo(total_steps=30, steps_per_epoch=12, resumed_at=((1, 6),))
    assert_trace(resumed.lr(), S.OneCycle(0.5, total_steps=30).values(30)[6:])


def test_a_resume_at_another_size_says_the_jump_from_the_checkpoints_lr(tmp_path) -> None:
    # review 140: a 1cycle resumed at another size is read at the resume step from the new plan (18 -> 30
    # steps), so its LR jumps there and it peaks again; the warning said the new total only. It now gives the
    # LR the checkpoint holds (its run's, at step 6) and the new plan's (not the one built on Lightning's
    # estimate of 36 steps before the resume was planned, which no step trained at)
    _reshaped_checkpoint(tmp_path, lambda: OneCycle(max_lr=0.5))
    before, after = S.OneCycle(0.5, total_steps=18)(6), S.OneCycle(0.5, total_steps=30)(6)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit(
            tmp_path,
            Tiny(batch_size=4),
            [OneCycle(max_lr=0.5)],
            max_epochs=3,
            ckpt_path=path_at(tmp_path / "a", 6),
        )
    (said,) = [
        str(w.message) for w in caught if "this fit resumes a checkpoint written with" in str(w.message)
    ]
    assert (
        f"The LR jumps at step 6: param group 0 of optimizer 0 (SGD) goes from {before:.4g} (the checkpoint's) to "
        f"{after:.4g} (the new plan)." in said
    )
    assert "a 1cycle may warm up to its peak again" in said


def test_epochs_count_the_epochs_of_a_run_resumed_at_another_size(tmp_path) -> None:
    # epoch 1 began at step 6, epoch 2 at 18: a warm-up of one epoch is over (before: it was 12 steps, so the
    # LR fell back from 0.1 to 0.05 and warmed up again), and the milestones fall at 6 and 18 (were 12 and 24)
    def make():
        return MultiStepDecay(milestones=[Epochs(1), Epochs(2)], gamma=0.5, warmup=Epochs(1))

    resumed, decay = _resumed_at_6(tmp_path, make)
    assert decay.steps == {"warmup": 6, "milestones": [6, 18]}
    assert_trace(resumed.lr(), [0.05] * 12 + [0.025] * 12)


@pytest.mark.parametrize(
    "kind",
    ["StepDecay", "ExponentialDecay", "Cyclic", "warm-up in Epochs", "Cyclic, step_size_down in steps"],
)
def test_periods_given_in_epochs_keep_to_the_epochs_of_a_run_resumed_at_another_size(tmp_path, kind) -> None:
    # review 65: a period of Epochs(1) was epoch_start(1), the first epoch's 6 steps, in epochs of 12: the step
    # decay halved twice an epoch after the resume (mid-epoch too), and the cycle ran at half its period.
    # Review 69: a warm-up in Epochs beside it stepped back down at the resume, and an int step_size_down
    # doubled
    def make():
        if kind == "StepDecay":
            return StepDecay(every=Epochs(1), drop=0.5)
        if kind == "ExponentialDecay":
            return ExponentialDecay(gamma=0.5, every=Epochs(1), staircase=True)
        if kind == "warm-up in Epochs":
            return StepDecay(every=Epochs(1), drop=0.5, warmup=Epochs(2))
        if kind == "Cyclic, step_size_down in steps":
            return Cyclic(base_lr=0.01, max_lr=0.09, step_size=Epochs(1), step_size_down=4)
        return Cyclic(base_lr=0.01, max_lr=0.1, step_size=Epochs(1))

    resumed, _ = _resumed_at_6(tmp_path, make)
    assert resumed.steps() == list(range(6, 30))  # epochs 1 and 2, 12 steps each
    if kind == "Cyclic":  # epoch 0 went up: down through epoch 1, up through epoch 2, an epoch each
        expected = S.Cyclic(0.01, 0.1, step_size=12).values(36)[12:]
    elif kind == "Cyclic, step_size_down in steps":  # down in 4 steps, up through an epoch of 12
        expected = S.Cyclic(0.01, 0.09, step_size=12, step_size_down=4).values(36)[12:]
    elif kind == "warm-up in Epochs":  # half-way at step 6, up to 0.1 at step 18 where epoch 2 begins
        expected = [0.05 + k * 0.05 / 12 for k in range(12)] + [0.1] * 12
    else:  # halved at each epoch's start: once at step 6, again at 18
        expected = [0.05] * 12 + [0.025] * 12
    assert_trace(resumed.lr(), expected)


class _EpochStarts(Recorder):
    """A recorder that also notes the step at which each epoch began (not the one a fit resumes within)."""

    def __init__(self) -> None:
        super().__init__()
        self.starts: list[int] = []

    def on_train_epoch_start(self, trainer: Any, pl_module: Any) -> None:
        self.starts.append(trainer.global_step)


@pytest.mark.filterwarnings(RESUMABLE)
# (4, 6): the batches done, 4, are fewer than the new epoch's 8: right before too
@pytest.mark.parametrize(("at", "batch_size"), [(6, 8), (8, 8), (10, 8), (6, 16), (4, 6)])
def test_a_period_in_epochs_changes_where_the_epoch_begins_after_a_resume_within_one_at_another_size(
    tmp_path, at, batch_size
) -> None:
    if (at, batch_size) == (4, 6) and lightning_before((2, 5)):
        # found by CI on Lightning 2.4.0, at the code before review 97's fix too: the resumed epoch 0 there runs
        # one batch more than the plan (9 steps, not 8), so epoch 1 begins a step after the drop
        pytest.xfail("Lightning 2.4 ends this resumed epoch a batch later than planned (a known difference)")
    # review 97: StepDecay(every=Epochs(1)), checkpointed within epoch 0 at 12 steps an epoch and resumed at a
    # larger batch size where the batches done are at least the new epoch's: the warning said where epoch 1
    # begins, and it began there, but the LR dropped a step before (the clock of the epochs, slower than the
    # steps, rounded up to the epoch's start)
    _, ckpts = checkpointed_run(
        tmp_path, Tiny(), [StepDecay(every=Epochs(1), drop=0.5)], every=at, max_epochs=1
    )
    rec = _EpochStarts()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        resumed = fit(
            tmp_path,
            Tiny(batch_size=batch_size),
            [StepDecay(every=Epochs(1), drop=0.5), rec],
            max_epochs=3,
            ckpt_path=path_at(ckpts, at),
        )
    steps, lrs = resumed.steps(), resumed.lr()
    drops = [t for t, a, b in zip(steps[1:], lrs, lrs[1:], strict=False) if b != a]
    # at epochs 1 and 2, each where it begins (Lightning 2.4 also starts the epoch it resumes within, at `at`)
    assert drops == [s for s in rec.starts if s > at] and len(drops) == 2
    assert_trace(lrs, [0.1 * 0.5 ** sum(t >= s for s in drops) for t in steps])


def test_a_warm_up_in_steps_beside_a_period_in_epochs_stays_in_steps_after_a_resume_at_another_size(
    tmp_path,
) -> None:
    # review 68: the whole schedule was read through the epochs' clock, so a warm-up of 10 steps, resumed at
    # step 6 at twice the size, went on from 0.075 where the uninterrupted run had 0.06
    def make():
        return StepDecay(every=Epochs(1), drop=0.5, warmup=10)

    resumed, _ = _resumed_at_6(tmp_path, make)
    # the warm-up ends at step 10 as planned; the decay halves an epoch (12 steps) after it
    assert_trace(resumed.lr(), [0.06, 0.07, 0.08, 0.09] + [0.1] * 12 + [0.05] * 8)


def test_a_warm_up_in_steps_ending_at_an_epochs_start_resumed_at_a_smaller_size(tmp_path) -> None:
    # the clock, at half a step per step before the resume, rounds the warm-up's end (step 5) to the clock step
    # of epoch 1's start (3): that point added nothing, and Retimed refused it as not increasing
    def make():
        return StepDecay(every=Epochs(1), drop=0.5, warmup=5)

    resumed, _ = _resumed_at_6(tmp_path, make, batch_size=16)
    assert resumed.steps() == list(range(6, 12))  # epochs 1 and 2, 3 steps each
    # the decay halves an epoch after the warm-up's end, 5/6 into epoch 0: at 5/6 into epochs 1 and 2, as the
    # first run (halving at step 11) did, here steps 8 and 11 (the clock rounds half a step up)
    assert_trace(resumed.lr(), [0.1] * 2 + [0.05] * 3 + [0.025])


def test_milestones_of_mixed_kinds_resume_at_another_size(tmp_path) -> None:
    # review 69: [Epochs(1), 9, Epochs(2)], [6, 9, 12] at 6 steps an epoch, was built first on Lightning's
    # estimate of the resumed run (12 an epoch from step 0): [12, 9, 24] was refused and the resume crashed.
    # The run as it takes place has them at 6, 9 and 18
    def make():
        return MultiStepDecay(milestones=[Epochs(1), 9, Epochs(2)], gamma=0.5)

    resumed, decay = _resumed_at_6(tmp_path, make)
    assert decay.steps["milestones"] == [6, 9, 18]
    assert_trace(resumed.lr(), [0.05] * 3 + [0.025] * 9 + [0.0125] * 12)


def test_a_run_resumed_at_another_size_resumes_again_at_that_size_without_a_jump(tmp_path) -> None:
    # A at 6 steps an epoch; B resumes A's epoch-0 checkpoint at 12 (30 steps); C resumes B's checkpoint at
    # step 18, at B's size. B's checkpoint carries where its epochs began (before: C planned Lightning's 36 and
    # its LR jumped from 0.269 to 0.380 at step 18, and ended at 0.067)
    _reshaped_checkpoint(tmp_path, lambda: OneCycle(max_lr=0.5))
    _resumed_into_b(tmp_path, path_at(tmp_path / "a", 6), every_n_epochs=1)
    cycle = OneCycle(max_lr=0.5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resumed = fit(
            tmp_path, Tiny(batch_size=4), [cycle], max_epochs=3, ckpt_path=path_at(tmp_path / "b", 18)
        )
    assert not [str(w.message) for w in caught if "OneCycle" in str(w.message)]
    assert resumed.steps() == list(range(18, 30))
    assert_trace(resumed.lr(), S.OneCycle(0.5, total_steps=30).values(30)[18:])


@pytest.mark.filterwarnings(RESUMABLE)
@pytest.mark.parametrize("at", [3, 6, 12])
def test_resuming_within_an_epoch_with_other_steps_per_epoch_ends_the_schedule_with_the_run(
    tmp_path, at
) -> None:
    # checkpoints within epochs of a run at 6 steps an epoch (3: mid-epoch; 6 and 12: an epoch's last batch),
    # resumed at 12 an epoch: the epoch Lightning resumes in is expected to run to its last batch (the epoch's
    # end confirms or corrects that), and the schedule is planned for the run that gives. From step 12
    # Lightning 2.6 takes 6 steps, all in the last epoch (before: planned for 36, the LR ended at 0.14)
    _, ckpts = checkpointed_run(tmp_path, Tiny(batch_size=8), [OneCycle(max_lr=0.5)], every=3, max_epochs=3)
    cycle = OneCycle(max_lr=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        resumed = fit(tmp_path, Tiny(batch_size=4), [cycle], max_epochs=3, ckpt_path=path_at(ckpts, at))
    _assert_ends_with_the_run(resumed, cycle, at)


def test_epochs_are_placed_through_a_chain_of_resumes_at_alternating_sizes(tmp_path) -> None:
    # A at 6 steps an epoch, B resumes it at 12 (epoch 1 begins at step 6), C resumes B's epoch-1 checkpoint at
    # 6 again (epoch 2 begins at step 18): epoch 1 still begins at step 6 (before: 9, the mean of epochs 0-1)
    def make():
        return MultiStepDecay(milestones=[Epochs(1), Epochs(3)], gamma=0.5)

    ckpt = ModelCheckpoint(dirpath=tmp_path / "a", every_n_epochs=1, save_top_k=-1)
    fit(tmp_path, Tiny(batch_size=8), [make(), ckpt], enable_checkpointing=True, max_epochs=4)
    ckpt = ModelCheckpoint(dirpath=tmp_path / "b", every_n_epochs=1, save_top_k=-1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit(
            tmp_path,
            Tiny(batch_size=4),
            [make(), ckpt],
            enable_checkpointing=True,
            max_epochs=4,
            ckpt_path=path_at(tmp_path / "a", 6),
        )
        decay = make()
        resumed = fit(
            tmp_path, Tiny(batch_size=8), [decay], max_epochs=4, ckpt_path=path_at(tmp_path / "b", 18)
        )
    assert decay.run == RunInfo(total_steps=30, steps_per_epoch=6, resumed_at=((1, 6), (2, 18)))
    assert decay.steps["milestones"] == [6, 24]
    assert resumed.steps() == list(range(18, 30))
    assert_trace(resumed.lr(), [0.05] * 6 + [0.025] * 6)


@pytest.mark.filterwarnings(RESUMABLE)
def test_where_an_epoch_ends_is_told_by_its_end_when_accumulation_moves_it(tmp_path) -> None:
    # B resumes a 6-steps-an-epoch checkpoint at batch 4 with accumulate_grad_batches=5 (3 steps an epoch);
    # C resumes B's checkpoint within an epoch at B's size. However many steps Lightning gives the epoch C
    # resumes in, the plan follows the run and the schedule ends with it (before: it ended 2 steps early)
    _, ckpts = checkpointed_run(tmp_path, Tiny(batch_size=8), [OneCycle(max_lr=0.5)], every=3, max_epochs=3)
    _resumed_into_b(tmp_path, path_at(ckpts, 6), every_n_train_steps=1, accumulate_grad_batches=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cycle = OneCycle(max_lr=0.5)
        resumed = fit(
            tmp_path,
            Tiny(batch_size=4),
            [cycle],
            max_epochs=3,
            accumulate_grad_batches=5,
            ckpt_path=path_at(tmp_path / "b", 7),
        )
    _assert_ends_with_the_run(resumed, cycle, 7)


@pytest.mark.parametrize(
    "value", [(1, 6), ((0, 0),), ((2, 6), (1, 8)), ((1, 6), (2, 5)), ((1.5, 6),), (("a", 6),)]
)
def test_run_info_refuses_resumed_at_it_cannot_read(value) -> None:
    with pytest.raises(
        ValueError, match=r"RunInfo: resumed_at must be pairs \(epoch, step\) of integers >= 1"
    ):
        RunInfo(total_steps=30, steps_per_epoch=12, resumed_at=value)


def test_run_info_takes_resumed_at_as_lists_and_compares_as_tuples() -> None:
    assert RunInfo(30, 12, resumed_at=[[1, 6]]) == RunInfo(30, 12, resumed_at=((1, 6),))


def test_fit_called_again_on_the_same_trainer_says_so(tmp_path) -> None:
    # the trainer continues at its step with new optimizers and schedulers (before: the warning blamed a
    # checkpoint "written without this callback", though there was none)
    from support.trainers import trainer as make_trainer

    cycle, model = OneCycle(max_lr=0.5), Tiny()
    t = make_trainer(tmp_path, [cycle], max_epochs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t.fit(model)
    t.fit_loop.max_epochs = 2
    with pytest.warns(
        UserWarning,
        match=r"OneCycle: fit was called again on this Trainer, which continues at its "
        r"step 12, .* so the schedule planned for this fit's run starts at the trainer's step 12",
    ):
        t.fit(model)


@pytest.mark.parametrize("limit", ["max_epochs", "max_steps"])
def test_fit_called_again_after_a_limit_was_raised_says_the_jump(tmp_path, limit) -> None:
    # review 144: fit 1 ran its 1cycle to the end (12 steps); the limit raised to 24 and fit called again, the LR
    # went from 2e-06 to the new cycle's value at step 12 near its peak, and the one warning did not say so (the
    # same change made during a fit did)
    from support.trainers import trainer as make_trainer

    cycle, model, second = OneCycle(max_lr=0.5), Tiny(), Recorder()
    bound = {"max_epochs": 1} if limit == "max_epochs" else {"max_steps": 12, "max_epochs": -1}
    t = make_trainer(tmp_path, [cycle], **bound)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t.fit(model)
    if limit == "max_epochs":
        t.fit_loop.max_epochs = 2
    else:
        t.fit_loop.epoch_loop.max_steps = 24
    t.callbacks.append(second)
    old, new = S.OneCycle(0.5, total_steps=12), S.OneCycle(0.5, total_steps=24)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t.fit(model)
    said = [str(w.message) for w in caught if str(w.message).startswith("OneCycle")]
    assert len(said) == 1, said
    before = "1 -> 2" if limit == "max_epochs" else "12 -> 24"
    assert (
        f"instead of 0. The Trainer's {limit} ({before}) changed since the last fit, so the run is planned again "
        f"from step 12: 24 optimizer steps where the last fit's plan had 12 (total 12 -> 24 steps). The schedule "
        f"follows that plan from here. The LR jumps at step 12: param group 0 of optimizer 0 (SGD) goes from "
        f"{old(12):.4g} (where the last fit left it) to {new(12):.4g} (the new plan)." in said[0]
    )
    assert "give the schedule's length as an int (optimizer steps): the run's own length changed" in said[0]
    assert_trace(second.lr(), new.values(24)[12:])


def test_fit_called_again_with_the_same_plan_says_no_jump(tmp_path) -> None:
    # a StepDecay in steps: raising max_epochs lengthens the run, and the LR goes on as it was (no jump to say)
    from lightning_lr.callbacks import StepDecay

    from support.trainers import trainer as make_trainer

    decay, model = StepDecay(every=5, drop=0.5), Tiny()
    t = make_trainer(tmp_path, [decay], max_epochs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t.fit(model)
    t.fit_loop.max_epochs = 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t.fit(model)
    (said,) = [str(w.message) for w in caught if str(w.message).startswith("StepDecay")]
    assert said.endswith(
        "24 optimizer steps where the last fit's plan had 12. The schedule follows that plan from here."
    )
    assert "jumps" not in said


def test_fit_called_again_with_epochs_of_another_size_keeps_where_the_epochs_began(tmp_path) -> None:
    # review 149: two whole epochs of 12 steps, then fit again with a loader of half the size and max_epochs=4.
    # The epochs before were spread at the new size (epoch 1 "began" at step 6), the warm-up of Epochs(1) became 6
    # steps, and the warning blamed a stop within epoch 1 that never happened. A resume from the checkpoint of the
    # same point plans epoch 1 at step 12 and a warm-up of 12, and so must the re-fit: 0.1 at the warm-up's end,
    # then a cosine over steps 12..36, half of it at step 24
    from lightning_lr.callbacks import CosineDecay

    from support.trainers import trainer as make_trainer

    decay, model, second = CosineDecay(warmup=Epochs(1)), Tiny(n=48), Recorder()
    t = make_trainer(tmp_path, [decay], max_epochs=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t.fit(model)
    assert t.global_step == 24
    model.n = 24
    t.fit_loop.max_epochs = 4
    t.callbacks.append(second)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t.fit(model)
    (said,) = [str(w.message) for w in caught if str(w.message).startswith("CosineDecay")]
    assert "stopped within" not in said
    assert "its epochs take 6 optimizer steps where the last fit's took 12" in said
    assert decay.run.resumed_at == ((1, 12), (2, 24))
    assert decay.steps["warmup"] == 12
    expected = [0.05 * (1 + math.cos(math.pi * (k - 12) / 24)) for k in range(24, 36)]
    assert_trace(second.lr(), expected)


@pytest.mark.parametrize("bound", ["max_epochs", "max_steps"])
def test_fit_called_again_after_a_stop_within_an_epoch_says_it_once(tmp_path, bound) -> None:
    # review 144: stopped at step 5 of epoch 0 (12 steps an epoch) and fit called again, without a checkpoint. Under
    # max_epochs=3 Lightning begins epoch 1 at step 5 and the run is 29 steps: two warnings came, the second spoke of
    # "the checkpoint's epoch" and quoted the LR at step 5 of this fit's first plan, which no step ran. Under
    # max_steps=36 the 1cycle's plan is the last fit's, and a warning said "36 where it had 36"
    from support.trainers import trainer as make_trainer

    limits = {"max_epochs": 3} if bound == "max_epochs" else {"max_steps": 36, "max_epochs": -1}
    cycle, model, stop, second = OneCycle(max_lr=0.5), Tiny(), StopAt(5), Recorder()
    t = make_trainer(tmp_path, [cycle, stop], **limits)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t.fit(model)
    t.callbacks.remove(stop)
    t.callbacks.append(second)
    t.should_stop = (
        False  # (Trainer.fit resets it in Lightning 2.6; 2.4.0 keeps it, and the next fit trains nothing)
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t.fit(model)
    said = [str(w.message) for w in caught if str(w.message).startswith("OneCycle")]
    assert len(said) == 1, said
    assert "checkpoint" not in said[0]
    old = S.OneCycle(0.5, total_steps=36)
    if bound == "max_steps":
        assert said[0].endswith("starts at the trainer's step 5 instead of 0.")
        assert_trace(second.lr(), old.values(36)[5:])
        return
    new = S.OneCycle(0.5, total_steps=29)
    assert (
        "instead of 0. The last fit stopped within epoch 0 (trainer.should_stop: EarlyStopping, max_time or a "
        "signal handler; or max_steps), and Lightning begins epoch 1 here, at step 5, where the plan had it begin at "
        "step 12: the run is planned again from step 5, the steps taken and then the epochs left: 29 optimizer "
        "steps where the last fit's plan had 36 (total 36 -> 29 steps). The schedule follows that plan from here. "
        f"The LR jumps at step 5: param group 0 of optimizer 0 (SGD) goes from {old(5):.4g} (where the last fit "
        f"left it; its last step, 4, trained at {old(4):.4g}) to {new(5):.4g} (the new plan)." in said[0]
    )
    assert_trace(second.lr(), new.values(29)[5:])


@pytest.mark.filterwarnings(RESUMABLE)
def test_a_resume_within_an_epoch_keeps_where_that_epoch_began(tmp_path) -> None:
    # A at 6 steps an epoch, its checkpoint 3 batches into epoch 2 (which began at step 12), resumed at 12 an
    # epoch: epoch 2 began at 12 and epoch 3 begins at 24 (before: only (3, 24) was kept, and Epochs(2.5)
    # fell at step 20 for 18, a warm-up of Epochs(1) took 8 steps for 6)
    _, ckpts = checkpointed_run(
        tmp_path,
        Tiny(batch_size=8),
        [MultiStepDecay(milestones=[Epochs(2.5)], warmup=Epochs(1))],
        every=15,
        max_epochs=3,
    )
    decay = MultiStepDecay(milestones=[Epochs(2.5)], warmup=Epochs(1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit(tmp_path, Tiny(batch_size=4), [decay], max_epochs=3, ckpt_path=path_at(ckpts, 15))
    assert decay.run is not None and decay.run.resumed_at[0] == (2, 12)
    (epoch, start), *_ = decay.run.resumed_at[1:]  # where epoch 3 began: step 24 (25 on Lightning 2.4.0)
    assert epoch == 3 and start in (24, 25)
    assert decay.steps == {"warmup": 6, "milestones": [math.floor(12 + (start - 12) / 2 + 0.5)]}


@pytest.mark.parametrize("flat", [[0, 0], [1, 6]])
def test_a_checkpoint_with_the_flat_resumed_at_of_an_earlier_version_loads(tmp_path, flat) -> None:
    state = _state.CheckpointState()
    saved = MultiStepDecay(milestones=[Epochs(1)]).state_dict()
    state.load("MultiStepDecay", {**saved, "resumed_at": flat})
    assert state.carried() == (() if flat == [0, 0] else ((1, 6),))


def test_a_fit_stopped_within_an_epoch_and_resumed_plans_the_steps_the_run_takes(tmp_path) -> None:
    # review 140: stopped at step 5 of epoch 0 (12 steps an epoch, 3 epochs), last.ckpt resumed with the same
    # settings: Lightning counts epoch 0 as done and takes 5 + 2 * 12 = 29 steps. Before: the plan kept 36, the
    # 1cycle never annealed (last LR 0.04 of max_lr 0.5), nothing was said at the resume, and the end's warning
    # blamed a short len() or changed limits
    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", save_last=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit(
            tmp_path, Tiny(), [OneCycle(max_lr=0.5), ckpt, StopAt(5)], max_epochs=3, enable_checkpointing=True
        )
    cycle = OneCycle(max_lr=0.5)
    old, new = S.OneCycle(0.5, total_steps=36), S.OneCycle(0.5, total_steps=29)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resumed = fit(tmp_path, Tiny(), [cycle], max_epochs=3, ckpt_path=str(tmp_path / "ckpt" / "last.ckpt"))
    said = [str(w.message) for w in caught if str(w.message).startswith("OneCycle")]
    assert len(said) == 1, said
    assert said[0].startswith(
        "OneCycle: this fit resumes at epoch 1, which begins at step 5 where the plan had it begin at step 12: "
        "the checkpoint's epoch 0 ended early (a fit stopped within it by trainer.should_stop"
    )
    assert (
        "the steps taken and then the epochs left: 29 optimizer steps where the checkpoint's plan had 36 (total 36 -> "
        "29 steps)" in (said[0])
    )
    assert f"The LR jumps at step 5: param group 0 of optimizer 0 (SGD) goes from {old(5):.4g}" in said[0]
    assert f"to {new(5):.4g} (the new plan)" in said[0]
    assert resumed.steps() == list(range(5, 29))
    assert cycle.run == RunInfo(total_steps=29, steps_per_epoch=12, resumed_at=((1, 5),))
    assert_trace(resumed.lr(), new.values(29)[5:])


@pytest.mark.filterwarnings(RESUMABLE)
def test_a_run_ended_by_max_steps_resumed_without_it_says_one_plan(tmp_path) -> None:
    # review 144: max_steps=15 ended the run within epoch 1 (12 steps an epoch); resumed from last.ckpt with only
    # max_epochs=3, Lightning goes on at epoch 2 and the run is 15 + 12 = 27 steps. Two warnings disagreed: "total
    # 15 -> 36 ... the LR may jump" (Lightning's estimate, which no step followed), then "27 where it had 36", with
    # the checkpoint's LR called "the plan before"
    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", save_last=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit(
            tmp_path,
            Tiny(),
            [OneCycle(max_lr=0.5), ckpt],
            max_epochs=3,
            max_steps=15,
            enable_checkpointing=True,
        )
    cycle = OneCycle(max_lr=0.5)
    old, new = S.OneCycle(0.5, total_steps=15), S.OneCycle(0.5, total_steps=27)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resumed = fit(tmp_path, Tiny(), [cycle], max_epochs=3, ckpt_path=str(tmp_path / "ckpt" / "last.ckpt"))
    said = [str(w.message) for w in caught if str(w.message).startswith("OneCycle")]
    assert len(said) == 1, said
    assert said[0].startswith(
        "OneCycle: this fit resumes at epoch 2, which begins at step 15 where the plan had it begin at step 24: the "
        "checkpoint's run was planned for 15 optimizer steps and ended there, within epoch 1 (max_steps), and this "
        "fit goes on: Lightning resumes at the next epoch without taking that epoch's rest. The run is planned "
        "again from step 15, the steps taken and then the epochs left: 27 optimizer steps where the checkpoint's "
        "plan had 15 (total 15 -> 27 steps)."
    )
    assert (
        f"The LR jumps at step 15: param group 0 of optimizer 0 (SGD) goes from {old(15):.4g} (the checkpoint's) "
        f"to {new(15):.4g} (the new plan)." in said[0]
    )
    assert "give the schedule's length as an int (optimizer steps): the run's own length changed" in said[0]
    assert resumed.steps() == list(range(15, 27))
    assert_trace(resumed.lr(), new.values(27)[15:])


def test_a_stopped_fit_resumed_under_a_schedule_in_epochs_says_its_epochs_begin_elsewhere(tmp_path) -> None:
    # review 143: a StepDecay every epoch, stopped at step 5 of epoch 0 and resumed, halves at step 5, where epoch 1
    # now begins, as documented; the warning called that a lost shape and advised max_steps, as for a 1cycle
    from lightning_lr.callbacks import Epochs, StepDecay

    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", save_last=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit(
            tmp_path,
            Tiny(),
            [StepDecay(every=Epochs(1), drop=0.5), ckpt, StopAt(5)],
            max_epochs=3,
            enable_checkpointing=True,
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resumed = fit(
            tmp_path,
            Tiny(),
            [StepDecay(every=Epochs(1), drop=0.5)],
            max_epochs=3,
            ckpt_path=str(tmp_path / "ckpt" / "last.ckpt"),
        )
    (said,) = [str(w.message) for w in caught if str(w.message).startswith("StepDecay")]
    assert said.endswith(
        "The LR jumps at step 5: param group 0 of optimizer 0 (SGD) goes from 0.1 (the checkpoint's) to 0.05 (the "
        "new plan): its periods are in epochs or steps, and the new plan's epochs begin at other steps."
    )
    assert "keeps its shape" not in said
    assert resumed.lr()[[0, 11, 12]] == pytest.approx([0.05, 0.05, 0.025])  # epoch 1 at step 5, epoch 2 at 17


@pytest.mark.parametrize("max_epochs", [-1, 10])
def test_a_stopped_fit_called_again_under_max_steps_keeps_a_period_in_epochs_to_the_epochs(
    tmp_path, max_epochs
) -> None:
    # review 144: stopped at step 17 of epoch 1 (12 steps an epoch), fit called again on the same Trainer with
    # max_steps ending the run: Lightning begins epoch 2 at step 17 and epoch 3 at 29, the run stays 40 steps, and
    # only where the epochs begin changed; the plan was not rebuilt for that, so the LR still halved at 24 and 36
    from lightning_lr.callbacks import Epochs, StepDecay

    from support.trainers import trainer as make_trainer

    decay, first, second = StepDecay(every=Epochs(1), drop=0.5), Recorder(), Recorder()
    t = make_trainer(tmp_path, [decay, StopAt(17), first], max_steps=40, max_epochs=max_epochs)
    model = Tiny()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t.fit(model)
        t.callbacks.remove(first)
        t.callbacks.append(second)
        t.should_stop = False  # (as Trainer.fit does in Lightning 2.6; 2.4.0 keeps the stop for the next fit)
        t.fit(model)
    assert first.steps() == list(range(17)) and second.steps() == list(range(17, 40))
    # epoch 2 (x 0.25) from step 17, epoch 3 (x 0.125) from step 29
    assert second.lr()[[0, 6, 7, 11, 12, 22]] == pytest.approx([0.025] * 4 + [0.0125] * 2)


def test_a_fit_that_a_kept_stop_ends_before_its_first_step_is_warned_of(tmp_path) -> None:
    # Lightning before 2.5.1 keeps EarlyStopping's stop for the next fit on the same Trainer, which then trains
    # nothing while the schedule callback said nothing; 2.5.1 resets it in Trainer.fit and trains on
    from lightning.pytorch import __version__
    from packaging.version import Version

    from support.trainers import trainer as make_trainer

    keeps = Version(__version__) < Version("2.5.1")
    first, second = Recorder(), Recorder()
    t = make_trainer(tmp_path, [CosineDecay(), StopAt(5), first], max_steps=20, max_epochs=-1)
    model = Tiny()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t.fit(model)
    t.callbacks.remove(first)
    t.callbacks.append(second)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t.fit(model)
    said = [str(w.message) for w in caught if "should_stop is already True" in str(w.message)]
    assert first.steps() == list(range(5))
    if keeps:
        assert second.steps() == [] and len(said) == 1
        assert said[0].startswith(
            "CosineDecay: trainer.should_stop is already True as this fit starts (Lightning before 2.5.1, here "
        )
        assert said[0].endswith(
            "set trainer.should_stop = False before trainer.fit(...), or fit with a new Trainer"
        )
    else:
        assert second.steps() == list(range(5, 20)) and said == []


def test_a_stop_set_before_the_fit_trains_is_warned_of_on_every_lightning(tmp_path) -> None:
    # what a kept stop does, made by a callback that stops in its setup: the fit trains no step
    from lightning.pytorch.callbacks import Callback

    from support.trainers import trainer as make_trainer

    class Stops(Callback):
        def setup(self, trainer, pl_module, stage):
            trainer.should_stop = True

    seen = Recorder()
    t = make_trainer(tmp_path, [Stops(), CosineDecay(), seen], max_steps=20)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t.fit(Tiny())
    said = [str(w.message) for w in caught if "should_stop is already True" in str(w.message)]
    assert seen.steps() == [] and len(said) == 1
    # min_steps holds such a fit: it trains, and nothing is said
    seen = Recorder()
    t = make_trainer(tmp_path, [Stops(), CosineDecay(), seen], max_steps=20, min_steps=4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t.fit(Tiny())
    assert seen.steps()[:4] == [0, 1, 2, 3]
    assert not any("should_stop is already True" in str(w.message) for w in caught)
