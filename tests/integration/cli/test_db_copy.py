"""`marketsync db copy --to URL`: the embedded SQLite carried over, every row, into an empty PostgreSQL or MariaDB
migrated to the same revision; the product then syncs on the copy and new rows get ids of their own."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from alembic import command
from cli_runner import cli
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from builders import seed_catalog, seller, vk_items
from marketsync.accounts.rbac import ensure_roles
from marketsync.accounts.service import create_user
from marketsync.cli.migrate import alembic_config
from marketsync.db import _engines, make_engine, session_scope
from marketsync.models import metadata
from marketsync.settings import get_settings
from marketsync.sync.chain import sync_catalog
from scratch_db import recreate_database

REQUIRE = os.environ.get("MARKETSYNC_REQUIRE_SERVICES") == "1"
SCRATCH = os.environ.get("MARKETSYNC_TEST_DB", "marketsync_test") + "_copy"
SERVERS = {
    "postgresql": (os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
                   f"postgresql+psycopg://postgres@127.0.0.1:5432/{SCRATCH}"),
    "mariadb": (os.environ.get("TEST_MARIADB_ADMIN_URL", "mysql+pymysql://root@127.0.0.1:3306/"),
                f"mysql+pymysql://root@127.0.0.1:3306/{SCRATCH}?charset=utf8mb4"),
}


def _fresh_database(kind: str) -> str:
    """Drop and create the scratch database on the server; return its URL (skip when the server is absent)."""
    admin_url, url = SERVERS[kind]
    try:
        recreate_database(admin_url, SCRATCH, kind)
    except Exception as exc:  # the server is not there
        if REQUIRE:
            pytest.fail(f"MARKETSYNC_REQUIRE_SERVICES=1 but {kind} is not reachable: {exc}")
        pytest.skip(f"{kind} is not reachable ({type(exc).__name__}: {exc})")
    return url


@pytest.fixture(params=["postgresql", "mariadb"])
def target(request: pytest.FixtureRequest, env: dict[str, str]) -> Iterator[tuple[str, Engine]]:
    """An empty database migrated as `marketsync migrate` leaves it (the schema, then the platform roles)."""
    url = _fresh_database(request.param)
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    with session_scope(engine) as s:
        ensure_roles(s)
    yield url, engine
    engine.dispose()


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0) for t in metadata.sorted_tables}


def test_every_row_is_copied_and_the_product_syncs_on_the_copy(sqlite_engine, sandbox_state, target, monkeypatch):
    url, target_engine = target
    catalog = seed_catalog(sandbox_state, groups=3, per_group=4, not_for_sale=1)
    account_id = seller(sqlite_engine, catalog)
    first = sync_catalog(sqlite_engine, account_id=account_id)
    assert (first.status, first.created) == ("succeeded", 9), first.error
    source = _counts(sqlite_engine)
    with sqlite_engine.connect() as conn:
        last_user = conn.scalar(text("SELECT MAX(id) FROM users"))
    assert source["products"] and source["bindings"] and source["api_calls"] and source["user_roles"]

    code, output = cli("db", "copy", "--to", url, "--batch-size", "5")  # many batches per table

    assert code == 0, output
    assert _counts(target_engine) == source
    lines = {line.split()[0]: line.split() for line in output.splitlines() if line.strip()}
    assert lines["products"][1:] == [str(source["products"]), "→", str(source["products"])]
    assert f"copied {sum(source.values())} rows in {len(source)} tables" in output

    # The product now runs on the copy: the sync finds what it made before (nothing created twice in VK) and
    # new rows (a run, its API calls, a user) take ids after the copied ones.
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    _engines[url] = target_engine
    again = sync_catalog(target_engine, account_id=account_id)
    assert (again.status, again.created, again.failed) == ("succeeded", 0, 0), again.error
    assert len(vk_items(sandbox_state, catalog)) == 9
    assert again.id > first.id
    with session_scope(target_engine) as s:
        newcomer = create_user(s, email="after-the-copy@example.ru", password="password123")
        s.flush()
        assert newcomer.id > last_user
    after = _counts(target_engine)
    assert after["sync_runs"] == source["sync_runs"] + 1 and after["api_calls"] > source["api_calls"]


def test_a_target_not_empty_or_at_another_revision_is_refused(sqlite_engine, target):
    url, target_engine = target
    with session_scope(sqlite_engine) as s:
        create_user(s, email="source@example.ru", password="password123")
    with session_scope(target_engine) as s:
        create_user(s, email="already-there@example.ru", password="password123")

    code, output = cli("db", "copy", "--to", url)
    assert code == 1
    assert "the target is not empty (rows in accounts, users" in output
    assert "→" not in output, "no table is listed as copied"

    with target_engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    code, output = cli("db", "copy", "--to", url)
    assert code == 1
    assert "the target is at revision 0001" in output and "marketsync migrate" in output
    with session_scope(target_engine) as s:  # nothing of the source was written
        assert s.scalar(text("SELECT COUNT(*) FROM users")) == 1


def test_the_target_must_be_postgresql_or_mariadb(sqlite_engine, tmp_path):
    code, output = cli("db", "copy", "--to", f"sqlite:///{tmp_path / 'other.db'}")
    assert code == 1
    assert "--to must be a PostgreSQL or MariaDB URL, not sqlite" in output
