"""Yandex Market's error answer: an HTTP status and `{"status": "ERROR", "errors": [{"code", "message"}]}`.

The codes are ours where the spec gives none (it types `code` as a free string): BAD_REQUEST, UNAUTHORIZED,
FORBIDDEN, NOT_FOUND, LIMIT_EXCEEDED, INTERNAL_ERROR [UNCONFIRMED against the live API].
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class YmError(Exception):
    """A request the emulated API refuses: status, and one or more (code, message) pairs."""

    def __init__(self, status: int, code: str, message: str, *, more: Sequence[tuple[str, str]] = (),
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.errors = [(code, message), *more]
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """Return the JSON body of this error (ApiErrorResponse)."""
        return {"status": "ERROR", "errors": [{"code": c, "message": m} for c, m in self.errors]}


def bad_request(message: str, *, more: Sequence[tuple[str, str]] = ()) -> YmError:
    """Return a 400 (ApiClientDataErrorResponse)."""
    return YmError(400, "BAD_REQUEST", message, more=more)


def unauthorized() -> YmError:
    """Return the 401 of a request without an Api-Key header."""
    return YmError(401, "UNAUTHORIZED", "Api-Key header is required")


def forbidden(message: str = "Access denied: the Api-Key is invalid or revoked") -> YmError:
    """Return the 403 of a wrong or revoked key, or of a shop or business the key may not see."""
    return YmError(403, "FORBIDDEN", message)


def not_found(message: str) -> YmError:
    """Return the 404 of an unknown campaign or business."""
    return YmError(404, "NOT_FOUND", message)
