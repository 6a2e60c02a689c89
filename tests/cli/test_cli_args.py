"""Argument handling of `lightning-lr` and `lightning-lr demo`: usage errors exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from lightning_lr.cli import build_parser, main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([], capsys)
    assert code == 2
    assert "usage: lightning-lr" in err and "{demo,plot}" in err


def test_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["train"], capsys)
    assert code == 2
    assert "invalid choice: 'train'" in err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0 and "demo" in out and "plot" in out
    code, out, _ = run(["demo", "--help"], capsys)
    assert code == 0
    for option in ("--accelerator", "--devices", "--epochs", "--output-dir"):
        assert option in out


def test_demo_help_says_which_devices_forms_are_for_gpus_only(capsys: pytest.CaptureFixture[str]) -> None:
    # review 118: the help offered -1 and 0,1, and the default --accelerator cpu refuses both
    code, out, _ = run(["demo", "--help"], capsys)
    assert code == 0
    devices = " ".join(out.split("--devices DEVICES")[-1].split("--epochs")[0].split())
    assert devices == (
        "number of devices (default 1); -1 (all) and indices such as 0,1 are for GPUs only (--accelerator "
        "gpu): --accelerator cpu takes a number of processes"
    )


def test_demo_defaults() -> None:
    args = build_parser().parse_args(["demo"])
    assert args.accelerator == "cpu"
    assert args.devices == 1
    assert args.output_dir == Path("lightning_lr_demo")
    assert args.epochs >= 1


@pytest.mark.parametrize(
    ("text", "expected"), [("2", 2), ("-1", -1), ("auto", "auto"), ("0,1", [0, 1]), ("[0, 2]", [0, 2])]
)
def test_demo_devices_forms(text: str, expected: object) -> None:
    assert build_parser().parse_args(["demo", "--devices", text]).devices == expected


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["demo", "--epochs", "0"], "argument --epochs: must be an integer in [1, 1000], got 0"),
        (["demo", "--epochs", "ten"], "argument --epochs: expected an integer, got 'ten'"),
        (["demo", "--devices", "0"], "the number of devices must be >= 1"),
        (["demo", "--devices", "two"], "argument --devices: expected 'auto'"),
        (["demo", "--devices", "0,0"], "argument --devices"),
        (["demo", "--accelerator", "abacus"], "argument --accelerator: choose from auto, cpu"),
        (["demo", "--seed", "-3"], "argument --seed"),
        (["demo", "--bogus"], "unrecognized arguments: --bogus"),
        (["demo", "extra"], "unrecognized arguments: extra"),
        (["demo", "--epochs"], "expected one argument"),
        # review 182: argparse kept the last of a repeated option without a word
        (
            ["demo", "--seed", "1", "--seed", "2"],
            "--seed is given twice (--seed 1 and --seed 2): give it once",
        ),
    ],
)
def test_demo_bad_arguments(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(argv, capsys)
    assert code == 2
    assert "usage: lightning-lr demo" in err
    assert message in err
    assert "Traceback" not in err


def test_demo_output_dir_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "taken"
    f.write_text("not a directory")
    code, _, err = run(["demo", "--output-dir", str(f)], capsys)
    assert code == 2
    assert "exists and is not a directory" in err


class ClosedPipe:
    """A stdout whose reader has gone (``lightning-lr plot OneCycle --help | head -1``)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_reader_that_closes_the_pipe_ends_the_command_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    # a review saw "BrokenPipeError" and its traceback after `lightning-lr plot CosineRestarts --help | head`
    monkeypatch.setattr("sys.stdout", ClosedPipe())
    assert main(["plot", "CosineRestarts", "--help"]) == 0
