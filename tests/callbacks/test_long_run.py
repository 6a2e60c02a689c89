"""The long-run presets WarmupStableDecay and InverseSqrt: their traces, range tests, resuming into a longer
run, and their errors."""

from __future__ import annotations

import math
import re
import warnings

import pytest

from lightning_lr import schedules as S
from lightning_lr.callbacks import (
    CosineDecay,
    Epochs,
    Fraction,
    InverseSqrt,
    PolynomialDecay,
    WarmupStableDecay,
)
from lightning_lr.schedules import long_run as L

from .test_resume import RESUMABLE, checkpointed_run, path_at
from support.fakes import ApplyAt, FakeRangeTest
from support.models import Tiny
from support.recording import assert_trace
from support.trainers import fit

N = 24  # 2 epochs of 12 optimizer steps


def test_warmup_stable_decay_defaults_to_a_cooldown_over_the_last_fifth(tmp_path) -> None:
    cb = WarmupStableDecay(warmup=4)
    rec = fit(tmp_path, Tiny(groups=2), [cb])
    assert cb.steps == {"total": 24, "warmup": 4, "decay": 5}  # 20% of 24 steps, rounded half up
    assert_trace(rec.lr(0), L.WarmupStableDecay(0.1, total=24, warmup=4, decay=5).values(N))
    assert_trace(rec.lr(1), L.WarmupStableDecay(0.01, total=24, warmup=4, decay=5).values(N))  # its ratio
    assert_trace(rec.momentum(), [0.9] * N)


def test_warmup_stable_decay_durations_shape_and_final(tmp_path) -> None:
    cb = WarmupStableDecay(peak=0.2, total=Fraction(0.75), decay=Epochs(0.5), shape="cosine", final=0.01)
    rec = fit(tmp_path, Tiny(), [cb])
    assert_trace(rec.lr(), L.WarmupStableDecay(0.2, total=18, decay=6, shape="cosine", final=0.01).values(N))
    assert rec.lr()[-1] == 0.01


def test_a_cooldown_of_one_step_is_said_to_train_no_step_below_the_peak(tmp_path) -> None:
    # review 72: decay=Fraction(0.2) of a 6-step run is 1 step, at the peak (final is reached at step total,
    # after the run): every step trained at the peak, without a word
    with pytest.warns(UserWarning) as caught:
        rec = fit(tmp_path, Tiny(), [WarmupStableDecay(peak=0.1)], max_steps=6)
    assert_trace(rec.lr(), [0.1] * 6)
    said = [str(w.message) for w in caught if "WarmupStableDecay" in str(w.message)]
    assert said == [
        "WarmupStableDecay: decay (Fraction(0.2)) is 1 step in this run of 6: the cooldown reaches final at step "
        "total, after the run's last step, so its one step is at the peak and no step trains below it; give a "
        "decay of at least 2 steps (a longer run, or a longer decay)"
    ]
    with warnings.catch_warnings():  # 2 steps: one below the peak, and nothing said
        warnings.simplefilter("error", UserWarning)
        warnings.filterwarnings("ignore", message=".*(workers|logging interval|LeafSpec).*")
        rec = fit(tmp_path, Tiny(), [WarmupStableDecay(peak=0.1)], max_steps=8)
    assert rec.lr()[-1] < 0.1


def test_inverse_sqrt_warms_up_then_falls_as_one_over_the_root_of_the_step(tmp_path) -> None:
    rec = fit(tmp_path, Tiny(groups=2), [InverseSqrt(warmup=Epochs(0.5))])
    assert_trace(rec.lr(0), L.InverseSqrt(0.1, warmup=6).values(N))
    assert_trace(rec.lr(1), L.InverseSqrt(0.01, warmup=6).values(N))


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: WarmupStableDecay(), L.WarmupStableDecay(0.05, total=24, decay=5)),
        (lambda: InverseSqrt(warmup=3), L.InverseSqrt(0.05, warmup=3)),
    ],
    ids=["wsd", "inverse-sqrt"],
)
def test_a_range_test_fills_the_peak(tmp_path, make, expected) -> None:
    cb = make()
    rec = fit(tmp_path, Tiny(), [cb, ApplyAt(FakeRangeTest(suggestion=0.05))])
    assert cb.state_dict()["filled"] == {"peak": 0.05}
    assert_trace(rec.lr(), expected.values(N))


@pytest.mark.filterwarnings(RESUMABLE)
@pytest.mark.usefixtures("exact_mid_epoch_resume")
def test_a_longer_run_on_resume_grows_the_stable_phase_and_moves_the_cooldown_to_the_end(tmp_path) -> None:
    full, ckpts = checkpointed_run(tmp_path, Tiny(), [WarmupStableDecay(warmup=2)], every=7, max_epochs=2)
    assert_trace(full.lr(), L.WarmupStableDecay(0.1, total=24, warmup=2, decay=5).values(N))
    with pytest.warns(UserWarning) as caught:
        resumed = fit(
            tmp_path, Tiny(), [WarmupStableDecay(warmup=2)], max_epochs=4, ckpt_path=path_at(ckpts, 7)
        )
    ours = [str(w.message) for w in caught if str(w.message).startswith("WarmupStableDecay")]
    assert ours == [
        "WarmupStableDecay: the run differs from the checkpoint's (total_steps 24 -> 48; total 24 -> 48 steps; "
        "decay 5 -> 10 steps). Durations given as Epochs or Fraction follow the new run: the schedule continues "
        "from the checkpoint's step as if it had been planned for this run, and the LR goes on there as the "
        "checkpoint left it."
    ]
    expected = L.WarmupStableDecay(0.1, total=48, warmup=2, decay=10).values(48)
    assert_trace(resumed.lr(), expected[7:])
    assert expected[37] == 0.1 > expected[39]  # still stable where the old run was cooling down


def test_errors_name_the_callback_and_the_argument(tmp_path) -> None:
    with pytest.raises(
        ValueError, match=r"WarmupStableDecay: shape must be one of '1-sqrt', 'linear', 'cosine'"
    ):
        WarmupStableDecay(shape="sqrt")
    with pytest.raises(
        TypeError,
        match=r"WarmupStableDecay: decay must be an int >= 1 .* or Fraction\(0.2\) for a fraction of the run",
    ):
        WarmupStableDecay(decay=0.2)
    with pytest.raises(ValueError, match=r"WarmupStableDecay: peak must be a finite number > 0, got 0"):
        WarmupStableDecay(peak=0)
    with pytest.raises(TypeError, match=r"missing 1 required keyword-only argument: 'warmup'"):
        InverseSqrt()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"InverseSqrt: warmup must be an int >= 1"):
        InverseSqrt(warmup=0.5)
    with pytest.raises(
        ValueError,
        match=r"WarmupStableDecay on optimizer 0 \(SGD\): warmup must be <= total - decay steps = 24 - 5 = 19",
    ):
        fit(tmp_path, Tiny(), [WarmupStableDecay(warmup=20)])
    # what the arguments alone refuse is refused at construction (before: a warning, then an error at fit;
    # and a final above the peak quoted a recomputed 0.20000000000000004)
    with pytest.raises(ValueError, match=r"WarmupStableDecay: decay must be at most total=10 steps, got 20"):
        WarmupStableDecay(total=10, decay=20)
    with pytest.raises(
        ValueError, match=r"WarmupStableDecay: warmup must be <= total - decay steps = 10 - 5 = 5"
    ):
        WarmupStableDecay(total=10, warmup=9, decay=5)
    with pytest.raises(ValueError, match=r"WarmupStableDecay: final must be <= peak \(0.1\), got 0.2$"):
        WarmupStableDecay(peak=0.1, final=0.2)


def test_repr_and_the_cli_default_of_decay() -> None:
    from jsonargparse import ArgumentParser

    assert repr(WarmupStableDecay(peak=3e-4, decay=1000)) == "WarmupStableDecay(peak=0.0003, decay=1000)"
    assert repr(InverseSqrt(warmup=4000)) == "InverseSqrt(warmup=4000)"
    parser = ArgumentParser()
    parser.add_class_arguments(WarmupStableDecay, "wsd")
    dumped = parser.dump(parser.parse_args([]))
    assert "lightning_lr.callbacks.durations.FIFTH_OF_RUN" in dumped
    assert parser.instantiate(parser.parse_string(dumped)).wsd.decay == Fraction(0.2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            dict(decay=Fraction(1.5)),
            "WarmupStableDecay: decay must be at most total (Fraction(1.0)), got Fraction(1.5)",
        ),
        (
            dict(total=Fraction(0.5), decay=Fraction(0.6)),
            "WarmupStableDecay: decay must be at most total (Fraction(0.5)), got Fraction(0.6)",
        ),
        (
            dict(warmup=Fraction(0.9)),
            "WarmupStableDecay: warmup must be <= total - decay = 1 - 0.2 of the run (the warm-up must end before "
            "the cooldown starts), got Fraction(0.9)",
        ),
        (  # review 122: in epochs as in fractions of the run, as CosineDecay's warm-up and total
            dict(total=Epochs(3), warmup=Epochs(2.5), decay=Epochs(1)),
            "WarmupStableDecay: warmup must be <= total - decay = 3 - 1 epochs (the warm-up must end before the "
            "cooldown starts), got Epochs(2.5)",
        ),
        (
            dict(total=Epochs(2), decay=Epochs(3)),
            "WarmupStableDecay: decay must be at most total (Epochs(2)), got Epochs(3)",
        ),
    ],
)
def test_fractions_that_cannot_fit_are_refused_when_the_callback_is_made(kwargs, message) -> None:
    # review 42: decay=Fraction(1.5) warned that it is cut off, then the fit refused it
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning of its own before the error (that a Fraction above 1 no
        # longer warns when made is test_silent_inputs'; these are made at collection)
        with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
            WarmupStableDecay(**kwargs)
    WarmupStableDecay(warmup=Fraction(0.8))  # ends where the cooldown starts


def test_lengths_that_do_not_fit_before_the_rounding_are_refused_not_shortened(tmp_path) -> None:
    # review 122: with total in steps, the warm-up gave up steps whenever warmup and decay were Fractions (here 6
    # and 6 of a 20-step run in a total of 10: a warm-up of 4, without a word); only the rounding's step is given
    # back (next test)
    cb = WarmupStableDecay(total=10, warmup=Fraction(0.3), decay=Fraction(0.3))
    message = (
        "WarmupStableDecay on optimizer 0 (SGD): warmup must be <= total - decay steps = 10 - 6 = 4 (the warm-up "
        "must end before the cooldown starts), got 6; given as warmup=Fraction(0.3) (6 optimizer steps), "
        "decay=Fraction(0.3) (6 optimizer steps)"
    )
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        fit(tmp_path, Tiny(n=80), [cb], max_epochs=1)


def test_a_plan_the_schedule_refuses_is_said_by_its_error_alone(tmp_path) -> None:
    # review 122: the README's warmup=Epochs(1) in a one-epoch run of 4 steps was refused, after a warning that its
    # 1-step cooldown never trains below the peak, and one that the warm-up is cut off
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(
            ValueError, match=r"^WarmupStableDecay on optimizer 0 \(SGD\): warmup must be <= "
        ):
            fit(tmp_path, Tiny(n=16), [WarmupStableDecay(warmup=Epochs(1))], max_epochs=1)
    assert not [str(w.message) for w in caught if "WarmupStableDecay" in str(w.message)]


@pytest.mark.parametrize("steps_per_epoch", [10, 5])
def test_fractions_that_fit_the_run_fit_it_at_every_length_once_rounded(tmp_path, steps_per_epoch) -> None:
    # review 44: warmup=Fraction(0.45), decay=Fraction(0.55) made 5 + 6 steps of a 10-step run, and the fit
    # refused them; the warm-up gives the rounding's step back
    cb = WarmupStableDecay(warmup=Fraction(0.45), decay=Fraction(0.55))
    rec = fit(tmp_path, Tiny(n=4 * steps_per_epoch), [cb], max_epochs=1)
    total = steps_per_epoch
    decay = math.ceil(0.55 * total)
    assert_trace(
        rec.lr(), L.WarmupStableDecay(0.1, total=total, warmup=total - decay, decay=decay).values(total)
    )


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (
            lambda: WarmupStableDecay(final_ratio=0.1),
            lambda peak: L.WarmupStableDecay(peak, total=N, decay=5, final=0.1 * peak),
        ),
        (
            lambda: CosineDecay(final_ratio=0.1, warmup=4),
            lambda peak: S.warmup(S.CosineDecay(peak, total=N - 4, final=0.1 * peak), 4),
        ),
        (
            lambda: PolynomialDecay(power=2.0, final_ratio=0.25),
            lambda peak: S.PolynomialDecay(peak, total=N, power=2.0, final=0.25 * peak),
        ),
    ],
    ids=["wsd", "cosine", "polynomial"],
)
def test_final_ratio_ends_at_a_ratio_of_each_groups_start_lr_even_one_a_range_test_fills(
    tmp_path, make, expected
) -> None:
    # the callbacks took only an absolute final, unknown before a range test gives the start LR (review 50);
    # transformers' min_lr_rate / min_lr_ratio are ratios
    rec = fit(tmp_path, Tiny(groups=2, lr=0.1, ratio=0.5), [make()])
    assert_trace(rec.lr(0), expected(0.1).values(N))
    assert_trace(rec.lr(1), expected(0.05).values(N))
    rec = fit(tmp_path / "tested", Tiny(), [make(), ApplyAt(FakeRangeTest(suggestion=0.02))])
    assert_trace(rec.lr(), expected(0.02).values(N))


@pytest.mark.parametrize("make", [WarmupStableDecay, CosineDecay, PolynomialDecay])
def test_final_ratio_is_a_ratio_and_excludes_final(make) -> None:
    name = make.__name__
    with pytest.raises(ValueError, match=rf"^{name}: final_ratio must be in \[0, 1\], got 1.5$"):
        make(final_ratio=1.5)
    with pytest.raises(TypeError, match=rf"^{name}: final_ratio must be a number in \[0, 1\], got '0.1'$"):
        make(final_ratio="0.1")
    with pytest.raises(
        ValueError,
        match=rf"^{name}: final must be 0 \(the default\) when final_ratio is given \(give one of them\), got 0.001$",
    ):
        make(final=1e-3, final_ratio=0.1)
    assert repr(make(final_ratio=0.1)) == f"{name}(final_ratio=0.1)"
