"""The sweep's early stop: when the loss has diverged, and when a spike is an outlier batch's instead.

The stop compares a smoothed loss (bias-corrected EMA, the sweep's ``smoothing``) with a bar, ``threshold``
times its best (for a best <= 0, the best plus ``threshold - 1`` times its size), the best counted once the
average holds the first tenth of the steps (one lucky first batch is no level), and in the first quarter of the
sweep (where a stop leaves no answer) only above the start level (review 61). The loss itself must be above the
bar too.

One batch far above the others lifts the smoothed loss over the bar on its own (a weight of ``1 - smoothing``,
0.02, of a loss 1000x the level is 20x the level) and stopped the sweep there, at any LR, with no answer
(review 91). So a stop is held while the next steps tell an outlier batch from a divergence. It is the data's
when all of these hold:

- the loss at the step the average crossed the bar is a spike: a loss that on its own lifts the average from
  its best over the bar (``best + (bar - best) / w``, ``w`` the loss's weight in the bias-corrected average;
  at smoothing 0.98 about 30x the best at the end of the sweep's first tenth, 70x at step 30 of 100, up to 150x
  late). Ordinary noise at batch size 1 or 2 is none (review 93), and an average that several smaller losses
  lifted together is the LR's;
- no other spike, and no other run let through, lies in the tenth of the sweep before it: spikes that come
  back as the LR grows (RMSprop's, Adam's at a high LR) are the LR's;
- within ``DATA_RUN`` steps from it, a loss is back among the losses of the tenth of the sweep before it (no
  higher than the highest of those below the bar): a network the spike left worse is the LR's;
- and no loss before that climbs ``threshold`` times over the spike's: a run that climbs is the LR's, back or
  not (r197: 54, 425, 5512, then 4.29 on a 3-batch dataset; :func:`run_lasts`). Two outlier batches in a row
  are let through when the second's loss is below ``threshold`` times the first's.

The sweep then goes on, and the run's losses leave the average (they are replaced by the average before the
run): otherwise the lifted average held the stop's smoothed test true for a hundred steps after it, and an
ordinary loss above the bar ended the sweep (review 93). Otherwise the sweep diverged at the step the stop was
due, where its curve ends, as before; a NaN/inf within the run is a divergence there too, and so is a run the
sweep ends within. A divergence within a tenth after a run let through, or a NaN/inf there (review 95), began
at that run: its curve ends there (review 94: a classifier diverging at batch size 1 loses 0 on the confident
batches between its spikes). A tenth of the sweep is the same span of LR at every density. Every rank sees
the same losses (averaged over ranks), so every rank decides alike.

The spikes of a run let through (:attr:`EarlyStop.spikes`) are its outlier batches, which the candidates pass
over (``_candidates``); its other steps are ordinary batches the outlier's update left higher.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ._confirm import DATA_RUN, EARLY_FRACTION
from ._rules import search_start

__all__ = ["EarlyStop", "run_lasts"]


@dataclass
class EarlyStop:
    """The early stop of one sweep of ``num_steps``: :meth:`see` each finite loss in turn.

    Example:
        >>> stop = EarlyStop(4.0, 0.98, 100)
        >>> losses = [1.0] * 30 + [1e3] + [1.0] * 69
        >>> [stop.see(x) for x in losses].count(None), stop.outliers  # one outlier batch: the sweep goes on
        (100, [(30, 30)])
        >>> stop = EarlyStop(4.0, 0.98, 100)
        >>> [stop.see(x) for x in [1.0] * 30 + [1e3] * 4][-1]  # it lasts: a divergence where the stop was due
        30
    """

    threshold: float | None
    smoothing: float
    num_steps: int
    #: the runs of losses let through as outlier batches': (first step, last step)
    outliers: list[tuple[int, int]] = field(default_factory=list)
    #: the steps whose loss alone lifted the average over the bar (in a run let through: the outlier batches;
    #: the other steps of a run are ordinary batches the outlier's update left higher)
    spikes: list[int] = field(default_factory=list)
    #: the stop held while the next steps tell: (the step it was due at, the highest loss of the tenth before)
    held: tuple[int, float] | None = None
    _losses: list[float] = field(default_factory=list)
    _ema: list[tuple[float, float]] = field(default_factory=list)  # (average, weight) after each step
    _best: float = math.inf
    _start: float = math.inf

    def __post_init__(self) -> None:
        # the best counts once the average holds a tenth of the steps
        self.warm = max(1, search_start(self.num_steps))
        self.early = EARLY_FRACTION * self.num_steps
        # the span the rules about spikes look back over: a tenth, at least DATA_RUN losses (review 94: with
        # one, an ordinary loss a hair above it was no "back")
        self._tenth = max(self.warm, DATA_RUN)

    @property
    def smoothed(self) -> float:
        """The average the stop reads (without the runs let through)."""
        return _value(self._ema[-1]) if self._ema else math.nan

    def see(self, loss: float) -> int | None:
        """Take the next (finite) loss; the step the sweep diverged at, where its curve ends, or None to go on."""
        return self._back_to_let_through(self._see(loss))

    def end(self) -> int | None:
        """At the sweep's end: the step it diverged at if a stop is held (it cannot tell)."""
        return self._back_to_let_through(None if self.held is None else self.held[0])

    def nonfinite(self) -> int | None:
        """At a NaN/inf loss: the step it diverged at if a stop is held, or the first step of a run let through
        within a tenth before (a NaN is a divergence too: review 95); None: the sweep stops at the NaN."""
        t = len(self._losses)  # the NaN's step
        runs = [first for first, last in self.outliers if t - last <= self._tenth]
        return self._back_to_let_through(self.held[0] if self.held is not None else min(runs, default=None))

    def _back_to_let_through(self, at: int | None) -> int | None:
        """A divergence within a tenth after a run let through began at that run: it was the LR's first spike
        (review 94: a classifier diverging at batch size 1 loses 0 on every confident batch between its
        spikes, which passed for "back"), and the curve ends there, as before the runs were let through."""
        if at is None:
            return None
        t = len(self._losses) - 1
        return min([at, *(first for first, last in self.outliers if t - last <= self._tenth)])

    def _see(self, loss: float) -> int | None:
        t = len(self._losses)
        before = self._ema[-1] if self._ema else (0.0, 0.0)
        bar = self._bar()
        self._losses.append(loss)
        self._ema.append(_step(before, loss, self.smoothing))
        # a spike: a loss that alone lifts the average over the bar from its best (its weight in the average
        # is (1 - smoothing) over the average's own weight, bias-corrected: larger in the first steps)
        weight = self._ema[-1][1]
        spike = (
            bar is not None
            and t >= self.warm
            and loss > self._best + (bar - self._best) * weight / (1 - self.smoothing)
        )
        if spike:
            self.spikes.append(t)
        smoothed = self.smoothed
        if self.held is not None:
            due, normal = self.held
            # back among the losses before the spike: an outlier batch's, the sweep goes on
            if loss <= normal:
                self._ema[due:] = self._replayed(due, t)  # the run from the spike leaves the average
                self.outliers.append((due, t - 1))
                self.held = None
            elif run_lasts(self._losses[due], loss, t - due, self.threshold):
                return due  # it lasts or climbs: the LR's divergence
        elif (
            bar is not None
            and t >= self.warm
            and smoothed > bar
            and (t + 1 >= self.early or smoothed > self._start)
            and loss > bar
        ):
            # the average crossed the bar at this step: one batch's doing only if this loss alone lifted it
            # (review 93: a run counted back over every loss above the bar took in the ordinary noise of batch
            # size 2, and was too long); else several losses added up, the LR's
            tenth = max(0, t - self._tenth)
            # (a run let through counts too: moderate spikes of the LR's, each lifting the average over the bar
            # only with the ones before it, would otherwise pass one by one)
            recurs = any(tenth <= s < t for s in self.spikes) or any(
                tenth <= last for _, last in self.outliers
            )
            # "back" is among the losses of that tenth below the bar: a divergence's own rises before the
            # spike are no measure of the data's losses (review 94)
            ordinary = max((x for x in self._losses[tenth:t] if x <= bar), default=None)
            if not spike or recurs or ordinary is None:
                return t
            self.held = (t, ordinary)
        if t + 1 >= self.warm:
            self._best = min(self._best, self.smoothed)
        if t + 1 == self.warm:
            self._start = sum(self._losses) / self.warm
        return None

    def _bar(self) -> float | None:
        if self.threshold is None or not math.isfinite(self._best):
            return None
        return self._best + (self.threshold - 1.0) * abs(self._best)

    def _replayed(self, run: int, end: int) -> list[tuple[float, float]]:
        """The averages from step ``run`` (after the first tenth) on, had the losses of steps ``run``..``end - 1``
        been the average before ``run``."""
        state = self._ema[run - 1]
        level = _value(state)
        out = []
        for j in range(run, len(self._losses)):
            state = _step(state, level if j < end else self._losses[j], self.smoothing)
            out.append(state)
        return out


def run_lasts(first: float, loss: float, since: int, threshold: float | None) -> bool:
    """Whether a blow-up held while the next steps tell an outlier batch from a divergence (the sweep's early
    stop; a candidate's at the batch the sweep stopped on, ``_candidates``) is the LR's by its step ``since``
    steps after the held one, whose loss ``loss`` is not back (the caller tests that first), ``first`` the
    held step's loss:

    - a NaN/inf;
    - ``DATA_RUN`` steps without coming back;
    - a loss above ``threshold`` times ``first`` (as the early stop's bar is over its best; none with the
      early stop off): the run climbs as a divergence does, where the batches after an outlier's are
      ordinary ones its update left higher, which fall back. Outlier batches in a row differ by their noise,
      less than that.

    Example:
        >>> run_lasts(425.0, 5512.0, 1, 4.0), run_lasts(1e3, 1e3 + 7, 1, 4.0), run_lasts(1e3, 1e3, DATA_RUN, 4.0)
        (True, False, True)
        >>> run_lasts(1e3, float("nan"), 1, 4.0), run_lasts(425.0, 5512.0, 1, None), run_lasts(10.0, 40.0, 1, 4.0)
        (True, False, False)
    """
    if not math.isfinite(loss) or since >= DATA_RUN:
        return True
    return threshold is not None and loss > first + (threshold - 1.0) * abs(first)


def _step(state: tuple[float, float], loss: float, beta: float) -> tuple[float, float]:
    avg, weight = state
    return beta * avg + (1.0 - beta) * loss, beta * weight + (1.0 - beta)


def _value(state: tuple[float, float]) -> float:
    avg, weight = state
    return avg / weight if weight > 0 else math.nan
