"""Make the README's pictures, ``docs/range_test.png`` and ``docs/one_cycle.png``, from a run of the demo.

Runs ``lightning-lr demo`` (its code, into a temporary directory), then draws its range-test curve and the
1cycle LR/momentum it trained with, small enough for a README. Run from the repository root:
``python examples/make_docs_figures.py [--out docs]``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from lightning_lr.cli._demo import DemoConfig, run_demo
from lightning_lr.plotting import pyplot, schedule_figure


def main(argv: list[str] | None = None) -> list[Path]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs"), help="where the PNGs go (default docs/)")
    parser.add_argument("--epochs", type=int, default=12, help="the demo's epochs (default 12, as the demo)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    print("running the demo (about 20 seconds on 2 CPU cores)...")
    with tempfile.TemporaryDirectory() as tmp:
        result = run_demo(DemoConfig(output_dir=Path(tmp), epochs=args.epochs, print_fn=lambda line: None))
    assert result is not None
    plt = pyplot()
    written = []

    fig = result.range_test.plot(suggest=True)
    fig.set_size_inches(9.0, 3.8)  # the legend beside the axes (the candidates fill the plot)
    fig.axes[0].set_title("LR range test on digits (lightning-lr demo)", fontsize=10)
    fig.tight_layout()
    written.append(args.out / "range_test.png")
    # (review 182: without "tight" the saved figure kept a quarter of its width blank beside the legend)
    fig.savefig(written[-1], dpi=90, bbox_inches="tight")
    plt.close(fig)

    one = result.runs[0]
    fig = schedule_figure(
        range(len(one.lrs)),
        {"lr": one.lrs},
        {"momentum": one.momentums},
        title=f"1cycle, max_lr {result.one_cycle_max_lr:.3g} from the range test",
    )
    fig.set_size_inches(5.6, 4.0)
    fig.tight_layout()
    written.append(args.out / "one_cycle.png")
    fig.savefig(written[-1], dpi=90)
    plt.close(fig)
    for path in written:
        print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")
    return written


if __name__ == "__main__":
    main()
