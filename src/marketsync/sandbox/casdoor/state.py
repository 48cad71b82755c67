"""The sandbox Casdoor's data: applications (client id, secret, organization) and users by `owner/name`.

`refuse_balance` makes it behave as a Casdoor older than the balance columns: `balance` and `balanceCurrency` are
unknown, so an update naming them is refused (status "error") and a body carrying them is ignored there."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

DEMO_CLIENT_ID = "marketsync-demo-client"
DEMO_CLIENT_SECRET = "marketsync-demo-casdoor-secret-0123456789"
DEMO_ORGANIZATION = "marketsync"
DEMO_APPLICATION = "marketsync-cabinet"
BALANCE_COLUMNS = frozenset({"balance", "balanceCurrency"})
# The columns of object.User the sandbox keeps (CONTRACTS §8 / swagger.json); anything else is refused by name.
USER_COLUMNS = frozenset({
    "owner", "name", "createdTime", "updatedTime", "id", "type", "displayName", "firstName", "lastName", "avatar",
    "email", "emailVerified", "phone", "countryCode", "region", "location", "affiliation", "title", "homepage",
    "bio", "tag", "language", "gender", "birthday", "score", "karma", "ranking", "isOnline", "isAdmin",
    "isForbidden", "isDeleted", "signupApplication", "properties", "balance", "balanceCurrency", "groups",
})


class CasdoorError(Exception):
    """A request Casdoor answers with status "error" (HTTP 200) and this message."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class App:
    """One application's credentials and the organization it administers."""

    client_id: str
    client_secret: str
    organization: str
    name: str


class CasdoorState:
    """Applications and users; every method takes the sandbox's lock."""

    def __init__(self, lock: threading.RLock) -> None:
        self.lock = lock
        self.apps: dict[str, App] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.refuse_balance = False
        self.writes: list[tuple[str, str, list[str]]] = []  # (action, id, columns) for tests to read

    def reset(self) -> None:
        """Forget applications, users and the legacy switch."""
        with self.lock:
            self.apps.clear()
            self.users.clear()
            self.writes.clear()
            self.refuse_balance = False

    def add_app(self, client_id: str, client_secret: str, organization: str, name: str) -> App:
        """Register an application whose id and secret authenticate API calls."""
        with self.lock:
            self.apps[client_id] = App(client_id, client_secret, organization, name)
            return self.apps[client_id]

    def seed_demo(self) -> dict[str, str]:
        """Add the demo application; return its settings."""
        self.add_app(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ORGANIZATION, DEMO_APPLICATION)
        return {"casdoor_client_id": DEMO_CLIENT_ID, "casdoor_client_secret": DEMO_CLIENT_SECRET}

    def authenticate(self, client_id: str, client_secret: str) -> App | None:
        """Return the application these credentials name, if they are right."""
        import hmac

        with self.lock:
            app = self.apps.get(client_id)
        if app is None or not hmac.compare_digest(app.client_secret.encode(), client_secret.encode()):
            return None
        return app

    def _visible(self, user: dict[str, Any]) -> dict[str, Any]:
        if self.refuse_balance:
            return {k: v for k, v in user.items() if k not in BALANCE_COLUMNS}
        return dict(user)

    def get(self, user_id: str) -> dict[str, Any] | None:
        """Return a user by `owner/name`, or None."""
        with self.lock:
            user = self.users.get(user_id)
            return self._visible(user) if user else None

    def of_owner(self, owner: str) -> list[dict[str, Any]]:
        """Return the users of one organization."""
        with self.lock:
            return [self._visible(u) for u in self.users.values() if u["owner"] == owner]

    def _known(self, body: dict[str, Any]) -> dict[str, Any]:
        known = {k: v for k, v in body.items() if k in USER_COLUMNS}
        if self.refuse_balance:
            known = {k: v for k, v in known.items() if k not in BALANCE_COLUMNS}
        return known

    def add(self, app: App, body: dict[str, Any]) -> str:
        """Add a user of the application's organization; a taken name is an error."""
        owner, name = str(body.get("owner") or ""), str(body.get("name") or "")
        if owner != app.organization:
            raise CasdoorError(f"auth:Unauthorized operation: the organization {owner!r} is not yours")
        if not name:
            raise CasdoorError("general:Missing parameter: name")
        with self.lock:
            key = f"{owner}/{name}"
            if key in self.users:
                raise CasdoorError(f"The user: {key} already exists")
            user: dict[str, Any] = {"createdTime": _now(), "type": "normal-user", "displayName": name,
                                    "email": "", "phone": "", "emailVerified": False, "isForbidden": False,
                                    "score": 0, "signupApplication": "", **self._known(body)}
            if not self.refuse_balance:
                user.setdefault("balance", 0.0)
                user.setdefault("balanceCurrency", "")
            user.update({"owner": owner, "name": name, "id": str(uuid.uuid4()), "updatedTime": _now()})
            self.users[key] = user
            self.writes.append(("add-user", key, []))
            return "Affected"

    def update(self, app: App, user_id: str, body: dict[str, Any], columns: list[str]) -> str:
        """Update a user: only `columns` when given (an unknown column is an error), else every known field."""
        owner = user_id.partition("/")[0]
        if owner != app.organization:
            raise CasdoorError("auth:Unauthorized operation")
        with self.lock:
            user = self.users.get(user_id)
            if user is None:
                raise CasdoorError(f"The user: {user_id} doesn't exist")
            known = USER_COLUMNS - (BALANCE_COLUMNS if self.refuse_balance else frozenset())
            unknown = [c for c in columns if c not in known]
            if unknown:
                raise CasdoorError(f"Unknown column name: {unknown[0]}")
            fields = self._known(body)
            chosen = {c: fields[c] for c in columns if c in fields} if columns else fields
            chosen.pop("owner", None)
            chosen.pop("name", None)
            chosen.pop("id", None)
            before = dict(user)
            user.update(chosen)
            user["updatedTime"] = _now()
            self.writes.append(("update-user", user_id, list(columns)))
            return "Affected" if before != user else "Unaffected"
