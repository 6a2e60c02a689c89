"""Which momentum should the range test hold while a 1cycle schedule cycles it? Measured, not assumed.

With a ``OneCycle`` (or ``Cyclic``) callback attached, the schedule sets the optimizer's momentum (SGD's
``momentum``, Adam's ``betas[0]``) to its cycle's start, 0.95, as soon as it is built, and the fit then
trains at momenta from 0.95 down to 0.85 (at the LR peak) and back. The range test holds one momentum for
its sweep and its candidates (``lightning_lr/tuner/_cycle_momentum.py``); this script compares five
choices of it, each scored by ``result.one_cycle_max_lr()`` against the grid-best 1cycle max_lr:

- ``mean``: the cycle's mean momentum over the run (0.90 for 1cycle's defaults): the package's behaviour;
- ``peak``: the cycle's momentum at its LR peak, ``base_momentum`` (0.85: the lowest);
- ``own``: the optimizer's own momentum as it was constructed (``optimizer.defaults``; as with
  ``cycle_momentum=False``);
- ``start``: the cycle's start, ``max_momentum`` (0.95): what the test held before it held the mean (a
  reference: the schedule's momentum when the test begins);
- ``low``: ``own`` for an optimizer constructed with momentum 0.5 (SGD-momentum, Nesterov) or beta1 0.5
  (Adam, AdamW, NAdam). Every recipe here builds its optimizer at 0.9, 2e-4 from the cycle's mean, so
  ``own`` and ``mean`` hold the same momentum and cannot show whether holding the cycle's mean matters;
  ``low`` holds what ``own`` would for an optimizer built far from it (the fit is unchanged: the
  ``OneCycle`` overrides the optimizer's momentum with its 0.95..0.85 cycle, so the grid's truth holds).
  0.5 in both families, not 0.7 for beta1: one distance from the cycle's mean (0.4) for both, and a value
  optimizers really are built with (SGD's classic early momentum, as in PyTorch's MNIST example; Adam's
  beta1 in DCGAN and the GAN recipes after it). For SGD the effective step ``lr / (1 - momentum)`` is 2x
  the LR at 0.5 against 10x at 0.9, so an answer that followed it would be up to 5x too high for the
  cycle; Adam's step does not scale with beta1, which changes only how many steps it averages, and 0.7
  would shrink that smaller effect further.

Tasks: those of the suggestion benchmark (``benchmarks/quality/tasks.py``) whose optimizer has a momentum or
a beta1 that 1cycle cycles (SGD-momentum, Nesterov, Adam, AdamW, NAdam; their RMSprop has momentum 0, left
alone by the callback): 10 of the tuning half, 7 of the validation half, and the 5 + 5 of its held-out
third and fourth rounds (judged only). The policy is chosen on the tuning half alone.

Each run: ``Tuner(trainer).lr_range_test(model, loader, apply=False)`` at its defaults (100 steps over
1e-7..10, the confirmation stage) on a ``Trainer(max_steps=task budget, callbacks=[OneCycle()])``, sweep
seeds 0, 1, 2 (the suggestion benchmark's seeds: the same initial weights and batches). The policy is set
by patching two private functions of ``lightning_lr.tuner._cycle_momentum`` for the duration of the run
(``_mean``: what a schedule's value over the run is; ``cycle_mean_momentum``: for ``own`` and ``low``); the
package is not changed. The momentum each run really held is read back from ``result.momentums``.

Ground truth: the 1cycle grid of the suggestion benchmark (``benchmarks/results/suggestion.json``): torch's
``OneCycleLR`` at the task's budget with its default momentum cycle 0.85..0.95 (beta1 for the Adam
family), 3 max_lr per decade up to divergence, 4 grid seeds, scored by the final training loss. The
regret is that of training 1cycle at the answer (the nearest of 12 max_lr per decade, the 4 grid seeds)
over the grid-best loss; points the suggestion benchmark did not train are trained here. The dump holds
the grid's trainings it used, so ``--from`` needs nothing else.

    python benchmarks/range_test_momentum.py --dump benchmarks/results/momentum.json   # ~11 min, 1 core
    python benchmarks/range_test_momentum.py --from benchmarks/results/momentum.json   # seconds
    python benchmarks/range_test_momentum.py --quick                                   # smoke run
    python benchmarks/range_test_momentum.py --resume F --dump F                       # add what F lacks

``--resume FILE`` loads FILE over the suggestion benchmark's dump and runs only what it lacks (a policy
added since: ``low`` was added this way, 3 min on one core), dumping back to ``--dump``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import itertools
import json
import math
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [_HERE, os.path.dirname(_HERE)]  # benchmarks/ (quality) and this checkout's lightning_lr

import numpy as np  # noqa: E402
import torch  # noqa: E402
from quality import cli  # noqa: E402
from quality.collect import GRID_SEEDS, Grid, TaskData, _rounded, grid, redecide  # noqa: E402
from quality.report import _f, method_table, per_task_table, score_method, split_half_regret  # noqa: E402
from quality.store import Store, lattice_index, lattice_lr  # noqa: E402
from quality.sweeps import Module, _loader, quiet  # noqa: E402
from quality.tasks import HALVES, SPLIT, TASKS, Task, has_momentum  # noqa: E402

SUGGESTION = os.path.join(_HERE, "results", "suggestion.json")
FORMAT = "range_test_momentum/1"
SEEDS = (0, 1, 2)
#: the held momentum policies, in the order they are reported; the first is the package's
POLICIES: dict[str, str] = {
    "mean": "the cycle's mean over the run (today)",
    "peak": "the cycle's momentum at its LR peak (base_momentum)",
    "own": "the optimizer's own momentum (as with cycle_momentum=False)",
    "start": "the cycle's start (max_momentum; before d705b10)",
    "low": "the optimizer's own momentum had it been built with 0.5 (SGD momentum and Adam beta1)",
}
#: the momentum (SGD) or beta1 (Adam family) of the ``low`` policy's optimizer (see the module's docstring)
LOW = 0.5
#: the suggestion benchmark's default sweep key (the real test without a schedule: the optimizer's momentum)
REFERENCE = "confirm|100|1e-07|10"


def method(policy: str) -> str:
    return f"one_cycle_max_lr ({policy})"


@contextlib.contextmanager
def held(policy: str) -> Iterator[None]:
    """Inside, the range test holds ``policy``'s momentum wherever a schedule cycles it: ``mean`` is the
    package's own rule; the others replace what the rule computes, each group's value (``peak``: the
    lowest value of the group's momentum schedule over the run, which 1cycle reaches at its LR peak;
    ``start``: its first value; ``own``: the momentum the optimizer was constructed with; ``low``: ``LOW``,
    as ``own`` would hold for an optimizer constructed with it)."""
    from lightning_lr.tuner import _cycle_momentum as cm

    if policy == "mean":
        yield
        return
    mean_of, cycle_of = cm._mean, cm.cycle_mean_momentum

    def value(schedule: Any, run: int | None) -> float | None:
        n = run if run is not None else schedule.natural_length(None)
        if not isinstance(n, int) or n <= 0:
            return None
        values = np.asarray(schedule.values(n), dtype=float)
        return float(values.min() if policy == "peak" else values[0])

    def own(trainer: Any, optimizer: torch.optim.Optimizer) -> tuple[float | None, ...] | None:
        got = cycle_of(trainer, optimizer)
        if got is None:
            return None
        d = optimizer.defaults
        mine = LOW if policy == "low" else float(d["momentum"]) if "momentum" in d else float(d["betas"][0])
        return tuple(None if m is None else mine for m in got)

    if policy in ("peak", "start"):
        cm._mean = value
    elif policy in ("own", "low"):
        cm.cycle_mean_momentum = own
    else:
        raise ValueError(f"unknown policy {policy!r}")
    try:
        yield
    finally:
        cm._mean, cm.cycle_mean_momentum = mean_of, cycle_of


def run_test(task: Task, seed: int, root: str, policy: str) -> dict[str, Any]:
    """The real range test at its defaults with ``OneCycle()`` attached, under ``policy``: its result as a
    dict, the wall time, and the momentum the sweep held."""
    import lightning.pytorch as pl

    from lightning_lr import Tuner
    from lightning_lr.callbacks import OneCycle
    from lightning_lr.tuner._options import RETRY_FACTOR, LROptions

    trainer = pl.Trainer(
        accelerator="cpu",
        devices=1,
        max_steps=task.steps,  # the cycle's run: the task's budget, as the 1cycle grid's
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        default_root_dir=root,
        callbacks=[OneCycle()],
    )
    loader = _loader(task, seed, max(RETRY_FACTOR * 100, LROptions().confirm_steps))
    start = time.perf_counter()
    with warnings.catch_warnings(), held(policy):
        warnings.simplefilter("ignore")
        r = Tuner(trainer).lr_range_test(Module(task, seed), train_dataloaders=loader, apply=False)
    seconds = time.perf_counter() - start
    assert r is not None
    return {"result": _rounded(r.to_dict()), "seconds": seconds, "momentum": r.momentums[0]}


def one_cycle(d: dict[str, Any]) -> tuple[float | None, float]:
    """A stored run's ``one_cycle_max_lr()`` (decided by the current rules, as the suggestion benchmark
    does) and its cost in optimizer steps."""
    from lightning_lr import RangeTestResult

    r = redecide(RangeTestResult.from_dict(d["result"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return r.one_cycle_max_lr(), float(r.cost)


def collect(store: Store, task: Task, seeds: Sequence[int], root: str, policies: Sequence[str]) -> TaskData:
    data = TaskData(task, Grid(), grid(store, task, "onecycle"))
    secs = [v for k, v in store.trainings.items() if k.startswith(f"{task.name}|onecycle|")]
    data.plain_step_seconds = sum(v[3] for v in secs) / max(1, sum(v[4] for v in secs))
    for policy in policies:
        m = method(policy)
        data.lrs[m], data.steps[m], data.seconds[m] = [], [], []
        for seed in seeds:
            d = store.memo(
                store.sweeps,
                f"{task.name}|{policy}|{seed}",
                functools.partial(run_test, task, seed, root, policy),
            )
            lr, cost = (None, math.nan) if d is None else one_cycle(d)
            data.lrs[m].append(lr)
            data.steps[m].append(cost)
            data.seconds[m].append(math.nan if d is None else float(d["seconds"]))
            if lr is not None and not store.offline:  # the regret's trainings: 1cycle at the answer
                for s in GRID_SEEDS:
                    store.training(task, "onecycle", lattice_index(lr), s)
    return data


def reference(store: Store, task: Task, seeds: Sequence[int]) -> list[float | None] | None:
    """The suggestion benchmark's ``one_cycle_max_lr (confirm)`` per seed (the same test without a schedule,
    at the optimizer's momentum), or None when its dump lacks the task."""
    got: list[float | None] = []
    for seed in seeds:
        d = store.sweeps.get(f"{task.name}|{REFERENCE}|{seed}")
        if d is None:
            return None
        got.append(one_cycle(d)[0])
    return got


def dump(path: str, store: Store, tasks: Sequence[Task], refs: dict[str, Any]) -> None:
    runs = {k: v for k, v in store.sweeps.items() if k.split("|")[1] in POLICIES}
    names = {t.name for t in tasks} | {k.split("|")[0] for k in runs}  # (--resume of fewer tasks keeps all)
    out = {
        "format": FORMAT,
        # the 1cycle grid (and the answers' points) of these tasks, so that --from needs nothing else
        "trainings": {
            k: [x if math.isfinite(x) else ("Infinity" if x > 0 else "NaN") for x in v]
            for k, v in store.trainings.items()
            if k.split("|")[0] in names and k.split("|")[1] == "onecycle"
        },
        "runs": runs,
        "reference": refs,
    }
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    os.replace(tmp, path)


def load(data: dict[str, Any], store: Store) -> dict[str, Any]:
    """Load a dump (:func:`quality.cli.read_dump`) into ``store`` (over what it holds: ``--resume`` loads it over
    the suggestion benchmark's dump) and return its references."""
    store.trainings.update({k: [float(x) for x in v] for k, v in data["trainings"].items()})
    store.sweeps.update(data["runs"])
    return dict(data["reference"])


def grid_table(store: Store, datas: Sequence[TaskData]) -> str:
    lines = [
        "| task | optimizer | steps x batch | 1cycle grid max_lr | best 1cycle max_lr (train loss) | "
        "best train / val loss | split-half regret (1cycle) |",
        "|" + "---|" * 7,
    ]
    for d in datas:
        g = d.onecycle
        lines.append(
            f"| {d.task.name} | {d.task.optimizer} | {d.task.steps} x {d.task.batch_size} | "
            f"{lattice_lr(min(g.train)):.0e}..{lattice_lr(max(g.train)):.0e} ({len(g.train)}) | "
            f"{lattice_lr(g.best_k):.3g} | {g.train[g.best_k]:.4f} / {g.val[g.best_val_k]:.4f} | "
            f"{_f(split_half_regret(store, d, 'onecycle'))} |"
        )
    return "\n".join(lines)


def held_line(store: Store, datas: Sequence[TaskData], policies: Sequence[str]) -> str:
    """The momentum each policy's sweeps really held (``result.momentums[0]``), by optimizer family."""
    parts = []
    for p in policies:
        by: dict[str, list[float]] = {}
        for d in datas:
            fam = "SGD" if d.task.optimizer in ("sgd-momentum", "nesterov") else "Adam beta1"
            for s in SEEDS:
                run = store.sweeps.get(f"{d.task.name}|{p}|{s}")
                if run is not None and run["momentum"] is not None:
                    by.setdefault(fam, []).append(float(run["momentum"]))
        cells = [f"{fam} {min(v):.4f}..{max(v):.4f}" for fam, v in sorted(by.items())]
        parts.append(f"{p}: {', '.join(cells)}")
    return "held momentum (sweep step 0, min..max over runs): " + "; ".join(parts)


def _key(store: Store, datas: Sequence[TaskData], p: str) -> tuple[float, float, float]:
    """The ranking of a policy on a set: most runs within 3x, then the lowest median training-loss regret,
    then the median ratio closest to 1 (in decades)."""
    r = score_method(store, datas, method(p))
    med = float(np.median(r.ratios)) if r.ratios else math.inf
    reg = float(np.median(r.regret_train)) if r.regret_train else math.inf
    return (-r.within3, reg, abs(math.log10(med)) if 0 < med < math.inf else math.inf)


FAMILIES = {
    "SGD-momentum / Nesterov": ("sgd-momentum", "nesterov"),
    "Adam / AdamW / NAdam": ("adam", "adamw", "nadam"),
}


def family_table(store: Store, datas: Sequence[TaskData], policies: Sequence[str]) -> str:
    """Per optimizer family and policy: runs within 3x, the median ratio, the median training regret."""
    lines = [
        "| policy | " + " | ".join(f"{f}: within 3x, median ratio, regret med" for f in FAMILIES) + " |",
        "|" + "---|" * (len(FAMILIES) + 1),
    ]
    for p in policies:
        cells = []
        for opts in FAMILIES.values():
            fd = [d for d in datas if d.task.optimizer in opts]
            r = score_method(store, fd, method(p))
            if not r.runs:
                cells.append("-")
                continue
            med = _f(float(np.median(r.ratios))) if r.ratios else "-"
            reg = _f(float(np.median(r.regret_train))) if r.regret_train else "-"
            cells.append(f"{r.within3}/{r.runs}, {med}, {reg}")
        lines.append(f"| `{p}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def noise_line(datas: Sequence[TaskData]) -> str:
    """How much the answer moves when the held momentum barely does: ``mean`` against ``own``, whose momenta
    differ by a few 1e-4 on these recipes (0.9 against the 1cycle mean over the run)."""
    a, b = datas[0].lrs.get(method("mean")), datas[0].lrs.get(method("own"))
    if a is None or b is None:
        return ""
    moved = total = 0
    worst = 1.0
    for d in datas:
        for x, y in zip(d.lrs[method("mean")], d.lrs[method("own")], strict=True):
            total += 1
            if x is None or y is None:
                moved += (x is None) != (y is None)
                continue
            f = max(x / y, y / x)
            worst = max(worst, f)
            moved += f > 1.1
    return (
        f"the answer's own noise: `mean` and `own` hold momenta a few 1e-4 apart, yet their answers differ by "
        f"more than 10% on {moved}/{total} runs (at most {worst:.2f}x)"
    )


def order_text(store: Store, datas: Sequence[TaskData], order: Sequence[str]) -> str:
    """``order`` joined by ``>``, or ``=`` where two neighbours tie on runs within 3x and median regret."""
    out = f"`{order[0]}`"
    for prev, p in itertools.pairwise(order):
        tie = _key(store, datas, prev)[:2] == _key(store, datas, p)[:2]
        out += f" {'=' if tie else '>'} `{p}`"
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="2 tasks (SGD-momentum, Adam), 1 seed (smoke run)"
    )
    parser.add_argument("--tasks", help="comma-separated task names (default: every task with a momentum)")
    parser.add_argument(
        "--half",
        choices=(*HALVES, "all"),
        default="all",
        help="the tasks of one set only (default: every set)",
    )
    parser.add_argument("--suggestion", default=SUGGESTION, help="the suggestion benchmark's dump (the grid)")
    cli.add_dump_options(parser, dump="write the runs and the grid's trainings to FILE", resume=True)
    args = parser.parse_args(argv)
    cli.check_dump_options(parser, args)
    if not args.from_:
        cli.existing(parser, "--suggestion", args.suggestion)

    quiet()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    store = Store(offline=bool(args.from_))
    data = cli.read_dump(parser, args, FORMAT, ("trainings", "runs", "reference"))
    if not args.from_:
        store.load(args.suggestion)
    refs = load(data, store) if data is not None else {}
    moving = [t for t in TASKS if has_momentum(t)]
    tasks = cli.pick(parser, moving, wanted=args.tasks, half=args.half, split=SPLIT)
    tasks.sort(key=lambda t: HALVES.index(SPLIT[t.name]))  # the tuning half first
    seeds: Sequence[int] = SEEDS
    if args.quick:
        tasks = [t for t in tasks if t.name in ("digits-mlp-sgd", "reg-poly-adam")] or tasks[:2]
        seeds = (0,)
    policies = list(POLICIES)

    start = time.perf_counter()
    datas: list[TaskData] = []
    with tempfile.TemporaryDirectory(prefix="range_test_momentum_") as root:
        for t in tasks:
            t0 = time.perf_counter()
            if store.offline and f"{t.name}|mean|{seeds[0]}" not in store.sweeps:
                continue  # not in the dump (a partial one)
            datas.append(collect(store, t, seeds, root, policies))
            if not store.offline:
                refs[t.name] = reference(store, t, seeds)
            print(f"[{t.name}: {time.perf_counter() - t0:.0f} s]", file=sys.stderr, flush=True)
            if args.dump:
                dump(args.dump, store, tasks, refs)
    wall = time.perf_counter() - start

    import lightning_lr

    print("# The range test's momentum with a 1cycle attached: which one to hold\n")
    print(
        f"lightning_lr {lightning_lr.__version__}; torch {torch.__version__}, 1 thread; sweep seeds {list(seeds)}, "
        f"1cycle grid seeds {list(GRID_SEEDS)}; Tuner.lr_range_test at its defaults (100 steps 1e-7..10, confirm) "
        "with OneCycle() attached (momentum 0.95 -> 0.85 at the LR peak -> 0.95), the answer "
        "result.one_cycle_max_lr()" + (f"; RE-SCORED from {args.from_}" if args.from_ else "")
    )
    print("\npolicies: " + "; ".join(f"`{p}`: {v}" for p, v in POLICIES.items()))
    print(
        "\nratio = one_cycle_max_lr() / grid-best 1cycle max_lr (torch OneCycleLR, same budget, momentum "
        "0.85..0.95, by final training loss); regret = loss of training 1cycle at the answer (nearest of 12 "
        "per decade, the grid seeds) / the grid-best loss (train: training loss, val: validation loss); steps: "
        "the test's optimizer steps (sweep + candidates).\n"
    )
    ranks: dict[str, list[str]] = {}
    for half in HALVES:
        hd = [d for d in datas if SPLIT[d.task.name] == half]
        if not hd:
            continue
        heading = {
            "holdout": "holdout (third round, judged only)",
            "fourth": "fourth round (judged only)",
        }.get(half, f"{half} half")
        print(f"\n## {heading} ({len(hd)} tasks)\n")
        print(grid_table(store, hd))
        print(f"\n### one_cycle_max_lr() per held momentum vs the 1cycle grid ({half})\n")
        print(method_table([score_method(store, hd, method(p)) for p in policies], method("mean")))
        print("\n" + held_line(store, hd, policies))
        print(f"\n### by optimizer family ({half})\n")
        print(family_table(store, hd, policies))
        ranks[half] = sorted(policies, key=lambda p: _key(store, hd, p))
        print(f"\n{noise_line(hd)}")
        print(f"\n### per task: ratio per seed ({half})\n")
        print(per_task_table(hd, [method(p) for p in policies]))
        same = total = 0
        for d in hd:
            ref = refs.get(d.task.name)
            if ref is None:
                continue
            for a, b in zip(d.lrs[method("own")], ref, strict=False):
                total += 1
                same += (a is None and b is None) or (
                    a is not None and b is not None and math.isclose(a, b, rel_tol=1e-3)
                )
        if total:
            print(
                f"\ncheck: `own` equals the suggestion benchmark's one_cycle_max_lr (confirm) (the same test "
                f"without a schedule) on {same}/{total} runs"
            )
    if ranks:
        print("\n## choice\n")
        print(
            "ranking per set: most runs within 3x, then the lowest median training-loss regret, then the "
            "median ratio closest to 1 (`=` joins policies equal on the first two)\n"
        )
        sets = [h for h in HALVES if h in ranks]
        print("| policy | " + " | ".join(f"{h}: within 3x, regret med / worst answered" for h in sets) + " |")
        print("|" + "---|" * (len(sets) + 1))
        for p in policies:
            cells = []
            for h in sets:
                r = score_method(store, [d for d in datas if SPLIT[d.task.name] == h], method(p))
                assert r.regret_train is not None
                ans = _f(max(r.answered)) if r.answered else "-"
                cells.append(f"{r.within3}/{r.runs}, {_f(float(np.median(r.regret_train)))} / {ans}")
            print(f"| `{p}` | " + " | ".join(cells) + " |")
        print()
        for h in sets:
            print(f"- {h}: {order_text(store, [d for d in datas if SPLIT[d.task.name] == h], ranks[h])}")
        if "tuning" in ranks:
            chosen = ranks["tuning"][0]
            print(f"\nThe tuning half prefers `{chosen}` ({POLICIES[chosen]}).")
            for h in sets:
                if h != "tuning":
                    hd = [d for d in datas if SPLIT[d.task.name] == h]
                    mine = _key(store, hd, chosen)[:2]
                    better = [p for p in policies if _key(store, hd, p)[:2] < mine]
                    tied = [p for p in policies if p != chosen and _key(store, hd, p)[:2] == mine]
                    print(
                        f"- {h}: `{chosen}` ranks {len(better) + 1} of {len(policies)}"
                        + (f", tied with {', '.join(f'`{p}`' for p in tied)}" if tied else "")
                        + (f"; better: {', '.join(f'`{p}`' for p in better)}" if better else "")
                    )
    print(f"\nwall time {wall:.0f} s; {store.computed} things computed in this process")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
