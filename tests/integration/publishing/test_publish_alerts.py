"""A queued publish that stops (the marketplace refused our key) alerts the cabinet once, by e-mail and Telegram;
a second failure of the same episode says nothing more; the next publish that runs closes it with a recovery."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from marketsync.connections.service import credentials_of, get_connection
from marketsync.db import session_scope
from marketsync.publishing import tasks
from marketsync.stocks.models import MonitorAlert
from stock_builders import Channels

from .test_publish_cards import _map


def test_a_stopped_publish_alerts_once_and_recovers(catalog: int, sqlite_engine: Engine, sandbox_state: Any,
                                                   channels: Channels) -> None:
    _map(sqlite_engine, catalog, "ozon")
    with session_scope(sqlite_engine) as session:
        key = credentials_of(get_connection(session, catalog, "ozon"))["api_key"]  # type: ignore[arg-type]
    sandbox_state.ozon.revoke_key(key)

    assert "Ozon" in tasks.publish_catalog(catalog, "ozon")
    assert len(channels.mails) == 1 and len(channels.telegrams) == 1
    assert "Ozon" in channels.telegrams[0]
    tasks.publish_catalog(catalog, "ozon")
    assert len(channels.mails) == 1 and len(channels.telegrams) == 1, "the same episode is not said again"

    sandbox_state.ozon.add_seller(int(credentials_of_connection(sqlite_engine, catalog)["client_id"]), key)
    assert tasks.publish_catalog(catalog, "ozon").startswith("created=2")
    with session_scope(sqlite_engine) as session:
        alert = session.scalar(select(MonitorAlert))
        assert alert is not None and alert.cleared_at is not None
    assert len(channels.mails) == 2 and len(channels.telegrams) == 2, "the recovery goes out"


def credentials_of_connection(engine: Engine, account_id: int) -> dict[str, Any]:
    """The stored Ozon credentials of the cabinet."""
    with session_scope(engine) as session:
        return credentials_of(get_connection(session, account_id, "ozon"))  # type: ignore[arg-type]
