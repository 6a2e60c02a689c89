"""The loggers record the hparams a range test set: the module's LR and the values it filled into the schedule
a module declared, also when the test runs inside the fit (after Lightning logged the hparams) or in the
Tuner's fit with ``log=True``, and in the main process of a fit in launched processes (``ddp_fork``)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from lightning.pytorch.loggers import CSVLogger, Logger, TensorBoardLogger

from lightning_lr import LRRangeTest, LRScheduleMixin, Tuner
from lightning_lr.callbacks import OneCycle

from support.models import TinyModel, loader
from support.state import seed_all
from support.trainers import DDP, trainer


class Declared(LRScheduleMixin, TinyModel):
    lr_schedule = OneCycle()  # max_lr left to the range test


class Counting(Logger):
    """A logger that keeps every hparams dict it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.given: list[dict[str, Any]] = []

    @property
    def name(self) -> str:
        return "counting"

    @property
    def version(self) -> int:
        return 0

    def log_hyperparams(self, params: Any, *args: Any, **kwargs: Any) -> None:
        self.given.append(dict(params))

    def log_metrics(self, metrics: dict[str, float], step: int | None = None) -> None:
        pass


class WriteOnce(Counting):
    """Refuses to change a value it was given, as MLflow's params do."""

    def log_hyperparams(self, params: Any, *args: Any, **kwargs: Any) -> None:
        for given in self.given:
            changed = [k for k in params if k in given and given[k] != params[k]]
            if changed:
                raise RuntimeError(f"Changing param values is not allowed: {changed}")
        super().log_hyperparams(params)


def _saved(logger: Any) -> dict[str, Any]:
    return yaml.safe_load(Path(logger.log_dir, "hparams.yaml").read_text())


def test_an_in_fit_range_test_logs_the_values_it_set(tmp_path: Any) -> None:
    # Lightning logs the hparams at fit start, before on_train_start runs the test (before: hparams.yaml and
    # the HPARAMS tab kept lr=0.05 and max_lr=None while the run trained with others)
    seed_all(3)
    model = Declared()
    tb, csv, counting = TensorBoardLogger(tmp_path, name="tb"), CSVLogger(tmp_path, name="csv"), Counting()
    test = LRRangeTest(num_steps=20, max_lr=3.0, confirm=False)
    trainer(tmp_path, callbacks=[test], logger=[tb, csv, counting], max_steps=4).fit(model, loader())
    assert test.result is not None
    lr, max_lr = test.result.suggestion(), model.lr_schedule_callback().value("max_lr")
    assert lr is not None and lr != 0.05 and max_lr is not None
    assert model.hparams.lr == lr and model.hparams["lightning_lr"]["max_lr"] == max_lr
    for logger in (tb, csv):
        saved = _saved(logger)
        assert saved["lr"] == lr and saved["lightning_lr"]["max_lr"] == max_lr, type(logger).__name__
    assert [g["lr"] for g in counting.given] == [0.05, lr]
    assert counting.given[-1]["lightning_lr"]["max_lr"] == max_lr


def test_nothing_is_logged_again_when_the_test_changes_no_hparam(tmp_path: Any) -> None:
    seed_all(3)
    counting = Counting()
    test = LRRangeTest(num_steps=20, max_lr=3.0, confirm=False, apply=False)
    trainer(tmp_path, callbacks=[test], logger=counting, max_steps=2).fit(TinyModel(), loader())
    assert test.result is not None and test.result.suggestion() != 0.05
    assert [g["lr"] for g in counting.given] == [0.05]


def test_a_logger_that_refuses_changed_values_is_warned_about_and_the_fit_goes_on(tmp_path: Any) -> None:
    # (before: its error ended the fit in on_train_start)
    seed_all(3)
    refusing, counting = WriteOnce(), Counting()
    test = LRRangeTest(num_steps=20, max_lr=3.0, confirm=False)
    t = trainer(tmp_path, callbacks=[test], logger=[refusing, counting], max_steps=4)
    with pytest.warns(UserWarning, match=r"changed the hparams \['lr'\], but WriteOnce refused them"):
        t.fit(TinyModel(), loader())
    assert t.global_step == 4 and test.result is not None
    assert [g["lr"] for g in refusing.given] == [0.05]
    assert [g["lr"] for g in counting.given] == [0.05, test.result.suggestion()]


def test_the_tuner_with_log_writes_the_hparams_it_set(tmp_path: Any) -> None:
    # the Tuner's fit logged the hparams before the test; TensorBoard writes hparams.yaml once, so the fit after
    # kept the old LR there (before: lr=0.05 and max_lr=None)
    seed_all(4)
    model = Declared()
    tb = TensorBoardLogger(tmp_path, name="tb")
    t = trainer(tmp_path, logger=tb, max_steps=2)
    callbacks = list(t.callbacks)
    result = Tuner(t).lr_range_test(model, loader(), num_steps=20, max_lr=3.0, confirm=False, log=True)
    # review 70: the module's declared schedule stayed on the Trainer, and the next fit said it would override
    # a Trainer callback of its class
    assert t.callbacks == callbacks
    lr, max_lr = result.suggestion(), model.lr_schedule_callback().value("max_lr")
    assert lr is not None and lr != 0.05 and max_lr is not None
    saved = _saved(tb)
    assert saved["lr"] == lr and saved["lightning_lr"]["max_lr"] == max_lr
    t.fit(model, loader())
    saved = _saved(tb)
    assert saved["lr"] == lr and saved["lightning_lr"]["max_lr"] == max_lr


def _session_starts(log_dir: str) -> list[dict[str, Any]]:
    """The hparams of every session_start_info event TensorBoard's HPARAMS tab reads, in the order written."""
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
    from tensorboard.plugins.hparams import metadata

    out = []
    for path in sorted(Path(log_dir).glob("events.out.tfevents.*")):
        for event in EventFileLoader(str(path)).Load():
            for value in event.summary.value:
                if value.tag == metadata.SESSION_START_INFO_TAG:
                    data = metadata.parse_session_start_info_plugin_data(value.metadata.plugin_data.content)
                    out.append({k: v.number_value or v.string_value for k, v in data.hparams.items()})
    return out


def test_the_tuner_with_log_leaves_tensorboards_hparams_tab_the_values_it_applied(tmp_path: Any) -> None:
    # review 56: the Tuner's fit logged the hparams before its test, and TensorBoard's HPARAMS tab keeps the
    # first values a run logged: it showed lr=0.05, the LR from before the test, which the README said it would not
    seed_all(4)
    model = TinyModel()
    tb = TensorBoardLogger(tmp_path, name="tb")
    t = trainer(tmp_path, logger=tb, max_steps=2)
    result = Tuner(t).lr_range_test(model, loader(), num_steps=20, max_lr=3.0, confirm=False, log=True)
    lr = result.suggestion()
    assert lr is not None and lr != 0.05
    t.fit(model, loader())
    starts = _session_starts(tb.log_dir)
    assert starts and starts[0]["lr"] == pytest.approx(lr, rel=1e-12)
    assert all(s["lr"] == pytest.approx(lr, rel=1e-12) for s in starts)
    assert _saved(tb)["lr"] == lr


def test_a_datamodule_given_as_train_dataloaders_is_held_back_too(tmp_path: Any) -> None:
    # review 59: lr_range_test(model, dm) logged the datamodule's hparams, without the model's lr, before the test
    import lightning.pytorch as pl

    class Data(pl.LightningDataModule):
        def __init__(self, batch_size: int = 16) -> None:
            super().__init__()
            self.save_hyperparameters()

        def train_dataloader(self) -> Any:
            return loader()

    seed_all(4)
    model = TinyModel()
    tb = TensorBoardLogger(tmp_path, name="tb")
    t = trainer(tmp_path, logger=tb, max_steps=2)
    result = Tuner(t).lr_range_test(model, Data(), num_steps=20, max_lr=3.0, confirm=False, log=True)
    starts = _session_starts(tb.log_dir)
    assert starts and starts[0]["lr"] == pytest.approx(result.suggestion(), rel=1e-12)
    assert starts[0]["batch_size"] == 16


@pytest.mark.ddp
@pytest.mark.filterwarnings("ignore:.*does not have many workers.*")
@pytest.mark.filterwarnings("ignore:.*is smaller than the logging interval.*")
def test_the_main_process_of_a_spawned_fit_holds_the_declared_schedules_hparams(tmp_path: Any) -> None:
    # before: the main process's model.hparams had no "lightning_lr" (the mixin writes it at setup, which ran
    # in the spawned processes only), and TensorBoard's files kept max_lr=None
    seed_all(5)
    model = Declared(dropout=0.0)
    tb = TensorBoardLogger(tmp_path, name="tb", version=0)  # the same directory in every process
    test = LRRangeTest(num_steps=12, max_lr=3.0, early_stop_threshold=None, confirm=False)
    t = trainer(tmp_path, callbacks=[test], logger=tb, devices=2, strategy=DDP, max_epochs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t.fit(model, train_dataloaders=loader(n=128))
    assert test.result is not None
    max_lr = model.lr_schedule_callback().value("max_lr")
    assert max_lr == test.result.one_cycle_max_lr() and max_lr is not None
    assert model.hparams["lightning_lr"]["max_lr"] == max_lr
    assert model.hparams_initial["lightning_lr"]["max_lr"] == max_lr
    saved = _saved(tb)
    assert saved["lr"] == model.hparams.lr == test.result.suggestion()
    assert saved["lightning_lr"]["max_lr"] == max_lr
