"""One badge as a PNG at print resolution, drawn with Pillow's raqm (FriBiDi + HarfBuzz) layout."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from services.badge.render import design, shapes
from services.badge.render.card import BadgeCard
from services.badge.render.fonts import pil_font
from services.badge.render.qr import QUIET_ZONE
from services.badge.render.shapes import PT, Box, Qr, Text

A6 = (105.0, 148.0)
_INK = bytes.maketrans(b"\x00\x01", b"\xff\x00")  # a dark module (1) is black ink (0)
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def render_image(
    card: BadgeCard, dpi: int = 300, size_mm: tuple[float, float] = A6, side: str = "front"
) -> Image.Image:
    """The badge (its "front" or "back") as an RGB Pillow image of size_mm at dpi."""
    px = dpi / 25.4
    w, h = size_mm
    image = Image.new("RGB", (round(w * px), round(h * px)), "white")
    draw = ImageDraw.Draw(image)
    for item in design.front(card, w, h) if side == "front" else design.back(card, w, h):
        if isinstance(item, Box):
            draw.rectangle(
                [
                    round(item.x * px),
                    round(item.y * px),
                    round((item.x + item.w) * px) - 1,
                    round((item.y + item.h) * px) - 1,
                ],
                fill=item.color,
            )
        elif isinstance(item, Text):
            for xy, line, font, options in text_lines(item, px):
                draw.text(xy, line, font=font, fill=item.color, **options)
        elif isinstance(item, Qr):
            _qr(image, item, px)
    return image


def render_png(card: BadgeCard, dpi: int = 300) -> bytes:
    """The front of an A6 badge as PNG bytes at `dpi` (300 for print; the DPI is recorded)."""
    out = io.BytesIO()
    # Every pixel is one of the design's colours or an antialiasing blend of it with white, so a
    # fixed palette of those blends loses nothing visible: an 8-bit PNG, made 4x faster than RGB
    # (most of the cost was compressing three bytes a pixel) and 40% smaller.
    image = render_image(card, dpi).quantize(palette=palette(), dither=Image.Dither.NONE)
    image.save(out, format="PNG", dpi=(dpi, dpi), compress_level=2)
    return out.getvalue()


@lru_cache(maxsize=1)
def palette() -> Image.Image:
    """White, black (the QR), and steps from white to each of ink, grey and accent (white text
    on the accent band is the same blend). Pillow maps colours to a palette through a coarse
    cache, so steps within 8 levels of white are left out: otherwise pure white paper could
    come out as a 1% grey that some printers would speckle. The tests hold these mappings."""
    colors = [shapes.WHITE, (0, 0, 0)]
    for color in (shapes.INK, shapes.GREY, shapes.ACCENT):
        for i in range(1, 85):
            step = tuple(round(w + (c - w) * i / 84) for w, c in zip(shapes.WHITE, color))
            if max(w - v for w, v in zip(shapes.WHITE, step)) >= 8:
                colors.append(step)
    image = Image.new("P", (1, 1))
    image.putpalette([v for color in colors for v in color])
    return image


def text_lines(
    item: Text, px: float
) -> Iterator[tuple[tuple[float, float], str, ImageFont.FreeTypeFont, dict]]:
    """Where and how each line of `item` is drawn: (anchor point in pixels, line, font, options
    for ImageDraw.text). Each line takes its paragraph's direction, Arabic lines ask for Arabic
    language forms, and the anchor aligns the laid-out line to the column."""
    # Quarter pixels, rounded down: a line is never drawn larger than it was fitted, and the
    # fonts stay few enough to cache.
    font = pil_font(item.weight, max(1.0, int(item.fitted.size * PT * px * 4) / 4))
    anchor = {"left": "ls", "right": "rs", "center": "ms"}[item.align]
    x = {"left": item.x, "right": item.x + item.w, "center": item.x + item.w / 2}[item.align]
    for i, line in enumerate(item.fitted.lines):
        options = {"anchor": anchor, "direction": "rtl" if item.rtl else "ltr"}
        if _ARABIC.search(line):
            options["language"] = "ar"
        yield (x * px, item.baseline(i) * px), line, font, options


def _qr(image: Image.Image, qr: Qr, px: float) -> None:
    # Whole pixels per module keep every module the same size: crisp edges for the camera.
    module = max(1, int(qr.module * px))
    n = len(qr.matrix)
    modules = Image.frombytes("L", (n, n), b"".join(qr.matrix).translate(_INK))
    size = module * (n + 2 * QUIET_ZONE)
    left = round((qr.x + qr.size / 2) * px - size / 2) + QUIET_ZONE * module
    top = round((qr.y + qr.size / 2) * px - size / 2) + QUIET_ZONE * module
    image.paste(modules.resize((n * module, n * module), Image.NEAREST), (left, top))
