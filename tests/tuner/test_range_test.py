"""End-to-end: the sweep itself, both entry points, applying the result, logging, precision, accumulation."""

from __future__ import annotations

import itertools
import math
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from lightning.pytorch.callbacks import Callback, LambdaCallback, LearningRateMonitor
from lightning.pytorch.loggers import TensorBoardLogger

from lightning_lr import LRRangeTest, MomentumRangeTestResult, RangeTestResult, Tuner
from lightning_lr import schedules as S
from lightning_lr.callbacks import CosineDecay, Cyclic, OneCycle
from lightning_lr.tuner import WeightDecayResult
from lightning_lr.tuner._options import LROptions

from support.models import ScriptedLoss, TinyModel, loader, val_loader
from support.state import seed_all
from support.trainers import trainer


class LRProbe(Callback):
    """Reads param group LRs at every training batch of the real fit (after the range test)."""

    def __init__(self) -> None:
        self.lrs: list[list[float]] = []

    def on_train_batch_start(self, trainer: Any, pl_module: Any, batch: Any, batch_idx: int) -> None:
        self.lrs.append([float(g["lr"]) for g in trainer.optimizers[0].param_groups])


def test_exponential_sweep_follows_the_schedule_and_restores_the_model(tmp_path: Any) -> None:
    seed_all(0)
    model = TinyModel()
    weights = {k: v.clone() for k, v in model.state_dict().items()}
    result = Tuner(trainer(tmp_path)).lr_range_test(
        model, loader(), min_lr=1e-5, max_lr=1.0, num_steps=25, early_stop_threshold=None
    )
    assert isinstance(result, RangeTestResult)
    assert len(result.lrs) == len(result.losses) == len(result.smoothed) == len(result.momentums) == 25
    expected = [1e-5 * (1.0 / 1e-5) ** (t / 24) for t in range(25)]
    np.testing.assert_allclose(result.lrs, expected, rtol=1e-12)
    assert (result.lrs[0], result.lrs[-1]) == (1e-5, 1.0)  # the range itself, not rounded past it
    assert result.momentums == (0.9,) * 25
    assert result.stop_reason == "completed"
    assert all(torch.equal(weights[k], v) for k, v in model.state_dict().items())
    s = result.suggestion()
    assert s is not None and 1e-5 <= s <= 1.0
    assert model.hparams.lr == s  # applied to the hparam the model reads


@pytest.mark.parametrize("mode", ["exponential", "linear"])
@pytest.mark.parametrize(
    ("min_lr", "max_lr", "num_steps"),
    [(1e-8, 1.0, 50), (1e-7, 10.0, 100), (1e-7, 10.0, 1000), (1e-6, 100.0, 300)],
)
def test_the_sweep_ends_exactly_at_max_lr(min_lr: float, max_lr: float, num_steps: int, mode: str) -> None:
    # min_lr * gamma ** (num_steps - 1) rounds past max_lr (1.0000000000000022 for the first); an answer
    # capped at the sweep's top then lay above max_lr
    lrs = (
        LROptions(min_lr=min_lr, max_lr=max_lr, num_steps=num_steps, mode=mode)
        .lr_schedule()
        .values(num_steps)
    )
    assert (lrs[0], lrs[-1]) == (min_lr, max_lr) and lrs.max() == max_lr and lrs.min() == min_lr


def test_linear_mode(tmp_path: Any) -> None:
    seed_all(0)
    result = Tuner(trainer(tmp_path)).lr_range_test(
        TinyModel(), loader(), min_lr=0.01, max_lr=0.5, num_steps=8, mode="linear", early_stop_threshold=None
    )
    np.testing.assert_allclose(result.lrs, np.linspace(0.01, 0.5, 8), rtol=1e-12)
    assert result.plot().axes[0].get_xscale() == "linear"


def test_early_stop_on_divergence_and_none_disables_it(tmp_path: Any) -> None:
    seed_all(1)
    diverged = Tuner(trainer(tmp_path)).lr_range_test(
        TinyModel(batchnorm=False), loader(), min_lr=1e-3, max_lr=1e4, num_steps=60
    )
    assert diverged.stop_reason in ("diverged", "non-finite loss") and len(diverged) < 60
    full = Tuner(trainer(tmp_path)).lr_range_test(
        TinyModel(batchnorm=False), loader(), min_lr=1e-3, max_lr=1e4, num_steps=60, early_stop_threshold=None
    )
    assert len(full) == 60 or full.stop_reason == "non-finite loss"


def test_a_lucky_first_batch_is_no_level_to_diverge_from(tmp_path: Any) -> None:
    """One low first loss, then a flat level 5x higher: the old early stop fired at step 4 (its best was that
    one batch); the best now counts from the first tenth of the steps on, so the sweep completes, and a real
    blow-up later still stops it."""
    flat = [0.3] + [1.5] * 59
    result = Tuner(trainer(tmp_path)).lr_range_test(
        ScriptedLoss(flat), loader(), num_steps=60, confirm=False, apply=False, retry=False
    )
    assert result.stop_reason == "completed" and len(result) == 60
    blowup = [0.3] + [1.5] * 39 + [1.5 * 10 ** (i / 4) for i in range(1, 21)]
    result = Tuner(trainer(tmp_path)).lr_range_test(
        ScriptedLoss(blowup), loader(), num_steps=60, confirm=False, apply=False, retry=False
    )
    assert result.stop_reason == "diverged" and 40 < len(result) < 60


def test_a_loss_near_0_still_below_its_start_has_not_diverged(tmp_path: Any) -> None:
    """Review 61: the early stop compares with its best by ratio, which assumes a loss whose floor is 0. A loss
    near 0 (a negative correlation) rose 0.05 on noise at step 20, still below where it started, and the sweep
    stopped as diverged in its first quarter: no answer. The same losses 1 higher ran on. In the first quarter
    a stop now also needs the loss above its start level; a real blow-up there still stops the sweep."""
    descent = [0.01 - 0.9 * i / 79 for i in range(79)]
    script = [0.09] * 10 + [0.01] * 10 + [0.06] + descent  # 100 steps; smoothing=0: the smoothed loss is it

    def sweep(losses: list[float]) -> RangeTestResult:
        return Tuner(trainer(tmp_path)).lr_range_test(
            ScriptedLoss(losses),
            loader(),
            num_steps=100,
            smoothing=0.0,
            confirm=False,
            apply=False,
            retry=False,
        )

    near_0, shifted = sweep(script), sweep([v + 1.0 for v in script])
    assert (near_0.stop_reason, len(near_0)) == (shifted.stop_reason, len(shifted)) == ("completed", 100)
    blowup = sweep([0.09] * 10 + [0.09 * 10 ** (i / 2) for i in range(1, 91)])
    assert blowup.stop_reason == "diverged" and len(blowup) < 25
    assert "in the first quarter of the sweep" in blowup.reason
    # past the first quarter the ratio alone stops it (review 63): 4x its best, still below its start level
    later = sweep([10.0] * 10 + [1.0] * 30 + [5.0] * 60)
    assert later.stop_reason == "diverged" and len(later) == 41


@pytest.mark.parametrize(
    ("spikes", "points", "stop", "cost"),
    [
        ({30: 1e3}, 100, "completed", 100),  # one outlier batch: the sweep goes on
        ({30: 1e3, 31: 1e3, 32: 1e3}, 100, "completed", 100),  # three in a row (DATA_RUN)
        ({t: 1e3 for t in range(30, 34)}, 31, "diverged", 34),  # four in a row: a divergence where it was due
        ({30: 1e3, 45: 1e3}, 100, "completed", 100),  # two outliers further apart
        ({30: 1e3} | {t: 3.0 for t in range(31, 100)}, 31, "diverged", 34),  # a spike that left it worse
        ({t: 1e3 for t in range(60, 100)}, 61, "diverged", 64),  # a blow-up that lasts
        # a run that climbs the early stop's threshold (4x) over its first loss is the LR's, back or not:
        # diverged at its first step, told at once (r197: 54, 425, 5512, then 4.29 on a 3-batch dataset passed
        # for an outlier batch's); outlier batches in a row differ by less
        ({30: 1e3, 31: 5e3}, 31, "diverged", 32),
        ({30: 1e3, 31: 2e3}, 100, "completed", 100),
        ({58: 9.0, 59: 54.0, 60: 425.0, 61: 5512.0}, 61, "diverged", 62),
        ({98: 1e3, 99: 1e3}, 99, "diverged", 100),  # a run the sweep ends within: it cannot tell, as before
        ({60: 1e3, 61: math.nan}, 61, "diverged", 62),  # a NaN within the run: the divergence held at step 60
        # review 93: the outlier held the smoothed loss over the bar for ~100 steps, and then losses of 10 (which
        # alone never stop the sweep) ended it; the run let through leaves the stop's average
        ({30: 1e3, 36: 10.0, 45: 10.0, 52: 10.0}, 100, "completed", 100),
        ({36: 10.0, 45: 10.0, 52: 10.0}, 100, "completed", 100),
        # a second spike within a tenth of the sweep is the LR's: it stops the sweep at once, and the curve ends
        # at the first (review 94)
        ({30: 1e3, 36: 1e3}, 31, "diverged", 37),
        # a classifier diverging at batch size 1: 0 on every confident batch between its spikes (review 94)
        ({90: 500.0, 91: 0.0, 92: 0.0, 93: 1500.0, 94: 0.0, 95: 4000.0}, 91, "diverged", 94),
        # moderate spikes (50x) that lift the average over the bar only together are the LR's: the third, at once
        ({t: 50.0 for t in range(60, 100, 2)}, 65, "diverged", 65),
        # a NaN within a tenth after a run let through is a divergence too, which began at the run (review 95)
        ({30: 1e3, 34: math.nan}, 31, "diverged", 35),
        ({30: 1e3, 40: math.nan}, 31, "diverged", 41),  # a tenth after it (review 96)
        # later, a NaN of its own, where the sweep stops
        ({30: 1e3, 41: math.nan}, 42, "non-finite loss", 42),
    ],
)
def test_an_outlier_batch_does_not_stop_the_sweep(
    tmp_path: Any, spikes: dict[int, float], points: int, stop: str, cost: int
) -> None:
    """Review 91: one batch 1000x the others lifted the smoothed loss over the early stop's bar on its own
    (0.02 of it is 20x the level), and the sweep stopped there as diverged, at any LR, with no answer. A short
    run that alone lifted it, after which the loss is back, with no other spike in the tenth of the sweep
    before, is the data's: the sweep goes on (``_early_stop``). A longer run, or a NaN in it, is a divergence
    at the step the stop was due, where the curve ends; the steps taken to tell count in the cost."""
    script = [1.0 + 0.01 * (t % 3) for t in range(100)]
    for t, value in spikes.items():
        script[t] = value
    result = Tuner(trainer(tmp_path)).lr_range_test(
        ScriptedLoss(script), loader(), num_steps=100, confirm=False, apply=False, retry=False
    )
    assert (len(result), result.stop_reason) == (points, stop)
    assert list(result.losses) == pytest.approx(script[:points], rel=1e-6, nan_ok=True)
    assert result.cost == cost


@pytest.mark.parametrize("outlier", [None, 50], ids=["noise alone", "noise and an outlier"])
def test_an_outlier_among_noisy_losses_does_not_stop_the_sweep(tmp_path: Any, outlier: int | None) -> None:
    """Review 93: at batch size 1 or 2, ordinary losses are often above 4x the smoothed loss's best; they counted
    as spikes of the LR's in the tenth before an outlier, which then stopped the sweep at once. A spike is a loss
    that alone lifts the smoothed loss over the bar (30x to 150x the best, with the sweep's step)."""
    noise = np.random.default_rng(0).lognormal(0.0, 1.2, 100)
    script = list(noise / noise.mean())
    if outlier is not None:
        script[outlier] = 1e3
    result = Tuner(trainer(tmp_path)).lr_range_test(
        ScriptedLoss(script), loader(), num_steps=100, confirm=False, apply=False, retry=False
    )
    assert sum(x > 4.0 for x in script[40:50]) >= 1  # ordinary losses above the bar just before the outlier
    assert (len(result), result.stop_reason) == (100, "completed")


def test_a_spike_let_through_is_said(tmp_path: Any, caplog: pytest.LogCaptureFixture) -> None:
    """Review 94: nothing told the user that the sweep went on past an outlier batch."""
    script = [1.0] * 100
    script[30], script[31] = 500.0, 1e3
    with caplog.at_level("INFO"):
        result = Tuner(trainer(tmp_path)).lr_range_test(
            ScriptedLoss(script), loader(), num_steps=100, confirm=False, apply=False, retry=False
        )
    said = [r.getMessage() for r in caplog.records if "outlier batch's" in r.getMessage()]
    assert len(result) == 100 and len(said) == 1, said
    # the highest loss with its own step's LR (r197: said with the run's first LR)
    assert said[0].startswith(
        f"LR range test: the loss at steps 30..31 (up to 1000, at step 31, lr={result.lrs[31]:.3g}) was taken"
    )
    assert "is back (1)" in said[0]


def test_a_spike_let_through_is_said_to_be_taken_for_an_outlier(
    tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Review 129: a CNN on clean digits had risen past its start (2.3) to 2.2-8.1 when a loss of 1921 came back to
    4.07, and the info line said it "was an outlier batch's, not a divergence". The early stop cannot tell those
    apart (a test of the losses before it against the start, tried, doubted one pure outlier in 8 after a flat
    noisy loss: review 130), so the line says what the sweep took it for."""
    rng = np.random.default_rng(0)
    script = [2.3 + 0.01 * rng.standard_normal() for _ in range(40)]  # flat at the start
    script += list(np.linspace(2.2, 1.5, 30))  # the descent
    script += list(np.linspace(1.6, 3.0, 22) + 0.05 * rng.standard_normal(22))  # risen past the start
    script += [1e3, 2.7, 2.8, 2.9, 2.8, 2.9, 2.8, 2.9]
    with caplog.at_level("INFO"):
        result = Tuner(trainer(tmp_path)).lr_range_test(
            ScriptedLoss(script), loader(), num_steps=100, confirm=False, apply=False, retry=False
        )
    (said,) = [r.getMessage() for r in caplog.records if "outlier batch's" in r.getMessage()]
    assert (len(result), result.stop_reason) == (100, "completed")
    assert re.fullmatch(
        r"LR range test: the loss at step 92 \(up to 1000, at step 92, lr=\S+\) was taken for an outlier batch's, "
        r"not a divergence: "
        r"the loss is back \(2\.7\), and the sweep goes on",
        said,
    ), said


def test_a_nan_after_a_spike_let_through_is_said(tmp_path: Any) -> None:
    """Review 96: a NaN within a tenth after a spike let through ends the curve at the spike, unsaid, after the
    info line had called the spike an outlier batch's."""
    script = [1.0] * 100
    script[30], script[34] = 1e3, math.nan
    with pytest.warns(
        UserWarning,
        match=r"the loss was NaN/inf at step 34 of 100 \(lr=.*\), within a tenth of the "
        r"sweep after the loss at step 30 was let through as an outlier batch's: that was the LR's",
    ):
        result = Tuner(trainer(tmp_path)).lr_range_test(
            ScriptedLoss(script), loader(), num_steps=100, confirm=False, apply=False, retry=False
        )
    assert (len(result), result.stop_reason) == (31, "diverged")


def test_a_loss_that_nothing_changes_says_so_and_is_not_tried_again(tmp_path: Any) -> None:
    # review 61: a constant loss (zero gradients, a detached loss) was told to raise max_lr or take more steps,
    # and a 300-step second try said the same
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        result = Tuner(trainer(tmp_path)).lr_range_test(
            ScriptedLoss([2.0]), loader(), num_steps=20, apply=False
        )
    assert (
        "the loss was 2 at every step of the sweep over lr 1e-07..10: nothing the optimizer updated"
        in result.reason
    )
    assert "or LRs too small to move it (raise max_lr)" in result.reason  # review 63: not only zero gradients
    assert result.first_try is None and len(result) == 20 and result.cost == 20
    assert not [x for x in w if "running it once more" in str(x.message)]


def test_a_cycle_with_an_explicit_max_lr_keeps_below_it_whatever_the_test_fills(tmp_path: Any) -> None:
    # review 64: Cyclic(max_lr=0.1) kept its max_lr, took base_lr=2.5 from a test whose cycle top was 10, and
    # the fit crashed at its next step ("base_lr must be <= max_lr (0.1), got 2.5")
    from lightning_lr.callbacks import Cyclic

    lrs: list[float] = []

    class Seen(ScriptedLoss):
        def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            lrs.append(float(self.optimizers().param_groups[0]["lr"]))
            return super().training_step(batch, batch_idx)

    falling = [2.0 - i / 100 for i in range(100)]  # still falling at max_lr: the test's cycle tops at 10
    test = LRRangeTest(num_steps=20, max_lr=10.0, confirm=False, epochs=[1])
    cycle = Cyclic(max_lr=0.1, step_size=5)
    with pytest.warns(UserWarning, match=r"base_lr 2\.5 lies above max_lr 0\.1 \(given explicitly\)"):
        trainer(tmp_path, callbacks=[cycle, test], max_epochs=3).fit(Seen(falling), loader())
    assert test.result is not None and test.result.cyclic_bounds() == pytest.approx((2.5, 10.0))
    after = lrs[-8:]  # the last epoch's steps, after the test of epoch 1
    assert after and all(0.025 - 1e-12 <= lr <= 0.1 + 1e-12 for lr in after)


def test_non_finite_loss_stops_and_suggestion_uses_the_finite_part(tmp_path: Any) -> None:
    class NaNAbove(TinyModel):
        def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            loss = super().training_step(batch, batch_idx)
            lr = self.optimizers().param_groups[0]["lr"]
            return loss * float("nan") if lr > 0.5 else loss

    seed_all(2)
    result = Tuner(trainer(tmp_path)).lr_range_test(
        NaNAbove(), loader(), min_lr=1e-4, max_lr=10.0, num_steps=40, early_stop_threshold=None, confirm=False
    )
    assert result.stop_reason == "non-finite loss"
    assert math.isnan(result.losses[-1]) and all(math.isfinite(v) for v in result.losses[:-1])
    assert result.lrs[-1] > 0.5 >= result.lrs[-2]
    finite = RangeTestResult(result.lrs[:-1], result.losses[:-1], result.momentums[:-1])
    assert result.suggestions() == finite.suggestions()


def test_applied_lr_is_what_the_fit_trains_with_and_the_user_scheduler_keeps_it(tmp_path: Any) -> None:
    """Lightning's lr_find suggestion is overwritten by the user's scheduler; here the optimizer is rebuilt
    from configure_optimizers with the suggestion, so StepLR decays from it."""
    seed_all(3)
    model = TinyModel(scheduler="step")
    test, probe = LRRangeTest(num_steps=30, max_lr=1.0), LRProbe()
    trainer(tmp_path, callbacks=[test, probe], max_epochs=4).fit(model, loader())
    s = test.result.suggestion()
    assert s is not None and model.hparams.lr == s
    per_epoch = probe.lrs[::8]
    assert per_epoch[0][0] == pytest.approx(s, rel=1e-12)
    assert per_epoch[3][0] == pytest.approx(s * 0.5, rel=1e-12)  # StepLR(step_size=3, gamma=0.5) from s


class PrunedError(Exception):
    pass


class RaisesAtStep(TinyModel):
    def __init__(self, at: int) -> None:
        super().__init__()
        self.at = at

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        if len(self.seen_losses) == self.at:
            raise PrunedError  # a study pruning the trial in the middle of the test
        return super().training_step(batch, batch_idx)


def test_a_reused_callback_holds_only_this_fits_results(tmp_path: Any) -> None:
    # review 49: the next trial's test, pruned in its sweep, left the last trial's result in place, which the
    # study then recorded as this trial's
    test = LRRangeTest(num_steps=20, confirm=False)
    trainer(tmp_path, callbacks=[test], max_epochs=1).fit(TinyModel(), loader())
    assert test.result is not None and list(test.results) == [0]
    with pytest.raises(PrunedError):
        trainer(tmp_path, callbacks=[test], max_epochs=1).fit(RaisesAtStep(at=5), loader())
    assert test.result is None and test.results == {}


def test_later_epoch_test_rescales_the_running_optimizer_and_keeps_group_ratios(
    tmp_path: Any, caplog: Any
) -> None:
    seed_all(4)
    model = TinyModel(groups=True, scheduler="step")
    # the sweep of epoch 1 is within the noise of its start, so no default answer: the rule is named
    test = LRRangeTest(num_steps=30, min_lr=1e-4, max_lr=3.0, epochs=[1], method="minimum", confirm=False)
    probe = LRProbe()
    t = trainer(tmp_path, callbacks=[test, probe], max_epochs=2)
    with caplog.at_level("INFO"):
        t.fit(model, loader())
    s = test.results[1].suggestion("minimum")
    assert s is not None
    epoch1 = probe.lrs[8]
    # review 98: the scheduler's new base LR is said, not only the attribute's value
    factor = epoch1[1] / probe.lrs[7][1]
    assert (
        f"the fit's LRs were scaled by {factor:.4g} so that the largest param group continues at {s:.4g}"
        in (caplog.text)
    )
    assert f"(StepLR's base LR from {s / factor:.4g} to {s:.4g})" in caplog.text
    # the suggestion is the LR of the group with the largest LR (the last layer's, at 10x), as one number
    # for a schedule callback's LR is (review 45)
    assert epoch1[1] == pytest.approx(s, rel=1e-12)
    assert epoch1[0] == pytest.approx(s / 10, rel=1e-12)
    base = t.lr_scheduler_configs[0].scheduler.base_lrs
    assert base[1] / base[0] == pytest.approx(10.0)
    assert base[1] == pytest.approx(s, rel=1e-12)


def test_groups_are_swept_in_proportion(tmp_path: Any) -> None:
    ratios: list[float] = []

    class Record(TinyModel):
        def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            g = self.optimizers().param_groups
            ratios.append(g[1]["lr"] / g[0]["lr"])
            return super().training_step(batch, batch_idx)

    seed_all(5)
    result = Tuner(trainer(tmp_path)).lr_range_test(Record(groups=True), loader(), num_steps=12, max_lr=1.0)
    assert result.confirmation is not None  # the candidates keep the ratio too
    assert len(ratios) == len(result) + result.confirmation.cost
    assert ratios == pytest.approx([10.0] * len(ratios))


@pytest.mark.parametrize("scheduled", [False, True], ids=["the trainer's", "GradientAccumulationScheduler's"])
def test_gradient_accumulation_one_point_per_optimizer_step(tmp_path: Any, scheduled: bool) -> None:
    # review 66: a GradientAccumulationScheduler sets the trainer's value at the epoch's start, after the test
    # at the fit's start had swept one micro-batch per step where the fit trains with three
    from lightning.pytorch.callbacks import GradientAccumulationScheduler

    seed_all(6)
    model = TinyModel()
    kwargs: dict[str, Any] = (
        {"callbacks": [GradientAccumulationScheduler({0: 3, 5: 1})]}
        if scheduled
        else {"accumulate_grad_batches": 3}
    )
    result = Tuner(trainer(tmp_path, **kwargs)).lr_range_test(
        model, loader(), num_steps=10, max_lr=1e-2, early_stop_threshold=None
    )
    assert result.confirmation is not None
    candidates = [v for c in result.confirmation.candidates for v in c.losses]
    # windows of 3 of the 8 batches of an epoch, the epoch's last batch ending one, as the loop steps there
    # (review 66: windows ran across epochs); the sweep and each candidate start at an epoch's start
    sizes = []
    for steps in [10] + [len(c.losses) for c in result.confirmation.candidates]:
        pos = 0
        for _ in range(steps):
            sizes.append(min(3, 8 - pos))
            pos = (pos + sizes[-1]) % 8
    assert len(result) == 10 and len(model.seen_losses) == sum(sizes) and 2 in sizes
    bounds = np.cumsum([0, *sizes])
    means = [np.mean(model.seen_losses[a:b]) for a, b in itertools.pairwise(bounds)]
    np.testing.assert_allclose(result.losses, means[:10], rtol=1e-6)
    # the candidates too, one point per optimizer step, each trained in turn (in the line search's order,
    # which is not the LRs')
    runs = np.split(
        np.asarray(means[10:]), np.cumsum([len(c.losses) for c in result.confirmation.candidates])
    )
    for c in result.confirmation.candidates:
        assert any(len(r) == len(c.losses) and np.allclose(r, c.losses, rtol=1e-6) for r in runs)
    assert len(candidates) == len(means) - 10


def test_the_sweep_passes_the_batch_index_in_its_epoch(tmp_path: Any) -> None:
    # review 66: batch_idx was a running count over the test (0..11), where the loop gives the place in the
    # epoch (a training_step keyed on batch_idx == 0 saw it once)
    indices: list[int] = []

    class Indices(TinyModel):
        def training_step(self, batch: Any, batch_idx: int) -> Any:
            indices.append(batch_idx)
            return super().training_step(batch, batch_idx)

    Tuner(trainer(tmp_path)).lr_range_test(
        Indices(), loader(), num_steps=12, max_lr=1e-2, early_stop_threshold=None, confirm=False, retry=False
    )
    assert indices == [*range(8), *range(4)]  # 8 batches an epoch


@pytest.mark.parametrize("accumulate", [1, 2])
def test_a_batch_training_step_skips_is_no_step(tmp_path: Any, accumulate: int) -> None:
    # review 66: a training_step that returns None (Lightning's way to skip a batch) was refused; the skipped
    # batch now counts for no loss, and a step all of whose batches were skipped is taken again on the next
    seen: list[float | None] = []

    class Skips(TinyModel):
        def training_step(self, batch: Any, batch_idx: int) -> Any:
            loss = super().training_step(batch, batch_idx)
            skip = len(seen) % 5 == 3
            seen.append(None if skip else float(loss))
            return None if skip else loss

    seed_all(6)
    result = Tuner(trainer(tmp_path, accumulate_grad_batches=accumulate)).lr_range_test(
        Skips(), loader(), num_steps=10, max_lr=1e-2, early_stop_threshold=None, confirm=False, retry=False
    )
    assert len(result) == 10 and result.cost == 10
    expected, calls = [], iter(seen)
    for _ in range(10):  # each step: windows of `accumulate` batches until one gave a loss
        while True:
            window = [next(calls) for _ in range(accumulate)]
            got = [v for v in window if v is not None]
            if got:
                expected.append(np.mean(got))
                break
    assert next(calls, "end") == "end"  # no batch beyond the steps'
    np.testing.assert_allclose(result.losses, expected, rtol=1e-6)
    assert None in seen


def test_bf16_mixed_precision(tmp_path: Any) -> None:
    seed_all(7)
    model = TinyModel()
    weights = {k: v.clone() for k, v in model.state_dict().items()}
    result = Tuner(trainer(tmp_path, precision="bf16-mixed")).lr_range_test(model, loader(), num_steps=20)
    assert all(math.isfinite(v) for v in result.losses[:-1])
    assert all(torch.equal(weights[k], v) for k, v in model.state_dict().items())


def test_steps_the_amp_scaler_skips_are_no_steps(tmp_path: Any) -> None:
    # review 30: under float16 the scaler skips a step whose gradients overflow (and lowers its scale); the
    # sweep counted such steps, so from a scale of 2**40 its first 24 LRs never reached the optimizer, the
    # loss read flat and the answer was "the sweep started too high". float16 on CPU needs a scaler given
    from lightning.pytorch.plugins.precision import MixedPrecision

    seed_all(7)
    model = TinyModel()
    stepped_at: list[float] = []  # the LR of every real optimizer step
    optimizer = model.configure_optimizers
    model.configure_optimizers = lambda: _hooked(optimizer(), stepped_at)  # type: ignore[method-assign]
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**40)
    plugin = MixedPrecision("16-mixed", "cpu", scaler=scaler)
    result = Tuner(trainer(tmp_path, plugins=[plugin])).lr_range_test(
        model, loader(), min_lr=1e-4, max_lr=1e-1, num_steps=12, confirm=False, early_stop_threshold=None
    )
    assert len(model.seen_losses) > 12 + 10  # it did skip (each skip halves the scale), and tried again
    assert stepped_at == list(result.lrs)  # every point of the curve is one real step at its LR
    assert scaler.get_scale() == 2.0**40  # restored afterwards, as everything the test touches


def _hooked(optimizer: torch.optim.Optimizer, lrs: list[float]) -> torch.optim.Optimizer:
    optimizer.register_step_post_hook(lambda o, *_: lrs.append(o.param_groups[0]["lr"]))
    return optimizer


def test_logs_every_step_the_figure_and_the_suggestion(tmp_path: Any) -> None:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    seed_all(8)
    logger = TensorBoardLogger(tmp_path, name="tb")
    result = Tuner(trainer(tmp_path, logger=logger)).lr_range_test(
        TinyModel(), loader(), num_steps=15, max_lr=1.0, early_stop_threshold=None
    )
    logger.experiment.flush()
    events = EventAccumulator(logger.log_dir)
    events.Reload()
    scalars = events.Tags()["scalars"]
    for tag in ("lr", "loss", "smoothed_loss", "momentum"):
        values = events.Scalars(f"lr_range_test/{tag}")
        assert [e.step for e in values] == list(range(15))
    np.testing.assert_allclose([e.value for e in events.Scalars("lr_range_test/lr")], result.lrs, rtol=1e-6)
    assert "lr_range_test/suggestion" in scalars
    assert events.Scalars("lr_range_test/suggestion")[0].value == pytest.approx(result.suggestion(), rel=1e-6)
    assert "lr_range_test/figure" in events.Tags()["images"]


@pytest.mark.filterwarnings("ignore:.*does not have many workers")
def test_tests_at_several_epochs_log_under_tags_of_their_own(tmp_path: Any) -> None:
    # before: the tests of epochs 0 and 1 wrote lr_range_test/lr at steps 0..11 and 16..27 (each from the
    # fit's step), one zigzag line in TensorBoard (review 23)
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    seed_all(8)
    logger = TensorBoardLogger(tmp_path, name="tb")
    test = LRRangeTest(num_steps=12, max_lr=1.0, early_stop_threshold=None, confirm=False, epochs=[0, 1])
    trainer(tmp_path, [test], logger=logger, max_epochs=2).fit(TinyModel(), loader())
    logger.experiment.flush()
    events = EventAccumulator(logger.log_dir)
    events.Reload()
    scalars = events.Tags()["scalars"]
    assert not [
        t for t in scalars if t.startswith("lr_range_test/") and not t.startswith("lr_range_test/epoch=")
    ]
    for epoch in (0, 1):
        lrs = events.Scalars(f"lr_range_test/epoch={epoch}/lr")
        np.testing.assert_allclose([e.value for e in lrs], test.results[epoch].lrs, rtol=1e-6)
        assert f"lr_range_test/epoch={epoch}/figure" in events.Tags()["images"]


def test_a_second_tuner_test_on_the_same_trainer_logs_under_tags_of_its_own(
    tmp_path: Any, caplog: Any
) -> None:
    """Review 128: a second Tuner test on the same Trainer (a higher max_lr, as a warning advises) wrote
    lr_range_test/lr from step 0 again, one zigzag curve, and its suggestion beside the first's."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    seed_all(8)
    logger = TensorBoardLogger(tmp_path, name="tb")
    tuner = Tuner(trainer(tmp_path, logger=logger))
    kwargs: dict[str, Any] = dict(num_steps=15, early_stop_threshold=None, confirm=False)
    with caplog.at_level("INFO", logger="lightning_lr"):
        first = tuner.lr_range_test(TinyModel(), loader(), max_lr=0.1, **kwargs)
        quiet = Tuner(tuner._trainer).lr_range_test(TinyModel(), loader(), max_lr=1.0, log=False, **kwargs)
        second = Tuner(tuner._trainer).lr_range_test(TinyModel(), loader(), max_lr=1.0, **kwargs)
    assert first is not None and quiet is not None and second is not None
    logger.experiment.flush()
    events = EventAccumulator(logger.log_dir)
    events.Reload()
    for tag, result in (("lr_range_test", first), ("lr_range_test/test=2", second)):
        lrs = events.Scalars(f"{tag}/lr")
        assert [e.step for e in lrs] == list(range(15))
        np.testing.assert_allclose([e.value for e in lrs], result.lrs, rtol=1e-6)
        assert [e.value for e in events.Scalars(f"{tag}/suggestion")] == [
            pytest.approx(result.suggestion(), rel=1e-6)
        ]
        assert f"{tag}/figure" in events.Tags()["images"]
    said = [r.getMessage() for r in caplog.records if "earlier test" in r.getMessage()]
    assert said == [
        "LR range test: the loggers hold 1 earlier test under lr_range_test/; this one logs under "
        "lr_range_test/test=2/"
    ]


def test_a_later_test_on_the_same_logger_logs_under_tags_of_its_own(tmp_path: Any) -> None:
    """Review 130: the count was the Trainer's, so a new Trainer on the same logger, or an LRRangeTest in the fit
    after a Tuner test, wrote lr_range_test/ from step 0 again."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    seed_all(8)
    logger = TensorBoardLogger(tmp_path, name="tb")
    kwargs: dict[str, Any] = dict(num_steps=15, early_stop_threshold=None, confirm=False)
    first = Tuner(trainer(tmp_path, logger=logger)).lr_range_test(TinyModel(), loader(), max_lr=0.1, **kwargs)
    second = Tuner(trainer(tmp_path, logger=logger)).lr_range_test(
        TinyModel(), loader(), max_lr=1.0, **kwargs
    )
    test = LRRangeTest(max_lr=0.3, apply=False, **kwargs)
    trainer(tmp_path, [test], logger=logger, max_steps=2).fit(TinyModel(), loader())
    logger.experiment.flush()
    events = EventAccumulator(logger.log_dir)
    events.Reload()
    for tag, result in (
        ("lr_range_test", first),
        ("lr_range_test/test=2", second),
        ("lr_range_test/test=3", test.result),
    ):
        lrs = events.Scalars(f"{tag}/lr")
        assert [e.step for e in lrs] == list(range(15)), tag
        np.testing.assert_allclose([e.value for e in lrs], result.lrs, rtol=1e-6)


def test_val_loss_mode_uses_fixed_validation_batches(tmp_path: Any) -> None:
    calls: list[int] = []

    class Count(TinyModel):
        def validation_step(self, batch: Any, batch_idx: int) -> None:
            calls.append(batch_idx)
            assert not self.training
            super().validation_step(batch, batch_idx)

    seed_all(9)
    model = Count()
    result = Tuner(trainer(tmp_path)).lr_range_test(
        model,
        loader(),
        val_dataloaders=val_loader(),
        num_steps=6,
        val_loss=True,
        val_batches=2,
    )
    assert result.val_loss and calls == [0, 1] * result.cost  # every step of the test, its second try too
    assert model.training
    assert result.losses != tuple(model.seen_losses[: len(result)])


@pytest.mark.parametrize("logged", [True, False], ids=["logged", "returned"])
@pytest.mark.parametrize("as_dict", [False, True], ids=["a list of loaders", "a dict of loaders"])
def test_val_loss_reads_every_validation_dataloader(tmp_path: Any, logged: bool, as_dict: bool) -> None:
    # review 66: of several validation dataloaders the first alone was read, and a validation_step that takes
    # the dataloader_idx Lightning passes for several failed with a TypeError
    calls: list[tuple[int, int]] = []
    losses: dict[int, list[float]] = {0: [], 1: []}

    class Two(TinyModel):
        def validation_step(self, batch: Any, batch_idx: int, dataloader_idx: int) -> Any:
            calls.append((dataloader_idx, batch_idx))
            x, y = batch
            loss = torch.nn.functional.cross_entropy(self(x), y)
            losses[dataloader_idx].append(float(loss))
            if logged:
                self.log("val_loss", loss)
                return None
            return loss

    seed_all(9)
    loaders = [val_loader(), val_loader(n=128, seed=2)]
    result = Tuner(trainer(tmp_path)).lr_range_test(
        Two(),
        loader(),
        val_dataloaders={"a": loaders[0], "b": loaders[1]} if as_dict else loaders,
        num_steps=6,
        val_loss=True,
        val_batches=2,
        confirm=False,
        retry=False,
        early_stop_threshold=None,
    )
    assert calls == [(0, 0), (0, 1), (1, 0), (1, 1)] * len(result)
    per_point = [np.mean(losses[i][2 * t : 2 * t + 2]) for t in range(len(result)) for i in (0, 1)]
    expected = np.asarray(per_point).reshape(-1, 2).mean(axis=1)  # the mean of the loaders' means
    np.testing.assert_allclose(result.losses, expected, rtol=1e-5)


_VAL_OPTIONS: dict[str, Any] = {
    "num_steps": 5,
    "val_loss": True,
    "val_batches": 2,
    "confirm": False,
    "retry": False,
}


def _val_sweep(tmp_path: Any, model: Any, val_dataloaders: Any, losses: list[float]) -> Any:
    """A 5-step val_loss sweep over 2 validation batches (seed 9), whose losses must be the means, per step, of
    the 2 batch losses ``model`` recorded in ``losses`` (cleared first)."""
    losses.clear()
    seed_all(9)
    result = Tuner(trainer(tmp_path)).lr_range_test(
        model, loader(), val_dataloaders=val_dataloaders, early_stop_threshold=None, **_VAL_OPTIONS
    )
    np.testing.assert_allclose(result.losses, np.asarray(losses).reshape(-1, 2).mean(axis=1), rtol=1e-5)
    return result


def test_val_loss_leaves_out_a_validation_dataloader_that_gives_no_loss(tmp_path: Any, caplog: Any) -> None:
    # review 68: a second loader that logs only a probe metric (ordinary Lightning use) made the test refuse
    # the model, with advice (val_key) that applies to every loader
    losses: list[float] = []

    class Probe(TinyModel):
        def validation_step(self, batch: Any, batch_idx: int, dataloader_idx: int = 0) -> None:
            x, y = batch
            if dataloader_idx == 1:
                self.log("probe", 1.0)
                return
            loss = torch.nn.functional.cross_entropy(self(x), y)
            losses.append(float(loss))
            self.log("val_loss", loss)

    with caplog.at_level("INFO"):
        _val_sweep(tmp_path, Probe(), [val_loader(), val_loader(seed=2)], losses)
    said = [r for r in caplog.messages if "validation dataloader 1 neither returned a loss nor logged" in r]
    assert len(said) == 1  # once per test


def test_val_loss_needs_what_validation_step_logs(tmp_path: Any) -> None:
    # said of the test, as its other refusals are (it lacked the prefix: review 138's left item)
    with pytest.raises(
        ValueError,
        match=r"^LR range test: val_key='loss_val', but validation_step neither logged 'loss_val' nor returned a "
        r"dict with it \(it logged \['val_loss'\]\); pass val_key=<the name it logs the validation loss under>, or "
        r"log it as 'loss_val'$",
    ):
        Tuner(trainer(tmp_path)).lr_range_test(
            TinyModel(), loader(), val_dataloaders=loader(), num_steps=5, val_loss=True, val_key="loss_val"
        )


class _LogsAndReturns(TinyModel):
    """A validation_step that logs ``val_loss`` and returns the loss (``returns``: as a tensor, or a dict)."""

    def __init__(self, returns: str) -> None:
        super().__init__()
        self.returns = returns

    def validation_step(self, batch: Any, batch_idx: int) -> Any:
        x, y = batch
        loss = torch.nn.functional.cross_entropy(self(x), y)
        self.log("val_loss", loss)
        return loss if self.returns == "tensor" else {self.returns: loss}


@pytest.mark.parametrize("returns", ["tensor", "loss"])
def test_a_val_key_given_is_read_by_that_name_only(tmp_path: Any, returns: str) -> None:
    # r194: val_key="valid_loss" (a typo of the logged "val_loss") read the loss validation_step returns, unsaid;
    # where it returned nothing the typo was refused. A name given is the one meant: the returned loss is read
    # only under the default val_key
    model = _LogsAndReturns(returns)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(
        ValueError,
        match=r"^LR range test: val_key='valid_loss', but validation_step neither logged 'valid_loss' nor returned "
        r"a dict with it \(it logged \['val_loss'\], and returned a loss not named 'valid_loss', which only the "
        r"default val_key reads\); pass val_key=<the name it logs the validation loss under>, or leave val_key out "
        r"to read the loss it returns$",
    ):
        Tuner(trainer(tmp_path)).lr_range_test(
            model, loader(), val_dataloaders=loader(), num_steps=5, val_loss=True, val_key="valid_loss"
        )
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in before.items())  # restored, nothing applied
    # the default reads the logged val_loss; a dict returned under the name given is read by it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = Tuner(trainer(tmp_path)).lr_range_test(
            _LogsAndReturns(returns),
            loader(),
            val_dataloaders=loader(),
            num_steps=5,
            val_loss=True,
            confirm=False,
        )
        assert r is not None and len(r.losses) == 5
        r = Tuner(trainer(tmp_path)).lr_range_test(
            _LogsAndReturns("valid_loss"),
            loader(),
            val_dataloaders=loader(),
            num_steps=5,
            val_loss=True,
            val_key="valid_loss",
            confirm=False,
        )
        assert r is not None and len(r.losses) == 5


def test_val_loss_reads_the_logged_loss_where_validation_step_returns_predictions(tmp_path: Any) -> None:
    # r159: a validation_step that logs val_loss and returns its predictions (a common pattern) had the mean of
    # the predictions taken for the loss, negative values and all, and the LR chosen on them applied
    losses: list[float] = []

    class Predicts(TinyModel):
        def __init__(self, logs: bool) -> None:
            super().__init__()
            self.logs = logs

        def validation_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            x, y = batch
            logits = self(x)
            if self.logs:
                loss = torch.nn.functional.cross_entropy(logits, y)
                losses.append(float(loss))
                self.log("val_loss", loss)
            return logits[:, :1] - 100.0  # predictions: far below any loss (one element at a batch of 1)

    result = _val_sweep(tmp_path, Predicts(logs=True), val_loader(), losses)
    assert min(result.losses) > 0
    # r165: one-element predictions (a validation batch of 1) beside a logged val_loss are no loss either: what
    # validation_step logs as val_key is read first
    _val_sweep(tmp_path, Predicts(logs=True), val_loader(batch_size=1), losses)
    with pytest.raises(
        ValueError,
        match=r"neither returned a loss nor logged 'val_loss' \(it logged nothing, and returned a tensor of shape "
        r"\(32, 1\), not a one-element loss\)",
    ):
        Tuner(trainer(tmp_path)).lr_range_test(
            Predicts(logs=False), loader(), val_dataloaders=val_loader(), **_VAL_OPTIONS
        )


def test_val_loss_averages_a_per_sample_loss_returned_under_its_key(tmp_path: Any) -> None:
    # r165: {"loss": per-sample losses} was averaged before the predictions' fix, then refused by it
    losses: list[float] = []

    class PerSample(TinyModel):
        def validation_step(self, batch: Any, batch_idx: int) -> dict[str, torch.Tensor]:
            x, y = batch
            each = torch.nn.functional.cross_entropy(self(x), y, reduction="none")
            losses.append(float(each.mean()))
            return {"loss": each}

    _val_sweep(tmp_path, PerSample(), val_loader(), losses)


def test_val_loss_with_limit_val_batches_0_names_it(tmp_path: Any) -> None:
    # review 66: the error told to pass validation data, which was passed
    with pytest.raises(
        ValueError, match=r"the Trainer's limit_val_batches=0 leaves none: raise limit_val_batches"
    ):
        Tuner(trainer(tmp_path, limit_val_batches=0)).lr_range_test(
            TinyModel(), loader(), val_dataloaders=loader(), num_steps=5, val_loss=True
        )


def test_momentum_range_test_sweeps_momentum_at_fixed_lr(tmp_path: Any) -> None:
    seed_all(10)
    model = TinyModel(optimizer="adamw")
    result = Tuner(trainer(tmp_path)).momentum_range_test(
        model, loader(), lr=1e-3, num_steps=10, early_stop_threshold=None
    )
    assert isinstance(result, MomentumRangeTestResult) and result.param == "momentum"
    np.testing.assert_allclose(result.momentums, np.linspace(0.8, 0.99, 10), rtol=1e-12)
    assert result.lrs == (1e-3,) * 10
    m = result.suggestion()
    assert m is not None and 0.8 <= m <= 0.99
    assert model.hparams.lr == 0.05  # nothing applied
    assert not hasattr(result, "one_cycle_max_lr")  # an LR sweep's bound


def test_a_momentum_tests_no_answer_is_said_at_the_users_first_call_also_under_a_logger(
    tmp_path: Any,
) -> None:
    # review 149: the no-answer warning is said once per result, and the read that logs the suggestion to the
    # Trainer's loggers (the default setup has one) took that once, with the warnings ignored: the user's call
    # returned None without a word
    from lightning.pytorch.loggers import CSVLogger

    from support.models import Tiny

    seed_all(3)
    t = trainer(tmp_path, logger=CSVLogger(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = Tuner(t).momentum_range_test(Tiny(n=400), num_steps=60, lr=0.05)
    assert result.reason  # a sweep that cannot tell (its lowest loss at its end)
    with pytest.warns(UserWarning, match="no momentum suggestion") as caught:
        assert result.suggestion() is None
    assert len(caught) == 1


def test_weight_decays_one_sweep_each_from_the_same_state(tmp_path: Any) -> None:
    seed_all(11)
    model = TinyModel(weight_decay=1e-4)
    logger = TensorBoardLogger(tmp_path, name="tb")
    # steps close enough (0.22 decades) to measure the loss's noise, and weight decays that the sweeps tell
    # apart (review 123: 0, 1e-3 and 0.1 lie within the noise of each other, and none is applied)
    result = Tuner(trainer(tmp_path, logger=logger)).lr_range_test(
        model, loader(), num_steps=10, min_lr=1e-2, max_lr=1.0, weight_decays=[0.0, 10.0, 30.0], log=True
    )
    # what was applied is logged, and which weight decay won (review 77: only each sweep's own answer)
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    logger.experiment.flush()
    events = EventAccumulator(logger.log_dir)
    events.Reload()
    (logged,) = events.Scalars("lr_range_test/suggestion")
    (won,) = events.Scalars("lr_range_test/best_weight_decay")
    assert logged.value == pytest.approx(result.suggestion(), rel=1e-6) and won.value == pytest.approx(
        result.best_weight_decay
    )
    assert isinstance(result, WeightDecayResult) and result.weight_decays == (0.0, 10.0, 30.0)
    assert result.best_weight_decay == 0.0 and result.configured_weight_decay == 1e-4
    firsts = {r.losses[0] for r in result.results}
    assert len(firsts) == 1  # same starting weights, same first batch
    assert model.hparams.weight_decay == result.best_weight_decay
    assert model.hparams.lr == result.suggestion() and result.reason == result.best.reason == ""
    fig = result.plot()
    lines = fig.axes[0].get_lines()
    curves = [ln for ln in lines if ln.get_label().startswith("weight_decay")]
    assert len(curves) == 3
    # each legend entry says its answer and the rule that gave it: only the best sweep is confirmed
    conf = result.best.confirmation
    assert conf is not None and result.suggestion() == conf.lr and conf.lr not in conf.lrs  # (refined)
    for r, line in zip(result.results, curves, strict=True):
        best = " (best)" if r is result.best else ""
        rule = "confirmed" if r is result.best else "minimum"
        value = r.suggestion()
        said = f"suggestion {value:.3g}" if value is not None else "no suggestion"
        fitted = f", at its fitted score {conf.lr_score:.3g}" if r is result.best else ""
        assert (
            line.get_label().replace("\n ", "")
            == f"weight_decay={r.weight_decay:g}{best}: {said} (rule: {rule}){fitted}"
        )
    # the best sweep's confirmation, whose answer was applied, in its curve's colour, and the 1cycle max_lr
    # (review 77: neither was drawn)
    (shown,) = [ln for ln in lines if ln.get_label().startswith("candidates")]
    finite = [(lr, sc) for lr, sc in zip(conf.lrs, conf.scores, strict=True) if np.isfinite(sc)]
    np.testing.assert_allclose(sorted(zip(shown.get_xdata(), shown.get_ydata(), strict=True)), sorted(finite))
    assert shown.get_color() == curves[result.results.index(result.best)].get_color()
    (peak,) = [ln for ln in lines if ln.get_label().startswith("1cycle max_lr")]
    assert peak.get_xdata()[0] == pytest.approx(result.one_cycle_max_lr())
    # raw=True adds each sweep's raw losses, faint, in its curve's colour
    lines = result.plot(suggest=False, raw=True).axes[0].get_lines()
    assert [ln.get_label() for ln in lines if not ln.get_label().startswith("_")] == [
        f"weight_decay={w:g}" + (" (best)" if w == result.best_weight_decay else "")
        for w in result.weight_decays
    ]
    raws = [ln for ln in lines if ln.get_label().startswith("_")]
    assert [list(ln.get_ydata()) for ln in raws] == [list(r.losses) for r in result.results]
    assert [ln.get_color() for ln in raws] == [f"C{i}" for i in range(3)]


def test_manual_optimization(tmp_path: Any) -> None:
    class Manual(TinyModel):
        def __init__(self) -> None:
            super().__init__()
            self.automatic_optimization = False

        def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            opt = self.optimizers()
            x, y = batch
            loss = torch.nn.functional.cross_entropy(self(x), y)
            opt.zero_grad()
            self.manual_backward(loss)
            opt.step()
            return loss

    seed_all(12)
    model = Manual()
    result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=12, max_lr=1.0)
    assert len(result) >= 5 and all(math.isfinite(v) for v in result.losses)


class CountsSteps(TinyModel):
    """Counts the real steps of its optimizer (a step hook on the torch optimizer, set at the first
    ``training_step``) and keeps the LR of param group 0 at every ``training_step`` call."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.real_steps = 0
        self.call_lrs: list[float] = []
        self.hook: Any = None

    def _count(self, *_: Any) -> None:
        self.real_steps += 1

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        if self.hook is None:
            self.hook = self.trainer.optimizers[0].register_step_post_hook(self._count)
        self.call_lrs.append(float(self.trainer.optimizers[0].param_groups[0]["lr"]))
        return super().training_step(batch, batch_idx)


class ManualAccumulation(CountsSteps):
    """Manual optimization that accumulates gradients by hand over ``every`` batches and then steps the
    optimizer ``times`` times (the further steps on the same batch); ``meddle`` halves the LR after every
    call that does not step (as a scheduler stepped every batch would). ``stepped`` says for every call
    whether it stepped."""

    def __init__(self, every: int = 1, times: int = 1, meddle: bool = False) -> None:
        super().__init__()
        self.automatic_optimization = False
        self.every, self.times, self.meddle = every, times, meddle
        self.stepped: list[bool] = []

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        opt = self.optimizers()
        loss = super().training_step(batch, batch_idx)
        self.manual_backward(loss / self.every)
        stepping = (batch_idx + 1) % self.every == 0
        self.stepped.append(stepping)
        if stepping:
            opt.step()
            opt.zero_grad()
            for _ in range(self.times - 1):
                x, y = batch
                self.manual_backward(torch.nn.functional.cross_entropy(self(x), y))
                opt.step()
                opt.zero_grad()
        elif self.meddle:
            for g in opt.param_groups:
                g["lr"] *= 0.5
        return loss


def _steps_of_calls(stepped: list[bool]) -> list[list[int]]:
    """The indices of the calls of each optimizer step: the calls up to and including one that stepped."""
    out: list[list[int]] = [[]]
    for i, s in enumerate(stepped):
        out[-1].append(i)
        if s:
            out.append([])
    assert out[-1] == [], "every call belongs to a step that ended with an optimizer step"
    return out[:-1]


@pytest.mark.parametrize("meddle", [False, True])
def test_manual_accumulation_is_one_point_per_optimizer_step(tmp_path: Any, meddle: bool) -> None:
    """A training_step that accumulates by hand over 2 batches and then steps: one point and one step of the
    candidates per optimizer step (2 calls), the LR of the step held for both calls (also when the first
    call changes it), the loss the mean of the two, and the cost the optimizer steps. The whole test is then
    the one of automatic optimization with accumulate_grad_batches=2, bit for bit."""
    kwargs: dict[str, Any] = dict(num_steps=20, confirm_steps=10, max_lr=1.0, retry=False, log=False)
    seed_all(17)
    manual = ManualAccumulation(every=2, meddle=meddle)
    result = Tuner(trainer(tmp_path)).lr_range_test(manual, loader(), **kwargs)
    seed_all(17)
    auto = CountsSteps()
    expected = Tuner(trainer(tmp_path, accumulate_grad_batches=2)).lr_range_test(auto, loader(), **kwargs)
    assert result.confirmation is not None and result.confirmation.candidates
    steps = _steps_of_calls(manual.stepped)
    assert all(len(calls) == 2 for calls in steps)
    assert len(steps) == manual.real_steps == result.cost == len(result) + result.confirmation.cost
    assert len(result) == 20 and all(
        len(c.losses) == 10 or math.isinf(c.score) for c in result.confirmation.candidates
    )
    for calls in steps:
        assert manual.call_lrs[calls[0]] == manual.call_lrs[calls[1]]
    losses = np.asarray(manual.seen_losses).reshape(-1, 2).mean(1)
    np.testing.assert_allclose(result.losses, losses[:20], rtol=1e-6)
    # the same as automatic accumulation: curve, candidates, answer and cost
    assert result.losses == expected.losses and result.lrs == expected.lrs
    assert result.confirmation == expected.confirmation and result.suggestion() == expected.suggestion()
    assert auto.real_steps == expected.cost == result.cost
    assert manual.call_lrs == auto.call_lrs


def test_manual_steps_several_times_in_one_call_all_count(tmp_path: Any) -> None:
    """A training_step that steps the optimizer 3 times per call: one point per call, at one LR, and the cost
    counts the 3 real steps of each (saved with the result)."""
    seed_all(18)
    model = ManualAccumulation(times=3)
    result = Tuner(trainer(tmp_path)).lr_range_test(
        model, loader(), num_steps=10, confirm_steps=5, max_lr=1.0, retry=False
    )
    assert result.confirmation is not None and result.confirmation.candidates
    calls = len(result) + sum(len(c.losses) for c in result.confirmation.candidates)
    assert len(result) == 10 and len(model.stepped) == calls
    assert model.real_steps == 3 * calls == result.cost
    assert result.steps_taken == 30
    assert all(c.steps_taken == 3 * len(c.losses) for c in result.confirmation.candidates)
    assert RangeTestResult.from_dict(result.to_dict()).cost == result.cost


def test_tuner_then_fit_trains_with_the_found_lr(tmp_path: Any) -> None:
    seed_all(13)
    model = TinyModel()
    t = trainer(tmp_path, max_epochs=1)
    result = Tuner(t).lr_range_test(model, loader(), num_steps=20, max_lr=1.0)
    probe = LRProbe()
    t.callbacks.append(probe)
    t.fit(model, loader())
    assert probe.lrs[0][0] == result.suggestion() and t.global_step == 8


def test_lightning_tuner_methods_still_work(tmp_path: Any) -> None:
    class WithBatchSize(TinyModel):
        def __init__(self) -> None:
            super().__init__()
            self.batch_size = 8

        def train_dataloader(self) -> Any:
            return loader(batch_size=self.batch_size)

        def val_dataloader(self) -> Any:
            return loader(batch_size=self.batch_size)

    from lightning.pytorch.tuner import Tuner as LightningTuner

    # Our Tuner passes Lightning's own methods through: the same answers as Lightning's Tuner on the same
    # setup (what those answers are is Lightning's business and differs between its versions).
    answers = []
    for cls in (Tuner, LightningTuner):
        seed_all(14)
        tuner = cls(trainer(tmp_path / cls.__module__, max_epochs=1, num_sanity_val_steps=2))
        finder = tuner.lr_find(TinyModel(), loader(), loader(), num_training=10)
        assert finder is not None
        size = tuner.scale_batch_size(WithBatchSize(), max_trials=2, steps_per_trial=1)
        answers.append((list(finder.results["lr"]), finder.suggestion(), size))
    assert len(answers[0][0]) > 0
    assert answers[0] == answers[1]


def test_apply_false_leaves_the_model_alone(tmp_path: Any) -> None:
    seed_all(15)
    model = TinyModel()
    Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=10, apply=False)
    assert model.hparams.lr == 0.05


def test_callback_result_survives_a_checkpoint(tmp_path: Any) -> None:
    seed_all(16)
    test = LRRangeTest(num_steps=10, epochs=[0], apply=False)
    t = trainer(tmp_path, callbacks=[test], max_epochs=1)
    t.fit(TinyModel(), loader())
    t.save_checkpoint(tmp_path / "a.ckpt")
    again = LRRangeTest(num_steps=10, epochs=[0], apply=False)
    again.load_state_dict(torch.load(tmp_path / "a.ckpt", weights_only=False)["callbacks"][again.state_key])
    assert again.results == test.results and again.result == test.result


class SigtermAt(TinyModel):
    """Sets the Trainer's SIGTERM flag (what Lightning's signal handler sets) at its ``at``-th training step."""

    def __init__(self, at: int) -> None:
        super().__init__()
        self.at, self.calls = at, 0

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        self.calls += 1
        if self.calls == self.at:
            self.trainer._signal_connector.received_sigterm = True
        return super().training_step(batch, batch_idx)


@pytest.mark.parametrize("at", [3, 40], ids=["sweep", "candidates"])
def test_a_sigterm_stops_the_test_at_the_next_step_and_restores(tmp_path: Any, at: int) -> None:
    # review 41: a SIGTERM (a cluster's preemption) was ignored until the test's 500 steps ended, and a
    # Tuner's test swallowed it (the next fit reset the flag and ran to its end)
    from lightning.pytorch.utilities.exceptions import SIGTERMException

    seed_all(0)
    model = SigtermAt(at)
    weights = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(SIGTERMException):
        Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=30, max_lr=1.0)
    assert model.calls == at  # the step that saw the signal was the last
    assert all(torch.equal(weights[k], v) for k, v in model.state_dict().items())


class _Ordered(TinyModel):
    """The last layer (the head) at ``head`` times ``self.hparams.lr``, the first layer at ``body`` times it,
    listed ``head_first`` or not."""

    def __init__(self, head: float, body: float, head_first: bool) -> None:
        super().__init__(batchnorm=False, dropout=0.0)
        self.factors, self.head_first = (head, body), head_first

    def configure_optimizers(self) -> Any:
        lr = self.hparams.lr
        head = {"params": self.net[-1].parameters(), "lr": self.factors[0] * lr, "name": "head"}
        body = {"params": self.net[0].parameters(), "lr": self.factors[1] * lr, "name": "body"}
        return torch.optim.SGD([head, body] if self.head_first else [body, head], lr=lr, momentum=0.9)


@pytest.mark.parametrize(
    ("head", "body", "head_first"),
    [(1.0, 0.1, True), (1.0, 0.1, False), (10.0, 1.0, True), (10.0, 1.0, False)],
    ids=[
        "lr-is-the-head-first",
        "lr-is-the-head-second",
        "lr-is-the-body-head-first",
        "lr-is-the-body-head-second",
    ],
)
def test_the_suggestion_is_the_largest_groups_lr_whatever_the_order_and_the_attribute(
    tmp_path: Any, head: float, body: float, head_first: bool
) -> None:
    # review 45: the sweep's LR was param group 0's, and it was written into the attribute the model gives
    # the head: with the backbone listed first (at 0.1x) the head trained 10x below what the test found
    seed_all(6)
    model = _Ordered(head, body, head_first)
    result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=20, confirm=False)
    s = result.suggestion()
    assert s is not None
    built = {g["name"]: g["lr"] for g in model.configure_optimizers().param_groups}
    assert built["head"] == pytest.approx(s, rel=1e-9)  # the group with the largest LR trains at the answer
    assert built["body"] == pytest.approx(s * body / head, rel=1e-9)
    assert model.hparams.lr == pytest.approx(s / head, rel=1e-9)


def test_the_info_line_names_the_hparam_it_set(tmp_path: Any, caplog: Any) -> None:
    # review 45: "set FineTune.lr = 0.1757" of a module with no attribute lr, only hparams.lr
    import logging

    seed_all(6)
    model = _Ordered(10.0, 1.0, True)
    with caplog.at_level(logging.INFO):
        result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=20, confirm=False)
    said = [r.getMessage() for r in caplog.records if r.getMessage().startswith("LR range test: set")]
    assert said == [
        f"LR range test: set _Ordered.hparams.lr = {model.hparams.lr:.4g} (configure_optimizers gives its largest "
        f"param group 10 times that: {result.suggestion():.4g}, the suggestion)"
    ]


class _FixedHead(_Ordered):
    """The head at a fixed LR 0.5, above the body's ``self.hparams.lr``: the largest group ignores lr."""

    def configure_optimizers(self) -> Any:
        head = {"params": self.net[-1].parameters(), "lr": 0.5, "name": "head"}
        body = {"params": self.net[0].parameters(), "lr": self.hparams.lr, "name": "body"}
        return torch.optim.SGD([body, head], lr=self.hparams.lr, momentum=0.9)


def test_a_largest_group_whose_lr_ignores_the_attribute_is_said(tmp_path: Any) -> None:
    # review 46: the head (swept, at a fixed LR) went on training at 0.5 while lr got the head's suggestion,
    # without a word
    seed_all(6)
    model = _FixedHead(1.0, 1.0, False)
    with pytest.warns(UserWarning, match=r"not in proportion to self\.lr \(0\.5 for lr=") as caught:
        result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=20, confirm=False)
    assert model.hparams.lr == result.suggestion()
    assert any("so no value of lr gives it the suggestion" in str(w.message) for w in caught)


class _Body(TinyModel):
    """The head (the last layer) at ``self.hparams.lr``; the body (the first layer, param group 0, named
    ``"body"`` if ``named``) at an LR of its own, ``body_lr``, or at ``ratio`` times lr; ``schedule``: torch's
    ``"warmup"`` (LinearLR from a tenth) or ``"onecycle"`` (each group's max_lr its LR)."""

    def __init__(
        self,
        body_lr: float | None = None,
        ratio: float = 0.1,
        schedule: str | None = None,
        named: bool = True,
    ) -> None:
        super().__init__(batchnorm=False, dropout=0.0)
        self.body_lr, self.ratio, self.schedule, self.named = body_lr, ratio, schedule, named

    def configure_optimizers(self) -> Any:
        lr = self.hparams.lr
        body: dict[str, Any] = {
            "params": self.net[0].parameters(),
            "lr": self.ratio * lr if self.body_lr is None else self.body_lr,
        }
        if self.named:
            body["name"] = "body"
        opt = torch.optim.SGD([body, {"params": self.net[-1].parameters(), "lr": lr}], lr=lr, momentum=0.9)
        sched: Any
        if self.schedule == "warmup":
            sched = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=5)
        elif self.schedule == "onecycle":
            sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[body["lr"], lr], total_steps=1000)
        else:
            return opt
        return {"optimizer": opt, "lr_scheduler": {"scheduler": sched, "interval": "step"}}


def _unfollowed(caught: list[Any]) -> list[str]:
    return [str(w.message) for w in caught if "does not derive every param group's LR" in str(w.message)]


@pytest.mark.parametrize(("entry", "named"), [("tuner", True), ("callback", False)])
def test_a_group_at_an_lr_of_its_own_is_said_when_the_answer_is_applied(
    tmp_path: Any, entry: str, named: bool
) -> None:
    # review 123: a backbone at its own backbone_lr ran at 0.1x the head in the sweep and the candidates (every
    # group scaled together), then the answer went to lr alone and the fit trained the backbone at 0.01x the
    # head, unsaid. The applied value is the same as before; the group is named, with both ratios
    seed_all(6)
    model = _Body(body_lr=0.005, named=named)  # lr 0.05: 0.1x the head when the test begins
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if entry == "tuner":
            result = Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=20, confirm=False)
        else:  # a fresh start: the fit's optimizer is built again with the answer
            test = LRRangeTest(num_steps=20, confirm=False)
            probe = LRProbe()
            trainer(tmp_path, callbacks=[test, probe], max_epochs=1).fit(model, loader())
            result = test.results[0]
            assert probe.lrs[0] == pytest.approx([0.005, result.suggestion()], rel=1e-12)
    s = result.suggestion()
    assert s is not None and model.hparams.lr == s  # the head's answer, as without the warning
    said = _unfollowed(caught)
    assert len(said) == 1
    group = "'body'" if named else "0"
    assert (
        f"with lr={s:.4g} it builds param group {group} at {0.005 / s:.4g} times the largest group's (0.005), "
        f"where it was at 0.1 times in the test ({0.1 * s:.4g} now)" in said[0]
    )
    assert f"Derive each one's LR from self.lr as a ratio ({group}: 0.1 * self.lr)" in said[0]


@pytest.mark.parametrize("schedule", [None, "warmup", "onecycle"])
def test_groups_at_a_ratio_of_the_lr_are_not_said(tmp_path: Any, schedule: str | None) -> None:
    # a body at 0.1 * lr trains at the ratio the test ran it at, with a warm-up's first factor on every group
    # (compared as configured) and under a 1cycle (each group's max_lr); one group has no ratio to keep
    for model in (
        _Body(schedule=schedule),
        TinyModel(scheduler="onecycle" if schedule == "onecycle" else None),
    ):
        seed_all(6)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            Tuner(trainer(tmp_path)).lr_range_test(model, loader(), num_steps=20, confirm=False)
        assert _unfollowed(caught) == []


def test_a_group_of_its_own_is_not_said_where_the_running_fit_keeps_the_tested_ratios(tmp_path: Any) -> None:
    # a schedule callback takes the answer in the running fit: its groups keep the ratios the test ran
    seed_all(6)
    model, probe = _Body(body_lr=0.005), LRProbe()
    test = LRRangeTest(num_steps=20, confirm=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer(tmp_path, callbacks=[test, OneCycle(), probe], max_epochs=1).fit(model, loader())
    assert _unfollowed(caught) == []
    assert all(body == pytest.approx(0.1 * head, rel=1e-9) for body, head in probe.lrs)


def test_a_sweep_alone_still_falling_at_max_lr_says_its_top_is_a_bound(tmp_path: Any) -> None:
    # review 54: confirm=False with max_lr below where the loss turns up gave one_cycle_max_lr() = max_lr, and
    # OneCycle trained at that arbitrary peak, unsaid (a confirmation says so of its own edge)
    seed_all(4)
    with pytest.warns(
        UserWarning,
        match=r"^LR range test: the loss was still falling where the sweep ended, at max_lr=1: the LRs above "
        r"it were not tried",
    ):
        result = Tuner(trainer(tmp_path)).lr_range_test(
            TinyModel(), loader(n=512), max_lr=1.0, num_steps=40, confirm=False, apply=False
        )
    assert result is not None and result.one_cycle_max_lr() == pytest.approx(1.0)
    seed_all(4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Tuner(trainer(tmp_path)).lr_range_test(
            TinyModel(), loader(n=512), max_lr=100.0, num_steps=40, confirm=False, apply=False
        )  # it turns up before max_lr
    assert not [w for w in caught if "still falling" in str(w.message)]


class ScaleGradients(Callback):
    """Scales the gradients before each optimizer step (what a gradient-scaling callback does)."""

    def on_before_optimizer_step(self, trainer: Any, pl_module: Any, optimizer: Any) -> None:
        for p in pl_module.parameters():
            if p.grad is not None:
                p.grad.mul_(0.01)


class CountBatches(Callback):
    def on_train_batch_end(self, *args: Any) -> None:
        pass


def test_a_callbacks_step_hooks_do_not_run_in_the_sweep_and_it_says_so(tmp_path: Any, caplog: Any) -> None:
    """Review 85: callbacks do not run in the sweep (nor in Lightning's lr_find), so a callback that scales
    the gradients changed nothing in the answer, without a word. The test's log names each callback that
    defines a step hook, and only those: one with a batch hook only, Lightning's own and ours are not named.
    An info line, not a warning: most such hooks only look (a recorder, a gradient-norm logger)."""

    def said(callbacks: list[Any]) -> list[str]:
        caplog.clear()
        with warnings.catch_warnings(), caplog.at_level("INFO"):
            warnings.simplefilter("ignore")
            Tuner(trainer(tmp_path, callbacks=callbacks)).lr_range_test(
                TinyModel(), loader(), num_steps=20, confirm=False
            )
        return [
            r.getMessage() for r in caplog.records if "callbacks do not run in the test" in r.getMessage()
        ]

    def scale(trainer: Any, module: Any, optimizer: Any) -> None:
        for p in module.parameters():
            if p.grad is not None:
                p.grad.mul_(0.01)

    seed_all(0)
    by_hand = LambdaCallback(on_after_backward=lambda *_: None, on_before_optimizer_step=scale)
    messages = said([ScaleGradients(), CountBatches(), LearningRateMonitor(), OneCycle(), by_hand])
    assert len(messages) == 1
    assert "ScaleGradients (on_before_optimizer_step)" in messages[0]
    # review 87: Lightning's LambdaCallback sets its hooks on the instance, and was not named
    assert "LambdaCallback (on_after_backward, on_before_optimizer_step)" in messages[0]
    assert "CountBatches" not in messages[0] and "OneCycle" not in messages[0]
    assert said([CountBatches(), LearningRateMonitor(), OneCycle(), LambdaCallback()]) == []


# --- review 138: schedule arguments compared with the LR the test of the same fit fills -------------------------

#: a loss still falling at the sweep's max_lr (1.0): the test's cycle is (0.25, 1.0)
FALLING = [2.0 - i / 100 for i in range(100)]


def _fit_with_test(
    tmp_path: Any, schedule: Any, lr: float | None = None, **kwargs: Any
) -> tuple[LRRangeTest, LRProbe, list[str]]:
    test, probe = LRRangeTest(num_steps=20, max_lr=1.0, confirm=False, **kwargs), LRProbe()
    model = ScriptedLoss(FALLING)
    if lr is not None:
        model.hparams.lr = lr
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        trainer(tmp_path, callbacks=[test, schedule, probe], max_epochs=1).fit(model, loader())
    return test, probe, [str(w.message) for w in seen]


def test_a_base_lr_above_the_optimizers_lr_takes_the_cycle_top_the_test_fills(tmp_path: Any) -> None:
    # the fit stopped before the test: "base_lr must be <= max_lr (0.05)", the optimizer's LR
    test, probe, _ = _fit_with_test(tmp_path, Cyclic(base_lr=0.2, step_size=4))
    assert test.result is not None and test.result.cyclic_bounds() == pytest.approx((0.25, 1.0))
    np.testing.assert_allclose([g[0] for g in probe.lrs], S.Cyclic(0.2, 1.0, 4).values(8), rtol=1e-12)
    # the sweep held the cycle's mean momentum, as with the bounds left to the test
    other, _, _ = _fit_with_test(tmp_path, Cyclic(step_size=4))
    assert other.result is not None and test.result.momentums == other.result.momentums
    assert set(test.result.momentums) != {0.9}  # (the optimizer's own)


def test_an_optimizer_lr_far_below_another_argument_does_not_stop_the_test(tmp_path: Any) -> None:
    # review 139: at 1e-9 beside base_lr=0.2 no stand-in up to 1e6 times the optimizer's LR passed, and the fit
    # stopped before the test with "base_lr must be <= max_lr (0.001)", a number of no one's
    test, probe, _ = _fit_with_test(tmp_path, Cyclic(base_lr=0.2, step_size=4), lr=1e-9)
    assert test.result is not None and test.result.cyclic_bounds() == pytest.approx((0.25, 1.0))
    np.testing.assert_allclose([g[0] for g in probe.lrs], S.Cyclic(0.2, 1.0, 4).values(8), rtol=1e-12)


def test_a_test_without_an_answer_says_why_once_beside_a_schedule(tmp_path: Any) -> None:
    # review 139: with CosineDecay, whose LR the test was to fill, "no lr suggestion" was warned twice: by the
    # test, and again when the callback read the answer
    test, probe = LRRangeTest(num_steps=20, max_lr=1.0, confirm=False), LRProbe()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        trainer(tmp_path, callbacks=[test, CosineDecay(), probe], max_epochs=1).fit(
            ScriptedLoss([1.0] * 100), loader()
        )
    said = [str(w.message) for w in seen]
    assert test.result is not None and test.result.reason
    assert len([m for m in said if m.startswith("no lr suggestion")]) == 1, said
    assert [m for m in said if "the LR range test gave no suggestion" in m]  # and what the callback keeps


def test_a_final_above_the_optimizers_lr_decays_from_the_lr_the_test_fills(tmp_path: Any) -> None:
    # final=0.07 lies above the optimizer's LR (0.05), below the test's
    test, probe, said = _fit_with_test(tmp_path, CosineDecay(final=0.07))
    s = test.result.suggestion() if test.result is not None else None
    assert s is not None and s > 0.07
    np.testing.assert_allclose(
        [g[0] for g in probe.lrs], S.CosineDecay(s, total=8, final=0.07).values(8), rtol=1e-12
    )
    assert not [m for m in said if "rises along the cosine" in m]  # it decays, from s to 0.07


def test_a_base_lr_above_the_cycle_top_the_test_fills_is_refused_with_it(tmp_path: Any) -> None:
    probe, test = LRProbe(), LRRangeTest(num_steps=20, max_lr=1.0, confirm=False)
    with pytest.raises(
        ValueError,
        match=r"^Cyclic on optimizer 0 \(SGD\): param group 0: base_lr must be <= max_lr \(1\), got 2.0 "
        r"\(max_lr=1 from the LR range test\)$",
    ):
        trainer(tmp_path, callbacks=[test, Cyclic(base_lr=2.0), probe], max_epochs=1).fit(
            ScriptedLoss(FALLING), loader()
        )
    assert probe.lrs == []
    # what the test found is kept, though applying it failed (it was lost: review 138's left item)
    assert test.result is not None and test.result.cyclic_bounds() == pytest.approx((0.25, 1.0))
    assert test.results == {0: test.result}


def test_the_tuners_test_fills_what_a_schedule_on_its_trainer_compares_with(tmp_path: Any) -> None:
    cycle = Cyclic(base_lr=0.2, step_size=4)
    Tuner(trainer(tmp_path, callbacks=[cycle])).lr_range_test(
        ScriptedLoss(FALLING), loader(), num_steps=20, max_lr=1.0, confirm=False
    )
    assert (cycle.value("base_lr"), cycle.value("max_lr")) == pytest.approx((0.2, 1.0))


def test_a_test_at_a_later_epoch_refuses_at_fit_start_a_base_lr_above_the_lr_epoch_0_trains_with(
    tmp_path: Any,
) -> None:
    test, probe = LRRangeTest(num_steps=20, max_lr=1.0, confirm=False, epochs=[1]), LRProbe()
    with pytest.raises(
        ValueError,
        match=r"got 0.2 \(max_lr, left as None, is the optimizer's LR until the LR range "
        r"test at the start of epoch 1 fills it, and epoch 0 trains with it; give max_lr",
    ):
        trainer(tmp_path, callbacks=[test, Cyclic(base_lr=0.2), probe], max_epochs=2).fit(
            ScriptedLoss(FALLING), loader()
        )
    assert test.result is None and probe.lrs == []


@pytest.mark.parametrize(
    ("callback", "held"),
    [(OneCycle(), 0.05 / 25), (OneCycle(div_factor=10.0), 0.05 / 10), (Cyclic(), 0.05 / 4)],
    ids=["OneCycle", "OneCycle-div10", "Cyclic"],
)
def test_momentum_range_test_holds_a_schedule_callbacks_first_lr_unless_lr_is_given(
    tmp_path: Any, callback: Any, held: float
) -> None:
    # review 141: with OneCycle() attached the test held max_lr / div_factor (the cycle's start), which
    # docs/range_test.md did not say ("else the optimizer's"); lr= holds the LR given
    seed_all(12)
    result = Tuner(trainer(tmp_path, callbacks=[callback])).momentum_range_test(
        TinyModel(), loader(), num_steps=5, early_stop_threshold=None
    )
    assert result is not None and result.lrs == pytest.approx((held,) * 5, rel=1e-12)
    given = Tuner(trainer(tmp_path, callbacks=[callback])).momentum_range_test(
        TinyModel(), loader(), num_steps=5, early_stop_threshold=None, lr=0.02
    )
    assert given is not None and given.lrs == pytest.approx((0.02,) * 5, rel=1e-12)
    page = (Path(__file__).parents[2] / "docs" / "range_test.md").read_text()
    section = page.split("## The momentum range test", 1)[1].split("\n## ", 1)[0]
    assert "`max_lr / div_factor`" in section and "`base_lr`" in section and "lr=0.01" in section


class ScoresToo(TinyModel):
    """Logs its validation loss as ``val_loss`` and its accuracy as ``val_acc``."""

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        out = self(x)
        self.log("val_loss", torch.nn.functional.cross_entropy(out, y))
        self.log("val_acc", (out.argmax(1) == y).float().mean())


def test_val_key_naming_a_score_is_refused_and_nothing_is_applied(tmp_path: Any) -> None:
    # r194: val_key="val_acc" was minimised as a loss, and the LR that trained worst applied, unsaid
    seed_all(0)
    model = ScoresToo(lr=0.05)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(
        ValueError, match=r"val_key='val_acc' rose from 0\.\d+ to 0\.\d+ while the training loss fell"
    ):
        Tuner(trainer(tmp_path)).lr_range_test(
            model, loader(), val_dataloaders=val_loader(), val_loss=True, val_key="val_acc", num_steps=40
        )
    assert model.hparams.lr == 0.05  # nothing applied
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())  # the weights restored
    seed_all(0)  # the same model and data, its loss named: an answer
    result = Tuner(trainer(tmp_path)).lr_range_test(
        ScoresToo(lr=0.05), loader(), val_dataloaders=val_loader(), val_loss=True, num_steps=40
    )
    assert result.suggestion() is not None


def test_the_value_read_after_a_step_is_set_beside_the_training_loss_after_it() -> None:
    from lightning_lr.tuner._val import check_moves_as_a_loss

    lrs = np.logspace(-7, 1, 12).tolist()
    train = [1.2, 1.2, 1.19, 1.17, 1.1, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 5.0]  # its lowest point at step 10
    # a validation loss read after each step: it sees the update the training loss of the next step sees, so
    # at step 10, a decade above step 9, it has already diverged where the training loss (before the update) had not
    loss = [*train[1:11], 6.0, 7.0]
    check_moves_as_a_loss(lrs, train, loss, "val_loss", "t")  # moves with it: read
    score = [1.0 - v / 2 for v in loss]  # an accuracy-like value of the same steps
    with pytest.raises(ValueError, match=r"val_key='val_score' rose from 0\.4\d* to 0\.7\d*"):
        check_moves_as_a_loss(lrs, train, score, "val_score", "t")
    with pytest.raises(ValueError, match=r"^t: the validation loss \(val_key='val_loss'\) rose"):
        check_moves_as_a_loss(lrs, train, score, "val_loss", "t")  # the default key, said as the loss
    check_moves_as_a_loss(lrs[:9], train[:9], score[:9], "val_score", "t")  # too few steps to tell: read
    flat = [1.2] * 12  # a training loss that did not fall: nothing to compare with
    check_moves_as_a_loss(lrs, flat, score, "val_score", "t")


def test_a_momentum_sweep_refuses_a_score_too_reading_its_whole_curve(tmp_path: Any) -> None:
    # a momentum sweep trains at one LR throughout: its LRs do not move, so there is no LR descent to cut it at
    seed_all(0)
    with pytest.raises(
        ValueError, match=r"val_key='val_acc' rose from 0\.\d+ to 0\.\d+ while the training loss fell"
    ):
        Tuner(trainer(tmp_path)).momentum_range_test(
            ScoresToo(lr=0.05),
            loader(),
            val_dataloaders=val_loader(),
            val_loss=True,
            val_key="val_acc",
            num_steps=40,
        )
    seed_all(0)
    result = Tuner(trainer(tmp_path)).momentum_range_test(
        ScoresToo(lr=0.05), loader(), val_dataloaders=val_loader(), val_loss=True, num_steps=40
    )
    assert len(result) == 40  # its validation loss is read
