"""The /notifications page: the signed-in person's notification history in their cabinet (filters by type and
state, sort, pages), the same switches as in the bot (all, and one per type) saved by a form, and how to link
Telegram when it is not linked yet."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from marketsync.notifications.history_service import (
    SORTS,
    STATES,
    TYPES,
    history_page,
    save_switches,
    switches_of,
    telegram_linked,
)
from marketsync.web.deps import AccountId, CurrentUser, DbSession
from marketsync.web.i18n import gettext as _
from marketsync.web.tables import TableSpec, parse_table, table_for
from marketsync.web.templating import flash, render

router = APIRouter(tags=["notifications"])
SPEC = TableSpec(sorts=SORTS, default_sort="event_at", default_dir="desc", filters={"type": TYPES, "state": STATES})
ON = {"1", "on", "true"}


def type_words() -> dict[str, str]:
    """Name each notification type as the bot's settings menu does, in the page's language."""
    return {"new_orders": _("New orders"), "order_buyouts": _("Buyouts"), "order_cancellations": _("Cancellations"),
            "order_returns": _("Returns"), "negative_reviews": _("Negative reviews"),
            "critical_stocks": _("Critical stocks")}


def state_words() -> dict[str, str]:
    """Name each delivery state in the page's language."""
    return {"pending": _("Waiting to be sent"), "sent": _("Sent"), "failed": _("Not delivered"),
            "skipped": _("Not sent: switched off")}


@router.get("/notifications", response_class=HTMLResponse)
def notifications_page(request: Request, session: DbSession, account_id: AccountId,
                       user: CurrentUser) -> HTMLResponse:
    """Show the person's notification history and switches, and whether Telegram is linked."""
    table = parse_table(request.query_params, SPEC)
    rows, page = history_page(session, account_id=account_id, user_id=user.id, table=table)
    return render(request, "notifications/index.html", {
        "rows": rows, "t": table_for(table, SPEC, total=page.total, page=page.page, base_url="/notifications"),
        "switches": switches_of(session, account_id=account_id, user_id=user.id),
        "linked": telegram_linked(session, user_id=user.id),
        "types": type_words(), "states": state_words(),
        "type_options": list(type_words().items()), "state_options": list(state_words().items()),
    })


@router.post("/notifications/settings")
def save_notification_settings(request: Request, session: DbSession, account_id: AccountId, user: CurrentUser,
                               enabled: Annotated[str, Form()] = "", new_orders: Annotated[str, Form()] = "",
                               order_buyouts: Annotated[str, Form()] = "",
                               order_cancellations: Annotated[str, Form()] = "",
                               order_returns: Annotated[str, Form()] = "",
                               negative_reviews: Annotated[str, Form()] = "",
                               critical_stocks: Annotated[str, Form()] = "") -> RedirectResponse:
    """Save the global switch and one switch per type (an unticked box is off), as the bot's menu toggles them."""
    ticked = {"new_orders": new_orders, "order_buyouts": order_buyouts, "order_cancellations": order_cancellations,
              "order_returns": order_returns, "negative_reviews": negative_reviews,
              "critical_stocks": critical_stocks}
    types = {kind: ticked.get(kind, "") in ON for kind in TYPES}
    save_switches(session, account_id=account_id, user_id=user.id, enabled=enabled in ON, types=types)
    flash(request, _("Notification settings are saved."))
    return RedirectResponse("/notifications", status_code=303)
