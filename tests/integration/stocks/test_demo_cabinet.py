"""`make demo`'s account preparation through the web app's mounted sandbox, as demo mode runs it: the demo
cabinet ends connected to Evotor, VK, Ozon, Wildberries and Yandex Market (every emulated API takes the
connectors' POSTs without a CSRF token: they are servers' APIs, not forms)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine

from marketsync.cli.demo import DEMO_EMAIL, demo_environment, prepare_account
from marketsync.connections.service import connections_of
from marketsync.db import session_scope
from marketsync.sandbox.server import ServerThread
from marketsync.settings import get_settings
from marketsync.web.app import create_app


def test_the_demo_cabinet_is_connected_to_every_system(sqlite_engine: Engine, sandbox_state: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANDBOX_ENABLED", "1")
    get_settings.cache_clear()
    with ServerThread(create_app()) as web:
        host, port = web.url.removeprefix("http://").split(":")
        for key, value in demo_environment(host, int(port)).items():
            if key.endswith("_API_URL"):
                monkeypatch.setenv(key, value)
        get_settings.cache_clear()
        prepare_account(web.url)
    with session_scope(sqlite_engine) as session:
        from marketsync.accounts.service import account_for_email

        connected = connections_of(session, account_id=account_for_email(session, DEMO_EMAIL))
        assert {system: conn is not None and conn.status for system, conn in connected.items()} == {
            "evotor": "active", "vk": "active", "ozon": "active", "wildberries": "active", "yandex_market": "active"}
