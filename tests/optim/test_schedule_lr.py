"""ScheduleLR: the one torch scheduler that applies pure schedules."""

from __future__ import annotations

import gc
import io
import pickle
import re
import warnings
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lightning_lr.optim import ScheduleLR, momentum_key
from lightning_lr.optim.schedule_lr import BLOCK, shared_runs
from lightning_lr.schedules import (
    Constant,
    CosineDecay,
    CosineRestarts,
    Cyclic,
    ExponentialDecay,
    Lambda,
    Linear,
    Multiplicative,
    OneCycle,
    Schedule,
    StepDecay,
    WarmupStableDecay,
    join,
    warmup,
)


def groups(*lrs: float | torch.Tensor) -> list[dict[str, Any]]:
    return [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs]


def sgd(*lrs: float | torch.Tensor, momentum: float | torch.Tensor = 0.9) -> torch.optim.SGD:
    return torch.optim.SGD(groups(*(lrs or (0.1,))), momentum=momentum)


def adam(*lrs: float | torch.Tensor, betas: tuple[Any, Any] = (0.9, 0.999)) -> torch.optim.Adam:
    return torch.optim.Adam(groups(*(lrs or (0.1,))), betas=betas)


def lrs_of(opt: torch.optim.Optimizer) -> list[float]:
    return [float(g["lr"]) for g in opt.param_groups]


def roundtrip(state: dict[str, Any]) -> dict[str, Any]:
    buf = io.BytesIO()
    torch.save(state, buf)
    buf.seek(0)
    return torch.load(buf)  # weights_only=True (torch's default): plain data only


def halve_every_10(t: int) -> float:
    return 0.1 * 0.5 ** (t // 10)


def ninety_nine(t: int) -> float:
    return 0.99


ONE = OneCycle(1.0, total_steps=5000)


# --- applying values -----------------------------------------------------------------------------------
def test_applies_the_schedule_from_step_zero() -> None:
    opt = sgd()
    sched = ScheduleLR(opt, lr=ONE, momentum=ONE.momentum())
    for t in range(3000):
        assert opt.param_groups[0]["lr"] == ONE(t)
        assert opt.param_groups[0]["momentum"] == ONE.momentum()(t)
        assert sched.last_epoch == t
        sched.step()


def test_a_tensor_lr_is_filled_in_place_and_a_tensor_momentum_gets_a_tensor_of_its_own_once() -> None:
    # the LR tensor is filled in place, as torch's schedulers do; the user's momentum tensor is left alone (it
    # may be shared, review 132): the first write puts one of the project's own in the group, filled from then on
    lr = torch.tensor(0.1, dtype=torch.float64)
    mom = torch.tensor(0.9, dtype=torch.float64)
    opt = sgd(lr, momentum=mom)
    sched = ScheduleLR(opt, lr=ONE, momentum=ONE.momentum())
    beta1 = torch.tensor(0.9, dtype=torch.float64)
    beta2 = torch.tensor(0.999, dtype=torch.float64)
    opt_a = adam(torch.tensor(0.1, dtype=torch.float64), betas=(beta1, beta2))
    lr_a = opt_a.param_groups[0]["lr"]
    sched_a = ScheduleLR(opt_a, lr=ONE, momentum=ONE.momentum())
    own_mom, own_beta1 = opt.param_groups[0]["momentum"], opt_a.param_groups[0]["betas"][0]
    for own in (own_mom, own_beta1):
        assert isinstance(own, torch.Tensor) and own.dtype == torch.float64 and own.device == mom.device
    assert own_mom is not mom and own_beta1 is not beta1
    for t in range(1, 2100):
        sched.step()
        sched_a.step()
        g, ga = opt.param_groups[0], opt_a.param_groups[0]
        assert g["lr"] is lr and g["momentum"] is own_mom and ga["lr"] is lr_a and ga["betas"][0] is own_beta1
        assert lr.item() == ONE(t) and own_mom.item() == ONE.momentum()(t)
        assert lr_a.item() == ONE(t) and own_beta1.item() == ONE.momentum()(t) and ga["betas"][1] is beta2
    assert mom.item() == 0.9 and beta1.item() == 0.9  # the user's tensors
    assert isinstance(sched.get_last_lr()[0], torch.Tensor)
    assert sched.get_last_lr()[0] is not lr  # a copy, as in torch
    assert sched.get_last_momentum() == [ONE.momentum()(2099)]


def test_float_betas_are_replaced_keeping_beta2() -> None:
    opt = adam(betas=(0.9, 0.98))
    ScheduleLR(opt, lr=Constant(0.1), momentum=Constant(0.5))
    assert opt.param_groups[0]["betas"] == (0.5, 0.98)
    assert momentum_key(opt.param_groups[0]) == "betas"
    assert momentum_key(sgd().param_groups[0]) == "momentum"
    assert momentum_key(torch.optim.Adagrad(groups(0.1)).param_groups[0]) is None


def test_per_group_lists_and_none_entries() -> None:
    opt = sgd(0.1, 0.2, 0.3)
    a, b = CosineDecay(1.0, total=100), StepDecay(0.5, every=7)
    sched = ScheduleLR(opt, lr=[a, None, b], momentum=[None, Constant(0.5), None])
    for t in range(150):
        assert lrs_of(opt) == [a(t), 0.2, b(t)]
        assert [g["momentum"] for g in opt.param_groups] == [0.9, 0.5, 0.9]
        sched.step()
    assert sched.get_lr() == [a(149), 0.2, b(149)]


def test_relative_mode_multiplies_each_groups_initial_lr() -> None:
    shape = warmup(CosineDecay(1.0, total=500), steps=50)
    opt = sgd(0.1, torch.tensor(0.02, dtype=torch.float64), 0.0)
    sched = ScheduleLR(opt, lr=shape, relative=True)
    for t in range(600):
        assert lrs_of(opt) == [shape(t) * 0.1, shape(t) * 0.02, 0.0]
        sched.step()
    assert sched.base_lrs[0] == 0.1


def test_one_schedule_object_for_many_groups_is_evaluated_once_per_step() -> None:
    calls = []

    def counted(t: int) -> float:
        calls.append(t)
        return 0.1

    opt = sgd(0.1, 0.2, 0.3, 0.4)
    sched = ScheduleLR(opt, lr=Lambda(counted), relative=True)
    for _ in range(20):
        sched.step()
    assert calls == list(range(21))  # once per step, and only for the steps taken
    assert lrs_of(opt) == pytest.approx([0.01, 0.02, 0.03, 0.04])


def test_user_functions_are_only_called_for_steps_taken() -> None:
    table = [0.1, 0.05, 0.01]  # defined for three steps only: evaluating ahead would raise IndexError
    opt = sgd()
    sched = ScheduleLR(opt, lr=Lambda(table.__getitem__))
    sched.step()
    sched.step()
    assert lrs_of(opt) == [0.01]
    with pytest.raises(IndexError):
        sched.step()


def test_multiplicative_keeps_its_running_product() -> None:
    opt = sgd(1.0)
    sched = ScheduleLR(opt, lr=Multiplicative(1.0, ninety_nine))
    for _ in range(3000):
        sched.step()
    assert lrs_of(opt)[0] == pytest.approx(0.99**3000, rel=1e-9)


# --- errors ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (dict(lr=[Constant(0.1)]), ValueError, "lr has 1 schedule but the optimizer has 2 param groups"),
        (
            dict(lr=Constant(0.1), momentum=[Constant(0.9)] * 3),
            ValueError,
            "momentum has 3 schedules but the optimizer has 2",
        ),
        (dict(lr=0.1), TypeError, "lr must be a Schedule or a list of one Schedule per param group, got 0.1"),
        (
            dict(lr=None),
            TypeError,
            "lr must be a Schedule or a list of one Schedule per param group, got None",
        ),
        (dict(lr="cosine"), TypeError, "lr must be a Schedule or a list .* got 'cosine'"),
        (
            dict(lr=[Constant(0.1), 0.2]),
            TypeError,
            r"lr\[1\] must be a Schedule \(or None to leave the group alone\), got 0.2",
        ),
        (dict(lr=Constant(0.1), momentum=0.9), TypeError, "momentum must be a Schedule or a list"),
        (
            dict(lr=Constant(0.1), last_epoch=-2),
            ValueError,
            "last_epoch must be an integer >= -1 and below 2\\*\\*62, got -2",
        ),
        (
            dict(lr=Constant(0.1), last_epoch=1.5),
            ValueError,
            "last_epoch must be an integer >= -1 and below 2\\*\\*62, got 1.5",
        ),
    ],
)
def test_wrong_arguments(kwargs: dict[str, Any], exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        ScheduleLR(sgd(0.1, 0.2), **kwargs)


def test_momentum_on_an_optimizer_without_it_is_an_error() -> None:
    opt = torch.optim.Adagrad(groups(0.1), lr=0.1)
    with pytest.raises(
        ValueError, match="param group 0 of Adagrad has neither 'momentum' nor 'betas'; pass momentum=None"
    ):
        ScheduleLR(opt, lr=Constant(0.1), momentum=Constant(0.9))
    ScheduleLR(opt, lr=Constant(0.05))  # LR only is fine
    assert lrs_of(opt) == [0.05]


@pytest.mark.parametrize("adam", [False, True], ids=["SGD momentum", "Adam beta1"])
@pytest.mark.parametrize(
    ("momentum", "step", "value"),
    [
        (Constant(1.5), 0, "1.5"),
        (Linear(0.9, 1.2, total=16), 6, "1.0125"),  # found in the block computed ahead, before the step
        (Linear(0.9, 1.2, total=4 * BLOCK), 1366, "1.00005"),  # in a later block: when it is computed
        (Lambda(lambda t: 0.9 + 0.05 * t), 2, "1"),  # a function: as each step is read
    ],
    ids=["1.5", "rises above 1", "rises above 1 later", "a function"],
)
def test_a_momentum_outside_0_1_is_an_error_naming_the_group_and_step(
    adam: bool, momentum: Any, step: int, value: str
) -> None:
    # before: SGD trained with momentum 1.5, and Adam with beta1 1 divided by zero in its bias correction
    params = groups(0.1)
    opt = torch.optim.Adam(params, lr=0.1) if adam else torch.optim.SGD(params, lr=0.1, momentum=0.9)
    what = r"beta1 \(betas\[0\]\)" if adam else "momentum"
    match = rf"param group 0 of {type(opt).__name__} gives {what} = {value} at step {step}; a momentum must be in \[0, 1\)"
    with pytest.raises(ValueError, match=match):
        sched = ScheduleLR(opt, lr=Constant(0.1), momentum=momentum)
        for _ in range(2 * BLOCK):
            sched.step()
            assert 0 <= (opt.param_groups[0]["betas"][0] if adam else opt.param_groups[0]["momentum"]) < 1


def _float64(*lrs: float) -> torch.optim.SGD:
    return torch.optim.SGD(
        [{"params": [torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))], "lr": lr} for lr in lrs]
    )


def _explodes(t: int) -> float:
    return 10.0 ** (37 + t)


FLOAT32 = (
    "more than its float32 parameters can take (torch converts the LR to their type, whose largest value is "
    "3.40282e+38, and the optimizer's step would fail naming no argument)"
)
KEEP = "Give values that keep the LR within range (a smaller peak or initial LR, a factor that grows it less)"


@pytest.mark.filterwarnings("ignore::lightning_lr.schedules.GrowthWarning", "ignore:overflow:RuntimeWarning")
@pytest.mark.parametrize(
    ("make", "opt", "step", "message"),
    [
        (
            lambda: Constant(1e39),
            lambda: sgd(0.1),
            0,
            f"ScheduleLR(lr=Constant(value=1e+39)): at optimizer step 0 its schedule gives param group 0 of SGD the "
            f"LR 1e+39, {FLOAT32}. {KEEP}",
        ),
        (  # found in the block computed ahead, refused at the step that writes it
            lambda: ExponentialDecay(0.1, gamma=1e20),
            lambda: sgd(0.1),
            2,
            f"ScheduleLR(lr=ExponentialDecay(initial=0.1, gamma=1e+20)): at optimizer step 2 its schedule gives "
            f"param group 0 of SGD the LR 1e+39, {FLOAT32}. {KEEP}",
        ),
        (  # float64 parameters take any finite LR, but no infinite one
            lambda: ExponentialDecay(0.1, gamma=1e200),
            lambda: _float64(0.1),
            2,
            "ScheduleLR(lr=ExponentialDecay(initial=0.1, gamma=1e+200)): at optimizer step 2 its schedule gives "
            f"param group 0 of SGD the LR inf, which is no finite number. {KEEP}",
        ),
        (  # a function: as each step is read
            lambda: Lambda(_explodes),
            lambda: sgd(0.1),
            2,
            "ScheduleLR(lr=Lambda(fn=_explodes)): at optimizer step 2 its schedule gives param group 0 of SGD the LR "
            f"1e+39, {FLOAT32}. {KEEP}",
        ),
        (  # relative: the schedule times the group's LR; the group named is the one that cannot take it
            lambda: [Constant(1.0), Constant(1e30)],
            lambda: sgd(0.1, 1e10),
            0,
            f"ScheduleLR(lr=Constant(value=1e+30), relative=True): at optimizer step 0 its schedule gives param group "
            f"1 of SGD the LR 1e+40, {FLOAT32}. {KEEP}",
        ),
    ],
    ids=["above float32", "grows past it", "inf on float64", "a function", "relative"],
)
def test_an_lr_the_optimizer_cannot_take_is_refused_naming_the_schedule_step_and_value(
    make: Any, opt: Any, step: int, message: str
) -> None:
    # review 122: nan, inf and 1e39 were written into the optimizer without a word (the LRSchedule callback
    # refused the same values); the message has the callback's shape
    optimizer = opt()
    relative = message.count("relative=True") > 0
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        sched = ScheduleLR(optimizer, lr=make(), relative=relative)
        for _ in range(5):
            before = lrs_of(optimizer)
            optimizer.step()
            sched.step()
    if step:  # refused before it was written: the group keeps the last LR it could take
        assert lrs_of(optimizer) == before


def test_a_float64_model_takes_any_finite_lr() -> None:
    opt = _float64(0.1)
    sched = ScheduleLR(opt, lr=ExponentialDecay(1e300, gamma=0.5))
    sched.step()
    assert lrs_of(opt) == [5e299]


def test_the_drop_ins_write_what_torchs_schedulers_write() -> None:
    # torch's ExponentialLR grows to inf without a word; the drop-in built on ScheduleLR keeps that
    from lightning_lr.optim import ExponentialLR

    opt = sgd(0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = ExponentialLR(opt, gamma=1e200)
        for _ in range(2):
            opt.step()
            sched.step()
    assert lrs_of(opt) == [float("inf")]


def test_a_list_of_only_none_is_refused() -> None:
    # review 122: lr=[None, None] stepped and scheduled nothing, without a word
    message = (
        "ScheduleLR: lr=[None, None] leaves every param group of SGD alone (None leaves a group's LR as it is) and "
        "no momentum is scheduled, so it would schedule nothing; give a Schedule for at least one param group"
    )
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        ScheduleLR(sgd(0.1, 0.2), lr=[None, None])
    sched = ScheduleLR(sgd(0.1, 0.2), lr=[None, None], momentum=Constant(0.8))  # momentum only: it schedules
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        sched.set_schedule([None, None])
    assert sched.momentum_schedules == [
        Constant(0.8),
        Constant(0.8),
    ]  # a refused set_schedule changes nothing


def test_not_an_optimizer() -> None:
    with pytest.raises(TypeError, match=r"optimizer must be a torch\.optim\.Optimizer, got list"):
        ScheduleLR([], lr=Constant(0.1))  # type: ignore[arg-type]


# --- stepping --------------------------------------------------------------------------------------------
def test_step_with_epoch_jumps_exactly_and_stepping_continues_from_there() -> None:
    opt = sgd()
    sched = ScheduleLR(opt, lr=ONE)
    sched.step(2500)
    assert (sched.last_epoch, lrs_of(opt)) == (2500, [ONE(2500)])
    sched.step()
    assert (sched.last_epoch, lrs_of(opt)) == (2501, [ONE(2501)])
    sched.step(7)  # backwards
    assert (sched.last_epoch, lrs_of(opt)) == (7, [ONE(7)])
    assert sched._step_count == 4
    # the argument is ``epoch`` (review 36: the message said "step", which step() has no argument of)
    with pytest.raises(ValueError, match=r"^epoch must be a non-negative integer, got -1$"):
        sched.step(-1)
    with pytest.raises(TypeError, match=r"^epoch must be a non-negative integer, got 2\.5$"):
        sched.step(2.5)  # type: ignore[arg-type]
    assert (sched.last_epoch, sched._step_count, lrs_of(opt)) == (
        7,
        4,
        [ONE(7)],
    )  # a refused epoch: unchanged


@pytest.mark.parametrize(
    "schedule",
    [
        OneCycle(0.1, total_steps=100, anneal="linear", three_phase=True),
        CosineRestarts(0.1, period=10, period_mult=2),
        Cyclic(0.01, 0.1, step_size=7, mode="exp_range", gamma=0.999),
        join([Constant(0.1), CosineDecay(0.1, total=50)], [20]),
        ExponentialDecay(0.1, gamma=0.9),
    ],
    ids=repr,
)
def test_stepping_far_past_the_end_never_raises(schedule: Schedule) -> None:
    opt = sgd()
    sched = ScheduleLR(opt, lr=schedule)
    for _ in range(3 * BLOCK):
        sched.step()
    for t in (10**6, 10**9 + 7, 10**12):
        sched.step(t)
        assert lrs_of(opt) == [schedule(t)]
        assert np.isfinite(lrs_of(opt)[0]) and lrs_of(opt)[0] >= 0


def test_set_schedule_swaps_at_the_current_step() -> None:
    opt = sgd(0.1, 0.2)
    sched = ScheduleLR(opt, lr=ONE, momentum=ONE.momentum())
    for _ in range(100):
        sched.step()
    new = CosineDecay(0.3, total=200)
    sched.set_schedule(new)
    assert (sched.last_epoch, lrs_of(opt)) == (100, [new(100)] * 2)
    assert [g["momentum"] for g in opt.param_groups] == [ONE.momentum()(100)] * 2  # left where it was
    sched.step()
    assert lrs_of(opt) == [new(101)] * 2
    sched.set_schedule([Constant(0.01), None], momentum=Constant(0.8))
    assert lrs_of(opt) == [0.01, new(101)]
    assert [g["momentum"] for g in opt.param_groups] == [0.8, 0.8]
    with pytest.raises(ValueError, match="lr has 3 schedules"):
        sched.set_schedule([new] * 3)
    with pytest.raises(TypeError, match="momentum must be a Schedule"):
        sched.set_schedule(new, momentum="high")  # type: ignore[arg-type]
    sched.step()  # the failed calls changed nothing
    assert lrs_of(opt) == [0.01, new(101)] and sched.last_epoch == 102
    assert sched.lr_schedules == [Constant(0.01), None]


# --- state -----------------------------------------------------------------------------------------------
def test_state_dict_is_plain_data_that_survives_torch_save_and_pickle() -> None:
    def local_fn(t: int) -> float:  # not picklable itself: the state_dict holds its repr only
        return 1.0

    opt = sgd(0.1, 0.2)
    sched = ScheduleLR(opt, lr=[ONE, Lambda(local_fn)], momentum=[ONE.momentum(), None], relative=True)
    for _ in range(42):
        sched.step()
    state = sched.state_dict()
    assert roundtrip(state) == state
    assert pickle.loads(pickle.dumps(state)) == state
    assert state["last_epoch"] == 42 and state["_step_count"] == 43 and state["relative"] is True
    assert state["lr_schedules"][0].startswith("OneCycle(max_lr=1")
    assert "local_fn" in state["lr_schedules"][1]
    assert state["momentum_schedules"][1] is None
    assert "optimizer" not in state


def test_load_state_dict_restores_the_step_and_applies_it() -> None:
    opt = sgd()
    sched = ScheduleLR(opt, lr=ONE)
    sched.load_state_dict({"last_epoch": 1234, "_step_count": 1235})
    assert (sched.last_epoch, sched._step_count, lrs_of(opt)) == (1234, 1235, [ONE(1234)])
    with pytest.raises(KeyError, match=r"state_dict is missing \['_step_count'\]"):
        sched.load_state_dict({"last_epoch": 3})
    with pytest.warns(UserWarning, match="written with relative=True"):
        sched.load_state_dict({"last_epoch": 3, "_step_count": 4, "relative": True})


def _torch_step_lr_state(epochs: int) -> dict[str, Any]:
    """The state of torch's StepLR after ``epochs`` steps (a checkpoint's, at Lightning's epoch interval)."""
    opt = sgd()
    torch_sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(epochs):
        opt.step()
        torch_sched.step()
    return torch_sched.state_dict()


def test_a_linked_scheduler_does_not_take_a_torch_schedulers_step_count() -> None:
    # review 97: a schedule callback's scheduler (linked) took torch's StepLR's last_epoch, its epoch count at
    # Lightning's default interval, as its optimizer step: the schedule resumed out of phase, silently
    state = _torch_step_lr_state(1)
    opt = sgd()
    linked = ScheduleLR(opt, lr=ONE)
    ScheduleLR.link({"optimizer 0": linked})
    linked.load_state_dict(state)
    assert (linked.last_epoch, lrs_of(opt)) == (0, [ONE(0)])
    assert (
        linked.foreign_state == state
    )  # for the callbacks, which start it at the trainer's step and say why
    # not linked (a user's own ScheduleLR, stepped at the interval of the scheduler it replaces): it takes the
    # step, as torch's schedulers take each other's
    alone = ScheduleLR(opt2 := sgd(), lr=ONE)
    alone.load_state_dict(state)
    assert (alone.last_epoch, lrs_of(opt2), alone.foreign_state) == (1, [ONE(1)], None)


@pytest.mark.parametrize("listed", [False, True], ids=["given", "in the saved list"])
def test_a_linked_scheduler_given_torchs_plateau_state_does_not_raise_and_keeps_its_step(
    listed: bool,
) -> None:
    # review 97: torch's ReduceLROnPlateau state has no _step_count; a schedule callback's scheduler given it
    # (a resume after moving from torch's plateau to the callbacks) raised KeyError
    opt = sgd()
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt)
    plateau.step(1.0)
    state = plateau.state_dict()
    assert "_step_count" not in state
    linked, other = ScheduleLR(opt, lr=ONE), ScheduleLR(sgd(), lr=ONE)
    other.step()
    ScheduleLR.link(
        {"optimizer 0": linked, "optimizer 1": other}, saved=[state, other.state_dict()] if listed else None
    )
    linked.load_state_dict(state)
    assert (linked.last_epoch, lrs_of(opt), linked.foreign_state) == (0, [ONE(0)], state)
    with pytest.raises(KeyError, match=r"state_dict is missing \['_step_count'\]"):
        ScheduleLR(sgd(), lr=ONE).load_state_dict(state)  # not linked: a step count is still needed


@pytest.mark.parametrize(
    ("key", "value", "allowed"),
    [("last_epoch", -7, ">= -1"), ("last_epoch", 2.7, ">= -1"), ("last_epoch", "3", ">= -1"),
     ("last_epoch", "x", ">= -1"), ("_step_count", -1, ">= 0"), ("_step_count", "4", ">= 0")],
)  # fmt: skip
def test_load_state_dict_refuses_a_wrong_step_and_changes_nothing(key: str, value: Any, allowed: str) -> None:
    # before (review 36): last_epoch=-7 was taken, 2.7 and "3" were truncated or parsed by int()
    opt = sgd()
    sched = ScheduleLR(opt, lr=ONE)
    for _ in range(3):
        sched.step()
    state = {**sched.state_dict(), key: value}
    message = (
        f"^{re.escape(f'state_dict[{key!r}] must be an integer {allowed} and below 2**62, got {value!r}')}$"
    )
    with pytest.raises(ValueError, match=message):
        sched.load_state_dict(state)
    assert (sched.last_epoch, sched._step_count, lrs_of(opt)) == (3, 4, [ONE(3)])
    # restored together (link): a refused state is refused before any scheduler is loaded
    other_opt = sgd()
    other = ScheduleLR(other_opt, lr=ONE)
    other.step()
    good = {**other.state_dict(), "last_epoch": 100, "_step_count": 101, "key": "optimizer 1"}
    bad = {**state, "key": "optimizer 0"}
    ScheduleLR.link({"optimizer 0": sched, "optimizer 1": other}, saved=[bad, good])
    with pytest.raises(ValueError, match=message):
        other.load_state_dict(good)
    assert (other.last_epoch, lrs_of(other_opt)) == (1, [ONE(1)])
    assert (sched.last_epoch, lrs_of(opt)) == (3, [ONE(3)])


def test_load_state_dict_rereads_initial_lr_brought_by_the_optimizer_state() -> None:
    shape = CosineDecay(1.0, total=100)
    opt1 = sgd(0.1)
    sched1 = ScheduleLR(opt1, lr=shape, relative=True)
    for _ in range(30):
        sched1.step()
    opt2 = sgd(0.5)  # created with another LR, then restored from the checkpoint
    sched2 = ScheduleLR(opt2, lr=shape, relative=True)
    opt2.load_state_dict(opt1.state_dict())
    sched2.load_state_dict(sched1.state_dict())
    assert lrs_of(opt2) == [shape(30) * 0.1]
    sched2.step()
    assert lrs_of(opt2) == [shape(31) * 0.1]


SCHEDULES = [
    OneCycle(1.0, total_steps=4000, three_phase=True),
    CosineRestarts(1.0, period=300, period_mult=2, decay=0.7, final=0.01),
    warmup(CosineDecay(1.0, total=3000, final=0.05), steps=200),
    Cyclic(0.1, 1.0, step_size=333, step_size_down=222, mode="exp_range", gamma=0.9995),
    Lambda(halve_every_10),
]


def _run(stop: int, resume_at: int | None = None, lr_kind: str = "float") -> np.ndarray:
    """LRs and momentums of four groups at steps 0 .. stop-1, optionally through a checkpoint at resume_at."""

    def make() -> tuple[torch.optim.Optimizer, ScheduleLR]:
        lrs = [0.3, 0.1, 0.07, 0.01]
        opt = sgd(*(torch.tensor(x, dtype=torch.float64) if lr_kind == "tensor" else x for x in lrs))
        momentum = [SCHEDULES[0].momentum(), SCHEDULES[3].momentum(), None, None]  # type: ignore[attr-defined]
        return opt, ScheduleLR(opt, lr=SCHEDULES[:4], momentum=momentum, relative=True)

    opt, sched = make()
    rows = []
    for t in range(stop):
        if t:
            sched.step()
        if t == resume_at:
            opt_state, sched_state = roundtrip(opt.state_dict()), roundtrip(sched.state_dict())
            opt, sched = make()
            opt.load_state_dict(opt_state)
            sched.load_state_dict(sched_state)
        rows.append(
            [float(g["lr"]) for g in opt.param_groups] + [float(g["momentum"]) for g in opt.param_groups]
        )
    return np.array(rows)


UNINTERRUPTED = _run(2600)


@pytest.mark.parametrize("resume_at", [1, BLOCK - 1, BLOCK, BLOCK + 1, 1777, 2599])
def test_a_resumed_run_applies_bitwise_the_same_values(resume_at: int) -> None:
    assert np.array_equal(_run(2600, resume_at), UNINTERRUPTED)


@settings(max_examples=15, deadline=None)
@given(resume_at=st.integers(min_value=0, max_value=2599))
def test_a_resumed_run_applies_bitwise_the_same_values_at_any_step(resume_at: int) -> None:
    assert np.array_equal(_run(2600, resume_at), UNINTERRUPTED)


def test_a_resumed_run_with_tensor_lrs_is_bitwise_the_same() -> None:
    assert np.array_equal(_run(2600, 1500, lr_kind="tensor"), UNINTERRUPTED)


def test_a_jump_applies_bitwise_the_same_values_as_stepping() -> None:
    opt = sgd(0.07)  # group 2 of _run
    sched = ScheduleLR(opt, lr=SCHEDULES[2], relative=True)
    for t in (2599, 5, 1500, 1024, 1023):
        sched.step(t)
        assert lrs_of(opt)[0] == UNINTERRUPTED[t, 2]


def test_lightning_style_usage_has_no_torch_warnings() -> None:
    """Stepping the optimizer then the scheduler, as a training loop does: no warning from our side."""
    model = torch.nn.Linear(2, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched = ScheduleLR(opt, lr=ONE, momentum=ONE.momentum())
        for _ in range(5):
            model(torch.ones(1, 2)).sum().backward()
            opt.step()
            sched.step()
    assert lrs_of(opt) == [ONE(5)]


class PositionSensitive(Schedule):
    """A schedule whose vectorized values depend, in the last bits, on where a step sits in the array, as
    numpy's SIMD kernels can (main loop vs tail). On this machine numpy's own kernels are position
    independent, so this stands in for the hazard that aligned cache blocks exist to remove."""

    def _eval(self, t: Any, xp: Any) -> Any:
        base = 0.1 + 0.0 * t
        if isinstance(t, np.ndarray):
            return base + (np.arange(t.size) % 4 == 3) * 2.0**-45
        return base


@pytest.mark.parametrize("resume_at", [1, 500, BLOCK + 3, 2 * BLOCK - 1])
def test_cache_blocks_are_aligned_so_position_sensitive_kernels_resume_bitwise(resume_at: int) -> None:
    def run(resume: int | None) -> list[float]:
        opt = sgd()
        sched = ScheduleLR(opt, lr=PositionSensitive())
        out = []
        for t in range(3 * BLOCK):
            if t:
                sched.step()
            if t == resume:
                state = roundtrip(sched.state_dict())
                opt = sgd()
                sched = ScheduleLR(opt, lr=PositionSensitive())
                sched.load_state_dict(state)
            out.append(opt.param_groups[0]["lr"])
        return out

    full = run(None)
    assert len(set(full)) == 2  # the stand-in really is position sensitive
    assert run(resume_at) == full


@pytest.mark.parametrize("adam", [False, True], ids=["SGD momentum", "Adam beta1"])
def test_adopt_added_gives_a_new_group_this_steps_momentum_before_its_first_step(adam: bool) -> None:
    lr = OneCycle(0.1, total_steps=20)
    params = groups(0.1)
    opt = torch.optim.Adam(params, lr=0.1) if adam else torch.optim.SGD(params, lr=0.1, momentum=0.9)
    sched = ScheduleLR(opt, lr=lr, momentum=lr.momentum())
    for _ in range(5):
        opt.step()
        sched.step()
    assert sched.adopt_added() == []  # nothing added: nothing done
    opt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.01})
    assert sched.adopt_added() == [1]
    key = "betas" if adam else "momentum"
    first = [g[key][0] if adam else g[key] for g in opt.param_groups]
    assert first[1] == first[0] == pytest.approx(lr.momentum()(5))  # before: the group's own 0.9
    assert opt.param_groups[1]["lr"] == 0.01  # its own LR for this step: the ratio to follow from
    opt.step()
    sched.step()
    assert opt.param_groups[1]["lr"] == pytest.approx(lr(6) * 0.01 / lr(5), rel=1e-12)


class UserRamp(Schedule):
    """A user's schedule: ``length`` counts steps (it says so), ``height`` is an LR."""

    _step_fields = frozenset({"length"})

    def __init__(self, height: float, length: int) -> None:
        self.height = height
        self.length = length

    def _eval(self, t: Any, xp: Any) -> Any:
        return self.height * xp.minimum(t, self.length) / self.length + 0.0 * t


def _resumed_warnings(written: Schedule, resumed: Schedule) -> list[str]:
    opt = sgd(0.1)
    sched = ScheduleLR(opt, lr=written)
    for _ in range(3):
        opt.step()
        sched.step()
    state = sched.state_dict()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ScheduleLR(sgd(0.1), lr=resumed).load_state_dict(state)
    return [str(w.message) for w in caught if "resumed with other schedules" in str(w.message)]


@pytest.mark.parametrize(
    ("resumed", "said"),
    [(UserRamp(0.5, length=20), False), (UserRamp(0.6, length=10), True), (UserRamp(1, length=10), True)],
    ids=["its-step-count", "its-lr", "a-whole-number-lr"],
)
def test_a_users_schedule_says_which_of_its_arguments_count_steps(resumed: Schedule, said: bool) -> None:
    # the resume check asks each schedule class which of its arguments count steps (a run of another length
    # resolves them otherwise); the others compare by value, whole numbers or not
    assert bool(_resumed_warnings(UserRamp(0.5, length=10), resumed)) is said


def test_warmup_stable_decay_counts_its_decay_as_steps_only_when_it_is_an_int() -> None:
    assert (
        _resumed_warnings(
            WarmupStableDecay(0.1, total=40, decay=8), WarmupStableDecay(0.1, total=60, decay=12)
        )
        == []
    )
    assert _resumed_warnings(
        WarmupStableDecay(0.1, total=40, decay=0.2), WarmupStableDecay(0.1, total=40, decay=0.3)
    )
    assert _resumed_warnings(
        WarmupStableDecay(0.1, total=40, decay=8), WarmupStableDecay(0.1, total=40, decay=0.2)
    )


def test_a_users_class_named_like_a_built_in_one_does_not_hide_a_changed_lr() -> None:
    # a repr names its class by name only; a user's OneCycle that says max_lr counts steps made the
    # package's OneCycle resumed with another max_lr pass unsaid (the user's class was asked)
    def init(self: Any, max_lr: int, total_steps: int) -> None:
        self.max_lr, self.total_steps = max_lr, total_steps

    clash = type(
        "OneCycle",
        (Schedule,),
        {
            "_step_fields": frozenset({"total_steps", "max_lr"}),
            "__init__": init,
            "_eval": lambda self, t, xp: t,
        },
    )
    try:
        assert _resumed_warnings(OneCycle(0.1, total_steps=40), OneCycle(0.2, total_steps=40))
        assert _resumed_warnings(OneCycle(0.1, total_steps=40), OneCycle(0.1, total_steps=60)) == []
    finally:
        del clash  # the class registry holds subclasses weakly: gone for the other tests
        gc.collect()
    assert _resumed_warnings(UserRamp(0.5, length=10), UserRamp(0.5, length=20)) == []


def test_an_unused_class_named_like_a_built_in_one_does_not_make_a_resume_warn() -> None:
    # review 39: a user's class named OneCycle that counts no steps, defined and never used, made the
    # package's OneCycle resumed in a longer run warn of "other schedules"; the classes in use decide
    def init(self: Any, max_lr: int, total_steps: int) -> None:
        self.max_lr, self.total_steps = max_lr, total_steps

    clash = type("OneCycle", (Schedule,), {"__init__": init, "_eval": lambda self, t, xp: t})
    try:
        assert _resumed_warnings(OneCycle(0.1, total_steps=40), OneCycle(0.1, total_steps=60)) == []
        assert (
            _resumed_warnings(
                warmup(OneCycle(0.1, total_steps=40), 5), warmup(OneCycle(0.1, total_steps=60), 5)
            )
            == []
        )  # inside a join too
        assert _resumed_warnings(OneCycle(0.1, total_steps=40), OneCycle(0.2, total_steps=40))
    finally:
        del clash
        gc.collect()


def test_a_step_count_and_a_fraction_of_equal_value_are_other_schedules() -> None:
    # review 34: WarmupStableDecay's decay=1 (one step) and decay=1.0 (the whole run) compared as numbers, so a
    # resume from one to the other said nothing, though the LR at step 20 of 40 is 1.0 against 0.29
    one_step, whole_run = (
        WarmupStableDecay(1.0, total=40, decay=1),
        WarmupStableDecay(1.0, total=40, decay=1.0),
    )
    assert one_step(20) != whole_run(20)
    assert _resumed_warnings(one_step, whole_run)
    assert (
        _resumed_warnings(OneCycle(1, total_steps=40), OneCycle(1.0, total_steps=40)) == []
    )  # 1 is 1.0 here


def test_a_group_left_alone_is_no_other_schedule_on_resume() -> None:
    # review 45: a frozen group (no LR schedule) made every restore of the range test's snapshot say
    # "resumed with other schedules than the checkpoint's: LR of param group 1: None -> None"
    both = [CosineDecay(0.1, total=20), None]
    opt = sgd(0.1, 0.0)
    sched = ScheduleLR(opt, lr=both)
    opt.step()
    sched.step()
    state = sched.state_dict()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ScheduleLR(sgd(0.1, 0.0), lr=both).load_state_dict(state)
    assert [str(w.message) for w in caught] == []
    changed = [CosineDecay(0.1, total=20), CosineDecay(0.1, total=20)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ScheduleLR(sgd(0.1, 0.1), lr=changed).load_state_dict(state)
    assert [str(w.message) for w in caught if "resumed with other schedules" in str(w.message)] == [
        "ScheduleLR (SGD): resumed with other schedules than the checkpoint's (beyond their step counts): LR of "
        "param group 1: None -> CosineDecay(initial=0.1, total=20, final=0). The values follow the new schedules from "
        "step 1 on, so they may jump there"
    ]


@pytest.mark.parametrize("make", [sgd, adam], ids=["sgd-momentum", "adam-beta1"])
def test_a_resume_whose_schedules_leave_momentum_alone_puts_back_its_configured_value(make: Any) -> None:
    # review 48: resumed from OneCycle into CosineDecay, the optimizer's state brought back the last momentum
    # the cycle wrote (0.866), and nothing moved it to the end; the new run alone trains at the configured 0.9
    cycle = OneCycle(0.1, total_steps=40)
    opt = make(0.1, 0.05)
    sched = ScheduleLR(opt, lr=cycle, momentum=cycle.momentum())
    for _ in range(15):
        opt.step()
        sched.step()
    cycled = sched.get_last_momentum()
    assert all(m is not None and abs(m - 0.9) > 0.02 for m in cycled)
    opt_state, state = opt.state_dict(), sched.state_dict()
    resumed = make(
        0.1, 0.05
    )  # as configure_optimizers makes it, then the checkpoint loads (Lightning's order)
    new = ScheduleLR(resumed, lr=CosineDecay(0.1, total=40))
    resumed.load_state_dict(opt_state)
    assert new.get_last_momentum() == cycled  # the optimizer's state brings the cycle's last momentum
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        new.load_state_dict(state)
    assert new.get_last_momentum() == [0.9, 0.9]
    (said,) = [str(w.message) for w in caught if "resumed with other schedules" in str(w.message)]
    assert (
        "momentum of param group 1: " in said and "-> None (back to the 0.9 it was configured with)" in said
    )
    # a schedule that keeps setting momentum is left to do so
    kept = make(0.1, 0.05)
    again = ScheduleLR(kept, lr=cycle, momentum=cycle.momentum())
    kept.load_state_dict(opt_state)
    again.load_state_dict(state)
    assert again.get_last_momentum() == cycled


@pytest.mark.parametrize("relative", ["False", 0, None])
def test_relative_must_be_a_bool(relative: Any) -> None:
    # review 76: relative="False" was taken as True
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    with pytest.raises(TypeError, match=rf"^relative must be True or False, got {relative!r}$"):
        ScheduleLR(opt, lr=Constant(0.1), relative=relative)


@pytest.mark.parametrize(
    "values",
    [[0.1] * 5 + [0.05] * 3 + [0.025], [0.1, 0.2, 0.3, 0.4], [0.5], [], [1.0, 1.0, 2.0, 2.0, 1.0]],
)
def test_shared_runs_lists_the_values_with_each_run_one_object(values: list[float]) -> None:
    got = shared_runs(np.asarray(values, dtype=float))
    assert got == values and all(type(x) is float for x in got)
    runs = sum(1 for i, x in enumerate(values) if i == 0 or x != values[i - 1])
    if 2 * (runs - 1) <= len(values):  # few changes: every run is one object
        assert len({id(x) for x in got}) == runs
