"""The Schedule base class (an immutable value with one formula) and the checks only schedules need.

A schedule is a pure function of the optimizer step, written once in :meth:`Schedule._eval` against the
math shim of :mod:`._math`. It is also a value: its fields are its constructor's parameters, each stored
under its own name; they make up its repr, equality, hash, copies and pickles, and they cannot be
reassigned (:meth:`Schedule.replace` builds a new schedule, checked again by the constructor).

Argument checks come from :mod:`lightning_lr._validate`; the checks here are the ones only schedules need:
the step, the number a user function returned, and a user function that pickle cannot store.
"""

from __future__ import annotations

import contextlib
import copy
import copyreg
import functools
import inspect
import math
import pickle
import warnings
from collections.abc import Callable, Collection, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, TypeVar

import numpy as np

from .._validate import context, fail, non_negative_int, optional, positive_int
from ._math import ARRAY, SCALAR

__all__ = ["GrowthWarning", "Schedule", "UnpicklableFunctionError", "quiet_growth"]


class GrowthWarning(UserWarning):
    """A decay whose factor makes the value grow: ``StepDecay(drop > 1)`` and ``MultiStepDecay(gamma > 1)``
    (the schedules and the callbacks of those names), and the ``ExponentialDecay`` callback with ``gamma > 1``
    or ``rate < 0`` (the schedule grows on purpose: an LR range test's sweep is one). The decay still does
    what it says. A category of its own, so that code that means it silences exactly this warning (the
    torch drop-ins do: torch takes such a gamma without a word). A copy or an unpickled schedule does not say
    it again: its original did.

    Example:
        >>> import warnings
        >>> from lightning_lr.schedules import MultiStepDecay
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", GrowthWarning)
        ...     MultiStepDecay(0.1, milestones=[10], gamma=2.0)(10)
        0.2
    """


@contextlib.contextmanager
def quiet_growth() -> Iterator[None]:
    """Build schedules without their :class:`GrowthWarning`, where it was said already or is not ours to say:
    a copy or an unpickled schedule (its original said it), a callback's schedules (the callback said it when
    it was made), a torch drop-in's (torch takes such a gamma without a word)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GrowthWarning)
        yield


def _own_new(cls: type) -> bool:
    """Whether a schedule class has a ``__new__`` of its own, which may want the constructor's arguments
    (pickle's NEWOBJ and the copies call it without them: review 110)."""
    return cls.__new__ is not object.__new__


_S = TypeVar("_S", bound="Schedule")


def _freezing(init: Callable[..., None]) -> Callable[..., None]:
    """``init`` that, as the outermost constructor, prefixes its errors with the schedule's class and freezes
    the schedule when it returns. (Wrapped with functools.wraps, so ``inspect.signature`` and
    ``typing.get_type_hints`` still see ``init``'s.)"""

    @functools.wraps(init)
    def construct(self: Schedule, *args: Any, **kwargs: Any) -> None:
        if type(self).__init__ is not construct:  # a super().__init__() inside a subclass's constructor
            init(self, *args, **kwargs)
            return
        with context(type(self).__name__):  # an error names the schedule: "Constant: value must be >= 0"
            init(self, *args, **kwargs)
        object.__setattr__(self, "_frozen", True)

    return construct


def _checking_default(natural_length: Callable[..., Any]) -> Callable[..., Any]:
    """``natural_length`` that first checks its ``default``: None or a positive integer, refused by name
    otherwise (review 108: ``Constant(0.1).natural_length(default='abc')`` answered ``'abc'``, a join's raised a
    bare TypeError). :class:`Schedule` wraps every class's own ``natural_length`` with it, a user's too."""
    if getattr(natural_length, "_checks_default", False):
        return natural_length

    params = list(inspect.signature(natural_length).parameters.values())[1:]
    # a user's ``natural_length(self)`` without the parameter (review 109, 110: called with one, by the caller
    # or by a join around it, it raised a TypeError): its answer, or the default where it has none
    positional = any(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL) for p in params)
    by_name = not positional and any(
        p.kind is p.VAR_KEYWORD or (p.kind is p.KEYWORD_ONLY and p.name == "default") for p in params
    )
    takes_default = positional or by_name

    @functools.wraps(natural_length)
    def checked(self: Schedule, default: Any = None) -> Any:
        if default is not None:
            try:
                default = optional(positive_int, "default", default)
            except (TypeError, ValueError) as exc:
                raise type(exc)(f"{type(self).__name__}.natural_length: {exc}") from None
        if not takes_default:
            own = natural_length(self)
            return default if own is None else own
        return natural_length(self, default=default) if by_name else natural_length(self, default)

    checked._checks_default = True  # type: ignore[attr-defined]
    return checked


class FrozenList(list):
    """A list field of a schedule (milestones, boundaries, the schedules of a join): a list for reading
    and comparing, but changing it in place raises, as assigning a field does. ``FrozenList(items)``."""

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("a schedule's list fields cannot be changed: build a new schedule with replace(...)")

    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (list, (list(self),))  # a copy is a plain list, the copier's to change


class Schedule:
    """A learning-rate (or momentum) schedule: a pure function ``step -> value``.

    ``step`` counts the optimizer steps already taken (0 before the first). Calling a schedule never
    changes it, so any step can be evaluated in any order, on any rank, at the same cost.

    A schedule is an immutable value. Its fields are its constructor's parameters, each stored under its
    own name: the repr shows them, equality, hashing, copies and pickles use them, and assigning one
    raises (:meth:`replace` builds a changed copy, checked by the constructor again).

    Subclasses implement ``_eval(t, xp)`` once for both Python ints and numpy arrays, store every
    constructor argument under its own name, and may override :meth:`natural_length`. A subclass whose
    fields count optimizer steps names them in ``_step_fields``: a resumed run of another length gives
    them other values, and the resume check does not count that as a changed schedule.

    Example:
        >>> from lightning_lr.schedules import CosineDecay
        >>> s = CosineDecay(0.1, total=100)
        >>> round(s(50), 6)
        0.05
        >>> s.values(3).shape
        (3,)
        >>> s.replace(total=200)
        CosineDecay(initial=0.1, total=200, final=0)
    """

    #: whether ``_eval`` on an array is vectorized (False for schedules that call user functions per step)
    vectorized: bool = True
    #: the fields: the constructor's parameters, in order (set for each subclass from its signature)
    _fields: ClassVar[tuple[str, ...]] = ()
    #: the fields that may hold a user function, which pickling checks can be stored by reference
    _functions: ClassVar[tuple[str, ...]] = ()
    #: the fields that count optimizer steps: a run of another length resolves them to other values, so a
    #: resumed scheduler does not hold a change of them against the checkpoint (see :meth:`_counts_steps`)
    _step_fields: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "natural_length" in cls.__dict__:  # its default checked, for every schedule (review 108)
            cls.natural_length = _checking_default(cls.__dict__["natural_length"])  # type: ignore[method-assign]
        init = cls.__dict__.get("__init__")
        if init is None:
            return
        fields = []
        for p in list(inspect.signature(init).parameters.values())[1:]:
            if p.kind is not p.POSITIONAL_OR_KEYWORD:
                raise TypeError(
                    f"{cls.__name__}.__init__ must take its fields as plain parameters (they are passed back "
                    f"in order to copy and unpickle the schedule), got {p}"
                )
            fields.append(p.name)
        cls._fields = tuple(fields)
        cls.__init__ = _freezing(init)  # type: ignore[method-assign]

    @_freezing
    def __init__(self) -> None:
        """A schedule with no fields (subclasses take their fields as constructor arguments)."""

    def __call__(self, step: int) -> float:
        try:
            t = check_step(step)
        except (TypeError, ValueError) as exc:  # named by the class, as its constructor's errors are
            raise type(exc)(f"{type(self).__name__}: {exc}") from None
        return float(self._eval(t, SCALAR))

    def values(self, n: int) -> np.ndarray:
        """The values at steps ``0 .. n-1`` as a float64 numpy array.

        Closed-form schedules compute the whole array with numpy at once; the result equals
        ``[self(t) for t in range(n)]`` to within a few units in the last place (numpy's ``power`` and
        ``exp`` may round otherwise than Python's: ``np.power(0.3, 4.0)`` is 0.008099999999999998 where
        ``0.3 ** 4`` is 0.0081), a relative difference below 1e-13, and below 1e-14 wherever the value is
        above 1e-40 (review 58 measured 8.6e-14 at a value of 8e-291).

        Args:
            n: how many steps, an integer >= 0.

        Returns:
            A new float64 array of shape ``(n,)``.

        Example:
            >>> from lightning_lr.schedules import StepDecay
            >>> StepDecay(0.1, every=2).values(5)
            array([0.1  , 0.1  , 0.05 , 0.05 , 0.025])
        """
        try:
            n = non_negative_int("n", n)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{type(self).__name__}.values: {exc}") from None
        steps = np.arange(n, dtype=np.int64)
        out = np.asarray(self._eval(steps, ARRAY), dtype=np.float64)
        if out.shape != (n,):
            out = np.broadcast_to(out, (n,)).copy()
        return out

    @_checking_default
    def natural_length(self, default: int | None = None) -> int | None:
        """A number of steps that shows the whole shape of the schedule: its length when it has one (a
        1cycle run, a cosine decay), else a few of its cycles or decay steps.

        A decay that goes on without an end (a time-based or exponential decay) shows its shape in 10 ..
        100,000 steps: one too slow to show in 100,000 (``TimeDecay(0.1, decay=5e-324)``, whose shape would
        take more steps than any run has) answers 100,000, the cap.

        Args:
            default: None, or a positive integer: what a schedule with neither a length nor a scale of its
                own (a constant, a user function, a decay at rate 0) answers; a join ending in such a
                schedule adds it after its last boundary. Another value is refused (a TypeError or
                ValueError naming it), whatever the schedule.

        Returns:
            The number of steps, or ``default``.

        Example:
            >>> from lightning_lr.schedules import Constant, OneCycle, StepDecay
            >>> OneCycle(0.1, total_steps=500).natural_length(), StepDecay(0.1, every=10).natural_length()
            (500, 50)
            >>> Constant(0.1).natural_length(), Constant(0.1).natural_length(default=1000)
            (None, 1000)
        """
        return default

    def ends_at(self) -> int | None:
        """The length of the run the schedule was made for, after which it holds its final value (the
        ``total`` of a decay, a 1cycle, a warm-up-stable-decay; a 1cycle reaches it at its last step,
        ``total_steps - 1``), or None for a schedule with no such end (a constant, a cycle, a step decay, a
        decay that goes on). A callback warns when this comes before the end of the run.

        Example:
            >>> from lightning_lr.schedules import CosineDecay, StepDecay, warmup
            >>> CosineDecay(0.1, total=100).ends_at(), warmup(CosineDecay(0.1, total=100), steps=10).ends_at()
            (100, 110)
            >>> StepDecay(0.1, every=10).ends_at() is None
            True
        """
        return None

    def scheduled_until(self) -> int | None:
        """The steps a run needs for the last change the schedule was told to make: its end
        (:meth:`ends_at`: a decay's ``total``, reached as the run ends), a warm-up's end, a join's last
        switch, the last milestone (a jump at step ``m`` needs a run of ``m + 1`` steps, the steps
        ``0..m``); None for a schedule that has no last one (a constant, a cycle, a step decay, a decay
        that goes on). A shorter run cuts the schedule short (a callback warns).

        Example:
            >>> from lightning_lr.schedules import Constant, CosineDecay, MultiStepDecay, join, warmup
            >>> warmup(Constant(0.1), steps=100).scheduled_until(), warmup(Constant(0.1), steps=100).ends_at()
            (100, None)
            >>> MultiStepDecay(0.1, milestones=[30, 80]).scheduled_until(), CosineDecay(0.1, total=50).scheduled_until()
            (81, 50)
            >>> join([Constant(0.1), Constant(0.01)], [16]).scheduled_until()
            17
        """
        return self.ends_at()

    def replace(self: _S, **changes: Any) -> _S:
        """A new schedule of the same class with some fields changed, checked by the constructor again.

        The other fields keep their values; the ones the constructor fills in from the others when they
        are not given (those the repr leaves out, such as Cyclic's ``scale_mode``) are filled in again. A
        schedule holds values, not how they were given: a ``Cyclic`` whose ``step_size_down`` equals its
        ``step_size`` is symmetric, and ``replace(step_size=10)`` keeps it symmetric, whether or not that
        value was given; pass ``step_size_down`` too to keep it (review 58).

        Args:
            **changes: new values for fields, by name.

        Returns:
            The new schedule (this one is unchanged).

        Example:
            >>> from lightning_lr.schedules import OneCycle
            >>> s = OneCycle(1.0, total_steps=100)
            >>> s.replace(max_lr=2.0)(29), s(29)
            (2.0, 1.0)
        """
        for name in changes:
            if name not in self._fields:
                with context(f"{type(self).__name__}.replace"):
                    fail("each argument", f"a field: one of {', '.join(self._fields)}", name, TypeError)
        return type(self)(**{**self._arguments(), **changes})

    # --- to implement -------------------------------------------------------------------------
    def _eval(self, t: Any, xp: Any) -> Any:
        raise NotImplementedError

    def _implicit(self) -> Collection[str]:
        """The fields the constructor would set to the same values if they were not given (left at their
        default, or filled in from the other fields): the repr leaves them out and :meth:`replace` fills
        them in again. None by default."""
        return ()

    @classmethod
    def _counts_steps(cls, field: str, value: float) -> bool:
        """Whether ``value``, given for ``field``, is a number of optimizer steps (one of
        :attr:`_step_fields` by default; a schedule whose field is steps or a rate by its type says so)."""
        return field in cls._step_fields

    # --- value semantics ----------------------------------------------------------------------
    def _values(self) -> tuple[Any, ...]:
        """Every field's value in constructor order (list fields as plain lists): the constructor's
        arguments that rebuild this schedule."""
        return tuple(_plain(getattr(self, name)) for name in self._fields)

    def _arguments(self) -> dict[str, Any]:
        """The fields the repr shows, by name: every field but the :meth:`_implicit` ones."""
        implicit = self._implicit()
        return {name: _plain(getattr(self, name)) for name in self._fields if name not in implicit}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={_fmt(v)}" for k, v in self._arguments().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Schedule)
        return _key(self._values()) == _key(other._values())

    def __hash__(self) -> int:
        return hash((type(self).__name__, _key(self._values())))

    def __setattr__(self, name: str, value: Any) -> None:
        if "_frozen" not in self.__dict__:  # still in the constructor
            object.__setattr__(self, name, value)
            return
        _refuse_change(self, name)

    def __delattr__(self, name: str) -> None:
        _refuse_change(self, name)

    if not TYPE_CHECKING:  # (a __getattr__ would make every attribute of a schedule valid to a type checker)

        def __getattr__(self, name: str) -> Any:  # only for an attribute the schedule does not have
            if name == _CALLBACK_HOOK:
                raise AttributeError(_not_a_callback(self, f"called its {name}()"))
            # Python's own error: for a property that raised AttributeError, its own (review 119: a subclass's
            # property that read a missing attribute was said to be missing itself)
            return object.__getattribute__(self, name)

    # --- copies and pickles: the constructor's arguments ----------------------------------------
    # A pickle holds the class and its arguments (pickle's NEWOBJ, then __setstate__ with the arguments): no
    # other global, so ``torch.load(weights_only=True)`` takes a schedule whose class the user allow-listed
    # (review 109: a first version reduced to a private function, which such a load refused). The arguments go
    # through the constructor again, without repeating its GrowthWarning (review 106: every deepcopy or pickle
    # of a ``StepLR(gamma=1.1)`` said it again).
    def __reduce__(self) -> tuple[Any, ...]:
        for name in self._functions:
            fn = getattr(self, name)
            if fn is not None:
                check_picklable_function(type(self).__name__, name, fn)
        if _own_new(type(self)):
            return (type(self), self._values())
        return (copyreg.__newobj__, (type(self),), self._values())  # type: ignore[attr-defined]

    def __setstate__(self, values: tuple[Any, ...]) -> None:
        with quiet_growth():
            type(self).__init__(self, *values)

    # Copying passes user functions by reference (as copy does for functions), so a schedule holding a
    # lambda can be copied even though it cannot be pickled: these do not go through __reduce__'s check.
    def __copy__(self: _S) -> _S:
        return self._rebuilt(self._values())

    def __deepcopy__(self: _S, memo: dict[int, Any]) -> _S:
        if _own_new(type(self)):
            new = self._rebuilt(copy.deepcopy(self._values(), memo))
        else:  # (registered before its values are copied: a value that refers back to it gets the copy)
            new = memo[id(self)] = type(self).__new__(type(self))
            new.__setstate__(copy.deepcopy(self._values(), memo))
        memo[id(self)] = new
        return new

    def _rebuilt(self: _S, values: tuple[Any, ...]) -> _S:
        """A schedule of this class built again from ``values``, quietly (see :meth:`__setstate__`)."""
        if _own_new(type(self)):
            with quiet_growth():
                return type(self)(*values)
        new = type(self).__new__(type(self))
        new.__setstate__(values)
        return new


def _refuse_change(schedule: Schedule, name: str) -> NoReturn:
    owner = type(schedule).__name__
    if name in schedule._fields:
        raise AttributeError(
            f"{owner} is immutable: build a new one with schedule.replace({name}=...), which checks the "
            f"arguments again"
        )
    if name in _SET_ON_CALLBACKS:
        raise AttributeError(_not_a_callback(schedule, f"set its {name!r}"))
    raise AttributeError(f"{owner} is immutable: {name!r} cannot be set or deleted")


#: what Lightning's Trainer sets on each of its callbacks at the start of a fit, and the hook it calls on them
#: when the fit fails: a schedule in its callbacks (imported from ``schedules``, where ``callbacks`` has a class
#: of the same name) failed with "immutable: 'log'", then with Lightning's "object has no attribute
#: 'on_exception'" (review 117)
_SET_ON_CALLBACKS = frozenset({"log", "log_dict"})
_CALLBACK_HOOK = "on_exception"


def _not_a_callback(schedule: Schedule, what: str) -> str:
    owner = type(schedule).__name__
    return (
        f"{owner} is a pure schedule (lightning_lr.schedules.{owner}), not a Lightning callback: a Trainer {what} "
        f"when it was passed in Trainer(callbacks=...). Pass the callback of the same name, "
        f"lightning_lr.callbacks.{owner}(...), if there is one, or wrap the schedule: "
        f"lightning_lr.callbacks.LRSchedule({schedule!r})"
    )


def _plain(v: Any) -> Any:
    return list(v) if isinstance(v, FrozenList) else v


def _fmt(v: Any) -> str:
    if callable(v) and not isinstance(v, Schedule):
        name = getattr(v, "__qualname__", None)  # functions by name; callable objects by their repr
        return name if isinstance(name, str) else repr(v)
    if isinstance(v, float):
        short = f"{v:g}"  # readable; fall back to the exact repr when %g would round the value
        return short if float(short) == v else repr(v)
    if isinstance(v, (list, tuple)):
        inner = ", ".join(_fmt(x) for x in v)
        return f"[{inner}]" if isinstance(v, list) else f"({inner}{',' if len(v) == 1 else ''})"
    return repr(v)


def _key(values: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(tuple(v) if isinstance(v, list) else v for v in values)


# ---------------------------------------------------------------------------------------------
# The checks only schedules need (argument checks come from lightning_lr._validate)
# ---------------------------------------------------------------------------------------------


_T = TypeVar("_T")


def subclasses(cls: type[_T]) -> list[type[_T]]:
    """``cls`` and every subclass of it defined so far (the package's and users'), each once."""
    found: list[type[_T]] = []
    todo = [cls]
    while todo:
        c = todo.pop()
        if c not in found:
            found.append(c)
            todo.extend(c.__subclasses__())
    return found


def check_step(step: Any, name: str = "step") -> int:
    """The step a schedule is evaluated at: an integer >= 0 (numpy integers included, bools refused);
    ``name`` is the argument's in the message (a scheduler's ``step(epoch)`` says ``epoch``)."""
    t = non_negative_int(name, step, capped=False)
    if t >= _FLOAT_STEPS:  # the schedules compute in floats (review 58: inf, nan or a bare OverflowError)
        raise ValueError(
            f"{name} must be a non-negative integer below 2**1024 - 2**970 (the float range, which every value "
            f"is computed in), got an integer of {t.bit_length()} bits"
        )
    return t


#: the first integer float() refuses (it rounds every integer from here on to 2**1024; review 59)
_FLOAT_STEPS = 2**1024 - 2**970


def function_name(fn: Any) -> str:
    """How messages name a user function: its qualified name (a callable object's, its class's)."""
    name = getattr(fn, "__qualname__", None)
    return name if isinstance(name, str) else type(fn).__qualname__


_E = TypeVar("_E", bound=Exception)


def _returned_by(exc: _E, fn: Any, said: str) -> _E:
    """``exc``, about what ``fn`` returned, with ``fn`` as its ``function`` and the message's part after the
    argument's name as its ``said``: a caller that knows the argument ``fn`` was given as names it by that (the
    torch drop-ins: ``lr_lambda``, ``scale_fn``)."""
    exc.function = fn  # type: ignore[attr-defined]
    exc.said = said  # type: ignore[attr-defined]
    return exc


def checked_output(
    owner: str, fn: Callable[..., Any], arg: Any, value: Any, hi: float = math.inf, *, argument: str
) -> float:
    """The number a user function returned, checked to be finite and in ``[0, hi]``; a one-element numpy array
    (``np.interp([t], xs, ys)``) is its number, as a one-element tensor is (``float()`` takes those). The error
    (``"<owner>: <argument>(<arg>) returned ... (<argument> is <function name>)"``, review 146: it named the
    function only, ``<lambda>.<locals>.<lambda>(0)``) has ``fn`` as its ``function`` attribute."""
    name = function_name(fn)
    # (review 132: float() refuses an array of one dimension, where torch's LambdaLR runs on it)
    number = value.item() if isinstance(value, np.ndarray) and value.size == 1 else value
    try:
        if isinstance(number, (str, bytes, bool, np.bool_)):  # float("0.1") and float(True) would pass
            raise TypeError
        v = float(number)
    except (TypeError, ValueError):
        said = f"({arg!r}) returned {value!r}, not a number"
        raise _returned_by(TypeError(f"{owner}: {argument}{said} ({argument} is {name})"), fn, said) from None
    if not (math.isfinite(v) and 0.0 <= v <= hi):
        allowed = ">= 0" if hi == math.inf else f"in [0, {hi:g}]"
        said = f"({arg!r}) returned {v!r}; values must be finite and {allowed}"
        raise _returned_by(ValueError(f"{owner}: {argument}{said} ({argument} is {name})"), fn, said)
    return v


class UnpicklableFunctionError(pickle.PicklingError, TypeError):
    """A schedule holds a lambda or a local function, which pickle cannot store by reference.

    Both a :class:`pickle.PicklingError` and a :class:`TypeError`, so either ``except`` catches it.
    """


def _unpicklable_name(fn: Any) -> str | None:
    """The qualified name that makes ``fn`` unpicklable by reference, or None if it looks fine."""
    if isinstance(fn, functools.partial):
        return _unpicklable_name(fn.func)
    qualname = getattr(fn, "__qualname__", None)
    if not isinstance(qualname, str):  # a callable instance: its class must be importable
        qualname = str(getattr(type(fn), "__qualname__", ""))
    if getattr(fn, "__name__", "") == "<lambda>" or "<lambda>" in qualname or "<locals>" in qualname:
        return qualname
    return None


def check_picklable_function(owner: str, name: str, fn: Callable[..., Any]) -> None:
    """Raise a clear error that says how to fix it when ``fn`` cannot be pickled by reference."""
    bad = _unpicklable_name(fn)
    if bad is not None:
        raise UnpicklableFunctionError(
            f"{owner}({name}={bad}) cannot be pickled: {name} is a lambda or a local function (or an "
            f"instance of a local class). Use a named module-level function instead (`def {name}(t): ...` "
            f"at the top level of a module, or an instance of a module-level class) so that checkpoints, "
            f"DDP spawn and copies to other processes work."
        )
