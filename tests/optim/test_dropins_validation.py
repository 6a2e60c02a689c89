"""Every wrong argument of a drop-in: the schedule's check, in the one message format, under torch's name.

A drop-in maps torch's arguments onto a schedule and lets the schedule check them, so its messages are
the schedule's (tests/schedules/test_schedules_validation.py) with torch's argument names; only what
exists in torch's API alone (per-group lists, tensors, the optimizer, ``last_epoch``, ``epochs *
steps_per_epoch``) is checked by the drop-in itself.
"""

from __future__ import annotations

import copy
import inspect
import pickle
import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import lightning_lr.optim as ours
from lightning_lr.optim.dropins import _peers
from lightning_lr.schedules import Cyclic, MultiStepDecay, OneCycle, PolynomialDecay, StepDecay

from support.fakes import NoLR

#: the one message format of lightning_lr._validate: "<argument> must be <what is allowed>, got <value!r>"
ONE_FORMAT = re.compile(r"(?P<argument>.+?) must be (?P<allowed>.+), got (?P<value>.+)", re.DOTALL)
#: a message that starts with a class's name ("ExponentialDecay: "): the schedule's, not the drop-in's
OWNER = re.compile(r"[A-Z]\w*: ")


def sgd(*lrs: float, momentum: float = 0.9) -> torch.optim.SGD:
    groups: list[dict[str, Any]] = [
        {"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs or (0.1,)
    ]
    return torch.optim.SGD(groups, momentum=momentum)


# (drop-in, its arguments besides the optimizer, exception type, an exact fragment of the message)
CASES: list[tuple[str, dict[str, Any], type[Exception], str]] = [
    # CyclicLR
    ("CyclicLR", dict(base_lr=0.2, max_lr=0.1), ValueError, "base_lr must be <= max_lr (0.1), got 0.2"),
    (
        "CyclicLR",
        dict(base_lr=[0.1, 0.2], max_lr=[0.3, 0.1]),
        ValueError,
        "base_lr[1] must be <= max_lr[1]",
    ),
    (
        "CyclicLR",
        dict(base_lr=[0.1], max_lr=0.3),
        ValueError,
        "base_lr must be a single value (a number, or a one-element tensor or array) or a list or tuple of 2 (one per param group), got [0.1]",
    ),
    ("CyclicLR", dict(base_lr=-0.1, max_lr=0.1), ValueError, "base_lr must be >= 0, got -0.1"),
    (
        "CyclicLR",
        dict(base_lr="0.1", max_lr=0.3),
        TypeError,
        "base_lr must be a finite number >= 0, got '0.1'",
    ),
    (
        # review 36: said "a number or a one-element tensor", not that one value per group is allowed
        "CyclicLR",
        dict(base_lr=torch.ones(2), max_lr=0.3),
        ValueError,
        "base_lr must be a single value (a number, or a one-element tensor or array) or a list or tuple of 2 (one per param group), got "
        "tensor([1., 1.])",
    ),
    (
        # review 36: said "a finite number >= 0", not that one value per group is allowed
        "CyclicLR",
        dict(base_lr=np.array([0.01, 0.001]), max_lr=0.3),
        ValueError,
        "base_lr must be a single value (a number, or a one-element tensor or array) or a list or tuple of 2 (one per param group), got "
        "array([0.01 , 0.001])",
    ),
    (
        "OneCycleLR",
        dict(max_lr=np.array([0.1, 0.05]), total_steps=10),
        ValueError,
        "max_lr must be a single value (a number, or a one-element tensor or array) or a list or tuple of 2 (one per param group), got "
        "array([0.1 , 0.05])",
    ),
    (
        # review 40: a TypeError, where torch's own code fails on an array of momentums with a ValueError
        "OneCycleLR",
        dict(max_lr=0.1, total_steps=10, base_momentum=np.array([0.8, 0.85])),
        ValueError,
        "base_momentum must be a single value (a number, or a one-element tensor or array) or a list or tuple of 2 (one per param group), got array(",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, total_steps=10, base_momentum=torch.tensor([0.8, 0.85])),
        ValueError,
        "base_momentum must be a single value (a number, or a one-element tensor or array) or a list or tuple of 2 (one per param group)",
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
        "step_size_down must be a non-negative integer, got -1",
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
        "gamma must be in (0, 1] with mode='exp_range', got 1.5",
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
        "base_momentum must be <= max_momentum (0.9), got 0.95",
    ),
    (
        "CyclicLR",
        dict(base_lr=0.1, max_lr=0.3, max_momentum=1.0),
        ValueError,
        "max_momentum must be in [0, 1), got 1.0",
    ),
    (
        "CyclicLR",
        dict(base_lr=0.1, max_lr=0.3, base_momentum=[0.8, 0.99]),
        ValueError,
        "base_momentum[1] must be <= max_momentum",
    ),
    # OneCycleLR
    (
        "OneCycleLR",
        dict(max_lr=0.1),
        ValueError,
        "total_steps must be an integer >= 2, or None with both epochs and steps_per_epoch given "
        "(epochs=None, steps_per_epoch=None), got None",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, epochs=3),
        ValueError,
        "(epochs=3, steps_per_epoch=None), got None",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, total_steps=0),
        ValueError,
        "total_steps must be an integer >= 2 (a cycle needs at least one step up and one step down), got 0",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, total_steps=10.5),
        ValueError,
        "total_steps must be an integer >= 2 (a cycle needs at least one step up and one step down), got 10.5",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, epochs=2.5, steps_per_epoch=3),
        ValueError,
        "epochs must be a positive integer, got 2.5",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, total_steps=10, pct_start="a"),
        ValueError,
        "pct_start must be a number in [0, 1], got 'a'",
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
        "CosineAnnealingWarmRestarts",
        dict(T_0=2**63),
        ValueError,
        "T_0 must be a positive integer, at most 2**53 = 9007199254740992 (steps are computed in float64), "
        "got 9223372036854775808",
    ),
    (  # r202: a whole float past the cap is quoted as given, not as its 309 digits
        "CosineAnnealingLR",
        dict(T_max=1e308),
        ValueError,
        "T_max must be a positive integer, at most 2**53 = 9007199254740992 (steps are computed in float64), "
        "got 1e+308",
    ),
    (
        "StepLR",
        dict(step_size=np.float32(3.5)),
        TypeError,
        "step_size must be a positive integer, got 3.5",
    ),
    (
        "OneCycleLR",
        dict(max_lr=1.0, total_steps=10**20),
        ValueError,
        "total_steps must be an integer >= 2 (a cycle needs at least one step up and one step down), at most "
        "2**53",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, total_steps=10, pct_start=1.5),
        ValueError,
        "pct_start must be in [0, 1], got 1.5",
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
        dict(max_lr=0.1, total_steps=10, div_factor=0.5),
        ValueError,
        "div_factor must be >= 1 (the start max_lr / div_factor must not be above max_lr), got 0.5",
    ),
    (
        "OneCycleLR",
        dict(max_lr=[0.1, 0.2], total_steps=10, div_factor=0.5),
        ValueError,
        "div_factor must be >= 1 (the start max_lr[0] / div_factor must not be above max_lr[0]), got 0.5",
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
        "max_lr[1] must be > 0, got -1.0",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, total_steps=10, base_momentum=-0.1),
        ValueError,
        "base_momentum must be in [0, 1), got -0.1",
    ),
    # decays
    ("StepLR", dict(step_size=0), ValueError, "step_size must be a positive integer, got 0"),
    ("StepLR", dict(step_size=1.5), TypeError, "step_size must be a positive integer, got 1.5"),
    ("StepLR", dict(step_size=10, gamma=0), ValueError, "gamma must be > 0, got 0"),
    (
        "MultiStepLR",
        dict(milestones=[10, -1]),
        ValueError,
        "milestones[1] must be a non-negative integer, got -1",
    ),
    (  # review 55: the value given, not the int it would have been converted to
        "MultiStepLR",
        dict(milestones=[10, -1.0]),
        TypeError,
        "milestones[1] must be a non-negative integer, got -1.0",
    ),
    (
        "CyclicLR",
        dict(base_lr=0.1, max_lr=0.3, step_size_down=-4.0),
        TypeError,
        "step_size_down must be a non-negative integer, got -4.0",
    ),
    (
        "MultiStepLR",
        dict(milestones=[10, 2.5]),
        TypeError,
        "milestones[1] must be a non-negative integer, got 2.5",
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
    (  # review 108: a 0-d array or tensor gave a bare "iteration over a 0-d array" (or torch/_tensor.py's)
        "MultiStepLR",
        dict(milestones=np.array(5)),
        TypeError,
        "milestones must be an iterable of non-negative integers, got array(5)",
    ),
    (
        "MultiStepLR",
        dict(milestones=torch.tensor(5)),
        TypeError,
        "milestones must be an iterable of non-negative integers, got tensor(5)",
    ),
    ("MultiStepLR", dict(milestones=[10], gamma=-0.1), ValueError, "gamma must be > 0, got -0.1"),
    (
        "MultiStepLR",
        dict(milestones={10: -1}),
        ValueError,
        "milestones[10] (its count) must be an integer >= 0, got -1",
    ),
    ("MultiStepLR", dict(milestones={10: 1.5}), TypeError, "milestones[10] (its count) must be an integer"),
    (
        "MultiStepLR",
        dict(milestones=[10, None]),
        TypeError,
        "milestones[1] must be a non-negative integer, got None",
    ),
    (
        "MultiStepLR",
        dict(milestones=[10], gamma=torch.ones(2)),
        ValueError,
        "gamma must be a number or a one-element tensor or array, got tensor([1., 1.])",
    ),
    ("ExponentialLR", dict(gamma=0.0), ValueError, "gamma must be > 0, got 0.0"),
    ("ExponentialLR", dict(gamma="0.9"), TypeError, "gamma must be a finite number > 0, got '0.9'"),
    ("CosineAnnealingLR", dict(T_max=0), ValueError, "T_max must be a positive integer, got 0"),
    ("CosineAnnealingLR", dict(T_max=2.5), TypeError, "T_max must be a positive integer, got 2.5"),
    ("CosineAnnealingLR", dict(T_max=10, eta_min=-1e-3), ValueError, "eta_min must be >= 0, got -0.001"),
    ("CosineAnnealingWarmRestarts", dict(T_0=0), ValueError, "T_0 must be a positive integer, got 0"),
    ("CosineAnnealingWarmRestarts", dict(T_0=10.0), ValueError, "T_0 must be a positive integer, got 10.0"),
    (
        "CosineAnnealingWarmRestarts",
        dict(T_0=10, eta_min=-0.1),
        ValueError,
        "eta_min must be >= 0, got -0.1",
    ),
    (
        "CosineAnnealingWarmRestarts",
        dict(T_0=10, eta_min="0"),
        ValueError,
        "eta_min must be a finite number >= 0, got '0'",
    ),
    (
        "CosineAnnealingWarmRestarts",
        dict(T_0=10, T_mult=0),
        ValueError,
        "T_mult must be a positive integer, got 0",
    ),
    (
        "CosineAnnealingWarmRestarts",
        dict(T_0=10, T_mult=1.5),
        ValueError,
        "T_mult must be a positive integer, got 1.5",
    ),
    (
        "CosineAnnealingWarmRestarts",
        dict(T_0=10, eta_min=0.5),
        ValueError,
        "eta_min must be <= the initial LR of param group 0 (0.1), got 0.5",
    ),
    ("LambdaLR", dict(lr_lambda=3), TypeError, "lr_lambda must be callable, got 3"),
    ("LambdaLR", dict(lr_lambda=[abs, 3]), TypeError, "lr_lambda[1] must be callable, got 3"),
    # review 125: the count, not the functions' reprs
    (
        "LambdaLR",
        dict(lr_lambda=[abs]),
        ValueError,
        "lr_lambda must be a single function or a list or tuple of functions: expected 2 (one per param group), "
        "got 1",
    ),
    (
        "MultiplicativeLR",
        dict(lr_lambda=(abs, abs, abs)),
        ValueError,
        "lr_lambda must be a single function or a list or tuple of functions: expected 2 (one per param group), "
        "got 3",
    ),
    (
        "MultiplicativeLR",
        dict(lr_lambda=[abs, None]),
        TypeError,
        "lr_lambda[1] must be callable, got None",
    ),
    ("LinearLR", dict(start_factor=0.0), ValueError, "start_factor must be in (0, 1], got 0.0"),
    ("LinearLR", dict(end_factor=1.5), ValueError, "end_factor must be in [0, 1], got 1.5"),
    ("LinearLR", dict(total_iters=0), ValueError, "total_iters must be a positive integer, got 0"),
    ("PolynomialLR", dict(power=0.0), ValueError, "power must be > 0, got 0.0"),
    ("PolynomialLR", dict(total_iters=2.5), TypeError, "total_iters must be a positive integer, got 2.5"),
    ("PolynomialLR", dict(total_iters=-3), ValueError, "total_iters must be a positive integer, got -3"),
]


@pytest.mark.parametrize(
    ("name", "kwargs", "error", "message"), CASES, ids=[f"{c[0]}-{c[3][:40]}" for c in CASES]
)
def test_wrong_arguments_are_named(
    name: str, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    opt = sgd(0.1, 0.1)
    if name == "CosineAnnealingWarmRestarts" and "eta_min" in kwargs:
        opt = sgd(0.1)
    with pytest.raises(error, match=re.escape(message)) as info:
        getattr(ours, name)(opt, **kwargs)
    assert ONE_FORMAT.fullmatch(str(info.value)), str(info.value)
    # the drop-in's (torch's) argument, never the schedule it is built on (review 36: "ExponentialDecay: gamma
    # must be > 0, got 0")
    assert not OWNER.match(str(info.value)), str(info.value)


# more values of the arguments torch checks itself: strings, None, bools, numpy numbers, lists (the class
# follows torch's check: "5" <= 0 is a TypeError, float("a" * 10) a ValueError)
TORCH_CLASS_CASES: list[tuple[str, dict[str, Any], type[Exception], str]] = [
    ("CosineAnnealingWarmRestarts", dict(T_0="5"), TypeError, "T_0 must be"),
    # review 122: torch reads CyclicLR's step sizes with float(), so '10' is taken (test_dropins_oracle); a string
    # float() refuses is torch's ValueError, a fractional one the TypeError of a fractional number of steps
    (
        "CyclicLR",
        dict(base_lr=0.01, max_lr=0.1, step_size_up="ten"),
        ValueError,
        "step_size_up must be a positive integer, or a string of one (torch reads it with float()), got 'ten'",
    ),
    (
        "CyclicLR",
        dict(base_lr=0.01, max_lr=0.1, step_size_up=4, step_size_down="2.5"),
        TypeError,
        "step_size_down must be a non-negative integer, or a string of one (torch reads it with float()), got '2.5'",
    ),
    (
        "CyclicLR",
        dict(base_lr=0.01, max_lr=0.1, step_size_up="0"),
        ValueError,
        "step_size_up must be a positive integer, or a string of one (torch reads it with float()), got '0'",
    ),
    ("CosineAnnealingWarmRestarts", dict(T_0=10, T_mult=np.float64(1.5)), ValueError, "T_mult must be"),
    ("CosineAnnealingWarmRestarts", dict(T_0=10, eta_min=None), ValueError, "eta_min must be"),
    ("OneCycleLR", dict(max_lr=0.1, total_steps="10"), TypeError, "total_steps must be"),
    ("OneCycleLR", dict(max_lr=0.1, epochs="2", steps_per_epoch=3), ValueError, "epochs must be"),
    ("OneCycleLR", dict(max_lr=0.1, epochs=2, steps_per_epoch=[3]), ValueError, "steps_per_epoch must be"),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10, pct_start=True), ValueError, "pct_start must be"),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10, pct_start=None), TypeError, "pct_start must be"),
    # review 36: torch's "mode is invalid and scale_fn is None" is a ValueError; gamma=None fails in torch's
    # arithmetic at the first step, a TypeError
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, mode=None), ValueError, "mode must be one of"),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, mode=3), ValueError, "mode must be one of"),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, mode=["triangular"]), ValueError, "mode must be one of"),
    ("ExponentialLR", dict(gamma=None), TypeError, "gamma must be a finite number > 0, got None"),
    # review 106: a tensor of several values gave torch's bare "Boolean value of Tensor with more than one value
    # is ambiguous" (torch's RuntimeError); named now, a TypeError as StepLR's step_size (review 122: saying that
    # a tensor is taken with one element only)
    (
        "CosineAnnealingWarmRestarts",
        dict(T_0=torch.tensor([1.0, 2.0])),
        TypeError,
        "T_0 must be a positive integer (a tensor or array only of one element, its number: this one has 2), got tensor([1., 2.])",
    ),
    (
        "CosineAnnealingWarmRestarts",
        dict(T_0=3, T_mult=torch.tensor([1.0, 2.0])),
        TypeError,
        "T_mult must be a positive integer (a tensor or array only of one element, its number: this one has 2), got tensor([1., 2.])",
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.1, total_steps=torch.tensor([1.0, 2.0])),
        TypeError,
        "total_steps must be an integer >= 2 (a cycle needs at least one step up and one step down)"
        " (a tensor or array only of one element, its number: this one has 2), got tensor([1., 2.])",
    ),
    # review 106: where torch's own check refuses the factor, a ValueError as torch's (was a TypeError)
    ("LinearLR", dict(start_factor=False), ValueError, "start_factor must be a number in (0, 1], got False"),
    ("LinearLR", dict(start_factor=torch.tensor(2)), ValueError, "start_factor must be in (0, 1], got 2"),
    ("LinearLR", dict(end_factor=torch.tensor(2)), ValueError, "end_factor must be in [0, 1], got 2"),
    (
        "LinearLR",
        dict(start_factor=torch.tensor([0.5, 0.6])),
        ValueError,
        "start_factor must be a number or a one-element tensor or array, got tensor([0.5000, 0.6000])",
    ),
]


@pytest.mark.parametrize(
    ("name", "kwargs", "error", "message"),
    TORCH_CLASS_CASES,
    ids=[f"{c[0]}-{c[1]}" for c in TORCH_CLASS_CASES],
)
def test_where_torch_refuses_an_argument_too_ours_names_it(
    name: str, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)) as info:
        getattr(ours, name)(sgd(0.1), **kwargs)
    assert ONE_FORMAT.fullmatch(str(info.value)) and not OWNER.match(str(info.value)), str(info.value)


def _error_of(module: Any, name: str, kwargs: dict[str, Any]) -> BaseException | None:
    """The error of building the scheduler and taking one step (torch fails on some values only there)."""
    opt = sgd(0.1) if name == "CosineAnnealingWarmRestarts" and "eta_min" in kwargs else sgd(0.1, 0.1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched = getattr(module, name)(opt, **kwargs)
            opt.step()
            sched.step()
    except Exception as exc:
        return exc
    return None


def test_where_torch_refuses_an_argument_too_it_raises_torchs_exception_class() -> None:
    # code catching torch's class around the constructor (or the first step) catches ours (before:
    # CosineAnnealingWarmRestarts raised TypeError for T_mult=1.5 where torch raises ValueError; review 36:
    # CyclicLR(mode=None) a TypeError where torch's check raises ValueError, ExponentialLR(gamma=None) a
    # ValueError where torch fails with a TypeError)
    compared, differ = 0, []
    for name, kwargs, error, _ in CASES + TORCH_CLASS_CASES:
        theirs = _error_of(torch.optim.lr_scheduler, name, kwargs)
        # torch's own checks and the TypeErrors its arithmetic raises (not a crash such as a division by
        # zero: docs/differences_from_torch.md)
        if not isinstance(theirs, (TypeError, ValueError)):
            continue
        compared += 1
        mine = _error_of(ours, name, kwargs)
        if not issubclass(error, type(theirs)) or not isinstance(mine, type(theirs)):
            differ.append((name, kwargs, type(theirs).__name__, error.__name__, type(mine).__name__))
    assert differ == []
    assert compared >= 30


# (drop-in call, the schedule call it maps onto, the schedule's names -> torch's)
SAME_CHECK: list[tuple[str, Callable[[], Any], Callable[[], Any], dict[str, str]]] = [
    (
        "three-phase-pct",
        lambda: ours.OneCycleLR(sgd(), max_lr=0.1, total_steps=10, pct_start=0.6, three_phase=True),
        lambda: OneCycle(0.1, 10, pct_start=0.6, three_phase=True),
        {},
    ),
    (
        "anneal",
        lambda: ours.OneCycleLR(sgd(), max_lr=0.1, total_steps=10, anneal_strategy="cosine"),
        lambda: OneCycle(0.1, 10, anneal="cosine"),
        {"anneal": "anneal_strategy"},
    ),
    (
        "cyclic-momentum",
        lambda: ours.CyclicLR(sgd(), base_lr=0.1, max_lr=0.3, base_momentum=0.95),
        lambda: Cyclic(0.1, 0.3).momentum(0.95, 0.9),
        {},
    ),
    (
        "step-size",
        lambda: ours.StepLR(sgd(), step_size=-2),
        lambda: StepDecay(1.0, every=-2),
        {"every": "step_size"},
    ),
    (
        "milestones",
        lambda: ours.MultiStepLR(sgd(), milestones=[3], gamma=0.0),
        lambda: MultiStepDecay(1.0, [3], gamma=0.0),
        {},
    ),
    (
        "total-iters",
        lambda: ours.PolynomialLR(sgd(), total_iters=0),
        lambda: PolynomialDecay(1.0, total=0),
        {"total": "total_iters"},
    ),
]


@pytest.mark.parametrize(
    ("drop_in", "schedule", "names"), [c[1:] for c in SAME_CHECK], ids=[c[0] for c in SAME_CHECK]
)
def test_a_drop_in_reports_the_schedules_check_in_torchs_names(
    drop_in: Callable[[], Any], schedule: Callable[[], Any], names: dict[str, str]
) -> None:
    with pytest.raises((TypeError, ValueError)) as ours_info:
        drop_in()
    with pytest.raises(type(ours_info.value)) as schedule_info:
        schedule()
    # the schedule's own message, without its name (a drop-in speaks torch's names, not the schedule's)
    schedule_name, expected = str(schedule_info.value).split(": ", 1)
    assert schedule_name[0].isupper() and " " not in schedule_name
    for name, torch_name in names.items():
        expected = expected.replace(name, torch_name, 1)
    assert str(ours_info.value) == expected


def negative(step: int) -> float:
    return -1.0


def negative_from_5(step: int) -> float:
    return -1.0 if step >= 5 else 1.0


def text(step: int) -> Any:
    return "0.1"


def steps(sched: Any, n: int) -> None:
    for _ in range(n):
        sched.optimizer.step()
        sched.step()


USER_FUNCTIONS: list[tuple[str, Callable[[], Any], type[Exception], str]] = [
    (
        "LambdaLR",
        lambda: ours.LambdaLR(sgd(), lr_lambda=negative),
        ValueError,
        "lr_lambda(0) returned -1.0; values must be finite and >= 0 (lr_lambda is negative)",
    ),
    (
        "LambdaLR-text",
        lambda: ours.LambdaLR(sgd(), lr_lambda=text),
        TypeError,
        "lr_lambda(0) returned '0.1', not a number (lr_lambda is text)",
    ),
    (
        # two lambdas have the same name: the message says which argument it was
        "LambdaLR-list",
        lambda: ours.LambdaLR(sgd(0.1, 0.1), lr_lambda=[lambda t: 1.0, lambda t: -2.0]),
        ValueError,
        "lr_lambda[1](0) returned -2.0; values must be finite and >= 0 (lr_lambda[1] is <lambda>.<locals>.<lambda>)",
    ),
    (
        "LambdaLR-later",
        lambda: steps(ours.LambdaLR(sgd(), lr_lambda=negative_from_5), 6),
        ValueError,
        "lr_lambda(5) returned -1.0; values must be finite and >= 0 (lr_lambda is negative_from_5)",
    ),
    (
        "MultiplicativeLR",
        lambda: steps(ours.MultiplicativeLR(sgd(), lr_lambda=negative), 1),
        ValueError,
        "lr_lambda(1) returned -1.0; values must be finite and >= 0 (lr_lambda is negative)",
    ),
    (
        # torch's SequentialLR at a milestone: MultiplicativeLR multiplies by lr_lambda(0)
        "MultiplicativeLR-milestone",
        lambda: ours.MultiplicativeLR(sgd(), lr_lambda=[negative])._update_lr(0),
        ValueError,
        "lr_lambda[0](0) returned -1.0; values must be finite and >= 0 (lr_lambda[0] is negative)",
    ),
    (
        "CyclicLR",
        lambda: steps(ours.CyclicLR(sgd(), 0.01, 0.1, step_size_up=1, scale_fn=lambda x: 2.0), 1),
        ValueError,
        "scale_fn(1) returned 2.0; values must be finite and in [0, 1] (scale_fn is <lambda>.<locals>.<lambda>)",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "message"), [c[1:] for c in USER_FUNCTIONS], ids=[c[0] for c in USER_FUNCTIONS]
)
def test_what_a_users_function_returned_is_said_of_its_argument(
    call: Callable[[], Any], error: type[Exception], message: str
) -> None:
    # before (review 36): "Lambda: <lambda>.<locals>.<lambda>(0) returned -1.0; ...", naming the schedule
    # the drop-in is built on and the function, not the argument
    with pytest.raises(error) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        call()
    assert str(info.value) == message


class Failing:
    """A factor ``0.8 ** t`` that returns -1 at step ``at`` while ``on``: a step that fails once."""

    def __init__(self, at: int) -> None:
        self.at, self.on = at, False

    def __call__(self, t: int) -> float:
        return -1.0 if self.on and t == self.at else 0.8**t


def state_of(sched: Any) -> tuple[Any, ...]:
    groups = sched.optimizer.param_groups
    return (
        sched.last_epoch,
        sched._step_count,
        sched.get_last_lr(),
        [(g["lr"], g["momentum"]) for g in groups],
    )


# (name, scheduler on a two-group SGD whose second group's function fails at step 3 when told, epoch form)
FAILED_STEPS: list[tuple[str, Callable[[torch.optim.Optimizer, Failing], Any], bool]] = [
    ("LambdaLR", lambda opt, f: ours.LambdaLR(opt, [lambda t: 0.5**t, f]), False),
    ("LambdaLR-epoch", lambda opt, f: ours.LambdaLR(opt, [lambda t: 0.5**t, f]), True),
    ("MultiplicativeLR", lambda opt, f: ours.MultiplicativeLR(opt, [lambda t: 0.9, f]), False),
    (
        "CyclicLR",
        lambda opt, f: ours.CyclicLR(
            opt,
            0.01,
            0.1,
            step_size_up=2,
            scale_fn=lambda x: 1.0 if f(3) >= 0 else 2.0,
            scale_mode="iterations",
        ),
        False,
    ),
]


@pytest.mark.parametrize(
    ("make", "by_epoch"), [c[1:] for c in FAILED_STEPS], ids=[c[0] for c in FAILED_STEPS]
)
def test_a_refused_step_leaves_the_scheduler_and_every_group_as_they_were(
    make: Callable[[torch.optim.Optimizer, Failing], Any], by_epoch: bool
) -> None:
    # before: the first group was written with its step-3 LR, the second (whose function failed) was not, and
    # last_epoch counted the step; get_last_lr() disagreed with the groups, and a step again went on to step 4
    def run(fail: bool) -> list[Any]:
        f = Failing(at=3)
        opt = sgd(0.1, 0.2)
        sched = make(opt, f)
        out = [state_of(sched)]
        for t in range(1, 7):
            opt.step()
            if fail and t == 3:
                f.on = True
                before = state_of(sched)
                for _ in range(2):  # a second try meets the same error: the step was not counted
                    with pytest.raises(ValueError, match=r"returned"), warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        sched.step(t) if by_epoch else sched.step()
                    assert state_of(sched) == before
                f.on = False
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sched.step(t) if by_epoch else sched.step()
            out.append(state_of(sched))
        return out

    assert run(fail=True) == run(fail=False)


def test_a_refused_step_of_a_schedule_lr_is_not_counted() -> None:
    from lightning_lr.schedules import Lambda

    f = Failing(at=2)
    opt = sgd(0.1, 0.2)
    sched = ours.ScheduleLR(opt, lr=[Lambda(lambda t: 0.1 * 0.5**t), Lambda(lambda t: 0.2 * f(t))])
    opt.step()
    sched.step()
    f.on = True
    before = state_of(sched)
    with pytest.raises(ValueError, match=r"^Lambda: fn\(2\) returned -0\.2"):
        sched.step()
    assert state_of(sched) == before == (1, 2, [0.05, 0.2 * 0.8], [(0.05, 0.9), (0.2 * 0.8, 0.9)])
    f.on = False
    sched.step()
    assert state_of(sched)[:3] == (2, 3, [0.025, 0.2 * 0.8**2])


def test_an_lr_lambda_returning_a_one_element_array_is_its_number_as_torch_runs_it() -> None:
    # review 132: np.interp([e], ...) was refused ("returned array([1.]), not a number") where a one-element
    # tensor was taken and torch runs both
    def interp(e: int) -> Any:
        return np.interp([e], [0, 10], [1.0, 0.1])

    def lrs(module: Any) -> list[float]:
        opt = sgd()
        sched = module.LambdaLR(opt, lr_lambda=interp)
        out = []
        for _ in range(12):
            out.append(float(np.asarray(opt.param_groups[0]["lr"]).item()))
            opt.step()
            sched.step()
        return out

    np.testing.assert_allclose(lrs(ours), lrs(torch.optim.lr_scheduler), rtol=1e-12)
    # more than one element is no number, and a boolean one is refused as True is
    with pytest.raises(TypeError, match=r"^lr_lambda\(0\) returned array\(\[1\., 1\.\]\), not a number"):
        ours.LambdaLR(sgd(), lr_lambda=lambda e: np.ones(2))
    with pytest.raises(TypeError, match=r"^lr_lambda\(0\) returned array\(\[ True\]\), not a number"):
        ours.LambdaLR(sgd(), lr_lambda=lambda e: np.array([True]))


def test_what_a_users_function_returned_at_a_loaded_step_is_said_of_its_argument() -> None:
    opt = sgd()
    sched = ours.LambdaLR(opt, lr_lambda=negative_from_5)
    state = {**sched.state_dict(), "last_epoch": 7, "_step_count": 8}
    with pytest.raises(ValueError, match=r"^lr_lambda\(7\) returned -1\.0; values must be finite and >= 0 "):
        sched.load_state_dict(state)


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
    with pytest.raises(ValueError, match="last_epoch must be an integer >= -1 and below 2\\*\\*62, got -2"):
        getattr(ours, name)(sgd(), **REQUIRED[name], last_epoch=-2)
    # a 0-d tensor is its number, as torch's own take it (review 146: "must be an integer >= -1, got tensor(-1)")
    assert getattr(ours, name)(sgd(), **REQUIRED[name], last_epoch=torch.tensor(-1)).last_epoch == 0


@pytest.mark.parametrize("last_epoch", [0, 5])
@pytest.mark.parametrize("name", [*REQUIRED, "ScheduleLR"])
def test_resuming_by_last_epoch_without_initial_lr_is_a_key_error_in_the_packages_words(
    name: str, last_epoch: int
) -> None:
    # review 108: only CosineAnnealingLR and CosineAnnealingWarmRestarts said so; every other drop-in and
    # ScheduleLR raised torch's multi-line KeyError from inside lr_scheduler.py. Still a KeyError, as torch's
    def build(opt: torch.optim.Optimizer) -> Any:
        if name == "ScheduleLR":
            return ours.ScheduleLR(opt, PolynomialDecay(0.1, total=10), last_epoch=last_epoch)
        return getattr(ours, name)(opt, **REQUIRED[name], last_epoch=last_epoch)

    for missing in (0, 1):  # the group named is the one without it
        opt = sgd(0.1, 0.05)
        for i, g in enumerate(opt.param_groups):
            if i != missing:
                g["initial_lr"] = g["lr"]
        before = [dict(g, params=None) for g in opt.param_groups]
        with pytest.raises(KeyError) as info:
            build(opt)
        assert info.value.args[0] == (
            f"param group {missing} has no 'initial_lr', which resuming with last_epoch={last_epoch} needs: load "
            f"the optimizer's state_dict first, or create the scheduler with last_epoch=-1 and load the "
            f"scheduler's state_dict"
        )
        assert [
            dict(g, params=None) for g in opt.param_groups
        ] == before  # refused before anything is written
    with pytest.raises(KeyError):  # torch's class too
        torch.optim.lr_scheduler.StepLR(sgd(), 3, last_epoch=last_epoch)


@pytest.mark.parametrize("name", [*REQUIRED, "ScheduleLR"])
def test_an_optimizer_without_lr_is_named_in_a_key_error(name: str) -> None:
    # r198: torch's bare "KeyError: 'lr'" from inside lr_scheduler.py; still a KeyError, as torch's
    def build(opt: torch.optim.Optimizer) -> Any:
        if name == "ScheduleLR":
            return ours.ScheduleLR(opt, PolynomialDecay(0.1, total=10))
        kwargs = {
            "OneCycleLR": dict(max_lr=0.1, total_steps=10, cycle_momentum=False),
            "CyclicLR": dict(base_lr=0.01, max_lr=0.1, cycle_momentum=False),
        }.get(name, REQUIRED[name])
        return getattr(ours, name)(opt, **kwargs)

    def param() -> torch.nn.Parameter:
        return torch.nn.Parameter(torch.zeros(1))

    opt = NoLR([{"params": [param()], "lr": 0.1}, {"params": [param()]}])
    del opt.param_groups[0]["lr"]
    with pytest.raises(KeyError) as info:
        build(opt)
    assert info.value.args[0] == (
        f"{name}: NoLR has no 'lr' in param groups 0, 1, where the LR is read and set: every torch optimizer has "
        f"one; a custom optimizer puts lr in the defaults it passes to torch.optim.Optimizer"
    )
    # a group added later without one (r199): named at the next step, where torch's step raises the bare one
    opt = NoLR([{"params": [param()], "lr": 0.1}])
    scheduler = build(opt)
    opt.add_param_group({"params": [param()]})
    with pytest.raises(KeyError) as info:
        scheduler.step()
    assert info.value.args[0].startswith(f"{name}: NoLR has no 'lr' in param group 1, where the LR is read")


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [("StepLR", dict(step_size=2, gamma=1.5)), ("MultiStepLR", dict(milestones=[2], gamma=2.0)),
     ("ExponentialLR", dict(gamma=1.01))],
)  # fmt: skip
def test_a_gamma_above_1_grows_silently_as_in_torch(name: str, kwargs: dict) -> None:
    # before: StepLR(gamma=1.5) warned "StepDecay: drop=1.5 > 1 ...", naming arguments it does not have
    # (review 26); torch and the other drop-ins say nothing
    import warnings

    from torch.optim import lr_scheduler as L

    lrs = []
    for module in (L, ours):
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            sched = getattr(module, name)(opt, **kwargs)
            copy.deepcopy(sched), pickle.loads(pickle.dumps(sched))  # review 106: a copy said it
            sched.load_state_dict(sched.state_dict())
        run = []
        for _ in range(5):
            opt.step()
            sched.step()
            run.append(opt.param_groups[0]["lr"])
        lrs.append(run)
    assert lrs[1] == pytest.approx(lrs[0], rel=1e-12)


@pytest.mark.parametrize("name", [n for n in REQUIRED if n != "CosineAnnealingWarmRestarts"])
@pytest.mark.parametrize(
    ("epoch", "error", "allowed"),
    [
        (0.53, ValueError, "a whole number >= 0 (a step)"),
        (float("inf"), ValueError, "a whole number >= 0 (a step)"),
        (-5, ValueError, "a non-negative integer"),
        (-2.0, TypeError, "a non-negative integer"),
        ("3", TypeError, "a non-negative integer"),
    ],
)
def test_a_wrong_epoch_is_named_epoch_and_changes_nothing(
    name: str, epoch: Any, error: type[Exception], allowed: str
) -> None:
    # before: "step must be a non-negative integer, got 0.53" (review 36): step() has no argument "step", and
    # the refused call had counted a step
    opt = sgd()
    sched = getattr(ours, name)(opt, **REQUIRED[name])
    opt.step()
    sched.step()
    before = (sched.last_epoch, sched._step_count, [g["lr"] for g in opt.param_groups])
    message = f"^epoch must be {re.escape(allowed)}, got {re.escape(repr(epoch))}"
    with pytest.raises(error, match=message):
        sched.step(epoch)
    with pytest.raises(error, match=message):
        sched._update_lr(epoch)  # what torch's SequentialLR calls
    assert (sched.last_epoch, sched._step_count, [g["lr"] for g in opt.param_groups]) == before


@pytest.mark.parametrize("name", [n for n in REQUIRED if n != "CosineAnnealingWarmRestarts"])
def test_a_whole_float_epoch_is_that_step_as_torch_takes_it(name: str) -> None:
    # review 40: step(3.0) was a TypeError where torch takes it (its closed forms read 3.0 as step 3)
    stepped = sgd()
    b = getattr(ours, name)(stepped, **REQUIRED[name])
    for _ in range(3):
        stepped.step()
        b.step()
    for epoch in (3.0, np.float64(3.0)):
        jumped = sgd()
        a = getattr(ours, name)(jumped, **REQUIRED[name])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a.step(epoch)
        assert type(a.last_epoch) is int and a.last_epoch == b.last_epoch == 3
        assert [g["lr"] for g in jumped.param_groups] == [g["lr"] for g in stepped.param_groups]


@pytest.mark.parametrize(
    ("name", "arrays", "numbers"),
    [
        ("OneCycleLR", dict(max_lr=np.array([0.1]), total_steps=10), dict(max_lr=0.1, total_steps=10)),
        (
            "CyclicLR",
            dict(base_lr=np.array([0.01]), max_lr=np.array([0.1]), base_momentum=np.array([0.8])),
            dict(base_lr=0.01, max_lr=0.1, base_momentum=0.8),
        ),
        ("StepLR", dict(step_size=2, gamma=np.array([0.5])), dict(step_size=2, gamma=0.5)),
    ],
)
def test_a_one_element_numpy_array_is_its_number_as_in_torch(name: str, arrays: Any, numbers: Any) -> None:
    # review 40: a one-element array was refused for a per-group argument, where torch takes it
    runs = []
    for kwargs in (arrays, numbers):
        opt = torch.optim.SGD(
            [torch.nn.Parameter(torch.zeros(1)), torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9
        )
        sched = getattr(ours, name)(opt, **kwargs)
        run = []
        for _ in range(6):
            opt.step()
            sched.step()
            run.append([(g["lr"], g["momentum"]) for g in opt.param_groups])
        runs.append(run)
    assert runs[0] == runs[1]
    assert all(type(lr) is float for step in runs[0] for lr, _ in step)


@pytest.mark.parametrize("name", [n for n in REQUIRED if n != "CosineAnnealingWarmRestarts"])
def test_a_tensor_epoch_is_its_step_and_a_huge_one_is_refused_by_name(name: str) -> None:
    # review 44: step(torch.tensor(5.0)) was a TypeError where torch takes it, and step(10**20) an
    # OverflowError that did not name epoch
    stepped = sgd()
    b = getattr(ours, name)(stepped, **REQUIRED[name])
    for _ in range(5):
        stepped.step()
        b.step()
    for epoch in (torch.tensor(5.0), torch.tensor(5)):
        jumped = sgd()
        a = getattr(ours, name)(jumped, **REQUIRED[name])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a.step(epoch)
        assert a.last_epoch == 5 and [g["lr"] for g in jumped.param_groups] == [
            g["lr"] for g in stepped.param_groups
        ]
    for huge in (10**20, 1e20):
        with pytest.raises(ValueError, match=r"^epoch must be a step below 2\*\*62, got "):
            b.step(huge)
    assert b.last_epoch == 5


@pytest.mark.parametrize(
    "name", [n for n in REQUIRED if n not in ("CosineAnnealingWarmRestarts", "MultiplicativeLR")]
)
def test_an_epoch_just_below_2_62_is_taken_exactly(name: str) -> None:
    # review 125: the bound was checked on float(epoch), which rounds 2**62 - 1 up to 2**62: it was refused as
    # "epoch must be a step below 2**62, got 4611686018427387903". (MultiplicativeLR's jump multiplies the factor
    # of every step up to it: not a step to jump to)
    sched = getattr(ours, name)(sgd(), **REQUIRED[name])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched.step(2**62 - 1)
        assert sched.last_epoch == 2**62 - 1 and type(sched.last_epoch) is int
        with pytest.raises(
            ValueError, match=r"^epoch must be a step below 2\*\*62, got 4611686018427387904$"
        ):
            sched.step(2**62)
    assert sched.last_epoch == 2**62 - 1


def test_restarts_take_a_tensor_epoch_as_torch() -> None:
    # review 46: CosineAnnealingWarmRestarts' own step() refused every tensor epoch
    lrs = []
    for epoch in (5.5, torch.tensor(5.5), 5, torch.tensor(5)):
        opt = sgd()
        sched = ours.CosineAnnealingWarmRestarts(opt, T_0=4)
        sched.step(epoch)
        lrs.append(opt.param_groups[0]["lr"])
    assert lrs[0] == lrs[1] and lrs[2] == lrs[3] and lrs[0] != lrs[2]
    with pytest.raises(ValueError, match=r"^epoch must be a whole number >= 0 \(a step\), got inf$"):
        ours.StepLR(sgd(), step_size=2).step(float("inf"))


def test_a_one_element_array_step_count_is_its_number_as_in_torch() -> None:
    # review 44: StepLR(step_size=np.array([2])) was refused; torch takes it
    runs = []
    for step_size in (np.array([2]), torch.tensor(2), 2):
        opt = sgd()
        sched = ours.StepLR(opt, step_size=step_size, gamma=0.5)
        for _ in range(5):
            opt.step()
            sched.step()
        runs.append(opt.param_groups[0]["lr"])
    assert runs[0] == runs[1] == runs[2] == pytest.approx(0.1 * 0.5**2)


def test_restarts_with_eta_min_above_a_frozen_group_name_eta_min() -> None:
    # review 76: it asked for an initial LR > 0, which a frozen group cannot have, and did not name eta_min
    with pytest.raises(
        ValueError,
        match=r"^eta_min must be <= the initial LR of param group 1 \(0.0: a frozen group\), got 0.0001; .* "
        r"Give eta_min=0",
    ):
        ours.CosineAnnealingWarmRestarts(sgd(0.05, 0.0), T_0=4, eta_min=1e-4)
    ours.CosineAnnealingWarmRestarts(sgd(0.05, 0.0), T_0=4)  # (eta_min=0: the frozen group stays at 0)


def test_a_milestones_count_that_is_a_whole_number_of_any_float_type_is_taken() -> None:
    # review 80: np.float32(2.0) was refused where 2.0 was taken (torch takes both)
    from collections import Counter

    assert ours.MultiStepLR(sgd(), {3: np.float32(2.0), 5: 1.0}).milestones == Counter({3: 2, 5: 1})


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("StepLR", dict(step_size=np.float32(3.0))),
        ("MultiStepLR", dict(milestones=[np.float32(2.0), 4])),
        ("LinearLR", dict(total_iters=np.float32(4.0))),
        ("PolynomialLR", dict(total_iters=np.float32(4.0))),
        ("CosineAnnealingLR", dict(T_max=np.float32(5.0))),
        (
            "CyclicLR",
            dict(base_lr=0.01, max_lr=0.1, step_size_up=np.float32(4.0), step_size_down=np.float32(2.0)),
        ),
    ],
)
def test_a_count_that_is_a_whole_float32_is_taken_as_torch_takes_it(
    name: str, kwargs: dict[str, Any]
) -> None:
    # r202: np.float32(3.0) is no Python float (np.float64 is), and was refused where 3.0 and torch took it
    runs = []
    for module in (torch.optim.lr_scheduler, ours):
        opt = sgd(0.1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched = getattr(module, name)(opt, **kwargs)
            runs.append([(opt.step(), sched.step(), opt.param_groups[0]["lr"])[2] for _ in range(10)])
    # (torch's arithmetic with the float32 count is in float32: its LRs differ from ours in the 8th digit)
    assert runs[1] == pytest.approx(runs[0], rel=1e-6)


def _one(x: float) -> float:
    return 1.0


# review 97: values torch's CyclicLR ignores without a word in these modes, each one no gamma or mode at all (review
# 99: None for an unused gamma, a gamma > 1 where it is not used and mode=None with a scale_fn are torch's working
# code: taken, test_dropins_warnings.py)
GAMMA = "gamma must be a finite number > 0 (a number, or a one-element tensor or array)"
CYCLIC_INVALID: list[tuple[dict[str, Any], type[Exception], str]] = [
    (dict(gamma="x"), TypeError, GAMMA),
    (dict(gamma=float("nan")), ValueError, GAMMA),
    (dict(gamma=float("inf")), ValueError, GAMMA),
    (dict(gamma=0.0, mode="triangular2"), ValueError, GAMMA),
    (dict(gamma=-0.5), ValueError, GAMMA),
    (dict(gamma="x", scale_fn=_one), TypeError, GAMMA),
    (dict(gamma=None, mode="exp_range"), TypeError, GAMMA),
    (
        dict(mode="bogus", scale_fn=_one),
        ValueError,
        "mode must be one of 'triangular', 'triangular2', 'exp_range'",
    ),
    (
        dict(mode=3, scale_fn=_one),
        TypeError,
        "mode must be one of 'triangular', 'triangular2', 'exp_range'",
    ),
]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    CYCLIC_INVALID,
    ids=[", ".join(f"{k}={getattr(v, '__name__', v)!r}" for k, v in c[0].items()) for c in CYCLIC_INVALID],
)
def test_cyclic_refuses_a_gamma_or_mode_that_is_none_even_where_torch_ignores_it(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)) as info:
        ours.CyclicLR(sgd(0.1), 0.01, 0.1, **kwargs)
    assert ONE_FORMAT.fullmatch(str(info.value)) and not OWNER.match(str(info.value)), str(info.value)
    assert f"got {kwargs.get('gamma', kwargs.get('mode'))!r}" in str(info.value)


@pytest.mark.parametrize("mode", ["exp_range", "triangular"])
@pytest.mark.parametrize(
    "gamma",
    [torch.tensor(0.5), np.array([0.5]), np.float32(0.5), torch.tensor([[0.5]], dtype=torch.float64)],
    ids=["0-d tensor", "1-element array", "np.float32", "1-element 2-d tensor"],
)
def test_cyclic_takes_a_one_element_gamma_whether_it_is_used_or_not(gamma: Any, mode: str) -> None:
    # review 99: torch.tensor(0.5) was taken (said unused) with mode='triangular' and refused with 'exp_range',
    # which uses it ("gamma must be a finite number > 0, got tensor(0.5000)"); torch takes both
    runs = []
    for module in (torch.optim.lr_scheduler, ours):
        opt = sgd(0.1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched = module.CyclicLR(opt, 0.01, 0.1, step_size_up=3, mode=mode, gamma=gamma)
        runs.append(
            [(opt.step(), sched.step(), np.asarray(opt.param_groups[0]["lr"]).item())[2] for _ in range(12)]
        )
    assert runs[1] == pytest.approx(runs[0], rel=1e-6)  # (torch's tensor gamma computes in its dtype)


@pytest.mark.parametrize("mode", ["exp_range", "triangular"])
@pytest.mark.parametrize(
    "gamma",
    [torch.tensor([0.5, 0.6]), np.array([0.5, 0.6]), torch.tensor(True), np.array([True])],
    ids=["2-element tensor", "2-element array", "bool tensor", "bool array"],
)
def test_cyclic_refuses_a_gamma_of_no_one_number_in_the_same_words_whether_it_is_used_or_not(
    gamma: Any, mode: str
) -> None:
    with pytest.raises(TypeError) as info:
        ours.CyclicLR(sgd(0.1), 0.01, 0.1, mode=mode, gamma=gamma)
    assert str(info.value) == f"{GAMMA}, got {gamma!r}"


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(start_factor=torch.tensor(0.5)),
        dict(end_factor=torch.tensor(0.5)),
        dict(start_factor=np.array(0.25), end_factor=torch.tensor(0.75, dtype=torch.float64)),
    ],
    ids=["start tensor", "end tensor", "both, array and float64"],
)
def test_linear_takes_one_element_tensor_factors_as_torch(kwargs: dict[str, Any]) -> None:
    # review 106: LinearLR(start_factor=torch.tensor(0.5)) was refused, where torch (and ours' other arguments)
    # take a one-element tensor
    def lrs(module: Any) -> list[float]:
        opt = sgd(0.1)
        sched = module.LinearLR(opt, total_iters=4, **kwargs)
        out = []
        for _ in range(6):
            out.append(float(opt.param_groups[0]["lr"]))
            opt.step()
            sched.step()
        return out

    # (torch computes with a float32 factor in float32: its values are float32 roundings of ours)
    assert lrs(ours) == pytest.approx(lrs(torch.optim.lr_scheduler), rel=1e-6)


def test_milestones_assigned_as_a_0_d_array_are_named_at_the_next_step() -> None:
    opt = sgd(0.1)
    sched = ours.MultiStepLR(opt, milestones=[2])
    sched.milestones = np.array(3)  # type: ignore[assignment]
    opt.step()
    with pytest.raises(
        TypeError, match=re.escape("milestones must be an iterable of non-negative integers, got array(3)")
    ):
        sched.step()


#: every float argument of the drop-ins (beside the ones they require), given as a 0-d tensor: torch takes each
TENSOR_FLOATS = [
    ("StepLR", dict(step_size=2), "gamma", 0.5),
    ("MultiStepLR", dict(milestones=[2]), "gamma", 0.5),
    ("ExponentialLR", {}, "gamma", 0.9),
    ("LinearLR", {}, "start_factor", 0.5),
    ("LinearLR", {}, "end_factor", 0.9),
    ("PolynomialLR", {}, "power", 2.0),
    ("CosineAnnealingLR", dict(T_max=10), "eta_min", 0.01),
    ("CyclicLR", dict(base_lr=0.01, step_size_up=2), "max_lr", 0.1),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=2, mode="exp_range"), "gamma", 0.99),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=2), "base_momentum", 0.8),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=2), "max_momentum", 0.95),
    ("OneCycleLR", dict(total_steps=10), "max_lr", 0.1),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10), "div_factor", 10.0),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10), "final_div_factor", 100.0),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10), "base_momentum", 0.8),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10), "max_momentum", 0.9),
]


@pytest.mark.parametrize(("name", "kwargs", "arg", "value"), TENSOR_FLOATS)
def test_a_zero_dim_tensor_float_argument_is_its_number_as_in_torch(
    name: str, kwargs: dict[str, Any], arg: str, value: float
) -> None:
    # review 117: PolynomialLR's power and OneCycleLR's div_factor and final_div_factor refused a tensor with a
    # TypeError, where torch takes one (and the drop-ins took one for gamma, eta_min, max_lr and the momentums)
    def lrs(module: Any, given: Any) -> list[float]:
        opt = sgd(0.1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched = getattr(module, name)(opt, **kwargs, **{arg: given})
        out = []
        for _ in range(6):
            opt.step()
            sched.step()
            out.append(float(opt.param_groups[0]["lr"]))
        return out

    tensor = torch.tensor(value)
    mine = lrs(ours, tensor)
    assert mine == lrs(ours, tensor.item())
    assert mine == pytest.approx(lrs(torch.optim.lr_scheduler, value), rel=1e-6)


def test_a_tensor_base_lr_of_cyclic_lr_is_the_number_it_holds() -> None:
    # torch's CyclicLR climbs from a base that moves with the LR when base_lr is a tensor (0.019, 0.0352, 0.0546
    # after steps 1 to 3, against 0.019, 0.028, 0.037 with a float: docs/differences_from_torch.md)
    def lrs(module: Any, base: Any) -> list[float]:
        opt = sgd(0.01)
        sched = module.CyclicLR(opt, base_lr=base, max_lr=0.1, step_size_up=10)
        out = []
        for _ in range(4):
            opt.step()
            sched.step()
            out.append(float(opt.param_groups[0]["lr"]))
        return out

    floats = lrs(torch.optim.lr_scheduler, 0.01)
    assert lrs(ours, torch.tensor(0.01)) == pytest.approx(floats, rel=1e-6)
    assert lrs(torch.optim.lr_scheduler, torch.tensor(0.01))[1] == pytest.approx(0.0352, rel=1e-4)


@pytest.mark.parametrize(
    ("name", "kwargs", "said"),
    [
        (
            "OneCycleLR",
            dict(max_lr=0.1, num_training_steps=100),
            "pass total_steps (transformers' num_training_steps)",
        ),
        ("CosineAnnealingLR", dict(num_training_steps=100), "pass T_max (transformers' num_training_steps)"),
        (
            "CosineAnnealingLR",
            dict(T_max=10, num_warmup_steps=5),
            "put a LinearLR before it in a SequentialLR",
        ),
        ("LinearLR", dict(num_training_steps=10), "pass total_iters (transformers' num_training_steps)"),
        ("PolynomialLR", dict(lr_end=1e-7), "PolynomialDecay takes a final LR (transformers' lr_end)"),
        ("CosineAnnealingWarmRestarts", dict(T_0=10, cycle_mul=2), "pass T_mult (timm's cycle_mul)"),
        ("StepLR", dict(step_size=3, gama=0.5), "did you mean gamma?"),
        ("LambdaLR", dict(lr_lamda=abs), "did you mean lr_lambda?"),
    ],
)
def test_another_librarys_name_or_a_misspelt_one_is_answered_with_the_torch_name(
    name: str, kwargs: dict[str, Any], said: str
) -> None:
    # r198: OneCycleLR(num_training_steps=100) got Python's bare TypeError, where the callbacks and the pure
    # schedules name what to pass; still a TypeError, as torch's own class raises
    with pytest.raises(TypeError, match=rf"^{name}\(\) got an unexpected keyword argument ") as info:
        getattr(ours, name)(sgd(), **kwargs)
    assert said in str(info.value)


def test_every_torch_name_a_drop_in_hint_names_is_an_argument_of_that_drop_in() -> None:
    tables = {
        "CosineAnnealingLR": _peers.COSINE,
        "CosineAnnealingWarmRestarts": _peers.RESTARTS,
        "OneCycleLR": _peers.ONE_CYCLE,
        "CyclicLR": _peers.CYCLIC,
        "LinearLR": _peers.LINEAR,
        "PolynomialLR": _peers.POLYNOMIAL,
        "StepLR": _peers.STEP,
        "MultiStepLR": _peers.MULTISTEP,
        "ExponentialLR": _peers.EXPONENTIAL,
    }
    for name, table in tables.items():
        params = inspect.signature(getattr(ours, name).__init__).parameters
        for foreign, hint in table.items():
            assert foreign not in params, (name, foreign)  # (a name it takes is never intercepted)
            target = hint.split(" ")[0].rstrip(",")
            assert target == "nothing:" or target in params, (name, foreign, hint)
