"""The checks of what a subclass of :class:`~lightning_lr.callbacks.ScheduleCallback` supplies: the output of
each method it implements, checked where the base class reads it (:func:`built`, :func:`durations`,
:func:`kinds`, :func:`range_test_values`).

Each error names the subclass, the method, what it gave and what is allowed (review 150: a ``build`` that
returned None failed with "cannot unpack non-iterable NoneType object", a ``durations()`` entry without its
minimum with "cannot unpack non-iterable Fraction object", a ``duration_kinds()`` typo dropped a warning without
a word, and a ``range_test_values`` key not in ``range_test_args`` was blamed on the test).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from typing import Any

from .. import schedules as S
from ._resolve import EVENT, SPAN, UNIT
from .durations import Duration

__all__ = [
    "KINDS",
    "BuildReturnError",
    "built",
    "durations",
    "kinds",
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


def _shown(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


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
        raise BuildReturnError(
            f"{owner}.build(run, steps, info) returned {what}; it must return {_BUILD_RETURNS}"
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
    """What ``duration_kinds()`` returned: ``{name: kind}`` for duration arguments of ``names`` (or the base
    class's ``defaults``, which it names for every class), each kind one of :data:`KINDS`."""
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
                f"durations() gives {', '.join(map(repr, sorted(known))) or 'none'}"
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
