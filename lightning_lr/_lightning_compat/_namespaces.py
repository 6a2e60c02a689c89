"""Both Lightning namespaces at once: ``lightning.pytorch`` and the standalone ``pytorch_lightning``.

The two packages hold the same code under different names, so their classes are different classes: a
``pytorch_lightning.Trainer`` rejects a ``lightning.pytorch`` callback and catches only its own
``_TunerExitException``. Here:

- :class:`Callback` is the base of every lightning_lr callback: a subclass of both namespaces' ``Callback``
  (when ``pytorch_lightning`` is importable), so either Trainer takes it; ``isinstance(x, Callback)`` is
  True for a callback of either namespace.
- :data:`LearningRateMonitor` and :data:`TensorBoardLogger` stand for both namespaces' classes in
  ``isinstance`` checks.
- :func:`resolve` finds a Lightning class or function in the namespace of a given trainer, module or
  strategy (the exceptions it must raise or catch, the classes it must build).

Example:
    >>> import lightning.pytorch as lp
    >>> namespace(lp.Trainer) == "lightning.pytorch"
    True
    >>> isinstance(lp.callbacks.LearningRateMonitor(), LearningRateMonitor)
    True
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
import re
import sys
import warnings
from typing import TYPE_CHECKING, Any

from .. import _validate as V

__all__ = [
    "NAMESPACES",
    "Callback",
    "LearningRateMonitor",
    "TensorBoardLogger",
    "Trainer",
    "misconfiguration_errors",
    "namespace",
    "on_rank_zero",
    "rank_zero_info",
    "resolve",
    "user_stacklevel",
    "warn_at_user",
]


def _importable(name: str) -> bool:
    """Whether ``name`` imports. Importing it here, before the user's code does, leaves Lightning's logging
    as the user set it up: every Lightning package points the rank-zero logger that ``lightning_utilities``
    shares among them at its own when it is imported, so importing ``pytorch_lightning`` sent
    ``lightning.pytorch``'s info lines (the Trainer's "GPU available" banner) to ``pytorch_lightning``'s
    logger, and ``logging.getLogger("lightning.pytorch").setLevel(...)`` no longer held (review 118)."""
    shared = sys.modules.get("lightning_utilities.core.rank_zero")
    before = getattr(shared, "log", None) if name not in sys.modules else None
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    if before is not None:
        shared.log = before  # type: ignore[union-attr]
    return True


#: the oldest Lightning release supported (pyproject.toml's ``lightning>=2.4``)
OLDEST = (2, 4)


def _supported(distribution: str) -> bool:
    """Whether the installed ``distribution`` is a supported release (:data:`OLDEST` or later). The standalone
    ``pytorch-lightning`` is nobody's requirement here, so pip keeps an old one beside ``lightning`` (r161: 1.9.5
    beside 2.6.6, and every callback failed at its Trainer with an AttributeError of its 1.9 internals, for users
    of ``lightning.pytorch`` alone); such a one is not taken for a namespace, and is not imported."""
    try:
        version = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return True  # (a source checkout, no metadata: whatever imports)
    parts = re.match(r"(\d+)\.(\d+)", version)
    return parts is None or (int(parts[1]), int(parts[2])) >= OLDEST


#: the Lightning namespaces installed, ``lightning.pytorch`` first
NAMESPACES: tuple[str, ...] = ("lightning.pytorch",) + (
    ("pytorch_lightning",) if _supported("pytorch-lightning") and _importable("pytorch_lightning") else ()
)


def namespace(obj: Any) -> str:
    """The namespace of a Lightning object or class (a Trainer, module, strategy, or a subclass of one):
    ``"pytorch_lightning"`` or ``"lightning.pytorch"`` (also for objects of neither)."""
    cls = obj if isinstance(obj, type) else type(obj)
    for base in cls.__mro__:
        module = base.__module__ or ""
        if module == "pytorch_lightning" or module.startswith("pytorch_lightning."):
            return "pytorch_lightning"
        if module.startswith("lightning.pytorch"):
            return "lightning.pytorch"
    return "lightning.pytorch"


def resolve(obj: Any, module: str, name: str) -> Any:
    """``<namespace of obj>.<module>.<name>``, e.g. ``resolve(trainer, "strategies", "ParallelStrategy")``."""
    return getattr(importlib.import_module(f"{namespace(obj)}.{module}"), name)


#: the walk past lightning_lr's and Lightning's frames to the user's call (``Tuner.lr_range_test``,
#: ``trainer.fit``), one for every layer: :func:`lightning_lr._validate.user_stacklevel`
user_stacklevel = V.user_stacklevel


#: the logger of lightning_lr's own info lines ("LR range test: set M.lr = 0.0181"), apart from Lightning's, so
#: that ``logging.getLogger("lightning.pytorch").setLevel(logging.WARNING)`` hides Lightning's banners and keeps
#: them, and ``logging.getLogger("lightning_lr")`` controls them (r203: quieting Lightning hid every one of
#: them, and a handler on "lightning_lr" caught none). Set up as Lightning sets up its own: INFO, and a handler
#: of its own only where the root logger has none (else the record goes to the root's handlers).
LOG = logging.getLogger("lightning_lr")
LOG.setLevel(logging.INFO)
if not logging.getLogger().hasHandlers():
    LOG.addHandler(logging.StreamHandler())
    LOG.propagate = False


def on_rank_zero() -> bool:
    """Whether this process is rank zero (Lightning's ``rank_zero_only.rank``; 0 before a strategy sets it)."""
    from lightning.pytorch.utilities.rank_zero import rank_zero_only

    return bool(getattr(rank_zero_only, "rank", 0) == 0)


def rank_zero_info(message: str) -> None:
    """An info line of lightning_lr's, on rank zero only, on its own logger (:data:`LOG`)."""
    if on_rank_zero():
        LOG.info(message)


def warn_at_user(message: str, category: type[Warning] = UserWarning) -> None:
    """``rank_zero_warn`` said at the user's line (:func:`user_stacklevel`): the warnings a range test or a
    schedule callback makes from inside the Tuner's or the user's fit, which ``rank_zero_warn``'s own
    ``stacklevel`` left pointing inside lightning_lr (r193)."""
    if on_rank_zero():
        warnings.warn(message, category, stacklevel=user_stacklevel())


def _everywhere(module: str, name: str) -> tuple[type, ...]:
    return tuple(getattr(importlib.import_module(f"{ns}.{module}"), name) for ns in NAMESPACES)


def misconfiguration_errors() -> tuple[type[BaseException], ...]:
    """Both namespaces' ``MisconfigurationException`` (to catch the one a trainer raises)."""
    return _everywhere("utilities.exceptions", "MisconfigurationException")


_BOTH = "_lightning_lr_any_namespace"


class _AnyNamespace(type):
    """The metaclass of a class that stands for both namespaces' versions of a Lightning class: an
    ``isinstance``/``issubclass`` check against it (not against its subclasses) accepts either."""

    def __instancecheck__(cls, obj: Any) -> bool:
        both = cls.__dict__.get(_BOTH)
        return isinstance(obj, both) if both else super().__instancecheck__(obj)

    def __subclasscheck__(cls, sub: type) -> bool:
        both = cls.__dict__.get(_BOTH)
        return issubclass(sub, both) if both else super().__subclasscheck__(sub)


def _stand_in(module: str, name: str) -> Any:
    """A class for ``isinstance`` checks against both namespaces' ``<module>.<name>``."""
    return _AnyNamespace(name, (), {_BOTH: _everywhere(module, name), "__module__": __name__})


if TYPE_CHECKING:
    from lightning.pytorch import Trainer
    from lightning.pytorch.callbacks import Callback, LearningRateMonitor
    from lightning.pytorch.loggers import TensorBoardLogger
else:
    _CALLBACKS = _everywhere("callbacks", "Callback")

    class Callback(*_CALLBACKS, metaclass=_AnyNamespace):
        """A Lightning ``Callback`` in every installed namespace: either Trainer takes its subclasses."""

    setattr(Callback, _BOTH, _CALLBACKS)
    LearningRateMonitor = _stand_in("callbacks", "LearningRateMonitor")
    TensorBoardLogger = _stand_in("loggers", "TensorBoardLogger")
    Trainer = _stand_in("trainer", "Trainer")
