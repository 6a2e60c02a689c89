"""The ``lightning-lr`` command (also ``python -m lightning_lr``).

``lightning-lr demo``
    The main job: an LR range test on scikit-learn's digits, then three trainings (1cycle configured by
    the range test, a constant LR at the suggestion, a step decay), with TensorBoard logs, PNG figures and
    a summary table.
``lightning-lr plot SCHEDULE [ARGUMENTS] -o OUT.png``
    Draw any schedule of :mod:`lightning_lr.schedules` (LR and, for the cyclic ones, momentum) before
    training, and print where it starts, ends and peaks.

Bad arguments print the usage and a message and exit with status 2; no traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["build_parser", "main"]

_EPILOG_PLOT = """\
schedule arguments, three spellings (checked by the schedule itself):
  lightning-lr plot OneCycle --max-lr 0.1 --total-steps 1000 -o 1cycle.png
  lightning-lr plot OneCycle max_lr=0.1 total_steps=1000 --no-momentum
  lightning-lr plot StepDecay 0.1 10 --epochs 50 --steps-per-epoch 20 --interval epoch
  lightning-lr plot MultiStepDecay initial=0.12 milestones=4,8,10,12 gamma=0.8 --steps 40
  lightning-lr plot Multiplicative initial=0.12 factor="0.5 if t % 5 == 0 and t <= 20 else 1.0"
  lightning-lr plot "warmup(CosineDecay(0.1, total=900), steps=100)"
`lightning-lr plot NAME --help` lists NAME's arguments. Numbers may be arithmetic (decay=0.1/50); lists are
4,8,10 or [4,8,10] or range(4,26,2); functions are an expression in t (x and i name it too) or
package.module:function. When a
schedule argument has the name of an option of plot itself (warmup's steps), write it as name=value.

schedules: {names}
"""

_ACCELERATORS = ("auto", "cpu", "gpu", "cuda", "mps", "tpu", "hpu")
_FIGURE_SUFFIXES = (".png", ".pdf", ".svg", ".svgz", ".jpg", ".jpeg", ".webp", ".eps", ".ps", ".tif", ".tiff")


# ---------------------------------------------------------------------------------------------
# Argument types: each raises ArgumentTypeError, which argparse turns into usage + exit 2.
# ---------------------------------------------------------------------------------------------
def _folder(text: str) -> Path:
    """A folder argument: not empty (r164: ``--output-dir ''`` wrote the demo into the current folder, as
    ``Path('')`` is ``.``, without a word)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is empty; give a folder ('.' for the current one)")
    return Path(text)


def _file(text: str) -> Path:
    """A file argument: not empty (r202: ``-o ''`` was refused as ``'.'``, a name the user never typed, as
    ``Path('')`` is ``.``)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is empty; give a file name (schedule.png)")
    return Path(text)


def _int_in(lo: int, hi: int | None = None) -> argparse._ActionType:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < lo or (hi is not None and value > hi):
            bound = f">= {lo}" if hi is None else f"in [{lo}, {hi}]"
            raise argparse.ArgumentTypeError(f"must be an integer {bound}, got {value}")
        return value

    parse.__name__ = "integer"
    return parse


def _momentum(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {value:g}")
    return value


def _devices(text: str) -> int | str | list[int]:
    """Lightning's ``devices``: ``auto``, a count (``-1`` for all), or a list of indices ``0,1``."""
    t = text.strip().strip("[]").replace(" ", "")
    if t == "auto":
        return "auto"
    try:
        if "," in t:
            ids = [int(p) for p in t.split(",") if p != ""]
            if not ids or any(i < 0 for i in ids) or len(set(ids)) != len(ids):
                raise ValueError
            return ids
        n = int(t)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected 'auto', a number of devices (-1 for all) or a list of device indices such as 0,1; got {text!r}"
        ) from None
    if n == 0 or n < -1:
        raise argparse.ArgumentTypeError(f"the number of devices must be >= 1 (or -1 for all), got {n}")
    return n


def _accelerator(text: str) -> str:
    value = text.strip().lower()
    if value not in _ACCELERATORS:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(_ACCELERATORS)}; got {text!r}")
    return value


def _missing(command: str, needs: dict[str, str], extra: str) -> str | None:
    """One line naming what ``command`` needs and how to install it, or None when everything is there.

    ``needs`` maps an importable module to the distribution that provides it.
    """
    absent = [dist for module, dist in needs.items() if importlib.util.find_spec(module) is None]
    if not absent:
        return None
    return (
        f"lightning-lr {command}: needs {' and '.join(absent)}; install with "
        f"pip install 'lightning_lr[{extra}]' (or pip install {' '.join(absent)})"
    )


class _Once(argparse._StoreAction):
    """An option's value, refused when the option is given a second time: argparse keeps the last without a
    word (review 182: ``-o a.png -o b.png`` wrote b.png only), where a schedule argument given twice is an
    error."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        seen: dict[str, tuple[str, Any]] = vars(namespace).setdefault("_given_once", {})
        if option_string is not None:
            if self.dest in seen:
                flag, first = seen[self.dest]
                parser.error(
                    f"{option_string} is given twice ({flag} {first} and {option_string} {values}): give it once"
                )
            seen[self.dest] = (option_string, values)
        super().__call__(parser, namespace, values, option_string)


def _version() -> str:
    """The running code's version (review 137: read from the installed package's metadata, it named another
    copy's under PYTHONPATH, and "unknown" in a source tree; the package's ``__version__`` is the one source
    its metadata is built from)."""
    from .. import __version__

    return __version__


# ---------------------------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The ``lightning-lr`` argument parser (``demo`` and ``plot`` subcommands).

    Example:
        >>> args = build_parser().parse_args(["demo", "--epochs", "3", "--accelerator", "gpu", "--devices", "0,1"])
        >>> args.epochs, args.accelerator, args.devices, str(args.output_dir)
        (3, 'gpu', [0, 1], 'lightning_lr_demo')
    """
    from ._spec import schedule_names

    parser = argparse.ArgumentParser(
        prog="lightning-lr",
        description="Learning-rate schedules, 1cycle and an LR range test for PyTorch Lightning.",
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"lightning-lr {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="{demo,plot}", required=True)

    demo = sub.add_parser(
        "demo",
        help="range test + three trainings on scikit-learn's digits, with figures and TensorBoard logs",
        description=(
            "The main job: on scikit-learn's digits (embedded, nothing is downloaded), run the LR range "
            "test, then train three ways (1cycle configured by the range test, a constant LR at the "
            "suggestion, a step decay). Writes TensorBoard logs and PNG figures to --output-dir and prints "
            "a summary table. About 20 seconds on 2 CPU cores."
        ),
        allow_abbrev=False,
    )
    demo.register("action", None, _Once)
    demo.add_argument(
        "--accelerator", type=_accelerator, default="cpu", help="cpu (default), gpu, mps, auto, ..."
    )
    demo.add_argument(
        "--devices",
        type=_devices,
        default=1,
        help="number of devices (default 1); -1 (all) and indices such as 0,1 are for GPUs only "
        "(--accelerator gpu): --accelerator cpu takes a number of processes",
    )
    demo.add_argument(
        "--epochs", type=_int_in(1, 1000), default=12, help="epochs per training run (default 12)"
    )
    demo.add_argument(
        "--output-dir",
        type=_folder,
        default=Path("lightning_lr_demo"),
        help="where logs and figures go (default ./lightning_lr_demo)",
    )
    demo.add_argument("--seed", type=_int_in(0, 2**32 - 1), default=0, help="random seed (default 0)")
    demo.set_defaults(func=_run_demo, parser=demo)

    plot = sub.add_parser(
        "plot",
        help="draw a schedule's LR and momentum before training",
        description="Draw a schedule's learning rate (and momentum, for Cyclic and OneCycle) and print a summary.",
        usage="lightning-lr plot SCHEDULE [ARGUMENTS] [-o OUT.png] [--steps N | --epochs E --steps-per-epoch S] [options]",
        epilog=_EPILOG_PLOT.format(names=", ".join(schedule_names())),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
        allow_abbrev=False,
    )
    plot.register("action", None, _Once)
    plot.add_argument("schedule", nargs="?", help="a schedule name (see below) or a schedule expression")
    plot.add_argument(
        "-h", "--help", action="store_true", help="show this help (or SCHEDULE's arguments) and exit"
    )
    plot.add_argument(
        "-o",
        "--output",
        type=_file,
        default=None,
        help="the figure file (default: <schedule>.png, in lower case: cosinedecay.png)",
    )
    plot.add_argument(
        "--steps",
        type=_int_in(1, 10_000_000),
        help="optimizer steps to draw (epochs with --interval epoch and no --steps-per-epoch; default: the "
        "schedule's length)",
    )
    plot.add_argument("--epochs", type=_int_in(1, 1_000_000), help="epochs to draw (needs --steps-per-epoch)")
    plot.add_argument(
        "--steps-per-epoch",
        type=_int_in(1, 10_000_000),
        help="optimizer steps per epoch; the x axis is then in epochs",
    )
    plot.add_argument(
        "--interval",
        choices=("step", "epoch"),
        default="step",
        help="step: the schedule's argument is the optimizer step (default); epoch: the epoch index, "
        "held for an epoch (Lightning's interval='epoch', Keras' LearningRateScheduler)",
    )
    plot.add_argument("--log-y", action="store_true", help="logarithmic LR axis")
    plot.add_argument(
        "--no-momentum", action="store_true", help="do not draw the momentum of Cyclic/OneCycle"
    )
    plot.add_argument(
        "--base-momentum", type=_momentum, default=None, help="momentum at the LR peak (default 0.85)"
    )
    plot.add_argument(
        "--max-momentum", type=_momentum, default=None, help="momentum at the LR floor (default 0.95)"
    )
    plot.add_argument("--dpi", type=_int_in(20, 600), default=100, help="figure resolution (default 100)")
    plot.set_defaults(func=_run_plot, parser=plot)
    return parser


# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------
def _given_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> dict[str, object]:
    """A subcommand's long options (``--log-y``), each with the value given on the command line (None when
    it was left at its default): the words plot hands to the schedule are compared with them."""
    options: dict[str, object] = {}
    for action in parser._actions:
        value = getattr(args, action.dest, None)
        for flag in action.option_strings:
            if flag.startswith("--"):
                options[flag] = None if value == action.default else value
    return options


def _run_plot(args: argparse.Namespace, words: list[str]) -> int:
    from ._plot import (
        MAX_STEPS,
        Curve,
        Horizon,
        changes_after,
        describe,
        draw,
        evaluate,
        first_peak,
        last_change,
        natural_length,
    )
    from ._spec import SpecError, build_schedule, resolve_name, schedule_help

    parser: argparse.ArgumentParser = args.parser
    if args.help:
        if args.schedule is None:
            parser.print_help()
        elif "(" in args.schedule:  # an expression (r164: said to be an unknown schedule): plot's own help
            parser.print_help()
            print(
                f"\n{args.schedule!r} is a schedule expression; --help after a schedule's name lists that "
                f"schedule's arguments (lightning-lr plot OneCycle --help)"
            )
        else:
            try:
                print(schedule_help(args.schedule, _given_options(parser, args)))
            except SpecError as exc:
                parser.error(str(exc))
        return 0
    if args.schedule is None:
        parser.error(
            "give a schedule to draw, e.g. lightning-lr plot OneCycle --max-lr 0.1 --total-steps 1000"
        )
    missing = _missing("plot", {"matplotlib": "matplotlib"}, "plot")
    if missing:
        print(missing, file=sys.stderr)
        return 2
    # The horizon: --steps, or --epochs x --steps-per-epoch, or (below) the schedule's own length.
    if args.steps is not None and args.epochs is not None:
        parser.error("give --steps or --epochs, not both")
    spe = args.steps_per_epoch
    if args.epochs is not None and spe is None:
        if args.interval != "epoch":
            parser.error("--epochs needs --steps-per-epoch (or --interval epoch, one step per epoch)")
        spe = 1
    if args.interval == "epoch" and spe is None:
        spe = 1
    steps: int | None = args.epochs * spe if args.epochs is not None else args.steps
    # A length argument left out (OneCycle's total_steps, CosineDecay's total, ...) is the horizon, in the
    # schedule's own unit: optimizer steps, or epochs with --interval epoch.
    length = None if steps is None else (-(-steps // (spe or 1)) if args.interval == "epoch" else steps)
    try:
        schedule, filled = build_schedule(
            args.schedule, words, length=length, plot_options=_given_options(parser, args)
        )
    except SpecError as exc:
        parser.error(str(exc))
    given = steps is not None
    if steps is None:
        natural = natural_length(schedule)
        steps = natural * (spe or 1) if args.interval == "epoch" else natural
    if steps > MAX_STEPS:
        # review 70: the advice named options the user had not given, where the length was the schedule's
        if not given:
            source, advice = (
                f"the length of {schedule!r}",
                f"give --steps N (N <= {MAX_STEPS}) to draw the first N",
            )
        elif args.steps is not None:
            source, advice = "--steps", f"give at most {MAX_STEPS}"
        else:
            source, advice = "--epochs x --steps-per-epoch", "lower --epochs or --steps-per-epoch"
        parser.error(f"{steps} steps ({source}) is more than plot draws ({MAX_STEPS}); {advice}")
    # in the schedule's unit: optimizer steps, or epochs with --interval epoch
    end, until = schedule.ends_at(), schedule.scheduled_until()
    per = (spe or 1) if args.interval == "epoch" else 1
    last = None if until is None else last_change(schedule, until)
    horizon = Horizon(
        steps=steps,
        steps_per_epoch=args.steps_per_epoch,  # None: one point per epoch under --interval epoch
        interval=args.interval,
        end=None if end is None else end * per,
        until=None if until is None else until * per,
        last=None if last is None else last * per,  # (an epoch's change takes effect at its first step)
        goes_on=until is not None and end is None and changes_after(schedule, until),
    )

    # The momentum that goes with the schedule (Cyclic and OneCycle have one).
    momentum = None
    has_momentum = callable(getattr(schedule, "momentum", None))
    wants = args.base_momentum is not None or args.max_momentum is not None
    # (review 182: --no-momentum was taken without a word where --base-momentum is refused)
    if args.no_momentum and not has_momentum:
        parser.error(f"--no-momentum: {type(schedule).__name__} has no momentum schedule to leave out")
    if wants and (args.no_momentum or not has_momentum):
        why = (
            "--no-momentum was given"
            if args.no_momentum
            else f"{type(schedule).__name__} has no momentum schedule"
        )
        parser.error(f"--base-momentum/--max-momentum: {why}")
    if has_momentum and not args.no_momentum:
        base = 0.85 if args.base_momentum is None else args.base_momentum
        top = 0.95 if args.max_momentum is None else args.max_momentum
        try:
            momentum = schedule.momentum(base, top)  # type: ignore[attr-defined]
        except (TypeError, ValueError) as exc:
            parser.error(f"momentum: {exc}")

    # The output file.
    out: Path = args.output
    if out is None:
        try:
            stem = resolve_name(args.schedule).lower()
        except SpecError:
            stem = "schedule"
        out = Path(f"{stem}.png")
    if out.suffix.lower() not in _FIGURE_SUFFIXES:
        parser.error(f"-o/--output: {str(out)!r} needs a figure suffix, one of {', '.join(_FIGURE_SUFFIXES)}")
    if out.is_dir():
        parser.error(
            f"-o/--output: {str(out)!r} is a directory; give a file name such as {out / 'schedule.png'}"
        )
    # r164: -o afile/x.png, under a regular file, was refused as "File exists"
    blocking = next((d for d in out.parents if d.exists() and not d.is_dir()), None)
    if blocking is not None:
        parser.error(
            f"-o/--output: {str(blocking)!r} is a file, not a directory, so {str(out)!r} cannot be written"
        )

    try:
        lr_curve = Curve("lr", evaluate(schedule, horizon))
        mom_curve = None if momentum is None else Curve("momentum", evaluate(momentum, horizon))
    except (TypeError, ValueError) as exc:  # a user function that returns a bad value
        parser.error(str(exc))
    print(repr(schedule))
    if filled:
        print(
            f"  ({', '.join(f'{k}={v}' for k, v in filled.items())}: the length of the plot, as it was not given)"
        )
    for line in describe(lr_curve, mom_curve, horizon):
        print(line)
    # (review 182: StepDecay was drawn over 50 steps, Multiplicative 1000, unsaid)
    if not given and end is None:
        print(f"  ({steps} {horizon.unit}s drawn: the schedule has no end of its own; --steps N draws N)")
    peak = first_peak(schedule)
    if peak is not None and steps <= peak[0] * per:
        # (review 182: Cyclic(step_size=500) over 100 steps drew a "peak" of 0.0278 where max_lr is 0.1)
        print(
            f"  its first peak, {peak[1]:.4g}, is at {horizon.unit} {peak[0] * per}: not drawn (draw "
            f"{peak[0] * per + 1} {horizon.unit}s to see it)"
        )
    # directories -o names that do not exist are made, and said (review 101: made without a word)
    absent = [d for d in (out.parent, *out.parent.parents) if not d.exists()][::-1]
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        draw(schedule, lr_curve, mom_curve, horizon, out, log_y=args.log_y, dpi=args.dpi)
    except OSError as exc:
        print(f"lightning-lr plot: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    made = (
        f" (created the missing director{'y' if len(absent) == 1 else 'ies'} {', '.join(map(str, absent))})"
        if absent
        else ""
    )
    print(f"wrote {out}{made}")
    return 0


def _run_demo(args: argparse.Namespace, words: list[str]) -> int:
    parser: argparse.ArgumentParser = args.parser
    out: Path = args.output_dir
    if out.exists() and not out.is_dir():
        parser.error(f"--output-dir: {str(out)!r} exists and is not a directory")
    missing = _missing("demo", {"sklearn": "scikit-learn", "matplotlib": "matplotlib"}, "demo")
    if missing:
        print(missing, file=sys.stderr)
        return 2
    from ._demo import (  # torch and Lightning load only now
        DemoConfig,
        DemoFailedError,
        DemoUsageError,
        run_demo,
    )

    config = DemoConfig(
        output_dir=out, epochs=args.epochs, accelerator=args.accelerator, devices=args.devices, seed=args.seed
    )
    try:
        run_demo(config)
    except DemoUsageError as exc:
        parser.error(str(exc))
    except DemoFailedError as exc:
        print(f"lightning-lr demo: {exc}", file=sys.stderr)
        return 1
    return 0


def _warning_printer(command: str) -> Callable[..., None]:
    """``warnings.showwarning`` for the command: ``lightning-lr plot: warning: ...``, one line per warning,
    without Python's file, line number and source line (review 118: a line of the package's own source)."""

    def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        print(f"lightning-lr {command}: warning: {message}", file=sys.stderr)

    return show


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``lightning-lr`` with ``argv`` (default ``sys.argv[1:]``); returns the exit status.

    Usage errors exit with status 2 (argparse's convention) after printing the usage and the reason.

    Example:
        >>> main(["plot", "OneCycle", "--help"])  # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
        lightning-lr plot OneCycle [ARGUMENTS] ...
          --max-lr float required
          --total-steps int required, or from --steps / --epochs
        ...
        0
    """
    parser = build_parser()
    try:
        args, words = parser.parse_known_args(argv)
        if args.command != "plot" and words:
            args.parser.error(f"unrecognized arguments: {' '.join(words)}")
        with warnings.catch_warnings():
            warnings.showwarning = _warning_printer(args.command)
            return int(args.func(args, words))
    except BrokenPipeError:
        # the reader closed the pipe (`lightning-lr plot ... --help | head`): nothing to say, and the
        # interpreter's own flush of stdout at exit must not say it either
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - open for the rest of the process
        return 0


if __name__ == "__main__":
    sys.exit(main())
