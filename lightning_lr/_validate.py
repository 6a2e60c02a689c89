"""Argument checks for every layer, in one message format: ``<argument> must be <what is allowed>, got <value!r>``.

This module sits below every layer (it imports only the standard library and numpy), so the pure
schedules, the torch drop-ins, the callbacks, the range test and the command line all reject a bad
input with the same words. A caller that wants to say whose argument it was wraps the checks in
:func:`context`, which prefixes the message (``"OneCycle: max_lr must be > 0, got -1"``) without
changing the exception type.

Example:
    >>> from lightning_lr._validate import positive, context
    >>> positive("max_lr", 0.1)
    0.1
    >>> with context("OneCycle"):
    ...     positive("max_lr", -1)
    Traceback (most recent call last):
    ...
    ValueError: OneCycle: max_lr must be > 0, got -1
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import inspect
import math
import numbers
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NoReturn, TypeVar, cast

import numpy as np

__all__ = [
    "UnusedArgumentWarning",
    "boolean",
    "bound",
    "context",
    "fail",
    "finite",
    "function",
    "in_range",
    "integer",
    "is_number",
    "keys",
    "known_as",
    "listed",
    "non_negative",
    "non_negative_int",
    "number",
    "one_of",
    "optional",
    "plain",
    "positive",
    "positive_int",
    "sequence",
    "text",
]

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


class CappedWarning(UserWarning):
    """A value a result gives was capped at the highest LR the range test trained at (the 1cycle peak or the
    cycle's top of a shape that wants it higher): the value itself is not what the answer means, so a schedule
    callback that takes it from a result computed before its fit says it again (r197: the Tuner without a
    ``OneCycle`` never asked for the peak, and ``OneCycle()`` in the next fit took the capped 10 unsaid)."""


class UnusedArgumentWarning(UserWarning):
    """An argument was given (checked, and not its default) that cannot change the answer of the call, which
    says so instead of ignoring it without a word; a caller that passes it on purpose (a callback handing over
    its own settings) silences it by this category. Public as ``lightning_lr.tuner.UnusedArgumentWarning``.

    Example:
        >>> import warnings
        >>> from lightning_lr.tuner import RangeTestResult
        >>> r = RangeTestResult([1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.9, 1.2, 1.05, 1.0, 4.0],
        ...                     [None] * 6, smoothing=0)
        >>> with warnings.catch_warnings(record=True) as said:
        ...     warnings.simplefilter("always")
        ...     peak = r.one_cycle_max_lr(pct_start=0.25)  # the 'minimum' rule's peak: the LR of lowest loss
        >>> peak, [w.category.__name__ for w in said]
        (1.0, ['UnusedArgumentWarning'])
    """


def bound(x: float) -> str:
    """A bound a value was compared with, as a message shows it: short (``:g``) when that is the number
    exactly, else in full (``repr``), so that a refused value never prints the same as its bound (review 106:
    ``eta_min must be <= the initial LR ... (0.0001), got 0.0001``, for a float32 LR just below 1e-4).

    Example:
        >>> bound(0.1), bound(9.999999747378752e-05)
        ('0.1', '9.999999747378752e-05')
    """
    short = f"{x:g}"
    try:
        return short if float(short) == x else repr(float(x))
    except (TypeError, ValueError):
        return short


def counted(n: object, noun: str, plural: str | None = None, *, shown: str | None = None) -> str:
    """``n`` and ``noun``, plural (``plural``, else ``noun`` + "s") unless ``n`` is 1 (review 120: "a scheduler
    of 1 param groups"; review 122: "(1 optimizer steps)"); ``shown`` is how ``n`` is written, where it is not
    ``str(n)`` (a float to two digits).

    Example:
        >>> counted(1, "param group"), counted(3, "param group"), counted(1, "batch", "batches")
        ('1 param group', '3 param groups', '1 batch')
        >>> counted(2.5, "optimizer step", shown=f"{2.5:.2g}")
        '2.5 optimizer steps'
    """
    return f"{n if shown is None else shown} {noun if n == 1 else (plural or noun + 's')}"


def shown(value: Any, width: int = 60) -> str:
    """``repr(value)`` for an error message, cut to ``width`` characters."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def state_mapping(state_dict: Any, owner: str = "") -> None:
    """A TypeError for a ``state_dict`` that is not a dict, said of ``owner``'s ``load_state_dict`` when given
    (review 178: a scheduler's ``load_state_dict(None)`` failed with Python's "'NoneType' object is not
    iterable"; the callbacks' too)."""
    if not isinstance(state_dict, Mapping):
        head = f"{owner}.load_state_dict: " if owner else ""
        raise TypeError(
            f"{head}state_dict must be a dict (what state_dict() returns), got {shown(state_dict)}"
        )


#: the packages whose frames :func:`user_stacklevel` skips: lightning_lr's, Lightning's and jsonargparse's, through
#: which LightningCLI builds the callbacks of a config (r196: their warnings pointed into jsonargparse); named, not
#: imported
LIBRARY = (
    "lightning_lr",
    "lightning",
    "pytorch_lightning",
    "lightning_fabric",
    "lightning_utilities",
    "jsonargparse",
)


def user_stacklevel() -> int:
    """The ``stacklevel`` for a ``warnings.warn`` made by the caller of this function that points at the first
    frame outside lightning_lr and Lightning (:data:`LIBRARY`): the user's line, however deep in them the warning
    is made. A scheduler stepped or loaded by hand: that call; one that Lightning steps or restores, or a range
    test: the ``trainer.fit`` or Tuner call (a warning at a line inside Lightning tells the user nothing of
    theirs)."""
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and frame.f_globals.get("__name__", "").split(".")[0] in LIBRARY:
        frame = frame.f_back
        level += 1
    return level


def fail(name: str, allowed: str, value: Any, error: type[Exception] = ValueError) -> NoReturn:
    """Raise ``error("<name> must be <allowed>, got <value!r>")``: the one message format, with what to pass
    where the value is a range test's result or one of its methods, uncalled (:func:`_result_hint`)."""
    raise error(f"{name} must be {allowed}, got {value!r}{_result_hint(value)}")


def _is_result(value: Any) -> bool:
    """Whether ``value`` is a range test's result (known by its answers: this layer imports no tuner)."""
    kind = type(value)
    return callable(getattr(kind, "suggestion", None)) and callable(getattr(kind, "one_cycle_max_lr", None))


def _result_hint(value: Any) -> str:
    """What to pass for a number where a range test's result, or its method not called, was given (r194:
    ``OneCycle(max_lr=result)`` and ``OneCycle(max_lr=result.suggestion)`` were told only what is allowed)."""
    owner = getattr(value, "__self__", None)
    if callable(value) and owner is not None and _is_result(owner):
        return f" (a method of the result, not called: pass result.{value.__name__}())"
    if _is_result(value):
        return (
            " (the range test's result, not a number: pass result.suggestion() for the LR, "
            "result.one_cycle_max_lr() for a 1cycle peak, or the pair of result.cyclic_bounds() as a cycle's "
            "base_lr and max_lr)"
        )
    return ""


@contextlib.contextmanager
def context(owner: str) -> Iterator[None]:
    """Prefix the message of a TypeError/ValueError raised inside with ``"<owner>: "`` (once)."""
    try:
        yield
    except (TypeError, ValueError) as exc:
        message = str(exc)
        if message.startswith((f"{owner}:", f"{owner}(", f"{owner}.")):  # Python's own names it already
            raise
        new = type(exc)(f"{owner}: {message}")
        raise new.with_traceback(exc.__traceback__) from None


def said_of(owner: str) -> Callable[[F], F]:
    """Decorate a method so that a TypeError/ValueError raised inside is said of ``owner`` (:func:`context`). A
    wrapper of this module, not ``context`` used as a decorator: that adds a frame of ``contextlib``, where
    :func:`user_stacklevel`'s walk would stop and put the method's warnings."""

    def wrap(function: F) -> F:
        @functools.wraps(function)
        def said(*args: Any, **kwargs: Any) -> Any:
            with context(owner):
                return function(*args, **kwargs)

        return cast(F, said)

    return wrap


_OWNER = re.compile(r"^[A-Z]\w*: ")


def without_owner(message: str) -> str:
    """An error message without the ``"<Class>: "`` that :func:`context` put first (a schedule's name, where
    the caller names the context itself)."""
    return _OWNER.sub("", message, count=1)


def known_as(names: Mapping[str, str]) -> Callable[[F], F]:
    """Decorate a callable so that a keyword argument that another library spells differently is refused
    with ours: ``names`` maps each such name (``"end_lr"``) to what to pass here instead (``"max_lr
    (torch-lr-finder's and fastai's end_lr)"``).

    The call raises the TypeError Python raises for an unknown keyword, with that hint added. Names the
    callable takes itself are never intercepted (any name, when it takes ``**kwargs``), and the signature is the callable's own
    (``inspect.signature`` follows ``__wrapped__``).

    Example:
        >>> @known_as({"end_lr": "max_lr (torch-lr-finder's end_lr)"})
        ... def sweep(max_lr=10.0): return max_lr
        >>> sweep(end_lr=1.0)
        Traceback (most recent call last):
        ...
        TypeError: sweep() got an unexpected keyword argument 'end_lr': pass max_lr (torch-lr-finder's end_lr); given end_lr=1.0
    """

    def decorate(fn: F) -> F:
        params = inspect.signature(fn).parameters
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
            return fn  # it takes any keyword itself (review 79: a subclass that reads one of the names)
        # (with the names of the decorators under this one: the first to see an unknown name says all it knows)
        foreign = {k: v for k, v in {**getattr(fn, "_known_as", {}), **names}.items() if k not in params}
        keywords = [
            k for k, p in params.items() if k != "self" and p.kind is not inspect.Parameter.POSITIONAL_ONLY
        ]

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            for key, value in kwargs.items():
                if key in params and key in keywords:
                    continue
                head = (
                    f"{fn.__qualname__.replace('.__init__', '')}() got an unexpected keyword argument {key!r}"
                )
                given = shown(value)
                if key in foreign:
                    # (review 177: the value given was left out, where a misspelt name's is said)
                    raise TypeError(f"{head}: pass {foreign[key]}; given {key}={given}")
                # a misspelt name (r162: OneCycle(maxlr=0.1) got Python's bare error, no value, no name to use)
                close = difflib.get_close_matches(key, keywords, n=1, cutoff=0.6)
                raise TypeError(
                    f"{head} (given {given})"
                    + (f": did you mean {close[0]}?" if close else f"; it takes {', '.join(keywords)}")
                )
            return fn(*args, **kwargs)

        call._known_as = foreign  # type: ignore[attr-defined]
        return call  # type: ignore[return-value]

    return decorate


_ABSENT = object()


def missing_attribute(obj: Any, name: str, hints: Mapping[str, str]) -> Any:
    """What a class's ``__getattr__`` does with ``name``, an attribute not found on ``obj``: the AttributeError
    Python raises, with what to read instead where ``hints`` names it (another library's name for it).

    A class attribute whose own code raised AttributeError (a property reading something missing) comes here
    too; it is evaluated again, so that its own error is the one raised (review 183: it was said to be
    missing itself, the cause lost)."""
    if inspect.getattr_static(type(obj), name, _ABSENT) is not _ABSENT:
        return object.__getattribute__(obj, name)
    hint = hints.get(name)
    where = f": read {hint}" if hint is not None else ""
    raise AttributeError(
        f"{type(obj).__name__!r} object has no attribute {name!r}{where}", name=name, obj=obj
    )


def is_array(value: Any) -> bool:
    """Whether ``value`` is a numpy array or a torch tensor (torch is not imported for it: a tensor exists only
    once its user imported torch)."""
    if isinstance(value, np.ndarray):
        return True
    tensor = getattr(sys.modules.get("torch"), "Tensor", None)
    return tensor is not None and isinstance(value, tensor)


def _grad_hint(value: Any) -> str:
    return (
        "give tensor.item(), or tensor.detach() if it is no value to learn"
        if getattr(value, "requires_grad", False)
        else ""
    )


def number(name: str, value: Any, allowed: str = "a number") -> Any:
    """``value`` as a check reads it: a torch tensor or numpy array of one element (a 0-d one, as a
    hyperparameter held as a tensor is) holding a number or a bool, as that Python value (``.item()``), as
    torch's own schedulers and the torch drop-ins take one; anything else as it is, for the check to take or
    refuse. A tensor or array of several elements, or a tensor that requires grad (a value being learned,
    which a schedule would cut from its graph), is a TypeError ``<name> must be <allowed> (...), got
    <value!r>`` that says why it was not taken.

    Every check of this module that takes a number or a bool reads its value through this one (review 122:
    the schedules, callbacks, durations, range-test options and results refused ``torch.tensor(0.05)`` as "must
    be a number"), so that a hyperparameter held as a 0-d tensor (a sweep tool's, a
    ``trainer.callback_metrics`` value, ``torch.sqrt(world_size) * lr``) is taken wherever its number is, and
    kept as that plain number: a state_dict or checkpoint then holds no tensor, and loads with
    ``torch.load(weights_only=True)``. Where a list is taken, a 1-d tensor or array is that list
    (:func:`listed`), read before this.

    Example:
        >>> import numpy as np
        >>> number("max_lr", np.array(0.1)), number("max_lr", 0.1), number("n", np.array(3))
        (0.1, 0.1, 3)
        >>> number("max_lr", np.array([0.1, 0.2]), "a finite number > 0")
        Traceback (most recent call last):
        ...
        TypeError: max_lr must be a finite number > 0 (a tensor or array only of one element, its number: this one has 2), got array([0.1, 0.2])
    """
    if not is_array(value) or (isinstance(value, np.ndarray) and value.dtype.kind not in "biufc"):
        return value
    size = value.size if isinstance(value, np.ndarray) else value.numel()
    if size != 1:
        hint = f"a tensor or array only of one element, its number: this one has {size}"
        fail(name, f"{allowed} ({hint})", value, TypeError)
    if getattr(value, "requires_grad", False):
        fail(name, f"{allowed} (not a tensor that requires grad: {_grad_hint(value)})", value, TypeError)
    try:
        return value.item()
    except RuntimeError:  # a tensor with no data to read (on torch's meta device)
        fail(name, f"{allowed} (a tensor with a value to read)", value, TypeError)


def listed(name: str, value: Any, allowed: str) -> Any:
    """``value`` as a check of a list reads it: a 1-d torch tensor or numpy array as the list of its Python
    numbers (``tolist()``), as a 1-d array was taken where a list of numbers is (review 117); a tensor that
    requires grad is a TypeError ``<name> must be <allowed> (...)``. Anything else as it is."""
    if not is_array(value) or getattr(value, "ndim", None) != 1:
        return value
    if getattr(value, "requires_grad", False):
        fail(name, f"{allowed} (not a tensor that requires grad: {_grad_hint(value)})", value, TypeError)
    return value.tolist()


def is_number(value: Any) -> bool:
    """Whether ``value`` is a real number as the checks here take one: not a bool, a one-element tensor or array
    as its number (:func:`number`).

    Example:
        >>> import numpy as np
        >>> is_number(0.1), is_number(np.array(3)), is_number(True), is_number("sgd"), is_number(np.zeros(2))
        (True, True, False, False, False)
    """
    try:
        return _is_real(number("value", value))
    except TypeError:
        return False


def _is_real(value: Any) -> bool:
    return not isinstance(value, (bool, np.bool_)) and isinstance(value, numbers.Real)


def _is_int(value: Any) -> bool:
    return not isinstance(value, (bool, np.bool_)) and isinstance(value, numbers.Integral)


def plain(value: Any, deep: bool = True) -> Any:
    """``value`` as a plain Python value, for an argument kept as the user gave it once checked: a number of
    another type (numpy's ``int64``, ``float32``, ``float64``; ``fractions.Fraction``) as the ``int`` or
    ``float`` it is, a numpy bool as a ``bool``, a list or tuple item by item (a new one only where an item
    changed); anything else, and a value that is plain already, as it is (the same object). ``deep=False``
    converts numpy's scalars alone, and leaves a list as it is: for what a user's own class stores, which
    may be an ``IntEnum``, a ``Fraction`` kept exact on purpose, or a list the user still holds (review 109).

    Example:
        >>> import numpy as np
        >>> plain(np.int64(3)), plain(np.float32(0.25)), plain([np.float64(0.5), None]), plain("cos")
        (3, 0.25, [0.5, None], 'cos')
        >>> from fractions import Fraction
        >>> plain(Fraction(1, 4)), plain(Fraction(1, 4), deep=False), plain(np.int64(3), deep=False)
        (0.25, Fraction(1, 4), 3)
    """
    kind = type(value)
    if kind in (int, float, bool, str) or value is None:
        return value
    if deep and is_array(value):
        try:  # a one-element (0-d) tensor or array, as its number (:func:`number`); another stays as it is
            item = number("value", value)
        except TypeError:
            return value
        return value if item is value else plain(item)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if not deep:
        return value.item() if isinstance(value, (np.integer, np.floating)) else value
    if _is_int(value):
        return int(value)
    if _is_real(value):
        return float(value)
    if kind in (list, tuple):
        items = [plain(v) for v in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else kind(items)
    return value


def finite(name: str, value: Any, allowed: str = "a finite real number") -> float:
    """``value`` as a float; a TypeError for a non-number (bools included), a ValueError for nan/inf. A 0-d
    tensor or array is its number (:func:`number`)."""
    read = number(name, value, allowed)
    if not _is_real(read):
        fail(name, allowed, value, TypeError)
    v = float(read)
    if not math.isfinite(v):
        fail(name, allowed, value)
    return v


def positive(name: str, value: Any) -> float:
    """A finite number > 0."""
    v = finite(name, value, "a finite number > 0")
    if v <= 0:
        fail(name, "> 0", value)
    return v


def non_negative(name: str, value: Any) -> float:
    """A finite number >= 0."""
    v = finite(name, value, "a finite number >= 0")
    if v < 0:
        fail(name, ">= 0", value)
    return v


def in_range(name: str, value: Any, lo: float, hi: float, *, lo_open: bool, hi_open: bool) -> float:
    """A finite number in the interval from ``lo`` to ``hi`` (open or closed at each end)."""
    interval = f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"
    v = finite(name, value, f"a number in {interval}")
    if not ((v > lo if lo_open else v >= lo) and (v < hi if hi_open else v <= hi)):
        fail(name, f"in {interval}", value)
    return v


#: the largest count of steps an integer argument may give: steps are computed in float64 (exact up to 2**53)
#: and int64; a larger count overflowed deep in the arithmetic (``OverflowError`` naming no argument) or
#: lost the schedule to rounding
MAX_COUNT = 2**53
#: how far a value a file holds and a loader recomputes (a result's ``smoothed``, a candidate's score) may lie
#: from the recomputed one, relative to it or to the largest value it is made of: a store that keeps fewer
#: digits rounds it (the benchmarks' dumps keep 6)
WRITTEN_TOLERANCE = 1e-4


def _count(name: str, value: Any, allowed: str, minimum: int, capped: bool = True) -> int:
    """``value`` as an int >= ``minimum`` (a 0-d tensor or array as its number: :func:`number`)."""
    read = number(name, value, allowed)
    cap = f"{allowed}, at most 2**53 = {MAX_COUNT} (steps are computed in float64)"
    if capped and isinstance(read, float) and read.is_integer() and read > MAX_COUNT:
        fail(name, cap, value)  # (a whole 1e308 is past the cap, not "no integer": r202)
    if not _is_int(read):
        fail(name, allowed, value, TypeError)
    if read < minimum:
        fail(name, allowed, value)
    if capped and read > MAX_COUNT:
        fail(name, cap, value)
    return int(read)


def integer(name: str, value: Any, minimum: int, why: str = "", *, capped: bool = True) -> int:
    """An integer >= ``minimum`` (bools refused), and <= :data:`MAX_COUNT` unless not ``capped`` (a count
    that is no number of steps); ``why`` explains the bound in the message."""
    return _count(name, value, f"an integer >= {minimum}{why}", minimum, capped)


def positive_int(name: str, value: Any, *, capped: bool = True) -> int:
    """An integer >= 1, and <= :data:`MAX_COUNT` unless not ``capped`` (a count that is no number of steps)."""
    return _count(name, value, "a positive integer", 1, capped)


def non_negative_int(name: str, value: Any, *, capped: bool = True) -> int:
    """An integer >= 0, and <= :data:`MAX_COUNT` unless not ``capped`` (a count that is no number of steps, a
    step a schedule is evaluated at: any step, however far past the end, has a value)."""
    return _count(name, value, "a non-negative integer", 0, capped)


def one_of(name: str, value: Any, allowed: Iterable[T]) -> T:
    """One of the ``allowed`` values (compared with ``==``, so ``"cos"`` but not ``1``): a ValueError for
    another value, a TypeError for a value that is not a string where every allowed one is."""
    choices = tuple(allowed)
    if isinstance(value, (str, int, float, type(None))) and not isinstance(value, bool) and value in choices:
        return value
    wrong_type = not isinstance(value, str) and all(isinstance(c, str) for c in choices)
    allowed_text = f"one of {', '.join(map(repr, choices))}"
    if isinstance(value, str):
        # (review 177: Lightning's LearningRateFinder lower-cases mode="Linear"; the names here are exact. r194:
        # a misspelling or a peer's short name, "vally" or fastai's "steep", got the list alone)
        names = [c for c in choices if isinstance(c, str)]
        same = [c for c in names if c.lower() == value.lower()]
        start = [c for c in names if len(value) >= 3 and c.lower().startswith(value.lower())]  # "exp"
        near = (
            same or start[:1] * (len(start) == 1) or difflib.get_close_matches(value.lower(), names, 1, 0.6)
        )
        if near:
            raise ValueError(f"{name} must be {allowed_text}, got {value!r}: did you mean {near[0]!r}?")
    fail(name, allowed_text, value, TypeError if wrong_type else ValueError)


def boolean(name: str, value: Any) -> bool:
    """A real bool (or numpy bool, or a 0-d bool tensor or array: :func:`number`): ``bool("False")`` is True,
    so strings and numbers are refused."""
    read = number(name, value, "True or False")
    if not isinstance(read, (bool, np.bool_)):
        fail(name, "True or False", value, TypeError)
    return bool(read)


def text(name: str, value: Any, what: str = "a non-empty string") -> str:
    """A non-empty string: a TypeError for another type, a ValueError for ``""``."""
    if not isinstance(value, str):
        fail(name, what, value, TypeError)
    if not value:
        fail(name, what, value)
    return value


def function(name: str, value: Any) -> Callable[..., Any]:
    """A callable."""
    if not callable(value):
        fail(name, "callable", value, TypeError)
    return value


def optional(check: Callable[..., T], name: str, value: Any, *args: Any, **kwargs: Any) -> T | None:
    """None, or ``check(name, value, ...)``; the message of a failed check then adds ``or None``."""
    if value is None:
        return None
    try:
        return check(name, value, *args, **kwargs)
    except (TypeError, ValueError) as exc:
        message = str(exc)
        head = f"{name} must be "
        if message.startswith(head) and ", got " in message:
            allowed, _, rest = message[len(head) :].rpartition(", got ")
            message = f"{head}{allowed} or None, got {rest}"
        raise type(exc)(message) from None


def sequence(
    name: str, value: Any, item: Callable[[str, Any], T], *, what: str, non_empty: bool = True
) -> list[T]:
    """A list or tuple (or 1-d numpy array) whose items each pass ``item(f"{name}[i]", v)``.

    ``what`` says what the items must be (``"numbers >= 0"``) for the message of a wrong container. A 1-d
    torch tensor is taken as a 1-d array is (:func:`listed`).
    """
    value = listed(name, value, f"a list of {what}")
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        fail(name, f"a list of {what}", value, TypeError)
    if non_empty and len(value) == 0:
        fail(name, f"a non-empty list of {what}", value)
    return [item(f"{name}[{i}]", v) for i, v in enumerate(value)]


def keys(what: str, data: Mapping[str, Any], required: Sequence[str], optional: Sequence[str] = ()) -> None:
    """An error unless ``data``, a saved ``what`` dict, holds every ``required`` key and no key besides those and
    the ``optional`` ones: a misspelt key (``"weight_decy"``) would be dropped without a word, and its value
    lost (review 108)."""
    missing = [k for k in required if k not in data]
    if missing:
        raise ValueError(f"{what} dict is missing {missing}")
    unknown = [k for k in data if k not in required and k not in optional]
    if unknown:
        known = ", ".join(map(repr, required))
        if optional:
            known += f", and optionally {', '.join(map(repr, optional))}"
        raise ValueError(
            f"{what} dict keys must be {known}, got the unknown key{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(map(repr, unknown))}"
        )


def same(a: Any, b: Any) -> bool:
    """Whether two settings are equal, as a check of a saved setting against the one given now: tensors and
    arrays by value (a one-element one); anything whose ``==`` cannot say (raises, or gives several truth
    values) is different."""
    try:
        return bool(a == b)
    except (RuntimeError, TypeError, ValueError):
        return False
