"""`marketsync user …`: create users from the command line (the only way to make the instance owner)."""

from __future__ import annotations

import sys

import typer

from marketsync.accounts.service import AccountError, create_user, make_system_owner
from marketsync.cli.common import fail, session

app = typer.Typer(help="Manage users.", no_args_is_help=True)


def stdin_is_terminal() -> bool:
    """Whether a person types at this command (a prompt), rather than a script piping into it."""
    return sys.stdin.isatty()


def read_password() -> str:
    """Ask for the new user's password: a hidden prompt with confirmation at a terminal, else one line of
    standard input (so it never shows in the shell history or the process list)."""
    if stdin_is_terminal():
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")


@app.command("create")
def create(email: str, password: str | None = typer.Option(
               None, "--password", help="At least 8 characters; left out, it is asked for (or read from stdin)."),
           admin: bool = typer.Option(False, "--admin", help="Grant the admin role."),
           system: bool = typer.Option(False, "--system",
                                       help="Also grant the reserved system role (the instance owner).")) -> None:
    """Create an active, confirmed user with their own cabinet."""
    if password is None:
        password = read_password()
        if not password:
            fail("no password given")
    try:
        with session() as s:
            user = create_user(s, email=email, password=password, admin=admin or system)
            if system:
                make_system_owner(s, user)
            role = " as system owner" if system else " as admin" if admin else ""
            typer.echo(f"created user {user.email} (id {user.id}){role}")
    except AccountError as exc:
        fail(str(exc))
