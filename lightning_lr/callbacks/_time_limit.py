"""Warning when a time limit (``Trainer(max_time=...)`` or a ``Timer`` callback) will stop a run before the
steps its schedule was planned for.

A schedule whose durations are ``Epochs``/``Fraction`` is planned from ``max_epochs``/``max_steps`` and
does not shrink to fit the time: if the time runs out first, the LR stops where the schedule is then (in
its warm-up, before its decay). Whether it will cannot be told at fit start, so :class:`Pace` times the
first steps of the run and projects: one warning, with the numbers, when the planned steps need more time
than the limit leaves. A limit that is only a safety net says nothing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

__all__ = ["STEPS_TIMED", "Pace"]

#: the optimizer steps timed before the projection (after the first, which carries the start-up costs)
STEPS_TIMED = 20


class Pace:
    """Times the steps of a run that a time limit bounds; :meth:`check` after each batch."""

    def __init__(self, owner: str, planned: list[str]) -> None:
        self.owner = owner
        self.planned = planned  # the arguments planned from the run's length
        self.start: tuple[float, int] | None = None  # time and step once the first step is done
        self.done = False

    def check(
        self,
        step: int,
        total: int,
        remaining: float | None,
        epoch_end: bool,
        warn_once: Callable[[str, str], None],
    ) -> None:
        """After a batch that left the schedule at ``step`` of ``total``, with ``remaining`` seconds of the
        limit left: once :data:`STEPS_TIMED` steps (or the first epoch) are timed, warn if the rest of the
        planned steps will not fit."""
        if self.done or remaining is None:
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
        names = ", ".join(self.planned)
        warn_once(
            "time-limit",
            f"{self.owner}: the time limit (Trainer(max_time=...) or a Timer) will stop the run before the "
            f"schedule ends: at the pace of {timed} steps ({per_step:.3g} s each) its {total} planned steps "
            f"need {needed:.0f} s more, and {remaining:.0f} s are left, so it stops at about step {stop} of "
            f"{total}. {names} {'is' if len(self.planned) == 1 else 'are'} planned from max_epochs/max_steps "
            f"and do{'es' if len(self.planned) == 1 else ''} not shrink to fit the time: the LR stops where "
            f"the schedule is then. Set max_steps (or max_epochs) to what fits in the time to plan the "
            f"schedule for it.",
        )
