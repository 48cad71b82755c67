"""Fixtures of the CLI tests: an operator's user made with `marketsync user create`."""

from __future__ import annotations

import pytest
from cli_runner import EMAIL, cli


@pytest.fixture
def user(sqlite_engine):  # type: ignore[no-untyped-def]
    """Create a user through the CLI; return their e-mail."""
    code, out = cli("user", "create", EMAIL, "--password", "password123")
    assert code == 0, out
    return EMAIL
