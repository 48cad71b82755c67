"""Enumerated values (roles, systems, statuses, pipelines) reach the pages as words in the seller's language,
never as the raw values the database stores."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from browser import sign_in
from marketsync.connections.models import ApiCall, Connection
from marketsync.db import session_scope
from marketsync.security import encrypt_json
from marketsync.sync.models import SyncRun

RAW = re.compile(r"\b(user|owner|manager|viewer|admin|system|evotor|vk|active|pending|suspended|broken|running"
                 r"|succeeded|failed|skipped|catalog|catalog_refresh)\b")
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


class _Text(HTMLParser):
    """The text a person reads on a page (no attributes, scripts or styles)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Skip what is not shown."""
        self._hidden += tag in {"script", "style"}

    def handle_endtag(self, tag: str) -> None:
        """Resume after a script or style."""
        self._hidden -= tag in {"script", "style"}

    def handle_data(self, data: str) -> None:
        """Keep shown text."""
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def _text(client: TestClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.text
    parser = _Text()
    parser.feed(response.text)
    return " | ".join(parser.parts)


@pytest.fixture
def cabinet(client: TestClient, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine) -> int:
    """A signed-in administrator whose own cabinet has a working and a broken connection, runs of every
    status of both pipelines and a failed API call; returns their user id."""
    user_id, account_id = make_seller("boss@example.ru", admin=True)
    with session_scope(sqlite_engine) as session:
        token = encrypt_json({"token": "x" * 20})
        session.add_all([
            Connection(account_id=account_id, system="evotor", settings={}, credentials_encrypted=token),
            Connection(account_id=account_id, system="vk", settings={"group_id": 1}, credentials_encrypted=token,
                       status="broken", last_error="401"),
            *[SyncRun(account_id=account_id, pipeline=pipeline, status=status, started_at=T0 + timedelta(minutes=i),
                      finished_at=None if status == "running" else T0 + timedelta(minutes=i, seconds=30))
              for i, (pipeline, status) in enumerate([("catalog_refresh", "succeeded"), ("catalog", "failed"),
                                                      ("catalog", "skipped"), ("catalog", "running")])],
            ApiCall(account_id=account_id, system="vk", method="POST", url="https://api.example/method/market.add",
                    status_code=500, created_at=T0),
        ])
    sign_in(client, "boss@example.ru")
    return user_id


def test_pages_name_roles_systems_statuses_and_pipelines_in_russian(client: TestClient, cabinet: int) -> None:
    pages = {url: _text(client, url) for url in
             ("/profile", "/connections", f"/admin/users/{cabinet}", "/admin/users", "/sync")}
    for url, text in pages.items():
        leaks = [text[max(0, m.start() - 40):m.end() + 20] for m in RAW.finditer(text)]
        assert not leaks, f"{url} shows raw values: {leaks}"
    assert "Администратор" in pages["/profile"] and "Владелец" in pages["/profile"]
    user_page = pages[f"/admin/users/{cabinet}"]
    for words in ("Владелец", "Эвотор", "VK", "Подключено", "Требует внимания", "Активен", "Синхронизация каталога",
                  "Чтение каталога", "Выполняется", "Успешно", "Ошибка", "Пропущен"):
        assert words in user_page, words
    assert "Администратор" in pages["/admin/users"] and "Активен" in pages["/admin/users"]


def test_the_same_values_read_in_english(client: TestClient, cabinet: int) -> None:
    client.get("/lang/en")
    user_page = _text(client, f"/admin/users/{cabinet}")
    for words in ("Owner", "Evotor", "Connected", "Needs attention", "Catalog sync", "Catalog read", "Succeeded"):
        assert words in user_page, words
    assert "Administrator" in _text(client, "/profile")
