"""The schedule callbacks' warnings, and those of the ScheduleLR they drive, point at the user's line (the callback's
construction, the ``trainer.fit`` that ran it), never at a file inside lightning_lr or Lightning: one walk past both
for every layer (``lightning_lr._validate.user_stacklevel``), as the range test's since r193
(tests/tuner/test_warning_origin.py). Before it they pointed at the line inside lightning_lr that called
``rank_zero_warn`` (``callbacks/base.py``, ``_resolve.py``, ``_inject.py``, ...) or one frame short of the
``load_state_dict`` a linked ScheduleLR was given."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest
import schedulefree
import torch
from lightning.pytorch.callbacks import ModelCheckpoint

from lightning_lr.callbacks import (
    CosineDecay,
    Cyclic,
    ExponentialDecay,
    OneCycle,
    ReduceOnPlateau,
    ScheduleFree,
    StepDecay,
)
from lightning_lr.optim import OneCycleLR, ScheduleLR
from lightning_lr.schedules import CosineDecay as CosineSchedule

from support.fakes import StopAt
from support.models import Tiny
from support.origin import assert_said_at
from support.plateau import FLAT, Scripted
from support.trainers import QUIET, trainer


def _fit(tmp_path: Any, model: Any, callbacks: list[Any], ckpt_path: str | None = None, **kwargs: Any) -> Any:
    """A fit called from this file (the user's line), with Lightning's hints about tiny data silenced."""
    t = trainer(tmp_path, callbacks, **kwargs)
    for spec in QUIET:
        warnings.filterwarnings("ignore", message=spec.split(":", 1)[1])
    t.fit(model, ckpt_path=ckpt_path)
    return t


def _growth(tmp_path: Any) -> None:
    ExponentialDecay(gamma=2.0)  # built here: the warning is of this line


def _ends_before_the_run(tmp_path: Any) -> None:
    _fit(tmp_path, Tiny(), [CosineDecay(total=3)])


def _replaces_a_scheduler(tmp_path: Any) -> None:
    def one_cycle(model: Tiny) -> Any:
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        return [opt], [torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=100)]

    _fit(tmp_path, Tiny(optim=one_cycle), [CosineDecay()])


def _stopped_early(tmp_path: Any) -> None:
    _fit(tmp_path, Tiny(), [CosineDecay(), StopAt(3)])


def _checkpoint(tmp_path: Any, callbacks: list[Any]) -> str:
    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_epochs=1, save_top_k=-1, filename="{epoch}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _fit(tmp_path, Tiny(), [*callbacks, ckpt], max_epochs=1, enable_checkpointing=True)
    return str(tmp_path / "ckpt" / "epoch=0.ckpt")


def _resumed_into_a_longer_run(tmp_path: Any) -> None:
    path = _checkpoint(tmp_path, [OneCycle(max_lr=0.1)])
    _fit(tmp_path, Tiny(), [OneCycle(max_lr=0.1)], ckpt_path=path, max_epochs=3)


def _resumed_with_another_max_lr(tmp_path: Any) -> None:
    # said by the ScheduleLR the callback links, loaded by Lightning's checkpoint connector
    path = _checkpoint(tmp_path, [OneCycle(max_lr=0.1)])
    _fit(tmp_path, Tiny(), [OneCycle(max_lr=0.2)], ckpt_path=path, max_epochs=1)


def _resumed_without_the_callbacks_state(tmp_path: Any) -> None:
    path = _checkpoint(tmp_path, [])
    _fit(tmp_path, Tiny(), [CosineDecay()], ckpt_path=path, max_epochs=2)


def _linked_load_by_hand(tmp_path: Any) -> None:
    # a plain-torch user linking two schedulers and loading a state written with other schedules
    opt = torch.optim.SGD(torch.nn.Linear(2, 1).parameters(), lr=0.1)
    a = ScheduleLR(opt, lr=CosineSchedule(0.1, total=10))
    opt2 = torch.optim.SGD(torch.nn.Linear(2, 1).parameters(), lr=0.1)
    b = ScheduleLR(opt2, lr=CosineSchedule(0.1, total=10))
    ScheduleLR.link({"optimizer 0": a, "optimizer 1": b})
    state = a.state_dict()
    c = ScheduleLR(opt, lr=CosineSchedule(0.2, total=10))
    ScheduleLR.link({"optimizer 0": c, "optimizer 1": b})
    c.load_state_dict(state)  # the user's line


def _drop_in_stepped_by_lightning(tmp_path: Any) -> None:
    def short_cycle(model: Tiny) -> Any:
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        return {
            "optimizer": opt,
            "lr_scheduler": {"scheduler": OneCycleLR(opt, 0.1, total_steps=3), "interval": "step"},
        }

    _fit(tmp_path, Tiny(optim=short_cycle), [], max_epochs=1)


def _flat_exp_range(tmp_path: Any) -> None:
    Cyclic(base_lr=0.01, max_lr=0.1, mode="exp_range")  # built here: gamma=1, the warning is of this line


def _plateau_never_monitored(tmp_path: Any) -> None:
    # validation every 3 epochs in a fit of 2: it never ran
    _fit(tmp_path, Scripted(FLAT), [ReduceOnPlateau("val")], max_epochs=2, check_val_every_n_epoch=3)


def _schedule_free_decayed(tmp_path: Any) -> None:
    def free(model: Tiny) -> Any:
        return schedulefree.SGDScheduleFree(model.parameters(), lr=0.1, warmup_steps=0)

    _fit(tmp_path, Tiny(optim=free), [ScheduleFree(), CosineDecay()], max_epochs=1)


def _built_from_a_config(tmp_path: Any) -> None:
    # as LightningCLI builds a callback of a config: through jsonargparse (r196: the warning pointed inside it)
    from jsonargparse import ArgumentParser

    parser = ArgumentParser()
    parser.add_class_arguments(StepDecay, "callback")
    config = parser.parse_args(["--callback.every=4", "--callback.drop=2.0"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # (jsonargparse's own, of its API)
        parser.instantiate_classes(config)  # the user's line


CASES: dict[str, tuple[Callable[[Any], None], str]] = {
    "a decay that grows, built from a config": (_built_from_a_config, "makes the LR grow"),
    "a cyclic exp_range that never shrinks (built)": (_flat_exp_range, "whose amplitude never shrinks"),
    "a plateau never monitored": (_plateau_never_monitored, "the fit ended without a decision"),
    "a schedule-free optimizer decayed": (
        _schedule_free_decayed,
        "Schedule-free optimizers replace the decay",
    ),
    "a decay that grows (built)": (_growth, "makes the LR grow"),
    "a schedule shorter than the run": (_ends_before_the_run, "but the run has"),
    "configure_optimizers' scheduler replaced": (_replaces_a_scheduler, "replaces the OneCycleLR"),
    "an early stop": (_stopped_early, "before its schedule's end"),
    "a resume into a longer run": (_resumed_into_a_longer_run, "the run differs from the checkpoint's"),
    "a linked ScheduleLR restored by Lightning": (
        _resumed_with_another_max_lr,
        "resumed with other schedules",
    ),
    "a checkpoint without the callback's state": (_resumed_without_the_callbacks_state, "has no state for"),
    "a linked ScheduleLR loaded by hand": (_linked_load_by_hand, "resumed with other schedules"),
    "a drop-in stepped by Lightning": (_drop_in_stepped_by_lightning, "past total_steps"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_schedule_warning_points_at_the_users_line(tmp_path: Any, case: str) -> None:
    run, said = CASES[case]
    assert_said_at(__file__, lambda: run(tmp_path), said)
