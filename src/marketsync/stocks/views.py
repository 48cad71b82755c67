"""The stock pages: /stocks (every product on every marketplace: our stock, reserve, offered, pushed, reported,
errors; search, filters, sort, CSV/XLSX), the stock settings per marketplace, "sync stocks now", and one
product's page with its stores, offers and the chart of accepted pushes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from marketsync.db import session_scope
from marketsync.stocks import service
from marketsync.stocks.product_service import product_stocks
from marketsync.stocks.table_service import SORTS, STATES, market_summaries, stock_lines_export, stock_lines_page
from marketsync.web.deps import AccountId, DbSession
from marketsync.web.export import Column, export_format, export_response
from marketsync.web.i18n import gettext as _
from marketsync.web.tables import TableSpec, parse_table, table_for
from marketsync.web.templating import flash, format_msk, label, render

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from marketsync.stocks.product_service import ProductStocks
    from marketsync.stocks.table_service import StockLine

router = APIRouter(tags=["stocks"])
SPEC = TableSpec(sorts=SORTS, default_sort="key", filters={"marketplace": service.MARKETPLACES, "state": STATES})
MAX_RESERVE = 1_000_000
MAX_INTERVAL_HOURS = 24 * 7


def state_words() -> dict[str, str]:
    """Name each stock line state in the page's language."""
    return {"ok": _("In sync"), "error": _("Error"), "never": _("Never pushed"),
            "differs": _("Differs from the marketplace")}


def product_url(key: str) -> str:
    """Return the link to a product's stock page (a key may hold '/', '?' or '#': it goes in the query)."""
    return f"/stocks/product?key={quote(key, safe='')}"


def _stocks_page(request: Request, session: Session, account_id: int, *, status_code: int = 200,
                 errors: dict[str, str] | None = None, values: dict[str, dict[str, str]] | None = None,
                 ) -> HTMLResponse:
    table = parse_table(request.query_params, SPEC)
    rows, page = stock_lines_page(session, account_id, table)
    settings = service.market_settings(session, account_id)
    return render(request, "stocks/index.html", {
        "rows": rows, "t": table_for(table, SPEC, total=page.total, page=page.page, base_url="/stocks",
                                     export_url_base="/stocks/export"),
        "summaries": market_summaries(session, account_id), "settings": settings,
        "marketplace_options": [(s, label(s, "system")) for s in service.MARKETPLACES],
        "state_options": list(state_words().items()), "states": state_words(), "product_url": product_url,
        "errors": errors or {}, "values": values or {}, "hours_text": hours_text,
    }, status_code=status_code)


def hours_text(seconds: int | None) -> str:
    """Show an interval in hours as a person types it: "6", "1,5"."""
    hours = round((seconds or service.DEFAULT_INTERVAL) / 3600, 2)
    return f"{hours:g}".replace(".", ",")


@router.get("/stocks", response_class=HTMLResponse)
def stocks_page(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """List every matched product on every marketplace with its stock figures; search, filter, sort, page."""
    return _stocks_page(request, session, account_id)


@router.get("/stocks/export.csv", include_in_schema=False)
@router.get("/stocks/export.xlsx", include_in_schema=False)
def stocks_export(request: Request, account_id: AccountId) -> StreamingResponse:
    """Download every stock line the table shows (all pages, same search, filters and order) as CSV or XLSX."""
    fmt = export_format(request)
    table = parse_table(request.query_params, SPEC)
    states = state_words()
    columns: list[Column[StockLine]] = [
        Column(_("Product key"), lambda r: r.product_key),
        Column(_("Name"), lambda r: r.name),
        Column(_("Marketplace"), lambda r: label(r.system, "system")),
        Column(_("Offer id"), lambda r: r.offer_id),
        Column(_("Our stock"), lambda r: r.stock),
        Column(_("Reserve"), lambda r: r.reserve),
        Column(_("Offered"), lambda r: r.offered),
        Column(_("Last pushed"), lambda r: r.pushed),
        Column(_("Marketplace reports (FBS)"), lambda r: r.reported),
        Column(_("FBO"), lambda r: r.fbo),
        Column(_("Pushed at"), lambda r: r.pushed_at),
        Column(_("State"), lambda r: states.get(r.state, r.state)),
        Column(_("Error code"), lambda r: r.error_code),
        Column(_("Error"), lambda r: r.error),
    ]

    def rows() -> Iterator[StockLine]:
        with session_scope() as export_session:  # the request's session is closed while the body streams
            yield from stock_lines_export(export_session, account_id, table)

    return export_response(fmt, "stocks", columns, rows)


def _marketplace(system: str) -> str:
    if system not in service.MARKETPLACES:
        raise HTTPException(status_code=404)
    return system


@router.post("/stocks/settings/{system}", response_class=HTMLResponse)
def save_stock_settings(request: Request, session: DbSession, account_id: AccountId, system: str,
                        reserve: Annotated[str, Form()] = "", interval_hours: Annotated[str, Form()] = "",
                        enabled: Annotated[str, Form()] = "") -> Response:
    """Save one marketplace's reserve, push interval and automatic switch; invalid input saves nothing."""
    system = _marketplace(system)
    if system not in {conn.system for conn in service.connected_marketplaces(session, account_id)}:
        raise HTTPException(status_code=404)
    values = {system: {"reserve": reserve, "interval_hours": interval_hours}}
    units = _whole(reserve)
    hours = _hours(interval_hours)
    if units is None or not 0 <= units <= MAX_RESERVE:
        error = _("The reserve must be a whole number of units, 0 or more.")
    elif hours is None or not 0 < hours <= MAX_INTERVAL_HOURS:
        error = _("The interval must be a number of hours from 0,1 to %(max)s.", max=MAX_INTERVAL_HOURS)
    else:
        service.configure(session, account_id=account_id, system=system, reserve=units, interval_hours=hours,
                          enabled=enabled in {"1", "on", "true"})
        flash(request, _("Stock settings for %(system)s are saved.", system=label(system, "system")))
        return RedirectResponse("/stocks", status_code=303)
    return _stocks_page(request, session, account_id, status_code=400, errors={system: error}, values=values)


def _whole(raw: str) -> int | None:
    try:
        return int(raw.strip())
    except ValueError:
        return None


def _hours(raw: str) -> float | None:
    try:
        return float(raw.strip().replace(",", "."))
    except ValueError:
        return None


@router.post("/stocks/sync")
def sync_stocks_now(request: Request, session: DbSession, account_id: AccountId) -> RedirectResponse:
    """Queue a stock push to every connected marketplace on the worker (source read first)."""
    push = service.request_push(session, account_id=account_id)
    session.commit()  # the push is queued once this commit is done (an entry point commits)
    if not push.systems:
        flash(request, _("Connect Ozon, Wildberries or Yandex Market first."), "warning")
        return RedirectResponse("/connections", status_code=303)
    if push.running:
        flash(request, _("A stock sync is already running."), "info")
    elif not push.queued:
        flash(request, _("The stock sync could not be queued: the task queue is not available."), "danger")
    else:
        names = ", ".join(label(s, "system") for s in push.systems)
        flash(request, _("The stock sync is queued for %(systems)s. Refresh the page in a minute.", systems=names))
    return RedirectResponse("/stocks", status_code=303)


def _chart(view: ProductStocks) -> dict[str, Any]:
    """The history chart's data: one stepped line per marketplace over the moments any of them took a push."""
    moments = sorted({point.at for point in view.history})
    position = {moment: n for n, moment in enumerate(moments)}
    series: dict[str, list[int | None]] = {}
    for point in view.history:
        series.setdefault(point.system, [None] * len(moments))[position[point.at]] = point.amount
    colors = {"ozon": "#005bff", "wildberries": "#a73afd", "yandex_market": "#fc3f1d"}
    return {"labels": [format_msk(moment) for moment in moments],
            "series": [{"label": label(system, "system"), "data": data, "color": colors.get(system, "#6c757d")}
                       for system, data in series.items()]}


def _product_page(request: Request, session: Session, account_id: int, key: str) -> HTMLResponse:
    view = product_stocks(session, account_id, key)
    if view is None:
        raise HTTPException(status_code=404)
    here = str(request.url.path) + (f"?{request.url.query}" if request.url.query else "")
    return render(request, "stocks/product.html", {"view": view, "chart": _chart(view), "here": here})


@router.get("/stocks/product", response_class=HTMLResponse)
def product_page(request: Request, session: DbSession, account_id: AccountId, key: str = "") -> HTMLResponse:
    """Show one product's stock per store and per marketplace, and the chart of what marketplaces took."""
    return _product_page(request, session, account_id, key)


# Included after every other router: /stocks/<key> would otherwise shadow /stocks/unmatched and the exports.
# Keys may hold '/', so the path converter takes the rest of the path; a key named like a page is reached by
# /stocks/product?key=..., which is what the pages link to.
product_path_router = APIRouter(tags=["stocks"])


@product_path_router.get("/stocks/{key:path}", response_class=HTMLResponse)
def product_path_page(request: Request, session: DbSession, account_id: AccountId, key: str) -> HTMLResponse:
    """Show a product's stock page at /stocks/<key>."""
    return _product_page(request, session, account_id, key)
