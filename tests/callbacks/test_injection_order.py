"""Where the schedule callbacks put their schedulers, and which scheduler a checkpoint's state goes to.

Lightning restores the schedulers' states by position. The schedulers lightning_lr adds follow those
``configure_optimizers`` returned in the order of their optimizers (one that replaces a returned scheduler
takes its place), whatever the order of the callbacks; each state names its optimizer, so a checkpoint
written in another order (by an earlier lightning_lr, which followed the callbacks' order, or with a
schedule callback more or less) still gives every scheduler its own step.

The checkpoints are taken at an epoch's end: Lightning 2.4 takes an extra step when it resumes mid-epoch.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import pytest
import torch
import torch.nn.functional as F
from lightning.pytorch.callbacks import ModelCheckpoint
from lightning.pytorch.strategies import SingleDeviceStrategy
from torch import nn
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader

from lightning_lr import schedules as S
from lightning_lr.callbacks import OneCycle
from lightning_lr.optim import ScheduleLR

from support.models import STEPS_PER_EPOCH, Tiny, dataset
from support.recording import Recorder, assert_trace
from support.trainers import fit

MAX_LRS = (0.05, 0.02, 0.03)


class Staggered(pl.LightningModule):
    """Manual optimization, one linear layer per optimizer (``kinds``: ``"sgd"`` with momentum, ``"adam"``).
    Optimizer ``k`` steps at every ``(k + 1)``-th batch, then the scheduler that drives it (found by its
    optimizer, not its place), so each schedule is at another step. ``own``: the optimizer for which
    ``configure_optimizers`` also returns a StepLR of its own."""

    def __init__(self, kinds: Sequence[str] = ("sgd", "adam"), own: int | None = None) -> None:
        super().__init__()
        self.automatic_optimization = False
        self.kinds, self.own = tuple(kinds), own
        self.layers = nn.ModuleList(nn.Linear(4, 1) for _ in self.kinds)

    def training_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        optimizers = self.optimizers()
        optimizers = optimizers if isinstance(optimizers, list) else [optimizers]
        schedulers = self.lr_schedulers()
        schedulers = schedulers if isinstance(schedulers, list) else [schedulers]
        by_optimizer = {id(s.optimizer): s for s in schedulers if s is not None}
        for k, (opt, layer) in enumerate(zip(optimizers, self.layers, strict=True)):
            if batch_idx % (k + 1) != k:
                continue
            opt.zero_grad()
            self.manual_backward(F.mse_loss(layer(x), y))
            opt.step()
            if id(opt.optimizer) in by_optimizer:
                by_optimizer[id(opt.optimizer)].step()

    def configure_optimizers(self) -> Any:
        optimizers = [
            torch.optim.SGD(layer.parameters(), lr=0.1, momentum=0.9)
            if kind == "sgd"
            else torch.optim.Adam(layer.parameters(), lr=0.1)
            for kind, layer in zip(self.kinds, self.layers, strict=True)
        ]
        if self.own is None:
            return optimizers
        return optimizers, [StepLR(optimizers[self.own], step_size=3, gamma=0.5)]

    def train_dataloader(self) -> DataLoader:
        return DataLoader(dataset(), batch_size=4)


def _callbacks(order: Sequence[int], **kwargs: Any) -> list[OneCycle]:
    return [OneCycle(MAX_LRS[k], optimizer=k, **kwargs) for k in order]


def _steps_in_first_epoch(k: int) -> int:
    return STEPS_PER_EPOCH // (k + 1)


def _run(tmp_path: Path, model: pl.LightningModule, callbacks: list, **kwargs: Any) -> tuple[Recorder, Path]:
    """Fit with a checkpoint at the end of every epoch (``epoch=0.ckpt``, ...)."""
    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_epochs=1, save_top_k=-1, filename="{epoch}")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*replaces the StepLR.*")
        rec = fit(tmp_path, model, [*callbacks, ckpt], enable_checkpointing=True, **kwargs)
    return rec, tmp_path / "ckpt"


def _resume(tmp_path: Path, model: pl.LightningModule, callbacks: list, ckpt: Path, **kwargs: Any):
    """Resume from ``ckpt``; the Recorder and the warnings lightning_lr gave (its scheduler's and callbacks')."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", message=".*replaces the StepLR.*")
        rec = fit(tmp_path / "resumed", model, callbacks, ckpt_path=str(ckpt), **kwargs)
    ours = [str(w.message) for w in caught if str(w.message).startswith(("ScheduleLR", "OneCycle"))]
    return rec, ours


def _assert_continues(full: Recorder, resumed: Recorder, optimizers: int) -> None:
    """Every optimizer's LR and momentum (or beta1) after the checkpoint are the uninterrupted run's."""
    for k in range(optimizers):
        before = _steps_in_first_epoch(k)
        expected, got = full.by_optimizer[k][before:], resumed.by_optimizer[k]
        assert len(got) == len(expected) > 0
        assert_trace([r[0][0] for r in got], [r[0][0] for r in expected])
        assert_trace([r[1][0] for r in got], [r[1][0] for r in expected])


def _as_written_before_keys(source: Path, target: Path, order: Sequence[int]) -> Path:
    """The checkpoint ``source`` (written with the callbacks in the order of their optimizers, so its states
    are in that order) as an earlier lightning_lr wrote it with the callbacks listed in ``order``: the
    schedulers' states without their key, in the order of the callbacks."""
    checkpoint = torch.load(source, weights_only=False)
    states = checkpoint["lr_schedulers"]
    assert [s.pop("key", f"optimizer {k}") for k, s in enumerate(states)] == [
        f"optimizer {k}" for k in range(len(states))
    ]
    checkpoint["lr_schedulers"] = [states[k] for k in order]
    torch.save(checkpoint, target)
    return target


# --- where the schedulers go --------------------------------------------------------------------------------


def test_the_schedulers_follow_their_optimizers_whatever_the_order_of_the_callbacks(tmp_path) -> None:
    _, ckpts = _run(tmp_path, Staggered(("sgd", "adam", "sgd")), _callbacks((2, 0, 1)), max_epochs=1)
    states = torch.load(ckpts / "epoch=0.ckpt", weights_only=False)["lr_schedulers"]
    assert [s["last_epoch"] for s in states] == [12, 6, 4]
    assert [s.get("key") for s in states] == ["optimizer 0", "optimizer 1", "optimizer 2"]


# --- resuming with the callbacks in another order ------------------------------------------------------------


@pytest.mark.parametrize(("written", "resumed"), [((0, 1), (1, 0)), ((1, 0), (0, 1))])
def test_a_gan_resumed_with_its_callbacks_in_another_order_continues_exactly(
    tmp_path, written, resumed
) -> None:
    full, ckpts = _run(tmp_path, Staggered(), _callbacks(written))
    rec, warned = _resume(tmp_path, Staggered(), _callbacks(resumed), ckpts / "epoch=0.ckpt")
    _assert_continues(full, rec, 2)
    assert warned == []


def test_a_replaced_scheduler_keeps_its_place_and_the_others_follow_their_optimizers(tmp_path) -> None:
    # configure_optimizers returns a StepLR for optimizer 1, which OneCycle(optimizer=1) replaces: it stays
    # first, and the schedulers of optimizers 0 and 2 follow it in that order, whichever callback came first
    kinds = ("sgd", "adam", "sgd")
    full, ckpts = _run(tmp_path, Staggered(kinds, own=1), _callbacks((0, 1, 2)))
    states = torch.load(ckpts / "epoch=0.ckpt", weights_only=False)["lr_schedulers"]
    assert [s["last_epoch"] for s in states] == [6, 12, 4]
    rec, warned = _resume(tmp_path, Staggered(kinds, own=1), _callbacks((2, 1, 0)), ckpts / "epoch=0.ckpt")
    _assert_continues(full, rec, 3)
    assert warned == []
    assert [s.get("key") for s in states] == ["optimizer 1", "optimizer 0", "optimizer 2"]


def test_a_single_optimizer_writes_its_key_and_resumes_exactly(tmp_path) -> None:
    full, ckpts = _run(tmp_path, Tiny(), [OneCycle()])
    (state,) = torch.load(ckpts / "epoch=0.ckpt", weights_only=False)["lr_schedulers"]
    assert state["last_epoch"] == STEPS_PER_EPOCH and state.get("key") == "optimizer 0"
    rec, warned = _resume(tmp_path, Tiny(), [OneCycle(optimizer=0)], ckpts / "epoch=0.ckpt")
    assert_trace(rec.lr(), full.lr()[STEPS_PER_EPOCH:])
    assert_trace(rec.momentum(), full.momentum()[STEPS_PER_EPOCH:])
    # a checkpoint of an earlier lightning_lr (no key) resumes the same, silently: there is nothing to match
    old = _as_written_before_keys(ckpts / "epoch=0.ckpt", tmp_path / "old.ckpt", [0])
    again, warned_old = _resume(tmp_path, Tiny(), [OneCycle()], old)
    assert_trace(again.lr(), full.lr()[STEPS_PER_EPOCH:])
    assert [m for m in warned + warned_old if "ScheduleLR" in m] == []


# --- checkpoints written by an earlier lightning_lr, in the order of the callbacks ---------------------------


@pytest.mark.parametrize("resumed", [(0, 1), (1, 0)])
def test_an_earlier_checkpoint_in_another_order_gives_each_scheduler_its_own_state(tmp_path, resumed) -> None:
    full, ckpts = _run(tmp_path, Staggered(), _callbacks((0, 1)))
    old = _as_written_before_keys(ckpts / "epoch=0.ckpt", tmp_path / "old.ckpt", (1, 0))
    rec, warned = _resume(tmp_path, Staggered(), _callbacks(resumed), old)
    _assert_continues(full, rec, 2)
    assert len(warned) == 1
    assert warned[0].startswith(
        "ScheduleLR of optimizer 0 (SGD): the checkpoint's scheduler states do not say"
    )
    assert "went to the scheduler of optimizer 1" in warned[0]


def test_an_earlier_checkpoint_in_another_order_resumed_into_a_longer_run(tmp_path) -> None:
    # the schedules' step counts changed with the run: the states are matched by the rest of their schedules,
    # so the resume is the one from a checkpoint that names its optimizers
    _, ckpts = _run(tmp_path, Staggered(), _callbacks((0, 1)))
    keyed, _ = _resume(
        tmp_path / "keyed", Staggered(), _callbacks((0, 1)), ckpts / "epoch=0.ckpt", max_epochs=3
    )
    old = _as_written_before_keys(ckpts / "epoch=0.ckpt", tmp_path / "old.ckpt", (1, 0))
    rec, warned = _resume(tmp_path / "old", Staggered(), _callbacks((0, 1)), old, max_epochs=3)
    for k in (0, 1):
        assert rec.by_optimizer[k] == keyed.by_optimizer[k]
    assert sum("went to the scheduler of optimizer 1" in m for m in warned) == 1


def test_an_earlier_checkpoint_whose_states_cannot_be_told_apart_is_loaded_in_order_with_a_warning(
    tmp_path,
) -> None:
    # the same OneCycle on two SGDs: only the step counts differ, and those changed with the longer run
    kinds = ("sgd", "sgd")
    _, ckpts = _run(tmp_path, Staggered(kinds), [OneCycle(0.05, optimizer=k) for k in (0, 1)])
    old = _as_written_before_keys(ckpts / "epoch=0.ckpt", tmp_path / "old.ckpt", (1, 0))
    _, warned = _resume(
        tmp_path, Staggered(kinds), [OneCycle(0.05, optimizer=k) for k in (0, 1)], old, max_epochs=3
    )
    (message,) = [m for m in warned if m.startswith("ScheduleLR")]
    assert "their schedules do not tell" in message and "loaded in the order given" in message


# --- a schedule callback more or less when resuming -----------------------------------------------------------


def test_a_callback_added_when_resuming_does_not_take_another_ones_state(tmp_path) -> None:
    # written with a schedule on optimizer 1 only; resumed with one on optimizer 0 too, which comes first now:
    # optimizer 1's state still goes to optimizer 1's scheduler
    full, ckpts = _run(tmp_path, Staggered(), [OneCycle(MAX_LRS[1], optimizer=1)])
    rec, _ = _resume(tmp_path, Staggered(), _callbacks((0, 1)), ckpts / "epoch=0.ckpt")
    before = _steps_in_first_epoch(1)
    assert rec.by_optimizer[1] == full.by_optimizer[1][before:]
    # optimizer 0's schedule starts from its step 0 (the checkpoint has no state for it), not at optimizer 1's
    # step, and from its first step on: its scheduler, handed optimizer 1's state, re-applies its own values
    # over the LR the optimizer brought back from the checkpoint (before: that LR, 50x the warm-up's, at the
    # first step)
    lrs = [r[0][0] for r in rec.by_optimizer[0]]
    assert_trace(lrs, S.OneCycle(MAX_LRS[0], total_steps=2 * STEPS_PER_EPOCH).values(len(lrs)))


def test_a_callback_fewer_when_resuming_still_gives_the_other_its_own_state(tmp_path) -> None:
    # written with schedules on both optimizers, resumed with one on optimizer 1 only: Lightning gives its
    # scheduler the first state, optimizer 0's, and never its own; it takes its own from the checkpoint's list
    # (before: it refused optimizer 0's and restarted its warm-up at step 0), and the state no scheduler has
    # now is named in a warning
    full, ckpts = _run(tmp_path, Staggered(), _callbacks((0, 1)))
    rec, warned = _resume(tmp_path, Staggered(), [OneCycle(MAX_LRS[1], optimizer=1)], ckpts / "epoch=0.ckpt")
    before = _steps_in_first_epoch(1)
    assert rec.by_optimizer[1] == full.by_optimizer[1][before:]
    (message,) = [m for m in warned if m.startswith("ScheduleLR")]
    assert message.startswith(
        f"ScheduleLR: the checkpoint holds the state of the scheduler of optimizer 0 at step "
        f"{_steps_in_first_epoch(0)}, which none of the schedulers restored with it (optimizer 1) drives now"
    )


class _LateRestore(SingleDeviceStrategy):
    """Restores the checkpoint's module and callbacks after ``configure_optimizers``, as FSDP and DeepSpeed
    do."""

    @property
    def restore_checkpoint_after_setup(self) -> bool:
        return True


@pytest.mark.parametrize("resumed", [(0, 1), (1,)])
def test_a_strategy_that_restores_the_callbacks_late_gives_each_scheduler_its_own_state(
    tmp_path, resumed
) -> None:
    # the callbacks' states (the steps per batch a manual optimization told) and the schedulers' list come
    # after configure_optimizers: the durations are resolved again with the rate, and each scheduler takes
    # its own state (before: planned in batches, 24 steps for 12, and with a callback fewer, step 0)
    full, ckpts = _run(tmp_path, Staggered(), _callbacks((0, 1)))
    strategy = _LateRestore(device=torch.device("cpu"))
    rec, warned = _resume(
        tmp_path, Staggered(), _callbacks(resumed), ckpts / "epoch=0.ckpt", strategy=strategy
    )
    for k in resumed:
        assert rec.by_optimizer[k] == full.by_optimizer[k][_steps_in_first_epoch(k) :]
    assert sum(m.startswith("ScheduleLR: the checkpoint holds the state of") for m in warned) == 2 - len(
        resumed
    )
    assert not any("the run differs from the checkpoint's" in m for m in warned)


# --- the mechanism, on ScheduleLR alone ------------------------------------------------------------------------


def test_linked_schedulers_load_each_state_into_the_one_that_wrote_it() -> None:
    p = nn.Parameter(torch.zeros(1))
    a = ScheduleLR(torch.optim.SGD([p], lr=0.1), lr=S.Constant(0.1))
    b = ScheduleLR(torch.optim.SGD([p], lr=0.2), lr=S.Constant(0.2))
    alone = ScheduleLR(torch.optim.SGD([p], lr=0.3), lr=S.Constant(0.3))
    assert alone.state_dict()["key"] is None
    ScheduleLR.link({"optimizer 0": a, "optimizer 1": b})
    for _ in range(3):
        b.step()
    states = [b.state_dict(), a.state_dict()]
    for scheduler, state in zip((a, b), states, strict=True):
        scheduler.load_state_dict(state)
    assert (a.last_epoch, b.last_epoch) == (0, 3)
    alone.load_state_dict(states[0])  # not linked: loads whatever it is given, as torch's schedulers do
    assert alone.last_epoch == 3


def _linked_pair() -> tuple[ScheduleLR, ScheduleLR]:
    p = nn.Parameter(torch.zeros(1))
    a = ScheduleLR(torch.optim.SGD([p], lr=0.1), lr=S.Linear(0.1, 0.0, 10))
    b = ScheduleLR(torch.optim.SGD([p], lr=0.2), lr=S.Linear(0.2, 0.0, 10))
    ScheduleLR.link({"optimizer 0": a, "optimizer 1": b})
    return a, b


def test_linked_schedulers_given_the_saved_list_each_load_their_own_whatever_they_are_given() -> None:
    a, b = _linked_pair()
    for _ in range(2):
        a.step()
    for _ in range(5):
        b.step()
    saved = [{**a.state_dict(), "key": "optimizer 7"}, a.state_dict(), b.state_dict()]
    fresh_a, fresh_b = _linked_pair()
    ScheduleLR.link({"optimizer 0": fresh_a, "optimizer 1": fresh_b}, saved)
    with pytest.warns(UserWarning, match=r"state of the scheduler of optimizer 7 at step 2, which none"):
        fresh_b.load_state_dict(saved[0])  # by position: the first state, of an optimizer not here
    assert (fresh_a.last_epoch, fresh_b.last_epoch) == (2, 5)
    assert fresh_b.get_last_lr() == [pytest.approx(0.2 * 0.5)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fresh_a.load_state_dict(saved[1])  # the rest of the list, given afterwards: loaded already
        fresh_a.load_state_dict(saved[2])
    assert (fresh_a.last_epoch, fresh_b.last_epoch) == (2, 5)


def test_linked_schedulers_given_no_state_load_their_own_from_the_saved_list() -> None:
    _, b = _linked_pair()
    for _ in range(3):
        b.step()
    fresh_a, fresh_b = _linked_pair()
    ScheduleLR.link({"optimizer 0": fresh_a, "optimizer 1": fresh_b}, [b.state_dict()])
    fresh_a.load_saved()  # no load_state_dict came (Lightning gave the state to a scheduler of the module's)
    assert (fresh_a.last_epoch, fresh_b.last_epoch) == (0, 3)
    fresh_b.step()
    fresh_b.load_saved()  # once only
    assert fresh_b.last_epoch == 4


def test_a_saved_list_without_keys_changes_nothing() -> None:
    _, b = _linked_pair()
    b.step()
    keyless = {k: v for k, v in b.state_dict().items() if k != "key"}
    fresh_a, fresh_b = _linked_pair()
    ScheduleLR.link({"optimizer 0": fresh_a, "optimizer 1": fresh_b}, [keyless])
    fresh_b.load_state_dict(keyless)  # matched as before: by its schedules
    assert (fresh_a.last_epoch, fresh_b.last_epoch) == (0, 1)


class _Validated(Tiny):
    def validation_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        return self.training_step(batch, batch_idx)

    def val_dataloader(self) -> DataLoader:
        return self.train_dataloader()


def test_a_checkpoint_read_by_validate_is_not_resumed_by_a_later_fit(tmp_path) -> None:
    # validate(ckpt_path=...) hands the callbacks the checkpoint too; a later fit of the same callback object,
    # from scratch, starts at step 0 (before: at the checkpoint's step, its cycle over, LR 4e-7 from the first
    # step), and does not take the checkpoint's state written under another spelling either
    full, ckpts = _run(tmp_path, _Validated(), [OneCycle()])
    callback = OneCycle(optimizer=0)
    checker = pl.Trainer(
        default_root_dir=str(tmp_path / "validate"),
        callbacks=[callback],
        logger=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
        limit_val_batches=2,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        checker.validate(_Validated(), ckpt_path=str(ckpts / "epoch=0.ckpt"), verbose=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = fit(tmp_path / "fresh", _Validated(), [callback])
    assert_trace(rec.lr(), full.lr())
    assert [str(w.message) for w in caught if str(w.message).startswith(("ScheduleLR", "OneCycle"))] == []


def test_a_callback_added_on_resume_under_manual_optimization_starts_where_the_trainers_step_says(
    tmp_path,
) -> None:
    # one optimizer: the trainer's step counts its steps, so the schedule starts there (before: at 0, silently)
    _, ckpts = _run(tmp_path / "one", Staggered(("sgd",)), [])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = fit(
            tmp_path / "one-resumed",
            Staggered(("sgd",)),
            [OneCycle(0.05)],
            ckpt_path=str(ckpts / "epoch=0.ckpt"),
        )
    said = [str(w.message) for w in caught if str(w.message).startswith("OneCycle")]
    assert said == [
        f"OneCycle: the checkpoint has no state for the scheduler of optimizer 0 (SGD) (it was written without "
        f"this callback), so the schedule starts at the trainer's step {STEPS_PER_EPOCH} instead of 0"
    ]
    lrs = [r[0][0] for r in rec.by_optimizer[0]]
    assert_trace(
        lrs, S.OneCycle(0.05, total_steps=2 * STEPS_PER_EPOCH).values(2 * STEPS_PER_EPOCH)[STEPS_PER_EPOCH:]
    )
    # two: it counts both optimizers' steps, so the schedule starts at 0, and says why (before: silently)
    _, ckpts = _run(tmp_path / "two", Staggered(), [])
    _, warned = _resume(
        tmp_path / "two", Staggered(), [OneCycle(MAX_LRS[0], optimizer=0)], ckpts / "epoch=0.ckpt"
    )
    assert warned == [
        f"OneCycle: the checkpoint has no state for the scheduler of optimizer 0 (SGD) (it was written without "
        f"this callback), and under manual optimization the trainer's step ({STEPS_PER_EPOCH + 6}) counts the "
        f"steps of all 2 optimizers, so the schedule starts at 0"
    ]


def test_keyless_states_of_a_longer_run_go_to_the_scheduler_with_the_same_lrs_whole_numbers_too() -> None:
    # states without a key (an earlier lightning_lr), resumed for a longer run: the schedules differ in their
    # step counts only, and the LRs tell them apart even when they are whole numbers (all integers were
    # masked before, so LRs 1 and 2 read alike and the states were loaded in the order given)
    p = nn.Parameter(torch.zeros(1))

    def pair(total: int) -> tuple[ScheduleLR, ScheduleLR]:
        a = ScheduleLR(torch.optim.SGD([p], lr=1.0), lr=S.Linear(1, 0, total))
        b = ScheduleLR(torch.optim.SGD([p], lr=2.0), lr=S.Linear(2, 0, total))
        return a, b

    a, b = pair(10)
    for _ in range(2):
        a.step()
    for _ in range(5):
        b.step()
    keyless = [{k: v for k, v in s.state_dict().items() if k != "key"} for s in (b, a)]  # the other order
    fresh_a, fresh_b = pair(20)
    ScheduleLR.link({"optimizer 0": fresh_a, "optimizer 1": fresh_b}, keyless)
    with pytest.warns(
        UserWarning, match=r"each is loaded into the scheduler whose schedules it was written with"
    ):
        fresh_a.load_state_dict(keyless[0])
    fresh_b.load_state_dict(keyless[1])
    assert (fresh_a.last_epoch, fresh_b.last_epoch) == (2, 5)
