"""A cabinet's weekly stock report: over the last 7 days, the stock pushes per marketplace (runs, failed runs, items
pushed, items failed), what is low on stock now, the monitor's alerts, and a chart of the items pushed and failed
per Moscow day. Sent as an HTML e-mail (the chart inline, by cid) to ALERT_EMAIL, shown at /monitor/report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync.accounts.mail import mail_config
from marketsync.connections.models import Connection
from marketsync.connections.service import system_title
from marketsync.connectors.mail.client import MailError, send
from marketsync.db import session_factory, utcnow
from marketsync.settings import get_settings
from marketsync.stocks.models import MonitorAlert, OfferRow, StockPush
from marketsync.stocks.monitor_service import account_name, alerts_since
from marketsync.stocks.report_chart import ChartDay, render_chart
from marketsync.sync import runs
from marketsync.sync.models import SyncRun
from marketsync.sync.pipelines.stocks import PUSH
from marketsync.web.i18n import gettext as _
from marketsync.web.i18n import reset_locale, set_locale
from marketsync.web.templating import environment

MOSCOW = ZoneInfo("Europe/Moscow")
REPORT_DAYS = 7
LOW_STOCK_SHOWN = 20  # items named in the report; the count covers them all


@dataclass
class SourceWeek:
    """One marketplace's stock pushes over the week."""

    system: str
    runs: int = 0
    failed_runs: int = 0
    items_pushed: int = 0
    items_failed: int = 0

    @property
    def title(self) -> str:
        """The marketplace's name as sellers know it."""
        return system_title(self.system)


@dataclass(frozen=True)
class DayFigures:
    """One Moscow day of the week: items pushed and failed, pushes run and failed."""

    day: date
    pushed: int = 0
    failed: int = 0
    runs: int = 0
    failed_runs: int = 0


@dataclass(frozen=True)
class LowStockItem:
    """An offer whose stock we offer is at or below LOW_STOCK_THRESHOLD."""

    system: str
    product_key: str
    name: str
    offered: int

    @property
    def title(self) -> str:
        """The marketplace's name as sellers know it."""
        return system_title(self.system)


@dataclass
class WeeklyReport:
    """Everything the weekly report shows for one cabinet."""

    account_id: int
    account_name: str
    since: datetime
    until: datetime
    low_stock_threshold: int
    sources: list[SourceWeek] = field(default_factory=list)
    days: list[DayFigures] = field(default_factory=list)
    low_stock: list[LowStockItem] = field(default_factory=list)
    low_stock_total: int = 0
    out_of_stock_total: int = 0
    alerts: list[MonitorAlert] = field(default_factory=list)

    @property
    def totals(self) -> SourceWeek:
        """The week's figures over every marketplace."""
        return SourceWeek("", sum(s.runs for s in self.sources), sum(s.failed_runs for s in self.sources),
                          sum(s.items_pushed for s in self.sources), sum(s.items_failed for s in self.sources))


def weekly_report(session: Session, *, account_id: int, now: datetime | None = None) -> WeeklyReport:
    """Gather a cabinet's report over the 7 days before `now`."""
    until = now or utcnow()
    since = until - timedelta(days=REPORT_DAYS)
    threshold = get_settings().LOW_STOCK_THRESHOLD
    report = WeeklyReport(account_id, account_name(session, account_id), since, until, threshold)
    rows = session.execute(select(SyncRun.source, SyncRun.started_at, SyncRun.status, SyncRun.updated,
                                  SyncRun.failed).where(
        SyncRun.account_id == account_id, SyncRun.pipeline == PUSH, SyncRun.dry_run.is_(False),
        SyncRun.started_at >= since, SyncRun.started_at < until, SyncRun.status.not_in(runs.LIVE)))
    weeks: dict[str, SourceWeek] = {}
    per_day: dict[str, Counter[date]] = {key: Counter() for key in ("pushed", "failed", "runs", "failed_runs")}
    for source, started_at, status, updated, failed in rows:
        week = weeks.setdefault(source or "", SourceWeek(source or ""))
        day = started_at.astimezone(MOSCOW).date()
        broke = status == "failed"
        week.runs, week.failed_runs = week.runs + 1, week.failed_runs + broke
        week.items_pushed, week.items_failed = week.items_pushed + (updated or 0), week.items_failed + (failed or 0)
        for key, value in (("pushed", updated or 0), ("failed", failed or 0), ("runs", 1), ("failed_runs", broke)):
            per_day[key][day] += value
    report.sources = sorted(weeks.values(), key=lambda w: w.title)
    last = until.astimezone(MOSCOW).date()
    report.days = [DayFigures(d, *(per_day[k][d] for k in ("pushed", "failed", "runs", "failed_runs")))
                   for d in (last - timedelta(days=n) for n in range(REPORT_DAYS - 1, -1, -1))]
    _low_stock(session, report)
    report.alerts = alerts_since(session, account_id=account_id, since=since)
    return report


def _low_stock(session: Session, report: WeeklyReport) -> None:
    low = and_(StockPush.account_id == report.account_id, StockPush.offered <= report.low_stock_threshold)
    report.low_stock_total, report.out_of_stock_total = session.execute(select(
        func.count(), func.coalesce(func.sum(case((StockPush.offered <= 0, 1), else_=0)), 0)).where(low)).one()
    rows = session.execute(
        select(Connection.system, StockPush.product_key, OfferRow.name, StockPush.offered)
        .join(Connection, Connection.id == StockPush.connection_id)
        .outerjoin(OfferRow, and_(OfferRow.connection_id == StockPush.connection_id,
                                  OfferRow.stock_key == StockPush.stock_key))
        .where(low).order_by(StockPush.offered, StockPush.product_key, Connection.system).limit(LOW_STOCK_SHOWN))
    report.low_stock = [LowStockItem(system, key, name or key, offered) for system, key, name, offered in rows]


def chart_png(report: WeeklyReport) -> bytes:
    """Draw the report's chart: items pushed and failed per day."""
    return render_chart([ChartDay(d.day.strftime("%d.%m"), d.pushed, d.failed) for d in report.days])


def compose_report_mail(report: WeeklyReport, *, to: str, locale: str = "ru") -> EmailMessage:
    """Build the report e-mail: plain text, and HTML with the chart inline (multipart/related, by cid)."""
    token = set_locale(locale)
    try:
        cid = make_msgid(domain="marketsync.local")
        context = {"report": report, "chart_cid": cid[1:-1], "locale": locale, "base_url": get_settings().BASE_URL}
        message = EmailMessage()
        message["To"] = to
        message["Subject"] = _("MarketSync weekly stock report: %(name)s (#%(id)s)", name=report.account_name,
                               id=report.account_id)
        message.set_content(environment.get_template("mail/weekly_report.txt").render(context))
        message.add_alternative(environment.get_template("mail/weekly_report.html").render(context), subtype="html")
        html = message.get_body(("html",))
        assert isinstance(html, EmailMessage)
        html.add_related(chart_png(report), maintype="image", subtype="png", cid=cid, filename="chart.png")
        return message
    finally:
        reset_locale(token)


@dataclass(frozen=True)
class ReportOutcome:
    """Whether a cabinet's weekly report went out, and why not."""

    account_id: int
    account_name: str
    sent: bool
    error: str | None = None


def send_weekly_report(engine: Engine, *, account_id: int) -> ReportOutcome:
    """Gather a cabinet's weekly report and mail it to ALERT_EMAIL."""
    with session_factory(engine)() as session:
        report = weekly_report(session, account_id=account_id)
    to = get_settings().ALERT_EMAIL
    if not to:
        return ReportOutcome(account_id, report.account_name, False, "ALERT_EMAIL is not set")
    try:
        send(compose_report_mail(report, to=to), mail_config())
    except MailError as exc:
        return ReportOutcome(account_id, report.account_name, False, str(exc))
    return ReportOutcome(account_id, report.account_name, True)
