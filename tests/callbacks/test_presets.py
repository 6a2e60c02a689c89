"""Every preset, end to end: the LR (and momentum) the optimizer really used at each step equals the
pure schedule's values; per-group LRs; momentum cycling; argument validation."""

from __future__ import annotations

import logging
import math
import re
import warnings
from typing import Any

import numpy as np
import pytest
import torch

from lightning_lr import LRRangeTest
from lightning_lr import schedules as S
from lightning_lr.callbacks import (
    CosineDecay,
    Cyclic,
    Epochs,
    ExponentialDecay,
    Fraction,
    InverseSqrt,
    LRSchedule,
    MultiStepDecay,
    OneCycle,
    PolynomialDecay,
    ReduceOnPlateau,
    RunInfo,
    StepDecay,
    TimeDecay,
    WarmupStableDecay,
)

from support.models import Tiny, adam
from support.recording import assert_trace
from support.trainers import fit

N = 24  # optimizer steps in the default run: 48 samples / batch 4 * 2 epochs; 12 per epoch


def sgd_nesterov(model):
    return torch.optim.SGD(model.param_groups(), lr=model.lr, momentum=0.9, nesterov=True)


@pytest.mark.parametrize("optim", [None, adam], ids=["sgd", "adam"])
def test_one_cycle_lr_and_inverse_momentum(tmp_path, optim) -> None:
    rec = fit(tmp_path, Tiny(optim=optim), [OneCycle(max_lr=0.5, pct_start=0.25, three_phase=True)])
    expected = S.OneCycle(0.5, total_steps=N, pct_start=0.25, three_phase=True)
    assert_trace(rec.lr(), expected.values(N))
    assert_trace(rec.momentum(), expected.momentum(0.85, 0.95).values(N))


def test_one_cycle_takes_the_peak_from_the_optimizer(tmp_path) -> None:
    cb = OneCycle(total=Epochs(1), anneal="linear", base_momentum=0.8, max_momentum=0.9)
    rec = fit(tmp_path, Tiny(lr=0.3), [cb])
    expected = S.OneCycle(0.3, total_steps=12, anneal="linear")
    assert_trace(rec.lr(), expected.values(N))  # after the cycle the final LR holds
    assert_trace(rec.momentum(), expected.momentum(0.8, 0.9).values(N))


def test_adam_beta2_is_left_alone(tmp_path) -> None:
    model = Tiny(optim=lambda m: torch.optim.AdamW(m.parameters(), lr=0.01, betas=(0.9, 0.98)))
    fit(tmp_path, model, [OneCycle()])
    assert model.trainer.optimizers[0].param_groups[0]["betas"][1] == 0.98


def test_cyclic_triangular2_in_epochs_with_momentum(tmp_path) -> None:
    cb = Cyclic(base_lr=0.01, max_lr=0.2, step_size=Epochs(0.5), mode="triangular2")
    rec = fit(tmp_path, Tiny(optim=sgd_nesterov), [cb])
    expected = S.Cyclic(0.01, 0.2, step_size=6, mode="triangular2")
    assert_trace(rec.lr(), expected.values(N))
    assert_trace(rec.momentum(), expected.momentum(0.85, 0.95).values(N))


def test_a_cyclic_may_start_from_zero_as_its_schedule_and_torchs(tmp_path) -> None:
    # review 122: Cyclic(base_lr=0) was refused here only; schedules.Cyclic, the CyclicLR drop-in and torch take it
    rec = fit(tmp_path, Tiny(groups=2), [Cyclic(base_lr=0, max_lr=0.2, step_size=4)])
    expected = S.Cyclic(0.0, 0.2, step_size=4)
    assert_trace(rec.lr(0), expected.values(N))
    assert_trace(rec.lr(1), S.Cyclic(0.0, 0.02, step_size=4).values(N))  # the group's ratio: 0 stays 0
    assert_trace(rec.momentum(0), expected.momentum(0.85, 0.95).values(N))
    # every group at lr=0 in the optimizer, max_lr one per group: base_lr=0 needs no ratio to scale it by
    rec = fit(tmp_path, Tiny(groups=2, lr=0.0), [Cyclic(base_lr=0.0, max_lr=[0.1, 0.3], step_size=4)])
    assert_trace(rec.lr(1), S.Cyclic(0.0, 0.3, step_size=4).values(N))
    with pytest.raises(ValueError, match=r"^Cyclic: base_lr must be a finite number >= 0, got -0\.1$"):
        Cyclic(base_lr=-0.1)


@pytest.mark.parametrize("down", [0, Epochs(0)])
def test_a_cyclic_without_a_way_down_is_a_sawtooth_as_torchs(tmp_path, down: Any) -> None:
    # the CyclicLR drop-in and schedules.Cyclic take step_size_down=0 (torch's sawtooth); the callback refused it
    rec = fit(
        tmp_path,
        Tiny(optim=sgd_nesterov),
        [Cyclic(base_lr=0.01, max_lr=0.2, step_size=4, step_size_down=down)],
    )
    expected = S.Cyclic(0.01, 0.2, step_size=4, step_size_down=0)
    assert_trace(rec.lr(), expected.values(N))
    assert rec.lr()[:6] == pytest.approx([0.01, 0.0575, 0.105, 0.1525, 0.01, 0.0575])
    assert_trace(rec.momentum(), expected.momentum(0.85, 0.95).values(N))


@pytest.mark.parametrize("preset", ["one_cycle", "cyclic"])
def test_momentum_bounds_per_param_group_as_torchs_lists(tmp_path, preset) -> None:
    # review 57: the callbacks refused the per-group lists torch's OneCycleLR and CyclicLR (and our drop-ins)
    # take; the oracle is torch's own scheduler on the same param groups
    base, top = [0.8, 0.85], [0.9, 0.99]
    model = Tiny(groups=2, optim=lambda m: torch.optim.SGD(m.param_groups(), lr=0.1, momentum=0.9))
    if preset == "one_cycle":
        cb: Any = OneCycle(max_lr=[0.5, 0.05], base_momentum=base, max_momentum=top)

        def torchs(opt: Any) -> Any:
            return torch.optim.lr_scheduler.OneCycleLR(
                opt, max_lr=[0.5, 0.05], total_steps=N, base_momentum=base, max_momentum=top
            )
    else:
        cb = Cyclic(
            base_lr=[0.01, 0.001], max_lr=[0.2, 0.02], step_size=5, base_momentum=base, max_momentum=top
        )

        def torchs(opt: Any) -> Any:
            return torch.optim.lr_scheduler.CyclicLR(
                opt, [0.01, 0.001], [0.2, 0.02], step_size_up=5, base_momentum=base, max_momentum=top
            )

    base[0] = 0.0  # the callback keeps the values it was given, not the caller's list
    rec = fit(tmp_path, model, [cb])
    base[0] = 0.8
    reference = torch.optim.SGD(Tiny(groups=2).param_groups(), lr=0.1, momentum=0.9)
    scheduler = torchs(reference)
    expected = []
    for _ in range(N):
        expected.append([g["momentum"] for g in reference.param_groups])
        reference.step()
        scheduler.step()
    for i in range(2):
        assert_trace(rec.momentum(i), [row[i] for row in expected])
    assert len({round(m, 6) for m in rec.momentum(1)}) > 2  # the second group's own bounds, moving


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        (dict(base_momentum=[0.8, 1.2]), r"base_momentum\[1\] must be in \[0, 1\), got 1.2"),
        (
            dict(base_momentum=[0.8, 0.85], max_momentum=[0.9]),
            r"max_momentum must be a list as long as base_momentum \(2 values\)",
        ),
        (dict(base_momentum=[0.8, 0.97]), r"base_momentum\[1\] must be <= max_momentum \(0.95\), got 0.97"),
        (dict(base_momentum=[]), r"base_momentum must be a non-empty list"),
        (dict(base_momentum=[0.8], max_momentum=[0.9, 0.95]), r"as long as base_momentum \(1 value\)"),
        (dict(base_momentum=np.array([0.8, 1.2])), r"base_momentum\[1\] must be in \[0, 1\), got 1.2"),
        # review 63: a wrong type was told "a number", though lists are taken
        (dict(base_momentum="0.8"), r"base_momentum must be a number in \[0, 1\) or a list of them, one per"),
    ],
)
def test_momentum_lists_are_checked_per_group(kwargs, says) -> None:
    for preset in (OneCycle, Cyclic):
        with pytest.raises((ValueError, TypeError), match=says):
            preset(**kwargs)


def test_a_momentum_array_is_taken_as_a_list() -> None:
    cycle = OneCycle(base_momentum=np.array([0.8, 0.85]), max_momentum=(0.9, 0.95))
    assert cycle.base_momentum == [0.8, 0.85] and cycle.max_momentum == [0.9, 0.95]


def test_a_momentum_list_of_another_length_than_the_groups_is_said(tmp_path) -> None:
    with pytest.raises(
        ValueError,
        match=r"OneCycle on optimizer 0 \(SGD\): max_momentum has 3 values but the optimizer has 2 param groups; give one per group or a single number",
    ):
        fit(tmp_path, Tiny(groups=2), [OneCycle(max_lr=0.1, max_momentum=[0.95, 0.95, 0.95])])


def test_cyclic_defaults_base_lr_to_a_quarter_of_max_lr(tmp_path) -> None:
    cb = Cyclic(
        step_size=5, step_size_down=Fraction(0.25), mode="exp_range", gamma=0.99, cycle_momentum=False
    )
    rec = fit(tmp_path, Tiny(lr=0.4), [cb])
    assert_trace(rec.lr(), S.Cyclic(0.1, 0.4, 5, 6, mode="exp_range", gamma=0.99).values(N))
    assert_trace(rec.momentum(), [0.9] * N)  # cycle_momentum=False leaves momentum alone


def scale_half(x: float) -> float:
    return 0.5**x


def test_cyclic_custom_scale_fn(tmp_path) -> None:
    cb = Cyclic(0.01, 0.1, step_size=3, scale_fn=scale_half, scale_mode="iterations")
    rec = fit(tmp_path, Tiny(), [cb])
    assert_trace(rec.lr(), S.Cyclic(0.01, 0.1, 3, scale_fn=scale_half, scale_mode="iterations").values(N))


@pytest.mark.parametrize(
    ("callback", "expected"),
    [
        (TimeDecay(decay=0.5, every=Epochs(1)), S.TimeDecay(0.1, 0.5, every=12)),
        (
            TimeDecay(decay=1.0, initial=0.2, every=4, staircase=True),
            S.TimeDecay(0.2, 1.0, every=4, staircase=True),
        ),
        (StepDecay(every=Epochs(0.5), drop=0.5), S.StepDecay(0.1, every=6, drop=0.5)),
        (
            MultiStepDecay(milestones=[5, Epochs(1), Fraction(0.75)], gamma=0.5),
            S.MultiStepDecay(0.1, [5, 12, 18], gamma=0.5),
        ),
        (ExponentialDecay(gamma=0.5, every=Epochs(1)), S.ExponentialDecay(0.1, gamma=0.5, every=12)),
        (
            ExponentialDecay(rate=0.1, staircase=True, every=2),
            S.ExponentialDecay(0.1, rate=0.1, every=2, staircase=True),
        ),
        (CosineDecay(final=0.001), S.CosineDecay(0.1, total=N, final=0.001)),
        (CosineDecay(total=Fraction(0.5), initial=0.05), S.CosineDecay(0.05, total=12)),
        (PolynomialDecay(), S.PolynomialDecay(0.1, total=N)),
        (PolynomialDecay(power=2.0, final=0.001), S.PolynomialDecay(0.1, total=N, power=2.0, final=0.001)),
        (PolynomialDecay(total=Fraction(0.5), initial=0.05), S.PolynomialDecay(0.05, total=12)),
    ],
    ids=lambda x: repr(x) if not isinstance(x, S.Schedule) else "",
)
def test_decay_presets(tmp_path, callback, expected) -> None:
    rec = fit(tmp_path, Tiny(), [callback])
    assert_trace(rec.lr(), expected.values(N))
    assert_trace(rec.momentum(), [0.9] * N)  # decays leave momentum alone


def test_warmup_then_decay_counts_positions_from_the_start_and_periods_after_the_warmup(tmp_path) -> None:
    rec = fit(tmp_path, Tiny(), [CosineDecay(warmup=Fraction(0.25), final=0.01)])
    assert_trace(rec.lr(), S.warmup(S.CosineDecay(0.1, total=18, final=0.01), steps=6).values(N))
    rec = fit(tmp_path, Tiny(), [StepDecay(every=4, warmup=Epochs(0.5))])
    assert_trace(rec.lr(), S.warmup(S.StepDecay(0.1, every=4), steps=6).values(N))
    rec = fit(tmp_path, Tiny(), [MultiStepDecay([Epochs(1)], warmup=4)])
    assert_trace(rec.lr(), S.warmup(S.MultiStepDecay(0.1, [8]), steps=4).values(N))


def test_a_growing_step_decay_warns_once_however_many_groups_and_fits(tmp_path) -> None:
    # review 101: the schedule of each param group said it again (twice on two groups, more over rebuilds)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        callback = StepDecay(every=4, drop=1.5)
        rec = fit(tmp_path, Tiny(groups=2), [callback])
        fit(tmp_path, Tiny(groups=2), [callback])
    said = [str(w.message) for w in caught if "> 1 makes" in str(w.message)]
    assert said == ["StepDecay: drop=1.5 > 1 makes the LR grow 1.5x every 4 steps; a decay needs drop < 1"]
    assert_trace(rec.lr(1), S.StepDecay(0.01, every=4, drop=1.5).values(N))  # it still grows
    with pytest.warns(UserWarning, match=r"drop=2 > 1 makes the LR grow 2x every Epochs\(1\);"):
        StepDecay(every=Epochs(1), drop=2.0)


def test_a_growing_multi_step_decay_warns_once_however_many_groups_and_fits(tmp_path) -> None:
    # before: MultiStepDecay(gamma=2) grew without a word, where StepDecay(drop=2) warned
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        callback = MultiStepDecay([4, Epochs(1)], gamma=2.0)
        rec = fit(tmp_path, Tiny(groups=2), [callback])
        fit(tmp_path, Tiny(groups=2), [callback])
    said = [(w.category, str(w.message)) for w in caught if "> 1 makes" in str(w.message)]
    grow = "MultiStepDecay: gamma=2 > 1 makes the LR grow 2x at each milestone; a decay needs gamma < 1"
    assert said == [(S.GrowthWarning, grow)]
    assert_trace(rec.lr(1), S.MultiStepDecay(0.01, [4, 12], gamma=2.0).values(N))  # it still grows


@pytest.mark.parametrize(
    ("kwargs", "said"),
    [(dict(gamma=1.5), "gamma=1.5 > 1 makes the LR grow 1.5x every step; a decay needs gamma < 1"),
     (dict(rate=-0.5, every=Epochs(1)), "rate=-0.5 < 0 makes the LR grow 1.65x every Epochs(1); a decay needs rate > 0")],
)  # fmt: skip
def test_a_growing_exponential_decay_callback_warns(tmp_path, kwargs: dict, said: str) -> None:
    # review 108: ExponentialDecay(gamma=1.5) ended a 16-step fit at LR 65.7, from 0.1, without a word
    with pytest.warns(S.GrowthWarning, match=re.escape(f"ExponentialDecay: {said}")):
        callback = ExponentialDecay(**kwargs)
    rec = fit(tmp_path, Tiny(), [callback])
    assert rec.lr()[-1] > rec.lr()[0]  # it still grows
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ExponentialDecay(gamma=0.5), ExponentialDecay(rate=0.5)  # (gamma=1 or rate=0: a constant, said below)


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda: StepDecay(every=4, drop=1.0), "StepDecay: drop=1 keeps the LR constant"),
        (lambda: MultiStepDecay([4], gamma=1.0), "MultiStepDecay: gamma=1 keeps the LR constant"),
        (lambda: ExponentialDecay(gamma=1.0), "ExponentialDecay: gamma=1 keeps the LR constant"),
        (lambda: ExponentialDecay(rate=0.0), "ExponentialDecay: rate=0 keeps the LR constant"),
        (lambda: TimeDecay(decay=0.0), "TimeDecay: decay=0 keeps the LR constant"),
        (
            lambda: Cyclic(base_lr=0.01, max_lr=0.01),
            "Cyclic: base_lr = max_lr = 0.01: the cycle has no amplitude",
        ),
        (
            lambda: OneCycle(max_lr=0.1, final_div_factor=0.5),
            "OneCycle: final_div_factor=0.5 < 1 ends the anneal at max_lr / 12.5, 2x above where the cycle starts",
        ),
    ],
)
def test_a_schedule_callback_that_cannot_decay_or_cycle_says_so_once(tmp_path, make: Any, said: str) -> None:
    # r195: these were taken without a word (drop=1.5 was said to grow; drop=1 was not said to stay put)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        callback = make()
        rec = fit(tmp_path, Tiny(), [callback])
    assert [str(w.message) for w in caught if str(w.message).startswith(said)] != []
    assert (
        len([w for w in caught if said.split(":")[0] + ":" in str(w.message)]) == 1
    )  # once, at construction
    if not isinstance(callback, OneCycle):
        assert np.ptp(rec.lr()) == 0.0  # what it said: the LR never moved


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (  # review 122: warned, then the LR rose for the whole run and never decayed
            lambda: CosineDecay(warmup=30),
            "CosineDecay on optimizer 0 (SGD): warmup must be < total = 24 steps in this run (the warm-up is part "
            "of the decay, which would have no step left), got 30; give a shorter warmup (e.g. "
            "warmup=Fraction(0.05), the first 5% of the run) or a longer run (total is the whole run); given as "
            "total=Fraction(1.0) (24 optimizer steps)",
        ),
        (  # the README's warmup=Epochs(1) tried on a one-epoch run: here 2 epochs of 2
            lambda: PolynomialDecay(warmup=Epochs(2), final=1e-5),
            "PolynomialDecay on optimizer 0 (SGD): warmup must be < total = 24 steps in this run (the warm-up is "
            "part of the decay, which would have no step left), got 24; give a shorter warmup (e.g. "
            "warmup=Fraction(0.05), the first 5% of the run) or a longer run (total is the whole run); given as "
            "warmup=Epochs(2) (24 optimizer steps), total=Fraction(1.0) (24 optimizer steps)",
        ),
        (
            lambda: CosineDecay(total=Fraction(0.25), warmup=10),
            "CosineDecay on optimizer 0 (SGD): warmup must be < total = 6 steps in this run (the warm-up is part "
            "of the decay, which would have no step left), got 10; give a shorter warmup (e.g. "
            "warmup=Fraction(0.05), the first 5% of the run) or a longer total; given as total=Fraction(0.25) (6 "
            "optimizer steps)",
        ),
    ],
)
def test_a_warmup_that_resolves_to_total_or_past_it_is_refused_at_fit_start(
    tmp_path, make, message: str
) -> None:
    # as WarmupStableDecay refuses a warm-up into its cooldown; and no "cut off where the run ends" before it
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
            fit(tmp_path, Tiny(), [make()])
    assert not [str(w.message) for w in caught if "Decay" in str(w.message)]


@pytest.mark.parametrize("cls", [CosineDecay, PolynomialDecay])
@pytest.mark.parametrize(
    ("warmup", "total", "length"),
    [
        (5, 5, "5 steps"),
        (10, 5, "5 steps"),
        (Fraction(0.5), Fraction(0.4), "Fraction(0.4)"),
        (Fraction(1.0), Fraction(1.0), "Fraction(1.0)"),  # (total's default: the whole run)
        (Epochs(1), Epochs(1), "Epochs(1)"),
        (Epochs(2.5), Epochs(2), "Epochs(2)"),
    ],
)
def test_a_warmup_not_shorter_than_total_in_one_unit_is_refused_at_construction(
    cls: type, warmup: Any, total: Any, length: str
) -> None:
    # review 122: only two ints were refused; Fraction(0.5) and Fraction(0.4) trained 3 of 8 steps at LR 0
    message = (
        f"{cls.__name__}: warmup must be < total ({length}: the warm-up is part of the decay, which would have no "
        f"step left; give a shorter warm-up or a longer total), got {warmup!r}"
    )
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        cls(total=total, warmup=warmup)
    (
        cls(total=5, warmup=4),
        cls(total=Fraction(0.5), warmup=Fraction(0.4)),
        cls(warmup=Epochs(1), total=Epochs(2)),
    )
    cls(total=Fraction(0.25), warmup=Epochs(1))  # two units: the run tells, at fit start


def test_a_warmup_shorter_than_total_that_rounds_to_it_gives_the_step_back(tmp_path) -> None:
    # 0.45 and 0.5 of 10 steps are 4.5 and 5, both 5 once rounded: the warm-up takes 4, as WarmupStableDecay's
    rec = fit(tmp_path, Tiny(n=40), [CosineDecay(warmup=Fraction(0.45), total=Fraction(0.5))], max_epochs=1)
    assert_trace(rec.lr(), S.warmup(S.CosineDecay(0.1, total=1), steps=4).values(10))


def test_milestone_inside_the_warmup_takes_effect_when_it_ends(tmp_path) -> None:
    with pytest.warns(
        UserWarning, match=r"milestones\[0\]=2 \(step 2\) falls inside the warm-up \(6 steps\)"
    ):
        rec = fit(tmp_path, Tiny(), [MultiStepDecay([2, 10], warmup=6)])
    assert_trace(rec.lr(), S.warmup(S.MultiStepDecay(0.1, [0, 4]), steps=6).values(N))


@pytest.mark.parametrize("milestones", [[Epochs(1), 3], [13, Epochs(1)], [Fraction(0.9), Epochs(1), 3]])
def test_milestones_of_mixed_kinds_are_taken_in_the_order_they_fall_in_the_run(tmp_path, milestones) -> None:
    # review 134: the README's [Epochs(30), Fraction(0.9)] stopped every run shorter than 34 epochs, "milestones
    # must be non-decreasing": the order of mixed kinds depends on the run's length, and one gamma at each
    # milestone means the same in any order (an Epochs here is 12 steps, the run 24)
    steps = sorted({Epochs(1): 12, Fraction(0.9): 22}.get(m, m) for m in milestones)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        rec = fit(tmp_path, Tiny(), [MultiStepDecay(milestones)])
    assert not [w for w in seen if "milestones" in str(w.message)]
    assert_trace(rec.lr(), S.MultiStepDecay(0.1, steps).values(N))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: WarmupStableDecay(total=Epochs(1), warmup=Epochs(1)),
            "WarmupStableDecay on optimizer 0 (SGD): warmup must be <= total - decay steps = 12 - 5 = 7 (the warm-up "
            "must end before the cooldown starts), got 12; given as total=Epochs(1) (12 optimizer steps), "
            "warmup=Epochs(1) (12 optimizer steps), decay=Fraction(0.2) (5 optimizer steps)",
        ),
        (  # review 122: "(1 optimizer steps)"
            lambda: WarmupStableDecay(total=Epochs(1), warmup=Epochs(1), decay=Fraction(0.04)),
            "WarmupStableDecay on optimizer 0 (SGD): warmup must be <= total - decay steps = 12 - 1 = 11 (the warm-up "
            "must end before the cooldown starts), got 12; given as total=Epochs(1) (12 optimizer steps), "
            "warmup=Epochs(1) (12 optimizer steps), decay=Fraction(0.04) (1 optimizer step)",
        ),
        (  # only the durations given as Epochs or Fraction: an int is the steps it names
            lambda: WarmupStableDecay(total=12, warmup=10),
            "WarmupStableDecay on optimizer 0 (SGD): warmup must be <= total - decay steps = 12 - 5 = 7 (the warm-up "
            "must end before the cooldown starts), got 10; given as decay=Fraction(0.2) (5 optimizer steps)",
        ),
    ],
)
def test_a_fit_time_error_shows_a_duration_as_given_beside_its_steps(tmp_path, make, message: str) -> None:
    # review 117: the schedule saw only the steps, so the error quoted a 12 the user never wrote
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        fit(tmp_path, Tiny(), [make()])


# --- per-param-group LRs (discriminative fine-tuning) -----------------------------------------------


def test_one_number_keeps_each_groups_ratio(tmp_path) -> None:
    rec = fit(tmp_path, Tiny(groups=2, lr=0.1, ratio=0.1), [OneCycle(max_lr=1.0)])
    assert_trace(rec.lr(0), S.OneCycle(1.0, total_steps=N).values(N))
    assert_trace(rec.lr(1), S.OneCycle(0.1, total_steps=N).values(N))
    assert_trace(rec.momentum(1), S.OneCycle(0.1, total_steps=N).momentum().values(N))


def test_none_takes_each_groups_own_lr(tmp_path) -> None:
    rec = fit(tmp_path, Tiny(groups=2, lr=0.2, ratio=0.25), [CosineDecay(final=0.01)])
    assert_trace(rec.lr(0), S.CosineDecay(0.2, total=N, final=0.01).values(N))
    assert_trace(rec.lr(1), S.CosineDecay(0.05, total=N, final=0.0025).values(N))


def test_an_explicit_list_per_group_and_none_leaves_a_group_alone(tmp_path) -> None:
    rec = fit(tmp_path, Tiny(groups=2, lr=0.1, ratio=0.5), [OneCycle(max_lr=[None, 0.3])])
    assert_trace(rec.lr(0), [0.1] * N)
    assert_trace(rec.momentum(0), [0.9] * N)
    assert_trace(rec.lr(1), S.OneCycle(0.3, total_steps=N).values(N))
    rec = fit(tmp_path, Tiny(groups=2), [Cyclic(base_lr=[0.001, 0.01], max_lr=[0.01, 0.1], step_size=4)])
    assert_trace(rec.lr(0), S.Cyclic(0.001, 0.01, 4).values(N))
    assert_trace(rec.lr(1), S.Cyclic(0.01, 0.1, 4).values(N))


@pytest.mark.parametrize(
    "make",
    [lambda: OneCycle(max_lr=[None, None]), lambda: Cyclic(base_lr=[None, None], max_lr=[None, None])],
    ids=["one-cycle", "cyclic"],
)
def test_a_list_that_leaves_every_group_alone_is_an_error(tmp_path, make) -> None:
    # before: accepted, and the fit ran at the optimizer's constant LR and momentum without a word
    callback = make()
    with pytest.raises(
        ValueError,
        match=rf"{re.escape(repr(callback))} leaves every param group of optimizer 0 \(SGD\) alone, so it "
        rf"would schedule nothing",
    ):
        fit(tmp_path, Tiny(groups=2), [callback])


def test_a_list_of_the_wrong_length_is_an_error(tmp_path) -> None:
    with pytest.raises(
        ValueError,
        match=r"OneCycle on optimizer 0 \(SGD\): max_lr has 3 values but optimizer 0 \(SGD\) has 2 param groups",
    ):
        fit(tmp_path, Tiny(groups=2), [OneCycle(max_lr=[0.1, 0.2, 0.3])])


@pytest.mark.parametrize(
    "callback",
    [
        OneCycle(max_lr=0.5),
        OneCycle(),
        CosineDecay(),
        CosineDecay(initial=0.1, warmup=4),
        Cyclic(step_size=4),
        WarmupStableDecay(warmup=4),
        InverseSqrt(warmup=4),
        ReduceOnPlateau("train_loss"),
    ],
    ids=lambda c: repr(c),
)
def test_a_group_at_lr_zero_is_left_at_zero_and_said(tmp_path, callback, caplog) -> None:
    # review 42: a frozen group (lr=0) was refused by every preset ("initial for param group 1 is 0"), and
    # OneCycle() said "max_lr must be > 0, got 0.0" of a max_lr never given; its ratio to the others is 0
    with caplog.at_level(logging.INFO):
        rec = fit(tmp_path, _LogsLoss(groups=2, ratio=0.0), [callback])
    assert_trace(rec.lr(1), [0.0] * N)
    assert len(set(rec.lr(0))) > 1 or isinstance(callback, ReduceOnPlateau)
    said = [r.getMessage() for r in caplog.records if "(frozen)" in r.getMessage()]
    assert said == [
        f"{type(callback).__name__}: param group(s) [1] of optimizer 0 (SGD) have lr=0 (frozen), so they are left at "
        f"0; give {said[0].split('give ')[1].split(' ')[0]} as a list with a value for them to schedule them"
    ]


def test_one_number_for_groups_at_different_lrs_says_what_each_group_gets(tmp_path, caplog) -> None:
    # torch's OneCycleLR(max_lr=0.5) gives every group 0.5; ours keeps the groups' ratio, which a user who moved
    # from torch read as a wrong LR on the second group until they found it in the docs
    with caplog.at_level(logging.INFO):
        rec = fit(tmp_path, Tiny(groups=2, ratio=0.1), [OneCycle(max_lr=0.5)])
    assert_trace(np.asarray(rec.lr(1)), np.asarray(rec.lr(0)) * 0.1)  # the ratio kept at every step
    assert 0.45 < max(rec.lr(0)) <= 0.5
    said = [r.getMessage() for r in caplog.records if "keep their ratio" in r.getMessage()]
    assert said == [
        "OneCycle: max_lr=0.5 is the value of param group 0 of optimizer 0 (SGD), the one with the largest LR; the "
        "other groups keep their ratio to it (group 0: 0.5, group 1: 0.05), where torch's OneCycleLR and CyclicLR "
        "give every group max_lr, and so does any other LR argument given as one number. Give max_lr as a list for "
        "a value per group"
    ]


def test_the_ratio_line_names_torch_only_for_a_peak_given_and_says_a_range_test_filled_it(
    tmp_path, caplog
) -> None:
    # review 126: CosineDecay(initial=...) was compared with torch's schedulers, which take no initial LR, and a
    # value the range test filled was said as if given
    with caplog.at_level(logging.INFO):
        fit(tmp_path, Tiny(groups=2, ratio=0.1), [CosineDecay(initial=0.05)])
    (said,) = [r.getMessage() for r in caplog.records if "keep their ratio" in r.getMessage()]
    assert said.startswith("CosineDecay: initial=0.05 is the value of param group 0") and "torch" not in said
    caplog.clear()
    torch.manual_seed(0)
    test = LRRangeTest(num_steps=20, confirm=False)
    with caplog.at_level(logging.INFO):
        fit(tmp_path / "tested", Tiny(groups=2, ratio=0.1), [test, OneCycle()])
    assert test.result is not None
    peak = test.result.one_cycle_max_lr()
    assert peak is not None
    (said,) = [r.getMessage() for r in caplog.records if "keep their ratio" in r.getMessage()]
    assert said.startswith(
        f"OneCycle: max_lr={peak:g}, from the LR range test, is the value of param group 0"
    )
    assert "torch" not in said


@pytest.mark.parametrize(
    "callback, torch_does",
    [
        (CosineDecay(final=1e-3), ", where torch's CosineAnnealingLR gives every group its eta_min"),
        (PolynomialDecay(final=1e-3), ""),
        (WarmupStableDecay(warmup=1, final=1e-3), ""),
        (Cyclic(base_lr=1e-3, step_size=2), ", where torch's CyclicLR gives every group base_lr"),
    ],
    ids=lambda v: repr(v),
)
def test_every_lr_argument_given_as_one_number_says_what_each_group_gets(
    tmp_path, caplog, callback, torch_does
) -> None:
    # review 133: final= and Cyclic's base_lr= were scaled by each group's ratio without a word (torch's
    # CosineAnnealingLR(eta_min=x) and CyclicLR(base_lr=x) give every group x), where max_lr, initial and peak
    # given as one number said it
    arg = "final" if hasattr(callback, "final") else "base_lr"
    with caplog.at_level(logging.INFO):
        fit(tmp_path, Tiny(groups=2, ratio=0.1), [callback])
    said = [r.getMessage() for r in caplog.records if "keep their ratio" in r.getMessage()]
    assert said == [
        f"{callback.name}: {arg}=0.001 is the value of param group 0 of optimizer 0 (SGD), the one with the largest "
        f"LR; the other groups keep their ratio to it (group 0: 0.001, group 1: 0.0001){torch_does}, and so does "
        f"any other LR argument given as one number. Give {arg} as a list for a value per group"
    ]


def test_several_lr_arguments_given_as_one_number_are_said_in_one_line(tmp_path, caplog) -> None:
    with caplog.at_level(logging.INFO):
        fit(tmp_path, Tiny(groups=2, ratio=0.1), [CosineDecay(initial=0.2, final=1e-3)])
    said = [r.getMessage() for r in caplog.records if "keep their ratio" in r.getMessage()]
    assert said == [
        "CosineDecay: initial=0.2 and final=0.001 are the values of param group 0 of optimizer 0 (SGD), the one "
        "with the largest LR; the other groups keep their ratio to it (initial: group 0: 0.2, group 1: 0.02; "
        "final: group 0: 0.001, group 1: 0.0001), where torch's CosineAnnealingLR gives every group its eta_min, "
        "and so does any other LR argument given as one number. Give initial and final as lists for values per "
        "group"
    ]


@pytest.mark.parametrize(
    "callback, groups, ratio",
    [
        (OneCycle(max_lr=0.5), 1, 0.1),  # one group
        (OneCycle(max_lr=0.5), 2, 1.0),  # groups at one LR: the number is every group's
        (OneCycle(max_lr=[0.5, 0.05]), 2, 0.1),  # a list says each
        (OneCycle(), 2, 0.1),  # no number given: each group peaks at its own LR
        (OneCycle(max_lr=0.5), 2, 0.0),  # a frozen group is said of by its own line
    ],
    ids=lambda v: repr(v),
)
def test_no_ratio_line_where_the_number_is_what_each_group_gets(
    tmp_path, caplog, callback, groups, ratio
) -> None:
    with caplog.at_level(logging.INFO):
        fit(tmp_path, Tiny(groups=groups, ratio=ratio), [callback])
    assert not [r for r in caplog.records if "keep their ratio" in r.getMessage()]


class _LogsLoss(Tiny):
    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        loss = super().training_step(batch, batch_idx)
        self.log("train_loss", loss)
        return loss


def test_a_group_at_lr_zero_given_a_value_in_a_list_is_scheduled_and_every_group_at_zero_is_an_error(
    tmp_path,
) -> None:
    rec = fit(tmp_path, Tiny(groups=2, ratio=0.0), [CosineDecay(initial=[0.1, 0.05])])
    assert rec.lr(1)[0] == pytest.approx(0.05)
    with pytest.raises(ValueError, match=r"^CosineDecay: initial\[1\] must be a finite number > 0, got 0.0$"):
        CosineDecay(initial=[0.1, 0.0])
    with pytest.raises(
        ValueError, match=r"OneCycle on optimizer 0 \(SGD\): max_lr is scaled by each param group's LR"
    ):
        fit(tmp_path, Tiny(groups=2, lr=0.0), [OneCycle()])


def test_cyclic_bounds_per_group_must_be_ordered(tmp_path) -> None:
    with pytest.raises(
        ValueError, match=r"Cyclic on optimizer 0 \(SGD\): param group 0: base_lr must be <= max_lr"
    ):
        fit(tmp_path, Tiny(lr=0.01), [Cyclic(base_lr=0.05)])
    with pytest.raises(ValueError, match=r"base_lr\[1\] is None but max_lr for param group 1 is 0.01"):
        fit(tmp_path, Tiny(groups=2), [Cyclic(base_lr=[0.001, None])])


# --- momentum ------------------------------------------------------------------------------------------


def adagrad(model):
    return torch.optim.Adagrad(model.parameters(), lr=0.1)


def test_cycling_momentum_on_an_optimizer_without_it_is_an_error_when_asked(tmp_path) -> None:
    with pytest.raises(
        ValueError, match=r"OneCycle\(cycle_momentum=True\): optimizer 0 \(Adagrad\) has neither"
    ):
        fit(tmp_path, Tiny(optim=adagrad), [OneCycle(cycle_momentum=True)])
    with pytest.raises(ValueError, match=r"Cyclic\(cycle_momentum=True\): optimizer 0 \(Adagrad\)"):
        fit(tmp_path, Tiny(optim=adagrad), [Cyclic(step_size=3, cycle_momentum=True)])


def test_cycling_momentum_by_default_warns_once_and_cycles_the_lr(tmp_path) -> None:
    cb = OneCycle()
    with pytest.warns(
        UserWarning, match=r"OneCycle: optimizer 0 \(Adagrad\) has neither 'momentum' nor 'betas'"
    ) as w:
        rec = fit(tmp_path, Tiny(optim=adagrad), [cb])
    assert sum("neither 'momentum'" in str(x.message) for x in w) == 1
    assert_trace(rec.lr(), S.OneCycle(0.1, total_steps=N).values(N))
    assert all(m is None for m in rec.momentum())
    rec = fit(tmp_path, Tiny(optim=adagrad), [OneCycle(cycle_momentum=False)])  # no warning needed
    assert_trace(rec.lr(), S.OneCycle(0.1, total_steps=N).values(N))


def test_rmsprop_and_nadam_momentum_are_cycled(tmp_path) -> None:
    def rmsprop(model):
        return torch.optim.RMSprop(model.parameters(), lr=0.01, momentum=0.5)

    def nadam(model):
        return torch.optim.NAdam(model.parameters(), lr=0.01)

    for optim in (rmsprop, nadam):
        rec = fit(tmp_path, Tiny(optim=optim), [OneCycle(base_momentum=0.7, max_momentum=0.9)])
        assert_trace(rec.momentum(), S.OneCycle(0.01, total_steps=N).momentum(0.7, 0.9).values(N))


# --- LRSchedule ---------------------------------------------------------------------------------------


def test_lr_schedule_with_schedules_per_group_and_momentum(tmp_path) -> None:
    lr = [S.Constant(0.05), S.CosineDecay(0.02, total=10)]
    momentum = S.Linear(0.99, 0.9, total=10)
    rec = fit(tmp_path, Tiny(groups=2), [LRSchedule(lr, momentum=momentum)])
    assert_trace(rec.lr(0), [0.05] * N)
    assert_trace(rec.lr(1), S.CosineDecay(0.02, total=10).values(N))
    assert_trace(rec.momentum(1), momentum.values(N))


def test_lr_schedule_relative_keeps_ratios(tmp_path) -> None:
    shape = S.CosineDecay(1.0, total=N)
    rec = fit(tmp_path, Tiny(groups=2, lr=0.2, ratio=0.1), [LRSchedule(shape, relative=True)])
    assert_trace(rec.lr(0), 0.2 * shape.values(N))
    assert_trace(rec.lr(1), 0.2 * 0.1 * shape.values(N))


def test_lr_schedule_leaves_a_group_at_lr_zero_at_zero_as_the_presets_do(tmp_path, caplog) -> None:
    # review 101: one absolute schedule set every group to its values, so a frozen group (lr=0) trained,
    # unsaid, where the presets leave it at 0 with an info line
    schedule = S.CosineDecay(0.1, total=N)
    with caplog.at_level(logging.INFO), warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        rec = fit(tmp_path, Tiny(groups=2, ratio=0.0), [LRSchedule(schedule)])
    assert [str(x.message) for x in w if "LRSchedule" in str(x.message)] == []  # one group trained: no ratio
    assert_trace(rec.lr(1), [0.0] * N)
    assert_trace(rec.lr(0), schedule.values(N))
    said = [r.getMessage() for r in caplog.records if "(frozen)" in r.getMessage()]
    assert said == [
        "LRSchedule: param group(s) [1] of optimizer 0 (SGD) have lr=0 (frozen), so they are left at 0; give lr "
        "as a list with a schedule for them to schedule them"
    ]
    # a list gives the frozen group a schedule; a function of the run is treated as the schedule it returns
    rec = fit(tmp_path, Tiny(groups=2, ratio=0.0), [LRSchedule([schedule, schedule])])
    assert_trace(rec.lr(1), schedule.values(N))
    rec = fit(tmp_path, Tiny(groups=2, ratio=0.0), [LRSchedule(warmup_one_epoch_then_cosine)])
    assert_trace(rec.lr(1), [0.0] * N)
    # every group at lr=0 (an optimizer built with lr=0 for the schedule to set): the schedule gives them all
    # their LR, as it does a single group
    rec = fit(tmp_path, Tiny(groups=2, lr=0.0), [LRSchedule(schedule)])
    assert_trace(rec.lr(1), schedule.values(N))
    rec = fit(tmp_path, Tiny(lr=0.0), [LRSchedule(schedule)])
    assert_trace(rec.lr(0), schedule.values(N))


def test_lr_schedule_says_groups_at_different_lrs_all_get_one_absolute_schedule(tmp_path) -> None:
    # review 101: a 0.1 : 0.01 ratio was flattened to the schedule's values without a word
    schedule = S.CosineDecay(0.1, total=N)
    with pytest.warns(UserWarning, match=r"is one absolute schedule") as w:
        rec = fit(tmp_path, Tiny(groups=2, lr=0.1, ratio=0.1), [LRSchedule(schedule)])
    assert_trace(rec.lr(0), schedule.values(N))
    assert_trace(rec.lr(1), schedule.values(N))  # the documented meaning: every group gets its values
    said = [str(x.message) for x in w if "absolute schedule" in str(x.message)]
    assert said == [
        "LRSchedule: lr=CosineDecay(initial=0.1, total=24, final=0) is one absolute schedule, so param groups "
        "[0, 1] of optimizer 0 (SGD), configured at different LRs (0.1, 0.01), all get its values and their "
        "ratios are not kept. To keep them, pass relative=True with the schedule as a factor of each group's LR "
        "(e.g. CosineDecay(1.0, total=...)), or give lr as a list with one schedule per group; a list with this "
        "schedule for every group gives them all its values without this warning."
    ]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")  # what it says to do is not warned about
        fit(tmp_path, Tiny(groups=2, lr=0.1, ratio=0.1), [LRSchedule([schedule, schedule])])
        fit(
            tmp_path,
            Tiny(groups=2, lr=0.1, ratio=0.1),
            [LRSchedule(S.CosineDecay(1.0, total=N), relative=True)],
        )
        fit(tmp_path, Tiny(groups=2, lr=0.1, ratio=1.0), [LRSchedule(schedule)])  # same LRs: nothing to keep
    assert [str(x.message) for x in w if "LRSchedule" in str(x.message)] == []


def warmup_one_epoch_then_cosine(run: RunInfo) -> S.Schedule:
    w = run.steps(Epochs(1))
    assert run.total_steps is not None
    return S.warmup(S.CosineDecay(0.1, total=run.total_steps - w), steps=w)


def test_lr_schedule_from_a_function_of_the_run(tmp_path) -> None:
    rec = fit(tmp_path, Tiny(), [LRSchedule(warmup_one_epoch_then_cosine)])
    assert_trace(rec.lr(), S.warmup(S.CosineDecay(0.1, total=12), steps=12).values(N))


def not_a_schedule(run: RunInfo) -> float:
    return 0.1


def test_lr_schedule_errors(tmp_path) -> None:
    with pytest.raises(
        TypeError, match=r"the lr function not_a_schedule returned 0.1; it must return a Schedule"
    ):
        fit(tmp_path, Tiny(), [LRSchedule(not_a_schedule)])
    with pytest.raises(
        ValueError, match=r"LRSchedule on optimizer 0 \(SGD\): lr has 2 schedules but the optimizer has 1"
    ):
        fit(tmp_path, Tiny(), [LRSchedule([S.Constant(0.1), S.Constant(0.2)])])
    with pytest.raises(
        ValueError, match=r"LRSchedule on optimizer 0 \(Adagrad\): a momentum schedule was given"
    ):
        fit(tmp_path, Tiny(optim=adagrad), [LRSchedule(S.Constant(0.1), momentum=S.Constant(0.9))])


# --- construction-time validation ---------------------------------------------------------------


def test_a_subclass_that_takes_any_keyword_reads_the_hinted_names_itself() -> None:
    # review 79: a user's subclass whose __init__(**kwargs) reads logging_interval was refused with the hint
    class Mine(OneCycle):
        def __init__(self, **kwargs: Any) -> None:
            self.interval = kwargs.pop("logging_interval", "step")
            super().__init__(**kwargs)

    assert Mine(max_lr=0.1, logging_interval="epoch").interval == "epoch"
    with pytest.raises(
        TypeError, match=r"^OneCycle\(\) got an unexpected keyword argument 'log_momentum': pass"
    ):
        Mine(max_lr=0.1, log_momentum=True)  # (passed on to OneCycle, which says what to do)


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (
            lambda: OneCycle(max_lr=-0.1),
            ValueError,
            r"OneCycle: max_lr must be a finite number > 0, got -0.1",
        ),
        (lambda: OneCycle(max_lr=0), ValueError, r"OneCycle: max_lr must be a finite number > 0, got 0"),
        (
            lambda: OneCycle(max_lr="1e-3"),
            TypeError,
            r"OneCycle: max_lr must be a number > 0, a list .*got '1e-3'",
        ),
        (
            lambda: OneCycle(max_lr=[]),
            ValueError,
            r"OneCycle: max_lr must be a number > 0 or a non-empty list .*got \[\]",
        ),
        (
            lambda: OneCycle(max_lr=[0.1, math.nan]),
            ValueError,
            r"max_lr\[1\] must be a finite number > 0, got nan",
        ),
        (lambda: OneCycle(pct_start=1.5), ValueError, r"OneCycle: pct_start must be in \[0, 1\], got 1.5"),
        (
            lambda: OneCycle(total=2**60),
            ValueError,
            r"OneCycle: total must be an int >= 2 \(optimizer steps\), Epochs\(n\) or Fraction\(f\), at most 2\*\*53",
        ),
        (
            lambda: OneCycle(anneal="cosine"),
            ValueError,
            r"OneCycle: anneal must be one of 'cos', 'linear', got 'cosine'",
        ),
        (lambda: OneCycle(div_factor=0), ValueError, r"OneCycle: div_factor must be > 0, got 0"),
        (
            lambda: OneCycle(0.1, moms=(0.95, 0.85, 0.95)),
            TypeError,
            r"^OneCycle\(\) got an unexpected keyword argument 'moms': pass max_momentum and base_momentum "
            r"\(fastai's moms=\(0.95, 0.85, 0.95\) is max_momentum=0.95, base_momentum=0.85\)",
        ),
        (
            lambda: OneCycle(0.1, div_final=1e5),
            TypeError,
            r"^OneCycle\(\) got an unexpected keyword argument 'div_final': pass final_div_factor=div_final / "
            r"div_factor \(fastai's div_final divides the peak",
        ),
        (
            lambda: OneCycle(0.1, total_steps=100),
            TypeError,
            r"^OneCycle\(\) got an unexpected keyword argument 'total_steps': pass total=<optimizer steps>",
        ),
        (  # review 77: LearningRateMonitor's names raised Python's bare TypeError, on every callback
            lambda: OneCycle(log_momentum=True),
            TypeError,
            r"^OneCycle\(\) got an unexpected keyword argument 'log_momentum': pass nothing: log_lr=True logs",
        ),
        (
            lambda: LRSchedule(S.Constant(0.1), logging_interval="epoch"),
            TypeError,
            r"^LRSchedule\(\) got an unexpected keyword argument 'logging_interval': pass nothing: the LR",
        ),
        (
            lambda: ReduceOnPlateau(log_weight_decay=True),
            TypeError,
            r"'log_weight_decay': pass nothing: a LearningRateMonitor\(log_weight_decay=True\)",
        ),
        (  # review 78: Keras' names for the schedule TimeDecay's docstring says it is
            lambda: TimeDecay(0.5, decay_steps=100),
            TypeError,
            r"^TimeDecay\(\) got an unexpected keyword argument 'decay_steps': pass every \(Keras' decay_steps",
        ),
        (  # review 67: timm's, transformers' and torch's names with no hint raised Python's bare TypeError
            lambda: CosineDecay(cycle_mul=2),
            TypeError,
            r"^CosineDecay\(\) got an unexpected keyword argument 'cycle_mul': pass LRSchedule\(schedules\."
            r"CosineRestarts\(\.\.\., period_mult=cycle_mul",
        ),
        (
            lambda: CosineDecay(T_max=10),
            TypeError,
            r"'T_max': pass total \(torch's CosineAnnealingLR T_max",
        ),
        (
            lambda: PolynomialDecay(total_iters=5),
            TypeError,
            r"'total_iters': pass total \(torch's PolynomialLR",
        ),
        (
            lambda: StepDecay(every=2, noise_pct=0.1),
            TypeError,
            r"'noise_pct': pass nothing: lightning_lr's schedules add no noise",
        ),
        (
            lambda: WarmupStableDecay(warmup_type="cosine"),
            TypeError,
            r"'warmup_type': pass nothing: the warm-up is linear",
        ),
        (
            lambda: Cyclic(step_size_up=4),
            TypeError,
            r"^Cyclic\(\) got an unexpected keyword argument 'step_size_up': pass step_size \(torch's step_size_up\)",
        ),
        (lambda: OneCycle(three_phase=1), TypeError, r"OneCycle: three_phase must be True or False, got 1"),
        (
            lambda: OneCycle(three_phase=True, pct_start=0.5),
            ValueError,
            r"pct_start must be < 0.5 with three_phase",
        ),
        (
            lambda: OneCycle(cycle_momentum="yes"),
            TypeError,
            r"cycle_momentum must be True or False or None, got 'yes'",
        ),
        (
            lambda: OneCycle(base_momentum=0.99),
            ValueError,
            r"OneCycle: base_momentum must be <= max_momentum",
        ),
        (
            lambda: OneCycle(max_momentum=1.0),
            ValueError,
            r"OneCycle: max_momentum must be in \[0, 1\), got 1.0",
        ),
        (
            lambda: OneCycle(optimizer=-1),
            ValueError,
            r"OneCycle: optimizer must be a non-negative index, got -1",
        ),
        (  # a 0-d tensor is its number, as everywhere (review 146: refused, where np.int64 was taken)
            lambda: OneCycle(optimizer=torch.tensor(-1)),
            ValueError,
            r"OneCycle: optimizer must be a non-negative index, got -1",
        ),
        (
            lambda: OneCycle(optimizer=True),
            TypeError,
            r"OneCycle: optimizer must be 'all', an optimizer index",
        ),
        (
            lambda: OneCycle(optimizer=""),
            ValueError,
            r"OneCycle: optimizer must be 'all' or a class name, got ''",
        ),
        (lambda: OneCycle(log_lr="no"), TypeError, r"OneCycle: log_lr must be True or False, got 'no'"),
        (
            lambda: Cyclic(base_lr=0.5, max_lr=0.1),
            ValueError,
            r"Cyclic: base_lr must be <= max_lr \(0.1\), got 0.5",
        ),
        (
            lambda: Cyclic(mode="tri"),
            ValueError,
            r"Cyclic: mode must be one of 'triangular', 'triangular2', 'exp_range'",
        ),
        (
            lambda: Cyclic(gamma=0.9),
            ValueError,
            r"Cyclic: gamma must be 1 \(the default\) with mode='triangular': only mode='exp_range' uses it, got 0.9",
        ),
        (lambda: Cyclic(scale_fn=3), TypeError, r"Cyclic: scale_fn must be callable, got 3"),
        (  # review 67: a momentum bound that cycle_momentum=False leaves unused was dropped without a word
            lambda: OneCycle(cycle_momentum=False, base_momentum=0.5),
            ValueError,
            r"OneCycle: base_momentum must be 0.85 \(the default\) with cycle_momentum=False: only a cycled "
            r"momentum uses it \(pass cycle_momentum=True or None to cycle it, or leave base_momentum out\), got 0.5",
        ),
        (
            lambda: Cyclic(cycle_momentum=False, max_momentum=[0.9, 0.95]),
            ValueError,
            r"Cyclic: max_momentum must be 0.95 \(the default\) with cycle_momentum=False: .*, got \[0.9, 0.95\]",
        ),
        (lambda: TimeDecay(decay=-1), ValueError, r"TimeDecay: decay must be >= 0, got -1"),
        (lambda: StepDecay(every=3, drop=0), ValueError, r"StepDecay: drop must be > 0, got 0"),
        (
            lambda: MultiStepDecay(milestones=5),
            TypeError,
            r"MultiStepDecay: milestones must be a list of durations",
        ),
        (lambda: MultiStepDecay([1], gamma=-2), ValueError, r"MultiStepDecay: gamma must be > 0, got -2"),
        (
            lambda: ExponentialDecay(),
            ValueError,
            r"ExponentialDecay: gamma must be a number > 0 when rate is None \(give exactly one of gamma and rate\), got None",
        ),
        (lambda: ExponentialDecay(gamma=0.9, rate=0.1), ValueError, r"give exactly one of gamma and rate"),
        (lambda: PolynomialDecay(power=0), ValueError, r"PolynomialDecay: power must be > 0, got 0"),
        (
            lambda: PolynomialDecay(warmup=10, total=10),
            ValueError,
            r"PolynomialDecay: warmup must be < total \(10 steps",
        ),
        (
            lambda: CosineDecay(final=-1.0),
            ValueError,
            r"CosineDecay: final must be a finite number >= 0, got -1.0",
        ),
        (
            lambda: CosineDecay(final=[0.0, None]),
            TypeError,
            r"CosineDecay: final must be a number >= 0 or a list",
        ),
        (
            lambda: CosineDecay(initial=True),
            TypeError,
            r"CosineDecay: initial must be a number > 0, a list .*got True",
        ),
        (lambda: LRSchedule(None), TypeError, r"LRSchedule: lr must be a Schedule, a list .*got None"),
        (lambda: LRSchedule(0.1), TypeError, r"LRSchedule: lr must be a Schedule, .*got 0.1"),
        (
            lambda: LRSchedule([S.Constant(0.1), 0.2]),
            TypeError,
            r"LRSchedule: lr\[1\] must be a Schedule or None",
        ),
        (
            lambda: LRSchedule([]),
            ValueError,
            r"LRSchedule: lr must be a Schedule or a non-empty list .*got \[\]",
        ),
        (lambda: LRSchedule(S.Constant(0.1), relative=None), TypeError, r"relative must be True or False"),
    ],
)
def test_bad_arguments_are_rejected_at_construction(make, error, match) -> None:
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize(
    ("make", "hint"),
    [
        # review 117: a sibling's name for the same argument, or Keras' warmup_steps, got Python's bare TypeError
        (lambda: MultiStepDecay([10], drop=0.1), "'drop': pass gamma (StepDecay's drop)"),
        (lambda: ExponentialDecay(drop=0.9), "'drop': pass gamma (StepDecay's drop"),
        (lambda: CosineDecay(total_steps=100), "'total_steps': pass total (the pure OneCycle's"),
        (lambda: PolynomialDecay(total_steps=100), "'total_steps': pass total (the pure OneCycle's"),
        (lambda: WarmupStableDecay(total_steps=100), "'total_steps': pass total (the pure OneCycle's"),
        (lambda: CosineDecay(warmup_steps=10), "'warmup_steps': pass warmup (Keras'"),
        # review 123: transformers' warmup_ratio got no hint
        (
            lambda: CosineDecay(warmup_ratio=0.1),
            "'warmup_ratio': pass warmup=Fraction(warmup_ratio) (transformers'",
        ),
        (lambda: PolynomialDecay(warmup_steps=10), "'warmup_steps': pass warmup (Keras'"),
        (lambda: WarmupStableDecay(warmup_steps=10), "'warmup_steps': pass warmup (Keras'"),
        (lambda: StepDecay(10, warmup_steps=10), "'warmup_steps': pass warmup (Keras'"),
        (lambda: MultiStepDecay([10], warmup_steps=10), "'warmup_steps': pass warmup (Keras'"),
        (lambda: TimeDecay(0.5, warmup_steps=10), "'warmup_steps': pass warmup (Keras'"),
        (lambda: ExponentialDecay(0.9, warmup_steps=10), "'warmup_steps': pass warmup (Keras'"),
        (lambda: InverseSqrt(warmup_steps=10), "'warmup_steps': pass warmup (Keras'"),
        (lambda: ExponentialDecay(num_warmup_steps=10), "'num_warmup_steps': pass warmup (transformers'"),
        (lambda: ExponentialDecay(decay_rate=0.9), "'decay_rate': pass gamma (Keras' decay_rate)"),
        (lambda: ExponentialDecay(0.9, decay_steps=100), "'decay_steps': pass every (Keras' decay_steps"),
        (lambda: ReduceOnPlateau("loss", verbose=True), "'verbose': pass nothing: every reduction is said"),
        (lambda: ReduceOnPlateau("loss", min_lrs=[0.0]), "'min_lrs': pass min_lr, a number or a list"),
        (lambda: ReduceOnPlateau("loss", min_delta=0.01), "'min_delta': pass threshold (Keras' min_delta"),
    ],
)
def test_a_siblings_or_keras_name_for_an_argument_says_which_is_ours(make, hint: str) -> None:
    with pytest.raises(TypeError, match=r"^\w+\(\) got an unexpected keyword argument " + re.escape(hint)):
        make()


def shrink(x: int) -> float:
    return 1.0 / x


# The presets check the arguments they pass on to a schedule themselves, with the schedule's rules: the same
# bad value gets the same error from both, the preset's prefixed with its name.
SAME_RULES = [
    (lambda: OneCycle(pct_start=-0.1), lambda: S.OneCycle(1.0, 100, pct_start=-0.1)),
    (lambda: OneCycle(anneal="cosine"), lambda: S.OneCycle(1.0, 100, anneal="cosine")),
    (lambda: OneCycle(div_factor=0.5), lambda: S.OneCycle(1.0, 100, div_factor=0.5)),
    (lambda: OneCycle(final_div_factor=0.01), lambda: S.OneCycle(1.0, 100, final_div_factor=0.01)),
    (lambda: OneCycle(final_div_factor=-1), lambda: S.OneCycle(1.0, 100, final_div_factor=-1)),
    (
        lambda: OneCycle(three_phase=True, pct_start=0.5),
        lambda: S.OneCycle(1.0, 100, three_phase=True, pct_start=0.5),
    ),
    (lambda: OneCycle(base_momentum=-0.1), lambda: S.OneCycle(1.0, 100).momentum(base_momentum=-0.1)),
    (lambda: OneCycle(base_momentum=0.99), lambda: S.OneCycle(1.0, 100).momentum(base_momentum=0.99)),
    (lambda: Cyclic(mode="tri"), lambda: S.Cyclic(0.1, 1.0, mode="tri")),
    (lambda: Cyclic(gamma=0.9), lambda: S.Cyclic(0.1, 1.0, gamma=0.9)),
    (lambda: Cyclic(gamma=0), lambda: S.Cyclic(0.1, 1.0, gamma=0)),
    (lambda: Cyclic(mode="exp_range", gamma=1.5), lambda: S.Cyclic(0.1, 1.0, mode="exp_range", gamma=1.5)),
    (lambda: Cyclic(scale_fn=3), lambda: S.Cyclic(0.1, 1.0, scale_fn=3)),  # type: ignore[arg-type]
    (
        lambda: Cyclic(scale_fn=shrink, mode="triangular2"),
        lambda: S.Cyclic(0.1, 1.0, scale_fn=shrink, mode="triangular2"),
    ),
    (
        lambda: Cyclic(scale_fn=shrink, scale_mode="epoch"),
        lambda: S.Cyclic(0.1, 1.0, scale_fn=shrink, scale_mode="epoch"),
    ),
    (lambda: Cyclic(scale_mode="iterations"), lambda: S.Cyclic(0.1, 1.0, scale_mode="iterations")),
    (lambda: Cyclic(max_momentum=1.0), lambda: S.Cyclic(0.1, 1.0).momentum(max_momentum=1.0)),
    (lambda: TimeDecay(decay=-1), lambda: S.TimeDecay(1.0, decay=-1)),
    (lambda: TimeDecay(decay="1"), lambda: S.TimeDecay(1.0, decay="1")),
    (lambda: StepDecay(every=4, drop=0), lambda: S.StepDecay(1.0, every=4, drop=0)),
    (lambda: MultiStepDecay([4], gamma=-2), lambda: S.MultiStepDecay(1.0, [4], gamma=-2)),
    (lambda: ExponentialDecay(), lambda: S.ExponentialDecay(1.0)),
    (lambda: ExponentialDecay(gamma=0.9, rate=0.1), lambda: S.ExponentialDecay(1.0, gamma=0.9, rate=0.1)),
    (lambda: ExponentialDecay(gamma=0), lambda: S.ExponentialDecay(1.0, gamma=0)),
    (lambda: ExponentialDecay(rate=math.inf), lambda: S.ExponentialDecay(1.0, rate=math.inf)),
]


@pytest.mark.parametrize(("preset", "schedule"), SAME_RULES)
def test_presets_check_their_arguments_with_the_rules_of_the_schedules(preset, schedule) -> None:
    with pytest.raises((TypeError, ValueError)) as expected:
        schedule()
    with pytest.raises(expected.type) as got:
        preset()
    owner = str(got.value).split(":")[0]
    assert owner in {"OneCycle", "Cyclic", "TimeDecay", "StepDecay", "MultiStepDecay", "ExponentialDecay"}
    schedule_name, rule = str(expected.value).split(": ", 1)  # the schedule names itself
    assert schedule_name.startswith(owner)  # OneCycle, OneCycleMomentum
    assert str(got.value) == f"{owner}: {rule}"


def test_reprs_show_what_differs_from_the_defaults() -> None:
    assert repr(OneCycle()) == "OneCycle()"
    assert repr(OneCycle(max_lr=[0.01, 0.1], total=Epochs(3), optimizer="Adam")) == (
        "OneCycle(max_lr=[0.01, 0.1], total=Epochs(3), optimizer='Adam')"
    )
    assert repr(CosineDecay(total=Fraction(0.9))) == "CosineDecay(total=Fraction(0.9))"


def test_values_in_numpy_are_accepted() -> None:
    assert OneCycle(max_lr=np.float64(0.1)).max_lr == 0.1
    assert StepDecay(every=np.int64(3)).every == 3


def plain_sgd(model):
    return torch.optim.SGD(model.parameters(), lr=0.1)


def test_a_momentum_configured_as_zero_is_left_alone_by_default_with_one_warning(tmp_path) -> None:
    with pytest.warns(
        UserWarning,
        match=r"OneCycle: param group\(s\) \[0\] of optimizer 0 \(SGD\) have momentum=0, so their momentum is left at 0",
    ) as w:
        rec = fit(tmp_path, Tiny(optim=plain_sgd), [OneCycle()])
    assert sum("momentum=0" in str(x.message) for x in w) == 1
    assert_trace(rec.momentum(), [0.0] * N)
    assert_trace(rec.lr(), S.OneCycle(0.1, total_steps=N).values(N))
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*momentum=0.*")
        rec = fit(tmp_path, Tiny(optim=plain_sgd), [OneCycle(cycle_momentum=True)])  # asked for: cycled
    assert_trace(rec.momentum(), S.OneCycle(0.1, total_steps=N).momentum().values(N))


def adam_without_first_moment(model):
    return torch.optim.Adam(model.parameters(), lr=0.1, betas=(0.0, 0.99))


def test_an_adam_beta1_configured_as_zero_is_left_alone_as_a_zero_momentum_is(tmp_path) -> None:
    # review 114: beta1=0 (Adam without a first moment) was cycled from 0.85 to 0.95 without a word, where
    # SGD's momentum=0 is kept with a warning
    with pytest.warns(
        UserWarning,
        match=r"OneCycle: param group\(s\) \[0\] of optimizer 0 \(Adam\) have beta1=0, so their momentum is left at 0",
    ) as w:
        rec = fit(tmp_path, Tiny(optim=adam_without_first_moment), [OneCycle()])
    assert sum("beta1=0" in str(x.message) for x in w) == 1
    assert_trace(rec.momentum(), [0.0] * N)
    rec = fit(tmp_path, Tiny(optim=adam_without_first_moment), [OneCycle(cycle_momentum=True)])  # asked for
    assert_trace(rec.momentum(), S.OneCycle(0.1, total_steps=N).momentum().values(N))


def test_cosine_final_per_group(tmp_path) -> None:
    rec = fit(tmp_path, Tiny(groups=2), [CosineDecay(final=[0.001, 0.0], initial=[0.1, 0.05])])
    assert_trace(rec.lr(0), S.CosineDecay(0.1, total=N, final=0.001).values(N))
    assert_trace(rec.lr(1), S.CosineDecay(0.05, total=N, final=0.0).values(N))


def _transformers_linear_with_warmup(step: int, warmup: int, training: int) -> float:
    """transformers' get_linear_schedule_with_warmup factor (its documented lr_lambda)."""
    if step < warmup:
        return step / max(1, warmup)
    return max(0.0, (training - step) / max(1, training - warmup))


def test_polynomial_decay_with_a_warmup_is_transformers_linear_schedule(tmp_path) -> None:
    # review 42: transformers' most common schedule (linear warm-up, linear decay to 0) had no preset
    rec = fit(tmp_path, Tiny(groups=2), [PolynomialDecay(warmup=Fraction(0.25))])
    factors = [_transformers_linear_with_warmup(t, 6, N) for t in range(N)]
    assert_trace(rec.lr(0), [0.1 * f for f in factors])
    assert_trace(rec.lr(1), [0.01 * f for f in factors])


def test_polynomial_decay_refuses_a_final_above_the_start(tmp_path) -> None:
    with pytest.raises(
        ValueError,
        match=r"^PolynomialDecay on optimizer 0 \(SGD\): final=0.2 is above initial, the LR it starts from \(0.1\), "
        r"for param group 0; give a final at most the start LR \(or a list with one per group\) \(initial left as "
        r"None: the optimizer's LR\)$",
    ):
        fit(tmp_path, Tiny(), [PolynomialDecay(final=0.2)])


@pytest.mark.parametrize(
    ("model", "callback", "message"),
    [
        (
            Tiny(groups=2, ratio=0.0),
            Cyclic(base_lr=[1e-3, 1e-4], step_size=4),
            "base_lr[1]=0.0001 is for param group 1, which is left alone (its lr is 0 (frozen)), so it would be "
            "dropped; give None or 0 there, or give max_lr as a list with a value for the group",
        ),
        (
            Tiny(groups=2),
            Cyclic(max_lr=[0.1, None], base_lr=[1e-3, 1e-4], step_size=4),
            "base_lr[1]=0.0001 is for param group 1, which is left alone (max_lr[1] is None), so it would be "
            "dropped; give None or 0 there, or give max_lr as a list with a value for the group",
        ),
        (
            Tiny(groups=2, ratio=0.0),
            CosineDecay(final=[0.0, 0.01]),
            "final[1]=0.01 is for param group 1, which is left alone (its lr is 0 (frozen)), so it would be "
            "dropped; give None or 0 there, or give initial as a list with a value for the group",
        ),
        (
            Tiny(groups=2),
            PolynomialDecay(initial=[0.1, None], final=[0.0, 0.01]),
            "final[1]=0.01 is for param group 1, which is left alone (initial[1] is None), so it would be "
            "dropped; give None or 0 there, or give initial as a list with a value for the group",
        ),
        (
            Tiny(groups=2, ratio=0.0),
            WarmupStableDecay(final=[0.0, 0.01]),
            "final[1]=0.01 is for param group 1, which is left alone (its lr is 0 (frozen)), so it would be "
            "dropped; give None or 0 there, or give peak as a list with a value for the group",
        ),
    ],
    ids=["cyclic-frozen", "cyclic-none", "cosine-frozen", "polynomial-none", "wsd-frozen"],
)
def test_a_value_for_a_group_left_alone_is_refused(tmp_path, model, callback, message) -> None:
    # review 44: base_lr[1] and final[1] for a group left alone were dropped without a word
    with pytest.raises(ValueError, match=re.escape(message)):
        fit(tmp_path, model, [callback])


def test_a_zero_for_a_group_left_alone_asks_nothing(tmp_path) -> None:
    # review 46: "give None there" was the advice, but final lists take no None: a frozen group could not
    # have per-group finals at all
    rec = fit(tmp_path, Tiny(groups=2, ratio=0.0), [CosineDecay(final=[1e-3, 0.0])])
    assert rec.lr(0)[-1] > 1e-3 and list(rec.lr(1)) == [0.0] * N


def test_momentum_bounds_at_their_defaults_are_taken_with_cycle_momentum_false() -> None:
    # review 68: a list of the default values, one per group, was refused as an unused value
    assert OneCycle(cycle_momentum=False, base_momentum=[0.85, 0.85]).cycle_momentum is False
    assert Cyclic(cycle_momentum=False, max_momentum=np.array([0.95])).cycle_momentum is False


@pytest.mark.parametrize("groups", [1, 2])
def test_one_number_is_the_largest_groups_lr_exactly_without_float_noise(tmp_path, groups) -> None:
    # review 133: OneCycle(max_lr=0.1) on an optimizer at 0.1 built OneCycle(max_lr=0.10000000000000002) (0.1 *
    # 0.1 / 0.1), which the resume warnings print
    model = Tiny(groups=groups, ratio=0.3) if groups == 2 else Tiny()
    fit(
        tmp_path,
        model,
        [
            OneCycle(max_lr=0.1),
        ],
    )
    scheduler = model.trainer.lr_scheduler_configs[0].scheduler
    assert scheduler.lr_schedules[0].max_lr == 0.1
    assert "max_lr=0.1," in repr(scheduler.lr_schedules[0])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: OneCycle(maxlr=0.1),
            r"^OneCycle\(\) got an unexpected keyword argument 'maxlr' \(given 0\.1\): did you mean max_lr\?$",
        ),
        (
            lambda: CosineDecay(warm_up=10),
            r"^CosineDecay\(\) got an unexpected keyword argument 'warm_up' \(given 10\): did you mean warmup\?$",
        ),
        (
            lambda: ReduceOnPlateau(monitr="val_loss"),
            r"^ReduceOnPlateau\(\) got an unexpected keyword argument 'monitr' \(given 'val_loss'\): did you mean monitor\?$",
        ),
        (
            lambda: OneCycle(pct=0.3),
            r"^OneCycle\(\) got an unexpected keyword argument 'pct' \(given 0\.3\); it takes max_lr, total, pct_start, ",
        ),
        (
            lambda: LRRangeTest(num_stepz=50),
            r"^LRRangeTest\(\) got an unexpected keyword argument 'num_stepz' \(given 50\): did you mean num_steps\?$",
        ),
    ],
)
def test_a_misspelt_keyword_is_named_with_its_value_and_the_name_to_use(make: Any, message: str) -> None:
    # r162: a misspelt keyword got Python's bare TypeError: no value, no name to use instead
    with pytest.raises(TypeError, match=message):
        make()
