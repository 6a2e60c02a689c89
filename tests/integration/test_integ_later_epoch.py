"""``LRRangeTest(epochs=[1])`` with OneCycle: the range test runs at the start of epoch 1 and the running
schedule takes the new peak from the next optimizer step on, without losing or repeating a step."""

from __future__ import annotations

import warnings

import pytest
from lightning.pytorch.loggers import TensorBoardLogger

from lightning_lr import LRRangeTest
from lightning_lr import schedules as S
from lightning_lr.callbacks import OneCycle

from support.models import STEPS_PER_EPOCH, Net
from support.recording import Recorder, assert_trace
from support.trainers import QUIET, fit

N = 3 * STEPS_PER_EPOCH
LR = 0.003  # the optimizer's LR, the provisional peak: low enough that epoch 0 leaves the loss room to fall

pytestmark = [pytest.mark.filterwarnings(q) for q in QUIET]


def test_the_schedule_switches_at_the_first_step_of_the_epoch(tmp_path, caplog) -> None:
    # batches of 4 make a 40-step sweep at epoch 1 noise-level: the second try answers (the switch is tested here)
    test, cycle, rec = (
        LRRangeTest(epochs=[1], num_steps=40, method="minimum", confirm=False),
        OneCycle(),
        Recorder(),
    )
    model = Net(lr=LR, shuffle=True)
    with caplog.at_level("INFO"):
        fit(tmp_path, model, [test, cycle, rec], max_epochs=3)
    assert list(test.results) == [1] and test.result is test.results[1]
    # the fit's own steps only: each once, in order, global_step continuing across the test
    assert rec.steps() == list(range(N))
    top = test.result.one_cycle_max_lr("minimum")
    assert top is not None and cycle.state_dict()["filled"] == {"max_lr": top}
    before, after = S.OneCycle(LR, total_steps=N), S.OneCycle(top, total_steps=N)
    k = STEPS_PER_EPOCH  # the first step of epoch 1
    assert_trace(rec.lr()[:k], before.values(N)[:k])
    assert_trace(rec.lr()[k:], after.values(N)[k:])
    assert_trace(rec.momentum()[:k], before.momentum(0.85, 0.95).values(N)[:k])
    assert_trace(rec.momentum()[k:], after.momentum(0.85, 0.95).values(N)[k:])
    # training_step calls: epoch 0, the sweep (at its own LRs; its cost counts the steps after each curve's
    # end that told its divergence from an outlier batch; a 40-step sweep at noise level is tried once more
    # with 120 steps, as every rule's answer is since review 102), then epochs 1 and 2
    swept = test.result.cost
    assert len(model.step_lrs) == N + swept
    assert_trace(model.step_lrs[:k], before.values(N)[:k])
    pos = k
    for r in [t for t in (test.result.first_try, test.result) if t is not None]:
        start = next(
            i for i in range(pos, pos + 4) if model.step_lrs[i] == pytest.approx(r.lrs[0], rel=1e-12)
        )
        assert_trace(model.step_lrs[start : start + len(r)], r.lrs)
        pos = start + len(r)
    assert pos <= k + swept <= pos + 3
    assert_trace(model.step_lrs[k + swept :], after.values(N)[k:])
    # the jump in the running LR is said, with the values it comes from (review 35: only "set Net.lr")
    said = [r.getMessage() for r in caplog.records if "rebuilt at optimizer step" in r.getMessage()]
    assert said == [
        f"OneCycle: rebuilt at optimizer step {k} with max_lr={top:.4g} from the range test: param group "
        f"0 of optimizer 0 (SGD) goes from its LR {before(k):.4g} to {after(k):.4g} at this "
        f"step and follows the new schedule from here"
    ]


def test_the_preview_shows_the_new_plan_from_the_step_it_takes_over(tmp_path) -> None:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    logger = TensorBoardLogger(str(tmp_path), name="tb")
    test, cycle = LRRangeTest(epochs=[1], num_steps=40, method="minimum", confirm=False), OneCycle()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # matplotlib, tensorboard deprecations
        fit(tmp_path, Net(lr=LR, shuffle=True), [test, cycle], max_epochs=3, logger=logger)
    events = EventAccumulator(logger.log_dir).Reload()
    # the plan at train start, then the new plan at the first step of epoch 1
    assert [e.step for e in events.Images("lr_schedule/OneCycle")] == [0, STEPS_PER_EPOCH]
    top = test.result.one_cycle_max_lr("minimum")
    assert_trace(cycle.planned()["lr"]["lr-SGD"], S.OneCycle(top, total_steps=N).values(N))
