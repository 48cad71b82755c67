"""`marketsync categories …`: our categories and their mapping to Ozon, Wildberries and Yandex Market categories."""

from __future__ import annotations

import typer

from marketsync.cli.common import account_of, fail, session
from marketsync.dictionaries.mappings import category_lines, map_category
from marketsync.dictionaries.service import CHANNELS, DictionaryError

app = typer.Typer(help="Our categories and their marketplace categories.", no_args_is_help=True)


@app.command("map")
def map_(user: str = typer.Option(..., "--user", help="The user's e-mail."),
         category: str = typer.Option(..., "--category", help="Our category's name."),
         channel: str = typer.Option(..., "--channel", help="ozon, wb or ym."),
         to: str = typer.Option(..., "--to", help="Ozon DESCRIPTION_CATEGORY_ID:TYPE_ID, WB subject id, YM market "
                                                  "category id.")) -> None:
    """Map one of our categories to a marketplace's leaf category, checked against its dictionary."""
    try:
        with session() as s:
            mapped = map_category(s, account_id=account_of(s, user), category_name=category, channel=channel,
                                  target=to)
    except DictionaryError as exc:
        fail(str(exc))
    typer.echo(f"mapped «{mapped.category}» to {mapped.channel} {mapped.target} «{mapped.path}»")


@app.command("list")
def list_(user: str = typer.Option(..., "--user", help="The user's e-mail.")) -> None:
    """Print our categories, one a line, with their mapping per marketplace."""
    with session() as s:
        lines = category_lines(s, account_id=account_of(s, user))
    for line in lines:
        mapped = " ".join(f"{channel}={line.mappings[channel][0]}" for channel in CHANNELS if channel in line.mappings)
        typer.echo(f"{line.name}\tproducts={line.products}" + (f"\t{mapped}" if mapped else ""))
