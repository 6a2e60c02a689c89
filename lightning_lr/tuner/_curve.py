"""What every range-test result shares: the recorded curve, its checks and smoothing, equality and JSON files.

No torch and no Lightning here: a result is plain numbers, so it can be saved, loaded on a laptop,
compared across runs and fed to the suggestion benchmark without a model.

The JSON format (``"format": 1``) is one dict per sweep with ``"kind": "RangeTestResult"`` and ``"param"``
saying what was swept; :meth:`SweepResult.from_dict` builds the result type of that ``param`` (``"lr"``:
:class:`~lightning_lr.tuner.RangeTestResult`, ``"momentum"``:
:class:`~lightning_lr.tuner.MomentumRangeTestResult`).
"""

from __future__ import annotations

import dataclasses
import errno
import json
import math
import numbers
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

import numpy as np

from .. import _validate as V
from . import _rules
from ._options import MODES

__all__ = [
    "FORMAT",
    "KINDS",
    "STOPS",
    "SweepResult",
    "check_format",
    "check_kind",
    "fmt",
    "load_json",
    "save_json",
    "short",
]

FORMAT = 1
#: the keys of every sweep's :meth:`SweepResult.to_dict` that :meth:`SweepResult.from_dict` needs
_KEYS = (
    "format",
    "kind",
    "param",
    "mode",
    "smoothing",
    "num_steps",
    "stop_reason",
    "lrs",
    "losses",
    "momentums",
)
#: the keys it also writes that a dict may leave out: ``val_loss`` and ``weight_decay`` (files written before
#: they were) take their defaults, ``smoothed`` is recomputed from the losses (and, when given, checked)
_OPTIONAL_KEYS = ("val_loss", "weight_decay", "smoothed")
STOPS = ("completed", "diverged", "non-finite loss")
_JSON_CONSTANTS = ("NaN", "Infinity", "-Infinity")

R = TypeVar("R", bound="SweepResult")


def _point(name: str, value: Any) -> float:
    """A recorded value: any real number (NaN and inf included, as JSON writes them; a 0-d tensor or array, a
    loss as ``training_step`` returned it, detached) as a float."""
    if isinstance(value, str) and value in _JSON_CONSTANTS:
        return float(value.replace("Infinity", "inf"))
    read = V.number(name, value)
    if isinstance(read, (bool, np.bool_)) or not isinstance(read, numbers.Real):
        V.fail(name, "a number", value, TypeError)
    return float(read)


def _points(name: str, values: Any, optional: bool = False) -> tuple[Any, ...]:
    one_pass = not isinstance(values, (str, bytes, Sequence)) and not V.is_array(values)
    if isinstance(values, Iterable) and one_pass:
        # a generator or another one-pass iterable; not a tensor or array, which V.sequence reads (a 0-d one is
        # one number, no list: review 108, iterating it raised torch's "iteration over a 0-d tensor")
        values = list(values)
    if optional:
        return tuple(V.sequence(name, values, _optional_point, what="numbers or None", non_empty=False))
    return tuple(V.sequence(name, values, _point, what="numbers", non_empty=False))


def _optional_point(name: str, value: Any) -> float | None:
    return V.optional(_point, name, value)


def _json_float(v: float | None) -> float | str | None:
    if v is None or math.isfinite(v):
        return v
    return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")


def fmt(v: float | None) -> str:
    """A value for a repr: three significant digits, or None."""
    return "None" if v is None else f"{v:.3g}"


def short(data: Any) -> str:
    """``repr(data)``, cut to 80 characters for an error message."""
    return V.shown(data, 80)


#: the results a JSON file of this project can hold, by its ``kind``
KINDS = ("RangeTestResult", "WeightDecayResult")


def check_kind(data: Any, kind: str, reader: str) -> None:
    """An error unless ``data`` is a :meth:`to_dict` dict of ``kind``, read by the class ``reader``; one of
    another kind names the class that reads it (a range test's by its ``param``: review 79 found the hint led
    a momentum sweep's file to a second refusal)."""
    if isinstance(data, Mapping) and data.get("kind") == kind:
        return
    other = data.get("kind") if isinstance(data, Mapping) else None
    if other in KINDS:
        holder = other
        if other == "RangeTestResult" and data.get("param") in SweepResult._types:
            holder = SweepResult._types[data["param"]].__name__
        raise ValueError(
            f"this dict holds a {holder}, not a {reader}; read it with {holder}.from_dict or {holder}.load"
        )
    raise ValueError(f"not a {reader} dict (its 'kind' must be {kind!r}): {short(data)}")


def check_format(data: Mapping[str, Any], kind: str) -> None:
    """An error unless ``data["format"]`` is :data:`FORMAT` (an int: ``True == 1`` passed, review 108)."""
    value = data.get("format")
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value != FORMAT:
        V.fail("format", f"{FORMAT} (the {kind} format this version reads)", value)


def _path(path: Any) -> str | bytes:
    """``path`` as :func:`open` takes it: an error naming ``path`` for anything but a file path (review 108:
    ``save(None)`` raised Python's bare "expected str, bytes or os.PathLike object"; ``save(0)`` would have
    opened file descriptor 0 had it got that far), and for an empty one (review 122: ``save('')`` raised a bare
    "[Errno 2] No such file or directory: ''")."""
    if not isinstance(path, (str, bytes, os.PathLike)):
        V.fail("path", "a file path: a str, bytes or an os.PathLike such as pathlib.Path", path, TypeError)
    where = os.fspath(path)
    if not where:
        V.fail("path", "a file path, not empty", path)
    return where


#: the suffixes of figures (what matplotlib's ``savefig`` writes): ``save("lr_find.png")`` wrote JSON into a
#: file named as a picture, without a word (review 117)
_FIGURE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".svg", ".svgz", ".pdf", ".eps", ".ps", ".tif", ".tiff", ".webp", ".gif"}
)
#: the one suffix :func:`save_json` writes under (any case): review 122 found JSON written without a word
#: under ``.csv``, ``.gz``, ``.pt``, ``.pkl``, ``.npz`` and ``.html`` names, which tell a person or a program
#: that the file holds another format (a spreadsheet, compressed data, a pickle)
JSON_SUFFIX = ".json"


def _os_error(exc: OSError, path: str, why: str) -> OSError:
    """``exc`` (what :func:`open` raised for ``path``) again, with ``why`` it failed added to its text, in
    Python's own form for an OSError: ``errno``, ``strerror`` and ``filename`` set, its message
    ``[Errno <errno>] <strerror>: <filename>`` (review 122: the errors kept the errno alone)."""
    return type(exc)(exc.errno, f"{exc.strerror} ({why})", path)


def _tilde(path: str) -> str | None:
    """What to say of a path whose first folder, ``~`` (or ``~user``), is not there (None for another path):
    Python's :func:`open`, and so ``save`` and ``load``, do not expand it to a home folder (review 122: the
    advice to ``os.makedirs('~/runs')`` made a folder named ``~`` in the working directory)."""
    first = path.replace(os.sep, "/").split("/")[0]
    if not first.startswith("~") or os.path.exists(first):
        return None
    return f"{first!r} is not expanded to a home folder, as open() does not expand it: give os.path.expanduser(path)"


def save_json(data: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """Write ``data`` as strict JSON (no NaN constants) to ``path``, a file whose name ends in ``.json`` (any
    case; another suffix, or none, is refused: a ValueError naming it). Folders are not made, and ``~`` is not
    expanded (as :func:`open` does neither); a folder that is not there, a path that is a folder, or another
    error of :func:`open` is its OSError in Python's form (``errno``, ``strerror`` and ``filename`` set), its
    text saying why."""
    where = _path(path)
    name = os.fsdecode(where)
    if os.path.isdir(name):
        raise _os_error(
            IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)),
            name,
            "save writes a file: give a file's path in that folder, e.g. os.path.join(path, 'lr_find.json')",
        )
    stem, suffix = os.path.splitext(name)
    if suffix.lower() != JSON_SUFFIX:
        stem = os.path.basename(stem)
        instead = (
            stem if stem.lower().endswith(JSON_SUFFIX) else stem + JSON_SUFFIX
        )  # lr_find.json.gz: lr_find.json
        figure = "; for a figure, result.plot().savefig(path)" if suffix.lower() in _FIGURE_SUFFIXES else ""
        V.fail(
            "path",
            f"a JSON file's path, ending in .json (save writes the result as JSON{figure}; e.g. {instead!r})",
            path,
        )
    try:
        f = open(where, "w", encoding="utf-8")  # noqa: SIM115 - closed by the with below
    except (FileNotFoundError, NotADirectoryError) as exc:
        why = _no_folder(name)
        if why is None:
            raise
        raise _os_error(exc, name, why) from None
    with f:
        json.dump(data, f, indent=1, allow_nan=False)
        f.write("\n")


def _no_folder(path: str) -> str | None:
    """Why ``path`` cannot be written: the folder of it that is missing or is a file (review 118:
    ``save("nodir/mom.json")`` raised a bare FileNotFoundError), a ``~`` that is not expanded (review 122); None
    when its folder is there."""
    folder = os.path.dirname(path)
    if not folder or os.path.isdir(folder):
        return None
    tilde = _tilde(path)
    if tilde is not None:
        return tilde
    # the first folder of the path that is not there (or is a file): the one to make
    first = folder
    while os.path.dirname(first) not in ("", first) and not os.path.isdir(os.path.dirname(first)):
        first = os.path.dirname(first)
    if os.path.exists(first):
        return f"{first!r} is a file, not a folder; give a path in a folder"
    return (
        f"the folder {first!r} does not exist; save makes no folders: create it first, e.g. "
        f"os.makedirs({folder!r}, exist_ok=True)"
    )


def load_json(path: str | os.PathLike[str]) -> Any:
    """Read the JSON file at ``path`` (any name: files written under another suffix before ``save`` refused
    one still load; ``~`` is not expanded, as in :func:`save_json`); a file that is not JSON is a ValueError
    naming it, a folder or a missing file its OSError in Python's form, its text saying why."""
    where = _path(path)
    name = os.fsdecode(where)
    try:
        with open(where, encoding="utf-8") as f:
            return json.load(f)
    except IsADirectoryError as exc:
        raise _os_error(
            exc, name, "load reads the file save() wrote: give its path, not its folder's"
        ) from None
    except FileNotFoundError as exc:
        why = _tilde(name)
        if why is None:
            raise
        raise _os_error(exc, name, why) from None
    except ValueError as exc:  # json.JSONDecodeError, UnicodeDecodeError (a binary file such as a figure)
        raise ValueError(
            f"path={name!r} is not a JSON file written by save() ({type(exc).__name__}: {exc})"
        ) from exc


class SweepResult:
    """The base of the sweep results: one entry per optimizer step in ``lrs``, ``losses`` and ``momentums``
    (those of the param group with the largest LR), the bias-corrected EMA ``smoothed`` of the losses, and how the sweep ran.

    Subclasses are frozen dataclasses holding these fields; they call :meth:`_check` from
    ``__post_init__`` and say in :attr:`param` what they swept.
    """

    #: what the sweep varied: ``"lr"`` or ``"momentum"`` (the JSON files' ``"param"``)
    param: ClassVar[str] = ""
    #: whether ``momentums`` may hold None (an optimizer without momentum)
    _optional_momentums: ClassVar[bool] = True
    _types: ClassVar[dict[str, type[SweepResult]]] = {}
    #: the keys of this type's :meth:`to_dict` besides the shared ones, each optional
    _more_keys: ClassVar[tuple[str, ...]] = ()

    lrs: tuple[float, ...]
    losses: tuple[float, ...]
    momentums: tuple[float | None, ...]
    mode: str
    smoothing: float
    num_steps: int | None
    stop_reason: str
    val_loss: bool
    smoothed: tuple[float, ...]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.param and cls.param not in SweepResult._types:
            SweepResult._types[cls.param] = cls

    def _check(self) -> None:
        """Check and normalize the shared fields, then compute ``smoothed``."""
        set_ = object.__setattr__
        set_(self, "lrs", _points("lrs", self.lrs))
        set_(self, "losses", _points("losses", self.losses))
        set_(self, "momentums", _points("momentums", self.momentums, optional=self._optional_momentums))
        if not len(self.lrs) == len(self.losses) == len(self.momentums):
            raise ValueError(
                f"lrs, losses and momentums must have one entry per step each, got lengths "
                f"{len(self.lrs)}, {len(self.losses)} and {len(self.momentums)}"
            )
        V.one_of("mode", self.mode, MODES)
        V.one_of("stop_reason", self.stop_reason, STOPS)
        set_(
            self, "smoothing", V.in_range("smoothing", self.smoothing, 0.0, 1.0, lo_open=False, hi_open=True)
        )
        recorded = len(self.lrs)
        if self.num_steps is None:
            set_(self, "num_steps", recorded)
        else:
            set_(self, "num_steps", V.integer("num_steps", self.num_steps, recorded, " (the recorded steps)"))
        set_(self, "val_loss", V.boolean("val_loss", self.val_loss))
        set_(self, "smoothed", tuple(_rules.ema(self.losses, self.smoothing).tolist()))

    # --- shared reading ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.losses)

    def with_smoothing(self: R, smoothing: float) -> R:
        """The same curve smoothed with another EMA factor (the raw losses are kept, so this is exact).

        Example:
            >>> from lightning_lr.tuner import RangeTestResult
            >>> r = RangeTestResult([1e-3, 1e-2, 1e-1], [2.0, 1.0, 3.0], [None] * 3)
            >>> r.with_smoothing(0.0).smoothed
            (2.0, 1.0, 3.0)
        """
        return dataclasses.replace(self, smoothing=smoothing)  # type: ignore[type-var]

    def _title(self, name: str) -> str:
        """A figure's title: the sweep's name, its weight decay and why it stopped early."""
        weight_decay = self._weight_decay()
        if weight_decay is not None:
            name += f" (weight_decay={weight_decay:g})"
        if self.stop_reason != "completed":
            name += f", {self._stop()}"
        return name

    def _stop(self) -> str:
        """Why and where the sweep stopped early; at its last step too, where it stopped nothing (before:
        "stopped: diverged after 100 of 100"). Steps count from 0, as the warnings and the logged steps do
        (review 56: the title said step 70 where the NaN warning and TensorBoard said 69)."""
        return f"{self.stop_reason} at step {len(self) - 1} of {self.num_steps}"

    def _y_label(self) -> str:
        return "validation loss" if self.val_loss else "training loss"

    def _repr_parts(self, xs: Sequence[float | None]) -> list[str]:
        """The repr's parts up to the suggestion: steps, the swept span, how it stopped."""
        n = len(self)
        known = [v for v in xs if v is not None]
        span = f"{self.param} {fmt(min(known))}..{fmt(max(known))}" if known else f"{self.param} -"
        parts = [V.counted(n, "step"), f"{span} ({self.mode})"]
        if self.stop_reason != "completed":
            parts.append(self._stop())
        if self.val_loss:
            parts.append("val_loss")
        weight_decay = self._weight_decay()
        if weight_decay is not None:
            parts.append(f"weight_decay={weight_decay:g}")
        return parts

    def _weight_decay(self) -> float | None:
        """The weight decay of the sweep, when it was one of several (only LR sweeps have one)."""
        return None

    # --- what every result type answers -----------------------------------------------------------
    def suggestion(self, method: str | None = None) -> float | None:
        """The suggested value by rule ``method`` (None: the type's default rule), or None with a warning."""
        raise NotImplementedError  # pragma: no cover - every concrete result defines it

    def suggestions(self) -> dict[str, float | None]:
        """Every rule's suggestion, without warnings."""
        raise NotImplementedError  # pragma: no cover - every concrete result defines it

    def _pick(self, method: str | None) -> tuple[float | None, str]:
        """The answer of ``method`` and, where there is none, why; an error for a method this result has no
        rule of."""
        raise NotImplementedError  # pragma: no cover - every concrete result defines it

    def plot(self, suggest: bool = True, method: str | None = None, ax: Any = None, raw: bool = True) -> Any:
        """The loss against the swept value; returns the matplotlib Figure."""
        raise NotImplementedError  # pragma: no cover - every concrete result defines it

    def _check_plot(self, suggest: Any, method: Any, ax: Any, raw: Any) -> None:
        """An error naming a wrong argument of :meth:`plot` (a ``method`` this result has no rule of
        included, also with ``suggest=False``, which then marks nothing: review 77)."""
        V.boolean("suggest", suggest)
        V.boolean("raw", raw)
        if method is not None:
            self._pick(method)
            if not suggest:
                raise ValueError(
                    f"method={method!r} is given with suggest=False, which marks no answer; pass suggest=True "
                    f"to mark {method!r}'s, or leave method out"
                )
        if ax is not None and not (hasattr(ax, "plot") and hasattr(ax, "figure")):
            V.fail("ax", "a matplotlib Axes to draw into, or None for a new figure", ax, TypeError)

    # --- files ------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (NaN and inf as the strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"``).

        Example:
            >>> from lightning_lr.tuner import RangeTestResult
            >>> r = RangeTestResult([1e-3, 1e-2], [2.0, float("nan")], [0.9, 0.9], stop_reason="non-finite loss")
            >>> RangeTestResult.from_dict(r.to_dict()) == r
            True
        """
        return {
            "format": FORMAT,
            "kind": "RangeTestResult",
            "param": self.param,
            "mode": self.mode,
            "smoothing": self.smoothing,
            "num_steps": self.num_steps,
            "stop_reason": self.stop_reason,
            "val_loss": self.val_loss,
            "weight_decay": self._weight_decay(),
            "lrs": [_json_float(v) for v in self.lrs],
            "losses": [_json_float(v) for v in self.losses],
            "smoothed": [_json_float(v) for v in self.smoothed],
            "momentums": [_json_float(v) for v in self.momentums],
        }

    @classmethod
    def from_dict(cls: type[R], data: Mapping[str, Any]) -> R:
        """The result written by :meth:`to_dict`, of the type its ``param`` names; an error if that is not this
        class. Every field gets the constructor's checks; a key :meth:`to_dict` does not write is refused, by
        name (``val_loss``, ``weight_decay`` and ``smoothed`` may be left out; ``smoothed`` is recomputed from
        the raw losses and, when given, must match it). A range test's ``confirmation`` must agree with itself
        as the test wrote it (each finite score the score of its candidate's losses, the chosen candidate the
        one of lowest score, a reason exactly when none is chosen): a file edited there is refused. An edit
        nothing else in the file can check (another ``reason`` or ``optimizer``, a removed ``confirmation``)
        loads as written."""
        check_kind(data, "RangeTestResult", cls.__name__)
        check_format(data, "RangeTestResult")
        if "param" not in data:
            raise ValueError("RangeTestResult dict is missing ['param']")
        kind = SweepResult._types[V.one_of("param", data["param"], SweepResult._types)]
        if not issubclass(kind, cls):
            raise ValueError(
                f"this dict holds a {kind.__name__} (param={data['param']!r}), not a {cls.__name__}; read it "
                f"with {kind.__name__}.from_dict or {kind.__name__}.load"
            )
        V.keys("RangeTestResult", data, _KEYS, (*_OPTIONAL_KEYS, *kind._more_keys))
        result = kind._from_fields(data)
        if "smoothed" in data:
            result._check_smoothed(data["smoothed"])
        return result  # type: ignore[return-value]

    def _check_smoothed(self, written: Any) -> None:
        """An error unless ``written`` is this result's ``smoothed``, up to the rounding of a store that keeps
        fewer digits (the benchmarks' keep 6): ``smoothed`` is recomputed from the losses, and a ``smoothed``
        that says otherwise was edited, or written for other losses (review 108: it was ignored)."""
        values = _points("smoothed", written)
        finite = [abs(v) for v in self.losses if math.isfinite(v)]
        scale = max(finite, default=0.0)
        where = (
            f"{V.counted(len(values), 'value')} for {V.counted(len(self.smoothed), 'loss', 'losses')}"
            if len(values) != len(self)
            else ""
        )
        for i, (got, own) in enumerate(zip(values, self.smoothed, strict=False)):
            alike = math.isnan(got) and math.isnan(own)
            if not (
                where
                or alike
                or math.isclose(got, own, rel_tol=V.WRITTEN_TOLERANCE, abs_tol=V.WRITTEN_TOLERANCE * scale)
            ):
                where = f"step {i}: {got!r} where the losses give {own!r}"
                bad = next((k for k, x in enumerate(self.losses[: i + 1]) if not math.isfinite(x)), None)
                if math.isnan(own) and bad is not None:  # (r196: said as a mismatch of smoothed alone)
                    where += f", as losses[{bad}] is {self.losses[bad]!r} and the EMA is NaN from there on"
        if where:
            raise ValueError(
                f"smoothed must be the EMA of losses with smoothing={self.smoothing!r} ({where}; from_dict "
                f"recomputes it: leave it out, or keep it as to_dict wrote it), got {short(written)}"
            )

    @classmethod
    def _from_fields(cls, data: Mapping[str, Any]) -> SweepResult:
        """The result of this type from a checked :meth:`to_dict` dict."""
        raise NotImplementedError  # pragma: no cover - every concrete result defines it

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the result as JSON to ``path``, a file whose name ends in ``.json``. No folder is made, and
        ``~`` is not expanded (as :func:`open` does neither: give ``os.path.expanduser(path)``)."""
        save_json(self.to_dict(), path)

    @classmethod
    def load(cls: type[R], path: str | os.PathLike[str]) -> R:
        """Read a result written by :meth:`save`."""
        return cls.from_dict(load_json(path))

    # --- value semantics ------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SweepResult):
            return NotImplemented
        return json.dumps(self.to_dict(), sort_keys=True) == json.dumps(other.to_dict(), sort_keys=True)

    __hash__ = None  # type: ignore[assignment]
