"""Root conftest: keeps doctests and tests off the GPU, on one torch thread and quiet about Lightning's hints,
puts the shared test helpers (``tests/support``) on the path, and offers fixtures that depend on what the
installed Lightning does."""

import os
import sys

import pytest

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("PL_DISABLE_FORK", "0")
# One torch thread in every test process and every process it starts (the DDP tests' ranks, the scripts), set
# before torch loads. The tests' models are tiny, and two busy cores make OpenMP's spin-waits very slow. It
# also keeps the DDP tests' forked ranks (support.trainers.DDP) safe: a process forked from one whose OpenMP
# had started a pool of threads hangs in its first matrix product (seen: MKL's sgemm waiting in libgomp).
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "tests"))


@pytest.fixture
def exact_mid_epoch_resume() -> None:
    """Skip a test that compares a resumed fit with an uninterrupted one where Lightning's own mid-epoch resume
    is not exact (Lightning 2.4 takes an extra optimizer step, with or without lightning_lr)."""
    from support.lightning_behaviour import mid_epoch_resume_is_exact

    if not mid_epoch_resume_is_exact():
        import lightning

        pytest.skip(
            f"lightning {lightning.__version__} takes an extra optimizer step when it resumes mid-epoch, "
            f"with or without lightning_lr (measured by a plain Lightning run)"
        )


#: the loggers whose levels a test may change in passing (the benchmark scripts' ``quiet()``, the demo)
_LOGGERS = (
    "lightning",
    "lightning.pytorch",
    "lightning.fabric",
    "lightning_lr",
    "pytorch_lightning",
    "lightning_fabric",
)


@pytest.fixture(autouse=True)
def _logging_levels_as_found() -> object:
    """Every test leaves Lightning's loggers at the levels it found: a benchmark's ``main()`` run in-process
    sets them to ERROR for good (its ``quiet()``), and the info lines later tests read in ``caplog`` vanished
    in that worker whenever Lightning's rank-zero messages went to ``lightning.pytorch``'s logger."""
    import logging

    levels = {name: logging.getLogger(name).level for name in _LOGGERS}
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture(autouse=True)
def _rngs_seeded() -> None:
    """Every test starts from Python's, numpy's and torch's RNGs seeded at 0, whatever its xdist worker ran
    before it: unseeded range tests drew their weights and batches from that, and their answers (a second try
    or none) followed the order, so make test failed on a test that passed alone (test_run_length's later-epoch
    test; test_confirm's per-group momentum test failed 1 run in 3 on its own, torch seeding each process at
    random). A test that seeds itself seeds again."""
    import random

    import numpy as np
    import torch

    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
