"""`marketsync db copy --to URL`: move from the embedded SQLite onto PostgreSQL or MariaDB with every row."""

from __future__ import annotations

import typer

from marketsync.cli.common import fail
from marketsync.db import get_engine
from marketsync.maintenance.dbcopy import BATCH, FIRST_TABLE, CopyError, TableCount, copy_database

app = typer.Typer(help="The database as a whole.", no_args_is_help=True)


def _line(count: TableCount) -> None:
    if count.table == FIRST_TABLE:  # the header comes with the first table, after the target was accepted
        typer.echo(f"{'table':<28} {'source':>10}   {'target':>10}")
    typer.echo(f"{count.table:<28} {count.source:>10} → {count.target:>10}")


@app.command("copy")
def copy(to: str = typer.Option(..., "--to", help="The target: an empty PostgreSQL or MariaDB URL, migrated."),
         batch_size: int = typer.Option(BATCH, "--batch-size", min=1, help="Rows per batch.")) -> None:
    """Copy every row of the current database into an empty one at the same revision, then check the counts.

    Stop the web, worker and beat first: rows written during the copy would not be carried over."""
    try:
        counts = copy_database(get_engine(), to, batch_size=batch_size, progress=_line)
    except CopyError as exc:
        fail(str(exc))
    total = sum(c.source for c in counts)
    typer.echo(f"copied {total} rows in {len(counts)} tables, every count equal; set DATABASE_URL to the target")
