"""The bot's «🏠 Кабинет» link signs a Telegram person (no e-mail, no password) into the web cabinet once: opening
it shows a button and spends nothing (a link preview must not sign anyone in), the button signs in and lands on
/orders, and the same link never works twice."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from browser import submit
from marketsync.accounts.telegram import cabinet_link, open_cabinet, register_telegram_person
from marketsync.db import session_scope


def test_the_bots_cabinet_link_signs_the_person_in_once(client: TestClient, sqlite_engine: Engine) -> None:
    with session_scope(sqlite_engine) as session:
        person = register_telegram_person(session, 555001, "Анна")
        open_cabinet(session, person, name="Кабинет Анны")
        link = cabinet_link(session, 555001, "https://cabinet.example.ru/")
    assert link is not None and link.startswith("https://cabinet.example.ru/login/telegram?token=")
    path = link.removeprefix("https://cabinet.example.ru")

    page = client.get(path)
    assert page.status_code == 200 and "Анна" in page.text
    assert client.get(path).status_code == 200, "looking at the page twice spends nothing"
    assert client.get("/orders").status_code == 303, "not signed in by a mere look"

    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert token is not None
    signed_in = submit(client, "/login/telegram", {"token": token.group(1)})
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/orders"
    assert client.get("/orders").status_code == 200

    client.cookies.clear()
    again = submit(client, "/login/telegram", {"token": token.group(1)})
    assert again.status_code == 400 and "уже использована" in again.text
    assert client.get("/orders").status_code == 303


def test_a_forged_link_signs_nobody_in(client: TestClient, sqlite_engine: Engine) -> None:
    page = client.get("/login/telegram?token=forged")
    assert page.status_code == 400 and "недействительна" in page.text
