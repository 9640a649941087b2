"""The badge design, once, as shapes in millimetres; png.py and pdf.py only draw the shapes.

Portrait cards (A6, quarter Letter) stack name, headline, company and interests above a large
QR. Landscape cards (A7, labels) put the text beside the QR. The card's language sets its
alignment: Arabic cards align right, English ones left; each line still runs in its own
script's direction.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.badge.render.card import BadgeCard
from services.badge.render.qr import QUIET_ZONE, qr_matrix
from services.badge.render.text import Fitted, fit

PT = 25.4 / 72  # millimetres per point
INK, GREY, ACCENT, WHITE = (29, 29, 27), (85, 85, 90), (17, 75, 95), (255, 255, 255)
BACK_HEADING = {"en": "What I'm passionate about", "ar": "ما يشغلني"}
MY_PAGE = {"en": "Scan to say hello", "ar": "امسح الرمز لتقول مرحبًا"}


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    color: tuple[int, int, int]


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # top of the first line
    w: float
    fitted: Fitted
    weight: str
    align: str  # "left", "right" or "center"
    color: tuple[int, int, int]
    leading: float = 1.2

    @property
    def line_height(self) -> float:
        return self.fitted.size * PT * self.leading

    @property
    def bottom(self) -> float:
        return self.y + self.line_height * len(self.fitted.lines)


@dataclass(frozen=True)
class Qr:
    x: float
    y: float
    size: float  # including the quiet zone
    matrix: list[list[bool]]

    @property
    def module(self) -> float:
        return self.size / (len(self.matrix) + 2 * QUIET_ZONE)


class _Column:
    """Text flowing down a column, each piece fitted to the column's width."""

    def __init__(self, x: float, y: float, w: float, align: str, scale: float):
        self.x, self.y, self.w, self.align, self.scale = x, y, w, align, scale
        self.items: list = []

    def add(self, text: str, weight: str, max_pt: float, min_pt: float, lines: int, color, gap: float = 0,
            limit: float | None = None) -> None:
        if not text.strip():
            return
        fitted = fit(text, weight, self.w / PT, max_pt * self.scale, min_pt * self.scale, lines)
        item = Text(self.x, self.y + gap, self.w, fitted, weight, self.align, color)
        if limit is not None and item.bottom > limit:
            return  # no room left on a small card: leave it out rather than overlap the QR
        self.items.append(item)
        self.y = item.bottom


def front(card: BadgeCard, w: float, h: float) -> list:
    align = "right" if card.rtl else "left"
    margin = 0.06 * min(w, h)
    band = 0.1 * h if h >= w else 0.15 * h
    items: list = [Box(0, 0, w, band, ACCENT)]
    scale = min(w, h) / 105 if h >= w else h / 74
    items.append(_centered(card.event_name, "bold", 0, band, w, margin, 12 * scale, 7 * scale, WHITE))
    code = "  ".join((card.short_code[:3], card.short_code[3:]))
    matrix = qr_matrix(card.qr_prefix, card.token)
    details = " · ".join(p for p in (card.title, card.company) if p)
    interests = "  ·  ".join(card.interests)
    if h >= w:  # portrait: text above, QR below
        qr_size = 0.46 * w
        code_h = 14 * scale * PT * 1.3
        qr = Qr((w - qr_size) / 2, h - margin - code_h - qr_size, qr_size, matrix)
        column = _Column(margin, band + 0.04 * h, w - 2 * margin, align, scale)
        limit = qr.y + qr.module * QUIET_ZONE
        column.add(card.name, "bold", 34, 18, 2, INK)
        column.add(card.headline, "regular", 14, 9, 3, INK, gap=2 * scale, limit=limit)
        column.add(details, "regular", 11, 7.5, 1, GREY, gap=1.5 * scale, limit=limit)
        column.add(interests, "bold", 10, 7.5, 1, ACCENT, gap=1.5 * scale, limit=limit)
        items += [*column.items, qr]
        items.append(_centered(code, "bold", qr.y + qr_size, code_h, w, margin, 14 * scale, 10 * scale, INK))
    else:  # landscape: text on the reading side, QR at the end of the line
        code_h = 10 * scale * PT * 1.3
        qr_size = min(0.4 * w, h - band - margin - code_h)
        text_w = w - qr_size - 2 * margin
        qr_x = margin / 2 if card.rtl else w - qr_size - margin / 2
        qr = Qr(qr_x, band + margin / 2, qr_size, matrix)
        column = _Column(w - margin - text_w if card.rtl else margin, band + margin, text_w, align, scale)
        limit = h - margin
        column.add(card.name, "bold", 24, 13, 2, INK)
        column.add(card.headline, "regular", 11, 7, 2, INK, gap=1.5 * scale, limit=limit)
        column.add(details, "regular", 9, 6.5, 1, GREY, gap=1 * scale, limit=limit)
        column.add(interests, "bold", 8, 6.5, 1, ACCENT, gap=1 * scale, limit=limit)
        items += [*column.items, qr]
        items.append(_centered(code, "bold", qr.y + qr_size, code_h, qr_size, 0, 10 * scale, 7 * scale, INK,
                               x=qr_x))
    return items


def back(card: BadgeCard, w: float, h: float) -> list:
    """The back: what the person cares about, their name, and the way to their page."""
    lang = "ar" if card.rtl else "en"
    align = "right" if card.rtl else "left"
    portrait = h >= w
    margin = 0.07 * min(w, h)
    scale = min(w, h) / 105 if portrait else h / 74
    band = 0.1 * h if portrait else 0.15 * h
    items: list = [Box(0, 0, w, band, ACCENT),
                   _centered(card.event_name, "bold", 0, band, w, margin, 12 * scale, 7 * scale, WHITE)]
    qr_size = (0.3 * w if portrait else 0.36 * h) if card.profile_url else 0
    caption_h = 9 * scale * PT * 1.4
    if portrait:
        column = _Column(margin, band + margin, w - 2 * margin, align, scale)
        qr_x, caption_x, caption_w = (w - qr_size) / 2, 0, w
    else:  # text on the reading side, the QR at the end of the line
        text_w = w - 2 * margin - qr_size - margin / 2
        column = _Column(w - margin - text_w if card.rtl else margin, band + margin, text_w, align, scale)
        qr_x = margin / 2 if card.rtl else w - qr_size - margin / 2
        caption_x, caption_w = qr_x, qr_size
    column.add(BACK_HEADING[lang], "bold", 12, 8, 1, ACCENT)
    column.add(card.headline or card.name, "bold", 22, 11, 4, INK, gap=2 * scale)
    column.add(card.name, "regular", 13, 8, 1, GREY, gap=3 * scale)
    items += column.items
    if card.profile_url:
        prefix, _, token = card.profile_url.rpartition("/")
        qr = Qr(qr_x, h - qr_size - margin - caption_h if portrait else band + margin / 2, qr_size,
                qr_matrix(prefix + "/", token))
        items.append(qr)
        items.append(_centered(MY_PAGE[lang], "regular", qr.y + qr_size, caption_h, caption_w,
                               margin if portrait else 0, 9 * scale, 6 * scale, GREY, x=caption_x))
    return items


def _centered(text: str, weight: str, top: float, height: float, width: float, margin: float, max_pt: float,
              min_pt: float, color, x: float = 0) -> Text:
    """One line centred in a band of `height` starting at `top`."""
    fitted = fit(text, weight, (width - 2 * margin) / PT, max_pt, min_pt, 1)
    line_height = fitted.size * PT * 1.2
    return Text(x + margin, top + (height - line_height) / 2, width - 2 * margin, fitted, weight, "center", color)
