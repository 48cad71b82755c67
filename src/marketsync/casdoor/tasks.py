"""Thin Celery wrappers: one user's mirror after a change, and beat's re-send of every mirror that is behind."""

from __future__ import annotations

from marketsync.casdoor import hooks, service
from marketsync.db import get_engine
from marketsync.worker import celery_app

hooks.install()  # the worker's own writes (the bot's people, the daily charge) are mirrored too


@celery_app.task(name="marketsync.casdoor.mirror_user")
def mirror_user(user_id: int) -> str:
    """Send one user's mirror to Casdoor (beat re-sends it when this fails); return how it went."""
    return str(service.sync_user(get_engine(), user_id))


@celery_app.task(name="marketsync.casdoor.resend_behind")
def resend_behind() -> int:
    """Beat entry: re-send the mirrors that are behind; return how many Casdoor confirmed."""
    return service.resend_behind(get_engine())
