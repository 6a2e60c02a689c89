"""DDP: every rank applies the same LR and momentum at every step (two CPU processes, ddp_spawn)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lightning_lr import schedules as S
from lightning_lr.callbacks import OneCycle

from .helpers import Recorder, Tiny, adam, assert_trace, fit


class DumpPerRank(Recorder):
    """Writes what this rank's optimizer used at each step to ``<directory>/rank<r>.json``."""

    def __init__(self, directory: str) -> None:
        super().__init__()
        self.directory = directory

    def on_train_end(self, trainer: Any, pl_module: Any) -> None:
        path = Path(self.directory, f"rank{trainer.global_rank}.json")
        path.write_text(json.dumps({"rows": self.rows, "world_size": trainer.world_size}))


@pytest.mark.ddp
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_every_rank_applies_the_same_lr_and_momentum(tmp_path) -> None:
    out = tmp_path / "ranks"
    out.mkdir()
    model = Tiny(optim=adam, groups=2)
    fit(tmp_path, model, [OneCycle(max_lr=0.05), DumpPerRank(str(out))], strategy="ddp_spawn", devices=2)
    ranks = [json.loads((out / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert [r["world_size"] for r in ranks] == [2, 2]
    rank0, rank1 = (r["rows"] for r in ranks)
    # 48 samples on 2 ranks with batch 4: 6 optimizer steps per epoch on each rank, 12 in the run
    assert [row[0] for row in rank0] == list(range(12))
    assert rank0 == rank1  # step, both groups' LR and beta1: equal on every rank
    expected = S.OneCycle(0.05, total_steps=12)
    assert_trace([row[1][0] for row in rank0], expected.values(12))
    assert_trace([row[1][1] for row in rank0], S.OneCycle(0.005, total_steps=12).values(12))
    assert_trace([row[2][0] for row in rank0], expected.momentum().values(12))
