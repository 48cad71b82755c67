"""The neutral product picture: a box icon and a caption, drawn with Pillow (default_product.png, uploads)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

BACKGROUND = (244, 246, 249)
INK = (86, 104, 128)
FACE_TOP, FACE_LEFT, FACE_RIGHT = (226, 232, 240), (200, 210, 224), (180, 192, 210)


def draw_placeholder(size: int = 600, caption: str = "MarketSync") -> Image.Image:
    """Draw a square placeholder: light background, an isometric box and the caption below it."""
    image = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(image)
    unit = size / 600
    cx, cy = size / 2, size * 0.42
    w, h, d = 150 * unit, 90 * unit, 130 * unit  # half width, lid depth, side height

    def pts(*coords: tuple[float, float]) -> list[tuple[float, float]]:
        return [(cx + x, cy + y) for x, y in coords]

    outline = max(2, round(4 * unit))
    top = pts((0, -h), (w, -h / 2), (0, 0), (-w, -h / 2))
    left = pts((-w, -h / 2), (0, 0), (0, d), (-w, d - h / 2))
    right = pts((0, 0), (w, -h / 2), (w, d - h / 2), (0, d))
    for face, colour in ((top, FACE_TOP), (left, FACE_LEFT), (right, FACE_RIGHT)):
        draw.polygon(face, fill=colour, outline=INK, width=outline)
    # A strip of tape across the lid.
    draw.line(pts((-w / 2, -3 * h / 4), (w / 2, -h / 4)), fill=INK, width=outline)
    font = ImageFont.load_default(size=max(12, round(46 * unit)))
    draw.text((cx, size * 0.82), caption, fill=INK, font=font, anchor="mm")
    return image


def placeholder_png(size: int = 600, caption: str = "MarketSync") -> bytes:
    """Return the placeholder as a small palette PNG."""
    image = draw_placeholder(size, caption).quantize(colors=32)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
