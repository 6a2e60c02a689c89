"""After a range test everything is bitwise what it was: fresh, after epochs, after a resume, when the sweep
stops early or diverges, when training_step raises; and nothing is written to disk."""

from __future__ import annotations

import collections
import os
import re
from collections.abc import Callable
from typing import Any

import lightning.pytorch as pl
import pytest
import torch
import torchmetrics
from lightning.pytorch.callbacks import Callback, ModelCheckpoint
from lightning.pytorch.loggers import CSVLogger, TensorBoardLogger

from lightning_lr import LRRangeTest, Tuner
from lightning_lr.tuner._core import run_range_test
from lightning_lr.tuner._options import LROptions
from lightning_lr.tuner._sweep import MAX_CALLS_PER_STEP

from support.models import TinyModel, loader
from support.state import equal_tree, files_under, full_state, seed_all
from support.trainers import trainer


class Probe(Callback):
    """Captures the full state at the hook where the range test runs (before or after it)."""

    def __init__(self, epoch: int | None = None) -> None:
        self.epoch = epoch
        self.state: dict[str, Any] | None = None

    def _capture(self, trainer: Any, pl_module: Any) -> None:
        if self.state is None:
            self.state = full_state(trainer, pl_module)

    def on_train_start(self, trainer: Any, pl_module: Any) -> None:
        if self.epoch is None:
            self._capture(trainer, pl_module)

    def on_train_epoch_start(self, trainer: Any, pl_module: Any) -> None:
        if self.epoch is not None and trainer.current_epoch == self.epoch:
            self._capture(trainer, pl_module)


def assert_same(before: dict[str, Any], after: dict[str, Any]) -> None:
    assert before.keys() == after.keys()
    for key in before:
        assert equal_tree(before[key], after[key]), f"{key} changed"


def run_with_probes(
    tmp_path: Any, model: TinyModel, test: LRRangeTest, epoch: int | None = None, **kw: Any
) -> tuple:
    before, after = Probe(epoch), Probe(epoch)
    t = trainer(tmp_path, callbacks=[before, test, after], **kw)
    t.fit(model, loader(), ckpt_path=kw.pop("ckpt_path", None) if "ckpt_path" in kw else None)
    return before.state, after.state, t


@pytest.mark.parametrize("snapshot", ["device", "host"])
@pytest.mark.parametrize(
    ("optimizer", "scheduler", "stop"),
    [("sgd", None, 4.0), ("adamw", "step", 4.0), ("sgd", "onecycle", None)],
)
def test_fresh_start_state_is_bitwise_restored(
    tmp_path: Any, optimizer: str, scheduler: str | None, stop: Any, snapshot: str, monkeypatch: Any
) -> None:
    # a working directory of its own: the repository's would see other processes' files (git, hypothesis)
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    seed_all(1)
    model = TinyModel(optimizer=optimizer, scheduler=scheduler)
    test = LRRangeTest(num_steps=30, max_lr=100.0, early_stop_threshold=stop, apply=False, snapshot=snapshot)
    files = files_under(tmp_path, os.getcwd())
    before, after, _ = run_with_probes(tmp_path, model, test, max_steps=1)
    assert_same(before, after)
    assert files_under(tmp_path, os.getcwd()) == files, "the range test wrote a file"
    assert test.result is not None and len(test.result) <= 30


def test_the_tuner_without_log_writes_nothing_to_the_loggers(tmp_path: Any, monkeypatch: Any) -> None:
    # the Tuner's test runs in a fit, which starts the loggers: their files, and the module's hparams with the
    # LR before the test (before: TensorBoard's events file and an hparams.yaml with that LR, which the fit
    # after kept)
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    seed_all(1)
    files = files_under(tmp_path, os.getcwd())
    loggers = [
        TensorBoardLogger(str(tmp_path / "cwd"), name="tb"),
        CSVLogger(str(tmp_path / "cwd"), name="csv"),
    ]
    t = trainer(tmp_path, logger=loggers)
    result = Tuner(t).lr_range_test(TinyModel(), loader(), num_steps=20, confirm=False, log=False)
    assert result.suggestion() is not None
    assert files_under(tmp_path, os.getcwd()) == files, "the range test wrote a file"
    assert t.loggers == loggers  # given back for the fit


class _HeldGenerator(pl.LightningDataModule):
    """Its train loader shuffles with a generator the datamodule holds."""

    def __init__(self) -> None:
        super().__init__()
        self.generator = torch.Generator().manual_seed(7)

    def train_dataloader(self) -> Any:
        return loader(generator=self.generator)


class _LoaderFromSetup(pl.LightningDataModule):
    """Makes its train loader once, in setup, with a generator kept in a dict."""

    def __init__(self) -> None:
        super().__init__()
        self.generators = {"train": torch.Generator().manual_seed(7)}
        self.train: Any = None

    def setup(self, stage: str) -> None:
        if self.train is None:
            self.train = loader(generator=self.generators["train"])

    def train_dataloader(self) -> Any:
        return self.train


class _OwnLoader(TinyModel):
    """The module's own train loader, shuffled with a generator it holds."""

    def __init__(self) -> None:
        super().__init__()
        self.generator = torch.Generator().manual_seed(7)

    def train_dataloader(self) -> Any:
        return loader(generator=self.generator)


class _Combined(TinyModel):
    def training_step(self, batch: Any, batch_idx: int) -> Any:
        return super().training_step(batch["a"], batch_idx)


@pytest.mark.parametrize("source", ["datamodule", "module", "combined", "setup"])
def test_the_tuner_puts_back_the_generators_of_loaders_it_did_not_get(tmp_path: Any, source: str) -> None:
    # review 71: the fit drew from the generator of a datamodule's, a module's own or a CombinedLoader's loader
    # before the test's snapshot, and the fit after the Tuner saw another order than without it
    from lightning.pytorch.utilities import CombinedLoader

    seed_all(2)
    model: TinyModel = (
        _Combined() if source == "combined" else _OwnLoader() if source == "module" else TinyModel()
    )
    if source == "datamodule":
        datamodule = _HeldGenerator()
        kwargs: dict[str, Any] = {"datamodule": datamodule}
        generator = datamodule.generator
    elif source == "setup":  # review 75: a loader made in setup, its generator kept in a dict
        datamodule = _LoaderFromSetup()
        kwargs, generator = {"datamodule": datamodule}, datamodule.generators["train"]
    elif source == "module":
        kwargs, generator = {}, model.generator  # type: ignore[attr-defined]
    else:
        generator = torch.Generator().manual_seed(7)
        kwargs = {"train_dataloaders": CombinedLoader({"a": loader(generator=generator)})}
    state = generator.get_state().clone()
    Tuner(trainer(tmp_path)).lr_range_test(model, num_steps=10, confirm=False, apply=False, **kwargs)
    assert torch.equal(generator.get_state(), state)


def test_the_tuner_without_log_leaves_the_checkpoints_where_the_loggers_put_them(tmp_path: Any) -> None:
    # review 71: a ModelCheckpoint without a dirpath fixed <root>/checkpoints in the test's fit, whose loggers
    # were hidden, and the fit after it wrote there instead of the logger's version directory
    seed_all(1)
    ckpt = ModelCheckpoint()
    logger = TensorBoardLogger(str(tmp_path), name="tb")
    t = trainer(tmp_path, logger=logger, callbacks=[ckpt], enable_checkpointing=True, max_steps=4)
    Tuner(t).lr_range_test(TinyModel(), loader(), num_steps=20, confirm=False, log=False)
    assert ckpt.dirpath is None
    t.fit(TinyModel(), loader())
    assert ckpt.dirpath == str(tmp_path / "tb" / "version_0" / "checkpoints")
    assert [p.parent for p in tmp_path.rglob("*.ckpt")] == [tmp_path / "tb" / "version_0" / "checkpoints"]


@pytest.mark.parametrize("snapshot", ["device", "host", "auto"])
def test_state_restored_after_epochs_with_adam_state(tmp_path: Any, snapshot: str) -> None:
    """A test at epoch 2: Adam moments, scheduler progress and loop counters exist and come back."""
    seed_all(2)
    model = TinyModel(optimizer="adamw", scheduler="step")
    test = LRRangeTest(num_steps=20, epochs=[2], apply=False, snapshot=snapshot)
    before, after = Probe(2), Probe(2)
    t = trainer(tmp_path, callbacks=[before, test, after], max_epochs=3)
    t.fit(model, loader())
    assert before.state is not None and before.state["global_step"] == 16
    assert before.state["optimizers"][0]["state"], "Adam has moments by epoch 2"
    assert_same(before.state, after.state)
    assert list(test.results) == [2]


def test_same_training_with_and_without_the_test(tmp_path: Any) -> None:
    """apply=False: a fit with the range test is bitwise the fit without it (data order, dropout, weights)."""

    def fit(with_test: bool) -> dict[str, torch.Tensor]:
        seed_all(3)
        model = TinyModel(optimizer="adamw")
        callbacks = [LRRangeTest(num_steps=15, apply=False)] if with_test else []
        trainer(tmp_path, callbacks=callbacks, max_epochs=2).fit(model, loader())
        return {k: v.clone() for k, v in model.state_dict().items()}

    a, b = fit(True), fit(False)
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_resumed_fit_keeps_its_progress(tmp_path: Any) -> None:
    """Lightning's lr_find reset global_step 200 -> 0 after fit(ckpt_path=...); here it stays."""
    seed_all(4)
    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", save_last=True)
    t = trainer(tmp_path, max_epochs=2, callbacks=[ckpt], enable_checkpointing=True)
    t.fit(TinyModel(), loader())
    assert t.global_step == 16
    model = TinyModel()
    before, after = Probe(), Probe()
    test = LRRangeTest(num_steps=10, apply=False)
    t2 = trainer(tmp_path, max_epochs=3, callbacks=[before, test, after])
    t2.fit(model, loader(), ckpt_path=str(tmp_path / "ckpt" / "last.ckpt"))
    assert before.state is not None and before.state["global_step"] == 16
    assert_same(before.state, after.state)
    assert t2.global_step == 24


class BoomError(Exception):
    pass


class ExplodingModel(TinyModel):
    def __init__(self, at: int, error: type[BaseException], **kw: Any) -> None:
        super().__init__(**kw)
        self.at, self.error, self.calls = at, error, 0

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        self.calls += 1
        if self.calls == self.at:
            raise self.error("boom")
        return super().training_step(batch, batch_idx)


class RunCore(Callback):
    """Calls the core directly and catches what it raises, so the state after the failure can be read."""

    def __init__(self, **options: Any) -> None:
        self.options = LROptions(min_lr=1e-6, max_lr=1.0, **options)
        self.before: Any = None
        self.after: Any = None
        self.raised: BaseException | None = None
        self.step_hooks: int | None = None
        self.result: Any = None

    def on_train_start(self, trainer: Any, pl_module: Any) -> None:
        self.before = full_state(trainer, pl_module)
        try:
            self.result = run_range_test(trainer, pl_module, self.options, live=True)
        except BaseException as exc:
            self.raised = exc
        self.after = full_state(trainer, pl_module)
        self.step_hooks = len(getattr(trainer.optimizers[0], "_optimizer_step_post_hooks", ()))
        trainer.should_stop = True


@pytest.mark.parametrize("error", [BoomError, KeyboardInterrupt])
def test_restored_then_reraised_when_training_step_raises(tmp_path: Any, error: type[BaseException]) -> None:
    seed_all(5)
    model = ExplodingModel(at=7, error=error, optimizer="adamw")
    probe = RunCore(num_steps=20)
    trainer(tmp_path, callbacks=[probe], max_steps=1).fit(model, loader())
    assert isinstance(probe.raised, error)
    assert_same(probe.before, probe.after)
    assert model._current_fx_name is None or model._current_fx_name != "training_step"


class StopsStepping(TinyModel):
    """Manual optimization whose training_step steps the optimizer at its first ``steps`` calls, then never
    again (its gradients keep accumulating)."""

    def __init__(self, steps: int, **kw: Any) -> None:
        super().__init__(**kw)
        self.automatic_optimization = False
        self.steps, self.calls = steps, 0

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        opt = self.optimizers()
        loss = super().training_step(batch, batch_idx)
        self.manual_backward(loss)
        self.calls += 1
        if self.calls <= self.steps:
            opt.step()
            opt.zero_grad()
        return loss


@pytest.mark.parametrize("steps", [0, 5, 12])
def test_manual_training_step_that_never_steps_is_a_clear_error_and_restored(
    tmp_path: Any, steps: int
) -> None:
    """Under manual optimization a training_step that does not step the optimizer: after MAX_CALLS_PER_STEP
    calls without a step, an error that says so and what to do, with weights, gradients, optimizer state and
    LR put back (also when it stops stepping after a sweep of 12 steps, in the candidates), and the range
    test's step hook gone; the error says where: the sweep's step, or the candidate and its step (it used to
    say "step 0 of the range test" in a candidate). It used to count the calls as steps and end with a
    misleading warning."""
    seed_all(8)
    model = StopsStepping(steps, optimizer="adamw")
    probe = RunCore(num_steps=12, retry=False)
    trainer(tmp_path, callbacks=[probe], max_steps=1).fit(model, loader())
    assert isinstance(probe.raised, RuntimeError)
    # where it happened: the sweep's step, or the candidate (and its LR) whose step it was
    where = (
        rf"at step {steps} of the sweep of the LR range test"
        if steps < 12
        else r"at step 0 of candidate 1 \(lr=[0-9.e-]+\) in the confirmation of the LR range test"
    )
    assert re.search(
        rf"training_step ran {MAX_CALLS_PER_STEP} times {where} without stepping the "
        rf"optimizer \(AdamW\): 0 optimizer steps\. .* call opt\.step\(\) on the optimizer from "
        rf"self\.optimizers\(\) in training_step",
        str(probe.raised),
    ), str(probe.raised)
    assert model.calls == steps + MAX_CALLS_PER_STEP
    assert f"ran {MAX_CALLS_PER_STEP} times" in (Tuner.lr_range_test.__doc__ or "")  # the documented bound
    assert_same(probe.before, probe.after)
    assert probe.step_hooks == 0


class CountsCalls(TinyModel):
    """A TinyModel that counts its training_step calls, on the optimizer ``optimizer(model)`` builds."""

    def __init__(self, optimizer: Callable[[TinyModel], Any]) -> None:
        super().__init__()
        self.make_optimizer, self.calls = optimizer, 0

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        self.calls += 1
        return super().training_step(batch, batch_idx)

    def configure_optimizers(self) -> Any:
        return self.make_optimizer(self)


class Unhooked(torch.optim.Optimizer):
    """A Lookahead-like wrapper that shares an SGD's param groups and state without torch's
    ``Optimizer.__init__``, and has its own ``zero_grad``: torch wraps its step to run step hooks at neither
    (``tables``: it sets the step's hook tables, which torch's wrapped step reads, as such wrappers do)."""

    def __init__(self, inner: torch.optim.Optimizer, tables: bool) -> None:
        self.inner, self.defaults = inner, inner.defaults
        for kind in ("step", "state_dict", "load_state_dict"):
            if tables or kind != "step":  # (a fit saves and loads the optimizer's state)
                for when in ("pre", "post"):
                    setattr(self, f"_optimizer_{kind}_{when}_hooks", collections.OrderedDict())

    def step(self, closure: Any = None) -> Any:
        return self.inner.step(closure)

    def zero_grad(self, set_to_none: bool = True) -> None:
        self.inner.zero_grad(set_to_none)

    @property  # type: ignore[override]
    def param_groups(self) -> list[dict[str, Any]]:
        return self.inner.param_groups

    @property  # type: ignore[override]
    def state(self) -> Any:
        return self.inner.state

    def state_dict(self) -> dict[str, Any]:
        return self.inner.state_dict()

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.inner.load_state_dict(state_dict)


class Delegating(torch.optim.Optimizer):
    """A wrapper that reaches every attribute of the SGD it wraps through ``__getattr__`` (its hook tables too),
    without torch's ``Optimizer.__init__``: a hook registered on it is the SGD's, which the SGD's step runs."""

    def __init__(self, inner: torch.optim.Optimizer) -> None:
        self.__dict__["inner"] = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["inner"], name)

    def step(self, closure: Any = None) -> Any:
        return self.inner.step(closure)

    def zero_grad(self, set_to_none: bool = True) -> None:
        self.inner.zero_grad(set_to_none)


@pytest.mark.parametrize("around", ["an SGD", "an unhooked wrapper"])
def test_a_wrapper_that_delegates_its_hooks_counts_each_step_once(tmp_path: Any, around: str) -> None:
    # r171: its class's step was wrapped too, so each step ran the hooks twice, once in the wrapper and once in
    # the SGD: the sweep of 12 points recorded 24 steps taken. r173: around a wrapper whose step runs no hooks
    # (its own tables, no Optimizer.__init__), it was trusted, and the test trained 1000 times at its first step
    def optimizer(model: TinyModel) -> Any:
        inner: Any = torch.optim.SGD(model.parameters(), lr=0.01)
        if around == "an unhooked wrapper":
            inner = type("Unhooked", (Unhooked,), {})(inner, True)
        return type("Delegating", (Delegating,), {})(inner)

    seed_all(8)
    model = CountsCalls(optimizer)
    probe = RunCore(num_steps=12, retry=False, confirm=False, apply=False)
    trainer(tmp_path, callbacks=[probe], max_steps=1).fit(model, loader())
    assert probe.raised is None and model.calls == 12
    assert probe.result is not None and probe.result.steps_taken is None  # one step per point


@pytest.mark.parametrize("tables", [True, False])
def test_an_optimizer_whose_step_runs_no_hooks_is_tested_or_said_before_any_training(
    tmp_path: Any, tables: bool
) -> None:
    # review 168: the range test trained MAX_CALLS_PER_STEP times, then said no step had been taken, where
    # each call had stepped the optimizer; the hook it counts by never ran. With the hook tables its step is
    # now wrapped as torch's zero_grad would wrap it; without them it is said before any training
    def optimizer(model: TinyModel) -> Any:
        # a class of its own per test: torch's wrap of a class's step lasts as long as the class
        return type("Unhooked", (Unhooked,), {})(torch.optim.SGD(model.parameters(), lr=0.01), tables)

    seed_all(8)
    model = CountsCalls(optimizer)
    probe = RunCore(num_steps=12, retry=False, confirm=False, apply=False)
    trainer(tmp_path, callbacks=[probe], max_steps=1).fit(model, loader())
    assert_same(probe.before, probe.after)
    if tables:
        assert probe.raised is None
        assert model.calls == 12  # one call per step of the sweep
        assert probe.step_hooks == 0
        return
    assert isinstance(probe.raised, RuntimeError)
    assert str(probe.raised).startswith(
        "the LR range test counts optimizer steps by torch's step hooks, and Unhooked.step cannot run them: "
        "Unhooked was not built by torch.optim.Optimizer.__init__"
    ), str(probe.raised)
    assert model.calls == 0


def test_torchmetrics_state_is_restored(tmp_path: Any) -> None:
    class WithMetric(TinyModel):
        def __init__(self) -> None:
            super().__init__()
            self.acc = torchmetrics.classification.MulticlassAccuracy(num_classes=3)

        def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            self.acc.update(self(batch[0]), batch[1])
            return super().training_step(batch, batch_idx)

    seed_all(6)
    model = WithMetric()
    seen: dict[str, Any] = {}

    class Check(Callback):
        def on_train_start(self, trainer: Any, pl_module: Any) -> None:
            seen["count"] = pl_module.acc._update_count
            seen["tp"] = pl_module.acc.tp.clone()

    trainer(tmp_path, callbacks=[LRRangeTest(num_steps=10, apply=False), Check()], max_steps=1).fit(
        model, loader()
    )
    assert seen["count"] == 0 and int(seen["tp"].sum()) == 0


def test_logged_metrics_of_the_sweep_do_not_leak(tmp_path: Any) -> None:
    """training_step's self.log during the sweep must not reach the epoch's aggregated metrics."""
    seed_all(7)
    model = TinyModel()
    t = trainer(tmp_path, callbacks=[LRRangeTest(num_steps=40, max_lr=1e4, apply=False)], max_epochs=1)
    t.fit(model, loader())
    sweep_losses = model.seen_losses[: len(model.seen_losses) - 8]
    epoch_losses = model.seen_losses[-8:]
    assert len(sweep_losses) >= 5
    expected = sum(epoch_losses) / 8
    assert float(t.callback_metrics["train_loss_epoch"]) == pytest.approx(expected, rel=1e-5)


class _FreezeFirst(Callback):
    """Freezes the first layer when the fit starts, as a BaseFinetuning does."""

    def on_fit_start(self, trainer: Any, pl_module: Any) -> None:
        pl_module.net[0].requires_grad_(False)


def test_the_tuner_puts_back_the_callers_flags_and_gradients(tmp_path: Any) -> None:
    # review 71: a layer a callback froze in the test's fit came back frozen, and gradients the caller had set
    # came back as None (the snapshot holds them as the test's fit had them)
    seed_all(1)
    model = TinyModel()
    grads = {}
    for name, p in model.named_parameters():
        p.grad = torch.full_like(p, 0.5)
        grads[name] = p.grad.clone()
    t = trainer(tmp_path, callbacks=[_FreezeFirst()])
    Tuner(t).lr_range_test(model, loader(), num_steps=10, confirm=False, apply=False)
    assert all(p.requires_grad for p in model.parameters())
    assert all(p.grad is not None and torch.equal(p.grad, grads[n]) for n, p in model.named_parameters())


def test_a_resumed_test_says_the_settings_its_kept_result_ran_with_where_they_differ(
    tmp_path: Any, caplog: Any
) -> None:
    # r196: a callback resumed with num_steps=50 was told only that the checkpoint's result (of 30) is kept
    seed_all(4)
    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", save_last=True)
    test = LRRangeTest(num_steps=20, confirm=False)
    trainer(tmp_path, max_epochs=1, callbacks=[test, ckpt], enable_checkpointing=True).fit(
        TinyModel(), loader()
    )
    assert test.result is not None
    last = str(tmp_path / "ckpt" / "last.ckpt")

    def resumed(again: LRRangeTest) -> str:
        caplog.clear()
        with caplog.at_level("INFO"):
            trainer(tmp_path, max_epochs=2, callbacks=[again]).fit(TinyModel(), loader(), ckpt_path=last)
        (line,) = [r.getMessage() for r in caplog.records if "its result is kept" in r.getMessage()]
        return line

    line = resumed(LRRangeTest(num_steps=30, mode="linear", confirm=False))
    assert "; it ran with num_steps=20, mode='exponential', not this callback's arguments" in line
    assert "it ran with" not in resumed(LRRangeTest(num_steps=20, confirm=False))


def test_a_schedule_callback_added_on_resume_takes_the_kept_result(tmp_path: Any, caplog: Any) -> None:
    # r196: a run tested with CosineDecay() and was resumed with OneCycle() in its place: the 1cycle peaked at the
    # LR from before the test (0.05), not at the kept result's one_cycle_max_lr
    from lightning_lr.callbacks import CosineDecay, OneCycle

    seed_all(4)
    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", save_last=True)
    test = LRRangeTest(num_steps=20, confirm=False)
    trainer(tmp_path, max_epochs=1, callbacks=[test, CosineDecay(), ckpt], enable_checkpointing=True).fit(
        TinyModel(lr=0.05), loader()
    )
    assert test.result is not None and test.result.suggestion() is not None
    peak = test.result.one_cycle_max_lr()
    one_cycle = OneCycle()
    with caplog.at_level("INFO"):
        trainer(tmp_path, max_epochs=2, callbacks=[LRRangeTest(num_steps=20, confirm=False), one_cycle]).fit(
            TinyModel(lr=0.05), loader(), ckpt_path=str(tmp_path / "ckpt" / "last.ckpt")
        )
    assert one_cycle.value("max_lr") == peak != 0.05
    assert f"OneCycle: takes max_lr={peak:.4g} from the LR range test this resumed run keeps" in caplog.text
    # a callback given its value keeps it
    explicit = OneCycle(max_lr=0.2)
    trainer(tmp_path, max_epochs=2, callbacks=[LRRangeTest(num_steps=20, confirm=False), explicit]).fit(
        TinyModel(lr=0.05), loader(), ckpt_path=str(tmp_path / "ckpt" / "last.ckpt")
    )
    assert explicit.value("max_lr") == 0.2
