"""The stock monitor's messages: what an alert and its recovery say (Russian, then English), and their delivery by
e-mail to ALERT_EMAIL and by Telegram to ALERT_TELEGRAM_CHAT_ID.

Each message is stamped on its alert the moment it went out and committed at once (the deliberate exception to
"entry points commit"): a message stamped is never sent again. A failure is recorded on the alert and the message
stays pending, so the next monitor run sends it; a recovery goes out on a channel only after the alert itself
went out there, so they always arrive in order. One residue no protocol here can remove: Telegram has no
idempotency key and bots cannot read what they sent, so a message whose answer was lost (5xx, timeout) is sent
again by the next run rather than risk losing an alert.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from marketsync.accounts.mail import mail_config
from marketsync.connections.api_log import ApiLogRecorder
from marketsync.connections.service import system_title
from marketsync.connectors.errors import ConnectorError
from marketsync.connectors.mail.client import MailError, send
from marketsync.connectors.telegram.client import TEXT_MAX, TelegramClient
from marketsync.db import utcnow
from marketsync.http import time_budget
from marketsync.settings import get_settings
from marketsync.stocks.models import MonitorAlert
from marketsync.sync.monitor import FEW_PRODUCTS, OFFERS_DROP, STALE, STOCK_JUMP
from marketsync.web.i18n import gettext as _
from marketsync.web.i18n import reset_locale, set_locale

log = logging.getLogger(__name__)
MAIL, TELEGRAM = "mail", "telegram"
RAISED, CLEARED = "raised", "cleared"
STAMPS = {(RAISED, MAIL): "mailed_at", (RAISED, TELEGRAM): "telegram_at",
          (CLEARED, MAIL): "clear_mailed_at", (CLEARED, TELEGRAM): "clear_telegram_at"}
# Alerts older than this are not delivered any more (a channel switched on later does not replay history).
DELIVERY_WINDOW = timedelta(days=7)
# A monitor run waits this long at most for Telegram's flood control; a longer wait is left to the next run.
TELEGRAM_BUDGET_SECONDS = 20.0
NOT_MONITORED = "not_monitored"
# The hub's scheduled fetch of a supplier's catalog refused (hub/schedule_service.py): one alert per supplier and
# episode, on the same table and channels as the stock monitor's, so the cabinet hears of it the same way.
FEED_SOURCE, FEED_REFUSED = "supplier_feed", "feed_refused"
# A queued publish of the hub's catalog that stopped (credentials refused, the marketplace away): one alert per
# marketplace and episode (publishing/alerts.py).
PUBLISH_FAILED = "publish_failed"


@contextmanager
def _locale(locale: str) -> Iterator[None]:
    token = set_locale(locale)
    try:
        yield
    finally:
        reset_locale(token)


def _percent(fraction: float) -> str:
    return f"{fraction * 100:+.0f} %"


def title(kind: str) -> str:
    """Name an alert kind in the current language."""
    return {STALE: _("Stock sync is stale"), FEW_PRODUCTS: _("Too few products"),
            STOCK_JUMP: _("The stock total jumped"), OFFERS_DROP: _("The marketplace lists far fewer products"),
            FEED_REFUSED: _("A supplier's catalog could not be fetched"),
            PUBLISH_FAILED: _("Publishing to the marketplace stopped")}.get(kind, kind)


def describe(kind: str, details: dict[str, Any]) -> str:
    """Say in the current language what an alert found, with its figures."""
    d = details
    limit = f"{d['limit_hours']:g}" if "limit_hours" in d else ""
    change = _percent(d["change"]) if "change" in d else ""
    threshold = f"{d['threshold'] * 100:g} %" if "threshold" in d else ""
    if kind == FEED_REFUSED:
        return _("«%(supplier)s» (%(url)s): %(error)s", supplier=d.get("supplier", ""), url=d.get("url", ""),
                 error=d.get("error", ""))
    if kind == PUBLISH_FAILED:
        return _("the catalog's cards were not published: %(error)s", error=d.get("error", ""))
    if kind == STALE and d.get("age_hours") is None:
        return _("no successful stock sync yet (limit %(limit)s h)", limit=limit)
    if kind == STALE:
        age = f"{d['age_hours']:g}"
        return _("no successful stock sync for %(age)s h (limit %(limit)s h)", age=age, limit=limit)
    if kind == FEW_PRODUCTS:
        return _("only %(count)s products listed (minimum %(minimum)s)", count=d["count"], minimum=d["minimum"])
    if kind == STOCK_JUMP:
        return _("the stock total changed by %(change)s between the last two syncs (%(before)s → %(after)s, "
                 "limit ±%(limit)s)", change=change, before=d["before"], after=d["after"], limit=threshold)
    if kind == OFFERS_DROP:
        return _("the marketplace listed %(change)s products compared with the sync before (%(before)s → "
                 "%(after)s, limit −%(limit)s)", change=change, before=d["before"], after=d["after"],
                 limit=threshold)
    return kind


def recovery(kind: str, reason: str | None = None) -> str:
    """Say in the current language that an alert's condition is over."""
    if reason == NOT_MONITORED:
        return _("no longer watched: the marketplace was disconnected or its stock sync switched off")
    return {STALE: _("stock sync is up to date again"), FEW_PRODUCTS: _("the product count is back to normal"),
            STOCK_JUMP: _("the stock total is steady again"), OFFERS_DROP: _("the product count is steady again"),
            FEED_REFUSED: _("the supplier's catalog is imported again"),
            PUBLISH_FAILED: _("the catalog is published again")}.get(kind, kind)


def _both(render: Any) -> str:
    texts = []
    for locale in ("ru", "en"):
        with _locale(locale):
            texts.append(render())
    return "\n\n".join(texts)


def source_title(system: str) -> str:
    """Name where an alert comes from: a marketplace, or the suppliers' feeds."""
    return "Поставщики / Suppliers" if system == FEED_SOURCE else system_title(system)


def _where(account_name: str, account_id: int, system: str) -> str:
    return f"MarketSync · «{account_name}» (#{account_id}) · {source_title(system)}"


def alert_text(*, account_id: int, account_name: str, system: str, kind: str, details: dict[str, Any]) -> str:
    """Compose an alert's message: where, what, the figures; Russian, then English."""
    head = "⚠️ " + _where(account_name, account_id, system)
    return head + "\n" + _both(lambda: f"{title(kind)}: {describe(kind, details)}")


def recovery_text(*, account_id: int, account_name: str, system: str, kind: str, reason: str | None = None) -> str:
    """Compose a recovery message; Russian, then English."""
    head = "✅ " + _where(account_name, account_id, system)
    return head + "\n" + _both(lambda: f"{_('Resolved')}: {title(kind)} — {recovery(kind, reason)}")


def channels() -> list[str]:
    """Return the channels alerts go to: e-mail when ALERT_EMAIL is set, Telegram with BOT_TOKEN and a chat."""
    settings = get_settings()
    on = [MAIL] if settings.ALERT_EMAIL else []
    return on + ([TELEGRAM] if settings.BOT_TOKEN and settings.ALERT_TELEGRAM_CHAT_ID else [])


def pending(alert: MonitorAlert, stage: str, channel: str) -> bool:
    """Whether one message of an alert still has to go out on a channel."""
    if getattr(alert, STAMPS[(stage, channel)]) is not None:
        return False
    if stage == CLEARED:  # a recovery only after its alert, on the same channel
        return alert.cleared_at is not None and getattr(alert, STAMPS[(RAISED, channel)]) is not None
    return True


def _mail(alert: MonitorAlert, stage: str) -> EmailMessage:
    message = EmailMessage()
    message["To"] = get_settings().ALERT_EMAIL
    text = alert.message if stage == RAISED else (alert.clear_message or "")
    first_line, _sep, body = text.partition("\n")
    sign = "⚠️" if stage == RAISED else "✅"
    with _locale("ru"):
        ru = title(alert.kind) if stage == RAISED else _("Resolved")
    with _locale("en"):
        en = title(alert.kind) if stage == RAISED else _("Resolved")
    message["Subject"] = f"{sign} {source_title(alert.source)} (#{alert.account_id}): {ru} / {en}"
    message.set_content(f"{first_line.removeprefix(sign).strip()}\n\n{body}\n")
    return message


@dataclass
class DeliveryReport:
    """What one delivery pass did: messages sent, and the failures (each also recorded on its alert)."""

    sent: int = 0
    failed: list[str] = field(default_factory=list)


class _Channels:
    """The open channels of one pass; a channel that failed is closed for the rest of it (order is kept)."""

    def __init__(self, account_id: int) -> None:
        self.open = channels()
        self.recorder = ApiLogRecorder(account_id=account_id, connection_id=None)
        self._telegram: TelegramClient | None = None

    def send(self, alert: MonitorAlert, stage: str, channel: str) -> None:
        if channel == MAIL:
            send(_mail(alert, stage), mail_config())
            return
        settings = get_settings()
        if self._telegram is None:
            self._telegram = TelegramClient(settings.BOT_TOKEN or "", recorder=self.recorder)
        text = alert.message if stage == RAISED else (alert.clear_message or "")
        with time_budget(TELEGRAM_BUDGET_SECONDS):
            self._telegram.send_message(settings.ALERT_TELEGRAM_CHAT_ID or "", text[:TEXT_MAX])

    def close(self) -> None:
        if self._telegram is not None:
            self._telegram.close()
        self.recorder.flush()


def deliver_pending(session: Session, *, account_id: int) -> DeliveryReport:
    """Send every pending alert and recovery of a cabinet on every configured channel; commit after each one."""
    report = DeliveryReport()
    pipes = _Channels(account_id)
    if not pipes.open:
        return report
    since = utcnow() - DELIVERY_WINDOW
    alerts = list(session.scalars(select(MonitorAlert).where(
        MonitorAlert.account_id == account_id,
        or_(MonitorAlert.cleared_at.is_(None), MonitorAlert.cleared_at >= since)).order_by(MonitorAlert.id)))
    try:
        for alert in alerts:
            for stage in (RAISED, CLEARED):
                for channel in [c for c in pipes.open if pending(alert, stage, c)]:
                    _deliver_one(session, pipes, alert, stage, channel, report)
            if not any(pending(alert, stage, c) for stage in (RAISED, CLEARED) for c in channels()):
                alert.delivery_error = None
                session.commit()
    finally:
        pipes.close()
    return report


def _deliver_one(session: Session, pipes: _Channels, alert: MonitorAlert, stage: str, channel: str,
                 report: DeliveryReport) -> None:
    try:
        pipes.send(alert, stage, channel)
    except (MailError, ConnectorError) as exc:
        reason = str(getattr(exc, "message", None) or exc)
        alert.delivery_error = f"{channel}: {reason}"[:2000]
        alert.delivery_failed_at = utcnow()
        session.commit()
        pipes.open.remove(channel)
        report.failed.append(f"{channel}: {reason}")
        log.warning("monitor alert %s (%s) not delivered by %s: %s", alert.id, stage, channel, reason)
        return
    setattr(alert, STAMPS[(stage, channel)], utcnow())
    session.commit()
    report.sent += 1


def explain(kind: str, details: dict[str, Any], *, locale: str = "en") -> str:
    """Say what one condition is, with its figures, in a language (the CLI's lines are English)."""
    with _locale(locale):
        return f"{title(kind)}: {describe(kind, details)}"
