"""An id too large for the id columns, in any route's path, is a page that does not exist (404), never a 500."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from browser import csrf_token, sign_in
from marketsync.web.app import create_app

PARAM = re.compile(r"{(\w+)(?::\w+)?}")
HUGE = ["99999999999999999999", "9223372036854775808", "2147483648", "-99999999999999999999"]


def _routes_with_int_ids() -> list[tuple[str, str]]:
    found = []
    for context in iter_route_contexts(create_app().routes):
        dependant = getattr(context.original_route, "dependant", None)
        params = getattr(dependant, "path_params", [])
        if params and all(p.field_info.annotation is int for p in params):
            found.extend((method, context.path or "") for method in sorted(context.methods or ()) if method != "HEAD")
    return found


def test_the_routes_with_ids_are_found() -> None:
    assert ("GET", "/admin/users/{user_id}") in _routes_with_int_ids()
    assert ("GET", "/sync/runs/{run_id}/progress") in _routes_with_int_ids()


@pytest.mark.parametrize("huge", HUGE)
def test_every_route_answers_404_for_an_id_no_row_can_have(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], huge: str) -> None:
    make_seller(admin=True)
    sign_in(client)
    token = csrf_token(client)
    for method, path in _routes_with_int_ids():
        url = PARAM.sub(huge, path)
        response = client.request(method, url, data={"csrftoken": token} if method == "POST" else None)
        assert response.status_code == 404, (method, url, response.status_code)
