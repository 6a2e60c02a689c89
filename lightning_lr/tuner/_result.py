"""The outcome of a range test: the curve, the suggestion rules applied to it, figures and JSON files.

No torch and no Lightning here: a result is plain numbers, so it can be saved, loaded on a laptop,
compared across runs and fed to the suggestion benchmark without a model.
"""

from __future__ import annotations

import dataclasses
import json
import math
import numbers
import os
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import _rules
from ._rules import DEFAULT_METHOD, METHODS

__all__ = ["RangeTestResult", "WeightDecayResult"]

_FORMAT = 1
_MODES = ("exponential", "linear")
_PARAMS = ("lr", "momentum")
_STOPS = ("completed", "diverged", "non-finite loss")


def _floats(name: str, values: Iterable[Any], optional: bool = False) -> tuple[Any, ...]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a sequence of numbers, got {values!r}")
    out: list[float | None] = []
    for i, v in enumerate(values):
        if v is None and optional:
            out.append(None)
        elif isinstance(v, str) and v in ("NaN", "Infinity", "-Infinity"):
            out.append(float(v.replace("Infinity", "inf")))
        elif isinstance(v, bool) or not isinstance(v, numbers.Real):
            allowed = "a number or None" if optional else "a number"
            raise TypeError(f"{name}[{i}] must be {allowed}, got {v!r}")
        else:
            out.append(float(v))
    return tuple(out)


def _json_float(v: float | None) -> float | str | None:
    if v is None or math.isfinite(v):
        return v
    return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")


def _fmt(v: float | None) -> str:
    return "None" if v is None else f"{v:.3g}"


@dataclass(frozen=True, eq=False, repr=False)
class RangeTestResult:
    """The curve of one range test and the rules that read it.

    One entry per optimizer step in each of ``lrs``, ``losses`` (raw; under DDP the mean over ranks),
    ``smoothed`` (bias-corrected EMA of ``losses`` with factor ``smoothing``) and ``momentums`` (the
    momentum or Adam beta1 of param group 0 at that step, None for optimizers without one). ``lrs`` are
    those of param group 0; other groups were swept in proportion. If the loss became NaN/inf, that point
    is the last one and the rules use the points before it.

    Args:
        lrs: learning rate of param group 0 at each step.
        losses: raw loss at each step (the validation loss when ``val_loss`` is True).
        momentums: momentum / beta1 at each step, or None entries.
        mode: ``"exponential"`` or ``"linear"``: how the swept value grew.
        smoothing: EMA factor in [0, 1) used for ``smoothed``.
        param: ``"lr"`` for an LR sweep, ``"momentum"`` for a momentum sweep (fixed LR).
        num_steps: the steps the sweep was asked for (more than ``len(lrs)`` when it stopped early).
        stop_reason: ``"completed"``, ``"diverged"`` (smoothed loss above the early-stop threshold) or
            ``"non-finite loss"``.
        val_loss: whether ``losses`` are validation losses (Smith's mode).
        weight_decay: the weight decay of the sweep, when it was one of several (``weight_decays=[...]``).

    Example:
        >>> import numpy as np
        >>> lrs = np.logspace(-5, 0, 30)
        >>> losses = 2.0 - 1.5 / (1 + np.exp(-(np.log10(lrs) + 2.5) * 4)) + np.exp(np.log10(lrs) * 3)
        >>> r = RangeTestResult(lrs, losses, [0.9] * 30, smoothing=0.0)
        >>> 1e-4 < r.suggestion() < 1e-1
        True
        >>> r.suggestion("minimum") == r.lrs[int(np.argmin(r.smoothed))] / 10
        True
        >>> base, top = r.cyclic_bounds()
        >>> top / base
        4.0
    """

    lrs: tuple[float, ...]
    losses: tuple[float, ...]
    momentums: tuple[float | None, ...]
    mode: str = "exponential"
    smoothing: float = 0.98
    param: str = "lr"
    num_steps: int | None = None
    stop_reason: str = "completed"
    val_loss: bool = False
    weight_decay: float | None = None
    smoothed: tuple[float, ...] = field(init=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "lrs", _floats("lrs", self.lrs))
        set_(self, "losses", _floats("losses", self.losses))
        set_(self, "momentums", _floats("momentums", self.momentums, optional=True))
        if not len(self.lrs) == len(self.losses) == len(self.momentums):
            raise ValueError(
                f"lrs, losses and momentums must have one entry per step each, got lengths "
                f"{len(self.lrs)}, {len(self.losses)} and {len(self.momentums)}"
            )
        if self.mode not in _MODES:
            raise ValueError(f"mode must be one of {_MODES}, got {self.mode!r}")
        if self.param not in _PARAMS:
            raise ValueError(f"param must be one of {_PARAMS}, got {self.param!r}")
        if self.stop_reason not in _STOPS:
            raise ValueError(f"stop_reason must be one of {_STOPS}, got {self.stop_reason!r}")
        if isinstance(self.smoothing, bool) or not isinstance(self.smoothing, numbers.Real):
            raise TypeError(f"smoothing must be a number in [0, 1), got {self.smoothing!r}")
        if self.num_steps is None:
            set_(self, "num_steps", len(self.lrs))
        elif isinstance(self.num_steps, bool) or not isinstance(self.num_steps, numbers.Integral):
            raise TypeError(f"num_steps must be an integer, got {self.num_steps!r}")
        elif self.num_steps < len(self.lrs):
            raise ValueError(f"num_steps ({self.num_steps}) is less than the {len(self.lrs)} recorded steps")
        set_(self, "smoothing", float(self.smoothing))
        set_(self, "smoothed", tuple(_rules.ema(self.losses, self.smoothing).tolist()))
        if self.weight_decay is not None:
            set_(self, "weight_decay", float(self.weight_decay))

    # --- rules ----------------------------------------------------------------------------------
    @property
    def _x(self) -> tuple[float | None, ...]:
        return self.momentums if self.param == "momentum" else self.lrs

    def _pick(self, method: str | None) -> tuple[float | None, str]:
        if self.param == "momentum":
            if method not in (None, "minimum"):
                raise ValueError(
                    f"a momentum sweep has one rule, method='minimum' (the momentum of lowest loss), got {method!r}"
                )
            moms = [float("nan") if m is None else m for m in self.momentums]
            y = np.asarray(self.smoothed)
            finite = np.isfinite(y) & np.isfinite(moms)
            n = int(np.argmin(finite)) if not finite.all() else len(y)
            if n == 0:
                return None, "no finite loss was recorded"
            return float(moms[int(np.argmin(y[:n]))]), ""
        method = DEFAULT_METHOD if method is None else method
        p = _rules.pick(method, self.lrs, self.losses)
        if p.index is None:
            return None, p.reason
        lr = self.lrs[p.index]
        return (lr / 10.0 if method == "minimum" else lr), ""

    def suggestion(self, method: str | None = None) -> float | None:
        """The suggested learning rate by rule ``method``, or None (with a warning that says why).

        Rules, all on the finite part of the raw losses over log LR, read through a centred moving
        average of a quarter decade each side (``_rules.zero_lag``; it has no lag, unlike ``smoothed``):

        - ``"valley"``: the middle of the longest valley (longest decreasing run, bumps allowed) in the
          descent, the stretch before the minimum that has fallen 10% of the drop.
        - ``"steepest"``: the steepest descent, searched in that stretch.
        - ``"minimum"``: a tenth of the LR of lowest loss.
        - ``"slide"``: fastai's sliding window, made independent of the loss's scale.

        None (the default) is ``"minimum"`` (``DEFAULT_METHOD``), the rule that wins the suggestion-quality
        benchmark (``benchmarks/range_test_quality.py``). For a momentum sweep the only rule is
        ``"minimum"``: the momentum of lowest smoothed loss.

        Example:
            >>> r = RangeTestResult([1e-4, 1e-3, 1e-2, 1e-1, 1.0], [3.0] * 5, [None] * 5)
            >>> import warnings
            >>> with warnings.catch_warnings(record=True) as caught:
            ...     warnings.simplefilter("always")
            ...     print(r.suggestion())
            None
            >>> "never fell" in str(caught[0].message)
            True
        """
        value, reason = self._pick(method)
        if value is None:
            name = DEFAULT_METHOD if method is None else method
            warnings.warn(
                f"no {self.param} suggestion (method={name!r}): {reason}", UserWarning, stacklevel=2
            )
        return value

    def suggestions(self) -> dict[str, float | None]:
        """Every rule's suggestion, without warnings (None where a rule has no answer).

        Example:
            >>> r = RangeTestResult([1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.5, 1.0, 1.2, 5.0], [None] * 5, smoothing=0)
            >>> r.suggestions()["minimum"]
            0.01
        """
        if self.param == "momentum":
            return {"minimum": self._pick(None)[0]}
        return {m: self._pick(m)[0] for m in METHODS}

    def one_cycle_max_lr(self) -> float | None:
        """The maximum LR for the 1cycle policy: where the loss still falls.

        Smith (2018) takes the largest LR at which the loss still decreases. On the smoothed curve that is
        the knee: the first LR where the smoothed loss has completed 90% of its drop to the minimum (the
        EMA lags the raw loss, so the smoothed minimum itself sits where the raw loss already rises).
        None, with a warning, when the loss never fell.

        Example:
            >>> r = RangeTestResult([1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.9, 1.2, 1.05, 1.0, 4.0],
            ...                     [None] * 6, smoothing=0)
            >>> r.one_cycle_max_lr()
            0.1
        """
        self._lr_only("one_cycle_max_lr")
        p = _rules.knee(self.lrs, self.smoothed)
        if p.index is None:
            warnings.warn(f"no one_cycle_max_lr: {p.reason}", UserWarning, stacklevel=2)
            return None
        return self.lrs[p.index]

    def cyclic_bounds(self, ratio: float = 4.0) -> tuple[float, float] | None:
        """``(base_lr, max_lr)`` for a cyclical LR: ``max_lr = one_cycle_max_lr()``, ``base_lr = max_lr / ratio``.

        Smith (2017) bounds the cycle by where the loss starts to fall and where it stops falling, and
        recommends ``base_lr`` = 1/3 to 1/4 of ``max_lr``. The LR where the loss starts to fall is usually
        orders of magnitude lower, and a cycle that wide spends most of its time at LRs that barely train,
        so the upper bound comes from the curve (the knee, as for 1cycle) and the lower from the ratio.

        Args:
            ratio: ``max_lr / base_lr``, > 1 (Smith: 3 to 4).

        Example:
            >>> r = RangeTestResult([1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.9, 1.2, 1.05, 1.0, 4.0],
            ...                     [None] * 6, smoothing=0)
            >>> r.cyclic_bounds(ratio=4)
            (0.025, 0.1)
        """
        self._lr_only("cyclic_bounds")
        if isinstance(ratio, bool) or not isinstance(ratio, numbers.Real) or not ratio > 1:
            raise ValueError(f"ratio must be a number > 1 (max_lr / base_lr), got {ratio!r}")
        p = _rules.knee(self.lrs, self.smoothed)
        if p.index is None:
            warnings.warn(f"no cyclic_bounds: {p.reason}", UserWarning, stacklevel=2)
            return None
        top = self.lrs[p.index]
        return top / float(ratio), top

    def _lr_only(self, what: str) -> None:
        if self.param != "lr":
            raise ValueError(f"{what}() needs an LR sweep; this result swept {self.param}")

    def with_smoothing(self, smoothing: float) -> RangeTestResult:
        """The same curve smoothed with another EMA factor (the raw losses are kept, so this is exact).

        Example:
            >>> r = RangeTestResult([1e-3, 1e-2, 1e-1], [2.0, 1.0, 3.0], [None] * 3)
            >>> r.with_smoothing(0.0).smoothed
            (2.0, 1.0, 3.0)
        """
        return dataclasses.replace(self, smoothing=smoothing)

    # --- figures --------------------------------------------------------------------------------
    def plot(self, suggest: bool = True, method: str | None = None, ax: Any = None, raw: bool = True) -> Any:
        """The loss against the swept value (log x axis in exponential mode), suggestion marked.

        Args:
            suggest: mark the suggestion of ``method`` (and, for LR sweeps, the 1cycle max LR).
            method: the rule to mark (None: the default rule).
            ax: a matplotlib Axes to draw into; a new figure when None.
            raw: also draw the raw losses (faint) under the smoothed curve.

        Returns:
            The matplotlib Figure.

        Example:
            >>> r = RangeTestResult([1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.5, 1.0, 1.2, 5.0], [None] * 5)
            >>> fig = r.plot(suggest=False)
            >>> fig.axes[0].get_xscale()
            'log'
        """
        from ..plotting import range_test_figure

        return range_test_figure(self, suggest=suggest, method=method, ax=ax, raw=raw)

    # --- files ----------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (NaN and inf as the strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"``).

        Example:
            >>> r = RangeTestResult([1e-3, 1e-2], [2.0, float("nan")], [0.9, 0.9], stop_reason="non-finite loss")
            >>> RangeTestResult.from_dict(r.to_dict()) == r
            True
        """
        return {
            "format": _FORMAT,
            "kind": "RangeTestResult",
            "param": self.param,
            "mode": self.mode,
            "smoothing": self.smoothing,
            "num_steps": self.num_steps,
            "stop_reason": self.stop_reason,
            "val_loss": self.val_loss,
            "weight_decay": self.weight_decay,
            "lrs": [_json_float(v) for v in self.lrs],
            "losses": [_json_float(v) for v in self.losses],
            "smoothed": [_json_float(v) for v in self.smoothed],
            "momentums": [_json_float(v) for v in self.momentums],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RangeTestResult:
        """The result written by :meth:`to_dict` (``smoothed`` is recomputed from the raw losses)."""
        if not isinstance(data, Mapping) or data.get("kind") != "RangeTestResult":
            raise ValueError(
                f"not a RangeTestResult dict (its 'kind' must be 'RangeTestResult'): {_short(data)}"
            )
        if data.get("format") != _FORMAT:
            raise ValueError(
                f"unsupported RangeTestResult format {data.get('format')!r}; this version reads {_FORMAT}"
            )
        keys = ("lrs", "losses", "momentums", "mode", "smoothing", "param", "num_steps", "stop_reason")
        missing = [k for k in keys if k not in data]
        if missing:
            raise ValueError(f"RangeTestResult dict is missing {missing}")
        return cls(
            lrs=data["lrs"],
            losses=data["losses"],
            momentums=data["momentums"],
            mode=data["mode"],
            smoothing=data["smoothing"],
            param=data["param"],
            num_steps=data["num_steps"],
            stop_reason=data["stop_reason"],
            val_loss=bool(data.get("val_loss", False)),
            weight_decay=data.get("weight_decay"),
        )

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the result as JSON to ``path``."""
        _save(self.to_dict(), path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> RangeTestResult:
        """Read a result written by :meth:`save`."""
        return cls.from_dict(_load(path))

    # --- value semantics ------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RangeTestResult):
            return NotImplemented
        return json.dumps(self.to_dict(), sort_keys=True) == json.dumps(other.to_dict(), sort_keys=True)

    __hash__ = None  # type: ignore[assignment]

    def __len__(self) -> int:
        return len(self.lrs)

    def __repr__(self) -> str:
        n = len(self.lrs)
        what = "momentum" if self.param == "momentum" else "lr"
        xs = [v for v in self._x if v is not None]
        span = f"{what} {_fmt(min(xs))}..{_fmt(max(xs))}" if xs else f"{what} -"
        parts = [f"{n} steps", f"{span} ({self.mode})"]
        if self.stop_reason != "completed":
            parts.append(f"stopped: {self.stop_reason} after {n} of {self.num_steps}")
        if self.val_loss:
            parts.append("val_loss")
        if self.weight_decay is not None:
            parts.append(f"weight_decay={self.weight_decay:g}")
        if self.param == "momentum":
            parts.append(f"suggestion={_fmt(self._pick(None)[0])}")
        else:
            parts.append(f"suggestion({DEFAULT_METHOD})={_fmt(self._pick(None)[0])}")
        return f"RangeTestResult({', '.join(parts)})"


@dataclass(frozen=True, eq=False, repr=False)
class WeightDecayResult:
    """One LR sweep per weight decay (Smith 2018), from the same starting state.

    ``best`` is the sweep whose smoothed loss reaches the lowest value (a weight decay that lets the loss
    fall lower, or keeps it falling to higher LRs, regularizes the way the data allows). The suggestion
    methods answer for ``best``, so this object can stand wherever a :class:`RangeTestResult` is read.

    Example:
        >>> lrs = [1e-3, 1e-2, 1e-1, 1.0, 10.0]
        >>> a = RangeTestResult(lrs, [2.0, 1.5, 1.0, 1.2, 5.0], [None] * 5, smoothing=0, weight_decay=0.0)
        >>> b = RangeTestResult(lrs, [2.0, 1.4, 0.8, 0.9, 4.0], [None] * 5, smoothing=0, weight_decay=1e-4)
        >>> sweep = WeightDecayResult([a, b])
        >>> sweep.best_weight_decay, sweep.suggestion("minimum")
        (0.0001, 0.01)
    """

    results: tuple[RangeTestResult, ...]

    def __post_init__(self) -> None:
        results = tuple(self.results)
        if not results:
            raise ValueError("results must hold at least one RangeTestResult")
        for i, r in enumerate(results):
            if not isinstance(r, RangeTestResult):
                raise TypeError(f"results[{i}] must be a RangeTestResult, got {type(r).__name__}")
            if r.weight_decay is None:
                raise ValueError(f"results[{i}] has no weight_decay; each sweep must say its weight decay")
        wds = [r.weight_decay for r in results]
        if len(set(wds)) != len(wds):
            raise ValueError(f"each weight decay must appear once, got {wds}")
        object.__setattr__(self, "results", results)

    @property
    def weight_decays(self) -> tuple[float, ...]:
        """The weight decays, in the order they were swept."""
        return tuple(float(r.weight_decay) for r in self.results)  # type: ignore[arg-type]

    def __getitem__(self, weight_decay: float) -> RangeTestResult:
        for r in self.results:
            if r.weight_decay == weight_decay:
                return r
        raise KeyError(f"no sweep with weight_decay={weight_decay!r}; swept {list(self.weight_decays)}")

    @property
    def best(self) -> RangeTestResult:
        """The sweep with the lowest finite smoothed loss (the first one on ties)."""

        def low(r: RangeTestResult) -> float:
            y = np.asarray(r.smoothed)
            y = y[np.isfinite(y)]
            return float(y.min()) if len(y) else math.inf

        return min(self.results, key=low)

    @property
    def best_weight_decay(self) -> float:
        """The weight decay of :attr:`best`."""
        return float(self.best.weight_decay)  # type: ignore[arg-type]

    def suggestion(self, method: str | None = None) -> float | None:
        """``best.suggestion(method)``."""
        return self.best.suggestion(method)

    def one_cycle_max_lr(self) -> float | None:
        """``best.one_cycle_max_lr()``."""
        return self.best.one_cycle_max_lr()

    def cyclic_bounds(self, ratio: float = 4.0) -> tuple[float, float] | None:
        """``best.cyclic_bounds(ratio)``."""
        return self.best.cyclic_bounds(ratio)

    def plot(self, suggest: bool = True, method: str | None = None, ax: Any = None) -> Any:
        """All sweeps' smoothed curves overlaid in one figure (log x axis), each suggestion marked."""
        from ..plotting import weight_decay_figure

        return weight_decay_figure(self, suggest=suggest, method=method, ax=ax)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict holding every sweep's :meth:`RangeTestResult.to_dict`."""
        return {
            "format": _FORMAT,
            "kind": "WeightDecayResult",
            "results": [r.to_dict() for r in self.results],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WeightDecayResult:
        """The result written by :meth:`to_dict`."""
        if not isinstance(data, Mapping) or data.get("kind") != "WeightDecayResult":
            raise ValueError(
                f"not a WeightDecayResult dict (its 'kind' must be 'WeightDecayResult'): {_short(data)}"
            )
        return cls(tuple(RangeTestResult.from_dict(d) for d in data["results"]))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the sweeps as JSON to ``path``."""
        _save(self.to_dict(), path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> WeightDecayResult:
        """Read sweeps written by :meth:`save`."""
        return cls.from_dict(_load(path))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WeightDecayResult):
            return NotImplemented
        return self.results == other.results

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        wds = ", ".join(f"{w:g}" for w in self.weight_decays)
        return (
            f"WeightDecayResult(weight_decays=[{wds}], best={self.best_weight_decay:g}, "
            f"suggestion({DEFAULT_METHOD})={_fmt(self.best._pick(None)[0])})"
        )


def _save(data: dict[str, Any], path: str | os.PathLike[str]) -> None:
    with open(os.fspath(path), "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, allow_nan=False)
        f.write("\n")


def _load(path: str | os.PathLike[str]) -> Any:
    with open(os.fspath(path), encoding="utf-8") as f:
        return json.load(f)


def _short(data: Any) -> str:
    text = repr(data)
    return text if len(text) <= 80 else text[:77] + "..."
