"""The SMTP sink of demo mode and tests: a real SMTP server (aiosmtpd) that keeps every mail it is given.

Messages go to a Maildir folder (SANDBOX_MAIL_DIR), so the page listing caught mails can read them from
any process, and to an in-memory list for tests. Nothing is ever relayed onwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import mailbox
import socket
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from marketsync.sandbox.server import free_port

log = logging.getLogger(__name__)


def open_maildir(folder: Path) -> mailbox.Maildir:
    """Open a Maildir folder, creating it and its tmp/new/cur subfolders when missing."""
    # mailbox creates the subfolders only along with a missing top folder; an existing empty one would fail.
    for sub in ("tmp", "new", "cur"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return mailbox.Maildir(folder, create=False)


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
                open_maildir(self.maildir).add(raw)
        return "250 Message accepted for delivery"


class SmtpSink:
    """A running sink on host:port (port 0 picks a free one); `stop()` shuts it down."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, maildir: Path | None = None,
                 handler: SinkHandler | None = None, **controller_options: Any) -> None:
        # controller_options go to aiosmtpd: tls_context/require_starttls, ssl_context (implicit TLS), authenticator.
        self.handler = handler or SinkHandler(maildir)
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


@dataclass(frozen=True)
class CaughtMail:
    """One mail of the Maildir: its key, when the sink got it (UTC) and the parsed message."""

    key: str
    received_at: datetime
    message: EmailMessage


def _parse(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def caught_mails(folder: Path) -> list[CaughtMail]:
    """Return the caught mails of a Maildir folder, newest first."""
    if not folder.exists():
        return []
    box = open_maildir(folder)  # a folder made by hand (or a volume) may lack tmp/new/cur
    found: list[CaughtMail] = []
    for key in list(box.iterkeys()):
        try:
            # The delivery time is the file's mtime, which Maildir keeps as the message "date".
            received = datetime.fromtimestamp(box.get_message(key).get_date(), UTC)
            found.append(CaughtMail(key, received, _parse(box.get_bytes(key))))
        except (KeyError, FileNotFoundError):  # cleared by another process meanwhile
            continue
    found.sort(key=lambda mail: (mail.received_at, mail.key), reverse=True)
    return found


def read_maildir(folder: Path) -> list[tuple[str, EmailMessage]]:
    """Return the caught mails of a Maildir folder as (key, message), newest first."""
    return [(mail.key, mail.message) for mail in caught_mails(folder)]


def caught_mail(folder: Path, key: str) -> CaughtMail | None:
    """Return one caught mail by its Maildir key, or None when there is no such mail."""
    if not folder.exists():
        return None
    box = open_maildir(folder)
    try:
        received = datetime.fromtimestamp(box.get_message(key).get_date(), UTC)
        return CaughtMail(key, received, _parse(box.get_bytes(key)))
    except (KeyError, FileNotFoundError):
        return None


def clear_maildir(folder: Path) -> int:
    """Delete every caught mail of a Maildir folder; return how many were deleted."""
    if not folder.exists():
        return 0
    box = open_maildir(folder)
    deleted = 0
    for key in list(box.iterkeys()):
        with contextlib.suppress(KeyError, FileNotFoundError):
            box.remove(key)
            deleted += 1
    return deleted


def _port_taken(host: str, port: int) -> bool:
    # aiosmtpd only notices a failed bind after its ready timeout (seconds): ask the OS first.
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


@contextlib.asynccontextmanager
async def running_sink(host: str, port: int, maildir: Path) -> AsyncIterator[SmtpSink | None]:
    """Run a sink on host:port writing to `maildir` for the duration of the block (None when it cannot start).

    A taken port or an unwritable folder is logged and tolerated: the app using the sink must start anyway.
    """
    sink: SmtpSink | None = None
    try:
        if _port_taken(host, port):
            raise OSError(f"port {port} is already in use")
        open_maildir(maildir)
        sink = SmtpSink(host, port, maildir=maildir)
        await asyncio.to_thread(sink.start)
        log.info("SMTP sink listening on %s:%s, mail kept in %s", host, port, maildir)
    except Exception as exc:  # port taken, folder not writable, startup timeout
        log.warning("the SMTP sink could not start on %s:%s (%s); mail sent there will not arrive", host, port, exc)
        if sink is not None:
            with contextlib.suppress(Exception):
                sink.controller.stop(no_assert=True)
                sink.controller.loop.close()
        sink = None
    try:
        yield sink
    finally:
        if sink is not None:
            await asyncio.to_thread(sink.stop)
