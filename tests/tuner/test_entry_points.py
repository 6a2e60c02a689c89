"""The contract with schedule callbacks (apply_range_test), clear errors for every bad input, DDP."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import json
import os
import pickle
import re
import warnings
from typing import Any

import lightning.pytorch as pl
import numpy as np
import pytest
import torch
from lightning.pytorch.callbacks import Callback

from lightning_lr import LRRangeTest, RangeTestResult, Tuner
from lightning_lr import schedules as S
from lightning_lr.optim import ScheduleLR
from lightning_lr.schedules import Constant
from lightning_lr.tuner import WeightDecayResult
from lightning_lr.tuner._options import LROptions, MomentumOptions

from support.models import FlatFromEpoch1, NoWeightDecayAttribute, SplitDecay, TinyModel, loader, val_loader
from support.state import seed_all
from support.trainers import DDP, trainer


class StandInOneCycle(Callback):
    """Stands in for lightning_lr.callbacks.OneCycle: owns the LR through a ScheduleLR it injected and takes
    max_lr from the range test when the user left it None."""

    def __init__(self, max_lr: float | None = None) -> None:
        self.max_lr = max_lr
        self.received: list[RangeTestResult] = []
        self.scheduler: ScheduleLR | None = None

    def on_fit_start(self, trainer: Any, pl_module: Any) -> None:
        opt = trainer.optimizers[0]
        self.scheduler = ScheduleLR(opt, lr=Constant(self.max_lr or 1e-3))

    def apply_range_test(self, result: RangeTestResult) -> None:
        self.received.append(result)
        if self.max_lr is None:
            self.max_lr = result.one_cycle_max_lr()
            assert self.scheduler is not None
            self.scheduler.set_schedule(Constant(self.max_lr))


class LRAtBatch(Callback):
    def __init__(self) -> None:
        self.lrs: list[float] = []

    def on_train_batch_start(self, trainer: Any, pl_module: Any, batch: Any, batch_idx: int) -> None:
        self.lrs.append(float(trainer.optimizers[0].param_groups[0]["lr"]))


def test_zero_configuration_with_a_schedule_callback(tmp_path: Any) -> None:
    seed_all(0)
    owner, probe = StandInOneCycle(), LRAtBatch()
    test = LRRangeTest(num_steps=30, max_lr=3.0)
    trainer(tmp_path, callbacks=[test, owner, probe], max_steps=3).fit(TinyModel(), loader())
    assert owner.received == [test.result]
    top = test.result.one_cycle_max_lr()
    assert top is not None and owner.max_lr == top
    assert probe.lrs == [top] * 3  # the running fit trains with it; the range test left the LR to the owner


def test_explicit_value_in_the_schedule_callback_wins(tmp_path: Any) -> None:
    seed_all(1)
    owner, probe = StandInOneCycle(max_lr=0.02), LRAtBatch()
    trainer(tmp_path, callbacks=[LRRangeTest(num_steps=20), owner, probe], max_steps=2).fit(
        TinyModel(), loader()
    )
    assert len(owner.received) == 1 and probe.lrs == [0.02, 0.02]


def test_tuner_hands_the_result_to_schedule_callbacks(tmp_path: Any) -> None:
    seed_all(2)
    owner = StandInOneCycle()
    t = trainer(tmp_path, callbacks=[owner])
    result = Tuner(t).lr_range_test(TinyModel(), loader(), num_steps=30, max_lr=3.0)
    assert owner.received == [result] and owner.max_lr == result.one_cycle_max_lr()


@pytest.mark.parametrize("kind", ["OneCycle", "Cyclic"])
def test_the_values_a_schedule_callback_takes_from_the_test_are_said(
    tmp_path: Any, kind: str, caplog: Any
) -> None:
    # review 47: only "set TinyModel.hparams.lr = ..." was said, and the OneCycle on the Trainer peaked at
    # about twice that without a word
    from lightning_lr.callbacks import Cyclic, OneCycle

    seed_all(2)
    with caplog.at_level("INFO"):
        result = Tuner(
            trainer(tmp_path, callbacks=[OneCycle() if kind == "OneCycle" else Cyclic()])
        ).lr_range_test(TinyModel(), loader(), num_steps=30, max_lr=3.0)
    top, bounds = result.one_cycle_max_lr(), result.cyclic_bounds()
    assert top is not None and bounds is not None
    said = f"max_lr={top:.4g}" if kind == "OneCycle" else f"base_lr={bounds[0]:.4g}, max_lr={bounds[1]:.4g}"
    assert f"{kind}: {said}, from the LR range test" in caplog.text


@pytest.mark.parametrize("kind", ["OneCycle", "Cyclic"])
def test_a_fit_in_another_trainer_takes_the_result_the_tuner_left_on_the_module(
    tmp_path: Any, kind: str, caplog: Any
) -> None:
    # review 37: Tuner(a).lr_range_test(model), then Trainer(callbacks=[OneCycle()]).fit(model) peaked at the
    # constant LR the test set on the module (0.069), where the test's own Trainer peaks at its 1cycle peak
    # (0.136); a Cyclic got half its bounds
    from lightning_lr.callbacks import Cyclic, OneCycle

    seed_all(4)
    model = TinyModel()
    result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=30, max_lr=3.0)
    s = result.suggestion()
    assert s is not None and model.hparams.lr == s

    def fit_lrs(m: Any) -> list[float]:
        probe = LRAtBatch()
        cb = OneCycle(pct_start=0.5) if kind == "OneCycle" else Cyclic(step_size=4)
        trainer(tmp_path, callbacks=[cb, probe], max_steps=10).fit(m, loader())
        return probe.lrs

    with caplog.at_level("INFO"):
        lrs = fit_lrs(model)
    if kind == "OneCycle":
        top = result.one_cycle_max_lr()
        assert top is not None and max(lrs) == pytest.approx(top) and top > 1.5 * s
        said = f"OneCycle: takes max_lr={top:.4g} from the LR range test run on TinyModel before this fit"
    else:
        bounds = result.cyclic_bounds()
        assert bounds is not None and (min(lrs), max(lrs)) == pytest.approx(bounds)
        said = f"Cyclic: takes base_lr={bounds[0]:.4g}, max_lr={bounds[1]:.4g} from the LR range test"
    assert said in caplog.text
    # review 85: it named TinyModel.lr, which the module does not have: the test set the hparam
    assert f"(it set TinyModel.hparams.lr = {s:.4g})" in caplog.text
    # the user chose another LR since: the result is not the module's any more
    model.hparams.lr = 0.01
    caplog.clear()
    with caplog.at_level("INFO"):
        lrs = fit_lrs(model)
    assert max(lrs) == pytest.approx(0.01)
    assert f"set TinyModel.hparams.lr to {s:.4g}; it is 0.01 now, so its result is not taken" in caplog.text
    # a later test without an answer leaves no earlier result behind: the module's LR is all there is
    model.hparams.lr = s
    with pytest.warns(UserWarning, match="no lr suggestion"):
        again = Tuner(trainer(tmp_path)).lr_range_test(
            model, loader(), num_steps=12, min_lr=1e-9, max_lr=1e-8
        )
    assert again.suggestions()["confirmed"] is None and model.hparams.lr == s
    assert max(fit_lrs(model)) == pytest.approx(s)


class BothPlaces(TinyModel):
    """Holds its LR as ``self.lr`` and in ``hparams.lr`` (``save_hyperparameters(); self.lr = lr``), and
    builds its optimizer from ``self.lr``."""

    def __init__(self) -> None:
        super().__init__()
        self.lr = self.hparams.lr

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(self.parameters(), lr=self.lr, momentum=0.9)


def test_a_carried_result_follows_the_module_and_the_newest_test(tmp_path: Any, caplog: Any) -> None:
    from lightning_lr.callbacks import OneCycle

    seed_all(4)
    model = BothPlaces()
    first = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=30, max_lr=3.0)
    s = first.suggestion()
    assert s is not None and model.lr == model.hparams.lr == s
    # review 39: the user sets the LR the optimizer reads (self.lr); hparams.lr still says the suggestion, and
    # the result was taken from it
    model.lr = 0.001
    probe = LRAtBatch()
    with caplog.at_level("INFO"):
        trainer(tmp_path, callbacks=[OneCycle(pct_start=0.5), probe], max_steps=10).fit(model, loader())
    assert max(probe.lrs) == pytest.approx(0.001)
    assert (
        f"set BothPlaces.lr and BothPlaces.hparams.lr to {s:.4g}; it is 0.001 now, so its result is not taken"
        in caplog.text
    )
    # review 39: a callback reused from an earlier fit kept the first test's peak where the module carries a
    # newer result
    model.lr = model.hparams.lr = 0.05
    cycle = OneCycle(pct_start=0.5)
    trainer(tmp_path, callbacks=[LRRangeTest(num_steps=30, max_lr=3.0), cycle], max_steps=10).fit(
        model, loader()
    )
    older = cycle.value("max_lr")
    model.lr = model.hparams.lr = 0.05
    newer = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=30, max_lr=0.1)
    top = newer.one_cycle_max_lr()
    assert top is not None and top <= 0.1 < older
    probe = LRAtBatch()
    trainer(tmp_path, callbacks=[cycle, probe], max_steps=10).fit(model, loader())
    assert cycle.value("max_lr") == top and max(probe.lrs) == pytest.approx(top)


def test_a_stale_result_takes_an_earlier_fits_values_with_it(tmp_path: Any, caplog: Any) -> None:
    # review 40: a callback reused from a fit that took the result, fitted again after the user changed the
    # LR, said "its result is not taken" and trained at the old peak all the same
    from lightning_lr.callbacks import OneCycle

    seed_all(4)
    model = TinyModel()
    result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=30, max_lr=3.0)
    cycle = OneCycle(pct_start=0.5)
    trainer(tmp_path, callbacks=[cycle], max_steps=10).fit(model, loader())
    top = result.one_cycle_max_lr()
    assert cycle.value("max_lr") == top
    model.hparams.lr = 0.002
    probe = LRAtBatch()
    caplog.clear()
    with caplog.at_level("INFO"):
        trainer(tmp_path, callbacks=[cycle, probe], max_steps=10).fit(model, loader())
    assert max(probe.lrs) == pytest.approx(0.002) and cycle.value("max_lr") is None
    assert (
        f"so its result is not taken (max_lr={top:.4g}, filled in an earlier fit, is dropped)" in caplog.text
    )


class DataWithLR(pl.LightningDataModule):
    """Holds the LR the module's optimizer reads (``self.trainer.datamodule.lr``)."""

    def __init__(self) -> None:
        super().__init__()
        self.lr = 0.05

    def train_dataloader(self) -> Any:
        return loader()


class ReadsDataLR(TinyModel):
    def __init__(self) -> None:
        super().__init__()
        del self.hparams["lr"]

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(self.parameters(), lr=self.trainer.datamodule.lr, momentum=0.9)


def test_a_result_the_test_set_on_the_datamodule_follows_the_datamodules_lr(
    tmp_path: Any, caplog: Any
) -> None:
    # review 40: only the module's attribute and hparams were read, so a changed datamodule LR still took it
    from lightning_lr.callbacks import OneCycle

    seed_all(4)
    model, data = ReadsDataLR(), DataWithLR()
    result = Tuner(trainer(tmp_path)).lr_range_test(model, datamodule=data, num_steps=30, max_lr=3.0)
    assert data.lr == result.suggestion()
    data.lr = 0.001
    probe = LRAtBatch()
    with caplog.at_level("INFO"):
        trainer(tmp_path, callbacks=[OneCycle(pct_start=0.5), probe], max_steps=10).fit(
            model, datamodule=data
        )
    assert max(probe.lrs) == pytest.approx(0.001)
    assert "it is 0.001 now, so its result is not taken" in caplog.text


@pytest.mark.parametrize("given", ["train_dataloaders", "val_dataloaders"])
def test_loaders_beside_a_datamodule_are_refused_in_the_tests_own_words(tmp_path: Any, given: str) -> None:
    # review 129: Lightning's fit said "You cannot pass train_dataloader or val_dataloaders to
    # trainer.fit(datamodule=...)", a call the user did not make; nothing ran
    model = TinyModel()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(ValueError) as err:
        Tuner(trainer(tmp_path)).lr_range_test(model, datamodule=DataWithLR(), **{given: loader()})
    assert str(err.value) == (
        f"LR range test: datamodule= gives the data, so {given} cannot be given beside it (got "
        f"{given}=DataLoader, datamodule=DataWithLR); pass one or the other"
    )
    assert all(torch.equal(v, before[k]) for k, v in model.state_dict().items())


def test_validation_loaders_beside_a_datamodule_given_as_train_dataloaders_are_refused(tmp_path: Any) -> None:
    # review 130: a datamodule passed as train_dataloaders (the fit's datamodule) beside val_dataloaders= still got
    # Lightning's message about trainer.fit(datamodule=...)
    with pytest.raises(ValueError) as err:
        Tuner(trainer(tmp_path)).lr_range_test(
            TinyModel(), DataWithLR(), val_dataloaders=loader(), val_loss=True
        )
    assert str(err.value) == (
        "LR range test: the datamodule given as train_dataloaders gives the data, so val_dataloaders cannot be given "
        "beside it (got val_dataloaders=DataLoader, datamodule=DataWithLR); pass one or the other"
    )


def test_a_test_at_a_later_epoch_without_an_answer_leaves_the_running_schedule_alone(tmp_path: Any) -> None:
    # review 39: a carried peak was dropped when a test at epoch 1 had no answer, so the running LR halved
    # mid-run (0.0258 -> 0.0124) and the message read "rebuilt ... with  from the range test"
    from lightning_lr.callbacks import OneCycle

    seed_all(4)
    model = TinyModel()
    result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=30, max_lr=3.0)
    top = result.one_cycle_max_lr()
    cycle, probe = OneCycle(), LRAtBatch()
    nothing = LRRangeTest(epochs=[1], num_steps=12, min_lr=1e-9, max_lr=1e-8, retry=False)
    with pytest.warns(UserWarning, match="gave no suggestion"):
        trainer(tmp_path, callbacks=[nothing, cycle, probe], max_epochs=2).fit(model, loader())
    assert cycle.value("max_lr") == top
    n = len(probe.lrs)
    np.testing.assert_allclose(probe.lrs, S.OneCycle(top, total_steps=n).values(n), rtol=1e-9)


def test_a_resumed_fit_does_not_say_it_takes_a_carried_result(tmp_path: Any, caplog: Any) -> None:
    # review 39: the info line named the carried value, and the checkpoint's won
    from lightning.pytorch.callbacks import ModelCheckpoint

    from lightning_lr.callbacks import OneCycle

    seed_all(4)
    model = TinyModel()
    Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=30, max_lr=3.0)
    cycle = OneCycle(max_lr=0.02)
    saver = ModelCheckpoint(dirpath=str(tmp_path / "ck"), every_n_train_steps=4, save_top_k=-1)
    trainer(tmp_path, callbacks=[cycle, saver], max_steps=8, enable_checkpointing=True).fit(model, loader())
    caplog.clear()
    with caplog.at_level("INFO"):
        again = OneCycle()
        trainer(tmp_path, callbacks=[again], max_steps=8, enable_checkpointing=True).fit(
            model, loader(), ckpt_path=str(tmp_path / "ck" / "epoch=0-step=4.ckpt")
        )
    assert "from the LR range test run on TinyModel before this fit" not in caplog.text
    assert again.value("max_lr") is None  # the checkpoint's run filled nothing: the optimizer's LR


def test_an_explicit_value_in_a_later_fit_is_kept_without_a_warning(tmp_path: Any) -> None:
    # the test ran for another Trainer and warned there; this fit gives max_lr itself (review 39: every
    # later fit warned "keeps max_lr=0.05 (given explicitly; ...)", not saying the value came from the module)
    from lightning_lr.callbacks import OneCycle

    seed_all(4)
    model = TinyModel()
    result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=30, max_lr=3.0)
    cycle, probe = OneCycle(max_lr=0.05, pct_start=0.5), LRAtBatch()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer(tmp_path, callbacks=[cycle, probe], max_steps=10).fit(model, loader())
    assert result.one_cycle_max_lr() != 0.05
    assert not [w for w in caught if "OneCycle" in str(w.message)]
    assert max(probe.lrs) == pytest.approx(0.05) and cycle.state_dict()["filled"] == {}


class NoLRAttribute(TinyModel):
    """Its LR lives only in configure_optimizers: no ``lr`` attribute or hparam to set."""

    def __init__(self) -> None:
        super().__init__()
        del self.hparams["lr"]

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(self.parameters(), lr=0.05, momentum=0.9)


def test_model_without_lr_attribute_gets_the_running_optimizer_scaled(tmp_path: Any) -> None:
    seed_all(3)
    test, probe = LRRangeTest(num_steps=30, max_lr=3.0), LRAtBatch()
    trainer(tmp_path, callbacks=[test, probe], max_steps=2).fit(NoLRAttribute(), loader())
    s = test.result.suggestion()
    assert probe.lrs == pytest.approx([s, s], rel=1e-12)


def test_tuner_warns_when_the_suggestion_has_nowhere_to_go(tmp_path: Any) -> None:
    seed_all(4)
    with pytest.warns(UserWarning, match="nothing was set"):
        Tuner(trainer(tmp_path)).lr_range_test(NoLRAttribute(), loader(), num_steps=30, max_lr=3.0)


class HardCodedLR(TinyModel):
    """Has the ``lr`` hparam, but its optimizer does not read it."""

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(self.parameters(), lr=0.05, momentum=0.9)


def _says_it_is_not_read(caught: Any) -> list[str]:
    return [str(w.message) for w in caught if "does not read self.lr" in str(w.message)]


def test_tuner_warns_when_configure_optimizers_ignores_the_attribute_it_set(tmp_path: Any) -> None:
    import warnings

    seed_all(5)
    model = HardCodedLR()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=30, max_lr=3.0)
    s = result.suggestion()
    # review 138: an attribute that does not set the LR is left as it was (it was set to the suggestion)
    assert s is not None and s != 0.05 and model.hparams.lr == 0.05
    (message,) = _says_it_is_not_read(caught)
    assert (
        f"the optimizers it builds have the same LRs for lr={s:.4g} as for lr=0.05 or a thousandth of it"
        in message
    )
    assert message.startswith(
        f"LR range test: HardCodedLR.hparams.lr is left at 0.05, not set to the suggestion {s:.4g}: "
        f"configure_optimizers() does not read self.lr"
    )  # review 98: "HardCodedLR.lr"
    # review 98: a second warning of the same fault ("a LR not in proportion to self.lr")
    assert not [w for w in caught if "not in proportion" in str(w.message)]
    seed_all(5)
    model = TinyModel()  # reads self.hparams.lr: no such warning
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=30, max_lr=3.0)
    assert _says_it_is_not_read(caught) == [] and model.hparams.lr != 0.05


class ReadsLearningRate(TinyModel):
    """Has an ``lr`` hparam it does not read beside the ``learning_rate`` attribute its optimizer reads."""

    def __init__(self) -> None:
        super().__init__()  # hparams.lr = 0.05, unused
        self.learning_rate = 0.01

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(self.parameters(), lr=self.learning_rate, momentum=0.9)


@pytest.mark.parametrize("entry", ["tuner", "callback"])
def test_of_lr_and_learning_rate_the_one_configure_optimizers_reads_is_set(tmp_path: Any, entry: str) -> None:
    """Review 120: ``lr`` was set (it comes first) and the fit trained at ``learning_rate``, with a warning
    whose advice named neither ``learning_rate`` nor ``attr_name``."""
    seed_all(5)
    model, probe = ReadsLearningRate(), LRAtBatch()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if entry == "tuner":
            result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=30, max_lr=3.0)
            trainer(tmp_path, callbacks=[probe], max_steps=1).fit(model, loader())
        else:
            test = LRRangeTest(num_steps=30, max_lr=3.0)
            trainer(tmp_path, callbacks=[test, probe], max_steps=1).fit(model, loader())
            result = test.result
    s = result.suggestion()
    assert s is not None and model.learning_rate == s and model.hparams.lr == 0.05
    assert probe.lrs == pytest.approx([s], rel=1e-12)
    assert not [w for w in caught if "does not read" in str(w.message)]


def test_of_lr_and_learning_rate_the_main_process_of_a_ddp_fit_sets_what_rank_0_set(tmp_path: Any) -> None:
    """Review 121: the main process's module, attached to no Trainer after a ddp_fork fit, could not build its
    optimizers to find the attribute they read, and set the unused ``lr`` where the ranks had set
    ``learning_rate``: a second fit of the model trained at the old LR."""
    seed_all(5)
    model, test = ReadsLearningRate(), LRRangeTest(num_steps=30, max_lr=3.0, confirm=False)
    trainer(tmp_path, callbacks=[test], max_steps=1, devices=2, strategy=DDP).fit(model, loader())
    s = test.result.suggestion()
    assert s is not None and model.learning_rate == s and model.hparams.lr == 0.05


class ReadOnlyLearningRate(TinyModel):
    """``lr`` as an attribute beside a ``learning_rate`` property without a setter (for logging); the
    optimizer reads neither."""

    def __init__(self) -> None:
        super().__init__()
        self.lr = 0.01

    @property
    def learning_rate(self) -> float:
        return float(self.lr)

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(self.parameters(), lr=0.05, momentum=0.9)


def test_an_attribute_that_cannot_be_set_is_not_chosen(tmp_path: Any) -> None:
    """Review 121: a property without a setter failed its probe, which counted as read, and the test raised
    "has no setter" after the whole sweep; it chooses ``lr`` and says the hook does not read it (and, since review
    138, leaves it as it was)."""
    seed_all(5)
    model = ReadOnlyLearningRate()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=30, max_lr=3.0)
    s = result.suggestion()
    # (not read: left as it was, review 138; Lightning reads the hparam of the two, and sets both)
    assert s is not None and model.hparams.lr == 0.05
    (said,) = _says_it_is_not_read(caught)
    assert said.startswith(
        "LR range test: ReadOnlyLearningRate.lr and ReadOnlyLearningRate.hparams.lr are left at 0.05"
    )


class MomentumAt(Callback):
    """The LR and momentum of the first param group at each batch of a fit."""

    def __init__(self) -> None:
        self.seen: list[tuple[float, float]] = []

    def on_train_batch_start(self, trainer: Any, pl_module: Any, batch: Any, batch_idx: int) -> None:
        g = trainer.optimizers[0].param_groups[0]
        self.seen.append((float(g["lr"]), float(g["momentum"])))


_LEFT_MOMENTUM = (
    "TinyModel.hparams.momentum is left at 0.9, not set to the suggestion {s:.4g}: configure_optimizers() reads "
    "self.momentum (or self.hparams.momentum) for the param groups' 'momentum', not for their LR"
)


def test_an_attr_name_that_does_not_set_the_lr_is_left_as_it_was_by_the_tuner(tmp_path: Any) -> None:
    """Review 138: attr_name="momentum" (read as the momentum) got the suggested LR written into it, the warning
    said configure_optimizers "does not read self.momentum", and the next fit trained at momentum 0.38."""
    seed_all(5)
    model, probe = TinyModel(), MomentumAt()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = Tuner(trainer(tmp_path)).lr_range_test(
            model, loader(), attr_name="momentum", num_steps=30, max_lr=3.0, confirm=False
        )
    s = result.suggestion()
    assert s is not None and model.hparams.momentum == 0.9 and model.hparams.lr == 0.05
    assert model.hparams_initial["momentum"] == 0.9
    (said,) = [str(w.message) for w in caught if "left at" in str(w.message)]
    assert said.startswith("LR range test: " + _LEFT_MOMENTUM.format(s=s)), said
    assert "So the next fit trains with its own LRs" in said and "attr_name=" in said
    assert not [w for w in caught if "does not read self.momentum" in str(w.message)]
    trainer(tmp_path, callbacks=[probe], max_steps=1).fit(model, loader())
    assert probe.seen == [(0.05, 0.9)]


def test_an_attr_name_that_does_not_set_the_lr_is_left_as_it_was_by_the_callback(tmp_path: Any) -> None:
    """Review 138: with the callback the fit kept momentum 0.9, but hparams.momentum (logged, checkpointed, read
    by any later fit) held the LR."""
    seed_all(5)
    model, probe = TinyModel(), MomentumAt()
    test = LRRangeTest(attr_name="momentum", num_steps=30, max_lr=3.0, confirm=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer(tmp_path, callbacks=[test, probe], max_steps=2).fit(model, loader())
    s = test.result.suggestion()
    assert s is not None and model.hparams.momentum == 0.9 and model.hparams_initial["momentum"] == 0.9
    (said,) = [str(w.message) for w in caught if "left at" in str(w.message)]
    assert _LEFT_MOMENTUM.format(s=s) in said
    assert "this fit's LRs are scaled to the suggestion, and the next fit trains with its own LRs" in said
    # this fit trains at the answer, at its own momentum
    assert [lr for lr, _ in probe.seen] == pytest.approx([s, s], rel=1e-12)
    assert [m for _, m in probe.seen] == [0.9, 0.9]


def test_an_attr_name_that_does_not_set_the_lr_is_left_beside_a_schedule_callback(
    tmp_path: Any, caplog: Any
) -> None:
    """Review 138: a callback that takes the answer owns the LR; the attribute was set all the same."""
    seed_all(2)
    owner, model = StandInOneCycle(), TinyModel()
    with caplog.at_level("INFO"):
        result = Tuner(trainer(tmp_path, callbacks=[owner])).lr_range_test(
            model, loader(), attr_name="momentum", num_steps=30, max_lr=3.0
        )
    assert owner.received == [result] and model.hparams.momentum == 0.9
    assert "StandInOneCycle took the answer" in caplog.text and "left at 0.9" in caplog.text


def test_a_resume_leaves_an_attr_name_that_does_not_set_the_lr(tmp_path: Any) -> None:
    """Review 138: a resume that does not test again sets the model's attribute as the run did; the run left
    one that does not set the LR as it was, and so does the resume."""
    seed_all(5)
    test = LRRangeTest(attr_name="momentum", num_steps=30, max_lr=3.0, confirm=False)
    first = trainer(tmp_path, callbacks=[test], max_steps=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first.fit(TinyModel(), loader())
    assert test.result is not None and test.result.suggestion() is not None
    first.save_checkpoint(tmp_path / "one.ckpt")
    again, model = LRRangeTest(attr_name="momentum", num_steps=30, max_lr=3.0, confirm=False), TinyModel()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trainer(tmp_path, callbacks=[again], max_steps=2).fit(
            model, loader(), ckpt_path=tmp_path / "one.ckpt"
        )
    assert again.result == test.result and model.hparams.momentum == 0.9


def test_a_resume_keeps_the_lr_of_the_last_test_that_answered(tmp_path: Any) -> None:
    """Review 166: with epochs=[0, 1] and no answer at epoch 1, the run kept epoch 0's suggestion, and a resume
    put the attribute back to its value before the tests (the last result had no suggestion)."""
    seed_all(5)
    test = LRRangeTest(num_steps=20, max_lr=3.0, confirm=False, epochs=[0, 1])
    first = trainer(tmp_path, callbacks=[test], max_epochs=2)
    model = FlatFromEpoch1(lr=0.01)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first.fit(model, loader())
    answered = test.results[0].suggestion()
    assert answered is not None and test.results[1].suggestion() is None and model.hparams.lr == answered
    first.save_checkpoint(tmp_path / "two.ckpt")
    again, resumed = (
        LRRangeTest(num_steps=20, max_lr=3.0, confirm=False, epochs=[0, 1]),
        FlatFromEpoch1(lr=0.01),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trainer(tmp_path, callbacks=[again], max_epochs=3).fit(
            resumed, loader(), ckpt_path=tmp_path / "two.ckpt"
        )
    assert resumed.hparams.lr == answered


class ClampedLR(TinyModel):
    """Reads ``self.hparams.lr`` below a clamp only: ``min(lr, 0.01)``."""

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(self.parameters(), lr=min(self.hparams.lr, 0.01), momentum=0.9)


def test_a_clamp_on_the_attribute_is_said_once(tmp_path: Any) -> None:
    """Review 99: a hook that reads the attribute below a clamp was said by neither warning (two probes above
    the clamp took it for one that never reads it, and the attribute did change its LRs from the old value)."""
    seed_all(5)
    model = ClampedLR(lr=0.001)  # (below the clamp: the hook reads it)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=30, max_lr=3.0)
    s = result.suggestion()
    assert s is not None and s > 0.01, s  # (above the clamp, or there is nothing to say)
    said = [str(w.message) for w in caught if "self.lr" in str(w.message)]
    assert len(said) == 1 and f"not in proportion to self.lr (0.01 for lr={s:.4g}" in said[0], said


@pytest.mark.parametrize("start", [0.005, "the suggestion"])
def test_a_clamp_at_the_fits_start_trains_this_fit_at_the_answer_and_says_so(
    tmp_path: Any, caplog: Any, start: Any
) -> None:
    """Review 100: LRRangeTest at the fit's start on min(self.lr, 0.01) trained at the clamp while the one warning
    spoke of the next fit; and an attribute that already held the suggestion was said by no warning (a build
    compared with itself)."""
    seed_all(5)
    first = LRRangeTest(num_steps=30, max_lr=3.0)
    trainer(tmp_path, callbacks=[first], max_steps=1).fit(ClampedLR(lr=0.005), loader())
    assert first.result is not None
    s = first.result.suggestion()
    assert s is not None and s > 0.01
    seed_all(5)
    model, probe = ClampedLR(lr=0.005 if start == 0.005 else s), LRAtBatch()
    with warnings.catch_warnings(record=True) as caught, caplog.at_level("INFO"):
        warnings.simplefilter("always")
        trainer(tmp_path, callbacks=[LRRangeTest(num_steps=30, max_lr=3.0), probe], max_steps=2).fit(
            model, loader()
        )
    said = [str(w.message) for w in caught if "self.lr" in str(w.message)]
    assert len(said) == 1 and f"not in proportion to self.lr (0.01 for lr={s:.4g}" in said[0], said
    assert "so this fit's LRs are scaled to it; the next fit trains at its own" in caplog.text
    assert probe.lrs == pytest.approx([s, s], rel=1e-9)


def test_a_test_inside_the_fit_warns_that_the_next_fit_ignores_the_attribute(tmp_path: Any) -> None:
    """A later epoch's test scales this fit's LRs to the answer; the attribute it set is not read by
    configure_optimizers, so the next fit trains at its own LR: said (it was unsaid once the duplicate
    "not in proportion" warning went, review 98)."""
    seed_all(5)
    test = LRRangeTest(num_steps=30, max_lr=3.0, epochs=[1], confirm=False, method="valley")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer(tmp_path, callbacks=[test], max_epochs=2).fit(HardCodedLR(), loader())
    s = test.results[1].suggestion("valley")
    (message,) = _says_it_is_not_read(caught)
    assert s is not None and message.startswith(
        f"LR range test: HardCodedLR.hparams.lr is left at 0.05, not set to the suggestion {s:.4g}"
    )
    assert "this fit's LRs are scaled to the suggestion, and the next fit trains with its own LRs" in message


class HardCodedWeightDecay(TinyModel):
    """Has the ``weight_decay`` hparam, but its optimizer does not read it."""

    def configure_optimizers(self) -> Any:
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr, weight_decay=0.3)


@pytest.mark.parametrize(
    ("model", "says"),
    [
        (NoWeightDecayAttribute, "has no attribute or hparam 'weight_decay': nothing was set"),
        (HardCodedWeightDecay, "does not read self.weight_decay"),
        (lambda: TinyModel(optimizer="adamw"), None),
    ],
    ids=["no attribute", "not read", "read"],
)
def test_tuner_says_where_the_best_weight_decay_does_not_reach_the_next_fit(
    tmp_path: Any, model: Any, says: str | None
) -> None:
    # before: the weight-decay sweep's best was dropped without a word where the module has no weight_decay,
    # and the next fit trained the LR found for one weight decay with another
    import warnings

    seed_all(6)
    module = model()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = Tuner(trainer(tmp_path)).lr_range_test(
            module, loader(), num_steps=20, confirm=False, weight_decays=[0.05, 30.0], min_lr=1e-3, max_lr=3.0
        )
    assert result.best_weight_decay == 0.05  # (review 123: 0.05 and 0.1 lie within the noise: none is set)
    told = [
        str(w.message) for w in caught if "weight_decay" in str(w.message) and _EDGE not in str(w.message)
    ]
    if says is None:
        assert told == [] and module.hparams.weight_decay == result.best_weight_decay
    else:
        (message,) = told
        assert says in message and f"{result.best_weight_decay:g}" in message


class ClampedWeightDecay(TinyModel):
    """Reads its ``weight_decay`` hparam below a cap only: ``min(weight_decay, 0.02)``."""

    def configure_optimizers(self) -> Any:
        wd = min(self.hparams.weight_decay, 0.02)
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr, weight_decay=wd)


@pytest.mark.parametrize(
    ("model", "says"),
    [
        (
            lambda: HardCodedWeightDecay(optimizer="adamw", weight_decay=0.05),
            "does not read self.weight_decay",
        ),
        (
            lambda: ClampedWeightDecay(optimizer="adamw", weight_decay=0.1),
            "not in proportion to self.weight_decay",
        ),
    ],
    ids=["not read, already at the best", "read below a cap only"],
)
def test_the_weight_decay_is_probed_as_the_lr_is(tmp_path: Any, model: Any, says: str) -> None:
    # the weight-decay path compared a build at the old value with one at the best: a hook that ignores the
    # attribute, already at the best value, was taken as reading it (no warning, and the next fit trained at
    # the 0.3 it hard-codes), and a cap below both values was said to be "not read". The LR path probes a
    # thousandth of the value too (review 100); so does the weight decay's now
    import warnings

    seed_all(6)
    module = model()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = Tuner(trainer(tmp_path)).lr_range_test(
            module, loader(), num_steps=20, confirm=False, weight_decays=[0.05], max_lr=3.0
        )
    told = [
        str(w.message) for w in caught if "weight_decay" in str(w.message) or "weight decay" in str(w.message)
    ]
    assert result.best_weight_decay == 0.05
    (message,) = told
    assert says in message and "0.05" in message


class ZeroDecayNoAttribute(TinyModel):
    """SGD at weight decay 0 and no ``weight_decay`` attribute or hparam: ``self.parameters()`` in one group
    (matrices, biases and BatchNorm scales together), or with ``apart`` the matrices in one group and the
    biases and norm scales in another. ``decays``: the groups' weight decays at each training step."""

    def __init__(self, apart: bool = False) -> None:
        super().__init__(dropout=0.0)
        del self.hparams["weight_decay"]
        self.apart = apart
        self.decays: list[list[float]] = []

    def configure_optimizers(self) -> Any:
        params: Any = self.parameters()
        if self.apart:
            params = [
                {"params": [p for p in self.parameters() if p.ndim >= 2]},
                {"params": [p for p in self.parameters() if p.ndim < 2]},
            ]
        return torch.optim.SGD(params, lr=self.hparams.lr, momentum=0.9)

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        self.decays.append([float(g["weight_decay"]) for g in self.optimizers().param_groups])
        return super().training_step(batch, batch_idx)


class FitDecays(Callback):
    """The weight decays of the optimizer's groups at the fit's first training batch (after a test at fit
    start); with ``out``, written to ``<out>/decays<rank>.json``."""

    def __init__(self, out: str | None = None) -> None:
        self.out = out
        self.decays: list[float] | None = None

    def on_train_batch_start(self, trainer: Any, pl_module: Any, batch: Any, batch_idx: int) -> None:
        if self.decays is None:
            self.decays = [float(g["weight_decay"]) for g in trainer.optimizers[0].param_groups]
            if self.out is not None:
                with open(os.path.join(self.out, f"decays{trainer.global_rank}.json"), "w") as f:
                    json.dump(self.decays, f)


_BIASES_DECAYED = "biases or norm scales"
#: the warning of a best weight decay at the edge of those swept
_EDGE = "of those swept"
#: weight decays the sweeps of TinyModel's kin tell apart (0.05 and 0.1 lie within their noise: review 123), and
#: a range that puts their 10 steps close enough (0.22 decades) to measure the noise
_APART = {"weight_decays": [0.05, 30.0], "min_lr": 0.02, "max_lr": 3.0}
_FIT_SET = "this fit's param groups are set to it"


@pytest.mark.parametrize("entry", ["tuner", "callback"])
@pytest.mark.parametrize("apart", [False, True], ids=["one group", "biases apart"])
def test_a_weight_decay_sweep_on_a_module_without_weight_decay(
    tmp_path: Any, entry: str, apart: bool
) -> None:
    # review 114: the Tuner warned that nothing was set and the fit trained at 0, the callback set the best on
    # the running groups without a word; in both the sweeps decayed the biases and norm scales of a group that
    # holds a matrix too, without the warning the docs promised. Now: the sweeps' split says where it decays
    # biases (once, not once per weight decay), the Tuner sets nothing and says so, the callback, which owns
    # the fit, sets the running groups as the sweep split them and says so
    seed_all(6)
    module = ZeroDecayNoAttribute(apart=apart)
    seen = FitDecays()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if entry == "tuner":
            result = Tuner(trainer(tmp_path)).lr_range_test(
                module, loader(), num_steps=10, confirm=False, **_APART
            )
            trainer(tmp_path, max_steps=1, callbacks=[seen]).fit(module, loader())
        else:
            test = LRRangeTest(num_steps=10, confirm=False, **_APART)
            trainer(tmp_path, max_steps=1, callbacks=[test, seen]).fit(module, loader())
            result = test.result
    assert result is not None and result.suggestion() is not None
    best = result.best_weight_decay
    assert best == 0.05
    told = [str(w.message) for w in caught if "weight decay" in str(w.message)]
    # each sweep: the matrices at the swept value, biases and norm scales too where they share their group
    assert module.decays[0] == ([0.05, 0.0] if apart else [0.05])
    assert module.decays[10] == ([30.0, 0.0] if apart else [30.0])
    biases = [m for m in told if _BIASES_DECAYED in m]
    if apart:
        assert biases == []
    else:
        (said,) = biases
        assert "param group 0 holds biases or norm scales (net.0.bias, net.1.weight, net.1.bias, ...)" in said
        assert "they are decayed too" in said and "a param group of their own with weight_decay=0" in said
    (applied,) = [m for m in told if f"best weight decay is {best:g}" in m]
    assert "has no attribute or hparam 'weight_decay'" in applied
    if entry == "tuner":  # its fit builds the optimizer again from configure_optimizers, at 0
        assert "nothing was set" in applied and seen.decays == ([0.0, 0.0] if apart else [0.0])
    else:  # the fit the test ran in trains at the best, split as it was swept
        assert _FIT_SET in applied and seen.decays == ([best, 0.0] if apart else [best])
    assert "weight_decay" not in module.hparams and not hasattr(module, "weight_decay")


def test_the_callback_says_where_configure_optimizers_does_not_read_the_weight_decay(tmp_path: Any) -> None:
    # review 114: as the Tuner says it (test_tuner_says_where_the_best_weight_decay_does_not_reach_the_next_fit);
    # the callback set the running groups to the best without a word
    seed_all(6)
    module = HardCodedWeightDecay(optimizer="adamw")
    seen = FitDecays()
    test = LRRangeTest(num_steps=20, confirm=False, weight_decays=[0.05, 30.0], min_lr=1e-3, max_lr=3.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer(tmp_path, max_steps=1, callbacks=[test, seen]).fit(module, loader())
    assert test.result is not None
    best = test.result.best_weight_decay
    assert best == 0.05
    (said,) = [str(w.message) for w in caught if "does not read self.weight_decay" in str(w.message)]
    assert said.startswith(f"LR range test: set HardCodedWeightDecay.weight_decay = {best:g}, but")
    assert "this fit's param groups are set to the sweep's best, and the next fit trains with its own" in said
    assert seen.decays == [best]


@pytest.mark.ddp
def test_under_ddp_the_callback_sets_every_ranks_groups_and_rank_zero_says_it(tmp_path: Any) -> None:
    from support.recording import WarningsPerRank

    seed_all(6)
    test = LRRangeTest(num_steps=10, confirm=False, **_APART)
    t = trainer(
        tmp_path,
        devices=2,
        strategy=DDP,
        max_steps=1,
        callbacks=[test, FitDecays(str(tmp_path)), WarningsPerRank(str(tmp_path))],
    )
    t.fit(ZeroDecayNoAttribute(), loader(n=128))
    told = [json.loads((tmp_path / f"warnings{r}.json").read_text()) for r in (0, 1)]
    decays = [json.loads((tmp_path / f"decays{r}.json").read_text()) for r in (0, 1)]
    assert test.result is not None
    best = test.result.best_weight_decay
    assert best is not None and decays == [[best], [best]]  # every rank trains at the best
    for text in (_BIASES_DECAYED, _FIT_SET):  # said once, by rank 0
        assert len([m for m in told[0] if text in m]) == 1
        assert [m for m in told[1] if text in m] == []


@pytest.mark.parametrize("start", [0.01, 0.0], ids=["a split configured", "every group at 0"])
def test_a_split_weight_decay_is_swept_and_set_with_its_ratios(tmp_path: Any, start: float) -> None:
    # review 57: every decaying group got the swept value, and the attribute was set to it: the test tried
    # (wd, wd) and the next fit trained (wd, 10 * wd). Review 59: with the module's weight_decay at 0 every
    # group is at 0, so there was no split to read: it swept both matrices at the value, and the candidates
    # too; the split is now what configure_optimizers builds for the swept value
    seed_all(6)
    module = SplitDecay(weight_decay=start)
    seen = module.decays
    result = Tuner(trainer(tmp_path)).lr_range_test(
        module, loader(), num_steps=10, confirm_steps=5, weight_decays=[0.05, 5.0], min_lr=0.02, max_lr=3.0
    )
    assert result.confirmation is not None and len(seen) > 20  # two sweeps of 10 steps, then the candidates
    # each sweep, and the candidates of the best: the largest group at the swept value, the other at its tenth
    swept = {0.05: [0.005, 0.05, 0.0], 5.0: [0.5, 5.0, 0.0]}
    assert seen[0] == pytest.approx(swept[0.05]) and seen[10] == pytest.approx(swept[5.0])
    best = result.best_weight_decay
    assert best == 0.05
    assert all(s == pytest.approx(swept[best]) for s in seen[20:])
    assert module.hparams.weight_decay == pytest.approx(best / 10, rel=1e-9)  # what gives the group `best`
    assert [g["weight_decay"] for g in module.configure_optimizers().param_groups] == pytest.approx(
        [best / 10, best, 0.0], rel=1e-9
    )


class _Hooked(SplitDecay):
    """``SplitDecay``'s split, built by a hook that keeps its optimizer on the module, and that (``kind``)
    lists the groups in another order, refuses a weight decay of 0.5 or more, or has a read-only
    ``weight_decay``."""

    def __init__(self, kind: str) -> None:
        super().__init__(weight_decay=0.0)
        self.kind = kind

    def configure_optimizers(self) -> Any:
        if self.kind == "refuses" and self.hparams.weight_decay >= 0.5:
            raise ValueError("weight_decay must be < 0.5")
        opt = super().configure_optimizers()
        if self.kind == "clamps":  # the last layer's 10 * wd at most 0.2
            opt.param_groups[1]["weight_decay"] = min(opt.param_groups[1]["weight_decay"], 0.2)
        if self.kind == "reordered" and self.hparams.weight_decay > 0:  # at 0 in the module's order
            opt.param_groups.reverse()
        self.kept = opt  # a hook that keeps what it built
        return opt


class _ReadOnly(_Hooked):
    @property
    def weight_decay(self) -> float:
        return 0.0


@pytest.mark.parametrize("kind", ["split", "reordered", "refuses"])
def test_a_split_is_read_at_the_swept_value_and_the_module_left_as_it_was(kind: str) -> None:
    # review 63: read at weight_decay=1, a hook that refuses large values was swept as (v, v), groups in
    # another order were not recognised, and the module kept the hook's throwaway optimizer
    from lightning_lr.tuner._decay_split import split

    module = _Hooked(kind)
    module.trainer = pl.Trainer(logger=False, enable_progress_bar=False)  # the hook is called as in a fit
    groups = module.configure_optimizers().param_groups  # every group at 0
    kept = module.kept
    ratios = split(module, groups, 0.05)
    assert ratios == pytest.approx((0.1, 1.0, 0.0))  # in the order of `groups`
    assert module.kept is kept and module.hparams.weight_decay == 0.0  # put back


@pytest.mark.parametrize(("kind", "swept"), [("refuses", 0.5), ("clamps", 0.1)])
def test_a_split_is_swept_as_the_next_fit_trains_it(tmp_path: Any, kind: str, swept: float) -> None:
    # review 64: read at weight_decay=value, ten times the setting that gives the last layer `value`, a hook
    # that refuses weight_decay >= 0.5 was swept (v, v), and one that clamps the last layer at 0.2 was swept
    # (0.05, 0.1), a split no setting gives; the setting is now found as the answer is applied
    seed_all(6)
    module = _Hooked(kind)
    seen = module.decays
    Tuner(trainer(tmp_path)).lr_range_test(
        module, loader(), num_steps=10, confirm=False, weight_decays=[swept], max_lr=3.0
    )
    assert seen[0] == pytest.approx([swept / 10, swept, 0.0])
    assert module.hparams.weight_decay == pytest.approx(swept / 10)
    module.kind = "split"  # (no longer refusing, so the groups can be read back)
    assert [g["weight_decay"] for g in module.configure_optimizers().param_groups] == pytest.approx(seen[0])


def test_a_split_that_configure_optimizers_cannot_tell_falls_back_to_matrices_alone() -> None:
    # no module to ask: matrices at the value, biases and norms at 0; a module whose hook cannot tell (other
    # groups than the optimizer's, a weight_decay that cannot be set) the same, with a warning
    from lightning_lr.tuner._decay_split import split

    module = _Hooked("split")
    module.trainer = pl.Trainer(logger=False, enable_progress_bar=False)
    groups = module.configure_optimizers().param_groups
    assert split(None, groups, 0.05) == (1.0, 1.0, 0.0)
    with pytest.warns(
        UserWarning, match=r"for a weight decay > 0 it builds other param groups than the optimizer has"
    ):
        assert split(module, groups[:2], 0.05) == (1.0, 1.0)
    read_only = _ReadOnly("split")
    read_only.trainer = module.trainer
    with pytest.warns(UserWarning, match=r"setting weight_decay and calling it raised AttributeError"):
        assert split(read_only, read_only.configure_optimizers().param_groups, 0.05) == (1.0, 1.0, 0.0)


def test_the_fallback_split_says_which_groups_decay_their_biases_too() -> None:
    # review 114: the docs promised biases and norm scales stay at 0 where the split cannot be told, but a
    # param group has one weight decay, and a group holding them beside a matrix decayed them without a word
    from lightning_lr.tuner._decay_split import split

    read_only = _ReadOnly("split")
    read_only.trainer = pl.Trainer(logger=False, enable_progress_bar=False)
    one = [{"params": list(read_only.parameters()), "weight_decay": 0.0}]  # SGD(self.parameters())
    with pytest.warns(UserWarning, match=r"cannot be read from configure_optimizers") as said:
        assert split(read_only, one, 0.05) == (1.0,)
    (message,) = [str(w.message) for w in said]
    assert (
        "(param group 0 holds biases or norm scales (net.0.bias, net.1.weight, net.1.bias, ...), decayed"
        in message
    )
    # no weight_decay: said unless quiet (another weight decay of the test said it)
    bare = ZeroDecayNoAttribute()
    one = bare.configure_optimizers().param_groups
    with pytest.warns(UserWarning, match=r"param group 0 holds biases or norm scales \(net.0.bias, "):
        assert split(bare, one, 0.05) == (1.0,)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert split(bare, one, 0.05, quiet=True) == (1.0,)
        assert split(bare, one, 0.0) == (1.0,)  # nothing is decayed at 0
        bare.apart = True  # biases and norm scales in a group of their own: nothing to say
        assert split(bare, bare.configure_optimizers().param_groups, 0.05) == (1.0, 0.0)


def test_tuner_says_val_dataloaders_are_not_read_without_val_loss(tmp_path: Any) -> None:
    seed_all(7)
    with pytest.warns(
        UserWarning, match=r"val_dataloaders are not used: the test reads the training loss"
    ) as said:
        Tuner(trainer(tmp_path)).lr_range_test(
            TinyModel(), loader(), val_dataloaders=val_loader(), num_steps=10, confirm=False
        )
    # it points at the call (it pointed inside lightning_lr, at the keyword check's wrapper)
    assert [w.filename for w in said if "val_dataloaders" in str(w.message)] == [__file__]


@pytest.mark.parametrize("apply", [True, False])
def test_tuner_says_an_lr_range_test_callback_on_the_trainer_will_replace_its_answer(
    tmp_path: Any, apply: bool
) -> None:
    # review 122: the Tuner applied 0.00336, the Trainer's LRRangeTest tested again at fit and set 0.00127, and
    # nothing said so (the Tuner's steps were thrown away)
    seed_all(7)
    model = TinyModel()
    callback = LRRangeTest(confirm=False, num_steps=10, epochs=[0, 2], apply=apply)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = Tuner(trainer(tmp_path, callbacks=[callback])).lr_range_test(
            model, loader(), num_steps=10, confirm=False
        )
    said = [w for w in caught if "also holds an LRRangeTest" in str(w.message)]
    assert callback.result is None and model.hparams.lr == result.suggestion()  # idle in the Tuner's fit
    if not apply:  # it applies nothing: nothing to replace
        assert said == []
        return
    (w,) = said
    assert w.filename == __file__ and "tests again at the start of epochs 0, 2 and applies its own" in str(
        w.message
    )
    # the Tuner's own apply=False applies nothing: nothing is replaced either
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Tuner(trainer(tmp_path, callbacks=[callback])).lr_range_test(
            TinyModel(), loader(), num_steps=10, confirm=False, apply=False
        )
    assert not any("also holds" in str(w.message) for w in caught)


def test_val_batches_beyond_the_validation_data_are_said(tmp_path: Any) -> None:
    seed_all(8)
    with pytest.warns(UserWarning, match=r"val_batches=50, but the validation dataloader yields 2 batches"):
        result = Tuner(trainer(tmp_path)).lr_range_test(
            TinyModel(),
            loader(),
            val_dataloaders=val_loader(n=64),
            num_steps=10,
            confirm=False,
            val_loss=True,
            val_batches=50,
        )
    assert result.val_loss


def test_the_default_val_batches_beyond_the_validation_data_are_said_without_a_warning(
    tmp_path: Any, caplog: Any
) -> None:
    # review 98: every val_loss=True run on a short validation loader warned of val_batches=5, a number the
    # user never gave
    seed_all(8)
    with warnings.catch_warnings(record=True) as caught, caplog.at_level("INFO"):
        warnings.simplefilter("always")
        Tuner(trainer(tmp_path)).lr_range_test(
            TinyModel(),
            loader(),
            val_dataloaders=val_loader(n=64),
            num_steps=10,
            confirm=False,
            val_loss=True,
        )
    assert not [w for w in caught if "val_batches" in str(w.message)]
    assert "val_batches=5, but the validation dataloader yields 2 batches" in caplog.text


def test_val_loss_reads_no_more_batches_than_limit_val_batches_leaves(tmp_path: Any, caplog: Any) -> None:
    # review 30: val_loss=True read val_batches=5 batches at each point with limit_val_batches=2
    seed_all(8)
    model = TinyModel()
    calls = []
    step = model.validation_step
    model.validation_step = lambda batch, i: calls.append(i) or step(batch, i)  # type: ignore[method-assign]
    with caplog.at_level("INFO"):
        result = Tuner(trainer(tmp_path, limit_val_batches=2)).lr_range_test(
            model,
            loader(),
            val_dataloaders=val_loader(n=128),
            num_steps=10,
            max_lr=1e-2,
            confirm=False,
            val_loss=True,
            early_stop_threshold=None,
            retry=False,
        )
    assert len(result) == 10 and calls == [0, 1] * 10
    assert "val_batches=5, but the Trainer's limit_val_batches leaves 2" in caplog.text


class PlainLRAttribute(TinyModel):
    """Holds its LR in a plain attribute ``self.lr``; the saved hyperparameters have no ``lr``."""

    def __init__(self) -> None:
        super().__init__()
        self.lr = 0.05

    def save_hyperparameters(self, *args: Any, **kwargs: Any) -> None:
        caller = inspect.currentframe()
        assert caller is not None
        super().save_hyperparameters(*args, ignore=["lr"], frame=caller.f_back, **kwargs)

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(self.parameters(), lr=self.lr, momentum=0.9)


def test_the_next_fit_logs_the_lr_the_tuner_applied(tmp_path: Any) -> None:
    from lightning.pytorch.core.saving import load_hparams_from_yaml
    from lightning.pytorch.loggers import CSVLogger

    seed_all(7)
    model = TinyModel()
    result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=30, max_lr=3.0)
    s = result.suggestion()
    assert s is not None and s != 0.05 and model.hparams_initial["lr"] == s and model.hparams.lr == s
    logger = CSVLogger(tmp_path, name="after")
    trainer(tmp_path, logger=logger, max_steps=1).fit(model, loader())
    assert load_hparams_from_yaml(f"{logger.log_dir}/hparams.yaml")["lr"] == s  # was the constructor's 0.05
    seed_all(7)
    plain = PlainLRAttribute()
    Tuner(trainer(tmp_path)).lr_range_test(plain, loader(), num_steps=30, max_lr=3.0)
    assert plain.lr != 0.05 and "lr" not in plain.hparams_initial  # nothing added where nothing was saved


def test_the_callback_scales_an_optimizer_that_ignores_the_attribute_it_set(tmp_path: Any) -> None:
    seed_all(6)
    test, probe = LRRangeTest(num_steps=30, max_lr=3.0), LRAtBatch()
    model = HardCodedLR()
    with pytest.warns(UserWarning, match=r"configure_optimizers\(\) does not read self.lr .* scaled to the"):
        trainer(tmp_path, callbacks=[test, probe], max_steps=2).fit(model, loader())
    s = test.result.suggestion()
    assert probe.lrs == pytest.approx([s, s], rel=1e-12)  # the fit trains with the suggestion anyway
    assert model.hparams.lr == 0.05  # (review 138: the attribute that does not set the LR is left as it was)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"min_lr": 1.0, "max_lr": 0.1},
            ValueError,
            r"min_lr must be < max_lr, got min_lr=1.0 and max_lr=0.1",
        ),
        ({"min_lr": 0.1, "max_lr": 0.1}, ValueError, r"min_lr must be < max_lr"),
        # review 108: bounds whose ratio overflows named ExponentialDecay's gamma (the callback's at fit)
        (
            {"min_lr": 5e-324, "num_steps": 8},
            ValueError,
            r"max_lr / min_lr must be at most 1.798e\+308 \(the largest float64\), so that the exponential sweep's "
            r"factor per step, \(max_lr / min_lr\) \*\* \(1 / \(num_steps - 1\)\), is finite, got min_lr=5e-324, "
            r"max_lr=10.0 and num_steps=8 \(with retry=True, a second try sweeps 24\), where max_lr / min_lr "
            r"overflows to inf; raise min_lr or lower max_lr, or sweep with mode='linear'$",
        ),
        (
            {"min_lr": 1e-300, "max_lr": 1e10, "num_steps": 8, "retry": False},
            ValueError,
            r"max_lr / min_lr must be at most .* got min_lr=1e-300, max_lr=10000000000.0 and num_steps=8, where",
        ),
        # and bounds a rounding apart swept one LR again and again, refused as the result's lrs after the sweep
        (
            {"min_lr": 1.0, "max_lr": 1.0000000000000004},
            ValueError,
            r"min_lr and max_lr must lie far enough apart for num_steps that every step of the sweep has its own "
            r"LR, at least 2\*\*-48 .* got min_lr=1.0, max_lr=1.0000000000000004 and num_steps=100 \(with "
            r"retry=True, a second try sweeps 300\), where the LR grows 0 of itself per step",
        ),
        (
            {"min_lr": 1.0, "max_lr": 1.000000000001, "mode": "linear"},
            ValueError,
            r"min_lr and max_lr must lie far enough apart .* a second try sweeps 300\), where the LR grows 3.34e-15",
        ),
        ({"min_lr": 0.0}, ValueError, r"min_lr must be > 0, got 0.0"),
        ({"max_lr": -1.0}, ValueError, r"max_lr must be > 0, got -1.0"),
        ({"min_lr": float("nan")}, ValueError, r"min_lr must be a finite number > 0, got nan"),
        ({"min_lr": "1e-3"}, TypeError, r"min_lr must be a finite number > 0, got '1e-3'"),
        ({"num_steps": 4}, ValueError, r"num_steps must be an integer >= 5 .*got 4"),
        ({"num_steps": 10.0}, TypeError, r"num_steps must be an integer >= 5 .*got 10.0"),
        ({"mode": "log"}, ValueError, r"mode must be one of 'exponential', 'linear', got 'log'"),
        ({"mode": 1}, TypeError, r"mode must be one of 'exponential', 'linear', got 1"),  # a wrong type
        ({"method": 3}, TypeError, r"method must be one of 'confirmed', .* or None, got 3"),
        ({"smoothing": 1.0}, ValueError, r"smoothing must be in \[0, 1\), got 1.0"),
        ({"early_stop_threshold": 1.0}, ValueError, r"early_stop_threshold must be > 1 .*got 1.0"),
        (
            {"method": "best"},
            ValueError,
            r"method must be one of 'confirmed', 'valley', 'steepest', 'minimum', 'slide' or None, got 'best'",
        ),
        # a misspelling or a peer's short name is asked about (r194: the list alone)
        (
            {"method": "steep"},
            ValueError,
            r"method must be one of 'confirmed', 'valley', 'steepest', 'minimum', 'slide' or None, got 'steep': did "
            r"you mean 'steepest'\?$",
        ),
        (
            {"method": "vally"},
            ValueError,
            r"method must be .* or None, got 'vally': did you mean 'valley'\?$",
        ),
        (
            {"mode": "exp"},
            ValueError,
            r"mode must be one of 'exponential', 'linear', got 'exp': did you mean 'exponential'\?$",
        ),
        ({"mode": "cos"}, ValueError, r"mode must be one of 'exponential', 'linear', got 'cos'$"),
        ({"val_batches": 0}, ValueError, r"val_batches must be an integer >= 1, got 0"),
        (
            {"weight_decays": []},
            ValueError,
            r"weight_decays must be a non-empty list of numbers >= 0 or None, got \[\]",
        ),
        ({"weight_decays": [0.1, -1]}, ValueError, r"weight_decays\[1\] must be >= 0, got -1"),
        (
            {"weight_decays": [0.1, 0.1]},
            ValueError,
            r"weight_decays must be distinct numbers >= 0, got \[0.1, 0.1\]",
        ),
        ({"weight_decays": 0.1}, TypeError, r"weight_decays must be a list of numbers >= 0 or None, got 0.1"),
        ({"apply": "yes"}, TypeError, r"apply must be True or False, got 'yes'"),
        ({"progress_bar": 1}, TypeError, r"progress_bar must be True or False or None, got 1"),
        (
            {"attr_name": ""},
            ValueError,
            r"attr_name must be a non-empty string \(None looks the attribute up",
        ),
        ({"val_key": None}, TypeError, r"val_key must be a non-empty string"),
        (
            {"snapshot": "gpu"},
            ValueError,
            r"snapshot must be one of 'device', 'host', 'auto', got 'gpu'",
        ),
        # a setting the other options switch off would be ignored
        (
            {"confirm": False, "confirm_steps": 50},
            ValueError,
            r"confirm_steps must be 80 \(the default\) with confirm=False: only the confirmation stage uses it, "
            r"got 50",
        ),
        (
            {"val_batches": 3},
            ValueError,
            r"val_batches must be 5 \(the default\) with val_loss=False: .*got 3",
        ),
        (
            {"val_key": "my_val"},
            ValueError,
            r"val_key must be 'val_loss' \(the default\) with val_loss=False: only val_loss=True reads "
            r"validation data, got 'my_val'",
        ),
        (
            {"apply": False, "attr_name": "nope"},
            ValueError,
            r"attr_name must be None \(the default\) with apply=False: only applying the suggestion sets it",
        ),
    ],
)
def test_bad_options_are_named_with_their_value(kwargs: dict[str, Any], error: type, match: str) -> None:
    # each entry point names itself, as every callback and schedule does (the Tuner's did not)
    with pytest.raises(error, match="^LRRangeTest: " + match):
        LRRangeTest(**kwargs)
    with pytest.raises(error, match=r"^Tuner\.lr_range_test: " + match):
        Tuner(trainer("unused")).lr_range_test(TinyModel(), loader(), **kwargs)


def test_options_take_one_element_tensors_and_numpy_flags_as_the_python_values_they_hold(
    tmp_path: Any,
) -> None:
    # review 122: a 0-d tensor was refused ("min_lr must be a finite number > 0, got tensor(1.0000e-05)"), a 1-d
    # tensor of weight decays where a 1-d array was taken, and progress_bar alone refused a numpy bool
    given = LROptions(
        min_lr=torch.tensor(1e-5, dtype=torch.float64),
        max_lr=np.array(1.0),
        num_steps=torch.tensor(20),
        smoothing=torch.tensor(0.5),
        weight_decays=torch.tensor([0.0, 0.5]),
        progress_bar=np.bool_(False),
        confirm=torch.tensor(False),
    )
    plain = LROptions(
        min_lr=1e-5,
        max_lr=1.0,
        num_steps=20,
        smoothing=0.5,
        weight_decays=[0.0, 0.5],
        progress_bar=False,
        confirm=False,
    )
    assert given == plain and given.compared() == plain.compared()
    assert [type(getattr(given, k)) for k in ("min_lr", "num_steps", "progress_bar")] == [float, int, bool]
    assert MomentumOptions(min_momentum=torch.tensor(0.5), lr=np.array(0.1)) == MomentumOptions(
        min_momentum=0.5, lr=0.1
    )
    assert (
        LRRangeTest(epochs=torch.tensor([0, 2])).epochs
        == LRRangeTest(epochs=np.array([0, 2])).epochs
        == (0, 2)
    )
    assert LRRangeTest(epochs=torch.tensor(1)).epochs == (1,)
    with pytest.raises(
        TypeError, match=r"^num_steps must be an integer >= 5 .*\(a tensor or array only of one"
    ):
        LROptions(num_steps=torch.tensor([20, 30]))
    result = Tuner(trainer(tmp_path)).lr_range_test(
        TinyModel(), loader(), num_steps=torch.tensor(20), max_lr=torch.tensor(1.0), confirm=False
    )
    assert len(result.lrs) <= 20 and result.lrs[0] == 1e-7


FIT_ARGS = {"self", "model", "train_dataloaders", "val_dataloaders", "datamodule", "ckpt_path"}


@pytest.mark.parametrize(
    ("entry_point", "options", "own"),
    [
        (Tuner.lr_range_test, LROptions, FIT_ARGS),
        (Tuner.momentum_range_test, MomentumOptions, FIT_ARGS),
        (LRRangeTest.__init__, LROptions, {"self", "epochs"}),
    ],
)
def test_entry_points_spell_the_options_defaults(entry_point: Any, options: Any, own: set[str]) -> None:
    """The keyword signatures (for IDEs and LightningCLI) take every option, with the options' defaults."""
    parameters = inspect.signature(entry_point).parameters
    spelled = {name: p.default for name, p in parameters.items() if name not in own}
    assert spelled == options.defaults()


@pytest.mark.parametrize(
    ("epochs", "match"),
    [
        (-1, r"epochs must hold epoch indices"),
        ([], r"epochs must name at least one epoch"),
        ("0", r"epochs must be None"),
        ([1, 1], r"epochs must name each epoch once \(one test per epoch\), got \[1, 1\]"),  # review 97
        # review 108: a 0-d array or tensor was iterated ("iteration over a 0-d array"); said as a plain 1.5 is
        # (review 122: one holding an int is that epoch index, test_options_take_one_element_tensors_...)
        (1.5, r"^LRRangeTest: epochs must be None, an epoch index or a list of them, got 1.5$"),
        (
            np.array(1.5),
            r"^LRRangeTest: epochs must be None, an epoch index or a list of them, got array\(1.5\)$",
        ),
        (
            torch.tensor(1.5),
            r"^LRRangeTest: epochs must be None, an epoch index or a list of them, got tensor\(1.5000\)$",
        ),
    ],
)
def test_bad_epochs(epochs: Any, match: str) -> None:
    with pytest.raises((TypeError, ValueError), match=match):
        LRRangeTest(epochs=epochs)


def test_epochs_in_any_order_are_the_same_epochs() -> None:
    assert LRRangeTest(epochs=[2, 0]).epochs == LRRangeTest(epochs=(0, 2)).epochs == (0, 2)


@pytest.mark.parametrize("given", [None, "trainer", object()])
def test_the_tuner_takes_only_a_trainer(given: Any) -> None:
    # review 97: Tuner(None) was taken, and the test failed later on None.strategy
    with pytest.raises(TypeError, match=r"^Tuner: trainer must be a Lightning Trainer .*, got "):
        Tuner(given)


class Unlogged(TinyModel):
    """TinyModel without ``self.log`` in its step (Lightning's log does not trace under torch.compile)."""

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        return torch.nn.functional.cross_entropy(self(x), y)


@pytest.mark.parametrize(("test", "title"), [("lr_range_test", "LR"), ("momentum_range_test", "Momentum")])
def test_a_forgotten_model_is_named(tmp_path: Any, test: str, title: str) -> None:
    # review 120: lr_range_test(loader) failed with "'DataLoader' object has no attribute 'parameters'"
    run = getattr(Tuner(trainer(tmp_path)), test)
    with pytest.raises(
        TypeError,
        match=rf"^{title} range test: model must be a LightningModule of lightning.pytorch, the Trainer's "
        rf"\(the first argument: {test}\(model, train_dataloaders=...\)\), got "
        rf"torch.utils.data.dataloader.DataLoader$",
    ):
        run(loader())
    # a torch.compile'd LightningModule, which Lightning's fit takes, is taken (its wrapper's _orig_mod)
    compiled = torch.compile(Unlogged(), backend="eager")
    assert getattr(Tuner(trainer(tmp_path)), test)(compiled, loader(), num_steps=8) is not None


@pytest.mark.parametrize(("test", "title"), [("lr_range_test", "LR"), ("momentum_range_test", "Momentum")])
@pytest.mark.parametrize("which", ["train_dataloaders", "val_dataloaders"])
def test_data_that_is_no_loader_is_named_by_the_test(
    tmp_path: Any, test: str, title: str, which: str
) -> None:
    # review 146: Lightning's message named Trainer.fit(train_dataloaders=...), a call the user did not make
    run = getattr(Tuner(trainer(tmp_path)), test)
    data = {"train_dataloaders": loader(), which: 3}
    with pytest.raises(TypeError, match=rf"^{title} range test: {which} must be a DataLoader .* got int 3$"):
        run(TinyModel(), **data)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"min_momentum": 0.99, "max_momentum": 0.9}, r"min_momentum must be < max_momentum"),
        ({"max_momentum": 1.0}, r"max_momentum must be in \[0, 1\), got 1.0"),
        ({"lr": 0}, r"lr must be > 0 or None, got 0"),
        (
            {"min_momentum": 5e-324, "mode": "exponential"},
            r"max_momentum / min_momentum must be at most 1.798e\+308 .* got min_momentum=5e-324, "
            r"max_momentum=0.99 and num_steps=100, where max_momentum / min_momentum overflows to inf",
        ),
        (
            {"min_momentum": 0.5, "max_momentum": 0.500000000000001},
            r"min_momentum and max_momentum must lie far enough apart for num_steps that every step of the "
            r"sweep has its own momentum",
        ),
    ],
)
def test_bad_momentum_options(tmp_path: Any, kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=r"^Tuner\.momentum_range_test: " + match):
        Tuner(trainer(tmp_path)).momentum_range_test(TinyModel(), loader(), **kwargs)


def test_model_problems_are_clear_errors(tmp_path: Any) -> None:
    class Frozen(TinyModel):
        def __init__(self) -> None:
            super().__init__()
            for p in self.parameters():
                p.requires_grad_(False)

        def configure_optimizers(self) -> Any:
            return torch.optim.SGD(self.parameters(), lr=0.1)

    class TwoOptimizers(TinyModel):
        def __init__(self) -> None:
            super().__init__()
            self.automatic_optimization = False

        def configure_optimizers(self) -> Any:
            return [
                torch.optim.SGD(self.net[0].parameters(), lr=0.1),
                torch.optim.SGD(self.net[-1].parameters(), lr=0.1),
            ]

    class ReturnsNone(TinyModel):
        def training_step(self, batch: Any, batch_idx: int) -> None:
            return None

    class NoMomentum(TinyModel):
        def configure_optimizers(self) -> Any:
            return torch.optim.Adagrad(self.parameters(), lr=0.1)

    class ZeroLR(TinyModel):
        def configure_optimizers(self) -> Any:
            return torch.optim.SGD(self.parameters(), lr=0.0)

    # each is said of the test that refuses it (review 57: the Adagrad one named no test, the others none)
    with pytest.raises(ValueError, match=r"^LR range test: the model has no trainable parameters"):
        Tuner(trainer(tmp_path)).lr_range_test(Frozen(), loader())
    with pytest.raises(
        ValueError, match=r"^LR range test: .*configure_optimizers returned 2\. .*\(a GAN's gen"
    ):
        Tuner(trainer(tmp_path)).lr_range_test(TwoOptimizers(), loader())
    with pytest.raises(
        RuntimeError,
        match=r"optimizer_step ran 1000 times at step 0 of the sweep .*training_step "
        r"returned None for every batch",
    ):
        Tuner(trainer(tmp_path)).lr_range_test(ReturnsNone(), loader())
    with pytest.raises(AttributeError, match=r"^LR range test: attr_name='rate' is neither an attribute"):
        Tuner(trainer(tmp_path)).lr_range_test(TinyModel(), loader(), attr_name="rate")
    # review 122: a setting that is not an LR was overwritten with the answer after the whole test (the next
    # fit built AdamW where its hparams had said "sgd"); it is refused before any step, and left as it was
    model = TinyModel()
    for name, shown in (("optimizer", "'sgd' (str)"), ("groups", "False (bool)"), ("net", "Sequential(")):
        with pytest.raises(
            TypeError,
            match=rf"^LR range test: attr_name='{name}' names a setting that holds {re.escape(shown)}",
        ):
            Tuner(trainer(tmp_path)).lr_range_test(model, loader(), attr_name=name)
    assert model.hparams.optimizer == "sgd" and model.hparams.groups is False and model.seen_losses == []
    with pytest.raises(
        ValueError,
        match=r"^Momentum range test: it sweeps the momentum \(SGD, RMSprop\) or beta1 \(the Adam family\) of "
        r"every param group, but param group 0 of Adagrad has neither",
    ):
        Tuner(trainer(tmp_path)).momentum_range_test(NoMomentum(), loader())
    with pytest.raises(ValueError, match="val_loss=True needs validation data"):
        Tuner(trainer(tmp_path)).lr_range_test(TinyModel(), loader(), val_loss=True)
    with pytest.raises(
        ValueError, match=r"every param group of SGD has lr=0 \(and was configured with \[0.0\]\)"
    ):
        Tuner(trainer(tmp_path)).lr_range_test(ZeroLR(), loader())


def test_tuner_refuses_spawned_processes(tmp_path: Any) -> None:
    t = trainer(tmp_path, devices=2, strategy="ddp_spawn")
    with pytest.raises(RuntimeError, match="LRRangeTest callback"):
        Tuner(t).lr_range_test(TinyModel(), loader())


def test_tuner_says_when_nothing_ran(tmp_path: Any) -> None:
    ended = r"^LR range test: it did not run, as the fit ended before training started: "
    with pytest.raises(RuntimeError, match=ended + r"limit_train_batches=0 leaves no training batch"):
        Tuner(trainer(tmp_path, limit_train_batches=0)).lr_range_test(TinyModel(), loader())
    empty = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(0, 8), torch.zeros(0)))
    with pytest.raises(RuntimeError, match=ended + r"the training data has no batch"):
        Tuner(trainer(tmp_path)).lr_range_test(TinyModel(), empty)
    done = trainer(tmp_path, max_steps=2)
    done.fit(TinyModel(), loader())
    with pytest.raises(
        RuntimeError,
        match=ended + r"max_steps=2 was already reached at global_step=2 \(this Trainer has fitted "
        r"before\); use a new Trainer, or raise the limit$",
    ):
        Tuner(done).lr_range_test(TinyModel(), loader())
    # r154: a new Trainer with the same max_epochs=0 fails alike, where the message said to use one
    for limit in ("max_epochs", "max_steps"):
        with pytest.raises(
            RuntimeError,
            match=ended
            + rf"the Trainer's {limit}=0 lets the fit train no step\. The test runs as the fit starts, so "
            rf"limits above 0 let it run: give the Trainer {limit} above 0$",
        ):
            Tuner(trainer(tmp_path, **{limit: 0})).lr_range_test(TinyModel(), loader())
    result = Tuner(trainer(tmp_path, max_steps=1)).lr_range_test(
        TinyModel(), loader(), num_steps=10, confirm=False
    )
    assert len(result) == 10
    # r157: both limits at 0 are both named; a stop set before the first step is no limit
    with pytest.raises(
        RuntimeError,
        match=ended
        + r"the Trainer's max_steps=0 and max_epochs=0 let the fit train no step\. .*: give the Trainer "
        r"max_steps above 0 and max_epochs above 0$",
    ):
        Tuner(trainer(tmp_path, max_steps=0, max_epochs=0)).lr_range_test(TinyModel(), loader())

    class Stops(pl.Callback):
        def setup(self, trainer: Any, pl_module: Any, stage: str) -> None:
            trainer.should_stop = True

    with pytest.raises(RuntimeError, match=ended + r"trainer\.should_stop was set before the first step"):
        Tuner(trainer(tmp_path, callbacks=[Stops()])).lr_range_test(TinyModel(), loader())


def test_a_model_given_as_the_training_data_is_named_by_its_type(tmp_path: Any) -> None:
    # r154: its repr, every layer, was cut at 80 characters mid-line
    with pytest.raises(
        TypeError,
        match=r"train_dataloaders must be a DataLoader .*, got TinyModel \(a model: the model is the first argument\)$",
    ):
        Tuner(trainer(tmp_path)).lr_range_test(TinyModel(), train_dataloaders=TinyModel())


# ---------------------------------------------------------------------------------------------
# DDP: two CPU processes; each writes what it saw, the parent compares.
# ---------------------------------------------------------------------------------------------


class RankModel(TinyModel):
    """Records its raw losses during the sweep and writes them with the curve the rank computed."""

    def __init__(self, out: str) -> None:
        super().__init__(dropout=0.0)
        self.out = out


class Dump(Callback):
    def __init__(self, out: str, test: LRRangeTest) -> None:
        self.out, self.test = out, test

    def on_train_start(self, trainer: Any, pl_module: Any) -> None:
        r = self.test.result
        assert r is not None
        n = len(r)
        after = {k: v.tolist() for k, v in pl_module.state_dict().items()}
        data = {
            "raw": pl_module.seen_losses[:n],
            "curve": list(r.losses),
            "suggestion": r.suggestion(),
            "candidates": []
            if r.confirmation is None
            else [[c.lr, *c.losses] for c in r.confirmation.candidates],
            "applied": float(trainer.optimizers[0].param_groups[0]["lr"]),
            "weights_after": after,
            "weights_before": pl_module.weights_before,
            "global_step": trainer.global_step,
        }
        with open(os.path.join(self.out, f"rank{trainer.global_rank}.json"), "w") as f:
            json.dump(data, f)


class Before(Callback):
    def on_train_start(self, trainer: Any, pl_module: Any) -> None:
        pl_module.weights_before = {k: v.tolist() for k, v in pl_module.state_dict().items()}


@pytest.mark.ddp
def test_ddp_curve_is_the_mean_over_ranks(tmp_path: Any) -> None:
    seed_all(5)
    test = LRRangeTest(num_steps=12, max_lr=3.0, early_stop_threshold=None)
    t = trainer(
        tmp_path,
        devices=2,
        strategy=DDP,
        callbacks=[Before(), test, Dump(str(tmp_path), test)],
        max_steps=1,
    )
    t.fit(RankModel(str(tmp_path)), loader(n=192))
    ranks = [json.loads((tmp_path / f"rank{i}.json").read_text()) for i in range(2)]
    raw = np.asarray([r["raw"] for r in ranks])
    assert raw.shape == (2, 12) and not np.allclose(raw[0], raw[1])  # each rank saw its own batches
    for r in ranks:
        np.testing.assert_allclose(r["curve"], raw.mean(0), rtol=1e-6)
        assert r["curve"] == ranks[0]["curve"] and r["suggestion"] == ranks[0]["suggestion"]
        # the candidates' line search took the same LRs on every rank, from losses averaged over ranks
        assert len(r["candidates"]) >= 3 and r["candidates"] == ranks[0]["candidates"]
        assert r["applied"] == pytest.approx(r["suggestion"], rel=1e-12)
        assert r["weights_after"] == r["weights_before"] and r["global_step"] == 0


class OtherRangeOnRank1(LRRangeTest):
    def setup(self, trainer: Any, pl_module: Any, stage: str) -> None:
        super().setup(trainer, pl_module, stage)
        if trainer.global_rank == 1:  # what a config read per rank, or an unseeded random number, gives
            self.options = dataclasses.replace(self.options, max_lr=2.0)


@pytest.mark.ddp
def test_ranks_given_other_options_are_told_on_every_rank(tmp_path: Any) -> None:
    # review 118: LRRangeTest(num_steps=10) on one rank and 15 on the other hung without a word, and other
    # ranges swept each rank at its own LRs
    seed_all(5)
    t = trainer(tmp_path, devices=2, strategy=DDP, callbacks=[OtherRangeOnRank1(num_steps=12)], max_steps=1)
    with pytest.raises(
        Exception,
        match=r"LR range test: the ranks were given different options \(max_lr: 10\.0 on rank 0, 2\.0 on rank 1\): "
        r"rank 0 was given num_steps=12, .*max_lr=10\.0, "
        r".*, rank 1 was given num_steps=12, .*max_lr=2\.0, ",
    ):
        t.fit(TinyModel(), loader(n=192))


def test_epochs_the_fit_never_reaches_are_named_at_fit_start(tmp_path: Any) -> None:
    seed_all(8)
    test = LRRangeTest(num_steps=5, epochs=[1, 5, 7], apply=False)
    with pytest.warns(UserWarning, match=r"max_epochs=2\), so the test of epochs 5, 7 will never run"):
        trainer(tmp_path, max_epochs=2, callbacks=[test]).fit(TinyModel(), loader())
    assert list(test.results) == [1]


def test_epochs_none_of_which_can_run_are_an_error_before_training(tmp_path: Any) -> None:
    model = TinyModel()
    with pytest.raises(ValueError, match=r"epochs=\[5\], but the fit runs epochs 0 to 1 \(max_epochs=2\)"):
        trainer(tmp_path, max_epochs=2, callbacks=[LRRangeTest(epochs=[5])]).fit(model, loader())
    assert model.seen_losses == []


@pytest.mark.parametrize("entry", ["callback", "tuner"])
def test_fast_dev_run_skips_the_range_test_and_sets_nothing(tmp_path: Any, entry: str) -> None:
    # a smoke test of the fit: before, the whole test ran on its batch (~500 training steps) and set
    # model.lr from 0.05 to 0.26 (callback) or 0.72 (Tuner), without a word
    seed_all(9)
    model = TinyModel()
    skipped = (
        r"^LR range test: skipped under fast_dev_run=True; the LR and the schedule callbacks' values stay as"
    )
    if entry == "callback":
        test = LRRangeTest(num_steps=20, epochs=[2])  # an epoch the one-epoch smoke test never reaches
        with pytest.warns(UserWarning, match=skipped):
            trainer(tmp_path, callbacks=[test], fast_dev_run=True, max_epochs=5).fit(model, loader())
        assert test.result is None
    else:
        with pytest.warns(UserWarning, match=skipped):
            result = Tuner(trainer(tmp_path, fast_dev_run=True)).lr_range_test(model, loader(), num_steps=20)
        assert result is None
    assert model.hparams.lr == 0.05


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            dict(min_lr=1.0, max_lr=0.1),
            ValueError,
            "LRRangeTest: min_lr must be < max_lr, got min_lr=1.0 and max_lr=0.1",
        ),
        (dict(mode="log"), ValueError, "LRRangeTest: mode must be one of"),
        (dict(epochs=[]), ValueError, "LRRangeTest: epochs must name at least one epoch"),
        (
            dict(epochs="1"),
            TypeError,
            "LRRangeTest: epochs must be None, an epoch index or a list of them, got '1'",
        ),
    ],
)
def test_the_callbacks_errors_name_it(kwargs: dict, error: type, message: str) -> None:
    # review 29: in a config with several callbacks that take max_lr or mode, "min_lr must be < max_lr" did
    # not say whose
    with pytest.raises(error) as caught:
        LRRangeTest(**kwargs)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("num_training", r"pass num_steps \(Lightning's lr_find num_training\)"),
        ("update_attr", r"pass apply \(Lightning's lr_find update_attr\)"),
        ("end_lr", r"pass max_lr \(torch-lr-finder's and fastai's end_lr\)"),
        (
            "smooth_f",
            r"pass smoothing=1 - smooth_f \(torch-lr-finder's smooth_f is the weight of the new loss",
        ),
        (
            "suggest_funcs",
            r'pass method="minimum", "steepest", "valley" or "slide" \(fastai\'s suggest_funcs',
        ),
    ],
)
def test_a_peers_name_for_a_range_test_argument_is_refused_with_ours(
    tmp_path: Any, name: str, hint: str
) -> None:
    """Lightning's lr_find, torch-lr-finder and fastai spell some arguments differently: both entry points
    refuse those names with the one to pass here, as Python's TypeError for an unknown keyword, before testing."""
    model = TinyModel()
    before = [p.detach().clone() for p in model.parameters()]
    with pytest.raises(
        TypeError, match=rf"^Tuner\.lr_range_test\(\) got an unexpected keyword argument '{name}': {hint}"
    ):
        Tuner(trainer(tmp_path)).lr_range_test(model, loader(), **{name: 1})
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))
    with pytest.raises(
        TypeError, match=rf"^LRRangeTest\(\) got an unexpected keyword argument '{name}': {hint}"
    ):
        LRRangeTest(**{name: 1})


def test_a_peers_name_is_refused_with_the_value_given(tmp_path: Any) -> None:
    # review 177: the error for a peer's name left out the value, which a misspelt name's says
    with pytest.raises(TypeError) as caught:
        Tuner(trainer(tmp_path)).lr_range_test(TinyModel(), loader(), smooth_f=0.05)
    assert str(caught.value).endswith("; given smooth_f=0.05")
    # Lightning's dataloaders= (its validate, test and predict data) was taken for a misspelt val_dataloaders
    with pytest.raises(
        TypeError, match=r"'dataloaders': pass train_dataloaders, the data the test trains on"
    ):
        Tuner(trainer(tmp_path)).lr_range_test(TinyModel(), dataloaders=loader())


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        # Lightning's lr_find(method="fit") names its stage; here method is the rule that reads the answer
        (
            dict(method="fit"),
            ValueError,
            "method must be one of 'confirmed', 'valley', 'steepest', 'minimum', 'slide' or None, the rule that "
            "reads the answer (Lightning's lr_find method='fit' names the stage",
        ),
        # Lightning's LearningRateFinder lower-cases its mode
        (
            dict(mode="Linear"),
            ValueError,
            "mode must be one of 'exponential', 'linear', got 'Linear': did you mean 'linear'?",
        ),
        # Lightning's attr_name="" looks the attribute up, as None does here
        (
            dict(attr_name=""),
            ValueError,
            "attr_name must be a non-empty string (None looks the attribute up, as Lightning's",
        ),
    ],
)
def test_a_lightning_habit_gets_an_error_that_says_what_it_means_here(
    kwargs: dict, error: type, message: str
) -> None:
    with pytest.raises(error) as caught:
        LRRangeTest(**kwargs)
    assert str(caught.value).startswith(f"LRRangeTest: {message}")


def test_the_peers_result_attributes_say_what_to_read_here() -> None:
    # review 177: result.results (Lightning), .history (torch-lr-finder), .valley (fastai) and the callback's
    # optimal_lr (Lightning's LearningRateFinder) were bare AttributeErrors, suggestion(skip_begin=...) a bare
    # TypeError
    result = RangeTestResult([1e-3, 1e-2, 1e-1], [2.0, 1.0, 3.0], [None] * 3)
    for name, read in [
        ("results", "lrs and losses, or to_dict() (Lightning's lr_find results['lr']"),
        ("history", "lrs and losses, or to_dict() (torch-lr-finder's history['lr']"),
        ("valley", "suggestion('valley') (fastai's SuggestedLRs.valley"),
        ("steep", "suggestion('steepest') (fastai's SuggestedLRs.steep"),
    ]:
        with pytest.raises(AttributeError) as caught:
            getattr(result, name)
        assert str(caught.value).startswith(
            f"'RangeTestResult' object has no attribute '{name}': read {read}"
        )
        assert not hasattr(result, name)
    with pytest.raises(AttributeError, match=r"^'RangeTestResult' object has no attribute 'nope'$"):
        result.nope  # noqa: B018
    assert copy.deepcopy(result).lrs == result.lrs and pickle.loads(pickle.dumps(result)).lrs == result.lrs
    with pytest.raises(
        TypeError, match=r"got an unexpected keyword argument 'skip_begin': pass nothing: the rules"
    ):
        result.suggestion(skip_begin=10)
    with pytest.warns(
        UserWarning, match="no lr suggestion"
    ) as said:  # said where the call is, past the hint's wrapper
        RangeTestResult([1e-3, 1e-2, 1e-1], [2.0, 2.0, 2.0], [None] * 3).suggestion()
    assert said[0].filename == __file__
    cb = LRRangeTest()
    with pytest.raises(
        AttributeError, match=r"no attribute 'optimal_lr': read result, the last test's RangeTestResult"
    ):
        cb.optimal_lr  # noqa: B018
    assert cb.result is None and cb.results == {} and not hasattr(cb, "nope")
    assert copy.deepcopy(cb).epochs == cb.epochs
    # review 183: a WeightDecayResult (what weight_decays= returns) answered with bare errors, and its warning
    # pointed into the library
    wd = WeightDecayResult(
        [RangeTestResult([1e-3, 1e-2, 1e-1], [2.0, 2.0, 2.0], [None] * 3, weight_decay=0.0)]
    )
    with pytest.raises(
        AttributeError, match=r"^'WeightDecayResult' object has no attribute 'valley': read suggestion"
    ):
        wd.valley  # noqa: B018
    with pytest.raises(
        TypeError, match=r"'skip_begin': pass nothing: the rules read the sweep's whole descent"
    ):
        wd.suggestion(skip_begin=10)
    with pytest.warns(UserWarning, match="no lr suggestion") as said:
        assert wd.suggestion() is None
    assert said[0].filename == __file__


def test_an_attribute_error_inside_a_property_is_the_one_raised() -> None:
    # review 183: the peers' hints (__getattr__) took a property whose code raised AttributeError for a missing
    # property, and the cause was lost
    class Sub(RangeTestResult):
        @property
        def extra(self) -> float:
            return self.first_try.lrs[0]  # type: ignore[union-attr]  # first_try is None: the cause

    class SubCB(LRRangeTest):
        @property
        def first(self) -> float:
            return self.result.lrs[0]  # type: ignore[union-attr]

    for obj, name in ((Sub([1e-3, 1e-2, 1e-1], [2.0, 1.0, 3.0], [None] * 3), "extra"), (SubCB(), "first")):
        with pytest.raises(AttributeError, match=r"^'NoneType' object has no attribute 'lrs'$"):
            getattr(obj, name)


def test_a_method_that_is_no_string_is_refused_by_type() -> None:
    # review 183: the check for Lightning's method="fit" compared an array, whose truth value numpy refuses
    with pytest.raises(
        TypeError, match=r"^LRRangeTest: method must be one of 'confirmed', .* or None, got array"
    ):
        LRRangeTest(method=np.array(["valley", "minimum"]))
    with pytest.raises(ValueError, match=r"Lightning's lr_find method='fit' names the stage"):
        LRRangeTest(method="Fit")


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("max_lr", r"pass lr \(the momentum range test holds one LR; lr_range_test's max_lr sweeps the LR\)"),
        ("min_lr", r"pass lr \(the momentum range test holds one LR; lr_range_test's min_lr sweeps the LR\)"),
        ("base_momentum", r"pass min_momentum \(OneCycle's and torch's base_momentum, the low end"),
        ("num_iter", r"pass num_steps \(torch-lr-finder's num_iter\)"),
        ("betas", r"pass min_momentum and max_momentum: the test sweeps beta1 of an Adam-family optimizer"),
        ("method", r"pass nothing: result\.suggestion\(\) is the momentum of lowest smoothed loss"),
        ("attr_name", r"pass nothing: the momentum range test applies nothing \(lr_range_test's attr_name\)"),
        ("retry", r"pass nothing: the momentum range test has no second try"),
        ("confirm_steps", r"pass nothing: the momentum range test has no confirmation stage"),
        ("weight_decays", r"pass nothing: the momentum range test sweeps no weight decay"),
    ],
)
def test_a_name_from_the_lr_test_or_a_peer_given_to_the_momentum_test_is_refused_with_ours(
    tmp_path: Any, name: str, hint: str
) -> None:
    # review 118: momentum_range_test(max_lr=..., base_momentum=..., num_iter=...) met Python's bare
    # "unexpected keyword argument", where lr_range_test names what to pass
    model = TinyModel()
    before = [p.detach().clone() for p in model.parameters()]
    with pytest.raises(
        TypeError,
        match=rf"^Tuner\.momentum_range_test\(\) got an unexpected keyword argument '{name}': {hint}",
    ):
        Tuner(trainer(tmp_path)).momentum_range_test(model, loader(), **{name: 1})
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        (
            "show",
            r"pass nothing: plot\(\) returns the figure; call matplotlib\.pyplot\.show\(\) \(Lightning's",
        ),
        ("skip_end", r"pass nothing: plot\(\) draws the whole sweep \(torch-lr-finder's skip_end\)"),
    ],
)
def test_a_peers_plot_argument_is_refused_with_what_to_do(name: str, hint: str) -> None:
    # review 56: Lightning's lr_finder.plot(show=True) met a bare "unexpected keyword argument 'show'"
    result = RangeTestResult([1e-3, 1e-2, 1e-1], [2.0, 1.0, 3.0], [None] * 3)
    with pytest.raises(
        TypeError, match=rf"^RangeTestResult\.plot\(\) got an unexpected keyword argument '{name}': {hint}"
    ):
        result.plot(**{name: True})


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("num_training_steps", r"pass num_steps \(Lightning's LearningRateFinder num_training_steps\)"),
        ("train_loader", r"pass nothing: the callback tests on the data given to trainer.fit"),
        ("val_loader", r"pass val_loss=True, with validation data given to trainer.fit"),
    ],
)
def test_the_callbacks_hints_name_what_a_callback_takes(name: str, hint: str) -> None:
    # review 51: LRRangeTest shared the Tuner's table and pointed to train_dataloaders, which it does not take
    with pytest.raises(
        TypeError, match=rf"^LRRangeTest\(\) got an unexpected keyword argument '{name}': {hint}"
    ):
        LRRangeTest(**{name: 1})


class _WarmedUp(TinyModel):
    """torch's LinearLR warm-up in configure_optimizers: the first step at a tenth of ``hparams.lr``."""

    def configure_optimizers(self) -> Any:
        opt = torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=0.9)
        warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=4)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": warm, "interval": "step"}}


@pytest.mark.parametrize("form", ["tuner", "callback"])
def test_a_torch_warm_up_trains_at_the_suggestion_once_warm(tmp_path: Any, form: str) -> None:
    # review 71: the suggestion was mapped onto the warm-up's first LR (a tenth), so the fit trained at 10x the
    # suggestion once warmed up
    seed_all(4)
    model, probe = _WarmedUp(), LRAtBatch()
    if form == "tuner":
        result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=20, confirm=False)
        trainer(tmp_path, callbacks=[probe], max_steps=8).fit(model, loader())
    else:
        test = LRRangeTest(num_steps=20, confirm=False)
        trainer(tmp_path, callbacks=[test, probe], max_steps=8).fit(model, loader())
        result = test.result
    s = result.suggestion()
    assert s is not None and model.hparams.lr == pytest.approx(s, rel=1e-9)
    assert probe.lrs[0] == pytest.approx(s / 10) and probe.lrs[4:] == pytest.approx([s] * 4)


@pytest.mark.parametrize("form", ["tuner", "callback"])
def test_a_torch_one_cycle_peaks_at_the_tests_one_cycle_max_lr(tmp_path: Any, form: str, caplog: Any) -> None:
    # review 71: OneCycleLR(max_lr=self.lr) had its start LR (max_lr / 25) set to the suggestion, and peaked
    # at 25x it, 4.3x the test's own 1cycle max_lr
    import logging

    seed_all(4)
    model = TinyModel(scheduler="onecycle")
    with caplog.at_level(logging.INFO):
        if form == "tuner":
            result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=20, confirm=False)
            fit = trainer(tmp_path, max_steps=1)
            fit.fit(model, loader())
        else:
            test = LRRangeTest(num_steps=20, confirm=False)
            fit = trainer(tmp_path, callbacks=[test], max_steps=1)
            fit.fit(model, loader())
            result = test.result
    peak = result.one_cycle_max_lr()
    assert peak is not None and peak != result.suggestion()
    assert model.hparams.lr == pytest.approx(peak, rel=1e-9)
    assert fit.optimizers[0].param_groups[0]["max_lr"] == pytest.approx(peak, rel=1e-9)
    said = [r.getMessage() for r in caplog.records if r.getMessage().startswith("LR range test: set")]
    assert said == [
        f"LR range test: set TinyModel.hparams.lr = {peak:.4g} (configure_optimizers builds a schedule whose 1cycle "
        f"max_lr it sets: {peak:.4g}, the test's 1cycle max_lr; the suggestion is {result.suggestion():.4g})"
    ]


@pytest.mark.parametrize("entry", ["lr_range_test", "momentum_range_test"])
def test_the_tuner_refuses_a_checkpoint_and_says_what_tests_a_resumed_run(tmp_path: Any, entry: str) -> None:
    # review 71: the Tuner resumed the checkpoint, tested, and left the model and the Trainer at the checkpoint's
    # state; the fit that resumed it then trained at the checkpoint's LRs, not the answer, without a word
    model, t = TinyModel(), trainer(tmp_path)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    advice = (
        r"To test a resumed run and train it at the answer, add LRRangeTest\(\) to the Trainer and resume with "
        r"trainer.fit\(model, ckpt_path=...\): it tests at the checkpoint's step. To test the checkpoint's weights "
        r"only, load them"
        if entry == "lr_range_test"
        else r"To test the checkpoint's weights, load them"  # review 73: no callback runs a momentum test
    )
    with pytest.raises(
        ValueError,
        match=r"ckpt_path='last.ckpt' is not taken by the Tuner: .* settings, not the test's answer. "
        + advice
        + r" \(TinyModel.load_from_checkpoint\(...\)\) and run the Tuner without ckpt_path$",
    ):
        getattr(Tuner(t), entry)(model, loader(), ckpt_path="last.ckpt")
    assert t.global_step == 0 and all(torch.equal(before[k], v) for k, v in model.state_dict().items())


class _Lazy(TinyModel):
    """Its first layer a LazyLinear, sized at the first forward."""

    def __init__(self) -> None:
        super().__init__(batchnorm=False, dropout=0.0)
        self.net[0] = torch.nn.LazyLinear(self.net[0].out_features)


def test_a_lazy_module_not_yet_sized_is_told_to_run_a_forward_first(tmp_path: Any) -> None:
    # review 71: the snapshot raised torch's bare "Attempted to use an uninitialized parameter"
    with pytest.raises(
        ValueError,
        match=r"^LR range test: the model has parameters that are not initialized yet \(net.0.weight, net.0.bias: "
        r"a lazy module such as LazyLinear sizes them at its first forward\), .* Run one forward pass before",
    ):
        Tuner(trainer(tmp_path)).lr_range_test(_Lazy(), loader(), num_steps=10)
    model = _Lazy()
    model(next(iter(loader()))[0])  # sized: tested as any model
    assert Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=10, confirm=False) is not None


class _StepCounter(Callback):
    """Counts the optimizer's steps through a step hook registered in on_fit_start (as an EMA may)."""

    def __init__(self) -> None:
        self.calls, self.handle = 0, None

    def on_fit_start(self, trainer: Any, pl_module: Any) -> None:
        self.handle = trainer.optimizers[0].register_step_post_hook(self.count)

    def count(self, optimizer: Any, args: Any, kwargs: Any) -> None:
        self.calls += 1


def test_an_optimizer_others_put_hooks_on_is_scaled_in_place_not_rebuilt(tmp_path: Any, caplog: Any) -> None:
    # review 71: the test at a fresh start rebuilds the optimizer from configure_optimizers with the
    # suggestion; a callback's step hook stayed on the replaced one and never fired in the fit (review 73:
    # moving the hooks over broke the handles of those configure_optimizers registers itself)
    import logging

    seed_all(4)
    counter = _StepCounter()
    test = LRRangeTest(num_steps=12, confirm=False)
    t = trainer(tmp_path, callbacks=[counter, test], max_steps=5)
    model = _OwnHook()
    with caplog.at_level(logging.INFO):
        t.fit(model, loader())
    assert test.result is not None and test.result.suggestion() is not None
    assert t.optimizers[0] is model.built  # the same optimizer, its LRs scaled in place
    assert t.optimizers[0].param_groups[0]["lr"] == pytest.approx(test.result.suggestion())
    assert counter.calls == 12 + 5  # the sweep's steps, then the fit's
    assert model.own_calls == 2  # its own hook, removed by its handle after 2 steps, as without the test
    assert any(
        "carries 1 hook(s) registered after configure_optimizers built it" in r.getMessage()
        for r in caplog.records
    )
    # without another's hook the optimizer is built again with the suggestion, as if written by hand
    model = _OwnHook()
    t = trainer(tmp_path, callbacks=[LRRangeTest(num_steps=12, confirm=False)], max_steps=5)
    t.fit(model, loader())
    # (the fit's build and the rebuild; the probes' builds put the module's attributes back)
    assert model.built_count == 2 and t.optimizers[0] is model.built and model.own_calls == 2


class _OwnHook(TinyModel):
    """configure_optimizers registers a step hook, which the module removes by its handle after the fit's
    second batch."""

    def __init__(self) -> None:
        super().__init__()
        self.own_calls, self.built_count, self.built, self.handle = 0, 0, None, None

    def configure_optimizers(self) -> Any:
        opt = torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=0.9)
        self.handle = opt.register_step_post_hook(self.own)
        self.built_count += 1
        self.built = opt
        return opt

    def own(self, optimizer: Any, args: Any, kwargs: Any) -> None:
        self.own_calls += 1

    def on_train_batch_start(self, batch: Any, batch_idx: int) -> None:
        if batch_idx == 0:
            self.own_calls = 0  # the fit's steps only (the sweep's run through it too)

    def on_train_batch_end(self, outputs: Any, batch: Any, batch_idx: int) -> None:
        if batch_idx == 1:
            self.handle.remove()


class _TorchCyclic(TinyModel):
    """torch's CyclicLR between a quarter of ``hparams.lr`` and ``hparams.lr``."""

    def configure_optimizers(self) -> Any:
        opt = torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=0.9)
        cyc = torch.optim.lr_scheduler.CyclicLR(opt, self.hparams.lr / 4, self.hparams.lr, step_size_up=4)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": cyc, "interval": "step"}}


def test_a_torch_cyclic_peaks_at_the_top_of_the_tests_cyclic_bounds(tmp_path: Any) -> None:
    # review 73: CyclicLR(lr / 4, lr) had its base set to the suggestion, and peaked at 4x it
    seed_all(4)
    model = _TorchCyclic()
    result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=20, confirm=False)
    bounds = result.cyclic_bounds(ratio=4)
    assert bounds is not None and model.hparams.lr == pytest.approx(bounds[1], rel=1e-9)
    assert bounds[1] != pytest.approx(4 * result.suggestion())  # (where the old mapping put it)


class _CyclicFromZero(TinyModel):
    """torch's CyclicLR from 0 to ``hparams.lr``: it sets every group to 0 when it is built."""

    def configure_optimizers(self) -> Any:
        opt = torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=0.9)
        cyc = torch.optim.lr_scheduler.CyclicLR(opt, 0.0, self.hparams.lr, step_size_up=4)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": cyc, "interval": "step"}}


def test_groups_a_scheduler_set_to_zero_are_refused_naming_the_scheduler(tmp_path: Any) -> None:
    # the user wrote lr=0.1 in the optimizer; the error said only "configured with [0.0]"
    with pytest.raises(
        ValueError,
        match=r"every param group of SGD has lr=0: the CyclicLR configure_optimizers returned set them to its "
        r"base_lr when it was built\. .* give CyclicLR a base_lr above 0",
    ):
        Tuner(trainer(tmp_path)).lr_range_test(_CyclicFromZero(lr=0.1), loader(), num_steps=20, confirm=False)

    class _ZeroWithStep(TinyModel):  # the user's own lr=0: no scheduler is blamed (review 79)
        def configure_optimizers(self) -> Any:
            opt = torch.optim.SGD(self.parameters(), lr=0.0)
            return {"optimizer": opt, "lr_scheduler": torch.optim.lr_scheduler.StepLR(opt, 5)}

    with pytest.raises(
        ValueError, match=r"has lr=0 \(and was configured with \[0.0\]\); the sweep's"
    ) as said:
        Tuner(trainer(tmp_path)).lr_range_test(_ZeroWithStep(), loader(), num_steps=20, confirm=False)
    assert "StepLR" not in str(said.value)


def test_a_test_later_in_the_fit_scales_a_running_one_cycle_to_its_peak(tmp_path: Any) -> None:
    # review 73: a test at epoch 1 scaled the running OneCycleLR so that its LR then was the suggestion: its
    # peak went to 24x the suggestion, where the info line said the test's 1cycle max_lr
    seed_all(4)
    test = LRRangeTest(num_steps=20, confirm=False, epochs=[1])
    t = trainer(tmp_path, callbacks=[test], max_epochs=2)
    t.fit(TinyModel(scheduler="onecycle"), loader())
    peak = test.result.one_cycle_max_lr()
    assert peak is not None and t.optimizers[0].param_groups[0]["max_lr"] == pytest.approx(peak, rel=1e-9)


class _DropInCycle(TinyModel):
    """lightning_lr's drop-in OneCycleLR in configure_optimizers, its peak ``hparams.lr``."""

    def configure_optimizers(self) -> Any:
        from lightning_lr.optim import OneCycleLR

        opt = torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=0.9)
        cycle = OneCycleLR(opt, max_lr=self.hparams.lr, total_steps=16)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": cycle, "interval": "step"}}


def test_a_later_test_leaves_a_drop_in_that_sets_its_own_lr_alone_and_says_so(tmp_path: Any) -> None:
    # review 75: the groups were scaled, and the drop-in set its own LR back at its next step: one step at up
    # to 10x the schedule's LR, with a warning about a ScheduleLR the user never wrote
    from lightning_lr import schedules as S

    seed_all(4)
    probe, test = LRAtBatch(), LRRangeTest(num_steps=20, confirm=False, epochs=[1])
    with pytest.warns(
        UserWarning, match=r"the suggestion cannot reach this fit's OneCycleLR: it sets the LR from"
    ):
        trainer(tmp_path, callbacks=[test, probe], max_epochs=2).fit(_DropInCycle(), loader())
    assert probe.lrs == pytest.approx(list(S.OneCycle(0.05, total_steps=16).values(16)), rel=1e-9)


class _FixedHeadLR(TinyModel):
    """The last layer at a fixed LR 0.01, the rest at ``hparams.lr``."""

    def configure_optimizers(self) -> Any:
        head = list(self.net[-1].parameters())
        body = [p for p in self.parameters() if all(p is not h for h in head)]
        groups = [{"params": body, "lr": self.hparams.lr}, {"params": head, "lr": 0.01}]
        return torch.optim.SGD(groups, momentum=0.9)


def test_a_kept_optimizer_gets_each_groups_lr_as_configure_optimizers_gives_it(tmp_path: Any) -> None:
    # review 75: an optimizer kept for another callback's hook was scaled by one factor, so a head at a fixed
    # LR 0.01 trained at 7.6x it, where the rebuild (without the hook) keeps 0.01
    seed_all(4)
    test = LRRangeTest(num_steps=12, confirm=False)
    t = trainer(tmp_path, callbacks=[_StepCounter(), test], max_steps=2)
    # (review 123: the head, at 0.2x the body in the test, trains at its own 0.01, and that is said)
    with pytest.warns(
        UserWarning, match=r"does not derive every param group's LR from self\.lr\. .*param group 1 at"
    ):
        t.fit(_FixedHeadLR(batchnorm=False), loader())
    s = test.result.suggestion()
    assert [g["lr"] for g in t.optimizers[0].param_groups] == pytest.approx([s, 0.01], rel=1e-9)


def test_the_applied_lr_is_named_where_lightning_set_it(tmp_path: Any, caplog: Any) -> None:
    """Review 87: an LR the datamodule held (the third place Lightning looks) was said to be set as
    ``ReadsDataLR.hparams.lr``, which the module does not have; the carried result's line named it so too."""
    seed_all(0)
    model, data = ReadsDataLR(), DataWithLR()
    with warnings.catch_warnings(), caplog.at_level("INFO"):
        warnings.simplefilter("ignore")
        result = Tuner(trainer(tmp_path)).lr_range_test(model, datamodule=data, num_steps=30, confirm=False)
    s = result.suggestion()
    assert s is not None and data.lr == s and "lr" not in model.hparams
    assert f"LR range test: set DataWithLR.lr = {s:.4g}" in caplog.text


def test_a_carried_result_names_the_places_the_test_set(tmp_path: Any, caplog: Any) -> None:
    """Review 89: the later fit's line named the places as its own Trainer's datamodule held the name (it
    set ``TinyModel.hparams.lr and DataWithLR.lr``), though the test, without a datamodule, set only the
    module's hparam."""
    from lightning_lr.callbacks import OneCycle

    seed_all(4)
    model = TinyModel()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=30, max_lr=3.0)
    s = result.suggestion()
    assert s is not None
    with caplog.at_level("INFO"):
        trainer(tmp_path, callbacks=[OneCycle(pct_start=0.5)], max_steps=4).fit(
            model, datamodule=DataWithLR()
        )
    assert f"(it set TinyModel.hparams.lr = {s:.4g})" in caplog.text


class _TakesTheAnswer(Callback):
    """A user's callback that takes the result (``apply_range_test``, the duck-typed way) and keeps it in its
    state."""

    def __init__(self) -> None:
        self.max_lr: float | None = None

    def apply_range_test(self, result: RangeTestResult) -> None:
        self.max_lr = result.one_cycle_max_lr()

    def state_dict(self) -> dict[str, Any]:
        return {"max_lr": self.max_lr}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.max_lr = state_dict["max_lr"]


def test_a_callback_that_takes_the_answer_keeps_it_after_the_tuner(tmp_path: Any) -> None:
    """Review 99: putting the callbacks' states back after the Tuner's fit wiped the answer a user's callback
    had taken in it (that restore is gone: the callbacks' setup and on_fit_start run in the test's fit, as
    docs/range_test.md says)."""
    taker = _TakesTheAnswer()
    seed_all(0)
    result = Tuner(trainer(tmp_path, callbacks=[taker])).lr_range_test(TinyModel(), loader(), num_steps=30)
    assert result.one_cycle_max_lr() is not None and taker.max_lr == result.one_cycle_max_lr()


def test_the_tuners_fit_prints_no_model_summary(tmp_path: Any, capsys: Any, caplog: Any) -> None:
    """Review 98: the model summary printed in the test's fit; it is the fit's to print (on stdout, or through
    the logging module: Lightning 2.4)."""
    tr = trainer(tmp_path, max_steps=3, enable_model_summary=True)
    seed_all(0)
    with caplog.at_level("INFO"):
        Tuner(tr).lr_range_test(TinyModel(), loader(), num_steps=20, confirm=False, apply=False)
    assert "Params" not in capsys.readouterr().out + caplog.text
    caplog.clear()
    with caplog.at_level("INFO"):
        tr.fit(TinyModel(), loader())
    assert "Params" in capsys.readouterr().out + caplog.text


@pytest.mark.parametrize("finder", ["LearningRateFinder", "BatchSizeFinder"])
def test_the_tuner_refuses_lightnings_finder_callbacks(tmp_path: Any, finder: str) -> None:
    """Review 98: a LearningRateFinder on the Trainer ran Lightning's search in the Tuner's fit and again at
    the next fit, which trained at its LR, not the test's, unsaid; a BatchSizeFinder ran its search in the
    test's fit and left the batch size it found. Refused before anything runs, as Lightning's Tuner does."""
    from lightning.pytorch import callbacks

    model = TinyModel()
    before = [p.detach().clone() for p in model.parameters()]
    tr = trainer(tmp_path, callbacks=[getattr(callbacks, finder)()])
    with pytest.raises(ValueError, match=f"^LR range test: a {finder} callback is in this fit"):
        Tuner(tr).lr_range_test(model, loader(), num_steps=20)
    assert all(torch.equal(a, p) for a, p in zip(before, model.parameters(), strict=True))
    assert tr.global_step == 0 and not list(tmp_path.glob(".lr_find*"))


class _FinderModel(TinyModel):
    """A module whose configure_callbacks returns one of Lightning's finder callbacks."""

    def __init__(self, finder: str) -> None:
        super().__init__()
        self.finder = finder
        self.batch_size = 16  # (what a BatchSizeFinder tunes)

    def configure_callbacks(self) -> Any:
        from lightning.pytorch import callbacks

        return [getattr(callbacks, self.finder)()]

    def train_dataloader(self) -> Any:  # (a BatchSizeFinder refuses loaders given to fit)
        return loader()


@pytest.mark.parametrize("finder", ["LearningRateFinder", "BatchSizeFinder"])
def test_the_tuner_refuses_a_finder_the_module_configures(tmp_path: Any, finder: str) -> None:
    """Review 99: the check ran before the fit, and a finder the module's configure_callbacks returns joined
    only in it: Lightning's LR search ran in the test's fit, or the batch size changed there."""
    model = _FinderModel(finder)
    before = [p.detach().clone() for p in model.parameters()]
    tr = trainer(tmp_path)
    with pytest.raises(
        ValueError, match=f"^LR range test: a {finder} callback is in this fit .* configure_callbacks"
    ):
        Tuner(tr).lr_range_test(model, num_steps=20)
    assert all(torch.equal(a, p) for a, p in zip(before, model.parameters(), strict=True))
    assert not [cb for cb in tr.callbacks if type(cb).__name__ == finder]  # the module's, gone with its fit
    assert model.batch_size == 16


def test_a_finder_subclass_is_named_as_the_user_wrote_it(tmp_path: Any) -> None:
    from lightning.pytorch.callbacks import LearningRateFinder

    class AtEpochs(LearningRateFinder):
        pass

    with pytest.raises(ValueError, match=r"^LR range test: a AtEpochs \(a LearningRateFinder\) callback"):
        Tuner(trainer(tmp_path, callbacks=[AtEpochs()])).lr_range_test(TinyModel(), loader(), num_steps=20)


def test_the_callback_refuses_a_learning_rate_finder_beside_it(tmp_path: Any) -> None:
    """Two LR searches in one fit: Lightning's would set the LR at every fit's start, over the test's answer."""
    from lightning.pytorch.callbacks import LearningRateFinder

    tr = trainer(tmp_path, callbacks=[LearningRateFinder(), LRRangeTest(num_steps=20)], max_steps=3)
    with pytest.raises(ValueError, match=r"^LR range test: a LearningRateFinder callback is in this fit"):
        tr.fit(TinyModel(), loader())
    assert tr.global_step == 0


@pytest.mark.parametrize("entry", ["tuner", "callback"])
def test_a_best_weight_decay_of_zero_on_groups_at_zero_is_not_said(tmp_path: Any, entry: str) -> None:
    # review 116: "best weight decay is 0, ... the module does not hold it" where the groups were at 0 already
    seed_all(6)
    module = ZeroDecayNoAttribute(apart=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if entry == "tuner":
            result = Tuner(trainer(tmp_path)).lr_range_test(
                module, loader(), num_steps=10, confirm=False, weight_decays=[0.0], max_lr=3.0
            )
        else:
            test = LRRangeTest(num_steps=10, confirm=False, weight_decays=[0.0], max_lr=3.0)
            trainer(tmp_path, max_steps=1, callbacks=[test]).fit(module, loader())
            result = test.result
    assert result is not None and result.best_weight_decay == 0.0
    assert not [w for w in caught if "best weight decay is" in str(w.message)]


def test_a_plateau_beside_another_schedule_says_the_lr_it_takes_is_not_used(
    tmp_path: Any, caplog: Any
) -> None:
    # review 114: "ReduceOnPlateau: lr=..., from the LR range test", where the LR that trains is the other
    # callback's schedule's, which the plateau only multiplies
    from lightning_lr.callbacks import CosineDecay, ReduceOnPlateau

    seed_all(2)
    with caplog.at_level("INFO"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trainer(
            tmp_path,
            callbacks=[
                LRRangeTest(num_steps=20, confirm=False),
                CosineDecay(initial=0.05),
                ReduceOnPlateau("train_loss"),
            ],
            max_epochs=1,
        ).fit(TinyModel(), loader())
    (said,) = [line for line in caplog.text.splitlines() if "ReduceOnPlateau: lr=" in line]
    assert "from the LR range test; not used in this fit: it multiplies the schedule" in said
    caplog.clear()
    with caplog.at_level("INFO"), warnings.catch_warnings():  # alone, its own LR: said as before
        warnings.simplefilter("ignore")
        trainer(
            tmp_path,
            callbacks=[LRRangeTest(num_steps=20, confirm=False), ReduceOnPlateau("train_loss")],
            max_epochs=1,
        ).fit(TinyModel(), loader())
    (said,) = [line for line in caplog.text.splitlines() if "ReduceOnPlateau: lr=" in line]
    assert said.endswith("from the LR range test")


@pytest.mark.parametrize("callback", ["OneCycle", "ReduceOnPlateau"])
def test_a_scheduler_replaced_is_said_by_the_fit_not_by_the_tuners_test_before_it(
    tmp_path: Any, callback: str
) -> None:
    # r194: "OneCycle replaces the StepLR that configure_optimizers returned" was said at the Tuner's call, whose
    # fit ends after the test, and again at trainer.fit
    from lightning_lr.callbacks import OneCycle, ReduceOnPlateau

    seed_all(0)
    schedule = OneCycle(max_lr=0.1) if callback == "OneCycle" else ReduceOnPlateau(monitor="train_loss")
    t = trainer(tmp_path, max_epochs=1, callbacks=[schedule])
    model = TinyModel(scheduler="step")
    with warnings.catch_warnings(record=True) as tuned:
        warnings.simplefilter("always")
        Tuner(t).lr_range_test(model, loader(), num_steps=20, confirm=False)
    with warnings.catch_warnings(record=True) as fitted:
        warnings.simplefilter("always")
        t.fit(model, loader())
    replaced = [
        [str(w.message) for w in said if "replaces the StepLR" in str(w.message)] for said in (tuned, fitted)
    ]
    assert replaced[0] == []
    assert len(replaced[1]) == 1 and replaced[1][0].startswith(f"{callback} replaces the StepLR")


def test_a_peak_capped_for_a_later_fits_one_cycle_is_said_there(tmp_path: Any) -> None:
    """r197: a Tuner run without a OneCycle never asks for the 1cycle peak; ``OneCycle()`` in the next fit took a
    peak capped at the range's max_lr from the module's result, and nothing said it was capped (the result's own
    ``one_cycle_max_lr()`` does). It is said there, once, at the user's fit."""
    from lightning_lr.callbacks import OneCycle

    seed_all(4)
    model = TinyModel()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the answer at the range's top is a bound: said by the test)
        result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=30, max_lr=1e-2)
    with warnings.catch_warnings(record=True) as own:
        warnings.simplefilter("always")
        top = result.one_cycle_max_lr()
    assert (
        top == pytest.approx(1e-2) and len(own) == 1 and str(own[0].message).endswith("it is capped at 0.01")
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer(tmp_path, callbacks=[OneCycle()], max_steps=4).fit(model, loader())
    said = [w for w in caught if "capped" in str(w.message)]
    assert [str(w.message) for w in said] == [
        f"OneCycle: from the range test run before this fit, {own[0].message}"
    ]
    assert said[0].filename == __file__
