"""The InverseSqrt callback: a linear warm-up, then the LR falls as the inverse square root of the step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import _validate as V
from .. import schedules as S
from ..schedules import long_run
from . import _peers as peers
from ._args import LRSpec, lr_spec
from .base import OptimizerInfo, ScheduleCallback
from .durations import Duration, RunInfo, check_duration

__all__ = ["InverseSqrt"]


class InverseSqrt(ScheduleCallback):
    """The Transformer's schedule: a linear warm-up from 0 to ``peak`` over ``warmup``, then
    ``peak * sqrt(warmup / t)`` (see :class:`lightning_lr.schedules.long_run.InverseSqrt`). It has no end,
    so a run can go on as long as it likes; give ``warmup`` in optimizer steps when the run's length is
    unknown.

    Args:
        peak: the LR at the end of the warm-up. None: the optimizer's LR per param group (or a range
            test's suggestion). One number is the LR of the group with the largest LR, the others keep
            their ratio; a list gives one per group (None leaves a group alone).
        warmup: the warm-up's length (required): an int (optimizer steps), :class:`Epochs` or
            :class:`Fraction`, at least one step.
        optimizer: which optimizers to schedule: ``"all"``, an index or a class name.
        log_lr: log the LR and momentum of every param group at the optimizer steps Lightning logs
            (``log_every_n_steps``).
        preview: add a figure of the planned curve to TensorBoard at train start.

    Example:
        >>> from lightning_lr.callbacks import InverseSqrt
        >>> InverseSqrt(warmup=4000)
        InverseSqrt(warmup=4000)
    """

    range_test_args = ("peak",)
    reads_run = False

    @V.known_as(peers.INVERSE_SQRT)
    def __init__(
        self,
        peak: LRSpec = None,
        *,
        warmup: int | Duration,
        optimizer: int | str = "all",
        log_lr: bool = True,
        preview: bool = True,
    ) -> None:
        super().__init__(optimizer=optimizer, log_lr=log_lr, preview=preview)
        with V.context(self.name):
            self.peak: LRSpec = lr_spec("peak", peak)
            self.warmup = check_duration("warmup", warmup)

    def durations(self) -> dict[str, tuple[Any, int]]:
        return {"warmup": (self.warmup, 1)}

    def build(self, run: RunInfo, steps: Mapping[str, Any], info: OptimizerInfo) -> tuple[Any, Any]:
        peaks = self.starting_lrs("peak", info)
        out: list[S.Schedule | None] = []
        for peak in peaks:
            if peak is None:
                out.append(None)
                continue
            out.append(long_run.InverseSqrt(peak, warmup=steps["warmup"]))
        return out, None

    def range_test_values(self, result: Any) -> dict[str, float | None]:
        return {"peak": result.suggestion()}
