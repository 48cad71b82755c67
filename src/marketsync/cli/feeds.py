"""`marketsync feeds …`: create a cabinet's YML feed (printing its URL), rebuild it now, list them."""

from __future__ import annotations

import typer

from marketsync.cli.common import account_of, fail, session
from marketsync.feeds import service
from marketsync.feeds.service import FeedBuildError, FeedError

app = typer.Typer(help="YML feeds of the catalog hub, served at BASE_URL.", no_args_is_help=True)


@app.command("create")
def create(user: str = typer.Option(..., "--user", help="The user's e-mail."),
           name: str = typer.Option(..., "--name", help="The feed's name (Latin letters, digits, - and _)."),
           markup: str | None = typer.Option(None, "--markup", help="Prices with this channel's markup: ozon, wb, "
                                             "ym or feed:NAME (default: the feed's own, else the catalog price)."),
           category: list[str] = typer.Option([], "--category", help="Only this category and its subcategories "
                                              "(repeatable; default: every product)."),
           in_stock_only: bool = typer.Option(False, "--in-stock-only", help="Only products in stock.")) -> None:
    """Create the feed (or change an existing one's given options), build it, and print its URL."""
    error = None
    with session() as s:
        try:
            feed, _created = service.create_feed(s, account_id=account_of(s, user), name=name, price_channel=markup,
                                                 categories=category or None, in_stock_only=in_stock_only)
        except FeedError as exc:
            fail(str(exc))
        url = service.feed_url(feed)
        try:  # built now, so the URL answers as soon as it is printed
            service.rebuild(s, feed)
        except FeedBuildError as exc:
            error = str(exc)  # recorded on the feed; committed with it
    typer.echo(url)
    if error:
        fail(error)


@app.command("build")
def build(user: str = typer.Option(..., "--user", help="The user's e-mail."),
          name: str = typer.Option(..., "--name", help="The feed's name.")) -> None:
    """Regenerate the feed now; print its offer count, file and URL."""
    error = None
    with session() as s:
        try:
            path = service.build_feed(s, account_id=account_of(s, user), name=name)
            feed = service.feed_by_name(s, account_id=account_of(s, user), name=name)
            line = f"offers={feed.offers_count} path={path} url={service.feed_url(feed)}"
        except FeedError as exc:
            fail(str(exc))
        except FeedBuildError as exc:
            error = str(exc)  # recorded on the feed (committed), the last good file is still served
    if error:
        fail(error)
    typer.echo(line)


@app.command("list")
def list_feeds(user: str = typer.Option(..., "--user", help="The user's e-mail.")) -> None:
    """Print one line per feed: name, offers, last build, URL, and the last error if any."""
    with session() as s:
        rows = service.feed_rows(s, account_id=account_of(s, user))
    for row in rows:
        built = row.last_built_at.isoformat(timespec="seconds") if row.last_built_at else "never"
        error = f" error={row.error}" if row.error else ""
        typer.echo(f"{row.name} offers={row.offers if row.offers is not None else 0} built={built} "
                   f"url={row.url}{error}")
    if not rows:
        typer.echo("no feeds")
