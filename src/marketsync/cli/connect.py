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


@app.command("ym")
def ym(user: str = typer.Option(..., "--user", help="The user's e-mail."),
       token: str = typer.Option(..., "--token", help="The Api-Key of the Yandex Market business (cabinet)."),
       business_id: int = typer.Option(..., "--business-id", help="The business (cabinet) id."),
       campaign_id: int = typer.Option(..., "--campaign-id", help="The FBS/DBS shop's campaign id.")) -> None:
    """Check a Yandex Market Api-Key and shop (GET /v2/campaigns/{id}) and save them for the user's cabinet."""
    if business_id <= 0 or campaign_id <= 0:
        fail("--business-id and --campaign-id must be positive ids")
    _save(user, "yandex_market", {"token": token, "business_id": business_id, "campaign_id": campaign_id})
@app.command("wb")
def wb(user: str = typer.Option(..., "--user", help="The user's e-mail."),
       token: str = typer.Option(..., "--token", help="A Wildberries API token (Content, Marketplace, Statistics)."),
       warehouse_id: int | None = typer.Option(None, "--warehouse-id",
                                               help="The seller warehouse whose FBS stock is kept (needed for stocks).")
       ) -> None:
    """Check a Wildberries token and seller warehouse and save them for the user's cabinet."""
    if warehouse_id is not None and warehouse_id <= 0:
        fail("--warehouse-id must be a positive Wildberries warehouse id")
    credentials: dict[str, object] = {"token": token}
    if warehouse_id is not None:
        credentials["warehouse_id"] = warehouse_id
    _save(user, "wildberries", credentials)
@app.command("ozon")
def ozon(user: str = typer.Option(..., "--user", help="The user's e-mail."),
         client_id: str = typer.Option(..., "--client-id", help="The seller's Ozon Client-Id."),
         api_key: str = typer.Option(..., "--api-key", help="An Ozon Seller API key."),
         warehouse_id: str = typer.Option(..., "--warehouse-id", help="The FBS warehouse whose stock we keep.")) \
        -> None:
    """Check an Ozon key and warehouse (/v1/warehouse/list) and save them for the user's cabinet."""
    _save(user, "ozon", {"client_id": client_id, "api_key": api_key, "warehouse_id": warehouse_id})
