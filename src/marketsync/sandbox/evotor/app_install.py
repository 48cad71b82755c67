"""The Evotor cloud's side of installing a partner app, driven from the control API.

When a seller installs an app in the Evotor market, the cloud calls the partner's webhooks with
`Authorization: Bearer <the app token set in the developer console>` and gives up after 10 s
(documentation-api/paths.yaml, "Вебхуки-запросы"): `/user/create` (or `/user/verify` when the seller says they
already have an account), then it issues a cloud token for that user and delivers it with `/user/token`.

- `POST /evotor/_control/install` `{"partner_url", "app_token", "user_id"?, "fields"?, "username"?,
  "password"?}` does exactly that. The cloud token it issues is accepted by this sandbox's Evotor API and
  reads the user's stores: a seeded user's catalog, or a small starter store made for a new user.
  Without `user_id` the seeded demo user is used (or 01-000000000000001 when nothing was seeded).
- `POST /evotor/_control/verify` `{"partner_url", "app_token", "user_id"?, "username", "password"}` only calls
  `/user/verify`.

Both answer `{"ok", "user_id", "calls": [{"path", "request", "status", "body", "error", "problem"}], ...}`.
Like every /_control route this exists only where the sandbox is mounted (tests, demo mode), never in production.
"""

from __future__ import annotations

import re
import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
from fastapi import APIRouter, Body, HTTPException

if TYPE_CHECKING:
    from marketsync.sandbox.state import SandboxState

USER_ID = re.compile(r"^[0-9]{2}-[0-9]{15}\Z")  # definitions.yaml#/userId
DEFAULT_USER_ID = "01-000000000000001"
TIMEOUT_SECONDS = 10.0  # the cloud waits this long for a webhook's answer
TOKEN_MAX = 128  # the partner's token, paths.yaml
STARTER_GROUPS = {
    "Напитки": [("Кофе американо", "150.00"), ("Чай чёрный", "90.00"), ("Морс клюквенный", "120.00")],
    "Выпечка": [("Круассан", "110.00"), ("Пирожок с капустой", "60.00")],
}


def app_install_router(sandbox: SandboxState) -> APIRouter:
    """Build the router serving `/_control/install` and `/_control/verify` under the Evotor emulator."""
    router = APIRouter(prefix="/_control")

    @router.post("/install")
    async def install(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Install the app for an Evotor user: /user/create (or /user/verify), a cloud token, /user/token."""
        partner_url, app_token, user_id = _target(sandbox, body)
        fields = body.get("fields") or {}
        if not isinstance(fields, dict):
            raise HTTPException(400, "fields must be an object")
        username, password = body.get("username"), body.get("password")
        async with _client() as client:
            if username is not None or password is not None:
                first = await _call(client, partner_url, app_token, "/user/verify",
                                    {**fields, "userId": user_id, "username": username, "password": password})
            else:
                first = await _call(client, partner_url, app_token, "/user/create", {**fields, "userId": user_id})
            if not _accepted(first, user_id):
                return {"ok": False, "user_id": user_id, "calls": [first]}
            cloud_token = issue_cloud_token(sandbox, user_id)
            second = await _call(client, partner_url, app_token, "/user/token",
                                 {"userId": user_id, "token": cloud_token})
        return {"ok": second["status"] == 200, "user_id": user_id, "cloud_token": cloud_token,
                "partner_token": first["body"]["token"], "calls": [first, second]}

    @router.post("/verify")
    async def verify(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Call only the partner's /user/verify with the seller's username and password."""
        partner_url, app_token, user_id = _target(sandbox, body)
        async with _client() as client:
            call = await _call(client, partner_url, app_token, "/user/verify",
                               {"userId": user_id, "username": body.get("username"),
                                "password": body.get("password")})
        return {"ok": _accepted(call, user_id), "user_id": user_id, "calls": [call]}

    return router


def issue_cloud_token(sandbox: SandboxState, user_id: str) -> str:
    """Issue a new cloud token for an Evotor user; a user with no store gets a small starter catalog."""
    evotor = sandbox.evotor
    with sandbox.lock:
        token = evotor.new_id()  # the real cloud's tokens are UUIDs too
        evotor.add_token(token, user_id)
        if not evotor.stores(token):
            store_id = evotor.add_store(token, f"Магазин {user_id[-4:]}", "Россия, Москва, ул. Тверская, д. 1")
            for group_name, products in STARTER_GROUPS.items():
                group_id = evotor.add_group(token, store_id, group_name)
                for name, price in products:
                    evotor.add_product(token, store_id, name=name, price=Decimal(price), measure_name="шт",
                                       type="NORMAL", tax="NO_VAT", allow_to_sell=True, quantity=10,
                                       parent_id=group_id)
        return token


def _target(sandbox: SandboxState, body: dict[str, Any]) -> tuple[str, str, str]:
    partner_url = body.get("partner_url")
    if not isinstance(partner_url, str) or not re.match(r"^https?://[^/\s]+", partner_url):
        raise HTTPException(400, "partner_url must be an http(s) URL such as http://127.0.0.1:8000")
    app_token = body.get("app_token")
    if not isinstance(app_token, str) or not app_token:
        raise HTTPException(400, "app_token (the partner's webhook secret) is required")
    user_id = body.get("user_id") or _seeded_user(sandbox) or DEFAULT_USER_ID
    if not isinstance(user_id, str) or not USER_ID.match(user_id):
        raise HTTPException(400, "user_id must look like 01-000000000000001")
    return partner_url.rstrip("/"), app_token, user_id


def _seeded_user(sandbox: SandboxState) -> str | None:
    # The demo user of /_control/seed, so a demo installation links the catalog the sandbox already holds.
    return next((user for user in sandbox.evotor.tokens().values() if USER_ID.match(user)), None)


def _client() -> httpx.AsyncClient:
    # trust_env=False: a proxy configured for the machine must not sit between the cloud and the partner.
    return httpx.AsyncClient(timeout=TIMEOUT_SECONDS, trust_env=False, follow_redirects=False)


async def _call(client: httpx.AsyncClient, partner_url: str, app_token: str, path: str,
                payload: dict[str, Any]) -> dict[str, Any]:
    """POST one webhook as the cloud does and describe the exchange (the password masked)."""
    shown = {key: ("***" if key == "password" and value is not None else value) for key, value in payload.items()}
    call: dict[str, Any] = {"path": path, "request": shown, "status": None, "body": None, "error": None}
    started = time.monotonic()
    try:
        response = await client.post(partner_url + path, json=payload,
                                     headers={"Authorization": f"Bearer {app_token}",
                                              "Accept": "application/json"})
    except httpx.TimeoutException:
        call["error"] = f"no answer within {TIMEOUT_SECONDS:g} s"
    except httpx.HTTPError as error:
        call["error"] = f"{type(error).__name__}: {error}"
    else:
        call["status"] = response.status_code
        try:
            call["body"] = response.json() if response.content else None
        except ValueError:
            call["body"] = response.text[:2000]
    call["duration_ms"] = round((time.monotonic() - started) * 1000)
    return call


def _accepted(call: dict[str, Any], user_id: str) -> bool:
    """Whether the cloud accepts a /user/create or /user/verify answer (200 with {userId, token ≤ 128})."""
    if call["status"] != 200:
        return False
    body = call["body"]
    problem = None
    if not isinstance(body, dict) or body.get("userId") != user_id:
        problem = "the answer must be a JSON object with the same userId"
    elif not isinstance(body.get("token"), str) or not 0 < len(body["token"]) <= TOKEN_MAX:
        problem = f"the answer's token must be a string of 1 to {TOKEN_MAX} characters"
    elif call["path"] == "/user/verify" and not isinstance(body.get("hasBilling"), bool):
        problem = "the answer to /user/verify must carry hasBilling (true or false)"
    if problem:
        call["problem"] = problem
    return problem is None
