"""Print sheets as PDF: vector text with embedded font subsets and vector QR codes.

fpdf2 draws the text. Arabic reaches it already shaped and in visual order (text.visual), since
fpdf2's own HarfBuzz path costs about 1.5 ms a line, which 10,000 badges cannot afford. The QR
is one path of rectangles per badge, written straight into the page content: fpdf2's rect()
costs 30 us a call and a QR needs hundreds.
"""

from __future__ import annotations

import io
import multiprocessing
from typing import Callable, Iterable, Sequence

from fpdf import FPDF

from services.badge.render import design
from services.badge.render.card import BadgeCard
from services.badge.render.design import PT, Box, Qr, Text
from services.badge.render.fonts import font_path
from services.badge.render.layouts import LAYOUTS, Layout
from services.badge.render.qr import QUIET_ZONE, dark_runs
from services.badge.render.text import visual

MIN_CHUNK_PAGES = 25


class _Sheets:
    def __init__(self, layout: Layout):
        self.layout = layout
        pdf = FPDF(unit="mm", format=layout.page)
        pdf.set_auto_page_break(False)
        pdf.set_margin(0)
        pdf.add_font("plex", "", font_path("regular"))
        pdf.add_font("plex", "B", font_path("bold"))
        pdf.set_creator("Rapport")
        self.pdf = pdf

    def page(self, cards: Sequence[BadgeCard], side: str) -> None:
        self.pdf.add_page()
        for index, card in enumerate(cards):
            w, h = self.layout.card
            x, y = self.layout.slots[index] if side == "front" else self.layout.back_slot(index)
            self._draw(design.front(card, w, h) if side == "front" else design.back(card, w, h), x, y)
        if self.layout.crop_marks:
            self._crop_marks()

    def _draw(self, items: list, ox: float, oy: float) -> None:
        pdf = self.pdf
        for item in items:
            if isinstance(item, Box):
                pdf.set_fill_color(*item.color)
                pdf.rect(ox + item.x, oy + item.y, item.w, item.h, style="F")
            elif isinstance(item, Text):
                pdf.set_font("plex", "B" if item.weight == "bold" else "", item.fitted.size)
                pdf.set_text_color(*item.color)
                for i, line in enumerate(item.fitted.lines):
                    drawn = visual(line)
                    width = pdf.get_string_width(drawn)
                    x = {"left": item.x, "right": item.x + item.w - width,
                         "center": item.x + (item.w - width) / 2}[item.align]
                    pdf.text(ox + x, oy + item.y + i * item.line_height + baseline(item), drawn)
            elif isinstance(item, Qr):
                self._qr(item, ox, oy)

    def _qr(self, qr: Qr, ox: float, oy: float) -> None:
        k, page_h, m = self.pdf.k, self.pdf.h, qr.module
        x0, y0 = ox + qr.x + QUIET_ZONE * m, oy + qr.y + QUIET_ZONE * m
        # Work in module units (one module = 1, y downwards) so each run is four small integers.
        transform = f"{m * k:.4f} 0 0 {-m * k:.4f} {x0 * k:.3f} {(page_h - y0) * k:.3f} cm"
        path = " ".join(f"{c} {r} {n} 1 re" for r, c, n in dark_runs(qr.matrix))
        # fpdf2 has no public call for a raw path; _out appends to the page's content stream.
        self.pdf._out(f"q 0 g {transform} {path} f Q")

    def _crop_marks(self) -> None:
        """Cut guides on the cut lines themselves (the cards tile the sheet), so they are cut away."""
        pdf, (page_w, page_h), (w, h) = self.pdf, self.layout.page, self.layout.card
        xs = sorted({round(v, 2) for x, _ in self.layout.slots for v in (x, x + w) if 0.5 < v < page_w - 0.5})
        ys = sorted({round(v, 2) for _, y in self.layout.slots for v in (y, y + h) if 0.5 < v < page_h - 0.5})
        pdf.set_draw_color(120, 120, 120)
        pdf.set_line_width(0.15)
        for x in xs:
            pdf.line(x, 0, x, 5)
            pdf.line(x, page_h - 5, x, page_h)
            for y in ys:
                pdf.line(x - 2, y, x + 2, y)
                pdf.line(x, y - 2, x, y + 2)
        for y in ys:
            pdf.line(0, y, 5, y)
            pdf.line(page_w - 5, y, page_w, y)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def baseline(item: Text) -> float:
    """Distance from a line box's top to its baseline (the font's ascent, centred in the leading)."""
    return item.line_height / 2 + item.fitted.size * PT * 0.35


def _render_chunk(args: tuple[list[BadgeCard], str, bool]) -> bytes:
    cards, layout_name, double_sided = args
    layout = LAYOUTS[layout_name]
    sheets = _Sheets(layout)
    for start in range(0, len(cards), layout.per_page):
        sheet = cards[start:start + layout.per_page]
        sheets.page(sheet, "front")
        if double_sided:
            sheets.page(sheet, "back")
    return sheets.output()


def render_pdf(cards: Iterable[BadgeCard], *, layout: str = "a4-a6", double_sided: bool = False,
               progress: Callable[[int], None] | None = None, workers: int = 1) -> bytes:
    """Print sheets for `cards` in `layout` (a key of LAYOUTS), fronts and, if asked, backs.

    With workers > 1, slices of pages render in parallel processes and are joined in order.
    `progress(n)` is called as each n badges are done.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}: choose one of {', '.join(LAYOUTS)}")
    cards = list(cards)
    if not cards:
        raise ValueError("no badges to print")
    # Each slice embeds its own font subset (about 0.3 s to build), so slices are few and large:
    # a few per worker keeps both cores busy and still reports progress.
    per_page = LAYOUTS[layout].per_page
    chunk = per_page * max(MIN_CHUNK_PAGES, -(-len(cards) // (per_page * max(1, workers) * 3)))
    jobs = [(cards[i:i + chunk], layout, double_sided) for i in range(0, len(cards), chunk)]
    if workers <= 1 or len(jobs) == 1:
        parts = []
        for job in jobs:
            parts.append(_render_chunk(job))
            if progress:
                progress(len(job[0]))
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = []
            for job, part in zip(jobs, pool.imap(_render_chunk, jobs)):
                parts.append(part)
                if progress:
                    progress(len(job[0]))
    return parts[0] if len(parts) == 1 else _join(parts)


def _join(parts: list[bytes]) -> bytes:
    import pikepdf

    joined = pikepdf.new()
    for part in parts:
        joined.pages.extend(pikepdf.open(io.BytesIO(part)).pages)
    out = io.BytesIO()
    joined.save(out)
    return out.getvalue()
