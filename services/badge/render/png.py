"""One badge as a PNG at print resolution, drawn with Pillow's HarfBuzz (raqm) text layout."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from services.badge.render import design
from services.badge.render.card import BadgeCard
from services.badge.render.design import PT, Box, Qr, Text
from services.badge.render.fonts import pil_font
from services.badge.render.pdf import baseline
from services.badge.render.qr import QUIET_ZONE

A6 = (105, 148)


def render_image(card: BadgeCard, dpi: int = 300, size_mm: tuple[float, float] = A6, side: str = "front"):
    """The badge as a Pillow image (RGB)."""
    px = dpi / 25.4
    w, h = size_mm
    image = Image.new("RGB", (round(w * px), round(h * px)), "white")
    draw = ImageDraw.Draw(image)
    items = design.front(card, w, h) if side == "front" else design.back(card, w, h)
    for item in items:
        if isinstance(item, Box):
            draw.rectangle([item.x * px, item.y * px, (item.x + item.w) * px, (item.y + item.h) * px], fill=item.color)
        elif isinstance(item, Text):
            font = pil_font(item.weight, max(1, round(item.fitted.size * PT * px)))
            anchor = {"left": "ls", "right": "rs", "center": "ms"}[item.align]
            x = {"left": item.x, "right": item.x + item.w, "center": item.x + item.w / 2}[item.align]
            for i, line in enumerate(item.fitted.lines):
                draw.text((x * px, (item.y + i * item.line_height + baseline(item)) * px), line, font=font,
                          fill=item.color, anchor=anchor)
        elif isinstance(item, Qr):
            _qr(image, item, px)
    return image


def _qr(image: Image.Image, qr: Qr, px: float) -> None:
    # Whole pixels per module keep every module the same size: crisp edges for the camera.
    module = max(1, int(qr.module * px))
    n = len(qr.matrix)
    modules = Image.new("1", (n, n), 1)
    modules.putdata([0 if dark else 1 for row in qr.matrix for dark in row])
    size = module * (n + 2 * QUIET_ZONE)
    left = round((qr.x + qr.size / 2) * px - size / 2) + QUIET_ZONE * module
    top = round((qr.y + qr.size / 2) * px - size / 2) + QUIET_ZONE * module
    image.paste(modules.resize((n * module, n * module), Image.NEAREST), (left, top))


def render_png(card: BadgeCard, dpi: int = 300) -> bytes:
    """The front of an A6 badge as PNG bytes, at `dpi` (300 for print)."""
    out = io.BytesIO()
    # Low compression: a badge is fetched once and printed; 4x faster to make, 15% larger.
    render_image(card, dpi).save(out, format="PNG", dpi=(dpi, dpi), compress_level=2)
    return out.getvalue()
