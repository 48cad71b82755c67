"""`marketsync keys rotate`: re-encrypt every stored secret with the newest key of ENCRYPTION_KEYS."""

from __future__ import annotations

import typer

from marketsync.cli.common import fail, session
from marketsync.maintenance.keys import RotationError, rotate_secrets

app = typer.Typer(help="Encryption keys of the stored secrets.", no_args_is_help=True)


@app.command("rotate")
def rotate() -> None:
    """Re-encrypt every stored secret with the first key of ENCRYPTION_KEYS; then the others can be dropped."""
    try:
        with session() as s:
            report = rotate_secrets(s)
    except RotationError as exc:
        fail(str(exc))
    typer.echo(f"re-encrypted {report.connections} connection(s) and {report.identities} identity secret(s) "
               "with the first key of ENCRYPTION_KEYS; the other keys can now be removed")
