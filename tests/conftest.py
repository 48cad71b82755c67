"""Shared fixtures: settings per test, the database over SQLite/PostgreSQL/MariaDB, a live sandbox server.

The schema is created once per database and tables are emptied between tests (the exporter commits, so a
transaction cannot be rolled back). PostgreSQL and MariaDB tests skip, saying why, when the server is
absent, unless MARKETSYNC_REQUIRE_SERVICES=1 (CI), where a missing server fails the run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from marketsync import http as http_module
from marketsync import http_limits
from marketsync.accounts import throttle
from marketsync.cli.migrate import alembic_config
from marketsync.db import _engines, make_engine
from marketsync.models import metadata
from marketsync.sandbox.server import ServerThread
from marketsync.sandbox.smtp import SmtpSink
from marketsync.settings import get_settings

REQUIRE = os.environ.get("MARKETSYNC_REQUIRE_SERVICES") == "1"
PG_ADMIN = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
MY_ADMIN = os.environ.get("TEST_MARIADB_ADMIN_URL", "mysql+pymysql://root@127.0.0.1:3306/")
TEST_DB = os.environ.get("MARKETSYNC_TEST_DB", "marketsync_test")  # one per parallel checkout


def _server_url(kind: str) -> str | None:
    """Create the test database when needed and return its URL, or None when the server is absent."""
    admin_url, url = {
        "postgresql": (PG_ADMIN, f"postgresql+psycopg://postgres@127.0.0.1:5432/{TEST_DB}"),
        "mariadb": (MY_ADMIN, f"mysql+pymysql://root@127.0.0.1:3306/{TEST_DB}?charset=utf8mb4"),
    }[kind]
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if kind == "postgresql":
                exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": TEST_DB})
                if not exists:
                    conn.execute(text(f'CREATE DATABASE "{TEST_DB}"'))
            else:
                conn.execute(text(f"CREATE DATABASE IF NOT EXISTS `{TEST_DB}` CHARACTER SET utf8mb4"))
        admin.dispose()
    except Exception as exc:  # the server is not there
        message = f"{kind} is not reachable ({type(exc).__name__}: {exc})"
        if REQUIRE:
            pytest.fail(f"MARKETSYNC_REQUIRE_SERVICES=1 but {message}")
        print(f"\nSKIP reason: {message}")
        return None
    return url


_schema_engines: dict[str, Engine] = {}


def _engine_for(kind: str, tmp_root: Path) -> Engine:
    if kind in _schema_engines:
        return _schema_engines[kind]
    if kind == "sqlite":
        url = f"sqlite:///{tmp_root / 'test.db'}"
    else:
        url = _server_url(kind)
        if url is None:
            pytest.skip(f"{kind} server absent (set MARKETSYNC_REQUIRE_SERVICES=1 to fail instead)")
    engine = make_engine(url)
    metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    # The schema comes from the migrations, so every dialect also proves they run.
    command.upgrade(alembic_config(url), "head")
    _schema_engines[kind] = engine
    return engine


def empty_tables(engine: Engine) -> None:
    """Delete every row of every table, children first."""
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(scope="session")
def tmp_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for this test session's files."""
    return tmp_path_factory.mktemp("marketsync")


@pytest.fixture(scope="session")
def sandbox() -> Iterator[ServerThread]:
    """The sandbox of every external service, served over real HTTP for the whole session."""
    from marketsync.sandbox.app import create_sandbox_app
    from marketsync.sandbox.state import default_state

    with ServerThread(create_sandbox_app(default_state())) as server:
        yield server


@pytest.fixture
def sandbox_state(sandbox: ServerThread):  # type: ignore[no-untyped-def]
    """The sandbox's state, reset for this test, with rate limits relaxed for speed."""
    from marketsync.sandbox.state import default_state

    state = default_state()
    state.reset()
    state.vk.rate_limit = None
    state.evotor.rate_limit = None
    state.wildberries.relax_limits()
    yield state
    state.reset()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_root: Path, sandbox: ServerThread) -> Iterator[dict[str, str]]:
    """Settings for one test: the sandbox's URLs, fast retries, a private rate-limit file."""
    values = {
        "MARKETSYNC_ENV": "development",
        "SECRET_KEY": "test-secret-key",
        "EVOTOR_API_URL": f"{sandbox.url}/evotor",
        "VK_API_URL": f"{sandbox.url}/vk",
        "YM_API_URL": f"{sandbox.url}/yandex_market",
        **{f"WB_{host.upper()}_API_URL": f"{sandbox.url}/wildberries/{host}"
           for host in ("content", "marketplace", "statistics", "feedbacks", "prices", "common")},
        "OZON_API_URL": f"{sandbox.url}/ozon",
        "HTTP_BACKOFF_MAX_SECONDS": "2",
        "HTTP_TIMEOUT_SECONDS": "10",
        "VK_REQUESTS_PER_SECOND": "1000",
        "EVOTOR_REQUESTS_PER_SECOND": "1000",
        "WB_STATISTICS_REQUESTS_PER_MINUTE": "1000",
        "WB_API_RATE_LIMIT": "100000",  # our own WB pace off, unless a test is about it
        "WB_API_INTERVAL": "0",
        "WB_RATE_LIMIT_BACKOFF_MAX_SECONDS": "2",
        "RATE_LIMIT_DB_PATH": str(tmp_root / "ratelimit.sqlite"),
        "BROKER_DATABASE_URL": f"sqlite:///{tmp_root / 'broker.db'}",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("REDIS_URL", raising=False)
    get_settings.cache_clear()
    http_module.reset_breakers()
    throttle.reset_all()
    yield values
    http_limits.reset_limiters()  # each test's credentials are new: their limiters would pile up for the session
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[SmtpSink]:
    """The sandbox SMTP sink on a free port, for the whole test session."""
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def mailbox(env: dict[str, str], smtp_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch) -> list[EmailMessage]:
    """Send this test's mail over real SMTP to the sink; return the list the caught mails land in."""
    smtp_sink.messages.clear()
    for key, value in {"EMAIL_PROVIDER": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_sink.port),
                       "SMTP_TLS": "none", "BASE_URL": "http://testserver"}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    return smtp_sink.messages


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def engine(request: pytest.FixtureRequest, env: dict[str, str], tmp_root: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """An empty database of each kind, also set as DATABASE_URL for code that opens its own engine."""
    engine = _engine_for(request.param, tmp_root)
    empty_tables(engine)
    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    _engines[url] = engine
    yield engine


@pytest.fixture
def sqlite_engine(env: dict[str, str], tmp_root: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """An empty SQLite database only (for tests whose subject is not the dialect)."""
    engine = _engine_for("sqlite", tmp_root)
    empty_tables(engine)
    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    _engines[url] = engine
    yield engine


@pytest.fixture
def scratch_redis() -> Callable[[str], str]:
    """Return a function that empties a scratch Redis database and gives back its URL; it skips the test when
    Redis is absent (fails it under MARKETSYNC_REQUIRE_SERVICES=1)."""
    import redis

    def empty(url: str) -> str:
        try:
            redis.Redis.from_url(url).flushdb()
        except redis.ConnectionError as exc:
            if REQUIRE:
                pytest.fail(f"MARKETSYNC_REQUIRE_SERVICES=1 but Redis is not reachable: {exc}")
            pytest.skip(f"Redis is not reachable ({exc})")
        return url

    return empty
