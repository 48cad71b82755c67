"""The signed-in user's sign-in ways on /profile: unlink a service (never Evotor's, never the last way in) and
set a first password (with an e-mail, confirmed by a mailed link, when the account has none)."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from marketsync.accounts import social
from marketsync.accounts.mail import send_token_mail
from marketsync.accounts.schemas import FormStr, client_address, password_errors
from marketsync.accounts.service import AccountError, find_user, normalize_email, set_password
from marketsync.web.deps import CurrentUser, DbSession, start_session
from marketsync.web.i18n import gettext as _
from marketsync.web.templating import flash, render

router = APIRouter(prefix="/profile", tags=["pages"])


@router.post("/identities/{identity_id}/unlink")
def unlink(request: Request, session: DbSession, user: CurrentUser, identity_id: int) -> Response:
    """Unlink one service from the account, unless it is the last way to sign in."""
    try:
        unlinked = social.unlink(session, user, identity_id)
    except LookupError as exc:
        raise HTTPException(404) from exc
    if unlinked:
        flash(request, _("The service is unlinked."))
    else:
        flash(request, _("This service cannot be unlinked: it is your only way to sign in. Set a password or "
                         "link another service first."), "danger")
    return RedirectResponse("/profile", status_code=303)


@router.get("/set-password", response_class=HTMLResponse)
def set_password_page(request: Request, user: CurrentUser) -> Response:
    """Show the form for a first password (and an e-mail, when the account has none)."""
    if user.password_hash:
        return RedirectResponse("/profile/change-password", status_code=303)
    return render(request, "profile/set_password.html", {"needs_email": user.email is None, "email": "",
                                                          "errors": {}})


@router.post("/set-password", response_class=HTMLResponse)
def set_first_password(request: Request, session: DbSession, user: CurrentUser, background: BackgroundTasks,
                       email: FormStr = "", password: FormStr = "", password_confirm: FormStr = "") -> Response:
    """Set the first password; a new e-mail gets a confirmation link (it signs in once it is the user's)."""
    if user.password_hash:
        return RedirectResponse("/profile/change-password", status_code=303)
    errors = password_errors(password, password_confirm)
    normalized = user.email
    if user.email is None:
        try:
            normalized = normalize_email(email)
            if find_user(session, normalized) is not None:
                errors["email"] = _("This e-mail belongs to another account.")
        except AccountError:
            errors["email"] = _("Enter a valid e-mail address.")
    if errors:
        return render(request, "profile/set_password.html",
                      {"needs_email": user.email is None, "email": email, "errors": errors}, status_code=400)
    if user.email is None:
        user.email = normalized
        user.email_confirmed_at = None
        send_token_mail(background, session, user, "confirm", client=client_address(request))
        flash(request, _("We sent a confirmation link to %(email)s.", email=normalized), "info")
    set_password(session, user, password)
    response = RedirectResponse("/profile", status_code=303)
    start_session(session, request, response, user)  # a privilege change: this session gets a new id
    flash(request, _("Your password is set. You can sign in with your e-mail and password too."))
    return response
