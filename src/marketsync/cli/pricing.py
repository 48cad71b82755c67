"""`marketsync pricing …`: a cabinet's markup per channel (ozon, wb, ym, feed:NAME), the price each one gets."""

from __future__ import annotations

import typer

from marketsync.cli.common import account_of, fail, session
from marketsync.pricing import service
from marketsync.pricing.rules import MarkupError

app = typer.Typer(help="Per-channel markups of the catalog price.", no_args_is_help=True)


@app.command("set")
def set_markup(user: str = typer.Option(..., "--user", help="The user's e-mail."),
               channel: str = typer.Option(..., "--channel", help="ozon, wb, ym or feed:NAME."),
               percent: str = typer.Option("", "--percent", help="Markup in percent (-99..1000)."),
               add: str = typer.Option("", "--add", help="Rubles added after the percent."),
               rounding: str = typer.Option("none", "--round", help="none, 1, 10 or 99 (up to …99 ₽)."),
               min_price: str = typer.Option("", "--min", help="The lowest price sent, in rubles.")) -> None:
    """Create or change one channel's markup."""
    with session() as s:
        try:
            rule = service.save_rule(s, account_id=account_of(s, user), channel=channel, percent=percent, add=add,
                                     rounding=rounding, min_price=min_price)
        except MarkupError as exc:
            fail(str(exc))
        typer.echo(_line(rule.channel, rule.percent, rule.add, rule.rounding, rule.min_price))


@app.command("remove")
def remove(user: str = typer.Option(..., "--user", help="The user's e-mail."),
           channel: str = typer.Option(..., "--channel", help="ozon, wb, ym or feed:NAME.")) -> None:
    """Remove a channel's markup: it gets the catalog price."""
    with session() as s:
        if not service.delete_rule(s, account_id=account_of(s, user), channel=channel):
            fail(f"no markup for {channel}")
    typer.echo(f"{channel}: catalog price")


@app.command("show")
def show(user: str = typer.Option(..., "--user", help="The user's e-mail.")) -> None:
    """Print one line per channel with a markup."""
    with session() as s:
        for rule in service.rules_of(s, account_id=account_of(s, user)):
            typer.echo(_line(rule.channel, rule.percent, rule.add, rule.rounding, rule.min_price))


def _line(channel: str, percent: object, add: object, rounding: str, min_price: object) -> str:
    return f"{channel}: percent={percent} add={add} round={rounding} min={min_price if min_price is not None else '-'}"
