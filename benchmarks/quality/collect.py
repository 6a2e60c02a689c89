"""Collecting one task: the two grids, the sweeps (ours in every configuration, the peers) and every
method's suggestion per seed, trained at the grid seeds (live, or read from a dump)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .confirm import Confirmation, Design, confirm
from .fastai_rules import fastai_suggestions
from .store import Store, lattice_index, lattice_lr
from .sweeps import (
    CONFIGS,
    DEFAULT_CONFIG,
    MODES,
    lightning_lr_find,
    our_confirmed,
    our_sweep,
    torch_lr_finder,
)
from .tasks import Task

__all__ = [
    "GRID_SEEDS",
    "REAL",
    "SWEEP_ONLY",
    "Grid",
    "TaskData",
    "collect",
    "derive_cycles",
    "finite_mean",
    "seed_mean",
]

#: the real implementation: ``Tuner.lr_range_test`` with its confirmation stage (the default), and its
#: sweep-only default (``confirm=False``: the ``minimum`` rule on a sweep that shows a clear descent)
REAL = "lr_range_test (confirm)"
SWEEP_ONLY = "lr_range_test (confirm=False)"

GRID_SEEDS = (0, 1, 2, 3)
#: the grid: every 4th lattice point (3 per decade), from 1e-6 (k=-72) up to 2 points past divergence
GRID_STEP = 4
GRID_START = -72


@dataclass
class Grid:
    """One grid (constant LR or 1cycle max_lr): lattice index -> mean train / val loss over the grid seeds."""

    train: dict[int, float] = field(default_factory=dict)
    val: dict[int, float] = field(default_factory=dict)
    first: float = math.nan

    @property
    def best_k(self) -> int:
        return min(self.train, key=lambda k: (self.train[k], k))

    @property
    def best_val_k(self) -> int:
        return min(self.val, key=lambda k: (self.val[k], k))


@dataclass
class TaskData:
    task: Task
    constant: Grid
    onecycle: Grid
    #: method -> per sweep seed: suggested LR (None: no suggestion)
    lrs: dict[str, list[float | None]] = field(default_factory=dict)
    #: method -> per sweep seed: optimizer steps spent, wall seconds
    steps: dict[str, list[float]] = field(default_factory=dict)
    seconds: dict[str, list[float]] = field(default_factory=dict)
    #: (config, mode) -> method -> per seed LR (robustness; ratios only)
    by_config: dict[tuple[Any, ...], dict[str, list[float | None]]] = field(default_factory=dict)
    #: confirmation details per design name: per seed
    confirmations: dict[str, list[Confirmation]] = field(default_factory=dict)
    plain_step_seconds: float = math.nan


def finite_mean(xs: Sequence[float]) -> float:
    """The mean of ``xs``; inf when any is not finite (a diverged seed makes the point diverged)."""
    return float(np.mean(xs)) if all(math.isfinite(x) for x in xs) else math.inf


def seed_mean(
    store: Store, task: Task, schedule: str, k: int, seeds: Sequence[int] = GRID_SEEDS
) -> tuple[float, float] | None:
    """(train, val) loss of training at lattice point ``k``, each the :func:`finite_mean` over ``seeds``; None
    when a training is missing (offline)."""
    outs = [store.training(task, schedule, k, s) for s in seeds]
    if any(o is None for o in outs):
        return None
    return (
        finite_mean([o.train_loss for o in outs]),  # type: ignore[union-attr]
        finite_mean([o.val_loss for o in outs]),  # type: ignore[union-attr]
    )


def grid(store: Store, task: Task, schedule: str) -> Grid:
    g = Grid()
    k = GRID_START
    after = -1
    while after < 2 and k <= 24:
        outs = [store.training(task, schedule, k, s) for s in GRID_SEEDS]
        if any(o is None for o in outs):
            break
        tr = finite_mean([o.train_loss for o in outs])  # type: ignore[union-attr]
        g.train[k], g.val[k] = tr, finite_mean([o.val_loss for o in outs])  # type: ignore[union-attr]
        # the loss before training: one batch's loss is a noisy reference (a batch of 16 with outliers
        # read 0.32 where the data's loss was 1.2, and stopped a grid after 3 points), so the largest of
        # the seeds' first-batch losses and the loss of training at the grid's lowest LR
        refs = [o.first_loss for o in outs] + [g.train[min(g.train)]]  # type: ignore[union-attr]
        g.first = max(r for r in refs if math.isfinite(r))
        # failed: NaN/inf or above 3x that (the brief's rule), or no progress at all past the best point so
        # far (a stuck network, e.g. dead ReLUs at a huge LR, only gets worse above)
        stuck = tr >= g.first and len(g.train) > 1 and k > g.best_k
        if after >= 0 or not (math.isfinite(tr) and tr <= 3 * g.first) or stuck:
            after += 1
        k += GRID_STEP
    # lower where needed: extend downwards while the best is the lowest point
    while g.train and g.best_k == min(g.train) and min(g.train) > -120:
        k = min(g.train) - GRID_STEP
        got = seed_mean(store, task, schedule, k)
        if got is None:
            break
        g.train[k], g.val[k] = got
    return g


def _result(d: dict[str, Any]) -> Any:
    from lightning_lr import RangeTestResult

    n = len(d["lrs"])
    return RangeTestResult(
        d["lrs"],
        d["losses"],
        (None,) * n,
        mode=d["mode"],
        num_steps=d["num_steps"],
        stop_reason=d["stop_reason"],
    )


def _sweep(
    store: Store, task: Task, seed: int, root: str, cfg: tuple[int, float, float], mode: str
) -> tuple[Any, float] | None:
    n, lo, hi = cfg

    def make() -> dict[str, Any]:
        r, s = our_sweep(task, seed, root, n, lo, hi, mode)
        return {
            "lrs": [float(f"{v:.7g}") for v in r.lrs],
            "losses": [float(f"{v:.6g}") if math.isfinite(v) else str(v) for v in r.losses],
            "mode": r.mode,
            "num_steps": r.num_steps,
            "stop_reason": r.stop_reason,
            "seconds": s,
        }

    d = store.memo(store.sweeps, f"{task.name}|{mode}|{n}|{lo:g}|{hi:g}|{seed}", make)
    if d is None:
        return None
    d = {**d, "losses": [float(v) for v in d["losses"]]}
    return _result(d), float(d["seconds"])


def suggestions_of(result: Any, mode: str) -> dict[str, float | None]:
    """Every rule of ours on a sweep result (plus one_cycle_max_lr and cyclic_bounds' max), and fastai's
    four rules on the same curve (exponential sweeps only: fastai sweeps exponentially)."""
    import warnings

    from lightning_lr.tuner import METHODS, _rules

    out: dict[str, float | None] = {}
    tag = "exp" if mode == "exponential" else "lin"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for m in METHODS:
            out[f"{m} ({tag})"] = result.suggestion(m)
        if mode == "exponential":
            out[SWEEP_ONLY] = result.suggestion()
        # the peak of the 1cycle (and the top of the cycle) read from the default answer: the same mean LR
        out[f"one_cycle_max_lr ({tag})"] = result.one_cycle_max_lr()
        b = result.cyclic_bounds()
        out[f"cyclic_bounds ({tag})"] = None if b is None else b[1]
        # the former rule: the knee of the EMA curve (90% of its drop)
        knee = _rules.knee(result.lrs, result.smoothed).index
        out[f"one_cycle_max_lr knee ({tag})"] = out[f"cyclic_bounds knee ({tag})"] = (
            None if knee is None else result.lrs[knee]
        )
    if mode == "exponential":
        for name, v in fastai_suggestions(result.lrs, result.smoothed, result.num_steps).items():
            out[f"fastai {name}"] = v
    return out


def collect(
    store: Store,
    task: Task,
    seeds: Sequence[int],
    root: str,
    designs: Sequence[Design],
    configs: Sequence[tuple[int, float, float]] = CONFIGS,
    robust_designs: Sequence[str] = (),
) -> TaskData:
    """Everything about one task: grids, sweeps, suggestions, confirmations, and the trainings they need."""
    data = TaskData(task, grid(store, task, "constant"), grid(store, task, "onecycle"))
    secs = [store.trainings[k] for k in store.trainings if k.startswith(f"{task.name}|constant|")]
    data.plain_step_seconds = sum(v[3] for v in secs) / max(1, sum(v[4] for v in secs))

    def add(method: str, seed_i: int, lr: float | None, steps: float, seconds: float) -> None:
        data.lrs.setdefault(method, [None] * len(seeds))[seed_i] = lr
        data.steps.setdefault(method, [math.nan] * len(seeds))[seed_i] = steps
        data.seconds.setdefault(method, [math.nan] * len(seeds))[seed_i] = seconds

    for i, seed in enumerate(seeds):
        for cfg in configs:
            for mode in MODES:
                got = _sweep(store, task, seed, root, cfg, mode)
                if got is None:
                    continue
                result, seconds = got
                sugg = suggestions_of(result, mode)
                per = data.by_config.setdefault((cfg, mode), {})
                for m, v in sugg.items():
                    per.setdefault(m, [None] * len(seeds))[i] = v
                    if cfg == DEFAULT_CONFIG:
                        add(m, i, v, len(result.lrs), seconds)
                if mode != "exponential":
                    continue
                for d in designs:
                    if cfg != DEFAULT_CONFIG and d.name not in robust_designs:
                        continue
                    c = _confirm(store, task, seed, result, d)
                    if c is None:
                        continue
                    per.setdefault(f"confirm {d.name}", [None] * len(seeds))[i] = c.lr
                    if cfg == DEFAULT_CONFIG:
                        name = f"confirm {d.name}"
                        add(
                            name,
                            i,
                            c.lr,
                            len(result.lrs) + c.steps,
                            seconds + c.steps * data.plain_step_seconds,
                        )
                        data.confirmations.setdefault(d.name, [Confirmation(None)] * len(seeds))[i] = c
            got = _real(store, task, seed, root, cfg)
            if got is None:
                continue
            real, seconds = got
            per = data.by_config.setdefault((cfg, "exponential"), {})
            cost = real.cost  # the sweep, the candidates and a second try's first try
            for m, v in real_suggestions(real).items():
                per.setdefault(m, [None] * len(seeds))[i] = v
                if cfg == DEFAULT_CONFIG:
                    add(m, i, v, cost, seconds)
        _peers(store, task, seed, i, root, add)
    return data


def _rounded(x: Any) -> Any:
    if isinstance(x, float):
        return float(f"{x:.6g}")
    if isinstance(x, list):
        return [_rounded(v) for v in x]
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    return x


def _real(
    store: Store, task: Task, seed: int, root: str, cfg: tuple[int, float, float]
) -> tuple[Any, float] | None:
    """The real ``Tuner.lr_range_test`` (confirm=True) at ``cfg``, memoized as its JSON dict."""
    from lightning_lr import RangeTestResult

    n, lo, hi = cfg

    def make() -> dict[str, Any]:
        r, s = our_confirmed(task, seed, root, n, lo, hi)
        return {"result": _rounded(r.to_dict()), "seconds": s}

    d = store.memo(store.sweeps, f"{task.name}|confirm|{n}|{lo:g}|{hi:g}|{seed}", make)
    if d is None:
        return None
    return redecide(RangeTestResult.from_dict(d["result"])), float(d["seconds"])


def redecide(result: Any) -> Any:
    """``result`` with its confirmation decided again from its stored candidates by the current rules (the
    stored part is the training; which candidate wins, or whether none does, is re-scored). A second try's
    first try is decided again too: where it now answers, the real test would have stopped there, so the
    first try is the result (its cost is its own)."""
    import dataclasses

    from lightning_lr.tuner._confirm import decide_after, verdict

    if result.first_try is not None:
        first = redecide(result.first_try)
        if first.confirmation is not None and first.confirmation.chosen is not None:
            return first
        result = dataclasses.replace(result, first_try=first)
    conf = result.confirmation
    if conf is None or not conf.candidates or conf.anchor is None:
        return result
    found = verdict(result.lrs, result.losses, result.num_steps, result.stop_reason)
    again = decide_after(conf.candidates, conf.steps, conf.anchor, found, result.lrs, result.losses)
    return dataclasses.replace(result, confirmation=again)


def real_suggestions(result: Any) -> dict[str, float | None]:
    """The real implementation's answers: the confirmed LR, and the 1cycle peak / cycle top read from it."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        b = result.cyclic_bounds()
        return {
            REAL: result.suggestion(),
            "one_cycle_max_lr (confirm)": result.one_cycle_max_lr(),
            "cyclic_bounds (confirm)": None if b is None else b[1],
        }


def derive_cycles(data: TaskData, method: str, tag: str) -> None:
    """Add the 1cycle peak and the cycle top whose mean LR is ``method``'s constant LR (``_bounds``), as
    ``one_cycle_max_lr (tag)`` and ``cyclic_bounds (tag)``: a re-scoring of the stored answers."""
    from lightning_lr.tuner._bounds import cyclic_bounds, one_cycle_mean

    if method not in data.lrs:
        return
    mean = one_cycle_mean()
    lrs = data.lrs[method]
    data.lrs[f"one_cycle_max_lr ({tag})"] = [None if v is None else v / mean for v in lrs]
    data.lrs[f"cyclic_bounds ({tag})"] = [None if v is None else cyclic_bounds(v, 4.0)[1] for v in lrs]
    for name in (f"one_cycle_max_lr ({tag})", f"cyclic_bounds ({tag})"):
        data.steps[name] = list(data.steps[method])
        data.seconds[name] = list(data.seconds[method])


def _confirm(store: Store, task: Task, seed: int, result: Any, design: Design) -> Confirmation | None:
    missing = False

    def run(lr: float, steps: int) -> list[float]:
        nonlocal missing
        c = store.curve(task, lattice_index(lr), seed, steps)
        if c is None:
            missing = True
            return [math.nan] * steps
        return c

    c = confirm(result.lrs, result.losses, run, design, snap=lambda lr: lattice_lr(lattice_index(lr)))
    return None if missing else c


def _peers(store: Store, task: Task, seed: int, i: int, root: str, add: Any) -> None:
    def lf_default() -> dict[str, Any]:
        lr, curve, s = lightning_lr_find(task, seed, root)
        return {"lr": lr, "seconds": s, "steps": len(curve["lr"])}

    def lf_ours() -> dict[str, Any]:
        n, lo, hi = DEFAULT_CONFIG
        lr, curve, s = lightning_lr_find(task, seed, root, min_lr=lo, max_lr=hi, num_training=n)
        return {"lr": lr, "seconds": s, "steps": len(curve["lr"])}

    def tlf() -> dict[str, Any]:
        lr, curve, s = torch_lr_finder(task, seed)
        return {"lr": lr, "seconds": s, "steps": len(curve.get("lr", []))}

    for name, make in (
        ("lr_find (its defaults)", lf_default),
        ("lr_find (1e-7..10)", lf_ours),
        ("torch-lr-finder", tlf),
    ):
        d = store.memo(store.peers, f"{task.name}|{name}|{seed}", make)
        if d is not None:
            add(name, i, d["lr"], d["steps"], d["seconds"])


#: methods whose suggestion is the max_lr of a 1cycle (or the top of a cyclical) schedule
CYCLE_METHODS = ("one_cycle_max_lr", "cyclic_bounds")


def is_cycle(method: str) -> bool:
    return method.split(" ")[0] in CYCLE_METHODS


def train_suggestions(store: Store, data: TaskData) -> None:
    """Train every suggestion (at its lattice point) at the grid seeds: constant LR, or 1cycle / cyclical."""
    for method, lrs in data.lrs.items():
        schedule = "constant"
        if method.startswith("one_cycle_max_lr"):
            schedule = "onecycle"
        elif method.startswith("cyclic_bounds"):
            schedule = "cyclic"
        for lr in lrs:
            if lr is not None and lr > 0 and math.isfinite(lr):
                for s in GRID_SEEDS:
                    store.training(data.task, schedule, lattice_index(lr), s)
