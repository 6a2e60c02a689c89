"""An LR a schedule callback plans that the optimizer cannot take is refused before the step, by name (review
108: huge but finite LRs passed every check and failed inside torch's SGD, "value cannot be converted to type
float without overflow", naming no argument)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import torch

from lightning_lr import LRScheduleMixin
from lightning_lr import schedules as S
from lightning_lr.callbacks import CosineDecay, ExponentialDecay, LRSchedule, OneCycle, ScheduleCallback

from support.models import Tiny
from support.trainers import fit

FLOAT32 = (
    r"more than its float32 parameters can take \(torch converts the LR to their type, whose largest value is "
    r"3\.40282e\+38, and the optimizer's step would fail naming no argument\)"
)


class Double(Tiny):
    """Tiny in float64: its parameters take any finite LR."""

    def __init__(self) -> None:
        super().__init__()
        self.double()

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        return torch.nn.functional.mse_loss(self.layer(x.double()), y.double())


@pytest.mark.parametrize(
    ("callback", "step", "lr", "given"),
    [
        (CosineDecay(initial=1e308), 0, "1e\\+308", r"CosineDecay\(initial=1e\+308\)"),
        (OneCycle(max_lr=1e300), 0, "4e\\+298", r"OneCycle\(max_lr=1e\+300\)"),
        (
            ExponentialDecay(gamma=1e20, initial=0.1),
            2,
            "1e\\+39",
            r"ExponentialDecay\(gamma=1e\+20, initial=0\.1\)",
        ),
        (LRSchedule(S.warmup(S.Constant(1e300), steps=4)), 1, "2\\.5e\\+299", r"LRSchedule\(lr=Join\(.*\)\)"),
    ],
)
@pytest.mark.filterwarnings("ignore::lightning_lr.schedules.GrowthWarning")
def test_an_lr_beyond_the_parameters_type_is_refused_naming_the_callback_and_step(
    tmp_path, callback: ScheduleCallback, step: int, lr: str, given: str
) -> None:
    with pytest.raises(ValueError) as info:
        fit(tmp_path, Tiny(), [callback])
    assert re.fullmatch(
        rf"{given}: at optimizer step {step} its schedule gives param group 0 of optimizer 0 \(SGD\) the LR "
        rf"{lr}, {FLOAT32}\. These arguments produced it: give values that keep the LR within range \(a "
        r"smaller peak or initial LR, a factor that grows it less\)",
        str(info.value),
    ), str(info.value)


@pytest.mark.filterwarnings("ignore::lightning_lr.schedules.GrowthWarning")
def test_an_lr_taken_from_the_optimizer_is_said_to_be_so(tmp_path) -> None:
    with pytest.raises(ValueError, match=r"^ExponentialDecay\(gamma=1e\+20\): at optimizer step 2 ") as info:
        fit(tmp_path, Tiny(), [ExponentialDecay(gamma=1e20)])
    assert "These arguments (and the optimizer's own LR for initial, left as None) produced it" in str(
        info.value
    )


@pytest.mark.filterwarnings("ignore::lightning_lr.schedules.GrowthWarning")
def test_a_float64_model_takes_any_finite_lr_but_no_infinite_one(tmp_path) -> None:
    rec = fit(tmp_path, Double(), [CosineDecay(initial=1e300, total=100)], max_steps=1)
    assert rec.lr(0).tolist() == [1e300]
    with pytest.raises(ValueError) as info:
        fit(tmp_path, Double(), [ExponentialDecay(gamma=1e200, initial=0.1)])
    assert str(info.value).startswith(
        "ExponentialDecay(gamma=1e+200, initial=0.1): at optimizer step 2 its schedule gives param group 0 of "
        "optimizer 0 (SGD) the LR inf, which is no finite number. These arguments produced it"
    )


class Half(Tiny):
    """Tiny in float16 (or bfloat16): torch converts the LR to the parameters' type."""

    def __init__(self, dtype: torch.dtype) -> None:
        super().__init__()
        self.to(dtype)

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        return torch.nn.functional.mse_loss(self.layer(x.to(self.layer.weight.dtype)).float(), y)


@pytest.mark.parametrize(("dtype", "lr", "refused"), [("float16", 1e6, True), ("float16", 6e4, False),
                                                      ("bfloat16", 1e39, True), ("bfloat16", 1e6, False)])  # fmt: skip
def test_a_half_precision_model_is_held_to_its_own_type(
    tmp_path, dtype: str, lr: float, refused: bool
) -> None:
    # review 109: the check read only LRs beyond float32's largest, and float16's is 65504 (torch's SGD failed
    # on 1e6, "value cannot be converted to type c10::Half without overflow", naming nothing)
    def run() -> Any:
        return fit(tmp_path, Half(getattr(torch, dtype)), [LRSchedule(S.Constant(lr))], max_steps=1)

    if not refused:
        assert run().lr(0).tolist() == [lr]
        return
    with pytest.raises(ValueError) as info:
        run()
    assert f"the LR {lr:g}, more than its {dtype} parameters can take" in str(info.value)


class Declares(LRScheduleMixin, Tiny):
    lr_schedule = CosineDecay(initial=1e308)


def test_a_schedule_the_module_declares_is_refused_alike(tmp_path) -> None:
    with pytest.raises(
        ValueError, match=rf"^CosineDecay\(initial=1e\+308\): at optimizer step 0 .*{FLOAT32}"
    ):
        fit(tmp_path, Declares(), [])


def test_a_group_the_callback_leaves_alone_is_not_its_to_refuse(tmp_path) -> None:
    # group 1's LR is the model's own (None leaves it alone): the callback says nothing of it, torch does
    with pytest.raises(RuntimeError, match="cannot be converted to type float without overflow"):
        fit(tmp_path, Tiny(groups=2, ratio=1e300), [CosineDecay(initial=[0.1, None])])
