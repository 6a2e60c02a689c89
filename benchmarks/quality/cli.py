"""What the benchmark scripts' command lines check alike: that a file an option names exists, that a count is
a whole number >= 1, that task names are known, and the dump options (--dump, --from, --resume) every script
that stores its runs takes."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, TypeVar


class _Named(Protocol):
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=_Named)


def at_least_one(text: str) -> int:
    """An argparse ``type``: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}")
    return value


def existing(parser: argparse.ArgumentParser, option: str, path: str | None) -> None:
    """Stop with a usage error naming ``option`` if ``path`` is given and is no file."""
    if path is not None and not os.path.isfile(path):
        parser.error(f"{option} {path}: no such file")


def dump_path(description: str, argv: Sequence[str] | None) -> str:
    """The command line of a script that only reads the suggestion benchmark's dump: its ``--from FILE``, checked."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument(
        "--from", dest="source", metavar="FILE", required=True, help="the suggestion benchmark's dump"
    )
    args = p.parse_args(argv)
    existing(p, "--from", args.source)
    return str(args.source)


def only_with_training(parser: argparse.ArgumentParser, from_: str | None, **given: object) -> None:
    """Stop if ``--from`` (re-score without training) comes with an option only a training run uses (given:
    not None and not False)."""
    used = [
        f"--{name.replace('_', '-')}"
        for name, value in given.items()
        if value is not None and value is not False
    ]
    if from_ is not None and used:
        parser.error(
            f"--from re-scores a dump without training: {' and '.join(used)} would do nothing with it"
        )


def add_dump_options(
    parser: argparse.ArgumentParser,
    *,
    dump: str,
    from_: str = "re-score a dump without training",
    resume: bool = False,
) -> None:
    """Add ``--dump FILE`` (``dump``: what the script writes to it), ``--from FILE`` (``from_``: what the script
    does with a dump instead of training) and, with ``resume``, ``--resume FILE`` (load a dump and compute only
    what it lacks). Check them with :func:`check_dump_options`."""
    parser.add_argument("--dump", metavar="FILE", help=dump)
    parser.add_argument("--from", dest="from_", metavar="FILE", help=from_)
    if resume:
        parser.add_argument("--resume", metavar="FILE", help="load FILE, compute only what it lacks")


def check_dump_options(
    parser: argparse.ArgumentParser, args: argparse.Namespace, **training_only: object
) -> None:
    """Stop with a usage error if the ``--from`` or ``--resume`` file (:func:`add_dump_options`) does not
    exist, or if ``--from`` comes with ``--dump``, ``--resume`` or one of ``training_only`` (the script's other
    options that only a training run uses, by their ``args`` names), or if ``--resume`` comes without
    ``--dump`` (what it computes would be kept nowhere)."""
    resume = getattr(args, "resume", None)
    existing(parser, "--from", args.from_)
    existing(parser, "--resume", resume)
    only_with_training(parser, args.from_, **training_only, dump=args.dump, resume=resume)
    if resume and not args.dump:
        parser.error(
            f"--resume {resume} needs --dump FILE: the runs it computes are kept only there "
            f"(--dump {resume} adds them to the same file)"
        )


def pick(
    parser: argparse.ArgumentParser,
    tasks: Sequence[T],
    *,
    wanted: str | None,
    half: str,
    split: Mapping[str, str],
    every: Iterable[str] = ("both", "all"),
) -> list[T]:
    """The tasks named in ``wanted`` (comma-separated; all when None) that are in ``half`` (every half when it
    is one of ``every``); a usage error for an unknown name or when none is left."""
    names = [t.name for t in tasks]
    chosen = list(tasks)
    if wanted:
        asked = [w for w in wanted.split(",") if w]
        unknown = [w for w in asked if w not in names]
        if unknown:
            parser.error(f"--tasks: unknown task {', '.join(unknown)}; the tasks are {', '.join(names)}")
        chosen = [t for t in tasks if t.name in asked]
    if half not in every:
        chosen = [t for t in chosen if split[t.name] == half]
    if not chosen:
        parser.error(f"--tasks {wanted} --half {half}: no task is in both")
    return chosen


def read_dump(
    parser: argparse.ArgumentParser, args: argparse.Namespace, fmt: str, keys: Sequence[str] = ()
) -> dict[str, Any] | None:
    """The JSON dump that ``--from`` (else ``--resume``) names (:func:`add_dump_options`), None when neither is
    given; a usage error naming the option and the file when it cannot be read as JSON, is not a dump of
    format ``fmt`` (the script's own) or lacks one of ``keys``."""
    option, path = ("--from", args.from_) if args.from_ else ("--resume", getattr(args, "resume", None))
    if not path:
        return None
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError) as exc:
        parser.error(f"{option} {path}: cannot be read as a JSON dump ({exc})")
    if not isinstance(data, dict) or data.get("format") != fmt:
        got = data.get("format") if isinstance(data, dict) else None
        parser.error(
            f"{option} {path}: not a dump of this benchmark (format {got!r}; this script writes {fmt!r})"
        )
    missing = [k for k in keys if k not in data]
    if missing:
        parser.error(f"{option} {path}: a {fmt} dump without {', '.join(map(repr, missing))}")
    return data
