"""Account use cases: create users with their cabinet, look them up, check passwords, grant roles."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marketsync.accounts.models import Account, AccountMember, Role, User, UserRole
from marketsync.db import utcnow
from marketsync.security import hash_password, verify_password

PLATFORM_ROLES = {"system": "Instance owner", "admin": "Administrator", "user": "Seller"}
MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """A user-facing refusal (taken e-mail, weak password, ...)."""


def normalize_email(email: str) -> str:
    """Trim and lower-case an e-mail, refusing what is obviously not one."""
    email = email.strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email or len(email) > 254:
        raise AccountError(f"«{email}» is not a valid e-mail address")
    return email


def ensure_roles(session: Session) -> dict[str, Role]:
    """Create the platform roles if missing and return them by name."""
    roles = {r.name: r for r in session.scalars(select(Role))}
    for name, description in PLATFORM_ROLES.items():
        if name not in roles:
            roles[name] = Role(name=name, description=description)
            session.add(roles[name])
    session.flush()
    return roles


def create_user(session: Session, *, email: str, password: str, name: str | None = None,
                admin: bool = False, active: bool = True) -> User:
    """Create a user with their own cabinet (as owner) and the user (or admin) role."""
    email = normalize_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise AccountError(f"the e-mail {email} is already taken")
    user = User(email=email, password_hash=hash_password(password), name=name,
                status="active" if active else "pending", email_confirmed_at=utcnow() if active else None)
    account = Account(name=name or email)
    session.add_all([user, account])
    session.flush()
    session.add(AccountMember(account_id=account.id, user_id=user.id, role="owner"))
    roles = ensure_roles(session)
    session.add(UserRole(user_id=user.id, role_id=roles["admin" if admin else "user"].id))
    session.flush()
    return user


def find_user(session: Session, email: str) -> User | None:
    """Return the user with this e-mail, if any."""
    try:
        email = normalize_email(email)
    except AccountError:
        return None
    return session.scalar(select(User).where(User.email == email))


def authenticate(session: Session, *, email: str, password: str) -> User | None:
    """Return the active user whose password matches, else None."""
    user = find_user(session, email)
    if user is None or not verify_password(password, user.password_hash):
        return None
    return user if user.status == "active" else None


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


def user_roles(session: Session, user_id: int) -> set[str]:
    """Return the names of a user's platform roles."""
    return set(session.scalars(
        select(Role.name).join(UserRole, UserRole.role_id == Role.id).where(UserRole.user_id == user_id)
    ))
