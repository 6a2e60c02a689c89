"""The LR range test's result: the curve read by the suggestion rules, the 1cycle and cyclical bounds, the figure."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .. import _validate as V
from . import _rules
from ._curve import SweepResult, fmt
from ._options import LROptions
from ._rules import DEFAULT_METHOD, METHODS

__all__ = ["RangeTestResult"]


@dataclass(frozen=True, eq=False, repr=False)
class RangeTestResult(SweepResult):
    """The curve of one LR range test and the rules that read it.

    One entry per optimizer step in each of ``lrs``, ``losses`` (raw; under DDP the mean over ranks),
    ``smoothed`` (bias-corrected EMA of ``losses`` with factor ``smoothing``) and ``momentums`` (the
    momentum or Adam beta1 of param group 0 at that step, None for optimizers without one). ``lrs`` are
    those of param group 0; other groups were swept in proportion. If the loss became NaN/inf, that point
    is the last one and the rules use the points before it. A momentum sweep's result is a
    :class:`~lightning_lr.tuner.MomentumRangeTestResult`.

    Args:
        lrs: learning rate of param group 0 at each step.
        losses: raw loss at each step (the validation loss when ``val_loss`` is True).
        momentums: momentum / beta1 at each step, or None entries.
        mode: ``"exponential"`` or ``"linear"``: how the LR grew.
        smoothing: EMA factor in [0, 1) used for ``smoothed``.
        num_steps: the steps the sweep was asked for (more than ``len(lrs)`` when it stopped early).
        stop_reason: ``"completed"``, ``"diverged"`` (smoothed loss above the early-stop threshold) or
            ``"non-finite loss"``.
        val_loss: whether ``losses`` are validation losses (Smith's mode).
        weight_decay: the weight decay of the sweep, when it was one of several (``weight_decays=[...]``).

    Example:
        >>> import numpy as np
        >>> lrs = np.logspace(-5, 0, 30)
        >>> losses = 2.0 - 1.5 / (1 + np.exp(-(np.log10(lrs) + 2.5) * 4)) + np.exp(np.log10(lrs) * 3)
        >>> r = RangeTestResult(lrs, losses, [0.9] * 30, smoothing=0.0)
        >>> 1e-4 < r.suggestion() < 1e-1
        True
        >>> r.suggestion("minimum") == r.lrs[int(np.argmin(r.smoothed))] / 10
        True
        >>> base, top = r.cyclic_bounds()
        >>> top / base
        4.0
    """

    lrs: tuple[float, ...]
    losses: tuple[float, ...]
    momentums: tuple[float | None, ...]
    mode: str = LROptions.mode
    smoothing: float = LROptions.smoothing
    num_steps: int | None = None
    stop_reason: str = "completed"
    val_loss: bool = False
    weight_decay: float | None = None
    smoothed: tuple[float, ...] = field(init=False)

    param: ClassVar[str] = "lr"
    #: the rule ``suggestion()`` applies without a ``method`` (the range test can hand schedule callbacks a
    #: copy that answers with the rule it was asked for)
    _default_rule: ClassVar[str] = DEFAULT_METHOD

    def __post_init__(self) -> None:
        self._check()
        object.__setattr__(
            self, "weight_decay", V.optional(V.non_negative, "weight_decay", self.weight_decay)
        )

    def _weight_decay(self) -> float | None:
        return self.weight_decay

    @classmethod
    def _from_fields(cls, data: Mapping[str, Any]) -> RangeTestResult:
        return cls(
            lrs=data["lrs"],
            losses=data["losses"],
            momentums=data["momentums"],
            mode=data["mode"],
            smoothing=data["smoothing"],
            num_steps=data["num_steps"],
            stop_reason=data["stop_reason"],
            val_loss=bool(data.get("val_loss", False)),
            weight_decay=data.get("weight_decay"),
        )

    # --- rules ----------------------------------------------------------------------------------
    def _pick(self, method: str | None) -> tuple[float | None, str]:
        method = self._default_rule if method is None else method
        p = _rules.pick(method, self.lrs, self.losses)
        if p.index is None:
            return None, p.reason
        lr = self.lrs[p.index]
        return (lr / 10.0 if method == "minimum" else lr), ""

    def suggestion(self, method: str | None = None) -> float | None:
        """The suggested learning rate by rule ``method``, or None (with a warning that says why).

        Rules, all on the finite part of the raw losses over log LR, read through a centred moving
        average of a quarter decade each side (``_rules.zero_lag``; it has no lag, unlike ``smoothed``):

        - ``"valley"``: the middle of the longest valley (longest decreasing run, bumps allowed) in the
          descent, the stretch before the minimum that has fallen 10% of the drop.
        - ``"steepest"``: the steepest descent, searched in that stretch.
        - ``"minimum"``: a tenth of the LR of lowest loss.
        - ``"slide"``: fastai's sliding window, made independent of the loss's scale.

        None (the default) is ``"minimum"`` (``DEFAULT_METHOD``), the rule that wins the suggestion-quality
        benchmark (``benchmarks/range_test_quality.py``).

        Example:
            >>> r = RangeTestResult([1e-4, 1e-3, 1e-2, 1e-1, 1.0], [3.0] * 5, [None] * 5)
            >>> import warnings
            >>> with warnings.catch_warnings(record=True) as caught:
            ...     warnings.simplefilter("always")
            ...     print(r.suggestion())
            None
            >>> "never fell" in str(caught[0].message)
            True
        """
        value, reason = self._pick(method)
        if value is None:
            name = self._default_rule if method is None else method
            warnings.warn(f"no lr suggestion (method={name!r}): {reason}", UserWarning, stacklevel=2)
        return value

    def suggestions(self) -> dict[str, float | None]:
        """Every rule's suggestion, without warnings (None where a rule has no answer).

        Example:
            >>> r = RangeTestResult([1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.5, 1.0, 1.2, 5.0], [None] * 5, smoothing=0)
            >>> r.suggestions()["minimum"]
            0.01
        """
        return {m: self._pick(m)[0] for m in METHODS}

    def one_cycle_max_lr(self) -> float | None:
        """The maximum LR for the 1cycle policy: where the loss still falls.

        Smith (2018) takes the largest LR at which the loss still decreases. On the smoothed curve that is
        the knee: the first LR where the smoothed loss has completed 90% of its drop to the minimum (the
        EMA lags the raw loss, so the smoothed minimum itself sits where the raw loss already rises).
        None, with a warning, when the loss never fell.

        Example:
            >>> r = RangeTestResult([1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.9, 1.2, 1.05, 1.0, 4.0],
            ...                     [None] * 6, smoothing=0)
            >>> r.one_cycle_max_lr()
            0.1
        """
        p = _rules.knee(self.lrs, self.smoothed)
        if p.index is None:
            warnings.warn(f"no one_cycle_max_lr: {p.reason}", UserWarning, stacklevel=2)
            return None
        return self.lrs[p.index]

    def cyclic_bounds(self, ratio: float = 4.0) -> tuple[float, float] | None:
        """``(base_lr, max_lr)`` for a cyclical LR: ``max_lr = one_cycle_max_lr()``, ``base_lr = max_lr / ratio``.

        Smith (2017) bounds the cycle by where the loss starts to fall and where it stops falling, and
        recommends ``base_lr`` = 1/3 to 1/4 of ``max_lr``. The LR where the loss starts to fall is usually
        orders of magnitude lower, and a cycle that wide spends most of its time at LRs that barely train,
        so the upper bound comes from the curve (the knee, as for 1cycle) and the lower from the ratio.

        Args:
            ratio: ``max_lr / base_lr``, > 1 (Smith: 3 to 4).

        Example:
            >>> r = RangeTestResult([1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.9, 1.2, 1.05, 1.0, 4.0],
            ...                     [None] * 6, smoothing=0)
            >>> r.cyclic_bounds(ratio=4)
            (0.025, 0.1)
        """
        allowed = "a number > 1 (max_lr / base_lr)"
        if V.finite("ratio", ratio, allowed) <= 1:
            V.fail("ratio", allowed, ratio)
        p = _rules.knee(self.lrs, self.smoothed)
        if p.index is None:
            warnings.warn(f"no cyclic_bounds: {p.reason}", UserWarning, stacklevel=2)
            return None
        top = self.lrs[p.index]
        return top / float(ratio), top

    # --- figure ---------------------------------------------------------------------------------
    def plot(self, suggest: bool = True, method: str | None = None, ax: Any = None, raw: bool = True) -> Any:
        """The loss against the LR (log x axis in exponential mode), the suggestion and 1cycle max LR marked.

        Args:
            suggest: mark the suggestion of ``method`` and the 1cycle max LR.
            method: the rule to mark (None: the default rule).
            ax: a matplotlib Axes to draw into; a new figure when None.
            raw: also draw the raw losses (faint) under the smoothed curve.

        Returns:
            The matplotlib Figure.

        Example:
            >>> r = RangeTestResult([1e-3, 1e-2, 1e-1, 1.0, 10.0], [2.0, 1.5, 1.0, 1.2, 5.0], [None] * 5)
            >>> fig = r.plot(suggest=False)
            >>> fig.axes[0].get_xscale()
            'log'
        """
        from ..plotting import range_test_figure

        value = top = None
        if suggest:
            value = self.suggestion(method)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                top = self.one_cycle_max_lr()
        return range_test_figure(
            self.lrs,
            self.losses,
            self.smoothed,
            smoothing=self.smoothing,
            log_x=self.mode == "exponential",
            x_label="learning rate",
            y_label=self._y_label(),
            suggestion=value,
            rule=self._default_rule if method is None else method,
            max_lr=top,
            title=self._title("LR range test"),
            ax=ax,
            raw=raw,
        )

    def __repr__(self) -> str:
        parts = self._repr_parts(self.lrs)
        parts.append(f"suggestion({self._default_rule})={fmt(self._pick(None)[0])}")
        return f"RangeTestResult({', '.join(parts)})"
