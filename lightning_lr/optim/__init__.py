"""Torch adapter: :class:`ScheduleLR` applies pure schedules to an optimizer's param groups."""

from .schedule_lr import ScheduleLR, momentum_key

__all__ = ["ScheduleLR", "momentum_key"]
