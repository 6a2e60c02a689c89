"""The subclass API of ScheduleCallback: what a subclass gets wrong is refused naming the class, the method, what it
gave and what is allowed, at construction or in configure_optimizers (review 150)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from lightning_lr import RangeTestResult
from lightning_lr import schedules as S
from lightning_lr.callbacks import CosineDecay, Epochs, Fraction, MultiStepDecay, OneCycle, ScheduleCallback

from support.models import Tiny
from support.trainers import fit, trainer

LIN = S.Linear(0.1, 0.0, total=5)


def _user(**methods: Any) -> ScheduleCallback:
    """A subclass named User with ``methods`` (each a function of the callback, or a value for an attribute)."""
    body: dict[str, Any] = {"build": lambda self, run, steps, info: (LIN, None)}
    body.update(methods)
    return type("User", (ScheduleCallback,), body)()


@pytest.mark.parametrize(
    ("returned", "said"),
    [
        (None, r"returned None"),
        (LIN, r"returned a single Schedule, Linear\(.*\)"),
        ((LIN,), r"returned a tuple of 1"),
        ((LIN, None, None), r"returned a tuple of 3"),
    ],
)
def test_build_that_returns_no_pair_is_refused_naming_it(tmp_path, returned: Any, said: str) -> None:
    cb = _user(build=lambda self, run, steps, info: returned)
    with pytest.raises(
        TypeError, match=rf"^User\.build\(run, steps, info\) {said}; it must return a pair \(lr, momentum\)"
    ):
        fit(tmp_path, Tiny(), [cb], max_steps=3)


@pytest.mark.parametrize(
    ("returned", "said"),
    [
        ((0.05, None), r"returned lr=0\.05 \(item 0 of its pair\).*schedules\.Constant\(0\.05\)"),
        (([0.05], None), r"returned lr\[0\]=0\.05 \(item 0 of its pair\)"),
        ((lambda t: 0.1, None), r"returned lr=<function .*schedules\.Lambda\(fn\)"),
        ((LIN, "0.9"), r"returned momentum='0\.9' \(item 1 of its pair\)"),
    ],
)
def test_build_whose_parts_are_no_schedules_is_refused_naming_the_part(
    tmp_path, returned: Any, said: str
) -> None:
    cb = _user(build=lambda self, run, steps, info: returned)
    with pytest.raises(TypeError, match=rf"^User\.build\(run, steps, info\) {said}"):
        fit(tmp_path, Tiny(), [cb], max_steps=3)


def test_build_with_none_for_the_lr_schedules_the_momentum_alone(tmp_path) -> None:
    # the docstring said the LR part may be None; ScheduleLR refused it ("lr must be a Schedule ..., got None")
    cb = _user(build=lambda self, run, steps, info: (None, S.Linear(0.9, 0.5, total=4)))
    rec = fit(tmp_path, Tiny(), [cb], max_steps=4)
    assert np.allclose(rec.lr(), 0.1)
    assert np.allclose(rec.momentum(), [0.9, 0.8, 0.7, 0.6])


def _durations(entries: Any) -> ScheduleCallback:
    return _user(
        build=lambda self, run, steps, info: (S.Linear(0.1, 0.0, total=steps.get("total", 5)), None),
        durations=lambda self: entries,
    )


@pytest.mark.parametrize(
    ("entries", "error", "said"),
    [
        (None, TypeError, r"returned None; it must return a dict \{name: \(value, minimum steps\)\}"),
        ([("total", Fraction(1.0), 1)], TypeError, r"returned \[.*\]; it must return a dict"),
        (
            {"total": Fraction(1.0)},
            TypeError,
            r"returned 'total': Fraction\(1\.0\); each entry must be a pair",
        ),
        ({"total": (Fraction(1.0), 1, 2)}, TypeError, r"returned 'total': \(.*\); each entry must be a pair"),
        (
            {"total": (1, Fraction(1.0))},
            TypeError,
            r"returned 'total': \(1, Fraction\(1\.0\)\); its minimum \(the second item\) must be an int >= 0.*got Fraction\(1\.0\).*other way",
        ),
        (
            {"total": (Fraction(1.0), Epochs(1))},
            TypeError,
            r"returned 'total': \(.*\); its minimum .* must be an int >= 0.*got Epochs\(1\)",
        ),
        (
            {"total": (Fraction(1.0), -1)},
            ValueError,
            r"returned 'total': \(.*\); its minimum .* must be an int >= 0.*got -1$",
        ),
    ],
)
def test_durations_that_are_no_pairs_are_refused_naming_the_entry(
    tmp_path, entries: Any, error: type, said: str
) -> None:
    with pytest.raises(error, match=rf"^User\.durations\(\) {said}"):
        fit(tmp_path, Tiny(), [_durations(entries)], max_steps=3)


@pytest.mark.parametrize(
    ("kinds", "error", "said"),
    [
        (["span"], TypeError, r"returned \['span'\]; it must return a dict"),
        (
            {"total": "events"},
            ValueError,
            r"returned 'total': 'events'; a kind is one of 'span', 'event', 'unit'",
        ),
        ({"total": 42}, TypeError, r"returned 'total': 42; a kind is one of"),
        (
            {"totl": "span"},
            ValueError,
            r"returned a kind for 'totl', which is no duration argument of User; .*'total'",
        ),
    ],
)
def test_duration_kinds_outside_the_kinds_are_refused(tmp_path, kinds: Any, error: type, said: str) -> None:
    # a typo ("events") dropped the warning of a step past the run without a word
    cb = _user(
        build=lambda self, run, steps, info: (S.Linear(0.1, 0.0, total=steps["total"]), None),
        durations=lambda self: {"total": (Fraction(1.0), 1)},
        duration_kinds=lambda self: kinds,
    )
    with pytest.raises(error, match=rf"^User\.duration_kinds\(\) {said}"):
        fit(tmp_path, Tiny(), [cb], max_steps=3)


class Peak(ScheduleCallback):
    range_test_args = ("peak",)

    def __init__(self, peak: float | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.peak = peak

    def build(self, run, steps, info):
        return [S.Constant(p) for p in self.lead_lrs("peak", info)], None


def _result() -> RangeTestResult:
    lrs = list(np.geomspace(1e-4, 1.0, 30))
    return RangeTestResult(lrs, [2 - np.exp(-((np.log10(x) + 2) ** 2)) for x in lrs], [0.9] * 30)


@pytest.mark.parametrize(
    ("values", "error", "said"),
    [
        ({"max_lr": 0.01}, ValueError, r"returned 'max_lr', not in User\.range_test_args \('peak',\)"),
        (0.01, TypeError, r"returned 0\.01; it must return a dict"),
        (None, TypeError, r"returned None; it must return a dict"),
    ],
)
def test_range_test_values_outside_range_test_args_are_refused(values: Any, error: type, said: str) -> None:
    # a key not in range_test_args was blamed on the test ("gave no suggestion"); a float failed with AttributeError
    cb = type("User", (Peak,), {"range_test_values": lambda self, result: values})()
    with pytest.raises(error, match=rf"^User\.range_test_values\(result\) {said}"):
        cb.apply_range_test(_result())


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            "peak",
            r"range_test_args must be a tuple of the names .* got 'peak' \(for one name, write \('peak',\)",
        ),
        (
            ("peak", "floor"),
            r"range_test_args names 'floor', which User\.__init__ does not set as an attribute",
        ),
        ((1,), r"range_test_args must be a tuple of the names .* got \(1,\)"),
    ],
)
def test_range_test_args_are_checked_at_construction(args: Any, said: str) -> None:
    # review 150: found with AttributeError 'p' or 'floor' after the whole range test ran
    user = type("User", (Peak,), {"range_test_args": args})
    with pytest.raises(TypeError, match=rf"^User\.{said}"):
        user()


def test_a_constructor_without_super_init_is_refused_at_construction() -> None:
    class NoSuper(ScheduleCallback):
        def __init__(self, peak: float = 0.1) -> None:
            self.peak = peak

        def build(self, run, steps, info):
            return S.Constant(self.peak), None

    # was AttributeError 'optimizer' from state_key inside pl.Trainer(...)
    with pytest.raises(TypeError, match=r"^NoSuper\.__init__ did not call super\(\)\.__init__\(\)"):
        NoSuper()


def test_a_subclass_without_build_is_refused_at_construction() -> None:
    class NoBuild(ScheduleCallback):
        pass

    with pytest.raises(TypeError, match=r"^NoBuild does not implement build\(run, steps, info\)"):
        NoBuild()


def test_a_subclass_of_a_subclass_is_checked_once_constructed(tmp_path) -> None:
    # the intermediate class's constructor returns before the outer one sets what range_test_args names
    class Two(Peak):
        range_test_args = ("peak", "floor")

        def __init__(self, floor: float | None = None, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.floor = floor

        def build(self, run, steps, info):
            return S.Constant(0.1), None

    assert Two(floor=0.01).floor == 0.01
    trainer(tmp_path, [Two()])  # Lightning reads state_key


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("steps", r"ScheduleCallback sets self\.steps"),
        ("run", r"ScheduleCallback sets self\.run"),
        ("log", r"Lightning sets callback\.log"),
        ("name", r"ScheduleCallback\.name is a property"),
        ("value", r"ScheduleCallback\.value is a method"),
    ],
)
def test_a_parameter_named_after_the_callbacks_attributes_is_refused(name: str, why: str) -> None:
    # review 150: steps=100 became {} at the first fit, and the repr showed the base's RunInfo
    namespace: dict[str, Any] = {}
    exec(
        f"def __init__(self, {name}=1, **kwargs):\n    super(type(self), self).__init__(**kwargs)\n",
        namespace,
    )
    user = type("User", (ScheduleCallback,), {"__init__": namespace["__init__"], "build": Peak.build})
    with pytest.raises(
        TypeError, match=rf"^User\.__init__ takes a parameter named '{name}'.*\({why}.*\).*Reserved: run"
    ):
        user()


def test_a_constructor_that_sets_steps_is_refused() -> None:
    class Sets(ScheduleCallback):
        def __init__(self, n: int = 100) -> None:
            super().__init__()
            self.steps = {"n": n}

        def build(self, run, steps, info):
            return S.Constant(0.1), None

    with pytest.raises(
        TypeError, match=r"^Sets\.__init__ set self\.steps = \{'n': 100\}: ScheduleCallback sets"
    ):
        Sets()


def test_an_attribute_set_before_super_init_and_replaced_by_it_is_refused() -> None:
    # was lost without a word: every optimizer scheduled, the cosine back to the whole run
    class Second(ScheduleCallback):
        def __init__(self) -> None:
            self.optimizer = 1
            super().__init__()

        def build(self, run, steps, info):
            return S.Constant(0.1), None

    with pytest.raises(
        TypeError,
        match=r"^Second\.__init__ set self\.optimizer = 1 before calling super\(\)\.__init__\(\), and "
        r"ScheduleCallback\.__init__ then set self\.optimizer = 'all': the value set first was lost\. Pass it on "
        r"as super\(\)\.__init__\(optimizer=\.\.\.\)",
    ):
        Second()

    class Half(CosineDecay):  # the preset's constructor, through the private class that sets total
        def __init__(self) -> None:
            self.total = Fraction(0.5)
            super().__init__()

    with pytest.raises(
        TypeError, match=r"^Half\.__init__ set self\.total = .* and CosineDecay\.__init__ then set"
    ):
        Half()

    class Own(ScheduleCallback):
        def __init__(self) -> None:
            self._plan = "mine"
            super().__init__()

        def build(self, run, steps, info):
            return S.Constant(0.1), None

    with pytest.raises(
        TypeError, match=r"then set self\._plan for its own state: .*store it under another name$"
    ):
        Own()


def test_an_argument_stored_before_super_init_and_passed_on_is_kept() -> None:
    class Stores(OneCycle):
        def __init__(self, max_lr: Any = 0.2, **kwargs: Any) -> None:
            self.max_lr = max_lr  # the same value the preset stores, as a float
            self.mine = [1, 2]  # a name the bases do not set
            super().__init__(max_lr=max_lr, **kwargs)

    made = Stores(np.float64(0.2), optimizer=0)
    assert (made.max_lr, made.mine, made.optimizer) == (0.2, [1, 2], 0)
    # r157: a tuple the preset stores as a list is the same value (it was refused, the advice what it did); r158: so
    # is a 1-d tensor, an array or a range
    assert Stores((0.1, 0.01)).max_lr == [0.1, 0.01]
    assert Stores(torch.tensor([0.5, 0.25])).max_lr == [0.5, 0.25]
    assert Stores(np.array([0.1, 0.01])).max_lr == [0.1, 0.01]

    class Steps(MultiStepDecay):
        def __init__(self, milestones: Any) -> None:
            self.milestones = milestones
            super().__init__(milestones=milestones)

    assert Steps(range(10, 30, 10)).milestones == [10, 20]
    with pytest.raises(TypeError, match=r"set self\.max_lr = array\(\[0\.1 *, 0\.02\]\) before calling"):

        class Other(OneCycle):
            def __init__(self) -> None:
                self.max_lr = np.array([0.1, 0.02])
                super().__init__(max_lr=(0.1, 0.01))

        Other()


def test_a_schedule_that_fails_mid_run_names_the_callback_the_optimizer_and_the_group(tmp_path) -> None:
    # review 150: "Lambda: fn(3) returned nan" named neither the callback nor the param group
    fn = S.Lambda(lambda t: float("nan") if t >= 3 else 0.1)
    cb = _user(build=lambda self, run, steps, info: ([None, fn], None))
    with pytest.raises(
        ValueError,
        match=r"^User\(\) on optimizer 0 \(SGD\) at optimizer step 3, the LR schedule of param group 1: "
        r"Lambda: fn\(3\) returned nan",
    ):
        fit(tmp_path, Tiny(groups=2), [cb], max_steps=6)


def test_a_pair_returned_as_a_list_is_refused_saying_why(tmp_path) -> None:
    # review 151: Python's unpacking took [lr, momentum]; it is refused, since [a, b] reads as one LR schedule per
    # param group too (whose second became the momentum's), and the error says to return a tuple
    cb = _user(build=lambda self, run, steps, info: [LIN, None])
    with pytest.raises(
        TypeError, match=r"a list reads as one schedule per param group: return the pair as a tuple"
    ):
        fit(tmp_path, Tiny(), [cb], max_steps=3)


def test_a_whole_float_minimum_and_a_kind_for_a_duration_given_only_when_set_are_taken(tmp_path) -> None:
    # review 151: durations() with a minimum of 1.0, and a Cyclic subclass that gives step_size_down a kind, which
    # Cyclic's durations() holds only when it is set, were refused; the old code trained with both
    from lightning_lr.callbacks import Cyclic

    cb = _user(
        build=lambda self, run, steps, info: (S.Linear(0.1, 0.0, total=steps["total"]), None),
        durations=lambda self: {"total": (Fraction(1.0), 1.0)},
    )
    assert fit(tmp_path, Tiny(), [cb], max_steps=3).lr()[0] == pytest.approx(0.1)

    class MyCyclic(Cyclic):
        def duration_kinds(self) -> dict[str, str]:
            return {**super().duration_kinds(), "step_size_down": "span"}

    rec = fit(tmp_path, Tiny(), [MyCyclic(base_lr=0.01, max_lr=0.1, step_size=4)], max_steps=3)
    assert rec.lr()[0] == pytest.approx(0.01)


def test_build_reading_a_duration_durations_does_not_give_is_told_so(tmp_path) -> None:
    # review 151: steps["total"] without "total" in durations() was a bare KeyError: 'total'
    cb = _user(build=lambda self, run, steps, info: (S.Linear(0.1, 0.0, total=steps["total"]), None))
    with pytest.raises(
        KeyError,
        match=r"User\.build read steps\['total'\], which its durations\(\) does not give \(it gives none\); add "
        r"'total': \(value, minimum steps\) to durations\(\)",
    ):
        fit(tmp_path, Tiny(), [cb], max_steps=3)


def test_a_kind_keyed_by_a_parameter_not_its_duration_is_refused(tmp_path) -> None:
    # review 152: taking every constructor parameter as a key let a kind keyed by the parameter's name (decay_every)
    # where durations() gives the duration as "every" drop the warning the kind is for; a duration left as None
    # (Cyclic's step_size_down), which durations() leaves out, is still taken
    class Halve(ScheduleCallback):
        def __init__(self, decay_every: Any = 5, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.decay_every = decay_every

        def durations(self) -> dict[str, tuple[Any, int]]:
            return {"every": (self.decay_every, 1)}

        def duration_kinds(self) -> dict[str, str]:
            return {"decay_every": "unit"}

        def build(self, run, steps, info):
            return S.StepDecay(0.1, every=steps["every"]), None

    with pytest.raises(ValueError, match=r"returned a kind for 'decay_every', which is no duration argument"):
        fit(tmp_path, Tiny(), [Halve()], max_steps=3)


def test_the_steps_build_reads_are_kept_as_a_plain_dict(tmp_path) -> None:
    # review 152: a subclass that kept the steps build read in its state put the checking class into the
    # checkpoint, and torch's weights_only load refused it at the resume
    import pickle

    seen: list[Any] = []
    cb = _user(
        build=lambda self, run, steps, info: (
            seen.append(steps),
            (S.Linear(0.1, 0.0, total=steps["total"]), None),
        )[1],
        durations=lambda self: {"total": (Fraction(1.0), 1)},
    )
    fit(tmp_path, Tiny(), [cb], max_steps=3)
    assert type(pickle.loads(pickle.dumps(seen[-1]))) is dict and pickle.loads(pickle.dumps(seen[-1])) == {
        "total": 3
    }


def test_the_docs_example_of_a_callback_of_ones_own_trains_and_takes_a_range_test(tmp_path) -> None:
    # the example in docs/callbacks.md ("Writing your own"), run as written: it cannot drift from the code
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "callbacks.md").read_text()
    section = text[text.index("## Writing your own") :]
    (code,) = re.findall(r"```python\n(.*?)```", section, flags=re.S)[:1]
    space: dict[str, Any] = {}
    exec(compile(code, "docs/callbacks.md", "exec"), space)
    cb = space["LinearToZero"](total=8)
    assert repr(cb) == "LinearToZero(total=8)"
    lrs = fit(tmp_path, Tiny(), [cb], max_steps=8).lr()
    np.testing.assert_allclose(lrs, [0.1 * (1 - k / 8) for k in range(8)])
    lrs = fit(tmp_path, Tiny(), [space["LinearToZero"](start=0.05, total=Epochs(1))], max_epochs=1).lr()
    assert lrs[0] == pytest.approx(0.05) and lrs[-1] < lrs[0]
    cb = space["LinearToZero"](total=8)
    cb.apply_range_test(_result())
    assert cb.start is None and fit(tmp_path, Tiny(), [cb], max_steps=2).lr()[0] == pytest.approx(
        _result().suggestion()
    )
