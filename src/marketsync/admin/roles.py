"""The roles page's use cases: every role with what it grants and who holds it, and saving a role's
permissions without locking the acting admin out (the permission rules themselves live in accounts.rbac)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marketsync.accounts.models import Role, UserRole
from marketsync.accounts.rbac import ensure_roles, role_permissions, set_role_permissions, user_permissions, user_roles
from marketsync.admin.service import ROLE_NAMES

KEEP_OWN = frozenset({"admin.access", "roles.write"})


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
