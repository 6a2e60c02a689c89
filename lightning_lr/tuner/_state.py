"""In-memory snapshot of everything a range test can change, restored in place.

Nothing is written to disk and nothing is broadcast: each rank snapshots and restores its own state, so
multi-node runs need no shared filesystem. Restoring is in place: parameters, buffers, gradients,
optimizer state tensors and param-group dicts keep their identity (a compiled optimizer step, a DDP
reducer or a scheduler holding a reference keeps working), only their values go back.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import torch
from torch import nn

from ._place import choose, cuda_devices, device_bytes, stash, synchronize, tensors_of, unstash

__all__ = ["RNGState", "Snapshot", "clone_tree"]

_MISSING = object()


def clone_tree(value: Any, leaf: Callable[[Any], Any] = copy.deepcopy) -> Any:
    """A copy whose tensors are detached clones on their device (a slice copies itself alone), through tuples, lists
    and mappings, each rebuilt as its own type where that takes its items back (a namedtuple, an ``OrderedDict``, a
    ``UserDict`` batch; else a plain one); anything else is ``leaf(value)``. The snapshot's copies, and the range
    test's kept batches (``_data``, with a leaf of its own)."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, Mapping):
        return _rebuilt(value, {k: clone_tree(v, leaf) for k, v in value.items()})
    if isinstance(value, (tuple, list)):
        items = [clone_tree(v, leaf) for v in value]
        if isinstance(value, tuple) and hasattr(value, "_fields"):  # a namedtuple
            return type(value)(*items)
        return _rebuilt(value, items if isinstance(value, list) else tuple(items))
    return leaf(value)


def _rebuilt(original: Any, items: Any) -> Any:
    """``items`` as ``original``'s type when that takes them back, else as they are (a dict, list or tuple)."""
    if type(original) in (dict, list, tuple):
        return items
    try:
        return type(original)(items)
    except Exception:  # (a type that takes no such argument: a defaultdict, a class of its own)
        return items


def _clone(value: Any) -> Any:
    """A deep copy whose tensors are detached clones (on the same device)."""
    return clone_tree(value)


def _restore_value(current: Any, original: Any, saved: Any) -> Any:
    """Put ``saved`` back, reusing the ``original`` objects: tensors are copied into in place."""
    if isinstance(original, torch.Tensor) and isinstance(saved, torch.Tensor):
        with torch.no_grad():
            if original.shape != saved.shape:
                original.data = unstash(saved, original)
            else:
                original.copy_(saved, non_blocking=saved.is_pinned())
        return original
    if isinstance(original, tuple) and isinstance(saved, tuple) and len(original) == len(saved):
        return tuple(_restore_value(None, o, s) for o, s in zip(original, saved, strict=True))
    if isinstance(original, list) and isinstance(saved, list) and len(original) == len(saved):
        original[:] = [_restore_value(None, o, s) for o, s in zip(original, saved, strict=True)]
        return original
    return _clone(saved)


class _TensorSlot:
    """One parameter or buffer of one module: the object, its values, its gradient, its flags."""

    __slots__ = ("grad", "kind", "module", "name", "obj", "requires_grad", "value")

    def __init__(
        self, module: nn.Module, name: str, obj: torch.Tensor, kind: str, clones: dict[int, Any], host: bool
    ) -> None:
        self.module, self.name, self.obj, self.kind = module, name, obj, kind
        key = id(obj)
        if key not in clones:  # tied weights: one clone
            grad = obj.grad
            clones[key] = (stash(obj, host), None if grad is None else stash(grad, host))
        self.value, self.grad = clones[key]
        self.requires_grad = obj.requires_grad

    def restore(self) -> None:
        table = self.module._parameters if self.kind == "param" else self.module._buffers
        if table.get(self.name) is not self.obj:
            table[self.name] = self.obj  # type: ignore[assignment]
        with torch.no_grad():
            if self.obj.shape != self.value.shape:
                self.obj.data = unstash(self.value, self.obj)
            else:
                self.obj.copy_(self.value, non_blocking=self.value.is_pinned())
        if self.obj.requires_grad != self.requires_grad and self.obj.is_leaf:
            self.obj.requires_grad_(self.requires_grad)
        if self.kind == "param":
            if self.grad is None:
                self.obj.grad = None
            elif self.obj.grad is not None and self.obj.grad.shape == self.grad.shape:
                self.obj.grad.copy_(self.grad, non_blocking=self.grad.is_pinned())
            else:
                self.obj.grad = unstash(self.grad, self.obj)


class _ModuleState:
    def __init__(self, module: nn.Module, host: bool) -> None:
        clones: dict[int, Any] = {}
        self.slots: list[_TensorSlot] = []
        self.modes: list[tuple[nn.Module, bool]] = []
        self.metrics: list[tuple[Any, dict[str, Any]]] = []
        metric_cls = _metric_class()
        seen: set[int] = set()
        for m in module.modules():
            if id(m) in seen:
                continue
            seen.add(id(m))
            self.modes.append((m, m.training))
            for name, p in m._parameters.items():
                if p is not None:
                    self.slots.append(_TensorSlot(m, name, p, "param", clones, host))
            for name, b in m._buffers.items():
                if b is not None:
                    self.slots.append(_TensorSlot(m, name, b, "buffer", clones, host))
            if metric_cls is not None and isinstance(m, metric_cls):
                self.metrics.append((m, _metric_state(m)))

    def restore(self) -> None:
        for slot in self.slots:
            slot.restore()
        for m, training in self.modes:
            m.training = training
        for metric, state in self.metrics:
            for key, value in state.items():
                setattr(metric, key, _clone(value))


def _metric_class() -> Any:
    try:
        from torchmetrics import Metric
    except ImportError:  # pragma: no cover - torchmetrics is a dependency
        return None
    return Metric


_METRIC_EXTRA = ("_update_count", "_computed", "_forward_cache", "_is_synced", "_cache", "_should_unsync")


def _metric_state(metric: Any) -> dict[str, Any]:
    """A torchmetrics Metric's accumulated state: its ``add_state`` attributes (not buffers, so not in
    ``state_dict`` by default) and its update counter and caches."""
    keys = [*getattr(metric, "_defaults", {}), *(k for k in _METRIC_EXTRA if k in metric.__dict__)]
    return {k: _clone(getattr(metric, k)) for k in keys}


class _OptimizerState:
    def __init__(self, optimizer: torch.optim.Optimizer, host: bool) -> None:
        self.optimizer = optimizer
        self.groups = list(optimizer.param_groups)
        self.group_values = [{k: (v, _clone(v)) for k, v in g.items() if k != "params"} for g in self.groups]
        self.group_params = [list(g["params"]) for g in self.groups]
        # the per-parameter tensors (Adam's moments, momentum buffers) go where the snapshot's place says;
        # the rest is small and stays beside the original
        self.state: dict[Any, tuple[dict[str, Any], dict[str, tuple[Any, Any]]]] = {
            p: (
                s,
                {k: (v, stash(v, host) if isinstance(v, torch.Tensor) else _clone(v)) for k, v in s.items()},
            )
            for p, s in optimizer.state.items()
        }
        self.opt_called = getattr(optimizer, "_opt_called", _MISSING)

    def restore(self) -> None:
        opt = self.optimizer
        opt.param_groups[:] = self.groups
        for group, values, params in zip(self.groups, self.group_values, self.group_params, strict=True):
            group["params"] = params
            for k in [k for k in group if k != "params" and k not in values]:
                del group[k]
            for k, (orig, saved) in values.items():
                group[k] = _restore_value(group.get(k), orig, saved)
        for p in [p for p in opt.state if p not in self.state]:
            del opt.state[p]
        for p, (sdict, values) in self.state.items():
            opt.state[p] = sdict
            for k in [k for k in sdict if k not in values]:
                del sdict[k]
            for k, (orig, saved) in values.items():
                sdict[k] = _restore_value(sdict.get(k), orig, saved)
        if self.opt_called is _MISSING:
            if "_opt_called" in opt.__dict__:
                del opt.__dict__["_opt_called"]
        else:
            opt._opt_called = self.opt_called  # type: ignore[attr-defined]


class RNGState:
    """The RNG states of python, numpy, torch (CPU and every initialized CUDA device) and the given
    generators, captured now and put back by :meth:`restore`.

    Example:
        >>> import torch
        >>> rng = RNGState()
        >>> a = torch.rand(1)
        >>> rng.restore()
        >>> torch.equal(torch.rand(1), a)
        True
    """

    def __init__(self, generators: Iterable[torch.Generator] = ()) -> None:
        self.python = random.getstate()
        self.numpy = np.random.get_state()
        self.torch = torch.get_rng_state()
        self.cuda = (
            torch.cuda.get_rng_state_all()
            if torch.cuda.is_available() and torch.cuda.is_initialized()
            else None
        )
        unique = {id(g): g for g in generators}
        self.generators = [(g, g.get_state()) for g in unique.values()]

    def restore(self) -> None:
        random.setstate(self.python)
        np.random.set_state(self.numpy)
        torch.set_rng_state(self.torch)
        if self.cuda is not None:
            torch.cuda.set_rng_state_all(self.cuda)
        self.restore_generators()

    def restore_generators(self, skip: Iterable[torch.Generator] = ()) -> None:
        """Put back the given generators only, but those in ``skip``."""
        skipped = {id(g) for g in skip}
        for g, state in self.generators:
            if id(g) not in skipped:
                g.set_state(state)


class Snapshot:
    """Everything a range test may change, captured now and put back by :meth:`restore`.

    Covers the module's parameters, buffers (persistent or not), gradients, ``requires_grad`` flags,
    train/eval modes of every submodule and torchmetrics states; each optimizer's param groups and
    per-parameter state; each LR scheduler (``state_dict``); the precision plugin (the AMP grad scaler);
    and the RNGs of python, numpy, torch, CUDA and the given dataloader generators.

    ``place`` says where the copies of the parameters, gradients, buffers and optimizer state go:
    ``"device"`` (beside the originals), ``"host"`` (host memory, pinned and copied asynchronously on
    CUDA) or ``"auto"`` (see :func:`~._place.choose`); :attr:`place` is the one chosen. Restoring is
    bitwise exact from either place.

    Example:
        >>> import torch
        >>> model = torch.nn.Linear(2, 1)
        >>> opt = torch.optim.Adam(model.parameters(), lr=0.1)
        >>> snap = Snapshot(model, [opt])
        >>> model(torch.ones(1, 2)).sum().backward(); opt.step()
        >>> snap.restore()
        >>> len(opt.state), model.weight.grad is None
        (0, True)
    """

    def __init__(
        self,
        module: nn.Module,
        optimizers: Iterable[torch.optim.Optimizer],
        schedulers: Iterable[Any] = (),
        precision: Any = None,
        generators: Iterable[torch.Generator] = (),
        place: str = "device",
    ) -> None:
        optimizers = list(optimizers)
        tensors = tensors_of(module, optimizers)
        self.place = choose(place, device_bytes(tensors) if place == "auto" else {})
        host = self.place == "host"
        self.module = _ModuleState(module, host)
        self.optimizers = [_OptimizerState(o, host) for o in optimizers]
        self._devices = cuda_devices(tensors) if host else set()
        synchronize(self._devices)  # the host copies are complete before the sweep changes the originals
        self.schedulers = [(s, _clone(s.state_dict())) for s in schedulers]
        self.precision = None if precision is None else (precision, _clone(precision.state_dict()))
        self.rng = RNGState(generators)

    def restore(self) -> None:
        """Put everything back (the snapshot stays valid: restore can be called again)."""
        # Schedulers first: loading one may write LRs into the optimizer, which is restored after it.
        for scheduler, state in self.schedulers:
            scheduler.load_state_dict(_clone(state))
        for opt in self.optimizers:
            opt.restore()
        self.module.restore()
        synchronize(self._devices)
        if self.precision is not None:
            plugin, state = self.precision
            if state:
                plugin.load_state_dict(_clone(state))
        self.rng.restore()
