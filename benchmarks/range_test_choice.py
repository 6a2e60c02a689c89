"""Other ways to choose among the confirmation's candidates, replayed on the suggestion benchmark's stored runs.

The default answer is the vertex of the parabola through the best candidate (lowest mean loss over the last
fifth of its 80 steps) and its two neighbours (``lightning_lr/tuner/_confirm.py``). Every run of the
suggestion benchmark's default sweep (100 steps over 1e-7..10, sweep seeds 0-2) stores its candidates' per-step
losses, so another way to choose among them can be scored without training a candidate again. This script
replays several, each for a reason:

- ``vertex``: the default (it must reproduce the suggestion benchmark's figures; the script says whether it does);
- ``winner``: the best candidate itself (is the parabola worth it?);
- ``never up``: the winner when the vertex lies above it (every out-of-sample regret above 2 is an answer
  above the best LR, ``docs/range_test.md``);
- ``cap at anchor``: the answer no higher than the sweep's lowest point;
- ``safety margin``: the candidate whose worse of its own and its upper neighbour's score is lowest (a
  whole run at an LR next to a cliff falls off it);
- ``tied centre``: the geometric middle of the winner and the neighbours whose scores lie within its noise
  (``_alike``, as the 1cycle plateau reads them): on a flat stretch neither end is favoured;
- ``extrapolated``: each candidate's loss carried on to the task's budget T by the power law through the mean
  of its steps 24-40 and its score (steps 64-80), then the vertex of those: the candidates judged at the
  run's length instead of at 80 steps;
- ``shift p``: the vertex times ``(T / 80) ** -p`` (a longer run wants a lower LR in the noise regime), at
  p = 1/16, 1/8, 3/16 and 1/4; a second table judges these against the best constant LR of runs 2x and 4x as
  long (``range_test_horizon.py``'s grids), the shift taken at that length;
- ``run_steps=T``: what ``suggestion(run_steps=T)`` answers (``_run_length.factor``): the shift at p = 1/4 for the
  Adam family alone, the answer as given for the other optimizers; the option's regret at the budget, trained.

The last two read the task's budget T, which the range test does not know (a Trainer made only for the test
runs 1000 epochs by default). Ratios are to the grid-best constant LR (training loss, 4 grid seeds); the regret
is the grid seeds' mean training loss at the answer's lattice point over the grid-best's. A lattice point the
suggestion benchmark's dump lacks is interpolated log-linearly between the grid's points and counted in the
table's ``~`` column, unless ``--train`` trains it (4 seeds, a few seconds each) into ``--extra``'s file,
which later runs read.

    python benchmarks/range_test_choice.py                      # from the stored dumps, seconds
    python benchmarks/range_test_choice.py --train              # train the lattice points the answers need
    python benchmarks/range_test_choice.py --per-run validation # every run of one set
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from quality import cli
from quality.collect import GRID_SEEDS, Grid, grid
from quality.report import within
from quality.store import Store, lattice_index, lattice_lr
from quality.sweeps import quiet
from quality.tasks import HALVES, SPLIT, TASKS, Task, make_optimizer
from quality.train import train

from lightning_lr.tuner._confirm import Confirmation, _alike, refine, tail_length

HERE = os.path.dirname(os.path.abspath(__file__))
SUGGESTION = os.path.join(HERE, "results", "suggestion.json")
EXTRA = os.path.join(HERE, "results", "choice.json")
FORMAT = "range_test_choice/1"
#: the default's runs in the suggestion benchmark's dump
DEFAULT_KEY = "confirm|100|1e-07|10"
SEEDS = (0, 1, 2)
#: the candidates' length the default trains
STEPS = 80
#: the figures the suggestion benchmark reports for the default (within 3x / runs, worst regret), per set
REPORTED = {
    "tuning": (32, 39, 1.88),
    "validation": (34, 36, 5.63),
    "holdout": (21, 24, 1.71),
    "fourth": (22, 24, 1.94),
}

Rule = Callable[[Confirmation, Task], float]


def vertex(conf: Confirmation, task: Task) -> float:
    lr = conf.lr
    assert lr is not None
    return lr


def winner(conf: Confirmation, task: Task) -> float:
    lr = conf.winner
    assert lr is not None
    return lr


def never_up(conf: Confirmation, task: Task) -> float:
    return min(vertex(conf, task), winner(conf, task))


def cap_at_anchor(conf: Confirmation, task: Task) -> float:
    return min(vertex(conf, task), conf.anchor or math.inf)


def safety_margin(conf: Confirmation, task: Task) -> float:
    s = conf.scores
    worse = [max(s[i], s[i + 1]) if i + 1 < len(s) else s[i] for i in range(len(s))]
    best = min(range(len(s)), key=lambda i: (worse[i], i))
    return conf.lrs[best] if math.isfinite(worse[best]) else vertex(conf, task)


def tied_centre(conf: Confirmation, task: Task) -> float:
    c, b = conf.candidates, conf.chosen
    assert b is not None
    n = tail_length(conf.steps)
    lo = hi = b
    while lo > 0 and math.isfinite(c[lo - 1].score) and _alike(c[lo - 1], c[b], n):
        lo -= 1
    while hi + 1 < len(c) and math.isfinite(c[hi + 1].score) and _alike(c[hi + 1], c[b], n):
        hi += 1
    return vertex(conf, task) if lo == hi else math.sqrt(c[lo].lr * c[hi].lr)


def extrapolated(conf: Confirmation, task: Task) -> float:
    preds = []
    for c in conf.candidates:
        early = np.asarray(c.losses[24:40], dtype=float)
        if not math.isfinite(c.score) or len(c.losses) < STEPS or not np.all(np.isfinite(early)):
            preds.append(math.inf)
            continue
        e, s = float(early.mean()), c.score
        if e > 0 and s > 0:  # s * (T / 72) ** slope, the slope of log loss over log step from step 32 to 72
            preds.append(s * (task.steps / 72.0) ** min(math.log(s / e) / math.log(72.0 / 32.0), 0.0))
        else:
            preds.append(s)
    best = min(range(len(preds)), key=lambda i: (preds[i], i))
    if not math.isfinite(preds[best]):
        return vertex(conf, task)
    return refine(conf.lrs, preds, best)[0] if min(preds) > 0 else conf.lrs[best]


def shift(p: float, factor: int = 1) -> Rule:
    """The vertex times ``(T / 80) ** -p`` for a run of ``factor`` times the task's budget T."""

    def rule(conf: Confirmation, task: Task) -> float:
        return vertex(conf, task) * (factor * task.steps / STEPS) ** -p

    return rule


#: the exponents of the run-length shift judged against the longer runs too
SHIFTS = (0.0625, 0.125, 0.1875, 0.25)


def optimizer_of(task: Task) -> str:
    """The torch class the task's optimizer is, as the range test records it (``_run_length.optimizer_name``)."""
    from lightning_lr.tuner._run_length import optimizer_name

    return optimizer_name(make_optimizer(task, [torch.nn.Parameter(torch.zeros(1))], 1e-3))


def run_steps(factor: int = 1) -> Rule:
    """What ``suggestion(run_steps=factor * T)`` answers: the vertex scaled by ``_run_length.factor``, which
    moves the Adam family's answers alone (x ``(run / 80) ** -1/4``) and leaves the others'."""
    from lightning_lr.tuner._run_length import factor as scale

    def rule(conf: Confirmation, task: Task) -> float:
        return vertex(conf, task) * scale(factor * task.steps, conf.steps, optimizer_of(task))[0]

    return rule


#: the row of ``run_steps``, the option the length benchmarks chose (``range_test_length_fam.py``)
RUN_STEPS = "run_steps=T (Adam family only)"


RULES: dict[str, Rule] = {
    "vertex (the default)": vertex,
    "winner": winner,
    "never up": never_up,
    "cap at anchor": cap_at_anchor,
    "safety margin": safety_margin,
    "tied centre": tied_centre,
    "extrapolated to T": extrapolated,
    **{f"shift p={p:g}": shift(p) for p in SHIFTS},
    RUN_STEPS: run_steps(),
}


class Losses:
    """The grid seeds' mean training loss at a lattice point: the suggestion benchmark's dump, this script's
    extra trainings, a training (``train=True``), or an interpolation between the grid's points."""

    def __init__(self, store: Store, extra: dict[str, list[float]], train_missing: bool) -> None:
        self.store, self.extra, self.train_missing = store, extra, train_missing
        self.grids: dict[str, Grid] = {}

    def grid(self, task: Task) -> Grid:
        if task.name not in self.grids:
            self.grids[task.name] = grid(self.store, task, "constant")
        return self.grids[task.name]

    def at(self, task: Task, lr: float) -> tuple[float, bool]:
        """(loss, interpolated)."""
        k = lattice_index(lr)
        got = []
        for s in GRID_SEEDS:
            key = f"{task.name}|constant|{k}|{s}"
            v = self.store.trainings.get(key) or self.extra.get(key)
            if v is None and self.train_missing:
                o = train(task, lattice_lr(k), s)
                v = self.extra[key] = [o.train_loss, o.val_loss, o.first_loss, o.seconds, o.steps]
            got.append(v)
        if all(v is not None for v in got):
            losses = [float(v[0]) for v in got if v is not None]
            return (float(np.mean(losses)) if all(math.isfinite(x) for x in losses) else math.inf), False
        return self.interpolated(task, math.log10(lr) * 12), True

    def interpolated(self, task: Task, x: float) -> float:
        return _log_interpolated(self.grid(task).train, x)


def runs(store: Store, tasks: Sequence[Task]) -> Iterator[tuple[Task, int, Confirmation | None]]:
    """The default's stored runs: (task, seed, its confirmation or None)."""
    for t in tasks:
        for s in SEEDS:
            d = store.sweeps.get(f"{t.name}|{DEFAULT_KEY}|{s}")
            if d is None:
                continue
            c = d["result"].get("confirmation")
            yield t, s, None if c is None else Confirmation.from_dict(c)


def score(
    store: Store, losses: Losses, tasks: Sequence[Task], rule: Rule
) -> dict[str, list[tuple[str, int, float | None, float | None, bool]]]:
    """Per set: (task, seed, ratio, regret, interpolated) of every run (None: no answer)."""
    out: dict[str, list[tuple[str, int, float | None, float | None, bool]]] = {}
    for t, s, conf in runs(store, tasks):
        g = losses.grid(t)
        best_k = g.best_k
        row: tuple[str, int, float | None, float | None, bool] = (t.name, s, None, None, False)
        if conf is not None and conf.chosen is not None:
            lr = rule(conf, t)
            loss, approx = losses.at(t, lr)
            best = g.train[best_k]
            regret = loss / best if best > 0 else loss - best
            row = (t.name, s, lr / lattice_lr(best_k), regret, approx)
        out.setdefault(SPLIT[t.name], []).append(row)
    return out


#: range_test_horizon.py's dumps: (factor, file) of every task's constant-LR grid at a multiple of its budget
HORIZONS = (
    (2, os.path.join(HERE, "results", "horizon_x2.json")),
    (4, os.path.join(HERE, "results", "horizon.json")),
)


def _log_interpolated(g: dict[int, float], x: float) -> float:
    """The loss at lattice position ``x`` (12 per decade) between the points of ``g``, log-linearly."""
    lo = max((k for k in g if k <= x), default=None)
    hi = min((k for k in g if k >= x), default=None)
    if lo is None or hi is None:
        return math.inf
    a, b = g[lo], g[hi]
    if lo == hi or not (math.isfinite(a) and math.isfinite(b)):
        return a if x - lo <= hi - x else b
    w = (x - lo) / (hi - lo)
    if a > 0 and b > 0:
        return float(math.exp((1 - w) * math.log(a) + w * math.log(b)))
    return (1 - w) * a + w * b


def longer(store: Store, losses: Losses, tasks: Sequence[Task]) -> str:
    """The default and the run-length shifts against the grid-best constant LR of runs 2x and 4x each task's budget
    (``range_test_horizon.py``'s grids: 3 LRs per decade, 2 seeds; regrets interpolated between their points), the
    shift taken at that longer length: does the shift follow a longer run's best?"""
    from range_test_horizon import FORMAT as LONG_FORMAT
    from range_test_horizon import long_grid

    lines: list[str] = []
    for factor, path in HORIZONS:
        if not os.path.exists(path):
            continue
        with open(path) as f:
            d = json.load(f)
        if d.get("format") != LONG_FORMAT or int(d["factor"]) != factor:
            continue
        memo = {k: float(v) for k, v in d["trainings"].items()}
        rules: dict[str, Rule] = {"vertex (the default)": vertex}
        rules.update({f"shift p={p:g}": shift(p, factor) for p in SHIFTS})
        rules[RUN_STEPS] = run_steps(factor)
        table: dict[str, dict[str, list[tuple[str, int, float | None, float | None, bool]]]] = {}
        for t, s, conf in runs(store, tasks):
            g = long_grid(t, factor, losses.grid(t).best_k, memo, offline=True)
            if not g:
                continue
            best_k = min(g, key=lambda k: (g[k], k))
            for name, rule in rules.items():
                row: tuple[str, int, float | None, float | None, bool] = (t.name, s, None, None, True)
                if conf is not None and conf.chosen is not None:
                    lr = rule(conf, t)
                    loss, best = _log_interpolated(g, math.log10(lr) * 12), g[best_k]
                    row = (t.name, s, lr / lattice_lr(best_k), loss / best if best > 0 else loss - best, True)
                table.setdefault(name, {}).setdefault(SPLIT[t.name], []).append(row)
        halves = [h for h in HALVES if any(h in v for v in table.values())]
        lines += [f"\n### Runs {factor}x the budget\n", "| rule | " + " | ".join(halves) + " |"]
        lines.append("|---|" + "---|" * len(halves))
        for name, per in table.items():
            lines.append(f"| {name} | " + " | ".join(cell(per.get(h, []))[0] for h in halves) + " |")
    if not lines:
        return ""
    return (
        "\n## The run-length shift against longer runs\n\n"
        "The default's answers and the shift `(T / 80) ** -p` taken at 2x and 4x each task's budget T, judged against "
        "the grid-best constant LR of runs that long (`range_test_horizon.py`'s grids: 3 LRs per decade, 2 seeds; "
        "every regret interpolated between their points).\n" + "\n".join(lines)
    )


def cell(rows: Sequence[tuple[str, int, float | None, float | None, bool]]) -> tuple[str, int, int, float]:
    hit = sum(r[2] is not None and within(r[2]) for r in rows)
    regrets = [r[3] for r in rows if r[3] is not None]
    approx = sum(r[4] for r in rows)
    med = float(np.median(regrets)) if regrets else math.nan
    worst = max(regrets) if regrets else math.nan
    return f"{hit}/{len(rows)}, {med:.3f} / {worst:.2f}", hit, approx, worst


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--from", dest="from_", default=SUGGESTION, help="the suggestion benchmark's dump")
    parser.add_argument(
        "--extra", default=EXTRA, help="this script's own trainings (read, and written by --train)"
    )
    parser.add_argument("--train", action="store_true", help="train the lattice points the answers need")
    parser.add_argument(
        "--per-run", choices=HALVES, help="also print every run of this set, for every rule (ratio, regret)"
    )
    args = parser.parse_args(argv)
    cli.existing(parser, "--from", args.from_)
    quiet()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    store = Store(offline=True)
    store.load(args.from_)
    extra: dict[str, list[float]] = {}
    if os.path.exists(args.extra):
        with open(args.extra) as f:
            data: dict[str, Any] = json.load(f)
        if data.get("format") != FORMAT:
            parser.error(f"--extra {args.extra}: not this script's file (format {data.get('format')!r})")
        extra = {k: [float(x) for x in v] for k, v in data["trainings"].items()}
    losses = Losses(store, extra, args.train)
    tasks = [t for t in TASKS if f"{t.name}|constant|-72|0" in store.trainings]
    tables = {name: score(store, losses, tasks, rule) for name, rule in RULES.items()}
    if args.train:
        with open(args.extra, "w") as f:
            json.dump({"format": FORMAT, "trainings": extra}, f, separators=(",", ":"), sort_keys=True)

    print("# Choosing among the candidates: the default and other rules, replayed on the stored runs\n")
    print(
        f"From {os.path.relpath(args.from_)} (the default's candidates, sweep seeds {list(SEEDS)}) and "
        f"{os.path.relpath(args.extra)} ({len(extra)} extra trainings). Each cell: runs within 3x of the "
        "grid-best constant LR, then the median / worst training regret; `~`: regrets interpolated between "
        "the grid's points (no training at the answer's lattice point).\n"
    )
    halves = [h for h in HALVES if any(h in t for t in tables.values())]
    print("| rule | " + " | ".join(halves) + " | ~ |")
    print("|---|" + "---|" * (len(halves) + 1))
    for name, table in tables.items():
        cells = [cell(table.get(h, [])) for h in halves]
        print(f"| {name} | " + " | ".join(c[0] for c in cells) + f" | {sum(c[2] for c in cells)} |")
    base = tables["vertex (the default)"]
    same = all(
        (cell(base.get(h, []))[1], len(base.get(h, [])), round(cell(base.get(h, []))[3], 2)) == REPORTED[h]
        for h in halves
        if h in REPORTED
    )
    print(
        "\nThe default's row "
        + (
            "reproduces the suggestion benchmark's figures (within 3x and worst regret, every set)."
            if same
            else f"DIFFERS from the suggestion benchmark's figures {REPORTED}: the dump and the rules disagree."
        )
    )
    print(longer(store, losses, tasks))
    if args.per_run:
        print(f"\n## Every run of the {args.per_run} set: ratio / regret\n")
        print("| task | seed | " + " | ".join(tables) + " |")
        print("|---|---|" + "---|" * len(tables))
        rows = {name: table.get(args.per_run, []) for name, table in tables.items()}
        for i, r in enumerate(rows["vertex (the default)"]):
            texts = []
            for name in tables:
                _, _, ratio, regret, approx = rows[name][i]
                texts.append("-" if ratio is None else f"{ratio:.2f} / {regret:.2f}{'~' if approx else ''}")
            print(f"| {r[0]} | {r[1]} | " + " | ".join(texts) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
