"""The HTTP face of the Evotor cloud v2: paths, token headers, cursor paging, rate limit and error bodies."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from marketsync.sandbox import contract
from marketsync.sandbox.evotor.app_install import app_install_router
from marketsync.sandbox.evotor.errors import SYNTAX_ERROR, TOO_MANY_REQUESTS, EvotorError, unauthorized
from marketsync.sandbox.evotor.fields import parse_product_fields
from marketsync.sandbox.evotor.wire import group_to_wire, page, product_to_wire, store_to_wire
from marketsync.sandbox.faults import gateway_failure, lost_write_response, wait_latency
from marketsync.sandbox.ratelimit import RateDecision
from marketsync.sandbox.state import SandboxState

MEDIA_TYPE = "application/json; charset=utf-8"
# (token) -> (status, body); raises EvotorError for the cloud's refusals.
Action = Callable[[str], tuple[int, Any]]


def cloud_token(request: Request) -> str | None:
    """Return the cloud token from `Authorization: Bearer` (current docs) or `X-Authorization` (SDK, v1)."""
    authorization = request.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer " and authorization[7:].strip():
        return authorization[7:].strip()
    return request.headers.get("x-authorization", "").strip() or None


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    if status == 204:
        return Response(status_code=204, headers=headers)
    content = json.dumps(body, ensure_ascii=False).encode()
    return Response(content, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _rate_headers(decision: RateDecision) -> dict[str, str]:
    if not decision.limit:
        return {}
    return {
        "X-RateLimit-Limit": str(decision.limit),
        "X-RateLimit-Remaining": str(decision.remaining),
        "X-RateLimit-Reset": str(decision.reset_s),
    }


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError:
        raise EvotorError(400, SYNTAX_ERROR, "malformed json") from None
    if not isinstance(body, dict):
        raise EvotorError(400, SYNTAX_ERROR, "expected a json object")
    return body


def evotor_router(sandbox: SandboxState) -> APIRouter:
    """Build the router serving `/evotor/...` from `sandbox`."""
    router = APIRouter(prefix="/evotor")
    evotor = sandbox.evotor

    async def serve(request: Request, operation: str, write: bool, action: Action, kind: str) -> Response:
        sandbox.stats.record_request("evotor", operation, write=write)
        fault = sandbox.faults.draw("evotor", write=write)
        await wait_latency(sandbox.faults, "evotor")
        if fault is not None and fault.kind == "429":
            error = EvotorError(429, TOO_MANY_REQUESTS, "too many requests")
            return _json(429, error.body(), {"Retry-After": str(fault.retry_after)})
        if fault is not None and fault.kind not in ("lost_write", "lost_write_504"):
            failure = await gateway_failure(fault)
            if failure is not None:
                return failure
        token = cloud_token(request)
        headers: dict[str, str] = {}
        try:
            with sandbox.lock:
                if token is None or evotor.user_id_for(token) is None:
                    raise unauthorized()
                decision = sandbox.evotor_limiter.hit(token, evotor.rate_limit)
                headers = _rate_headers(decision)
                if not decision.allowed:
                    headers["Retry-After"] = "1"
                    raise EvotorError(429, TOO_MANY_REQUESTS, "too many requests")
                status, body = action(token)
        except EvotorError as error:
            return _json(error.status, _checked("error", error.body()), headers)
        if fault is not None and fault.kind in ("lost_write", "lost_write_504"):
            return lost_write_response(fault)
        return _json(status, _checked(kind, body) if body is not None else None, headers)

    def listing(
        items: list[Any], cursor: str | None, render: Callable[[Any], dict[str, Any]], key: Any = None
    ) -> tuple[int, dict[str, Any]]:
        chunk, paging = page(items, cursor, max(1, evotor.page_size), key)
        return 200, {"items": [render(item) for item in chunk], "paging": paging}

    @router.get("/stores")
    async def list_stores(request: Request, cursor: str | None = None) -> Response:
        """GET /stores: the user's stores."""
        return await serve(
            request,
            "GET /stores",
            False,
            lambda t: listing(evotor.stores(t), cursor, store_to_wire),
            "stores",
        )

    @router.get("/stores/{store_id}/product-groups")
    async def list_groups(request: Request, store_id: str, cursor: str | None = None) -> Response:
        """GET /stores/{store_id}/product-groups: the store's groups (402 if unpaid)."""
        return await serve(
            request,
            "GET /stores/{store_id}/product-groups",
            False,
            lambda t: listing(evotor.groups(t, store_id), cursor, group_to_wire),
            "groups",
        )

    @router.get("/stores/{store_id}/products")
    async def list_products(request: Request, store_id: str, cursor: str | None = None) -> Response:
        """GET /stores/{store_id}/products: one page of the store's products (402 if unpaid)."""
        return await serve(
            request,
            "GET /stores/{store_id}/products",
            False,
            lambda t: listing(evotor.products(t, store_id), cursor, product_to_wire, lambda p: p.seq),
            "products",
        )

    @router.get("/stores/{store_id}/products/{product_id}")
    async def get_product(request: Request, store_id: str, product_id: str) -> Response:
        """GET /stores/{store_id}/products/{product_id}: one product."""
        return await serve(
            request,
            "GET /stores/{store_id}/products/{product_id}",
            False,
            lambda t: (200, product_to_wire(evotor.product(t, store_id, product_id))),
            "product",
        )

    @router.post("/stores/{store_id}/products")
    async def create_product(request: Request, store_id: str) -> Response:
        """POST /stores/{store_id}/products: create one product from a JSON object."""
        body = await _safe_body(request)

        def action(token: str) -> tuple[int, Any]:
            fields = parse_product_fields(_ok(body), partial=False)
            product_id = evotor.add_product(token, store_id, **fields)
            return 201, product_to_wire(evotor.product(token, store_id, product_id))

        return await serve(request, "POST /stores/{store_id}/products", True, action, "product")

    @router.patch("/stores/{store_id}/products/{product_id}")
    async def patch_product(request: Request, store_id: str, product_id: str) -> Response:
        """PATCH /stores/{store_id}/products/{product_id}: change some fields, bump updated_at."""
        body = await _safe_body(request)

        def action(token: str) -> tuple[int, Any]:
            fields = parse_product_fields(_ok(body), partial=True)
            return 200, product_to_wire(evotor.update_product(token, store_id, product_id, **fields))

        return await serve(request, "PATCH /stores/{store_id}/products/{product_id}", True, action, "product")

    @router.put("/stores/{store_id}/products/{product_id}")
    async def put_product(request: Request, store_id: str, product_id: str) -> Response:
        """PUT /stores/{store_id}/products/{product_id}: replace the product's writable fields."""
        body = await _safe_body(request)

        def action(token: str) -> tuple[int, Any]:
            fields = parse_product_fields(_ok(body), partial=False)
            return 200, product_to_wire(evotor.replace_product(token, store_id, product_id, **fields))

        return await serve(request, "PUT /stores/{store_id}/products/{product_id}", True, action, "product")

    @router.delete("/stores/{store_id}/products/{product_id}")
    async def delete_product(request: Request, store_id: str, product_id: str) -> Response:
        """DELETE /stores/{store_id}/products/{product_id}: remove the product (204)."""

        def action(token: str) -> tuple[int, Any]:
            evotor.delete_product(token, store_id, product_id)
            return 204, None

        return await serve(
            request, "DELETE /stores/{store_id}/products/{product_id}", True, action, "product"
        )

    # /evotor/_control/install|verify: the cloud calling a partner's app webhooks (never counted or faulted).
    router.include_router(app_install_router(sandbox))
    return router


def _checked(kind: str, body: Any) -> Any:
    if contract.validation_enabled():
        contract.validate_evotor(kind, body)
    return body


async def _safe_body(request: Request) -> dict[str, Any] | EvotorError:
    # Read before auth so the body is consumed once; a bad body is reported only after the token checks.
    try:
        return await _json_body(request)
    except EvotorError as error:
        return error


def _ok(body: dict[str, Any] | EvotorError) -> dict[str, Any]:
    if isinstance(body, EvotorError):
        raise body
    return body
