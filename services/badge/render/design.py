"""The badge design, once, as shapes in millimetres (shapes.py) for png.py and sheet.py to draw.

Portrait cards (A6, quarter Letter) stack name, headline, title and company, and interests above
a large QR. Landscape cards (A7, labels) put the text beside the QR. The card's language sets
the alignment (Arabic cards align right, English ones left) and the QR's side; each paragraph
runs in its own direction (its first strong character, as browsers treat user-typed text), so an
English company name on an Arabic card keeps its punctuation where it belongs.
"""

from __future__ import annotations

from services.badge.render.bidi import is_rtl
from services.badge.render.card import BadgeCard
from services.badge.render.qr import Matrix, qr_matrix
from services.badge.render.shapes import ACCENT, GREY, INK, PT, WHITE, Box, Qr, Text
from services.badge.render.text import URL_BREAKS, fit

BACK_HEADING = {"en": "What I'm passionate about", "ar": "ما يشغلني"}
MAX_INTERESTS = 5
# (largest pt, smallest pt, lines) on an A6 / A7 card; other cards scale them by their size.
PORTRAIT = {"name": (34, 18, 3), "headline": (14, 9, 3), "details": (11, 7.5, 1), "interests": (10, 7.5, 2)}
# How far keep() may shrink the name and headline together (times their usual sizes).
SHRINK_STEPS = (1.0, 0.9, 0.8, 0.7, 0.62, 0.55)
LANDSCAPE = {"name": (24, 13, 3), "headline": (11, 7, 2), "details": (9, 6.5, 1), "interests": (8, 6.5, 2)}


class _Column:
    """Paragraphs flowing down a column, each fitted to its width. One that would cross `limit`
    (the QR) is left out: a small card drops its last details, it never overlaps them."""

    def __init__(self, x: float, y: float, w: float, align: str, scale: float, limit: float):
        self.x, self.y, self.w, self.align, self.scale, self.limit = x, y, w, align, scale, limit
        self.items: list[Text] = []

    def add(
        self,
        text: str,
        weight: str,
        max_pt: float,
        min_pt: float,
        lines: int,
        color,
        gap: float = 0,
        breaks=None,
    ) -> None:
        if not text.strip():
            return
        fitted = fit(text, weight, self.w / PT, max_pt * self.scale, min_pt * self.scale, lines, breaks)
        item = Text(
            self.x, self.y + gap * self.scale, self.w, fitted, weight, self.align, color, is_rtl(text)
        )
        if item.bottom <= self.limit or not self.items:
            self.items.append(item)
            self.y = item.bottom

    def keep(self, *paragraphs: tuple) -> None:
        """Paragraphs the card is for (the name, the headline), each (text, weight, max_pt, min_pt,
        lines, color, gap): all of them whole, shrunk together until they fit above the limit.
        Without this a long name pushed the headline past the QR on smaller cards (quarter
        Letter), and the headline was silently dropped."""
        wanted = [p for p in paragraphs if p[0].strip()]
        start_y, before, scale = self.y, list(self.items), self.scale
        for shrink in SHRINK_STEPS:
            self.y, self.items, self.scale = start_y, list(before), scale * shrink
            for text, weight, max_pt, min_pt, lines, color, gap in wanted:
                self.add(text, weight, max_pt, min_pt, lines, color, gap)
            drawn = self.items[len(before) :]
            if len(drawn) == len(wanted) and all(_whole(t, p[0]) for t, p in zip(drawn, wanted)):
                break
        self.scale = scale


def front(card: BadgeCard, w: float, h: float) -> list:
    """The front of a w x h mm card: name, headline, title and company, interests, QR, code."""
    portrait, scale, margin, band, items = _frame(card, w, h)
    matrix = qr_matrix(card.qr_prefix, card.token)
    code_h = (14 if portrait else 10) * scale * PT * 1.3
    if portrait:  # text above, the QR centred below
        qr = Qr((w - 0.46 * w) / 2, h - margin - code_h - 0.46 * w, 0.46 * w, matrix)
        column = _Column(margin, band + 0.04 * h, w - 2 * margin, _align(card), scale, qr.y)
        code_x, code_w, sizes = 0, w, PORTRAIT
    else:  # text on the reading side, the QR at the end of the line
        size = min(0.44 * w, h - band - code_h - margin / 2)
        qr = Qr(margin / 2 if card.rtl else w - size - margin / 2, band + margin / 2, size, matrix)
        text_w = w - size - 2 * margin
        column = _Column(
            w - margin - text_w if card.rtl else margin,
            band + margin,
            text_w,
            _align(card),
            scale,
            h - margin,
        )
        code_x, code_w, sizes = qr.x, size, LANDSCAPE
    details = " · ".join(p for p in (card.title, card.company) if p)
    column.keep(
        (card.name, "bold", *sizes["name"], INK, 0),
        (card.headline, "regular", *sizes["headline"], INK, 2),
    )
    column.add(details, "regular", *sizes["details"], GREY, gap=1.5)
    column.add(_interests(card.interests), "bold", *sizes["interests"], ACCENT, gap=1.5)
    code = f"{card.short_code[:3]} {card.short_code[3:]}"  # read out and typed in two halves
    code_item = _centered(
        code, "bold", qr.y + qr.size, code_h, code_x, code_w, code_h / PT / 1.3, 7 * scale, INK
    )
    return items + column.items + [qr, code_item]


def back(card: BadgeCard, w: float, h: float) -> list:
    """The back: what the person cares about, their name, and where to find their page (as text,
    and as a QR when the URL fits one: a badge on a lanyard often hangs back to front)."""
    portrait, scale, margin, band, items = _frame(card, w, h)
    matrix = _profile_qr(card.profile_url)
    size = (0.3 * w if portrait else 0.36 * h) if matrix else 0
    text_w = w - 2 * margin - (0 if portrait else size)
    column = _Column(
        w - margin - text_w if card.rtl else margin,
        band + margin,
        text_w,
        _align(card),
        scale,
        h - margin - (size if portrait else 0),
    )
    column.keep(
        (BACK_HEADING["ar" if card.rtl else "en"], "bold", 12, 8, 1, ACCENT, 0),
        (card.headline or card.name, "bold", 22, 11, 4, INK, 2),
        (card.name, "regular", 13, 8, 2, GREY, 3),
    )
    column.add(card.profile_url, "regular", 8, 5.5, 3, GREY, gap=2, breaks=URL_BREAKS)
    items += column.items
    if matrix:
        x = (w - size) / 2 if portrait else (margin / 2 if card.rtl else w - size - margin / 2)
        items.append(Qr(x, h - size - margin / 2 if portrait else band + margin / 2, size, matrix))
    return items


def _frame(card: BadgeCard, w: float, h: float) -> tuple[bool, float, float, float, list]:
    """What both sides share: orientation, type scale, margin, and the event's band."""
    portrait = h >= w
    scale = min(w, h) / 105 if portrait else h / 74  # type sizes are designed for A6 and A7
    band = 0.1 * h if portrait else 0.15 * h
    event = _centered(card.event_name, "bold", 0, band, 0, w, 12 * scale, 7 * scale, WHITE)
    items = [Box(0, 0, w, band, ACCENT), event]
    return portrait, scale, 0.06 * min(w, h), band, items


def _whole(item: Text, text: str) -> bool:
    """Is all of `text` drawn (not cut short with an ellipsis)?"""
    return "".join(item.fitted.lines).replace(" ", "") == " ".join(text.split()).replace(" ", "")


def _align(card: BadgeCard) -> str:
    return "right" if card.rtl else "left"


def _interests(interests: tuple[str, ...]) -> str:
    # Each interest stays whole on a line (no-break spaces); the dot rides with the one before.
    tags = [t.strip().replace(" ", "\u00a0") for t in interests if t.strip()][:MAX_INTERESTS]
    return " ".join([t + "\u00a0·" for t in tags[:-1]] + tags[-1:])


def _profile_qr(url: str) -> Matrix | None:
    prefix, _, token = url.rpartition("/")
    try:
        return (qr_matrix(prefix + "/", token) if prefix else qr_matrix(url)) if url else None
    except ValueError:  # too long for a small code: the printed URL must do
        return None


def _centered(
    text: str,
    weight: str,
    top: float,
    height: float,
    x: float,
    width: float,
    max_pt: float,
    min_pt: float,
    color,
) -> Text:
    """One line centred in the band [x, x + width] x [top, top + height], inset by 6%."""
    inset = 0.06 * width
    fitted = fit(text, weight, (width - 2 * inset) / PT, max_pt, min_pt, 1)
    top += (height - fitted.size * PT * 1.2) / 2
    return Text(x + inset, top, width - 2 * inset, fitted, weight, "center", color, is_rtl(text))
