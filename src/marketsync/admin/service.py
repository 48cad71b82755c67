"""Admin panel queries: finding users, everything about one user (cabinets, connections, runs, errors) and
the filtered API call log. Read-only; the actions live in accounts.service and accounts.rbac."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from marketsync.accounts.models import Account, AccountMember, Role, User, UserRole
from marketsync.accounts.rbac import ensure_roles, role_permissions, set_role_permissions, user_permissions, user_roles
from marketsync.accounts.service import AccountError, normalize_email
from marketsync.connections.models import ApiCall, Connection
from marketsync.sync.models import SyncRun

PER_PAGE = 50
RECENT = 20
STATUSES = ("pending", "active", "suspended")
ROLE_NAMES = ("system", "admin", "user")


@dataclass(frozen=True)
class UserRow:
    """One line of the user list: the user and the names of their platform roles."""

    user: User
    roles: list[str]


@dataclass(frozen=True)
class ConnectionView:
    """What the admin sees of a cabinet's connection: never its credentials."""

    account_id: int
    account_name: str
    system: str
    status: str
    last_checked_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class UserDetail:
    """Everything the user page shows."""

    user: User
    roles: list[str]
    cabinets: list[tuple[Account, str]]
    connections: list[ConnectionView]
    runs: list[SyncRun]
    errors: list[ApiCall]


@dataclass(frozen=True)
class LogFilter:
    """The API log filters that passed validation (None / empty means "any")."""

    account_ids: list[int] | None = None
    system: str = ""
    method: str = ""
    status_code: int | None = None
    errors_only: bool = False
    since: datetime | None = None
    until: datetime | None = None
    text: str = ""


def _fold(session: Session, column: Any) -> ColumnElement[Any]:
    """Return the column case-folded in SQL, Cyrillic included (SQLite's own lower() folds ASCII only)."""
    if session.get_bind().dialect.name == "sqlite":
        raw = session.connection().connection.driver_connection
        if raw is not None:  # registered per connection; cheap, and idempotent
            raw.create_function("ms_casefold", 1, lambda s: s.casefold() if isinstance(s, str) else s,
                                deterministic=True)
            return func.ms_casefold(column)
    return func.lower(column)


def _contains(session: Session, columns: list[Any], text: str) -> ColumnElement[bool]:
    # Fold the needle as the column is folded: casefold() in SQLite (our function), lower() elsewhere.
    needle = text.casefold() if session.get_bind().dialect.name == "sqlite" else text.lower()
    return or_(*[_fold(session, c).contains(needle, autoescape=True) for c in columns])


def roles_by_user(session: Session, user_ids: list[int]) -> dict[int, list[str]]:
    """Return each user's platform role names, sorted (system first)."""
    found: dict[int, list[str]] = {uid: [] for uid in user_ids}
    if not user_ids:
        return found
    rows = session.execute(select(UserRole.user_id, Role.name).join(Role, Role.id == UserRole.role_id)
                           .where(UserRole.user_id.in_(user_ids)))
    for user_id, name in rows:
        found[user_id].append(name)
    order = {name: i for i, name in enumerate(ROLE_NAMES)}
    return {uid: sorted(names, key=lambda n: (order.get(n, len(order)), n)) for uid, names in found.items()}


def search_users(session: Session, *, q: str = "", status: str = "", role: str = "", page: int = 1,
                 per_page: int = PER_PAGE) -> tuple[list[UserRow], int]:
    """Return one page of users matching a search (e-mail, name, phone) and filters, newest first, and the total."""
    query = select(User)
    if q.strip():
        query = query.where(_contains(session, [User.email, User.name, User.phone], q.strip()))
    if status in STATUSES:
        query = query.where(User.status == status)
    if role in ROLE_NAMES:
        query = query.where(User.id.in_(select(UserRole.user_id).join(Role, Role.id == UserRole.role_id)
                                        .where(Role.name == role)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    users = list(session.scalars(query.order_by(User.created_at.desc(), User.id.desc())
                                 .offset((page - 1) * per_page).limit(per_page)))
    roles = roles_by_user(session, [u.id for u in users])
    return [UserRow(user=u, roles=roles[u.id]) for u in users], total


def cabinet_ids(session: Session, user_id: int) -> list[int]:
    """Return the ids of the cabinets a user belongs to."""
    return list(session.scalars(select(AccountMember.account_id).where(AccountMember.user_id == user_id)
                                .order_by(AccountMember.id)))


def user_detail(session: Session, user_id: int) -> UserDetail | None:
    """Return what the user page shows, or None for an unknown user."""
    user = session.get(User, user_id)
    if user is None:
        return None
    cabinets = [(account, role) for account, role in session.execute(
        select(Account, AccountMember.role).join(AccountMember, AccountMember.account_id == Account.id)
        .where(AccountMember.user_id == user_id).order_by(AccountMember.id))]
    ids = [account.id for account, _role in cabinets]
    # Named columns only: the encrypted credentials are never even read for this page.
    connections = [ConnectionView(*row) for row in session.execute(
        select(Connection.account_id, Account.name, Connection.system, Connection.status,
               Connection.last_checked_at, Connection.last_error)
        .join(Account, Account.id == Connection.account_id)
        .where(Connection.account_id.in_(ids)).order_by(Connection.account_id, Connection.system))]
    runs = list(session.scalars(select(SyncRun).where(SyncRun.account_id.in_(ids))
                                .order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(RECENT)))
    errors = list(session.scalars(select(ApiCall).where(ApiCall.account_id.in_(ids), _failed())
                                  .order_by(ApiCall.created_at.desc(), ApiCall.id.desc()).limit(RECENT)))
    return UserDetail(user=user, roles=roles_by_user(session, [user.id])[user.id], cabinets=cabinets,
                      connections=connections, runs=runs, errors=errors)


def email_taken(session: Session, email: str, *, except_user_id: int | None = None) -> bool:
    """Whether another user already has this (normalized) e-mail."""
    query = select(func.count()).select_from(User).where(User.email == email)
    if except_user_id is not None:
        query = query.where(User.id != except_user_id)
    return bool(session.scalar(query))


def cabinets_of_email(session: Session, email: str) -> list[int] | None:
    """Return the cabinet ids of the user with this e-mail, or None when there is no such user."""
    try:
        normalized = normalize_email(email)
    except AccountError:
        return None
    user_id = session.scalar(select(User.id).where(User.email == normalized))
    return None if user_id is None else cabinet_ids(session, user_id)


def log_systems(session: Session) -> list[str]:
    """Return the systems that appear in the API log and in connections (for the connector filter)."""
    logged = set(session.scalars(select(ApiCall.system).distinct()))
    connected = set(session.scalars(select(Connection.system).distinct()))
    return sorted(logged | connected)


def _failed() -> ColumnElement[bool]:
    return or_(ApiCall.status_code >= 400, ApiCall.error.is_not(None))


def search_log(session: Session, filters: LogFilter, *, page: int = 1,
               per_page: int = PER_PAGE) -> tuple[list[ApiCall], int]:
    """Return one page of API calls matching the filters, newest first, and the total."""
    query = select(ApiCall)
    if filters.account_ids is not None:
        query = query.where(ApiCall.account_id.in_(filters.account_ids))
    if filters.system:
        query = query.where(ApiCall.system == filters.system)
    if filters.method:
        query = query.where(ApiCall.method == filters.method)
    if filters.status_code is not None:
        query = query.where(ApiCall.status_code == filters.status_code)
    if filters.errors_only:
        query = query.where(_failed())
    if filters.since is not None:
        query = query.where(ApiCall.created_at >= filters.since)
    if filters.until is not None:
        query = query.where(ApiCall.created_at < filters.until)
    if filters.text:
        query = query.where(_contains(session, [ApiCall.url, ApiCall.request_body, ApiCall.response_body,
                                                ApiCall.error], filters.text))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    calls = list(session.scalars(query.order_by(ApiCall.created_at.desc(), ApiCall.id.desc())
                                 .offset((page - 1) * per_page).limit(per_page)))
    return calls, total


def account_names(session: Session, account_ids: set[int | None]) -> dict[int, str]:
    """Return the names of cabinets by id (for the log's cabinet column)."""
    ids = [i for i in account_ids if i is not None]
    if not ids:
        return {}
    return {i: name for i, name in session.execute(select(Account.id, Account.name).where(Account.id.in_(ids)))}


# The roles page and the guard rails of user actions (the permission rules themselves live in accounts.rbac).

KEEP_OWN = frozenset({"admin.access", "roles.write"})
SELF_REFUSED = frozenset({"suspend", "delete", "demote"})


@dataclass(frozen=True)
class RolesOverview:
    """The roles page: every role (system first), what each grants and how many users hold it."""

    roles: list[Role]
    grants: dict[int, set[str]]
    holders: dict[int, int]


def roles_overview(session: Session) -> RolesOverview:
    """Return every role with its permissions and holder count, creating the built-in roles if missing."""
    ensure_roles(session)
    order = {name: i for i, name in enumerate(ROLE_NAMES)}
    roles = sorted(session.scalars(select(Role)), key=lambda r: (order.get(r.name, len(order)), r.name))
    holders = {role_id: count for role_id, count in
               session.execute(select(UserRole.role_id, func.count()).group_by(UserRole.role_id))}
    return RolesOverview(roles=roles, grants=role_permissions(session), holders=holders)


def role_by_id(session: Session, *, role_id: int) -> Role | None:
    """Return a role by id, or None."""
    return session.get(Role, role_id)


def would_lock_out(session: Session, *, actor_id: int, role: Role, names: set[str]) -> bool:
    """Whether saving `names` for `role` takes from the actor a permission they need to undo it."""
    if "system" in user_roles(session, actor_id):
        return False
    held = set(session.scalars(select(UserRole.role_id).where(UserRole.user_id == actor_id)))
    if role.id not in held:
        return False
    grants = role_permissions(session)
    after = set(names).union(*(grants.get(rid, set()) for rid in held if rid != role.id))
    return not after >= KEEP_OWN


def save_role_permissions(session: Session, *, role: Role, names: set[str]) -> None:
    """Replace what a role grants (its holders' sessions are renewed with the new rights)."""
    set_role_permissions(session, role, names)


def permissions_of(session: Session, *, user_id: int) -> set[str]:
    """Return the permission names a user holds through their roles."""
    return user_permissions(session, user_id)


def user_by_id(session: Session, *, user_id: int) -> User | None:
    """Return a user by id, or None."""
    return session.get(User, user_id)


def refusal_reason(session: Session, *, actor_id: int, target_id: int, action: str) -> str | None:
    """Say why an actor may not act on a target: "owner-only", "self", or None when they may."""
    if "system" in user_roles(session, target_id) and "system" not in user_roles(session, actor_id):
        return "owner-only"
    if actor_id == target_id and action in SELF_REFUSED:
        return "self"
    return None
