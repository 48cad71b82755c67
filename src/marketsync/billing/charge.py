"""The daily tariff charge: once per cabinet and Moscow day, a "charge" ledger entry of the day's fee, and the
low-balance warnings that follow from the balance it leaves.

Exactly once whatever the retries or concurrent beats: the entry's dedup key is "charge:<cabinet>:<YYYY-MM-DD>",
unique in the ledger, so a second transaction for the same day fails its insert before the wallet moved and
rolls back whole (its warnings with it). Beat runs this every hour: a cabinet missed at midnight (a worker down,
a top-up made while paused) is charged at the next tick of the same day, and never twice. A cabinet whose
balance is spent is not charged: its pipelines are paused, so it gets nothing that day. The clock is injected,
so tests drive forty days in a second."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import partial

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketsync.billing.ledger import balance, post_entry
from marketsync.billing.models import LedgerEntry, TariffState, TariffWarning
from marketsync.billing.reconcile import in_transaction
from marketsync.billing.tariff import Terms, billed_accounts, current_terms, daily_fee
from marketsync.db import insert_ignore, session_scope, utcnow
from marketsync.orders.moscow import to_msk

log = logging.getLogger(__name__)
THRESHOLDS = (3, 1)  # days of balance left at which the seller is told, once each per episode


@dataclass
class ChargeReport:
    """What one pass of the daily charge did, by cabinet."""

    day: date
    charged: dict[int, Decimal] = field(default_factory=dict)
    already: list[int] = field(default_factory=list)  # charged for this day before
    free: list[int] = field(default_factory=list)  # no fee under the tariff
    paused: list[int] = field(default_factory=list)  # balance spent: not charged, pipelines paused
    warned: list[int] = field(default_factory=list)


def charge_key(account_id: int, day: date) -> str:
    """Return the ledger dedup key of a cabinet's charge for one day."""
    return f"charge:{account_id}:{day.isoformat()}"


def days_left(balance_now: Decimal, fee: Decimal) -> int:
    """Return how many more daily charges the balance meets (the last may take it below zero)."""
    if fee <= 0:
        return 10**6
    return max(0, math.ceil(balance_now / fee))


def charge_daily(engine: Engine, *, now: datetime | None = None) -> ChargeReport:
    """Charge every cabinet with an active connection for the Moscow day of `now`; return what happened."""
    day = to_msk(now or utcnow()).date()
    report = ChargeReport(day=day)
    with session_scope(engine) as session:
        terms = current_terms(session)
        accounts = billed_accounts(session) if terms.charging else []
    for account_id in accounts:
        try:
            outcome = in_transaction(engine, partial(_charge_one, account_id=account_id, day=day, terms=terms))
        except IntegrityError:  # a concurrent pass charged this day first: its transaction counts, ours did nothing
            outcome = ("already", Decimal("0.00"), False)
        except Exception:  # one cabinet's trouble never stops the others' charges
            log.exception("cabinet %s: the daily charge failed", account_id)
            continue
        kind, amount, warned = outcome
        if kind == "charged":
            report.charged[account_id] = amount
        else:
            getattr(report, kind).append(account_id)
        if warned:
            report.warned.append(account_id)
    return report


def _charge_one(session: Session, *, account_id: int, day: date, terms: Terms) -> tuple[str, Decimal, bool]:
    key = charge_key(account_id, day)
    if session.scalar(select(LedgerEntry.id).where(LedgerEntry.dedup_key == key)) is not None:
        return "already", Decimal("0.00"), False
    fee = daily_fee(session, account_id, terms)
    if fee <= 0:
        track(session, account_id, balance_now=balance(session, account_id), fee=fee)
        return "free", Decimal("0.00"), False
    if balance(session, account_id) <= 0:
        return "paused", Decimal("0.00"), False
    entry = post_entry(session, account_id=account_id, kind="charge", amount=-fee, dedup_key=key,
                       reason=f"Тариф за {day.strftime('%d.%m.%Y')}: {fee:.2f} ₽ в день")
    warned = track(session, account_id, balance_now=entry.balance_after, fee=fee)
    return "charged", fee, warned


def track(session: Session, account_id: int, *, balance_now: Decimal, fee: Decimal) -> bool:
    """Move the cabinet's low-balance episode on and queue the warning it calls for; return whether one was."""
    insert_ignore(session, TariffState, [{"account_id": account_id, "episode": 1, "warned_days": None,
                                          "updated_at": utcnow()}], keys=["account_id"])
    state = session.scalar(select(TariffState).where(TariffState.account_id == account_id))
    assert state is not None
    left = days_left(balance_now, fee)
    if left > THRESHOLDS[0]:
        if state.warned_days is not None:  # topped up past the first threshold: this episode is over
            state.episode, state.warned_days, state.updated_at = state.episode + 1, None, utcnow()
            session.flush()
        return False
    due = [t for t in THRESHOLDS if left <= t and (state.warned_days is None or t < state.warned_days)]
    if not due:
        return False
    threshold = min(due)  # crossing both at once: only the nearer one is worth telling
    insert_ignore(session, TariffWarning, [{
        "account_id": account_id, "dedup_key": f"tariff:{account_id}:{state.episode}:{threshold}",
        "threshold": threshold, "days_left": left, "balance": balance_now, "daily_fee": fee, "attempts": 0,
        "created_at": utcnow()}], keys=["dedup_key"])
    state.warned_days, state.updated_at = threshold, utcnow()
    session.flush()
    return True
