"""`marketsync user …`: create users from the command line."""

from __future__ import annotations

import typer

from marketsync.accounts.service import AccountError, create_user
from marketsync.cli.common import fail, session

app = typer.Typer(help="Manage users.", no_args_is_help=True)


@app.command("create")
def create(email: str, password: str = typer.Option(..., "--password", help="At least 8 characters."),
           admin: bool = typer.Option(False, "--admin", help="Grant the admin role.")) -> None:
    """Create an active, confirmed user with their own cabinet."""
    try:
        with session() as s:
            user = create_user(s, email=email, password=password, admin=admin)
            typer.echo(f"created user {user.email} (id {user.id}){' as admin' if admin else ''}")
    except AccountError as exc:
        fail(str(exc))
