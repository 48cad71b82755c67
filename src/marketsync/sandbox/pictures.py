"""Product pictures of any size and format, served as files (`/pictures/<width>x<height>.<jpg|png|webp|gif>`):
what supplier catalogs link to, so the moderation's photo checks read real images over HTTP."""

from __future__ import annotations

import io
from functools import lru_cache

from fastapi import APIRouter, HTTPException
from PIL import Image, ImageDraw
from starlette.responses import Response

FORMATS = {"jpg": ("JPEG", "image/jpeg"), "jpeg": ("JPEG", "image/jpeg"), "png": ("PNG", "image/png"),
           "webp": ("WEBP", "image/webp"), "gif": ("GIF", "image/gif")}
MAX_SIDE = 4000


@lru_cache(maxsize=64)
def picture(width: int, height: int, ext: str) -> bytes:
    """Draw a plain picture of the size with a frame, encoded in the format `ext` names."""
    image = Image.new("RGB", (width, height), (226, 232, 240))
    ImageDraw.Draw(image).rectangle((0, 0, width - 1, height - 1), outline=(86, 104, 128), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format=FORMATS[ext][0])
    return buffer.getvalue()


def pictures_router() -> APIRouter:
    """Build the /pictures route."""
    router = APIRouter()

    @router.get("/pictures/{width}x{height}.{ext}")
    def serve(width: int, height: int, ext: str) -> Response:
        """GET one picture."""
        if ext.lower() not in FORMATS or not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE):
            raise HTTPException(404, "no such picture")
        return Response(picture(width, height, ext.lower()), media_type=FORMATS[ext.lower()][1])

    return router
