"""``lightning-lr demo``: the LR range test, then three trainings on scikit-learn's digits.

1. The range test sweeps the LR of a fresh model and suggests one.
2. Three trainings from the same initial weights and the same batches:
   - ``1cycle``: the 1cycle policy with inverse momentum cycling, its peak configured by the range test;
   - ``constant``: the suggestion, held;
   - ``step decay``: the suggestion, halved every fifth of the run (seed 002's step decay).
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

from ..schedules import Constant, OneCycle, Schedule, StepDecay

__all__ = ["DemoConfig", "DemoResult", "DemoUsageError", "RunResult", "run_demo"]

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
        return next((i + 1 for i, a in enumerate(self.val_acc) if a >= TARGET), None)


@dataclass
class DemoResult:
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
    loggers = [logging.getLogger(n) for n in ("lightning.pytorch", "lightning.fabric", "lightning")]
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
    from lightning.pytorch.utilities import rank_zero_only

    return getattr(rank_zero_only, "rank", 0) == 0


# ---------------------------------------------------------------------------------------------
# The pieces
# ---------------------------------------------------------------------------------------------
def _recorder() -> Any:
    import lightning.pytorch as pl

    class Recorder(pl.Callback):
        """Records the LR and momentum each optimizer step really uses, and val_acc per epoch."""

        def __init__(self) -> None:
            self.lrs: list[float] = []
            self.momentums: list[float | None] = []
            self.val_acc: list[float] = []

        def on_train_batch_start(self, trainer: pl.Trainer, *args: Any) -> None:
            group = trainer.optimizers[0].param_groups[0]
            self.lrs.append(float(group["lr"]))
            m = group.get("momentum", group.get("betas", (None,))[0])
            self.momentums.append(None if m is None else float(m))

        def on_validation_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
            if not trainer.sanity_checking and "val_acc" in trainer.callback_metrics:
                self.val_acc.append(float(trainer.callback_metrics["val_acc"]))

    return Recorder()


def _scheduled_model(lr: float, make: Callable[[int, int], tuple[Schedule, Schedule | None]] | None) -> Any:
    """The digits CNN with a schedule injected into configure_optimizers as an LR scheduler stepped
    every optimizer step. ``make(total_steps, steps_per_epoch)`` builds the LR and momentum schedules."""
    from ..optim import ScheduleLR
    from ._digits import DigitsCNN

    class ScheduledCNN(DigitsCNN):
        def configure_optimizers(self) -> Any:
            optimizer = super().configure_optimizers()
            if make is None:
                return optimizer
            total = int(self.trainer.estimated_stepping_batches)
            lr_s, momentum_s = make(total, max(1, total // max(1, self.trainer.max_epochs or 1)))
            scheduler = ScheduleLR(optimizer, lr=lr_s, momentum=momentum_s)
            return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}

    return ScheduledCNN(lr=lr)


def _trainer(config: DemoConfig, name: str | None, callbacks: list[Any]) -> Any:
    import lightning.pytorch as pl
    from lightning.pytorch.loggers import TensorBoardLogger

    logger: Any = (
        TensorBoardLogger(str(config.output_dir), name=name, default_hp_metric=False) if name else False
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


def _range_test(config: DemoConfig, datamodule: Any) -> tuple[list[float], list[float], float, float]:
    """(lrs, smoothed losses, suggestion, 1cycle max_lr)."""
    import lightning.pytorch as pl
    from lightning.pytorch.tuner import Tuner

    pl.seed_everything(config.seed, verbose=False)
    model = _scheduled_model(1e-3, None)
    trainer = _trainer(config, None, [])
    finder = Tuner(trainer).lr_find(
        model,
        datamodule=datamodule,
        min_lr=1e-5,
        max_lr=10.0,
        num_training=config.range_test_steps,
        update_attr=False,
    )
    if finder is None:  # not rank zero
        return [], [], 0.0, 0.0
    lrs, losses = list(finder.results["lr"]), list(finder.results["loss"])
    # (Lightning's first smoothed points are biased low: skip the first tenth.)
    finite = [i for i, v in enumerate(losses) if math.isfinite(v) and i >= len(losses) // 10]
    if not finite:
        raise RuntimeError("the range test recorded no finite loss")
    # Interim rules until lightning_lr's range test lands: the LR at the loss minimum / 10 ("minimum"),
    # and a third of it for the 1cycle peak.
    best = lrs[min(finite, key=lambda i: losses[i])]
    return lrs, losses, best / 10.0, best / 3.0


def _train(
    config: DemoConfig,
    datamodule: Any,
    name: str,
    slug: str,
    lr: float,
    make: Callable[[int, int], tuple[Schedule, Schedule | None]],
) -> RunResult:
    import lightning.pytorch as pl

    pl.seed_everything(config.seed, verbose=False)  # the same initial weights for every run
    model = _scheduled_model(lr, make)
    recorder = _recorder()
    trainer = _trainer(config, slug, [recorder])
    start = time.perf_counter()
    trainer.fit(model, datamodule=datamodule)
    seconds = time.perf_counter() - start
    scheduler = trainer.lr_scheduler_configs[0].scheduler if trainer.lr_scheduler_configs else None
    schedule = repr(scheduler.lr_schedules[0]) if scheduler is not None else f"Constant({lr:g})"
    return RunResult(name, schedule, recorder.val_acc, recorder.lrs, recorder.momentums, seconds)


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


def _save(fig: Any, path: Path, tb: Any, tag: str) -> Path:
    from ..plotting import pyplot

    fig.savefig(path, dpi=100)
    if tb is not None:
        tb.add_figure(tag, fig, close=False)
    pyplot().close(fig)
    return path


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
        _trainer(config, None, [])  # fails early, before anything is written, if the hardware is not there
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
        return _run(config, say)
    finally:
        torch.set_num_threads(threads)


def _run(config: DemoConfig, say: Callable[[str], None]) -> DemoResult | None:

    from ._digits import DigitsDataModule

    started = time.perf_counter()
    with _quiet():
        dm = DigitsDataModule(batch_size=config.batch_size, seed=config.seed, train_size=config.train_size)
        dm.setup()
        assert dm.train is not None and dm.val is not None
        steps_per_epoch = math.ceil(len(dm.train) / config.batch_size)
        say(
            f"lightning-lr demo: digits ({len(dm.train)} train / {len(dm.val)} validation images, 8x8), "
            f"small CNN, SGD momentum 0.9, {config.epochs} epochs x {steps_per_epoch} steps, "
            f"{config.accelerator} x {config.devices}"
        )

        t0 = time.perf_counter()
        lrs, losses, suggestion, max_lr = _range_test(config, dm)
        say(
            f"[1/4] range test: {len(lrs)} steps from {lrs[0] if lrs else 0:.0e} to {lrs[-1] if lrs else 0:.2g} "
            f"in {time.perf_counter() - t0:.1f} s -> suggestion {suggestion:.3g}, 1cycle max_lr {max_lr:.3g}"
        )

        every = max(1, config.epochs // 5)
        plans: list[tuple[str, str, float, Callable[[int, int], tuple[Schedule, Schedule | None]]]] = [
            ("1cycle", "one_cycle", max_lr, lambda total, spe: _one_cycle(max_lr, total)),
            ("constant", "constant", suggestion, lambda total, spe: (Constant(suggestion), None)),
            (
                "step decay",
                "step_decay",
                suggestion,
                lambda total, spe: (StepDecay(suggestion, every=every * spe, drop=0.5), None),
            ),
        ]
        runs: list[RunResult] = []
        for k, (name, slug, lr, make) in enumerate(plans, start=2):
            run = _train(config, dm, name, slug, lr, make)
            runs.append(run)
            say(f"[{k}/4] {name}: {run.schedule}: final val acc {run.final_acc:.1%} in {run.seconds:.1f} s")

    if not _is_rank_zero():
        return None
    figures = _figures(config, runs, lrs, losses, suggestion, max_lr, steps_per_epoch)
    table = format_table(runs)
    say("")
    say(table)
    say("")
    say(f"figures: {', '.join(str(p) for p in figures)}")
    say(
        f"total {time.perf_counter() - started:.0f} s. TensorBoard logs (scalars and figures) are in {config.output_dir}:"
    )
    say(f"  tensorboard --logdir {shlex.quote(str(config.output_dir))}")
    return DemoResult(suggestion, max_lr, runs, figures, table, steps_per_epoch)


def _one_cycle(max_lr: float, total: int) -> tuple[Schedule, Schedule | None]:
    lr = OneCycle(max_lr, total_steps=total)
    return lr, lr.momentum()


def _figures(
    config: DemoConfig,
    runs: list[RunResult],
    lrs: list[float],
    losses: list[float],
    suggestion: float,
    max_lr: float,
    steps_per_epoch: int,
) -> list[Path]:
    from lightning.pytorch.loggers import TensorBoardLogger

    from ._figures import accuracy_figure, range_test_figure, schedule_figure

    out = config.output_dir
    tb = TensorBoardLogger(str(out), name="summary", default_hp_metric=False).experiment
    try:
        one = runs[0]
        return [
            _save(
                range_test_figure(lrs, losses, suggestion, {"1cycle max_lr": max_lr}),
                out / "range_test.png",
                tb,
                "range_test",
            ),
            _save(
                schedule_figure(
                    {one.name: (one.lrs, one.momentums)}, steps_per_epoch, f"1cycle: {one.schedule}"
                ),
                out / "one_cycle.png",
                tb,
                "one_cycle_schedule",
            ),
            _save(
                schedule_figure(
                    {r.name: (r.lrs, r.momentums) for r in runs},
                    steps_per_epoch,
                    "LR and momentum as applied",
                ),
                out / "schedules.png",
                tb,
                "schedules",
            ),
            _save(
                accuracy_figure({r.name: r.val_acc for r in runs}, TARGET),
                out / "val_accuracy.png",
                tb,
                "val_acc",
            ),
        ]
    finally:
        tb.close()
