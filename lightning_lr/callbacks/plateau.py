"""ReduceOnPlateau: reduce the LR when a logged metric stops improving, on top of any schedule callback."""

from __future__ import annotations

import math
import pickle
from collections.abc import Sequence
from typing import Any, NamedTuple

import lightning.pytorch as pl
import numpy as np
import torch
from lightning.pytorch.trainer.states import TrainerFn

from .. import _lightning_compat as L
from .. import _validate as V
from .. import schedules as S
from .._lightning_compat import rank_zero_info
from ..optim import param_groups as pg
from ..optim.dropins import state_class
from . import _filled, _inject, _resolve, _state
from . import _peers as peers
from ._inject import Injected, OptimizerConfig
from ._log import StepLogging
from ._plateau import STATE_KEYS, Plateau
from .base import OptimizerInfo, ScheduleCallback
from .durations import RunInfo

__all__ = ["ReduceOnPlateau"]

_KEYS = (*STATE_KEYS, "reductions", "monitor_source")


class _Agreed(NamedTuple):
    """What every rank knows of a check (:meth:`ReduceOnPlateau._agree`)."""

    present: bool  # the metric is in trainer.callback_metrics on some rank
    value: float  # the mean of the monitored value over the ranks (where ``fresh``)
    fresh: bool  # logged in this run or epoch on every rank


def _min_lr(value: Any) -> float | list[float]:
    # a 1-d array or tensor as its list, as the LR arguments take one (review 122)
    value = V.listed("min_lr", value, "a number >= 0 or a list of them, one per param group")
    if isinstance(value, (list, tuple)):
        return V.sequence("min_lr", value, V.non_negative, what="numbers >= 0 (one per param group)")
    return V.non_negative("min_lr", value)


def _same(saved: Any, now: Any) -> bool:
    """Whether a checkpoint's ``factor`` / ``min_lr`` means what this one's does: a number is the same as a
    list of it per param group (``0.0`` and ``[0.0]``), values compared up to their rounding."""
    a = saved if isinstance(saved, (list, tuple)) else None
    b = now if isinstance(now, (list, tuple)) else None
    n = len(a) if a is not None else len(b) if b is not None else 1
    a, b = a if a is not None else [saved] * n, b if b is not None else [now] * n
    return len(a) == len(b) and all(
        math.isclose(float(x), float(y), rel_tol=1e-9) for x, y in zip(a, b, strict=True)
    )


def _factor(entry: Injected, group: int, t: int) -> float:
    """The factor the reductions put on a param group's LR at step ``t`` (1.0 before any)."""
    scale = entry.scheduler.lr_scales[group]
    return 1.0 if scale is None else float(scale(t))


class ReduceOnPlateau(ScheduleCallback):
    """Reduces the LR by ``factor`` when a logged metric has stopped improving, with torch's
    ``ReduceLROnPlateau`` rule, names and defaults, and composes with the other schedule callbacks.

    **Composition.** It multiplies whatever schedule the other lightning_lr callbacks give an optimizer: a
    warm-up then a plateau rule, a cosine with a plateau safety net under it. A scheduler that
    ``configure_optimizers`` returns for the optimizer is replaced, as by any schedule callback (with a
    warning); put that schedule in a callback to compose with it. With no other schedule callback on
    the optimizer it holds the optimizer's LR (a constant per param group) and gives the same LRs as
    torch's ``ReduceLROnPlateau`` for the same metric values. The schedule stays a pure function of the
    step: the reductions so far (the steps at which they happened) are the state, and the LR at step
    ``t`` is ``max(schedule(t) * factor ** k(t), min(schedule(t), min_lr))``, ``k(t)`` the reductions
    at steps ``<= t`` (a reduction never takes a group below ``min_lr``; a schedule that is lower by
    itself keeps its values). As in torch, a reduction that would change a group's LR by ``eps`` or
    less is not made.

    **When it decides.** When the monitored value is produced: after each validation run for a metric
    logged in validation (not in the sanity check), at the end of each training epoch for a metric
    logged in training. A run or an epoch that did not log it makes no check (Lightning keeps the last
    value in ``trainer.callback_metrics``; it is not counted again), with one warning: what counts is what
    was logged (``self.log``, ``log_dict``, a callback's ``pl_module.log``, under whatever name it ends up),
    as Lightning records it for the run; a value written into ``trainer.callback_metrics`` by hand is none.
    For a training metric the decision waits for every ``on_train_epoch_end`` after this callback's (the
    callbacks listed after it, then the module's own, may log the metric there): it is made before the
    next epoch's first step, or when a checkpoint is saved in between, so the checkpoint holds it (a
    callback that reads the LR at the next epoch's start before this one sees the old LR). If the metric
    never appears, an error names it and lists the logged ones. Under DDP every rank decides from
    the mean of the ranks' values (also when the metric was logged without ``sync_dist``), and makes a check
    only where every rank logged one, so they all reduce at the same step. A check made while the schedule
    it multiplies is still in its first rise (every step so far at a higher LR than the last: a warm-up)
    is not counted, with an info line: the metric falls or rises with an LR raised on purpose there.

    **Checkpoint.** The reductions, ``best``, ``num_bad_epochs``, ``cooldown_counter`` and the count of
    checks are in :meth:`state_dict`; a resumed run continues exactly. Resumed to watch another ``monitor``,
    it takes the checkpoint's state all the same: the reductions made carry on, and the watch of the new
    metric starts afresh (one warning says so).

    **Logging.** At the steps Lightning logs (``log_every_n_steps``) the LR is logged, and
    ``<lr tag>-plateau_factor`` (``lr-SGD-plateau_factor``) gets the current factor of every param group (the reductions' own: an LR held at ``min_lr`` is above
    the schedule times it), and each reduction is announced (step, metric value, checks since the best, new
    factor, and the groups it leaves at ``min_lr``). Alone on an optimizer, an LR range test's suggestion becomes its LR (the largest
    group's; the others keep their ratio); a test at a later epoch ends the reductions made before it.

    Args:
        monitor: the name of the logged metric (as in ``self.log(name, ...)``).
        mode: ``"min"`` (lower is better) or ``"max"``.
        factor: the factor of each reduction, in (0, 1).
        patience: checks without improvement before a reduction, an integer >= 0.
        threshold: how much better a value must be to count as an improvement, >= 0; below 1 in the
            ``"rel"`` mode with ``mode="min"`` (no positive value is below ``best * (1 - threshold)``
            otherwise).
        threshold_mode: ``"rel"`` (``best * (1 - threshold)`` in min mode) or ``"abs"``
            (``best - threshold``).
        cooldown: checks after a reduction in which bad checks are not counted, an integer >= 0.
        min_lr: the LR reductions never go below: one number, or a list with one per param group. One at or
            above a group's LR when the rule first fires (so that no reduction can lower it) is said with a
            warning.
        eps: a reduction that would change a group's LR by this much or less is not made (the smallest change
            worth making, not an optimizer's epsilon). One that keeps a group's first reduction from being made
            is said with a warning.
        optimizer: which optimizers: ``"all"``, an index or a class name.
        log_lr: log the LR (when it holds it) and the factor at the optimizer steps Lightning logs
            (``log_every_n_steps``).

    Example:
        >>> from lightning_lr.callbacks import CosineDecay, ReduceOnPlateau
        >>> ReduceOnPlateau(monitor="val_loss", patience=3)
        ReduceOnPlateau(monitor='val_loss', patience=3)
        >>> callbacks = [CosineDecay(warmup=100), ReduceOnPlateau("val_loss", factor=0.5)]  # composed
    """

    #: runs after the other schedule callbacks' injection, to scale their schedulers
    composes = True
    range_test_args = ("lr",)
    reads_run = False
    #: not an argument: the LR of its own schedule is the optimizer's, or a range test's suggestion
    lr = None

    @V.known_as(peers.PLATEAU)
    def __init__(
        self,
        monitor: str,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float | Sequence[float] = 0.0,
        eps: float = 1e-8,
        *,
        optimizer: int | str = "all",
        log_lr: bool = True,
    ) -> None:
        super().__init__(optimizer=optimizer, log_lr=log_lr, preview=False)
        with V.context(self.name):
            self.monitor = V.text("monitor", monitor, "the name of a logged metric (a non-empty string)")
            self.mode = V.one_of("mode", mode, ("min", "max"))
            self.factor = V.in_range("factor", factor, 0.0, 1.0, lo_open=True, hi_open=True)
            self.patience = V.non_negative_int("patience", patience, capped=False)
            self.threshold = V.non_negative("threshold", threshold)
            self.threshold_mode = V.one_of("threshold_mode", threshold_mode, ("rel", "abs"))
            if self.threshold >= 1 and self.threshold_mode == "rel" and self.mode == "min":
                # an improvement would need a value below best * (1 - threshold) <= 0: none of a positive
                # metric is one, so the LR was cut every patience + 1 checks, a timer (review 101)
                V.fail(
                    "threshold",
                    "< 1 with threshold_mode='rel' and mode='min' (an improvement must be below "
                    "best * (1 - threshold) <= 0, so a positive metric never improves and the LR is cut every "
                    "patience + 1 checks; threshold_mode='abs' takes a margin in the metric's units)",
                    threshold,
                )
            self.cooldown = V.non_negative_int("cooldown", cooldown, capped=False)
            self.min_lr = _min_lr(min_lr)
            self.eps = V.non_negative("eps", eps)
        self._plateau = Plateau(self.mode, self.threshold, self.threshold_mode, self.patience, self.cooldown)
        #: optimizer index -> for each param group, the steps at which its LR was reduced
        self.reductions: dict[int, list[list[int]]] = {}
        self._source: str | None = None  # "validation" or "train" once the metric was seen

    @property
    def state_key(self) -> str:
        return self._generate_state_key(optimizer=self.optimizer, monitor=self.monitor)

    #: a checkpoint's state under another ``monitor`` is this callback's too (review 65: resumed to watch
    #: another metric, Lightning dropped the state, the reductions made with it, and the LR rose by 1 / factor
    #: per reduction without a word; torch's ReduceLROnPlateau keeps them)
    _free_key_arguments = ("optimizer", "monitor")
    #: what its load_state_dict replaces: the base's, the rule's checks and the reductions made
    _loaded_attributes = (*ScheduleCallback._loaded_attributes, "_plateau", "reductions", "_source")

    def _adopted(self, arguments: dict[str, Any]) -> str:
        """The reductions made carry on; a watch of another metric starts afresh (its best and counts are the
        old metric's)."""
        if arguments.get("monitor") == self.monitor:
            return super()._adopted(arguments)
        made = len({step for groups in self.reductions.values() for steps in groups[:1] for step in steps})
        checks = self._plateau.last_epoch  # the checks so far are the run's
        self._plateau.reset()
        self._plateau.last_epoch, self._source = checks, None
        return (
            f" while it watched {arguments.get('monitor')!r}; the {made} reduction"
            f"{' it made carries' if made == 1 else 's it made carry'} on, and the watch of {self.monitor!r} "
            f"starts afresh (its best, bad epochs and cooldown)"
        )

    # --- its own schedule (no other schedule callback on the optimizer) -------------------------
    def build(self, run: RunInfo, steps: Any, info: OptimizerInfo) -> tuple[Any, Any]:
        lrs = self.lead_lrs("lr", info)
        return [None if lr is None else S.Constant(lr) for lr in lrs], None

    def range_test_values(self, result: Any) -> dict[str, float | None]:
        return {"lr": result.suggestion()}

    def _fill_note(self) -> str:
        # review 114: "ReduceOnPlateau: lr=..., from the LR range test" named a value no step used, beside
        # another callback's schedule, which it multiplies
        if self._attached and not self._injected:
            return (
                "; not used in this fit: it multiplies the schedule another callback gives the optimizer, "
                "whose own LR is what trains"
            )
        return ""

    # --- injection ------------------------------------------------------------------------------
    def _init_runtime(self) -> None:
        super()._init_runtime()
        self._attached: list[Injected] = []  # schedulers of other callbacks that this one scales
        self._absent_before = False
        self._validations = 0
        self._epochs = 0
        self._pending = False  # a training epoch ended and its decision waits for the hooks after this one
        # Lightning keeps a metric in trainer.callback_metrics until it is logged again, so a value found there
        # may be no new one. At a training epoch's end (at this callback's hook): whether it was logged
        # in the epoch so far (None: cannot tell), and the object callback_metrics held (an entry not logged
        # again is never replaced)
        self._logged_early: bool | None = None
        self._held_early: Any = None
        self._stale_said = False
        self._rise_said = False
        self._rise_over = False  # the first rise of the schedules it multiplies has ended (_in_first_rise)

    def setup(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        # a new fit starts from nothing (a checkpoint's state is loaded after this); fit called again on a
        # Trainer that continues at its step keeps the checks and reductions made, as the schedules continue
        if stage == "fit":
            # first: a checkpoint trainer.test(ckpt_path=...) loaded is not this fit's (the base says what)
            self._forget_outside_load()
        if stage == "fit" and trainer.global_step == 0:
            self._plateau.reset()
            self.reductions = {}
            self._source = None
        super().setup(trainer, pl_module, stage)

    def _inject(self, conf: OptimizerConfig) -> None:
        trainer = self._trainer
        assert trainer is not None, "setup() installs the wrapper and sets the trainer"
        self._say_outside_dropped()
        self._injected, self._attached = [], []
        if self._trains_no_step(trainer):
            return
        # r156: ranks given another factor or patience cut their LRs apart, without a word
        self._compare_ranks(trainer)
        self.run, self.steps = _resolve.resolve(trainer, self.name, {})
        for index in _inject.select(self.name, self.optimizer, conf.optimizers):
            optimizer = conf.optimizers[index]
            info = _inject.optimizer_info(self.name, index, optimizer, conf)
            found = _inject.owned_scheduler(conf, optimizer)
            if found is None:  # alone: hold the optimizer's LR
                position, name = _inject.take_over(
                    self.name, conf, optimizer, index, plateau=True, quiet=_filled.test_fit(trainer)
                )
                lr, _ = self._build_checked(info)
                scheduler = _inject.scheduler(self.name, info, self._described, optimizer, lr=lr)
                _inject.add(self.name, conf, position, scheduler, name)
                entry = Injected(info, optimizer, scheduler)
                self._injected.append(entry)
            else:
                entry = Injected(info, optimizer, found[0])
                self._attached.append(entry)
            _inject.claim_scale(self.name, entry.scheduler, info)
            self._set_reductions(entry, self._reductions_of(entry))

    def _entries(self) -> list[Injected]:
        return [*self._injected, *self._attached]

    def _reductions_of(self, entry: Injected) -> list[list[int]]:
        n = len(entry.optimizer.param_groups)
        saved = self.reductions.get(entry.info.index)
        if saved is None:
            return [[] for _ in range(n)]
        added = entry.scheduler.added_groups
        if len(saved) > n:
            # a resume: the groups added in training come back later (BaseFinetuning adds them again
            # before the optimizer's state is loaded); their reductions are applied at train start
            saved = saved[:n]
        elif len(saved) < n and all(i in added for i in range(len(saved), n)):
            # groups added since the last reduction: their reference's reductions (the scale they were
            # added under)
            saved = list(saved)
            for i in range(len(saved), n):
                adopted = added[i]
                saved.append([] if adopted is None else saved[adopted[0]])
        if len(saved) != n:
            raise ValueError(
                f"{self.name}: the checkpoint holds reductions for {V.counted(len(saved), 'param group')} of optimizer "
                f"{entry.info.index}, but {entry.info.label} has {n}"
            )
        return [list(s) for s in saved]

    def _floors(self, entry: Injected) -> list[float | None]:
        info = entry.info
        n = len(info.base_lrs)
        if isinstance(self.min_lr, list):
            if len(self.min_lr) != n:
                raise ValueError(
                    f"{self.name}: min_lr has {V.counted(len(self.min_lr), 'value')} but {info.label} has {V.counted(n, 'param group')}"
                    f"; give one per group or a single number"
                )
            own: list[float | None] = list(self.min_lr)
        else:
            own = [self.min_lr] * n
        # param groups added in training (BaseFinetuning): the floor of the group they follow, times the ratio
        # of their LRs (a group left alone, at its own LR: the first group's floor)
        for a in entry.scheduler.added_groups.values():
            floor = own[0] if a is None else own[a[0]]
            own.append(floor if a is None or floor is None else floor * a[1])
        return own

    def _moves_when_retested(self) -> bool:
        # a test that finds the LR it found before ends the reductions all the same (r173: it kept them, and one
        # 1e-9 apart ended them)
        return any(any(self.reductions.get(entry.info.index, [])) for entry in self._injected)

    def _retested(self, entry: Injected) -> str:
        """A range test at a later epoch: the LR it found is the one to train at, so the reductions made before
        it end here (review 172: with two made, the optimizer trained at a quarter of the suggestion, where the
        docs say the suggestion becomes a plateau's LR). The watch of the metric goes on (its best, the checks
        since it)."""
        made = self.reductions.get(entry.info.index, [])
        count = len({step for steps in made for step in steps})
        if not count:
            return ""
        self._set_reductions(entry, [[] for _ in entry.optimizer.param_groups])
        return f" (the {V.counted(count, 'reduction')} made before the test end here: the test's LR is the one to train at)"

    def _set_reductions(self, entry: Injected, steps: Sequence[Sequence[int]]) -> None:
        """Record ``steps`` (per param group) as the reductions of ``entry``'s optimizer and apply them."""
        scales = [
            S.MultiStepDecay(1.0, milestones=list(s), gamma=self.factor) if s else S.Constant(1.0)
            for s in steps
        ]
        entry.scheduler.set_scale(scales, self._floors(entry))
        kept = self.reductions.get(entry.info.index, [])[len(steps) :]  # groups not back yet (a resume)
        self.reductions[entry.info.index] = [*(list(s) for s in steps), *kept]

    # --- deciding -------------------------------------------------------------------------------
    def _fitting(self, trainer: pl.Trainer) -> bool:
        return (
            bool(self._injected or self._attached)
            and not trainer.sanity_checking
            and trainer.state.fn == TrainerFn.FITTING
        )

    def on_validation_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if self._fitting(trainer) and self._source is None:
            self._absent_before = self.monitor not in trainer.callback_metrics

    def on_validation_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if not self._fitting(trainer):
            return
        self._validations += 1
        if self._source == "train":
            return
        metrics = trainer.callback_metrics
        raw = metrics.get(self.monitor)
        # absent before this validation run, there after it: the metric comes from validation
        new = self._source is None and self._absent_before and self.monitor in metrics
        logged = L.logged_in_this_run(trainer, self.monitor) is not False
        agreed = self._agree(trainer, pl_module, new, raw, logged)  # every rank gets here, at every run
        if self._source is None and agreed.present:
            self._source = "validation"
        if self._source == "validation":
            self._check(trainer, raw, logged, agreed)

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        super().on_train_epoch_end(trainer, pl_module)
        if not self._fitting(trainer):
            return
        self._epochs += 1
        if self._source == "validation":
            return
        self._pending = True
        self._logged_early = L.logged_in_this_run(trainer, self.monitor)
        self._held_early = trainer.callback_metrics.get(self.monitor)
        # the callbacks listed after this one, then the module's own on_train_epoch_end, may still log the
        # metric (a value logged there is not in the metrics yet, and the one that is may be the last
        # epoch's). Decide now if the epoch logged it on every rank and the module has no such hook (so
        # the callbacks after this one see the new LR); else at the next hook that reaches this callback
        # after those: the checkpoint callbacks' (state_dict), the next epoch's start or the fit's end
        if not L.overrides(pl_module, "on_train_epoch_end"):
            self._settle(trainer, pl_module, early=True)

    def on_train_epoch_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self._settle(trainer, pl_module)

    def on_train_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        super().on_train_end(trainer, pl_module)
        self._settle(trainer, pl_module)
        if self._fitting(trainer) and self._source is None and self._epochs > 0:
            # still waiting for a first validation run that this fit never made
            every = trainer.check_val_every_n_epoch
            L.warn_at_user(
                f"{self.name}(monitor={self.monitor!r}): the fit ended without a decision: {self.monitor!r} was "
                f"never logged in training, and validation never ran in its {self._epochs} epoch"
                f"{'' if self._epochs == 1 else 's'} (check_val_every_n_epoch={every!r}). Validate within the "
                f"fit, or monitor a metric logged in training.",
                category=UserWarning,
            )

    def _settle(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, *, saving: bool = False, early: bool = False
    ) -> None:
        """Decide on the training epoch that ended, once every ``on_train_epoch_end`` has run: at the
        next epoch's start, at the end of the fit, or when a checkpoint is saved before those (``saving``:
        the checkpoint then holds the decision; a metric not there yet is left for later). ``early``: at
        this callback's own ``on_train_epoch_end``, decide only on a value the epoch logged on every rank.
        Under DDP every rank comes here at the same points, and the ranks take every branch together."""
        if not self._pending:
            return
        metrics = trainer.callback_metrics
        raw = metrics.get(self.monitor)
        if saving:  # the epoch's collection is still there (checkpoint callbacks run before its reset)
            logged = L.logged_in_this_run(trainer, self.monitor) is not False
        else:  # logged in the epoch (or cannot tell), or since, by a later hook (the entry was replaced)
            logged = self._logged_early is not False or (raw is not None and raw is not self._held_early)
        agreed = self._agree(trainer, pl_module, self.monitor in metrics, raw, logged)
        if (saving and not agreed.present) or (early and not agreed.fresh):
            return
        self._pending = False
        if agreed.present or self._source == "train":
            self._source = "train"
            self._check(trainer, raw, logged, agreed)
            return
        every = trainer.check_val_every_n_epoch
        validates = L.overrides(pl_module, "validation_step") and trainer.limit_val_batches != 0
        if self._validations == 0 and validates and (every is None or self._epochs < every):
            return  # no validation run yet: the metric may come from the first one
        names = sorted(metrics)
        raise ValueError(
            f"{self.name}(monitor={self.monitor!r}): the metric {self.monitor!r} was not logged; the logged "
            f"metrics (trainer.callback_metrics) are {names or 'none'}. Log it with "
            f"self.log({self.monitor!r}, value) in training_step, on_train_epoch_end or validation_step, or "
            f"monitor one of those."
        )

    @staticmethod
    def _agree(
        trainer: pl.Trainer, pl_module: pl.LightningModule, present: bool, raw: Any, logged: bool
    ) -> _Agreed:
        """What the ranks decide from, in one collective under DDP: whether the metric is ``present`` in
        the metrics on some rank, and the mean of the monitored value ``raw`` where it is fresh (``logged``
        in this run or epoch) on every rank."""
        fresh = raw is not None and logged
        values = [float(present), float(raw) if fresh else 0.0, float(fresh)]
        if trainer.world_size > 1:
            means = trainer.strategy.reduce(
                torch.tensor(values, dtype=torch.float64, device=pl_module.device), reduce_op="mean"
            )
            values = [float(v) for v in means]
        return _Agreed(present=values[0] > 0.0, value=values[1], fresh=values[2] == 1.0)

    def _check(self, trainer: pl.Trainer, raw: Any, logged: bool, agreed: _Agreed) -> None:
        """A check on the mean value the ranks agreed on, if it is fresh on every rank; else none, and a
        warning (once per fit) that says why: ``raw`` is this rank's value (None: not in the metrics),
        ``logged`` whether it was logged in this run or epoch (else it is an earlier one, which torch's
        rule is not fed again)."""
        if not agreed.fresh:
            if not self._stale_said:
                self._stale_said = True
                where = "validation run" if self._source == "validation" else "training epoch"
                if raw is not None and logged:  # here it was; under DDP another rank did not log it
                    why = (
                        f"was not logged on every rank in this {where} (step {trainer.global_step}; log it on "
                        f"every rank: self.log(..., rank_zero_only=True) logs it on rank 0 alone)"
                    )
                elif raw is None:
                    why = (
                        f"was not logged in this {where} (step {trainer.global_step}); it is not in "
                        f"trainer.callback_metrics"
                    )
                else:
                    why = (
                        f"was not logged in this {where} (step {trainer.global_step}); "
                        f"trainer.callback_metrics still holds an earlier value, {float(raw):.6g}"
                    )
                L.warn_at_user(
                    f"{self.name}(monitor={self.monitor!r}): {self.monitor!r} {why}, which is no new check: no "
                    f"decision is made until it is logged again.",
                    category=UserWarning,
                )
            return
        if self._in_first_rise(trainer, agreed.value):
            return
        if self._plateau.step(agreed.value):
            self._reduce(agreed.value)

    def _in_first_rise(self, trainer: pl.Trainer, value: float) -> bool:
        """Whether every step trained so far was in the first rise of an LR schedule this callback
        multiplies (a warm-up: each step's LR above the last), where a check is not counted: the LR is
        raised there on purpose, and the metric is not yet one of a settled LR (timm's plateau scheduler
        skips its warm-up alike). Said once; once a rise has ended, it is not looked for again."""
        if self._rise_over:
            return False
        stepped = False
        for entry in self._entries():
            t = max(entry.scheduler.last_epoch, 0)
            stepped = stepped or t >= 1
            for schedule in entry.scheduler.lr_schedules:
                if schedule is not None and t >= 1 and bool(np.all(np.diff(schedule.values(t + 1)) > 0)):
                    if not self._rise_said:
                        self._rise_said = True
                        rank_zero_info(
                            f"{self.name}: the check at step {trainer.global_step} ({self.monitor}={value:.6g}) is "
                            f"not counted, nor any other before the LR schedule it multiplies stops rising (a "
                            f"warm-up): the LR is raised there on purpose"
                        )
                    return True
        self._rise_over = stepped
        return False

    def _reduce(self, value: float) -> None:
        """Add a reduction at the current step to every param group whose LR it lowers by more than eps."""
        floored: list[str] = []
        swallowed: list[str] = []  # a first reduction eps kept from being made
        for entry in self._entries():
            t = max(entry.scheduler.last_epoch, 0)
            groups = entry.optimizer.param_groups
            before = self._reductions_of(entry)
            old = [pg.lr(g) for g in groups]
            trial = [[*s, t] for s in before]
            self._set_reductions(entry, trial)
            new = [pg.lr(g) for g in groups]
            reduced = [i for i in range(len(groups)) if old[i] - new[i] > self.eps]
            if len(reduced) < len(groups):  # as torch: a change of eps or less is not made
                self._set_reductions(
                    entry, [trial[i] if i in reduced else before[i] for i in range(len(groups))]
                )
            floored += self._floor_above(entry, before, old, reduced)
            swallowed += [
                f"param group {i} of {entry.info.label} ({old[i]:g} to {new[i]:g})"
                for i in range(len(groups))
                if i not in reduced and old[i] - new[i] > 0 and not (before[i] if i < len(before) else [])
            ]
            if reduced:
                factors = sorted({_factor(entry, i, t) for i in reduced})
                shown = f"{factors[0]:g}" if len(factors) == 1 else "/".join(f"{f:g}" for f in factors)
                which = "" if len(reduced) == len(groups) else f" (param groups {reduced})"
                # the checks since the best, a cooldown's too (review 78: "for 1 check" after 4; review 80: a
                # clause about the cooldown where it had nothing to do with the count)
                n = self._plateau.since_best
                at_least = "" if self._plateau.since_best_known else "at least "
                floors = entry.scheduler.lr_floors
                held = [
                    i for i in reduced if floors[i] is not None and new[i] <= (floors[i] or 0.0) * (1 + 1e-12)
                ]
                at_floor = f"; param group(s) {held} held at min_lr" if held else ""
                rank_zero_info(
                    f"{self.name}: step {t}: {self.monitor}={value:.6g}, no improvement on the best "
                    f"{self._plateau.best:.6g} for {at_least}{n} check{'' if n == 1 else 's'}: the LR factor of "
                    f"{entry.info.label}{which} is now {shown}{at_floor}"
                )
        if swallowed:  # (r202: eps=1.0 on an LR of 0.1 kept every reduction from being made, unsaid)
            self.warn_once(
                "eps-above",
                f"{self.name}: the plateau rule fired, but eps={self.eps:g} kept it from lowering "
                f"{'; '.join(swallowed)}: a reduction that changes the LR by eps or less is not made (as in torch's "
                f"ReduceLROnPlateau, which says nothing). eps is the smallest change of the LR worth making, not an "
                f"optimizer's epsilon; give an eps below the LR's changes (the default is 1e-8)",
            )
        if floored:  # (every optimizer's, in one warning: review 111)
            self.warn_once(
                "min-lr-above",
                f"{self.name}: the plateau rule fired, but {'; '.join(floored)}: min_lr is at or above the LR "
                f"there, so this reduction could not lower it (torch's ReduceLROnPlateau leaves such a group alone "
                f"too, without a word). If min_lr is meant to lie below the LR, lower it; where the LR dips below "
                f"min_lr only for a while (a stepped warm-up, a cycle's trough), the rule reduces it where it is "
                f"above.",
            )

    def _floor_above(
        self, entry: Any, before: list[list[int]], old: list[float], reduced: list[int]
    ) -> list[str]:
        """The param groups of ``entry`` that ``min_lr`` kept from their first reduction, as the warning names
        them: the rule fired, and a group never reduced before has an LR at or below its floor, so no reduction
        could lower it (review 108: ``min_lr=2.5`` on an LR of 0.1 did nothing, unsaid; torch's
        ``ReduceLROnPlateau``, whose ``max(lr * factor, min_lr)`` is then not below the LR, leaves it alike
        without a word). Read when the rule fires, not planned at fit start (review 110: reading the planned
        LRs of a long run called a user's schedule at a million steps not yet taken, and any sample of them
        misses a short cycle's peaks); a group its own reductions brought to the floor is not named."""
        floors = entry.scheduler.lr_floors
        t = max(entry.scheduler.last_epoch, 0)
        return [
            f"{f'min_lr[{i}]' if isinstance(self.min_lr, list) else 'min_lr'}={floors[i]:g} on param group {i} "
            f"of {entry.info.label}, whose LR is {old[i]:g} at step {t}"
            for i in range(len(old))
            if i not in reduced
            and not (before[i] if i < len(before) else [])
            and floors[i] is not None
            and floors[i] > 0
            and old[i] <= floors[i] * (1 + 1e-9)
        ]

    # --- logging --------------------------------------------------------------------------------
    def on_train_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if not self._entries():
            return
        for entry in self._entries():  # a resume: the groups added in training are back by now
            if entry.scheduler.added_groups:
                self._set_reductions(entry, self._reductions_of(entry))
        self._logging = StepLogging(
            self.name, self.log_lr, trainer, pl_module, self._injected, self._attached, self._factor_values
        )
        _state.resumed(self.name, self._injected, trainer, pl_module)
        if trainer.global_step > 0:
            self._carry_torch_plateau()

    def _carry_torch_plateau(self) -> None:
        """Resumed from a checkpoint written with torch's ``ReduceLROnPlateau`` where this callback is now (the
        move its replacement warning recommends): that scheduler's reductions and its watch carry on here, as
        this callback's own state would (before, the LR went back to the configured one and the watch started
        afresh). Its reductions are counted from its LRs (``_last_lr``) over the configured ones and its
        ``factor`` (up to its floor), and made at the step the scheduler resumes at (its own clock, as
        :meth:`_reduce`'s: under manual optimization with several optimizers it starts at 0, review 103); its
        best, bad checks, cooldown and count of checks are taken as they are (they are this rule's, under
        torch's names) where its ``mode`` is this one's. Settings of its that differ from this callback's are
        said with a warning."""
        if any(steps for groups in self.reductions.values() for steps in groups):
            return  # this callback's own state was loaded
        for entry in self._entries():
            state = entry.scheduler.foreign_state
            if state is None or state_class(state) != "ReduceLROnPlateau":
                continue
            last, base = [float(x) for x in state["_last_lr"]], entry.info.base_lrs
            if len(last) != len(base):
                continue  # other param groups: nothing to count the reductions against (the resume warned)
            factor = float(state["factor"])
            counts = [
                0
                if b <= 0 or x <= 0 or x >= b * (1 - 1e-9)
                else math.ceil(math.log(x / b) / math.log(factor) - 1e-6)
                for x, b in zip(last, base, strict=True)
            ]
            if not any(counts) and not state["last_epoch"]:
                continue  # no check made yet: nothing to carry
            step = max(entry.scheduler.last_epoch, 0)
            self._set_reductions(entry, [[step] * k for k in counts])
            watch = state["mode"] == self.mode
            if watch:
                self._plateau.load_state_dict({k: state[k] for k in STATE_KEYS})
            else:  # the checks so far are the run's, as for a watch of another metric (_adopted)
                self._plateau.last_epoch = int(state["last_epoch"])
            floors = list(state["min_lrs"])
            theirs = {
                "mode": state["mode"],
                "factor": factor,
                "threshold": state["threshold"],
                "threshold_mode": state["threshold_mode"],
                "patience": state["patience"],
                "cooldown": state["cooldown"],
                "eps": state["eps"],
                "min_lr": floors if len(set(floors)) > 1 else floors[0],
            }
            # factor and min_lr compared as a resume of this callback's own state compares them (_same)
            differ = [
                f"{k}={v!r} -> {getattr(self, k)!r}"
                for k, v in theirs.items()
                if not (_same(v, getattr(self, k)) if k in ("factor", "min_lr") else v == getattr(self, k))
            ]
            now = [pg.lr(g) for g in entry.optimizer.param_groups]
            k = max(counts)
            lrs = (
                f"the LR {max(last):.6g}"
                if all(math.isclose(a, b, rel_tol=1e-6) for a, b in zip(now, last, strict=True))
                else f"the LR {max(last):.6g} there, {max(now):.6g} here"
                + ("" if differ or entry in self._injected else ", on the schedule it multiplies")
            )
            said = (
                f"{self.name}: the checkpoint holds the state of torch's ReduceLROnPlateau for "
                f"{entry.info.label} (its step count is not taken, as said above): its {k} "
                f"reduction{'' if k == 1 else 's'} carr{'ies' if k == 1 else 'y'} on ({lrs})"
                + (
                    f", and its watch too (best {self._plateau.best:.6g}, {self._plateau.num_bad_epochs} bad "
                    f"checks, cooldown {self._plateau.cooldown_counter}, {self._plateau.last_epoch} checks)"
                    if watch
                    else f"; its watch was in mode {state['mode']!r}, and this one's in {self.mode!r} starts afresh"
                )
            )
            if differ:
                L.warn_at_user(
                    f"{said}; its settings differ from this callback's ({', '.join(differ)}), which decides from here",
                    category=UserWarning,
                )
            else:
                rank_zero_info(said)

    @staticmethod
    def _factor_values(entry: Injected, tags: Sequence[str]) -> dict[str, float]:
        """The current factor of every param group, under ``<lr tag>-plateau_factor``."""
        t = max(entry.scheduler.last_epoch, 0)
        scales = entry.scheduler.lr_scales
        return {
            f"{tag}-plateau_factor": float(s(t)) for tag, s in zip(tags, scales, strict=True) if s is not None
        }

    # --- state ----------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The keys of :meth:`ScheduleCallback.state_dict`, plus ``best``, ``num_bad_epochs``,
        ``cooldown_counter`` and ``last_epoch`` (checks so far) as in torch, ``checks_since_best`` (for the
        reduction message; a checkpoint without it loads), ``reductions`` (optimizer index
        -> for each param group, the steps at which its LR was reduced) and ``monitor_source``
        (``"validation"``, ``"train"`` or None: where the metric was found), ``factor`` and ``min_lr`` (a
        resume with others says so). Saved at a training epoch's end (Lightning's checkpoint callbacks run
        after every other ``on_train_epoch_end``), it holds that epoch's decision."""
        if self._pending and self._trainer is not None and self._module is not None:
            self._settle(self._trainer, self._module, saving=True)
        return {
            **super().state_dict(),
            **self._plateau.state_dict(),
            "reductions": {i: [list(s) for s in r] for i, r in self.reductions.items()},
            "monitor_source": self._source,
            "factor": self.factor,
            "min_lr": self.min_lr,
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        V.state_mapping(state_dict, self.name)
        missing = [k for k in _KEYS if k not in state_dict]
        if missing:
            raise KeyError(
                f"{self.name}: the checkpoint's state for this callback lacks {missing}; it has "
                f"{sorted(state_dict)}"
            )
        super().load_state_dict(state_dict)
        self._plateau.load_state_dict(state_dict)
        self.reductions = {
            int(i): [list(map(int, s)) for s in r] for i, r in state_dict["reductions"].items()
        }
        self._source = state_dict["monitor_source"]
        changed = [
            f"{arg}={state_dict[arg]!r} -> {getattr(self, arg)!r}"
            for arg in ("factor", "min_lr")
            if arg in state_dict and not _same(state_dict[arg], getattr(self, arg))  # (older ones lack them)
        ]
        if changed and any(steps for groups in self.reductions.values() for steps in groups):  # one made
            self.warn_once(
                "resumed-other-args",
                f"{self.name}: resumed with other arguments than the checkpoint's ({', '.join(changed)}); the "
                f"reductions made before the checkpoint now follow the new ones, so the LR may jump at the "
                f"resumed step",
            )
        for entry in self._entries():  # strategies that restore callbacks after configure_optimizers
            self._set_reductions(entry, self._reductions_of(entry))

    def _spawn_hand_over(self, trainer: pl.Trainer) -> dict[str, Any]:
        """Rank 0 of a ``ddp_spawn`` fit: the plan, and the checks and reductions made, for the main
        process's twin (:attr:`reductions`, :meth:`state_dict`)."""
        return {
            **super()._spawn_hand_over(trainer),
            "plateau": pickle.dumps((self._plateau.state_dict(), self.reductions, self._source)),
        }

    def _spawn_receive(self, trainer: pl.Trainer, data: dict[str, Any]) -> None:
        super()._spawn_receive(trainer, data)
        state, self.reductions, self._source = pickle.loads(data["plateau"])
        self._plateau.load_state_dict(state)

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state["_attached"] = []
        return state
