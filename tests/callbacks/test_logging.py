"""Logging LR and momentum under LearningRateMonitor's tags, without duplicates, the effective LR of optimizers
that adapt their own step size (Prodigy), and the preview figure."""

from __future__ import annotations

import csv
import logging
from pathlib import Path
from typing import Any

import pytest
import torch
from lightning.pytorch.callbacks import LearningRateMonitor
from lightning.pytorch.loggers import CSVLogger, TensorBoardLogger
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from torch.optim.lr_scheduler import StepLR

from lightning_lr import plotting
from lightning_lr import schedules as S
from lightning_lr.callbacks import CosineDecay, OneCycle

from .test_injection import TwoOptimizers
from support.models import Tiny
from support.recording import Recorder, assert_trace
from support.trainers import fit

N = 24


def csv_rows(logger: CSVLogger) -> list[dict[str, str]]:
    with open(Path(logger.log_dir) / "metrics.csv") as f:
        return list(csv.DictReader(f))


def logged(rows: list[dict[str, str]], tag: str) -> list[tuple[int, float]]:
    return [(int(r["step"]), float(r[tag])) for r in rows if r.get(tag)]


def tags(rows: list[dict[str, str]]) -> set[str]:
    return {k for k in rows[0] if k not in ("step", "epoch")} if rows else set()


def named_groups(model: Tiny) -> torch.optim.Optimizer:
    groups = [
        {"params": [model.layer.weight], "lr": 0.1, "name": "backbone"},
        {"params": [model.layer.bias], "lr": 0.01, "name": "head"},
    ]
    return torch.optim.Adam(groups)


CASES = {
    "sgd": (lambda: Tiny(), {"lr-SGD", "lr-SGD-momentum"}),
    "two groups": (
        lambda: Tiny(groups=2),
        {"lr-SGD/pg1", "lr-SGD/pg2", "lr-SGD/pg1-momentum", "lr-SGD/pg2-momentum"},
    ),
    "named groups": (
        lambda: Tiny(optim=named_groups),
        {"lr-Adam/backbone", "lr-Adam/head", "lr-Adam/backbone-momentum", "lr-Adam/head-momentum"},
    ),
    "two sgd optimizers": (
        lambda: TwoOptimizers(second="sgd"),
        {"lr-SGD", "lr-SGD-1", "lr-SGD-momentum", "lr-SGD-1-momentum"},
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_tags_are_learning_rate_monitors(tmp_path, case) -> None:
    make, expected = CASES[case]
    ours = CSVLogger(tmp_path, name="ours")
    rec = fit(tmp_path, make(), [OneCycle()], logger=ours, log_every_n_steps=1)
    theirs = CSVLogger(tmp_path, name="lrm")
    fit(
        tmp_path,
        make(),
        [OneCycle(log_lr=False), LearningRateMonitor(log_momentum=True)],
        logger=theirs,
        log_every_n_steps=1,
    )
    assert tags(csv_rows(ours)) == tags(csv_rows(theirs)) == expected
    if case == "sgd":  # the logged values are the ones the optimizer used, exactly, one per step
        rows = csv_rows(ours)
        assert logged(rows, "lr-SGD") == list(enumerate(rec.lr().tolist()))
        assert logged(rows, "lr-SGD-momentum") == list(enumerate(rec.momentum().tolist()))


def test_every_optimizer_step_respecting_log_every_n_steps(tmp_path) -> None:
    logger = CSVLogger(tmp_path)
    rec = fit(tmp_path, Tiny(), [OneCycle()], logger=logger, log_every_n_steps=5)
    assert logged(csv_rows(logger), "lr-SGD") == [(s, rec.lr()[s]) for s in (4, 9, 14, 19)]
    logger = CSVLogger(tmp_path, name="accumulate")
    rec = fit(tmp_path, Tiny(), [OneCycle()], logger=logger, log_every_n_steps=1, accumulate_grad_batches=2)
    assert logged(csv_rows(logger), "lr-SGD") == list(enumerate(rec.lr().tolist()))  # 12 optimizer steps


@pytest.mark.parametrize(
    "monitor",
    [
        LearningRateMonitor(),
        LearningRateMonitor(log_momentum=True),
        LearningRateMonitor(logging_interval="epoch"),
    ],
    ids=["lr", "lr+momentum", "epoch"],
)
def test_no_duplicates_with_a_learning_rate_monitor(tmp_path, monitor) -> None:
    logger = CSVLogger(tmp_path)
    fit(tmp_path, Tiny(), [OneCycle(), monitor], logger=logger, log_every_n_steps=1)
    rows = csv_rows(logger)
    lr_steps = [s for s, _ in logged(rows, "lr-SGD")]
    momentum_steps = [s for s, _ in logged(rows, "lr-SGD-momentum")]
    assert len(lr_steps) == len(set(lr_steps)) and len(momentum_steps) == len(set(momentum_steps))
    # the monitor owns the LR tag (at its interval); the momentum is written every step by one of us
    assert lr_steps == (list(range(N)) if monitor.logging_interval is None else [0, 12])
    assert momentum_steps == list(range(N))


@pytest.mark.parametrize("names", [("x", "x"), ("pg2", None)], ids=["named alike", "a name of another's tag"])
def test_param_groups_logged_under_one_tag_are_refused(tmp_path, names) -> None:
    # r162: two groups named "x" (or "pg2" beside an unnamed second group) were logged under one tag, the
    # last written: group 0's LR never reached the logger, without a word
    def optim(model: Tiny) -> torch.optim.Optimizer:
        groups = [{"params": [model.layer.weight]}, {"params": [model.layer.bias]}]
        for group, name in zip(groups, names, strict=True):
            if name is not None:
                group["name"] = name
        return torch.optim.SGD(groups, lr=0.1, momentum=0.9)

    tag = f"lr-SGD/{names[0]}"
    with pytest.raises(
        ValueError, match=rf"under the same tag \('{tag}': param groups \[0, 1\]\).*log_lr=False"
    ):
        fit(tmp_path, Tiny(optim=optim), [OneCycle()], logger=CSVLogger(tmp_path))
    # without a logger, or with log_lr=False, nothing is logged and nothing refused
    fit(tmp_path, Tiny(optim=optim), [OneCycle()], logger=False)
    fit(tmp_path, Tiny(optim=optim), [OneCycle(log_lr=False)], logger=CSVLogger(tmp_path))


def test_log_false_logs_nothing(tmp_path) -> None:
    logger = CSVLogger(tmp_path)
    fit(tmp_path, Tiny(), [OneCycle(log_lr=False)], logger=logger, log_every_n_steps=1)
    assert not Path(logger.log_dir, "metrics.csv").exists() or not tags(csv_rows(logger))


def events(logger: TensorBoardLogger) -> EventAccumulator:
    acc = EventAccumulator(logger.log_dir, size_guidance={"images": 0, "scalars": 0})
    acc.Reload()
    return acc


def test_one_callback_per_optimizer_gets_a_preview_each(tmp_path) -> None:
    # review 77: both went to lr_schedule/OneCycle at step 0, and TensorBoard showed only the second
    tb = TensorBoardLogger(tmp_path, name="tb")
    callbacks = [
        OneCycle(max_lr=0.5, optimizer=0),
        OneCycle(max_lr=0.05, optimizer=1),
        CosineDecay(optimizer=1),
    ]
    fit(tmp_path, TwoOptimizers(), callbacks[:2], logger=tb, log_every_n_steps=1)
    acc = events(tb)
    assert sorted(acc.Tags()["images"]) == ["lr_schedule/OneCycle/lr-Adam", "lr_schedule/OneCycle/lr-SGD"]
    assert [len(acc.Images(tag)) for tag in acc.Tags()["images"]] == [1, 1]
    tb = TensorBoardLogger(tmp_path, name="other")  # callbacks of different classes: the class names them
    fit(tmp_path, TwoOptimizers(), [callbacks[0], callbacks[2]], logger=tb, log_every_n_steps=1)
    assert sorted(events(tb).Tags()["images"]) == ["lr_schedule/CosineDecay", "lr_schedule/OneCycle"]


def test_every_logger_gets_the_values_and_tensorboard_gets_a_preview(tmp_path) -> None:
    tb, csv_logger = TensorBoardLogger(tmp_path, name="tb"), CSVLogger(tmp_path, name="csv")
    cb = OneCycle(max_lr=0.5)
    rec = fit(tmp_path, Tiny(groups=2), [cb], logger=[tb, csv_logger], log_every_n_steps=1)
    acc = events(tb)
    assert acc.Tags()["images"] == ["lr_schedule/OneCycle"]
    scalars = acc.Scalars("lr-SGD/pg2")
    assert [e.step for e in scalars] == list(range(N))
    assert_trace([e.value for e in scalars], rec.lr(1), rtol=1e-6)  # TensorBoard stores float32
    assert logged(csv_rows(csv_logger), "lr-SGD/pg2") == list(enumerate(rec.lr(1).tolist()))
    # the figure shows the whole planned run
    planned = cb.planned()
    assert list(planned["lr"]) == ["lr-SGD/pg1", "lr-SGD/pg2"]
    assert list(planned["momentum"]) == ["lr-SGD/pg1-momentum", "lr-SGD/pg2-momentum"]
    assert_trace(planned["lr"]["lr-SGD/pg2"], S.OneCycle(0.05, total_steps=N).values(N))


def test_no_preview_without_matplotlib_or_when_disabled(tmp_path, monkeypatch, caplog) -> None:
    tb = TensorBoardLogger(tmp_path, name="off")
    fit(tmp_path, Tiny(), [CosineDecay(preview=False)], logger=tb)
    assert events(tb).Tags()["images"] == []

    def missing() -> Any:
        raise ImportError("figures need matplotlib: pip install 'lightning_lr[plot]'")

    monkeypatch.setattr(plotting, "pyplot", missing)
    tb = TensorBoardLogger(tmp_path, name="missing")
    with caplog.at_level(logging.INFO):
        rec = fit(tmp_path, Tiny(), [CosineDecay()], logger=tb)
    assert events(tb).Tags()["images"] == []
    assert_trace(rec.lr(), S.CosineDecay(0.1, total=N).values(N))
    # the line says what to install (review 74: it did not name the extra)
    assert (
        "CosineDecay: no schedule preview is drawn (figures need matplotlib: pip install 'lightning_lr[plot]'; "
        "preview=False says nothing)" in caplog.text
    )


def test_schedule_figure_needs_a_curve() -> None:
    with pytest.raises(ValueError, match="lrs must hold at least one curve, got none"):
        plotting.schedule_figure(range(3), {})


def test_schedule_figure_wraps_a_long_title_and_labels_its_marker() -> None:
    # before: a composed schedule's repr ran off both sides of the figure, and the dashed marker line was in
    # no legend
    title = repr(S.join([S.warmup(S.CosineDecay(0.1, total=900), steps=100), S.Constant(0.001)], [1000]))
    assert len(title) > 150
    fig = plotting.schedule_figure(range(10), {"lr": [0.1] * 10}, {"m": [0.9] * 10}, title=title, marker=4)
    try:
        lines = fig._suptitle.get_text().split("\n")
        assert len(lines) >= 2 and max(map(len, lines)) <= 100 and " ".join(lines) == title
        for ax in fig.axes:
            legend = [t.get_text() for t in ax.get_legend().get_texts()]
            assert legend[-1] == "step 4"
    finally:
        plotting.pyplot().close(fig)
    fig = plotting.schedule_figure(range(10), {"lr": [0.1] * 10}, marker=4, marker_label="resumed")
    try:
        assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["lr", "resumed"]
    finally:
        plotting.pyplot().close(fig)


def test_planned_needs_a_fit_in_this_process_and_a_length(tmp_path) -> None:
    # before: a callback never fitted here (or fitted under ddp_spawn) blamed an infinite run
    with pytest.raises(
        ValueError, match=r"OneCycle: no fit has planned its schedule in this process \(under ddp_spawn"
    ):
        OneCycle().planned()
    cycle = OneCycle(total=20)
    fit(tmp_path, Tiny(), [cycle], max_epochs=-1, max_steps=-1, max_time={"seconds": 0.5})
    with pytest.raises(
        ValueError, match=r"OneCycle.planned: the run's length is unknown \(max_steps and max_epochs are"
    ):
        cycle.planned()
    assert cycle.planned(10)["lr"]["lr-SGD"].shape == (10,)


class LossLogger(Tiny):
    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        loss = super().training_step(batch, batch_idx)
        self.log("loss", loss)
        return loss


@pytest.mark.filterwarnings("ignore:You're resuming from a checkpoint that ended before the epoch ended")
@pytest.mark.usefixtures("exact_mid_epoch_resume")
def test_logged_steps_match_lightnings_own_metrics_after_a_resume(tmp_path) -> None:
    from lightning.pytorch.callbacks import ModelCheckpoint

    ckpt = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_train_steps=7, save_top_k=-1)
    fit(tmp_path, LossLogger(), [OneCycle(), ckpt], enable_checkpointing=True)
    logger = CSVLogger(tmp_path, name="resumed")
    (path,) = (tmp_path / "ckpt").glob("*-step=7.ckpt")
    fit(tmp_path, LossLogger(), [OneCycle()], logger=logger, log_every_n_steps=5, ckpt_path=str(path))
    rows = csv_rows(logger)
    lr_steps = [s for s, _ in logged(rows, "lr-SGD")]
    assert lr_steps == [s for s, _ in logged(rows, "loss")] == [9, 14, 19]


def prodigy(model: Tiny) -> torch.optim.Optimizer:
    from prodigyopt import Prodigy

    return Prodigy(model.parameters(), lr=1.0)


class EffectiveRecorder(Recorder):
    """Also records ``d`` and ``d * lr`` of the first param group before every optimizer step."""

    def __init__(self) -> None:
        super().__init__()
        self.d: list[float] = []
        self.effective: list[float] = []

    def on_before_optimizer_step(self, trainer: Any, pl_module: Any, optimizer: Any) -> None:
        super().on_before_optimizer_step(trainer, pl_module, optimizer)
        group = optimizer.param_groups[0]
        self.d.append(float(group["d"]))
        self.effective.append(float(group["d"]) * float(group["lr"]))


@pytest.mark.parametrize("monitor", [False, True], ids=["alone", "with-lr-monitor"])
def test_the_effective_lr_of_prodigy_is_logged_beside_the_lr(tmp_path, monitor) -> None:
    logger = CSVLogger(tmp_path)
    rec = EffectiveRecorder()
    callbacks = [CosineDecay(), rec, *([LearningRateMonitor()] if monitor else [])]
    fit(tmp_path, Tiny(optim=prodigy), callbacks, logger=logger, log_every_n_steps=1)
    rows = csv_rows(logger)
    assert len(set(rec.d)) > 1 and rec.lr()[0] == 1.0  # Prodigy moves d, the LR is the schedule's
    assert logged(rows, "lr-Prodigy-effective") == list(enumerate(rec.effective))
    assert logged(rows, "lr-Prodigy") == list(enumerate(rec.lr().tolist()))  # written once, by one of us
    assert tags(rows) == {"lr-Prodigy", "lr-Prodigy-momentum", "lr-Prodigy-effective"}


def test_no_effective_lr_for_optimizers_without_d(tmp_path) -> None:
    logger = CSVLogger(tmp_path)
    fit(tmp_path, Tiny(), [CosineDecay()], logger=logger, log_every_n_steps=1)
    assert tags(csv_rows(logger)) == {"lr-SGD", "lr-SGD-momentum"}


def test_the_replaced_schedulers_name_is_kept_for_the_logged_lr(tmp_path) -> None:
    # before: the "name" of the replaced config (LearningRateMonitor's tag) was dropped, so the LR curve moved
    # from "backbone_lr" to "lr-SGD" without a word
    def named(model: Tiny) -> Any:
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": StepLR(opt, 2), "name": "backbone_lr"}}

    model = Tiny(optim=named)
    logger = CSVLogger(tmp_path, name="named")
    with pytest.warns(
        UserWarning, match=r"replaces the StepLR .* Its name 'backbone_lr' is kept for the logged LR"
    ):
        rec = fit(tmp_path, model, [OneCycle()], logger=logger, log_every_n_steps=1)
    one_cycle = S.OneCycle(0.1, total_steps=N)
    assert_trace(rec.lr(), one_cycle.values(N))
    assert [c.name for c in model.trainer.lr_scheduler_configs] == ["backbone_lr"]
    rows = csv_rows(logger)
    assert [v for _, v in logged(rows, "backbone_lr")] == pytest.approx(one_cycle.values(N).tolist())
    assert "backbone_lr-momentum" in tags(rows)
    assert not any(tag.startswith("lr-") for tag in tags(rows))
