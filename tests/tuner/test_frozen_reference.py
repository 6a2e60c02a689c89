"""A param group frozen the usual Lightning way (every parameter ``requires_grad=False``, still in the optimizer)
is never the reference group, even with the largest LR: the range test sweeps, and answers for, the largest LR
among the groups that train, and a schedule's one number (``max_lr``) is that group's; the frozen group keeps its
ratio to it. Review 114: the sweep, the answer, the "raise max_lr" warning and ``OneCycle(max_lr=...)`` all
described the frozen group's LR, at which no parameter trained."""

from __future__ import annotations

import json
import logging
import os
from typing import Any

import pytest
import torch
from lightning.pytorch.callbacks import Callback

from lightning_lr import LRRangeTest, Tuner
from lightning_lr.callbacks import OneCycle
from lightning_lr.optim import param_groups as pg

from support.models import TinyModel, loader
from support.state import seed_all
from support.trainers import DDP, trainer


class FrozenBackbone(TinyModel):
    """TinyModel whose layers before the last (the backbone) have ``requires_grad=False`` but stay in the
    optimizer at ``lr``, the head at ``0.1 * lr``: the largest LR is the frozen group's. Keeps each group's LR at
    every training step (the sweep's and the candidates' steps included) in ``group_lrs``."""

    def __init__(self, lr: float = 0.05, frozen: bool = True, **kwargs: Any) -> None:
        super().__init__(lr=lr, dropout=0.0, **kwargs)
        if frozen:
            for p in self.net[:-1].parameters():
                p.requires_grad_(False)
        self.group_lrs: list[list[float]] = []

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        self.group_lrs.append([pg.lr(g) for g in self.trainer.optimizers[0].param_groups])
        return super().training_step(batch, batch_idx)

    def configure_optimizers(self) -> Any:
        lr = self.hparams.lr
        return torch.optim.SGD(
            [
                {"params": list(self.net[:-1].parameters()), "lr": lr},
                {"params": list(self.net[-1].parameters()), "lr": 0.1 * lr},
            ],
            momentum=0.9,
        )


def test_the_reference_is_the_largest_lr_among_the_groups_that_train() -> None:
    frozen = torch.nn.Parameter(torch.zeros(1), requires_grad=False)
    groups = [{"params": [frozen], "lr": 0.1}, {"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.01}]
    assert pg.reference(groups) == 1
    assert pg.lr_ratios(groups) == pytest.approx([10.0, 1.0])
    # a warm-up from 0 of the group that trains: its configured LR decides, not the frozen group's LR now
    groups[1].update(lr=0.0, initial_lr=0.01)
    assert pg.reference(groups) == 1
    # no group that trains has an LR: the largest of all, as before
    groups[1].update(lr=0.0, initial_lr=0.0)
    assert pg.reference(groups) == 0


def test_the_range_test_sweeps_and_answers_for_the_group_that_trains(tmp_path: Any, caplog: Any) -> None:
    seed_all(3)
    model = FrozenBackbone()
    with caplog.at_level(logging.INFO):
        result = Tuner(trainer(tmp_path, max_epochs=1)).lr_range_test(
            model, loader(), num_steps=30, max_lr=3.0, confirm=False, retry=False
        )
    sweep = model.group_lrs[: len(result)]
    # the head (group 1) is swept over the test's range, the frozen backbone keeps its ratio 10 to it
    assert [lrs[1] for lrs in sweep] == pytest.approx(list(result.lrs), rel=1e-9)
    assert max(lrs[1] for lrs in sweep) == pytest.approx(3.0, rel=1e-6)
    assert all(lrs[0] == pytest.approx(10 * lrs[1], rel=1e-9) for lrs in sweep)
    s = result.suggestion()
    assert s is not None and s <= 3.0
    # the attribute is set so that configure_optimizers gives the head the suggestion
    assert model.hparams.lr == pytest.approx(10 * s, rel=1e-9)
    said = [r.getMessage() for r in caplog.records if "no parameter that requires grad" in r.getMessage()]
    assert len(said) == 1 and "param group(s) [0] of SGD" in said[0] and "param group 1" in said[0]


def test_without_frozen_groups_the_largest_group_stays_the_reference(tmp_path: Any) -> None:
    seed_all(3)
    model = FrozenBackbone(frozen=False)
    result = Tuner(trainer(tmp_path, max_epochs=1)).lr_range_test(
        model, loader(), num_steps=10, max_lr=3.0, confirm=False
    )
    assert [lrs[0] for lrs in model.group_lrs[: len(result)]] == pytest.approx(list(result.lrs), rel=1e-9)


class GroupLRs(Callback):
    def __init__(self) -> None:
        self.rows: list[list[float]] = []

    def on_before_optimizer_step(self, trainer: Any, pl_module: Any, optimizer: Any) -> None:
        self.rows.append([pg.lr(g) for g in optimizer.param_groups])


def test_a_schedule_callbacks_max_lr_is_the_peak_of_the_group_that_trains(tmp_path: Any, caplog: Any) -> None:
    seed_all(4)
    seen = GroupLRs()
    with caplog.at_level(logging.INFO):
        trainer(tmp_path, max_epochs=2, callbacks=[OneCycle(max_lr=0.1), seen]).fit(
            FrozenBackbone(), loader()
        )
    head = max(r[1] for r in seen.rows)
    backbone = max(r[0] for r in seen.rows)
    assert head == pytest.approx(0.1, rel=0.02)  # the peak of the one group that trains
    assert backbone == pytest.approx(10 * head, rel=1e-9)  # the frozen group keeps its ratio, for an unfreeze
    said = [r.getMessage() for r in caplog.records if "no parameter that requires grad" in r.getMessage()]
    assert len(said) == 1 and "OneCycle: param group(s) [0] of optimizer 0 (SGD)" in said[0]


class Unfreeze(Callback):
    """Sets ``requires_grad=True`` on the backbone at the start of epoch ``at``, before a range test there."""

    def __init__(self, at: int) -> None:
        self.at = at

    def on_train_epoch_start(self, trainer: Any, pl_module: Any) -> None:
        if trainer.current_epoch == self.at:
            for p in pl_module.net[:-1].parameters():
                p.requires_grad_(True)


def test_a_later_test_after_an_unfreeze_keeps_the_schedules_reference(tmp_path: Any, caplog: Any) -> None:
    # the schedule's reference is fixed at fit start (the head); the test at epoch 1, after the backbone was
    # unfrozen, sweeps the backbone, whose peak the answer is: OneCycle takes it for the head at its ratio
    seed_all(5)
    test = LRRangeTest(epochs=[1], num_steps=12, max_lr=3.0, confirm=False, early_stop_threshold=None)
    cycle = OneCycle()
    seen = GroupLRs()
    with caplog.at_level(logging.INFO):
        trainer(tmp_path, max_epochs=2, callbacks=[Unfreeze(1), cycle, test, seen]).fit(
            FrozenBackbone(), loader()
        )
    result = test.results[1]
    peak = result.one_cycle_max_lr()
    assert peak is not None
    assert cycle.value("max_lr") == pytest.approx(0.1 * peak, rel=1e-9)
    # the backbone, swept, peaks at most at the answer
    assert max(r[0] for r in seen.rows) <= peak * (1 + 1e-9)
    said = [r.getMessage() for r in caplog.records if "unfrozen since" in r.getMessage()]
    assert len(said) == 1


# ---------------------------------------------------------------------------------------------
# DDP: each rank writes what it saw, the parent compares.
# ---------------------------------------------------------------------------------------------


class DumpSweep(Callback):
    def __init__(self, out: str, test: LRRangeTest) -> None:
        self.out, self.test = out, test

    def on_train_start(self, trainer: Any, pl_module: Any) -> None:
        r = self.test.result
        assert r is not None
        data = {
            "lrs": list(r.lrs),
            "swept": pl_module.group_lrs[: len(r)],
            "suggestion": r.suggestion(),
            "applied": [pg.lr(g) for g in trainer.optimizers[0].param_groups],
        }
        with open(os.path.join(self.out, f"rank{trainer.global_rank}.json"), "w") as f:
            json.dump(data, f)


@pytest.mark.ddp
def test_ddp_the_answer_is_the_group_that_trains(tmp_path: Any) -> None:
    seed_all(6)
    test = LRRangeTest(num_steps=12, max_lr=3.0, early_stop_threshold=None, confirm=False, retry=False)
    t = trainer(
        tmp_path, devices=2, strategy=DDP, callbacks=[test, DumpSweep(str(tmp_path), test)], max_steps=1
    )
    t.fit(FrozenBackbone(), loader(n=192))
    ranks = [json.loads((tmp_path / f"rank{i}.json").read_text()) for i in range(2)]
    for r in ranks:
        assert r["suggestion"] == ranks[0]["suggestion"] and r["lrs"] == ranks[0]["lrs"]
        assert [lrs[1] for lrs in r["swept"]] == pytest.approx(r["lrs"], rel=1e-9)  # the head was swept
        assert max(r["lrs"]) == pytest.approx(3.0, rel=1e-6)
        # the fit continues with the head at the answer, the frozen backbone at its ratio 10
        assert r["applied"][1] == pytest.approx(r["suggestion"], rel=1e-9)
        assert r["applied"][0] == pytest.approx(10 * r["suggestion"], rel=1e-9)


class FrozenBackboneOneCycle(FrozenBackbone):
    """The same groups under torch's OneCycleLR peaking at ``lr`` (backbone) and ``0.1 * lr`` (head)."""

    def configure_optimizers(self) -> Any:
        opt = super().configure_optimizers()
        lr = self.hparams.lr
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[lr, 0.1 * lr], total_steps=100)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": sched, "interval": "step"}}


def test_a_torch_one_cycle_peaks_the_group_that_trains_at_the_tests_max_lr(tmp_path: Any) -> None:
    seed_all(7)
    model = FrozenBackboneOneCycle()
    result = Tuner(trainer(tmp_path, max_epochs=1)).lr_range_test(
        model, loader(), num_steps=30, max_lr=3.0, confirm=False, retry=False
    )
    peak = result.one_cycle_max_lr()
    assert peak is not None
    assert 0.1 * model.hparams.lr == pytest.approx(peak, rel=1e-6)  # the head's max_lr is the test's peak
