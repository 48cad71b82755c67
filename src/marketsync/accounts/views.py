"""Pages to register, sign in and sign out (server-side sessions, rotated at login)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from marketsync.accounts.models import User
from marketsync.accounts.service import (
    MIN_PASSWORD_LENGTH,
    AccountError,
    authenticate,
    create_user,
    find_user,
    normalize_email,
)
from marketsync.web.deps import DbSession, current_user, end_session, start_session
from marketsync.web.i18n import gettext as _
from marketsync.web.i18n import local_path
from marketsync.web.templating import flash, render

router = APIRouter(tags=["pages"])
HOME = "/catalog/stores"
MAX_NAME_LENGTH = 200

OptionalUser = Annotated[User | None, Depends(current_user)]


@router.get("/", include_in_schema=False)
def index(user: OptionalUser) -> RedirectResponse:
    """Send a signed-in seller to their catalog, anyone else to the login page."""
    return RedirectResponse(HOME if user else "/login", status_code=303)


@router.get("/register", response_class=HTMLResponse)
def register_page(request: Request, user: OptionalUser) -> Response:
    """Show the registration form."""
    if user is not None:
        return RedirectResponse(HOME, status_code=303)
    return render(request, "accounts/register.html", {"values": {}, "errors": {}})


def _registration_errors(session: DbSession, email: str, password: str, password_confirm: str,
                         name: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    try:
        normalized = normalize_email(email)
    except AccountError:
        errors["email"] = _("Enter a valid e-mail address.")
    else:
        if find_user(session, normalized) is not None:
            errors["email"] = _("An account with this e-mail already exists. Sign in instead.")
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = _("The password must have at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    elif password != password_confirm:
        errors["password_confirm"] = _("The passwords do not match.")
    if len(name) > MAX_NAME_LENGTH:
        errors["name"] = _("The name is too long.")
    return errors


@router.post("/register", response_class=HTMLResponse)
def register(request: Request, session: DbSession, email: Annotated[str, Form()] = "",
             password: Annotated[str, Form()] = "", password_confirm: Annotated[str, Form()] = "",
             name: Annotated[str, Form()] = "") -> Response:
    """Create an active user with their own cabinet, sign them in and send them to the connections."""
    email, name = email.strip(), name.strip()
    errors = _registration_errors(session, email, password, password_confirm, name)
    if not errors:
        try:
            user = create_user(session, email=email, password=password, name=name or None, active=True)
        except AccountError as exc:
            errors["form"] = str(exc)
    if errors:
        return render(request, "accounts/register.html",
                      {"values": {"email": email, "name": name}, "errors": errors}, status_code=400)
    response = RedirectResponse("/connections", status_code=303)
    start_session(session, request, response, user)
    flash(request, _("Welcome to MarketSync! Connect Evotor and your VK community to start."))
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, user: OptionalUser, next: str | None = None) -> Response:
    """Show the sign-in form (a signed-in seller goes straight on)."""
    if user is not None:
        return RedirectResponse(local_path(next, HOME), status_code=303)
    return render(request, "accounts/login.html", {"email": "", "next": local_path(next, ""), "error": None})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, session: DbSession, email: Annotated[str, Form()] = "",
          password: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "") -> Response:
    """Check the password, start a fresh session and continue to `next` (local paths only)."""
    user = authenticate(session, email=email, password=password) if email and password else None
    if user is None:
        return render(request, "accounts/login.html",
                      {"email": email.strip(), "next": local_path(next, ""),
                       "error": _("Wrong e-mail or password.")}, status_code=400)
    response = RedirectResponse(local_path(next, HOME), status_code=303)
    start_session(session, request, response, user)
    return response


@router.get("/logout", response_class=HTMLResponse)
def logout_page(request: Request, user: OptionalUser) -> Response:
    """Ask to confirm signing out (signing out changes state, so it is a POST)."""
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return render(request, "accounts/logout.html")


@router.post("/logout")
def logout(request: Request, session: DbSession) -> RedirectResponse:
    """End the session (the cookie stops working everywhere) and show the login page."""
    response = RedirectResponse("/login", status_code=303)
    end_session(session, request, response)
    flash(request, _("You have signed out."), "info")
    return response
