"""Several schedulers on one optimizer, torch as the oracle.

Every scenario is a function of a namespace of scheduler classes: run once with torch's classes and once
with ours (torch-only classes, ConstantLR, ReduceLROnPlateau, SWALR, ChainedScheduler, SequentialLR, are
torch's in both runs), on the same optimizer settings. The LR of every param group must match at every
step. Alone a drop-in stays its closed form bit for bit, and a composed run resumes bit for bit.
"""

from __future__ import annotations

import copy
import io
import itertools
import pickle
import types
import warnings
from collections.abc import Callable
from typing import Any

import pytest
import torch
from torch.optim import lr_scheduler as L
from torch.optim.swa_utils import SWALR

import lightning_lr.optim as ours
from lightning_lr.optim import ScheduleLR
from lightning_lr.schedules import Constant, CosineDecay, ExponentialDecay, Linear

RTOL = 1e-9
NAMES = [
    "StepLR",
    "MultiStepLR",
    "ExponentialLR",
    "LinearLR",
    "PolynomialLR",
    "MultiplicativeLR",
    "CosineAnnealingLR",
    "LambdaLR",
    "CyclicLR",
    "OneCycleLR",
    "CosineAnnealingWarmRestarts",
]
TORCH = types.SimpleNamespace(**{n: getattr(L, n) for n in NAMES})
OURS = types.SimpleNamespace(**{n: getattr(ours, n) for n in NAMES})
Stepper = Callable[[int], None]
Scenario = Callable[[Any, torch.optim.Optimizer], Stepper]


def shrink(t: int) -> float:
    return 0.97 if t % 2 else 0.99


def warm(t: int) -> float:
    return min(1.0, (t + 1) / 6)


def sgd(lrs: tuple[float, ...] = (0.05, 0.01), tensor: bool = False) -> torch.optim.SGD:
    def lr(x: float) -> float | torch.Tensor:
        return torch.tensor(x, dtype=torch.float64) if tensor else x

    groups = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr(x)} for x in lrs]
    return torch.optim.SGD(groups, momentum=0.9)


def lrs_of(opt: torch.optim.Optimizer) -> list[float]:
    return [float(g["lr"]) for g in opt.param_groups]


def run(
    scenario: Scenario, module: Any, steps: int, tensor: bool = False, strict: bool = True
) -> list[list[float]]:
    """Every group's LR at epochs 0 .. steps - 1 (the optimizer steps before the schedulers, as it should).
    ``strict=False``: where torch's own classes warn (of the order of calls, in a nesting torch steps at once)."""
    opt = sgd(tensor=tensor)
    with warnings.catch_warnings():
        warnings.simplefilter(
            "error" if strict else "ignore"
        )  # the right order warns of nothing, torch or ours
        stepper = scenario(module, opt)
        out = []
        for epoch in range(steps):
            out.append(lrs_of(opt))
            opt.step()
            stepper(epoch)
    return out


def assert_same_lrs(got: list[list[float]], want: list[list[float]]) -> None:
    assert len(got) == len(want)
    for t, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g == pytest.approx(w, rel=RTOL, abs=1e-15), f"epoch {t}: ours {g}, torch {w}"


def check(
    scenario: Scenario, steps: int = 40, tensor: bool = False, strict: bool = True
) -> list[list[float]]:
    want = run(scenario, TORCH, steps, tensor, strict)
    got = run(scenario, OURS, steps, tensor, strict)
    assert_same_lrs(got, want)
    return got


def steps_all(*schedulers: Any) -> Stepper:
    def step(epoch: int) -> None:
        for s in schedulers:
            s.step()

    return step


# --- the chainable ones with each other: side by side and in a ChainedScheduler -----------------------
CHAINABLE: dict[str, Callable[[Any, torch.optim.Optimizer], Any]] = {
    "step": lambda m, o: m.StepLR(o, step_size=3, gamma=0.5),
    "multistep": lambda m, o: m.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3),
    "exponential": lambda m, o: m.ExponentialLR(o, gamma=0.9),
    "linear": lambda m, o: m.LinearLR(o, start_factor=0.4, total_iters=4),
    "polynomial": lambda m, o: m.PolynomialLR(o, total_iters=12, power=2.0),
    "multiplicative": lambda m, o: m.MultiplicativeLR(o, lr_lambda=shrink),
    "cosine": lambda m, o: m.CosineAnnealingLR(o, T_max=7),
}
PAIRS = [(a, b) for a, b in itertools.product(CHAINABLE, repeat=2) if a != b]


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_two_side_by_side_compound_as_in_torch(first: str, second: str) -> None:
    check(lambda m, o: steps_all(CHAINABLE[first](m, o), CHAINABLE[second](m, o)), steps=30)


@pytest.mark.parametrize("name", ["step", "multistep"])
def test_an_lr_set_by_hand_within_a_run_of_equal_values_compounds_as_in_torch(name: str) -> None:
    """A step schedule holds one value for many steps, and the drop-in then writes nothing; an LR set by hand in
    such a run (another value, or the same value as a new float) is still seen and scaled, as torch's are."""

    def by_hand(m: Any, o: torch.optim.Optimizer) -> Stepper:
        scheduler = CHAINABLE[name](m, o)
        sets = {4: (0, 0.2), 7: (1, None), 10: (0, 0.03)}

        def step(epoch: int) -> None:
            scheduler.step()
            if epoch in sets:
                i, value = sets[epoch]
                group = o.param_groups[i]
                group["lr"] = float(group["lr"]) + 0.0 if value is None else value

        return step

    got = check(by_hand, steps=20)
    assert got[5][0] == pytest.approx(0.2) and got[11][0] == pytest.approx(0.03)


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_chained_scheduler_compounds_as_in_torch(first: str, second: str) -> None:
    def chained(m: Any, o: torch.optim.Optimizer) -> Stepper:
        chain = L.ChainedScheduler([CHAINABLE[first](m, o), CHAINABLE[second](m, o)])
        return lambda epoch: chain.step()

    check(chained, steps=30)


def test_the_issues_numbers() -> None:
    def chained(m: Any, o: torch.optim.Optimizer) -> Stepper:
        chain = L.ChainedScheduler(
            [m.LinearLR(o, start_factor=0.4, total_iters=3), m.MultiStepLR(o, milestones=[2], gamma=0.1)]
        )
        return lambda epoch: chain.step()

    got = check(chained, steps=4)
    assert [row[0] for row in got] == pytest.approx([0.02, 0.03, 0.004, 0.005], rel=1e-12)

    got = check(lambda m, o: steps_all(m.StepLR(o, 3, 0.1), m.ExponentialLR(o, 0.9)), steps=5)
    assert [row[0] for row in got] == pytest.approx([0.05, 0.045, 0.0405, 0.003645, 0.0032805], rel=1e-12)


@pytest.mark.parametrize("which", ["ours first", "torch first"])
def test_ours_and_torchs_in_one_chain(which: str) -> None:
    def chained(m: Any, o: torch.optim.Optimizer) -> Stepper:
        mine = m.ExponentialLR(o, gamma=0.95)
        theirs = L.StepLR(o, step_size=4, gamma=0.5)
        chain = L.ChainedScheduler([mine, theirs] if which == "ours first" else [theirs, mine])
        return lambda epoch: chain.step()

    check(chained)


def test_tensor_lrs_compound_in_place() -> None:
    def chained(m: Any, o: torch.optim.Optimizer) -> Stepper:
        chain = L.ChainedScheduler([m.CosineAnnealingLR(o, T_max=6), m.StepLR(o, step_size=4, gamma=0.5)])
        return lambda epoch: chain.step()

    check(chained, tensor=True)


@pytest.mark.parametrize("name", list(CHAINABLE))
def test_a_group_created_at_zero_and_set_by_hand_follows_the_schedule_as_in_torch(name: str) -> None:
    # review 76: a backbone's group made at LR 0 and unfrozen by setting its LR stayed there under the
    # relative drop-ins (their values for it are all 0, so there was no change to scale it by)
    def unfrozen(m: Any, o: torch.optim.Optimizer) -> Stepper:
        o.param_groups[1]["lr"] = 0.0
        scheduler = CHAINABLE[name](m, o)

        def step(epoch: int) -> None:
            scheduler.step()
            if epoch == 1:
                o.param_groups[1]["lr"] = 0.01  # before step 2

        return step

    got = check(unfrozen, steps=14)
    assert got[1][1] == 0.0 and got[2][1] == 0.01 and got[-1][1] != 0.01  # (the schedule moved it)


# --- the absolute ones overwrite, as torch's --------------------------------------------------------------
ABSOLUTE: dict[str, Callable[[Any, torch.optim.Optimizer], Any]] = {
    "lambda": lambda m, o: m.LambdaLR(o, lr_lambda=warm),
    "cyclic": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, cycle_momentum=False),
    "one-cycle": lambda m, o: m.OneCycleLR(o, max_lr=0.1, total_steps=60, cycle_momentum=False),
    "restarts": lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2),
}


@pytest.mark.parametrize("built", ["absolute built first", "chainable built first"])
@pytest.mark.parametrize("chainable", ["step", "exponential", "cosine"])
@pytest.mark.parametrize("absolute", list(ABSOLUTE))
@pytest.mark.parametrize("order", ["absolute first", "absolute last"])
def test_absolute_schedulers_overwrite_as_in_torch(
    absolute: str, chainable: str, order: str, built: str
) -> None:
    # OneCycleLR rewrites the groups' initial_lr when built: a chainable one built before it keeps its own
    # base_lrs, as torch's
    def chained(m: Any, o: torch.optim.Optimizer) -> Stepper:
        if built == "absolute built first":
            a, c = ABSOLUTE[absolute](m, o), CHAINABLE[chainable](m, o)
        else:
            c, a = CHAINABLE[chainable](m, o), ABSOLUTE[absolute](m, o)
        chain = L.ChainedScheduler([a, c] if order == "absolute first" else [c, a])
        return lambda epoch: chain.step()

    if absolute == "cyclic" and built == "chainable built first":
        # torch's CyclicLR computes its LR before the first step from the initial_lr the groups already have
        # (0.05, the optimizer's) instead of base_lr; ours starts at base_lr, as on a fresh optimizer
        # (docs/differences_from_torch.md). From the first step on, the two agree.
        want, got = run(chained, TORCH, 40), run(chained, OURS, 40)
        assert (want[0], got[0]) == ([0.05, 0.01], [0.01, 0.01])
        assert_same_lrs(got[1:], want[1:])
        return
    check(chained)


# --- SequentialLR ---------------------------------------------------------------------------------------
SEQUENCES: dict[str, Callable[[Any, torch.optim.Optimizer], list[Any]]] = {
    "warm-up then cosine": lambda m, o: [
        m.LinearLR(o, start_factor=0.1, total_iters=5),
        m.CosineAnnealingLR(o, T_max=20, eta_min=1e-4),
    ],
    "warm-up then exponential": lambda m, o: [m.LinearLR(o, total_iters=4), m.ExponentialLR(o, gamma=0.9)],
    "constant then step": lambda m, o: [L.ConstantLR(o, factor=0.25, total_iters=3), m.StepLR(o, 4, 0.5)],
    "warm-up then multiplicative": lambda m, o: [
        m.LinearLR(o, start_factor=0.5, total_iters=3),
        m.MultiplicativeLR(o, lr_lambda=shrink),
    ],
    "warm-up then restarts": lambda m, o: [
        m.LinearLR(o, start_factor=0.2, total_iters=5),
        m.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2),
    ],
    "lambda then polynomial": lambda m, o: [m.LambdaLR(o, lr_lambda=warm), m.PolynomialLR(o, total_iters=15)],
    "warm-up then 1cycle": lambda m, o: [  # OneCycleLR sets initial_lr: the warm-up scales toward it
        m.LinearLR(o, start_factor=0.01, total_iters=6),
        m.OneCycleLR(o, max_lr=0.1, total_steps=40),
    ],
    "warm-up then cyclic": lambda m, o: [
        m.ExponentialLR(o, gamma=1.2),
        m.CyclicLR(o, base_lr=0.001, max_lr=0.1, step_size_up=4),
    ],
    "three": lambda m, o: [
        m.LinearLR(o, start_factor=0.25, total_iters=4),
        m.MultiStepLR(o, milestones=[3, 6], gamma=0.5),
        m.CosineAnnealingLR(o, T_max=9),
    ],
}
MILESTONES = {"three": [6, 16]}


@pytest.mark.parametrize("tensor", [False, True])
@pytest.mark.parametrize("case", list(SEQUENCES))
def test_sequential_lr_as_in_torch(case: str, tensor: bool) -> None:
    def sequence(m: Any, o: torch.optim.Optimizer) -> Stepper:
        schedulers = SEQUENCES[case](m, o)
        seq = L.SequentialLR(o, schedulers, milestones=MILESTONES.get(case, [6]))
        return lambda epoch: seq.step()

    check(sequence, tensor=tensor)


RESTARTED = dict(
    CHAINABLE, **{"cosine, T_max=1": lambda m, o: m.CosineAnnealingLR(o, T_max=1, eta_min=0.001)}
)


@pytest.mark.parametrize("nesting", ["ChainedScheduler", "SequentialLR"])
@pytest.mark.parametrize("name", list(RESTARTED))
def test_a_drop_in_a_sequential_lr_restarts_outside_its_initial_step_steps_to_zero_as_in_torch(
    name: str, nesting: str
) -> None:
    # r153: a SequentialLR starts its first phase by stepping it from -1 to 0; a ChainedScheduler or a SequentialLR
    # there steps its schedulers outside their initial step, and torch's exponential, polynomial, cosine and
    # multiplicative classes then scale the LR at step 0 (ExponentialLR's first phase was 0.1, 0.09, ... where
    # torch's is 0.09, 0.081, ...)
    def sequence(m: Any, o: torch.optim.Optimizer) -> Stepper:
        inner = [RESTARTED[name](m, o), m.StepLR(o, 3, 0.5)]
        first = L.ChainedScheduler(inner) if nesting == "ChainedScheduler" else L.SequentialLR(o, inner, [4])
        seq = L.SequentialLR(o, [first, m.ExponentialLR(o, gamma=0.8)], milestones=[9])
        return lambda epoch: seq.step()

    # torch warns of the order of calls as the outer SequentialLR starts the nested one, with its classes or ours
    check(sequence, steps=20, strict=False)


@pytest.mark.parametrize("name", list(RESTARTED))
def test_last_epoch_set_back_by_hand_restarts_as_in_torch(name: str) -> None:
    def restarted(m: Any, o: torch.optim.Optimizer) -> Stepper:
        s = RESTARTED[name](m, o)

        def step(epoch: int) -> None:
            s.step()
            if epoch in (4, 11):
                s.last_epoch = -1

        return step

    check(restarted, steps=20)


# --- torch-only schedulers around a drop-in ------------------------------------------------------------
def test_the_cosine_is_affine_about_eta_min_when_stacked() -> None:
    others = [lambda o: L.ConstantLR(o, factor=0.5, total_iters=9), lambda o: L.ExponentialLR(o, 0.98)]
    for other in others:
        check(
            lambda m, o, other=other: steps_all(m.CosineAnnealingLR(o, T_max=8, eta_min=2e-3), other(o)),
            steps=60,
        )


@pytest.mark.parametrize("tensor", [False, True])
def test_a_flat_cosine_scales_the_others_lr_as_torchs_does(tensor: bool) -> None:
    # made after a CyclicLR, the cosine's initial LR is the cyclic base_lr, its eta_min: its own values never
    # change, and torch's recursion still scales the excess over eta_min by its cosine's ratio (before: the
    # drop-in left the LR alone, 0.1 where torch gives 0.0957)
    def flat(m: Any, o: torch.optim.Optimizer) -> Stepper:
        cyclic = L.CyclicLR(o, base_lr=0.001, max_lr=0.1, step_size_up=4, cycle_momentum=False)
        return steps_all(cyclic, m.CosineAnnealingLR(o, T_max=6, eta_min=0.001))

    check(flat, steps=30, tensor=tensor)

    # after a warm-up, whose first value is below the cosine's: torch leaves it alone at construction
    def warmed(m: Any, o: torch.optim.Optimizer) -> Stepper:
        warm = L.LinearLR(o, start_factor=0.5, total_iters=6)
        return steps_all(warm, m.CosineAnnealingLR(o, T_max=3, eta_min=0.05))

    check(warmed, steps=20, tensor=tensor)


def test_constant_lr_beside_a_drop_in() -> None:
    check(lambda m, o: steps_all(L.ConstantLR(o, factor=0.5, total_iters=4), m.ExponentialLR(o, gamma=0.9)))
    check(
        lambda m, o: steps_all(m.CosineAnnealingLR(o, T_max=10), L.ConstantLR(o, factor=0.5, total_iters=4))
    )


LOSSES = [1.0, 0.8, 0.7, 0.7, 0.7, 0.69, 0.7, 0.7, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6] * 3


@pytest.mark.parametrize("warmup", ["linear", "cosine", "step"])
def test_reduce_lr_on_plateau_after_a_warm_up(warmup: str) -> None:
    def plateau(m: Any, o: torch.optim.Optimizer) -> Stepper:
        first = {
            "linear": lambda: m.LinearLR(o, start_factor=0.1, total_iters=5),
            "cosine": lambda: m.CosineAnnealingLR(o, T_max=12, eta_min=1e-5),
            "step": lambda: m.StepLR(o, step_size=5, gamma=0.5),
        }[warmup]()
        reduce = L.ReduceLROnPlateau(o, factor=0.5, patience=1)

        def step(epoch: int) -> None:
            first.step()
            reduce.step(LOSSES[epoch])

        return step

    got = check(plateau, steps=len(LOSSES))
    assert len({row[0] for row in got}) > 8


def test_swalr_after_a_decay() -> None:
    def swa(m: Any, o: torch.optim.Optimizer) -> Stepper:
        decay = m.CosineAnnealingLR(o, T_max=30)
        swa_sched = SWALR(o, swa_lr=0.02, anneal_epochs=5)

        def step(epoch: int) -> None:
            (swa_sched if epoch >= 15 else decay).step()

        return step

    got = check(swa)
    assert got[-1] == pytest.approx([0.02, 0.02], rel=1e-12)


# --- alone: the closed form, bit for bit ----------------------------------------------------------------
def test_alone_a_drop_in_is_its_closed_form_bit_for_bit() -> None:
    n = 5000
    for make, shape in [
        (lambda o: ours.ExponentialLR(o, gamma=0.999), ExponentialDecay(1.0, gamma=0.999)),
        (lambda o: ours.CosineAnnealingLR(o, T_max=1234, eta_min=1e-4), None),
    ]:
        opt, ref_opt = sgd(), sgd()
        sched = make(opt)
        if shape is not None:
            ref = ScheduleLR(ref_opt, lr=shape, relative=True)
        else:
            lrs = [CosineDecay(b, total=1234, final=1e-4, periodic=True) for b in (0.05, 0.01)]
            ref = ScheduleLR(ref_opt, lr=lrs)
        for _ in range(n):
            assert lrs_of(opt) == lrs_of(ref_opt)
            opt.step()
            sched.step()
            ref.step()


def test_after_a_milestone_the_next_drop_in_is_its_closed_form_bit_for_bit() -> None:
    opt, ref_opt = sgd(), sgd()
    seq = L.SequentialLR(
        opt, [ours.LinearLR(opt, start_factor=0.1, total_iters=5), ours.ExponentialLR(opt, gamma=0.99)], [5]
    )
    ref = ScheduleLR(ref_opt, lr=ExponentialDecay(1.0, gamma=0.99), relative=True)
    for _ in range(5):
        opt.step()
        seq.step()
    for _ in range(2000):
        assert lrs_of(opt) == lrs_of(ref_opt)
        opt.step()
        seq.step()
        ref.step()


# --- resuming a composed run ---------------------------------------------------------------------------
def roundtrip(state: dict[str, Any]) -> dict[str, Any]:
    buf = io.BytesIO()
    torch.save(state, buf)
    buf.seek(0)
    return torch.load(buf, weights_only=False)


@pytest.mark.parametrize("tensor", [False, True])
@pytest.mark.parametrize(
    "kind", ["chained", "sequential", "sequential into 1cycle", "side by side with torch's"]
)
def test_a_composed_run_resumes_bit_for_bit(kind: str, tensor: bool) -> None:
    def build(o: torch.optim.Optimizer) -> Any:
        if kind == "chained":
            return L.ChainedScheduler([ours.LinearLR(o, total_iters=7), ours.CosineAnnealingLR(o, T_max=25)])
        if kind == "sequential":
            parts = [ours.LinearLR(o, start_factor=0.2, total_iters=6), ours.MultiplicativeLR(o, shrink)]
            return L.SequentialLR(o, parts, milestones=[6])
        if kind == "sequential into 1cycle":
            parts = [
                ours.LinearLR(o, start_factor=0.01, total_iters=30),
                ours.OneCycleLR(o, 0.1, total_steps=40),
            ]
            return L.SequentialLR(o, parts, milestones=[30])
        return L.ChainedScheduler([ours.StepLR(o, 4, 0.5), L.ExponentialLR(o, gamma=0.93)])

    def go(opt: torch.optim.Optimizer, sched: Any, n: int) -> list[list[float]]:
        out = []
        for _ in range(n):
            opt.step()
            sched.step()
            out.append(lrs_of(opt))
        return out

    opt = sgd(tensor=tensor)
    full = go(opt, build(opt), 60)
    opt1 = sgd(tensor=tensor)
    sched1 = build(opt1)
    first = go(opt1, sched1, 23)
    opt_state, sched_state = roundtrip(opt1.state_dict()), roundtrip(sched1.state_dict())
    opt2 = sgd(tensor=tensor)
    sched2 = build(opt2)
    opt2.load_state_dict(opt_state)
    sched2.load_state_dict(sched_state)
    assert first + go(opt2, sched2, 37) == full


def test_float32_tensor_lrs_compound_as_in_torch() -> None:
    """torch's own test optimizer has a float32 tensor LR: the values agree to float32's precision."""

    def run32(module: Any) -> list[list[float]]:
        opt = torch.optim.SGD(
            [
                {"params": [torch.nn.Parameter(torch.zeros(1))]},
                {"params": [torch.nn.Parameter(torch.zeros(1))], "lr": torch.tensor(0.5)},
            ],
            lr=0.05,
        )
        chain = L.ChainedScheduler(
            [module.LinearLR(opt, start_factor=0.4, total_iters=3), module.MultiStepLR(opt, [4, 8], 0.1)]
        )
        out = []
        for _ in range(12):
            out.append(lrs_of(opt))
            opt.step()
            chain.step()
        return out

    got, want = run32(OURS), run32(TORCH)
    for g, w in zip(got, want, strict=True):
        assert g == pytest.approx(w, rel=1e-6)


def run_side_by_side(opt: torch.optim.Optimizer, schedulers: list[Any], steps: int) -> list[list[float]]:
    """The LRs before each of ``steps`` steps of ``opt`` and then of each of ``schedulers``."""
    out = []
    for _ in range(steps):
        out.append(lrs_of(opt))
        opt.step()
        for s in schedulers:
            s.step()
    return out


RESUMED_AT_EVERY_STEP: dict[str, Callable[[torch.optim.Optimizer], list[Any]]] = {
    # the StepLR phase begins back at the initial LR, the value a freshly built scheduler writes
    "sequential back to the initial LR": lambda o: [
        L.SequentialLR(o, [ours.ExponentialLR(o, gamma=0.9), ours.StepLR(o, 10, 0.5)], milestones=[5])
    ],
    # each restart returns to the base LR
    "chained into restarts": lambda o: [
        L.ChainedScheduler([ours.MultiplicativeLR(o, shrink), ours.CosineAnnealingWarmRestarts(o, T_0=5)])
    ],
    "side by side with restarts": lambda o: [
        ours.MultiplicativeLR(o, shrink),
        ours.CosineAnnealingWarmRestarts(o, T_0=5),
    ],
}


@pytest.mark.parametrize("tensor", [False, True])
@pytest.mark.parametrize("kind", list(RESUMED_AT_EVERY_STEP))
def test_a_composed_run_resumed_at_any_step_continues_bit_for_bit(kind: str, tensor: bool) -> None:
    """With the optimizer's state loaded, a drop-in never overwrites the restored LR, even where it equals
    the one a freshly built scheduler wrote (before: the checkpoint's stale last LR of the first phase was
    written there, and a recursive phase carried it on: 0.06561 for 0.1)."""
    n = 30

    opt = sgd(tensor=tensor)
    full = run_side_by_side(opt, RESUMED_AT_EVERY_STEP[kind](opt), n)
    for k in range(1, n):
        opt1 = sgd(tensor=tensor)
        schedulers1 = RESUMED_AT_EVERY_STEP[kind](opt1)
        run_side_by_side(opt1, schedulers1, k)
        opt_state = roundtrip(opt1.state_dict())
        states = [roundtrip(s.state_dict()) for s in schedulers1]
        opt2 = sgd(tensor=tensor)
        schedulers2 = RESUMED_AT_EVERY_STEP[kind](opt2)
        opt2.load_state_dict(opt_state)
        for s, state in zip(schedulers2, states, strict=True):
            s.load_state_dict(state)
        assert run_side_by_side(opt2, schedulers2, n - k) == full[k:], f"resumed at step {k}"


STACKED: dict[str, Callable[[torch.optim.Optimizer], list[Any]]] = {
    "three ExponentialLR side by side": lambda o: [ours.ExponentialLR(o, gamma=0.99) for _ in range(3)],
    "four ExponentialLR chained": lambda o: [
        L.ChainedScheduler([ours.ExponentialLR(o, gamma=0.99) for _ in range(4)])
    ],
    "StepLR, CosineAnnealingLR and ExponentialLR": lambda o: [
        ours.StepLR(o, 4, 0.5),
        ours.CosineAnnealingLR(o, T_max=25),
        ours.ExponentialLR(o, gamma=0.93),
    ],
    "OneCycleLR under two recursive ones": lambda o: [
        ours.OneCycleLR(o, 0.1, total_steps=40),
        ours.ExponentialLR(o, gamma=0.97),
        ours.MultiplicativeLR(o, shrink),
    ],
    "a relative ScheduleLR under an ExponentialLR": lambda o: [
        ScheduleLR(o, ExponentialDecay(1.0, 0.9), relative=True),
        ours.ExponentialLR(o, gamma=0.97),
    ],
    "a ScheduleLR that leaves a group alone, beside a OneCycleLR": lambda o: [
        ours.OneCycleLR(o, 0.1, total_steps=40),
        ScheduleLR(o, [CosineDecay(0.1, total=40), None]),
    ],
    # review 167: a SequentialLR steps the schedulers of a first phase that is a composition once more at its
    # build, which was taken for a step after the load's record, and the resume wrote a finished phase's last LR
    "a SequentialLR whose first phase is a SequentialLR": lambda o: [
        L.SequentialLR(
            o,
            [
                L.SequentialLR(o, [ours.LinearLR(o, 0.5, 1.0, 3), ours.ExponentialLR(o, 0.9)], [3]),
                ours.StepLR(o, 2, 0.5),
            ],
            [8],
        )
    ],
    "a SequentialLR whose first phase is a ChainedScheduler": lambda o: [
        L.SequentialLR(
            o,
            [
                L.ChainedScheduler([ours.ExponentialLR(o, 0.9), ours.StepLR(o, 2, 0.5)]),
                ours.ExponentialLR(o, 0.8),
            ],
            [10],
        )
    ],
}


@pytest.mark.parametrize("reused", [False, True], ids=["a new optimizer", "an optimizer schedulers ran on"])
@pytest.mark.parametrize("reverse", [False, True], ids=["loaded in order", "loaded in reverse"])
@pytest.mark.parametrize("kind", list(STACKED))
def test_stacked_drop_ins_built_on_a_loaded_optimizer_resume_bit_for_bit(
    kind: str, reverse: bool, reused: bool
) -> None:
    """torch's resume order in a plain loop: the optimizer's state loaded, then the schedulers built on it,
    then their states. Review 67: a third drop-in on the optimizer was not told its groups came from a
    checkpoint, so the second's load wrote its own last LR, one factor short of the chain's (0.0703 for
    0.0696 after three ExponentialLR(0.99) at step 12), and the run kept that factor off. Review 82: a
    ScheduleLR took no part in what the loaded groups held, so the first step after the resume was off (the
    relative one gave the ExponentialLR's factor back; the one that leaves group 1 alone kept the OneCycleLR's
    first LR there, 8x the checkpoint's). Review 91: on an optimizer that schedulers had run on before (a
    rollback in one process), a load made no record, and three ExponentialLR stayed off for the whole run."""
    n = 30

    opt = sgd()
    full = run_side_by_side(opt, STACKED[kind](opt), n)
    for k in range(1, n):
        opt1 = sgd()
        schedulers1 = STACKED[kind](opt1)
        run_side_by_side(opt1, schedulers1, k)
        opt_state = roundtrip(opt1.state_dict())
        states = [roundtrip(s.state_dict()) for s in schedulers1]
        opt2 = opt1 if reused else sgd()
        opt2.load_state_dict(opt_state)
        schedulers2 = STACKED[kind](opt2)
        pairs = list(zip(schedulers2, states, strict=True))
        for s, state in reversed(pairs) if reverse else pairs:
            s.load_state_dict(state)
        assert run_side_by_side(opt2, schedulers2, n - k) == full[k:], f"resumed at step {k}"


def lrs_and_momentums(opt: torch.optim.Optimizer, schedulers: list[Any], steps: int) -> list[list[float]]:
    """Every group's LR and momentum before each of ``steps`` steps of ``opt`` and then of ``schedulers``."""
    out = []
    for _ in range(steps):
        out.append([float(g[k]) for g in opt.param_groups for k in ("lr", "momentum")])
        opt.step()
        for s in schedulers:
            s.step()
    return out


def resumed_in_torchs_order(
    build: Callable[[torch.optim.Optimizer], list[Any]],
    rebuild: Callable[[torch.optim.Optimizer], list[Any]],
    k: int,
    reverse: bool,
    n: int = 24,
) -> list[list[float]]:
    """Run ``build``'s schedulers ``k`` steps, then resume in torch's order (the optimizer's state loaded, the
    schedulers built by ``rebuild``, their states loaded, in reverse if ``reverse``); LRs and momentums from
    there to step ``n``."""
    opt = sgd()
    schedulers = build(opt)
    lrs_and_momentums(opt, schedulers, k)
    opt_state, states = roundtrip(opt.state_dict()), [roundtrip(s.state_dict()) for s in schedulers]
    opt2 = sgd()
    opt2.load_state_dict(opt_state)
    schedulers2 = rebuild(opt2)
    pairs = list(zip(schedulers2, states, strict=True))
    for s, state in reversed(pairs) if reverse else pairs:
        s.load_state_dict(state)
    return lrs_and_momentums(opt2, schedulers2, n - k)


@pytest.mark.parametrize("reverse", [False, True], ids=["loaded in order", "loaded in reverse"])
def test_a_scheduler_lrs_momentum_resumes_beside_a_cycle_in_torchs_order(reverse: bool) -> None:
    """Review 86: a ScheduleLR with a momentum schedule, built before a CyclicLR that cycles momentum too,
    took its own momentum at the first step after the resume, not the one the chain had (0.8 for 0.85)."""

    def build(o: torch.optim.Optimizer) -> list[Any]:
        return [
            ScheduleLR(o, [CosineDecay(0.05, total=24), None], momentum=Linear(0.9, 0.6, 24)),
            ours.CyclicLR(o, 0.01, 0.1, step_size_up=4),
            ours.StepLR(o, 5, 0.5),
        ]

    full = lrs_and_momentums(sgd_built := sgd(), build(sgd_built), 24)
    for k in (4, 13):
        assert resumed_in_torchs_order(build, build, k, reverse) == full[k:], f"resumed at step {k}"


@pytest.mark.parametrize("reverse", [False, True], ids=["loaded in order", "loaded in reverse"])
@pytest.mark.parametrize("drop_in", ["StepLR", "OneCycleLR"])
def test_a_scheduler_lr_given_another_schedule_on_resume_applies_its_own_beside_a_drop_in(
    drop_in: str, reverse: bool
) -> None:
    """ScheduleLR's schedules come from its constructor, so a resume may change them (re-resolved for a
    longer run): the first step takes the new schedule's value, whichever scheduler loads first. Review 86: a
    drop-in loaded after it gave back the checkpoint's LR (0.05 for 0.1), and its momentum (0.8 for 0.6)."""

    def make(value: float, momentum: float) -> Callable[[torch.optim.Optimizer], list[Any]]:
        def build(o: torch.optim.Optimizer) -> list[Any]:
            other = ours.StepLR(o, 5, 0.5) if drop_in == "StepLR" else ours.OneCycleLR(o, 0.1, total_steps=24)
            return [other, ScheduleLR(o, Constant(value), momentum=Constant(momentum))]

        return build

    for k in (3, 7):
        first = resumed_in_torchs_order(make(0.05, 0.8), make(0.1, 0.6), k, reverse)[0]
        assert first == [0.1, 0.6, 0.1, 0.6], f"resumed at step {k}"


def test_a_scale_given_on_resume_applies_at_the_first_step_in_torchs_order() -> None:
    """Review 86: a ScheduleLR written without a scale and resumed with ``set_scale`` took the checkpoint's
    unscaled LR at the first step (its scales were not compared with the checkpoint's)."""

    def scaled(o: torch.optim.Optimizer) -> list[Any]:
        s = ScheduleLR(o, CosineDecay(0.05, total=24))
        s.set_scale(Constant(0.5))
        return [s]

    full = lrs_and_momentums(opt := sgd(), scaled(opt), 24)
    resumed = resumed_in_torchs_order(
        lambda o: [ScheduleLR(o, CosineDecay(0.05, total=24))], scaled, 9, False
    )
    assert resumed[0] == full[9]


def test_a_torch_scheduler_built_first_does_not_pass_for_a_loaded_state() -> None:
    """Lightning's order: the schedulers built on a fresh optimizer (torch's LinearLR first, which puts
    ``initial_lr`` in the groups), then the optimizer's state loaded, then theirs. Review 86: the ScheduleLR
    took the groups for a loaded state's and wrote the LRs they had at its build over the checkpoint's."""

    def build(o: torch.optim.Optimizer) -> list[Any]:
        return [L.LinearLR(o, 0.5, total_iters=3), ScheduleLR(o, CosineDecay(1.0, total=24), relative=True)]

    full = lrs_and_momentums(opt := sgd(), build(opt), 24)
    opt1 = sgd()
    schedulers1 = build(opt1)
    lrs_and_momentums(opt1, schedulers1, 9)
    opt2 = sgd()
    schedulers2 = build(opt2)
    opt2.load_state_dict(roundtrip(opt1.state_dict()))
    for s, state in zip(schedulers2, [roundtrip(s.state_dict()) for s in schedulers1], strict=True):
        s.load_state_dict(state)
    assert lrs_and_momentums(opt2, schedulers2, 15) == full[9:]


# --- copies: deepcopy and pickle of an optimizer with its schedulers -------------------------------------
def run_copying(
    objects: tuple[Any, ...],
    how: str,
    at: int,
    steps: int,
    before: Callable[[int, Any], None] = lambda t, o: None,
) -> list[list[float]]:
    """Every group's LR at each of ``steps`` steps of ``objects`` (the optimizer, then its schedulers, stepped in
    that order), all copied together (``how``: ``"deepcopy"`` or ``"pickle"``) before step ``at``;
    ``before(t, optimizer)`` runs first at each step."""
    out = []
    for t in range(steps):
        before(t, objects[0])
        if t == at:
            objects = copy.deepcopy(objects) if how == "deepcopy" else pickle.loads(pickle.dumps(objects))
        opt = objects[0]
        out.append(lrs_of(opt))
        opt.step()
        for s in objects[1:]:
            s.step()
    return out


def copied_run(module: Any, name: str, how: str, at: int, lr: str, steps: int = 12) -> list[list[float]]:
    """Every group's LR at each step of a drop-in (or torch's class) beside torch's ConstantLR, the
    optimizer and both schedulers copied together (``how``) before step ``at``."""

    def make(x: float) -> float | torch.Tensor:
        return x if lr == "float" else torch.tensor(x, dtype=getattr(torch, lr))

    opt = torch.optim.SGD(
        [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": make(x)} for x in (1.0, 0.3)], momentum=0.9
    )
    return run_copying(
        (opt, CHAINABLE[name](module, opt), L.ConstantLR(opt, factor=0.1, total_iters=4)), how, at, steps
    )


@pytest.mark.parametrize("lr", ["float", "float64", "float32"])
@pytest.mark.parametrize("at", [0, 1, 3, 6])
@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
@pytest.mark.parametrize("name", ["polynomial", "step", "cosine", "multiplicative"])
def test_a_copy_beside_another_scheduler_compounds_as_in_torch(name: str, how: str, at: int, lr: str) -> None:
    # review 106: a tensor LR's record (the tensor and its version) was copied with the drop-in, and the copied
    # tensor's version starts again at 0: it matched after ConstantLR's write, whose factor was then lost (LRs
    # [0.1, 0.875, 0.75] where torch gives [0.1, 0.0875, 0.075])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = copied_run(TORCH, name, how, at, lr)
        got = copied_run(OURS, name, how, at, lr)
    if lr == "float32":
        for t, (g, w) in enumerate(zip(got, want, strict=True)):
            assert g == pytest.approx(w, rel=1e-6), f"epoch {t}: ours {g}, torch {w}"
    else:
        assert_same_lrs(got, want)


@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
def test_a_copy_after_a_group_was_added_compounds_as_in_torch(how: str) -> None:
    # review 106: copied right after a group with a tensor LR was added, the added group lost torch's
    # PolynomialLR's change at the next step
    def added_lrs(module: Any) -> list[list[float]]:
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=torch.tensor(1.0, dtype=torch.float64))
        objects = (opt, module.LinearLR(opt, total_iters=13), L.PolynomialLR(opt, total_iters=15, power=1.5))

        def add(t: int, opt: Any) -> None:
            if t == 2:
                lr = torch.tensor(0.2, dtype=torch.float64)
                opt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr})

        return run_copying(objects, how, 3, 9, add)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same_lrs(added_lrs(OURS), added_lrs(TORCH))
