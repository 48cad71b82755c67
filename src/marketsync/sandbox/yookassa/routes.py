"""The HTTP face of YooKassa API v3 under /yookassa/v3 (Basic auth shopId:secretKey; POST needs an
Idempotence-Key of up to 64 characters and is de-duplicated by it; errors in YooKassa's JSON shape), the
stand-in checkout widget (/yookassa/checkout-widget/v1/checkout-widget.js and the /yookassa/checkout/<token>/
pay|decline endpoints it drives), and /_control/yookassa (shops, notification faults, paying a payment).

Faults (service "yookassa"): "500" answers YooKassa's internal_server_error before doing anything; "lost_write"
/ "lost_write_504" do the write (and remember it under its key) and then answer that 500, so the client cannot
know; "429" / "http429" answer too_many_requests with Retry-After; "502" and "timeout" are gateway failures."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Body, Request
from starlette.responses import JSONResponse, Response

from marketsync.sandbox.faults import gateway_failure, wait_latency
from marketsync.sandbox.state import SandboxState
from marketsync.sandbox.yookassa.state import YooKassaError
from marketsync.sandbox.yookassa.widget import WIDGET_JS
from marketsync.sandbox.yookassa.wire import amount_of, check_payment

SERVICE = "yookassa"
KEY_MAX = 64


def _error(error: YooKassaError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status, headers=headers)


def _shop(request: Request, sandbox: SandboxState) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    try:
        shop_id, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        shop_id, secret = "", ""
    if scheme.lower() != "basic" or not sandbox.yookassa.authenticate(shop_id, secret):
        raise YooKassaError(401, "invalid_credentials",
                            "Login or password is incorrect. Check the shopId and secret key")
    return shop_id


async def _body(request: Request) -> Any:
    try:
        return json.loads(await request.body() or b"null")
    except ValueError:
        raise YooKassaError(400, "invalid_request", "Request body is not valid JSON") from None


async def _fault_answer(sandbox: SandboxState, *, write: bool) -> tuple[Response | None, bool]:
    """Return (an answer that replaces the real one, whether the write goes through first and then fails)."""
    await wait_latency(sandbox.faults, SERVICE)
    fault = sandbox.faults.draw(SERVICE, write=write)
    if fault is None:
        return None, False
    if fault.kind in ("lost_write", "lost_write_504"):
        return None, True
    if fault.kind == "500":
        return _error(YooKassaError(500, "internal_server_error", "Internal server error")), False
    if fault.kind in ("429", "http429"):
        return _error(YooKassaError(429, "too_many_requests", "Too many requests"),
                      {"Retry-After": str(fault.retry_after)}), False
    return await gateway_failure(fault), False


async def _post(request: Request, sandbox: SandboxState, act: Callable[[str, Any], dict[str, Any]]) -> Response:
    """A POST as YooKassa serves it: auth, Idempotence-Key, a repeat answered from memory, faults, the write."""
    try:
        shop_id = _shop(request, sandbox)
        key = request.headers.get("idempotence-key", "")
        if not key or len(key) > KEY_MAX:
            raise YooKassaError(400, "invalid_request", "Idempotence-Key header must hold 1 to 64 characters",
                                "Idempotence-Key")
        body = await _body(request)
        replaced, lost = await _fault_answer(sandbox, write=True)
        if replaced is not None:
            return replaced
        with sandbox.lock:  # two concurrent repeats of one key: the second waits and gets the first's answer
            earlier = sandbox.yookassa.remembered(shop_id, key, body)
            if earlier is None:
                answer = act(shop_id, body)
                sandbox.yookassa.remember(shop_id, key, body, 200, answer)
            else:
                answer = earlier.body
        if lost:
            return _error(YooKassaError(500, "internal_server_error", "Internal server error"))
        return JSONResponse(answer)
    except YooKassaError as error:
        return _error(error)


async def _get(request: Request, sandbox: SandboxState, read: Callable[[str], dict[str, Any]]) -> Response:
    try:
        shop_id = _shop(request, sandbox)
        replaced, _lost = await _fault_answer(sandbox, write=False)
        return replaced or JSONResponse(read(shop_id))
    except YooKassaError as error:
        return _error(error)


def yookassa_router(sandbox: SandboxState) -> APIRouter:
    """Build the /yookassa and /_control/yookassa routes over the sandbox's state."""
    router = APIRouter()
    state = sandbox.yookassa

    @router.post("/yookassa/v3/payments")
    async def create_payment(request: Request) -> Response:
        """POST /payments."""
        return await _post(request, sandbox, lambda shop, body: state.create_payment(shop, body, check_payment(body)))

    @router.get("/yookassa/v3/payments/{payment_id}")
    async def get_payment(request: Request, payment_id: str) -> Response:
        """GET /payments/{id}."""
        return await _get(request, sandbox, lambda shop: state.payment(shop, payment_id))

    @router.post("/yookassa/v3/payments/{payment_id}/capture")
    async def capture(request: Request, payment_id: str) -> Response:
        """POST /payments/{id}/capture."""
        return await _post(request, sandbox, lambda shop, _body: state.capture(shop, payment_id))

    @router.post("/yookassa/v3/payments/{payment_id}/cancel")
    async def cancel(request: Request, payment_id: str) -> Response:
        """POST /payments/{id}/cancel."""
        return await _post(request, sandbox, lambda shop, _body: state.cancel(shop, payment_id))

    def _refund(shop: str, body: Any) -> dict[str, Any]:
        payment_id = body.get("payment_id") if isinstance(body, dict) else None
        if not isinstance(payment_id, str) or not payment_id:
            raise YooKassaError(400, "invalid_request", "Missing required parameter payment_id", "payment_id")
        return state.create_refund(shop, payment_id, amount_of(body), body.get("description"))

    @router.post("/yookassa/v3/refunds")
    async def create_refund(request: Request) -> Response:
        """POST /refunds."""
        return await _post(request, sandbox, _refund)

    @router.get("/yookassa/v3/refunds/{refund_id}")
    async def get_refund(request: Request, refund_id: str) -> Response:
        """GET /refunds/{id}."""
        return await _get(request, sandbox, lambda shop: state.refund(shop, refund_id))

    @router.get("/yookassa/checkout-widget/v1/checkout-widget.js")
    def widget_script() -> Response:
        """The stand-in checkout widget's script."""
        return Response(WIDGET_JS, media_type="application/javascript; charset=utf-8")

    @router.post("/yookassa/checkout/{token}/{action}")
    def checkout(token: str, action: str) -> Response:
        """What the widget's buttons do: pay or decline the payment behind the confirmation token."""
        # The widget runs on the shop's page, another origin: the answer must be readable there (CORS).
        cors = {"Access-Control-Allow-Origin": "*"}
        if action not in ("pay", "decline"):
            return _error(YooKassaError(404, "not_found", "Unknown action"), cors)
        try:
            return JSONResponse(state.pay(token) if action == "pay" else state.decline(token), headers=cors)
        except YooKassaError as error:
            return _error(error, cors)

    @router.post("/_control/yookassa/shops")
    def add_shop(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Register a shop: {"shop_id", "secret_key", "webhook_url"}."""
        state.add_shop(str(body["shop_id"]), str(body["secret_key"]), body.get("webhook_url"))
        return {"ok": True}

    @router.post("/_control/yookassa/notifications")
    def notifications(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Set notification timing and faults: delay_s, retry_s, max_attempts, duplicates, out_of_order..."""
        return state.notifier.configure(**body)

    @router.get("/_control/yookassa/notifications")
    def deliveries() -> dict[str, Any]:
        """Return the notification settings, the queue's length and every delivery attempt."""
        return state.notifier.snapshot()

    @router.get("/_control/yookassa/payments")
    def payments() -> dict[str, Any]:
        """Return every payment of every shop (for tests and the demo)."""
        with sandbox.lock:
            return {"payments": [state.wire(p) for p in state.payments.values()],
                    "refunds": list(state.refunds.values()), "total": str(sum(
                        (Decimal(p["amount"]["value"]) for p in state.payments.values()), Decimal(0)))}

    return router
