"""Copy every row of the current database (the embedded SQLite) into an empty PostgreSQL or MariaDB migrated to
the same Alembic revision: parents before children, in batches, in one transaction, verified by row counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from marketsync.db import make_engine
from marketsync.models import metadata

BATCH = 1000  # rows read and inserted at a time: memory stays flat whatever the database's size
# Rows `marketsync migrate` writes into a fresh database (the platform roles): the target may hold them; they are
# replaced by the source's, whose ids the user_roles rows point at.
SEEDED = frozenset({"roles", "permissions", "role_permissions"})
TARGETS = frozenset({"postgresql", "mysql", "mariadb"})
FIRST_TABLE = metadata.sorted_tables[0].name  # the first one copied


class CopyError(Exception):
    """The copy was refused or failed; the target was left as it was."""


@dataclass(frozen=True)
class TableCount:
    """One table's rows in the source and, after the copy, in the target."""

    table: str
    source: int
    target: int


def _revision(conn: Connection) -> tuple[str, ...]:
    return tuple(sorted(MigrationContext.configure(conn).get_current_heads()))


def _count(conn: Connection, table: Table) -> int:
    return int(conn.scalar(select(func.count()).select_from(table)) or 0)


def open_target(url: str, source: Engine) -> Engine:
    """Return an engine for the target URL; CopyError when it is malformed, not PostgreSQL or MariaDB, or the
    source itself."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise CopyError(f"--to is not a database URL: {exc}") from exc
    if parsed.get_backend_name() not in TARGETS:
        raise CopyError(f"--to must be a PostgreSQL or MariaDB URL, not {parsed.get_backend_name()}")
    if parsed.render_as_string(hide_password=False) == source.url.render_as_string(hide_password=False):
        raise CopyError("--to is the current database itself")
    return make_engine(url)


def check_target(src: Connection, dst: Connection) -> None:
    """Refuse a target at another Alembic revision than the source, or holding any row of its own."""
    source_rev, target_rev = _revision(src), _revision(dst)
    if not source_rev:
        raise CopyError("the current database has no schema revision: run `marketsync migrate` on it first")
    if source_rev != target_rev:
        raise CopyError(f"the target is at revision {', '.join(target_rev) or 'none'}, the current database at "
                        f"{', '.join(source_rev)}: run `DATABASE_URL=<target> marketsync migrate` with this "
                        "version first")
    filled = [t.name for t in metadata.sorted_tables if t.name not in SEEDED and _count(dst, t)]
    if filled:
        raise CopyError(f"the target is not empty (rows in {', '.join(filled[:5])}"
                        f"{' …' if len(filled) > 5 else ''}): copy into a freshly migrated database only")


def _copy_table(src: Connection, dst: Connection, table: Table, batch_size: int) -> None:
    keys = [c.key for c in table.columns]
    result = src.execution_options(yield_per=batch_size).execute(select(table).order_by(*table.primary_key.columns))
    for part in result.partitions():
        dst.execute(table.insert(), [dict(zip(keys, row, strict=True)) for row in part])


def _integer_key(table: Table) -> str | None:
    columns = list(table.primary_key.columns)
    if len(columns) == 1 and columns[0].type.python_type is int and columns[0].autoincrement in (True, "auto"):
        return columns[0].name
    return None


def _fix_sequences(dst: Connection) -> None:
    # Rows came with their ids, so the sequences never moved: the next id is set past the largest copied one.
    for table in metadata.sorted_tables:
        column = _integer_key(table)
        if column is None:
            continue
        dst.execute(text(f'SELECT setval(pg_get_serial_sequence(:t, :c), COALESCE(MAX("{column}"), 0) + 1, false) '
                         f'FROM "{table.name}"'), {"t": table.name, "c": column})


def _fix_auto_increment(target: Engine) -> None:
    # ALTER TABLE commits on MariaDB, so this runs after the copy's transaction.
    with target.begin() as dst:
        for table in metadata.sorted_tables:
            column = _integer_key(table)
            if column is None:
                continue
            next_id = int(dst.scalar(text(f"SELECT COALESCE(MAX(`{column}`), 0) + 1 FROM `{table.name}`")) or 1)
            dst.execute(text(f"ALTER TABLE `{table.name}` AUTO_INCREMENT = {next_id}"))


def copy_database(source: Engine, target_url: str, *, batch_size: int = BATCH,
                  progress: Callable[[TableCount], None] | None = None) -> list[TableCount]:
    """Copy every row of `source` into the database at `target_url` and return the rows per table, verified
    equal on both sides. CopyError when the target is refused or a count differs (then nothing is written)."""
    target = open_target(target_url, source)
    counts: list[TableCount] = []
    try:
        with source.connect() as src, target.begin() as dst:
            if source.dialect.name == "sqlite":
                # One read transaction: every table from the same snapshot (WAL), so the parents of every copied
                # row are copied too, even if a forgotten process still writes. pysqlite begins none for a SELECT.
                src.exec_driver_sql("BEGIN")
            check_target(src, dst)
            for table in reversed(metadata.sorted_tables):
                if table.name in SEEDED:
                    dst.execute(table.delete())
            for table in metadata.sorted_tables:
                _copy_table(src, dst, table, batch_size)
                count = TableCount(table.name, _count(src, table), _count(dst, table))
                if count.source != count.target:
                    raise CopyError(f"{table.name}: {count.source} rows in the current database but "
                                    f"{count.target} copied; nothing was written")
                counts.append(count)
                if progress is not None:
                    progress(count)
            if target.dialect.name == "postgresql":
                _fix_sequences(dst)
        if target.dialect.name in {"mysql", "mariadb"}:
            _fix_auto_increment(target)
    except SQLAlchemyError as exc:
        raise CopyError(f"the copy failed, nothing was written: {type(exc).__name__}: {exc}") from exc
    finally:
        target.dispose()
    return counts
