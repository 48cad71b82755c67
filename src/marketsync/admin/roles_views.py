"""Admin page of platform roles: which permissions each role grants, edited with checkboxes.

The system role always holds every permission and is shown, not edited. An admin cannot take away the
permissions they need to reach this page again (admin.access, roles.write) from a role they hold."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from marketsync.accounts.rbac import PERMISSIONS
from marketsync.admin.roles import (
    permissions_of,
    role_by_id,
    roles_overview,
    save_role_permissions,
    would_lock_out,
)
from marketsync.web.deps import CurrentUser, DbSession, require_permission
from marketsync.web.i18n import gettext as _
from marketsync.web.templating import flash, render

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from marketsync.accounts.models import User

router = APIRouter()


def _roles_page(request: Request, session: Session, actor: User, *, error: str = "", error_role: int | None = None,
                status_code: int = 200) -> Response:
    overview = roles_overview(session)
    return render(request, "admin/roles.html", {
        "roles": overview.roles, "grants": overview.grants, "holders": overview.holders,
        "permissions": list(PERMISSIONS), "error": error, "error_role": error_role,
        "perms": permissions_of(session, user_id=actor.id), "section": "roles",
    }, status_code=status_code)


@router.get("/roles", response_class=HTMLResponse, dependencies=[require_permission("roles.read")])
def roles(request: Request, session: DbSession, actor: CurrentUser) -> Response:
    """Show every role with its permissions as checkboxes."""
    return _roles_page(request, session, actor)


@router.post("/roles/{role_id}/permissions", response_class=HTMLResponse,
             dependencies=[require_permission("roles.write")])
def save_permissions(request: Request, session: DbSession, actor: CurrentUser, role_id: int,
                     permissions: Annotated[list[str] | None, Form()] = None) -> Response:
    """Replace what a role grants; its holders' sessions are renewed with the new rights."""
    role = role_by_id(session, role_id=role_id)
    if role is None:
        raise HTTPException(status_code=404)
    names = {p for p in permissions or [] if p in PERMISSIONS}
    if role.name == "system":
        return _roles_page(request, session, actor, error_role=role.id, status_code=400,
                           error=_("The system role always holds every permission; it cannot be edited."))
    if would_lock_out(session, actor_id=actor.id, role=role, names=names):
        return _roles_page(request, session, actor, error_role=role.id, status_code=400,
                           error=_("You would lose access to the admin panel or to this page. "
                                   "Keep «admin.access» and «roles.write» for your own role."))
    save_role_permissions(session, role=role, names=names)
    flash(request, _("The permissions of the role «%(role)s» are saved.", role=role.name))
    return RedirectResponse("/admin/roles", status_code=303)
