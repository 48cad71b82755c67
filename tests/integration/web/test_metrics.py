"""/metrics: closed to strangers, open to the operator's scraper, and showing what a worker process counted."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from celery import Celery
from fastapi.testclient import TestClient
from sqlalchemy import select

from builders import seed_catalog, seller
from marketsync.db import session_scope
from marketsync.settings import get_settings
from marketsync.sync.models import SyncRun
from marketsync.web.app import create_app

pytestmark = pytest.mark.timeout(180)
AUTH = ("prometheus", "scrape-secret")


@pytest.fixture
def protected(sqlite_engine, monkeypatch):  # type: ignore[no-untyped-def]
    """Basic auth on /metrics."""
    monkeypatch.setenv("METRICS_USER", AUTH[0])
    monkeypatch.setenv("METRICS_PASSWORD", AUTH[1])
    get_settings.cache_clear()


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample of the exposition text, None when absent."""
    for line in text.splitlines():
        match = re.match(r"^([a-zA-Z_:]+)(?:\{(.*)\})? (\S+)$", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(match.group(3))
    return None


def test_metrics_ask_for_the_password_and_show_page_latency(protected):  # type: ignore[no-untyped-def]
    with TestClient(create_app()) as client:
        assert client.get("/login").status_code == 200
        refused = client.get("/metrics")
        wrong = client.get("/metrics", auth=(AUTH[0], "guess"))
        page = client.get("/metrics", auth=AUTH)

    assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Basic")
    assert wrong.status_code == 401
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/plain")
    assert (sample(page.text, "marketsync_http_request_duration_seconds_count", method="GET", route="/login",
                   status="200") or 0) >= 1
    assert sample(page.text, "marketsync_outbox_depth", state="pending") == 0


def test_without_a_password_only_the_internal_network_reads_metrics(sqlite_engine):  # type: ignore[no-untyped-def]
    with TestClient(create_app(), client=("203.0.113.7", 40000)) as outside:
        assert outside.get("/metrics").status_code == 403
    with TestClient(create_app(), client=("10.0.3.4", 40000)) as inside:
        assert inside.get("/metrics").status_code == 200


def test_a_requests_id_is_given_back_and_a_proxys_kept(sqlite_engine):  # type: ignore[no-untyped-def]
    with TestClient(create_app()) as client:
        fresh = client.get("/health").headers["x-request-id"]
        kept = client.get("/health", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
        forged = client.get("/health", headers={"X-Request-ID": "a b\nc"}).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", fresh) and kept == "abc-123" and forged != "a b\nc"


def test_counters_of_a_worker_process_show_on_the_webs_metrics(  # type: ignore[no-untyped-def]
        sqlite_engine, sandbox_state, tmp_path, monkeypatch, protected):
    catalog = seed_catalog(sandbox_state, prefix="m", groups=1, per_group=2, not_for_sale=0)
    seller(sqlite_engine, catalog, email="metrics@example.ru")
    shared = tmp_path / "prometheus"
    shared.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(shared),
           "BROKER_DATABASE_URL": f"sqlite:///{tmp_path / 'broker.db'}"}
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "-c", "from marketsync.worker import celery_app, declare_queues;"
                    "declare_queues(celery_app)"], env=env, check=True)
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "marketsync.worker:celery_app", "worker",
                               "--pool", "threads", "--concurrency", "1", "-Q", "default,sync", "--loglevel",
                               "WARNING", "--without-gossip", "--without-mingle"], env=env, cwd=tmp_path)
    try:
        client = Celery(broker=f"sqla+{env['BROKER_DATABASE_URL']}")
        client.conf.broker_transport_options = {"connect_args": {"timeout": 30}}
        client.send_task("marketsync.sync.run_sync_pipeline", queue="default")
        deadline, runs = time.monotonic() + 90, []
        while time.monotonic() < deadline and not runs:
            with session_scope(sqlite_engine) as session:
                runs = list(session.scalars(select(SyncRun).where(SyncRun.status != "running")))
            time.sleep(0.3)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert runs and runs[0].status == "succeeded", runs and runs[0].error
    assert any(shared.iterdir()), "the worker wrote its values to the shared folder"

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(shared))  # this test process is the web
    with TestClient(create_app()) as web:
        text = web.get("/metrics", auth=AUTH).text

    assert sample(text, "marketsync_sync_runs_total", pipeline=runs[0].pipeline, status="succeeded") == 1
    assert (sample(text, "marketsync_api_calls_total", system="vk", status="200") or 0) >= 1
    assert (sample(text, "marketsync_api_calls_total", system="evotor", status="200") or 0) >= 1
    assert (sample(text, "marketsync_rate_limit_wait_seconds_count", system="vk") or 0) >= 1
