"""Engine, session factory and the declarative Base shared by every feature's models.

SQLite runs in WAL mode with a busy timeout so the web, the worker and the CLI can share one file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, MetaData, create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from marketsync.settings import get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a constraint-naming convention, so migrations are portable."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored naive in UTC and always returned timezone-aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        # MySQL/MariaDB DATETIME drops fractions by default; "refreshed before this read" needs microseconds.
        if dialect.name in {"mysql", "mariadb"}:
            from sqlalchemy.dialects.mysql import DATETIME

            return dialect.type_descriptor(DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not accepted; use UTC-aware values")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for SQLite, PostgreSQL or MariaDB with the project's connection rules."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() in {"mysql", "mariadb"}:
        kwargs.setdefault("pool_recycle", 3600)
        # InnoDB's default REPEATABLE READ takes gap locks that make two tenants' bulk upserts deadlock.
        kwargs.setdefault("isolation_level", "READ COMMITTED")
        if "charset" not in parsed.query:
            url = parsed.update_query_dict({"charset": "utf8mb4"}).render_as_string(hide_password=False)
    kwargs.setdefault("pool_pre_ping", True)
    settings = get_settings()
    if settings.DB_POOL_SIZE:
        kwargs.setdefault("pool_size", settings.DB_POOL_SIZE)
    if settings.DB_POOL_RECYCLE:
        kwargs["pool_recycle"] = settings.DB_POOL_RECYCLE
    return create_engine(url, **kwargs)


_engines: dict[str, Engine] = {}
UPSERT_CHUNK = 500


def get_engine(url: str | None = None) -> Engine:
    """Return the process-wide engine for a URL (defaults to DATABASE_URL)."""
    from marketsync.settings import get_settings

    url = url or get_settings().DATABASE_URL
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def ping_database(url: str | None = None) -> None:
    """Run SELECT 1 on a database (the application's by default); raise when it does not answer."""
    with get_engine(url).connect() as conn:
        conn.execute(text("SELECT 1"))


def is_transient_db_error(exc: BaseException) -> bool:
    """Whether a database error is a deadlock or lock timeout that a retried transaction can get past."""
    from sqlalchemy.exc import OperationalError

    if not isinstance(exc, OperationalError):
        return False
    text = str(exc.orig).lower()
    code = getattr(exc.orig, "args", [None])[0]
    return code in (1213, 1205) or "deadlock" in text or "database is locked" in text \
        or "could not serialize" in text


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    """Return a session factory bound to an engine (defaults to DATABASE_URL's)."""
    return sessionmaker(bind=engine or get_engine(), expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """Open a session for an entry point: commit on success, roll back on error, always close."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def upsert(session: Session, model: type[Base], rows: list[dict[str, Any]], *, keys: list[str],
           update: list[str]) -> None:
    """Insert rows or update `update` columns on a conflict over `keys` (SQLite, PostgreSQL, MariaDB)."""
    if not rows:
        return
    # One statement may not touch a row twice (PostgreSQL refuses), so the last duplicate wins.
    unique = list({tuple(r[k] for k in keys): r for r in rows}.values())
    for start in range(0, len(unique), UPSERT_CHUNK):
        _upsert_chunk(session, model, unique[start:start + UPSERT_CHUNK], keys=keys, update=update)


def _upsert_chunk(session: Session, model: type[Base], rows: list[dict[str, Any]], *, keys: list[str],
                  update: list[str]) -> None:
    from sqlalchemy.dialects import mysql, postgresql, sqlite

    table: Any = model.__table__
    dialect = session.get_bind().dialect.name
    stmt: Any
    if dialect in {"mysql", "mariadb"}:
        stmt = mysql.insert(table).values(rows)
        stmt = stmt.on_duplicate_key_update({c: stmt.inserted[c] for c in update})
    else:
        stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table).values(rows)
        stmt = stmt.on_conflict_do_update(index_elements=keys, set_={c: stmt.excluded[c] for c in update})
    session.execute(stmt)


def insert_ignore(session: Session, model: type[Base], rows: list[dict[str, Any]], *, keys: list[str]) -> None:
    """Insert rows, leaving alone every row whose unique `keys` already exist (SQLite, PostgreSQL, MariaDB)."""
    from sqlalchemy.dialects import mysql, postgresql, sqlite

    table: Any = model.__table__
    dialect = session.get_bind().dialect.name
    unique = list({tuple(r[k] for k in keys): r for r in rows}.values())
    for start in range(0, len(unique), UPSERT_CHUNK):
        chunk = unique[start:start + UPSERT_CHUNK]
        stmt: Any
        if dialect in {"mysql", "mariadb"}:
            # Not INSERT IGNORE, which would also swallow other errors (a too long value, a broken key):
            # a duplicate sets its own key to itself, a no-op.
            stmt = mysql.insert(table).values(chunk)
            stmt = stmt.on_duplicate_key_update({keys[0]: table.c[keys[0]]})
        else:
            stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table).values(chunk)
            stmt = stmt.on_conflict_do_nothing(index_elements=keys)
        session.execute(stmt)
