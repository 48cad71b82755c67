"""Fixtures for the sandbox tests: a fresh SandboxState, a TestClient over it, small Evotor and VK worlds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketsync.sandbox.app import create_sandbox_app
from marketsync.sandbox.state import SandboxState

VK_VERSION = "5.199"


@pytest.fixture
def state() -> SandboxState:
    """Return a fresh sandbox state without rate limits (tests about limits set them)."""
    state = SandboxState()
    state.evotor.rate_limit = None
    state.vk.rate_limit = None
    return state


@pytest.fixture
def client(state: SandboxState) -> Iterator[TestClient]:
    """Return a TestClient over the sandbox app."""
    with TestClient(create_sandbox_app(state)) as test_client:
        yield test_client


@dataclass
class EvotorWorld:
    """One Evotor user with one store and one group."""

    token: str
    user_id: str
    store_id: str
    group_id: str

    def headers(self) -> dict[str, str]:
        """Return the Bearer header of this user."""
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def evotor(state: SandboxState) -> EvotorWorld:
    """Create an Evotor user with a store «Магазин на Ленина» and a group «Сыры»."""
    state.evotor.add_token("evo-token", "01-000000000000001")
    store_id = state.evotor.add_store("evo-token", "Магазин на Ленина", "Россия, Москва")
    group_id = state.evotor.add_group("evo-token", store_id, "Сыры")
    return EvotorWorld("evo-token", "01-000000000000001", store_id, group_id)


@dataclass
class VkWorld:
    """One VK user administering one community with market enabled."""

    token: str
    group_id: int
    call: Callable[..., dict[str, Any]]

    @property
    def owner_id(self) -> int:
        """Return the community's owner_id (negative)."""
        return -self.group_id


@pytest.fixture
def vk(state: SandboxState, client: TestClient) -> VkWorld:
    """Create a VK user with a community; `vk.call(method, **params)` POSTs a form and returns the JSON."""
    state.vk.add_token("vk-token", 1001)
    group_id = state.vk.add_group("vk-token", "Магазин на Ленина", group_id=777)

    def call(method: str, token: str | None = "vk-token", **params: Any) -> dict[str, Any]:
        data = {"v": VK_VERSION, **{k: _form(v) for k, v in params.items()}}
        if token is not None:
            data["access_token"] = token
        response = client.post(f"/vk/method/{method}", data=data)
        assert response.status_code == 200, response.text
        return response.json()

    return VkWorld("vk-token", group_id, call)


def _form(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


@pytest.fixture
def add_item(vk: VkWorld) -> Callable[..., int]:
    """Return a function creating a valid market item and returning its id."""

    def add(name: str = "Сыр Российский 45%", **fields: Any) -> int:
        params = {
            "owner_id": vk.owner_id,
            "name": name,
            "description": "Твёрдый сыр, 45% жирности, 200 г",
            "category_id": 40932,
            "price": "123.45",
            **fields,
        }
        answer = vk.call("market.add", **params)
        assert "response" in answer, answer
        return int(answer["response"]["market_item_id"])

    return add
