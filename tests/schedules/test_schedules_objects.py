"""Schedules as values: immutable fields, replace, pickle round trips, copies, readable reprs, equality,
natural lengths, and Multiplicative's cost."""

from __future__ import annotations

import ast
import copy
import functools
import inspect
import io
import itertools
import pickle
import re

import numpy as np
import pytest
import torch
from schedule_zoo import (
    WithNew,
    all_examples,
    closed_form_examples,
    halve_every_10,
    ninety_percent,
    one_over_cycle,
)

import lightning_lr.schedules as sched
from lightning_lr.schedules import (
    Constant,
    CosineDecay,
    Cyclic,
    ExponentialDecay,
    Lambda,
    Multiplicative,
    MultiStepDecay,
    OneCycle,
    Schedule,
    StepDecay,
    join,
    warmup,
)
from lightning_lr.schedules._base import subclasses
from lightning_lr.schedules.long_run import InverseSqrt


def fields(s: Schedule) -> list[str]:
    """The constructor's parameters: the fields of a schedule."""
    return list(inspect.signature(type(s)).parameters)


# --- immutable fields -------------------------------------------------------------------------------------


def test_the_zoo_has_every_schedule_class() -> None:
    every = {getattr(sched, n) for n in sched.__all__}
    classes = {c for c in every if isinstance(c, type) and issubclass(c, Schedule)} - {Schedule}
    assert every - classes - {Schedule} == {sched.GrowthWarning, sched.join, sched.warmup}
    assert classes == {type(s) for s in all_examples().values()}


@pytest.mark.parametrize("name", list(all_examples()))
def test_assigning_or_deleting_any_attribute_raises(name: str) -> None:
    s = all_examples()[name]
    before = (repr(s), s.values(40).tolist())
    for field in fields(s):
        with pytest.raises(
            AttributeError, match=rf"{type(s).__name__} is immutable: .*replace\({field}=\.\.\.\)"
        ):
            setattr(s, field, getattr(s, field))
        with pytest.raises(AttributeError, match="is immutable"):
            delattr(s, field)
    with pytest.raises(AttributeError, match="'anything' cannot be set"):
        s.anything = 1  # type: ignore[attr-defined]
    with pytest.raises(AttributeError, match="is immutable"):
        s.vectorized = False
    assert (repr(s), s.values(40).tolist()) == before


def test_a_changed_field_can_no_longer_leave_derived_values_stale() -> None:
    # before: `s.max_lr = 2.0` changed the repr while s(29) stayed at the old peak
    s = OneCycle(1.0, total_steps=100)
    with pytest.raises(
        AttributeError,
        match=re.escape("OneCycle is immutable: build a new one with schedule.replace(max_lr=...)"),
    ):
        s.max_lr = 2.0
    assert s(29) == 1.0
    t = s.replace(max_lr=2.0)
    assert (t.max_lr, t(29), t(0), t(99)) == (2.0, 2.0, 2.0 / 25, 2.0 / 25 / 1e4)
    assert repr(t).startswith("OneCycle(max_lr=2, total_steps=100,")
    assert s(29) == 1.0


def test_list_fields_cannot_be_changed_in_place() -> None:
    ms = MultiStepDecay(1.0, [2, 4], gamma=0.5)
    j = join([Constant(0.1), Constant(0.2)], [5])
    for change in (
        lambda: ms.milestones.append(1),
        lambda: ms.milestones.sort(),
        lambda: ms.milestones.__setitem__(0, 3),
        lambda: ms.milestones.__iadd__([9]),
        lambda: j.schedules.__setitem__(0, Constant(1.0)),
        lambda: j.boundaries.clear(),
    ):
        with pytest.raises(TypeError, match="list fields cannot be changed"):
            change()
    assert (ms.milestones, ms(4)) == ([2, 4], 0.25)
    assert (j.boundaries, j(0)) == ([5], 0.1)
    assert copy.copy(ms.milestones) == [2, 4] and type(copy.deepcopy(ms.milestones)) is list


# --- replace ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(all_examples()))
def test_replace_without_changes_and_the_fields_rebuild_an_equal_schedule(name: str) -> None:
    s = all_examples()[name]
    for same in (s.replace(), type(s)(*(getattr(s, f) for f in fields(s)))):
        assert same == s and hash(same) == hash(s) and repr(same) == repr(s) and same is not s
        assert same.values(60).tolist() == s.values(60).tolist()


def test_replace_checks_the_arguments_again_and_fills_in_the_implied_ones() -> None:
    with pytest.raises(ValueError, match="max_lr must be > 0, got -1"):
        OneCycle(1.0, 100).replace(max_lr=-1)
    with pytest.raises(
        TypeError, match=r"OneCycle.replace: each argument must be a field: one of max_lr, .*got 'lr'"
    ):
        OneCycle(1.0, 100).replace(lr=0.1)
    c = Cyclic(0.1, 1.0, step_size=2)
    e = c.replace(mode="exp_range", gamma=0.5)
    assert (e.scale_mode, e.gamma) == ("iterations", 0.5)  # scale_mode follows the new mode
    assert e.replace(mode="triangular", gamma=1.0) == c
    assert ExponentialDecay(0.1, gamma=0.5).replace(gamma=None, rate=0.1) == ExponentialDecay(0.1, rate=0.1)
    assert CosineDecay(1.0, total=10).replace(periodic=True).periodic is True
    # a symmetric cycle stays symmetric: before, step_size_down kept the old step_size (a 5-up/2-down cycle)
    assert c.replace(step_size=5) == Cyclic(0.1, 1.0, step_size=5)
    assert c.replace(step_size=5).cycle_length == 10
    assert Cyclic(0.1, 1.0, step_size=2, step_size_down=3).replace(step_size=5).step_size_down == 3


def test_a_join_of_one_schedule_has_its_schedules_length() -> None:
    # before: an IndexError from natural_length (and from `lightning-lr plot "join([...], [])"`)
    assert join([CosineDecay(0.1, total=100)], []).natural_length() == 100
    assert join([Constant(0.1)], []).natural_length(default=7) == 7


# --- pickle ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(all_examples()))
def test_pickle_round_trip(name: str) -> None:
    s = all_examples()[name]
    s(57)  # a used schedule (Multiplicative's cache is warm) pickles the same
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        back = pickle.loads(pickle.dumps(s, protocol=protocol))
        assert back == s
        assert hash(back) == hash(s)
        assert repr(back) == repr(s)
        assert back.values(80).tolist() == s.values(80).tolist()


@pytest.mark.parametrize("name", list(all_examples()))
def test_copies_are_equal_and_independent(name: str) -> None:
    s = all_examples()[name]
    for c in (copy.copy(s), copy.deepcopy(s)):
        assert c == s and c is not s
        assert c.values(50).tolist() == s.values(50).tolist()


def local_function_holder():
    def local(t: int) -> float:
        return 0.5

    return local


def local_class_instance():
    class Local:
        def __call__(self, t: int) -> float:
            return 0.5

    return Local()


UNPICKLABLE = {
    "Lambda-lambda": (lambda: Lambda(lambda t: 0.1), "Lambda(fn="),
    "Lambda-local-def": (
        lambda: Lambda(local_function_holder()),
        "Lambda(fn=local_function_holder.<locals>.local)",
    ),
    "Lambda-local-class": (
        lambda: Lambda(local_class_instance()),
        "Lambda(fn=local_class_instance.<locals>.Local)",
    ),
    "Lambda-partial-of-lambda": (lambda: Lambda(functools.partial(lambda t, k: k, k=0.1)), "Lambda(fn="),
    "Multiplicative-lambda": (lambda: Multiplicative(0.1, lambda i: 0.9), "Multiplicative(factor="),
    "Multiplicative-local": (lambda: Multiplicative(0.1, local_function_holder()), "Multiplicative(factor="),
    "Cyclic-lambda": (lambda: Cyclic(0.1, 1.0, scale_fn=lambda x: 1.0), "Cyclic(scale_fn="),
    "Cyclic-local": (lambda: Cyclic(0.1, 1.0, scale_fn=local_function_holder()), "Cyclic(scale_fn="),
    "CyclicMomentum-lambda": (
        lambda: Cyclic(0.1, 1.0, scale_fn=lambda x: 1.0).momentum(),
        "Cyclic(scale_fn=",
    ),
    "Join-holding-a-lambda": (lambda: join([Constant(0.1), Lambda(lambda t: 0.1)], [5]), "Lambda(fn="),
}


@pytest.mark.parametrize("name", list(UNPICKLABLE))
def test_pickling_a_lambda_or_local_function_says_to_use_a_named_function(name: str) -> None:
    make, where = UNPICKLABLE[name]
    s = make()
    assert s(3) >= 0  # usable as long as it is not pickled
    with pytest.raises(TypeError, match=re.escape(where)) as info:
        pickle.dumps(s)
    message = str(info.value)
    assert "lambda or a local function" in message
    assert "Use a named module-level function" in message
    assert isinstance(info.value, pickle.PicklingError)  # also what pickle's callers catch
    # copying does not pickle (deepcopy shares functions and copies callable instances)
    assert copy.deepcopy(s).values(10).tolist() == s.values(10).tolist()
    assert copy.copy(s) == s


def test_named_functions_and_module_level_instances_pickle() -> None:
    for s in (
        Lambda(halve_every_10),
        Multiplicative(0.1, ninety_percent),
        Cyclic(0.1, 1.0, scale_fn=one_over_cycle),
    ):
        assert pickle.loads(pickle.dumps(s)) == s
    partial = Lambda(functools.partial(max, 0.1))
    assert pickle.loads(pickle.dumps(partial))(5) == 5.0


def test_a_pickled_multiplicative_holds_its_arguments_not_its_cache() -> None:
    s = Multiplicative(1.0, ninety_percent)
    s(100)  # a warm cache
    assert pickle.dumps(s) == pickle.dumps(Multiplicative(1.0, ninety_percent))  # as a cold one's
    assert pickle.loads(pickle.dumps(s))(100) == s(100)


@pytest.mark.parametrize("name", list(all_examples()))
def test_a_pickle_holds_the_constructor_arguments(name: str) -> None:
    s = all_examples()[name]
    copied = pickle.loads(pickle.dumps(s))
    assert type(copied) is type(s) and copied == s
    assert [getattr(copied, f) for f in fields(s)] == [getattr(s, f) for f in fields(s)]
    if name in ("Lambda", "Multiplicative", "join-of-user-functions") or name.startswith("Cyclic-scale_fn"):
        return  # (a user's function is a global a weights_only load must be told of too)
    # the pickle names the schedule classes and nothing else: torch.load(weights_only=True) takes it once they
    # are allow-listed (review 109: a first version reduced to a private function, which such a load refused)
    buffer = io.BytesIO()
    torch.save(s, buffer)
    buffer.seek(0)
    with torch.serialization.safe_globals(subclasses(Schedule)):
        assert torch.load(buffer, weights_only=True) == s


def test_a_schedule_whose_new_takes_arguments_is_copied_and_pickled() -> None:
    # review 110: pickle's NEWOBJ and the copies called __new__ without the arguments it asks for
    s = WithNew(0.2)
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(s, protocol=proto)) == s
    assert copy.copy(s) == copy.deepcopy(s) == s


def test_a_pickle_written_with_the_class_itself_still_loads() -> None:
    # the form __reduce__ had before _rebuild: files written then load as they did
    class Old:
        def __reduce__(self):
            return (StepDecay, (0.1, 10, 0.5))

    assert pickle.loads(pickle.dumps(Old())) == StepDecay(0.1, every=10)


# --- repr -------------------------------------------------------------------------------------------------


def test_reprs_are_readable() -> None:
    assert repr(StepDecay(0.1, every=10)) == "StepDecay(initial=0.1, every=10, drop=0.5)"
    assert repr(ExponentialDecay(0.1, rate=0.1)) == "ExponentialDecay(initial=0.1, rate=0.1)"
    assert repr(OneCycle(0.1, 1000)) == (
        "OneCycle(max_lr=0.1, total_steps=1000, pct_start=0.3, anneal='cos', div_factor=25, "
        "final_div_factor=10000, three_phase=False)"
    )
    assert repr(Cyclic(1e-4, 1e-3, step_size=500, mode="exp_range", gamma=0.999)) == (
        "Cyclic(base_lr=0.0001, max_lr=0.001, step_size=500, mode='exp_range', gamma=0.999)"
    )
    assert repr(Lambda(halve_every_10)) == "Lambda(fn=halve_every_10)"
    assert repr(Multiplicative(0.1, ninety_percent)) == "Multiplicative(initial=0.1, factor=ninety_percent)"
    assert repr(join([Constant(0.1), CosineDecay(0.1, total=10)], [5])) == (
        "Join(schedules=[Constant(value=0.1), CosineDecay(initial=0.1, total=10, final=0)], boundaries=[5])"
    )
    assert repr(OneCycle(0.1, 100).momentum()).startswith("OneCycleMomentum(lr=OneCycle(max_lr=0.1, ")


def test_repr_does_not_round_arguments() -> None:
    # before: %g printed 0.123456789 as 0.123457, so two different schedules had the same repr
    assert repr(Constant(0.123456789)) == "Constant(value=0.123456789)"
    assert repr(Constant(0.123456789)) != repr(Constant(0.123457))
    assert repr(Constant(1 / 3)) == "Constant(value=0.3333333333333333)"


@pytest.mark.parametrize("name", list(closed_form_examples()))
def test_repr_evaluates_back_to_an_equal_schedule(name: str) -> None:
    s = closed_form_examples()[name]
    namespace = {k: getattr(sched, k) for k in sched.__all__}
    assert eval(repr(s), namespace) == s


def test_repr_of_a_lambda_names_it() -> None:
    assert repr(Lambda(lambda t: 0.1)) == "Lambda(fn=test_repr_of_a_lambda_names_it.<locals>.<lambda>)"
    assert "Local" in repr(Lambda(local_class_instance()))


# --- equality ---------------------------------------------------------------------------------------------


def test_equal_arguments_make_equal_schedules() -> None:
    assert OneCycle(0.1, 100) == OneCycle(0.1, 100, pct_start=0.3)
    assert hash(OneCycle(0.1, 100)) == hash(OneCycle(0.1, 100, pct_start=0.3))
    assert OneCycle(0.1, 100) != OneCycle(0.1, 101)
    assert StepDecay(0.1, every=10) != ExponentialDecay(0.1, gamma=0.5)
    assert Constant(0.1) != 0.1
    assert len({Constant(0.1), Constant(0.1), Constant(0.2)}) == 2
    assert Lambda(halve_every_10) == Lambda(halve_every_10)
    assert OneCycle(0.1, 100).momentum() == OneCycle(0.1, 100).momentum()
    assert OneCycle(0.1, 100).momentum() != OneCycle(0.1, 100).momentum(0.8)


@pytest.mark.parametrize("name", list(all_examples()))
def test_every_field_takes_part_in_equality_and_the_repr_shows_every_field_it_needs(name: str) -> None:
    s = all_examples()[name]
    call = ast.parse(repr(s), mode="eval").body
    assert isinstance(call, ast.Call) and not call.args
    shown = [k.arg for k in call.keywords]
    assert set(shown) <= set(fields(s))
    # the repr's arguments are enough to rebuild the schedule: the other fields are at the value the
    # constructor gives them by itself
    assert type(s)(**{f: getattr(s, f) for f in fields(s) if f in shown}) == s


def test_schedules_that_differ_in_one_field_differ() -> None:
    base = OneCycle(1.0, 100)
    for change in (
        dict(max_lr=2.0),
        dict(total_steps=99),
        dict(pct_start=0.25),
        dict(anneal="linear"),
        dict(div_factor=10.0),
        dict(final_div_factor=1e3),
        dict(three_phase=True),
    ):
        other = base.replace(**change)
        assert other != base and repr(other) != repr(base)
        assert len({base, other}) == 2


# --- natural length ---------------------------------------------------------------------------------------

NATURAL_LENGTHS = {
    "Constant": None,
    "TimeDecay": 4500,  # down to 10%: 9 / decay
    "TimeDecay-staircase": 126,
    "StepDecay": 50,  # 5 * every
    "MultiStepDecay": 38,  # 1.25 * the last milestone
    "ExponentialDecay-rate": 30,  # down to ~5%: 3 / rate
    "ExponentialDecay-gamma": 176,
    "ExponentialDecay-growth": None,
    "PolynomialDecay": 50,  # total
    "CosineDecay": 60,
    "CosineDecay-periodic": 120,  # a whole period
    "Linear": 30,
    "CosineRestarts": 21,  # three periods
    "CosineRestarts-mult": 21,  # 3 + 6 + 12
    "Cyclic-triangular": 30,  # three cycles
    "Cyclic-triangular2": 24,
    "Cyclic-exp_range": 24,
    "CyclicMomentum": 18,  # its LR's
    "OneCycle": 100,  # total_steps
    "OneCycle-linear": 37,
    "OneCycle-3phase": 50,
    "OneCycle-tiny": 3,
    "OneCycleMomentum": 40,
    "OneCycleMomentum-3phase": 40,
    "join": 55,  # the last boundary + the last schedule's
    "warmup": 50,
    "CosineDecay-ratio": 60,
    "WarmupStableDecay": 60,  # total
    "WarmupStableDecay-cosine": 50,
    "WarmupStableDecay-linear": 40,
    "InverseSqrt": 90,  # ten warm-ups
    "Lambda": None,
    "Multiplicative": None,
    "Cyclic-scale_fn-cycle": 18,
    "Cyclic-scale_fn-iterations": 18,
    "join-of-user-functions": None,
}


def test_natural_lengths_cover_the_zoo() -> None:
    assert set(NATURAL_LENGTHS) == set(all_examples())


@pytest.mark.parametrize("name", list(NATURAL_LENGTHS))
def test_natural_length(name: str) -> None:
    s = all_examples()[name]
    expected = NATURAL_LENGTHS[name]
    assert s.natural_length() == expected
    if expected is not None:
        assert s.natural_length(default=7) == expected
    elif isinstance(s, sched.Join):
        assert s.natural_length(default=7) == s.boundaries[-1] + 7
    else:
        assert s.natural_length(default=7) == 7


def test_natural_length_of_decays_without_a_scale() -> None:
    assert ExponentialDecay(0.1, gamma=1.0).natural_length() is None
    assert ExponentialDecay(0.1, rate=0.0).natural_length(default=5) == 5
    assert sched.TimeDecay(0.1, decay=0.0).natural_length() is None
    assert ExponentialDecay(0.1, rate=1e-9).natural_length() == 100_000  # at most 100,000 steps
    assert ExponentialDecay(0.1, rate=50.0).natural_length() == 10  # at least 10


def test_a_decay_too_slow_to_show_answers_the_cap() -> None:
    # review 108: 9 / 5e-324 and 3 / 1e-310 overflow to inf, and the natural length raised OverflowError
    assert sched.TimeDecay(0.1, decay=5e-324).natural_length() == 100_000
    assert ExponentialDecay(0.1, rate=1e-310).natural_length() == 100_000
    assert ExponentialDecay(0.1, gamma=1 - 2**-53).natural_length() == 100_000


@pytest.mark.parametrize("name", sorted(all_examples()))
@pytest.mark.parametrize(
    ("default", "error", "shown"),
    [
        ("abc", TypeError, "'abc'"),
        (-5, ValueError, "-5"),
        (0, ValueError, "0"),
        (2.5, TypeError, "2.5"),
        (True, TypeError, "True"),
    ],
)
def test_natural_length_checks_its_default_for_every_schedule(name: str, default, error, shown) -> None:
    # review 108: Constant(0.1).natural_length(default='abc') answered 'abc', default=-5 answered -5, and a
    # join's raised a bare TypeError; a schedule with a length of its own did not look at it at all
    s = all_examples()[name]
    with pytest.raises(error) as info:
        s.natural_length(default=default)
    assert str(info.value) == (
        f"{type(s).__name__}.natural_length: default must be a positive integer or None, got {shown}"
    )
    with pytest.raises(error, match=r"natural_length: default must be a positive integer or None"):
        s.natural_length(default)  # positionally too
    assert s.natural_length(default=np.int64(7)) == s.natural_length(default=7)


def test_a_users_schedule_has_its_natural_length_default_checked() -> None:
    class Steps(sched.Schedule):
        def __init__(self, n: int) -> None:
            self.n = n

        def _eval(self, t, xp):
            return 0.1 + 0.0 * t

        def natural_length(self, default=None):
            return self.n if default is None else default

    assert Steps(3).natural_length() == 3 and Steps(3).natural_length(default=9) == 9
    with pytest.raises(TypeError, match=r"^Steps.natural_length: default must be a positive integer or None"):
        Steps(3).natural_length(default="9")


def test_a_users_natural_length_without_a_default_is_called_as_written() -> None:
    # review 109: the check passed a default to a natural_length(self) that takes none (a TypeError)
    class Fifty(sched.Schedule):
        def _eval(self, t, xp):
            return 0.1 + 0.0 * t

        def natural_length(self):
            return 50

    assert Fifty().natural_length() == 50 and Fifty().natural_length(default=7) == 50
    # review 110: a join or a warm-up around it passed its default on, and it raised a TypeError
    assert sched.join([Constant(0.1), Fifty()], [10]).natural_length() == 60
    assert sched.warmup(Fifty(), steps=5).natural_length() == 55


def test_a_users_natural_length_taking_keywords_gets_the_default_by_name() -> None:
    # review 111: an override written (self, **kw) was called with the default positionally (a TypeError)
    class Keywords(sched.Schedule):
        def _eval(self, t, xp):
            return 0.1 + 0.0 * t

        def natural_length(self, **kw):
            return kw.get("default") or 30

    assert Keywords().natural_length() == 30 and Keywords().natural_length(default=5) == 5
    assert sched.warmup(Keywords(), steps=4).natural_length() == 34


# --- Multiplicative costs O(1) per step in increasing order ------------------------------------------------


class CountingFactor:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, i: int) -> float:
        self.calls += 1
        return 0.999


def test_multiplicative_in_increasing_order_calls_factor_once_per_new_step() -> None:
    f = CountingFactor()
    s = Multiplicative(1.0, f)
    for t in range(1000):
        s(t)
    assert f.calls == 999  # factor(1) .. factor(999): one call per new step
    s(999)
    s(1000)
    assert f.calls == 1000  # repeating a step is free, the next step costs one call
    s(1500)
    assert f.calls == 1500


def test_multiplicative_going_back_recomputes_from_step_0() -> None:
    f = CountingFactor()
    s = Multiplicative(1.0, f)
    s(1000)
    f.calls = 0
    assert s(10) == pytest.approx(0.999**10)
    assert f.calls == 10


def test_multiplicative_two_readers_cost_one_call_per_new_step_each() -> None:
    # review 58: a reader one step behind another (a scheduler and a plot of it) recomputed from step 0 at
    # every step: 2,002,999 factor calls over 2000 steps, a quadratic cost
    f = CountingFactor()
    s = Multiplicative(1.0, f)
    for t in range(1, 2000):
        assert s(t) == pytest.approx(0.999**t, rel=1e-12)
        assert s(t - 1) == pytest.approx(0.999 ** (t - 1), rel=1e-12)
    assert f.calls <= 2 * 2000


def test_multiplicative_going_far_back_restarts_from_a_kept_product() -> None:
    f = CountingFactor()
    s = Multiplicative(1.0, f)
    want = s(5000)
    s(4000)  # the second running product
    f.calls = 0
    assert s(3000) == Multiplicative(1.0, f)(3000)  # bitwise: the same product, in the same order
    f.calls = 0
    s(3001)
    s(2500)  # behind both running products: from the product kept at step 2048
    assert f.calls == 1 + (2500 - 2048)
    assert s(5000) == want


def test_multiplicative_refuses_a_step_too_far_from_every_product_known(monkeypatch) -> None:
    # r202: Multiplicative(0.1, f)(10**20) and the drop-in's step(2**40) ran on, one factor call per step
    f = CountingFactor()
    s = Multiplicative(1.0, f)
    with pytest.raises(
        ValueError, match=r"^Multiplicative: step 100000000000000000000 is the product of factor"
    ):
        s(10**20)
    assert f.calls == 0  # refused before any call
    from lightning_lr.schedules import compose

    monkeypatch.setattr(compose, "_MAX_CALLS", 1000)
    s(1000)  # 1000 calls: the most one evaluation makes
    with pytest.raises(ValueError, match=r"nearest product known is at step 1000: 1001 calls of factor"):
        s(2001)
    assert s(2000) == pytest.approx(
        0.999**2000, rel=1e-12
    )  # in order, as a scheduler goes, every step is reached


def test_multiplicative_values_costs_n_calls() -> None:
    f = CountingFactor()
    s = Multiplicative(1.0, f)
    v = s.values(5000)
    assert f.calls == 4999
    assert v[-1] == pytest.approx(0.999**4999, rel=1e-12)
    assert np.all(np.diff(v) < 0)


def test_multiplicative_is_thread_safe_in_value() -> None:
    """Threads sharing one schedule (and its cache) still see the pure function."""
    import threading

    s = Multiplicative(1.0, ninety_percent)
    expected = [Multiplicative(1.0, ninety_percent)(t) for t in range(200)]
    errors: list[int] = []

    def work(offset: int) -> None:
        for k in range(400):
            t = (k * 37 + offset) % 200
            if s(t) != expected[t]:
                errors.append(t)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []


@pytest.mark.parametrize(
    ("schedule", "end"),
    [
        (sched.CosineDecay(0.1, total=50), 50),
        (sched.CosineDecay(0.1, total=50, periodic=True), None),
        (sched.PolynomialDecay(0.1, total=30), 30),
        (sched.Linear(0.0, 0.1, total=7), 7),
        (sched.OneCycle(0.1, total_steps=40), 40),
        (sched.OneCycle(0.1, total_steps=40).momentum(), 40),
        (sched.WarmupStableDecay(0.1, total=60, warmup=5), 60),
        (sched.join([sched.Constant(0.1), sched.CosineDecay(0.1, total=20)], [15]), 35),
        (sched.warmup(sched.Constant(0.1), steps=5), None),
        (sched.Constant(0.1), None),
        (sched.StepDecay(0.1, every=3), None),
        (sched.MultiStepDecay(0.1, [10, 20]), None),
        (sched.Cyclic(0.01, 0.1, 5), None),
        (sched.CosineRestarts(0.1, period=10), None),
    ],
    ids=lambda v: v if isinstance(v, (int, type(None))) else type(v).__name__,
)
def test_ends_at_is_where_the_final_value_holds_from(schedule, end) -> None:
    assert schedule.ends_at() == end
    if end is not None:  # from there on the value no longer changes (a 1cycle gets there a step early)
        values = schedule.values(end + 20)
        assert np.all(values[end:] == values[end]) and values[end - 2] != values[end]


def _falling(t: int) -> float:
    return 0.1 - 0.01 * t


_WARM_EXP = warmup(ExponentialDecay(0.1, gamma=0.9), steps=2)


@pytest.mark.parametrize(
    ("schedule", "needs"),
    [
        # review 44: the Lambda is negative at step 11, which the run never uses; reading it raised
        (join([Lambda(_falling), Constant(0.001)], [11]), 12),
        # a decay with no end, cut by a switch into a constant at its level: it changes up to the switch
        (join([ExponentialDecay(0.1, gamma=0.5), Constant(0.1 * 0.5**10)], [10]), 10),
        # the milestone at the switch is never seen; the switch is a jump like the milestone's
        (join([MultiStepDecay(0.1, milestones=[8]), Constant(0.01)], [8]), 9),
        (MultiStepDecay(0.1, milestones=[8]), 9),
        (join([Constant(0.1), Constant(0.01)], [8]), 9),
        # a constant all the way: no change to make
        (join([join([Constant(0.1), Constant(0.01)], [16]), Constant(0.1)], [10]), None),
        (warmup(Constant(0.1), 100), 100),
        (warmup(Constant(0.1), 100, start=0.01), 100),
        (warmup(CosineDecay(0.1, total=30), 10), 40),
        (join([CosineDecay(0.1, total=10, final=0.01), Constant(0.01)], [10]), 10),
        (join([CosineDecay(0.1, total=100), Constant(0.05)], [24]), 25),
        (join([StepDecay(0.1, every=7), Constant(0.1 * 0.5**4)], [30]), 29),
        # review 46: a warm-up into a decay, or InverseSqrt, keeps changing up to the switch after its warm-up
        (join([_WARM_EXP, Constant(_WARM_EXP(39))], [40]), 40),
        (join([InverseSqrt(0.1, warmup=10), Constant(InverseSqrt(0.1, warmup=10)(999))], [1000]), 1000),
        # review 46: a cycle cut by a cool-down jumps to it, though within a step's change of the cycle
        (join([Cyclic(0.01, 0.1, step_size=10), Constant(0.005)], [40]), 41),
        # review 46: a one-step warm-up has no trend to compare, but its ramp ends at its length
        (warmup(Constant(0.1), 1), 1),
    ],
    ids=[
        "lambda-unused-step",
        "exponential-cut",
        "milestone-at-switch",
        "milestone",
        "constants",
        "constant-throughout",
        "warmup",
        "warmup-from-start",
        "warmup-cosine",
        "cosine-into-its-final",
        "cosine-cut-then-jump",
        "steps-into-their-level",
        "warmup-decay-in-a-join",
        "inverse-sqrt-in-a-join",
        "cycle-into-a-cool-down",
        "one-step-warmup",
    ],
)
def test_scheduled_until_is_the_run_length_the_seen_changes_need(
    schedule: Schedule, needs: int | None
) -> None:
    assert schedule.scheduled_until() == needs


# --- Retimed: a schedule on the clock of a run whose epochs changed size (callbacks only) --------------------
def test_retimed_reads_its_schedule_at_the_clock_of_its_points() -> None:
    from lightning_lr.schedules import Cyclic, StepDecay, warmup
    from lightning_lr.schedules.compose import Retimed

    inner = Cyclic(0.001, 0.006, step_size=4)
    s = Retimed(inner, [(6, 9), (10, 15)])  # 2 epochs of 3 steps by 6, of 1.5 up to 10, then 1 for 1
    clocks = [s.clock(t) for t in range(20)]
    assert clocks[:7] == [0, 2, 3, 5, 6, 8, 9]  # rounded half up
    assert clocks[10:] == list(range(15, 25))
    assert s.clock(np.arange(20)).tolist() == clocks  # the same vectorized
    assert [s(t) for t in range(20)] == [inner(c) for c in clocks]
    np.testing.assert_allclose(s.values(20), [inner(c) for c in clocks], rtol=1e-14)
    assert s(2**53) == inner(2**53 + 5)  # exact far out
    assert pickle.loads(pickle.dumps(s)) == s and copy.deepcopy(s) == s
    # where a change on its clock happens on the steps: a warm-up ending at clock step 9 ends at step 6
    w = Retimed(warmup(StepDecay(0.1, every=100), steps=9), [(6, 9)])
    assert w.scheduled_until() == 6 and Retimed(StepDecay(0.1, every=3), [(6, 9)]).ends_at() is None


def test_retimed_reaches_each_points_clock_step_at_that_points_step_not_before() -> None:
    # review 97: where the clock runs slower than the steps (epochs of 11 steps before a resume, of 5 after),
    # rounding half up reached the point's clock step a step early: a step decay of every=Epochs(1) dropped at
    # step 10, where epoch 1 began at 11
    from lightning_lr.schedules import StepDecay
    from lightning_lr.schedules.compose import Retimed

    s = Retimed(StepDecay(0.1, every=5), [(11, 5)])
    assert [s(t) for t in (9, 10, 11, 15, 16)] == [0.1, 0.1, 0.05, 0.05, 0.025]
    rng = np.random.default_rng(97)
    for _ in range(300):
        n = int(rng.integers(1, 4))
        steps = np.cumsum(rng.integers(1, 12, n)).tolist()
        ticks = np.cumsum(rng.integers(1, 12, n)).tolist()
        r = Retimed(StepDecay(0.1, every=3), list(zip(steps, ticks, strict=True)))
        clocks = [r.clock(t) for t in range(steps[-1] + 3)]
        assert r.clock(np.arange(steps[-1] + 3)).tolist() == clocks  # the same vectorized
        assert all(a <= b for a, b in itertools.pairwise(clocks)), (steps, ticks)  # never goes back
        for a, b in zip(steps, ticks, strict=True):
            assert clocks[a - 1] < b == clocks[a], (steps, ticks, a, b)
    # review 99: at an exact half (15 * 11 / 22 = 7.5) the vectorized clock rounded down, the scalar one up
    half = Retimed(StepDecay(0.1, every=3), [(22, 15)])
    assert half.clock(11) == 8 and half.clock(np.array([11])).tolist() == [8]
    # review 100: the integers overflowed int64 at a few 10**9 steps in the vectorized path
    far = Retimed(StepDecay(0.1, every=3), [(3 * 10**9, 10**10)])
    assert far.clock(np.array([3 * 10**9 - 7])).tolist() == [far.clock(3 * 10**9 - 7)] == [9999999977]


@pytest.mark.parametrize(
    "points",
    [[], [(0, 3)], [(3, 0)], [(4, 6), (4, 8)], [(4, 6), (6, 6)], [(1.5, 3)], "ab", None],
)
def test_retimed_refuses_points_that_do_not_increase(points: object) -> None:
    from lightning_lr.schedules import Constant
    from lightning_lr.schedules.compose import Retimed

    with pytest.raises((TypeError, ValueError), match=r"Retimed: points must be \(step, clock step\) pairs"):
        Retimed(Constant(0.1), points)


def test_retimed_step_at_is_the_first_step_at_a_clock_step() -> None:
    # review 68: at the last point it took the step one for one, where epochs before it were longer than the
    # clock's (a clock slower than the steps): step_at(22) was 13 for [(3, 15), (8, 21), (13, 22)], not 11
    from lightning_lr.schedules import Constant
    from lightning_lr.schedules.compose import Retimed

    rng = np.random.default_rng(0)
    for _ in range(300):
        n = int(rng.integers(1, 4))
        steps = np.cumsum(rng.integers(1, 8, n)).tolist()
        ticks = np.cumsum(rng.integers(1, 8, n)).tolist()
        s = Retimed(Constant(0.1), list(zip(steps, ticks, strict=True)))
        for c in range(ticks[-1] + 5):
            first = next(t for t in range(10_000) if s.clock(t) >= c)
            assert s.step_at(c) == first, (steps, ticks, c)


def test_a_subclass_property_that_reads_a_missing_attribute_names_that_one() -> None:
    # review 119: Schedule's __getattr__ (for Lightning's on_exception) reported the property itself as missing
    class Mine(sched.Constant):
        @property
        def half(self) -> float:
            return self.missing_thing / 2  # type: ignore[attr-defined]

    with pytest.raises(AttributeError, match=r"^'Mine' object has no attribute 'missing_thing'$"):
        _ = Mine(0.1).half
    with pytest.raises(AttributeError, match=r"^'Mine' object has no attribute 'nope'$"):
        _ = Mine(0.1).nope  # type: ignore[attr-defined]


@pytest.mark.parametrize("three_phase", [False, True])
@pytest.mark.parametrize("warmup", [0.0, 0.5, 1.0, 1.2, 1.5, 1.8, 2.0, 2.5, 7.3, 17.4])
@pytest.mark.parametrize("total", [5, 58, 1000])
def test_one_cycle_peak_reached_is_the_highest_lr_its_steps_take(
    total: int, warmup: float, three_phase: bool
) -> None:
    # review 141: a three-phase cycle whose peak falls between steps near the start never takes max_lr
    pct = warmup / total
    if pct > 1 or (three_phase and pct >= 0.5):
        return
    s = OneCycle(0.1, total, pct_start=pct, three_phase=three_phase)
    assert s.peak_reached == s.values(total).max()
    if three_phase:  # max_lr itself where a step lies at the peak: a whole warm-up of a step or more
        assert (s.peak_reached == 0.1) == (warmup in (1.0, 2.0))
        if warmup in (0.0, 0.5, 1.2, 1.5):  # its steps skip the peak: never above the start
            assert s.peak_reached <= s.initial_lr
