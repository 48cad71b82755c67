"""People who came through the Telegram bot have no e-mail: the admin still finds them in the users list, opens,
edits, suspends and deletes them, and is told a link cannot be mailed to them; e-mail login is unchanged."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from browser import sign_in, submit
from marketsync.accounts.models import User
from marketsync.accounts.telegram import register_telegram_person, telegram_person
from marketsync.db import session_scope


def test_a_telegram_person_without_e_mail_is_listed_edited_and_deleted_by_the_admin(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine) -> None:
    make_seller("admin@example.ru", admin=True)
    with session_scope(sqlite_engine) as session:
        person = register_telegram_person(session, 555000111, "Мария из Telegram")
        again = register_telegram_person(session, 555000111, "Мария")
        assert again.id == person.id and person.email is None
        person_id = person.id
    sign_in(client, "admin@example.ru")

    listed = client.get("/admin/users?q=Мария")
    assert listed.status_code == 200 and f'href="/admin/users/{person_id}"' in listed.text
    assert "Мария из Telegram" in listed.text and "None" not in listed.text
    page = client.get(f"/admin/users/{person_id}")
    assert page.status_code == 200 and "Мария из Telegram" in page.text

    refused = submit(client, f"/admin/users/{person_id}/reset-password")
    assert refused.status_code == 303
    told = client.get(f"/admin/users/{person_id}").text
    assert "no e-mail address to send a link to" in told or "нет адреса" in told  # until `make messages`

    saved = submit(client, f"/admin/users/{person_id}/edit",
                   {"name": "Мария", "email": "", "phone": "", "role": "user"})
    assert saved.status_code == 303, saved.text
    with session_scope(sqlite_engine) as session:
        user = session.get(User, person_id)
        assert user is not None and user.name == "Мария" and user.email is None

    assert submit(client, f"/admin/users/{person_id}/suspend").status_code == 303
    assert submit(client, f"/admin/users/{person_id}/delete").status_code == 303
    with session_scope(sqlite_engine) as session:
        assert telegram_person(session, 555000111) is None
    assert client.get("/admin/users").status_code == 200
