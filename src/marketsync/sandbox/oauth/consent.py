"""The consent page a provider shows before it sends the person back: who signs in, to which app, "allow" or
"deny" (both are forms posting to the provider; the answer is a 302 to the app's redirect_uri)."""

from __future__ import annotations

from html import escape

from starlette.responses import HTMLResponse

from marketsync.sandbox.oauth.state import Person

TITLES = {"vk": "VK ID", "yandex": "Яндекс ID", "google": "Google", "telegram": "Telegram"}


def consent_page(provider: str, request_id: str, person: Person, *, client: str, action: str) -> HTMLResponse:
    """Render the consent form for a parked request."""
    title = TITLES[provider]
    email = f"<p>E-mail: <b>{escape(person.email)}</b>{'' if person.email_verified else ' (не подтверждён)'}</p>" \
        if person.email else ""
    body = f"""<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{title} — вход</title>
<style>body{{font-family:sans-serif;max-width:28rem;margin:3rem auto}}button{{font-size:1rem;margin-right:1rem}}
</style></head><body><h1>{title}</h1>
<p>Приложение <b>{escape(client)}</b> запрашивает доступ к вашему профилю (песочница MarketSync).</p>
<p>Вы входите как <b>{escape(person.name)}</b> (id {escape(person.subject)}).</p>{email}
<form method="post" action="{escape(action)}">
<input type="hidden" name="request_id" value="{escape(request_id)}">
<button type="submit" name="decision" value="allow">Разрешить</button>
<button type="submit" name="decision" value="deny">Отказать</button>
</form></body></html>"""
    return HTMLResponse(body, headers={"Cache-Control": "no-store"})


def error_page(text: str, status_code: int = 400) -> HTMLResponse:
    """Show an error the provider gives instead of redirecting (unknown client, bad redirect_uri)."""
    return HTMLResponse(f"<!doctype html><html><head><meta charset='utf-8'><title>Ошибка</title></head>"
                        f"<body><h1>Ошибка авторизации</h1><p>{escape(text)}</p></body></html>",
                        status_code=status_code)
