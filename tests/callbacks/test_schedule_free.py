"""ScheduleFree with the real schedulefree optimizers: the right mode at every point of a run."""

from __future__ import annotations

import warnings
from typing import Any

import lightning.pytorch as pl
import pytest
import torch
from lightning.pytorch.callbacks import ModelCheckpoint
from torch.utils.data import DataLoader, TensorDataset

from lightning_lr.callbacks import CosineDecay, LRSchedule, ScheduleFree
from lightning_lr.schedules import Linear

from support.trainers import trainer

schedulefree = pytest.importorskip("schedulefree")


def _data() -> DataLoader:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(32, 4, generator=g)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]])
    return DataLoader(TensorDataset(x, y), batch_size=8)


class Model(pl.LightningModule):
    def __init__(self, make: Any = None) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(4, 1)
        self.make = make or (lambda p: schedulefree.AdamWScheduleFree(p, lr=0.01))
        self.modes: list[tuple[str, bool]] = []

    def _mode(self) -> bool:
        return bool(self.trainer.optimizers[0].param_groups[0].get("train_mode", True))

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        self.modes.append(("train", self._mode()))
        x, y = batch
        return torch.nn.functional.mse_loss(self.layer(x), y)

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        self.modes.append(("val", self._mode()))
        x, y = batch
        self.log("val_loss", torch.nn.functional.mse_loss(self.layer(x), y))

    def test_step(self, batch: Any, batch_idx: int) -> None:
        self.modes.append(("test", self._mode()))

    def configure_optimizers(self) -> Any:
        return self.make(self.parameters())

    def train_dataloader(self) -> DataLoader:
        return _data()

    def val_dataloader(self) -> DataLoader:
        return _data()

    def test_dataloader(self) -> DataLoader:
        return _data()


def test_without_the_callback_the_optimizer_refuses_to_step(tmp_path: Any) -> None:
    with pytest.raises(Exception, match="not in train mode"):
        trainer(tmp_path, [], num_sanity_val_steps=2).fit(Model())


def test_train_mode_for_training_eval_mode_for_validation_and_test(tmp_path: Any) -> None:
    model = Model()
    t = trainer(tmp_path, [ScheduleFree()], num_sanity_val_steps=2)
    t.fit(model)
    seen = {(stage, mode) for stage, mode in model.modes}
    assert seen == {("train", True), ("val", False)}
    assert [s for s, _ in model.modes].count("train") == 8
    t.test(model, verbose=False)
    assert model.modes[-1] == ("test", False)


@pytest.mark.parametrize("make", ["adamw", "sgd", "radam"])
def test_the_checkpoint_holds_the_evaluation_weights(tmp_path: Any, make: str) -> None:
    makers = {
        "adamw": lambda p: schedulefree.AdamWScheduleFree(p, lr=0.01),
        "sgd": lambda p: schedulefree.SGDScheduleFree(p, lr=0.01),
        "radam": lambda p: schedulefree.RAdamScheduleFree(p, lr=0.01),
    }
    model = Model(makers[make])
    checkpoint = ModelCheckpoint(dirpath=tmp_path, save_last=True)
    t = trainer(tmp_path, [ScheduleFree(), checkpoint], num_sanity_val_steps=2, enable_checkpointing=True)
    t.fit(model)
    # after fit the model holds the evaluation weights (x); the last checkpoint was written in training,
    # where the model held the training weights (y), yet it must hold x
    saved = torch.load(checkpoint.last_model_path, weights_only=False)
    for name, value in model.state_dict().items():
        assert torch.equal(saved["state_dict"][name], value), name
    optimizer = t.optimizers[0]
    assert optimizer.param_groups[0]["train_mode"] is False
    assert saved["optimizer_states"][0]["param_groups"][0]["train_mode"] is False
    # and the training weights differ from the evaluation weights, so the test can tell them apart
    optimizer.train()
    assert not torch.equal(model.layer.weight, saved["state_dict"]["layer.weight"])


def test_a_decaying_schedule_on_a_schedule_free_optimizer_warns(tmp_path: Any) -> None:
    with pytest.warns(
        UserWarning, match=r"ScheduleFree: CosineDecay\(.*\) drives the LR of the schedule-free"
    ):
        trainer(tmp_path, [ScheduleFree(), CosineDecay()], num_sanity_val_steps=2).fit(Model())


def test_a_warm_up_does_not_warn(tmp_path: Any) -> None:
    from lightning_lr.schedules import Constant, join

    warm = LRSchedule(join([Linear(0.0, 0.01, total=4), Constant(0.01)], [4]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer(tmp_path, [ScheduleFree(), warm], num_sanity_val_steps=2).fit(Model())
    assert not [w for w in caught if "ScheduleFree:" in str(w.message)]


def test_no_schedule_free_optimizer_is_an_error(tmp_path: Any) -> None:
    model = Model(lambda p: torch.optim.SGD(p, lr=0.1))
    with pytest.raises(ValueError, match=r"ScheduleFree: none of the optimizers \['SGD'\] is schedule-free"):
        trainer(tmp_path, [ScheduleFree()], num_sanity_val_steps=2).fit(model)


def test_bad_argument() -> None:
    with pytest.raises(TypeError, match="warn_on_schedule must be True or False, got 'yes'"):
        ScheduleFree(warn_on_schedule="yes")  # type: ignore[arg-type]
