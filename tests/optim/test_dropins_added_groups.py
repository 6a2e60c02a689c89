"""A param group added to the optimizer mid-run (``optimizer.add_param_group``, progressive unfreezing).

torch's recursive schedulers scale every group, the added one included; ours give the same LRs. Where torch
raises at the next step (torch 2.13: OneCycleLR, MultiplicativeLR, CyclicLR, LambdaLR,
CosineAnnealingWarmRestarts, and CosineAnnealingLR at the bottom of its cosine), ours schedule it too: it
keeps its ratio to the first group's LR from the step it was added on. A checkpoint taken after the addition resumes bit for bit.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from typing import Any

import pytest
import torch
from torch.optim import lr_scheduler as L

import lightning_lr.optim as ours
from lightning_lr.optim import ScheduleLR
from lightning_lr.schedules import Constant, CosineDecay, ExponentialDecay, Linear, MultiStepDecay

ADDED_AT = 3  # the group is added before this step
STEPS = 40
CHAINABLE: dict[str, Callable[[Any, torch.optim.Optimizer], Any]] = {
    "StepLR": lambda m, o: m.StepLR(o, 3, 0.5),
    "MultiStepLR": lambda m, o: m.MultiStepLR(o, [2, 5, 9], 0.3),
    "ExponentialLR": lambda m, o: m.ExponentialLR(o, 0.9),
    "LinearLR": lambda m, o: m.LinearLR(o, 0.4, total_iters=6),
    "PolynomialLR": lambda m, o: m.PolynomialLR(o, total_iters=30, power=2.0),
}
OTHERS: dict[str, Callable[[Any, torch.optim.Optimizer], Any]] = {
    "MultiplicativeLR": lambda m, o: m.MultiplicativeLR(o, _shrink),
    "CosineAnnealingLR": lambda m, o: m.CosineAnnealingLR(o, T_max=17),
    "OneCycleLR": lambda m, o: m.OneCycleLR(o, 0.1, total_steps=60),
    "CyclicLR": lambda m, o: m.CyclicLR(o, 0.01, 0.1, step_size_up=4),
    "LambdaLR": lambda m, o: m.LambdaLR(o, _decay),
    "CosineAnnealingWarmRestarts": lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2),
}


def _shrink(t: int) -> float:
    return 0.97


def _decay(t: int) -> float:
    return 1 / (1 + t)


def _sgd() -> torch.optim.SGD:
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.05, momentum=0.9)


def _add(opt: torch.optim.Optimizer) -> None:
    opt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.02})


def _roundtrip(state: dict[str, Any]) -> dict[str, Any]:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


def _run(
    module: Any,
    make: Callable[[Any, torch.optim.Optimizer], Any],
    cut: int | None = None,
    rebuilt: bool = False,
) -> list[list[float]]:
    """LR and momentum of every group before each step; with ``cut``, the run is saved there and resumed in a
    new optimizer and scheduler: one made with one group and given the second before loading (as Lightning's
    BaseFinetuning does), or with ``rebuilt``, an optimizer made with both groups before the scheduler."""
    opt = _sgd()
    sched = make(module, opt)
    out = []
    for t in range(STEPS):
        if t == ADDED_AT:
            _add(opt)
        if t == cut:
            opt_state, sched_state = _roundtrip(opt.state_dict()), _roundtrip(sched.state_dict())
            opt = _sgd()
            if rebuilt:
                _add(opt)
            sched = make(module, opt)
            if not rebuilt:
                _add(opt)
            opt.load_state_dict(opt_state)
            sched.load_state_dict(sched_state)
        out.append([float(g["lr"]) for g in opt.param_groups] + [g["momentum"] for g in opt.param_groups])
        opt.step()
        sched.step()
    return out


@pytest.mark.parametrize("name", list(CHAINABLE))
def test_the_recursive_ones_scale_the_added_group_as_torchs_do(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's own warnings, the same for both
        want, got = _run(L, CHAINABLE[name]), _run(ours, CHAINABLE[name])
    for t, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g == pytest.approx(w, rel=1e-12), f"step {t}"


@pytest.mark.parametrize("name", list(OTHERS))
def test_the_others_keep_the_added_groups_ratio_to_the_first_group(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = _run(ours, OTHERS[name])
    ratio = got[ADDED_AT][1] / got[ADDED_AT][0]
    for row in got[ADDED_AT:]:
        assert row[1] == pytest.approx(ratio * row[0], rel=1e-12)
    for row in got[ADDED_AT + 1 :]:  # from the next step on (the group came with SGD's momentum)
        assert row[3] == row[2]  # the momentum (cycled by OneCycleLR and CyclicLR) follows the first group's
    assert len({row[0] for row in got[ADDED_AT:]}) >= 5  # the schedule does move


@pytest.mark.parametrize("rebuilt", [False, True], ids=["group added again", "optimizer rebuilt"])
@pytest.mark.parametrize("name", [*CHAINABLE, *OTHERS])
def test_a_checkpoint_after_the_addition_resumes_bit_for_bit(name: str, rebuilt: bool) -> None:
    make = {**CHAINABLE, **OTHERS}[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert _run(ours, make, cut=11, rebuilt=rebuilt) == _run(ours, make)


def test_state_dict_covers_the_added_group_before_the_next_step_and_get_last_lr_is_torchs() -> None:
    opt = _sgd()
    sched = ours.StepLR(opt, 3, 0.5)
    opt.step()
    sched.step()
    _add(opt)
    # review 106: torch's get_last_lr() has no entry for a group added since the last step (ours gave its LR,
    # which the scheduler never wrote); the next step covers it
    assert sched.get_last_lr() == [0.05]
    assert sched.state_dict()["added_groups"] == [[1, 0, 0.02 / 0.05]]
    assert sched.state_dict()["_last_lr"] == [0.05]
    opt.step()
    sched.step()
    assert sched.get_last_lr() == [0.05, 0.02]
    assert "added_groups" not in ours.StepLR(_sgd(), 3, 0.5).state_dict()  # torch's keys alone until then


def test_a_group_added_while_the_first_groups_lr_is_0_keeps_its_lr_with_a_warning() -> None:
    opt = _sgd()
    sched = ScheduleLR(opt, lr=Linear(0.0, 0.1, 10))  # a warm-up from 0
    _add(opt)
    with pytest.warns(
        UserWarning, match=r"param group 1 was added to SGD at step 0 with LR 0.02; param group 0's LR is 0"
    ):
        opt.step()
        sched.step()
    for _ in range(3):
        opt.step()
        sched.step()
    assert [g["lr"] for g in opt.param_groups] == [pytest.approx(0.04), 0.02]
    assert sched.added_groups == {1: None}


def test_set_schedule_after_an_addition_takes_one_schedule_per_group() -> None:
    opt = _sgd()
    sched = ScheduleLR(opt, lr=CosineDecay(0.05, 100))
    _add(opt)
    with pytest.raises(ValueError, match=r"lr has 3 schedules; give one Schedule, one per param group the "):
        sched.set_schedule([Constant(0.1)] * 3)
    sched.set_schedule([Constant(0.1), Constant(0.01)])
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.01]
    assert sched.added_groups == {}


def test_a_checkpoint_with_groups_the_optimizer_no_longer_has_warns() -> None:
    opt = _sgd()
    sched = ScheduleLR(opt, lr=CosineDecay(0.05, 100))
    _add(opt)
    opt.step()
    sched.step()
    state = sched.state_dict()
    fresh = ScheduleLR(_sgd(), lr=CosineDecay(0.05, 100))
    with pytest.warns(UserWarning, match=r"also scheduled param groups \[1\].*add them again before loading"):
        fresh.load_state_dict(state)


def test_removing_a_group_is_an_error() -> None:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1)), torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    opt.param_groups = [{**opt.param_groups[0], "params": [opt.param_groups[0]["params"][0]]}]
    opt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.1})
    sched = ScheduleLR(opt, lr=Constant(0.1))
    del opt.param_groups[1]
    with pytest.raises(RuntimeError, match="has 1 param group, fewer than the 2 it schedules"):
        sched.step()


CHAINS: dict[str, Callable[[Any, torch.optim.Optimizer], Any]] = {
    "ChainedScheduler": lambda m, o: L.ChainedScheduler([m.StepLR(o, 3, 0.5), m.ExponentialLR(o, 0.9)]),
    "side by side": lambda m, o: _Both(m.StepLR(o, 3, 0.5), m.ExponentialLR(o, 0.9)),
    "ours beside torch's": lambda m, o: _Both(m.StepLR(o, 3, 0.5), L.ExponentialLR(o, 0.9)),
}


class _Both:
    def __init__(self, *schedulers: Any) -> None:
        self.schedulers = schedulers

    def step(self) -> None:
        for s in self.schedulers:
            s.step()


@pytest.mark.parametrize("name", list(CHAINS))
def test_in_a_chain_the_added_group_is_scaled_as_torchs_are(name: str) -> None:
    # each scheduler scales the group by its own change from the LR the group has, not by its ratio to the
    # first group's LR, which the other scheduler changed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want, got = _run(L, CHAINS[name]), _run(ours, CHAINS[name])
    for t, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g == pytest.approx(w, rel=1e-12), f"step {t}"


def test_a_floor_applies_to_the_added_group_at_its_ratio() -> None:
    opt = _sgd()
    sched = ScheduleLR(opt, lr=Constant(0.05))
    sched.set_scale(MultiStepDecay(1.0, milestones=[2, 4, 6], gamma=0.5), floors=0.01)
    for _ in range(2):
        opt.step()
        sched.step()
    _add(opt)  # at 0.02 while the first group is at 0.025: ratio 0.8, floor 0.008
    for _ in range(6):
        opt.step()
        sched.step()
    assert [g["lr"] for g in opt.param_groups] == [0.01, pytest.approx(0.008)]


def test_set_schedule_for_the_groups_it_was_made_for_keeps_the_added_ones_following() -> None:
    for relative in (False, True):
        opt = _sgd()
        sched = ScheduleLR(opt, lr=CosineDecay(1.0 if relative else 0.05, 100), relative=relative)
        opt.step()
        sched.step()
        _add(opt)
        opt.step()
        sched.step()
        ratio = opt.param_groups[1]["lr"] / opt.param_groups[0]["lr"]
        sched.set_schedule(Constant(1.0 if relative else 0.1))  # one schedule: the first group's
        first = 0.05 if relative else 0.1
        assert [g["lr"] for g in opt.param_groups] == [pytest.approx(first), pytest.approx(ratio * first)]
        sched.set_schedule([Constant(1.0), Constant(0.5)] if relative else [Constant(0.1), Constant(0.01)])
        opt.step()
        sched.step()  # a list for every group, the added one included: it has its own from now on
        assert sched.added_groups == {}
        assert opt.param_groups[1]["lr"] == pytest.approx(0.01)


def test_a_scaled_group_left_alone_is_scaled_from_the_lr_it_was_added_with() -> None:
    opt = _sgd()
    sched = ScheduleLR(opt, lr=Linear(0.0, 0.1, 10))
    _add(opt)
    with pytest.warns(UserWarning, match="keeps its LR"):
        opt.step()
        sched.step()
    sched.set_scale(MultiStepDecay(1.0, milestones=[2], gamma=0.5))
    for _ in range(5):
        opt.step()
        sched.step()
        sched.set_scale(MultiStepDecay(1.0, milestones=[2], gamma=0.5))  # as ReduceOnPlateau re-applies
    assert opt.param_groups[1]["lr"] == 0.01  # once halved, not compounded


def test_a_relative_drop_in_given_a_schedule_for_every_group_scales_the_added_one_from_its_lr() -> None:
    opt = _sgd()
    sched = ours.ExponentialLR(opt, 0.9)
    opt.step()
    sched.step()
    _add(opt)  # at 0.02
    opt.step()
    sched.step()
    sched.set_schedule([ExponentialDecay(1.0, 0.9), Constant(0.5)])  # relative: times each group's base
    assert sched.added_groups == {}
    opt.step()
    sched.step()
    assert [g["lr"] for g in opt.param_groups] == [pytest.approx(0.05 * 0.9**3), pytest.approx(0.01)]


@pytest.mark.parametrize("after", ["torch's ExponentialLR", "the ExponentialLR drop-in"])
def test_a_scheduler_after_schedule_lr_in_a_chain_does_not_move_the_added_groups_ratio(after: str) -> None:
    # the later scheduler scales every group; the added group follows ScheduleLR's change as the first does
    opt = _sgd()
    first = ScheduleLR(opt, lr=CosineDecay(0.05, 100))
    second = L.ExponentialLR(opt, 0.9) if after.startswith("torch") else ours.ExponentialLR(opt, 0.9)
    chain = L.ChainedScheduler([first, second])
    ratios = []
    for t in range(12):
        if t == 3:
            _add(opt)
        opt.step()
        chain.step()
        if t >= 3:
            ratios.append(opt.param_groups[1]["lr"] / opt.param_groups[0]["lr"])
    assert ratios == [pytest.approx(ratios[0], rel=1e-12)] * len(
        ratios
    )  # before the fix it shrank 0.9x a step
    assert first.added_groups[1] == (0, pytest.approx(ratios[0], rel=1e-12))


def test_a_float32_tensor_lr_is_not_taken_for_a_change_by_its_owner() -> None:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=torch.tensor(0.05), momentum=0.9)
    sched = ScheduleLR(opt, lr=CosineDecay(0.05, 1000))
    opt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": torch.tensor(0.005)})
    opt.step()
    sched.step()
    ratio = sched.added_groups[1]
    for _ in range(300):
        opt.step()
        sched.step()
    assert sched.added_groups[1] == ratio  # rounding to float32 is not an owner's change


def _last_lr_case(module: Any, case: str) -> tuple[list[float], list[Any]]:
    opt = _sgd()
    if case == "left alone, then cut":
        # PolynomialLR past its end (the first group at LR 0): the added group is left at its LR; a plateau's
        # cut (or the user's) then shows in get_last_lr() after the next step, as the group holds it
        sched = module.PolynomialLR(opt, total_iters=2)
        for _ in range(3):
            opt.step()
            sched.step()
        _add(opt)
        opt.step()
        sched.step()
        opt.param_groups[1]["lr"] = 0.001
        opt.step()
        sched.step()
        return [g["lr"] for g in opt.param_groups], sched.get_last_lr()
    # SequentialLR: a group added while the second phase is not active yet, which has not stepped since
    a = module.ExponentialLR(opt, gamma=0.9)
    b = module.StepLR(opt, step_size=2, gamma=0.5)
    seq = L.SequentialLR(opt, [a, b], milestones=[5])
    opt.step()
    seq.step()
    _add(opt)
    return [g["lr"] for g in opt.param_groups], b.get_last_lr()


@pytest.mark.parametrize("case", ["left alone, then cut", "a phase not active yet"])
def test_get_last_lr_after_an_added_group_is_torchs(case: str) -> None:
    # review 106: ours gave 0.01 where the group held (and torch gives) 0.001, and an entry for a group that
    # phase never wrote, where torch has none
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = _last_lr_case(L, case)
        got = _last_lr_case(ours, case)
    assert got == want


def test_an_added_group_with_a_tensor_lr_keeps_the_lr_it_was_added_with() -> None:
    # review 109: initial_lr was the group's LR tensor itself, so it moved with every step (0.25, not 2.0)
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=torch.tensor(1.0))
    sched = ours.StepLR(opt, 1, 0.5)
    opt.step()
    sched.step()
    opt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": torch.tensor(2.0)})
    for _ in range(3):
        opt.step()
        sched.step()
    group = opt.param_groups[1]
    assert float(group["initial_lr"]) == 2.0 and float(group["lr"]) == 0.25
