"""The HTTP face of the Ozon Seller API: POST + JSON on the real paths, the Client-Id/Api-Key headers, the
rate limits (50/s per Client-Id, 80/min for stock updates) answered 429 code 8 with Retry-After, request bodies
checked against the spec (400 code 3 like Ozon's gateway), faults, and every answer checked on demand.

Faults (`faults.configure("ozon", ...)`): "429" is Ozon's own rate-limit answer (HTTP 429, code 8, the
Retry-After asked), "http429" a bare gateway 429, "500"/"502"/"timeout" gateway failures, "lost_write" and
"lost_write_504" apply a write (a stock update, a product import, prices) and lose its answer.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from marketsync.sandbox import contract
from marketsync.sandbox.faults import gateway_failure, lost_write_response, wait_latency
from marketsync.sandbox.ozon import spec
from marketsync.sandbox.ozon.errors import OzonError, bad_request, circle_open, rate_limited
from marketsync.sandbox.ozon.operations import OPERATIONS, Operation, request_refusal
from marketsync.sandbox.ozon.operations_cards import settle
from marketsync.sandbox.state import SandboxState

SERVICE = "ozon"
MEDIA_TYPE = "application/json; charset=utf-8"
LOST = ("lost_write", "lost_write_504")
STOCK_UPDATE = "/v2/products/stocks"  # the one method with its own per-minute limit (80 a minute)


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    content = json.dumps(body, ensure_ascii=False).encode()
    return Response(content, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise bad_request("invalid character in request body: not JSON") from None
    if not isinstance(body, dict):
        raise bad_request("request body must be a JSON object")
    return body


def _request_problems(path: str, body: dict[str, Any]) -> list[str]:
    """Check a request body against the spec; without the spec files (a deployed demo) only when required."""
    try:
        return spec.ozon_spec().request_errors(path, body)
    except contract.SpecsNotFoundError:
        if contract.validation_enabled():
            raise
        return []


def ozon_router(sandbox: SandboxState) -> APIRouter:
    """Build the router serving `/ozon/...` from `sandbox`."""
    router = APIRouter(prefix="/ozon")
    ozon = sandbox.ozon

    def checked(path: str, status: int, body: Any) -> Any:
        if contract.validation_enabled():
            spec.check_response(path, body, status)
        return body

    async def serve(request: Request, path: str, operation: Operation, write: bool) -> Response:
        sandbox.stats.record_request(SERVICE, path, write=write)
        fault = sandbox.faults.draw(SERVICE, write=write)
        await wait_latency(sandbox.faults, SERVICE)
        if fault is not None and fault.kind == "429":
            error = rate_limited(fault.retry_after)
            return _json(429, checked(path, 429, error.body()), error.headers)
        if fault is not None and fault.kind not in LOST:
            failure = await gateway_failure(fault)
            if failure is not None:
                return failure
        raw = await request.body()
        try:
            with sandbox.lock:
                seller = ozon.authenticate(request.headers.get("client-id"), request.headers.get("api-key"))
                try:
                    ozon.count_request(seller, stock_update=path == STOCK_UPDATE)
                except OzonError:
                    sandbox.stats.record_limited(SERVICE)
                    raise
                if ozon.take_circle(path):
                    raise circle_open()
                body = _parse(raw)
                problems = _request_problems(path, body)
                if problems:
                    raise request_refusal(path, problems)
                settle(ozon, seller)  # product imports whose time has come show wherever Ozon shows products
                try:
                    answer = operation(ozon, seller, body)
                except (TypeError, ValueError, AttributeError, KeyError):
                    # A body of the wrong shape the spec check did not catch (specs absent): a gateway 400.
                    raise bad_request("invalid request body") from None
        except OzonError as error:
            return _json(error.status, checked(path, error.status, error.body()), error.headers)
        if fault is not None and fault.kind in LOST:
            return lost_write_response(fault)
        return _json(200, checked(path, 200, answer))

    def endpoint(path: str, operation: Operation, write: bool) -> Any:
        async def handle(request: Request) -> Response:
            return await serve(request, path, operation, write)

        handle.__doc__ = operation.__doc__
        return handle

    for path, (operation, write) in OPERATIONS.items():
        router.add_api_route(path, endpoint(path, operation, write), methods=["POST"])

    @router.api_route("/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def unknown(rest: str) -> Response:
        """Any other path or method: Ozon's 404 body."""
        return _json(404, {"code": 5, "message": "Not Found", "details": []})

    return router
