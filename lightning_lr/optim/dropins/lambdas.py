"""The drop-ins driven by the user's functions of the step: LambdaLR and MultiplicativeLR."""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any, ClassVar

from torch.optim import Optimizer

from ..._validate import known_as
from ...schedules import Lambda, Multiplicative
from ...schedules._base import checked_output
from ..schedule_lr import ScheduleSpec, check_optimizer
from . import _peers as peers
from ._args import per_group, torch_names
from ._base import AbsoluteDropIn, DropIn

__all__ = ["LambdaLR", "MultiplicativeLR"]

Fn = Callable[[int], float]


def _given(lr_lambda: Fn | list[Fn], n: int) -> list[tuple[str, Fn]]:
    return per_group("lr_lambda", lr_lambda, n, what="function")


class _Functions:
    """torch's state for user functions: a callable object's ``__dict__`` is saved and restored, a plain
    function (or lambda) or a builtin (math.exp) is not (its place holds None; torch fails on a builtin)."""

    lr_lambdas: list[Fn]
    settings_keys: ClassVar[tuple[str, ...]] = ("lr_lambdas",)

    def _settings(self) -> dict[str, Any]:
        return {
            "lr_lambdas": [
                None if not hasattr(f, "__dict__") or isinstance(f, types.FunctionType) else dict(f.__dict__)
                for f in self.lr_lambdas
            ]
        }

    def _built(self, make: Callable[[Any], Any], token: str) -> list[Any]:
        """The schedules of :attr:`lr_lambdas` as they are now (assigned during the run, ``sched.lr_lambdas =
        [...]``, torch's step reads them afresh), built by ``make``: a wrong one is said of ``lr_lambdas[i]``
        (``token``: the schedule's name of its function) where the constructor's keep its argument's name
        (r160: ``lr_lambdas = [5]`` was said of ``Lambda: fn``, two functions for one group of ``lr``)."""
        fns, n = self.lr_lambdas, self._own_groups()  # type: ignore[attr-defined]
        if not isinstance(fns, list | tuple) or len(fns) != n:
            shown = f"{type(fns).__name__} of {len(fns)}" if isinstance(fns, list | tuple) else repr(fns)
            raise (ValueError if isinstance(fns, list | tuple) else TypeError)(
                f"lr_lambdas must be a list of {n} function{'' if n == 1 else 's'}, one per param group, got {shown}"
            )
        known = {id(f): name for f, name in self._functions}  # type: ignore[has-type]
        named = [(f, known.get(id(f), f"lr_lambdas[{i}]")) for i, f in enumerate(fns)]
        built = []
        for f, name in named:
            with torch_names({token: name}):
                built.append(make(f))
        self._functions = named
        return built

    def _load_settings(self, state_dict: dict[str, Any], base_lrs: list[Any]) -> None:
        saved = state_dict.get("lr_lambdas") or []
        changed = False
        # a scheduler built on an optimizer rebuilt with groups the checkpoint's had adopted in training: those
        # follow their reference again, and their own functions go (review 80: they made one schedule too many;
        # review 81: trimmed only for functions with a state)
        own = self._own_groups()  # type: ignore[attr-defined]
        self.lr_lambdas = self.lr_lambdas[:own]
        self._functions = self._functions[:own]
        for f, attrs in zip(self.lr_lambdas, saved, strict=False):
            if attrs is not None:
                f.__dict__.update(attrs)
                changed = True
        if changed:  # the functions' state changed: forget every value computed with the old one
            self._configure(*self._build())  # type: ignore[attr-defined]


class LambdaLR(_Functions, AbsoluteDropIn):
    """Each group's LR is its initial LR times ``lr_lambda(step)``; a drop-in for
    ``torch.optim.lr_scheduler.LambdaLR`` (built on :class:`~lightning_lr.schedules.Lambda`).

    Args:
        optimizer: the wrapped optimizer.
        lr_lambda: a function of the step, or a list with one per param group.
        last_epoch: the step already taken, -1 for a fresh start.

    The function is called once per step (per distinct function), only for steps actually taken. As
    torch's, it writes the LR outright (another scheduler's change is overwritten at the next step), and
    ``state_dict()`` saves the ``__dict__`` of callable objects, not plain functions or lambdas: those
    come from the constructor when a checkpoint is loaded.

    Differences from torch: ``lr_lambda`` must be callable (TypeError at construction, not at the first
    step) and return a finite number >= 0 (a negative LR is an error; a one-element tensor or numpy array is
    the number it holds, as torch computes with it).

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        >>> def warmup(step):
        ...     return min(1.0, (step + 1) / 4)
        >>> sched = LambdaLR(opt, lr_lambda=warmup)
        >>> lrs = []
        >>> for _ in range(5):
        ...     lrs.append(round(opt.param_groups[0]["lr"], 6))
        ...     opt.step()
        ...     sched.step()
        >>> lrs
        [0.025, 0.05, 0.075, 0.1, 0.1]
    """

    watched_keys = ("lr_lambdas", "base_lrs")  # torch reads both at every step

    @known_as(peers.LAMBDA)
    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        groups = check_optimizer(optimizer, type(self).__name__)
        lambdas = []
        given = _given(lr_lambda, len(groups))
        for name, f in given:
            with torch_names({"fn": name}):
                lambdas.append(Lambda(f))
        self.lr_lambdas = [s.fn for s in lambdas]
        self._functions = [(f, name) for name, f in given]  # their errors name the argument
        super().__init__(optimizer, lr=lambdas, relative=True, last_epoch=last_epoch)

    def _build(self) -> tuple[ScheduleSpec, ScheduleSpec]:
        return self._built(Lambda, "fn"), None


class MultiplicativeLR(_Functions, DropIn):
    """Each group's LR is multiplied by ``lr_lambda(step)`` at every step: ``initial_lr * prod(lr_lambda(i)
    for i in 1..step)``; a drop-in for ``torch.optim.lr_scheduler.MultiplicativeLR`` (built on
    :class:`~lightning_lr.schedules.Multiplicative`).

    Args:
        optimizer: the wrapped optimizer.
        lr_lambda: a function of the step giving the factor, or a list with one per param group.
        last_epoch: the step already taken, -1 for a fresh start.

    The running product is kept, so stepping costs one call per step; a jump (``step(epoch)`` backwards,
    or a resume) recomputes the product from step 0 once. Stacked with other schedulers, it multiplies
    their LR by ``lr_lambda(step)``, as torch's. ``state_dict()`` saves the ``__dict__`` of callable
    objects, not plain functions or lambdas (as torch's): the function should be a pure function of the
    step.

    Differences from torch: factors must be finite and >= 0. ``step(epoch)`` (deprecated in torch) jumps
    exactly to ``initial_lr * prod(lr_lambda(i) for i in 1..epoch)``; torch multiplies the current LR by
    ``lr_lambda(epoch)`` once.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        >>> def halve(step):
        ...     return 0.5
        >>> sched = MultiplicativeLR(opt, lr_lambda=halve)
        >>> for _ in range(3):
        ...     opt.step()
        ...     sched.step()
        >>> opt.param_groups[0]["lr"]
        0.125
    """

    @known_as(peers.LAMBDA)
    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        groups = check_optimizer(optimizer, type(self).__name__)
        products = []
        given = _given(lr_lambda, len(groups))
        for name, f in given:
            with torch_names({"factor": name}):
                products.append(Multiplicative(1.0, f))
        self.lr_lambdas = [s.factor for s in products]
        self._functions = [(f, name) for name, f in given]  # their errors name the argument
        super().__init__(optimizer, lr=products, relative=True, last_epoch=last_epoch)

    def _build(self) -> tuple[ScheduleSpec, ScheduleSpec]:
        return self._built(lambda f: Multiplicative(1.0, f), "factor"), None

    def _factor(self, i: int, t: int) -> float:
        f = self.lr_lambdas[i]
        return checked_output("MultiplicativeLR", f, t, f(t), argument="lr_lambda")

    _scales_at_zero = True

    def _at_zero(self, i: int, cur: float) -> float:
        return cur * self._factor(i, 0)

    def _combine(self, cur: float, p: float, v: float, i: int, t: int) -> float:
        # torch multiplies by lr_lambda(t); v / p is the same number unless the product has reached 0
        return cur * self._factor(i, t) if p == 0.0 else super()._combine(cur, p, v, i, t)

    def _jump(self, t: int) -> None:
        # torch's SequentialLR at a milestone (_update_lr(0)): MultiplicativeLR has no closed form in torch,
        # which multiplies the current LR by lr_lambda(0)
        groups = self.optimizer.param_groups
        cur = [float(g["lr"]) for g in groups]
        self._apply(t)
        values = [x * self._factor(i, t) for i, x in enumerate(cur)]
        self._write(values)
        self._wrote = values
        self._refs = [None] * len(groups)
