"""A drop-in's settings changed during the run, its subclasses, and whole-float milestones: as torch's.

Review 53: assigning ``sched.T_max = 200`` (to train longer) or ``sched.gamma`` mid-run changed nothing in the
drop-ins while torch's next step read it, and ``state_dict()`` then held the new value, so a resumed run left
the uninterrupted one; a subclass's own ``get_lr()`` was silently never called; ``MultiStepLR`` refused
``milestones=[5.0, 8.0]`` (``0.5 * epochs``), which torch fires.
"""

from __future__ import annotations

import copy
import io
import warnings
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import lightning_lr.optim as ours

STEPS, AT = 40, 17  # steps taken; the step before which the setting changes


def sgd() -> torch.optim.SGD:
    groups = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in (0.1, 0.05)]
    return torch.optim.SGD(groups, momentum=0.9)


def trace(make: Callable[[Any, Any], Any], change: Callable[[Any], None], module: Any) -> np.ndarray:
    """Group LRs (and momentum of group 0) before each of STEPS steps, ``change`` applied before step AT."""
    opt = sgd()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = make(module, opt)
    rows = []
    for t in range(STEPS):
        if t == AT:
            change(sched)
        rows.append([float(g["lr"]) for g in opt.param_groups] + [opt.param_groups[0]["momentum"]])
        opt.step()
        sched.step()
    return np.array(rows)


CHANGES: dict[str, tuple[Callable[[Any, Any], Any], Callable[[Any], None]]] = {
    "StepLR.gamma": (lambda m, o: m.StepLR(o, 5, 0.5), lambda s: setattr(s, "gamma", 0.1)),
    "StepLR.step_size": (lambda m, o: m.StepLR(o, 10, 0.5), lambda s: setattr(s, "step_size", 3)),
    "MultiStepLR.milestones": (
        lambda m, o: m.MultiStepLR(o, [30], 0.5),
        lambda s: setattr(s, "milestones", Counter([25, 30])),
    ),
    "ExponentialLR.gamma": (lambda m, o: m.ExponentialLR(o, 0.99), lambda s: setattr(s, "gamma", 0.5)),
    "LinearLR.total_iters": (
        lambda m, o: m.LinearLR(o, 0.1, total_iters=20),
        lambda s: setattr(s, "total_iters", 30),
    ),
    "PolynomialLR.total_iters": (
        lambda m, o: m.PolynomialLR(o, 25),
        lambda s: setattr(s, "total_iters", 35),
    ),
    "CosineAnnealingLR.T_max": (lambda m, o: m.CosineAnnealingLR(o, 25), lambda s: setattr(s, "T_max", 60)),
    "CosineAnnealingLR.eta_min": (
        lambda m, o: m.CosineAnnealingLR(o, 25),
        lambda s: setattr(s, "eta_min", 0.01),
    ),
    # review 132: torch's recursion reads base_lrs at the bottom of the cosine and climbs back to them
    "CosineAnnealingLR.base_lrs": (
        lambda m, o: m.CosineAnnealingLR(o, 10),
        lambda s: setattr(s, "base_lrs", [0.5, 0.02]),
    ),
    "CosineAnnealingLR.base_lrs-eta_min": (
        lambda m, o: m.CosineAnnealingLR(o, 8, eta_min=0.001),
        lambda s: setattr(s, "base_lrs", [0.5, 0.02]),
    ),
    "CosineAnnealingWarmRestarts.eta_min": (
        lambda m, o: m.CosineAnnealingWarmRestarts(o, 10),
        lambda s: setattr(s, "eta_min", 0.02),
    ),
    "CosineAnnealingWarmRestarts.T_mult": (
        lambda m, o: m.CosineAnnealingWarmRestarts(o, 10),
        lambda s: setattr(s, "T_mult", 2),
    ),
    "CyclicLR.max_lrs": (
        lambda m, o: m.CyclicLR(o, 0.01, 0.1, 5),
        lambda s: setattr(s, "max_lrs", [0.5, 0.3]),
    ),
    "LambdaLR.lr_lambdas": (
        lambda m, o: m.LambdaLR(o, lambda t: 1.0),
        lambda s: setattr(s, "lr_lambdas", [lambda t: 0.5, lambda t: 0.25]),
    ),
    "LambdaLR.base_lrs": (
        lambda m, o: m.LambdaLR(o, lambda t: 0.99**t),
        lambda s: setattr(s, "base_lrs", [0.01, 0.02]),
    ),
    "CyclicLR.base_lrs": (
        lambda m, o: m.CyclicLR(o, 0.01, 0.1, 5),
        lambda s: setattr(s, "base_lrs", [0.001, 0.002]),
    ),
    "CosineAnnealingWarmRestarts.base_lrs": (
        lambda m, o: m.CosineAnnealingWarmRestarts(o, 10),
        lambda s: setattr(s, "base_lrs", [0.001, 0.002]),
    ),
    # review 132: torch's step reads cycle_momentum afresh and leaves the momentum where it is; ours kept cycling
    "CyclicLR.cycle_momentum": (
        lambda m, o: m.CyclicLR(o, 0.01, 0.1, 5),
        lambda s: setattr(s, "cycle_momentum", False),
    ),
    "OneCycleLR.cycle_momentum": (
        lambda m, o: m.OneCycleLR(o, [0.1, 0.05], total_steps=STEPS),
        lambda s: setattr(s, "cycle_momentum", False),
    ),
    # r160: an assigned scale_fn was ignored (torch's step calls the instance's scale_fn)
    "CyclicLR.scale_fn": (
        lambda m, o: m.CyclicLR(o, 0.01, 0.1, 5, scale_fn=lambda x: 1.0),
        lambda s: setattr(s, "scale_fn", lambda x: 0.5),
    ),
    "CyclicLR.scale_fn-over-mode": (
        lambda m, o: m.CyclicLR(o, 0.01, 0.1, 5, mode="triangular2"),
        lambda s: setattr(s, "scale_fn", lambda x: 1.0),
    ),
    "MultiplicativeLR.lr_lambdas": (
        lambda m, o: m.MultiplicativeLR(o, lambda t: 0.99),
        lambda s: setattr(s, "lr_lambdas", [lambda t: 0.9, lambda t: 0.9]),
    ),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_a_setting_assigned_mid_run_takes_effect_at_the_next_step_as_torchs(name: str) -> None:
    make, change = CHANGES[name]
    theirs = trace(make, change, torch.optim.lr_scheduler)
    unchanged = trace(make, lambda s: None, torch.optim.lr_scheduler)
    assert not np.allclose(theirs[AT + 1 :], unchanged[AT + 1 :])  # the change matters in torch
    np.testing.assert_allclose(trace(make, change, ours), theirs, rtol=1e-12, atol=1e-15)


def test_a_resume_after_a_mid_run_change_continues_as_the_run_did() -> None:
    def run(resume_at: int | None) -> list[float]:
        opt = sgd()
        sched = ours.CosineAnnealingLR(opt, T_max=25)
        lrs = []
        for t in range(STEPS):
            if t == AT:
                sched.T_max = 60  # train longer than planned
            if t == resume_at:  # a checkpoint, loaded into a scheduler built with the script's T_max=25
                buffer = io.BytesIO()
                torch.save({"opt": opt.state_dict(), "sched": sched.state_dict()}, buffer)
                buffer.seek(0)
                saved = torch.load(buffer, weights_only=True)
                opt = sgd()
                opt.load_state_dict(saved["opt"])
                sched = ours.CosineAnnealingLR(opt, T_max=25)
                sched.load_state_dict(saved["sched"])
                assert sched.T_max == 60
            lrs.append(float(opt.param_groups[0]["lr"]))
            opt.step()
            sched.step()
        return lrs

    np.testing.assert_allclose(run(AT + 5), run(None), rtol=1e-12)


@pytest.mark.parametrize("resume_at", [AT + 2, AT + 5])  # before the cosine's bottom (20), after it
def test_a_resume_after_base_lrs_assigned_continues_as_the_run_did_and_torchs(resume_at: int) -> None:
    # review 132: the assignment was ignored (the cosine climbed back to 0.1) while the state held it, so a resume
    # climbed to 0.5: 5x the uninterrupted run's LR
    def run(module: Any, resume_at: int | None) -> list[float]:
        opt = sgd()
        sched = module.CosineAnnealingLR(opt, T_max=10)
        lrs = []
        for t in range(STEPS):
            if t == AT:
                sched.base_lrs = [0.5, 0.02]
            if t == resume_at:
                saved = (copy.deepcopy(opt.state_dict()), copy.deepcopy(sched.state_dict()))
                opt = sgd()
                sched = module.CosineAnnealingLR(opt, T_max=10)
                opt.load_state_dict(saved[0])
                sched.load_state_dict(saved[1])
            lrs.append(float(opt.param_groups[0]["lr"]))
            opt.step()
            sched.step()
        return lrs

    theirs = run(torch.optim.lr_scheduler, None)
    assert max(theirs[AT:]) > 0.4  # torch climbs to the new base
    np.testing.assert_allclose(run(ours, None), theirs, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(run(ours, resume_at), run(ours, None), rtol=1e-12, atol=1e-15)


CYCLES = {
    "CyclicLR": lambda m, o: m.CyclicLR(o, 0.01, 0.1, 5),
    "OneCycleLR": lambda m, o: m.OneCycleLR(o, [0.1, 0.05], total_steps=STEPS),
}


@pytest.mark.parametrize("name", list(CYCLES))
def test_momentum_cycling_switched_off_and_on_again_mid_run_is_torchs(name: str) -> None:
    def change(s: Any) -> None:
        s.cycle_momentum = False

    def again(s: Any) -> None:  # (trace applies its change once: the second one from a step's hook)
        s.cycle_momentum = False
        step = s.step

        def stepped(*args: Any) -> None:
            step(*args)
            if s.last_epoch == AT + 6:
                s.cycle_momentum = True

        s.step = stepped

    for how in (change, again):
        theirs = trace(CYCLES[name], how, torch.optim.lr_scheduler)
        np.testing.assert_allclose(trace(CYCLES[name], how, ours), theirs, rtol=1e-12, atol=1e-15)
    assert len(set(theirs[AT : AT + 7, -1])) == 1  # held, then cycling again
    assert len(set(theirs[AT + 7 :, -1])) > 3


@pytest.mark.parametrize("optimizer_first", [False, True], ids=["scheduler built first", "optimizer first"])
@pytest.mark.parametrize("name", list(CYCLES))
def test_a_resume_after_momentum_cycling_was_switched_off_holds_it_as_the_run_did(
    name: str, optimizer_first: bool
) -> None:
    # review 132: the run kept cycling while its state said cycle_momentum=False, so the resumed run held the
    # momentum where the uninterrupted one cycled it
    def run(resume_at: int | None) -> np.ndarray:
        opt = sgd()
        sched = CYCLES[name](ours, opt)
        rows = []
        for t in range(STEPS):
            if t == AT:
                sched.cycle_momentum = False
            if t == resume_at:
                saved = (copy.deepcopy(opt.state_dict()), copy.deepcopy(sched.state_dict()))
                opt = sgd()
                if optimizer_first:
                    opt.load_state_dict(saved[0])
                sched = CYCLES[name](ours, opt)
                if not optimizer_first:
                    opt.load_state_dict(saved[0])
                sched.load_state_dict(saved[1])
            rows.append([float(g["lr"]) for g in opt.param_groups] + [opt.param_groups[0]["momentum"]])
            opt.step()
            sched.step()
        return np.array(rows)

    np.testing.assert_allclose(run(AT + 5), run(None), rtol=1e-12)


@pytest.mark.parametrize("name", list(CYCLES))
def test_momentum_cycling_switched_on_where_it_was_built_off_is_refused_at_the_next_step(name: str) -> None:
    # torch's fails at its step too (AttributeError, KeyError), naming no setting
    opt = sgd()
    args: dict[str, Any] = (
        {"base_lr": 0.01, "max_lr": 0.1} if name == "CyclicLR" else {"max_lr": 0.1, "total_steps": STEPS}
    )
    sched = getattr(ours, name)(opt, **args, cycle_momentum=False)
    opt.step()
    sched.step()
    sched.cycle_momentum = True
    with pytest.raises(
        ValueError, match=rf"^{name}: cycle_momentum=True, but .* built with cycle_momentum=False"
    ):
        sched.step()
    sched.cycle_momentum = "yes"
    with pytest.raises(TypeError, match=r"^cycle_momentum must be True or False, got 'yes'$"):
        sched.step()
    sched.cycle_momentum = False  # mended: it goes on
    sched.step()
    assert sched.last_epoch == 2


def test_one_cycle_total_steps_raised_mid_run_is_said_not_to_lengthen_the_cycle() -> None:
    # review 132: torch's users raise total_steps to step on past the cycle ("Tried to step 31 times"): torch's cycle
    # stays its phases' (then runs the last phase on beyond its end), and the drop-in holds its final values there
    def run(module: Any) -> list[float]:
        opt = sgd()
        sched = module.OneCycleLR(opt, 0.1, total_steps=30)
        lrs = []
        for t in range(40):
            if t == 10:
                sched.total_steps = 60
            lrs.append(float(opt.param_groups[0]["lr"]))
            opt.step()
            if t == 10 and module is ours:
                with pytest.warns(
                    UserWarning, match=r"^OneCycleLR: total_steps = 60 does not lengthen the cycle"
                ):
                    sched.step()
            else:
                sched.step()
        return lrs

    theirs, mine = run(torch.optim.lr_scheduler), run(ours)
    np.testing.assert_allclose(mine[:30], theirs[:30], rtol=1e-12)
    assert mine[30:] == [mine[29]] * 10  # held at the end of the cycle
    # one below the cycle's length would end torch's run inside it: refused until mended
    opt = sgd()
    sched = ours.OneCycleLR(opt, 0.1, total_steps=30)
    opt.step()
    sched.step()
    sched.total_steps = 20
    with pytest.raises(
        ValueError, match=r"^total_steps must be at least the length of the cycle, 30 .*got 20"
    ):
        sched.step()
    sched.total_steps = 30
    sched.step()
    assert sched.last_epoch == 2


@pytest.mark.parametrize("module", [torch.optim.lr_scheduler, ours], ids=["torch", "ours"])
def test_a_setting_assigned_before_its_checkpoint_is_loaded_is_followed(module: Any) -> None:
    # review 55: a LightningModule sets sched.T_max in on_fit_start, after configure_optimizers and before
    # Lightning loads the scheduler's state, which holds the same T_max: the load discarded the pending change,
    # and the resumed run followed T_max=1
    def run(resume: bool) -> list[float]:
        opt = sgd()
        sched = module.CosineAnnealingLR(opt, T_max=1)
        sched.T_max = 30
        saved = None
        lrs = []
        for t in range(20):
            if t == 8:
                saved = (opt.state_dict(), sched.state_dict())
            lrs.append(float(opt.param_groups[0]["lr"]))
            opt.step()
            sched.step()
        if not resume:
            return lrs
        assert saved is not None
        opt = sgd()
        sched = module.CosineAnnealingLR(opt, T_max=1)
        sched.T_max = 30  # as on_fit_start does, before the load
        opt.load_state_dict(saved[0])
        sched.load_state_dict(saved[1])
        resumed = []
        for _ in range(8, 20):
            resumed.append(float(opt.param_groups[0]["lr"]))
            opt.step()
            sched.step()
        return lrs[:8] + resumed

    np.testing.assert_allclose(run(resume=True), run(resume=False), rtol=1e-12)


def test_cyclic_bounds_assigned_mid_run_are_refused_under_the_attributes_names() -> None:
    # review 132: base_lrs = [0.5] (above max_lr) assigned mid-run was refused as "base_lr[0]", the constructor's
    # argument, which the user did not give there
    opt = sgd()
    sched = ours.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=5)
    opt.step()
    sched.step()
    sched.base_lrs = [0.5] * len(opt.param_groups)
    with pytest.raises(ValueError, match=r"^base_lrs\[0\] must be <= max_lrs\[0\] \(0\.1\), got 0\.5"):
        sched.step()


WRONG_FUNCTIONS: list[tuple[str, Callable[[Any], Any], str, Any, type[Exception], str]] = [
    # r160: an assigned function the schedule refuses was said of the schedule's own names ("Lambda: fn must be
    # callable", "lr has 2 schedules"), not of the attribute the user assigned
    (
        "lambda not callable",
        lambda o: ours.LambdaLR(o, lambda t: 1.0),
        "lr_lambdas",
        [5, 5],
        TypeError,
        r"^lr_lambdas\[0\] must be callable, got 5$",
    ),
    (
        "lambda negative",
        lambda o: ours.LambdaLR(o, lambda t: 1.0),
        "lr_lambdas",
        [lambda t: 1.0, lambda t: -2.0],
        ValueError,
        r"^lr_lambdas\[1\]\(2\) returned -2\.0; .*\(lr_lambdas\[1\] is <lambda>\)$",
    ),
    (
        "lambdas too many",
        lambda o: ours.LambdaLR(o, lambda t: 1.0),
        "lr_lambdas",
        [lambda t: 1.0] * 3,
        ValueError,
        r"^lr_lambdas must be a list of 2 functions, one per param group, got list of 3$",
    ),
    (
        "lambdas not a list",
        lambda o: ours.MultiplicativeLR(o, lambda t: 0.9),
        "lr_lambdas",
        lambda t: 0.9,
        TypeError,
        r"^lr_lambdas must be a list of 2 functions, one per param group, got <function",
    ),
    (
        "factor not callable",
        lambda o: ours.MultiplicativeLR(o, lambda t: 0.9),
        "lr_lambdas",
        ["x", "x"],
        TypeError,
        r"^lr_lambdas\[0\] must be callable, got 'x'$",
    ),
    (
        "scale_fn not callable",
        lambda o: ours.CyclicLR(o, 0.01, 0.1, 5),
        "scale_fn",
        7,
        TypeError,
        r"^scale_fn must be callable, got 7$",
    ),
    (
        "T_cur nan",
        lambda o: ours.CosineAnnealingWarmRestarts(o, 5),
        "T_cur",
        float("nan"),
        ValueError,
        r"^T_cur must be a finite number >= -1 .*got nan$",
    ),
    (
        "T_i negative",
        lambda o: ours.CosineAnnealingWarmRestarts(o, 5),
        "T_i",
        -3,
        ValueError,
        r"^T_i must be a positive integer .*got -3$",
    ),
]


@pytest.mark.parametrize(
    ("case", "make", "name", "value", "error", "message"),
    WRONG_FUNCTIONS,
    ids=[w[0] for w in WRONG_FUNCTIONS],
)
def test_a_wrong_function_or_position_assigned_mid_run_is_refused_at_the_next_step_by_its_name(
    case: str, make: Callable[[Any], Any], name: str, value: Any, error: type[Exception], message: str
) -> None:
    opt = sgd()
    sched = make(opt)
    opt.step()
    sched.step()
    before = [g["lr"] for g in opt.param_groups]
    setattr(sched, name, value)
    with pytest.raises(error, match=message):
        sched.step()
    assert [g["lr"] for g in opt.param_groups] == before  # nothing written


def test_a_wrong_position_in_a_loaded_state_is_refused_with_the_scheduler_unchanged() -> None:
    opt = sgd()
    sched = ours.CosineAnnealingWarmRestarts(opt, 5)
    state = sched.state_dict()
    for key, value in (("T_cur", float("nan")), ("T_i", 0)):
        with pytest.raises(ValueError, match=rf"^the state_dict's {key} must be"):
            sched.load_state_dict({**state, key: value})
        assert sched.state_dict() == state


def test_a_setting_the_schedule_refuses_raises_at_the_next_step_under_torchs_name() -> None:
    opt = sgd()
    sched = ours.StepLR(opt, step_size=5, gamma=0.5)
    opt.step()
    sched.step()
    sched.step_size = 2.5
    with pytest.raises(TypeError, match=r"step_size must be .*got 2\.5"):
        sched.step()
    sched.step_size = 2  # mended: it goes on
    sched.step()
    assert sched.last_epoch == 2


def test_a_cycle_length_that_halves_into_fractional_steps_is_said_of_the_settings_assigned() -> None:
    # review 55: total_size = 11.0 (torch accepts it) was refused at the next step as step_size_up, which the
    # user never set after construction
    opt = sgd()
    sched = ours.CyclicLR(opt, base_lr=0.1, max_lr=1.0, step_size_up=5, cycle_momentum=False)
    opt.step()
    sched.step()
    sched.total_size = 11.0
    with pytest.raises(
        TypeError, match=r"^total_size \* step_ratio = 11\.0 \* 0\.5 must be a positive integer, got 5\.5$"
    ):
        sched.step()
    sched.total_size = 12.0  # mended: 6 up, 6 down, from the step it was on
    sched.step()
    assert sched.last_epoch == 2
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1 + 0.9 * 2 / 6)


def test_a_subclass_that_overrides_get_lr_is_refused_when_it_is_defined() -> None:
    # torch's way to write a scheduler of one's own; a drop-in never calls it (it warmed up in torch and
    # ran at the full LR here)
    with pytest.raises(
        TypeError, match=r"^WarmupCosine overrides get_lr\(\), which a lightning_lr drop-in never"
    ):

        class WarmupCosine(ours.CosineAnnealingLR):
            def get_lr(self) -> list[float]:
                return [0.5 * lr for lr in super().get_lr()]

    class Counting(ours.CosineAnnealingLR):  # attributes of its own are fine (saved in the state)
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.restarts = 0
            super().__init__(*args, **kwargs)

    Counting(sgd(), T_max=10).step()

    class FixedLength(
        ours.CosineAnnealingLR
    ):  # its own property of a setting's name stays its own (review 55)
        @property
        def T_max(self) -> int:  # noqa: N802 (torch's name)
            return 10

        @T_max.setter
        def T_max(self, value: int) -> None:  # noqa: N802
            pass

    opt = sgd()
    sched = FixedLength(opt, T_max=999)
    for _ in range(5):
        opt.step()
        sched.step()
    assert sched.T_max == 10 and opt.param_groups[0]["lr"] == pytest.approx(0.05)


def test_multistep_takes_whole_float_milestones_as_torch_fires_them() -> None:
    def lrs(module: Any, milestones: list[Any]) -> list[float]:
        opt = sgd()
        sched = module.MultiStepLR(opt, milestones, 0.1)
        out = []
        for _ in range(10):
            out.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return out

    np.testing.assert_allclose(lrs(ours, [5.0, 8.0]), lrs(torch.optim.lr_scheduler, [5.0, 8.0]), rtol=1e-12)
    np.testing.assert_allclose(lrs(ours, [5.0, 8.0]), lrs(ours, [5, 8]), rtol=0)
    # a fractional one never fires in torch: refused, named by its own place
    with pytest.raises(TypeError, match=r"milestones\[1\] must be a non-negative integer, got 7\.5"):
        lrs(ours, [5.0, 7.5])
    # torch's state of such a run (its Counter holds 5.0 and 8.0) loads
    opt = sgd()
    theirs = torch.optim.lr_scheduler.MultiStepLR(opt, [5.0, 8.0], 0.1)
    mine = ours.MultiStepLR(sgd(), [3], 0.1)
    mine.load_state_dict(theirs.state_dict())
    assert mine.milestones == Counter([5, 8])


def half(x: float) -> float:
    return 0.5**x


@pytest.mark.parametrize(("writer", "reader"), [("torch", "ours"), ("ours", "ours"), ("ours", "torch")])
def test_a_scale_fn_assigned_mid_run_is_in_the_state_and_followed_after_a_load(
    writer: str, reader: str
) -> None:
    # r165: torch's state holds the instance's scale_fn assigned during the run; the drop-in skipped it, and the
    # loaded run went on with the constructor's (0.04, 0.01, 0.04, ... where torch gives 0.0175, 0.01, ...)
    classes = {"torch": torch.optim.lr_scheduler.CyclicLR, "ours": ours.CyclicLR}

    def go_on(s: Any, o: torch.optim.Optimizer) -> list[float]:
        out = []
        for _ in range(6):
            o.step()
            s.step()
            out.append(o.param_groups[0]["lr"])
        return out

    opt = sgd()
    sched = classes[writer](opt, 0.01, 0.1, step_size_up=3)
    go_on(sched, opt)
    sched.scale_fn = half
    go_on(sched, opt)
    state, opt_state = sched.state_dict(), copy.deepcopy(opt.state_dict())
    assert state["scale_fn"] is half
    expected = go_on(sched, opt)
    opt2 = sgd()
    loaded = classes[reader](opt2, 0.01, 0.1, step_size_up=3)
    opt2.load_state_dict(opt_state)
    loaded.load_state_dict(dict(state))
    np.testing.assert_allclose(go_on(loaded, opt2), expected, rtol=1e-12)
    unchanged = go_on(classes[writer](sgd(), 0.01, 0.1, step_size_up=3), sgd())
    assert not np.allclose(expected, unchanged[:6])  # the scale_fn matters
