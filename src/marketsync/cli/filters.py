"""`marketsync filters …`: choose which Evotor stores and groups are mirrored, by the source's own ids."""

from __future__ import annotations

import typer

from marketsync.cli.common import account_of, fail, session
from marketsync.sync.publishing import SourceChoiceError, filters_list, switch_source_scope

app = typer.Typer(help="Choose stores and groups to mirror.", no_args_is_help=True)


def _apply(email: str, store: str | None, group: str | None, all_: bool, enabled: bool) -> None:
    if group and all_:
        fail("--group and --all exclude each other")
    if not (store or group or all_):
        fail("say what to change: --store ID, --group ID or --all")
    with session() as s:
        account_id = account_of(s, email)
        try:
            changed = switch_source_scope(s, account_id=account_id, store=store, group=group, enabled=enabled)
        except SourceChoiceError as exc:
            fail(str(exc))
    typer.echo(f"{'enabled' if enabled else 'disabled'} {changed}")


_USER = typer.Option(..., "--user", help="The user's e-mail.")
_STORE = typer.Option(None, "--store", help="An Evotor store id.")
_GROUP = typer.Option(None, "--group", help="An Evotor product group id, or - for the products without a group "
                                             "of --store.")
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
        rows = filters_list(s, account_id=account_of(s, user))
        if not rows:
            typer.echo("no filters: nothing is mirrored yet")
        for row in rows:
            state = "enabled" if row.enabled else "disabled"
            if row.entity_type == "store":
                scope = " (all groups)" if row.all_groups else ""
                typer.echo(f"store {row.store_external_id} {state}{scope}")
            else:
                typer.echo(f"group {row.group_external_id} store {row.store_external_id} {state}")
