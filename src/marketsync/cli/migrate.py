"""`marketsync migrate`: upgrade the schema, seed the platform roles, declare the broker's queues."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from marketsync.accounts.rbac import ensure_roles
from marketsync.db import session_scope
from marketsync.settings import get_settings

ROOT = Path(__file__).resolve().parents[3]


def alembic_config(url: str | None = None) -> Config:
    """Alembic configuration pointing at the repository's migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", (url or get_settings().DATABASE_URL).replace("%", "%%"))
    return cfg


def migrate_database(url: str | None = None) -> None:
    """Bring the database to the newest revision and seed what must exist."""
    command.upgrade(alembic_config(url), "head")
    with session_scope() as session:
        ensure_roles(session)
    if get_settings().is_embedded:
        from marketsync.worker import celery_app, declare_queues

        declare_queues(celery_app)
