"""Delivery of the outbox to Telegram, one row at a time, straight from the worker to the Bot API.

A sender claims one due row with a lease (a conditional UPDATE on `claimed_until`, so two workers never send one
row), commits, reads the person's settings *now* (switched off → skipped), renders the message (photo with a
caption when the product has one, text otherwise), sends it and records `sent_at` and the message id in its own
commit the moment Telegram accepts: the window between Telegram accepting and our recording is one message wide,
never a batch, and nothing recorded as sent is sent again. A row whose sender died is claimable again once its
lease ran out (at-least-once: Telegram has no idempotency key). Telegram's 429 makes that chat's rows wait
`retry_after` seconds (next_attempt_at) while other chats go on; 403 (bot blocked) and 400 (chat not found) fail
the row for good; a refused photo is sent as text; other failures are tried again later, up to MAX_ATTEMPTS.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync import metrics
from marketsync.connectors.errors import ConfigError, ConnectorError, RateLimited, RejectedError
from marketsync.connectors.telegram.client import TelegramClient
from marketsync.connectors.telegram.schemas import SentMessage
from marketsync.db import session_factory, utcnow
from marketsync.notifications.messages import Card, Rendered, render
from marketsync.notifications.models import FAILED, PENDING, SENT, SKIPPED, TYPES, NotificationSetting, OutboxMessage
from marketsync.notifications.settings import wants
from marketsync.orders.models import ProductCardRow
from marketsync.orders.service import day_totals
from marketsync.settings import get_settings

log = logging.getLogger(__name__)
LEASE_SECONDS = 60  # a claimed row's sender has this long to send it and record the outcome
MAX_ATTEMPTS = 5
CHAT_INTERVAL_SECONDS = 1.0  # Telegram's bot FAQ: about one message a second in one chat
Send = Callable[[int, Rendered], SentMessage]


@dataclass
class DeliveryReport:
    """What one delivery pass did."""

    sent: int = 0
    skipped: int = 0
    failed: int = 0
    deferred: int = 0  # 429s: the chat waits
    retried: int = 0  # other failures: tried again later
    error: str | None = None  # why the pass stopped (no bot token, the token refused)
    chats: dict[int, int] = field(default_factory=dict)


def telegram_sender(client: TelegramClient) -> Send:
    """Return a sender that uses sendPhoto when there is a photo (falling back to text if Telegram refuses it)."""

    def send(chat_id: int, message: Rendered) -> SentMessage:
        if message.photo_url:
            try:
                return client.send_photo(chat_id, message.photo_url, caption=message.text)
            except RejectedError as exc:  # the photo itself was refused: nothing was sent, the text still can be
                log.info("chat %s: photo refused (%s), sending the text", chat_id, exc)
        return client.send_message(chat_id, message.text)

    return send


def deliver(engine: Engine, *, account_id: int | None = None, send: Send | None = None,
            wait_seconds: float = 0.0, chat_interval: float = CHAT_INTERVAL_SECONDS) -> DeliveryReport:
    """Send every due pending row (of one cabinet, or all); wait up to `wait_seconds` for chats told to wait."""
    report = DeliveryReport()
    client: TelegramClient | None = None
    if send is None:
        token = get_settings().BOT_TOKEN
        if not token:
            report.error = "BOT_TOKEN is not set: notifications wait in the outbox"
            return report
        # One attempt per call: a 429 comes back to us so that only its chat waits, never the whole pass.
        client = TelegramClient(token, max_attempts=1, one_chat=False)
        send = telegram_sender(client)
    deadline = time.monotonic() + wait_seconds
    paced: dict[int, float] = {}  # chat → monotonic time it may be written to again
    try:
        with session_factory(engine)() as session:
            while True:
                now_mono = time.monotonic()
                busy = [chat for chat, until in paced.items() if until > now_mono]
                row = _claim(session, account_id, busy)
                if row is None:
                    pause = _next_pause(session, account_id, paced, busy, deadline)
                    if pause is None:
                        break
                    time.sleep(pause)
                    continue
                if not _deliver_one(session, row, send, report):
                    break
                paced[row.chat_id] = time.monotonic() + chat_interval
    finally:
        if client is not None:
            client.close()
    return report


def _due(account_id: int | None, now: datetime) -> list[object]:
    conditions: list[object] = [OutboxMessage.state == PENDING, OutboxMessage.next_attempt_at <= now,
                                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)]
    if account_id is not None:
        conditions.append(OutboxMessage.account_id == account_id)
    return conditions


def _claim(session: Session, account_id: int | None, busy: list[int]) -> OutboxMessage | None:
    """Take the oldest due row of a chat not being paced, with a lease; None when there is none."""
    for _ in range(5):  # another sender may win the row between our look and our claim: look again
        now = utcnow()
        query = select(OutboxMessage.id).where(*_due(account_id, now))  # type: ignore[arg-type]
        if busy:
            query = query.where(OutboxMessage.chat_id.not_in(busy))
        row_id = session.scalar(query.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(1))
        if row_id is None:
            session.commit()
            return None
        claimed = session.execute(
            update(OutboxMessage).where(OutboxMessage.id == row_id, *_due(account_id, now))  # type: ignore[arg-type]
            .values(claimed_until=now + timedelta(seconds=LEASE_SECONDS), attempts=OutboxMessage.attempts + 1))
        session.commit()
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return session.get(OutboxMessage, row_id, populate_existing=True)
    return None


def _next_pause(session: Session, account_id: int | None, paced: dict[int, float], busy: list[int],
                deadline: float) -> float | None:
    """How long to sleep before the next row can go: a paced chat with due rows, or a chat's 429 wait that ends
    before the deadline; None when the pass is done."""
    now = utcnow()
    if busy and session.scalar(select(OutboxMessage.id).where(*_due(account_id, now),  # type: ignore[arg-type]
                                                              OutboxMessage.chat_id.in_(busy)).limit(1)):
        return max(0.01, min(paced[chat] for chat in busy) - time.monotonic())
    conditions = [OutboxMessage.state == PENDING]
    if account_id is not None:
        conditions.append(OutboxMessage.account_id == account_id)
    upcoming = session.scalar(select(OutboxMessage.next_attempt_at).where(*conditions)
                              .order_by(OutboxMessage.next_attempt_at).limit(1))
    session.commit()
    if upcoming is None or upcoming <= now:
        return None  # nothing waits, or what is due is claimed by another sender
    wait = (upcoming - now).total_seconds()
    return wait if time.monotonic() + wait <= deadline else None


def _deliver_one(session: Session, row: OutboxMessage, send: Send, report: DeliveryReport) -> bool:
    """Send one claimed row and record the outcome; False when the whole pass must stop (the token refused)."""
    if not _wants(session, row):
        _close(session, row, SKIPPED)
        report.skipped += 1
        return True
    message = _render(session, row)
    try:
        sent = send(row.chat_id, message)
    except RateLimited as exc:
        wait = max(1, int(exc.retry_after or 1))
        # The whole chat waits (its other rows too, in every cabinet), never less than Telegram said.
        session.execute(update(OutboxMessage).where(OutboxMessage.chat_id == row.chat_id,
                                                    OutboxMessage.state == PENDING)
                        .values(next_attempt_at=utcnow() + timedelta(seconds=wait)))
        row.claimed_until, row.last_error = None, exc.message[:2000]
        session.commit()
        report.deferred += 1
        return True
    except ConfigError as exc:
        if exc.code in (403, 400):  # this person blocked the bot or has no chat with it: for good
            _close(session, row, FAILED, error=exc.message)
            report.failed += 1
            return True
        row.claimed_until, row.last_error = None, exc.message[:2000]  # the bot's token: nothing goes, stop
        session.commit()
        report.error = exc.message
        return False
    except RejectedError as exc:
        _close(session, row, FAILED, error=exc.message)
        report.failed += 1
        return True
    except ConnectorError as exc:  # a 5xx, a timeout, a lost answer: tried again later (may arrive twice)
        if row.attempts >= MAX_ATTEMPTS:
            _close(session, row, FAILED, error=exc.message)
            report.failed += 1
            return True
        row.claimed_until, row.last_error = None, exc.message[:2000]
        row.next_attempt_at = utcnow() + timedelta(seconds=min(300, 5 * 2 ** row.attempts))
        session.commit()
        report.retried += 1
        return True
    row.state, row.sent_at, row.telegram_message_id = SENT, utcnow(), sent.message_id
    row.claimed_until, row.last_error, row.photo_url = None, None, message.photo_url
    session.commit()  # at once: the next message is not sent before this one is recorded
    metrics.observe_notification(SENT, (row.sent_at - row.created_at).total_seconds() if row.created_at else None)
    report.sent += 1
    report.chats[row.chat_id] = report.chats.get(row.chat_id, 0) + 1
    return True


def _wants(session: Session, row: OutboxMessage) -> bool:
    """Read the person's switches as they are now; no row yet means everything on (a sender never inserts one:
    two senders would race to)."""
    found = session.scalar(select(NotificationSetting).where(NotificationSetting.account_id == row.account_id,
                                                             NotificationSetting.user_id == row.user_id))
    return wants(found or NotificationSetting(enabled=True, **dict.fromkeys(TYPES, True)), row.type)


def _close(session: Session, row: OutboxMessage, state: str, *, error: str | None = None) -> None:
    row.state, row.claimed_until, row.last_error = state, None, (error or None) and error[:2000]
    session.commit()
    metrics.observe_notification(state, None)


def _render(session: Session, row: OutboxMessage) -> Rendered:
    """Build the row's message from its payload, the product card and the Moscow day's totals."""
    product_id = row.payload.get("product_id")
    card_row = session.scalar(select(ProductCardRow).where(
        ProductCardRow.account_id == row.account_id, ProductCardRow.source == row.source,
        ProductCardRow.product_id == str(product_id))) if product_id else None
    card = Card(card_row.title if card_row else "", row.photo_url or (card_row.photo_url if card_row else None))
    totals = day_totals(session, account_id=row.account_id, at=row.event_at or row.created_at)
    return render(row.type, row.payload, event_at=row.event_at, card=card, day_count=totals.count,
                  day_amount=totals.amount, source=row.source)
