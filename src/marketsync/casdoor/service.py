"""Casdoor bridge use cases the tasks, beat and the admin page call: whether the bridge is on, sending one user's
mirror, re-sending every mirror that is behind, and listing them. Nothing above this module touches the mirror
table or the Casdoor client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync.accounts.models import User
from marketsync.casdoor.models import CasdoorMirror
from marketsync.casdoor.sender import Outcome, send
from marketsync.connectors.casdoor.client import CasdoorClient
from marketsync.db import session_scope, utcnow
from marketsync.settings import get_settings

__all__ = ["BehindRow", "Outcome", "behind", "enabled", "open_client", "resend_behind", "sync_user"]

RESEND_BATCH = 200
CLIENT_TIMEOUT_SECONDS = 5.0


def enabled() -> bool:
    """Whether the bridge is on (CASDOOR_CLIENT_ID set)."""
    return bool(get_settings().CASDOOR_CLIENT_ID)


def open_client() -> CasdoorClient:
    """Return a client of the configured Casdoor application (two attempts, short timeouts: beat re-sends)."""
    settings = get_settings()
    return CasdoorClient(settings.CASDOOR_URL, settings.CASDOOR_CLIENT_ID, settings.CASDOOR_CLIENT_SECRET,
                         settings.CASDOOR_ORGANIZATION, max_attempts=2, timeout=CLIENT_TIMEOUT_SECONDS)


def sync_user(engine: Engine, user_id: int, client: CasdoorClient | None = None) -> Outcome:
    """Send one user's mirror if it is behind (the task after a change, and beat for each row behind)."""
    if not enabled():
        return Outcome.NOTHING
    own = client is None
    client = client or open_client()
    try:
        return send(engine, user_id, client, get_settings().CASDOOR_APPLICATION)
    finally:
        if own:
            client.close()


def _due(engine: Engine, limit: int, now: datetime | None) -> list[int]:
    """The rows behind, oldest first; only those whose backoff is over by `now` unless `now` is None."""
    lagging = CasdoorMirror.synced_version < CasdoorMirror.version
    wait_over = or_(CasdoorMirror.next_attempt_at.is_(None), CasdoorMirror.next_attempt_at <= now) \
        if now is not None else lagging
    with session_scope(engine) as session:
        return list(session.scalars(select(CasdoorMirror.user_id).where(lagging, wait_over)
                                    .order_by(CasdoorMirror.next_attempt_at, CasdoorMirror.user_id).limit(limit)))


def _send_all(engine: Engine, client: CasdoorClient, user_ids: list[int]) -> tuple[int, bool]:
    confirmed = 0
    for user_id in user_ids:
        outcome = sync_user(engine, user_id, client)
        if outcome is Outcome.AWAY:
            return confirmed, False  # the rest waits for the next tick rather than hammering an absent Casdoor
        confirmed += outcome is Outcome.SENT
    return confirmed, True


def resend_behind(engine: Engine, *, limit: int = RESEND_BATCH, now: datetime | None = None) -> int:
    """Beat entry: send every mirror that is behind and due by `now`, stopping at the first sign Casdoor is away;
    once Casdoor answered, the rows still waiting out their backoff go too. Return how many Casdoor confirmed."""
    if not enabled():
        return 0
    client = open_client()
    try:
        confirmed, answered = _send_all(engine, client, _due(engine, limit, now or utcnow()))
        if confirmed and answered:
            # Casdoor is back: a backoff only spares a Casdoor that is away, so nothing need wait for it now.
            more, _answered = _send_all(engine, client, _due(engine, limit, None))
            confirmed += more
    finally:
        client.close()
    return confirmed


@dataclass(frozen=True)
class BehindRow:
    """One user whose Casdoor mirror is behind, for the admin page."""

    user_id: int
    label: str
    name: str
    version: int
    synced_version: int
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    updated_at: datetime


def behind(session: Session, *, limit: int = 500) -> tuple[list[BehindRow], int]:
    """Return the users whose mirror is behind (oldest wish first) and how many there are."""
    lagging = CasdoorMirror.synced_version < CasdoorMirror.version
    total = session.scalar(select(func.count()).select_from(CasdoorMirror).where(lagging)) or 0
    rows = session.execute(select(CasdoorMirror, User).join(User, User.id == CasdoorMirror.user_id)
                           .where(lagging).order_by(CasdoorMirror.updated_at, CasdoorMirror.user_id).limit(limit))
    return [BehindRow(m.user_id, u.label, m.name, m.version, m.synced_version, m.attempts, m.last_error,
                      m.next_attempt_at, m.updated_at) for m, u in rows], total
