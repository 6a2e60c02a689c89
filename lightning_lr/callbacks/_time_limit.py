"""Warning when a time limit (``Trainer(max_time=...)`` or a ``Timer`` callback) will stop a run before the
steps its schedule was planned for.

A schedule whose durations are ``Epochs``/``Fraction`` is planned from ``max_epochs``/``max_steps`` and
does not shrink to fit the time: if the time runs out first, the LR stops where the schedule is then (in
its warm-up, before its decay). Durations given in optimizer steps do not shrink either: a ``total=5000``
in a run the time stops at step 134 never decays. Whether the time runs out first cannot be told at fit
start, so :class:`Pace` times the first steps of the run and projects: one warning, with the numbers, when
the planned steps (the run's, or the last step the durations in steps reach) need more time than the limit
leaves. A limit that is only a safety net says nothing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping

__all__ = ["STEPS_TIMED", "Pace"]

#: the optimizer steps timed before the projection (after the first, which carries the start-up costs)
STEPS_TIMED = 20


class Pace:
    """Times the steps of a run that a time limit bounds; :meth:`check` after each batch."""

    def __init__(self, owner: str, planned: list[str], in_steps: Mapping[str, int] | None = None) -> None:
        self.owner = owner
        self.planned = planned  # the arguments planned from the run's length
        # with none of those: the arguments given in optimizer steps, each with the last step it reaches
        self.in_steps = dict(in_steps or {})
        self.start: tuple[float, int] | None = None  # time and step once the first step is done
        self.done = False

    def end(self, run_total: int | None) -> int | None:
        """The step the schedule is planned to (or None: unknown): the run's last (``run_total``) when a
        duration follows the run, else the last step the durations in steps reach, within the run."""
        if self.planned:
            return run_total
        if not self.in_steps:
            return None
        last = max(self.in_steps.values())
        return last if run_total is None else min(last, run_total)

    def check(
        self,
        step: int,
        run_total: int | None,
        remaining: float | None,
        epoch_end: bool,
        warn_once: Callable[[str, str], None],
    ) -> None:
        """After a batch that left the schedule at ``step`` in a run of ``run_total`` steps (None: unknown),
        with ``remaining`` seconds of the limit left: once :data:`STEPS_TIMED` steps (or the first epoch) are
        timed, warn if the rest of the planned steps (:meth:`end`) will not fit."""
        total = self.end(run_total)
        if self.done or remaining is None or total is None:
            return
        if self.start is None:
            if step >= 1:
                self.start = (time.monotonic(), step)
            return
        t0, s0 = self.start
        timed = step - s0
        if timed < STEPS_TIMED and not (epoch_end and timed > 0):
            return
        now = time.monotonic()
        self.done = True
        per_step = (now - t0) / timed
        needed = (total - step) * per_step
        if needed <= remaining:
            return
        stop = step + math.floor(remaining / per_step)
        said = (
            f"{self.owner}: the time limit (Trainer(max_time=...) or a Timer) will stop the run before the "
            f"schedule ends: at the pace of {timed} steps ({per_step:.3g} s each) its {total} planned steps "
            f"need {needed:.0f} s more, and {remaining:.0f} s are left, so it stops at about step {stop} of "
            f"{total}. "
        )
        one = len(self.planned or self.in_steps) == 1
        if self.planned:
            said += (
                f"{', '.join(self.planned)} {'is' if one else 'are'} planned from max_epochs/max_steps and "
                f"do{'es' if one else ''} not shrink to fit the time: the LR stops where the schedule is "
                f"then. Set max_steps (or max_epochs) to what fits in the time to plan the schedule for it."
            )
        else:
            given = ", ".join(f"{arg} (to step {last})" for arg, last in self.in_steps.items())
            said += (
                f"{given} {'is' if one else 'are'} given in optimizer steps and do{'es' if one else ''} not "
                f"shrink to fit the time: the LR stops where the schedule is then. Give durations that fit "
                f"in the time (about {stop} steps), or give them as Fraction(f) and set max_steps to what "
                f"fits."
            )
        warn_once("time-limit", said)
