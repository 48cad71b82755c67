"""GET /health: is the database answering and is the task broker reachable (Redis PING or the embedded
SQLite broker file). No session, no CSRF; 200 when both are fine, else 503."""

from __future__ import annotations

import sqlite3

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.engine import make_url

from marketsync.db import get_engine
from marketsync.settings import get_settings

router = APIRouter(tags=["health"])
PROBE_TIMEOUT_SECONDS = 3


def _failure(exc: Exception) -> str:
    # Only the kind of failure: the message could carry a connection URL with a password.
    return f"error: {type(exc).__name__}"


def check_database() -> str:
    """Run SELECT 1 on the application database; return "ok" or the kind of error."""
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return _failure(exc)
    return "ok"


def check_broker() -> str:
    """PING Redis, or open the embedded SQLite broker database; return "ok" or the kind of error."""
    settings = get_settings()
    try:
        if settings.REDIS_URL:
            import redis

            client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=PROBE_TIMEOUT_SECONDS,
                                          socket_connect_timeout=PROBE_TIMEOUT_SECONDS)
            try:
                client.ping()
            finally:
                client.close()
            return "ok"
        url = make_url(settings.BROKER_DATABASE_URL)
        if url.get_backend_name() != "sqlite":
            with get_engine(settings.BROKER_DATABASE_URL).connect() as conn:
                conn.execute(text("SELECT 1"))
            return "ok"
        # The worker creates the file on first use too; a missing folder or a locked/corrupt file fails here.
        connection = sqlite3.connect(url.database or ":memory:", timeout=PROBE_TIMEOUT_SECONDS)
        try:
            connection.execute("SELECT 1").fetchone()
        finally:
            connection.close()
    except Exception as exc:
        return _failure(exc)
    return "ok"


@router.get("/health")
def health() -> JSONResponse:
    """Report whether the database and the broker answer (for load balancers and monitoring)."""
    database, broker = check_database(), check_broker()
    ok = database == "ok" and broker == "ok"
    return JSONResponse({"status": "ok" if ok else "degraded", "database": database, "broker": broker},
                        status_code=200 if ok else 503)
