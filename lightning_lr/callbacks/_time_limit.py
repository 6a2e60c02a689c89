"""Warnings when a run stops before the steps its schedule was planned for: a time limit
(``Trainer(max_time=...)`` or a ``Timer`` callback), projected from the run's first steps (:class:`Pace`),
or an early stop (``EarlyStopping``, any callback setting ``trainer.should_stop``), said at the end of the
fit (:func:`warn_stopped_early`).

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
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..optim import param_groups as pg

__all__ = ["STEPS_TIMED", "Pace", "warn_stopped_early"]

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


def warn_stopped_early(
    owner: str, entries: Sequence[Any], total: int | None, warn_once: Callable[[str, str], None]
) -> None:
    """At the end of a fit that ``trainer.should_stop`` ended: say once if a schedule of ``entries``
    (:class:`~._inject.Injected`) planned for ``total`` steps still had to change its LR, which then stayed
    where the schedule was (a 1cycle stopped at its peak was never annealed)."""
    for entry in entries:
        sched = entry.scheduler
        step = sched.last_epoch
        schedule = next((s for s in sched.lr_schedules if s is not None), None)
        if total is None or step >= total or schedule is None:
            continue
        now, end = schedule(step), schedule(total - 1)
        if math.isclose(now, end, rel_tol=1e-9, abs_tol=0.0):
            continue  # nothing left to change
        group = entry.optimizer.param_groups[sched.lr_schedules.index(schedule)]
        factor = pg.base_lr(group) if sched.relative else 1.0
        warn_once(
            "stopped-early",
            f"{owner}: the fit stopped at step {step} of the {total} its schedule was planned for "
            f"(trainer.should_stop: EarlyStopping or another callback stopped it), so the LR of "
            f"{entry.info.label} stayed where the schedule was, {now * factor:.3g}, and never reached its end "
            f"({end * factor:.3g} at step {total - 1}). A schedule planned for the run's length does not "
            f"shrink to an early stop: plan it for the steps the run will take, or lower the LR when the "
            f"metric stalls with ReduceOnPlateau.",
        )
        return
