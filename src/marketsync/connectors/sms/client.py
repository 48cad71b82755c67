"""Outgoing SMS (phone confirmation codes): SMS_PROVIDER `console` writes the text to the log."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def send(phone: str, text: str, *, provider: str = "console") -> None:
    """Send one SMS through the configured provider."""
    if provider != "console":
        raise ValueError(f"unknown SMS provider {provider!r}")
    log.info("sms (console provider) to %s: %s", phone, text)
