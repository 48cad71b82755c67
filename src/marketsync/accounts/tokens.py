"""Signed, single-use, expiring tokens behind e-mailed links (confirm, reset, invite) and phone codes.

A link token is an itsdangerous signature over (purpose, user id, nonce): a forged or altered link fails
before the database is read. The nonce's hash is an `action_tokens` row, so a link works once and only
until its expiry; issuing a new token of a purpose retires the user's older ones of that purpose.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from enum import StrEnum

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from marketsync.accounts.models import ActionToken, User
from marketsync.db import utcnow
from marketsync.security import constant_time_equals, new_token, sha256_hex
from marketsync.settings import get_settings

MAX_CODE_ATTEMPTS = 5
TELEGRAM_LINK_MINUTES = 15  # the bot's sign-in link: opened at once or asked for again
SOCIAL_LINK_MINUTES = 30  # as long as the browser keeps the identity waiting for it (accounts.social)


class Purpose(StrEnum):
    """What a token lets its holder do."""

    CONFIRM = "confirm"
    RESET = "reset"
    INVITE = "invite"
    PHONE = "phone"
    TELEGRAM = "telegram"  # the bot's one-time link into the web cabinet
    LINK = "link"  # the mailed link confirming a social identity with the account's e-mail


class TokenError(ValueError):
    """A token that is forged, unknown, expired or already used; `reason` is one of those words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(get_settings().SECRET_KEY, salt="marketsync.action-token")


def lifetime(purpose: Purpose) -> timedelta:
    """Return how long a token of this purpose stays valid (from the settings; fractions of hours allowed)."""
    settings = get_settings()
    hours = {Purpose.CONFIRM: settings.CONFIRM_EXPIRE_HOURS, Purpose.RESET: settings.RESET_EXPIRE_HOURS,
             Purpose.INVITE: settings.INVITE_EXPIRE_HOURS,
             Purpose.PHONE: settings.PHONE_CODE_EXPIRE_MINUTES / 60,
             Purpose.TELEGRAM: TELEGRAM_LINK_MINUTES / 60, Purpose.LINK: SOCIAL_LINK_MINUTES / 60}[purpose]
    return timedelta(hours=hours)


def _retire(session: Session, user_id: int, purpose: Purpose) -> None:
    session.execute(update(ActionToken)
                    .where(ActionToken.user_id == user_id, ActionToken.purpose == purpose.value,
                           ActionToken.used_at.is_(None))
                    .values(used_at=utcnow()))


def retire_mailed_links(session: Session, user_id: int) -> None:
    """Stop every unused link mailed to a user (their address changed: the old mailbox must not act for them)."""
    for purpose in (Purpose.CONFIRM, Purpose.RESET, Purpose.INVITE):
        _retire(session, user_id, purpose)


def issue(session: Session, user: User, purpose: Purpose) -> str:
    """Create a token for a link (older unused ones of the same purpose stop working)."""
    _retire(session, user.id, purpose)
    nonce = new_token(24)
    session.add(ActionToken(token_hash=sha256_hex(nonce), user_id=user.id, purpose=purpose.value,
                            expires_at=utcnow() + lifetime(purpose)))
    session.flush()
    return str(_serializer().dumps([purpose.value, user.id, nonce]))


def _row(session: Session, token: str, purpose: Purpose) -> ActionToken:
    try:
        kind, user_id, nonce = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError) as exc:
        raise TokenError("invalid") from exc
    if kind != purpose.value:
        raise TokenError("invalid")
    row = session.scalar(select(ActionToken).where(ActionToken.token_hash == sha256_hex(str(nonce))))
    if row is None or row.user_id != user_id or row.purpose != purpose.value:
        raise TokenError("invalid")
    if row.used_at is not None:
        raise TokenError("used")
    if row.expires_at <= utcnow():
        raise TokenError("expired")
    return row


def peek(session: Session, token: str, purpose: Purpose) -> User:
    """Return the user a still-valid token belongs to, without using it up (to show its form)."""
    row = _row(session, token, purpose)
    user = session.get(User, row.user_id)
    if user is None:
        raise TokenError("invalid")
    return user


def consume(session: Session, token: str, purpose: Purpose) -> User:
    """Use a token up and return its user; raise TokenError when it is invalid, used or expired."""
    row = _row(session, token, purpose)
    # A conditional update, so two concurrent clicks cannot both pass.
    claimed = session.execute(update(ActionToken).where(ActionToken.id == row.id, ActionToken.used_at.is_(None))
                              .values(used_at=utcnow()))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise TokenError("used")
    user = session.get(User, row.user_id)
    if user is None:
        raise TokenError("invalid")
    return user


def _code_hash(row_id: int, code: str) -> str:
    return sha256_hex(f"{get_settings().SECRET_KEY}:{row_id}:{code}")


def issue_code(session: Session, user: User, purpose: Purpose = Purpose.PHONE) -> str:
    """Create a six-digit code (for SMS); only a keyed hash of it is kept."""
    _retire(session, user.id, purpose)
    code = f"{secrets.randbelow(1_000_000):06d}"
    # The hash is keyed by the row id (unique), so two users' equal codes never collide.
    row = ActionToken(token_hash=sha256_hex(new_token()), user_id=user.id, purpose=purpose.value,
                      expires_at=utcnow() + lifetime(purpose))
    session.add(row)
    session.flush()
    row.token_hash = _code_hash(row.id, code)
    session.flush()
    return code


def check_code(session: Session, user: User, code: str, purpose: Purpose = Purpose.PHONE) -> None:
    """Use up a code sent to the user; five tries in all, however parallel. Raise TokenError when it does not fit."""
    row = session.scalar(select(ActionToken).where(ActionToken.user_id == user.id,
                                                   ActionToken.purpose == purpose.value,
                                                   ActionToken.used_at.is_(None)))
    if row is None:
        raise TokenError("invalid")
    if row.expires_at <= utcnow():
        raise TokenError("expired")
    # The try is counted in the database before the code is compared, by one conditional UPDATE: parallel
    # guesses cannot all read the same count, and none gets past the fifth.
    counted = session.execute(update(ActionToken)
                              .where(ActionToken.id == row.id, ActionToken.used_at.is_(None),
                                     ActionToken.attempts < MAX_CODE_ATTEMPTS)
                              .values(attempts=ActionToken.attempts + 1)
                              .execution_options(synchronize_session=False))
    if counted.rowcount != 1:  # type: ignore[attr-defined]
        raise TokenError("invalid")
    if not constant_time_equals(_code_hash(row.id, code.strip()), row.token_hash):
        session.execute(update(ActionToken)
                        .where(ActionToken.id == row.id, ActionToken.used_at.is_(None),
                               ActionToken.attempts >= MAX_CODE_ATTEMPTS)
                        .values(used_at=utcnow()).execution_options(synchronize_session=False))
        raise TokenError("invalid")
    claimed = session.execute(update(ActionToken).where(ActionToken.id == row.id, ActionToken.used_at.is_(None))
                              .values(used_at=utcnow()).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise TokenError("used")
    session.expire(row)
