"""Where the range test's snapshot keeps its copies: beside the tensors on their device, or in host memory.

The snapshot holds one copy of the model's parameters, gradients and buffers and of the optimizer's state
(Adam: twice the parameters). On the device that copy competes with the sweep for device memory; in host
memory (pinned and copied asynchronously on CUDA) it does not. ``"auto"`` keeps it on the device when it
fits there with room to spare for the sweep, in host memory otherwise; on CPU the device is host memory,
so every choice makes the same one copy.

Example:
    >>> choose("auto", {"cuda:0": 6 * 2**30}, lambda device: (8 * 2**30, 16 * 2**30))
    'host'
    >>> choose("auto", {"cuda:0": 2 * 2**30}, lambda device: (8 * 2**30, 16 * 2**30))
    'device'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import torch

__all__ = [
    "MARGIN",
    "choose",
    "cuda_devices",
    "device_bytes",
    "free_memory",
    "stash",
    "synchronize",
    "tensors_of",
    "unstash",
]

#: the share of a device's memory ``"auto"`` leaves free for the sweep's activations
MARGIN = 0.2


def stash(tensor: torch.Tensor, host: bool) -> torch.Tensor:
    """A detached copy of ``tensor``: on its device, or (``host``) in host memory, pinned and copied
    asynchronously from a CUDA device (:func:`synchronize` waits for the copy)."""
    tensor = tensor.detach()
    if not host or tensor.device.type == "cpu":
        return tensor.clone()
    cuda = tensor.device.type == "cuda"
    out = torch.empty(tensor.shape, dtype=tensor.dtype, device="cpu", pin_memory=cuda)
    out.copy_(tensor, non_blocking=cuda)
    return out


def unstash(saved: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """A new tensor with ``saved``'s values on ``like``'s device (for a tensor whose shape changed)."""
    return saved.to(device=like.device, copy=True)


def cuda_devices(tensors: Iterable[torch.Tensor]) -> set[torch.device]:
    """The CUDA devices ``tensors`` live on."""
    return {t.device for t in tensors if t.device.type == "cuda"}


def synchronize(devices: Iterable[torch.device]) -> None:
    """Wait for the asynchronous copies between host memory and ``devices``."""
    for device in devices:
        torch.cuda.synchronize(device)


def device_bytes(tensors: Iterable[torch.Tensor]) -> dict[str, int]:
    """The bytes of ``tensors`` (each counted once) by CUDA device."""
    out: dict[str, int] = {}
    seen: set[int] = set()
    for t in tensors:
        if t.device.type != "cuda" or id(t) in seen:
            continue
        seen.add(id(t))
        key = str(t.device)
        out[key] = out.get(key, 0) + t.numel() * t.element_size()
    return out


def free_memory(device: str) -> tuple[int, int]:
    """``(available, total)`` bytes of a CUDA device: free memory plus what PyTorch's allocator holds
    unused, and the device's total."""
    free, total = torch.cuda.mem_get_info(device)
    cached = torch.cuda.memory_reserved(device) - torch.cuda.memory_allocated(device)
    return free + cached, total


def choose(
    place: str, needs: Mapping[str, int], memory: Callable[[str], tuple[int, int]] = free_memory
) -> str:
    """``"device"`` or ``"host"``: ``place`` itself, or for ``"auto"`` the device when every device's copy
    (``needs``: bytes by device) fits in its available memory with :data:`MARGIN` of its total to spare."""
    if place != "auto":
        return place
    for device, need in needs.items():
        available, total = memory(device)
        if need + MARGIN * total > available:
            return "host"
    return "device"


def tensors_of(module: torch.nn.Module, optimizers: Iterable[Any]) -> list[torch.Tensor]:
    """What the snapshot copies: parameters, their gradients, buffers and the optimizers' state tensors."""
    out = [t for t in module.parameters()] + [t for t in module.buffers()]
    out += [p.grad for p in module.parameters() if p.grad is not None]
    for opt in optimizers:
        for state in opt.state.values():
            out += [v for v in state.values() if isinstance(v, torch.Tensor)]
    return out
