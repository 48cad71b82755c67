"""The stock settings on /stocks (reserve, interval, automatic switch per marketplace) and "sync stocks now"
when nothing can be synced."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from browser import submit
from marketsync.db import session_scope
from marketsync.stocks.models import StockConfig


def _configs(engine: Engine) -> dict[str, tuple[int, int, bool]]:
    with session_scope(engine) as session:
        return {c.system: (c.reserve, c.interval_seconds, c.enabled) for c in session.scalars(select(StockConfig))}


def test_a_marketplaces_reserve_interval_and_switch_are_saved(
        client: TestClient, seller: int, stock_world: Callable[..., Any], sqlite_engine: Engine) -> None:
    stock_world(seller)

    response = submit(client, "/stocks/settings/ozon", {"reserve": "2", "interval_hours": "1,5"})

    assert response.status_code == 303 and response.headers["location"] == "/stocks"
    assert _configs(sqlite_engine)["ozon"] == (2, 5400, False), "an unticked switch turns automatic pushes off"
    page = client.get("/stocks").text
    assert "Настройки остатков для Ozon сохранены." in page
    assert 'id="reserve-ozon" name="reserve"' in page and re.search(r'id="interval-ozon"[^>]*value="1,5"', page, re.S)
    assert _configs(sqlite_engine)["wildberries"] == (1, 6 * 3600, True), "other marketplaces keep theirs"


def test_a_bad_reserve_or_interval_saves_nothing_and_says_why(
        client: TestClient, seller: int, stock_world: Callable[..., Any], sqlite_engine: Engine) -> None:
    stock_world(seller)
    before = _configs(sqlite_engine)

    negative = submit(client, "/stocks/settings/ozon", {"reserve": "-1", "interval_hours": "6", "enabled": "1"})
    words = submit(client, "/stocks/settings/ozon", {"reserve": "два", "interval_hours": "6", "enabled": "1"})
    interval = submit(client, "/stocks/settings/wildberries", {"reserve": "0", "interval_hours": "0", "enabled": "1"})

    assert negative.status_code == words.status_code == interval.status_code == 400
    assert "Резерв — целое число единиц, 0 или больше." in negative.text and 'value="-1"' in negative.text
    assert 'id="settings-error-wildberries"' in interval.text and "Интервал — число часов" in interval.text
    assert _configs(sqlite_engine) == before


def test_settings_of_a_marketplace_not_connected_are_refused(
        client: TestClient, seller: int, stock_world: Callable[..., Any], sqlite_engine: Engine) -> None:
    stock_world(seller)

    assert submit(client, "/stocks/settings/yandex_market", {"reserve": "1", "interval_hours": "6"}).status_code == 404
    assert submit(client, "/stocks/settings/evotor", {"reserve": "1", "interval_hours": "6"}).status_code == 404
    assert "yandex_market" not in _configs(sqlite_engine)


def test_sync_now_without_a_marketplace_sends_the_seller_to_connect_one(client: TestClient, seller: int) -> None:
    response = submit(client, "/stocks/sync")

    assert response.status_code == 303 and response.headers["location"] == "/connections"
    assert "Сначала подключите Ozon, Wildberries или Яндекс Маркет." in client.get("/connections").text


def test_a_push_is_sent_only_once_the_asking_request_commits(
        sqlite_engine: Engine, stock_world: Callable[..., Any], sandbox_state: Any, tasks_run_here: None) -> None:
    from marketsync.db import session_factory
    from marketsync.stocks.service import request_push
    from marketsync.sync.models import SyncRun

    account_id = _account(sqlite_engine)
    stock_world(account_id)

    def runs() -> int:
        with session_scope(sqlite_engine) as session:
            return len(list(session.scalars(select(SyncRun).where(SyncRun.account_id == account_id))))

    session = session_factory(sqlite_engine)()
    try:
        request = request_push(session, account_id=account_id)
        assert request.systems == ["ozon", "wildberries"] and runs() == 0, "nothing is sent before the commit"
        session.rollback()
        session.commit()
        assert runs() == 0, "a rolled-back request sends nothing, even when the session commits later"
        request = request_push(session, account_id=account_id)
        session.commit()
    finally:
        session.close()
    # The worker (run here) read the source first: its run is there, whatever the fake Evotor token made of it.
    assert request.queued and runs() >= 1


def _account(engine: Engine) -> int:
    from marketsync.accounts.service import create_user, primary_account_id

    with session_scope(engine) as session:
        return primary_account_id(session, create_user(session, email="a@example.ru", password="password123").id)
