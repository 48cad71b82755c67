"""`marketsync user …`: create users from the command line (the only way to make the instance owner)."""

from __future__ import annotations

import typer

from marketsync.accounts.service import AccountError, create_user, make_system_owner
from marketsync.cli.common import fail, session

app = typer.Typer(help="Manage users.", no_args_is_help=True)


@app.command("create")
def create(email: str, password: str = typer.Option(..., "--password", help="At least 8 characters."),
           admin: bool = typer.Option(False, "--admin", help="Grant the admin role."),
           system: bool = typer.Option(False, "--system",
                                       help="Also grant the reserved system role (the instance owner).")) -> None:
    """Create an active, confirmed user with their own cabinet."""
    try:
        with session() as s:
            user = create_user(s, email=email, password=password, admin=admin or system)
            if system:
                make_system_owner(s, user)
            role = " as system owner" if system else " as admin" if admin else ""
            typer.echo(f"created user {user.email} (id {user.id}){role}")
    except AccountError as exc:
        fail(str(exc))
