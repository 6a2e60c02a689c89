"""The equivalences docs/from_transformers_and_timm.md states, against the schedules of transformers and timm
written out here from their definitions (neither library is a dependency).

Each reference is the multiplier (transformers' ``LambdaLR`` lambdas) or the LR (timm's ``_get_lr`` with
``t_in_epochs=False``) at optimizer step ``t``; the doc's expression must give the same value at every step
from 0 to past the end; the transformers rows' Lightning callback column is run in a fit too. Review 50
checked the same rows against the installed libraries (2 param groups, a plain loop and a Lightning Trainer
with gradient accumulation): equal to 4e-14.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from lightning_lr import callbacks as CB
from lightning_lr.callbacks import LRSchedule, RunInfo
from lightning_lr.schedules import (
    Constant,
    CosineDecay,
    CosineRestarts,
    InverseSqrt,
    Lambda,
    Linear,
    PolynomialDecay,
    Schedule,
    StepDecay,
    WarmupStableDecay,
    join,
    warmup,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "from_transformers_and_timm.md"
W, N = 10, 100  # num_warmup_steps, num_training_steps
PAST = N + 20


def _ramp(t: int) -> float:
    return t / max(1, W)


# transformers.optimization, the lambdas of LambdaLR (multipliers of the optimizer's LR)
def hf_constant_with_warmup(t: int) -> float:
    return _ramp(t) if t < W else 1.0


def hf_linear(t: int) -> float:
    return _ramp(t) if t < W else max(0.0, (N - t) / max(1, N - W))


def hf_cosine(t: int, num_cycles: float = 0.5) -> float:
    if t < W:
        return _ramp(t)
    progress = (t - W) / max(1, N - W)
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * num_cycles * 2.0 * progress)))


def hf_cosine_with_min_lr(t: int, min_lr_rate: float, num_cycles: float = 0.5) -> float:
    if t < W:
        return _ramp(t)
    progress = (t - W) / max(1, N - W)
    factor = 0.5 * (1.0 + math.cos(math.pi * num_cycles * 2.0 * progress))
    return factor * (1 - min_lr_rate) + min_lr_rate


def hf_cosine_warmup_lr_rate(t: int, min_lr_rate: float, warmup_lr_rate: float | None) -> float:
    # get_cosine_with_min_lr_schedule_with_warmup_lr_rate: its warm-up reaches the peak at W - 1, and its
    # cosine starts there (progress (t - W + 1) / (N - W))
    if t < W:
        if warmup_lr_rate is None:
            return (t + 1.0) / max(1.0, W)
        return warmup_lr_rate + (1.0 - warmup_lr_rate) * t / max(1, W - 1)
    progress = (t - W + 1.0) / max(1.0, N - W)
    factor = 0.5 * (1.0 + math.cos(math.pi * 0.5 * 2.0 * progress))
    return max(0.0, factor * (1 - min_lr_rate) + min_lr_rate)


def hf_hard_restarts(t: int, num_cycles: int = 3) -> float:
    if t < W:
        return _ramp(t)
    progress = (t - W) / max(1, N - W)
    if progress >= 1.0:
        return 0.0
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * ((num_cycles * progress) % 1.0))))


def hf_polynomial(t: int, lr_init: float, lr_end: float, power: float) -> float:
    if t < W:
        return _ramp(t)
    if t > N:
        return lr_end / lr_init
    remaining = 1 - (t - W) / (N - W)
    return ((lr_init - lr_end) * remaining**power + lr_end) / lr_init


def hf_inverse_sqrt(t: int) -> float:
    if t < W:
        return _ramp(t)
    timescale = W  # its default: num_warmup_steps
    return 1.0 / math.sqrt((t + timescale - W) / timescale)


def hf_wsd(t: int, decay: int, decay_type: str = "cosine", min_lr_ratio: float = 0.0) -> float:
    stable = N - W - decay
    if t < W:
        return min_lr_ratio + (1.0 - min_lr_ratio) * _ramp(t)
    if t < W + stable:
        return 1.0
    if t < W + stable + decay:
        progress = (t - W - stable) / max(1, decay)
        if decay_type == "linear":
            value = 1.0 - progress
        elif decay_type == "cosine":
            value = 0.5 * (1.0 + math.cos(math.pi * progress))
        else:  # "1-sqrt"
            value = 1.0 - math.sqrt(progress)
        return min_lr_ratio + (1.0 - min_lr_ratio) * max(0.0, value)
    return min_lr_ratio


# timm.scheduler.CosineLRScheduler / StepLRScheduler (t_in_epochs=False), one base LR
BASE, INIT, LMIN = 5e-3, 1e-5, 1e-5


def timm_cosine(t: int, t_initial: int, warmup_t: int, prefix: bool) -> float:
    if t < warmup_t:
        return INIT + t * (BASE - INIT) / warmup_t
    if prefix:
        t -= warmup_t
    if t >= t_initial:  # cycle_limit=1
        return LMIN
    return LMIN + 0.5 * (BASE - LMIN) * (1 + math.cos(math.pi * t / t_initial))


def timm_step(t: int, decay_t: int, decay_rate: float, warmup_t: int, prefix: bool) -> float:
    if t < warmup_t:
        return INIT + t * (BASE - INIT) / warmup_t
    if prefix:
        t -= warmup_t
    return BASE * decay_rate ** (t // decay_t)


def timm_cosine_no_prefix(t: int) -> float:  # the doc's Lambda for warmup_prefix=False (timm's default)
    return timm_cosine(t, t_initial=N, warmup_t=W, prefix=False)


def timm_step_no_prefix(t: int) -> float:
    return timm_step(t, decay_t=30, decay_rate=0.5, warmup_t=5, prefix=False)


ROWS: list[tuple[str, Callable[[int], float], Schedule, int]] = [
    ("get_constant_schedule_with_warmup", hf_constant_with_warmup, warmup(Constant(1.0), W), PAST),
    ("get_linear_schedule_with_warmup", hf_linear, warmup(PolynomialDecay(1.0, total=N - W), W), PAST),
    # to its end; past it, transformers' cosine rises again where ours holds 0 (periodic=True: the rise)
    ("get_cosine_schedule_with_warmup", hf_cosine, warmup(CosineDecay(1.0, total=N - W), W), N + 1),
    (
        "get_cosine_schedule_with_warmup, past its end",
        hf_cosine,
        warmup(CosineDecay(1.0, total=N - W, periodic=True), W),
        PAST,
    ),
    (
        "get_cosine_schedule_with_warmup(num_cycles=1.5)",
        lambda t: hf_cosine(t, num_cycles=1.5),
        warmup(CosineDecay(1.0, total=(N - W) // 3, periodic=True), W),
        PAST,
    ),
    (
        "get_cosine_with_min_lr_schedule_with_warmup(min_lr_rate=0.1)",
        lambda t: hf_cosine_with_min_lr(t, 0.1),
        warmup(CosineDecay(1.0, total=N - W, final=0.1), W),
        N + 1,  # past N transformers' cosine rises again (the doc's "Past the end")
    ),
    (
        "get_cosine_with_min_lr_schedule_with_warmup(num_cycles=1.5, min_lr_rate=0.1)",
        lambda t: hf_cosine_with_min_lr(t, 0.1, num_cycles=1.5),
        warmup(CosineDecay(1.0, total=(N - W) // 3, periodic=True, final=0.1), W),
        PAST,
    ),
    (
        "get_cosine_with_min_lr_schedule_with_warmup_lr_rate(min_lr_rate=0.1, warmup_lr_rate=0.2)",
        lambda t: hf_cosine_warmup_lr_rate(t, 0.1, 0.2),
        warmup(CosineDecay(1.0, total=N - W, final=0.1), W - 1, start=0.2),
        N,  # to its last step, N - 1 (past it transformers' cosine rises again)
    ),
    (
        "get_cosine_with_min_lr_schedule_with_warmup_lr_rate(warmup_lr_rate=None)",
        lambda t: hf_cosine_warmup_lr_rate(t, 0.0, None),
        warmup(CosineDecay(1.0, total=N - W), W - 1, start=1 / W),
        N,
    ),
    (
        "get_cosine_with_hard_restarts_schedule_with_warmup(num_cycles=3)",
        hf_hard_restarts,
        join([Linear(0.0, 1.0, W), CosineRestarts(1.0, period=(N - W) // 3), Constant(0.0)], [W, N]),
        PAST,
    ),
    (
        "get_polynomial_decay_schedule_with_warmup(lr_end=1e-4, power=2), lr 1e-3",
        lambda t: hf_polynomial(t, 1e-3, 1e-4, 2.0),
        warmup(PolynomialDecay(1.0, total=N - W, power=2.0, final=1e-4 / 1e-3), W),
        PAST,
    ),
    ("get_inverse_sqrt_schedule", hf_inverse_sqrt, InverseSqrt(1.0, warmup=W), PAST),
    (
        "get_wsd_schedule(num_decay_steps=20)",
        lambda t: hf_wsd(t, 20),
        WarmupStableDecay(1.0, total=N, warmup=W, decay=20, shape="cosine"),
        PAST,
    ),
    (
        "get_wsd_schedule(num_decay_steps=20, decay_type='1-sqrt')",
        lambda t: hf_wsd(t, 20, "1-sqrt"),
        WarmupStableDecay(1.0, total=N, warmup=W, decay=20, shape="1-sqrt"),
        PAST,
    ),
    (
        "get_wsd_schedule(num_decay_steps=20, decay_type='linear', min_lr_ratio=0.1)",
        lambda t: hf_wsd(t, 20, "linear", 0.1),
        join(
            [Linear(0.1, 1.0, W), WarmupStableDecay(1.0, total=N - W, decay=20, shape="linear", final=0.1)],
            [W],
        ),
        PAST,
    ),
    (
        "CosineLRScheduler(warmup_prefix=True)",
        lambda t: timm_cosine(t, t_initial=90, warmup_t=W, prefix=True),
        warmup(CosineDecay(BASE, total=90, final=LMIN), W, start=INIT),
        PAST,
    ),
    ("CosineLRScheduler (warmup_prefix=False)", timm_cosine_no_prefix, Lambda(timm_cosine_no_prefix), PAST),
    (
        "StepLRScheduler(warmup_prefix=True)",
        lambda t: timm_step(t, decay_t=30, decay_rate=0.5, warmup_t=5, prefix=True),
        warmup(StepDecay(BASE, every=30, drop=0.5), 5, start=INIT),
        PAST,
    ),
    ("StepLRScheduler (warmup_prefix=False)", timm_step_no_prefix, Lambda(timm_step_no_prefix), PAST),
]


#: the doc's Lightning callback column for transformers (N is the whole run); the optimizer's LR is LR
LR = 1e-3
CALLBACK_ROWS = [
    (
        "get_constant_schedule_with_warmup",
        hf_constant_with_warmup,
        lambda: LRSchedule(warmup(Constant(1.0), W), relative=True),
    ),
    ("get_linear_schedule_with_warmup", hf_linear, lambda: CB.PolynomialDecay(warmup=W)),
    ("get_cosine_schedule_with_warmup", hf_cosine, lambda: CB.CosineDecay(warmup=W)),
    (
        "get_cosine_with_min_lr_schedule_with_warmup(min_lr_rate=0.1)",
        lambda t: hf_cosine_with_min_lr(t, 0.1),
        lambda: CB.CosineDecay(warmup=W, final_ratio=0.1),
    ),
    (
        "get_polynomial_decay_schedule_with_warmup(lr_end=1e-4, power=2)",
        lambda t: hf_polynomial(t, LR, 1e-4, 2.0),
        lambda: CB.PolynomialDecay(power=2.0, warmup=W, final=1e-4),
    ),
    ("get_inverse_sqrt_schedule", hf_inverse_sqrt, lambda: CB.InverseSqrt(warmup=W)),
    (
        "get_wsd_schedule(num_decay_steps=20)",
        lambda t: hf_wsd(t, 20),
        lambda: CB.WarmupStableDecay(warmup=W, decay=20, shape="cosine"),
    ),
]


@pytest.mark.parametrize(
    ("reference", "make"), [r[1:] for r in CALLBACK_ROWS], ids=[r[0] for r in CALLBACK_ROWS]
)
def test_the_documented_callback_gives_the_peers_lrs_in_a_fit(tmp_path, reference, make) -> None:
    # review 51 checked this column by hand (equal to 1.4e-17); a run of N optimizer steps, 2 param groups,
    # the second at half the LR
    from support.models import Tiny
    from support.trainers import fit

    rec = fit(tmp_path, Tiny(groups=2, lr=LR, ratio=0.5), [make()], max_epochs=-1, max_steps=N)
    expected = np.array([reference(t) for t in range(N)])
    np.testing.assert_allclose(rec.lr(0), LR * expected, rtol=1e-9, atol=1e-15)
    # transformers' LambdaLR keeps each group's ratio (lr_end: the doc's "`final` in the callbacks")
    np.testing.assert_allclose(rec.lr(1), 0.5 * LR * expected, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize(("reference", "ours", "steps"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_the_documented_equivalent_gives_the_peers_values(
    reference: Callable[[int], float], ours: Schedule, steps: int
) -> None:
    expected = np.array([reference(t) for t in range(steps)])
    np.testing.assert_allclose(ours.values(steps), expected, rtol=1e-12, atol=1e-15)


def test_timms_default_warmup_overlaps_its_cosine_where_warmup_comes_before_it() -> None:
    # why the doc gives a Lambda for warmup_prefix=False: warmup() starts the decay after the warm-up
    ours = warmup(CosineDecay(BASE, total=N - W, final=LMIN), W, start=INIT).values(N)
    timm = np.array([timm_cosine_no_prefix(t) for t in range(N)])
    relative = np.abs(ours - timm) / timm
    assert relative[:W].max() < 1e-12 and relative[W:].max() > 0.1


def _doc_blocks() -> dict[str, object]:
    """The doc's Python blocks, run as written; their names."""
    text = DOC.read_text()
    namespace: dict[str, object] = {"__name__": "from_transformers_and_timm_doc"}
    for block in re.findall(r"```python\n(.*?)```", text, flags=re.S):
        exec(compile(textwrap.dedent(block), str(DOC), "exec"), namespace)
    return namespace


def test_the_docs_lambda_for_timms_default_warmup_is_timms_cosine() -> None:
    doc = _doc_blocks()
    ours = doc["schedule"]
    assert isinstance(ours, Schedule)
    # the doc's example: base 5e-3, t_initial=100, lr_min=1e-5, warmup_t=10, warmup_lr_init=1e-5
    np.testing.assert_allclose(ours.values(PAST), [timm_cosine_no_prefix(t) for t in range(PAST)], rtol=1e-12)


def test_the_docs_per_epoch_staircase_holds_timms_per_epoch_cosine_for_each_epoch() -> None:
    doc = _doc_blocks()
    callback = doc["callback"]
    assert isinstance(callback, LRSchedule)
    per_epoch, epochs = 8, 20
    schedule = doc["timm_cosine_per_epoch"](
        RunInfo(total_steps=per_epoch * epochs, steps_per_epoch=per_epoch)
    )  # type: ignore[operator]
    timm = [0.05 * (1 + math.cos(math.pi * (t // per_epoch) / epochs)) for t in range(per_epoch * epochs)]
    np.testing.assert_allclose(schedule.values(per_epoch * epochs), timm, rtol=1e-12)


@pytest.mark.parametrize(
    ("make", "hint"),
    [
        (lambda: CB.CosineDecay(num_warmup_steps=10), "'num_warmup_steps': pass warmup (transformers'"),
        (lambda: CB.CosineDecay(num_training_steps=100), "'num_training_steps': pass total (transformers'"),
        (
            lambda: CB.CosineDecay(t_initial=100),
            "'t_initial': pass total=Epochs(t_initial) (timm's t_initial counts",
        ),
        (lambda: CB.CosineDecay(min_lr=1e-5), "'min_lr': pass final (transformers' min_lr)"),
        (
            lambda: CB.CosineDecay(min_lr_rate=0.1),
            "'min_lr_rate': pass final_ratio (transformers' min_lr_rate)",
        ),
        (lambda: CB.CosineDecay(lr_min=1e-5), "'lr_min': pass final (timm's lr_min)"),
        (lambda: CB.PolynomialDecay(lr_end=1e-7), "'lr_end': pass final (transformers' lr_end; one number"),
        (lambda: CB.WarmupStableDecay(num_decay_steps=20), "'num_decay_steps': pass decay (transformers'"),
        (
            lambda: CB.WarmupStableDecay(min_lr_ratio=0.1),
            "'min_lr_ratio': pass final_ratio (transformers' min_lr_ratio; its warm-up also starts there",
        ),
        (
            lambda: CB.WarmupStableDecay(decay_type="cosine"),
            "'decay_type': pass shape (transformers' decay_type",
        ),
        (lambda: CB.InverseSqrt(num_warmup_steps=10), "'num_warmup_steps': pass warmup (transformers'"),
        (
            lambda: CB.StepDecay(decay_t=30),
            "'decay_t': pass every=Epochs(decay_t) (timm's decay_t counts epochs",
        ),
        (lambda: CB.StepDecay(every=30, decay_rate=0.5), "'decay_rate': pass drop (timm's decay_rate)"),
        (lambda: CB.ReduceOnPlateau("loss", patience_t=3), "'patience_t': pass patience (timm's patience_t)"),
        (lambda: CB.ReduceOnPlateau("loss", decay_rate=0.5), "'decay_rate': pass factor (timm's decay_rate)"),
        (lambda: CB.ReduceOnPlateau("loss", lr_min=1e-6), "'lr_min': pass min_lr (timm's lr_min)"),
        (lambda: CB.ReduceOnPlateau("loss", cooldown_t=2), "'cooldown_t': pass cooldown (timm's cooldown_t)"),
        # review 60: these got Python's bare unknown-keyword error
        (
            lambda: CB.CosineDecay(min_lr_ratio=0.1),
            "'min_lr_ratio': pass final_ratio (transformers' min_lr_ratio)",
        ),
        (
            lambda: CB.PolynomialDecay(min_lr_ratio=0.1),
            "'min_lr_ratio': pass final_ratio (transformers' min_lr_ratio)",
        ),
        (
            lambda: CB.MultiStepDecay(milestones=[10], decay_rate=0.5),
            "'decay_rate': pass gamma (timm's decay_rate)",
        ),
        (
            lambda: CB.MultiStepDecay(decay_t=[10, 20]),
            "'decay_t': pass milestones=[Epochs(t) for t in decay_t] (timm's MultiStepLRScheduler",
        ),
        # review 60: timm's step schedulers default to warmup_prefix=True (which warmup= is), its cosine to False
        (
            lambda: CB.StepDecay(every=30, warmup_t=5),
            "'warmup_t': pass warmup=Epochs(warmup_t) (timm's warmup_t counts epochs unless t_in_epochs=False; an "
            "int here is optimizer steps; warm-up before the schedule is timm's warmup_prefix=True, the default of "
            "its StepLRScheduler and MultiStepLRScheduler; the CosineLRScheduler's default",
        ),
    ],
)
def test_a_callback_given_a_transformers_or_timm_name_says_which_argument_is_ours(make, hint: str) -> None:
    # review 50: only Python's "unexpected keyword argument", naming nothing to pass instead
    with pytest.raises(TypeError, match=r"^\w+\(\) got an unexpected keyword argument " + re.escape(hint)):
        make()


def test_what_the_doc_writes_for_two_inputs_it_refuses_gives_transformers_values_over_the_run() -> None:
    # the doc's "A warm-up as long as the run, or no decay" (r198, r199)
    def hf_linear_all_warmup(t: int) -> float:  # get_linear_schedule_with_warmup(opt, N, N)
        return t / N if t < N else max(0.0, (N - t) / max(1, N - N))

    ours = warmup(Constant(1.0), N)
    assert [float(ours(t)) for t in range(N)] == pytest.approx([hf_linear_all_warmup(t) for t in range(N)])
    assert (hf_linear_all_warmup(N), float(ours(N))) == (0.0, 1.0)  # past the end: 0 there, held here
    for ratio in (
        0.0,
        0.1,
    ):  # get_wsd_schedule(opt, W, num_decay_steps=0, num_training_steps=N, min_lr_ratio=...)
        doc: Schedule = (
            warmup(Constant(1.0), W) if ratio == 0.0 else join([Linear(ratio, 1.0, W), Constant(1.0)], [W])
        )
        reference = [hf_wsd(t, 0, min_lr_ratio=ratio) for t in range(N)]
        assert [float(doc(t)) for t in range(N)] == pytest.approx(reference, rel=1e-12, abs=1e-15)
    # the lightning_lr schedules that would write them directly refuse them by name
    with pytest.raises(ValueError, match="warmup must be < total"):
        CB.CosineDecay(warmup=N, total=N)
    with pytest.raises(
        ValueError, match=r"^WarmupStableDecay: decay must be an int number of steps \(1 .. total\)"
    ):
        WarmupStableDecay(1.0, total=N, decay=0)
