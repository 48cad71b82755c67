"""The admin's user edit rules as a service, callable without the web (a CLI command or a bot can reuse them):
the same refusals, form errors and changes as the admin panel shows."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from marketsync.accounts.models import ActionToken, User
from marketsync.accounts.service import create_user
from marketsync.accounts.tokens import Purpose, issue
from marketsync.admin.service import UserEdit, edit_user, invite_user, suspend_user
from marketsync.db import session_scope


def test_edit_rules_refuse_check_and_apply(sqlite_engine: Engine) -> None:
    with session_scope(sqlite_engine) as session:
        admin = create_user(session, email="admin@example.ru", password="correct-horse-42", admin=True)
        seller = create_user(session, email="seller@example.ru", password="correct-horse-42")
        issue(session, seller, Purpose.RESET)

        demote_self = edit_user(session, admin, admin, UserEdit("", "admin@example.ru", "", "user"))
        assert demote_self.refused and "администратора" in demote_self.message
        assert suspend_user(session, admin, admin).refused

        wrong = edit_user(session, admin, seller, UserEdit("", "admin@example.ru", "12", "god"))
        assert set(wrong.errors) == {"email", "phone", "role"} and not wrong.refused

        done = edit_user(session, admin, seller, UserEdit("Анна", "anna@example.ru", "", "user"))
        assert not done.refused and not done.errors
        assert "anna@example.ru" in done.message

        user, errors = invite_user(session, email="anna@example.ru", name="")
        assert user is None and "email" in errors
    with session_scope(sqlite_engine) as session:
        changed = session.scalar(select(User).where(User.email == "anna@example.ru"))
        assert changed is not None and changed.name == "Анна" and changed.email_confirmed_at is None
        token = session.scalar(select(ActionToken).where(ActionToken.user_id == changed.id))
        assert token is not None and token.used_at is not None  # the link mailed to the old address is dead
