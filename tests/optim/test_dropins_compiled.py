"""Stepped inside a ``torch.compile``'d function with the optimizer (the compiled optimizer's pattern), a
scheduler of ours runs as torch's do: outside the graphs, the same values, and the param groups left as
they were (review 125: dynamo copied its traced groups back with ``capturable=True``, and Adam on CPU then
refused every later step)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest
import torch
from torch.optim import lr_scheduler as T

import lightning_lr.optim as O
from lightning_lr import schedules as S

STEPS = 6

CASES: dict[str, tuple[str, Callable[[Any, Any], Any]]] = {
    "OneCycleLR-adam": ("adam", lambda lib, opt: lib.OneCycleLR(opt, 0.01, total_steps=30)),
    "CyclicLR-sgd": ("sgd", lambda lib, opt: lib.CyclicLR(opt, 0.001, 0.01, step_size_up=4)),
    "CosineAnnealingWarmRestarts-adam": (
        "adam",
        lambda lib, opt: lib.CosineAnnealingWarmRestarts(opt, T_0=4),
    ),
    "StepLR-sgd": ("sgd", lambda lib, opt: lib.StepLR(opt, step_size=2, gamma=0.5)),
}


def _run(case: str, ours: bool) -> tuple[list[float], dict[str, Any], list[float]]:
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 1)
    kind, make = CASES[case]
    if kind == "adam":
        opt: torch.optim.Optimizer = torch.optim.Adam(model.parameters(), lr=torch.tensor(0.01))
    else:
        opt = torch.optim.SGD(model.parameters(), lr=torch.tensor(0.01), momentum=0.9)
    before = {k for k in opt.param_groups[0] if k != "params"}
    sched = make(O if ours else T, opt)
    x, y = torch.randn(8, 4), torch.randn(8, 1)

    @torch.compile(backend="eager")
    def step() -> None:
        opt.step()
        sched.step()

    seen: list[tuple[float, float]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dynamo's recompilation notes (the betas change every step)
        for _ in range(STEPS):
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(x), y).backward()
            step()
            g = opt.param_groups[0]
            momentum = g["betas"][0] if "betas" in g else g["momentum"]
            seen.append((float(g["lr"]), float(momentum)))
        torch._dynamo.reset()
    group = {k: v for k, v in opt.param_groups[0].items() if k != "params"}
    assert set(group) - before <= {"initial_lr", "max_lr", "min_lr", "base_momentum", "max_momentum"}
    opt.zero_grad()
    torch.nn.functional.mse_loss(model(x), y).backward()
    opt.step()  # eager, after the compiled steps: refused when a group was left capturable on CPU
    return [v for pair in seen for v in pair], group, [float(p.detach().sum()) for p in model.parameters()]


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_compiled_step_leaves_the_groups_as_torch_does(case: str) -> None:
    ours, group, params = _run(case, ours=True)
    theirs, torch_group, torch_params = _run(case, ours=False)
    assert ours == pytest.approx(theirs, rel=1e-6)
    assert group.get("capturable") == torch_group.get("capturable")
    assert params == pytest.approx(torch_params, rel=1e-6)


def test_schedule_lr_with_a_momentum_schedule_steps_outside_the_graph() -> None:
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 1)
    opt = torch.optim.Adam(model.parameters(), lr=torch.tensor(0.01))
    sched = O.ScheduleLR(
        opt, lr=S.CosineDecay(0.01, total=10), momentum=S.CosineDecay(0.95, total=10, final=0.85)
    )

    @torch.compile(backend="eager")
    def step() -> None:
        opt.step()
        sched.step()

    x, y = torch.randn(8, 4), torch.randn(8, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(4):
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(x), y).backward()
            step()
        torch._dynamo.reset()
    assert opt.param_groups[0]["capturable"] is False
    assert float(opt.param_groups[0]["lr"]) == pytest.approx(S.CosineDecay(0.01, total=10)(4))
    assert opt.param_groups[0]["betas"][0] == pytest.approx(S.CosineDecay(0.95, total=10, final=0.85)(4))
    opt.step()


@pytest.mark.skipif(
    not hasattr(torch.compiler, "set_stance"), reason="torch.compiler.set_stance is torch >= 2.6"
)
@pytest.mark.parametrize("stance", ["eager_on_recompile", "force_eager"])
@pytest.mark.parametrize("case", ["OneCycleLR-adam", "CosineAnnealingWarmRestarts-adam", "StepLR-sgd"])
def test_a_compiled_step_under_a_stance_runs_as_torchs(case: str, stance: str) -> None:
    # review 126: under "eager_on_recompile" dynamo's frame callback is False ("run only") also where the step is
    # rerouted to run eagerly, so it was rerouted again, until a RecursionError
    torch.compiler.set_stance(stance)
    try:
        ours, group, _ = _run(case, ours=True)
        theirs, torch_group, _ = _run(case, ours=False)
    finally:
        torch.compiler.set_stance("default")
    assert ours == pytest.approx(theirs, rel=1e-6)
    assert group.get("capturable") == torch_group.get("capturable")


def test_a_callback_still_set_where_dynamo_is_off_is_stepped_in_place_not_rerouted_again(monkeypatch) -> None:
    # review 126: a dynamo mode whose callback was not None where the step was rerouted to run eagerly recursed
    # until a RecursionError; a callback this module does not know (a torch to come) must not do so either
    from lightning_lr.optim import _untraced
    from lightning_lr.optim.dropins import _base

    unknown = object()
    monkeypatch.setattr(_base, "frame_callback", lambda: unknown)
    monkeypatch.setattr(_untraced, "frame_callback", lambda: unknown)
    monkeypatch.setattr(_base, "step_eagerly", _untraced._step)  # as if torch's disable left it set
    opt = torch.optim.SGD(torch.nn.Linear(2, 1).parameters(), lr=0.1)
    sched = O.StepLR(opt, step_size=1, gamma=0.5)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (no optimizer step before the scheduler's)
            sched.step()
            sched.step()
        assert sched.get_last_lr() == [0.025]  # each step taken once
    finally:
        _untraced.EAGER.remove(unknown)
