"""Request dependencies: the database session (the request commits), the signed-in user from the server-side
session table, their cabinet, and starting/ending a browser session."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Response
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync.accounts.models import User, WebSession
from marketsync.accounts.rbac import user_permissions
from marketsync.accounts.service import AccountError, primary_account_id
from marketsync.db import session_factory, session_scope, utcnow
from marketsync.security import new_token, sha256_hex
from marketsync.settings import get_settings

SESSION_COOKIE = "ms_session"
SESSION_TTL = timedelta(days=14)


@dataclass(frozen=True)
class Viewer:
    """What pages show of the signed-in user; a plain copy, still readable after the session rolled back."""

    id: int
    email: str
    name: str | None
    can_admin: bool = False


def _remember(request: Request, user: User | None, session: Session | None = None) -> None:
    if user is None:
        request.state.user = None
        return
    can_admin = session is not None and "admin.access" in user_permissions(session, user.id)
    request.state.user = Viewer(id=user.id, email=user.email, name=user.name, can_admin=can_admin)


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


def _session_row(session: Session, token: str | None) -> WebSession | None:
    if not token:
        return None
    return session.scalar(select(WebSession).where(WebSession.token_hash == sha256_hex(token)))


def current_user(request: Request, session: DbSession) -> User | None:
    """Return the signed-in active user, re-read on every request (a suspended user is out at once).

    A session minted before the user's privileges or password changed gets a new id on this request."""
    row = _session_row(session, request.cookies.get(SESSION_COOKIE))
    user = None
    if row is not None and row.expires_at > utcnow():
        candidate = session.get(User, row.user_id)
        if candidate is not None and candidate.status == "active":
            user = candidate
            if row.security_stamp != user.security_stamp:
                _rotate(session, request, row, user)
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


def _rotate(session: Session, request: Request, row: WebSession, user: User) -> None:
    """Replace the session row by one with a new id, committed at once in its own transaction; the middleware
    sends the new cookie. A later error in this request rolls the request back, but never the new session:
    otherwise its cookie would name a row that does not exist and sign the user out."""
    token = new_token()
    engine = session.get_bind()
    session.expunge(row)  # the row is deleted below, outside this session
    with session_scope(engine if isinstance(engine, Engine) else None) as own:
        # Of two requests rotating the same session at once only one replaces it; the other keeps it for
        # its answer and sends no cookie, so the browser keeps the winner's.
        won = own.execute(delete(WebSession).where(WebSession.id == row.id)).rowcount  # type: ignore[attr-defined]
        if not won:
            return
        own.add(WebSession(token_hash=sha256_hex(token), user_id=user.id, created_at=utcnow(),
                           expires_at=row.expires_at, user_agent=row.user_agent,
                           security_stamp=user.security_stamp))
    request.state.session_cookie = _cookie_header(token)


def require_user(user: Annotated[User | None, Depends(current_user)]) -> User:
    """Return the signed-in user or raise 401 (pages turn it into a redirect to /login)."""
    if user is None:
        raise HTTPException(status_code=401, detail="Not signed in")
    return user


CurrentUser = Annotated[User, Depends(require_user)]


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
    previous = _session_row(session, request.cookies.get(SESSION_COOKIE))
    if previous is not None:
        session.delete(previous)
    session.execute(delete(WebSession).where(WebSession.user_id == user.id, WebSession.expires_at < utcnow()))
    token = new_token()
    agent = request.headers.get("user-agent")
    session.add(WebSession(token_hash=sha256_hex(token), user_id=user.id, created_at=utcnow(),
                           expires_at=utcnow() + SESSION_TTL, user_agent=agent[:255] if agent else None,
                           security_stamp=user.security_stamp))
    session.flush()
    request.state.session_cookie = None
    response.set_cookie(SESSION_COOKIE, token, max_age=int(SESSION_TTL.total_seconds()), httponly=True,
                        samesite="lax", secure=secure_cookies(), path="/")
    _remember(request, user, session)


def end_session(session: Session, request: Request, response: Response) -> None:
    """Sign out: delete the session row, so the cookie stops working even if it is replayed."""
    row = _session_row(session, request.cookies.get(SESSION_COOKIE))
    if row is not None:
        session.delete(row)
        session.flush()
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
