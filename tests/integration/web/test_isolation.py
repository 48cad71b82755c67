"""Tenant isolation: another seller, signed in, reaches none of a seller's objects through any route.

The routes are found by walking the app, so a new route with an object id in its path is covered the
day it is added; every id of the first seller's rows is tried in every id slot.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import Table, select
from sqlalchemy.engine import Engine

from browser import csrf_token, sign_in
from marketsync.db import session_scope
from marketsync.models import metadata
from marketsync.sync.models import SyncRun
from marketsync.web.app import create_app

PARAM = re.compile(r"{(\w+)(?::\w+)?}")
VOLATILE = {"sessions", "api_calls", "action_tokens", "sync_locks"}


def _object_routes() -> list[tuple[str, str]]:
    """Every (method, path) whose path names an object by id."""
    found = []
    for context in iter_route_contexts(create_app().routes):
        path = context.path or ""
        params = PARAM.findall(path)
        if path.startswith("/sandbox") or not any(p == "id" or p.endswith("_id") for p in params):
            continue
        for method in sorted(context.methods or ()):
            if method in {"GET", "POST", "PUT", "PATCH", "DELETE"}:
                found.append((method, path))
    return found


def _owned_tables() -> list[Table]:
    return [t for t in metadata.sorted_tables if "account_id" in t.c and t.name not in VOLATILE]


def _snapshot(engine: Engine, account_id: int) -> dict[str, list[Any]]:
    with session_scope(engine) as session:
        return {t.name: [tuple(r) for r in session.execute(select(t).where(t.c.account_id == account_id)
                                                             .order_by(*t.primary_key.columns))]
                for t in _owned_tables()}


def test_the_walk_finds_the_object_routes() -> None:
    paths = {path for _method, path in _object_routes()}
    assert "/catalog/stores/{store_id}/groups" in paths
    assert "/sync/runs/{run_id}/progress" in paths
    assert any(p.startswith("/admin/users/{") for p in paths)


def test_another_seller_reaches_none_of_a_sellers_objects(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], add_store: Callable[..., dict[str, int]],
        sqlite_engine: Engine) -> None:
    owner_id, account_a = make_seller("owner@example.ru")
    add_store(account_a)
    add_store(account_a, name="Второй магазин", groups=1)
    with session_scope(sqlite_engine) as session:
        session.add(SyncRun(account_id=account_a, pipeline="catalog", status="succeeded"))
    # Every id of the first seller's rows (and the seller's own user id) is a candidate for every id slot.
    ids = {owner_id, account_a}
    for snapshot_rows in _snapshot(sqlite_engine, account_a).values():
        ids.update(row[0] for row in snapshot_rows)
    before = _snapshot(sqlite_engine, account_a)

    make_seller("intruder@example.ru")
    sign_in(client, "intruder@example.ru")
    token = csrf_token(client)
    tried = 0
    for method, path in _object_routes():
        params = PARAM.findall(path)
        for values in itertools.product(sorted(ids), repeat=len(params)):
            url = path
            for name, value in zip(params, values, strict=True):
                url = re.sub(r"{" + name + r"(?::\w+)?}", str(value), url)
            if method == "GET":
                response = client.get(url)
            else:
                response = client.request(method, url, data={"csrftoken": token, "enabled": "true"},
                                          headers={"X-CSRFToken": token})
            tried += 1
            assert response.status_code in {403, 404}, f"{method} {url} → {response.status_code}"
    assert tried > 20
    assert _snapshot(sqlite_engine, account_a) == before
