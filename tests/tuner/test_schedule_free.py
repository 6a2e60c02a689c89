"""The range test with schedule-free optimizers (the real ``schedulefree`` package): the sweep steps in train
mode, and the restore gives back the weights and the optimizer state, its mode included, bitwise."""

from __future__ import annotations

from typing import Any

import pytest
import torch
from lightning.pytorch.callbacks import Callback

from lightning_lr import LRRangeTest, Tuner
from lightning_lr.callbacks import ScheduleFree

from support.models import TinyModel, loader, val_loader
from support.state import clone_tree, equal_tree, seed_all
from support.trainers import trainer

schedulefree = pytest.importorskip("schedulefree")


class FreeModel(TinyModel):
    def configure_optimizers(self) -> Any:
        return schedulefree.AdamWScheduleFree(self.parameters(), lr=self.hparams.lr, warmup_steps=2)


def _mode(trainer: Any) -> bool:
    return bool(trainer.optimizers[0].param_groups[0]["train_mode"])


class Probe(Callback):
    """The weights and the optimizer's state (param groups with ``train_mode``, per-parameter ``z``) at
    the hook where the test runs."""

    def __init__(self, epoch: int | None) -> None:
        self.epoch = epoch
        self.state: dict[str, Any] | None = None

    def _capture(self, trainer: Any, pl_module: Any) -> None:
        self.state = clone_tree(
            {"weights": pl_module.state_dict(), "optimizer": trainer.optimizers[0].state_dict()}
        )
        self.state["train_mode"] = _mode(trainer)

    def on_train_start(self, trainer: Any, pl_module: Any) -> None:
        if self.epoch is None:
            self._capture(trainer, pl_module)

    def on_train_epoch_start(self, trainer: Any, pl_module: Any) -> None:
        if trainer.current_epoch == self.epoch:
            self._capture(trainer, pl_module)


def _same(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    assert a is not None and b is not None
    return all(equal_tree(a[k], b[k]) for k in a)


def test_a_fresh_optimizer_in_eval_mode_sweeps_in_train_mode_and_gets_eval_mode_back(tmp_path: Any) -> None:
    """Before its first step a schedule-free optimizer is in eval mode; ScheduleFree switches it to train
    mode after the test (it comes later in the list)."""
    seed_all(21)
    before, after = Probe(None), Probe(None)
    test = LRRangeTest(num_steps=12, val_loss=True, val_batches=2, early_stop_threshold=None, apply=False)
    t = trainer(tmp_path, callbacks=[before, test, after, ScheduleFree()], max_steps=2)
    t.fit(FreeModel(optimizer="free"), loader(), val_loader(n=64))
    assert before.state is not None and before.state["train_mode"] is False
    assert _same(before.state, after.state)
    assert test.result is not None and len(test.result) == 12


def test_a_later_epoch_restores_the_train_mode_weights_and_z(tmp_path: Any) -> None:
    seed_all(22)
    before, after = Probe(1), Probe(1)
    test = LRRangeTest(num_steps=12, epochs=[1], apply=False)
    t = trainer(tmp_path, callbacks=[ScheduleFree(), before, test, after], max_epochs=2)
    t.fit(FreeModel(optimizer="free"), loader())
    assert before.state is not None and before.state["train_mode"] is True
    assert before.state["optimizer"]["state"], "z exists after an epoch"
    assert _same(before.state, after.state)


def test_the_tuner_then_fit_with_schedule_free(tmp_path: Any) -> None:
    seed_all(23)
    model = FreeModel(optimizer="free")
    start = clone_tree(model.state_dict())
    result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=12, max_lr=1.0)
    assert len(result) == 12 and equal_tree(start, model.state_dict())
    t = trainer(tmp_path, callbacks=[ScheduleFree()], max_steps=3)
    t.fit(model, loader())
    assert t.global_step == 3 and torch.isfinite(torch.tensor(model.seen_losses)).all()
