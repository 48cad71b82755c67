"""Casdoor bridge use cases the tasks, beat and the admin page call: whether the bridge is on, sending one user's
mirror, re-sending every mirror that is behind, and listing them. Nothing above this module touches the mirror
table or the Casdoor client."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync.accounts.models import User
from marketsync.casdoor.mirror import Wish, push
from marketsync.casdoor.models import CasdoorMirror
from marketsync.casdoor.outbox import backoff
from marketsync.connectors.casdoor.client import CasdoorClient
from marketsync.connectors.errors import ConnectorError, RejectedError
from marketsync.db import session_scope, utcnow
from marketsync.settings import get_settings

log = logging.getLogger(__name__)
RESEND_BATCH = 200
ERROR_MAX = 500


def enabled() -> bool:
    """Whether the bridge is on (CASDOOR_CLIENT_ID set)."""
    return bool(get_settings().CASDOOR_CLIENT_ID)


def open_client() -> CasdoorClient:
    """Return a client of the configured Casdoor application (two attempts: beat re-sends anyway)."""
    settings = get_settings()
    return CasdoorClient(settings.CASDOOR_URL, settings.CASDOOR_CLIENT_ID, settings.CASDOOR_CLIENT_SECRET,
                         settings.CASDOOR_ORGANIZATION, max_attempts=2)


def _wish(session: Session, user_id: int) -> Wish | None:
    row = session.get(CasdoorMirror, user_id)
    if row is None or row.synced_version >= row.version:
        return None
    return Wish(row.user_id, row.name, row.version, dict(row.desired or {}), row.balance, row.balance_field)


def _done(engine: Engine, wish: Wish, balance_field: str) -> None:
    with session_scope(engine) as session:
        # A newer wish recorded meanwhile keeps the row behind: only the version sent is marked.
        session.execute(update(CasdoorMirror)
                        .where(CasdoorMirror.user_id == wish.user_id, CasdoorMirror.synced_version < wish.version)
                        .values(synced_version=wish.version, attempts=0, last_error=None, next_attempt_at=None,
                                synced_at=utcnow(), balance_field=balance_field)
                        .execution_options(synchronize_session=False))


def _failed(engine: Engine, user_id: int, error: str) -> None:
    with session_scope(engine) as session:
        row = session.get(CasdoorMirror, user_id)
        if row is not None:
            row.attempts += 1
            row.last_error = error[:ERROR_MAX]
            row.next_attempt_at = utcnow() + backoff(row.attempts)


def sync_user(engine: Engine, user_id: int, client: CasdoorClient | None = None) -> bool | None:
    """Send one user's mirror if it is behind; True when Casdoor confirmed it, False when Casdoor refused it,
    None when Casdoor could not be reached (the row keeps the error for beat)."""
    if not enabled():
        return True
    with session_scope(engine) as session:
        wish = _wish(session, user_id)
    if wish is None:
        return True
    own = client is None
    client = client or open_client()
    try:
        field = push(client, wish, application=get_settings().CASDOOR_APPLICATION)
    except RejectedError as exc:
        log.warning("casdoor refused the mirror of user %s: %s", user_id, exc)
        _failed(engine, user_id, str(exc))
        return False
    except ConnectorError as exc:
        log.info("casdoor unreachable for user %s: %s", user_id, exc)
        _failed(engine, user_id, str(exc))
        return None
    finally:
        if own:
            client.close()
    _done(engine, wish, field)
    return True


def _due(engine: Engine, limit: int, now: datetime) -> list[int]:
    with session_scope(engine) as session:
        return list(session.scalars(
            select(CasdoorMirror.user_id)
            .where(CasdoorMirror.synced_version < CasdoorMirror.version,
                   or_(CasdoorMirror.next_attempt_at.is_(None), CasdoorMirror.next_attempt_at <= now))
            .order_by(CasdoorMirror.next_attempt_at, CasdoorMirror.user_id).limit(limit)))


def resend_behind(engine: Engine, *, limit: int = RESEND_BATCH, now: datetime | None = None) -> int:
    """Beat entry: send every mirror that is behind and due by `now`, stopping at the first sign Casdoor is away;
    return how many were confirmed."""
    if not enabled():
        return 0
    confirmed = 0
    client = open_client()
    try:
        for user_id in _due(engine, limit, now or utcnow()):
            outcome = sync_user(engine, user_id, client)
            if outcome is None:
                break  # Casdoor is away: the rest waits for the next tick rather than hammering it
            confirmed += int(outcome)
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
    rows = session.execute(select(CasdoorMirror, User).join(User, and_(User.id == CasdoorMirror.user_id))
                           .where(lagging).order_by(CasdoorMirror.updated_at, CasdoorMirror.user_id).limit(limit))
    return [BehindRow(m.user_id, u.label, m.name, m.version, m.synced_version, m.attempts, m.last_error,
                      m.next_attempt_at, m.updated_at) for m, u in rows], total
