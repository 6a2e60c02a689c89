"""What the optimizer really used: a per-step LR and momentum recorder, its per-rank dump, trace checks."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import numpy as np
import torch
from lightning.pytorch.callbacks import Callback

from lightning_lr.optim import momentum_key


def value(v: Any) -> float:
    """A float or a one-element tensor as a float."""
    return float(v.item() if isinstance(v, torch.Tensor) else v)


def _momentum(group: dict[str, Any]) -> float | None:
    key = momentum_key(group)
    return None if key is None else value(group["momentum"] if key == "momentum" else group["betas"][0])


class Recorder(Callback):
    """Before every optimizer step: ``rows`` gets ``(global_step, [LR of each group], [momentum of each group
    or None])`` and ``by_optimizer[index]`` gets ``([LRs], [momenta])``; ``optimizer_index`` keeps ``rows`` to
    one optimizer under manual optimization. At every batch start ``batch_lrs`` gets group 0's LR (of that
    optimizer, else the first). The range test hides every callback during its sweep, so only the fit's own
    steps and batches are recorded."""

    def __init__(self, optimizer_index: int | None = None) -> None:
        self.rows: list[tuple[int, list[float], list[float | None]]] = []
        self.optimizer_index = optimizer_index
        self.by_optimizer: dict[int, list[tuple[list[float], list[float | None]]]] = {}
        self.batch_lrs: list[float] = []

    def on_before_optimizer_step(self, trainer: pl.Trainer, pl_module: Any, optimizer: Any) -> None:
        index = next(i for i, o in enumerate(trainer.optimizers) if o is optimizer)
        lrs = [value(g["lr"]) for g in optimizer.param_groups]
        moms = [_momentum(g) for g in optimizer.param_groups]
        self.by_optimizer.setdefault(index, []).append((lrs, moms))
        if self.optimizer_index is None or index == self.optimizer_index:
            self.rows.append((trainer.global_step, lrs, moms))

    def on_train_batch_start(self, trainer: pl.Trainer, pl_module: Any, batch: Any, batch_idx: int) -> None:
        optimizer = trainer.optimizers[self.optimizer_index or 0]
        self.batch_lrs.append(value(optimizer.param_groups[0]["lr"]))

    def steps(self) -> list[int]:
        return [r[0] for r in self.rows]

    def lr(self, group: int = 0) -> np.ndarray:
        return np.array([r[1][group] for r in self.rows])

    def momentum(self, group: int = 0) -> np.ndarray:
        return np.array([r[2][group] for r in self.rows])


class DumpPerRank(Recorder):
    """A Recorder that writes, at the end of training, what its rank's optimizer used to
    ``<directory>/rank<r>.json`` (a fit in launched processes keeps its objects there): ``rank``, ``world_size``,
    ``rows`` and ``batch_lrs``; with an LRRangeTest among the callbacks also its curve (``losses``, ``lrs``),
    ``one_cycle_max_lr`` and the whole ``result`` (``to_dict``); with a OneCycle callback its ``filled``
    arguments and ``total_steps``; with an ``lr`` hparam on the module, ``module_lr``."""

    def __init__(self, directory: str) -> None:
        super().__init__()
        self.directory = directory

    def on_train_end(self, trainer: pl.Trainer, pl_module: Any) -> None:
        from lightning_lr import LRRangeTest
        from lightning_lr.callbacks import OneCycle

        data: dict[str, Any] = {
            "rank": trainer.global_rank,
            "world_size": trainer.world_size,
            "rows": self.rows,
            "batch_lrs": self.batch_lrs,
        }
        test = next((cb for cb in trainer.callbacks if isinstance(cb, LRRangeTest)), None)
        if test is not None:
            assert test.result is not None
            data["losses"] = list(test.result.losses)
            data["lrs"] = list(test.result.lrs)
            data["one_cycle_max_lr"] = test.result.one_cycle_max_lr()
            data["result"] = test.result.to_dict()
        cycle = next((cb for cb in trainer.callbacks if isinstance(cb, OneCycle)), None)
        if cycle is not None:
            data["filled"] = cycle.state_dict()["filled"]
            data["total_steps"] = cycle.run.total_steps if cycle.run else None
        if "lr" in pl_module.hparams:
            data["module_lr"] = float(pl_module.hparams.lr)
        Path(self.directory, f"rank{trainer.global_rank}.json").write_text(json.dumps(data))


def assert_trace(actual: Any, expected: Any, rtol: float = 1e-12) -> None:
    """Step by step, ``actual`` equals ``expected`` (same length; relative tolerance ``rtol``)."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, f"{actual.shape} != {expected.shape}"
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=0)


class WarningsPerRank(Callback):
    """Writes the messages of every warning its rank's process gives from ``setup`` to the end of the fit
    to ``<directory>/warnings<r>.json`` (a fit in launched processes keeps its warnings there)."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._catcher: Any = None
        self._caught: list[Any] = []

    def setup(self, trainer: pl.Trainer, pl_module: Any, stage: str) -> None:
        self._catcher = warnings.catch_warnings(record=True)
        self._caught = self._catcher.__enter__()
        warnings.simplefilter("always")

    def teardown(self, trainer: pl.Trainer, pl_module: Any, stage: str) -> None:
        if self._catcher is None:
            return
        self._catcher.__exit__(None, None, None)
        self._catcher = None
        path = os.path.join(self.directory, f"warnings{trainer.global_rank}.json")
        with open(path, "w") as f:
            json.dump([str(w.message) for w in self._caught], f)
