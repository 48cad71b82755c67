"""A real Celery worker runs the chain: on Redis and on RabbitMQ (distributed; RabbitMQ's queues are quorum
queues) and on the embedded SQLite broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest
from celery import Celery
from sqlalchemy import select

from brokers import queue_types, rabbitmq_or_skip
from builders import seed_catalog, seller, vk_items
from marketsync.db import session_scope
from marketsync.sandbox.server import free_port
from marketsync.settings import Settings
from marketsync.sync.models import SyncRun
from marketsync.worker import create_celery

pytestmark = pytest.mark.timeout(180)


def wait_for_runs(engine, count: int, timeout: float = 90) -> list[SyncRun]:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope(engine) as session:
            done = list(session.scalars(select(SyncRun).where(SyncRun.status != "running")))
        if len(done) >= count:
            return done
        time.sleep(0.3)
    raise AssertionError(f"only {len(done)} of {count} runs finished in {timeout} s")


# The embedded broker goes with SQLite; a distributed install runs Redis or RabbitMQ with any database.
@pytest.mark.parametrize(("engine", "broker"), [("sqlite", "embedded"), ("sqlite", "redis"),
                                               ("postgresql", "redis"), ("mariadb", "redis"),
                                               ("postgresql", "rabbitmq")], indirect=["engine"])
def test_worker_runs_each_accounts_chain_and_one_failure_stays_with_its_account(
        broker, engine, sandbox_state, tmp_path, scratch_redis):  # type: ignore[no-untyped-def]
    good = seed_catalog(sandbox_state, prefix="g", groups=2, per_group=3, not_for_sale=0)
    bad = seed_catalog(sandbox_state, prefix="x", groups=1, per_group=2)
    good_account = seller(engine, good, email="good@example.ru")
    seller(engine, bad, email="bad@example.ru")
    sandbox_state.vk.revoke_token(bad.vk_token)

    env = dict(os.environ)
    if broker == "redis":
        env["REDIS_URL"] = scratch_redis("redis://127.0.0.1:6379/15")
        broker_url = env["REDIS_URL"]
    elif broker == "rabbitmq":
        env["REDIS_URL"] = scratch_redis("redis://127.0.0.1:6379/15")  # the shared rate limits stay in Redis
        env["BROKER_URL"] = broker_url = rabbitmq_or_skip()
    else:
        env.pop("REDIS_URL", None)
        env["BROKER_DATABASE_URL"] = f"sqlite:///{tmp_path / 'broker.db'}"
        broker_url = f"sqla+{env['BROKER_DATABASE_URL']}"
        subprocess.run([sys.executable, "-c", "from marketsync.worker import celery_app, declare_queues;"
                        "declare_queues(celery_app)"], env=env, check=True)
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "marketsync.worker:celery_app", "worker",
                               "--pool", "threads", "--concurrency", "2", "-Q", "default,sync", "--loglevel",
                               "WARNING", "--without-gossip", "--without-mingle"], env=env, cwd=tmp_path)
    try:
        client = Celery(broker=broker_url)
        if broker == "rabbitmq":  # the product's own app, so the queues are declared as the worker declares them
            client = create_celery(Settings(BROKER_URL=broker_url, REDIS_URL=env["REDIS_URL"]))
        if broker == "embedded":
            client.conf.broker_transport_options = {"connect_args": {"timeout": 30}}
        client.send_task("marketsync.sync.run_sync_pipeline", queue="default")
        runs = wait_for_runs(engine, 2)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)

    by_account = {r.account_id: r for r in runs}
    assert by_account[good_account].status == "succeeded", by_account[good_account].error
    if broker == "rabbitmq":
        types = queue_types()
        assert (types.get("default"), types.get("sync")) == ("quorum", "quorum"), types
    assert len(vk_items(sandbox_state, good)) == 6
    failed = [r for a, r in by_account.items() if a != good_account]
    assert failed[0].status == "failed" and "VK error 5" in (failed[0].error or "")


def test_embedded_run_mirrors_on_its_own_schedule_and_stops_on_sigterm(sqlite_engine, sandbox_state, tmp_path):
    catalog = seed_catalog(sandbox_state, prefix="e", groups=1, per_group=3, not_for_sale=0)
    seller(sqlite_engine, catalog, email="embedded@example.ru")
    port = free_port()
    env = {**os.environ, "CATALOG_REFRESH_INTERVAL_SECONDS": "2",
           "BROKER_DATABASE_URL": f"sqlite:///{tmp_path / 'broker.db'}"}
    env.pop("REDIS_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "marketsync", "run", "--port", str(port)], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        if health is None:
            proc.kill()
            raise AssertionError(f"`marketsync run` did not answer /health:\n{proc.communicate()[0][-3000:]}")
        assert health.status_code == 200, health.text
        # Beat ticks every 2 s, so a tick may land while the first chain runs: that one is skipped by the lock.
        deadline = time.monotonic() + 90
        runs = wait_for_runs(sqlite_engine, 1)
        while not any(r.status == "succeeded" for r in runs) and time.monotonic() < deadline:
            time.sleep(0.3)
            runs = wait_for_runs(sqlite_engine, 1)
        assert any(r.status == "succeeded" for r in runs), [(r.status, r.error) for r in runs]
        assert all(r.status == "succeeded" or (r.status == "skipped" and "still running" in (r.error or ""))
                   for r in runs), [(r.status, r.error) for r in runs]
        assert len(vk_items(sandbox_state, catalog)) == 3
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=40)
    assert proc.returncode == 0, output[-2000:]
    assert "stopped" in output
