"""Evotor's error answer: an HTTP status plus `{"errors": [{"code", "reason"?, "subject"?, "value"?}]}`."""

from __future__ import annotations

from typing import Any

# Codes from documentation-api/responses.yaml. 404 and 429 have no documented body; the shape is kept and
# the HTTP status reused as the code (UNCONFIRMED against the live cloud).
BAD_TOKEN = 1001
PAYMENT_REQUIRED = 1004
SYNTAX_ERROR = 2001
FIELD_MISSING = 2002
FIELD_INVALID = 2003
NOT_FOUND = 404
TOO_MANY_REQUESTS = 429


class EvotorError(Exception):
    """A request the emulated cloud refuses, with its HTTP status and error body."""

    def __init__(
        self, status: int, code: int, reason: str, subject: str | None = None, value: Any = None
    ) -> None:
        super().__init__(f"{status} {code} {reason} {subject or ''}".strip())
        self.status = status
        self.error: dict[str, Any] = {"code": code, "reason": reason}
        if subject is not None:
            self.error["subject"] = subject
        if value is not None:
            self.error["value"] = value

    def body(self) -> dict[str, Any]:
        """Return the JSON body Evotor sends with this error."""
        return {"errors": [dict(self.error)]}


def unauthorized() -> EvotorError:
    """Return the 401 for a missing, unknown or revoked cloud token."""
    return EvotorError(401, BAD_TOKEN, "unauthorized", "token")


def payment_required(user_id: str) -> EvotorError:
    """Return the 402 for a store whose subscription has lapsed."""
    return EvotorError(402, PAYMENT_REQUIRED, "payment required", "userUuid", user_id)


def not_found(subject: str, value: str) -> EvotorError:
    """Return the 404 for an unknown store, group or product."""
    return EvotorError(404, NOT_FOUND, "not found", subject, value)


def invalid(subject: str, value: Any = None, reason: str = "incorrect") -> EvotorError:
    """Return the 400 for a field or parameter with an unacceptable value."""
    return EvotorError(400, FIELD_INVALID, reason, subject, value)


def missing(subject: str) -> EvotorError:
    """Return the 400 for a required field that is absent."""
    return EvotorError(400, FIELD_MISSING, "missing", subject)


def unexpected(subject: str) -> EvotorError:
    """Return the 400 for a field the object does not have."""
    return EvotorError(400, FIELD_MISSING, "unexpected", subject)
