"""The benchmark scripts' shared command-line checks (benchmarks/quality/cli.py): a wrong input stops with a
usage error that names the option, its value and what is allowed (an audit found a missing --from file
raising a traceback, unknown --tasks and --dump beside --from ignored, and --seeds 0 crashing)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks"))

from quality import cli


@dataclass
class Task:
    name: str


TASKS = [Task("a"), Task("b"), Task("c")]
SPLIT = {"a": "tuning", "b": "validation", "c": "tuning"}


def usage_error(capsys: pytest.CaptureFixture[str], call) -> str:
    with pytest.raises(SystemExit) as stop:
        call(argparse.ArgumentParser(prog="bench"))
    assert stop.value.code == 2
    return capsys.readouterr().err


def test_tasks_are_picked_by_name_and_half(capsys) -> None:
    parser = argparse.ArgumentParser()
    assert cli.pick(parser, TASKS, wanted=None, half="both", split=SPLIT) == TASKS
    assert cli.pick(parser, TASKS, wanted="c,b", half="both", split=SPLIT) == [Task("b"), Task("c")]
    assert cli.pick(parser, TASKS, wanted=None, half="tuning", split=SPLIT) == [Task("a"), Task("c")]
    err = usage_error(capsys, lambda p: cli.pick(p, TASKS, wanted="a,nope", half="both", split=SPLIT))
    assert "--tasks: unknown task nope; the tasks are a, b, c" in err
    err = usage_error(capsys, lambda p: cli.pick(p, TASKS, wanted="a", half="validation", split=SPLIT))
    assert "--tasks a --half validation: no task is in both" in err


def test_files_counts_and_options_without_training(tmp_path, capsys) -> None:
    there = tmp_path / "dump.json"
    there.write_text("{}")
    cli.existing(argparse.ArgumentParser(), "--from", str(there))
    cli.existing(argparse.ArgumentParser(), "--from", None)
    err = usage_error(capsys, lambda p: cli.existing(p, "--from", str(tmp_path / "missing.json")))
    assert f"--from {tmp_path / 'missing.json'}: no such file" in err
    err = usage_error(capsys, lambda p: cli.only_with_training(p, "f.json", dump="g.json", resume=None))
    assert "--from re-scores a dump without training: --dump would do nothing with it" in err
    cli.only_with_training(argparse.ArgumentParser(), None, dump="g.json", resume="f.json")
    cli.only_with_training(argparse.ArgumentParser(), "f.json", dump=None, quick=False)  # not given
    err = usage_error(
        capsys, lambda p: cli.only_with_training(p, "f.json", quick=True, num_steps=50, seeds=None)
    )
    assert "--quick and --num-steps would do nothing with it" in err  # review 34: they were ignored
    assert cli.at_least_one("3") == 3
    for bad in ("0", "-1", "2.5", "x"):
        with pytest.raises(argparse.ArgumentTypeError, match=rf"must be a whole number >= 1, got '{bad}'"):
            cli.at_least_one(bad)


def test_the_dump_options_are_added_and_checked_alike(tmp_path, capsys) -> None:
    there = tmp_path / "dump.json"
    there.write_text("{}")
    missing = tmp_path / "missing.json"

    def parse(argv: list[str], resume: bool = True, **training_only: object) -> argparse.Namespace:
        parser = argparse.ArgumentParser(prog="bench")
        parser.add_argument("--jobs", type=int)
        cli.add_dump_options(parser, dump="write FILE", resume=resume)
        args = parser.parse_args(argv)
        cli.check_dump_options(parser, args, jobs=args.jobs)
        return args

    args = parse(["--resume", str(there), "--dump", "out.json", "--jobs", "2"])
    assert (args.from_, args.resume, args.dump, args.jobs) == (None, str(there), "out.json", 2)
    assert parse(["--from", str(there)]).from_ == str(there)
    assert not hasattr(parse([], resume=False), "resume")  # a script that cannot add to a dump
    for argv, said in [
        (["--from", str(missing)], f"--from {missing}: no such file"),
        (["--resume", str(missing)], f"--resume {missing}: no such file"),
        (
            ["--from", str(there), "--resume", str(there)],
            "without training: --resume would do nothing with it",
        ),
        (["--from", str(there), "--dump", "out.json"], "without training: --dump would do nothing with it"),
        (["--from", str(there), "--jobs", "2", "--dump", "o"], "without training: --jobs and --dump would"),
        (
            ["--resume", str(there)],
            f"--resume {there} needs --dump FILE",
        ),  # it would compute, then keep nothing
    ]:
        with pytest.raises(SystemExit) as stop:
            parse(argv)
        assert stop.value.code == 2
        assert said in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parse(["--resume", str(there)], resume=False)  # no such option
    assert "unrecognized arguments: --resume" in capsys.readouterr().err


def test_the_confirm_steps_benchmark_names_a_wrong_steps_list(tmp_path, capsys) -> None:
    import range_test_confirm_steps as bench

    for given, said in [
        ("3", "--steps must hold whole numbers >= 5 (the stage's minimum), got '3'"),
        ("80,x", "--steps must be comma-separated whole numbers, got '80,x'"),
        (",", "--steps must hold whole numbers >= 5"),
    ]:
        with pytest.raises(SystemExit) as stop:
            bench.main(["--steps", given])
        assert stop.value.code == 2
        assert said in capsys.readouterr().err
    dump = tmp_path / "cs.json"  # a dump of 160-step runs (none stored): 250 is not in it
    dump.write_text(json.dumps({"format": bench.FORMAT, "steps": [80, 160], "runs": {}, "trainings": {}}))
    grids = tmp_path / "grids.json"
    grids.write_text(
        '{"format": "range_test_suggestion/1", "meta": {}, "trainings": {}, "curves": {}, "sweeps": {}, "peers": {}}'
    )
    with pytest.raises(SystemExit) as stop:
        bench.main(["--from", str(dump), "--steps", "80,250", "--suggestion", str(grids)])
    assert stop.value.code == 2
    assert f"--steps 80,250: {dump} holds confirm_steps [80, 160], not [250]" in capsys.readouterr().err
    # the longer runs' grids: a file that is not range_test_horizon.py's dump, or none there
    for horizons, said in [
        (str(grids), f"--horizons: {grids} is not a dump of range_test_horizon.py"),
        (str(tmp_path / "none.json"), "none.json"),
    ]:
        with pytest.raises(SystemExit) as stop:
            bench.main(["--from", str(dump), "--suggestion", str(grids), "--horizons", horizons])
        assert stop.value.code == 2
        assert said in capsys.readouterr().err


def test_a_dump_that_is_not_the_scripts_is_a_usage_error_naming_the_option(tmp_path, capsys) -> None:
    def read(argv: list[str], keys: tuple[str, ...] = ("runs",)) -> object:
        parser = argparse.ArgumentParser(prog="bench")
        cli.add_dump_options(parser, dump="write FILE", resume=True)
        return cli.read_dump(parser, parser.parse_args(argv), "bench/1", keys)

    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({"format": "bench/1", "runs": {}}))
    assert read(["--from", str(mine)]) == {"format": "bench/1", "runs": {}}
    assert read(["--resume", str(mine), "--dump", "x.json"]) == {"format": "bench/1", "runs": {}}
    assert read([]) is None
    other = tmp_path / "other.json"
    for text, argv, keys, said in [
        (
            '{"format": "other/2"}',
            ["--from"],
            ("runs",),
            "not a dump of this benchmark (format 'other/2'; this script writes 'bench/1')",
        ),
        ("[1, 2]", ["--from"], ("runs",), "not a dump of this benchmark (format None"),
        ("{not json", ["--resume"], ("runs",), "cannot be read as a JSON dump"),
        ('{"format": "bench/1"}', ["--from"], ("runs", "steps"), "a bench/1 dump without 'runs', 'steps'"),
    ]:
        other.write_text(text)
        with pytest.raises(SystemExit) as stop:
            read([*argv, str(other)], keys)
        assert stop.value.code == 2
        assert f"{argv[0]} {other}: {said}" in capsys.readouterr().err
