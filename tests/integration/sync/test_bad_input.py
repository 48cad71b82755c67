"""Bad answers from outside give a clear message and leave nothing half-written; secrets never reach the log."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import func, select

from builders import seed_catalog, seller
from marketsync.accounts.service import create_user, primary_account_id
from marketsync.catalog.models import Product
from marketsync.connections.models import ApiCall
from marketsync.connections.service import save_connection
from marketsync.db import session_scope
from marketsync.sandbox.server import ServerThread
from marketsync.settings import get_settings
from marketsync.sync.chain import sync_catalog
from marketsync.sync.filters import set_store


def broken_evotor() -> FastAPI:
    """An 'Evotor' whose product list is malformed after a good first page."""
    app = FastAPI()

    @app.get("/stores")
    def stores() -> JSONResponse:
        return JSONResponse({"items": [{"id": "s1", "name": "Склад"}], "paging": {}})

    @app.get("/stores/{store_id}/product-groups")
    def groups(store_id: str) -> JSONResponse:
        return JSONResponse({"items": [{"id": "g1", "name": "Сыры"}], "paging": {}})

    @app.get("/stores/{store_id}/products")
    def products(store_id: str, cursor: str | None = None) -> object:
        if cursor is None:
            return JSONResponse({"items": [{"id": "p1", "name": "Сыр", "price": 10, "parent_id": "g1"}],
                                 "paging": {"next_cursor": "2"}})
        if cursor == "2":
            return JSONResponse({"items": [{"name": "no id", "price": "not a number"}], "paging": {}})
        return PlainTextResponse("<html>oops</html>")

    return app


def test_malformed_source_answer_fails_the_run_clearly_and_writes_no_catalog(sqlite_engine, sandbox_state,
                                                                             monkeypatch: pytest.MonkeyPatch):
    catalog = seed_catalog(sandbox_state, groups=1, per_group=1)
    with ServerThread(broken_evotor()) as fake:
        monkeypatch.setenv("EVOTOR_API_URL", fake.url)
        get_settings.cache_clear()
        with session_scope(sqlite_engine) as session:
            user = create_user(session, email="bad@example.ru", password="password123")
            account = primary_account_id(session, user.id)
            save_connection(session, account_id=account, system="evotor", credentials={"token": "whatever-token"},
                            check=False)
            save_connection(session, account_id=account, system="vk",
                            credentials={"token": catalog.vk_token, "group_id": catalog.vk_group_id})
            set_store(session, account, "s1", enabled=True, all_groups=True)

        run = sync_catalog(sqlite_engine, account_id=account)

    assert run.status == "failed"
    assert "Evotor: unexpected answer for /stores/s1/products" in (run.error or "")
    with session_scope(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(Product)) == 0, "the good first page is not kept"
    assert sandbox_state.vk.items(catalog.vk_group_id) == []


def test_every_call_is_logged_without_its_token(sqlite_engine, sandbox_state):
    catalog = seed_catalog(sandbox_state, groups=1, per_group=2)
    account = seller(sqlite_engine, catalog)

    sync_catalog(sqlite_engine, account_id=account)

    with session_scope(sqlite_engine) as session:
        calls = list(session.scalars(select(ApiCall).where(ApiCall.account_id == account)))
    systems = {c.system for c in calls}
    assert systems == {"evotor", "vk"}
    assert any("market.add" in (c.request_body or "") for c in calls)
    for call in calls:
        text = " ".join(filter(None, [call.url, call.request_body, call.response_body, call.error]))
        assert catalog.vk_token not in text and catalog.evotor_token not in text


def test_connection_check_gives_up_after_two_attempts_when_the_api_is_down(env, sandbox_state):
    from marketsync.connections.service import CHECK_ATTEMPTS, check_credentials

    catalog = seed_catalog(sandbox_state, groups=1, per_group=1)
    sandbox_state.faults.configure("evotor", rate=1.0, kinds=["502"], seed=1)
    sandbox_state.stats.reset()

    result = check_credentials("evotor", {"token": catalog.evotor_token})

    assert not result.ok and "Evotor is not reachable" in result.message
    assert sandbox_state.stats.snapshot()["evotor"]["requests"] == CHECK_ATTEMPTS == 2
