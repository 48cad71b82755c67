"""Password guesses sent in parallel: the attempt is reserved before the hash is checked, so forty guesses at
once for one e-mail (or one signed-in session, or one Evotor userId) get at most the limit checked."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient

from browser import csrf_token, sign_in, submit
from marketsync.accounts import profile_views, service
from marketsync.settings import get_settings

GUESSES = 40
LIMIT = 10  # LOGIN_FAILURES_PER_EMAIL's default


def _count_hash_checks(monkeypatch: pytest.MonkeyPatch, module: ModuleType) -> list[str]:
    """Wrap the module's password check: record each call, and take a little longer so guesses overlap."""
    checked: list[str] = []
    real_verify = module.verify_password

    def counting_verify(password: str, password_hash: str | None) -> bool:
        checked.append(password)
        time.sleep(0.05)
        return bool(real_verify(password, password_hash))

    monkeypatch.setattr(module, "verify_password", counting_verify)
    return checked


def _in_parallel(call: Callable[[int], Any]) -> list[int]:
    with ThreadPoolExecutor(max_workers=GUESSES) as pool:
        return sorted(response.status_code for response in pool.map(call, range(GUESSES)))


def test_forty_parallel_wrong_passwords_get_at_most_the_limit_checked(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], monkeypatch: pytest.MonkeyPatch) -> None:
    make_seller()
    checked = _count_hash_checks(monkeypatch, service)
    token = csrf_token(client)
    statuses = _in_parallel(lambda n: client.post("/login", data={
        "csrftoken": token, "email": "seller@example.ru", "password": f"wrong-{n}"}))
    assert len(checked) <= LIMIT
    assert statuses == [400] * len(checked) + [429] * (GUESSES - len(checked))


@pytest.mark.parametrize(("path", "field"), [("/profile/change-password", "current_password"),
                                             ("/profile/delete", "password")])
def test_a_signed_in_session_cannot_guess_its_password_in_parallel(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], monkeypatch: pytest.MonkeyPatch,
        path: str, field: str) -> None:
    make_seller()
    sign_in(client)
    checked = _count_hash_checks(monkeypatch, profile_views)
    token = csrf_token(client)
    statuses = _in_parallel(lambda n: client.post(path, data={
        "csrftoken": token, field: f"wrong-{n}", "password_confirm": f"wrong-{n}"}))
    assert len(checked) <= LIMIT
    assert statuses == [400] * len(checked) + [429] * (GUESSES - len(checked))
    page = submit(client, path, {field: "still-wrong-1", "password_confirm": "still-wrong-1"})
    assert page.status_code == 429 and "Слишком много" in page.text


def test_parallel_evotor_link_attempts_get_at_most_the_limit_checked(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVOTOR_WEBHOOK_SECRET", "evotor-app-secret-0001")
    get_settings.cache_clear()
    make_seller()
    checked = _count_hash_checks(monkeypatch, service)
    headers = {"Content-Type": "application/json", "Authorization": "Bearer evotor-app-secret-0001"}
    responses: list[Any] = []

    def guess(n: int) -> Any:
        response = client.post("/user/verify", headers=headers, content=json.dumps(
            {"userId": "01-000000000000001", "username": "seller@example.ru", "password": f"guess-{n}"}))
        responses.append(response)
        return response

    assert _in_parallel(guess) == [401] * GUESSES
    assert len(checked) <= LIMIT
    refused = [r for r in responses if "too many attempts" in r.json()["errors"][0].get("reason", "")]
    assert len(refused) == GUESSES - len(checked)
