"""`marketsync connect ozon`: checked against /v1/warehouse/list, saved with the key encrypted, or refused."""

from __future__ import annotations

import pytest
from cli_runner import cli
from sqlalchemy import select

from marketsync.connections.models import Connection
from marketsync.connections.service import credentials_of
from marketsync.db import session_scope
from ozon_world import DISABLED, seed_seller


def _connections(engine) -> list[Connection]:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        rows = list(session.scalars(select(Connection)))
        session.expunge_all()
        return rows


def _connect(user: str, client_id: str, api_key: str, warehouse_id: str) -> tuple[int, str]:
    return cli("connect", "ozon", "--user", user, "--client-id", client_id, "--api-key", api_key,
               "--warehouse-id", warehouse_id)


def test_connect_ozon_saves_the_key_encrypted_and_the_ids_in_clear(user, sandbox_state, sqlite_engine):
    world = seed_seller(sandbox_state, offers=1)

    code, out = _connect(user, world.client_id, world.api_key, world.warehouse_id)

    assert code == 0, out
    assert "Ozon: warehouse «Склад на Ленина»" in out
    [conn] = _connections(sqlite_engine)
    assert (conn.system, conn.status) == ("ozon", "active")
    assert conn.settings == {"client_id": world.client_id, "warehouse_id": world.warehouse_id}
    assert world.api_key not in conn.credentials_encrypted and world.api_key not in str(conn.settings)
    assert credentials_of(conn)["api_key"] == world.api_key


@pytest.mark.parametrize(("change", "expected"), [
    ({"api_key": "wrong-key-123456"}, "Ozon rejected the credentials: Invalid Api-Key"),
    ({"warehouse_id": "777"}, "Ozon warehouse 777 is not among the seller's FBS warehouses"),
    ({"warehouse_id": str(DISABLED)}, f"Ozon warehouse {DISABLED} «Старый склад» is not active"),
    ({"client_id": "seller-1"}, "client_id: Value error, must be Ozon's positive numeric id"),
])
def test_a_wrong_key_or_warehouse_exits_1_with_one_clear_line_and_saves_nothing(user, sandbox_state, sqlite_engine,
                                                                               change, expected):
    world = seed_seller(sandbox_state, offers=1)
    args = {"client_id": world.client_id, "api_key": world.api_key, "warehouse_id": world.warehouse_id, **change}

    code, out = _connect(user, args["client_id"], args["api_key"], args["warehouse_id"])

    assert code == 1 and expected in out, out
    assert len(out.strip().splitlines()) == 1, out
    assert _connections(sqlite_engine) == []


def test_connect_ozon_waits_out_ozons_rate_limit_answers(user, sandbox_state, sqlite_engine):
    world = seed_seller(sandbox_state, offers=1)
    # More 429s in a row than the check's two quick attempts: each asks for one second.
    sandbox_state.faults.configure("ozon", rate=1, kinds=["429"], retry_after=1, max_faults=3)

    code, out = _connect(user, world.client_id, world.api_key, world.warehouse_id)

    assert code == 0, out
    assert sandbox_state.faults.config("ozon").injected == 3
    assert len(_connections(sqlite_engine)) == 1
