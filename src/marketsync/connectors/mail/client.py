"""Outgoing mail: EMAIL_PROVIDER `console` writes the message to the log, `smtp` delivers it over SMTP
(SMTP_TLS `starttls`, `ssl` or `none`; SMTP_USER/SMTP_PASSWORD when set). A temporary refusal (4xx, also of
the recipient) or a dropped connection is retried a few times with backoff (tenacity); a permanent 5xx is not.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal

from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailConfig:
    """How to deliver mail (built from the settings by the caller)."""

    provider: Literal["console", "smtp"]
    host: str = "localhost"
    port: int = 587
    user: str | None = None
    password: str | None = None
    tls: Literal["starttls", "ssl", "none"] = "starttls"
    timeout: float = 15.0
    sender: str = "MarketSync <noreply@marketsync.local>"


class MailError(RuntimeError):
    """The message could not be delivered (after retries)."""


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        # Not an SMTPResponseException: the codes are per recipient. Retry only when every refusal is temporary.
        codes = [code for code, _text in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError))


def _connect(config: MailConfig) -> smtplib.SMTP:
    """Open an SMTP session: TLS as configured (the system trust store, host name checked), then the login."""
    # OpenSSL also honours SSL_CERT_FILE / SSL_CERT_DIR.
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if config.tls == "ssl":
        smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    try:
        if config.tls == "starttls":
            smtp.starttls(context=context)
        if config.user:
            smtp.login(config.user, config.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


@retry(retry=retry_if_exception(_transient), stop=stop_after_attempt(3),
       wait=wait_exponential(multiplier=0.5, max=4), reraise=True)
def _deliver_smtp(message: EmailMessage, config: MailConfig) -> None:
    with _connect(config) as smtp:
        refused = smtp.send_message(message)
    if refused:  # some recipients of several were refused; the others got it, so this is not retried
        log.warning("mail %r was refused for %s", message["Subject"], sorted(refused))


def _plain_text(message: EmailMessage) -> str:
    body = message.get_body(("plain", "html"))
    return str(body.get_content()) if body is not None else ""


def send(message: EmailMessage, config: MailConfig) -> None:
    """Deliver one message (From is filled from the config when missing); raise MailError on failure."""
    if "From" not in message:
        message["From"] = config.sender
    if config.provider == "console":
        log.info("mail (console provider, not sent) from %s to %s: %s\n%s", message["From"], message["To"],
                 message["Subject"], _plain_text(message))
        return
    try:
        _deliver_smtp(message, config)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"mail to {message['To']} was not delivered: {exc}") from exc


def check(config: MailConfig) -> None:
    """Open a session with the SMTP server as a delivery would (TLS, login), then NOOP; raise MailError if unusable."""
    if config.provider == "console":
        return
    try:
        with _connect(config) as smtp:
            code, text = smtp.noop()
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"SMTP {config.host}:{config.port}: {exc}") from exc
    if code != 250:
        raise MailError(f"SMTP {config.host}:{config.port} answered NOOP with {code} {text!r}")
