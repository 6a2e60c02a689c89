"""Where the drop-ins differ from torch on purpose, and how they report wrong arguments.

Each difference test first pins torch's behaviour (so the claim in the docstrings stays true for the
torch version installed), then asserts ours.
"""

from __future__ import annotations

import warnings
from typing import Any

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
        with warnings.catch_warnings():
            if type(sched).__module__.startswith("torch"):  # "lr_scheduler.step() before optimizer.step()"
                warnings.simplefilter("ignore")
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
    sched.step(10**12)  # a jump far past the end
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
def test_one_cycle_zero_length_warm_up_does_not_divide_by_zero(three_phase: bool) -> None:
    # pct_start * total_steps == 1: the warm-up phase ends at step 0
    with pytest.raises(ZeroDivisionError):
        quiet_torch("OneCycleLR", sgd(), max_lr=1.0, total_steps=10, pct_start=0.1, three_phase=three_phase)

    opt = sgd()
    sched = ours.OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=0.1, three_phase=three_phase)
    lrs = [opt.param_groups[0]["lr"]] + [v[0] for v in run(sched, opt, 12)]
    assert lrs[0] == 1.0  # the zero-length warm-up counts as done: the cycle starts at its peak
    assert lrs[9] == pytest.approx(1.0 / 25.0 / 1e4, rel=1e-12)
    assert all(0 < x <= 1.0 for x in lrs)
    if not three_phase:
        assert lrs[:10] == sorted(lrs[:10], reverse=True)


# --- momentum cycling on optimizers without momentum ---------------------------------------------------
CYCLERS = {
    "CyclicLR": dict(base_lr=0.01, max_lr=0.1, step_size_up=5),
    "OneCycleLR": dict(max_lr=0.1, total_steps=50),
}


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
    opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=0.1, betas=(0.0, 0.99))
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


def test_restarts_fractional_epoch_says_how_to_step() -> None:
    sched = ours.CosineAnnealingWarmRestarts(sgd(), T_0=10)
    with pytest.raises(TypeError, match=r"whole number of steps, got 1.5.*give T_0 in optimizer steps"):
        sched.step(1.5)
    sched.step(12.0)  # an integral float is a whole number of steps
    assert (sched.last_epoch, sched.T_cur, sched.T_i) == (12, 2, 10)


# --- every wrong argument: a clear error naming torch's argument, its value and what is allowed -------------
ERRORS: list[tuple[str, dict[str, Any], type[Exception], str]] = [
    # CyclicLR
    ("CyclicLR", dict(base_lr=0.2, max_lr=0.1), ValueError, r"base_lr must be <= max_lr \(0.1\), got 0.2"),
    (
        "CyclicLR",
        dict(base_lr=[0.1, 0.2], max_lr=[0.3, 0.1]),
        ValueError,
        r"base_lr\[1\] must be <= max_lr\[1\]",
    ),
    (
        "CyclicLR",
        dict(base_lr=[0.1], max_lr=0.3),
        ValueError,
        "base_lr has 1 values but the optimizer has 2 param groups",
    ),
    ("CyclicLR", dict(base_lr=0.0, max_lr=0.1), ValueError, "base_lr must be > 0, got 0.0"),
    (
        "CyclicLR",
        dict(base_lr="0.1", max_lr=0.3),
        TypeError,
        "base_lr must be a finite number > 0, got '0.1'",
    ),
    (
        "CyclicLR",
        dict(base_lr=torch.ones(2), max_lr=0.3),
        ValueError,
        r"base_lr must be a number or a one-element tensor",
    ),
    (
        "CyclicLR",
        dict(base_lr=0.1, max_lr=0.3, step_size_up=0),
        ValueError,
        "step_size_up must be a positive integer, got 0",
    ),
    (
        "CyclicLR",
        dict(base_lr=0.1, max_lr=0.3, step_size_up=2.5),
        TypeError,
        "step_size_up must be a positive integer, got 2.5",
    ),
    (
        "CyclicLR",
        dict(base_lr=0.1, max_lr=0.3, step_size_down=-1),
        ValueError,
        "step_size_down must be a positive integer, got -1",
    ),
    (
        "CyclicLR",
        dict(base_lr=0.1, max_lr=0.3, mode="cosine"),
        ValueError,
        "mode must be one of 'triangular', 'triangular2', 'exp_range', got 'cosine'",
    ),
    (
        "CyclicLR",
        dict(base_lr=0.1, max_lr=0.3, mode="exp_range", gamma=1.5),
        ValueError,
        r"gamma must be in \(0, 1\], got 1.5",
    ),
    ("CyclicLR", dict(base_lr=0.1, max_lr=0.3, scale_fn=3), TypeError, "scale_fn must be callable, got 3"),
    (
        "CyclicLR",
        dict(base_lr=0.1, max_lr=0.3, scale_fn=abs, scale_mode="epoch"),
        ValueError,
        "scale_mode must be one of 'cycle', 'iterations', got 'epoch'",
    ),
    (
        "CyclicLR",
        dict(base_lr=0.1, max_lr=0.3, base_momentum=0.95),
        ValueError,
        r"base_momentum must be <= max_momentum \(0.9\), got 0.95",
    ),
    (
        "CyclicLR",
        dict(base_lr=0.1, max_lr=0.3, max_momentum=1.0),
        ValueError,
        r"max_momentum must be in \[0, 1\), got 1.0",
    ),
    (
        "CyclicLR",
        dict(base_lr=0.1, max_lr=0.3, base_momentum=[0.8, 0.99]),
        ValueError,
        r"base_momentum\[1\] must be <= max_momentum",
    ),
    # OneCycleLR
    (
        "OneCycleLR",
        dict(max_lr=0.1),
        ValueError,
        "give total_steps, or both epochs and steps_per_epoch; got total_steps=None, epochs=None",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, epochs=3),
        ValueError,
        "give total_steps, or both epochs and steps_per_epoch",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, total_steps=0),
        ValueError,
        "total_steps must be a positive integer, got 0",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, total_steps=10.5),
        TypeError,
        "total_steps must be a positive integer, got 10.5",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, epochs=0, steps_per_epoch=5),
        ValueError,
        "epochs must be a positive integer, got 0",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, epochs=2, steps_per_epoch=-5),
        ValueError,
        "steps_per_epoch must be a positive integer, got -5",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, total_steps=10, pct_start=1.0),
        ValueError,
        r"pct_start must be in \(0, 1\), got 1.0",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, total_steps=10, pct_start=0.6, three_phase=True),
        ValueError,
        "pct_start must be < 0.5 with three_phase=True",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, total_steps=10, anneal_strategy="cosine"),
        ValueError,
        "anneal_strategy must be one of 'cos', 'linear', got 'cosine'",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, total_steps=10, div_factor=0),
        ValueError,
        "div_factor must be > 0, got 0",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, total_steps=10, final_div_factor=-1.0),
        ValueError,
        "final_div_factor must be > 0, got -1.0",
    ),
    (
        "OneCycleLR",
        dict(max_lr=[0.1, -1.0], total_steps=10),
        ValueError,
        r"max_lr\[1\] must be > 0, got -1.0",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, total_steps=10, base_momentum=-0.1),
        ValueError,
        r"base_momentum must be in \[0, 1\), got -0.1",
    ),
    # decays
    ("StepLR", dict(step_size=0), ValueError, "step_size must be a positive integer, got 0"),
    ("StepLR", dict(step_size=1.5), TypeError, "step_size must be a positive integer, got 1.5"),
    ("StepLR", dict(step_size=10, gamma=0), ValueError, "gamma must be > 0, got 0"),
    (
        "MultiStepLR",
        dict(milestones=[10, -1]),
        ValueError,
        r"milestones\[1\] must be a non-negative integer, got -1",
    ),
    (
        "MultiStepLR",
        dict(milestones=[10, 2.5]),
        TypeError,
        r"milestones\[1\] must be a non-negative integer, got 2.5",
    ),
    (
        "MultiStepLR",
        dict(milestones=5),
        TypeError,
        "milestones must be an iterable of non-negative integers, got 5",
    ),
    (
        "MultiStepLR",
        dict(milestones="10"),
        TypeError,
        "milestones must be an iterable of non-negative integers, got '10'",
    ),
    ("MultiStepLR", dict(milestones=[10], gamma=-0.1), ValueError, "gamma must be > 0, got -0.1"),
    ("ExponentialLR", dict(gamma=0.0), ValueError, "gamma must be > 0, got 0.0"),
    ("ExponentialLR", dict(gamma="0.9"), TypeError, "gamma must be a finite number > 0, got '0.9'"),
    ("CosineAnnealingLR", dict(T_max=0), ValueError, "T_max must be a positive integer, got 0"),
    ("CosineAnnealingLR", dict(T_max=10, eta_min=-1e-3), ValueError, "eta_min must be >= 0, got -0.001"),
    ("CosineAnnealingWarmRestarts", dict(T_0=0), ValueError, "T_0 must be a positive integer, got 0"),
    (
        "CosineAnnealingWarmRestarts",
        dict(T_0=10, T_mult=0),
        ValueError,
        "T_mult must be a positive integer, got 0",
    ),
    (
        "CosineAnnealingWarmRestarts",
        dict(T_0=10, T_mult=1.5),
        TypeError,
        "T_mult must be a positive integer, got 1.5",
    ),
    (
        "CosineAnnealingWarmRestarts",
        dict(T_0=10, eta_min=0.5),
        ValueError,
        r"eta_min must be <= the initial LR of every param group, got eta_min=0.5 but param group 0 starts at lr=0.1",
    ),
    ("LambdaLR", dict(lr_lambda=3), TypeError, "lr_lambda must be callable, got 3"),
    (
        "LambdaLR",
        dict(lr_lambda=[abs]),
        ValueError,
        "lr_lambda has 1 functions but the optimizer has 2 param groups",
    ),
    ("LambdaLR", dict(lr_lambda=lambda t: -1.0), ValueError, r"values must be finite and >= 0"),
    (
        "MultiplicativeLR",
        dict(lr_lambda=[abs, None]),
        TypeError,
        r"lr_lambda\[1\] must be callable, got None",
    ),
    ("LinearLR", dict(start_factor=0.0), ValueError, r"start_factor must be in \(0, 1\], got 0.0"),
    ("LinearLR", dict(end_factor=1.5), ValueError, r"end_factor must be in \[0, 1\], got 1.5"),
    ("LinearLR", dict(total_iters=0), ValueError, "total_iters must be a positive integer, got 0"),
    ("PolynomialLR", dict(power=0.0), ValueError, "power must be > 0, got 0.0"),
    ("PolynomialLR", dict(total_iters=-3), ValueError, "total_iters must be a positive integer, got -3"),
]


@pytest.mark.parametrize(
    ("name", "kwargs", "exc", "match"), ERRORS, ids=[f"{e[0]}-{e[3][:40]}" for e in ERRORS]
)
def test_wrong_arguments_are_named(
    name: str, kwargs: dict[str, Any], exc: type[Exception], match: str
) -> None:
    opt = sgd(0.1, 0.1)
    if name == "CosineAnnealingWarmRestarts" and "eta_min" in kwargs:
        opt = sgd(0.1)
    with pytest.raises(exc, match=match):
        getattr(ours, name)(opt, **kwargs)


REQUIRED: dict[str, dict[str, Any]] = {
    "CyclicLR": dict(base_lr=0.01, max_lr=0.1),
    "OneCycleLR": dict(max_lr=0.1, total_steps=10),
    "StepLR": dict(step_size=3),
    "MultiStepLR": dict(milestones=[3]),
    "ExponentialLR": dict(gamma=0.9),
    "CosineAnnealingLR": dict(T_max=10),
    "CosineAnnealingWarmRestarts": dict(T_0=10),
    "MultiplicativeLR": dict(lr_lambda=abs),
    "LambdaLR": dict(lr_lambda=abs),
    "LinearLR": dict(),
    "PolynomialLR": dict(),
}


@pytest.mark.parametrize("name", list(REQUIRED))
def test_optimizer_and_last_epoch_are_checked(name: str) -> None:
    with pytest.raises(TypeError, match=r"optimizer must be a torch\.optim\.Optimizer, got str"):
        getattr(ours, name)("sgd", **REQUIRED[name])
    with pytest.raises(ValueError, match="last_epoch must be an integer >= -1, got -2"):
        getattr(ours, name)(sgd(), **REQUIRED[name], last_epoch=-2)


@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "OneCycleLR"])
def test_resuming_by_last_epoch_without_initial_lr_is_a_key_error(name: str) -> None:
    with pytest.raises(KeyError, match="initial_lr"):
        getattr(ours, name)(sgd(), **REQUIRED[name], last_epoch=5)
