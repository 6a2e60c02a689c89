"""The LR range test: one core, two entry points (``Tuner.lr_range_test`` and the ``LRRangeTest`` callback).

- :class:`Tuner`: Lightning's Tuner with :meth:`~Tuner.lr_range_test` and :meth:`~Tuner.momentum_range_test`.
- :class:`LRRangeTest`: the same test as a callback, at the start of fit or of chosen epochs.
- :class:`RangeTestResult`: an LR sweep's curve, the suggestion rules (:data:`METHODS`), bounds for 1cycle
  and cyclical LRs, figures and JSON files; :class:`WeightDecayResult` for ``weight_decays=[...]``;
  :class:`MomentumRangeTestResult` for :meth:`~Tuner.momentum_range_test`.
- :class:`Confirmation` and :class:`Candidate`: the confirmation stage a result holds (``result.confirmation``).
- :class:`UnusedArgumentWarning`: the category of the warning that names an argument a call cannot use
  (``one_cycle_max_lr``'s shape arguments under the ``minimum`` rule), to filter it by.
"""

from .._validate import UnusedArgumentWarning
from ._confirm import Candidate, Confirmation
from ._momentum import MomentumRangeTestResult
from ._result import RangeTestResult
from ._rules import DEFAULT_METHOD, METHODS
from ._weight_decay import WeightDecayResult
from .callback import LRRangeTest
from .tuner import Tuner

__all__ = [
    "DEFAULT_METHOD",
    "METHODS",
    "Candidate",
    "Confirmation",
    "LRRangeTest",
    "MomentumRangeTestResult",
    "RangeTestResult",
    "Tuner",
    "UnusedArgumentWarning",
    "WeightDecayResult",
]
