"""The benchmark's report tables (benchmarks/quality/report.py), on hand-made results: what each cell counts."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks"))

from quality.collect import Grid, TaskData
from quality.report import agreement_table
from quality.store import lattice_lr
from quality.sweeps import CONFIGS, DEFAULT_CONFIG


def test_a_settings_answer_counts_within_3x_where_the_default_setting_gave_none() -> None:
    """Review 84: "in 3x" was counted only where the 100-step sweep answered too, so a run that answered at
    300 steps, and not at 100, never counted (the holdout's robustness row was one short at four settings).
    Agreement with the default setting still needs both answers."""
    best = lattice_lr(-6)
    data = TaskData(task=None, constant=Grid(train={-6: 0.1, -3: 0.5}), onecycle=Grid())  # type: ignore[arg-type]
    dense = next(c for c in CONFIGS if c[0] == 300)
    data.by_config[(DEFAULT_CONFIG, "exponential")] = {"m": [None, best, best]}
    # seed 0: an answer within 3x where the default had none; seed 1: 10x off; seed 2: agrees, within 3x
    data.by_config[(dense, "exponential")] = {"m": [1.5 * best, 10 * best, 1.2 * best]}
    row = next(line for line in agreement_table([data], ["m"]).splitlines() if line.startswith("| m |"))
    cells = [c.strip() for c in row.strip("|").split("|")][1:]
    default_cell, dense_cell = cells[CONFIGS.index(DEFAULT_CONFIG)], cells[CONFIGS.index(dense)]
    assert default_cell.startswith("2/3 agree") and default_cell.endswith("2/3 in 3x")
    assert dense_cell.startswith("1/3 agree") and dense_cell.endswith("2/3 in 3x")
