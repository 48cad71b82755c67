"""The publishing pipeline on a real Celery worker, with Redis and with RabbitMQ (quorum queues) as the broker: a
publish task sent by name leaves every complete card accepted by the marketplace, as the CLI's publish does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from brokers import queue_types, rabbitmq_or_skip
from dictionary_world import add_category, connect_marketplaces
from feed_builders import cabinet
from marketsync.db import session_scope
from marketsync.dictionaries.mappings import map_category
from marketsync.publishing.models import CardPublication
from marketsync.sandbox.server import ServerThread
from marketsync.settings import Settings, get_settings
from marketsync.worker import create_celery

from .test_publish_cards import pan

pytestmark = pytest.mark.timeout(240)


def _accepted(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(session.scalar(select(func.count()).select_from(CardPublication)
                                  .where(CardPublication.state == "accepted")) or 0)


@pytest.mark.parametrize(("engine", "broker"), [("postgresql", "redis"), ("postgresql", "rabbitmq")],
                         indirect=["engine"])
def test_a_worker_publishes_the_catalog_through_the_broker(
        broker: str, engine: Engine, sandbox_state: Any, sandbox: ServerThread, tmp_path: Path,
        scratch_redis: Callable[[str], str], monkeypatch: pytest.MonkeyPatch) -> None:
    # The test and its worker share rate limits in Redis, as a distributed install does, never the session's
    # SQLite limiter file: a worker killed at the end must not leave that file's lock behind for later tests.
    monkeypatch.setenv("REDIS_URL", scratch_redis("redis://127.0.0.1:6379/14"))
    monkeypatch.setenv("RATE_LIMIT_DB_PATH", str(tmp_path / "ratelimit.sqlite"))
    get_settings.cache_clear()
    account = cabinet(engine)
    connect_marketplaces(engine, sandbox_state, account)
    sandbox_state.ozon.import_processing_s = 0
    add_category(engine, account, "Кастрюли", [pan(sandbox, "PAN-1"), pan(sandbox, "PAN-2")])
    with session_scope(engine) as session:
        map_category(session, account_id=account, category_name="Кастрюли", channel="ozon", target="17028922:91565")

    env = dict(os.environ)
    if broker == "rabbitmq":
        env["BROKER_URL"] = rabbitmq_or_skip()
    client = create_celery(Settings(BROKER_URL=env.get("BROKER_URL"), REDIS_URL=env["REDIS_URL"]))
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "marketsync.worker:celery_app", "worker",
                               "--pool", "threads", "--concurrency", "2", "-Q", "default,sync", "--loglevel",
                               "WARNING", "--without-gossip", "--without-mingle"], env=env, cwd=tmp_path)
    try:
        client.signature("marketsync.publishing.publish_catalog", args=(account, "ozon")).apply_async()
        deadline = time.monotonic() + 120
        while _accepted(engine) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert _accepted(engine) == 2
    assert sorted(p.offer_id for s in sandbox_state.ozon.sellers() for p in s.products.values()
                  if p.offer_id.startswith("PAN-")) == ["PAN-1", "PAN-2"]
    if broker == "rabbitmq":
        assert queue_types().get("sync") == "quorum"
