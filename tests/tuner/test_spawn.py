"""A fit in processes the launcher starts, 2 on the CPU: the LRRangeTest callback's results and the values they
set come back from rank 0 to the main process; what cannot is named in a warning when fit ends. The tests
whose objects must pickle into new interpreters run under ``ddp_spawn``; the others under ``ddp_fork``
(``support.trainers.DDP``), which shares the launcher and its hand-over and starts faster."""

from __future__ import annotations

import json
import logging
import os
import warnings
from typing import Any

import lightning.pytorch as pl
import pytest
import torch
from lightning.pytorch.callbacks import Callback

from lightning_lr import LRRangeTest, RangeTestResult
from lightning_lr.callbacks import Cyclic, OneCycle

from support.models import FlatFromEpoch1, SplitDecay, TinyModel, loader
from support.state import seed_all
from support.trainers import DDP, trainer

pytestmark = [
    pytest.mark.ddp,
    pytest.mark.filterwarnings("ignore:.*does not have many workers.*"),
    pytest.mark.filterwarnings("ignore:.*is smaller than the logging interval.*"),
]


class RankZero(Callback):
    """Writes what rank 0 holds after fit: the result, the model's LR and OneCycle's filled max_lr."""

    def __init__(self, out: str) -> None:
        self.out = out

    def on_fit_end(self, trainer: Any, pl_module: Any) -> None:
        if trainer.global_rank != 0:
            return
        test = next(cb for cb in trainer.callbacks if isinstance(cb, LRRangeTest))
        cycle = next((cb for cb in trainer.callbacks if isinstance(cb, OneCycle)), None)
        data = {
            "results": {e: r.to_dict() for e, r in test.results.items()},
            "lr": pl_module.hparams.lr,
            "max_lr": None if cycle is None else cycle.value("max_lr"),
        }
        with open(os.path.join(self.out, "rank0.json"), "w") as f:
            json.dump(data, f)


def _fit(
    tmp_path: Any, model: Any, callbacks: list[Any], strategy: str = "ddp_spawn", **data: Any
) -> list[warnings.WarningMessage]:
    """Fit in 2 processes (``data``: fit's data arguments); the warnings about what stayed behind."""
    t = trainer(tmp_path, devices=2, strategy=strategy, callbacks=callbacks, max_epochs=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t.fit(model, **(data or {"train_dataloaders": loader(n=128)}))
    lost = [w for w in caught if "spawned processes only" in str(w.message)]
    assert all(w.filename == __file__ for w in lost)  # said at the fit call, not inside lightning_lr (r193)
    return lost


@pytest.mark.parametrize(("method", "strategy"), [(None, "ddp_spawn"), ("valley", DDP)])
def test_results_and_applied_values_reach_the_main_process(
    tmp_path: Any, method: str | None, strategy: str, caplog: Any
) -> None:
    # with a named rule, the main process's results answer with it, as rank 0's did
    seed_all(31)
    model = TinyModel(dropout=0.0)
    test = LRRangeTest(num_steps=12, max_lr=3.0, early_stop_threshold=None, epochs=[0, 1], method=method)
    cycle = OneCycle()
    with caplog.at_level(logging.INFO):
        lost = _fit(tmp_path, model, [test, cycle, RankZero(str(tmp_path))], strategy)
    # rank 0 said what the test filled in; the main process, setting it again, did too (review 52)
    assert "from the LR range test" not in caplog.text
    rank0 = json.loads((tmp_path / "rank0.json").read_text())
    assert test.result is not None and sorted(test.results) == [0, 1]
    assert {str(e): r.to_dict() for e, r in test.results.items()} == rank0["results"]
    assert model.hparams.lr == rank0["lr"] == test.result.suggestion() != 0.05
    assert cycle.value("max_lr") == rank0["max_lr"] == test.result.one_cycle_max_lr()
    assert test.result.rule == method and (test.result.confirmation is None) == (method is not None)
    # the optimizer the ranks tested with (what suggestion(run_steps=...) reads) reached the main process
    assert test.result.optimizer == rank0["results"]["1"]["optimizer"] == "torch.optim.SGD"
    assert not lost
    # the main process's module carries the result as a fit in one process leaves it (review 39: it got the
    # LR back, not the result): a later fit's fresh OneCycle() in another Trainer takes the same peak
    later = OneCycle()
    trainer(tmp_path, callbacks=[later], max_steps=4).fit(model, loader())
    assert later.value("max_lr") == test.result.one_cycle_max_lr()


def test_the_main_process_keeps_the_lr_of_the_last_test_that_answered(tmp_path: Any) -> None:
    # review 166: with epochs=[0, 1] and no answer at epoch 1, the ranks kept epoch 0's suggestion, and the main
    # process of a ddp_spawn fit put the attribute back to its value before the tests
    seed_all(33)
    model = FlatFromEpoch1(lr=0.01, dropout=0.0)
    test = LRRangeTest(num_steps=20, max_lr=3.0, early_stop_threshold=None, confirm=False, epochs=[0, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _fit(tmp_path, model, [test, RankZero(str(tmp_path))])
    rank0 = json.loads((tmp_path / "rank0.json").read_text())
    assert sorted(test.results) == [0, 1] and test.results[1].suggestion() is None
    assert model.hparams.lr == rank0["lr"] == test.results[0].suggestion() != 0.01


def test_the_main_process_gets_the_weight_decay_the_ranks_trained_with(tmp_path: Any) -> None:
    # review 63: the main process worked the value out again from the result, where configure_optimizers
    # could not run: it set the sweep's best (the last layer's) where the ranks set a tenth of it
    seed_all(32)
    model = SplitDecay(dropout=0.0)
    # weight decays the sweeps tell apart, in steps close enough to measure their noise (review 123)
    test = LRRangeTest(num_steps=10, confirm=False, min_lr=1e-2, max_lr=1.0, weight_decays=[0.01, 10.0])
    _fit(tmp_path, model, [test, RankZero(str(tmp_path))])
    rank0 = json.loads((tmp_path / "rank0.json").read_text())
    assert test.result is not None and model.hparams.lr == rank0["lr"]
    assert test.result.best_weight_decay == 0.01
    assert model.hparams.weight_decay == pytest.approx(test.result.best_weight_decay / 10, rel=1e-9)


class WithOwnCallbacks(TinyModel):
    def configure_callbacks(self) -> Any:
        return [Cyclic()]


class Data(pl.LightningDataModule):
    def __init__(self) -> None:
        super().__init__()
        self.lr = 0.05

    def train_dataloader(self) -> Any:
        return loader(n=128)


def test_what_stays_in_the_spawned_processes_is_named_when_fit_ends(tmp_path: Any) -> None:
    seed_all(32)
    model, data = WithOwnCallbacks(dropout=0.0), Data()
    test = LRRangeTest(num_steps=12, max_lr=3.0, early_stop_threshold=None)
    lost = _fit(tmp_path, model, [test], datamodule=data)
    assert test.result is not None and model.hparams.lr == test.result.suggestion()
    assert data.lr == 0.05
    assert len(lost) == 1
    message = str(lost[0].message)
    assert "the datamodule's 'lr'" in message and "callback Cyclic" in message


class StepLRs(Callback):
    """Each rank writes the LR of its optimizer's first ``n`` real steps and its range test's swept LRs."""

    def __init__(self, out: str, n: int) -> None:
        self.out, self.n, self.lrs = out, n, []

    def setup(self, trainer: Any, pl_module: Any, stage: str) -> None:
        configure = pl_module.configure_optimizers

        def hooked() -> Any:
            opt = configure()
            opt.register_step_post_hook(lambda o, *_: self.lrs.append(o.param_groups[0]["lr"]))
            return opt

        pl_module.configure_optimizers = hooked

    def on_fit_end(self, trainer: Any, pl_module: Any) -> None:
        test = next(cb for cb in trainer.callbacks if isinstance(cb, LRRangeTest))
        (result,) = test.results.values()
        data = {"stepped": self.lrs[: self.n], "swept": list(result.lrs)}
        with open(os.path.join(self.out, f"rank{trainer.global_rank}.json"), "w") as f:
            json.dump(data, f)


def test_steps_the_amp_scaler_skips_are_no_steps_on_every_rank(tmp_path: Any) -> None:
    from lightning.pytorch.plugins.precision import MixedPrecision

    seed_all(7)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**40)  # float16 overflows: the first steps are skipped
    test = LRRangeTest(min_lr=1e-4, max_lr=1e-1, num_steps=12, confirm=False, early_stop_threshold=None)
    t = trainer(
        tmp_path,
        devices=2,
        strategy=DDP,
        callbacks=[test, StepLRs(str(tmp_path), 12)],
        max_epochs=1,
        plugins=[MixedPrecision("16-mixed", "cpu", scaler=scaler)],
    )
    t.fit(TinyModel(), train_dataloaders=loader(n=128))
    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert ranks[0] == ranks[1]
    assert ranks[0]["stepped"] == ranks[0]["swept"]  # every point of the curve is one real step at its LR


class PerRankPeak(Callback):
    """Writes each rank's OneCycle max_lr and the peak LR its optimizer trained at."""

    def __init__(self, out: str) -> None:
        self.out, self.top = out, 0.0

    def on_train_batch_start(self, trainer: Any, pl_module: Any, batch: Any, batch_idx: int) -> None:
        self.top = max(self.top, float(trainer.optimizers[0].param_groups[0]["lr"]))

    def on_fit_end(self, trainer: Any, pl_module: Any) -> None:
        cycle = next(cb for cb in trainer.callbacks if isinstance(cb, OneCycle))
        with open(os.path.join(self.out, f"rank{trainer.global_rank}.json"), "w") as f:
            json.dump({"max_lr": cycle.value("max_lr"), "top": self.top}, f)


def test_every_rank_of_a_later_fit_takes_the_result_the_tuner_left_on_the_module(tmp_path: Any) -> None:
    # review 37: tuned with one Trainer, fitted with another; under ddp_spawn the module is pickled into the
    # processes with the result it carries, so each rank's OneCycle() peaks at the test's 1cycle peak
    from lightning_lr import Tuner

    seed_all(5)
    model = TinyModel()
    result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=30, max_lr=3.0)
    top = result.one_cycle_max_lr()
    assert top is not None and result.suggestion() == model.hparams.lr and top > 1.5 * model.hparams.lr
    cycle = OneCycle(pct_start=0.5)
    t = trainer(tmp_path, devices=2, strategy="ddp_spawn", callbacks=[cycle, PerRankPeak(str(tmp_path))])
    t.fit(model, train_dataloaders=loader(n=128))
    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert [r["max_lr"] for r in ranks] == [top, top]
    assert ranks[0]["top"] == ranks[1]["top"] and top / 1.2 < ranks[0]["top"] <= top
    assert cycle.value("max_lr") == top  # handed back to the main process


class SigtermOnRankOne(TinyModel):
    """Rank 1 alone gets the SIGTERM flag at its 3rd training step."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        self.calls += 1
        if self.calls == 3 and self.trainer.global_rank == 1:
            self.trainer._signal_connector.received_sigterm = True
        return super().training_step(batch, batch_idx)


def test_a_sigterm_on_one_rank_stops_every_rank_at_the_same_step(tmp_path: Any) -> None:
    # review 41: the flag travels in the step loss's reduction, so the rank without the signal stops at the
    # same step (with an error that says why) instead of going on into the next collective alone
    seed_all(33)
    model = SigtermOnRankOne()
    t = trainer(tmp_path, devices=2, strategy=DDP, callbacks=[LRRangeTest(num_steps=30, max_lr=1.0)])
    # rank 0 (the process the launcher reports) stopped with the error; before, it went on alone
    with pytest.raises(Exception, match="stopped at this step on rank 0: another rank received SIGTERM"):
        t.fit(model, train_dataloaders=loader(n=128))


class RankOutlier(TinyModel):
    """A flat loss on every rank but an outlier on rank 1 only, for ``length`` steps from step 30 (the loss
    the sweep records is the mean over ranks)."""

    def __init__(self, length: int) -> None:
        super().__init__()
        self.length, self.i = length, 0

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        spiked = self.trainer.global_rank == 1 and 30 <= self.i < 30 + self.length
        self.i += 1
        return super().training_step(batch, batch_idx) * 0.0 + (2e3 if spiked else 1.0)


class Written(Callback):
    """Each rank writes its range test's result: its curve, stop reason, cost and answer, and its candidates
    (LR, number of losses, score, steps passed over) when it has any."""

    def __init__(self, out: str) -> None:
        self.out = out

    def on_fit_end(self, trainer: Any, pl_module: Any) -> None:
        test = next(cb for cb in trainer.callbacks if isinstance(cb, LRRangeTest))
        (result,) = test.results.values()
        conf = result.confirmation
        data = {
            "losses": list(result.losses),
            "stop": result.stop_reason,
            "cost": result.cost,
            "answer": result.suggestion(),
            "candidates": [[c.lr, len(c.losses), str(c.score), list(c.passed)] for c in conf.candidates]
            if conf is not None
            else [],
        }
        with open(os.path.join(self.out, f"rank{trainer.global_rank}.json"), "w") as f:
            json.dump(data, f)


@pytest.mark.parametrize(
    ("length", "points", "stop", "cost"), [(1, 60, "completed", 60), (4, 31, "diverged", 34)]
)
def test_every_rank_tells_one_ranks_outlier_batch_from_a_divergence_alike(
    tmp_path: Any, length: int, points: int, stop: str, cost: int
) -> None:
    """An outlier batch on one rank reaches every rank's curve through the mean over ranks; every rank goes on
    past a short run of them, and every rank stops at the same step at a longer one."""
    test = LRRangeTest(num_steps=60, confirm=False, retry=False, apply=False)
    t = trainer(tmp_path, devices=2, strategy=DDP, callbacks=[test, Written(str(tmp_path))], max_epochs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t.fit(RankOutlier(length), train_dataloaders=loader(n=256))
    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert ranks[0] == ranks[1]
    assert (len(ranks[0]["losses"]), ranks[0]["stop"], ranks[0]["cost"]) == (points, stop, cost)
    assert ranks[0]["losses"][30] == pytest.approx(1000.5)


class RankSpike(TinyModel):
    """TinyModel whose loss at the batches ``at`` is ``by`` higher on rank 1 only (the gradient is the model's)."""

    def __init__(self, at: range, by: float) -> None:
        super().__init__()
        self.at, self.by = at, by

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        loss = super().training_step(batch, batch_idx)
        return loss + self.by if self.trainer.global_rank == 1 and batch_idx in self.at else loss


def candidates_on_every_rank(tmp_path: Any, model: RankSpike) -> dict[str, Any]:
    """The default range test (no second try) under DDP on 2 ranks; what each rank wrote, checked alike."""
    seed_all(0)
    test = LRRangeTest(num_steps=100, retry=False, apply=False)
    t = trainer(tmp_path, devices=2, strategy=DDP, callbacks=[test, Written(str(tmp_path))], max_epochs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t.fit(model, train_dataloaders=loader(n=4096, batch_size=16))
    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert ranks[0] == ranks[1] and ranks[0]["candidates"], ranks
    return ranks[0]


def test_every_rank_passes_over_one_ranks_outlier_batch_alike(tmp_path: Any) -> None:
    """The sweep lets one rank's outlier batch through on every rank (the mean over ranks); every rank's
    candidates then pass over its step, each over its own batches there, and answer alike."""
    found = candidates_on_every_rank(tmp_path, RankSpike(range(30, 31), 2e3))
    assert found["answer"] is not None, found
    assert all(passed == [30] for _, n, _, passed in found["candidates"] if n > 30), found


def test_every_rank_holds_a_blow_up_the_sweep_stopped_at_alike(tmp_path: Any) -> None:
    """The sweep stops on one rank's blow-up (the mean over ranks); every rank's candidates meet it at the same
    step, hold it the same 3 steps to tell, and call it a divergence alike (no rank waits for another)."""
    found = candidates_on_every_rank(tmp_path, RankSpike(range(68, 72), 1e5))
    assert len(found["losses"]) == 69, found
    assert all(n == 72 and score == "inf" for _, n, score, _ in found["candidates"]), found


class _RankStream(torch.utils.data.IterableDataset):  # type: ignore[type-arg]
    """An endless stream of TinyModel's data, other on each rank, whose ``__iter__`` goes on where it was."""

    def __init__(self) -> None:
        self.it: Any = None

    def __iter__(self) -> Any:
        if self.it is None:
            rank = int(os.environ.get("LOCAL_RANK", "0"))

            def gen() -> Any:
                g = torch.Generator().manual_seed(rank)
                while True:
                    x = torch.randn(8, generator=g)
                    yield x, int(x[:3].sum() > 0) + int(x[3:5].sum() > 0)

            self.it = gen()
        return self.it


class _Fingerprints(TinyModel):
    """Each rank writes the fingerprint of every batch its training steps saw, and its range test's candidates."""

    def __init__(self, out: str) -> None:
        super().__init__()
        self.out, self.seen = out, []

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        self.seen.append(float(batch[0].sum()))
        return super().training_step(batch, batch_idx)

    def on_fit_end(self) -> None:
        test = next(cb for cb in self.trainer.callbacks if isinstance(cb, LRRangeTest))
        (result,) = test.results.values()
        data = {"seen": self.seen, "sweep": len(result.losses), "lrs": list(result.confirmation.lrs)}
        with open(os.path.join(self.out, f"rank{self.trainer.global_rank}.json"), "w") as f:
            json.dump(data, f)


def test_every_rank_replays_its_own_stream_to_every_candidate(tmp_path: Any) -> None:
    """Review 127 under DDP: each rank's stream goes on where it was; each rank keeps its own batches and replays
    them to every candidate (the sweep's first batches), and every rank trains the same candidates (the scores are means over ranks)."""
    seed_all(0)
    test = LRRangeTest(num_steps=30, confirm_steps=10, retry=False, apply=False)
    t = trainer(tmp_path, devices=2, strategy=DDP, callbacks=[test], max_steps=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t.fit(_Fingerprints(str(tmp_path)), train_dataloaders=torch.utils.data.DataLoader(_RankStream(), 16))
    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert ranks[0]["lrs"] == ranks[1]["lrs"] and len(ranks[0]["lrs"]) == 5
    for got in ranks:
        cands = got["seen"][got["sweep"] : got["sweep"] + 50]
        runs = [cands[10 * i : 10 * (i + 1)] for i in range(5)]
        assert all(r == got["seen"][:10] for r in runs), got  # the sweep's first batches, replayed
    assert ranks[0]["seen"][:10] != ranks[1]["seen"][:10]  # each rank's own data


@pytest.mark.parametrize("strategy", ["ddp_spawn", DDP])
def test_every_rank_applies_the_answer_for_the_fits_length_and_the_main_process_gets_it(
    tmp_path: Any, strategy: str
) -> None:
    # run_steps="auto": each rank reads the fit's length (64 examples a rank, 2 batches an epoch, 60 epochs)
    seed_all(5)
    model = TinyModel(dropout=0.0, optimizer="adamw")
    test = LRRangeTest(num_steps=12, max_lr=3.0, early_stop_threshold=None, run_steps="auto")
    callbacks = [test, RankZero(str(tmp_path)), EachRankLR(str(tmp_path))]
    t = trainer(tmp_path, devices=2, strategy=strategy, callbacks=callbacks, max_epochs=60)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t.fit(model, train_dataloaders=loader(n=128))
    rank0 = json.loads((tmp_path / "rank0.json").read_text())
    lrs = [json.loads((tmp_path / f"lr{rank}.json").read_text()) for rank in (0, 1)]
    r = test.result
    assert isinstance(r, RangeTestResult) and r.run_steps == rank0["results"]["0"]["run_steps"] == 120
    assert r.optimizer == "torch.optim.AdamW" and r.confirmation is not None and r.confirmation.lr is not None
    scaled = r.confirmation.lr * (120 / 80) ** -0.25
    assert (
        model.hparams.lr
        == rank0["lr"]
        == lrs[0]
        == lrs[1]
        == r.suggestion()
        == pytest.approx(scaled, rel=1e-12)
    )


class EachRankLR(Callback):
    """Writes each rank's model LR (its hparam ``lr``) after fit to ``lr<rank>.json``."""

    def __init__(self, out: str) -> None:
        self.out = out

    def on_fit_end(self, trainer: Any, pl_module: Any) -> None:
        with open(os.path.join(self.out, f"lr{trainer.global_rank}.json"), "w") as f:
            json.dump(pl_module.hparams.lr, f)
