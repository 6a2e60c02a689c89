"""How a schedule callback's plan follows the run: the durations resolved from the Trainer at the fit's start
(:meth:`RunPlanning._plan_run`), and planned again as the run takes place, from here on and with one warning
each time: a fit resumed at another size (:meth:`~RunPlanning._plan_resumed`) or at an epoch that begins at another
step than planned (a checkpoint of a fit stopped within an epoch: :meth:`~RunPlanning._plan_resumed_epoch`), an epoch of another size
(:meth:`~RunPlanning._plan_epoch_size`), one that took other steps than its loader counts
(:meth:`~RunPlanning._plan_epoch_taken`), the Trainer's limits changed mid-fit (:meth:`~RunPlanning._plan_limits`),
and under manual optimization the rate at which the scheduled optimizers step
(:meth:`~RunPlanning._count_in_optimizer_steps`). Also where the schedule ends in the run
(:meth:`~RunPlanning._end`), and the warnings when the run goes past it.

:class:`RunPlanning` is a base of :class:`~lightning_lr.callbacks.ScheduleCallback`, which supplies what the
plan is of (its durations, its name, its injected schedulers) and rebuilds the schedules when the plan changes
(``_refresh``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple

import lightning.pytorch as pl

from .. import _lightning_compat as L
from .. import _validate as V
from ..optim import param_groups as pg
from . import _resolve, _state
from ._inject import Injected
from ._log import StepLogging
from ._state import CheckpointState
from .durations import Epochs, RunInfo, epoch_start, round_steps

__all__ = ["Jump", "LastFit", "RunPlanning"]


class Jump(NamedTuple):
    """What rebuilding the schedules did to the LR at the step it was done (the first optimizer's whose LR
    changed): the step, the param group (``"param group 0 of optimizer 0 (SGD)"``), its LR before and after,
    and what the LR before is, for the warning."""

    step: int
    group: str
    before: float
    after: float
    source: str = "the plan before"


class LastFit(NamedTuple):
    """What a fit left for the next one called on the same Trainer (:meth:`RunPlanning._plan_refit`): the
    Trainer (its token), the step it ended at, its plan (run and durations in steps), the limits it counted
    (max_epochs, max_steps), and per optimizer index the LR of its reference group the optimizer holds (its
    plan's for that step, which no step ran) and the LR its last step trained at (None if unseen)."""

    trainer: str
    step: int
    run: RunInfo | None
    steps: dict[str, Any]
    limits: tuple[Any, Any]
    lrs: dict[int, tuple[float, float | None]]


class RunPlanning:
    """The run's plan, and the hooks that plan it again as the run takes place (see the module's docstring)."""

    # what the schedule callback (ScheduleCallback) has
    run: RunInfo | None
    steps: dict[str, Any]
    schedule_end: str | None
    reads_run: bool
    _injected: list[Injected]
    _checkpoint: CheckpointState
    _logging: StepLogging | None
    _module: pl.LightningModule | None
    _warned: set[str]
    # what the last rebuild did to the LR at its step (ScheduleCallback._refresh), for a re-plan's warning
    _jump: Jump | None
    # under manual optimization: the rate at which the scheduled optimizers step, told in the first epoch
    # (settled: True once told over a whole window; a checkpoint from before that tells it again)
    _per_batch: _resolve.Rate
    _settled: bool | None
    # what the last fit left, for fit called again on the same Trainer (kept from one fit to the next)
    _last_fit: LastFit | None = None

    if TYPE_CHECKING:

        @property
        def name(self) -> str: ...

        def _durations(self) -> dict[str, tuple[Any, int]]: ...

        def _duration_kinds(self) -> dict[str, str]: ...

        def arguments(self) -> dict[str, Any]: ...

        def warn_once(self, key: str, message: str) -> None: ...

        def _refresh(self, announce: bool = False) -> None: ...

    def _forget_rate(self) -> None:
        """No rate told yet (see :attr:`_per_batch`)."""
        self._per_batch, self._settled = _resolve.ONE, None

    def _init_plan(self) -> None:
        """What the plan keeps for one fit only."""
        self._guess: int | None = None  # a fit resumed at other sizes: the step its first epoch should end at
        # the optimizer steps of this rank's last epoch, read at its first batch (an epoch of another size plans
        # the run again: _plan_epoch_size)
        self._epoch_steps: tuple[int, int, int] | None = None  # (steps, batches, accumulation)
        # (epoch, step) where this fit's present epoch began at its first batch (its end tells what it took)
        self._epoch_began: tuple[int, int] | None = None
        # the Trainer's max_epochs and max_steps the plan counted (a callback may change them mid-fit)
        self._limits: tuple[Any, Any] | None = None
        # the steps this rank's epochs took where they took other than its loader's count: (count, taken), its
        # epochs expected to take ``taken`` while the loader counts ``count`` (checkpointed, so a resume with
        # the same loader plans alike: review 73)
        self._taken: tuple[int, int] | None = None
        self._resumed_within = (
            False  # this fit resumed within an epoch (Lightning 2.4.0 takes a step more then)
        )
        self._paces: SchedulerPaces | None = None  # the schedulers' own steps in the rate's window
        # a warning that the optimizers step at different rates, waiting for the schedulers' paces (_warn_differ)
        self._pending_differ: tuple[list[int], int, _resolve.Rate] | None = None
        self._provisional = False  # built on a checkpoint's plan until a resume at another size is planned
        self._rate: _resolve.StepRate | None = None  # telling the steps per batch, in the first epoch
        self._no_steps_in: int | None = None  # the rate's window had no step in its batches: said later
        self._saved_window: dict[str, Any] | None = None  # the open window of the checkpoint resumed, if any
        self._jump = None
        # each optimizer's param groups' LRs in the checkpoint this fit resumes (what its run takes at the step it
        # resumes at), for the jump a resume planned otherwise makes (:meth:`_jump_from_checkpoint`)
        self._checkpoint_lrs: list[list[float] | None] | None = None
        # per optimizer index: the LR of its reference param group at its last optimizer step in this fit
        self._trained: dict[int, float] = {}

    def _note_trained(self, optimizer: Any) -> None:
        """Before an optimizer step: the LR it trains at, if it is one this callback schedules (for the next
        fit on the same Trainer: :attr:`LastFit.lrs`)."""
        optimizer = getattr(optimizer, "_optimizer", optimizer)
        for entry in self._injected:
            if entry.optimizer is optimizer:
                groups = optimizer.param_groups
                self._trained[entry.info.index] = pg.lr(groups[pg.reference(groups) or 0])

    def _remember_fit(self, trainer: pl.Trainer) -> None:
        """At the end of a fit's training: what it leaves for the next fit on this Trainer (:class:`LastFit`)."""
        lrs = {}
        for entry in self._injected:
            groups = entry.scheduler.optimizer.param_groups
            held = pg.lr(groups[pg.reference(groups) or 0])
            lrs[entry.info.index] = (held, self._trained.get(entry.info.index))
        self._last_fit = LastFit(
            L.trainer_token(trainer),
            trainer.global_step,
            self.run,
            dict(self.steps),
            (trainer.max_epochs, trainer.max_steps),
            lrs,
        )

    def _jump_from_last_fit(self, last: LastFit | None, step: int) -> Jump | None:
        """For fit called again on the same Trainer: the jump in the LR at ``step``, where this fit begins, from
        the LR the last fit left in its optimizer (its plan's for this step) to the LR this fit's plan gives, of
        the first optimizer whose LR differs; None when none does, or nothing is known of the last fit."""
        if last is None:
            return None
        for entry in self._injected:
            kept = last.lrs.get(entry.info.index)
            if kept is None:
                continue
            groups = entry.scheduler.optimizer.param_groups
            ref = pg.reference(groups) or 0
            (held, trained), after = kept, pg.lr(groups[ref])
            if math.isclose(held, after, rel_tol=1e-9, abs_tol=0.0):
                continue
            source = "where the last fit left it"
            if trained is not None and not math.isclose(trained, held, rel_tol=1e-9, abs_tol=0.0):
                source += f"; its last step, {step - 1}, trained at {trained:.4g}"
            return Jump(step, f"param group {ref} of {entry.info.label}", held, after, source)
        return None

    def _jump_from_checkpoint(self, step: int) -> Jump | None:
        """The jump in the LR at ``step``, where a resumed fit begins, from the LR the checkpoint's optimizer holds
        (the one its run takes at that step) to the LR the plan gives now, of the first optimizer whose LR
        differs; None when none does, or the checkpoint holds no LRs (review 140: a 1cycle resumed on half the
        devices went from 0.193 to 0.127, unsaid)."""
        saved = self._checkpoint_lrs
        if saved is None or step <= 0:
            return None
        for entry in self._injected:
            index = entry.info.index
            lrs = saved[index] if 0 <= index < len(saved) else None
            groups = entry.scheduler.optimizer.param_groups
            ref = pg.reference(groups) or 0
            if lrs is None or ref >= len(lrs):
                continue
            before, after = lrs[ref], pg.lr(groups[ref])
            if not math.isclose(before, after, rel_tol=1e-9, abs_tol=0.0):
                return Jump(
                    step, f"param group {ref} of {entry.info.label}", before, after, "the checkpoint's"
                )
        return None

    def _plan_epoch_start(self, trainer: pl.Trainer, automatic: bool, batch_idx: int) -> None:
        """At an epoch's first batch (and a resumed fit's first, which may be within one), after every
        callback's ``on_train_epoch_start``: plan again for an epoch of another size or changed limits, and
        note where a whole epoch begins (its end tells what it took)."""
        self._plan_epoch_size(trainer, automatic)
        self._plan_limits(trainer, automatic)
        whole = batch_idx == 0 and self.run is not None
        self._epoch_began = (trainer.current_epoch, self._step_now(trainer, automatic)) if whole else None

    def _open_rate_window(self, trainer: pl.Trainer, batch_idx: int, seen: list[int]) -> None:
        """Under manual optimization, at the first batch of a fit whose rate is not settled: the window in
        which the scheduled optimizers' steps per batch are told begins (``seen``: their steps so far)."""
        if self._rate is not None or self._settled is True or not self._needs_rate():
            return
        # a resume from a checkpoint written before the first epoch's end: this epoch's rest is no whole
        # epoch (its first batches' steps are not counted), so the next epoch settles the rate
        whole = batch_idx == 0
        saved, self._saved_window = self._saved_window, None
        restored = None
        if saved is not None and not whole:  # the window the checkpoint was written in goes on
            restored = _resolve.StepRate.from_state(saved, trainer.global_step, seen)
        self._rate = restored or _resolve.StepRate(trainer.global_step, seen, whole)
        self._settled = False
        self._paces = SchedulerPaces(self._scheduler_steps())

    def _plan_run(self, trainer: pl.Trainer) -> None:
        """Resolve the durations for this fit, and compare them with the checkpoint's being resumed. A
        checkpoint of a run resumed at another size before, resumed again at that size, brings the run's
        ``resumed_at`` (under automatic optimization)."""
        run, steps = _resolve.resolve(trainer, self.name, self._durations(), self._per_batch)
        points = self._checkpoint.carried()
        automatic = self._module is not None and self._module.automatic_optimization
        # a checkpoint of a run whose epochs took other steps than its loader's count, resumed with a loader
        # that counts as that one did: its epochs take what they took (review 73: planned at the count, the
        # resumed run left the uninterrupted one's LRs)
        taken = self._checkpoint.taken()
        if taken is not None and run.steps_per_epoch == taken[0]:
            self._taken = taken
            run = RunInfo(run.total_steps, taken[1], run.resumed_at)
        # planned as that run was (a checkpoint at another size is planned at train start)
        if points and automatic and self._checkpoint.same_size(run):
            run = _resolve.anchored(trainer, run, points, measured=self._taken is not None)
            steps = _resolve.steps(self.name, self._durations(), run)
        # the epochs this rank's plan counts (before the ranks agree on rank 0's): a first epoch of another size
        # (a resumed fit whose reloaded loader, or accumulation, differs from the estimate's) plans again
        batches = trainer.num_training_batches
        if run.steps_per_epoch is not None and isinstance(batches, int):
            self._epoch_steps = (run.steps_per_epoch, batches, L.accumulate_grad_batches(trainer))
        self._compare_ranks(trainer)
        self.run, self.steps = _resolve.agreed(trainer, self.name, run, steps)
        self._limits = (trainer.max_epochs, trainer.max_steps)
        self._checkpoint.check_run(self.name, run, steps, self.reads_run)

    def _compare_ranks(self, trainer: pl.Trainer) -> None:
        """Under DDP, an error on every rank where the ranks were given other arguments, or an LR range test runs
        on some of them only (collectives: every rank's callback calls this as it plans its run)."""
        # what each rank shows (log_lr, preview) may differ; what it schedules may not
        shared = {k: v for k, v in self.arguments().items() if k not in ("log_lr", "preview")}
        given = ", ".join(f"{k}={v!r}" for k, v in shared.items())
        L.same_on_every_rank(trainer, self.name, "arguments", f"{type(self).__name__}({given})")
        # an LR range test on some ranks only (a callback added under `if rank == 0`, the Tuner called under `if
        # trainer.is_global_zero`) waits forever at its start for the ranks that do not run it, where no signal
        # reaches it (review 140): its callbacks (the duck-typed protocol of _filled.awaited_test) are compared
        # here, where every rank comes
        tests = [
            str(getattr(cb, "test_label", type(cb).__name__))
            for cb in L.callbacks(trainer)
            if hasattr(cb, "fills_lr_at")
        ]
        L.same_on_every_rank(
            trainer,
            self.name,
            "LR range tests in this fit",
            ", ".join(tests) or "none",
            advice=(
                "An LR range test trains in steps every rank must take together, so it runs on every rank or on "
                "none: give every rank the same callbacks, and call Tuner(trainer).lr_range_test on every rank, "
                "not under `if trainer.is_global_zero`"
            ),
        )

    def _plan_resumed(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, refit: Sequence[str] = ()
    ) -> None:
        """At train start of a resumed fit (Lightning's loops restored): a checkpoint written with other steps
        per epoch plans the run as it takes place, from here (at an epoch's end) or from the end of the epoch
        it resumes in, expected now (:func:`~._resolve.epoch_end_guess`). In every fit whose plan has such
        points, the end of its first epoch tells where the next begins, and corrects the plan if it must."""
        saved, run = self._checkpoint.reshaped, self.run
        # a checkpoint at this run's size, compared with the run here (CheckpointState.check_run)
        compared, self._checkpoint.compared = self._checkpoint.compared, None
        if run is None or trainer.global_step == 0:
            for state in (saved, compared):
                if state is not None and run is not None:
                    _resolve.warn_if_changed(self.name, state, run, self.steps, self.reads_run)
            return
        within = L.resumes_within_epoch(trainer)
        self._resumed_within = within
        if within:
            self._warn_accumulation_skipped(trainer)
        if saved is not None:
            if not pl_module.automatic_optimization or run.steps_per_epoch is None:
                _resolve.warn_if_changed(self.name, saved, run, self.steps, self.reads_run)
                self._check_durations(trainer)
                return
            if within:
                at = _resolve.epoch_end_guess(trainer, L.batches_done_in_epoch(trainer))
            else:
                at = (trainer.current_epoch, trainer.global_step)
            # the epochs before this fit took the checkpoint's steps per epoch (and its points)
            anchored = self._anchor(trainer, at, _state.saved_run(saved))
            if self._provisional:  # built on the checkpoint's plan until this one was known
                self._provisional = False
                self._refresh()
            # (the schedules were built on Lightning's estimate, which no step trained at: the jump is from the
            # LR the checkpoint's run takes at this step)
            self._jump = self._jump_from_checkpoint(trainer.global_step)
            estimate = _resolve.run_info(trainer, needs_epochs=False).total_steps
            relative = bool(_resolve.relative(self._durations()))
            _resolve.warn_reshaped(
                self.name,
                saved,
                anchored,
                at,
                self.steps,
                estimate,
                trainer.global_step,
                within,
                relative,
                reloads=int(getattr(trainer, "reload_dataloaders_every_n_epochs", 0) or 0),
                jump=self._jump_said(),
            )
            self._check_durations(trainer)
        elif refit:  # fit called again on this Trainer, without a checkpoint
            self._plan_refit(trainer, refit, epochs=not within and pl_module.automatic_optimization)
        elif not within and pl_module.automatic_optimization and self._plan_resumed_epoch(trainer, compared):
            pass  # (its warning compared the run with the checkpoint's)
        elif compared is not None:
            self._warn_resumed_otherwise(trainer, compared)
        self._guess = None
        if self.run is not None and self.run.resumed_at and self.run.steps_per_epoch is not None:
            # where the plan has the epoch it resumes in end (a guess, or a checkpoint's): its end tells
            self._guess = round_steps(epoch_start(self.run, trainer.current_epoch + 1))

    def _plan_refit(self, trainer: pl.Trainer, labels: Sequence[str], epochs: bool) -> None:
        """At train start of ``fit`` called again on this Trainer, without a checkpoint: the Trainer goes on at
        its step, and ``configure_optimizers`` built new optimizers and schedulers (``labels``: their
        optimizers), which start at that step of this fit's plan. One warning says so, and, when the plan is
        not the last fit's, why (the Trainer's limits raised; the last fit stopped within an epoch, so Lightning
        begins the next one here: ``epochs``, planned as :meth:`_plan_resumed_epoch` plans a checkpoint's), the
        new plan and the jump it makes in the LR, from where the last fit left it (its plan's LR for this step)
        to this plan's (review 144: the jump of a raised limit was not said, and a stop within an epoch got a
        second warning that spoke of a checkpoint and quoted an LR of a plan no step ran)."""
        now = trainer.global_step
        last = self._last_fit
        if last is None or last.trainer != L.trainer_token(trainer) or last.step != now:
            last = None  # (the callback did not take part in the last fit on this Trainer)
        run, had = self.run, None if last is None else last.run
        message = (
            f"{self.name}: fit was called again on this Trainer, which continues at its step {now}, and "
            f"configure_optimizers built a new scheduler for {' and '.join(labels)} (and a new optimizer: its "
            f"state, momentum buffers included, starts afresh), so the schedule planned for this fit's run starts "
            f"at the trainer's step {now} instead of 0"
        )
        if run is None:
            self.warn_once(f"refit-{now}", message + ".")
            return
        why = []
        if last is not None:
            limits = (trainer.max_epochs, trainer.max_steps)
            changed = [
                f"{name} ({a} -> {b})"
                for name, a, b in zip(("max_epochs", "max_steps"), last.limits, limits, strict=True)
                if a != b
            ]
            if changed:
                why.append(f"the Trainer's {' and '.join(changed)} changed since the last fit")
        limits_changed = bool(why)
        anchored = False
        if epochs and run.steps_per_epoch is not None:
            # the epochs before began where the last fit's plan has them, at its own size (review 149: spread at
            # this fit's size, a loader halved between the fits put epoch 1's start at step 6 where it began at
            # 12, and the warning blamed a stop that had not happened)
            base = had if had is not None and had.steps_per_epoch is not None else run
            resized = had is not None and base is had and had.steps_per_epoch != run.steps_per_epoch
            epoch = trainer.current_epoch
            planned = round_steps(epoch_start(base, epoch))
            if now != planned or resized:
                run, anchored = self._anchor(trainer, (epoch, now), base=base), True
                if now == planned:
                    why.append(
                        f"its epochs take {V.counted(run.steps_per_epoch, 'optimizer step')} where the last fit's "
                        f"took {base.steps_per_epoch} (another dataset, batch size, accumulation or devices)"
                    )
                elif now < planned:
                    why.append(
                        f"the last fit stopped within epoch {epoch - 1} (trainer.should_stop: EarlyStopping, "
                        f"max_time or a signal handler; or max_steps), and Lightning begins epoch {epoch} here, at "
                        f"step {now}, where the plan had it begin at step {planned}"
                    )
                else:
                    why.append(
                        f"epoch {epoch} begins at step {now}, where the plan had it begin at step {planned} (the "
                        f"epochs before took more steps than the plan counted)"
                    )
        self._jump = self._jump_from_last_fit(last, now)
        moved = (
            had is not None
            and last is not None
            and (run.total_steps != had.total_steps or self.steps != last.steps)
        )
        if not (moved or self._jump or (anchored and last is None)):
            # the plan is the last fit's, or as good as it (the LR goes on as it would have)
            self.warn_once(f"refit-{now}", message + ".")
            return
        said = ", and ".join(why) if why else "this fit's run is not the last fit's"
        total = (
            "its length is unknown"
            if run.total_steps is None
            else V.counted(run.total_steps, "optimizer step")
            + (
                ""
                if had is None or had.total_steps is None
                else ", as the last fit's plan had"
                if had.total_steps == run.total_steps
                else f" where the last fit's plan had {had.total_steps}"
            )
        )
        taken = ", the steps taken and then the epochs left" if anchored else ""
        steps_changed = "" if last is None else _resolve.changes(last.steps, self.steps)
        self._say_replanned(
            f"refit-{now}",
            f"{message}. {said[0].upper()}{said[1:]}{':' if anchored else ', so'} the run is planned again from "
            f"step {now}{taken}: {total}"
            f"{steps_changed}. The schedule follows that plan from here.",
            f"fit was called again at step {now}",
            limits=limits_changed,
        )
        self._check_durations(trainer)

    def _plan_resumed_epoch(self, trainer: pl.Trainer, compared: dict[str, Any] | None = None) -> bool:
        """At train start of a fit resumed at an epoch's start with the checkpoint's steps per epoch: an epoch
        that begins at another step than the plan has it begin plans the run again from there, as a resume at
        another size is (:meth:`_anchor`: the steps taken, then the epochs left), with one warning that says
        the LR's jump. A fit stopped within an epoch (``trainer.should_stop``: EarlyStopping, ``max_time``, a
        signal handler; or ``max_steps``) writes a checkpoint that Lightning resumes at the next epoch, so the
        stopped epoch's rest is never taken (review 140: a ``OneCycle`` stopped at step 20 of 128 and resumed
        ran 116 steps on a plan of 128, never annealed, and the end's warning blamed the loader's len()).
        ``compared``: the checkpoint's state, whose plan the new one is said against (review 144: a run ended
        by ``max_steps=20`` and resumed without it was told "total 20 -> 64", Lightning's estimate, which no step
        followed, then "52 where it had 64"). True when it planned the run again (and said so)."""
        run = self.run
        if run is None or run.steps_per_epoch is None:
            return False
        epoch, now = trainer.current_epoch, trainer.global_step
        planned = round_steps(epoch_start(run, epoch))
        if now == planned:
            return False
        # what the new plan is said against: the checkpoint's plan (else this fit's first, Lightning's estimate)
        before = dict(self.steps) if compared is None else dict(compared["durations"])
        had = run.total_steps if compared is None else compared["total_steps"]
        # the run's own length differs from the checkpoint's (its max_steps dropped, max_epochs raised)
        lengthened = compared is not None and had != run.total_steps
        told = self._anchor(trainer, (epoch, now))
        if self._checkpoint_lrs is not None:
            self._jump = self._jump_from_checkpoint(now)
        if compared is not None and had == now:
            why = (
                f"the checkpoint's run was planned for {V.counted(now, 'optimizer step')} and ended there, within "
                f"epoch {epoch - 1} (max_steps), and this fit goes on: Lightning resumes at the next epoch without "
                f"taking that epoch's rest"
            )
        elif now < planned:
            why = (
                f"the checkpoint's epoch {epoch - 1} ended early (a fit stopped within it by trainer.should_stop: "
                f"EarlyStopping, max_time or a signal handler; or by max_steps), and Lightning resumes it at the "
                f"next epoch without taking that epoch's rest"
            )
        else:
            why = "the epochs before it took more steps than the plan counted"
        whose = "it" if compared is None else "the checkpoint's plan"
        total = (
            "its length is unknown"
            if told.total_steps is None
            else f"{V.counted(told.total_steps, 'optimizer step')}"
            + (
                ""
                if had is None
                else f", as {whose} had"
                if had == told.total_steps
                else f" where {whose} had {had}"
            )
        )
        self._say_replanned(
            "resumed-epoch",
            f"{self.name}: this fit resumes at epoch {epoch}, which begins at step {now} where the plan had it "
            f"begin at step {planned}: {why}. The run is planned again from step {now}, the steps taken and then "
            f"the epochs left: {total}{_resolve.changes(before, self.steps)}. The schedule follows that plan from "
            f"here.",
            f"epoch {epoch} begins at step {now} where the plan had it begin at step {planned}",
            limits=lengthened,
        )
        self._check_durations(trainer)
        return True

    def _warn_resumed_otherwise(self, trainer: pl.Trainer, compared: dict[str, Any]) -> None:
        """At train start of a fit resumed at the checkpoint's steps per epoch, which goes on where the plan has
        it: warn if the run differs from the checkpoint's (:func:`~._resolve.warn_if_changed`), with the jump
        that made in the LR at the step it resumes at, from the LR the checkpoint holds (review 144)."""
        assert self.run is not None
        now = trainer.global_step
        self._jump = self._jump_from_checkpoint(now)
        # the run's own length changed (a longer max_steps): the advice that fits is an int length
        lengthened = compared["total_steps"] != self.run.total_steps
        jump = None if self._checkpoint_lrs is None else self._jump_said(lengthened)
        _resolve.warn_if_changed(self.name, compared, self.run, self.steps, self.reads_run, jump)

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        guess, self._guess = self._guess, None
        began, run = self._epoch_began, self.run
        whole = (
            not self._resumed_within
            and began is not None
            and began[0] == trainer.current_epoch
            and run is not None
            and run.steps_per_epoch is not None
            and began[1] == round_steps(epoch_start(run, trainer.current_epoch))
        )
        if guess is None or whole:
            # a whole epoch where the plan has it begin, also the first after a checkpoint written at an epoch's
            # end: what it took tells, as in the uninterrupted run (review 75: the expected end alone kept the
            # plan at a size the next epochs no longer took); an epoch resumed within, or taken whole again from
            # another step, keeps the expected end's rules
            self._plan_epoch_taken(trainer, pl_module.automatic_optimization)
            return
        if self.run is None or trainer.global_step == guess:
            return
        if trainer.max_steps is not None and 0 <= trainer.max_steps <= trainer.global_step:
            return  # max_steps cut the epoch short: the fit ends here, not the epoch
        before = dict(self.steps)
        told = self._anchor(trainer, (trainer.current_epoch + 1, trainer.global_step))
        _resolve.warn_told(self.name, told, guess, self.steps, before, self._jump_said())
        self._check_durations(trainer)

    def _plan_epoch_size(self, trainer: pl.Trainer, automatic: bool = True) -> None:
        """At an epoch's first batch: an epoch of another number of steps than the plan's (a train dataloader
        reloaded at another size, ``reload_dataloaders_every_n_epochs``) plans the run again from here, this
        epoch and the ones after it at its size, with one warning (review 65: the plan kept epoch 0's size, and
        a 1cycle over the run ended at step 31 of 56, the LR at its floor for the rest). Under manual
        optimization (not ``automatic``) an epoch takes its batches at the rate the scheduled optimizers step
        (:meth:`_count_in_optimizer_steps`), and the run goes on from the scheduler's own step (it did not
        plan again, and the 1cycle spent half the run at its floor without a word)."""
        run = self.run
        batches = trainer.num_training_batches
        if run is None or run.steps_per_epoch is None or not isinstance(batches, int) or batches <= 0:
            return
        # compared with this rank's own epochs before (at the fit's start, the ones its plan counted), not with
        # the plan the ranks agreed on: ranks whose loaders differ in length follow rank 0's plan (review 43),
        # and every rank must come to the same plan without a collective
        # (no accumulation under manual optimization: the rate told in the first epoch counts the steps)
        accumulate = L.accumulate_grad_batches(trainer) if automatic else 1
        steps = self._counted_steps(trainer, automatic, batches)
        last, self._epoch_steps = self._epoch_steps, (steps, batches, accumulate)
        # the loader and the accumulation say what they said before (an epoch whose len() was not what it
        # took keeps the plan its end told: _plan_epoch_taken), or the plan has this size already
        if last is None or (batches, accumulate) == last[1:]:
            return
        self._taken = None  # the loader counts otherwise now: its count is expected again
        if not automatic and self._mixed_rates():
            self._warn_not_replanned(
                "epoch-size-rates",
                f"epoch {trainer.current_epoch} has {V.counted(batches, 'batch', 'batches')} where it had {last[1]}",
            )
            return
        had = self._planned_size(trainer)
        if steps == run.steps_per_epoch or (batches == last[1] and steps == had):
            return  # (the plan has its epochs at this size, or this epoch: a GradientAccumulationScheduler's)
        at = self._step_now(trainer, automatic)
        why = []
        if batches != last[1]:
            why.append(
                f"the train dataloader has {V.counted(batches, 'batch', 'batches')} where it had {last[1]}"
            )
        if accumulate != last[2]:
            why.append(f"the batches accumulate by {accumulate} where they did by {last[2]}")
        before = dict(self.steps)
        self.run = RunInfo(run.total_steps, steps, run.resumed_at)
        # the epoch begins where the plan has it begin, when it has (a fit resumed within it, at a step past its
        # start: r155, epochs of 10, 20, 5 batches resumed at step 16 of epoch 1, which began at step 10, were
        # planned from step 16 and the LR jumped from the run's 0.0945 back to the peak)
        start = dict((e, s) for e, s in run.resumed_at or ()).get(trainer.current_epoch, at)
        told = self._anchor(trainer, (trainer.current_epoch, min(start, at)), base=run)
        if (
            self._guess is not None
        ):  # a resumed epoch's end, expected by the plan this one replaces (review 69)
            self._guess = round_steps(epoch_start(told, trainer.current_epoch + 1))
        self._say_replanned(
            "epoch-size",
            f"{self.name}: epoch {trainer.current_epoch} takes {V.counted(steps, 'optimizer step')} where the plan had "
            f"{had} ({' and '.join(why)}, as reload_dataloaders_every_n_epochs or a "
            f"GradientAccumulationScheduler may do), so the run is planned again from step {at} with its epochs at {V.counted(steps, 'step')}: {V.counted(told.total_steps, 'optimizer step')}"
            f"{_resolve.changes(before, self.steps)}. The schedule follows that plan from here, and is planned "
            f"again at each epoch of another size.",
            f"epoch {trainer.current_epoch} takes {V.counted(steps, 'optimizer step')} where the plan had {had}",
        )
        self._check_durations(trainer)

    def _warn_accumulation_skipped(self, trainer: pl.Trainer) -> None:
        """A fit resumed within an epoch: Lightning does not call ``on_train_epoch_start`` for that epoch, so a
        ``GradientAccumulationScheduler`` does not set its accumulation, and the rest of the epoch accumulates by
        the Trainer's own value (r165: ``{0: 2}`` resumed at step 4 took 16 steps where the run takes 14, and the
        1cycle sat at its floor for the last 2, unsaid). Said once; the plan counts the epoch as the scheduler
        has it, and its end tells what it took."""
        scheduled, own = L.accumulate_grad_batches(trainer), int(trainer.accumulate_grad_batches)
        if scheduled == own:
            return
        self.warn_once(
            "accumulation-skipped",
            f"{self.name}: this fit resumes within epoch {trainer.current_epoch}, where Lightning does not call "
            f"the GradientAccumulationScheduler's on_train_epoch_start: the rest of the epoch accumulates by "
            f"{own} (the Trainer's accumulate_grad_batches), not by the {scheduled} the scheduler gives it, so it "
            f"takes more optimizer steps than the uninterrupted run, and the schedule runs ahead of it. Resume from "
            f"a checkpoint written at an epoch's end (ModelCheckpoint(every_n_epochs=1, save_on_train_epoch_end="
            f"True)) to take the uninterrupted run's steps.",
        )

    def _planned_size(self, trainer: pl.Trainer) -> int | None:
        """The steps the plan has the current epoch take (:func:`epoch_start`: a ``GradientAccumulationScheduler``'s
        epochs at their own sizes, :func:`_resolve.run_info`; a resumed run's by its points), which a re-plan's
        warning says it had (r165: "where the plan had 6" for an epoch planned at 3); None without a plan in
        epochs."""
        run, epoch = self.run, trainer.current_epoch
        if run is None or run.steps_per_epoch is None:
            return None
        return round_steps(epoch_start(run, epoch + 1)) - round_steps(epoch_start(run, epoch))

    def _say_replanned(self, key: str, message: str, why: str, limits: bool = False) -> None:
        """Say once (``key``) that the run is planned again, with the jump the new plan made in the LR at that step
        (review 141: a ``OneCycle()`` over epochs of 10, 20 and 5 batches went from 0.0611 to 0.00643 in one step
        and warmed up to a second peak, and the warning said only that the run is planned again). A later plan
        that makes the LR jump is said once more (``why``: what changed), where its first warning was said.
        ``limits``: the Trainer's own limits changed (:meth:`_jump_said`)."""
        jump = self._jump_said(limits)
        if key not in self._warned or not jump:
            self.warn_once(key, message + jump)
            return
        self.warn_once(
            "replan-jump",
            f"{self.name}: {why}, so the run is planned again.{jump} (Said for this jump only: at each plan made "
            f"again the LR may jump.)",
        )

    def _jump_said(self, limits: bool = False) -> str:
        """The jump the last rebuild made in the LR at its step (:attr:`_jump`), said for a re-plan's warning; ``""``
        when the LR went on as it was (a period in Epochs keeps to the epochs). ``limits``: the Trainer's
        max_epochs or max_steps changed, so the advice to give the run's length as max_steps would be no help
        (review 142: it was given to a run whose max_steps a callback had raised)."""
        jump = self._jump
        if jump is None:
            return ""
        said = (
            f" The LR jumps at step {jump.step}: {jump.group} goes from {jump.before:.4g} ({jump.source}) to "
            f"{jump.after:.4g} (the new plan)"
        )
        lengths = [d for d, _ in self._durations().values()]
        if lengths and all(isinstance(d, (int, Epochs)) for d in lengths):
            # every period in epochs or steps: the shape is kept, and the jump is the new plan's epochs beginning
            # at other steps (review 143: a StepDecay(every=Epochs(1)) resumed after a stop within epoch 1 halves
            # where epoch 2 now begins, which the advice for a schedule over the run called a lost shape)
            return (
                f"{said}: its periods are in epochs or steps, and the new plan's epochs begin at other steps."
            )
        keep = (
            "give the schedule's length as an int (optimizer steps): the run's own length changed"
            if limits
            else "give the run's length in optimizer steps: the Trainer's max_steps with max_epochs=-1, or the "
            "schedule's length as an int (docs/callbacks.md, 'Epochs that change size')"
        )
        return (
            f"{said}. A schedule over the run is read at this step of the new plan, not "
            f"stretched from where it was, so it does not keep its shape: a 1cycle may warm up to its peak again "
            f"when the run grows, or drop to near its end at once when it shrinks. For one that keeps its shape, "
            f"{keep}."
        )

    def _step_now(self, trainer: pl.Trainer, automatic: bool) -> int:
        """The step the schedules are at: Lightning's ``global_step``, or under manual optimization the
        scheduler's own count (an optimizer may step at another rate than the others)."""
        return (
            trainer.global_step if automatic or not self._injected else self._injected[0].scheduler.last_epoch
        )

    def _plan_epoch_taken(self, trainer: pl.Trainer, automatic: bool) -> None:
        """At the end of an epoch this fit ran whole: one that took other steps than expected (its loader's
        count, or what its epochs took before where that differs: :attr:`_taken`) plans the run again from the
        next epoch, at the size this one took, with one warning (review 72: a ``len()`` that says more
        batches than the loader yields, a ``CombinedLoader`` whose mode ends the epoch at another loader's
        end, planned a 1cycle for 45 steps of a 30-step run, which ended at LR 0.046; review 73: a later
        epoch back at its count, and an accumulation written by hand that steps at the epoch's last batch,
        ran past the plan unsaid). Each rank compares its own epochs (ranks whose loaders differ follow rank
        0's plan). Not when the fit stops here (``should_stop``, ``max_steps``, the last epoch), nor under
        manual optimization when the optimizers step at different rates (counted in batches) or the epoch took
        fewer steps than expected (most often skipped ones: review 75)."""
        began, self._epoch_began = self._epoch_began, None
        run, batches = self.run, trainer.num_training_batches
        if (
            began is None
            or began[0] != trainer.current_epoch
            or run is None
            or run.steps_per_epoch is None
            or not isinstance(batches, int)
            or (not automatic and self._mixed_rates())
        ):
            return
        ends = trainer.max_epochs is not None and 0 <= trainer.max_epochs <= trainer.current_epoch + 1
        if (
            ends
            or trainer.should_stop
            or (trainer.max_steps is not None and 0 <= trainer.max_steps <= trainer.global_step)
        ):
            return  # the fit ends here, not the epoch (the end says if it came before the plan's: on_train_end)
        now = self._step_now(trainer, automatic)
        taken = now - began[1]
        count = self._counted_steps(trainer, automatic, batches)
        expected = self._taken[1] if self._taken is not None and self._taken[0] == count else count
        if taken <= 0 or taken == expected or (not automatic and taken < expected):
            return  # (under manual optimization fewer steps are most often skipped ones: review 75)
        self._taken = None if taken == count else (count, taken)
        before = dict(self.steps)
        self.run = RunInfo(run.total_steps, taken, run.resumed_at)
        told = self._anchor(trainer, (trainer.current_epoch + 1, now), base=run)
        limit = trainer.limit_train_batches
        counted = (
            f"limit_train_batches={limit} gives {V.counted(batches, 'batch', 'batches')}"
            if isinstance(limit, int) and limit == batches
            else f"its train dataloader's len() gives {V.counted(batches, 'batch', 'batches')}"
        )
        self._say_replanned(
            "epoch-taken",
            f"{self.name}: epoch {trainer.current_epoch} took {V.counted(taken, 'optimizer step')} where the plan had "
            f"{run.steps_per_epoch} ({counted}; a len() that is not what the loader yields, a CombinedLoader "
            f"whose mode ends the epoch at another loader's end, or an optimizer stepped by hand at the epoch's "
            f"end does this), so the run is planned again from step {now} with its epochs at {V.counted(taken, 'step')}: "
            f"{V.counted(told.total_steps, 'optimizer step')}{_resolve.changes(before, self.steps)}. The schedule follows "
            f"that plan from here, and is planned again after each epoch that takes other steps.",
            f"epoch {trainer.current_epoch} took {V.counted(taken, 'optimizer step')} where the plan had "
            f"{run.steps_per_epoch}",
        )
        self._check_durations(trainer)

    def _counted_steps(self, trainer: pl.Trainer, automatic: bool, batches: int) -> int:
        """The optimizer steps an epoch of ``batches`` takes by this rank's count: its accumulation's windows,
        or under manual optimization the batches at the rate the first epoch told."""
        if automatic:
            return -(-batches // L.accumulate_grad_batches(trainer))
        return max(1, math.floor(batches * self._per_batch.ours))

    def _scheduler_steps(self) -> list[int]:
        return [entry.scheduler.last_epoch for entry in self._injected]

    def _pace_batch(self, trainer: pl.Trainer, start: bool) -> None:
        """At a batch's start or end under manual optimization, while the rate's window is open or a warning waits
        for the schedulers' paces: where each scheduler is (:class:`SchedulerPaces`); at the start, the waiting
        warning is said, or not, now that a scheduler stepped after the last batch shows it."""
        if self._paces is None or (self._rate is None and self._pending_differ is None):
            return
        (self._paces.batch_start if start else self._paces.batch_end)(self._scheduler_steps())
        if start and self._pending_differ is not None:
            counts, batches, in_batches = self._pending_differ
            self._warn_differ(counts, batches, trainer, in_batches, final=True, at_start=True)

    def _mixed_rates(self) -> bool:
        """Under manual optimization, whether the optimizers this callback schedules stepped to different
        counts: its durations are counted in batches then, on no scheduler's own step (review 73: a plan made
        again from the critic's step mixed the two)."""
        return len({entry.scheduler.last_epoch for entry in self._injected}) > 1

    def _warn_not_replanned(self, key: str, what: str) -> None:
        """Say once that ``what`` happened, but the run is not planned again: the optimizers this callback
        schedules step at different rates, so its durations are counted in batches, on no scheduler's own
        step (:meth:`_mixed_rates`)."""
        self.warn_once(
            key,
            f"{self.name}: {what}, but the optimizers it schedules step at different rates (its durations are "
            f"counted in batches, on no scheduler's own step), so the run is not planned again and the schedule "
            f"ends where it was planned to: give durations in optimizer steps (ints), or schedule each optimizer "
            f"with its own callback (optimizer=<index>)",
        )

    def _plan_limits(self, trainer: pl.Trainer, automatic: bool) -> None:
        """At an epoch's first batch: ``max_epochs`` or ``max_steps`` changed since the plan counted them (a
        callback set ``trainer.fit_loop.max_epochs``) plans the run again from here, with one warning (review
        72: a 1cycle planned for 4 epochs stopped near its peak when they became 2; a cosine for 2 ran its last
        20 steps at 0 when they became 4; torch's OneCycleLR raises there)."""
        limits, run = (trainer.max_epochs, trainer.max_steps), self.run
        if self._limits is None or limits == self._limits or run is None or run.total_steps is None:
            return
        then, self._limits = self._limits, limits
        if not automatic and self._mixed_rates():
            self._warn_not_replanned(
                "limits-rates", "the Trainer's max_epochs or max_steps changed since the run was planned"
            )
            return
        before = dict(self.steps)
        now = self._step_now(trainer, automatic)
        told = self._anchor(trainer, (trainer.current_epoch, now))
        if told.total_steps == run.total_steps:
            return  # the other limit bounds the run as before
        changed = [
            f"{name} ({a} -> {b})"
            for name, a, b in zip(("max_epochs", "max_steps"), then, limits, strict=True)
            if a != b
        ]
        self._say_replanned(
            "limits",
            f"{self.name}: the Trainer's {' and '.join(changed)} changed since the run was planned, so it is "
            f"planned again from step {now}: {V.counted(told.total_steps, 'optimizer step')} where it had "
            f"{run.total_steps}{_resolve.changes(before, self.steps)}. The schedule follows that plan from here.",
            f"the Trainer's {' and '.join(changed)} changed",
            limits=True,
        )
        self._check_durations(trainer)

    def _anchor(self, trainer: pl.Trainer, at: tuple[int, int], base: RunInfo | None = None) -> RunInfo:
        """Epoch ``at[0]`` of a fit resumed at another size begins at step ``at[1]``: plan the run as it takes
        place (:attr:`RunInfo.resumed_at`), and apply the schedules from the next step when its durations
        follow the run (Epochs, Fraction) or the run's length changed. Where the epoch before began is kept
        as ``base`` (the plan so far, or the checkpoint's run at its own size) has it, so a fit that resumed
        within that epoch does not spread the epochs before evenly up to ``at``."""
        assert self.run is not None
        self._jump = None  # (set again by the rebuild below, if there is one and it moves the LR)
        before = self.run
        base = base if base is not None else before
        points = base.resumed_at
        epoch = at[0] - 1
        if epoch >= 1 and base.steps_per_epoch is not None and (not points or points[-1][0] < epoch):
            start = round_steps(epoch_start(base, epoch))
            if 0 < start < at[1] and (not points or start > points[-1][1]):
                points = _resolve.with_point(points, (epoch, start))
        self.run = _resolve.anchored(
            trainer,
            before,
            _resolve.with_point(points, at),
            self._per_batch,
            measured=self._taken is not None,
        )
        steps = _resolve.steps(self.name, self._durations(), self.run)
        changed, self.steps = steps != self.steps, steps
        # (a schedule function may read the run; a period in Epochs reads where the epochs began, resumed_at: review
        # 144, a StepDecay(every=Epochs(1)) kept the old epochs' steps when only they moved)
        if changed or self.run != before:
            self._refresh()
        return self.run

    def _check_durations(self, trainer: pl.Trainer) -> None:
        """Warn when a duration does not fit in the run (not in a ``fast_dev_run``, which is a few steps)."""
        if getattr(trainer, "fast_dev_run", False) or self.run is None:
            return
        end = self._runs_out()
        if end is not None:
            _resolve.warn_if_ends_early(
                self.name, end, self.run, self.warn_once, self._span_advice(known=True)
            )
        kinds = self._duration_kinds()
        _resolve.warn_if_off_the_run(
            self.name, self._durations(), self.steps, self.run, kinds, self.warn_once
        )

    def _count_in_optimizer_steps(self, trainer: pl.Trainer, batch_idx: int) -> None:
        """Under manual optimization an optimizer may step several times per batch (a critic), or once every
        few batches (a gradient accumulation written by hand): tell the rate
        (:class:`~lightning_lr.callbacks._resolve.StepRate`) early in the window, settle it at the window's
        end (the end of the epoch), and resolve the durations in the optimizers' steps from then on."""
        assert self._logging is not None and self._rate is not None
        batches, counts = self._rate.batch(self._logging.steps_seen())
        told = self._rate.observe(batches, counts, trainer.global_step)
        if told == _resolve.StepRate.DIFFER:
            in_batches = self._rate.in_batches(batches, trainer.global_step)
            self._warn_differ(counts, batches, trainer, in_batches, final=False)
            self._use_rate(trainer, in_batches, "steps-differ-max", "", in_batches=True)
        elif isinstance(told, _resolve.Rate):
            self._use_rate(trainer, told, "steps-per-batch", "")
        elif self._rate.told and trainer.max_steps is not None and trainer.max_steps >= 0:
            # max_steps bounds every optimizer's steps: refine their rate, told from the first batches, over
            # the window so far (the plan follows without a further word; the epoch's end settles it)
            overall = self._rate.overall(batches, trainer.global_step)
            if overall != self._per_batch.overall:
                refined = _resolve.Rate(self._per_batch.ours, overall)
                key = "steps-differ-max" if self._rate.differ else "steps-per-batch"
                self._use_rate(trainer, refined, key, "", in_batches=self._rate.differ)
        if batch_idx + 1 < trainer.num_training_batches:
            return
        if not self._rate.whole:
            self._rate = None  # the next batch begins a window of a whole epoch
            return
        window = self._rate
        settled = window.settle(batches, counts, trainer.global_step)
        self._rate, self._settled = None, True
        if settled == _resolve.StepRate.NONE:
            # said at the next batch's start or the fit's end, after the module's epoch-end hooks: unless the
            # optimizers stepped there, which its own warning says (r162)
            self._no_steps_in = batches
        elif settled == _resolve.StepRate.DIFFER:
            in_batches = window.in_batches(batches, trainer.global_step)
            self._warn_differ(counts, batches, trainer, in_batches, final=True)
            self._use_rate(trainer, in_batches, "steps-differ-settled", "", in_batches=True)
        elif isinstance(settled, _resolve.Rate):
            steps = settled.ours * batches
            self._use_rate(
                trainer,
                settled,
                "steps-per-epoch",
                f" ({V.counted(steps, 'step')} in the epoch's {V.counted(batches, 'batch', 'batches')})",
            )
        self._check_durations(trainer)

    def _say_no_steps(self) -> None:
        """Say that the scheduled optimizers did not step in the rate's window (:meth:`_count_in_optimizer_steps`)
        where they did not step outside the batches either (the module's ``on_train_epoch_end``: its own
        warning, :meth:`StepLogging.check_manual`)."""
        batches, self._no_steps_in = self._no_steps_in, None
        if batches is None or (self._logging is not None and self._logging.stepped_outside()):
            return
        self.warn_once(
            "no-steps",
            f"{self.name}: the optimizer(s) it schedules did not step in {V.counted(batches, 'batch', 'batches')} (to the end of "
            f"the epoch), so it cannot tell how often they step: {self._counted('stay', 'stays')} counted in batches "
            f"({V.counted(self.run.total_steps, 'step') if self.run else 'an unknown number of steps'}). Give durations in optimizer steps "
            f"(an int) to plan them in steps.",
        )

    def _needs_rate(self) -> bool:
        """Whether the plan depends on how often the optimizers step under manual optimization: durations to
        count in their steps, or a schedule built from the run (``reads_run``: its ``total_steps``)."""
        return bool(self._durations()) or self.reads_run

    def _counted(self, plural: str, singular: str) -> str:
        """What the step rate counts, with its verb, for messages: its durations, or (without any) the run a
        function of the run builds the schedule from."""
        return f"its durations {plural}" if self._durations() else f"the run it is built from {singular}"

    def _warn_differ(
        self,
        counts: list[int],
        batches: int,
        trainer: pl.Trainer,
        in_batches: _resolve.Rate,
        final: bool,
        at_start: bool = False,
    ) -> None:
        """Say once that the optimizers it schedules step at different rates (``counts`` in ``batches``), so the
        plan is counted in batches (``in_batches``), while each scheduler steps with its own optimizer: what
        that does to each optimizer that does not step once per batch (review 101: a critic stepping twice
        per batch ran its whole 1cycle in the first half of the run, and the warning did not say so)."""
        run, _ = _resolve.resolve(trainer, self.name, {}, in_batches)  # (its length only)
        total = run.total_steps
        said = []
        # a schedule goes at its scheduler's pace: a critic stepping twice a batch whose scheduler the module steps
        # once a batch keeps to a plan in batches (r155: it was said to go 2 times as fast). A pace not told yet
        # (a scheduler stepped after the batch is seen at the next one's start) is told at the next batch's start
        # (``final``: then or never); a scheduler that has not moved by then (stepped at an epoch's end, or never:
        # its own warning says so) is left out, its pace unknown (r158: it was said to go at its optimizer's)
        steps = self._scheduler_steps()
        paces = self._paces.now(steps, at_start) if self._paces else [None] * len(self._injected)
        if None in paces and not final:
            self._pending_differ = (counts, batches, in_batches)
            return
        self._pending_differ = None
        for entry, own in zip(self._injected, paces, strict=False):
            if own is None:
                continue
            label, pace = f"{entry.info.label}'s scheduler", own
            if pace == 1:
                continue
            if total is None:
                how = "faster" if pace > 1 else "slower"
                said.append(
                    f"{label} steps {_resolve.describe_rate(pace)}, so its schedule goes {how} than planned"
                )
            elif pace > 1:
                at = min(total, max(1, round(total / pace)))
                said.append(
                    f"{label} steps {_resolve.describe_rate(pace)}, so its schedule goes {float(pace):g} times as "
                    f"fast as planned: it reaches the plan's end (batch {total}) at about batch {at}, and runs the "
                    f"last {V.counted(total - at, 'batch', 'batches')} past it (a schedule that ends there holds its final value)"
                )
            else:
                at = round(total * pace)
                said.append(
                    f"{label} steps {_resolve.describe_rate(pace)}, so its schedule goes at {float(pace):.2g} of "
                    f"the planned pace: at the run's end (batch {total}) it is at about step {at} of the plan's "
                    f"{total}"
                )
        if not said:
            return
        length = "" if total is None else f" ({total} in the run)"
        self.warn_once(
            "steps-differ",
            f"{self.name}: the optimizers it schedules stepped {counts} times in "
            f"{V.counted(batches, 'batch', 'batches')}; {self._counted('are', 'is')} counted in batches{length}, "
            f"but each schedule advances with its own scheduler's steps: {'; '.join(said)}. Schedule each with "
            f"its own callback (optimizer=<index>) to count each in its own steps.",
        )

    def _use_rate(
        self, trainer: pl.Trainer, rate: _resolve.Rate, key: str, where: str, in_batches: bool = False
    ) -> None:
        """Resolve the durations for ``rate``; rebuild the schedules and say so once if the plan changed
        (``in_batches``: the optimizers step at different rates, and ``rate`` counts in batches)."""
        if rate == self._per_batch:
            return
        before = (self.run, dict(self.steps))
        self._per_batch = rate
        self.run, self.steps = _resolve.resolve(trainer, self.name, self._durations(), rate)
        if (self.run, self.steps) == before:
            return
        self._refresh()
        bounded = rate.overall != rate.ours and trainer.max_steps is not None and trainer.max_steps >= 0
        # every optimizer's rate is refined until the window (the first epoch) ends
        overall = _resolve.describe_rate(rate.overall) + (" so far" if self._rate is not None else "")
        unit = "batches" if in_batches or rate == _resolve.ONE else "optimizer steps"
        if in_batches or rate == _resolve.ONE:
            said = f"{self._counted('are', 'is')} counted in batches" + ("" if in_batches else " again")
            if bounded:
                said += f", and max_steps counts every optimizer's steps ({overall})"
        else:
            said = (
                f"under manual optimization the optimizer(s) it schedules step {_resolve.describe_rate(rate)}"
                f"{where}, so {self._counted('are', 'is')} counted in their steps"
            )
            if bounded:
                said += f" (max_steps counts every optimizer's: {overall})"
        if not self._durations():  # a schedule built from the run (a function of it), or given as it is
            if self.reads_run:
                self.warn_once(key, f"{self.name}: {said}: the run is {self.run.total_steps} {unit}.")
            return
        taken = self._injected[0].scheduler.last_epoch if self._injected else 0
        early = ""
        if key == "steps-per-batch" and taken > 0 and _resolve.relative(self._durations()):
            # review 54: a critic's first steps ran at up to 2x the planned warm-up LR, unsaid
            early = (
                f" Its first {taken} step{'' if taken == 1 else 's'}, taken before the rate could be told, followed "
                f"the plan counted in batches; durations in optimizer steps (ints) are planned in them from the "
                f"start."
            )
        self.warn_once(
            key,
            f"{self.name}: {said}: the run is {self.run.total_steps} {unit} "
            f"({', '.join(f'{a}={v}' for a, v in self.steps.items())}).{early}",
        )

    def _end(self) -> tuple[str, int, bool] | None:
        """Where the schedule has done its work in this run: what says so (:attr:`schedule_end`), its step (the
        largest of a list, within the run) and whether it follows the run's length (Epochs, Fraction); None
        without one."""
        arg = self.schedule_end
        value = self.steps.get(arg) if arg is not None else None
        counts = [v for v in (value if isinstance(value, list) else [value]) if v]
        if arg is None or self.run is None or not counts:
            return None
        total = self.run.total_steps
        relative = bool(_resolve.relative({arg: self._durations()[arg]}))
        return arg, max(counts) if total is None else min(max(counts), total), relative

    def _runs_out(self) -> int | None:
        """The step from which the schedule holds its final value because its length, given in steps, has run
        out (a ``total``); None without one, or when the user tied it to the run (``Fraction(0.9)``,
        ``Epochs``): ending there is what they asked for."""
        end = self._end()
        return end[1] if end is not None and self.schedule_end == "total" and not end[2] else None

    def _warn_if_run_out(self, step: int) -> None:
        """In a run of unknown length (an IterableDataset without max_steps), which the start could not check:
        warn once when a step is taken past the schedule's end."""
        end = self._runs_out() if self.run is not None and self.run.total_steps is None else None
        if end is not None and step >= end:
            self.warn_once(
                "ends-early",
                f"{self.name}: the schedule ended at step {end}, and the run goes on (its length was not known "
                f"when it started); from step {end} on the LR stays at the schedule's final value "
                f"({self._span_advice(known=False)})",
            )

    def _span_advice(self, known: bool) -> str:
        """How to make the schedule span the run (``known``: its length was known at the start)."""
        return _resolve.SPAN_ADVICE[0 if known else 1]

    def _warn_if_ran_past(self, trainer: pl.Trainer, automatic: bool) -> None:
        """At the fit's end: say once if the run took more steps than its plan where the schedule's end follows
        the run (``Epochs``, ``Fraction``), so its last steps held the final value (review 73: a last epoch
        whose optimizer is stepped by hand at its last batch took a step more than counted; review 75: a last
        epoch back at its loader's count after short ones). Not after a resume within an epoch under automatic
        optimization, where Lightning 2.4.0 takes a step more."""
        end = self._end()
        if (
            end is None
            or not end[2]
            or self.run is None
            or self.run.total_steps is None
            or not self._injected
        ):
            return
        if automatic and self._resumed_within:
            return  # Lightning 2.4.0 resumes within an epoch and takes a step more, its own doing
        if not automatic and self._mixed_rates():
            return  # counted in batches, on no scheduler's own step (said when the plan could not follow)
        taken, total = self._step_now(trainer, automatic), self.run.total_steps
        # a schedule asked to end before the run (total=Epochs(3) of 4, milestones at epochs) holds its final
        # value there by design (review 78: the run's own steps were said to run past it)
        if taken <= total or end[1] < total or getattr(trainer, "fast_dev_run", False):
            return
        self.warn_once(
            "ran-past",
            f"{self.name}: the run took {V.counted(taken, 'optimizer step')}, more than the {total} it was planned "
            f"for, so the schedule, which ends with the run ({end[0]}), held its final value for the last "
            f"{taken - total} (its last epoch took more steps than the plan counted: one back at its loader's "
            f"len() after shorter ones, or an optimizer stepped by hand at the epoch's last batch). Give max_steps "
            f"to plan the run for the steps it takes.",
        )


class SchedulerPaces:
    """Under manual optimization, how often each scheduler a callback injected steps per batch in the rate's window
    (:meth:`RunPlanning._warn_differ`): the module steps it in ``training_step`` (seen at the batch's end) or in a
    hook after the batch (``on_train_batch_end``: seen at the next batch's start). ``marks``: each scheduler's step
    as the window opened in this fit."""

    def __init__(self, marks: list[int]) -> None:
        self.marks = marks
        self.started: list[int] = list(marks)  # at this batch's start
        self.ended: list[int] | None = None  # at the last batch's end (the callback's hook)
        self.after = [False] * len(marks)  # stepped between a batch's end and the next one's start
        self.complete = 0  # the window's batches in this fit before this one

    def batch_start(self, steps: list[int]) -> None:
        if self.ended is not None:
            self.after = [a or s != e for a, s, e in zip(self.after, steps, self.ended, strict=True)]
            self.complete += 1
        self.started = list(steps)

    def batch_end(self, steps: list[int]) -> None:
        self.ended = list(steps)

    def now(self, steps: list[int], at_start: bool = False) -> list[Fraction | None]:
        """Each scheduler's steps per batch so far (None: not told yet): at a batch's start (``at_start``), or for
        one stepped after the batches, over the complete batches; else over these and this one."""
        out: list[Fraction | None] = []
        for i, step in enumerate(steps):
            if self.after[i] or at_start:
                moved, batches = self.started[i] - self.marks[i], self.complete
            else:
                moved, batches = step - self.marks[i], self.complete + 1
            out.append(Fraction(moved, batches) if moved > 0 and batches > 0 else None)
        return out
