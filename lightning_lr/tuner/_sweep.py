"""The sweep itself: per optimizer step set the swept value, train one step as the loop does, record the loss.

Per optimizer step it sets the swept value (a pure schedule of the sweep step), runs ``training_step`` through
the strategy (precision autocast, DDP forward), ``backward`` through the strategy (precision plugin,
``no_sync`` on accumulated micro-batches) and the module's ``optimizer_step`` hook with a closure (gradient
clipping, the AMP scaler, closure optimizers such as LBFGS), exactly as the training loop does. Under manual
optimization ``training_step`` does the stepping itself, and one step of the sweep is still one step of the
optimizer: ``training_step`` runs on successive batches until it has stepped the swept optimizer (a hand-made
accumulation over k batches takes k calls), all at the value set for that step (:func:`_manual_step`). A step
the AMP scaler skips (float16) reaches no optimizer and is no step in either (it runs again on the next
batches at the same value); so is one whose batches ``training_step`` all skips (returns None, as Lightning
allows under automatic optimization: a skipped micro-batch gives no loss and no gradient). A step's
micro-batches end at the epoch's last batch, where the loop steps too, and ``batch_idx`` is the batch's place
in its epoch. The recorded loss is the mean of the step's micro-batch losses (or calls'), averaged over ranks
with the strategy's ``reduce``: every rank holds the same curve, stops at the same step and suggests the same
value.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

import lightning.pytorch as pl
import torch
from lightning.pytorch.utilities.exceptions import SIGTERMException

from .. import _lightning_compat as L
from .._lightning_compat import rank_zero_info
from ..optim import param_groups as pg
from ..optim._hooks import runs_step_hooks
from . import _run_length
from ._confirm import NAN_NOT_LR, moved_from_start
from ._curve import SweepResult
from ._data import Batches
from ._early_stop import EarlyStop
from ._momentum import MomentumRangeTestResult
from ._options import MomentumOptions, SweepOptions
from ._result import RangeTestResult
from ._val import check_moves_as_a_loss, val_loss

__all__ = ["MAX_CALLS_PER_STEP", "Step", "describe", "prefix", "step_loss", "sweep"]

#: Under manual optimization, the most ``training_step`` calls one step of the range test waits for the
#: swept optimizer to step before it raises. Lightning puts no bound on gradient accumulation, and one made by
#: hand in ``training_step`` may span many batches (large batches emulated in micro-batches, with a counter
#: of the module's own that runs across epochs), so the bound is a generous constant, far above any
#: accumulation seen in practice, rather than the batches of an epoch (a few on a small data set; hours of
#: work on a large one). A ``training_step`` that never steps then fails after about twice the work of a
#: default range test (its 100 + 400 optimizer steps).
MAX_CALLS_PER_STEP = 1000

if importlib.util.find_spec("ipywidgets") is not None:  # pragma: no cover - notebook only
    from tqdm.auto import tqdm
else:
    from tqdm import tqdm


def prefix(options: SweepOptions, weight_decay: float | None) -> str:
    """The logger tag prefix: ``lr_range_test`` (``momentum_range_test``; one of several tests in a fit
    ``lr_range_test/epoch=3``; a second try's ``lr_range_test/retry``), per weight decay a sub-prefix."""
    return options.tag if weight_decay is None else f"{options.tag}/wd={weight_decay:g}"


def describe(options: SweepOptions, weight_decay: float | None) -> str:
    """The progress bar's name."""
    return options.name if weight_decay is None else f"{options.name} (weight_decay={weight_decay:g})"


def _loss_of(output: Any, where: str) -> torch.Tensor:
    loss = output.get("loss") if isinstance(output, Mapping) else output
    if not isinstance(loss, torch.Tensor):
        got = "None" if output is None else type(output).__name__
        raise ValueError(
            f"{where} must return the loss (a tensor, or a dict with a 'loss' tensor) at every step of the "
            f"range test, got {got}"
        )
    return loss


class Step(NamedTuple):
    """One step of the sweep or of a candidate."""

    loss: torch.Tensor  # its loss: the mean over its micro-batches (its training_step calls)
    steps: int  # the optimizer steps it took: 1, or more when a manual training_step stepped several times


@dataclass
class _Curve:
    lrs: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    momentums: list[float | None] = field(default_factory=list)
    steps: int = 0  # optimizer steps taken
    stop: str = "completed"

    def diverged_at(self, t: int) -> None:
        """The sweep diverged at its step ``t``: the curve ends there (the steps taken after it, to tell an
        outlier batch from a divergence, are counted in ``steps`` but are not part of the curve)."""
        del self.lrs[t + 1 :], self.losses[t + 1 :], self.momentums[t + 1 :]
        self.stop = "diverged"


def step_loss(trainer: pl.Trainer, loss: torch.Tensor) -> float:
    """A sweep's or a candidate's step loss, the mean over ranks; a SIGTERM (a cluster's preemption) that
    reached any rank stops the test here, as Lightning's loop stops a fit at its next batch. The flag
    travels in the same reduction, so every rank stops at the same step, restoring the state on the way
    out: a rank the signal reached raises Lightning's SIGTERMException, the others an error that says why
    (a process that only exits would leave a spawn launcher waiting for its result)."""
    here = bool(getattr(trainer, "received_sigterm", False))
    both = torch.stack([loss.detach().float().reshape(()), torch.tensor(float(here), device=loss.device)])
    value, signal = trainer.strategy.reduce(both, reduce_op="mean").tolist()
    if here:
        raise SIGTERMException
    if signal > 0:
        raise RuntimeError(
            f"the LR range test stopped at this step on rank {trainer.global_rank}: another rank received "
            f"SIGTERM (the state was restored)"
        )
    return float(value)


def nonfinite_ranks(trainer: pl.Trainer, loss: torch.Tensor) -> str:
    """Under DDP, the ranks whose own ``loss`` is NaN/inf, for a message (`` on rank 1 of 2``); "" on one
    process. Call it where the mean over ranks was NaN/inf: every rank reads that mean, so every rank
    reaches this collective (review 52: one rank's NaN was never traced to it)."""
    if trainer.world_size <= 1:
        return ""
    own = 0.0 if math.isfinite(float(loss.detach().float().reshape(()))) else 1.0
    ranks = [i for i, flag in enumerate(L.per_rank(trainer, own)) if flag > 0]
    if not ranks:  # each rank finite, their mean not (an overflow in the reduction)
        return f" (the mean over {trainer.world_size} ranks; each rank's own loss was finite)"
    s = "s" if len(ranks) > 1 else ""
    return f" on rank{s} {', '.join(map(str, ranks))} of {trainer.world_size}"


def sweep(
    trainer: pl.Trainer,
    module: pl.LightningModule,
    optimizer: torch.optim.Optimizer,
    options: SweepOptions,
    batches: Batches,
    val_batches: list[list[Any]] | None,
    weight_decay: float | None,
    show_bar: bool,
) -> SweepResult:
    """One sweep of ``options.num_steps`` optimizer steps (fewer when it stops early); its result."""
    groups = optimizer.param_groups
    ratios = pg.lr_ratios(groups) or [1.0] * len(groups)  # None only for a sweep that sets the LR itself
    ref = pg.reference(groups) or 0  # the group whose LR and momentum the curve records
    lr_schedule = options.lr_schedule()
    tags = prefix(options, weight_decay)
    step = _automatic_step if module.automatic_optimization else _manual_step
    name = describe(options, weight_decay)
    loggers = trainer.loggers if (options.log and trainer.is_global_zero) else []
    base = trainer.global_step
    stop = EarlyStop(options.early_stop_threshold, options.smoothing, options.num_steps)
    beta = options.smoothing
    curve = _Curve()
    avg = weight = 0.0  # the smoothed loss logged and shown (the early stop keeps its own: ``_early_stop``)
    before_t = math.nan  # the smoothed loss of the step before
    places: list[int] = []  # the place of each step's first batch in the batch order (``Batches.position``)
    batches.outliers = {}  # the steps this sweep lets through as an outlier's (the candidates pass over them)
    trained: list[float] = []  # with val_loss=True, the training loss of each step

    def diverged_at(at: int) -> None:
        curve.diverged_at(at)
        # a run let through that the curve now ends at was the LR's, not an outlier batch's (``_early_stop``)
        batches.outliers = {p: end for p, end in batches.outliers.items() if p < places[at]}

    progress = tqdm(
        total=options.num_steps,
        desc=name,
        disable=not show_bar,
        leave=False,
        dynamic_ncols=True,
    )
    try:
        for t in range(options.num_steps):
            if lr_schedule is not None:
                lr = lr_schedule(t)
                for g, r in zip(groups, ratios, strict=True):
                    pg.set_lr(g, lr * r)
            for g, m in zip(groups, options.group_momentums(t, len(groups)) or (), strict=False):
                if m is not None:
                    pg.set_momentum(g, m)
            lr_t = pg.lr(groups[ref])
            momentum_t = pg.momentum(groups[ref])
            places.append(batches.position)
            loss, steps = step(trainer, module, optimizer, batches, f"at step {t} of the sweep of the {name}")
            curve.steps += steps
            if val_batches is not None:
                trained.append(step_loss(trainer, loss))  # to check that the value read moves as a loss
                loss = val_loss(trainer, val_batches, options.val_key, options.title)
            value_t = step_loss(trainer, loss)
            curve.lrs.append(lr_t)
            curve.losses.append(value_t)
            curve.momentums.append(momentum_t)
            avg = beta * avg + (1.0 - beta) * value_t
            weight = beta * weight + (1.0 - beta)
            smoothed = avg / weight
            if loggers:
                metrics = {
                    f"{tags}/lr": lr_t,
                    f"{tags}/loss": value_t,
                    f"{tags}/smoothed_loss": smoothed,
                }
                if momentum_t is not None:
                    metrics[f"{tags}/momentum"] = momentum_t
                for lg in loggers:
                    lg.log_metrics(metrics, step=base + t)
            progress.update(1)
            if show_bar:
                progress.set_postfix(lr=f"{lr_t:.2e}", loss=f"{smoothed:.4g}", refresh=False)
            if not math.isfinite(value_t) and (held := stop.nonfinite()) is not None:
                if stop.held is None:  # after a run let through: said (review 96: the NaN went unsaid)
                    L.warn_at_user(
                        f"{name}: the loss was NaN/inf at step {t} of {options.num_steps} (lr={lr_t:.3g})"
                        f"{nonfinite_ranks(trainer, loss)}, within a tenth of the sweep after the loss at step "
                        f"{held} was let through as an outlier batch's: that was the LR's divergence, and the "
                        f"curve ends there",
                        category=UserWarning,
                    )
                diverged_at(held)  # within a run above the bar, or after one let through: a divergence
                break
            if not math.isfinite(value_t):
                curve.stop = "non-finite loss"
                where = nonfinite_ranks(trainer, loss)
                before, hint = "", ""
                if t > 0:
                    before = f"; the smoothed loss before it was {before_t:.4g} ({curve.losses[0]:.4g} at the first step)"
                    # no rise beyond the sweep's noise came before it (review 138: 2.329 to 2.331 was a rise)
                    if moved_from_start(curve.lrs, curve.losses)[0] in ("flat", "fell"):
                        hint = f": {NAN_NOT_LR}"
                # said here: the reason a sweep gives no answer may be another (its noise), and a cut sweep's
                # answer is read from the steps before it (review 52)
                L.warn_at_user(
                    f"{name}: the loss was NaN/inf at step {t} of {options.num_steps} (lr={lr_t:.3g}){where}, so "
                    f"the sweep stops there, as at a divergence{before}{hint}",
                    category=UserWarning,
                )
                break
            before_t = smoothed
            runs = len(stop.outliers)
            if (at := stop.see(value_t)) is not None:
                diverged_at(at)
                break
            if len(stop.outliers) > runs:
                first, last = stop.outliers[-1]
                # the candidates pass over the run's outlier batches, and train on the others (review 95)
                spikes = [s for s in range(first, last + 1) if s in stop.spikes]
                batches.outliers.update({places[s]: places[s + 1] for s in spikes})
                # the highest loss with its own LR (r197: 5512 was said with the run's first LR, 4.75, where it
                # came a step later, at 5.72)
                peak = max(range(first, last + 1), key=lambda s: curve.losses[s])
                rank_zero_info(
                    f"{name}: the loss at step{'s' if last > first else ''} {first}"
                    f"{f'..{last}' if last > first else ''} (up to {curve.losses[peak]:.4g}, at step {peak}, lr="
                    f"{curve.lrs[peak]:.3g}) was taken for an outlier batch's, not a divergence: the loss is back "
                    f"({value_t:.4g}), and the sweep goes on"
                )
        else:
            if (held := stop.end()) is not None:  # the sweep ended within a run: it cannot tell, diverged
                diverged_at(held)
    finally:
        progress.close()
    if val_batches is not None:
        check_moves_as_a_loss(curve.lrs, trained, curve.losses, options.val_key, options.title)
    return _result(options, curve, weight_decay, optimizer)


def _result(
    options: SweepOptions, curve: _Curve, weight_decay: float | None, optimizer: torch.optim.Optimizer
) -> SweepResult:
    common: dict[str, Any] = {
        "lrs": tuple(curve.lrs),
        "losses": tuple(curve.losses),
        "mode": options.mode,
        "smoothing": options.smoothing,
        "num_steps": options.num_steps,
        "stop_reason": curve.stop,
        "val_loss": options.val_loss,
    }
    if isinstance(options, MomentumOptions):
        # every group has a momentum (checked before the sweep); the result refuses a None
        momentums = cast("tuple[float, ...]", tuple(curve.momentums))
        return MomentumRangeTestResult(momentums=momentums, **common)
    return RangeTestResult(
        momentums=tuple(curve.momentums),
        weight_decay=weight_decay,
        steps_taken=curve.steps,
        optimizer=_run_length.optimizer_name(optimizer),
        **common,
    )


def _automatic_step(
    trainer: pl.Trainer,
    module: pl.LightningModule,
    optimizer: torch.optim.Optimizer,
    batches: Batches,
    where: str,
) -> Step:
    """One optimizer step over ``accumulate_grad_batches`` micro-batches; their mean loss. ``where``: the
    step's place in the range test, for an error (``"at step 3 of the sweep of the LR range test"``).

    A step the AMP scaler skips (float16, inf/NaN gradients: the scaler lowers its scale) never reaches the
    optimizer, so it is no step, as under manual optimization: the micro-batches run again, on the next
    batches at the same LR, until the optimizer steps (it is told by a step hook on it, removed afterwards).
    The step's loss is then the mean over every try."""
    return _until_stepped(
        optimizer,
        lambda: _accumulated(trainer, module, optimizer, batches, where),
        lambda tries: (
            f"optimizer_step ran {tries} times {where} without stepping the optimizer "
            f"({type(optimizer).__name__}): every step was skipped (the AMP scaler skips a step whose "
            f"gradients are inf or NaN at every scale; training_step returned None for every batch), or "
            f"optimizer_step does not call optimizer.step(closure=optimizer_closure)"
        ),
    )


def _accumulated(
    trainer: pl.Trainer,
    module: pl.LightningModule,
    optimizer: torch.optim.Optimizer,
    batches: Batches,
    where: str,
) -> torch.Tensor | None:
    """``accumulate_grad_batches`` micro-batches and Lightning's ``optimizer_step`` on the last; the mean loss
    of those whose ``training_step`` did not skip them (return None), or None when every one was skipped."""
    accumulate = batches.accumulate
    epoch = trainer.current_epoch
    lightning_optimizer = module.optimizers(use_pl_optimizer=True)
    if isinstance(lightning_optimizer, list):  # pragma: no cover - one optimizer is checked before
        lightning_optimizer = lightning_optimizer[0]
    losses: list[torch.Tensor] = []
    for k in range(accumulate):
        batch, batch_idx = batches.next()
        # the epoch's last batch ends the window, as the loop steps there whatever the accumulation (review 66:
        # windows ran across epochs); the losses are scaled by the whole accumulation all the same, as there
        last = k == accumulate - 1 or batches.ends_epoch
        first: list[torch.Tensor | None] = []

        @torch.enable_grad()
        def closure(
            batch: Any = batch, batch_idx: int = batch_idx, k: int = k, first: list = first
        ) -> torch.Tensor | None:
            output = L.call_strategy(trainer, "training_step", batch, batch_idx)
            # None is Lightning's way to skip a batch: no backward, the gradients zeroed all the same
            loss = None if output is None else _loss_of(output, "training_step")
            if not first:  # closure optimizers (LBFGS) call this several times; the first is the step's loss
                first.append(None if loss is None else loss.detach().float())
            if k == 0:
                L.call_module(trainer, "on_before_zero_grad", optimizer)
                L.call_module(trainer, "optimizer_zero_grad", epoch, batch_idx, optimizer)
            if loss is None:
                return None
            L.call_strategy(trainer, "backward", loss / accumulate, optimizer)
            return loss.detach() / accumulate

        if not last:
            with L.no_sync(trainer):
                closure()
        else:
            L.call_module(trainer, "optimizer_step", epoch, batch_idx, lightning_optimizer, closure)
        if not first:
            raise RuntimeError(
                f"optimizer_step did not call its optimizer_closure {where}; "
                f"call optimizer.step(closure=optimizer_closure) in your optimizer_step override"
            )
        if first[0] is not None:
            losses.append(first[0])
        if last:
            break
    # the mean over the micro-batches that gave a loss; None when every one was skipped (the optimizer then
    # had no gradients, so its step changed nothing: no step, as an AMP-skipped one)
    return torch.stack(losses).mean() if losses else None


def _manual_step(
    trainer: pl.Trainer,
    module: pl.LightningModule,
    optimizer: torch.optim.Optimizer,
    batches: Batches,
    where: str,
) -> Step:
    """Manual optimization: ``training_step`` steps the optimizer itself and returns the loss. ``where``: the
    step's place in the range test, for an error (``"at step 3 of the sweep of the LR range test"``).

    One step is one step of ``optimizer`` (counted by a step hook on it, removed afterwards): ``training_step``
    runs on successive batches until a call has stepped it, so an accumulation by hand over k batches is k
    calls and one step, as ``accumulate_grad_batches`` is in automatic optimization. The LR and momentum set
    for the step hold for all its calls (put back before each further call, should ``training_step`` have
    changed them); the step's loss is the mean of the calls' losses. A call that steps the optimizer several
    times ends the step with all of them counted; its loss is then that call's, its LR held for all of them.
    A step the AMP scaler skips (float16, inf/NaN gradients) never reaches the optimizer, so it is no step:
    the next call gets another chance at the same LR.
    """

    def call() -> torch.Tensor:
        batch, batch_idx = batches.next()
        output = L.call_strategy(trainer, "training_step", batch, batch_idx)
        return _loss_of(output, "training_step (manual optimization)").detach().float()

    return _until_stepped(
        optimizer,
        call,
        lambda calls: (
            f"under manual optimization training_step ran {calls} times {where} without stepping the "
            f"optimizer ({type(optimizer).__name__}): 0 optimizer steps. One step of the range test is "
            f"one optimizer step; call opt.step() on the optimizer from "
            f"self.optimizers() in training_step (at least once every {MAX_CALLS_PER_STEP} calls, "
            f"e.g. every k-th batch when accumulating gradients)"
        ),
    )


def _until_stepped(
    optimizer: torch.optim.Optimizer,
    attempt: Callable[[], torch.Tensor | None],
    refusal: Callable[[int], str],
) -> Step:
    """Run ``attempt()`` (one try at a step; its loss) until the optimizer has stepped, as a step hook on it
    tells (removed afterwards), with the LR and momentum set for the step put back before each further try
    (should a try have changed them); the mean loss over the tries, and the steps taken. A try whose batches
    were all skipped (``training_step`` returned None; its loss None) is no step: the optimizer had no
    gradients (review 66: such a model could not be tested). After ``MAX_CALLS_PER_STEP`` tries without a
    step, a RuntimeError with ``refusal(tries)``."""
    if not runs_step_hooks(optimizer):
        raise RuntimeError(_unhooked(optimizer))
    groups = optimizer.param_groups
    held = [(pg.lr(g), pg.momentum(g)) for g in groups]
    stepped = 0

    def count(*_: Any) -> None:
        nonlocal stepped
        stepped += 1

    handle = optimizer.register_step_post_hook(count)
    losses: list[torch.Tensor] = []
    tries = 0
    try:
        while not stepped:
            if tries == MAX_CALLS_PER_STEP:
                raise RuntimeError(refusal(tries))
            if tries:
                _hold(groups, held)
            loss = attempt()
            tries += 1
            if loss is None:
                stepped = 0  # a step without gradients changed nothing
            else:
                losses.append(loss)
    finally:
        handle.remove()
    return Step(torch.stack(losses).mean(), stepped)


def _unhooked(optimizer: torch.optim.Optimizer) -> str:
    """Why the range test cannot count the steps of ``optimizer``: its ``step`` runs no step hooks, and it lacks
    the tables torch's ``Optimizer.__init__`` sets for them (:func:`~lightning_lr.optim._hooks.runs_step_hooks`).
    Said before the first try: no hook would fire, and the test would train ``MAX_CALLS_PER_STEP`` times before
    saying that no step was taken (review 168)."""
    name = type(optimizer).__name__
    return (
        f"the LR range test counts optimizer steps by torch's step hooks, and {name}.step cannot run them: "
        f"{name} was not built by torch.optim.Optimizer.__init__, which sets them up (a wrapper that takes "
        f"another optimizer's param_groups and state without calling it). Call "
        f"torch.optim.Optimizer.__init__(self, inner.param_groups, inner.defaults) in {name}.__init__ (then set "
        f"self.state = inner.state), or run the range test on the optimizer it wraps"
    )


def _hold(groups: list[dict[str, Any]], held: list[tuple[float, float | None]]) -> None:
    """Put back the LR and momentum of each group, where they changed."""
    for g, (lr, momentum) in zip(groups[: len(held)], held, strict=True):  # (a group added since: not ours)
        if pg.lr(g) != lr:
            pg.set_lr(g, lr)
        if momentum is not None and pg.momentum(g) != momentum:
            pg.set_momentum(g, momentum)
