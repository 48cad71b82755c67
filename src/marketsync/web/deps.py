"""Request dependencies: the database session (the request commits), the signed-in user from the server-side
session table, their cabinet, and starting/ending a browser session."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from http.cookies import SimpleCookie
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Response
from sqlalchemy.orm import Session

from marketsync.accounts import sessions
from marketsync.accounts.models import User
from marketsync.accounts.rbac import user_permissions
from marketsync.accounts.service import AccountError, primary_account_id
from marketsync.accounts.sessions import SESSION_TTL
from marketsync.billing import service as billing
from marketsync.db import session_factory
from marketsync.ops import service as ops_service
from marketsync.security import sha256_hex
from marketsync.settings import get_settings

SESSION_COOKIE = "ms_session"


@dataclass(frozen=True)
class Viewer:
    """What pages show of the signed-in user; a plain copy, still readable after the session rolled back."""

    id: int
    email: str | None
    name: str | None
    can_admin: bool = False
    paused: bool = False  # their cabinet's balance is spent under the tariff: every page says so
    read_only: bool = False  # the operator stopped every write to external systems: every page says so
    balance: Decimal | None = None  # the cabinet's wallet, shown in the menu (None: no cabinet)


def _remember(request: Request, user: User | None, session: Session | None = None) -> None:
    if user is None:
        request.state.user = None
        return
    if session is None:
        request.state.user = Viewer(id=user.id, email=user.email, name=user.name)
        return
    try:
        account: int | None = primary_account_id(session, user.id)
    except AccountError:
        account = None
    request.state.user = Viewer(id=user.id, email=user.email, name=user.name,
                                can_admin="admin.access" in user_permissions(session, user.id),
                                paused=account is not None and billing.is_paused(session, account),
                                read_only=ops_service.read_only(session),
                                balance=None if account is None else billing.balance(session, account))


def get_session() -> Iterator[Session]:
    """Yield a database session; commit when the handler succeeds, roll back when it raises."""
    session = session_factory()()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function": commit before the response leaves, so the page a redirect leads to sees the change.
DbSession = Annotated[Session, Depends(get_session, scope="function")]


def secure_cookies() -> bool:
    """Whether cookies get the Secure flag (the site is served over https)."""
    return get_settings().BASE_URL.startswith("https")


def current_user(request: Request, session: DbSession) -> User | None:
    """Return the signed-in active user, re-read on every request (a suspended user is out at once).

    A session minted before the user's privileges or password changed gets a new id on this request."""
    row, user = sessions.signed_in(session, request.cookies.get(SESSION_COOKIE))
    if row is not None and user is not None and sessions.needs_rotation(row, user):
        token = sessions.rotate(session, row, user)
        if token is not None:  # the middleware sends the new cookie
            request.state.session_cookie = _cookie_header(token)
    _remember(request, user, session)
    return user


def _cookie_header(token: str) -> str:
    cookie = SimpleCookie()
    cookie[SESSION_COOKIE] = token
    morsel = cookie[SESSION_COOKIE]
    morsel["path"] = "/"
    morsel["max-age"] = str(int(SESSION_TTL.total_seconds()))
    morsel["httponly"] = True  # type: ignore[assignment]  # Morsel flags take booleans
    morsel["samesite"] = "lax"
    morsel["secure"] = secure_cookies()  # type: ignore[assignment]
    return morsel.OutputString()


def require_user(user: Annotated[User | None, Depends(current_user)]) -> User:
    """Return the signed-in user or raise 401 (pages turn it into a redirect to /login)."""
    if user is None:
        raise HTTPException(status_code=401, detail="Not signed in")
    return user


CurrentUser = Annotated[User, Depends(require_user)]
OptionalUser = Annotated[User | None, Depends(current_user)]


def require_permission(permission: str) -> Any:
    """Return a dependency that lets through only users holding `permission` (403 for the others)."""

    def check(session: DbSession, user: CurrentUser) -> User:
        if permission not in user_permissions(session, user.id):
            raise HTTPException(status_code=403, detail=f"Missing permission {permission}")
        return user

    return Depends(check)


def current_account_id(request: Request, session: DbSession, user: CurrentUser) -> int:
    """Return the cabinet the signed-in user works in (403 when they belong to none)."""
    try:
        account_id = primary_account_id(session, user.id)
    except AccountError as exc:
        raise HTTPException(status_code=403, detail=str(exc)) from exc
    request.state.account_id = account_id
    return account_id


AccountId = Annotated[int, Depends(current_account_id)]


def start_session(session: Session, request: Request, response: Response, user: User) -> None:
    """Sign a user in: drop the previous session (rotation) and the user's expired ones, set a new cookie."""
    token = sessions.open_session(session, user=user, previous_token=request.cookies.get(SESSION_COOKIE),
                                  user_agent=request.headers.get("user-agent"))
    request.state.session_cookie = None
    response.set_cookie(SESSION_COOKIE, token, max_age=int(SESSION_TTL.total_seconds()), httponly=True,
                        samesite="lax", secure=secure_cookies(), path="/")
    _remember(request, user, session)


def end_session(session: Session, request: Request, response: Response) -> None:
    """Sign out: delete the session row, so the cookie stops working even if it is replayed."""
    sessions.close_session(session, request.cookies.get(SESSION_COOKIE))
    request.state.session_cookie = None
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure_cookies())
    _remember(request, None)


def session_token_hash(request: Request) -> str | None:
    """Return the hash of this request's session id (to keep this session while ending the others)."""
    token = request.cookies.get(SESSION_COOKIE)
    return sha256_hex(token) if token else None


ID_MIN, ID_MAX = -(2**31), 2**31 - 1  # id columns are INTEGER: 32-bit on PostgreSQL and MariaDB


def ids_in_range(request: Request) -> None:
    """Answer 404 for an integer path parameter no row can have (set on the whole app, so every route with an
    id is covered): a 20-digit id would otherwise reach the database and fail there with a 500."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    for field in getattr(dependant, "path_params", ()):
        value = request.path_params.get(field.alias)
        if field.field_info.annotation is not int or not isinstance(value, str):
            continue
        try:
            number = int(value)
        except ValueError:
            continue  # not a number at all: the route's own validation answers
        if not ID_MIN <= number <= ID_MAX:
            raise HTTPException(status_code=404)
