"""Alembic environment: the URL comes from the config (set by `marketsync migrate`) or DATABASE_URL."""

from __future__ import annotations

from alembic import context

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


def run_migrations_online() -> None:
    """Apply migrations over a connection (batch mode, so SQLite can alter tables)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().DATABASE_URL
    engine = make_engine(url)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
