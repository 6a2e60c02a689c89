"""Zero configuration: ``Trainer(callbacks=[LRRangeTest(), <schedule>()])`` finds the schedule's values by
itself and the whole fit trains with them, from its first optimizer step."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from lightning.pytorch.loggers import TensorBoardLogger

from lightning_lr import LRRangeTest, plotting
from lightning_lr import schedules as S
from lightning_lr.callbacks import CosineDecay, Cyclic, OneCycle
from lightning_lr.tuner import DEFAULT_METHOD, METHODS

from support.models import STEPS_PER_EPOCH, Net
from support.recording import Recorder, assert_trace
from support.trainers import fit

N = 3 * STEPS_PER_EPOCH  # max_epochs=3


def run(tmp_path, schedule, *, first="range_test", optimizer="sgd", **kwargs):
    test, recorder = LRRangeTest(), Recorder()
    callbacks = [test, schedule] if first == "range_test" else [schedule, test]
    model = Net(optimizer=optimizer)
    fit(tmp_path, model, [*callbacks, recorder], max_epochs=3, **kwargs)
    assert test.result is not None and recorder.steps() == list(range(N))
    return test.result, model, recorder


@pytest.mark.parametrize(
    ("first", "optimizer"), [("range_test", "sgd"), ("schedule", "sgd"), ("range_test", "adam")]
)
def test_one_cycle_takes_max_lr_from_the_range_test(tmp_path, first, optimizer) -> None:
    cycle = OneCycle()  # cycles SGD's momentum, Adam's beta1
    result, model, rec = run(tmp_path, cycle, first=first, optimizer=optimizer)
    top = result.one_cycle_max_lr()
    assert top is not None and top != 0.1  # found, not the optimizer's LR (the provisional peak)
    assert cycle.state_dict()["filled"] == {"max_lr": top}
    expected = S.OneCycle(top, total_steps=N)
    # from step 0 on: nothing left of the provisional schedule built from the optimizer's LR
    assert_trace(rec.lr(), expected.values(N))
    assert_trace(rec.momentum(), expected.momentum(0.85, 0.95).values(N))
    # the model's LR hparam holds the suggestion; the callback owns the optimizer's LR
    assert model.hparams.lr == result.suggestion()
    # what the preview draws is what ran
    assert_trace(next(iter(cycle.planned()["lr"].values())), expected.values(N))


def test_cyclic_takes_both_bounds_from_the_range_test(tmp_path) -> None:
    cyclic = Cyclic()  # step_size: 2 epochs
    result, _, rec = run(tmp_path, cyclic)
    bounds = result.cyclic_bounds()
    assert bounds is not None
    base, top = bounds
    assert cyclic.state_dict()["filled"] == {"base_lr": base, "max_lr": top}
    expected = S.Cyclic(base, top, step_size=2 * STEPS_PER_EPOCH)
    assert_trace(rec.lr(), expected.values(N))
    assert_trace(rec.momentum(), expected.momentum(0.85, 0.95).values(N))
    assert rec.lr().max() == pytest.approx(top, rel=1e-12)  # the run reaches the found upper bound


def test_a_decay_preset_takes_the_suggestion(tmp_path) -> None:
    cosine = CosineDecay()
    result, model, rec = run(tmp_path, cosine)
    lr = result.suggestion()
    assert lr is not None and cosine.state_dict()["filled"] == {"initial": lr}
    assert_trace(rec.lr(), S.CosineDecay(lr, total=N).values(N))
    assert_trace(rec.momentum(), np.full(N, 0.9))  # decays leave momentum alone
    assert model.hparams.lr == lr


@pytest.mark.parametrize("method", [m for m in METHODS if m != DEFAULT_METHOD])
def test_a_decay_preset_takes_the_suggestion_of_the_chosen_rule(tmp_path, method) -> None:
    test, cosine, rec, model = LRRangeTest(method=method), CosineDecay(), Recorder(), Net()
    fit(tmp_path, model, [test, cosine, rec], max_epochs=3)
    lr = test.result.suggestion(method)
    assert lr is not None and lr == test.result.suggestion()  # the result answers with the rule applied
    assert test.result.confirmation is None  # a sweep rule needs no candidates
    assert lr != test.result.suggestion(DEFAULT_METHOD)  # differs from the default rule's
    assert model.hparams.lr == lr and cosine.state_dict()["filled"] == {"initial": lr}
    assert_trace(rec.lr(), S.CosineDecay(lr, total=N).values(N))


@pytest.mark.parametrize("first", ["range_test", "schedule"])
def test_with_tensorboard_both_log_and_the_preview_draws_what_runs(tmp_path, monkeypatch, first) -> None:
    drawn = []
    figure = plotting.schedule_figure

    def spy(steps, lrs, momentums, **kwargs):
        drawn.append(dict(lrs))
        return figure(steps, lrs, momentums, **kwargs)

    monkeypatch.setattr(plotting, "schedule_figure", spy)
    logger = TensorBoardLogger(str(tmp_path), name="tb")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # matplotlib, tensorboard deprecations
        result, _, rec = run(tmp_path, OneCycle(), first=first, logger=logger, log_every_n_steps=1)
    expected = S.OneCycle(result.one_cycle_max_lr(), total_steps=N).values(N)
    assert_trace(rec.lr(), expected)
    # one preview, of the schedule the fit ran (in either order of the callbacks)
    assert len(drawn) == 1 and list(drawn[0]) == ["lr-SGD"]
    assert_trace(drawn[0]["lr-SGD"], expected)

    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(logger.log_dir).Reload()
    tags = set(events.Tags()["scalars"])
    assert {"lr_range_test/lr", "lr_range_test/loss", "lr_range_test/suggestion", "lr-SGD"} <= tags
    assert [e.step for e in events.Images("lr_schedule/OneCycle")] == [0]
    logged = [e.value for e in events.Scalars("lr-SGD")]
    assert_trace(logged, rec.lr(), rtol=1e-6)  # TensorBoard keeps float32
