"""torch-lr-finder on table (b)'s tasks: its suggestion against the grid-best constant LR.

torch-lr-finder is not a dependency of lightning_lr; install it to run this (`pip install torch-lr-finder`).
It sweeps the same range as our range test (1e-7..10, 100 steps, exponential) on the same seeded model,
optimizer and batches as ``benchmarks/range_test_quality.py`` and reports its suggestion (the steepest
gradient of its smoothed curve, as its ``plot(suggest_lr=True)`` gives it), the ratio to the grid-best LR,
the validation accuracy when training at that LR for the same budget, and whether its ``reset()`` brought
the weights back bitwise. The grid-best LRs are the ones table (b) found (``--grid-best`` to override).

    python benchmarks/torch_lr_finder_compare.py [--seeds 5]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import sys
import time
import warnings
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _tasks import TASKS, make_module, train_constant_lr, train_loader

#: grid-best constant LR of each task in table (b) (benchmarks/range_test_quality.py, 5 seeds)
GRID_BEST = {"digits-mlp-sgd": 4.64e-2, "digits-mlp-adamw": 2.15e-3, "digits-cnn-sgd": 4.64e-2}


def suggest(task_name: str, seed: int) -> tuple[float | None, bool, float]:
    """(suggested LR, weights bitwise restored by reset(), seconds) of one torch-lr-finder sweep."""
    from torch_lr_finder import LRFinder

    task = next(t for t in TASKS if t.name == task_name)
    module = make_module(task, seed)
    before = {k: v.clone() for k, v in module.state_dict().items()}
    optimizer = task.make_optimizer(module.parameters(), 1e-7)
    finder = LRFinder(module, optimizer, torch.nn.CrossEntropyLoss(), device="cpu")
    start = time.perf_counter()
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
    ):
        warnings.simplefilter("ignore")
        finder.range_test(train_loader(task, seed), end_lr=10.0, num_iter=100, step_mode="exp")
    seconds = time.perf_counter() - start
    finder.reset()
    restored = all(torch.equal(before[k], v) for k, v in module.state_dict().items())
    import matplotlib

    matplotlib.use("Agg")
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        out = finder.plot(suggest_lr=True, show_lr=None)
    import matplotlib.pyplot as plt

    plt.close("all")
    lr = out[1] if isinstance(out, tuple) and len(out) > 1 else None
    return (None if lr is None else float(lr)), restored, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args(argv)
    try:
        import torch_lr_finder  # noqa: F401
    except ImportError:
        print("torch-lr-finder is not installed: pip install torch-lr-finder", file=sys.stderr)
        return 2
    torch.set_num_threads(1)
    print(
        "torch-lr-finder on table (b)'s tasks: 1e-7..10, 100 steps, exponential; suggestion = steepest gradient"
    )
    print(
        f"{'task':<18} {'grid-best':>9} {'suggested (gmean)':>18} {'ratio':>7} {'worst':>7} {'val acc':>8} "
        f"{'within 3x':>10} {'reset bitwise':>13} {'sweep s':>8}"
    )
    for task in TASKS:
        best = GRID_BEST[task.name]
        lrs, ratios, accs, restored, secs = [], [], [], [], []
        for seed in range(args.seeds):
            lr, ok, seconds = suggest(task.name, seed)
            restored.append(ok)
            secs.append(seconds)
            if lr is None:
                continue
            lrs.append(lr)
            ratios.append(lr / best)
            accs.append(train_constant_lr(task, lr, seed).val_acc)
        if not lrs:
            print(f"{task.name:<18} {best:>9.2e} {'none':>18}")
            continue
        gmean = math.exp(sum(math.log(x) for x in lrs) / len(lrs))
        worst = max(ratios, key=lambda r: max(r, 1 / r))
        inside = sum(1 / 3 <= r <= 3 for r in ratios)
        print(
            f"{task.name:<18} {best:>9.2e} {gmean:>18.2e} {gmean / best:>7.2f} {worst:>7.2f} "
            f"{sum(accs) / len(accs):>8.1%} {inside:>4}/{args.seeds} seeds {sum(restored):>6}/{args.seeds} "
            f"{sorted(secs)[len(secs) // 2]:>8.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
