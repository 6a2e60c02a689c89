"""Helpers shared by every test folder (the root conftest puts ``tests/`` on the path: ``import support``).

Importing it also makes every process that does (the tests' own, and the processes a ``ddp_spawn`` fit
starts, which import the test modules and helpers to unpickle the fit's objects) destroy its
``torch.distributed`` process group when it exits, before the interpreter shuts down. Lightning leaves a
gloo group to the interpreter's shutdown, and a spawned process whose gloo threads still held work then
can abort at exit (``terminate called without an active exception``, SIGABRT): once in CI, in a test whose
fit had finished and passed its checks.
"""

from __future__ import annotations

import atexit


def _destroy_process_group() -> None:
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


atexit.register(_destroy_process_group)
