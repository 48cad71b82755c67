"""Casdoor bridge fixtures: the sandbox Casdoor our settings point at, tasks run in the test's process."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine

from casdoor_world import Casdoor, configure_casdoor
from marketsync.sandbox.server import ServerThread


@pytest.fixture
def casdoor_on(env: dict[str, str], sandbox: ServerThread, sandbox_state: Any, monkeypatch: pytest.MonkeyPatch,
               tasks_run_here: None) -> Casdoor:
    """The sandbox Casdoor with our application; the mirror tasks queued after a commit run at once, here."""
    return configure_casdoor(sandbox.url, sandbox_state, monkeypatch)


@pytest.fixture
def casdoor(casdoor_on: Casdoor, sqlite_engine: Engine) -> Casdoor:
    """The same, on a fresh SQLite database."""
    return casdoor_on
