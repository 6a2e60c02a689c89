"""`lightning-lr plot`: the figure, the printed summary, the three argument spellings and the errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lightning_lr.cli import main
from lightning_lr.cli._spec import build_schedule, schedule_names
from lightning_lr.schedules import Cyclic, MultiStepDecay, OneCycle, StepDecay

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_one_cycle_png_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_png = tmp_path / "1cycle.png"
    code, out, err = run(
        ["plot", "OneCycle", "--max-lr", "0.1", "--total-steps", "1000", "-o", str(out_png)], capsys
    )
    assert code == 0, err
    assert out_png.read_bytes()[:8] == PNG_MAGIC
    assert repr(OneCycle(0.1, total_steps=1000)) in out
    assert "over 1000 optimizer steps" in out
    # LR: 0.1/25 at the start, 0.1/25/1e4 at the last step, the peak at step 0.3*1000 - 1.
    assert "lr:        start 0.004, end 4e-07 (step 999); peak 0.1 at step 299, 30% of the run" in out
    assert "momentum:  start 0.95, end 0.95 (step 999); lowest 0.85 at step 299" in out
    assert f"wrote {out_png}" in out


def test_epochs_and_interval_epoch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_png = tmp_path / "step.png"
    code, out, _ = run(
        [
            "plot",
            "StepDecay",
            "0.1",
            "10",
            "--epochs",
            "50",
            "--steps-per-epoch",
            "20",
            "--interval",
            "epoch",
            "-o",
            str(out_png),
        ],
        capsys,
    )
    assert code == 0
    assert out_png.exists()
    assert "over 1000 optimizer steps (50 epochs of 20 steps), interval=epoch" in out
    # 0.1 * 0.5 ** 4 in the last epoch; held at 0.1 for the first 10 epochs (200 steps).
    assert (
        "start 0.1, end 0.00625 (step 999); peak 0.1 at step 0, 0% of the run, epoch 0, held to step 199"
        in out
    )


def test_interval_epoch_without_steps_per_epoch_counts_epochs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # review 70: one point per epoch was told as "5 epochs of 1 steps", its points as steps
    code, out, err = run(
        [
            "plot",
            "StepDecay",
            "0.1",
            "2",
            "--epochs",
            "5",
            "--interval",
            "epoch",
            "-o",
            str(tmp_path / "e.png"),
        ],
        capsys,
    )
    assert code == 0, err
    assert "over 5 epochs, one point each (give --steps-per-epoch for optimizer steps), interval=epoch" in out
    assert (
        "lr:        start 0.1, end 0.025 (epoch 4); peak 0.1 at epoch 0, 0% of the run, held to epoch 1"
        in out
    )
    assert "steps" not in out.split("interval=epoch")[1]


def test_a_horizon_past_the_schedule_marks_its_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # review 70: --steps past a schedule's end drew the held value as if it were scheduled, unmarked
    from matplotlib.figure import Figure

    saved: list[Figure] = []
    monkeypatch.setattr(Figure, "savefig", lambda self, *a, **k: saved.append(self))
    argv = ["plot", "OneCycle", "--max-lr", "0.1", "--total-steps", "100", "-o", str(tmp_path / "c.png")]
    code, out, err = run([*argv, "--steps", "150"], capsys)
    assert code == 0, err
    assert "the schedule's length is 100 steps: steps 100 to 149 hold its final value 4e-07" in out
    (fig,) = saved
    for ax in fig.axes:  # the LR's and the momentum's
        assert [tuple(line.get_xdata()) for line in ax.get_lines() if line.get_linestyle() == ":"] == [
            (100, 100)
        ]
    # within the schedule's length, or for a schedule with no end, nothing is marked
    for more in ([], ["--steps", "100"]):
        saved.clear()
        code, out, err = run([*argv, *more], capsys)
        assert code == 0 and "the schedule's length" not in out, err
        assert not [line for line in saved[0].axes[0].get_lines() if line.get_linestyle() == ":"]
    code, out, err = run(
        ["plot", "StepDecay", "0.1", "10", "--steps", "150", "-o", str(tmp_path / "s.png")], capsys
    )
    assert code == 0 and "the schedule's length" not in out, err
    code, out, err = run(
        [
            "plot",
            "CosineDecay",
            "0.1",
            "total=10",
            "--epochs",
            "15",
            "--interval",
            "epoch",
            "-o",
            str(tmp_path / "d.png"),
        ],
        capsys,
    )
    assert "the schedule's length is 10 epochs: epochs 10 to 14 hold its final value 0" in out, err


def test_a_horizon_shorter_than_the_schedule_says_what_is_not_drawn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # review 101: --epochs 2 --steps-per-epoch 30 drew 60 of a 100-step 1cycle's steps without a word (a
    # horizon past the end was marked)
    png = str(tmp_path / "c.png")
    one_cycle = ["plot", "OneCycle", "--max-lr", "0.1", "--total-steps", "100", "-o", png]
    code, out, err = run([*one_cycle, "--epochs", "2", "--steps-per-epoch", "30"], capsys)
    assert code == 0, err
    assert (
        "  the schedule's length is 100 steps: steps 60 to 99 are not drawn (draw 100 steps to see it all)"
        in out
    )
    code, out, err = run(
        ["plot", "MultiStepDecay", "0.1", "milestones=[30,80]", "--steps", "60", "-o", png], capsys
    )
    assert "  the schedule's last change is at step 80: steps 60 to 80 are not drawn (draw 81 steps" in out, (
        err
    )
    code, out, err = run(
        ["plot", "CosineDecay", "0.1", "total=10", "--epochs", "5", "--interval", "epoch", "-o", png], capsys
    )
    assert "the schedule's length is 10 epochs: epochs 5 to 9 are not drawn (draw 10 epochs" in out, err
    for enough in (["--steps", "100"], []):  # all of it: nothing said
        code, out, err = run([*one_cycle, *enough], capsys)
        assert code == 0 and "not drawn" not in out, err
    # r164: a warm-up's peak, at step 100, was said "at step 99" of a schedule that goes on changing after it
    # (InverseSqrt), and a milestone at epoch 4 of 5 steps "at step 24"
    code, out, err = run(["plot", "InverseSqrt", "0.1", "100", "--steps", "50", "-o", png], capsys)
    assert (
        "  the last change the schedule was told to make (a warm-up's end, a milestone) is at step 100: steps 50 to "
        "100 are not drawn (draw 101 steps to see it)\n  it goes on changing after that (a decay without an end)"
    ) in out, err
    code, out, err = run(["plot", "warmup(Constant(0.1), steps=100)", "--steps", "100", "-o", png], capsys)
    assert (
        "the schedule's last change is at step 100: step 100 is not drawn (draw 101 steps to see it all)"
        in out
    )
    code, out, err = run(["plot", "warmup(Constant(0.1), steps=100)", "--steps", "101", "-o", png], capsys)
    assert code == 0 and "not drawn" not in out, err
    epochs = ["--epochs", "3", "--steps-per-epoch", "5", "--interval", "epoch", "-o", png]
    code, out, err = run(["plot", "MultiStepDecay", "0.1", "milestones=[2,4]", *epochs], capsys)
    assert "the schedule's last change is at step 20: steps 15 to 20 are not drawn (draw 21 steps" in out, err


def test_missing_output_directories_are_made_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # review 101: -o new/dir/a.png made the directories without a word (matplotlib alone would refuse)
    out_png = tmp_path / "new" / "dir" / "a.png"
    code, out, err = run(["plot", "CosineDecay", "0.1", "total=10", "-o", str(out_png)], capsys)
    assert code == 0, err
    assert out_png.read_bytes()[:8] == PNG_MAGIC
    assert (
        f"wrote {out_png} (created the missing directories {tmp_path / 'new'}, {tmp_path / 'new' / 'dir'})"
        in out
    )
    code, out, err = run(
        ["plot", "CosineDecay", "0.1", "total=10", "-o", str(out_png.with_name("b.png"))], capsys
    )
    assert out.splitlines()[-1] == f"wrote {out_png.with_name('b.png')}", err  # they exist now: nothing said


def test_default_length_and_output_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["plot", "cyclic", "base_lr=0.001", "max_lr=0.1", "step_size=50", "--log-y"], capsys)
    assert code == 0
    assert (tmp_path / "cyclic.png").read_bytes()[:8] == PNG_MAGIC
    assert "over 300 optimizer steps" in out  # three cycles of 50 up + 50 down
    assert "peak 0.1 at step 50" in out


def _build(name: str, words: list[str] | None = None) -> object:
    return build_schedule(name, words or [])[0]


def test_length_comes_from_the_horizon_when_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        [
            "plot",
            "OneCycle",
            "--max-lr",
            "0.1",
            "--epochs",
            "10",
            "--steps-per-epoch",
            "50",
            "-o",
            str(tmp_path / "a.png"),
        ],
        capsys,
    )
    assert code == 0
    assert "OneCycle(max_lr=0.1, total_steps=500," in out
    assert "(total_steps=500: the length of the plot, as it was not given)" in out
    assert "peak 0.1 at step 149, 30% of the run, epoch 2.98" in out
    code, out, _ = run(["plot", "CosineDecay", "0.1", "--steps", "80", "-o", str(tmp_path / "b.png")], capsys)
    assert code == 0 and "CosineDecay(initial=0.1, total=80, final=0)" in out
    assert build_schedule("OneCycle", ["1", "100"], length=7)[1] == {}  # given: not replaced


def test_three_spellings_build_the_same_schedule() -> None:
    by_option = _build("MultiStepDecay", ["--initial", "0.12", "--milestones", "4,8,10", "--gamma", "0.8"])
    by_key = _build("multistepdecay", ["initial=0.12", "milestones=[4, 8, 10]", "gamma=4/5"])
    by_position = _build("MultiStepDecay", ["0.12", "range(4, 12, 4)", "0.8"])
    assert by_option == by_key == MultiStepDecay(0.12, [4, 8, 10], gamma=0.8)
    assert by_position == MultiStepDecay(0.12, [4, 8], gamma=0.8)
    assert _build("Cyclic(0.01, 0.1, step_size=5, mode='triangular2')") == Cyclic(
        0.01, 0.1, step_size=5, mode="triangular2"
    )
    assert _build("StepDecay", ["initial=1e-1", "every=1e1"]) == StepDecay(0.1, every=10)
    assert _build("OneCycle", ["1", "100", "--three-phase"]).three_phase
    assert not _build("OneCycle", ["1", "100", "--no-three-phase"]).three_phase


def test_every_schedule_name_can_be_drawn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = {
        "Constant": ["0.01"],
        "TimeDecay": ["0.1", "decay=0.1/50"],
        "StepDecay": ["0.1", "10"],
        "MultiStepDecay": ["0.12", "4,8,10"],
        "ExponentialDecay": ["0.1", "rate=0.1"],
        "PolynomialDecay": ["0.1", "100", "power=2"],
        "CosineDecay": ["0.1", "100"],
        "CosineRestarts": ["0.1", "10", "period_mult=2"],
        "Linear": ["0", "0.1", "50"],
        "Multiplicative": ["0.12", "factor=0.8 if 6 <= t <= 24 and t % 2 == 0 else 1.0"],
        "Lambda": ["fn=0.1 * 0.5 ** (t // 10)"],
        "Cyclic": ["0.01", "0.1", "20", "mode=exp_range", "gamma=0.99"],
        "OneCycle": ["0.1", "100"],
        "join": ["schedules=[Constant(0.1), CosineDecay(0.1, total=50)]", "boundaries=10"],
        "warmup": ["schedule=CosineDecay(0.1, total=90)", "steps=10"],
        "WarmupStableDecay": ["0.1", "100", "warmup=10", "shape=cosine"],
        "InverseSqrt": ["0.1", "10"],
    }
    assert set(args) == set(schedule_names())
    for name, words in args.items():
        code, out, err = run(["plot", name, *words, "-o", str(tmp_path / f"{name}.png")], capsys)
        assert code == 0, (name, err)
        assert (tmp_path / f"{name}.png").stat().st_size > 1000
        assert "lr:" in out


def test_lambda_expression_values(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(
        ["plot", "Lambda", "fn=0.1 * 0.5 ** (t // 10)", "--steps", "30", "-o", str(tmp_path / "l.png")],
        capsys,
    )
    assert code == 0
    assert "start 0.1, end 0.025 (step 29); peak 0.1 at step 0, 0% of the run, held to step 9" in out


def test_schedule_help_lists_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["plot", "OneCycle", "--help"], capsys)
    assert code == 0
    assert "--max-lr" in out and "--total-steps" in out and "required" in out
    # a length plot fills from the horizon is no bare "required" (review 21: the README leaves it out)
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip().startswith("--")}
    assert lines["--max-lr"].endswith("required")
    assert lines["--total-steps"].endswith("required, or from --steps / --epochs")
    code, out, _ = run(["plot", "--help"], capsys)
    assert code == 0
    assert "OneCycle" in out and "--steps-per-epoch" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["plot"], "give a schedule to draw"),
        (["plot", "Foo"], "unknown schedule 'Foo'"),
        (["plot", "OneCycel", "0.1", "10"], "did you mean OneCycle?"),
        # review 136: the hint read the name with its case, which matching ignores ("join" for "cosine")
        (["plot", "cosine", "0.1"], "did you mean CosineDecay?"),
        # review 136: "cannot read 'nan' (name 'nan' is not defined)", where inf reached the schedule's check
        (
            ["plot", "OneCycle", "--max-lr", "nan", "--total-steps", "10"],
            "max_lr must be a finite number > 0, got nan",
        ),
        (["plot", "OneCycle", "--max-lr", "0", "--total-steps", "10"], "OneCycle: max_lr must be > 0, got 0"),
        (["plot", "OneCycle", "--max-lr", "0.1"], "OneCycle needs total_steps or give --steps/--epochs"),
        (
            ["plot", "OneCycle", "max_lr=abc", "total_steps=10"],
            "max_lr must be a number (or arithmetic, 0.1/50), got 'abc': cannot read 'abc'",
        ),
        (["plot", "OneCycle", "0.1", "10", "--frob", "3"], "unknown argument '--frob'"),
        (["plot", "OneCycle", "0.1", "10", "1", "2", "3", "4", "5", "6"], "too many values"),
        (["plot", "OneCycle", "0.1", "max_lr=0.2", "total_steps=5"], "max_lr is given twice"),
        (["plot", "StepDecay", "0.1", "every=0"], "every must be a positive integer, got 0"),
        (["plot", "StepDecay", "0.1", "every=1.5"], "every must be a positive integer, got 1.5"),
        (["plot", "MultiStepDecay", "0.1", "8,4"], "milestones must be non-decreasing"),
        (["plot", "Cyclic", "0.1", "0.01"], "base_lr must be <= max_lr"),
        (["plot", "Cyclic", "0.01", "0.1", "mode=sawtooth"], "mode must be one of"),
        (["plot", "OneCycle", "1", "10", "three_phase=maybe"], "three_phase must be true or false"),
        # before: "positional value 'maybe' after named arguments", which did not name three_phase
        (
            ["plot", "OneCycle", "1", "10", "--three-phase", "maybe"],
            "three_phase is True or False: give --three",
        ),
        (["plot", "Lambda", "fn=t +"], "is not an expression in t"),
        (["plot", "Lambda", "fn=no_such_module_xyz:f"], "cannot import"),
        (
            [
                "plot",
                "Constant(0.1",
            ],
            "schedule expression: cannot read",
        ),
        (["plot", "Constant(0.1).__class__"], "private attribute"),
        (["plot", "StepDecay", "0.1", "10", "--epochs", "5"], "--epochs needs --steps-per-epoch"),
        (
            ["plot", "StepDecay", "0.1", "10", "--epochs", "5", "--steps", "9"],
            "give --steps or --epochs, not both",
        ),
        (["plot", "StepDecay", "0.1", "10", "--steps", "0"], "argument --steps: must be an integer"),
        (["plot", "StepDecay", "0.1", "10", "-o", "out.txt"], "needs a figure suffix"),
        # r202: -o '' was refused as "'.' needs a figure suffix", a name never typed; 9**9**9 computed for minutes
        (["plot", "StepDecay", "0.1", "10", "-o", ""], "argument -o/--output: '' is empty; give a file name"),
        (
            ["plot", "OneCycle", "max_lr=9**9**9", "total_steps=100"],
            "max_lr must be a number (or arithmetic, 0.1/50), got '9**9**9': cannot evaluate '9**9**9' "
            "(OverflowError: math range error)",
        ),
        (["plot", "StepDecay", "0.1", "10", "--base-momentum", "0.8"], "StepDecay has no momentum schedule"),
        (
            ["plot", "OneCycle", "0.1", "10", "--base-momentum", "0.99"],
            "base_momentum must be <= max_momentum",
        ),
        (["plot", "OneCycle", "0.1", "10", "--max-momentum", "1.5"], "must be in [0, 1)"),
        (["plot", "OneCycle", "0.1", "10", "--interval", "batch"], "invalid choice: 'batch'"),
        # review 70: a schedule too long to draw was told to lower --epochs or --steps-per-epoch, not given
        (
            ["plot", "OneCycle", "0.1", "1000000000000"],
            "1000000000000 steps (the length of OneCycle(max_lr=0.1, total_steps=1000000000000",
        ),
        (["plot", "OneCycle", "0.1", "1000000000000"], "give --steps N (N <= 10000000) to draw the first N"),
        (
            ["plot", "StepDecay", "0.1", "10", "--epochs", "100000", "--steps-per-epoch", "1000"],
            "(--epochs x --steps-per-epoch) is more than plot draws (10000000); lower --epochs or --steps-per-epoch",
        ),
        # review 182: the last of a repeated option was taken without a word; --no-momentum beside a schedule
        # without one too; a word for a number did not say a number was wanted
        (
            ["plot", "CosineDecay", "0.1", "100", "-o", "a.png", "--output", "b.png"],
            "error: --output is given twice (-o a.png and --output b.png): give it once",
        ),
        (
            ["plot", "CosineDecay", "0.1", "100", "--interval", "step", "--interval", "epoch"],
            "error: --interval is given twice (--interval step and --interval epoch): give it once",
        ),
        (
            ["plot", "CosineDecay", "0.1", "100", "--no-momentum"],
            "error: --no-momentum: CosineDecay has no momentum schedule to leave out",
        ),
        (
            ["plot", "OneCycle", "--max-lr", "abc", "--total-steps", "100"],
            "error: max_lr must be a number (or arithmetic, 0.1/50), got 'abc': cannot read 'abc'",
        ),
    ],
)
def test_bad_arguments_exit_2_with_usage(
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(argv, capsys)
    assert code == 2
    assert "usage: lightning-lr plot" in err
    assert message in err
    assert "Traceback" not in err
    assert not list(tmp_path.iterdir())  # nothing was written
    # the schedule is named once (review 32: "error: OneCycle: OneCycle: max_lr must be > 0, got -1")
    assert not any(
        f"{name}: {name}:" in err for name in ("OneCycle", "StepDecay", "Cyclic", "MultiStepDecay")
    )


@pytest.mark.parametrize(
    ("words", "hint"),
    [
        (["--out", "x.png"], "(did you mean plot's --output?)"),
        (["--logy"], "(did you mean plot's --log-y?)"),
        (["--log_y"], "(did you mean plot's --log-y?)"),
        (["log_y=1"], "(did you mean plot's --log-y?)"),
        (["--no-momentums"], "(did you mean plot's --no-momentum?)"),
        (["--steps-per-epochs", "10"], "(did you mean plot's --steps-per-epoch?)"),
        (["--max-l", "0.2"], "(did you mean --max-lr?)"),  # the schedule's own argument
        (["max_l=0.2"], "(did you mean max_lr?)"),
    ],
)
def test_a_slip_in_one_of_plots_own_options_is_named_as_plots(
    words: list[str], hint: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # review 118: every word plot does not know went to the schedule: "--out" was blamed on it, "--logy"
    # (last on the line) was told it "needs a value", as if it existed
    code, _, err = run(
        [
            "plot",
            "OneCycle",
            "--max-lr",
            "0.1",
            "--total-steps",
            "100",
            *words,
            "-o",
            str(tmp_path / "a.png"),
        ],
        capsys,
    )
    assert code == 2 and "usage: lightning-lr plot" in err
    assert (
        f"lightning-lr plot: error: unknown argument {words[0]!r} {hint}; this schedule takes max_lr," in err
    )
    assert "needs a value" not in err and not list(tmp_path.iterdir())


def test_an_argument_named_like_one_of_plots_options_is_told_as_name_equals_value(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # review 118: `plot warmup --help` listed --steps, which is plot's own option; given so, warmup was told
    # it "needs steps (try: lightning-lr plot warmup --help)", back to the help that said --steps
    code, out, _ = run(["plot", "warmup", "--help"], capsys)
    assert code == 0
    arguments = [line.split()[0] for line in out.splitlines()[5:]]
    assert arguments == ["--schedule", "steps=N", "--start"]
    assert out.splitlines()[6].endswith("required (--steps is plot's own option)")
    png = str(tmp_path / "w.png")
    code, _, err = run(["plot", "warmup", "CosineDecay(0.1, total=900)", "--steps", "100", "-o", png], capsys)
    assert code == 2 and "usage: lightning-lr plot" in err
    assert (
        "error: warmup needs steps: --steps 100 is plot's own option, not warmup's; give warmup's as steps=100 "
        "(try: lightning-lr plot warmup --help)" in err
    )
    code, _, err = run(["plot", "warmup", "CosineDecay(0.1, total=900)", "-o", png], capsys)
    assert "error: warmup needs steps; give it as steps=N, since --steps is plot's own option" in err
    code, out, err = run(["plot", "warmup", "CosineDecay(0.1, total=900)", "steps=100", "-o", png], capsys)
    assert code == 0 and "boundaries=[100]" in out, err


def test_lambda_returning_a_bad_value_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(
        ["plot", "Lambda", "fn=0.1 - t", "--steps", "5", "-o", str(tmp_path / "x.png")], capsys
    )
    assert code == 2
    assert "values must be finite and >= 0" in err


@pytest.mark.parametrize("module", ["lightning_lr", "lightning_lr.cli"])  # review 182: .cli had no __main__
def test_python_m_entry_point_reports_errors_without_traceback(tmp_path: Path, module: str) -> None:
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-m", module, "plot", "NoSuchSchedule"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert proc.returncode == 2
    assert "unknown schedule 'NoSuchSchedule'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_what_plot_chose_or_left_out_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # review 182: a length chosen for a schedule without an end, and a cycle's first peak past the drawn steps,
    # were unsaid (the summary called 0.0278 the peak of a cycle up to 0.1)
    code, out, _ = run(["plot", "StepDecay", "0.1", "10", "-o", str(tmp_path / "s.png")], capsys)
    assert code == 0 and "(50 steps drawn: the schedule has no end of its own; --steps N draws N)" in out
    code, out, _ = run(["plot", "CosineDecay", "0.1", "100", "-o", str(tmp_path / "c.png")], capsys)
    assert code == 0 and "drawn: the schedule has no end" not in out  # it has one
    argv = ["plot", "Cyclic", "0.01", "0.1", "step_size=500", "-o", str(tmp_path / "y.png")]
    code, out, _ = run([*argv, "--steps", "100"], capsys)
    assert code == 0 and "  its first peak, 0.1, is at step 500: not drawn (draw 501 steps to see it)" in out
    code, out, _ = run([*argv, "--steps", "501"], capsys)
    assert code == 0 and "first peak" not in out
    code, out, _ = run([*argv, "--steps", "100", "--steps-per-epoch", "10"], capsys)
    assert code == 0 and "not drawn (draw 501 steps to see it)" in out
    # review 183: a sawtooth (step_size_down=0) peaks the step before its cycle restarts, not at step_size
    saw = ["plot", "Cyclic", "0.01", "0.1", "step_size=50", "step_size_down=0", "-o", str(tmp_path / "z.png")]
    code, out, _ = run([*saw, "--steps", "40"], capsys)
    assert code == 0 and "  its first peak, 0.0982, is at step 49: not drawn (draw 50 steps to see it)" in out


def test_a_value_read_by_position_after_a_list_is_said_and_warnings_are_one_line(tmp_path: Path) -> None:
    # review 118: `plot MultiStepDecay 0.1 5 10` took 10 as gamma; the GrowthWarning did not say how it was
    # read, and Python's format printed a line of the package's source under it
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-m", "lightning_lr", "plot", "MultiStepDecay", "0.1", "5", "10", "-o", "m.png"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        "lightning-lr plot: warning: MultiStepDecay: gamma=10 > 1 makes the value grow 10x at each milestone; "
        "a decay needs gamma < 1 (gamma=10 is the 3rd value, read by position; a list is one value, with "
        "commas: milestones=5,10 if 10 belongs to milestones)"
    ]


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (
            ["0.1", "5", "0"],
            "MultiStepDecay: gamma must be > 0, got 0 (gamma=0 is the 3rd value, read by position;",
        ),
        (
            ["0.1", "5", "-1"],
            "MultiStepDecay: gamma must be > 0, got -1 (gamma=-1 is the 3rd value, read by position)",
        ),
        (
            ["0.1", "5", "10", "20"],
            "too many values: 4 given, the schedule takes 3 (initial, milestones, gamma); a list is one value, "
            "with commas: milestones=5,10",
        ),
        (  # review 119: the hint dropped 20 and 30
            ["0.1", "5", "10", "20", "30"],
            "too many values: 5 given, the schedule takes 3 (initial, milestones, gamma); a list is one value, "
            "with commas: milestones=5,10,20\n",
        ),
        (  # review 119: a list already given with commas was told to take gamma: milestones=5,10,0.5
            ["0.1", "5,10", "0.5", "7"],
            "too many values: 4 given, the schedule takes 3 (initial, milestones, gamma)\n",
        ),
    ],
)
def test_an_error_after_a_list_given_by_position_says_how_the_values_were_read(
    words: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(["plot", "MultiStepDecay", *words, "-o", str(tmp_path / "m.png")], capsys)
    assert code == 2 and f"lightning-lr plot: error: {message}" in err


def test_values_by_position_that_raise_nothing_are_not_remarked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(
        ["plot", "MultiStepDecay", "0.1", "5,10", "0.5", "-o", str(tmp_path / "m.png")], capsys
    )
    assert code == 0 and err == "" and "MultiStepDecay(initial=0.1, milestones=[5, 10], gamma=0.5)" in out


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (
            ["Lambda", "os:system", "--steps", "2"],
            "fn: os:system failed at t=0 (TypeError: expected str, bytes or os.PathLike object, not int)",
        ),
        (
            ["Lambda", "fn=1/(2-t)", "--steps", "4"],
            "fn: '1/(2-t)' failed at t=2 (ZeroDivisionError: division by zero)",
        ),
        (
            ["Multiplicative", "initial=0.1", "factor=os:getcwd", "--steps", "3"],
            "factor: os:getcwd failed at t=1 (TypeError:",
        ),
    ],
)
def test_a_failing_user_function_is_named_with_the_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], words: list[str], message: str
) -> None:
    code, _, err = run(["plot", *words, "-o", str(tmp_path / "x.png")], capsys)
    assert code == 2
    assert f"lightning-lr plot: error: {message}" in err
    assert "Traceback" not in err and not (tmp_path / "x.png").exists()


def test_a_slip_near_a_schedule_argument_named_like_plots_option_asks_for_name_equals_value(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # review 119: '--stps 100' was asked 'did you mean --steps?', which goes to plot, not to warmup
    code, _, err = run(
        ["plot", "warmup", "CosineDecay(0.1, total=900)", "--stps", "100", "-o", str(tmp_path / "w.png")],
        capsys,
    )
    assert code == 2
    assert "unknown argument '--stps' (did you mean steps=...? --steps is plot's own option)" in err


@pytest.mark.parametrize(
    ("words", "said"),
    [
        (
            ["CosineDecay", "--initial", "0.1", "--total", "100", "--warmup", "10"],
            ("--warmup", "CosineDecay", "10"),
        ),
        (["StepDecay", "--initial", "0.1", "--every", "30", "--warmup", "5"], ("--warmup", "StepDecay", "5")),
        (["OneCycle", "0.1", "100", "--warmup-steps", "7"], ("--warmup-steps", "OneCycle", "7")),
        (["OneCycle", "0.1", "100", "num_warmup_steps=8"], ("num_warmup_steps=8", "OneCycle", "8")),
    ],
    ids=["CosineDecay", "StepDecay", "warmup-steps", "num_warmup_steps"],
)
def test_a_warmup_option_on_a_schedule_says_how_a_warmup_is_plotted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, words: list[str], said: tuple[str, str, str]
) -> None:
    # review 169: the callbacks take warmup=, so users try --warmup on plot; the error named only the schedule's
    # own arguments, not the form that draws a warm-up. r171: the hint is of the schedule and the value given,
    # and of the other libraries' names (--warmup-steps was asked "did you mean --total-steps?")
    spelled, schedule, value = said
    code, _, err = run(["plot", *words, "-o", str(tmp_path / "c.png")], capsys)
    assert code == 2 and not (tmp_path / "c.png").exists()
    assert (
        f'unknown argument {spelled!r} (a warm-up wraps the schedule: plot "warmup({schedule}(...), steps={value})" '
        "with its arguments in the parentheses; its steps come before the schedule's, where a callback's warmup= "
        "counts within its total); this schedule takes "
    ) in err


def test_the_warmup_form_a_hint_names_draws(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(
        ["plot", "warmup(CosineDecay(0.1, total=100), steps=10)", "-o", str(tmp_path / "w.png")], capsys
    )
    assert code == 0 and (tmp_path / "w.png").exists() and "peak 0.1 at step 10" in out


def test_an_output_under_a_file_an_expressions_help_and_an_empty_demo_folder_are_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # r164: -o afile/x.png was refused as "File exists"; an expression's --help was an "unknown schedule"; and
    # demo --output-dir '' wrote into the current folder (Path('') is '.') without a word
    (tmp_path / "afile").write_text("")
    code, out, err = run(
        ["plot", "Constant", "0.1", "--steps", "5", "-o", str(tmp_path / "afile" / "x.png")], capsys
    )
    assert code == 2 and "is a file, not a directory, so" in err and not out, (out, err)
    code, out, err = run(["plot", "warmup(Constant(0.1), steps=5)", "--help"], capsys)
    assert code == 0 and "is a schedule expression; --help after a schedule's name lists" in out, err
    code, out, err = run(["demo", "--output-dir", ""], capsys)
    assert code == 2 and "argument --output-dir: '' is empty; give a folder" in err, err


def test_powers_in_arguments_are_python_powers_until_they_overflow_a_float() -> None:
    # r202: 9**9**9 was computed as an integer of 370 million digits; a power of ints past 1024 bits now
    # overflows as a float does, and every other power is Python's own
    import numpy as np

    from lightning_lr.cli._spec import _power

    assert _power(10, 2) == 100 and isinstance(_power(10, 2), int)
    assert _power(2, 1000) == 2**1000  # (1000 bits: still an int)
    assert (
        _power(0.5, 3) == 0.125 and _power(10, -1) == 0.1 and _power(-2, 3) == -8 and _power(1, 10**12) == 1
    )
    assert np.array_equal(_power(np.array([1.0, 2.0]), 2), np.array([1.0, 4.0]))
    with pytest.raises(OverflowError):
        _power(9, 9**9)
