"""What the billing pages show: a cabinet's payments and ledger (filtered by kind and dates, paged, exported),
its money in and out per month for the chart, and every payment for the admin (searched by e-mail, cabinet or
YooKassa id)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from marketsync import listing
from marketsync.accounts.models import Account, User
from marketsync.billing.ledger import KINDS
from marketsync.billing.models import LedgerEntry, Payment
from marketsync.db import utcnow

if TYPE_CHECKING:
    from marketsync.web.tables import TableQuery

PAYMENT_STATUSES = ("new", "pending", "waiting_for_capture", "succeeded", "canceled", "failed")
LEDGER_SORTS = ("created_at", "amount", "kind")
PAYMENT_SORTS = ("created_at", "amount", "status")
MOSCOW = timedelta(hours=3)  # months of the chart are Moscow months (UTC+3 all year since 2014)


@dataclass(frozen=True)
class MonthBar:
    """One month of the chart: its label ("2026-12"), money paid in and money spent."""

    label: str
    paid_in: Decimal
    spent: Decimal


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None  # a hand-made URL: no such filter


def _ledger_query(session: Session, account_id: int, table: TableQuery) -> Select[Any]:
    query = select(LedgerEntry).where(LedgerEntry.account_id == account_id)
    if table.q:
        query = query.where(listing.contains(session, [LedgerEntry.reason], table.q))
    if (kind := table.filter("kind")) in KINDS:
        query = query.where(LedgerEntry.kind == kind)
    # Dates are Moscow days: [from 00:00, to+1 00:00) Moscow time, in UTC.
    if (start := _day(table.filter("from"))) is not None:
        query = query.where(LedgerEntry.created_at >= datetime.combine(start, time(), tzinfo=UTC) - MOSCOW)
    if (end := _day(table.filter("to"))) is not None:
        query = query.where(LedgerEntry.created_at < datetime.combine(end + timedelta(days=1), time(), tzinfo=UTC)
                            - MOSCOW)
    return query


def ledger_page(session: Session, *, account_id: int, table: TableQuery) -> listing.Page:
    """Return one page of the cabinet's ledger as the table asks (rows are LedgerEntry in row[0])."""
    query = listing.ordered(_ledger_query(session, account_id, table), table,
                            {"created_at": LedgerEntry.created_at, "amount": LedgerEntry.amount,
                             "kind": LedgerEntry.kind}, "created_at", LedgerEntry.id,
                            never_empty=LEDGER_SORTS)
    return listing.page_of(session, query, table)


def ledger_rows(session: Session, *, account_id: int, table: TableQuery) -> Iterator[LedgerEntry]:
    """Yield every ledger entry the table's filters select, newest first (the export)."""
    query = _ledger_query(session, account_id, table).order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc())
    for row in listing.every_row(session, query):
        yield row[0]


def recent_payments(session: Session, *, account_id: int, limit: int = 50) -> list[Payment]:
    """Return the cabinet's latest payments, newest first."""
    return list(session.scalars(select(Payment).where(Payment.account_id == account_id)
                                .order_by(Payment.created_at.desc(), Payment.id.desc()).limit(limit)))


def month_bars(session: Session, *, account_id: int, months: int = 12) -> list[MonthBar]:
    """Return money paid in (payments) and spent (charges, refunds, negative adjustments) per Moscow month."""
    today = (utcnow() + MOSCOW).date().replace(day=1)
    labels = []
    year, month = today.year, today.month
    for _ in range(months):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    labels.reverse()
    paid = dict.fromkeys(labels, Decimal("0.00"))
    spent = dict.fromkeys(labels, Decimal("0.00"))
    first = datetime.strptime(labels[0] + "-01", "%Y-%m-%d").replace(tzinfo=UTC) - MOSCOW
    rows = session.execute(select(LedgerEntry.created_at, LedgerEntry.amount).where(
        LedgerEntry.account_id == account_id, LedgerEntry.created_at >= first))
    for created_at, amount in rows:  # a few hundred entries a year: summed here, the same on every dialect
        label = f"{created_at + MOSCOW:%Y-%m}"
        if label in paid:
            if amount > 0:
                paid[label] += Decimal(amount)
            else:
                spent[label] -= Decimal(amount)
    return [MonthBar(label, paid[label], spent[label]) for label in labels]


def _payments_query(session: Session, table: TableQuery) -> Select[Any]:
    query: Any = (select(Payment, Account.name, User.email).join(Account, Account.id == Payment.account_id)
             .outerjoin(User, User.id == Payment.user_id))
    if (status := table.filter("status")) in PAYMENT_STATUSES:
        query = query.where(Payment.status == status)
    if table.q:
        needle = table.q.strip()
        clauses = [listing.contains(session, [User.email, Payment.provider_payment_id, Account.name], needle)]
        if needle.isdigit() and len(needle) < 10:
            clauses += [Payment.account_id == int(needle), Payment.id == int(needle)]
        query = query.where(or_(*clauses))
    return query


def payments_page(session: Session, table: TableQuery) -> listing.Page:
    """Return one page of every cabinet's payments (row: Payment, cabinet name, payer e-mail)."""
    query = listing.ordered(_payments_query(session, table), table,
                            {"created_at": Payment.created_at, "amount": Payment.amount, "status": Payment.status},
                            "created_at", Payment.id, never_empty=PAYMENT_SORTS)
    return listing.page_of(session, query, table)
