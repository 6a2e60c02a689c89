"""Two simulated nodes on one host: ``strategy="ddp"`` launched as a script per node (``NODE_RANK`` 0 and 1,
``MASTER_ADDR=127.0.0.1``), one CPU process each. ``Tuner.lr_range_test`` and the LRRangeTest callback:
their sweep and confirmation, the suggestion applied and the OneCycle filled agree on both nodes, the
Tuner restores the model on both, and both train at the same LR and momentum."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import lightning_lr
from lightning_lr import RangeTestResult

SCRIPT = Path(__file__).with_name("multinode_fit.py")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_two_nodes(out: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run both nodes; per rank, what the Tuner left (``tuner<r>.json``) and what the fit used."""
    port = str(_free_port())
    root = str(Path(lightning_lr.__file__).parents[1])  # the nodes import the lightning_lr under test
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
    procs = []
    for node in (0, 1):
        env = {**os.environ, "NODE_RANK": str(node), "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": port}
        env["PYTHONPATH"] = path
        env.pop("LOCAL_RANK", None)
        procs.append(
            subprocess.Popen(
                [sys.executable, str(SCRIPT), str(out)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
    logs = []
    try:
        for p in procs:
            logs.append(p.communicate(timeout=600)[0])
    finally:
        for p in procs:
            p.kill()
    for node, (p, log) in enumerate(zip(procs, logs, strict=True)):
        assert p.returncode == 0, f"node {node} exited with {p.returncode}:\n{log[-4000:]}"
    read = [[json.loads((out / f"{kind}{r}.json").read_text()) for r in (0, 1)] for kind in ("tuner", "rank")]
    return read[0], read[1]


@pytest.mark.ddp
def test_two_nodes_agree_on_the_range_test_and_the_schedule_it_fills(tmp_path: Any) -> None:
    tuner, (rank0, rank1) = _run_two_nodes(tmp_path)
    # Tuner.lr_range_test: the same result on both nodes, applied to both models, which are otherwise restored
    assert [t["rank"] for t in tuner] == [0, 1]
    assert (
        tuner[0]["result"] == tuner[1]["result"] and tuner[0]["result"]["confirmation"]["chosen"] is not None
    )
    assert tuner[0]["lr"] == tuner[1]["lr"] != 0.05 and all(t["restored"] for t in tuner)
    for key in ("weight_decays", "best_weight_decay", "momentum"):  # the other sweeps agree as well
        assert tuner[0][key] == tuner[1][key]
    assert len(tuner[0]["weight_decays"]["results"]) == 2 and len(tuner[0]["momentum"]["momentums"]) == 12
    # the retry: both nodes judge the first try alike (from the losses averaged over ranks), both run the
    # second try, 3x longer, and hold and apply the same answer
    assert tuner[0]["retry"] == tuner[1]["retry"]
    retried = tuner[0]["retry"]["result"]
    first = retried["first_try"]["confirmation"]
    assert retried["first_try"]["num_steps"] == 12 and first["retry"] and "never fell" in first["reason"]
    assert retried["num_steps"] == 36 and retried["confirmation"]["chosen"] is not None
    assert tuner[0]["retry"]["lr"] != 0.05
    # run_steps="auto": both nodes read the same length (80 steps, 8 candidate lengths) and apply the same scaled LR
    assert tuner[0]["run_steps"] == tuner[1]["run_steps"]
    for_run = tuner[0]["run_steps"]["result"]
    assert for_run["run_steps"] == 80 and for_run["optimizer"] == "torch.optim.AdamW"
    confirmed = RangeTestResult.from_dict(for_run).confirmation
    assert confirmed is not None and confirmed.lr is not None
    assert tuner[0]["run_steps"]["lr"] == pytest.approx(confirmed.lr * 8**-0.25, rel=1e-12)
    # the LRRangeTest callback in a fit
    assert [r["rank"] for r in (rank0, rank1)] == [0, 1]
    assert [r["world_size"] for r in (rank0, rank1)] == [2, 2]
    result = rank0["result"]
    assert rank1["result"] == result  # curve (the mean over ranks), candidates, their losses, the verdict
    conf = result["confirmation"]
    assert conf is not None and len(conf["candidates"]) >= 3 and conf["chosen"] is not None
    assert rank0["module_lr"] == rank1["module_lr"] != 0.05  # the suggestion, applied on both nodes
    assert rank0["filled"] == rank1["filled"] and rank0["filled"]["max_lr"] == rank0["one_cycle_max_lr"]
    # 128 samples on 2 ranks, batch 32: 2 steps per epoch on each rank, 4 in the run, the same on both
    assert len(rank0["rows"]) == 4 and rank0["rows"] == rank1["rows"]
