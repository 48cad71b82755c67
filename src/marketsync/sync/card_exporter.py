"""Apply a publish plan to one marketplace: adopt cards the marketplace already holds under our skus, send the
rest in the channel's batch size, poll the asynchronous verdicts, then send the changed prices.

Commit points (the exporter's deliberate exception to "entry points commit"): every card is recorded in flight
before its batch leaves, and every batch's answer and every verdict are committed as soon as they are known, so a
crash anywhere leaves rows that say what might have happened. A lost answer is never resent blindly: the next
run asks the marketplace which skus it holds (`find_cards`) and adopts them first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from sqlalchemy.orm import Session

from marketsync.connectors.capabilities import CardChannel
from marketsync.connectors.card_records import CardDraft, CardOutcome, CardSubmission, PriceUpdate
from marketsync.connectors.errors import OutcomeUnknownError, ReadOnlyError
from marketsync.publishing import state
from marketsync.publishing.drafts import pictures_hash
from marketsync.publishing.models import CardPublication
from marketsync.sync.card_plan import CardAction


@dataclass
class CardCounts:
    """What one publish did on one marketplace."""

    created: int = 0
    updated: int = 0
    refused: dict[str, list[str]] = field(default_factory=dict)  # sku → the marketplace's messages
    pending: list[str] = field(default_factory=list)  # skus still processing when the wait ended
    requests: int = 0  # card and price requests sent (reads included)
    prices: int = 0
    price_problems: dict[str, str] = field(default_factory=dict)  # sku → why its price is not the channel's


@dataclass
class Outgoing:
    """One card to send: its plan action, draft, hash and row."""

    action: CardAction
    draft: CardDraft
    sent_hash: str
    row: CardPublication


@dataclass
class Poller:
    """How long and how often verdicts are awaited."""

    interval: float = 2.0
    timeout: float = 600.0
    sleep: Callable[[float], None] = time.sleep


def adopt(channel: CardChannel, outgoing: Sequence[Outgoing], counts: CardCounts) -> None:
    """Bind the cards the marketplace already holds under our skus (a crash after an accepted send)."""
    unbound = [item for item in outgoing if item.row.remote_id is None]
    for start in range(0, len(unbound), channel.card_batch_size):
        chunk = unbound[start:start + channel.card_batch_size]
        counts.requests += 1
        found = channel.find_cards([item.draft.sku for item in chunk])
        for item in chunk:
            if item.draft.sku in found:
                state.bind(item.row, found[item.draft.sku])
                item.draft = replace(item.draft, remote_id=found[item.draft.sku])


def send(session: Session, channel: CardChannel, outgoing: Sequence[Outgoing], counts: CardCounts,
         poller: Poller) -> None:
    """Send the cards batch by batch, committing before and after each, then wait for every verdict."""
    sent: list[tuple[CardSubmission, dict[str, Outgoing]]] = []
    for start in range(0, len(outgoing), channel.card_batch_size):
        batch = list(outgoing[start:start + channel.card_batch_size])
        state.mark_sent((item.row, item.sent_hash) for item in batch)
        session.commit()
        counts.requests += 1
        try:
            submission = channel.send_cards([item.draft for item in batch])
        except ReadOnlyError:
            raise
        except OutcomeUnknownError:
            counts.pending += [item.draft.sku for item in batch]  # found by its sku next run, never sent twice
            continue
        by_sku = {item.draft.sku: item for item in batch}
        for item in batch:
            item.row.task_id = submission.task_id
        _settle(by_sku, submission.outcomes, counts)
        session.commit()
        if any(item.row.state == "in_flight" for item in batch):
            sent.append((submission, by_sku))
    _await(session, channel, sent, counts, poller)


def _await(session: Session, channel: CardChannel, sent: list[tuple[CardSubmission, dict[str, Outgoing]]],
           counts: CardCounts, poller: Poller) -> None:
    deadline = time.monotonic() + poller.timeout
    waiting = sent
    while waiting:
        still = []
        for submission, by_sku in waiting:
            counts.requests += 1
            _settle(by_sku, channel.card_outcomes(submission), counts)
            if any(item.row.state == "in_flight" for item in by_sku.values()):
                still.append((submission, by_sku))
        session.commit()
        waiting = still
        if waiting and time.monotonic() >= deadline:
            counts.pending += [sku for _s, by_sku in waiting for sku, item in by_sku.items()
                               if item.row.state == "in_flight"]
            return
        if waiting:
            poller.sleep(poller.interval)


def _settle(by_sku: dict[str, Outgoing], outcomes: Sequence[CardOutcome], counts: CardCounts) -> None:
    for outcome in outcomes:
        item = by_sku.get(outcome.sku)
        if item is None or item.row.state != "in_flight":
            continue
        state.settle(item.row, outcome, pictures_hash(item.draft.pictures))
        if outcome.status == "accepted":
            if item.action.create and item.draft.remote_id is None:
                counts.created += 1
            else:
                counts.updated += 1
        elif outcome.status == "refused":
            counts.refused[outcome.sku] = list(outcome.errors) or ["refused"]


def push_prices(session: Session, channel: CardChannel, system: str, priced: Sequence[tuple[CardPublication, Decimal]],
                counts: CardCounts) -> None:
    """Send the prices that changed (or were refused) for accepted cards, a batch at a time."""
    due = []
    for row, price in priced:
        reason = state.price_due(row, price, system)
        if reason is None:
            due.append((row, price))
        elif reason not in ("unchanged",):
            counts.price_problems[row.sku] = reason if reason != "quarantined" else (
                row.price_error or "the marketplace holds the price in quarantine")
    for start in range(0, len(due), channel.price_batch_size):
        batch = due[start:start + channel.price_batch_size]
        counts.requests += 1
        try:
            outcomes = {o.sku: o for o in channel.push_prices(
                [PriceUpdate(row.sku, price, row.remote_id) for row, price in batch])}
        except OutcomeUnknownError:
            continue  # the next publish compares again; a price is safe to send twice
        for row, price in batch:
            outcome = outcomes.get(row.sku)
            if outcome is None:
                continue
            state.record_price(row, price, outcome.status, outcome.error)
            if outcome.status == "accepted":
                counts.prices += 1
            else:
                counts.price_problems[row.sku] = outcome.error or outcome.status
        session.commit()
