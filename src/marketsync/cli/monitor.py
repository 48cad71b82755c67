"""`marketsync monitor` and `marketsync check-connections`: the stock monitor for cron, and the operator's check.

monitor takes exactly one of --health-check (every check), --check-last-sync (the age of the last successful
push), --detect-anomalies (a stock total jump, far fewer products listed) and --weekly-report; without --user,
every cabinet with a marketplace connection. It prints one line per cabinet and marketplace; alerts are raised,
cleared and delivered as a side effect of the checks. Exit 0 healthy (or every report sent), 1 not.
check-connections prints a ✓ or ✗ line per marketplace connection, the database, the broker and SMTP (and the
alerts' Telegram bot when BOT_TOKEN is set); exit 0 only when none is ✗.
"""

from __future__ import annotations

import typer

from marketsync.cli.common import account_of, session
from marketsync.db import get_engine
from marketsync.stocks import diagnostics, monitor_service, report
from marketsync.stocks.alerts import explain
from marketsync.stocks.monitor_service import MonitorOutcome, SourceHealth
from marketsync.sync.monitor import ANOMALIES, HEALTH, LAST_SYNC

HEALTHY, UNHEALTHY = 0, 1


def _cabinets(user: str | None) -> list[int]:
    with session() as s:
        return [account_of(s, user)] if user else monitor_service.monitored_accounts(s)


def _figures(source: SourceHealth) -> str:
    facts = source.facts
    parts = []
    if facts.last is not None:
        parts.append(f"last successful sync {source.age_hours:g} h ago")
    if facts.product_count is not None:
        parts.append(f"{facts.product_count} products listed")
    if facts.last is not None and facts.last.stock_total is not None:
        parts.append(f"stock total {facts.last.stock_total}")
    return ", ".join(parts) or "waiting for the first sync"


def _line(outcome: MonitorOutcome, source: SourceHealth) -> str:
    if source.healthy:
        text = f"{source.title}: ✓ healthy ({_figures(source)})"
    else:
        text = f"{source.title}: ✗ " + "; ".join(explain(f.kind, f.details) for f in source.findings)
    raised = [a.kind for a in outcome.raised if a.source == source.system]
    cleared = [a.kind for a in outcome.cleared if a.source == source.system]
    return text + (f" [alert raised: {', '.join(raised)}]" if raised else "") + (
        f" [resolved: {', '.join(cleared)}]" if cleared else "")


def _weekly_reports(accounts: list[int], prefix: bool) -> int:
    code = HEALTHY
    for account_id in accounts:
        outcome = report.send_weekly_report(get_engine(), account_id=account_id)
        head = f"[cabinet {account_id} «{outcome.account_name}»] " if prefix else ""
        if outcome.sent:
            typer.echo(f"{head}weekly report sent")
        else:
            typer.echo(f"{head}weekly report not sent: {outcome.error}")
            code = UNHEALTHY
    return code


def monitor(user: str | None = typer.Option(None, "--user", help="One user's cabinet; every cabinet without it."),
            health_check: bool = typer.Option(False, "--health-check", help="Every check: age, products, anomalies."),
            check_last_sync: bool = typer.Option(False, "--check-last-sync",
                                                 help="Is the last successful push younger than MAX_SYNC_AGE_HOURS?"),
            detect_anomalies: bool = typer.Option(False, "--detect-anomalies",
                                                  help="Stock total jumps, far fewer products listed."),
            weekly_report: bool = typer.Option(False, "--weekly-report", help="Mail each cabinet's weekly report.")
            ) -> None:
    """Check the stock sync of every cabinet (or one) and raise, clear and deliver alerts; exit 1 when unhealthy."""
    modes = [mode for mode, on in ((HEALTH, health_check), (LAST_SYNC, check_last_sync),
                                   (ANOMALIES, detect_anomalies), ("report", weekly_report)) if on]
    if len(modes) != 1:
        raise typer.BadParameter("give exactly one of --health-check, --check-last-sync, --detect-anomalies, "
                                 "--weekly-report")
    accounts = _cabinets(user)
    if not accounts:
        typer.echo("no marketplace is connected")
        raise typer.Exit(HEALTHY)
    if modes[0] == "report":
        raise typer.Exit(_weekly_reports(accounts, prefix=user is None))
    code = HEALTHY
    for account_id in accounts:
        outcome = monitor_service.run_monitor(get_engine(), account_id=account_id, mode=modes[0])
        head = f"[cabinet {account_id} «{outcome.account_name}»] " if user is None else ""
        if not outcome.sources:
            typer.echo(f"{head}no marketplace is watched")
        for source in outcome.sources:
            typer.echo(head + _line(outcome, source))
        if outcome.busy:
            typer.echo(f"{head}another monitor run of this cabinet is under way: it raises and sends the alerts",
                       err=True)
        for failure in outcome.delivery.failed:
            typer.echo(f"{head}alert not delivered ({failure}); the next run tries again", err=True)
        if not outcome.healthy:
            code = UNHEALTHY
    raise typer.Exit(code)


def check_connections(user: str | None = typer.Option(None, "--user",
                                                      help="One user's cabinet; every cabinet without it.")) -> None:
    """Check every marketplace connection, the database, the broker and SMTP; exit 1 when any is ✗."""
    lines: list[tuple[str, diagnostics.CheckLine]] = []
    for account_id in _cabinets(user):
        head = "" if user else f"[cabinet {account_id}] "
        with session() as s:
            lines += [(head, line) for line in diagnostics.check_marketplaces(s, account_id=account_id)]
    lines += [("", line) for line in diagnostics.check_services()]
    for head, line in lines:
        typer.echo(f"{head}{'✓' if line.ok else '✗'} {line.name}: {line.message}")
    raise typer.Exit(HEALTHY if all(line.ok for _head, line in lines) else UNHEALTHY)


def register(app: typer.Typer) -> None:
    """Add `monitor` and `check-connections` to the `marketsync` command."""
    app.command("monitor")(monitor)
    app.command("check-connections")(check_connections)
