"""A param group added to the optimizer mid-run (Lightning's BaseFinetuning unfreezing a backbone) follows the
schedule from the LR it was added with, is logged under LearningRateMonitor's tags, and resumes exactly."""

from __future__ import annotations

import json
import warnings
from typing import Any

import lightning.pytorch as pl
import pytest
import torch
from lightning.pytorch.callbacks import BaseFinetuning, LearningRateMonitor, ModelCheckpoint
from lightning.pytorch.loggers import CSVLogger
from torch.utils.data import DataLoader, TensorDataset

from lightning_lr.callbacks import CosineDecay, OneCycle, ReduceOnPlateau

from support.recording import DumpPerRank, Recorder
from support.trainers import DDP, fit, trainer


class Backbone(pl.LightningModule):
    """A frozen backbone and a head; the optimizer starts with the head's parameters only."""

    def __init__(self, lr: float = 0.1) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.lr = lr
        self.backbone = torch.nn.Linear(8, 16)
        self.head = torch.nn.Linear(16, 2)

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        loss = torch.nn.functional.cross_entropy(self.head(torch.relu(self.backbone(x))), y)
        self.log("train_loss", loss, on_step=False, on_epoch=True)
        return loss

    def configure_optimizers(self) -> Any:
        params = [p for p in self.parameters() if p.requires_grad]
        return torch.optim.SGD(params, lr=self.lr, momentum=0.9)

    def train_dataloader(self) -> DataLoader:
        g = torch.Generator().manual_seed(0)
        x = torch.randn(32, 8, generator=g)
        return DataLoader(TensorDataset(x, (x[:, 0] > 0).long()), batch_size=8)


class TorchCosine(Backbone):
    """The reference: torch's CosineAnnealingLR returned by the module, over the same 12 steps."""

    def configure_optimizers(self) -> Any:
        optimizer = super().configure_optimizers()
        cosine = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=12)
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": cosine, "interval": "step"}}


class Unfreeze(BaseFinetuning):
    """Unfreezes the backbone at epoch ``at`` (1) as a group at a tenth of the head's LR (BaseFinetuning's
    default)."""

    def __init__(self, at: int = 1) -> None:
        super().__init__()
        self.at = at

    def freeze_before_training(self, pl_module: pl.LightningModule) -> None:
        self.freeze(pl_module.backbone)

    def finetune_function(self, pl_module: pl.LightningModule, epoch: int, optimizer: Any) -> None:
        if epoch == self.at:
            self.unfreeze_and_add_param_group(pl_module.backbone, optimizer)


def _fit(
    tmp_path: Any, model: Backbone, callbacks: list[Any], unfreeze_at: int = 1, **kwargs: Any
) -> Recorder:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*does not have many workers.*")
        return fit(tmp_path, model, [Unfreeze(unfreeze_at), *callbacks], **{"max_epochs": 3, **kwargs})


def _halving(**kwargs: Any) -> ReduceOnPlateau:
    """Patience 0 on the loss logged per epoch, and a margin of 10 it never beats: the first check sets the
    best, every later one halves the LR."""
    return ReduceOnPlateau(
        "train_loss", factor=0.5, patience=0, threshold=10.0, threshold_mode="abs", **kwargs
    )


def test_the_added_group_follows_the_cosine_as_under_torchs_scheduler(tmp_path: Any) -> None:
    ours = _fit(tmp_path / "ours", Backbone(), [CosineDecay()])
    theirs = _fit(tmp_path / "torch", TorchCosine(), [])
    assert [len(r[1]) for r in ours.rows] == [1] * 4 + [2] * 8  # the backbone joins at epoch 1 (step 4)
    for (_, mine, _), (_, want, _) in zip(ours.rows, theirs.rows, strict=True):
        assert mine == pytest.approx(want, rel=1e-12)
    assert ours.rows[4][1][1] == pytest.approx(ours.rows[4][1][0] / 10)  # added at a tenth of the head's LR


def test_with_a_one_cycle_the_added_group_keeps_its_ratio_and_gets_the_momentum_cycle(tmp_path: Any) -> None:
    rec = _fit(tmp_path, Backbone(), [OneCycle(max_lr=0.1)])
    for _, lrs, _ in rec.rows[4:]:
        assert lrs[1] == pytest.approx(lrs[0] / 10, rel=1e-12)
    # the group's first step has the cycle's momentum too (before: SGD's 0.9; the scheduler took the group in
    # only at its next step)
    assert rec.rows[4][2][0] == pytest.approx(0.8567, abs=1e-4)
    for _, _, moms in rec.rows[4:]:
        assert moms[1] == moms[0]
    assert len({m[0] for _, _, m in rec.rows[4:]}) > 1  # the momentum does cycle


class _GroupMomentum(Backbone):
    """SGD's default momentum is 0 and the head's group asks for ``head``: the group BaseFinetuning adds
    takes the default, 0."""

    def __init__(self, head: float) -> None:
        super().__init__()
        self.head_momentum = head

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(
            [{"params": self.head.parameters(), "momentum": self.head_momentum}], lr=self.lr
        )


def test_an_added_group_with_momentum_0_keeps_it_as_a_configured_one_does(tmp_path: Any) -> None:
    # review 57: the head's 0.9 was cycled and the added group's 0 switched on with it, without a word; a
    # group configured with momentum=0 keeps it (with a warning), so an added one does too
    with pytest.warns(
        UserWarning, match=r"param group 1 was added to SGD at step 4 with momentum=0, so its "
    ):
        rec = _fit(tmp_path / "a", _GroupMomentum(head=0.9), [OneCycle(max_lr=0.1)])
    assert len({m[0] for _, _, m in rec.rows[4:]}) > 1  # the head's momentum cycles
    assert [m[1] for _, _, m in rec.rows[4:]] == [0.0] * 8
    # cycle_momentum=True cycles a group configured with 0, so it cycles the added one too
    rec = _fit(tmp_path / "b", _GroupMomentum(head=0.0), [OneCycle(max_lr=0.1, cycle_momentum=True)])
    assert [m[1] for _, _, m in rec.rows[4:]] == [m[0] for _, _, m in rec.rows[4:]]
    assert rec.rows[4][2][1] > 0.8


def test_the_added_group_is_logged_under_learning_rate_monitors_tags(tmp_path: Any) -> None:
    # before the fix the logging crashed at the first step after the unfreeze (a zip of groups and tags)
    tags = {}
    monitor = LearningRateMonitor(log_momentum=True)
    for name, callbacks in (("ours", [CosineDecay()]), ("monitor", [CosineDecay(log_lr=False), monitor])):
        logger = CSVLogger(tmp_path, name=name)
        _fit(tmp_path / name, Backbone(), callbacks, logger=logger, log_every_n_steps=1)
        header = (tmp_path / name / "version_0" / "metrics.csv").read_text().splitlines()[0].split(",")
        tags[name] = {h for h in header if h.startswith("lr-")}
    # one group: "lr-SGD"; two: "/pg1", "/pg2", as LearningRateMonitor names them
    assert tags["ours"] == tags["monitor"]
    assert {"lr-SGD", "lr-SGD/pg1", "lr-SGD/pg2", "lr-SGD/pg2-momentum"} <= tags["ours"]


@pytest.mark.filterwarnings("ignore:.*(cut off|past the run).*")
def test_a_resume_after_the_unfreeze_repeats_the_uninterrupted_run(tmp_path: Any) -> None:
    full = _fit(tmp_path / "full", Backbone(), [CosineDecay(total=12)])
    ckpt = ModelCheckpoint(tmp_path / "ckpt", every_n_epochs=1, save_top_k=-1, save_on_train_epoch_end=True)
    # stopped after 2 epochs (the backbone joined at the second), then resumed from the end of epoch 1
    first = _fit(
        tmp_path / "first", Backbone(), [CosineDecay(total=12), ckpt], enable_checkpointing=True, max_steps=8
    )
    (path,) = (tmp_path / "ckpt").glob("epoch=1-step=8.ckpt")
    resumed = _fit(tmp_path / "again", Backbone(), [CosineDecay(total=12)], ckpt_path=str(path))
    assert [r[1] for r in first.rows] == [r[1] for r in full.rows[:8]]
    assert [r[1] for r in resumed.rows] == [r[1] for r in full.rows[8:]]  # bit for bit, both groups
    assert len({r[1][1] for r in full.rows[4:]}) == 8  # the added group's LR moves at every step


def test_a_plateau_reduction_before_the_unfreeze_carries_over_to_the_added_group(tmp_path: Any) -> None:
    rec = _fit(tmp_path, Backbone(), [_halving()], unfreeze_at=2, max_epochs=4)
    head = [r[1][0] for r in rec.rows]
    backbone = [r[1][1] for r in rec.rows[8:]]
    assert head[:8] == [0.1] * 8 and head[8] == 0.05 and head[12] == 0.025  # reduced after epochs 1 and 2
    assert backbone[0] == pytest.approx(0.005)  # added at a tenth of the reduced head LR
    assert backbone == pytest.approx([h / 10 for h in head[8:]], rel=1e-12)  # and reduced with it after


@pytest.mark.ddp
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_under_ddp_every_rank_schedules_the_added_group_alike(tmp_path: Any) -> None:
    out = tmp_path / "ranks"
    out.mkdir()
    _fit(tmp_path, Backbone(), [CosineDecay(), DumpPerRank(str(out))], strategy=DDP, devices=2)
    ranks = [json.loads((out / f"rank{r}.json").read_text())["rows"] for r in (0, 1)]
    assert ranks[0] == ranks[1]
    # 32 samples on 2 ranks with batch 8: 2 steps an epoch; the backbone joins at epoch 1
    assert [len(row[1]) for row in ranks[0]] == [1, 1, 2, 2, 2, 2]
    for row in ranks[0][2:]:
        assert row[1][1] == pytest.approx(row[1][0] / 10, rel=1e-12)


@pytest.mark.filterwarnings("ignore:.*(cut off|past the run).*")
def test_reductions_the_added_group_did_not_get_survive_a_resume(tmp_path: Any) -> None:
    # a change of eps or less is not made (as torch): the head (0.05 -> 0.025) is reduced at the end of epoch
    # 2, the backbone, added at 0.01 and halved to 0.005 at the end of epoch 1, is not (0.0025 is too small a
    # change)
    def plateau() -> ReduceOnPlateau:
        return _halving(eps=0.004)

    full = _fit(tmp_path / "full", Backbone(), [plateau()], max_epochs=4)
    assert [r[1] for r in full.rows[8:9]] == [[0.05, 0.005]]
    assert [r[1] for r in full.rows[12:13]] == [[0.025, 0.005]]
    ckpt = ModelCheckpoint(tmp_path / "ckpt", every_n_epochs=1, save_top_k=-1, save_on_train_epoch_end=True)
    _fit(tmp_path / "first", Backbone(), [plateau(), ckpt], enable_checkpointing=True, max_epochs=4)
    (path,) = (tmp_path / "ckpt").glob("epoch=2-step=12.ckpt")
    resumed = _fit(tmp_path / "again", Backbone(), [plateau()], ckpt_path=str(path), max_epochs=4)
    assert [r[1] for r in resumed.rows] == [r[1] for r in full.rows[12:]]


def test_a_plateau_floor_applies_to_the_added_group_at_its_ratio(tmp_path: Any) -> None:
    # min_lr 0.03: the head stops at 0.03 after two reductions; the backbone, at a tenth, stops at 0.003
    rec = _fit(tmp_path, Backbone(), [_halving(min_lr=0.03)], max_epochs=5)
    got = [r[1] for r in rec.rows[8::4]]
    assert got == [[0.05, 0.005], [0.03, pytest.approx(0.003)], [0.03, pytest.approx(0.003)]]


class _TwoStepsPerBatch(Backbone):
    """Manual optimization, two optimizer steps per batch (the callback rebuilds its schedule after the
    first batch, once it knows the steps per batch)."""

    def __init__(self) -> None:
        super().__init__()
        self.automatic_optimization = False

    def training_step(self, batch: Any, batch_idx: int) -> None:
        opt, sched = self.optimizers(), self.lr_schedulers()
        x, y = batch
        for _ in range(2):
            loss = torch.nn.functional.cross_entropy(self.head(torch.relu(self.backbone(x))), y)
            opt.zero_grad()
            self.manual_backward(loss)
            opt.step()
            sched.step()


class _UnfreezeFirst(Unfreeze):
    def finetune_function(self, pl_module: pl.LightningModule, epoch: int, optimizer: Any) -> None:
        if epoch == 0:
            self.unfreeze_and_add_param_group(pl_module.backbone, optimizer)


@pytest.mark.filterwarnings("ignore:.*step 2 times per batch.*")
def test_a_schedule_rebuilt_after_the_first_batch_keeps_the_group_added_before_it(tmp_path: Any) -> None:
    rec = Recorder()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*does not have many workers.*")
        fit(tmp_path, _TwoStepsPerBatch(), [_UnfreezeFirst(), CosineDecay(), rec], max_epochs=2)
    lrs = [r[1] for r in rec.rows]
    assert len(lrs) == 16  # 8 batches, 2 steps each
    assert all(len(r) == 2 and r[1] == pytest.approx(r[0] / 10, rel=1e-12) for r in lrs)
    assert lrs[-1][0] < lrs[0][0] / 10  # the cosine over the 16 steps


class _UnfreezeTwice(Unfreeze):
    """The backbone's two layers: the first at epoch 1, the second at epoch 2."""

    def freeze_before_training(self, pl_module: pl.LightningModule) -> None:
        self.freeze(pl_module.backbone)

    def finetune_function(self, pl_module: pl.LightningModule, epoch: int, optimizer: Any) -> None:
        if epoch == 1:
            self.unfreeze_and_add_param_group(pl_module.backbone.weight_holder, optimizer)
        if epoch == 2:
            self.unfreeze_and_add_param_group(pl_module.backbone.bias_holder, optimizer)


class _TwoParts(Backbone):
    def __init__(self) -> None:
        super().__init__()
        self.backbone = torch.nn.Module()
        self.backbone.weight_holder = torch.nn.Linear(8, 16)
        self.backbone.bias_holder = torch.nn.Linear(16, 16)

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        hidden = torch.relu(self.backbone.bias_holder(torch.relu(self.backbone.weight_holder(x))))
        loss = torch.nn.functional.cross_entropy(self.head(hidden), y)
        self.log("train_loss", loss, on_step=False, on_epoch=True)
        return loss


def test_groups_added_at_two_epochs_with_reductions_between_them(tmp_path: Any) -> None:
    # before the fix the reduction after the second addition raised "the checkpoint holds reductions for
    # 2 param groups ... has 3"
    rec = fit(tmp_path, _TwoParts(), [_UnfreezeTwice(), _halving()], max_epochs=4)
    assert [len(r[1]) for r in rec.rows] == [1] * 4 + [2] * 4 + [3] * 8
    assert [r[1][0] for r in rec.rows[::4]] == [0.1, 0.1, 0.05, 0.025]  # reduced after epochs 1, 2 (and 3)
    for _, lrs, _ in rec.rows[8:]:  # each added at a tenth of the head's LR then, and reduced with it
        assert lrs[1:] == [pytest.approx(lrs[0] / 10, rel=1e-12)] * 2


class _Ramp(Backbone):
    """The reference for BackboneFinetuning: torch's CosineAnnealingLR returned by the module."""

    def configure_optimizers(self) -> Any:
        optimizer = super().configure_optimizers()
        cosine = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=16)
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": cosine, "interval": "step"}}


def _backbone_finetuning() -> Any:
    from lightning.pytorch.callbacks import BackboneFinetuning

    # unfreezes at epoch 1 at a tenth of the head's LR, then raises the backbone's LR 1.5x every epoch start
    return BackboneFinetuning(1, _times_one_and_a_half, backbone_initial_ratio_lr=0.1, should_align=False)


def _times_one_and_a_half(epoch: int) -> float:
    return 1.5


def test_backbone_finetunings_ramp_holds_as_under_torchs_scheduler(tmp_path: Any) -> None:
    # BackboneFinetuning changes the added group's LR at every epoch start: the group keeps the new ratio
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*does not have many workers.*")
        ours = fit(
            tmp_path / "ours", Backbone(), [_backbone_finetuning(), CosineDecay(total=16)], max_epochs=4
        )
        theirs = fit(tmp_path / "torch", _Ramp(), [_backbone_finetuning()], max_epochs=4)
    for (_, mine, _), (_, want, _) in zip(ours.rows, theirs.rows, strict=True):
        assert mine == pytest.approx(want, rel=1e-12)
    ratios = [r[1][1] / r[1][0] for r in ours.rows[4::4]]
    assert ratios[0] == pytest.approx(0.1) and ratios[0] < ratios[1] < ratios[2]  # the ramp is kept


class _DropIn(Backbone):
    """The module returns lightning_lr's ExponentialLR drop-in (a relative scheduler)."""

    def configure_optimizers(self) -> Any:
        from lightning_lr.optim import ExponentialLR

        optimizer = super().configure_optimizers()
        return {
            "optimizer": optimizer,
            "lr_scheduler": {"scheduler": ExponentialLR(optimizer, 0.99), "interval": "step"},
        }


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_range_test_during_the_fit_after_an_unfreeze_keeps_the_added_group_following(tmp_path: Any) -> None:
    # the test at epoch 2 rescales the live scheduler; before the fix the drop-in then raised an IndexError
    from lightning_lr import LRRangeTest

    test = LRRangeTest(min_lr=1e-4, max_lr=1.0, num_steps=8, epochs=[2], confirm=False)
    rec = _fit(tmp_path, _DropIn(), [test], max_epochs=4)
    (result,) = test.results.values()
    assert rec.rows[8][1][0] == pytest.approx(result.suggestion(), rel=1e-9)  # applied at epoch 2
    for _, lrs, _ in rec.rows[4:]:
        assert lrs[1] == pytest.approx(lrs[0] / 10, rel=1e-9)


class _ApplyAtEpochStart(pl.Callback):
    """Gives the schedule callbacks a range test's result at the start of ``epoch``, where it is listed."""

    def __init__(self, epoch: int) -> None:
        from support.fakes import FakeRangeTest

        self.epoch, self.result = epoch, FakeRangeTest(suggestion=0.05)

    def on_train_epoch_start(self, trainer: pl.Trainer, pl_module: Any) -> None:
        if trainer.current_epoch == self.epoch:
            for cb in trainer.callbacks:
                if hasattr(cb, "apply_range_test"):
                    cb.apply_range_test(self.result)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_backbone_finetunings_write_before_a_range_test_in_the_same_epoch_is_kept(tmp_path: Any) -> None:
    # review 45: with BackboneFinetuning listed before the range test of epoch 2, its ramp (written at the
    # epoch's start) was overwritten when the test rebuilt the schedule: the backbone fell back to a tenth
    plain = fit(tmp_path / "plain", Backbone(), [_backbone_finetuning(), CosineDecay(total=16)], max_epochs=4)
    tested = fit(
        tmp_path / "tested",
        Backbone(),
        [_backbone_finetuning(), _ApplyAtEpochStart(2), CosineDecay(total=16)],
        max_epochs=4,
    )
    ratio = [r[1][-1] / r[1][0] for r in plain.rows]  # 1 from epoch 0, one group then
    tested_ratio = [r[1][-1] / r[1][0] for r in tested.rows]
    assert ratio[8] > ratio[7] == pytest.approx(0.1)  # the ramp at epoch 2's start
    assert tested_ratio[8] == pytest.approx(ratio[8], rel=1e-9)
    assert tested.rows[8][1][0] != pytest.approx(plain.rows[8][1][0])  # the test moved the head's LR


def test_backbone_finetunings_own_lr_writes_are_said_once(tmp_path: Any) -> None:
    # review 114: BackboneFinetuning writes the backbone's LR at every epoch start from its own last value;
    # the schedule takes each write as a new ratio, so under a OneCycle the ramp it means is not what runs
    from lightning.pytorch.callbacks import BackboneFinetuning

    bf = BackboneFinetuning(unfreeze_backbone_at_epoch=1, lambda_func=lambda e: 1.5, verbose=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit(tmp_path / "bf", Backbone(), [bf, OneCycle(max_lr=0.1)], max_epochs=3)
    said = [str(w.message) for w in caught if "BackboneFinetuning sets the LR" in str(w.message)]
    assert len(said) == 1
    assert "OneCycle takes each such write as the group's new ratio" in said[0]
    assert "unfreeze_and_add_param_group(..., initial_denom_lr=10)" in said[0]
    # an unfreeze that writes no LR after it: nothing to say
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _fit(tmp_path / "own", Backbone(), [OneCycle(max_lr=0.1)])
    assert not [w for w in caught if "BackboneFinetuning" in str(w.message)]

    class Once(BackboneFinetuning):  # review 116: a subclass that unfreezes once and writes no LR after
        def finetune_function(self, pl_module: Any, epoch: int, optimizer: Any) -> None:
            if epoch == self.unfreeze_backbone_at_epoch:
                self.unfreeze_and_add_param_group(pl_module.backbone, optimizer, initial_denom_lr=10)

    once = Once(unfreeze_backbone_at_epoch=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = fit(tmp_path / "once", Backbone(), [once, OneCycle(max_lr=0.1)], max_epochs=3)
    assert not [w for w in caught if "sets the LR of the backbone" in str(w.message)]
    assert {round(lrs[1] / lrs[0], 12) for _, lrs, _ in rec.rows[4:]} == {0.1}


class _CountsGroups(Backbone):
    """Records, at every training_step call (the range test's too), the epoch and its optimizer's group count."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[int, int]] = []

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        self.seen.append((self.trainer.current_epoch, len(self.trainer.optimizers[0].param_groups)))
        return super().training_step(batch, batch_idx)


@pytest.mark.parametrize("listed_first", [True, False])
def test_a_finetuning_callback_that_changes_the_model_after_the_epochs_test_is_said(
    tmp_path: Any, listed_first: bool
) -> None:
    """r197: an ``LRRangeTest(epochs=[1])`` listed before the BaseFinetuning that unfreezes the backbone at
    epoch 1 ran before it, swept the head alone, and the fit then trained both groups at that answer (to
    chance accuracy), unsaid. Listed after it, the test sweeps both groups; listed before, the fit's next batch
    finds the group the test did not sweep, and says so."""
    from lightning_lr import LRRangeTest

    test = LRRangeTest(min_lr=1e-4, max_lr=1.0, num_steps=8, epochs=[1], confirm=False)
    unfreeze, model = Unfreeze(1), _CountsGroups()
    fitted = trainer(tmp_path, [test, unfreeze] if listed_first else [unfreeze, test], max_epochs=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", ".*does not have many workers.*")
        fitted.fit(model)
    said = [str(w.message) for w in caught if "is not the one the test" in str(w.message)]
    assert len(test.results) == 1
    # epoch 0: 4 batches of the head alone; epoch 1: the sweep's 8 steps, then the epoch's 4 with both groups
    assert model.seen == [(0, 1)] * 4 + [(1, 1 if listed_first else 2)] * 8 + [(1, 2)] * 4
    if listed_first:
        assert said == [
            "LR range test: the model this fit trains is not the one the test at the start of epoch 1 swept: the "
            "optimizer has 2 param groups where the test swept 1; 2 parameters now train (backbone.bias, "
            "backbone.weight). That changed in a hook that runs after the test: the on_train_epoch_start of a "
            "callback listed after LRRangeTest (list LRRangeTest after it), or the module's own "
            "on_train_epoch_start (Lightning calls it after every callback's: make the change in setup or "
            "configure_optimizers instead). The answer was applied as found"
        ]
        assert caught[[str(w.message) for w in caught].index(said[0])].filename == __file__
    else:
        assert said == []


class _BnEvalAtTrainStart(Backbone):
    def on_train_start(self) -> None:
        self.backbone.eval()


def test_a_module_hook_that_changes_the_model_after_the_test_is_said(tmp_path: Any, caplog: Any) -> None:
    """r197: a module that put a layer in eval mode in ``on_train_start`` (Lightning calls it after the
    callbacks', so after the callback's test) was swept in train mode and trained in eval mode, unsaid. The
    callback's test finds it at the fit's first batch; the Tuner's, whose fit ends in on_train_start, says
    that the module's hook runs in the fit after it. A module without the hook hears neither."""
    from lightning_lr import LRRangeTest, Tuner

    for model, changes in ((_BnEvalAtTrainStart(), True), (Backbone(), False)):
        test = LRRangeTest(min_lr=1e-4, max_lr=1.0, num_steps=8, confirm=False)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fit(tmp_path, model, [test], max_epochs=1)
        said = [str(w.message) for w in caught if "is not the one the test" in str(w.message)]
        assert len(said) == changes
        if changes:
            assert (
                "the test at the fit's start swept: 1 submodules are now in eval mode (backbone (Linear))"
                in said[0]
            )
            assert "or the module's own on_train_start" in said[0] and "pass epochs=[0]" in said[0]
        caplog.clear()
        with caplog.at_level("INFO"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            Tuner(trainer(tmp_path)).lr_range_test(model, min_lr=1e-4, max_lr=1.0, num_steps=8, confirm=False)
        lines = [
            r.getMessage()
            for r in caplog.records
            if "runs in the fit after the Tuner's test" in r.getMessage()
        ]
        assert len(lines) == changes
        if changes:
            assert lines[0].startswith(
                "LR range test: _BnEvalAtTrainStart.on_train_start runs in the fit after"
            )


class _WarningsPerRank(pl.Callback):
    """Writes, at the end of training, the warnings its rank's process gave during the fit and the groups the
    model's training_step calls saw, to ``<directory>/rank<r>.json`` (a forked rank keeps its objects)."""

    def __init__(self, directory: str) -> None:
        self.directory = directory

    def on_fit_start(self, trainer: pl.Trainer, pl_module: Any) -> None:
        self._held = warnings.catch_warnings(record=True)
        self._caught = self._held.__enter__()
        warnings.simplefilter("always")

    def on_train_end(self, trainer: pl.Trainer, pl_module: Any) -> None:
        self._held.__exit__(None, None, None)
        data = {"warnings": [str(w.message) for w in self._caught], "seen": pl_module.seen}
        with open(f"{self.directory}/rank{trainer.global_rank}.json", "w") as f:
            json.dump(data, f)


@pytest.mark.ddp
def test_under_ddp_the_change_after_the_test_is_said_once_and_every_rank_trains_on(tmp_path: Any) -> None:
    """The comparison is each rank's own (no collective: every rank runs the same hooks); rank 0 says it."""
    from lightning_lr import LRRangeTest

    test = LRRangeTest(min_lr=1e-4, max_lr=1.0, num_steps=8, epochs=[1], confirm=False)
    callbacks = [test, Unfreeze(1), _WarningsPerRank(str(tmp_path))]
    fitted = trainer(tmp_path, callbacks, max_epochs=2, strategy=DDP, devices=2)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*does not have many workers.*")
        fitted.fit(_CountsGroups())
    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in range(2)]
    for r, data in enumerate(ranks):
        # 32 samples over 2 ranks: 2 batches an epoch each; the sweep's 8 steps saw the head alone
        assert data["seen"] == [[0, 1]] * 2 + [[1, 1]] * 8 + [[1, 2]] * 2
        said = [w for w in data["warnings"] if "is not the one the test at the start of epoch 1" in w]
        assert len(said) == (1 if r == 0 else 0)
