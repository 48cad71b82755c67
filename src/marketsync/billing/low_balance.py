"""Delivery of the "your balance runs out" warnings the daily charge queued: an e-mail to each owner and manager
of the cabinet, and a Telegram message to each of them who has a Telegram link (an oauth_identities row of
provider "telegram") when the bot is configured, in the person's language.

A sender claims a warning with a short lease (a conditional UPDATE: two workers never send one), sends it and
records `sent_at` in its own commit; a warning whose sending failed is tried again on the next tick, up to
MAX_ATTEMPTS. Nothing recorded as sent is sent again."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from email.message import EmailMessage

from sqlalchemy import or_, select, update
from sqlalchemy.engine import Engine

from marketsync.accounts.mail import deliver as deliver_mail
from marketsync.accounts.mail import link
from marketsync.accounts.models import AccountMember, User
from marketsync.billing.models import TariffWarning
from marketsync.connectors.errors import ConnectorError
from marketsync.connectors.telegram.client import TelegramClient
from marketsync.db import session_scope, utcnow
from marketsync.notifications.outbox import subscribers
from marketsync.settings import get_settings
from marketsync.web.i18n import gettext as _
from marketsync.web.i18n import reset_locale, set_locale
from marketsync.web.templating import format_money

log = logging.getLogger(__name__)
LEASE_SECONDS = 120
MAX_ATTEMPTS = 5
TOLD_ROLES = ("owner", "manager")


@dataclass(frozen=True)
class Person:
    """Someone a warning goes to."""

    user_id: int
    email: str | None
    locale: str
    chat_id: int | None


def _subject(days_left: int) -> str:
    if days_left <= 0:
        return _("Your MarketSync balance is spent: syncs are paused")
    if days_left <= 1:
        return _("Your MarketSync balance runs out tomorrow")
    return _("Your MarketSync balance lasts three days or less")


def compose_text(*, days_left: int, balance: Decimal, fee: Decimal) -> str:
    """Return the warning's text in the current language (the mail's body and the Telegram message)."""
    lines = [_subject(days_left) + ".",
             _("Balance: %(balance)s. The tariff charges %(fee)s a day.")
             % {"balance": format_money(balance), "fee": format_money(fee)}]
    if days_left > 0:
        lines.append(_("When the balance is spent, catalog, stock and order syncs pause until it is topped up."))
    lines.append(_("Top up the balance: %(url)s") % {"url": link("/billing")})
    return "\n\n".join(lines)


def people(engine: Engine, account_id: int) -> list[Person]:
    """Return the cabinet's owners and managers who are active, with their Telegram chat when linked."""
    with session_scope(engine) as session:
        rows = session.execute(select(User.id, User.email, User.locale).join(
            AccountMember, AccountMember.user_id == User.id).where(
            AccountMember.account_id == account_id, AccountMember.role.in_(TOLD_ROLES), User.status == "active")
            .order_by(AccountMember.id)).all()
        chats = {s.user_id: s.chat_id for s in subscribers(session, account_id)}
    return [Person(user_id, email, locale or "ru", chats.get(user_id)) for user_id, email, locale in rows]


def _claim(engine: Engine, warning_id: int) -> TariffWarning | None:
    now = utcnow()
    with session_scope(engine) as session:
        claimed = session.execute(update(TariffWarning).where(
            TariffWarning.id == warning_id, TariffWarning.sent_at.is_(None),
            or_(TariffWarning.claimed_until.is_(None), TariffWarning.claimed_until < now))
            .values(claimed_until=now + timedelta(seconds=LEASE_SECONDS), attempts=TariffWarning.attempts + 1))
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return session.get(TariffWarning, warning_id)


def _send(warning: TariffWarning, person: Person, bot: TelegramClient | None) -> str | None:
    """Send one person their warning by e-mail and Telegram; return what failed (None when all went)."""
    token = set_locale(person.locale)
    try:
        text = compose_text(days_left=warning.days_left, balance=warning.balance, fee=warning.daily_fee)
        subject = _subject(warning.days_left)
    finally:
        reset_locale(token)
    failed = None
    if person.email:
        message = EmailMessage()
        message["To"], message["From"], message["Subject"] = person.email, get_settings().MAIL_FROM, subject
        message.set_content(text)
        if not deliver_mail(message):
            failed = "e-mail not delivered"
    if bot is not None and person.chat_id is not None:
        try:
            bot.send_message(person.chat_id, text)
        except ConnectorError as exc:  # the e-mail went; a blocked bot must not hold the warning back
            log.warning("cabinet %s: the low-balance warning did not reach Telegram chat %s: %s",
                        warning.account_id, person.chat_id, exc.message)
    return failed


def _bot() -> TelegramClient | None:
    """Return the bot's client, or None when no (usable) BOT_TOKEN is set: then only e-mails go."""
    token = get_settings().BOT_TOKEN
    if not token:
        return None
    try:
        return TelegramClient(token, max_attempts=1, one_chat=False)
    except ConnectorError as exc:
        log.warning("low-balance warnings go by e-mail only: %s", exc.message)
        return None


def deliver_warnings(engine: Engine) -> int:
    """Send every warning not yet sent; return how many went out."""
    with session_scope(engine) as session:
        ids = list(session.scalars(select(TariffWarning.id).where(
            TariffWarning.sent_at.is_(None), TariffWarning.attempts < MAX_ATTEMPTS).order_by(TariffWarning.id)))
    if not ids:
        return 0
    bot = _bot()
    sent = 0
    try:
        for warning_id in ids:
            warning = _claim(engine, warning_id)
            if warning is None:
                continue  # another sender has it
            errors = [e for person in people(engine, warning.account_id) if (e := _send(warning, person, bot))]
            with session_scope(engine) as session:
                row = session.get(TariffWarning, warning_id)
                assert row is not None
                if errors:
                    row.claimed_until, row.last_error = None, errors[0][:500]
                else:
                    row.sent_at, row.claimed_until, row.last_error = utcnow(), None, None
                    sent += 1
    finally:
        if bot is not None:
            bot.close()
    return sent
