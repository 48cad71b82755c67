"""Outgoing mail: EMAIL_PROVIDER `console` writes the message to the log, `smtp` delivers it over SMTP
(SMTP_TLS `starttls`, `ssl` or `none`; SMTP_USER/SMTP_PASSWORD when set). A refused recipient or a
dropped connection is retried a few times with backoff (tenacity); a permanent 5xx is not.
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
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError))


@retry(retry=retry_if_exception(_transient), stop=stop_after_attempt(3),
       wait=wait_exponential(multiplier=0.5, max=4), reraise=True)
def _deliver_smtp(message: EmailMessage, config: MailConfig) -> None:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if config.tls == "ssl":
        smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    with smtp:
        if config.tls == "starttls":
            smtp.starttls(context=context)
        if config.user:
            smtp.login(config.user, config.password or "")
        smtp.send_message(message)


def send(message: EmailMessage, config: MailConfig) -> None:
    """Deliver one message (From is filled from the config when missing); raise MailError on failure."""
    if "From" not in message:
        message["From"] = config.sender
    if config.provider == "console":
        log.info("mail (console provider) to %s: %s\n%s", message["To"], message["Subject"],
                 message.get_body(("plain",)).get_content() if message.is_multipart() else message.get_content())
        return
    try:
        _deliver_smtp(message, config)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"mail to {message['To']} was not delivered: {exc}") from exc
