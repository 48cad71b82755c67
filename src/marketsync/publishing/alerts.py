"""One alert per marketplace and failing episode when a queued publish stops (the credentials refused, the
marketplace away after every retry): opened on the stock monitor's table, so the cabinet hears of it by e-mail and
Telegram like the other alerts; the next publish that runs closes it with a recovery message."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketsync.db import utcnow
from marketsync.stocks import alerts
from marketsync.stocks.models import MonitorAlert
from marketsync.stocks.monitor_service import account_name


def _key(account_id: int, system: str) -> str:
    return f"{account_id}:{alerts.PUBLISH_FAILED}:{system}"


def _open(session: Session, account_id: int, system: str) -> MonitorAlert | None:
    return session.scalar(select(MonitorAlert).where(MonitorAlert.open_key == _key(account_id, system)))


def raise_alert(session: Session, *, account_id: int, system: str, error: str) -> bool:
    """Open the marketplace's publishing alert unless one is open (the same episode); return whether one opened."""
    if _open(session, account_id, system) is not None:
        return False
    details = {"system": system, "error": error[:500]}
    session.add(MonitorAlert(
        account_id=account_id, source=system, kind=alerts.PUBLISH_FAILED, details=details,
        open_key=_key(account_id, system), opened_at=utcnow(),
        message=alerts.alert_text(account_id=account_id, account_name=account_name(session, account_id),
                                  system=system, kind=alerts.PUBLISH_FAILED, details=details)))
    session.flush()
    return True


def clear_alert(session: Session, *, account_id: int, system: str) -> bool:
    """Close the marketplace's open publishing alert, if any; return whether one was closed."""
    alert = _open(session, account_id, system)
    if alert is None:
        return False
    alert.cleared_at, alert.open_key = utcnow(), None
    alert.clear_message = alerts.recovery_text(account_id=account_id, account_name=account_name(session, account_id),
                                               system=system, kind=alerts.PUBLISH_FAILED)
    session.flush()
    return True


def deliver(session: Session, *, account_id: int) -> None:
    """Send the cabinet's pending alert messages (e-mail, Telegram)."""
    alerts.deliver_pending(session, account_id=account_id)
