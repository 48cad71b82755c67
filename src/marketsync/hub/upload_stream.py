"""A catalog upload read straight off the request: the multipart body is parsed as it arrives (python-multipart's
streaming parser) and the file part written to a temporary file, counting bytes, so a file over
HUB_IMPORT_MAX_BYTES is refused as soon as it goes past the limit, whatever the client announced, and memory
stays flat at any size. The text fields beside the file are small and kept in memory (capped).

The form's CSRF token is checked here (web/app.py: STREAMED_UPLOADS): it must be a field before the file, as
asgi-csrf requires of multipart forms, so not one byte of a forged upload is written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from python_multipart.multipart import MultipartParser, parse_options_header

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

FIELD_MAX = 64 * 1024  # a text field of the form; anything longer is no field of ours
CSRF_FIELD = "csrftoken"
OVERHEAD = 1024 * 1024  # the form's other fields and the multipart framing around the file


class UploadRefusedError(ValueError):
    """The upload cannot be taken: too large, a missing or wrong CSRF token (`forbidden`), not a form, no file."""

    def __init__(self, message: str, *, too_large: bool = False, forbidden: bool = False) -> None:
        super().__init__(message)
        self.too_large, self.forbidden = too_large, forbidden


@dataclass
class ReceivedUpload:
    """The form's text fields and the file part written to `path` (None when the form carried no file)."""

    fields: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    filename: str = ""
    size: int = 0

    def discard(self) -> None:
        """Delete the temporary file."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


class _Receiver:
    """python-multipart's callbacks: headers of each part, then its data into a field buffer or the file."""

    def __init__(self, result: ReceivedUpload, max_bytes: int, file_field: str,
                 token_ok: Callable[[str], bool]) -> None:
        self.result, self.max_bytes, self.file_field, self.token_ok = result, max_bytes, file_field, token_ok
        self.trusted = False
        self.header_name, self.header_value = b"", b""
        self.headers: dict[bytes, bytes] = {}
        self.name = ""
        self.buffer = bytearray()
        self.sink: IO[bytes] | None = None

    def callbacks(self) -> MultipartCallbacks:
        return {"on_part_begin": self.part_begin, "on_header_field": self.header_field,
                "on_header_value": self.header_value_part, "on_header_end": self.header_end,
                "on_headers_finished": self.headers_finished, "on_part_data": self.part_data,
                "on_part_end": self.part_end}

    def part_begin(self) -> None:
        self.headers, self.buffer, self.name = {}, bytearray(), ""

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def header_value_part(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def header_end(self) -> None:
        self.headers[self.header_name.lower()] = self.header_value
        self.header_name, self.header_value = b"", b""

    def headers_finished(self) -> None:
        _kind, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if filename is not None and not self.trusted:
            raise UploadRefusedError("the form's CSRF token must come before the file", forbidden=True)
        if filename is not None and self.name == self.file_field and self.result.path is None:
            self.result.filename = Path(filename.decode("utf-8", "replace").replace("\\", "/")).name
            handle, name = tempfile.mkstemp(prefix="marketsync-upload-",
                                            suffix=Path(self.result.filename).suffix[:8])
            self.sink = os.fdopen(handle, "wb")
            self.result.path = Path(name)

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self.sink is not None:
            self.result.size += end - start
            if self.result.size > self.max_bytes:
                raise UploadRefusedError("the file is over the size limit", too_large=True)
            self.sink.write(data[start:end])
        elif len(self.buffer) + end - start <= FIELD_MAX:
            self.buffer += data[start:end]

    def part_end(self) -> None:
        if self.sink is not None:
            self.sink.close()
            self.sink = None
        elif self.name:
            value = self.buffer.decode("utf-8", "replace")
            if self.name == CSRF_FIELD:
                if not self.token_ok(value):
                    raise UploadRefusedError("the form's CSRF token does not match", forbidden=True)
                self.trusted = True
            self.result.fields[self.name] = value

    def close(self) -> None:
        if self.sink is not None:
            self.sink.close()


async def receive_upload(content_type: str, content_length: str | None, body: AsyncIterator[bytes], *,
                         max_bytes: int, token_ok: Callable[[str], bool], file_field: str = "file") -> ReceivedUpload:
    """Parse a multipart form as it streams in; the file part goes to a temporary file the caller deletes
    (ReceivedUpload.discard). `token_ok` says whether the form's CSRF field is this browser's token. Raise
    UploadRefusedError (the temporary file deleted) when the upload cannot be taken."""
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadRefusedError("not a file upload form (multipart/form-data)")
    if content_length and content_length.isdigit() and int(content_length) > max_bytes + OVERHEAD:
        raise UploadRefusedError("the file is over the size limit", too_large=True)  # said before reading it
    result = ReceivedUpload()
    receiver = _Receiver(result, max_bytes, file_field, token_ok)
    parser = MultipartParser(boundary, receiver.callbacks())
    received = 0
    try:
        async for chunk in body:
            received += len(chunk)
            if received > max_bytes + OVERHEAD:
                raise UploadRefusedError("the file is over the size limit", too_large=True)
            parser.write(chunk)
        parser.finalize()
    except UploadRefusedError:
        receiver.close()
        result.discard()
        raise
    except Exception as exc:  # python-multipart's parse errors: a cut or malformed body
        receiver.close()
        result.discard()
        raise UploadRefusedError(f"the upload is broken: {exc}") from None
    receiver.close()
    if not receiver.trusted:
        result.discard()
        raise UploadRefusedError("the form has no CSRF token", forbidden=True)
    if result.path is None or not result.filename:
        result.discard()
        raise UploadRefusedError("no file was chosen")
    return result
