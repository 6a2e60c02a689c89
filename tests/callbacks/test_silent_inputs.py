"""Inputs that used to be accepted silently: each now gets a clear error, or a warning where it can make sense."""

from __future__ import annotations

import pytest

from lightning_lr.callbacks import CosineDecay, Epochs, Fraction, MultiStepDecay, OneCycle

from support.models import Tiny
from support.trainers import fit


def test_a_fraction_longer_than_the_run_warns() -> None:
    with pytest.warns(
        UserWarning,
        match=r"Fraction\(1.5\) is longer than the run: .* cut off where training ends, 67% of the way through it",
    ):
        Fraction(1.5)


def test_multistep_milestones_must_not_be_empty() -> None:
    with pytest.raises(
        ValueError, match=r"MultiStepDecay: milestones must be a non-empty list of durations .*, got \[\]"
    ):
        MultiStepDecay(milestones=[])


@pytest.mark.parametrize(
    ("milestones", "message"),
    [
        ([30, 10], r"milestones\[1\]=10 comes after milestones\[0\]=30"),
        ([Epochs(3), 5, Epochs(2)], r"milestones\[2\]=Epochs\(2\) comes after milestones\[0\]=Epochs\(3\)"),
        ([Fraction(0.5), Fraction(0.25)], r"milestones\[1\]=Fraction\(0.25\) comes after milestones\[0\]"),
    ],
)
def test_multistep_milestones_out_of_order_are_refused_at_construction(milestones, message) -> None:
    with pytest.raises(ValueError, match=r"MultiStepDecay: milestones must be non-decreasing \(" + message):
        MultiStepDecay(milestones=milestones)


def test_multistep_milestones_of_different_kinds_may_come_in_any_order() -> None:
    MultiStepDecay(milestones=[Epochs(3), 5])  # their order is known at fit start, where it is checked


def test_cosine_final_above_its_start_warns(tmp_path) -> None:
    with pytest.warns(UserWarning, match=r"CosineDecay: final=0.5 is above the LR it starts from \(0.1\)"):
        fit(tmp_path, Tiny(lr=0.1), [CosineDecay(final=0.5)], max_epochs=1)


def test_a_one_step_run_gets_a_two_step_cycle(tmp_path) -> None:
    callback = OneCycle()
    fit(tmp_path, Tiny(), [callback], max_steps=1)
    assert callback.steps["total"] == 2
