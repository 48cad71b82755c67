"""Admin page of platform roles: which permissions each role grants, edited with checkboxes.

The system role always holds every permission and is shown, not edited. An admin cannot take away the
permissions they need to reach this page again (admin.access, roles.write) from a role they hold."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marketsync.accounts.models import Role, User, UserRole
from marketsync.accounts.rbac import (
    PERMISSIONS,
    ensure_roles,
    role_permissions,
    set_role_permissions,
    user_permissions,
    user_roles,
)
from marketsync.admin.service import ROLE_NAMES
from marketsync.web.deps import CurrentUser, DbSession, require_permission
from marketsync.web.i18n import gettext as _
from marketsync.web.templating import flash, render

router = APIRouter()
KEEP_OWN = {"admin.access", "roles.write"}


def _roles_page(request: Request, session: Session, actor: User, *, error: str = "", error_role: int | None = None,
                status_code: int = 200) -> Response:
    ensure_roles(session)
    order = {name: i for i, name in enumerate(ROLE_NAMES)}
    roles = sorted(session.scalars(select(Role)), key=lambda r: (order.get(r.name, len(order)), r.name))
    holders = {role_id: count for role_id, count in
               session.execute(select(UserRole.role_id, func.count()).group_by(UserRole.role_id))}
    return render(request, "admin/roles.html", {
        "roles": roles, "grants": role_permissions(session), "holders": holders, "permissions": list(PERMISSIONS),
        "error": error, "error_role": error_role, "perms": user_permissions(session, actor.id), "section": "roles",
    }, status_code=status_code)


@router.get("/roles", response_class=HTMLResponse, dependencies=[require_permission("roles.read")])
def roles(request: Request, session: DbSession, actor: CurrentUser) -> Response:
    """Show every role with its permissions as checkboxes."""
    return _roles_page(request, session, actor)


def _would_lock_out(session: Session, actor: User, role: Role, names: set[str]) -> bool:
    """Whether saving `names` for `role` takes from the actor a permission they need to undo it."""
    if "system" in user_roles(session, actor.id):
        return False
    held = set(session.scalars(select(UserRole.role_id).where(UserRole.user_id == actor.id)))
    if role.id not in held:
        return False
    grants = role_permissions(session)
    after = set(names).union(*(grants.get(rid, set()) for rid in held if rid != role.id))
    return not after >= KEEP_OWN


@router.post("/roles/{role_id}/permissions", response_class=HTMLResponse,
             dependencies=[require_permission("roles.write")])
def save_permissions(request: Request, session: DbSession, actor: CurrentUser, role_id: int,
                     permissions: Annotated[list[str] | None, Form()] = None) -> Response:
    """Replace what a role grants; its holders' sessions are renewed with the new rights."""
    role = session.get(Role, role_id)
    if role is None:
        raise HTTPException(status_code=404)
    names = {p for p in permissions or [] if p in PERMISSIONS}
    if role.name == "system":
        return _roles_page(request, session, actor, error_role=role.id, status_code=400,
                           error=_("The system role always holds every permission; it cannot be edited."))
    if _would_lock_out(session, actor, role, names):
        return _roles_page(request, session, actor, error_role=role.id, status_code=400,
                           error=_("You would lose access to the admin panel or to this page. "
                                   "Keep «admin.access» and «roles.write» for your own role."))
    set_role_permissions(session, role, names)
    flash(request, _("The permissions of the role «%(role)s» are saved.", role=role.name))
    return RedirectResponse("/admin/roles", status_code=303)
