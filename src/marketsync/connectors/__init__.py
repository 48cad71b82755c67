"""Connector registry: system slug → connector class and credentials model; `connect` builds one.

Imports are lazy so that `marketsync.http` can use `connectors.errors` without a cycle.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from pydantic import BaseModel

REGISTRY: dict[str, tuple[str, str, str]] = {
    "evotor": ("marketsync.connectors.evotor.connector", "EvotorConnector", "EvotorCredentials"),
    "vk": ("marketsync.connectors.vk.connector", "VkConnector", "VkCredentials"),
    "yandex_market": ("marketsync.connectors.yandex_market.connector", "YandexMarketConnector",
                      "YandexMarketCredentials"),
    "wildberries": ("marketsync.connectors.wildberries.connector", "WildberriesConnector", "WildberriesCredentials"),
    "ozon": ("marketsync.connectors.ozon.connector", "OzonConnector", "OzonCredentials"),
}
CATALOG_SOURCE, CATALOG_CHANNEL = "catalog_source", "catalog_channel"
# Which systems play which part in a flow, and their names for people (a cabinet has one of each today).
ROLES: dict[str, tuple[str, ...]] = {CATALOG_SOURCE: ("evotor",), CATALOG_CHANNEL: ("vk",)}
TITLES = {"evotor": "Evotor", "vk": "VK", "ozon": "Ozon", "wildberries": "Wildberries",
          "yandex_market": "Yandex Market"}


def title_of(system: str) -> str:
    """Return a system's name as sellers know it."""
    return TITLES.get(system, system)


def _resolve(system: str) -> tuple[type[Any], type[BaseModel]]:
    module_name, connector, credentials = REGISTRY[system]
    module = import_module(module_name)
    return getattr(module, connector), getattr(module, credentials)


def credentials_model(system: str) -> type[BaseModel]:
    """Return the credentials model of a system."""
    return _resolve(system)[1]


def connect(system: str, credentials: dict[str, Any], *, connection_key: str, recorder: Any = None,
            **http_options: Any) -> Any:
    """Build a connector instance for one connection (never shared between tenants).

    `http_options` (max_attempts, timeout) tighten the retry policy, e.g. for a check a person waits on.
    """
    connector_cls, creds_cls = _resolve(system)
    return connector_cls(creds_cls.model_validate(credentials), connection_key=connection_key, recorder=recorder,
                         **http_options)
