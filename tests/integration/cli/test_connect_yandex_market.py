"""`marketsync connect ym`: a working key and shop are saved (the key only encrypted); a wrong key, a shop of
another business or an unknown shop print one clear line, exit 1 and save nothing."""

from __future__ import annotations

import json
import uuid

import pytest
from cli_runner import cli
from sqlalchemy import select

from marketsync.connections.models import Connection
from marketsync.connections.service import credentials_of
from marketsync.db import session_scope
from marketsync.sandbox.yandex_market.seed import seed_yandex_market


@pytest.fixture
def ym_key(sandbox_state) -> str:  # type: ignore[no-untyped-def]
    token = f"ym-{uuid.uuid4().hex}"
    seed_yandex_market(sandbox_state.yandex_market, token, business_id=31, campaign_id=32, warehouse_id=33,
                       domain="lenina", offers=[{"offer_id": "1", "name": "Чай"}])
    return token


def _stored(engine) -> list[Connection]:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        rows = list(session.scalars(select(Connection)))
        session.expunge_all()
        return rows


def test_connect_ym_saves_the_shop_with_the_key_only_encrypted(user, sqlite_engine, ym_key):
    code, out = cli("connect", "ym", "--user", user, "--token", ym_key, "--business-id", "31",
                    "--campaign-id", "32")

    assert code == 0, out
    assert "Yandex Market: «lenina», campaign 32 (FBS)" in out
    [conn] = _stored(sqlite_engine)
    assert conn.system == "yandex_market" and conn.status == "active"
    assert conn.settings == {"business_id": 31, "campaign_id": 32}
    assert ym_key not in json.dumps(conn.settings) and ym_key not in conn.credentials_encrypted
    assert credentials_of(conn)["token"] == ym_key


@pytest.mark.parametrize(("args", "expected"), [
    (["--business-id", "31", "--campaign-id", "32"], "Yandex Market refused the Api-Key"),
    (["--business-id", "77", "--campaign-id", "32"], "campaign 32 belongs to business 31, not to business 77"),
    (["--business-id", "31", "--campaign-id", "404"], "campaign 404 was not found"),
])
def test_connect_ym_refuses_a_wrong_key_business_or_shop_and_saves_nothing(user, sqlite_engine, sandbox_state,
                                                                            ym_key, args, expected):
    token = "wrong-key-123" if expected.startswith("Yandex Market refused") else ym_key

    code, out = cli("connect", "ym", "--user", user, "--token", token, *args)

    assert code == 1 and expected in out, out
    assert len(out.strip().splitlines()) == 1
    assert _stored(sqlite_engine) == []
