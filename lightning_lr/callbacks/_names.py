"""LearningRateMonitor's tag names, so existing dashboards keep working.

Mirrors ``LearningRateMonitor._find_names_from_schedulers`` / ``_find_names_from_optimizers`` (Lightning
2.x): a scheduler config's ``name`` or ``"lr-" + type(optimizer).__name__``; unnamed optimizers of the same
type after the first get ``-1``, ``-2``, ...; several param groups get ``/pg1``, ``/pg2`` or ``/<group
name>``; momentum is the LR tag plus ``-momentum``. The test suite checks these names against a real
LearningRateMonitor.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

__all__ = ["lr_monitor_names"]


def _suffix(name: str, groups: Sequence[dict[str, Any]], i: int) -> str:
    if len(groups) > 1:
        return f"{name}/{groups[i].get('name', f'pg{i + 1}')}"
    pg_name = groups[i].get("name")
    return f"{name}/{pg_name}" if pg_name else name


def lr_monitor_names(configs: Sequence[Any], optimizers: Sequence[Any]) -> dict[int, list[str]]:
    """Tag of every param group, keyed by ``id(optimizer)``, as LearningRateMonitor names them.

    ``configs`` are Lightning's ``LRSchedulerConfig`` objects (``trainer.lr_scheduler_configs``) and
    ``optimizers`` is ``trainer.optimizers``.
    """
    out: dict[int, list[str]] = {}
    seen: list[Any] = []
    seen_types: defaultdict[type, int] = defaultdict(int)

    def add(optimizer: Any, name: str, named: bool) -> None:
        seen.append(optimizer)
        cls = type(optimizer)
        if not named:
            seen_types[cls] += 1
        if cls in seen_types and seen_types[cls] > 1:
            name = f"{name}-{seen_types[cls] - 1}"
        groups = optimizer.param_groups
        out.setdefault(id(optimizer), [_suffix(name, groups, i) for i in range(len(groups))])

    for config in configs:
        opt = config.scheduler.optimizer
        named = config.name is not None
        add(opt, config.name if named else "lr-" + type(opt).__name__, named)
    for optimizer in optimizers:
        optimizer = optimizer.optimizer if hasattr(optimizer, "optimizer") else optimizer
        if any(optimizer is s for s in seen):
            continue
        add(optimizer, "lr-" + type(optimizer).__name__, False)
    return out
