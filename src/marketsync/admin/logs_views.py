"""Admin page of the API call log: filters (user, cabinet, connector, method, status, Moscow time range, text),
50 calls a page with one decoded line of each body, and a page per call with its bodies decoded in full (JSON
indented, form fields as a table); bodies are redacted again before display (defence in depth).

Filters are read leniently: a value that does not parse is ignored and named in a warning, never a 500."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from marketsync.accounts.rbac import user_permissions
from marketsync.admin.api_bodies import Body, readable
from marketsync.admin.service import (
    PER_PAGE,
    LogFilter,
    account_names,
    api_call,
    cabinets_of_email,
    log_systems,
    search_log,
)
from marketsync.security import redact
from marketsync.web.deps import CurrentUser, DbSession, require_permission
from marketsync.web.i18n import gettext as _
from marketsync.web.templating import MOSCOW, Pager, page_number, render

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from marketsync.connections.models import ApiCall

router = APIRouter()
FIELDS = ("user", "cabinet", "connector", "method", "status", "from", "to", "text")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
DIGITS = re.compile(r"[0-9]{1,9}")  # ASCII digits only ("²".isdigit() is true) and within an INTEGER
SYSTEM = re.compile(r"^[a-z0-9_.-]{1,32}$")
MAX_TEXT = 200
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


def parse_filters(session: Session, params: Mapping[str, str]) -> tuple[LogFilter, dict[str, str], list[str]]:
    """Validate the query's filters; return the filter, the raw values (for the form) and warnings."""
    raw = {name: str(params.get(name, "")).strip()[:MAX_TEXT] for name in FIELDS}
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
    filters = LogFilter(account_ids=_cabinets(session, raw, warnings), system=system, method=method,
                        status_code=status_code, errors_only=errors_only, since=since, until=until, text=raw["text"])
    return filters, raw, warnings


def _shown(text: str | None) -> str:
    return redact(text) or ""


def _row(call: ApiCall, names: dict[int, str]) -> LogRow:
    return LogRow(call=call, cabinet=names.get(call.account_id or 0, ""), url=_shown(call.url),
                  request_body=readable(call.request_body), response_body=readable(call.response_body),
                  error=_shown(call.error))


@router.get("/logs", response_class=HTMLResponse, dependencies=[require_permission("logs.read")])
def logs(request: Request, session: DbSession, actor: CurrentUser) -> Response:
    """List the API calls, newest first, 50 a page, filtered by the query's values."""
    filters, raw, warnings = parse_filters(session, request.query_params)
    number = page_number(request.query_params.get("page"))
    calls, total = search_log(session, filters, page=number, per_page=PER_PAGE)
    names = account_names(session, {c.account_id for c in calls})
    rows = [_row(c, names) for c in calls]
    pager = Pager(page=number, per_page=PER_PAGE, total=total, base_url="/admin/logs",
                  params=tuple((name, raw[name]) for name in FIELDS))
    return render(request, "admin/logs.html", {
        "rows": rows, "pager": pager, "raw": raw, "warnings": warnings, "systems": log_systems(session),
        "methods": METHODS, "perms": user_permissions(session, actor.id), "section": "logs",
    })


@router.get("/logs/{call_id}", response_class=HTMLResponse, dependencies=[require_permission("logs.read")])
def call_page(request: Request, session: DbSession, actor: CurrentUser, call_id: int) -> Response:
    """Show one API call with its bodies decoded in full (the log's rows load their bodies from here)."""
    call = api_call(session, call_id)
    if call is None:
        raise HTTPException(status_code=404)
    return render(request, "admin/log_call.html", {
        "row": _row(call, account_names(session, {call.account_id})),
        "perms": user_permissions(session, actor.id), "section": "logs",
    })
