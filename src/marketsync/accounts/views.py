"""Public account pages: register (confirmed by a mailed link), sign in (throttled) and out, forgotten
passwords, finishing an invitation. Each mailed link is signed, single-use and expiring (accounts.tokens)."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from marketsync.accounts import throttle
from marketsync.accounts.mail import send_taken_mail, send_token_mail
from marketsync.accounts.schemas import FormStr, client_address, password_errors, profile_errors
from marketsync.accounts.service import (
    AccountError,
    LoginOutcome,
    check_login,
    confirm_email,
    create_user,
    end_sessions,
    find_user,
    normalize_email,
    set_password,
)
from marketsync.accounts.tokens import Purpose, TokenError, consume, peek
from marketsync.security import hash_password
from marketsync.web.deps import DbSession, OptionalUser, end_session, start_session
from marketsync.web.i18n import gettext as _
from marketsync.web.i18n import local_path
from marketsync.web.templating import flash, render

router = APIRouter(tags=["pages"])
HOME = "/"  # the overview



def _token_failure(request: Request, reason: str, *, retry_url: str, retry_label: str) -> HTMLResponse:
    """Explain why a mailed link does not work and offer the way to get a new one."""
    text = {"used": _("This link has already been used."),
            "expired": _("This link has expired.")}.get(reason, _("This link is not valid."))
    return render(request, "accounts/message.html",
                  {"heading": _("The link does not work"), "text": text, "tone": "danger",
                   "link_url": retry_url, "link_label": retry_label}, status_code=400)


@router.get("/register", response_class=HTMLResponse)
def register_page(request: Request, user: OptionalUser) -> Response:
    """Show the registration form."""
    if user is not None:
        return RedirectResponse(HOME, status_code=303)
    return render(request, "accounts/register.html", {"values": {}, "errors": {}})


@router.post("/register", response_class=HTMLResponse)
def register(request: Request, session: DbSession, background: BackgroundTasks, email: FormStr = "",
             password: FormStr = "", password_confirm: FormStr = "", name: FormStr = "",
             phone: FormStr = "") -> Response:
    """Create a pending user with their own cabinet and mail them the confirmation link."""
    email, name, phone = email.strip(), name.strip(), phone.strip()
    errors = {**profile_errors(name, phone), **password_errors(password, password_confirm)}
    try:
        normalized = normalize_email(email)
    except AccountError:
        errors["email"] = _("Enter a valid e-mail address.")
    if errors:
        return render(request, "accounts/register.html",
                      {"values": {"email": email, "name": name, "phone": phone}, "errors": errors}, status_code=400)
    owner = find_user(session, normalized)
    if owner is not None:
        # The page must not tell that the address is taken: the same answer as for a new account (after as
        # much hashing), and the owner hears of the attempt by mail.
        hash_password(password)
        send_taken_mail(background, owner, client=client_address(request))
    else:
        user = create_user(session, email=normalized, password=password, name=name or None,
                           phone=phone or None, active=False)
        user.locale = getattr(request.state, "locale", "ru")
        send_token_mail(background, session, user, "confirm", client=client_address(request))
    return render(request, "accounts/message.html",
                  {"heading": _("Check your mail"), "tone": "",
                   "text": _("We sent a confirmation link to %(email)s. Open it to activate your account.",
                             email=normalized),
                   "link_url": "/resend-confirm", "link_label": _("Send the link again")})


@router.get("/confirm-email", response_class=HTMLResponse)
def confirm(request: Request, session: DbSession, token: str = "") -> Response:
    """Activate the account of a confirmation link (once) and send the person to sign in."""
    try:
        user = consume(session, token, Purpose.CONFIRM)
    except TokenError as exc:
        return _token_failure(request, exc.reason, retry_url="/resend-confirm",
                              retry_label=_("Send a new confirmation link"))
    confirm_email(session, user)
    flash(request, _("Your e-mail is confirmed. Sign in to start."))
    return RedirectResponse("/login", status_code=303)


@router.get("/resend-confirm", response_class=HTMLResponse)
def resend_confirm_page(request: Request) -> Response:
    """Ask for the e-mail to send a new confirmation link to."""
    return render(request, "accounts/email_form.html", _resend_context("", {}))


def _resend_context(email: str, errors: dict[str, str]) -> dict[str, object]:
    return {"heading": _("Confirm your e-mail"), "action": "/resend-confirm", "email": email, "errors": errors,
            "text": _("Enter the e-mail you registered with and we will send a new confirmation link."),
            "button": _("Send the link")}


@router.post("/resend-confirm", response_class=HTMLResponse)
def resend_confirm(request: Request, session: DbSession, background: BackgroundTasks,
                   email: FormStr = "") -> Response:
    """Mail a new confirmation link to a pending user (the answer never says whether the e-mail exists)."""
    try:
        normalized = normalize_email(email)
    except AccountError:
        return render(request, "accounts/email_form.html",
                      _resend_context(email, {"email": _("Enter a valid e-mail address.")}), status_code=400)
    user = find_user(session, normalized)
    if user is not None and user.status == "pending" and user.password_hash:
        send_token_mail(background, session, user, "confirm", client=client_address(request))
    return render(request, "accounts/message.html",
                  {"heading": _("Check your mail"), "tone": "",
                   "text": _("If %(email)s waits for confirmation, a new link is on its way.", email=normalized)})


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, user: OptionalUser, next: str | None = None) -> Response:
    """Show the sign-in form (a signed-in user goes straight on)."""
    if user is not None:
        return RedirectResponse(local_path(next, HOME), status_code=303)
    return render(request, "accounts/login.html", {"email": "", "next": local_path(next, ""), "error": None})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, session: DbSession, email: FormStr = "", password: FormStr = "",
          next: FormStr = "") -> Response:
    """Check the password (unless throttled), start a fresh session and continue to `next` (local only)."""
    context = {"email": email.strip(), "next": local_path(next, ""), "pending": False}
    address = client_address(request)
    if not (email and password):
        return render(request, "accounts/login.html", {**context, "error": _("Wrong e-mail or password.")},
                      status_code=400)
    # Reserved before the hash is checked: a guesser over the limit gets no answer and costs no Argon2 time.
    if not throttle.reserve_attempt(email, address):
        return render(request, "accounts/login.html",
                      {**context, "error": _("Too many wrong passwords. Wait a minute and try again.")},
                      status_code=429, headers={"Retry-After": "60"})
    outcome, user = check_login(session, email=email, password=password)
    if outcome is LoginOutcome.WRONG:
        return render(request, "accounts/login.html", {**context, "error": _("Wrong e-mail or password.")},
                      status_code=400)
    if outcome is LoginOutcome.PENDING:
        return render(request, "accounts/login.html",
                      {**context, "pending": True,
                       "error": _("Confirm your e-mail first: open the link we sent you.")}, status_code=403)
    if outcome is LoginOutcome.SUSPENDED or user is None:
        return render(request, "accounts/login.html",
                      {**context, "error": _("Your account is suspended. Contact support.")}, status_code=403)
    response = RedirectResponse(local_path(next, HOME), status_code=303)
    start_session(session, request, response, user)
    return response


@router.get("/login/telegram", response_class=HTMLResponse)
def telegram_link_page(request: Request, session: DbSession, token: str = "") -> Response:
    """Show the bot's one-time sign-in link as a button (a link preview fetching the page spends nothing)."""
    try:
        user = peek(session, token, Purpose.TELEGRAM)
    except TokenError as exc:
        return _telegram_link_failure(request, exc.reason)
    return render(request, "accounts/telegram_link.html", {"token": token, "name": user.label})


@router.post("/login/telegram", response_class=HTMLResponse)
def telegram_link(request: Request, session: DbSession, token: FormStr = "") -> Response:
    """Use the bot's link up and sign its Telegram person in; go to their orders."""
    try:
        user = consume(session, token, Purpose.TELEGRAM)
    except TokenError as exc:
        return _telegram_link_failure(request, exc.reason)
    if user.status != "active":
        return render(request, "accounts/message.html", {"heading": _("Sign-in refused"), "tone": "danger",
                                                         "text": _("Your account is suspended. Contact support.")},
                      status_code=403)
    response = RedirectResponse("/orders", status_code=303)
    start_session(session, request, response, user)
    return response


def _telegram_link_failure(request: Request, reason: str) -> HTMLResponse:
    text = {"used": _("This link has already been used."),
            "expired": _("This link has expired.")}.get(reason, _("This link is not valid."))
    return render(request, "accounts/message.html",
                  {"heading": _("The link does not work"), "tone": "danger",
                   "text": text + " " + _("Ask the bot for a new one: the «🏠 Кабинет» button.")}, status_code=400)


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


def _forgot_context(email: str, errors: dict[str, str]) -> dict[str, object]:
    return {"heading": _("Forgot your password?"), "action": "/forgot-password", "email": email,
            "errors": errors, "button": _("Send a reset link"),
            "text": _("Enter your e-mail and we will send a link to choose a new password.")}


@router.get("/forgot-password", response_class=HTMLResponse)
def forgot_password_page(request: Request) -> Response:
    """Ask for the e-mail to send a reset link to."""
    return render(request, "accounts/email_form.html", _forgot_context("", {}))


@router.post("/forgot-password", response_class=HTMLResponse)
def forgot_password(request: Request, session: DbSession, background: BackgroundTasks,
                    email: FormStr = "") -> Response:
    """Mail a reset link (the answer is the same whether or not the e-mail is registered)."""
    try:
        normalized = normalize_email(email)
    except AccountError:
        return render(request, "accounts/email_form.html",
                      _forgot_context(email, {"email": _("Enter a valid e-mail address.")}), status_code=400)
    user = find_user(session, normalized)
    if user is not None and user.status != "suspended":
        # Over the limit nothing is sent and the last link stays valid: re-asking cannot retire it.
        send_token_mail(background, session, user, "reset", client=client_address(request))
    return render(request, "accounts/message.html",
                  {"heading": _("Check your mail"), "tone": "",
                   "text": _("If %(email)s is registered, a link to choose a new password is on its way.",
                             email=normalized)})


@router.get("/reset-password", response_class=HTMLResponse)
def reset_password_page(request: Request, session: DbSession, token: str = "") -> Response:
    """Show the new-password form of a valid reset link."""
    try:
        user = peek(session, token, Purpose.RESET)
    except TokenError as exc:
        return _token_failure(request, exc.reason, retry_url="/forgot-password", retry_label=_("Get a new link"))
    return render(request, "accounts/reset_password.html", {"token": token, "email": user.email, "errors": {}})


@router.post("/reset-password", response_class=HTMLResponse)
def reset_password(request: Request, session: DbSession, token: FormStr = "", password: FormStr = "",
                   password_confirm: FormStr = "") -> Response:
    """Set the new password, end every session of the user and send them to sign in."""
    try:
        user = peek(session, token, Purpose.RESET)
    except TokenError as exc:
        return _token_failure(request, exc.reason, retry_url="/forgot-password", retry_label=_("Get a new link"))
    errors = password_errors(password, password_confirm)
    if errors:
        return render(request, "accounts/reset_password.html", {"token": token, "email": user.email,
                                                                "errors": errors}, status_code=400)
    try:
        consume(session, token, Purpose.RESET)
    except TokenError as exc:  # used by a concurrent request in between
        return _token_failure(request, exc.reason, retry_url="/forgot-password", retry_label=_("Get a new link"))
    set_password(session, user, password)
    end_sessions(session, user.id)
    confirm_email(session, user)  # the link reached the mailbox: the address is proven
    flash(request, _("Your password has been changed. Sign in with the new one."))
    return RedirectResponse("/login", status_code=303)


@router.get("/invite", response_class=HTMLResponse)
def invite_page(request: Request, session: DbSession, token: str = "") -> Response:
    """Show the form that finishes an invited person's registration."""
    try:
        user = peek(session, token, Purpose.INVITE)
    except TokenError as exc:
        return _token_failure(request, exc.reason, retry_url="/login", retry_label=_("Sign in"))
    return render(request, "accounts/invite.html",
                  {"token": token, "email": user.email, "values": {"name": user.name or ""}, "errors": {}})


@router.post("/invite", response_class=HTMLResponse)
def accept_invite(request: Request, session: DbSession, token: FormStr = "", name: FormStr = "",
                  password: FormStr = "", password_confirm: FormStr = "") -> Response:
    """Set the invited person's name and password, activate them and sign them in."""
    try:
        user = peek(session, token, Purpose.INVITE)
    except TokenError as exc:
        return _token_failure(request, exc.reason, retry_url="/login", retry_label=_("Sign in"))
    name = name.strip()
    errors = {**profile_errors(name, ""), **password_errors(password, password_confirm)}
    if errors:
        return render(request, "accounts/invite.html", {"token": token, "email": user.email,
                                                        "values": {"name": name}, "errors": errors}, status_code=400)
    try:
        consume(session, token, Purpose.INVITE)
    except TokenError as exc:
        return _token_failure(request, exc.reason, retry_url="/login", retry_label=_("Sign in"))
    if user.status == "suspended":
        return _token_failure(request, "invalid", retry_url="/login", retry_label=_("Sign in"))
    user.name = name or user.name
    set_password(session, user, password)
    confirm_email(session, user)
    response = RedirectResponse("/connections", status_code=303)
    start_session(session, request, response, user)
    flash(request, _("Welcome to MarketSync! Connect Evotor and your VK community to start."))
    return response
