"""Whether an optimizer's ``step`` runs torch's step hooks, which the range test counts its steps by and the
schedule callbacks count a manual optimization's steps by."""

from __future__ import annotations

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
    runs them: it is left as it is (r171: wrapped too, its hooks ran twice a step). False without hook tables,
    where no hook can be registered.
    """
    if getattr(type(optimizer).step, "hooked", False):
        return True
    own = getattr(optimizer, "__dict__", {})
    if not all(table in own for table in _TABLES):
        return all(hasattr(optimizer, table) for table in _TABLES)
    patch = getattr(type(optimizer), "_patch_step_function", None)
    if patch is None:
        return False
    patch(optimizer)
    return bool(getattr(type(optimizer).step, "hooked", False))
