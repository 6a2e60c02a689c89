"""LRScheduleMixin: the module declares its schedule; the callbacks' injection does the rest."""

from __future__ import annotations

import copy
import math
import pickle
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
import yaml
from lightning.pytorch.callbacks import Callback, ModelCheckpoint
from lightning.pytorch.loggers import TensorBoardLogger

from lightning_lr import LRScheduleMixin
from lightning_lr import schedules as S
from lightning_lr.callbacks import (
    CosineDecay,
    Epochs,
    OneCycle,
    ReduceOnPlateau,
    ScheduleCallback,
    StepDecay,
)

from support.fakes import ApplyAt, FakeRangeTest
from support.models import Tiny
from support.plateau import FLAT, STEPS_PER_EPOCH, Scripted, as_logged, torch_lrs
from support.recording import Recorder, assert_trace
from support.trainers import fit
from support.trainers import trainer as make_trainer

N = 24


class AttributeModel(LRScheduleMixin, Tiny):
    def __init__(self, max_lr: float = 0.3) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.lr_schedule = OneCycle(max_lr=max_lr, total=Epochs(1))


class MethodModel(LRScheduleMixin, Tiny):
    def lr_schedule(self) -> ScheduleCallback:
        return CosineDecay(warmup=4, final=0.001)


class ClassAttributeModel(LRScheduleMixin, Tiny):
    lr_schedule = OneCycle(max_lr=0.2)


class ScheduleModel(LRScheduleMixin, Tiny):
    lr_schedule = S.Constant(0.05)


class OwnCallbacksModel(LRScheduleMixin, Tiny):
    lr_schedule = OneCycle(max_lr=0.2)

    def configure_callbacks(self) -> Any:
        return ModelCheckpoint(dirpath=None)  # does not call super(): the schedule is still added


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (AttributeModel, S.OneCycle(0.3, total_steps=12)),
        (MethodModel, S.warmup(S.CosineDecay(0.1, total=20, final=0.001), steps=4)),
        (ClassAttributeModel, S.OneCycle(0.2, total_steps=N)),
        (ScheduleModel, S.Constant(0.05)),
        (OwnCallbacksModel, S.OneCycle(0.2, total_steps=N)),
    ],
    ids=lambda x: x.__name__ if isinstance(x, type) else "",
)
def test_declared_schedules_are_injected(tmp_path, model, expected) -> None:
    module = model()
    rec = fit(tmp_path, module, [])
    assert_trace(rec.lr(), expected.values(N))
    (callback,) = [c for c in module.trainer.callbacks if isinstance(c, ScheduleCallback)]
    assert callback is module.lr_schedule_callback()
    assert "configure_optimizers" not in vars(module)


def test_the_method_form_keeps_the_fits_callback_through_validate_and_test(tmp_path, caplog) -> None:
    # review 105 left: after a fit, trainer.validate/test/predict (or a configure_callbacks() call of one's own)
    # built a fresh callback from lr_schedule(), so lr_schedule_callback() lost the plan of the fit it had run
    class Evaluated(MethodModel):
        def validation_step(self, batch: Any, batch_idx: int) -> None:
            self.log("val_loss", self.training_step(batch, batch_idx))

        test_step = validation_step
        val_dataloader = test_dataloader = MethodModel.train_dataloader

    module = Evaluated()
    fit(tmp_path, module, [], limit_val_batches=0)
    fitted = module.lr_schedule_callback()
    assert fitted is not None and fitted.run is not None
    planned = list(fitted.planned()["lr"])
    module.configure_callbacks()  # right after the fit, whose trainer.state.fn is still "fit" (review 119)
    assert module.lr_schedule_callback() is fitted
    with caplog.at_level("INFO"):
        module.trainer.validate(module, verbose=False)
        module.trainer.test(module, verbose=False)
    # nothing trains there: no schedule is handed back, so Lightning says nothing of it overriding the Trainer's
    # callback (review 147), and the Trainer keeps the fit's
    assert "will override existing callbacks" not in caplog.text
    assert [c for c in module.trainer.callbacks if isinstance(c, ScheduleCallback)] == [fitted]
    module.configure_callbacks()
    assert module.lr_schedule_callback() is fitted
    assert list(fitted.planned()["lr"]) == planned
    fit(
        tmp_path, module, []
    )  # the next fit calls lr_schedule(), which declares the same: the callback goes on
    assert module.lr_schedule_callback() is fitted


def test_class_attributes_are_copied_per_instance() -> None:
    a, b = ClassAttributeModel(), ClassAttributeModel()
    assert a.lr_schedule_callback() is a.lr_schedule_callback()
    assert a.lr_schedule_callback() is not b.lr_schedule_callback()
    assert a.lr_schedule_callback() is not ClassAttributeModel.lr_schedule


def test_configure_callbacks_lists_the_schedule_once() -> None:
    model = OwnCallbacksModel()
    callbacks = model.configure_callbacks()
    assert [type(c).__name__ for c in callbacks] == ["ModelCheckpoint", "OneCycle"]


class Undeclared(LRScheduleMixin, Tiny):
    pass


class WrongType(LRScheduleMixin, Tiny):
    lr_schedule = 0.1


def test_declaration_errors(tmp_path) -> None:
    with pytest.raises(
        TypeError, match=r"Undeclared uses LRScheduleMixin but declares no schedule \(it has no lr_schedule\)"
    ) as caught:
        fit(tmp_path, Undeclared(), [])
    assert "(None: no schedule)" in str(caught.value)
    with pytest.raises(
        TypeError, match=r"WrongType: the class attribute lr_schedule must be a schedule callback .* got 0.1"
    ):
        fit(tmp_path, WrongType(), [])


class MixinAfter(Tiny, LRScheduleMixin):
    lr_schedule = OneCycle(max_lr=0.2)


class MethodAfter(Tiny, LRScheduleMixin):
    def lr_schedule(self) -> ScheduleCallback:
        return CosineDecay(warmup=4, final=0.001)


class OwnCallbacksBase(Tiny):
    def configure_callbacks(self) -> Any:
        return [ModelCheckpoint(dirpath=None)]


class MixinAfterOwnBase(OwnCallbacksBase, LRScheduleMixin):
    lr_schedule = OneCycle(max_lr=0.2)


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (MixinAfter, S.OneCycle(0.2, total_steps=N)),
        (MethodAfter, S.warmup(S.CosineDecay(0.1, total=20, final=0.001), steps=4)),
        (MixinAfterOwnBase, S.OneCycle(0.2, total_steps=N)),
    ],
    ids=lambda x: x.__name__ if isinstance(x, type) else "",
)
def test_the_mixin_after_lightning_module_in_the_bases_injects_the_schedule(
    tmp_path, model, expected
) -> None:
    # review 101: class Model(pl.LightningModule, LRScheduleMixin) trained at the optimizer's constant LR,
    # LightningModule's configure_callbacks hiding the mixin's, without a word; it was then refused at class
    # definition. Whatever configure_callbacks the class resolves to is now wrapped, so this order works too
    module = model()
    rec = fit(tmp_path, module, [])
    assert_trace(rec.lr(), expected.values(N))
    (callback,) = [c for c in module.trainer.callbacks if isinstance(c, ScheduleCallback)]
    assert callback is module.lr_schedule_callback()
    names = [type(c).__name__ for c in module.configure_callbacks()]
    assert names == (["ModelCheckpoint"] if model is MixinAfterOwnBase else []) + [type(callback).__name__]


def test_subclasses_of_either_order_list_the_schedule_once() -> None:
    class OwnCallbacksAfter(
        Tiny, LRScheduleMixin
    ):  # its configure_callbacks is wrapped: the schedule is added
        lr_schedule = OneCycle(max_lr=0.2)

        def configure_callbacks(self) -> Any:
            return []

    class SubclassOfIt(OwnCallbacksAfter):
        pass

    class CallsSuper(MixinAfter):
        def configure_callbacks(self) -> Any:
            return [*super().configure_callbacks(), ModelCheckpoint(dirpath=None)]

    assert [type(c).__name__ for c in SubclassOfIt().configure_callbacks()] == ["OneCycle"]
    assert [type(c).__name__ for c in CallsSuper().configure_callbacks()] == ["OneCycle", "ModelCheckpoint"]


@pytest.mark.parametrize(
    "on_trainer",
    [OneCycle(max_lr=0.9), OneCycle(max_lr=0.05, optimizer=1)],
    ids=["same optimizer", "another"],
)
def test_a_trainer_callback_the_declared_schedule_would_drop_is_refused(tmp_path, on_trainer) -> None:
    # review 70: Lightning replaces a Trainer callback with one of its class from configure_callbacks, so a
    # LightningCLI --trainer.callbacks OneCycle lost its max_lr, and a discriminator's OneCycle(optimizer=1)
    # was dropped for the module's OneCycle(optimizer=0), without a word from lightning_lr
    with pytest.raises(
        ValueError,
        match=rf"AttributeModel declares lr_schedule OneCycle\(.*\), and the Trainer has {re.escape(repr(on_trainer))} "
        r"of the same class: Lightning replaces a Trainer callback with one of its class \(or a subclass\) from "
        r"configure_callbacks",
    ):
        fit(tmp_path, AttributeModel(), [on_trainer])


class MyOneCycle(OneCycle):
    """A user's subclass of a schedule callback (module level: checkpoints pickle what hparams hold)."""


class SubclassModel(LRScheduleMixin, Tiny):
    def __init__(self) -> None:
        super().__init__()
        self.lr_schedule = MyOneCycle(max_lr=0.3, total=Epochs(1))


def test_a_trainer_callback_a_declared_subclass_would_drop_is_refused(tmp_path) -> None:
    # review 170: Lightning drops a Trainer callback whose class the declared one's derives from too; a module's
    # subclass of OneCycle dropped the Trainer's OneCycle(optimizer=1), and its optimizer trained at a constant LR
    with pytest.raises(
        ValueError,
        match=r"SubclassModel declares lr_schedule MyOneCycle\(.*\), and the Trainer has OneCycle\(max_lr=0\.05, "
        r"optimizer=1\) of the class MyOneCycle derives from: Lightning replaces",
    ):
        fit(tmp_path, SubclassModel(), [OneCycle(max_lr=0.05, optimizer=1)])
    # every callback derives from Callback, which Lightning's rule leaves out: a bare one on the Trainer is kept
    # (r171: it was taken for a schedule the declaration would drop, and the fit crashed on its attributes)
    kept = Callback()
    fit(tmp_path, SubclassModel(), [kept])


class NoneArgument(LRScheduleMixin, Tiny):
    def __init__(self, lr_schedule: ScheduleCallback | None = None) -> None:
        super().__init__()
        self.lr_schedule = lr_schedule


class NoneClassAttribute(LRScheduleMixin, Tiny):
    lr_schedule = None


class NoneMethod(LRScheduleMixin, Tiny):
    def lr_schedule(self) -> ScheduleCallback | None:
        return None


@pytest.mark.parametrize("model", [NoneArgument, NoneClassAttribute, NoneMethod], ids=lambda m: m.__name__)
def test_a_declaration_of_none_adds_no_schedule_and_says_so(tmp_path, model, caplog) -> None:
    """Review 48: None (a CLI's default for an optional schedule, ``model.lr_schedule: null``) was an error at
    fit. It means no schedule: the optimizer's LR holds, no schedule callback runs, and the log says so."""
    module = model()
    with caplog.at_level("INFO"):
        rec = fit(tmp_path, module, [])
    assert_trace(rec.lr(), [0.1] * N)
    assert not [c for c in module.trainer.callbacks if isinstance(c, ScheduleCallback)]
    assert module.lr_schedule_callback() is None
    assert f"{model.__name__} declares lr_schedule=None: no schedule callback is added" in caplog.text
    assert "lightning_lr" not in module.hparams
    # a run that trains nothing is told nothing of a schedule (review 147: a test-only run after
    # load_from_checkpoint was told of lr_schedule=None)
    caplog.clear()
    module.validation_step = lambda batch, batch_idx: None  # (a step to validate with)
    with caplog.at_level("INFO"):
        module.trainer.validate(module, dataloaders=module.train_dataloader(), verbose=False)
    assert "declares lr_schedule=None" not in caplog.text


class NoneReturningItsOwn(NoneArgument):
    def configure_callbacks(self) -> Any:
        return [StepDecay(every=4)]


@pytest.mark.parametrize(
    ("model", "trainer_callbacks", "follows"),
    [
        (NoneArgument, [CosineDecay(warmup=2)], "the Trainer's CosineDecay(warmup=2)"),
        (NoneReturningItsOwn, [], "StepDecay(every=4) from configure_callbacks"),
        # Lightning drops the Trainer's callback of the class configure_callbacks returns
        (NoneReturningItsOwn, [StepDecay(every=2)], "StepDecay(every=4) from configure_callbacks"),
    ],
    ids=["trainer", "configure_callbacks", "replaced"],
)
def test_a_declaration_of_none_beside_a_schedule_callback_names_it_as_what_the_lr_follows(
    tmp_path, caplog, model, trainer_callbacks, follows
) -> None:
    # review 133: beside the Trainer's schedule callback the README pairs with --model.lr_schedule=null, the line
    # said "the LR stays as configure_optimizers sets it" while that callback drove it
    with caplog.at_level("INFO"):
        fit(tmp_path, model(), trainer_callbacks, max_steps=4)
    said = [r.getMessage() for r in caplog.records if "declares lr_schedule=None" in r.getMessage()]
    assert said == [
        f"{model.__name__} declares lr_schedule=None: it adds no schedule callback, and the LR follows {follows} "
        f"(an optimizer that callback does not schedule keeps the LR configure_optimizers sets)"
    ]


def test_none_set_on_an_instance_after_its_class_attribute_served_a_fit_is_no_schedule(tmp_path) -> None:
    module = ClassAttributeModel()
    fit(tmp_path, module, [])
    module.lr_schedule = None  # the instance's own declaration now; the class's OneCycle was cached
    rec = fit(tmp_path, module, [])
    assert_trace(rec.lr(), [0.1] * N)
    assert module.lr_schedule_callback() is None


def test_a_schedule_declared_after_none_is_injected(tmp_path) -> None:
    module = NoneArgument()
    fit(tmp_path, module, [])
    module.lr_schedule = OneCycle(max_lr=0.3, total=Epochs(1))
    rec = fit(tmp_path, module, [])
    assert_trace(rec.lr(), S.OneCycle(0.3, total_steps=12).values(N))


class SetInSetup(LRScheduleMixin, Tiny):
    lr_schedule = None

    def setup(self, stage: str) -> None:
        self.lr_schedule = CosineDecay()


class SetInConfigureOptimizers(LRScheduleMixin, Tiny):
    lr_schedule = OneCycle(max_lr=0.2)

    def configure_optimizers(self) -> Any:
        self.lr_schedule = CosineDecay()
        return super().configure_optimizers()


class SubclassSetsIt(ClassAttributeModel):  # the mixin's wraps done on its base; it overrides one hook
    def configure_optimizers(self) -> Any:  # (no super(): its base's wrapper does not run)
        self.lr_schedule = CosineDecay()
        return torch.optim.SGD(self.parameters(), lr=0.1)


@pytest.mark.parametrize(
    "model", [SetInSetup, SetInConfigureOptimizers, SubclassSetsIt], ids=lambda m: m.__name__
)
def test_a_schedule_set_during_the_fit_is_refused(tmp_path, model: type) -> None:
    # review 122: set in setup() or configure_optimizers(), after Lightning read the declaration, it was ignored
    # for that fit (a constant LR, with only an info line) and used from the next fit on
    module = model()
    with pytest.raises(
        RuntimeError, match=rf"^{model.__name__}: self.lr_schedule was set to CosineDecay\(\) during this fit"
    ):
        fit(tmp_path, module, [])
    # outside a fit, configure_optimizers runs as it is (the range test and users call it)
    assert isinstance(module.configure_optimizers(), torch.optim.Optimizer)


class PropertyModel(LRScheduleMixin, Tiny):
    @property
    def lr_schedule(self) -> ScheduleCallback:
        return OneCycle(max_lr=0.3, total=Epochs(1))


class StaticModel(LRScheduleMixin, Tiny):
    @staticmethod
    def lr_schedule() -> ScheduleCallback:
        return OneCycle(max_lr=0.3, total=Epochs(1))


class ClassNotInstance(LRScheduleMixin, Tiny):
    lr_schedule = OneCycle


class TwoDeclared(LRScheduleMixin, Tiny):
    def lr_schedule(self) -> Any:
        return [OneCycle(max_lr=0.1, optimizer=0), CosineDecay(optimizer=0)]


def test_a_list_of_schedules_is_told_how_to_schedule_each_optimizer(tmp_path) -> None:
    # review 133: a GAN declared one schedule per optimizer as a list; the error said what the value must be,
    # not how to do that
    with pytest.raises(
        TypeError,
        match=r"got \[OneCycle\(.*\)\]; one declaration schedules every optimizer it targets: for one schedule "
        r"per optimizer, declare one of them and return the others from an overridden configure_callbacks",
    ):
        fit(tmp_path, TwoDeclared(), [])


@pytest.mark.parametrize("model", [PropertyModel, StaticModel], ids=lambda m: m.__name__)
def test_a_property_or_a_staticmethod_declares_as_the_method_form(tmp_path, model: type) -> None:
    # review 122: a property was "got <property object at 0x...>", a staticmethod was called with the module
    rec = fit(tmp_path, model(), [])
    assert_trace(rec.lr(), S.OneCycle(0.3, total_steps=12).values(N))


def test_a_class_given_for_an_instance_is_named_as_such(tmp_path) -> None:
    # review 122: OneCycle was called with the module, and said max_lr must be a number, got the module's repr
    with pytest.raises(
        TypeError, match=r"got <class '.*OneCycle'>; that is the class, give an instance: OneCycle\(...\)$"
    ):
        fit(tmp_path, ClassNotInstance(), [])


def test_the_schedule_arguments_land_in_hparams_and_tensorboard(tmp_path) -> None:
    model = AttributeModel(max_lr=0.3)
    logger = TensorBoardLogger(tmp_path, name="tb")
    fit(tmp_path, model, [], logger=logger, enable_checkpointing=True)
    expected = {
        "schedule": "OneCycle",
        "max_lr": 0.3,
        "total": "Epochs(1)",
        "pct_start": 0.3,
        "anneal": "cos",
        "div_factor": 25.0,
        "final_div_factor": 10000.0,
        "three_phase": False,
        "cycle_momentum": None,
        "base_momentum": 0.85,
        "max_momentum": 0.95,
        "optimizer": "all",
        "log_lr": True,
        "preview": True,
    }
    assert model.hparams["lightning_lr"] == expected
    assert model.hparams_initial["lightning_lr"] == expected
    assert model.hparams["max_lr"] == 0.3  # the user's own hparams are untouched
    saved = yaml.safe_load(Path(logger.log_dir, "hparams.yaml").read_text())
    assert saved["lightning_lr"]["max_lr"] == 0.3
    event_bytes = b"".join(p.read_bytes() for p in Path(logger.log_dir).glob("events.out.tfevents.*"))
    assert b"lightning_lr/max_lr" in event_bytes and b"lightning_lr/schedule" in event_bytes  # HPARAMS

    (ckpt,) = Path(logger.log_dir, "checkpoints").glob("*.ckpt")
    restored = AttributeModel.load_from_checkpoint(ckpt)  # an extra hparam does not break loading
    assert restored.hparams["max_lr"] == 0.3


class ArgumentModel(LRScheduleMixin, Tiny):
    """The README's ``lr_schedule`` ``__init__`` argument, its hparams saved with or without ``ignore``."""

    def __init__(self, lr_schedule: Any = None, ignore: bool = False, extra: Any = None) -> None:
        super().__init__()
        self.save_hyperparameters(ignore=["lr_schedule"] if ignore else None)
        self.lr_schedule = lr_schedule


def _schedule_in_hparams_warnings(tmp_path: Path, model: ArgumentModel, fits: int) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(fits):
            fit(tmp_path, model, [], enable_checkpointing=True)
    return [str(w.message) for w in caught if "hold lightning_lr objects" in str(w.message)]


def test_a_schedule_object_in_hparams_is_warned_of_once(tmp_path) -> None:
    # review 101: a plain save_hyperparameters() pickled the lr_schedule argument into the checkpoints'
    # hyper_parameters; fit(ckpt_path=...) and load_from_checkpoint then failed with torch's weights_only
    # UnpicklingError, after a fit that said nothing
    model = ArgumentModel(lr_schedule=OneCycle(max_lr=0.2))
    assert _schedule_in_hparams_warnings(tmp_path, model, fits=2) == [
        "ArgumentModel: its hparams hold lightning_lr objects in lr_schedule=OneCycle(max_lr=0.2) "
        "(save_hyperparameters() saves the __init__ arguments), which checkpoints pickle into hyper_parameters: "
        "they will not load with torch's weights_only=True, the default of fit(ckpt_path=...) and "
        "load_from_checkpoint (an UnpicklingError). Leave it out: self.save_hyperparameters(ignore="
        "['lr_schedule']); the schedule callback's own checkpoint state holds what a resume needs, and "
        "load_from_checkpoint(path, lr_schedule=...) gives a loaded module its schedule again"
    ]
    with pytest.raises(pickle.UnpicklingError):  # what the warning foretells
        torch.load(next(Path(tmp_path).rglob("*.ckpt")), weights_only=True)


class _Marker(Callback):
    pass


class _RudeMixin:
    """A mixin whose configure_callbacks calls no super()."""

    def configure_callbacks(self) -> Any:
        return [_Marker()]


class _PoliteMixin:
    def configure_callbacks(self) -> Any:
        return [*super().configure_callbacks(), _Marker()]  # type: ignore[misc]


@pytest.mark.parametrize("other", [_RudeMixin, _PoliteMixin], ids=["no super()", "super()"])
@pytest.mark.parametrize("first", [True, False], ids=["listed before the mixin", "after it"])
def test_another_mixins_callbacks_and_the_schedule_are_both_added_once(other: type, first: bool) -> None:
    # review 103: a mixin listed before LRScheduleMixin whose configure_callbacks calls no super() dropped the
    # declared schedule without a word
    bases = (other, LRScheduleMixin, Tiny) if first else (LRScheduleMixin, other, Tiny)
    model_class = type("M", bases, {"lr_schedule": CosineDecay()})
    sub = type("Sub", (model_class,), {})
    for cls in (model_class, sub):
        names = sorted(type(c).__name__ for c in cls().configure_callbacks())
        assert names == ["CosineDecay", "_Marker"]


def test_a_super_call_returns_the_list_with_the_schedule_and_it_is_added_once() -> None:
    # review 104: a first version of review 103's wrapper returned the parent's raw value to super() calls
    # (one Callback, or None): `super().configure_callbacks() + [...]` raised a TypeError
    class Parent(LRScheduleMixin, Tiny):
        def lr_schedule(self) -> Any:  # the method form: a new callback at every build
            return OneCycle()

        def configure_callbacks(self) -> Any:
            return _Marker()

    class Child(Parent):
        def configure_callbacks(self) -> Any:
            inherited = super().configure_callbacks()
            assert isinstance(inherited, list) and isinstance(inherited[-1], OneCycle)
            return [*inherited, _Marker()]

    class GrandChild(Child):
        def configure_callbacks(self) -> Any:
            return super().configure_callbacks()

    for cls in (Child, GrandChild):
        assert sorted(type(c).__name__ for c in cls().configure_callbacks()) == [
            "OneCycle",
            "_Marker",
            "_Marker",
        ]


class _Copying(LRScheduleMixin, Tiny):
    lr_schedule = OneCycle()

    def configure_callbacks(self) -> Any:
        self.copied = copy.deepcopy(self)  # a teacher or an EMA copy, taken in the hook
        return []


def test_a_copy_taken_in_the_hook_gets_its_schedule_too() -> None:
    # review 104: a flag on the module's __dict__ marked the wrapper's call; a copy taken in the hook kept it,
    # and its own configure_callbacks then never added the schedule
    model = _Copying()
    assert [type(c).__name__ for c in model.configure_callbacks()] == ["OneCycle"]
    assert [type(c).__name__ for c in model.copied.configure_callbacks()] == ["OneCycle"]


@pytest.mark.parametrize(
    "value",
    [{"lr": OneCycle()}, Epochs(1), [S.Constant(0.05)], MyOneCycle()],
    ids=["in a dict", "a duration", "in a list", "a subclass of one"],
)
def test_a_package_object_held_anywhere_in_hparams_is_warned_of(tmp_path, value: Any) -> None:
    # review 103: a schedule inside a dict, and a duration (warmup=Epochs(1)), were not said, and the resume
    # failed on them all the same; review 170: nor was a user's subclass of a schedule callback
    model = ArgumentModel(lr_schedule=CosineDecay(), ignore=True, extra=value)
    said = _schedule_in_hparams_warnings(tmp_path, model, fits=1)
    assert len(said) == 1 and said[0].startswith(
        "ArgumentModel: its hparams hold lightning_lr objects in extra="
    )


def test_a_schedule_argument_left_out_of_hparams_is_not_warned_of(tmp_path) -> None:
    model = ArgumentModel(lr_schedule=S.Constant(0.05), ignore=True)
    assert _schedule_in_hparams_warnings(tmp_path, model, fits=1) == []
    assert (
        "lr_schedule"
        not in torch.load(next(Path(tmp_path).rglob("*.ckpt")), weights_only=True)["hyper_parameters"]
    )


class NoHparamsModel(LRScheduleMixin, Tiny):
    lr_schedule = OneCycle()


def test_filled_values_land_in_hparams_even_without_save_hyperparameters(tmp_path) -> None:
    model = NoHparamsModel()
    logger = TensorBoardLogger(tmp_path, name="tb")
    fit(tmp_path, model, [ApplyAt(FakeRangeTest(max_lr=0.05))], logger=logger)
    assert model.hparams["lightning_lr"]["max_lr"] == 0.05
    saved = yaml.safe_load(Path(logger.log_dir, "hparams.yaml").read_text())
    assert saved["lightning_lr"]["max_lr"] == 0.05


def test_a_trainer_callback_is_not_recorded_in_hparams(tmp_path) -> None:
    model = Tiny()
    fit(tmp_path, model, [OneCycle()])
    assert "lightning_lr" not in model.hparams


def test_the_mixin_does_not_disturb_an_optimizer_without_schedule_arguments(tmp_path) -> None:
    class AdamModel(LRScheduleMixin, Tiny):
        lr_schedule = OneCycle()

        def configure_optimizers(self) -> Any:
            return torch.optim.AdamW(self.parameters(), lr=0.02)

    rec = fit(tmp_path, AdamModel(), [])
    assert_trace(rec.lr(), S.OneCycle(0.02, total_steps=N).values(N))
    assert_trace(rec.momentum(), S.OneCycle(0.02, total_steps=N).momentum().values(N))


class PlateauModel(LRScheduleMixin, Scripted):
    def __init__(self) -> None:
        super().__init__(FLAT)

    def lr_schedule(self) -> ScheduleCallback:
        return ReduceOnPlateau("val", factor=0.5, patience=1)


class WarmupModel(LRScheduleMixin, Scripted):
    def __init__(self) -> None:
        super().__init__(FLAT)

    lr_schedule = CosineDecay(warmup=4)


def test_a_declared_plateau_alone_gives_torchs_lrs(tmp_path) -> None:
    model = PlateauModel()
    rec = fit(tmp_path, model, [], max_epochs=len(FLAT))
    expected = torch_lrs(as_logged(FLAT), [0.1], STEPS_PER_EPOCH, factor=0.5, patience=1)[:, 0]
    assert_trace(rec.lr(), expected)
    assert model.hparams["lightning_lr"]["schedule"] == "ReduceOnPlateau"
    assert model.hparams["lightning_lr"]["monitor"] == "val"


class HalvingPlateauModel(LRScheduleMixin, Scripted):
    def __init__(self) -> None:
        super().__init__(FLAT)
        self.factor = 0.5

    def lr_schedule(self) -> ScheduleCallback:
        return ReduceOnPlateau("val", factor=self.factor, patience=0)


@pytest.mark.filterwarnings("ignore:.*fit was called again on this Trainer")
def test_fit_called_again_keeps_the_method_forms_reductions(tmp_path) -> None:
    # review 144: lr_schedule() built a new ReduceOnPlateau at the second fit on the same Trainer, and the LR went
    # back to its un-reduced value (the Trainer's callback and the attribute form kept the reductions)
    full = fit(tmp_path, Scripted(FLAT), [ReduceOnPlateau("val", factor=0.5, patience=0)], max_epochs=5)
    first, second = Recorder(), Recorder()
    t = make_trainer(tmp_path, [first], max_epochs=4)
    model = HalvingPlateauModel()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t.fit(model)
        made = model.lr_schedule_callback()
        t.fit_loop.max_epochs = 5
        t.callbacks.remove(first)
        t.callbacks.append(second)
        t.fit(model)
    assert model.lr_schedule_callback() is made
    assert [r[1][0] for r in first.rows + second.rows] == [r[1][0] for r in full.rows]
    assert made.reductions == {0: [[6, 8, 10]]}
    assert second.rows[0][1][0] == pytest.approx(0.025)  # fit 1's two reductions hold at step 8


def test_another_declaration_at_a_refit_says_what_it_drops(tmp_path) -> None:
    t = make_trainer(tmp_path, [], max_epochs=4)
    model = HalvingPlateauModel()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t.fit(model)
    model.factor = 0.25
    t.fit_loop.max_epochs = 5
    with pytest.warns(
        UserWarning,
        match=r"HalvingPlateauModel: lr_schedule\(\) returned ReduceOnPlateau\(monitor='val', factor=0\.25, "
        r"patience=0\) for this fit, not the last fit's ReduceOnPlateau\(monitor='val', factor=0\.5, patience=0\), so the new "
        r"callback starts afresh at the trainer's step 8: its 2 reductions of the LR and its checks do not carry",
    ):
        t.fit(model)


class SwitchingModel(LRScheduleMixin, Tiny):
    def __init__(self) -> None:
        super().__init__()
        self.kind = "cycle"

    def lr_schedule(self) -> ScheduleCallback | None:
        return {"cycle": OneCycle(max_lr=0.1), "cosine": CosineDecay(), "none": None}[self.kind]


@pytest.mark.parametrize("then", ["cosine", "none"])
@pytest.mark.filterwarnings("ignore:.*fit was called again on this Trainer")
def test_another_declaration_at_a_refit_takes_the_last_ones_callback_out_of_the_trainer(
    tmp_path, then
) -> None:
    # review 149: Lightning keeps what configure_callbacks added to the last fit and replaces only the callbacks of
    # the class returned now: CosineDecay after OneCycle was refused as two schedules of optimizer 0, and None left
    # the OneCycle scheduling the second fit
    model, second = SwitchingModel(), Recorder()
    t = make_trainer(tmp_path, [], max_epochs=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t.fit(model)
    steps = t.global_step
    model.kind = then
    t.fit_loop.max_epochs = 4
    t.callbacks.append(second)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t.fit(model)
    held = [type(c).__name__ for c in t.callbacks if isinstance(c, ScheduleCallback)]
    lrs = second.lr()
    if then == "none":
        assert held == [] and model.lr_schedule_callback() is None
        np.testing.assert_allclose(lrs, 0.1)  # the optimizer's own LR, unscheduled
        return
    assert held == ["CosineDecay"]
    total = t.global_step
    expected = [0.05 * (1 + math.cos(math.pi * k / total)) for k in range(steps, total)]
    assert_trace(lrs, expected)


def test_a_trainer_plateau_composes_with_the_declared_schedule(tmp_path) -> None:
    plateau = ReduceOnPlateau("val", factor=0.5, patience=1)
    rec = fit(tmp_path, WarmupModel(), [plateau], max_epochs=len(FLAT))
    ((steps,),) = plateau.reductions.values()
    assert len(steps) >= 2
    base = S.warmup(S.CosineDecay(0.1, total=20), steps=4).values(24)
    assert_trace(rec.lr(), base * S.MultiStepDecay(1.0, steps, gamma=0.5).values(24))


_FIRST_SPAWN_FIT = """
import sys, tempfile, warnings
sys.path.insert(0, TESTS)
import support  # every process, the spawned ones too, destroys its gloo group at exit (see support's docstring)
import lightning.pytorch as pl, torch, torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
from lightning_lr import LRScheduleMixin
from lightning_lr.callbacks import OneCycle


class Model(LRScheduleMixin, pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Linear(4, 1)

    def lr_schedule(self):  # the method form: no schedule callback exists in this process before the fit
        return OneCycle()

    def training_step(self, batch, batch_idx):
        return F.mse_loss(self.net(batch[0]), batch[1])

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.05)


if __name__ == "__main__":
    model, x = Model(), torch.randn(64, 4)
    with tempfile.TemporaryDirectory() as root, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trainer = pl.Trainer(default_root_dir=root, max_epochs=1, logger=False, enable_checkpointing=False,
                             enable_progress_bar=False, enable_model_summary=False, accelerator="cpu", devices=2,
                             strategy="ddp_spawn")
        trainer.fit(model, DataLoader(TensorDataset(x, x.sum(1, keepdim=True)), batch_size=8))
    print("planned", model.lr_schedule_callback().run)
"""


def test_the_first_spawn_fit_of_a_process_brings_the_plan_back_for_the_method_form(tmp_path) -> None:
    # review 105: the hand-over of a ddp_spawn fit was installed when a schedule callback was built; the method
    # form builds none in the main process before its first fit, and rank 0's plan was lost (run=None)
    script = tmp_path / "first_spawn_fit.py"
    script.write_text(_FIRST_SPAWN_FIT.replace("TESTS", repr(str(Path(__file__).parents[1]))))
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=600, check=False
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "planned RunInfo(total_steps=4, steps_per_epoch=4" in out.stdout, out.stdout[-2000:]
