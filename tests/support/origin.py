"""The check of the warning-origin tests (tuner/ and callbacks/test_warning_origin.py): what ``run`` warns of
points at the test's own file, the user's line, never at a file inside lightning_lr."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import lightning_lr

#: lightning_lr's folder: a warning whose file lies in it points inside the package
PACKAGE = str(Path(lightning_lr.__file__).parent)


def assert_said_at(here: str, run: Callable[[], None], said: str) -> None:
    """``run()`` gives a warning containing ``said``; it, and every other warning lightning_lr gave on the way,
    has ``here`` (the calling test's ``__file__``) as its file."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run()
    messages = [str(w.message)[:80] for w in caught]
    assert [w for w in caught if said in str(w.message)], messages  # the case gives the warning it is for
    ours = [w for w in caught if w.filename == here or w.filename.startswith(PACKAGE)]
    assert [(str(w.message)[:60], w.filename, w.lineno) for w in ours if w.filename != here] == []
    assert all(w.filename == here for w in caught if said in str(w.message))
