"""The public API: DESIGN.md's names exist, and every public callable documents itself with an example
(the examples run as doctests in this suite)."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

MODULES = [
    "lightning_lr",
    "lightning_lr.schedules",
    "lightning_lr.optim",
    "lightning_lr.callbacks",
    "lightning_lr.tuner",
    "lightning_lr.mixin",
    "lightning_lr.plotting",
]

DESIGN_NAMES = {
    "lightning_lr.schedules": """Constant TimeDecay StepDecay MultiStepDecay ExponentialDecay PolynomialDecay
        CosineDecay CosineRestarts Linear Multiplicative Lambda Cyclic OneCycle join""",
    "lightning_lr.optim": """ScheduleLR CyclicLR OneCycleLR StepLR MultiStepLR ExponentialLR CosineAnnealingLR
        CosineAnnealingWarmRestarts MultiplicativeLR LambdaLR LinearLR PolynomialLR""",
    "lightning_lr.callbacks": "LRSchedule OneCycle Cyclic",
    "lightning_lr": "LRScheduleMixin LRRangeTest Tuner RangeTestResult",
}


@pytest.mark.parametrize("module", sorted(DESIGN_NAMES))
def test_design_names_are_exported(module: str) -> None:
    mod = importlib.import_module(module)
    for name in DESIGN_NAMES[module].split():
        assert name in mod.__all__, f"{module}.__all__ lacks {name}"
        assert getattr(mod, name) is not None


def _public_callables() -> list[tuple[str, str]]:
    out = []
    for module in MODULES:
        mod = importlib.import_module(module)
        for name in mod.__all__:
            obj = getattr(mod, name)
            if callable(obj) and not inspect.ismodule(obj):
                out.append((module, name))
    return out


@pytest.mark.parametrize(("module", "name"), _public_callables())
def test_every_public_callable_has_a_docstring_example(module: str, name: str) -> None:
    doc = inspect.getdoc(getattr(importlib.import_module(module), name)) or ""
    assert ">>>" in doc, f"{module}.{name} has no runnable example in its docstring"


def test_the_tuner_is_lightnings() -> None:
    from lightning.pytorch.tuner import Tuner as LightningTuner

    import lightning_lr

    assert issubclass(lightning_lr.Tuner, LightningTuner)


def test_the_subpackages_are_attributes_of_the_package() -> None:
    # review 70: `import lightning_lr as llr; llr.callbacks.OneCycle` raised AttributeError. In a fresh
    # interpreter: an import of a subpackage anywhere before (this module's, another test's) binds it
    code = (
        "import lightning_lr as llr\n"
        "print(llr.callbacks.OneCycle.__name__, llr.optim.OneCycleLR.__name__, llr.tuner.Tuner.__name__,\n"
        "      callable(llr.plotting.range_test_figure), llr.mixin.LRScheduleMixin.__name__, callable(llr.cli.main))\n"
        "try:\n"
        "    llr.callback\n"
        "except AttributeError as exc:\n"
        "    print(exc)\n"
        "print(*[n for n in dir(llr) if n.islower() and not n.startswith('_')])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == [
        "OneCycle OneCycleLR Tuner True LRScheduleMixin True",
        "module 'lightning_lr' has no attribute 'callback'",
        "callbacks cli mixin optim plotting schedules tuner",  # review 83: a shell's completion lists them
    ]


USER_SCRIPT = """
import numpy as np

from lightning_lr import LRRangeTest, RangeTestResult, Tuner, WeightDecayResult
from lightning_lr.callbacks import CosineDecay, Cyclic, OneCycle, ReduceOnPlateau, WarmupStableDecay
from lightning_lr.tuner import Candidate, Confirmation

# review 137: one value per param group, computed into variables (a list is invariant: list[float | None]
# refused a list[float]) or a tuple
peaks: list[float] = [1e-4, 1e-3]
callbacks = [
    OneCycle(max_lr=peaks, base_momentum=(0.85, 0.9), max_momentum=[0.95, 0.95]),
    Cyclic(base_lr=(1e-5, 1e-4), max_lr=peaks),
    CosineDecay(initial=tuple(np.array(peaks).tolist()), final=[p / 100 for p in peaks]),
    WarmupStableDecay(peak=peaks, final=0.0),
    ReduceOnPlateau("val_loss", min_lr=(1e-6, 1e-5)),
    LRRangeTest(weight_decays=(0.0, 1e-4)),
]

test = LRRangeTest(num_steps=10)
result = test.result
if result is not None and not isinstance(result, WeightDecayResult):
    peak: float | None = result.one_cycle_max_lr()
    bounds = result.cyclic_bounds()
    print(peak, bounds, result.lrs, result.losses)
for epoch, each in test.results.items():
    print(epoch, each.best_weight_decay if isinstance(each, WeightDecayResult) else each.suggestion())
later: RangeTestResult | WeightDecayResult | None = test.result
if isinstance(later, RangeTestResult) and later.confirmation is not None:
    stage: Confirmation = later.confirmation
    tried: tuple[Candidate, ...] = stage.candidates
    print(stage.lr, [c.score for c in tried])
"""


def test_a_users_script_on_the_public_api_passes_mypy_strict(tmp_path: Any) -> None:
    # review 74: LRRangeTest.result was typed as the momentum test's base too, so the README's
    # result.one_cycle_max_lr() failed a user's mypy --strict
    pytest.importorskip("mypy")
    script = tmp_path / "user.py"
    script.write_text(USER_SCRIPT)
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--follow-imports=silent",
            "--cache-dir",
            str(tmp_path / "c"),
            str(script),
        ],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
