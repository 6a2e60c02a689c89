"""The LR range test: one core, two entry points (``Tuner.lr_range_test`` and the ``LRRangeTest`` callback).

- :class:`Tuner`: Lightning's Tuner with :meth:`~Tuner.lr_range_test` and :meth:`~Tuner.momentum_range_test`.
- :class:`LRRangeTest`: the same test as a callback, at the start of fit or of chosen epochs.
- :class:`RangeTestResult`: the curve, the suggestion rules (:data:`METHODS`), bounds for 1cycle and
  cyclical LRs, figures and JSON files; :class:`WeightDecayResult` for ``weight_decays=[...]``.
"""

from ._result import RangeTestResult, WeightDecayResult
from ._rules import DEFAULT_METHOD, METHODS
from .callback import LRRangeTest
from .tuner import Tuner

__all__ = ["DEFAULT_METHOD", "METHODS", "LRRangeTest", "RangeTestResult", "Tuner", "WeightDecayResult"]
