"""A quick run of `lightning-lr demo`'s code path: PNGs, TensorBoard event files (scalars and figures),
the summary table and the tensorboard command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from lightning_lr.cli import main
from lightning_lr.cli._demo import _RUNS, TARGET, RunResult, format_table

# lightning 2.6 on torch 2.13 warns about its own use of a deprecated pytree name.
pytestmark = pytest.mark.filterwarnings("ignore:.*LeafSpec")


def _tags(run_dir: Path) -> dict[str, list[str]]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    tags: dict[str, list[str]] = {}
    for folder in sorted({events.parent for events in run_dir.rglob("events.out.tfevents.*")}):
        acc = EventAccumulator(str(folder), size_guidance={"images": 0, "scalars": 0})
        acc.Reload()
        for kind, names in acc.Tags().items():
            if isinstance(names, list):
                tags.setdefault(kind, []).extend(names)
    return tags


def _has_hparams_session(run_dir: Path) -> bool:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    for events in run_dir.glob("events.out.tfevents.*"):
        acc = EventAccumulator(str(events.parent))
        acc.Reload()
        if "_hparams_/session_start_info" in acc.PluginTagToContent("hparams"):
            return True
    return False


def test_demo_end_to_end_quick(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "demo out"
    assert main(["demo", "--epochs", "2", "--output-dir", str(out_dir)]) == 0
    out = capsys.readouterr().out

    for name in ("range_test.png", "one_cycle.png", "schedules.png", "val_accuracy.png"):
        assert (out_dir / name).read_bytes()[:4] == b"\x89PNG", name
    for run, schedule in (("one_cycle", "OneCycle"), ("constant", "LRSchedule"), ("step_decay", "StepDecay")):
        tags = _tags(out_dir / run)
        assert {"train_loss", "val_acc", "val_loss", "lr-SGD"} <= set(tags.get("scalars", [])), (run, tags)
        assert f"lr_schedule/{schedule}" in tags.get("images", []), (run, tags)  # the callbacks' preview
    one_cycle = _tags(out_dir / "one_cycle")
    assert {"lr-SGD-momentum", "lr_range_test/loss", "lr_range_test/lr"} <= set(one_cycle["scalars"])
    assert "lr_range_test/figure" in one_cycle["images"]
    summary = _tags(out_dir / "summary")
    assert set(summary.get("images", [])) == {"one_cycle_schedule", "schedules", "val_acc"}
    # the range-test figure is logged once, in the run where the test ran
    everywhere = [t for run in _RUNS for t in _tags(out_dir / run).get("images", [])]
    assert everywhere.count("lr_range_test/figure") == 1

    # HPARAMS: each run records the schedule it really used and its final validation accuracy
    table = {
        r.split("  ")[0].strip(): r for r in out.splitlines() if r.startswith(("1cycle", "constant", "step"))
    }
    for run, name in (("one_cycle", "1cycle"), ("constant", "constant"), ("step_decay", "step decay")):
        hparams = yaml.safe_load((out_dir / run / "hparams.yaml").read_text())
        assert hparams["run"] == name and hparams["schedule"] in table[name]
        assert "hp/final_val_acc" in _tags(out_dir / run)["scalars"]
        assert _has_hparams_session(out_dir / run)
    one_cycle_hparams = yaml.safe_load((out_dir / "one_cycle" / "hparams.yaml").read_text())
    assert "lr" not in one_cycle_hparams  # the model's initial lr=0.001 was never used by that run
    assert f"OneCycle(max_lr={one_cycle_hparams['max_lr']:.3g})" in one_cycle_hparams["schedule"]

    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("run "))
    assert "final val acc" in lines[header] and f"epochs to {TARGET:.0%}" in lines[header]
    assert "wall time" in lines[header]
    rows = lines[header + 2 : header + 5]
    assert [r.split("  ")[0].strip() for r in rows] == ["1cycle", "constant", "step decay"]
    for row in rows:
        assert row.rstrip().endswith(" s")
        assert "%" in row
    assert lines[-1].strip() == f"tensorboard --logdir '{out_dir}'"
    # The range test configured the 1cycle peak, and the other runs start at its suggestion.
    progress = "\n".join(lines[:header])
    assert "[1/4] range test:" in progress and "suggestion" in progress and "1cycle max_lr" in progress
    assert re.split(r"\s{2,}", rows[0])[1].startswith("OneCycle(max_lr=")


def test_a_one_epoch_demo_decays_within_the_run_without_warning_about_itself(tmp_path: Path) -> None:
    # review 118: `demo --epochs 1` warned that its StepDecay(every=Epochs(1)) never takes effect, and the
    # table labelled that run, equal to the constant one, "every 1 epoch"
    import warnings

    from lightning_lr.cli._demo import DemoConfig, run_demo

    printed: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run_demo(DemoConfig(output_dir=tmp_path / "out", epochs=1, print_fn=printed.append))
    assert result is not None
    assert not [str(w.message) for w in caught if "StepDecay" in str(w.message)]
    constant, step = result.runs[1], result.runs[2]
    assert step.schedule == f"StepDecay({result.suggestion:.3g}, x0.5 every fifth of the run)"
    assert step.schedule in result.table
    # halved four times, at each fifth of the run (the constant run holds one LR)
    assert sorted({round(lr / result.suggestion, 6) for lr in step.lrs}) == [0.0625, 0.125, 0.25, 0.5, 1.0]
    assert len(set(constant.lrs)) == 1
    hparams = yaml.safe_load((tmp_path / "out" / "step_decay" / "hparams.yaml").read_text())
    assert hparams["every_fraction"] == 0.2 and "every_epochs" not in hparams


def test_the_demo_prints_no_lightning_banner_when_pytorch_lightning_is_installed_beside_it(
    tmp_path: Path,
) -> None:
    # review 118: importing lightning_lr imports pytorch_lightning when it is installed, Lightning's messages
    # then go to its loggers, which the demo did not quiet: three GPU/TPU/Tip banners on stderr
    import subprocess
    import sys

    pytest.importorskip("pytorch_lightning")
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-m", "lightning_lr", "demo", "--epochs", "1", "--output-dir", "out"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"},
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    for banner in ("GPU available", "TPU available", "Tip:", "Trainer.fit` stopped"):
        assert banner not in proc.stderr, proc.stderr
    assert "step decay" in proc.stdout


def test_table_counts_epochs_to_target() -> None:
    runs = [
        RunResult("a", "Constant(value=0.1)", val_acc=[0.5, 0.96, 0.97], seconds=1.25),
        RunResult("b", "StepDecay(initial=0.1, every=90, drop=0.5)", val_acc=[0.5, 0.6], seconds=2.0),
    ]
    assert runs[0].epochs_to_target == 2 and runs[1].epochs_to_target is None
    table = format_table(runs).splitlines()
    assert table[2].split() == ["a", "Constant(value=0.1)", "97.0%", "2", "1.2", "s"]
    assert table[3].split()[-4:] == ["60.0%", "never", "2.0", "s"]


def test_unavailable_accelerator_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is available here")
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--accelerator", "gpu", "--output-dir", str(tmp_path / "x")])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "usage: lightning-lr demo" in err and "--accelerator gpu" in err
    assert not (tmp_path / "x").exists()


def test_a_second_demo_replaces_the_first_ones_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "out"
    files = []
    for _ in range(2):
        assert main(["demo", "--epochs", "1", "--output-dir", str(out_dir)]) == 0
        files.append({p for run in _RUNS for p in (out_dir / run).rglob("events.out.tfevents.*")})
        (out_dir / "summary" / ".DS_Store").write_text("a file browser's")  # review 119: it was refused
    assert "replacing the previous demo's TensorBoard runs" in capsys.readouterr().out
    assert files[0] and files[1] and not files[0] & files[1]  # the first demo's logs are gone
    assert {p.parent.name for p in files[1] if p.name.startswith("events.")} == set(_RUNS)  # no version_N


def test_a_run_folder_holding_a_users_file_is_refused_before_anything_is_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # review 118: --output-dir on a project folder deleted its summary/ and one_cycle/ with the user's files
    out_dir = tmp_path / "proj"
    (out_dir / "one_cycle").mkdir(parents=True)
    (out_dir / "one_cycle" / "events.out.tfevents.1.host.1.0").write_text("an old demo's log")
    (out_dir / "summary").mkdir()
    (out_dir / "summary" / "notes.txt").write_text("mine")
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--epochs", "1", "--output-dir", str(out_dir)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert (
        f"--output-dir: {str(out_dir / 'summary')!r} holds 'notes.txt', which the demo does not write" in err
    )
    assert (out_dir / "summary" / "notes.txt").read_text() == "mine"
    assert (out_dir / "one_cycle" / "events.out.tfevents.1.host.1.0").exists()  # nothing removed


def test_an_accuracy_shown_as_the_target_counts_as_reaching_it() -> None:
    # r164: 342/360 logged as float32 (0.949999988) was shown as 95.0% and counted as "never" reaching 95%
    import numpy as np

    assert TARGET == 0.95
    assert (
        RunResult("constant", "Constant(0.1)", val_acc=[0.9, float(np.float32(342 / 360))]).epochs_to_target
        == 2
    )
    assert RunResult("constant", "Constant(0.1)", val_acc=[0.9, 0.9494]).epochs_to_target is None
