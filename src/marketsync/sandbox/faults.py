"""Switchable failures for the emulators, reproducible from a seed.

Flow: every emulated HTTP request (never /_control, never photo downloads) first asks
`Faults.draw(service, write=...)`. With probability `rate` one of `kinds` is picked by the service's own
`random.Random(seed)`, so the same request sequence fails the same way on every run. The route then renders
the fault in the service's own manner: Evotor answers HTTP 429 + Retry-After; VK's "429" is HTTP 200 with
error 6 (its real flood answer) and "http429" a plain HTTP 429; Telegram's "429" is HTTP 429 with its envelope,
the wait only in the body's `parameters.retry_after`; "500"/"502" are bare gateway errors;
"timeout" sleeps `timeout_s` and then answers 504; "lost_write" lets a write go through and then answers
502, "lost_write_504" the same with a gateway timeout (504), so the client cannot know the outcome. VK only:
"error10" is HTTP 200 with error 10 (VK's internal error, nothing applied) and "execute_false" fails one call
inside an `execute` (picked by its own seeded dice) with `false` and an `execute_errors` entry while the
other calls go through. `max_faults` stops failing after that many faults (a remote that recovers);
`latency_ms` delays every answer of that service. Wildberries renders "429" as its gateway's envelope with
X-Ratelimit-Retry (seconds) and serves all three of its hosts as the one service "wildberries". The
OpenAI-compatible model ("llm") only: "invalid_json" answers 200 with a message whose content is not the JSON
the prompt asked for.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from starlette.responses import PlainTextResponse, Response

SERVICES = ("evotor", "vk", "ozon", "wildberries", "yandex_market", "telegram", "yookassa", "casdoor", "llm")
FAULT_KINDS = ("429", "http429", "500", "502", "timeout", "lost_write", "lost_write_504", "error10",
               "execute_false", "invalid_json")
VK_ONLY_KINDS = frozenset({"error10", "execute_false"})
LLM_ONLY_KINDS = frozenset({"invalid_json"})
WRITE_ONLY_KINDS = frozenset({"lost_write", "lost_write_504", "execute_false"})


@dataclass
class FaultConfig:
    """One service's fault settings."""

    rate: float = 0.0
    kinds: list[str] = field(default_factory=lambda: ["500"])
    retry_after: int = 1
    seed: int | None = None
    latency_ms: int = 0
    timeout_s: float = 2.0
    max_faults: int | None = None
    injected: int = 0
    injected_by_kind: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Fault:
    """A failure chosen for one request; `pick` (0..1) chooses the call an "execute_false" fails."""

    kind: str
    retry_after: int
    timeout_s: float
    pick: float = 0.0


class Faults:
    """Fault configuration and seeded dice per service; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._configs: dict[str, FaultConfig] = {}
        self._rngs: dict[str, random.Random] = {}
        self._picks: dict[str, random.Random] = {}

    def configure(
        self,
        service: str,
        *,
        rate: float = 0.0,
        kinds: Iterable[str] = ("500",),
        retry_after: int = 1,
        seed: int | None = None,
        latency_ms: int = 0,
        timeout_s: float = 2.0,
        max_faults: int | None = None,
    ) -> FaultConfig:
        """Set (replace) the faults of `service`; raise ValueError on a bad setting."""
        if service not in SERVICES:
            raise ValueError(f"unknown service {service!r}; expected one of {', '.join(SERVICES)}")
        kinds = [str(kind) for kind in kinds]
        unknown = sorted(set(kinds) - set(FAULT_KINDS))
        if unknown:
            raise ValueError(f"unknown fault kinds {unknown}; expected some of {', '.join(FAULT_KINDS)}")
        if service != "vk" and VK_ONLY_KINDS & set(kinds):
            raise ValueError(f"fault kinds {sorted(VK_ONLY_KINDS & set(kinds))} exist only for vk")
        if service != "llm" and LLM_ONLY_KINDS & set(kinds):
            raise ValueError(f"fault kinds {sorted(LLM_ONLY_KINDS & set(kinds))} exist only for llm")
        if max_faults is not None and int(max_faults) < 0:
            raise ValueError("max_faults must not be negative")
        if not 0.0 <= float(rate) <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        if rate and not kinds:
            raise ValueError("kinds must not be empty when rate > 0")
        if retry_after < 0 or latency_ms < 0 or timeout_s < 0:
            raise ValueError("retry_after, latency_ms and timeout_s must not be negative")
        config = FaultConfig(float(rate), kinds, int(retry_after), seed, int(latency_ms), float(timeout_s),
                             None if max_faults is None else int(max_faults))
        with self._lock:
            self._configs[service] = config
            self._rngs[service] = random.Random(seed)
            # A separate stream, so choosing execute_false's victim leaves the request dice as they were.
            self._picks[service] = random.Random(f"{seed}-pick")
        return config

    def clear(self, service: str | None = None) -> None:
        """Remove the faults of one service, or of all when `service` is None."""
        with self._lock:
            for name in [service] if service else list(self._configs):
                self._configs.pop(name, None)
                self._rngs.pop(name, None)
                self._picks.pop(name, None)

    def config(self, service: str) -> FaultConfig | None:
        """Return the current settings of `service`, if any."""
        with self._lock:
            return self._configs.get(service)

    def latency_s(self, service: str) -> float:
        """Return the extra delay every answer of `service` gets, in seconds."""
        config = self.config(service)
        return config.latency_ms / 1000 if config else 0.0

    def draw(self, service: str, *, write: bool) -> Fault | None:
        """Roll the dice for one request; a read that draws a write-only kind ("lost_write"…) gets no fault."""
        with self._lock:
            config = self._configs.get(service)
            if config is None or config.rate <= 0 or not config.kinds:
                return None
            rng = self._rngs[service]
            # Always consume two numbers per request, so the sequence does not depend on the request mix.
            roll = rng.random()
            kind = config.kinds[rng.randrange(len(config.kinds))]
            if roll >= config.rate or (kind in WRITE_ONLY_KINDS and not write):
                return None
            if config.max_faults is not None and config.injected >= config.max_faults:
                return None
            config.injected += 1
            config.injected_by_kind[kind] = config.injected_by_kind.get(kind, 0) + 1
            pick = self._picks[service].random() if kind == "execute_false" else 0.0
        return Fault(kind, config.retry_after, config.timeout_s, pick)

    def snapshot(self) -> dict[str, Any]:
        """Return the settings of every service that has faults."""
        with self._lock:
            return {name: asdict(config) for name, config in self._configs.items()}


async def wait_latency(faults: Faults, service: str) -> None:
    """Sleep the configured per-answer latency of `service`."""
    delay = faults.latency_s(service)
    if delay:
        await asyncio.sleep(delay)


async def gateway_failure(fault: Fault) -> Response | None:
    """Render the faults that look the same for every service (bare gateway errors); None for others."""
    if fault.kind == "500":
        return PlainTextResponse("Internal Server Error", status_code=500)
    if fault.kind == "502":
        return PlainTextResponse("Bad Gateway", status_code=502)
    if fault.kind == "http429":
        return PlainTextResponse(
            "Too Many Requests", status_code=429, headers={"Retry-After": str(fault.retry_after)}
        )
    if fault.kind == "timeout":
        await asyncio.sleep(fault.timeout_s)
        return PlainTextResponse("Gateway Timeout", status_code=504)
    return None


def lost_write_response(fault: Fault | None = None) -> Response:
    """Return the answer of a write that was applied but whose response got lost (502, or 504 if so chosen)."""
    if fault is not None and fault.kind == "lost_write_504":
        return PlainTextResponse("Gateway Timeout", status_code=504)
    return PlainTextResponse("Bad Gateway", status_code=502)
