"""What `lightning-lr` says when an optional dependency is missing, and `--version`."""

from __future__ import annotations

import importlib.util
from importlib.metadata import version
from typing import Any

import pytest

import lightning_lr
from lightning_lr.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _without(monkeypatch: pytest.MonkeyPatch, *absent: str) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any, **kwargs: Any) -> Any:
        return None if name in absent else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0
    assert (
        out.strip() == f"lightning-lr {version('lightning_lr')}" == f"lightning-lr {lightning_lr.__version__}"
    )


def test_version_is_the_running_codes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # review 137: a source tree on PYTHONPATH beside an installed copy printed the installed copy's version
    monkeypatch.setattr(lightning_lr, "__version__", "9.9.9")
    code, out, _ = run(["--version"], capsys)
    assert (code, out.strip()) == (0, "lightning-lr 9.9.9")


def test_demo_without_scikit_learn_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    _without(monkeypatch, "sklearn")
    code, _, err = run(["demo", "--output-dir", str(tmp_path / "out")], capsys)
    assert code == 2
    assert err.strip().splitlines() == [
        "lightning-lr demo: needs scikit-learn; install with pip install 'lightning_lr[demo]' "
        "(or pip install scikit-learn)"
    ]
    assert not (tmp_path / "out").exists()


def test_plot_without_matplotlib_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    _without(monkeypatch, "matplotlib")
    code, _, err = run(
        ["plot", "OneCycle", "--max-lr", "0.1", "--total-steps", "10", "-o", str(tmp_path / "a.png")], capsys
    )
    assert code == 2
    assert err.strip().splitlines() == [
        "lightning-lr plot: needs matplotlib; install with pip install 'lightning_lr[plot]' "
        "(or pip install matplotlib)"
    ]
    assert not (tmp_path / "a.png").exists()
