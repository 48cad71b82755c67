"""The overview a seller lands on: what to do next, each connection's state, syncs, Evotor against VK."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from browser import sign_in, submit
from builders import seed_catalog, seller
from marketsync.connections.service import mark_broken
from marketsync.connectors.errors import ConfigError
from marketsync.db import session_scope
from marketsync.notices import of_error
from marketsync.sync.chain import sync_catalog
from marketsync.sync.models import SyncRun


def test_a_new_seller_lands_on_the_overview_and_is_told_to_connect_both_systems(client: TestClient,
                                                                                  make_seller) -> None:  # type: ignore[no-untyped-def]
    make_seller()
    response = submit(client, "/login", {"email": "seller@example.ru", "password": "correct-horse-42"})
    assert response.headers["location"] == "/"
    page = client.get("/").text
    assert "Что сделать дальше" in page
    assert "Подключите Эвотор" in page and "Подключите VK" in page
    assert page.count("Не подключено") == 2


def test_anyone_not_signed_in_is_sent_to_the_login_page(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 303 and response.headers["location"] == "/login"


def test_after_a_sync_the_overview_counts_evotor_against_vk_and_links_the_last_run(
        client: TestClient, sqlite_engine: Engine, sandbox_state) -> None:  # type: ignore[no-untyped-def]
    catalog = seed_catalog(sandbox_state, groups=2, per_group=3, not_for_sale=1)
    account_id = seller(sqlite_engine, catalog)
    run = sync_catalog(sqlite_engine, account_id=account_id)
    sign_in(client, "seller@example.ru", "password123")

    page = client.get("/").text

    assert "Что сделать дальше" not in page, "nothing is missing"
    assert f'href="/sync/runs/{run.id}"' in page
    assert f'href="/sync/runs/{run.id}?outcome=skipped">пропущено 2</a>' in page
    assert re.search(r'href="/catalog/stores">6</a>', page), "six products in Evotor"
    assert re.search(r'href="/vk-catalog/albums">4</a>', page), "four items shown in VK"
    data = json.loads(re.search(r'<script type="application/json" id="runs-chart-data">(.*?)</script>',
                                page, re.S).group(1))  # type: ignore[union-attr]
    assert len(data["labels"]) == 30 and sum(data["series"][0]["data"]) == 1
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in page
    assert client.get("/static/vendor/chartjs/chart.umd.min.js").status_code == 200


def test_a_broken_connection_says_why_and_what_to_do(client: TestClient, sqlite_engine: Engine,
                                                     sandbox_state) -> None:  # type: ignore[no-untyped-def]
    catalog = seed_catalog(sandbox_state, groups=1, per_group=1)
    account_id = seller(sqlite_engine, catalog)
    from marketsync.connections.service import connection_for

    with session_scope(sqlite_engine) as session:
        conn = connection_for(session, account_id, "catalog_channel")
        assert conn is not None
        mark_broken(conn, of_error(ConfigError("VK error 5: User authorization failed", code=5, key="token_rejected",
                                               params={"system": "vk", "code": 5,
                                                       "detail": "User authorization failed"})))
        session.add(SyncRun(account_id=account_id, pipeline="catalog", status="failed", failed=3, details={}))
    sign_in(client, "seller@example.ru", "password123")

    page = client.get("/").text

    assert "Переподключите VK" in page and "VK отклонил токен (код 5): User authorization failed" in page
    assert "Что сделать:</strong> Вставьте новый токен на странице подключений." in page
    assert "Требует внимания" in page
    assert "Посмотрите, почему не удалось опубликовать товаров: 3" in page
