"""GET /health: is the database answering and is the task broker reachable (Redis PING or the embedded
SQLite broker file). No session, no CSRF; 200 when both are fine, else 503."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from marketsync.db import ping_database
from marketsync.worker import ping_broker

router = APIRouter(tags=["health"])
PROBE_TIMEOUT_SECONDS = 3


def _failure(exc: Exception) -> str:
    # Only the kind of failure: the message could carry a connection URL with a password.
    return f"error: {type(exc).__name__}"


def check_database() -> str:
    """Run SELECT 1 on the application database; return "ok" or the kind of error."""
    try:
        ping_database()
    except Exception as exc:
        return _failure(exc)
    return "ok"


def check_broker() -> str:
    """PING Redis, or open the embedded SQLite broker database; return "ok" or the kind of error."""
    try:
        ping_broker(timeout=PROBE_TIMEOUT_SECONDS)
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
