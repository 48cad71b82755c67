"""What every emulated WB request goes through, as WB's API gateway does: faults, the token (raw, or after
"Bearer "), its category against the host, the seller's token bucket, then the method; and with
SANDBOX_VALIDATE_CONTRACT=1 the answer (and an accepted request's body) checked against WB's YAML."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from marketsync.sandbox import contract
from marketsync.sandbox.faults import gateway_failure, lost_write_response, wait_latency
from marketsync.sandbox.wildberries import errors, spec
from marketsync.sandbox.wildberries.limits import STOCKS
from marketsync.sandbox.wildberries.state import WbSeller

if TYPE_CHECKING:
    from marketsync.sandbox.state import SandboxState

SERVICE = "wildberries"
COMMON = "common"
MEDIA_TYPE = "application/json; charset=utf-8"
CONFLICT_EXTRA = 9  # a 409 of a seller-stock method counts as 10 requests, the first already taken
Action = Callable[[WbSeller], tuple[int, Any]]


class BadBody:
    """A request body that is not JSON (each host answers it in its own way)."""


def api_token(request: Request) -> str | None:
    """Return the token of `Authorization`: raw as the YAMLs' apiKey scheme says, or after "Bearer "."""
    value = request.headers.get("authorization", "").strip()
    if value[:7].lower() == "bearer ":
        value = value[7:].strip()
    return value or None


async def json_body(request: Request) -> Any:
    """Return the parsed JSON body, or a BadBody when it does not parse."""
    try:
        return json.loads(await request.body() or b"null")
    except ValueError:
        return BadBody()


def render(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    """Render a WB answer: 204 bare, else UTF-8 JSON with Cyrillic unescaped."""
    if status == 204:
        return Response(status_code=204, headers=headers)
    return Response(json.dumps(body, ensure_ascii=False).encode(), status_code=status, media_type=MEDIA_TYPE,
                    headers=headers)


async def serve(sandbox: SandboxState, request: Request, *, host: str, path: str, group: str, write: bool,
                action: Action, body: Any = None, bucket: str | None = None) -> Response:
    """Answer one request to `host` for the spec path `path`, limited by the seller's `group` limit (in its own
    bucket, or in `bucket` where one limit counts apart per host, like /ping's)."""
    wb = sandbox.wildberries
    origin = f"s2s-api-auth-{host}"
    sandbox.stats.record_request(SERVICE, f"{request.method} {path}", write=write)
    fault = sandbox.faults.draw(SERVICE, write=write)
    await wait_latency(sandbox.faults, SERVICE)
    if fault is not None and fault.kind == "429":
        limit = wb.limits.get(group)
        error = errors.too_many_requests(fault.retry_after, fault.retry_after, limit.burst if limit else 1, origin)
        return _checked(path, request.method, error.status, error.body, error.headers)
    if fault is not None and fault.kind not in ("lost_write", "lost_write_504"):
        failure = await gateway_failure(fault)
        if failure is not None:
            return failure
    seller: WbSeller | None = None
    headers: dict[str, str] = {}
    try:
        with wb.lock:
            token = api_token(request)
            grant = wb.token(token)
            if token is None:
                raise errors.unauthorized("empty Authorization header", origin)
            if grant is None:
                raise errors.unauthorized("token problem; token is malformed or withdrawn", origin)
            if host not in grant.categories and host != COMMON:  # the common host takes any token
                raise errors.unauthorized("token scope not allowed", origin)
            seller = wb.sellers[grant.seller_id]
            verdict = wb.buckets.hit((seller.id, bucket or group), wb.limits.get(group))
            if not verdict.allowed:
                sandbox.stats.record_limited(SERVICE)
                raise errors.too_many_requests(verdict.retry_s, verdict.reset_s, verdict.burst, origin)
            status, payload = action(seller)
    except errors.WbError as error:
        status, payload, headers = error.status, error.body, error.headers
        if status == 409 and group == STOCKS and seller is not None:
            wb.buckets.charge((seller.id, group), wb.limits.get(group), CONFLICT_EXTRA)
    if contract.validation_enabled() and status < 400:  # what we accepted, WB's spec must accept too
        spec.validate_query(path, request.method, dict(request.query_params))
        if body is not None and not isinstance(body, BadBody):
            spec.validate_request(path, request.method, body)
    response = _checked(path, request.method, status, payload, headers)
    if fault is not None and fault.kind in ("lost_write", "lost_write_504"):
        return lost_write_response(fault)
    return response


def _checked(path: str, method: str, status: int, payload: Any, headers: dict[str, str]) -> Response:
    if contract.validation_enabled():
        spec.validate_response(path, method, status, payload if status != 204 else None)
    return render(status, payload, headers)
