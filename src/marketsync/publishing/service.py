"""Publishing use cases the CLI, pages and tasks call: publish the hub catalog to one marketplace, and say what
happened in lines a seller reads."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from marketsync.connections.service import get_connection, system_title
from marketsync.connectors.errors import ConnectorError
from marketsync.db import session_factory, session_scope
from marketsync.dictionaries.service import DictionaryError
from marketsync.publishing import alerts
from marketsync.sync.card_exporter import Poller
from marketsync.sync.card_plan import describe
from marketsync.sync.pipelines.publish import SYSTEMS, PublishReport, publish_cards
from marketsync.sync.runs import SyncError


class PublishError(Exception):
    """A publish that cannot start (unknown channel, marketplace not connected); the message is one line."""


def publish(engine: Engine, *, account_id: int, channel: str, dry_run: bool = False,
            poller: Poller | None = None) -> PublishReport:
    """Publish the cabinet's hub catalog to `channel` (ozon, wb, ym) and wait for the marketplace's verdicts."""
    system = SYSTEMS.get(channel)
    if system is None:
        raise PublishError(f"unknown channel {channel!r}: ozon, wb or ym")
    with session_factory(engine)() as session:
        conn = get_connection(session, account_id, system)
        if conn is None:
            raise PublishError(f"{system_title(system)} is not connected: `marketsync connect {channel}` first")
        try:
            return publish_cards(session, engine, conn, channel, dry_run=dry_run, poller=poller)
        except SyncError as exc:  # another publish holds the lease, or the balance is spent
            raise PublishError(str(exc)) from exc
        except ConnectorError as exc:  # the marketplace refused the credentials, or stayed away
            raise PublishError(f"{system_title(system)}: {exc.message}") from exc
        except DictionaryError as exc:  # its category dictionary could not be read (the same causes)
            raise PublishError(f"{system_title(system)}: {exc}") from exc


def report_lines(report: PublishReport) -> list[str]:
    """One line per product not sent or refused, and per price the marketplace did not take, for the terminal."""
    system = system_title(SYSTEMS[report.channel])
    lines = [describe(action) for action in report.held_back]
    lines += [f"{sku}: refused by {system}: {'; '.join(errors)}" for sku, errors in report.counts.refused.items()]
    lines += [f"{sku}: {system} has not answered yet (still processing): the next publish asks again"
              for sku in report.counts.pending]
    lines += [f"{sku}: price not updated: {why}" for sku, why in report.counts.price_problems.items()]
    return lines


def summary(report: PublishReport) -> str:
    """The counts line; a dry run counts what would be created and updated."""
    if report.run is not None and report.run.dry_run:
        created = sum(1 for action in report.would_send if action.create)
        return (f"created={created} updated={len(report.would_send) - created} unchanged={report.unchanged} "
                f"rejected={report.rejected}")
    counts = report.counts
    return f"created={counts.created} updated={counts.updated} unchanged={report.unchanged} rejected={report.rejected}"


def enqueue_publish(account_id: int, channels: list[str]) -> None:
    """Queue one publish per channel (after the caller's commit: the task reads what was committed)."""
    from marketsync.worker import celery_app

    for channel in channels:
        celery_app.signature("marketsync.publishing.publish_catalog", args=(account_id, channel)).apply_async()


def publish_and_alert(engine: Engine, *, account_id: int, channel: str) -> str:
    """Publish as a queued task does: a publish that stops opens the marketplace's alert (once per episode) and the
    next one that runs closes it; return the counts line, or why it stopped."""
    system = SYSTEMS.get(channel, channel)
    try:
        report = publish(engine, account_id=account_id, channel=channel)
    except PublishError as exc:
        with session_scope(engine) as session:
            if get_connection(session, account_id, system) is not None and \
                    alerts.raise_alert(session, account_id=account_id, system=system, error=str(exc)):
                session.commit()
                alerts.deliver(session, account_id=account_id)
        return str(exc)
    with session_scope(engine) as session:
        if alerts.clear_alert(session, account_id=account_id, system=system):
            session.commit()
            alerts.deliver(session, account_id=account_id)
    return summary(report)
