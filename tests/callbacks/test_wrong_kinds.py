"""Objects of the wrong kind where a callback or a schedule goes: the error says which kind is wanted."""

from __future__ import annotations

import re
from typing import Any

import pytest

from lightning_lr import LRRangeTest, Tuner
from lightning_lr import schedules as S
from lightning_lr.callbacks import CosineDecay, OneCycle

from support.fakes import NoLR
from support.models import Tiny
from support.trainers import fit, trainer


@pytest.mark.parametrize(
    "schedule", [S.CosineDecay(0.1, total=8), S.Constant(0.1)], ids=lambda s: type(s).__name__
)
def test_a_pure_schedule_in_the_trainers_callbacks_names_the_callback_to_pass(tmp_path, schedule) -> None:
    # review 117: lightning_lr.schedules.CosineDecay (an IDE's import of the callback's name) in
    # Trainer(callbacks=...) failed with "immutable: 'log'", then Lightning's "has no attribute 'on_exception'"
    name = type(schedule).__name__
    with pytest.raises(
        AttributeError,
        match=re.escape(
            f"{name} is a pure schedule (lightning_lr.schedules.{name}), not a Lightning callback: a Trainer "
        )
        + r".* lightning_lr\.callbacks\."
        + name
        + re.escape(
            f"(...), if there is one, or wrap the schedule: lightning_lr.callbacks.LRSchedule({schedule!r})"
        ),
    ) as caught:
        try:
            t = trainer(tmp_path, [schedule])
        except (
            ValueError
        ) as exc:  # Lightning 2.4 refuses a callback of no Callback class at init, in its words
            assert str(exc) == "Expected a parent"
            pytest.skip("this Lightning refuses the schedule itself, when the Trainer is made")
        t.fit(Tiny())
    # the first error, Lightning's setting of the callback's log, says it too
    assert "pure schedule" in str(caught.value.__context__)


def _decay(step: int) -> float:
    return 0.1 * 0.95**step


def _constant(step: int) -> float:
    return 0.1


@pytest.mark.parametrize(
    ("fn", "said"),
    [
        (
            _decay,
            r"is called once at fit start with the run's RunInfo and must return a Schedule or a list; "
            r"calling it raised TypeError: unsupported operand .*'RunInfo'",
        ),
        (
            _constant,
            r"returned 0\.1; it must return a Schedule or a list with one Schedule \(or None\) per param group",
        ),
    ],
    ids=["raises", "returns a number"],
)
def test_a_function_of_the_step_given_to_lrschedule_names_lambda(tmp_path, fn, said) -> None:
    # review 117: LRSchedule(lambda step: ...), torch's LambdaLR habit, failed with a bare "unsupported operand
    # type(s) for ** or pow(): 'float' and 'RunInfo'"; a number returned did not say what takes a step
    from lightning_lr.callbacks import LRSchedule

    with pytest.raises(
        TypeError,
        match=rf"LRSchedule on optimizer 0 \(SGD\): the lr function {fn.__name__} {said}; a function of the "
        rf"optimizer step is a schedule: lr=lightning_lr\.schedules\.Lambda\({fn.__name__}\), with relative=True "
        r"for factors of each group's LR as torch's LambdaLR takes",
    ):
        fit(tmp_path, Tiny(), [LRSchedule(fn)])
    # what the message says to write trains at the function's values
    rec = fit(tmp_path, Tiny(), [LRSchedule(S.Lambda(fn))])
    assert rec.lr()[:3] == pytest.approx([fn(0), fn(1), fn(2)])


def test_a_schedule_class_given_to_lrschedule_is_refused_when_made() -> None:
    from lightning_lr.callbacks import LRSchedule

    with pytest.raises(
        TypeError,
        match=re.escape(
            "LRSchedule: lr must be a Schedule object, CosineDecay(...), not the class, got <class"
        ),
    ):
        LRSchedule(S.CosineDecay)
    with pytest.raises(TypeError, match=r"LRSchedule: momentum\[1\] must be a Schedule or None"):
        LRSchedule(S.Constant(0.1), momentum=[S.Constant(0.9), S.Constant])


def _slip(run: Any) -> S.Schedule:
    return S.CosineDecay(0.1, total=run)  # a slip inside a correct function of the run


def _a_class(run: Any) -> Any:
    return S.CosineDecay


def test_a_function_of_the_run_that_fails_inside_or_returns_a_class_gets_no_lambda_hint(tmp_path) -> None:
    # review 119: every TypeError from a function of the run got the hint to wrap it in Lambda, which calls it
    # with a step, where the function was right and only a line inside it was not
    from lightning_lr.callbacks import LRSchedule

    with pytest.raises(TypeError, match=r"CosineDecay: total must be a positive integer") as caught:
        fit(tmp_path, Tiny(), [LRSchedule(_slip)])
    assert "Lambda" not in str(caught.value)
    with pytest.raises(
        TypeError,
        match=r"the lr function _a_class returned <class '.*CosineDecay'>; it must return a Schedule or a list "
        r"with one Schedule \(or None\) per param group; build one: CosineDecay\(\.\.\.\)$",
    ):
        fit(tmp_path, Tiny(), [LRSchedule(_a_class)])


@pytest.mark.parametrize("bad", [None, [("step", 3)], "state"])
def test_a_callback_state_that_is_no_dict_is_refused_naming_the_callback(bad: Any) -> None:
    # Lightning passes the dict it saved; a hand-made call with something else used to fail deep inside
    # ("'NoneType' object is not iterable", "argument of type 'NoneType' is not iterable")
    from lightning_lr import LRRangeTest
    from lightning_lr.callbacks import Cyclic, OneCycle, ReduceOnPlateau, StepDecay

    callbacks = [
        OneCycle(max_lr=0.1),
        Cyclic(base_lr=0.01, max_lr=0.1, step_size=4),
        StepDecay(every=3),
        ReduceOnPlateau(monitor="val_loss"),
        LRRangeTest(),
    ]
    for callback in callbacks:
        before = callback.state_dict()
        with pytest.raises(TypeError) as caught:
            callback.load_state_dict(bad)
        assert str(caught.value) == (
            f"{type(callback).__name__}.load_state_dict: state_dict must be a dict (what state_dict() returns), "
            f"got {bad!r}"
        )
        assert callback.state_dict() == before


@pytest.mark.parametrize(
    ("results", "error", "said"),
    [
        (
            None,
            TypeError,
            "state_dict['results'] must be a dict of epoch -> result dict (what state_dict() returns), got None",
        ),
        (
            ["x"],
            TypeError,
            "state_dict['results'] must be a dict of epoch -> result dict (what state_dict() returns), got ['x']",
        ),
        ({"a": {}}, ValueError, "state_dict['results'] keys must be epoch numbers, got 'a'"),
        ({1.5: {}}, ValueError, "state_dict['results'] keys must be epoch numbers, got 1.5"),
        ({-1: {}}, ValueError, "state_dict['results'] keys must be epoch numbers, got -1"),
        ({"0": "x"}, ValueError, "state_dict['results']['0']: not a SweepResult dict"),
    ],
)
def test_a_range_test_callback_state_whose_results_are_wrong_is_refused_by_name(
    results: Any, error: type, said: str
) -> None:
    # review 188: {"results": None} failed with "'NoneType' object has no attribute 'items'", a key that is no
    # epoch with int()'s own message; the callback keeps what it held
    from lightning_lr import LRRangeTest

    callback = LRRangeTest()
    with pytest.raises(error) as caught:
        callback.load_state_dict({"results": results})
    assert str(caught.value).startswith(f"LRRangeTest.load_state_dict: {said}"), str(caught.value)
    assert callback.results == {} and callback.state_dict() == {"results": {}}


@pytest.mark.parametrize(
    ("make", "owner"),
    [
        (lambda: CosineDecay(), "CosineDecay: optimizer 0 returned by configure_optimizers: "),
        (lambda: OneCycle(max_lr=0.1), "OneCycle: optimizer 0 returned by configure_optimizers: "),
        (lambda: LRRangeTest(), "LR range test: "),
        (None, "LR range test: "),
    ],
    ids=["CosineDecay", "OneCycle", "LRRangeTest", "Tuner"],
)
def test_an_optimizer_without_lr_is_named_by_the_callback_or_test(
    tmp_path: Any, make: Any, owner: str
) -> None:
    # r198: a bare "KeyError: 'lr'" from inside the package, at fit
    model = Tiny(optim=lambda m: NoLR(m.parameters()))
    with pytest.raises(KeyError) as info:
        if make is None:
            Tuner(trainer(tmp_path)).lr_range_test(model, model.train_dataloader())
        else:
            fit(tmp_path, model, [make()])
    assert info.value.args[0] == (
        f"{owner}NoLR has no 'lr' in param group 0, where the LR is read and set: every torch optimizer has one; a "
        f"custom optimizer puts lr in the defaults it passes to torch.optim.Optimizer"
    )
