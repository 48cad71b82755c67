"""The SMTP sink of demo mode: mail delivered to it over SMTP shows up on /mail (newest first, links clickable,
nothing from a mail rendered as markup), "clear" empties it, and the web app in demo mode runs the sink on
SANDBOX_SMTP_PORT for exactly as long as it runs."""

from __future__ import annotations

import logging
import re
import smtplib
import socket
import time
from collections.abc import Iterator
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from marketsync.sandbox.app import create_sandbox_app
from marketsync.sandbox.server import free_port
from marketsync.sandbox.smtp import SmtpSink
from marketsync.sandbox.state import SandboxState
from marketsync.settings import get_settings

CONFIRM_URL = "https://shop.example.ru/confirm-email?token=abc123&next=%2Fsync"


class _Anchors(HTMLParser):
    """Collect (href, text) of every <a>, plus every iframe's attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[tuple[str, str]] = []
        self.frames: list[dict[str, str | None]] = []
        self._href: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an <a> or remember an <iframe>."""
        if tag == "a":
            self._href, self._text = dict(attrs).get("href") or "", ""
        elif tag == "iframe":
            self.frames.append(dict(attrs))

    def handle_data(self, data: str) -> None:
        """Collect the text of the open <a>."""
        if self._href is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        """Close the open <a>."""
        if tag == "a" and self._href is not None:
            self.anchors.append((self._href, self._text.strip()))
            self._href = None


def parse(html: str) -> _Anchors:
    """Return the links and frames of a page."""
    parser = _Anchors()
    parser.feed(html)
    return parser


def deliver(port: int, subject: str, *, to: str = "seller@example.ru", html: bool = True) -> None:
    """Send one account-like mail over SMTP to 127.0.0.1:port."""
    message = EmailMessage()
    message["From"] = "MarketSync <noreply@marketsync.local>"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(f"Подтвердите e-mail:\n\n{CONFIRM_URL}\n\nСсылка действует 48 часов.\n")
    if html:
        message.add_alternative(f'<p>Подтвердите e-mail: <a href="{CONFIRM_URL}">подтвердить</a></p>',
                                subtype="html")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(message)


@pytest.fixture
def maildir(tmp_path: Path) -> Path:
    """An empty Maildir folder for this test."""
    return tmp_path / "mail"


@pytest.fixture
def sink(maildir: Path) -> Iterator[SmtpSink]:
    """A sink on a free port writing to the test's Maildir."""
    running = SmtpSink(maildir=maildir).start()
    yield running
    running.stop()


@pytest.fixture
def pages(maildir: Path) -> Iterator[TestClient]:
    """A browser on a sandbox app showing the test's Maildir."""
    with TestClient(create_sandbox_app(SandboxState(), mail_dir=maildir), follow_redirects=False) as client:
        yield client


def test_caught_mail_is_listed_newest_first_and_its_link_is_clickable(sink: SmtpSink, pages: TestClient) -> None:
    deliver(sink.port, "Подтвердите e-mail для MarketSync", to="first@example.ru")
    time.sleep(0.02)  # distinct delivery times
    deliver(sink.port, "Сброс пароля MarketSync", to="second@example.ru")

    listing = pages.get("/mail")
    assert listing.status_code == 200
    assert listing.headers["content-type"] == "text/html; charset=utf-8"
    text = listing.text
    assert text.index("Сброс пароля MarketSync") < text.index("Подтвердите e-mail для MarketSync")
    assert text.index("second@example.ru") < text.index("first@example.ru")
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d", text), "the delivery time (Moscow) is shown"

    opened = dict((label, href) for href, label in parse(text).anchors)
    page = pages.get(opened["Подтвердите e-mail для MarketSync"])
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "first@example.ru" in page.text
    assert (CONFIRM_URL, CONFIRM_URL) in parse(page.text).anchors, "the link in the plain text is clickable"
    [frame] = parse(page.text).frames
    assert frame["sandbox"] is not None and "allow-scripts" not in (frame["sandbox"] or "")
    assert CONFIRM_URL in (frame["srcdoc"] or "")

    html_page = pages.get(f"{opened['Подтвердите e-mail для MarketSync']}/html")
    assert html_page.status_code == 200
    assert html_page.headers["content-security-policy"].startswith("sandbox")
    assert f'href="{CONFIRM_URL}"' in html_page.text


def test_a_mail_cannot_put_markup_on_the_page(sink: SmtpSink, pages: TestClient) -> None:
    deliver(sink.port, '<script>alert("subject")</script>', to="x@example.ru", html=False)
    listing = pages.get("/mail").text
    assert "<script>" not in listing
    assert "&lt;script&gt;" in listing
    [(href, _label)] = [a for a in parse(listing).anchors if "script" in a[1]]
    page = pages.get(href).text
    assert "<script>" not in page
    assert parse(page).frames == []  # no HTML part: nothing to frame


def test_clear_empties_the_caught_mail(sink: SmtpSink, pages: TestClient, maildir: Path) -> None:
    deliver(sink.port, "Приглашение в MarketSync")
    [(href, _)] = [a for a in parse(pages.get("/mail").text).anchors if a[1] == "Приглашение в MarketSync"]

    cleared = pages.post("/mail/clear")
    assert cleared.status_code == 303
    listing = pages.get(cleared.headers["location"])
    assert "Приглашение в MarketSync" not in listing.text
    assert "no mail yet" in listing.text
    assert list((maildir / "new").iterdir()) + list((maildir / "cur").iterdir()) == []
    assert pages.get(href).status_code == 404


def test_the_page_works_before_any_mail_arrived(pages: TestClient) -> None:
    listing = pages.get("/mail")
    assert listing.status_code == 200
    assert "no mail yet" in listing.text
    assert pages.get("/mail/1700000000.M1P1Q1.nowhere").status_code == 404



def test_an_empty_folder_and_a_malformed_mail_still_show_the_page(pages: TestClient, maildir: Path) -> None:
    maildir.mkdir()  # made by hand or mounted: no tmp/new/cur yet
    assert pages.get("/mail").status_code == 200
    raw = (b'From: a@b.ru\r\nTo: "broken <\r\nSubject: odd\r\n'
           b'Content-Type: text/plain; charset="x-nope"\r\n\r\nhello http://example.ru/x\r\n')
    (maildir / "new" / "1700000000.M1P1Q1.test").write_bytes(raw)
    listing = pages.get("/mail")
    assert listing.status_code == 200 and "odd" in listing.text
    [(href, _)] = [a for a in parse(listing.text).anchors if a[1] == "odd"]
    page = pages.get(href)
    assert page.status_code == 200 and "hello" in page.text

# The web app in demo mode runs the sink for its lifetime.

def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def demo_settings(env: dict[str, str], maildir: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """Demo mode with the sink on a free port writing to the test's Maildir; return the port."""
    port = free_port()
    monkeypatch.setenv("SANDBOX_ENABLED", "1")
    monkeypatch.setenv("SANDBOX_SMTP_PORT", str(port))
    monkeypatch.setenv("SANDBOX_MAIL_DIR", str(maildir))
    get_settings.cache_clear()
    return port


def test_demo_mode_catches_mail_on_the_configured_port_while_the_app_runs(demo_settings: int) -> None:
    from marketsync.web.app import create_app

    port = demo_settings
    assert not _listening(port)
    with TestClient(create_app(), follow_redirects=False) as demo:
        assert _listening(port)
        deliver(port, "Подтвердите e-mail для MarketSync")
        listing = demo.get("/sandbox/mail")
        assert listing.status_code == 200
        [href] = [h for h, label in parse(listing.text).anchors if label == "Подтвердите e-mail для MarketSync"]
        assert href.startswith("/sandbox/mail/")
        assert (CONFIRM_URL, CONFIRM_URL) in parse(demo.get(href).text).anchors
    assert not _listening(port), "the sink stops with the app"


def test_demo_mode_starts_even_when_the_sink_port_is_taken(demo_settings: int,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    from marketsync.web.app import create_app

    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", demo_settings))
        squatter.listen()
        started = time.monotonic()
        with TestClient(create_app(), follow_redirects=False) as demo:
            assert demo.get("/sandbox/mail").status_code == 200
        assert time.monotonic() - started < 5
    assert any(r.levelno == logging.WARNING and "SMTP sink could not start" in r.getMessage() for r in caplog.records)


def test_development_mode_runs_no_sink(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from marketsync.web.app import create_app

    port = free_port()
    monkeypatch.setenv("SANDBOX_SMTP_PORT", str(port))
    get_settings.cache_clear()
    with TestClient(create_app(), follow_redirects=False):
        assert not _listening(port)
