"""Every Lightning internal lightning_lr touches, in one package (checked on Lightning 2.6.6 and 2.4.0).

The range test, the schedule callbacks and the mixin use Lightning's public API wherever it has a hook.
What it lacks is wrapped here, so a Lightning upgrade has one place to check (and the tests that cover it).
Everything works with a ``lightning.pytorch`` and a ``pytorch_lightning`` Trainer alike: each internal is
taken from the namespace of the object it is used on (:mod:`._namespaces`).

- :mod:`._namespaces`: the two namespaces; the :class:`Callback` base of both; ``isinstance`` stand-ins for
  ``LearningRateMonitor`` and ``TensorBoardLogger``; ``MisconfigurationException``; both ``LightningModule``
  classes (the mixin checks it comes before them in a module's bases).
- :mod:`._trainer`:

  - ``trainer.call``: the dispatch the loops use, which sets the module's current hook name (``self.log``
    checks it) and profiles the call.
  - the loops' ``_results`` collections (``_ResultCollection``), the logger connector's ``_current_fx``
    and the module's ``_current_fx_name``: swapped for throwaway ones during the sweep, so ``self.log``
    inside ``training_step`` works and nothing the sweep logs reaches the real epoch's metrics.
  - the active loop's collection (``trainer._results``: each result's ``has_reset``, its ``meta`` names and
    the collection's ``DATALOADER_SUFFIX``): whether a metric was logged in this validation run or training
    epoch, which ``trainer.callback_metrics`` (holding a value until it is logged again) cannot tell.
  - ``LightningModule._on_before_batch_transfer``: the batch hooks as the training loop calls them.
  - ``fit_loop.epoch_loop.restarting`` and its ``batch_progress``: whether a resumed fit starts within an
    epoch, and the batches of it done before the checkpoint.
  - ``fit_loop.setup_data()`` / ``val_loop.setup_data()``: the loops' own data setup, before they run it.
  - ``trainer.states.RunningStage``: the stage set while the sweep validates.
  - ``_TunerExitException``: how Lightning's own Tuner leaves ``fit`` after its search.
  - ``_MultiProcessingLauncher``: whether ``fit`` runs in spawned processes.
  - ``utilities.signature_utils.is_param_in_hook_signature`` and ``utilities.model_helpers.is_overridden``.
  - ``Strategy.setup_optimizers`` / ``setup_precision_plugin``: what the trainer calls at fit start, called
    again to rebuild the optimizers (for ``SingleDeviceStrategy`` and ``DDPStrategy``).
  - ``trainer.callbacks``: set by the callback connector (an attribute type checkers cannot see).
  - the checkpoint connector's ``dump_checkpoint``, wrapped so a weights-only checkpoint (which callbacks
    never see) is built at the weights a callback chooses (:func:`._trainer.wrap_checkpoint_dump`).
  - the sharded strategies' class names (FSDP, ModelParallel, DeepSpeed, XLA FSDP), which the range test
    refuses.

- :mod:`._hparams`: ``LightningModule._hparams_initial`` / ``_log_hyperparams`` (the initial hparams loggers
  receive at fit start), set, and logged again after a range test changed them; ``TensorBoardLogger``'s
  ``hparams`` and ``NAME_HPARAMS_FILE``, to write its ``hparams.yaml`` again.
- :mod:`._spawn`: ``_MultiProcessingLauncher.get_extra_results`` / ``update_main_process_results``, which
  carry what callbacks hand over from rank 0 of a ``ddp_spawn`` fit to the main process.

Lightning versions checked: 2.6.6 and 2.4.0, the lowest supported (``make test-lowest``), for ``lightning`` and
``pytorch_lightning``.
"""

from ._hparams import held_hparams, logged_hparams, relog_hparams, set_initial_hparams, set_saved_hparam
from ._namespaces import (
    NAMESPACES,
    Callback,
    LearningRateMonitor,
    TensorBoardLogger,
    Trainer,
    misconfiguration_errors,
    namespace,
    on_rank_zero,
    rank_zero_info,
    resolve,
    user_stacklevel,
    warn_at_user,
)
from ._spawn import HAND_OVER, RECEIVE
from ._spawn import install as install_spawn_hand_over
from ._trainer import (
    SHARDED,
    accumulate_grad_batches,
    accumulation_changes,
    aside_from_fit,
    batches_done_in_epoch,
    call_module,
    call_strategy,
    callbacks,
    can_rebuild_optimizers,
    configured,
    configured_optimizers,
    epoch_steps,
    gathered,
    isolated_logging,
    logged_in_this_run,
    logged_value,
    module_token,
    new_val_results,
    no_sync,
    overrides,
    per_rank,
    prime_val_results,
    rebuild_optimizers,
    resumes_within_epoch,
    run_steps,
    runs_in_spawned_processes,
    same_on_every_rank,
    set_aside,
    set_callbacks,
    setup_train_data,
    sharded_strategy,
    stops_before_training,
    takes_dataloader_iter,
    time_remaining,
    to_device,
    trainer_token,
    tuner_exit,
    val_loop_setup,
    validating,
    wrap_checkpoint_dump,
)

__all__ = [
    "HAND_OVER",
    "NAMESPACES",
    "RECEIVE",
    "SHARDED",
    "Callback",
    "LearningRateMonitor",
    "TensorBoardLogger",
    "Trainer",
    "accumulate_grad_batches",
    "accumulation_changes",
    "aside_from_fit",
    "batches_done_in_epoch",
    "call_module",
    "call_strategy",
    "callbacks",
    "can_rebuild_optimizers",
    "configured",
    "configured_optimizers",
    "epoch_steps",
    "gathered",
    "held_hparams",
    "install_spawn_hand_over",
    "isolated_logging",
    "logged_hparams",
    "logged_in_this_run",
    "logged_value",
    "misconfiguration_errors",
    "module_token",
    "namespace",
    "new_val_results",
    "no_sync",
    "on_rank_zero",
    "overrides",
    "per_rank",
    "prime_val_results",
    "rank_zero_info",
    "rebuild_optimizers",
    "relog_hparams",
    "resolve",
    "resumes_within_epoch",
    "run_steps",
    "runs_in_spawned_processes",
    "same_on_every_rank",
    "set_aside",
    "set_callbacks",
    "set_initial_hparams",
    "set_saved_hparam",
    "setup_train_data",
    "sharded_strategy",
    "stops_before_training",
    "takes_dataloader_iter",
    "time_remaining",
    "to_device",
    "trainer_token",
    "tuner_exit",
    "user_stacklevel",
    "val_loop_setup",
    "validating",
    "warn_at_user",
    "wrap_checkpoint_dump",
]
