"""The sync page: the catalog pipeline switch, the price multiplier, "sync now", run history and the live
progress of a running sync (htmx polls the progress fragment every 2 s)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from marketsync.connections.service import get_connection
from marketsync.sync.models import SyncConfig, SyncRun
from marketsync.sync.runs import fail_dead_runs, recent_runs
from marketsync.web.deps import AccountId, DbSession
from marketsync.web.i18n import gettext as _
from marketsync.web.templating import flash, render

router = APIRouter(tags=["sync"])
MIN_MULTIPLIER = Decimal("0.01")
MAX_MULTIPLIER = Decimal("100")
MULTIPLIER_PLACES = 4  # sync_configs.price_multiplier is NUMERIC(8, 4)
HISTORY_SIZE = 20


def _config(session: Session, account_id: int) -> SyncConfig:
    """Return the account's sync config, creating it with the defaults when missing."""
    config = session.scalar(select(SyncConfig).where(SyncConfig.account_id == account_id))
    if config is None:
        config = SyncConfig(account_id=account_id, catalog_enabled=True, price_multiplier=Decimal("1"))
        session.add(config)
        session.flush()
    return config


def parse_multiplier(raw: str) -> Decimal | None:
    """Parse "1,5" or "1.5" into a Decimal within 0.01..100 (at most 4 decimals); None when invalid."""
    text = raw.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or not MIN_MULTIPLIER <= value <= MAX_MULTIPLIER:
        return None
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MULTIPLIER_PLACES:
        return None
    return value


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _missing_connections(session: Session, account_id: int) -> list[str]:
    return [name for system, name in (("evotor", "Evotor"), ("vk", "VK"))
            if get_connection(session, account_id, system) is None]


def _page(request: Request, session: Session, account_id: int, *, status_code: int = 200,
          error: str | None = None, multiplier_value: str | None = None) -> HTMLResponse:
    config = _config(session, account_id)
    fail_dead_runs(session, account_id=account_id)  # a run whose worker died must not look alive forever
    runs = recent_runs(session, account_id, limit=HISTORY_SIZE)
    running = next((r for r in runs if r.status == "running"), None)
    return render(request, "sync/index.html", {
        "config": config,
        "multiplier_value": multiplier_value if multiplier_value is not None
        else format(config.price_multiplier.normalize(), "f").replace(".", ","),
        "runs": runs, "running": running, "error": error,
        "missing": _missing_connections(session, account_id),
    }, status_code=status_code)


@router.get("/sync", response_class=HTMLResponse)
def sync_page(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """Show the sync settings, the sync-now button, the live progress and the run history."""
    return _page(request, session, account_id)


@router.post("/sync/settings", response_class=HTMLResponse)
def save_settings(request: Request, session: DbSession, account_id: AccountId,
                  price_multiplier: Annotated[str, Form()] = "",
                  catalog_enabled: Annotated[str, Form()] = "") -> Response:
    """Save the pipeline switch and the price multiplier; invalid input saves nothing."""
    multiplier = parse_multiplier(price_multiplier)
    if multiplier is None:
        message = _("The price multiplier must be a number from 0,01 to 100, for example 1,5.")
        return _page(request, session, account_id, status_code=400, error=message,
                     multiplier_value=price_multiplier)
    config = _config(session, account_id)
    config.catalog_enabled = catalog_enabled in {"1", "on", "true"}
    config.price_multiplier = multiplier
    flash(request, _("Sync settings are saved."))
    return RedirectResponse("/sync", status_code=303)


@router.post("/sync/now")
def sync_now(request: Request, session: DbSession, account_id: AccountId) -> Response:
    """Queue a catalog sync for this account (Evotor → VK) on the worker."""
    ok, category = False, "warning"
    missing = _missing_connections(session, account_id)
    fail_dead_runs(session, account_id=account_id)
    running = session.scalar(select(SyncRun.id).where(SyncRun.account_id == account_id,
                                                      SyncRun.status == "running").limit(1))
    if missing:
        message = (_("Connect Evotor and VK first: the sync reads one and writes the other.") if len(missing) > 1
                   else _("Connect %(system)s first: the sync needs both Evotor and VK.", system=missing[0]))
    elif running is not None:
        message = _("A sync is already running; its progress is shown below.")
    else:
        from marketsync.sync.tasks import enqueue_catalog_sync

        try:
            enqueue_catalog_sync(account_id)
        except Exception:  # the broker is down: say so instead of a server error
            message, category = _("The sync could not be queued: the task queue is not available."), "danger"
        else:
            ok, category = True, "success"
            message = _("The sync is queued. Progress appears here in a few seconds.")
    if _wants_json(request):
        return JSONResponse({"ok": ok, "message": message}, status_code=202 if ok else 409)
    flash(request, message, category)
    return RedirectResponse("/sync", status_code=303)


def progress_of(run: SyncRun) -> dict[str, Any]:
    """Return a run's progress as the JSON the page and scripts read."""
    return {"id": run.id, "status": run.status, "stage": run.stage, "done": run.progress_done,
            "total": run.progress_total, "created": run.created, "updated": run.updated, "hidden": run.hidden,
            "skipped": run.skipped, "failed": run.failed, "error": run.error}


@router.get("/sync/runs/{run_id}/progress")
def run_progress(request: Request, session: DbSession, account_id: AccountId, run_id: int) -> Response:
    """Return a run's progress: an HTML fragment for htmx, JSON with Accept: application/json."""
    run = session.get(SyncRun, run_id)
    if run is None or run.account_id != account_id:
        raise HTTPException(status_code=404)
    if run.status == "running":
        fail_dead_runs(session, account_id=account_id)
    if _wants_json(request):
        return JSONResponse(progress_of(run))
    return render(request, "sync/_progress.html", {"run": run})
