"""`marketsync connect …`: save Evotor, VK and marketplace credentials after checking them against the API."""

from __future__ import annotations

import typer

from marketsync.cli.common import account_of, fail, session
from marketsync.connections.service import ConnectionSetupError, save_connection

app = typer.Typer(help="Connect external systems.", no_args_is_help=True)


def _save(email: str, system: str, credentials: dict[str, object]) -> None:
    try:
        with session() as s:
            account_id = account_of(s, email)
            _conn, result = save_connection(s, account_id=account_id, system=system, credentials=credentials)
            typer.echo(result.message if result else f"{system} saved")
    except ConnectionSetupError as exc:
        fail(str(exc))


@app.command("evotor")
def evotor(user: str = typer.Option(..., "--user", help="The user's e-mail."),
           token: str = typer.Option(..., "--token", help="The Evotor cloud token.")) -> None:
    """Check an Evotor token and save it for the user's cabinet."""
    _save(user, "evotor", {"token": token})


@app.command("vk")
def vk(user: str = typer.Option(..., "--user", help="The user's e-mail."),
       token: str = typer.Option(..., "--token", help="A VK user token that administers the community."),
       group_id: int = typer.Option(..., "--group-id", help="The community's positive id.")) -> None:
    """Check a VK token and community and save them for the user's cabinet."""
    if group_id <= 0:
        fail("--group-id must be the community's positive id")
    _save(user, "vk", {"token": token, "group_id": group_id})


@app.command("ozon")
def ozon(user: str = typer.Option(..., "--user", help="The user's e-mail."),
         client_id: str = typer.Option(..., "--client-id", help="The seller's Ozon Client-Id."),
         api_key: str = typer.Option(..., "--api-key", help="An Ozon Seller API key."),
         warehouse_id: str = typer.Option(..., "--warehouse-id", help="The FBS warehouse whose stock we keep.")) \
        -> None:
    """Check an Ozon key and warehouse (/v1/warehouse/list) and save them for the user's cabinet."""
    _save(user, "ozon", {"client_id": client_id, "api_key": api_key, "warehouse_id": warehouse_id})
