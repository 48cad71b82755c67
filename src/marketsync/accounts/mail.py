"""Account mails (confirm e-mail, reset password, invite, a taken address): rendered in the recipient's language from
templates/mail/, every link built on BASE_URL, delivered after the response through the configured provider.

Mails are sent from a background task that runs once the request has committed, so the token a link
carries exists before anyone can click it; a delivery failure is logged and the page offers "send again".
"""

from __future__ import annotations

import logging
from email.message import EmailMessage
from urllib.parse import urlencode

from fastapi import BackgroundTasks
from sqlalchemy.orm import Session

from marketsync.accounts import throttle
from marketsync.accounts.models import User
from marketsync.accounts.tokens import Purpose, issue, lifetime
from marketsync.connectors.mail.client import MailConfig, MailError, send
from marketsync.settings import get_settings
from marketsync.web.i18n import gettext as _
from marketsync.web.i18n import reset_locale, set_locale
from marketsync.web.templating import environment

log = logging.getLogger(__name__)

KINDS = ("confirm", "reset", "invite", "taken", "link")
TOKEN_LINKS = {"confirm": ("/confirm-email", Purpose.CONFIRM), "reset": ("/reset-password", Purpose.RESET),
               "invite": ("/invite", Purpose.INVITE), "link": ("/auth/link/confirm", Purpose.LINK)}


def mail_config() -> MailConfig:
    """Return the delivery settings (EMAIL_PROVIDER, SMTP_*, MAIL_FROM)."""
    s = get_settings()
    return MailConfig(provider=s.EMAIL_PROVIDER, host=s.SMTP_HOST, port=s.SMTP_PORT, user=s.SMTP_USER,
                      password=s.SMTP_PASSWORD, tls=s.SMTP_TLS, timeout=s.SMTP_TIMEOUT_SECONDS, sender=s.MAIL_FROM)


def link(path: str, **params: str) -> str:
    """Return an absolute link into the site (BASE_URL + path + query)."""
    base = get_settings().BASE_URL.rstrip("/")
    return f"{base}{path}" + (f"?{urlencode(params)}" if params else "")


def _subject(kind: str) -> str:
    return {"confirm": _("Confirm your e-mail for MarketSync"),
            "reset": _("Reset your MarketSync password"),
            "invite": _("You are invited to MarketSync"),
            "taken": _("Someone tried to register with your address at MarketSync"),
            "link": _("Link a sign-in service to your MarketSync account")}[kind]


def compose(kind: str, *, to: str, locale: str, url: str, name: str | None = None,
            hours: float = 0) -> EmailMessage:
    """Build one account mail (plain text and HTML) in the recipient's language."""
    if kind not in KINDS:
        raise ValueError(f"unknown mail kind {kind!r}")
    token = set_locale(locale)
    try:
        context = {"url": url, "name": name, "hours": f"{hours:g}", "base_url": get_settings().BASE_URL,
                   "locale": locale}
        message = EmailMessage()
        message["To"] = to
        message["Subject"] = _subject(kind)
        message["From"] = get_settings().MAIL_FROM
        message.set_content(environment.get_template(f"mail/{kind}.txt").render(context))
        message.add_alternative(environment.get_template(f"mail/{kind}.html").render(context), subtype="html")
        return message
    finally:
        reset_locale(token)


def deliver(message: EmailMessage) -> bool:
    """Send a composed mail now; return False (and log) when it could not be delivered."""
    try:
        send(message, mail_config())
    except MailError:
        log.exception("account mail not delivered")
        return False
    return True


def queue(background: BackgroundTasks, message: EmailMessage) -> None:
    """Send a mail once the response has gone out (the request has committed by then)."""
    background.add_task(deliver, message)


def send_token_mail(background: BackgroundTasks, session: Session, user: User, kind: str, *,
                    client: str | None = None) -> bool:
    """Issue a fresh single-use token for `kind` (confirm / reset / invite) and mail its link to the user.

    Over the per-recipient or per-client limit (accounts.throttle) nothing is issued or sent and the
    user's previous link stays valid; returns whether the mail went out (never for a user without an e-mail)."""
    if user.email is None:
        return False
    if not throttle.reserve_message(user.email, client):
        log.warning("account mail (%s) to user %s not sent: too many mails asked for", kind, user.id)
        return False
    path, purpose = TOKEN_LINKS[kind]
    token = issue(session, user, purpose)
    message = compose(kind, to=user.email, locale=user.locale, url=link(path, token=token), name=user.name,
                      hours=lifetime(purpose).total_seconds() / 3600)
    queue(background, message)
    return True


def send_taken_mail(background: BackgroundTasks, user: User, *, client: str | None) -> bool:
    """Tell the owner of an address that someone tried to register with it (with a link to reset the
    password); limited like every account mail. Returns whether the mail went out."""
    if user.email is None or not throttle.reserve_message(user.email, client):
        return False
    queue(background, compose("taken", to=user.email, locale=user.locale, url=link("/forgot-password"),
                              name=user.name))
    return True
