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
from marketsync.billing.models import LedgerEntry, Payment, Tariff, TariffState, TariffWarning, Wallet
from marketsync.casdoor.models import CasdoorMirror
from marketsync.catalog.models import Product, ProductGroup, Stock, Store
from marketsync.connections.models import ApiCall, Connection
from marketsync.db import Base
from marketsync.dictionaries.models import (
    AttributeOverride,
    CategoryMapping,
    DictionaryState,
    MarketAttributeRow,
    MarketCategoryRow,
    MarketValueRow,
)
from marketsync.hub.models import BundlePart, HubCategory, HubProduct, ImportReport, Supplier, SupplierOffer
from marketsync.notifications.models import NotificationSetting, OutboxMessage
from marketsync.orders.models import EventCursor, Order, ProductCardRow, Review, Sale, SizeStockTotal
from marketsync.stocks.models import MarketStock, OfferRow, StockConfig, StockHistory, StockMapping, StockPush
from marketsync.sync.models import Binding, ChannelItem, SyncConfig, SyncFilter, SyncLock, SyncRun

metadata = Base.metadata

__all__ = [
    "Account",
    "AccountMember",
    "ActionToken",
    "ApiCall",
    "AttributeOverride",
    "Base",
    "Binding",
    "BundlePart",
    "CasdoorMirror",
    "CategoryMapping",
    "ChannelItem",
    "Connection",
    "DictionaryState",
    "EventCursor",
    "HubCategory",
    "HubProduct",
    "ImportReport",
    "LedgerEntry",
    "MarketAttributeRow",
    "MarketCategoryRow",
    "MarketStock",
    "MarketValueRow",
    "NotificationSetting",
    "OAuthIdentity",
    "OfferRow",
    "Order",
    "OutboxMessage",
    "Payment",
    "Permission",
    "Product",
    "ProductCardRow",
    "ProductGroup",
    "Review",
    "Role",
    "RolePermission",
    "Sale",
    "SizeStockTotal",
    "Stock",
    "StockConfig",
    "StockHistory",
    "StockMapping",
    "StockPush",
    "Store",
    "Supplier",
    "SupplierOffer",
    "SyncConfig",
    "SyncFilter",
    "SyncLock",
    "SyncRun",
    "Tariff",
    "TariffState",
    "TariffWarning",
    "User",
    "UserRole",
    "Wallet",
    "WebSession",
    "metadata",
]
