"""The one outbound HTTP client every connector uses.

A request goes: rate limiter (one bucket per API credential, shared between processes through SQLite in
embedded mode and Redis in distributed mode) → circuit breaker (one per connection; rate limits are not
failures) → httpx with timeouts → the connector's classifier, which turns wire errors (also those an API
returns inside a 200, like VK's) into the ConnectorError tree → tenacity, which retries what is safe to
retry: rate limits always (the remote refused the request, so it did nothing), other transient errors only
for idempotent requests or when the request never left (connect errors). A write whose outcome is unknown
(a timeout, a 5xx, a lost answer) is raised to the caller, which re-reads the remote state and reconciles.
Each attempt is reported, redacted, to an injected recorder, so this module imports no database code.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pybreaker
from pyrate_limiter import Duration, Limiter, Rate
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from marketsync.connectors.errors import (
    ConnectorError,
    MalformedResponseError,
    RateLimited,
    TransientError,
)
from marketsync.security import redact, sha256_hex
from marketsync.settings import get_settings

log = logging.getLogger(__name__)
BODY_LOG_LIMIT = 4000


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One attempt of one request, already redacted, for the api_calls log."""

    system: str
    method: str
    url: str
    request_body: str | None
    status_code: int | None
    response_body: str | None
    error: str | None
    duration_ms: int


Recorder = Callable[[CallRecord], None]
Classifier = Callable[[httpx.Response], None]


class OutcomeUnknownError(TransientError):
    """A write was sent but its answer was lost: the remote may or may not have applied it."""


@dataclass
class HttpConfig:
    """How one connector talks to one remote with one credential."""

    system: str
    base_url: str
    credential: str
    rate_per_second: int
    breaker_key: str
    headers: dict[str, str] = field(default_factory=dict)
    recorder: Recorder | None = None
    transport: httpx.BaseTransport | None = None
    timeout: float | None = None
    max_attempts: int | None = None
    backoff_initial: float = 0.2


_breakers: dict[str, pybreaker.CircuitBreaker] = {}
_limiters: dict[str, Limiter] = {}
_registry_lock = threading.Lock()


def breaker_for(key: str) -> pybreaker.CircuitBreaker:
    """Return the circuit breaker of one connection, creating it on first use."""
    with _registry_lock:
        if key not in _breakers:
            _breakers[key] = pybreaker.CircuitBreaker(
                fail_max=8, reset_timeout=30, exclude=[lambda e: not isinstance(e, TransientError)
                                                       or isinstance(e, RateLimited)],
                name=key,
            )
        return _breakers[key]


def reset_breakers() -> None:
    """Forget every breaker's state (tests, and the operator's "test connection")."""
    with _registry_lock:
        _breakers.clear()


def limiter_for(system: str, credential: str, rate_per_second: int) -> Limiter:
    """Return the rate limiter of one credential; its bucket is shared by every process on the host."""
    key = f"{system}_{sha256_hex(credential)[:24]}_{rate_per_second}"
    with _registry_lock:
        if key in _limiters:
            return _limiters[key]
        rates = [Rate(rate_per_second, Duration.SECOND)]
        settings = get_settings()
        if settings.REDIS_URL:
            from pyrate_limiter import RedisBucket
            from redis import Redis

            bucket: Any = RedisBucket.init(rates, Redis.from_url(settings.REDIS_URL), f"marketsync:rl:{key}")
        else:
            from pyrate_limiter import SQLiteBucket

            path = Path(settings.RATE_LIMIT_DB_PATH)
            path.parent.mkdir(parents=True, exist_ok=True)
            bucket = SQLiteBucket.init_from_file(
                rates, table=f"rl_{key}", db_path=str(path.resolve()), use_file_lock=True
            )
        _limiters[key] = Limiter(bucket)
        return _limiters[key]


def _wait(config: HttpConfig, cap: float) -> Callable[[RetryCallState], float]:
    exponential = wait_exponential_jitter(multiplier=config.backoff_initial, max=cap, jitter=config.backoff_initial)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            return min(float(exc.retry_after), cap)
        return float(exponential(state))

    return wait


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After") or response.headers.get("X-Ratelimit-Retry")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class HttpClient:
    """A connector's HTTP client: limiter, breaker, retries and the redacted log around httpx."""

    def __init__(self, config: HttpConfig) -> None:
        settings = get_settings()
        self.config = config
        self._timeout = config.timeout or settings.HTTP_TIMEOUT_SECONDS
        self._attempts = config.max_attempts or settings.HTTP_MAX_ATTEMPTS
        self._backoff_cap = settings.HTTP_BACKOFF_MAX_SECONDS
        self._client = httpx.Client(
            base_url=config.base_url.rstrip("/"), headers=config.headers, timeout=self._timeout,
            transport=config.transport, follow_redirects=False,
        )
        self._limiter = limiter_for(config.system, config.credential, config.rate_per_second)
        self._breaker = breaker_for(config.breaker_key)

    def close(self) -> None:
        """Close the underlying connection pool."""
        self._client.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        idempotent: bool,
        classify: Classifier | None = None,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        json: Any = None,
        files: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one logical request with limiter, breaker and safe retries; return the classified response."""

        def retryable(exc: BaseException) -> bool:
            if isinstance(exc, RateLimited):
                return True
            if isinstance(exc, OutcomeUnknownError):
                return idempotent
            return isinstance(exc, TransientError) and (idempotent or getattr(exc, "not_sent", False))

        retrying = Retrying(
            stop=stop_after_attempt(self._attempts), wait=_wait(self.config, self._backoff_cap),
            retry=retry_if_exception(retryable), reraise=True,
        )
        for attempt in retrying:
            with attempt:
                return self._attempt(method, url, idempotent, classify, params, data, json, files, headers)
        raise AssertionError("unreachable: tenacity reraises")  # pragma: no cover

    def _attempt(self, method: str, url: str, idempotent: bool, classify: Classifier | None,
                 params: Any, data: Any, json: Any, files: Any, headers: Any) -> httpx.Response:
        if not self._limiter.try_acquire(self.config.system, blocking=True, timeout=self._timeout):
            raise RateLimited("local rate limiter timed out", retry_after=1)
        try:
            return self._breaker.call(
                self._send, method, url, idempotent, classify, params, data, json, files, headers
            )
        except pybreaker.CircuitBreakerError as exc:
            raise TransientError(f"{self.config.system}: too many failures in a row, paused for a while") \
                from exc

    def _send(self, method: str, url: str, idempotent: bool, classify: Classifier | None,
              params: Any, data: Any, json: Any, files: Any, headers: Any) -> httpx.Response:
        started = time.monotonic()
        request = self._client.build_request(
            method, url, params=params, data=data, json=json, files=files, headers=headers
        )
        response: httpx.Response | None = None
        error: str | None = None
        try:
            response = self._client.send(request)
            response.read()
            self._raise_for_status(response, idempotent)
            if classify:
                classify(response)
            return response
        except httpx.ConnectError as exc:
            error = f"connection failed: {exc}"
            err = TransientError(f"{self.config.system}: {error}")
            err.not_sent = True  # type: ignore[attr-defined]
            raise err from exc
        except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            raise OutcomeUnknownError(f"{self.config.system}: no answer ({error})") from exc
        except ConnectorError as exc:
            error = f"{type(exc).__name__}: {exc.message}"
            raise
        finally:
            self._record(request, response, error, started)

    def _raise_for_status(self, response: httpx.Response, idempotent: bool) -> None:
        status = response.status_code
        if status == 429:
            raise RateLimited(f"{self.config.system}: HTTP 429", retry_after=_retry_after(response), code=429)
        if status >= 500:
            raise OutcomeUnknownError(f"{self.config.system}: HTTP {status}", code=status)

    def _record(self, request: httpx.Request, response: httpx.Response | None, error: str | None,
                started: float) -> None:
        if not self.config.recorder:
            return
        secrets = [self.config.credential]
        body = _body_text(request)
        try:
            self.config.recorder(CallRecord(
                system=self.config.system,
                method=request.method,
                url=redact(str(request.url), secrets) or "",
                request_body=redact(body, secrets),
                status_code=response.status_code if response is not None else None,
                response_body=redact(response.text[:BODY_LOG_LIMIT], secrets) if response is not None else None,
                error=redact(error, secrets),
                duration_ms=int((time.monotonic() - started) * 1000),
            ))
        except Exception:  # the log must never break a sync
            log.exception("api call recorder failed")


def _body_text(request: httpx.Request) -> str | None:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/"):
        return "<multipart upload>"
    try:
        raw = request.content
    except httpx.RequestNotRead:
        return None
    return raw[:BODY_LOG_LIMIT].decode("utf-8", "replace") if raw else None


def parse_json(response: httpx.Response, system: str) -> Any:
    """Decode a JSON body or raise MalformedResponseError with a readable reason."""
    try:
        return response.json()
    except ValueError as exc:
        raise MalformedResponseError(f"{system}: the answer is not JSON (HTTP {response.status_code})") from exc
