"""`marketsync backup create|list|restore`: dumps of the database with rotation, and their restore."""

from __future__ import annotations

from pathlib import Path

import typer

from marketsync.backups import BackupError, create_backup, list_backups, restore_backup
from marketsync.cli.common import fail
from marketsync.settings import get_settings

app = typer.Typer(help="Back up the database and restore a backup.", no_args_is_help=True)


@app.command("create")
def create(folder: Path = typer.Option(None, "--dir", help="Where dumps go (BACKUP_DIR)."),
           keep: int = typer.Option(None, "--keep", min=1, help="How many dumps to keep (BACKUP_KEEP).")) -> None:
    """Dump the database (DATABASE_URL) into the backup folder, then delete all but the newest dumps."""
    settings = get_settings()
    try:
        dump = create_backup(settings.DATABASE_URL, folder or Path(settings.BACKUP_DIR),
                             keep=keep or settings.BACKUP_KEEP)
    except BackupError as exc:
        fail(str(exc))
    typer.echo(str(dump))


@app.command("list")
def list_command(folder: Path = typer.Option(None, "--dir", help="The backup folder (BACKUP_DIR).")) -> None:
    """List the dumps in the backup folder, oldest first."""
    for dump in list_backups(folder or Path(get_settings().BACKUP_DIR)):
        typer.echo(f"{dump}\t{dump.stat().st_size}")


@app.command("restore")
def restore(dump: Path = typer.Argument(..., help="A file made by `marketsync backup create`."),
            to: str = typer.Option(None, "--to", help="An empty database's URL (default: DATABASE_URL).")) -> None:
    """Load a dump into an empty database of the same kind; run `marketsync migrate` against it afterwards."""
    try:
        restore_backup(dump, to or get_settings().DATABASE_URL)
    except BackupError as exc:
        fail(str(exc))
    typer.echo("restored; now run `marketsync migrate` with DATABASE_URL pointing at it")
