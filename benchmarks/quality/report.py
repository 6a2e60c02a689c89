"""Scoring and the markdown tables: per half, per method; the 1cycle/cyclical rows; density/range agreement."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .collect import GRID_SEEDS, TaskData, is_cycle, seed_mean
from .store import Store, lattice_index, lattice_lr
from .sweeps import CONFIGS, DEFAULT_CONFIG

__all__ = [
    "Row",
    "agreement_table",
    "grid_table",
    "method_table",
    "resolution_line",
    "score_method",
    "seed_halves",
    "split_half_regret",
    "within",
]


@dataclass
class Row:
    method: str
    runs: int = 0
    none: int = 0
    within3: int = 0
    within10: int = 0
    ratios: list[float] | None = None
    regret_train: list[float] | None = None
    regret_val: list[float] | None = None
    steps: list[float] | None = None
    seconds: list[float] | None = None
    wall_x: list[float] | None = None
    untrained: int = 0
    answered: list[float] | None = None  # the training regrets of the runs that gave an LR


def within(ratio: float, factor: float = 3.0) -> bool:
    """Whether a suggestion ``ratio`` times the grid-best lies within ``factor`` of it, either way."""
    return 1 / factor <= ratio <= factor


def ratio_counts(ratios: Sequence[float]) -> tuple[int, int, float]:
    """Of runs' ratios to the grid-best (NaN: no answer): how many lie within 3x, how many have no answer, and
    the median of the answered ones."""
    answered = [r for r in ratios if not math.isnan(r)]
    median = float(np.median(answered)) if answered else math.nan
    return sum(within(r) for r in answered), len(ratios) - len(answered), median


def _loss(store: Store, data: TaskData, schedule: str, lr: float) -> tuple[float, float] | None:
    return seed_mean(store, data.task, schedule, lattice_index(lr))


def score_method(store: Store, datas: Sequence[TaskData], method: str) -> Row:
    row = Row(method, ratios=[], regret_train=[], regret_val=[], steps=[], seconds=[], wall_x=[], answered=[])
    assert row.ratios is not None and row.regret_train is not None and row.regret_val is not None
    assert row.steps is not None and row.seconds is not None and row.wall_x is not None
    for d in datas:
        if method not in d.lrs:
            continue
        cyc = is_cycle(method)
        g = d.onecycle if cyc else d.constant
        schedule = "constant"
        if method.startswith("one_cycle_max_lr"):
            schedule = "onecycle"
        elif method.startswith("cyclic_bounds"):
            schedule = "cyclic"
        best_lr = lattice_lr(g.best_k)
        best_tr, best_va = g.train[g.best_k], g.val[g.best_val_k]
        for i, lr in enumerate(d.lrs[method]):
            row.runs += 1
            st, se = d.steps[method][i], d.seconds[method][i]
            if math.isfinite(st):
                row.steps.append(st)
                row.seconds.append(se)
                row.wall_x.append(se / (st * d.plain_step_seconds))
            if lr is None:
                row.none += 1
                row.regret_train.append(math.inf)
                row.regret_val.append(math.inf)
                continue
            r = lr / best_lr
            row.ratios.append(r)
            row.within3 += within(r)
            row.within10 += within(r, 10.0)
            got = _loss(store, d, schedule, lr)
            if got is None:
                row.untrained += 1
                continue
            row.regret_train.append(_regret(got[0], best_tr))
            row.answered.append(_regret(got[0], best_tr))  # type: ignore[union-attr]
            row.regret_val.append(_regret(got[1], best_va))
    return row


def _regret(loss: float, best: float) -> float:
    """``loss / best``; a grid-best loss of exactly 0 (a task solved to float precision) gives 1 for a loss of 0
    too, else inf."""
    if best == 0:
        return 1.0 if loss == 0 else math.inf
    return loss / best


def _f(x: float) -> str:
    if not math.isfinite(x):
        return "inf" if x > 0 else "-"
    if x == 0:
        return "0"
    return f"{x:.2f}" if 0.01 <= abs(x) < 100 else f"{x:.0e}"


def _worst(rs: Sequence[float]) -> float:
    return max(rs, key=lambda r: abs(math.log(r))) if rs else math.nan


def _med(xs: Sequence[float] | None) -> float:
    return float(np.median(xs)) if xs else math.nan


def _mean(xs: Sequence[float] | None) -> float:
    return float(np.mean(xs)) if xs else math.nan


def method_table(rows: Sequence[Row], default: str) -> str:
    head = (
        "| method | runs | within 3x | within 10x | None | median ratio | worst ratio | regret train med / worst "
        "| regret val med / worst | steps med / mean (x100-step sweep) | wall s | wall / plain fit |"
    )
    lines = [head, "|" + "---|" * 12]
    for r in rows:
        assert r.ratios is not None and r.regret_train is not None and r.regret_val is not None
        name = f"**{r.method}** (default)" if r.method == default else r.method
        rt = r.regret_train or [math.nan]
        rv = r.regret_val or [math.nan]
        unt = f" ({r.untrained} untrained)" if r.untrained else ""
        if r.none and r.answered:  # a None counts as inf; the worst of the runs that answered as well
            unt += f" (answered: {_f(max(r.answered))})"
        lines.append(
            f"| {name} | {r.runs} | {r.within3}/{r.runs} | {r.within10}/{r.runs} | {r.none} | "
            f"{_f(_med(r.ratios))} | {_f(_worst(r.ratios))} | {_f(_med(rt))} / {_f(max(rt))}{unt} | "
            f"{_f(_med(rv))} / {_f(max(rv))} | {_med(r.steps):.0f} / {_mean(r.steps):.0f} ({_med(r.steps) / 100:.1f}x) | "
            f"{_med(r.seconds):.2f} | {_f(_med(r.wall_x))} |"
        )
    return "\n".join(lines)


def split_half_regret(store: Store, data: TaskData, schedule: str = "constant") -> float:
    """The resolution of the regret: the grid's best LR chosen on the first half of the grid seeds
    (:func:`seed_halves`), its mean training loss on the second half over the best mean there, and the
    other way round; the worse of the two (NaN without two halves, inf when the chosen LR diverged on the
    other half). A perfect grid search scores this on fresh seeds, so a suggestion's regret below it
    cannot be told from the best."""
    halves = seed_halves()
    if halves is None:
        return math.nan
    g = data.onecycle if schedule == "onecycle" else data.constant

    def mean(k: int, seeds: Sequence[int]) -> float:
        got = seed_mean(store, data.task, schedule, k, seeds)
        return math.inf if got is None else got[0]

    worst = 1.0
    for pick, judge in (halves, halves[::-1]):
        losses = {k: (mean(k, pick), mean(k, judge)) for k in g.train}
        chosen = min(losses, key=lambda k: (losses[k][0], k))
        worst = max(worst, _regret(losses[chosen][1], min(v[1] for v in losses.values())))
    return worst


def seed_halves() -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """The grid seeds in two halves of equal size (an odd one out is left out), or None when fewer than 2."""
    half = len(GRID_SEEDS) // 2
    return None if half == 0 else (tuple(GRID_SEEDS[:half]), tuple(GRID_SEEDS[half : 2 * half]))


def grid_table(store: Store, datas: Sequence[TaskData], split: dict[str, str]) -> str:
    lines = [
        "| task | half | recipe | grid LRs | best constant LR (train loss) | best val-loss LR | best 1cycle max_lr "
        "| first loss | best train / val | split-half regret: constant / 1cycle | plain step ms |",
        "|" + "---|" * 11,
    ]
    for d in datas:
        c, o = d.constant, d.onecycle
        lines.append(
            f"| {d.task.name} | {split[d.task.name]} | {d.task.recipe} | {lattice_lr(min(c.train)):.0e}.."
            f"{lattice_lr(max(c.train)):.0e} ({len(c.train)}) | {lattice_lr(c.best_k):.2e} | "
            f"{lattice_lr(c.best_val_k):.2e} | {lattice_lr(o.best_k):.2e} | {c.first:.3f} | "
            f"{c.train[c.best_k]:.4f} / {c.val[c.best_val_k]:.4f} | "
            f"{_f(split_half_regret(store, d))} / {_f(split_half_regret(store, d, 'onecycle'))} | "
            f"{1000 * d.plain_step_seconds:.2f} |"
        )
    return "\n".join(lines)


def resolution_line(store: Store, datas: Sequence[TaskData]) -> str:
    """One sentence: the median and worst split-half regret of the constant grid over ``datas``."""
    halves = seed_halves()
    got = sorted((split_half_regret(store, d), d.task.name) for d in datas)
    if not got or halves is None:
        return ""
    med = float(np.median([v for v, _ in got]))
    return (
        f"Resolution of the regret: a perfect grid search (the best LR on grid seeds {list(halves[0])}, judged "
        f"on {list(halves[1])}, and the other way round) scores a training-loss regret of median {_f(med)}, "
        f"worst {_f(got[-1][0])} ({got[-1][1]}) on this half's constant grids."
    )


def agreement_table(datas: Sequence[TaskData], methods: Sequence[str]) -> str:
    """For each method and sweep configuration (exponential mode): the share of (task, seed) runs whose
    suggestion agrees within 2x with the default configuration's, the median over tasks of the per-task
    median disagreement factor, and the share within 3x of the grid-best constant LR."""
    cfgs = [c for c in CONFIGS]
    head = "| method | " + " | ".join(f"{n} steps {lo:g}..{hi:g}" for n, lo, hi in cfgs) + " |"
    lines = [
        head,
        "|" + "---|" * (len(cfgs) + 1),
    ]
    for m in methods:
        cells = []
        for cfg in cfgs:
            agree = total = hit = 0
            factors: list[float] = []
            for d in datas:
                base = d.by_config.get((DEFAULT_CONFIG, "exponential"), {}).get(m)
                got = d.by_config.get((cfg, "exponential"), {}).get(m)
                if base is None or got is None:
                    continue
                best = lattice_lr(d.constant.best_k)
                per: list[float] = []
                for b, x in zip(base, got, strict=True):
                    total += 1
                    # within 3x is the setting's own answer against the grid, whether or not the default
                    # setting answered (review 84: a run without a 100-step answer never counted)
                    hit += x is not None and within(x / best)
                    if x is None or b is None:
                        per.append(math.inf)
                        continue
                    f = max(x / b, b / x)
                    per.append(f)
                    agree += f <= 2
                factors.append(float(np.median(per)))
            if total == 0:
                cells.append("-")
                continue
            cells.append(f"{agree}/{total} agree, x{_f(float(np.median(factors)))}; {hit}/{total} in 3x")
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def per_task_regret_table(store: Store, datas: Sequence[TaskData], method: str) -> str:
    """Per task: the training-loss regret of ``method``'s answer per seed (None: no answer; ``-``: an answer
    the grid did not train), against the constant grid (the 1cycle grid for the 1cycle rows)."""
    lines = [f"| task | {method}: training-loss regret per seed |", "|---|---|"]
    schedule = "onecycle" if method.startswith("one_cycle_max_lr") else "constant"
    for d in datas:
        g = d.onecycle if is_cycle(method) else d.constant
        cells = []
        for lr in d.lrs.get(method, []):
            got = None if lr is None else _loss(store, d, schedule, lr)
            cells.append(
                "None" if lr is None else "-" if got is None else f"{_regret(got[0], g.train[g.best_k]):.2f}"
            )
        lines.append(f"| {d.task.name} | {' '.join(cells)} |")
    return "\n".join(lines)


def per_task_table(datas: Sequence[TaskData], methods: Sequence[str]) -> str:
    """Per task: each method's suggestion / grid-best ratio per seed (the 1cycle rows against 1cycle)."""
    lines = ["| task | " + " | ".join(methods) + " |", "|" + "---|" * (len(methods) + 1)]
    for d in datas:
        cells = []
        for m in methods:
            g = d.onecycle if is_cycle(m) else d.constant
            best = lattice_lr(g.best_k)
            lrs = d.lrs.get(m, [])
            cells.append(" ".join("None" if lr is None else _f(lr / best) for lr in lrs))
        lines.append(f"| {d.task.name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
