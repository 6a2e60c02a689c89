"""LRSchedule: any pure schedule (or one built from the run's length) as a callback."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .. import _lightning_compat as L
from .. import _validate as V
from .._lightning_compat import rank_zero_info
from ..schedules import Schedule
from ..schedules._base import check_picklable_function
from . import _resolve
from .base import OptimizerInfo, ScheduleCallback
from .durations import RunInfo

__all__ = ["LRSchedule"]

ScheduleArg = Schedule | Sequence[Schedule | None] | Callable[[RunInfo], Any]

_FORMS = (
    "a Schedule, a list with one Schedule (or None) per param group, or a function of the run "
    "(RunInfo -> Schedule or list)"
)


def _check_spec(owner: str, name: str, value: Any, *, allow_none: bool) -> Any:
    with V.context(owner):
        if value is None:
            if allow_none:
                return None
            V.fail(name, _FORMS, value, TypeError)
        if isinstance(value, Schedule):
            return value
        if isinstance(value, (list, tuple)):
            if not value:
                V.fail(
                    name, "a Schedule or a non-empty list with one Schedule (or None) per param group", value
                )
            for i, s in enumerate(value):
                if s is not None and not isinstance(s, Schedule):
                    V.fail(f"{name}[{i}]", "a Schedule or None", s, TypeError)
            return list(value)
        # a schedule's class, not one (review 117: it failed at fit, "missing 1 required argument: 'total'")
        if isinstance(value, type) and issubclass(value, Schedule):
            V.fail(name, f"a Schedule object, {value.__name__}(...), not the class", value, TypeError)
        if callable(value):
            return value
        V.fail(name, _FORMS, value, TypeError)


#: the steps :func:`_last_change` evaluates at most (16 MB of values); a longer run whose schedule still
#: changes there is taken to change to its end
LAST_CHANGE_STEPS = 2_000_000


def _last_change(lr: Any, total: int | None) -> int | None:
    """The step after the last one in ``0 .. total-1`` at which any of the ``lr`` schedules (one, or a list
    with None for groups left alone) changes its value: where it has done its work in a run of ``total``
    steps (``total`` itself when it changes to the end); None without a length, or if none changes."""
    if not total:
        return None
    n = min(total, LAST_CHANGE_STEPS)
    ends = []
    for schedule in lr if isinstance(lr, list) else [lr]:
        if schedule is None:
            continue
        values = schedule.values(n)
        changed = np.flatnonzero(values != values[-1])
        if changed.size:
            ends.append(total if n < total and changed[-1] == n - 2 else int(changed[-1]) + 1)
    return max(ends, default=None)


class LRSchedule(ScheduleCallback):
    """Any schedule from :mod:`lightning_lr.schedules` as a callback: the generic one.

    Args:
        lr: the LR schedule: one :class:`~lightning_lr.schedules.Schedule` for every param group (a group
            at lr=0 in the optimizer, frozen, is left at 0 with an info line, as the presets leave it; groups
            configured at different LRs, in one optimizer or across several, all get its values, with a
            warning: ``relative=True`` keeps their ratios), a list with one per group (None leaves a group
            alone), or a function ``f(run) -> Schedule or list`` called at fit start with a
            :class:`RunInfo`, for schedules whose lengths depend on the run
            (``run.steps(Epochs(2))``, ``run.total_steps``). The function must be defined at module level
            so the callback pickles (``ddp_spawn``). A function of the optimizer step, as torch's ``LambdaLR``
            takes, is a schedule: ``lr=Lambda(fn)`` (:class:`~lightning_lr.schedules.Lambda`), with
            ``relative=True`` when it gives factors of each group's LR.
        momentum: a momentum schedule in the same forms, or None to leave momentum alone. Written to
            ``momentum`` (SGD, RMSprop) or ``betas[0]`` (Adam, AdamW, NAdam, ...); an optimizer with
            neither is an error.
        relative: if True, the LR schedule is a factor of each param group's LR in the optimizer (its
            ``initial_lr``), so discriminative ratios are kept: ``lr=CosineDecay(1.0, total=1000)``
            anneals every group from its own LR.
        optimizer: which optimizers to schedule: ``"all"``, an index or a class name.
        log_lr: log the LR and momentum of every param group at the optimizer steps Lightning logs
            (``log_every_n_steps``).
        preview: add a figure of the planned curves to TensorBoard at train start.

    An LR range test does not change an explicit schedule: :meth:`apply_range_test` keeps it with a
    warning that gives the suggested LR. See :class:`ScheduleCallback` for injection, resume and logging.

    Example:
        >>> from lightning_lr.callbacks import Epochs, LRSchedule
        >>> from lightning_lr.schedules import CosineDecay, warmup
        >>> LRSchedule(warmup(CosineDecay(0.1, total=900), steps=100))
        LRSchedule(lr=Join(schedules=[Linear(start=0, end=0.1, total=100), CosineDecay(initial=0.1, total=900, final=0)], boundaries=[100]))
        >>> def cosine_after_one_epoch(run):
        ...     w = run.steps(Epochs(1))
        ...     return warmup(CosineDecay(0.1, total=run.total_steps - w), steps=w)
        >>> cb = LRSchedule(cosine_after_one_epoch)
    """

    reads_run = False  # but through the functions of the run it is given (set per instance)

    def __init__(
        self,
        lr: ScheduleArg,
        momentum: ScheduleArg | None = None,
        relative: bool = False,
        *,
        optimizer: int | str = "all",
        log_lr: bool = True,
        preview: bool = True,
    ) -> None:
        super().__init__(optimizer=optimizer, log_lr=log_lr, preview=preview)
        self._lr_end: int | None = None  # where the built LR schedules stop changing (``_end``)
        #: per optimizer index, whether its last build gave it one absolute schedule for every group
        self._one_schedule: dict[int, bool] = {}
        self.lr = _check_spec(self.name, "lr", lr, allow_none=False)
        self.momentum = _check_spec(self.name, "momentum", momentum, allow_none=True)
        # a function of the run reads it; schedules given as they are do not (nor does this class's build)
        functions = any(callable(s) and not isinstance(s, (Schedule, list)) for s in (self.lr, self.momentum))
        self.reads_run = type(self).reads_run or functions
        with V.context(self.name):
            self.relative = V.boolean("relative", relative)

    def _relative(self) -> bool:
        return self.relative

    def _end(self) -> tuple[str, int, bool] | None:
        """Where its LR schedules stop changing within the run (:func:`_last_change` of what :meth:`build`
        built), given by a function of the run (planned from its length) or as it is (in steps); None when
        nothing changes, or the run's length is unknown."""
        end = self._lr_end
        if not end:
            return None
        return "lr", end, not isinstance(self.lr, (Schedule, list))

    def _span_advice(self, known: bool) -> str:
        """The schedules are given as they are: a longer total, or a function of the run that sizes them."""
        run = "max_steps and " if not known else ""
        return (
            f"give the schedule a longer total, or {run}a function of the run that sizes it, "
            f"lr=f with def f(run): return CosineDecay(0.1, total=run.total_steps)"
        )

    def _runs_out(self) -> int | None:
        """The earliest end of the LR schedules given as they are (:meth:`_ends`); None without one."""
        return min(self._ends(), default=None)

    def _check_durations(self, trainer: Any) -> None:
        """As the presets': a schedule given as it is that ends before the run, or after it (cut off)."""
        super()._check_durations(trainer)
        if self.run is None or getattr(trainer, "fast_dev_run", False):
            return
        for what in ("lr", "momentum"):
            ends = self._ends_by_group("scheduled_until", what)
            if ends:
                # a list of one schedule per group: the groups whose schedule is cut off (review 44)
                n = self.run.total_steps
                groups = (
                    [i for i, end in ends if n is not None and end > n]
                    if isinstance(getattr(self, what), list)
                    else None
                )
                last = max(end for _, end in ends)
                _resolve.warn_if_cut_off(self.name, last, self.run, self.warn_once, what, groups)

    def _needs_rate(self) -> bool:
        """Also for a schedule given as it is whose end is checked against the run's optimizer steps."""
        return super()._needs_rate() or any(
            self._ends("scheduled_until", what) for what in ("lr", "momentum")
        )

    def _ends(self, which: str = "ends_at", what: str = "lr") -> list[int]:
        """``which`` (:meth:`Schedule.ends_at`, or :meth:`Schedule.scheduled_until`: in steps) of the
        ``what`` (``"lr"`` or ``"momentum"``) schedules given as they are; none for a function of the run
        (planned from its length) or schedules that have none."""
        return [end for _, end in self._ends_by_group(which, what)]

    def _ends_by_group(self, which: str, what: str) -> list[tuple[int, int]]:
        """:meth:`_ends` with the param group of each, by its index in a list of one schedule per group (0
        for one schedule for every group)."""
        spec = getattr(self, what)
        if not isinstance(spec, (Schedule, list)):
            return []
        specs = spec if isinstance(spec, list) else [spec]
        ends = [(i, None if s is None else getattr(s, which)()) for i, s in enumerate(specs)]
        return [(i, end) for i, end in ends if end is not None]

    def _evaluate(self, name: str, spec: Any, run: RunInfo) -> Any:
        if spec is None or isinstance(spec, (Schedule, list)):
            return spec
        qual = getattr(spec, "__qualname__", repr(spec))
        # a function of the step (torch's LambdaLR, review 117: "unsupported operand ... 'RunInfo'") is a schedule
        step = (
            f"; a function of the optimizer step is a schedule: {name}=lightning_lr.schedules.Lambda({qual})"
            + (
                ", with relative=True for factors of each group's LR as torch's LambdaLR takes"
                if name == "lr"
                else ""
            )
        )
        try:
            out = spec(run)
        except TypeError as exc:
            # Python names the type of an operand it cannot take in quotes ("... 'float' and 'RunInfo'"): a function
            # of the step; else a slip inside a function of the run, whose own error says it
            if "'RunInfo'" not in str(exc):
                raise
            raise TypeError(
                f"{self.name}: the {name} function {qual} is called once at fit start with the run's RunInfo and "
                f"must return a Schedule or a list; calling it raised {type(exc).__name__}: {exc}{step}"
            ) from exc
        if isinstance(out, (Schedule, list, tuple)) or (out is None and name == "momentum"):
            return _check_spec(self.name, f"{name} (returned by {qual})", out, allow_none=True)
        if isinstance(out, type) and issubclass(out, Schedule):
            step = f"; build one: {out.__name__}(...)"
        elif not isinstance(out, numbers.Real):  # only a number says the function was one of the step
            step = ""
        raise TypeError(
            f"{self.name}: the {name} function {qual} returned {out!r}; it must return a Schedule or a list "
            f"with one Schedule (or None) per param group{step}"
        )

    def build(self, run: RunInfo, steps: Mapping[str, Any], info: OptimizerInfo) -> tuple[Any, Any]:
        lr = self._evaluate("lr", self.lr, run)
        self._one_schedule[info.index] = isinstance(lr, Schedule) and not self.relative
        if self._one_schedule[info.index]:
            lr = self._for_each_group(lr, info)
        self._lr_end = _last_change(lr, run.total_steps)
        return lr, self._evaluate("momentum", self.momentum, run)

    def _tell_across_optimizers(self) -> None:
        """Warn once when one absolute LR schedule went to several optimizers configured at different LRs: each
        gets its values, so their ratio is lost (a GAN's generator at 2e-4 and discriminator at 1e-3 both at
        the schedule's 1e-3), as it is within one optimizer (:meth:`_for_each_group`)."""
        super()._tell_across_optimizers()
        # (an optimizer configured at lr 0 has no LR to keep: the schedule gives it its values, as it does groups
        # all at 0 within one; review 139)
        given = [
            e.info
            for e in self._injected
            if self._one_schedule.get(e.info.index) and max(e.info.base_lrs) > 0
        ]
        tops = {info.index: max(info.base_lrs) for info in given}
        if len(set(tops.values())) < 2:
            return
        each = ", ".join(f"{info.label} at lr {tops[info.index]:g}" for info in given)
        own = ", ".join(f"optimizer={info.index}" for info in given)
        self.warn_once(
            "one-for-all-optimizers",
            f"{self.name}: lr={self.lr!r} is one absolute schedule, so the optimizers it schedules, configured at "
            f"different LRs ({each}), all get its values and their ratio is not kept. To keep it, pass "
            f"relative=True with the schedule as a factor of each group's LR (e.g. CosineDecay(1.0, total=...)), "
            f"or give each optimizer its own LRSchedule ({own}).",
        )

    def _for_each_group(self, lr: Schedule, info: OptimizerInfo) -> Schedule | list[Schedule | None]:
        """One absolute LR schedule for an optimizer with several param groups, as the presets take one number
        (review 101): a group at lr=0 in the optimizer (frozen) is left alone at 0, with the presets' info line,
        while another group has an LR (every group at 0: the schedule gives them all their LR); the groups it
        schedules all get its values, with a warning when their LRs in the optimizer differ (their ratios are
        not kept). A list with the schedule for every group asks for that without a word."""
        lrs = info.base_lrs
        frozen = [i for i, b in enumerate(lrs) if b == 0] if max(lrs) > 0 else []
        if frozen and f"frozen-{info.index}" not in self._warned:
            self._warned.add(f"frozen-{info.index}")
            rank_zero_info(
                f"{self.name}: param group(s) {frozen} of {info.label} have lr=0 (frozen), so they are left at 0; "
                f"give lr as a list with a schedule for them to schedule them"
            )
        scheduled = [i for i in range(len(lrs)) if i not in frozen]
        if len({lrs[i] for i in scheduled}) > 1:
            configured = ", ".join(f"{lrs[i]:g}" for i in scheduled)
            self.warn_once(
                f"one-for-all-{info.index}",
                f"{self.name}: lr={lr!r} is one absolute schedule, so param groups {scheduled} of {info.label}, "
                f"configured at different LRs ({configured}), all get its values and their ratios are not kept. "
                f"To keep them, pass relative=True with the schedule as a factor of each group's LR (e.g. "
                f"CosineDecay(1.0, total=...)), or give lr as a list with one schedule per group; a list with "
                f"this schedule for every group gives them all its values without this warning.",
            )
        if not frozen:
            return lr
        return [None if i in frozen else lr for i in range(len(lrs))]

    def apply_range_test(self, result: Any, *, scheduled: bool = False) -> None:
        """An explicit schedule is kept: one warning gives the range test's suggested LR (use a preset
        such as :class:`OneCycle` with ``max_lr=None`` to have it filled in)."""
        self._check_lr_result(result)
        suggestion = result.suggestion()
        shown = "no suggestion" if suggestion is None else f"suggested lr {suggestion:g}"
        L.warn_at_user(
            f"{self.name} keeps lr={self.lr!r} (given explicitly; the range test {shown}). Use a preset with "
            f"its LR left as None (OneCycle, Cyclic, CosineDecay, ...) to take the range test's value.",
            category=UserWarning,
        )

    def __getstate__(self) -> dict[str, Any]:
        for name in ("lr", "momentum"):
            spec = getattr(self, name)
            if callable(spec) and not isinstance(spec, Schedule):
                check_picklable_function(self.name, name, spec)
        return super().__getstate__()
