"""What the fit trains against what the range test swept (``_what_trains``): each kind of change is named."""

from __future__ import annotations

import torch

from lightning_lr.tuner._what_trains import Trained, _changes


class _Net(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.body = torch.nn.Sequential(*(torch.nn.Linear(2, 2) for _ in range(6)))
        self.norm = torch.nn.BatchNorm1d(2)


def _state(net: _Net, groups: list[list[torch.nn.Parameter]], optimizers: int = 1) -> Trained:
    ids = tuple(tuple(id(p) for p in g) for g in groups)
    trainable = frozenset(id(p) for p in net.parameters() if p.requires_grad)
    training = frozenset(n for n, m in net.named_modules() if m.training)
    return Trained((ids,) * optimizers, trainable, training, 1, True)


def test_each_change_between_the_test_and_the_fit_is_named() -> None:
    net = _Net()
    params = list(net.parameters())
    swept = _state(net, [params[:2], params[2:]])
    assert _changes(swept, _state(net, [params[:2], params[2:]]), net) == []  # nothing changed
    # the same number of groups, holding other parameters
    assert _changes(swept, _state(net, [params[:4], params[4:]]), net) == [
        "the optimizer's param groups hold other parameters than the test swept"
    ]
    # frozen after the test: named, the first four and a count of the rest
    for p in net.body.parameters():
        p.requires_grad_(False)
    net.norm.eval()
    said = _changes(swept, _state(net, [params[:2], params[2:]]), net)
    assert said == [
        "12 parameters no longer train (body.0.bias, body.0.weight, body.1.bias, body.1.weight and 8 more)",
        "1 submodules are now in eval mode (norm (BatchNorm1d))",
    ]
    # a second optimizer, and the module back in train mode
    frozen = _state(net, [params[:2], params[2:]])
    net.norm.train()
    said = _changes(frozen, _state(net, [params[:2], params[2:]], optimizers=2), net)
    assert said == [
        "the fit has 2 optimizers where the test swept 1",
        "1 submodules are now in train mode (norm (BatchNorm1d))",
    ]
