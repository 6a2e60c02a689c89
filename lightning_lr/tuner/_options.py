"""The options of a range test, validated once for both entry points (Tuner method and callback)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..schedules import Constant, ExponentialDecay, Linear, Schedule
from ._rules import DEFAULT_METHOD, METHODS, MIN_POINTS

__all__ = ["Options"]

MODES = ("exponential", "linear")


def _real(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return v


def _positive(name: str, value: Any) -> float:
    v = _real(name, value)
    if v <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return v


def _int_at_least(name: str, value: Any, low: int, why: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {low}{why}, got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be an integer >= {low}{why}, got {value!r}")
    return int(value)


def _choice(name: str, value: Any, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}, got {value!r}")
    return value


def _flag(name: str, value: Any, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, bool):
        allowed = "True, False or None" if optional else "True or False"
        raise TypeError(f"{name} must be {allowed}, got {value!r}")
    return value


@dataclass(frozen=True)
class Options:
    """Validated range-test options. ``param`` says what is swept: ``"lr"`` from ``start`` to ``end``
    (``min_lr`` to ``max_lr``), or ``"momentum"`` from ``start`` to ``end`` at the fixed LR ``lr``
    (None: the optimizer's own)."""

    start: float
    end: float
    num_steps: int = 100
    mode: str = "exponential"
    smoothing: float = 0.98
    early_stop_threshold: float | None = 4.0
    val_loss: bool = False
    val_batches: int = 5
    val_key: str = "val_loss"
    method: str = DEFAULT_METHOD
    weight_decays: tuple[float, ...] | None = None
    apply: bool = True
    attr_name: str | None = None
    progress_bar: bool | None = None
    log: bool = True
    param: str = "lr"
    lr: float | None = None

    @classmethod
    def for_lr(cls, min_lr: Any, max_lr: Any, **kwargs: Any) -> Options:
        min_lr = _positive("min_lr", min_lr)
        max_lr = _positive("max_lr", max_lr)
        if min_lr >= max_lr:
            raise ValueError(f"min_lr must be < max_lr, got min_lr={min_lr!r} and max_lr={max_lr!r}")
        return cls(start=min_lr, end=max_lr, param="lr", **_common(**kwargs))

    @classmethod
    def for_momentum(cls, min_momentum: Any, max_momentum: Any, lr: Any, **kwargs: Any) -> Options:
        lo = _real("min_momentum", min_momentum)
        hi = _real("max_momentum", max_momentum)
        for name, v, raw in (("min_momentum", lo, min_momentum), ("max_momentum", hi, max_momentum)):
            if not 0.0 <= v < 1.0:
                raise ValueError(f"{name} must be in [0, 1), got {raw!r}")
        if lo >= hi:
            raise ValueError(
                f"min_momentum must be < max_momentum, got min_momentum={min_momentum!r} and "
                f"max_momentum={max_momentum!r}"
            )
        fixed = None if lr is None else _positive("lr", lr)
        return cls(start=lo, end=hi, param="momentum", lr=fixed, **_common(**kwargs))

    def schedule(self) -> Schedule:
        """The swept value as a pure schedule of the sweep step: ``start`` at step 0, ``end`` at the last."""
        last = self.num_steps - 1
        if self.mode == "linear":
            return Linear(self.start, self.end, total=last)
        return ExponentialDecay(self.start, gamma=(self.end / self.start) ** (1.0 / last))

    def fixed_lr(self) -> Schedule | None:
        return None if self.lr is None else Constant(self.lr)


def _common(
    num_steps: Any = 100,
    mode: Any = "exponential",
    smoothing: Any = 0.98,
    early_stop_threshold: Any = 4.0,
    val_loss: Any = False,
    val_batches: Any = 5,
    val_key: Any = "val_loss",
    method: Any = DEFAULT_METHOD,
    weight_decays: Any = None,
    apply: Any = True,
    attr_name: Any = None,
    progress_bar: Any = None,
    log: Any = True,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["num_steps"] = _int_at_least(
        "num_steps", num_steps, MIN_POINTS, f" (the suggestion rules need at least {MIN_POINTS} points)"
    )
    out["mode"] = _choice("mode", mode, MODES)
    s = _real("smoothing", smoothing)
    if not 0.0 <= s < 1.0:
        raise ValueError(f"smoothing must be in [0, 1) (0: no smoothing), got {smoothing!r}")
    out["smoothing"] = s
    if early_stop_threshold is None:
        out["early_stop_threshold"] = None
    else:
        t = _real("early_stop_threshold", early_stop_threshold)
        if t <= 1.0:
            raise ValueError(
                f"early_stop_threshold must be > 1 (stop when the smoothed loss exceeds that many times its "
                f"best) or None (never stop early), got {early_stop_threshold!r}"
            )
        out["early_stop_threshold"] = t
    out["val_loss"] = _flag("val_loss", val_loss)
    out["val_batches"] = _int_at_least("val_batches", val_batches, 1)
    if not isinstance(val_key, str) or not val_key:
        raise TypeError(
            f"val_key must be a non-empty string (the name validation_step logs), got {val_key!r}"
        )
    out["val_key"] = val_key
    out["method"] = _choice("method", method, METHODS)
    if weight_decays is not None:
        if isinstance(weight_decays, (str, bytes)) or not isinstance(weight_decays, Sequence):
            raise TypeError(
                f"weight_decays must be a sequence of numbers >= 0 or None, got {weight_decays!r}"
            )
        if not weight_decays:
            raise ValueError(
                "weight_decays must hold at least one value (or be None for a single sweep), got []"
            )
        wds = []
        for i, w in enumerate(weight_decays):
            v = _real(f"weight_decays[{i}]", w)
            if v < 0:
                raise ValueError(f"weight_decays[{i}] must be >= 0, got {w!r}")
            wds.append(v)
        if len(set(wds)) != len(wds):
            raise ValueError(f"weight_decays must not repeat a value, got {list(weight_decays)!r}")
        out["weight_decays"] = tuple(wds)
    out["apply"] = _flag("apply", apply)
    if attr_name is not None and (not isinstance(attr_name, str) or not attr_name):
        raise TypeError(
            f"attr_name must be a non-empty string or None (find 'lr' or 'learning_rate'), got {attr_name!r}"
        )
    out["attr_name"] = attr_name
    out["progress_bar"] = _flag("progress_bar", progress_bar, optional=True)
    out["log"] = _flag("log", log)
    return out
