"""The ``lightning-lr`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .schedules import OneCycle


def _demo(args: argparse.Namespace) -> int:
    lr = OneCycle(args.max_lr, total_steps=args.steps)
    momentum = lr.momentum()
    lrs, moms = lr.values(args.steps), momentum.values(args.steps)
    print(repr(lr))
    print(f"{'step':>6}  {'lr':>10}  {'momentum':>8}")
    for t in range(0, args.steps, max(1, args.steps // 10)):
        print(f"{t:>6}  {lrs[t]:>10.3e}  {moms[t]:>8.4f}")
    print(f"{args.steps - 1:>6}  {lrs[-1]:>10.3e}  {moms[-1]:>8.4f}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lightning-lr", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="the main job")
    demo.add_argument("--steps", type=int, default=100)
    demo.add_argument("--max-lr", type=float, default=0.1)
    demo.set_defaults(func=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (TypeError, ValueError) as exc:
        parser.error(str(exc))
    return 2


if __name__ == "__main__":
    sys.exit(main())
