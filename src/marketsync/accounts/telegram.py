"""Telegram people: a person who writes to the bot is a user of ours, known by an oauth_identities row
(provider "telegram", subject = their Telegram user id), with no e-mail and no password until they add them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketsync.accounts import tokens
from marketsync.accounts.models import Account, AccountMember, OAuthIdentity, User, UserRole
from marketsync.accounts.rbac import ensure_roles

PROVIDER = "telegram"
NAME_MAX = 200


def telegram_person(session: Session, telegram_id: int) -> User | None:
    """Return the user behind a Telegram user id, if they ever wrote to the bot."""
    return session.scalar(select(User).join(OAuthIdentity, OAuthIdentity.user_id == User.id)
                          .where(OAuthIdentity.provider == PROVIDER, OAuthIdentity.subject == str(telegram_id)))


def register_telegram_person(session: Session, telegram_id: int, name: str | None) -> User:
    """Return the user of a Telegram id, creating them (active, the user role, no cabinet yet) on first contact.

    Idempotent: a repeated /start, or two updates of one person racing, give the same user. Call it first in a
    unit of work: losing a race rolls the session back."""
    found = telegram_person(session, telegram_id)
    if found is not None:
        if name and not found.name:
            found.name = name[:NAME_MAX]
            session.flush()
        return found
    roles = ensure_roles(session)
    try:
        user = User(email=None, password_hash=None, name=(name or None) and name[:NAME_MAX], status="active")
        session.add(user)
        session.flush()
        session.add(OAuthIdentity(provider=PROVIDER, subject=str(telegram_id), user_id=user.id))
        session.add(UserRole(user_id=user.id, role_id=roles["user"].id))
        session.flush()
    except IntegrityError:
        # Two updates of one person raced and the other registered them first (the unique identity refused this
        # one): this is the first thing done in the unit of work, so rolling it back loses nothing else.
        session.rollback()
        found = telegram_person(session, telegram_id)
        if found is None:
            raise
        return found
    return user


def telegram_id_of(session: Session, user_id: int) -> int | None:
    """Return the Telegram user id (= their private chat id with the bot) of a user, if they have one."""
    subject = session.scalar(select(OAuthIdentity.subject).where(OAuthIdentity.user_id == user_id,
                                                                 OAuthIdentity.provider == PROVIDER))
    return int(subject) if subject is not None else None


def cabinet_of(session: Session, user_id: int) -> int | None:
    """Return the cabinet a person works in (their first membership), or None before they have one."""
    return session.scalar(select(AccountMember.account_id).where(AccountMember.user_id == user_id)
                          .order_by(AccountMember.id).limit(1))


def open_cabinet(session: Session, user: User, *, name: str) -> int:
    """Create a cabinet owned by the person; return its id."""
    account = Account(name=name[:NAME_MAX])
    session.add(account)
    session.flush()
    session.add(AccountMember(account_id=account.id, user_id=user.id, role="owner"))
    session.flush()
    return account.id


def join_cabinet(session: Session, user: User, account_id: int, *, role: str = "manager") -> None:
    """Make the person a member of a cabinet (nothing changes when they already are)."""
    member = session.scalar(select(AccountMember).where(AccountMember.account_id == account_id,
                                                        AccountMember.user_id == user.id))
    if member is None:
        session.add(AccountMember(account_id=account_id, user_id=user.id, role=role))
        session.flush()


def cabinet_link(session: Session, telegram_id: int, base_url: str) -> str | None:
    """Return a one-time link signing the Telegram person into the web cabinet (valid TELEGRAM_LINK_MINUTES,
    used up by the first sign-in; opening it only shows a button, so a link preview cannot spend it)."""
    user = telegram_person(session, telegram_id)
    if user is None:
        return None
    return f"{base_url.rstrip('/')}/login/telegram?token={tokens.issue(session, user, tokens.Purpose.TELEGRAM)}"
