"""The range test's data: training batches on device, cycling as epochs would, and the fixed validation batches.

The sweep iterates its own copies of the trainer's loaders (a persistent-worker loader's shared iterator is
never advanced), so the fit loop's data fetcher and its position in the epoch are untouched. Every sweep and
candidate starts the loaders over (:meth:`Batches.close`), so that they see the same batches; a loader that
does not start over (a stream that goes on where it was) is found before the first sweep (:meth:`Batches.probe`),
and its batches are then kept and replayed (:class:`Batches`).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import lightning.pytorch as pl
import numpy as np
import torch
from lightning.pytorch.utilities.combined_loader import CombinedLoader
from torch.utils.data import DataLoader

from .. import _lightning_compat as L
from .._lightning_compat import rank_zero_info
from ._options import SweepOptions
from ._state import clone_tree

__all__ = ["Batches", "held_generators", "loader_generators", "val_batches", "val_loaders"]


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


def loader_generators(loaders: Any) -> list[torch.Generator]:
    """The generators of the DataLoaders in ``loaders`` (a loader, a ``CombinedLoader``, or a mapping or
    sequence of them; anything else, such as a datamodule, has none that can be found before ``fit`` asks it
    for its loaders: :func:`held_generators`, read before the fit and at its start)."""
    if isinstance(loaders, DataLoader):
        return _generators(loaders)
    flattened = getattr(loaders, "flattened", None)  # a CombinedLoader (review 71: its loaders were not seen)
    if isinstance(flattened, list):
        return loader_generators(flattened)
    if isinstance(loaders, Mapping):
        loaders = list(loaders.values())
    if isinstance(loaders, (list, tuple)):
        return [g for dl in loaders for g in loader_generators(dl)]
    return []


def held_generators(holders: Sequence[Any]) -> list[torch.Generator]:
    """The generators the ``holders`` (a datamodule, the module) keep as attributes, and those of loaders they
    keep: where the loaders their ``train_dataloader`` makes in a fit take theirs from (review 71: a
    datamodule's shuffle generator came back drawn from after the Tuner, and the next fit saw another order).
    A generator made in ``train_dataloader`` itself is new at each call, and needs nothing."""
    found: list[torch.Generator] = []
    for holder in holders:
        for value in vars(holder).values() if holder is not None and hasattr(holder, "__dict__") else ():
            # (one level into a mapping or sequence: generators kept in a dict, review 75)
            inner = list(value.values()) if isinstance(value, Mapping) else value
            for item in inner if isinstance(inner, (list, tuple)) else [value]:
                if isinstance(item, torch.Generator):
                    found.append(item)
                else:
                    found.extend(loader_generators(item))
    return found


class Batches:
    """Training batches for the sweep, on device, cycling through the training data as epochs would
    (``limit_train_batches`` respected), and how many make one optimizer step (``accumulate``: read when the
    callbacks are still on the trainer, a ``GradientAccumulationScheduler`` among them).

    After :meth:`close` the batches start over, so every sweep and candidate sees the same ones (the candidates'
    comparison is paired by step, the sweeps of several weight decays are compared on the same data, and the
    candidates pass over the sweep's outlier batches by their place). A loader that does not start over when
    iterated again (an ``IterableDataset`` whose ``__iter__`` goes on with one stream, review 127: each candidate
    trained on other data, silently) is found by :meth:`probe` before the first sweep. Every batch drawn from
    then on is kept, as the loader gave it, and every restart replays them in their order; past their end the
    batches go on from the iterator that drew the last of them (review 131: a map-style loader taken for a stream,
    its augmentation's RNG out of the snapshot's reach, started a new permutation there, mid-epoch). The loader
    is still opened at each restart, as a run that draws from it opens it (a DataLoader's iterator takes its base
    seed from torch's RNG, which the dropout masks then follow: review 130), and that iterator is dropped. Every
    replay draws the same from torch's RNG, so the candidates see the same dropout masks. The first sweep may see
    others: a shuffling sampler without a generator of its own takes its seed from torch's RNG at an epoch's first
    batch, which a replay does not draw (drawing it would take a batch from a real stream; review 135).
    :meth:`release` drops them.
    """

    def __init__(self, trainer: pl.Trainer) -> None:
        self.trainer = trainer
        self.accumulate = L.accumulate_grad_batches(trainer)
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
        #: the batches given since the last :meth:`close`: the next one's place in the sweep's batch order
        self.position = 0
        #: the sweep steps to pass over (:meth:`pass_over`), each as the place of its first batch and the place
        #: after its last: a sweep records those it let through as an outlier's (``_early_stop``), and the
        #: candidates pass over those of the sweep they confirm
        self.outliers: dict[int, int] = {}
        #: when the loader does not start over (:meth:`probe`): every batch drawn since, with its place in its
        #: epoch, which every restart replays (None while the loader starts over); :attr:`iterator` is then the
        #: one that drew the last of them, kept open across restarts
        self.kept: list[tuple[Any, int]] | None = None
        #: whether this restart has opened the loader yet (while it replays kept batches)
        self.opened = False

    def generators(self) -> list[torch.Generator]:
        return [g for dl in self.combined.flattened for g in _generators(dl)]

    def probe(self, restore: Callable[[], None]) -> None:
        """Find whether the loaders start over: draw the first batch, start over from the restored state
        (``restore``: the snapshot's RNG states and generators), draw it again, and start over once more. When the
        two differ, or cannot be compared, the batches are kept and replayed from here on (an info line says so). A
        loader that starts over costs two more ``iter()`` calls and its first batch drawn twice (more with workers,
        which prefetch)."""
        first = _copy(self._draw()[0])
        self.close()
        restore()
        again = self._draw()[0]
        self.close()
        restore()
        same = _same(first, again)
        if same:
            return
        self.kept = []
        why = (
            "does not start over when iterated again (its first batch came out different: a stream that goes on "
            "where it was, such as an IterableDataset whose __iter__ returns one shared iterator, or random "
            "augmentation that the restored RNG states do not govern)"
            if same is False
            else f"may not start over when iterated again: its first batch holds {_kinds(first)}, which the test "
            f"cannot compare, so it cannot tell"
        )
        rank_zero_info(
            f"the range test's training data {why}. The batches the test draws are kept in memory, copied, and "
            f"replayed, so that every sweep and candidate sees the same batches; a loader that starts over at each "
            f"iter() needs no copies"
        )

    def next(self) -> tuple[Any, int]:
        if self.kept is not None and self.position < len(self.kept):
            if not self.opened:
                # opened as a run that draws opens it (its base seed from torch's RNG), and dropped
                self.opened = True
                twin = CombinedLoader(list(self.combined.flattened), "max_size_cycle")
                iter(twin)
                twin.reset()
            raw, index = self.kept[self.position]
            self.position += 1
            self.in_epoch = index + 1
            return L.to_device(self.trainer, _copy(raw)), index  # (a step that changes its batch leaves it)
        if self.kept is not None and self.kept:  # past the kept batches: on from the iterator that drew them
            self.in_epoch = self.kept[-1][1] + 1
        raw, index = self._draw()
        if self.kept is not None:
            self.opened = True
            self.kept.append((_copy(raw), index))
        return L.to_device(self.trainer, raw), index

    def _draw(self) -> tuple[Any, int]:
        """The loader's next batch, as it gave it, and its place in its epoch."""
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
                    self.position += 1
                    # its place in the epoch, as the loop's batch_idx (review 66: a running count was passed)
                    return batch, self.in_epoch - 1
            if self.in_epoch == 0:
                break
            self.iterator = None
        raise RuntimeError("the training dataloader yielded no batch; the range test needs training data")

    @property
    def ends_epoch(self) -> bool:
        """Whether the last batch given is the last of its epoch (known when the epoch has a length), where
        Lightning's loop steps the optimizer whatever the accumulation."""
        return self.in_epoch >= self.limit

    def pass_over(self) -> bool:
        """Draw, unused, the batches of one step to pass over when the next batch begins one
        (:attr:`outliers`); whether it did."""
        end = self.outliers.get(self.position)
        if end is None:
            return False
        while self.position < end:
            self.next()
        return True

    def close(self) -> None:
        """Start over: the next batch is the first again (replayed from :attr:`kept` when the loader does not
        start over; the iterator that drew them stays open, for the batches past them)."""
        self.position = 0
        self.opened = False
        if self.kept is None:
            self.iterator = None
            self.combined.reset()

    def release(self) -> None:
        """Drop the kept batches and close the loaders (the range test is over)."""
        self.kept = None
        self.close()


def _copy(batch: Any) -> Any:
    """A copy of a batch's own data (a training step may change its batch in place, review 130: a batch class's
    attribute doubled at every replay): :func:`~._state.clone_tree`, whose tensors copy a slice of a larger buffer
    alone (review 131: a deep copy copied the whole buffer for every batch), with :func:`_copy_item` for the rest."""
    return clone_tree(batch, _copy_item)


def _copy_item(item: Any) -> Any:
    """A batch item that is no tensor or container: an array copied (its slice alone), an object shallowly, with
    its attributes copied as batches are (an attribute that refuses a copy, a lock or a handle, stays shared),
    anything else as it is."""
    if isinstance(item, np.ndarray):
        return item.copy()
    if isinstance(item, (str, bytes, int, float, complex, bool, type(None))):
        return item
    try:
        twin = copy.copy(item)
    except Exception:  # an object that refuses to be copied: it is what the loader gave
        return item
    for name, value in _attributes(item).items():
        with contextlib.suppress(AttributeError, TypeError):  # (a read-only attribute: shared)
            object.__setattr__(twin, name, _copy(value))
    return twin


def _kinds(batch: Any) -> str:
    """The type names of a batch's items that are neither tensors, arrays nor plain containers (for a message)."""
    if isinstance(batch, Mapping):
        inner = list(batch.values())
    elif isinstance(batch, (list, tuple)):
        inner = list(batch)
    else:
        return type(batch).__name__
    names = sorted(
        {_kinds(x) for x in inner if not isinstance(x, (torch.Tensor, np.ndarray, str, int, float))}
    )
    return ", ".join(names) or type(batch).__name__


def _attributes(obj: Any) -> dict[str, Any]:
    """An object's attributes: its ``__dict__`` and the ``__slots__`` of its classes that are set."""
    found = dict(vars(obj)) if hasattr(obj, "__dict__") else {}
    for cls in type(obj).__mro__:
        slots = getattr(cls, "__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name not in ("__dict__", "__weakref__") and hasattr(obj, name):
                found[name] = getattr(obj, name)
    return found


def _both(results: Iterable[bool | None]) -> bool | None:
    """All items the same: True; one differs: False; else (one cannot be told) None."""
    out: bool | None = True
    for r in results:
        if r is False:
            return False
        if r is None:
            out = None
    return out


def _same(a: Any, b: Any) -> bool | None:
    """Whether two batches hold equal values (None: it cannot tell): tensors and arrays by shape, dtype and value
    (NaN equal to NaN: data with missing values), containers item by item, dataclasses and objects without an
    equality of their own by their attributes (``__dict__`` and ``__slots__``), other objects by ``==`` (an
    element-wise answer read as all equal or not); a comparison that fails, or an object with nothing to compare,
    cannot be told."""
    if a is b:
        return True
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        if not (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)):
            return False
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        a, b = a.detach().cpu(), b.detach().cpu()
        if a.is_floating_point() or a.is_complex():
            return bool(torch.all((a == b) | (torch.isnan(a) & torch.isnan(b))))
        return bool(torch.equal(a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):  # (== gives an array: review 130)
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.shape != b.shape:
            return False
        try:
            return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc" and b.dtype.kind in "fc"))
        except TypeError:  # (object arrays)
            return _both(_same(x, y) for x, y in zip(a.ravel().tolist(), b.ravel().tolist(), strict=True))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return False if a.keys() != b.keys() else _both(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return False if len(a) != len(b) else _both(_same(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is not type(b):
        return False
    if dataclasses.is_dataclass(a) or type(a).__eq__ is object.__eq__:
        # fields, or the attributes of a class without an equality of its own, whose == is identity (review 130:
        # a graph library's batch class was never "the same"; review 131: one with __slots__ always was)
        mine, theirs = _attributes(a), _attributes(b)
        if not mine and not theirs:
            return None
        return False if mine.keys() != theirs.keys() else _both(_same(mine[k], theirs[k]) for k in mine)
    try:
        equal = a == b
        if isinstance(equal, bool):
            return equal
        return bool(np.all(np.asarray(equal)))  # an element-wise answer (a frame of bools: review 131)
    except Exception:  # a batch item that cannot be compared
        return None


_NO_VAL = (
    "val_loss=True needs validation data: pass val_dataloaders (to the Tuner's test, or to trainer.fit for the "
    "LRRangeTest callback), a datamodule with val_dataloader(), or define the module's val_dataloader(); and keep "
    "limit_val_batches > 0"
)


class ValBatches(list[list[Any]]):
    """The fixed validation batches of each validation dataloader (a list of lists), and whether one that
    gives no validation loss was said (``said``)."""

    said = False


def val_loaders(trainer: pl.Trainer) -> list[Any]:
    """The fit's validation dataloaders (its val loop's, set up here if the loop has not yet), or an error that
    says why there are none: ``limit_val_batches=0``, or no validation data. Asked by the val-loss mode when it
    runs, and at train start for a test at a later epoch (review 138)."""
    limit = trainer.limit_val_batches
    if limit == 0:  # review 66: the message said to pass validation data, which was passed
        raise ValueError(
            f"val_loss=True needs validation batches, but the Trainer's limit_val_batches={limit!r} leaves none: "
            f"raise limit_val_batches, or use the training loss (val_loss=False)"
        )
    try:
        L.val_loop_setup(trainer)
    except L.misconfiguration_errors() as exc:
        # Lightning's own text where it says more than that there is none (r154: "`val_dataloader` must be
        # implemented to be used with the Lightning Trainer" read as if passing loaders would not do)
        said = "" if "must be implemented" in str(exc) else f" ({exc})"
        raise ValueError(f"{_NO_VAL}{said}") from exc
    loaders = trainer.val_dataloaders
    if isinstance(loaders, Mapping):
        loaders = list(loaders.values())
    elif isinstance(loaders, Sequence) and not isinstance(loaders, DataLoader):
        loaders = list(loaders)
    else:
        loaders = [] if loaders is None else [loaders]
    if not loaders:
        raise ValueError(_NO_VAL)
    return loaders


def val_batches(trainer: pl.Trainer, options: SweepOptions) -> list[list[Any]]:
    """The fixed validation batches the val-loss mode reads at every point: up to ``options.val_batches`` of
    each validation dataloader (review 66: of several, the first alone was read, and a ``validation_step``
    that takes the ``dataloader_idx`` Lightning passes for several failed)."""
    loaders = val_loaders(trainer)
    limit = trainer.limit_val_batches
    # a limit_val_batches the user set holds too (the number of batches it leaves each loader; one the loader
    # itself falls short of is said below)
    limited = isinstance(limit, int) or (isinstance(limit, float) and limit < 1.0)
    counts = list(getattr(trainer, "num_val_batches", None) or [])
    out = []
    for i, loader in enumerate(loaders):
        which = "" if len(loaders) == 1 else f" {i} (of {len(loaders)})"
        count = counts[i] if i < len(counts) else math.inf
        out.append(_loader_batches(trainer, options, loader, which, count if limited else math.inf))
    return ValBatches(out)


def _loader_batches(
    trainer: pl.Trainer, options: SweepOptions, loader: Any, which: str, limit: float
) -> list[Any]:
    """Up to ``options.val_batches`` batches of one validation dataloader (``which``: its place among several,
    for a message), at most ``limit`` (what ``limit_val_batches`` leaves it)."""
    wanted = options.val_batches
    size = len(loader) if isinstance(loader, DataLoader) and hasattr(loader.dataset, "__len__") else math.inf
    if limit < min(wanted, size):
        wanted = int(limit)
        rank_zero_info(
            f"{options.title}: val_batches={options.val_batches}, but the Trainer's limit_val_batches leaves "
            f"{wanted}{f' of validation dataloader{which}' if which else ''}: the validation loss at each point "
            f"is the mean over {wanted} batch{'' if wanted == 1 else 'es'}"
        )
    out = []
    for batch in _single_use(loader):
        out.append(L.to_device(trainer, batch, 0))
        if len(out) == wanted:
            break
    # under DDP every rank's count (review 52: rank 0's alone was said, and a rank whose loader yielded
    # nothing raised alone while the others waited in the sweep's collectives)
    counts = [int(x) for x in L.per_rank(trainer, float(len(out)))]
    said = (
        f"{counts[0]} batch{'' if counts[0] == 1 else 'es'}"
        if len(counts) == 1
        else ", ".join(f"{k} batch{'' if k == 1 else 'es'} on rank {i}" for i, k in enumerate(counts))
    )
    if min(counts) == 0:
        raise ValueError(f"val_loss=True: the validation dataloader{which} yielded no batch ({said})")
    if min(counts) < wanted:
        n = counts[0] if len(counts) == 1 else None
        over = "that one" if n == 1 else f"those {n}" if n is not None else "each rank's own"
        message = (
            f"{options.title}: val_batches={options.val_batches}, but the validation dataloader{which} yields "
            f"{said}: the validation loss at each point is the mean over {over}"
        )
        if (
            options.val_batches == SweepOptions.val_batches
        ):  # the default, not the user's ask: said (review 98)
            rank_zero_info(message)
        else:
            L.warn_at_user(message, category=UserWarning)
    return out
