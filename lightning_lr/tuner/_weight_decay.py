"""The result of a weight-decay sweep: one LR range test per weight decay, the best one, their figure."""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _validate as V
from ._confirm import tail_length
from ._curve import FORMAT, check_format, check_kind, fmt, load_json, save_json, short
from ._result import RangeTestResult
from ._rules import search_start

__all__ = ["WeightDecayResult"]


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
        """The sweep with the lowest finite smoothed loss after the first tenth of the steps it was asked for
        (the first one on ties). Within the first tenth the LR is too low for a weight decay to show: every
        sweep's loss there is the same, and its lowest point (a lucky batch) would choose by rounding (review
        88: weight_decay=10 won by 2e-7 of such a tie and was applied, 50x worse on a grid than 0). A sweep
        that stopped within it has nothing else to show (review 89: one that diverged at step 30 of 300 won
        through the tie)."""

        def low(r: RangeTestResult) -> float:
            y = np.asarray(r.smoothed, dtype=np.float64)
            y = y[search_start(len(y), r.num_steps) :]
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

    def suggestions(self) -> dict[str, float | None]:
        """``best.suggestions()``: every answer for the best sweep, without warnings.

        Example:
            >>> lrs = [1e-3, 1e-2, 1e-1, 1.0, 10.0]
            >>> a = RangeTestResult(lrs, [2.0, 1.5, 1.0, 1.2, 5.0], [None] * 5, smoothing=0, weight_decay=0.0)
            >>> WeightDecayResult([a]).suggestions()["minimum"]
            0.01
        """
        return self.best.suggestions()

    @property
    def reason(self) -> str:
        """``best.reason``: why the default answer is None ("" when there is one)."""
        return self.best.reason

    @property
    def confirmation(self) -> Any:
        """``best.confirmation``: the candidates trained for the best sweep (None without)."""
        return self.best.confirmation

    @property
    def cost(self) -> int:
        """The optimizer steps the whole test took: every sweep's and the best one's candidates (each
        sweep's :attr:`RangeTestResult.cost`).

        Example:
            >>> lrs = [1e-3, 1e-2, 1e-1]
            >>> runs = [RangeTestResult(lrs, [2.0, 1.0, 3.0], [None] * 3, weight_decay=w) for w in (0.0, 0.1)]
            >>> WeightDecayResult(runs).cost
            6
        """
        return sum(r.cost for r in self.results)

    def one_cycle_max_lr(self, method: str | None = None, **shape: Any) -> float | None:
        """``best.one_cycle_max_lr(method, **shape)``."""
        return self.best.one_cycle_max_lr(method, **shape)

    def cyclic_bounds(self, ratio: float = 4.0, method: str | None = None) -> tuple[float, float] | None:
        """``best.cyclic_bounds(ratio, method)``."""
        return self.best.cyclic_bounds(ratio, method)

    def plot(self, suggest: bool = True, method: str | None = None, ax: Any = None, raw: bool = False) -> Any:
        """All sweeps' smoothed curves overlaid in one figure (log x axis), each suggestion marked; with
        ``suggest``, the best sweep's confirmation (its candidates in its curve's colour, the answer at its
        score), its 1cycle max LR, and why there is no answer, as :meth:`RangeTestResult.plot` draws them.

        Each curve's legend entry says its weight decay and, with ``suggest``, its suggestion and the rule
        that gave it: only :attr:`best` has a confirmation's candidates, so with ``method=None`` its answer is
        the confirmed one and the others' that of the sweep rule the test applied (``minimum`` unless the
        test named another).

        Args:
            suggest: mark each sweep's suggestion of ``method``.
            method: the answer to mark (None: each sweep's default answer).
            ax: a matplotlib Axes to draw into; a new figure when None.
            raw: also draw each sweep's raw losses, faint in its colour (off by default: several sweeps'
                raw losses overlaid hide the curves).

        Example:
            >>> lrs = [1e-3, 1e-2, 1e-1, 1.0, 10.0]
            >>> runs = [RangeTestResult(lrs, [2.0, 1.5, 1.0, 1.2, 5.0], [None] * 5, weight_decay=w) for w in (0, 1e-4)]
            >>> fig = WeightDecayResult(runs).plot(method="minimum")
            >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
            ['weight_decay=0 (best): suggestion 0.01 (rule: minimum)', 'weight_decay=0.0001: suggestion 0.01 (rule: minimum)', '1cycle max_lr: 0.1']
        """
        from ..plotting import weight_decay_figure

        self.best._check_plot(suggest, method, ax, raw)
        best = self.best_weight_decay
        curves: dict[str, tuple[Any, Any]] = {}
        marks: dict[str, float | None] = {}
        losses: dict[str, Any] = {}
        for r in self.results:
            label = f"weight_decay={r.weight_decay:g}" + (" (best)" if r.weight_decay == best else "")
            if suggest:
                value = r.suggestion(method)
                label += f": suggestion {value:.3g}" if value is not None else ": no suggestion"
                label += f" (rule: {r._rule_name(method)})"
                marks[label] = value
            curves[label] = (r.lrs, r.smoothed)
            losses[label] = r.losses
        first, top = self.results[0], self.best
        conf = top.confirmation if suggest else None
        value = top.suggestion(method) if suggest else None
        best_label = next(label for label, r in zip(curves, self.results, strict=True) if r is top)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (the no-answer warning: said by suggestion() above)
            peak = top.one_cycle_max_lr(method) if suggest else None
        return weight_decay_figure(
            curves,
            marks,
            log_x=first.mode == "exponential",
            y_label=first._y_label(),
            ax=ax,
            raw=losses if raw else None,
            # the best sweep's confirmation, whose answer is the one applied (review 77: not drawn)
            candidates=list(zip(conf.lrs, conf.scores, strict=True))
            if conf is not None and conf.candidates
            else None,
            suggestion_y={best_label: conf.lr_score}
            if conf is not None and conf.lr_score is not None and value is not None and value == conf.lr
            else None,
            candidate_steps=None if conf is None else conf.steps,
            candidate_tail=None if conf is None else tail_length(conf.steps),
            max_lr=peak,
            no_answer=(top._pick(method)[1] or None) if suggest and value is None else None,
            confirmed=best_label,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict holding every sweep's :meth:`RangeTestResult.to_dict`."""
        return {
            "format": FORMAT,
            "kind": "WeightDecayResult",
            "results": [r.to_dict() for r in self.results],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WeightDecayResult:
        """The result written by :meth:`to_dict`."""
        check_kind(data, "WeightDecayResult", cls.__name__)
        if not isinstance(data.get("results"), list):
            raise ValueError(
                f"WeightDecayResult dict needs 'results', a list of the sweeps' dicts, got {short(data.get('results'))}"
            )
        check_format(data, "WeightDecayResult")
        V.keys("WeightDecayResult", data, ("format", "kind", "results"))  # (review 108: others were dropped)
        return cls(tuple(RangeTestResult.from_dict(d) for d in data["results"]))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the sweeps as JSON to ``path``."""
        save_json(self.to_dict(), path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> WeightDecayResult:
        """Read sweeps written by :meth:`save`."""
        return cls.from_dict(load_json(path))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WeightDecayResult):
            return NotImplemented
        return self.results == other.results

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        wds = ", ".join(f"{w:g}" for w in self.weight_decays)
        return (
            f"WeightDecayResult(weight_decays=[{wds}], best={self.best_weight_decay:g}, "
            f"suggestion({self.best._rule_name(None)})={fmt(self.best._pick(None)[0])})"
        )
