"""The API documentation: /docs (Swagger UI) and /redoc (ReDoc) served from the vendored copies under
/static/vendor/ so they work without internet, over a schema that lists the JSON API and not the HTML pages."""

from __future__ import annotations

import typing
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.datastructures import DefaultPlaceholder
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute

SWAGGER_JS = "/static/vendor/swagger-ui/swagger-ui-bundle.js"
SWAGGER_CSS = "/static/vendor/swagger-ui/swagger-ui.css"
FAVICON = "/static/vendor/swagger-ui/favicon-32x32.png"
REDOC_JS = "/static/vendor/redoc/redoc.standalone.js"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"
# Swagger UI would otherwise send the schema's address to validator.swagger.io for a badge image.
_SWAGGER_PARAMETERS = {"validatorUrl": None}


def _returns(route: APIRoute) -> Any:
    try:  # the views use postponed annotations; one that cannot be resolved says nothing about pages
        return typing.get_type_hints(route.endpoint).get("return")
    except Exception:
        return None


def is_page(route: APIRoute) -> bool:
    """Whether a route answers a browser with a page or a redirect (declared by its response class or its
    return type) rather than JSON: such routes are left out of the API schema."""
    response_class = route.response_class
    if isinstance(response_class, DefaultPlaceholder):
        response_class = response_class.value
    returns = _returns(route)
    return (isinstance(response_class, type) and issubclass(response_class, HTMLResponse)) or (
        isinstance(returns, type) and issubclass(returns, (HTMLResponse, RedirectResponse)))


def hide_pages(routes: Iterable[Any]) -> None:
    """Leave every page route of these routes (and of the routers included in them) out of the schema."""
    for route in routes:
        if isinstance(route, APIRoute):
            if is_page(route):
                route.include_in_schema = False
        elif hasattr(route, "original_router"):  # FastAPI ≥ 0.125 keeps an included router as one route
            hide_pages(route.original_router.routes)


def install_api_docs(app: FastAPI) -> None:
    """Serve /docs, its OAuth2 redirect and /redoc from the vendored assets (the app is built without them)."""
    openapi_url = app.openapi_url or "/openapi.json"
    title = app.title

    def _root(request: Request) -> str:
        return str(request.scope.get("root_path", "")).rstrip("/")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        """Swagger UI over the API schema."""
        root = _root(request)
        return get_swagger_ui_html(openapi_url=root + openapi_url, title=f"{title} - Swagger UI",
                                   swagger_js_url=root + SWAGGER_JS, swagger_css_url=root + SWAGGER_CSS,
                                   swagger_favicon_url=root + FAVICON, oauth2_redirect_url=root + OAUTH2_REDIRECT,
                                   swagger_ui_parameters=_SWAGGER_PARAMETERS)

    @app.get(OAUTH2_REDIRECT, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        """Swagger UI's OAuth2 landing page (kept as FastAPI serves it by default)."""
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        """ReDoc over the API schema, without Google Fonts."""
        root = _root(request)
        return get_redoc_html(openapi_url=root + openapi_url, title=f"{title} - ReDoc",
                              redoc_js_url=root + REDOC_JS, redoc_favicon_url=root + FAVICON,
                              with_google_fonts=False)
