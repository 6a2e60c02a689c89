"""``RangeTestResult.suggestion(run_steps=...)``: the confirmed LR for a constant-LR run longer than the
candidates trained, scaled for the Adam family only, and the optimizer the result records for it."""

from __future__ import annotations

import dataclasses
import math
import warnings
from typing import Any

import numpy as np
import pytest
import torch

from lightning_lr import LRRangeTest, RangeTestResult, Tuner
from lightning_lr.tuner import WeightDecayResult
from lightning_lr.tuner._confirm import Candidate, Confirmation, tail_length
from lightning_lr.tuner._run_length import EXPONENT, MAX_RATIO, optimizer_name

from support.fakes import StopAt
from support.models import TinyModel, loader
from support.trainers import trainer

LRS = list(np.logspace(-5, 0, 30))
LOSSES = [2.0 - 1.5 / (1 + np.exp(-(np.log10(lr) + 2.5) * 4)) + np.exp(np.log10(lr) * 3) for lr in LRS]


def trained(lr: float, score: float, steps: int) -> Candidate:
    """A candidate that trained ``steps`` steps and ends at ``score`` over the steps its score averages (a file
    saved with it loads)."""
    n = tail_length(steps)
    return Candidate(lr, (2.0,) * (steps - n) + (score,) * n, score)


def result(optimizer: str | None = "torch.optim.Adam", steps: int = 80, **kwargs: Any) -> RangeTestResult:
    """A result whose candidates (``steps`` steps each) confirm about 0.044, by ``optimizer``."""
    conf = Confirmation(
        (trained(0.01, 1.0, steps), trained(0.03, 0.4, steps), trained(0.1, 0.5, steps)),
        steps,
        0.03,
        2.0,
        1,
    )
    return RangeTestResult(
        LRS, LOSSES, [None] * 30, smoothing=0.0, confirmation=conf, optimizer=optimizer, **kwargs
    )


def answer(r: RangeTestResult | WeightDecayResult, **kwargs: Any) -> tuple[float | None, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = r.suggestion(**kwargs)
    return value, [str(w.message) for w in caught]


# (the documented five, not the code's own list: review 190, Adamax dropped from it passed)
@pytest.mark.parametrize(
    "optimizer",
    ["torch.optim.Adam", "torch.optim.AdamW", "torch.optim.NAdam", "torch.optim.RAdam", "torch.optim.Adamax"],
)
@pytest.mark.parametrize(
    ("run_steps", "steps", "scale"), [(1280, 80, 0.5), (160, 10, 0.5), (1250, 50, 25**-0.25)]
)
def test_an_adam_family_answer_falls_as_the_fourth_root_of_the_run_in_candidate_lengths(
    optimizer: str, run_steps: int, steps: int, scale: float
) -> None:
    r = result(optimizer, steps)
    base, said = answer(r)
    assert base is not None and not said
    value, said = answer(r, run_steps=run_steps)
    assert value == pytest.approx(base * scale, rel=1e-12) and not said
    assert (run_steps / steps) ** -EXPONENT == pytest.approx(scale)


@pytest.mark.parametrize("run_steps", [1, 40, 80])
def test_a_run_no_longer_than_the_candidates_keeps_the_answer(run_steps: int) -> None:
    r = result()
    assert answer(r, run_steps=run_steps) == (r.suggestion(), [])


def test_a_run_past_the_longest_measured_is_scaled_as_that_long_and_says_so() -> None:
    r = result()
    base = r.suggestion()
    assert base is not None
    held, said = answer(r, run_steps=10**6)
    assert held == pytest.approx(base * MAX_RATIO**-EXPONENT) == answer(r, run_steps=2000)[0]
    assert len(said) == 1 and "run_steps=1000000" in said[0] and "held there" in said[0]
    assert answer(r, run_steps=2000)[1] == []  # 25 candidate lengths: the longest measured, as it is


@pytest.mark.parametrize("optimizer", ["torch.optim.SGD", "torch.optim.RMSprop", "torch.optim.Adagrad", None])
def test_other_optimizers_keep_the_answer_and_are_told(optimizer: str | None) -> None:
    r = result(optimizer)
    value, said = answer(r, run_steps=1500)
    assert value == r.suggestion()
    assert len(said) == 1 and "run_steps=1500 leaves the answer as it is" in said[0]
    assert (optimizer or "an unrecorded optimizer") in said[0]


def test_a_sweep_rule_keeps_its_answer_and_is_told() -> None:
    r = result()
    value, said = answer(r, method="valley", run_steps=1500)
    assert value == r.suggestion("valley") is not None
    assert len(said) == 1 and "'valley' rule's answer as it is" in said[0]


def test_the_scaled_answer_is_held_at_the_sweeps_first_lr() -> None:
    # a confirmed LR just above the sweep's first LR: the scale would take it below the range swept
    conf = Confirmation(
        (Candidate(1.2e-5, (2.0, 1.0), 1.0), Candidate(2e-5, (2.0, 0.5), 0.5)), 80, 2e-5, 2.0, 1
    )
    r = RangeTestResult(
        LRS, LOSSES, [None] * 30, smoothing=0.0, confirmation=conf, optimizer="torch.optim.Adam"
    )
    value, said = answer(r, run_steps=2000)
    assert value == LRS[0] and len(said) == 1 and "held at the sweep's first LR" in said[0]


def test_no_answer_stays_no_answer() -> None:
    r = RangeTestResult(
        [1e-4, 1e-3, 1e-2, 1e-1, 1.0], [3.0, 3.0, 3.1, 3.2, 3.4], [None] * 5, optimizer="torch.optim.Adam"
    )
    value, said = answer(r, run_steps=1500)
    assert value is None and len(said) == 1 and "never fell" in said[0]


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (0, ValueError),
        (-5, ValueError),
        (1.5, TypeError),
        (True, TypeError),
        ("1500", TypeError),
        (math.inf, TypeError),
    ],
)
def test_a_wrong_run_steps_is_named(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match=r"run_steps must be an integer >= 1 .* or None, got"):
        result().suggestion(run_steps=value)


def test_a_weight_decay_result_passes_run_steps_to_its_best_sweep() -> None:
    a, b = result(weight_decay=0.0), result(weight_decay=0.1)
    both = WeightDecayResult([a, b])
    assert (
        both.suggestion(run_steps=1280)
        == both.best.suggestion(run_steps=1280)
        == pytest.approx(both.best.suggestion() / 2)
    )


def test_the_optimizer_is_saved_and_loaded_and_checked() -> None:
    r = result("torch.optim.AdamW")
    assert r.to_dict()["optimizer"] == "torch.optim.AdamW"
    assert RangeTestResult.from_dict(r.to_dict()) == r
    assert "optimizer" not in result(None).to_dict()
    with pytest.raises(TypeError, match="optimizer must be a class's qualified name or None, got 3"):
        result(3)  # type: ignore[arg-type]


class MyAdamW(torch.optim.AdamW):
    pass


class Custom(torch.optim.Optimizer):
    def __init__(self, params: Any) -> None:
        super().__init__(params, {"lr": 0.1})


def test_the_optimizer_is_named_by_the_torch_class_it_derives_from() -> None:
    p = [torch.nn.Parameter(torch.zeros(1))]
    assert optimizer_name(torch.optim.NAdam(p)) == "torch.optim.NAdam"
    assert optimizer_name(MyAdamW(p)) == "torch.optim.AdamW"  # (AdamW derives from Adam: the nearest class)
    assert optimizer_name(torch.optim.SGD(p, lr=0.1)) == "torch.optim.SGD"
    assert optimizer_name(Custom(p)) == f"{__name__}.Custom"


@pytest.mark.parametrize(("kind", "name"), [("adamw", "torch.optim.AdamW"), ("sgd", "torch.optim.SGD")])
def test_the_tuner_records_the_optimizer_and_the_trainers_length_gives_the_run(
    tmp_path: Any, kind: str, name: str
) -> None:
    t = trainer(tmp_path, max_epochs=30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = Tuner(t).lr_range_test(TinyModel(optimizer=kind), loader(n=256), num_steps=30, apply=False)
    assert isinstance(r, RangeTestResult) and r.optimizer == name
    run = t.estimated_stepping_batches  # the fit's length, known after the test's fit
    assert run == 30 * len(loader(n=256))
    base, said = answer(r)
    assert base is not None and not said
    value, said = answer(r, run_steps=int(run))
    assert r.confirmation is not None
    if kind == "adamw":
        assert value == pytest.approx(base * (run / r.confirmation.steps) ** -EXPONENT) and not said
    else:
        assert value == base and len(said) == 1


# --- the range test's run_steps: recorded in the result, and the scaled LR applied -----------------------------


def tuned(tmp_path: Any, model: TinyModel, t: Any = None, **kwargs: Any) -> tuple[RangeTestResult, list[str]]:
    t = t or trainer(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = Tuner(t).lr_range_test(model, loader(n=256), num_steps=30, **kwargs)
    assert isinstance(r, RangeTestResult)
    return r, [str(w.message) for w in caught]


def test_the_tuner_applies_the_answer_scaled_for_the_run_it_is_told_of(tmp_path: Any) -> None:
    model = TinyModel(optimizer="adamw")
    r, _ = tuned(tmp_path, model, run_steps=1280)
    assert r.run_steps == 1280 and r.confirmation is not None and r.confirmation.lr is not None
    assert model.hparams.lr == r.suggestion() == pytest.approx(r.confirmation.lr / 2, rel=1e-12)
    assert r.suggestion(run_steps=80) == r.confirmation.lr  # the candidates' own length: the answer as found
    assert RangeTestResult.from_dict(r.to_dict()) == r and r.to_dict()["run_steps"] == 1280
    # a schedule's bounds are not scaled: they read the confirmed LR as a run without run_steps does
    plain = dataclasses.replace(r, run_steps=None)
    assert r.one_cycle_max_lr() == plain.one_cycle_max_lr() and r.cyclic_bounds() == plain.cyclic_bounds()


@pytest.mark.parametrize(("limits", "steps"), [({"max_steps": 700}, 700), ({"max_epochs": 30}, 30 * 8)])
def test_auto_reads_the_fits_length(tmp_path: Any, limits: dict[str, int], steps: int) -> None:
    model = TinyModel(optimizer="adamw")
    r, _ = tuned(tmp_path, model, trainer(tmp_path, **{"max_epochs": -1, **limits}), run_steps="auto")
    assert r.run_steps == steps  # loader(n=256): 8 batches an epoch
    assert r.confirmation is not None and r.confirmation.lr is not None
    assert model.hparams.lr == pytest.approx(r.confirmation.lr * (steps / 80) ** -EXPONENT, rel=1e-12)


def test_auto_without_an_end_is_refused_before_anything_runs(tmp_path: Any) -> None:
    class Endless(torch.utils.data.IterableDataset):  # type: ignore[type-arg]
        def __iter__(self) -> Any:
            while True:
                yield torch.randn(8), torch.randint(0, 3, ())

    model = TinyModel(optimizer="adamw")
    before = {k: v.clone() for k, v in model.state_dict().items()}
    t = trainer(tmp_path, max_epochs=-1, max_steps=-1)
    with (
        warnings.catch_warnings(),
        pytest.raises(ValueError, match=r"run_steps='auto' .* has none \(max_steps=-1"),
    ):
        warnings.simplefilter("ignore")
        Tuner(t).lr_range_test(model, torch.utils.data.DataLoader(Endless(), batch_size=16), run_steps="auto")
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in before.items()) and model.hparams.lr == 0.05


def test_auto_with_a_trainer_given_no_length_is_refused_before_anything_runs(tmp_path: Any) -> None:
    # Trainer() without max_epochs or max_steps: Lightning's fit plans 1000 epochs, and "auto" read them (8000
    # steps here) and held the answer at x0.447, saying only that 8000 steps lay past the longest measured
    model = TinyModel(optimizer="adamw")
    before = {k: v.clone() for k, v in model.state_dict().items()}
    t = trainer(tmp_path, max_epochs=None)
    with pytest.raises(
        ValueError,
        match=r"^LR range test: run_steps='auto' reads the run's length from the Trainer, which was given neither "
        r"max_epochs nor max_steps: Lightning's fit then runs 1000 epochs, a default, not a plan. Give the Trainer "
        r"the length you will train \(max_epochs=N or max_steps=N\), or pass run_steps=N",
    ):
        Tuner(t).lr_range_test(model, loader(n=256), run_steps="auto")
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in before.items()) and t.global_step == 0
    # either limit is a plan, as run_steps=N is
    r, _ = tuned(
        tmp_path,
        TinyModel(optimizer="adamw"),
        trainer(tmp_path, max_epochs=None, max_steps=300),
        run_steps="auto",
    )
    assert r.run_steps == 300
    r, _ = tuned(tmp_path, TinyModel(optimizer="adamw"), trainer(tmp_path, max_epochs=None), run_steps=500)
    assert r.run_steps == 500


def test_an_sgd_run_applies_the_answer_as_found_and_says_so(tmp_path: Any) -> None:
    model = TinyModel(optimizer="sgd")
    r, said = tuned(tmp_path, model, run_steps=1500)
    assert r.confirmation is not None and model.hparams.lr == r.confirmation.lr == r.suggestion(run_steps=80)
    assert any("run_steps=1500 leaves the answer as it is for torch.optim.SGD" in m for m in said)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"run_steps": 0}, r"run_steps must be an integer >= 1 .* or 'auto' .* or None, got 0"),
        ({"run_steps": "all"}, r"run_steps must be an integer >= 1 .* or 'auto' .* or None, got 'all'"),
        ({"run_steps": 500, "confirm": False}, r"run_steps must be None \(the default\) with confirm=False"),
        (
            {"run_steps": 500, "method": "valley", "confirm": True},
            r"run_steps must be None .* with method='valley'",
        ),
    ],
)
def test_a_run_steps_the_test_cannot_use_is_named_before_it_runs(
    tmp_path: Any, kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises((ValueError, TypeError), match=match):
        Tuner(trainer(tmp_path)).lr_range_test(TinyModel(), loader(), **kwargs)
    with pytest.raises((ValueError, TypeError), match=match):
        LRRangeTest(**kwargs)


def test_the_momentum_test_names_what_run_steps_is_for(tmp_path: Any) -> None:
    with pytest.raises(TypeError, match=r"got an unexpected keyword argument 'run_steps': pass nothing"):
        Tuner(trainer(tmp_path)).momentum_range_test(TinyModel(), loader(), run_steps=500)  # type: ignore[call-arg]


def test_the_callback_at_a_later_epoch_answers_for_the_steps_the_fit_has_left(tmp_path: Any) -> None:
    model = TinyModel(optimizer="adamw")
    test = LRRangeTest(num_steps=30, epochs=[1], run_steps="auto")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trainer(tmp_path, callbacks=[test], max_epochs=20).fit(model, loader(n=256))
    r = test.results[1]
    assert isinstance(r, RangeTestResult) and r.run_steps == 19 * 8  # epoch 1's start: 8 of 160 steps taken
    assert r.confirmation is not None and r.confirmation.lr is not None
    assert model.hparams.lr == r.suggestion() == pytest.approx(r.confirmation.lr * (152 / 80) ** -EXPONENT)


def test_the_figure_and_the_repr_show_the_answer_for_the_run() -> None:
    pytest.importorskip("matplotlib")
    r = dataclasses.replace(result(), run_steps=1280)
    value = r.suggestion()
    assert value is not None and value == pytest.approx(result().suggestion() / 2)  # type: ignore[operator]
    ax = r.plot().axes[0]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.startswith(f"suggestion {value:.3g} (rule: confirmed, for run_steps=1280") for t in texts), (
        texts
    )
    assert "run_steps=1280" in repr(r) and f"suggestion(confirmed)={value:.3g}" in repr(r)
    import matplotlib.pyplot as plt

    plt.close("all")


def test_tensorboard_gets_the_answer_that_is_applied(tmp_path: Any) -> None:
    from lightning.pytorch.loggers import TensorBoardLogger
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    logger = TensorBoardLogger(tmp_path, name="tb")
    model = TinyModel(optimizer="adamw")
    r, _ = tuned(tmp_path, model, trainer(tmp_path, logger=logger), run_steps=1280)
    logger.experiment.flush()
    events = EventAccumulator(logger.log_dir)
    events.Reload()
    (logged,) = events.Scalars("lr_range_test/suggestion")
    assert r.confirmation is not None and r.confirmation.lr is not None
    assert (
        logged.value
        == pytest.approx(model.hparams.lr, rel=1e-6)
        == pytest.approx(r.confirmation.lr / 2, rel=1e-6)
    )


def test_a_weight_decay_results_figure_and_repr_show_the_answer_it_applies() -> None:
    # review 190: WeightDecayResult's plot() and repr read the unscaled answer while suggestion() (what is applied,
    # logged as a scalar and drawn for a single sweep) is scaled for the sweeps' run_steps
    pytest.importorskip("matplotlib")
    both = WeightDecayResult(
        [result(weight_decay=0.0, run_steps=1280), result(weight_decay=0.1, run_steps=1280)]
    )
    value = both.suggestion()
    assert value is not None and value == pytest.approx(result().suggestion() / 2)  # type: ignore[operator]
    assert f"suggestion(confirmed)={value:.3g})" in repr(both)
    texts = [t.get_text() for t in both.plot().axes[0].get_legend().get_texts()]
    assert sum(f"suggestion {value:.3g}" in t for t in texts) == 2, texts
    assert sum("for run_steps=1280" in t for t in texts) == 2, texts
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.parametrize(
    ("value", "error"), [("auto", TypeError), (0, ValueError), (1500.0, TypeError), (True, TypeError)]
)
def test_a_result_file_with_a_wrong_run_steps_is_named(value: Any, error: type[Exception]) -> None:
    # review 190: the constructor's check was not tested (dropping it passed every test)
    with pytest.raises(error, match=r"^run_steps must be an integer >= 1 .* or None, got"):
        RangeTestResult.from_dict({**result().to_dict(), "run_steps": value})


def test_a_numpy_run_steps_is_kept_as_an_int_and_saved(tmp_path: Any) -> None:
    # review 190: it was kept as np.int64, and save() failed (not JSON serializable)
    r = dataclasses.replace(result(), run_steps=np.int64(1280))
    assert type(r.run_steps) is int and r.run_steps == 1280
    r.save(tmp_path / "r.json")
    assert RangeTestResult.load(tmp_path / "r.json") == r


def test_a_run_steps_past_any_count_of_steps_is_named() -> None:
    # review 190: 10**400 gave a bare OverflowError from the ratio's float division
    with pytest.raises(ValueError, match=r"run_steps must be an integer >= 1 .* at most 2\*\*53"):
        result().suggestion(run_steps=10**400)
    with pytest.raises(ValueError, match=r"LRRangeTest: run_steps must be .* at most 2\*\*53"):
        LRRangeTest(run_steps=2**53 + 1)


@pytest.mark.parametrize(
    ("kind", "run_steps", "said"), [("sgd", 1500, "leaves the answer"), ("adamw", 10**6, "held")]
)
def test_a_decay_callback_that_takes_the_answer_does_not_say_the_run_length_note_again(
    tmp_path: Any, kind: str, run_steps: int, said: str
) -> None:
    # review 190: the note was warned by the test's apply, then again by CosineDecay's read of suggestion()
    from lightning_lr.callbacks import CosineDecay

    decay = CosineDecay()
    t = trainer(tmp_path, callbacks=[decay])
    r, caught = tuned(tmp_path, TinyModel(optimizer=kind), t, run_steps=run_steps)
    notes = [m for m in caught if m.startswith(f"run_steps={run_steps} ")]
    assert len(notes) == 1 and said in notes[0], notes
    assert decay.value("initial") == r.suggestion()


def test_the_figure_says_for_run_steps_only_where_the_answer_moved() -> None:
    # review 190: an SGD answer, left as it is, was labelled ", for run_steps=1280"
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    for r in (
        dataclasses.replace(result("torch.optim.SGD"), run_steps=1280),
        dataclasses.replace(result(), run_steps=40),
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = r.suggestion()
            texts = [t.get_text() for t in r.plot().axes[0].get_legend().get_texts()]
        (mark,) = [t for t in texts if t.startswith("suggestion")]
        assert mark.startswith(f"suggestion {value:.3g} (rule: confirmed") and "run_steps" not in mark, texts
        both = WeightDecayResult(
            [dataclasses.replace(r, weight_decay=0.0), dataclasses.replace(r, weight_decay=0.1)]
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            labels = [t.get_text() for t in both.plot().axes[0].get_legend().get_texts()]
        assert not any("run_steps" in t for t in labels), labels
    plt.close("all")


@pytest.mark.parametrize(
    ("extra", "named"),
    [({"callbacks": ["early"]}, "EarlyStopping"), ({"max_time": {"hours": 1}}, "Timer"), ({}, None)],
)
def test_auto_says_when_a_callback_can_end_the_fit_sooner(
    tmp_path: Any, extra: dict[str, Any], named: str | None
) -> None:
    from lightning.pytorch.callbacks import EarlyStopping

    kwargs = {k: v for k, v in extra.items() if k != "callbacks"}
    callbacks = [EarlyStopping(monitor="train_loss")] if "callbacks" in extra else None
    t = trainer(tmp_path, callbacks=callbacks, max_epochs=30, **kwargs)
    r, said = tuned(tmp_path, TinyModel(optimizer="adamw"), t, run_steps="auto")
    assert r.run_steps == 240
    sooner = [m for m in said if "may end it sooner" in m]
    if named is None:
        assert not sooner
    else:
        assert (
            len(sooner) == 1
            and f"run_steps='auto' reads 240 steps, the most this fit can take; {named}" in sooner[0]
        )


@pytest.mark.parametrize(
    ("kind", "run_steps", "said"), [("sgd", 1500, "leaves the answer"), ("adamw", 10**6, "held")]
)
def test_the_run_length_note_points_at_the_users_call(
    tmp_path: Any, kind: str, run_steps: int, said: str
) -> None:
    # r192: the Tuner's and the callback's note pointed inside lightning_lr (tuner/_apply.py), not at the call
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Tuner(trainer(tmp_path)).lr_range_test(
            TinyModel(optimizer=kind), loader(n=256), num_steps=30, run_steps=run_steps
        )
    notes = [w for w in caught if str(w.message).startswith(f"run_steps={run_steps} ")]
    assert [w.filename for w in notes] == [__file__] and said in str(notes[0].message)
    test = LRRangeTest(num_steps=30, run_steps=run_steps)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer(tmp_path, callbacks=[test], max_epochs=1).fit(TinyModel(optimizer=kind), loader(n=256))
    notes = [w for w in caught if str(w.message).startswith(f"run_steps={run_steps} ")]
    assert [w.filename for w in notes] == [__file__] and said in str(notes[0].message)


def test_auto_says_where_the_call_is_when_a_callback_can_end_the_fit_sooner(tmp_path: Any) -> None:
    # r192: the warning pointed inside lightning_lr (tuner/_run_length.py)
    from lightning.pytorch.callbacks import EarlyStopping

    t = trainer(tmp_path, callbacks=[EarlyStopping(monitor="train_loss")], max_epochs=30)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Tuner(t).lr_range_test(TinyModel(optimizer="adamw"), loader(n=256), num_steps=30, run_steps="auto")
    sooner = [w for w in caught if "may end it sooner" in str(w.message)]
    assert [w.filename for w in sooner] == [__file__]


def test_suggestions_lists_the_confirmed_answer_suggestion_gives() -> None:
    # r192: suggestions()["confirmed"] was the unscaled 0.044 while suggestion() (applied, logged, drawn, in the
    # repr) was 0.022 for the run_steps=1280 the result holds
    r = dataclasses.replace(result(), run_steps=1280)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # without warnings, as documented
        listed = r.suggestions()
        both = WeightDecayResult(
            [dataclasses.replace(r, weight_decay=0.0), dataclasses.replace(r, weight_decay=0.1)]
        ).suggestions()
    assert listed["confirmed"] == r.suggestion() == r.suggestion("confirmed") == both["confirmed"]
    assert r.confirmation is not None and listed["confirmed"] == pytest.approx(r.confirmation.lr / 2)
    assert {k: v for k, v in listed.items() if k != "confirmed"} == {
        m: r._pick(m)[0] for m in listed if m != "confirmed"
    }


class _Stream(torch.utils.data.IterableDataset):  # type: ignore[type-arg]
    """16 batches of 16 with no len: an epoch of unknown length."""

    def __iter__(self) -> Any:
        gen = torch.Generator().manual_seed(0)
        for _ in range(16):
            yield torch.randn(16, 8, generator=gen), torch.randint(0, 3, (16,), generator=gen)


@pytest.mark.parametrize(
    ("limits", "data", "said"),
    [
        # r192: Lightning's estimated_stepping_batches is max_steps (-1) for data without a len, and 'auto'
        # recorded run_steps=1 for a 5-epoch fit, without a word
        (
            {"max_epochs": 5},
            "stream",
            r"\(max_steps=-1 and an epoch of unknown length: the data has no len\)",
        ),
        # r192: the message said "an epoch of unknown length" of data with a len
        ({"max_epochs": -1}, "sized", r"\(max_steps=-1 and max_epochs=-1\);"),
        ({"max_epochs": -1}, "stream", r"\(max_steps=-1 and max_epochs=-1\);"),
    ],
)
def test_auto_refuses_a_fit_of_no_known_length_and_says_why(
    tmp_path: Any, limits: dict[str, int], data: str, said: str
) -> None:
    model = TinyModel(optimizer="adamw")
    data_ = torch.utils.data.DataLoader(_Stream(), batch_size=None) if data == "stream" else loader(n=256)
    with warnings.catch_warnings(), pytest.raises(ValueError, match=r"run_steps='auto' .* has none " + said):
        warnings.simplefilter("ignore")
        Tuner(trainer(tmp_path, **limits)).lr_range_test(model, data_, num_steps=30, run_steps="auto")
    assert model.hparams.lr == 0.05  # refused before anything ran


@pytest.mark.parametrize(("limits", "data"), [({"max_epochs": -1}, "sized"), ({"max_epochs": 5}, "stream")])
def test_a_later_epochs_auto_without_a_known_end_is_refused_before_training(
    tmp_path: Any, limits: dict[str, int], data: str
) -> None:
    # r192: LRRangeTest(epochs=[1], run_steps="auto") trained epoch 0 whole before it was refused at epoch 1
    data_ = torch.utils.data.DataLoader(_Stream(), batch_size=None) if data == "stream" else loader(n=256)
    t = trainer(tmp_path, callbacks=[LRRangeTest(num_steps=30, epochs=[1], run_steps="auto")], **limits)
    with (
        warnings.catch_warnings(),
        pytest.raises(ValueError, match=r"run_steps='auto' .* has none \(max_steps"),
    ):
        warnings.simplefilter("ignore")
        t.fit(TinyModel(optimizer="adamw"), data_)
    assert t.global_step == 0


@pytest.mark.parametrize("optimizer", ["torch.optim.SGD", "torch.optim.RMSprop", None])
@pytest.mark.parametrize("run_steps", [1, 80])
def test_a_run_no_longer_than_the_candidates_is_not_warned_of_for_other_optimizers(
    optimizer: str | None, run_steps: int
) -> None:
    # r192: suggestion(run_steps=80), which the docs give for the answer as the candidates found it, warned for an
    # SGD result that run_steps left the answer as it is for SGD, "measured to fall ... for the Adam family only":
    # no optimizer's answer moves for a run no longer than the candidates
    r = dataclasses.replace(result(optimizer), run_steps=1500)
    assert answer(r, run_steps=run_steps) == (result(optimizer).suggestion(), [])


def test_auto_with_max_time_alone_says_the_time_is_no_length(tmp_path: Any) -> None:
    # r192: Trainer(max_time=...) was refused as having "max_epochs=-1", which the user never wrote (Lightning sets
    # it when max_time is given without max_epochs)
    t = trainer(tmp_path, max_epochs=None, max_time={"minutes": 10})
    with (
        warnings.catch_warnings(),
        pytest.raises(
            ValueError, match=r"has none \(max_steps=-1 and max_epochs=-1, which Lightning sets for max_time"
        ),
    ):
        warnings.simplefilter("ignore")
        Tuner(t).lr_range_test(TinyModel(optimizer="adamw"), loader(n=256), num_steps=30, run_steps="auto")


@pytest.mark.parametrize("spelling", ["Auto", "AUTO", " auto"])
def test_auto_misspelt_is_named_with_the_spelling_it_takes(tmp_path: Any, spelling: str) -> None:
    # r192: "Auto" was refused as no integer, with no word of the spelling
    said = rf"run_steps must be .*got {spelling!r}: did you mean 'auto'\?"
    with pytest.raises(ValueError, match=said):
        LRRangeTest(run_steps=spelling)
    model = TinyModel(optimizer="adamw")
    with pytest.raises(ValueError, match=said):
        Tuner(trainer(tmp_path)).lr_range_test(model, loader(n=64), run_steps=spelling)
    assert model.hparams.lr == 0.05  # refused before anything ran
    with pytest.raises(TypeError, match=r"run_steps must be .*got 'autp'$"):  # no such hint for another word
        LRRangeTest(run_steps="autp")


def test_cyclic_bounds_given_a_method_as_its_ratio_says_which_argument_it_is() -> None:
    # r192: cyclic_bounds("valley") (one_cycle_max_lr takes the method first) said only that ratio must be a number
    r = result()
    with pytest.raises(
        TypeError, match=r"got 'valley', a method's name: did you mean cyclic_bounds\(method='valley'\)"
    ):
        r.cyclic_bounds("valley")
    with pytest.raises(TypeError, match=r"ratio must be a number > 1 \(max_lr / base_lr\), got 'x'$"):
        r.cyclic_bounds("x")


def _short_fit_said(tmp_path: Any, entry: str, **kwargs: Any) -> list[str]:
    """The short-fit warnings of a 20-step test with 10-step candidates, by the Tuner or the callback in a fit
    (``kwargs``: the Trainer's length, and the test's options)."""
    length = {k: kwargs.pop(k) for k in ("max_steps", "max_epochs") if k in kwargs}
    options = {"num_steps": 20, **({} if kwargs.get("confirm") is False else {"confirm_steps": 10}), **kwargs}
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        if entry == "tuner":
            Tuner(trainer(tmp_path, **length)).lr_range_test(TinyModel(), loader(), **options)
        else:
            trainer(tmp_path, callbacks=[LRRangeTest(**options)], **length).fit(TinyModel(), loader())
    return [str(w.message) for w in said if "left to train" in str(w.message)]


@pytest.mark.parametrize("entry", ["tuner", "callback"])
def test_a_fit_shorter_than_a_candidate_is_said_with_what_to_pass(tmp_path: Any, entry: str) -> None:
    # r194: Trainer(max_steps=5) ran a 500-step test and applied an answer for 80-step runs, unsaid
    (message,) = _short_fit_said(tmp_path, entry, max_steps=5)
    assert message.startswith(
        "LR range test: this fit has 5 optimizer steps left to train (max_steps=5), fewer"
    )
    assert "than the 10 each candidate trains (confirm_steps)" in message
    assert "the test takes about 70 optimizer steps of its own" in message  # 20 + 5 candidates of 10
    assert message.endswith("pass confirm_steps=5, or confirm=False for the sweep alone (20 steps)")
    # an epoch of 8 batches: the fit's length is its epochs'
    (message,) = _short_fit_said(tmp_path, entry, max_epochs=1)
    assert "this fit has 8 optimizer steps left to train (max_epochs=1)" in message
    # as long as a candidate, a run the test was told of, or no candidates: nothing to say
    assert _short_fit_said(tmp_path, entry, max_steps=10) == []
    assert _short_fit_said(tmp_path, entry, max_steps=5, run_steps=5000) == []  # the run, not this fit
    assert len(_short_fit_said(tmp_path, entry, max_steps=5, run_steps="auto")) == 1  # this fit
    assert _short_fit_said(tmp_path, entry, max_steps=5, confirm=False) == []


def test_the_callbacks_auto_says_where_a_length_of_1000_epochs_may_be_lightnings_default(
    tmp_path: Any,
) -> None:
    # r196: LRRangeTest(run_steps="auto") in a Trainer given no length read Lightning's default 1000 epochs as the
    # plan (20000 steps) and held the answer at x0.447; the fit replaces the unset max_epochs before any hook
    test = LRRangeTest(run_steps="auto", num_steps=20, confirm_steps=10)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer(tmp_path, max_epochs=None, max_steps=-1, callbacks=[test, StopAt(2)]).fit(
            TinyModel(optimizer="adamw"), loader()
        )
    said = [str(w.message) for w in caught if "also what Lightning sets" in str(w.message)]
    assert said == [
        "LR range test: run_steps='auto' reads 8000 steps from max_epochs=1000, which is also what Lightning sets "
        "for a Trainer given neither max_epochs nor max_steps; if you did not set it, give the Trainer the length "
        "you will train, or pass run_steps=N"
    ]
    with warnings.catch_warnings(record=True) as caught:  # a length given: nothing to say
        warnings.simplefilter("always")
        trainer(
            tmp_path, max_epochs=3, callbacks=[LRRangeTest(run_steps="auto", num_steps=20, confirm_steps=10)]
        ).fit(TinyModel(optimizer="adamw"), loader())
    assert not [w for w in caught if "also what Lightning sets" in str(w.message)]


@pytest.mark.parametrize("limit", ["max_steps", "max_epochs", "limit_train_batches"])
def test_a_fit_that_never_trains_says_its_test_never_ran(tmp_path: Any, limit: str) -> None:
    # r196: Trainer(max_steps=0) left LRRangeTest.result None, unsaid
    test = LRRangeTest(num_steps=20)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer(tmp_path, callbacks=[test], **{limit: 0}).fit(TinyModel(), loader())
    said = [str(w.message) for w in caught if str(w.message).startswith("LRRangeTest: the fit ended")]
    assert said == [
        f"LRRangeTest: the fit ended before training started ({limit}=0), so its test never ran and "
        f"LRRangeTest.result is None"
    ]
    assert test.result is None
