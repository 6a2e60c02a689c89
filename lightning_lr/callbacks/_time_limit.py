"""Warnings when a run stops before its schedule has done its work: a time limit (``Trainer(max_time=...)``
or a ``Timer`` callback), projected from the run's first steps (:class:`Pace`), or an early stop
(``EarlyStopping``, any callback setting ``trainer.should_stop``), said at the end of the fit
(:func:`warn_stopped_early`).

A schedule with a planned end (``ScheduleCallback.schedule_end``: a 1cycle's or a cosine's ``total``, the last
milestone) does not shrink to fit the time or an early stop: the LR stays where the schedule is when the run
stops (in its warm-up, at a 1cycle's peak, before its decay). That is so whether the end was given in
optimizer steps (``total=5000`` in a run the time stops at step 134 never decays) or planned from the run
(``Fraction``, ``Epochs``). A schedule with no planned end (an exponential decay, a cycle) has nothing a
stop cuts short, and says nothing. Whether the time runs out
first cannot be told at fit start, so :class:`Pace` times the first steps of the run and projects: one
warning, with the numbers, when the steps to the end need more time than the limit leaves. A limit that is
only a safety net says nothing. Each fit is watched on its own (:class:`Stops`): a callback reused for a
second fit that stops early says so again.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import lightning.pytorch as pl

from .. import _lightning_compat as L
from .. import _validate as V
from ..optim import param_groups as pg
from . import _inject, _others

__all__ = ["STEPS_TIMED", "Pace", "Stops", "warn_stopped_early"]

#: the optimizer steps timed before the projection (after the first, which carries the start-up costs)
STEPS_TIMED = 20


class Pace:
    """Times the steps of a run that a time limit bounds; :meth:`check` after each batch.

    Args:
        owner: the callback's name.
        end: what gives the schedule's end (``ScheduleCallback.schedule_end``, e.g. ``"total"``).
        relative: whether it follows the run's length (``Epochs``/``Fraction``), else is given in optimizer
            steps.
    """

    def __init__(self, owner: str, end: str, relative: bool) -> None:
        self.owner = owner
        self.end = end
        self.relative = relative
        self.start: tuple[float, int] | None = None  # time and step once the first step is done
        self.done = False

    def check(
        self,
        step: int,
        total: int | None,
        remaining: float | None,
        epoch_end: bool,
        warn_once: Callable[[str, str], None],
    ) -> None:
        """After a batch that left the schedule at ``step`` of the ``total`` it is planned to (None: unknown),
        with ``remaining`` seconds of the limit left: once :data:`STEPS_TIMED` steps (or the first epoch) are
        timed, warn if the rest of the planned steps will not fit."""
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
            f"schedule ends: at the pace of {V.counted(timed, 'step')} ({per_step:.3g} s each) its "
            f"{V.counted(total, 'planned step')} "
            f"need {needed:.0f} s more, and {remaining:.0f} s are left, so it stops at about step {stop} of "
            f"{total}. "
        )
        if self.relative:
            said += (
                f"{self.end} is planned from the run's length (max_epochs/max_steps, the epochs' size), not "
                f"from the time, and does not shrink to fit it: the LR stops where the schedule is then. Set "
                f"max_steps (or max_epochs) to what fits in the time (about {V.counted(stop, 'step')}) to plan the schedule "
                f"for it."
            )
        else:
            said += (
                f"{self.end} (to step {total}) is given in optimizer steps and does not shrink to fit the "
                f"time: the LR stops where the schedule is then. Give a number of steps that fits in the time "
                f"(about {stop}), or a Fraction(f) of a run whose max_steps fits."
            )
        warn_once("time-limit", said)


def warn_stopped_early(
    owner: str,
    entries: Sequence[Any],
    end: tuple[str, int],
    timed_out: bool,
    reduces: bool,
    warn_once: Callable[[str, str], None],
    unstopped: str | None = None,
    limits: tuple[int | None, int | None] = (None, None),
) -> None:
    """At the end of a fit that ``trainer.should_stop`` ended (``timed_out``: the time limit did, though its
    pace said the run would fit, as when validation takes the time): say once if a schedule of
    ``entries`` (:class:`~._inject.Injected`, those still driving their optimizer) had not reached its
    ``end`` (the argument and its step) and would still have changed the LR, which then stayed where it
    was (a 1cycle stopped at its peak was never annealed). ``unstopped``: no stop ended it, but the run's
    length was unknown at its start (``"unknown"``: a train dataloader without a length), so the start could
    not say that the schedule outlasts it (review 54), or the run ended before the steps it was planned for
    (``"short"``: its last epoch took fewer steps than its loader's ``len()``, or a limit changed in it;
    review 72), or did so with a train dataloader without a length (``"unsized"``: the run was planned for
    ``max_steps``, and ``max_epochs``, each epoch ending where the data ran out, ended it first; review 127:
    it was said as a ``len()`` that was wrong). ``limits``: the Trainer's ``(max_steps, max_epochs)``, which
    the ``"unsized"`` warning names. ``reduces``: a ReduceOnPlateau already lowers
    the LR when the metric stalls (not advised again). The LR is read from the optimizer; the end's is
    that LR times the schedule's change to its end (a plateau's reductions are a factor on both)."""
    arg, last = end
    for entry in entries:
        sched = entry.scheduler
        step = sched.last_epoch
        index, schedule = next(((i, s) for i, s in enumerate(sched.lr_schedules) if s is not None), (0, None))
        if schedule is None or step >= last or step == 0:
            continue  # (a schedule that never stepped says so on its own: manual optimization)
        now, then = schedule(step), schedule(last)
        if math.isclose(now, then, rel_tol=1e-9, abs_tol=0.0) or now == 0.0:
            continue  # nothing left to change (or no ratio to tell it by)
        groups = entry.optimizer.param_groups
        lr = pg.lr(groups[index])  # the scheduler's value for step ``step``, which did not run
        label = f"param group {index} of {entry.info.label}" if len(groups) > 1 else entry.info.label
        target = "0" if then == 0.0 else f"about {lr * then / now:.3g}"
        if unstopped == "unsized":
            max_steps, max_epochs = limits
            if max_epochs is not None and max_epochs > 0:
                cause = (
                    f"the run ended there, before the steps it was planned for: its train dataloader has no len(), "
                    f"so the run was planned for max_steps={max_steps}, and max_epochs={max_epochs}, each epoch "
                    f"ending where the data ran out, ended it first, at step {step}"
                )
                advice = (
                    f"to the run: set max_steps to the steps the data gives ({step} in max_epochs={max_epochs}), "
                    f"or max_epochs=-1 so that max_steps ends the run"
                )
            else:  # (max_epochs=-1: a limit changed within the run ended it)
                cause = (
                    f"the run ended there, before the steps it was planned for: its train dataloader has no len(), "
                    f"so the run was planned for max_steps={max_steps}, and max_epochs or max_steps changed within it"
                )
                advice = "to the run: plan it for the steps the run takes (the max_steps it ends at)"
        elif unstopped == "short":
            cause = (
                "the run ended there, before the steps it was planned for: its last epoch took fewer steps than "
                "its train dataloader's len() said, or max_epochs or max_steps changed within it"
            )
            advice = (
                "to the run: plan it for the steps the run takes (give max_steps, or a len() that is right)"
            )
        elif unstopped == "unknown":
            cause = (
                "the run ended there, at the end of its data or its limits: its length was not known when it "
                "started (a train dataloader without a length), so this could not be said then"
            )
            advice = "to the run: plan it for the steps the run takes (give max_steps, or durations that fit)"
        elif timed_out:
            cause = "the time limit, Trainer(max_time=...) or a Timer, stopped it"
            advice = "to fit the time: plan it for the steps that fit (max_steps, or a shorter " + arg + ")"
        else:
            cause = "trainer.should_stop: EarlyStopping or another callback stopped it"
            advice = "to an early stop: plan it for the steps the run will take" + (
                "" if reduces else ", or lower the LR when the metric stalls with ReduceOnPlateau"
            )
        warn_once(
            "stopped-early",
            f"{owner}: the fit stopped at step {step}, before its schedule's end at step {last} ({arg}) "
            f"({cause}), so the LR of {label} was left at {lr:.3g} for its next step and never reached {target}. A schedule with a "
            f"planned end does not shrink {advice}.",
        )
        return


class Stops:
    """One fit's watch on the stops that cut its schedule short: the time limit's pace (:class:`Pace`, when a
    limit bounds the run and the schedule has an end) after each batch, the early stop at the end.

    ``end`` is the schedule's end in this run (``ScheduleCallback._end``: the argument, its step, whether it
    follows the run's length), None without one: then nothing is watched. At most one of the two warnings
    is said per fit (the time limit's has the numbers).

    Args:
        owner: the callback's name.
        trainer: the fit's trainer.
        end: the schedule's end, as it is planned at train start.
    """

    def __init__(self, owner: str, trainer: pl.Trainer, end: tuple[str, int, bool] | None) -> None:
        self.owner = owner
        self.said = False
        limited = L.time_remaining(trainer) is not None and not getattr(trainer, "fast_dev_run", False)
        self.pace = Pace(owner, end[0], end[2]) if end is not None and limited else None

    def _warn(self, key: str, message: str) -> None:
        if not self.said:
            self.said = True
            L.warn_at_user(message, category=UserWarning)

    def after_batch(
        self, trainer: pl.Trainer, step: int, end: tuple[str, int, bool] | None, epoch_end: bool
    ) -> None:
        """After a batch that left the schedule at ``step`` (``end``: as planned now, a range test may have
        changed it)."""
        if self.pace is not None:
            self.pace.check(step, end[1] if end else None, L.time_remaining(trainer), epoch_end, self._warn)

    def at_end(
        self,
        trainer: pl.Trainer,
        injected: Sequence[Any],
        end: tuple[str, int, bool] | None,
        unknown_length: bool = False,
        short: bool = False,
        unsized: bool = False,
    ) -> None:
        """At the fit's end: warn if ``trainer.should_stop`` ended it, or, in a run whose length was unknown at
        its start (``unknown_length``) or that ended before the steps it was planned for (``short``; ``unsized``:
        its train dataloader has no length, so it was planned for ``max_steps``), its end
        came before the ``end`` of a schedule among ``injected`` that still drives its optimizer
        (:func:`warn_stopped_early`)."""
        stopped = bool(trainer.should_stop)
        if (
            not (stopped or unknown_length or short)
            or getattr(trainer, "fast_dev_run", False)
            or end is None
            or self.said
        ):
            return
        remaining = L.time_remaining(trainer)
        timed_out = remaining is not None and remaining <= 0
        live = _others.driving(trainer.lr_scheduler_configs, injected)
        reduces = any(_inject.scale_owner(e.scheduler) is not None for e in live)
        why = None if stopped else "unknown" if unknown_length else "unsized" if unsized else "short"
        limits = (getattr(trainer, "max_steps", None), getattr(trainer, "max_epochs", None))
        warn_stopped_early(self.owner, live, end[:2], timed_out, reduces, self._warn, why, limits)
