"""The admin panel's guard rails: who may act on whom.

A refused action is never a 403 page: the admin is sent back to the user's page with a red flash message
and nothing changes (one rule for every action, so the panel behaves predictably)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse

from marketsync.admin.service import refusal_reason, user_by_id
from marketsync.web.i18n import gettext as _
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


def refusal(session: Session, actor: User, target: User, action: str) -> str | None:
    """Say why `actor` may not do `action` to `target`, or None when they may."""
    reason = refusal_reason(session, actor_id=actor.id, target_id=target.id, action=action)
    if reason == "owner-only":
        return _("Only the instance owner can change a user with the system role.")
    if reason == "self":
        return {"suspend": _("You cannot suspend yourself."),
                "delete": _("You cannot delete yourself here."),
                "demote": _("You cannot take away your own administrator role.")}[action]
    return None


def user_page(user_id: int) -> str:
    """Return the admin page address of a user."""
    return f"/admin/users/{user_id}"


def refuse(request: Request, target: User, message: str) -> RedirectResponse:
    """Send the admin back to the user's page with the reason the action was refused."""
    flash(request, message, "danger")
    return RedirectResponse(user_page(target.id), status_code=303)
