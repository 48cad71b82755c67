"""The Prometheus metrics every process records (web, worker, beat, CLI) and their exposition for /metrics.

Counters and histograms live in prometheus-client's default registry. When PROMETHEUS_MULTIPROC_DIR is set in
a process's environment before prometheus-client is imported, each process writes its values to files in that
folder and /metrics sums every process's files, so what a Celery worker counted shows on the web's /metrics
(web and workers of one host share the folder; see docs/operations.md). Values read from the database at
scrape time (the outbox's depth) are added by the page itself, so they hold for workers on any host.
This module imports no database code: http.py records through it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping


def _export_multiprocess_dir() -> None:
    """Put PROMETHEUS_MULTIPROC_DIR from the settings (.env) into the environment, where prometheus-client reads
    it once, at its import (so this runs before ours), and make sure the folder exists."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if not folder:
        try:
            from marketsync.settings import get_settings

            folder = get_settings().PROMETHEUS_MULTIPROC_DIR
        except Exception:  # invalid settings are reported by the command itself; count per process meanwhile
            return
    if folder:
        os.makedirs(folder, exist_ok=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder


_export_multiprocess_dir()

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest  # noqa: E402 - after the export above
from prometheus_client import REGISTRY as DEFAULT_REGISTRY  # noqa: E402 - after the export above
from prometheus_client.core import GaugeMetricFamily, Metric  # noqa: E402 - after the export above
from prometheus_client.multiprocess import MultiProcessCollector  # noqa: E402 - after the export above

__all__ = ["CONTENT_TYPE_LATEST", "count_sync_run", "observe_api_call", "observe_http_request",
           "observe_notification", "observe_rate_limit_wait", "render"]

# Seconds: web pages and API calls are tens of milliseconds to tens of seconds; a rate-limit wait up to minutes.
_LATENCY = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_WAITS = (0.0, 0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
_DELIVERY = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 4 * 3600.0, 24 * 3600.0)

HTTP_REQUESTS = Histogram("marketsync_http_request_duration_seconds",
                          "Time to answer one web request, by method, route template and status.",
                          ["method", "route", "status"], buckets=_LATENCY)
SYNC_RUNS = Counter("marketsync_sync_runs", "Pipeline runs finished, by pipeline and outcome.",
                    ["pipeline", "status"])
API_CALLS = Counter("marketsync_api_calls", "Outbound API calls (each attempt), by system and HTTP status "
                    "(\"error\": no answer).", ["system", "status"])
API_CALL_SECONDS = Histogram("marketsync_api_call_duration_seconds", "Time of one outbound API call attempt.",
                             ["system"], buckets=_LATENCY)
RATE_LIMIT_WAITS = Histogram("marketsync_rate_limit_wait_seconds",
                             "Time spent waiting for our own request budget before a call, by system.",
                             ["system"], buckets=_WAITS)
RATE_LIMIT_SPENT = Counter("marketsync_rate_limit_spent", "Requests given up because our own budget did not "
                           "free a slot in time, by system.", ["system"])
REMOTE_RATE_LIMITED = Counter("marketsync_remote_rate_limited", "Answers asking us to slow down (HTTP 429), "
                              "by system.", ["system"])
NOTIFICATIONS = Counter("marketsync_notifications", "Notifications closed by the delivery, by outcome.",
                        ["state"])
NOTIFICATION_LATENCY = Histogram("marketsync_notification_latency_seconds",
                                 "From the event's outbox row to its delivery to Telegram.", buckets=_DELIVERY)


def observe_http_request(method: str, route: str, status: int, seconds: float) -> None:
    """Record one answered web request (route is the template, e.g. /catalog/{product_id}, to bound labels)."""
    HTTP_REQUESTS.labels(method, route, str(status)).observe(seconds)


def count_sync_run(pipeline: str, status: str) -> None:
    """Count one finished pipeline run and its outcome (succeeded, failed, skipped...)."""
    SYNC_RUNS.labels(pipeline, status).inc()


def observe_api_call(system: str, status: int | None, seconds: float) -> None:
    """Record one outbound call attempt: its answer's status (None: no answer) and how long it took."""
    API_CALLS.labels(system, str(status) if status is not None else "error").inc()
    API_CALL_SECONDS.labels(system).observe(seconds)
    if status == 429:
        REMOTE_RATE_LIMITED.labels(system).inc()


def observe_rate_limit_wait(system: str, seconds: float, *, spent: bool = False) -> None:
    """Record how long a call waited for our own budget; `spent`: it gave up without a slot."""
    RATE_LIMIT_WAITS.labels(system).observe(seconds)
    if spent:
        RATE_LIMIT_SPENT.labels(system).inc()


def observe_notification(state: str, latency_seconds: float | None) -> None:
    """Count one notification closed by the delivery; a sent one also records its latency."""
    NOTIFICATIONS.labels(state).inc()
    if latency_seconds is not None:
        NOTIFICATION_LATENCY.observe(max(0.0, latency_seconds))


class _Gauges:
    """A collector of gauges computed at scrape time (from the database), as name → (help, {label: value})."""

    def __init__(self, gauges: Mapping[str, tuple[str, str, Mapping[str, float]]]) -> None:
        self.gauges = gauges

    def collect(self) -> Iterable[Metric]:
        """Yield one gauge family per entry."""
        for name, (documentation, label, values) in self.gauges.items():
            family = GaugeMetricFamily(name, documentation, labels=[label])
            for value_label, value in sorted(values.items()):
                family.add_metric([value_label], value)
            yield family


def multiprocess_dir() -> str:
    """The folder of prometheus-client's multiprocess mode in this process, "" when it runs per process."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def render(gauges: Mapping[str, tuple[str, str, Mapping[str, float]]] | None = None) -> bytes:
    """Return the exposition text: every process's values (multiprocess mode) or this one's, plus `gauges`."""
    folder = multiprocess_dir()
    registry = CollectorRegistry()
    if folder:
        MultiProcessCollector(registry, path=folder)
    if gauges:
        registry.register(_Gauges(gauges))
    text = generate_latest(registry)
    # Without the shared folder only this process's own values exist: the default registry holds them.
    return text if folder else generate_latest(DEFAULT_REGISTRY) + text
