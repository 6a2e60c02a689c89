"""LightningCLI: schedule callbacks, durations and pure schedules configured from YAML
(``class_path`` / ``init_args``), run for real."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from lightning.pytorch.cli import LightningCLI

from lightning_lr import LRScheduleMixin
from lightning_lr import schedules as S
from lightning_lr.callbacks import Cyclic, Epochs, Fraction, OneCycle, ReduceOnPlateau, ScheduleCallback

from support.models import CLIModel
from support.recording import Recorder, assert_trace

N = 24
RECORDER = f"{Recorder.__module__}.Recorder"


class MixinCLIModel(LRScheduleMixin, CLIModel):
    """The schedule comes from the model's YAML section and is injected by the mixin."""

    def __init__(self, lr: float = 0.1, lr_schedule: ScheduleCallback | None = None) -> None:
        super().__init__(lr=lr)
        self.lr_schedule = lr_schedule  # None (``lr_schedule: null``, the default): no schedule


def run_cli(tmp_path: Path, config: str, model_class: type = CLIModel) -> LightningCLI:
    path = tmp_path / "input.yaml"
    path.write_text(textwrap.dedent(config))
    return run_cli_args(tmp_path, ["--config", str(path)], model_class)


def run_cli_args(tmp_path: Path, args: list[str], model_class: type) -> LightningCLI:
    """``LightningCLI(model_class)`` on ``fit`` and ``args`` (the command line after ``fit``)."""
    defaults = dict(
        default_root_dir=str(tmp_path),
        max_epochs=2,
        accelerator="cpu",
        devices=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    return LightningCLI(
        model_class, args=["fit", *args], trainer_defaults=defaults, save_config_kwargs={"overwrite": True}
    )


def recorder(cli: LightningCLI) -> Recorder:
    (rec,) = [c for c in cli.trainer.callbacks if isinstance(c, Recorder)]
    return rec


@pytest.mark.filterwarnings("ignore:.*does not have many workers")
def test_trainer_callbacks_from_yaml(tmp_path) -> None:
    cli = run_cli(
        tmp_path,
        f"""
        trainer:
          callbacks:
            - class_path: lightning_lr.callbacks.OneCycle
              init_args:
                max_lr: 0.5
                total:
                  class_path: lightning_lr.callbacks.Epochs
                  init_args:
                    epochs: 1
                three_phase: true
                base_momentum: 0.8
            - class_path: {RECORDER}
        """,
    )
    (cb,) = [c for c in cli.trainer.callbacks if isinstance(c, OneCycle)]
    assert (cb.max_lr, cb.total, cb.three_phase, cb.base_momentum) == (0.5, Epochs(1), True, 0.8)
    expected = S.OneCycle(0.5, total_steps=12, three_phase=True)
    assert_trace(recorder(cli).lr(), expected.values(N))
    assert_trace(recorder(cli).momentum(), expected.momentum(0.8, 0.95).values(N))
    saved = (tmp_path / "config.yaml").read_text()  # SaveConfigCallback wrote the resolved config
    assert "class_path: lightning_lr.callbacks.OneCycle" in saved
    assert "class_path: lightning_lr.callbacks.Epochs" in saved


@pytest.mark.filterwarnings("ignore:.*does not have many workers")
def test_a_pure_schedule_in_the_models_yaml_through_the_mixin(tmp_path) -> None:
    cli = run_cli(
        tmp_path,
        f"""
        model:
          lr: 0.2
          lr_schedule:
            class_path: lightning_lr.callbacks.LRSchedule
            init_args:
              lr:
                class_path: lightning_lr.schedules.CosineDecay
                init_args:
                  initial: 0.2
                  total: 20
                  final: 0.01
              momentum:
                class_path: lightning_lr.schedules.Linear
                init_args:
                  start: 0.95
                  end: 0.85
                  total: 20
        trainer:
          callbacks:
            - class_path: {RECORDER}
        """,
        model_class=MixinCLIModel,
    )
    rec = recorder(cli)
    assert_trace(rec.lr(), S.CosineDecay(0.2, total=20, final=0.01).values(N))
    assert_trace(rec.momentum(), S.Linear(0.95, 0.85, total=20).values(N))
    assert cli.model.hparams["lightning_lr"]["schedule"] == "LRSchedule"


@pytest.mark.filterwarnings("ignore:.*does not have many workers")
def test_a_null_schedule_in_the_models_yaml_trains_at_the_optimizers_lr(tmp_path) -> None:
    """Review 48: ``lr_schedule: null`` (the default of an optional schedule argument) ended the fit with an
    error; it means no schedule."""
    cli = run_cli(
        tmp_path,
        f"""
        model:
          lr: 0.2
          lr_schedule: null
        trainer:
          callbacks:
            - class_path: {RECORDER}
        """,
        model_class=MixinCLIModel,
    )
    assert_trace(recorder(cli).lr(), [0.2] * N)
    assert not [c for c in cli.trainer.callbacks if isinstance(c, ScheduleCallback)]


class UnannotatedCLIModel(LRScheduleMixin, CLIModel):
    """The README's ``ArgumentModel`` before review 120: an ``lr_schedule`` argument without a type annotation."""

    def __init__(self, lr: float = 0.1, lr_schedule=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(lr=lr)
        self.lr_schedule = lr_schedule


CLI_SCHEDULE = [
    "--model.lr=0.2",
    "--model.lr_schedule=lightning_lr.callbacks.CosineDecay",
    f"--trainer.callbacks+={RECORDER}",
]


@pytest.mark.filterwarnings("ignore:.*does not have many workers")
def test_the_schedule_argument_from_the_command_line(tmp_path) -> None:
    """The README's ``--model.lr_schedule`` form, with the README's annotated argument."""
    cli = run_cli_args(tmp_path, [*CLI_SCHEDULE, "--model.lr_schedule.warmup=4"], MixinCLIModel)
    assert_trace(recorder(cli).lr(), S.warmup(S.CosineDecay(0.2, total=N - 4), steps=4).values(N))


@pytest.mark.parametrize("warmup", [[], ["--model.lr_schedule.warmup=4"]], ids=["class", "with-argument"])
def test_an_unannotated_schedule_argument_is_told_to_annotate(tmp_path, warmup: list[str]) -> None:
    # review 120: LightningCLI passed the text (or a NestedArg) through, and the error did not say why
    with pytest.raises(TypeError, match=r"got .*CosineDecay|got NestedArg") as err:
        run_cli_args(tmp_path, [*CLI_SCHEDULE, *warmup], UnannotatedCLIModel)
    assert "declare the __init__ argument as `lr_schedule: ScheduleCallback | None = None`" in str(err.value)


def test_yaml_values_are_validated(tmp_path) -> None:
    with pytest.raises(ValueError, match=r"Fraction: fraction must be >= 0, got -0.5"):
        run_cli(
            tmp_path,
            """
            trainer:
              callbacks:
                - class_path: lightning_lr.callbacks.Cyclic
                  init_args:
                    step_size:
                      class_path: lightning_lr.callbacks.Fraction
                      init_args:
                        fraction: -0.5
            """,
        )


def test_parser_accepts_every_duration_spelling_and_round_trips_defaults() -> None:
    from jsonargparse import ArgumentParser

    parser = ArgumentParser()
    parser.add_class_arguments(Cyclic, "cyclic")
    parser.add_class_arguments(OneCycle, "one_cycle")
    fraction = '{"class_path": "lightning_lr.callbacks.Fraction", "init_args": {"fraction": 0.1}}'
    cfg = parser.parse_args(["--cyclic.step_size=500", f"--cyclic.step_size_down={fraction}"])
    init = parser.instantiate(cfg)
    assert init.cyclic.step_size == 500 and init.cyclic.step_size_down == Fraction(0.1)
    # defaults (Epochs(2), Fraction(1.0)) are written as importable constants and read back
    dumped = parser.dump(parser.parse_args([]))
    assert "lightning_lr.callbacks.durations.TWO_EPOCHS" in dumped
    init = parser.instantiate(parser.parse_string(dumped))
    assert init.cyclic.step_size == Epochs(2) and init.one_cycle.total == Fraction(1.0)


class PlateauCLIModel(MixinCLIModel):
    """Logs a training metric that improves, then stalls: 1.0, 0.5, 0.5, ... (one value per epoch)."""

    def training_step(self, batch: Any, batch_idx: int) -> Any:
        loss = super().training_step(batch, batch_idx)
        self.log("train_metric", 1.0 if self.current_epoch == 0 else 0.5, on_step=False, on_epoch=True)
        return loss


@pytest.mark.filterwarnings("ignore:.*does not have many workers")
def test_a_plateau_in_the_models_yaml_composes_with_a_trainer_callback(tmp_path) -> None:
    cli = run_cli(
        tmp_path,
        f"""
        model:
          lr_schedule:
            class_path: lightning_lr.callbacks.ReduceOnPlateau
            init_args:
              monitor: train_metric
              factor: 0.5
              patience: 0
              min_lr: [0.001]
        trainer:
          max_epochs: 5
          callbacks:
            - class_path: lightning_lr.callbacks.CosineDecay
            - class_path: {RECORDER}
        """,
        model_class=PlateauCLIModel,
    )
    plateau = cli.model.lr_schedule_callback()
    assert isinstance(plateau, ReduceOnPlateau) and plateau.min_lr == [0.001]
    # epochs 2, 3 and 4 do not improve on 0.5; at step 60 the cosine is at 0, so nothing is reduced there
    assert plateau.reductions == {0: [[36, 48]]}
    base = S.CosineDecay(0.1, total=60).values(60)
    expected = np.maximum(
        base * S.MultiStepDecay(1.0, [36, 48], gamma=0.5).values(60), np.minimum(base, 0.001)
    )
    assert_trace(recorder(cli).lr(), expected)


class SavedMixinCLIModel(MixinCLIModel):
    """The README's mixin model: it saves its hyperparameters."""

    def __init__(self, lr: float = 0.1, lr_schedule: ScheduleCallback | None = None) -> None:
        super().__init__(lr=lr)
        self.lr_schedule = lr_schedule  # None (``lr_schedule: null``, the default): no schedule
        self.save_hyperparameters(ignore=["lr_schedule"])


@pytest.mark.filterwarnings("ignore:.*does not have many workers")
def test_a_mixin_model_resumes_through_the_cli_and_loads_from_its_checkpoint(tmp_path) -> None:
    # before: the checkpoint's hyper_parameters held the mixin's "lightning_lr", which LightningCLI's
    # --ckpt_path and load_from_checkpoint pass to __init__: "Subcommand 'fit' does not accept option
    # 'model.lightning_lr.schedule'" (review 29)
    config = tmp_path / "input.yaml"
    config.write_text(
        textwrap.dedent(
            """
            model:
              lr: 0.2
              lr_schedule:
                class_path: lightning_lr.callbacks.OneCycle
            """
        )
    )
    defaults = dict(
        default_root_dir=str(tmp_path),
        accelerator="cpu",
        devices=1,
        logger=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    kwargs = dict(trainer_defaults=defaults, save_config_kwargs={"overwrite": True})
    first = LightningCLI(
        SavedMixinCLIModel, args=["fit", "--config", str(config), "--trainer.max_epochs=1"], **kwargs
    )
    assert first.model.hparams["lightning_lr"]["schedule"] == "OneCycle"  # the loggers' hparams keep it
    (ckpt,) = Path(first.trainer.checkpoint_callback.dirpath).glob("*.ckpt")  # type: ignore[union-attr]
    assert "lightning_lr" not in torch.load(ckpt, weights_only=False)["hyper_parameters"]
    args = ["fit", "--config", str(config), "--trainer.max_epochs=2", f"--ckpt_path={ckpt}"]
    again = LightningCLI(SavedMixinCLIModel, args=args, **kwargs)
    assert again.trainer.global_step == 2 * again.trainer.num_training_batches
    assert SavedMixinCLIModel.load_from_checkpoint(ckpt).hparams["lr"] == 0.2
