"""One node of a two-node DDP fit (``strategy="ddp"``, one CPU process per node), run as a script by
``test_multinode.py``: ``python multinode_fit.py OUT`` with ``NODE_RANK``, ``MASTER_ADDR`` and
``MASTER_PORT`` set. The fit runs an LRRangeTest (sweep and confirmation) whose result fills a OneCycle;
every rank writes what it used to ``OUT/rank<r>.json`` (:class:`~support.recording.DumpPerRank`)."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # tests/: import support


def main(out: str) -> None:
    from lightning_lr import LRRangeTest
    from lightning_lr.callbacks import OneCycle

    from support.models import TinyModel, loader
    from support.recording import DumpPerRank
    from support.state import seed_all
    from support.trainers import trainer

    seed_all(41)
    test = LRRangeTest(num_steps=12, max_lr=3.0, early_stop_threshold=None, confirm_steps=10)
    t = trainer(
        out,
        [test, OneCycle(), DumpPerRank(out)],
        strategy="ddp",
        num_nodes=2,
        devices=1,
        max_epochs=2,
    )
    t.fit(TinyModel(dropout=0.0), loader(n=128))


if __name__ == "__main__":
    main(sys.argv[1])
