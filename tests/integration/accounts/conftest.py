"""Fixtures of the social sign-in tests: the providers' settings pointing at the live sandbox, a fresh sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from marketsync.cli.demo import social_login_environment
from marketsync.sandbox.server import ServerThread
from marketsync.sandbox.telegram.state import DEMO_BOT_TOKEN
from marketsync.settings import get_settings
from marketsync.web.app import create_app


@pytest.fixture
def social_env(env: dict[str, str], sandbox: ServerThread, sandbox_state: Any,
               monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Every provider configured against the sandbox (as demo mode does), BASE_URL the test client's."""
    values = {**social_login_environment(f"{sandbox.url}/oauth"), "BASE_URL": "http://testserver",
              "BOT_TOKEN": DEMO_BOT_TOKEN, "TELEGRAM_BOT_USERNAME": "marketsync_demo_bot"}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    return values


@pytest.fixture
def social_client(social_env: dict[str, str], sqlite_engine: Engine) -> Iterator[TestClient]:
    """A browser on our app in English (messages are asserted), redirects not followed."""
    with TestClient(create_app(), follow_redirects=False) as test_client:
        test_client.cookies.set("ms_lang", "en")
        yield test_client
