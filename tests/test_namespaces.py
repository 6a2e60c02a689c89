"""Every entry point works with both Lightning namespaces: ``lightning.pytorch`` and the standalone
``pytorch_lightning`` (each with its own Trainer, LightningModule, Callback and exceptions)."""

from __future__ import annotations

import importlib
import warnings
from typing import Any

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from lightning_lr import LRRangeTest, LRScheduleMixin, Tuner
from lightning_lr import _lightning_compat as L
from lightning_lr.callbacks import Cyclic, LRSchedule, OneCycle, ReduceOnPlateau, ScheduleFree
from lightning_lr.schedules import Linear

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*does not have many workers.*", "ignore:.*is smaller than the logging interval.*"
)


@pytest.fixture(params=L.NAMESPACES)
def ns(request: Any) -> Any:
    """The Lightning namespace under test, as a module (``lightning.pytorch`` or ``pytorch_lightning``)."""
    return importlib.import_module(request.param)


def data(n: int = 64) -> DataLoader:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, 4, generator=g)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]]) + 0.1 * torch.randn(n, 1, generator=g)
    return DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True)


def net_class(ns: Any) -> type:
    """A linear regression LightningModule of namespace ``ns``; ``optimizer="free"`` is schedule-free."""

    class Net(ns.LightningModule):
        def __init__(self, lr: float = 0.05, optimizer: str = "sgd") -> None:
            super().__init__()
            self.save_hyperparameters()
            self.layer = torch.nn.Linear(4, 1)
            self.modes: list[bool] = []

        def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            opt = self.trainer.optimizers[0]
            self.modes.append(bool(opt.param_groups[0].get("train_mode", True)))
            x, y = batch
            loss = torch.nn.functional.mse_loss(self.layer(x), y)
            self.log("train_loss", loss)
            return loss

        def validation_step(self, batch: Any, batch_idx: int) -> None:
            x, y = batch
            self.log("val_loss", torch.nn.functional.mse_loss(self.layer(x), y))

        def configure_optimizers(self) -> Any:
            if self.hparams.optimizer == "free":
                import schedulefree

                return schedulefree.SGDScheduleFree(self.parameters(), lr=self.hparams.lr)
            return torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=0.9)

    return Net


def recorder(ns: Any) -> Any:
    """A callback of namespace ``ns`` (not lightning_lr's) that records group 0's LR at every step."""

    class Recorder(ns.Callback):
        def __init__(self) -> None:
            self.lrs: list[float] = []

        def on_train_batch_start(self, trainer: Any, pl_module: Any, batch: Any, batch_idx: int) -> None:
            self.lrs.append(float(trainer.optimizers[0].param_groups[0]["lr"]))

    return Recorder()


def logger(ns: Any) -> Any:
    """A Logger of namespace ``ns`` that records every metric key logged and its step."""

    class Memory(ns.loggers.Logger):
        def __init__(self) -> None:
            super().__init__()
            self.logged: list[tuple[str, int | None]] = []

        @property
        def name(self) -> str:
            return "memory"

        @property
        def version(self) -> int:
            return 0

        def log_metrics(self, metrics: dict[str, float], step: int | None = None) -> None:
            self.logged += [(k, step) for k in metrics]

        def log_hyperparams(self, params: Any, *args: Any, **kwargs: Any) -> None:
            pass

    return Memory()


def trainer(ns: Any, tmp_path: Any, **kwargs: Any) -> Any:
    defaults: dict[str, Any] = dict(
        accelerator="cpu",
        devices=1,
        max_epochs=1,
        logger=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        enable_checkpointing=False,
        default_root_dir=str(tmp_path),
    )
    defaults.update(kwargs)
    return ns.Trainer(**defaults)


def test_the_tuner_range_tests(ns: Any, tmp_path: Any) -> None:
    torch.manual_seed(0)
    model = net_class(ns)()
    result = Tuner(trainer(ns, tmp_path)).lr_range_test(model, data(), num_steps=20, max_lr=1.0)
    assert len(result) == 20 and model.hparams.lr == result.suggestion()
    momentum = Tuner(trainer(ns, tmp_path)).momentum_range_test(
        model, data(), val_dataloaders=data(16), num_steps=10, val_loss=True
    )
    assert len(momentum) == 10 and momentum.val_loss


def test_lightnings_own_tuning_runs_in_the_trainers_namespace(ns: Any, tmp_path: Any) -> None:
    # lr_find and scale_batch_size are Lightning's; a pytorch_lightning Trainer needs pytorch_lightning's Tuner
    torch.manual_seed(0)
    model = net_class(ns)()
    finder = Tuner(trainer(ns, tmp_path)).lr_find(
        model, data(), num_training=6, early_stop_threshold=None, update_attr=False
    )
    assert finder is not None and len(finder.results["lr"]) == 6
    assert type(finder).__module__.startswith(ns.__name__)

    class Sized(net_class(ns)):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.batch_size = 2

        def train_dataloader(self) -> DataLoader:
            return DataLoader(data().dataset, batch_size=self.batch_size)

        def val_dataloader(self) -> DataLoader:
            return data(16)

    sized = Sized()
    found = Tuner(trainer(ns, tmp_path)).scale_batch_size(sized, max_trials=2, steps_per_trial=1)
    assert found == sized.batch_size > 2  # scaled up from 2, and set on the module


def test_the_callback_applies_its_suggestion_to_the_running_fit(ns: Any, tmp_path: Any) -> None:
    torch.manual_seed(0)
    test, seen = LRRangeTest(num_steps=20, max_lr=1.0), recorder(ns)
    trainer(ns, tmp_path, callbacks=[test, seen], max_steps=3).fit(net_class(ns)(), data())
    assert test.result is not None and seen.lrs == [pytest.approx(test.result.suggestion())] * 3


def test_schedule_callbacks_and_the_zero_configuration_range_test(ns: Any, tmp_path: Any) -> None:
    torch.manual_seed(0)
    seen = recorder(ns)
    schedule = LRSchedule(Linear(0.1, 0.01, total=8))
    trainer(ns, tmp_path, callbacks=[schedule, seen]).fit(net_class(ns)(), data())
    np.testing.assert_allclose(seen.lrs, [Linear(0.1, 0.01, total=8)(k) for k in range(8)], rtol=1e-12)

    test, cycle = LRRangeTest(num_steps=20, min_lr=1e-3, max_lr=1.0), Cyclic()
    trainer(ns, tmp_path, callbacks=[test, cycle]).fit(net_class(ns)(), data())
    assert test.result is not None and test.result.one_cycle_max_lr() is not None
    bounds = test.result.cyclic_bounds()
    assert bounds is not None and (cycle.value("base_lr"), cycle.value("max_lr")) == bounds


def test_reduce_on_plateau_monitors_a_training_metric(ns: Any, tmp_path: Any) -> None:
    # before: ValueError "Expected a parent" under a pytorch_lightning Trainer (lightning's is_overridden)
    plateau = ReduceOnPlateau("train_loss", patience=0)
    trainer(ns, tmp_path, callbacks=[plateau], max_epochs=2, limit_val_batches=0).fit(net_class(ns)(), data())
    assert plateau._plateau.last_epoch == 2  # one check per epoch


def test_lr_monitor_and_tensorboard_of_the_namespace_are_recognized(ns: Any, tmp_path: Any) -> None:
    """With the namespace's LearningRateMonitor the callback leaves it the LR tags (each logged once per
    step), and the namespace's TensorBoardLogger gets the preview figure."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    pytest.importorskip("matplotlib")
    memory = logger(ns)
    board = ns.loggers.TensorBoardLogger(str(tmp_path), name="tb")
    monitor = ns.callbacks.LearningRateMonitor(logging_interval="step")
    t = trainer(
        ns, tmp_path, callbacks=[OneCycle(max_lr=0.1), monitor], logger=[memory, board], log_every_n_steps=1
    )
    t.fit(net_class(ns)(), data())
    lr_logs = [step for key, step in memory.logged if key == "lr-SGD"]
    assert len(lr_logs) == 8 and len(set(lr_logs)) == 8, "the LR is logged once per step, by the monitor"
    events = EventAccumulator(board.log_dir, size_guidance={"images": 0})
    events.Reload()
    assert "lr_schedule/OneCycle" in events.Tags()["images"]


def test_the_mixin(ns: Any, tmp_path: Any) -> None:
    class Declared(LRScheduleMixin, net_class(ns)):  # type: ignore[misc]
        def lr_schedule(self) -> Any:
            return OneCycle(max_lr=self.hparams.lr)

    torch.manual_seed(0)
    seen = recorder(ns)
    model = Declared(lr=0.2)
    trainer(ns, tmp_path, callbacks=[seen]).fit(model, data())
    planned = model.lr_schedule_callback().planned(8, points=8)["lr"]
    np.testing.assert_allclose(seen.lrs, next(iter(planned.values())), rtol=1e-9)
    assert max(seen.lrs) == pytest.approx(0.2, rel=0.05)


def test_schedule_free(ns: Any, tmp_path: Any) -> None:
    pytest.importorskip("schedulefree")
    torch.manual_seed(0)
    model = net_class(ns)(lr=0.01, optimizer="free")
    t = trainer(ns, tmp_path, callbacks=[LRRangeTest(num_steps=10, apply=False), ScheduleFree()])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t.fit(model, data())
    assert model.modes[-8:] == [True] * 8  # the fit's steps in train mode
    assert t.optimizers[0].param_groups[0]["train_mode"] is False  # eval mode after fit


def test_compat_callback_and_stand_ins_accept_either_namespace(ns: Any) -> None:
    assert isinstance(recorder(ns), L.Callback) and isinstance(OneCycle(), ns.Callback)
    assert isinstance(ns.callbacks.LearningRateMonitor(), L.LearningRateMonitor)
    assert not isinstance(ns.callbacks.ModelCheckpoint(), L.LearningRateMonitor)
    assert issubclass(ns.loggers.TensorBoardLogger, L.TensorBoardLogger)
    assert L.namespace(ns.Trainer) == ns.__name__
    assert isinstance(L.tuner_exit(ns.Trainer(logger=False)), ns.utilities.exceptions._TunerExitException)
