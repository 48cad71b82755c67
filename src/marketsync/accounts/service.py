"""Account use cases: create users with their cabinet, check passwords, confirm, suspend, delete."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import lru_cache

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from marketsync.accounts.events import on_user_change
from marketsync.accounts.models import Account, AccountMember, User, UserRole, WebSession
from marketsync.accounts.rbac import bump_security_stamp, ensure_roles, grant_role, user_roles
from marketsync.db import utcnow
from marketsync.security import hash_password, new_token, verify_password

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256  # Argon2 takes any length; a cap keeps a megabyte "password" from costing CPU

__all__ = [
    "MIN_PASSWORD_LENGTH", "AccountError", "LoginOutcome", "account_for_email", "activate", "authenticate",
    "check_login",
    "confirm_email", "create_user", "delete_user", "end_sessions", "find_user", "normalize_email", "on_user_change",
    "password_problem", "primary_account_id", "set_password", "suspend", "user_roles",
]


class AccountError(ValueError):
    """A user-facing refusal (taken e-mail, weak password, ...)."""


class LoginOutcome(StrEnum):
    """Why a sign-in succeeded or not (only told after the password matched)."""

    OK = "ok"
    WRONG = "wrong"
    PENDING = "pending"
    SUSPENDED = "suspended"


def normalize_email(email: str) -> str:
    """Trim and lower-case an e-mail, refusing what is obviously not one."""
    email = email.strip().lower()
    local, _, domain = email.partition("@")
    # One plain address only: a comma, a bracket or a control character would add recipients or headers.
    if (not local or "." not in domain or len(email) > 254 or domain.startswith(".") or "@" in domain
            or any(c.isspace() or ord(c) < 32 or c in ',;<>"()[]\\' for c in email)):
        raise AccountError(f"«{email}» is not a valid e-mail address")
    return email


def password_problem(password: str) -> str | None:
    """Say what is wrong with a new password, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"the password must have at most {MAX_PASSWORD_LENGTH} characters"
    return None


def create_user(session: Session, *, email: str, password: str | None, name: str | None = None,
                admin: bool = False, active: bool = True, phone: str | None = None) -> User:
    """Create a user with their own cabinet (as owner) and the user (or admin) role.

    `password=None` makes a user who sets a password later (an invite, an Evotor registration)."""
    email = normalize_email(email)
    if password is not None and (problem := password_problem(password)):
        raise AccountError(problem)
    if session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise AccountError(f"the e-mail {email} is already taken")
    user = User(email=email, password_hash=hash_password(password) if password is not None else None, name=name,
                phone=phone, status="active" if active else "pending",
                email_confirmed_at=utcnow() if active else None)
    account = Account(name=name or email)
    session.add_all([user, account])
    session.flush()
    session.add(AccountMember(account_id=account.id, user_id=user.id, role="owner"))
    roles = ensure_roles(session)
    session.add(UserRole(user_id=user.id, role_id=roles["admin" if admin else "user"].id))
    session.flush()
    return user


def make_system_owner(session: Session, user: User) -> None:
    """Give a user the reserved system role (only the CLI does this, for the instance owner)."""
    grant_role(session, user, "system")


def find_user(session: Session, email: str) -> User | None:
    """Return the user with this e-mail, if any."""
    try:
        email = normalize_email(email)
    except AccountError:
        return None
    return session.scalar(select(User).where(User.email == email))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(new_token())


def check_login(session: Session, *, email: str, password: str) -> tuple[LoginOutcome, User | None]:
    """Check a password; say whether the user may sign in (status is told only after a matching password)."""
    user = find_user(session, email)
    if len(password) > MAX_PASSWORD_LENGTH:
        return LoginOutcome.WRONG, None
    if user is None or not user.password_hash:
        # Checked against a dummy hash, so an unknown address (or one without a password yet) takes as long
        # to refuse as a wrong password: the answer time does not tell who is registered.
        verify_password(password, _dummy_hash())
        return LoginOutcome.WRONG, None
    if not verify_password(password, user.password_hash):
        return LoginOutcome.WRONG, None
    if user.status == "suspended":
        return LoginOutcome.SUSPENDED, user
    if user.status == "pending":
        return LoginOutcome.PENDING, user
    return LoginOutcome.OK, user


def authenticate(session: Session, *, email: str, password: str) -> User | None:
    """Return the active user whose password matches, else None."""
    outcome, user = check_login(session, email=email, password=password)
    return user if outcome is LoginOutcome.OK else None


def confirm_email(session: Session, user: User) -> None:
    """Mark the e-mail confirmed; a pending user becomes active (a suspended one stays suspended)."""
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    if user.status == "pending":
        user.status = "active"
    session.flush()


def set_password(session: Session, user: User, password: str) -> None:
    """Set a new password (checked for strength) and mark the user's sessions for rotation."""
    if problem := password_problem(password):
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    bump_security_stamp(session, user.id)
    session.flush()
    session.refresh(user)


def end_sessions(session: Session, user_id: int, *, keep_token_hash: str | None = None) -> int:
    """Delete a user's browser sessions (all, or all but one); return how many ended."""
    query = delete(WebSession).where(WebSession.user_id == user_id)
    if keep_token_hash is not None:
        query = query.where(WebSession.token_hash != keep_token_hash)
    return int(session.execute(query).rowcount or 0)  # type: ignore[attr-defined]


def suspend(session: Session, user: User) -> None:
    """Suspend a user: their sessions end at once and their cabinets' pipelines pause."""
    user.status = "suspended"
    end_sessions(session, user.id)
    bump_security_stamp(session, user.id)
    session.flush()
    session.refresh(user)


def activate(session: Session, user: User) -> None:
    """Let a suspended or pending user in again (an admin vouching for the e-mail)."""
    user.status = "active"
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    session.flush()


def delete_user(session: Session, user: User) -> list[int]:
    """Remove a user, and every cabinet of which they were the last owner; return those cabinets' ids."""
    orphaned: list[int] = []
    for member in list(user.memberships):
        owners = session.scalar(select(func.count()).select_from(AccountMember).where(
            AccountMember.account_id == member.account_id, AccountMember.role == "owner",
            AccountMember.user_id != user.id))
        if member.role == "owner" and not owners:
            orphaned.append(member.account_id)
    session.delete(user)
    session.flush()
    for account_id in orphaned:
        # Every seller-owned table points to accounts with ON DELETE CASCADE: one delete removes the data.
        session.execute(delete(Account).where(Account.id == account_id))
    session.flush()
    return orphaned


def primary_account_id(session: Session, user_id: int) -> int:
    """Return the cabinet a user works in (the first one they belong to)."""
    account_id = session.scalar(
        select(AccountMember.account_id).where(AccountMember.user_id == user_id).order_by(AccountMember.id)
    )
    if account_id is None:
        raise AccountError("this user belongs to no cabinet")
    return account_id


def account_for_email(session: Session, email: str) -> int:
    """Return the cabinet of the user with this e-mail, or raise AccountError."""
    user = find_user(session, email)
    if user is None:
        raise AccountError(f"no user with the e-mail {email}")
    return primary_account_id(session, user.id)


def cabinets_of(session: Session, user_id: int) -> list[tuple[str, str]]:
    """Return (cabinet name, the user's role in it) for every cabinet the user belongs to, oldest first."""
    rows = session.execute(
        select(Account.name, AccountMember.role).join(AccountMember, AccountMember.account_id == Account.id)
        .where(AccountMember.user_id == user_id).order_by(AccountMember.id))
    return [(name, role) for name, role in rows]


def send_phone_code(session: Session, *, user: User, phone: str, text: Callable[[str], str]) -> None:
    """Issue a phone confirmation code and send it by SMS as `text(code)` (the caller words it)."""
    from marketsync.accounts.tokens import Purpose, issue_code
    from marketsync.connectors.sms.client import send as send_sms
    from marketsync.settings import get_settings

    code = issue_code(session, user, Purpose.PHONE)
    send_sms(phone, text(code), provider=get_settings().SMS_PROVIDER)
