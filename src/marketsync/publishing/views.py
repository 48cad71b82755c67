"""The /hub/publish page: each marketplace's cards and prices as the marketplace last answered, and "publish now",
which queues a publish of the cabinet's catalog to it (the worker sends the cards and awaits the verdicts)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from marketsync.publishing import overview, service
from marketsync.sync.pipelines.publish import SYSTEMS
from marketsync.web.deps import AccountId, DbSession
from marketsync.web.i18n import gettext as _
from marketsync.web.templating import flash, render

router = APIRouter(tags=["publishing"])
PAGE = "/hub/publish"


@router.get(PAGE, response_class=HTMLResponse)
def publish_page(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """Show each marketplace's publishing state."""
    return render(request, "publishing/index.html", {"channels": overview.overview(session, account_id=account_id)})


@router.post(PAGE + "/{channel}")
def publish_now(request: Request, account_id: AccountId, channel: str) -> Response:
    """Queue a publish of the catalog to one marketplace."""
    if channel not in SYSTEMS:
        raise HTTPException(status_code=404)
    try:
        service.enqueue_publish(account_id, [channel])
    except Exception:  # the broker away: say so, nothing else changes
        flash(request, _("The publish could not be queued now; try again in a minute."), "danger")
        return RedirectResponse(PAGE, status_code=303)
    flash(request, _("The publish is queued: the marketplace's answers appear here within minutes."))
    return RedirectResponse(PAGE, status_code=303)
