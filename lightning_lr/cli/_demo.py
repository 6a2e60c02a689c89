"""``lightning-lr demo`` (placeholder until the range test and the callbacks land): the 1cycle table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..schedules import OneCycle


class DemoError(Exception):
    """A demo configuration that cannot run (reported as a usage error)."""


@dataclass(frozen=True)
class DemoConfig:
    output_dir: Path = Path("lightning_lr_demo")
    epochs: int = 12
    accelerator: str = "cpu"
    devices: int | str | list[int] = 1
    seed: int = 0


def run_demo(config: DemoConfig) -> None:
    steps = 100
    lr = OneCycle(0.1, total_steps=steps)
    lrs, moms = lr.values(steps), lr.momentum().values(steps)
    print(repr(lr))
    print(f"{'step':>6}  {'lr':>10}  {'momentum':>8}")
    for t in [*range(0, steps, 10), steps - 1]:
        print(f"{t:>6}  {lrs[t]:>10.3e}  {moms[t]:>8.4f}")
