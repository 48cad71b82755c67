"""The admin's API call log as a data table: the calls matching the validated filters (cabinet, connection,
connector, method, status or its class, errors only, a Moscow time range, text in the address, bodies or
error), sorted by time, status or duration, one page at a time or all of them for an export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from marketsync import listing
from marketsync.accounts.models import Account
from marketsync.connections.models import ApiCall, Connection

if TYPE_CHECKING:
    from marketsync.listing import AnySelect
    from marketsync.web.tables import TableQuery

LOG_SORTS = ("time", "status", "duration")
# An HTTP status class, or "none": no answer came (a timeout, a refused connection).
STATUS_CLASSES = ("2xx", "3xx", "4xx", "5xx", "none")


@dataclass(frozen=True)
class LogFilter:
    """The API log filters that passed validation (None / empty means "any")."""

    account_ids: list[int] | None = None
    connection_id: int | None = None
    system: str = ""
    method: str = ""
    status_code: int | None = None
    status_class: str = ""
    errors_only: bool = False
    since: datetime | None = None
    until: datetime | None = None
    text: str = ""


def failed_call() -> ColumnElement[bool]:
    """Return "the call failed": an HTTP error status, or no answer at all."""
    return or_(ApiCall.status_code >= 400, ApiCall.error.is_not(None))


def _status_class(name: str) -> ColumnElement[bool]:
    if name == "none":
        return ApiCall.status_code.is_(None)
    low = int(name[0]) * 100
    return and_(ApiCall.status_code >= low, ApiCall.status_code < low + 100)


def _query(session: Session, filters: LogFilter) -> AnySelect:
    query = select(ApiCall)
    if filters.account_ids is not None:
        query = query.where(ApiCall.account_id.in_(filters.account_ids))
    if filters.connection_id is not None:
        query = query.where(ApiCall.connection_id == filters.connection_id)
    if filters.system:
        query = query.where(ApiCall.system == filters.system)
    if filters.method:
        query = query.where(ApiCall.method == filters.method)
    if filters.status_code is not None:
        query = query.where(ApiCall.status_code == filters.status_code)
    if filters.status_class in STATUS_CLASSES:
        query = query.where(_status_class(filters.status_class))
    if filters.errors_only:
        query = query.where(failed_call())
    if filters.since is not None:
        query = query.where(ApiCall.created_at >= filters.since)
    if filters.until is not None:
        query = query.where(ApiCall.created_at < filters.until)
    if filters.text:
        query = query.where(listing.contains(session, [ApiCall.url, ApiCall.request_body, ApiCall.response_body,
                                                       ApiCall.error], filters.text))
    return query


def _ordered(query: AnySelect, table: TableQuery) -> AnySelect:
    sorts = {"time": ApiCall.created_at, "status": ApiCall.status_code, "duration": ApiCall.duration_ms}
    return listing.ordered(query, table, sorts, "time", ApiCall.id, never_empty=("time", "duration"))


def search_log(session: Session, filters: LogFilter, table: TableQuery) -> tuple[list[ApiCall], listing.Page]:
    """Return one page of the API calls matching the filters, in the table's order (newest first by default)."""
    query = _query(session, filters)
    # The page's ids first, sorted without the bodies (kilobytes a row), then those calls whole.
    page = listing.page_by_key(session, _ordered(query, table).with_only_columns(ApiCall.id), select(ApiCall),
                               ApiCall.id, table, count_query=query, row_key=lambda row: row[0].id)
    return [row[0] for row in page.rows], page


def export_log(session: Session, filters: LogFilter, table: TableQuery) -> Iterator[tuple[ApiCall, str | None]]:
    """Yield every call matching the filters (all pages) with its cabinet's name, in order, a chunk at a time."""
    query = _ordered(_query(session, filters), table) \
        .outerjoin(Account, Account.id == ApiCall.account_id).add_columns(Account.name)
    for row in listing.every_row(session, query):
        yield row[0], row[1]


def log_systems(session: Session) -> list[str]:
    """Return the systems that appear in the API log and in connections (for the connector filter)."""
    logged = set(session.scalars(select(ApiCall.system).distinct()))
    connected = set(session.scalars(select(Connection.system).distinct()))
    return sorted(logged | connected)


def account_names(session: Session, account_ids: set[int | None]) -> dict[int, str]:
    """Return the names of cabinets by id (for the log's cabinet column)."""
    ids = [i for i in account_ids if i is not None]
    if not ids:
        return {}
    return {i: name for i, name in session.execute(select(Account.id, Account.name).where(Account.id.in_(ids)))}


def api_call(session: Session, call_id: int) -> ApiCall | None:
    """Return one logged API call (the log's detail page)."""
    return session.get(ApiCall, call_id)
