"""The values an LR range test filled in for a schedule callback's LR arguments left as None.

A callback names the arguments a range test may fill (``range_test_args``) and says what a result
suggests for each (``range_test_values``). :class:`FilledValues` keeps what was filled and where it came
from (the range test, or the checkpoint of a resumed run), takes new suggestions (keeping arguments given
explicitly and values restored from a checkpoint, with one warning that names them) and restores the
values a checkpoint holds.

A range test on the fit's own Trainer runs after ``configure_optimizers`` has built the schedules: a callback
with a ``fills_lr_at(trainer)`` method (:class:`~lightning_lr.LRRangeTest`, the Tuner's own test) says at which
epoch it will fill them (:func:`awaited_test`). One due before the fit's first step makes the schedules built
before it stand-ins (:meth:`ScheduleCallback._build_checked
<lightning_lr.callbacks.base.ScheduleCallback._build_checked>`): what compares another argument with an LR it
fills is checked, and said, once it has filled it. Under DDP the schedule callbacks compare the range tests
each rank's fit holds (named by their ``test_label``), so a test on some ranks only is an error, not a hang.

Example:
    >>> from lightning_lr.callbacks._filled import FilledValues
    >>> filled = FilledValues()
    >>> filled.take("OneCycle", {"max_lr": 0.05}, {"max_lr": None})
    True
    >>> filled.value("max_lr", None), filled.value("max_lr", 0.1), filled.describe("max_lr", None)
    (0.05, 0.1, '0.05')
"""

from __future__ import annotations

import contextlib
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lightning.pytorch.utilities.parsing import lightning_getattr

from .. import _lightning_compat as L
from ._hparams import fmt_value

__all__ = ["EARLIER", "MODULE_RESULT", "FilledValues", "LeftResult", "awaited_test", "leave"]

#: the source of a value filled in an earlier Trainer's run (see :meth:`FilledValues.from_earlier_run`)
EARLIER = "earlier run"
#: the attribute of a LightningModule where an LR range test that set its LR leaves its result
MODULE_RESULT = "_lightning_lr_range_test"


@dataclass(frozen=True)
class LeftResult:
    """An LR range test's ``result`` left on the module whose ``attr`` it set to ``lr``, for the schedule
    callbacks of a later fit in another Trainer: they take it as a callback of the test's own Trainer
    would have, while the module's ``attr`` still holds ``lr`` (else the user has chosen another LR since)."""

    result: Any
    attr: str
    lr: float
    #: the places the test set ``attr`` in, as its own line named them (at the test: a later fit's datamodule
    #: may hold the name elsewhere; review 89)
    places: str = ""

    def changed(self, module: Any) -> Any:
        """What the module holds for ``attr`` instead of ``lr`` (its attribute or its hparam: a module may
        hold both, and read either; else the datamodule's, where the test set it), or None while every place
        still holds ``lr``."""
        held = [getattr(module, self.attr)] if hasattr(module, self.attr) else []
        hparams = getattr(module, "hparams", None)
        if isinstance(hparams, Mapping) and self.attr in hparams:
            held.append(hparams[self.attr])
        if not held:
            with contextlib.suppress(AttributeError, RuntimeError):
                held.append(lightning_getattr(module, self.attr))
        return next((v for v in held if v != self.lr), None)


def awaited_test(trainer: Any) -> int | None:
    """The epoch at whose start an LR range test of ``trainer``'s fit fills the schedule callbacks' arguments left
    as None: the earliest a callback with a ``fills_lr_at(trainer)`` method names (one duck-typed protocol, as
    ``apply_range_test`` is: this layer does not know the range test's classes); None when none will."""
    epochs = []
    for cb in L.callbacks(trainer):
        ask = getattr(cb, "fills_lr_at", None)
        epoch = ask(trainer) if callable(ask) else None
        if isinstance(epoch, int) and not isinstance(epoch, bool):
            epochs.append(epoch)
    return min(epochs, default=None)


def test_fit(trainer: Any) -> bool:
    """Whether ``trainer``'s fit is a range test's own (the Tuner's: it ends after the test, and the fit that
    follows builds the schedules again): a callback whose ``ends_fit_after_test`` is True (duck-typed, as
    :func:`awaited_test`). What a schedule callback says of the fit's schedulers is said by that later fit, not
    twice (r194: "OneCycle replaces the StepLR" was said at the Tuner's call and at trainer.fit)."""
    return any(getattr(cb, "ends_fit_after_test", False) is True for cb in L.callbacks(trainer))


def leave(module: Any, left: LeftResult | None) -> None:
    """Leave ``left`` on ``module`` for a later fit's schedule callbacks (None: remove what an earlier test
    left)."""
    if left is None:
        module.__dict__.pop(MODULE_RESULT, None)
    else:
        module.__dict__[MODULE_RESULT] = left


class FilledValues:
    """The filled values of one callback: ``values`` (argument -> LR) and ``sources`` (argument ->
    ``"range_test"``, ``"checkpoint"`` or :data:`EARLIER`)."""

    def __init__(self) -> None:
        self.values: dict[str, float] = {}
        self.sources: dict[str, str] = {}
        #: the Trainer (:func:`~lightning_lr._lightning_compat.trainer_token`) whose run filled the values;
        #: None for values filled outside a fit
        self.trainer: str | None = None
        #: the module (:func:`~lightning_lr._lightning_compat.module_token`) the range test measured; None
        #: where it is not known (values a ddp_spawn fit handed over to the main process)
        self.module: str | None = None

    def from_earlier_run(self) -> None:
        """Mark the values as an earlier Trainer's: they still apply, but a range test of this run that has
        no suggestion for one drops it (the argument as given applies), as a fresh callback would."""
        self.sources = dict.fromkeys(self.values, EARLIER)

    def drop_earlier(self) -> str:
        """Drop the values an earlier Trainer's run filled (:meth:`from_earlier_run`); what was dropped, for a
        message ("" for nothing)."""
        gone = [arg for arg, source in self.sources.items() if source == EARLIER]
        text = ", ".join(f"{arg}={self.values.pop(arg):.4g}" for arg in gone)
        for arg in gone:
            del self.sources[arg]
        return text

    def drop_all(self) -> str:
        """Drop every value (those of a test of another module); what was dropped, for a message."""
        text = self.listed()
        self.values, self.sources, self.trainer, self.module = {}, {}, None, None
        return text

    def listed(self) -> str:
        """The filled values for a message: ``max_lr=0.0173, base_lr=0.0043``."""
        return ", ".join(f"{k}={v:.4g}" for k, v in self.values.items())

    def value(self, arg: str, given: Any) -> Any:
        """``given`` (the argument as the user gave it), or the filled value when it is None."""
        return self.values.get(arg) if given is None else given

    def describe(self, arg: str, given: Any) -> str:
        """The argument's current value for a message."""
        if given is not None:
            return fmt_value(given)
        if arg in self.values:
            return f"{self.values[arg]:g}"
        return "None (from the optimizer)"

    def take(
        self,
        owner: str,
        suggestions: Mapping[str, Any],
        given: Mapping[str, Any],
        *,
        scheduled: bool = False,
        running: bool = False,
        quiet: bool = False,
    ) -> bool:
        """Fill every argument of ``given`` (argument -> value as given) that is None from
        ``suggestions``; warn once for those kept (given explicitly, restored from a checkpoint, unless
        the test is ``scheduled``: one the uninterrupted run makes too) and once for those without a
        suggestion (``quiet``: no warnings, for a result whose test warned when it ran). An earlier run's
        value without a suggestion is dropped, unless the run is ``running`` (a test at a later epoch
        without an answer leaves the LR it trains with alone). True if a filled value changed."""
        kept: list[str] = []
        restored: list[str] = []
        missing: list[str] = []
        dropped: list[str] = []
        changed = False
        for arg, value in given.items():
            suggested = suggestions.get(arg)
            if suggested is None:
                if value is None and self.sources.get(arg) == EARLIER and not running:
                    dropped.append(f"{arg}={self.values.pop(arg):g}")
                    del self.sources[arg]
                    changed = True
                missing.append(f"{arg}={self.describe(arg, value)}")
                continue
            suggested = _usable(owner, arg, suggested)
            if value is not None:
                kept.append(f"{arg}={fmt_value(value)} (given explicitly; suggested {suggested:g})")
            elif self.sources.get(arg) == "checkpoint" and not scheduled:
                restored.append(f"{arg}={self.values[arg]:g} (suggested {suggested:g})")
            else:
                changed = changed or self.values.get(arg) != suggested
                self.values[arg] = suggested
                self.sources[arg] = "range_test"
        if quiet:
            return changed
        if missing:
            earlier = (
                f" ({', '.join(dropped)}, which a range test filled in an earlier Trainer's run, is dropped)"
                if dropped
                else ""
            )
            L.warn_at_user(
                f"{owner}: the LR range test gave no suggestion (see its warnings for why), so "
                f"{', '.join(missing)} is kept{earlier}",
                category=UserWarning,
            )
        if kept:
            L.warn_at_user(
                f"{owner} keeps {'; '.join(kept)}. Leave an argument as None to take the range test's value.",
                category=UserWarning,
            )
        if restored:
            L.warn_at_user(
                f"{owner} keeps {'; '.join(restored)}, restored from the checkpoint: a range test that runs "
                f"again in a resumed fit does not move what the checkpoint's run filled (a test of an epoch "
                f"listed in LRRangeTest(epochs=...) does, as in the uninterrupted run)",
                category=UserWarning,
            )
        return changed

    def restore(self, owner: str, filled: Mapping[str, Any], given: Mapping[str, Any]) -> None:
        """Take the values a checkpoint's run filled (``filled``); ``given`` maps each argument a range
        test may fill to its value as given. An argument given explicitly keeps its value (warned)."""
        for arg, value in dict(filled).items():
            if arg not in given:
                raise KeyError(f"{owner}: the checkpoint fills {arg!r}, which is not an argument of {owner}")
            if given[arg] is not None:
                L.warn_at_user(
                    f"{owner}: {arg}={fmt_value(given[arg])} given explicitly is used instead of "
                    f"{arg}={value:g} that a range test filled in the checkpoint's run",
                    category=UserWarning,
                )
                continue
            self.values[arg] = float(value)
            self.sources[arg] = "checkpoint"


def _usable(owner: str, arg: str, suggested: Any) -> float:
    if isinstance(suggested, bool) or not isinstance(suggested, numbers.Real):
        raise TypeError(f"{owner}: the range test suggested {arg}={suggested!r}, not a number")
    value = float(suggested)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{owner}: the range test suggested {arg}={value!r}; need a number > 0")
    return value
