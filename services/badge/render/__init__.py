"""Badge rendering: the QR code, the design, a PNG per badge and PDF print sheets."""

from services.badge.render.card import BadgeCard
from services.badge.render.layouts import LAYOUTS, Layout
from services.badge.render.pdf import render_pdf
from services.badge.render.png import render_image, render_png
from services.badge.render.qr import qr_matrix

__all__ = ["BadgeCard", "LAYOUTS", "Layout", "qr_matrix", "render_image", "render_pdf", "render_png"]
