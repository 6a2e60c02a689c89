"""Table (b) of issue 4, item 10: how good are the LR range test's suggestions?

For each task (digits MLP + SGD-momentum, digits MLP + AdamW, small CNN on digits + SGD-momentum):

1. Grid-search the best constant LR for a fixed budget: the same number of optimizer steps for every grid
   point, a log grid of 3 points per decade over 1e-4..2.15, averaged over several seeds. Score: mean final
   validation accuracy, ties broken by mean validation loss. The whole grid curve is printed.
2. Run ``lightning_lr.Tuner(trainer).lr_range_test`` (1e-7..10, 100 steps, exponential) on the same model
   and data (fresh init with the same seed, the same batch order) and read each rule's suggestion
   ("valley", "steepest", "minimum", "slide"); run Lightning's own ``Tuner.lr_find`` the same way (once with
   our range and once with its defaults) and read ``.suggestion()``.
3. Train with each seed's suggestion as the constant LR for the same budget and report the validation
   accuracy, and the ratio suggestion / grid-best.

Goal (issue 4): the default rule is within 3x of the grid-best on every task (ratio in [1/3, 3]). A rule
meets it on a task only if every seed's suggestion does.

Run from the repository root: ``python benchmarks/range_test_quality.py`` (about 5 minutes, one torch thread)
or ``--quick`` (2 seeds, about 2 minutes). ``--dump FILE`` also writes the grid, every seed's raw range-test
curve and every training to FILE; ``--from FILE`` re-scores today's rules on those curves in seconds,
without training (the accuracy column is then blank for LRs the dump never trained). ``--curves`` also prints each task's range-test curve (seed 0)
with where every rule lands; ``--num-steps/--min-lr/--max-lr/--smoothing`` rerun the table with another
sweep (a what-if; the goal is judged on issue 4's defaults). Everything is seeded, so a rerun prints the
same numbers. Nothing is written outside a temporary directory: no Lightning logs, no checkpoints.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import inspect
import io
import json
import logging
import math
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

_HERE = os.path.dirname(os.path.abspath(__file__))
# this checkout's lightning_lr (not whatever copy is installed), and _tasks next to this file
sys.path[:0] = [_HERE, os.path.dirname(_HERE)]

from _tasks import TASKS, Task, make_module, train_constant_lr, train_loader  # noqa: E402
from quality import cli  # noqa: E402

#: constant-LR grid: 3 points per decade, 1e-4 .. 2.15 (everything above diverges on all three tasks)
GRID = tuple(10 ** (k / 3) for k in range(-12, 2))
#: the rules of ``RangeTestResult.suggestion(method=...)``
RULES = ("valley", "steepest", "minimum", "slide")
#: the row of the range test's own answer, ``suggestion()`` (with the confirmation, no sweep rule gives it)
DEFAULT_ROW = "default"
#: the range test every rule reads (issue 4's documented defaults; --num-steps etc. for what-ifs)
RANGE: dict[str, Any] = {"min_lr": 1e-7, "max_lr": 10.0, "num_steps": 100, "mode": "exponential"}
GOAL = 3.0
#: lr_find rows: with our range, and with its own defaults
LIGHTNING_ROWS = ("lr_find (our range)", "lr_find (defaults)")
#: format of a --dump file
DUMP_FORMAT = "range_test_quality/1"
#: a grid point is "near best" when its mean accuracy is within this many points of the best
NEAR_BEST_PTS = 0.5


# --- quiet Lightning -----------------------------------------------------------------------------------


def _quiet() -> None:
    import lightning.pytorch  # noqa: F401  (configures its loggers on import)

    for name in ("lightning", "lightning.pytorch", "lightning.fabric", "lightning_lr"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message=".*does not have many workers.*")
    warnings.filterwarnings("ignore", message=".*GPU available.*")
    warnings.filterwarnings("ignore", message=".*TPU available.*")
    warnings.filterwarnings("ignore", message=".*LeafSpec.*is deprecated.*")


def _trainer(task: Task, root: str) -> Any:
    import lightning.pytorch as pl

    return pl.Trainer(
        accelerator="cpu",
        devices=1,
        max_epochs=task.epochs,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        default_root_dir=root,
    )


# --- the grid ------------------------------------------------------------------------------------------


@dataclass
class GridPoint:
    lr: float
    accs: list[float]
    losses: list[float]

    @property
    def acc(self) -> float:
        return float(np.mean(self.accs))

    @property
    def loss(self) -> float:
        return float(np.mean(self.losses))  # inf if any seed diverged

    @property
    def key(self) -> tuple[float, float]:
        # exact ties of the mean accuracy are common (450 validation images): the lower loss wins
        return (round(self.acc, 9), -self.loss)


class Trainings:
    """Constant-LR trainings, memoized on (task, lr, seed): rules that agree cost one training.

    ``offline=True`` (a ``--from`` dump) never trains: :meth:`get` answers None for an LR not in the memo.
    """

    def __init__(self, offline: bool = False) -> None:
        self.offline = offline
        self._cache: dict[tuple[str, float, int], tuple[float, float]] = {}

    def __call__(self, task: Task, lr: float, seed: int) -> tuple[float, float]:
        got = self.get(task, lr, seed)
        if got is None:
            raise KeyError(f"{task.name} at lr={lr!r}, seed {seed} was not trained in the dump")
        return got

    def get(self, task: Task, lr: float, seed: int) -> tuple[float, float] | None:
        key = (task.name, float(lr), seed)
        if key not in self._cache:
            if self.offline:
                return None
            r = train_constant_lr(task, lr, seed)
            self._cache[key] = (r.val_acc, r.val_loss)
        return self._cache[key]

    def put(self, task_name: str, lr: float, seed: int, value: tuple[float, float]) -> None:
        self._cache[(task_name, float(lr), seed)] = value

    def items(self) -> list[tuple[tuple[str, float, int], tuple[float, float]]]:
        return list(self._cache.items())


def grid_search(task: Task, seeds: Sequence[int], train: Trainings) -> list[GridPoint]:
    points = []
    for lr in GRID:
        runs = [train(task, lr, s) for s in seeds]
        points.append(GridPoint(lr, [a for a, _ in runs], [v for _, v in runs]))
    return points


# --- the suggestions -----------------------------------------------------------------------------------


@dataclass
class Suggestions:
    """One row of the table: a rule's suggestion per seed and the accuracy of training with it."""

    lrs: list[float | None] = field(default_factory=list)
    accs: list[float] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def ratios(self, best: float) -> list[float]:
        return [lr / best for lr in self.lrs if lr is not None]

    def misses(self) -> int:
        return sum(lr is None for lr in self.lrs)


def _range_test_api() -> tuple[Callable[..., Any] | None, str]:
    """``lightning_lr.Tuner`` if the range test is on this branch, else (None, why)."""
    try:
        from lightning_lr import Tuner
    except (ImportError, AttributeError) as err:
        return None, f"lightning_lr.Tuner is not available on this branch ({err})"
    if not hasattr(Tuner, "lr_range_test"):
        return None, "lightning_lr.Tuner has no lr_range_test on this branch"
    return Tuner, ""


def _default_method(always_equal: dict[str, bool]) -> str:
    """The row of ``suggestion()``'s answer: the sweep rule that gave it on every run
    (``lightning_lr.tuner.DEFAULT_METHOD`` when exported, else the one rule that always did), or the
    ``DEFAULT_ROW`` itself (the confirmed answer, which no sweep rule gives)."""
    import lightning_lr.tuner

    named = getattr(lightning_lr.tuner, "DEFAULT_METHOD", None)
    if isinstance(named, str) and always_equal.get(named, False):
        return named
    same = [rule for rule, eq in always_equal.items() if eq]
    return same[0] if len(same) == 1 else DEFAULT_ROW


def _default_smoothing(tuner_cls: Any) -> object:
    if tuner_cls is None:
        return "n/a"
    param = inspect.signature(tuner_cls.lr_range_test).parameters.get("smoothing")
    return "default" if param is None else param.default


def _suggest(call: Callable[[], float | None]) -> tuple[float | None, str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = call()
    if value is not None and not (math.isfinite(value) and value > 0):
        return None, f"returned {value!r}"
    reason = "; ".join(str(w.message) for w in caught) if value is None else ""
    return value, reason


def range_test(
    tuner_cls: Any, task: Task, seed: int, root: str, sweep: dict[str, Any]
) -> tuple[dict[str, tuple[float | None, str]], Any]:
    """Our range test on a fresh module (seeded): every rule's suggestion, and the result itself."""
    torch.manual_seed(seed)
    model = make_module(task, seed)
    trainer = _trainer(task, root)
    result = tuner_cls(trainer).lr_range_test(model, train_dataloaders=train_loader(task, seed), **sweep)
    out = {rule: _suggest(functools.partial(result.suggestion, method=rule)) for rule in RULES}
    out[DEFAULT_ROW] = _suggest(result.suggestion)
    return out, result


def lightning_lr_find(
    task: Task, seed: int, root: str, same_range: bool, sweep: dict[str, Any]
) -> tuple[float | None, str, Any]:
    """Lightning's ``Tuner.lr_find(...).suggestion()`` on a fresh module (seeded)."""
    from lightning.pytorch.tuner import Tuner

    model = make_module(task, seed)
    trainer = _trainer(task, root)
    kwargs: dict[str, Any] = {"update_attr": False}
    if same_range:
        kwargs.update(min_lr=sweep["min_lr"], max_lr=sweep["max_lr"], num_training=sweep["num_steps"])
    with contextlib.redirect_stderr(
        io.StringIO()
    ):  # lr_find draws its own tqdm bar, whatever the Trainer says
        finder = Tuner(trainer).lr_find(model, train_dataloaders=train_loader(task, seed), **kwargs)
    if finder is None:  # Lightning returns None when it skips the search (fast_dev_run)
        return None, "lr_find returned no finder", None
    value, reason = _suggest(finder.suggestion)
    return value, reason, finder


# --- printing ------------------------------------------------------------------------------------------


def _e(x: float | None) -> str:
    return "None" if x is None else f"{x:.2e}"


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%" if math.isfinite(x) else "   -  "  # nan: not trained (a --from re-score)


def _delta(acc: float, best: float) -> str:
    return f"{100 * (acc - best):+5.1f}" if math.isfinite(acc) else "    -"


def _r(x: float) -> str:
    """A ratio, readable from 1e-5 to 1e5 in 6 characters."""
    return f"{x:6.2f}" if 0.01 <= x < 1000 else f"{x:6.0e}"


def _gmean(xs: Sequence[float]) -> float:
    return float(np.exp(np.mean(np.log(xs)))) if xs else math.nan


def _x_off(ratios: Sequence[float]) -> float:
    """Geometric mean of max(r, 1/r): how many times off, on average, in either direction."""
    return float(np.exp(np.mean(np.abs(np.log(ratios))))) if ratios else math.inf


def print_grid(task: Task, points: list[GridPoint], best: GridPoint) -> None:
    near = [p.lr for p in points if p.acc >= best.acc - NEAR_BEST_PTS / 100]
    print("  constant LR      val acc (mean, min..max over seeds)   val loss")
    for p in points:
        bar = "#" * max(0, round((p.acc - 0.5) * 60)) if p.acc > 0.5 else ""
        mark = "  <- best" if p is best else ""
        loss = "diverged" if not math.isfinite(p.loss) else f"{p.loss:8.4f}"
        print(
            f"  {p.lr:9.2e}   {_pct(p.acc)} ({_pct(min(p.accs))}..{_pct(max(p.accs))})  {loss:>8}"
            f"  {bar:<30}{mark}"
        )
    print(
        f"  grid-best {best.lr:.2e}: {_pct(best.acc)}; within {NEAR_BEST_PTS} pt of it: "
        f"{min(near):.2e} .. {max(near):.2e} ({max(near) / min(near):.0f}x wide)"
    )


def print_rows(rows: dict[str, Suggestions], best: GridPoint, default: str | None) -> None:
    print(
        "  rule                suggested LR: gmean  (min .. max over seeds)   ratio  (min .. max)   "
        "val acc   Δ best   within 3x"
    )
    for name, s in rows.items():
        label = name + (" *" if name == default else "")
        ok = [lr for lr in s.lrs if lr is not None]
        if not ok:
            reason = s.reasons[0] if s.reasons else ""
            print(f"  {label:<18}  no suggestion on any seed: {reason[:80]}")
            continue
        r = s.ratios(best.lr)
        hits = sum(1 / GOAL <= x <= GOAL for x in r)
        acc = float(np.mean(s.accs)) if s.accs else math.nan
        none = f" +{s.misses()} None" if s.misses() else ""
        print(
            f"  {label:<18}  {_e(_gmean(ok)):>9}  ({_e(min(ok))} .. {_e(max(ok))})   "
            f"{_r(_gmean(r))} ({_r(min(r))} .. {_r(max(r))})   {_pct(acc)}  {_delta(acc, best.acc)}"
            f"   {hits}/{len(s.lrs)} seeds{none}"
        )


def print_curve(result: Any, finder: Any, picks: dict[str, float | None], best_lr: float) -> None:
    lrs = np.asarray(result.lrs)
    raw = np.asarray(result.losses)
    smooth = np.asarray(result.smoothed)
    lf = finder.results if finder is not None else {"lr": [], "loss": []}
    marks: dict[int, list[str]] = {int(np.argmin(np.abs(np.log(lrs) - math.log(best_lr)))): ["GRID-BEST"]}
    for name, lr in picks.items():
        if lr is not None:
            lookup = lr * 10 if name == "minimum" else lr  # minimum suggests a tenth of its point
            i = int(np.argmin(np.abs(np.log(lrs) - math.log(lookup))))
            marks.setdefault(i, []).append(name)
    try:  # the curve the rules read (this branch's rules), beside the EMA users see
        from lightning_lr.tuner._rules import zero_lag

        rule_curve = zero_lag(list(lrs), list(raw))
    except ImportError:
        rule_curve = np.full(len(lrs), np.nan)
    stop = getattr(result, "stop_reason", "?")
    print(
        f"  range-test curve, seed 0 ({len(lrs)} steps, stop: {stop}); the zero-lag curve the rules read and "
        "lr_find's smoothed loss beside it"
    )
    print("   step        lr   raw loss   smoothed   zero-lag   lr_find")
    for i in range(len(lrs)):
        if i % 4 and i not in marks and i != len(lrs) - 1:
            continue
        lfl = f"{lf['loss'][i]:9.4f}" if i < len(lf["loss"]) else "        -"
        tag = ("  <- " + ", ".join(marks[i])) if i in marks else ""
        print(f"  {i:5d}  {lrs[i]:9.2e}  {raw[i]:9.4f}  {smooth[i]:9.4f}  {rule_curve[i]:9.4f}  {lfl}{tag}")


# --- collecting (live or from a dump) and scoring ----------------------------------------------------


@dataclass
class SeedRun:
    """One seed's range test (None when the range test is not on this branch) and lr_find's answers."""

    seed: int
    result: Any
    lightning: dict[str, tuple[float | None, str]]
    finder: Any = None  # lr_find with our range (live runs only; for --curves)


@dataclass
class TaskRuns:
    points: list[GridPoint]
    seeds: list[SeedRun]

    @property
    def best(self) -> GridPoint:
        return max(self.points, key=lambda p: p.key)


def collect_live(
    task: Task, seeds: Sequence[int], train: Trainings, root: str, sweep: dict[str, Any], tuner_cls: Any
) -> TaskRuns:
    """Train the grid and run both range tests on every seed."""
    points = grid_search(task, seeds, train)
    runs = []
    for seed in seeds:
        result = None
        if tuner_cls is not None:
            _, result = range_test(tuner_cls, task, seed, root, sweep)
        lightning: dict[str, tuple[float | None, str]] = {}
        finder_same = None
        for name, same in zip(LIGHTNING_ROWS, (True, False), strict=True):
            lr, why, finder = lightning_lr_find(task, seed, root, same, sweep)
            lightning[name] = (lr, why)
            if same:
                finder_same = finder
        runs.append(SeedRun(seed, result, lightning, finder_same))
    return TaskRuns(points, runs)


def score(
    task: Task, runs: TaskRuns, train: Trainings, always_equal: dict[str, bool], smoothing: float | None
) -> dict[str, Suggestions]:
    """Every rule's (and lr_find's) suggestion per seed, and the accuracy of training with it.

    ``train`` is a live or an offline (dumped) memo; offline, an LR that was never trained has no accuracy.
    ``smoothing`` re-smooths a dumped curve (what-if; the raw losses are kept, so this is exact).
    """
    rows: dict[str, Suggestions] = {name: Suggestions() for name in (DEFAULT_ROW, *RULES, *LIGHTNING_ROWS)}
    for run in runs.seeds:
        result = run.result
        if result is not None:
            if smoothing is not None and smoothing != result.smoothing:
                result = result.with_smoothing(smoothing)
            default = _suggest(result.suggestion)
            rows[DEFAULT_ROW].lrs.append(default[0])
            rows[DEFAULT_ROW].reasons.append(default[1])
            for rule in RULES:
                lr, why = _suggest(functools.partial(result.suggestion, method=rule))
                always_equal[rule] = always_equal.get(rule, True) and lr == default[0]
                rows[rule].lrs.append(lr)
                rows[rule].reasons.append(why)
        for name in LIGHTNING_ROWS:
            lr, why = run.lightning[name]
            rows[name].lrs.append(lr)
            rows[name].reasons.append(why)
        for row in rows.values():
            if len(row.lrs) == run.seed + 1 and row.lrs[-1] is not None:
                acc = train.get(task, row.lrs[-1], run.seed)
                row.accs.append(math.nan if acc is None else acc[0])
    return rows


def write_dump(
    path: str, sweep: dict[str, Any], seeds: Sequence[int], data: dict[str, TaskRuns], train: Trainings
) -> None:
    """Everything the table needs to be re-scored without training: the grid, each seed's raw curve and
    lr_find's answers, and every constant-LR training that ran (so unchanged suggestions keep their
    accuracy)."""
    out = {
        "format": DUMP_FORMAT,
        "sweep": sweep,
        "seeds": list(seeds),
        "tasks": {
            name: {
                "grid": [
                    {"lr": p.lr, "accs": p.accs, "losses": [_jf(v) for v in p.losses]} for p in r.points
                ],
                "seeds": [
                    {
                        "seed": s.seed,
                        "range_test": None if s.result is None else s.result.to_dict(),
                        "lightning": {k: list(v) for k, v in s.lightning.items()},
                    }
                    for s in r.seeds
                ],
            }
            for name, r in data.items()
        },
        "trainings": [[t, lr, seed, acc, _jf(loss)] for (t, lr, seed), (acc, loss) in train.items()],
    }
    with open(path, "w") as f:
        json.dump(out, f)


def read_dump(data: dict[str, Any]) -> tuple[dict[str, Any], list[int], dict[str, TaskRuns], Trainings]:
    """A dump (:func:`quality.cli.read_dump`) as the run it stores."""
    from lightning_lr import RangeTestResult

    train = Trainings(offline=True)
    for t, lr, seed, acc, loss in data["trainings"]:
        train.put(t, lr, seed, (acc, float(loss)))
    tasks: dict[str, TaskRuns] = {}
    for name, r in data["tasks"].items():
        points = [GridPoint(p["lr"], p["accs"], [float(v) for v in p["losses"]]) for p in r["grid"]]
        runs = [
            SeedRun(
                s["seed"],
                None if s["range_test"] is None else RangeTestResult.from_dict(s["range_test"]),
                {k: (v[0], v[1]) for k, v in s["lightning"].items()},
            )
            for s in r["seeds"]
        ]
        tasks[name] = TaskRuns(points, runs)
    return data["sweep"], data["seeds"], tasks, train


def _jf(x: float) -> float | str:
    return x if math.isfinite(x) else ("Infinity" if x > 0 else ("-Infinity" if x < 0 else "NaN"))


# --- main ----------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 seeds instead of 5 (about 2 minutes)")
    parser.add_argument(
        "--seeds", type=cli.at_least_one, default=None, help="number of seeds (default 5, --quick 2)"
    )
    parser.add_argument("--curves", action="store_true", help="print each task's range-test curve (seed 0)")
    cli.add_dump_options(
        parser,
        dump="also write the grid, every raw range-test curve and training to FILE",
        from_="re-score the rules on a --dump FILE in seconds, without training (the sweep is the dump's; "
        "val acc only where that LR was trained in the dump)",
    )
    what_if = parser.add_argument_group("what-if: another sweep than issue 4's defaults (both range tests)")
    what_if.add_argument("--num-steps", type=int, help=f"default {RANGE['num_steps']}")
    what_if.add_argument("--min-lr", type=float, help=f"default {RANGE['min_lr']:g}")
    what_if.add_argument("--max-lr", type=float, help=f"default {RANGE['max_lr']:g}")
    what_if.add_argument(
        "--smoothing",
        type=float,
        default=None,
        help="our range test only (lr_find: 0.98); with --from, re-smooths the dumped raw losses",
    )
    args = parser.parse_args(argv)
    cli.check_dump_options(
        parser,
        args,
        quick=args.quick,
        seeds=args.seeds,
        num_steps=args.num_steps,
        min_lr=args.min_lr,
        max_lr=args.max_lr,
    )
    sweep: dict[str, Any] = {
        **RANGE,
        "num_steps": RANGE["num_steps"] if args.num_steps is None else args.num_steps,
        "min_lr": RANGE["min_lr"] if args.min_lr is None else args.min_lr,
        "max_lr": RANGE["max_lr"] if args.max_lr is None else args.max_lr,
    }
    if args.smoothing is not None:
        sweep["smoothing"] = args.smoothing
    n_seeds = args.seeds if args.seeds is not None else (2 if args.quick else 5)
    seeds = list(range(n_seeds))

    _quiet()
    # one thread: tiny models gain nothing from two, and on a busy machine OpenMP's spin-waiting made a
    # 1-second CNN run take a minute; it also pins the float reduction order (same numbers everywhere)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    tuner_cls, missing = _range_test_api()
    start, cpu_start = time.perf_counter(), time.process_time()

    loaded: dict[str, TaskRuns] | None = None
    data = cli.read_dump(parser, args, DUMP_FORMAT, ("trainings", "tasks", "sweep", "seeds"))
    if data is not None:
        dumped_sweep, seeds, loaded, train = read_dump(data)
        sweep = {**dumped_sweep, **({"smoothing": args.smoothing} if args.smoothing is not None else {})}
        n_seeds = len(seeds)
    else:
        train = Trainings()

    t0 = TASKS[0]
    print("Table (b): LR range test suggestion quality (issue 4, item 10)")
    if args.from_:
        print(f"RE-SCORED from {args.from_}: the dumped curves, today's rules; nothing was trained")
    print(
        f"budget: {t0.epochs} epochs x {t0.steps_per_epoch} steps = {t0.steps} optimizer steps, batch "
        f"{t0.batch_size}, constant LR; digits 1347 train / 450 val; {n_seeds} seeds; torch "
        f"{torch.__version__}, {torch.get_num_threads()} threads"
    )
    print(
        f"grid: {len(GRID)} LRs {GRID[0]:.0e}..{GRID[-1]:.2f}, 3 per decade; range test: "
        f"{sweep['min_lr']:.0e}..{sweep['max_lr']:g}, {sweep['num_steps']} steps, {sweep['mode']}, "
        f"smoothing {sweep.get('smoothing', _default_smoothing(tuner_cls))}; lr_find (defaults) = 1e-08..1, 100 steps"
    )
    if {k: v for k, v in sweep.items() if k != "smoothing"} != RANGE or sweep.get("smoothing") not in (
        None,
        _default_smoothing(tuner_cls),
    ):
        print("WHAT-IF: this sweep is not issue 4's default (1e-07..10, 100 steps, default smoothing)")
    import lightning_lr

    print(f"lightning_lr {lightning_lr.__version__} from {os.path.dirname(lightning_lr.__file__)}")
    if tuner_cls is None:
        print(f"NOTE: {missing}; the range-test rows are empty until it lands on main.")

    summary: dict[str, dict[str, tuple[Suggestions, GridPoint]]] = {}
    always_equal: dict[str, bool] = {}
    collected: dict[str, TaskRuns] = {}
    resmooth = args.smoothing if args.from_ else None
    with tempfile.TemporaryDirectory(prefix="range_test_quality_") as root:
        for task in TASKS:
            print(f"\n== {task.name}: {task.recipe} ==")
            if loaded is not None:
                if task.name not in loaded:
                    print("  not in the dump")
                    continue
                runs = loaded[task.name]
            else:
                runs = collect_live(task, seeds, train, root, sweep, tuner_cls)
            collected[task.name] = runs
            best = runs.best
            print_grid(task, runs.points, best)
            task_equal: dict[str, bool] = {}
            rows = score(task, runs, train, task_equal, resmooth)
            for rule, eq in task_equal.items():
                always_equal[rule] = always_equal.get(rule, True) and eq
            default = _default_method(always_equal) if always_equal else None
            print(f"  suggestions over {n_seeds} seeds (* = default rule; ratio = suggestion / grid-best)")
            print_rows({k: v for k, v in rows.items() if v.lrs}, best, default)
            if args.curves and runs.seeds and runs.seeds[0].result is not None:
                s0 = runs.seeds[0]
                result = s0.result if resmooth is None else s0.result.with_smoothing(resmooth)
                print_curve(result, s0.finder, {rule: rows[rule].lrs[0] for rule in RULES}, best.lr)
            summary[task.name] = {k: (v, best) for k, v in rows.items() if v.lrs}

        leftovers = os.listdir(root)
    if args.dump:
        write_dump(args.dump, sweep, seeds, collected, train)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start

    default = _default_method(always_equal) if always_equal else None
    print_summary(summary, default)
    print(
        f"\nwall time {wall:.0f} s (CPU {cpu:.0f} s); temp dir held {len(leftovers)} entries at the end (removed)"
        + (f"; dumped to {args.dump}" if args.dump else "")
    )
    return 0


def print_summary(summary: dict[str, dict[str, tuple[Suggestions, GridPoint]]], default: str | None) -> None:
    tasks = list(summary)
    names = list(dict.fromkeys(n for t in tasks for n in summary[t]))
    print("\nSummary: suggestion / grid-best, gmean over seeds [worst seed], val acc at the suggestion")
    header = f"  {'':<20}" + "".join(f"  {t:<26}" for t in tasks) + "  gmean ratio  x-off   goal"
    print(header)
    line = f"  {'grid-best LR':<20}"
    for t in tasks:
        best = next(iter(summary[t].values()))[1]
        line += f"  {_e(best.lr):>9} {_pct(best.acc):<16}"
    print(line)
    meets = []
    for name in names:
        line = f"  {name + (' *' if name == default else ''):<20}"
        all_r: list[float] = []
        ok_all = True
        for t in tasks:
            if name not in summary[t]:
                line += f"  {'-':<26}"
                ok_all = False
                continue
            s, best = summary[t][name]
            r = s.ratios(best.lr)
            all_r += r
            if not r:
                line += f"  {'None':<26}"
                ok_all = False
                continue
            worst = max(r, key=lambda x: abs(math.log(x)))
            hit = s.misses() == 0 and all(1 / GOAL <= x <= GOAL for x in r)
            ok_all &= hit
            acc = _pct(float(np.mean(s.accs))) if s.accs else "  -  "
            cell = f"{_r(_gmean(r))} [{_r(worst)}] {acc}{'' if hit else '!'}"
            line += f"  {cell:<26}"
        line += f"     {_r(_gmean(all_r))}  {_r(_x_off(all_r))}   {'yes' if ok_all else 'no'}"
        print(line)
        if ok_all:
            meets.append(name)
    print(
        f"\n  goal: the default rule's suggestion within {GOAL:g}x of the grid-best (ratio in "
        f"[{1 / GOAL:.2f}, {GOAL:g}]) on every task and every seed; '!' marks a miss"
    )
    print("  x-off: geometric mean of max(ratio, 1/ratio) over all tasks and seeds (1.00 = always grid-best)")
    if default is None:
        print("  default rule: unknown (range test not on this branch)")
    elif default == DEFAULT_ROW:
        print(
            f"  default: the answer of suggestion() (the confirmed LR, not a sweep rule); goal "
            f"{'MET' if default in meets else 'NOT met'}. Its broad benchmark: benchmarks/range_test_suggestion.py"
        )
    else:
        print(f"  default rule: {default}; goal {'MET' if default in meets else 'NOT met'}")
    print(f"  rules meeting the goal on every task: {', '.join(meets) if meets else 'none'}")


if __name__ == "__main__":
    raise SystemExit(main())
