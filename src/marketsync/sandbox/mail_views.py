"""The page of the SMTP sink: the mails demo mode caught (newest first), each one readable with its links
clickable, and a button emptying the Maildir. An emulator page, so bilingual labels instead of gettext;
every value from a mail is escaped (a mail is untrusted input), its HTML part only shown in a sandboxed frame.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from html import escape
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from marketsync.sandbox.smtp import CaughtMail, caught_mail, caught_mails, clear_maildir

# Moscow has kept UTC+3 all year since 2014: a fixed offset needs no tz database.
MOSCOW = timezone(timedelta(hours=3), "МСК")
_LINK = re.compile(r"https?://[^\s<>\"']+")
_TRAILING = ".,;:!?)»\"'"
_STYLE = """body{font-family:Arial,sans-serif;margin:24px;color:#212529;max-width:1100px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #dee2e6;padding:6px 8px;text-align:left;
vertical-align:top}th{background:#f8f9fa}pre{white-space:pre-wrap;word-break:break-word;background:#f8f9fa;
padding:12px;border-radius:6px}iframe{width:100%;height:520px;border:1px solid #dee2e6;border-radius:6px}
.muted{color:#6c757d}button{padding:6px 14px;cursor:pointer}dt{font-weight:bold}dd{margin:0 0 8px 0}"""


def moscow_time(moment: datetime) -> str:
    """Format a UTC moment as Moscow time (dd.mm.yyyy hh:mm:ss)."""
    return moment.astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M:%S")


def linkify(text: str) -> str:
    """Escape plain text and turn its http(s) links into clickable <a> elements."""
    parts: list[str] = []
    position = 0
    for match in _LINK.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        parts.append(escape(text[position:match.start()]))
        parts.append(f'<a href="{escape(url)}">{escape(url)}</a>')
        position = match.start() + len(url)
    parts.append(escape(text[position:]))
    return "".join(parts)


def _part(message: EmailMessage, subtype: str) -> str | None:
    body = message.get_body((subtype,))
    if body is None:
        return None
    try:
        return str(body.get_content())
    except (LookupError, ValueError):  # an unknown charset: show the bytes as UTF-8 rather than fail the page
        payload = body.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)


def _header(message: EmailMessage, name: str) -> str:
    # A caught mail is untrusted: a header the parser chokes on is shown raw, never a failed page.
    try:
        return str(message.get(name, ""))
    except Exception:
        raw = dict(message.raw_items()).get(name, "")
        return str(raw)


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f'<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body>{body}</body></html>",
        media_type="text/html; charset=utf-8",
    )


def _csrf_field(request: Request) -> str:
    # Mounted in the web app (demo mode) the page's forms are CSRF-protected like every other page; the
    # sandbox served on its own has no CSRF middleware, so no token.
    getter = request.scope.get("csrftoken")
    return f'<input type="hidden" name="csrftoken" value="{escape(getter())}">' if callable(getter) else ""


def _list_page(request: Request, mails: list[CaughtMail]) -> HTMLResponse:
    rows = "".join(
        f"<tr><td>{escape(moscow_time(mail.received_at))}</td><td>{escape(_header(mail.message, 'To'))}</td>"
        f'<td><a href="{escape(_message_path(request, mail.key))}">'
        f"{escape(_header(mail.message, 'Subject')) or '(без темы / no subject)'}</a></td></tr>"
        for mail in mails
    )
    clear_url = escape(request.url_for("sandbox_mail_clear").path)
    table = (
        "<table><thead><tr><th>Время, МСК (time, Moscow)</th><th>Кому (to)</th><th>Тема (subject)</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
        if mails else '<p class="muted">Писем пока нет (no mail yet).</p>'
    )
    body = (
        "<h1>Пойманные письма (caught mail)</h1>"
        '<p class="muted">Всё, что продукт отправляет в демо-режиме, приходит сюда, а не получателям. '
        "(Every mail the product sends in demo mode lands here, never with its recipients.)</p>"
        f"<p>Писем: {len(mails)} (mails: {len(mails)})</p>"
        f'<form method="post" action="{clear_url}">{_csrf_field(request)}'
        '<button type="submit">Очистить (clear)</button></form>'
        f"{table}"
    )
    return _page("Пойманные письма (caught mail)", body)


def _message_path(request: Request, key: str) -> str:
    return request.url_for("sandbox_mail_message", key=quote(key, safe="")).path


def _message_page(request: Request, mail: CaughtMail) -> HTMLResponse:
    message = mail.message
    headers = "".join(
        f"<dt>{label}</dt><dd>{escape(value)}</dd>"
        for label, value in (("От (from)", _header(message, "From")), ("Кому (to)", _header(message, "To")),
                             ("Тема (subject)", _header(message, "Subject")),
                             ("Получено, МСК (received, Moscow)", moscow_time(mail.received_at)))
    )
    plain = _part(message, "plain")
    text = f"<pre>{linkify(plain)}</pre>" if plain is not None else '<p class="muted">Нет (none).</p>'
    html_part = _part(message, "html")
    html = '<p class="muted">Нет (none).</p>'
    if html_part is not None:
        html_url = escape(request.url_for("sandbox_mail_html", key=quote(mail.key, safe="")).path)
        # No scripts, no same-origin access; a click on a link opens it in the whole window.
        frame = '<base target="_top">' + html_part
        html = (f'<p><a href="{html_url}">Открыть отдельно (open on its own)</a></p>'
                f'<iframe sandbox="allow-top-navigation-by-user-activation allow-popups" '
                f'title="HTML" srcdoc="{escape(frame)}"></iframe>')
    list_url = escape(request.url_for("sandbox_mail_list").path)
    body = (f'<p><a href="{list_url}">← Все письма (all mail)</a></p>'
            f"<h1>{escape(_header(message, 'Subject')) or '(без темы / no subject)'}</h1><dl>{headers}</dl>"
            f"<h2>Текст (plain text)</h2>{text}<h2>HTML</h2>{html}")
    return _page(_header(message, "Subject") or "mail", body)


def mail_router(mail_dir: Path | None = None) -> APIRouter:
    """Build the router serving `/mail...` over a Maildir (SANDBOX_MAIL_DIR, read per request, when None)."""
    router = APIRouter(prefix="/mail")

    def folder() -> Path:
        if mail_dir is not None:
            return mail_dir
        from marketsync.settings import get_settings  # late: tests change the settings after building the app

        return Path(get_settings().SANDBOX_MAIL_DIR)

    def found(key: str) -> CaughtMail:
        mail = caught_mail(folder(), key)
        if mail is None:
            raise HTTPException(404, "no such mail (письма нет)")
        return mail

    @router.get("", name="sandbox_mail_list", response_class=HTMLResponse)
    def list_mail(request: Request) -> HTMLResponse:
        """List the caught mails, newest first."""
        return _list_page(request, caught_mails(folder()))

    @router.post("/clear", name="sandbox_mail_clear")
    def clear_mail(request: Request) -> RedirectResponse:
        """Delete every caught mail and go back to the (now empty) list."""
        clear_maildir(folder())
        return RedirectResponse(request.url_for("sandbox_mail_list").path, status_code=303)

    @router.get("/{key}", name="sandbox_mail_message", response_class=HTMLResponse)
    def show_mail(request: Request, key: str) -> HTMLResponse:
        """Show one mail: headers, the plain text with clickable links, the HTML part in a sandboxed frame."""
        return _message_page(request, found(key))

    @router.get("/{key}/html", name="sandbox_mail_html", response_class=HTMLResponse)
    def show_mail_html(key: str) -> HTMLResponse:
        """Serve a mail's HTML part as it is, under a CSP sandbox (no scripts, no access to this origin)."""
        html_part = _part(found(key).message, "html")
        if html_part is None:
            raise HTTPException(404, "the mail has no HTML part (HTML-части нет)")
        return HTMLResponse(html_part, media_type="text/html; charset=utf-8",
                            headers={"Content-Security-Policy": "sandbox allow-popups allow-top-navigation"})

    return router
