"""The LRRangeTest callback: the range test at the start of fit or of chosen epochs."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import lightning.pytorch as pl

from .. import _lightning_compat as L
from .. import _validate as V
from .._lightning_compat import Callback, rank_zero_info
from ._apply import last_applied, restore_attrs
from ._core import Result, check_before_training, check_no_finder, check_strategy, run_range_test
from ._curve import SweepResult
from ._data import held_generators
from ._handover import hand_over, receive
from ._options import CALLBACK_PEERS_NAMES, DEFAULT_VAL_KEY, LROptions, SweepOptions
from ._result import RangeTestResult
from ._state import RNGState
from ._val import returned_loss
from ._weight_decay import WeightDecayResult
from ._what_trains import Trained, say_if_changed, say_module_train_start

__all__ = ["LRRangeTest", "skipped_for_fast_dev_run"]


def skipped_for_fast_dev_run(trainer: pl.Trainer, title: str) -> bool:
    """Under ``fast_dev_run`` (a smoke test of the fit, on a batch or a few) a range test is skipped, with a
    warning, and sets nothing, as Lightning's ``lr_find`` does: a sweep of hundreds of steps on those batches
    is no smoke test, and its answer would change the model's LR."""
    runs = getattr(trainer, "fast_dev_run", False)
    if not runs:
        return False
    L.warn_at_user(  # (a warning, as Lightning's LearningRateFinder gives; short: review 147)
        f"{title}: skipped under fast_dev_run={runs!r}; the LR and the schedule callbacks' values stay as they are",
        category=UserWarning,
    )
    return True


def _epochs(value: Any) -> tuple[int, ...] | None:
    if value is None:
        return None
    allowed = "None, an epoch index or a list of them"
    # a 1-d tensor or array as its list, a 0-d one as its number
    read = V.number("epochs", V.listed("epochs", value, allowed), allowed)
    items = [read] if isinstance(read, numbers.Integral) and not isinstance(read, bool) else read
    # a 0-d array or tensor is iterable by its type, but iterating it raises (review 108): one holding an int
    # is an epoch index (V.number, as every other integer option of the range test takes it), else no list
    if (
        isinstance(items, (str, bytes))
        or not isinstance(items, Iterable)
        or getattr(items, "ndim", None) == 0
    ):
        raise TypeError(f"epochs must be None, an epoch index or a list of them, got {value!r}")
    out = []
    for e in items:
        e = V.number("epochs", e, "epoch indices (integers >= 0)")
        if isinstance(e, bool) or not isinstance(e, numbers.Integral) or e < 0:
            raise ValueError(f"epochs must hold epoch indices (integers >= 0), got {value!r}")
        out.append(int(e))
    if not out:
        raise ValueError("epochs must name at least one epoch (or be None: at the start of fit), got []")
    if len(set(out)) < len(out):  # (review 97: [1, 1] was taken as [1]; a typo for [1, 11]?)
        raise ValueError(f"epochs must name each epoch once (one test per epoch), got {value!r}")
    return tuple(sorted(out))


def _check_epochs(epochs: tuple[int, ...] | None, max_epochs: int | None) -> list[int]:
    """Say at fit start which listed epochs this fit never reaches (epochs count from 0); an error when
    none of them can run. The epochs said."""
    if epochs is None or max_epochs is None or max_epochs < 0:
        return []
    never = [e for e in epochs if e >= max_epochs]
    if not never:
        return []
    what = f"epochs={list(epochs)}, but the fit runs epochs 0 to {max_epochs - 1} (max_epochs={max_epochs})"
    if len(never) == len(epochs):
        raise ValueError(
            f"LRRangeTest: {what}, so the range test would never run; list epochs < {max_epochs}"
        )
    _say_never(what, never)
    return never


def _say_never(what: str, never: list[int]) -> None:
    L.warn_at_user(
        f"LRRangeTest: {what}, so the test of epoch{'s' if len(never) > 1 else ''} "
        f"{', '.join(map(str, never))} will never run",
        category=UserWarning,
    )


def _check_steps(trainer: pl.Trainer, epochs: tuple[int, ...], skip: Iterable[int]) -> list[int]:
    """At train start, where the epochs' length is known: the listed epochs not in ``skip`` (tested, or said
    already) that ``max_steps`` ends the fit before (review 138: ``max_steps=30`` with 44 batches an epoch and
    ``epochs=[1]`` ended without a test, unsaid), said as :func:`_check_epochs` says them (an error when no
    test of this fit can run). Epoch ``e`` starts after the optimizer steps of the epochs before it (an epoch of
    ``n`` batches steps ``ceil(n / accumulate_grad_batches)`` times); in a resumed fit the steps left in the
    current epoch are not counted, so only the epochs certainly out of reach are said. Nothing when it cannot
    be known: no ``max_steps``, an epoch without a length, manual optimization (a batch may step any number of
    times); the fit's end says those (:meth:`_RangeTestCallback.on_fit_end`)."""
    max_steps, n, current = trainer.max_steps, trainer.num_training_batches, trainer.current_epoch
    later = [e for e in epochs if e > current and e not in skip]
    if max_steps is None or max_steps < 0 or not later or not math.isfinite(n):
        return []
    if not trainer.lightning_module.automatic_optimization:
        return []
    fresh = trainer.global_step == 0 and current == 0

    def start(epoch: int) -> int:  # the global step epoch ``epoch`` starts at (at least)
        before = range(epoch) if fresh else range(current + 1, epoch)
        return trainer.global_step + sum(L.epoch_steps(trainer, int(n), j) for j in before)

    never = [e for e in later if start(e) >= max_steps]
    if not never:
        return []
    what = f"epochs={list(epochs)}, but max_steps={max_steps} ends the fit before epoch {never[0]} starts"
    if fresh:
        what += f" (at step {start(never[0])}; {V.counted(L.epoch_steps(trainer, int(n), 0), 'optimizer step')} an epoch)"
    runs = [e for e in epochs if e not in never and e not in skip]
    if not runs and not any(e in skip for e in epochs):
        raise ValueError(
            f"LRRangeTest: {what}, so the range test would never run; raise max_steps or list earlier epochs"
        )
    _say_never(what, never)
    return never


def _check_even_epochs(trainer: pl.Trainer, epochs: tuple[int, ...], tested: Iterable[int]) -> None:
    """Under DDP, refuse a test at the start of a later epoch when the ranks' train dataloaders differ in
    length (samplers of their own, ``use_distributed_sampler=False``): the ranks would reach that epoch at
    different steps, and the rank that starts the test first waits in its collectives forever, unkillable by
    SIGTERM (review 52). Called at train start, where every rank is still at the same step."""
    later = [e for e in epochs if e > trainer.current_epoch and e not in tested]
    if trainer.world_size <= 1 or not later:
        return
    n = trainer.num_training_batches
    lengths = [int(x) for x in L.per_rank(trainer, float(n) if math.isfinite(n) else -1.0)]
    if len(set(lengths)) > 1:
        per_rank = ", ".join(
            f"rank {i}: {'no length' if k < 0 else V.counted(k, 'batch', 'batches')}"
            for i, k in enumerate(lengths)
        )
        raise ValueError(
            f"LRRangeTest: epochs={list(epochs)} tests at the start of epoch {later[0]}, but the ranks' train "
            f"dataloaders differ in length ({per_rank}; samplers of their own, or use_distributed_sampler="
            f"False), so the ranks would reach it at different steps and the test's collectives would wait "
            f"forever. Give every rank as many batches (Lightning's distributed sampler does), or test at the "
            f"start of fit (epochs=None)"
        )


R = TypeVar("R", bound=Result)


class _RangeTestCallback(Callback, Generic[R]):
    """Runs the range-test core at train start (``epochs=None``) or at the start of the listed epochs; ``R``
    is the kind of result its options give (review 74: an LR test's was typed as a momentum test's too, so a
    user's ``result.one_cycle_max_lr()`` failed ``mypy --strict``)."""

    @property
    def test_label(self) -> str:
        """How the schedule callbacks name this test when they compare the ranks' tests as they plan
        (``ScheduleCallback._compare_ranks``): a test the ranks do not all run is an error on every rank."""
        return "the Tuner's range test"

    def __init__(self, options: SweepOptions, epochs: Any = None) -> None:
        self.options = options
        self.epochs = _epochs(epochs)
        self.result: R | None = None
        self.results: dict[int, R] = {}
        self._tuner_exit = False
        # what the test of this fit swept, until the fit's next batch compares it with what trains
        self._swept: Trained | None = None
        self.held_at_start: RNGState | None = None  # (the Tuner's fit: see on_fit_start)
        self._resumed = False
        # whether a validation_step of the sanity check returned a loss (on_sanity_check_end)
        self._sanity_loss = False
        self._unreached: list[int] = []  # the listed epochs said at the fit's start to be out of its reach
        self._first_epoch = 0  # the epoch this fit started training in (a resumed fit's is later)
        L.install_spawn_hand_over()  # so a ddp_spawn fit brings the results back (see _handover)

    def __setstate__(self, state: dict[str, Any]) -> None:
        # unpickled in a process a spawn launcher started: its launcher must hand the results over too
        self.__dict__.update(state)
        L.install_spawn_hand_over()

    def _spawn_hand_over(self, trainer: pl.Trainer) -> dict[str, Any]:
        """Rank 0 of a spawned fit, after fit: what the main process's twin of this callback receives."""
        return hand_over(trainer, self.state_dict()["results"], self.options)

    def _spawn_receive(self, trainer: pl.Trainer, data: dict[str, Any]) -> None:
        """The main process, after a spawned fit: the results and what they set (see :mod:`._handover`)."""
        receive(trainer, self, data)

    def setup(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        if stage == "fit":
            check_strategy(trainer.strategy)  # before the strategy wraps the model
            # (the Tuner asked before its fit too; the module's configure_callbacks have been added since)
            check_no_finder(trainer, self.options.title, tuner=self._tuner_exit)
            if trainer.global_step == 0:
                # a fresh run's results are its own: a callback reused in another fit (a study's next trial)
                # kept the last one's, also where this fit's test was interrupted (review 49); a fit resumed
                # from a checkpoint gets the checkpoint's, which are read after setup
                self.result, self.results = None, {}

    @property
    def kept_result(self) -> RangeTestResult | None:
        """In a fit resumed from a run that tested (before the test's ``on_train_start``): the result that run
        applied, which the checkpoint keeps, for a schedule callback that was not part of that run (r196:
        ``OneCycle()`` added on resume peaked at the LR from before the test); None otherwise. Duck-typed, as
        :meth:`fills_lr_at`."""
        if not self._resumed or not isinstance(self.options, LROptions) or not self.options.apply:
            return None
        applied = last_applied(cast(dict[int, Any], self.results), self.options)
        best = applied.best if isinstance(applied, WeightDecayResult) else applied
        return best if isinstance(best, RangeTestResult) else None

    @property
    def ends_fit_after_test(self) -> bool:
        """Whether this test's fit ends after it (the Tuner's own fit): the schedule callbacks then leave what
        they say of the fit's schedulers to the fit that follows (:func:`lightning_lr.callbacks._filled.test_fit`)."""
        return self._tuner_exit

    def fills_lr_at(self, trainer: pl.Trainer) -> int | None:
        """The epoch (counted from 0) at whose start the next LR range test of this fit applies its answer to the
        schedule callbacks' arguments left as None (``apply_range_test``); None when no test of this fit will (a
        momentum test, ``apply=False``, ``fast_dev_run``, a resumed fit that keeps its results, listed epochs all
        tested). A test at the start of fit answers with the fit's first epoch. The schedule callbacks ask it when
        ``configure_optimizers`` builds their schedules, before the test: what it will fill is not known then
        (:mod:`lightning_lr.callbacks._filled`)."""
        if not isinstance(self.options, LROptions) or not self.options.apply:
            return None
        if getattr(trainer, "fast_dev_run", False) and not self._tuner_exit:
            return None
        if self.epochs is None:
            return None if self._resumed else trainer.current_epoch
        return min(
            (e for e in self.epochs if e >= trainer.current_epoch and e not in self.results), default=None
        )

    def on_fit_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if self._tuner_exit:
            # the generators a datamodule or the module keep once their setup has run (a loader made in
            # setup), before the fit's data fetcher draws from them: the Tuner puts them back (review 75)
            self.held_at_start = RNGState(held_generators([getattr(trainer, "datamodule", None), pl_module]))
        self._unreached = []
        self._swept = None  # (a fit that ended before the batch that compares it: not this fit's)
        self._trained = False  # whether this fit's training started (``on_train_start``)
        if self._tuner_exit or not skipped_for_fast_dev_run(trainer, self.options.title):
            self._unreached = _check_epochs(self.epochs, trainer.max_epochs)

    def on_validation_batch_end(
        self,
        trainer: pl.Trainer,
        pl_module: pl.LightningModule,
        outputs: Any,
        batch: Any,
        batch_idx: int,
        dataloader_idx: int = 0,
    ) -> None:
        if trainer.sanity_checking and returned_loss(outputs, self.options.val_key) is not None:
            self._sanity_loss = True

    def on_sanity_check_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Say after Lightning's sanity check, before training, when its ``validation_step`` neither returned a
        loss nor logged ``val_key``, where a ``val_loss`` test at a later epoch reads it (review 138: refused
        only when that epoch started). A warning, not an error: a ``validation_step`` may log otherwise outside
        the sanity check; the test refuses it when it runs, if it still finds nothing."""
        returned, self._sanity_loss = getattr(self, "_sanity_loss", False), False
        later = [e for e in self.epochs or () if e > trainer.current_epoch and e not in self.results]
        if not self.options.val_loss or not later or returned:
            return
        key = self.options.val_key
        names = sorted(trainer.callback_metrics)
        if any(n == key or n.startswith(f"{key}/dataloader_idx_") for n in names):
            return
        found = (
            "returned a loss nor logged"
            if key == DEFAULT_VAL_KEY
            else "logged nor returned a dict with"  # (a name given is read so only: returned_loss)
        )
        L.warn_at_user(
            f"{self.options.title}: in Lightning's sanity check, validation_step neither {found} {key!r} (it logged "
            f"{names or 'nothing'}); the val_loss test at the start of epoch {later[0]} reads the validation loss "
            f"so, and refuses the run where it finds none. Log the validation loss as {key!r} or pass "
            f"val_key=<its name>",
            category=UserWarning,
        )

    def on_train_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self._trained = True
        self._first_epoch = trainer.current_epoch
        # under DDP, the epochs a test runs at must be every rank's: a test at epoch 0 on rank 0 and at 1 on rank
        # 1 met the other rank's training in its collectives (r156: a hang, or gloo aborting the fit); its other
        # options are compared when it runs
        if not self._tuner_exit:
            L.same_on_every_rank(
                trainer,
                self.options.title,
                "epochs to test at",
                f"epochs={None if self.epochs is None else list(self.epochs)}",
            )
        if self.epochs is not None:
            _check_even_epochs(trainer, self.epochs, self.results)
            to_test = any(e not in self.results for e in self.epochs) and not getattr(
                trainer, "fast_dev_run", 0
            )
            if to_test:  # what can be refused before the fit trains the epochs before the test (review 138)
                check_before_training(trainer, pl_module, self.options)
                self._unreached += _check_steps(trainer, self.epochs, [*self.results, *self._unreached])
        resumed, self._resumed = self._resumed, False
        if resumed:
            # The checkpoint holds this run's results: the test is not repeated (a new sweep would find other
            # values and move the LR of a resumed run). The schedule callbacks restore what they filled and
            # the optimizer its LRs; the model's attribute gets back the value the run set.
            if isinstance(self.options, LROptions) and isinstance(
                self.result, (RangeTestResult, WeightDecayResult)
            ):
                # the latest result that answered: a later test without an answer applied nothing (review 166)
                applied = last_applied(cast(dict[int, Any], self.results), self.options)
                if applied is not None:
                    restore_attrs(pl_module, applied, self.options)
            # review 48: only Lightning's restore lines were seen, also with other test arguments than the run's
            tested = ", ".join(str(e) for e in sorted(self.results))
            # (review 147: the clause about later tests was said where the run lists none)
            later = [e for e in self.epochs or () if e not in self.results]
            differ = _differs(self.options, self.results.values())
            rank_zero_info(
                f"{self.options.title}: resumed from a run that tested at epoch {tested}: its result is kept and "
                f"not tested again (the values it set come back with the checkpoint)"
                + (f"; it ran with {differ}, not this callback's arguments" if differ else "")
                + (
                    f"; this callback's arguments apply to the tests of epoch {', '.join(map(str, later))}"
                    if later
                    else ""
                )
            )
            return
        if self.epochs is None:
            self._run(trainer, pl_module, scheduled=False)

    def on_train_epoch_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        epoch = trainer.current_epoch
        if self.epochs is not None and epoch in self.epochs and epoch not in self.results:
            self._run(trainer, pl_module, scheduled=True)

    def on_train_batch_start(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, batch: Any, batch_idx: int
    ) -> None:
        # the first batch after a test: every hook that runs after the test has run (:mod:`._what_trains`)
        swept, self._swept = self._swept, None
        if swept is not None:
            say_if_changed(swept, trainer, pl_module, self.options.title, type(self).__name__)
        # Lightning skips on_train_epoch_start for the epoch a fit resumes into, also when the checkpoint was
        # written at the last step of the epoch before, so that epoch's test would never run: it runs here,
        # before the epoch's first step of the resumed fit. (A no-op when on_train_epoch_start tested.)
        self.on_train_epoch_start(trainer, pl_module)

    def on_fit_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Say the listed epochs the fit ended before, whose test never ran, where its start could not tell
        (review 138: an epoch without a length, manual optimization; or a callback stopped the fit early)."""
        if getattr(trainer, "fast_dev_run", False) or self._tuner_exit:
            return
        if self.epochs is None:
            if not getattr(self, "_trained", True) and self.result is None:
                # r196: Trainer(max_steps=0) ended the fit before training, and result was None, unsaid
                limits = {
                    "max_steps": trainer.max_steps,
                    "max_epochs": trainer.max_epochs,
                    "limit_train_batches": trainer.limit_train_batches,
                }
                why = next((f"{k}=0" for k, v in limits.items() if v == 0), "no training batch")
                L.warn_at_user(
                    f"LRRangeTest: the fit ended before training started ({why}), so its test never ran and "
                    f"LRRangeTest.result is None",
                    category=UserWarning,
                )
            return
        said, first = getattr(self, "_unreached", []), getattr(self, "_first_epoch", 0)
        # (a listed epoch before the one a resumed fit started in is not this fit's)
        never = [e for e in self.epochs if e >= first and e not in self.results and e not in said]
        if not never:
            return
        why = ""
        if trainer.max_steps is not None and 0 <= trainer.max_steps <= trainer.global_step:
            why = f" (max_steps={trainer.max_steps})"
        elif trainer.should_stop:
            why = " (a callback or the module stopped it: trainer.should_stop)"
        L.warn_at_user(
            f"LRRangeTest: epochs={list(self.epochs)}, but the fit ended at step {trainer.global_step}{why} before "
            f"epoch{'s' if len(never) > 1 else ''} {', '.join(map(str, never))} started, so "
            f"{'their tests' if len(never) > 1 else 'its test'} never ran",
            category=UserWarning,
        )

    def teardown(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        self._resumed = False  # a fit that ended before training started

    def _run(self, trainer: pl.Trainer, pl_module: pl.LightningModule, *, scheduled: bool) -> None:
        """Test now. ``scheduled``: a test of a listed epoch, which the run makes whether or not it was
        resumed before it (its result replaces what schedule callbacks restored from the checkpoint)."""
        if getattr(trainer, "fast_dev_run", False) and not self._tuner_exit:
            return  # skipped, as on_fit_start said (the Tuner does not start a fast_dev_run)
        options = self.options
        if self.epochs is not None and len(self.epochs) > 1:  # each test its own tags (and steps)
            options = options.scoped(f"epoch={trainer.current_epoch}")
        epoch = trainer.current_epoch
        if self._tuner_exit:
            say_module_train_start(pl_module, options.title)
        else:  # what the fit then trains is compared with it at its next batch (:mod:`._what_trains`)
            self._swept = Trained.of(trainer, pl_module, epoch, scheduled)

        def keep(
            result: Result,
        ) -> None:  # before it is applied: an error applying it keeps what the test found
            self.result = cast(R, result)
            self.results[epoch] = self.result

        # not the fit's time (a Timer started before a later epoch's test), nor its optimizer steps
        with L.aside_from_fit(trainer):
            run_range_test(
                trainer, pl_module, options, live=not self._tuner_exit, scheduled=scheduled, keep=keep
            )
        if self._tuner_exit:
            raise L.tuner_exit(trainer)

    def state_dict(self) -> dict[str, Any]:
        """The results so far, by epoch (a fit resumed from them does not repeat their tests)."""
        return {"results": {str(e): r.to_dict() for e, r in self.results.items()}}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        owner = f"{type(self).__name__}.load_state_dict"
        V.state_mapping(state_dict, type(self).__name__)
        results = state_dict.get("results", {})
        # (review 188: {"results": None} raised "'NoneType' object has no attribute 'items'")
        if not isinstance(results, Mapping):
            raise TypeError(
                f"{owner}: state_dict['results'] must be a dict of epoch -> result dict (what state_dict() "
                f"returns), got {V.shown(results)}"
            )
        loaded: dict[int, R] = {}
        for epoch, data in results.items():
            at = V.shown(epoch)
            # an epoch as state_dict() writes it ("3") or as an int; int() would also take 1.5 as epoch 1
            whole = isinstance(epoch, int) and not isinstance(epoch, bool)
            if not (whole or (isinstance(epoch, str) and epoch.isdigit())) or int(epoch) < 0:
                raise ValueError(f"{owner}: state_dict['results'] keys must be epoch numbers, got {at}")
            number = int(epoch)
            kind = data.get("kind") if isinstance(data, dict) else None
            read = WeightDecayResult.from_dict if kind == "WeightDecayResult" else SweepResult.from_dict
            try:
                loaded[number] = cast(R, read(data))
            except (TypeError, ValueError) as exc:
                error = TypeError if isinstance(exc, TypeError) else ValueError
                raise error(f"{owner}: state_dict['results'][{at}]: {exc}") from exc
        self.results = loaded
        if loaded:
            self.result = loaded[max(loaded)]
        self._resumed = bool(loaded)


#: Lightning's name for the callback's result, and what to read here instead
_CALLBACK_PEER_ATTRIBUTES = {
    "optimal_lr": (
        "result, the last test's RangeTestResult (results: each tested epoch's), where Lightning's "
        "LearningRateFinder keeps optimal_lr"
    )
}


class LRRangeTest(_RangeTestCallback[RangeTestResult | WeightDecayResult]):
    """The LR range test as a callback: at the start of ``fit`` or at the start of the listed epochs, then
    training continues from the restored state with the result applied.

    A fit resumed from a checkpoint of a run that already tested (``fit(ckpt_path=...)``) does not test
    again: the results come from the checkpoint, the schedule callbacks keep the values they filled, the
    optimizer its LRs and the model's ``lr`` attribute is set as in that run, so the resumed run continues
    exactly. A listed epoch whose test has not run yet is tested when it starts (or, when the fit resumes
    inside it, before its first step in the resumed fit). A checkpoint written without this callback is
    tested at the start of the resumed fit.

    The sweep runs the same core as :meth:`Tuner.lr_range_test <lightning_lr.Tuner.lr_range_test>`: the
    learning rate of the param group with the largest LR grows from ``min_lr`` to ``max_lr`` over
    ``num_steps`` optimizer steps (other groups keep their ratio to it: of their current LRs, or, when every
    group is at 0, as at the first step of a warm-up from 0, of the LRs they were configured with; a group
    at 0 stays there), the loss of each step is recorded
    (mean over DDP ranks), and
    afterwards the model, optimizer, schedulers, callbacks, RNGs and trainer progress are bitwise what
    they were. Then, with ``confirm`` (the default), five candidate LRs around the lowest point of the
    curve train ``confirm_steps`` steps each from the restored state on the same batches, the best is the
    suggestion, and everything is restored again (at most 500 optimizer steps in all by default, 5x the
    sweep, before a second try);
    with a schedule that cycles momentum (``OneCycle``, ``Cyclic``) the test runs at the cycle's mean
    momentum (0.90 by default), not the 0.95 it starts at. There is no suggestion (a warning says why, and
    nothing is applied) when the sweep or the candidates give no trustworthy LR; where more steps can fix
    that, the test first runs once more with 3x ``num_steps`` (``retry``). Then the result is
    applied: the model's ``lr``/``learning_rate`` attribute or hparam is set,
    callbacks with ``apply_range_test`` (lightning_lr's ``OneCycle``, ``Cyclic``) take their bounds from
    it, and otherwise the running optimizer is rebuilt (fresh start) or rescaled so the fit trains with
    the suggestion. See :mod:`lightning_lr.tuner` for every option.

    Under ``ddp_spawn`` (a fit in spawned processes) the results come back to this callback in the main
    process when fit ends, and so do the model's LR attribute and the filled values of the Trainer's
    schedule callbacks (and of an ``LRScheduleMixin``'s declared schedule); a warning names what cannot
    (a datamodule's attribute, callbacks returned by ``configure_callbacks``).

    Args:
        min_lr: first LR of the sweep, > 0.
        max_lr: last LR of the sweep, > min_lr: far enough above it that every step has its own LR and, with
            ``mode="exponential"``, at most 1.8e308 times it (the factor per step must be finite).
        num_steps: optimizer steps of the sweep (one point each), >= 5. Under manual optimization too: the
            ``training_step`` calls up to one that steps the optimizer make a step (see
            :meth:`Tuner.lr_range_test <lightning_lr.Tuner.lr_range_test>`).
        mode: ``"exponential"`` (even steps in log LR) or ``"linear"``.
        smoothing: bias-corrected EMA factor in [0, 1) for the smoothed curve and early stop: the weight of
            the past, as fastai's ``beta``; torch-lr-finder's ``smooth_f`` is ``1 - smoothing``.
        early_stop_threshold: stop when the smoothed loss exceeds this many times its best (> 1; the best
            counted once the smoothed loss has averaged the first tenth of the steps; in the first quarter of
            the sweep only once it is also above its start level; the loss itself above it too, and not an
            outlier batch's spike that the loss comes back from without climbing this many times over it), or
            None. As for
            :meth:`~lightning_lr.Tuner.lr_range_test`.
        val_loss: record the validation loss on ``val_batches`` fixed batches at each LR (Smith's mode; the
            same optimizer steps, at least ``1 + val_batches / 3`` times the wall time).
        val_batches: how many validation batches, >= 1 (with ``val_loss=True`` only: otherwise an error);
            fewer when the Trainer's ``limit_val_batches`` leaves fewer. Of each validation dataloader: with
            several, the loss is the mean of their means, and ``validation_step`` gets each one's
            ``dataloader_idx``, as in Lightning's validation.
        val_key: the name ``validation_step`` logs the loss under, read first (without it, the loss it returns;
            a name other than the default ``"val_loss"`` is read by that name only, logged or a returned dict's
            key); with ``val_loss=True`` only.
        method: what is applied: None (the confirmed LR; with ``confirm=False`` the ``"minimum"`` rule),
            ``"confirmed"``, or a sweep rule ``"valley"``, ``"steepest"``, ``"minimum"``, ``"slide"``; the
            result answers ``suggestion()`` with it (its ``rule``).
        weight_decays: one sweep per weight decay (Smith 2018); the best is applied when the sweeps tell it
            apart from the others (as for the Tuner: else none is, with a warning; a single one is applied,
            compared with nothing, with an info line). Each is the weight
            decay of the param group with the largest one; the other groups that decay keep their ratio to it.
            The module's ``weight_decay`` attribute or hparam is set as for the Tuner; without one, this fit's
            param groups are set to the best as they were swept, with a warning (the module does not hold it).
        epochs: None: at the start of fit; an epoch index or a list (counted from 0): at the start of those
            epochs. Before training, a warning names the listed epochs the fit never reaches (``max_epochs``,
            and ``max_steps`` where the epochs' steps are known); a ValueError is raised when it reaches none
            of them; the fit's end names those it ended before otherwise. The test's setup is checked at
            train start, before the epochs before it train (see the docs' "The LRRangeTest callback"). One
            callback per Trainer: list every epoch in it.
        apply: apply the result (False: only record it in :attr:`result`).
        attr_name: the model attribute holding the LR (None: ``lr`` or ``learning_rate`` if present, the one
            ``configure_optimizers`` reads when there are both; with ``apply=True`` only).
        progress_bar: show a progress bar for the sweep (None: when the trainer shows one).
        log: log the curve, the candidates, the suggestion and the figure to the trainer's loggers (rank 0),
            under ``lr_range_test/`` (with several ``epochs``, each test under ``lr_range_test/epoch=<e>/``,
            so that no two share a tag).
        snapshot: where the copy of the model and optimizer state that the test restores lives:
            ``"device"``, ``"host"`` (pinned, asynchronous copies on CUDA) or ``"auto"`` (the device when
            the copy fits there with a fifth of its memory to spare, else host); see
            :meth:`Tuner.lr_range_test <lightning_lr.Tuner.lr_range_test>`.
        confirm: train the candidate LRs after the sweep (False: the sweep alone; None: True unless
            ``method`` names a sweep rule).
        confirm_steps: optimizer steps per candidate, >= 5 (counted as for ``num_steps``; with ``confirm=True``
            only).
        retry: when the answer (the default one, or the rule ``method``'s) is None for a reason more steps can
            fix, run the test once more with 3x ``num_steps`` (False: no second try).
        run_steps: the optimizer steps of the constant-LR run the answer is for: ``"auto"`` (the steps the fit
            has left when the test runs), a whole number >= 1, or None (the answer as the candidates find it);
            the applied LR is scaled for it with an Adam-family optimizer, see
            :meth:`Tuner.lr_range_test <lightning_lr.Tuner.lr_range_test>`.

    Raises:
        RuntimeError: when fit sets up under a sharded strategy (FSDP, DeepSpeed), before anything runs; under
            manual optimization, when ``training_step`` ran 1000 times without stepping the optimizer
            (everything restored first).
        ValueError: before training, when the fit reaches none of ``epochs``, or (with ``epochs``) when the
            test's setup is one it refuses (two optimizers, ``val_loss=True`` without validation data, ...).
        AttributeError: with ``epochs``, at train start, when ``attr_name`` names no attribute or hparam.

    Attributes:
        result: the last result (:class:`~lightning_lr.RangeTestResult`, or a
            :class:`~lightning_lr.tuner.WeightDecayResult` with ``weight_decays``), None before any test.
        results: every result by epoch.

    Example:
        >>> import lightning.pytorch as pl
        >>> from lightning_lr import LRRangeTest
        >>> cb = LRRangeTest(max_lr=1.0, num_steps=50, epochs=[0, 5])
        >>> trainer = pl.Trainer(callbacks=[cb], logger=False, enable_progress_bar=False)
        >>> LRRangeTest(min_lr=1.0, max_lr=0.1)
        Traceback (most recent call last):
        ...
        ValueError: LRRangeTest: min_lr must be < max_lr, got min_lr=1.0 and max_lr=0.1
    """

    @property
    def test_label(self) -> str:
        """What the schedule callbacks compare across ranks as they plan (``_compare_ranks``): the class and the
        epochs it tests at, which decide when each rank's test runs (r156: a test at epoch 0 on rank 0 and at 1 on
        rank 1 with a ``OneCycle`` hung, the two ranks in different collectives)."""
        return f"LRRangeTest(epochs={None if self.epochs is None else list(self.epochs)})"

    if not TYPE_CHECKING:  # (a type checker would take every attribute for one that exists)

        def __getattr__(self, name: str) -> Any:
            # (only for a name the class does not have; review 177: Lightning's LearningRateFinder keeps its test
            # in optimal_lr, a bare AttributeError here)
            return V.missing_attribute(self, name, _CALLBACK_PEER_ATTRIBUTES)

    @V.known_as(CALLBACK_PEERS_NAMES)
    def __init__(
        self,
        min_lr: float = 1e-7,
        max_lr: float = 10.0,
        num_steps: int = 100,
        mode: str = "exponential",
        smoothing: float = 0.98,
        early_stop_threshold: float | None = 4.0,
        val_loss: bool = False,
        val_batches: int = 5,
        val_key: str = "val_loss",
        method: str | None = None,
        weight_decays: Sequence[float] | None = None,
        epochs: int | list[int] | None = None,
        apply: bool = True,
        attr_name: str | None = None,
        progress_bar: bool | None = None,
        log: bool = True,
        snapshot: str = "auto",
        confirm: bool | None = None,
        confirm_steps: int = 80,
        retry: bool = True,
        run_steps: int | str | None = None,
    ) -> None:
        with V.context("LRRangeTest"):  # a config may hold several callbacks with a max_lr or a mode
            options = LROptions.of(locals())
            super().__init__(options, epochs)

    def __repr__(self) -> str:
        o = self.options
        assert isinstance(o, LROptions)
        return (
            f"LRRangeTest(min_lr={o.min_lr:g}, max_lr={o.max_lr:g}, num_steps={o.num_steps}, mode={o.mode!r}, "
            f"method={o.method!r}, confirm={o.confirm}, epochs={None if self.epochs is None else list(self.epochs)})"
        )


def _differs(options: SweepOptions, results: Iterable[Any]) -> str:
    """The settings, as a kept result records them, in which the tests of a resumed run differ from ``options``
    (r196: a callback resumed with num_steps=50 was told only that the checkpoint's result, of 30, is kept); ""
    where none does."""
    said: list[str] = []
    for result in results:
        if not isinstance(result, SweepResult):
            continue  # (a weight-decay test's results record their sweeps, each of which would repeat it)
        first = getattr(result, "first_try", None) or result  # (a second try sweeps more steps than asked)
        recorded = {
            "num_steps": first.num_steps,
            "mode": result.mode,
            "smoothing": result.smoothing,
            "val_loss": result.val_loss,
        }
        said += [
            f"{k}={v!r}" for k, v in recorded.items() if v != getattr(options, k) and f"{k}={v!r}" not in said
        ]
    return ", ".join(said)
