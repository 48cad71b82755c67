"""The one outbound HTTP client every connector uses.

A request goes: rate limiters (the credential's budget per second and per minute, then the budget of the
method called, each shared between processes through SQLite in embedded mode and Redis in distributed mode)
→ circuit breaker (one per connection; rate limits are not failures) → httpx with timeouts → the connector's
classifier, which turns wire errors (also those an API returns inside a 200, like VK's) into the
ConnectorError tree → tenacity. A rate limit is always waited out (the remote refused the request, so
it did nothing): the Retry-After as asked, never cut short, up to HTTP_RETRY_AFTER_MAX_SECONDS; a longer one
is raised to the caller. Other transient errors are retried with backoff only for idempotent requests or when
the request never left (NotSentError). A write whose outcome is unknown (a timeout, a 5xx, a lost answer) is
raised to the caller, which re-reads the remote state and reconciles. Inside `time_budget(seconds)` (a check
a person waits on) every request, its waits included, ends by the budget's deadline. Each attempt is
reported, redacted, to an injected recorder, so this module imports no database code.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import httpx
import pybreaker
from tenacity import RetryCallState, Retrying, retry_if_exception, wait_exponential_jitter

from marketsync import metrics
from marketsync.connectors.errors import (
    ConnectorError,
    MalformedResponseError,
    NotSentError,
    OutcomeUnknownError,
    RateLimited,
    ReadOnlyError,
    TransientError,
)
from marketsync.http_limits import Budget, breaker_for, limiter_for, reset_breakers
from marketsync.security import redact
from marketsync.settings import get_settings
from marketsync.write_guard import writes_stopped

__all__ = ["Budget", "CallRecord", "HttpClient", "HttpConfig", "OutcomeUnknownError", "TimeBudget",
           "breaker_for", "limiter_for", "parse_json", "reset_breakers", "time_budget"]

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


@dataclass
class HttpConfig:
    """How one connector talks to one remote with one credential.

    `method_budgets` maps a request's url as the client passes it (e.g. "/method/market.add"), or the
    `budget_key` it names (paths sharing one limit), to the remote's limit on it for one credential.
    `host_interval_ms` spaces two requests to this base URL with this credential; `shared_budget` is one
    budget of the credential across every client of the system (WB: requests a minute per token, all hosts).
    A 429 naming no wait backs off exponentially within `rate_limit_backoff` (initial, cap), when set.
    """

    system: str
    base_url: str
    credential: str
    rate_per_second: int | None
    breaker_key: str
    rate_per_minute: int | None = None
    rate_window: tuple[int, int] | None = None  # a token bucket's burst as (requests, milliseconds): Budget.window
    method_budgets: Mapping[str, Budget] = field(default_factory=dict)
    host_interval_ms: int | None = None
    shared_budget: Budget | None = None
    rate_limit_backoff: tuple[float, float] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    recorder: Recorder | None = None
    transport: httpx.BaseTransport | None = None
    timeout: float | None = None
    max_attempts: int | None = None
    backoff_initial: float | None = None  # HTTP_BACKOFF_INITIAL_SECONDS when None
    sleep: Callable[[float], None] = time.sleep


class TimeBudget:
    """The deadline of every request made inside `time_budget`, and the rate limit that ended one, if any."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.rate_limited: RateLimited | None = None

    def remaining(self) -> float:
        """Seconds left before the deadline (never negative)."""
        return max(0.0, self.deadline - time.monotonic())


_budget: ContextVar[TimeBudget | None] = ContextVar("marketsync_http_time_budget", default=None)


@contextmanager
def time_budget(seconds: float) -> Iterator[TimeBudget]:
    """Bound every request in the block, retries and rate-limit waits included, to `seconds` in total."""
    budget = TimeBudget(seconds)
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)


def _retry_after(response: httpx.Response) -> float | None:
    """The longest wait the answer asks for (Retry-After, WB's X-Ratelimit-Retry), None when it names none."""
    waits = []
    for name in ("Retry-After", "X-Ratelimit-Retry"):
        try:
            waits.append(max(0.0, float(response.headers.get(name, ""))))
        except ValueError:
            continue
    return max(waits) if waits else None


class _RetryPolicy:
    """When one logical request is tried again, and after how long (tenacity's retry, wait and stop)."""

    def __init__(self, client: HttpClient, idempotent: bool, budget: TimeBudget | None) -> None:
        self.client = client
        self.idempotent = idempotent
        self.budget = budget
        self.failures = 0  # answers other than rate limits
        self._backoff = wait_exponential_jitter(multiplier=client.backoff_initial, max=client.backoff_cap,
                                                jitter=client.backoff_initial)
        initial, cap = client.config.rate_limit_backoff or (client.backoff_initial, client.backoff_cap)
        self._limited_backoff = wait_exponential_jitter(multiplier=initial, max=cap, jitter=0)

    def retryable(self, exc: BaseException) -> bool:
        """A rate limit always (nothing was done); else only what is safe to send again."""
        if isinstance(exc, RateLimited):
            return True
        if isinstance(exc, OutcomeUnknownError):
            return self.idempotent
        return isinstance(exc, TransientError) and (self.idempotent or isinstance(exc, NotSentError))

    def wait(self, state: RetryCallState) -> float:
        """A Retry-After as asked, never cut short; else exponential backoff (with jitter but for a 429)."""
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RateLimited):
            return float(exc.retry_after) if exc.retry_after is not None else float(self._limited_backoff(state))
        return float(self._backoff(state))

    def stop(self, state: RetryCallState) -> bool:
        """Give up after the attempts allowed, on a Retry-After beyond the maximum, or past the time budget."""
        exc = state.outcome.exception() if state.outcome else None
        attempts, delay, budget = state.attempt_number, state.upcoming_sleep, self.budget
        # Within a time budget only its deadline bounds rate-limit waits; elsewhere every attempt counts.
        if budget is None and attempts >= self.client.max_attempts:
            return True
        if isinstance(exc, RateLimited):
            if exc.retry_after is not None and exc.retry_after > self.client.retry_after_max:
                return True
            if budget is not None and delay >= budget.remaining():
                budget.rate_limited = exc
                return True
            return False
        self.failures += 1
        return self.failures >= self.client.max_attempts or (budget is not None and delay >= budget.remaining())


class HttpClient:
    """A connector's HTTP client: limiters, breaker, retries and the redacted log around httpx."""

    def __init__(self, config: HttpConfig) -> None:
        settings = get_settings()
        self.config = config
        self._timeout = config.timeout or settings.HTTP_TIMEOUT_SECONDS
        self.max_attempts = config.max_attempts or settings.HTTP_MAX_ATTEMPTS
        self.backoff_cap = settings.HTTP_BACKOFF_MAX_SECONDS
        self.backoff_initial = config.backoff_initial or settings.HTTP_BACKOFF_INITIAL_SECONDS
        self.retry_after_max = settings.HTTP_RETRY_AFTER_MAX_SECONDS
        self._client = httpx.Client(
            base_url=config.base_url.rstrip("/"), headers=config.headers, timeout=self._timeout,
            transport=config.transport, follow_redirects=False,
        )
        # Taken in this order after the method's budget: the credential's, the system-wide one, then the
        # host's spacing last, so the send follows it at once.
        self._limiters = []
        if config.rate_per_second or config.rate_per_minute or config.rate_window:
            self._limiters.append(limiter_for(config.system, config.credential, config.rate_per_second,
                                              config.rate_per_minute, window=config.rate_window))
        if (shared := config.shared_budget) is not None:
            self._limiters.append(limiter_for(config.system, config.credential, shared.per_second,
                                              shared.per_minute, scope="shared", interval_ms=shared.interval_ms,
                                              window=shared.window))
        if config.host_interval_ms:
            self._limiters.append(limiter_for(config.system, config.credential, None, scope=config.base_url,
                                              interval_ms=config.host_interval_ms))
        self._breaker = breaker_for(config.breaker_key)

    def close(self) -> None:
        """Close the underlying connection pool."""
        self._client.close()

    def request(self, method: str, url: str, *, idempotent: bool, classify: Classifier | None = None,
                params: Mapping[str, Any] | None = None, data: Mapping[str, Any] | None = None, json: Any = None,
                files: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None,
                budget_key: str | None = None, write: bool | None = None) -> httpx.Response:
        """Send one logical request with limiters, breaker and safe retries; return the classified response.

        `write` says the request changes remote state (default: a request that is not idempotent); no write
        leaves while the read-only switch is on."""
        if (not idempotent if write is None else write) and writes_stopped():
            raise ReadOnlyError(f"{self.config.system}: read-only mode is on, the write was not sent")
        budget = _budget.get()
        policy = _RetryPolicy(self, idempotent, budget)
        retrying = Retrying(stop=policy.stop, wait=policy.wait, retry=retry_if_exception(policy.retryable),
                            sleep=self.config.sleep, reraise=True)
        for attempt in retrying:
            # Outside the attempt: our own spent budget is raised at once, never retried.
            self._acquire(budget_key or url, budget)
            with attempt:
                return self._attempt(method, url, idempotent, classify, params, data, json, files, headers)
        raise AssertionError("unreachable: tenacity reraises")  # pragma: no cover

    def download(self, url: str, sink: BinaryIO, *, max_bytes: int, max_seconds: float) -> int:
        """GET `url` (redirects followed) streamed into `sink`, refusing more than `max_bytes` or a download
        longer than `max_seconds`; return the size. Limiters and breaker as for any request; no retry: the
        caller's schedule tries a failed download again."""
        self._acquire(url, _budget.get())
        started = time.monotonic()
        request = self._client.build_request("GET", url)
        response: httpx.Response | None = None
        error: str | None = None
        size = 0
        try:
            response = self._breaker.call(self._client.send, request, stream=True, follow_redirects=True)
            self._raise_for_status(response, True)
            if response.status_code >= 400:
                raise ConnectorError(f"{self.config.system}: HTTP {response.status_code}", code=response.status_code)
            if int(response.headers.get("Content-Length") or 0) > max_bytes:
                raise ConnectorError(f"{self.config.system}: the file is larger than {max_bytes} bytes")
            for chunk in response.iter_bytes(1 << 16):
                size += len(chunk)
                if size > max_bytes:
                    raise ConnectorError(f"{self.config.system}: the file is larger than {max_bytes} bytes")
                if time.monotonic() - started > max_seconds:
                    raise TransientError(f"{self.config.system}: the download took over {max_seconds:g} s")
                sink.write(chunk)
            return size
        except pybreaker.CircuitBreakerError as exc:
            raise TransientError(f"{self.config.system}: too many failures in a row, paused for a while") from exc
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
            raise TransientError(f"{self.config.system}: download failed ({error})") from exc
        except ConnectorError as exc:
            error = exc.message
            raise
        finally:
            if response is not None:
                response.close()
            self._record(request, response, error, started)

    def charge(self, key: str, extra: int) -> None:
        """Take `extra` more slots of method budget `key`, for answers billed as several requests (WB 409: 10)."""
        if (method_budget := self.config.method_budgets.get(key)) is not None and extra > 0:
            chunk = min(rate.limit for rate in method_budget.rates())  # a weight over a window's limit never fits
            for weight in [chunk] * (extra // chunk) + ([extra % chunk] if extra % chunk else []):
                self._acquire(key, _budget.get(), weight, method_only=True)

    def _acquire(self, url: str, budget: TimeBudget | None, weight: int = 1, method_only: bool = False) -> None:
        """Take a slot from the credential's budget and the method's; raise RateLimited when none comes in time."""
        limiters = []
        method_budget = self.config.method_budgets.get(url)
        if method_budget is not None:
            limiters.append(limiter_for(self.config.system, self.config.credential, method_budget.per_second,
                                        method_budget.per_minute, scope=url, interval_ms=method_budget.interval_ms,
                                        window=method_budget.window))
        if not method_only:
            limiters.extend(self._limiters)
        for limiter in limiters:
            # A timeout always: without one pyrate-limiter would block a worker forever on a stuck bucket.
            timeout = self.retry_after_max if budget is None else budget.remaining()
            waited_from = time.monotonic()
            acquired = limiter.try_acquire(self.config.system, weight=weight, blocking=True, timeout=timeout)
            metrics.observe_rate_limit_wait(self.config.system, time.monotonic() - waited_from, spent=not acquired)
            if not acquired:
                exc = RateLimited(f"{self.config.system}: our own request budget is spent for now",
                                  key="own_pace_spent", params={"system": self.config.system})
                if budget is not None:
                    budget.rate_limited = exc
                raise exc

    def _attempt(self, method: str, url: str, idempotent: bool, classify: Classifier | None,
                 params: Any, data: Any, json: Any, files: Any, headers: Any) -> httpx.Response:
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
            raise NotSentError(f"{self.config.system}: {error}") from exc
        except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            raise OutcomeUnknownError(f"{self.config.system}: no answer ({error})") from exc
        except ConnectorError as exc:
            error = f"{type(exc).__name__}: {exc.message}"
            raise
        finally:
            metrics.observe_api_call(self.config.system, response.status_code if response is not None else None,
                                     time.monotonic() - started)
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
                response_body=redact(_response_text(response), secrets),
                error=redact(error, secrets),
                duration_ms=int((time.monotonic() - started) * 1000),
            ))
        except Exception:  # the log must never break a sync
            log.exception("api call recorder failed")


def _response_text(response: httpx.Response | None) -> str | None:
    if response is None:
        return None
    try:
        return response.text[:BODY_LOG_LIMIT]
    except httpx.ResponseNotRead:  # a streamed download: its body went to a file, not to the log
        return "<streamed>"


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
