"""Imports every feature's models so Alembic and create_all see one metadata."""

from marketsync.accounts.models import (
    Account,
    AccountMember,
    ActionToken,
    OAuthIdentity,
    Permission,
    Role,
    RolePermission,
    User,
    UserRole,
    WebSession,
)
from marketsync.catalog.models import Product, ProductGroup, Stock, Store
from marketsync.connections.models import ApiCall, Connection
from marketsync.db import Base
from marketsync.sync.models import Binding, ChannelItem, SyncConfig, SyncFilter, SyncLock, SyncRun

metadata = Base.metadata

__all__ = [
    "Account",
    "AccountMember",
    "ActionToken",
    "ApiCall",
    "Base",
    "Binding",
    "ChannelItem",
    "Connection",
    "OAuthIdentity",
    "Permission",
    "Product",
    "ProductGroup",
    "Role",
    "RolePermission",
    "Stock",
    "Store",
    "SyncConfig",
    "SyncFilter",
    "SyncLock",
    "SyncRun",
    "User",
    "UserRole",
    "WebSession",
    "metadata",
]
