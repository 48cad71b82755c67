"""Backups of the application database and their restore, for `marketsync backup` (and deploy/scripts/).

SQLite is copied with its online backup API (consistent while the product writes); PostgreSQL is dumped by
pg_dump in its custom format and restored by pg_restore in one transaction; MariaDB/MySQL by mariadb-dump
(--single-transaction, gzip-compressed) and replayed by the mariadb client. A dump is written under a
temporary name and renamed when complete, so a failed dump never counts as a backup and rotation (the newest
`keep` stay) runs only after a good one. Passwords reach the tools through their environment (PGPASSWORD,
MYSQL_PWD), never their command line, which other users of the host can read.
"""

from __future__ import annotations

import gzip
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, make_url

PREFIX = "marketsync-"
SUFFIXES = {"sqlite": ".sqlite", "postgresql": ".pgdump", "mysql": ".sql.gz"}
COPY_CHUNK = 1024 * 1024


class BackupError(RuntimeError):
    """A backup or restore that could not be made; the message says why (never with a password)."""


def _kind(url: URL) -> str:
    backend = url.get_backend_name()
    kind = "mysql" if backend in ("mysql", "mariadb") else backend
    if kind not in SUFFIXES:
        raise BackupError(f"backups support SQLite, PostgreSQL and MariaDB, not {backend}")
    return kind


def _tool(*names: str) -> str:
    """The first of `names` on PATH (mariadb-dump, else the older mysqldump name)."""
    for name in names:
        if found := shutil.which(name):
            return found
    raise BackupError(f"{names[0]} is not installed (the database's client tools are needed for backups)")


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return Path(url.database)


def _server_args(url: URL, kind: str) -> tuple[list[str], dict[str, str]]:
    """Connection options and environment of pg_* or mariadb* for a server URL."""
    env = dict(os.environ)
    if kind == "postgresql":
        args = ["--host", url.host or "localhost", "--port", str(url.port or 5432),
                "--username", url.username or "postgres"]
        if url.password:
            env["PGPASSWORD"] = str(url.password)
        return args, env
    args = ["--host", url.host or "localhost", "--port", str(url.port or 3306), "--user", url.username or "root",
            "--default-character-set=utf8mb4"]
    if url.password:
        env["MYSQL_PWD"] = str(url.password)
    return args, env


def _run(command: Sequence[str], env: Mapping[str, str], *, stdin: int | None = None,
         stdout: int | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(list(command), env=dict(env), stdin=stdin, stdout=stdout, stderr=subprocess.PIPE)


def _check(process: subprocess.Popen[bytes], what: str) -> None:
    """Wait for a tool; raise its own error text when it failed."""
    _out, err = process.communicate()
    if process.returncode != 0:
        message = err.decode("utf-8", "replace").strip().splitlines()
        raise BackupError(f"{what} failed: {message[-1] if message else f'exit code {process.returncode}'}")


def _sqlite_copy(source_path: Path, target: Path) -> None:
    """Copy a SQLite database page by page with its online backup API (the source opened read-only)."""
    source, copy = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True), sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()


def _dump(url: URL, kind: str, target: Path) -> None:
    """Write a complete dump of the database at `url` to `target`."""
    if kind == "sqlite":
        _sqlite_copy(_sqlite_path(url), target)
        return
    args, env = _server_args(url, kind)
    if kind == "postgresql":
        _check(_run([_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--no-privileges",
                     "--file", str(target), url.database or ""], env), "pg_dump")
        return
    process = _run([_tool("mariadb-dump", "mysqldump"), *args, "--single-transaction", "--quick", "--routines",
                    "--triggers", "--hex-blob", url.database or ""], env, stdout=subprocess.PIPE)
    assert process.stdout is not None
    with gzip.open(target, "wb") as packed:
        shutil.copyfileobj(process.stdout, packed, COPY_CHUNK)
    _check(process, "mariadb-dump")


def backup_name(url: str, now: datetime | None = None) -> str:
    """The file name of a dump made now: marketsync-<kind>-<UTC time>.<suffix>, sortable by time."""
    kind = _kind(make_url(url))
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{PREFIX}{kind}-{stamp}{SUFFIXES[kind]}"


def list_backups(folder: Path) -> list[Path]:
    """The complete dumps in `folder`, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.startswith(PREFIX)
                  and p.name.endswith(tuple(SUFFIXES.values())))


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` dumps; return the deleted ones."""
    if keep < 1:
        raise BackupError("keep at least one backup")
    doomed = list_backups(folder)[:-keep]
    for path in doomed:
        path.unlink()
    return doomed


def create_backup(url: str, folder: Path, *, keep: int, now: datetime | None = None) -> Path:
    """Dump the database at `url` into `folder`, then keep only the newest `keep` dumps; return the new one."""
    parsed = make_url(url)
    kind = _kind(parsed)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / backup_name(url, now)
    partial = target.with_name(target.name + ".partial")
    try:
        _dump(parsed, kind, partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    rotate(folder, keep)
    return target


def _require_empty(url: str) -> None:
    """Refuse to restore over data: the target must have no tables (a fresh database)."""
    engine = create_engine(url)
    try:
        tables = inspect(engine).get_table_names()
    except Exception as exc:
        raise BackupError(f"cannot open the target database ({type(exc).__name__}); create it first") from exc
    finally:
        engine.dispose()
    if tables:
        raise BackupError(f"the target database is not empty ({len(tables)} tables): restore into a new one")


def _kind_of_dump(dump: Path) -> str:
    for kind, suffix in SUFFIXES.items():
        if dump.name.endswith(suffix):
            return kind
    raise BackupError(f"{dump.name} is not a MarketSync backup (.sqlite, .pgdump or .sql.gz)")


def restore_backup(dump: Path, url: str) -> None:
    """Load `dump` into the empty database at `url` (of the same kind); then run `marketsync migrate`."""
    parsed = make_url(url)
    kind = _kind(parsed)
    if not dump.is_file():
        raise BackupError(f"{dump} does not exist")
    if _kind_of_dump(dump) != kind:
        raise BackupError(f"{dump.name} is a {_kind_of_dump(dump)} dump; the target is {kind}")
    if kind == "sqlite":
        target = _sqlite_path(parsed)
        if target.exists() and target.stat().st_size:
            _require_empty(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(dump, target)
        return
    _require_empty(url)
    args, env = _server_args(parsed, kind)
    if kind == "postgresql":
        _check(_run([_tool("pg_restore"), *args, "--no-owner", "--no-privileges", "--exit-on-error",
                     "--single-transaction", "--dbname", parsed.database or "", str(dump)], env), "pg_restore")
        return
    process = _run([_tool("mariadb", "mysql"), *args, parsed.database or ""], env, stdin=subprocess.PIPE)
    assert process.stdin is not None
    try:
        with gzip.open(dump, "rb") as packed:
            shutil.copyfileobj(packed, process.stdin, COPY_CHUNK)
        process.stdin.close()
    except BrokenPipeError:  # the client stopped at an error: its own message says which
        pass
    process.stdin = None  # closed: communicate() must not flush it
    _check(process, "mariadb")
