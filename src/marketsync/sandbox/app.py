"""The sandbox as one ASGI app: /evotor, /vk, /ozon, /wildberries, /yandex_market, /telegram, /yookassa, /casdoor,
/oauth (the social sign-in providers), /llm (an OpenAI-compatible model), /pictures (product pictures as files),
/suppliers (supplier feeds as files), /_control and /mail (the SMTP sink's page), mountable anywhere (demo mode
uses /sandbox)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from starlette.responses import JSONResponse

from marketsync.sandbox.casdoor.routes import casdoor_router
from marketsync.sandbox.contract import ContractViolationError
from marketsync.sandbox.control import control_router
from marketsync.sandbox.evotor.routes import evotor_router
from marketsync.sandbox.llm.routes import llm_router
from marketsync.sandbox.mail_views import mail_router
from marketsync.sandbox.oauth.routes import oauth_control_router, oauth_router
from marketsync.sandbox.oauth.tokens import oauth_token_router
from marketsync.sandbox.ozon.routes import ozon_router
from marketsync.sandbox.pictures import pictures_router
from marketsync.sandbox.state import SandboxState, default_state
from marketsync.sandbox.suppliers.routes import suppliers_router
from marketsync.sandbox.telegram.chat import telegram_chat_router
from marketsync.sandbox.telegram.routes import telegram_router
from marketsync.sandbox.vk.routes import vk_router
from marketsync.sandbox.wildberries.routes import wildberries_router
from marketsync.sandbox.yandex_market.routes import yandex_market_router
from marketsync.sandbox.yookassa.routes import yookassa_router


def create_sandbox_app(state: SandboxState | None = None, *, mail_dir: Path | None = None) -> FastAPI:
    """Build the sandbox app over `state` (the process-wide default state when None) and the Maildir of caught
    mail (SANDBOX_MAIL_DIR when None)."""
    sandbox = state or default_state()
    app = FastAPI(title="MarketSync sandbox", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.sandbox = sandbox
    app.include_router(evotor_router(sandbox))
    app.include_router(vk_router(sandbox))
    app.include_router(yandex_market_router(sandbox))
    app.include_router(wildberries_router(sandbox))
    app.include_router(ozon_router(sandbox))
    app.include_router(telegram_router(sandbox))
    app.include_router(yookassa_router(sandbox))
    app.include_router(casdoor_router(sandbox))
    app.include_router(llm_router(sandbox))
    app.include_router(pictures_router())
    app.include_router(suppliers_router(sandbox))  # supplier feeds as files (the catalog hub's demo)
    app.include_router(telegram_chat_router(sandbox))  # /telegram/chat and /_control/telegram/...
    app.include_router(oauth_router(sandbox.oauth))  # the social sign-in providers (consent pages, tokens)
    app.include_router(oauth_token_router(sandbox.oauth))
    app.include_router(oauth_control_router(sandbox.oauth))
    app.include_router(control_router(sandbox))
    app.include_router(mail_router(mail_dir))

    @app.exception_handler(ContractViolationError)
    async def contract_violation(request: Request, error: ContractViolationError) -> JSONResponse:
        # SANDBOX_VALIDATE_CONTRACT=1: our own emulator drifted from the spec; fail loudly, never silently.
        return JSONResponse({"sandbox_contract_violation": str(error)}, status_code=500)

    return app
