"""CosineAnnealingWarmRestarts as torch's: fractional epochs in step(epoch), T_cur and T_i that can be set,
and their state; torch as the oracle."""

from __future__ import annotations

import io
from typing import Any

import pytest
import torch
from torch.optim import lr_scheduler as L

import lightning_lr.optim as ours

RTOL = 1e-12


def sgd(*lrs: float) -> torch.optim.SGD:
    groups = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs or (0.1, 0.02)]
    return torch.optim.SGD(groups, momentum=0.9)


def pair(**kwargs: Any) -> tuple[Any, torch.optim.Optimizer, Any, torch.optim.Optimizer]:
    opt_t, opt = sgd(), sgd()
    return (
        L.CosineAnnealingWarmRestarts(opt_t, **kwargs),
        opt_t,
        ours.CosineAnnealingWarmRestarts(opt, **kwargs),
        opt,
    )


def same_state(sched_t: Any, opt_t: torch.optim.Optimizer, sched: Any, opt: torch.optim.Optimizer) -> None:
    lrs_t = [g["lr"] for g in opt_t.param_groups]
    assert [g["lr"] for g in opt.param_groups] == pytest.approx(lrs_t, rel=RTOL)
    assert (sched.T_cur, sched.T_i, sched.last_epoch) == pytest.approx(
        (sched_t.T_cur, sched_t.T_i, sched_t.last_epoch), rel=RTOL
    )
    assert sched.get_last_lr() == pytest.approx(sched_t.get_last_lr(), rel=RTOL)


@pytest.mark.parametrize("t_mult", [1, 2])
def test_fractional_epochs_as_torch(t_mult: int) -> None:
    """torch's documented loop: ``scheduler.step(epoch + i / iters)`` after every batch."""
    sched_t, opt_t, sched, opt = pair(T_0=3, T_mult=t_mult, eta_min=1e-3)
    iters = 7
    for epoch in range(12):
        for i in range(iters):
            opt_t.step()
            opt.step()
            sched_t.step(epoch + i / iters)
            sched.step(epoch + i / iters)
            same_state(sched_t, opt_t, sched, opt)


def test_stepping_on_from_a_fractional_epoch_as_torch() -> None:
    sched_t, opt_t, sched, opt = pair(T_0=4, T_mult=2)
    for s in (sched_t, sched):
        s.step(2.25)
    for _ in range(20):  # T_cur keeps its fraction, last_epoch counts whole steps
        same_state(sched_t, opt_t, sched, opt)
        sched_t.step()
        sched.step()


def test_interleaved_steps_and_jumps_as_torch() -> None:
    """torch's docstring: step() 20 times, step(26), then step() goes on from 27."""
    sched_t, opt_t, sched, opt = pair(T_0=10, T_mult=2)
    for _ in range(20):
        sched_t.step()
        sched.step()
    for s in (sched_t, sched):
        s.step(26)
    for _ in range(40):
        same_state(sched_t, opt_t, sched, opt)
        sched_t.step()
        sched.step()


@pytest.mark.parametrize("value", [0, 3, 2.5, 9])
def test_t_cur_can_be_set_as_in_torch(value: float) -> None:
    sched_t, opt_t, sched, opt = pair(T_0=10)
    for _ in range(4):
        sched_t.step()
        sched.step()
    sched_t.T_cur = sched.T_cur = value
    for _ in range(25):
        sched_t.step()
        sched.step()
        same_state(sched_t, opt_t, sched, opt)


def test_t_i_can_be_set_as_in_torch() -> None:
    sched_t, opt_t, sched, opt = pair(T_0=5, T_mult=2)
    sched_t.T_i = sched.T_i = 8
    for _ in range(40):
        sched_t.step()
        sched.step()
        same_state(sched_t, opt_t, sched, opt)


def roundtrip(state: dict[str, Any]) -> dict[str, Any]:
    buf = io.BytesIO()
    torch.save(state, buf)
    buf.seek(0)
    return torch.load(buf, weights_only=False)


@pytest.mark.parametrize("direction", ["torch to ours", "ours to torch"])
def test_a_fractional_position_survives_a_checkpoint(direction: str) -> None:
    sched_t, opt_t, sched, opt = pair(T_0=6, T_mult=2)
    source, source_opt = (sched_t, opt_t) if direction == "torch to ours" else (sched, opt)
    source.step(4.75)
    states = roundtrip(source_opt.state_dict()), roundtrip(source.state_dict())
    module = ours if direction == "torch to ours" else L
    opt2 = sgd()
    loaded = module.CosineAnnealingWarmRestarts(opt2, T_0=50)
    opt2.load_state_dict(states[0])
    loaded.load_state_dict(states[1])
    for _ in range(30):
        source.step()
        loaded.step()
        assert [g["lr"] for g in opt2.param_groups] == pytest.approx(
            [g["lr"] for g in source_opt.param_groups], rel=RTOL
        )
        assert (loaded.T_cur, loaded.T_i) == pytest.approx((source.T_cur, source.T_i), rel=RTOL)


def test_whole_steps_are_the_closed_form_bit_for_bit() -> None:
    """While T_cur is the whole number of steps since the last restart, the values are the schedule's."""
    from lightning_lr.optim import ScheduleLR
    from lightning_lr.schedules import CosineRestarts

    opt, ref_opt = sgd(), sgd()
    sched = ours.CosineAnnealingWarmRestarts(opt, T_0=7, T_mult=3, eta_min=1e-4)
    ref = ScheduleLR(ref_opt, lr=[CosineRestarts(b, 7, 3, final=1e-4) for b in (0.1, 0.02)])
    sched.step(2.5)  # off the grid ...
    sched.step(3)  # ... and back on it
    ref.step(3)
    for _ in range(3000):
        opt.step()
        sched.step()
        ref.step()
        assert [g["lr"] for g in opt.param_groups] == [g["lr"] for g in ref_opt.param_groups]


@pytest.mark.parametrize(
    "huge", [2**62, 10**19, 10**400, 2.0**62, 1e19, 1e300, torch.tensor(2**62), torch.tensor(1e19)]
)
def test_an_epoch_past_2_62_is_refused_by_name_as_by_every_drop_in(huge: Any) -> None:
    # review 125: step(10**19), step(1e19) and step(1e300) raised a bare OverflowError ("Python int too large
    # to convert to C long"); the other drop-ins' step(epoch) refuses an epoch past 2**62 by name
    opt = sgd()
    sched = ours.CosineAnnealingWarmRestarts(opt, T_0=5, T_mult=2)
    sched.step(7.5)
    before = (sched.last_epoch, sched.T_cur, sched.T_i, [g["lr"] for g in opt.param_groups])
    with pytest.raises(ValueError, match=r"^epoch must be a step below 2\*\*62, got "):
        sched.step(huge)
    assert (sched.last_epoch, sched.T_cur, sched.T_i, [g["lr"] for g in opt.param_groups]) == before


@pytest.mark.parametrize("epoch", [2**62 - 1, torch.tensor(2**62 - 1)])
def test_an_integer_epoch_is_taken_exactly(epoch: Any) -> None:
    # review 125: the epoch went through a float, so step(2**62 - 1) set last_epoch to 2**62 (and T_cur to
    # 2**62's place in the cycle: 4 where 2**62 - 1 is at 3, 2**62 - 1 = 5 * k + 3)
    opt, at_3 = sgd(), sgd()
    sched = ours.CosineAnnealingWarmRestarts(opt, T_0=5)
    sched.step(epoch)
    assert sched.last_epoch == 2**62 - 1 and type(sched.last_epoch) is int
    assert (sched.T_cur, sched.T_i) == (3, 5)
    ours.CosineAnnealingWarmRestarts(at_3, T_0=5).step(3)
    assert [g["lr"] for g in opt.param_groups] == [g["lr"] for g in at_3.param_groups]
    doubling = ours.CosineAnnealingWarmRestarts(sgd(), T_0=1, T_mult=2)
    doubling.step(2**62 - 1)  # the cycles 1, 2, 4, ..., 2**61 end at 2**62 - 2: a restart at 2**62 - 1
    assert (doubling.last_epoch, doubling.T_cur, doubling.T_i) == (2**62 - 1, 0, 2**62)


def test_a_negative_epoch_is_refused() -> None:
    sched = ours.CosineAnnealingWarmRestarts(sgd(), T_0=5)
    with pytest.raises(ValueError, match="epoch must be >= 0, got -1"):
        sched.step(-1)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
def test_eta_min_equal_to_a_low_precision_tensor_lr_runs_as_torch(dtype: torch.dtype) -> None:
    # review 106: eta_min=1e-4 with a float32 LR of 1e-4 (9.9999997e-05) was refused as above the LR, with a
    # message that printed the two as the same number; torch runs it, holding the LR there
    def lrs(module: Any) -> list[float]:
        opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=torch.tensor(1e-4, dtype=dtype))
        sched = module.CosineAnnealingWarmRestarts(opt, T_0=3, eta_min=1e-4)
        out = []
        for _ in range(8):
            out.append(float(opt.param_groups[0]["lr"]))
            opt.step()
            sched.step()
        return out

    assert lrs(ours) == lrs(L)


def test_eta_min_above_the_lr_says_both_in_enough_digits() -> None:
    # a float64 LR just below eta_min is still refused (a documented difference), in digits that tell them apart
    opt = torch.optim.SGD(
        [torch.nn.Parameter(torch.zeros(1))], lr=torch.tensor(1e-4 - 1e-12, dtype=torch.float64)
    )
    with pytest.raises(ValueError) as info:
        ours.CosineAnnealingWarmRestarts(opt, T_0=3, eta_min=1e-4)
    assert str(info.value) == (
        "eta_min must be <= the initial LR of param group 0 (9.999999900000001e-05), got 0.0001"
    )
