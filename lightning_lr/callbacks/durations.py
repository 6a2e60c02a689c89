"""Durations: how long a phase of a schedule lasts, in optimizer steps, epochs or a fraction of the run.

A plain ``int`` is a number of **optimizer steps** (with ``accumulate_grad_batches=k`` one step is ``k``
batches). Epochs and fractions are spelled explicitly, as :class:`Epochs` and :class:`Fraction`, and are
turned into steps at fit start from ``trainer.estimated_stepping_batches``, so a fit on more devices, with
another batch size or another ``accumulate_grad_batches`` has the same schedule's shape (a fit *resumed* at
another size is planned for the steps it takes, and a schedule over the run jumps there: see below).

Resolution rule: ``Epochs(e)`` is ``e * steps_per_epoch`` and ``Fraction(f)`` is ``f * total_steps``, rounded
half up to a whole number of steps. Arguments that are lengths (``total``, ``every``, ``step_size``, ...)
are at least one step; a warm-up may round to zero steps (no warm-up).

Resume rule: durations are resolved again at every fit start, also on ``fit(ckpt_path=...)``. With the
same trainer settings they come out the same and the resumed run is exact (a checkpoint of a fit stopped within
an epoch, which Lightning resumes at the next epoch, is planned as the run takes place: the steps taken, then the
epochs left, with one warning that gives the LR's jump); with a longer run (a larger ``max_epochs``)
``Epochs`` and ``Fraction`` durations follow the new run: from the checkpoint's step the schedule is the one
planned for the new length (so the LR may jump there), with one warning that lists what changed and gives
the jump, from the LR the checkpoint holds to the new plan's. Nothing raises, unless the plan for the new
length breaks a rule that a fresh fit of that length refuses too: a warm-up given as a Fraction that now reaches a ``total`` given in steps (or
WarmupStableDecay's cooldown) is the same error as at the start of a fit.

A checkpoint written with another number of steps per epoch (other devices, batch size or accumulation,
under automatic optimization): Lightning estimates the resumed run as ``max_epochs`` epochs of the new
size, though the epochs before the checkpoint took other numbers of steps. The schedule is planned for the
run as it takes place (:attr:`RunInfo.resumed_at`): the steps taken, then the epochs left at the new size,
and ``Epochs(e)`` is where epoch ``e`` begins in it; a period given as ``Epochs`` (a step decay's ``every``, a
cycle's ``step_size``) keeps to the epochs as they took place, one period an epoch of whatever size it had
(:class:`~lightning_lr.schedules.compose.Retimed`). A schedule over the run (a ``Fraction`` of it) is read at
the resume step from the new plan, not stretched from where it was: its LR jumps there (a 1cycle may warm up
to a second peak), and the warning gives the LR before (the checkpoint's) and after. An epoch whose train dataloader changes size in a fit
(``reload_dataloaders_every_n_epochs``) plans the run again the same way at its first batch, with one
warning (under manual optimization too, its steps counted at the rate the first epoch told). From a checkpoint written at an epoch's end that is
known at fit start; from one within an epoch, the epoch is expected to run to its last batch, as Lightning
2.6 continues it, and one warning says how the run is planned. The end of the first epoch tells where the
next one begins, and a plan that expected otherwise (Lightning 2.4.0 takes a step more; accumulation) is
corrected there, with a second warning. The checkpoints carry ``resumed_at``, so a later resume plans
alike, at the same size or at yet another one.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

from .. import _validate as V

__all__ = ["FIFTH_OF_RUN", "TWO_EPOCHS", "WHOLE_RUN", "Duration", "Epochs", "Fraction", "RunInfo"]


class UnknownLengthError(ValueError):
    """A duration that needs the run's length (a :class:`Fraction`) in a run whose length is unknown; the
    callback that resolves it adds why (``_resolve.resolve``)."""


class Duration:
    """A length of training that is resolved to optimizer steps at fit start. See :class:`Epochs` and
    :class:`Fraction`; a plain ``int`` means optimizer steps.

    Example:
        >>> from lightning_lr.callbacks import Duration, Epochs, Fraction
        >>> isinstance(Epochs(1), Duration), isinstance(Fraction(0.5), Duration), isinstance(100, Duration)
        (True, True, False)
    """

    __slots__ = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> Duration:
        # r164: LightningCLI lists Duration among a total's classes, and Duration() crashed its error formatting
        # with the bare NotImplementedError of a length it does not have
        if cls is Duration:
            raise TypeError(
                "Duration is the base of Epochs and Fraction and has no length of its own: give Epochs(n) for "
                "epochs, Fraction(f) for a fraction of the run, or an int for optimizer steps"
            )
        return super().__new__(cls)

    def resolve(self, run: RunInfo) -> float:
        """The duration in (possibly fractional) optimizer steps for ``run``, before rounding."""
        raise NotImplementedError

    def is_zero(self) -> bool:
        """Whether the duration is no time at all (``Epochs(0)``, ``Fraction(0)``)."""
        raise NotImplementedError

    def steps(self, run: RunInfo) -> int:
        """The duration in whole optimizer steps (rounded half up, at least 1; 0 for a zero duration)."""
        return 0 if self.is_zero() else max(1, round_steps(self.resolve(run)))


def _fmt(v: float) -> str:
    return str(int(v)) if v == int(v) else repr(v)


#: what :class:`Epochs` may be: an epoch takes at least one optimizer step and no run more than 2**53 (what a
#: schedule counts), so more epochs are no length a run can resolve
_EPOCHS = f"a number in [0, 2**53 = {V.MAX_COUNT}] (an epoch takes at least one optimizer step, and a run at most 2**53)"


def _countable(name: str, value: Any, allowed: str) -> float:
    """``value``, a number in [0, 2**53] (a duration no run can resolve beyond that is refused by name, with
    ``allowed``; review 108: a larger one overflowed at fit start, an ``OverflowError`` naming no argument)."""
    v = V.non_negative(name, value)
    if v > V.MAX_COUNT:
        V.fail(name, allowed, value)
    return v


class Epochs(Duration):
    """A duration in epochs: ``Epochs(2)``, ``Epochs(0.5)``.

    One epoch is ``ceil(num_training_batches / accumulate_grad_batches)`` optimizer steps, as Lightning
    counts them (``limit_train_batches``, the number of devices and the batch size are accounted for).
    Epochs need a train dataloader with a length.

    Args:
        epochs: a number of epochs in [0, 2**53] (fractions of an epoch are allowed: an epoch takes at least one
            optimizer step, and no run more than 2**53); 0 only where the argument takes 0 steps (``warmup``).

    Example:
        >>> from lightning_lr.callbacks import Epochs, RunInfo
        >>> Epochs(2).steps(RunInfo(total_steps=1000, steps_per_epoch=100))
        200
        >>> Epochs(2)
        Epochs(2)
    """

    __slots__ = ("epochs",)
    epochs: float

    def __init__(self, epochs: float) -> None:
        with V.context("Epochs"):
            # (review 108: Epochs(1e308) was a 317-digit repr, and overflowed at fit start)
            object.__setattr__(self, "epochs", _countable("epochs", epochs, _EPOCHS))

    def resolve(self, run: RunInfo) -> float:
        if run.steps_per_epoch is None:
            raise ValueError(
                f"{self!r} cannot be converted to optimizer steps: the number of steps per epoch is unknown "
                f"(the train dataloader has no length); give this duration in optimizer steps (an int)"
            )
        return epoch_start(run, self.epochs)

    def is_zero(self) -> bool:
        return self.epochs == 0

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Epochs is immutable")

    def __repr__(self) -> str:
        return f"Epochs({_fmt(self.epochs)})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Epochs) and other.epochs == self.epochs

    def __hash__(self) -> int:
        return hash(("Epochs", self.epochs))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Epochs, (self.epochs,))


#: what a :class:`Fraction` may be: no run takes more than 2**53 optimizer steps (what a schedule counts), and
#: every run at least one, so a fraction beyond that is no length a run can resolve
_RUNS = (
    f"a number in [0, 2**53 = {V.MAX_COUNT}] (a run takes at most 2**53 optimizer steps, and at least one)"
)


class Fraction(Duration):
    """A duration as a fraction of the whole run: ``Fraction(0.25)`` is a quarter of
    ``trainer.estimated_stepping_batches``.

    Values above 1 are allowed: at fit start the callback warns, naming the argument, that its schedule is cut
    off where the run ends (``CosineDecay(total=Fraction(1.25))`` stops before reaching ``final``); where it
    cannot fit, the callback refuses it when it is made (``WarmupStableDecay(warmup=Fraction(1.5))``).
    The run's length must be known: ``max_epochs`` with a sized dataloader, or ``max_steps``.

    Args:
        fraction: a number in [0, 2**53]; 0 only where the argument takes 0 steps (``warmup``).
        denominator: if given, ``fraction`` is a numerator and the fraction is ``fraction / denominator``
            (``Fraction(1, 10)``, as the standard library's is written); a number > 0, and the quotient is
            in [0, 2**53] (an error names both).

    Example:
        >>> from lightning_lr.callbacks import Fraction, RunInfo
        >>> Fraction(0.25).steps(RunInfo(total_steps=1000, steps_per_epoch=100))
        250
        >>> Fraction(1, 10)  # numerator and denominator, as the standard library's Fraction is written
        Fraction(0.1)
    """

    __slots__ = ("fraction",)
    fraction: float

    def __init__(self, fraction: float, denominator: float | None = None) -> None:
        with V.context("Fraction"):
            if denominator is None:
                value = _countable("fraction", fraction, _RUNS)
            else:  # Fraction(1, 10), as the standard library's is written (review 72)
                numerator = V.non_negative("fraction", fraction)
                below = V.positive("denominator", denominator)
                value = numerator / below
                if not value <= V.MAX_COUNT:  # review 108: Fraction(1, 5e-324) blamed "fraction ... got inf"
                    raise ValueError(
                        f"fraction / denominator must be {_RUNS}, got {numerator!r} / {below!r} = {value:g}"
                    )
            object.__setattr__(self, "fraction", value)

    def resolve(self, run: RunInfo) -> float:
        if run.total_steps is None:
            raise UnknownLengthError(
                f"{self!r} cannot be converted to optimizer steps: the length of the run is unknown (set "
                f"max_steps, or max_epochs with a train dataloader that has a len()), or give this duration in "
                f"optimizer steps (an int)"
            )
        return self.fraction * run.total_steps

    def is_zero(self) -> bool:
        return self.fraction == 0

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Fraction is immutable")

    def __repr__(self) -> str:
        return f"Fraction({self.fraction!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Fraction) and other.fraction == self.fraction

    def __hash__(self) -> int:
        return hash(("Fraction", self.fraction))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Fraction, (self.fraction,))


#: ``Fraction(1.0)``: the default length of schedules that span the run. Defaults are module-level
#: constants so that LightningCLI can write them into a config (it names them by import path).
WHOLE_RUN = Fraction(1.0)
#: ``Epochs(2)``: Cyclic's default half cycle
TWO_EPOCHS = Epochs(2)
#: ``Fraction(0.2)``: WarmupStableDecay's default decay, the last 20% of the run
FIFTH_OF_RUN = Fraction(0.2)


def size(duration: Any) -> float:
    """A duration's number in its own unit: steps for an int, epochs for :class:`Epochs`, the fraction of the
    run for :class:`Fraction`."""
    return float(getattr(duration, "epochs", getattr(duration, "fraction", duration)))


def same_unit(*durations: Any) -> list[float] | None:
    """The :func:`size` of each of ``durations`` when all are given in one unit (ints, :class:`Epochs` or
    :class:`Fraction`): their order is then the same in every run, and a rule between them can be checked when
    the callback is made (``Fraction(0.5)`` is longer than ``Fraction(0.4)`` in any run); None when the units
    differ, whose order only the run tells."""
    if len({type(d) for d in durations}) != 1:
        return None
    return [size(d) for d in durations]


def exact_steps(duration: Any, run: RunInfo) -> float:
    """``duration`` in optimizer steps for ``run`` before it is rounded to whole steps (an int is its own): a
    rule that holds here and not between the rounded steps is broken by the rounding alone (``Fraction(0.45)``
    and ``Fraction(0.5)`` of 10 steps are 5 and 5)."""
    return duration.resolve(run) if isinstance(duration, Duration) else float(duration)


def round_steps(x: float) -> int:
    """Round half up (``round`` in Python rounds half to even, which would make 2.5 epochs of 1 step 2)."""
    return math.floor(x + 0.5)


@dataclass(frozen=True)
class RunInfo:
    """What a schedule needs to know about the run, resolved at fit start.

    Attributes:
        total_steps: optimizer steps in the whole run (``trainer.estimated_stepping_batches``), None when
            it is infinite.
        steps_per_epoch: optimizer steps per epoch, None when the train dataloader has no length.
        resumed_at: ``((epoch, step), ...)``, in a run resumed from checkpoints written with other numbers
            of steps per epoch (other devices, batch size or accumulation): each epoch from which the epochs
            took another number of steps, and the step at which it began; the last one's epochs take
            ``steps_per_epoch``. Empty otherwise. ``Epochs(e)`` is the step at which epoch ``e`` begins in
            that run (between two of these points, and between the first and step 0, the epochs are taken
            as equally long).

    Example:
        >>> from lightning_lr.callbacks import Epochs, Fraction, RunInfo
        >>> run = RunInfo(total_steps=500, steps_per_epoch=50)
        >>> run.steps(3), run.steps(Epochs(1.5)), run.steps(Fraction(0.1))
        (3, 75, 50)
        >>> resumed = RunInfo(total_steps=110, steps_per_epoch=50, resumed_at=((1, 10),))  # epoch 0 took 10
        >>> resumed.steps(Epochs(0.5)), resumed.steps(Epochs(1)), resumed.steps(Epochs(2))
        (5, 10, 60)
    """

    total_steps: int | None
    steps_per_epoch: int | None
    resumed_at: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        with V.context("RunInfo"):
            if self.total_steps is not None:
                # any length a Trainer gives (max_steps=sys.maxsize): a duration resolved from it is capped
                total = V.non_negative_int("total_steps", self.total_steps, capped=False)
                object.__setattr__(self, "total_steps", total)
            if self.steps_per_epoch is not None:
                per_epoch = V.positive_int("steps_per_epoch", self.steps_per_epoch, capped=False)
                object.__setattr__(self, "steps_per_epoch", per_epoch)
            object.__setattr__(self, "resumed_at", _points(self.resumed_at))

    def steps(self, duration: int | Duration, *, minimum: int = 1, name: str = "duration") -> int:
        """``duration`` in optimizer steps: an int as is, :class:`Epochs` and :class:`Fraction` resolved
        and rounded half up, then raised to ``minimum`` (a zero one, ``Fraction(0)`` or ``Epochs(0)``, is
        refused where ``minimum`` is at least 1, as for an int) (and lowered to 2**53, what a schedule can count: a
        run of ``max_steps=sys.maxsize`` is planned as that long, which no run reaches)."""
        checked = check_duration(name, duration, minimum=minimum)  # a zero Duration where 0 steps is not
        if isinstance(checked, Duration):
            return min(V.MAX_COUNT, max(minimum, round_steps(checked.resolve(self))))
        return checked


def _points(value: Any) -> tuple[tuple[int, int], ...]:
    """``RunInfo.resumed_at`` as a tuple of ``(epoch, step)`` pairs, epochs and steps increasing from (1, 1)
    on; an error names the argument, its value and what is allowed."""
    allowed = "pairs (epoch, step) of integers >= 1, with increasing epochs and steps that do not decrease"
    try:
        points = tuple((int(e), int(t)) for e, t in value)
        exact = all(float(e) == int(e) and float(t) == int(t) for e, t in value)
    except (TypeError, ValueError):
        V.fail("resumed_at", allowed, value)
    if not exact or any(
        e < 1 or t < 1 or (i and (e <= points[i - 1][0] or t < points[i - 1][1]))
        for i, (e, t) in enumerate(points)
    ):
        V.fail("resumed_at", allowed, value)
    return points


def epoch_start(run: RunInfo, epochs: float) -> float:
    """The (possibly fractional) step at which epoch ``epochs`` begins in ``run``: ``epochs * steps_per_epoch``,
    or, in a run resumed at other sizes (:attr:`RunInfo.resumed_at`), by its points and from the last one at
    ``steps_per_epoch``."""
    assert run.steps_per_epoch is not None
    (e0, t0) = (0, 0)
    for e1, t1 in run.resumed_at:
        if epochs <= e1:  # between two points: the epochs there are equally long
            return t0 + (epochs - e0) * (t1 - t0) / (e1 - e0)
        e0, t0 = e1, t1
    return t0 + (epochs - e0) * run.steps_per_epoch


def check_duration(name: str, value: Any, *, minimum: int = 1) -> Any:
    """Validate a duration argument: an int >= ``minimum`` (optimizer steps), :class:`Epochs` or
    :class:`Fraction`. Returns it unchanged (an int as an int); wrap the call in ``_validate.context(owner)``
    to name the owner in the message."""
    allowed = f"an int >= {minimum} (optimizer steps), Epochs(n) or Fraction(f)"
    given, value = value, V.number(name, value, allowed)  # a 0-d tensor or array as its number
    if isinstance(value, Duration):
        if minimum > 0 and value.is_zero():  # a search space's 0 (review 49): refused where 0 steps is
            V.fail(name, f"{allowed}, not zero", value)
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            x = float(value)
            # the number, not its type's repr (Fraction(Fraction(1, 10)), Epochs(np.float32(0.1))); a float's
            # digits, the others' to float32's precision (review 75: 0.10000000149011612)
            shown = repr(float(value)) if isinstance(value, float) else f"{x:.7g}"
            # (no hint to a value Epochs refuses: review 108)
            hints = [f"Epochs({shown}) for epochs"] if 0 < x <= V.MAX_COUNT else []
            # 0.1 * N: steps, as a float (review 83), within what an int may be (review 87)
            if math.isfinite(x) and minimum <= x <= V.MAX_COUNT and x.is_integer():
                hints.insert(0, f"{int(x)} (an int) for optimizer steps")
            if 0 < x <= 1:  # a fraction of the run is (0, 1]
                hints.append(f"Fraction({shown}) for a fraction of the run")
            if hints:
                allowed += (
                    f" (a plain number means optimizer steps and must be an int: write {' or '.join(hints)})"
                )
        V.fail(name, allowed, given, TypeError)
    if value < minimum:
        V.fail(name, allowed, given)
    if int(value) > V.MAX_COUNT:
        V.fail(name, f"{allowed}, at most 2**53 = {V.MAX_COUNT} steps (steps are computed in float64)", given)
    return int(value)
