"""The README's code blocks, extracted from README.md and run as written, on a tiny model and data.

Editing a snippet in README.md changes what runs here, so the README cannot drift from the code. Names a
snippet uses without defining (``model``, ``train_loader``, ``loader``) come from :func:`_namespace`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import pytest
import torch
import yaml
from torch.utils.data import DataLoader, TensorDataset

README = Path(__file__).resolve().parents[1] / "README.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)


def _blocks(language: str) -> list[tuple[str, str]]:
    """``(id, code)`` for every fenced block of ``language``; the id is the heading above it and a count."""
    text = README.read_text()
    out: list[tuple[str, str]] = []
    for match in FENCE.finditer(text):
        if match.group(1) != language:
            continue
        headings = re.findall(r"^#+ (.+)$", text[: match.start()], re.M)
        title = re.sub(r"\W+", "-", headings[-1] if headings else "top").strip("-").lower()
        n = sum(1 for i, _ in out if i.startswith(title))
        out.append((f"{title}-{n}", match.group(2)))
    return out


class _Model(pl.LightningModule):
    """Two-class logistic regression on 32 features, with ``lr`` and ``weight_decay`` hparams the range test
    can set."""

    def __init__(self, lr: float = 0.1, weight_decay: float = 0.0) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.net = torch.nn.Linear(32, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        return torch.nn.functional.cross_entropy(self(x), y)

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(
            self.parameters(), lr=self.hparams.lr, momentum=0.9, weight_decay=self.hparams.weight_decay
        )

    def train_dataloader(self) -> DataLoader:
        return _loader()


def _loader() -> DataLoader:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(64, 32, generator=g)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).long()
    return DataLoader(TensorDataset(x, y), batch_size=8)


def _namespace() -> dict[str, Any]:
    torch.manual_seed(0)
    return {"model": _Model(), "train_loader": _loader(), "loader": _loader()}


def test_the_readme_has_the_snippets_this_file_runs() -> None:
    ids = [i for i, _ in _blocks("python")]
    assert len(ids) >= 6, ids
    assert any("range-test" in i for i in ids), ids


@pytest.mark.parametrize(("code"), [c for _, c in _blocks("python")], ids=[i for i, _ in _blocks("python")])
def test_python_snippet_runs(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace = _namespace()
    exec(compile(code, str(README), "exec"), namespace)
    if "Tuner(" in code or "LRRangeTest(" in code:
        # the range test applied its suggestion to the model it was given
        result = namespace.get("result") or namespace["range_test"].result
        assert namespace["model"].hparams.lr == result.suggestion()


@pytest.mark.parametrize(("code"), [c for _, c in _blocks("yaml")], ids=[i for i, _ in _blocks("yaml")])
def test_yaml_snippet_builds_its_callbacks(code: str) -> None:
    from jsonargparse import ArgumentParser

    config = yaml.safe_load(code)
    parser = ArgumentParser()
    parser.add_argument("--callbacks", type=list[pl.Callback])
    parsed = parser.parse_object({"callbacks": config["trainer"]["callbacks"]})
    instantiate = getattr(parser, "instantiate", None) or parser.instantiate_classes  # renamed in 4.49
    callbacks = instantiate(parsed)
    names = [type(c).__name__ for c in callbacks.callbacks]
    assert names == [e["class_path"].rsplit(".", 1)[1] for e in config["trainer"]["callbacks"]]
