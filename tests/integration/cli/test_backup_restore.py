"""Backups: a dump restored into a fresh database runs the product (migrations at head, a page, a sync), on
SQLite, PostgreSQL and MariaDB; rotation keeps the newest dumps; a restore never overwrites data."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from cli_runner import cli
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from browser import sign_in
from builders import seed_catalog, seller, vk_items
from marketsync.backups import BackupError, create_backup, list_backups, restore_backup
from marketsync.cli.migrate import alembic_config
from marketsync.db import _engines, make_engine
from marketsync.settings import get_settings
from marketsync.sync.chain import sync_catalog
from marketsync.web.app import create_app
from scratch_db import recreate_database

pytestmark = pytest.mark.timeout(240)


def fresh_database(engine: Engine, tmp_path: Path) -> str:
    """Create an empty database on the engine's server (a new file for SQLite); return its URL."""
    url = engine.url
    kind = url.get_backend_name()
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.db'}"
    name = f"{url.database}_restored"
    admin_url = url.set(database="postgres") if kind == "postgresql" else url.set(database=None)
    recreate_database(admin_url.render_as_string(hide_password=False), name, kind)
    return url.set(database=name).render_as_string(hide_password=False)


def revision(url: str) -> str | None:
    """The schema revision a database is at."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def test_a_restored_backup_runs_the_product(engine, sandbox_state, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    catalog = seed_catalog(sandbox_state, prefix="b", groups=2, per_group=3, not_for_sale=0)
    account_id = seller(engine, catalog, email="backup@example.ru")
    first = sync_catalog(engine, account_id=account_id)
    assert first.status == "succeeded", first.error
    source_url = engine.url.render_as_string(hide_password=False)
    folder = tmp_path / "backups"
    start = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    dumps = [create_backup(source_url, folder, keep=2, now=start + timedelta(days=day)) for day in range(3)]

    assert list_backups(folder) == dumps[1:], "rotation keeps the newest two"
    target = fresh_database(engine, tmp_path)
    restore_backup(dumps[-1], target)

    head = ScriptDirectory.from_config(alembic_config(target)).get_current_head()
    assert revision(target) == head
    restored = make_engine(target)
    monkeypatch.setenv("DATABASE_URL", target)
    get_settings.cache_clear()
    _engines[target] = restored
    try:
        with TestClient(create_app(), follow_redirects=False) as client:
            sign_in(client, "backup@example.ru", "password123")
            page = client.get("/catalog/stores")
        assert page.status_code == 200 and "Магазин b0" in page.text
        sandbox_state.evotor.add_product(catalog.evotor_token, catalog.stores[0], name="Кефир после восстановления",
                                         price=99, measure_name="шт", parent_id=catalog.groups[catalog.stores[0]][0],
                                         allow_to_sell=True, code="b-new", type="NORMAL", tax="NO_VAT", quantity=3)
        again = sync_catalog(restored, account_id=account_id)
        assert again.status == "succeeded", again.error
        assert (again.created, again.failed) == (1, 0), "the bindings came back: only the new product is created"
        assert len(vk_items(sandbox_state, catalog)) == 7
        with pytest.raises(BackupError, match="not empty"):
            restore_backup(dumps[-1], target)
    finally:
        restored.dispose()
        _engines.pop(target, None)


def test_the_cli_backs_up_and_refuses_a_dump_of_another_kind(sqlite_engine, tmp_path):  # type: ignore[no-untyped-def]
    code, output = cli("backup", "create", "--dir", str(tmp_path), "--keep", "1")
    assert code == 0, output
    dump = Path(output.strip().splitlines()[-1])
    assert dump.is_file() and dump.name.startswith("marketsync-sqlite-") and list_backups(tmp_path) == [dump]

    code, output = cli("backup", "restore", str(dump), "--to", "postgresql+psycopg://postgres@127.0.0.1/none")
    assert code == 1 and "is a sqlite dump; the target is postgresql" in output
    code, output = cli("backup", "restore", str(dump), "--to", f"sqlite:///{tmp_path / 'copy.db'}")
    assert code == 0, output
    assert revision(f"sqlite:///{tmp_path / 'copy.db'}") is not None


def test_the_deploy_scripts_back_up_and_restore(sqlite_engine, tmp_path):  # type: ignore[no-untyped-def]
    scripts = Path(__file__).resolve().parents[3] / "deploy" / "scripts"
    env = {**os.environ, "MARKETSYNC": f"{sys.executable} -m marketsync", "BACKUP_DIR": str(tmp_path / "dumps")}
    made = subprocess.run([str(scripts / "backup.sh"), "--keep", "3"], env=env, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    dump = made.stdout.strip().splitlines()[-1]
    target = f"sqlite:///{tmp_path / 'from-script.db'}"
    restored = subprocess.run([str(scripts / "restore.sh"), dump, target], env=env, capture_output=True, text=True)
    assert restored.returncode == 0, restored.stderr
    assert "database is up to date" in restored.stdout and revision(target) is not None
