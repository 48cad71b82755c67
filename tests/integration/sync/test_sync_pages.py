"""The sync page: settings validation, history, live progress of the seller's own runs, sync now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from browser import submit
from marketsync.db import session_scope, utcnow
from marketsync.sync.models import SyncConfig, SyncRun


def _config(engine: Engine, account_id: int) -> SyncConfig | None:
    with session_scope(engine) as session:
        return session.scalar(select(SyncConfig).where(SyncConfig.account_id == account_id))


def _run(engine: Engine, account_id: int, **fields: object) -> int:
    values: dict[str, object] = {"pipeline": "catalog", "status": "running", "stage": "mirror_catalog",
                                 "progress_done": 30, "progress_total": 120, "created": 3, "updated": 2,
                                 "details": {}, "started_at": utcnow(), "heartbeat_at": utcnow()}
    values.update(fields)
    with session_scope(engine) as session:
        run = SyncRun(account_id=account_id, **values)
        session.add(run)
        session.flush()
        return run.id


def test_sync_page_shows_the_default_settings(client: TestClient, seller: int) -> None:
    page = client.get("/sync")
    assert page.status_code == 200
    assert "Синхронизировать сейчас" in page.text
    assert 'value="1"' in page.text and "checked" in page.text


@pytest.mark.parametrize("bad", ["abc", "0", "100.01", "-1", "1,23456", ""])
def test_a_bad_price_multiplier_is_refused_and_nothing_is_saved(client: TestClient, seller: int,
                                                                sqlite_engine: Engine, bad: str) -> None:
    client.get("/sync")
    response = submit(client, "/sync/settings", {"price_multiplier": bad})
    assert response.status_code == 400
    assert "Множитель цены должен быть числом от 0,01 до 100" in response.text
    config = _config(sqlite_engine, seller)
    assert config is not None and config.price_multiplier == Decimal("1") and config.catalog_enabled


def test_a_price_multiplier_with_a_comma_is_saved(client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    response = submit(client, "/sync/settings", {"price_multiplier": "1,5", "catalog_enabled": "1"})
    assert response.status_code == 303 and response.headers["location"] == "/sync"
    config = _config(sqlite_engine, seller)
    assert config is not None and config.price_multiplier == Decimal("1.5") and config.catalog_enabled
    page = client.get("/sync")
    assert "Настройки синхронизации сохранены" in page.text and 'value="1,5"' in page.text


def test_unticking_the_switch_turns_the_automatic_sync_off(client: TestClient, seller: int,
                                                          sqlite_engine: Engine) -> None:
    submit(client, "/sync/settings", {"price_multiplier": "2"})
    config = _config(sqlite_engine, seller)
    assert config is not None and not config.catalog_enabled and config.price_multiplier == Decimal("2")


def test_progress_of_my_run_as_json_and_as_a_polling_fragment(client: TestClient, seller: int,
                                                              sqlite_engine: Engine) -> None:
    run_id = _run(sqlite_engine, seller)
    data = client.get(f"/sync/runs/{run_id}/progress", headers={"Accept": "application/json"}).json()
    assert data == {"id": run_id, "status": "running", "stage": "mirror_catalog", "done": 30, "total": 120,
                    "created": 3, "updated": 2, "hidden": 0, "skipped": 0, "failed": 0, "error": None}
    fragment = client.get(f"/sync/runs/{run_id}/progress", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert 'hx-trigger="every 1s"' in fragment.text and "Публикация в VK" in fragment.text
    assert "<html" not in fragment.text
    page = client.get("/sync")
    assert f'hx-get="/sync/runs/{run_id}/progress"' in page.text


def test_a_finished_run_stops_polling_and_shows_its_errors(client: TestClient, seller: int,
                                                           sqlite_engine: Engine) -> None:
    run_id = _run(sqlite_engine, seller, status="failed", stage=None, failed=2, finished_at=utcnow(),
                  error="VK refused two items", details={"errors": ["item 1: bad price", "item 2: no photo"]})
    fragment = client.get(f"/sync/runs/{run_id}/progress")
    assert "hx-trigger" not in fragment.text and "Синхронизация завершена" in fragment.text
    page = client.get("/sync")
    assert "VK refused two items" in page.text and "item 2: no photo" in page.text
    assert "Ошибка" in page.text


def test_another_cabinets_run_is_not_found(client: TestClient, seller: int, sqlite_engine: Engine,
                                           make_seller: Callable[..., tuple[int, int]]) -> None:
    _user, other_account = make_seller("other@example.ru")
    theirs = _run(sqlite_engine, other_account)
    response = client.get(f"/sync/runs/{theirs}/progress", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert client.get(f"/sync/runs/{theirs}/progress").status_code == 404
    assert client.get("/sync/runs/999999/progress").status_code == 404


def test_sync_now_without_connections_asks_to_connect_first(client: TestClient, seller: int,
                                                           sqlite_engine: Engine) -> None:
    response = submit(client, "/sync/now")
    assert response.status_code == 303 and response.headers["location"] == "/sync"
    assert "Сначала подключите Эвотор и ВКонтакте" in client.get("/sync").text
    answer = submit(client, "/sync/now", headers={"Accept": "application/json"})
    assert answer.status_code == 409 and answer.json()["ok"] is False
    with session_scope(sqlite_engine) as session:
        assert session.scalar(select(SyncRun)) is None


def test_a_run_whose_worker_died_is_shown_as_failed_not_running(client: TestClient, seller: int,
                                                                sqlite_engine: Engine) -> None:
    long_ago = utcnow() - timedelta(hours=2)
    run_id = _run(sqlite_engine, seller, started_at=long_ago, heartbeat_at=long_ago)
    data = client.get(f"/sync/runs/{run_id}/progress", headers={"Accept": "application/json"}).json()
    assert data["status"] == "failed" and data["error"]
    assert "hx-trigger" not in client.get("/sync").text


def test_vk_stock_is_fixed_by_default_and_can_follow_the_real_stock(client: TestClient, seller: int,
                                                                    sqlite_engine: Engine) -> None:
    page = client.get("/sync")
    assert "Остаток в VK" in page.text
    assert "Постоянный: 1000 у каждого товара (по умолчанию)" in page.text
    assert "Реальный остаток включённых магазинов" in page.text
    assert 'id="vk_stock_fixed" value="fixed" checked' in page.text
    assert 'id="vk_stock_real" value="real">' in page.text

    response = submit(client, "/sync/settings", {"price_multiplier": "1", "catalog_enabled": "1",
                                                 "vk_stock_mode": "real"})

    assert response.status_code == 303
    config = _config(sqlite_engine, seller)
    assert config is not None and config.vk_stock_mode == "real" and config.catalog_enabled
    assert 'id="vk_stock_real" value="real" checked' in client.get("/sync").text


def test_an_unknown_vk_stock_mode_is_refused_and_nothing_is_saved(client: TestClient, seller: int,
                                                                  sqlite_engine: Engine) -> None:
    response = submit(client, "/sync/settings", {"price_multiplier": "3", "vk_stock_mode": "plenty"})
    assert response.status_code == 400
    assert "Выберите, какой остаток показывать в VK: постоянный или реальный." in response.text
    config = _config(sqlite_engine, seller)
    assert config is not None and config.vk_stock_mode == "fixed" and config.price_multiplier == Decimal("1")


def test_the_vk_stock_setting_needs_the_csrf_token(client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    response = client.post("/sync/settings", data={"price_multiplier": "1", "vk_stock_mode": "real"})
    assert response.status_code == 403
    config = _config(sqlite_engine, seller)
    assert config is None or config.vk_stock_mode == "fixed"


def test_the_vk_stock_setting_in_english(client: TestClient, seller: int) -> None:
    client.cookies.set("ms_lang", "en")
    page = client.get("/sync")
    assert "Stock in VK" in page.text and "Fixed: 1000 for every item (default)" in page.text
    assert "Follow the real stock of the enabled stores" in page.text
    assert "An item at 0 stays in VK, marked out of stock." in page.text
