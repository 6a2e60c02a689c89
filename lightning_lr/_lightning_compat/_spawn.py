"""What callbacks hand over from rank 0 of a spawned fit (``ddp_spawn``) to the same callbacks in the main process.

A fit under ``ddp_spawn`` (``ddp_fork``, ``ddp_notebook``) runs in processes the launcher starts; of what
happens there, only the weights, the trainer state and ``callback_metrics`` come back. Lightning's
``_MultiProcessingLauncher`` has two methods for more: ``get_extra_results(trainer)`` (rank 0, after fit)
returns a dict for the main process, and ``update_main_process_results(trainer, extra)`` (main process,
after the workers joined) reads it. :func:`install` wraps both, once per namespace, to carry a hand-over:

- in rank 0, every callback with a ``_spawn_hand_over(trainer)`` method gives plain data (picklable,
  tensor-free);
- in the main process, the callback at the same place (same ``state_key``, same position among those
  with that key) gets it through ``_spawn_receive(trainer, data)``. A callback the module returned from
  ``configure_callbacks`` ran in the spawned processes only; a module names its main-process twins with
  a ``_spawn_receivers()`` method (``LRScheduleMixin``: its declared schedule), which come first, as
  Lightning puts a module's callback in place of a Trainer callback of its class.

Lightning versions checked: 2.6.6 and 2.4.0, the lowest supported (``make test-lowest``), for ``lightning`` and
``pytorch_lightning``.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any

from ._namespaces import NAMESPACES

__all__ = ["HAND_OVER", "KEY", "RECEIVE", "RECEIVERS", "install"]

KEY = "lightning_lr_hand_over"
HAND_OVER = "_spawn_hand_over"
RECEIVE = "_spawn_receive"
RECEIVERS = "_spawn_receivers"
_INSTALLED = "_lightning_lr_hand_over_installed"


def _takers(trainer: Any, method: str) -> list[tuple[str, Any]]:
    out = []
    for cb in getattr(trainer, "callbacks", []):
        if callable(getattr(cb, method, None)):
            out.append((cb.state_key, cb))
    return out


def _collect(trainer: Any) -> list[tuple[str, Any]]:
    return [(key, getattr(cb, HAND_OVER)(trainer)) for key, cb in _takers(trainer, HAND_OVER)]


def _deliver(trainer: Any, items: list[tuple[str, Any]]) -> None:
    waiting: dict[str, list[Any]] = {}
    declared = getattr(getattr(trainer, "lightning_module", None), RECEIVERS, None)
    for cb in declared() if callable(declared) else []:
        if callable(getattr(cb, RECEIVE, None)):
            waiting.setdefault(cb.state_key, []).append(cb)
    for key, cb in _takers(trainer, RECEIVE):
        waiting.setdefault(key, []).append(cb)
    for key, data in items:
        takers = waiting.get(key)
        if takers:
            getattr(takers.pop(0), RECEIVE)(trainer, data)


def install() -> None:
    """Wrap every installed namespace's ``_MultiProcessingLauncher`` once (idempotent; the wrapped methods
    do what they did, and carry the hand-over beside it)."""
    for ns in NAMESPACES:
        launcher = importlib.import_module(
            f"{ns}.strategies.launchers.multiprocessing"
        )._MultiProcessingLauncher
        if launcher.__dict__.get(_INSTALLED):
            continue
        _wrap(launcher)


def _wrap(launcher: Any) -> None:
    get_extra = launcher.get_extra_results
    update_main = launcher.update_main_process_results

    @functools.wraps(get_extra)
    def get_extra_results(self: Any, trainer: Any) -> dict[str, Any]:
        extra = get_extra(self, trainer)
        items = _collect(trainer)
        if items:
            extra[KEY] = items
        return extra

    @functools.wraps(update_main)
    def update_main_process_results(self: Any, trainer: Any, extra: dict[str, Any]) -> None:
        update_main(self, trainer, extra)
        if extra.get(KEY):
            _deliver(trainer, extra[KEY])

    launcher.get_extra_results = get_extra_results
    launcher.update_main_process_results = update_main_process_results
    setattr(launcher, _INSTALLED, True)
