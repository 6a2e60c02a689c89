"""Injection: wrap a LightningModule's ``configure_optimizers`` so schedule callbacks can add their
scheduler configs to whatever it returns.

One :class:`Injection` is installed per module (as the instance attribute ``configure_optimizers``) while
at least one schedule callback is set up for fit. It calls the module's own ``configure_optimizers``,
normalizes the result to Lightning's ``([optimizers], [schedulers])`` form and passes it through every
registered callback, in the order they were set up. When the last callback leaves (teardown or an
exception), the module's own method is visible again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from torch.optim.lr_scheduler import ReduceLROnPlateau

__all__ = ["Injection", "OptimizerConfig", "install", "uninstall"]

_FORMS = (
    "an Optimizer, a list of Optimizers, ([Optimizers], [schedulers]), a dict with 'optimizer' (and "
    "optionally 'lr_scheduler' and 'monitor'), or a list of such dicts"
)


@dataclass
class OptimizerConfig:
    """``configure_optimizers``' result in one form: the optimizers and the scheduler entries (each a
    scheduler or a Lightning scheduler-config dict, kept as the user gave them)."""

    optimizers: list[Any]
    schedulers: list[Any] = field(default_factory=list)

    @staticmethod
    def scheduler_of(entry: Any) -> Any:
        return entry.get("scheduler") if isinstance(entry, Mapping) else entry

    def entries_for(self, optimizer: Any) -> list[int]:
        """Indices of the scheduler entries that drive ``optimizer``."""
        return [
            i
            for i, e in enumerate(self.schedulers)
            if getattr(self.scheduler_of(e), "optimizer", None) is optimizer
        ]

    def to_lightning(self) -> tuple[list[Any], list[Any]]:
        return list(self.optimizers), list(self.schedulers)


def _is_optimizer(x: Any) -> bool:
    # Lightning's `Optimizable`: anything with step, zero_grad and param_groups
    return all(hasattr(x, a) for a in ("step", "zero_grad", "param_groups")) and not isinstance(x, Mapping)


def parse(conf: Any) -> OptimizerConfig:
    """Normalize every form Lightning accepts from ``configure_optimizers`` (same rules as Lightning's
    own parser). A ``ReduceLROnPlateau`` given bare next to a top-level ``monitor`` becomes a config dict
    with that monitor, which is what Lightning does with it."""
    if conf is None:
        raise ValueError(
            "configure_optimizers returned None, so there is no optimizer to schedule; return an optimizer "
            "or remove the schedule callback"
        )
    if _is_optimizer(conf):
        return OptimizerConfig([conf])
    if (
        isinstance(conf, (list, tuple))
        and len(conf) == 2
        and isinstance(conf[0], list)
        and all(_is_optimizer(o) for o in conf[0])
    ):
        opts, scheds = conf
        return OptimizerConfig(list(opts), list(scheds) if isinstance(scheds, list) else [scheds])
    if isinstance(conf, Mapping):
        return _from_dicts([conf])
    if isinstance(conf, (list, tuple)) and conf and all(isinstance(d, Mapping) for d in conf):
        return _from_dicts(list(conf))
    if isinstance(conf, (list, tuple)) and all(_is_optimizer(o) for o in conf):
        return OptimizerConfig(list(conf))
    raise TypeError(f"configure_optimizers must return {_FORMS}; got {conf!r}")


def _from_dicts(dicts: list[Mapping[str, Any]]) -> OptimizerConfig:
    out = OptimizerConfig([])
    for d in dicts:
        if "optimizer" not in d:
            raise TypeError(
                f"a dict returned by configure_optimizers must have the key 'optimizer'; got {d!r}"
            )
        out.optimizers.append(d["optimizer"])
        if "lr_scheduler" in d:
            entry = d["lr_scheduler"]
            if isinstance(entry, ReduceLROnPlateau) and d.get("monitor") is not None and len(dicts) == 1:
                entry = {"scheduler": entry, "monitor": d["monitor"]}
            out.schedulers.append(entry)
    return out


class Injection:
    """Stands in for ``module.configure_optimizers`` while schedule callbacks are set up."""

    def __init__(self, module: Any) -> None:
        self.had_own = "configure_optimizers" in vars(module)
        self.previous = vars(module).get("configure_optimizers")
        self.original: Callable[[], Any] = module.configure_optimizers
        self.rewriters: list[Any] = []

    def __call__(self) -> Any:
        result = self.original()
        if not self.rewriters:
            return result
        conf = parse(result)
        for rewriter in list(self.rewriters):
            rewriter._inject(conf)
        return conf.to_lightning()


def install(module: Any, rewriter: Any) -> None:
    """Register ``rewriter`` (a schedule callback with an ``_inject(OptimizerConfig)`` method) on
    ``module``, installing the wrapper if it is not there yet."""
    current = vars(module).get("configure_optimizers")
    if not isinstance(current, Injection):
        current = Injection(module)
        object.__setattr__(module, "configure_optimizers", current)
    if not any(r is rewriter for r in current.rewriters):
        current.rewriters.append(rewriter)


def uninstall(module: Any, rewriter: Any) -> None:
    """Unregister ``rewriter``; the last one out restores the module's own ``configure_optimizers``."""
    current = vars(module).get("configure_optimizers")
    if not isinstance(current, Injection):
        return
    current.rewriters = [r for r in current.rewriters if r is not rewriter]
    if current.rewriters:
        return
    if current.had_own:
        object.__setattr__(module, "configure_optimizers", current.previous)
    else:
        del vars(module)["configure_optimizers"]


def optimizer_names(optimizers: Sequence[Any]) -> str:
    return ", ".join(f"{i}: {type(o).__name__}" for i, o in enumerate(optimizers)) or "none"
