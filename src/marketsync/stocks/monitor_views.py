"""The stock monitor's pages: /monitor (the health of each marketplace of the cabinet, its open alerts, the log
of its stock runs) and /monitor/report (the weekly report, its chart at /monitor/report/chart.png). They only
read: alerts are raised and sent by the monitor runs (beat hourly, or `marketsync monitor` from cron)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from marketsync.settings import get_settings
from marketsync.stocks import alerts, monitor_service, report
from marketsync.web.deps import AccountId, DbSession
from marketsync.web.templating import render

router = APIRouter(tags=["monitor"])
RUN_LOG_SIZE = 50


@router.get("/monitor", response_class=HTMLResponse)
def monitor_page(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """Show each marketplace's health, the open alerts and the latest stock runs of the cabinet."""
    settings = get_settings()
    open_alerts = monitor_service.open_alerts(session, account_id=account_id)
    return render(request, "monitor/index.html", {
        "sources": monitor_service.check_health(session, account_id=account_id),
        "alerts": [(alert, alerts.describe(alert.kind, alert.details)) for alert in open_alerts],
        "runs": monitor_service.stock_runs(session, account_id=account_id, limit=RUN_LOG_SIZE),
        "limits": {"hours": f"{settings.MAX_SYNC_AGE_HOURS:g}", "products": settings.MIN_PRODUCTS_THRESHOLD,
                   "percent": f"{settings.ANOMALY_THRESHOLD * 100:g}"},
    })


@router.get("/monitor/report", response_class=HTMLResponse)
def report_page(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """Show the cabinet's stock report of the last 7 days."""
    week = report.weekly_report(session, account_id=account_id)
    return render(request, "monitor/report.html", {"report": week})


@router.get("/monitor/report/chart.png")
def report_chart(session: DbSession, account_id: AccountId) -> Response:
    """Draw the weekly report's chart (items pushed and failed per day) of the cabinet."""
    png = report.chart_png(report.weekly_report(session, account_id=account_id))
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})
