"""When to reduce on a plateau: torch's ``ReduceLROnPlateau`` rule on a sequence of metric values.

:class:`Plateau` keeps the best value, the count of checks without improvement and the cooldown, and
says after each value whether to reduce, exactly as ``torch.optim.lr_scheduler.ReduceLROnPlateau.step``
does (same comparisons, same order of updates). What a reduction does to the LR is the callback's job
(:mod:`lightning_lr.callbacks.plateau`); this module only decides, and checkpoints what it needs.

Example:
    >>> from lightning_lr.callbacks._plateau import Plateau
    >>> p = Plateau(mode="min", threshold=1e-4, threshold_mode="rel", patience=1, cooldown=0)
    >>> [p.step(v) for v in [1.0, 0.5, 0.5, 0.5, 0.4]]
    [False, False, False, True, False]
    >>> p.best, p.num_bad_epochs
    (0.4, 0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["STATE_KEYS", "Plateau"]

#: the keys of :meth:`Plateau.state_dict`
STATE_KEYS = ("best", "num_bad_epochs", "cooldown_counter", "last_epoch")


class Plateau:
    """torch's plateau rule: a value is an improvement if it beats ``best`` by the threshold; after more
    than ``patience`` checks without one, reduce, then ignore ``cooldown`` checks.

    Args:
        mode: ``"min"`` (lower is better) or ``"max"``.
        threshold: how much better a value must be to count as an improvement.
        threshold_mode: ``"rel"`` (``best * (1 -+ threshold)``) or ``"abs"`` (``best -+ threshold``).
        patience: checks without improvement tolerated before a reduction.
        cooldown: checks after a reduction during which bad checks are not counted.
    """

    def __init__(
        self, mode: str, threshold: float, threshold_mode: str, patience: int, cooldown: int
    ) -> None:
        self.mode, self.threshold, self.threshold_mode = mode, threshold, threshold_mode
        self.patience, self.cooldown = patience, cooldown
        self.reset()

    def reset(self) -> None:
        """Forget every value seen (a new fit)."""
        self.best = math.inf if self.mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0  # checks so far, as torch counts them
        self.since_best = 0  # checks since the best, the cooldown's too (for the message; not torch's)
        self.since_best_known = True  # False after a checkpoint without it: since_best is then a lower bound

    def is_better(self, a: float, best: float) -> bool:
        """Whether ``a`` improves on ``best`` (torch's ``_is_better``)."""
        if self.mode == "min" and self.threshold_mode == "rel":
            return a < best * (1.0 - self.threshold)
        if self.mode == "min":
            return a < best - self.threshold
        if self.threshold_mode == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    def step(self, value: float) -> bool:
        """Take the next value; True if the LR is to be reduced now (torch's ``step``)."""
        self.last_epoch += 1
        if self.is_better(value, self.best):
            self.best = value
            self.num_bad_epochs = self.since_best = 0
            self.since_best_known = True
        else:
            self.num_bad_epochs += 1
            self.since_best += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad checks in the cooldown are ignored
        if self.num_bad_epochs > self.patience:
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
            return True
        return False

    def state_dict(self) -> dict[str, Any]:
        """:data:`STATE_KEYS` and their values."""
        return {
            "best": self.best,
            "num_bad_epochs": self.num_bad_epochs,
            "cooldown_counter": self.cooldown_counter,
            "last_epoch": self.last_epoch,
            "checks_since_best": self.since_best,
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.best = float(state["best"])
        self.num_bad_epochs = int(state["num_bad_epochs"])
        self.cooldown_counter = int(state["cooldown_counter"])
        self.last_epoch = int(state["last_epoch"])
        # (a checkpoint written before it was kept: at least the bad checks counted, review 81)
        self.since_best = int(state.get("checks_since_best", self.num_bad_epochs))
        self.since_best_known = "checks_since_best" in state
