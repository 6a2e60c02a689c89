"""The momentum range test's result: the loss against the momentum, its one rule and its figure."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .. import _lightning_compat as L
from .. import _validate as V
from . import _rules
from ._curve import SweepResult, fmt, short
from ._options import MomentumOptions

__all__ = ["MomentumRangeTestResult"]

RULE = "minimum"


@dataclass(frozen=True, eq=False, repr=False)
class MomentumRangeTestResult(SweepResult):
    """The curve of one momentum range test (Smith 2018): the momentum (or Adam beta1) of every param
    group grew at a fixed LR, and the loss of each step was recorded.

    One entry per optimizer step in each of ``momentums`` (the swept values), ``losses`` (raw; under DDP
    the mean over ranks), ``smoothed`` (bias-corrected EMA of ``losses``) and ``lrs`` (the LR of the param
    group with the largest LR, the same at every step). The one rule, ``"minimum"``, is the momentum of lowest smoothed loss.

    Args:
        momentums: momentum / beta1 at each step.
        losses: raw loss at each step (the validation loss when ``val_loss`` is True).
        lrs: the (fixed) learning rate of the param group with the largest LR at each step.
        mode: ``"linear"`` or ``"exponential"``: how the momentum grew.
        smoothing: EMA factor in [0, 1) used for ``smoothed``.
        num_steps: the steps the sweep was asked for (more than ``len(momentums)`` when it stopped early).
        stop_reason: ``"completed"``, ``"diverged"`` or ``"non-finite loss"``.
        val_loss: whether ``losses`` are validation losses.

    Example:
        >>> import numpy as np
        >>> moms = np.linspace(0.8, 0.99, 20)
        >>> r = MomentumRangeTestResult(moms, (moms - 0.9) ** 2 + 1.0, [1e-2] * 20, smoothing=0)
        >>> round(r.suggestion(), 3)
        0.9
        >>> MomentumRangeTestResult.from_dict(r.to_dict()) == r
        True
    """

    momentums: tuple[float, ...]
    losses: tuple[float, ...]
    lrs: tuple[float, ...]
    mode: str = MomentumOptions.mode
    smoothing: float = MomentumOptions.smoothing
    num_steps: int | None = None
    stop_reason: str = "completed"
    val_loss: bool = False
    smoothed: tuple[float, ...] = field(init=False)

    param: ClassVar[str] = "momentum"
    _optional_momentums: ClassVar[bool] = False

    def __post_init__(self) -> None:
        self._check()
        # review 118: momentums of 1 and above, or out of order, were taken (from a JSON file too), as the
        # sweep itself refuses max_momentum >= 1
        swept = self.momentums
        for t, m in enumerate(swept):
            if not 0.0 <= m < 1.0:
                raise ValueError(
                    f"momentums must be in [0, 1) (the momentum or Adam beta1 of each step), got {m!r} at step "
                    f"{t} of {short(list(swept))}"
                )
        for t, (a, b) in enumerate(itertools.pairwise(swept), start=1):
            if b < a:
                raise ValueError(
                    f"momentums must not decrease (the sweep's momentums in the order it took them), got {b!r} "
                    f"after {a!r} at step {t} of {short(list(swept))}"
                )

    @classmethod
    def _from_fields(cls, data: Mapping[str, Any]) -> MomentumRangeTestResult:
        if data.get("weight_decay") is not None:
            raise ValueError(f"a momentum sweep has no weight_decay, got {data['weight_decay']!r}")
        return cls(
            momentums=data["momentums"],
            losses=data["losses"],
            lrs=data["lrs"],
            mode=data["mode"],
            smoothing=data["smoothing"],
            num_steps=data["num_steps"],
            stop_reason=data["stop_reason"],
            val_loss=data.get("val_loss", False),  # its check (review 108: bool("false") was True)
        )

    def _pick(self, method: str | None) -> tuple[float | None, str]:
        if method not in (None, RULE):
            raise (ValueError if isinstance(method, str) else TypeError)(
                f"a momentum sweep has one rule, method={RULE!r} (the momentum of lowest loss), got {method!r}"
            )
        stopped = self.stop_reason != "completed"
        p = _rules.lowest(self.momentums, self.smoothed, self.num_steps, stopped)
        if p.index is None:
            return None, p.reason
        value = self.momentums[p.index]
        if self._edge(value) == "top":
            # the last steps: at a held LR the model trains through the sweep, so its loss falls with the steps
            # whatever the momentum (review 88: 0.99 won for SGD, Adam and RMSprop alike, 16x worse on a grid
            # than 0.9), and a higher max_momentum would only move the answer up. Review 123: an answer the
            # warning said the sweep could not tell was still an answer; it is none now, as the LR test's
            return None, (
                f"the lowest loss is at the end of the sweep (momentum {value:.4g}): at the held LR the loss falls "
                f"with the steps whatever the momentum, so the sweep cannot tell. Keep the optimizer's (0.9 is the "
                f"usual), or compare a few in short fits"
            )
        return value, ""

    @property
    def reason(self) -> str:
        """Why :meth:`suggestion` is None, and what to do; "" when there is an answer. The warning of
        :meth:`suggestion` and the figure say the same. Read from the curve, as
        :attr:`RangeTestResult.reason <lightning_lr.RangeTestResult.reason>` is, so a result loaded from JSON
        (one written before it existed too) has it (review 138: the docs promised None "with the reason", and
        ``result.reason`` raised AttributeError).

        Example:
            >>> import numpy as np
            >>> moms = np.linspace(0.8, 0.99, 20)
            >>> MomentumRangeTestResult(moms, 2.0 - moms, [1e-2] * 20, smoothing=0).reason[:40]
            'the lowest loss is at the end of the swe'
        """
        value, why = self._pick(None)
        return "" if value is not None else why

    @V.said_of("suggestion")
    def suggestion(self, method: str | None = None) -> float | None:
        """The momentum of lowest smoothed loss (the one rule, ``method="minimum"``), or None with a warning (at
        the first call of this result; :attr:`reason` says it at any time) when no finite loss was recorded or
        the sweep stopped within its first tenth of steps, after which it is searched (a stopped sweep's last point, where it blew up, is not), or when that is the last momentum
        of a completed sweep, which the sweep cannot tell: the model trains through it at the held LR, so its
        loss falls with the steps whatever the momentum. When it is the first momentum searched, a warning says
        the best may lie below it (the answer is a bound) and how to search there."""
        value, reason = self._pick(method)
        if value is None:
            # once per result: no answer is this test's usual outcome (review 147: each call, print(r.suggestion())
            # then m = r.suggestion(), said 358 characters again); :attr:`reason` keeps it
            if not getattr(self, "_said_none", False):
                object.__setattr__(self, "_said_none", True)
                warnings.warn(
                    f"no momentum suggestion (method={RULE!r}): {reason}",
                    UserWarning,
                    stacklevel=L.user_stacklevel(),
                )
            return value
        if self._edge(value):  # the bottom: the top has no answer (``_pick``)
            bottom = self.momentums[0]
            warnings.warn(
                f"momentum range test: the lowest loss is at the first momentum the rule searches ({value:.4g}; "
                f"it skips the sweep's first tenth, from {bottom:.4g}, where the loss is an average of a few "
                f"batches), so the best momentum may lie below it and the suggestion is a bound; to search there, "
                f"run it again with a lower min_momentum",
                UserWarning,
                stacklevel=L.user_stacklevel(),
            )
        return value

    def _edge(self, value: float) -> str:
        """``"top"`` or ``"bottom"`` when ``value`` is the last momentum of a completed sweep or the first the
        rule searches (:func:`~._rules.search_start`), else ``""``."""
        if len(self.momentums) < 2:
            return ""
        if value == self.momentums[-1] and self.stop_reason == "completed":
            return "top"
        # the bottom also of a sweep that stopped: it began at min_momentum (review 91)
        start = _rules.search_start(len(self.momentums), self.num_steps)
        return "bottom" if start < len(self.momentums) and value == self.momentums[start] else ""

    def suggestions(self) -> dict[str, float | None]:
        """The one rule's suggestion, without warnings: ``{"minimum": value}``."""
        return {RULE: self._pick(None)[0]}

    @V.said_of("plot")
    def plot(self, suggest: bool = True, method: str | None = None, ax: Any = None, raw: bool = True) -> Any:
        """The loss against the momentum (linear x axis), the suggestion marked.

        Args:
            suggest: mark the suggestion.
            method: the rule to mark (only ``"minimum"``; None is the same).
            ax: a matplotlib Axes to draw into; a new figure when None.
            raw: also draw the raw losses (faint) under the smoothed curve.

        Returns:
            The matplotlib Figure.
        """
        from ..plotting import range_test_figure

        self._check_plot(suggest, method, ax, raw)
        # (why there is no answer is written on the figure, as the LR test's figure writes it, not warned)
        value, why = self._pick(method) if suggest else (None, "")
        return range_test_figure(
            self.momentums,
            self.losses,
            self.smoothed,
            smoothing=self.smoothing,
            log_x=False,
            x_label="momentum",
            y_label=self._y_label(),
            suggestion=value,
            no_answer=(why or None) if value is None else None,
            rule=RULE,
            title=self._title("momentum range test"),
            ax=ax,
            raw=raw,
        )

    def __repr__(self) -> str:
        parts = self._repr_parts(self.momentums)
        parts.append(f"suggestion={fmt(self._pick(None)[0])}")
        return f"MomentumRangeTestResult({', '.join(parts)})"
