"""Seeding, and bitwise snapshots of the RNGs and a fit's state (what the range test leaves alone)."""

from __future__ import annotations

import os
import random
from typing import Any

import lightning.pytorch as pl
import numpy as np
import torch


def seed_all(seed: int = 0) -> None:
    """Seed Python's, numpy's and torch's global RNGs."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def rng_state() -> tuple[Any, ...]:
    """The state of Python's, numpy's and torch's global RNGs."""
    return (random.getstate(), np.random.get_state()[1].tolist(), torch.get_rng_state())


def same_rng(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Two :func:`rng_state` snapshots are equal."""
    return a[0] == b[0] and a[1] == b[1] and torch.equal(a[2], b[2])


def clone_tree(x: Any) -> Any:
    """A copy of nested dicts, lists and tuples with every tensor detached and cloned."""
    if isinstance(x, torch.Tensor):
        return x.detach().clone()
    if isinstance(x, dict):
        return {k: clone_tree(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(clone_tree(v) for v in x)
    return x


def equal_tree(a: Any, b: Any) -> bool:
    """Nested dicts, lists and tuples are equal, tensors bitwise (shape included), NaN equal to NaN."""
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return (
            isinstance(a, torch.Tensor)
            and isinstance(b, torch.Tensor)
            and a.shape == b.shape
            and torch.equal(a, b)
        )
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(equal_tree(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(equal_tree(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return a == b


def full_state(trainer: pl.Trainer, module: pl.LightningModule) -> dict[str, Any]:
    """Everything the range test promises to leave bitwise unchanged, cloned."""
    return clone_tree(
        {
            "params": dict(module.named_parameters()),
            "buffers": dict(module.named_buffers()),
            "grads": {n: p.grad for n, p in module.named_parameters()},
            "modes": {n: m.training for n, m in module.named_modules()},
            "optimizers": [o.state_dict() for o in trainer.optimizers],
            "schedulers": [c.scheduler.state_dict() for c in trainer.lr_scheduler_configs],
            # the range test's own callback records its result; every other callback must be untouched
            "callbacks": [cb.state_dict() for cb in trainer.callbacks if not hasattr(cb, "results")],
            "progress": trainer.fit_loop.state_dict(),
            "global_step": trainer.global_step,
            "epoch": trainer.current_epoch,
            "rng": rng_state(),
            "should_stop": trainer.should_stop,
            "stage": trainer.state.stage,
            "callback_metrics": dict(trainer.callback_metrics),
        }
    )


def files_under(*dirs: Any) -> set[str]:
    """The paths of every file below ``dirs``."""
    out = set()
    for d in dirs:
        for root, _, files in os.walk(d):
            out.update(os.path.join(root, f) for f in files)
    return out
