"""ScheduleLR.set_scale: a per-group scale schedule and floor on top of the LR schedules (the mechanism of
ReduceOnPlateau), across blocks, for vectorized and user-function schedules, through set_schedule and
resume."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lightning_lr import schedules as S
from lightning_lr.optim import ScheduleLR

N = 2500  # crosses two block boundaries (1024)
SCALE = S.MultiStepDecay(1.0, milestones=[100, 1024, 1500, 1500], gamma=0.5)


def optimizer(lrs=(0.1, 0.01), tensor: bool = False) -> torch.optim.SGD:
    groups = [
        {"params": [torch.nn.Parameter(torch.zeros(1))], "lr": torch.tensor(lr) if tensor else lr}
        for lr in lrs
    ]
    return torch.optim.SGD(groups, lr=0.1)


def trace(sched: ScheduleLR, n: int = N) -> np.ndarray:
    rows = []
    for _ in range(n):
        rows.append([float(g["lr"]) for g in sched.optimizer.param_groups])
        sched.step()
    return np.array(rows)


def expected(base: np.ndarray, scale: S.Schedule, floor: float | None) -> np.ndarray:
    scaled = base * scale.values(len(base))
    return scaled if floor is None else np.maximum(scaled, np.minimum(base, floor))


def slow_cosine(t: int) -> float:
    return S.CosineDecay(0.1, total=N)(t)


@pytest.mark.parametrize(
    "lr",
    [S.CosineDecay(0.1, total=N), S.Lambda(slow_cosine)],
    ids=["vectorized", "user-function"],
)
def test_the_lr_is_the_schedule_times_the_scale_bounded_by_the_floor(lr) -> None:
    sched = ScheduleLR(optimizer(), lr=[lr, None])
    sched.set_scale([SCALE, SCALE], floors=[0.01, None])
    out = trace(sched)
    np.testing.assert_array_equal(out[:, 0], expected(S.CosineDecay(0.1, total=N).values(N), SCALE, 0.01))
    # a group without an LR schedule is scaled from its initial_lr
    np.testing.assert_array_equal(out[:, 1], expected(np.full(N, 0.01), SCALE, None))
    assert out[-1, 0] < 0.01 < out[1400, 0] and out[1600, 0] == 0.01  # the floor bounds the scale only


def test_relative_schedules_and_tensor_lrs_are_scaled_in_place() -> None:
    opt = optimizer(tensor=True)
    tensors = [g["lr"] for g in opt.param_groups]
    sched = ScheduleLR(opt, lr=S.Linear(1.0, 0.5, total=N), relative=True)
    sched.set_scale(SCALE)
    out = trace(sched)
    assert [g["lr"] for g in opt.param_groups] == tensors  # the same tensors, filled
    for i, lr in enumerate((0.1, 0.01)):
        base = S.Linear(1.0, 0.5, total=N).values(N) * lr
        np.testing.assert_allclose(out[:, i], expected(base, SCALE, None), rtol=1e-7)  # float32 tensors


def test_set_schedule_keeps_the_scale_and_none_removes_it() -> None:
    sched = ScheduleLR(optimizer(), lr=S.Constant(0.1))
    sched.set_scale(SCALE, floors=0.0)
    trace(sched, 200)
    sched.set_schedule(S.Constant(0.2))
    assert sched.get_last_lr() == [0.1, 0.1] == [0.2 * SCALE(200)] * 2
    sched.set_scale(None)
    assert sched.get_last_lr() == [0.2, 0.2]
    assert sched.state_dict()["lr_scales"] == [None, None]


def test_a_resume_applies_bitwise_the_same_values() -> None:
    full = ScheduleLR(optimizer(), lr=S.CosineDecay(0.1, total=N))
    full.set_scale(SCALE, floors=0.02)
    uninterrupted = trace(full)
    for k in (1100, 1500, 2047):
        resumed = ScheduleLR(optimizer(), lr=S.CosineDecay(0.1, total=N))
        resumed.set_scale(SCALE, floors=0.02)
        resumed.load_state_dict({"last_epoch": k, "_step_count": k + 1})
        np.testing.assert_array_equal(trace(resumed, N - k), uninterrupted[k:])


def test_errors_say_what_is_allowed() -> None:
    sched = ScheduleLR(optimizer(), lr=S.Constant(0.1))
    with pytest.raises(ValueError, match=r"scales has 3 schedules but the optimizer has 2 param groups"):
        sched.set_scale([SCALE] * 3)
    with pytest.raises(
        TypeError, match=r"scales must be a Schedule or a list of one Schedule per param group"
    ):
        sched.set_scale(0.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"floors must be one number or a list of 2 \(one per param group\)"):
        sched.set_scale(SCALE, floors=[0.0])
    with pytest.raises(ValueError, match=r"floors\[1\] must be a finite number >= 0 or None, got -1"):
        sched.set_scale(SCALE, floors=[0.0, -1])
    assert sched.lr_scales == [None, None]  # a failed call changes nothing
