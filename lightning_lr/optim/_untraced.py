"""A scheduler's step runs outside ``torch.compile``, as torch's own schedulers do.

torch's dynamo never traces ``torch/optim/lr_scheduler.py`` (its ``FORCE_SKIP_FILES``): a torch scheduler stepped
in a compiled function (the compiled optimizer's pattern, ``opt.step(); sched.step()`` under ``@torch.compile``)
runs eagerly, between graphs. Ours lives elsewhere, so dynamo traced it and compiled the functions it calls,
and their writes of a param group's LR, momentum or betas made dynamo copy its traced group back over the
real one, with the ``capturable=True`` it gives its trace of ``param_groups``: on CPU, Adam then refused every
later step ("If capturable=True, params and state_steps must be on supported devices"), and SGD groups kept
a stray ``capturable`` key (review 125).

Two parts, and an eager step pays for one C call (a few hundredths of a microsecond):
- :func:`untraced` marks a step the way ``torch.compiler.disable`` marks what it wraps, without a wrapper, so
  dynamo does not inline it into a graph but calls it between graphs;
- there, dynamo's frame callback is still set (it would compile the frames the step calls), which
  :func:`frame_callback` tells; the step then goes through :func:`step_eagerly`, which dynamo runs with its
  callback off, so the step runs as in eager code, once. In eager code the callback is None, and in dynamo's
  "run only" mode False (:data:`EAGER`): nothing new is compiled there, so the step runs in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import torch

__all__ = ["EAGER", "frame_callback", "step_eagerly", "untraced"]

F = TypeVar("F", bound=Callable[..., Any])

#: torch's own wrapper for functions dynamo must not trace (it imports dynamo on its first call, which an
#: optimizer's step has done by then)
_disable: Callable[[Callable[..., None]], Callable[..., None]] | None = getattr(
    torch, "_disable_dynamo", None
)
#: dynamo's frame callback, None in eager code; a torch without it (or without ``_disable_dynamo``) steps in place
frame_callback: Callable[[], Any] = getattr(
    getattr(getattr(torch._C, "_dynamo", None), "eval_frame", None), "get_eval_frame_callback", lambda: None
)
if _disable is None:
    frame_callback = lambda: None  # noqa: E731
#: the callbacks under which no frame is compiled: None (eager code) and False (dynamo's "run only" mode, which
#: runs compiled code but compiles nothing new: ``set_stance("eager_on_recompile")`` sets it, also inside
#: :func:`step_eagerly`, so a step under it runs in place; review 126: rerouted again, it recursed)
EAGER: list[Any] = [None, False]


def untraced(step: F) -> F:
    """Mark ``step`` as one dynamo calls between graphs instead of inlining (the mark
    ``torch.compiler.disable`` sets on its wrapper): a step inlined into a graph would reach
    :func:`frame_callback` while tracing, which dynamo cannot trace."""
    step._torchdynamo_disable = True  # type: ignore[attr-defined]
    step._torchdynamo_disable_msg = "a scheduler steps outside the graph, as torch's do"  # type: ignore[attr-defined]
    return step


def _step(scheduler: Any, epoch: Any) -> None:
    callback = frame_callback()
    if callback not in EAGER:
        # a callback this module does not know (a torch to come) is still set where dynamo is off: steps under
        # it run in place from now on, as before this module, rather than being rerouted again and again
        # (review 126: a RecursionError)
        EAGER.append(callback)
    scheduler.step() if epoch is None else scheduler.step(epoch)


#: ``scheduler.step(epoch)`` outside any graph, with dynamo's callback off (so :func:`frame_callback` is in
#: :data:`EAGER` in it)
step_eagerly = _step if _disable is None else _disable(_step)
