"""Does the val-loss range test tell a validation loss from a score (accuracy) given as ``val_key``?

With ``val_loss=True`` the range test minimises what ``val_key`` names. A score that rises as the model learns
(accuracy, an R^2), minimised, gives the LR that trains worst, so the sweep checks that the value does not rise
where the training loss falls (``lightning_lr.tuner._val.check_moves_as_a_loss``: between the first and the
last tenth of the descent, the training loss falling by ``FELL_SE`` = 1 standard error and the value rising by
``CLEAR_SE`` = 3) and raises otherwise.

The same check runs on the candidate whose training loss ended lowest (``_candidates``). Every task of the
suggestion benchmark (``quality.tasks``), on ``--seeds`` fresh networks and at each ``--steps`` sweep length over
1e-7..10, runs ``Tuner.lr_range_test(val_loss=True)`` (the sweep alone, or with ``--confirm`` the default test) twice:
once reading the validation loss, once a score of the same validation batches (accuracy for a
classification task, R^2 for a regression); the curves are kept (``--dump``) and the package's check is run on
them (``--from`` re-runs it without training). A run is right when the loss is read and the score refused.
A score that did not move (the sweep trained too little to move it) is not refused, and minimising it moves
nothing either, so the table also counts the runs whose training loss fell by 3 standard errors, and how many
of the scores read the sweep's ``minimum`` rule answers (the harm: an LR applied from a score).

The rule was chosen on the tuning half's tasks, from the variants this dump was first scored with (a
correlation of the two over the descent at or below -0.5, with and without a tenth's fall of the training loss,
Spearman's or Pearson's; the training loss falling by 0 to 3 standard errors and the value rising by 2 to 4). On
the tuning half the thresholds 1 and 3 read 77 of 78 losses and refuse 51 of 78 scores; 0 and 2 refuse 57 but
also 2 losses, 3 and 3 (both clear) only 40. The other halves were read after the choice.

    python benchmarks/range_test_val_direction.py --dump v.json     # about 10 minutes, 1 core
    python benchmarks/range_test_val_direction.py --steps 100 --confirm --dump v.json   # about 6 minutes
    python benchmarks/range_test_val_direction.py --from benchmarks/results/val_direction.json  # seconds
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from quality import cli
from quality.sweeps import Module, _loader, _trainer
from quality.tasks import HALVES, SPLIT, TASKS, Task, data

from lightning_lr import RangeTestResult, Tuner
from lightning_lr.tuner import _candidates, _sweep, _val
from lightning_lr.tuner._options import RETRY_FACTOR


class Scored(Module):
    """The task's module with a ``validation_step`` that logs the loss as ``val_loss`` and a score as
    ``val_score``: accuracy (classification) or R^2 (regression)."""

    def validation_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> None:
        x, y = batch
        out = self(x)
        self.log("val_loss", self._loss(out, y))
        if self.task.loss == "mse":
            score = 1.0 - ((out - y) ** 2).mean() / y.var().clamp_min(1e-12)
        else:
            score = (out.reshape(-1, out.shape[-1]).argmax(-1) == y.reshape(-1)).float().mean()
        self.log("val_score", score)


def _val_loader(task: Task) -> torch.utils.data.DataLoader:
    _, _, xv, yv = data(task.data)
    n = min(len(xv), 4 * task.batch_size)
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(xv[:n], yv[:n]), batch_size=n)


def _curves(task: Task, seed: int, steps: int, key: str, root: str, confirm: bool) -> dict[str, Any]:
    """One val-loss range test's curves as the check receives them (lrs, training losses, values read): each
    sweep's (a second try's too) and, with ``confirm``, the candidate's the check reads."""
    calls: list[dict[str, Any]] = []

    def spy(lrs: Sequence[float], train: Sequence[float], values: Sequence[float], *_: Any) -> None:
        curves = {"lrs": lrs, "train": train, "values": values}
        calls.append({k: [float(f"{x:.6g}") for x in v] for k, v in curves.items()})

    checks = (_sweep.check_moves_as_a_loss, _candidates.check_moves_as_a_loss)
    _sweep.check_moves_as_a_loss = _candidates.check_moves_as_a_loss = spy  # type: ignore[assignment]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            Tuner(_trainer(root)).lr_range_test(
                Scored(task, seed),
                train_dataloaders=_loader(task, seed, RETRY_FACTOR * steps),  # (a second try reads 3x)
                val_dataloaders=_val_loader(task),
                val_loss=True,
                val_key=key,
                num_steps=steps,
                confirm=confirm,
                apply=False,
            )
    finally:
        _sweep.check_moves_as_a_loss, _candidates.check_moves_as_a_loss = checks
    sweeps = [c for c in calls if len(set(c["lrs"])) > 1]
    candidates = [c for c in calls if len(set(c["lrs"])) <= 1]
    return {
        "task": task.name,
        "half": SPLIT[task.name],
        "seed": seed,
        "steps": steps,
        "key": key,
        "confirm": confirm,
        "sweeps": sweeps,
        "candidate": candidates[0] if candidates else None,
    }


def _answered(run: dict[str, Any]) -> bool:
    """Whether the last sweep's curve of the values read gives an LR (its ``minimum`` rule, no candidates): a
    score read as a loss that gets one is applied."""
    last = run["sweeps"][-1]
    n = len(last["values"])
    result = RangeTestResult(last["lrs"][:n], last["values"], (None,) * n, num_steps=max(n, run["steps"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return result.suggestion("minimum") is not None


def _refuses(run: dict[str, Any], stage: str = "any") -> bool:
    """Whether the package's check refuses this run: a sweep's curves (``stage="sweep"``), the candidate's
    (``"candidate"``) or either (``"any"``)."""
    calls = [*run["sweeps"]] if stage != "candidate" else []
    if stage != "sweep" and run["candidate"] is not None:
        calls.append(run["candidate"])
    for c in calls:
        try:
            _val.check_moves_as_a_loss(c["lrs"], c["train"], c["values"], run["key"], "t")
        except ValueError:
            return True
    return False


def _shifts(run: dict[str, Any]) -> tuple[float, float] | None:
    """The training loss's and the value's shift over the last sweep's descent, in standard errors, as the check
    reads them (``_val.descent``; None where it reads none: too few steps)."""
    last = run["sweeps"][-1]
    found = _val.descent(last["lrs"], last["train"], last["values"])
    return None if found is None else (_val.shift(found[0]), _val.shift(found[1]))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=cli.at_least_one, default=None, help="fresh networks per task (2)")
    parser.add_argument("--steps", type=int, nargs="+", default=None, help="sweep lengths (30 100)")
    parser.add_argument(
        "--confirm",
        action="store_true",
        help="run the default test (the candidates too), not the sweep alone",
    )
    cli.add_dump_options(parser, dump="write every sweep's curves to FILE")
    args = parser.parse_args(argv)
    cli.check_dump_options(parser, args, seeds=args.seeds, steps=args.steps, confirm=args.confirm)
    loaded = cli.read_dump(parser, args, "val_direction/2", ("runs",))
    if loaded is not None:
        runs = loaded["runs"]
    else:
        runs = []
        with tempfile.TemporaryDirectory() as root:
            for task in TASKS:
                for steps in args.steps or [30, 100]:
                    for seed in range(args.seeds or 2):
                        for key in ("val_loss", "val_score"):
                            runs.append(_curves(task, seed, steps, key, root, args.confirm))
                print(f"{task.name}: done", file=sys.stderr, flush=True)
        if args.dump:
            with open(args.dump, "w") as f:
                json.dump({"format": "val_direction/2", "runs": runs}, f)
    print(
        "| half | steps | val_key | runs | right | runs whose training loss fell by 3 SE: right | "
        "value's shift in SE (min / median / max) | scores read that the sweep answers | refused by the sweep / "
        "by the candidate |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    misses: list[str] = []
    for half in HALVES:
        for steps in sorted({r["steps"] for r in runs}):
            for key in ("val_loss", "val_score"):
                got = [r for r in runs if (r["half"], r["steps"], r["key"]) == (half, steps, key)]
                if not got:
                    continue
                right = learned = learned_right = answered = 0
                for r in got:
                    ok = _refuses(r) == (key == "val_score")
                    answered += key == "val_score" and not ok and _answered(r)
                    right += ok
                    shifts = _shifts(r)
                    if shifts is not None and shifts[0] <= -_val.CLEAR_SE:
                        learned += 1
                        learned_right += ok
                    if not ok:
                        misses.append(
                            f"{half}: {r['task']} seed {r['seed']} at {steps} steps, {key}: {shifts}"
                        )
                zs = np.clip([z[1] for z in map(_shifts, got) if z is not None], -99, 99)
                spread = f"{zs.min():.1f} / {np.median(zs):.1f} / {zs.max():.1f}" if len(zs) else "-"
                print(
                    f"| {half} | {steps} | {key} | {len(got)} | {right}/{len(got)} | {learned_right}/{learned} | "
                    f"{spread} | {answered if key == 'val_score' else '-'} | "
                    f"{sum(map(lambda r: _refuses(r, 'sweep'), got))} / {sum(map(lambda r: _refuses(r, 'candidate'), got))} |"
                )
    print()
    print("Wrong (a loss refused, or a score read):", "none" if not misses else "")
    for m in misses:
        print(f"- {m}")


if __name__ == "__main__":
    main()
