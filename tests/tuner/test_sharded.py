"""Sharded strategies (FSDP, DeepSpeed) are refused at once, with the strategy named, before any sweep step.

FSDP does not run on CPU in the torch this project tests with ("FSDP needs a non-CPU accelerator
device"), so whether each rank could snapshot its shards cannot be checked here: the range test refuses.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
from lightning.pytorch.strategies import FSDPStrategy, SingleDeviceStrategy

from lightning_lr import LRRangeTest, Tuner
from lightning_lr._lightning_compat import sharded_strategy

from support.models import TinyModel, loader
from support.trainers import trainer


class CPUFSDP(FSDPStrategy):
    """Lightning's FSDPStrategy (a subclass passes its accelerator check on CPU)."""


class DeepSpeedStrategy(SingleDeviceStrategy):
    """A stand-in named like Lightning's DeepSpeedStrategy (deepspeed is not installed)."""


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: CPUFSDP(process_group_backend="gloo"), "FSDPStrategy"),
        (lambda: DeepSpeedStrategy(device=torch.device("cpu")), "DeepSpeedStrategy"),
    ],
)
def test_the_tuner_refuses_before_fit(tmp_path: Any, make: Any, name: str) -> None:
    model = TinyModel()
    with pytest.raises(RuntimeError, match=f"the range test does not support {name}: it shards"):
        Tuner(trainer(tmp_path, strategy=make())).momentum_range_test(model, loader())
    with pytest.raises(RuntimeError, match=f"does not support {name}"):
        Tuner(trainer(tmp_path, strategy=make())).lr_range_test(model, loader())
    assert model.seen_losses == []


def test_the_callback_refuses_when_fit_sets_up(tmp_path: Any) -> None:
    model = TinyModel()
    t = trainer(tmp_path, strategy=DeepSpeedStrategy(device=torch.device("cpu")), callbacks=[LRRangeTest()])
    with pytest.raises(RuntimeError, match="the range test does not support DeepSpeedStrategy"):
        t.fit(model, loader())
    assert model.seen_losses == [] and t.global_step == 0


def test_sharded_strategies_are_found_by_class_name() -> None:
    assert sharded_strategy(CPUFSDP()) == "FSDPStrategy"
    assert sharded_strategy(SingleDeviceStrategy(device=torch.device("cpu"))) is None
    assert sharded_strategy(type("ModelParallelStrategy", (), {})()) == "ModelParallelStrategy"


def test_the_callback_refuses_fsdp_before_the_model_is_wrapped(tmp_path: Any) -> None:
    model = TinyModel()
    t = trainer(tmp_path, strategy=CPUFSDP(process_group_backend="gloo"), callbacks=[LRRangeTest()])
    try:
        with pytest.raises(RuntimeError, match="the range test does not support FSDPStrategy"):
            t.fit(model, loader())
    finally:
        if torch.distributed.is_initialized():  # the strategy set up a 1-process group before the hook
            torch.distributed.destroy_process_group()
    assert model.seen_losses == [] and t.global_step == 0
