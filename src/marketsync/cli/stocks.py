"""`marketsync stocks …`: per-marketplace stock settings and a foreground stock sync for cron.

Exit codes monitoring can use: 0 every push succeeded; 1 some items were rejected or still failed after the
retries, or another run of the cabinet holds the lock; 2 a connection is misconfigured (401/403, an unknown
warehouse or campaign, not connected).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from marketsync.cli.common import account_of, fail, session
from marketsync.db import get_engine
from marketsync.stocks import service
from marketsync.stocks.service import SOURCES, MarketOutcome, StockSetupError

if TYPE_CHECKING:
    from marketsync.sync.models import SyncRun

app = typer.Typer(help="Stock sync with Ozon, Wildberries and Yandex Market.", no_args_is_help=True)
OK, FAILED, MISCONFIGURED = 0, 1, 2


@app.command("config")
def config(user: str = typer.Option(..., "--user", help="The user's e-mail."),
           source: str = typer.Option(..., "--source", help="ozon, wb or ym."),
           reserve: int | None = typer.Option(None, "--reserve", help="Units held back on this marketplace.")) -> None:
    """Show or change a cabinet's stock settings for one marketplace."""
    try:
        with session() as s:
            cfg = service.configure(s, account_id=account_of(s, user), system=service.system_of(source),
                                    reserve=reserve)
            typer.echo(f"source={source} reserve={cfg.reserve} enabled={str(cfg.enabled).lower()} "
                       f"interval_hours={cfg.interval_seconds / 3600:g}")
    except StockSetupError as exc:
        fail(str(exc))


def _line(outcome: MarketOutcome) -> str:
    report = outcome.report
    if report is None:
        return f"{outcome.title}: {outcome.error}"
    return (f"{outcome.title}: matched {report.matched}, changed {report.changed}, pushed {report.pushed}, "
            f"rejected {report.rejected}, unmatched {report.unmatched}")


@app.command("sync")
def sync(user: str | None = typer.Option(None, "--user", help="One user's cabinet; every cabinet without it."),
         source: str = typer.Option(..., "--source", help="all, ozon, wb or ym."),
         full_resync: bool = typer.Option(False, "--full-resync", help="Push every matched item."),
         test_mode: bool = typer.Option(False, "--test-mode", help="Print what would change; write nothing.")) -> None:
    """Refresh Evotor, read the marketplaces' offers and stocks, then push, in this process."""
    try:
        systems = list(SOURCES.values()) if source == "all" else [service.system_of(source)]
    except StockSetupError as exc:
        fail(str(exc))
    with session() as s:
        accounts = [account_of(s, user)] if user else service.stock_accounts(s)
    code = OK
    # The bar goes to a terminal only: cron and monitoring read stdout, one line per marketplace.
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True,
                  console=console, disable=not console.is_terminal) as progress:
        task = progress.add_task("stocks", total=None)

        def on_progress(run: SyncRun) -> None:
            progress.update(task, description=f"{run.source} {run.stage or ''}", completed=run.progress_done,
                            total=run.progress_total or None)

        outcomes = []
        for account_id in accounts:
            # A named source must be connected; with `all`, a cabinet pushes to what it has connected.
            asked = systems if source != "all" else _connected(account_id)
            outcomes += [(account_id, o) for o in service.sync_stocks(
                get_engine(), account_id=account_id, systems=asked, full_resync=full_resync, test_mode=test_mode,
                on_progress=on_progress)]
    for account_id, outcome in outcomes:
        prefix = f"[cabinet {account_id}] " if user is None else ""
        for line in outcome.report.plan if outcome.report and test_mode else []:
            typer.echo(f"{prefix}{outcome.title}: would push {line}")
        typer.echo(prefix + _line(outcome))
        if outcome.misconfigured:
            code = MISCONFIGURED
        elif not outcome.ok and code == OK:
            code = FAILED
    if not outcomes:
        typer.echo("no marketplace is connected")
    raise typer.Exit(code)


def _connected(account_id: int) -> list[str]:
    with session() as s:
        return [conn.system for conn in service.connected_marketplaces(s, account_id)]
