"""r193: every warning a range test gives (the Tuner's tests, the ``LRRangeTest`` callback, the schedule callbacks
it fills) points at the user's line that called the Tuner or the fit, never at a file inside lightning_lr."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
from torch.utils.data import DataLoader, IterableDataset

from lightning_lr import LRRangeTest, Tuner
from lightning_lr import schedules as S
from lightning_lr.callbacks import Cyclic, LRSchedule, OneCycle

from support.models import (
    NoWeightDecayAttribute,
    ScriptedLoss,
    TinyModel,
    classification_dataset,
    loader,
    val_loader,
)
from support.origin import assert_said_at
from support.state import seed_all
from support.trainers import trainer


class _NaNAt(TinyModel):
    """A NaN loss at its ``call``-th training step."""

    def __init__(self, call: int) -> None:
        super().__init__()
        self.call, self.calls = call, 0

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        self.calls += 1
        loss = super().training_step(batch, batch_idx)
        return loss * math.nan if self.calls == self.call else loss


class _NoLR(TinyModel):
    """Its LR lives only in configure_optimizers: no ``lr`` attribute or hparam to set."""

    def __init__(self) -> None:
        super().__init__()
        del self.hparams["lr"]

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(self.parameters(), lr=0.05, momentum=0.9)


class _HardCodedLR(TinyModel):
    """Has the ``lr`` hparam, which configure_optimizers does not read."""

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(self.parameters(), lr=0.05, momentum=0.9)


class _FixedHead(TinyModel):
    """The head (the largest group) at a fixed LR 0.5, the body at ``hparams.lr``."""

    def configure_optimizers(self) -> Any:
        head = {"params": self.net[-1].parameters(), "lr": 0.5}
        body = {"params": self.net[0].parameters(), "lr": self.hparams.lr}
        return torch.optim.SGD([body, head], lr=self.hparams.lr, momentum=0.9)


class _FixedSmallHead(TinyModel):
    """The head at a fixed LR 0.01, below the body at ``hparams.lr``."""

    def configure_optimizers(self) -> Any:
        head = list(self.net[-1].parameters())
        body = [p for p in self.parameters() if all(p is not h for h in head)]
        return torch.optim.SGD(
            [{"params": body, "lr": self.hparams.lr}, {"params": head, "lr": 0.01}], momentum=0.9
        )


class _DropInCycle(TinyModel):
    """lightning_lr's drop-in OneCycleLR, its peak ``hparams.lr``."""

    def configure_optimizers(self) -> Any:
        from lightning_lr.optim import OneCycleLR

        opt = torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=0.9)
        cycle = OneCycleLR(opt, max_lr=self.hparams.lr, total_steps=16)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": cycle, "interval": "step"}}


class _FrozenBackbone(TinyModel):
    """The first layer frozen (requires_grad=False) but in the optimizer, at 10 times the head's LR."""

    def __init__(self) -> None:
        super().__init__(batchnorm=False)
        self.net[0].requires_grad_(False)

    def configure_optimizers(self) -> Any:
        groups = [
            {"params": self.net[0].parameters(), "lr": self.hparams.lr},
            {"params": self.net[-1].parameters(), "lr": self.hparams.lr / 10},
        ]
        return torch.optim.SGD(groups, momentum=0.9)


class _LogsOtherKey(TinyModel):
    def validation_step(self, batch: Any, batch_idx: int) -> None:
        self.log("valid/loss", torch.nn.functional.cross_entropy(self(batch[0]), batch[1]))


class _Stream(IterableDataset):  # type: ignore[type-arg]
    """``n`` batches of 32 without a length."""

    def __init__(self, n: int) -> None:
        self.data, self.n = classification_dataset(32 * n, seed=0), n

    def __iter__(self) -> Iterator[Any]:
        for i in range(self.n):
            yield self.data[32 * i : 32 * (i + 1)]


def _line_search(scores: tuple[float, ...]) -> ScriptedLoss:
    """A 40-step sweep with a dip in its middle, then 10 steps per candidate at ``scores`` (see test_confirm)."""
    sweep = [2.0 + 0.02 * (-1) ** i for i in range(15)]
    sweep += [1.0 + 0.02 * (-1) ** i for i in range(10)] + [2.0 + 0.02 * (-1) ** i for i in range(15)]
    return ScriptedLoss(sweep + [sc + 0.01 * (-1) ** i for sc in scores for i in range(10)])


# Each case's lines call the Tuner or trainer.fit here, in this file: the warnings must point at them.


def _retry(tmp: Path) -> None:
    Tuner(trainer(tmp)).lr_range_test(
        TinyModel(), loader(), num_steps=12, min_lr=1e-9, max_lr=1e-8, confirm_steps=5
    )


def _no_weight_decay_tuner(tmp: Path) -> None:
    model = TinyModel(optimizer="adamw", weight_decay=0.05)
    Tuner(trainer(tmp)).lr_range_test(model, loader(), weight_decays=[0.0, 1e-4, 1e-2], confirm=False)


def _no_weight_decay_callback(tmp: Path) -> None:
    test = LRRangeTest(confirm=False, weight_decays=[0.0, 1e-4, 1e-2])
    trainer(tmp, max_steps=1, callbacks=[test]).fit(TinyModel(optimizer="adamw", weight_decay=0.05), loader())


def _highest_candidate(tmp: Path) -> None:
    Tuner(trainer(tmp)).lr_range_test(
        _line_search((1.4, 1.2, 1.0, 0.8, 0.7)), loader(), min_lr=1e-6, max_lr=10.0, num_steps=40,
        confirm_steps=10, early_stop_threshold=None,
    )  # fmt: skip


def _decay_split(tmp: Path) -> None:
    Tuner(trainer(tmp)).lr_range_test(
        NoWeightDecayAttribute(0.0), loader(), weight_decays=[0.0, 1e-2], num_steps=20, confirm=False
    )


def _frozen(tmp: Path) -> None:
    Tuner(trainer(tmp, max_epochs=1)).lr_range_test(_FrozenBackbone(), loader(), num_steps=20, confirm=False)


def _still_falling(tmp: Path) -> None:
    Tuner(trainer(tmp)).lr_range_test(
        TinyModel(), loader(n=512), max_lr=1.0, num_steps=40, confirm=False, apply=False
    )


def _nan_candidate(tmp: Path) -> None:
    Tuner(trainer(tmp)).lr_range_test(
        _NaNAt(33), loader(n=128), num_steps=30, max_lr=1.0, confirm_steps=10, early_stop_threshold=None,
        retry=False, apply=False,
    )  # fmt: skip


def _nan_after_outlier(tmp: Path) -> None:
    script = [1.0] * 100
    script[30], script[34] = 1e3, math.nan
    Tuner(trainer(tmp)).lr_range_test(
        ScriptedLoss(script), loader(), num_steps=100, confirm=False, apply=False, retry=False
    )


def _nan_stops_the_sweep(tmp: Path) -> None:
    Tuner(trainer(tmp)).lr_range_test(
        ScriptedLoss([1.0] * 15 + [math.nan]), loader(), apply=False, retry=False
    )


def _nan_stops_the_momentum_sweep(tmp: Path) -> None:
    Tuner(trainer(tmp)).momentum_range_test(ScriptedLoss([1.0] * 15 + [math.nan]), loader(), num_steps=30)


def _fewer_val_batches(tmp: Path) -> None:
    Tuner(trainer(tmp)).lr_range_test(
        TinyModel(), loader(), val_dataloaders=val_loader(n=64), val_loss=True, val_batches=10, num_steps=10,
        confirm=False,
    )  # fmt: skip


def _val_dataloaders_unused(tmp: Path) -> None:
    Tuner(trainer(tmp)).lr_range_test(
        TinyModel(), loader(), val_dataloaders=val_loader(n=64), num_steps=10, confirm=False
    )


def _callback_on_the_trainer(tmp: Path) -> None:
    test = LRRangeTest(confirm=False, num_steps=10, epochs=[0, 2])
    Tuner(trainer(tmp, callbacks=[test])).lr_range_test(TinyModel(), loader(), num_steps=10, confirm=False)


def _fast_dev_run_callback(tmp: Path) -> None:
    test = LRRangeTest(num_steps=20, epochs=[2])
    trainer(tmp, callbacks=[test], fast_dev_run=True, max_epochs=5).fit(TinyModel(), loader())


def _fast_dev_run_tuner(tmp: Path) -> None:
    Tuner(trainer(tmp, fast_dev_run=True)).lr_range_test(TinyModel(), loader(), num_steps=20)


def _never_runs(tmp: Path) -> None:
    test = LRRangeTest(num_steps=5, epochs=[1, 5, 7], apply=False, confirm=False)
    trainer(tmp, max_epochs=2, callbacks=[test]).fit(TinyModel(), loader())


def _never_ran(tmp: Path) -> None:
    test = LRRangeTest(num_steps=5, epochs=[1], apply=False, confirm=False)
    trainer(tmp, max_epochs=-1, max_steps=6, callbacks=[test]).fit(
        TinyModel(), DataLoader(_Stream(8), batch_size=None)
    )


def _sanity_check(tmp: Path) -> None:
    test = LRRangeTest(epochs=[1], num_steps=10, confirm=False, val_loss=True)
    with pytest.raises(ValueError, match="neither returned a loss nor logged 'val_loss'"):
        trainer(tmp, max_epochs=2, num_sanity_val_steps=1, callbacks=[test]).fit(
            _LogsOtherKey(), loader(), val_dataloaders=val_loader(n=64)
        )


def _nothing_set(tmp: Path) -> None:
    Tuner(trainer(tmp)).lr_range_test(_NoLR(), loader(), num_steps=30, max_lr=3.0)


def _not_read(tmp: Path) -> None:
    Tuner(trainer(tmp)).lr_range_test(_HardCodedLR(), loader(), num_steps=30, max_lr=3.0)


def _not_in_proportion(tmp: Path) -> None:
    Tuner(trainer(tmp)).lr_range_test(_FixedHead(batchnorm=False), loader(), num_steps=20, confirm=False)


def _not_derived(tmp: Path) -> None:
    test = LRRangeTest(num_steps=12, confirm=False)
    trainer(tmp, callbacks=[test], max_steps=2).fit(_FixedSmallHead(batchnorm=False), loader())


def _drop_in_out_of_reach(tmp: Path) -> None:
    test = LRRangeTest(num_steps=20, confirm=False, epochs=[1])
    trainer(tmp, callbacks=[test], max_epochs=2).fit(_DropInCycle(), loader())


def _explicit_schedule_kept(tmp: Path) -> None:
    t = trainer(tmp, callbacks=[LRSchedule(S.Constant(0.2))])
    Tuner(t).lr_range_test(TinyModel(), loader(), num_steps=20, confirm=False)


def _explicit_max_lr_kept(tmp: Path) -> None:
    Tuner(trainer(tmp, callbacks=[OneCycle(max_lr=0.05)])).lr_range_test(
        TinyModel(), loader(), num_steps=20, confirm=False
    )


def _no_suggestion_kept(tmp: Path) -> None:
    Tuner(trainer(tmp, callbacks=[OneCycle()])).lr_range_test(ScriptedLoss([2.0]), loader(), num_steps=20)


def _cycle_base_above_max_lr(tmp: Path) -> None:
    test = LRRangeTest(num_steps=20, max_lr=10.0, confirm=False, epochs=[1])
    falling = ScriptedLoss([2.0 - i / 100 for i in range(100)])
    trainer(tmp, callbacks=[Cyclic(max_lr=0.1, step_size=5), test], max_epochs=3).fit(falling, loader())


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "retry": (_retry, "running it once more"),
    "no weight decay (Tuner)": (_no_weight_decay_tuner, "no weight decay suggested"),
    "no weight decay (callback)": (_no_weight_decay_callback, "no weight decay suggested"),
    "highest candidate": (_highest_candidate, "is the highest of the 5 trained"),
    "weight-decay split": (
        _decay_split,
        "'weight_decay' attribute or hparam for configure_optimizers to split",
    ),
    "frozen reference": (_frozen, "the sweep's LR and the answer are one number for the optimizer"),
    "still falling": (_still_falling, "the loss was still falling where the sweep ended"),
    "NaN candidate": (_nan_candidate, "had a NaN/inf loss at step"),
    "NaN after an outlier": (_nan_after_outlier, "was let through as an outlier batch's"),
    "NaN stops the sweep": (_nan_stops_the_sweep, "so the sweep stops there"),
    "NaN stops the momentum sweep": (_nan_stops_the_momentum_sweep, "so the sweep stops there"),
    "fewer val batches": (_fewer_val_batches, "val_batches=10, but the validation dataloader yields"),
    "val_dataloaders unused": (_val_dataloaders_unused, "val_dataloaders are not used"),
    "LRRangeTest on the Trainer": (_callback_on_the_trainer, "also holds an LRRangeTest"),
    "fast_dev_run (callback)": (_fast_dev_run_callback, "skipped under fast_dev_run"),
    "fast_dev_run (Tuner)": (_fast_dev_run_tuner, "skipped under fast_dev_run"),
    "epochs never run": (_never_runs, "will never run"),
    "epochs never ran": (_never_ran, "so its test never ran"),
    "sanity check": (_sanity_check, "in Lightning's sanity check"),
    "nothing set": (_nothing_set, "nothing was set"),
    "attribute not read": (_not_read, "does not read self.lr"),
    "largest group not in proportion": (_not_in_proportion, "not in proportion to self.lr"),
    "group LRs not derived": (_not_derived, "does not derive every param group's LR"),
    "drop-in out of reach": (_drop_in_out_of_reach, "the suggestion cannot reach this fit's OneCycleLR"),
    "explicit schedule kept": (_explicit_schedule_kept, "LRSchedule keeps lr=Constant(value=0.2)"),
    "explicit max_lr kept": (_explicit_max_lr_kept, "OneCycle keeps max_lr=0.05"),
    "no suggestion, kept": (_no_suggestion_kept, "the LR range test gave no suggestion"),
    "cycle base above max_lr": (_cycle_base_above_max_lr, "lies above max_lr 0.1 (given explicitly)"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_range_test_warning_points_at_the_users_line(tmp_path: Any, case: str) -> None:
    run, said = CASES[case]
    seed_all(4)
    assert_said_at(__file__, lambda: run(tmp_path), said)
