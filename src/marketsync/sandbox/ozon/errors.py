"""Ozon's error answers: an HTTP status and an `rpcStatus` body `{code, message, details}` (gRPC codes).

The spec declares 400/403/404/409/500 with rpcStatus but not which status each global error takes; the
statuses and texts below are what clients and emulators that probed the live API record (code search): a
wrong key 404/5, missing headers 401/16, a non-numeric Client-Id 400/3, the rate limit 429/8 with
`Retry-After` (headers seen since 2026). "Circle is open" as 400/3 and a deactivated key as 403/7 are
guesses [UNCONFIRMED]; "403 Offer not signed" is in the spec's "Getting started".
"""

from __future__ import annotations

from typing import Any

INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, RESOURCE_EXHAUSTED, INTERNAL, UNAUTHENTICATED = 3, 5, 7, 8, 13, 16
INVALID_KEY = "Invalid Api-Key, please check the key and try again"
DEACTIVATED_KEY = "Api-key is deactivated, use another one or generate a new one"
MISSING_ROLE = "Api-Key is missing a required role for a method"
IP_RESTRICTED = "Api-Key is restricted to specific IP addresses"
OFFER_NOT_SIGNED = "Offer not signed"
RATE_LIMIT = "You have reached request rate limit per second"
CIRCLE_OPEN = "Circle is open"
KEY_REFUSALS = (DEACTIVATED_KEY, MISSING_ROLE, IP_RESTRICTED)


class OzonError(Exception):
    """A request the emulated Ozon refuses as a whole."""

    def __init__(self, status: int, code: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """Return the rpcStatus body Ozon sends with this error."""
        return {"code": self.code, "message": self.message, "details": []}


def bad_request(message: str) -> OzonError:
    """Return the 400 Ozon's gateway gives a request it cannot accept (a field's type, a limit, a maximum)."""
    return OzonError(400, INVALID_ARGUMENT, message)


def missing_headers() -> OzonError:
    """Return the 401 for a request without Client-Id or Api-Key."""
    return OzonError(401, UNAUTHENTICATED, "Client-Id and Api-Key headers are required")


def bad_client_id() -> OzonError:
    """Return the 400 for a Client-Id that is not a positive integer."""
    return OzonError(400, INVALID_ARGUMENT, "Client-Id header value should be positive integer")


def invalid_key() -> OzonError:
    """Return the 404 for an Api-Key that is unknown or not the Client-Id's."""
    return OzonError(404, NOT_FOUND, INVALID_KEY)


def forbidden(message: str) -> OzonError:
    """Return the 403 for a key Ozon refuses (deactivated, role, IP) or an unsigned offer."""
    return OzonError(403, PERMISSION_DENIED, message)


def rate_limited(retry_after: int) -> OzonError:
    """Return the 429 for the 50 requests/s per Client-Id or a method's own limit."""
    return OzonError(429, RESOURCE_EXHAUSTED, RATE_LIMIT, {"Retry-After": str(max(1, retry_after))})


def circle_open() -> OzonError:
    """Return the answer of a method Ozon blocked for a while under load."""
    return OzonError(400, INVALID_ARGUMENT, CIRCLE_OPEN)
