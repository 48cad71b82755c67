"""VK Market as a CatalogChannel: a community's albums and items, written through `execute` batches."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from marketsync.connectors.errors import ConfigError, ConnectorError, RejectedError, described
from marketsync.connectors.records import (
    CheckResult,
    ItemPayload,
    RemoteAlbum,
    RemoteItem,
    SourceProduct,
    UploadedPhoto,
    WriteResult,
)
from marketsync.connectors.vk.client import EXECUTE_MAX_CALLS, SYSTEM, VkClient
from marketsync.connectors.vk.mapping import (
    album_from_wire,
    item_from_wire,
    item_payload,
    item_to_wire,
    photo_url_from_wire,
)
from marketsync.connectors.vk.mapping import item_url as market_item_url
from marketsync.http import HttpClient, HttpConfig, Recorder
from marketsync.settings import get_settings

ALBUM_ITEMS_PER_CALL = 100  # market.addToAlbum's item_ids: VK caps a call at 100
ALBUM_TITLE_MAX = 128  # market.addAlbum's title
ALREADY_IN_ALBUM = 1404
ALBUM_NOT_FOUND = 1402


class VkCredentials(BaseModel):
    """A VK user token administering the community, and the community's positive id."""

    token: str = Field(min_length=8, max_length=512)
    group_id: int = Field(gt=0)


class VkConnector:
    """Mirrors a catalog into one VK community's market."""

    system = SYSTEM
    batch_size = EXECUTE_MAX_CALLS
    album_batch_size = ALBUM_ITEMS_PER_CALL
    album_title_max = ALBUM_TITLE_MAX

    def __init__(self, credentials: VkCredentials, *, connection_key: str, recorder: Recorder | None = None,
                 base_url: str | None = None, max_attempts: int | None = None,
                 timeout: float | None = None) -> None:
        settings = get_settings()
        self.group_id = credentials.group_id
        self.owner_id = -credentials.group_id
        self.client = VkClient(HttpClient(HttpConfig(
            system=SYSTEM,
            base_url=base_url or settings.VK_API_URL,
            credential=credentials.token,
            rate_per_second=settings.VK_REQUESTS_PER_SECOND,
            breaker_key=f"{SYSTEM}:{connection_key}",
            headers={"Authorization": f"Bearer {credentials.token}"},
            recorder=recorder,
            max_attempts=max_attempts,
            timeout=timeout,
        )), settings.VK_API_VERSION)

    def close(self) -> None:
        """Release the HTTP pool."""
        self.client.http.close()

    def check(self) -> CheckResult:
        """Check the community exists, has a market, and the token may manage it."""
        try:
            groups = self.client.groups_get_by_id(self.group_id).groups
            if not groups or groups[0].id != self.group_id:
                return CheckResult(ok=False, message=f"VK community {self.group_id} was not found",
                                   key="community_not_found", params={"group_id": self.group_id})
            group = groups[0]
            if group.market is not None and not group.market.get("enabled"):
                return CheckResult(ok=False, message=f"VK community «{group.name}» has no market enabled",
                                   key="market_disabled", params={"name": group.name})
            albums = next(self.client.market_get_albums(self.owner_id))
        except RejectedError as exc:
            return CheckResult(ok=False, message=f"VK community {self.group_id} is not available: {exc.message}",
                               key="community_unavailable", params={"group_id": self.group_id,
                                                                    "cause": described(exc)})
        except ConfigError as exc:
            return CheckResult(ok=False, message=exc.message, key=exc.key, params=dict(exc.params))
        except ConnectorError as exc:
            return CheckResult(ok=False, message=f"VK is not reachable: {exc.message}", key="unreachable",
                               params={"system": SYSTEM, "cause": described(exc)})
        return CheckResult(ok=True, message=f"VK: «{group.name}», {albums.count} album(s)",
                           details={"group_name": group.name}, key="community_found",
                           params={"name": group.name, "albums": albums.count})

    def list_albums(self) -> list[RemoteAlbum]:
        """Return every market album of the community."""
        return [album_from_wire(a) for page in self.client.market_get_albums(self.owner_id) for a in page.items]

    def iter_items(self) -> Iterator[list[RemoteItem]]:
        """Yield every market item, hidden ones included, 200 at a time."""
        for page in self.client.market_get(self.owner_id):
            yield [item_from_wire(i) for i in page.items]

    def _execute(self, calls: list[tuple[str, dict[str, Any]]], id_field: str | None,
                 done_codes: frozenset[int] = frozenset()) -> list[WriteResult]:
        results: list[WriteResult] = []
        for result, error in self.client.execute(calls):
            if error is not None and error.error_code in done_codes:
                results.append(WriteResult(ok=True))
            elif error is not None:
                results.append(WriteResult(ok=False, error=f"VK error {error.error_code}: {error.error_msg}",
                                           code=error.error_code))
            elif id_field is not None:
                if not isinstance(result, dict) or id_field not in result:
                    results.append(WriteResult(ok=False, error=f"VK answered without {id_field}"))
                else:
                    results.append(WriteResult(ok=True, external_id=str(result[id_field])))
            else:
                results.append(WriteResult(ok=True))
        return results

    def add_albums(self, titles: Sequence[str]) -> list[WriteResult]:
        """market.addAlbum for each title (≤ 25 per execute)."""
        calls = [("market.addAlbum", {"owner_id": self.owner_id, "title": t[:ALBUM_TITLE_MAX]}) for t in titles]
        return self._execute(calls, "market_album_id")

    def delete_albums(self, album_ids: Sequence[str]) -> list[WriteResult]:
        """market.deleteAlbum for each album; its items stay; one already gone (1402) counts as done."""
        calls = [("market.deleteAlbum", {"owner_id": self.owner_id, "album_id": int(a)}) for a in album_ids]
        return self._execute(calls, None, frozenset({ALBUM_NOT_FOUND}))

    def add_items(self, items: Sequence[tuple[ItemPayload, str | None]]) -> list[WriteResult]:
        """market.add for each (payload, photo id) (≤ 25 per execute)."""
        calls = [("market.add", item_to_wire(p, self.owner_id, photo_id=photo)) for p, photo in items]
        return self._execute(calls, "market_item_id")

    def edit_items(self, items: Sequence[tuple[str, ItemPayload]]) -> list[WriteResult]:
        """market.edit for each (item id, payload) (≤ 25 per execute)."""
        calls = [("market.edit", item_to_wire(p, self.owner_id, item_id=i)) for i, p in items]
        return self._execute(calls, None)

    def hide_items(self, item_ids: Sequence[str]) -> list[WriteResult]:
        """market.edit deleted=1 for each item: hidden from buyers, keeping its id (≤ 25 per execute)."""
        calls = [("market.edit", {"owner_id": self.owner_id, "item_id": int(i), "deleted": True}) for i in item_ids]
        return self._execute(calls, None)

    def delete_items(self, item_ids: Sequence[str]) -> list[WriteResult]:
        """market.delete for each item: gone for good, unlike hide_items (≤ 25 per execute)."""
        calls = [("market.delete", {"owner_id": self.owner_id, "item_id": int(i)}) for i in item_ids]
        return self._execute(calls, None)

    def item_url(self, item_id: str) -> str | None:
        """Return the address buyers open an item of this community's market at."""
        return market_item_url(self.group_id, item_id)

    def payload_for(self, product: SourceProduct, *, group_name: str | None, price: Decimal,
                    stock_amount: int | None = None) -> ItemPayload:
        """Build the item we want for a product under EvoSync's rules and the instance settings; stock is
        VK_STOCK_AMOUNT unless the real `stock_amount` is given."""
        settings = get_settings()
        stock = settings.VK_STOCK_AMOUNT if stock_amount is None else stock_amount
        return item_payload(product, group_name=group_name, price=price,
                            category_id=settings.VK_CATEGORY_ID, stock_amount=stock)

    def add_to_albums(self, memberships: Sequence[tuple[str, Sequence[str]]]) -> list[WriteResult]:
        """market.addToAlbum for each (album id, item ids) pair (≤ 25 per execute)."""
        calls = [("market.addToAlbum", {"owner_id": self.owner_id, "item_ids": [int(i) for i in items],
                                        "album_ids": [int(album)]}) for album, items in memberships]
        return self._execute(calls, None, frozenset({ALREADY_IN_ALBUM}))

    def default_photo(self) -> tuple[bytes, str]:
        """Return VK_DEFAULT_PHOTO_PATH's image: market.add wants a main photo for every item."""
        path = Path(get_settings().VK_DEFAULT_PHOTO_PATH)
        return path.read_bytes(), path.name

    def upload_photo(self, content: bytes, filename: str) -> UploadedPhoto:
        """Upload through getProductPhotoUploadServer → POST → saveProductPhoto; return the photo."""
        url = self.client.get_product_photo_upload_server(self.group_id)
        raw = self.client.upload(url, content, filename)
        saved = self.client.save_product_photo(raw)
        sizes = saved.photo.sizes if saved.photo else []
        return UploadedPhoto(str(saved.photo_id), photo_url_from_wire(sizes))
