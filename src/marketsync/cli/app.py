"""The `marketsync` command: one Typer app, one module per command group."""

from __future__ import annotations

import typer

from marketsync.cli import (
    backup,
    billing,
    bot,
    catalog,
    categories,
    connect,
    database,
    feeds,
    filters,
    keys,
    moderation,
    monitor,
    notifications,
    ops,
    pricing,
    serve,
    stocks,
    sync,
    users,
)
from marketsync.logs import setup_logging

app = typer.Typer(help="MarketSync: Evotor → VK Market and marketplace sync.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
app.add_typer(users.app, name="user")
app.add_typer(connect.app, name="connect")
app.add_typer(filters.app, name="filters")
app.add_typer(sync.app, name="sync")
app.add_typer(stocks.app, name="stocks")
app.add_typer(notifications.app, name="notifications")
app.add_typer(billing.app, name="billing")
app.add_typer(keys.app, name="keys")
app.add_typer(moderation.app, name="moderation")
app.add_typer(database.app, name="db")
app.add_typer(backup.app, name="backup")
app.add_typer(ops.app, name="ops")
app.add_typer(feeds.app, name="feeds")
app.add_typer(pricing.app, name="pricing")
app.add_typer(categories.app, name="categories")
app.add_typer(catalog.app, name="catalog")
serve.register(app)
bot.register(app)
monitor.register(app)


@app.command("migrate")
def migrate() -> None:
    """Create or upgrade the database schema."""
    from marketsync.cli.common import fail
    from marketsync.cli.migrate import migrate_database

    try:
        migrate_database()
    except Exception as exc:
        fail(f"migration failed: {exc}")
    typer.echo("database is up to date")


@app.command("demo")
def demo(host: str = serve.HOST, port: int = serve.PORT) -> None:
    """Start everything on the built-in sandbox with demo data and a connected demo account."""
    from marketsync.cli.demo import run_demo

    run_demo(host, port)


def main() -> None:
    """Entry point of the console script."""
    from marketsync.casdoor import hooks
    from marketsync.ops import service as ops_service

    hooks.install()  # users and credits made by commands are mirrored into Casdoor like the pages' ones
    ops_service.install()  # `marketsync sync run` and the like obey the read-only switch too
    setup_logging()  # LOG_LEVEL on the terminal, LOG_FILE if set; every command and the servers it starts
    app()
