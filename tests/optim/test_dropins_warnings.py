"""torch's warnings, from the drop-ins where torch's schedulers give them: same category, same text, at the
caller's line; and none where torch gives none."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
import torch
from torch.optim import lr_scheduler as L

import lightning_lr.optim as ours


def warm(t: int) -> float:
    return min(1.0, (t + 1) / 5)


CASES: dict[str, dict[str, Any]] = {
    "StepLR": dict(step_size=3),
    "MultiStepLR": dict(milestones=[2, 4]),
    "ExponentialLR": dict(gamma=0.9),
    "LinearLR": dict(),
    "PolynomialLR": dict(total_iters=8),
    "CosineAnnealingLR": dict(T_max=10),
    "MultiplicativeLR": dict(lr_lambda=warm),
    "LambdaLR": dict(lr_lambda=warm),
    "CyclicLR": dict(base_lr=0.01, max_lr=0.1, step_size_up=4),
    "OneCycleLR": dict(max_lr=0.1, total_steps=100),
}
ALL = [*CASES, "CosineAnnealingWarmRestarts"]


def sgd() -> torch.optim.SGD:
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)


def build(module: Any, name: str, opt: torch.optim.Optimizer) -> Any:
    return getattr(module, name)(opt, **CASES.get(name, dict(T_0=5)))


def caught(action: Any) -> list[tuple[type[Warning], str, str]]:
    """(category, message, file) of every warning ``action()`` gives."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        action()
    return [(w.category, str(w.message), w.filename) for w in record]


def both(name: str, action: Any) -> tuple[list[Any], list[Any]]:
    """The warnings of ``action(scheduler, optimizer)`` for torch's scheduler and for ours."""
    out = []
    for module in (L, ours):
        opt = sgd()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched = build(module, name, opt)
        out.append(caught(lambda: action(sched, opt)))  # noqa: B023 (called at once)
    return out[0], out[1]


@pytest.mark.parametrize("name", list(CASES))
def test_step_before_optimizer_step_warns_as_torch(name: str) -> None:
    theirs, mine = both(name, lambda s, o: [s.step() for _ in range(3)])
    assert len(theirs) == 1 and theirs[0][0] is UserWarning
    assert "Detected call of `lr_scheduler.step()` before `optimizer.step()`" in theirs[0][1]
    assert mine == [(UserWarning, theirs[0][1], __file__)]


@pytest.mark.parametrize("name", list(CASES))
def test_a_replaced_optimizer_step_warns_as_torch(name: str) -> None:
    def replace_then_step(sched: Any, opt: torch.optim.Optimizer) -> None:
        opt.step = lambda: None  # type: ignore[method-assign]
        sched.step()

    theirs, mine = both(name, replace_then_step)
    assert "Seems like `optimizer.step()` has been overridden" in theirs[0][1]
    assert mine == [(UserWarning, theirs[0][1], __file__)]


@pytest.mark.parametrize("name", ALL)
def test_the_right_order_gives_no_warning(name: str) -> None:
    def right(sched: Any, opt: torch.optim.Optimizer) -> None:
        for _ in range(5):
            opt.step()
            sched.step()

    assert both(name, right) == ([], [])


@pytest.mark.parametrize("name", list(CASES))
def test_step_with_epoch_gives_torchs_deprecation_warning_and_jumps_exactly(name: str) -> None:
    theirs, mine = both(name, lambda s, o: (o.step(), s.step(7)))
    assert theirs == [(UserWarning, L.EPOCH_DEPRECATION_WARNING, __file__)]
    assert mine == theirs
    opt, ref_opt = sgd(), sgd()
    jumped, stepped = build(ours, name, opt), build(ours, name, ref_opt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        jumped.step(7)
    for _ in range(7):
        ref_opt.step()
        stepped.step()
    assert opt.param_groups[0]["lr"] == ref_opt.param_groups[0]["lr"]


@pytest.mark.parametrize("name", list(CASES))
def test_get_lr_outside_step_warns_as_torch(name: str) -> None:
    theirs, mine = both(name, lambda s, o: s.get_lr())
    assert [m[:2] for m in mine] == [t[:2] for t in theirs] == [(UserWarning, theirs[0][1])]
    assert "please use `get_last_lr()`" in theirs[0][1]


def test_restarts_warn_about_nothing_as_torch() -> None:
    """torch's CosineAnnealingWarmRestarts.step warns neither about the order nor about step(epoch)."""
    theirs, mine = both("CosineAnnealingWarmRestarts", lambda s, o: (s.step(), s.step(), s.step(3.5)))
    assert theirs == mine == []


def test_lightning_lr_s_own_loop_gives_no_warning() -> None:
    """ScheduleLR is not a drop-in: it keeps its own (silent) stepping."""
    from lightning_lr.optim import ScheduleLR
    from lightning_lr.schedules import Constant

    opt = sgd()
    sched = ScheduleLR(opt, lr=Constant(0.1))
    assert caught(lambda: [sched.step() for _ in range(3)]) == []


@pytest.mark.parametrize("name", ["CyclicLR", "OneCycleLR"])
def test_momentums_without_momentum_cycling_are_checked_and_said_unused(name: str) -> None:
    # review 76: torch (and ours before) took them without a word, a base_momentum of 7 too
    with pytest.raises(ValueError, match=r"^base_momentum must be in \[0, 1\), got 7"):
        getattr(ours, name)(sgd(), **CASES[name], cycle_momentum=False, base_momentum=7)
    got = caught(lambda: getattr(ours, name)(sgd(), **CASES[name], cycle_momentum=False, max_momentum=0.99))
    assert [(c, m) for c, m, _ in got] == [
        (
            UserWarning,
            f"{name}: max_momentum=0.99 given with cycle_momentum=False, which leaves the momentum alone: it "
            f"is not used. Pass cycle_momentum=True to cycle it",
        )
    ]
    assert got[0][2] == __file__  # at the caller's line
    assert caught(lambda: getattr(ours, name)(sgd(), **CASES[name], cycle_momentum=False)) == []
    # None is not given, and a float32 default is the default (review 79: an error, and a warning)
    default = 0.85 if name == "OneCycleLR" else 0.8
    for value in (None, torch.tensor(default)):
        kwargs = {**CASES[name], "cycle_momentum": False, "base_momentum": value}
        assert caught(lambda kw=kwargs: getattr(ours, name)(sgd(), **kw)) == []


def _one(x: float) -> float:
    return 1.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            dict(mode="triangular2", gamma=0.5),
            "CyclicLR: gamma=0.5 given with mode='triangular2' is not used: only mode='exp_range' scales the "
            "cycle by gamma (torch ignores it too). Pass mode='exp_range' to use it, or leave gamma out",
        ),
        (
            dict(gamma=0.99),
            "CyclicLR: gamma=0.99 given with mode='triangular' is not used: only mode='exp_range' scales the "
            "cycle by gamma (torch ignores it too). Pass mode='exp_range' to use it, or leave gamma out",
        ),
        (
            dict(mode="exp_range", gamma=0.9, scale_fn=_one),
            "CyclicLR: mode='exp_range' and gamma=0.9 given with a scale_fn are not used: the scale_fn replaces "
            "mode and gamma (torch ignores them too). Leave them out",
        ),
        (
            dict(mode="triangular2", scale_fn=_one),
            "CyclicLR: mode='triangular2' given with a scale_fn is not used: the scale_fn replaces mode and "
            "gamma (torch ignores it too). Leave it out",
        ),
        (
            dict(gamma=1.0001),
            "CyclicLR: gamma=1.0001 given with mode='triangular' is not used: only mode='exp_range' scales the "
            "cycle by gamma (torch ignores it too). Pass mode='exp_range' to use it, or leave gamma out",
        ),
        (
            dict(mode="triangular2", gamma=1.5),
            "CyclicLR: gamma=1.5 given with mode='triangular2' is not used: only mode='exp_range' scales the "
            "cycle by gamma (torch ignores it too). Pass mode='exp_range' to use it, or leave gamma out",
        ),
        (
            dict(gamma=None),
            "CyclicLR: gamma=None given with mode='triangular' is not used: only mode='exp_range' scales the "
            "cycle by gamma (torch ignores it too). Pass mode='exp_range' to use it, or leave gamma out",
        ),
        (
            dict(gamma=None, scale_fn=_one),
            "CyclicLR: gamma=None given with a scale_fn is not used: the scale_fn replaces mode and gamma (torch "
            "ignores it too). Leave it out",
        ),
        (
            dict(mode=None, scale_fn=_one),
            "CyclicLR: mode=None given with a scale_fn is not used: the scale_fn replaces mode and gamma (torch "
            "ignores it too). Leave it out",
        ),
        (
            dict(gamma=torch.tensor(0.5)),
            "CyclicLR: gamma=tensor(0.5000) given with mode='triangular' is not used: only mode='exp_range' "
            "scales the cycle by gamma (torch ignores it too). Pass mode='exp_range' to use it, or leave gamma out",
        ),
        (
            dict(scale_mode="iterations"),
            "CyclicLR: scale_mode='iterations' given without a scale_fn is not used: mode='triangular' scales "
            "the cycle by the cycle number (torch ignores it too). Give a scale_fn to choose what it receives, "
            "or leave scale_mode out",
        ),
    ],
    ids=[
        "gamma with triangular2",
        "gamma with triangular",
        "mode and gamma with scale_fn",
        "mode with scale_fn",
        "gamma > 1 with triangular",
        "gamma > 1 with triangular2",
        "gamma None with triangular",
        "gamma None with scale_fn",
        "mode None with scale_fn",
        "tensor gamma with triangular",
        "scale_mode without scale_fn",
    ],
)
def test_cyclic_says_a_valid_setting_it_does_not_use_is_not_used(
    kwargs: dict[str, Any], message: str
) -> None:
    # review 97: torch's CyclicLR ignores them without a word (only mode='exp_range' uses gamma, a scale_fn
    # replaces mode and gamma, scale_mode is read only with a scale_fn); the drop-in takes them, as torch's, and
    # says so, once, at the caller's line. The values are torch's, which does not use them either
    got = caught(lambda: ours.CyclicLR(sgd(), 0.01, 0.1, step_size_up=4, **kwargs))
    assert [(c, m) for c, m, _ in got] == [(UserWarning, message)]
    assert got[0][2] == __file__
    runs = []
    for module in (L, ours):
        opt = sgd()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched = module.CyclicLR(opt, 0.01, 0.1, step_size_up=4, **kwargs)
        runs.append([(opt.step(), sched.step(), opt.param_groups[0]["lr"])[2] for _ in range(20)])
    assert runs[1] == pytest.approx(runs[0], rel=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(),
        dict(mode="exp_range", gamma=0.99),
        dict(mode="exp_range", gamma=0.99, scale_mode="iterations"),
        dict(mode="triangular2", gamma=1),
        dict(scale_fn=_one, scale_mode="iterations"),
    ],
)
def test_cyclic_says_nothing_of_the_settings_it_uses_or_of_defaults(kwargs: dict[str, Any]) -> None:
    assert caught(lambda: ours.CyclicLR(sgd(), 0.01, 0.1, step_size_up=4, **kwargs)) == []


@pytest.mark.parametrize("gamma", [None, 1, 1.0], ids=["default", "1", "1.0"])
def test_exp_range_whose_gamma_is_1_says_it_is_triangular(gamma: Any) -> None:
    # review 169: mode='exp_range' without gamma (torch's default 1.0) is 'triangular', its amplitude never
    # shrinking, and was taken without a word, by the drop-in and by the Cyclic callback
    from lightning_lr.callbacks import Cyclic

    given = {} if gamma is None else {"gamma": gamma}
    said = (
        "mode='exp_range' with gamma=1 scales the cycle by 1 ** step: it is mode='triangular', whose amplitude never "
        "shrinks. Give gamma < 1, the amplitude's factor per step (0.999 halves it every 693 steps)"
    )
    dropin = caught(lambda: ours.CyclicLR(sgd(), 0.01, 0.1, mode="exp_range", **given))
    assert [w[1] for w in dropin] == [f"CyclicLR: {said} (torch's CyclicLR takes it without a word)"]
    callback = caught(lambda: Cyclic(mode="exp_range", **given))
    assert [w[1] for w in callback] == [f"Cyclic: {said}"]


def _stepped_past(sched: Any, opt: torch.optim.Optimizer, steps: int) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(steps):
            opt.step()
            sched.step()
    return [w for w in caught if "past total_steps" in str(w.message)]


def test_one_cycle_stepped_past_total_steps_warns_once_where_torch_raises() -> None:
    # review 141: 100 steps of a 10-step cycle held the final LR for 90 steps without a word (torch raises
    # "Tried to step 11 times"); the hold is kept, and said once at the step torch raises at
    opt = sgd()
    sched = ours.OneCycleLR(opt, max_lr=0.1, total_steps=10)
    assert _stepped_past(sched, opt, 10) == []  # step 10 (after the last planned step): torch takes it too
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        opt.step()
        sched.step()  # the 11th: torch's "Tried to step 11 times"
    said = [w for w in caught if "past total_steps" in str(w.message)]
    assert len(said) == 1 and said[0].filename == __file__  # at the caller's line
    assert str(said[0].message).startswith(
        "OneCycleLR: stepped 11 times, past total_steps=10 (torch raises 'Tried to step 11 times. The specified "
        "number of total steps is 10' here): the cycle is over, and its final LR (4e-07 for param group 0)"
    )
    assert _stepped_past(sched, opt, 89) == []  # once
    assert opt.param_groups[0]["lr"] == pytest.approx(4e-7) and opt.param_groups[0]["momentum"] == 0.95
    # with torch's: the same step raises
    opt = sgd()
    theirs = L.OneCycleLR(opt, max_lr=0.1, total_steps=10)
    _stepped_past(theirs, opt, 10)
    with pytest.raises(ValueError, match="Tried to step 11 times"):
        theirs.step()


def test_one_cycle_past_a_raised_or_loaded_total_steps_warns_there() -> None:
    opt = sgd()
    sched = ours.OneCycleLR(opt, max_lr=0.1, total_steps=10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (that total_steps = 20 does not lengthen the cycle: said elsewhere)
        sched.total_steps = 20  # torch's users' way past "Tried to step 11 times": its error moves to 21
        assert _stepped_past(sched, opt, 20) == []
    assert len(_stepped_past(sched, opt, 1)) == 1
    # a state stepped to its end, loaded into a scheduler built for a longer cycle: the state's bound holds
    opt = sgd()
    short = ours.OneCycleLR(opt, max_lr=0.1, total_steps=10)
    _stepped_past(short, opt, 10)
    state = short.state_dict()
    opt = sgd()
    longer = ours.OneCycleLR(opt, max_lr=0.1, total_steps=100)
    assert _stepped_past(longer, opt, 1) == []
    longer.load_state_dict(state)
    said = _stepped_past(longer, opt, 1)
    assert len(said) == 1 and "stepped 11 times, past total_steps=10" in str(said[0].message)


def test_one_cycle_past_total_steps_names_the_lr_it_holds_and_a_raised_end_again() -> None:
    # review 142: after a jump (step(50) from step 3) the warning named the group's LR before the step was
    # written (0.095, mid-cycle), not the final LR it holds; and once said, a total_steps raised afterwards and
    # passed again was not said
    opt = sgd()
    sched = ours.OneCycleLR(opt, max_lr=0.1, total_steps=10)
    _stepped_past(sched, opt, 3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sched.step(50)
    (said,) = [str(w.message) for w in caught if "past total_steps" in str(w.message)]
    assert "stepped 50 times, past total_steps=10" in said and "final LR (4e-07 for param group 0)" in said
    assert opt.param_groups[0]["lr"] == pytest.approx(4e-7)
    opt = sgd()
    sched = ours.OneCycleLR(opt, max_lr=0.1, total_steps=10)
    assert len(_stepped_past(sched, opt, 11)) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched.total_steps = 30
        assert _stepped_past(sched, opt, 19) == []  # step 30: the new end
    again = _stepped_past(sched, opt, 1)
    assert len(again) == 1 and "stepped 31 times, past total_steps=30" in str(again[0].message)
    assert _stepped_past(sched, opt, 5) == []  # once for that total_steps
