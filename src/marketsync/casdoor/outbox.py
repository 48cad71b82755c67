"""Recording what Casdoor should hold, inside the transaction of the change that makes it so: the profile of a user
who signed up or edited it, the balance of each owner of a cabinet whose balance moved. Each record bumps the
row's version; the task that sends it later marks the version Casdoor confirmed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from marketsync.accounts.models import AccountMember, User
from marketsync.casdoor.models import CasdoorMirror
from marketsync.db import insert_ignore, utcnow

PENDING = "casdoor_pending"  # session.info key: the users whose mirror this transaction changed
NAME_PREFIX = "ms-"
BACKOFF_MAX_SECONDS = 30  # with beat every 15 s, a returning Casdoor is caught up within a minute


def casdoor_name(user_id: int) -> str:
    """Return the user's name in Casdoor: derived from our id only, so racing tasks agree on it."""
    return f"{NAME_PREFIX}{user_id}"


def desired_profile(user: User) -> dict[str, Any]:
    """Return the profile columns Casdoor should hold for this user."""
    return {"displayName": user.name or user.email or f"#{user.id}", "email": user.email or "",
            "phone": user.phone or "", "emailVerified": user.email_confirmed_at is not None,
            "isForbidden": user.status == "suspended"}


def record(session: Session, user_id: int, *, profile: dict[str, Any] | None = None,
           balance: Decimal | None = None) -> None:
    """Note a new wish for this user's mirror (profile and/or balance) and bump its version."""
    now = utcnow()
    insert_ignore(session, CasdoorMirror, [{
        "user_id": user_id, "name": casdoor_name(user_id), "desired": profile or {}, "balance_field": "balance",
        "version": 0, "synced_version": 0, "attempts": 0, "updated_at": now}], keys=["user_id"])
    values: dict[str, Any] = {"version": CasdoorMirror.version + 1, "next_attempt_at": None, "updated_at": now}
    if profile is not None:
        values["desired"] = profile
    if balance is not None:
        values["balance"] = balance
    session.execute(update(CasdoorMirror).where(CasdoorMirror.user_id == user_id).values(**values)
                    .execution_options(synchronize_session=False))
    session.info.setdefault(PENDING, set()).add(user_id)


def owners_of(session: Session, account_id: int) -> list[int]:
    """Return the user ids owning a cabinet (each gets the cabinet's balance)."""
    return list(session.scalars(select(AccountMember.user_id).where(AccountMember.account_id == account_id,
                                                                    AccountMember.role == "owner")))


def backoff(attempts: int) -> timedelta:
    """Return how long a failed mirror waits before beat tries it again (5 s doubling, capped)."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))
