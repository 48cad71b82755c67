"""Admin panel use cases: finding users, everything about one user (cabinets, connections, runs, errors), and
the rules of the admin's user edits and actions (who may act on whom, what a form
may set); the views only parse forms and show the outcome. The account changes themselves are
accounts.service's and accounts.rbac's."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marketsync import listing
from marketsync.accounts.models import Account, AccountMember, Role, User, UserRole
from marketsync.accounts.rbac import (
    ASSIGNABLE_ROLES,
    set_platform_role,
    user_roles,
)
from marketsync.accounts.schemas import profile_errors
from marketsync.accounts.service import (
    AccountError,
    activate,
    create_user,
    delete_user,
    normalize_email,
    suspend,
)
from marketsync.accounts.tokens import retire_mailed_links
from marketsync.admin.log_search import failed_call
from marketsync.connections.models import ApiCall, Connection
from marketsync.sync.models import SyncRun
from marketsync.web.i18n import gettext as _

if TYPE_CHECKING:
    from marketsync.listing import AnySelect
    from marketsync.web.tables import TableQuery

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
    last_error_notice: dict[str, Any] | None = None


@dataclass(frozen=True)
class UserDetail:
    """Everything the user page shows."""

    user: User
    roles: list[str]
    cabinets: list[tuple[Account, str]]
    connections: list[ConnectionView]
    runs: list[SyncRun]
    errors: list[ApiCall]


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


USER_SORTS = ("email", "name", "created")


def _users_query(session: Session, table: TableQuery) -> tuple[AnySelect, AnySelect]:
    # Each user's role names ride along in one column, so an export needs no second query per chunk.
    roles = select(func.aggregate_strings(Role.name, ",")).join(UserRole, UserRole.role_id == Role.id) \
        .where(UserRole.user_id == User.id).scalar_subquery()
    query = select(User, roles)
    if table.q:
        query = query.where(listing.contains(session, [User.email, User.name, User.phone], table.q))
    if table.filter("status") in STATUSES:
        query = query.where(User.status == table.filter("status"))
    if table.filter("role") in ROLE_NAMES:
        query = query.where(User.id.in_(select(UserRole.user_id).join(Role, Role.id == UserRole.role_id)
                                        .where(Role.name == table.filter("role"))))
    sorts = {"email": User.email, "name": User.name, "created": User.created_at}
    return listing.ordered(query, table, sorts, "created", User.id), query


def _user_row(row: Any) -> UserRow:
    order = {name: i for i, name in enumerate(ROLE_NAMES)}
    names = sorted((row[1] or "").split(",") if row[1] else [], key=lambda n: (order.get(n, len(order)), n))
    return UserRow(user=row[0], roles=names)


def search_users(session: Session, table: TableQuery) -> tuple[list[UserRow], listing.Page]:
    """Return one page of users matching a search (e-mail, name, phone) and filters, sorted as asked."""
    query, count_query = _users_query(session, table)
    page = listing.page_of(session, query, table, count_query=count_query)
    return [_user_row(r) for r in page.rows], page


def export_users(session: Session, table: TableQuery) -> Iterator[UserRow]:
    """Yield every user the search and filters match (all pages), in the table's order, a chunk at a time."""
    query, _count = _users_query(session, table)
    for row in listing.every_row(session, query):
        yield _user_row(row)


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
               Connection.last_checked_at, Connection.last_error, Connection.last_error_notice)
        .join(Account, Account.id == Connection.account_id)
        .where(Connection.account_id.in_(ids)).order_by(Connection.account_id, Connection.system))]
    runs = list(session.scalars(select(SyncRun).where(SyncRun.account_id.in_(ids))
                                .order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(RECENT)))
    errors = list(session.scalars(select(ApiCall).where(ApiCall.account_id.in_(ids), failed_call())
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


# -- Who may act on whom, and the admin's user edit rules: the views parse the forms, call these and show
# the outcome. ----------------------------------------------------------------------------------------------

SELF_REFUSED = frozenset({"suspend", "delete", "demote"})


def user_by_id(session: Session, *, user_id: int) -> User | None:
    """Return a user by id, or None."""
    return session.get(User, user_id)


@dataclass(frozen=True)
class UserEdit:
    """The admin's edit form of one user (trimmed values)."""

    name: str
    email: str
    phone: str
    role: str


@dataclass(frozen=True)
class Outcome:
    """What an admin action came to: refused (with the reason), form errors, or done (message and tone)."""

    message: str = ""
    tone: str = "success"
    refused: bool = False
    errors: dict[str, str] = field(default_factory=dict)


def refusal(session: Session, actor: User, target: User, action: str) -> str | None:
    """Say why `actor` may not do `action` to `target`, or None when they may."""
    if "system" in user_roles(session, target.id) and "system" not in user_roles(session, actor.id):
        return _("Only the instance owner can change a user with the system role.")
    if actor.id == target.id and action in SELF_REFUSED:
        return {"suspend": _("You cannot suspend yourself."),
                "delete": _("You cannot delete yourself here."),
                "demote": _("You cannot take away your own administrator role.")}[action]
    return None


def _refused(session: Session, actor: User, target: User, action: str) -> Outcome | None:
    message = refusal(session, actor, target, action)
    return None if message is None else Outcome(message, "danger", refused=True)


def edit_form(user: User, roles: list[str]) -> UserEdit:
    """Return the edit form's values for a user as they are now."""
    return UserEdit(name=user.name or "", email=user.email or "", phone=user.phone or "",
                    role="admin" if "admin" in roles else "user")


def _edit_errors(session: Session, target: User, edit: UserEdit) -> tuple[dict[str, str], str | None]:
    errors = profile_errors(edit.name, edit.phone)
    normalized: str | None = ""
    if target.email is None and not edit.email.strip():
        normalized = None  # a Telegram person without an e-mail may stay without one
    else:
        try:
            normalized = normalize_email(edit.email)
        except AccountError:
            errors["email"] = _("Enter a valid e-mail address.")
        else:
            if email_taken(session, normalized, except_user_id=target.id):
                errors["email"] = _("A user with this e-mail already exists.")
    if edit.role not in ASSIGNABLE_ROLES:
        errors["role"] = _("Choose one of the roles.")
    return errors, normalized


def edit_user(session: Session, actor: User, target: User, edit: UserEdit) -> Outcome:
    """Change a user's name, e-mail, phone and platform role (user or admin), if the rules allow it."""
    current = edit_form(target, roles_by_user(session, [target.id])[target.id]).role
    action = "demote" if current == "admin" and edit.role == "user" else "edit"
    if refused := _refused(session, actor, target, action):
        return refused
    errors, normalized = _edit_errors(session, target, edit)
    if errors:
        return Outcome(errors=errors)
    target.name = edit.name or None
    if normalized != target.email:
        # Links already mailed to the old address must not act for the user, and the new one is unproven.
        retire_mailed_links(session, target.id)
        target.email = normalized
        target.email_confirmed_at = None
    if (edit.phone or None) != target.phone:
        target.phone = edit.phone or None
        target.phone_confirmed_at = None  # an admin typed it; the user has not proved they own it
    set_platform_role(session, target, edit.role)
    session.flush()
    return Outcome(_("The changes to %(email)s are saved.", email=target.label))


def invite_user(session: Session, *, email: str, name: str) -> tuple[User | None, dict[str, str]]:
    """Create a pending user with their own cabinet (the caller mails the invitation); else form errors."""
    errors = profile_errors(name, "")
    normalized = ""
    try:
        normalized = normalize_email(email)
    except AccountError:
        errors["email"] = _("Enter a valid e-mail address.")
    else:
        if email_taken(session, normalized):
            errors["email"] = _("A user with this e-mail already exists.")
    if errors:
        return None, errors
    return create_user(session, email=normalized, password=None, name=name or None, active=False), {}


def activate_user(session: Session, actor: User, target: User) -> Outcome:
    """Let a pending or suspended user in (the admin vouches for the e-mail)."""
    if refused := _refused(session, actor, target, "activate"):
        return refused
    if target.status == "active":
        return Outcome(_("%(email)s is already active.", email=target.label), "info")
    activate(session, target)
    return Outcome(_("%(email)s is active and can sign in.", email=target.label))


def suspend_user(session: Session, actor: User, target: User) -> Outcome:
    """Suspend a user: their sessions end at once and their cabinets' syncs pause."""
    if refused := _refused(session, actor, target, "suspend"):
        return refused
    if target.status == "suspended":
        return Outcome(_("%(email)s is already suspended.", email=target.label), "info")
    suspend(session, target)
    return Outcome(_("%(email)s is suspended and signed out everywhere.", email=target.label), "warning")


def mail_refusal(session: Session, actor: User, target: User, kind: str) -> Outcome | None:
    """Say why a password-reset (`reset`) or invitation (`invite`) mail may not go to `target`, else None."""
    if refused := _refused(session, actor, target, "reset-password" if kind == "reset" else "send-invite"):
        return refused
    if target.email is None:
        return Outcome(_("%(email)s has no e-mail address to send a link to.", email=target.label), "warning")
    if kind == "reset" and target.status == "suspended":  # the public form refuses them too: activate first
        return Outcome(_("%(email)s is suspended. Activate the user first.", email=target.label), "warning")
    if kind == "invite" and target.status != "pending":
        return Outcome(_("%(email)s has already joined; an invitation is only for a pending user.",
                         email=target.label), "warning")
    return None


def delete_target(session: Session, actor: User, target: User) -> Outcome:
    """Delete a user and every cabinet they were the last owner of, with all its data."""
    if refused := _refused(session, actor, target, "delete"):
        return refused
    email = target.label
    cabinets = delete_user(session, target)
    return Outcome(_("%(email)s is deleted. Cabinets removed with all their data: %(count)s.", email=email,
                     count=len(cabinets)), "info")
