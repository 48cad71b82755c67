"""The admin panel's router: every page under /admin needs the admin.access permission, and each page its own
(users.read, users.write, users.delete, roles.read, roles.write, logs.read, payments.read, payments.write;
the tariff page is under the payments permissions; ops.read and ops.write for operations)."""

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from marketsync.admin import (
    casdoor_views,
    logs_views,
    ops_views,
    payments_views,
    roles_views,
    tariff_views,
    user_actions_views,
    users_views,
)
from marketsync.web.deps import require_permission

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[require_permission("admin.access")])


@router.get("", include_in_schema=False)
def admin_root() -> RedirectResponse:
    """Open the user list."""
    return RedirectResponse("/admin/users", status_code=303)


for _module in (users_views, user_actions_views, roles_views, logs_views, payments_views, tariff_views,
                casdoor_views, ops_views):
    router.include_router(_module.router)
