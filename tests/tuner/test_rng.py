"""A range test leaves every RNG as it was: the fit after it sees the batches (shuffled) and dropout masks
the fit without it would have seen."""

from __future__ import annotations

from typing import Any

import pytest
import torch

from lightning_lr import LRRangeTest, Tuner

from support.models import TinyModel, loader
from support.state import rng_state, same_rng, seed_all
from support.trainers import trainer


def _tuner_lr(t: Any, model: TinyModel, data: Any) -> None:
    Tuner(t).lr_range_test(model, data, num_steps=10, apply=False)


def _tuner_momentum(t: Any, model: TinyModel, data: Any) -> None:
    Tuner(t).momentum_range_test(model, data, num_steps=10)


def _first_losses(tmp_path: Any, test: Any, generator: bool) -> list[float]:
    """The first training losses of a 2-epoch fit (shuffle=True, dropout), after ``test`` if given."""
    seed_all(11)
    model = TinyModel(optimizer="adamw", dropout=0.3)
    data = loader(shuffle=True, generator=torch.Generator().manual_seed(7) if generator else None)
    if test is not None:
        test(trainer(tmp_path), model, data)
    model.seen_losses.clear()
    trainer(tmp_path, max_epochs=2).fit(model, data)
    return model.seen_losses[:12]


@pytest.mark.parametrize("test", [_tuner_lr, _tuner_momentum], ids=["lr_range_test", "momentum_range_test"])
@pytest.mark.parametrize("generator", [False, True], ids=["global-rng", "loader-generator"])
def test_the_fit_after_a_tuner_range_test_sees_what_it_would_without_it(
    tmp_path: Any, test: Any, generator: bool
) -> None:
    without = _first_losses(tmp_path, None, generator)
    after = _first_losses(tmp_path, test, generator)
    assert len(without) == 12 and after == without


def test_every_global_rng_is_where_it_was_after_the_tuner(tmp_path: Any) -> None:
    seed_all(12)
    model, data = TinyModel(), loader(shuffle=True)
    before = rng_state()
    Tuner(trainer(tmp_path)).lr_range_test(model, data, num_steps=10)
    assert same_rng(before, rng_state())
    # the check itself can fail: the same fit without the restore leaves torch's RNG moved
    trainer(tmp_path, max_steps=1).fit(model, data)
    assert not same_rng(before, rng_state())


def test_the_callback_leaves_the_fit_its_losses(tmp_path: Any) -> None:
    """A later-epoch test with apply=False: every training loss of the fit is the one without the test."""

    def losses(with_test: bool) -> list[float]:
        seed_all(13)
        model = TinyModel(optimizer="adamw", dropout=0.3)
        callbacks = [LRRangeTest(num_steps=10, epochs=[1], apply=False)] if with_test else []
        trainer(tmp_path, max_epochs=2, callbacks=callbacks).fit(model, loader(shuffle=True))
        return model.seen_losses[:8] + model.seen_losses[-8:]

    assert losses(True) == losses(False)
