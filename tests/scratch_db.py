"""A scratch database on the PostgreSQL or MariaDB test server, dropped and created empty."""

from __future__ import annotations

from sqlalchemy import create_engine, text


def recreate_database(admin_url: str, name: str, kind: str) -> None:
    """Drop the database `name` (closing its connections on PostgreSQL) and create it empty."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if kind == "postgresql":
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            else:
                conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
                conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    finally:
        admin.dispose()
