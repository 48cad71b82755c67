"""Platform roles and permissions: the seeded catalog, grants, and the checks behind every admin route.

The roles system / admin / user are rows of `roles` (no role column on users). `system` is the instance
owner: it holds every permission, its grants cannot be edited and nobody can grant it from the web.
"""

from __future__ import annotations

import secrets

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from marketsync.accounts.models import Permission, Role, RolePermission, User, UserRole

PLATFORM_ROLES = {"system": "Instance owner", "admin": "Administrator", "user": "Seller"}
PERMISSIONS = {
    "admin.access": "Open the admin panel",
    "users.read": "See users, their cabinets, connections and runs",
    "users.write": "Edit, activate and suspend users; send invites and password resets",
    "users.delete": "Delete users and their cabinets",
    "roles.read": "See roles and their permissions",
    "roles.write": "Change which permissions a role grants",
    "logs.read": "Read the API call log",
    "payments.read": "See every cabinet's payments",
    "payments.write": "Adjust balances and refund payments",
    "ops.read": "See read-only mode and the circuit breakers",
    "ops.write": "Switch read-only mode on and off",
}
DEFAULT_GRANTS = {
    "system": set(PERMISSIONS),
    "admin": set(PERMISSIONS),
    "user": set(),
}
ASSIGNABLE_ROLES = ("user", "admin")  # what the admin panel may give; system is reserved


def ensure_roles(session: Session) -> dict[str, Role]:
    """Create missing roles and permissions; a new role or permission gets its default grants."""
    roles = {r.name: r for r in session.scalars(select(Role))}
    perms = {p.name: p for p in session.scalars(select(Permission))}
    new_roles = {name for name in PLATFORM_ROLES if name not in roles}
    new_perms = {name for name in PERMISSIONS if name not in perms}
    for name in new_roles:
        roles[name] = Role(name=name, description=PLATFORM_ROLES[name])
        session.add(roles[name])
    for name in new_perms:
        perms[name] = Permission(name=name, description=PERMISSIONS[name])
        session.add(perms[name])
    session.flush()
    for role_name, granted in DEFAULT_GRANTS.items():
        for perm_name in granted:
            if role_name in new_roles or perm_name in new_perms:
                session.add(RolePermission(role_id=roles[role_name].id, permission_id=perms[perm_name].id))
    session.flush()
    return roles


def user_roles(session: Session, user_id: int) -> set[str]:
    """Return the names of a user's platform roles."""
    return set(session.scalars(
        select(Role.name).join(UserRole, UserRole.role_id == Role.id).where(UserRole.user_id == user_id)
    ))


def user_permissions(session: Session, user_id: int) -> set[str]:
    """Return every permission a user holds through their roles (system holds all)."""
    if "system" in user_roles(session, user_id):
        return set(PERMISSIONS)
    return set(session.scalars(
        select(Permission.name)
        .join(RolePermission, RolePermission.permission_id == Permission.id)
        .join(UserRole, UserRole.role_id == RolePermission.role_id)
        .where(UserRole.user_id == user_id)
    ))


def role_permissions(session: Session) -> dict[int, set[str]]:
    """Return each role id's granted permission names."""
    grants: dict[int, set[str]] = {r.id: set() for r in session.scalars(select(Role))}
    rows = session.execute(select(RolePermission.role_id, Permission.name)
                           .join(Permission, Permission.id == RolePermission.permission_id))
    for role_id, name in rows:
        grants.setdefault(role_id, set()).add(name)
    return grants


def bump_security_stamp(session: Session, *user_ids: int) -> None:
    """Mark users' privileges as changed: each of their sessions is rotated on its next request."""
    for user_id in user_ids:
        session.execute(update(User).where(User.id == user_id).values(security_stamp=secrets.token_hex(16)))


def set_role_permissions(session: Session, role: Role, names: set[str]) -> None:
    """Replace what a role grants (unknown names are ignored; the system role is not editable)."""
    if role.name == "system":
        raise PermissionError("the system role always holds every permission")
    perms = {p.name: p.id for p in session.scalars(select(Permission))}
    session.execute(delete(RolePermission).where(RolePermission.role_id == role.id))
    session.add_all([RolePermission(role_id=role.id, permission_id=perms[n]) for n in sorted(names) if n in perms])
    holders = list(session.scalars(select(UserRole.user_id).where(UserRole.role_id == role.id)))
    bump_security_stamp(session, *holders)
    session.flush()


def set_platform_role(session: Session, user: User, role_name: str) -> None:
    """Make a user a plain user or an admin (replacing their assignable roles; system is kept)."""
    if role_name not in ASSIGNABLE_ROLES:
        raise PermissionError(f"the role {role_name} cannot be assigned here")
    roles = ensure_roles(session)
    current = user_roles(session, user.id)
    if current & set(ASSIGNABLE_ROLES) == {role_name}:
        return
    assignable_ids = [roles[name].id for name in ASSIGNABLE_ROLES]
    session.execute(delete(UserRole).where(UserRole.user_id == user.id, UserRole.role_id.in_(assignable_ids)))
    session.add(UserRole(user_id=user.id, role_id=roles[role_name].id))
    bump_security_stamp(session, user.id)
    session.flush()


def grant_role(session: Session, user: User, role_name: str) -> None:
    """Add a platform role to a user (the CLI uses it for system)."""
    roles = ensure_roles(session)
    if role_name not in user_roles(session, user.id):
        session.add(UserRole(user_id=user.id, role_id=roles[role_name].id))
        bump_security_stamp(session, user.id)
        session.flush()
