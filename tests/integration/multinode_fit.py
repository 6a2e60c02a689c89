"""One node of a two-node DDP run (``strategy="ddp"``, one CPU process per node), run as a script by
``test_multinode.py``: ``python multinode_fit.py OUT`` with ``NODE_RANK``, ``MASTER_ADDR`` and
``MASTER_PORT`` set. The node runs ``Tuner.lr_range_test`` (sweep and confirmation) and writes what its
rank holds to ``OUT/tuner<r>.json``, with a weight-decay sweep's, a momentum range test's and a retried
test's results and a test told the run's length (``run_steps="auto"``); then a fit whose LRRangeTest callback fills a OneCycle, and every rank
writes what it used to ``OUT/rank<r>.json`` (:class:`~support.recording.DumpPerRank`)."""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # tests/: import support


def main(out: str) -> None:
    from lightning_lr import LRRangeTest, Tuner
    from lightning_lr.callbacks import OneCycle

    from support.models import LateStart, TinyModel, loader
    from support.recording import DumpPerRank
    from support.state import seed_all
    from support.trainers import trainer

    ddp = dict(strategy="ddp", num_nodes=2, devices=1)
    seed_all(40)
    model = TinyModel(dropout=0.0)
    before = {k: v.tolist() for k, v in model.state_dict().items()}
    tuner = trainer(out, **ddp)
    result = Tuner(tuner).lr_range_test(model, loader(n=128), num_steps=12, max_lr=3.0, confirm_steps=10)
    held = {
        "rank": tuner.global_rank,
        "result": result.to_dict(),
        "lr": float(model.hparams.lr),
        "restored": before == {k: v.tolist() for k, v in model.state_dict().items()},
    }
    # the weight-decay sweeps and the momentum sweep, on a fresh model each
    decays = Tuner(trainer(out, **ddp)).lr_range_test(
        TinyModel(dropout=0.0),
        loader(n=128),
        num_steps=12,
        max_lr=3.0,
        confirm_steps=10,
        weight_decays=[0.0, 1e-2],
        apply=False,
    )
    held["weight_decays"] = decays.to_dict()
    held["best_weight_decay"] = decays.best_weight_decay
    momentum = Tuner(trainer(out, **ddp)).momentum_range_test(
        TinyModel(dropout=0.0), loader(n=128), num_steps=12
    )
    held["momentum"] = momentum.to_dict()
    # a first try without an answer (a loss that rises for its 12 steps: it never fell) and its second try, 3x
    # longer
    late = LateStart(quiet=12, noise=0.0, drift=1e-3)
    retried = Tuner(trainer(out, **ddp)).lr_range_test(
        late, loader(n=128), num_steps=12, max_lr=3.0, confirm_steps=10
    )
    held["retry"] = {"result": retried.to_dict(), "lr": float(late.hparams.lr), "calls": late.calls}
    # run_steps="auto" with AdamW: each node reads the fit's length (40 epochs of 2 batches a rank) and applies
    # the answer scaled for it
    adam = TinyModel(dropout=0.0, optimizer="adamw")
    for_run = Tuner(trainer(out, max_epochs=40, **ddp)).lr_range_test(
        adam, loader(n=128), num_steps=12, max_lr=3.0, confirm_steps=10, run_steps="auto"
    )
    held["run_steps"] = {"result": for_run.to_dict(), "lr": float(adam.hparams.lr)}
    with open(os.path.join(out, f"tuner{tuner.global_rank}.json"), "w") as f:
        json.dump(held, f)

    seed_all(41)
    test = LRRangeTest(num_steps=12, max_lr=3.0, early_stop_threshold=None, confirm_steps=10)
    t = trainer(out, [test, OneCycle(), DumpPerRank(out)], max_epochs=2, **ddp)
    t.fit(TinyModel(dropout=0.0), loader(n=128))


if __name__ == "__main__":
    main(sys.argv[1])
