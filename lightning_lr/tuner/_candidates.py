"""The confirmation stage's training: each candidate LR from the restored pre-sweep state on the same batches.

Run by the range-test core right after the sweep(s), inside the same isolation (other callbacks
invisible, logging isolated). Before each candidate everything is restored exactly as before a sweep
(:class:`~._state.Snapshot`, the data iterator reset, so every candidate sees the sweep's first batches
with the same batch indices); the candidate then trains at a constant LR (the largest param group's, the
other groups keep their ratio to it, set before every step as the sweep does) through the sweep's own step
functions, so precision, accumulation, clipping, closures and manual optimization behave as in the sweep
(a step is one optimizer step, also under manual optimization), and records the loss of every step (under
DDP the mean over ranks, so every rank chooses the same) and the optimizer steps taken. Which
LR trains next is the line search's choice from the scores so far (:func:`~._confirm.next_lr`). The core
restores everything once more afterwards.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import math
from collections.abc import Mapping, Sequence
from typing import Any, cast

import lightning.pytorch as pl
import numpy as np
import torch

from .. import _lightning_compat as L
from .._lightning_compat import rank_zero_info
from ..callbacks.schedule_free import is_schedule_free
from ..optim import param_groups as pg
from ._confirm import (
    NAN_NOT_LR,
    OFFSETS,
    Candidate,
    Confirmation,
    blow_up_line,
    capped_note,
    data_blowup,
    decide_after,
    diverged,
    edge_warning,
    floor_stop,
    next_lr,
    outlier_stop,
    rose_before,
    score,
    tail_length,
    untold_blowup,
    verdict,
)
from ._curve import SweepResult
from ._data import Batches
from ._decay_split import Split, set_weight_decay
from ._early_stop import run_lasts
from ._options import LROptions
from ._result import RangeTestResult
from ._state import Snapshot
from ._sweep import (
    _automatic_step,
    _manual_step,
    describe,
    nonfinite_ranks,
    prefix,
    step_loss,
)
from ._val import check_moves_as_a_loss, val_loss
from ._weight_decay import WeightDecayResult

if importlib.util.find_spec("ipywidgets") is not None:  # pragma: no cover - notebook only
    from tqdm.auto import tqdm
else:
    from tqdm import tqdm

__all__ = ["answer_index", "confirm_results"]


def answer_index(results: Sequence[RangeTestResult], configured: float | None) -> int:
    """Which of the LR sweeps' ``results`` gives the answer that is applied: the only one, or
    :attr:`WeightDecayResult.best` (the best weight decay's, or, when the sweeps cannot tell the weight decays
    apart, the one at ``configured``, the weight decay the optimizer had, if it was swept)."""
    return list(results).index(WeightDecayResult(tuple(results), configured).best) if len(results) > 1 else 0


def confirm_results(
    trainer: pl.Trainer,
    module: pl.LightningModule,
    optimizer: torch.optim.Optimizer,
    options: LROptions,
    batches: Batches,
    snapshot: Snapshot,
    val_batches: list[list[Any]] | None,
    results: list[SweepResult],
    show_bar: bool,
    shares: Mapping[float, Split],
    outliers: Sequence[Mapping[int, int]],
    configured: float | None,
) -> list[SweepResult]:
    """``results`` with the confirmation added to the sweep whose suggestion is applied (the only sweep, or
    :func:`answer_index`'s, ``configured`` the weight decay the optimizer had); ``shares`` shares each weight
    decay among the groups as the sweeps did; ``outliers``, each sweep's steps let through as an outlier's
    (``Batches.outliers``): the candidates pass over those of the sweep they confirm (review 95: over every
    sweep's, the order of the weight decays changed what they passed over)."""
    lr_results = [r for r in results if isinstance(r, RangeTestResult)]
    if len(lr_results) != len(results) or not lr_results:  # pragma: no cover - an LR sweep's results
        return results
    i = answer_index(lr_results, configured)
    target = lr_results[i]
    found = verdict(target.lrs, target.losses, target.num_steps, target.stop_reason, target.mode)
    if found.anchor is None:
        conf = Confirmation((), options.confirm_steps, None, found.start, None, found.reason, found.retry)
    else:
        anchor = target.lrs[found.anchor]
        batches.outliers = dict(outliers[i])
        run = _Runner(
            trainer,
            module,
            optimizer,
            options,
            batches,
            snapshot,
            val_batches,
            target.weight_decay,
            () if target.weight_decay is None else shares[target.weight_decay],
            found.start,
            target.losses,
            target.stop_reason,
        )
        bar = tqdm(
            total=len(OFFSETS) * options.confirm_steps,
            desc=f"{options.name}: {len(OFFSETS)} candidates",
            disable=not show_bar,
            leave=False,
            dynamic_ncols=True,
        )
        cands: list[Candidate] = []
        try:  # the line search: every rank takes the same LRs, its scores come from losses averaged over ranks
            while (lr := next_lr(anchor, cands, options.min_lr, options.max_lr)) is not None:
                cands.append(run(lr, bar))
        finally:
            bar.close()
        if run.trained:
            _check_scores_a_loss(run.trained, cands, options)
        conf = decide_after(cands, options.confirm_steps, anchor, found, target.lrs, target.losses)
        if target.stop_reason == "diverged":  # on a batch the candidates came back from: no scale above it
            conf = outlier_stop(conf, len(target.losses) - 1, target.lrs[-1])
        conf = capped_note(floor_stop(conf, options.min_lr), options.max_lr)
        if passed := sorted({t for c in cands for t in c.passed}):
            rank_zero_info(
                f"{options.name}: the candidates passed over step{'s' if len(passed) > 1 else ''} "
                f"{', '.join(map(str, passed))} of their {options.confirm_steps}, whose batches the sweep let "
                f"through as an outlier's: one batch's update, which throws a higher LR further, does not "
                f"decide between them"
            )
        if edge := edge_warning(conf, options.min_lr, options.max_lr):
            L.warn_at_user(f"{options.name}: {edge}", category=UserWarning)  # every rank decided the same
    out = list(results)
    out[i] = dataclasses.replace(target, confirmation=conf)
    return out


def _check_scores_a_loss(
    trained: Mapping[float, list[float]], cands: Sequence[Candidate], options: LROptions
) -> None:
    """With ``val_loss=True``, the check of the sweep (:func:`~._val.check_moves_as_a_loss`) on the candidate whose
    training loss ended lowest, the one that learned most: its validation value must not have risen as its
    training loss fell. A score the sweep moved too little to tell (a descent of few steps, or at LRs that barely
    train) rises there, over 80 steps at a good LR; the chosen candidate, of the lowest score, is the one that
    trained least, and tells nothing."""
    # each candidate's steps with both values (a step passed over as an outlier's has neither)
    pairs = {
        c.lr: [
            (a, b)
            for a, b in zip(trained[c.lr], c.losses, strict=True)
            if math.isfinite(a) and math.isfinite(b)
        ]
        for c in cands
        if c.lr in trained and math.isfinite(c.score)
    }
    # (over the steps the candidates' scores average)
    ends = {lr: float(np.mean([a for a, _ in p[-tail_length(len(p)) :]])) for lr, p in pairs.items() if p}
    if not ends:
        return
    lr = min(ends, key=lambda k: ends[k])
    train, values = zip(*pairs[lr], strict=True)
    what = "the candidate whose training loss ended lowest"
    check_moves_as_a_loss([lr] * len(values), train, values, options.val_key, options.title, what)


@dataclasses.dataclass
class _Runner:
    trainer: pl.Trainer
    module: pl.LightningModule
    optimizer: torch.optim.Optimizer
    options: LROptions
    batches: Batches
    snapshot: Snapshot
    val_batches: list[list[Any]] | None
    weight_decay: float | None
    split: Split  # how ``weight_decay`` is shared among the groups (``_decay_split``)
    #: the sweep's loss level at the start, from the state each candidate starts from: a loss ``BLOWUP`` times
    #: above it is a divergence (:func:`~._confirm.diverged`); None: the candidate's first loss stands for it
    level: float | None
    #: the sweep's losses, step by step: a candidate takes its batches in its order, so a blow-up the sweep
    #: shows on the same batch may be the data's (:func:`~._confirm.diverged`)
    sweep: Sequence[float]
    #: why the sweep stopped (diverged: its last loss is where its early stop was due, ``untold_blowup``)
    stop_reason: str
    #: the candidates trained so far
    count: int = 0
    #: with ``val_batches``, each candidate's training losses by its LR (beside the validation values it scores)
    trained: dict[float, list[float]] = dataclasses.field(default_factory=dict)

    def __call__(self, lr: float, bar: Any) -> Candidate:
        trainer, options, groups = self.trainer, self.options, self.optimizer.param_groups
        self.count += 1
        name = (
            f"candidate {self.count} (lr={lr:.3g}) in the confirmation of the "
            f"{describe(options, self.weight_decay)}"
        )
        self.batches.close()  # the same batches and batch indices as the sweep's (training_step may read them)
        self.snapshot.restore()
        if self.weight_decay is not None:
            set_weight_decay(groups, self.weight_decay, self.split)
        if is_schedule_free(self.optimizer):  # it steps only in train mode; the restore puts its mode back
            cast(Any, self.optimizer).train()
        ratios = pg.lr_ratios(groups) or [1.0] * len(groups)
        step = _automatic_step if self.module.automatic_optimization else _manual_step
        loggers = trainer.loggers if (options.log and trainer.is_global_zero) else []
        tag = f"{prefix(options, self.weight_decay)}/candidates/lr={lr:.3g}"
        base = trainer.global_step
        losses: list[float] = []
        excused: list[int] = []  # the steps whose blow-up was the data's
        passed: list[int] = []  # the steps whose batches the sweep let through as an outlier's: no update
        held: int | None = None  # the step of a blow-up the sweep could not tell (``untold_blowup``)
        blown = False  # a held blow-up lasted: diverged
        taken = 0
        for t in range(options.confirm_steps):
            if self.batches.pass_over():
                passed.append(t)
                losses.append(math.nan)
                if self.val_batches is not None:
                    self.trained.setdefault(lr, []).append(math.nan)
                bar.update(1)
                continue
            # the sweep's held momentum (``_cycle_momentum``), if any
            momenta = options.group_momentums(t, len(groups)) or [None] * len(groups)
            for g, r, m in zip(groups, ratios, momenta, strict=True):
                pg.set_lr(g, lr * r)
                if m is not None:
                    pg.set_momentum(g, m)
            loss, steps = step(trainer, self.module, self.optimizer, self.batches, f"at step {t} of {name}")
            taken += steps
            if self.val_batches is not None:
                self.trained.setdefault(lr, []).append(step_loss(trainer, loss))
                loss = val_loss(trainer, self.val_batches, options.val_key, options.title)
            value = step_loss(trainer, loss)
            losses.append(value)
            for lg in loggers:
                lg.log_metrics({tag: value}, step=base + t)
            bar.update(1)
            level = self.level if self.level is not None and math.isfinite(self.level) else losses[0]
            line = blow_up_line(level, losses[0])
            # (a validation loss reads the same batches at every step: no blow-up of the data's there)
            data = self.val_batches is None and data_blowup(self.sweep, losses, line)
            if data and value > line:
                excused.append(t)
            if held is not None:  # a blow-up on the batch the sweep stopped at: the candidate tells
                if math.isfinite(value) and value <= line:  # back below: the batch's, excused
                    excused.extend(range(held, t))
                    held = None
                elif run_lasts(losses[held], value, t - held, options.early_stop_threshold):
                    blown = True  # it lasts or climbs: diverged where it began
                    bar.update(options.confirm_steps - t - 1)
                    break
                continue
            if diverged(value, line, data):
                if (
                    self.val_batches is None
                    and math.isfinite(value)
                    and untold_blowup(self.sweep, self.stop_reason, losses, line)
                ):
                    held = t
                    continue
                if not math.isfinite(value):
                    # a NaN/inf here had no blow-up before it (that would have ended the candidate): it counts
                    # as diverged all the same, which bounds the answer below this LR; said, with its losses and
                    # of which rank (review 52: the answer fell 13x, unsaid; review 55: also after noise)
                    last = [x for x in losses[:-1] if not math.isnan(x)]  # (a step passed over has none)
                    before = (
                        f", its loss {losses[0]:.4g} at the first step and {last[-1]:.4g} at the last"
                        if t and last
                        else ""
                    )
                    why = "its loss rose before it: the LR's" if rose_before(last) else NAN_NOT_LR
                    L.warn_at_user(
                        f"{options.name}: candidate lr={lr:.3g} had a NaN/inf loss at step {t} of "
                        f"{options.confirm_steps}{nonfinite_ranks(trainer, loss)}{before}; it counts as diverged, "
                        f"so the answer lies below it; {why}",
                        category=UserWarning,
                    )
                bar.update(options.confirm_steps - t - 1)
                break
        return Candidate(
            lr,
            tuple(losses),
            math.inf
            if blown or held is not None
            else score(losses, options.confirm_steps, (*excused, *passed)),
            taken,
            tuple(excused),
            tuple(passed),
        )
