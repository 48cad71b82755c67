"""Migration 0013 (users.email optional, connections' key fingerprint) on SQLite, where batch mode rebuilds the
users table: every user, session, membership, role and identity that existed before is still there after, and
foreign keys are on again for the application."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from marketsync.cli.migrate import alembic_config
from marketsync.db import make_engine

TABLES = ("users", "sessions", "account_members", "user_roles", "oauth_identities", "connections", "accounts")


def _counts(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return {table: conn.scalar(text(f"SELECT count(*) FROM {table}")) for table in TABLES}


@pytest.mark.timeout(120)
def test_upgrading_keeps_every_user_with_their_sessions_and_memberships(tmp_path: Path, env: dict[str, str]) -> None:
    url = f"sqlite:///{tmp_path / 'before.db'}"
    command.upgrade(alembic_config(url), "0012")
    engine = make_engine(url)  # foreign keys ON, as the application runs
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO roles (id, name) VALUES (1, 'user')"))
        for n in (1, 2):
            conn.execute(text(
                "INSERT INTO users (id, email, status, locale, security_stamp, created_at) "
                "VALUES (:id, :email, 'active', 'ru', 'stamp', '2026-12-01 10:00:00')"),
                {"id": n, "email": f"seller{n}@example.ru"})
            conn.execute(text("INSERT INTO accounts (id, name, created_at) VALUES (:id, :n, '2026-12-01 10:00:00')"),
                         {"id": n, "n": f"Кабинет {n}"})
            conn.execute(text("INSERT INTO account_members (account_id, user_id, role) VALUES (:n, :n, 'owner')"),
                         {"n": n})
            conn.execute(text("INSERT INTO user_roles (user_id, role_id) VALUES (:n, 1)"), {"n": n})
            conn.execute(text(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
                "VALUES (:h, :n, '2026-12-01 10:00:00', '2027-01-01 10:00:00')"), {"h": f"hash{n}", "n": n})
            conn.execute(text(
                "INSERT INTO oauth_identities (provider, subject, user_id, created_at) "
                "VALUES ('evotor', :s, :n, '2026-12-01 10:00:00')"), {"s": f"evo-{n}", "n": n})
            conn.execute(text(
                "INSERT INTO connections (account_id, system, credentials_encrypted, settings, status, created_at) "
                "VALUES (:n, 'wildberries', 'x', '{}', 'active', '2026-12-01 10:00:00')"), {"n": n})
    before = _counts(engine)
    assert all(before.values())

    command.upgrade(alembic_config(url), "head")

    assert _counts(engine) == before
    columns = {c["name"]: c for c in inspect(engine).get_columns("users")}
    assert columns["email"]["nullable"] is True
    assert "credential_fingerprint" in {c["name"] for c in inspect(engine).get_columns("connections")}
    assert "ix_connections_credential_fingerprint" in {i["name"] for i in inspect(engine).get_indexes("connections")}
    with engine.begin() as conn:
        assert conn.scalar(text("PRAGMA foreign_keys")) == 1
        assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
        conn.execute(text("INSERT INTO users (id, email, status, locale, security_stamp, created_at) "
                          "VALUES (3, NULL, 'active', 'ru', 's', '2026-12-01 10:00:00')"))
        # The cascade still works after the rebuild: deleting a user removes their session and membership.
        conn.execute(text("DELETE FROM users WHERE id = 1"))
        assert conn.scalar(text("SELECT count(*) FROM sessions WHERE user_id = 1")) == 0
        assert conn.scalar(text("SELECT count(*) FROM account_members WHERE user_id = 1")) == 0
    engine.dispose()
