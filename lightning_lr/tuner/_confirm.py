"""The confirmation stage's decisions: whether a sweep gives an answer, which candidate LRs to train, which wins.

The sweep's curve gives the *scale* (where the loss falls and where it blows up) but not the best constant
LR for a whole training: on tasks the rules were never tuned on, the best LR lay anywhere from 2.4
decades below to 1.8 decades above the LR of the sweep's lowest loss, so no fixed divisor of that LR
works (``benchmarks/results/suggestion.md``). The confirmation measures instead of guessing: five
candidate LRs half a decade apart around the *anchor* (the LR of the lowest point of the sweep's zero-lag
curve, :func:`~._rules.minimum`), each trained ``steps`` optimizer steps from the same state on the same
batches (a paired comparison: the batch noise is common to all of them); the lowest mean loss over the
last fifth of the steps wins. The candidates are a bracketing line search (:func:`next_lr`): the first
three lie 1 decade below, half a decade below and at the anchor; while the best so far is the lowest or
the highest LR tried, the next one goes further that way (half a decade up; down, a step that doubles,
half a decade and then one: the sweep's blow-up bounds the search above, nothing bounds it below), else
the set fills to 1.5 decades below and half a decade above the anchor. When the first ones bracket the
best (the usual case) that is the fixed set -1.5..+0.5 decades chosen on the tuning half of the
benchmark; when they do not, the candidates follow the loss down to 2.5 decades below (further, to ``min_lr``,
when the first ones diverge) or up to 1 decade above the anchor, at the same cost, instead of answering with
an edge of the set, where a line search knows only that the best lies beyond.
Candidates half a decade apart place the answer only to within a quarter decade, so the answer is the
vertex of the parabola through the winner and its two neighbours (log score over log LR, :func:`refine`),
the standard way to locate a minimum between the points of a line search; next to a neighbour that
diverged, the vertex's limit as that score grows without bound, halfway to the other neighbour (the
stable side of the winner). The candidates also say how high an LR still trains as well as the winner:
the *plateau* (:func:`plateau_top`), the candidates above the winner whose scores lie within the noise of
its score, which the 1cycle peak and the cycle's top use (``_result``). That design was chosen on the
tuning half of the suggestion benchmark (``benchmarks/results/suggestion.md``).

It also knows when not to answer (:func:`verdict`, :func:`decide`): the sweep's drop is within the noise
of its flat start, the loss blew up in the first quarter of the sweep, the loss never fell, every
candidate diverged, the best candidate does not end clearly below the loss at the start, or the
candidates all end alike (the LR does not matter to them). Each reason says what to change; those that
more steps can fix (all but a blow-up early and candidates that all diverged) carry ``retry``, and the
range test then runs once more with 3x the sweep's steps (``_core``). Numpy only: the candidates are
trained by :mod:`._candidates`.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from statistics import NormalDist
from typing import Any

import numpy as np

from .. import _validate as V
from . import _rules

__all__ = [
    "CONFIRMED",
    "OFFSETS",
    "Candidate",
    "Confirmation",
    "Lowest",
    "Verdict",
    "capped_note",
    "decide",
    "decide_after",
    "diverged",
    "edge_warning",
    "floor_stop",
    "lowest_point",
    "next_lr",
    "outlier_stop",
    "plateau_top",
    "refine",
    "score",
    "tail_length",
    "untold_blowup",
    "verdict",
]

#: the name of the confirmed suggestion among the rules (``suggestion("confirmed")``, ``suggestions()``)
CONFIRMED = "confirmed"
#: candidate LRs, in decades from the anchor, when the first three bracket the best (the chosen design:
#: ``benchmarks/quality/confirm.py``); the first three are trained first, then the line search goes on
#: (:func:`next_lr`)
OFFSETS = (-1.5, -1.0, -0.5, 0.0, 0.5)
#: the candidates trained first, in decades from the anchor, before the line search decides where the rest go
FIRST = (-1.0, -0.5, 0.0)
#: the spacing of the candidates, in decades
SPACING = 0.5
#: the score is the mean loss of this fraction of a candidate's last steps (at least ``MIN_TAIL``)
TAIL = 0.2
MIN_TAIL = 3
#: a candidate whose loss exceeds this many times a positive loss level at the start (in general: the level plus
#: ``BLOWUP - 1`` times its magnitude, :func:`blow_up_line`) has diverged, unless the blow-up is the data's
#: (:func:`diverged`)
BLOWUP = 1e3
#: the most steps in a row a blow-up of the data's (outlier batches the sweep shows too) may last
DATA_RUN = 3
#: what a NaN/inf loss is when the loss did not rise before it (the sweep's warning, its reason, a candidate's)
NAN_NOT_LR = (
    "a NaN/inf that no rise comes before is seldom the LR: a bad batch or an overflow (16-bit precision)"
)
#: the fewest finite losses whose noise :func:`moved_from_start` measures: the spread of fewer around a curve drawn
#: through them is next to nothing, so any batch-to-batch difference "rose" (the docstring's 5 to 24 points)
MEASURED = 5
#: a sweep that stopped (NaN/inf or diverged) before this fraction of its steps gives no scale
EARLY_FRACTION = 0.25
#: the lowest point must lie this many standard errors below the start level (see :func:`verdict`)
NOISE_SE = 1.5
#: the relabellings of the candidates' losses, step by step, that the test "their scores do not depend on the
#: LR" draws (:func:`_lr_free`)
RELABELLINGS = 500
#: a drop smaller than this fraction of the start level is no descent (a noise-free loss that barely moves)
MIN_DROP = 0.01
#: a drop under ``MIN_DROP`` is said with its size (a constant part of the loss may hide it: review 61) only
#: this many standard errors below the start: twice the most that pure noise reaches (1.4 to 2; review 64
#: found the hint on half of the flat noisy losses at ``NOISE_SE``)
HINT_SE = 4.0


def _float(name: str, value: Any) -> float:
    if isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity"):
        return float(value.replace("Infinity", "inf"))
    return V.finite(name, value) if not isinstance(value, float) else value


def _json(v: float) -> float | str:
    if math.isfinite(v):
        return v
    return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")


@dataclass(frozen=True)
class Candidate:
    """One candidate LR of the confirmation: its per-step losses (under DDP the mean over ranks; the
    validation loss when the sweep recorded validation losses) and its score.

    ``losses`` stop at the step the candidate diverged (a NaN/inf loss, or a blow-up above the loss level at
    the start: :func:`diverged`); its ``score`` is then ``inf``. ``steps_taken`` is the optimizer steps it took
    when that is more than one per loss (under manual optimization a ``training_step`` call may step the
    optimizer several times), else None. ``excused``: the steps whose blow-up was the data's
    (:func:`data_blowup`, :func:`untold_blowup`), left out of the score and its noise. ``passed``: the steps it passed over, whose
    batches the sweep let through as an outlier's (``_early_stop``): it took no step on them (its loss there
    is NaN), as every candidate did, so that one batch's update does not decide between the LRs (its
    shock, larger the higher the LR, just before the scored steps: ``benchmarks/results/outliers.md``).

    Example:
        >>> c = Candidate(0.01, (2.3, 1.9, 1.7), 1.7)
        >>> c.lr, c.cost, Candidate.from_dict(c.to_dict()) == c
        (0.01, 3, True)
    """

    lr: float
    losses: tuple[float, ...]
    score: float
    steps_taken: int | None = None
    excused: tuple[int, ...] = ()
    passed: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        passed = tuple(int(i) for i in self.passed)
        if len(set(passed)) < len(passed) or not all(
            0 <= i < len(self.losses) and math.isnan(self.losses[i]) for i in passed
        ):
            V.fail(
                "passed",
                f"distinct steps of the {len(self.losses)} losses, each with a NaN loss (a step passed over has none)",
                self.passed,
            )
        object.__setattr__(self, "passed", passed)
        trained = len(self.losses) - len(self.passed)
        steps = V.optional(V.integer, "steps_taken", self.steps_taken, trained, " (one per loss trained)")
        object.__setattr__(self, "steps_taken", None if steps == trained else steps)
        object.__setattr__(self, "excused", tuple(int(i) for i in self.excused))

    @property
    def cost(self) -> int:
        """The optimizer steps it took."""
        return len(self.losses) - len(self.passed) if self.steps_taken is None else self.steps_taken

    @property
    def left_out(self) -> tuple[int, ...]:
        """The steps its score leaves out: those excused and those passed over."""
        return (*self.excused, *self.passed)

    def to_dict(self) -> dict[str, Any]:
        data = {"lr": self.lr, "losses": [_json(v) for v in self.losses], "score": _json(self.score)}
        if self.steps_taken is not None:
            data["steps_taken"] = self.steps_taken
        if self.excused:
            data["excused"] = list(self.excused)
        if self.passed:
            data["passed"] = list(self.passed)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Candidate:
        if not isinstance(data, Mapping):
            V.fail("candidate", "a dict (Candidate.to_dict)", data, TypeError)
        V.keys("Candidate", data, ("lr", "losses", "score"), ("steps_taken", "excused", "passed"))
        steps = functools.partial(V.sequence, item=V.non_negative_int, what="step indices", non_empty=False)
        return cls(
            V.positive("lr", data["lr"]),
            tuple(V.sequence("losses", data["losses"], _float, what="numbers", non_empty=False)),
            _float("score", data["score"]),
            data.get("steps_taken"),
            tuple(steps("excused", data.get("excused", []))),
            tuple(steps("passed", data.get("passed", []))),
        )


@dataclass(frozen=True, eq=False)
class Confirmation:
    """The outcome of the confirmation stage: the candidates, the chosen one, or why there is no answer.

    Attributes:
        candidates: the candidates trained, by increasing LR (none when the sweep gave no answer).
        steps: optimizer steps each candidate was to train.
        anchor: the LR of the lowest point of the sweep's zero-lag curve (None: the sweep gave none).
        start: the loss at the start (the mean of the first tenth of the sweep's losses).
        chosen: the index of the chosen candidate, or None.
        reason: why there is no answer and what to change ("" when there is one).
        retry: whether more steps may give the answer this one lacks: the sweep's drop lay within its noise,
            its loss never fell, the candidates all ended alike or none ended clearly below the start (a
            sweep that blew up early, or candidates that all diverged, need another range, not more steps).
            The range test then runs once more with more steps (``retry=True``).

    Example:
        >>> c = Confirmation((Candidate(0.01, (2.0, 1.0), 1.5), Candidate(0.1, (2.0, 0.5), 1.25)), 2, 0.1, 2.0, 1)
        >>> c.lr, c.lrs, c.cost, c.top
        (0.1, (0.01, 0.1), 4, 0.1)
        >>> Confirmation.from_dict(c.to_dict()) == c
        True
    """

    candidates: tuple[Candidate, ...]
    steps: int
    anchor: float | None
    start: float | None
    chosen: int | None
    reason: str = ""
    retry: bool = False

    def __post_init__(self) -> None:
        # (review 178: a file whose chosen candidate was not among its candidates loaded, and suggestion() raised a
        # bare IndexError; review 183: the constructor took it, and one out of order, which then saved and did not
        # load)
        lrs = [c.lr for c in self.candidates]
        if any(a >= b for a, b in itertools.pairwise(lrs)):
            raise ValueError(f"candidates must be by increasing lr, got lrs {lrs}")
        if self.chosen is not None and not 0 <= self.chosen < len(self.candidates):
            V.fail(
                "chosen", f"None or the index of one of the {len(self.candidates)} candidates", self.chosen
            )

    @property
    def winner(self) -> float | None:
        """The LR of the candidate with the lowest score (None: no answer, see :attr:`reason`)."""
        return None if self.chosen is None else self.candidates[self.chosen].lr

    @property
    def lr(self) -> float | None:
        """The confirmed LR: the winner refined between its neighbours (:func:`refine`); None: no answer."""
        return None if self.chosen is None else refine(self.lrs, self.scores, self.chosen)[0]

    @property
    def lr_score(self) -> float | None:
        """The score :func:`refine` gives :attr:`lr`: the parabola's there, the winner's when it is the winner,
        the mean of two candidates' when it lies halfway between them (next to one that diverged)."""
        return None if self.chosen is None else refine(self.lrs, self.scores, self.chosen)[1]

    @property
    def top(self) -> float | None:
        """The highest candidate LR that trains as well as the winner (:func:`plateau_top`); None: no answer."""
        return None if self.chosen is None else plateau_top(self.candidates, self.chosen, self.steps)

    @property
    def lrs(self) -> tuple[float, ...]:
        """The candidates' LRs."""
        return tuple(c.lr for c in self.candidates)

    @property
    def scores(self) -> tuple[float, ...]:
        """The candidates' scores (``inf``: diverged)."""
        return tuple(c.score for c in self.candidates)

    @property
    def ceiling(self) -> float | None:
        """The largest candidate LR that trained without diverging, when a higher candidate diverged: the
        highest LR known to be stable (a 1cycle peak or a cycle's top above it is not trusted); else None.

        Example:
            >>> c = Confirmation((Candidate(0.01, (1.0,), 0.5), Candidate(0.1, (1.0, float("nan")), float("inf"))), 1, 0.1, 1.0, 0)
            >>> c.ceiling
            0.01
        """
        stable = [c.lr for c in self.candidates if math.isfinite(c.score)]
        if not stable or not any(not math.isfinite(c.score) and c.lr > max(stable) for c in self.candidates):
            return None
        return max(stable)

    @property
    def cost(self) -> int:
        """Optimizer steps the candidates took (a diverged candidate stops early)."""
        return sum(c.cost for c in self.candidates)

    def __eq__(self, other: object) -> bool:  # NaN losses compare equal, as in the JSON files
        if not isinstance(other, Confirmation):
            return NotImplemented
        return json.dumps(self.to_dict(), sort_keys=True) == json.dumps(other.to_dict(), sort_keys=True)

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict[str, Any]:
        return {
            "candidates": [c.to_dict() for c in self.candidates],
            "steps": self.steps,
            "anchor": self.anchor,
            "start": None if self.start is None else _json(self.start),
            "chosen": self.chosen,
            "reason": self.reason,
            "retry": self.retry,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Confirmation:
        if not isinstance(data, Mapping):
            V.fail("confirmation", "a dict (Confirmation.to_dict) or None", data, TypeError)
        V.keys(
            "Confirmation", data, ("steps",), ("candidates", "anchor", "start", "chosen", "reason", "retry")
        )
        start = data.get("start")
        reason = data.get("reason", "")
        if not isinstance(reason, str):
            V.fail("reason", "a string", reason, TypeError)
        candidates = tuple(
            V.sequence(
                "candidates",
                data.get("candidates", []),
                lambda _, c: Candidate.from_dict(c),
                what="Candidate dicts",
                non_empty=False,
            )
        )
        chosen = V.optional(V.non_negative_int, "chosen", data.get("chosen"))
        conf = cls(  # (the constructor checks their order and the chosen one)
            candidates=candidates,
            steps=V.integer("steps", data["steps"], 1),
            anchor=V.optional(V.positive, "anchor", data.get("anchor")),
            start=None if start is None else _float("start", start),
            chosen=chosen,
            reason=reason,
            retry=V.boolean("retry", data.get("retry", False)),
        )
        conf._check_written()
        return conf

    def _check_written(self) -> None:
        """An error unless the written fields agree with one another as the range test wrote them: each finite
        score is the :func:`score` of its candidate's losses (up to a store's rounding), the chosen candidate is
        the one of lowest score, and a reason is given exactly when none is chosen. A file edited by hand (r196:
        a changed score, ``steps`` or ``chosen`` loaded and changed the answer, unsaid) is refused; an edit these
        cannot see (another ``reason``, a removed ``confirmation``) still loads."""
        edited = "the file was edited, or written for other losses; keep it as to_dict wrote it"
        for i, c in enumerate(self.candidates):
            if len(c.losses) > self.steps:
                raise ValueError(
                    f"confirmation.candidates[{i}] (lr={c.lr:.3g}) has {len(c.losses)} losses, more than the "
                    f"{self.steps} steps each candidate trains (confirmation.steps): {edited}"
                )
            if not math.isfinite(c.score):
                continue  # (a blow-up read against the sweep's start level: not recomputed from the losses)
            own = score(c.losses, self.steps, c.left_out)
            scale = max((abs(x) for x in c.losses if math.isfinite(x)), default=0.0)
            if not math.isclose(
                c.score, own, rel_tol=V.WRITTEN_TOLERANCE, abs_tol=V.WRITTEN_TOLERANCE * scale
            ):
                raise ValueError(
                    f"confirmation.candidates[{i}].score={c.score!r} (lr={c.lr:.3g}) is not the score of its "
                    f"losses over confirmation.steps={self.steps} ({own!r}: the mean of the last "
                    f"{tail_length(self.steps)} but for the steps left out): {edited}"
                )
        if self.chosen is None:
            if not self.reason:
                raise ValueError(
                    f"confirmation.chosen is None and its reason is empty: a confirmation without an answer says "
                    f"why; {edited}"
                )
            return
        best = min(range(len(self.candidates)), key=lambda i: (self.candidates[i].score, i))
        if best != self.chosen:
            raise ValueError(
                f"confirmation.chosen={self.chosen} (lr={self.candidates[self.chosen].lr:.3g}, score "
                f"{self.candidates[self.chosen].score:.4g}) is not the candidate of lowest score ({best}: lr="
                f"{self.candidates[best].lr:.3g}, score {self.candidates[best].score:.4g}): {edited}"
            )
        if self.reason:
            raise ValueError(
                f"confirmation.reason={V.shown(self.reason, 80)} is given with chosen={self.chosen}: a reason "
                f"says why there is no answer; {edited}"
            )


@dataclass(frozen=True)
class Verdict:
    """What a sweep says before any candidate runs: the anchor's index, or None and the reason; the start
    level, the number of points it averages and the per-step noise of the losses; whether a longer sweep may
    answer (``retry``: the drop lay within the noise, or the loss never fell)."""

    anchor: int | None
    start: float | None
    reason: str = ""
    points: int = 1
    noise: float = 0.0
    retry: bool = False


def _where(lrs: Sequence[float], i: int) -> str:
    """Where the sweep's point ``i`` is, its step numbered from 0 as in the result's repr, the figure's title,
    the warnings and TensorBoard (review 61: "step 12" here beside "step 11" there)."""
    return f"lr={lrs[i]:.3g}, step {i}"


def verdict(
    lrs: Sequence[float],
    losses: Sequence[float],
    num_steps: int | None = None,
    stop_reason: str = "completed",
    mode: str = "exponential",
) -> Verdict:
    """Whether the sweep gives a scale to confirm, and its anchor (the lowest point of the zero-lag curve).

    No answer when the rules have too few points, the loss blew up (NaN/inf, or the early stop) before
    ``EARLY_FRACTION`` of the ``num_steps`` the sweep was asked for, the loss never fell (by ``MIN_DROP``
    of its start level: a noise-free loss that barely moves has not started to fall), or the drop is
    within the noise of the flat start: the mean of the raw losses in the zero-lag window of the lowest
    point must lie ``NOISE_SE`` standard errors below the mean of the first tenth of the losses (the
    start level), the per-step noise measured as the robust spread (MAD) of the raw losses around the
    zero-lag curve up to the lowest point. Pure noise has a lowest point too (1.4 to 2 standard errors below
    the start, at any density), so this refuses only part of it (the candidates' check, :func:`decide`, most
    of the rest); a sweep whose loss really falls lies 2.3 to 2000 standard errors below it in the
    suggestion benchmark at 100 steps or more.

    Example:
        >>> import numpy as np
        >>> lrs = np.logspace(-6, 0, 60)
        >>> verdict(lrs, 2.0 - 1.5 / (1 + np.exp(-(np.log10(lrs) + 2) * 3))).anchor
        59
        >>> flat = 2.0 + 0.1 * (-1.0) ** np.arange(60) - 0.02 * (np.arange(60) == 40)
        >>> "within the noise of the flat start" in verdict(lrs, flat).reason
        True
    """
    x, y, reason = _rules._prepare(lrs, losses)
    n = len(y)
    raw = np.asarray(losses, dtype=np.float64)[:n]
    k = max(1, _rules.search_start(n))
    start = float(np.mean(raw[:k])) if n else None
    asked = len(lrs) if num_steps is None else num_steps
    if reason == _rules.FIRST_NOT_FINITE:  # the first loss comes before any step at a swept LR
        return Verdict(None, start, reason)
    lower = too_high(lrs, mode)
    if stop_reason != "completed" and n < EARLY_FRACTION * asked:
        at = _where(lrs, min(n, len(lrs) - 1))
        if stop_reason == "non-finite loss":
            how, change = "became NaN/inf", lower
            if unrisen := _nan_unrisen(lrs, losses, lower):
                # review 88: one bad batch at lr=1e-6 was put down to the LR; review 138: still, where the loss
                # moved up within its noise (2.329 to 2.331), and the clause came after "lower min_lr" anyway
                change = unrisen
        else:
            how = "diverged (the early stop)"
            change = (
                f"{lower}, or the early stop fired on a noisy loss (raise early_stop_threshold or smoothing, "
                f"or pass early_stop_threshold=None)"
            )
        return Verdict(
            None,
            start,
            f"the loss {how} at {at} of {asked}, in the first quarter of the sweep, before it showed where the "
            f"loss falls: {change}",
        )
    if reason:
        return Verdict(None, start, reason)
    if np.ptp(raw) == 0.0:  # review 61: more steps at these LRs change nothing
        then = (
            ""
            if stop_reason == "completed"
            else f", until it {'became NaN/inf' if stop_reason == 'non-finite loss' else 'diverged'} at "
            f"{_where(lrs, min(n, len(lrs) - 1))}"
        )
        return Verdict(
            None,
            start,
            f"the loss was {raw[0]:.6g} at every step of the sweep over lr {lrs[0]:.3g}..{lrs[n - 1]:.3g}{then}: "
            f"nothing the optimizer updated changed it. Zero gradients, or a loss that does not depend on the "
            f"trained parameters (check the loss, and that the parameters it reads are in the optimizer)"
            # a sweep that blew up had LRs large enough to move the model (review 64)
            + (", or LRs too small to move it (raise max_lr)" if stop_reason == "completed" else ""),
        )
    _, i_min, drop, reason = _rules._descent(y)
    level = float(np.mean(y[:k]))
    if reason or drop < MIN_DROP * abs(level):
        never = (
            f"the loss never fell below its starting level (by {MIN_DROP:.0%} of it or more) over lr "
            f"{lrs[0]:.3g}..{lrs[n - 1]:.3g}"
        )
        turned = stop_reason != "completed" or i_min < n - max(2, math.ceil(0.05 * n))
        if not reason and drop > 0.0 and turned and _noise(x, raw, i_min, k, HINT_SE)[0]:
            # review 61: it fell clearly, by less than 1% of a level far from 0 (loss + 1000), and rose again:
            # the sweep saw its whole valley (one still falling at max_lr wants a higher max_lr: review 64)
            share = drop / abs(level)
            never += (
                f" (it fell by {drop:.3g}, {f'{share:.2%}' if share >= 1e-4 else 'less than 0.01%'} of its "
                f"starting level {level:.6g}; if most of the loss is a constant that no parameter changes, leave "
                f"it out of the loss the test reads: the 1% is of the whole loss)"
            )
        if stop_reason != "completed":  # it rose from the start until it blew up: more steps, or a higher
            # max_lr, sweep the same rise again
            if stop_reason == "non-finite loss":
                how, noisy = "became NaN/inf", ""
                # (a bad batch later in a sweep whose loss never moved: review 138)
                if moved_from_start(lrs, losses)[0] == "flat":
                    return Verdict(
                        None, start, f"{never}, and then {how}: {_nan_unrisen(lrs, losses, lower)}"
                    )
            else:
                how = "diverged (the early stop)"
                noisy = ", the early stop fired on a noisy loss (raise early_stop_threshold or smoothing)"
                half = n // 2
                # ("" is too few points to tell: a short sweep keeps the old reading, as _nan_unrisen does)
                if moved_from_start(lrs[:half], losses[:half])[0] in ("flat", "fell"):
                    # it had not risen from its start by the sweep's middle: not a sweep that started too high,
                    # but one whose loss stayed there until it blew up. No LR below the blow-up trained the
                    # model in the steps the sweep spent there, which more steps can change, as for a sweep
                    # that ended before any descent (a GRU recalling a token 10 steps back: None over 1e-7..10
                    # at 100 steps and no second try; 1.1x the best LR at 300; the same curve stopped short
                    # of its blow-up by max_lr=1 got the second try)
                    return Verdict(
                        None,
                        start,
                        f"{never}: it stayed there over the first half of the sweep (to {_where(lrs, half - 1)}) "
                        f"and then {how}: no LR below the blow-up trained the model in the steps the sweep spent "
                        f"at it; take more steps (num_steps), check that the model trains at all, or, if the early "
                        f"stop fired on a noisy loss, raise early_stop_threshold or smoothing",
                        retry=True,
                    )
            return Verdict(
                None,
                start,
                f"{never}, and then {how}: {lower}{noisy}, or the model does not train at these settings",
            )
        if reason.startswith(_rules.ROSE_FIRST) and mode == "linear":
            # r194: a linear sweep over 1e-7..10 steps by 0.101, past the best LR of many models at its second
            # point; "lower min_lr" cannot help it, and neither can a second try 3x longer over the same range
            # (it rose from its first LRs on again after 300 more steps)
            return Verdict(
                None,
                start,
                f"{_rules.ROSE_FIRST} (lr {lrs[0]:.3g}..{lrs[n - 1]:.3g}): {too_high(lrs, mode)}; or check that "
                f"the model trains at all",
            )
        if reason:  # it never went below its start: the rules' reason says how it moved (review 102: "raise
            # max_lr" for a loss that rose at the sweep's end, where the rules had said so since review 99)
            return Verdict(None, start, f"{reason} (lr {lrs[0]:.3g}..{lrs[n - 1]:.3g})", retry=True)
        rise = float(np.mean(raw[n - k :]) - np.mean(raw[:k]))
        if rise > MIN_DROP * abs(level) and rise > NOISE_SE * _noise(x, raw, i_min, k)[1] * math.sqrt(
            2.0 / k
        ):
            # r201: a deep tanh MLP flat from 1e-7 and blown up in the sweep's last steps (1.4 to 94), too late
            # for the lagging early stop, was told to raise max_lr; the LRs that make it worse lay within the
            # range. Risen as it would have fallen: by MIN_DROP of its start level, clear of the noise
            return Verdict(
                None,
                start,
                f"{never}: it rose at the sweep's end (to {raw[n - 1]:.4g} at {_where(lrs, n - 1)}) without "
                f"falling first: the LRs there make it worse, and none below them trained the model in the steps "
                f"the sweep spent at it; take more steps (num_steps: the model trains longer at each LR), or check "
                f"that the model trains",
                retry=True,
            )
        return Verdict(
            None,
            start,
            f"{never}: the sweep ended before the loss fell by {MIN_DROP:.0%}; raise max_lr, take more steps "
            f"(num_steps: the model trains longer at each LR), or check that the model trains",
            retry=True,
        )
    clear, sigma, se, drop = _noise(x, raw, i_min, k)
    if not clear:
        # review 61: a loss of 1e-6 under SGD is flat up to lr 10 and trains at 1e4; a completed sweep whose
        # loss ends no higher than it starts (within the same noise) never reached the LRs that move it
        rose = float(np.mean(raw[n - k :]) - np.mean(raw[:k])) > NOISE_SE * sigma * math.sqrt(2.0 / k)
        cure = (
            "take more steps (num_steps), a larger batch, val_loss=True, or a range where the loss falls"
            if stop_reason != "completed" or rose
            else f"the loss had not risen by the end of the sweep (lr {lrs[n - 1]:.3g}) either, so the LRs "
            f"that train the model may lie above it: raise max_lr, or take more steps (num_steps), a larger "
            f"batch or val_loss=True"
        )
        return Verdict(
            None,
            start,
            f"the lowest point of the loss ({_where(lrs, i_min)}) lies {drop:.3g} below the start, within the "
            # (rounded down: 1.49 printed as "1.5 standard errors, 1.5 needed" read as a refusal without cause, r159)
            f"noise of the flat start ({math.floor(100 * drop / se) / 100 if se > 0 else 0:.2f} standard errors, "
            f"{NOISE_SE:g} needed): the "
            f"sweep shows no clear descent; {cure}",
            k,
            sigma,
            retry=True,
        )
    return Verdict(i_min, start, "", k, sigma)


def _nan_unrisen(lrs: Sequence[float], losses: Sequence[float], lower: str) -> str:
    """What a sweep cut by a NaN/inf is, for its reason, when no rise beyond the noise came before it
    (:func:`moved_from_start`); "" where the loss rose before it (the LR: ``lower`` says what to change). Where
    the loss had not moved from its start either way, the LRs so far had not moved the model, so not the LR,
    and not ``min_lr`` (review 138: a corrupt sample at lr 8e-7 was put down to min_lr); where it had fallen, a
    step too large can still blow up without a rise (a linear sweep's, or a sweep started high), so ``lower``
    and the other likely causes are both said (review 88)."""
    moved, last, first = moved_from_start(lrs, losses)
    levels = f"{last:.4g} over its last steps, {first:.4g} at the start"
    if moved == "" and math.isfinite(first):
        # r154: a NaN in the data at the sweep's third batch was put down to min_lr (1.133 to 1.192 "rose"), and a
        # lower min_lr reached the same NaN at the same step
        n = sum(1 for v in losses[: len(lrs)] if math.isfinite(v))
        return (
            f"{lower}, or a bad batch: with {V.counted(n, 'step')} before it, too few to measure the loss's noise "
            f"by, a blow-up cannot be told from a NaN/inf in the data or the model (a log or a division of 0, a "
            f"16-bit overflow). If a sweep from a lower min_lr stops at the same step, check the batch of that step "
            f"and the model"
        )
    if moved == "flat":
        return (
            f"the loss had not moved beyond the noise of its start before it ({levels}), and {NAN_NOT_LR}. Check "
            f"the batch of that step and the model (a NaN/inf in the data, a log or a division of 0, a 16-bit "
            f"overflow); a sweep from a lower min_lr reaches the same batch at the same step"
        )
    if moved == "fell":
        return f"{lower}; but the loss did not rise before it ({levels}), and {NAN_NOT_LR}"
    return ""


def moved_from_start(lrs: Sequence[float], losses: Sequence[float]) -> tuple[str, float, float]:
    """How the raw losses before the first NaN/inf moved from their start: ``"rose"`` or ``"fell"`` by more than
    the sweep's noise, ``"flat"`` within it, "" when it cannot tell (fewer than :data:`MEASURED` points, too few
    to measure the noise by: r154, 1.133 to 1.192 over 3 points "rose"); and the two levels
    compared: the mean of the last ``k`` of them against the mean of the first ``k`` (the start level's points,
    :func:`~._rules.search_start`), ``HINT_SE`` standard errors apart, the per-step noise that of
    :func:`_window_noise` (the robust spread of the raw losses around the zero-lag curve). ``HINT_SE``, not
    ``NOISE_SE``: the spread around a curve drawn through a dozen points is smaller than the batches' own, and
    at ``NOISE_SE`` pure noise "rose" in 12% to 27% of 5 to 24 points (review 138: 2.309 to 2.356 at lr 8e-7,
    2.6 of these standard errors, put a corrupt sample down to min_lr); a divergence's rise to the NaN is many
    times it (a rise of 2 sigma a step over the last 4 steps: found in 98% of them).

    Example:
        >>> import numpy as np
        >>> lrs = np.logspace(-7, -6, 14)
        >>> noisy = 2.3 + 0.05 * np.resize([1.0, -1.0, 0.5, -0.5], 13)
        >>> moved_from_start(lrs, [*noisy[:-1], 2.35, float("nan")])[0]
        'flat'
        >>> moved_from_start(lrs, [*np.linspace(2.3, 3.5, 13), float("nan")])[0]
        'rose'
    """
    x, _, _ = _rules._prepare(lrs, losses)
    n = len(x)
    raw = np.asarray(losses, dtype=np.float64)[:n]
    if n < MEASURED:
        return "", (float(np.mean(raw)) if n else math.nan), (float(raw[0]) if n else math.nan)
    k = max(1, _rules.search_start(n))
    first, last = float(np.mean(raw[:k])), float(np.mean(raw[n - k :]))
    sigma, _ = _window_noise(x / math.log(10.0), raw, n - 1)
    bar = HINT_SE * sigma * math.sqrt(2.0 / k)
    return ("rose" if last > first + bar else "fell" if last < first - bar else "flat"), last, first


def rose_before(losses: Sequence[float]) -> bool:
    """Whether a candidate's finite losses before its NaN/inf rose from their start: the mean of their last fifth
    (at least one) lies ``HINT_SE`` standard errors above the mean of their first, the per-step noise measured
    from successive differences (a constant LR has no curve to measure it around, as :func:`moved_from_start`
    does for a sweep). A NaN after such a rise is the LR's; after none it is seldom the LR (``NAN_NOT_LR``;
    review 139: a candidate whose loss rose from 2.3 to 5.9 before its NaN was told it was seldom the LR).

    Example:
        >>> rose_before([2.3, 2.5, 3.1, 4.0, 5.9]), rose_before([2.3, 2.2, 2.35, 2.25, 2.3])
        (True, False)
    """
    x = np.asarray([v for v in losses if math.isfinite(v)], dtype=np.float64)
    if len(x) < 2:
        return False
    k = max(1, len(x) // 5)
    sigma = float(np.std(np.diff(x), ddof=1) / math.sqrt(2.0)) if len(x) > 2 else 0.0
    return float(x[-k:].mean()) > float(x[:k].mean()) + HINT_SE * sigma * math.sqrt(2.0 / k)


def _noise(
    x: np.ndarray, raw: np.ndarray, i_min: int, k: int, needed: float = NOISE_SE
) -> tuple[bool, float, float, float]:
    """Whether the sweep's lowest point ``i_min`` lies ``needed`` standard errors below its start
    (:func:`verdict`): ``(clear, sigma, se, drop)``, the per-step noise, the standard error of the drop and
    the drop of the raw losses' mean in the zero-lag window of the lowest point below the mean of the first
    ``k``."""
    sigma, window = _window_noise(x / math.log(10.0), raw, i_min)
    drop = float(np.mean(raw[:k]) - np.mean(raw[window]))
    se = sigma * math.sqrt(1.0 / k + 1.0 / int(window.sum()))
    return drop > needed * se, sigma, se, drop


def _window_noise(x10: np.ndarray, raw: np.ndarray, i_min: int) -> tuple[float, np.ndarray]:
    """``(sigma, window)``: the per-step noise of the raw losses ``raw`` (the robust spread, MAD, of their
    residuals around the zero-lag curve up to ``i_min``, not the blow-up after it) and the zero-lag window of
    the point ``i_min`` (the steps within ``ZERO_LAG_DECADES`` of its LR, ``x10 = log10(lr)``), whose raw
    losses' mean is the zero-lag curve there."""
    half = min(_rules.ZERO_LAG_DECADES, x10[i_min] - x10[0], x10[-1] - x10[i_min])
    window = np.abs(x10 - x10[i_min]) <= half + 1e-12
    resid = (raw - _rules._centred(x10, raw, _rules.ZERO_LAG_DECADES))[: i_min + 1]  # not the blow-up
    sigma = 1.4826 * float(np.median(np.abs(resid - np.median(resid))))
    return sigma, window


@dataclass(frozen=True)
class Lowest:
    """The lowest point of a sweep's zero-lag curve (:func:`lowest_point`): its step ``index``, its ``level``
    (the mean of the raw losses in its zero-lag window), the sweep's per-step noise ``sigma`` (NaN where it
    cannot be measured: see :func:`lowest_point`) and the number of steps the window holds."""

    index: int
    level: float
    sigma: float
    count: int

    @property
    def se(self) -> float:
        """The standard error of :attr:`level`: the per-step noise over the square root of the window's steps."""
        return self.sigma / math.sqrt(self.count)


def lowest_point(
    lrs: Sequence[float], losses: Sequence[float], num_steps: int | None = None
) -> Lowest | None:
    """The lowest point of the sweep's zero-lag curve after the first tenth of the ``num_steps`` it was asked
    for (:func:`~._rules.search_start`), with its level and the noise :func:`verdict` measures (the level is
    the mean of the raw losses in the point's zero-lag window, its standard error the per-step noise over
    the root of their number); None when the sweep has no such point: it stopped within that tenth, or it
    has too few finite points for the rules (or LRs that do not rise). The noise is NaN, not measured, when
    the steps up to the point lie more than ``ZERO_LAG_DECADES`` apart: every zero-lag window there holds
    one step, whose residual around it is 0 whatever the noise (:func:`verdict` takes that 0 as it is).

    Example:
        >>> lrs = np.logspace(-6, 0, 61)  # 10 steps a decade: a window of 5 steps
        >>> low = lowest_point(lrs, 1 + (np.log10(lrs) + 2) ** 2 / 4 + 0.1 * (-1.0) ** np.arange(61))
        >>> low.index, round(low.level, 3), round(low.sigma, 3), low.count, round(low.se, 3)
        (39, 0.988, 0.1, 5, 0.045)
        >>> lowest_point(lrs[:5], np.ones(5), num_steps=100) is None  # stopped in its first tenth
        True
        >>> lowest_point(lrs[::5], np.arange(13.0)[::-1]).sigma  # half a decade apart: not measured
        nan
    """
    x, y, reason = _rules._prepare(lrs, losses)
    n = len(y)
    k = _rules.search_start(n, num_steps)
    if reason or k >= n:
        return None
    i_min = k + int(np.argmin(y[k:]))
    x10 = x / math.log(10.0)
    sigma, window = _window_noise(x10, np.asarray(losses, dtype=np.float64)[:n], i_min)
    near = np.diff(x10[: i_min + 1]) <= _rules.ZERO_LAG_DECADES + 1e-12  # a window past the first holds both
    return Lowest(i_min, float(y[i_min]), sigma if near.any() else math.nan, int(window.sum()))


def too_high(lrs: Sequence[float], mode: str) -> str:
    """The advice for a sweep that blew up early, or whose answer lies below its first LR: an exponential
    sweep started too high; a linear one's steps are too large, whatever its start (review 47: "lower min_lr"
    changed nothing there)."""
    if mode != "linear" or len(lrs) < 2:
        return "the sweep started too high (lower min_lr)"
    return (
        f"a linear sweep's LR grows by the same {lrs[1] - lrs[0]:.3g} at each step, so lower max_lr (min_lr "
        f"changes little), or sweep with mode='exponential'"
    )


def next_lr(anchor: float, tried: Sequence[Candidate], min_lr: float, max_lr: float) -> float | None:
    """The next candidate LR of the line search after ``tried`` (the candidates trained so far, in any order),
    or None: ``len(OFFSETS)`` candidates are trained, or no new LR is left within ``[min_lr, max_lr]``.

    First ``anchor * 10 ** FIRST``; then, while the best so far (the lowest score; ties go to the lower LR,
    and a diverged candidate scores ``inf``) is the highest LR tried, a step above it, while it is the
    lowest, a step below it; else the offsets of ``OFFSETS`` not yet tried, the lowest first. A step up
    is ``SPACING`` decades; a step down doubles for every candidate already tried below the first ones (an
    expanding bracket). The two sides differ: above the anchor the loss blows up within a decade or so on
    most tasks, and a long step up lands on a diverged candidate, whose neighbour's refinement then pulls
    the answer down (:func:`refine`); below it nothing bounds the search (the loss only falls more slowly;
    the benchmark's best LRs lay up to 2.4 decades below the anchor), and half-decade steps would spend the
    candidates before they bracket the best. Every LR is clipped to ``[min_lr, max_lr]``; an LR within a
    tenth of ``SPACING`` of one already tried (the clipping in a narrow range brings them that close: they
    would tell nothing new), or above one that diverged, is not trained.

    Example:
        >>> def c(o, s): return Candidate(0.1 * 10**o, (s,), s)  # anchor 0.1, ``o`` decades from it
        >>> tried = [c(-1, 2.0), c(-0.5, 1.5), c(0, 1.8)]  # the best is inside: fill -1.5, then +0.5
        >>> f"{next_lr(0.1, tried, 1e-7, 10):.3g}", f"{next_lr(0.1, tried + [c(-1.5, 3)], 1e-7, 10):.3g}"
        ('0.00316', '0.316')
        >>> tried = [c(-1, 1.0), c(-0.5, 1.5), c(0, 1.8)]  # the best is the lowest: go lower
        >>> f"{next_lr(0.1, tried, 1e-7, 10):.3g}", f"{next_lr(0.1, tried, 0.01, 10):.3g}"  # unless min_lr is there
        ('0.00316', '0.316')
        >>> f"{next_lr(0.1, tried + [c(-1.5, 0.9)], 1e-7, 10):.3g}"  # still the lowest: a decade lower
        '0.000316'
    """
    if len(tried) >= len(OFFSETS):
        return None
    have = [c.lr for c in tried]
    blown = min((c.lr for c in tried if not math.isfinite(c.score)), default=math.inf)

    def new(lr: float) -> float | None:
        lr = min(max(lr, min_lr), max_lr)
        if lr > blown or any(abs(math.log10(lr / h)) < SPACING / 10 for h in have):
            return None
        return lr

    for o in FIRST:
        if (lr := new(anchor * 10.0**o)) is not None:
            return lr
    by_lr = sorted(tried, key=lambda c: c.lr)
    best = min(range(len(by_lr)), key=lambda i: (by_lr[i].score, i))
    if best == len(by_lr) - 1 and (lr := new(by_lr[best].lr * 10.0**SPACING)) is not None:
        return lr
    below = sum(lr < anchor * 10.0 ** min(FIRST) * (1 - 1e-9) for lr in have)
    if best == 0 and (lr := new(by_lr[0].lr / 10.0 ** (SPACING * 2**below))) is not None:
        return lr
    for o in sorted(OFFSETS):
        if (lr := new(anchor * 10.0**o)) is not None:
            return lr
    return None


def floor_stop(conf: Confirmation, min_lr: float) -> Confirmation:
    """``conf``, or no answer when its winner is the lowest of several candidates and the line search's next step
    down would have left the range (below ``min_lr``): the best constant LR may lie below ``min_lr``, and the
    winner is then a bound from above. Applied, a bound from above can train worse than any LR the test tried
    (review 123: a range from ``min_lr=1`` answered 1, and training at it reached half the accuracy of 0.03), so
    the test does not answer; a winner at the top of the range is still answered, with a warning
    (:func:`edge_warning`), since an LR below the best trains, only more slowly. A lower ``min_lr`` is the change
    (more steps sweep the same range again).

    Example:
        >>> c = [Candidate(lr, (2.0, sc), sc) for lr, sc in ((0.01, 0.5), (0.0316, 0.9), (0.1, 1.5))]
        >>> floor_stop(Confirmation(tuple(c), 2, 0.1, 2.0, 0), 0.01).reason[:54]
        'the best candidate (lr=0.01) is the lowest of the 3 tr'
        >>> floor_stop(Confirmation(tuple(c), 2, 0.1, 2.0, 0), 1e-7).chosen  # the search could go lower
        0
    """
    if conf.chosen != 0 or len(conf.candidates) < 2:
        return conf
    lr = conf.candidates[0].lr
    if lr / 10.0**SPACING >= min_lr * (1 + 1e-9):
        return conf
    lrs = conf.lrs
    return replace(
        conf,
        chosen=None,
        reason=(
            f"the best candidate (lr={lr:.3g}) is the lowest of the {len(lrs)} trained (lr {lrs[0]:.3g}.."
            f"{lrs[-1]:.3g}) and lies at min_lr={min_lr:.3g}, so the best constant LR may lie below the range; "
            f"an answer there would be a bound from above, which can train worse than any LR tried, so none "
            f"is given: lower min_lr"
        ),
        retry=False,
    )


def capped_note(conf: Confirmation, max_lr: float) -> Confirmation:
    """``conf``, with its reason for no answer saying that its highest candidate is ``max_lr`` itself when it is:
    the candidates did not train, or all ended alike, and the LRs above the range, which may train the model,
    were never tried (review 123: at ``max_lr=1e-5``, where the model trains at 0.03, the reason blamed the
    model and advised more steps).

    Example:
        >>> c = tuple(Candidate(lr, (2.0, 2.0), 2.0) for lr in (1e-6, 1e-5))
        >>> capped_note(Confirmation(c, 2, 1e-5, 2.0, None, "alike"), 1e-5).reason
        'alike; the highest candidate is max_lr=1e-05 itself, so no LR above the range was tried: raise max_lr first'
        >>> capped_note(Confirmation(c, 2, 1e-5, 2.0, None, "alike"), 1.0).reason
        'alike'
    """
    if conf.chosen is not None or not conf.candidates or conf.candidates[-1].lr < max_lr * (1 - 1e-9):
        return conf
    return replace(
        conf,
        reason=f"{conf.reason}; the highest candidate is max_lr={max_lr:.3g} itself, so no LR above the range was "
        f"tried: raise max_lr first",
    )


def edge_warning(conf: Confirmation, min_lr: float, max_lr: float) -> str:
    """What to tell the user when the confirmed LR is the lowest or the highest candidate trained (the line
    search ran out of candidates, or of range, before the scores turned up): the best constant LR may lie
    beyond it, so the answer is a bound; or when it is the only candidate (a range too narrow for two); ""
    otherwise. The advice is to widen the range where the line search's next step would have left it.

    Example:
        >>> c = [Candidate(lr, (2.0, sc), sc) for lr, sc in ((0.01, 0.5), (0.1, 0.9), (1.0, 1.5))]
        >>> edge_warning(Confirmation(tuple(c), 2, 1.0, 2.0, 0), 1e-7, 10)[:60]
        'the best candidate (lr=0.01) is the lowest of the 3 trained '
        >>> edge_warning(Confirmation(tuple(c), 2, 1.0, 2.0, 1), 1e-7, 10)
        ''
    """
    if conf.chosen is None:
        return ""
    lr, lrs = conf.candidates[conf.chosen].lr, conf.lrs
    if len(lrs) == 1:
        return (
            f"only one candidate (lr={lr:.3g}) could be trained within [min_lr, max_lr] = [{min_lr:.3g}, "
            f"{max_lr:.3g}] (the others lay outside it or too close to it), so the suggestion was compared "
            f"with no other LR; widen the range"
        )
    if 0 < conf.chosen < len(lrs) - 1:
        return ""
    step = 10.0**SPACING  # the line search's shortest step: one that would leave the range stopped it
    if conf.chosen == 0:  # (a Tuner gives no answer at min_lr: :func:`floor_stop`)
        side = "lowest", "lower"
        change = "lower min_lr" if lr / step < min_lr * (1 + 1e-9) else f"run it again with max_lr={lr:.3g}"
    else:
        side = "highest", "higher"
        change = (
            "raise max_lr"
            if lr * step > max_lr * (1 - 1e-9)
            else "take more num_steps: a denser sweep shows better where the loss turns up"
        )
    return (
        f"the best candidate (lr={lr:.3g}) is the {side[0]} of the {len(lrs)} trained (lr {lrs[0]:.3g}.."
        f"{lrs[-1]:.3g}), so the best constant LR may lie {side[1]} still and the suggestion is a bound; to "
        f"search {side[1]}, {change}"
    )


def diverged(loss: float, line: float, data_spike: bool = False) -> bool:
    """Whether a candidate's ``loss`` says it diverged: NaN/inf, or above ``line`` (:func:`blow_up_line` of the
    sweep's start level), unless the blow-up is the data's (``data_spike``: :func:`data_blowup`; review 87:
    one outlier batch had every candidate diverge at its step, down to the lowest LR).

    Example:
        >>> line = blow_up_line(30.0, 2.0)
        >>> diverged(53.5, line), diverged(float("nan"), line), diverged(3.1e4, line)
        (False, True, True)
        >>> diverged(3.1e4, line, data_spike=True)  # the sweep's blow-up on that batch too
        False
    """
    return not math.isfinite(loss) or (loss > line and not data_spike)


def data_blowup(sweep: Sequence[float], losses: Sequence[float], line: float) -> bool:
    """Whether the blow-up above ``line`` of a candidate's last loss (``losses`` so far, its step ``t``) is the
    data's: the sweep's loss on the same batch (the candidates take its batches in its order) is above the
    line too, the sweep comes back below it later (else that is the sweep's own divergence: review 89, a
    candidate at 4100x the start level was excused by it), and the candidate was below the line at the step
    before the sweep's run above it began (review 90: an outlier late in the sweep kept the sweep above the
    line for a few steps; review 91: two outlier batches in a row). A blow-up the candidate keeps after the
    sweep's has ended is its own.

    Example:
        >>> sweep = [1.0, 9e4, 5e4, 1.0, 1.0]
        >>> data_blowup(sweep, [1.0, 9e4], 3e3), data_blowup(sweep, [1.0, 9e4, 6e4], 3e3)
        (True, True)
        >>> data_blowup(sweep, [1.0, 9e4, 6e4, 7e4], 3e3)  # the sweep is back below: the candidate's own
        False
        >>> data_blowup([1.0, 9e4, 9e5, 1e7], [1.0, 9e4], 3e3)  # the sweep's divergence: never back below
        False
        >>> data_blowup([1.0, 9e4, 9e4, 9e4, 9e4, 1.0], [1.0, 9e4], 3e3)  # back only after DATA_RUN steps
        False
    """
    t = len(losses) - 1
    if not 0 <= t < len(sweep) or not math.isfinite(sweep[t]) or sweep[t] <= line:
        return False
    run = t  # where the sweep's run above the line began, and where it ended
    while run > 0 and math.isfinite(sweep[run - 1]) and sweep[run - 1] > line:
        run -= 1
    end = next((j for j in range(t + 1, len(sweep)) if math.isfinite(sweep[j]) and sweep[j] <= line), None)
    # a few bad batches, not the sweep's own divergence that later falls back (review 92: a dead network)
    if end is None or end - run > DATA_RUN:
        return False
    return run == 0 or losses[run - 1] <= line


def untold_blowup(sweep: Sequence[float], stop_reason: str, losses: Sequence[float], line: float) -> bool:
    """Whether the sweep cannot tell whether the blow-up above ``line`` of a candidate's last loss (``losses`` so
    far, its step ``t``) is the data's: the sweep stopped as diverged (``stop_reason``) and its losses
    (``sweep``) end at step ``t``, where its early stop was due, so it stopped on the same batch, and the
    candidate was below the line at the step before. The candidate then tells itself: back below the line
    within ``DATA_RUN`` steps, the blow-up was the batch's (an outlier whose update, at the sweep's LR there,
    threw the sweep off; at the candidate's lower LR it does not); above it for ``DATA_RUN`` more steps, a
    NaN, or a climb of ``early_stop_threshold`` times over it (:func:`~._early_stop.run_lasts`), the candidate
    diverged there. Only there: past the sweep's end no blow-up is held (review 96: an
    oscillating divergence would be excused again and again).

    Example:
        >>> untold_blowup([1.0, 1.0, 800.0], "diverged", [1.0, 1.0, 9e4], 3e3)  # stopped on this batch
        True
        >>> untold_blowup([1.0, 1.0, 800.0, 1.0], "diverged", [1.0, 1.0, 9e4], 3e3)  # it went on past it
        False
        >>> untold_blowup([1.0, 1.0, 800.0], "diverged", [1.0, 5e3, 9e4], 3e3)  # the candidate blew up before
        False
        >>> untold_blowup([1.0, 1.0], "diverged", [1.0, 1.0, 9e4], 3e3)  # after the sweep's end
        False
        >>> untold_blowup([1.0, 1.0, 1.0], "completed", [1.0, 1.0, 9e4], 3e3)  # a sweep that never stopped
        False
        >>> untold_blowup([1.0, 1.0, float("nan")], "non-finite loss", [1.0, 1.0, 9e4], 3e3)  # a NaN: no stop due
        False
    """
    t = len(losses) - 1
    return stop_reason == "diverged" and 0 < t == len(sweep) - 1 and losses[t - 1] <= line


def outlier_stop(conf: Confirmation, end: int, lr: float) -> Confirmation:
    """``conf``, or no answer when a candidate came back from its blow-up at step ``end``, where a diverged
    sweep's curve ends (at ``lr``: :func:`untold_blowup`), and none diverged there: the sweep stopped on an
    outlier batch, not at the LR's divergence, so its curve, which places the candidates and bounds them
    above, ends short of the scale; more steps meet that batch at a lower LR, where its update does not throw
    the sweep off (``retry``). Review 95: linear regression with SGD and an outlier at step 60 answered at the
    top of candidates the cut curve had placed low, 0.004x the best LR.

    Example:
        >>> c = Candidate(0.01, (2.0, 1.0, 1.0), 1.0, excused=(1,))
        >>> outlier_stop(Confirmation((c,), 3, 0.01, 2.0, 0), 1, 0.1).reason[:44]
        'the sweep stopped at step 1 (lr=0.1) on a ba'
        >>> outlier_stop(Confirmation((c,), 3, 0.01, 2.0, 0), 2, 0.1).chosen  # step 2 was not excused
        0
        >>> up = Candidate(0.1, (2.0, 9e4, 9e4), math.inf)  # diverged on that batch: the LR's, maybe
        >>> outlier_stop(Confirmation((c, up), 3, 0.01, 2.0, 0), 1, 0.1).chosen
        0
    """
    told = any(end in c.excused for c in conf.candidates)
    # a candidate that diverged there, or in the steps it took to tell: the stop may have been the LR's
    there = any(
        not math.isfinite(c.score) and end < len(c.losses) <= end + DATA_RUN + 1 for c in conf.candidates
    )
    if not told or there:
        return conf
    return Confirmation(
        conf.candidates,
        conf.steps,
        conf.anchor,
        conf.start,
        None,
        f"the sweep stopped at step {end} (lr={lr:.3g}) on a batch that the candidates came back from within "
        f"{DATA_RUN} steps, none diverging on it: an outlier batch's, not the LR's divergence, so the sweep "
        f"shows nothing of the LRs above; take more steps (num_steps: the batch then comes at a lower LR, "
        f"where its update does not throw the sweep off)",
        retry=True,
    )


def blow_up_line(level: float, first: float) -> float:
    """The loss above which a candidate has blown up: ``BLOWUP`` times the start ``level`` when it is positive;
    in general the level plus ``BLOWUP - 1`` times its magnitude (the candidate's ``first`` loss's when the
    level is 0), so that a loss at or below zero at the start (an offset loss, a log-likelihood) has a line
    too (review 87: a start level of -0.7 had none, and a candidate at 7e29 trained its whole length). The
    level is the sweep's start level (:func:`verdict`: the mean of its first losses, from the state every
    candidate starts from), not the candidate's first loss: one batch's loss is too noisy a measure of it
    (review 85: a first batch at 0.003 where the others were about 30, at batch size 2, had every candidate
    down to lr=1e-7 diverge at its second step, and the test gave no answer).

    Example:
        >>> blow_up_line(30.0, 2.0), blow_up_line(-0.5, 4.0), blow_up_line(0.0, 4.0)
        (30000.0, 499.0, 3996.0)
    """
    size = abs(level) if level != 0 else abs(first)
    return level + (BLOWUP - 1) * size if size > 0 else math.inf


def tail_length(steps: int) -> int:
    """How many of a candidate's last losses its score averages: ``TAIL`` of ``steps``, at least ``MIN_TAIL``."""
    return min(steps, max(MIN_TAIL, round(TAIL * steps)))


def refine(lrs: Sequence[float], scores: Sequence[float], best: int) -> tuple[float, float]:
    """The winner ``lrs[best]`` refined: the vertex of the parabola through it and its two neighbours, and the
    parabola's score there (see below for a neighbour that diverged).

    The parabola is fitted to log score over log LR when every score is positive (losses that span
    decades compare as ratios), to the scores themselves otherwise. A neighbour that diverged (a score that is
    not finite) is the limit of a score that grows without bound: the parabola's vertex then tends to the
    midpoint (in log LR) between the winner and its other neighbour, whatever their scores, so that midpoint
    is the answer, with the mean of their scores (the mean of their logs when positive; the parabola's own
    value there falls without bound, so it says nothing). Any finite score puts the vertex between that
    midpoint and the winner. The answer lies on the side of the winner that trained: the stability limit is
    somewhere between the winner and the diverged candidate, and a whole training at the winner would run close
    to it. The winner itself when it is the lowest or the highest candidate, both neighbours diverged, or the
    three points do not open upwards.

    The answer stays within half the set's spacing (``SPACING / 2``, a quarter decade) of the winner: with
    neighbours that spacing away the vertex lies there anyway (between the midpoints to each neighbour), and a
    neighbour the line search placed further away (its steps down double) leaves the LRs between it and the
    winner unmeasured. There the answer is that reach, with the score on the line between the two scores
    (r197: LBFGS, a winner whose upper neighbour diverged and whose lower one lay 2 decades down, where the
    model did not train, answered the midpoint a decade below the winner, where it did not train either).

    Example:
        >>> lr, sc = refine([0.001, 0.01, 0.1], [2.0, 1.0, 1.5], 1)
        >>> 0.01 < lr < 0.1, round(sc, 3)  # 0.1 scored better than 0.001: the vertex lies above the winner
        (True, 0.991)
        >>> lr, sc = refine([0.00316, 0.01, 0.0316], [2.0, 1.0, float("inf")], 1)  # 0.0316 diverged
        >>> round(lr, 5), round(sc, 3)  # halfway (in log LR) from the winner to 0.00316
        (0.00562, 1.414)
        >>> lr, sc = refine([0.0001, 0.01, 0.0316], [2.0, 1.0, float("inf")], 1)  # the other 2 decades down
        >>> round(lr, 5), round(sc, 3)  # a quarter decade below the winner, not the midpoint 0.001
        (0.00562, 1.091)
    """
    lr, sc = float(lrs[best]), float(scores[best])
    if not 0 < best < len(lrs) - 1:
        return lr, sc
    y = np.asarray(scores[best - 1 : best + 2], dtype=np.float64)
    positive = bool(np.all(y > 0))
    x = np.log10(np.asarray(lrs[best - 1 : best + 2], dtype=np.float64))
    finite = np.isfinite(y)
    if not finite[1] or not (finite[0] or finite[2]):
        return lr, sc
    # the farthest the answer moves from the winner: half the set's spacing, where the vertex lies anyway when
    # the neighbours are that spacing away; a neighbour the line search placed further (its steps that double)
    # leaves the LRs between it and the winner unmeasured (r197: 2 decades below a winner whose other neighbour
    # diverged, the midpoint was 1 decade below, at an LR where the model did not train)
    low, high = x[1] - SPACING / 2.0, x[1] + SPACING / 2.0
    if not np.all(finite):  # one neighbour diverged: the limit of its score growing without bound
        other = 0 if finite[0] else 2
        pair = y[[other, 1]]
        mid = float(np.mean(np.log(pair)) if positive else np.mean(pair))
        halfway = (x[other] + x[1]) / 2.0
        if low - 1e-9 <= halfway <= high + 1e-9:
            return float(10.0**halfway), float(math.exp(mid) if positive else mid)
        # (the limit's score at the reach: its parabola is unbounded, so the line between the pair's logs)
        reach = min(max(halfway, low), high)
        t = (reach - x[1]) / (x[other] - x[1])
        at = float(
            (1 - t) * (np.log(y[1]) if positive else y[1]) + t * (np.log(y[other]) if positive else y[other])
        )
        return float(10.0**reach), float(math.exp(at) if positive else at)
    a, b, c = np.polyfit(x, np.log(y) if positive else y, 2)
    if not a > 0:
        return lr, sc
    v = float(min(max(-b / (2.0 * a), x[0], low), x[2], high))
    fit = float(a * v * v + b * v + c)
    if v in (x[0], x[2]):  # at a neighbour: its LR itself (10 ** log10 rounds, past max_lr at the top)
        return float(lrs[best - 1 if v == x[0] else best + 1]), float(math.exp(fit) if positive else fit)
    return float(10.0**v), float(math.exp(fit) if positive else fit)


def plateau_top(candidates: Sequence[Candidate], best: int, steps: int) -> float:
    """The highest LR of the *plateau* (``candidates`` by increasing LR, ``best`` the winner's index, ``steps``
    each candidate's length): the winner and the candidates right above it (no gap, none diverged)
    whose scores lie within ``NOISE_SE`` standard errors of the winner's, each score's standard error
    measured from the spread of the losses it averages.

    Those LRs train as well as the winner over the candidates' steps; a constant LR stays at the winner
    (the noise a higher LR adds shows over a longer training), but a 1cycle or a cycle, which anneals
    or returns below its top, can peak as high as the plateau reaches.

    Positive scores compare as ratios, as the refinement's parabola does (:func:`refine`): the log of the
    ratio against the relative standard errors (the standard error of the log of a mean is its relative
    standard error). Where most losses are near 0 and a few spike, as on separable data, a score's
    standard error is as large as the score itself, and a difference of scores says nothing: a candidate
    at 800x the winner's score lay within the noise of its difference. Their ratio does not. Scores that
    are not all positive compare as differences.

    Example:
        >>> c = [Candidate(0.01, (1.0, 0.9, 1.1), 1.0), Candidate(0.1, (1.2, 0.8, 1.0), 1.0),
        ...      Candidate(1.0, (3.0, 3.1, 2.9), 3.0)]
        >>> plateau_top(c, 0, 3)
        0.1
        >>> spiky = [Candidate(0.1, (0.0, 0.0, 0.003), 0.001), Candidate(1.0, (0.0, 0.0, 2.4), 0.8)]
        >>> plateau_top(spiky, 0, 3)  # 800x the winner's score: no plateau, however noisy both are
        0.1
    """
    cands = list(candidates)  # by increasing LR, as a Confirmation holds them
    n = tail_length(steps)
    win = cands[best]
    top = best
    for i in range(best + 1, len(cands)):
        c = cands[i]
        if not math.isfinite(c.score) or not _alike(c, win, n):
            break
        top = i
    return cands[top].lr


def _alike(c: Candidate, win: Candidate, tail: int) -> bool:
    """Whether ``c``'s score lies within ``NOISE_SE`` standard errors above the winner's (as ratios when both
    are positive, see :func:`plateau_top`); equal scores are alike, also without noise."""
    se_c, se_w = _tail_se(c, tail), _tail_se(win, tail)
    if c.score > 0 and win.score > 0:
        return math.log(c.score / win.score) <= NOISE_SE * math.hypot(se_c / c.score, se_w / win.score)
    return c.score - win.score <= NOISE_SE * math.hypot(se_c, se_w)


def _lr_free(cands: Sequence[Candidate], steps: int) -> bool:
    """Whether the candidates' scores spread no more than LRs that do not matter would spread them
    (:func:`_shuffled` says ``"alike"``)."""
    return _shuffled(cands, steps) == "alike"


def _shuffled(cands: Sequence[Candidate], steps: int) -> str:
    """``"alike"`` where the candidates' scores spread no more than LRs that do not matter would spread them,
    ``"apart"`` where they stand out, ``"untold"`` where the test has no power (see below): against
    ``RELABELLINGS`` random relabellings, each shuffling which candidate had which loss at every step of the
    tail on its own, neither of two spreads stands out:

    - the spread of the tails' means (worst over best as a ratio where every loss is positive, else their
      difference): how far apart the scores are;
    - the spread of the candidates' mean ranks, ranked step by step: how consistently one candidate's loss
      lies below another's. Where a few steps hold most of the loss (separable data, whose losses are 0 but
      on a few hard batches, at a small batch size), those steps' shuffles spread the means as widely as
      the LR does, and only the ranks see that the candidates keep their order at nearly every step (r200:
      a logistic regression's candidates scored 0.064, 0.043, 0.029 and 0.11 and were "alike").

    The two are combined by their smaller p-value (the share of relabellings that spread at least as
    widely), judged against the relabellings' own smaller p-values: "alike" unless the observed one lies
    within the lowest ``1 - NormalDist().cdf(NOISE_SE)`` (7%) of those, so that LRs that do not matter are
    taken for different no more often than by one spread alone.

    Paired by step: the candidates train on the same batches, so what one batch's difficulty does to every
    candidate's loss at that step stays in each relabelling, and only the LR's part of the spread can stand
    out. The spread of 5 scores is the largest of 10 differences, which the test of the worst against the
    best at one pair's bar (:func:`_alike`) let through on 58% of candidates with equal means and independent
    noise (review 102); :func:`decide` takes the candidates as alike when this test says so, or the other
    where the best is an end of the candidates (this one alone let through, on the suggestion benchmark, a 1-D
    CNN's candidates that had all learned only the class prior, the best the highest LR, which the other
    refuses; the other, unpaired, took an inner best under heavy batch noise for alike: r201). The tails are
    the last ``tail_length(steps)`` steps that no candidate leaves out (``Candidate.left_out``). A spread of
    the means as wide as the widest any relabelling gives is not "alike": it stands out (``"apart"``), or,
    where more than ``1 - NormalDist().cdf(NOISE_SE)`` of the relabellings give it too, the test cannot tell
    (few steps where their losses differ, or two candidates over a short tail: ``"untold"``), and the test of
    the worst against the best decides alone.
    Deterministic (a seeded generator): every rank decides alike.

    Example:
        >>> rng = np.random.default_rng(1)
        >>> batch = 1.0 + rng.random(40)  # each step's batch, the same for every candidate
        >>> same = [Candidate(lr, tuple(batch + 0.01 * rng.standard_normal(40)), 1.0) for lr in (0.01, 0.1, 1.0)]
        >>> _lr_free(same, 40)
        True
        >>> apart = [Candidate(c.lr, tuple(np.array(c.losses) * (1 + 0.02 * i)), 1.0) for i, c in enumerate(same)]
        >>> _lr_free(apart, 40)
        False
    """
    n = tail_length(steps)
    left = {i for c in cands for i in c.left_out}
    length = min(steps, *(len(c.losses) for c in cands))  # (a candidate the Tuner ran has them all)
    kept = [i for i in range(max(steps - n, 0), length) if i not in left]
    x = np.array([[c.losses[i] for i in kept] for c in cands], dtype=np.float64).reshape(
        len(cands), len(kept)
    )
    level = NormalDist().cdf(NOISE_SE)
    if not x.size or not np.all(np.isfinite(x)):
        return "untold"
    ratio = bool(np.all(x > 0))
    ranks = _step_ranks(x)

    def spread(means: np.ndarray, as_ratio: bool) -> np.ndarray:
        hi, lo = means.max(axis=-1), means.min(axis=-1)
        return np.log(hi / lo) if as_ratio else hi - lo

    observed = float(spread(x.mean(axis=1), ratio))
    observed_ranks = float(spread(ranks.mean(axis=1), False))
    rng = np.random.default_rng(0)
    chunk = max(1, min(RELABELLINGS, 2_000_000 // x.size))  # (bounded memory for long tails: review 104)
    nulls: list[np.ndarray] = []
    null_ranks: list[np.ndarray] = []
    for done in range(0, RELABELLINGS, chunk):
        order = rng.random((min(chunk, RELABELLINGS - done), *x.shape)).argsort(axis=1)  # per step
        for values, out, as_ratio in ((x, nulls, ratio), (ranks, null_ranks, False)):
            out.append(
                spread(
                    np.take_along_axis(np.broadcast_to(values, order.shape), order, axis=1).mean(axis=2),
                    as_ratio,
                )
            )
    null, null_rank = np.concatenate(nulls), np.concatenate(null_ranks)
    top = float(null.max())
    if observed >= top - 1e-12 * abs(top):
        # the widest spread any relabelling gives: it stands out, or (more than 1 - level of the relabellings
        # give it too) the test has no power here and cannot tell; not "alike" either way (review 104: two
        # candidates 10x apart over a 4-step tail, or a spike among zeros at a few steps, were "alike")
        widest = float(_share_at_least(null, np.array([top - 1e-12 * abs(top)]))[0])
        return "untold" if widest > 1.0 - level else "apart"
    smallest = np.minimum(_share_at_least(null, null), _share_at_least(null_rank, null_rank))
    seen = min(
        _share_at_least(null, np.array([observed]))[0],
        _share_at_least(null_rank, np.array([observed_ranks]))[0],
    )
    return "alike" if float(np.mean(smallest <= seen)) > 1.0 - level else "apart"


def _step_ranks(x: np.ndarray) -> np.ndarray:
    """The rank of each row's value within each column of ``x`` (0 the lowest; ties share their mean rank)."""
    ranks = np.empty_like(x)
    for j in range(x.shape[1]):
        values, inverse = np.unique(x[:, j], return_inverse=True)
        below = np.concatenate([[0], np.cumsum(np.bincount(inverse, minlength=len(values)))])
        ranks[:, j] = (below[inverse] + below[inverse + 1] - 1) / 2.0
    return ranks


def _share_at_least(null: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For each of ``values``, the share of ``null`` at least as large (within rounding): its p-value."""
    ordered = np.sort(null)
    tol = 1e-12 * max(float(np.abs(ordered).max()), 1.0)
    return 1.0 - np.searchsorted(ordered, values - tol, side="left") / len(ordered)


def score(losses: Sequence[float], steps: int, excused: Sequence[int] = ()) -> float:
    """The mean of the last ``TAIL`` (at least ``MIN_TAIL``) of ``steps`` losses, but for the ``excused`` steps
    (a blow-up of the data's, :func:`data_blowup`: review 91, one outlier batch in the tail put 5e3 in every
    score, and the test said none trained); ``inf`` for a candidate that stopped early (diverged) or has a
    non-finite loss there.

    Example:
        >>> score([3.0, 2.0, 1.0, 1.0, 1.0], 5), score([3.0, float("nan")], 5)
        (1.0, inf)
        >>> score([3.0, 2.0, 1.0, 9e4, 1.0], 5, excused=[3])
        1.0
        >>> score([3.0, 2.0, 1.0, 9e4, 9e4, 9e4], 6, excused=[3, 4, 5])  # all the tail: the last others
        2.0
    """
    if len(losses) < steps:
        return math.inf
    tail = _tail(losses[:steps], tail_length(steps), excused)
    return float(np.mean(tail)) if len(tail) and np.all(np.isfinite(tail)) else math.inf


def _tail(losses: Sequence[float], n: int, excused: Sequence[int]) -> np.ndarray:
    """The last ``n`` of ``losses``, without the ``excused`` steps (the last ``n`` of the others when the
    excused take all of them: review 92)."""
    start = max(len(losses) - n, 0)
    kept = [x for i, x in enumerate(losses[start:], start) if i not in excused]
    if not kept:
        kept = [x for i, x in enumerate(losses) if i not in excused][-n:]
    return np.asarray(kept, dtype=np.float64)


def decide_after(
    candidates: Sequence[Candidate],
    steps: int,
    anchor: float,
    found: Verdict,
    lrs: Sequence[float],
    losses: Sequence[float],
) -> Confirmation:
    """:func:`decide` the ``candidates`` of a sweep (``lrs``, ``losses``, and ``found``, its :func:`verdict`),
    against the start level that stands for the untrained model's loss.

    The sweep's start level, the mean of its first tenth of losses, is the untrained model's loss when those
    steps ran at LRs too small to move it. Where the first tenth reached the lowest of the first candidates
    (``anchor * 10 ** min(FIRST)``, a decade below the sweep's lowest point: the sweep began among the LRs the
    test itself starts from), it may have trained the model, or blown it up: review 123, a
    range from ``min_lr=2`` blew the loss up from 2.3 to 20-70 in its first steps, the start level was 36, and
    candidates that all ended above 2.3, at chance accuracy, were "clearly below the start"; 3.61 was applied.
    Where that first tenth also rose clearly above the loss before the first update (the sweep's first, the
    same batch and state every candidate starts from), by ``NOISE_SE`` standard errors of the sweep's noise,
    the best candidate must also end below that loss, and a no-answer says the range may start too high. (That
    loss alone is not the start level: one batch's loss can lie far from the rest, review 85, and a bar set
    below it by the sweep's noise lay below 0 on small batches, review 124: the check is only the rise's.)

    Example:
        >>> c = [Candidate(2.0, (3.0, 3.0), 3.0), Candidate(4.9, (2.4, 2.4), 2.4)]
        >>> found = Verdict(5, 36.2, points=2, noise=0.05)
        >>> decide_after(c, 2, 4.9, found, [2.0, 3.2, 5.0], [2.31, 54.0, 9.5]).reason[:64]
        'the best candidate (lr=4.9) ends at loss 2.4, not below the loss'
        >>> below = [Candidate(2.0, (2.3, 2.5), 2.4), Candidate(4.9, (1.0, 1.1), 1.05)]
        >>> decide_after(below, 2, 4.9, found, [2.0, 3.2, 5.0], [2.31, 54.0, 9.5]).chosen  # below the first loss
        1
        >>> easy = Verdict(5, 2.4, points=2, noise=0.8)  # an easy first batch, within the noise of the others
        >>> decide_after(below, 2, 4.9, easy, [2.0, 3.2, 5.0], [1.5, 3.3, 9.5]).chosen
        1
    """
    conf = decide(candidates, steps, anchor, found.start, found.points, found.noise)
    first = float(losses[0]) if len(losses) else math.nan
    if (
        conf.chosen is None
        or found.start is None
        or not 1 <= found.points <= len(lrs)
        or lrs[found.points - 1] < anchor * 10.0 ** min(FIRST)
        or not math.isfinite(first)
        # the first tenth rose clearly above the loss before the first update: it blew the model up (a first
        # tenth within the noise of that loss, or below it, is a start level as good as any)
        or not found.start - first > NOISE_SE * found.noise * math.sqrt(1.0 + 1.0 / found.points)
    ):
        return conf
    best = conf.candidates[conf.chosen]
    if best.score < first:  # (no noise allowance: one loss, whose batch may be easy; review 124)
        return conf
    return replace(
        conf,
        chosen=None,
        reason=f"the best candidate (lr={best.lr:.3g}) ends at loss {best.score:.4g}, not below the loss before the "
        f"first update ({first:.4g}). The sweep's first {V.counted(found.points, 'step')} ran at LRs up to "
        f"{lrs[found.points - 1]:.3g}, within a decade of its lowest point (lr={anchor:.3g}), and rose to a start "
        f"level of {found.start:.4g}: they blew the model up, so that level is no untrained loss to compare "
        f"with. The range may start above the LRs that train the model; lower min_lr",
        retry=False,
    )


def decide(
    candidates: Sequence[Candidate],
    steps: int,
    anchor: float,
    start: float | None,
    points: int = 1,
    noise: float = 0.0,
) -> Confirmation:
    """The candidate of lowest score, or no answer: every candidate diverged, the best does not end
    clearly below the loss at the start, or the candidates' scores do not depend on the LR (ties go to
    the lower LR).

    "Clearly below the start": by ``NOISE_SE`` standard errors of the difference between the start level
    (a mean of ``points`` losses) and the score (a mean of the last fifth of ``steps``), for losses with the
    sweep's per-step ``noise``. A model that trains at no candidate LR ends within that of its start.

    "Do not depend on the LR": none diverged, and their scores spread no more than the same losses shuffled
    among the candidates step by step spread them (:func:`_lr_free`), or, where the best is the lowest or the
    highest LR (or the shuffles cannot tell: too short a tail), its score is not ``NOISE_SE`` standard errors
    below the worst's (each score's standard error measured from the spread of the losses it averages;
    positive scores compared as ratios, as the plateau compares them: :func:`plateau_top`). That second test does not pair the candidates by batch, so under heavy
    batch noise it takes clearly ordered candidates for alike (r201: a Huber regression's, at batch size 16,
    scored 1.09 to 0.96 and back to 1.00, no answer on two seeds of three); it is kept for a best at an end,
    the shape of candidates that all learned only a trivial solution, each higher LR a little further. The sweep
    said the loss falls near the anchor; candidates two decades around it that all end alike disagree (on
    a 1-D CNN whose sweep showed only noise, they all learned the class prior and nothing else, and the
    answer was 1/700 of the best LR).

    Example:
        >>> c = decide([Candidate(0.01, (2.0,), 1.5), Candidate(0.1, (2.0,), 2.5)], 1, 0.1, start=2.0)
        >>> c.lr
        0.01
        >>> decide([Candidate(0.01, (2.0,), 1.9)], 1, 0.1, start=2.0, noise=0.1).reason[:30]
        'the best candidate (lr=0.01) e'
    """
    cands = tuple(sorted(candidates, key=lambda c: c.lr))
    span = f"lr {cands[0].lr:.3g}..{cands[-1].lr:.3g}" if cands else "no candidates"

    def none(reason: str, retry: bool = False) -> Confirmation:
        return Confirmation(cands, steps, anchor, start, None, reason, retry)

    if not cands or not any(math.isfinite(c.score) for c in cands):
        return none(
            f"every candidate ({span}) diverged within {steps} steps, although the sweep's loss still fell at "
            f"lr={anchor:.3g}: the sweep is no guide to a constant LR here; sweep a lower range or take more "
            f"steps (num_steps), or pass confirm=False and read the curve"
        )
    best = min(range(len(cands)), key=lambda i: (cands[i].score, i))
    tail = tail_length(steps)
    margin = NOISE_SE * noise * math.sqrt(1.0 / max(points, 1) + 1.0 / tail)
    if start is not None and math.isfinite(start) and not cands[best].score < start - margin:
        # (r194: a test at epoch 1 of a model at 94% validation accuracy was told only to check the model)
        return none(
            f"the best candidate (lr={cands[best].lr:.3g}) ends at loss {cands[best].score:.4g}, not clearly "
            f"below the loss at the start ({start:.4g}: it must end below {start - margin:.4g}, {NOISE_SE:g} "
            f"standard errors of the losses' noise lower): none of "
            f"{span} trains in {steps} steps; check the model, or take more confirm_steps (a model already near "
            f"its best, as at a test after some epochs of training, has little left to gain in so few)",
            retry=True,
        )
    if len(cands) > 1 and all(math.isfinite(c.score) for c in cands):
        worst = max(range(len(cands)), key=lambda i: cands[i].score)
        # the unpaired bar (the batches' own noise) only where the best is an end of the candidates, or where
        # the shuffles cannot tell: an inner best that they set apart is worse at a higher LR and at a lower
        # one, so the LR matters (r201)
        shuffled = _shuffled(cands, steps)
        unpaired = best in (0, len(cands) - 1) or shuffled == "untold"
        if shuffled == "alike" or (unpaired and _alike(cands[worst], cands[best], tail)):
            return none(
                f"the candidates' losses do not depend on the LR: from {span} every candidate ends within the "
                f"noise of the others (best {cands[best].score:.4g}, worst {cands[worst].score:.4g}: within "
                f"{NOISE_SE:g} standard errors of each other, or no further apart than the same losses shuffled "
                f"among the candidates step by step), so the sweep's drop near lr={anchor:.3g} was not "
                f"the LR's doing (the model may only learn a trivial solution, such as the class prior, in "
                f"{steps} steps); take more confirm_steps or num_steps, or pass confirm=False and read the curve",
                retry=True,
            )
    return Confirmation(cands, steps, anchor, start, best)


def _tail_se(c: Candidate, tail: int) -> float:
    """The standard error of the mean of a candidate's last ``tail`` losses (its score), as the score reads
    them (without its excused steps)."""
    losses = _tail(c.losses, tail, c.left_out)
    return float(np.std(losses, ddof=1) / math.sqrt(len(losses))) if len(losses) > 1 else 0.0
