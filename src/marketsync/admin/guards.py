"""The admin panel's guard rails in the web: the user a route names, and how a refused action is shown.

A refused action is never a 403 page: the admin is sent back to the user's page with a red flash message
and nothing changes (one rule for every action, so the panel behaves predictably). Who may act on whom is
admin.service.refusal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse

from marketsync.admin.service import user_by_id
from marketsync.web.templating import flash

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from marketsync.accounts.models import User


def target_user(session: Session, user_id: int) -> User:
    """Return the user an admin route names, or raise 404."""
    user = user_by_id(session, user_id=user_id)
    if user is None:
        raise HTTPException(status_code=404)
    return user


def user_page(user_id: int) -> str:
    """Return the admin page address of a user."""
    return f"/admin/users/{user_id}"


def refuse(request: Request, target: User, message: str) -> RedirectResponse:
    """Send the admin back to the user's page with the reason the action was refused."""
    flash(request, message, "danger")
    return RedirectResponse(user_page(target.id), status_code=303)
