"""The ScheduleFree callback: puts schedule-free optimizers in train() or eval() mode at every point of a run."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import lightning.pytorch as pl
import numpy as np
import torch
from lightning.pytorch.trainer.states import TrainerFn

from .. import _validate as V
from .._lightning_compat import Callback, warn_at_user, wrap_checkpoint_dump
from ..optim import ScheduleLR
from . import _bn_stats, _inject

__all__ = ["ScheduleFree", "is_schedule_free"]


def is_schedule_free(optimizer: Any) -> bool:
    """Whether ``optimizer`` is schedule-free (the ``schedulefree`` package's optimizers, ``AdamWScheduleFree`` and
    its kin): it has ``train()``/``eval()`` methods and keeps ``train_mode`` in its param groups. Its
    ``ScheduleFreeWrapper``, which keeps ``train_mode`` on itself, is not one (Lightning refuses it in
    ``configure_optimizers`` before any callback sees it; review 172)."""
    optimizer = getattr(optimizer, "optimizer", optimizer)  # Lightning's LightningOptimizer wraps it
    return (
        callable(getattr(optimizer, "train", None))
        and callable(getattr(optimizer, "eval", None))
        and bool(optimizer.param_groups)
        and all("train_mode" in g for g in optimizer.param_groups)
    )


def _in_train_mode(optimizer: Any) -> bool:
    return bool(optimizer.param_groups[0]["train_mode"])


class ScheduleFree(Callback):
    """Puts schedule-free optimizers (``schedulefree.AdamWScheduleFree``, ``SGDScheduleFree``
    and ``RAdamScheduleFree``) in the right mode at every point of a Lightning run.

    A schedule-free optimizer keeps two sequences of weights: it trains on one and evaluates on the other
    (an average). The model's parameters hold the training sequence after ``optimizer.train()`` and the
    evaluation sequence after ``optimizer.eval()``, and the optimizer refuses to step in eval mode. This
    callback calls:

    - ``train()`` when training starts and whenever it resumes after validation;
    - ``eval()`` before validation (the sanity check included), testing and prediction, and puts back the
      mode each optimizer had afterwards;
    - ``eval()`` for checkpointing: every checkpoint of the fit, full or weights-only
      (``save_weights_only=True``, which Lightning builds without calling callbacks), holds the evaluation
      weights, and a full one the optimizer state in eval mode (as ``schedulefree`` prescribes); training
      goes on in train mode. The weights are copied for the checkpoint, which costs one copy of the model
      while it is written;
    - ``eval()`` around an LR range test's restore, so the restored weights and the optimizer's mode agree.

    **BatchNorm.** BatchNorm layers gather their running statistics in training, at the training weights;
    evaluated at the other weights they would normalize with statistics that are not theirs. So whenever
    the evaluation weights are put in place during a fit (before each validation run, for a checkpoint
    saved in training, and at the end of the fit, which leaves them in the model), the callback first
    gathers the statistics again: it runs ``bn_batches`` training batches forward at the evaluation weights
    in training mode, without gradients, and gives each layer the average of their statistics (under DDP,
    the mean over the ranks: the average over every rank's batches). That costs ``bn_batches`` forward
    passes each time; a model without BatchNorm runs none. The fit's randomness is restored afterwards
    (torch's generators, the loaders' and samplers' own, Python's and NumPy's), so training takes the same
    path with or without it; after a checkpoint the layers keep the gathered statistics, which training
    does not use. ``bn_forward(module, batch)`` says how to run a batch forward: by default
    ``module(batch)``, or ``module(batch[0])`` for a list or tuple (inputs first). A module with BatchNorm
    and no ``forward()`` is told at fit start, a batch of another kind (a dict) at the first training
    batch, to give ``bn_forward`` or ``bn_batches=0``. Testing and prediction outside a fit have no
    training data: they use the statistics the fit or its checkpoint left. This is on by default
    (``bn_batches=50``): without it, validation at the averaged weights normalizes with the training
    weights' statistics.

    It warns once if a schedule other than a warm-up (a non-decreasing LR) drives a schedule-free optimizer,
    or a ``ReduceOnPlateau`` can lower its LR: these optimizers replace the decay, and a decay on top works
    against their averaging.

    Args:
        warn_on_schedule: warn about a decaying schedule on a schedule-free optimizer.
        bn_batches: training batches to gather BatchNorm statistics from at the evaluation weights, an
            integer >= 0 (0: keep the statistics of the training weights).
        bn_forward: ``bn_forward(module, batch)`` runs a training batch forward (see BatchNorm above);
            None for the default.

    Raises:
        ValueError: at fit start, if no optimizer of the run is schedule-free.
        TypeError: if the statistics are to be gathered (BatchNorm layers, ``bn_batches`` > 0) with the
            default ``bn_forward`` and the module has no ``forward()`` (at fit start) or a training batch
            is neither a tensor nor a list or tuple that starts with one (at the first batch).

    Example:
        >>> from lightning_lr.callbacks import ScheduleFree
        >>> ScheduleFree()
        ScheduleFree(warn_on_schedule=True, bn_batches=50)
    """

    def __init__(
        self, warn_on_schedule: bool = True, bn_batches: int = 50, bn_forward: _bn_stats.Forward | None = None
    ) -> None:
        with V.context("ScheduleFree"):
            self.warn_on_schedule = V.boolean("warn_on_schedule", warn_on_schedule)
            self.bn_batches = V.non_negative_int("bn_batches", bn_batches, capped=False)
            if bn_forward is not None and not callable(bn_forward):
                raise TypeError(
                    f"ScheduleFree: bn_forward must be a callable bn_forward(module, batch) or None, got "
                    f"{bn_forward!r}"
                )
        self.bn_forward = bn_forward
        self._saved_modes: list[tuple[Any, bool]] = []
        self._input_checked = False  # the first training batch was checked against the default bn_forward
        self._unwrap: Any = None  # takes the checkpoint wrapper off the trainer (see setup)

    def __repr__(self) -> str:
        forward = "" if self.bn_forward is None else f", bn_forward={self.bn_forward!r}"
        return (
            f"ScheduleFree(warn_on_schedule={self.warn_on_schedule}, bn_batches={self.bn_batches}{forward})"
        )

    def _gather_bn(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Gather the BatchNorm statistics at the evaluation weights now in place (during a fit)."""
        if trainer.state.fn != TrainerFn.FITTING or trainer.sanity_checking:
            return
        _bn_stats.recompute(trainer, pl_module, self.bn_batches, self.bn_forward or _bn_stats.default_forward)

    # --- which optimizers ---------------------------------------------------------------------
    @staticmethod
    def optimizers(trainer: pl.Trainer) -> list[Any]:
        """The schedule-free optimizers of ``trainer`` (unwrapped)."""
        return [getattr(o, "optimizer", o) for o in trainer.optimizers if is_schedule_free(o)]

    def _eval(self, trainer: pl.Trainer) -> None:
        """Switch every schedule-free optimizer to eval mode, remembering its mode to put it back."""
        self._saved_modes = [(o, _in_train_mode(o)) for o in self.optimizers(trainer)]
        for optimizer, _ in self._saved_modes:
            optimizer.eval()

    def _restore(self) -> None:
        for optimizer, was_training in self._saved_modes:
            if was_training:
                optimizer.train()
        self._saved_modes = []

    # --- fit ----------------------------------------------------------------------------------
    def setup(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        if stage == "fit":
            self._take_off()  # a fit that raised (Lightning skips teardown then) left it on its trainer
            self._unwrap = wrap_checkpoint_dump(trainer, lambda dump: self._checkpoint(trainer, dump))

    def teardown(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        if stage == "fit":
            self._take_off()

    def on_exception(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, exception: BaseException
    ) -> None:
        self._take_off()

    def _take_off(self) -> None:
        if self._unwrap is not None:
            self._unwrap()
            self._unwrap = None

    def on_fit_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if not self.optimizers(trainer):
            names = [type(getattr(o, "optimizer", o)).__name__ for o in trainer.optimizers]
            raise ValueError(
                f"ScheduleFree: none of the optimizers {names} is schedule-free (an optimizer with train()/"
                f"eval() and 'train_mode' in its param groups, such as schedulefree.AdamWScheduleFree); remove "
                f"the callback or use a schedule-free optimizer"
            )
        _bn_stats.check_forward(pl_module, self.bn_batches, self.bn_forward)
        self._input_checked = False

    def on_train_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        for optimizer in self.optimizers(trainer):
            optimizer.train()
        if self.warn_on_schedule:
            self._check_schedules(trainer)

    def on_train_epoch_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        for optimizer in self.optimizers(trainer):  # a validation run between epochs left eval mode
            optimizer.train()

    def on_train_batch_start(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, batch: Any, batch_idx: int
    ) -> None:
        if self._input_checked:
            return
        self._input_checked = True
        if self.bn_forward is None and self.bn_batches > 0 and _bn_stats.batch_norms(pl_module):
            _bn_stats.model_input(batch)  # a batch the default bn_forward cannot read: say so before training

    def on_train_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        # after fit the model holds the evaluation weights, ready to use or save
        for optimizer in self.optimizers(trainer):
            optimizer.eval()
        self._gather_bn(trainer, pl_module)

    # --- evaluation ---------------------------------------------------------------------------
    def on_validation_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self._eval(trainer)
        self._gather_bn(trainer, pl_module)

    def on_validation_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self._restore()

    def on_test_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self._eval(trainer)

    def on_test_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self._restore()

    def on_predict_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self._eval(trainer)

    def on_predict_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self._restore()

    # --- checkpoints --------------------------------------------------------------------------
    def _checkpoint(self, trainer: pl.Trainer, dump: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """``dump()`` (Lightning building a checkpoint, full or weights-only) at the evaluation weights, with
        the weights and optimizer states copied, since training goes on in train mode before it is written."""
        optimizers = [getattr(o, "optimizer", o) for o in trainer.optimizers]
        if not any(is_schedule_free(o) and _in_train_mode(o) for o in optimizers):
            return dump()  # already in eval mode (saved during validation, or after the fit)
        self._eval(trainer)
        try:
            self._gather_bn(trainer, trainer.lightning_module)
            checkpoint = dump()
            checkpoint["state_dict"] = {
                k: v.detach().clone() if isinstance(v, torch.Tensor) else v
                for k, v in checkpoint["state_dict"].items()
            }
            if "optimizer_states" in checkpoint:
                checkpoint["optimizer_states"] = copy.deepcopy(checkpoint["optimizer_states"])
            return checkpoint
        finally:
            self._restore()

    def _check_schedules(self, trainer: pl.Trainer) -> None:
        free = {id(o) for o in self.optimizers(trainer)}
        total = trainer.estimated_stepping_batches
        horizon = int(total) if np.isfinite(total) and total > 0 else 10_000
        for config in trainer.lr_scheduler_configs:
            scheduler = config.scheduler
            if id(getattr(scheduler, "optimizer", None)) not in free:
                continue
            name = type(scheduler.optimizer).__name__
            scaler = _inject.scale_owner(scheduler)
            if scaler is not None:
                _warn_decay(f"{scaler} lowers the LR of the schedule-free {name} on a plateau")
            if isinstance(scheduler, ScheduleLR):
                own = max(
                    (int(g.get("warmup_steps", 0) or 0) for g in scheduler.optimizer.param_groups), default=0
                )
                rising = [
                    repr(s)
                    for s in scheduler.lr_schedules
                    if s is not None and bool(np.any(np.diff(s.values(horizon)) > 0))
                ]
                if own > 0 and rising:  # (review 78: the two ramps multiply, a quadratic ramp, unsaid)
                    warn_at_user(
                        f"ScheduleFree: the schedule-free {name} warms up over its own warmup_steps={own} and "
                        f"{', '.join(rising)} warms it up too: the two multiply (a slower, quadratic ramp). Use one: "
                        f"warmup_steps=0 on the optimizer, or a schedule without a warm-up. Pass "
                        f"ScheduleFree(warn_on_schedule=False) to silence this warning.",
                        category=UserWarning,
                    )
                decaying = [
                    repr(s)
                    for s in scheduler.lr_schedules
                    if s is not None and bool(np.any(np.diff(s.values(horizon)) < 0))
                ]
                if not decaying:
                    continue  # a warm-up or a constant: what schedule-free optimizers are made for
                what = ", ".join(decaying)
            else:
                what = type(scheduler).__name__
            _warn_decay(f"{what} drives the LR of the schedule-free {name}")


def _warn_decay(what: str) -> None:
    warn_at_user(
        f"ScheduleFree: {what}. Schedule-free optimizers replace the decay; use at most a warm-up (their own "
        f"warmup_steps, or a non-decreasing schedule). Pass ScheduleFree(warn_on_schedule=False) to silence "
        f"this warning.",
        category=UserWarning,
    )
