"""Injection into every form configure_optimizers may return, a scheduler already there, several
optimizers under manual optimization, tensor LRs, and leaving the module as it was."""

from __future__ import annotations

import logging
import re
import warnings
from typing import Any

import numpy as np
import pytest
import torch
from lightning.pytorch.callbacks import ModelCheckpoint
from torch.optim.lr_scheduler import CyclicLR, LinearLR, OneCycleLR, ReduceLROnPlateau, StepLR

from lightning_lr import LRRangeTest, RangeTestResult
from lightning_lr import schedules as S
from lightning_lr.callbacks import (
    CosineDecay,
    Cyclic,
    Epochs,
    ExponentialDecay,
    Fraction,
    LRSchedule,
    MultiStepDecay,
    OneCycle,
    StepDecay,
    TimeDecay,
)
from lightning_lr.callbacks._inject import parse
from lightning_lr.optim import ScheduleLR

from support.models import Tiny, adam, sgd
from support.recording import Recorder, assert_trace
from support.trainers import fit

N = 24
ONE_CYCLE = S.OneCycle(0.1, total_steps=N)


def _sgd(model: Tiny) -> torch.optim.Optimizer:
    return torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)


FORMS = {
    "optimizer": lambda m: _sgd(m),
    "list": lambda m: [_sgd(m)],
    "tuple": lambda m: (_sgd(m),),
    "two lists": lambda m: ([_sgd(m)], []),
    "dict": lambda m: {"optimizer": _sgd(m)},
    "dict with monitor": lambda m: {"optimizer": _sgd(m), "monitor": "loss"},
    "list of dicts": lambda m: [{"optimizer": _sgd(m)}],
}


@pytest.mark.parametrize("form", list(FORMS))
def test_every_configure_optimizers_form(tmp_path, form) -> None:
    model = Tiny(optim=FORMS[form])
    rec = fit(tmp_path, model, [OneCycle()])
    assert_trace(rec.lr(), ONE_CYCLE.values(N))
    assert_trace(rec.momentum(), ONE_CYCLE.momentum().values(N))
    (config,) = model.trainer.lr_scheduler_configs
    assert isinstance(config.scheduler, ScheduleLR)
    assert (config.interval, config.frequency, config.name) == ("step", 1, None)


def _with(make_scheduler: Any, wrap: Any) -> Any:
    def optim(model: Tiny) -> Any:
        opt = _sgd(model)
        return wrap(opt, make_scheduler(opt))

    return optim


USER_SCHEDULERS = {
    "two lists": _with(lambda o: StepLR(o, 2), lambda o, s: ([o], [s])),
    "dict": _with(lambda o: StepLR(o, 2), lambda o, s: {"optimizer": o, "lr_scheduler": s}),
    "config dict": _with(
        lambda o: StepLR(o, 2),
        lambda o, s: {"optimizer": o, "lr_scheduler": {"scheduler": s, "interval": "step"}},
    ),
    "list of dicts": _with(lambda o: StepLR(o, 2), lambda o, s: [{"optimizer": o, "lr_scheduler": s}]),
    "plateau": _with(
        lambda o: ReduceLROnPlateau(o),
        lambda o, s: {"optimizer": o, "lr_scheduler": s, "monitor": "val_loss"},
    ),
}


@pytest.mark.parametrize("form", list(USER_SCHEDULERS))
def test_a_scheduler_already_on_the_optimizer_is_replaced_with_one_warning(tmp_path, form) -> None:
    model = Tiny(optim=USER_SCHEDULERS[form])
    with pytest.warns(
        UserWarning, match=r"OneCycle replaces the (StepLR|ReduceLROnPlateau) that configure_optimizers"
    ) as w:
        rec = fit(tmp_path, model, [OneCycle()])
    assert sum("replaces the" in str(x.message) for x in w) == 1
    # a replaced plateau points to the callback that composes with the schedule
    plateau = [str(x.message) for x in w if "ReduceOnPlateau callback" in str(x.message)]
    assert len(plateau) == (form == "plateau")
    assert_trace(rec.lr(), ONE_CYCLE.values(N))
    assert [type(c.scheduler) for c in model.trainer.lr_scheduler_configs] == [ScheduleLR]


def test_the_replaced_scheduler_does_not_change_the_base_lr(tmp_path) -> None:
    # LinearLR multiplies the LR by start_factor when it is created; the peak is still the configured LR
    model = Tiny(optim=_with(lambda o: LinearLR(o, start_factor=0.25), lambda o, s: ([o], [s])))
    with pytest.warns(UserWarning, match="OneCycle replaces the LinearLR"):
        rec = fit(tmp_path, model, [OneCycle()])
    assert_trace(rec.lr(), ONE_CYCLE.values(N))


def _cycle(make_optimizer: Any, make_cycle: Any) -> Any:
    """``make_optimizer(model)`` with ``make_cycle(optimizer)`` stepped every optimizer step."""

    def optim(model: Tiny) -> dict[str, Any]:
        opt = make_optimizer(model)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": make_cycle(opt), "interval": "step"}}

    return optim


def _one_cycle(opt: torch.optim.Optimizer) -> OneCycleLR:
    return OneCycleLR(opt, max_lr=[0.1, 0.02], total_steps=N)


def _cyclic(opt: torch.optim.Optimizer) -> CyclicLR:
    return CyclicLR(opt, base_lr=0.001, max_lr=[0.1, 0.02], step_size_up=4)


@pytest.mark.parametrize(
    ("optim", "cycle", "said"),
    [
        (
            sgd,
            _one_cycle,
            r"OneCycleLR wrote its cycle's start over the param groups' LR and momentum when it was built "
            r"\(they held LR 0\.004 in param group 0, 0\.0008 in param group 1, momentum 0\.95\): CosineDecay starts from the "
            r"LR and momentum configured, which it takes to be OneCycleLR's max_lr \(0\.1 in param group 0, 0\.02 in "
            r"param group 1\) and the optimizer's momentum \(0\.9\), put back in the groups\.",
        ),
        (
            adam,
            _one_cycle,
            r"OneCycleLR wrote its cycle's start .*momentum 0\.95\): .*the optimizer's momentum \(0\.9\)",
        ),
        (
            sgd,
            _cyclic,
            r"CyclicLR wrote its cycle's start over the param groups' LR and momentum when it was built "
            r"\(they held LR 0\.001, momentum 0\.9\): CosineDecay starts from the LR and momentum configured, which it takes "
            r"to be CyclicLR's max_lr \(0\.1 in param group 0, 0\.02 in param group 1\) and the optimizer's momentum "
            r"\(0\.9\), put back in the groups\.",
        ),
    ],
    ids=["OneCycleLR-SGD", "OneCycleLR-Adam", "CyclicLR-SGD"],
)
def test_a_replaced_cycle_leaves_the_lr_and_momentum_configured_not_its_start(
    tmp_path, optim, cycle, said
) -> None:
    # review 133: torch's OneCycleLR and CyclicLR write their cycle's start into the param groups when they are
    # built (OneCycleLR: lr and initial_lr max_lr/25, momentum 0.95), which a CosineDecay replacing them took as the
    # LR and momentum configured: it ran from 0.004 at momentum 0.95. Now each group starts from the cycle's peak
    # (max_lr, per group: the groups' ratio kept) at the optimizer's own momentum (Adam's beta1), as the fit of an
    # optimizer configured at those LRs does, and the warning says so
    model = Tiny(groups=2, optim=_cycle(optim, cycle))
    with pytest.warns(UserWarning, match=said):
        rec = fit(tmp_path, model, [CosineDecay()])
    expected = fit(tmp_path, Tiny(groups=2, ratio=0.2, optim=optim), [CosineDecay()])
    for group in (0, 1):
        assert_trace(rec.lr(group), expected.lr(group))
        assert_trace(rec.momentum(group), expected.momentum(group))
    assert rec.rows[0][1:] == ([0.1, 0.02], [0.9, 0.9])
    groups = model.trainer.optimizers[0].param_groups
    assert [g["initial_lr"] for g in groups] == [
        0.1,
        0.02,
    ]  # the LR configured, as the scheduler built records it
    if optim is adam:
        assert [g["betas"] for g in groups] == [(0.9, 0.999)] * 2  # beta2 untouched


def test_a_cycle_kept_in_a_fast_dev_run_keeps_its_start(tmp_path) -> None:
    # the values a replaced cycle gives back are read before it is replaced, and put in the groups only where it is:
    # a schedule that does not fit fast_dev_run's step leaves the module its own scheduler, as it wrote the groups
    make = _cycle(sgd, lambda o: OneCycleLR(o, max_lr=0.1, total_steps=N))
    rec = fit(tmp_path, Tiny(optim=make), [CosineDecay(warmup=Epochs(1))], fast_dev_run=2)
    alone = fit(tmp_path, Tiny(optim=make), [], fast_dev_run=2)
    assert rec.rows == alone.rows
    assert rec.rows[0][1:] == ([pytest.approx(0.004)], [0.95])


def test_two_lightning_lr_schedules_on_one_optimizer_are_an_error(tmp_path) -> None:
    with pytest.raises(ValueError, match=r"CosineDecay and OneCycle both schedule optimizer 0 \(SGD\)"):
        fit(tmp_path, Tiny(), [OneCycle(), CosineDecay()])


def test_no_optimizer_is_an_error(tmp_path) -> None:
    with pytest.raises(
        ValueError, match=r"configure_optimizers returned None, so there is no optimizer to schedule"
    ):
        fit(tmp_path, Tiny(optim=lambda m: None), [OneCycle()])


def test_parse_rejects_unknown_forms_and_keeps_a_plateau_monitor() -> None:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    with pytest.raises(TypeError, match=r"configure_optimizers must return an Optimizer, .*got 3"):
        parse(3)
    with pytest.raises(
        TypeError, match=r"a dict returned by configure_optimizers must have the key 'optimizer'"
    ):
        parse({"lr_scheduler": None})
    plateau = ReduceLROnPlateau(opt)
    conf = parse({"optimizer": opt, "lr_scheduler": plateau, "monitor": "val_loss"})
    assert conf.schedulers == [{"scheduler": plateau, "monitor": "val_loss"}]
    assert conf.entries_for(opt) == [0]


class Boom(Tiny):
    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        if batch_idx == 3:
            raise RuntimeError("boom")
        return super().training_step(batch, batch_idx)


def test_the_module_is_left_as_it_was_after_fit_and_after_an_exception(tmp_path) -> None:
    model = Tiny()
    fit(tmp_path, model, [OneCycle()])
    assert "configure_optimizers" not in vars(model)
    assert not isinstance(model.configure_optimizers(), tuple)

    model = Boom()
    with pytest.raises(RuntimeError, match="boom"):
        fit(tmp_path, model, [OneCycle()])
    assert "configure_optimizers" not in vars(model)

    model = Tiny()
    own = model.configure_optimizers
    model.configure_optimizers = own  # an instance attribute the user set is restored as it was
    fit(tmp_path, model, [OneCycle()])
    assert vars(model)["configure_optimizers"] is own


def test_fitting_twice_injects_again(tmp_path) -> None:
    model, cb = Tiny(), OneCycle()
    fit(tmp_path, model, [cb], max_epochs=1)
    rec = fit(tmp_path, model, [cb], max_epochs=1)
    assert_trace(rec.lr(), S.OneCycle(0.1, total_steps=12).values(12))


# --- tensor LRs -------------------------------------------------------------------------------------


def test_a_tensor_lr_stays_the_same_tensor_and_a_tensor_beta1_gets_one_of_its_own(tmp_path) -> None:
    tensors: dict[str, torch.Tensor] = {}

    def adam(model: Tiny) -> torch.optim.Optimizer:
        tensors["lr"] = torch.tensor(0.1, dtype=torch.float64)
        tensors["beta1"] = torch.tensor(0.9, dtype=torch.float64)
        betas = (tensors["beta1"], torch.tensor(0.999, dtype=torch.float64))
        return torch.optim.Adam(model.parameters(), lr=tensors["lr"], betas=betas)

    model = Tiny(optim=adam)
    rec = fit(tmp_path, model, [OneCycle()])
    group = model.trainer.optimizers[0].param_groups[0]
    assert group["lr"] is tensors["lr"]  # filled in place, as torch's schedulers do
    own = group["betas"][
        0
    ]  # the user's beta1 may be shared (review 132): one of the project's own, in its dtype
    assert own is not tensors["beta1"] and isinstance(own, torch.Tensor) and own.dtype == torch.float64
    assert tensors["beta1"].item() == 0.9
    assert_trace(rec.lr(), ONE_CYCLE.values(N))
    assert_trace(rec.momentum(), ONE_CYCLE.momentum().values(N))


def test_float32_tensor_lrs_are_filled_in_place(tmp_path) -> None:
    lr = torch.tensor(0.1)
    model = Tiny(optim=lambda m: torch.optim.SGD(m.parameters(), lr=lr, momentum=0.9))
    rec = fit(tmp_path, model, [CosineDecay()])
    assert model.trainer.optimizers[0].param_groups[0]["lr"] is lr
    assert_trace(rec.lr(), S.CosineDecay(float(torch.tensor(0.1)), total=N).values(N), rtol=1e-6)


# --- several optimizers (manual optimization) --------------------------------------------------------


class TwoOptimizers(Tiny):
    """Manual optimization with two optimizers stepped every batch. ``second`` picks the second
    optimizer; ``step_schedulers`` steps every scheduler after the optimizers, as Lightning documents."""

    def __init__(self, second: str = "adam", step_schedulers: bool = True) -> None:
        super().__init__()
        self.automatic_optimization = False
        self.other = torch.nn.Linear(4, 1)
        self.second = second
        self.step_schedulers = step_schedulers

    def training_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        for opt, layer in zip(self.optimizers(), (self.layer, self.other), strict=True):
            loss = torch.nn.functional.mse_loss(layer(x), y)
            opt.zero_grad()
            self.manual_backward(loss)
            opt.step()
        schedulers = self.lr_schedulers()
        if self.step_schedulers and schedulers is not None:
            for s in schedulers if isinstance(schedulers, list) else [schedulers]:
                s.step()

    def configure_optimizers(self) -> Any:
        first = torch.optim.SGD(self.layer.parameters(), lr=0.1, momentum=0.9)
        if self.second == "sgd":
            return [first, torch.optim.SGD(self.other.parameters(), lr=0.01, momentum=0.5)]
        return [first, torch.optim.Adam(self.other.parameters(), lr=0.01)]


def _trace(rec: Recorder, index: int) -> tuple[list[float], list[float]]:
    rows = rec.by_optimizer[index]
    return [r[0][0] for r in rows], [r[1][0] for r in rows]


@pytest.mark.parametrize(("target", "scheduled"), [("all", (0, 1)), (1, (1,)), ("SGD", (0,)), ("Adam", (1,))])
def test_targeting_optimizers_under_manual_optimization(tmp_path, target, scheduled) -> None:
    model = TwoOptimizers()
    rec = fit(tmp_path, model, [OneCycle(optimizer=target)])
    peaks, momentum = (0.1, 0.01), (0.9, 0.9)
    for index in (0, 1):
        lrs, moms = _trace(rec, index)
        if index in scheduled:
            expected = S.OneCycle(peaks[index], total_steps=N)
            assert_trace(lrs, expected.values(N))
            assert_trace(moms, expected.momentum().values(N))
        else:
            assert_trace(lrs, [peaks[index]] * N)
            assert_trace(moms, [momentum[index]] * N)


def test_two_callbacks_on_two_optimizers(tmp_path) -> None:
    model = TwoOptimizers()
    rec = fit(tmp_path, model, [OneCycle(optimizer=0), CosineDecay(optimizer=1, final=0.001)])
    assert_trace(_trace(rec, 0)[0], S.OneCycle(0.1, total_steps=N).values(N))
    assert_trace(_trace(rec, 1)[0], S.CosineDecay(0.01, total=N, final=0.001).values(N))


ACROSS = "is the value of each optimizer's own param group with the largest LR"


class SameLRs(TwoOptimizers):
    """:class:`TwoOptimizers` with both optimizers at lr=0.1."""

    def configure_optimizers(self) -> Any:
        return [
            torch.optim.SGD(self.layer.parameters(), lr=0.1, momentum=0.9),
            torch.optim.Adam(self.other.parameters(), lr=0.1),
        ]


def test_one_number_over_optimizers_at_different_lrs_says_it_is_each_optimizers_own(tmp_path, caplog) -> None:
    # review 127: OneCycle(max_lr=0.1) over a G at 0.01 and a D at 0.001 peaked both at 0.1 without a word, where
    # the README's "the other groups keep their ratio to it" read across optimizers promised D 0.01. It stays per
    # optimizer (as torch's OneCycleLR on each; a resume keeps its LRs), and an info line says so
    with caplog.at_level(logging.INFO):
        rec = fit(tmp_path, TwoOptimizers(), [OneCycle(max_lr=0.1)])
    assert_trace(_trace(rec, 0)[0], ONE_CYCLE.values(N))
    assert_trace(_trace(rec, 1)[0], ONE_CYCLE.values(N))  # the Adam at 0.01 peaks at 0.1 too
    said = [r.getMessage() for r in caplog.records if ACROSS in r.getMessage()]
    assert said == [
        "OneCycle: max_lr=0.1 is the value of each optimizer's own param group with the largest LR, so the "
        "optimizers' LRs do not keep their ratio (optimizer 0 (SGD), whose largest LR is 0.1, gets 0.1; optimizer 1 "
        "(Adam), whose largest LR is 0.01, gets 0.1), as torch's schedulers give each optimizer the number given to "
        "it. For a schedule per optimizer, or to keep their ratio, give each optimizer its own callback "
        "(optimizer=0, optimizer=1) with its own max_lr"
    ]


def test_the_optimizers_line_comes_only_where_their_largest_lrs_differ(tmp_path, caplog) -> None:
    # a final LR as one number too (CosineDecay(final=...)); not for one optimizer (the groups' line says what
    # they get), optimizers at one LR (the number keeps their ratio), nor when no number is given
    with caplog.at_level(logging.INFO):
        rec = fit(tmp_path / "final", TwoOptimizers(second="sgd"), [CosineDecay(final=1e-4)])
    assert_trace(_trace(rec, 0)[0], S.CosineDecay(0.1, total=N, final=1e-4).values(N))
    assert_trace(_trace(rec, 1)[0], S.CosineDecay(0.01, total=N, final=1e-4).values(N))  # to 1e-4 too
    (said,) = [r.getMessage() for r in caplog.records if ACROSS in r.getMessage()]
    assert said.startswith("CosineDecay: final=0.0001 is the value of each optimizer's own param group")
    assert "optimizer 1 (SGD), whose largest LR is 0.01, gets 0.0001" in said
    assert said.endswith(
        "with its own final, or final_ratio for a final LR in proportion to each group's start"
    )
    for name, model, callback in [
        ("one", Tiny(groups=2, ratio=0.1), OneCycle(max_lr=0.5)),
        ("same", SameLRs(), OneCycle(max_lr=0.5)),
        ("same-final", SameLRs(), CosineDecay(final=1e-4)),
        ("given-none", TwoOptimizers(), OneCycle()),
        ("one-of-two", TwoOptimizers(), OneCycle(max_lr=0.5, optimizer=1)),
    ]:
        caplog.clear()
        with caplog.at_level(logging.INFO):
            fit(tmp_path / name, model, [callback])
        assert not [r for r in caplog.records if ACROSS in r.getMessage()], name


def test_one_absolute_lr_schedule_over_optimizers_at_different_lrs_is_warned(tmp_path) -> None:
    # a GAN's generator at 0.1 and discriminator at 0.01 under LRSchedule(CosineDecay(0.1)) both ran at the
    # schedule's values without a word, where one optimizer's groups at different LRs get a warning
    schedule = S.CosineDecay(0.1, total=N)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        rec = fit(tmp_path / "one", TwoOptimizers(), [LRSchedule(schedule)])
    assert_trace(_trace(rec, 0)[0], schedule.values(N))
    assert_trace(_trace(rec, 1)[0], schedule.values(N))  # the documented meaning: its values for every group
    said = [str(x.message) for x in w if "absolute schedule" in str(x.message)]
    assert said == [
        "LRSchedule: lr=CosineDecay(initial=0.1, total=24, final=0) is one absolute schedule, so the optimizers it "
        "schedules, configured at different LRs (optimizer 0 (SGD) at lr 0.1, optimizer 1 (Adam) at lr 0.01), all "
        "get its values and their ratio is not kept. To keep it, pass relative=True with the schedule as a factor "
        "of each group's LR (e.g. CosineDecay(1.0, total=...)), or give each optimizer its own LRSchedule "
        "(optimizer=0, optimizer=1)."
    ]
    # what it says to do keeps each optimizer's LR, without the warning; so do optimizers at one LR
    shape = S.CosineDecay(1.0, total=N)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        rec = fit(tmp_path / "relative", TwoOptimizers(), [LRSchedule(shape, relative=True)])
        assert_trace(_trace(rec, 1)[0], 0.01 * shape.values(N))
        rec = fit(
            tmp_path / "own",
            TwoOptimizers(),
            [LRSchedule(schedule, optimizer=0), LRSchedule(S.CosineDecay(0.01, total=N), optimizer=1)],
        )
        assert_trace(_trace(rec, 1)[0], S.CosineDecay(0.01, total=N).values(N))
        fit(tmp_path / "same", SameLRs(), [LRSchedule(schedule)])
        # an optimizer at lr 0 has no LR to keep (review 139): it gets the schedule's values, as groups all at 0 do
        rec = fit(tmp_path / "zero", AtZero(), [LRSchedule(schedule)])
        assert_trace(_trace(rec, 1)[0], schedule.values(N))
    assert [str(x.message) for x in w if "absolute schedule" in str(x.message)] == []


class AtZero(TwoOptimizers):
    """:class:`TwoOptimizers` with the second optimizer at lr=0, for a schedule to set."""

    def configure_optimizers(self) -> Any:
        return [
            torch.optim.SGD(self.layer.parameters(), lr=0.1, momentum=0.9),
            torch.optim.Adam(self.other.parameters(), lr=0.0),
        ]


def test_a_list_as_long_as_the_optimizers_is_said_to_be_per_param_group(tmp_path) -> None:
    # review 127: max_lr=[0.1, 0.05] over two one-group optimizers was refused with "optimizer 0 (SGD) has 1 param
    # group", which did not say that a list is per param group, nor how to give a value per optimizer
    with pytest.raises(ValueError) as err:
        fit(tmp_path, TwoOptimizers(), [OneCycle(max_lr=[0.1, 0.05])])
    assert str(err.value).endswith(
        "max_lr has 2 values but optimizer 0 (SGD) has 1 param group; give one per group (None to leave a group "
        "alone) or a single number (a list is one value per param group of each of the 2 optimizers this callback "
        "schedules, not one per optimizer: for a value per optimizer, give each its own callback, optimizer=<index>)"
    )
    with pytest.raises(ValueError) as err:  # one optimizer scheduled: no such hint
        fit(tmp_path / "one", TwoOptimizers(), [OneCycle(max_lr=[0.1, 0.05], optimizer=0)])
    assert str(err.value).endswith("or a single number")


def test_bad_targets_are_errors_that_list_the_optimizers(tmp_path) -> None:
    with pytest.raises(
        IndexError,
        match=r"OneCycle\(optimizer=2\): configure_optimizers returned 2 optimizers \(0: SGD, 1: Adam\)",
    ):
        fit(tmp_path, TwoOptimizers(), [OneCycle(optimizer=2)])
    with pytest.raises(
        ValueError, match=r"OneCycle\(optimizer='Adagrad'\) matches no optimizer .*\(0: SGD, 1: Adam\)"
    ):
        fit(tmp_path, TwoOptimizers(), [OneCycle(optimizer="Adagrad")])
    with pytest.raises(
        ValueError, match=r"OneCycle\(optimizer='SGD'\) matches 2 optimizers .*\(0: SGD, 1: SGD\)"
    ):
        fit(tmp_path, TwoOptimizers(second="sgd"), [OneCycle(optimizer="SGD")])


def test_forgetting_to_step_under_manual_optimization_warns_once(tmp_path) -> None:
    with pytest.warns(
        UserWarning,
        match=r"OneCycle: optimizer 0 \(SGD\) has stepped 1 time but its schedule has not moved",  # review 122
    ) as w:
        rec = fit(tmp_path, TwoOptimizers(step_schedulers=False), [OneCycle(optimizer=0)])
    assert sum("has not moved" in str(x.message) for x in w) == 1
    assert_trace(_trace(rec, 0)[0], [ONE_CYCLE(0)] * N)


def test_lr_schedule_on_one_of_two_sgd_optimizers_by_index(tmp_path) -> None:
    rec = fit(tmp_path, TwoOptimizers(second="sgd"), [LRSchedule(S.Constant(0.05), optimizer=1)])
    assert_trace(_trace(rec, 1)[0], [0.05] * N)
    assert_trace(_trace(rec, 0)[0], [0.1] * N)


def test_an_optimizer_index_out_of_range_says_what_is_allowed(tmp_path: Any) -> None:
    with pytest.raises(IndexError, match=r"optimizer=3.*returned 1 optimizer \(.*index from 0 to 0"):
        fit(tmp_path, Tiny(), [OneCycle(max_lr=0.1, optimizer=3)])


class Critic(TwoOptimizers):
    """A GAN-like loop: the second optimizer (the critic) steps twice per batch, the first once."""

    def training_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        first, critic = self.optimizers()
        for opt, layer, times in ((first, self.layer, 1), (critic, self.other, 2)):
            for _ in range(times):
                loss = torch.nn.functional.mse_loss(layer(x), y)
                opt.zero_grad()
                self.manual_backward(loss)
                opt.step()
                if opt is critic:
                    self.lr_schedulers().step()


def test_durations_count_the_steps_of_the_optimizer_they_drive(tmp_path) -> None:
    callback = OneCycle(optimizer=1)
    with pytest.warns(
        UserWarning,
        match=r"OneCycle: under manual optimization .* step 2 times per batch, .* the run is 48 optimizer steps \(total=48\)",
    ):
        rec = fit(tmp_path, Critic(), [callback])
    assert callback.run is not None and callback.run.total_steps == 2 * N
    lrs, _ = _trace(rec, 1)
    assert len(lrs) == 2 * N  # the critic's 48 steps, not the 24 batches
    # from the end of the second batch on (its 2 steps after the first's 2 tell the rate), the cycle spans
    # the critic's steps: the peak is reached 30% in, and the last step is the cycle's last, not a final
    # value held for half the run
    expected = S.OneCycle(0.01, total_steps=2 * N).values(2 * N)
    assert_trace(lrs[4:], expected[4:])
    assert int(np.argmax(lrs)) == int(np.argmax(expected)) == 14


class Accumulating(Tiny):
    """Manual optimization with a gradient accumulation written by hand: the optimizer and its scheduler step
    at the end of every ``every`` batches (from ``start`` on: batch 0 of an epoch may only accumulate)."""

    def __init__(self, every: int = 2, start: int = 0, flush: bool = False) -> None:
        super().__init__()
        self.automatic_optimization = False
        self.every, self.start, self.flush = every, start, flush

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        loss = torch.nn.functional.mse_loss(self.layer(x), y)
        self.manual_backward(loss / self.every)
        last = batch_idx + 1 == self.trainer.num_training_batches
        if batch_idx >= self.start and ((batch_idx + 1) % self.every == 0 or (self.flush and last)):
            self.optimizers().step()
            self.optimizers().zero_grad()
            self.lr_schedulers().step()
        return loss  # for a range test


@pytest.mark.parametrize(("every", "said"), [(2, "once every 2 batches"), (3, "once every 3 batches")])
def test_durations_count_the_steps_of_an_optimizer_that_steps_every_few_batches(
    tmp_path: Any, every: int, said: str
) -> None:
    callback = OneCycle()
    steps = N // every  # 12 batches per epoch, 2 epochs
    with pytest.warns(
        UserWarning,
        match=rf"OneCycle: under manual optimization .* step {said}, .* the run is {steps} optimizer steps "
        rf"\(total={steps}\)",
    ):
        rec = fit(tmp_path, Accumulating(every), [callback])
    assert callback.run is not None and callback.run.total_steps == steps
    lrs, _ = _trace(rec, 0)
    assert len(lrs) == steps
    # told at the second step: from the third on the cycle spans the run's steps and ends where it should,
    # at the cycle's last value (before: planned for the 24 batches, the run ended near the peak)
    expected = S.OneCycle(0.1, total_steps=steps).values(steps)
    assert_trace(lrs[2:], expected[2:])
    assert lrs[-1] == pytest.approx(expected[-1], rel=1e-12)
    assert callback.state_dict()["steps_per_batch"] == [1, every]


def test_a_first_batch_that_only_accumulates_does_not_halve_the_steps(tmp_path: Any) -> None:
    # the optimizer steps at every batch but the first of each epoch: the early estimate (from the second
    # step, one batch after the first) is one per batch, not one per two; the epoch's end settles on its 11
    # steps in 12 batches, the run's 22 steps
    callback = OneCycle()
    with pytest.warns(UserWarning) as caught:
        rec = fit(tmp_path, Accumulating(every=1, start=1), [callback])
    said = [str(w.message) for w in caught if "under manual optimization" in str(w.message)]
    assert said == [
        "OneCycle: under manual optimization the optimizer(s) it schedules step 11 times every 12 batches (11 "
        "steps in the epoch's 12 batches), so its durations are counted in their steps: the run is 22 "
        "optimizer steps (total=22)."
    ]
    assert callback.run is not None and callback.run.total_steps == 22
    lrs, _ = _trace(rec, 0)
    assert len(lrs) == 22
    assert lrs[-1] == pytest.approx(S.OneCycle(0.1, total_steps=22).values(22)[-1], rel=1e-12)


@pytest.mark.parametrize("order", ["schedule first", "range test first"])
def test_a_range_test_at_train_start_is_not_counted_as_the_runs_steps(tmp_path: Any, order: str) -> None:
    # before: with the schedule listed first, its step counter saw the sweep's 10 steps in the first batch
    # and planned the run for 11 steps per batch (264 steps for a run of 24)
    callback = OneCycle()
    test = LRRangeTest(num_steps=10, confirm=False, progress_bar=False, log=False)
    callbacks = [callback, test] if order == "schedule first" else [test, callback]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*(LR range test|suggest).*")
        rec = fit(tmp_path, Accumulating(every=1), callbacks)
    assert callback.run is not None and callback.run.total_steps == N
    assert callback.state_dict()["steps_per_batch"] == 1
    lrs, _ = _trace(rec, 0)
    assert len(lrs) == N and lrs[-1] < lrs[0]  # the cycle is run to its end


def test_a_resume_keeps_the_steps_per_batch_it_was_told(tmp_path: Any) -> None:
    # 3 epochs of 12 batches, a step every 2: 18 steps; the resumed run (from the end of epoch 0) has no
    # first batch of the first epoch to tell it again, and plans the same 18 steps from the checkpoint
    def run(**kwargs: Any) -> tuple[Recorder, OneCycle]:
        callback = OneCycle()
        checkpoint = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_epochs=1, save_top_k=-1)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", ".*once every 2 batches.*")
            rec = fit(tmp_path, Accumulating(2), [callback, checkpoint], max_epochs=3, **kwargs)
        return rec, callback

    full, callback = run(enable_checkpointing=True)
    assert callback.run is not None and callback.run.total_steps == 18
    (first_epoch,) = (tmp_path / "ckpt").glob("epoch=0-*.ckpt")
    resumed, again = run(enable_checkpointing=True, ckpt_path=str(first_epoch))
    assert again.run is not None and again.run.total_steps == 18
    assert resumed.rows == full.rows[6:]


def _manual_fit(tmp_path: Any, model: Any, callbacks: list, **kwargs: Any) -> tuple[Recorder, list[str]]:
    """A fit and what lightning_lr said about the steps per batch."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = fit(tmp_path, model, callbacks, **kwargs)
    return rec, [str(w.message) for w in caught if re.search("batches|stepped|did not step", str(w.message))]


def _ends_its_cycle(lrs: list[float], steps: int) -> bool:
    return len(lrs) == steps and lrs[-1] == pytest.approx(
        S.OneCycle(0.1, total_steps=steps).values(steps)[-1]
    )


def test_max_steps_counts_the_optimizer_steps_already(tmp_path: Any) -> None:
    # under manual optimization Lightning's max_steps bounds global_step, the optimizer's steps: a run of 10
    # steps, not 5 (before: planned 5, and the last 5 steps trained at the cycle's final 4e-7)
    callback = OneCycle()
    rec, _ = _manual_fit(tmp_path, Accumulating(every=2), [callback], max_epochs=100, max_steps=10)
    assert callback.run is not None and callback.run.total_steps == 10
    assert _ends_its_cycle(_trace(rec, 0)[0], 10)


def test_an_accumulation_that_steps_at_the_epochs_end_too_is_settled_at_the_end(tmp_path: Any) -> None:
    # every 8 batches and at the last of each 12: 2 steps per epoch, though the first two are 4 batches apart
    # (before: planned 6 for 4, and the run ended at 0.046)
    callback = OneCycle()
    rec, said = _manual_fit(tmp_path, Accumulating(every=8, flush=True), [callback])
    assert callback.run is not None and callback.run.total_steps == 4
    assert _ends_its_cycle(_trace(rec, 0)[0], 4)
    assert said == [
        "OneCycle: under manual optimization the optimizer(s) it schedules step once every 4 batches, so its "
        "durations are counted in their steps: the run is 6 optimizer steps (total=6). Its first 2 steps, taken "
        "before the rate could be told, followed the plan counted in batches; durations in optimizer steps (ints) "
        "are planned in them from the start.",
        "OneCycle: under manual optimization the optimizer(s) it schedules step once every 6 batches (2 steps "
        "in the epoch's 12 batches), so its durations are counted in their steps: the run is 4 "
        "optimizer steps (total=4).",
    ]


def test_a_rate_told_in_one_fit_is_not_the_next_fits(tmp_path: Any) -> None:
    callback = OneCycle()
    _manual_fit(tmp_path, Accumulating(every=2), [callback])
    assert callback.run is not None and callback.run.total_steps == 12
    rec = fit(tmp_path, Tiny(), [callback])  # automatic, the same callback object
    assert callback.run.total_steps == N
    assert_trace(_trace(rec, 0)[0], ONE_CYCLE.values(N))


@pytest.mark.usefixtures("exact_mid_epoch_resume")
def test_a_resume_before_the_rate_was_settled_tells_it_again(tmp_path: Any) -> None:
    # the checkpoint after step 1 was written before the first epoch told the rate (before: the resumed run
    # planned the 24 batches, and ended at 0.081)
    checkpoint = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_train_steps=1, save_top_k=-1)
    full = OneCycle()
    _manual_fit(tmp_path, Accumulating(every=2), [full, checkpoint], enable_checkpointing=True)
    (early,) = (tmp_path / "ckpt").glob("*-step=1.ckpt")
    assert (
        torch.load(early, weights_only=False)["callbacks"]["OneCycle{'optimizer': 'all'}"]["rate_settled"]
        is False
    )
    resumed = OneCycle()
    rec, _ = _manual_fit(tmp_path, Accumulating(every=2), [resumed], ckpt_path=str(early))
    assert resumed.run is not None and resumed.run.total_steps == 12
    lrs, _ = _trace(rec, 0)
    assert lrs[-1] == pytest.approx(S.OneCycle(0.1, total_steps=12).values(12)[-1])


@pytest.mark.usefixtures("exact_mid_epoch_resume")
def test_a_resume_before_the_rate_was_told_goes_on_as_the_uninterrupted_run(tmp_path: Any) -> None:
    # review 54: the critic steps twice per batch; its rate is told after batch 1 (step 3). A checkpoint after
    # batch 0 began a new window on resume, told later, so steps 4-5 ran on the batch-counted plan and
    # their LR differed; the open window now travels in the checkpoint
    checkpoint = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_train_steps=1, save_top_k=-1)
    full = CosineDecay(optimizer=1, warmup=Epochs(1))
    rec, said = _manual_fit(tmp_path, Critic(), [full, checkpoint], enable_checkpointing=True)
    uninterrupted = _trace(rec, 1)[0]
    assert said[0].endswith(
        "Its first 4 steps, taken before the rate could be told, followed the plan counted in batches; durations "
        "in optimizer steps (ints) are planned in them from the start."
    )
    (early,) = (tmp_path / "ckpt").glob("*-step=3.ckpt")  # global_step counts both optimizers: batch 0
    state = torch.load(early, weights_only=True)["callbacks"]["CosineDecay{'optimizer': 1}"]
    assert state["rate_settled"] is False and state["rate_window"]["batches"] == 1
    resumed = CosineDecay(optimizer=1, warmup=Epochs(1))
    rec, _ = _manual_fit(tmp_path, Critic(), [resumed], ckpt_path=str(early))
    lrs = _trace(rec, 1)[0]
    assert lrs == pytest.approx(uninterrupted[-len(lrs) :], rel=1e-12)


class _LateSecond(TwoOptimizers):
    """The first optimizer steps every batch, the second every 5th."""

    def training_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        for opt, layer, due in zip(
            self.optimizers(), (self.layer, self.other), (True, (batch_idx + 1) % 5 == 0), strict=True
        ):
            if due:
                opt.zero_grad()
                self.manual_backward(torch.nn.functional.mse_loss(layer(x), y))
                opt.step()
        for scheduler, due in zip(self.lr_schedulers(), (True, (batch_idx + 1) % 5 == 0), strict=True):
            if due:
                scheduler.step()


def test_one_callback_on_optimizers_that_step_at_different_rates_says_so(tmp_path: Any) -> None:
    # the second optimizer first steps after the first one's rate was told: the epoch's end sees it
    callback = OneCycle()
    _, said = _manual_fit(tmp_path, _LateSecond(), [callback])
    assert said == [
        "OneCycle: the optimizers it schedules stepped [12, 2] times in 12 batches; its durations are counted in "
        "batches (24 in the run), but each schedule advances with its own scheduler's steps: optimizer 1 (Adam)'s "
        "scheduler steps once every 6 batches, so its schedule goes at 0.17 of the planned pace: at the run's end (batch "
        "24) it is at about step 4 of the plan's 24. Schedule each with its own callback (optimizer=<index>) to "
        "count each in its own steps."
    ]
    # each with its own callback: counted in its own steps
    first, second = OneCycle(optimizer=0), OneCycle(optimizer=1)
    rec, _ = _manual_fit(tmp_path, _LateSecond(), [first, second])
    assert first.run is not None and first.run.total_steps == N
    assert second.run is not None and second.run.total_steps == 4
    assert len(_trace(rec, 1)[0]) == 4


class _CriticStepsItsScheduler(TwoOptimizers):
    """The first optimizer steps once per batch and the second (a critic) twice; each scheduler steps after
    its own optimizer."""

    def training_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        schedulers = {id(s.optimizer): s for s in self.lr_schedulers()}
        for opt, layer, times in zip(self.optimizers(), (self.layer, self.other), (1, 2), strict=True):
            for _ in range(times):
                opt.zero_grad()
                self.manual_backward(torch.nn.functional.mse_loss(layer(x), y))
                opt.step()
                schedulers[id(opt.optimizer)].step()


def test_optimizers_stepping_at_different_rates_are_planned_in_batches_within_max_steps(
    tmp_path: Any,
) -> None:
    # counted in batches, as the optimizers differ; max_steps bounds global_step, every optimizer's steps (3
    # per batch), so the run is 10 batches, not 30 (before: 30, and the cycle stopped a third of the way in)
    callback = OneCycle()
    rec, said = _manual_fit(tmp_path, _CriticStepsItsScheduler(), [callback], max_epochs=5, max_steps=30)
    assert callback.run is not None and callback.run.total_steps == 10
    assert said == [
        "OneCycle: the optimizers it schedules stepped [1, 2] times in 1 batch; its durations are counted in "
        "batches (10 in the run), but each schedule advances with its own scheduler's steps: optimizer 1 (Adam)'s "
        "scheduler steps 2 times per batch, so its schedule goes 2 times as fast as planned: it reaches the plan's end "
        "(batch 10) at about batch 5, and runs the last 5 batches past it (a schedule that ends there holds its "
        "final value). Schedule each with its own callback (optimizer=<index>) to count each in its own steps.",
        "OneCycle: its durations are counted in batches, and max_steps counts every optimizer's steps (3 times "
        "per batch so far): the run is 10 batches (total=10).",
    ]
    lrs, _ = _trace(rec, 0)
    assert _ends_its_cycle(lrs, 10)


class _CriticStepsTwiceItsSchedulerOnce(TwoOptimizers):
    """The critic (the second optimizer) steps twice per batch, the generator once; the module steps each scheduler
    once per batch, as Lightning's docs on manual optimization show: in ``training_step``, or (``in_step=False``)
    in its ``on_train_batch_end``, which Lightning calls after the callbacks'."""

    in_step = True

    def training_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        for opt, layer, times in zip(self.optimizers(), (self.layer, self.other), (1, 2), strict=True):
            for _ in range(times):
                opt.zero_grad()
                self.manual_backward(torch.nn.functional.mse_loss(layer(x), y))
                opt.step()
        if self.in_step:
            self._step_schedulers()

    def on_train_batch_end(self, outputs: Any, batch: Any, batch_idx: int) -> None:
        if not self.in_step:
            self._step_schedulers()

    def _step_schedulers(self) -> None:
        for scheduler in self.lr_schedulers():
            scheduler.step()


class _SchedulersSteppedAfterTheBatch(_CriticStepsTwiceItsSchedulerOnce):
    in_step = False


@pytest.mark.parametrize(
    "model",
    [_CriticStepsTwiceItsSchedulerOnce, _SchedulersSteppedAfterTheBatch],
    ids=["in the step", "after it"],
)
def test_a_critic_whose_scheduler_steps_once_per_batch_keeps_to_the_plan_unsaid(
    tmp_path: Any, model: Any
) -> None:
    # r155: its schedule ended at the run's end, but a warning said it went 2 times as fast as planned and reached
    # its end at batch 12 of 24 (the optimizer's steps were counted, where the schedule goes at its scheduler's);
    # r157: so it still did for schedulers stepped in the module's on_train_batch_end, after the callback's
    rec, said = _manual_fit(tmp_path, model(), [OneCycle()])
    # (r158: stepped after the batch, it was also said to have not moved)
    assert not [m for m in said if re.search("as fast as planned|advances with its own|has not moved", m)]
    # each schedule once per batch: both end their cycle at the run's last batch (the critic's LR read at each of
    # its two steps per batch)
    assert _ends_its_cycle(_trace(rec, 0)[0], N)
    critic = _trace(rec, 1)[0]
    assert critic[::2] == critic[1::2] and len(critic) == 2 * N
    assert critic[-1] == pytest.approx(S.OneCycle(0.01, total_steps=N).values(N)[-1])
    assert critic[N] > 10 * critic[-1]  # halfway through, far from the floor


class _SchedulersNeverStepped(_CriticStepsTwiceItsSchedulerOnce):
    def _step_schedulers(self) -> None:
        pass


@pytest.mark.parametrize("batches", [12, 1])
def test_a_critic_whose_scheduler_never_steps_is_not_said_to_go_at_its_optimizers_pace(
    tmp_path: Any, batches: int
) -> None:
    # r158: a scheduler that never moved was said to go 2 times as fast (its optimizer's pace), beside the warning
    # that it has not moved; so was one stepped after the batch in epochs of 1 batch
    _, said = _manual_fit(tmp_path, _SchedulersNeverStepped(), [OneCycle()], limit_train_batches=batches)
    assert not [m for m in said if "as fast as planned" in m]
    assert any("optimizer 1 (Adam) has stepped 2 times but its schedule has not moved" in m for m in said)
    _, said = _manual_fit(
        tmp_path, _SchedulersSteppedAfterTheBatch(), [OneCycle()], limit_train_batches=batches
    )
    assert not [m for m in said if re.search("as fast as planned|has not moved", m)]


class _OnlyTheCriticsSchedulerSteps(TwoOptimizers):
    """The generator's scheduler is never stepped; the critic steps twice per batch, its scheduler after each."""

    def training_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        (generator, critic), (_, schedule) = self.optimizers(), self.lr_schedulers()
        generator.zero_grad()
        self.manual_backward(torch.nn.functional.mse_loss(self.layer(x), y))
        generator.step()
        for _ in range(2):
            critic.zero_grad()
            self.manual_backward(torch.nn.functional.mse_loss(self.other(x), y))
            critic.step()
            schedule.step()


def test_a_critic_going_twice_as_fast_is_said_beside_a_scheduler_never_stepped(tmp_path: Any) -> None:
    # the generator's pace is never told, so the warning waits for the next batch's start: the critic's is read
    # over the batches done by then (r158's review of the wait: read with the batch not yet run, it was 1)
    # (the fit ends within its first epoch, before the rate's window would tell it again)
    _, said = _manual_fit(tmp_path, _OnlyTheCriticsSchedulerSteps(), [OneCycle()], max_epochs=5, max_steps=30)
    (paced,) = [m for m in said if "as fast as planned" in m]
    assert (
        "optimizer 1 (Adam)'s scheduler steps 2 times per batch, so its schedule goes 2 times as fast"
        in paced
    )
    assert "optimizer 0" not in paced.split("advances with its own scheduler's steps:")[1]


def test_one_callback_on_a_critic_says_where_its_schedule_ends(tmp_path: Any) -> None:
    # review 101: a critic stepping twice per batch ran its whole 1cycle in the first half of the run and sat at
    # the floor for the rest, while the warning said only that the durations were counted in batches
    rec, said = _manual_fit(tmp_path, _CriticStepsItsScheduler(), [OneCycle()])
    assert said[0] == (
        "OneCycle: the optimizers it schedules stepped [1, 2] times in 1 batch; its durations are counted in "
        "batches (24 in the run), but each schedule advances with its own scheduler's steps: optimizer 1 (Adam)'s "
        "scheduler steps 2 times per batch, so its schedule goes 2 times as fast as planned: it reaches the plan's end "
        "(batch 24) at about batch 12, and runs the last 12 batches past it (a schedule that ends there holds its "
        "final value). Schedule each with its own callback (optimizer=<index>) to count each in its own steps."
    )
    generator, critic = _trace(rec, 0)[0], _trace(rec, 1)[0]
    assert _ends_its_cycle(generator, N)  # once per batch: the plan
    floor = S.OneCycle(0.01, total_steps=N).values(N)[-1]
    assert len(critic) == 2 * N and critic[N - 1] == pytest.approx(floor)  # its 24th step: batch 12
    assert critic[N:] == pytest.approx([floor] * N)  # what the warning says: batches 12 to 24 at the floor


class _SecondEveryFifth(TwoOptimizers):
    """The first optimizer (a critic) steps every batch, the second (a generator) at every 5th from the
    first; each scheduler after its own optimizer. 100 batches an epoch."""

    def __init__(self) -> None:
        super().__init__()
        self.n = 100 * self.batch_size

    def training_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        schedulers = {id(s.optimizer): s for s in self.lr_schedulers()}
        for opt, layer, due in zip(
            self.optimizers(), (self.layer, self.other), (True, batch_idx % 5 == 0), strict=True
        ):
            if due:
                opt.zero_grad()
                self.manual_backward(torch.nn.functional.mse_loss(layer(x), y))
                opt.step()
                schedulers[id(opt.optimizer)].step()


def test_every_optimizers_rate_is_refined_within_the_first_epoch_for_max_steps(tmp_path: Any) -> None:
    # the first two batches hold 3 steps (1.5 per batch: 24 batches for max_steps=36), the run 1.2 per batch:
    # 30 batches, within the first epoch, which never ends to settle it (before: 24 planned, and the critic
    # sat at its final LR for the last 6 batches)
    callback = OneCycle()
    rec, _ = _manual_fit(tmp_path, _SecondEveryFifth(), [callback], max_steps=36)
    assert callback.run is not None and callback.run.total_steps == 30
    lrs, _ = _trace(rec, 0)
    assert _ends_its_cycle(lrs, 30)


def test_no_step_in_the_first_epoch_says_the_durations_stay_in_batches(tmp_path: Any) -> None:
    callback = OneCycle()
    _, said = _manual_fit(tmp_path, Accumulating(every=13), [callback], max_epochs=3)
    assert said == [
        "OneCycle: the optimizer(s) it schedules did not step in 12 batches (to the end of the epoch), so it "
        "cannot tell how often they step: its durations stay counted in batches (36 steps). Give durations in "
        "optimizer steps (an int) to plan them in steps."
    ]


class _FullBatch(Tiny):
    """Manual optimization that accumulates the whole epoch and steps once, in the module's on_train_epoch_end
    (which Lightning calls after the callbacks')."""

    def __init__(self) -> None:
        super().__init__()
        self.automatic_optimization = False

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        loss = torch.nn.functional.mse_loss(self.layer(x), y)
        self.manual_backward(loss)
        return loss

    def on_train_epoch_end(self) -> None:
        self.optimizers().step()
        self.optimizers().zero_grad()
        self.lr_schedulers().step()


def test_steps_outside_the_training_batches_are_said_not_counted(tmp_path: Any) -> None:
    # r162: a fit stepping once per epoch in on_train_epoch_end was told its optimizer "did not step in 12
    # batches", and planned in batches, without a word of the steps it took; a range test's sweep at an epoch's
    # start, outside the batches too, is not the run's and is not said
    _, said = _manual_fit(
        tmp_path,
        Accumulating(every=1),
        [OneCycle(), LRRangeTest(epochs=[1], num_steps=6, confirm=False, progress_bar=False, log=False)],
        max_epochs=2,
    )
    assert not [m for m in said if "outside" in m], said
    _, said = _manual_fit(tmp_path, _FullBatch(), [OneCycle()], max_epochs=3)
    assert said == [
        "OneCycle: optimizer 0 (SGD) has stepped outside the fit's training batches (1 time so far: in the module's "
        "on_train_batch_end or on_train_epoch_end, which Lightning calls after the callbacks' hooks). Under manual "
        "optimization the schedule tells how often the optimizer steps from the steps taken within the batches "
        "(training_step and the hooks before it), and logs the LR of those only: step the optimizer in "
        "training_step, or give every duration in optimizer steps (an int; total=... for a schedule over the run) "
        "so that the plan does not depend on it."
    ]


class _TwiceEverySecond(Tiny):
    """Manual optimization: the optimizer steps twice at every second batch (a critic that accumulates)."""

    def __init__(self) -> None:
        super().__init__()
        self.automatic_optimization = False

    def training_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        if batch_idx % 2 == 1:
            for _ in range(2):
                self.optimizers().zero_grad()
                self.manual_backward(torch.nn.functional.mse_loss(self.layer(x), y))
                self.optimizers().step()
                self.lr_schedulers().step()


def test_a_critic_that_steps_twice_every_second_batch_steps_once_per_batch(tmp_path: Any) -> None:
    # before: told "2 times per batch" at its first stepping batch, it planned twice the steps in a one-epoch
    # run (the epoch's end, which would settle it, is the run's end) and ended near the peak
    callback = OneCycle()
    rec, _ = _manual_fit(tmp_path, _TwiceEverySecond(), [callback], max_epochs=1)
    assert callback.run is not None and callback.run.total_steps == 12
    assert _ends_its_cycle(_trace(rec, 0)[0], 12)


@pytest.mark.usefixtures("exact_mid_epoch_resume")
def test_a_resume_mid_epoch_settles_the_rate_over_the_next_whole_epoch(tmp_path: Any) -> None:
    # the checkpoint after the first step (batch 4) has the rate unsettled; the rest of that epoch, batches 5
    # to 11, hold one step: settled there, the rate would be 1 in 7 (before: fewer steps planned than taken)
    checkpoint = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_train_steps=1, save_top_k=-1)
    full = OneCycle()
    _manual_fit(tmp_path, Accumulating(every=5), [full, checkpoint], max_epochs=3, enable_checkpointing=True)
    assert full.run is not None and full.run.total_steps == 6
    (early,) = (tmp_path / "ckpt").glob("*-step=1.ckpt")
    resumed = OneCycle()
    rec, _ = _manual_fit(tmp_path, Accumulating(every=5), [resumed], max_epochs=3, ckpt_path=str(early))
    assert resumed.run is not None and resumed.run.total_steps == 6
    assert resumed.state_dict()["rate_settled"] is True
    assert _trace(rec, 0)[0][-1] == pytest.approx(S.OneCycle(0.1, total_steps=6).values(6)[-1])


class _SecondEverySecond(TwoOptimizers):
    """The first optimizer (scheduled) steps every batch, the second (not scheduled) every second batch."""

    def training_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        first, second = self.optimizers()
        for opt, layer, due in ((first, self.layer, True), (second, self.other, batch_idx % 2 == 1)):
            if due:
                opt.zero_grad()
                self.manual_backward(torch.nn.functional.mse_loss(layer(x), y))
                opt.step()
        self.lr_schedulers().step()


def test_max_steps_counts_every_optimizers_steps(tmp_path: Any) -> None:
    # global_step grows by 1.5 a batch, so max_steps=15 is 10 batches, 10 steps of the first optimizer, all
    # in the first epoch (12 batches), before the rate settles (before: the first estimate took the 2 of one
    # batch, and planned fewer)
    callback = OneCycle(optimizer=0)
    rec, _ = _manual_fit(tmp_path, _SecondEverySecond(), [callback], max_epochs=100, max_steps=15)
    assert callback.run is not None and callback.run.total_steps == 10
    assert len(_trace(rec, 0)[0]) == 10


def _run_warnings(tmp_path: Any, model: Any, callback: Any, **kwargs: Any) -> list[str]:
    """The warnings of a fit that say a duration does not fit in the run."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit(tmp_path, model, [callback], **kwargs)
    return [
        str(w.message)
        for w in caught
        if "end of the run" in str(w.message) or "longer than the run" in str(w.message)
    ]


@pytest.mark.parametrize(
    ("callback", "match"),
    [
        (
            lambda: OneCycle(total=1000),
            r"OneCycle: total=1000 \(1000 optimizer steps\) is longer than the run \(24 ",
        ),
        (
            lambda: CosineDecay(total=Epochs(10)),
            r"CosineDecay: total=Epochs\(10\) \(120 optimizer steps\) is longer",
        ),
        (
            lambda: StepDecay(every=Epochs(100)),
            r"StepDecay: every=Epochs\(100\) \(step 1200\) lies at or past the end",
        ),
        (lambda: StepDecay(every=24), r"StepDecay: every=24 \(step 24\) lies at or past the end of the run"),
        (
            lambda: MultiStepDecay(milestones=[4, 24, 1000]),
            r"MultiStepDecay: milestones\[1\]=24 \(step 24\), milestones\[2\]=1000 \(step 1000\) lies at or past "
            r"the end of the run \(24 optimizer steps: the last is step 23\), so it never takes effect",
        ),
        (
            lambda: ExponentialDecay(gamma=0.5, every=30, staircase=True),
            r"ExponentialDecay: every=30 \(step 30\)",
        ),
        (  # a warm-up's example is a small fraction (it was "Fraction(1.0) for the whole run")
            lambda: ExponentialDecay(gamma=0.9, warmup=30),
            r"ExponentialDecay: warmup=30 \(30 optimizer steps\) is longer than the run .* e\.g\. Fraction\(0\.05\) "
            r"for the first 5% of the run\)$",
        ),
    ],
)
def test_a_duration_that_does_not_fit_in_the_run_warns(tmp_path, callback, match) -> None:
    (message,) = _run_warnings(tmp_path, Tiny(), callback())
    assert re.search(match, message), message


@pytest.mark.parametrize(
    "callback",
    [
        lambda: OneCycle(total=24),
        lambda: MultiStepDecay(milestones=[4, 23]),
        lambda: CosineDecay(total=Fraction(1.0)),
        lambda: ExponentialDecay(gamma=0.5, every=48),  # continuous: every is a unit of time
        lambda: TimeDecay(decay=1.0, every=100),
    ],
)
def test_durations_that_fit_in_the_run_do_not_warn(tmp_path, callback) -> None:
    assert _run_warnings(tmp_path, Tiny(), callback()) == []


def _next_to_nothing(tmp_path: Any, callback: Any) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit(tmp_path, Tiny(), [callback])
    return [str(w.message) for w in caught if "falls by only" in str(w.message)]


@pytest.mark.parametrize(
    ("callback", "said"),
    [
        (
            lambda: ExponentialDecay(gamma=0.9, every=Epochs(1000000)),
            "ExponentialDecay: over this run (24 optimizer steps) the LR falls by only 2e-05%: "
            "every=Epochs(1000000) is 12000000 optimizer steps, 5e+05 times the run. If every was meant in another "
            "unit, give it so (an int is optimizer steps; Epochs(n); Fraction(1.0) is the whole run)",
        ),
        (
            lambda: TimeDecay(decay=0.1, every=100000, warmup=4),
            "TimeDecay: over this run (24 optimizer steps) the LR falls by only 0.0019%: every=100000 is 100000 "
            "optimizer steps, 4.17e+03 times the run. If every was meant in another unit, give it so (an int is "
            "optimizer steps; Epochs(n); Fraction(1.0) is the whole run)",
        ),
    ],
)
def test_a_continuous_decay_whose_every_makes_it_next_to_nothing_warns(tmp_path, callback, said: str) -> None:
    # r202: ExponentialDecay(gamma=0.9, every=Epochs(1000000)) and TimeDecay(every=...) kept the LR flat over the
    # run, unsaid, where a StepDecay whose every lies past the run is named
    assert _next_to_nothing(tmp_path, callback()) == [said]


@pytest.mark.parametrize(
    "callback",
    [
        lambda: ExponentialDecay(gamma=0.999),  # a mild decay per step: every is no longer than the run
        lambda: ExponentialDecay(gamma=0.5, every=48),  # longer than the run, and it decays by 28%
        lambda: TimeDecay(decay=10.0, every=Fraction(2.0)),
        lambda: ExponentialDecay(gamma=0.9, every=Epochs(1000000), staircase=True),  # said as an event
    ],
)
def test_a_continuous_decay_that_decays_or_is_a_staircase_does_not_say_next_to_nothing(
    tmp_path, callback
) -> None:
    assert _next_to_nothing(tmp_path, callback()) == []


def test_a_fast_dev_run_does_not_warn_about_durations(tmp_path) -> None:
    assert _run_warnings(tmp_path, Tiny(), OneCycle(total=1000), fast_dev_run=True) == []


def test_under_manual_optimization_durations_are_checked_in_the_optimizers_steps(tmp_path) -> None:
    # the critic steps twice per batch: 48 steps in 24 batches, known after the first batch
    assert _run_warnings(tmp_path, Critic(), CosineDecay(total=48, optimizer=1)) == []
    assert _run_warnings(tmp_path, Critic(), MultiStepDecay(milestones=[40], optimizer=1)) == []
    (message,) = _run_warnings(tmp_path, Critic(), CosineDecay(total=60, optimizer=1))
    assert "total=60 (60 optimizer steps) is longer than the run (48 optimizer steps)" in message


def _sized_by_the_run(run: Any) -> S.Schedule:
    return S.CosineDecay(0.01, total=run.total_steps)


def test_a_function_of_the_run_under_manual_optimization_gets_the_optimizers_steps(tmp_path) -> None:
    # review 39: LRSchedule tracked no step rate (it has no durations), so run.total_steps was 24 batches
    # where the critic takes 48 steps: the cosine reached 0 halfway and held it for 24 steps, unsaid
    callback = LRSchedule(_sized_by_the_run, optimizer=1)
    with pytest.warns(
        UserWarning,
        match=r"LRSchedule: under manual optimization .* step 2 times per batch, so the run it is built from is "
        r"counted in their steps: the run is 48 optimizer steps\.",
    ):
        rec = fit(tmp_path, Critic(), [callback])
    assert callback.run is not None and callback.run.total_steps == 2 * N
    lrs, _ = _trace(rec, 1)
    expected = S.CosineDecay(0.01, total=2 * N).values(2 * N)
    assert len(lrs) == 2 * N and lrs[-1] > 0
    assert_trace(lrs[4:], expected[4:])  # from the end of the second batch on, as the presets


def test_a_pure_schedule_under_manual_optimization_is_checked_in_the_optimizers_steps(tmp_path) -> None:
    # review 39: LRSchedule(CosineDecay(total=60)) over the critic's 48 steps was cut off without a word
    def cut(total: int) -> list[str]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fit(tmp_path, Critic(), [LRSchedule(S.CosineDecay(0.01, total=total), optimizer=1)])
        return [
            str(w.message) for w in caught if "cut off" in str(w.message) or "ends at step" in str(w.message)
        ]

    assert cut(48) == []
    (message,) = cut(60)
    assert "the schedule needs a run of 60 optimizer steps for its last scheduled change" in message
    assert "but the run has 48, so it is cut off" in message


def test_a_schedule_that_ends_before_the_run_warns_once(tmp_path) -> None:
    with pytest.warns(
        UserWarning, match=r"OneCycle: the schedule ends at step 3, but the run has 24 optimizer steps"
    ):
        fit(tmp_path, Tiny(), [OneCycle(total=3)])


@pytest.mark.parametrize("total", [Fraction(0.9), Epochs(1)], ids=["Fraction", "Epochs"])
def test_a_schedule_tied_to_the_run_ends_where_asked_without_a_warning(tmp_path, total) -> None:
    # before: the README's LightningCLI example (OneCycle(total=Fraction(0.9))) warned on every run that the
    # schedule ends early, and advised Fraction(1.0) (review 21)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = fit(tmp_path, Tiny(), [OneCycle(total=total)])
    assert not [str(w.message) for w in caught if "the schedule ends at step" in str(w.message)]
    end = 22 if isinstance(total, Fraction) else 12  # 24 steps in 2 epochs
    lrs = np.asarray(rec.lr())
    assert np.all(lrs[end:] == lrs[end]) and lrs[end - 2] > lrs[end]  # it ends there, and holds its final LR


@pytest.mark.parametrize("optim", [sgd, adam], ids=["SGD", "Adam"])
def test_a_momentum_schedule_outside_0_1_stops_the_fit_at_its_start(tmp_path, optim) -> None:
    # before: SGD trained with momentum 1.5 and Adam with beta1 1.5, without a word (review 20)
    model = Tiny(optim=optim)
    name = "SGD" if optim is sgd else "Adam"
    with pytest.raises(
        ValueError,
        match=rf"LRSchedule on optimizer 0 \({name}\): .* = 1.5 at step 0; a momentum must be in \[0, 1\)",
    ):
        fit(tmp_path, model, [LRSchedule(S.Constant(0.01), momentum=S.Constant(1.5))])
    assert model.global_step == 0


def test_a_pair_given_to_cyclic_as_its_base_lr_is_said_to_be_two_arguments(tmp_path) -> None:
    # r192: Cyclic(result.cyclic_bounds()) took the (base_lr, max_lr) pair as one base_lr per param group, and the
    # fit's refusal said nothing of the pair it was
    with pytest.raises(ValueError) as err:
        fit(tmp_path, Tiny(), [Cyclic((0.01, 0.04))])
    assert (
        "a pair (base_lr, max_lr), as result.cyclic_bounds() gives, is two arguments: Cyclic(*bounds)"
        in str(err.value)
    )
    # a list per group that does not match, with max_lr given or of another length: no word of a pair
    for callback in (Cyclic([0.01, 0.02], max_lr=0.1), Cyclic([0.01, 0.02, 0.03])):
        with pytest.raises(ValueError) as err:
            fit(tmp_path / "other", Tiny(), [callback])
        assert "param group" in str(err.value) and "pair" not in str(err.value)
    # two param groups: a per-group base_lr, as before
    rec = fit(tmp_path / "two", Tiny(groups=2), [Cyclic((0.01, 0.001))])
    assert rec.lr(0)[0] == pytest.approx(0.01) and rec.lr(1)[0] == pytest.approx(0.001)


def test_a_range_test_result_given_for_a_number_says_what_to_pass() -> None:
    # r194: OneCycle(max_lr=result) and OneCycle(max_lr=result.suggestion) (the call forgotten) were told only
    # what is allowed; every number of the callbacks, the schedules and the test now names what to pass
    result = RangeTestResult(list(np.logspace(-5, 0, 20)), list(np.linspace(3.0, 1.0, 20)), [None] * 20)
    whole = (
        "(the range test's result, not a number: pass result.suggestion() for the LR, result.one_cycle_max_lr() "
        "for a 1cycle peak, or the pair of result.cyclic_bounds() as a cycle's base_lr and max_lr)"
    )
    for build in (
        lambda: OneCycle(max_lr=result),
        lambda: Cyclic(base_lr=result),
        lambda: CosineDecay(final=result),
        lambda: LRRangeTest(max_lr=result),
        lambda: S.OneCycle(result, total_steps=10),  # type: ignore[arg-type]
    ):
        with pytest.raises(TypeError) as err:
            build()
        assert str(err.value).endswith(f"got {result!r} {whole}")
    for method in (result.suggestion, result.one_cycle_max_lr):
        with pytest.raises(TypeError) as err:
            OneCycle(max_lr=method)  # type: ignore[arg-type]
        assert str(err.value).endswith(
            f" (a method of the result, not called: pass result.{method.__name__}())"
        )
    # another wrong value is told only what is allowed, as before
    with pytest.raises(TypeError) as err:
        OneCycle(max_lr="0.1")  # type: ignore[arg-type]
    assert str(err.value).endswith("got '0.1'")
