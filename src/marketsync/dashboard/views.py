"""The overview a seller lands on at `/`; anyone not signed in is sent to the login page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from marketsync.accounts.service import AccountError, primary_account_id
from marketsync.dashboard.service import overview
from marketsync.stocks.table_service import market_summaries
from marketsync.web.deps import DbSession, OptionalUser
from marketsync.web.templating import render

router = APIRouter(tags=["pages"])


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def overview_page(request: Request, session: DbSession, user: OptionalUser) -> Response:
    """Show the cabinet's overview: connections, syncs, products against VK items, marketplace stocks, 30 days,
    next steps."""
    if user is None:
        return RedirectResponse("/login", status_code=303)
    try:
        account_id = primary_account_id(session, user.id)
    except AccountError:
        return RedirectResponse("/profile", status_code=303)
    view = overview(session, account_id=account_id)
    chart = {"labels": [d.day.strftime("%d.%m") for d in view.days],
             "succeeded": [d.succeeded for d in view.days], "failed": [d.failed for d in view.days],
             "item_failures": [d.item_failures for d in view.days]}
    return render(request, "dashboard/index.html", {"view": view, "chart": chart,
                                                    "stocks": market_summaries(session, account_id)})
