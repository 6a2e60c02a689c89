"""The Lightning internals lightning_lr wraps in ``_lightning_compat`` do what their callers rely on
(these fail first when a Lightning upgrade changes them)."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

import lightning.pytorch as pl
import pytest
import torch
from lightning.pytorch.demos.boring_classes import BoringModel

from lightning_lr import _lightning_compat as L


def test_set_initial_hparams_starts_or_extends_what_loggers_receive() -> None:
    bare = BoringModel()
    L.set_initial_hparams(bare, "lightning_lr", {"max_lr": 0.1})
    assert bare.hparams_initial == {"lightning_lr": {"max_lr": 0.1}} and bare._log_hyperparams

    class Saved(BoringModel):
        def __init__(self, lr: float = 0.05) -> None:
            super().__init__()
            self.save_hyperparameters()

    saved = Saved()
    values = {"milestones": [1]}
    L.set_initial_hparams(saved, "lightning_lr", values)
    values["milestones"].append(2)  # a copy was stored
    assert saved.hparams_initial == {"lr": 0.05, "lightning_lr": {"milestones": [1]}}


def test_setup_train_data_makes_the_batch_count_known_before_the_loop(tmp_path: Any) -> None:
    seen: dict[str, Any] = {}

    class Probe(pl.Callback):
        def on_fit_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
            seen["before"] = trainer.train_dataloader
            L.setup_train_data(trainer)
            seen["after"] = trainer.num_training_batches

    trainer = pl.Trainer(
        default_root_dir=tmp_path,
        max_steps=1,
        callbacks=[Probe()],
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.fit(BoringModel())
    assert seen["before"] is None and seen["after"] == 64


def test_overrides_and_dataloader_iter_signature() -> None:
    class WithIter(BoringModel):
        def training_step(self, dataloader_iter: Any) -> Any:  # type: ignore[override]
            return super().training_step(next(dataloader_iter)[0], 0)

    assert L.takes_dataloader_iter(WithIter()) and not L.takes_dataloader_iter(BoringModel())
    assert L.overrides(BoringModel(), "validation_step") and not L.overrides(BoringModel(), "on_fit_start")


@pytest.mark.parametrize("ns", L.NAMESPACES)
def test_spawn_hand_over_goes_from_rank_zero_to_the_callback_at_the_same_place(ns: str) -> None:
    """The wrapped launcher methods keep what they carried (callback_metrics) and carry each callback's
    hand-over to the callback with the same state_key at the same position."""
    lightning = importlib.import_module(ns)
    launchers = importlib.import_module(f"{ns}.strategies.launchers.multiprocessing")

    class Taker(L.Callback):
        def __init__(self, tag: str) -> None:
            self.tag, self.got = tag, None

        def _spawn_hand_over(self, trainer: Any) -> Any:
            return {"from": self.tag}

        def _spawn_receive(self, trainer: Any, data: Any) -> None:
            self.got = data

    L.install_spawn_hand_over()
    L.install_spawn_hand_over()  # idempotent
    rank0 = lightning.Trainer(logger=False, callbacks=[Taker("a"), Taker("b")])
    rank0.callback_metrics["loss"] = torch.tensor(1.5)
    launcher = launchers._MultiProcessingLauncher(rank0.strategy)
    extra = launcher.get_extra_results(rank0)
    main = lightning.Trainer(logger=False, callbacks=[Taker("x"), Taker("y")])
    launcher.update_main_process_results(main, extra)
    takers = [cb for cb in main.callbacks if isinstance(cb, Taker)]
    assert [t.got for t in takers] == [{"from": "a"}, {"from": "b"}]
    assert float(main.callback_metrics["loss"]) == 1.5


_SILENCED = """
import logging, sys
import lightning.pytorch as pl
import lightning_lr.callbacks
if sys.argv[1] == "quiet":
    logging.getLogger("lightning.pytorch").setLevel(logging.WARNING)
pl.Trainer(accelerator="cpu", logger=False)
"""


@pytest.mark.skipif(
    importlib.util.find_spec("pytorch_lightning") is None, reason="pytorch_lightning is not installed here"
)
@pytest.mark.parametrize("level", ["quiet", "default"])
def test_importing_the_package_leaves_lightnings_logging_as_the_user_sets_it(level: str) -> None:
    # review 118: importing lightning_lr imported pytorch_lightning, which pointed Lightning's shared rank-zero
    # logger at its own, so logging.getLogger("lightning.pytorch").setLevel(WARNING) no longer hid the banner
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _SILENCED, level], capture_output=True, text=True, check=True)
    shown = "GPU available" in out.stdout + out.stderr
    assert shown == (level == "default")


_OWN_LOGGER = """
import logging, sys, warnings
import torch
import lightning.pytorch as pl
from lightning_lr import Tuner
warnings.simplefilter("ignore")
if "quiet-lightning" in sys.argv:
    logging.getLogger("lightning.pytorch").setLevel(logging.WARNING)
if "quiet-ours" in sys.argv:
    logging.getLogger("lightning_lr").setLevel(logging.WARNING)

class M(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.lr = 0.01
        self.net = torch.nn.Linear(4, 2)
    def training_step(self, batch, i):
        x, y = batch
        return torch.nn.functional.cross_entropy(self.net(x), y)
    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.lr)

g = torch.Generator().manual_seed(0)
x = torch.randn(64, 4, generator=g)
data = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, (x[:, 0] > 0).long()), batch_size=8)
trainer = pl.Trainer(accelerator="cpu", logger=False, max_steps=40, enable_progress_bar=False)
Tuner(trainer).lr_range_test(M(), data, num_steps=30, confirm=False)
"""


@pytest.mark.parametrize("quiet", [(), ("quiet-lightning",), ("quiet-ours",)])
def test_the_packages_info_lines_have_a_logger_of_their_own(quiet: tuple[str, ...]) -> None:
    # r203: the range test's info lines ("LR range test: set M.lr = ...") went through Lightning's rank-zero
    # logger, so quieting Lightning's banners hid them too, and a handler on "lightning_lr" caught none
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", _OWN_LOGGER, *quiet], capture_output=True, text=True, check=True
    )
    said = out.stdout + out.stderr
    assert ("GPU available" in said) == ("quiet-lightning" not in quiet)
    assert ("LR range test: set M.lr = " in said) == ("quiet-ours" not in quiet)


@pytest.mark.parametrize(
    ("version", "taken"),
    [("1.9.5", False), ("2.3.3", False), ("2.4.0", True), ("2.10.1", True), ("3.0.0rc1", True)],
)
def test_a_standalone_pytorch_lightning_older_than_supported_is_no_namespace(
    monkeypatch: pytest.MonkeyPatch, version: str, taken: bool
) -> None:
    # r161: pytorch-lightning 1.9.5, kept by pip beside lightning 2.6.6 (nobody requires it), was taken for a
    # namespace, and every callback failed at its Trainer on its 1.9 internals, for lightning.pytorch users too
    import importlib.metadata

    from lightning_lr._lightning_compat import _namespaces

    seen: list[str] = []

    def installed(name: str) -> str:
        seen.append(name)
        return version

    monkeypatch.setattr(importlib.metadata, "version", installed)
    assert _namespaces._supported("pytorch-lightning") is taken
    assert seen == ["pytorch-lightning"]


def test_time_set_aside_from_the_fit_is_not_counted_against_a_started_timer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # r159: a range test at a later epoch ran while the Timer counted, and max_time=1 s stopped the fit after 1 of
    # that epoch's 8 steps; the test at the fit's start runs before the Timer starts
    from lightning.pytorch.callbacks import Timer
    from lightning.pytorch.trainer.states import RunningStage

    from lightning_lr._lightning_compat import _trainer

    trainer = pl.Trainer(max_time={"seconds": 1}, logger=False, enable_checkpointing=False)
    (timer,) = [cb for cb in trainer.callbacks if isinstance(cb, Timer)]
    clock = iter([100.0, 130.0, 200.0, 260.0])
    monkeypatch.setattr(_trainer.time, "monotonic", lambda: next(clock))
    with L.aside_from_fit(trainer):  # not started yet: nothing to move
        pass
    assert timer._start_time[RunningStage.TRAINING] is None
    timer._start_time[RunningStage.TRAINING] = 5.0
    with L.aside_from_fit(trainer):  # 60 s taken
        assert L.set_aside(trainer)
    assert timer._start_time[RunningStage.TRAINING] == 65.0 and not L.set_aside(trainer)
