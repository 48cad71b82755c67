"""The operator's read-only switch as the outbound HTTP client sees it: a check that marketsync.ops.service
installs in every process, asked before each write (so http.py still imports no database code)."""

from __future__ import annotations

from collections.abc import Callable

_guard: Callable[[], bool] | None = None


def set_write_guard(guard: Callable[[], bool] | None) -> None:
    """Install the check that refuses every write while it answers True (None: writes always go)."""
    global _guard
    _guard = guard


def writes_stopped() -> bool:
    """Whether the read-only switch stops writes now."""
    return _guard is not None and _guard()
