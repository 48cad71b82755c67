"""Sending one user's mirror: claim the row (a lease, so one sender per user at a time), push the wish it holds to
Casdoor, then mark that version confirmed, or record the failure with its backoff. A sender that finds the row
changed meanwhile sends again, so a change whose own task found the row busy is not left for beat."""

from __future__ import annotations

import logging
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine

from marketsync.casdoor.mirror import Wish, push
from marketsync.casdoor.models import CasdoorMirror
from marketsync.casdoor.outbox import backoff
from marketsync.connectors.casdoor.client import CasdoorClient
from marketsync.connectors.errors import ConfigError, ConnectorError, RejectedError
from marketsync.db import session_scope, utcnow

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)  # longer than the slowest push (five requests, two attempts of 5 s each)
ROUNDS = 3
ERROR_MAX = 500


class Outcome(StrEnum):
    """How one send ended."""

    SENT = "sent"  # Casdoor confirmed the latest wish
    NOTHING = "nothing"  # the mirror was not behind
    BUSY = "busy"  # another sender holds the row (it sends what is newer when it is done)
    REFUSED = "refused"  # Casdoor answered status "error": the row keeps the message, beat tries again
    AWAY = "away"  # Casdoor did not answer (down, 5xx, timeout): the row keeps the error, beat tries again


def _claim(engine: Engine, user_id: int) -> Wish | Outcome:
    now = utcnow()
    with session_scope(engine) as session:
        claimed = session.execute(
            update(CasdoorMirror)
            .where(CasdoorMirror.user_id == user_id, CasdoorMirror.synced_version < CasdoorMirror.version,
                   or_(CasdoorMirror.lease_until.is_(None), CasdoorMirror.lease_until < now))
            .values(lease_until=now + LEASE).execution_options(synchronize_session=False))
        row = session.get(CasdoorMirror, user_id)
        if getattr(claimed, "rowcount", 0) != 1 or row is None:
            behind = row is not None and row.synced_version < row.version
            return Outcome.BUSY if behind else Outcome.NOTHING
        return Wish(row.user_id, row.name, row.version, dict(row.desired or {}), row.balance, row.balance_field)


def _done(engine: Engine, wish: Wish, balance_field: str) -> None:
    with session_scope(engine) as session:
        # Only the version sent is marked: a wish recorded meanwhile keeps the row behind. (A sender whose lease
        # ran out and was overtaken marks nothing: the newer sender's mark stands.)
        session.execute(update(CasdoorMirror)
                        .where(CasdoorMirror.user_id == wish.user_id, CasdoorMirror.synced_version < wish.version)
                        .values(synced_version=wish.version, attempts=0, last_error=None, next_attempt_at=None,
                                lease_until=None, synced_at=utcnow(), balance_field=balance_field)
                        .execution_options(synchronize_session=False))


def _failed(engine: Engine, user_id: int, error: str) -> None:
    with session_scope(engine) as session:
        row = session.get(CasdoorMirror, user_id)
        if row is not None:
            row.attempts += 1
            row.last_error = error[:ERROR_MAX]
            row.next_attempt_at = utcnow() + backoff(row.attempts)
            row.lease_until = None


def send(engine: Engine, user_id: int, client: CasdoorClient, application: str) -> Outcome:
    """Bring Casdoor's copy of one user up to the row's latest wish (see the module docstring)."""
    outcome = Outcome.NOTHING
    for _round in range(ROUNDS):
        wish = _claim(engine, user_id)
        if isinstance(wish, Outcome):
            return outcome if wish is Outcome.NOTHING else wish
        try:
            field = push(client, wish, application=application)
        except RejectedError as exc:
            log.warning("casdoor refused the mirror of user %s: %s", user_id, exc)
            _failed(engine, user_id, str(exc))
            return Outcome.REFUSED
        except ConfigError as exc:  # 401/403: retried with the others, but the operator has something to fix
            log.warning("casdoor refused our credentials (CASDOOR_CLIENT_ID / CASDOOR_CLIENT_SECRET) for user %s: %s",
                        user_id, exc)
            _failed(engine, user_id, f"{exc}: check CASDOOR_CLIENT_ID and CASDOOR_CLIENT_SECRET")
            return Outcome.AWAY
        except ConnectorError as exc:
            log.info("casdoor unreachable for user %s: %s", user_id, exc)
            _failed(engine, user_id, str(exc))
            return Outcome.AWAY
        except BaseException:
            _failed(engine, user_id, "unexpected error (see the worker's log)")
            raise
        _done(engine, wish, field)
        outcome = Outcome.SENT
    return outcome
