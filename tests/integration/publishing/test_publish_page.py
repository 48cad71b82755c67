"""The /hub/publish page: each marketplace's accepted and refused cards after a publish, with the marketplace's
words; "publish now" queues a publish that sends the cards; another cabinet sees none of it."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from browser import sign_in, submit
from marketsync.publishing.service import publish

from .test_publish_cards import FAST, _map


def test_the_page_shows_a_publish_and_queues_another(client: TestClient, catalog: int, sqlite_engine: Engine,
                                                     sandbox_state: Any, tasks_run_here: None) -> None:
    _map(sqlite_engine, catalog, "ozon")
    sandbox_state.ozon.import_processing_s = 0
    sandbox_state.faults.configure("ozon", rate=0.0)
    page = client.get("/hub/publish")
    assert page.status_code == 200 and 'data-channel="ozon"' in page.text
    assert re.search(r'data-state="accepted">0<', page.text)

    response = submit(client, "/hub/publish/ozon")
    assert response.status_code == 303
    page = client.get("/hub/publish")
    assert re.search(r'data-state="accepted">2<', page.text), "the queued publish ran and its cards were accepted"
    assert submit(client, "/hub/publish/nowhere").status_code == 404


def test_another_cabinet_sees_nothing_of_it(client: TestClient, catalog: int, sqlite_engine: Engine,
                                            make_seller: Any) -> None:
    _map(sqlite_engine, catalog, "ym")
    publish(sqlite_engine, account_id=catalog, channel="ym", poller=FAST)
    make_seller("other@example.ru")
    other = TestClient(client.app, follow_redirects=False)
    sign_in(other, "other@example.ru")
    page = other.get("/hub/publish")
    assert page.status_code == 200 and "PAN-1" not in page.text
    assert 'data-state="accepted"' not in page.text, "its own marketplaces are not connected: no counts of ours"
