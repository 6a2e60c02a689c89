"""Applying a range test's result: the model's attribute, the schedule callbacks, the running optimizer.

The rules, in order (after every piece of state has been restored):

1. The model's ``lr`` / ``learning_rate`` attribute or hparam (or ``attr_name``) is set to the suggestion
   (the value for which ``configure_optimizers`` configures its largest group with it, before a scheduler's
   first factor; where it builds a 1cycle, the value that gives its peak the 1cycle max_lr: :func:`attr_value`),
   and ``weight_decay`` to the best weight decay of a weight-decay sweep, when the model has one; a saved
   hyperparameter of that name (``save_hyperparameters``) too, so a logger records the value that trains.
   An attribute ``configure_optimizers`` does not build the LR from (``attr_name="momentum"``, a hard-coded LR)
   is left as it was, with a warning that says what the hook builds from it instead (review 138).
   Without one a running fit's param groups still get it (rule 3's groups), with a warning; a Tuner's warns.
   Where the optimizer that trains is what ``configure_optimizers`` builds with it (the next fit's, this fit's
   rebuilt), a group whose LR does not follow the attribute (an absolute ``backbone_lr``) is named in a
   warning: it trains at another ratio to the largest group than the test ran it at (:func:`_warn_unfollowed`).
2. Every callback in ``trainer.callbacks`` with an ``apply_range_test(result)`` method gets the result
   (one duck-typed mechanism: lightning_lr's OneCycle / Cyclic fill the values left as None and update
   the scheduler they injected). Such a callback owns the LR; the range test leaves it alone. A result of a
   test run with a ``method`` answers ``suggestion()`` by that rule (its ``rule``), so a preset that takes
   the suggestion (CosineDecay, ...) trains with the LR the model's attribute was set to.
3. Otherwise, when the test ran inside ``fit`` (the callback entry point), the running fit must train
   with the suggestion, and a scheduler the user configured must not overwrite it:

   - at a fresh start (no optimizer step taken yet) with the attribute set, the optimizers and schedulers
     are rebuilt from ``configure_optimizers``: exactly as if the user had written the suggested LR;
   - otherwise (a resumed or later-epoch test, or no attribute) every param group's LR is scaled so that
     the group with the largest LR continues at the suggestion (the groups keep their ratios), and the
     schedulers' base LRs (``base_lrs``, ``initial_lr``, CyclicLR's ``max_lrs``, OneCycleLR's ``max_lr`` /
     ``min_lr``) by the same factor, so the schedule keeps its shape around the new LR.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

import lightning.pytorch as pl
import torch
from lightning.pytorch.utilities.parsing import lightning_getattr, lightning_hasattr, lightning_setattr

from .. import _lightning_compat as L
from .. import _validate as V
from .._lightning_compat import rank_zero_info
from ..callbacks._filled import LeftResult, leave
from ..optim import ScheduleLR
from ..optim import param_groups as pg
from ._curve import short
from ._decay_split import set_weight_decay, split
from ._hook import built_with, setting_for
from ._options import LROptions
from ._peak import Peak, flat, peak_of, peak_value
from ._result import RangeTestResult
from ._weight_decay import WeightDecayResult

__all__ = ["apply_result", "check_attr", "last_applied", "owners", "restore_attrs"]

LR_ATTRS = ("lr", "learning_rate")


def check_attr(module: pl.LightningModule, options: LROptions) -> str | None:
    """The model attribute (or hparam) that holds the LR, or None; an error for a named one that is missing."""
    if options.attr_name is not None:
        if not lightning_hasattr(module, options.attr_name):
            raise AttributeError(
                f"{options.title}: attr_name={options.attr_name!r} is neither an attribute of "
                f"{type(module).__name__} nor a key "
                f"of its hparams; name the attribute that holds the LR, or pass attr_name=None to look for "
                f"{' or '.join(map(repr, LR_ATTRS))}"
            )
        value = lightning_getattr(module, options.attr_name)
        if value is not None and not V.is_number(value):
            # review 122: attr_name='opt' (hparams opt='sgd') was overwritten with the LR after the whole test and
            # never put back; the next fit built Adam where it had built SGD
            raise TypeError(
                f"{options.title}: attr_name={options.attr_name!r} names a setting that holds "
                f"{short(value)} ({type(value).__name__}), not an LR: the test would overwrite it with a "
                f"number; name the attribute or hparam that holds the LR (a number, or None to fill)"
            )
        return options.attr_name
    found = [name for name in LR_ATTRS if lightning_hasattr(module, name)]
    if len(found) > 1:
        # review 120: a module with both (an unused hparams.lr beside the learning_rate its optimizer reads) had
        # the unused one set, with a warning; the one configure_optimizers reads is the one to set
        # (an attribute that cannot be set, a property without a setter, is none to choose: review 121)
        read = [name for name in found if _settable(module, name) and _reads_now(module, name)]
        if len(read) == 1:
            return read[0]
    return found[0] if found else None


def _reads_now(module: pl.LightningModule, attr: str) -> bool:
    """Whether ``configure_optimizers`` builds other LRs with ``attr`` at a thousandth of its value (False for a
    value that is not a positive number: nothing to probe with)."""
    now = lightning_getattr(module, attr)
    if isinstance(now, bool) or not isinstance(now, (int, float)) or not now > 0:
        return False
    return _reads(module, attr, float(now), _lr_signature)


#: :func:`restore_attrs`' ``attr`` when it is to be found here (:func:`check_attr`)
FIND = "<find>"


def last_applied(
    results: Mapping[int, RangeTestResult | WeightDecayResult], options: LROptions
) -> RangeTestResult | WeightDecayResult | None:
    """The result of the latest test (by epoch) that had a suggestion, which is what the run's module attribute
    holds: a later test without one applied nothing (review 166: with ``epochs=[0, 1]`` and no answer at epoch 1,
    a resume and a ``ddp_spawn`` fit's main process put back the pre-test LR, where the run kept epoch 0's
    suggestion). The latest result when none had one."""
    answered = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the run said why a test had no answer)
        for epoch in sorted(results):
            result = results[epoch]
            best = result.best if isinstance(result, WeightDecayResult) else result
            if best.suggestion(options.method) is not None:
                answered = result
    return answered if answered is not None else (results[max(results)] if results else None)


def restore_attrs(
    module: pl.LightningModule,
    result: RangeTestResult | WeightDecayResult,
    options: LROptions,
    values: Mapping[str, float] | None = None,
    attr: str | None = FIND,
) -> None:
    """On a resume that does not test again, or in the main process after a spawned fit: set the model's
    attributes (rule 1) to the values the result gave them, silently (the run that tested already warned
    where it had to). ``values``: those values as the run set them (rank 0 hands them over), else worked out
    again from the result here. ``attr``: the LR attribute the run set (rank 0 hands it over: review 121, the
    main process's module, attached to no Trainer, cannot build its optimizers to find the one they read), or
    :data:`FIND` to find it here."""
    values = values or {}
    if not options.apply:
        return
    best = result.best if isinstance(result, WeightDecayResult) else result
    if attr == FIND:
        attr = check_attr(module, options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lr = best.suggestion(options.method)
        # (review 100: a resume repeated the tested run's warning that no value of lr gives the suggestion)
        value = (
            None
            if attr is None or lr is None
            else values.get(attr) or attr_value(module, attr, lr, best).value
        )
    now = lightning_getattr(module, attr) if attr is not None else None
    if (
        attr is not None
        and value is not None
        # an attribute configure_optimizers does not build the LR from was left as it was (review 138): rank 0
        # holds it as it was; on a resume the hook is asked again
        and (values[attr] != now if attr in values else _reads(module, attr, value, _lr_signature, now))
    ):
        _set(module, attr, value)
        # as the run that tested left it (a resume, ddp_spawn)
        leave(module, LeftResult(best, attr, value, _where(module, attr)))
    suggested = result.best_weight_decay if isinstance(result, WeightDecayResult) else None
    if (
        lr is not None  # without an LR answer the run applied no weight decay either (review 89)
        and suggested is not None  # nor where the sweeps could not tell the weight decays apart
        and lightning_hasattr(module, "weight_decay")
        and _settable(module, "weight_decay")
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wd = values.get("weight_decay")
            _set(module, "weight_decay", weight_decay_value(module, suggested) if wd is None else wd)


def owners(callbacks: list[Any]) -> list[Any]:
    """The callbacks that take a range test's result (rule 2)."""
    return [cb for cb in callbacks if callable(getattr(cb, "apply_range_test", None))]


def apply_result(
    trainer: pl.Trainer,
    module: pl.LightningModule,
    result: RangeTestResult | WeightDecayResult,
    options: LROptions,
    *,
    attr: str | None,
    live: bool,
    scheduled: bool = False,
) -> None:
    """Apply ``result`` by the rules of this module. ``scheduled``: the test of an epoch the run lists
    (``LRRangeTest(epochs=...)``), which an uninterrupted run makes too: a callback that takes a
    ``scheduled`` keyword (lightning_lr's) then replaces values it restored from a checkpoint with it."""
    best = result.best if isinstance(result, WeightDecayResult) else result
    # its warning (a run_steps note, no answer) said at the user's call, past the fit's hooks (r192: it pointed here)
    lr = best._suggest(options.method)
    # each group's LRs as the test ran them, before a taker moves this fit's (:func:`_warn_unfollowed`)
    tested = _readings(trainer.optimizers, [c.scheduler for c in trainer.lr_scheduler_configs])
    takers = owners(L.callbacks(trainer))
    for cb in takers:
        if scheduled and "scheduled" in inspect.signature(cb.apply_range_test).parameters:
            cb.apply_range_test(best, scheduled=True)
        else:
            cb.apply_range_test(best)
    # the result the module carries to a later fit's schedule callbacks: this one's, or none (an answer
    # that set nothing leaves no earlier test's result behind either)
    leave(module, None)
    if lr is None:  # nothing is applied, the best sweep's weight decay neither (review 88: wd=10 was)
        return
    # the weight decay suggested; none where the sweeps cannot tell them apart (review 123: 0 was applied over
    # the module's 0.05 on a 0.1% difference), and the fit keeps its own
    wd = result.best_weight_decay if isinstance(result, WeightDecayResult) else None
    if wd is not None:
        _apply_weight_decay(trainer, module, wd, live)
    old = lightning_getattr(module, attr) if attr is not None else None
    value, warned, unread = lr, False, False
    if attr is not None:
        mapped = attr_value(module, attr, lr, best)
        value, peak, warned = mapped.value, mapped.peak, mapped.warned
        # review 138: an attribute configure_optimizers does not build the LR from (attr_name="momentum", read
        # as the momentum) got the LR written into it, and the next fit trained at momentum 0.38: such an
        # attribute is left as it was (a hook that reads it, but not in proportion, was said by attr_value)
        unread = not warned and not _reads(module, attr, value, _lr_signature, old)
    if attr is not None and unread:
        _tell_unread(module, attr, old, value, live=live, takers=takers)
    elif attr is not None:
        _set(module, attr, value)
        if peak is not None:
            ratio = peak.target / value
            how = "it sets" if math.isclose(ratio, 1.0, rel_tol=1e-9) else f"is {ratio:.4g} times it"
            said = (
                f" (configure_optimizers builds a schedule whose {peak.kind} {how}: {peak.target:.4g}, the test's "
                f"{peak.kind}; the suggestion is {lr:.4g})"
            )
        elif value == lr:
            said = ""
        else:
            said = f" (configure_optimizers gives its largest param group {lr / value:.4g} times that: {lr:.4g}, the suggestion)"
        places = _where(module, attr)
        rank_zero_info(f"LR range test: set {places} = {value:.4g}{said}")
        leave(module, LeftResult(best, attr, value, places))
        # the optimizer that trains is configure_optimizers' with the answer: the next fit's, or this one's
        # rebuilt at a fresh start (a taker, or a later step, keeps this fit's groups at the ratios tested)
        trains_built = not live or (
            not takers and _fresh(trainer) and L.can_rebuild_optimizers(trainer.strategy)
        )
        if trains_built and not warned and mapped.built is not None:
            _warn_unfollowed(tested, _readings(*mapped.built), attr, value)
    if takers:
        return
    if not live:
        if attr is None:
            L.warn_at_user(
                f"the LR range test suggests {lr:.4g}, but {type(module).__name__} has no attribute or hparam "
                f"{' or '.join(map(repr, LR_ATTRS))} and no callback takes the result: nothing was set. Use "
                f"result.suggestion(), or name the attribute with attr_name="
            )
        return
    if attr is not None and (warned or unread):
        # nothing configure_optimizers builds trains at the answer: this fit is scaled to it, the next is not
        # (review 100: with a clamp, the fit trained at the clamp, and the warning spoke of the next fit only)
        if warned:
            rank_zero_info(
                "LR range test: configure_optimizers cannot give the largest param group the suggestion (the "
                "warning above), so this fit's LRs are scaled to it; the next fit trains at its own"
            )
        _scale_live(trainer, lr, best)
        return
    rebuild = attr is not None and _fresh(trainer) and L.can_rebuild_optimizers(trainer.strategy)
    # one build of configure_optimizers with the answer: what it registers itself, and each group's LRs
    probe = _built_or_none(module, attr, value) if attr and rebuild else None
    foreign = _foreign_hooks(trainer.optimizers, probe)
    if foreign:
        # review 71 and 73: a rebuilt optimizer lost the hooks others had put on the old one (an EMA's step
        # hook never fired in the fit), and moving them broke the handles of those configure_optimizers adds
        rank_zero_info(
            f"LR range test: the optimizer carries {foreign} hook(s) registered after configure_optimizers built it "
            f"(another callback's), so it is kept: each param group's LRs are set in place to what "
            f"configure_optimizers gives it with {attr}={value:.4g}, instead of building it again"
        )
        assert probe is not None
        if _as_built(trainer, probe):
            if wd is not None:
                _set_live_weight_decay(trainer, module, wd)
            return
    elif rebuild:
        before = _lr_signature(trainer.optimizers)
        L.rebuild_optimizers(trainer)
        if wd is not None:
            _set_live_weight_decay(trainer, module, wd)
        if _lr_signature(trainer.optimizers) != before or old == value:
            return
        L.warn_at_user(
            f"configure_optimizers() does not read self.{attr} (or self.hparams.{attr}): the rebuilt optimizer "
            f"has the old LRs, so they are scaled to the suggestion instead"
        )
    _scale_live(trainer, lr, best)


def _tell_unread(
    module: pl.LightningModule, attr: str, old: Any, value: float, *, live: bool, takers: list[Any]
) -> None:
    """Say that ``attr`` is left at ``old``, not set to the answer ``value``: ``configure_optimizers`` builds
    the same LRs whatever it holds (review 138: the warning said the hook "does not read self.momentum", which
    it read as the momentum, and the momentum was set to the LR). What it builds from ``attr`` instead (a
    param-group setting) is named. A callback that took the answer owns the LR: an info line then."""
    where = _where(module, attr)
    other = _built_from(module, attr, value, old)
    found = (
        f"configure_optimizers() reads self.{attr} (or self.hparams.{attr}) for the param groups' {other}, not for "
        f"their LR"
        if other
        else f"configure_optimizers() does not read self.{attr} (or self.hparams.{attr})"
    ) + (
        f": the optimizers it builds have the same LRs for {attr}={value:.4g} as for {attr}={old!r} or a "
        f"thousandth of it"
    )
    are = "are" if " and " in where else "is"
    left = f"LR range test: {where} {are} left at {old!r}, not set to the suggestion {value:.4g}: {found}"
    if takers:
        names = ", ".join(type(cb).__name__ for cb in takers)
        rank_zero_info(f"{left}; {names} took the answer")
        return
    then = (
        "this fit's LRs are scaled to the suggestion, and the next fit trains with its own LRs"
        if live
        else "the next fit trains with its own LRs"
    )
    advice = (
        f"name the attribute that holds the LR with attr_name= (None finds {' or '.join(map(repr, LR_ATTRS))})"
        if other
        else f"pass lr=self.{attr} to the optimizer"
    )
    L.warn_at_user(
        f"{left}. So {then}. {'For the next fit to train at it' if live else 'To train at the answer'}, {advice}"
        + ("" if live else ", or use result.suggestion()")
    )


def _built_from(module: pl.LightningModule, attr: str, value: float, old: Any) -> str:
    """The param-group settings other than the LR (``'momentum'``, ``'betas'``, ``'weight_decay'``) that
    ``configure_optimizers`` builds differently with ``attr`` at ``value`` than at ``old`` (or, without a number
    there, at a thousandth of ``value``), quoted and joined; "" for none, or when it cannot tell."""
    number = isinstance(old, (int, float)) and not isinstance(old, bool)
    probe = old if number and old != value else value / 1000
    try:
        before, after = built_with(module, attr, probe), built_with(module, attr, value)
    except Exception:  # the hook's own business: nothing to name
        return ""
    keys: list[str] = []
    for a, b in zip(before, after, strict=False):
        for ga, gb in zip(a.param_groups, b.param_groups, strict=False):
            for key in ga:
                if key in ("params", "lr", "initial_lr") or key in keys or key not in gb:
                    continue
                if not _same_setting(ga[key], gb[key]):
                    keys.append(key)
    return ", ".join(map(repr, keys))


def _same_setting(a: Any, b: Any) -> bool:
    """Whether two values of a param-group setting are equal (tensors by value; what cannot be compared is)."""
    try:
        if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
            return bool(torch.equal(torch.as_tensor(a), torch.as_tensor(b)))
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            return len(a) == len(b) and all(_same_setting(x, y) for x, y in zip(a, b, strict=True))
        return bool(a == b)
    except Exception:  # an object without a usable equality
        return True


#: the hook tables of a torch optimizer (``register_step_pre_hook`` and the others)
_HOOK_TABLES = (
    "_optimizer_step_pre_hooks",
    "_optimizer_step_post_hooks",
    "_optimizer_state_dict_pre_hooks",
    "_optimizer_state_dict_post_hooks",
    "_optimizer_load_state_dict_pre_hooks",
    "_optimizer_load_state_dict_post_hooks",
)


def _built_or_none(module: pl.LightningModule, attr: str, value: float) -> list[Any] | None:
    """The optimizers ``configure_optimizers`` builds with ``attr`` at ``value`` (a build of its own, left
    alone); None when it cannot tell (the hook raises)."""
    try:
        return list(built_with(module, attr, value))
    except Exception:  # the hook's own business: the caller decides without it
        return None


def _foreign_hooks(optimizers: list[Any], built: list[Any] | None) -> int:
    """How many hooks the running ``optimizers`` carry beyond those ``configure_optimizers`` registers itself
    (counted on ``built``, a build of its own): hooks others registered after it built them. 0 when it cannot
    tell."""
    if built is None or len(built) != len(optimizers):
        return 0
    return sum(
        max(0, len(getattr(opt, name, None) or {}) - len(getattr(own, name, None) or {}))
        for opt, own in zip(optimizers, built, strict=True)
        for name in _HOOK_TABLES
    )


def _apply_weight_decay(trainer: pl.Trainer, module: pl.LightningModule, wd: float, live: bool) -> None:
    """Set the model's ``weight_decay`` (attribute or hparam) to the sweep's best, and in a running fit the
    optimizers' too; after a Tuner's test, warn where the next fit would not train with it."""
    name = type(module).__name__
    if not lightning_hasattr(module, "weight_decay") or not _settable(module, "weight_decay"):
        if wd == 0.0 and all(not pg.weight_decay(g) for opt in trainer.optimizers for g in opt.param_groups):
            return  # the best is the 0 the groups are configured with: nothing to set or say (review 116)
        what = (
            "" if not lightning_hasattr(module, "weight_decay") else " that can be set (a read-only property)"
        )
        if not live:
            L.warn_at_user(
                f"the weight-decay sweep's best weight decay is {wd:g}, but {name} has no attribute or hparam "
                f"'weight_decay'{what}: nothing was set, and the next fit trains with the weight decay its "
                f"configure_optimizers() gives. Use result.best_weight_decay, or give the module a "
                f"weight_decay that configure_optimizers() reads"
            )
        else:
            # review 114: the callback set the running optimizer's groups without a word, and the module, its
            # hparams and the logger knew nothing of the weight decay the fit trained with
            L.warn_at_user(
                f"the weight-decay sweep's best weight decay is {wd:g}, but {name} has no attribute or hparam "
                f"'weight_decay'{what}: this fit's param groups are set to it (split as the sweep split it), "
                f"but the module and its hparams do not hold it, so the logged hyperparameters do not show it "
                f"and a later fit trains with the weight decay its configure_optimizers() gives. Give the module "
                f"a weight_decay that configure_optimizers() reads"
            )
    else:
        old = lightning_getattr(module, "weight_decay")
        # an optimizer that does not read it at all is said below, once (and live, its groups are set); probed
        # as the LR is (a hook that ignores it with the old value already at the best was taken as reading it)
        reads = _reads(module, "weight_decay", wd, _wd_signature, old)
        value = weight_decay_value(module, wd) if reads else wd
        _set(module, "weight_decay", value)
        rank_zero_info(
            f"LR range test: set {_where(module, 'weight_decay')} = {value:g}"
            + (
                ""
                if value == wd
                else f" (configure_optimizers gives its param group with the largest weight decay {wd / value:.4g} "
                f"times that: {wd:g}, the sweep's best)"
            )
        )
        if not reads:
            # (live: review 114, this fit's groups are set to the best, silently where the Tuner warned)
            L.warn_at_user(
                f"LR range test: set {name}.weight_decay = {value:g}, but configure_optimizers() does not read "
                f"self.weight_decay (or self.hparams.weight_decay): the optimizers it builds have the same "
                f"weight decays for weight_decay={value:g} as for weight_decay={old!r} or a thousandth of it, so "
                + (
                    "this fit's param groups are set to the sweep's best, and the next fit trains with its own. "
                    "Pass weight_decay=self.weight_decay to the optimizer"
                    if live
                    else "the next fit trains with its own. Pass weight_decay=self.weight_decay to the optimizer, "
                    "or use result.best_weight_decay"
                )
            )
    if live:
        _set_live_weight_decay(trainer, module, wd)


def _settable(module: pl.LightningModule, name: str) -> bool:
    """Whether the attribute or hparam ``name`` can be set (not a property without a setter): it is set to
    its own value."""
    try:
        lightning_setattr(module, name, lightning_getattr(module, name))
    except AttributeError:
        return False
    return True


def _set(module: pl.LightningModule, name: str, value: float) -> None:
    """Set the attribute or hparam ``name`` to ``value``, and the hyperparameter the module saved under that
    name too, so the next fit's logger records the value it trains with (not the constructor's)."""
    lightning_setattr(module, name, value)
    L.set_saved_hparam(module, name, value)


def _configure_reads(
    module: pl.LightningModule,
    attr: str,
    old: Any,
    new: float,
    signature: Callable[[Iterable[Any]], list[float | None]],
) -> bool:
    """Whether ``configure_optimizers`` builds optimizers of another ``signature`` (their LRs, their weight
    decays) with ``attr`` at ``old`` than at ``new`` (True when it cannot tell: the hook fails for ``old``,
    or there is no optimizer). The module is left as it was (:func:`._hook.built_with`)."""
    try:
        before = signature(built_with(module, attr, old))
        after = signature(built_with(module, attr, new))
    except Exception:  # the hook's own business (e.g. it cannot build with the old value): do not guess
        return True
    return not before or before != after


def _reads(
    module: pl.LightningModule,
    attr: str,
    value: float,
    signature: Callable[[Iterable[Any]], list[float | None]],
    old: Any = None,
) -> bool:
    """Whether ``configure_optimizers`` builds other optimizers (their ``signature``) with ``attr`` at ``value``
    than at ``old`` or at a thousandth of ``value`` (a clamp ``min(self.lr, cap)`` reads it only below the cap;
    review 100: ``old`` equal to ``value`` compared a build with itself). True when it cannot tell (a weight
    decay of 0 with the old value 0 leaves nothing to compare)."""
    probes = [p for p in (old, value / 1000) if isinstance(p, (int, float)) and p != value]
    return not probes or any(_configure_reads(module, attr, p, value, signature) for p in probes)


def _largest_lr(groups: list[dict[str, Any]]) -> float | None:
    """The largest LR the groups were configured with: ``initial_lr`` where a scheduler recorded it (review 71:
    the step-0 LR of a torch warm-up, ``LinearLR(start_factor=0.1)``, was read, and the fit trained at 10x the
    suggestion once warmed up)."""
    lrs = [pg.base_lr(g) for g in groups]
    return max((x for x in lrs if x > 0), default=None)


class Mapped(NamedTuple):
    """:func:`attr_value`'s answer: the ``value`` of the attribute, the cycle ``peak`` it sets (or None),
    whether it ``warned`` that no value gives the largest group the answer, and what ``configure_optimizers``
    builds with ``value`` (its optimizers and, where it read them, its schedulers: None), None when it
    cannot tell (the build of the mapping, kept: no other call of the hook)."""

    value: float
    peak: Peak | None
    warned: bool
    built: tuple[list[Any], list[Any] | None] | None


class _Readings(NamedTuple):
    """How one optimizer configures each param group's LR (:func:`_readings`): each group's ``label`` (its
    ``name``, quoted, or its index) and, by kind, each group's value."""

    labels: list[str]
    lrs: dict[str, list[float]]


#: the kinds of :class:`_Readings`, in the order a group that differs is said by: a cycle's peak first
_KINDS = ("1cycle max_lr", "cyclic max_lr", "LR")


def _readings(optimizers: list[Any], schedulers: Iterable[Any] | None) -> _Readings | None:
    """Each param group's LRs of the one optimizer ``optimizers`` holds, of each kind it has: the LR it was
    configured with (``initial_lr`` where a scheduler recorded it, as :func:`_largest_lr` reads it: a torch
    warm-up's first factor is every group's), a 1cycle's peak (``max_lr`` in every group) and a cyclic
    schedule's (its ``max_lrs``; ``schedulers`` None: not read). None for other than one optimizer."""
    if len(optimizers) != 1:
        return None
    opt = optimizers[0]
    groups = opt.param_groups
    lrs = {"LR": [pg.base_lr(g) for g in groups]}
    if groups and all("max_lr" in g for g in groups):
        lrs["1cycle max_lr"] = [float(g["max_lr"]) for g in groups]
    for sched in flat(schedulers or ()):
        tops = getattr(sched, "max_lrs", None)
        if (
            getattr(sched, "optimizer", None) is opt
            and isinstance(tops, (list, tuple))
            and len(tops) == len(groups)
        ):
            lrs["cyclic max_lr"] = [float(x) for x in tops]
            break
    labels = [
        repr(name) if isinstance(name := g.get("name"), str) and name else str(i)
        for i, g in enumerate(groups)
    ]
    return _Readings(labels, lrs)


def _warn_unfollowed(tested: _Readings | None, built: _Readings | None, attr: str, value: float) -> None:
    """Warn once, naming them, of the param groups whose LR in ``built`` (what ``configure_optimizers`` builds
    with ``attr`` at ``value``, the optimizer that trains) is not at the ratio to the largest group's it had in
    ``tested`` (the optimizer the test swept, every group scaled together; review 123: a backbone at its own
    ``backbone_lr`` ran at 0.1x the head in the test and trained at 0.01x it, unsaid). Each kind of LR is
    compared with the same kind (:func:`_readings`), to float rounding. Nothing is changed."""
    if tested is None or built is None or len(tested.labels) != len(built.labels):
        return  # (another optimizer: it cannot tell)
    off: dict[int, tuple[str, float, float, float, float]] = {}
    for kind in _KINDS:
        if kind not in tested.lrs or kind not in built.lrs:
            continue
        was, now = tested.lrs[kind], built.lrs[kind]
        top_was, top_now = max(was, default=0.0), max(now, default=0.0)
        if not (top_was > 0 and top_now > 0):
            continue
        for i, (a, b) in enumerate(zip(was, now, strict=True)):
            ratio, got = a / top_was, b / top_now
            if i not in off and not math.isclose(ratio, got, rel_tol=1e-6, abs_tol=1e-12):
                off[i] = (kind, ratio, got, b, top_now)
    if not off:
        return
    said = "; ".join(
        f"param group {tested.labels[i]}{'' if kind == 'LR' else f' (its {kind})'} at {got:.4g} times the largest "
        f"group's ({b:.4g}), where it was at {ratio:.4g} times in the test ({ratio * top:.4g} now)"
        for i, (kind, ratio, got, b, top) in sorted(off.items())
    )
    how = ", ".join(
        f"{tested.labels[i]}: {ratio:.4g} * self.{attr}" for i, (_, ratio, *_) in sorted(off.items())
    )
    L.warn_at_user(
        f"LR range test: configure_optimizers does not derive every param group's LR from self.{attr}. The test "
        f"scaled the groups together, at the ratios they had when it began, but with {attr}={value:.4g} it builds "
        f"{said}. So the fit trains those groups at LRs the test did not measure ({attr} is set all the same, as "
        f"found for the largest group). Derive each one's LR from self.{attr} as a ratio ({how}) instead of an LR "
        f"of its own (a backbone_lr hparam), or set it to the value in brackets yourself"
    )


def attr_value(
    module: pl.LightningModule, attr: str, lr: float, result: RangeTestResult | None = None
) -> Mapped:
    """The value of ``attr`` for which ``configure_optimizers`` gives its param group with the largest LR the
    LR ``lr`` (the group a suggestion is for), and None: ``lr`` when ``attr`` is that group's LR, else ``lr``
    over the group's factor (``{"params": head, "lr": 10 * self.lr}``: ``lr / 10``). The group's LR is the one
    it was configured with, before a scheduler's first factor (a warm-up's). ``lr`` when it cannot tell (the
    hook fails or builds other than one optimizer, every group is at 0), and ``lr`` with a warning when the
    group's LR is not proportional to ``attr`` (a head at a fixed LR): no value of ``attr`` gives it the
    suggestion. Where the hook builds a cycle whose peak ``attr`` sets (:class:`Peak`), the value that gives
    that peak ``result``'s value for it, and the peak. ``attr`` keeps its value. Then: whether it warned that
    no value of ``attr`` gives the group the answer (a caller then says no more of it), and the build at the
    value found (:class:`Mapped`)."""
    peak = peak_value(module, attr, result)
    if peak is not None:
        assert result is not None
        now = float(lightning_getattr(module, attr) or 0.0)
        value = now * peak.target / peak.now  # one step when the peak is in proportion to attr
        try:
            optimizers, schedulers = built_with(module, attr, value, L.configured)
            again = peak_of(optimizers, schedulers, result)
        except Exception:  # the hook's own business: said below
            again = None
        if again is not None and math.isclose(again.now, peak.target, rel_tol=1e-6):
            return Mapped(value, peak, False, (optimizers, schedulers))
        L.warn_at_user(
            f"LR range test: configure_optimizers builds a schedule whose {peak.kind} is not in proportion to "
            f"self.{attr} ({peak.now:.4g} for {attr}={now:.4g}), so no value of {attr} gives it the test's "
            f"{peak.target:.4g}: {attr} is set as for a constant LR. Build its {peak.kind} from self.{attr}, or "
            f"use {peak.instead}"
        )
    value, warned, optimizers = _proportional(
        module,
        attr,
        lr,
        _largest_lr,
        _lr_signature,
        f"the suggestion {lr:.4g} is the LR of the param group with the largest LR, the one the test swept",
        "LR",
        "the suggestion",
        "result.suggestion()",
    )
    peaked = peak is not None  # (its warning said it: no value of attr gives the cycle its peak)
    return Mapped(value, None, warned or peaked, None if optimizers is None else (optimizers, None))


def weight_decay_value(module: pl.LightningModule, wd: float) -> float:
    """The value of ``weight_decay`` for which ``configure_optimizers`` gives its param group with the largest
    weight decay ``wd`` (the group the sweep gave it, the others keeping their ratio to it:
    :func:`._decay_split.set_weight_decay`), as :func:`attr_value` for the LR (review 57: a split
    ``(self.weight_decay, 0.1 * self.weight_decay)`` is mapped through it)."""
    value, _, _ = _proportional(
        module,
        "weight_decay",
        wd,
        pg.largest_weight_decay,
        _wd_signature,
        f"the best weight decay {wd:.4g} is that of the param group with the largest weight decay, the one the "
        f"sweep set",
        "weight decay",
        "the best weight decay",
        "result.best_weight_decay",
    )
    return value


def _proportional(
    module: pl.LightningModule,
    attr: str,
    target: float,
    read: Callable[[list[dict[str, Any]]], float | None],
    signature: Callable[[Iterable[Any]], list[float | None]],
    said: str,
    what: str,
    goal: str,
    instead: str,
) -> tuple[float, bool, list[Any] | None]:
    """The value of ``attr`` for which the one optimizer ``configure_optimizers`` builds has ``read(groups)``
    equal to ``target`` (:func:`._hook.setting_for`); ``target`` when it cannot tell, and with a warning
    when ``read`` is not in proportion to ``attr`` (then True: warned). Last: the optimizers built with the
    value found, None where none gives ``target``."""
    found, _ = setting_for(module, attr, target, read)
    if found is None:
        return target, False, None
    if found.proportional:
        return found.setting, False, found.optimizers
    if not _reads(module, attr, target, signature, lightning_getattr(module, attr)):
        # the hook ignores attr: the caller says so, in those words (review 98: two warnings of the one fault;
        # review 99: a clamp, min(self.lr, 0.01), reads it below the clamp, and is said here)
        return target, False, None
    L.warn_at_user(
        f"LR range test: {said}, but configure_optimizers gives that group a {what} not in proportion to "
        f"self.{attr} ({found.first:.4g} for {attr}={found.first_setting:.4g}, and no {attr} tried from there "
        f"gives it {target:.4g}), so no value of {attr} gives it {goal}: {attr} is set to {goal}, and the next "
        f"fit trains that group at its own {what}. Build its {what} from self.{attr}, or use {instead}"
    )
    return target, True, None


def _fresh(trainer: pl.Trainer) -> bool:
    return trainer.global_step == 0 and all(not opt.state for opt in trainer.optimizers)


def _lr_signature(optimizers: Iterable[Any]) -> list[float | None]:
    """The base LR of every param group of ``optimizers``."""
    return [pg.base_lr(g) for opt in optimizers for g in opt.param_groups]


def _wd_signature(optimizers: Iterable[Any]) -> list[float | None]:
    """The weight decay of every param group of ``optimizers`` (None where it has none)."""
    return [pg.weight_decay(g) for opt in optimizers for g in opt.param_groups]


def _mul(container: dict[str, Any], key: str, factor: float) -> None:
    value = container[key]
    if isinstance(value, torch.Tensor):
        value.mul_(factor)
    elif isinstance(value, (list, tuple)):
        container[key] = type(value)(v * factor for v in value)
    else:
        container[key] = value * factor


def _as_built(trainer: pl.Trainer, built: list[Any]) -> bool:
    """At a fresh start, set each running group to what ``configure_optimizers`` gave it in ``built`` (a build
    with the answer): its LRs scaled by that group's own factor (review 75: one factor for every group moved a
    head at a fixed LR 7.6x when the optimizer was kept, not rebuilt). False, and nothing changed, when the
    build's groups are not the running ones'."""
    running = trainer.optimizers
    if len(built) != len(running) or any(
        len(b.param_groups) != len(r.param_groups) for b, r in zip(built, running, strict=True)
    ):
        return False
    factors = [
        [
            pg.base_lr(b) / pg.base_lr(r) if pg.base_lr(r) > 0 else 1.0
            for b, r in zip(bo.param_groups, ro.param_groups, strict=True)
        ]
        for bo, ro in zip(built, running, strict=True)
    ]
    _scale_groups(trainer, factors)
    return True


def _scale_groups(trainer: pl.Trainer, factors: list[list[float]]) -> None:
    """Scale each running group's LRs (``lr``, ``initial_lr``, a 1cycle's ``max_lr`` and ``min_lr``) by its
    factor in ``factors`` (per optimizer, per group), and its schedulers' base LRs alike."""
    for opt, each in zip(trainer.optimizers, factors, strict=True):
        for group, factor in zip(opt.param_groups, each, strict=True):
            for key in ("lr", "initial_lr", "max_lr", "min_lr"):
                if key in group:
                    _mul(group, key, factor)
    by_optimizer = {id(opt): each for opt, each in zip(trainer.optimizers, factors, strict=True)}
    for cfg in trainer.lr_scheduler_configs:
        own = by_optimizer.get(id(getattr(cfg.scheduler, "optimizer", None)))
        if own is None and len(factors) == 1:  # (a scheduler that does not name its optimizer)
            own = factors[0]
        if own is not None:
            _scale_scheduler(cfg.scheduler, own)


def _scale_live(trainer: pl.Trainer, lr: float, best: RangeTestResult) -> None:
    """Scale the running optimizers' LRs (and their schedulers') so that the group with the largest LR
    continues at ``lr``; at a fresh start, so that it is configured with ``lr`` (a warm-up's first factor
    applies to it, as when the user writes the LR) or, under a 1cycle, so that its peak is ``best``'s 1cycle
    max_lr (review 71), as :func:`attr_value` does for the attribute."""
    schedulers = [c.scheduler for c in trainer.lr_scheduler_configs]
    fixed = [s for s in flat(schedulers) if isinstance(s, ScheduleLR) and not s.relative]
    if fixed:
        # review 75: a drop-in OneCycleLR sets the LR from its own arguments at its next step: scaling the
        # groups gave one step at up to 10x the schedule's LR, and the warning named a class the user never wrote
        L.warn_at_user(
            f"LR range test: the suggestion cannot reach this fit's {type(fixed[0]).__name__}: it sets the LR from "
            f"the values it was built with, so the LRs are left as they are. Build it from self.lr in "
            f"configure_optimizers (a test at a fresh start builds it again with the answer), or use a lightning_lr "
            f"schedule callback, which takes the answer at any step"
        )
        return
    groups = trainer.optimizers[0].param_groups
    target, read = lr, None
    peak = peak_of(trainer.optimizers, schedulers, best)
    if peak is not None:  # the cycle keeps its shape around the test's peak, at any step (review 73)
        target, read = peak.target, peak.now
    elif _fresh(trainer):
        read = _largest_lr(groups)
    if read is None:
        ref = pg.reference(groups)
        read = 0.0 if ref is None else pg.lr(groups[ref])
    if not read > 0:  # pragma: no cover - checked before the sweep
        return
    factor = target / read
    bases = [(sch, _base_lr(sch)) for sch in flat(schedulers)]
    _scale_groups(trainer, [[factor] * len(opt.param_groups) for opt in trainer.optimizers])
    # review 98: only "set M.hparams.lr = 0.0888" was said, while a StepLR's base LR became 35x what it was:
    # the running schedule is not what a fresh fit at that lr builds, and the log says so
    said = "; ".join(
        f"{type(sch).__name__}'s base LR from {was:.4g} to {now:.4g}"
        for sch, was in bases
        if was is not None and (now := _base_lr(sch)) is not None
    )
    top = (
        "; a cycle's top alike"
        if any(isinstance(getattr(sch, "max_lrs", None), list) for sch, _ in bases)
        else ""
    )
    rank_zero_info(
        f"LR range test: the fit's LRs were scaled by {factor:.4g} so that the largest param group "
        f"{'peaks' if peak is not None else 'continues'} at {target:.4g}"
        + (
            f", and the schedulers' LRs with them ({said}{top}): the schedule keeps its shape around the answer"
            if said
            else ""
        )
    )


def _base_lr(scheduler: Any) -> float | None:
    """The largest of a scheduler's base LRs (``base_lrs``: for CyclicLR the bottom of its cycle, for OneCycleLR
    its first LR; review 99: a CyclicLR's ``max_lrs`` was called its base LR), or None."""
    value = getattr(scheduler, "base_lrs", None)
    return max(float(v) for v in value) if isinstance(value, list) and value else None


def _scale_scheduler(scheduler: Any, factors: list[float]) -> None:
    """Scale ``scheduler``'s (and its inner ones') base LRs of each group by that group's factor."""
    for inner in getattr(scheduler, "_schedulers", None) or ():
        _scale_scheduler(inner, factors)
    if isinstance(scheduler, ScheduleLR):  # relative: an absolute one is left alone (_scale_live)
        # its LRs scale with initial_lr (scaled above), a drop-in's with base_lrs
        scheduler.base_lrs = [b * f for b, f in zip(scheduler.base_lrs, factors, strict=False)]
        scheduler.refresh()
        return
    for attr in ("base_lrs", "max_lrs", "_last_lr"):
        value = getattr(scheduler, attr, None)
        if isinstance(value, list):
            setattr(scheduler, attr, [v * f for v, f in zip(value, factors, strict=False)])


def _set_live_weight_decay(trainer: pl.Trainer, module: pl.LightningModule, wd: float) -> None:
    for opt in trainer.optimizers:
        if all(pg.weight_decay(g) is not None for g in opt.param_groups):
            # (the biases it decays were said by the sweeps)
            set_weight_decay(opt.param_groups, wd, split(module, opt.param_groups, wd, quiet=True))


def _where(module: Any, attr: str) -> str:
    """How a message names the places ``lightning_setattr`` sets ``attr`` in, as Lightning finds them: the
    module's attribute, its hparams, its Trainer's datamodule's attribute and hparams (``Model.lr``,
    ``Model.lr and Model.hparams.lr``, ``DataModule.lr``; review 87: an LR the datamodule held was said to be
    ``Model.hparams.lr``). ``Model.hparams.lr`` when none holds it yet."""
    name = type(module).__name__
    places = [f"{name}.{attr}"] if hasattr(module, attr) else []
    if isinstance(getattr(module, "hparams", None), Mapping) and attr in module.hparams:
        places.append(f"{name}.hparams.{attr}")
    trainer = getattr(module, "_trainer", None)
    data = getattr(trainer, "datamodule", None) if trainer is not None else None
    if data is not None:
        held = type(data).__name__
        if hasattr(data, attr):
            places.append(f"{held}.{attr}")
        if isinstance(getattr(data, "hparams", None), Mapping) and attr in data.hparams:
            places.append(f"{held}.hparams.{attr}")
    return " and ".join(places) or f"{name}.hparams.{attr}"
