"""The weekly report's chart: a PNG of the right size, a green bar for a day with items pushed and a red one for a
day with failures, nothing on an empty day, and an axis that rounds up to 1, 2 or 5 × 10ⁿ."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from marketsync.stocks.report_chart import FAILED, HEIGHT, LEFT, PUSHED, RIGHT, WIDTH, ChartDay, _nice_top, render_chart


def _colours_in_column(image: Image.Image, index: int, days: int) -> set[tuple[int, int, int]]:
    slot = (WIDTH - LEFT - RIGHT) / days
    x0, x1 = int(LEFT + slot * index), int(LEFT + slot * (index + 1))
    rgb = image.convert("RGB")
    return {rgb.getpixel((x, y)) for x in range(x0, x1) for y in range(0, HEIGHT)}  # type: ignore[misc]


def test_bars_show_items_pushed_and_failed_per_day() -> None:
    days = [ChartDay("01.12", 40, 0), ChartDay("02.12", 0, 0), ChartDay("03.12", 10, 5)]
    png = render_chart(days)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(png))
    assert image.size == (WIDTH, HEIGHT)
    first, empty, third = (_colours_in_column(image, n, 3) for n in range(3))
    assert PUSHED in first and FAILED not in first
    assert PUSHED not in empty and FAILED not in empty
    assert PUSHED in third and FAILED in third


@pytest.mark.parametrize(("value", "top"), [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (11, 20), (99, 100),
                                            (101, 200), (4000, 5000)])
def test_the_axis_rounds_up(value: int, top: int) -> None:
    assert _nice_top(value) == top
