"""The one range-test core both entry points run: check, snapshot, sweep, restore, log, apply.

The sweep (:mod:`._sweep`) is its own small loop over the trainer's strategy, not a re-run of Lightning's
fit loop, so the fit loop's progress, data fetcher and logged metrics are never touched and need no
restoring. Everything else it changes (model, optimizer, schedulers, precision plugin, RNGs) is captured
by a :class:`~._state.Snapshot` first and put back afterwards, also when the sweep raises. A schedule-free
optimizer sweeps in train mode (the only mode it steps in) and gets back the mode and weights it had.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import math
import warnings
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar, cast

import lightning.pytorch as pl
import torch

from .. import _lightning_compat as L
from .. import _validate as V
from .._lightning_compat import rank_zero_info
from ..callbacks.schedule_free import is_schedule_free
from ..optim import param_groups as pg
from . import _rules, _run_length
from ._apply import apply_result, check_attr
from ._candidates import answer_index, confirm_results
from ._confirm import CONFIRMED, OFFSETS, verdict
from ._curve import SweepResult
from ._cycle_momentum import hold_cycle_momentum
from ._data import Batches, val_batches, val_loaders
from ._decay_split import Split, set_weight_decay, split
from ._options import LROptions, SweepOptions
from ._result import RangeTestResult
from ._state import Snapshot
from ._sweep import prefix, sweep
from ._weight_decay import WeightDecayResult

__all__ = ["Result", "check_before_training", "check_no_finder", "check_strategy", "run_range_test"]

Result = SweepResult | WeightDecayResult


#: the hooks of an optimizer step that may change what the step does (the loss's gradients, the update)
STEP_HOOKS = ("on_before_backward", "on_after_backward", "on_before_optimizer_step", "on_before_zero_grad")
#: the packages whose callbacks' step hooks only look (Lightning's own define none; ours log)
_LOOK_ONLY = ("lightning.", "pytorch_lightning.", "lightning_lr.")


_O = TypeVar("_O", bound=SweepOptions)

#: per logger, how many tests of each kind (their tag prefix) wrote its tags at the top level: a later one logs
#: under ``<prefix>/test=<n>/``
_LOGGED: weakref.WeakKeyDictionary[Any, dict[str, int]] = weakref.WeakKeyDictionary()


def _own_tags(trainer: pl.Trainer, options: _O) -> tuple[_O, int | None]:
    """``options`` logging under ``<prefix>/test=<n>/`` when the trainer's loggers already hold ``n - 1`` tests'
    tags under ``<prefix>/`` itself, and how many they hold (None: this test writes no top-level tags: it does not
    log, or logs under a scope of its own, ``epoch=<e>``). Review 128: a second Tuner test on one Trainer (a
    higher max_lr, as a warning advises) wrote the same tags from step 0 again, one zigzag curve, with the replaced
    suggestion beside the applied one; review 130: also a new Trainer on the same logger, and an ``LRRangeTest``
    in a fit after a Tuner test."""
    if not options.log or not trainer.loggers or options.root != options.prefix:
        return options, None
    earlier = max(_LOGGED.get(logger, {}).get(options.prefix, 0) for logger in trainer.loggers)
    if earlier:
        options = options.scoped(f"test={earlier + 1}")
        rank_zero_info(
            f"{options.title}: the loggers hold {V.counted(earlier, 'earlier test')} under {options.prefix}/; this "
            f"one logs under {options.root}/"
        )
    return options, earlier


def _tell_step_hooks(title: str, callbacks: Sequence[Any]) -> None:
    """Callbacks do not run in the sweep (nor in Lightning's ``lr_find``, which keeps only its own): say which
    of them define a step hook, whose work on the gradients or the update the answer does not include
    (review 85: a callback that scaled the gradients by 0.01 left the answer as it was; the same code in the
    module's hook moved it 86x). The module's own step hooks run in the sweep."""
    named = []
    for cb in callbacks:
        hooks = []
        for hook in STEP_HOOKS:
            # the function the hook runs: a method's, or one set on the instance (review 87: LambdaCallback's)
            fn = getattr(cb, hook, None)
            fn = getattr(fn, "__func__", fn)
            if fn is not None and not f"{getattr(fn, '__module__', None) or ''}.".startswith(_LOOK_ONLY):
                hooks.append(hook)
        if hooks:
            named.append(f"{type(cb).__name__} ({', '.join(hooks)})")
    if named:  # an info line: most such hooks only look (a recorder, a gradient-norm logger)
        rank_zero_info(  # (short: review 147 counted 319 characters for one look-only logger)
            f"{title}: callbacks do not run in the test, so the step hooks of {'; '.join(named)} did not; "
            f"if they change training (clip, scale or edit gradients), move them into the LightningModule's hook "
            f"of the same name"
        )


def run_range_test(
    trainer: pl.Trainer,
    module: pl.LightningModule,
    options: SweepOptions,
    *,
    live: bool,
    scheduled: bool = False,
    keep: Callable[[Result], None] | None = None,
) -> Result:
    """Run the range test inside a running ``fit`` (at train start or an epoch start).

    Everything it changes is restored before it returns or raises. With ``live=True`` the result is then
    applied to the running fit (its optimizer and schedulers); otherwise only to the model's attribute and
    the schedule callbacks (the Tuner's next ``fit`` builds its optimizer from those). ``scheduled``: a
    test of an epoch the run lists (see :func:`~._apply.apply_result`). ``keep`` gets the result before it is
    applied, so that an error applying it (a schedule argument the answer makes invalid) does not lose it.
    """
    options, earlier = _own_tags(trainer, options)
    L.same_on_every_rank(trainer, options.title, "options", options.compared())
    try:
        optimizer = _check_ready(trainer, module, options)
    except (ValueError, RuntimeError, NotImplementedError) as exc:  # said of the test, as its options are
        raise type(exc)(f"{options.title}: {exc}") from None
    if isinstance(options, LROptions) and (
        frozen := pg.frozen_reference(optimizer.param_groups, pg.reference(optimizer.param_groups))
    ):
        L.warn_at_user(
            f"{options.title}: the sweep's LR and the answer are one number for the optimizer: {frozen}"
        )
    options = hold_cycle_momentum(
        options, trainer, optimizer
    )  # a cycling momentum: its mean (_cycle_momentum)
    attr = check_attr(module, options) if isinstance(options, LROptions) and options.apply else None
    # the run the answer is for, read before anything runs (``_run_length``): "auto" is the fit's steps to go
    asked = options.run_steps if isinstance(options, LROptions) else None
    run_steps = _run_length.from_trainer(trainer, options.title) if asked == _run_length.AUTO else asked
    assert run_steps is None or isinstance(run_steps, int)
    # (a number of run_steps names a run other than this fit; "auto" names this one)
    if isinstance(options, LROptions) and options.confirm and asked in (None, _run_length.AUTO):
        _run_length.say_if_fit_is_shorter(
            trainer, options.title, options.num_steps, options.confirm_steps, len(OFFSETS)
        )
    show_bar = options.progress_bar
    if show_bar is None:
        show_bar = trainer.progress_bar_callback is not None
    show_bar = bool(show_bar) and trainer.is_global_zero
    base_step = trainer.global_step
    batches = Batches(trainer)
    snapshot = Snapshot(
        module,
        trainer.optimizers,
        [cfg.scheduler for cfg in trainer.lr_scheduler_configs],
        trainer.precision_plugin,
        batches.generators(),
        place=options.snapshot,
    )
    callbacks = L.callbacks(trainer)
    decays = options.decays()
    # the weight decay the sweeps' value stands for as configured: the one the fit keeps when the sweeps
    # cannot tell the weight decays apart (``WeightDecayResult.best``)
    configured = pg.largest_weight_decay(optimizer.param_groups) if decays is not None else None
    shares: dict[float, Split] = {}  # each weight decay's split of the groups as configured
    for wd in decays or ():
        # the biases it decays said once, not once per weight decay
        shares[wd] = split(module, optimizer.param_groups, wd, quiet=any(w > 0.0 for w in shares))

    def attempt(opts: SweepOptions, fixed_val: list[list[Any]] | None, first: bool) -> list[SweepResult]:
        """The sweep(s), one per weight decay, then the candidates; each sweep from the snapshot's state."""
        out: list[SweepResult] = []
        outliers: list[dict[int, int]] = []  # the steps each sweep let through (``Batches.outliers``)
        for i, wd in enumerate(decays or (None,)):
            if i or not first:
                batches.close()  # every sweep starts from the same state and sees the same batches
                snapshot.restore()
            if wd is not None:
                set_weight_decay(optimizer.param_groups, wd, shares[wd])
            if is_schedule_free(optimizer):
                cast(Any, optimizer).train()  # it steps only in train mode; the restore puts its mode back
            out.append(sweep(trainer, module, optimizer, opts, batches, fixed_val, wd, show_bar))
            outliers.append(batches.outliers)
        if isinstance(opts, LROptions) and opts.confirm:  # the candidates (``_candidates``)
            out = confirm_results(
                trainer,
                module,
                optimizer,
                opts,
                batches,
                snapshot,
                fixed_val,
                out,
                show_bar,
                shares,
                outliers,
                configured,
            )
        return out

    _tell_step_hooks(options.title, callbacks)
    try:
        L.set_callbacks(trainer, [])  # the sweep is invisible to other callbacks (they keep their state)
        with L.isolated_logging(trainer):
            fixed_val = None
            if options.val_loss:
                with _said_of_test(options):
                    fixed_val = val_batches(trainer, options)
            if fixed_val is not None:
                # drawing them moved the RNGs (a shuffled loader's seed): every sweep, and the candidates, start
                # from the snapshot's (review 89: the first sweep shuffled otherwise, so its candidates trained
                # on other batches, and weight decays were compared on different data)
                snapshot.restore()
            batches.probe(snapshot.restore)  # whether the loaders start over (a stream: its batches are kept)
            results = attempt(options, fixed_val, first=True)
            if isinstance(options, LROptions) and (why := _retry_reason(options, results, configured)):
                again = options.retried()
                L.warn_at_user(  # every rank retries; one says so
                    f"{options.title}: no answer from {options.num_steps} steps ({why}); running it once more "
                    f"with {again.num_steps} steps (retry=False skips the second try)",
                    category=UserWarning,
                )
                tried = _lr_results(results)
                results = attempt(again, fixed_val, first=False)
                second = _lr_results(results)
                i = answer_index(second, configured)
                results[i] = dataclasses.replace(second[i], first_try=tried[answer_index(tried, configured)])
    finally:
        L.set_callbacks(trainer, callbacks)
        batches.release()
        snapshot.restore()
    if isinstance(options, LROptions) and options.method is not None:  # it answers with what is applied
        results = [
            dataclasses.replace(r, rule=options.method) if isinstance(r, RangeTestResult) else r
            for r in results
        ]
    if run_steps is not None:  # it answers for the run it was told of
        results = [
            dataclasses.replace(r, run_steps=run_steps) if isinstance(r, RangeTestResult) else r
            for r in results
        ]
    if isinstance(options, LROptions) and not options.confirm:
        _warn_if_still_falling(options, _lr_results(results))
    result: Result = results[0] if decays is None else WeightDecayResult(_lr_results(results), configured)
    if isinstance(result, WeightDecayResult) and isinstance(options, LROptions):
        _tell_weight_decay(result, options)
    if options.log and trainer.is_global_zero:
        _log_summary(trainer, result, options, base_step)
    if earlier is not None:
        for logger in trainer.loggers:
            _LOGGED.setdefault(logger, {})[options.prefix] = earlier + 1
    if keep is not None:
        keep(result)
    if isinstance(options, LROptions) and options.apply:
        lr_result = result if isinstance(result, WeightDecayResult) else _lr_results([result])[0]
        logged = L.logged_hparams(trainer)  # what the loggers got at fit start
        with warnings.catch_warnings():
            if trainer.global_rank != 0:  # every rank applies the same result: rank 0 says what it says
                warnings.simplefilter("ignore")
            apply_result(trainer, module, lr_result, options, attr=attr, live=live, scheduled=scheduled)
        L.relog_hparams(trainer, logged)  # so they record the values that train (the LR, filled values)
    return result


def _tell_weight_decay(result: WeightDecayResult, options: LROptions) -> None:
    """Warn when the sweeps cannot tell the weight decays apart (no weight decay is suggested, none is applied,
    and the LR answer is the sweep's at the weight decay the fit keeps), or when the one suggested is the
    largest swept or the smallest above 0 (a bound, as a confirmed LR at the candidates' edge is)."""
    if result.best_weight_decay is not None:
        if edge := result._decision.edge:
            L.warn_at_user(f"{options.title}: {edge}", category=UserWarning)
        elif len(result.results) == 1:
            # review 138: one weight decay is the weight decay asked for, applied unsaid where the docs spoke only
            # of one told apart from the others; an info line, not a warning: it is what was asked
            if result.reason:  # no LR answer: nothing is applied, the weight decay neither (review 139)
                what = "result.best_weight_decay, not applied: there is no LR answer (above)"
            else:
                what = (
                    "applied with the LR answer as asked"
                    if options.apply
                    else "result.best_weight_decay as asked"
                )
            rank_zero_info(
                f"{options.title}: weight_decays holds one weight decay, {result.best_weight_decay:g}: the sweep ran "
                f"at it, and it is {what}, compared with no other (list more to compare them)"
            )
        return
    mine, at = result.configured_weight_decay, result.best.weight_decay
    kept = "" if mine is None else f" (weight_decay={mine:g})"
    if mine is not None and at is not None and math.isclose(at, mine, rel_tol=1e-9):
        lr = f"the LR suggestion is the sweep's at your weight decay, {at:g}"
    elif mine is not None:
        lr = (
            f"your weight decay ({mine:g}) was not swept, so the LR suggestion is the sweep's at weight_decay="
            f"{at:g}, the lowest of them (add {mine:g} to weight_decays for an LR found at yours)"
        )
    else:
        lr = f"the LR suggestion is the sweep's at weight_decay={at:g}, the lowest of them"
    applied = (
        f"no weight decay is applied: the model keeps the one it has{kept}; {lr}"
        if options.apply
        else f"result.best_weight_decay is None; {lr}"
    )
    L.warn_at_user(
        f"{options.title}: no weight decay suggested: {result.weight_decay_reason}. So {applied}",
        category=UserWarning,
    )


def _warn_if_still_falling(options: LROptions, results: Sequence[RangeTestResult]) -> None:
    """A sweep alone (``confirm=False``) whose loss was still falling at ``max_lr``: the LRs above were not
    tried, so the best may lie higher, and the top of a 1cycle or a cycle read from the sweep is ``max_lr``
    itself, unsaid (review 54; the candidates of a confirmation say the same of their own edge)."""
    for r in results:
        n = len(r.lrs)
        if r.stop_reason != "completed" or n < 5:
            continue
        low = _rules.minimum(r.lrs, r.losses).index
        if low is not None and low >= n - max(2, math.ceil(0.05 * n)):
            L.warn_at_user(
                f"{options.title}: the loss was still falling where the sweep ended, at max_lr={options.max_lr:g}: "
                f"the LRs above it were not tried, so the best LR may lie higher, and the top of a 1cycle or a "
                f"cycle read from the sweep (one_cycle_max_lr(), cyclic_bounds(), OneCycle, Cyclic) is max_lr "
                f"itself; raise max_lr until the loss turns up",
                category=UserWarning,
            )
            return


def _retry_reason(options: LROptions, results: list[SweepResult], configured: float | None) -> str:
    """Why the answer of ``results`` is None when more steps may give one (``retry``), else "": the
    confirmation's reason for the confirmed LR, the sweep's for a sweep rule (``method``)."""
    if not options.retry:
        return ""
    lr_results = _lr_results(results)
    r = lr_results[answer_index(lr_results, configured)]
    confirmed = r.confirmation if options.method in (None, CONFIRMED) else None
    found = confirmed or verdict(r.lrs, r.losses, r.num_steps, r.stop_reason, r.mode)
    return found.reason if found.retry else ""


def _lr_results(results: list[SweepResult]) -> tuple[RangeTestResult, ...]:
    out = tuple(r for r in results if isinstance(r, RangeTestResult))
    assert len(out) == len(results), "an LR sweep returns RangeTestResults"
    return out


# ---------------------------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------------------------


def check_strategy(strategy: Any) -> None:
    """Refuse a strategy that shards the parameters and optimizer state over the ranks."""
    name = L.sharded_strategy(strategy)
    if name is not None:
        raise RuntimeError(
            f"the range test does not support {name}: it shards the parameters and the optimizer state over "
            f"the ranks, and the range test's snapshot and restore are made for whole ones. Run the range test "
            f"with strategy='ddp' (or on one device) and give its suggestion to the sharded run"
        )


def check_no_finder(trainer: pl.Trainer, title: str, tuner: bool) -> None:
    """Refuse Lightning's own search callbacks in the fit where they would act unseen (review 98): a
    ``LearningRateFinder`` runs its LR search at a fit's start and sets the LR it finds, over the range test's
    answer (the next fit trained at its LR, not the test's), and in the Tuner's fit it searches too; a
    ``BatchSizeFinder`` in the Tuner's fit runs its search there and leaves the batch size it found (the
    sweep ran at it). Lightning refuses them the same way (``Tuner.lr_find`` the first, ``scale_batch_size``
    the second). Asked before the Tuner's fit and at the fit's setup, where the module's
    ``configure_callbacks`` has added its own (review 99). (With ``LRRangeTest`` a ``BatchSizeFinder`` runs
    first, at the fit's start, and the test sweeps at the batch size it found: both act on the fit, as
    meant.)"""
    finders = ["LearningRateFinder", "BatchSizeFinder"] if tuner else ["LearningRateFinder"]
    for name in finders:
        kind = L.resolve(trainer, "callbacks", name)
        found = next((cb for cb in L.callbacks(trainer) if isinstance(cb, kind)), None)
        if found is None:
            continue
        given = type(found).__name__ + ("" if type(found).__name__ == name else f" (a {name})")
        if name == "LearningRateFinder":
            what = "it runs Lightning's LR search in the fit and sets the LR it finds, over the range test's answer"
            peer = "Tuner.lr_find"
        else:
            what = (
                "it would run its batch-size search in the test's fit and leave the batch size it found; run "
                "Tuner(trainer).scale_batch_size(...) first, then the range test at the batch size it found"
            )
            peer = "Tuner.scale_batch_size"
        raise ValueError(
            f"{title}: a {given} callback is in this fit (on the Trainer, or returned by the module's "
            f"configure_callbacks): {what}. Remove it for the range test (Lightning's {peer} refuses it too)"
        )


def check_not_maximizing(optimizer: torch.optim.Optimizer) -> None:
    """Refuse an optimizer with ``maximize=True`` in a param group (review 88: the value it climbs was scored
    as a loss, and an LR that wrecked the model won). ``LRRangeTest(epochs=...)`` asks at its fit's start,
    before the fit trains (review 89)."""
    climbing = [i for i, g in enumerate(optimizer.param_groups) if g.get("maximize")]
    if climbing:
        raise ValueError(
            f"param group(s) {climbing} of {type(optimizer).__name__} have maximize=True: the optimizer climbs "
            f"what training_step returns, and the range test reads it as a loss to bring down, so it would "
            f"suggest the LR that wrecks the model. Return the negated objective from training_step and build "
            f"the optimizer with maximize=False for the test"
        )


@contextlib.contextmanager
def _said_of_test(options: SweepOptions) -> Iterator[None]:
    """The validation data's own errors ("val_loss=True needs ...") said of the test, as its other refusals are (r154:
    the Tuner's and a test at fit start raised them without naming the test); one the user's ``val_dataloader()``,
    dataset or collate_fn raised keeps its class and traceback (r157, r158: a JSONDecodeError became a plain
    ValueError, or a TypeError where its class takes other arguments)."""
    try:
        yield
    except ValueError as exc:
        if type(exc) is not ValueError or not str(exc).startswith("val_loss=True"):
            raise
        raise ValueError(f"{options.title}: {exc}") from None


def check_before_training(trainer: pl.Trainer, module: pl.LightningModule, options: SweepOptions) -> None:
    """The test's checks that need no training: made at train start for a test at the start of a later epoch
    (``LRRangeTest(epochs=[k])``), which would otherwise refuse its setup only when epoch ``k`` starts, after
    ``k`` epochs of training (review 89: a maximizing optimizer; review 138: two optimizers, ``val_loss=True``
    without validation data or with ``limit_val_batches=0``, an ``attr_name`` the module does not have). What
    needs the model or the data as they are when the test runs (lazy parameters, trainable ones, an LR of 0,
    what ``validation_step`` logs) is checked then. Every error names the test, as its own do."""
    try:
        _check_setup(trainer, module, options)
    except (ValueError, RuntimeError, NotImplementedError) as exc:  # said of the test, as its options are
        raise type(exc)(f"{options.title}: {exc}") from None
    if options.val_loss:
        with _said_of_test(options):
            val_loaders(trainer)
    if isinstance(options, LROptions) and options.apply and options.attr_name is not None:
        check_attr(module, options)  # (its errors name the test)
    if isinstance(options, LROptions) and options.run_steps == _run_length.AUTO:
        _run_length.planned(trainer, options.title)  # a fit of no known end (its error names the test)


def _check_setup(trainer: pl.Trainer, module: pl.LightningModule, options: SweepOptions) -> None:
    """The checks of :func:`_check_ready` that hold for the whole fit: the strategy, one optimizer that
    minimizes, the settings the test sweeps in every param group, ``training_step``'s signature and a
    ``validation_step`` for ``val_loss``."""
    check_strategy(trainer.strategy)
    optimizers = trainer.optimizers
    if len(optimizers) != 1:
        raise ValueError(
            f"it sweeps one optimizer, but configure_optimizers returned {len(optimizers)}. Parts "
            f"of the model that train one loss: return a single optimizer with a param group per part (the "
            f"groups keep their LRs' ratios). Models whose optimizers train different losses (a GAN's "
            f"generator and discriminator): no one sweep measures them, as each loss also moves with the "
            f"other's LR; test a part alone, in a module that trains it with one optimizer"
        )
    optimizer = optimizers[0]
    groups = optimizer.param_groups
    check_not_maximizing(optimizer)
    if options.momentum_schedule() is not None:
        for i, g in enumerate(groups):
            if pg.momentum_key(g) is None:
                raise ValueError(
                    f"it sweeps the momentum (SGD, RMSprop) or beta1 (the Adam family) of every param group, but "
                    f"param group {i} of {type(optimizer).__name__} has neither"
                )
    if options.decays() is not None:
        for i, g in enumerate(groups):
            if pg.weight_decay(g) is None:
                raise ValueError(
                    f"weight_decays needs param groups with a 'weight_decay', but group {i} of "
                    f"{type(optimizer).__name__} has none"
                )
    if L.takes_dataloader_iter(module):
        raise NotImplementedError(
            "the range test calls training_step(batch, batch_idx); a training_step(dataloader_iter) is not "
            "supported"
        )
    if options.val_loss and not L.overrides(module, "validation_step"):
        raise ValueError(
            "val_loss=True needs a validation_step on the model; define one or pass val_loss=False"
        )


def _check_ready(
    trainer: pl.Trainer, module: pl.LightningModule, options: SweepOptions
) -> torch.optim.Optimizer:
    _check_setup(trainer, module, options)
    optimizer = trainer.optimizers[0]
    lazy = [
        name
        for name, p in module.named_parameters()
        if isinstance(p, torch.nn.parameter.UninitializedParameter)
    ]
    if lazy:  # review 71: the snapshot raised torch's "Attempted to use an uninitialized parameter"
        raise ValueError(
            f"the model has parameters that are not initialized yet ({', '.join(lazy[:3])}"
            f"{', ...' if len(lazy) > 3 else ''}: a lazy module such as LazyLinear sizes them at its first "
            f"forward), and the range test snapshots every parameter before its first step. Run one forward "
            f"pass before the test (in configure_model or setup, on a batch or a dummy input of its shape), or "
            f"give the layer its input size"
        )
    trainable = [p for p in module.parameters() if p.requires_grad]
    if not trainable:
        raise ValueError(
            "the model has no trainable parameters (every parameter has requires_grad=False); "
            "the range test needs something to train, and it snapshots and restores only the "
            "LightningModule's own parameters (register any extra nn.Parameter on the module)"
        )
    in_optimizer = {id(p) for g in optimizer.param_groups for p in g["params"] if p.requires_grad}
    if not in_optimizer:
        raise ValueError(
            f"the optimizer ({type(optimizer).__name__}) holds no trainable parameters; "
            f"the range test needs something to train"
        )
    pg.require_lr(optimizer, options.title)
    groups = optimizer.param_groups
    if options.needs_optimizer_lr() and pg.lr_ratios(groups) is None:
        # a CyclicLR (torch's or the drop-in) sets every group to its base_lr when it is built: the user wrote
        # another LR, so the error names it (review 79: an optimizer built with LR 0 blamed a StepLR, and the
        # optimizer's default LR was quoted where each group had its own)
        cyclic = [
            type(c.scheduler).__name__
            for c in trainer.lr_scheduler_configs
            if c.scheduler.optimizer is optimizer and hasattr(c.scheduler, "max_lrs")
        ]
        configured = [pg.base_lr(g) for g in groups]
        if cyclic:
            raise ValueError(
                f"every param group of {type(optimizer).__name__} has lr=0: the {cyclic[0]} configure_optimizers "
                f"returned set them to its base_lr when it was built. The sweep's LR is the largest group's and "
                f"the other groups keep their ratio to it, so one group needs an LR > 0: give {cyclic[0]} a "
                f"base_lr above 0 (the test keeps its ratio to max_lr)"
            )
        raise ValueError(
            f"every param group of {type(optimizer).__name__} has lr=0 (and was configured with "
            f"{configured}); the sweep's LR is the largest group's and the other groups keep "
            f"their ratio to it, so one group needs an LR > 0"
        )
    _check_highest_lr(groups, options)
    return optimizer


def _check_highest_lr(groups: list[dict[str, Any]], options: SweepOptions) -> None:
    """Refuse a highest LR of the test (``max_lr``, the momentum test's ``lr``) that a param group's parameters
    cannot take (beyond float32's 3.4e38 for float32 ones), before anything runs: torch converts the LR to
    their type, and the step would fail with "value cannot be converted to type float without overflow",
    naming no argument (r202: ``momentum_range_test(lr=1e39)``)."""
    highest = options.highest_lr()
    ratios = pg.lr_ratios(groups)
    if highest is None or ratios is None:
        return
    name, value = highest
    for i, (g, r) in enumerate(zip(groups, ratios, strict=True)):
        why = pg.unusable_lr(g, value * r)
        if why is not None:
            at = "" if r == 1 else f" (its ratio {r:g} to the largest group's LR)"
            raise ValueError(
                f"{name}={value!r} would set the LR of param group {i} to {value * r:g}{at}, {why}; give a "
                f"smaller {name}"
            )


# ---------------------------------------------------------------------------------------------
# logging
# ---------------------------------------------------------------------------------------------


def _log_summary(trainer: pl.Trainer, result: Result, options: SweepOptions, base: int) -> None:
    """After the sweep (rank 0): the suggestion as a metric and the figure in TensorBoard."""
    loggers = trainer.loggers
    if not loggers:
        return
    runs = result.results if isinstance(result, WeightDecayResult) else (result,)
    for r in runs:
        tags = prefix(options, r._weight_decay())
        # the answer, read without its warnings: a momentum result says its no-answer once, at the user's first
        # call of suggestion(), which this read must not take (review 149: under the default logger it did)
        value = r._answer(options.rule())[0] if isinstance(r, RangeTestResult) else r._pick(options.rule())[0]
        if value is not None:
            for lg in loggers:
                lg.log_metrics({f"{tags}/suggestion": value}, step=base + max(len(r) - 1, 0))
    if isinstance(result, WeightDecayResult):
        # what was applied: the best sweep's answer, and its weight decay (review 77: only each sweep's own
        # suggestion was logged, under wd=..., two of three never applied)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = result.suggestion(options.rule())
        metrics = {}
        if result.best_weight_decay is not None:  # (none when the sweeps cannot tell them apart)
            metrics[f"{options.tag}/best_weight_decay"] = result.best_weight_decay
        if value is not None:
            metrics[f"{options.tag}/suggestion"] = value
        for lg in loggers if metrics else ():
            lg.log_metrics(metrics, step=base + max(len(r) for r in runs) - 1)
    experiments = [getattr(lg, "experiment", None) for lg in loggers]
    writers: list[Any] = [e for e in experiments if hasattr(e, "add_figure")]
    if not writers:
        return
    if importlib.util.find_spec("matplotlib") is None:  # pragma: no cover - depends on the environment
        # an info line, as the schedule preview's (r161: a plain install, TensorBoard without matplotlib, warned
        # at every test of a figure nobody asked for)
        rank_zero_info(
            "the range-test figure needs matplotlib (pip install 'lightning_lr[plot]'); only scalars were logged"
        )
        return
    from ..plotting import offscreen

    # a second try's figure beside the first's, each under its scalars' prefix (review 56: the first try was
    # never drawn, and the second was drawn as if it were the only one)
    figures: list[tuple[str, Result]] = [(f"{options.root}/figure", result)]
    if isinstance(result, RangeTestResult) and result.first_try is not None:
        figures = [(f"{options.root}/figure", result.first_try), (f"{options.root}/retry/figure", result)]
    for tag, shown in figures:
        with (
            warnings.catch_warnings(),
            offscreen(),
        ):  # logged only: the user's matplotlib backend stays theirs
            warnings.simplefilter("ignore")
            fig = shown.plot(method=options.rule())
        for w in writers:
            w.add_figure(tag, fig, global_step=base, close=False)
