"""The Telegram Login Widget (one user with the bot's person), the mailed link confirming a new identity, and the
profile's list of sign-in services: link, unlink (never Evotor's, never the last way in), a first password."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable
from email.message import EmailMessage
from urllib.parse import urlencode

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from browser import PASSWORD, sign_in, submit
from marketsync.accounts.models import OAuthIdentity, User
from marketsync.accounts.telegram import register_telegram_person
from marketsync.db import session_scope
from marketsync.sandbox.server import ServerThread
from marketsync.sandbox.telegram.state import DEMO_BOT_TOKEN
from social_browser import APP, arrive, consent, set_person, sign_in_with, start


def _widget_fields(telegram_id: int, *, auth_date: int | None = None, token: str = DEMO_BOT_TOKEN) -> dict[str, str]:
    fields = {"id": str(telegram_id), "first_name": "Сергей", "username": "sergey_seller",
              "auth_date": str(auth_date or int(time.time()))}
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    fields["hash"] = hmac.new(hashlib.sha256(token.encode()).digest(), check.encode(), hashlib.sha256).hexdigest()
    return fields


def _identities(engine: Engine) -> list[tuple[str, str, int]]:
    with session_scope(engine) as session:
        return [(row.provider, row.subject, row.user_id) for row in session.scalars(select(OAuthIdentity))]


def test_the_widget_signs_in_the_same_user_as_the_bot(social_client: TestClient, sqlite_engine: Engine) -> None:
    with session_scope(sqlite_engine) as session:
        person_id = register_telegram_person(session, 424242, "Сергей").id
    landed = social_client.get("/auth/telegram/callback?" + urlencode(_widget_fields(424242)))
    assert landed.status_code == 303 and landed.headers["location"] == "/", landed.text
    assert social_client.get("/profile").status_code == 200
    assert _identities(sqlite_engine) == [("telegram", "424242", person_id)], "one user per Telegram id"


def test_the_sandbox_login_page_signs_in_a_new_telegram_person(
        social_client: TestClient, sandbox: ServerThread, sqlite_engine: Engine) -> None:
    set_person(sandbox.url, "telegram", "515151", name="Олег Телеграмов")
    login = social_client.get("/auth/telegram/login")
    assert login.status_code == 302 and login.headers["location"].startswith(f"{sandbox.url}/oauth/telegram/auth?")
    landed = arrive(social_client, consent(login.headers["location"]))
    assert landed.status_code == 303 and landed.headers["location"] == "/"
    assert "Олег Телеграмов" in social_client.get("/profile").text
    [(provider, subject, _user)] = _identities(sqlite_engine)
    assert (provider, subject) == ("telegram", "515151")


def test_forged_or_stale_widget_fields_are_refused(social_client: TestClient, sqlite_engine: Engine) -> None:
    forged = _widget_fields(111, token="123:another-bots-token")
    stale = _widget_fields(111, auth_date=int(time.time()) - 86400 - 60)
    altered = {**_widget_fields(111), "id": "222"}
    for fields in (forged, stale, altered):
        landed = social_client.get("/auth/telegram/callback?" + urlencode(fields))
        assert landed.status_code == 303 and landed.headers["location"] == "/login"
        assert "could not be verified" in social_client.get("/login").text
    assert _identities(sqlite_engine) == [] and social_client.get("/profile").status_code == 303


def test_a_mailed_link_confirms_the_identity_in_the_same_browser(
        social_client: TestClient, sandbox: ServerThread, sqlite_engine: Engine, mailbox: list[EmailMessage],
        make_seller: Callable[..., tuple[int, int]]) -> None:
    user_id, _account = make_seller("seller@example.ru")
    set_person(sandbox.url, "google", "g-1", "seller@example.ru", verified=True)
    assert sign_in_with(social_client, "google").headers["location"] == "/auth/link"
    sent = submit(social_client, "/auth/link/mail")
    assert sent.status_code == 200 and "seller@example.ru" in sent.text
    assert len(mailbox) == 1 and mailbox[0]["To"] == "seller@example.ru"
    body = mailbox[0].get_body(preferencelist=("plain",))
    assert body is not None
    url = re.search(r"(http://testserver/auth/link/confirm\?token=\S+)", body.get_content())
    assert url, body.get_content()
    path = url.group(1)[len(APP):]

    # Someone else's browser (the mailbox's, say) cannot use it: it holds no identity waiting.
    with TestClient(social_client.app, follow_redirects=False) as stranger:
        page = stranger.get(path)
        assert page.status_code == 200 and 'name="token"' not in page.text
    assert _identities(sqlite_engine) == []

    page = social_client.get(path)
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert token, page.text
    linked = submit(social_client, "/auth/link/confirm", {"token": token.group(1)})
    assert linked.status_code == 303 and linked.headers["location"] == "/"
    assert _identities(sqlite_engine) == [("google", "g-1", user_id)]
    assert submit(social_client, "/auth/link/confirm", {"token": token.group(1)}).status_code == 400


def test_the_profile_links_and_unlinks_but_never_the_last_way_in(
        social_client: TestClient, sandbox: ServerThread, sqlite_engine: Engine,
        make_seller: Callable[..., tuple[int, int]]) -> None:
    user_id, _account = make_seller("seller@example.ru")
    sign_in(social_client)
    with session_scope(sqlite_engine) as session:
        session.add(OAuthIdentity(provider="evotor", subject="01-EVOTOR", user_id=user_id))
    set_person(sandbox.url, "vk", "vk-77", "someone.else@example.ru")
    profile = social_client.get("/profile")
    assert 'id="link-vk"' in profile.text and "Эвотор" in profile.text
    linked = sign_in_with(social_client, "vk")
    assert linked.status_code == 303 and linked.headers["location"] == "/profile"
    identities = {provider: (subject, owner) for provider, subject, owner in _identities(sqlite_engine)}
    assert identities["vk"] == ("vk-77", user_id)
    profile = social_client.get("/profile")
    assert 'id="link-vk"' not in profile.text
    with session_scope(sqlite_engine) as session:
        ids = {row.provider: row.id for row in session.scalars(select(OAuthIdentity))}
    assert submit(social_client, f"/profile/identities/{ids['evotor']}/unlink").status_code == 303
    assert "evotor" in {p for p, _s, _u in _identities(sqlite_engine)}, "Evotor's identity is never unlinked"
    assert submit(social_client, f"/profile/identities/{ids['vk']}/unlink").status_code == 303
    assert "vk" not in {p for p, _s, _u in _identities(sqlite_engine)}, "the password still lets them in"


def test_a_service_only_user_keeps_their_last_way_in_and_can_set_a_password(
        social_client: TestClient, sandbox: ServerThread, sqlite_engine: Engine,
        mailbox: list[EmailMessage]) -> None:
    set_person(sandbox.url, "vk", "vk-88")
    assert sign_in_with(social_client, "vk").headers["location"] == "/"
    [(_p, _s, user_id)] = _identities(sqlite_engine)
    with session_scope(sqlite_engine) as session:
        identity_id = session.scalars(select(OAuthIdentity.id)).one()
    assert "only way to sign in" in social_client.get("/profile").text
    submit(social_client, f"/profile/identities/{identity_id}/unlink")
    assert len(_identities(sqlite_engine)) == 1
    assert "cannot be unlinked" in social_client.get("/profile").text

    assert social_client.get("/profile/set-password").status_code == 200
    bad = submit(social_client, "/profile/set-password", {"email": "x", "password": "short",
                                                           "password_confirm": "short"})
    assert bad.status_code == 400
    done = submit(social_client, "/profile/set-password", {"email": "vk.person@example.ru", "password": PASSWORD,
                                                            "password_confirm": PASSWORD})
    assert done.status_code == 303
    with session_scope(sqlite_engine) as session:
        user = session.get(User, user_id)
        assert user is not None and user.email == "vk.person@example.ru" and user.password_hash
    assert len(mailbox) == 1, "the new address gets its confirmation link"
    social_client.cookies.clear()
    sign_in(social_client, "vk.person@example.ru", PASSWORD)
    assert social_client.get("/profile").status_code == 200
    assert httpx.get(f"{sandbox.url}/oauth/google/oauth2/v3/certs").json()["keys"][0]["kty"] == "RSA"


def test_buttons_show_only_for_configured_providers(social_client: TestClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from marketsync.settings import get_settings

    page = social_client.get("/login").text
    assert all(f'id="social-{name}"' in page for name in ("vk", "yandex", "google", "telegram"))
    assert 'id="social-google"' in social_client.get("/register").text
    monkeypatch.setenv("GOOGLE_CLIENT_ID", "")
    monkeypatch.setenv("BOT_TOKEN", "")
    get_settings.cache_clear()
    page = social_client.get("/login").text
    assert 'id="social-google"' not in page and 'id="social-telegram"' not in page and 'id="social-vk"' in page
    assert social_client.get("/auth/google/login").status_code == 404
    assert start(social_client, "vk").startswith("http://")
