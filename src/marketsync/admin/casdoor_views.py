"""Admin page of the Casdoor bridge: the users whose Casdoor mirror is behind (Casdoor away, or refusing), with
how many attempts failed and the last error, so an operator sees what beat is still re-sending."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from marketsync.accounts.rbac import user_permissions
from marketsync.casdoor import service
from marketsync.web.deps import CurrentUser, DbSession, require_permission
from marketsync.web.templating import render

router = APIRouter()


@router.get("/casdoor", response_class=HTMLResponse, dependencies=[require_permission("users.read")])
def casdoor_page(request: Request, session: DbSession, actor: CurrentUser) -> Response:
    """List the users whose Casdoor mirror is behind."""
    rows, total = service.behind(session)
    return render(request, "admin/casdoor.html", {
        "rows": rows, "total": total, "enabled": service.enabled(), "section": "casdoor",
        "perms": user_permissions(session, actor.id)})
