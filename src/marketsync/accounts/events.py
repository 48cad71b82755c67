"""The one place that tells other features a user signed up, signed in or changed their profile.

Every way in (e-mail registration and login, social login, the Telegram bot person, profile edits, admin
actions) ends as rows written through an ORM session: a new `users` row is a sign-up, a new `web_sessions` row a
sign-in, a change of a profile column an edit. Watching the flush here catches all of them without a call in
each view; hooks run inside the writer's transaction, so what they record commits (or rolls back) with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from marketsync.accounts.models import User, WebSession

Why = Literal["signup", "signin", "profile"]
UserHook = Callable[[Session, User, Why], None]
PROFILE_COLUMNS = ("email", "name", "phone", "status", "email_confirmed_at")
_hooks: list[UserHook] = []


def on_user_change(hook: UserHook) -> UserHook:
    """Register `hook(session, user, why)`, called after each flush that signs a user up, in, or edits them."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def _changes(session: Session) -> list[tuple[User, Why]]:
    found: dict[int, tuple[User, Why]] = {}
    for obj in session.new:
        if isinstance(obj, User):
            found[id(obj)] = (obj, "signup")
    for obj in session.dirty:
        if isinstance(obj, User) and id(obj) not in found:
            state: Any = inspect(obj)
            if any(state.attrs[column].history.has_changes() for column in PROFILE_COLUMNS):
                found[id(obj)] = (obj, "profile")
    for obj in session.new:
        if isinstance(obj, WebSession):
            user = session.get(User, obj.user_id)
            if user is not None and id(user) not in found:
                found[id(user)] = (user, "signin")
    return list(found.values())


@event.listens_for(Session, "after_flush")
def _announce(session: Session, _flush: UOWTransaction) -> None:
    # after_flush: ids are assigned, and new/dirty and attribute history still show what this flush wrote.
    if not _hooks:
        return
    for user, why in _changes(session):
        for hook in list(_hooks):
            hook(session, user, why)
