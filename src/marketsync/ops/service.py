"""The read-only switch and the breakers' page data. `install()` (called by every entry point) puts the switch in
front of every outbound write (marketsync.http) and records each breaker's state changes."""

from __future__ import annotations

import logging
import threading
import time

import pybreaker
from sqlalchemy import select
from sqlalchemy.orm import Session

from marketsync.db import session_scope, upsert, utcnow
from marketsync.http_limits import add_breaker_listener
from marketsync.ops.models import BreakerState, OpsSwitch
from marketsync.write_guard import set_write_guard

log = logging.getLogger(__name__)
READ_ONLY = "read_only"
# Every write asks; the answer is read again at most this often per process (a switch reaches every worker within
# this many seconds, and a sync of thousands of writes costs a handful of reads).
CACHE_SECONDS = 2.0


class _SwitchCache:
    """The read-only switch as this process last read it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.value = False
        self.read_at = float("-inf")

    def forget(self) -> None:
        """Read the switch again at the next write."""
        with self.lock:
            self.read_at = float("-inf")

    def __call__(self) -> bool:
        with self.lock:
            if time.monotonic() - self.read_at < CACHE_SECONDS:
                return self.value
            try:
                with session_scope() as session:
                    self.value = read_only(session)
            except Exception:  # the database down: keep the last answer; the sync will fail on it anyway
                log.warning("could not read the read-only switch; keeping %s", self.value, exc_info=True)
            self.read_at = time.monotonic()
            return self.value


_cache = _SwitchCache()


def read_only(session: Session) -> bool:
    """Whether the read-only switch is on."""
    return bool(session.scalar(select(OpsSwitch.enabled).where(OpsSwitch.name == READ_ONLY)))


def switch(session: Session, name: str = READ_ONLY) -> OpsSwitch | None:
    """The switch's row (who changed it, when), None when never changed."""
    return session.get(OpsSwitch, name)


def set_read_only(session: Session, *, enabled: bool, by: int | None = None) -> None:
    """Turn read-only mode on (every write to every external system stops) or off."""
    row = session.get(OpsSwitch, READ_ONLY)
    if row is None:
        session.add(OpsSwitch(name=READ_ONLY, enabled=enabled, changed_by=by, changed_at=utcnow()))
    else:
        row.enabled, row.changed_by, row.changed_at = enabled, by, utcnow()
    session.flush()
    _cache.forget()


def breaker_states(session: Session) -> list[BreakerState]:
    """Every breaker's last reported state, open ones first."""
    rows = session.scalars(select(BreakerState).order_by(BreakerState.system, BreakerState.key))
    return sorted(rows, key=lambda row: row.state == "closed")


class _BreakerRecorder(pybreaker.CircuitBreakerListener):
    """Writes each state change of a breaker to breaker_states, for the operations page."""

    def state_change(self, cb: pybreaker.CircuitBreaker, old_state: pybreaker.CircuitBreakerState | None,
                     new_state: pybreaker.CircuitBreakerState) -> None:
        key = str(cb.name)
        try:
            with session_scope() as session:
                upsert(session, BreakerState, [{"key": key[:160], "system": key.split(":", 1)[0][:32],
                                                "state": new_state.name, "failures": cb.fail_counter,
                                                "changed_at": utcnow()}], keys=["key"],
                       update=["system", "state", "failures", "changed_at"])
        except Exception:  # a page's data: never fail the request whose breaker changed
            log.warning("could not record breaker %s going %s", key, new_state.name, exc_info=True)


def install() -> None:
    """Put the read-only switch before every outbound write and record the breakers' state changes."""
    set_write_guard(_cache)
    add_breaker_listener(_BreakerRecorder())
