"""The result of a weight-decay sweep: one LR range test per weight decay, the weight decay they suggest (if they
tell one apart from the others), their figure."""

from __future__ import annotations

import functools
import math
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import _validate as V
from ._confirm import NOISE_SE, Lowest, lowest_point, tail_length
from ._curve import FORMAT, check_format, check_kind, fmt, load_json, save_json, short
from ._result import PEER_ATTRIBUTES, SUGGESTION_PEERS, RangeTestResult
from ._rules import MIN_POINTS, ZERO_LAG_DECADES

__all__ = ["WeightDecayResult"]


@dataclass(frozen=True)
class _Decision:
    """What the sweeps say of the weight decay (:func:`_decide`): the sweep of the lowest loss, the sweep whose
    answers the result gives, the weight decay suggested (None: the sweeps cannot tell them apart, ``reason``
    says why) and what to say of a suggestion at the edge of the weight decays swept (``edge``)."""

    lowest: int
    chosen: int
    weight_decay: float | None
    reason: str = ""
    edge: str = ""


def _clearly_above(other: Lowest | None, low: Lowest) -> tuple[bool, float]:
    """Whether the lowest point ``other`` of one sweep lies clearly above ``low``, another's, and by how many
    standard errors of their difference: ``NOISE_SE`` or more, each level's standard error that of the mean
    of its window's raw losses (:class:`~._confirm.Lowest`). A sweep without a lowest point (it stopped in
    its first tenth) lies clearly above; equal levels do not, also without noise."""
    if other is None:
        return True, math.inf
    diff = other.level - low.level
    se = math.hypot(other.se, low.se)
    z = diff / se if se > 0 else (math.inf if diff > 0 else 0.0)
    return diff > 0 and z >= NOISE_SE, z


def _decide(results: Sequence[RangeTestResult], configured: float | None) -> _Decision:
    """The weight decay the sweeps suggest, if they tell it apart from the others (see
    :class:`WeightDecayResult`)."""
    points = [lowest_point(r.lrs, r.losses, r.num_steps) for r in results]
    levels = [math.inf if p is None else p.level for p in points]
    low = min(range(len(results)), key=lambda i: (levels[i], i))
    wds = [float(r.weight_decay) for r in results]  # type: ignore[arg-type]
    if len(results) == 1:  # nothing to compare it with: the weight decay asked for
        return _Decision(0, 0, wds[0])
    swept = [
        i for i, w in enumerate(wds) if configured is not None and math.isclose(w, configured, rel_tol=1e-9)
    ]
    kept = swept[0] if swept else low  # the sweep at the weight decay the fit keeps, when it was swept
    at = points[low]
    if at is None:
        return _Decision(
            low,
            kept,
            None,
            f"no sweep has a lowest point to compare after the first tenth of its steps (each stopped within "
            f"it, or has fewer than {MIN_POINTS} finite losses): start lower (min_lr) or take more steps "
            f"(num_steps)",
        )
    if any(p is not None and math.isnan(p.sigma) for p in points):
        return _Decision(
            low,
            kept,
            None,
            f"the sweeps' steps lie more than {ZERO_LAG_DECADES:g} decades of LR apart, so their loss's noise "
            f"cannot be measured (each zero-lag window holds one step) and no difference between their lowest "
            f"losses can be told from it: take more steps (num_steps), or sweep a narrower range (min_lr, max_lr)",
        )
    alike: list[tuple[int, float]] = []  # the sweeps whose lowest loss lies within the noise of the lowest
    for i, point in enumerate(points):
        clear, z = _clearly_above(point, at)
        if i != low and not clear:
            alike.append((i, z))
    if alike:
        them = ", ".join(f"{wds[i]:g} ({points[i].level:.4g})" for i, _ in alike)  # type: ignore[union-attr]
        zs = [z for _, z in alike]
        span = f"{min(zs):.2g}" + ("" if len(zs) == 1 else f" to {max(zs):.2g}")
        lr = results[low].lrs[at.index]
        return _Decision(
            low,
            kept,
            None,
            f"the sweeps cannot tell the weight decays apart: the lowest loss, {at.level:.4g} at "
            f"weight_decay={wds[low]:g} (lr={lr:.3g}), lies within the noise of that of weight_decay={them}: "
            f"{span} standard errors below, {NOISE_SE:g} needed. Keep your weight decay, or take more steps "
            f"(num_steps) or a larger batch, or sweep weight decays further apart",
        )
    return _Decision(low, low, wds[low], edge=_edge(wds, low))


def _edge(wds: Sequence[float], best: int) -> str:
    """What to say when the suggested weight decay ``wds[best]`` is the largest of those swept, or the smallest
    and above 0: the best weight decay may lie beyond it, so it is a bound (as the LR's candidates say of
    their edge: :func:`~._confirm.edge_warning`); "" otherwise."""
    w, lo, hi = wds[best], min(wds), max(wds)
    if w == hi:
        side, change = ("largest", "larger"), "add larger weight decays to weight_decays"
    elif w == lo and w > 0:
        side, change = ("smallest", "smaller"), "add smaller weight decays (or 0) to weight_decays"
    else:
        return ""
    return (
        f"the best weight decay ({w:g}) is the {side[0]} of those swept ({lo:g}..{hi:g}), so a {side[1]} one may "
        f"be better still and the suggestion is a bound; to search {side[1]}, {change}"
    )


@dataclass(frozen=True, eq=False, repr=False)
class WeightDecayResult:
    """One LR sweep per weight decay (Smith 2018), from the same starting state.

    The weight decay suggested, :attr:`best_weight_decay`, is that of :attr:`lowest`, the sweep whose
    zero-lag curve (the raw losses' mean within a quarter decade of each LR, as the LR's answer reads
    them) reaches the lowest loss (a weight decay that lets the loss fall lower, or keeps it falling to
    higher LRs, regularizes the way the data allows), when that loss lies clearly below every other sweep's
    lowest loss: by ``NOISE_SE`` standard errors of their difference, each sweep's from its own per-step
    noise (:func:`~._confirm.lowest_point`). Otherwise the sweeps cannot tell the weight decays apart:
    :attr:`best_weight_decay` is None and :attr:`weight_decay_reason` says why.

    The comparison is not paired, though the sweeps train on the same batches: from the same state on the
    same batches their losses move together step by step, and their difference varies by a millionth of
    what each loss varies (review 123: 1e-6 against 0.03), so a paired test finds differences of 0.1%
    thousands of standard errors apart; those were real on those batches, but their sign flipped with the
    data's seed and with gradient clipping, and 4-epoch trainings at those weight decays did not differ. A
    fit trains on other batches: a difference smaller than what a sweep's batch noise leaves uncertain in
    its own lowest loss is one the sweep cannot measure.

    :attr:`best` is the sweep whose answers this result gives (the suggestion methods answer for it, so this
    object can stand wherever a :class:`RangeTestResult` is read): :attr:`lowest` when it is the best weight
    decay; else the sweep at ``configured_weight_decay``, the weight decay the optimizer had when the test
    ran (the one the fit goes on training with, when nothing is applied), if it was swept, else
    :attr:`lowest`.

    Example:
        >>> import numpy as np
        >>> lrs = np.logspace(-3, 1, 41)  # 10 steps a decade; the loss is lowest at lr=0.1, noise 0.01 a step
        >>> loss = 1 + (np.log10(lrs) + 1) ** 2 / 4 + 0.01 * (-1.0) ** np.arange(41)
        >>> def sweep(wd, shift): return RangeTestResult(lrs, loss + shift, [None] * 41, weight_decay=wd)
        >>> apart = WeightDecayResult([sweep(0.0, 0.0), sweep(1e-4, -0.1)])
        >>> apart.best_weight_decay, f"{apart.suggestion('minimum'):.3g}"
        (0.0001, '0.00794')
        >>> close = WeightDecayResult([sweep(0.0, 0.0), sweep(1e-4, -0.001)], configured_weight_decay=0.0)
        >>> print(close.best_weight_decay, close.best.weight_decay)  # within the noise: the fit keeps its 0
        None 0.0
        >>> close.weight_decay_reason[:46]
        'the sweeps cannot tell the weight decays apart'
    """

    results: tuple[RangeTestResult, ...]
    #: the weight decay of the optimizer's param group with the largest one when the test ran (the value the
    #: sweeps set), None when not known (a result built by hand, or saved before it was recorded)
    configured_weight_decay: float | None = None

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
        object.__setattr__(
            self,
            "configured_weight_decay",
            V.optional(V.non_negative, "configured_weight_decay", self.configured_weight_decay),
        )

    @property
    def weight_decays(self) -> tuple[float, ...]:
        """The weight decays, in the order they were swept."""
        return tuple(float(r.weight_decay) for r in self.results)  # type: ignore[arg-type]

    def __getitem__(self, weight_decay: float) -> RangeTestResult:
        for r in self.results:
            if r.weight_decay == weight_decay:
                return r
        raise KeyError(f"no sweep with weight_decay={weight_decay!r}; swept {list(self.weight_decays)}")

    @functools.cached_property
    def _decision(self) -> _Decision:
        return _decide(self.results, self.configured_weight_decay)

    @property
    def lowest(self) -> RangeTestResult:
        """The sweep whose zero-lag curve reaches the lowest loss after the first tenth of the steps it was
        asked for (the first one on ties), whether or not that lies clearly below the others'
        (:attr:`best_weight_decay`). Within the first tenth the LR is too low for a weight decay to show: every sweep's loss there is the
        same, and its lowest point (a lucky batch) would choose by rounding (review 88: weight_decay=10 won by
        2e-7 of such a tie and was applied, 50x worse on a grid than 0). A sweep that stopped within it, or has
        too few finite losses for the rules, has nothing else to show (review 89: one that diverged at step 30
        of 300 won through the tie). The zero-lag curve, not the smoothed one: the EMA's lag puts its lowest
        point steps after the loss's, where it mixes how low the loss fell with how long it stayed there."""
        return self.results[self._decision.lowest]

    @property
    def best(self) -> RangeTestResult:
        """The sweep whose answers this result gives: :attr:`lowest` when its weight decay is the one suggested
        (:attr:`best_weight_decay`); when the sweeps cannot tell the weight decays apart, the sweep at
        ``configured_weight_decay`` (the weight decay the fit keeps) if it was swept, else :attr:`lowest`."""
        return self.results[self._decision.chosen]

    @property
    def best_weight_decay(self) -> float | None:
        """The weight decay the sweeps suggest: that of :attr:`lowest` when its lowest loss lies clearly below
        every other sweep's (the only one swept, too); None when they cannot tell the weight decays apart
        (:attr:`weight_decay_reason` says why).

        Example:
            >>> import numpy as np
            >>> lrs = np.logspace(-3, 1, 41)
            >>> loss = 1 + (np.log10(lrs) + 1) ** 2 / 4 + 0.01 * (-1.0) ** np.arange(41)
            >>> runs = [RangeTestResult(lrs, loss, [None] * 41, weight_decay=w) for w in (0, 0.1)]
            >>> print(WeightDecayResult(runs).best_weight_decay)  # the same losses: no weight decay is better
            None
        """
        return self._decision.weight_decay

    @property
    def weight_decay_reason(self) -> str:
        """Why :attr:`best_weight_decay` is None and what to change ("" when there is one)."""
        return self._decision.reason

    if not TYPE_CHECKING:  # (a type checker would take every attribute for one that exists)

        def __getattr__(self, name: str) -> Any:
            # (review 183: the peers' result attributes got a bare AttributeError here, as on the result it holds)
            return V.missing_attribute(self, name, PEER_ATTRIBUTES)

    @V.known_as(SUGGESTION_PEERS)
    @V.said_of("suggestion")  # (as RangeTestResult's: it answers with its best sweep's _suggest)
    def suggestion(self, method: str | None = None, *, run_steps: int | None = None) -> float | None:
        """``best.suggestion(method, run_steps=run_steps)``."""
        return self.best._suggest(method, run_steps=run_steps)  # (its warning said at the user's line)

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

    def one_cycle_max_lr(
        self,
        method: str | None = None,
        *,
        pct_start: float = 0.3,
        anneal: str = "cos",
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
    ) -> float | None:
        """``best.one_cycle_max_lr(method, ...)`` (its own arguments, so that a misspelt one is refused here, not
        by :meth:`RangeTestResult.one_cycle_max_lr`: review 146)."""
        return self.best.one_cycle_max_lr(
            method,
            pct_start=pct_start,
            anneal=anneal,
            div_factor=div_factor,
            final_div_factor=final_div_factor,
            three_phase=three_phase,
        )

    def cyclic_bounds(self, ratio: float = 4.0, method: str | None = None) -> tuple[float, float] | None:
        """``best.cyclic_bounds(ratio, method)``."""
        return self.best.cyclic_bounds(ratio, method)

    @V.said_of("plot")
    def plot(self, suggest: bool = True, method: str | None = None, ax: Any = None, raw: bool = False) -> Any:
        """All sweeps' smoothed curves overlaid in one figure (log x axis), each suggestion marked; with
        ``suggest``, the confirmation of :attr:`best` (its candidates in its curve's colour, the answer at its
        score), its 1cycle max LR, why there is no answer, as :meth:`RangeTestResult.plot` draws them, and why
        no weight decay is suggested (:attr:`weight_decay_reason`).

        Each curve's legend entry says its weight decay and, with ``suggest``, its suggestion and the rule
        that gave it: only :attr:`best` has a confirmation's candidates, so with ``method=None`` its answer is
        the confirmed one and the others' that of the sweep rule the test applied (``minimum`` unless the
        test named another). The entry of :attr:`best` says "(best)" when its weight decay is the one
        suggested; else "(yours)", the sweep at the weight decay the optimizer had, or "(lowest)".

        Args:
            suggest: mark each sweep's suggestion of ``method``.
            method: the answer to mark (None: each sweep's default answer).
            ax: a matplotlib Axes to draw into; a new figure when None.
            raw: also draw each sweep's raw losses, faint in its colour (off by default: several sweeps'
                raw losses overlaid hide the curves).

        Example:
            >>> import numpy as np
            >>> lrs = np.logspace(-3, 1, 41)
            >>> loss = 1 + (np.log10(lrs) + 1) ** 2 / 4 + 0.01 * (-1.0) ** np.arange(41)
            >>> runs = [RangeTestResult(lrs, loss + d, [None] * 41, weight_decay=w) for w, d in ((0, 0.0), (1e-4, 0.1))]
            >>> fig = WeightDecayResult(runs).plot(method="minimum")
            >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
            ['weight_decay=0 (best): suggestion 0.00794 (rule: minimum)', 'weight_decay=0.0001: suggestion 0.0126 (rule: minimum)', '1cycle max_lr: 0.0794']
        """
        from ..plotting import weight_decay_figure

        self.best._check_plot(suggest, method, ax, raw)
        first, top = self.results[0], self.best
        if self.best_weight_decay is not None:
            tag = "best"
        else:
            tag = (
                "lowest"
                if top is self.lowest and top.weight_decay != self.configured_weight_decay
                else "yours"
            )
        curves: dict[str, tuple[Any, Any]] = {}
        marks: dict[str, float | None] = {}
        losses: dict[str, Any] = {}
        for r in self.results:
            label = f"weight_decay={r.weight_decay:g}" + (f" ({tag})" if r is top else "")
            if suggest:  # (no warning: the figure writes why there is no answer, review 130)
                value = r._answer(method)[0]  # as suggestion() gives it: scaled for the result's run_steps
                label += f": suggestion {value:.3g}" if value is not None else ": no suggestion"
                moved = (
                    value is not None and value != r._pick(method)[0]
                )  # (only where the run's length moved it)
                runs = f", for run_steps={r.run_steps}" if moved else ""
                label += f" (rule: {r._rule_name(method)}{runs})"
                marks[label] = value
            curves[label] = (r.lrs, r.smoothed)
            losses[label] = r.losses
        conf = top.confirmation if suggest else None
        value = top._answer(method)[0] if suggest else None
        best_label = next(label for label, r in zip(curves, self.results, strict=True) if r is top)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (its no-answer warning: the figure writes the reason)
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
            no_weight_decay=(self.weight_decay_reason or None) if suggest else None,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict holding every sweep's :meth:`RangeTestResult.to_dict`, and the
        ``configured_weight_decay`` when it is known."""
        data: dict[str, Any] = {
            "format": FORMAT,
            "kind": "WeightDecayResult",
            "results": [r.to_dict() for r in self.results],
        }
        if self.configured_weight_decay is not None:
            data["configured_weight_decay"] = self.configured_weight_decay
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WeightDecayResult:
        """The result written by :meth:`to_dict` (one written before ``configured_weight_decay`` was recorded
        has None)."""
        check_kind(data, "WeightDecayResult", cls.__name__)
        if not isinstance(data.get("results"), list):
            raise ValueError(
                f"WeightDecayResult dict needs 'results', a list of the sweeps' dicts, got {short(data.get('results'))}"
            )
        check_format(data, "WeightDecayResult")
        # (review 108: others were dropped)
        V.keys("WeightDecayResult", data, ("format", "kind", "results"), ("configured_weight_decay",))
        return cls(
            tuple(RangeTestResult.from_dict(d) for d in data["results"]), data.get("configured_weight_decay")
        )

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
        return (self.results, self.configured_weight_decay) == (other.results, other.configured_weight_decay)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        wds = ", ".join(f"{w:g}" for w in self.weight_decays)
        return (
            f"WeightDecayResult(weight_decays=[{wds}], best={fmt(self.best_weight_decay)}, "
            f"suggestion({self.best._rule_name(None)})={fmt(self.best._answer(None)[0])})"
        )
