"""Matplotlib figures. matplotlib is an optional dependency (``pip install lightning_lr[plot]``) and is
imported only when a figure is made."""

from __future__ import annotations

from typing import Any

__all__ = ["pyplot"]


def pyplot() -> Any:
    """``matplotlib.pyplot`` with the non-interactive Agg backend, or an ImportError that says what to
    install."""
    try:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "figures need matplotlib: pip install 'lightning_lr[plot]' (or pip install matplotlib)"
        ) from exc
    return plt


# ---------------------------------------------------------------------------------------------
# Schedule figures (LR and momentum previews)
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# Range-test figures (LR vs loss, suggestions)
# ---------------------------------------------------------------------------------------------
