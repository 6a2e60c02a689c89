"""Which metrics a LightningModule logged since a callback last looked.

Lightning keeps a metric in ``trainer.callback_metrics`` until it is logged again, so the value found there
may be an earlier epoch's: a module that validates every epoch but logs ``val_loss`` every other one shows
last epoch's value again. A callback that must act on new values only (:class:`~.plateau.ReduceOnPlateau`,
which torch's plateau rule feeds one value per check) watches the module's ``log`` instead: every
``self.log``, ``self.log_dict`` (which calls ``log``) and a callback's ``pl_module.log`` goes through the
one :class:`LogWatch` installed on the module, which adds each name to the sets of its watchers. The last
watcher out restores the module's own ``log``.

Example:
    >>> import lightning.pytorch as pl
    >>> module, seen = pl.LightningModule(), set()
    >>> watch(module, seen)
    >>> module.log("val_loss", 0.5)  # doctest: +SKIP
    >>> logged({"val_loss"}, "val_loss"), logged({"val_loss"}, "val_loss_epoch"), logged(set(), "val_loss")
    (True, True, False)
    >>> unwatch(module, seen)
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["LogWatch", "logged", "unwatch", "watch"]

#: what Lightning adds to a logged name in ``trainer.callback_metrics``: ``_step``/``_epoch`` (a metric
#: logged both on step and on epoch), ``/dataloader_idx_N`` (several validation dataloaders)
_FORMS = re.compile(r"(_step|_epoch)?(/dataloader_idx_\d+)?")


class LogWatch:
    """Stands in for a module's ``log``: tells each watcher's set the name, then logs as the module does."""

    def __init__(self, module: Any) -> None:
        self.had_own = "log" in vars(module)
        self.previous = module.log
        self.watchers: list[set[str]] = []

    def __call__(self, name: str, *args: Any, **kwargs: Any) -> Any:
        for seen in self.watchers:
            seen.add(name)
        return self.previous(name, *args, **kwargs)


def watch(module: Any, seen: set[str]) -> None:
    """Add the names ``module`` logs from now on to ``seen``."""
    current = vars(module).get("log")
    if not isinstance(current, LogWatch):
        current = LogWatch(module)
        object.__setattr__(module, "log", current)
    if not any(s is seen for s in current.watchers):
        current.watchers.append(seen)


def unwatch(module: Any, seen: set[str]) -> None:
    """Stop adding to ``seen``; the last watcher out restores the module's own ``log``."""
    current = vars(module).get("log")
    if not isinstance(current, LogWatch):
        return
    current.watchers = [s for s in current.watchers if s is not seen]
    if current.watchers:
        return
    if current.had_own:
        object.__setattr__(module, "log", current.previous)
    else:
        del vars(module)["log"]


def logged(seen: set[str], key: str) -> bool:
    """Whether ``key`` of ``trainer.callback_metrics`` comes from a name in ``seen``: the name, or the name
    with Lightning's ``_step``/``_epoch`` and ``/dataloader_idx_N`` endings."""
    return any(key.startswith(name) and _FORMS.fullmatch(key[len(name) :]) for name in seen)
