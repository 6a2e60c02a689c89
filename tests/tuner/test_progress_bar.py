"""The range test shows its sweep in a progress bar when asked to."""

from __future__ import annotations

from typing import Any

from lightning_lr import Tuner

from support.models import TinyModel, loader
from support.state import seed_all
from support.trainers import trainer


def test_progress_bar_shows_the_sweep(tmp_path: Any, capsys: Any) -> None:
    seed_all(2)
    Tuner(trainer(tmp_path)).lr_range_test(TinyModel(), loader(), num_steps=10, progress_bar=True)
    assert "LR range test" in capsys.readouterr().err
