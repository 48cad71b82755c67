"""The sandbox Casdoor our settings point at in tests, and how a test reads what it holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from marketsync.casdoor import hooks
from marketsync.http import reset_breakers
from marketsync.settings import get_settings

CLIENT_ID = "ms-test-client"
CLIENT_SECRET = "ms-test-casdoor-secret-0123456789"
ORGANIZATION = "marketsync"
APPLICATION = "marketsync-cabinet"


@dataclass
class Casdoor:
    """The sandbox Casdoor of one test."""

    state: Any  # the whole SandboxState (faults live there)
    url: str

    def user(self, user_id: int) -> dict[str, Any] | None:
        """What Casdoor holds for our user `user_id`."""
        return self.state.casdoor.get(f"{ORGANIZATION}/ms-{user_id}")

    def users(self) -> list[dict[str, Any]]:
        """Every user of our organization in Casdoor."""
        return self.state.casdoor.of_owner(ORGANIZATION)

    def writes(self, user_id: int) -> list[tuple[str, list[str]]]:
        """The add-user / update-user calls Casdoor took for this user, with their columns."""
        return [(action, columns) for action, key, columns in self.state.casdoor.writes
                if key == f"{ORGANIZATION}/ms-{user_id}"]

    def go_down(self) -> None:
        """Casdoor answers every request with a 500."""
        self.state.faults.configure("casdoor", rate=1.0, kinds=["500"])

    def come_back(self) -> None:
        """Casdoor answers again (and, as 30 s after a failure, our circuit breaker lets requests through)."""
        self.state.faults.clear("casdoor")
        reset_breakers()


def configure_casdoor(sandbox_url: str, sandbox_state: Any, monkeypatch: pytest.MonkeyPatch) -> Casdoor:
    """Register our application in the sandbox Casdoor, point the settings at it, install the bridge's hooks."""
    sandbox_state.casdoor.add_app(CLIENT_ID, CLIENT_SECRET, ORGANIZATION, APPLICATION)
    url = f"{sandbox_url}/casdoor"
    for key, value in {"CASDOOR_URL": url, "CASDOOR_CLIENT_ID": CLIENT_ID, "CASDOOR_CLIENT_SECRET": CLIENT_SECRET,
                       "CASDOOR_ORGANIZATION": ORGANIZATION, "CASDOOR_APPLICATION": APPLICATION,
                       "HTTP_BACKOFF_INITIAL_SECONDS": "0.01", "HTTP_BACKOFF_MAX_SECONDS": "0.05"}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    reset_breakers()
    hooks.install()
    return Casdoor(sandbox_state, url)
