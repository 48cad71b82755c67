"""The HTTP face of the sandbox Casdoor under /casdoor/api (CONTRACTS.md §8): get-user, get-users, add-user and
update-user (with the `columns` query), authenticated as an application by HTTP Basic clientId:clientSecret or
the clientId / clientSecret query, answering Casdoor's envelope — errors too with HTTP 200, `status: "error"`.
/_control/casdoor adds applications and switches the "older Casdoor" mode that refuses balance writes.

Faults (service "casdoor"): "500"/"502"/"timeout" are gateway failures before anything is done; "lost_write"
does the write and then answers 502."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from marketsync.sandbox.casdoor.state import App, CasdoorError
from marketsync.sandbox.faults import gateway_failure, lost_write_response, wait_latency
from marketsync.sandbox.state import SandboxState

SERVICE = "casdoor"


def _ok(data: Any) -> JSONResponse:
    return JSONResponse({"status": "ok", "msg": "", "data": data, "data2": None})


def _error(message: str) -> JSONResponse:
    return JSONResponse({"status": "error", "msg": message, "data": None, "data2": None})


def _app(request: Request, sandbox: SandboxState) -> App:
    client_id = request.query_params.get("clientId", "")
    secret = request.query_params.get("clientSecret", "")
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            client_id, secret = "", ""
    app = sandbox.casdoor.authenticate(client_id, secret)
    if app is None:
        raise CasdoorError("auth:Unauthorized operation")
    return app


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError:
        raise CasdoorError("general:Invalid JSON body") from None
    if not isinstance(body, dict):
        raise CasdoorError("general:Invalid JSON body")
    return body


async def _fault(sandbox: SandboxState, *, write: bool) -> tuple[Response | None, bool]:
    await wait_latency(sandbox.faults, SERVICE)
    fault = sandbox.faults.draw(SERVICE, write=write)
    if fault is None:
        return None, False
    if fault.kind in ("lost_write", "lost_write_504"):
        return None, True
    return await gateway_failure(fault), False


def casdoor_router(sandbox: SandboxState) -> APIRouter:
    """Build the /casdoor routes over `sandbox`."""
    router = APIRouter(include_in_schema=False)
    state = sandbox.casdoor

    @router.get("/casdoor/api/get-user")
    async def get_user(request: Request) -> Response:
        failed, _lost = await _fault(sandbox, write=False)
        if failed is not None:
            return failed
        try:
            app = _app(request, sandbox)
            user_id = request.query_params.get("id") or ""
            if not user_id:
                owner = request.query_params.get("owner") or app.organization
                email = request.query_params.get("email")
                found = [u for u in state.of_owner(owner) if email and u.get("email") == email]
                return _ok(found[0] if found else None)
            if user_id.partition("/")[0] != app.organization:
                raise CasdoorError("auth:Unauthorized operation")
            return _ok(state.get(user_id))
        except CasdoorError as exc:
            return _error(str(exc))

    @router.get("/casdoor/api/get-users")
    async def get_users(request: Request) -> Response:
        failed, _lost = await _fault(sandbox, write=False)
        if failed is not None:
            return failed
        try:
            app = _app(request, sandbox)
            owner = request.query_params.get("owner") or ""
            if owner != app.organization:
                raise CasdoorError("auth:Unauthorized operation")
            return _ok(state.of_owner(owner))
        except CasdoorError as exc:
            return _error(str(exc))

    @router.post("/casdoor/api/add-user")
    async def add_user(request: Request) -> Response:
        failed, lost = await _fault(sandbox, write=True)
        if failed is not None:
            return failed
        try:
            answer = _ok(state.add(_app(request, sandbox), await _body(request)))
        except CasdoorError as exc:
            answer = _error(str(exc))
        return lost_write_response() if lost else answer

    @router.post("/casdoor/api/update-user")
    async def update_user(request: Request) -> Response:
        failed, lost = await _fault(sandbox, write=True)
        if failed is not None:
            return failed
        columns = [c.strip() for c in (request.query_params.get("columns") or "").split(",") if c.strip()]
        try:
            answer = _ok(state.update(_app(request, sandbox), request.query_params.get("id") or "",
                                      await _body(request), columns))
        except CasdoorError as exc:
            answer = _error(str(exc))
        return lost_write_response() if lost else answer

    @router.post("/_control/casdoor/apps")
    async def control_app(request: Request) -> Response:
        body = await request.json()
        app = state.add_app(str(body["client_id"]), str(body["client_secret"]), str(body["organization"]),
                            str(body.get("application") or "app"))
        return JSONResponse({"client_id": app.client_id, "organization": app.organization})

    @router.post("/_control/casdoor/legacy")
    async def control_legacy(request: Request) -> Response:
        state.refuse_balance = bool((await request.json()).get("refuse_balance"))
        return JSONResponse({"refuse_balance": state.refuse_balance})

    return router
