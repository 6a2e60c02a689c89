"""``lightning_lr.Tuner``: Lightning's Tuner plus the LR and momentum range tests."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any, overload

import lightning.pytorch as pl
import torch
from lightning.pytorch.tuner import Tuner as _LightningTuner

from .. import _lightning_compat as L
from .. import _validate as V
from . import _run_length
from ._core import Result, check_no_finder, check_strategy
from ._momentum import MomentumRangeTestResult
from ._options import MOMENTUM_PEERS_NAMES, TUNER_PEERS_NAMES, LROptions, MomentumOptions, SweepOptions
from ._own_fit import own_fit
from ._result import RangeTestResult
from ._weight_decay import WeightDecayResult
from .callback import LRRangeTest, _RangeTestCallback, skipped_for_fast_dev_run

__all__ = ["Tuner"]


def _trainers_own(name: str) -> Callable[..., Any]:
    """Lightning's ``Tuner.<name>``, run by the Tuner of the Trainer's own namespace: a
    ``pytorch_lightning.Trainer`` needs ``pytorch_lightning``'s (it catches only its own exit exception)."""
    inherited = getattr(_LightningTuner, name)

    @functools.wraps(inherited)
    def method(self: Tuner, *args: Any, **kwargs: Any) -> Any:
        own = L.resolve(self._trainer, "tuner", "Tuner")
        return (
            inherited(self, *args, **kwargs)
            if own is _LightningTuner
            else getattr(own(self._trainer), name)(*args, **kwargs)
        )

    return method


class Tuner(_LightningTuner):
    """Lightning's :class:`~lightning.pytorch.tuner.Tuner` (``lr_find`` and ``scale_batch_size`` work as
    before, with a ``lightning.pytorch`` or a ``pytorch_lightning`` Trainer) with :meth:`lr_range_test` and
    :meth:`momentum_range_test`.

    Example:
        >>> import lightning.pytorch as pl
        >>> from lightning_lr import Tuner
        >>> tuner = Tuner(pl.Trainer(logger=False, enable_progress_bar=False, enable_model_summary=False))
        >>> callable(tuner.lr_range_test) and callable(tuner.lr_find)
        True
    """

    lr_find = _trainers_own("lr_find")
    scale_batch_size = _trainers_own("scale_batch_size")

    def __init__(self, trainer: pl.Trainer) -> None:
        if not isinstance(trainer, L.Trainer):  # review 97: an AttributeError on None.strategy, later
            with V.context("Tuner"):
                V.fail(
                    "trainer",
                    "a Lightning Trainer (lightning.pytorch's or pytorch_lightning's)",
                    trainer,
                    TypeError,
                )
        super().__init__(trainer)

    @overload
    def lr_range_test(
        self,
        model: pl.LightningModule,
        train_dataloaders: Any = ...,
        val_dataloaders: Any = ...,
        datamodule: pl.LightningDataModule | None = ...,
        min_lr: float = ...,
        max_lr: float = ...,
        num_steps: int = ...,
        mode: str = ...,
        smoothing: float = ...,
        early_stop_threshold: float | None = ...,
        val_loss: bool = ...,
        val_batches: int = ...,
        val_key: str = ...,
        method: str | None = ...,
        weight_decays: None = ...,
        apply: bool = ...,
        attr_name: str | None = ...,
        progress_bar: bool | None = ...,
        log: bool = ...,
        ckpt_path: str | None = ...,
        snapshot: str = ...,
        confirm: bool | None = ...,
        confirm_steps: int = ...,
        retry: bool = ...,
        run_steps: int | str | None = ...,
    ) -> RangeTestResult | None: ...

    @overload
    def lr_range_test(
        self,
        model: pl.LightningModule,
        train_dataloaders: Any = ...,
        val_dataloaders: Any = ...,
        datamodule: pl.LightningDataModule | None = ...,
        min_lr: float = ...,
        max_lr: float = ...,
        num_steps: int = ...,
        mode: str = ...,
        smoothing: float = ...,
        early_stop_threshold: float | None = ...,
        val_loss: bool = ...,
        val_batches: int = ...,
        val_key: str = ...,
        method: str | None = ...,
        *,
        weight_decays: Sequence[float],
        apply: bool = ...,
        attr_name: str | None = ...,
        progress_bar: bool | None = ...,
        log: bool = ...,
        ckpt_path: str | None = ...,
        snapshot: str = ...,
        confirm: bool | None = ...,
        confirm_steps: int = ...,
        retry: bool = ...,
        run_steps: int | str | None = ...,
    ) -> WeightDecayResult | None: ...

    @V.known_as(TUNER_PEERS_NAMES)
    def lr_range_test(
        self,
        model: pl.LightningModule,
        train_dataloaders: Any = None,
        val_dataloaders: Any = None,
        datamodule: pl.LightningDataModule | None = None,
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
        apply: bool = True,
        attr_name: str | None = None,
        progress_bar: bool | None = None,
        log: bool = True,
        ckpt_path: str | None = None,
        snapshot: str = "auto",
        confirm: bool | None = None,
        confirm_steps: int = 80,
        retry: bool = True,
        run_steps: int | str | None = None,
    ) -> RangeTestResult | WeightDecayResult | None:
        """The LR range test (Smith 2015): train ``num_steps`` optimizer steps while the LR grows from
        ``min_lr`` to ``max_lr``, record the loss of each, then confirm: train five candidate LRs
        (``confirm_steps`` steps each, from the restored state on the same batches) around the lowest point
        of the curve and keep the one of lowest loss, refined between its neighbours; then put everything
        back.

        The sweep gives the scale, the candidates the answer: on tasks the rules were never tuned on
        (``benchmarks/range_test_suggestion.py``) the sweep's rule alone was within 3x of the grid-best
        constant LR on 11 of 36 validation runs, the confirmed LR on 34 of 36. The candidates lie half a
        decade apart around the LR of the curve's lowest point, a line search: a decade below, half a decade
        below and at it first, then further down (in doubling steps) or up while the best is the lowest or
        highest tried, else 1.5 decades below and half a decade above (clipped to ``[min_lr, max_lr]``); each
        is scored by the mean loss of its last fifth of steps (the validation loss with ``val_loss=True``;
        under DDP the mean over ranks); the answer is the lowest point of the parabola through the best
        candidate and its two neighbours (next to a neighbour that diverged, halfway towards the other). The
        default costs at most 500 optimizer steps, 5x the 100-step sweep (fewer when a candidate diverges; a
        second try, ``retry``, adds its own); ``confirm=False`` is the sweep alone. There
        is no answer (None, a warning with the reason and what to change, nothing applied) when the sweep's
        drop is within the noise of its flat start, the loss blew up in the first quarter of the sweep, it
        never fell, every candidate diverged, the best candidate does not end clearly below the loss at the
        start, or the candidates all end alike (the LR does not matter to them). Where more steps can fix that (the
        noise, no descent, candidates that do not train or all end alike; not a blow-up, which needs another
        range), the test runs once more with 3x ``num_steps``
        (``retry``, with a warning): a longer sweep averages more losses at each LR and trains longer before
        it moves on. The second try's answer is applied; the first try is kept in the result
        (``first_try``), and ``RangeTestResult.cost`` counts both.

        With a schedule that cycles momentum (``OneCycle``, ``Cyclic``: they set the momentum to the
        cycle's start, 0.95, as soon as they are built), the sweep and the candidates run at the mean
        momentum of the cycle (0.90 by default), the momentum the cycle trains at on average (its peak is at
        least the one whose mean LR is the answer); otherwise at the optimizer's own momentum.

        Under manual optimization (``self.automatic_optimization = False``) ``training_step`` steps the
        optimizer itself, and a step of the sweep or of a candidate is still one optimizer step: the test
        calls ``training_step`` on the next batches until it has called ``opt.step()`` (on the optimizer of
        ``self.optimizers()``), so an accumulation by hand over k batches is k calls, all at the step's LR,
        and one point whose loss is the mean of theirs, as with ``accumulate_grad_batches=k``. A call that
        steps more than once (several steps on one batch) is one point, its LR held for all of them and its
        loss the one the call returns; ``RangeTestResult.cost`` counts every step. A ``training_step`` that
        has not stepped after 1000 calls is an error (RuntimeError, everything restored).

        Runs inside ``trainer.fit`` (so DDP, precision plugins, gradient accumulation and clipping are the
        trainer's own), which it leaves right after the sweep. Afterwards the model's parameters and
        buffers, the optimizer, schedulers, trainer progress and RNG states are bitwise what they were, also
        when the sweep diverges or ``training_step`` raises (a schedule callback keeps the plan of the Tuner's
        fit, which the next fit makes again for its own length). Then the result is
        applied: the model's ``lr``/``learning_rate`` attribute or hparam is set to the suggestion (the next
        ``fit`` builds its optimizer with it; one ``configure_optimizers`` does not build the LR from is left as
        it was, with a warning) and callbacks with ``apply_range_test`` (lightning_lr's
        ``OneCycle`` and ``Cyclic``) take their bounds from it (``RangeTestResult.one_cycle_max_lr()`` and
        ``cyclic_bounds()``: the schedule whose mean LR is the suggestion, or a higher peak up to the
        highest candidate that trained as well as the best).

        Args:
            model: the LightningModule.
            train_dataloaders: training data (as for ``fit``), or a datamodule.
            val_dataloaders: validation data (used with ``val_loss=True``).
            datamodule: a LightningDataModule instead of dataloaders.
            min_lr: first LR of the sweep, > 0.
            max_lr: last LR of the sweep, > min_lr: far enough above it that every step has its own LR and, with
                ``mode="exponential"``, at most 1.8e308 times it (the factor per step must be finite).
            num_steps: optimizer steps of the sweep (one recorded point each; under manual optimization the
                ``training_step`` calls up to one that steps the optimizer), >= 5.
            mode: ``"exponential"`` (even steps in log LR) or ``"linear"``.
            smoothing: bias-corrected EMA factor in [0, 1) of the smoothed curve (0: none): the weight of the
                past, as fastai's ``beta``; torch-lr-finder's ``smooth_f`` is ``1 - smoothing``.
            early_stop_threshold: stop when the smoothed loss exceeds this many times its best (> 1; for a
                best <= 0, when it rises above it by ``threshold - 1`` times its size), the best counted from
                the step the smoothed loss has averaged the first tenth of the steps (one lucky first batch
                is no level to diverge from), and in the first quarter of the sweep (where a stop leaves an LR
                sweep no answer) only once the smoothed loss is also above its start level; None never stops
                early. The loss itself must be above that bar too, and not an outlier batch's: a loss that
                alone lifted the smoothed loss over the bar (30x to 150x its best), with no other such spike in
                the tenth of the sweep before it, after which, within 3 steps, a loss is back among that tenth's
                ordinary losses, with none before that above ``threshold`` times the spike (a climb is the
                LR's), is the data's: the sweep goes on, and the spike leaves the smoothed loss the stop reads.
                Otherwise the sweep ends where the stop was due, or at a spike let through within a tenth before
                (the up to 3 steps taken to tell count in ``result.cost``, not in the curve).
                A NaN/inf loss always stops the sweep.
            val_loss: record the validation loss of ``val_batches`` fixed validation batches at each LR
                instead of the training loss (Smith's mode; less noisy, and slower: each step also runs
                ``val_batches`` validation batches forward, at least ``1 + val_batches / 3`` times the wall
                time for the same optimizer steps, 3.5x to 4.5x on a small MLP).
            val_batches: how many validation batches, >= 1 (with ``val_loss=True`` only: otherwise an error);
                fewer when the Trainer's ``limit_val_batches`` leaves fewer. Of each validation dataloader:
                with several, the loss is the mean of their means, and ``validation_step`` gets each one's
                ``dataloader_idx``, as in Lightning's validation.
            val_key: the name ``validation_step`` logs its loss under, read first (without it, the loss it
                returns: a one-element tensor, or a tensor under ``val_key`` or ``"loss"`` of a dict, averaged;
                other tensors it returns are predictions); with ``val_loss=True`` only. A name given other than
                the default ``"val_loss"`` is read by that name only, logged or a returned dict's key: a
                returned loss under no such name is refused, as a misspelt name would be read so.
            method: what is applied: None (the default answer: the confirmed LR, or with ``confirm=False``
                the ``"minimum"`` rule read from a sweep that shows a clear descent), ``"confirmed"``, or a
                sweep rule: ``"minimum"``, ``"valley"``, ``"steepest"`` or ``"slide"``. The result answers
                ``suggestion()`` with it (its ``rule``).
            weight_decays: run one sweep per weight decay from the same state and return a
                :class:`~lightning_lr.tuner.WeightDecayResult`; the best weight decay is applied when the
                sweeps tell it apart from the others (its lowest loss clearly below theirs, given their noise;
                else none is suggested or applied, with a warning, and the LR answer is that of the sweep at
                the weight decay the optimizer has, when it was swept; a single weight decay is compared with
                nothing: it is applied, with an info line). Each is
                the weight decay of the param group with the largest one, and the other groups that decay
                keep their ratio to it, as the LR's groups do (the model's ``weight_decay`` is set to what
                gives that group the best, through ``configure_optimizers``; a module without one gets a
                warning and nothing is set); when no group has one, it is set on those holding a parameter
                of 2 or more dimensions (groups of biases and norm scales alone stay at 0; a group holding
                both decays its biases too, with a warning).
            apply: set the model's attribute and hand the result to callbacks (False: only return it).
            attr_name: the attribute or hparam holding the LR (None: ``lr`` or ``learning_rate``, the one
                ``configure_optimizers`` reads when there are both; with ``apply=True`` only).
            progress_bar: show the sweep's progress bar (None: when the trainer shows one).
            log: log ``lr_range_test/{lr,loss,smoothed_loss,momentum}`` every step,
                ``lr_range_test/candidates/lr=<lr>`` every step of each candidate, then the suggestion and the
                figure (the candidates drawn at their scores), to the trainer's loggers (rank 0).
            ckpt_path: refused (review 71: the test left the model and the Trainer at the checkpoint's state,
                and the fit that resumed it took the checkpoint's optimizer LRs, not the suggestion). To test a
                resumed run and train it at the answer, put :class:`~lightning_lr.LRRangeTest` in the fit
                that resumes it; to test a checkpoint's weights, load them into the model
                (``Model.load_from_checkpoint``) and run the Tuner on it.
            snapshot: where the copy of the model and optimizer state that the test restores lives:
                ``"device"`` (beside them), ``"host"`` (host memory; pinned and copied asynchronously on
                CUDA, which leaves the device's memory to the sweep) or ``"auto"`` (the device when the copy
                fits there with a fifth of the device's memory to spare, else host; on CPU one copy in
                host memory either way).
            confirm: train the candidate LRs after the sweep and answer with the best (False: the sweep
                alone, 5x cheaper, read by the rule ``method``). None: True, unless ``method`` names a sweep
                rule, whose answer needs no candidates (pass True to train them anyway, for
                ``result.confirmation``).
            confirm_steps: optimizer steps per candidate, >= 5, with ``confirm=True`` only (the score averages
                their last fifth); under manual optimization counted as for ``num_steps``.
            retry: when the answer (the default one, or the rule ``method``'s) is None for a reason more steps
                can fix, run the test once more with 3x ``num_steps`` (False: answer None at once).
            run_steps: the optimizer steps of the constant-LR run the answer is for: ``"auto"`` (the steps the
                Trainer's fit plans, ``estimated_stepping_batches``; a ValueError before anything runs when it
                has no end, a warning with ``EarlyStopping`` or ``max_time``), a whole number >= 1, or None (the default: the answer for a run about as long as the
                candidates, ``confirm_steps``). Recorded in the result (:attr:`RangeTestResult.run_steps`), whose
                :meth:`~lightning_lr.RangeTestResult.suggestion` then scales the confirmed LR for it: by
                ``(run_steps / confirm_steps) ** -1/4`` with an Adam-family optimizer (Adam, AdamW, NAdam, RAdam,
                Adamax), never up, and at most as for 25 candidate lengths (0.447, with a warning); other
                optimizers keep the answer, with a warning. What is applied is that scaled LR; schedules' bounds
                (``OneCycle``, ``Cyclic``) are not scaled. With ``confirm=True`` and the confirmed answer only.

        Returns:
            The :class:`~lightning_lr.RangeTestResult` (a :class:`~lightning_lr.tuner.WeightDecayResult`
            with ``weight_decays``); None under ``fast_dev_run``, a smoke test of the fit, where the test
            is skipped with a warning and sets nothing (as Lightning's ``lr_find`` does).

        Raises:
            ValueError: for an option outside its range (the message names it, its value and what is
                allowed), several optimizers, or a model without trainable parameters.
            RuntimeError: under a strategy that runs ``fit`` in spawned processes (``ddp_spawn``), whose
                result cannot come back (use the :class:`~lightning_lr.LRRangeTest` callback or ``ddp``), or
                under a sharded strategy (FSDP, DeepSpeed), before anything runs; under manual
                optimization, when ``training_step`` ran 1000 times without stepping the optimizer; before the
                first step, for an optimizer whose ``step`` cannot run torch's step hooks, which the test counts
                steps by (a wrapper built without ``torch.optim.Optimizer.__init__`` or the hook tables it sets).
        """
        with V.context("Tuner.lr_range_test"):  # errors name the entry point, as LRRangeTest's do
            options = LROptions.of(locals())
        result = self._run(options, model, train_dataloaders, val_dataloaders, datamodule, ckpt_path)
        assert result is None or isinstance(result, (RangeTestResult, WeightDecayResult))
        return result

    @V.known_as(MOMENTUM_PEERS_NAMES)
    def momentum_range_test(
        self,
        model: pl.LightningModule,
        train_dataloaders: Any = None,
        val_dataloaders: Any = None,
        datamodule: pl.LightningDataModule | None = None,
        lr: float | None = None,
        min_momentum: float = 0.8,
        max_momentum: float = 0.99,
        num_steps: int = 100,
        mode: str = "linear",
        smoothing: float = 0.98,
        early_stop_threshold: float | None = 4.0,
        val_loss: bool = False,
        val_batches: int = 5,
        val_key: str = "val_loss",
        progress_bar: bool | None = None,
        log: bool = True,
        ckpt_path: str | None = None,
        snapshot: str = "auto",
    ) -> MomentumRangeTestResult | None:
        """Smith's (2018) momentum range test: a fixed LR while the momentum (SGD, RMSprop) or beta1 (Adam
        family) of every param group grows from ``min_momentum`` to ``max_momentum``.

        Same core, state restore and logging (``momentum_range_test/...``) as :meth:`lr_range_test`. The
        result's ``momentums`` hold the swept values and ``suggestion()`` is the momentum of lowest
        smoothed loss; nothing is applied. The model trains through the sweep, so that answer leans to
        the sweep's end: on the benchmark (``benchmarks/momentum_range_test_quality.py``) training at it
        had a median regret of 1.62 and 2.19 on its two halves, holding 0.9 1.06 and 1.04.

        Args:
            model: the LightningModule.
            train_dataloaders: training data (as for ``fit``).
            val_dataloaders: validation data (used with ``val_loss=True``).
            datamodule: a LightningDataModule instead of dataloaders.
            lr: the fixed LR of the param group with the largest LR (others keep their ratio); None keeps
                the LRs the optimizer has when the test runs: with a schedule callback attached, its first step's
                (``OneCycle``: ``max_lr / div_factor``; ``Cyclic``: ``base_lr``), not the LR ``configure_optimizers``
                gave; give ``lr`` to sweep at another.
            min_momentum: first momentum, in [0, 1).
            max_momentum: last momentum, in (min_momentum, 1).
            num_steps: optimizer steps, >= 5 (under manual optimization as for :meth:`lr_range_test`).
            mode: ``"linear"`` (default) or ``"exponential"``.
            smoothing: EMA factor in [0, 1).
            early_stop_threshold: as for :meth:`lr_range_test` (the up to 3 steps taken to tell an outlier batch
                from a divergence are not in the curve; a momentum result counts no cost).
            val_loss: record the validation loss (as for :meth:`lr_range_test`).
            val_batches: how many validation batches (with ``val_loss=True`` only).
            val_key: the name ``validation_step`` logs its loss under (with ``val_loss=True`` only).
            progress_bar: show the sweep's progress bar (None: when the trainer shows one).
            log: log to the trainer's loggers (rank 0).
            ckpt_path: refused, as for :meth:`lr_range_test`.
            snapshot: where the copy the test restores lives (as for :meth:`lr_range_test`).

        Returns:
            A :class:`~lightning_lr.MomentumRangeTestResult`; None under ``fast_dev_run`` (skipped, with a
            warning).
        """
        with V.context("Tuner.momentum_range_test"):
            options = MomentumOptions.of(locals())
        result = self._run(options, model, train_dataloaders, val_dataloaders, datamodule, ckpt_path)
        assert result is None or isinstance(result, MomentumRangeTestResult)
        return result

    def _run(
        self,
        options: SweepOptions,
        model: pl.LightningModule,
        train_dataloaders: Any,
        val_dataloaders: Any,
        datamodule: pl.LightningDataModule | None,
        ckpt_path: str | None,
    ) -> Result | None:
        trainer = self._trainer
        # (a torch.compile'd module, as Lightning's fit takes, wraps the LightningModule in _orig_mod)
        given = getattr(model, "_orig_mod", model)
        if not isinstance(given, L.resolve(trainer, "core", "LightningModule")):
            # review 120: a forgotten model (lr_range_test(loader)) failed on 'DataLoader' has no 'parameters';
            # the type is named, not the repr (review 121: a model's repr is its every layer)
            kind = type(given)
            what = f"{kind.__module__}.{kind.__qualname__}"
            if isinstance(given, L.resolve(given, "core", "LightningModule")):  # the other namespace's
                what += f", a LightningModule of {L.namespace(given)}"
            raise TypeError(
                f"{options.title}: model must be a LightningModule of {L.namespace(trainer)}, the Trainer's "
                f"(the first argument: {options.prefix}(model, train_dataloaders=...)), got {what}"
            )
        if ckpt_path is not None:
            if isinstance(options, LROptions):
                how = (
                    "To test a resumed run and train it at the answer, add LRRangeTest() to the Trainer and "
                    "resume with trainer.fit(model, ckpt_path=...): it tests at the checkpoint's step. To test the "
                    "checkpoint's weights only, load them"
                )
            else:  # (no callback runs a momentum test)
                how = "To test the checkpoint's weights, load them"
            raise ValueError(
                f"{options.title}: ckpt_path={ckpt_path!r} is not taken by the Tuner: its test would leave the model "
                f"and the Trainer at the checkpoint's state, and the fit that resumes the checkpoint takes the "
                f"checkpoint's optimizer settings, not the test's answer. {how} "
                f"({type(model).__name__}.load_from_checkpoint(...)) and run the Tuner without ckpt_path"
            )
        if skipped_for_fast_dev_run(trainer, options.title):
            return None
        check_strategy(trainer.strategy)
        check_no_finder(trainer, options.title, tuner=True)
        if L.runs_in_spawned_processes(trainer):
            raise RuntimeError(
                f"Tuner range tests cannot run under strategy {type(trainer.strategy).__name__} with processes "
                f"started by the launcher (ddp_spawn, ddp_fork, ddp_notebook): the result would stay in those "
                f"processes. Add the LRRangeTest callback to the Trainer instead, or use strategy='ddp'"
            )
        # (a datamodule given as train_dataloaders is the fit's datamodule: review 59)
        as_loader = isinstance(train_dataloaders, pl.LightningDataModule)
        dm = train_dataloaders if as_loader and datamodule is None else datamodule
        loaders = {"train_dataloaders": train_dataloaders, "val_dataloaders": val_dataloaders}
        if dm is not None and (given := [k for k, v in loaders.items() if v is not None and v is not dm]):
            # review 129: Lightning's fit said "You cannot pass train_dataloader or val_dataloaders to
            # trainer.fit(datamodule=...)", naming a call the user did not make (review 130: also for a
            # datamodule given as train_dataloaders)
            which = "datamodule=" if dm is datamodule else "the datamodule given as train_dataloaders"
            raise ValueError(
                f"{options.title}: {which} gives the data, so {' and '.join(given)} cannot be given beside it "
                f"(got {', '.join(f'{k}={type(loaders[k]).__name__}' for k in given)}, "
                f"datamodule={type(dm).__name__}); pass one or the other"
            )
        for name, value in loaders.items():
            # review 146: Lightning's message named Trainer.fit(train_dataloaders=...), a call the user did not make,
            # and not what is taken
            if (
                value is not None
                and value is not dm
                and not isinstance(value, (Iterable, pl.LightningDataModule))
            ):
                raise TypeError(
                    f"{options.title}: {name} must be a DataLoader (or another iterable of batches, or a list or dict "
                    f"of them, as Trainer.fit takes), a LightningDataModule or None, got {_shown(value)}"
                )
        if val_dataloaders is not None and not options.val_loss:
            warnings.warn(
                f"{options.title}: val_dataloaders are not used: the test reads the training loss "
                f"(val_loss=False). Pass val_loss=True to read, at each point, the mean loss over val_batches of "
                f"their batches, or leave them out",
                UserWarning,
                stacklevel=L.user_stacklevel(),
            )
        if isinstance(options, LROptions) and options.run_steps == _run_length.AUTO:
            _run_length.check_length_set(trainer, options.title)
        callback: _RangeTestCallback[Result] = _RangeTestCallback(options)
        callback._tuner_exit = True
        # (a datamodule given as train_dataloaders is the fit's datamodule too: review 59)
        dm = train_dataloaders if isinstance(train_dataloaders, pl.LightningDataModule) else datamodule
        with own_fit(trainer, model, callback, train_dataloaders, dm, log=options.log):
            trainer.fit(model, train_dataloaders, val_dataloaders, datamodule)
        if options.log and callback.result is not None:
            L.relog_hparams(trainer, None)
        if callback.result is None:
            if trainer.limit_train_batches == 0:
                why = "limit_train_batches=0 leaves no training batch"
            elif trainer.num_training_batches == 0:
                why = "the training data has no batch (an empty training dataloader)"
            else:
                why = _limit_reached(trainer)
            raise RuntimeError(
                f"{options.title}: it did not run, as the fit ended before training started: {why}"
            )
        if isinstance(options, LROptions) and options.apply:
            _warn_if_tested_again(trainer, options.title)
        return callback.result


def _shown(value: Any) -> str:
    """A wrong argument as an error shows it: its type, and its repr where that is one short line (r154: a
    module's repr, every layer, cut at 80 characters mid-line; review 121)."""
    text = repr(value)
    brief = f"{type(value).__name__} {text}" if "\n" not in text and len(text) <= 80 else type(value).__name__
    if isinstance(value, torch.nn.Module):
        brief += " (a model: the model is the first argument)"
    return brief


def _limit_reached(trainer: pl.Trainer) -> str:
    """Why the Tuner's fit ended before it trained, and what to change (r154: "max_epochs or max_steps was already
    reached ...; use a new Trainer" named neither, and a new Trainer with the same ``max_epochs=0`` failed alike;
    r157: a stop left set, by a callback or an ``EarlyStopping`` of an earlier fit, is no limit)."""
    step, epoch = trainer.global_step, trainer.current_epoch
    reached = [
        (name, limit)
        for name, limit, at in (
            ("max_steps", trainer.max_steps, step),
            ("max_epochs", trainer.max_epochs, epoch),
        )
        if limit is not None and 0 <= limit <= at
    ]
    if not reached:
        if L.stops_before_training(trainer):
            return (
                "trainer.should_stop was set before the first step (by a callback, or left by an earlier fit's "
                "EarlyStopping: Lightning before 2.5.1 keeps it for the next fit); set trainer.should_stop = False "
                "before the test, or use a new Trainer"
            )
        return f"no limit was reached at global_step={step}, epoch {epoch}, and the fit trained no step"
    said = " and ".join(f"{name}={limit}" for name, limit in reached)
    if step == 0 and epoch == 0:
        above = " and ".join(f"{name} above 0" for name, _ in reached)
        return (
            f"the Trainer's {said} {'lets' if len(reached) == 1 else 'let'} the fit train no step. The test runs as "
            f"the fit starts, so limits above 0 let it run: give the Trainer {above}"
        )
    return (
        f"{said} {'was' if len(reached) == 1 else 'were'} already reached at global_step={step} (this Trainer has "
        f"fitted before); use a new Trainer, or raise the limit"
    )


def _warn_if_tested_again(trainer: pl.Trainer, title: str) -> None:
    """Warn when the Trainer holds an ``LRRangeTest`` that applies its answer: it tests again in the next fit
    and sets its own over the one just applied (review 122: the Tuner's 0.00336 became 0.00127 at fit, without a
    word, and the Tuner's ~500 steps were thrown away). Inside the Tuner's own fit it stays idle."""
    found = next(
        (
            cb
            for cb in L.callbacks(trainer)
            if isinstance(cb, LRRangeTest) and isinstance(cb.options, LROptions) and cb.options.apply
        ),
        None,
    )
    if found is None:
        return
    when = (
        "when the next fit starts"
        if found.epochs is None
        else f"at the start of epoch{'s' if len(found.epochs) > 1 else ''} {', '.join(map(str, found.epochs))}"
    )
    warnings.warn(
        f"{title}: the Trainer also holds an LRRangeTest callback, which tests again {when} and applies its own "
        f"answer over the one just applied; remove it from the Trainer to train at this answer, or drop this "
        f"Tuner call and let the callback test",
        UserWarning,
        stacklevel=L.user_stacklevel(),
    )
