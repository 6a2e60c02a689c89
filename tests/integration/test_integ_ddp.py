"""DDP (two CPU processes, ddp_fork): with ``[LRRangeTest(), OneCycle()]`` every rank finds the same
max_lr (the loss curve is the mean over ranks) and applies the same LR and momentum at every step."""

from __future__ import annotations

import json

import pytest

from lightning_lr import LRRangeTest
from lightning_lr import schedules as S
from lightning_lr.callbacks import OneCycle

from support.models import BATCH, N_SAMPLES, Net
from support.recording import DumpPerRank, assert_trace
from support.trainers import DDP, fit

N = 2 * N_SAMPLES // (2 * BATCH)  # 2 epochs, each rank 24 samples in batches of 4: 12 optimizer steps


@pytest.mark.ddp
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_every_rank_applies_the_same_found_max_lr(tmp_path) -> None:
    out = tmp_path / "ranks"
    out.mkdir()
    callbacks = [LRRangeTest(num_steps=60, smoothing=0.9), OneCycle(), DumpPerRank(str(out))]
    fit(tmp_path, Net(shuffle=True), callbacks, strategy=DDP, devices=2)
    ranks = [json.loads((out / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert [r["rank"] for r in ranks] == [0, 1] and [r["world_size"] for r in ranks] == [2, 2]
    r0, r1 = ranks
    # one curve (mean over ranks), one max_lr, filled on both
    assert r0["losses"] == r1["losses"] and r0["lrs"] == r1["lrs"]
    top = r0["one_cycle_max_lr"]
    assert top is not None and r1["one_cycle_max_lr"] == top
    assert r0["filled"] == r1["filled"] == {"max_lr": top}
    assert r0["module_lr"] == r1["module_lr"]
    # every step: same step, LR and momentum on both ranks, and the OneCycle schedule with the found peak
    assert r0["total_steps"] == N and [row[0] for row in r0["rows"]] == list(range(N))
    assert r0["rows"] == r1["rows"]
    expected = S.OneCycle(top, total_steps=N)
    assert [len(row[1]) for row in r0["rows"]] == [1] * N  # Net has one param group
    assert_trace([row[1][0] for row in r0["rows"]], expected.values(N))
    assert_trace([row[2][0] for row in r0["rows"]], expected.momentum(0.85, 0.95).values(N))
