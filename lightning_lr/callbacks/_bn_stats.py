"""BatchNorm statistics gathered again at the weights a model is evaluated with (schedule-free optimizers).

A schedule-free optimizer trains on one sequence of weights and evaluates on another (an average of
them). BatchNorm layers gather their running mean and variance in training mode, so at the training
weights: evaluated at the averaged weights, the network normalizes with statistics that belong to other
weights. :func:`recompute` gathers them again: with the evaluation weights in place, it runs training
batches forward in training mode (no gradients) and replaces each layer's running statistics with their
plain average over those batches (torch's cumulative average, ``momentum=None``), the way
``torch.optim.swa_utils.update_bn`` does after weight averaging. Under DDP the ranks' statistics are then
averaged, so every rank evaluates with the same ones: with the same number of batches on each rank (a
distributed sampler), the average over all the ranks' batches, as one process gathering them would have
it. The fit's randomness is left as it was (torch's generators, the loaders' and samplers' own, Python's
and NumPy's global state are restored), so training takes the same path with or without it; loaders with
persistent workers are read through a twin, so a validation mid-epoch does not restart the epoch.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from typing import Any

import lightning.pytorch as pl
import numpy as np
import torch
from lightning.pytorch.utilities import CombinedLoader
from lightning_utilities.core.apply_func import apply_to_collection
from torch.nn.modules.batchnorm import _BatchNorm
from torch.utils.data import DataLoader, IterableDataset

__all__ = ["Forward", "batch_norms", "check_forward", "default_forward", "model_input", "recompute"]

#: runs one training batch forward through the module (the batch as ``training_step`` gets it)
Forward = Callable[[pl.LightningModule, Any], Any]


def batch_norms(module: torch.nn.Module) -> list[_BatchNorm]:
    """The BatchNorm layers of ``module`` that keep running statistics."""
    return [
        m
        for m in module.modules()
        if isinstance(m, _BatchNorm) and m.track_running_stats and m.running_mean is not None
    ]


def model_input(batch: Any) -> torch.Tensor:
    """The model's input in a training batch, as the default ``bn_forward`` takes it: the batch itself if
    it is a tensor, else the first item of a list or tuple (``(inputs, targets)``)."""
    x = batch[0] if isinstance(batch, (list, tuple)) and len(batch) > 0 else batch
    if not isinstance(x, torch.Tensor):
        raise TypeError(
            f"ScheduleFree: cannot tell the model's input in a training batch of type {type(batch).__name__} "
            f"(the default bn_forward takes a tensor batch, or the first item of a list or tuple) to gather "
            f"the BatchNorm statistics at the evaluation weights; pass bn_forward=lambda module, batch: "
            f"module(<the input in batch>), or bn_batches=0 to keep the statistics of the training weights"
        )
    return x


def default_forward(module: pl.LightningModule, batch: Any) -> Any:
    """``module(model_input(batch))``; any other batch needs ``bn_forward``."""
    return module(model_input(batch))


def check_forward(module: pl.LightningModule, batches: int, forward: Forward | None) -> None:
    """Raise at fit start if the statistics would be gathered (BatchNorm layers, ``batches`` > 0) by the
    default ``bn_forward`` through a module without ``forward`` (many call their network in
    ``training_step`` only)."""
    norms = batch_norms(module) if batches > 0 and forward is None else []
    if norms and type(module).forward is pl.LightningModule.forward:
        names = [n for n, m in module.named_modules() if any(m is b for b in norms)]
        raise TypeError(
            f"ScheduleFree(bn_batches={batches}): {type(module).__name__} has BatchNorm layers ({', '.join(names)}) "
            f"and no forward(), so the default bn_forward cannot run a training batch through it to gather "
            f"their statistics at the evaluation weights; pass bn_forward=lambda module, batch: "
            f"module.<network>(batch[0]) (as training_step runs it), or bn_batches=0 to keep the statistics "
            f"of the training weights"
        )


def _loader(trainer: pl.Trainer) -> Any:
    """The training data, to iterate once more without disturbing the fit's own iteration."""
    data = trainer.train_dataloader
    return None if data is None else CombinedLoader(_detached(data), "max_size_cycle")


def _detached(data: Any) -> Any:
    """``data`` (a loader or a collection of them) with every loader that keeps persistent workers replaced
    by its :func:`_twin`: iter() on such a loader resets the one iterator it shares with the running epoch."""
    return apply_to_collection(data, DataLoader, _own_iterator)


def _own_iterator(loader: DataLoader) -> DataLoader:
    return _twin(loader) if loader.persistent_workers and loader.num_workers > 0 else loader


def _generators(data: Any) -> list[torch.Generator]:
    """The random generators of the loaders in ``data`` (a loader or a collection of them) and of their
    samplers: iterating advances them, and the fit's next epochs must see the batches they would have."""
    loaders: list[DataLoader] = []
    apply_to_collection(data, DataLoader, loaders.append)
    found: list[torch.Generator] = []
    for loader in loaders:
        for owner in (loader, loader.sampler, getattr(loader.batch_sampler, "sampler", None)):
            g = getattr(owner, "generator", None)
            if isinstance(g, torch.Generator) and all(g is not f for f in found):
                found.append(g)
    return found


def _twin(loader: DataLoader) -> DataLoader:
    """A loader of the same batches as ``loader`` (its dataset, sampler or batch sampler and settings), with
    its own workers, which do not persist."""
    common: dict[str, Any] = dict(
        num_workers=loader.num_workers,
        collate_fn=loader.collate_fn,
        pin_memory=loader.pin_memory,
        timeout=loader.timeout,
        worker_init_fn=loader.worker_init_fn,
        multiprocessing_context=loader.multiprocessing_context,
        generator=loader.generator,
        prefetch_factor=loader.prefetch_factor,
    )
    if hasattr(loader, "in_order"):  # torch >= 2.6
        common["in_order"] = loader.in_order
    if isinstance(loader.dataset, IterableDataset):  # no sampler: the dataset yields the samples
        return DataLoader(loader.dataset, batch_size=loader.batch_size, drop_last=loader.drop_last, **common)
    if loader.batch_sampler is not None:
        return DataLoader(loader.dataset, batch_sampler=loader.batch_sampler, **common)
    return DataLoader(loader.dataset, batch_size=None, sampler=loader.sampler, **common)


def recompute(trainer: pl.Trainer, module: pl.LightningModule, batches: int, forward: Forward) -> int:
    """Replace the running statistics of ``module``'s BatchNorm layers with their average over the first
    ``batches`` training batches, run forward at the weights the module holds now; returns the number of
    batches used (0: no BatchNorm layer, no training data, or ``batches`` is 0; the statistics are then
    unchanged). Every other module keeps its train/eval flag and every layer its momentum."""
    norms = batch_norms(module)
    data = _loader(trainer) if norms and batches > 0 else None
    if data is None:
        return 0
    saved = [(m.momentum, m.running_mean.clone(), m.running_var.clone()) for m in norms]  # type: ignore[union-attr]
    counts = [None if m.num_batches_tracked is None else m.num_batches_tracked.clone() for m in norms]
    flags = [(m, m.training) for m in module.modules()]
    # the fit's own randomness (its next shuffles, dropout) is what it would have been without this
    generators = _generators(trainer.train_dataloader)
    states = [g.get_state() for g in generators]
    py_state, np_state = random.getstate(), np.random.get_state()  # transforms in the main process
    cuda = [module.device.index] if module.device.type == "cuda" and module.device.index is not None else []
    seen = 0
    try:
        for m in norms:
            m.reset_running_stats()
            m.momentum = None  # the cumulative average of the batches' statistics
        module.train()
        with torch.random.fork_rng(devices=cuda), torch.no_grad(), trainer.precision_plugin.forward_context():
            for batch, _, _ in itertools.islice(iter(data), batches):
                forward(module, trainer.strategy.batch_to_device(batch))
                seen += 1
    finally:
        for g, state in zip(generators, states, strict=True):
            g.set_state(state)
        random.setstate(py_state)
        np.random.set_state(np_state)
        for sub, flag in flags:
            sub.training = flag
        for m, (momentum, mean, var), count in zip(norms, saved, counts, strict=True):
            m.momentum = momentum
            if seen == 0:  # nothing ran (or the first batch failed): keep what was there
                m.running_mean.copy_(mean)  # type: ignore[union-attr]
                m.running_var.copy_(var)  # type: ignore[union-attr]
                if count is not None:
                    m.num_batches_tracked.copy_(count)  # type: ignore[union-attr]
    if trainer.world_size > 1:  # every rank evaluates with the same statistics: the mean of the ranks'
        for m in norms:
            for name in ("running_mean", "running_var"):
                buffer = getattr(m, name)
                buffer.copy_(trainer.strategy.reduce(buffer.clone(), reduce_op="mean"))
    return seen
