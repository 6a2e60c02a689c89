"""Whether an optimizer's ``step`` runs torch's step hooks, which the range test counts its steps by and the
schedule callbacks count a manual optimization's steps by."""

from __future__ import annotations

from typing import Any

from torch.optim import Optimizer

__all__ = ["runs_step_hooks"]

#: the hook tables torch's hooked ``step`` reads (set by ``Optimizer.__init__``)
_TABLES = ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks")


def runs_step_hooks(optimizer: Optimizer) -> bool:
    """Whether ``optimizer.step`` runs the hooks of ``register_step_post_hook``.

    torch wraps an optimizer class's ``step`` to run them in ``Optimizer.__init__``, and also at the first
    ``zero_grad`` and when an optimizer is unpickled. A wrapper that takes another optimizer's
    ``param_groups`` and ``state`` without calling ``Optimizer.__init__``, and sets the hook tables on itself
    (a Lookahead), runs none until its first ``zero_grad``, and never when it overrides ``zero_grad``: such a
    class is wrapped here as torch's ``zero_grad`` does it. A wrapper that reaches the hook tables of the
    optimizer it wraps (``__getattr__`` delegation) registers its hooks there, where that optimizer's own step
    runs them: it is left as it is (r171: wrapped too, its hooks ran twice a step), and that optimizer, found
    among its attributes, is asked the same. False without hook tables, where no hook can be registered.
    """
    return _runs_step_hooks(optimizer, depth=0)


def _runs_step_hooks(optimizer: Any, depth: int) -> bool:
    if getattr(type(optimizer).step, "hooked", False):
        return True
    own = getattr(optimizer, "__dict__", {})
    if not all(table in own for table in _TABLES):
        if not all(hasattr(optimizer, table) for table in _TABLES):
            return False
        # the tables are another object's: the one among its attributes that holds them, asked the same (r173: a
        # delegating wrapper around a Lookahead was trusted, and the Lookahead's step ran no hook). One that
        # cannot be found is trusted, as before: its hooks run where its step leads
        tables = getattr(optimizer, _TABLES[1])
        owner = next(
            (v for v in own.values() if getattr(v, "__dict__", {}).get(_TABLES[1]) is tables),
            None,
        )
        return True if owner is None or depth >= 8 else _runs_step_hooks(owner, depth + 1)
    patch = getattr(type(optimizer), "_patch_step_function", None)
    if patch is None:
        return False
    patch(optimizer)
    return bool(getattr(type(optimizer).step, "hooked", False))
