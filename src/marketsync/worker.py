"""The Celery app: broker from the settings, queues, routes and the whole beat schedule in one table.

Embedded mode uses kombu's SQLAlchemy transport on its own SQLite file (never the application's); its
queues are declared once by `marketsync migrate`, because on a fresh broker database the embedded beat and
the worker race to declare them and one fails on kombu_queue's unique name.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from celery import Celery
from celery.schedules import crontab
from celery.signals import beat_init, task_prerun, worker_init
from celery.signals import setup_logging as celery_setup_logging
from kombu import Queue
from sqlalchemy.engine import make_url

from marketsync.db import ping_database
from marketsync.logs import bind_context, clear_context, setup_logging
from marketsync.settings import Settings, get_settings

QUEUES = ("default", "sync")
QUORUM = {"x-queue-type": "quorum"}
ROUTES = {"marketsync.sync.mirror_to_vk": {"queue": "sync"}, "marketsync.stocks.push_stocks": {"queue": "sync"},
          "marketsync.stocks.pull_stocks": {"queue": "sync"},
          "marketsync.notifications.pull_events": {"queue": "sync"},
          "marketsync.publishing.publish_catalog": {"queue": "sync"}}


DELIVERY_TICK_SECONDS = 30
CASDOOR_TICK_SECONDS = 15.0
FEED_TICK_SECONDS = 60.0
HUB_FEED_TICK_SECONDS = 60.0


def beat_schedule(settings: Settings) -> dict[str, dict[str, object]]:
    """Return every periodic entry of the product."""
    return {
        "catalog-sync-pipeline": {
            "task": "marketsync.sync.run_sync_pipeline",
            "schedule": float(settings.CATALOG_REFRESH_INTERVAL_SECONDS),
        },
        # Each cabinet's stock settings say how often; beat only looks every minute for what is due.
        "stock-pipelines": {"task": "marketsync.stocks.run_stock_pipelines", "schedule": 60.0},
        # The stock-sync tool's cron: the health check every hour, the weekly report on Monday at 09:00 Moscow
        # time (beat keeps UTC; Moscow has been UTC+3 all year since 2014).
        "stock-monitor": {"task": "marketsync.stocks.monitor", "schedule": crontab(minute=0)},
        "stock-weekly-report": {"task": "marketsync.stocks.weekly_report",
                                "schedule": crontab(minute=0, hour=6, day_of_week="mon")},
        # Seller notifications: each cabinet's marketplace events every SYNC_INTERVAL (beat looks every few seconds
        # for the cabinets due; delivery follows each page of events), and delivery on its own tick, so what a
        # crash left pending goes out within one interval.
        "event-syncs": {"task": "marketsync.notifications.sync_cabinets", "schedule": settings.event_tick_seconds},
        "notifications-deliver": {"task": "marketsync.notifications.deliver",
                                  "schedule": float(min(settings.SYNC_INTERVAL, DELIVERY_TICK_SECONDS))},
        # Payments still open at YooKassa are re-read until they settle (a lost notification changes nothing).
        "payments-poll": {"task": "marketsync.billing.poll_payments",
                          "schedule": float(settings.YOOKASSA_POLL_SECONDS)},
        # The tariff: hourly, each cabinet charged once per Moscow day (a missed midnight or a top-up made while
        # paused is charged at the next tick); the ledger's dedup key makes the extra ticks do nothing.
        "tariff-charge": {"task": "marketsync.billing.charge_daily", "schedule": crontab(minute=5)},
        # Casdoor mirrors left behind (Casdoor away, a lost task) are re-sent; with the capped backoff of
        # casdoor/outbox.py everything converges within a minute of Casdoor's return.
        "casdoor-resend": {"task": "marketsync.casdoor.resend_behind", "schedule": CASDOOR_TICK_SECONDS},
        # YML feeds: every minute, each feed whose products, categories, options or markup changed since its last
        # build is rebuilt (and any older than FEED_MAX_AGE_MINUTES); an unchanged feed is not written.
        "feeds-rebuild": {"task": "marketsync.feeds.rebuild_changed", "schedule": FEED_TICK_SECONDS},
        # Suppliers' catalogs: every minute, one fetch task per supplier whose feed URL is due (its own interval).
        "hub-supplier-feeds": {"task": "marketsync.hub.fetch_due", "schedule": HUB_FEED_TICK_SECONDS},
        # Marketplace category dictionaries: daily, at 03:30 UTC, each cached (cabinet, channel) a day old; the
        # first use fetches on its own, and YM's tree (50 requests an hour) is never asked twice within an hour.
        "dictionaries-refresh": {"task": "marketsync.dictionaries.refresh_due",
                                 "schedule": crontab(minute=30, hour=3)},
    }


def create_celery(settings: Settings | None = None) -> Celery:
    """Build the Celery app for these settings."""
    settings = settings or get_settings()
    app = Celery("marketsync", broker=settings.broker_url,
                 include=["marketsync.sync.tasks", "marketsync.stocks.tasks", "marketsync.notifications.tasks",
                          "marketsync.billing.tasks", "marketsync.casdoor.tasks",
                          "marketsync.feeds.tasks", "marketsync.dictionaries.tasks",
                          "marketsync.publishing.tasks", "marketsync.hub.tasks"])
    app.conf.update(
        task_default_queue="default",
        task_queues=[Queue(name, queue_arguments=QUORUM if settings.broker_is_rabbitmq else None) for name in QUEUES],
        task_routes=ROUTES,
        beat_schedule=beat_schedule(settings),
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        task_acks_late=False,
        timezone="UTC",
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    if settings.broker_is_rabbitmq:
        # Quorum queues are replicated and survive a broker node's loss; they allow no global QoS, which Celery
        # detects and leaves out. Publisher confirms: a task is sent only once RabbitMQ has stored it.
        app.conf.task_default_queue_type = "quorum"
        app.conf.worker_detect_quorum_queues = True
        app.conf.broker_transport_options = {"confirm_publish": True}
    if settings.is_embedded:
        database = make_url(settings.BROKER_DATABASE_URL).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        app.conf.broker_transport_options = {"connect_args": {"timeout": 30, "check_same_thread": False}}
        app.conf.broker_transport_options_polling_interval = 0.5
    return app


@celery_setup_logging.connect
def _log_as_every_process(**_kwargs: object) -> None:
    """The worker and beat take the logging of marketsync.logs (LOG_LEVEL, LOG_FILE) instead of Celery's own."""
    setup_logging()


@task_prerun.connect
def _name_the_task(task_id: str | None = None, **_kwargs: object) -> None:
    """Start each task's log lines afresh with its own id (a pool thread's last run id must not carry over)."""
    clear_context()
    bind_context(task_id=task_id)


def ping_broker(*, timeout: float) -> None:
    """PING Redis, connect to RabbitMQ, or open the embedded SQLite broker; raise when the broker cannot be reached."""
    settings = get_settings()
    if settings.broker_is_rabbitmq:
        from kombu import Connection

        with Connection(settings.broker_url, connect_timeout=timeout) as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout)
        return
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
        return
    url = make_url(settings.BROKER_DATABASE_URL)
    if url.get_backend_name() != "sqlite":
        ping_database(settings.BROKER_DATABASE_URL)
        return
    # The worker creates the file on first use too; a missing folder or a locked/corrupt file fails here.
    connection = sqlite3.connect(url.database or ":memory:", timeout=timeout)
    try:
        connection.execute("SELECT 1").fetchone()
    finally:
        connection.close()


def declare_queues(app: Celery) -> None:
    """Declare every queue on the broker once (see the module docstring)."""
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        for name in QUEUES:
            Queue(name).bind(channel).declare()


@worker_init.connect
def _install_switches(**_kwargs: object) -> None:
    """The operator's read-only switch before every write a task makes, and the breakers' states recorded."""
    from marketsync.ops import service as ops_service

    ops_service.install()


@beat_init.connect
def _beat_dies_with_its_parent(**_kwargs: object) -> None:
    # The embedded beat is a fork of the worker, where PR_SET_PDEATHSIG is cleared: without this, a SIGKILLed
    # worker (itself killed because `marketsync run` died) would leave beat running and enqueueing.
    from marketsync.processes import die_with_parent

    die_with_parent()


celery_app = create_celery()
