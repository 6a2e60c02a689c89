"""OneCycle and Cyclic: the callbacks for the 1cycle policy and cyclical learning rates.

Both with inverse momentum cycling (Smith 2018, Smith 2017)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .. import _lightning_compat as L
from .. import _validate as V
from .. import schedules as S
from ..schedules.cyclic import cyclic_shape, flat_exp_range
from . import _peers as peers
from ._args import LRSpec, lr_spec
from .base import OptimizerInfo, ScheduleCallback
from .durations import TWO_EPOCHS, WHOLE_RUN, Duration, RunInfo, check_duration

__all__ = ["Cyclic", "OneCycle"]

# The checks below are the rules of schedules.OneCycle, schedules.Cyclic and their momentum schedules, with
# their words, for the arguments a preset passes on unchanged (the LRs and lengths are checked above them).


Momentum = float | list[float]


_MOMENTUM = "a number in [0, 1) or a list of them, one per param group"


def _check_momentum(base_momentum: Any, max_momentum: Any) -> None:
    """Each in [0, 1), one number or a list with one per param group (torch's ``base_momentum`` and
    ``max_momentum`` take either), and ``base_momentum <= max_momentum`` for every group."""
    values: list[list[float]] = []
    lengths: dict[str, int] = {}
    for name, value in (("base_momentum", base_momentum), ("max_momentum", max_momentum)):
        value = V.listed(name, value, _MOMENTUM)  # a 1-d array or tensor as its list
        if isinstance(value, (list, tuple)):
            values.append(V.sequence(name, value, _in_unit, what="numbers in [0, 1), one per param group"))
            lengths[name] = len(value)
        else:
            V.finite(name, value, _MOMENTUM)
            values.append([_in_unit(name, value)])
    if len(set(lengths.values())) > 1:
        count = lengths["base_momentum"]
        V.fail(
            "max_momentum",
            f"a list as long as base_momentum ({count} value{'s' if count != 1 else ''})",
            max_momentum,
        )
    n = max(lengths.values(), default=1)
    bases, tops = (v * n if len(v) == 1 else v for v in values)
    for i, (base, top) in enumerate(zip(bases, tops, strict=True)):
        if base > top:
            where = f"[{i}]" if lengths.get("base_momentum") is not None else ""
            V.fail(f"base_momentum{where}", f"<= max_momentum ({top:g})", base)


def _check_used(cycle_momentum: bool | None, base_momentum: Any, max_momentum: Any) -> None:
    """With ``cycle_momentum=False`` the momentum bounds do nothing: one given is refused, as an unused
    ``gamma`` is (review 67: it was dropped without a word; torch's schedulers drop it too)."""
    if cycle_momentum is not False:
        return
    for name, value, default in (
        ("base_momentum", base_momentum, 0.85),
        ("max_momentum", max_momentum, 0.95),
    ):
        value = V.listed(name, value, _MOMENTUM)
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        if any(v != default for v in values):
            V.fail(
                name,
                f"{default:g} (the default) with cycle_momentum=False: only a cycled momentum uses it (pass "
                f"cycle_momentum=True or None to cycle it, or leave {name} out)",
                value,
            )


def _held(value: Any) -> Momentum:
    """A momentum argument as kept: a list, tuple or 1-d array as a list of floats (a later change to the
    caller's list changes nothing; a 1-d tensor too)."""
    value = V.listed("momentum", value, _MOMENTUM)
    return [float(v) for v in value] if isinstance(value, (list, tuple)) else value


def _in_unit(name: str, value: Any) -> float:
    return V.in_range(name, value, 0.0, 1.0, lo_open=False, hi_open=True)


def _momentums(owner: str, base: Momentum, top: Momentum, info: OptimizerInfo) -> list[tuple[float, float]]:
    """``(base_momentum, max_momentum)`` for every param group of ``info``'s optimizer: a number for all of
    them, a list one per group."""
    n = len(info.base_lrs)
    out = []
    for arg, value in (("base_momentum", base), ("max_momentum", top)):
        if isinstance(value, (list, tuple)):
            if len(value) != n:
                raise ValueError(
                    f"{owner}: {arg} has {V.counted(len(value), 'value')} but the optimizer has "
                    f"{V.counted(n, 'param group')}; give one "
                    f"per group or a single number"
                )
            out.append([float(v) for v in value])
        else:
            out.append([float(value)] * n)
    return list(zip(out[0], out[1], strict=True))


def _check_one_cycle(
    pct_start: Any, anneal: Any, div_factor: Any, final_div_factor: Any, three_phase: bool
) -> None:
    pct = V.in_range("pct_start", pct_start, 0.0, 1.0, lo_open=False, hi_open=False)
    V.one_of("anneal", anneal, ("cos", "linear"))
    div = V.positive("div_factor", div_factor)
    if div < 1.0:
        V.fail("div_factor", ">= 1 (the start max_lr / div_factor must not be above max_lr)", div_factor)
    final = V.positive("final_div_factor", final_div_factor)
    if div * final < 1.0:
        V.fail(
            "final_div_factor",
            f">= 1 / div_factor = {1 / div:g} (the final LR max_lr / (div_factor * final_div_factor) must not "
            f"be above max_lr)",
            final_div_factor,
        )
    if three_phase and pct >= 0.5:
        V.fail(
            "pct_start",
            "< 0.5 with three_phase=True (the warm-up and cool-down phases each take pct_start of the run)",
            pct_start,
        )


def _round_up(x: float, digits: int = 3) -> float:
    """``x`` rounded up to ``digits`` significant digits (a bound that, printed, still holds)."""
    scale = 10.0 ** (math.floor(math.log10(x)) - digits + 1)
    return math.ceil(x / scale) * scale


def skipped_peak(
    total: int, pct_start: Any, anneal: str, div_factor: Any, final_div_factor: Any, given: str = ""
) -> str | None:
    """Why a three-phase 1cycle of ``total`` steps skips its peak, or None: decided by the planned curve
    (:attr:`lightning_lr.schedules.OneCycle.peak_reached`), not by a tuned bound (review 141: ``pct_start=0``,
    or a warm-up of 0.5 or 1.5 steps, trained at ``max_lr / div_factor`` at most, momentum at ``max_momentum``
    throughout, unsaid).

    A three-phase cycle skips its peak when no step rises above its start, ``max_lr / div_factor``: its warm-up
    (``pct_start * total``) is under 2 steps, no step lies between the start and the peak (at step
    ``pct_start * total - 1``), and the cool-down is as short, so the steps next to the peak are the start and a
    step at or past the cool-down's end (``pct_start=0``, or 0.5, 1.2 or 1.5 steps). A cycle whose steps rise at
    all is taken, though a fractional warm-up reaches less than ``max_lr`` (86% with 1.8 steps, 76% with 2.5,
    99.9% with 17.4): its LR and momentum do cycle, only not to the very top (review 142: refusing 1.9 steps,
    97% of ``max_lr``, beside 2.5 steps, taken at 76%, told the reach by no measure). A two-phase cycle's step
    after the peak is on its long anneal, within one step of ``max_lr``, so it is never said to skip it.
    ``given``: how the caller gave ``total``, said beside its steps."""
    cycle = S.OneCycle(
        1.0,
        total,
        pct_start=pct_start,
        anneal=anneal,
        div_factor=div_factor,
        final_div_factor=final_div_factor,
        three_phase=True,
    )
    top, warmup = cycle.peak_reached, float(pct_start) * total
    if top > cycle.initial_lr * (1 + 1e-9):  # it rises: the LR and momentum cycle
        return None
    peak = warmup - 1.0
    where = (
        f"whose peak (step {peak:.4g}) falls before the first step"
        if peak < 0
        else f"whose peak falls at step {peak:.4g}, between steps 0 and 1"
    )
    reached = (
        f"{100 * top:.3g}% of max_lr, no more than its start max_lr / div_factor: it never rises, max_lr is "
        f"never applied, and a cycled momentum never leaves max_momentum"
    )
    least = _round_up(2.0 / total)
    if least < 0.5:
        advice = (
            f"Give pct_start >= {least:g} (a warm-up of 2 steps or more: 2 / {total} steps; a whole number of steps "
            f"puts a step at the peak, max_lr itself), or three_phase=False"
        )
    else:
        advice = (
            f"A cycle of {total} steps has no room for a warm-up step in three phases (pct_start must stay below "
            f"0.5): give "
            f"three_phase=False, or a longer cycle"
        )
    return (
        f"pct_start={pct_start!r} with three_phase=True gives the cycle of {total} steps{given} a warm-up of "
        f"pct_start * total = {warmup:.4g} steps, {where}: no step lies between the start and the peak, and the "
        f"cool-down back to the start is as short as the warm-up, so the highest LR of the cycle is {reached}. {advice}"
    )


class OneCycle(ScheduleCallback):
    """The 1cycle policy (Smith 2018) for the whole run, with inverse momentum cycling.

    The LR warms up from ``max_lr / div_factor`` to ``max_lr`` over ``pct_start`` of the cycle, then
    anneals to ``max_lr / (div_factor * final_div_factor)``; momentum (SGD's ``momentum`` or Adam's
    ``betas[0]``) moves the opposite way between ``max_momentum`` and ``base_momentum``. The values are
    those of :class:`lightning_lr.schedules.OneCycle` (torch's ``OneCycleLR``).

    Args:
        max_lr: the peak LR. None: each param group's LR in the optimizer is its peak, unless an LR range
            test (:class:`~lightning_lr.LRRangeTest`) fills it in. One number is the peak of the group with
            the largest LR; the other groups keep their ratio to it. A list gives one peak per group
            (None leaves a group alone).
        total: the cycle's length: an int (optimizer steps), :class:`Epochs` or :class:`Fraction` of the
            run. Default: the whole run. After it, the final LR holds. A cycle takes at least 2 steps: an int
            below 2 is an error when the callback is made, an ``Epochs`` or ``Fraction`` in a run of one step
            at fit start (under ``fast_dev_run``
            the optimizer keeps its own LR, with an info line).
        pct_start: the fraction of the cycle spent warming up, in [0, 1] (0: no warm-up, the cycle starts at
            its peak; 1: only the warm-up, the LR ends at and holds ``max_lr``). With ``three_phase=True`` a
            warm-up (``pct_start * total``) under 2 steps may skip the peak, ``pct_start=0`` included: no step
            lies between the start and the peak, and the cool-down is as short (with 0, 0.5 or 1.5 steps the LR
            never leaves ``max_lr / div_factor``; with 1.8 it reaches 86% of ``max_lr``). Where no step rises
            above the start, an int ``total`` is refused when the callback is made, and a cycle that follows
            the run is warned of when it is planned.
        anneal: ``"cos"`` or ``"linear"``.
        div_factor: ``max_lr / div_factor`` is the starting LR.
        final_div_factor: the final LR is the starting LR divided by this.
        three_phase: come back down to the starting LR before annihilating (fast.ai's variant is
            two-phase; torch's ``three_phase=True``).
        cycle_momentum: None (default) cycles momentum where the optimizer has ``momentum`` or ``betas``,
            and warns once where it has neither (the LR is still scheduled); a param group configured with
            ``momentum=0`` (plain SGD, RMSprop's default) or ``beta1=0`` keeps it, with one warning (torch would switch
            momentum on silently). True cycles every group, momentum 0 included, and raises where the
            optimizer has no momentum; False leaves momentum alone (and refuses a ``base_momentum`` or
            ``max_momentum`` other than the default, which it would not use).
        base_momentum: the momentum at the LR peak; a list gives one per param group (as torch's).
        max_momentum: the momentum at the start and the end; a list gives one per param group.
        optimizer: which optimizers to schedule: ``"all"``, an index or a class name.
        log_lr: log the LR and momentum of every param group at the optimizer steps Lightning logs
            (``log_every_n_steps``).
        preview: add a figure of the planned curves to TensorBoard at train start.

    A range test calls :meth:`apply_range_test`: it fills ``max_lr`` from ``result.one_cycle_max_lr()``,
    read for this callback's own shape (``pct_start``, ``anneal``, ...), when ``max_lr`` is None, keeps an explicit ``max_lr`` with a warning, and applies the new peak to the
    running fit from the next step. See :class:`ScheduleCallback` for injection, resume and logging.

    Example:
        >>> import lightning.pytorch as pl
        >>> from lightning_lr.callbacks import Epochs, OneCycle
        >>> OneCycle(max_lr=0.1)
        OneCycle(max_lr=0.1)
        >>> trainer = pl.Trainer(max_epochs=3, callbacks=[OneCycle(max_lr=0.1, total=Epochs(2))], logger=False)
    """

    range_test_args = ("max_lr",)
    reads_run = False
    schedule_end = "total"

    @V.known_as(peers.ONE_CYCLE)
    def __init__(
        self,
        max_lr: LRSpec = None,
        total: int | Duration = WHOLE_RUN,
        pct_start: float = 0.3,
        anneal: str = "cos",
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        cycle_momentum: bool | None = None,
        base_momentum: float | Sequence[float] = 0.85,
        max_momentum: float | Sequence[float] = 0.95,
        *,
        optimizer: int | str = "all",
        log_lr: bool = True,
        preview: bool = True,
    ) -> None:
        super().__init__(optimizer=optimizer, log_lr=log_lr, preview=preview)
        with V.context(self.name):
            self.max_lr = lr_spec("max_lr", max_lr)
            # a cycle takes a step up and a step down: refused here as the fit start would (review 141: total=1
            # passed construction and failed at fit start with ">= 2", total=0 said ">= 1")
            self.total = check_duration("total", total, minimum=2)
            self.three_phase = V.boolean("three_phase", three_phase)
            self.cycle_momentum = V.optional(V.boolean, "cycle_momentum", cycle_momentum)
            _check_one_cycle(pct_start, anneal, div_factor, final_div_factor, self.three_phase)
            if self.three_phase and isinstance(self.total, int):  # the cycle is known: its steps are planned
                skipped = skipped_peak(self.total, pct_start, anneal, div_factor, final_div_factor)
                if skipped is not None:
                    raise ValueError(skipped)
            _check_momentum(base_momentum, max_momentum)
            _check_used(self.cycle_momentum, base_momentum, max_momentum)
        self.pct_start = pct_start
        self.anneal = anneal
        self.div_factor = div_factor
        self.final_div_factor = final_div_factor
        if final_div_factor < 1.0:  # allowed, as torch allows it; an anneal that ends above its start (r195)
            L.warn_at_user(
                f"{self.name}: final_div_factor={final_div_factor:g} < 1 ends the anneal at max_lr / "
                f"{div_factor * final_div_factor:g}, {1 / final_div_factor:.3g}x above where the cycle starts "
                f"(max_lr / {div_factor:g}); 1cycle anneals below its start (torch's default 1e4). Pass "
                f"final_div_factor >= 1",
                category=UserWarning,
            )
        self.base_momentum: Momentum = _held(base_momentum)
        self.max_momentum: Momentum = _held(max_momentum)

    def _schedule(self, peak: float, total: int) -> S.OneCycle:
        return S.OneCycle(
            peak,
            total_steps=total,
            pct_start=self.pct_start,
            anneal=self.anneal,
            div_factor=self.div_factor,
            final_div_factor=self.final_div_factor,
            three_phase=self.three_phase,
        )

    def durations(self) -> dict[str, tuple[Any, int]]:
        return {"total": (self.total, 2)}  # a cycle needs a step up and a step down

    def build(self, run: RunInfo, steps: Mapping[str, Any], info: OptimizerInfo) -> tuple[Any, Any]:
        peaks = self.lead_lrs("max_lr", info)
        lrs = [None if p is None else self._schedule(p, steps["total"]) for p in peaks]
        if self.three_phase and not isinstance(self.total, int):  # (an int total was checked when made)
            total = steps["total"]
            skipped = skipped_peak(
                total,
                self.pct_start,
                self.anneal,
                self.div_factor,
                self.final_div_factor,
                given=(
                    " (the whole run)"
                    if self.total == WHOLE_RUN
                    else f" (total={self.total!r}, in a run of {run.total_steps} steps)"
                ),
            )
            if skipped is not None:  # a short run may be a real one (a smoke test): said, not refused
                self.warn_once("skipped-peak", f"{self.name}: {skipped}")
        cycled = self.cycled_momentum(self.cycle_momentum, info)
        if not any(cycled):
            return lrs, None
        pairs = _momentums(self.name, self.base_momentum, self.max_momentum, info)
        momentum = [
            s.momentum(base, top) if s is not None and on else None
            for s, on, (base, top) in zip(lrs, cycled, pairs, strict=True)
        ]
        return lrs, momentum

    def range_test_values(self, result: Any) -> dict[str, float | None]:
        """The peak for this callback's own shape (its mean LR sets the peak's lower bound)."""
        with warnings.catch_warnings():
            # the shape is this schedule's own, not a question to the result: that the 'minimum' rule's peak
            # does not depend on it is no news to the user
            warnings.simplefilter("ignore", V.UnusedArgumentWarning)
            peak = result.one_cycle_max_lr(
                pct_start=self.pct_start,
                anneal=self.anneal,
                div_factor=self.div_factor,
                final_div_factor=self.final_div_factor,
                three_phase=self.three_phase,
            )
        return {"max_lr": peak}


class Cyclic(ScheduleCallback):
    """Cyclical learning rates (Smith 2017): the LR goes back and forth between ``base_lr`` and
    ``max_lr``, momentum the opposite way.

    Args:
        base_lr: the lower bound, >= 0 (0: the cycle starts from 0, as torch's may). None: ``max_lr / 4``
            (Smith suggests a third to a quarter of ``max_lr``), unless an LR range test fills it in. One
            number, or a list per param group, as ``max_lr``.
        max_lr: the upper bound. None: each param group's LR in the optimizer, unless an LR range test
            fills it in. One number is the bound of the group with the largest LR; the other groups keep
            their ratio to it. A list gives one value per group (None leaves a group alone).
        step_size: half a cycle (the rise): an int (optimizer steps), :class:`Epochs` or
            :class:`Fraction`. Smith suggests 2 to 10 epochs.
        step_size_down: the fall, if different from ``step_size``; 0 is a sawtooth (each cycle starts again
            from ``base_lr``), as torch's ``CyclicLR(step_size_down=0)``.
        mode: ``"triangular"`` (constant amplitude), ``"triangular2"`` (halved every cycle) or
            ``"exp_range"`` (multiplied by ``gamma ** step``).
        gamma: the per-step factor of ``"exp_range"``, in (0, 1].
        scale_fn: a custom amplitude function instead of ``mode`` (a module-level function, so it pickles).
        scale_mode: ``"cycle"`` or ``"iterations"``, what ``scale_fn`` receives.
        cycle_momentum: None (default), True or False, as in :class:`OneCycle`.
        base_momentum: the momentum at the LR peak. 0.85 and 0.95 (``max_momentum``) are
            :class:`OneCycle`'s defaults and Smith's recommended range; torch's ``CyclicLR`` and the
            ``lightning_lr.optim.CyclicLR`` drop-in default to 0.8 and 0.9.
            A list gives one per param group (as torch's).
        max_momentum: the momentum at ``base_lr``; a list gives one per param group.
        optimizer: which optimizers to schedule: ``"all"``, an index or a class name.
        log_lr: log the LR and momentum of every param group at the optimizer steps Lightning logs
            (``log_every_n_steps``).
        preview: add a figure of the planned curves to TensorBoard at train start.

    A range test calls :meth:`apply_range_test`: it fills ``base_lr`` and ``max_lr`` from
    ``result.cyclic_bounds()`` where they are None and keeps explicit ones with a warning.

    Example:
        >>> from lightning_lr.callbacks import Cyclic, Epochs
        >>> Cyclic(base_lr=0.01, max_lr=0.1, step_size=Epochs(4), mode="triangular2")
        Cyclic(base_lr=0.01, max_lr=0.1, step_size=Epochs(4), mode='triangular2')
    """

    periods = ("step_size", "step_size_down")

    range_test_args = ("base_lr", "max_lr")
    reads_run = False

    @V.known_as(peers.CYCLIC)
    def __init__(
        self,
        base_lr: LRSpec = None,
        max_lr: LRSpec = None,
        step_size: int | Duration = TWO_EPOCHS,
        step_size_down: int | Duration | None = None,
        mode: str = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: str | None = None,
        cycle_momentum: bool | None = None,
        base_momentum: float | Sequence[float] = 0.85,
        max_momentum: float | Sequence[float] = 0.95,
        *,
        optimizer: int | str = "all",
        log_lr: bool = True,
        preview: bool = True,
    ) -> None:
        super().__init__(optimizer=optimizer, log_lr=log_lr, preview=preview)
        with V.context(self.name):
            # >= 0: a cycle may start from 0, as the schedule's and torch's (review 122: 0 was refused here only)
            self.base_lr = lr_spec("base_lr", base_lr, allow_zero=True)
            self.max_lr = lr_spec("max_lr", max_lr)
            self.step_size = check_duration("step_size", step_size)
            self.step_size_down = (
                None
                if step_size_down is None
                else check_duration("step_size_down", step_size_down, minimum=0)
            )
            self.cycle_momentum = V.optional(V.boolean, "cycle_momentum", cycle_momentum)
            if (
                isinstance(self.base_lr, float)
                and isinstance(self.max_lr, float)
                and self.base_lr > self.max_lr
            ):
                V.fail("base_lr", f"<= max_lr ({self.max_lr:g})", base_lr)
            cyclic_shape(mode, gamma, scale_fn, scale_mode)  # the schedule's own rules
            flat = flat_exp_range(mode, gamma, scale_fn)
            if flat is not None:
                L.warn_at_user(f"{self.name}: {flat}", category=UserWarning)
            if (
                isinstance(self.base_lr, float) and self.base_lr == self.max_lr
            ):  # (r195: taken without a word)
                L.warn_at_user(
                    f"{self.name}: base_lr = max_lr = {self.base_lr:g}: the cycle has no amplitude, and the LR stays "
                    f"at {self.base_lr:g} for the whole run; give base_lr < max_lr (or leave the callback out for a "
                    f"constant LR)",
                    category=UserWarning,
                )
            _check_momentum(base_momentum, max_momentum)
            _check_used(self.cycle_momentum, base_momentum, max_momentum)
        self.mode = mode
        self.gamma = gamma
        self.scale_fn = scale_fn
        self.scale_mode = scale_mode
        self.base_momentum: Momentum = _held(base_momentum)
        self.max_momentum: Momentum = _held(max_momentum)

    def _list_hint(self, arg: str, spec: Sequence[float | None]) -> str:
        # (r192: Cyclic(result.cyclic_bounds()) took the pair as one base_lr per param group, refused at fit with
        # no word of the pair it was)
        if arg == "base_lr" and self.max_lr is None and len(spec) == 2:
            return (
                "; a pair (base_lr, max_lr), as result.cyclic_bounds() gives, is two arguments: "
                "Cyclic(*bounds) or Cyclic(base_lr=..., max_lr=...)"
            )
        return ""

    def _schedule(self, base: float, top: float, up: int, down: int) -> S.Cyclic:
        return S.Cyclic(
            base,
            top,
            step_size=up,
            step_size_down=down,
            mode=self.mode,
            gamma=self.gamma,
            scale_fn=self.scale_fn,
            scale_mode=self.scale_mode,
        )

    def durations(self) -> dict[str, tuple[Any, int]]:
        out: dict[str, tuple[Any, int]] = {"step_size": (self.step_size, 1)}
        if self.step_size_down is not None:
            out["step_size_down"] = (self.step_size_down, 0)  # 0: a sawtooth, as torch's CyclicLR
        return out

    def build(self, run: RunInfo, steps: Mapping[str, Any], info: OptimizerInfo) -> tuple[Any, Any]:
        tops = self.lead_lrs("max_lr", info)
        base_spec: LRSpec = self.value("base_lr")
        bases = self.per_group(
            "base_lr", base_spec, info, default=[None if t is None else t / 4 for t in tops]
        )
        self.check_left_alone(tops, "max_lr", base_lr=base_spec)
        up = steps["step_size"]
        down = steps.get("step_size_down", up)
        lrs: list[S.Cyclic | None] = []
        for i, (b, t) in enumerate(zip(bases, tops, strict=True)):
            if t is None:
                lrs.append(None)
                continue
            if b is None:
                raise ValueError(
                    f"base_lr[{i}] is None but max_lr for param group {i} is {t:g}; give both bounds for a "
                    f"group or leave it alone with None in max_lr"
                )
            if self.base_lr is None and b > t:
                # review 64: a range test filled base_lr from its own cycle top, above a max_lr given
                # explicitly (kept, with a warning), and the fit crashed: the cycle keeps to the given top
                L.warn_at_user(
                    f"{self.name}: the range test's base_lr {b:.4g} lies above max_lr {t:g} (given explicitly) for "
                    f"param group {i}, so its cycle starts at max_lr / 4 = {t / 4:.4g}, as without a test; give "
                    f"base_lr to choose it",
                    category=UserWarning,
                )
                b = t / 4
            try:
                lrs.append(self._schedule(b, t, up, down))
            except ValueError as exc:
                raise ValueError(f"param group {i}: {V.without_owner(str(exc))}") from None
        cycled = self.cycled_momentum(self.cycle_momentum, info)
        if not any(cycled):
            return lrs, None
        pairs = _momentums(self.name, self.base_momentum, self.max_momentum, info)
        momentum = [
            s.momentum(base, top) if s is not None and on else None
            for s, on, (base, top) in zip(lrs, cycled, pairs, strict=True)
        ]
        return lrs, momentum

    def range_test_values(self, result: Any) -> dict[str, float | None]:
        bounds = result.cyclic_bounds()
        if bounds is None:
            return {"base_lr": None, "max_lr": None}
        base, top = bounds
        return {"base_lr": base, "max_lr": top}
