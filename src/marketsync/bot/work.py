"""Running a unit of work from a handler: the services are synchronous (SQLAlchemy), so each runs in a worker
thread with its own session, committed when it returns, and the event loop keeps serving other people."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from marketsync.db import session_scope

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

T = TypeVar("T")


async def in_session(engine: Engine | None, work: Callable[[Session], T]) -> T:
    """Run `work(session)` in a thread inside one committed unit of work; return its result."""

    def run() -> Any:
        with session_scope(engine) as session:
            return work(session)

    return await asyncio.to_thread(run)
