"""Browser sessions in the database: the row a cookie names, signing in and out, and the rotation that gives a
session a new id when its user's privileges or password changed. The web layer sets and reads the cookies."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync.accounts.models import User, WebSession
from marketsync.db import session_scope, utcnow
from marketsync.security import new_token, sha256_hex

SESSION_TTL = timedelta(days=14)


def session_row(session: Session, token: str | None) -> WebSession | None:
    """Return the session row a cookie's token names, if any."""
    if not token:
        return None
    return session.scalar(select(WebSession).where(WebSession.token_hash == sha256_hex(token)))


def signed_in(session: Session, token: str | None) -> tuple[WebSession | None, User | None]:
    """Return the live session row and its user when the user is active (a suspended user is out at once)."""
    row = session_row(session, token)
    if row is None or row.expires_at <= utcnow():
        return row, None
    user = session.get(User, row.user_id)
    return row, user if user is not None and user.status == "active" else None


def needs_rotation(row: WebSession, user: User) -> bool:
    """Whether the session was minted before the user's privileges or password changed."""
    return row.security_stamp != user.security_stamp


def rotate(session: Session, row: WebSession, user: User) -> str | None:
    """Replace the session row by one with a new id, committed at once in its own transaction; return its token.

    A later error in the request rolls the request back, but never the new session: otherwise its cookie would
    name a row that does not exist and sign the user out. Of two requests rotating one session at once only
    one replaces it (the other gets None and keeps the old cookie, so the browser keeps the winner's).
    """
    token = new_token()
    engine = session.get_bind()
    session.expunge(row)  # the row is deleted below, outside this session
    with session_scope(engine if isinstance(engine, Engine) else None) as own:
        won = own.execute(delete(WebSession).where(WebSession.id == row.id)).rowcount  # type: ignore[attr-defined]
        if not won:
            return None
        own.add(_row(token, user, expires_at=row.expires_at, user_agent=row.user_agent))
    return token


def open_session(session: Session, *, user: User, previous_token: str | None, user_agent: str | None) -> str:
    """Sign a user in: drop the previous session (rotation) and the user's expired ones; return the new token."""
    previous = session_row(session, previous_token)
    if previous is not None:
        session.delete(previous)
    session.execute(delete(WebSession).where(WebSession.user_id == user.id, WebSession.expires_at < utcnow()))
    token = new_token()
    session.add(_row(token, user, expires_at=utcnow() + SESSION_TTL,
                     user_agent=user_agent[:255] if user_agent else None))
    session.flush()
    return token


def close_session(session: Session, token: str | None) -> None:
    """Sign out: delete the session row, so the cookie stops working even if it is replayed."""
    row = session_row(session, token)
    if row is not None:
        session.delete(row)
        session.flush()


def _row(token: str, user: User, *, expires_at: datetime, user_agent: str | None) -> WebSession:
    return WebSession(token_hash=sha256_hex(token), user_id=user.id, created_at=utcnow(), expires_at=expires_at,
                      user_agent=user_agent, security_stamp=user.security_stamp)
