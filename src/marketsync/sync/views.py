"""The sync page: the catalog pipeline switch, the price multiplier, VK's stock mode, "sync now", the run history
(a data table: status and pipeline filters, sort, pages, CSV and XLSX) and the live progress of a running sync
(htmx polls the progress fragment every second; when the run ends it brings the history's page back)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse

from marketsync.catalog.pricing import MultiplierError
from marketsync.db import session_scope
from marketsync.notices import say
from marketsync.settings import get_settings
from marketsync.sync import history, service
from marketsync.sync.journal import JOURNAL_SORTS, OUTCOMES
from marketsync.sync.publishing import set_product_rule
from marketsync.sync.reasons import outcome_labels, reason_text
from marketsync.sync.selection import COPY, UNSELECTED
from marketsync.web.deps import AccountId, DbSession
from marketsync.web.export import Column, export_format, export_response
from marketsync.web.i18n import gettext as _
from marketsync.web.i18n import local_path
from marketsync.web.tables import Table, TableSpec, parse_table, table_for
from marketsync.web.templating import flash, label, render

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from marketsync.sync.models import SyncRun, SyncRunItem


router = APIRouter(tags=["sync"])
RUNS_SPEC = TableSpec(sorts=history.RUN_SORTS, default_sort="started", default_dir="desc", per_page=25,
                      filters={"status": history.RUN_STATUSES, "pipeline": history.PIPELINES})
JOURNAL_SPEC = TableSpec(sorts=JOURNAL_SORTS, default_sort="order", filters={"outcome": OUTCOMES}, per_page=100)


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _history(request: Request, session: Session, account_id: int) -> tuple[list[SyncRun], Table]:
    """Return the page of the run history the URL asks for, and its table."""
    table = parse_table(request.query_params, RUNS_SPEC)
    runs, page = history.runs_page(session, account_id, table)
    return runs, table_for(table, RUNS_SPEC, total=page.total, page=page.page, base_url="/sync",
                           export_url_base="/sync/history/export")


def _page(request: Request, session: Session, account_id: int, *, status_code: int = 200,
          error: str | None = None, multiplier_value: str | None = None) -> HTMLResponse:
    config = service.get_config(session, account_id)
    fixed = _("Fixed: %(n)s for every item (default)", n=get_settings().VK_STOCK_AMOUNT)
    stock_modes = [(service.VK_STOCK_FIXED, fixed),
                   (service.VK_STOCK_REAL, _("Follow the real stock of the enabled stores"))]
    runs, table = _history(request, session, account_id)
    return render(request, "sync/index.html", {
        "config": config,
        "multiplier_value": multiplier_value if multiplier_value is not None
        else format(config.price_multiplier.normalize(), "f").replace(".", ","),
        "runs": runs, "t": table, "history_query": table.query_string(), "stock_modes": stock_modes,
        "run_statuses": history.RUN_STATUSES, "pipelines": history.PIPELINES,
        "running": history.live_run(session, account_id), "error": error,
        "missing": service.missing_connections(session, account_id),
        "price_store": service.price_store(session, account_id),
    }, status_code=status_code)


@router.get("/sync", response_class=HTMLResponse)
def sync_page(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """Show the sync settings, the sync-now button, the live progress and the run history (?status=&pipeline=&q=)."""
    return _page(request, session, account_id)


@router.get("/sync/history/export.csv", include_in_schema=False)
@router.get("/sync/history/export.xlsx", include_in_schema=False)
def history_export(request: Request, account_id: AccountId) -> StreamingResponse:
    """Download every run of the cabinet the history's search and filters match (all pages), CSV or XLSX."""
    fmt = export_format(request)
    table = parse_table(request.query_params, RUNS_SPEC)
    # Words now, in the request's language: the rows are written after this function returns.
    statuses = {s: label(s, "run_status") for s in history.RUN_STATUSES}
    pipelines = {p: label(p, "pipeline") for p in history.PIPELINES}
    yes_no = {True: _("Yes"), False: _("No")}
    columns: list[Column[SyncRun]] = [
        Column(_("Started"), lambda r: r.started_at), Column(_("Finished"), lambda r: r.finished_at),
        Column(_("Sync"), lambda r: pipelines.get(r.pipeline, r.pipeline)),
        Column(_("Status"), lambda r: statuses.get(r.status, r.status)),
        Column(_("Dry run"), lambda r: yes_no[bool(r.dry_run)]),
        Column(_("Created"), lambda r: r.created), Column(_("Updated"), lambda r: r.updated),
        Column(_("Hidden"), lambda r: r.hidden), Column(_("Skipped"), lambda r: r.skipped),
        Column(_("Failed"), lambda r: r.failed), Column(_("Error"), lambda r: r.error),
    ]

    def rows() -> Iterator[SyncRun]:
        with session_scope() as export_session:  # the request's session is closed while the body streams
            yield from history.export_runs(export_session, account_id, table)

    return export_response(fmt, "sync-runs", columns, rows)


@router.post("/sync/settings", response_class=HTMLResponse)
def save_settings(request: Request, session: DbSession, account_id: AccountId,
                  price_multiplier: Annotated[str, Form()] = "",
                  catalog_enabled: Annotated[str, Form()] = "",
                  vk_stock_mode: Annotated[str, Form()] = "") -> Response:
    """Save the pipeline switch, the price multiplier and VK's stock mode; invalid input saves nothing."""
    try:
        service.save_config(session, account_id=account_id, price_multiplier=price_multiplier,
                            catalog_enabled=catalog_enabled in {"1", "on", "true"},
                            vk_stock_mode=vk_stock_mode or None)
    except MultiplierError:
        message = _("The price multiplier must be a number from 0,01 to 100, for example 1,5.")
        return _page(request, session, account_id, status_code=400, error=message,
                     multiplier_value=price_multiplier)
    except service.StockModeError:
        message = _("Choose how VK shows stock: a fixed amount or the real stock.")
        return _page(request, session, account_id, status_code=400, error=message,
                     multiplier_value=price_multiplier)
    flash(request, _("Sync settings are saved."))
    return RedirectResponse("/sync", status_code=303)


@router.post("/sync/now")
def sync_now(request: Request, session: DbSession, account_id: AccountId) -> Response:
    """Queue a catalog sync for this account (Evotor → VK) on the worker."""
    ok, category = False, "warning"
    sync = service.request_sync(session, account_id=account_id)
    session.commit()  # the request is queued once this commit is done (an entry point commits)
    if sync.missing:
        missing = sync.missing
        message = (_("Connect Evotor and VK first: the sync reads one and writes the other.") if len(missing) > 1
                   else _("Connect %(system)s first: the sync needs both Evotor and VK.", system=missing[0]))
    elif sync.running:
        message = _("A sync is already running; its progress is shown below.")
    elif not sync.queued:
        message, category = _("The sync could not be queued: the task queue is not available."), "danger"
    else:
        ok, category = True, "success"
        message = _("The sync is queued. Progress appears here in a few seconds.")
    if _wants_json(request):
        return JSONResponse({"ok": ok, "message": message, "run_id": sync.run_id}, status_code=202 if ok else 409)
    flash(request, message, category)
    return RedirectResponse("/sync", status_code=303)


def progress_of(run: SyncRun) -> dict[str, Any]:
    """Return a run's progress as the JSON the page and scripts read."""
    return {"id": run.id, "status": run.status, "stage": run.stage, "done": run.progress_done,
            "total": run.progress_total, "created": run.created, "updated": run.updated, "hidden": run.hidden,
            "skipped": run.skipped, "failed": run.failed, "error": say(run.error_notice, run.error) or None}


@router.get("/sync/runs/{run_id}/progress")
def run_progress(request: Request, session: DbSession, account_id: AccountId, run_id: int) -> Response:
    """Return a run's progress: an HTML fragment for htmx, JSON with Accept: application/json."""
    run = service.run_of(session, account_id=account_id, run_id=run_id)
    if run is None:
        raise HTTPException(status_code=404)
    if _wants_json(request):
        return JSONResponse(progress_of(run))
    # When the run ends, the fragment also brings the history with its final row (swapped out of band): the
    # page the seller looks at, whose state the polling URL carries.
    context: dict[str, Any] = {"run": run, "oob": True}
    if run.status in ("queued", "running"):
        table = parse_table(request.query_params, RUNS_SPEC)
        context["history_query"] = table_for(table, RUNS_SPEC, total=0, page=table.page,
                                             base_url="/sync").query_string()
    else:
        context["runs"], context["t"] = _history(request, session, account_id)
        context["history_query"] = context["t"].query_string()
    return render(request, "sync/_progress.html", context)


def _run(session: Session, account_id: int, run_id: int) -> SyncRun:
    run = service.run_of(session, account_id=account_id, run_id=run_id)
    if run is None:
        raise HTTPException(status_code=404)
    return run


@router.get("/sync/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, session: DbSession, account_id: AccountId, run_id: int) -> HTMLResponse:
    """Show what one run did to each product, with the plan's reason (?outcome=&q=&sort=), and its downloads."""
    run = _run(session, account_id, run_id)
    table = parse_table(request.query_params, JOURNAL_SPEC)
    items, page, counts, products = service.run_journal_page(session, run, table)
    # Every product of the source has one row: the decision about its article's item, or why it sets none.
    tally = {"total": sum(products.values()), "copies": products.get(COPY, 0),
             "unselected": products.get(UNSELECTED, 0)}
    tally["decided"] = tally["total"] - tally["copies"] - tally["unselected"]
    base = f"/sync/runs/{run.id}"
    return render(request, "sync/run.html", {
        "run": run, "items": items, "counts": counts, "labels": outcome_labels(), "reason_text": reason_text,
        "outcomes": OUTCOMES, "tally": tally, "outcome": table.filter("outcome"),
        "t": table_for(table, JOURNAL_SPEC, total=page.total, page=page.page, base_url=base,
                       export_url_base=f"{base}/export"),
    })


@router.get("/sync/runs/{run_id}/export.csv", include_in_schema=False)
@router.get("/sync/runs/{run_id}/export.xlsx", include_in_schema=False)
def run_export(request: Request, session: DbSession, account_id: AccountId, run_id: int) -> StreamingResponse:
    """Download the run's (filtered) journal as CSV (UTF-8 with a BOM, so Excel reads Cyrillic) or XLSX."""
    fmt = export_format(request)
    run_id = _run(session, account_id, run_id).id
    table = parse_table(request.query_params, JOURNAL_SPEC)
    # Machine-readable headings and values: a script reads this file as often as a person does.
    columns: list[Column[SyncRunItem]] = [
        Column("article", lambda i: i.internal_id), Column("name", lambda i: i.name),
        Column("outcome", lambda i: i.outcome), Column("reason", lambda i: i.reason),
        Column("kind", lambda i: i.kind), Column("vk_id", lambda i: i.external_id or ""),
    ]

    def rows() -> Iterator[SyncRunItem]:
        with session_scope() as export_session:  # the request's session is closed while the body streams
            yield from service.run_journal_rows(export_session, account_id=account_id, run_id=run_id, table=table)

    return export_response(fmt, f"run-{run_id}", columns, rows)


RULES = {"include": True, "exclude": False, "default": None}


@router.post("/catalog/products/publish")
def publish_products(request: Request, session: DbSession, account_id: AccountId,
                     product_ids: Annotated[list[int], Form()] = [],  # noqa: B006  (FastAPI's form list)
                     rule: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "") -> RedirectResponse:
    """Publish or withhold the selected products over their groups' switches (or follow the switches again)."""
    if rule not in RULES or not product_ids:
        raise HTTPException(status_code=400, detail="choose products and include, exclude or default")
    changed = set_product_rule(session, account_id=account_id, product_ids=product_ids, publish=RULES[rule])
    if rule == "include":
        message = _("Products published to VK whatever their group: %(n)s.", n=changed)
    elif rule == "exclude":
        message = _("Products withheld from VK (hidden there at the next sync): %(n)s.", n=changed)
    else:
        message = _("Products that follow their store and group switches again: %(n)s.", n=changed)
    flash(request, message)
    return RedirectResponse(local_path(next, "/catalog/stores"), status_code=303)
