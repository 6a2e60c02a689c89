"""The LR range test's result: the curve read by the suggestion rules, the 1cycle and cyclical bounds, the figure."""

from __future__ import annotations

import inspect
import itertools
import math
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from .. import _lightning_compat as L
from .. import _validate as V
from ..callbacks import _peers as callback_peers
from . import _bounds, _rules, _run_length
from ._confirm import CONFIRMED, Confirmation, tail_length, too_high, verdict
from ._curve import SweepResult, fmt, short
from ._options import LROptions
from ._rules import DEFAULT_METHOD, METHODS

#: a number in a reason: two reasons that differ only in their numbers give the same diagnosis
_NUMBER = re.compile(r"[-+]?\d[\d.]*(?:e[-+]?\d+)?")

__all__ = ["RangeTestResult"]


#: other libraries' names for :meth:`RangeTestResult.one_cycle_max_lr`'s shape arguments, with the hints the
#: OneCycle callback gives them (review 141: ``anneal_strategy="cos"`` was a plain TypeError here)
_ONE_CYCLE_PEERS = {
    **{k: callback_peers.ONE_CYCLE[k] for k in ("anneal_strategy", "div", "div_final")},
    **{
        name: f"nothing: the peak follows the cycle's shape, not its length ({source})"
        for name, source in (
            ("total_steps", "torch's total_steps"),
            ("total", "the OneCycle callback's total"),
            ("epochs", "torch's epochs"),
            ("steps_per_epoch", "torch's steps_per_epoch"),
        )
    },
}

#: other libraries' names for what :meth:`RangeTestResult.suggestion` reads (review 177: a bare TypeError)
SUGGESTION_PEERS = {
    name: (
        "nothing: the rules read the sweep's whole descent themselves (Lightning's lr_find suggestion "
        f"{name} trims the curve before its steepest-gradient rule); to leave the start of the sweep out, raise "
        "min_lr"
    )
    for name in ("skip_begin", "skip_end")
}
#: the peers' names for a range test's result attributes, and what to read here instead: an AttributeError
#: says it (review 177: every notebook of theirs starts with one of these)
PEER_ATTRIBUTES = {
    "results": "lrs and losses, or to_dict() (Lightning's lr_find results['lr'] and results['loss'])",
    "history": "lrs and losses, or to_dict() (torch-lr-finder's history['lr'] and history['loss'])",
    **{
        name: f"suggestion({rule!r}) (fastai's SuggestedLRs.{name}; suggestions() lists every rule)"
        for name, rule in (
            ("valley", "valley"),
            ("minimum", "minimum"),
            ("steep", "steepest"),
            ("slide", "slide"),
        )
    },
}


@dataclass(frozen=True, eq=False, repr=False)
class RangeTestResult(SweepResult):
    """The curve of one LR range test and the rules that read it.

    One entry per optimizer step in each of ``lrs``, ``losses`` (raw; under DDP the mean over ranks),
    ``smoothed`` (bias-corrected EMA of ``losses`` with factor ``smoothing``) and ``momentums`` (the
    momentum or Adam beta1 of the param group with the largest LR at that step, None for optimizers without
    one). ``lrs`` are that group's; other groups were swept in proportion, and a suggestion is that group's
    LR, as one number for a schedule callback's LR argument is. If the loss became NaN/inf, that point
    is the last one and the rules use the points before it. A momentum sweep's result is a
    :class:`~lightning_lr.tuner.MomentumRangeTestResult`.

    Under manual optimization a step is one step of the optimizer too: the ``training_step`` calls up to
    and including the one that stepped it (k calls for an accumulation by hand over k batches), its loss
    the mean of theirs. A call that stepped the optimizer more than once makes one point: the LR held for
    all those steps, the loss the call returned; :attr:`cost` counts every step (``steps_taken``).

    Args:
        lrs: learning rate of the param group with the largest LR at each step.
        losses: raw loss at each step (the validation loss when ``val_loss`` is True).
        momentums: momentum / beta1 at each step, or None entries.
        mode: ``"exponential"`` or ``"linear"``: how the LR grew.
        smoothing: EMA factor in [0, 1) used for ``smoothed``.
        num_steps: the steps the sweep was asked for (more than ``len(lrs)`` when it stopped early).
        stop_reason: ``"completed"``, ``"diverged"`` (smoothed loss above the early-stop threshold, the loss
            too, and not an outlier batch's: the curve ends at the step the stop was due) or
            ``"non-finite loss"``.
        val_loss: whether ``losses`` are validation losses (Smith's mode).
        weight_decay: the weight decay of the sweep, when it was one of several (``weight_decays=[...]``).
        confirmation: the candidate LRs trained after the sweep (``confirm=True``), their per-step losses and
            scores, the chosen one or the reason there is none; None for a sweep-only result.
        first_try: when this result is the range test's second try (``retry=True``: the first gave no answer
            for a reason more steps can fix, so the test ran once more with more steps), the first try's
            result, its sweep, candidates and reason kept; None otherwise.
        steps_taken: the optimizer steps the sweep took when that is more than one per point (a manual
            ``training_step`` call that stepped the optimizer several times; the at most 3 steps after an
            early stop was due, taken to tell a divergence from an outlier batch), else None.
        rule: what :meth:`suggestion` answers without a ``method``: None for the default answer (the
            confirmed LR when there is a ``confirmation``, else ``"minimum"``), or ``"confirmed"`` or a
            sweep rule. A range test run with ``method=...`` records it here, so its result answers with
            the LR it applied.
        optimizer: the torch optimizer class the test ran with (``"torch.optim.AdamW"``; a class of another
            library by its own qualified name), which :meth:`suggestion`'s ``run_steps`` reads; None for a
            result built by hand.
        run_steps: the optimizer steps of the constant-LR run the answer is for, as the range test was told
            (its ``run_steps``; ``"auto"`` recorded as the steps the Trainer's fit had left): :meth:`suggestion`
            scales the confirmed LR for it. None: the answer as the candidates found it.

    Example:
        >>> import numpy as np
        >>> lrs = np.logspace(-5, 0, 30)
        >>> losses = 2.0 - 1.5 / (1 + np.exp(-(np.log10(lrs) + 2.5) * 4)) + np.exp(np.log10(lrs) * 3)
        >>> r = RangeTestResult(lrs, losses, [0.9] * 30, smoothing=0.0)
        >>> 1e-4 < r.suggestion() < 1e-1
        True
        >>> r.suggestion("minimum") == r.lrs[int(np.argmin(r.smoothed))] / 10
        True
        >>> base, top = r.cyclic_bounds()
        >>> round(top / base, 12)
        4.0
    """

    lrs: tuple[float, ...]
    losses: tuple[float, ...]
    momentums: tuple[float | None, ...]
    mode: str = LROptions.mode
    smoothing: float = LROptions.smoothing
    num_steps: int | None = None
    stop_reason: str = "completed"
    val_loss: bool = False
    weight_decay: float | None = None
    confirmation: Confirmation | None = None
    first_try: RangeTestResult | None = None
    steps_taken: int | None = None
    rule: str | None = None
    optimizer: str | None = None
    run_steps: int | None = None
    smoothed: tuple[float, ...] = field(init=False)

    param: ClassVar[str] = "lr"
    _more_keys: ClassVar[tuple[str, ...]] = (
        "confirmation",
        "first_try",
        "steps_taken",
        "rule",
        "optimizer",
        "run_steps",
    )

    def __post_init__(self) -> None:
        self._check()
        rising = all(b > a for a, b in itertools.pairwise(self.lrs))
        if not (rising and all(lr > 0 for lr in self.lrs[:1])):
            raise ValueError(
                f"lrs must be positive and increasing (the sweep's LRs in the order it took them), got "
                f"{short(list(self.lrs))}"
            )
        object.__setattr__(
            self, "weight_decay", V.optional(V.non_negative, "weight_decay", self.weight_decay)
        )
        if self.confirmation is not None and not isinstance(self.confirmation, Confirmation):
            V.fail("confirmation", "a Confirmation or None", self.confirmation, TypeError)
        if self.first_try is not None and not isinstance(self.first_try, RangeTestResult):
            V.fail("first_try", "a RangeTestResult or None", self.first_try, TypeError)
        steps = V.optional(V.integer, "steps_taken", self.steps_taken, len(self), " (one per point)")
        object.__setattr__(self, "steps_taken", None if steps == len(self) else steps)
        object.__setattr__(self, "rule", V.optional(V.one_of, "rule", self.rule, (CONFIRMED, *METHODS)))
        V.optional(V.text, "optimizer", self.optimizer, "a class's qualified name")
        # (kept as the int it checked: a numpy int was kept as given, and save() could not write it)
        object.__setattr__(self, "run_steps", _run_length.check_run_steps(self.run_steps))

    def _weight_decay(self) -> float | None:
        return self.weight_decay

    @classmethod
    def _from_fields(cls, data: Mapping[str, Any]) -> RangeTestResult:
        return cls(
            lrs=data["lrs"],
            losses=data["losses"],
            momentums=data["momentums"],
            mode=data["mode"],
            smoothing=data["smoothing"],
            num_steps=data["num_steps"],
            stop_reason=data["stop_reason"],
            val_loss=data.get("val_loss", False),  # its check (review 108: bool("false") was True)
            weight_decay=data.get("weight_decay"),
            confirmation=None
            if data.get("confirmation") is None
            else Confirmation.from_dict(data["confirmation"]),
            first_try=None
            if data.get("first_try") is None
            else RangeTestResult._first_try(data["first_try"]),
            steps_taken=data.get("steps_taken"),
            rule=data.get("rule"),
            optimizer=data.get("optimizer"),
            run_steps=data.get("run_steps"),
        )

    @classmethod
    def _first_try(cls, data: Any) -> RangeTestResult:
        if not isinstance(data, Mapping):
            V.fail("first_try", "a RangeTestResult dict (to_dict) or None", data, TypeError)
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (see :meth:`SweepResult.to_dict`), with the ``confirmation``, the ``first_try``,
        ``steps_taken``, the ``rule``, the ``optimizer`` and ``run_steps`` when there are."""
        data = super().to_dict()
        if self.steps_taken is not None:
            data["steps_taken"] = self.steps_taken
        if self.confirmation is not None:
            data["confirmation"] = self.confirmation.to_dict()
        if self.first_try is not None:
            data["first_try"] = self.first_try.to_dict()
        if self.rule is not None:
            data["rule"] = self.rule
        if self.optimizer is not None:
            data["optimizer"] = self.optimizer
        if self.run_steps is not None:
            data["run_steps"] = self.run_steps
        return data

    @property
    def cost(self) -> int:
        """The optimizer steps the range test took for this result: the sweep's, the candidates' and, for a
        second try, the first try's. One per point, as in automatic optimization, unless a manual
        ``training_step`` call stepped the optimizer more than once or the sweep took steps after its early
        stop was due (``steps_taken``); the training_step calls of a manual accumulation are not steps.

        Example:
            >>> first = RangeTestResult([1e-3, 1e-2, 1e-1], [2.0, 2.0, 2.0], [None] * 3)
            >>> RangeTestResult([1e-3, 1e-2], [2.0, 1.0], [None] * 2, first_try=first).cost
            5
        """
        own = len(self) if self.steps_taken is None else self.steps_taken
        own += self.confirmation.cost if self.confirmation is not None else 0
        return own + (self.first_try.cost if self.first_try is not None else 0)

    # --- rules ----------------------------------------------------------------------------------
    def _rule_name(self, method: str | None) -> str:
        """The rule ``method`` means: None is the default answer's (``"confirmed"`` or ``DEFAULT_METHOD``)."""
        name = self.rule if method is None else method
        if name is None:
            return CONFIRMED if self.confirmation is not None else DEFAULT_METHOD
        return name

    def _pick(self, method: str | None) -> tuple[float | None, str]:
        name = V.one_of("method", self._rule_name(method), (CONFIRMED, *METHODS))
        if name != CONFIRMED:
            # every sweep rule reads a sweep that gives a scale, not only the default (review 102: a named rule
            # answered a NaN from sweep step 6 with 1.75e-7, and it was applied)
            found = verdict(self.lrs, self.losses, self.num_steps, self.stop_reason, self.mode)
            if found.reason:
                return None, found.reason
        if name == CONFIRMED:
            if self.confirmation is None:
                return None, (
                    "no candidates were trained (the range test ran with confirm=False); run it with "
                    "confirm=True, or name a sweep rule"
                )
            lr, why = self.confirmation.lr, self.confirmation.reason
            if lr is None and self.first_try is not None:
                # review 123: the first try's advice (raise max_lr) gave way to the second's, which can say
                # less (the same range, swept again): both are told
                first = self.first_try._pick(method)[1]
                if first and _NUMBER.sub("#", first) != _NUMBER.sub(
                    "#", why
                ):  # another diagnosis, not new numbers
                    why += f" (and the first try, {self.first_try.num_steps} steps: {first})"
            return lr, why
        p = _rules.pick(name, self.lrs, self.losses)
        if p.index is None:
            return None, p.reason
        lr = self.lrs[p.index]
        if name == "minimum":
            lr /= 10.0
            if lr < self.lrs[0]:
                return None, (
                    f"a tenth of the LR of the lowest loss ({lr:.3g}) lies below the sweep's first LR "
                    f"({self.lrs[0]:.3g}): {too_high(self.lrs, self.mode)}"
                )
        return lr, ""

    @property
    def reason(self) -> str:
        """Why the default answer (:meth:`suggestion` without a method) is None, and what to change; ""
        when there is an answer. The warning of :meth:`suggestion` says the same.

        Example:
            >>> RangeTestResult([1e-4, 1e-3, 1e-2, 1e-1, 1.0], [3.0, 3.0, 3.1, 3.2, 3.4], [None] * 5).reason[:40]
            'the loss never fell below its starting l'
        """
        value, why = self._pick(None)
        return "" if value is not None else why

    if not TYPE_CHECKING:  # (a type checker would take every attribute for one that exists)

        def __getattr__(self, name: str) -> Any:
            # (only for a name the class does not have: the peers' result attributes get what to read here)
            return V.missing_attribute(self, name, PEER_ATTRIBUTES)

    @V.known_as(SUGGESTION_PEERS)
    @V.said_of("suggestion")  # (r194: its errors did not name it, where one_cycle_max_lr's did)
    def suggestion(self, method: str | None = None, *, run_steps: int | None = None) -> float | None:
        """The suggested learning rate, or None (with a warning that says why and what to change).

        Without a ``method`` it is the default answer: the confirmed LR when the range test trained
        candidates (``confirm=True``, the default: :attr:`confirmation`), else the ``"minimum"`` rule
        (``DEFAULT_METHOD``) read from a sweep that shows a clear descent. None, for every ``method``, when
        the sweep gives no scale (the drop is within the noise of its flat start, the loss blew up in the
        first quarter of the sweep, or never fell); for the confirmed LR also when the candidates disagree
        with it (every one diverged, the best does not end
        clearly below the loss at the start, or they all end alike). ``method="confirmed"`` is the confirmed
        LR (the best candidate refined between its neighbours); the sweep rules,
        all on the finite part of the raw losses over log LR, read through a centred moving average of a
        quarter decade each side (``_rules.zero_lag``; it has no lag, unlike ``smoothed``), are:

        - ``"valley"``: the middle of the longest valley (longest decreasing run, bumps allowed) in the
          descent, the stretch before the minimum that has fallen 10% of the drop.
        - ``"steepest"``: the steepest descent, searched in that stretch.
        - ``"minimum"``: a tenth of the LR of lowest loss (None when that lies below the first LR).
        - ``"slide"``: fastai's sliding window, made independent of the loss's scale.

        ``run_steps``: the optimizer steps of the constant-LR run the answer is for (None: the result's own
        :attr:`run_steps`, which the range test's ``run_steps`` sets; when that is None too, a run about as
        long as the candidates trained, ``confirm_steps``, 80 by default). With an Adam-family optimizer (Adam,
        AdamW, NAdam, RAdam, Adamax; :attr:`optimizer`) the confirmed LR is then scaled by ``(run_steps /
        confirm_steps) ** -1/4``, held at ``25 ** -1/4`` (0.447) for a run longer than 25 candidate lengths,
        the longest measured: such an optimizer's best constant LR falls with the run's length
        (``benchmarks/range_test_length_fam.py``: on its validation half, 9 of 12 runs within 3x of the
        grid-best instead of 1). For other optimizers, and for a sweep rule's answer, the answer is left as it
        is, with a warning that says so. A schedule's bounds (:meth:`one_cycle_max_lr`, :meth:`cyclic_bounds`)
        take no ``run_steps``: a schedule that anneals does not pay a high LR's noise to the end.

        Example:
            >>> r = RangeTestResult([1e-4, 1e-3, 1e-2, 1e-1, 1.0], [3.0, 3.0, 3.1, 3.2, 3.4], [None] * 5)
            >>> import warnings
            >>> with warnings.catch_warnings(record=True) as caught:
            ...     warnings.simplefilter("always")
            ...     print(r.suggestion())
            None
            >>> "never fell" in str(caught[0].message)
            True
        """
        return self._suggest(method, run_steps=run_steps)

    def _suggest(self, method: str | None, run_steps: int | None = None) -> float | None:
        """:meth:`suggestion`, its warning said at the user's line (``user_stacklevel``: the call of this result's
        method, or the Tuner call or fit that applied it; a result that holds this one answers with it:
        :class:`~._weight_decay.WeightDecayResult`)."""
        value, reason, note = self._answer(method, run_steps)
        if value is None:
            warnings.warn(
                f"no lr suggestion (method={self._rule_name(method)!r}): {reason}",
                UserWarning,
                stacklevel=L.user_stacklevel(),
            )
        elif note:
            warnings.warn(note, UserWarning, stacklevel=L.user_stacklevel())
        return value

    def _answer(self, method: str | None, run_steps: int | None = None) -> tuple[float | None, str, str]:
        """The answer of :meth:`suggestion` without its warnings: ``(value, why there is none, what the run's
        length did not change)``."""
        run_steps = _run_length.check_run_steps(run_steps)
        value, reason = self._pick(method)
        run_steps = self.run_steps if run_steps is None else run_steps
        if value is None or run_steps is None:
            return value, reason, ""
        name = self._rule_name(method)
        if name != CONFIRMED or self.confirmation is None:
            scale, note = (
                1.0,
                (
                    f"run_steps={run_steps} leaves the {name!r} rule's answer as it is: the run-length scale was "
                    f"measured for the confirmed answer (the candidates' length is the horizon it scales from)"
                ),
            )
        else:
            scale, note = _run_length.factor(run_steps, self.confirmation.steps, self.optimizer)
        if value * scale < self.lrs[0]:  # never below the range the sweep saw
            scale = self.lrs[0] / value
            note += (
                "; " if note else ""
            ) + f"the scaled answer is held at the sweep's first LR, {self.lrs[0]:.3g}"
        return value * scale, "", note

    def suggestions(self) -> dict[str, float | None]:
        """Every answer without warnings (None where there is none), as :meth:`suggestion` gives it (the confirmed
        one scaled for :attr:`run_steps`): ``"confirmed"`` first when the result has a confirmation, then every
        sweep rule.

        Example:
            >>> r = RangeTestResult([1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.5, 1.0, 1.2, 5.0], [None] * 5, smoothing=0)
            >>> r.suggestions()["minimum"]
            0.01
        """
        out: dict[str, float | None] = {}
        if self.confirmation is not None:
            # as suggestion("confirmed") gives it, scaled for the result's run_steps (r192: it was not)
            out[CONFIRMED] = self._answer(CONFIRMED)[0]
        out.update({m: self._pick(m)[0] for m in METHODS})
        return out

    @V.known_as(_ONE_CYCLE_PEERS)
    @V.said_of("one_cycle_max_lr")  # (r194: its shape's errors named it, its method's did not)
    def one_cycle_max_lr(
        self,
        method: str | None = None,
        *,
        pct_start: float = 0.3,
        anneal: str = "cos",
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
    ) -> float | None:
        """The peak LR of a 1cycle (its ``max_lr``) for :meth:`suggestion` (``method``), or None.

        A 1cycle spends most of its time below its peak and anneals to almost zero, so its peak lies above
        the best constant LR. Which peak depends on what the answer knows:

        - **The confirmed LR** (the default): the higher of two LRs. One is the peak of the 1cycle whose mean
          LR over the cycle equals the confirmed LR (with the shape arguments of
          :class:`~lightning_lr.callbacks.OneCycle`; torch's defaults give a mean of 0.506 of the peak, so
          that peak is 1.98x the confirmed LR). The other is the top of the candidates' *plateau*
          (``Confirmation.top``): the highest candidate LR that trained as well as the winner, within the noise
          of its score. A constant LR pays for a higher LR's noise over a whole training, a 1cycle
          anneals it away, so it can peak as high as the plateau reaches. The peak stays at or below the
          highest candidate that trained without diverging when a higher one diverged (the stability limit
          lies between them), and at or below the highest LR the sweep or a candidate trained at (with a
          warning: nothing above it was seen).
        - **The ``"minimum"`` rule**: the LR of the lowest loss itself (ten times the rule's answer), where
          the loss stops falling: the 1cycle peak of Smith (2018). The rule's tenth is the margin a
          *constant* LR keeps below that point.
        - **Another sweep rule**: the peak of the 1cycle whose mean LR equals its answer, at most the LR of
          the lowest loss (past it the sweep's loss rose; review 47 saw ``valley``'s doubled answer land there,
          where the 1cycle did not train).

        None, with the suggestion's warning, when there is no suggestion. The ``"minimum"`` rule's peak (the
        default answer of a result without a :attr:`confirmation`) does not depend on the cycle's shape: shape
        arguments other than their defaults are then checked, and an
        :class:`~lightning_lr.tuner.UnusedArgumentWarning` names them (review 108: they were ignored unsaid).

        Example:
            >>> r = RangeTestResult([1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.9, 1.2, 1.05, 1.0, 4.0],
            ...                     [None] * 6, smoothing=0)
            >>> r.suggestion("valley"), round(r.one_cycle_max_lr("valley"), 4)
            (0.01, 0.0198)
        """
        shape = {
            "pct_start": pct_start,
            "anneal": anneal,
            "div_factor": div_factor,
            "final_div_factor": final_div_factor,
            "three_phase": three_phase,
        }
        try:
            mean = _bounds.one_cycle_mean(**shape)  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            # the schedule's checks, said of this method (review 141: "OneCycle: pct_start must be in [0, 1]")
            raise type(exc)(f"one_cycle_max_lr: {V.without_owner(str(exc))}") from None
        self._say_unused_shape(method, shape)
        peak, reason = self._peak(method, mean, "one_cycle_max_lr")
        if peak is None:
            warnings.warn(
                f"no one_cycle_max_lr (method={self._rule_name(method)!r}): {reason}",
                UserWarning,
                stacklevel=L.user_stacklevel(),
            )
        return peak

    def _say_unused_shape(self, method: str | None, shape: Mapping[str, Any]) -> None:
        """Warn, once for all of them, of the shape arguments given that the ``"minimum"`` rule's peak ignores."""
        if self._rule_name(method) != "minimum":
            return
        defaults = inspect.signature(RangeTestResult.one_cycle_max_lr).parameters
        given = {k: v for k, v in shape.items() if not V.same(v, defaults[k].default)}
        if not given:
            return
        if method is not None:
            whose = "method='minimum'"
        elif self.rule is not None:
            whose = "rule='minimum', this result's answer"
        else:
            whose = "the default answer of a result without a confirmation"
        listed = ", ".join(f"{k}={v!r}" for k, v in given.items())
        they, them = ("they are", "them") if len(given) > 1 else ("it is", "it")
        rules = ("" if self.confirmation is None else f"{CONFIRMED!r}, ") + "'valley', 'steepest' or 'slide'"
        warnings.warn(
            f"one_cycle_max_lr: {listed} cannot change the peak of the 'minimum' rule ({whose}): it is the LR of "
            f"the lowest loss itself (Smith 2018), whatever the cycle's shape, so {they} ignored. Leave {them} "
            f"out, or read a rule whose peak follows the shape (method={rules})",
            V.UnusedArgumentWarning,
            stacklevel=L.user_stacklevel(),
        )

    def _peak(self, method: str | None, mean: float, what: str) -> tuple[float | None, str]:
        """The top of a schedule whose mean LR is ``mean`` of its top, for the answer ``method`` (see
        :meth:`one_cycle_max_lr`), or None and the reason."""
        value, reason = self._pick(method)
        if value is None:
            return None, reason
        name = self._rule_name(method)
        conf = self.confirmation
        if name != CONFIRMED:  # a sweep rule's top: never past the LR of the lowest loss (it stops falling)
            lowest = _rules.minimum(self.lrs, self.losses).index
            if name == "minimum":  # that LR itself, not the rule's tenth of it
                return self.lrs[lowest], ""  # type: ignore[index]
            peak = value / mean if lowest is None else min(value / mean, self.lrs[lowest])  # review 47
        elif conf is None:
            peak = value / mean
        else:
            peak = max(value / mean, conf.top or 0.0)
            peak = peak if conf.ceiling is None else min(peak, conf.ceiling)
        # nothing above was seen: the sweep ended there, or blew up there, and no candidate trained higher
        trained = [c.lr for c in conf.candidates if math.isfinite(c.score)] if conf is not None else []
        top = max([*self.lrs, *trained])
        if peak > top:
            if top > max(self.lrs):
                why = "the highest candidate that trained"
            elif self.stop_reason == "completed":
                why = "the sweep's max_lr; raise max_lr to let the top go higher"
            else:
                why = f"where the sweep stopped ({self.stop_reason})"
            warnings.warn(
                f"{what}: the top ({peak:.3g}) would lie above the highest LR the range test trained at, "
                f"{top:.3g}, {why}; it is capped at {top:.3g}",
                V.CappedWarning,
                stacklevel=L.user_stacklevel(),
            )
            peak = top
        return peak, ""

    @V.said_of("cyclic_bounds")  # (r194: its errors did not name it, where one_cycle_max_lr's did)
    def cyclic_bounds(self, ratio: float = 4.0, method: str | None = None) -> tuple[float, float] | None:
        """``(base_lr, max_lr)`` of a triangular cycle with ``max_lr / base_lr = ratio`` for :meth:`suggestion`
        (``method``), or None.

        ``max_lr`` is chosen as :meth:`one_cycle_max_lr` chooses a 1cycle's peak, for a schedule whose mean LR
        is that of the triangle, ``(1 + 1 / ratio) / 2`` of its top: for the confirmed LR the higher of the
        top of the triangle with the confirmed LR as its mean and the top of the candidates' plateau, capped
        by the stability limit and the highest LR trained at; for the ``"minimum"`` rule the LR of the lowest
        loss (Smith (2017): the cycle's top is where the loss stops falling); for another rule the triangle
        with its answer as mean, at most the LR of the lowest loss. Smith recommends ``base_lr`` = 1/3 to 1/4
        of ``max_lr``. None, with the suggestion's warning, when there is no suggestion. A ``base_lr`` below the
        lowest LR the test swept is raised to it, with a warning (no LR outside the swept range is suggested).

        Args:
            ratio: ``max_lr / base_lr``, > 1 (Smith: 3 to 4).
            method: the answer to read (None: the default answer).

        Example:
            >>> r = RangeTestResult([1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.9, 1.2, 1.05, 1.0, 4.0],
            ...                     [None] * 6, smoothing=0)
            >>> [round(v, 6) for v in r.cyclic_bounds(ratio=4, method="valley")]
            [0.004, 0.016]
        """
        if isinstance(ratio, str) and ratio in (CONFIRMED, *METHODS):
            # (r192: cyclic_bounds("valley"), the argument order of one_cycle_max_lr(method), said only that ratio
            # must be a number)
            raise TypeError(
                f"cyclic_bounds(ratio=4.0, method=None): ratio must be a number > 1 (max_lr / base_lr), got "
                f"{ratio!r}, a method's name: did you mean cyclic_bounds(method={ratio!r})?"
            )
        ratio = _bounds.check_ratio(ratio)
        _, top = _bounds.cyclic_bounds(1.0, ratio)  # the triangle of mean 1
        peak, reason = self._peak(method, 1.0 / top, "cyclic_bounds")
        if peak is None:
            warnings.warn(
                f"no cyclic_bounds (method={self._rule_name(method)!r}): {reason}",
                UserWarning,
                stacklevel=L.user_stacklevel(),
            )
            return None
        base, low = peak / ratio, min(self.lrs)
        if base < low:  # review 102: applied to a Cyclic below the LRs the test swept
            warnings.warn(
                f"cyclic_bounds: the base ({base:.3g}, the top {peak:.3g} over ratio={ratio:g}) would lie below the "
                f"lowest LR the range test swept, {low:.3g}; it is raised to it, so the cycle's max_lr / base_lr "
                f"is {peak / low:.3g}. Lower min_lr to let the test see below it",
                UserWarning,
                stacklevel=L.user_stacklevel(),
            )
            base = low
        return base, peak

    # --- figure ---------------------------------------------------------------------------------
    @V.known_as(
        {
            "show": (
                "nothing: plot() returns the figure; call matplotlib.pyplot.show() (Lightning's lr_find "
                "plot(show=True)), or fig.savefig(path)"
            ),
            "skip_start": "nothing: plot() draws the whole sweep (torch-lr-finder's skip_start)",
            "skip_end": "nothing: plot() draws the whole sweep (torch-lr-finder's skip_end)",
            "log_lr": "nothing: an exponential sweep is drawn on a log axis (torch-lr-finder's log_lr)",
        }
    )
    @V.said_of("plot")  # (r194: its errors did not name it, where one_cycle_max_lr's did)
    def plot(self, suggest: bool = True, method: str | None = None, ax: Any = None, raw: bool = True) -> Any:
        """The loss against the LR (log x axis in exponential mode): the centred average the rules read
        (``_rules.zero_lag``) over the raw losses, the EMA ``smoothed`` dashed beside it, the suggestion and
        1cycle max LR marked, and the confirmation's candidates (each LR at its score, the mean loss of its
        last steps; a diverged one as a cross at the top). Without an answer, the reason is written on the
        axes.

        Args:
            suggest: mark the suggestion of ``method`` and the 1cycle max LR.
            method: the answer to mark (None: the default answer).
            ax: a matplotlib Axes to draw into; a new figure when None.
            raw: also draw the raw losses (faint) under the curves.

        Returns:
            The matplotlib Figure.

        Example:
            >>> r = RangeTestResult([1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.5, 1.0, 1.2, 5.0], [None] * 5)
            >>> fig = r.plot(suggest=False)
            >>> fig.axes[0].get_xscale()
            'log'
        """
        from ..plotting import range_test_figure

        self._check_plot(suggest, method, ax, raw)
        value = top = None
        why = ""
        if suggest:
            # (the figure writes why there is no answer: no warning again, review 129); the answer as
            # suggestion() gives it, scaled for the run_steps the result holds
            value, why, _ = self._answer(method)
            why = why if value is None else ""
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                top = self.one_cycle_max_lr(method)
        conf = self.confirmation
        return range_test_figure(
            self.lrs,
            self.losses,
            self.smoothed,
            centred=_rules.zero_lag(self.lrs, self.losses).tolist(),
            no_answer=why or None,
            smoothing=self.smoothing,
            log_x=self.mode == "exponential",
            x_label="learning rate",
            y_label=self._y_label(),
            suggestion=value,
            rule=self._rule_name(method)
            # (said only where the run's length moved it: review 190, an SGD answer was labelled so, unscaled)
            + (
                "" if value is None or value == self._pick(method)[0] else f", for run_steps={self.run_steps}"
            ),
            max_lr=top,
            title=self._title(
                "LR range test"
                if self.first_try is None
                else f"LR range test, second try ({self.num_steps} steps; {self.first_try.num_steps} gave no answer)"
            ),
            ax=ax,
            raw=raw,
            candidates=None
            if conf is None or not conf.candidates
            else list(zip(conf.lrs, conf.scores, strict=True)),
            suggestion_y=conf.lr_score
            if conf is not None and value is not None and value == conf.lr
            else None,
            candidate_steps=None if conf is None else conf.steps,
            candidate_tail=None if conf is None else tail_length(conf.steps),
        )

    def __repr__(self) -> str:
        parts = self._repr_parts(self.lrs)
        if self.run_steps is not None:
            parts.append(f"run_steps={self.run_steps}")
        parts.append(f"suggestion({self._rule_name(None)})={fmt(self._answer(None)[0])}")
        if self.cost != len(self):  # review 123: the candidates' steps, 4x the sweep's, went unsaid
            parts.append(f"cost {V.counted(self.cost, 'optimizer step')}")
        return f"RangeTestResult({', '.join(parts)})"
