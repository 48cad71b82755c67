"""GET /metrics for Prometheus, never public: basic auth (METRICS_USER / METRICS_PASSWORD, compared in constant
time) when both are set, else only clients inside METRICS_ALLOWED_NETWORKS; and the middleware timing every
web request and naming it with a request id (X-Request-ID, also on every log line of the request)."""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
import logging
import time
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marketsync import metrics
from marketsync.db import session_scope
from marketsync.logs import bind_context, reset_context
from marketsync.notifications import service as notifications
from marketsync.settings import Settings, get_settings

router = APIRouter(tags=["metrics"], include_in_schema=False)
log = logging.getLogger(__name__)
REQUEST_ID_HEADER = "x-request-id"


def _credentials_match(header: str, settings: Settings) -> bool:
    """Whether an Authorization header carries METRICS_USER:METRICS_PASSWORD (constant time, both parts)."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        user, _, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    # Both compared, always: an early exit on the user would tell a prober which user exists.
    user_ok = hmac.compare_digest(user.encode(), settings.METRICS_USER.encode())
    password_ok = hmac.compare_digest(password.encode(), settings.METRICS_PASSWORD.encode())
    return user_ok and password_ok


def _from_allowed_network(host: str | None, settings: Settings) -> bool:
    """Whether the client's address (after uvicorn's trusted-proxy rewrite) is in METRICS_ALLOWED_NETWORKS."""
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return False
    networks = [ipaddress.ip_network(item.strip(), strict=False)
                for item in settings.METRICS_ALLOWED_NETWORKS.split(",") if item.strip()]
    return any(address in network for network in networks)


def allowed(request: Request, settings: Settings) -> bool:
    """Whether this request may read the metrics."""
    if settings.METRICS_USER and settings.METRICS_PASSWORD:
        return _credentials_match(request.headers.get("authorization", ""), settings)
    return _from_allowed_network(request.client.host if request.client else None, settings)


def _database_gauges() -> dict[str, tuple[str, str, dict[str, float]]]:
    """Read the gauges that live in the database; none when it does not answer (the scrape still succeeds)."""
    try:
        with session_scope() as session:
            depth = notifications.outbox_depth(session)
    except Exception:
        log.warning("metrics: the database did not answer for the outbox depth", exc_info=True)
        return {}
    return {"marketsync_outbox_depth": ("Notifications waiting in the outbox (overdue: due 5+ minutes ago).",
                                        "state", depth)}


@router.get("/metrics")
def metrics_page(request: Request) -> Response:
    """Expose every process's metrics in Prometheus' text format, to allowed scrapers only."""
    settings = get_settings()
    if not allowed(request, settings):
        if settings.METRICS_USER and settings.METRICS_PASSWORD:
            return Response("authentication required\n", status_code=401, media_type="text/plain",
                            headers={"WWW-Authenticate": 'Basic realm="metrics"'})
        return Response("forbidden\n", status_code=403, media_type="text/plain")
    return Response(metrics.render(_database_gauges()), media_type=metrics.CONTENT_TYPE_LATEST)


class RequestMetricsMiddleware:
    """Time each HTTP request by its route template, and give it a request id for the logs and the answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request inside its request id; record method, route, status and seconds when it ends."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        # A caller's id is kept only when it looks like one (a proxy's), so a log line cannot be forged through it.
        request_id = incoming if incoming and len(incoming) <= 64 and incoming.replace("-", "").isalnum() \
            else uuid.uuid4().hex
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            """Note the status and name the request id in the answer."""
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).setdefault(REQUEST_ID_HEADER, request_id)
            await send(message)

        scope.setdefault("state", {})
        token = bind_context(request_id=request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            reset_context(token)
            metrics.observe_http_request(scope["method"], route_template(scope), status,
                                         time.perf_counter() - started)


def note_route(request: Request) -> None:
    """Keep the matched route's template where the middleware reads it (an app-wide dependency): the state dict
    is shared by every copy of the scope the middleware between us and the router may make."""
    route = request.scope.get("route")
    if route is not None:
        request.state.route_template = getattr(route, "path", None)


def route_template(scope: Scope) -> str:
    """Name a request by its route's path template, never its path (ids in paths would make a time series per
    product): "/static" and "/sandbox" for the mounts, "unmatched" for a 404."""
    noted = (scope.get("state") or {}).get("route_template")
    if noted:
        return str(noted)
    return next((prefix for prefix in ("/static", "/sandbox") if scope["path"].startswith(prefix + "/")),
                "unmatched")
