"""Admin page of the API call log, a data table: filters (user, cabinet, connection, connector, method, status or
its class, errors only, Moscow time range), text search, sort by time, status or duration, 25 to 100 calls a
page with one decoded line of each body, CSV and XLSX downloads of every matching call; and a page per call with
its bodies decoded in full (JSON indented, form fields as a table). Bodies, addresses and errors are redacted
again before they are shown or downloaded (defence in depth).

Filters are read leniently: a value that does not parse is ignored and named in a warning, never a 500."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from marketsync.accounts.rbac import user_permissions
from marketsync.admin.api_bodies import Body, readable
from marketsync.admin.log_search import (
    LOG_SORTS,
    STATUS_CLASSES,
    LogFilter,
    account_names,
    api_call,
    export_log,
    log_systems,
    search_log,
)
from marketsync.admin.service import cabinets_of_email
from marketsync.db import session_scope
from marketsync.security import redact
from marketsync.web.deps import CurrentUser, DbSession, require_permission
from marketsync.web.export import Column, export_format, export_response
from marketsync.web.i18n import gettext as _
from marketsync.web.tables import TableQuery, TableSpec, parse_table, table_for
from marketsync.web.templating import MOSCOW, label, render

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from marketsync.connections.models import ApiCall

router = APIRouter()
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
DIGITS = re.compile(r"[0-9]{1,9}")  # ASCII digits only ("²".isdigit() is true) and within an INTEGER
SYSTEM = re.compile(r"^[a-z0-9_.-]{1,32}$")
# Every name the log's links and form have used is still read; the search box keeps its name, `text`. A page
# of bodies is heavy, so at most 100 calls a page.
LOG_SPEC = TableSpec(sorts=LOG_SORTS, default_sort="time", default_dir="desc", per_page=50, page_sizes=(25, 50, 100),
                     search="text", filters={"user": None, "cabinet": None, "connection": None, "connector": None,
                                             "method": None, "status": None, "status_class": STATUS_CLASSES,
                                             "errors": ("1",), "from": None, "to": None})
# datetime-local sends minutes (seconds when step is set); a bare date is accepted as the whole day.
TIME_FORMATS = (("%Y-%m-%dT%H:%M", timedelta(minutes=1)), ("%Y-%m-%dT%H:%M:%S", timedelta(seconds=1)),
                ("%Y-%m-%d %H:%M", timedelta(minutes=1)), ("%Y-%m-%d", timedelta(days=1)))


@dataclass(frozen=True)
class LogRow:
    """One call as displayed: every text redacted again."""

    call: ApiCall
    cabinet: str
    url: str
    request_body: Body | None
    response_body: Body | None
    error: str


def parse_moscow(raw: str) -> tuple[datetime, timedelta] | None:
    """Read a datetime-local value in Moscow time; return it in UTC and the span it names (a minute, a day)."""
    for pattern, span in TIME_FORMATS:
        try:
            value = datetime.strptime(raw, pattern)
            return value.replace(tzinfo=MOSCOW).astimezone(UTC), span
        except (ValueError, OverflowError):  # year 1 is before UTC can hold it
            continue
    return None


def _cabinets(session: Session, raw: dict[str, str], warnings: list[str]) -> list[int] | None:
    ids: list[int] | None = None
    if raw["user"]:
        ids = cabinets_of_email(session, raw["user"])
        if ids is None:
            # Asked for one person's calls, showing everybody's would mislead: an unknown person made none.
            ids = []
            warnings.append(_("No user has the e-mail «%(value)s»: no calls match.", value=raw["user"]))
    if raw["cabinet"]:
        if DIGITS.fullmatch(raw["cabinet"]) and int(raw["cabinet"]) > 0:
            cabinet = int(raw["cabinet"])
            ids = [cabinet] if ids is None else [i for i in ids if i == cabinet]
        else:
            warnings.append(_("«%(value)s» is not a cabinet number: the cabinet filter is ignored.",
                              value=raw["cabinet"]))
    return ids


def _status(raw: str, warnings: list[str]) -> tuple[int | None, bool]:
    if not raw:
        return None, False
    if raw.lower() == "error":
        return None, True
    if DIGITS.fullmatch(raw) and 100 <= int(raw) <= 599:
        return int(raw), False
    warnings.append(_("«%(value)s» is not an HTTP status: the status filter is ignored.", value=raw))
    return None, False


def _range(raw: dict[str, str], warnings: list[str]) -> tuple[datetime | None, datetime | None]:
    since = until = None
    for name in ("from", "to"):
        if not raw[name]:
            continue
        parsed = parse_moscow(raw[name])
        if parsed is None:
            warnings.append(_("«%(value)s» is not a date and time: the filter is ignored.", value=raw[name]))
        elif name == "from":
            since = parsed[0]
        else:
            until = parsed[0] + parsed[1]  # "to 14:05" includes the calls made during 14:05
    if since and until and since >= until:
        warnings.append(_("The start of the period is after its end: nothing can match."))
    return since, until


def _connection(raw: str, warnings: list[str]) -> int | None:
    if not raw:
        return None
    if DIGITS.fullmatch(raw) and int(raw) > 0:
        return int(raw)
    warnings.append(_("«%(value)s» is not a connection number: the connection filter is ignored.", value=raw))
    return None


def parse_filters(session: Session, table: TableQuery) -> tuple[LogFilter, list[str]]:
    """Validate the table's filters; return the filter and a warning for each value that was ignored."""
    raw = {name: table.filter(name) for name in LOG_SPEC.filters}
    warnings: list[str] = []
    system = raw["connector"].lower()
    if system and not SYSTEM.match(system):
        warnings.append(_("«%(value)s» is not a connector name: the filter is ignored.", value=raw["connector"]))
        system = ""
    method = raw["method"].upper()
    if method and method not in METHODS:
        warnings.append(_("«%(value)s» is not an HTTP method: the filter is ignored.", value=raw["method"]))
        method = ""
    status_code, errors_only = _status(raw["status"], warnings)
    since, until = _range(raw, warnings)
    filters = LogFilter(account_ids=_cabinets(session, raw, warnings),
                        connection_id=_connection(raw["connection"], warnings), system=system, method=method,
                        status_code=status_code, status_class=raw["status_class"],
                        errors_only=errors_only or raw["errors"] == "1", since=since, until=until, text=table.q)
    return filters, warnings


def _shown(text: str | None) -> str:
    return redact(text) or ""


def _row(call: ApiCall, cabinet: str | None) -> LogRow:
    """Return a call as shown or downloaded: address, bodies and error redacted (bodies again once decoded)."""
    return LogRow(call=call, cabinet=cabinet or "", url=_shown(call.url), request_body=readable(call.request_body),
                  response_body=readable(call.response_body), error=_shown(call.error))


@router.get("/logs", response_class=HTMLResponse, dependencies=[require_permission("logs.read")])
def logs(request: Request, session: DbSession, actor: CurrentUser) -> Response:
    """List the API calls, newest first, 50 a page, filtered, searched and sorted by the query's values."""
    table = parse_table(request.query_params, LOG_SPEC)
    filters, warnings = parse_filters(session, table)
    calls, page = search_log(session, filters, table)
    names = account_names(session, {c.account_id for c in calls})
    return render(request, "admin/logs.html", {
        "rows": [_row(c, names.get(c.account_id or 0)) for c in calls], "warnings": warnings,
        "t": table_for(table, LOG_SPEC, total=page.total, page=page.page, base_url="/admin/logs",
                       export_url_base="/admin/logs/export"),
        "systems": log_systems(session), "methods": METHODS, "status_classes": STATUS_CLASSES,
        "perms": user_permissions(session, actor.id), "section": "logs",
    })


def _body(body: Body | None) -> str:
    return body.plain if body is not None else ""


@router.get("/logs/export.csv", include_in_schema=False, dependencies=[require_permission("logs.read")])
@router.get("/logs/export.xlsx", include_in_schema=False, dependencies=[require_permission("logs.read")])
def logs_export(request: Request, session: DbSession) -> StreamingResponse:
    """Download every call the filters match (all pages) as CSV or XLSX: bodies decoded, every secret redacted."""
    fmt = export_format(request)
    table = parse_table(request.query_params, LOG_SPEC)
    filters, _warnings = parse_filters(session, table)
    systems = {s: label(s, "system") for s in log_systems(session)}  # words now: rows are written later
    columns: list[Column[LogRow]] = [
        Column(_("Time"), lambda r: r.call.created_at),
        Column(_("Cabinet"), lambda r: r.call.account_id), Column(_("Cabinet name"), lambda r: r.cabinet),
        Column(_("Connection"), lambda r: r.call.connection_id),
        Column(_("Connector"), lambda r: systems.get(r.call.system, r.call.system)),
        Column(_("Method"), lambda r: r.call.method), Column(_("Address"), lambda r: r.url),
        Column(_("Status"), lambda r: r.call.status_code), Column(_("ms"), lambda r: r.call.duration_ms),
        Column(_("Request body"), lambda r: _body(r.request_body)),
        Column(_("Response body"), lambda r: _body(r.response_body)), Column(_("Error"), lambda r: r.error),
    ]

    def rows() -> Iterator[LogRow]:
        with session_scope() as export_session:  # the request's session is closed while the body streams
            for call, cabinet in export_log(export_session, filters, table):
                yield _row(call, cabinet)

    return export_response(fmt, "api-log", columns, rows)


@router.get("/logs/{call_id}", response_class=HTMLResponse, dependencies=[require_permission("logs.read")])
def call_page(request: Request, session: DbSession, actor: CurrentUser, call_id: int) -> Response:
    """Show one API call with its bodies decoded in full (the log's rows load their bodies from here)."""
    call = api_call(session, call_id)
    if call is None:
        raise HTTPException(status_code=404)
    return render(request, "admin/log_call.html", {
        "row": _row(call, account_names(session, {call.account_id}).get(call.account_id or 0)),
        "perms": user_permissions(session, actor.id), "section": "logs",
    })
