"""``lightning-lr demo``: the LR range test, then three trainings on scikit-learn's digits.

1. ``Tuner(trainer).lr_range_test`` sweeps the LR of a fresh model on a Trainer that holds a ``OneCycle()``
   callback without ``max_lr``: the test sets the model's ``lr`` to its suggestion and fills the callback's
   ``max_lr`` (zero configuration).
2. Three trainings from the same initial weights and the same batches:
   - ``1cycle``: that Trainer's fit: the 1cycle policy with inverse momentum cycling;
   - ``constant``: the suggestion, held (``LRSchedule(Constant(suggestion))``);
   - ``step decay``: the suggestion, halved every fifth of the run (seed 002's step decay,
     ``StepDecay(every=Epochs(n), drop=0.5)``; in a one-epoch run ``every=Fraction(0.2)``, as a decay
     every epoch would never take effect).
3. Figures (PNG and TensorBoard), a summary table and the ``tensorboard`` command.
"""

from __future__ import annotations

import contextlib
import logging
import math
import shlex
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..schedules import Constant

__all__ = ["DemoConfig", "DemoFailedError", "DemoResult", "DemoUsageError", "RunResult", "run_demo"]

TARGET = 0.95  # the accuracy "epochs to" counts towards


class DemoUsageError(Exception):
    """A demo configuration that cannot run here (reported as a usage error, exit status 2)."""


class DemoFailedError(Exception):
    """The demo ran but could not finish (reported without a traceback, exit status 1)."""


@dataclass(frozen=True)
class DemoConfig:
    """What ``lightning-lr demo`` runs. The last fields are for quick checks (tests), not the CLI."""

    output_dir: Path = Path("lightning_lr_demo")
    epochs: int = 12
    accelerator: str = "cpu"
    devices: int | str | list[int] = 1
    seed: int = 0
    batch_size: int = 32
    range_test_steps: int = 100
    train_size: int | None = None
    print_fn: Callable[[str], None] = print


@dataclass
class RunResult:
    """One training run: its schedule, validation accuracy per epoch, LR/momentum per step, wall time."""

    name: str
    schedule: str
    val_acc: list[float] = field(default_factory=list)
    lrs: list[float] = field(default_factory=list)
    momentums: list[float | None] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def final_acc(self) -> float:
        return self.val_acc[-1] if self.val_acc else math.nan

    @property
    def epochs_to_target(self) -> int | None:
        """The first epoch (from 1) that reached ``TARGET`` validation accuracy, None if none did."""
        # (float32 accuracies: 342/360 is 0.949999988, shown as 95.0%, and counts as reached: r164)
        return next((i + 1 for i, a in enumerate(self.val_acc) if a >= TARGET - 1e-6), None)


@dataclass
class DemoResult:
    """What the demo computed (rank zero): the range test's result, the runs, the figure files, the table."""

    range_test: Any
    suggestion: float
    one_cycle_max_lr: float
    runs: list[RunResult]
    figures: list[Path]
    table: str
    steps_per_epoch: int


# ---------------------------------------------------------------------------------------------
# Quiet Lightning: no banner lines or hints in the demo's output (warnings that matter still show).
# ---------------------------------------------------------------------------------------------
@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    # review 118: with pytorch_lightning installed beside lightning, importing lightning_lr imports it, and
    # Lightning's messages then go to the standalone packages' loggers: quiet both namespaces
    names = (
        "lightning.pytorch",
        "lightning.fabric",
        "lightning",
        "pytorch_lightning",
        "lightning_fabric",
        "lightning_lr",
    )
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    with warnings.catch_warnings():
        from lightning.fabric.utilities.warnings import PossibleUserWarning

        warnings.filterwarnings("ignore", category=PossibleUserWarning)
        warnings.filterwarnings("ignore", message=".*does not have many workers.*")
        warnings.filterwarnings("ignore", message=".*LeafSpec.*")
        for lg in loggers:
            lg.setLevel(logging.WARNING)
        try:
            yield
        finally:
            for lg, level in zip(loggers, levels, strict=True):
                lg.setLevel(level)


def _is_rank_zero() -> bool:
    from .._lightning_compat import on_rank_zero  # (Lightning imported when the demo runs, not at import)

    return on_rank_zero()


#: the TensorBoard runs the demo writes, one folder each under the output directory
_RUNS = ("one_cycle", "constant", "step_decay", "summary")


# ---------------------------------------------------------------------------------------------
# The pieces
# ---------------------------------------------------------------------------------------------
def _recorder() -> Any:
    import lightning.pytorch as pl

    from ..optim import param_groups as pg

    class Recorder(pl.Callback):
        """Records the LR and momentum each optimizer step really uses, and val_acc per epoch."""

        def __init__(self) -> None:
            self.lrs: list[float] = []
            self.momentums: list[float | None] = []
            self.val_acc: list[float] = []

        def on_train_batch_start(self, trainer: pl.Trainer, *args: Any) -> None:
            group = trainer.optimizers[0].param_groups[0]
            self.lrs.append(pg.lr(group))
            self.momentums.append(pg.momentum(group))

        def on_validation_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
            if not trainer.sanity_checking and "val_acc" in trainer.callback_metrics:
                self.val_acc.append(float(trainer.callback_metrics["val_acc"]))

    return Recorder()


def _trainer(config: DemoConfig, name: str | None, callbacks: list[Any]) -> Any:
    import lightning.pytorch as pl
    from lightning.pytorch.loggers import TensorBoardLogger

    # version="": one folder per run of the demo (output_dir/<run>), replaced by the next demo, not version_N
    logger: Any = (
        TensorBoardLogger(str(config.output_dir), name=name, version="", default_hp_metric=False)
        if name
        else False
    )
    try:
        return pl.Trainer(
            max_epochs=config.epochs,
            accelerator=config.accelerator,
            devices=config.devices,
            logger=logger,
            callbacks=callbacks,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
            num_sanity_val_steps=0,
            log_every_n_steps=5,
            deterministic=True,
        )
    except Exception as exc:  # MisconfigurationException, ValueError, RuntimeError: devices not available
        raise DemoUsageError(
            f"--accelerator {config.accelerator} --devices {config.devices}: {exc}"
        ) from None


def _train(
    config: DemoConfig,
    datamodule: Any,
    name: str,
    slug: str,
    lr: float,
    callbacks: list[Any],
    described: str,
    hparams: dict[str, Any],
) -> RunResult:
    """Fit a fresh model (the same initial weights for every run) built with ``lr``, with ``callbacks``."""
    import lightning.pytorch as pl

    from ._digits import DigitsCNN

    pl.seed_everything(config.seed, verbose=False)
    recorder = _recorder()
    trainer = _trainer(config, slug, [*callbacks, recorder])
    start = time.perf_counter()
    trainer.fit(DigitsCNN(lr=lr), datamodule=datamodule)
    run = RunResult(
        name, described, recorder.val_acc, recorder.lrs, recorder.momentums, time.perf_counter() - start
    )
    _log_result(trainer, run, hparams)
    return run


def _log_result(trainer: Any, run: RunResult, hparams: dict[str, Any]) -> None:
    """The run's real settings and its final validation accuracy, for TensorBoard's HPARAMS tab (and the
    run's hparams.yaml)."""
    if trainer.logger is None or not run.val_acc:
        return
    from pathlib import Path

    from lightning.pytorch.core.saving import save_hparams_to_yaml

    params = {"run": run.name, "schedule": run.schedule, **hparams, "epochs": len(run.val_acc)}
    trainer.logger.log_hyperparams(params, metrics={"hp/final_val_acc": run.final_acc})
    # the logger wrote hparams.yaml at fit start (empty: the model does not log its own); write the real one
    save_hparams_to_yaml(Path(trainer.logger.log_dir) / "hparams.yaml", params)


def _written_by_demo(path: Path) -> bool:
    """Whether ``path``, in one of the demo's run folders, is a file a demo writes there: TensorBoard's event
    files and the logger's ``hparams.yaml`` (or a file browser's own, :data:`_SYSTEM_FILES`)."""
    return path.is_file() and (
        path.name.startswith("events.out.tfevents.") or path.name in ("hparams.yaml", *_SYSTEM_FILES)
    )


#: what a file browser writes into any folder it shows (review 119: a demo folder opened in Finder was refused)
_SYSTEM_FILES = (".DS_Store", "Thumbs.db", "desktop.ini")


def _clear_previous_logs(config: DemoConfig) -> bool:
    """Remove the TensorBoard runs a previous demo wrote to the output directory, so TensorBoard shows this
    demo's runs once. Returns whether there were any. A run folder holding anything a demo does not write
    there is refused before anything is removed, naming it (review 118: ``--output-dir`` on a project folder
    deleted its ``summary/`` with the user's files in it)."""
    import shutil

    folders = [config.output_dir / slug for slug in _RUNS if (config.output_dir / slug).is_dir()]
    for folder in folders:
        foreign = next((p for p in sorted(folder.iterdir()) if not _written_by_demo(p)), None)
        if foreign is not None:
            raise DemoUsageError(
                f"--output-dir: {str(folder)!r} holds {foreign.name!r}, which the demo does not write; the demo "
                f"replaces its run folders ({', '.join(_RUNS)}) in the output directory, so give one of its own "
                f"(the default is {str(DemoConfig().output_dir)!r}) or move that folder"
            )
    for folder in folders:
        shutil.rmtree(folder)
    return bool(folders)


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
def format_table(runs: list[RunResult]) -> str:
    """The summary table: one row per run."""
    header = ("run", "schedule", "final val acc", f"epochs to {TARGET:.0%}", "wall time")
    rows = [
        (
            r.name,
            r.schedule if len(r.schedule) <= 60 else r.schedule[:57] + "...",
            f"{r.final_acc:.1%}",
            "never" if r.epochs_to_target is None else str(r.epochs_to_target),
            f"{r.seconds:.1f} s",
        )
        for r in runs
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    right = (False, False, True, True, True)

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)
        )

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(row) for row in rows)])


# ---------------------------------------------------------------------------------------------
# The job
# ---------------------------------------------------------------------------------------------
def run_demo(config: DemoConfig) -> DemoResult | None:
    """Run the demo; print progress, the table and the TensorBoard command. Returns the results on
    rank zero (None on the other ranks of a multi-process run).

    Raises:
        DemoUsageError: the accelerator or devices are not available, or the output directory cannot be made.
    """
    import torch

    say = config.print_fn if _is_rank_zero() else (lambda _: None)
    with _quiet():
        # Fails early, before anything is written, if the hardware is not there.
        processes = _trainer(config, None, []).num_devices
    if _is_rank_zero() and _clear_previous_logs(config):
        say(f"lightning-lr demo: replacing the previous demo's TensorBoard runs in {config.output_dir}")
    try:
        config.output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DemoUsageError(
            f"--output-dir: cannot create {str(config.output_dir)!r}: {exc.strerror or exc}"
        ) from None
    threads = torch.get_num_threads()
    if config.accelerator == "cpu":
        # A model this small runs fastest on one thread; more threads only contend for the cores.
        torch.set_num_threads(1)
    try:
        return _run(config, say, processes)
    finally:
        torch.set_num_threads(threads)


def _run(config: DemoConfig, say: Callable[[str], None], processes: int) -> DemoResult | None:
    import lightning.pytorch as pl

    from .. import Tuner
    from ..callbacks import LRSchedule, OneCycle, StepDecay
    from ._digits import DigitsCNN, DigitsDataModule

    started = time.perf_counter()
    with _quiet():
        dm = DigitsDataModule(batch_size=config.batch_size, seed=config.seed, train_size=config.train_size)
        dm.setup()
        assert dm.train is not None and dm.val is not None
        # Each of the processes trains on its share of every epoch (Lightning's DistributedSampler).
        steps_per_epoch = math.ceil(math.ceil(len(dm.train) / processes) / config.batch_size)
        on = f"{config.accelerator}" + (f", {processes} processes" if processes > 1 else "")
        say(
            f"lightning-lr demo: digits ({len(dm.train)} train / {len(dm.val)} validation images, 8x8), "
            f"small CNN, SGD momentum 0.9, {config.epochs} epoch{'' if config.epochs == 1 else 's'} x {steps_per_epoch} steps, on {on}"
        )

        # 1. The range test, on the Trainer that then trains 1cycle: OneCycle() has no max_lr, the test
        #    fills it in (result.one_cycle_max_lr()) and sets model.lr to the suggestion.
        pl.seed_everything(config.seed, verbose=False)
        model = DigitsCNN(lr=1e-3)
        one_cycle, recorder = OneCycle(), _recorder()
        trainer = _trainer(config, "one_cycle", [one_cycle, recorder])
        t0 = time.perf_counter()
        result = Tuner(trainer).lr_range_test(
            model,
            datamodule=dm,
            min_lr=1e-5,
            max_lr=10.0,
            num_steps=config.range_test_steps,
            progress_bar=False,
        )
        assert result is not None, "the demo's trainer has no fast_dev_run"
        suggestion = result.suggestion()
        max_lr = one_cycle.value("max_lr")
        if suggestion is None or max_lr is None:
            raise DemoFailedError(
                f"the range test gave no suggestion (stop: {result.stop_reason}); see the warnings above"
            )
        say(
            f"[1/4] range test: a {len(result.lrs)}-step sweep from {result.lrs[0]:.0e} to {result.lrs[-1]:.2g} "
            f"({result.stop_reason}) and its candidates, {result.cost} optimizer steps in "
            f"{time.perf_counter() - t0:.1f} s -> suggestion {suggestion:.3g}, "
            f"1cycle max_lr {max_lr:.3g}"
        )

        # 2. Three trainings.
        start = time.perf_counter()
        trainer.fit(model, datamodule=dm)
        runs = [
            RunResult(
                "1cycle",
                f"OneCycle(max_lr={max_lr:.3g}), momentum 0.95-0.85-0.95",
                recorder.val_acc,
                recorder.lrs,
                recorder.momentums,
                time.perf_counter() - start,
            )
        ]
        _log_result(trainer, runs[-1], {"max_lr": max_lr, "suggestion": suggestion})
        say(f"[2/4] {_line(runs[-1])}")
        decay, every, hparams_every = _step_decay_period(config.epochs)
        plans: list[tuple[str, str, str, list[Any]]] = [
            ("constant", "constant", f"Constant({suggestion:.3g})", [LRSchedule(Constant(suggestion))]),
            (
                "step decay",
                "step_decay",
                f"StepDecay({suggestion:.3g}, x0.5 every {every})",
                [StepDecay(every=decay, drop=0.5)],
            ),
        ]
        for k, (name, slug, described, callbacks) in enumerate(plans, start=3):
            hparams = (
                {"lr": suggestion} if slug == "constant" else {"lr": suggestion, **hparams_every, "drop": 0.5}
            )
            run = _train(config, dm, name, slug, suggestion, callbacks, described, hparams)
            runs.append(run)
            say(f"[{k}/4] {_line(run)}")

    if not _is_rank_zero():
        return None
    from ._figures import save_figures

    figures = save_figures(config.output_dir, result, runs, TARGET)
    table = format_table(runs)
    say("")
    say(table)
    say("")
    say(f"figures: {', '.join(str(p) for p in figures)}")
    say(
        f"total {time.perf_counter() - started:.0f} s. TensorBoard logs (scalars and figures) are in "
        f"{config.output_dir}:"
    )
    say(f"  tensorboard --logdir {shlex.quote(str(config.output_dir))}")
    return DemoResult(result, suggestion, max_lr, runs, figures, table, steps_per_epoch)


def _step_decay_period(epochs: int) -> tuple[Any, str, dict[str, float]]:
    """The step decay run's ``every`` (about a fifth of the run, in whole epochs when one lies inside it), how
    the table tells it, and its hparams. A one-epoch run decays every fifth of it: ``Epochs(1)`` would lie at
    its end and never take effect (review 118: the demo warned about its own decay, and the table labelled a
    run equal to the constant one "every 1 epoch")."""
    from ..callbacks import Epochs, Fraction

    if epochs >= 2:
        n = max(1, epochs // 5)
        return Epochs(n), f"{n} epoch{'s' if n > 1 else ''}", {"every_epochs": n}
    return Fraction(0.2), "fifth of the run", {"every_fraction": 0.2}


def _line(run: RunResult) -> str:
    return f"{run.name}: {run.schedule}: final val acc {run.final_acc:.1%} in {run.seconds:.1f} s"
