"""The ConnectorError tree: every client maps its wire errors to one of these, and each carries its remedy.

- ConfigError: credentials or setup are wrong (401/403, VK 5); mark the connection broken, stop retrying.
- PaymentRequired: the remote refuses one object until the seller pays (Evotor 402); skip it quietly.
- TransientError: 5xx, timeouts, lost answers; retry with backoff. A write that failed this way has an
  unknown outcome and is never repeated blindly: the caller re-reads the remote state first.
  - OutcomeUnknownError: a write was sent and its answer lost; re-read before repeating it.
  - NotSentError: the request never left (connection refused), so even a write may be repeated.
    - ReadOnlyError: the operator's read-only switch is on; the write was never sent.
- RateLimited: 429, VK 6/9/29, Yandex 420; wait `retry_after` seconds and retry.
- RejectedError: the remote refused one item; record it on the run and go on.

What a person is told is not said here: an error carries a stable `key` and its `params` (plain values: the
system's slug, the remote's code and its own text as `detail`), which the service layer turns into words of the
reader's language (marketsync/notices.py); `message` is the English line for logs and the CLI, `code` the
remote's own code. Keys in use: token_rejected, no_access, not_paid, refused, photo_refused, http_status and the
classes' defaults (unavailable, no_answer, not_sent, read_only, rate_limited, malformed). An error without a key
(or with a key the catalog does not know yet) is shown by its English message.
"""

from __future__ import annotations

Param = str | int | float | None


class ConnectorError(Exception):
    """Base of every error a connector raises; a subclass may name the key its errors have by default."""

    default_key: str | None = None

    def __init__(self, message: str, *, code: int | str | None = None, key: str | None = None,
                 params: dict[str, Param] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.key = key or self.default_key
        self.params: dict[str, Param] = dict(params or {})
        # marketsync.http words its errors "<system>: <detail>": the system and detail a person is told.
        system, colon, detail = message.partition(": ")
        if colon and "system" not in self.params and system.isidentifier() and system.islower():
            self.params.update(system=system, detail=detail)


class ConfigError(ConnectorError):
    """Credentials rejected or the remote object is not ours: the connection is broken."""


class PaymentRequired(ConfigError):
    """The remote refuses this object until the seller's subscription is paid."""


class TransientError(ConnectorError):
    """A temporary failure; for a write, the outcome is unknown."""

    default_key = "unavailable"


class OutcomeUnknownError(TransientError):
    """A write was sent but its answer was lost: the remote may or may not have applied it."""

    default_key = "no_answer"


class NotSentError(TransientError):
    """The request never reached the remote (no connection), so repeating it, even a write, is safe."""

    default_key = "not_sent"


class ReadOnlyError(NotSentError):
    """The operator switched MarketSync to read-only: no write to any external system leaves until it is off."""

    default_key = "read_only"


class RateLimited(TransientError):
    """The remote asked us to slow down."""

    default_key = "rate_limited"

    def __init__(self, message: str, *, retry_after: float | None = None, code: int | str | None = None,
                 key: str | None = None, params: dict[str, Param] | None = None):
        super().__init__(message, code=code, key=key, params=params)
        self.retry_after = retry_after


class RejectedError(ConnectorError):
    """The remote refused one item (validation, limits); the run records it and continues."""


class MalformedResponseError(TransientError):
    """The remote answered something that does not match its documented shape."""

    default_key = "malformed"


def described(exc: ConnectorError) -> dict[str, object]:
    """Return an error as another message's parameter (`cause`): its key, params and English text."""
    return {"key": exc.key, "params": dict(exc.params), "text": exc.message}
