"""Bringing the results of an LRRangeTest in a spawned fit (``ddp_spawn``), and what they set, to the main process.

Rank 0 hands over, after fit: every result (as ``to_dict``), which callbacks took the result (by
``state_key``; whether it was the schedule an ``LRScheduleMixin`` declared) and whether the LR attribute
also lives on the datamodule. The main process's LRRangeTest then holds the same results, the model's LR
attribute (and weight decay) the value the fit set, and the schedule callbacks it can reach (the Trainer's,
the mixin's declared schedule) the values the result filled in. What it cannot reach (a datamodule's
attribute, callbacks that ``configure_callbacks`` returned) is named in one warning.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from typing import Any

import lightning.pytorch as pl
from lightning.pytorch.utilities.parsing import lightning_getattr, lightning_hasattr

from .. import _lightning_compat as L
from ._apply import FIND, check_attr, last_applied, owners, restore_attrs
from ._options import LROptions
from ._result import RangeTestResult
from ._weight_decay import WeightDecayResult

__all__ = ["hand_over", "receive"]


def _declared(module: Any) -> Any:
    """The schedule callback an ``LRScheduleMixin`` module declared for this fit, or None."""
    get = getattr(module, "lr_schedule_callback", None)
    return get() if callable(get) else None


def hand_over(trainer: pl.Trainer, results: dict[str, Any], options: Any) -> dict[str, Any]:
    """In rank 0 after fit: ``results`` (the callback's ``state_dict()["results"]``) and where they went."""
    if not results:  # the test never ran in this fit
        return {"results": {}, "owners": [], "datamodule_attr": None, "attr": None}
    module = trainer.lightning_module
    declared = _declared(module)
    datamodule = getattr(trainer, "datamodule", None)
    attr = check_attr(module, options) if isinstance(options, LROptions) and options.apply else None
    # the values rank 0's module holds, as the fit set them: the main process cannot always work them out
    # again, since configure_optimizers may not run there (review 63: a split weight decay came back as the
    # sweep's value, not the tenth of it that the ranks trained with)
    values: dict[str, float] = {}
    for name in (attr, "weight_decay"):
        value = (
            lightning_getattr(module, name) if name is not None and lightning_hasattr(module, name) else None
        )
        if name is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
            values[name] = float(value)
    return {
        "results": results,
        "owners": [[cb.state_key, cb is declared] for cb in owners(L.callbacks(trainer))],
        "datamodule_attr": attr if attr is not None and hasattr(datamodule, attr) else None,
        "attr": attr,  # the one rank 0 set (the main process's module cannot probe configure_optimizers)
        "values": values,
    }


@contextlib.contextmanager
def _said_by_rank_zero() -> Iterator[None]:
    """Keep the main process's info lines quiet while it sets again what rank 0 set and said (review 52:
    ``OneCycle: max_lr=..., from the LR range test`` was printed twice under ``ddp_spawn``)."""
    before = logging.root.manager.disable
    logging.disable(max(before, logging.INFO))
    try:
        yield
    finally:
        logging.disable(before)


def receive(trainer: pl.Trainer, callback: Any, data: dict[str, Any]) -> None:
    """In the main process: take the results and set what the fit set, then warn about what stays behind."""
    callback.load_state_dict({"results": data["results"]})
    callback._resumed = False  # the results came from this fit, not a checkpoint to resume
    options = callback.options
    if not (isinstance(options, LROptions) and options.apply):
        return
    result = last_applied(callback.results, options)  # (a later test without an answer applied nothing)
    if not isinstance(result, (RangeTestResult, WeightDecayResult)):
        return
    module = trainer.lightning_module
    lost: list[str] = []
    if data["datamodule_attr"] is not None:
        lost.append(f"the datamodule's {data['datamodule_attr']!r}")
    best = result.best if isinstance(result, WeightDecayResult) else result
    available = owners(L.callbacks(trainer))
    declared = _declared(module)
    with warnings.catch_warnings(), _said_by_rank_zero():
        warnings.simplefilter("ignore")  # rank 0 already warned about what it kept or could not fill
        with contextlib.suppress(AttributeError):  # the attribute lives on the datamodule only: named above
            restore_attrs(module, result, options, data.get("values"), data.get("attr", FIND))
        for key, was_declared in data["owners"]:
            match = declared if was_declared else next((cb for cb in available if cb.state_key == key), None)
            if match is None:
                lost.append(f"callback {key} (returned by configure_callbacks)")
                continue
            if not was_declared:
                available.remove(match)
            match.apply_range_test(best)
            tested_on = getattr(match, "_tested_on", None)  # lightning_lr's: the values are this module's
            if callable(tested_on):
                tested_on(module)
            if was_declared:  # its hparams, as rank 0's module holds them (this process ran no setup)
                match._write_hparams(module)
    if lost:
        warnings.warn(
            f"LRRangeTest: the fit ran in spawned processes ({type(trainer.strategy).__name__}); the range "
            f"test's result, the model's LR attribute and the Trainer's schedule callbacks came back to this "
            f"process, but {', '.join(lost)} got the result in the spawned processes only and keep their "
            f"values here. Pass those callbacks to the Trainer (or use strategy='ddp') to have them here too.",
            UserWarning,
            stacklevel=L.user_stacklevel(),
        )
