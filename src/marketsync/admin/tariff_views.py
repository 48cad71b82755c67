"""Admin page of the tariff: the daily fee per active connection and the free limits every cabinet is charged
by (payments.read to see it, payments.write to change it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from marketsync.accounts.rbac import user_permissions
from marketsync.billing import service
from marketsync.web.deps import CurrentUser, DbSession, require_permission
from marketsync.web.i18n import gettext as _
from marketsync.web.templating import flash, render

router = APIRouter()
PAGE = "/admin/tariff"


def tariff_message(error: service.TariffError) -> str:
    """Say which field of the tariff form was refused."""
    return {
        "connection_fee": _("Enter the daily fee in rubles: a number from 0 to 100000 with at most two decimals."),
        "free_connections": _("Enter the free connections as a whole number from 0."),
        "free_products": _("Enter the free products as a whole number from 0."),
    }.get(error.key, error.key)


@router.get("/tariff", response_class=HTMLResponse, dependencies=[require_permission("payments.read")])
def tariff_page(request: Request, session: DbSession, actor: CurrentUser) -> Response:
    """Show the tariff and, to who may change it, its form."""
    return render(request, "admin/tariff.html", {
        "terms": service.current_terms(session), "section": "tariff",
        "perms": user_permissions(session, actor.id)})


@router.post("/tariff", dependencies=[require_permission("payments.write")])
def save_tariff(request: Request, session: DbSession, actor: CurrentUser,
                enabled: Annotated[str, Form(max_length=8)] = "",
                connection_fee: Annotated[str, Form(max_length=32)] = "",
                free_connections: Annotated[str, Form(max_length=16)] = "",
                free_products: Annotated[str, Form(max_length=16)] = "") -> RedirectResponse:
    """Store the tariff; the next daily charge uses it."""
    try:
        service.save_terms(session, enabled=enabled == "on", connection_fee=connection_fee,
                           free_connections=free_connections, free_products=free_products, admin_id=actor.id)
    except service.TariffError as exc:
        flash(request, tariff_message(exc), "danger")
        return RedirectResponse(PAGE, status_code=303)
    flash(request, _("The tariff is saved: the next daily charge uses it."))
    return RedirectResponse(PAGE, status_code=303)
