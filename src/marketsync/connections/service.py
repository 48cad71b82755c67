"""Connection use cases: save (after a live check), read, open a connector, mark broken, disconnect."""

from __future__ import annotations

import math
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from marketsync.connections.api_log import ApiLogRecorder
from marketsync.connections.models import Connection
from marketsync.connectors import ROLES, connect, credentials_model, title_of
from marketsync.connectors.capabilities import CardChannel, CatalogChannel, CatalogSource, EventFeed, StockChannel
from marketsync.connectors.records import CheckResult
from marketsync.db import utcnow
from marketsync.http import time_budget
from marketsync.notices import Notice, notice, of_check
from marketsync.security import decrypt_json, encrypt_json, fingerprint, is_secret_name

SYSTEMS = ("evotor", "vk", "ozon", "wildberries", "yandex_market")  # what /connections shows, in its order
CHECK_ATTEMPTS = 2
CHECK_TIMEOUT_SECONDS = 10.0
CHECK_BUDGET_SECONDS = 30.0
RETRY_LATER = "retry_after"  # CheckResult.details key: the remote only asked us to wait, nothing is broken


class ConnectionSetupError(ValueError):
    """A user-facing refusal to save or use a connection; `notice` says it in the reader's language."""

    def __init__(self, reason: Notice) -> None:
        super().__init__(reason.english)
        self.notice = reason


def get_connection(session: Session, account_id: int, system: str) -> Connection | None:
    """Return the account's connection to a system, if any."""
    return session.scalar(select(Connection).where(Connection.account_id == account_id,
                                                   Connection.system == system))


def connection_for(session: Session, account_id: int, role: str) -> Connection | None:
    """Return the account's connection that plays a role in a flow (e.g. the catalog source), if any."""
    return session.scalar(select(Connection).where(Connection.account_id == account_id,
                                                   Connection.system.in_(ROLES[role])).order_by(Connection.id))


def system_title(system: str) -> str:
    """Return a system's name as sellers know it ("Evotor", "VK")."""
    return title_of(system)


def role_title(role: str) -> str:
    """Return the name sellers know the system of a role by (for "connect X first")."""
    return " / ".join(title_of(system) for system in ROLES[role])


def validate_credentials(system: str, credentials: dict[str, Any]) -> dict[str, Any]:
    """Validate credentials against the system's model; raise ConnectionSetupError with a readable reason."""
    try:
        return credentials_model(system).model_validate(credentials).model_dump()
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ConnectionSetupError(notice("invalid_credentials", system=system, field=field,
                                          detail=first["msg"])) from exc


def check_credentials(system: str, credentials: dict[str, Any], *, key: str = "check") -> CheckResult:
    """Test credentials against the live API without saving anything; a rate limit is waited out, not failed."""
    # A person waits on this answer: two quick attempts at a failure, and rate limits waited out only within
    # one overall budget, whatever the connector.
    connector = connect(system, validate_credentials(system, credentials), connection_key=key,
                        max_attempts=CHECK_ATTEMPTS, timeout=CHECK_TIMEOUT_SECONDS)
    try:
        with time_budget(CHECK_BUDGET_SECONDS) as budget:
            result = connector.check()
    finally:
        connector.close()
    if result.ok or budget.rate_limited is None:
        return result
    wait = budget.rate_limited.retry_after
    if wait is None:
        # Our own limiter timing out is not the remote's answer: say which it was.
        own = budget.rate_limited.key == "own_pace_spent"
        said = notice("own_pace_retry" if own else "slow_down_and_retry", system=system)
        return CheckResult(ok=False, message=said.english, details={RETRY_LATER: ""}, key=said.key,
                           params=dict(said.params))
    seconds = max(1, math.ceil(wait))
    said = notice("wait_and_retry", system=system, seconds=seconds)
    return CheckResult(ok=False, message=said.english, details={RETRY_LATER: str(seconds)}, key=said.key,
                       params=dict(said.params))


def save_connection(session: Session, *, account_id: int, system: str, credentials: dict[str, Any],
                    check: bool = True) -> tuple[Connection, CheckResult | None]:
    """Check credentials against the API, then store them encrypted; a failed check saves nothing."""
    creds = validate_credentials(system, credentials)
    result = check_credentials(system, creds, key=f"{account_id}-new") if check else None
    if result is not None and not result.ok:
        raise ConnectionSetupError(of_check(result))
    conn = get_connection(session, account_id, system)
    if conn is None:
        conn = Connection(account_id=account_id, system=system, credentials_encrypted="")
        session.add(conn)
    conn.credentials_encrypted = encrypt_json(creds)
    conn.credential_fingerprint = credential_fingerprint(system, creds)
    # Secrets stay only in the encrypted blob; ids (group, client, warehouse, campaign) are shown in clear.
    conn.settings = {k: v for k, v in creds.items() if not is_secret_name(k)}
    conn.status = "active"
    conn.last_error, conn.last_error_notice = None, None
    conn.last_checked_at = utcnow()
    session.flush()
    return conn, result


def credential_fingerprint(system: str, credentials: dict[str, Any]) -> str | None:
    """Return the keyed fingerprint of a connection's API key (its `token`), or None for a system without one."""
    token = credentials.get("token")
    return fingerprint(f"{system}:{str(token).strip()}") if token else None


def find_by_key(session: Session, *, system: str, token: str) -> Connection | None:
    """Return the oldest connection to a system whose API key is `token`, found by its fingerprint (no key is
    decrypted)."""
    key = credential_fingerprint(system, {"token": token})
    return session.scalar(select(Connection).where(Connection.system == system,
                                                   Connection.credential_fingerprint == key)
                          .order_by(Connection.id).limit(1))


def credentials_of(conn: Connection) -> dict[str, Any]:
    """Decrypt a connection's credentials."""
    return decrypt_json(conn.credentials_encrypted)


def open_connector(conn: Connection, recorder: ApiLogRecorder | None = None) -> Any:
    """Build the connector of a stored connection, logging its calls through the recorder."""
    return connect(conn.system, credentials_of(conn), connection_key=str(conn.id), recorder=recorder)


def open_source(conn: Connection, recorder: ApiLogRecorder | None = None) -> CatalogSource:
    """Open a connection as a catalog source; refuse a system that cannot be one."""
    connector = open_connector(conn, recorder)
    if not isinstance(connector, CatalogSource):
        raise ConnectionSetupError(notice("not_a_source", system=conn.system))
    return connector


def open_channel(conn: Connection, recorder: ApiLogRecorder | None = None) -> CatalogChannel:
    """Open a connection as a catalog channel; refuse a system that cannot be one."""
    connector = open_connector(conn, recorder)
    if not isinstance(connector, CatalogChannel):
        raise ConnectionSetupError(notice("not_a_channel", system=conn.system))
    return connector


def pushes_stock(conn: Connection) -> bool:
    """Whether a marketplace connection names where our stock goes: a warehouse the system may leave optional (a
    WB key entered in the Telegram bot, for notifications only) must be set before any stock is pushed."""
    field = credentials_model(conn.system).model_fields.get("warehouse_id")
    return field is None or field.is_required() or bool((conn.settings or {}).get("warehouse_id"))


def open_stock_channel(conn: Connection, recorder: ApiLogRecorder | None = None) -> StockChannel:
    """Open a connection as a marketplace whose stock we push; refuse a system that cannot be one."""
    connector = open_connector(conn, recorder)
    if not isinstance(connector, StockChannel):
        raise ConnectionSetupError(notice("not_a_stock_channel", system=conn.system))
    return connector


def open_card_channel(conn: Connection, recorder: ApiLogRecorder | None = None) -> CardChannel:
    """Open a connection as a marketplace the catalog hub publishes cards to; refuse a system that cannot be one."""
    connector = open_connector(conn, recorder)
    if not isinstance(connector, CardChannel):
        raise ConnectionSetupError(notice("not_a_card_channel", system=conn.system))
    return connector


def open_event_feed(conn: Connection, recorder: ApiLogRecorder | None = None) -> EventFeed:
    """Open a connection as a marketplace whose buyers' events we read; refuse a system that cannot be one."""
    connector = open_connector(conn, recorder)
    if not isinstance(connector, EventFeed):
        connector.close()
        raise ConnectionSetupError(notice("not_an_event_feed", system=conn.system))
    return connector


def recorder_for(conn: Connection) -> ApiLogRecorder:
    """Return an api_calls recorder bound to a connection."""
    return ApiLogRecorder(account_id=conn.account_id, connection_id=conn.id)


def mark_broken(conn: Connection, reason: Notice) -> None:
    """Flag a connection whose credentials the remote rejected, with the reason shown to the seller."""
    conn.status = "broken"
    conn.last_error, conn.last_error_notice = reason.english[:2000], reason.dump()
    conn.last_checked_at = utcnow()


def mark_checked(conn: Connection, result: CheckResult) -> None:
    """Record the outcome of a connection test; a remote asking us to wait leaves the status as it was."""
    if not result.ok and RETRY_LATER in result.details:
        conn.last_checked_at = utcnow()
        return
    conn.status = "active" if result.ok else "broken"
    conn.last_error = None if result.ok else result.message
    conn.last_error_notice = None if result.ok else of_check(result).dump()
    conn.last_checked_at = utcnow()


def disconnect(session: Session, *, account_id: int, system: str) -> bool:
    """Remove a connection and everything cached from it; return whether one existed."""
    conn = get_connection(session, account_id, system)
    if conn is None:
        return False
    session.delete(conn)
    session.flush()
    return True


def token_hint(conn: Connection | None) -> str | None:
    """Return the last characters of a stored token (Ozon: its API key), so the seller recognises it unshown."""
    if conn is None:
        return None
    try:
        stored = credentials_of(conn)
    except ValueError:
        return None
    token = str(next((value for name, value in stored.items() if is_secret_name(name) and value), ""))
    return f"…{token[-4:]}" if len(token) >= 12 else "…"


def with_stored_secrets(session: Session, *, account_id: int, system: str,
                        credentials: dict[str, Any]) -> dict[str, Any]:
    """Fill the secrets left blank from the stored connection, so changing an id needs no key pasted again."""
    blank = [name for name, value in credentials.items() if is_secret_name(name) and not str(value or "").strip()]
    conn = get_connection(session, account_id, system)
    if not blank or conn is None:
        return credentials
    try:
        stored = credentials_of(conn)
    except ValueError:  # no key decrypts it any more: the seller must paste the secret again
        return credentials
    return {**credentials, **{name: stored[name] for name in blank if stored.get(name)}}


def connections_of(session: Session, *, account_id: int) -> dict[str, Connection | None]:
    """Return the account's connection to every system (None where there is none yet)."""
    return {system: get_connection(session, account_id, system) for system in SYSTEMS}


def check_stored_connection(session: Session, *, account_id: int, system: str) -> CheckResult | None:
    """Test a stored connection live and record the outcome on it; None when the system is not connected."""
    conn = get_connection(session, account_id, system)
    if conn is None:
        return None
    try:
        result = check_credentials(system, credentials_of(conn), key=str(conn.id))
    except ConnectionSetupError as exc:
        result = CheckResult(ok=False, message=str(exc), key=exc.notice.key, params=dict(exc.notice.params))
    except ValueError:  # credentials no key can decrypt any more
        said = notice("credentials_unreadable")
        result = CheckResult(ok=False, message=said.english, key=said.key)
    mark_checked(conn, result)
    return result
