"""The hyperparameters loggers receive: the module's initial hparams, set and logged again after a change.

Lightning logs ``LightningModule._hparams_initial`` (merged with the datamodule's) once, at the start of a
fit, before any ``on_train_start``. A range test that runs inside the fit (or in the Tuner's fit, with its
loggers on) changes some of them afterwards, and :func:`relog_hparams` gives the loggers the new values. Loggers
that write their hparams file only once (``TensorBoardLogger``'s ``hparams.yaml``) get it written again.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import lightning.pytorch as pl
from lightning.pytorch.utilities.rank_zero import rank_zero_warn

from .._validate import same
from ._namespaces import resolve

__all__ = ["held_hparams", "logged_hparams", "relog_hparams", "set_initial_hparams", "set_saved_hparam"]


def set_initial_hparams(module: pl.LightningModule, key: str, values: Any) -> None:
    """Put a copy of ``values`` under ``key`` in the module's initial hparams (what loggers receive at fit
    start); a module that never called ``save_hyperparameters`` gets initial hparams and logs them."""
    m: Any = module
    if getattr(m, "_hparams_initial", None) is None:
        m._hparams_initial = resolve(module, "utilities.parsing", "AttributeDict")()
        m._log_hyperparams = True
    m._hparams_initial[key] = copy.deepcopy(values)


def set_saved_hparam(module: pl.LightningModule, key: str, value: Any) -> None:
    """Set ``key`` among the hyperparameters the module saved (``save_hyperparameters``: what loggers
    receive at fit start) when it is one of them; else nothing."""
    if key in (getattr(module, "_hparams_initial", None) or {}):
        set_initial_hparams(module, key, value)


@contextmanager
def held_hparams(*owners: Any) -> Iterator[None]:
    """Within: Lightning's fit start logs no hparams of ``owners`` (a module, a datamodule, None), as
    ``save_hyperparameters(logger=False)`` would have it. For the Tuner's own fit, which logs its range test:
    TensorBoard's HPARAMS tab keeps the first values a run logged, so the fit that follows, with the values the
    test applied, must be the first to log them (review 56: the tab showed the LR from before the test)."""
    kept = [(o, o._log_hyperparams) for o in owners if o is not None and hasattr(o, "_log_hyperparams")]
    for o, _ in kept:
        o._log_hyperparams = False
    try:
        yield
    finally:
        for o, value in kept:
            o._log_hyperparams = value


def logged_hparams(trainer: pl.Trainer) -> dict[str, Any] | None:
    """What Lightning gives the loggers at fit start: the module's initial hparams, merged with the
    datamodule's, without LightningCLI's ``_class_path``; None when neither logs any."""
    module: Any = trainer.lightning_module
    datamodule: Any = getattr(trainer, "datamodule", None)
    merged: dict[str, Any] = {}
    logs = False
    for owner in (module, datamodule):
        if owner is not None and getattr(owner, "_log_hyperparams", False):
            logs = True
            merged.update(owner.hparams_initial)  # a deep copy (Lightning's property)
    if not logs:
        return None
    merged.pop("_class_path", None)
    return merged


def relog_hparams(trainer: pl.Trainer, before: Mapping[str, Any] | None) -> None:
    """Give the trainer's loggers the hparams again when they differ from ``before`` (what the loggers got
    at fit start, from :func:`logged_hparams`); rank 0 writes a logger's hparams file again when the logger
    writes it only once."""
    now = logged_hparams(trainer)
    if now is None or same(now, before) or not trainer.loggers:
        return
    for logger in trainer.loggers:
        try:
            logger.log_hyperparams(now)  # rank 0 only (the loggers' own rank_zero_only)
            logger.save()
            if trainer.is_global_zero:
                _rewrite_file(logger)
        # a logger that refuses a changed value (MLflow's params) must not end the fit
        except Exception as exc:
            changed = sorted(
                k for k in now if before is None or k not in before or not same(now[k], before[k])
            )
            rank_zero_warn(
                f"the LR range test changed the hparams {changed}, but {type(logger).__name__} refused them "
                f"({type(exc).__name__}: {exc}); it keeps the values logged at fit start. The model and its "
                f"checkpoints hold the new ones.",
                category=UserWarning,
            )


def _rewrite_file(logger: Any) -> None:
    """``TensorBoardLogger`` keeps its hparams in ``logger.hparams`` and writes ``hparams.yaml`` only when the
    file is missing: write what it holds now. (``CSVLogger`` writes its file at every ``log_hyperparams``.)"""
    name = getattr(type(logger), "NAME_HPARAMS_FILE", None)
    held = getattr(logger, "hparams", None)
    if not isinstance(name, str) or not isinstance(held, Mapping):
        return
    path = os.path.join(logger.log_dir, name)
    fs = getattr(logger, "_fs", None)  # the logger's filesystem (fsspec: local or remote)
    if fs.isfile(path) if fs is not None else os.path.isfile(path):
        resolve(logger, "core.saving", "save_hparams_to_yaml")(path, held)
