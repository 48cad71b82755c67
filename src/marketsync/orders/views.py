"""The /orders page: today's totals, the chart of orders, buyouts, cancellations and returns per Moscow day over
a chosen period, and the table of every order, buyout and return (search, filters, sort, pages, CSV/XLSX)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from marketsync.db import session_scope
from marketsync.orders.chart_service import PERIODS, daily_activity, day_totals, msk_today, period_days
from marketsync.orders.table_service import KINDS, SORTS, SOURCES, STATES, order_lines_export, order_lines_page
from marketsync.web.deps import AccountId, DbSession
from marketsync.web.export import Column, export_format, export_response
from marketsync.web.i18n import gettext as _
from marketsync.web.tables import TableSpec, parse_table, table_for
from marketsync.web.templating import label, render

if TYPE_CHECKING:
    from marketsync.orders.chart_service import DayActivity
    from marketsync.orders.table_service import OrderLine

router = APIRouter(tags=["orders"])
# `period` is the chart's, not a filter of the rows: it sits in the table's state so every link keeps it.
SPEC = TableSpec(sorts=SORTS, default_sort="at", default_dir="desc",
                 filters={"marketplace": SOURCES, "kind": KINDS, "state": STATES, "since": None, "until": None,
                          "period": tuple(str(days) for days in PERIODS)})
COLORS = {"orders": "#0d6efd", "buyouts": "#198754", "cancellations": "#ffc107", "returns": "#dc3545"}


def kind_words() -> dict[str, str]:
    """Name each operation in the page's language."""
    return {"order": _("Order"), "buyout": _("Buyout"), "return": _("Return")}


def state_words() -> dict[str, str]:
    """Name each order state (and a sale's kind) in the page's language."""
    return {"active": _("Active order"), "cancelled": _("Cancelled order"), **kind_words()}


def series_words() -> dict[str, str]:
    """Name the chart's series in the page's language."""
    return {"orders": _("Orders"), "buyouts": _("Buyouts"), "cancellations": _("Cancellations"),
            "returns": _("Returns")}


def chart_data(days: list[DayActivity]) -> dict[str, Any]:
    """Return the chart's labels (Moscow days, "25.11") and one series of counts per operation."""
    names = series_words()
    return {"labels": [day.day.strftime("%d.%m") for day in days],
            "days": [day.day.isoformat() for day in days],
            "series": [{"key": key, "label": names[key], "color": COLORS[key],
                        "data": [getattr(day, key) for day in days]} for key in COLORS]}


@router.get("/orders", response_class=HTMLResponse)
def orders_page(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """Show today's totals, the chart per Moscow day and the table of orders, buyouts and returns."""
    table = parse_table(request.query_params, SPEC)
    rows, page = order_lines_page(session, account_id, table)
    source = table.filter("marketplace") or None
    today = msk_today()
    period = period_days(table.filter("period"))
    days = daily_activity(session, account_id, first=today - timedelta(days=period - 1), last=today, source=source)
    return render(request, "orders/index.html", {
        "rows": rows, "t": table_for(table, SPEC, total=page.total, page=page.page, base_url="/orders",
                                     export_url_base="/orders/export"),
        "today": day_totals(session, account_id, day=today, source=source), "days": days, "chart": chart_data(days),
        "period": period, "periods": PERIODS,
        "marketplace_options": [(s, label(s, "system")) for s in SOURCES],
        "kind_options": [(k, v) for k, v in series_words().items() if k != "cancellations"],
        "state_options": [(s, state_words()[s]) for s in STATES], "kinds": kind_words(), "states": state_words(),
    })


@router.get("/orders/export.csv", include_in_schema=False)
@router.get("/orders/export.xlsx", include_in_schema=False)
def orders_export(request: Request, account_id: AccountId) -> StreamingResponse:
    """Download every order, buyout and return the table shows (all pages, same filters and order)."""
    fmt = export_format(request)
    table = parse_table(request.query_params, SPEC)
    kinds, states = kind_words(), state_words()
    columns: list[Column[OrderLine]] = [
        Column(_("Time (Moscow)"), lambda r: r.at),
        Column(_("Operation"), lambda r: kinds.get(r.kind, r.kind)),
        Column(_("State"), lambda r: states.get(r.state, r.state)),
        Column(_("Marketplace"), lambda r: label(r.source, "system")),
        Column(_("Marketplace id"), lambda r: r.external_id),
        Column(_("Article"), lambda r: r.article),
        Column(_("Product code"), lambda r: r.product_id),
        Column(_("Product"), lambda r: r.title),
        Column(_("Size"), lambda r: r.size),
        Column(_("Price"), lambda r: r.price),
        Column(_("To be paid"), lambda r: r.for_pay),
        Column(_("Warehouse"), lambda r: r.warehouse),
        Column(_("Region"), lambda r: r.region),
        Column(_("Cancelled at"), lambda r: r.cancelled_at),
    ]

    def rows() -> Iterator[OrderLine]:
        with session_scope() as export_session:  # the request's session is closed while the body streams
            yield from order_lines_export(export_session, account_id, table)

    return export_response(fmt, "orders", columns, rows)
