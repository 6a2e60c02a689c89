"""Gradient accumulation (``accumulate_grad_batches=2``) with ``[LRRangeTest(), OneCycle()]``: the range
test records one point per optimizer step (two batches each, at one LR), and the fit's schedule advances
once per two batches."""

from __future__ import annotations

import pytest

from lightning_lr import LRRangeTest
from lightning_lr import schedules as S
from lightning_lr.callbacks import OneCycle

from support.models import STEPS_PER_EPOCH, Net
from support.recording import Recorder, assert_trace
from support.trainers import QUIET, fit

K = 2
N = 2 * STEPS_PER_EPOCH // K  # 2 epochs of 12 batches: 12 optimizer steps
POINTS = 30

pytestmark = [pytest.mark.filterwarnings(q) for q in QUIET]


def test_one_point_per_optimizer_step_and_one_schedule_step_per_k_batches(tmp_path) -> None:
    test = LRRangeTest(num_steps=POINTS, max_lr=1.0, early_stop_threshold=None)
    cycle, rec, model = OneCycle(), Recorder(), Net()
    fit(tmp_path, model, [test, cycle, rec], accumulate_grad_batches=K)
    result = test.result
    assert result is not None and len(result) == POINTS == len(result.losses) == len(result.momentums)
    # the sweep: K training_step calls per point, both at that point's LR, which grows as the sweep's schedule
    sweep = model.step_lrs[: K * POINTS]
    assert_trace(sweep[0::K], result.lrs)
    assert_trace(sweep[1::K], result.lrs)
    assert_trace(result.lrs, 1e-7 * (1.0 / 1e-7) ** (S.Linear(0.0, 1.0, total=POINTS - 1).values(POINTS)))
    # the fit: run length in optimizer steps, one schedule step per K batches
    top = result.one_cycle_max_lr()
    assert top is not None and cycle.run is not None and cycle.run.total_steps == N
    expected = S.OneCycle(top, total_steps=N)
    assert rec.steps() == list(range(N))
    assert_trace(rec.lr(), expected.values(N))
    assert_trace(rec.momentum(), expected.momentum(0.85, 0.95).values(N))
    assert_trace(rec.batch_lrs, expected.values(N).repeat(K))  # batches 2i and 2i+1 both train at step i's LR
    assert len(model.step_lrs) == K * (POINTS + result.confirmation.cost) + K * N  # + the candidates
