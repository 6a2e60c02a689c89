"""Faults a range test meets mid-way, said where they happen and of which rank (review 52).

- A NaN/inf loss on one rank of a DDP run cut the sweep, or made a candidate count as diverged (the answer
  fell 13x), and no message said so, nor which rank; the reason given was another one (the sweep's noise).
- ``LRRangeTest(epochs=[1])`` with train dataloaders of different lengths per rank hung every rank: the rank
  that finished its epoch first started the test's collectives while the other still trained.
"""

from __future__ import annotations

import contextlib
import json
import re
import warnings
from collections.abc import Iterator
from typing import Any

import lightning.pytorch as pl
import pytest
import torch
from torch.utils.data import DataLoader, IterableDataset, TensorDataset

from lightning_lr import LRRangeTest, Tuner
from lightning_lr.tuner._confirm import NAN_NOT_LR, rose_before

from support.models import TinyModel, classification_dataset, held_out, loader, val_loader
from support.recording import WarningsPerRank
from support.state import seed_all
from support.trainers import DDP, trainer

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*does not have many workers.*"),
    pytest.mark.filterwarnings("ignore:.*is smaller than the logging interval.*"),
]


class NaNOnce(TinyModel):
    """A NaN loss at one ``training_step`` call (counted from 0), on one rank, once: a bad batch."""

    def __init__(self, call: int, rank: int = 0) -> None:
        super().__init__()
        self.call, self.rank, self.calls = call, rank, 0

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        loss = super().training_step(batch, batch_idx)
        self.calls += 1
        if self.calls - 1 == self.call and self.global_rank == self.rank:
            return loss * float("nan")
        return loss


def _messages(caught: list[warnings.WarningMessage], text: str) -> list[str]:
    return [str(w.message) for w in caught if text in str(w.message)]


def test_a_nan_in_the_sweep_is_said_where_it_cuts_it(tmp_path: Any) -> None:
    seed_all(5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = Tuner(trainer(tmp_path)).lr_range_test(
            NaNOnce(call=12), loader(), num_steps=30, max_lr=1.0, confirm=False, apply=False, retry=False
        )
    assert result is not None and result.stop_reason == "non-finite loss" and len(result) == 13
    (said,) = _messages(caught, "the loss was NaN/inf")
    assert said.startswith(
        f"LR range test: the loss was NaN/inf at step 12 of 30 (lr={result.lrs[12]:.3g}), so "
    )
    assert "the smoothed loss before it was" in said
    # no rise came before it (the LR is still low): the likelier causes are said
    assert "seldom the LR: a bad batch or an overflow (16-bit precision)" in said


@pytest.mark.ddp
def test_a_nan_on_one_rank_is_traced_to_it_in_the_sweep_and_in_a_candidate(tmp_path: Any) -> None:
    def rank_zero_says(out: Any, model: TinyModel, test: LRRangeTest, text: str) -> list[str]:
        out.mkdir()
        t = trainer(out, devices=2, strategy=DDP, callbacks=[test, WarningsPerRank(str(out))])
        t.fit(model, train_dataloaders=loader(n=128))
        said = [[m for m in json.loads((out / f"warnings{r}.json").read_text()) if text in m] for r in (0, 1)]
        assert said[1] == []  # said once, by rank 0
        return said[0]

    seed_all(6)
    # the sweep: a NaN on rank 1 only, at its step 8
    test = LRRangeTest(num_steps=30, max_lr=1.0, retry=False)
    (said,) = rank_zero_says(tmp_path / "sweep", NaNOnce(call=8, rank=1), test, "the loss was NaN/inf")
    assert "at step 8 of 30" in said and "on rank 1 of 2, so the sweep stops there" in said
    # a candidate: the 30 sweep steps, then the first candidate's 10; a NaN at the second one's step 3
    test = LRRangeTest(num_steps=30, max_lr=1.0, confirm_steps=10, early_stop_threshold=None, retry=False)
    (said,) = rank_zero_says(tmp_path / "candidate", NaNOnce(call=30 + 10 + 3, rank=1), test, "had a NaN/inf")
    assert "at step 3 of 10 on rank 1 of 2, its loss " in said
    assert "it counts as diverged, so the answer lies below it" in said


@pytest.mark.parametrize(("call", "step"), [(30, 0), (33, 3)], ids=["first step", "after noise"])
def test_a_nan_in_a_candidate_is_said_at_any_step(tmp_path: Any, call: int, step: int) -> None:
    # review 55: the warning needed the candidate's losses never to rise above its first, which noise breaks,
    # and a NaN at its first step compared as False: the answer fell 29x (0.29 to 0.01), unsaid
    seed_all(6)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = Tuner(trainer(tmp_path)).lr_range_test(
            NaNOnce(call=call), loader(n=128), num_steps=30, max_lr=1.0, confirm_steps=10,
            early_stop_threshold=None, retry=False, apply=False,
        )  # fmt: skip
    assert result is not None and result.confirmation is not None
    (first,) = [
        c for c in result.confirmation.candidates if len(c.losses) == step + 1 and c.score == float("inf")
    ]
    (said,) = _messages(caught, "had a NaN/inf")
    assert said.startswith(
        f"LR range test: candidate lr={first.lr:.3g} had a NaN/inf loss at step {step} of 10"
        + (
            f", its loss {first.losses[0]:.4g} at the first step and {first.losses[-2]:.4g} at the last"
            if step
            else ";"
        )
    )
    # a NaN that no rise came before is seldom the LR; after a rise it is the LR's (review 139: the candidates
    # said the first after any losses; tuner._confirm.rose_before)
    rose = rose_before(first.losses[:-1])
    assert said.endswith("its loss rose before it: the LR's" if rose else NAN_NOT_LR)
    assert not rose or step  # (a NaN at the first step has nothing before it)


class NaiveSoftmax(pl.LightningModule):
    """Cross-entropy written as exp / sum: inf / inf = NaN once a logit passes 88, which a high LR's steps make."""

    def __init__(self) -> None:
        super().__init__()
        self.lr = 0.1
        self.net = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        p = torch.exp(self.net(x))
        p = p / p.sum(1, keepdim=True)
        return -torch.log(p[torch.arange(len(y)), y]).mean()

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(self.parameters(), lr=self.lr)


def test_a_candidates_nan_after_its_loss_rose_is_said_to_be_the_lrs(tmp_path: Any) -> None:
    # review 139: a candidate whose loss rose from 2.3 to 5.9 before an overflow's NaN was told "a NaN/inf that no
    # rise comes before is seldom the LR"
    seed_all(0)
    x = torch.rand(512, 64)
    data = TensorDataset(x, (x[:, :10] * torch.arange(1.0, 11.0)).argmax(1))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Tuner(trainer(tmp_path)).lr_range_test(
            NaiveSoftmax(), DataLoader(data, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(0)),
            min_lr=1e-7, max_lr=1e4, num_steps=20, early_stop_threshold=None, apply=False,
        )  # fmt: skip
    said = _messages(caught, "had a NaN/inf")
    assert said and all(m.endswith("its loss rose before it: the LR's") for m in said), said


class RankLengths(TinyModel):
    """Rank 0 gets 10 batches per epoch, rank 1 gets 6 (its own data, no distributed sampler)."""

    def train_dataloader(self) -> DataLoader:
        n = 10 if self.global_rank == 0 else 6
        return DataLoader(classification_dataset(16 * n, seed=self.global_rank), batch_size=16)


@pytest.mark.ddp
def test_a_test_at_a_later_epoch_is_refused_when_the_ranks_epochs_differ_in_length(tmp_path: Any) -> None:
    seed_all(7)
    t = trainer(
        tmp_path,
        devices=2,
        strategy=DDP,
        use_distributed_sampler=False,
        callbacks=[LRRangeTest(num_steps=20, max_lr=1.0, epochs=[1])],
    )
    # every rank raises it at train start (a launcher reports the first process's error), none hangs
    with pytest.raises(
        Exception,
        match=r"ValueError: LRRangeTest: epochs=\[1\] tests at the start of epoch 1, but the ranks' train "
        r"dataloaders differ in length \(rank 0: 10 batches, rank 1: 6 batches; .* would wait forever",
    ):
        t.fit(RankLengths())


class RankVal(TinyModel):
    """Validation data of its own per rank: ``counts[rank]`` batches (no distributed sampler)."""

    def __init__(self, counts: tuple[int, int]) -> None:
        super().__init__()
        self.counts = counts

    def val_dataloader(self) -> DataLoader:
        n = self.counts[self.global_rank]
        return DataLoader(held_out(16 * n, seed=5 + self.global_rank, of=128), batch_size=16)


@pytest.mark.ddp
def test_a_short_validation_loader_is_said_with_every_ranks_count(tmp_path: Any) -> None:
    # review 52: the warning gave rank 0's count alone (here 3 of the 4 asked, while rank 1 had 1; a number
    # given: the default's is said as information, review 98)
    seed_all(7)
    test = LRRangeTest(num_steps=10, max_lr=1.0, val_loss=True, val_batches=4, confirm=False)
    t = trainer(
        tmp_path,
        devices=2,
        strategy=DDP,
        use_distributed_sampler=False,
        max_epochs=1,
        callbacks=[test, WarningsPerRank(str(tmp_path))],
    )
    t.fit(RankVal((3, 1)), train_dataloaders=loader(n=128))
    said = [
        [m for m in json.loads((tmp_path / f"warnings{r}.json").read_text()) if "val_batches=4" in m]
        for r in (0, 1)
    ]
    assert said[1] == []
    (message,) = said[0]
    assert (
        "the validation dataloader yields 3 batches on rank 0, 1 batch on rank 1: the validation loss at each "
        in message
    )
    assert message.endswith("is the mean over each rank's own")


class Batches(IterableDataset):  # type: ignore[type-arg]
    """``n`` batches of 16 with no length (Lightning cannot see that a rank's stream is empty)."""

    def __init__(self, n: int, seed: int) -> None:
        self.data = classification_dataset(16 * n, seed=seed)
        self.n = n

    def __iter__(self) -> Iterator[Any]:
        for i in range(self.n):
            yield self.data[16 * i : 16 * (i + 1)]


class RankValStream(RankVal):
    def val_dataloader(self) -> DataLoader:
        return DataLoader(Batches(self.counts[self.global_rank], seed=5), batch_size=None)


@pytest.mark.ddp
def test_a_rank_without_validation_batches_fails_every_rank(tmp_path: Any) -> None:
    # it was raised by rank 1 alone, without the counts, while rank 0 went on into the sweep's collectives
    # (a launcher that does not stop the other ranks leaves it waiting there); now every rank raises it
    seed_all(7)
    test = LRRangeTest(num_steps=10, max_lr=1.0, val_loss=True, val_batches=2, confirm=False)
    t = trainer(
        tmp_path, devices=2, strategy=DDP, use_distributed_sampler=False, max_epochs=1, callbacks=[test]
    )
    with pytest.raises(
        Exception,
        match=r"val_loss=True: the validation dataloader yielded no batch \(2 batches on rank 0, 0 batches on rank 1\)",
    ):
        t.fit(RankValStream((2, 0)), train_dataloaders=loader(n=128))


class Climbs(TinyModel):
    """An optimizer that climbs what ``training_step`` returns (``maximize=True``) on its head group."""

    def configure_optimizers(self) -> Any:
        return torch.optim.Adam(
            [
                {"params": self.net[0].parameters()},
                {"params": self.net[-1].parameters(), "maximize": True},
            ],
            lr=self.hparams.lr,
        )


def test_an_optimizer_that_maximizes_is_refused_by_name(tmp_path: Any) -> None:
    """Review 88: with maximize=True the value the optimizer climbs was scored as a loss to bring down, and
    the LR that wrecked the model (10, where the grid's best is 0.1) was applied without a word."""
    model = Climbs()
    before = [p.detach().clone() for p in model.parameters()]
    with pytest.raises(ValueError, match=r"param group\(s\) \[1\] of Adam have maximize=True") as raised:
        Tuner(trainer(tmp_path)).lr_range_test(model, loader())
    assert "maximize=False" in str(raised.value)
    assert model.hparams.lr == 0.05 and all(
        torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True)
    )


@pytest.mark.parametrize(
    ("call", "said"),
    [
        (
            lambda tuner, model: tuner.momentum_range_test(model, loader(), lr=1e39),
            "Momentum range test: lr=1e+39 would set the LR of param group 0 to 1e+39, more than its float32 "
            "parameters can take",
        ),
        (
            lambda tuner, model: tuner.lr_range_test(model, loader(), max_lr=1e40),
            "LR range test: max_lr=1e+40 would set the LR of param group 0 to 1e+40, more than its float32",
        ),
    ],
)
def test_a_highest_lr_the_parameters_cannot_take_is_refused_by_name(
    tmp_path: Any, call: Any, said: str
) -> None:
    """r202: momentum_range_test(lr=1e39) failed in SGD's step with torch's "value cannot be converted to type
    float without overflow", naming no argument; the schedule callbacks refuse such an LR by name."""
    model = TinyModel()
    before = [p.detach().clone() for p in model.parameters()]
    with pytest.raises(ValueError) as raised:
        call(Tuner(trainer(tmp_path)), model)
    assert str(raised.value).startswith(said) and str(raised.value).endswith(
        "; give a smaller " + ("lr" if "Momentum" in said else "max_lr")
    )
    assert model.hparams.lr == 0.05 and all(
        torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True)
    )


def test_a_highest_lr_float64_parameters_take_is_not_refused(tmp_path: Any) -> None:
    # the bound is the parameters' type's: a float64 model takes an LR past float32's largest value
    model = TinyModel().double()
    batches = DataLoader(
        TensorDataset(torch.randn(64, 8, dtype=torch.float64), torch.randint(0, 3, (64,))), 16
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = Tuner(trainer(tmp_path)).lr_range_test(
            model, batches, max_lr=1e40, num_steps=30, confirm=False
        )
    assert result is not None and result.lrs[0] == pytest.approx(1e-7)


def test_a_test_at_a_later_epoch_refuses_maximize_before_the_fit_trains(tmp_path: Any) -> None:
    """Review 89: LRRangeTest(epochs=[1]) refused maximize=True only at epoch 1, after the fit had trained a
    whole epoch on the user's data."""
    calls: list[int] = []

    class Counted(Climbs):
        def training_step(self, batch: Any, batch_idx: int) -> Any:
            calls.append(batch_idx)
            return super().training_step(batch, batch_idx)

    with pytest.raises(
        ValueError, match=r"^LR range test: param group\(s\) \[1\] of Adam have maximize=True"
    ):
        trainer(tmp_path, callbacks=[LRRangeTest(epochs=[1])]).fit(Counted(), loader())
    assert calls == []
    # review 90: a fast_dev_run skips the test, so it refuses nothing
    trainer(tmp_path, callbacks=[LRRangeTest(epochs=[1])], fast_dev_run=True).fit(Counted(), loader())
    assert calls == [0]


class TwoOptimizers(TinyModel):
    """Two optimizers stepped by hand (manual optimization), one per part of the model."""

    def __init__(self) -> None:
        super().__init__()
        self.automatic_optimization = False

    def training_step(self, batch: Any, batch_idx: int) -> Any:
        self.seen_losses.append(float(batch_idx))
        for opt in self.optimizers():
            opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(self(batch[0]), batch[1])
        self.manual_backward(loss)
        for opt in self.optimizers():
            opt.step()

    def configure_optimizers(self) -> Any:
        return [
            torch.optim.SGD(self.net[0].parameters(), lr=0.05),
            torch.optim.SGD(self.net[-1].parameters(), lr=0.05),
        ]


class LogsOtherKey(TinyModel):
    def validation_step(self, batch: Any, batch_idx: int) -> None:
        self.log("valid/loss", torch.nn.functional.cross_entropy(self(batch[0]), batch[1]))


@pytest.mark.parametrize(
    ("case", "match"),
    [
        (
            "two optimizers",
            r"^LR range test: it sweeps one optimizer, but configure_optimizers returned 2",
        ),
        ("no validation data", r"^LR range test: val_loss=True needs validation data"),
        (
            "limit_val_batches=0",
            r"^LR range test: val_loss=True needs validation batches, but .*limit_val_batches=0",
        ),
        ("no such attr_name", r"^LR range test: attr_name='learn_rate' is neither an attribute of TinyModel"),
        ("no validation_step", r"^LR range test: val_loss=True needs a validation_step on the model"),
    ],
)
def test_a_test_at_a_later_epoch_refuses_its_setup_before_the_fit_trains(
    tmp_path: Any, case: str, match: str
) -> None:
    """Review 138: LRRangeTest(epochs=[k]) refused these only when epoch k started, after k epochs of training
    (as review 89 found for maximize=True)."""
    seed_all(3)
    options: dict[str, Any] = {"num_steps": 10, "confirm": False}
    model: TinyModel = TinyModel()
    fit: dict[str, Any] = {}
    kwargs: dict[str, Any] = {}
    if case == "two optimizers":
        model = TwoOptimizers()
    elif case == "no validation data":
        options["val_loss"] = True
    elif case == "limit_val_batches=0":
        options["val_loss"] = True
        fit["val_dataloaders"], kwargs["limit_val_batches"] = loader(n=64), 0
    elif case == "no such attr_name":
        options["attr_name"] = "learn_rate"
    else:

        class NoValidation(TinyModel):
            validation_step = None  # type: ignore[assignment]

        model = NoValidation()
        options["val_loss"] = True
    t = trainer(tmp_path, max_epochs=3, callbacks=[LRRangeTest(epochs=[1], **options)], **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (Lightning's on skipped validation)
        with pytest.raises((ValueError, AttributeError), match=match):
            t.fit(model, loader(), **fit)
    assert model.seen_losses == [] and t.global_step == 0


def test_a_val_loss_test_at_a_later_epoch_says_after_the_sanity_check_that_no_val_key_was_logged(
    tmp_path: Any,
) -> None:
    """Review 138: a validation_step that logs another key than val_key was refused only when epoch 1 started; it
    needs a validation run to know, and Lightning's sanity check is one, before training: it is said there."""
    seed_all(3)
    test = LRRangeTest(epochs=[1], num_steps=10, confirm=False, val_loss=True)
    t = trainer(tmp_path, max_epochs=2, num_sanity_val_steps=1, callbacks=[test])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError, match="neither returned a loss nor logged 'val_loss'"):
            t.fit(LogsOtherKey(), loader(), val_dataloaders=val_loader(n=64))
    (said,) = [str(w.message) for w in caught if "sanity check" in str(w.message)]
    assert said.startswith(
        "LR range test: in Lightning's sanity check, validation_step neither returned a loss nor logged 'val_loss' "
        "(it logged ['valid/loss']); the val_loss test at the start of epoch 1"
    )
    # nothing said where it logs the key, where it logs under val_key, or where the test comes first
    for model, kwargs, epochs in [
        (TinyModel(), {}, [1]),
        (LogsOtherKey(), {"val_key": "valid/loss"}, [1]),
        (LogsOtherKey(), {}, [0]),
    ]:
        test = LRRangeTest(epochs=epochs, num_steps=10, confirm=False, val_loss=True, **kwargs)
        t = trainer(tmp_path, max_epochs=2, num_sanity_val_steps=1, callbacks=[test], limit_train_batches=2)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            # (the test of epoch 0 refuses the key when it runs)
            with contextlib.suppress(ValueError):
                t.fit(model, loader(), val_dataloaders=val_loader(n=64))
        assert not [w for w in caught if "sanity check" in str(w.message)]


@pytest.mark.parametrize(
    ("kwargs", "said"),
    [
        (
            {"max_epochs": -1, "max_steps": 6},
            "max_steps=6 ends the fit before epoch 1 starts (at step 8; 8 optimizer",
        ),
        (
            {"max_epochs": 5, "max_steps": 7, "accumulate_grad_batches": 3},
            "max_steps=7 ends the fit before epoch 3 starts (at step 9; 3 optimizer steps an epoch)",
        ),
    ],
)
def test_epochs_that_max_steps_ends_the_fit_before_are_an_error_before_training(
    tmp_path: Any, kwargs: dict[str, Any], said: str
) -> None:
    """Review 138: with max_steps ending the fit in epoch 0, LRRangeTest(epochs=[1]) never tested, unsaid
    (max_epochs=1 was already refused)."""
    model = TinyModel()
    epochs = [3] if "accumulate_grad_batches" in kwargs else [1]
    with pytest.raises(ValueError, match=re.escape(said) + r".*so the range test would never run"):
        trainer(tmp_path, callbacks=[LRRangeTest(epochs=epochs)], **kwargs).fit(model, loader())
    assert model.seen_losses == []


def test_epochs_that_max_steps_ends_the_fit_before_are_named_when_others_run(tmp_path: Any) -> None:
    seed_all(8)
    test = LRRangeTest(num_steps=5, epochs=[1, 2], apply=False, confirm=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer(tmp_path, max_epochs=4, max_steps=12, callbacks=[test]).fit(TinyModel(), loader())
    assert list(test.results) == [1]
    said = [str(w.message) for w in caught if "LRRangeTest" in str(w.message)]
    assert said == [
        "LRRangeTest: epochs=[1, 2], but max_steps=12 ends the fit before epoch 2 starts (at step 16; 8 optimizer "
        "steps an epoch), so the test of epoch 2 will never run"
    ]


class Stream(IterableDataset):  # type: ignore[type-arg]
    """Batches of 32 without a length: the epoch's end is known only when it comes."""

    def __init__(self, n: int) -> None:
        self.data = classification_dataset(32 * n, seed=0)
        self.n = n

    def __iter__(self) -> Iterator[Any]:
        for i in range(self.n):
            yield self.data[32 * i : 32 * (i + 1)]


def test_epochs_a_fit_of_unknown_length_ended_before_are_said_at_its_end(tmp_path: Any) -> None:
    """Review 138: where the epochs' length is not known at the start (no len()), the fit's end says that the
    listed epoch was never reached."""
    seed_all(8)
    test = LRRangeTest(num_steps=5, epochs=[1], apply=False, confirm=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer(tmp_path, max_epochs=-1, max_steps=6, callbacks=[test]).fit(
            TinyModel(), DataLoader(Stream(8), batch_size=None)
        )
    assert test.results == {}
    (said,) = [str(w.message) for w in caught if "LRRangeTest" in str(w.message)]
    assert said == (
        "LRRangeTest: epochs=[1], but the fit ended at step 6 (max_steps=6) before epoch 1 started, so its test "
        "never ran"
    )
    # a fit that reaches it says nothing
    test = LRRangeTest(num_steps=5, epochs=[1], apply=False, confirm=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer(tmp_path, max_epochs=2, callbacks=[test]).fit(
            TinyModel(), DataLoader(Stream(4), batch_size=None)
        )
    assert list(test.results) == [1] and not [w for w in caught if "LRRangeTest" in str(w.message)]


def test_val_loss_without_validation_data_is_said_of_the_test_at_every_entry(tmp_path: Any) -> None:
    """r154: the Tuner's and a test at fit start raised it without naming the test (a test at a later epoch named
    it), with Lightning's "`val_dataloader` must be implemented" text after it."""
    said = (
        "LR range test: val_loss=True needs validation data: pass val_dataloaders (to the Tuner's test, or to "
        "trainer.fit for the LRRangeTest callback), a datamodule with val_dataloader(), or define the module's "
        "val_dataloader(); and keep limit_val_batches > 0"
    )
    options: dict[str, Any] = {"num_steps": 10, "confirm": False, "val_loss": True}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (Lightning's on skipped validation)
        with pytest.raises(ValueError, match=f"^{re.escape(said)}$"):
            Tuner(trainer(tmp_path)).lr_range_test(TinyModel(), loader(), **options)
        for epochs in (None, [1]):
            t = trainer(tmp_path, max_epochs=3, callbacks=[LRRangeTest(epochs=epochs, **options)])
            with pytest.raises(ValueError, match=f"^{re.escape(said)}$"):
                t.fit(TinyModel(), loader())


def test_an_error_of_the_users_validation_data_keeps_its_class_and_traceback(tmp_path: Any) -> None:
    """r157: a ValueError subclass the validation dataset raised while its batches were drawn became a plain
    ValueError said of the test, its traceback into the user's code cut."""

    class Broken(torch.utils.data.Dataset):
        def __len__(self) -> int:
            return 8

        def __getitem__(self, i: int) -> Any:
            json.loads("{bad")

    with pytest.raises(json.JSONDecodeError) as caught:
        Tuner(trainer(tmp_path)).lr_range_test(
            TinyModel(), loader(), val_dataloaders=torch.utils.data.DataLoader(Broken()), val_loss=True
        )
    assert any(entry.name == "__getitem__" for entry in caught.traceback)


def test_an_error_of_the_users_val_dataloader_at_train_start_keeps_its_class_and_traceback(
    tmp_path: Any,
) -> None:
    """r158: a test at a later epoch in a fit that does not validate in epoch 0 calls val_dataloader() first, at
    train start: a JSONDecodeError there became a TypeError (its class takes other arguments), a RuntimeError lost
    the user's frame."""

    class BadVal(TinyModel):
        def val_dataloader(self) -> Any:
            raise json.JSONDecodeError("bad", "{bad", 1)

    t = trainer(
        tmp_path,
        max_epochs=3,
        limit_train_batches=3,
        check_val_every_n_epoch=2,
        callbacks=[LRRangeTest(epochs=[1], num_steps=5, val_loss=True, val_batches=1)],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(json.JSONDecodeError) as caught:
            t.fit(BadVal(), loader())
    assert any(entry.name == "val_dataloader" for entry in caught.traceback)


class RankScores(TinyModel):
    """Validation data of its own per rank (no distributed sampler), its accuracy logged as ``val_acc``."""

    def val_dataloader(self) -> DataLoader:
        return DataLoader(held_out(64, seed=5 + self.global_rank, of=128), batch_size=32)

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        self.log("val_acc", (self(x).argmax(1) == y).float().mean())


@pytest.mark.ddp
def test_a_score_given_as_val_key_is_refused_on_every_rank_from_the_ranks_mean(tmp_path: Any) -> None:
    # the check reads each step's value and training loss as the means over the ranks, so every rank decides
    # alike (one rank raising alone would leave the other in the candidates' collectives)
    seed_all(7)
    test = LRRangeTest(num_steps=40, max_lr=1.0, val_loss=True, val_key="val_acc", val_batches=2)
    t = trainer(
        tmp_path, devices=2, strategy=DDP, use_distributed_sampler=False, max_epochs=1, callbacks=[test]
    )
    with pytest.raises(
        Exception, match=r"val_key='val_acc' rose from 0\.\d+ to 0\.\d+ while the training loss fell"
    ):
        t.fit(RankScores(), train_dataloaders=loader(n=128))
