"""The bridge's two hooks: the accounts' user hook (sign-up, sign-in, profile edit) and the ledger's balance hook
record the wish in the writer's transaction; after that transaction commits, a task per user sends it. Nothing
is sent from inside a transaction, and a lost task costs nothing: beat finds the row behind."""

from __future__ import annotations

import logging
from decimal import Decimal

from sqlalchemy import event
from sqlalchemy.orm import Session

from marketsync.accounts.events import Why, on_user_change
from marketsync.accounts.models import User
from marketsync.billing.ledger import on_balance_change
from marketsync.casdoor.outbox import PENDING, desired_profile, owners_of, record
from marketsync.settings import get_settings

log = logging.getLogger(__name__)
TASK = "marketsync.casdoor.mirror_user"


def _user_changed(session: Session, user: User, why: Why) -> None:
    if get_settings().CASDOOR_CLIENT_ID:
        # A sign-in re-checks Casdoor too (someone may have edited the user there); the wish is the same.
        record(session, user.id, profile=desired_profile(user))


def _balance_changed(session: Session, account_id: int, new_balance: Decimal) -> None:
    if get_settings().CASDOOR_CLIENT_ID:
        for user_id in owners_of(session, account_id):
            record(session, user_id, balance=new_balance)


def _send_after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    from marketsync.worker import celery_app

    for user_id in sorted(pending):
        try:
            celery_app.signature(TASK, args=(user_id,)).apply_async()
        except Exception:  # the broker is away: the row stays behind and beat sends it
            log.warning("could not queue the Casdoor mirror of user %s; beat will send it", user_id, exc_info=True)


def _forget_on_rollback(session: Session, _previous: object) -> None:
    session.info.pop(PENDING, None)


def install() -> None:
    """Register the hooks once per process (the web app, the worker and the CLI call it)."""
    on_user_change(_user_changed)
    on_balance_change(_balance_changed)
    if not event.contains(Session, "after_commit", _send_after_commit):
        event.listen(Session, "after_commit", _send_after_commit)
        event.listen(Session, "after_soft_rollback", _forget_on_rollback)
