"""Alembic environment: the URL comes from the config (set by `marketsync migrate`) or DATABASE_URL.

SQLite: batch mode alters a table by copying it, dropping the old one and renaming the copy; with foreign keys on,
that DROP TABLE deletes (ON DELETE CASCADE) every row pointing at the table. So foreign keys are turned off for the
migration — outside its transaction, where SQLite ignores the pragma — and `PRAGMA foreign_key_check` must come back
empty before the migration commits (Alembic's docs: "Dealing with Referencing Tables" under batch mode)."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from marketsync.db import make_engine
from marketsync.models import metadata
from marketsync.settings import get_settings

config = context.config


def run_migrations_offline() -> None:
    """Emit SQL without a connection."""
    url = config.get_main_option("sqlalchemy.url") or get_settings().DATABASE_URL
    context.configure(url=url, target_metadata=metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


class ForeignKeyViolationError(RuntimeError):
    """A migration left rows pointing at rows that do not exist (SQLite's foreign_key_check found them)."""


def _migrate(conn: Connection) -> None:
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        if conn.in_transaction():  # the pragma is a no-op inside a transaction
            conn.commit()
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise ForeignKeyViolationError(f"the migration broke foreign keys: {broken[:10]}")
        if sqlite and conn.in_transaction():
            conn.commit()
    finally:
        if sqlite:
            if conn.in_transaction():
                conn.rollback()
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")


def run_migrations_online() -> None:
    """Apply migrations over a connection (batch mode, so SQLite can alter tables)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().DATABASE_URL
    engine = make_engine(url)
    with engine.connect() as conn:
        _migrate(conn)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
