"""Peak memory of the LR range test against a plain fit and Lightning's ``lr_find``.

A ~30M-parameter MLP (three 3136x3136 layers and a 10-way head) trained with Adam on random data, batch 16,
10 optimizer steps per epoch, two epochs. Every case runs in a fresh Python process; it measures the
process's resident memory (RSS, from ``/proc/self/status``) after the model, data and Trainer are built
(the baseline), resets the peak (``/proc/self/clear_refs``), runs, and reports the peak RSS over the
baseline. Cases:

- ``fit``: the plain 2-epoch fit;
- ``callback@start``: ``LRRangeTest`` at the start of that fit (Adam has no state yet);
- ``callback@epoch1``: ``LRRangeTest(epochs=[1])``, after one epoch (Adam's moments exist), with the
  snapshot on the device and in host memory (on CPU both are host memory: the same one copy);
- ``Tuner.lr_range_test``: the Tuner's range test, then the fit;
- ``Tuner.lr_find``: Lightning's ``lr_find`` (it saves and reloads a checkpoint), then the fit.

Every range test sweeps 10 steps with early stopping off, at its other defaults: on these random labels
the loss never falls, so the sweep is retried once with more steps, and the confirmation stage trains its
candidates (about 20 minutes on two CPU cores, most of it the candidates' steps of a 30M-parameter MLP).
``--sweep-only`` passes ``confirm=False, retry=False``: the sweep alone, in about a minute and a half. Run
from the repository root:
    python benchmarks/range_test_memory.py [--sweep-only]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from typing import Any

WIDTH = 3136
STEPS = 10
CASES = {
    "fit": "plain fit, 2 epochs",
    "callback@start": "LRRangeTest at fit start",
    "callback@epoch1": "LRRangeTest(epochs=[1]), snapshot='device'",
    "callback@epoch1:host": "LRRangeTest(epochs=[1]), snapshot='host'",
    "tuner": "Tuner.lr_range_test, then fit",
    "lr_find": "Lightning Tuner.lr_find, then fit",
}


def _status(key: str) -> int:
    """A ``/proc/self/status`` memory line in bytes."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)


def _reset_peak() -> bool:
    """Reset the peak RSS to the current RSS (Linux >= 4.0); False where it cannot."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def run_case(case: str, sweep_only: bool = False) -> dict[str, Any]:
    """Run one case in this process; its parameter count, baseline, peak over baseline and wall time
    (``sweep_only``: the range tests without a retry or a confirmation stage)."""
    import lightning.pytorch as pl
    import torch
    import torch.nn.functional as F
    from lightning.pytorch.tuner import Tuner as LightningTuner
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset

    from lightning_lr import LRRangeTest, Tuner

    torch.set_num_threads(1)
    logging.getLogger("lightning").setLevel(logging.ERROR)
    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")

    class MLP(pl.LightningModule):
        def __init__(self, lr: float = 1e-4) -> None:
            super().__init__()
            self.lr = lr
            self.net = nn.Sequential(
                *[m for _ in range(3) for m in (nn.Linear(WIDTH, WIDTH), nn.ReLU())], nn.Linear(WIDTH, 10)
            )

        def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            x, y = batch
            return F.cross_entropy(self.net(x), y)

        def configure_optimizers(self) -> torch.optim.Optimizer:
            return torch.optim.Adam(self.parameters(), lr=self.lr)

    torch.manual_seed(0)
    data = TensorDataset(torch.randn(STEPS * 16, WIDTH), torch.randint(0, 10, (STEPS * 16,)))
    train = DataLoader(data, batch_size=16, shuffle=True)
    model = MLP()
    params = sum(p.numel() for p in model.parameters())
    root = tempfile.mkdtemp()
    callbacks: list[Any] = []
    options: dict[str, Any] = {
        "num_steps": STEPS,
        "early_stop_threshold": None,
        "progress_bar": False,
        "log": False,
    }
    if sweep_only:
        options.update(confirm=False, retry=False)
    if case.startswith("callback@"):
        where = case.split("@")[1]
        epochs = None if where == "start" else [1]
        snapshot = "host" if where.endswith(":host") else "device"
        callbacks.append(LRRangeTest(epochs=epochs, snapshot=snapshot, **options))

    def trainer() -> pl.Trainer:
        return pl.Trainer(
            accelerator="cpu",
            devices=1,
            max_epochs=2,
            callbacks=callbacks,
            logger=False,
            enable_progress_bar=False,
            enable_model_summary=False,
            enable_checkpointing=False,
            default_root_dir=root,
        )

    try:
        fit_trainer = trainer()
        baseline = _status("VmRSS")
        exact = _reset_peak()
        start = time.perf_counter()
        if case == "tuner":
            Tuner(trainer()).lr_range_test(model, train, **options)
        elif case == "lr_find":
            LightningTuner(trainer()).lr_find(model, train, num_training=STEPS, early_stop_threshold=None)
        fit_trainer.fit(model, train)
        seconds = time.perf_counter() - start
    finally:
        shutil.rmtree(root, ignore_errors=True)
    peak = _status("VmHWM") if exact else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {
        "params": params,
        "baseline": baseline,
        "over": peak - baseline,
        "seconds": seconds,
        "exact": exact,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case", choices=sorted(CASES), help="run one case here and print it as JSON")
    parser.add_argument(
        "--sweep-only",
        action="store_true",
        help="range tests with confirm=False, retry=False (the sweep alone)",
    )
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.sweep_only)))
        return
    rows = {}
    for case in CASES:
        out = subprocess.run(
            [sys.executable, __file__, "--case", case, *(["--sweep-only"] if args.sweep_only else [])],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": os.getcwd()},
        )
        rows[case] = json.loads(out.stdout.strip().splitlines()[-1])
    first = rows["fit"]
    mb = 2**20
    print(
        f"{first['params'] / 1e6:.1f}M parameters ({first['params'] * 4 / mb:.0f} MB), Adam "
        f"({2 * first['params'] * 4 / mb:.0f} MB of moments), CPU; baseline RSS {first['baseline'] / mb:.0f} MB"
    )
    if args.sweep_only:
        print("range tests: the sweep alone (confirm=False, retry=False)")
    if not all(r["exact"] for r in rows.values()):
        print("(peak RSS could not be reset: peaks include the process's start)")
    print(f"| {'case':<45} | {'peak over baseline':>18} | {'vs plain fit':>12} | {'wall':>6} |")
    print(f"|{'-' * 47}|{'-' * 20}|{'-' * 14}|{'-' * 8}|")
    for case, what in CASES.items():
        r = rows[case]
        ratio = r["over"] / first["over"]
        print(f"| {what:<45} | {r['over'] / mb:>15.0f} MB | {ratio:>11.2f}x | {r['seconds']:>5.1f}s |")


if __name__ == "__main__":
    main()
