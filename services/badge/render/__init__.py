"""Badge rendering: the QR code, the design, a PNG per badge and PDF print sheets.

Knows nothing of Flask, databases or the bus: BadgeCards in, PNG or PDF bytes out.

- qr_matrix(prefix, token) -> rows of modules: level M, version 5 at most, fixed mask.
- render_png(card, dpi=300) -> an A6 front as PNG (render_image for a Pillow image, any side).
- render_pdf(cards, layout="a4-a6", double_sided=False, progress=None, workers=1) -> print sheets.
- LAYOUTS: "a4-a6", "a4-a7", "letter", "avery-5395", "single-a6".

Fonts come from npm (fonts.py); text is shaped by HarfBuzz in both outputs.
"""

from services.badge.render.card import BadgeCard
from services.badge.render.layouts import LAYOUTS, Layout
from services.badge.render.pdf import render_pdf
from services.badge.render.png import render_image, render_png
from services.badge.render.qr import qr_matrix, qr_version

__all__ = [
    "BadgeCard",
    "LAYOUTS",
    "Layout",
    "qr_matrix",
    "qr_version",
    "render_image",
    "render_pdf",
    "render_png",
]
