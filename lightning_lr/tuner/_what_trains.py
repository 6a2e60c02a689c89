"""Whether the fit trains the model the range test swept: what a hook after the test changed, said.

The callback's test runs in its ``on_train_start`` (or ``on_train_epoch_start`` for a listed epoch), and
Lightning calls that hook on the callbacks in their list's order and then on the module. A change made in a
hook after the test, by a callback listed after ``LRRangeTest`` or by the module's own hook, is not in what
the test swept: r197, a ``BaseFinetuning`` listed after ``LRRangeTest(epochs=[1])`` added the backbone's param
group after the test, which had swept the head alone, and the fit at its answer ended at chance accuracy; a
module that put its BatchNorm in eval mode in ``on_train_start`` was swept in train mode. Either way unsaid.

So the callback notes, before its test, what decides how the model trains (the param groups of each
optimizer, which parameters train, which modules are in train mode) and compares it at the fit's next batch,
after every epoch-start hook: a difference is said, with what changed and where to make the change instead.
The Tuner's test ends its fit in ``on_train_start``; the fit after it is another, so only the module's own
``on_train_start`` (which Lightning calls after the callbacks') is said, before its test.
"""

from __future__ import annotations

from dataclasses import dataclass

import lightning.pytorch as pl
import torch

from .. import _lightning_compat as L
from .._lightning_compat import rank_zero_info

__all__ = ["Trained", "say_if_changed", "say_module_train_start"]

#: the most names a message lists of one kind (the rest are counted)
_SHOWN = 4


@dataclass(frozen=True)
class Trained:
    """What decides how the model trains, as the test found it: each optimizer's param groups (the ids of
    their parameters), the parameters that require a gradient, the submodules in train mode; and when the
    test ran (the epoch, and whether at a listed epoch's start or at the fit's start)."""

    groups: tuple[tuple[tuple[int, ...], ...], ...]
    trainable: frozenset[int]
    training: frozenset[str]
    epoch: int
    scheduled: bool

    @classmethod
    def of(cls, trainer: pl.Trainer, pl_module: pl.LightningModule, epoch: int, scheduled: bool) -> Trained:
        groups = tuple(
            tuple(tuple(id(p) for p in g["params"]) for g in opt.param_groups) for opt in trainer.optimizers
        )
        trainable = frozenset(id(p) for p in pl_module.parameters() if p.requires_grad)
        training = frozenset(name for name, m in pl_module.named_modules() if m.training)
        return cls(groups, trainable, training, epoch, scheduled)


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:_SHOWN])
    return shown + (f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else "")


def _changes(swept: Trained, now: Trained, pl_module: torch.nn.Module) -> list[str]:
    names = {id(p): n for n, p in pl_module.named_parameters()}
    said = []
    for i, (was, is_) in enumerate(zip(swept.groups, now.groups, strict=False)):
        which = "the optimizer" if len(now.groups) == 1 else f"optimizer {i}"
        if len(was) != len(is_):
            said.append(f"{which} has {len(is_)} param groups where the test swept {len(was)}")
        elif [set(g) for g in was] != [set(g) for g in is_]:
            said.append(f"{which}'s param groups hold other parameters than the test swept")
    if len(swept.groups) != len(now.groups):
        said.append(f"the fit has {len(now.groups)} optimizers where the test swept {len(swept.groups)}")
    for verb, ids in (
        ("now train", now.trainable - swept.trainable),
        ("no longer train", swept.trainable - now.trainable),
    ):
        if ids:
            params = sorted(names.get(k, "?") for k in ids)
            said.append(f"{len(ids)} parameters {verb} ({_listed(params)})")
    kinds = {name: type(m).__name__ for name, m in pl_module.named_modules()}
    for mode, found in (("eval", swept.training - now.training), ("train", now.training - swept.training)):
        if found:
            modules = [f"{n or 'the module'} ({kinds.get(n, '?')})" for n in sorted(found)]
            said.append(f"{len(found)} submodules are now in {mode} mode ({_listed(modules)})")
    return said


def say_if_changed(
    swept: Trained, trainer: pl.Trainer, pl_module: pl.LightningModule, title: str, owner: str
) -> None:
    """Warn when the model the fit trains at this batch is not the one ``swept`` found before the test of the
    callback ``owner`` (its class's name)."""
    said = _changes(swept, Trained.of(trainer, pl_module, swept.epoch, swept.scheduled), pl_module)
    if not said:
        return
    hook = "on_train_epoch_start" if swept.scheduled else "on_train_start"
    when = f"the start of epoch {swept.epoch}" if swept.scheduled else "the fit's start"
    later = (
        ""
        if swept.scheduled
        else f"; or in the on_train_epoch_start of epoch {swept.epoch}, of any callback or the module, which "
        f"comes after a test at the fit's start (to test the model that epoch trains, pass epochs=[{swept.epoch}])"
    )
    L.warn_at_user(
        f"{title}: the model this fit trains is not the one the test at {when} swept: {'; '.join(said)}. That "
        f"changed in a hook that runs after the test: the {hook} of a callback listed after {owner} (list "
        f"{owner} after it), or the module's own {hook} (Lightning calls it after every callback's: make the "
        f"change in setup or configure_optimizers instead){later}. The answer was applied as found",
        category=UserWarning,
    )


def say_module_train_start(pl_module: pl.LightningModule, title: str) -> None:
    """The Tuner's test: say, when the module overrides ``on_train_start``, that the fit after the test runs it
    and the test did not (Lightning calls it after the callbacks', and the Tuner's test ends its fit in its
    callback's ``on_train_start``)."""
    if not L.overrides(pl_module, "on_train_start"):
        return
    rank_zero_info(
        f"{title}: {type(pl_module).__name__}.on_train_start runs in the fit after the Tuner's test, not before "
        f"it (Lightning calls the callbacks' on_train_start first, and the test ends its fit there), so what it "
        f"changes in the model or the optimizer (a layer frozen or unfrozen, BatchNorm put in eval mode, a "
        f"param group added) is not in what the test swept; make that change in the module's setup or "
        f"configure_optimizers"
    )
