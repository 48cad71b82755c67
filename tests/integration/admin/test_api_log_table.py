"""The API log as a data table: sorted by time, status or duration; filtered by status class, errors only and
connection as well as the filters it had; at most 100 calls a page; CSV and XLSX of every matching call with
the bodies decoded and every secret redacted; for those who may read the log only."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from browser import sign_in
from marketsync.connections.models import ApiCall, Connection
from marketsync.db import session_scope
from marketsync.security import encrypt_json

CALL = re.compile(r"api\.example/(c\d+)")
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def admin(client: TestClient, make_seller: Callable[..., tuple[int, int]]) -> int:
    """An administrator signed in on `client`."""
    admin_id, _account = make_seller("admin@example.ru", admin=True)
    sign_in(client, "admin@example.ru")
    return admin_id


def _calls(engine: Engine, *rows: dict[str, Any]) -> None:
    with session_scope(engine) as session:
        session.add_all([ApiCall(**{"system": "evotor", "method": "GET", "status_code": 200, "created_at": T0,
                                    "duration_ms": 10, **row}) for row in rows])


def _shown(client: TestClient, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return list(dict.fromkeys(CALL.findall(response.text)))


def _connection(engine: Engine, account_id: int) -> int:
    with session_scope(engine) as session:
        conn = Connection(account_id=account_id, system="vk", settings={"group_id": 1},
                          credentials_encrypted=encrypt_json({"token": "vk-token-123456"}))
        session.add(conn)
        session.flush()
        return conn.id


def test_the_log_sorts_by_status_and_duration_and_filters_by_class_errors_and_connection(
        client: TestClient, admin: int, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine) -> None:
    _user, cabinet = make_seller("a@example.ru")
    conn = _connection(sqlite_engine, cabinet)
    _calls(sqlite_engine,
           {"url": "https://api.example/c1/a", "duration_ms": 300},
           {"url": "https://api.example/c2/b", "status_code": 404, "duration_ms": 20,
            "created_at": T0 + timedelta(minutes=1)},
           {"url": "https://api.example/c3/c", "status_code": 503, "duration_ms": 5000, "account_id": cabinet,
            "connection_id": conn, "system": "vk", "created_at": T0 + timedelta(minutes=2)},
           {"url": "https://api.example/c4/d", "status_code": None, "error": "ReadTimeout", "duration_ms": 10000,
            "account_id": cabinet, "connection_id": conn, "system": "vk", "created_at": T0 + timedelta(minutes=3)})
    assert _shown(client, "/admin/logs") == ["c4", "c3", "c2", "c1"]  # newest first
    assert _shown(client, "/admin/logs?sort=time&dir=asc") == ["c1", "c2", "c3", "c4"]
    assert _shown(client, "/admin/logs?sort=duration&dir=desc") == ["c4", "c3", "c1", "c2"]
    assert _shown(client, "/admin/logs?sort=status") == ["c1", "c2", "c3", "c4"]  # no answer last, both ways
    assert _shown(client, "/admin/logs?sort=status&dir=desc") == ["c3", "c2", "c1", "c4"]
    assert _shown(client, "/admin/logs?status_class=4xx") == ["c2"]
    assert _shown(client, "/admin/logs?status_class=5xx") == ["c3"]
    assert _shown(client, "/admin/logs?status_class=none") == ["c4"]
    assert _shown(client, "/admin/logs?errors=1") == ["c4", "c3", "c2"]
    assert _shown(client, "/admin/logs?status=error") == ["c4", "c3", "c2"]  # the old way still works
    assert _shown(client, f"/admin/logs?connection={conn}") == ["c4", "c3"]
    assert _shown(client, f"/admin/logs?connection={conn}&errors=1&status_class=5xx&text=api.example/c3") == ["c3"]
    page = client.get("/admin/logs?connection=x1")
    assert page.status_code == 200 and "«x1» — не номер подключения" in page.text
    assert f'href="/admin/logs?connection={conn}"' in client.get("/admin/logs").text  # a row's connection
    assert _shown(client, "/admin/logs?status_class=6xx&errors=yes&sort=url") == ["c4", "c3", "c2", "c1"]


def test_the_page_size_is_bounded_and_pages_keep_the_filters(
        client: TestClient, admin: int, sqlite_engine: Engine) -> None:
    _calls(sqlite_engine, *[{"system": "vk", "url": f"https://api.example/c{i}/m", "response_body": "x" * 3000,
                             "created_at": T0 + timedelta(seconds=i)} for i in range(130)])
    assert len(_shown(client, "/admin/logs?per_page=100")) == 100
    assert len(_shown(client, "/admin/logs?per_page=200")) == 50  # a heavy page: 200 is not offered
    sizes = re.search(r'<select id="table-per-page".*?</select>', client.get("/admin/logs").text, re.S)
    assert sizes and re.findall(r'<option value="(\d+)"', sizes.group(0)) == ["25", "50", "100"]
    page = client.get("/admin/logs?connector=vk&text=api&per_page=25")
    assert 'href="/admin/logs?text=api&amp;connector=vk&amp;per_page=25&amp;page=6"' in page.text  # the last page
    assert 'name="text" value="api"' in page.text  # the search box keeps its name
    assert len(client.get("/admin/logs?per_page=100").content) < 300_000


def test_the_log_downloads_every_matching_call_with_bodies_decoded(
        client: TestClient, admin: int, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine) -> None:
    _user, cabinet = make_seller("a@example.ru")
    _calls(sqlite_engine,
           *[{"url": f"https://api.example/c{i}/products", "account_id": cabinet,
              "created_at": T0 + timedelta(minutes=i)} for i in range(60)],
           {"system": "vk", "method": "POST", "url": "https://api.example/c99/method/execute", "status_code": 500,
            "request_body": urlencode({"code": 'return API.market.add({"name": "Кофе"});', "v": "5.199"}),
            "response_body": '{"error": {"error_msg": "\\u041e\\u0448\\u0438\\u0431\\u043a\\u0430"}}',
            "created_at": T0 + timedelta(hours=5)})
    page = client.get(f"/admin/logs?cabinet={cabinet}&sort=time&dir=asc")
    assert f'href="/admin/logs/export.csv?cabinet={cabinet}&amp;dir=asc"' in page.text
    response = client.get(f"/admin/logs/export.csv?cabinet={cabinet}&sort=time&dir=asc")
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    assert re.fullmatch(r'attachment; filename="api-log-\d{4}-\d{2}-\d{2}\.csv"',
                        response.headers["content-disposition"])
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][:3] == ["Время", "Кабинет", "Название кабинета"]
    assert len(lines) == 61 and [CALL.findall(r[6])[0] for r in lines[1:3]] == ["c0", "c1"]  # all pages, in order
    sheet = load_workbook(io.BytesIO(client.get("/admin/logs/export.xlsx?errors=1").content), read_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][4] == "VK" and rows[1][7] == 500
    assert rows[1][9] == 'code=return API.market.add({"name": "Кофе"});\nv=5.199'  # form fields decoded
    assert '"error_msg": "Ошибка"' in rows[1][10]  # JSON escapes decoded


def test_secrets_never_appear_in_a_download(client: TestClient, admin: int, sqlite_engine: Engine) -> None:
    _calls(sqlite_engine, {
        "system": "vk", "method": "POST", "status_code": 401,
        "url": "https://api.example/c1/method/market.get?access_token=SECRET1&v=5.199",
        "request_body": "access%5Ftoken=SECRET2&v=5.199&next=%2Fx%3Fclient_secret%3DSECRET3",
        "response_body": '{"\\u0061ccess_token": "SECRET4", "refresh_token": "SECRET5", "ok": 1}',
        "error": "login failed: password=SECRET6 token=SECRET7",
    }, {"url": "https://api.example/c2/stores", "request_body": '{"Authorization": "Bearer SECRET8"}'})
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/admin/logs/export.{fmt}")
        assert response.status_code == 200
        if fmt == "csv":
            text = response.content.decode("utf-8-sig")
        else:
            sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
            assert sheet is not None
            text = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row)
        assert "SECRET" not in text, fmt
        assert "market.get" in text and "5.199" in text and "stores" in text  # the rest is all there


def test_only_log_readers_download_the_log(client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    _calls(sqlite_engine, {"url": "https://api.example/c1/x"})
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/admin/logs/export.{fmt}")
        assert response.status_code == 403 and "attachment" not in response.headers.get("content-disposition", "")


def test_the_log_queries_work_on_every_dialect(engine: Engine) -> None:
    from marketsync.accounts.service import create_user, primary_account_id
    from marketsync.admin.log_search import LogFilter, export_log, search_log
    from marketsync.web.tables import TableQuery

    with session_scope(engine) as session:
        cabinet = primary_account_id(session, create_user(session, email="a@example.ru", password=None).id)
        session.add_all([
            ApiCall(account_id=cabinet, system="vk", method="POST", url="https://api.example/c1/Товары",
                    status_code=200, duration_ms=5, created_at=T0),
            ApiCall(account_id=cabinet, system="vk", method="POST", url="https://api.example/c2/x", status_code=None,
                    error="ReadTimeout", duration_ms=9000, created_at=T0 + timedelta(minutes=1)),
            ApiCall(system="evotor", method="GET", url="https://api.example/c3/y", status_code=503, duration_ms=50,
                    created_at=T0 + timedelta(minutes=2))])
    with session_scope(engine) as session:
        def shown(filters: LogFilter, table: TableQuery) -> list[str]:
            return [CALL.findall(c.url)[0] for c in search_log(session, filters, table)[0]]

        assert shown(LogFilter(), TableQuery(sort="status")) == ["c1", "c3", "c2"]  # no answer last
        assert shown(LogFilter(), TableQuery(sort="status", dir="desc")) == ["c3", "c1", "c2"]
        assert shown(LogFilter(), TableQuery(sort="time", dir="desc")) == ["c3", "c2", "c1"]
        assert shown(LogFilter(status_class="none"), TableQuery()) == ["c2"]
        assert shown(LogFilter(status_class="5xx", errors_only=True), TableQuery()) == ["c3"]
        assert shown(LogFilter(text="ТОВАРЫ"), TableQuery()) == ["c1"]
        assert shown(LogFilter(account_ids=[cabinet]), TableQuery(sort="duration", dir="desc")) == ["c2", "c1"]
        exported = [(CALL.findall(c.url)[0], name) for c, name in export_log(session, LogFilter(), TableQuery())]
        assert exported == [("c1", "a@example.ru"), ("c2", "a@example.ru"), ("c3", None)]
