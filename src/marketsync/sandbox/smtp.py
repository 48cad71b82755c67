"""The SMTP sink of demo mode and tests: a real SMTP server (aiosmtpd) that keeps every mail it is given.

Messages go to a Maildir folder (SANDBOX_MAIL_DIR), so the page listing caught mails can read them from
any process, and to an in-memory list for tests. Nothing is ever relayed onwards.
"""

from __future__ import annotations

import logging
import mailbox
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from marketsync.sandbox.server import free_port

log = logging.getLogger(__name__)


class SinkHandler:
    """aiosmtpd handler: accept any recipient, store the message, answer 250."""

    def __init__(self, maildir: Path | None = None) -> None:
        self.maildir = maildir
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Keep one delivered message."""
        raw: bytes = envelope.original_content or envelope.content
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.messages.append(message)
            if self.maildir is not None:
                mailbox.Maildir(self.maildir, create=True).add(raw)
        return "250 Message accepted for delivery"


class SmtpSink:
    """A running sink on host:port (port 0 picks a free one); `stop()` shuts it down."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, maildir: Path | None = None,
                 **controller_options: Any) -> None:
        self.handler = SinkHandler(maildir)
        # aiosmtpd connects to its own port to see it is up, so "any port" is resolved here first.
        self.controller = Controller(self.handler, hostname=host, port=port or free_port(), **controller_options)

    def start(self) -> SmtpSink:
        """Start listening in a background thread."""
        self.controller.start()
        return self

    @property
    def port(self) -> int:
        """Return the port the sink listens on."""
        return int(self.controller.port)

    @property
    def messages(self) -> list[EmailMessage]:
        """Return the messages caught so far (oldest first)."""
        return self.handler.messages

    def stop(self) -> None:
        """Stop listening."""
        self.controller.stop()


def read_maildir(folder: Path) -> list[tuple[str, EmailMessage]]:
    """Return the caught mails of a Maildir folder as (key, message), newest first."""
    if not folder.exists():
        return []
    box = mailbox.Maildir(folder, create=False)
    found: list[tuple[float, str, EmailMessage]] = []
    for key in box:
        raw = box.get_bytes(key)
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        found.append((box.get_message(key).get_date(), key, message))
    found.sort(key=lambda item: item[0], reverse=True)
    return [(key, message) for _, key, message in found]
