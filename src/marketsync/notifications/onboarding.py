"""The bot's use cases for a person: who they are (registered by Telegram id), which cabinet they work in, the
WB API key that lets them in (a new cabinet, or the one that key already belongs to: found by its keyed
fingerprint, never by decrypting stored keys), and their notification switches."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketsync.accounts.models import AccountMember, User
from marketsync.accounts.telegram import cabinet_of, join_cabinet, open_cabinet, register_telegram_person
from marketsync.connections.models import Connection
from marketsync.connections.service import (
    RETRY_LATER,
    ConnectionSetupError,
    check_credentials,
    find_by_key,
    get_connection,
    save_connection,
)
from marketsync.notifications.models import TYPES
from marketsync.notifications.settings import ALL, set_switch, settings_of

SYSTEM = "wildberries"
KEY_MAX = 4096


class KeyVerdict(StrEnum):
    """What became of an API key a person sent."""

    CREATED = "created"  # a new cabinet, connected with this key
    JOINED = "joined"  # the key already connects a cabinet: the person is a member of it now
    ALREADY = "already"  # the person was already in the cabinet of this key
    WRONG = "wrong"  # WB refused the key (or it cannot be one)
    WAIT = "wait"  # WB asked us to slow down: try again in a moment
    UNREACHABLE = "unreachable"  # WB did not answer


@dataclass(frozen=True)
class Person:
    """A Telegram person as the bot sees them: our user id and their cabinet (None until a key let them in)."""

    user_id: int
    telegram_id: int
    account_id: int | None
    name: str | None = None


@dataclass(frozen=True)
class KeyOutcome:
    """The answer to a key: the verdict, the cabinet it opened, and how long WB asked us to wait (WAIT)."""

    verdict: KeyVerdict
    account_id: int | None = None
    retry_after: int | None = None

    @property
    def ok(self) -> bool:
        """Whether the person is in a cabinet now."""
        return self.account_id is not None


@dataclass(frozen=True)
class Switches:
    """A person's notification switches for their cabinet: the global one and one per type."""

    enabled: bool
    types: dict[str, bool] = field(default_factory=dict)


def wb_cabinet_of(session: Session, user_id: int) -> int | None:
    """Return the cabinet the bot shows a person: the newest of theirs with a WB connection (None: none yet)."""
    return session.scalar(select(AccountMember.account_id)
                          .join(Connection, (Connection.account_id == AccountMember.account_id)
                                & (Connection.system == SYSTEM))
                          .where(AccountMember.user_id == user_id).order_by(AccountMember.id.desc()).limit(1))


def _person(session: Session, user: User, telegram_id: int) -> Person:
    return Person(user_id=user.id, telegram_id=telegram_id, account_id=wb_cabinet_of(session, user.id),
                  name=user.name)


def start_person(session: Session, *, telegram_id: int, name: str | None) -> Person:
    """Register the person on first contact (idempotent) and return where they stand."""
    return _person(session, register_telegram_person(session, telegram_id, name), telegram_id)


def person(session: Session, *, telegram_id: int) -> Person:
    """Return where a person stands (registering them when an update comes before /start)."""
    return start_person(session, telegram_id=telegram_id, name=None)


def _verdict_of_check(message: str, details: dict[str, str]) -> KeyOutcome:
    if RETRY_LATER in details:
        wait = details[RETRY_LATER]
        return KeyOutcome(KeyVerdict.WAIT, retry_after=int(wait) if wait.isdigit() else None)
    if "not reachable" in message:
        return KeyOutcome(KeyVerdict.UNREACHABLE)
    return KeyOutcome(KeyVerdict.WRONG)


def enter_key(session: Session, *, telegram_id: int, name: str | None, key: str) -> KeyOutcome:
    """Check a WB API key against WB; then put the person in the cabinet this key connects, or in a new one.

    Nobody gets in with a key WB refuses, even one that some cabinet already holds (it may have been revoked)."""
    key = key.strip()
    # A key is printable ASCII (it travels in an HTTP header): anything else is not one, whatever WB would say.
    if not key or len(key) > KEY_MAX or not key.isascii() or not key.isprintable() or " " in key:
        return KeyOutcome(KeyVerdict.WRONG)
    # Asked before the session's first query: no database transaction stays open while WB answers.
    try:
        result = check_credentials(SYSTEM, {"token": key}, key=f"tg-{telegram_id}")
    except ConnectionSetupError:  # not even shaped like a key (too short)
        return KeyOutcome(KeyVerdict.WRONG)
    if not result.ok:
        return _verdict_of_check(result.message, result.details)
    user = register_telegram_person(session, telegram_id, name)
    existing = find_by_key(session, system=SYSTEM, token=key)
    if existing is not None:
        already = wb_cabinet_of(session, user.id) == existing.account_id
        join_cabinet(session, user, existing.account_id)
        return KeyOutcome(KeyVerdict.ALREADY if already else KeyVerdict.JOINED, account_id=existing.account_id)
    account_id = cabinet_of(session, user.id)
    if account_id is None or get_connection(session, account_id, SYSTEM) is not None:
        # A person whose cabinet already has another WB key opens a second one (one key, one cabinet); the bot
        # follows the newest cabinet with WB they entered.
        account_id = open_cabinet(session, user, name=user.name or f"Telegram {telegram_id}")
    save_connection(session, account_id=account_id, system=SYSTEM, credentials={"token": key}, check=False)
    return KeyOutcome(KeyVerdict.CREATED, account_id=account_id)


def switches(session: Session, *, account_id: int, user_id: int) -> Switches:
    """Return the person's notification switches for the cabinet."""
    row = settings_of(session, account_id=account_id, user_id=user_id)
    return Switches(enabled=bool(row.enabled), types={kind: bool(getattr(row, kind)) for kind in TYPES})


def toggle(session: Session, *, account_id: int, user_id: int, kind: str) -> Switches:
    """Flip one switch (a type, or `all`) and return the switches as they are now."""
    now = switches(session, account_id=account_id, user_id=user_id)
    current = now.enabled if kind == ALL else now.types.get(kind)
    if current is None:
        raise ValueError(f"unknown notification type {kind!r}")
    set_switch(session, account_id=account_id, user_id=user_id, kind=kind, on=not current)
    return switches(session, account_id=account_id, user_id=user_id)
