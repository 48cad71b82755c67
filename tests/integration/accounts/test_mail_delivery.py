"""Account mail really leaves over SMTP: plain, STARTTLS and implicit TLS servers (aiosmtpd) with a certificate
made here, login, temporary and permanent refusals, the console provider, and the composed mails themselves
(both parts, the recipient's language, every link on BASE_URL)."""

from __future__ import annotations

import ipaddress
import logging
import re
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from marketsync.accounts import mail as web_mail
from marketsync.connectors.mail.client import MailConfig, MailError, send
from marketsync.sandbox.server import free_port
from marketsync.sandbox.smtp import SinkHandler, SmtpSink
from marketsync.settings import get_settings

SHOP_SENDER = "Магазин Ромашка <noreply@shop.example.ru>"


@dataclass(frozen=True)
class Certificate:
    """A self-signed certificate for 127.0.0.1 and localhost, as PEM files."""

    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        """Return a server-side TLS context presenting this certificate."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


def make_certificate(folder: Path, name: str) -> Certificate:
    """Write a fresh self-signed certificate (valid for a day) into folder."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return Certificate(cert_path, key_path)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """The mail server's certificate."""
    return make_certificate(tmp_path_factory.mktemp("tls"), "mail-server")


@pytest.fixture
def trusted(certificate: Certificate, monkeypatch: pytest.MonkeyPatch) -> Certificate:
    """Make this machine trust the mail server's certificate (OpenSSL reads SSL_CERT_FILE)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))
    return certificate


@pytest.fixture
def start_sink() -> Iterator[Any]:
    """Return a function starting an SmtpSink with aiosmtpd options; every sink stops after the test."""
    sinks: list[SmtpSink] = []

    def start(**options: Any) -> SmtpSink:
        """Start a sink on a free port."""
        sink = SmtpSink(**options).start()
        sinks.append(sink)
        return sink

    yield start
    for sink in sinks:
        sink.stop()


def smtp_config(sink: SmtpSink, **overrides: Any) -> MailConfig:
    """Delivery settings pointing at a sink (plain SMTP unless overridden)."""
    values: dict[str, Any] = {"provider": "smtp", "host": "127.0.0.1", "port": sink.port, "tls": "none",
                              "timeout": 5.0, "sender": SHOP_SENDER}
    return MailConfig(**{**values, **overrides})


def a_mail(to: str = "buyer@example.ru", subject: str = "Заказ №17 принят") -> EmailMessage:
    """A small mail without a From header (the provider fills it in)."""
    message = EmailMessage()
    message["To"] = to
    message["Subject"] = subject
    message.set_content("Ваш заказ принят: https://shop.example.ru/orders/17\n")
    return message


def check_login(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    """aiosmtpd authenticator: the shop's mailbox is shop / s3cret."""
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"shop", b"s3cret")
    return AuthResult(success=ok, handled=False)


class RefusingHandler(SinkHandler):
    """A sink that answers the first `times` DATA (or RCPT) commands with `reply` instead of accepting."""

    def __init__(self, reply: str, times: int, *, at: str = "DATA") -> None:
        super().__init__()
        self.reply, self.times, self.at = reply, times, at
        self.attempts = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        """Refuse the recipient while refusals remain (when refusing at RCPT)."""
        if self.at == "RCPT":
            self.attempts += 1
            if self.attempts <= self.times:
                return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Refuse the message while refusals remain (when refusing at DATA), else keep it."""
        if self.at == "DATA":
            self.attempts += 1
            if self.attempts <= self.times:
                return self.reply
        return await super().handle_DATA(server, session, envelope)


def test_mail_arrives_over_plain_smtp_from_the_configured_sender(start_sink: Any) -> None:
    sink = start_sink()
    send(a_mail(), smtp_config(sink))
    [caught] = sink.messages
    assert caught["To"] == "buyer@example.ru"
    assert caught["Subject"] == "Заказ №17 принят"
    assert caught["From"] == SHOP_SENDER
    assert "https://shop.example.ru/orders/17" in caught.get_content()


def test_mail_arrives_over_starttls_when_the_server_certificate_is_trusted(start_sink: Any,
                                                                          trusted: Certificate) -> None:
    # require_starttls: the server refuses the mail unless the client switched to TLS first.
    sink = start_sink(tls_context=trusted.server_context(), require_starttls=True)
    send(a_mail(), smtp_config(sink, tls="starttls"))
    assert [m["Subject"] for m in sink.messages] == ["Заказ №17 принят"]


def test_mail_arrives_over_implicit_tls(start_sink: Any, trusted: Certificate) -> None:
    sink = start_sink(ssl_context=trusted.server_context())
    send(a_mail(), smtp_config(sink, tls="ssl"))
    assert [m["Subject"] for m in sink.messages] == ["Заказ №17 принят"]


def test_a_server_with_an_untrusted_certificate_gets_no_mail(start_sink: Any, certificate: Certificate,
                                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(make_certificate(tmp_path, "someone-else").cert))
    sink = start_sink(tls_context=certificate.server_context(), require_starttls=True)
    with pytest.raises(MailError, match=r"buyer@example\.ru"):
        send(a_mail(), smtp_config(sink, tls="starttls"))
    assert sink.messages == []


def test_mail_arrives_when_the_server_requires_a_login(start_sink: Any, trusted: Certificate) -> None:
    sink = start_sink(tls_context=trusted.server_context(), require_starttls=True, authenticator=check_login,
                      auth_required=True)
    send(a_mail(), smtp_config(sink, tls="starttls", user="shop", password="s3cret"))
    assert len(sink.messages) == 1


@pytest.mark.timeout(60)
def test_a_wrong_smtp_password_fails_at_once_and_sends_nothing(start_sink: Any, trusted: Certificate) -> None:
    sink = start_sink(tls_context=trusted.server_context(), require_starttls=True, authenticator=check_login,
                      auth_required=True)
    started = time.monotonic()
    with pytest.raises(MailError, match=r"buyer@example\.ru"):
        send(a_mail(), smtp_config(sink, tls="starttls", user="shop", password="wrong"))
    with pytest.raises(MailError):  # no login at all: the server wants one
        send(a_mail(), smtp_config(sink, tls="starttls"))
    assert time.monotonic() - started < 5  # refused, not retried or left waiting on a timeout
    assert sink.messages == []


def test_the_console_provider_logs_the_mail_and_sends_nothing(start_sink: Any,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    sink = start_sink()
    caplog.set_level(logging.INFO, logger="marketsync.connectors.mail.client")
    send(a_mail(), smtp_config(sink, provider="console"))
    assert sink.messages == []
    assert "buyer@example.ru" in caplog.text
    assert "Заказ №17 принят" in caplog.text
    assert "https://shop.example.ru/orders/17" in caplog.text


@pytest.mark.parametrize("at", ["DATA", "RCPT"])
def test_a_server_saying_try_later_once_gets_the_mail_on_the_next_attempt(start_sink: Any, at: str) -> None:
    handler = RefusingHandler("451 4.3.0 Try again later", times=1, at=at)
    sink = start_sink(handler=handler)
    send(a_mail(), smtp_config(sink))
    assert handler.attempts == 2
    assert [m["To"] for m in sink.messages] == ["buyer@example.ru"]


def test_a_permanent_refusal_is_not_retried(start_sink: Any) -> None:
    handler = RefusingHandler("550 5.7.1 Message rejected", times=99)
    sink = start_sink(handler=handler)
    with pytest.raises(MailError, match="550"):
        send(a_mail(), smtp_config(sink))
    assert handler.attempts == 1
    assert sink.messages == []


@pytest.mark.timeout(60)
def test_a_server_that_is_down_fails_with_a_mail_error() -> None:
    config = MailConfig(provider="smtp", host="127.0.0.1", port=free_port(), tls="none", timeout=2.0)
    with pytest.raises(MailError, match=r"buyer@example\.ru"):
        send(a_mail(), config)


# End to end: accounts.mail composes the account mails and delivers them through the configured provider.

BASE_URL = "https://shop.example.ru"
SUBJECTS = {
    ("confirm", "ru"): "Подтвердите e-mail для MarketSync", ("confirm", "en"): "Confirm your e-mail for MarketSync",
    ("reset", "ru"): "Сброс пароля MarketSync", ("reset", "en"): "Reset your MarketSync password",
    ("invite", "ru"): "Приглашение в MarketSync", ("invite", "en"): "You are invited to MarketSync",
}


class _Links(HTMLParser):
    """Collect the href of every <a> of an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Remember the link of an <a>."""
        if tag == "a":
            self.hrefs.extend(value or "" for name, value in attrs if name == "href")


def html_links(html: str) -> list[str]:
    """Return the hrefs of an HTML document, in order."""
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


@pytest.fixture
def shop_mail(env: dict[str, str], start_sink: Any, monkeypatch: pytest.MonkeyPatch) -> SmtpSink:
    """Settings delivering over real SMTP to a sink, for a shop at https://shop.example.ru."""
    sink = start_sink()
    for key, value in {"EMAIL_PROVIDER": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(sink.port),
                       "SMTP_TLS": "none", "SMTP_TIMEOUT_SECONDS": "5", "MAIL_FROM": SHOP_SENDER,
                       "BASE_URL": BASE_URL}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    return sink


@pytest.mark.parametrize("locale", ["ru", "en"])
@pytest.mark.parametrize("kind", ["confirm", "reset", "invite"])
def test_account_mail_arrives_in_the_recipients_language_with_links_on_the_site(shop_mail: SmtpSink, kind: str,
                                                                               locale: str) -> None:
    path, _purpose = web_mail.TOKEN_LINKS[kind]
    url = web_mail.link(path, token="x")
    message = web_mail.compose(kind, to="Иван Петров <ivan@example.ru>", locale=locale, url=url, name="Иван",
                               hours=48)
    assert web_mail.deliver(message) is True

    [caught] = shop_mail.messages
    assert caught["Subject"] == SUBJECTS[kind, locale]
    assert caught["From"] == SHOP_SENDER
    assert caught["To"] == "Иван Петров <ivan@example.ru>"
    plain, html = caught.get_body(("plain",)), caught.get_body(("html",))
    assert plain is not None and html is not None, "the mail needs a plain and an HTML part"
    text, markup = plain.get_content(), html.get_content()
    assert "48" in text
    assert url == f"{BASE_URL}{path}?token=x"
    links = re.findall(r"https?://[^\s<>\"']+", text) + html_links(markup)
    assert url in re.findall(r"https?://\S+", text)
    assert url in html_links(markup)
    assert links and all(link.startswith(BASE_URL) for link in links), links
    if locale == "ru":
        assert re.search("[а-яА-Я]", text) and re.search("[а-яА-Я]", markup)
    else:
        assert not re.search("[а-яА-Я]", caught["Subject"] + text.replace("Иван", ""))


def test_an_undeliverable_account_mail_is_reported_not_raised(env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    for key, value in {"EMAIL_PROVIDER": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(free_port()),
                       "SMTP_TLS": "none", "SMTP_TIMEOUT_SECONDS": "2"}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    message = web_mail.compose("reset", to="ivan@example.ru", locale="ru", url=web_mail.link("/reset-password"),
                               hours=2)
    assert web_mail.deliver(message) is False
    assert "account mail not delivered" in caplog.text
