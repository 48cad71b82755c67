"""The publish switches read as switches (role="switch" with its state) and still work as plain forms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from browser import submit

AddStore = Callable[..., dict[str, int]]


@dataclass
class _Form:
    """A form as a browser submits it: hidden fields, the submit button's attributes and visible text."""

    fields: dict[str, str] = field(default_factory=dict)
    button: dict[str, str] = field(default_factory=dict)
    text: str = ""


class _Forms(HTMLParser):
    """Collect the page's forms by action."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, _Form] = {}
        self._form: _Form | None = None
        self._in_button = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a form, record its hidden fields and button."""
        found = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = self.forms.setdefault(found.get("action", ""), _Form())
        elif self._form is not None and tag == "input" and found.get("type") == "hidden":
            self._form.fields[found["name"]] = found.get("value", "")
        elif self._form is not None and tag == "button":
            self._form.button = found
            self._in_button = True

    def handle_endtag(self, tag: str) -> None:
        """Close a form or its button."""
        if tag == "form":
            self._form = None
        elif tag == "button":
            self._in_button = False

    def handle_data(self, data: str) -> None:
        """Keep the button's visible text."""
        if self._form is not None and self._in_button:
            self._form.text = f"{self._form.text} {data.strip()}".strip()


def _switch(page: str, action: str) -> _Form:
    parser = _Forms()
    parser.feed(page)
    return parser.forms[action]


def test_a_store_switch_is_a_labelled_switch_that_submits_without_javascript(
        client: TestClient, seller: int, add_store: AddStore) -> None:
    ids = add_store(seller, name="Кофейня")
    action = f"/catalog/stores/{ids['store']}/toggle"
    off = _switch(client.get("/catalog/stores").text, action)
    assert off.button["role"] == "switch" and off.button["aria-checked"] == "false"
    assert off.button.get("type") == "submit"  # a plain form post: no script needed
    assert "Кофейня" in off.button["aria-label"]
    assert off.text == "Выключено" and off.fields["enabled"] == "1"

    assert submit(client, action, off.fields).status_code == 303
    on = _switch(client.get("/catalog/stores").text, action)
    assert on.button["aria-checked"] == "true"
    assert on.text == "Публикуется" and on.fields["enabled"] == "0"


def test_a_group_switch_keeps_the_page_to_return_to(client: TestClient, seller: int, add_store: AddStore) -> None:
    ids = add_store(seller)
    url = f"/catalog/stores/{ids['store']}/groups"
    action = f"{url}/{ids['group0']}/toggle"
    switch = _switch(client.get(url).text, action)
    assert switch.button["role"] == "switch" and switch.button["aria-checked"] == "false"
    response = submit(client, action, switch.fields)
    assert response.status_code == 303 and response.headers["location"] == url
    assert _switch(client.get(url).text, action).button["aria-checked"] == "true"
