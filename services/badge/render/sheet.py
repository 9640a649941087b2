"""One PDF document of print sheets: vector text in embedded font subsets, vector QR codes.

fpdf2 owns the document (pages, font subsetting, ToUnicode maps, compression); the page content
is written here as PDF operators. Text is HarfBuzz glyph runs (shaping.py) placed with TJ
adjustments, so Arabic is joined and positioned as the font designer meant, and each glyph
carries its characters for copy and search. fpdf2's own shaped cell() costs 1.5 ms a line and
its rect() 30 us a call; 10,000 badges with hundreds of QR modules each cannot afford either.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache

from fpdf import FPDF

from services.badge.render import design
from services.badge.render.card import BadgeCard
from services.badge.render.fonts import font_path, upem
from services.badge.render.layouts import Layout
from services.badge.render.qr import QUIET_ZONE, Matrix
from services.badge.render.shapes import PT, Box, Qr, Text
from services.badge.render.shaping import Shaped, shape

FAMILY = "plex"


class Sheets:
    """Pages of one layout, added front (and back) sheet by sheet; output() gives the PDF."""

    def __init__(self, layout: Layout):
        self.layout = layout
        pdf = FPDF(unit="mm", format=layout.page)
        pdf.set_auto_page_break(False)
        pdf.set_margin(0)
        pdf.set_creator("Rapport")
        pdf.add_font(FAMILY, "", font_path("regular"))
        pdf.add_font(FAMILY, "B", font_path("bold"))
        self.pdf, self.k = pdf, pdf.k
        self.fonts = {"regular": pdf.fonts[FAMILY], "bold": pdf.fonts[FAMILY + "B"]}
        self._codes: dict[tuple[str, int, str], tuple[str, int] | None] = {}
        self._runs: dict[tuple, tuple[float, str]] = {}  # (weight, line, rtl, size) -> (width mm, glyph ops)

    def add_sheet(self, cards: Sequence[BadgeCard], side: str = "front") -> None:
        """One page: `cards` in the layout's slots; backs go to the mirrored slots."""
        self.pdf.add_page()
        w, h = self.layout.card
        for index, card in enumerate(cards):
            x, y = self.layout.slots[index] if side == "front" else self.layout.back_slot(index)
            items = design.front(card, w, h) if side == "front" else design.back(card, w, h)
            self.pdf._out(" ".join(self._draw(item, x, y) for item in items))  # noqa: SLF001 (see pyproject)
        if self.layout.crop_marks:
            self.pdf._out(self._crop_marks())  # noqa: SLF001

    def output(self) -> bytes:
        return bytes(self.pdf.output())

    def _draw(self, item, ox: float, oy: float) -> str:
        k, page_h = self.k, self.layout.page[1]
        if isinstance(item, Box):
            return (
                f"q {_rgb(item.color)} rg {(ox + item.x) * k:.2f} {(page_h - oy - item.y - item.h) * k:.2f} "
                f"{item.w * k:.2f} {item.h * k:.2f} re f Q"
            )
        if isinstance(item, Qr):
            m = item.module
            x0, y0 = ox + item.x + QUIET_ZONE * m, oy + item.y + QUIET_ZONE * m
            # In module units (one module = 1, y downwards) each run is four small integers.
            transform = f"{m * k:.4f} 0 0 {-m * k:.4f} {x0 * k:.3f} {(page_h - y0) * k:.3f} cm"
            return f"q 0 g {transform} {_qr_path(item.matrix)} f Q"
        if isinstance(item, Text):
            return " ".join(self._line(item, i, ox, oy) for i in range(len(item.fitted.lines)))
        raise TypeError(f"cannot draw {item!r}")

    def _line(self, item: Text, index: int, ox: float, oy: float) -> str:
        line, size = item.fitted.lines[index], item.fitted.size
        key = (item.weight, line, item.rtl, size)
        if key not in self._runs:  # event names, headings and interests repeat on every sheet
            if len(self._runs) > 20_000:
                self._runs.clear()
            shaped = shape(line, item.weight, item.rtl)
            self._runs[key] = (
                shaped.advance / upem(item.weight) * size * PT,
                self._glyphs(item.weight, shaped, size),
            )
        width, glyphs = self._runs[key]
        x = {"left": item.x, "right": item.x + item.w - width, "center": item.x + (item.w - width) / 2}[
            item.align
        ]
        tf = self.pdf._set_font_for_page(self.fonts[item.weight], size, wrap_in_text_object=False)  # noqa: SLF001
        return (
            f"q {_rgb(item.color)} rg BT {tf} {(ox + x) * self.k:.2f} "
            f"{(self.layout.page[1] - oy - item.baseline(index)) * self.k:.2f} Td {glyphs} ET Q"
        )

    def _glyphs(self, weight: str, shaped: Shaped, size: float) -> str:
        """The glyph run as TJ arrays: each glyph by its subset code, small differences between
        HarfBuzz's placement and the glyphs' own widths (kerning) as TJ numbers, mark heights as
        text rise. A shift right of 0.1 em or more is a move of the line start (Td) instead:
        text extractors read such a TJ number as a word space."""
        per_unit = 1000 / upem(weight)  # positions in thousandths of an em, as TJ numbers are
        ops, array, codes = [], [], ""
        pen = start = shaped_pen = 0.0  # the PDF's text position and line start; HarfBuzz's pen
        rise = 0
        for glyph in shaped.glyphs:
            entry = self._code(weight, glyph.gid, glyph.text)
            want, shaped_pen = shaped_pen + glyph.dx * per_unit, shaped_pen + glyph.advance * per_unit
            if entry is None:  # not in the font (HarfBuzz gave .notdef): leave its space empty
                continue
            if glyph.dy != rise or want - pen >= 100:
                ops.append(_tj(array, codes))
                array, codes = [], ""
                if glyph.dy != rise:
                    ops.append(f"{glyph.dy / upem(weight) * size:.3f} Ts")
                    rise = glyph.dy
                if want - pen >= 100:
                    ops.append(f"{(want - start) * size / 1000:.3f} 0 Td")
                    pen = start = want
            if abs(want - pen) >= 0.05:
                array += [f"<{codes}>" if codes else "", f"{pen - want:.1f}"]
                codes = ""
            codes += entry[0]
            pen = want + entry[1]
        ops.append(_tj(array, codes))  # a text rise set here ends at the caller's Q
        return " ".join(op for op in ops if op)

    def _code(self, weight: str, gid: int, text: str) -> tuple[str, int] | None:
        """(hex subset code, width in thousandths) of a glyph, registered with fpdf2's subset so
        the glyph is embedded and its characters go into the ToUnicode map."""
        key = (weight, gid, text)
        if key not in self._codes:
            font = self.fonts[weight]
            name = font.ttfont.getGlyphName(gid)
            width = round(font.scale * font.ttfont["hmtx"].metrics[name][0])
            glyph = (
                font.subset.get_glyph(
                    glyph=gid, unicode=tuple(map(ord, text)), glyph_name=name, glyph_width=width
                )
                if gid
                else None
            )
            code = font.subset.pick_glyph(glyph)
            self._codes[key] = None if code is None else (f"{code:04X}", width)
        return self._codes[key]

    def _crop_marks(self) -> str:
        k, page_h = self.k, self.layout.page[1]
        path = " ".join(
            f"{x1 * k:.2f} {(page_h - y1) * k:.2f} m {x2 * k:.2f} {(page_h - y2) * k:.2f} l"
            for x1, y1, x2, y2 in self.layout.crop_mark_lines()
        )
        return f"q 0.47 G {0.15 * k:.2f} w {path} S Q"  # hairlines in mid grey


@lru_cache(maxsize=64)  # the front and the back of a card carry the same code
def _qr_path(matrix: Matrix) -> str:
    """One rectangle per horizontal run of dark modules, in module units (x right, y down)."""
    table, ops = _run_ops(len(matrix)), []
    for r, row in enumerate(matrix):
        spans, c = table[r], 0
        for piece in row.split(b"\x00"):  # runs of dark modules between light ones
            if piece:
                ops.append(spans[c, c + len(piece)])
                c += len(piece)
            c += 1
    return " ".join(ops)


@cache
def _run_ops(n: int) -> list[dict[tuple[int, int], str]]:
    # Every possible run's operator, made once: formatting hundreds of runs a badge was the
    # largest cost of a print sheet.
    return [
        {(c, e): f"{c} {r} {e - c} 1 re" for c in range(n) for e in range(c + 1, n + 1)} for r in range(n)
    ]


def _rgb(color: tuple[int, int, int]) -> str:
    return " ".join(f"{c / 255:.3f}" for c in color)


def _tj(array: list[str], codes: str) -> str:
    items = [i for i in (*array, f"<{codes}>" if codes else "") if i]
    return f"[{' '.join(items)}] TJ" if items else ""
