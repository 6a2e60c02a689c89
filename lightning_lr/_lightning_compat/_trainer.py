"""The trainer's internals the range test drives: hook dispatch, logging isolation, data setup, optimizers.

Each is resolved in the namespace of the trainer (or module, or strategy) it is given, so a
``pytorch_lightning.Trainer`` gets its own classes and exceptions; see :mod:`lightning_lr._lightning_compat`
for the list and the Lightning versions checked.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib
import itertools
import math
import os
import re
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import lightning.pytorch as pl
import torch

from ._namespaces import namespace, resolve

__all__ = [
    "SHARDED",
    "accumulate_grad_batches",
    "accumulation_changes",
    "aside_from_fit",
    "batches_done_in_epoch",
    "call_module",
    "call_strategy",
    "callbacks",
    "can_rebuild_optimizers",
    "epoch_steps",
    "gathered",
    "isolated_logging",
    "logged_in_this_run",
    "logged_value",
    "new_val_results",
    "no_sync",
    "overrides",
    "prime_val_results",
    "rebuild_optimizers",
    "resumes_within_epoch",
    "run_steps",
    "runs_in_spawned_processes",
    "same_on_every_rank",
    "set_aside",
    "set_callbacks",
    "setup_train_data",
    "sharded_strategy",
    "stops_before_training",
    "takes_dataloader_iter",
    "time_remaining",
    "to_device",
    "trainer_token",
    "tuner_exit",
    "val_loop_setup",
    "validating",
    "wrap_checkpoint_dump",
]


def callbacks(trainer: pl.Trainer) -> list[Any]:
    """``trainer.callbacks`` (set by Lightning's callback connector, so invisible to type checkers)."""
    return trainer.callbacks  # type: ignore[attr-defined]


def accumulate_grad_batches(trainer: pl.Trainer, epoch: int | None = None) -> int:
    """The micro-batches of one optimizer step in the current epoch (or in ``epoch``): the Trainer's
    ``accumulate_grad_batches``, or the value a ``GradientAccumulationScheduler`` on it gives the epoch. The
    scheduler sets the Trainer's value only at the epoch's start, after a range test at the fit's start has
    run (review 66: that test swept one micro-batch per step where the fit trained with four)."""
    scheduler = _accumulation_scheduler(trainer)
    if scheduler is not None:
        return int(scheduler.get_accumulate_grad_batches(trainer.current_epoch if epoch is None else epoch))
    return int(trainer.accumulate_grad_batches)


def _accumulation_scheduler(trainer: pl.Trainer) -> Any:
    """The ``GradientAccumulationScheduler`` on ``trainer``, or None."""
    scheduler = resolve(trainer, "callbacks", "GradientAccumulationScheduler")
    return next((cb for cb in callbacks(trainer) if isinstance(cb, scheduler)), None)


def epoch_steps(trainer: pl.Trainer, batches: int, epoch: int | None = None) -> int:
    """The optimizer steps of an epoch of ``batches`` batches, the current one or ``epoch``, as Lightning
    takes them: ``ceil(batches / accumulate_grad_batches)``, the accumulation of that epoch
    (:func:`accumulate_grad_batches`)."""
    return math.ceil(batches / accumulate_grad_batches(trainer, epoch))


def accumulation_changes(trainer: pl.Trainer, epochs: int | None = None) -> tuple[int, ...]:
    """The epochs after the first, and before ``epochs`` (None: any), at which a ``GradientAccumulationScheduler``
    on ``trainer`` gives another accumulation than the epoch before; () without one."""
    scheduler = _accumulation_scheduler(trainer)
    keys = sorted(
        int(e) for e in getattr(scheduler, "epochs", ()) if e > 0 and (epochs is None or e < epochs)
    )
    return tuple(
        e for e in keys if accumulate_grad_batches(trainer, e) != accumulate_grad_batches(trainer, e - 1)
    )


def run_steps(trainer: pl.Trainer, batches: int, epochs: int, start: int = 0) -> int:
    """The optimizer steps of epochs ``start`` to ``epochs`` (not included) of ``batches`` batches, each at its own
    accumulation: Lightning's ``estimated_stepping_batches`` counts each at the Trainer's value, which a
    ``GradientAccumulationScheduler`` sets only at each epoch's start (``{0: 4}`` on 8 batches, 3 epochs: 24
    steps estimated at setup, 6 taken)."""
    changes = [e for e in accumulation_changes(trainer, epochs) if e > start]
    starts = [start, *changes]
    ends = [*changes, max(epochs, start)]
    return sum((end - s) * epoch_steps(trainer, batches, s) for s, end in zip(starts, ends, strict=True))


def trainer_token(trainer: pl.Trainer) -> str:
    """A name for ``trainer`` that its copies share (a spawned process gets a pickled copy): a random hex
    string, set on the Trainer the first time it is asked for."""
    return _token(trainer)


def module_token(module: pl.LightningModule) -> str:
    """A name for ``module`` that its copies share, as :func:`trainer_token` (an attribute, not a buffer: it
    stays out of the module's ``state_dict``)."""
    return _token(module)


def _token(obj: Any) -> str:
    token = obj.__dict__.get("_lightning_lr_token")
    if not isinstance(token, str):
        token = uuid.uuid4().hex
        obj.__dict__["_lightning_lr_token"] = token
    return token


def time_remaining(trainer: pl.Trainer) -> float | None:
    """The seconds a ``Timer`` callback (``Trainer(max_time=...)`` adds one) leaves the run, the least if there
    are several; None without a time limit."""
    timer = resolve(trainer, "callbacks", "Timer")
    left = [cb.time_remaining() for cb in callbacks(trainer) if isinstance(cb, timer)]
    return min((x for x in left if x is not None), default=None)


@contextlib.contextmanager
def aside_from_fit(trainer: pl.Trainer) -> Iterator[None]:
    """What runs inside (a range test within a fit) is not the fit's: its time is not counted against a ``Timer``
    (``Trainer(max_time=...)``) that has started, whose training start moves later by the time taken, so a test
    at a later epoch leaves the fit its budget as the test at the fit's start does, which runs before the Timer
    starts (r159: ``max_time`` of 1 s spent on an epoch-1 test stopped the fit after 1 of that epoch's 8 steps);
    and its optimizer steps are not the run's (:func:`set_aside`). A Timer of another shape (a Lightning release
    whose private ``_start_time`` differs) is left as it is."""
    timer = resolve(trainer, "callbacks", "Timer")
    stage = resolve(trainer, "trainer.states", "RunningStage").TRAINING
    started = time.monotonic()
    depth = trainer.__dict__.get("_lightning_lr_aside", 0)
    trainer.__dict__["_lightning_lr_aside"] = depth + 1
    try:
        yield
    finally:
        trainer.__dict__["_lightning_lr_aside"] = depth
        taken = time.monotonic() - started
        for cb in callbacks(trainer):
            starts = getattr(cb, "_start_time", None) if isinstance(cb, timer) else None
            if isinstance(starts, dict) and isinstance(starts.get(stage), float):
                starts[stage] += taken


def set_aside(trainer: pl.Trainer) -> bool:
    """Whether what runs now is set aside from ``trainer``'s fit (:func:`aside_from_fit`)."""
    return bool(trainer.__dict__.get("_lightning_lr_aside", 0))


def stops_before_training(trainer: pl.Trainer) -> bool:
    """Whether the fit starting now ends before its first step because ``trainer.should_stop`` is already set:
    Lightning before 2.5.1 keeps an ``EarlyStopping`` stop on the Trainer for its next ``fit``, which then trains
    nothing (2.5.1 resets it in ``Trainer.fit``), unless ``min_epochs``/``min_steps`` still hold the fit."""
    if not trainer.should_stop:
        return False
    return bool(getattr(trainer.fit_loop, "_can_stop_early", True))


def set_callbacks(trainer: pl.Trainer, value: list[Any]) -> None:
    trainer.callbacks = value  # type: ignore[attr-defined]


def _call(trainer: pl.Trainer) -> Any:
    return importlib.import_module(f"{namespace(trainer)}.trainer.call")


def per_rank(trainer: pl.Trainer, value: float) -> list[float]:
    """``value`` of every rank, in rank order (a collective: every rank must call it); ``[value]`` on one
    process."""
    if trainer.world_size <= 1:
        return [float(value)]
    mine = torch.tensor([float(value)], device=trainer.strategy.root_device)
    return [float(x) for x in torch.as_tensor(trainer.strategy.all_gather(mine)).reshape(-1).tolist()]


#: seconds a rank waits at a comparison of the ranks (:func:`gathered`) before it says which ranks have not come
#: (``LIGHTNING_LR_RANK_PATIENCE`` sets it); it then goes on waiting, as torch.distributed does
RANK_PATIENCE = float(os.environ.get("LIGHTNING_LR_RANK_PATIENCE", "60"))
_arrivals = itertools.count()  # this process's comparisons, numbered alike on every rank


def _default_store() -> Any:
    """The default process group's key-value store, or None where torch does not expose it."""
    try:
        return torch.distributed.distributed_c10d._get_default_store()
    except Exception:  # (a private function: another torch, another group)
        return None


def await_ranks(what: str) -> None:
    """Before a comparison of the ranks (``what``, for the warning): wait for every rank to reach it through the
    default group's store, and after :data:`RANK_PATIENCE` seconds warn once, naming the ranks that have not come,
    then go on (into the collective, which waits as long as torch.distributed lets it). A rank not given what this
    one runs (a schedule callback or range test added on some ranks only) never comes: the fit hung without a
    word until torch.distributed's timeout, 30 minutes by default (review 150). A rank slow in its setup comes
    later, and nothing else changes."""
    store = _default_store()
    if store is None or not 0 < RANK_PATIENCE < 1e9:  # (0 or inf: no warning, the collective waits alone)
        return
    n, rank, world = next(_arrivals), torch.distributed.get_rank(), torch.distributed.get_world_size()
    keys = [f"lightning_lr/arrival/{n}/{r}" for r in range(world)]
    store.set(keys[rank], what)
    try:
        store.wait(keys, datetime.timedelta(seconds=RANK_PATIENCE))
        return
    except Exception:  # (DistStoreError: the patience ran out)
        pass
    try:
        missing = [r for r in range(world) if not store.check([keys[r]])]
    except Exception:  # (a store of the user's without check: the ranks are not named)
        missing = [r for r in range(world) if r != rank]
    if not missing:
        return
    ranks = ", ".join(map(str, missing))
    warnings.warn(
        f"{what}: rank {rank} has waited {RANK_PATIENCE:g} s for rank{'s' if len(missing) > 1 else ''} {ranks} to "
        f"reach it. A rank not given it (a schedule callback or LR range test added on some ranks only: under `if "
        f"trainer.is_global_zero`, or from a per-rank config) never does, and the fit waits until torch.distributed's "
        f"timeout: every rank must be given the same schedule callbacks and range tests. A rank slow in its setup "
        f"comes later, and the fit goes on",
        UserWarning,
        stacklevel=2,
    )


def gathered(trainer: pl.Trainer, value: Any, what: str = "lightning_lr") -> list[Any] | None:
    """Under DDP, ``value`` (a picklable object) of every rank, in rank order: a collective, every rank must call
    it (``what`` names it in the warning of :func:`await_ranks`). None without a torch.distributed group (one
    process, or a strategy whose processes share none: XLA's)."""
    if trainer.world_size <= 1 or not (
        torch.distributed.is_available() and torch.distributed.is_initialized()
    ):
        return None
    await_ranks(what)
    values: list[Any] = [None] * torch.distributed.get_world_size()
    torch.distributed.all_gather_object(values, value)
    return values


def _top_level(text: str) -> list[str]:
    """``text`` split at the commas outside brackets and quotes (``"a=[1, 2], b='x, y'"``: two parts)."""
    parts, depth, quote, start, i = [], 0, "", 0, 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
        i += 1
    parts.append(text[start:].strip())
    return parts


def _settings(text: str) -> dict[str, str] | None:
    """``name=value`` settings of a text ``"a=1, b=[2, 3]"`` or ``"Name(a=1, b=2)"``, by name, split outside
    brackets and quotes (review 152: ``lr=Linear(0.1, 0, total=100)`` was read as a setting ``total``); None when
    it is not such a list."""
    inner = re.fullmatch(r"\w+\((.*)\)", text, flags=re.S)
    pairs = [p.split("=", 1) for p in _top_level(inner.group(1) if inner else text)]
    if not all(len(p) == 2 and re.fullmatch(r"\w+", p[0]) for p in pairs):
        return None
    return {k: v for k, v in pairs}


def _differing(texts: list[str]) -> str:
    """`` (max_lr: 10.0 on rank 0, 2.0 on rank 1)``: the settings whose values differ between the ranks'
    ``texts``, when each is a list of ``name=value`` settings of the same names; "" otherwise (review 150: the
    error printed every option of both ranks and left finding the one that differs to the reader)."""
    read = [_settings(t) for t in texts]
    if any(r is None for r in read) or any(set(r or ()) != set(read[0] or ()) for r in read):
        return ""
    named = [r for r in read if r is not None]
    keys = [k for k in named[0] if any(r[k] != named[0][k] for r in named)]
    if not keys:
        return ""
    said = "; ".join(
        f"{k}: "
        + ", ".join(f"{r[k]} on rank {i}" for i, r in enumerate(named) if i == 0 or r[k] != named[0][k])
        for k in keys
    )
    return f" ({said})"


def same_on_every_rank(
    trainer: pl.Trainer, owner: str, what: str, given: str, advice: str | None = None
) -> None:
    """Under DDP, an error on every rank unless every rank was ``given`` what rank 0 was (a text: a repr of
    options or arguments; object addresses, which differ per process, are left out), naming what each rank
    that differs was given. A collective: every rank must call it. Ranks given other settings trained at
    their own LRs, their model copies apart, or waited on each other forever when their steps differed
    (review 118: ``LRRangeTest(num_steps=10)`` on one rank and 15 on the other hung without a word).
    ``advice``: what the error says to do, in place of setting them from the same config."""
    # a strategy whose processes share no torch.distributed group (XLA's) is not checked
    texts = gathered(
        trainer, re.sub(r" at 0x[0-9a-fA-F]+", "", given), f"{owner}: the ranks' comparison of {what}"
    )
    if texts is None:
        return
    first = texts[0]
    others = [f"rank {i} was given {t}" for i, t in enumerate(texts) if t != first]
    if others:
        raise ValueError(
            f"{owner}: the ranks were given different {what}{_differing(texts)}: rank 0 was given {first}, "
            f"{', '.join(others)}. "
            + (
                advice
                or "Every rank must be given the same (set them from the same config, not from the rank or an "
                "unseeded random number)"
            )
        )


def call_strategy(trainer: pl.Trainer, name: str, *args: Any, **kwargs: Any) -> Any:
    """``trainer.strategy.<name>(...)`` the way the training loop calls it."""
    return _call(trainer)._call_strategy_hook(trainer, name, *args, **kwargs)


def call_module(trainer: pl.Trainer, name: str, *args: Any, **kwargs: Any) -> Any:
    """``trainer.lightning_module.<name>(...)`` the way the training loop calls it."""
    return _call(trainer)._call_lightning_module_hook(trainer, name, *args, **kwargs)


def to_device(trainer: pl.Trainer, batch: Any, dataloader_idx: int = 0) -> Any:
    """The batch as ``training_step`` sees it: precision input conversion, then the module's and
    datamodule's batch-transfer hooks and the strategy's device transfer (the training loop's order)."""
    module = trainer.lightning_module
    batch = trainer.precision_plugin.convert_input(batch)
    batch = module._on_before_batch_transfer(batch, dataloader_idx=dataloader_idx)
    return call_strategy(trainer, "batch_to_device", batch, dataloader_idx=dataloader_idx)


@contextlib.contextmanager
def no_sync(trainer: pl.Trainer) -> Iterator[None]:
    """Skip DDP's gradient all-reduce (for the micro-batches of an accumulated step)."""
    strategy = trainer.strategy
    if isinstance(strategy, resolve(trainer, "strategies", "ParallelStrategy")):
        with strategy.block_backward_sync():
            yield
    else:
        yield


def _result_collection(trainer: pl.Trainer) -> Any:
    return resolve(trainer, "trainer.connectors.logger_connector.result", "_ResultCollection")


def _result_owners(trainer: pl.Trainer) -> list[tuple[Any, bool]]:
    loop = trainer.fit_loop.epoch_loop
    return [(loop, True), (loop.val_loop, False), (trainer.validate_loop, False)]


@contextlib.contextmanager
def isolated_logging(trainer: pl.Trainer) -> Iterator[None]:
    """``self.log`` during the sweep goes to throwaway collections; the loops' own collections, the
    logger connector's current hook, the module's current hook name and the trainer's stage are put back
    afterwards (also on error)."""
    owners = _result_owners(trainer)
    saved = [(owner, owner._results) for owner, _ in owners]
    connector = trainer._logger_connector
    module = trainer.lightning_module
    saved_fx = connector._current_fx
    saved_name = module._current_fx_name
    saved_stage = trainer.state.stage
    collection = _result_collection(trainer)
    try:
        for owner, training in owners:
            owner._results = collection(training=training)
        yield
    finally:
        for owner, results in saved:
            owner._results = results
        connector._current_fx = saved_fx
        module._current_fx_name = saved_name
        trainer.state.stage = saved_stage


def new_val_results(trainer: pl.Trainer, batch: Any) -> list[Any]:
    """Fresh validation collections (inside :func:`isolated_logging`), primed with ``batch`` for batch-size
    inference; returns them so the caller can read what ``validation_step`` logged."""
    out = []
    collection = _result_collection(trainer)
    for owner, training in _result_owners(trainer)[1:]:
        owner._results = collection(training=training)
        owner._results.batch = batch
        out.append(owner._results)
    return out


def prime_val_results(collections: list[Any], batch: Any) -> None:
    """Point the collections at the next validation batch (as the loop's ``on_batch_start`` does)."""
    for c in collections:
        c.batch = batch
        c.batch_size = None


def logged_value(collections: list[Any], key: str) -> tuple[Any, list[str]]:
    """The epoch-level value logged under ``key`` in any of the collections, and every key logged."""
    names: list[str] = []
    for c in collections:
        metrics = c.metrics(on_step=False)["callback"]
        names.extend(metrics)
        if key in metrics:
            return metrics[key], names
    return None, names


def logged_in_this_run(trainer: pl.Trainer, key: str) -> bool | None:
    """Whether ``key`` of ``trainer.callback_metrics`` was logged in the active loop's run so far (this
    validation run, this training epoch: its collection is reset after each), by any path (``self.log``,
    ``log_dict``, a callback's ``pl_module.log``, a ``log`` override that renames); None when no loop is
    active or its collection cannot tell."""
    results = getattr(trainer, "_results", None)
    if results is None:
        return None
    try:
        for metric in results.values():
            if metric.has_reset:  # not logged since the collection was reset
                continue
            meta = metric.meta
            names = {meta.name, meta.forked_name(False), meta.forked_name(True)}
            if meta.add_dataloader_idx and meta.dataloader_idx is not None:
                suffix = results.DATALOADER_SUFFIX.format(meta.dataloader_idx)
                names = {n + suffix for n in names}
            if key in names:
                return True
        return False
    except AttributeError:  # pragma: no cover - a Lightning whose collection is otherwise
        return None


@contextlib.contextmanager
def validating(trainer: pl.Trainer) -> Iterator[None]:
    """Run with ``trainer.state.stage`` set to validating (e.g. for the val-loss mode)."""
    saved = trainer.state.stage
    trainer.state.stage = resolve(trainer, "trainer.states", "RunningStage").VALIDATING
    try:
        yield
    finally:
        trainer.state.stage = saved


def val_loop_setup(trainer: pl.Trainer) -> None:
    """Set up the fit loop's validation dataloaders if the loop has not done it yet (the fit loop does the
    same at train start when it validates in the first epoch)."""
    if trainer.val_dataloaders is not None:
        return
    with validating(trainer):
        trainer.fit_loop.epoch_loop.val_loop.setup_data()


#: strategies that shard the parameters and optimizer state over ranks, by class name (DeepSpeed may not be
#: installed, and the standalone ``pytorch_lightning`` has its own classes of the same names)
SHARDED = ("FSDPStrategy", "ModelParallelStrategy", "DeepSpeedStrategy", "XLAFSDPStrategy")


def sharded_strategy(strategy: Any) -> str | None:
    """The name of the sharded strategy class ``strategy`` is (or derives from), or None."""
    for cls in type(strategy).__mro__:
        if cls.__name__ in SHARDED:
            return cls.__name__
    return None


def tuner_exit(trainer: pl.Trainer) -> BaseException:
    """The exception Lightning's Tuner raises to leave ``fit`` cleanly after its search (the trainer's
    namespace's: a Trainer catches only its own)."""
    return resolve(trainer, "utilities.exceptions", "_TunerExitException")()


def runs_in_spawned_processes(trainer: pl.Trainer) -> bool:
    """Whether ``fit`` runs in processes the launcher starts (ddp_spawn, ddp_fork, ddp_notebook, XLA), whose
    objects never come back to this one."""
    launcher = resolve(trainer, "strategies.launchers.multiprocessing", "_MultiProcessingLauncher")
    return isinstance(trainer.strategy.launcher, launcher)


def resumes_within_epoch(trainer: pl.Trainer) -> bool:
    """At train start: whether the training epoch loop is restarting, which it is when the fit resumes a
    checkpoint written within an epoch, but not after every such checkpoint (after an accumulation step it
    reads False): a guess, which the end of the epoch confirms or corrects."""
    return bool(trainer.fit_loop.epoch_loop.restarting)


def batches_done_in_epoch(trainer: pl.Trainer) -> int:
    """At train start of a fit that resumes within an epoch: the batches of that epoch done before the
    checkpoint (the training epoch loop's restored batch progress)."""
    return int(trainer.fit_loop.epoch_loop.batch_progress.current.ready)


def setup_train_data(trainer: pl.Trainer) -> None:
    """Set up the fit loop's training dataloader now (what ``estimated_stepping_batches`` does when
    ``max_epochs`` is set), so ``trainer.num_training_batches`` is known before the loop runs."""
    trainer.fit_loop.setup_data()


def rebuild_optimizers(trainer: pl.Trainer) -> None:
    """Build the optimizers and schedulers again from ``configure_optimizers`` (and wrap them for the
    precision plugin), as the trainer does at fit start."""
    trainer.strategy.setup_optimizers(trainer)
    trainer.strategy.setup_precision_plugin()


def configured_optimizers(module: pl.LightningModule) -> list[Any]:
    """The optimizers ``configure_optimizers`` builds now, parsed as the trainer parses them at fit start
    (a call of the hook; nothing is kept)."""
    return configured(module)[0]


def configured(module: pl.LightningModule) -> tuple[list[Any], list[Any]]:
    """The optimizers and the LR schedulers (the scheduler objects, not their configs) ``configure_optimizers``
    builds now, parsed as the trainer parses them at fit start (a call of the hook; nothing is kept)."""
    init = resolve(module, "core.optimizer", "_init_optimizers_and_lr_schedulers")
    optimizers, configs = init(module)[:2]
    return list(optimizers), [c.scheduler for c in configs]


def can_rebuild_optimizers(strategy: Any) -> bool:
    """Whether the strategy builds its optimizers the plain way (one device or DDP, ``setup_optimizers``
    not overridden), so :func:`rebuild_optimizers` gives what the trainer built at fit start."""
    plain = (
        resolve(strategy, "strategies", "SingleDeviceStrategy"),
        resolve(strategy, "strategies", "DDPStrategy"),
    )
    base = resolve(strategy, "strategies", "Strategy")
    return isinstance(strategy, plain) and type(strategy).setup_optimizers is base.setup_optimizers


def takes_dataloader_iter(module: pl.LightningModule) -> bool:
    """Whether ``training_step`` takes ``dataloader_iter`` instead of ``(batch, batch_idx)``."""
    is_param_in_hook_signature = resolve(module, "utilities.signature_utils", "is_param_in_hook_signature")
    return bool(is_param_in_hook_signature(module.training_step, "dataloader_iter", explicit=True))


def overrides(module: pl.LightningModule, name: str) -> bool:
    """Whether the module's class overrides the LightningModule hook ``name``."""
    return bool(resolve(module, "utilities.model_helpers", "is_overridden")(name, module))


def wrap_checkpoint_dump(
    trainer: pl.Trainer, around: Callable[[Callable[[], dict]], dict]
) -> Callable[[], None]:
    """Have every checkpoint ``trainer`` builds go through ``around(dump)``, where ``dump()`` builds it as
    Lightning would; returns the function that takes the wrapper off again.

    ``Trainer.save_checkpoint`` (what ``ModelCheckpoint`` calls, for full and weights-only checkpoints alike)
    builds the checkpoint with the checkpoint connector's ``dump_checkpoint``; callbacks see only full
    checkpoints (``on_save_checkpoint``), so whatever must hold for a weights-only one too is done here.
    """
    connector: Any = trainer._checkpoint_connector
    previous = connector.__dict__.get("dump_checkpoint")  # a wrapper of someone else's, kept under ours
    original = connector.dump_checkpoint

    def dump_checkpoint(*args: Any, **kwargs: Any) -> dict:
        return around(lambda: original(*args, **kwargs))

    connector.dump_checkpoint = dump_checkpoint

    def unwrap() -> None:
        if connector.__dict__.get("dump_checkpoint") is not dump_checkpoint:
            return  # already taken off, or wrapped again since: leave the newer wrapper in place
        if previous is None:
            del connector.dump_checkpoint
        else:
            connector.dump_checkpoint = previous

    return unwrap
