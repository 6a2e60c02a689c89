"""ScheduleFree with the real schedulefree optimizers: the right mode at every point of a run."""

from __future__ import annotations

import copy
import random
import warnings
from typing import Any

import lightning.pytorch as pl
import numpy as np
import pytest
import torch
from lightning.pytorch.callbacks import ModelCheckpoint
from torch.utils.data import DataLoader, TensorDataset

from lightning_lr.callbacks import CosineDecay, LRSchedule, ReduceOnPlateau, ScheduleFree
from lightning_lr.schedules import Linear

from support.trainers import DDP, trainer

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


def _assert_holds(saved: dict[str, Any], model: pl.LightningModule) -> None:
    """``saved`` holds the evaluation weights now in ``model``.  Between a save in training and the end of the
    fit the optimizer goes back to train mode and to eval mode again, and schedulefree's train()/eval() undo
    each other only to float rounding (a few ulps), so the weights are compared at that precision."""
    for name, value in model.state_dict().items():
        torch.testing.assert_close(saved["state_dict"][name], value, rtol=1e-5, atol=1e-6, msg=name)


def _differ(training: torch.Tensor, evaluation: torch.Tensor) -> bool:
    """The training weights differ from the evaluation weights beyond that precision (after these short fits
    by 2.6e-5 at the least, under RAdamScheduleFree, on weights of about 0.4)."""
    return bool((training - evaluation).abs().max() > 1e-5)


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
    torch.manual_seed(0)  # the initial weights are this test's, not those left by the tests run before it
    model = Model(makers[make])
    checkpoint = ModelCheckpoint(dirpath=tmp_path, save_last=True)
    t = trainer(tmp_path, [ScheduleFree(), checkpoint], num_sanity_val_steps=2, enable_checkpointing=True)
    t.fit(model)
    # after fit the model holds the evaluation weights (x); the last checkpoint was written in training,
    # where the model held the training weights (y), yet it must hold x
    saved = torch.load(checkpoint.last_model_path, weights_only=False)
    _assert_holds(saved, model)
    optimizer = t.optimizers[0]
    assert optimizer.param_groups[0]["train_mode"] is False
    assert saved["optimizer_states"][0]["param_groups"][0]["train_mode"] is False
    # and the training weights differ from the evaluation weights, so the test can tell them apart
    optimizer.train()
    assert _differ(model.layer.weight, saved["state_dict"]["layer.weight"])


def _adamw(params: Any) -> Any:
    return schedulefree.AdamWScheduleFree(params, lr=0.01)


@pytest.mark.parametrize("devices", [1, 2])
def test_a_weights_only_checkpoint_holds_the_evaluation_weights_too(tmp_path: Any, devices: int) -> None:
    # Lightning builds a weights-only checkpoint without calling callbacks (no on_save_checkpoint)
    torch.manual_seed(0)
    model = Model(_adamw)  # a module-level maker, so the model pickles (ddp_spawn)
    checkpoint = ModelCheckpoint(dirpath=tmp_path, save_last=True, save_weights_only=True)
    ddp = {"strategy": DDP, "devices": 2} if devices == 2 else {}
    t = trainer(tmp_path, [ScheduleFree(), checkpoint], limit_val_batches=0, enable_checkpointing=True, **ddp)
    t.fit(model)  # under DDP the model comes back from rank 0, holding the evaluation weights
    saved = torch.load(tmp_path / "last.ckpt", weights_only=False)  # written by rank 0 under DDP
    assert "optimizer_states" not in saved  # weights-only indeed
    _assert_holds(saved, model)  # after fit: the evaluation weights
    if devices == 1:  # the optimizer stays in the spawned processes; in one, the training weights differ
        t.optimizers[0].train()
        assert _differ(model.layer.weight, saved["state_dict"]["layer.weight"])


def test_the_trainer_saves_checkpoints_as_lightning_does_after_the_fit(tmp_path: Any) -> None:
    t = trainer(tmp_path, [ScheduleFree()], limit_val_batches=0)
    connector = t._checkpoint_connector
    t.fit(Model())
    assert "dump_checkpoint" not in vars(connector)  # the callback's wrapper came off at teardown
    t.save_checkpoint(tmp_path / "after.ckpt", weights_only=True)
    assert "state_dict" in torch.load(tmp_path / "after.ckpt", weights_only=False)


class _Raises(Model):
    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        if self.global_step == 2:
            raise RuntimeError("boom")
        return super().training_step(batch, batch_idx)


def test_after_a_fit_that_raised_the_callback_serves_the_next_trainer(tmp_path: Any) -> None:
    callback = ScheduleFree()
    first = trainer(tmp_path / "a", [callback], limit_val_batches=0)
    with pytest.raises(RuntimeError, match="boom"):
        first.fit(_Raises())  # Lightning calls on_exception, not teardown
    assert "dump_checkpoint" not in vars(first._checkpoint_connector)
    torch.manual_seed(0)
    model = Model()
    checkpoint = ModelCheckpoint(dirpath=tmp_path / "b", save_last=True)
    second = trainer(tmp_path / "b", [callback, checkpoint], limit_val_batches=0, enable_checkpointing=True)
    second.fit(model)
    saved = torch.load(tmp_path / "b" / "last.ckpt", weights_only=False)
    _assert_holds(saved, model)  # the evaluation weights, as after any fit


def test_a_decaying_schedule_on_a_schedule_free_optimizer_warns(tmp_path: Any) -> None:
    with pytest.warns(
        UserWarning, match=r"ScheduleFree: CosineDecay\(.*\) drives the LR of the schedule-free"
    ):
        trainer(tmp_path, [ScheduleFree(), CosineDecay()], num_sanity_val_steps=2).fit(Model())


def test_a_plateau_rule_on_a_schedule_free_optimizer_warns(tmp_path: Any) -> None:
    with pytest.warns(
        UserWarning,
        match=r"ScheduleFree: ReduceOnPlateau lowers the LR of the schedule-free AdamWScheduleFree",
    ):
        trainer(tmp_path, [ScheduleFree(), ReduceOnPlateau("val_loss")], num_sanity_val_steps=2).fit(Model())


def test_a_warm_up_does_not_warn(tmp_path: Any) -> None:
    from lightning_lr.schedules import Constant, join

    warm = LRSchedule(join([Linear(0.0, 0.01, total=4), Constant(0.01)], [4]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer(tmp_path, [ScheduleFree(), warm], num_sanity_val_steps=2).fit(Model())
    assert not [w for w in caught if "ScheduleFree:" in str(w.message)]


def test_a_warm_up_beside_the_optimizers_own_warns_that_they_multiply(tmp_path: Any) -> None:
    # review 78: warmup_steps=8 and a schedule's warm-up gave a quadratic ramp without a word
    from lightning_lr.schedules import Constant, join

    warm = LRSchedule(join([Linear(0.0, 0.01, total=4), Constant(0.01)], [4]))
    own = Model(lambda p: schedulefree.AdamWScheduleFree(p, lr=0.01, warmup_steps=8))
    with pytest.warns(
        UserWarning, match=r"warms up over its own warmup_steps=8 and Join\(.*\) warms it up too"
    ):
        trainer(tmp_path, [ScheduleFree(), warm], num_sanity_val_steps=2).fit(own)


def test_no_schedule_free_optimizer_is_an_error(tmp_path: Any) -> None:
    model = Model(lambda p: torch.optim.SGD(p, lr=0.1))
    with pytest.raises(ValueError, match=r"ScheduleFree: none of the optimizers \['SGD'\] is schedule-free"):
        trainer(tmp_path, [ScheduleFree()], num_sanity_val_steps=2).fit(model)


def test_bad_argument() -> None:
    with pytest.raises(TypeError, match="warn_on_schedule must be True or False, got 'yes'"):
        ScheduleFree(warn_on_schedule="yes")  # type: ignore[arg-type]


# --- BatchNorm statistics at the evaluation weights ------------------------------------------------------
def _bn_data(n: int = 48, **kwargs: Any) -> DataLoader:
    g = torch.Generator().manual_seed(1)
    x = torch.randn(n, 4, generator=g) * 3.0 + 1.0
    y = (x**2).sum(1, keepdim=True)
    return DataLoader(TensorDataset(x, y), batch_size=8, **kwargs)


class BNModel(pl.LightningModule):
    """Linear -> BatchNorm -> ReLU -> Linear with schedule-free AdamW at a high LR (so the training and the
    evaluation weights, and the statistics at each, differ); keeps the network (weights and BatchNorm
    buffers) as validation sees it, and the training batches' inputs."""

    def __init__(self, dict_batches: bool = False, loader: Any = None, dump: str | None = None) -> None:
        super().__init__()
        self.dump = dump  # a folder: each rank saves the network there at each validation run
        self.net = torch.nn.Sequential(
            torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Linear(8, 1)
        )
        self.dict_batches = dict_batches
        self.loader = loader if loader is not None else _bn_data()
        self.at_validation: list[torch.nn.Module] = []
        self.bn_inputs: list[torch.Tensor] = []  # what _recording_forward ran since the last validation run
        self.seen: list[torch.Tensor] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def _xy(self, batch: Any) -> tuple[torch.Tensor, torch.Tensor]:
        return (batch["x"], batch["y"]) if self.dict_batches else (batch[0], batch[1])

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = self._xy(batch)
        self.seen.append(x[0].clone())
        return torch.nn.functional.mse_loss(self(x), y)

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        if batch_idx == 0:
            self.at_validation.append(copy.deepcopy(self.net))
            if self.dump is not None:
                run = len(self.at_validation) - 1
                saved = {"net": self.net.state_dict(), "inputs": self.bn_inputs}
                torch.save(saved, f"{self.dump}/rank{self.global_rank}-run{run}.pt")
                self.bn_inputs = []

    def configure_optimizers(self) -> Any:
        return schedulefree.AdamWScheduleFree(self.parameters(), lr=0.2)

    def train_dataloader(self) -> Any:
        if not self.dict_batches:
            return self.loader
        x, y = self.loader.dataset.tensors
        return DataLoader([{"x": a, "y": b} for a, b in zip(x, y, strict=True)], batch_size=8)

    def val_dataloader(self) -> DataLoader:
        return _bn_data(16)


def _stats(net: torch.nn.Module) -> tuple[torch.Tensor, torch.Tensor]:
    bn = net[1]
    return bn.running_mean.clone(), bn.running_var.clone()


def _oracle(net: torch.nn.Module, loader: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """torch's update_bn at ``net``'s weights over ``loader``: the statistics the evaluation weights have."""
    from torch.optim.swa_utils import update_bn

    net = copy.deepcopy(net)
    update_bn(loader, net)
    return _stats(net)


def _assert_stats(net: torch.nn.Module, expected: tuple[torch.Tensor, torch.Tensor]) -> None:
    for got, want in zip(_stats(net), expected, strict=True):
        torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-6)


def test_batchnorm_statistics_are_gathered_at_the_evaluation_weights(tmp_path: Any) -> None:
    model = BNModel()
    t = trainer(tmp_path, [ScheduleFree()], max_epochs=3)
    t.fit(model)
    assert len(model.at_validation) == 3
    for net in model.at_validation:  # each validation run: the statistics of its own (evaluation) weights
        _assert_stats(net, _oracle(net, _bn_data()))
        assert not any(m.training for m in net.modules())  # in eval mode, as Lightning put it
    _assert_stats(model.net, _oracle(model.net, _bn_data()))  # after fit: the evaluation weights, their stats
    assert t.optimizers[0].param_groups[0]["train_mode"] is False
    assert model.net[1].momentum == 0.1  # the layer's own momentum is back


def test_without_it_the_statistics_are_the_training_weights(tmp_path: Any) -> None:
    model = BNModel()
    trainer(tmp_path, [ScheduleFree(bn_batches=0)], max_epochs=3).fit(model)
    # the check above can fail: the statistics gathered in training are far from the evaluation weights'
    for net in model.at_validation:
        mean, _ = _oracle(net, _bn_data())
        assert not torch.allclose(_stats(net)[0], mean, rtol=0.05, atol=0.05)


def test_it_uses_bn_batches_batches(tmp_path: Any) -> None:
    model = BNModel()
    trainer(tmp_path, [ScheduleFree(bn_batches=2)], max_epochs=1).fit(model)
    (net,) = model.at_validation
    first_two = DataLoader(TensorDataset(*(t[:16] for t in _bn_data().dataset.tensors)), batch_size=8)
    _assert_stats(net, _oracle(net, first_two))


def test_a_checkpoint_saved_in_training_holds_the_evaluation_weights_statistics(tmp_path: Any) -> None:
    model = BNModel()
    checkpoint = ModelCheckpoint(dirpath=tmp_path, every_n_train_steps=4, save_top_k=-1)
    t = trainer(
        tmp_path, [ScheduleFree(), checkpoint], max_epochs=1, limit_val_batches=0, enable_checkpointing=True
    )
    t.fit(model)
    (path,) = tmp_path.glob("*step=4.ckpt")  # saved in training, mid-epoch
    saved = torch.load(path, weights_only=False)["state_dict"]
    net = copy.deepcopy(model.net)
    net.load_state_dict({k.removeprefix("net."): v for k, v in saved.items()})
    _assert_stats(net, _oracle(net, _bn_data()))


def test_a_validation_mid_epoch_leaves_the_epochs_batches_alone(tmp_path: Any) -> None:
    # a loader with persistent workers shares one iterator between every iter() call: gathering the
    # statistics from it mid-epoch would start the training epoch over
    loader = _bn_data(num_workers=1, persistent_workers=True)
    model = BNModel(loader=loader)
    trainer(tmp_path, [ScheduleFree()], max_epochs=2, val_check_interval=0.5).fit(model)
    order = _bn_data().dataset.tensors[0][::8]  # the first input of each batch, in order
    assert len(model.seen) == 12 and len(model.at_validation) == 4
    for i, x in enumerate(model.seen):
        assert torch.equal(x, order[i % 6]), i


class Streamed(torch.utils.data.IterableDataset):
    """The samples of ``_bn_data()`` as a stream (no length, no sampler)."""

    def __iter__(self) -> Any:
        x, y = _bn_data().dataset.tensors
        yield from zip(x, y, strict=True)


class DictOfLoaders(BNModel):
    """Its training data is ``{"a": loader}``: each batch is ``{"a": [x, y]}``."""

    def _xy(self, batch: Any) -> tuple[torch.Tensor, torch.Tensor]:
        return batch["a"][0], batch["a"][1]

    def train_dataloader(self) -> Any:
        return {"a": self.loader}


@pytest.mark.parametrize("data", ["a stream", "a dict of loaders"])
def test_loaders_with_persistent_workers_of_every_kind_keep_their_epochs(tmp_path: Any, data: str) -> None:
    if data == "a stream":
        model: BNModel = BNModel(
            loader=DataLoader(Streamed(), batch_size=8, num_workers=1, persistent_workers=True)
        )
        callback = ScheduleFree()
    else:
        model = DictOfLoaders(loader=_bn_data(num_workers=1, persistent_workers=True))
        callback = ScheduleFree(bn_forward=lambda module, batch: module(batch["a"][0]))
    trainer(tmp_path, [callback], max_epochs=2, val_check_interval=3).fit(model)
    order = _bn_data().dataset.tensors[0][::8]
    assert len(model.seen) == 12 and len(model.at_validation) == 4
    for i, x in enumerate(model.seen):
        assert torch.equal(x, order[i % 6]), i
    for net in model.at_validation:
        _assert_stats(net, _oracle(net, _bn_data()))


def test_batches_that_are_not_inputs_first_need_bn_forward(tmp_path: Any) -> None:
    model = BNModel(dict_batches=True)
    with pytest.raises(
        TypeError,
        match=r"ScheduleFree: cannot tell the model's input in a training batch of type dict.*bn_forward=lambda module, batch",
    ):
        trainer(tmp_path, [ScheduleFree()], max_epochs=1).fit(model)
    assert model.global_step == 0 and model.seen == []  # told at the first batch, before any training
    model = BNModel(dict_batches=True)
    forward = ScheduleFree(bn_forward=lambda module, batch: module(batch["x"]))
    trainer(tmp_path, [forward], max_epochs=1).fit(model)
    (net,) = model.at_validation
    _assert_stats(net, _oracle(net, _bn_data()))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(bn_batches=-1), ValueError, r"bn_batches must be a non-negative integer, got -1"),
        (dict(bn_batches=2.5), TypeError, r"bn_batches must be a non-negative integer, got 2.5"),
        (
            dict(bn_forward="x"),
            TypeError,
            r"bn_forward must be a callable bn_forward\(module, batch\) or None",
        ),
    ],
)
def test_bad_bn_arguments(kwargs: dict[str, Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        ScheduleFree(**kwargs)


def _recording_forward(module: BNModel, batch: Any) -> Any:
    module.bn_inputs.append(batch[0].clone())
    return module(batch[0])


@pytest.mark.ddp
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_under_ddp_every_rank_gets_the_mean_of_the_ranks_statistics(tmp_path: Any) -> None:
    out = tmp_path / "nets"
    out.mkdir()
    model = BNModel(dump=str(out))
    callback = ScheduleFree(bn_forward=_recording_forward)
    trainer(tmp_path, [callback], max_epochs=2, strategy=DDP, devices=2).fit(model)
    for run in (0, 1):
        saved = [torch.load(out / f"rank{r}-run{run}.pt") for r in (0, 1)]
        for name, value in saved[1]["net"].items():
            if not name.startswith("1."):
                torch.testing.assert_close(value, saved[0]["net"][name])  # the same weights on both ranks
        # each rank gathered from its own shard of the training data (3 of the 6 batches)
        inputs = [torch.cat(s["inputs"]) for s in saved]
        assert [len(s["inputs"]) for s in saved] == [3, 3]
        assert len({tuple(row.tolist()) for row in torch.cat(inputs)}) == 48
        # and every rank holds the mean of the ranks' statistics
        net = copy.deepcopy(model.net)
        net.load_state_dict(saved[0]["net"])
        shards = [_oracle(net, s["inputs"]) for s in saved]
        assert not torch.allclose(shards[0][1], shards[1][1])  # the shards differ: the mean is neither
        for s in saved:
            for got, a, b in zip(
                (s["net"]["1.running_mean"], s["net"]["1.running_var"]), *shards, strict=True
            ):
                torch.testing.assert_close(got, (a + b) / 2, rtol=1e-5, atol=1e-6)


def _fake_trainer(loader: Any) -> Any:
    from types import SimpleNamespace

    from lightning.pytorch.plugins import Precision

    strategy = SimpleNamespace(batch_to_device=lambda batch: batch)
    return SimpleNamespace(
        train_dataloader=loader, precision_plugin=Precision(), strategy=strategy, world_size=1
    )


@pytest.mark.parametrize("case", ["no batches", "the first batch fails"])
def test_when_nothing_ran_the_statistics_are_kept(case: str) -> None:
    from lightning_lr.callbacks import _bn_stats

    model = BNModel()
    model.net[1].running_mean.fill_(0.5)
    model.net[1].num_batches_tracked.fill_(7)
    model.eval()
    before = [b.clone() for b in model.net[1].buffers()]

    def failing(module: Any, batch: Any) -> None:
        raise RuntimeError("the model's forward failed")

    if case == "no batches":
        assert _bn_stats.recompute(_fake_trainer(_bn_data(0)), model, 50, _bn_stats.default_forward) == 0
    else:
        with pytest.raises(RuntimeError, match="the model's forward failed"):
            _bn_stats.recompute(_fake_trainer(_bn_data()), model, 50, failing)
    assert all(torch.equal(a, b) for a, b in zip(model.net[1].buffers(), before, strict=True))
    assert model.net[1].momentum == 0.1 and not any(m.training for m in model.modules())


class NoForward(BNModel):
    """Runs its network in training_step only, as many modules do: no forward()."""

    forward = pl.LightningModule.forward

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = self._xy(batch)
        return torch.nn.functional.mse_loss(self.net(x), y)


def test_a_module_without_forward_needs_bn_forward_and_is_told_at_fit_start(tmp_path: Any) -> None:
    model = NoForward()
    with pytest.raises(
        TypeError,
        match=r"ScheduleFree\(bn_batches=50\): NoForward has BatchNorm layers \(net.1\) and no forward\(\).*"
        r"bn_forward=lambda module, batch: module.<network>\(batch\[0\]\)",
    ):
        trainer(tmp_path, [ScheduleFree()], max_epochs=1).fit(model)
    assert model.global_step == 0  # before any training
    trainer(tmp_path, [ScheduleFree(bn_forward=lambda m, batch: m.net(batch[0]))], max_epochs=1).fit(model)
    (net,) = model.at_validation
    _assert_stats(net, _oracle(net, _bn_data()))
    trainer(tmp_path, [ScheduleFree(bn_batches=0)], max_epochs=1).fit(NoForward())  # off: no forward needed


class WithDropout(BNModel):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.net.insert(3, torch.nn.Dropout(0.3))  # after the ReLU: draws from torch's generator


class Jittered(torch.utils.data.Dataset):
    """The samples of ``_bn_data()`` with noise drawn from Python's and NumPy's generators (a transform)."""

    def __init__(self) -> None:
        self.x, self.y = _bn_data().dataset.tensors

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.x[i] + float(np.random.rand()) + random.random(), self.y[i]


@pytest.mark.parametrize(
    "randomness", ["torch's generator", "the loader's generator", "Python's and NumPy's generators"]
)
def test_training_takes_the_same_path_with_or_without_gathering(tmp_path: Any, randomness: str) -> None:
    # the extra iteration of a shuffled loader, a transform and the forward passes with dropout draw random
    # numbers: the next epochs' order, noise and dropout masks must be what they are without the gathering
    def run(bn_batches: int) -> WithDropout:
        pl.seed_everything(0, verbose=False)
        generator = torch.Generator().manual_seed(3) if randomness == "the loader's generator" else None
        if randomness == "Python's and NumPy's generators":
            loader = DataLoader(Jittered(), batch_size=8, shuffle=True)
        else:
            loader = _bn_data(shuffle=True, generator=generator)
        model = WithDropout(loader=loader)
        trainer(tmp_path, [ScheduleFree(bn_batches=bn_batches)], max_epochs=3).fit(model)
        return model

    gathered, kept = run(50), run(0)
    assert len(gathered.seen) == 18
    assert all(torch.equal(a, b) for a, b in zip(gathered.seen, kept.seen, strict=True))  # the same batches
    for name, value in gathered.net.state_dict().items():  # the same weights
        if "running" not in name and "num_batches" not in name:
            assert torch.equal(value, kept.net.state_dict()[name]), name
    assert not torch.allclose(gathered.net[1].running_mean, kept.net[1].running_mean)  # other statistics
