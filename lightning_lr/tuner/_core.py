"""The one range-test core both entry points run: check, snapshot, sweep, restore, log, apply.

The sweep is its own small loop over the trainer's strategy, not a re-run of Lightning's fit loop, so the
fit loop's progress, data fetcher and logged metrics are never touched and need no restoring. Per
optimizer step it sets the swept value (a pure schedule of the sweep step), runs ``training_step`` through
the strategy (precision autocast, DDP forward), ``backward`` through the strategy (precision plugin,
``no_sync`` on accumulated micro-batches) and the module's ``optimizer_step`` hook with a closure
(gradient clipping, the AMP scaler, closure optimizers such as LBFGS), exactly as the training loop does;
under manual optimization ``training_step`` does the stepping itself. The recorded loss is the mean of
the step's micro-batch losses, averaged over ranks with the strategy's ``reduce``: every rank holds the
same curve, stops at the same step and suggests the same value.
"""

from __future__ import annotations

import copy
import importlib.util
import math
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import lightning.pytorch as pl
import torch
from lightning.pytorch.trainer.states import RunningStage
from lightning.pytorch.utilities.combined_loader import CombinedLoader
from lightning.pytorch.utilities.exceptions import MisconfigurationException
from lightning.pytorch.utilities.rank_zero import rank_zero_warn
from torch.utils.data import DataLoader

from ..optim import momentum_key
from ..schedules import Schedule
from . import _lightning as L
from ._apply import apply_result, check_attr
from ._options import Options
from ._result import RangeTestResult, WeightDecayResult
from ._state import Snapshot

__all__ = ["run_range_test"]

if importlib.util.find_spec("ipywidgets") is not None:  # pragma: no cover - notebook only
    from tqdm.auto import tqdm
else:
    from tqdm import tqdm


# ---------------------------------------------------------------------------------------------
# entry
# ---------------------------------------------------------------------------------------------


def run_range_test(
    trainer: pl.Trainer, module: pl.LightningModule, options: Options, *, live: bool
) -> RangeTestResult | WeightDecayResult:
    """Run the range test inside a running ``fit`` (at train start or an epoch start).

    Everything it changes is restored before it returns or raises. With ``live=True`` the result is then
    applied to the running fit (its optimizer and schedulers); otherwise only to the model's attribute and
    the schedule callbacks (the Tuner's next ``fit`` builds its optimizer from those).
    """
    optimizer = _check_ready(trainer, module, options)
    attr = check_attr(module, options) if options.apply else None
    show_bar = options.progress_bar
    if show_bar is None:
        show_bar = trainer.progress_bar_callback is not None
    show_bar = bool(show_bar) and trainer.is_global_zero
    base_step = trainer.global_step
    batches = _Batches(trainer)
    snapshot = Snapshot(
        module,
        trainer.optimizers,
        [cfg.scheduler for cfg in trainer.lr_scheduler_configs],
        trainer.precision_plugin,
        batches.generators(),
    )
    callbacks = L.callbacks(trainer)
    results: list[RangeTestResult] = []
    try:
        L.set_callbacks(trainer, [])  # the sweep is invisible to other callbacks (they keep their state)
        with L.isolated_logging(trainer):
            val_batches = _val_batches(trainer, options) if options.val_loss else None
            wd_mask = _weight_decay_mask(optimizer) if options.weight_decays else None
            for i, wd in enumerate(options.weight_decays or (None,)):
                if i:
                    batches.close()  # every sweep starts from the same state and sees the same batches
                    snapshot.restore()
                if wd is not None and wd_mask is not None:
                    _set_weight_decay(optimizer, wd, wd_mask)
                prefix = _prefix(options, wd)
                desc = _describe(options, wd)
                results.append(
                    _sweep(
                        trainer, module, optimizer, options, batches, val_batches, wd, prefix, desc, show_bar
                    )
                )
    finally:
        L.set_callbacks(trainer, callbacks)
        batches.close()
        snapshot.restore()
    result: RangeTestResult | WeightDecayResult = (
        results[0] if options.weight_decays is None else WeightDecayResult(tuple(results))
    )
    if options.log and trainer.is_global_zero:
        _log_summary(trainer, result, options, base_step)
    if options.apply and options.param == "lr":
        apply_result(trainer, module, result, options, attr=attr, live=live)
    return result


def _prefix(options: Options, wd: float | None) -> str:
    """The logger tag prefix: ``lr_range_test`` (``momentum_range_test``), per weight decay a sub-prefix."""
    base = "lr_range_test" if options.param == "lr" else "momentum_range_test"
    return base if wd is None else f"{base}/wd={wd:g}"


def _describe(options: Options, wd: float | None) -> str:
    name = "LR range test" if options.param == "lr" else "Momentum range test"
    return name if wd is None else f"{name} (weight_decay={wd:g})"


# ---------------------------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------------------------


def _check_ready(trainer: pl.Trainer, module: pl.LightningModule, options: Options) -> torch.optim.Optimizer:
    optimizers = trainer.optimizers
    if len(optimizers) != 1:
        raise ValueError(
            f"the range test sweeps one optimizer, but configure_optimizers returned {len(optimizers)}; "
            f"return a single optimizer (use param groups for parts of the model)"
        )
    optimizer = optimizers[0]
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
    groups = optimizer.param_groups
    if options.param == "lr" or options.lr is None:
        lr0 = float(groups[0]["lr"])
        if not lr0 > 0:
            raise ValueError(
                f"param group 0 has lr={lr0!r}; the sweep's LR is group 0's and the other groups keep their "
                f"ratio to it, so group 0 needs an LR > 0"
            )
    if options.param == "momentum":
        for i, g in enumerate(groups):
            if momentum_key(g) is None:
                raise ValueError(
                    f"momentum_range_test needs an optimizer with momentum or betas, but param group {i} of "
                    f"{type(optimizer).__name__} has neither"
                )
    if options.weight_decays is not None:
        for i, g in enumerate(groups):
            if "weight_decay" not in g:
                raise ValueError(
                    f"weight_decays needs param groups with a 'weight_decay', but group {i} of "
                    f"{type(optimizer).__name__} has none"
                )
    from lightning.pytorch.utilities.signature_utils import is_param_in_hook_signature

    if is_param_in_hook_signature(module.training_step, "dataloader_iter", explicit=True):
        raise NotImplementedError(
            "the range test calls training_step(batch, batch_idx); a training_step(dataloader_iter) is not "
            "supported"
        )
    if options.val_loss and not _overridden(module, "validation_step"):
        raise ValueError(
            "val_loss=True needs a validation_step on the model; define one or pass val_loss=False"
        )
    return optimizer


def _overridden(module: pl.LightningModule, name: str) -> bool:
    from lightning.pytorch.utilities.model_helpers import is_overridden

    return is_overridden(name, module)


# ---------------------------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------------------------


def _single_use(dl: Any) -> Any:
    """A loader whose iterator is not shared with the fit loop: a persistent-worker DataLoader hands the
    same iterator to every ``iter()``, so the sweep iterates a non-persistent shallow copy of it."""
    if isinstance(dl, DataLoader) and dl.persistent_workers and dl.num_workers > 0:
        twin = copy.copy(dl)
        object.__setattr__(twin, "persistent_workers", False)
        object.__setattr__(twin, "_iterator", None)
        return twin
    return dl


def _generators(dl: Any) -> list[torch.Generator]:
    found = []
    for obj in (
        dl,
        getattr(dl, "sampler", None),
        getattr(getattr(dl, "batch_sampler", None), "sampler", None),
    ):
        g = getattr(obj, "generator", None)
        if isinstance(g, torch.Generator):
            found.append(g)
    return found


class _Batches:
    """Training batches for the sweep, on device, cycling through the training data as epochs would
    (``limit_train_batches`` respected)."""

    def __init__(self, trainer: pl.Trainer) -> None:
        self.trainer = trainer
        loaders = trainer.train_dataloader
        if loaders is None:
            raise RuntimeError(
                "the range test found no training data: pass train_dataloaders or a datamodule, or define "
                "train_dataloader() on the model"
            )
        self.combined = CombinedLoader(loaders, "max_size_cycle")
        self.combined.flattened = [_single_use(dl) for dl in self.combined.flattened]
        limit = trainer.num_training_batches
        self.limit = limit if isinstance(limit, int) else math.inf
        self.iterator: Iterator[Any] | None = None
        self.in_epoch = 0
        self.index = 0

    def generators(self) -> list[torch.Generator]:
        return [g for dl in self.combined.flattened for g in _generators(dl)]

    def next(self) -> tuple[Any, int]:
        for _ in range(3):
            if self.iterator is None:
                self.iterator = iter(self.combined)
                self.in_epoch = 0
            if self.in_epoch < self.limit:
                try:
                    batch, _, _ = next(self.iterator)
                except StopIteration:
                    pass
                else:
                    self.in_epoch += 1
                    index, self.index = self.index, self.index + 1
                    return L.to_device(self.trainer, batch), index
            if self.in_epoch == 0:
                break
            self.iterator = None
        raise RuntimeError("the training dataloader yielded no batch; the range test needs training data")

    def close(self) -> None:
        self.iterator = None
        self.combined.reset()


_NO_VAL = (
    "val_loss=True needs validation data: pass val_dataloaders or a datamodule with val_dataloader(), "
    "and keep limit_val_batches > 0"
)


def _val_batches(trainer: pl.Trainer, options: Options) -> list[Any]:
    try:
        L.val_loop_setup(trainer)
    except MisconfigurationException as exc:
        raise ValueError(f"{_NO_VAL} ({exc})") from exc
    loaders = trainer.val_dataloaders
    if isinstance(loaders, Mapping):
        loaders = next(iter(loaders.values()), None)
    elif isinstance(loaders, Sequence) and not isinstance(loaders, DataLoader):
        loaders = loaders[0] if loaders else None
    if loaders is None:
        raise ValueError(_NO_VAL)
    out = []
    for batch in _single_use(loaders):
        out.append(L.to_device(trainer, batch, 0))
        if len(out) == options.val_batches:
            break
    if not out:
        raise ValueError("val_loss=True: the validation dataloader yielded no batch")
    return out


# ---------------------------------------------------------------------------------------------
# param groups
# ---------------------------------------------------------------------------------------------


def _assign(group: dict[str, Any], key: str, value: float) -> None:
    current = group[key]
    if isinstance(current, torch.Tensor):
        current.fill_(value)
    else:
        group[key] = value


def _set_momentum(group: dict[str, Any], value: float) -> None:
    key = momentum_key(group)
    if key == "momentum":
        _assign(group, "momentum", value)
    elif key == "betas":
        betas = group["betas"]
        if isinstance(betas[0], torch.Tensor):
            betas[0].fill_(value)
        else:
            group["betas"] = (value, *betas[1:])


def _momentum_of(group: dict[str, Any]) -> float | None:
    key = momentum_key(group)
    if key is None:
        return None
    return float(group["momentum"] if key == "momentum" else group["betas"][0])


def _weight_decay_mask(optimizer: torch.optim.Optimizer) -> list[bool]:
    """Which groups a weight-decay sweep sets: those with a non-zero weight decay (groups kept at 0, such
    as biases and norms, stay at 0), or every group when none has one."""
    nonzero = [float(g["weight_decay"]) != 0.0 for g in optimizer.param_groups]
    return nonzero if any(nonzero) else [True] * len(nonzero)


def _set_weight_decay(optimizer: torch.optim.Optimizer, value: float, mask: list[bool]) -> None:
    for g, on in zip(optimizer.param_groups, mask, strict=True):
        if on:
            _assign(g, "weight_decay", value)


# ---------------------------------------------------------------------------------------------
# the sweep
# ---------------------------------------------------------------------------------------------


def _loss_of(output: Any, where: str) -> torch.Tensor:
    loss = output.get("loss") if isinstance(output, Mapping) else output
    if not isinstance(loss, torch.Tensor):
        got = "None" if output is None else type(output).__name__
        raise ValueError(
            f"{where} must return the loss (a tensor, or a dict with a 'loss' tensor) at every step of the "
            f"range test, got {got}"
        )
    return loss


@dataclass
class _Curve:
    lrs: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    momentums: list[float | None] = field(default_factory=list)
    stop: str = "completed"


def _sweep(
    trainer: pl.Trainer,
    module: pl.LightningModule,
    optimizer: torch.optim.Optimizer,
    options: Options,
    batches: _Batches,
    val_batches: list[Any] | None,
    weight_decay: float | None,
    prefix: str,
    desc: str,
    show_bar: bool,
) -> RangeTestResult:
    groups = optimizer.param_groups
    lr0 = float(groups[0]["lr"])
    ratios = [float(g["lr"]) / lr0 if lr0 > 0 else 1.0 for g in groups]
    value = options.schedule()
    lr_schedule: Schedule | None = value if options.param == "lr" else options.fixed_lr()
    momentum_schedule = value if options.param == "momentum" else None
    step = _automatic_step if module.automatic_optimization else _manual_step
    loggers = trainer.loggers if (options.log and trainer.is_global_zero) else []
    base = trainer.global_step
    threshold = options.early_stop_threshold
    beta = options.smoothing
    curve = _Curve()
    avg = weight = 0.0
    best = math.inf
    bar = tqdm(total=options.num_steps, desc=desc, disable=not show_bar, leave=False, dynamic_ncols=True)
    try:
        for t in range(options.num_steps):
            if lr_schedule is not None:
                lr = lr_schedule(t)
                for g, r in zip(groups, ratios, strict=True):
                    _assign(g, "lr", lr * r)
            if momentum_schedule is not None:
                m = momentum_schedule(t)
                for g in groups:
                    _set_momentum(g, m)
            lr_t = float(groups[0]["lr"])
            momentum_t = _momentum_of(groups[0])
            loss = step(trainer, module, optimizer, batches, t)
            if val_batches is not None:
                loss = _val_loss(trainer, val_batches, options.val_key)
            value_t = float(trainer.strategy.reduce(loss.detach().float(), reduce_op="mean"))
            curve.lrs.append(lr_t)
            curve.losses.append(value_t)
            curve.momentums.append(momentum_t)
            avg = beta * avg + (1.0 - beta) * value_t
            weight = beta * weight + (1.0 - beta)
            smoothed = avg / weight
            if loggers:
                metrics = {
                    f"{prefix}/lr": lr_t,
                    f"{prefix}/loss": value_t,
                    f"{prefix}/smoothed_loss": smoothed,
                }
                if momentum_t is not None:
                    metrics[f"{prefix}/momentum"] = momentum_t
                for lg in loggers:
                    lg.log_metrics(metrics, step=base + t)
            bar.update(1)
            if show_bar:
                bar.set_postfix(lr=f"{lr_t:.2e}", loss=f"{smoothed:.4g}", refresh=False)
            if not math.isfinite(value_t):
                curve.stop = "non-finite loss"
                break
            if threshold is not None and t > 0 and smoothed > best + (threshold - 1.0) * abs(best):
                curve.stop = "diverged"
                break
            best = min(best, smoothed)
    finally:
        bar.close()
    return RangeTestResult(
        lrs=tuple(curve.lrs),
        losses=tuple(curve.losses),
        momentums=tuple(curve.momentums),
        mode=options.mode,
        smoothing=options.smoothing,
        param=options.param,
        num_steps=options.num_steps,
        stop_reason=curve.stop,
        val_loss=options.val_loss,
        weight_decay=weight_decay,
    )


def _automatic_step(
    trainer: pl.Trainer,
    module: pl.LightningModule,
    optimizer: torch.optim.Optimizer,
    batches: _Batches,
    t: int,
) -> torch.Tensor:
    """One optimizer step over ``accumulate_grad_batches`` micro-batches; returns their mean loss."""
    accumulate = trainer.accumulate_grad_batches
    epoch = trainer.current_epoch
    lightning_optimizer = module.optimizers(use_pl_optimizer=True)
    if isinstance(lightning_optimizer, list):  # pragma: no cover - one optimizer is checked before
        lightning_optimizer = lightning_optimizer[0]
    total: torch.Tensor | None = None
    for k in range(accumulate):
        batch, batch_idx = batches.next()
        first: list[torch.Tensor] = []

        @torch.enable_grad()
        def closure(
            batch: Any = batch, batch_idx: int = batch_idx, k: int = k, first: list = first
        ) -> torch.Tensor:
            output = L.call_strategy(trainer, "training_step", batch, batch_idx)
            loss = _loss_of(output, "training_step")
            if not first:  # closure optimizers (LBFGS) call this several times; the first is the step's loss
                first.append(loss.detach().float())
            if k == 0:
                L.call_module(trainer, "on_before_zero_grad", optimizer)
                L.call_module(trainer, "optimizer_zero_grad", epoch, batch_idx, optimizer)
            L.call_strategy(trainer, "backward", loss / accumulate, optimizer)
            return loss.detach() / accumulate

        if k < accumulate - 1:
            with L.no_sync(trainer):
                closure()
        else:
            L.call_module(trainer, "optimizer_step", epoch, batch_idx, lightning_optimizer, closure)
        if not first:
            raise RuntimeError(
                f"optimizer_step did not call its optimizer_closure at step {t} of the range test; "
                f"call optimizer.step(closure=optimizer_closure) in your optimizer_step override"
            )
        total = first[0] if total is None else total + first[0]
    assert total is not None
    return total / accumulate


def _manual_step(
    trainer: pl.Trainer,
    module: pl.LightningModule,
    optimizer: torch.optim.Optimizer,
    batches: _Batches,
    t: int,
) -> torch.Tensor:
    """Manual optimization: ``training_step`` steps the optimizer itself; it must return the loss."""
    batch, batch_idx = batches.next()
    output = L.call_strategy(trainer, "training_step", batch, batch_idx)
    return _loss_of(output, "training_step (manual optimization)").detach().float()


def _val_loss(trainer: pl.Trainer, val_batches: list[Any], key: str) -> torch.Tensor:
    """Mean validation loss over the fixed validation batches, in eval mode without gradients."""
    module = trainer.lightning_module
    modes = [(m, m.training) for m in module.modules()]
    returned: list[torch.Tensor] = []
    try:
        module.eval()
        with torch.no_grad(), L.stage(trainer, RunningStage.VALIDATING):
            collections = L.new_val_results(trainer, val_batches[0])
            for j, batch in enumerate(val_batches):
                L.prime_val_results(collections, batch)
                output = L.call_strategy(trainer, "validation_step", batch, j)
                if isinstance(output, torch.Tensor):
                    returned.append(output.detach().float().mean())
                elif isinstance(output, Mapping):
                    v = output.get(key, output.get("loss"))
                    if isinstance(v, torch.Tensor):
                        returned.append(v.detach().float().mean())
            if len(returned) == len(val_batches):
                return torch.stack(returned).mean()
            value, names = L.logged_value(collections, key)
    finally:
        for m, training in modes:
            m.training = training
    if value is None:
        raise ValueError(
            f"val_loss=True: validation_step neither returned a loss nor logged {key!r} (it logged "
            f"{sorted(set(names)) or 'nothing'}); log the validation loss as {key!r} or pass val_key=<its name>"
        )
    return torch.as_tensor(value).detach().float()


# ---------------------------------------------------------------------------------------------
# logging
# ---------------------------------------------------------------------------------------------


def _log_summary(
    trainer: pl.Trainer, result: RangeTestResult | WeightDecayResult, options: Options, base: int
) -> None:
    """After the sweep (rank 0): the suggestion as a metric and the figure in TensorBoard."""
    loggers = trainer.loggers
    if not loggers:
        return
    runs = result.results if isinstance(result, WeightDecayResult) else (result,)
    for r in runs:
        prefix = _prefix(options, r.weight_decay)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = r.suggestion(options.method if options.param == "lr" else None)
        if value is not None:
            for lg in loggers:
                lg.log_metrics({f"{prefix}/suggestion": value}, step=base + max(len(r) - 1, 0))
    experiments = [getattr(lg, "experiment", None) for lg in loggers]
    writers: list[Any] = [e for e in experiments if hasattr(e, "add_figure")]
    if not writers:
        return
    if importlib.util.find_spec("matplotlib") is None:  # pragma: no cover - depends on the environment
        rank_zero_warn(
            "the range-test figure needs matplotlib (pip install matplotlib); only scalars were logged"
        )
        return
    from ..plotting import pyplot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig = result.plot(method=options.method if options.param == "lr" else None)
    tag = "lr_range_test/figure" if options.param == "lr" else "momentum_range_test/figure"
    for w in writers:
        w.add_figure(tag, fig, global_step=base, close=False)
    pyplot().close(fig)
