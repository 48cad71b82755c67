"""Wildberries wire models of card publishing and prices (02-products.yaml): only the fields we read."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ErrorBatch(_Wire):
    """One batch of /content/v2/cards/error/list: the vendor codes of one merged card or one update request."""

    batchUUID: str = ""
    vendorCodes: list[str] = Field(default_factory=list)
    errors: dict[str, list[str]] = Field(default_factory=dict)


class ErrorCursor(_Wire):
    """The error list's cursor: copy updatedAt and batchUUID into the next request while `next` is true."""

    next: bool = False
    updatedAt: str | None = None
    batchUUID: str | None = None


class ErrorListData(_Wire):
    """`data` of the error list."""

    items: list[ErrorBatch] = Field(default_factory=list)
    cursor: ErrorCursor = Field(default_factory=ErrorCursor)


class ErrorListAnswer(_Wire):
    """The answer of POST /content/v2/cards/error/list."""

    data: ErrorListData | None = None


class MediaSaved(_Wire):
    """The answer of POST /content/v3/media/save: 200 says the links were taken, not that the files loaded."""

    error: bool = False
    errorText: str = ""


class TaskId(_Wire):
    """`data` of a price upload's answer (200, or 208 naming the upload that already exists)."""

    id: int
    alreadyExists: bool = False


class TaskCreated(_Wire):
    """The answer of POST /api/v2/upload/task."""

    data: TaskId | None = None
    errorText: str = ""


class TaskState(_Wire):
    """A price upload's state: status 1 processing, 3 done, 4 cancelled, 5 some goods failed, 6 all failed."""

    uploadID: int | None = None
    status: int | None = None


class TaskStateAnswer(_Wire):
    """The answer of /api/v2/history/tasks and /api/v2/buffer/tasks (data null: not in that list)."""

    data: TaskState | None = None


class GoodOutcome(_Wire):
    """A good of a price upload: status 2 applied, 3 error (errorText), 1 still processing."""

    nmID: int
    status: int | None = None
    errorText: str | None = None


class GoodsData(_Wire):
    """`data` of the goods of an upload (historyGoods when processed, bufferGoods while processing)."""

    historyGoods: list[GoodOutcome] | None = None
    bufferGoods: list[GoodOutcome] | None = None


class GoodsAnswer(_Wire):
    """The answer of /api/v2/history/goods/task and /api/v2/buffer/goods/task."""

    data: GoodsData | None = None
