"""The checks of what a subclass of :class:`~lightning_lr.callbacks.ScheduleCallback` supplies: its constructor
(:func:`constructed`, :func:`parameters`), and the output of each method it implements, checked where the base
class reads it (:func:`built`, :func:`durations`, :func:`kinds`, :func:`range_test_values`).

Each error names the subclass, the method, what it gave and what is allowed (review 150: a ``build`` that
returned None failed with "cannot unpack non-iterable NoneType object", a ``durations()`` entry without its
minimum with "cannot unpack non-iterable Fraction object", a ``duration_kinds()`` typo dropped a warning without
a word, a ``range_test_values`` key not in ``range_test_args`` was blamed on the test, and ``range_test_args =
"peak"`` failed with AttributeError 'p' after the whole range test ran).
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Iterable, Mapping
from typing import Any

from .. import schedules as S
from ._resolve import EVENT, SPAN, UNIT
from .durations import Duration

__all__ = [
    "KINDS",
    "BuildReturnError",
    "Steps",
    "built",
    "constructed",
    "durations",
    "kept",
    "kinds",
    "parameters",
    "range_test_values",
]


class BuildReturnError(TypeError):
    """What ``build`` returned is not its pair of schedules: the class's code, which no value of its arguments (an
    LR a range test fills, a longer run) changes."""


#: the kinds :meth:`ScheduleCallback.duration_kinds` may give a duration argument
KINDS = (SPAN, EVENT, UNIT)

#: what :meth:`ScheduleCallback.build` returns, for its errors
_BUILD_RETURNS = (
    "a pair (lr, momentum), each a Schedule, a list with one Schedule per param group (None leaves a group "
    "alone) or None (every group's LR, or momentum, left alone)"
)

#: the attributes a subclass's constructor parameter may not be named after, beside the methods and attributes
#: of the class itself, with who sets them
_SET_LATER = {
    "run": "ScheduleCallback sets self.run to each fit's RunInfo",
    "steps": "ScheduleCallback sets self.steps to each fit's durations in optimizer steps",
    "log": "Lightning sets callback.log to the module's log method at each fit",
}


class Steps(dict[str, Any]):
    """The durations in optimizer steps that ``build`` reads: a name ``durations()`` does not give is a KeyError
    that says so (review 151: ``steps["total"]`` was a bare ``KeyError: 'total'``)."""

    def __init__(self, owner: str, steps: Mapping[str, Any]) -> None:
        super().__init__(steps)
        self.owner = owner

    def __reduce__(self) -> Any:  # a plain dict where it is kept (review 152: in a checkpoint, torch's
        return (dict, (dict(self),))  # weights_only load refused the class)

    def __missing__(self, key: Any) -> Any:
        given = ", ".join(map(repr, self)) or "none"
        raise KeyError(
            f"{self.owner}.build read steps[{key!r}], which its durations() does not give (it gives {given}); add "
            f"{key!r}: (value, minimum steps) to durations()"
        )


def _shown(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def parameters(cls: type, base: type) -> None:
    """Refuse a constructor parameter of ``cls`` (or of a class between it and ``base``, ScheduleCallback) named
    after an attribute the callback has for another purpose: ``run`` and ``steps`` (the base class sets them at
    each fit), ``log`` (Lightning sets it), or a method or attribute of ``base`` (``name``, ``value``, ...). The
    value stored under such a name is overwritten, or overwrites what the class needs, and the repr and hparams,
    which read each parameter back from the attribute of its name, show the other value (review 150:
    ``steps=100`` became ``{}`` at the first fit)."""
    own = set(
        inspect.signature(vars(base)["__init__"]).parameters
    )  # optimizer, log_lr, preview: passed on to it
    reserved = {n for n in dir(base) if not n.startswith("_")} | set(_SET_LATER)
    for klass in cls.__mro__:
        if klass is base or not issubclass(klass, base) or "__init__" not in vars(klass):
            continue
        for name in inspect.signature(vars(klass)["__init__"]).parameters:
            if name in reserved and name not in own:
                why = _SET_LATER.get(name) or f"{base.__name__}.{name} is {_what(getattr(base, name))}"
                where = (
                    f"{cls.__name__}.__init__"
                    if klass is cls
                    else f"{cls.__name__}: {klass.__name__}.__init__"
                )
                raise TypeError(
                    f"{where} takes a parameter named {name!r}, a name the callback "
                    f"uses for something else ({why}), so the value given would be lost or break it, and repr and "
                    f"hparams, which read each parameter back from its attribute, would show the other value; rename "
                    f"the parameter (e.g. {name}_ or my_{name}). Reserved: run, steps, log, and the methods and "
                    f"attributes of {base.__name__} (name, value, build, durations, planned, state_dict, ...)"
                )


def _what(attribute: Any) -> str:
    if isinstance(attribute, property):
        return "a property"
    return "a method" if callable(attribute) else "a class attribute"


def kept(callback: Any, before: Mapping[str, Any], by: type) -> None:
    """After ``by.__init__`` ran inside a subclass's constructor: refuse an attribute the subclass set before its
    ``super().__init__()`` call (``before``: the instance's attributes when ``by.__init__`` began) that
    ``by.__init__`` then set to another value. The value set first was lost without a word: ``self.optimizer =
    1`` before ``super().__init__()`` scheduled every optimizer, ``self.total = 50`` before a ``CosineDecay``'s
    was back to the whole run. A value set equal to it (a subclass that stored its argument and passed it on)
    is kept."""
    held = vars(callback)
    for attr, first in before.items():
        if attr not in held or held[attr] is first or _equal(held[attr], first):
            continue
        takes = attr in inspect.signature(vars(by)["__init__"]).parameters
        # the class the user knows (CosineDecay), not a private one between it and ScheduleCallback (_ToFinal)
        known = next(
            (
                k
                for k in type(callback).__mro__
                if issubclass(k, by) and k.__module__.startswith("lightning_lr.")
            ),
            by,
        )
        setter = known.__name__
        head = (
            f"{type(callback).__name__}.__init__ set self.{attr} = {_shown(first)} before calling "
            f"super().__init__(), and {setter}.__init__ then set self.{attr}"
        )
        if attr.startswith("_"):
            raise TypeError(
                f"{head} for its own state: the value set first was lost, and would break {setter} if set after; "
                f"store it under another name"
            )
        raise TypeError(
            f"{head} = {_shown(held[attr])}: the value set first was lost. "
            + (f"Pass it on as super().__init__({attr}=...)" if takes else "Store it under another name")
            + ", or set it after super().__init__()"
        )


def _equal(a: Any, b: Any) -> bool:
    """``a == b`` as one bool, a tuple and a list of equal items equal (a preset stores ``max_lr=(0.1, 0.01)`` as a
    list: r157); True where the comparison gives no plain truth value (an array, a tensor): only a value provably
    replaced is refused."""
    items = _items(a), _items(b)
    if items[0] is not None and items[1] is not None:  # a range, an array or a 1-d tensor too (r158)
        return len(items[0]) == len(items[1]) and all(
            x is y or _equal(x, y) for x, y in zip(items[0], items[1], strict=True)
        )
    try:
        return bool(a == b)
    except Exception:  # an array's or a tensor's ambiguous truth value
        return True


def _items(value: Any) -> list[Any] | None:
    """The items of a list, tuple, range, or an array or tensor of one dimension or more; None for anything else."""
    if isinstance(value, (list, tuple, range)):
        return list(value)
    if getattr(value, "ndim", 0) >= 1 and hasattr(value, "tolist"):
        return list(value.tolist())
    return None


def constructed(callback: Any, base: type) -> None:
    """After a subclass's constructor ran: refuse one that did not call ``super().__init__()`` (what every callback
    needs is missing: Lightning's ``Trainer(callbacks=...)`` failed with AttributeError 'optimizer'), one without
    ``build``, one that set ``run`` or ``steps`` (:func:`parameters`) and ``range_test_args`` that are no tuple of
    the names of attributes it set."""
    name = type(callback).__name__
    if "_filled" not in vars(callback):
        raise TypeError(
            f"{name}.__init__ did not call super().__init__(): {base.__name__}.__init__ sets what every schedule "
            f"callback needs (optimizer, log_lr, preview and its state); call super().__init__(**kwargs) in "
            f"{name}.__init__, passing on optimizer=, log_lr= and preview= if it takes them"
        )
    if type(callback).build is vars(base)["build"]:
        raise TypeError(
            f"{name} does not implement build(run, steps, info), which every {base.__name__} subclass must: it "
            f"returns {_BUILD_RETURNS} for one optimizer"
        )
    for attr in ("run", "steps"):
        if getattr(callback, attr) != ({} if attr == "steps" else None):
            raise TypeError(
                f"{name}.__init__ set self.{attr} = {_shown(getattr(callback, attr))}: {_SET_LATER[attr]}, which "
                f"would overwrite it; store it under another name"
            )
    args = type(callback).range_test_args
    if (
        isinstance(args, str)
        or not isinstance(args, (tuple, list))
        or not all(isinstance(a, str) for a in args)
    ):
        hint = f" (for one name, write ({args!r},) with the comma)" if isinstance(args, str) else ""
        raise TypeError(
            f"{name}.range_test_args must be a tuple of the names of the LR arguments an LR range test may fill, "
            f"got {args!r}{hint}"
        )
    missing = [a for a in args if not hasattr(callback, a) or inspect.ismethod(getattr(callback, a))]
    if missing:
        raise TypeError(
            f"{name}.range_test_args names {', '.join(map(repr, missing))}, which {name}.__init__ does not set as "
            f"an attribute; range_test_args lists the LR arguments (stored as self.<name>, None for the range test "
            f"to fill) that the range test may fill: {args!r}"
        )


def built(owner: str, output: Any, groups: int) -> tuple[Any, Any]:
    """What ``build`` returned (``output``), checked for an optimizer of ``groups`` param groups: the pair
    ``(lr, momentum)``, with an LR part of None as every group's LR left alone (``[None] * groups``, as the
    docstring of ``build`` says: review 150, ``(None, momentum)`` was refused)."""
    if not isinstance(output, tuple) or len(output) != 2:
        what = (
            f"a tuple of {len(output)}"
            if isinstance(output, tuple)
            else f"a single Schedule, {_shown(output)}"
            if isinstance(output, S.Schedule)
            else _shown(output)
        )
        # (a list is not taken as the pair, as unpacking would: [a, b] may as well be one LR schedule per param
        # group, whose second would have become the momentum's)
        listed = (
            "; a list reads as one schedule per param group: return the pair as a tuple, (lr, momentum)"
            if isinstance(output, list)
            else ""
        )
        raise BuildReturnError(
            f"{owner}.build(run, steps, info) returned {what}; it must return {_BUILD_RETURNS}{listed}"
        )
    lr, momentum = output
    for part, value in (("lr", lr), ("momentum", momentum)):
        _part(owner, part, value)
    return ([None] * groups if lr is None else lr), momentum


def _part(owner: str, part: str, value: Any) -> None:
    if value is None or isinstance(value, S.Schedule):
        return
    index = 0 if part == "lr" else 1
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            if item is not None and not isinstance(item, S.Schedule):
                raise BuildReturnError(
                    f"{owner}.build(run, steps, info) returned {part}[{i}]={_shown(item)} (item {index} of its "
                    f"pair); each item of a list must be a Schedule, or None to leave the group alone{_hint(item)}"
                )
        return
    raise BuildReturnError(
        f"{owner}.build(run, steps, info) returned {part}={_shown(value)} (item {index} of its pair); it must be a "
        f"Schedule, a list with one Schedule per param group or None{_hint(value)}"
    )


def _hint(value: Any) -> str:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f" (a constant LR: schedules.Constant({value!r}))"
    if callable(value):
        return " (a function of the step: wrap it as schedules.Lambda(fn))"
    return ""


def durations(owner: str, output: Any) -> dict[str, tuple[Any, int]]:
    """What ``durations()`` returned: ``{name: (value, minimum steps)}``, each minimum an int >= 0 (the value
    itself is checked where it is resolved, naming the argument)."""
    allowed = "a dict {name: (value, minimum steps)}, the value an int (optimizer steps), Epochs, Fraction or a list of them"
    if not isinstance(output, Mapping):
        raise TypeError(f"{owner}.durations() returned {_shown(output)}; it must return {allowed}")
    out: dict[str, tuple[Any, int]] = {}
    for name, entry in output.items():
        if not isinstance(name, str):
            raise TypeError(
                f"{owner}.durations() returned the key {name!r}; its keys are argument names (str)"
            )
        if not isinstance(entry, (tuple, list)) or len(entry) != 2:
            raise TypeError(
                f"{owner}.durations() returned {name!r}: {_shown(entry)}; each entry must be a pair (value, minimum "
                f"steps), e.g. {name!r}: (self.{name}, 1)"
            )
        value, minimum = entry
        if (
            isinstance(minimum, float) and minimum.is_integer()
        ):  # (1.0: a whole number, as the old code took it)
            minimum = int(minimum)
        if isinstance(minimum, bool) or not isinstance(minimum, numbers.Integral) or minimum < 0:
            swapped = (
                "; the pair is (value, minimum): given the other way round?"
                if isinstance(minimum, Duration) or isinstance(value, numbers.Integral)
                else ""
            )
            error = (
                ValueError
                if isinstance(minimum, numbers.Integral) and not isinstance(minimum, bool)
                else TypeError
            )
            raise error(
                f"{owner}.durations() returned {name!r}: {_shown(entry)}; its minimum (the second item) must be an "
                f"int >= 0, the fewest optimizer steps the argument takes, got {minimum!r}{swapped}"
            )
        out[name] = (value, int(minimum))
    return out


def kinds(owner: str, output: Any, names: Iterable[str], defaults: Iterable[str]) -> dict[str, str]:
    """What ``duration_kinds()`` returned: ``{name: kind}`` for duration arguments of ``names`` (those
    ``durations()`` gives, and the constructor's parameters: a preset gives some durations only when they are
    set, ``Cyclic``'s ``step_size_down``; or the base class's ``defaults``, which it names for every class), each
    kind one of :data:`KINDS`."""
    allowed = ", ".join(repr(k) for k in KINDS)
    if not isinstance(output, Mapping):
        raise TypeError(
            f"{owner}.duration_kinds() returned {_shown(output)}; it must return a dict {{duration argument: kind}}, "
            f"each kind one of {allowed}"
        )
    known = set(names)
    for name, kind in output.items():
        if kind not in KINDS:
            raise (ValueError if isinstance(kind, str) else TypeError)(
                f"{owner}.duration_kinds() returned {name!r}: {kind!r}; a kind is one of {allowed} (a length, a "
                f"step at which something happens, a unit of time)"
            )
        if name not in known and name not in defaults:
            raise ValueError(
                f"{owner}.duration_kinds() returned a kind for {name!r}, which is no duration argument of {owner}; "
                f"its durations are {', '.join(map(repr, sorted(known))) or 'none'} (those durations() gives, and those "
                f"left as None)"
            )
    return dict(output)


def range_test_values(owner: str, output: Any, args: Iterable[str]) -> Mapping[str, Any]:
    """What ``range_test_values(result)`` returned: a mapping from arguments of ``range_test_args`` (``args``)
    to the suggested values (checked where they are taken)."""
    args = tuple(args)
    if not isinstance(output, Mapping):
        raise TypeError(
            f"{owner}.range_test_values(result) returned {_shown(output)}; it must return a dict {{argument: "
            f"value or None}} for the arguments of range_test_args {args!r}"
        )
    unknown = [k for k in output if k not in args]
    if unknown:
        raise ValueError(
            f"{owner}.range_test_values(result) returned {', '.join(map(repr, unknown))}, not in "
            f"{owner}.range_test_args {args!r}; return values for those arguments (or add the name to "
            f"range_test_args)"
        )
    return output
