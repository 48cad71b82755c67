"""WB's error answers: the API gateway's envelope (401, 429), marketplace {code, message} (400, 403, 404, 406),
the 409 array naming refused stocks, content {data, error, errorText, additionalErrors}, statistics {errors}."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

STATUS_TEXT = {401: "Unauthorized", 429: "Too Many Requests"}


class WbError(Exception):
    """A refusal of the emulated WB: HTTP status, JSON body and extra headers."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}


def gateway(status: int, title: str, detail: str, origin: str) -> dict[str, Any]:
    """Return the gateway envelope {title, detail, code, requestId, origin, status, statusText, timestamp}."""
    return {
        "title": title,
        "detail": detail,
        "code": f"{secrets.token_hex(4)}-{secrets.token_hex(6)}-[UK-{secrets.token_urlsafe(9)}]",
        "requestId": secrets.token_hex(16),
        "origin": origin,
        "status": status,
        "statusText": STATUS_TEXT.get(status, ""),
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def unauthorized(detail: str, origin: str) -> WbError:
    """Return the 401 for a missing, malformed, revoked or out-of-scope token."""
    return WbError(401, gateway(401, "unauthorized", detail, origin))


def too_many_requests(retry_s: int, reset_s: int, burst: int, origin: str) -> WbError:
    """Return the 429 with WB's rate headers (X-Ratelimit-Retry: seconds to wait; -Reset: until the burst is
    whole; -Limit: the burst), as WB's rate-limit article describes them."""
    headers = {"X-Ratelimit-Retry": str(retry_s), "X-Ratelimit-Reset": str(reset_s), "X-Ratelimit-Limit": str(burst)}
    return WbError(429, gateway(429, "too many requests", f"limited by {origin}", origin), headers)


def marketplace(status: int, code: str, message: str = "") -> WbError:
    """Return a marketplace error {code, message} (02-products.yaml `Error`)."""
    return WbError(status, {"code": code, "message": message})


def incorrect_body() -> WbError:
    """Return 400 IncorrectRequestBody (a body that is no JSON object of the documented shape)."""
    return marketplace(400, "IncorrectRequestBody", "Incorrect required body")


def incorrect_request() -> WbError:
    """Return 400 IncorrectRequest (values out of the documented range, e.g. more than 1000 stocks)."""
    return marketplace(400, "IncorrectRequest", "Переданы некорректные данные")


def content(status: int, text: str) -> WbError:
    """Return a content-host error {data, error, errorText, additionalErrors}."""
    return WbError(status, {"data": None, "error": True, "errorText": text, "additionalErrors": None})


def statistics(errors: list[str] | str) -> WbError:
    """Return a statistics 400 {errors} (a list, or one string: both shapes are documented)."""
    return WbError(400, {"errors": errors})
