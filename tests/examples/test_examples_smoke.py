"""Smoke tests of the examples in their smallest configuration (the full runs are not part of the suite)."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

# lightning 2.6 on torch 2.13 warns about its own use of a deprecated pytree name.
pytestmark = pytest.mark.filterwarnings("ignore:.*LeafSpec")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name: str) -> ModuleType:
    sys.path.insert(0, str(EXAMPLES))
    try:
        spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(EXAMPLES))


def rows(text: str) -> dict[str, list[str]]:
    """Table rows by their first cell (cells are separated by two or more spaces)."""
    import re

    lines = text.splitlines()[2:]
    return {cells[0]: cells for cells in (re.split(r"\s{2,}", line.strip()) for line in lines) if cells}


def test_keras_decay_schedules_advance_per_step_and_per_epoch(capsys: pytest.CaptureFixture[str]) -> None:
    table = load("keras_decay_schedules").main(["--epochs", "3", "--seeds", "1"])
    r = rows(table)
    assert list(r) == ["constant", "time-based", "step", "exponential"]
    steps = 3 * math.ceil(292 / 64)  # 292 training images of 3 and 5, batch 64
    last = {name: float(cells[6]) for name, cells in r.items()}
    assert last["constant"] == pytest.approx(0.01)
    assert last["time-based"] == pytest.approx(0.1 / (1 + 0.1 / 3 * (steps - 1)), rel=1e-2)  # per step
    assert last["step"] == pytest.approx(0.1)  # no drop before epoch 10
    assert last["exponential"] == pytest.approx(0.1 * math.exp(-0.1 * 2), rel=1e-2)  # per epoch: epoch 2
    assert "final val acc" in capsys.readouterr().out


def test_orbit_regression_lists_every_run_and_the_truth() -> None:
    r = rows(load("orbit_regression").main(["--epochs", "1"]))
    assert len(r) == 14
    assert r["truth"][1:] == ["1.2618", "1.2344"]
    assert r["Adam range test"][1].startswith("suggestion ")
    assert r["SGD-momentum range test"][1].startswith("suggestion ")
    for name in ("Adam 0.01 fixed", "SGD-momentum 0.00015", "Adam multiplicative 0.8"):
        assert float(r[name][2]) > 0.0  # final Wa


def test_cyclical_and_one_cycle_takes_its_bounds_from_the_range_test(
    capsys: pytest.CaptureFixture[str],
) -> None:
    r = rows(load("cyclical_and_one_cycle").main(["--epochs", "1"]))
    assert list(r) == ["triangular", "triangular2", "exp_range", "1cycle", "constant"]
    out = capsys.readouterr().out
    assert "range test at momentum 0.9" in out and "cyclic bounds" in out  # the cycle's mean, not 0.95
    assert r["1cycle"][1].startswith("max_lr ")
