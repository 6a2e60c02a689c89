"""Build a schedule from command-line words.

Three spellings, all checked by the schedule's own constructor:

- options: ``OneCycle --max-lr 0.1 --total-steps 1000`` (booleans: ``--three-phase``/``--no-three-phase``);
- ``key=value`` pairs or values in signature order: ``OneCycle max_lr=0.1 total_steps=1000``,
  ``StepDecay 0.1 10``;
- one Python expression, for composition: ``"warmup(CosineDecay(0.1, total=900), steps=100)"``.

Values are converted from the constructor's type hints: numbers may be arithmetic (``decay=0.1/50``),
lists are ``4,8,10`` or ``[4, 8, 10]`` or ``range(4, 26, 2)``, functions (``Lambda``'s ``fn``,
``Multiplicative``'s ``factor``, ``Cyclic``'s ``scale_fn``) are an expression in ``t`` such as
``"0.8 if t % 2 == 0 else 1.0"`` or an import path ``package.module:function``.
"""

from __future__ import annotations

import ast
import collections.abc
import difflib
import importlib
import inspect
import itertools
import math
import re
import types
import typing
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from .. import schedules as _schedules
from ..schedules import Schedule

__all__ = ["SpecError", "build_schedule", "schedule_help", "schedule_names"]


class SpecError(ValueError):
    """A schedule specification that cannot be turned into a schedule (the message says why)."""


# The factories a user can name: every public schedule class or function that builds one from plain
# arguments. Join is spelled `join`; the momentum schedules come from `.momentum()` (or an expression).
# (GrowthWarning is public there too, and builds nothing.)
_FACTORIES: dict[str, Callable[..., Schedule]] = {
    name: obj
    for name in _schedules.__all__
    if name not in {"Schedule", "Join", "CyclicMomentum", "OneCycleMomentum"}
    and ((obj := getattr(_schedules, name)) is not _schedules.GrowthWarning)
}
_ALIASES = {"1cycle": "OneCycle", "onecyclelr": "OneCycle", "cycliclr": "Cyclic"}


def schedule_names() -> list[str]:
    """The schedule names ``plot`` accepts, in the order of ``lightning_lr.schedules.__all__``."""
    return list(_FACTORIES)


def _norm(name: str) -> str:
    return re.sub(r"[-_\s]", "", name).lower()


def resolve_name(name: str) -> str:
    """The canonical schedule name for ``name`` (case, ``_`` and ``-`` ignored), or a SpecError that
    lists the names and the closest match."""
    wanted = _norm(name)
    for canonical in _FACTORIES:
        if _norm(canonical) == wanted:
            return canonical
    if wanted in _ALIASES:
        return _ALIASES[wanted]
    # matched as names are (case, ``_`` and ``-`` ignored: review 136, "cosine" was told "join", "Cosine"
    # "CosineDecay")
    normed = {_norm(canonical): canonical for canonical in _FACTORIES}
    close = difflib.get_close_matches(wanted, list(normed), n=1, cutoff=0.5)
    hint = f" (did you mean {normed[close[0]]}?)" if close else ""
    raise SpecError(f"unknown schedule {name!r}{hint}; choose from {', '.join(_FACTORIES)}")


# ---------------------------------------------------------------------------------------------
# Restricted expressions: numbers, lists, math, schedule constructors. No attribute access to
# private names, no builtins beyond a few harmless ones.
# ---------------------------------------------------------------------------------------------
_MATH = {
    name: getattr(math, name)
    for name in ("pi", "e", "inf", "nan", "exp", "log", "log10", "sqrt", "cos", "sin", "floor", "ceil")
}
_BUILTINS = {"range": range, "list": list, "min": min, "max": max, "abs": abs, "round": round}
_CONSTANTS = {"true": True, "false": False, "none": None, "True": True, "False": False, "None": None}


def _namespace(**extra: Any) -> dict[str, Any]:
    return {**_MATH, **_BUILTINS, **_CONSTANTS, **_FACTORIES, _POW: _power, **extra}


#: the name ``a ** b`` is evaluated through (:class:`_Powers`)
_POW = "__power"


def _power(a: Any, b: Any) -> Any:
    """``a ** b``, in float arithmetic where two ints would make an integer of more than 1024 bits (it then
    overflows at once, as a float does; r202: ``max_lr=9**9**9`` computed a number of 370 million digits for
    minutes)."""
    if isinstance(a, int) and isinstance(b, int) and abs(a) > 1 and b > 0 and b * math.log2(abs(a)) > 1024:
        return math.pow(a, b)
    return a**b


class _Powers(ast.NodeTransformer):
    """Every ``a ** b`` of an expression as a call of :func:`_power`."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.op, ast.Pow):
            return node
        call = ast.Call(func=ast.Name(id=_POW, ctx=ast.Load()), args=[node.left, node.right], keywords=[])
        return ast.copy_location(call, node)


def _compiled(tree: ast.Expression) -> types.CodeType:
    """``tree`` compiled, its powers bounded (:class:`_Powers`)."""
    return compile(ast.fix_missing_locations(_Powers().visit(tree)), "<argument>", "eval")


def _evaluate(text: str, what: str, **extra: Any) -> Any:
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise SpecError(f"{what}: cannot read {text!r} (not a number, list or expression)") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise SpecError(f"{what}: {text!r} uses a private attribute ({node.attr})")
    try:
        return eval(_compiled(tree), {"__builtins__": {}}, _namespace(**extra))
    except NameError as exc:
        raise SpecError(f"{what}: cannot read {text!r} ({exc})") from None
    except (TypeError, ValueError) as exc:
        raise SpecError(f"{what}: {exc}") from None
    except Exception as exc:  # e.g. ZeroDivisionError in "0.1/0"
        raise SpecError(f"{what}: cannot evaluate {text!r} ({type(exc).__name__}: {exc})") from None


def expression_schedule(text: str) -> Schedule:
    """Evaluate a schedule expression such as ``"warmup(CosineDecay(0.1, total=900), steps=100)"``."""
    value = _evaluate(text, "schedule expression")
    if not isinstance(value, Schedule):
        raise SpecError(f"schedule expression {text!r} gave {value!r}, not a schedule")
    return value


# ---------------------------------------------------------------------------------------------
# Type-directed conversion of one argument
# ---------------------------------------------------------------------------------------------
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def _unwrap_optional(hint: Any) -> tuple[Any, bool]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return hint, False


class _Expression:
    """A user function given as an expression in ``t`` (``x`` and ``i`` are the same argument).

    Not picklable on purpose: a schedule built from it is for drawing, not for checkpoints."""

    def __init__(self, text: str, code: types.CodeType) -> None:
        self.text, self.code = text, code
        self.__qualname__ = self.__name__ = f"({text})"

    def __call__(self, t: Any) -> Any:
        return eval(self.code, {"__builtins__": {}}, _namespace(t=t, x=t, i=t))

    def __repr__(self) -> str:
        return repr(self.text)


class _Named:
    """A user function as the command line gave it: an error it raises names the argument, what was given
    and the step (``fn: os:system failed at t=0 (TypeError: ...)``), instead of a bare message."""

    def __init__(self, name: str, raw: str, fn: Callable[..., Any]) -> None:
        self.name, self.raw, self.fn = name, raw, fn
        self.__qualname__ = self.__name__ = getattr(fn, "__qualname__", raw)

    def __call__(self, t: Any) -> Any:
        try:
            return self.fn(t)
        except Exception as exc:
            raise ValueError(
                f"{self.name}: {self.raw} failed at t={t} ({type(exc).__name__}: {exc})"
            ) from None

    def __repr__(self) -> str:
        return repr(self.raw)


def _function(name: str, raw: str) -> Callable[..., Any]:
    if re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_][\w.]*", raw):
        module, _, attr = raw.partition(":")
        try:
            obj: Any = importlib.import_module(module)
            for part in attr.split("."):
                obj = getattr(obj, part)
        except (ImportError, AttributeError) as exc:
            raise SpecError(f"{name}: cannot import {raw!r} ({exc})") from None
        if not callable(obj):
            raise SpecError(f"{name}: {raw!r} is not callable")
        return _Named(name, raw, typing.cast(Callable[..., Any], obj))
    try:
        tree = ast.parse(raw.strip(), mode="eval")
    except SyntaxError:
        raise SpecError(
            f"{name}: {raw!r} is not an expression in t (x and i name it too; e.g. '0.5 if t % 10 == 0 else 1.0') nor an "
            f"import path (package.module:function)"
        ) from None
    code = _compiled(tree)
    fn = _Expression(raw, code)
    try:
        fn(1)
    except Exception as exc:
        raise SpecError(f"{name}: evaluating {raw!r} at t=1 failed ({type(exc).__name__}: {exc})") from None
    return _Named(name, repr(raw), fn)


def _number(name: str, raw: str, integral: bool) -> Any:
    try:
        value = _evaluate(raw, name)
    except SpecError as exc:  # (review 182: "cannot read 'abc' (name 'abc' is not defined)" said no number)
        why = str(exc).removeprefix(f"{name}: ")
        raise SpecError(f"{name} must be a number (or arithmetic, 0.1/50), got {raw!r}: {why}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SpecError(f"{name} must be a number, got {raw!r}")
    if integral and isinstance(value, float) and value.is_integer():
        return int(value)  # 1e3 -> 1000; 1.5 stays a float and the schedule says what is wrong
    return value


def convert(name: str, hint: Any, raw: str) -> Any:
    """Convert the command-line text ``raw`` for parameter ``name`` with type hint ``hint``."""
    hint, optional = _unwrap_optional(hint)
    if optional and raw.strip().lower() in ("none", "null"):
        return None
    origin = typing.get_origin(hint)
    if hint is bool:
        low = raw.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise SpecError(f"{name} must be true or false, got {raw!r}")
    if hint is int or hint is float:
        return _number(name, raw, integral=hint is int)
    if hint is str:
        return raw
    if origin is collections.abc.Callable or hint is collections.abc.Callable:
        return _function(name, raw)
    if isinstance(hint, type) and issubclass(hint, Schedule):
        value = _evaluate(raw, name)
        if not isinstance(value, Schedule):
            raise SpecError(f"{name} must be a schedule such as 'CosineDecay(0.1, total=900)', got {raw!r}")
        return value
    if origin is collections.abc.Sequence:
        text = raw.strip()
        value = _evaluate(text if text.startswith(("[", "(", "range")) else f"[{text}]", name)
        if isinstance(value, (range, tuple)):
            value = list(value)
        if not isinstance(value, list):
            value = [value]
        (item,) = typing.get_args(hint) or (Any,)
        if item is int:
            value = [int(v) if isinstance(v, float) and v.is_integer() else v for v in value]
        return value
    return _evaluate(raw, name)


# ---------------------------------------------------------------------------------------------
# Words -> schedule
# ---------------------------------------------------------------------------------------------
def _parameters(factory: Callable[..., Any]) -> list[inspect.Parameter]:
    target = factory.__init__ if isinstance(factory, type) else factory  # type: ignore[misc]
    params = list(inspect.signature(target).parameters.values())
    return [p for p in params if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def _hints(factory: Callable[..., Any]) -> dict[str, Any]:
    target = factory.__init__ if isinstance(factory, type) else factory  # type: ignore[misc]
    return typing.get_type_hints(target)


#: what a warm-up's length is called by the schedule callbacks, transformers and others, given to plot
_WARMUP_NAMES = frozenset({"warmup", "warmup_steps", "num_warmup_steps", "warmup_iters", "warmup_epochs"})


def _unknown(
    name: str,
    spelled: str,
    params: list[inspect.Parameter],
    plot_options: Collection[str],
    schedule: str = "SCHEDULE",
    value: str | None = None,
) -> SpecError:
    """The error for a word that names none of the schedule's arguments, with the closest of them or of plot's
    own options (review 118: ``--out`` and ``--logy`` were blamed on the schedule alone)."""
    mine = [p.name for p in params]
    # plot's options by the name a word is compared under (--log-y -> log_y); the schedule's own win a tie
    theirs = {
        flag[2:].replace("-", "_"): flag
        for flag in plot_options
        if flag.startswith("--") and flag[2:].replace("-", "_") not in mine
    }
    close = difflib.get_close_matches(name, [*mine, *theirs], n=1)
    if name in _WARMUP_NAMES:  # (before a close name: --warmup-steps is no --total-steps)
        # (review 169: the schedule callbacks take warmup=, a pure schedule is wrapped in warmup(); r171: the
        # hint is of this schedule and this value, and of the other libraries' names too)
        hint = (
            f' (a warm-up wraps the schedule: plot "warmup({schedule}(...), steps={value or "N"})" with its '
            f"arguments in the parentheses; its steps come before the schedule's, where a callback's warmup= "
            f"counts within its total)"
        )
    elif not close:
        hint = ""
    elif close[0] in theirs:
        hint = f" (did you mean plot's {theirs[close[0]]}?)"
    elif "--" + close[0].replace("_", "-") in plot_options:  # the schedule's, named like plot's own option
        hint = f" (did you mean {close[0]}=...? --{close[0].replace('_', '-')} is plot's own option)"
    else:
        hint = (
            f" (did you mean {'--' + close[0].replace('_', '-') if spelled.startswith('--') else close[0]}?)"
        )
    return SpecError(
        f"unknown argument {spelled!r}{hint}; this schedule takes {', '.join(mine) or 'no arguments'}"
    )


def _split_words(
    words: Sequence[str],
    params: list[inspect.Parameter],
    hints: dict[str, Any],
    plot_options: Collection[str] = (),
    schedule: str = "SCHEDULE",
) -> tuple[dict[str, str], list[str]]:
    """``--opt value``, ``--flag``, ``--no-flag``, ``key=value`` and positional values -> {name: text}, and
    the names given by position, in order.

    ``plot_options``: plot's own options, for the hint when a word names none of the schedule's arguments."""
    by_name = {p.name: p for p in params}
    given: dict[str, str] = {}
    positional: list[str] = []

    def put(name: str, text: str, spelled: str) -> None:
        if name not in by_name:
            raise _unknown(name, spelled, params, plot_options, schedule, text)
        if name in given:
            raise SpecError(f"{name} is given twice")
        given[name] = text

    i = 0
    while i < len(words):
        word = words[i]
        if word.startswith("--") and len(word) > 2:
            key, eq, text = word[2:].partition("=")
            name = key.replace("-", "_")
            negated = name.startswith("no_") and name[3:] in by_name and hints.get(name[3:]) is bool
            if negated:
                if eq:
                    raise SpecError(f"{word}: --no-{key[3:]} takes no value")
                put(name[3:], "false", word)
            elif eq:
                put(name, text, word)
            elif hints.get(name) is bool and (
                i + 1 == len(words) or words[i + 1].lower() not in _TRUE | _FALSE
            ):
                after = words[i + 1] if i + 1 < len(words) else None
                if after is not None and not after.startswith("--") and "=" not in after:
                    # not a positional (none may follow a named argument): a value the flag cannot take
                    raise SpecError(
                        f"{word} {after}: {name} is True or False: give --{key} or --no-{key}, or "
                        f"{name}=<{'/'.join(sorted(_TRUE | _FALSE))}>, got {after!r}"
                    )
                put(name, "true", word)
            else:
                if name not in by_name:  # before "needs a value", which would say that it exists
                    after = words[i + 1] if i + 1 < len(words) else None
                    raise _unknown(name, word, params, plot_options, schedule, after)
                if i + 1 == len(words):
                    raise SpecError(f"{word} needs a value")
                put(name, words[i + 1], word)
                i += 1
        elif re.match(r"^[A-Za-z_]\w*=", word):
            name, _, text = word.partition("=")
            put(name, text, word)
        else:
            if given:
                raise SpecError(f"positional value {word!r} after named arguments")
            positional.append(word)
        i += 1
    if len(positional) > len(params):
        # a list given by position whose items were spaced apart takes the extra values, if its word has no comma
        # (review 119: '5,10 0.5 7' was told milestones=5,10,0.5, and '5 10 20 30' milestones=5,10)
        lists = [
            k
            for k, p in enumerate(params)
            if _is_list(hints.get(p.name)) and k < len(positional) and "," not in positional[k]
        ]
        extra = len(positional) - len(params)
        one = (
            f"; a list is one value, with commas: "
            f"{params[lists[0]].name}={','.join(positional[lists[0] : lists[0] + extra + 1])}"
            if lists
            else ""
        )
        raise SpecError(
            f"too many values: {len(positional)} given, the schedule takes {len(params)} "
            f"({', '.join(p.name for p in params)}){one}"
        )
    for p, text in zip(params, positional, strict=False):
        if p.name in given:
            raise SpecError(f"{p.name} is given twice (as the value {text!r} in position and by name)")
        given[p.name] = text
    return given, [p.name for p in params[: len(positional)]]


def _is_list(hint: Any) -> bool:
    return typing.get_origin(_unwrap_optional(hint)[0]) is collections.abc.Sequence


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _by_position_note(hints: dict[str, Any], texts: dict[str, str], by_position: list[str]) -> str:
    """How a value given by position after a list given by position was read, or "" (review 118: ``plot
    MultiStepDecay 0.1 5 10`` took 10 as gamma, and its GrowthWarning did not say why)."""
    for k, (name, after) in enumerate(itertools.pairwise(by_position)):
        if _is_list(hints.get(name)) and not _is_list(hints.get(after)):
            value = texts[after].strip()
            belongs = (
                f"; a list is one value, with commas: {name}={texts[name]},{value} if {value} belongs to {name}"
                if value.isdigit()  # a number that could be one of the list's
                else ""
            )
            return f" ({after}={value} is the {_ordinal(k + 2)} value, read by position{belongs})"
    return ""


# The arguments that are the length of the whole schedule: when they are not given, ``plot`` takes them
# from the horizon (as the callbacks' default duration is the whole run).
LENGTH_ARGUMENTS = ("total_steps", "total")


def build_schedule(
    name_or_expression: str,
    words: Sequence[str] = (),
    length: int | None = None,
    plot_options: Mapping[str, object] | None = None,
) -> tuple[Schedule, dict[str, int]]:
    """The schedule named (or written out) by the command-line words, and the arguments filled in.

    ``length``: the value for a missing length argument (``total_steps``, ``total``), if any.
    ``plot_options``: plot's own options (``--log-y``), each with the value it was given on the command line
    (None when it was not): a word that names none of the schedule's arguments is compared with them too.

    Raises:
        SpecError: unknown name or argument, unreadable value, missing argument, or the schedule's
            own validation error (its message is kept).
    """
    if "(" in name_or_expression:
        if words:
            raise SpecError(
                f"give either a schedule expression or a name with arguments, not both: {list(words)!r}"
            )
        return expression_schedule(name_or_expression), {}
    name = resolve_name(name_or_expression)
    factory = _FACTORIES[name]
    params, hints = _parameters(factory), _hints(factory)
    texts, by_position = _split_words(words, params, hints, plot_options or {}, name)
    kwargs = {k: convert(k, hints.get(k, Any), v) for k, v in texts.items()}
    filled = {
        p.name: length
        for p in params
        if length is not None and p.name in LENGTH_ARGUMENTS and p.default is p.empty and p.name not in kwargs
    }
    kwargs.update(filled)
    missing = [p.name for p in params if p.default is p.empty and p.name not in kwargs]
    if missing:
        hint = " or give --steps/--epochs" if any(m in LENGTH_ARGUMENTS for m in missing) else ""
        hint += _shadowed_hint(name, missing, plot_options or {})
        raise SpecError(f"{name} needs {', '.join(missing)}{hint} (try: lightning-lr plot {name} --help)")
    # said with the schedule's own error or warning, which would not tell how its value was read
    note = _by_position_note(hints, texts, by_position)
    try:
        with warnings.catch_warnings(record=bool(note)) as caught:
            if note:
                warnings.simplefilter("always")
            schedule = factory(**kwargs)
    except (TypeError, ValueError) as exc:
        text = str(exc)  # the schedules name themselves in their errors already
        raise SpecError((text if text.startswith(f"{name}: ") else f"{name}: {text}") + note) from None
    for caught_warning in caught or ():
        warnings.warn(f"{caught_warning.message}{note}", caught_warning.category, stacklevel=2)
    return schedule, filled


def _shadowed(param: str, plot_options: Collection[str]) -> str | None:
    """The option of plot's own that ``param``'s ``--flag`` spelling would be read as, if any (warmup's
    ``steps`` and plot's ``--steps``): such an argument is given as ``name=value``."""
    flag = "--" + param.replace("_", "-")
    return flag if flag in plot_options else None


def _shadowed_hint(name: str, missing: list[str], plot_options: Mapping[str, object]) -> str:
    """How to give a missing argument that plot's own option of the same name took (review 118: ``plot warmup
    ... --steps 100`` was told that warmup needs steps and sent to a help that listed ``--steps``)."""
    for param in missing:
        flag = _shadowed(param, plot_options)
        if flag is None:
            continue
        value = plot_options[flag]
        if value is None:
            return f"; give it as {param}=N, since {flag} is plot's own option"
        return f": {flag} {value} is plot's own option, not {name}'s; give {name}'s as {param}={value}"
    return ""


def _hint_text(hint: Any) -> str:
    hint, optional = _unwrap_optional(hint)
    origin = typing.get_origin(hint)
    if origin is collections.abc.Callable or hint is collections.abc.Callable:
        text = "expression in t | module:function"
    elif origin is collections.abc.Sequence:
        (item,) = typing.get_args(hint) or (Any,)
        text = "list of schedules" if item is Schedule else f"list of {getattr(item, '__name__', item)}"
    else:
        text = getattr(hint, "__name__", str(hint))
    return f"{text} | none" if optional else text


def schedule_help(name: str, plot_options: Collection[str] = ()) -> str:
    """The arguments of one schedule (name, type, default) and the first paragraph of its docstring.

    ``plot_options``: plot's own options; an argument whose ``--flag`` is one of them is shown as
    ``name=N``, the spelling that reaches the schedule."""
    name = resolve_name(name)
    factory = _FACTORIES[name]
    hints = _hints(factory)
    doc = inspect.getdoc(factory) or ""
    summary = doc.split("\n\n")[0]
    lines = [
        f"lightning-lr plot {name} [ARGUMENTS] [-o OUT.png] [--steps N | --epochs E --steps-per-epoch S]",
        "",
    ]
    lines += [summary, "", "arguments (--name value, name=value, or values in this order):"]
    for p in _parameters(factory):
        if p.default is not p.empty:
            default = f"default {p.default!r}"
        elif p.name in LENGTH_ARGUMENTS:  # plot fills a schedule's length from the horizon
            default = "required, or from --steps / --epochs"
        else:
            default = "required"
        flag = "--" + p.name.replace("_", "-")
        if _shadowed(p.name, plot_options):
            default += f" ({flag} is plot's own option)"
            flag = f"{p.name}=N"
        lines.append(f"  {flag:<22} {_hint_text(hints.get(p.name, Any)):<34} {default}")
    return "\n".join(lines)
