"""The API log shows bodies as a person reads them: form fields decoded into a table, JSON indented, each row
folded to one line, the list page small however large the bodies; secrets stay hidden once decoded."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from browser import sign_in
from marketsync.connections.models import ApiCall
from marketsync.db import session_scope

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
EXECUTE = 'var item = API.market.add({"name": "Кофе в зёрнах", "owner_id": -1});\nreturn item;'


@pytest.fixture
def admin(client: TestClient, make_seller: Callable[..., tuple[int, int]]) -> int:
    """An administrator signed in on `client`."""
    admin_id, _account = make_seller("admin@example.ru", admin=True)
    sign_in(client, "admin@example.ru")
    return admin_id


def _call(engine: Engine, **row: Any) -> int:
    with session_scope(engine) as session:
        call = ApiCall(**{"system": "vk", "method": "POST", "url": "https://api.example/method/execute",
                          "status_code": 200, "created_at": T0, **row})
        session.add(call)
        session.flush()
        return call.id


def test_a_form_body_shows_its_fields_decoded(client: TestClient, admin: int, sqlite_engine: Engine) -> None:
    call = _call(sqlite_engine, request_body=urlencode({"code": EXECUTE, "v": "5.199"}))
    listed = client.get("/admin/logs").text
    assert "%D0" not in listed and "Кофе в зёрнах" in listed  # the folded row's line is decoded too
    assert "<details" in listed and f'href="/admin/logs/{call}"' in listed

    page = client.get(f"/admin/logs/{call}")
    assert page.status_code == 200
    assert "%D0" not in page.text and "%0A" not in page.text
    fields = dict(re.findall(r'<th scope="row"[^>]*>([^<]+)</th>\s*<td><pre class="api-body mb-0">(.*?)</pre>',
                             page.text, re.S))
    assert fields["v"] == "5.199"
    assert "var item = API.market.add(" in fields["code"] and "Кофе в зёрнах" in fields["code"]
    assert "\nreturn item;" in fields["code"]  # the execute code as text, line by line


def test_a_json_body_is_indented(client: TestClient, admin: int, sqlite_engine: Engine) -> None:
    answer = json.dumps({"response": {"count": 1, "items": [{"id": 7, "title": "Кофе"}]}})
    call = _call(sqlite_engine, response_body=answer.replace("Кофе", "\\u041a\\u043e\\u0444\\u0435"))
    page = client.get(f"/admin/logs/{call}").text
    assert '{\n  &#34;response&#34;: {\n    &#34;count&#34;: 1,' in page
    assert "&#34;title&#34;: &#34;Кофе&#34;" in page


def test_secrets_stay_hidden_once_decoded(client: TestClient, admin: int, sqlite_engine: Engine) -> None:
    call = _call(sqlite_engine, request_body="access%5Ftoken=SECRET1&v=5.199&next=%2Fx%3Fclient_secret%3DSECRET2",
                 response_body='{"\\u0061ccess_token": "SECRET3", "ok": 1}')
    for url in ("/admin/logs", f"/admin/logs/{call}"):
        page = client.get(url).text
        assert "SECRET" not in page, url
    assert "5.199" in page and "&#34;ok&#34;: 1" in page


def test_the_list_stays_small_with_many_large_calls(client: TestClient, admin: int, sqlite_engine: Engine) -> None:
    body = json.dumps({"items": [{"id": i, "name": f"Товар {i}"} for i in range(200)]}, ensure_ascii=False)[:4000]
    with session_scope(sqlite_engine) as session:
        session.add_all([ApiCall(system="evotor", method="GET", url=f"https://api.example/c{i}", status_code=200,
                                 request_body=body, response_body=body, created_at=T0 + timedelta(seconds=i))
                         for i in range(120)])
    page = client.get("/admin/logs")
    assert page.status_code == 200
    assert page.text.count("<details") == 100  # 50 rows, two folded bodies each
    assert len(page.content) < 150_000
    with session_scope(sqlite_engine) as session:
        last = session.scalar(select(ApiCall.id).order_by(ApiCall.id.desc()))
    whole = client.get(f"/admin/logs/{last}").text
    assert "Товар 1" in whole and body[-20:].replace('"', "&#34;") in whole  # cut JSON shown as stored


def test_a_missing_call_is_not_found(client: TestClient, admin: int) -> None:
    assert client.get("/admin/logs/999").status_code == 404
