"""What every command shares: the one-line failure, the session, the user's cabinet lookup."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

import typer

from marketsync.accounts.service import AccountError, account_for_email
from marketsync.db import session_scope

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def fail(message: str) -> NoReturn:
    """Print a one-line reason to stderr and exit 1."""
    typer.echo(f"error: {' '.join(str(message).split())}", err=True)
    raise typer.Exit(1)


@contextmanager
def session() -> Iterator[Session]:
    """A session that commits when the command succeeds."""
    with session_scope() as s:
        yield s


def account_of(s: Session, email: str) -> int:
    """Return the cabinet of a user, or fail."""
    try:
        return account_for_email(s, email)
    except AccountError as exc:
        fail(str(exc))
