"""A param group frozen the usual Lightning way (every parameter ``requires_grad=False``, still in the optimizer)
with the largest LR is the reference: one number for the optimizer's LR is that group's. Review 114 found the
range test sweeping a frozen backbone's LR to 10 while the head, the only group that trains, reached 1, and a
``OneCycle(max_lr=0.1)`` peaking the head at 0.01, both unsaid; a fix that passed the frozen group over moved
the reference on a resume (review 116) and was reverted. Both now say so."""

from __future__ import annotations

import warnings
from typing import Any

import lightning.pytorch as pl
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from lightning_lr import Tuner
from lightning_lr.callbacks import OneCycle

from support.recording import Recorder
from support.trainers import fit, trainer


class FrozenBackbone(pl.LightningModule):
    """A backbone at ``lr`` and a head at a tenth of it, both in the optimizer; the backbone frozen by
    requires_grad=False when ``frozen``."""

    def __init__(self, frozen: bool = True, lr: float = 0.1) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.lr = lr
        self.backbone = torch.nn.Linear(8, 16)
        self.head = torch.nn.Linear(16, 2)
        self.backbone.requires_grad_(not frozen)

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        return torch.nn.functional.cross_entropy(self.head(torch.relu(self.backbone(x))), y)

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(
            [
                {"params": self.backbone.parameters(), "lr": self.lr},
                {"params": self.head.parameters(), "lr": self.lr / 10},
            ],
            momentum=0.9,
        )

    def train_dataloader(self) -> DataLoader:
        g = torch.Generator().manual_seed(0)
        x = torch.randn(64, 8, generator=g)
        return DataLoader(TensorDataset(x, (x[:, 0] > 0).long()), batch_size=8)


SAID = "param group 0 has the largest LR (0.1) but no parameter that requires grad (frozen)"


@pytest.mark.parametrize("frozen", [True, False])
def test_a_schedule_callback_says_its_lr_is_a_frozen_groups(tmp_path: Any, frozen: bool) -> None:
    rec = Recorder()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit(tmp_path, FrozenBackbone(frozen), [OneCycle(max_lr=0.1), rec], max_epochs=1)
    said = [str(w.message) for w in caught if SAID in str(w.message)]
    assert len(said) == (1 if frozen else 0)
    if frozen:
        assert said[0].startswith("OneCycle: max_lr=0.1 for optimizer 0 (SGD): ")
        assert "param group 1, the largest that trains, gets 0.1 times it" in said[0]
    # the rule itself is unchanged: the head peaks at a tenth of max_lr either way
    assert max(lrs[1] for _, lrs, _ in rec.rows) == pytest.approx(0.01, rel=0.05)  # (8 steps: near the peak)


def test_the_range_test_says_its_sweep_and_answer_are_a_frozen_groups(tmp_path: Any) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Tuner(trainer(tmp_path, max_epochs=1)).lr_range_test(FrozenBackbone(), num_steps=20, confirm=False)
    said = [str(w.message) for w in caught if SAID in str(w.message)]
    assert len(said) == 1
    assert said[0].startswith(
        "LR range test: the sweep's LR and the answer are one number for the optimizer: "
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Tuner(trainer(tmp_path, max_epochs=1)).lr_range_test(
            FrozenBackbone(False), num_steps=20, confirm=False
        )
    assert not [w for w in caught if "no parameter that requires grad" in str(w.message)]
