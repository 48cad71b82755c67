"""The weekly report's chart, drawn with Pillow: per day, a bar of the items pushed and a bar of the items that
failed. A PNG, so mail clients show it without scripts (the e-mail carries it inline, the page links it).
Only digits are drawn (dates, values): the legend and captions are the page's or mail's text, in its language."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 30
BACKGROUND, GRID, INK = (255, 255, 255), (226, 230, 234), (73, 80, 87)
PUSHED, FAILED = (25, 135, 84), (220, 53, 69)  # Bootstrap's success and danger, as on the pages


@dataclass(frozen=True)
class ChartDay:
    """One day's bars: its label ("07.12"), items pushed and items failed."""

    label: str
    pushed: int
    failed: int


def _nice_top(value: int) -> int:
    """Round the axis maximum up to 1, 2 or 5 times a power of ten (at least 1)."""
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def render_chart(days: Sequence[ChartDay]) -> bytes:
    """Draw the bars of items pushed and failed per day; return a PNG."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=12)
    top = _nice_top(max([d.pushed for d in days] + [d.failed for d in days] + [1]))
    plot_height = HEIGHT - TOP - BOTTOM
    for tick in (0, top // 2, top) if top % 2 == 0 else (0, top):
        y = TOP + plot_height - plot_height * tick / top
        draw.line([(LEFT, y), (WIDTH - RIGHT, y)], fill=GRID, width=1)
        draw.text((LEFT - 6, y), str(tick), fill=INK, font=font, anchor="rm")
    slot = (WIDTH - LEFT - RIGHT) / max(len(days), 1)
    bar = max(4.0, slot * 0.3)
    for index, day in enumerate(days):
        middle = LEFT + slot * index + slot / 2
        for offset, value, colour in ((-bar, day.pushed, PUSHED), (0.0, day.failed, FAILED)):
            x0 = middle + offset
            height = plot_height * value / top
            if value:
                draw.rectangle([(x0, TOP + plot_height - height), (x0 + bar - 1, TOP + plot_height)], fill=colour)
                draw.text((x0 + bar / 2, TOP + plot_height - height - 2), str(value), fill=INK, font=font,
                          anchor="mb")
        draw.text((middle, HEIGHT - BOTTOM / 2), day.label, fill=INK, font=font, anchor="mm")
    draw.line([(LEFT, TOP + plot_height), (WIDTH - RIGHT, TOP + plot_height)], fill=INK, width=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
