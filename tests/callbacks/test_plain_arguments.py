"""Every schedule callback keeps its arguments as plain Python values, whatever number type they came in (review
108: numpy ints stayed numpy ints, shown as ``np.int64(3)`` in the repr and recorded as that string in
hparams.yaml)."""

from __future__ import annotations

import enum
import fractions
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
import yaml
from lightning.pytorch.loggers import CSVLogger

from lightning_lr import LRScheduleMixin
from lightning_lr import schedules as S
from lightning_lr.callbacks import (
    CosineDecay,
    Cyclic,
    Epochs,
    ExponentialDecay,
    Fraction,
    MultiStepDecay,
    OneCycle,
    ReduceOnPlateau,
    ScheduleCallback,
    StepDecay,
    TimeDecay,
)

from support.models import Tiny
from support.trainers import fit


@pytest.mark.parametrize(
    ("make", "arg", "given", "plain", "shown"),
    [
        (lambda v: OneCycle(div_factor=v), "div_factor", np.int64(3), 3, "OneCycle(div_factor=3)"),
        (
            lambda v: OneCycle(final_div_factor=v),
            "final_div_factor",
            np.int32(100),
            100,
            "OneCycle(final_div_factor=100)",
        ),
        (lambda v: OneCycle(pct_start=v), "pct_start", np.float32(0.25), 0.25, "OneCycle(pct_start=0.25)"),
        (lambda v: OneCycle(div_factor=v), "div_factor", np.float64(3.5), 3.5, "OneCycle(div_factor=3.5)"),
        (lambda v: StepDecay(4, drop=v), "drop", np.int64(2), 2, "StepDecay(every=4, drop=2)"),
        (
            lambda v: StepDecay(4, drop=v),
            "drop",
            fractions.Fraction(1, 4),
            0.25,
            "StepDecay(every=4, drop=0.25)",
        ),
        (lambda v: TimeDecay(v), "decay", np.int64(3), 3, "TimeDecay(decay=3)"),
        (lambda v: ExponentialDecay(gamma=v), "gamma", np.int64(2), 2, "ExponentialDecay(gamma=2)"),
        (
            lambda v: MultiStepDecay([5], gamma=v),
            "gamma",
            np.int64(2),
            2,
            "MultiStepDecay(milestones=[5], gamma=2)",
        ),
        # review 117: a numpy index and a 1-d array of LRs were refused, where counts and milestones took them
        (lambda v: OneCycle(optimizer=v), "optimizer", np.int64(1), 1, "OneCycle(optimizer=1)"),
        # review 122: a 0-d tensor or array was refused ("must be a number, got tensor(0.25)"), where the drop-ins
        # took it; it is kept as its number, as a numpy scalar is
        (lambda v: OneCycle(pct_start=v), "pct_start", torch.tensor(0.25), 0.25, "OneCycle(pct_start=0.25)"),
        (lambda v: OneCycle(div_factor=v), "div_factor", torch.tensor(3), 3, "OneCycle(div_factor=3)"),
        (lambda v: OneCycle(max_lr=v), "max_lr", np.array(0.5), 0.5, "OneCycle(max_lr=0.5)"),
        (lambda v: OneCycle(total=v), "total", torch.tensor(10), 10, "OneCycle(total=10)"),
        (
            lambda v: OneCycle(base_momentum=v),
            "base_momentum",
            np.array(0.75),
            0.75,
            "OneCycle(base_momentum=0.75)",
        ),
        (lambda v: StepDecay(4, drop=v), "drop", torch.tensor(0.25), 0.25, "StepDecay(every=4, drop=0.25)"),
        (
            lambda v: Cyclic(0.01, 0.1, mode="exp_range", gamma=v),
            "gamma",
            torch.tensor(0.5, dtype=torch.float64),
            0.5,
            "Cyclic(base_lr=0.01, max_lr=0.1, mode='exp_range', gamma=0.5)",
        ),
        (
            lambda v: ReduceOnPlateau("loss", factor=v),
            "factor",
            np.array(0.25),
            0.25,
            "ReduceOnPlateau(monitor='loss', factor=0.25)",
        ),
        (lambda v: CosineDecay(final=v), "final", torch.tensor(0.0), 0.0, "CosineDecay()"),
    ],
)
@pytest.mark.filterwarnings("ignore::lightning_lr.schedules.GrowthWarning")
def test_a_numpy_number_is_kept_as_the_python_number_it_is(
    make, arg: str, given: Any, plain: Any, shown: str
) -> None:
    callback = make(given)
    value = getattr(callback, arg)
    assert value == plain and type(value) is type(plain)
    assert repr(callback) == shown
    assert callback.hparams()[arg] == plain and type(callback.hparams()[arg]) is type(plain)
    assert callback.arguments()[arg] == plain
    assert pickle.dumps(callback) == pickle.dumps(make(plain))


def test_a_1d_array_of_lrs_is_a_list_with_one_per_param_group() -> None:
    # review 117: OneCycle(max_lr=np.array([...])) was refused, where milestones and weight_decays take arrays
    callback = OneCycle(max_lr=np.array([0.1, 0.01]))
    assert callback.max_lr == [0.1, 0.01] and all(type(v) is float for v in callback.max_lr)
    assert pickle.dumps(callback) == pickle.dumps(OneCycle(max_lr=[0.1, 0.01]))
    with pytest.raises(
        TypeError, match=r"OneCycle: max_lr must be a number > 0, a list with one per param group"
    ):
        OneCycle(max_lr=np.array([[0.1, 0.01]]))


def test_fastais_slice_of_lrs_is_refused_with_the_list_to_give() -> None:
    # review 177: fit_one_cycle(max_lr=slice(1e-4, 1e-2)) carried over got the generic error
    with pytest.raises(TypeError) as caught:
        OneCycle(max_lr=slice(1e-4, 1e-2))
    assert str(caught.value) == (
        "OneCycle: max_lr must be a number > 0, a list with one per param group, or None (fastai's slice(lo, hi) "
        "spreads the LRs of its layer groups from lo to hi: give the list of their LRs, one per param group), got "
        "slice(0.0001, 0.01, None)"
    )


def test_a_1d_tensor_is_a_list_as_a_1d_array_is() -> None:
    # review 122: a 1-d array was a list with one value per param group, a tensor was refused
    assert OneCycle(max_lr=torch.tensor([0.5, 0.25])).max_lr == [0.5, 0.25]
    assert OneCycle(base_momentum=torch.tensor([0.5, 0.25]), max_momentum=[0.9, 0.9]).base_momentum == [
        0.5,
        0.25,
    ]
    assert MultiStepDecay(torch.tensor([2, 4])).milestones == [2, 4]
    assert ReduceOnPlateau("loss", min_lr=torch.tensor([0.0, 0.5])).min_lr == [0.0, 0.5]
    assert ReduceOnPlateau("loss", min_lr=np.array([0.0, 0.5])).min_lr == [0.0, 0.5]


def test_durations_take_a_one_element_tensor_as_their_number() -> None:
    assert Epochs(torch.tensor(1.5)) == Epochs(1.5) and type(Epochs(np.array(2)).epochs) is float
    assert Fraction(torch.tensor(0.25)) == Fraction(0.25)
    assert CosineDecay(warmup=np.array(3)).warmup == 3 and type(CosineDecay(warmup=np.array(3)).warmup) is int


@pytest.mark.parametrize(
    ("given", "why"),
    [
        (torch.tensor([0.5, 0.25]), r"\(a tensor or array only of one element, its number: this one has 2\)"),
        (torch.tensor(0.5, requires_grad=True), r"\(not a tensor that requires grad: give tensor.item\(\)"),
    ],
)
def test_a_tensor_that_is_no_number_is_refused_naming_the_argument(given: Any, why: str) -> None:
    with pytest.raises(TypeError, match=r"^OneCycle: pct_start must be a number in \[0, 1\] " + why):
        OneCycle(pct_start=given)
    with pytest.raises(TypeError, match=r"^Epochs: epochs must be a finite number >= 0 " + why):
        Epochs(given)
    with pytest.raises(
        TypeError, match=r"^CosineDecay: warmup must be an int >= 0 \(optimizer steps\), .* " + why
    ):
        CosineDecay(warmup=given)


class Decay(ScheduleCallback):
    """A user's preset: its arguments are kept plain too."""

    def __init__(self, factor: float = 0.5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, run, steps, info):
        return S.StepDecay(info.base_lrs[0], every=2, drop=self.factor), None


def test_a_users_callback_keeps_its_arguments_plain() -> None:
    cb = Decay(factor=np.float32(0.5))
    assert type(cb.factor) is float and repr(cb) == "Decay()"
    assert repr(Decay(factor=np.int64(1))) == "Decay(factor=1)"


class Declares(LRScheduleMixin, Tiny):
    def __init__(self) -> None:
        super().__init__()
        self.lr_schedule = OneCycle(max_lr=0.1, total=Epochs(1), div_factor=np.int64(3))


def test_hparams_yaml_records_the_number(tmp_path) -> None:
    logger = CSVLogger(tmp_path, name="csv")
    model = Declares()
    fit(tmp_path, model, [], logger=logger, max_epochs=1)
    assert model.hparams["lightning_lr"]["div_factor"] == 3
    saved = yaml.safe_load(Path(logger.log_dir, "hparams.yaml").read_text())
    assert saved["lightning_lr"]["div_factor"] == 3  # was the string "np.int64(3)"


class DeclaresTensors(LRScheduleMixin, Tiny):
    def __init__(self, kind: Any) -> None:
        super().__init__()
        self.lr_schedule = OneCycle(
            max_lr=kind(0.5),
            total=Epochs(kind(1.5)),
            pct_start=kind(0.25),
            div_factor=kind(4),
            base_momentum=kind(0.75),
        )


def _tensors(value: Any) -> list[Any]:
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors(v)]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _tensors(v)]
    return []


def test_0d_tensor_arguments_train_as_their_numbers_and_checkpoints_hold_numbers(tmp_path) -> None:
    # review 122: the hparams a declared schedule records, and the callback's state, hold numbers, so that a
    # checkpoint loads with torch's weights_only=True and shows no tensor where the user gave a number
    plain = fit(tmp_path / "plain", DeclaresTensors(lambda v: v), [], max_epochs=2)
    model = DeclaresTensors(lambda v: torch.tensor(v, dtype=torch.float64))
    held = fit(tmp_path / "held", model, [], max_epochs=2, enable_checkpointing=True)
    assert held.rows == plain.rows
    recorded = model.hparams["lightning_lr"]
    assert recorded["max_lr"] == 0.5 and type(recorded["max_lr"]) is float
    assert recorded["div_factor"] == 4.0 and type(recorded["div_factor"]) is float, recorded
    assert _tensors(dict(model.hparams)) == []
    checkpoint = torch.load(next(Path(tmp_path, "held").rglob("*.ckpt")), weights_only=True)
    ours = {k: v for k, v in checkpoint["callbacks"].items() if k.startswith("OneCycle")}
    assert ours and _tensors(ours) == []


class Phase(enum.IntEnum):
    WARM = 1
    COOL = 2


class Mine(ScheduleCallback):
    """A user's callback that stores an enum, an exact fraction and a list it shares."""

    def __init__(self, phase: Phase, ratio: fractions.Fraction, table: list[Any], factor: float) -> None:
        super().__init__()
        self.phase, self.ratio, self.table, self.factor = phase, ratio, table, factor

    def build(self, run, steps, info):
        return S.Constant(info.base_lrs[0]), None


def test_a_users_callback_keeps_what_it_stores_but_numpy_scalars() -> None:
    # review 109: the conversion made a user's IntEnum a plain int, its exact Fraction a float, and replaced
    # a list the user still held (their later appends no longer reached the callback)
    shared = [np.float32(0.5)]
    cb = Mine(Phase.COOL, fractions.Fraction(1, 3), shared, np.float64(0.25))
    assert (
        cb.phase is Phase.COOL
        and cb.ratio == fractions.Fraction(1, 3)
        and type(cb.ratio) is fractions.Fraction
    )
    assert cb.table is shared
    assert cb.factor == 0.25 and type(cb.factor) is float


class Before(OneCycle):
    """A user's OneCycle that stores its own arguments before calling the package's constructor."""

    def __init__(self, phase: Phase, table: list[Any], div_factor: float = 25.0) -> None:
        self.phase, self.table = phase, table
        super().__init__(max_lr=0.5, div_factor=div_factor)


def test_a_users_subclass_of_a_package_callback_keeps_what_it_stored_first() -> None:
    # review 110: OneCycle's own conversion read the subclass's parameters and made its IntEnum an int and
    # replaced its list; the package's arguments are still converted
    shared = [np.float32(0.5)]
    cb = Before(Phase.COOL, shared, div_factor=np.int64(3))
    assert cb.phase is Phase.COOL and cb.table is shared
    assert cb.div_factor == 3 and type(cb.div_factor) is int
