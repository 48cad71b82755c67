"""The Grafana dashboard charts only metrics MarketSync exports, with valid panels."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client.metrics import MetricWrapperBase

from marketsync import metrics

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "marketsync.json"
SUFFIXES = ("_bucket", "_count", "_sum", "_total", "_created")


def exported() -> set[str]:
    """Names of every sample MarketSync's own metrics produce, and the gauges /metrics reads at scrape time."""
    names = {"marketsync_outbox_depth"}
    for metric in vars(metrics).values():
        if isinstance(metric, MetricWrapperBase):
            names |= {family.name + suffix for family in metric.describe() for suffix in ("", *SUFFIXES)}
    return names


def test_every_panel_queries_metrics_we_export() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    known = exported()
    queried = set()
    for panel in dashboard["panels"]:
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            queried |= set(re.findall(r"\bmarketsync_[a-z_]+", target["expr"]))
    assert queried and queried <= known, queried - known
    wanted = {"marketsync_http_request_duration_seconds_bucket", "marketsync_sync_runs_total",
              "marketsync_api_calls_total", "marketsync_rate_limit_wait_seconds_bucket", "marketsync_outbox_depth",
              "marketsync_notification_latency_seconds_bucket"}
    assert wanted <= queried
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])
