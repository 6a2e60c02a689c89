"""The options of a range test: every option, its default and its check, in one frozen object per sweep.

:class:`LROptions` is what ``Tuner.lr_range_test`` and ``LRRangeTest`` take; :class:`MomentumOptions` what
``Tuner.momentum_range_test`` takes. Both validate at construction (``lightning_lr._validate``'s one
message format) and are the single source of the defaults: the entry points spell the same defaults in
their signatures (for IDEs and LightningCLI) and a test holds them equal to these fields.

Example:
    >>> LROptions(max_lr=1.0).num_steps
    100
    >>> LROptions(min_lr=1.0, max_lr=0.1)
    Traceback (most recent call last):
    ...
    ValueError: min_lr must be < max_lr, got min_lr=1.0 and max_lr=0.1
"""

from __future__ import annotations

import copy
import dataclasses
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from .. import _validate as V
from ..schedules import Constant, ExponentialDecay, Join, Linear, Schedule
from ._confirm import CONFIRMED
from ._rules import METHODS, MIN_POINTS
from ._run_length import AUTO as AUTO_RUN
from ._run_length import check_run_steps

__all__ = [
    "CALLBACK_PEERS_NAMES",
    "MODES",
    "MOMENTUM_PEERS_NAMES",
    "PEERS_NAMES",
    "PLACES",
    "RETRY_FACTOR",
    "TUNER_PEERS_NAMES",
    "LROptions",
    "MomentumOptions",
    "SweepOptions",
]

MODES = ("exponential", "linear")
#: ``val_key``'s default: with it, a ``validation_step`` that logs no ``"val_loss"`` is read by the loss it returns;
#: a name given otherwise must be found, logged or under the returned dict's key (r194: a typo was read so)
DEFAULT_VAL_KEY = "val_loss"
#: ``retry``: the second test sweeps this many times ``num_steps``. A longer sweep averages more losses in
#: each window of LR (the noise of a drop shrinks as the square root of its points) and trains the model
#: longer at each LR before it moves on; three times is what the suggestion benchmark stores besides the
#: default (``benchmarks/range_test_suggestion.py``, 300 steps against 100)
RETRY_FACTOR = 3
#: the range-test arguments of Lightning's ``lr_find``, torch-lr-finder and fastai that are spelled
#: differently here, and what to pass instead (``Tuner.lr_range_test`` and ``LRRangeTest`` refuse them with
#: it, through :func:`lightning_lr._validate.known_as`; the README's table maps the same names)
PEERS_NAMES = {
    "start_lr": "min_lr (torch-lr-finder's and fastai's start_lr)",
    "end_lr": "max_lr (torch-lr-finder's and fastai's end_lr)",
    "num_training": "num_steps (Lightning's lr_find num_training)",
    "num_iter": "num_steps (torch-lr-finder's num_iter)",
    "num_it": "num_steps (fastai's num_it)",
    "step_mode": 'mode="exponential" or "linear" (torch-lr-finder\'s step_mode "exp" or "linear")',
    "smooth_f": (
        "smoothing=1 - smooth_f (torch-lr-finder's smooth_f is the weight of the new loss; smoothing is the "
        "weight of the past, as fastai's beta)"
    ),
    "diverge_th": "early_stop_threshold (torch-lr-finder's diverge_th)",
    "stop_div": "early_stop_threshold=None to never stop early (fastai's stop_div=False)",
    "update_attr": "apply (Lightning's lr_find update_attr)",
    "suggest_funcs": (
        'method="minimum", "steepest", "valley" or "slide" (fastai\'s suggest_funcs; their names, not their '
        "code), or read result.suggestions() after the test"
    ),
    "show_plot": "nothing: call result.plot() on the result (fastai's show_plot)",
    "accumulation_steps": "nothing: the Trainer's accumulate_grad_batches applies (torch-lr-finder's accumulation_steps)",
}
#: ``Tuner.lr_range_test``'s: its data arguments
TUNER_PEERS_NAMES = {
    **PEERS_NAMES,
    "train_loader": "train_dataloaders (torch-lr-finder's train_loader)",
    "val_loader": "val_dataloaders with val_loss=True (torch-lr-finder's val_loader)",
    # (review 177: it was taken for a misspelt val_dataloaders)
    "dataloaders": (
        "train_dataloaders, the data the test trains on (Lightning's lr_find takes dataloaders= only for the "
        "validate, test and predict stages, which it refuses)"
    ),
}
#: ``LRRangeTest``'s: its data is the fit's, and Lightning's own callback spells the length otherwise
CALLBACK_PEERS_NAMES = {
    **PEERS_NAMES,
    "num_training_steps": "num_steps (Lightning's LearningRateFinder num_training_steps)",
    "train_loader": "nothing: the callback tests on the data given to trainer.fit (torch-lr-finder's train_loader)",
    "val_loader": ("val_loss=True, with validation data given to trainer.fit (torch-lr-finder's val_loader)"),
}
_HELD_LR = "lr (the momentum range test holds one LR; {peer} sweeps the LR)"
#: ``Tuner.momentum_range_test``'s: the peers' names that fit it, and those of ``lr_range_test`` and of the
#: 1cycle momentum that people carry over (review 118: ``max_lr=`` met Python's bare unexpected-keyword error)
MOMENTUM_PEERS_NAMES = {
    **TUNER_PEERS_NAMES,
    "min_lr": _HELD_LR.format(peer="lr_range_test's min_lr"),
    "max_lr": _HELD_LR.format(peer="lr_range_test's max_lr"),
    "start_lr": _HELD_LR.format(peer="torch-lr-finder's and fastai's start_lr"),
    "end_lr": _HELD_LR.format(peer="torch-lr-finder's and fastai's end_lr"),
    "base_momentum": "min_momentum (OneCycle's and torch's base_momentum, the low end of the momentum)",
    "betas": (
        "min_momentum and max_momentum: the test sweeps beta1 of an Adam-family optimizer and keeps its beta2"
    ),
    "method": "nothing: result.suggestion() is the momentum of lowest smoothed loss (lr_range_test's method)",
    "suggest_funcs": "nothing: result.suggestion() is the momentum of lowest smoothed loss (fastai's suggest_funcs)",
    "apply": "nothing: the momentum range test applies nothing; set the momentum from result.suggestion()",
    "update_attr": (
        "nothing: the momentum range test applies nothing; set the momentum from result.suggestion() "
        "(Lightning's lr_find update_attr)"
    ),
    "confirm": "nothing: the momentum range test has no confirmation stage (lr_range_test's confirm)",
    "confirm_steps": "nothing: the momentum range test has no confirmation stage (lr_range_test's confirm_steps)",
    "retry": "nothing: the momentum range test has no second try (lr_range_test's retry)",
    "run_steps": "nothing: the momentum range test's answer has no run length (lr_range_test's run_steps)",
    "attr_name": "nothing: the momentum range test applies nothing (lr_range_test's attr_name)",
    "weight_decays": "nothing: the momentum range test sweeps no weight decay (lr_range_test's weight_decays)",
}
#: where the snapshot keeps its copies (``lightning_lr.tuner._place``)
PLACES = ("device", "host", "auto")
#: the least a sweep's value may grow in one step, relative to itself: 16 float64 roundings, so that every
#: step's value, computed with a rounding or two, lies above the one before (review 108: bounds a rounding
#: apart swept one LR over and over, and the whole sweep ran before its result refused the LRs)
MIN_GROWTH = 2.0**-48


def _factor(start: float, end: float, steps: int) -> float:
    """An exponential sweep's factor per step from ``start`` at step 0 to ``end`` at step ``steps - 1``."""
    return (end / start) ** (1.0 / (steps - 1))


def _unused(options: Any, names: Sequence[str], why: str) -> None:
    """Refuse a value other than the default for each of ``names``, which ``options`` would ignore (``why``)."""
    fields = {f.name: f.default for f in dataclasses.fields(options)}
    for name in names:
        value, default = getattr(options, name), fields[name]
        if value != default:
            V.fail(name, f"{default!r} (the default) with {why}", value)


_O = TypeVar("_O", bound="SweepOptions")


@dataclass(frozen=True, kw_only=True)
class SweepOptions:
    """What every sweep takes: its length, smoothing, early stop, validation-loss mode, logging and where
    the snapshot of the state it restores lives."""

    num_steps: int = 100
    mode: str = "exponential"
    smoothing: float = 0.98
    early_stop_threshold: float | None = 4.0
    val_loss: bool = False
    val_batches: int = 5
    val_key: str = DEFAULT_VAL_KEY
    progress_bar: bool | None = None
    log: bool = True
    snapshot: str = "auto"
    #: set by :meth:`LROptions.retried` only: these are a second try's options
    _second: bool = dataclasses.field(default=False, repr=False)
    #: set by :meth:`scoped` only: the sub-prefix of one of several tests in a fit (``epoch=3``)
    _scope: str = dataclasses.field(default="", repr=False)

    #: the logger tag prefix and the progress bar's name
    prefix: ClassVar[str] = ""
    title: ClassVar[str] = ""

    def __post_init__(self) -> None:
        why = f" (the suggestion rules need at least {MIN_POINTS} points)"
        self._set("num_steps", V.integer("num_steps", self.num_steps, MIN_POINTS, why))
        self._set("mode", V.one_of("mode", self.mode, MODES))
        self._set("smoothing", V.in_range("smoothing", self.smoothing, 0.0, 1.0, lo_open=False, hi_open=True))
        threshold = self.early_stop_threshold
        if threshold is not None:
            allowed = "> 1 (stop when the smoothed loss exceeds that many times its best) or None (never stop early)"
            threshold = V.finite("early_stop_threshold", threshold, allowed)
            if threshold <= 1.0:
                V.fail("early_stop_threshold", allowed, self.early_stop_threshold)
        self._set("early_stop_threshold", threshold)
        self._set("val_loss", V.boolean("val_loss", self.val_loss))
        self._set("val_batches", V.integer("val_batches", self.val_batches, 1, capped=False))
        self._set(
            "val_key", V.text("val_key", self.val_key, "a non-empty string (the name validation_step logs)")
        )
        # (review 122: a numpy bool was refused here alone, where every other flag took it)
        self._set("progress_bar", V.optional(V.boolean, "progress_bar", self.progress_bar))
        self._set("log", V.boolean("log", self.log))
        self._set("snapshot", V.one_of("snapshot", self.snapshot, PLACES))
        if not self.val_loss:  # settings of the validation loss, given while it is off, would be ignored
            _unused(
                self, ("val_batches", "val_key"), "val_loss=False: only val_loss=True reads validation data"
            )

    @classmethod
    def of(cls: type[_O], arguments: Mapping[str, Any]) -> _O:
        """The options from an entry point's arguments (its ``locals()``: its parameters carry the options'
        names), every public field by name; the entry points' signatures are the one list of them."""
        return cls(
            **{f.name: arguments[f.name] for f in dataclasses.fields(cls) if not f.name.startswith("_")}
        )

    def _set(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)

    #: the options that change only what a rank shows or where it keeps its copy, not what the ranks compute
    _PER_RANK: ClassVar[frozenset[str]] = frozenset({"progress_bar", "log", "snapshot"})

    def compared(self) -> str:
        """The options every rank of a DDP test must share, as a text (``L.same_on_every_rank``)."""
        return ", ".join(
            f"{f.name}={getattr(self, f.name)!r}"
            for f in dataclasses.fields(self)
            if f.repr and f.name not in self._PER_RANK
        )

    def _check_span(self, low: str, high: str, what: str, steps: int, note: str = "") -> None:
        """An error naming ``low``, ``high`` and ``num_steps`` unless the sweep from option ``low`` to option
        ``high`` over ``steps`` steps (``note`` says why more than ``num_steps``) can be computed: an exponential
        sweep's factor per step finite (review 108: ``min_lr=5e-324`` overflowed it, and the error named
        ExponentialDecay's gamma, at fit), and every step's value above the one before."""
        lo, hi = getattr(self, low), getattr(self, high)
        given = f"got {low}={lo!r}, {high}={hi!r} and num_steps={self.num_steps!r}{note}"
        if self.mode == "exponential":
            factor = _factor(lo, hi, steps)
            if not math.isfinite(factor):
                raise ValueError(
                    f"{high} / {low} must be at most {sys.float_info.max:.4g} (the largest float64), so that the "
                    f"exponential sweep's factor per step, ({high} / {low}) ** (1 / (num_steps - 1)), is finite, "
                    f"{given}, where {high} / {low} overflows to inf; raise {low} or lower {high}, or sweep "
                    f"with mode='linear'"
                )
            growth = factor - 1.0
        else:
            growth = (hi - lo) / (steps - 1) / hi
        if growth < MIN_GROWTH:
            raise ValueError(
                f"{low} and {high} must lie far enough apart for num_steps that every step of the sweep has "
                f"its own {what}, at least 2**-48 (16 float64 roundings) above the one before, {given}, where "
                f"the {what} grows {growth:.3g} of itself per step; widen the range or take fewer steps"
            )

    def _span(self, start: float, end: float) -> Schedule:
        """``start`` at sweep step 0 to ``end`` at the last, evenly in ``mode``; exactly ``end`` at the last
        step (``start * gamma ** last`` rounds past it: 10.000000000000073 for a sweep to 10, an LR above
        ``max_lr`` that a capped answer would then report)."""
        last = self.num_steps - 1
        if self.mode == "linear":
            ramp: Schedule = Linear(start, end, total=last)
        else:
            ramp = ExponentialDecay(start, gamma=_factor(start, end, self.num_steps))
        return Join([ramp, Constant(end)], [last])

    def lr_schedule(self) -> Schedule | None:
        """The LR of the largest param group at each sweep step (None: the optimizer's own)."""
        return None

    def highest_lr(self) -> tuple[str, float] | None:
        """The argument and value of the highest LR the test gives the largest param group (None: the
        optimizer's own)."""
        return None

    def momentum_schedule(self) -> Schedule | None:
        """The momentum of every param group at each sweep step (None: the optimizer's own)."""
        return None

    def group_momentums(self, t: int, n: int) -> list[float | None] | None:
        """The momentum of each of the ``n`` param groups at sweep (or candidate) step ``t``: None for all
        keeps the optimizer's own, a None entry that group's."""
        schedule = self.momentum_schedule()
        return None if schedule is None else [schedule(t)] * n

    def needs_optimizer_lr(self) -> bool:
        """Whether the sweep starts from the largest param group's LR (the others keep their ratio to it)."""
        return True

    def decays(self) -> tuple[float, ...] | None:
        """The weight decays to sweep one by one, or None for a single sweep."""
        return None

    def rule(self) -> str | None:
        """The suggestion rule the result is read with (None: the result type's own)."""
        return None

    @property
    def root(self) -> str:
        """The logger tag prefix of this test: ``prefix``, and below it the test's scope when one fit makes
        several (:meth:`scoped`)."""
        return f"{self.prefix}/{self._scope}" if self._scope else self.prefix

    @property
    def tag(self) -> str:
        """The logger tag prefix of this test's sweeps and candidates (:attr:`root`; a second try's below it)."""
        return f"{self.root}/retry" if self._second else self.root

    def scoped(self: _O, scope: str) -> _O:
        """These options logging under ``<prefix>/<scope>`` (one of several tests in a fit: ``epoch=3``), so
        that their curves do not share tags, and steps, with another test's.

        Example:
            >>> LROptions().scoped("epoch=2").retried().tag
            'lr_range_test/epoch=2/retry'
        """
        out = copy.copy(self)
        object.__setattr__(out, "_scope", scope)
        return out

    @property
    def name(self) -> str:
        """This test's name in progress bars and warnings (``title``; a second try's marked)."""
        return f"{self.title} (retry)" if self._second else self.title

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Every option's default, by name."""
        return {f.name: f.default for f in dataclasses.fields(cls) if not f.name.startswith("_")}


@dataclass(frozen=True, kw_only=True)
class LROptions(SweepOptions):
    """The LR range test's options: the LR of the param group with the largest LR grows from ``min_lr`` to ``max_lr``; then, with
    ``confirm``, candidate LRs train ``confirm_steps`` steps each (``_confirm``); ``confirm=None`` is True
    unless ``method`` names a sweep rule, whose answer needs no candidates. ``method=None`` applies
    the confirmed LR (``confirm=True``) or the default sweep rule (``confirm=False``). With ``retry``, a
    test whose default answer is None for a reason more steps can fix runs once more with
    :data:`RETRY_FACTOR` times ``num_steps`` (:meth:`retried`)."""

    min_lr: float = 1e-7
    max_lr: float = 10.0
    method: str | None = None
    confirm: bool | None = None
    confirm_steps: int = 80
    retry: bool = True
    weight_decays: Sequence[float] | None = None
    apply: bool = True
    attr_name: str | None = None
    run_steps: int | str | None = None

    prefix: ClassVar[str] = "lr_range_test"
    title: ClassVar[str] = "LR range test"

    def __post_init__(self) -> None:
        lo = V.positive("min_lr", self.min_lr)
        hi = V.positive("max_lr", self.max_lr)
        if lo >= hi:
            raise ValueError(
                f"min_lr must be < max_lr, got min_lr={self.min_lr!r} and max_lr={self.max_lr!r}"
            )
        self._set("min_lr", lo)
        self._set("max_lr", hi)
        super().__post_init__()
        # (review 177: Lightning's lr_find(method="fit") names the stage it runs; review 183: compared as a string
        # only, an array gave numpy's "truth value ... is ambiguous")
        if isinstance(self.method, str) and self.method.lower() == "fit":
            V.fail(
                "method",
                f"one of {', '.join(map(repr, (CONFIRMED, *METHODS)))} or None, the rule that reads the answer "
                "(Lightning's lr_find method='fit' names the stage, which a range test always runs: leave it out)",
                self.method,
            )
        self._set("method", V.optional(V.one_of, "method", self.method, (CONFIRMED, *METHODS)))
        confirm = V.optional(V.boolean, "confirm", self.confirm)
        self._set("confirm", self.method in (None, CONFIRMED) if confirm is None else confirm)
        why = " (the candidates' score averages the last fifth of their steps)"
        self._set("confirm_steps", V.integer("confirm_steps", self.confirm_steps, MIN_POINTS, why))
        self._set("retry", V.boolean("retry", self.retry))
        if self.method == CONFIRMED and not self.confirm:
            V.fail(
                "method",
                f"a sweep rule ({', '.join(map(repr, METHODS))}) or None with confirm=False",
                CONFIRMED,
            )
        wds = V.optional(V.sequence, "weight_decays", self.weight_decays, V.non_negative, what="numbers >= 0")
        if wds is not None:
            if len(set(wds)) != len(wds):
                V.fail("weight_decays", "distinct numbers >= 0", list(wds))
            self._set("weight_decays", tuple(wds))
        self._set("apply", V.boolean("apply", self.apply))
        # (review 177: Lightning's lr_find takes attr_name="" for "look it up", which None is here)
        what = "a non-empty string (None looks the attribute up, as Lightning's attr_name='' does)"
        self._set("attr_name", V.optional(V.text, "attr_name", self.attr_name, what))
        if (
            isinstance(self.run_steps, str)
            and self.run_steps != AUTO_RUN
            and self.run_steps.strip().lower() == AUTO_RUN
        ):
            # (r192: "Auto" was refused as no integer, with no word of the spelling)
            raise ValueError(
                f"run_steps must be an integer >= 1 or {AUTO_RUN!r} (the Trainer's length) or None, got "
                f"{self.run_steps!r}: did you mean {AUTO_RUN!r}?"
            )
        if not (isinstance(self.run_steps, str) and self.run_steps == AUTO_RUN):
            self._set(
                "run_steps", check_run_steps(self.run_steps, f" or {AUTO_RUN!r} (the Trainer's length)")
            )
        if not self.confirm:
            auto = f" (with method={self.method!r}, a sweep rule)" if confirm is None else ""
            _unused(self, ("confirm_steps",), f"confirm=False{auto}: only the confirmation stage uses it")
            _unused(self, ("run_steps",), f"confirm=False{auto}: it scales the confirmed answer")
        elif self.method not in (None, CONFIRMED):
            _unused(
                self,
                ("run_steps",),
                f"method={self.method!r}: it scales the confirmed answer, not a sweep rule's",
            )
        if not self.apply:
            _unused(self, ("attr_name",), "apply=False: only applying the suggestion sets it")
        if self.retry:  # the second try's sweep too, before anything runs
            steps = RETRY_FACTOR * self.num_steps
            self._check_span(
                "min_lr", "max_lr", "LR", steps, f" (with retry=True, a second try sweeps {steps})"
            )
        else:
            self._check_span("min_lr", "max_lr", "LR", self.num_steps)

    def lr_schedule(self) -> Schedule:
        return self._span(self.min_lr, self.max_lr)

    def highest_lr(self) -> tuple[str, float] | None:
        return "max_lr", self.max_lr

    def decays(self) -> tuple[float, ...] | None:
        return None if self.weight_decays is None else tuple(self.weight_decays)

    def rule(self) -> str | None:
        return self.method

    def retried(self) -> LROptions:
        """The options of the second test (``retry``): ``RETRY_FACTOR`` times the steps, no further retry, its
        curve and candidates logged under ``lr_range_test/retry``.

        Example:
            >>> again = LROptions(num_steps=100).retried()
            >>> again.num_steps, again.retry, again.tag
            (300, False, 'lr_range_test/retry')
        """
        return dataclasses.replace(self, num_steps=RETRY_FACTOR * self.num_steps, retry=False, _second=True)


@dataclass(frozen=True, kw_only=True)
class MomentumOptions(SweepOptions):
    """The momentum range test's options: the momentum (or Adam beta1) of every param group grows from
    ``min_momentum`` to ``max_momentum`` at the fixed LR ``lr`` (None: the optimizer's own)."""

    mode: str = "linear"
    lr: float | None = None
    min_momentum: float = 0.8
    max_momentum: float = 0.99

    prefix: ClassVar[str] = "momentum_range_test"
    title: ClassVar[str] = "Momentum range test"

    def __post_init__(self) -> None:
        lo = V.in_range("min_momentum", self.min_momentum, 0.0, 1.0, lo_open=False, hi_open=True)
        hi = V.in_range("max_momentum", self.max_momentum, 0.0, 1.0, lo_open=False, hi_open=True)
        if lo >= hi:
            raise ValueError(
                f"min_momentum must be < max_momentum, got min_momentum={self.min_momentum!r} and "
                f"max_momentum={self.max_momentum!r}"
            )
        self._set("min_momentum", lo)
        self._set("max_momentum", hi)
        self._set("lr", V.optional(V.positive, "lr", self.lr))
        super().__post_init__()
        if self.mode == "exponential" and lo == 0.0:  # a geometric sweep cannot start from 0
            raise ValueError(
                f"min_momentum must be > 0 with mode='exponential' (a geometric sweep from 0 stays at 0), got "
                f"min_momentum={self.min_momentum!r}; use mode='linear' to start at 0"
            )
        self._check_span("min_momentum", "max_momentum", "momentum", self.num_steps)

    def lr_schedule(self) -> Schedule | None:
        return None if self.lr is None else Constant(self.lr)

    def highest_lr(self) -> tuple[str, float] | None:
        return None if self.lr is None else ("lr", self.lr)

    def momentum_schedule(self) -> Schedule:
        return self._span(self.min_momentum, self.max_momentum)

    def needs_optimizer_lr(self) -> bool:
        return self.lr is None
