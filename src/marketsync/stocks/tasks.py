"""Thin Celery wrappers around the stock flows: beat finds the (cabinet, marketplace) pairs whose interval
has passed and sends one task per cabinet, so the source is refreshed once for all its marketplaces; hourly the
stock monitor checks every cabinet (alerts raised, cleared and sent), and on Mondays each gets its weekly report."""

from __future__ import annotations

import logging

from marketsync.db import get_engine, session_scope
from marketsync.stocks import monitor_service, report, service
from marketsync.worker import celery_app

log = logging.getLogger(__name__)


@celery_app.task(name="marketsync.stocks.run_stock_pipelines")
def run_stock_pipelines() -> int:
    """Beat entry: enqueue a push and a pull for every cabinet whose marketplaces are due; return how many."""
    with session_scope() as session:
        pushes = service.due_by_account(session, service.PUSH)
        pulls = service.due_by_account(session, service.PULL)
    for account_id, systems in pushes.items():
        service.enqueue(account_id, systems, pull=False)
    for account_id, systems in pulls.items():
        service.enqueue(account_id, systems, pull=True)
    return len(pushes) + len(pulls)


@celery_app.task(name="marketsync.stocks.push_stocks")
def push_stocks(account_id: int, systems: list[str], requested: bool = False) -> int:
    """Refresh the cabinet's source, then push its stock to each marketplace; return how many succeeded.

    `requested`: the seller asked for it now (the page's button), so it runs whether or not it is due."""
    if not requested:
        with session_scope() as session:  # a duplicate sent while the worker was busy finds nothing due any more
            systems = [s for s in service.due_by_account(session, service.PUSH).get(account_id, []) if s in systems]
    outcomes = service.sync_stocks(get_engine(), account_id=account_id, systems=systems)
    for outcome in outcomes:
        if not outcome.ok:
            log.warning("cabinet %s, %s: stock push not complete: %s", account_id, outcome.title,
                        outcome.error or f"{outcome.report.rejected if outcome.report else 0} rejected")
    return sum(outcome.ok for outcome in outcomes)


@celery_app.task(name="marketsync.stocks.pull_stocks")
def pull_stocks(account_id: int, systems: list[str]) -> int:
    """Read each marketplace's FBS and FBO stock of the cabinet; return how many were read."""
    done = 0
    with session_scope() as session:
        systems = [s for s in service.due_by_account(session, service.PULL).get(account_id, []) if s in systems]
    for system in systems:
        try:
            done += service.pull_stocks(get_engine(), account_id=account_id, system=system) is not None
        except Exception as exc:  # one marketplace failing never stops the others; its run records why
            log.warning("cabinet %s, %s: stock pull failed: %s", account_id, system, exc)
    return done


@celery_app.task(name="marketsync.stocks.monitor")
def monitor() -> int:
    """Beat entry (hourly): the health check of every cabinet with a marketplace; return how many are unhealthy."""
    with session_scope() as session:
        accounts = monitor_service.monitored_accounts(session)
    unhealthy = 0
    for account_id in accounts:
        try:
            unhealthy += not monitor_service.run_monitor(get_engine(), account_id=account_id).healthy
        except Exception:  # one cabinet failing never stops the others' checks
            log.exception("cabinet %s: the stock monitor failed", account_id)
    return unhealthy


@celery_app.task(name="marketsync.stocks.weekly_report")
def weekly_report() -> int:
    """Beat entry (Mondays): mail every cabinet's weekly stock report; return how many went out."""
    with session_scope() as session:
        accounts = monitor_service.monitored_accounts(session)
    sent = 0
    for account_id in accounts:
        outcome = report.send_weekly_report(get_engine(), account_id=account_id)
        if not outcome.sent:
            log.warning("cabinet %s: the weekly stock report was not sent: %s", account_id, outcome.error)
        sent += outcome.sent
    return sent
