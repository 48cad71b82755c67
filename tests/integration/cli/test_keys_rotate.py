"""`marketsync keys rotate`: every stored secret re-encrypted with the new key, so the old one can be dropped and
SECRET_KEY changed without losing a connected marketplace or the Evotor app's token."""

from __future__ import annotations

import pytest
from cli_runner import cli
from sqlalchemy import select
from sqlalchemy.engine import Engine

from marketsync.accounts.models import OAuthIdentity
from marketsync.accounts.service import create_user, primary_account_id
from marketsync.connections.models import Connection
from marketsync.connections.service import credentials_of, find_by_key, save_connection
from marketsync.db import session_scope
from marketsync.security import decrypt_json, encrypt_json
from marketsync.settings import get_settings

EVOTOR = {"token": "evotor-cloud-token-0001"}
VK = {"token": "vk-token-0001", "group_id": 42}
EVOTOR_APP_TOKEN = "evotor-app-token-0001"


def _keys(monkeypatch: pytest.MonkeyPatch, *, encryption_keys: str | None, secret_key: str | None = None) -> None:
    if encryption_keys is None:
        monkeypatch.delenv("ENCRYPTION_KEYS", raising=False)
    else:
        monkeypatch.setenv("ENCRYPTION_KEYS", encryption_keys)
    if secret_key is not None:
        monkeypatch.setenv("SECRET_KEY", secret_key)
    get_settings.cache_clear()


def _seed(engine: Engine) -> None:
    with session_scope(engine) as s:
        user = create_user(s, email="keys@example.ru", password="password123")
        account_id = primary_account_id(s, user.id)
        save_connection(s, account_id=account_id, system="evotor", credentials=EVOTOR, check=False)
        save_connection(s, account_id=account_id, system="vk", credentials=VK, check=False)
        s.add(OAuthIdentity(provider="evotor", subject="evotor-user-1", user_id=user.id,
                            secret=encrypt_json({"token": EVOTOR_APP_TOKEN})))


def _secrets(engine: Engine) -> dict[str, object]:
    """Every stored secret, decrypted with the keys configured now (ValueError when one does not open)."""
    with session_scope(engine) as s:
        found: dict[str, object] = {c.system: credentials_of(c) for c in s.scalars(select(Connection))}
        identity = s.scalars(select(OAuthIdentity)).one()
        found["evotor-app"] = decrypt_json(identity.secret or "")["token"]
        found["found-by-key"] = find_by_key(s, system="evotor", token=EVOTOR["token"]) is not None
        return found


def _stored(engine: Engine) -> list[str]:
    with session_scope(engine) as s:
        return [c.credentials_encrypted for c in s.scalars(select(Connection).order_by(Connection.id))]


def test_rotation_keeps_every_token_and_lets_the_old_key_and_secret_key_go(sqlite_engine, monkeypatch):
    _keys(monkeypatch, encryption_keys=None)  # written as before ENCRYPTION_KEYS: under a key from SECRET_KEY
    _seed(sqlite_engine)
    before = _stored(sqlite_engine)

    # A new SECRET_KEY and a new encryption key; the old SECRET_KEY listed second keeps the database readable.
    _keys(monkeypatch, encryption_keys="new-encryption-key,test-secret-key", secret_key="a-brand-new-secret-key")
    assert {k: v for k, v in _secrets(sqlite_engine).items() if k != "found-by-key"} == {
        "evotor": EVOTOR, "vk": VK, "evotor-app": EVOTOR_APP_TOKEN}
    _keys(monkeypatch, encryption_keys="new-encryption-key")
    with pytest.raises(ValueError):
        _secrets(sqlite_engine)  # before the rotation the new key alone opens nothing

    _keys(monkeypatch, encryption_keys="new-encryption-key,test-secret-key")
    code, output = cli("keys", "rotate")
    assert code == 0, output
    assert "re-encrypted 2 connection(s) and 1 identity secret(s)" in output
    assert all(new != old for new, old in zip(_stored(sqlite_engine), before, strict=True))

    _keys(monkeypatch, encryption_keys="new-encryption-key")  # the old key dropped
    assert _secrets(sqlite_engine) == {"evotor": EVOTOR, "vk": VK, "evotor-app": EVOTOR_APP_TOKEN,
                                       "found-by-key": True}  # the fingerprint follows the new SECRET_KEY


def test_rotation_without_the_old_key_refuses_and_changes_nothing(sqlite_engine, monkeypatch):
    _keys(monkeypatch, encryption_keys=None)
    _seed(sqlite_engine)
    before = _stored(sqlite_engine)

    _keys(monkeypatch, encryption_keys="new-encryption-key")
    code, output = cli("keys", "rotate")

    assert code == 1
    assert "3 stored secret(s) open with none of ENCRYPTION_KEYS" in " ".join(output.split())
    assert "Nothing was changed" in output
    assert _stored(sqlite_engine) == before
    _keys(monkeypatch, encryption_keys="test-secret-key")
    assert _secrets(sqlite_engine)["evotor"] == EVOTOR
