"""Everything the benchmark measures, memoized and written to / read from one JSON file.

Every LR that is ever trained lies on the lattice ``10 ** (k / 12)`` (12 points per decade, so the
3-per-decade grid is every 4th point): a suggestion is trained at its nearest lattice point (at most 10%
away; its ratio to the grid-best is computed from the exact suggestion). Keys:

- trainings: ``"{task}|{schedule}|{k}|{seed}"`` -> [train_loss, val_loss, first_loss, seconds, steps]
  (schedule ``constant``, ``onecycle`` (k = max_lr) or ``cyclic`` (k = max_lr, base_lr = max_lr / 4));
- curves: ``"{task}|{k}|{seed}"`` -> the per-step losses of a short constant-LR run (confirmation
  candidates), as long as the longest ever asked for;
- sweeps: ``"{task}|{mode}|{num_steps}|{min_lr}|{max_lr}|{seed}"`` -> {"result": RangeTestResult.to_dict(),
  "seconds": s}; peers: ``"{task}|{peer}|{seed}"`` -> {"lr": lr or None, "seconds": s, "steps": n}.

Offline (``--from``) nothing is trained: a missing training or curve is None.
"""

from __future__ import annotations

import gzip
import json
import math
import time
from collections.abc import Callable
from typing import Any

from .tasks import Task
from .train import Outcome, short_run, train

__all__ = ["LATTICE", "Store", "lattice_index", "lattice_lr"]

FORMAT = "range_test_suggestion/1"
#: lattice points per decade
LATTICE = 12
#: a short run is always computed this long (a design that asks for fewer steps reads a prefix)
CURVE_STEPS = 120


def lattice_lr(k: int) -> float:
    return float(10 ** (k / LATTICE))


def lattice_index(lr: float) -> int:
    return round(math.log10(lr) * LATTICE)


def _jf(x: float) -> float | str:
    return x if math.isfinite(x) else ("Infinity" if x > 0 else "NaN")


class Store:
    """The memo of trainings, short runs, sweeps and peers; online it computes what it lacks."""

    def __init__(self, offline: bool = False) -> None:
        self.offline = offline
        self.trainings: dict[str, list[float]] = {}
        self.curves: dict[str, list[float]] = {}
        self.sweeps: dict[str, dict[str, Any]] = {}
        self.peers: dict[str, dict[str, Any]] = {}
        self.meta: dict[str, Any] = {}
        self.computed = 0  # how many things this process computed (not loaded)

    # --- trainings ---
    def training(self, task: Task, schedule: str, k: int, seed: int) -> Outcome | None:
        key = f"{task.name}|{schedule}|{k}|{seed}"
        if key not in self.trainings:
            if self.offline:
                return None
            lr = lattice_lr(k)
            o = train(task, lr, seed, schedule, lr / 4 if schedule == "cyclic" else 0.0)
            self.trainings[key] = [o.train_loss, o.val_loss, o.first_loss, o.seconds, o.steps]
            self.computed += 1
        t, v, f, s, n = self.trainings[key]
        return Outcome(float(t), float(v), float(f), float(s), int(n))

    # --- short runs ---
    def curve(self, task: Task, k: int, seed: int, steps: int) -> list[float] | None:
        key = f"{task.name}|{k}|{seed}"
        have = self.curves.get(key)
        if have is None or len(have) < steps:
            if self.offline:
                return None
            start = time.perf_counter()
            self.curves[key] = [
                float(f"{v:.5g}") for v in short_run(task, lattice_lr(k), seed, max(steps, CURVE_STEPS))
            ]
            self.meta.setdefault("curve_seconds", {}).setdefault(task.name, [0.0, 0])
            cs = self.meta["curve_seconds"][task.name]
            cs[0] += time.perf_counter() - start
            cs[1] += steps
            self.computed += 1
        return [float(v) for v in self.curves[key][:steps]]

    # --- sweeps and peers ---
    def memo(
        self, table: dict[str, dict[str, Any]], key: str, make: Callable[[], dict[str, Any]]
    ) -> dict[str, Any] | None:
        if key not in table:
            if self.offline:
                return None
            table[key] = make()
            self.computed += 1
        return table[key]

    # --- file ---
    def dump(self, path: str) -> None:
        out = {
            "format": FORMAT,
            "meta": self.meta,
            "trainings": {k: [_jf(float(x)) for x in v] for k, v in self.trainings.items()},
            "curves": {k: [_jf(float(x)) for x in v] for k, v in self.curves.items()},
            "sweeps": self.sweeps,
            "peers": self.peers,
        }
        tmp = path + ".tmp"
        opener = gzip.open if path.endswith(".gz") else open
        with opener(tmp, "wt") as f:
            json.dump(out, f, separators=(",", ":"))
        import os

        os.replace(tmp, path)

    def load(self, path: str) -> None:
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt") as f:
            data = json.load(f)
        if data.get("format") != FORMAT:
            raise SystemExit(f"{path}: not a dump of this benchmark (format {data.get('format')!r})")
        self.meta = data["meta"]
        self.trainings = {k: [float(x) for x in v] for k, v in data["trainings"].items()}
        self.curves = {k: [float(x) for x in v] for k, v in data["curves"].items()}
        self.sweeps = data["sweeps"]
        self.peers = data["peers"]
