"""Root conftest: keeps doctests and tests off the GPU and quiet about Lightning's hints, puts the shared test
helpers (``tests/support``) on the path, and offers fixtures that depend on what the installed Lightning does."""

import os
import sys

import pytest

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("PL_DISABLE_FORK", "0")
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
