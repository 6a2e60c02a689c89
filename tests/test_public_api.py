"""The public API: DESIGN.md's names exist, and every public callable documents itself with an example
(the examples run as doctests in this suite)."""

from __future__ import annotations

import importlib
import inspect

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
    # review 70: `import lightning_lr as llr; llr.callbacks.OneCycle` raised AttributeError
    import lightning_lr as llr
    from lightning_lr.callbacks import OneCycle
    from lightning_lr.optim import OneCycleLR
    from lightning_lr.tuner import Tuner

    assert (
        llr.callbacks.OneCycle is OneCycle and llr.optim.OneCycleLR is OneCycleLR and llr.tuner.Tuner is Tuner
    )
    assert callable(llr.plotting.range_test_figure)
    with pytest.raises(AttributeError, match="module 'lightning_lr' has no attribute 'callback'"):
        llr.callback  # noqa: B018
