"""Mails and SMS with links or codes are limited per recipient and per client address: re-asking cannot flood
a mailbox nor retire the reset link a victim already has, and the page never says whether a mail went out."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from email.message import EmailMessage

import pytest
from fastapi.testclient import TestClient

from browser import PASSWORD, sign_in, submit
from builders import last_link

PER_RECIPIENT = 5  # MESSAGES_PER_RECIPIENT_PER_HOUR's default
PER_IP = 30  # MESSAGES_PER_IP_PER_HOUR's default
NEW_PASSWORD = "brand-new-secret-7"


def _mails_to(mailbox: list[EmailMessage], to: str) -> int:
    return sum(1 for m in mailbox if m["To"] == to)


def test_re_requesting_reset_links_cannot_retire_the_last_one_sent(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], mailbox: list[EmailMessage]) -> None:
    make_seller()
    answers = set()
    for _ in range(PER_RECIPIENT):
        page = submit(client, "/forgot-password", {"email": "seller@example.ru"})
        answers.add((page.status_code, page.text.count("seller@example.ru")))
    link = last_link(mailbox, "seller@example.ru")
    for _ in range(20):  # someone keeps asking for the victim's address
        page = submit(client, "/forgot-password", {"email": "seller@example.ru"})
        answers.add((page.status_code, page.text.count("seller@example.ru")))
    assert answers == {(200, 1)}  # the same neutral answer every time
    assert _mails_to(mailbox, "seller@example.ru") == PER_RECIPIENT
    form = client.get(link)
    assert form.status_code == 200, form.text
    done = submit(client, "/reset-password", {"token": link.split("token=", 1)[1], "password": NEW_PASSWORD,
                                              "password_confirm": NEW_PASSWORD})
    assert done.status_code == 303
    sign_in(client, password=NEW_PASSWORD)


def test_one_client_address_cannot_mail_everybody(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], mailbox: list[EmailMessage]) -> None:
    for n in range(PER_IP + 1):
        make_seller(f"person{n}@example.ru")
    for n in range(PER_IP + 1):
        assert submit(client, "/forgot-password", {"email": f"person{n}@example.ru"}).status_code == 200
    assert len(mailbox) == PER_IP
    assert _mails_to(mailbox, f"person{PER_IP}@example.ru") == 0


def test_confirmation_links_are_limited_per_address_too(
        client: TestClient, mailbox: list[EmailMessage]) -> None:
    submit(client, "/register", {"email": "new@example.ru", "password": PASSWORD, "password_confirm": PASSWORD})
    for _ in range(10):
        page = submit(client, "/resend-confirm", {"email": "new@example.ru"})
        assert page.status_code == 200
    assert _mails_to(mailbox, "new@example.ru") == PER_RECIPIENT


def test_the_admin_is_told_when_an_invitation_is_not_sent(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], mailbox: list[EmailMessage]) -> None:
    make_seller("admin@example.ru", admin=True)
    sign_in(client, "admin@example.ru")
    invited = submit(client, "/admin/users/invite", {"email": "guest@example.ru", "name": ""})
    user_page = invited.headers["location"]
    for _ in range(PER_RECIPIENT - 1):
        assert submit(client, f"{user_page}/send-invite").status_code == 303
    refused = submit(client, f"{user_page}/send-invite")
    assert refused.status_code == 303
    page = client.get(refused.headers["location"])
    assert "отправлено слишком много писем" in page.text
    assert _mails_to(mailbox, "guest@example.ru") == PER_RECIPIENT


def test_phone_codes_are_limited_per_number(
        client: TestClient, seller: int, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="marketsync.connectors.sms.client"):
        for n in range(PER_RECIPIENT):
            phone = "+7 900 123-45-67" if n % 2 == 0 else "+79001234567"  # one number, written two ways
            assert submit(client, "/profile/edit", {"name": "", "phone": phone}).status_code == 303
            submit(client, "/profile/edit", {"name": "", "phone": ""})
        sent = len(re.findall(r"(?:code|Код MarketSync): \d{6}", caplog.text))
        refused = submit(client, "/profile/edit", {"name": "", "phone": "+7 (900) 123-45-67"})
    assert refused.status_code == 429 and "слишком много кодов" in refused.text
    assert len(re.findall(r"(?:code|Код MarketSync): \d{6}", caplog.text)) == sent == PER_RECIPIENT
