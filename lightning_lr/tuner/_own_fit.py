"""The Tuner's fit of its own: what running the test in a ``fit`` changes on the Trainer, the module, the
callbacks and the RNGs, and puts back when it ends, so the fit that follows runs as it would without the test.

- The Trainer's callbacks (those the module's ``configure_callbacks`` adds are the module's, added again at the
  next fit: review 70), its sanity check, its loggers (hidden without ``log``: the test then writes nothing)
  and a ``ModelCheckpoint``'s ``dirpath``, which its first setup fixes from the loggers (review 71).
- The module's hparams as the loggers record them (:func:`~lightning_lr._lightning_compat.held_hparams`).
- The RNGs: the fit draws from them before the test's own snapshot (its data fetcher creates the epoch's
  iterator), with the generators of the loaders given and those a datamodule or the module keeps, also once
  their setup made a loader (reviews 71 and 75).
- The parameters' ``requires_grad`` flags and gradients as the caller had them (review 71: a layer a
  ``BaseFinetuning`` froze in the test's fit came back frozen).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import lightning.pytorch as pl
import torch

from .. import _lightning_compat as L
from ._data import held_generators, loader_generators
from ._state import RNGState

__all__ = ["own_fit"]


@contextlib.contextmanager
def own_fit(
    trainer: pl.Trainer,
    model: pl.LightningModule,
    callback: Any,
    train_dataloaders: Any,
    datamodule: pl.LightningDataModule | None,
    log: bool,
) -> Iterator[None]:
    """Inside, ``trainer`` runs a fit with ``callback`` (the test) first among its callbacks, without a
    sanity check and (without ``log``) without loggers; after it, everything this module's docstring lists is
    as it was. ``callback.held_at_start``: the generators the test's fit start found (see ``on_fit_start``)."""
    before = list(L.callbacks(trainer))
    # the model summary is the fit's to print, not the test's (review 98: it printed in the test's fit, where
    # Lightning's lr_find, which leaves its fit at the fit's start, prints none)
    summary = L.resolve(trainer, "callbacks", "ModelSummary")
    L.set_callbacks(trainer, [callback, *(cb for cb in before if not isinstance(cb, summary))])
    sanity = trainer.num_sanity_val_steps
    trainer.num_sanity_val_steps = 0  # the test needs no validation dry run
    loggers = trainer.loggers
    if not log:
        trainer.loggers = []
    saving = L.resolve(trainer, "callbacks", "ModelCheckpoint")
    dirpaths = [(cb, cb.dirpath) for cb in before if isinstance(cb, saving)]
    # with ``log`` the loggers get the test's curves and then the hparams with what the test applied, not the
    # hparams as they were before it: TensorBoard's HPARAMS tab keeps the first values a run logged
    held = L.held_hparams(model, datamodule)
    holders = [datamodule, model] if train_dataloaders is None or datamodule is not None else []
    before_fit = [*loader_generators(train_dataloaders), *held_generators(holders)]
    rng = RNGState(before_fit)
    params = [
        (p, p.requires_grad, None if p.grad is None else p.grad.detach().clone())
        for p in model.parameters()
        if not isinstance(p, torch.nn.parameter.UninitializedParameter)  # (refused by the test's checks)
    ]
    try:
        with held:
            yield
    finally:
        L.set_callbacks(trainer, before)
        trainer.num_sanity_val_steps = sanity
        trainer.loggers = loggers
        for cb, dirpath in dirpaths:
            cb.dirpath = dirpath
        rng.restore()
        if callback.held_at_start is not None:  # those made in setup: as the fit's loaders got them
            callback.held_at_start.restore_generators(skip=before_fit)
        for p, flag, grad in params:
            p.requires_grad_(flag)
            # (a -true precision converted the parameters in the fit: the gradient follows them)
            p.grad = (
                grad if grad is None or grad.shape != p.shape else grad.to(dtype=p.dtype, device=p.device)
            )
