"""`marketsync sync …`: pricing settings and a foreground catalog sync with a progress bar."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from marketsync.catalog.pricing import MultiplierError
from marketsync.cli.common import account_of, fail, session
from marketsync.db import get_engine
from marketsync.sync import service
from marketsync.sync.chain import StepFailedError

if TYPE_CHECKING:
    from marketsync.sync.models import SyncRun


app = typer.Typer(help="Sync settings and runs.", no_args_is_help=True)


@app.command("config")
def config(user: str = typer.Option(..., "--user", help="The user's e-mail."),
           price_multiplier: str | None = typer.Option(None, "--price-multiplier", help="e.g. 1.2"),
           vk_stock: str | None = typer.Option(None, "--vk-stock",
                                               help="VK's stock: fixed (VK_STOCK_AMOUNT) or real.")) -> None:
    """Show or change the cabinet's sync settings."""
    with session() as s:
        account_id = account_of(s, user)
        try:
            cfg = service.save_config(s, account_id=account_id, price_multiplier=price_multiplier,
                                      vk_stock_mode=vk_stock)
        except (MultiplierError, service.StockModeError) as exc:
            fail(str(exc))
        typer.echo(f"catalog_enabled={str(cfg.catalog_enabled).lower()} "
                   f"price_multiplier={Decimal(cfg.price_multiplier).normalize()} vk_stock={cfg.vk_stock_mode}")


def summary(run: SyncRun) -> str:
    """The one line a sync ends with."""
    return (f"created={run.created} updated={run.updated} hidden={run.hidden} skipped={run.skipped} "
            f"failed={run.failed}")


@app.command("catalog")
def catalog(user: str = typer.Option(..., "--user", help="The user's e-mail."),
            dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan; write nothing to VK.")) -> None:
    """Run Evotor → VK now, in this process: refresh, read VK, mirror."""
    with session() as s:
        account_id = account_of(s, user)
    plan: list[str] = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  transient=True) as progress:
        task = progress.add_task("sync", total=None)

        def on_progress(run: SyncRun) -> None:
            progress.update(task, description=run.stage or "sync", completed=run.progress_done,
                            total=run.progress_total or None)

        try:
            run = service.run_catalog_sync(get_engine(), account_id=account_id, dry_run=dry_run,
                                           on_progress=on_progress, plan_lines=plan if dry_run else None)
        except StepFailedError as exc:
            fail(str(exc))
    for line in plan:
        typer.echo(line)
    for error in (run.details or {}).get("errors", [])[:20]:
        typer.echo(f"failed: {error}", err=True)
    if run.status not in ("succeeded", "failed") or run.error:
        typer.echo(summary(run))
        fail(run.error or f"the run ended as {run.status}")
    typer.echo(summary(run))
    if run.failed:
        raise typer.Exit(1)
