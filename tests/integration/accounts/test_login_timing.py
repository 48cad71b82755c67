"""A wrong password takes as long to refuse for an unknown e-mail as for a registered one, so the answer
time does not tell who has an account."""

from __future__ import annotations

import statistics
import time

from sqlalchemy.engine import Engine

from marketsync.accounts.service import LoginOutcome, check_login, create_user
from marketsync.db import session_scope


def _median_seconds(engine: Engine, email: str) -> float:
    times = []
    with session_scope(engine) as session:
        check_login(session, email=email, password="warm-up-guess")
        for attempt in range(7):
            started = time.perf_counter()
            outcome, _user = check_login(session, email=email, password=f"wrong-guess-{attempt}")
            times.append(time.perf_counter() - started)
            assert outcome is LoginOutcome.WRONG
    return statistics.median(times)


def test_unknown_and_known_emails_take_about_as_long_to_refuse(sqlite_engine: Engine) -> None:
    with session_scope(sqlite_engine) as session:
        create_user(session, email="seller@example.ru", password="correct-horse-42")
        create_user(session, email="invited@example.ru", password=None)
    known = _median_seconds(sqlite_engine, "seller@example.ru")
    for other in ("nobody@example.ru", "invited@example.ru"):
        unknown = _median_seconds(sqlite_engine, other)
        assert known / 3 <= unknown <= known * 3, (other, unknown, known)  # without the dummy: ~1000x faster
