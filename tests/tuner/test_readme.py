"""The README quickstart snippets for the range test, run as written (with a tiny model and data)."""

from __future__ import annotations

from typing import Any

from tuner_helpers import TinyModel, loader, seed_all


def test_tuner_snippet(tmp_path: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    seed_all(0)
    model, train_loader = TinyModel(), loader()
    # --- README: Tuner.lr_range_test ---
    import lightning.pytorch as pl

    from lightning_lr import Tuner

    trainer = pl.Trainer(max_epochs=5)
    tuner = Tuner(trainer)
    result = tuner.lr_range_test(model, train_dataloaders=train_loader, min_lr=1e-6, max_lr=1.0)
    print(result)  # RangeTestResult(100 steps, lr 1e-06..1 (exponential), suggestion(minimum)=...)
    fig = result.plot(suggest=True)  # loss vs LR, log x axis, suggestion marked
    result.save("lr_range_test.json")  # reload with RangeTestResult.load(...)
    trainer.fit(model, train_dataloaders=train_loader)  # model.lr / model.hparams.lr now holds the suggestion
    # --- end ---
    assert fig is not None and model.hparams.lr == result.suggestion()


def test_callback_snippet(tmp_path: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    seed_all(1)
    model, train_loader = TinyModel(), loader()
    # --- README: LRRangeTest callback ---
    import lightning.pytorch as pl

    from lightning_lr import LRRangeTest

    range_test = LRRangeTest(max_lr=1.0, num_steps=100)  # at fit start; epochs=[0, 10] to re-test later
    trainer = pl.Trainer(max_epochs=5, callbacks=[range_test])
    trainer.fit(model, train_dataloaders=train_loader)  # tests, restores, applies the suggestion, trains on
    print(range_test.result.suggestion(), range_test.result.one_cycle_max_lr())
    # --- end ---
    assert model.hparams.lr == range_test.result.suggestion()


def test_progress_bar_shows_the_sweep(tmp_path: Any, capsys: Any) -> None:
    from tuner_helpers import trainer

    from lightning_lr import Tuner

    seed_all(2)
    Tuner(trainer(tmp_path)).lr_range_test(TinyModel(), loader(), num_steps=10, progress_bar=True)
    assert "LR range test" in capsys.readouterr().err
