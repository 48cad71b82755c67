"""`marketsync filters …`: choose which Evotor stores and groups are mirrored, by the source's own ids."""

from __future__ import annotations

from typing import Any

import typer
from sqlalchemy.orm import Session

from marketsync.cli.common import account_of, fail, session
from marketsync.connections.service import get_connection, open_connector
from marketsync.connectors.errors import ConnectorError
from marketsync.sync.filters import list_filters, set_group, set_store

app = typer.Typer(help="Choose stores and groups to mirror.", no_args_is_help=True)


class _Source:
    """Lazy reads of the account's Evotor store and group lists, to check ids against."""

    def __init__(self, s: Session, account_id: int) -> None:
        conn = get_connection(s, account_id, "evotor")
        if conn is None:
            fail("Evotor is not connected for this user: run `marketsync connect evotor` first")
        self.connector: Any = open_connector(conn)
        self._groups: dict[str, set[str]] = {}

    def stores(self) -> list[str]:
        try:
            return [store.external_id for store in self.connector.list_stores()]
        except ConnectorError as exc:
            fail(f"cannot read Evotor stores: {exc.message}")

    def groups(self, store_id: str) -> set[str]:
        if store_id not in self._groups:
            try:
                self._groups[store_id] = {g.external_id for g in self.connector.list_groups(store_id)}
            except ConnectorError as exc:
                fail(f"cannot read the groups of Evotor store {store_id}: {exc.message}")
        return self._groups[store_id]

    def store_of_group(self, group_id: str) -> str:
        for store_id in self.stores():
            if group_id in self.groups(store_id):
                return store_id
        fail(f"Evotor has no product group {group_id}")


def _apply(email: str, store: str | None, group: str | None, all_: bool, enabled: bool) -> None:
    if group and all_:
        fail("--group and --all exclude each other")
    if not (store or group or all_):
        fail("say what to change: --store ID, --group ID or --all")
    with session() as s:
        account_id = account_of(s, email)
        source = _Source(s, account_id)
        try:
            if group:
                store_id = store or source.store_of_group(group)
                if store and store not in source.stores():
                    fail(f"Evotor has no store {store}")
                if group not in source.groups(store_id):
                    fail(f"Evotor store {store_id} has no product group {group}")
                set_group(s, account_id, store_id, group, enabled=enabled)
                changed = f"group {group} of store {store_id}"
            elif store:
                if store not in source.stores():
                    fail(f"Evotor has no store {store}")
                set_store(s, account_id, store, enabled=enabled, all_groups=True)
                changed = f"store {store} and all its groups"
            else:
                stores = source.stores()
                for store_id in stores:
                    set_store(s, account_id, store_id, enabled=enabled, all_groups=True)
                changed = f"all {len(stores)} store(s) and their groups"
        finally:
            source.connector.close()
    typer.echo(f"{'enabled' if enabled else 'disabled'} {changed}")


_USER = typer.Option(..., "--user", help="The user's e-mail.")
_STORE = typer.Option(None, "--store", help="An Evotor store id.")
_GROUP = typer.Option(None, "--group", help="An Evotor product group id.")
_ALL = typer.Option(False, "--all", help="Every store (or every group of --store).")


@app.command("enable")
def enable(user: str = _USER, store: str | None = _STORE, group: str | None = _GROUP, all_: bool = _ALL) -> None:
    """Mirror a store, a group, or everything."""
    _apply(user, store, group, all_, True)


@app.command("disable")
def disable(user: str = _USER, store: str | None = _STORE, group: str | None = _GROUP, all_: bool = _ALL) -> None:
    """Stop mirroring a store, a group, or everything."""
    _apply(user, store, group, all_, False)


@app.command("list")
def list_(user: str = _USER) -> None:
    """Print the user's filters, one per line."""
    with session() as s:
        rows = list_filters(s, account_of(s, user))
        if not rows:
            typer.echo("no filters: nothing is mirrored yet")
        for row in rows:
            state = "enabled" if row.enabled else "disabled"
            if row.entity_type == "store":
                scope = " (all groups)" if row.all_groups else ""
                typer.echo(f"store {row.store_external_id} {state}{scope}")
            else:
                typer.echo(f"group {row.group_external_id} store {row.store_external_id} {state}")
