"""Bringing one user of Casdoor to what we want: `get-user`, then `add-user` (with signupApplication, so the user
shows in Casdoor's admin) when there is none, then `update-user` with only the columns that differ, and the
balance as `balance` + `balanceCurrency` RUB, or as `score` (whole rubles, rounded down) when this Casdoor
refuses the balance column. No database here: the caller loads the wish and records the outcome."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from marketsync.connectors.casdoor.client import CasdoorClient, CasdoorError

BALANCE_COLUMNS = ("balance", "balanceCurrency")
CURRENCY = "RUB"


@dataclass(frozen=True)
class Wish:
    """What one user's mirror should be, at one version."""

    user_id: int
    name: str
    version: int
    desired: dict[str, Any]
    balance: Decimal | None
    balance_field: str


def score_of(balance: Decimal) -> int:
    """Return the balance in whole rubles, rounded down (what `score` holds)."""
    return int(balance.to_integral_value(rounding=ROUND_FLOOR))


def _differs(remote: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    changed = []
    for column, value in wanted.items():
        have = remote.get(column)
        if isinstance(value, float):
            if not isinstance(have, int | float) or abs(float(have) - value) > 0.004:
                changed.append(column)
        elif have != value:
            changed.append(column)
    return changed


def _ensure_user(client: CasdoorClient, wish: Wish, application: str) -> dict[str, Any]:
    remote = client.get_user(wish.name)
    if remote is not None:
        return remote
    created = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    body = {"owner": client.organization, "name": wish.name, "createdTime": created, "type": "normal-user",
            "signupApplication": application, **wish.desired}
    # A refusal may mean another task added this name first (the name is ours alone): the read below tells.
    with suppress(CasdoorError):
        client.add_user(body)
    remote = client.get_user(wish.name)
    if remote is None:
        raise CasdoorError(f"casdoor: add-user did not create {wish.name}")
    return remote


def _update(client: CasdoorClient, wish: Wish, remote: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    columns = _differs(remote, changes)
    if columns:
        remote = {**remote, **{column: changes[column] for column in columns}}
        client.update_user(wish.name, remote, columns)
    return remote


def push(client: CasdoorClient, wish: Wish, *, application: str) -> str:
    """Make Casdoor's user match the wish; return the balance field this Casdoor takes ("balance" or "score")."""
    remote = _update(client, wish, _ensure_user(client, wish, application), wish.desired)
    if wish.balance is None:
        return wish.balance_field
    if wish.balance_field == "balance":
        try:
            _update(client, wish, remote, {"balance": float(wish.balance), "balanceCurrency": CURRENCY})
            return "balance"
        except CasdoorError:
            pass  # an older Casdoor without the balance column: the score carries it instead
    _update(client, wish, remote, {"score": score_of(wish.balance)})
    return "score"
