"""`marketsync connect wb`: a checked Wildberries token and warehouse are saved (the token only encrypted); a wrong
token or warehouse exits 1 with one line and saves nothing."""

from __future__ import annotations

import uuid

from cli_runner import cli
from sqlalchemy import func, select

from marketsync.connections.models import Connection
from marketsync.connections.service import credentials_of
from marketsync.db import session_scope
from marketsync.sandbox.wildberries.seed import seed_wildberries


def _seller(sandbox_state):  # type: ignore[no-untyped-def]
    return seed_wildberries(sandbox_state.wildberries, f"wb-cli-{uuid.uuid4().hex}",
                            warehouses=[{"name": "Склад на Ленина"}, {"name": "Склад КГТ", "cargo_type": 3}])


def test_connect_wb_checks_the_warehouse_and_saves_the_token_encrypted(user, sandbox_state, sqlite_engine):
    seller = _seller(sandbox_state)
    warehouse = seller["warehouse_ids"][1]

    code, out = cli("connect", "wb", "--user", user, "--token", seller["token"], "--warehouse-id", str(warehouse))

    assert code == 0, out
    assert out.strip() == f"Wildberries: warehouse {warehouse} «Склад КГТ»"
    with session_scope(sqlite_engine) as session:
        conn = session.scalars(select(Connection)).one()
        assert conn.system == "wildberries" and conn.status == "active"
        assert conn.settings == {"warehouse_id": warehouse}
        assert seller["token"] not in conn.credentials_encrypted
        assert credentials_of(conn) == {"token": seller["token"], "warehouse_id": warehouse}


def test_connect_wb_refuses_a_wrong_token_or_warehouse_and_saves_nothing(user, sandbox_state, sqlite_engine):
    seller = _seller(sandbox_state)

    bad_token = cli("connect", "wb", "--user", user, "--token", "wb-nobody-has-this-token", "--warehouse-id", "1")
    bad_warehouse = cli("connect", "wb", "--user", user, "--token", seller["token"], "--warehouse-id", "424242")
    zero = cli("connect", "wb", "--user", user, "--token", seller["token"], "--warehouse-id", "0")

    assert bad_token[0] == 1 and "Wildberries rejected the token" in bad_token[1]
    assert bad_warehouse[0] == 1 and "warehouse 424242 is not among the seller's warehouses" in bad_warehouse[1]
    assert len(bad_warehouse[1].strip().splitlines()) == 1
    assert zero[0] == 1 and "--warehouse-id" in zero[1]
    with session_scope(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(Connection)) == 0
