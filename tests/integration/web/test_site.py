"""What every page shares: the health probe, security headers, error pages, and docs (translations: test_i18n.py)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from marketsync.settings import get_settings


def test_health_answers_ok_as_json_without_a_session(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_health_reports_a_broken_broker_with_503(client: TestClient, monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.setenv("BROKER_DATABASE_URL", f"sqlite:///{tmp_path / 'missing-folder' / 'broker.db'}")
    get_settings.cache_clear()
    response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded" and body["database"] == "ok" and body["broker"].startswith("error")


def test_health_opens_the_embedded_broker_database(client: TestClient, monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    path = tmp_path / "broker.db"
    sqlite3.connect(path).close()
    monkeypatch.setenv("BROKER_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    assert client.get("/health").json()["broker"] == "ok"


def test_pages_carry_security_headers_and_utf8(client: TestClient) -> None:
    response = client.get("/login")
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-language"] == "ru"
    assert "<script>" not in response.text  # no inline JavaScript


def test_unknown_pages_show_a_friendly_404(client: TestClient, seller: int) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Страница не найдена" in response.text and "seller@example.ru" in response.text


def test_api_docs_are_published(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert client.get("/redoc").status_code == 200
    assert client.get("/openapi.json").json()["info"]["title"] == "MarketSync"


def test_vendored_assets_are_served(client: TestClient) -> None:
    for path in ("/static/vendor/bootstrap/css/bootstrap.min.css",
                 "/static/vendor/bootstrap/js/bootstrap.bundle.min.js", "/static/vendor/htmx/htmx.min.js",
                 "/static/app.css"):
        assert client.get(path).status_code == 200, path


def test_demo_mode_serves_the_sandbox_without_csrf(sqlite_engine: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANDBOX_ENABLED", "1")
    get_settings.cache_clear()
    from marketsync.web.app import create_app

    with TestClient(create_app(), follow_redirects=False) as demo:
        demo.get("/login")  # the browser now holds a CSRF cookie, as a connector sharing the jar would
        response = demo.post("/sandbox/vk/method/groups.getById", data={"access_token": "nope", "v": "5.199"})
        assert response.status_code == 200
        assert "error" in response.json()
        refused = demo.post("/sync/settings", data={"price_multiplier": "2"})
        assert refused.status_code == 403
        # Every emulated API a connector POSTs to answers as its service would (here: "who are you?"), never
        # with our CSRF refusal: demo mode's Casdoor mirror once got only that.
        for path in ("/sandbox/casdoor/api/add-user", "/sandbox/yookassa/v3/payments", "/sandbox/oauth/google/token",
                     "/sandbox/evotor/api/v1/inventories/stores/search", "/sandbox/ozon/v3/product/list",
                     "/sandbox/wildberries/marketplace/api/v3/stocks/1",
                     "/sandbox/yandex_market/campaigns/1/offers/stocks", "/sandbox/telegram/bot1:x/getMe",
                     "/sandbox/llm/v1/chat/completions"):
            answer = demo.post(path, json={})
            assert answer.text != refused.text, path


def test_the_sandbox_mail_page_forms_carry_csrf(sqlite_engine: object, monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.setenv("SANDBOX_ENABLED", "1")
    monkeypatch.setenv("SANDBOX_SMTP_PORT", "0")
    monkeypatch.setenv("SANDBOX_MAIL_DIR", str(tmp_path / "mail"))
    get_settings.cache_clear()
    from marketsync.web.app import create_app

    with TestClient(create_app(), follow_redirects=False) as demo:
        page = demo.get("/sandbox/mail")
        field = re.search(r'<form method="post" action="/sandbox/mail/clear"><input type="hidden" '
                          r'name="csrftoken" value="([^"]+)">', page.text)
        assert field, page.text
        assert demo.post("/sandbox/mail/clear").status_code == 403  # a forged form from another site
        assert demo.post("/sandbox/mail/clear", data={"csrftoken": field.group(1)}).status_code == 303
