"""Where the drop-ins differ from torch on purpose (their wrong arguments: test_dropins_validation.py).

Each difference test first pins torch's behaviour (so the claim in the docstrings stays true for the
torch version installed), then asserts ours.
"""

from __future__ import annotations

import math
import re
import warnings
from typing import Any

import numpy as np
import pytest
import torch

import lightning_lr.optim as ours


def sgd(*lrs: float, momentum: float = 0.9) -> torch.optim.SGD:
    groups: list[dict[str, Any]] = [
        {"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs or (0.1,)
    ]
    return torch.optim.SGD(groups, momentum=momentum)


def run(sched: Any, opt: torch.optim.Optimizer, steps: int) -> list[tuple[float, float]]:
    """(lr, momentum or beta1 or nan) of group 0 after each of ``steps`` steps."""
    out = []
    for _ in range(steps):
        opt.step()
        sched.step()
        g = opt.param_groups[0]
        mom = g["momentum"] if "momentum" in g else g["betas"][0] if "betas" in g else float("nan")
        out.append((float(g["lr"]), float(mom)))
    return out


def quiet_torch(name: str, opt: torch.optim.Optimizer, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(torch.optim.lr_scheduler, name)(opt, **kwargs)


# --- OneCycleLR past its end ---------------------------------------------------------------------------
@pytest.mark.parametrize("anneal", ["cos", "linear"])
def test_one_cycle_past_total_steps_holds_the_final_values(anneal: str) -> None:
    opt_t = sgd()
    sched_t = quiet_torch("OneCycleLR", opt_t, max_lr=1.0, total_steps=20, anneal_strategy=anneal)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run(sched_t, opt_t, 20)  # torch allows t == total_steps ...
        with pytest.raises(ValueError, match="Tried to step 21 times"):  # ... and raises after it
            sched_t.step()

    opt = sgd()
    sched = ours.OneCycleLR(opt, max_lr=1.0, total_steps=20, anneal_strategy=anneal)
    values = run(sched, opt, 1000)
    final_lr = 1.0 / 25.0 / 1e4
    assert values[18] == (pytest.approx(final_lr, rel=1e-12), 0.95)  # step 19, the last of the cycle
    assert all(v == values[18] for v in values[19:])
    with pytest.warns(UserWarning, match=r"The epoch parameter in `scheduler.step\(\)`"):
        sched.step(10**12)  # a jump far past the end (deprecated, as in torch)
    assert (opt.param_groups[0]["lr"], opt.param_groups[0]["momentum"]) == values[18]


def test_one_cycle_linear_never_goes_below_the_final_lr() -> None:
    opt_t = sgd()
    sched_t = quiet_torch("OneCycleLR", opt_t, max_lr=1.0, total_steps=10, anneal_strategy="linear")
    torch_at_end = run(sched_t, opt_t, 10)[-1][0]
    assert torch_at_end < 0  # torch extrapolates the last phase at t == total_steps: a negative LR

    opt = sgd()
    sched = ours.OneCycleLR(opt, max_lr=1.0, total_steps=10, anneal_strategy="linear")
    lrs = [v[0] for v in run(sched, opt, 10)]
    assert lrs[-1] == lrs[-2] == pytest.approx(1.0 / 25.0 / 1e4, rel=1e-12)
    assert min(lrs) > 0


@pytest.mark.parametrize("three_phase", [False, True])
def test_one_cycle_zero_length_warm_up_gives_the_limit_of_the_nearby_cycles(three_phase: bool) -> None:
    """pct_start * total_steps == 1: the warm-up phase ends at step 0 (where torch divides by zero). Our
    values are finite and, after step 0, torch's values for a pct_start a hair below (or above) 0.1."""
    opt = sgd()
    sched = ours.OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=0.1, three_phase=three_phase)
    lrs = [opt.param_groups[0]["lr"]] + [v[0] for v in run(sched, opt, 12)]
    assert all(math.isfinite(x) and 0 < x <= 1.0 for x in lrs)
    assert lrs[0] == 1.0  # the zero-length warm-up counts as done: the cycle starts at its peak
    assert lrs[9:] == [pytest.approx(1.0 / 25.0 / 1e4, rel=1e-12)] * 4  # the end, held
    for pct in (0.1 * (1 - 1e-12), 0.1 * (1 + 1e-12)):
        opt_t = sgd()
        sched_t = quiet_torch(
            "OneCycleLR", opt_t, max_lr=1.0, total_steps=10, pct_start=pct, three_phase=three_phase
        )
        near = [opt_t.param_groups[0]["lr"]] + [v[0] for v in run(sched_t, opt_t, 9)]
        assert lrs[1:10] == pytest.approx(near[1:], rel=1e-9)
    if not three_phase:
        assert lrs[:10] == sorted(lrs[:10], reverse=True)


# --- momentum cycling on optimizers without momentum ---------------------------------------------------
CYCLERS = {
    "CyclicLR": dict(base_lr=0.01, max_lr=0.1, step_size_up=5),
    "OneCycleLR": dict(max_lr=0.1, total_steps=50),
}


@pytest.mark.parametrize("name", list(CYCLERS))
def test_an_adam_beta1_of_zero_is_left_alone_with_one_warning(name: str) -> None:
    # review 114: torch cycles beta1 from 0 silently, as it does momentum; ours kept momentum=0 and not beta1=0
    def adam() -> torch.optim.Optimizer:
        return torch.optim.Adam([torch.nn.Parameter(torch.zeros(2))], lr=0.1, betas=(0.0, 0.99))

    opt_t = adam()
    run(quiet_torch(name, opt_t, **CYCLERS[name]), opt_t, 3)
    assert opt_t.param_groups[0]["betas"][0] > 0  # torch switched beta1 on
    opt = adam()
    with pytest.warns(UserWarning, match=r"param group\(s\) \[0\] of Adam have beta1=0") as record:
        sched = getattr(ours, name)(opt, **CYCLERS[name])
    assert len(record) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(10):
            opt.step()
            sched.step()
            assert opt.param_groups[0]["betas"][0] == 0.0


@pytest.mark.parametrize("name", list(CYCLERS))
def test_momentum_zero_is_left_alone_with_one_warning(name: str) -> None:
    opt_t = sgd(momentum=0.0)
    run(quiet_torch(name, opt_t, **CYCLERS[name]), opt_t, 3)
    assert opt_t.param_groups[0]["momentum"] > 0  # torch switched momentum on

    opt = sgd(0.1, 0.1, momentum=0.0)
    opt.param_groups[0]["momentum"] = 0.9  # group 0 has momentum, group 1 has none
    with pytest.warns(UserWarning, match=r"param group\(s\) \[1\] of SGD have momentum=0") as record:
        sched = getattr(ours, name)(opt, **CYCLERS[name])
    assert len(record) == 1
    assert "cycle_momentum=False" in str(record[0].message)
    assert "momentum=0.9" in str(record[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once: stepping does not warn again
        moms = set()
        for _ in range(30):
            opt.step()
            sched.step()
            assert opt.param_groups[1]["momentum"] == 0.0
            moms.add(opt.param_groups[0]["momentum"])
    assert len(moms) > 5  # group 0 is cycled
    assert "max_momentum" not in opt.param_groups[1]


@pytest.mark.parametrize("name", list(CYCLERS))
def test_rmsprop_default_momentum_is_left_alone(name: str) -> None:
    opt = torch.optim.RMSprop([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    with pytest.warns(UserWarning, match="RMSprop"):
        sched = getattr(ours, name)(opt, **CYCLERS[name])
    run(sched, opt, 10)
    assert opt.param_groups[0]["momentum"] == 0


@pytest.mark.parametrize("name", list(CYCLERS))
def test_cycle_momentum_false_leaves_momentum_alone_silently(name: str) -> None:
    opt = sgd(momentum=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched = getattr(ours, name)(opt, **CYCLERS[name], cycle_momentum=False)
        run(sched, opt, 10)
    assert opt.param_groups[0]["momentum"] == 0


@pytest.mark.parametrize("name", list(CYCLERS))
def test_cycle_momentum_on_an_optimizer_without_momentum_says_what_to_pass(name: str) -> None:
    params = [torch.nn.Parameter(torch.zeros(1))]
    with pytest.raises(ValueError, match="momentum"):  # torch: a generic message
        quiet_torch(name, torch.optim.Adagrad(params, lr=0.1), **CYCLERS[name])
    with pytest.raises(
        ValueError,
        match=rf"{name}\(cycle_momentum=True\).*Adagrad has neither 'momentum' nor 'betas'.*pass cycle_momentum=False",
    ):
        getattr(ours, name)(torch.optim.Adagrad(params, lr=0.1), **CYCLERS[name])
    opt = torch.optim.Adagrad(params, lr=0.1)
    run(getattr(ours, name)(opt, **CYCLERS[name], cycle_momentum=False), opt, 3)


def test_adam_beta1_is_cycled_and_beta2_kept() -> None:
    opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=0.1, betas=(0.9, 0.99))
    sched = ours.OneCycleLR(opt, max_lr=0.1, total_steps=20)
    assert opt.param_groups[0]["betas"] == (0.95, 0.99)
    run(sched, opt, 6)
    beta1, beta2 = opt.param_groups[0]["betas"]
    assert 0.85 <= beta1 < 0.95 and beta2 == 0.99


# --- things torch accepts that we accept too (mode / gamma ignored, integral floats, tensors) -----------
def test_cyclic_ignores_mode_and_gamma_where_torch_does() -> None:
    for kwargs in [
        dict(mode="exp_range", gamma=0.5, scale_fn=lambda x: 1.0),  # scale_fn given: mode ignored
        dict(mode="triangular", gamma=0.5),  # gamma only used by exp_range
    ]:
        got = []
        for module in (torch.optim.lr_scheduler, ours):
            opt = sgd()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sched = module.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=4, **kwargs)
                got.append([v[0] for v in run(sched, opt, 20)])
        assert got[1] == pytest.approx(got[0], rel=1e-12)


def test_integral_float_step_counts_and_tensor_arguments_are_accepted() -> None:
    opt = sgd()
    sched = ours.CyclicLR(opt, base_lr=torch.tensor(0.01), max_lr=0.1, step_size_up=4.0)
    assert sched.total_size == 8.0
    assert ours.StepLR(sgd(), step_size=10.0).step_size == 10
    assert ours.CosineAnnealingLR(sgd(), T_max=100.0, eta_min=torch.tensor(0.0)).T_max == 100


# --- composition never takes the LR below 0 ----------------------------------------------------------------
def test_a_stacked_cosine_stops_at_zero_where_torch_goes_negative() -> None:
    """A StepLR beside a cosine with eta_min takes the LR below eta_min; torch's affine recursion then
    overshoots below 0 as the cosine rises, ours stops at 0."""
    got = []
    for module in (torch.optim.lr_scheduler, ours):
        opt = sgd(0.01)
        step = module.StepLR(opt, step_size=3, gamma=0.5)
        cosine = module.CosineAnnealingLR(opt, T_max=7, eta_min=1e-3)
        lrs = []
        for _ in range(20):
            opt.step()
            step.step()
            cosine.step()
            lrs.append(opt.param_groups[0]["lr"])
        got.append(lrs)
    first_negative = next(t for t, x in enumerate(got[0]) if x < 0)
    assert got[1][:first_negative] == pytest.approx(got[0][:first_negative], rel=1e-9)
    assert got[1][first_negative] == 0.0
    assert min(got[1]) >= 0.0


# --- step(epoch) is an exact jump ----------------------------------------------------------------------------
def shrink(t: int) -> float:
    return 0.9


def test_multiplicative_step_with_epoch_jumps_to_the_product() -> None:
    """torch's MultiplicativeLR has no closed form: step(epoch) multiplies the current LR once."""
    got = []
    for module in (torch.optim.lr_scheduler, ours):
        opt = sgd(1.0)
        sched = module.MultiplicativeLR(opt, lr_lambda=shrink)
        opt.step()
        with pytest.warns(UserWarning, match="The epoch parameter"):
            sched.step(5)
        got.append(opt.param_groups[0]["lr"])
    assert got[0] == pytest.approx(0.9)
    assert got[1] == pytest.approx(0.9**5, rel=1e-12)


def test_restarts_land_on_their_step_where_torchs_logarithm_misses() -> None:
    """torch's step(epoch) finds the cycle with a floating-point logarithm, which puts some restarts one
    cycle early (T_0=1, T_mult=3: epoch 121 starts the fifth cycle, torch puts it at the end of the fourth)."""
    opt_t = sgd(1.0)
    torch_sched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt_t, T_0=1, T_mult=3)
    torch_sched.step(121)
    assert (torch_sched.T_cur, torch_sched.T_i) == (81, 81)  # the bottom of the fourth cycle
    opt = sgd(1.0)
    sched = ours.CosineAnnealingWarmRestarts(opt, T_0=1, T_mult=3)
    sched.step(121)
    assert (sched.T_cur, sched.T_i) == (0, 243)  # 1 + 3 + 9 + 27 + 81 = 121: a restart
    assert opt.param_groups[0]["lr"] == 1.0


# --- arguments torch takes that make no sense -----------------------------------------------------------------
REFUSED: list[tuple[str, dict[str, Any]]] = [
    ("CyclicLR", dict(base_lr=0.1, max_lr=0.3, max_momentum=1.0)),  # momentum >= 1 diverges
    ("CyclicLR", dict(base_lr=0.3, max_lr=0.1)),  # an upside-down cycle
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10, base_momentum=0.99, max_momentum=0.9)),
    ("StepLR", dict(step_size=3, gamma=0.0)),  # the LR is 0 for good after the first decay
    ("ExponentialLR", dict(gamma=-0.5)),  # a negative LR every other step
    ("LinearLR", dict(total_iters=0)),  # divides by zero in torch's closed form
    ("CosineAnnealingLR", dict(T_max=0)),  # divides by zero at the first step
    ("CosineAnnealingWarmRestarts", dict(T_0=5, eta_min=0.5)),  # eta_min above the LR: upside down
]


@pytest.mark.parametrize(("name", "kwargs"), REFUSED)
def test_arguments_torch_accepts_are_refused(name: str, kwargs: dict[str, Any]) -> None:
    quiet_torch(name, sgd(0.1), **kwargs)  # torch builds it
    with pytest.raises(ValueError, match=" must be "):
        getattr(ours, name)(sgd(0.1), **kwargs)


# --- inputs torch takes without a word (review 36) -------------------------------------------------------
def test_one_cycle_total_steps_and_epochs_that_disagree_keep_total_steps_with_a_warning() -> None:
    kwargs = dict(max_lr=0.1, total_steps=10, epochs=3, steps_per_epoch=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert quiet_torch("OneCycleLR", sgd(), **kwargs).total_steps == 10  # torch drops 3 * 5 silently
    with pytest.warns(
        UserWarning, match=r"total_steps=10 and epochs \* steps_per_epoch = 3 \* 5 = 15 disagree"
    ):
        sched = ours.OneCycleLR(sgd(), **kwargs)
    assert sched.total_steps == 10
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # when they agree, nothing to say
        assert ours.OneCycleLR(sgd(), **{**kwargs, "total_steps": 15}).total_steps == 15


@pytest.mark.parametrize("given", [dict(epochs=3), dict(steps_per_epoch=5)])
def test_one_cycle_total_steps_with_epochs_or_steps_per_epoch_alone_says_it_is_unused(given: Any) -> None:
    # review 76: torch, and ours before, dropped it without a word
    kwargs = dict(max_lr=0.1, total_steps=10, **given)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert quiet_torch("OneCycleLR", sgd(), **kwargs).total_steps == 10
    ((name, value),) = given.items()
    with pytest.warns(
        UserWarning, match=rf"^OneCycleLR: {name}={value} given with total_steps=10 is not used"
    ):
        assert ours.OneCycleLR(sgd(), **kwargs).total_steps == 10


@pytest.mark.parametrize(
    "given",
    [
        dict(epochs=-1),  # Lightning's max_epochs when only max_steps is set
        dict(steps_per_epoch=62.5),  # len(loader) / accumulation
        dict(epochs="10"),  # an untyped command-line argument
        dict(epochs="x", steps_per_epoch=3),
        dict(epochs=np.float64(3.0), steps_per_epoch=torch.tensor(3)),
        dict(steps_per_epoch=True),
    ],
    ids=repr,
)
def test_one_cycle_takes_whatever_torch_ignores_beside_total_steps_and_says_so(given: dict[str, Any]) -> None:
    # torch ignores epochs and steps_per_epoch when total_steps is given, whatever they are, and its working code
    # passes such values (review 126: refusing the ones that are no count broke it); ours says they are not used
    kwargs = dict(max_lr=0.1, total_steps=10, **given)
    with pytest.warns(UserWarning, match="total_steps=10"):
        sched = ours.OneCycleLR(sgd(), **kwargs)
    assert sched.total_steps == quiet_torch("OneCycleLR", sgd(), **kwargs).total_steps == 10


@pytest.mark.parametrize(
    ("name", "kwargs", "flag"),
    [
        ("OneCycleLR", dict(max_lr=0.1, total_steps=10, three_phase="False"), "three_phase"),
        ("OneCycleLR", dict(max_lr=0.1, total_steps=10, cycle_momentum="false"), "cycle_momentum"),
        ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, cycle_momentum=None), "cycle_momentum"),
        ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, cycle_momentum=0), "cycle_momentum"),
    ],
)
def test_a_flag_that_is_not_a_bool_is_refused(name: str, kwargs: dict[str, Any], flag: str) -> None:
    # torch reads it by its truth value: "False" and "false" are True
    quiet_torch(name, sgd(), **kwargs)
    with pytest.raises(TypeError, match=rf"^{flag} must be True or False, got {kwargs[flag]!r}$"):
        getattr(ours, name)(sgd(), **kwargs)
    # numpy's bools are bools
    sched = getattr(ours, name)(sgd(), **{**kwargs, flag: np.bool_(True)})
    assert (len(sched._schedule_phases) == 3) if flag == "three_phase" else sched.cycle_momentum is True


def test_cyclic_scale_mode_is_checked_without_a_scale_fn_too() -> None:
    # torch ignores scale_mode without a scale_fn, whatever it is; ours refused "step" only with a scale_fn
    quiet_torch("CyclicLR", sgd(), base_lr=0.01, max_lr=0.1, scale_mode="step")
    for scale_fn in (None, lambda x: 1.0):
        with pytest.raises(
            ValueError, match=r"^scale_mode must be one of 'cycle', 'iterations', got 'step'$"
        ):
            ours.CyclicLR(sgd(), base_lr=0.01, max_lr=0.1, scale_mode="step", scale_fn=scale_fn)
    # a valid one is still ignored without a scale_fn, as in torch, and said to be (review 97)
    with pytest.warns(
        UserWarning, match=r"^CyclicLR: scale_mode='iterations' given without a scale_fn is not used"
    ):
        assert ours.CyclicLR(sgd(), base_lr=0.01, max_lr=0.1, scale_mode="iterations").scale_mode == "cycle"


def test_cyclic_takes_the_base_lr_its_docstring_says() -> None:
    # the docstring said base_lr must be > 0, and 0 was taken (review 36): the bound it states is the one
    # the constructor holds

    bound = re.search(r"``base_lr`` must be (>=?) 0", ours.CyclicLR.__doc__ or "")
    assert bound is not None
    if bound.group(1) == ">=":
        assert ours.CyclicLR(sgd(), base_lr=0.0, max_lr=0.1).base_lrs == [0.0]
    else:
        with pytest.raises(ValueError):
            ours.CyclicLR(sgd(), base_lr=0.0, max_lr=0.1)
    with pytest.raises(ValueError, match="base_lr must be >= 0"):
        ours.CyclicLR(sgd(), base_lr=-0.01, max_lr=0.1)


def test_a_tensor_eta_min_is_refused_by_torchs_restarts_only_and_taken_by_ours() -> None:
    # what docs/differences_from_torch.md says (it said torch refuses a tensor eta_min: only
    # CosineAnnealingWarmRestarts does, in torch 2.13)
    quiet_torch("CosineAnnealingLR", sgd(), T_max=5, eta_min=torch.tensor(0.01))
    with pytest.raises(ValueError, match="Expected float or int eta_min"):
        quiet_torch("CosineAnnealingWarmRestarts", sgd(), T_0=5, eta_min=torch.tensor(0.01))
    for name, kwargs in [("CosineAnnealingLR", dict(T_max=5)), ("CosineAnnealingWarmRestarts", dict(T_0=5))]:
        got = []
        for eta_min in (torch.tensor(0.01), float(torch.tensor(0.01))):  # the tensor's value, as a float
            opt = sgd()
            got.append(run(getattr(ours, name)(opt, eta_min=eta_min, **kwargs), opt, 12))
        assert got[0] == got[1]


def test_tensor_milestones_fire_where_torchs_never_do() -> None:
    # review 53: torch's Counter keeps the tensors, and an int step is never found in it
    theirs = quiet_torch("MultiStepLR", opt := sgd(1.0), milestones=torch.tensor([2, 4]), gamma=0.1)
    assert [lr for lr, _ in run(theirs, opt, 5)] == [1.0] * 5
    mine = ours.MultiStepLR(opt := sgd(1.0), milestones=torch.tensor([2, 4]), gamma=0.1)
    assert mine.milestones == {2: 1, 4: 1}
    assert [lr for lr, _ in run(mine, opt, 5)] == pytest.approx([1.0, 0.1, 0.1, 0.01, 0.01])


@pytest.mark.parametrize("cls", ["OneCycleLR", "CyclicLR"])
def test_a_shared_tensor_momentum_is_never_written_so_each_group_and_optimizer_keeps_its_own(
    cls: str,
) -> None:
    """Review 132: a tensor beta1 or momentum was filled in place, and it is shared by every group that has none of
    its own (the optimizer's default) and by optimizers built from one ``betas`` tuple: per-group momentum bounds
    gave every group the last value written, and an unscheduled optimizer's beta1 moved. torch puts a new value
    in each group; so do ours, as a tensor of their own."""

    def args(m: Any) -> dict[str, Any]:
        bounds = dict(base_momentum=[0.8, 0.5], max_momentum=[0.95, 0.6])
        if cls == "OneCycleLR":
            return dict(max_lr=[0.1, 0.03], total_steps=20, **bounds)
        return dict(base_lr=0.01, max_lr=0.1, step_size_up=5, **bounds)

    seen = {}
    for m in (torch.optim.lr_scheduler, ours):
        for kind in ("adam", "sgd"):
            a, b, d = (torch.nn.Parameter(torch.zeros(2)) for _ in range(3))
            groups = [{"params": [a]}, {"params": [b], "lr": 0.03}]
            if kind == "adam":
                shared = (torch.tensor(0.5), torch.tensor(0.999))
                opt = torch.optim.Adam(groups, lr=0.1, betas=shared)
                other = torch.optim.Adam(
                    [d], lr=0.1, betas=shared
                )  # the GAN's other optimizer, not scheduled
            else:
                shared = (torch.tensor(0.7),)
                opt = torch.optim.SGD(groups, lr=0.1, momentum=shared[0])
                other = torch.optim.SGD([d], lr=0.1, momentum=shared[0])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sched = getattr(m, cls)(opt, **args(m))
            trace = []
            for _ in range(8):
                a.grad, b.grad = torch.ones(2), torch.ones(2)
                opt.step()
                sched.step()
                trace.append(
                    [float(g["betas"][0] if kind == "adam" else g["momentum"]) for g in opt.param_groups]
                )
            first = float(shared[0])
            untouched = float(
                other.param_groups[0]["betas"][0] if kind == "adam" else other.param_groups[0]["momentum"]
            )
            seen[m is ours, kind] = (trace, first, untouched)
    for kind in ("adam", "sgd"):
        trace, first, untouched = seen[True, kind]
        assert np.allclose(trace, seen[False, kind][0], rtol=0, atol=1e-6)  # torch's, group by group
        assert all(x[0] != x[1] for x in trace)  # the groups have their own values
        assert (
            first == untouched == float(torch.tensor(0.5 if kind == "adam" else 0.7))
        )  # the user's, never written
