"""The WarmupStableDecay callback: a warm-up, the peak LR held, then a cooldown over the end of the run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import _validate as V
from .. import schedules as S
from ..schedules import long_run
from . import _peers as peers
from ._args import LRSpec, LRValues, final_ratio_arg, lr_spec
from .base import OptimizerInfo, ScheduleCallback
from .durations import (
    FIFTH_OF_RUN,
    WHOLE_RUN,
    Duration,
    Fraction,
    RunInfo,
    check_duration,
    exact_steps,
    same_unit,
)

__all__ = ["WarmupStableDecay"]


class WarmupStableDecay(ScheduleCallback):
    """Warmup-stable-decay (WSD), the schedule of long runs: a linear warm-up from 0 to ``peak``, ``peak``
    held, then a cooldown to ``final`` over the last ``decay`` of the run (see
    :class:`lightning_lr.schedules.long_run.WarmupStableDecay`).

    The cooldown is placed at the end of the run: when a run is extended on resume (a larger
    ``max_epochs``), ``total`` and ``decay`` given as :class:`Fraction` or :class:`Epochs` follow the new
    run, so the stable phase grows and the cooldown moves to the new end (one warning lists what changed).

    Args:
        peak: the LR of the stable phase. None: the optimizer's LR per param group (or a range test's
            suggestion). One number is the LR of the group with the largest LR, the others keep their
            ratio; a list gives one per group (None leaves a group alone).
        total: where the cooldown ends, counted from the start of training: an int (optimizer steps),
            :class:`Epochs` or :class:`Fraction`. Default: the whole run.
        warmup: the warm-up's length (0: none); it must end before the cooldown starts.
        decay: the cooldown's length. Default: the last 20% of the run.
        shape: the cooldown's shape, ``"1-sqrt"``, ``"linear"`` or ``"cosine"``.
        final: the LR at ``total`` and after, >= 0; one number (scaled by each group's ratio) or a list
            per group.
        final_ratio: the LR at ``total`` as a ratio of each group's peak instead of ``final``, in [0, 1]
            (transformers' ``min_lr_ratio``); give one of ``final`` and ``final_ratio``.
        optimizer: which optimizers to schedule: ``"all"``, an index or a class name.
        log_lr: log the LR and momentum of every param group at the optimizer steps Lightning logs
            (``log_every_n_steps``).
        preview: add a figure of the planned curve to TensorBoard at train start.

    Example:
        >>> from lightning_lr.callbacks import Epochs, WarmupStableDecay
        >>> WarmupStableDecay(warmup=Epochs(1))
        WarmupStableDecay(warmup=Epochs(1))
        >>> WarmupStableDecay(peak=3e-4, decay=1000, shape="linear")
        WarmupStableDecay(peak=0.0003, decay=1000, shape='linear')
    """

    range_test_args = ("peak",)
    reads_run = False
    schedule_end = "total"

    @V.known_as(peers.WSD)
    def __init__(
        self,
        peak: LRSpec = None,
        total: int | Duration = WHOLE_RUN,
        warmup: int | Duration = 0,
        decay: int | Duration = FIFTH_OF_RUN,
        shape: str = "1-sqrt",
        final: LRValues = 0.0,
        *,
        final_ratio: float | None = None,
        optimizer: int | str = "all",
        log_lr: bool = True,
        preview: bool = True,
    ) -> None:
        super().__init__(optimizer=optimizer, log_lr=log_lr, preview=preview)
        with V.context(self.name):
            self.peak: LRSpec = lr_spec("peak", peak)
            self.total = check_duration("total", total)
            self.warmup = check_duration("warmup", warmup, minimum=0)
            self.decay = check_duration("decay", decay)
            self.shape = V.one_of("shape", shape, long_run.SHAPES)
            self.final = lr_spec("final", final, allow_zero=True)
            if self.final is None or (isinstance(self.final, list) and None in self.final):
                V.fail(
                    "final", "a number >= 0 or a list with one number >= 0 per param group", final, TypeError
                )
            self.final_ratio = final_ratio_arg(final_ratio, self.final)
            # what can be checked before the run is known, by the schedule's own rules: lengths all in
            # steps (a decay longer than total, a warm-up into the cooldown), one final above one peak
            known = [d for d in (self.total, self.warmup, self.decay) if isinstance(d, int)]
            if len(known) == 3:
                long_run.WarmupStableDecay(1.0, self.total, self.warmup, self.decay)
            # and the same rules in fractions of the run or in epochs, where those are given in one unit, as
            # CosineDecay's warm-up and total are checked (review 42: Fraction(1.5) was said to be cut off, and
            # the fit then refused it)
            lengths = same_unit(self.total, self.decay)
            if len(known) < 3 and lengths is not None:
                total_n, decay_n = lengths
                if decay_n > total_n:
                    V.fail("decay", f"at most total ({self.total!r})", self.decay)
                sizes = same_unit(self.total, self.warmup, self.decay)
                if sizes is not None and sizes[1] > total_n - decay_n + 1e-12:
                    unit = "of the run" if isinstance(self.total, Fraction) else "epochs"
                    V.fail(
                        "warmup",
                        f"<= total - decay = {total_n:g} - {decay_n:g} {unit} (the warm-up must end before the "
                        f"cooldown starts)",
                        self.warmup,
                    )
            if isinstance(self.peak, float) and isinstance(self.final, float) and self.final > self.peak:
                V.fail("final", f"<= peak ({self.peak:g})", final)

    def durations(self) -> dict[str, tuple[Any, int]]:
        return {"total": (self.total, 1), "warmup": (self.warmup, 0), "decay": (self.decay, 1)}

    def build(self, run: RunInfo, steps: Mapping[str, Any], info: OptimizerInfo) -> tuple[Any, Any]:
        peaks = self.starting_lrs("peak", info)
        if self.final_ratio is not None:
            finals = [
                0.0 if p is None else p * self.final_ratio for p in peaks
            ]  # (a group left alone: unused)
        else:
            finals = self.per_group("final", self.final, info, default=[0.0] * len(info.base_lrs))
        self.check_left_alone(peaks, "peak", final=self.final)
        warmup = steps["warmup"]
        room = max(0, steps["total"] - steps["decay"])
        if warmup > room and exact_steps(self.warmup, run) <= (
            exact_steps(self.total, run) - exact_steps(self.decay, run) + 1e-9
        ):
            # lengths that fit the run may not once each is rounded to whole steps (0.45 and 0.55 of 10 steps:
            # 5 and 6): the warm-up gives the step back. One that does not fit before the rounding is the
            # schedule's error (review 122: total=10 steps in a run of 20, warmup=Fraction(0.3) and
            # decay=Fraction(0.3), 6 steps each, trained a warm-up of 4 steps without a word)
            warmup = room
        out: list[S.Schedule | None] = []
        for peak, final in zip(peaks, finals, strict=True):
            if peak is None:
                out.append(None)
                continue
            out.append(
                long_run.WarmupStableDecay(
                    peak,
                    total=steps["total"],
                    warmup=warmup,
                    decay=steps["decay"],
                    shape=self.shape,
                    final=final,
                )
            )
        if steps["decay"] == 1:  # review 72: the cooldown was planned and never took place, unsaid
            # (said of a plan the schedule takes: review 122, it came before the error of one it refused)
            self.warn_once(
                "decay-one-step",
                f"{self.name}: decay ({self.decay!r}) is 1 step in this run of {steps['total']}: the cooldown "
                f"reaches final at step total, after the run's last step, so its one step is at the peak and no "
                f"step trains below it; give a decay of at least 2 steps (a longer run, or a longer decay)",
            )
        return out, None

    def range_test_values(self, result: Any) -> dict[str, float | None]:
        return {"peak": result.suggestion()}
