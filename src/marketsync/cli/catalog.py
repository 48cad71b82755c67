"""`marketsync catalog …`: the catalog hub from the terminal or cron: supplier files in (import), cards out
(publish)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

import typer

from marketsync.cli.common import account_of, fail, session
from marketsync.db import get_engine
from marketsync.hub.import_service import HubImportError, import_catalog
from marketsync.hub.merge import HubError
from marketsync.hub.packs import make_bundle, make_pack
from marketsync.publishing.service import PublishError, publish, report_lines, summary

app = typer.Typer(help="The catalog hub: supplier catalogs in, marketplace cards out.", no_args_is_help=True)


def _mapping(path: Path | None) -> dict[str, str] | None:
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        fail(f"cannot read the mapping file {path}: {exc}")
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        fail(f'the mapping file {path} must hold a JSON object {{"column": "field", ...}}')
    return data


@app.command("import")
def import_(user: str = typer.Option(..., "--user", help="The user's e-mail."),
            supplier: str = typer.Option(..., "--supplier", help="The supplier's name (created on first use)."),
            file: Path | None = typer.Option(None, "--file", help="The catalog file.", dir_okay=False),
            url: str | None = typer.Option(None, "--url", help="The catalog's URL (downloaded first)."),
            file_format: str | None = typer.Option(None, "--format", help="yml, csv or xlsx (default: the name's)."),
            mapping: Path | None = typer.Option(None, "--mapping", help='JSON {"column": "field", ...} for CSV/XLSX '
                                                "(saved for the supplier)."),
            ) -> None:
    """Import a supplier's YML, CSV or XLSX catalog; print each rejected row, then the counts."""
    if (file is None) == (url is None):
        fail("give exactly one of --file and --url")
    columns = _mapping(mapping)
    try:
        with session() as s:
            report = import_catalog(s, account_id=account_of(s, user), supplier_name=supplier,
                                    source=url if url is not None else str(file), file_format=file_format,
                                    mapping=columns)
    except HubImportError as exc:
        fail(str(exc))
    if report.status == "refused":
        fail(f"file refused, nothing changed: {report.error}")
    for reject in report.rejects:
        typer.echo(f"row {reject['row']}: {reject['reason']}")
    if report.rejected > len(report.rejects):
        typer.echo(f"({report.rejected - len(report.rejects)} more rejected rows not listed)", err=True)
    typer.echo(f"read={report.read} created={report.created} updated={report.updated} "
               f"unchanged={report.unchanged} rejected={report.rejected}")


@app.command("publish")
def publish_(user: str = typer.Option(..., "--user", help="The user's e-mail."),
             channel: str = typer.Option(..., "--channel", help="ozon, wb or ym."),
             dry_run: bool = typer.Option(False, "--dry-run", help="Decide and print, send nothing."),
             ) -> None:
    """Publish the hub catalog's cards and prices to a marketplace and wait for its verdicts."""
    with session() as s:
        account_id = account_of(s, user)
    try:
        report = publish(get_engine(), account_id=account_id, channel=channel, dry_run=dry_run)
    except PublishError as exc:
        fail(str(exc))
    for line in report_lines(report):
        typer.echo(line)
    typer.echo(summary(report))
    if report.rejected or report.counts.pending:
        raise typer.Exit(1)


@app.command("pack")
def pack(user: str = typer.Option(..., "--user", help="The user's e-mail."),
         of: str = typer.Option(..., "--of", help="The article of the product packed."),
         count: int = typer.Option(..., "--count", help="Units in the pack (2 or more)."),
         sku: str = typer.Option(..., "--sku", help="The pack's own article."),
         barcode: str | None = typer.Option(None, "--barcode", help="The pack's own barcode.")) -> None:
    """Make a pack of N units of a product: its price N × the product's, its stock the product's ÷ N."""
    try:
        with session() as s:
            made = make_pack(s, account_id=account_of(s, user), product_sku=of, pack_of=count, sku=sku,
                             barcode=barcode)
            typer.echo(f"pack {made.sku}: {count} × {of}, price {made.price}, stock {made.stock}")
    except HubError as exc:
        fail(str(exc))


@app.command("bundle")
def bundle(user: str = typer.Option(..., "--user", help="The user's e-mail."),
           sku: str = typer.Option(..., "--sku", help="The bundle's article."),
           name: str = typer.Option(..., "--name", help="The bundle's name."),
           part: list[str] = typer.Option(..., "--part", help="A part as SKU or SKU:QUANTITY (repeat it)."),
           price: str = typer.Option(..., "--price", help="The bundle's price in rubles.")) -> None:
    """Make a bundle of several products at a price: its stock is the minimum over its parts."""
    parts: dict[str, int] = {}
    for item in part:
        article, _, quantity = item.rpartition(":") if ":" in item else (item, "", "1")
        if not article or not quantity.isdigit():
            fail(f"a part is SKU or SKU:QUANTITY, not {item!r}")
        parts[article] = parts.get(article, 0) + int(quantity)
    try:
        amount = Decimal(price.replace(",", "."))
    except InvalidOperation:
        fail(f"the price must be a number of rubles, not {price!r}")
    try:
        with session() as s:
            made = make_bundle(s, account_id=account_of(s, user), sku=sku, name=name, parts=parts, price=amount)
            typer.echo(f"bundle {made.sku}: {len(parts)} products, price {made.price}, stock {made.stock}")
    except HubError as exc:
        fail(str(exc))
