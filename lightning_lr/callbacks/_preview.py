"""The preview of a schedule callback: the planned LR and momentum of the whole run.

As arrays (:meth:`Preview.planned`) and as a figure added to TensorBoard.

The figure is drawn before the first step, not at train start: a callback later in the list (an
LRRangeTest) may still change the schedule in its own ``on_train_start``. When the schedule changes during
the run (a range test at a later epoch), the new plan is drawn at that step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import lightning.pytorch as pl

from .. import _lightning_compat as L
from .. import _validate as V
from .._lightning_compat import TensorBoardLogger, rank_zero_info
from ..optim import param_groups as pg
from ._inject import Injected
from .durations import RunInfo

__all__ = ["Preview"]

_Plan = tuple[list[str], list[Any], list[Any], list[float]]


class Preview:
    """What a callback plans (kept after the fit, for :meth:`planned`) and when to draw it."""

    def __init__(self) -> None:
        self.plans: list[_Plan] = []
        self.optimizer_tags: list[str] = []  # each plan's optimizer's LR tag (``lr-SGD``)
        self.due = False  # draw before the next batch
        self.drawn = False  # drawn in this fit: a new plan is drawn again

    def snapshot(self, entries: Sequence[Injected], tags: Sequence[list[str] | None]) -> None:
        """Keep what :meth:`planned` draws (schedules, tags, relative factors), without the optimizers.
        ``tags`` gives each entry's tags (None: named after the optimizer)."""
        plans = []
        self.optimizer_tags = []
        for entry, names in zip(entries, tags, strict=True):
            n = len(entry.info.base_lrs)
            names = names or [
                f"{entry.info.label}/pg{i + 1}" if n > 1 else entry.info.label for i in range(n)
            ]
            self.optimizer_tags.append(_optimizer_tag(names[0], entry.optimizer.param_groups))
            sched = entry.scheduler
            factors = [pg.base_lr(g) if sched.relative else 1.0 for g in entry.optimizer.param_groups]
            plans.append((names, list(sched.lr_schedules), list(sched.momentum_schedules), factors))
        self.plans = plans

    def planned(
        self, owner: str, run: RunInfo | None, n: int | None = None, points: int = 2000
    ) -> dict[str, Any]:
        """See :meth:`ScheduleCallback.planned <lightning_lr.callbacks.ScheduleCallback.planned>`."""
        import numpy as np

        with V.context(f"{owner}.planned"):  # (review 146: n=0 said "pass n", n=nan or "3" crashed inside)
            n = V.optional(V.positive_int, "n", n)
            points = V.positive_int("points", points)
        if not self.plans:
            raise ValueError(
                f"{owner}: no fit has planned its schedule in this process (under ddp_spawn, the plan comes "
                f"back to a callback given to the Trainer, not to one LRScheduleMixin declares); call planned() "
                f"after a fit in this process, or from a hook of the fit (on_train_start or later)"
            )
        total = n if n is not None else (run.total_steps if run else None)
        if not total:
            raise ValueError(
                f"{owner}.planned: the run's length is unknown (max_steps and max_epochs are -1, or the dataloader "
                f"has no length); pass n, a positive integer"
            )
        steps = np.unique(np.linspace(0, total - 1, min(points, total)).round().astype(np.int64))
        lrs: dict[str, Any] = {}
        moms: dict[str, Any] = {}
        for tags, lr_schedules, momentum_schedules, factors in self.plans:
            for tag, s, f in zip(tags, lr_schedules, factors, strict=True):
                if s is not None:
                    lrs[tag] = np.array([s(int(t)) * f for t in steps])
            for tag, s in zip(tags, momentum_schedules, strict=True):
                if s is not None:
                    moms[f"{tag}-momentum"] = np.array([s(int(t)) for t in steps])
        return {"steps": steps, "lr": lrs, "momentum": moms}

    def replanned(self) -> None:
        """The plan changed during the run: draw it again if it was drawn."""
        if self.drawn:
            self.due = True

    def reset(self) -> None:
        """End of a fit: nothing due, nothing drawn."""
        self.due = self.drawn = False

    def draw_if_due(self, trainer: pl.Trainer, owner: str, run: RunInfo | None) -> None:
        if self.due:
            self.due = False
            self.drawn = True
            self.draw(trainer, owner, run)

    def tag(self, trainer: pl.Trainer, owner: str) -> str:
        """``lr_schedule/<owner>``; beside another callback of that name (one per optimizer), followed by the
        LR tags of the optimizers this one schedules (``lr_schedule/OneCycle/lr-SGD``): TensorBoard shows one
        image of a tag and step (review 77: the second callback's preview hid the first's)."""
        same = [
            cb for cb in L.callbacks(trainer) if getattr(cb, "name", None) == owner and hasattr(cb, "planned")
        ]
        if len(same) < 2:
            return f"lr_schedule/{owner}"
        return f"lr_schedule/{owner}/{'+'.join(self.optimizer_tags)}"

    def draw(self, trainer: pl.Trainer, owner: str, run: RunInfo | None) -> None:
        """Add the figure under :meth:`tag` to every TensorBoardLogger (with matplotlib)."""
        loggers = [lg for lg in trainer.loggers if isinstance(lg, TensorBoardLogger)]
        if not loggers:
            return
        try:
            from .. import plotting

            plotting.pyplot()
        except ImportError as exc:  # the cause and what to install (review 74: the extra was not named)
            rank_zero_info(f"{owner}: no schedule preview is drawn ({exc}; preview=False says nothing)")
            return
        if run is None or run.total_steps is None:
            rank_zero_info(f"{owner}: the run's length is unknown, so no schedule preview is drawn")
            return
        curves = self.planned(owner, run)
        title = f"{owner}: planned schedule ({V.counted(run.total_steps, 'optimizer step')})"
        with plotting.offscreen():  # logged only: the user's matplotlib backend stays theirs
            fig = plotting.schedule_figure(
                curves["steps"],
                curves["lr"],
                curves["momentum"],
                title=title,
                marker=trainer.global_step or None,
                marker_label=f"the run is here (step {trainer.global_step})",
            )
        for lg in loggers:
            lg.experiment.add_figure(
                self.tag(trainer, owner), fig, global_step=trainer.global_step, close=False
            )


def _optimizer_tag(first: str, groups: Sequence[dict[str, Any]]) -> str:
    """An optimizer's LR tag from its first group's (``first``), as LearningRateMonitor builds that: the
    optimizer's followed by ``/<the group's name>`` (``/pg1`` unnamed, among several); one unnamed group's is
    the optimizer's own (reviews 79 and 80: a named group's name, or its first part, was kept).

    Example:
        >>> _optimizer_tag("lr-SGD/enc/pgA", [{"name": "enc/pgA"}, {"name": "enc/pgB"}])
        'lr-SGD'
        >>> _optimizer_tag("lr-SGD/pg1", [{}, {}]), _optimizer_tag("lr-Adam", [{}])
        ('lr-SGD', 'lr-Adam')
    """
    # as LearningRateMonitor's names (``_names``): among several groups any ``name`` is one ("" and 0 too:
    # review 81), one group's only when it is not empty
    if len(groups) > 1:
        suffix = f"/{groups[0].get('name', 'pg1')}"
    else:
        suffix = f"/{groups[0]['name']}" if groups and groups[0].get("name") else ""
    return first[: -len(suffix)] if suffix and first.endswith(suffix) else first
