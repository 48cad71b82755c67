"""The Casdoor bridge: the official SDK speaks with the sandbox Casdoor; sign-up, sign-in and profile edits are
mirrored (add-user, then update-user with only the changed columns); racing tasks make one Casdoor user; the
balance is written, or the score when Casdoor refuses the balance; what Casdoor missed is listed in /admin."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from casdoor import CasdoorSDK, User
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.engine import Engine

from browser import PASSWORD, sign_in, submit
from casdoor_world import APPLICATION, CLIENT_ID, CLIENT_SECRET, ORGANIZATION, Casdoor
from marketsync.accounts.service import create_user, primary_account_id
from marketsync.billing import service as billing
from marketsync.billing.ledger import post_entry
from marketsync.casdoor import service
from marketsync.casdoor.mirror import Wish, push
from marketsync.casdoor.models import CasdoorMirror
from marketsync.casdoor.sender import Outcome
from marketsync.cli.demo import social_login_environment
from marketsync.db import get_engine, session_scope, utcnow
from marketsync.sandbox.server import ServerThread
from marketsync.settings import get_settings
from marketsync.web.app import create_app
from social_browser import set_person, sign_in_with


def _sdk(casdoor: Casdoor, secret: str = CLIENT_SECRET) -> CasdoorSDK:
    return CasdoorSDK(endpoint=casdoor.url, client_id=CLIENT_ID, client_secret=secret, certificate="",
                      org_name=ORGANIZATION, application_name=APPLICATION)


def _seller(email: str = "seller@example.ru", name: str = "Продавец") -> tuple[int, int]:
    with session_scope(get_engine()) as session:
        user = create_user(session, email=email, password=PASSWORD, name=name)
        return user.id, primary_account_id(session, user.id)


def test_the_official_sdk_reads_and_writes_users_of_the_sandbox(casdoor: Casdoor) -> None:
    sdk = _sdk(casdoor)
    user = User.new(owner=ORGANIZATION, name="anna", created_time="2026-12-07T10:00:00Z", display_name="Анна",
                    email="anna@example.ru")
    assert sdk.add_user(user)["data"] == "Affected"
    got = sdk.get_user("anna")
    assert (got.displayName, got.email, got.owner) == ("Анна", "anna@example.ru", ORGANIZATION)
    got.displayName, got.email = "Анна К.", "other@example.ru"
    sdk.update_user_for_columns(got, ["displayName"])
    again = sdk.get_user("anna")
    assert (again.displayName, again.email) == ("Анна К.", "anna@example.ru")  # only the named column changed
    assert [u.name for u in sdk.get_users()] == ["anna"]
    with pytest.raises(Exception, match="already exists"):  # the envelope's error, sent with HTTP 200
        sdk.add_user(User.new(owner=ORGANIZATION, name="anna", created_time="", display_name="x"))
    with pytest.raises(Exception, match="Unauthorized"):
        _sdk(casdoor, "wrong-secret").get_user("anna")
    casdoor.state.casdoor.refuse_balance = True  # an older Casdoor: no balance column
    again.balance = 10.5
    with pytest.raises(Exception, match="balance"):
        sdk.update_user_for_columns(again, ["balance"])


def test_sign_up_sign_in_and_profile_edit_are_mirrored_with_only_the_changed_columns(
        casdoor: Casdoor, client: TestClient) -> None:
    user_id, _account = _seller()
    mirrored = casdoor.user(user_id)
    assert mirrored is not None
    assert (mirrored["displayName"], mirrored["email"], mirrored["signupApplication"]) == (
        "Продавец", "seller@example.ru", APPLICATION)
    assert casdoor.writes(user_id) == [("add-user", [])]

    sign_in(client)  # nothing changed: Casdoor is read, not written
    assert casdoor.writes(user_id) == [("add-user", [])]

    submit(client, "/profile/edit", {"name": "Иван Петров", "phone": ""})
    assert casdoor.user(user_id)["displayName"] == "Иван Петров"  # type: ignore[index]
    assert casdoor.writes(user_id)[-1] == ("update-user", ["displayName"])
    with session_scope(get_engine()) as session:
        assert service.behind(session)[1] == 0


def test_someone_who_came_through_the_telegram_bot_is_mirrored(casdoor: Casdoor) -> None:
    from marketsync.accounts.telegram import register_telegram_person

    with session_scope(get_engine()) as session:
        user_id = register_telegram_person(session, 777001, "Мария").id
    assert casdoor.user(user_id)["displayName"] == "Мария"  # type: ignore[index]


def test_racing_senders_make_one_casdoor_user(casdoor: Casdoor) -> None:
    casdoor.go_down()  # the sign-ups' own tasks fail: the rows stay behind for the races below
    first, _account = _seller()
    second, _account = _seller("second@example.ru")
    casdoor.come_back()
    barrier = threading.Barrier(4)
    outcomes: list[Outcome] = []

    def task() -> None:
        barrier.wait()
        outcomes.append(service.sync_user(get_engine(), first))

    _run_all([task] * 4)
    assert outcomes.count(Outcome.SENT) == 1 and set(outcomes) <= {Outcome.SENT, Outcome.BUSY, Outcome.NOTHING}

    # Senders that both got past the lease (one whose lease ran out): the name, derived from our id, still
    # makes them meet on one Casdoor user, the loser of add-user taking the winner's.
    wish = Wish(second, f"ms-{second}", 1, {"displayName": "Второй", "email": "second@example.ru"}, None, "balance")

    def pusher() -> None:
        client = service.open_client()
        barrier.wait()
        push(client, wish, application=APPLICATION)
        client.close()

    _run_all([pusher] * 4)
    assert sorted(u["name"] for u in casdoor.users()) == sorted([f"ms-{first}", f"ms-{second}"])
    assert [w for w in casdoor.writes(first) + casdoor.writes(second) if w[0] == "add-user"] == [
        ("add-user", [])] * 2


def _run_all(work: list[Callable[[], None]]) -> None:
    threads = [threading.Thread(target=job) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_concurrent_balance_changes_end_with_the_latest_balance_in_casdoor(
        casdoor_on: Casdoor, engine: Engine) -> None:
    with session_scope(engine) as session:
        user = create_user(session, email="many@example.ru", password=PASSWORD, name="Много")
        user_id, account_id = user.id, primary_account_id(session, user.id)
    amounts = [Decimal("100.10"), Decimal("-35.05"), Decimal("7.77")] * 5

    def add(amount: Decimal) -> None:
        billing.in_transaction(engine, lambda session: post_entry(
            session, account_id=account_id, kind="adjustment", amount=amount, reason="тест"))

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(add, amounts))
    service.resend_behind(engine, now=utcnow() + timedelta(minutes=1))  # what beat would leave for itself
    with session_scope(engine) as session:
        final = billing.balance(session, account_id)
        assert service.behind(session)[1] == 0
    assert final == sum(amounts)
    held = casdoor_on.user(user_id)
    assert held is not None and Decimal(str(held["balance"])) == final


@pytest.mark.parametrize(("amount", "score"), [("1250.75", 1250), ("-0.50", -1)])
def test_each_owner_gets_the_cabinets_balance_or_the_score_when_casdoor_refuses_it(
        casdoor: Casdoor, amount: str, score: int) -> None:
    user_id, account_id = _seller()
    with session_scope(get_engine()) as session:
        billing.adjust_balance(session, account_id=account_id, amount_text=amount, reason="тест", admin_id=None)
    held = casdoor.user(user_id)
    assert held is not None and (held["balance"], held["balanceCurrency"]) == (float(Decimal(amount)), "RUB")

    casdoor.state.casdoor.refuse_balance = True  # an older Casdoor
    with session_scope(get_engine()) as session:
        billing.adjust_balance(session, account_id=account_id, amount_text="100", reason="ещё", admin_id=None)
    held = casdoor.user(user_id)
    assert held is not None and held["score"] == score + 100 and "balance" not in held
    assert ("update-user", ["score"]) in casdoor.writes(user_id)
    with session_scope(get_engine()) as session:
        assert service.behind(session)[1] == 0


def test_the_admin_page_lists_the_users_whose_mirror_is_behind(
        casdoor: Casdoor, client: TestClient, make_seller: Callable[..., tuple[int, int]]) -> None:
    make_seller("admin@example.ru", admin=True)
    casdoor.go_down()
    behind_id, _account = _seller("late@example.ru")
    sign_in(client, "admin@example.ru")
    with session_scope(get_engine()) as session:  # the admin's own row is confirmed: only the late user shows
        session.execute(update(CasdoorMirror).where(CasdoorMirror.user_id != behind_id)
                        .values(synced_version=CasdoorMirror.version))
    page = client.get("/admin/casdoor")
    assert page.status_code == 200
    assert "late@example.ru" in page.text and f"ms-{behind_id}" in page.text and "500" in page.text
    assert re.findall(r'data-user-id="(\d+)"', page.text) == [str(behind_id)]

    casdoor.come_back()
    assert service.resend_behind(get_engine(), now=utcnow() + timedelta(minutes=1)) >= 1
    assert "casdoor-behind-none" in client.get("/admin/casdoor").text


def test_a_person_signing_up_with_yandex_id_is_mirrored_and_their_later_sign_in_writes_nothing(
        casdoor: Casdoor, sandbox: ServerThread, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {**social_login_environment(f"{sandbox.url}/oauth"), "BASE_URL": "http://testserver"}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    set_person(sandbox.url, "yandex", "700222", "nina@example.ru", verified=True, name="Нина Новикова")
    with TestClient(create_app(), follow_redirects=False) as browser:
        assert sign_in_with(browser, "yandex").headers["location"] == "/"
        [held] = casdoor.users()
        assert (held["displayName"], held["email"], held["signupApplication"]) == (
            "Нина Новикова", "nina@example.ru", APPLICATION)
        user_id = int(held["name"].removeprefix("ms-"))
        browser.cookies.clear()
        assert sign_in_with(browser, "yandex").headers["location"] == "/"
    assert casdoor.writes(user_id) == [("add-user", [])]


def test_the_sandbox_shows_its_users_and_takes_faults_like_every_service(casdoor: Casdoor, sandbox: ServerThread
                                                                         ) -> None:
    _seller()
    dump = httpx.get(f"{sandbox.url}/_control/state", params={"service": "casdoor"}).json()
    assert dump["count"] == 1 and dump["users"][0]["signupApplication"] == APPLICATION
    httpx.post(f"{sandbox.url}/_control/faults", json={"service": "casdoor", "rate": 1.0, "kinds": ["502"]}) \
        .raise_for_status()
    assert httpx.get(f"{casdoor.url}/api/get-users", params={"owner": ORGANIZATION}).status_code == 502
    httpx.post(f"{sandbox.url}/_control/casdoor/legacy", json={"refuse_balance": True}).raise_for_status()
    assert casdoor.state.casdoor.refuse_balance


def test_once_casdoor_answers_again_the_rows_still_waiting_out_their_backoff_go_too(casdoor: Casdoor) -> None:
    casdoor.go_down()
    ids = [_seller(f"s{n}@example.ru")[0] for n in range(3)]
    casdoor.come_back()
    assert service.resend_behind(get_engine()) == 0  # every row waits a few seconds after its failure
    with session_scope(get_engine()) as session:  # the first one's wait is over
        session.execute(update(CasdoorMirror).where(CasdoorMirror.user_id == ids[0])
                        .values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    assert service.resend_behind(get_engine()) == 3
    assert sorted(u["name"] for u in casdoor.users()) == sorted(f"ms-{i}" for i in ids)


def test_a_proxy_refusing_our_credentials_is_told_apart_from_casdoor_being_away(
        casdoor: Casdoor, monkeypatch: pytest.MonkeyPatch) -> None:
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def forbidden(_request):  # type: ignore[no-untyped-def]
        return PlainTextResponse("Forbidden", status_code=403)

    with ServerThread(Starlette(routes=[Route("/{path:path}", forbidden, methods=["GET", "POST"])])) as proxy:
        monkeypatch.setenv("CASDOOR_URL", proxy.url)
        get_settings.cache_clear()
        user_id, _account = _seller()

    with session_scope(get_engine()) as session:
        row = session.get(CasdoorMirror, user_id)
        assert row is not None and row.synced_version < row.version
        assert "403" in (row.last_error or "") and "CASDOOR_CLIENT_SECRET" in (row.last_error or "")
