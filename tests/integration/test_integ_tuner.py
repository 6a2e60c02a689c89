"""The Tuner entry point: ``Tuner(trainer).lr_range_test(model)`` then ``trainer.fit(model)`` with a
schedule callback in the trainer: the fit trains with what the range test found."""

from __future__ import annotations

import warnings

import pytest

from lightning_lr import LRScheduleMixin, Tuner
from lightning_lr import schedules as S
from lightning_lr.callbacks import OneCycle

from support.models import STEPS_PER_EPOCH, Net
from support.recording import Recorder, assert_trace
from support.trainers import QUIET, trainer

N = 2 * STEPS_PER_EPOCH

pytestmark = [pytest.mark.filterwarnings(q) for q in QUIET]


def tune_then_fit(tmp_path, cycle):
    recorder = Recorder()
    t = trainer(tmp_path, [cycle, recorder])
    model = Net()
    result = Tuner(t).lr_range_test(model)
    assert recorder.rows == []  # the sweep is not part of the fit
    assert t.global_step == 0 and t.callbacks[:2] == [cycle, recorder]
    t.fit(model)
    assert recorder.steps() == list(range(N)) and t.global_step == N
    return result, model, recorder


def test_the_fit_after_the_tuner_uses_the_found_max_lr(tmp_path) -> None:
    cycle = OneCycle()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result, model, rec = tune_then_fit(tmp_path, cycle)
    assert not [w for w in caught if "OneCycle" in str(w.message)]  # nothing to warn about
    top = result.one_cycle_max_lr()
    assert top is not None and cycle.state_dict()["filled"] == {"max_lr": top}
    expected = S.OneCycle(top, total_steps=N)
    assert_trace(rec.lr(), expected.values(N))
    assert_trace(rec.momentum(), expected.momentum(0.85, 0.95).values(N))
    # the model's hparam holds the suggestion (configure_optimizers read it for the fit's optimizer)
    assert result.suggestion() is not None and model.hparams.lr == result.suggestion()


def test_an_explicit_max_lr_is_kept_with_one_warning(tmp_path) -> None:
    cycle = OneCycle(max_lr=0.05)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result, model, rec = tune_then_fit(tmp_path, cycle)
    ours = [str(w.message) for w in caught if "OneCycle" in str(w.message)]
    top = result.one_cycle_max_lr()
    assert ours == [
        f"OneCycle keeps max_lr=0.05 (given explicitly; suggested {top:g}). Leave an argument as None "
        f"to take the range test's value."
    ]
    assert cycle.state_dict()["filled"] == {}
    assert_trace(rec.lr(), S.OneCycle(0.05, total_steps=N).values(N))
    assert model.hparams.lr == result.suggestion()  # the model's own LR still takes the suggestion


class DeclaredAsAttribute(LRScheduleMixin, Net):
    def __init__(self) -> None:
        super().__init__()
        self.lr_schedule = OneCycle()


class DeclaredAsMethod(LRScheduleMixin, Net):
    def lr_schedule(self) -> OneCycle:
        return OneCycle()


@pytest.mark.parametrize(
    "model_class",
    [
        DeclaredAsAttribute,
        DeclaredAsMethod,
    ],
)
def test_a_schedule_declared_on_the_module_takes_the_found_max_lr(tmp_path, model_class) -> None:
    recorder = Recorder()
    t = trainer(tmp_path, [recorder])
    model = model_class()
    result = Tuner(t).lr_range_test(model)
    t.fit(model)
    assert_trace(recorder.lr(), S.OneCycle(result.one_cycle_max_lr(), total_steps=N).values(N))
