"""Phone-code guesses counted in the database: parallel wrong guesses use up the five tries on every dialect,
so the right code no longer works after them (a read-modify-write in Python lost most of the counts)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from marketsync.accounts import tokens
from marketsync.accounts.models import ActionToken, User
from marketsync.accounts.service import create_user
from marketsync.accounts.tokens import MAX_CODE_ATTEMPTS, Purpose, TokenError, check_code, issue_code
from marketsync.db import session_scope

GUESSES = 12


def test_parallel_wrong_codes_use_up_the_tries_and_retire_the_code(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with session_scope(engine) as session:
        user_id = create_user(session, email="seller@example.ru", password=None).id
        code = issue_code(session, session.get(User, user_id), Purpose.PHONE)  # type: ignore[arg-type]
    wrong = "000000" if code != "000000" else "111111"
    real_equals = tokens.constant_time_equals

    def slow_equals(given: str | None, expected: str | None) -> bool:
        time.sleep(0.1)  # every guess has read the row before any of them writes
        return real_equals(given, expected)

    monkeypatch.setattr(tokens, "constant_time_equals", slow_equals)

    def guess(_: int) -> str:
        with session_scope(engine) as session:  # the page commits the counted try and shows "wrong code"
            try:
                check_code(session, session.get(User, user_id), wrong)  # type: ignore[arg-type]
            except TokenError as exc:
                return exc.reason
        return "accepted"

    with ThreadPoolExecutor(max_workers=GUESSES) as pool:
        outcomes = list(pool.map(guess, range(GUESSES)))
    assert outcomes == ["invalid"] * GUESSES
    with session_scope(engine) as session:
        row = session.scalar(select(ActionToken).where(ActionToken.user_id == user_id))
        assert row is not None and row.attempts == MAX_CODE_ATTEMPTS and row.used_at is not None
        with pytest.raises(TokenError):
            check_code(session, session.get(User, user_id), code)  # type: ignore[arg-type]
