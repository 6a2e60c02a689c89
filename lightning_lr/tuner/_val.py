"""The validation loss the range test reads with ``val_loss=True``: what ``validation_step`` logs as ``val_key``
(or returns as its loss), in eval mode without gradients, over fixed validation batches; and whether what it read
moves as a loss does."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, cast

import lightning.pytorch as pl
import numpy as np
import torch

from .. import _lightning_compat as L
from .._lightning_compat import rank_zero_info
from ..callbacks.schedule_free import is_schedule_free
from . import _rules
from ._options import DEFAULT_VAL_KEY

__all__ = ["check_moves_as_a_loss", "descent", "returned_loss", "shift", "val_loss"]


def val_loss(trainer: pl.Trainer, val_batches: list[list[Any]], key: str, title: str) -> torch.Tensor:
    """Mean validation loss over the fixed validation batches of each validation dataloader, in eval mode
    without gradients (schedule-free optimizers in eval mode too); with several dataloaders the mean of
    their means, ``validation_step`` given each one's ``dataloader_idx`` as Lightning gives it."""
    module = trainer.lightning_module
    modes = [(m, m.training) for m in module.modules()]
    free: list[Any] = [o for o in trainer.optimizers if is_schedule_free(o)]
    several = len(val_batches) > 1
    means: list[torch.Tensor] = []
    try:
        module.eval()
        for o in free:
            o.eval()  # the evaluation weights, as validation sees them
        with torch.no_grad(), L.validating(trainer):
            found = [_loader_loss(trainer, b, key, i if several else None) for i, b in enumerate(val_batches)]
    finally:
        for m, training in modes:
            m.training = training
        for o in free:
            o.train()
    means = [value for value, _, _ in found if value is not None]
    if not means:
        logged = "; ".join(
            f"{'' if not several else f'dataloader {i}: '}{sorted(set(names)) or 'nothing'}"
            + "".join(f", and returned {o}" for o in other)
            for i, (_, names, other) in enumerate(found)
        )
        if key == DEFAULT_VAL_KEY:
            raise ValueError(
                f"{title}: val_loss=True, but validation_step neither returned a loss nor logged {key!r} (it logged "
                f"{logged}); log the validation loss as {key!r} or pass val_key=<its name>"
            )
        returns = any(o.endswith(_UNNAMED) for _, _, other in found for o in other)
        raise ValueError(
            f"{title}: val_key={key!r}, but validation_step neither logged {key!r} nor returned a dict with it (it "
            f"logged {logged}); pass val_key=<the name it logs the validation loss under>"
            + (", or leave val_key out to read the loss it returns" if returns else f", or log it as {key!r}")
        )
    skipped = [i for i, (value, _, _) in enumerate(found) if value is None]
    if skipped and not getattr(val_batches, "said", True):
        # review 68: a second loader that logs only a probe metric is ordinary Lightning use; it was refused
        rank_zero_info(
            f"val_loss=True: validation dataloader{'s' if len(skipped) > 1 else ''} "
            f"{', '.join(map(str, skipped))} neither returned a loss nor logged {key!r}: the validation loss is "
            f"the mean over the other{'s' if len(means) > 1 else ''}"
        )
        cast(Any, val_batches).said = True
    return torch.stack(means).mean()


#: what a ``validation_step`` returned that a ``val_key`` given does not read (:func:`returned_loss`)
_UNNAMED = ", which only the default val_key reads"


def returned_loss(output: Any, key: str, fallback: bool | None = None) -> torch.Tensor | None:
    """The loss a ``validation_step`` returned, or None: a one-element tensor returned, or a tensor of any size
    under a mapping's ``key`` or ``"loss"`` (a per-sample loss, averaged). A bare tensor of more elements is its
    predictions, not a loss (r159: an (8, 1) tensor's mean was taken for the loss, negative values and all, and the
    LR chosen on it applied). The val-loss mode reads what ``validation_step`` logged as ``key`` first
    (:func:`_loader_loss`). ``fallback``: whether a loss not named ``key`` (a bare tensor, a mapping's
    ``"loss"``) is read; None: only for the default ``key`` (:data:`DEFAULT_VAL_KEY`), since a name the user
    gave is the one they mean (r194: ``val_key="valid_loss"``, never logged, read the returned loss unsaid)."""
    if fallback is None:
        fallback = key == DEFAULT_VAL_KEY
    if isinstance(output, Mapping):
        named = output.get(key, output.get("loss") if fallback else None)
        return named if isinstance(named, torch.Tensor) and named.numel() > 0 else None
    return output if fallback and isinstance(output, torch.Tensor) and output.numel() == 1 else None


def _not_a_loss(output: Any) -> str | None:
    """What ``validation_step`` returned that is a tensor but no loss (predictions: more than one element, not
    under a loss's key), for the error that finds no loss; None otherwise."""
    if isinstance(output, torch.Tensor) and output.numel() != 1:
        return f"a tensor of shape {tuple(output.shape)}, not a one-element loss"
    return None


def _loader_loss(
    trainer: pl.Trainer, batches: list[Any], key: str, index: int | None
) -> tuple[torch.Tensor | None, list[str], list[str]]:
    """The mean validation loss over one dataloader's ``batches``: what ``validation_step`` logs as ``key``, else
    what it returns as its loss (:func:`returned_loss`; None when it does neither), the names it logged, and
    (without a loss) what it returned that is no loss (:func:`_not_a_loss`); ``index``: the ``dataloader_idx`` to
    pass (None: one dataloader, none passed)."""
    returned: list[torch.Tensor] = []
    other: list[str] = []
    collections = L.new_val_results(trainer, batches[0])
    for j, batch in enumerate(batches):
        L.prime_val_results(collections, batch)
        args = (batch, j) if index is None else (batch, j, index)
        given = L.call_strategy(trainer, "validation_step", *args)
        output = returned_loss(given, key)
        if output is not None:
            returned.append(output.detach().float().mean())
        elif returned_loss(given, key, fallback=True) is not None:  # a loss, not the one val_key names
            other.append(f"a loss not named {key!r}{_UNNAMED}")
        elif (said := _not_a_loss(given)) is not None:
            other.append(said)
    # what it logged as key is the validation loss, also where it returns something too (r165: one-element
    # predictions, at a validation batch of 1, were taken for the loss beside a logged val_loss)
    value, names = L.logged_value(collections, key)
    if value is not None:
        return torch.as_tensor(value).detach().float().reshape(()), names, []
    if len(returned) == len(batches):
        return torch.stack(returned).mean(), [], []
    return None, names, other[:1]  # none from this dataloader (the others may give one)


#: how many standard errors the value ``val_key`` names must rise by between the first and the last tenth of the
#: sweep's descent, while the training loss falls, for it to be refused as no loss (:func:`check_moves_as_a_loss`):
#: a validation loss falls where the training loss falls, a score (accuracy) rises. A value of pure noise rises
#: by 3 standard errors about once in 740 tries (one-sided normal tail).
CLEAR_SE = 3.0
#: how many standard errors the training loss must fall by over the same descent: only that it fell, since a
#: training loss of one batch per step is noisier than a value read on fixed validation batches (a score that
#: rose by 12 to 29 standard errors beside a training loss that fell by 2.5 or less, in the benchmark); a value
#: that rises while the training loss does not fall is no score's sign (normalization statistics that drift in
#: eval mode raise a validation loss so)
FELL_SE = 1.0
#: the fewest steps of the descent (up to the training loss's lowest point) that the check reads
MIN_POINTS = 10


def check_moves_as_a_loss(
    lrs: Sequence[float],
    train: Sequence[float],
    values: Sequence[float],
    key: str,
    title: str,
    what: str = "the sweep",
) -> None:
    """Raise when the value ``val_key`` names rose while the training loss fell, over the sweep's descent
    (:func:`descent`): the range test minimises that value as a loss, and a score such as accuracy, minimised,
    gives the LR that trains worst (r194: ``val_key="val_acc"`` applied lr=2.6 to Adam, unsaid). Between the first
    and the last tenth of the descent the training loss must fall (by :data:`FELL_SE` standard errors) and the
    value rise (by :data:`CLEAR_SE`): :func:`shift`. Unpaired as :func:`descent` pairs them, a real validation
    loss of a 10-step sweep, a decade per step, had already diverged where the training loss had not.
    ``train`` and ``values``: per step, each the mean over ranks, so every rank decides alike; ``what``: what
    trained (the sweep, a candidate), for the error."""
    found = descent(lrs, train, values)
    if found is None:
        return
    t, v, low = found
    if shift(t) > -FELL_SE or shift(v) < CLEAR_SE:
        return
    k = _window(len(t))
    span = (
        f"lr {lrs[0]:.3g} to {lrs[low - 1]:.3g}"
        if lrs[0] != lrs[low - 1]
        else f"{low} steps at lr {lrs[0]:.3g}"
    )
    named = f"val_key={key!r}" if key != DEFAULT_VAL_KEY else f"the validation loss (val_key={key!r})"
    raise ValueError(
        f"{title}: {named} rose from {np.mean(v[:k]):.4g} to {np.mean(v[-k:]):.4g} while the training loss fell "
        f"from {np.mean(t[:k]):.4g} to {np.mean(t[-k:]):.4g} ({what}, {span}): the range "
        f"test minimises it as a loss, and a validation loss falls as the model learns. If {key!r} is a score "
        f"(higher is better, as accuracy), pass val_key=<the name validation_step logs its loss under>; if it is "
        f"a loss, it rose as the model trained (overfitting, or normalization statistics that differ in eval "
        f"mode) and no LR lowers it: pass val_loss=False to read the training loss"
    )


def descent(
    lrs: Sequence[float], train: Sequence[float], values: Sequence[float]
) -> tuple[np.ndarray, np.ndarray, int] | None:
    """What :func:`check_moves_as_a_loss` compares: the training losses after each step of the descent, the values
    read beside them, and the descent's steps; None where it has :data:`MIN_POINTS` or fewer. The descent ends at
    the lowest point of the training loss's zero-lag curve in an LR sweep; a sweep at a fixed LR (of the momentum)
    trains at it throughout and is read whole. The value read after step ``t`` is set beside the training loss of
    step ``t + 1``, which sees the same weights."""
    pairs = zip(train, values, strict=False)  # (the curve ends at a divergence; the training losses go on)
    n = next(
        (i for i, (a, b) in enumerate(pairs) if not (math.isfinite(a) and math.isfinite(b))), len(values)
    )
    if n < MIN_POINTS:
        return None
    low = int(np.argmin(_rules.zero_lag(lrs[:n], train[:n]))) + 1 if np.ptp(lrs[:n]) > 0 else n
    if low <= MIN_POINTS:
        return None
    t = np.asarray(train[1:low], dtype=np.float64)  # the training loss after each step of the descent ...
    v = np.asarray(values[: low - 1], dtype=np.float64)  # ... beside the value read after it
    return t, v, low


def _window(n: int) -> int:
    """The points of a descent of ``n`` at either end that :func:`shift` compares: a tenth, at least 3."""
    return max(3, n // 10)


def shift(x: np.ndarray) -> float:
    """How far the mean of the last tenth of ``x`` (:func:`_window`) lies from that of the first, in standard
    errors of the difference (Welch's): +inf or -inf where both ends are constant and differ (an accuracy that
    moved from one value to another), 0 where they are equal.

    Example:
        >>> import numpy as np
        >>> round(shift(np.array([1.0, 1.1, 0.9, 1.0, 0.5, 0.6, 0.4])), 2)
        -6.12
        >>> shift(np.array([0.1, 0.1, 0.1, 0.5, 0.5, 0.5]))
        inf
    """
    k = _window(len(x))
    a, b = x[:k], x[-k:]
    d = float(np.mean(b) - np.mean(a))
    se = math.sqrt(sum(float(np.var(e, ddof=1)) / len(e) for e in (a, b) if np.ptp(e) > 0))
    if se == 0.0:
        return math.copysign(math.inf, d) if d else 0.0
    return d / se
