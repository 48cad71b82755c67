"""The emulated VK's data: users and their tokens, communities with a market, items, albums and photos."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class VkUser:
    """A VK user; communities in `admin_of` are the ones their token may manage."""

    id: int
    admin_of: set[int] = field(default_factory=set)


@dataclass
class VkPhoto:
    """A market photo saved through market.saveProductPhoto; `owner_id` is -group_id."""

    id: int
    owner_id: int
    user_id: int
    width: int
    height: int
    data: bytes
    content_type: str
    date: int

    @property
    def extension(self) -> str:
        """Return the file extension matching the image format."""
        return {"image/png": "png", "image/gif": "gif", "image/webp": "webp"}.get(self.content_type, "jpg")


@dataclass
class VkItem:
    """A market item (product card) of a community."""

    id: int
    owner_id: int
    title: str
    description: str
    category_id: int
    price: Decimal
    date: int
    old_price: Decimal | None = None
    main_photo_id: int | None = None
    photo_ids: list[int] = field(default_factory=list)
    sku: str | None = None
    stock_amount: int | None = None
    url: str | None = None
    deleted: bool = False
    album_ids: list[int] = field(default_factory=list)
    dimensions: dict[str, int] = field(default_factory=dict)


@dataclass
class VkAlbum:
    """A market collection; ids are small integers per community, as on VK."""

    id: int
    owner_id: int
    title: str
    updated_time: int
    is_main: bool = False
    is_hidden: bool = False
    photo_id: int | None = None


@dataclass
class VkGroup:
    """A community; its market holds items and albums."""

    id: int
    name: str
    screen_name: str
    market_enabled: bool = True
    items: dict[int, VkItem] = field(default_factory=dict)
    albums: dict[int, VkAlbum] = field(default_factory=dict)
    next_album_id: int = 1


@dataclass
class PendingUpload:
    """An image received by the upload server and not yet turned into a photo (or already saved)."""

    id: str
    hash: str
    group_id: int
    user_id: int
    width: int
    height: int
    data: bytes
    content_type: str
    photo_id: int | None = None


class VkState:
    """Everything the emulated VK knows; every method is thread-safe."""

    def __init__(self, lock: threading.RLock | None = None, clock: Callable[[], float] | None = None) -> None:
        self.lock = lock or threading.RLock()
        self.clock: Callable[[], float] = clock or time.time
        self.reset()

    def reset(self) -> None:
        """Forget every user, community and photo and restore the default limits."""
        with self.lock:
            self.rate_limit: int | None = 3
            self.item_limit = 15000
            self.album_limit = 100
            self.album_item_limit = 15000
            self._tokens: dict[str, int] = {}
            self._revoked: set[str] = set()
            self._users: dict[int, VkUser] = {}
            self._groups: dict[int, VkGroup] = {}
            self._photos: dict[int, VkPhoto] = {}
            self._upload_slots: dict[str, tuple[int, int]] = {}
            self._uploads: dict[str, PendingUpload] = {}
            self._secret = secrets.token_hex(16)
            self._next_item_id = 100001
            self._next_photo_id = 457239017
            self._next_group_id = 200000001

    def now(self) -> int:
        """Return the current Unix time."""
        return int(self.clock())

    # -- users and communities -----------------------------------------------------------------------------

    def add_token(self, token: str, user_id: int) -> None:
        """Register an access token of VK user `user_id`."""
        with self.lock:
            self._users.setdefault(user_id, VkUser(user_id))
            self._tokens[token] = user_id
            self._revoked.discard(token)

    def revoke_token(self, token: str) -> None:
        """Make `token` fail with error 5 from now on."""
        with self.lock:
            self._revoked.add(token)

    def user_for(self, token: str | None) -> VkUser | None:
        """Return the user of a valid token, None for a missing, unknown or revoked one."""
        with self.lock:
            if not token or token in self._revoked or token not in self._tokens:
                return None
            return self._users[self._tokens[token]]

    def tokens(self) -> dict[str, int]:
        """Return every known token and its user id (revoked ones included)."""
        with self.lock:
            return dict(self._tokens)

    def add_group(
        self,
        token: str,
        name: str,
        *,
        group_id: int | None = None,
        screen_name: str | None = None,
        market_enabled: bool = True,
    ) -> int:
        """Create a community administered by the token's user and return its (positive) id."""
        with self.lock:
            user = self.user_for(token)
            if user is None:
                raise KeyError(f"unknown VK token {token!r}")
            if group_id is None:
                group_id = self._next_group_id
                self._next_group_id += 1
            self._groups[group_id] = VkGroup(group_id, name, screen_name or f"club{group_id}", market_enabled)
            user.admin_of.add(group_id)
            return group_id

    def grant_admin(self, token: str, group_id: int) -> None:
        """Let the token's user manage an existing community too."""
        with self.lock:
            user = self.user_for(token)
            if user is None or group_id not in self._groups:
                raise KeyError(f"unknown token or community {group_id}")
            user.admin_of.add(group_id)

    def set_market_enabled(self, group_id: int, enabled: bool = True) -> None:
        """Switch a community's market on or off (off answers error 1438)."""
        with self.lock:
            self._groups[group_id].market_enabled = enabled

    def group(self, group_id: int) -> VkGroup | None:
        """Return a community by id."""
        with self.lock:
            return self._groups.get(group_id)

    def groups(self) -> list[VkGroup]:
        """Return every community."""
        with self.lock:
            return list(self._groups.values())

    def find_group(self, id_or_name: int | str) -> VkGroup | None:
        """Return a community by id, `club<id>` or screen name."""
        with self.lock:
            if isinstance(id_or_name, int):
                return self._groups.get(abs(id_or_name))
            for group in self._groups.values():
                if id_or_name in (group.screen_name, f"club{group.id}", f"public{group.id}"):
                    return group
            return None

    # -- items and albums ----------------------------------------------------------------------------------

    def items(self, group_id: int, *, with_disabled: bool = True) -> list[VkItem]:
        """Return a community's items, newest first (as VK lists them), hidden ones only if asked."""
        with self.lock:
            items = sorted(self._groups[group_id].items.values(), key=lambda item: item.id, reverse=True)
            return [item for item in items if with_disabled or not item.deleted]

    def albums(self, group_id: int) -> list[VkAlbum]:
        """Return a community's albums in creation order."""
        with self.lock:
            return list(self._groups[group_id].albums.values())

    def new_item_id(self) -> int:
        """Return the next global item id."""
        with self.lock:
            self._next_item_id += 1
            return self._next_item_id - 1

    # -- photos ---------------------------------------------------------------------------------------------

    def open_upload_slot(self, user_id: int, group_id: int) -> str:
        """Return the opaque key of a new upload URL for a community."""
        with self.lock:
            key = secrets.token_urlsafe(18)
            self._upload_slots[key] = (user_id, group_id)
            return key

    def receive_upload(
        self, key: str, data: bytes, content_type: str, width: int, height: int
    ) -> PendingUpload:
        """Store an uploaded image for the slot `key`; KeyError if the slot is unknown."""
        with self.lock:
            user_id, group_id = self._upload_slots[key]
            upload_id = secrets.token_urlsafe(12)
            digest = hashlib.sha256(f"{self._secret}:{upload_id}".encode()).hexdigest()[:32]
            upload = PendingUpload(upload_id, digest, group_id, user_id, width, height, data, content_type)
            self._uploads[upload_id] = upload
            return upload

    def pending_upload(self, upload_id: str, digest: str) -> PendingUpload | None:
        """Return an upload if the id exists and its hash matches."""
        with self.lock:
            upload = self._uploads.get(upload_id)
            return upload if upload is not None and secrets.compare_digest(upload.hash, digest) else None

    def add_photo(
        self, group_id: int, data: bytes, content_type: str, width: int, height: int, user_id: int = 0
    ) -> VkPhoto:
        """Save a market photo for a community and return it."""
        with self.lock:
            photo = VkPhoto(
                self._next_photo_id, -group_id, user_id, width, height, data, content_type, self.now()
            )
            self._next_photo_id += 1
            self._photos[photo.id] = photo
            return photo

    def photo(self, photo_id: int) -> VkPhoto | None:
        """Return a photo by id."""
        with self.lock:
            return self._photos.get(photo_id)

    def photos(self, group_id: int) -> list[VkPhoto]:
        """Return a community's photos."""
        with self.lock:
            return [photo for photo in self._photos.values() if photo.owner_id == -group_id]
