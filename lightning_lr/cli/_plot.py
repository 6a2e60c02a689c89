"""``lightning-lr plot``: draw a schedule's LR (and momentum) before any training, and summarize it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._validate import counted
from ..schedules import Schedule

__all__ = [
    "Curve",
    "Horizon",
    "changes_after",
    "describe",
    "draw",
    "evaluate",
    "first_peak",
    "last_change",
    "natural_length",
]

MAX_STEPS = 10_000_000
DEFAULT_STEPS = 1000
#: the longest cycle whose first peak plot looks for
MAX_CYCLE = 1_000_000


def natural_length(schedule: Schedule) -> int:
    """A number of steps that shows the whole shape of ``schedule``: its own
    :meth:`~lightning_lr.schedules.Schedule.natural_length`, or :data:`DEFAULT_STEPS` if it has none."""
    n = schedule.natural_length(default=DEFAULT_STEPS)
    return DEFAULT_STEPS if n is None else n


def last_change(schedule: Schedule, until: int) -> int:
    """The step of the schedule's last change, read from its values at ``until`` (its
    :meth:`~lightning_lr.schedules.Schedule.scheduled_until`) and the step before: a warm-up reaches its peak at
    step ``until`` itself, a milestone's jump is at ``until - 1`` (r164: "the last change is at step 99" of a
    warm-up whose peak is at step 100)."""
    if until < 1:
        return 0
    # (the two steps it can be, not every step up to it: a milestone at 10**7 drawn over 1000 steps)
    return until if float(schedule(until)) != float(schedule(until - 1)) else until - 1


def first_peak(schedule: Schedule) -> tuple[int, float] | None:
    """A cyclic schedule's first peak (the step and its value): the highest value of its first cycle (review 183:
    read at ``step_size``, a sawtooth's ``step_size_down=0`` had restarted there, at ``base_lr``). None for
    another schedule, or a cycle longer than :data:`MAX_CYCLE`."""
    length = getattr(schedule, "cycle_length", None)
    if not isinstance(length, int) or length > MAX_CYCLE:
        return None
    values = schedule.values(length + 1)
    top = int(values.argmax())
    return top, float(values[top])


def changes_after(schedule: Schedule, until: int) -> bool:
    """Whether the schedule changes after ``until``, the last change it was told to make (a decay that goes
    on after its warm-up: ``InverseSqrt``, ``warmup(ExponentialDecay(...))``)."""
    at = float(schedule(until))
    return any(float(schedule(until + k)) != at for k in (1, 10, 1000))


@dataclass(frozen=True)
class Horizon:
    """How far to draw: ``steps`` optimizer steps; with ``steps_per_epoch`` the x axis is in epochs;
    with ``interval="epoch"`` the schedule's argument is the epoch index (held for an epoch; without
    ``steps_per_epoch`` one point per epoch, and the x axis counts epochs). ``end``: the optimizer step from
    which the schedule holds its final value (its :meth:`~lightning_lr.schedules.Schedule.ends_at`), or None;
    ``until``: the optimizer steps it needs for its last change
    (:meth:`~lightning_lr.schedules.Schedule.scheduled_until`), or None; ``last``: the optimizer step of that
    change (:func:`last_change`); ``goes_on``: it changes after that too (:func:`changes_after`)."""

    steps: int
    steps_per_epoch: int | None = None
    interval: str = "step"
    end: int | None = None
    until: int | None = None
    last: int | None = None
    goes_on: bool = False

    @property
    def epochs(self) -> float | None:
        return None if self.steps_per_epoch is None else self.steps / self.steps_per_epoch

    @property
    def unit(self) -> str:
        """What one point is: an optimizer step, or (``interval="epoch"`` without ``steps_per_epoch``) an
        epoch (review 70: "5 epochs of 1 steps")."""
        return "epoch" if self.interval == "epoch" and self.steps_per_epoch is None else "step"

    def cut_short(self) -> bool:
        """The schedule makes changes after the last point drawn (the last it was told to make: a warm-up's peak
        at step 100 is past a drawing of 100 steps)."""
        if self.until is None:
            return False
        if self.until == self.end or self.last is None:
            return self.until > self.steps
        return self.last >= self.steps

    def ends_within(self) -> bool:
        """The schedule ends before the last point drawn, which holds its final value from :attr:`end`."""
        return self.end is not None and 0 < self.end < self.steps


@dataclass(frozen=True)
class Curve:
    """A schedule's values over a horizon, and where its extremes fall."""

    name: str
    values: np.ndarray

    def extreme(self, highest: bool) -> tuple[float, int, int]:
        """(value, first step, last step of that contiguous plateau)."""
        v = self.values
        i = int(np.argmax(v) if highest else np.argmin(v))
        j = i
        while j + 1 < len(v) and v[j + 1] == v[i]:
            j += 1
        return float(v[i]), i, j


def evaluate(schedule: Schedule, horizon: Horizon) -> np.ndarray:
    """The schedule's value at every optimizer step ``0 .. horizon.steps - 1``."""
    if horizon.interval == "epoch":
        spe = horizon.steps_per_epoch or 1
        epochs = -(-horizon.steps // spe)
        return np.repeat(schedule.values(epochs), spe)[: horizon.steps]
    return schedule.values(horizon.steps)


def _where(step: int, horizon: Horizon) -> str:
    parts = [f"{horizon.unit} {step}"]
    if horizon.steps > 1:
        parts.append(f"{step / (horizon.steps - 1):.0%} of the run")
    if horizon.steps_per_epoch:
        parts.append(f"epoch {step / horizon.steps_per_epoch:.3g}")
    return ", ".join(parts)


def describe(lr: Curve, momentum: Curve | None, horizon: Horizon) -> list[str]:
    """The text summary: LR at start and end, the peak and where it falls; momentum likewise."""
    last, unit = horizon.steps - 1, horizon.unit
    if unit == "epoch":
        span = f"over {counted(horizon.steps, 'epoch')}, one point each (give --steps-per-epoch for optimizer steps)"
    else:
        each = (
            f" ({counted(horizon.epochs, 'epoch', shown=f'{horizon.epochs:g}')} of {counted(horizon.steps_per_epoch, 'step')})"
            if horizon.steps_per_epoch
            else ""
        )
        span = f"over {counted(horizon.steps, 'optimizer step')}{each}"
    lines = [f"{span}, interval={horizon.interval}"]
    for curve, highest, word in ((lr, True, "peak"), (momentum, False, "lowest")):
        if curve is None:
            continue
        v = curve.values
        label = f"{curve.name}:"
        if np.all(v == v[0]):
            lines.append(f"  {label:<10} constant {v[0]:.4g}")
            continue
        value, first, until = curve.extreme(highest)
        held = f", held to {unit} {until}" if until > first else ""
        lines.append(
            f"  {label:<10} start {v[0]:.4g}, end {v[-1]:.4g} ({unit} {last}); "
            f"{word} {value:.4g} at {_where(first, horizon)}{held}"
        )
    if horizon.ends_within():
        # review 70: a horizon past the schedule's end drew the held value as if it were scheduled
        lines.append(
            f"  the schedule's length is {horizon.end} {unit}s: {unit}s {horizon.end} to {last} hold its final "
            f"value {lr.values[-1]:.4g}"
        )
    if horizon.cut_short():
        # review 101: a horizon shorter than the schedule (--epochs 2 --steps-per-epoch 30 of a 100-step
        # 1cycle) drew part of it, unsaid
        until = horizon.until or 0
        # (the step of the change itself, from the values: r164 found a warm-up's peak said one step early)
        final = until - 1 if until == horizon.end or horizon.last is None else horizon.last
        if until == horizon.end:
            what = f"the schedule's length is {until} {unit}s"
        elif horizon.goes_on:
            what = f"the last change the schedule was told to make (a warm-up's end, a milestone) is at {unit} {final}"
        else:
            what = f"the schedule's last change is at {unit} {final}"
        whole = "to see it" if horizon.goes_on else "to see it all"
        advice = (
            f"draw {final + 1} {unit}s {whole}" if final < MAX_STEPS else f"plot draws at most {MAX_STEPS}"
        )
        left = f"{unit} {final} is" if final == horizon.steps else f"{unit}s {horizon.steps} to {final} are"
        lines.append(f"  {what}: {left} not drawn ({advice})")
        if horizon.goes_on:
            lines.append("  it goes on changing after that (a decay without an end)")
    return lines


def draw(
    schedule: Schedule,
    lr: Curve,
    momentum: Curve | None,
    horizon: Horizon,
    out: Path,
    log_y: bool = False,
    dpi: int = 100,
) -> None:
    """Write the LR (and momentum) figure to ``out`` (format from the suffix): the callbacks' preview
    figure (:func:`lightning_lr.plotting.schedule_figure`), with the peak marked and x in epochs when the
    horizon has them."""
    from ..plotting import offscreen, schedule_figure

    steps = np.arange(horizon.steps)
    x: Any = steps / horizon.steps_per_epoch if horizon.steps_per_epoch else steps
    per = ", evaluated per epoch" if horizon.interval == "epoch" else ""
    with offscreen():  # written to a file only
        fig = schedule_figure(
            x,
            {"lr": lr.values},
            None if momentum is None else {"momentum": momentum.values},
            title=repr(schedule) + per,
        )
    fig.texts[-1].set_fontsize(8) if fig.texts else None
    for ax, curve, highest in zip(fig.axes, (lr, momentum), (True, False), strict=False):
        assert curve is not None
        value, first, _ = curve.extreme(highest)
        if np.all(curve.values == curve.values[0]):
            continue
        color = ax.get_lines()[0].get_color()
        ax.plot([x[first]], [value], "o", color=color, markersize=5)
        where = f"epoch {x[first]:.3g}" if horizon.steps_per_epoch else f"{horizon.unit} {first}"
        ax.annotate(
            f"{'peak' if highest else 'lowest'} {value:.3g} at {where}",
            (x[first], value),
            xytext=(6, -12 if highest else 6),
            textcoords="offset points",
            fontsize=8,
        )
    if horizon.ends_within():
        assert horizon.end is not None
        at = x[horizon.end]
        for ax in fig.axes:
            ax.axvline(at, color="0.5", linestyle=":", linewidth=1)
        fig.axes[0].annotate(
            f"end of the schedule ({horizon.unit} {horizon.end})",
            (at, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -10),
            textcoords="offset points",
            fontsize=8,
            color="0.4",
        )
    if log_y:
        if np.all(lr.values > 0):
            fig.axes[0].set_yscale("log")
        else:
            fig.axes[0].set_title("(--log-y ignored: the LR reaches 0)", fontsize=8, loc="right")
    if horizon.steps_per_epoch or horizon.unit == "epoch":
        fig.axes[-1].set_xlabel("epoch")
    fig.tight_layout()
    fig.savefig(out, dpi=dpi)
