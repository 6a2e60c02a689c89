"""The weight decay the sweeps suggest: only one whose lowest loss lies clearly below the others', given the
sweeps' own noise; nothing applied where they cannot tell the weight decays apart (review 123)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from lightning.pytorch.callbacks import Callback
from lightning.pytorch.loggers import TensorBoardLogger

from lightning_lr import LRRangeTest, RangeTestResult, Tuner
from lightning_lr.tuner import WeightDecayResult
from lightning_lr.tuner._confirm import NOISE_SE

from support.models import ScriptedLoss, TinyModel, loader
from support.state import seed_all
from support.trainers import trainer

#: weight decays that change TinyModel's sweeps by less than their noise (review 123: such grids picked on
#: differences of 0.1%, one edge of the grid or the other, and the pick was applied)
ALIKE = [0.0, 1e-4, 1e-2]
#: a grid whose largest value keeps TinyModel's loss far above the others' (AdamW's decay of lr * 30 a step)
APART = [0.0, 30.0]
_NO_PICK = "no weight decay suggested: the sweeps cannot tell the weight decays apart"


def _tune(tmp_path: Any, model: Any, decays: list[float], **kwargs: Any) -> tuple[Any, list[str]]:
    """The Tuner's range test over ``decays`` and the warnings it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = Tuner(trainer(tmp_path, logger=kwargs.pop("logger", False))).lr_range_test(
            model, loader(), weight_decays=decays, **kwargs
        )
    assert isinstance(result, WeightDecayResult)
    return result, [str(w.message) for w in caught]


def test_sweeps_within_their_noise_suggest_no_weight_decay_and_apply_none(tmp_path: Any) -> None:
    """The model's 0.05 was not swept: the weight decay stays, the LR answer is the lowest sweep's, and the
    warning says both; nothing is logged as the best weight decay."""
    seed_all(0)
    model = TinyModel(optimizer="adamw", weight_decay=0.05)
    logger = TensorBoardLogger(tmp_path, name="tb")
    result, told = _tune(tmp_path, model, ALIKE, confirm=False, log=True, logger=logger)
    assert result.best_weight_decay is None and result.configured_weight_decay == 0.05
    assert result.weight_decay_reason.startswith("the sweeps cannot tell the weight decays apart"), result
    assert (
        "Keep your weight decay, or take more steps (num_steps) or a larger batch"
        in result.weight_decay_reason
    )
    (said,) = [m for m in told if _NO_PICK in m]
    assert "no weight decay is applied: the model keeps the one it has (weight_decay=0.05)" in said
    assert (
        "your weight decay (0.05) was not swept, so the LR suggestion is the sweep's at weight_decay=" in said
    )
    assert not [m for m in told if "of those swept" in m]  # no edge warning: nothing was suggested
    # the weight decay as it was; the LR answer (the lowest sweep's) applied
    assert result.best is result.lowest and result.suggestion() is not None
    assert model.hparams.weight_decay == 0.05 and model.hparams.lr == result.suggestion()
    assert [g["weight_decay"] for g in model.configure_optimizers().param_groups] == [0.05]
    # each sweep's lowest loss within the noise of the lowest one's
    from lightning_lr.tuner._confirm import lowest_point

    points = [lowest_point(r.lrs, r.losses, r.num_steps) for r in result.results]
    low = min(points, key=lambda p: p.level)  # type: ignore[union-attr]
    for p in points:
        assert p is not None and p.level - low.level < NOISE_SE * float(np.hypot(p.se, low.se))
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    logger.experiment.flush()
    events = EventAccumulator(logger.log_dir)
    events.Reload()
    assert "lr_range_test/best_weight_decay" not in events.Tags()["scalars"]
    assert "lr_range_test/suggestion" in events.Tags()["scalars"]


def test_within_the_noise_the_answer_is_the_sweep_at_your_weight_decay(tmp_path: Any) -> None:
    """The model's 0.01 was swept: its sweep is the one confirmed and answered for, whichever is lowest."""
    seed_all(0)
    model = TinyModel(optimizer="adamw", weight_decay=1e-2)
    result, told = _tune(tmp_path, model, ALIKE, confirm_steps=20)
    assert result.best_weight_decay is None
    mine = result[1e-2]
    assert result.best is mine and mine.confirmation is not None
    assert [r for r in result.results if r.confirmation is not None] == [mine]
    assert result.suggestion() == mine.suggestion() is not None
    assert model.hparams.weight_decay == 1e-2 and model.hparams.lr == result.suggestion()
    (said,) = [m for m in told if _NO_PICK in m]
    assert "the LR suggestion is the sweep's at your weight decay, 0.01" in said
    # the figure says whose sweep answers, and why no weight decay is suggested
    ax = result.plot().axes[0]
    labels = [ln.get_label().replace("\n ", "") for ln in ax.get_lines()]
    (mine_label,) = [x for x in labels if x.startswith("weight_decay=0.01 ")]
    assert mine_label.startswith("weight_decay=0.01 (yours):"), labels
    assert not [x for x in labels if "(best)" in x]
    (text,) = [t.get_text().replace("\n", " ") for t in ax.texts]
    assert text == f"no weight decay suggested: {result.weight_decay_reason}"


def test_the_callback_leaves_the_running_fit_at_its_weight_decay(tmp_path: Any) -> None:
    """The test in the fit: its optimizer, rebuilt at the LR answer, keeps the module's weight decay."""
    seed_all(0)
    model = TinyModel(optimizer="adamw", weight_decay=0.05)
    test = LRRangeTest(confirm=False, weight_decays=ALIKE)
    decays: list[float] = []

    class Seen(Callback):  # the weight decays the fit trains with, after the test
        def on_train_batch_start(self, trainer: Any, pl_module: Any, batch: Any, batch_idx: int) -> None:
            decays.extend(float(g["weight_decay"]) for g in trainer.optimizers[0].param_groups)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer(tmp_path, max_steps=1, callbacks=[test, Seen()]).fit(model, loader())
    assert isinstance(test.result, WeightDecayResult) and test.result.best_weight_decay is None
    assert [m for m in (str(w.message) for w in caught) if _NO_PICK in m]
    assert decays == [0.05] and model.hparams.weight_decay == 0.05
    assert model.hparams.lr == test.result.suggestion()


def test_sweeps_clearly_apart_suggest_and_apply_the_best(tmp_path: Any) -> None:
    seed_all(0)
    model = TinyModel(optimizer="adamw", weight_decay=0.05)
    result, told = _tune(tmp_path, model, APART, confirm=False)
    assert result.best_weight_decay == 0.0 and result.weight_decay_reason == ""
    assert result.best is result.lowest is result[0.0]
    assert model.hparams.weight_decay == 0.0 and model.hparams.lr == result.suggestion()
    assert not [m for m in told if "no weight decay suggested" in m or "of those swept" in m]  # (0: no edge)
    assert "best=0," in repr(result)


def test_a_best_weight_decay_at_the_edge_of_those_swept_is_a_bound(tmp_path: Any) -> None:
    """The best is the smallest swept, above 0: a smaller one may be better still (as a confirmed LR at the
    edge of its candidates is a bound); it is applied all the same, with a warning."""
    seed_all(0)
    model = TinyModel(optimizer="adamw")
    result, told = _tune(tmp_path, model, [0.05, 30.0], confirm=False)
    assert result.best_weight_decay == 0.05 and model.hparams.weight_decay == 0.05
    (said,) = [m for m in told if "of those swept" in m]
    assert said == (
        "LR range test: the best weight decay (0.05) is the smallest of those swept (0.05..30), so a smaller one "
        "may be better still and the suggestion is a bound; to search smaller, add smaller weight decays (or 0) "
        "to weight_decays"
    )


# ---------------------------------------------------------------------------------------------
# the decision on curves made for it
# ---------------------------------------------------------------------------------------------

LRS = np.logspace(-5, 1, 100)  # 16.5 steps a decade: 9 in a zero-lag window
VALLEY = 1.0 + (np.log10(LRS) + 1.0) ** 2 / 8.0


def _sweep(wd: float, losses: Any) -> RangeTestResult:
    return RangeTestResult(LRS, list(losses), [None] * len(LRS), weight_decay=wd)


def test_a_difference_the_shared_batches_make_exact_is_no_clear_one() -> None:
    """The sweeps see the same batches, so their losses move together step by step: a 0.5% difference is the
    same at every step (a paired test finds it infinitely many standard errors apart), yet it is 0.2 standard
    errors of each sweep's lowest loss, which a fit on other batches does not keep. A difference of several
    standard errors is told."""
    batches = np.random.default_rng(0).normal(0.0, 0.05, len(LRS))  # each batch's noise, shared
    base = VALLEY + batches
    close = WeightDecayResult([_sweep(0.0, base), _sweep(0.1, base - 0.005)], configured_weight_decay=0.0)
    assert close.best_weight_decay is None and close.lowest.weight_decay == 0.1
    assert close.best.weight_decay == 0.0  # the weight decay the fit keeps answers
    assert "lies within the noise of that of weight_decay=0 (" in close.weight_decay_reason
    apart = WeightDecayResult([_sweep(0.0, base), _sweep(0.1, base - 0.2)], configured_weight_decay=0.0)
    assert apart.best_weight_decay == 0.1 and apart.best is apart.lowest and apart.weight_decay_reason == ""
    # not swept: the lowest answers
    assert WeightDecayResult(close.results, configured_weight_decay=0.05).best is close.lowest
    assert WeightDecayResult(close.results).best is close.lowest


def test_every_other_sweep_must_lie_clearly_above() -> None:
    """Two weight decays alike and a third clearly worse: no single one is the best."""
    noise = np.random.default_rng(1).normal(0.0, 0.05, len(LRS))
    runs = [
        _sweep(0.0, VALLEY + noise),
        _sweep(1e-4, VALLEY + noise + 0.001),
        _sweep(10.0, VALLEY + noise + 1),
    ]
    result = WeightDecayResult(runs)
    assert result.best_weight_decay is None and "weight_decay=0.0001 (" in result.weight_decay_reason
    assert "10 (" not in result.weight_decay_reason  # (only those within the noise are named)
    assert WeightDecayResult([runs[0], runs[2]]).best_weight_decay == 0.0


def test_sweeps_too_sparse_to_measure_their_noise_tell_no_weight_decay() -> None:
    """Steps more than a quarter decade apart: each zero-lag window holds one step, whose residual is 0 whatever
    the noise, so the noise is not measured and no difference is told from it (review 123: the sweeps of
    10 or 20 steps over 7 decades picked on 1% of the loss)."""
    lrs = np.logspace(-7, 1, 20)
    loss = 1.0 + (np.log10(lrs) + 1.0) ** 2 / 8.0
    runs = [
        RangeTestResult(lrs, list(loss + d), [None] * 20, weight_decay=w) for w, d in ((0.0, 0.0), (0.1, 0.5))
    ]
    result = WeightDecayResult(runs)
    assert result.best_weight_decay is None and result.lowest.weight_decay == 0.0
    assert result.weight_decay_reason.startswith("the sweeps' steps lie more than 0.25 decades of LR apart")
    assert WeightDecayResult(runs[:1]).best_weight_decay == 0.0  # one sweep: nothing to compare


@pytest.mark.parametrize(
    ("decays", "best", "edge"),
    [
        ((0.0, 0.1, 1.0), 1.0, "the largest"),
        ((0.1, 1.0, 3.0), 0.1, "the smallest"),
        ((0.0, 1.0, 3.0), 0.0, ""),  # nothing below 0
        ((3.0, 0.1, 1.0), 1.0, ""),  # between the others, whatever the order swept
    ],
)
def test_the_edge_is_said_of_the_largest_and_of_the_smallest_above_zero(
    decays: tuple[float, ...], best: float, edge: str
) -> None:
    noise = np.random.default_rng(2).normal(0.0, 0.05, len(LRS))
    result = WeightDecayResult([_sweep(w, VALLEY + noise + (0.0 if w == best else 1.0)) for w in decays])
    assert result.best_weight_decay == best
    said = result._decision.edge
    assert said.startswith(f"the best weight decay ({best:g}) is {edge} of those swept") if edge else not said


def test_the_configured_weight_decay_is_saved_and_files_without_it_load(tmp_path: Any) -> None:
    noise = np.random.default_rng(3).normal(0.0, 0.05, len(LRS))
    runs = (_sweep(0.0, VALLEY + noise), _sweep(0.1, VALLEY + noise + 0.001))
    result = WeightDecayResult(runs, configured_weight_decay=0.1)
    assert result.to_dict()["configured_weight_decay"] == 0.1
    result.save(tmp_path / "w.json")
    again = WeightDecayResult.load(tmp_path / "w.json")
    assert again == result and again.best is again[0.1]
    old = {k: v for k, v in result.to_dict().items() if k != "configured_weight_decay"}  # a file from before
    read = WeightDecayResult.from_dict(old)
    assert read.configured_weight_decay is None and read != result and read.best is read.lowest
    assert "configured_weight_decay" not in read.to_dict()
    with pytest.raises(ValueError, match=r"^configured_weight_decay must be >= 0 or None, got -1$"):
        WeightDecayResult(runs, configured_weight_decay=-1)


def test_a_second_try_answers_for_the_sweep_at_your_weight_decay(tmp_path: Any) -> None:
    """No LR answer from a range too low: the test runs once more, and both tries answer for the sweep at the
    module's weight decay (the one the fit keeps), which the sweeps cannot tell from the others."""
    seed_all(0)
    model = TinyModel(optimizer="adamw", weight_decay=1e-2)
    result, told = _tune(tmp_path, model, ALIKE, num_steps=12, min_lr=1e-9, max_lr=1e-8, confirm_steps=5)
    assert result.best_weight_decay is None and result.suggestion() is None
    mine = result[1e-2]
    assert result.best is mine and mine.first_try is not None and mine.first_try.weight_decay == 1e-2
    assert [r for r in result.results if r.first_try is not None] == [mine]
    assert result.reason == mine.reason != "" and model.hparams.weight_decay == 1e-2
    assert [m for m in told if "running it once more" in m]


@pytest.mark.parametrize("combined", [False, True])
def test_plotting_a_result_without_an_answer_writes_the_reason_and_does_not_warn_it(combined: bool) -> None:
    """Review 129 (RangeTestResult) and 130 (WeightDecayResult, three times): plot(suggest=True) warned the
    no-answer again, where the figure writes the reason on its axes."""
    lrs = np.logspace(-4, 0, 60)
    flat = [RangeTestResult(lrs, 3.0 + 0.0 * lrs + d, [None] * 60, weight_decay=d) for d in (0.0, 1e-3)]
    result: Any = WeightDecayResult(tuple(flat), 0.0) if combined else flat[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = result.plot(suggest=True)
    assert not [w for w in caught if "no lr suggestion" in str(w.message)]
    written = " ".join(t.get_text() for ax in fig.axes for t in ax.texts)
    assert "no suggestion: the loss was 3 at every step of the sweep" in written
    with pytest.warns(UserWarning, match="no lr suggestion"):  # asked for, the answer still says why not
        assert result.suggestion() is None


@pytest.mark.parametrize("apply", [True, False])
def test_a_single_weight_decay_is_applied_as_asked_with_an_info_line(
    tmp_path: Any, caplog: Any, apply: bool
) -> None:
    """Review 138: weight_decays=[w] was "suggested" and applied, compared with nothing, unsaid (the docs spoke
    only of a weight decay told apart from others, and of a bound at the grid's edge, with a warning)."""
    seed_all(6)
    model = TinyModel(optimizer="adamw", weight_decay=0.01)
    with caplog.at_level("INFO"):
        result, said = _tune(tmp_path, model, [0.001], num_steps=20, confirm=False, max_lr=3.0, apply=apply)
    assert result.best_weight_decay == 0.001 and result.suggestion() is not None
    assert model.hparams.weight_decay == (0.001 if apply else 0.01)
    what = "applied with the LR answer" if apply else "result.best_weight_decay"
    assert (
        f"LR range test: weight_decays holds one weight decay, 0.001: the sweep ran at it, and it is {what} as "
        f"asked, compared with no other (list more to compare them)"
    ) in caplog.text
    assert not [s for s in said if "weight decay" in s and "bound" in s]  # (no edge warning: an info line)
    caplog.clear()
    with caplog.at_level("INFO"):
        _tune(tmp_path, TinyModel(optimizer="adamw"), APART, num_steps=20, confirm=False, max_lr=3.0)
    assert "holds one weight decay" not in caplog.text


def test_a_single_weight_decay_without_an_lr_answer_is_said_not_applied(tmp_path: Any, caplog: Any) -> None:
    """Review 139: with no LR answer (a flat loss) the weight decay is not applied either (review 89), but the info
    line said it was "applied with the LR answer as asked"."""
    model = ScriptedLoss([3.0] * 200)
    model.hparams.weight_decay = 0.01
    with caplog.at_level("INFO"):
        result, _ = _tune(tmp_path, model, [0.001], num_steps=20, confirm=False, max_lr=3.0)
    assert result.reason and model.hparams.weight_decay == 0.01
    assert (
        "LR range test: weight_decays holds one weight decay, 0.001: the sweep ran at it, and it is "
        "result.best_weight_decay, not applied: there is no LR answer (above), compared with no other"
    ) in caplog.text
