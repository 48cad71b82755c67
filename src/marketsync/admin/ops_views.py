"""Admin page of operations: the read-only switch (ops.write to flip it) and every circuit breaker's last reported
state (ops.read)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from marketsync.accounts.rbac import user_permissions
from marketsync.ops import service
from marketsync.web.deps import CurrentUser, DbSession, require_permission
from marketsync.web.i18n import gettext as _
from marketsync.web.templating import flash, render

router = APIRouter()
PAGE = "/admin/ops"


@router.get("/ops", response_class=HTMLResponse, dependencies=[require_permission("ops.read")])
def ops_page(request: Request, session: DbSession, actor: CurrentUser) -> Response:
    """Show read-only mode and the circuit breakers."""
    return render(request, "admin/ops.html", {
        "switch": service.switch(session), "read_only": service.read_only(session),
        "breakers": service.breaker_states(session), "section": "ops",
        "perms": user_permissions(session, actor.id)})


@router.post("/ops/read-only", dependencies=[require_permission("ops.write")])
def flip_read_only(request: Request, session: DbSession, actor: CurrentUser,
                   enabled: Annotated[str, Form(max_length=8)] = "") -> RedirectResponse:
    """Turn read-only mode on or off for every cabinet."""
    service.set_read_only(session, enabled=enabled == "on", by=actor.id)
    flash(request, _("Read-only mode is on: no write leaves for any external system.") if enabled == "on"
          else _("Read-only mode is off: writes resume with the next sync."))
    return RedirectResponse(PAGE, status_code=303)
