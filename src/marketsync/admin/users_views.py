"""Admin pages of users: the searchable list with the invite form, one user's page and its edit form."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import TYPE_CHECKING

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from marketsync.accounts.mail import send_token_mail
from marketsync.accounts.rbac import ASSIGNABLE_ROLES, user_permissions
from marketsync.accounts.schemas import FormStr, client_address
from marketsync.admin.guards import refuse, target_user, user_page
from marketsync.admin.service import (
    ROLE_NAMES,
    STATUSES,
    USER_SORTS,
    UserEdit,
    UserRow,
    edit_form,
    edit_user,
    export_users,
    invite_user,
    refusal,
    search_users,
    user_detail,
)
from marketsync.db import session_scope
from marketsync.security import redact
from marketsync.web.deps import CurrentUser, DbSession, require_permission
from marketsync.web.export import Column, export_format, export_response
from marketsync.web.i18n import gettext as _
from marketsync.web.tables import TableSpec, parse_table, table_for
from marketsync.web.templating import flash, render

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from marketsync.accounts.models import User

router = APIRouter()


USERS_SPEC = TableSpec(sorts=USER_SORTS, default_sort="created", default_dir="desc",
                       filters={"status": STATUSES, "role": ROLE_NAMES})


def _list_page(request: Request, session: Session, actor: User, *, invite: dict[str, str] | None = None,
               errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    # The invite form posts here too: its fields are not the table's, whose state is only in the query.
    table = parse_table(request.query_params, USERS_SPEC)
    perms = user_permissions(session, actor.id)
    # The invite form comes back here with its errors; without users.read it must not bring the list along.
    rows: list[UserRow] = []
    total, number = 0, 1
    if "users.read" in perms:
        rows, page = search_users(session, table)
        total, number = page.total, page.page
    return render(request, "admin/users.html", {
        "rows": rows, "t": table_for(table, USERS_SPEC, total=total, page=number, base_url="/admin/users",
                                     export_url_base="/admin/users/export"),
        "statuses": STATUSES, "role_names": ROLE_NAMES, "invite": invite or {"email": "", "name": ""},
        "errors": errors or {}, "perms": perms, "section": "users",
    }, status_code=status_code)


@router.get("/users", response_class=HTMLResponse, dependencies=[require_permission("users.read")])
def users(request: Request, session: DbSession, actor: CurrentUser) -> Response:
    """List users: search by e-mail, name or phone, filter by status and role, sort, page (?q=&status=&role=)."""
    return _list_page(request, session, actor)


@router.get("/users/export.csv", include_in_schema=False, dependencies=[require_permission("users.read")])
@router.get("/users/export.xlsx", include_in_schema=False, dependencies=[require_permission("users.read")])
def users_export(request: Request) -> StreamingResponse:
    """Download every user the search and filters match (all pages) as CSV or XLSX."""
    fmt = export_format(request)
    table = parse_table(request.query_params, USERS_SPEC)
    statuses = {"pending": _("Pending"), "active": _("Active"), "suspended": _("Suspended")}
    role_names = {"system": _("Instance owner"), "admin": _("Administrator"), "user": _("Seller")}
    columns: list[Column[UserRow]] = [
        Column(_("E-mail"), lambda r: r.user.email or ""),
        Column(_("Name"), lambda r: r.user.name),
        Column(_("Phone"), lambda r: r.user.phone),
        Column(_("Status"), lambda r: statuses.get(r.user.status, r.user.status)),
        Column(_("Roles"), lambda r: [role_names.get(n, n) for n in r.roles]),
        Column(_("Registered"), lambda r: r.user.created_at),
    ]

    def rows() -> Iterator[UserRow]:
        with session_scope() as export_session:  # the request's session is closed while the body streams
            yield from export_users(export_session, table)

    return export_response(fmt, "users", columns, rows)


@router.post("/users/invite", response_class=HTMLResponse, dependencies=[require_permission("users.write")])
def invite(request: Request, session: DbSession, actor: CurrentUser, background: BackgroundTasks,
           email: FormStr = "", name: FormStr = "") -> Response:
    """Create a pending user with their own cabinet and mail them an invitation link."""
    email, name = email.strip(), name.strip()
    user, errors = invite_user(session, email=email, name=name)
    if user is None:
        return _list_page(request, session, actor, invite={"email": email, "name": name}, errors=errors,
                          status_code=400)
    if send_token_mail(background, session, user, "invite", client=client_address(request)):
        flash(request, _("An invitation was sent to %(email)s.", email=user.email))
    else:
        flash(request, _("Too many mails were sent to %(email)s. Try again in an hour.", email=user.email),
              "warning")
    return RedirectResponse(user_page(user.id), status_code=303)


def detail_page(request: Request, session: Session, actor: User, user_id: int, *,
                values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                status_code: int = 200) -> Response:
    """Render a user's page (with the edit form's values and errors after a refused edit)."""
    perms = user_permissions(session, actor.id)
    if "users.read" not in perms:  # a refused edit comes back here: users.write alone shows nobody's page
        raise HTTPException(status_code=403)
    detail = user_detail(session, user_id)
    if detail is None:
        raise HTTPException(status_code=404)
    return render(request, "admin/user.html", {
        "d": detail, "target": detail.user, "perms": perms,
        "protected": refusal(session, actor, detail.user, "edit") is not None, "is_self": actor.id == user_id,
        "values": values or asdict(edit_form(detail.user, detail.roles)), "errors": errors or {},
        "assignable": ASSIGNABLE_ROLES, "redact": redact, "section": "users",
    }, status_code=status_code)


@router.get("/users/{user_id}", response_class=HTMLResponse, dependencies=[require_permission("users.read")])
def user(request: Request, session: DbSession, actor: CurrentUser, user_id: int) -> Response:
    """Show a user: profile, cabinets, their connections (no credentials), recent runs and errors."""
    return detail_page(request, session, actor, user_id)


@router.post("/users/{user_id}/edit", response_class=HTMLResponse, dependencies=[require_permission("users.write")])
def edit(request: Request, session: DbSession, actor: CurrentUser, user_id: int, name: FormStr = "",
         email: FormStr = "", phone: FormStr = "", role: FormStr = "") -> Response:
    """Change a user's name, e-mail, phone and platform role (user or admin)."""
    target = target_user(session, user_id)
    form = UserEdit(name=name.strip(), email=email.strip(), phone=phone.strip(), role=role.strip())
    outcome = edit_user(session, actor, target, form)
    if outcome.refused:
        return refuse(request, target, outcome.message)
    if outcome.errors:
        return detail_page(request, session, actor, user_id, values=asdict(form), errors=outcome.errors,
                           status_code=400)
    flash(request, outcome.message, outcome.tone)
    return RedirectResponse(user_page(target.id), status_code=303)
