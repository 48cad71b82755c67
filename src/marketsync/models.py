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
from marketsync.feeds.models import Feed
from marketsync.hub.models import (
    BundlePart,
    HubBarcode,
    HubCategory,
    HubProduct,
    HubSettings,
    HubVendorCode,
    ImportReport,
    Supplier,
    SupplierOffer,
)
from marketsync.moderation.models import ModerationSettings, ModerationVerdict, PictureCheck
from marketsync.notifications.models import NotificationSetting, OutboxMessage
from marketsync.ops.models import BreakerState, OpsSwitch
from marketsync.orders.models import EventCursor, Order, ProductCardRow, Review, Sale, SizeStockTotal
from marketsync.pricing.models import PriceRule
from marketsync.publishing.models import CardPublication
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
    "BreakerState",
    "BundlePart",
    "CardPublication",
    "CasdoorMirror",
    "CategoryMapping",
    "ChannelItem",
    "Connection",
    "DictionaryState",
    "EventCursor",
    "Feed",
    "HubBarcode",
    "HubCategory",
    "HubProduct",
    "HubSettings",
    "HubVendorCode",
    "ImportReport",
    "LedgerEntry",
    "MarketAttributeRow",
    "MarketCategoryRow",
    "MarketStock",
    "MarketValueRow",
    "ModerationSettings",
    "ModerationVerdict",
    "NotificationSetting",
    "OAuthIdentity",
    "OfferRow",
    "OpsSwitch",
    "Order",
    "OutboxMessage",
    "Payment",
    "Permission",
    "PictureCheck",
    "PriceRule",
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
