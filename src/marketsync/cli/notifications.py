"""`marketsync notifications …`: a Telegram person's notification switches and their history (a fixed interface:
checks outside this repository drive it)."""

from __future__ import annotations

import json

import typer

from marketsync.cli.common import fail, session
from marketsync.notifications.service import TYPES, NotificationError, history, switch

app = typer.Typer(help="Seller notifications in Telegram: switches and history.", no_args_is_help=True)


@app.command("settings")
def settings(telegram_id: int = typer.Option(..., "--telegram-id", help="The person's Telegram id."),
             kind: str = typer.Option("all", "--type", help=f"all or one of: {', '.join(TYPES)}."),
             on: bool = typer.Option(..., "--on/--off", help="Switch it on or off.")) -> None:
    """Turn one notification type (or all of them) on or off for a Telegram person."""
    try:
        with session() as s:
            now = switch(s, telegram_id=telegram_id, kind=kind, on=on)
    except NotificationError as exc:
        fail(str(exc))
    typer.echo(" ".join(f"{name}={'on' if value else 'off'}" for name, value in now.items()))


@app.command("history")
def show_history(telegram_id: int = typer.Option(..., "--telegram-id", help="The person's Telegram id."),
                 as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
                 limit: int = typer.Option(100, "--limit", min=1, help="How many, newest first.")) -> None:
    """List a Telegram person's notifications, newest first: type, WB id, state and when it was sent."""
    try:
        with session() as s:
            entries = history(s, telegram_id, limit=limit)
    except NotificationError as exc:
        fail(str(exc))
    for entry in entries:
        if as_json:
            typer.echo(json.dumps(entry.as_json(), ensure_ascii=False))
        else:
            sent = entry.sent_at.strftime("%Y-%m-%d %H:%M:%S UTC") if entry.sent_at else "-"
            typer.echo(f"{entry.type:<20} {entry.wb_id:<32} {entry.state:<8} {sent}")
