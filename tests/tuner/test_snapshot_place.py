"""Where the snapshot keeps its copies: the choice, and a bitwise restore from either place."""

from __future__ import annotations

import pytest
import torch

from lightning_lr.tuner._place import MARGIN, choose, device_bytes, tensors_of
from lightning_lr.tuner._state import Snapshot

GIB = 2**30


def test_auto_keeps_the_copy_on_the_device_only_with_room_to_spare() -> None:
    memory = {"cuda:0": (10 * GIB, 16 * GIB), "cuda:1": (4 * GIB, 16 * GIB)}
    room = 10 * GIB - MARGIN * 16 * GIB  # what cuda:0 can take and keep its margin
    assert choose("auto", {"cuda:0": int(room)}, memory.__getitem__) == "device"
    assert choose("auto", {"cuda:0": int(room) + 1}, memory.__getitem__) == "host"
    # every device must fit: a model split over two devices goes to host when one of them is short
    assert choose("auto", {"cuda:0": GIB, "cuda:1": 2 * GIB}, memory.__getitem__) == "host"
    assert choose("auto", {}, memory.__getitem__) == "device"  # CPU: the device is host memory
    assert choose("host", {"cuda:0": 1}, memory.__getitem__) == "host"
    assert choose("device", {"cuda:0": 100 * GIB}, memory.__getitem__) == "device"


def test_the_copy_is_counted_once_per_tensor_and_only_on_cuda() -> None:
    model = torch.nn.Linear(4, 2)
    opt = torch.optim.Adam(model.parameters())
    model(torch.ones(1, 4)).sum().backward()
    opt.step()
    tensors = tensors_of(model, [opt])
    # weight, bias, their grads, and Adam's step, exp_avg, exp_avg_sq for each
    assert len(tensors) == 2 + 2 + 6
    assert device_bytes(tensors + tensors) == {}  # CPU tensors: nothing on a CUDA device


@pytest.mark.parametrize("place", ["device", "host", "auto"])
def test_restore_is_bitwise_from_either_place(place: str) -> None:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.Linear(8, 1))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    for _ in range(3):
        opt.zero_grad()
        model(torch.randn(5, 4)).pow(2).mean().backward()
        opt.step()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    grads = [p.grad.clone() for p in model.parameters()]
    moments = [opt.state[p]["exp_avg_sq"].clone() for p in model.parameters()]
    snap = Snapshot(model, [opt], place=place)
    assert snap.place == ("device" if place == "auto" else place)
    for _ in range(3):
        opt.zero_grad()
        model(torch.randn(5, 4)).pow(2).mean().backward()
        opt.step()
    model[0].weight.data = torch.zeros(2, 2)  # a parameter whose shape changed comes back too
    snap.restore()
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert all(torch.equal(g, p.grad) for g, p in zip(grads, model.parameters(), strict=True))
    assert all(
        torch.equal(m, opt.state[p]["exp_avg_sq"]) for m, p in zip(moments, model.parameters(), strict=True)
    )
