"""Text shaping with HarfBuzz: the glyph runs the PDF draws and the widths every layout uses.

A line is split into bidi runs (bidi.py: the paragraph's direction from its first strong
character, as raqm does for the PNG), each run is shaped by HarfBuzz in its own direction
(Arabic joins, lam-alef and other ligatures, mark positioning, kerning), and the runs are put in
visual order. Pillow's raqm does the same for the PNG, so both agree on widths.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import uharfbuzz as hb

from services.badge.render.bidi import bidi_runs, is_rtl
from services.badge.render.fonts import hb_font, upem


class Glyph(NamedTuple):  # a tuple: thousands are made per sheet, a dataclass costs 3x more
    gid: int
    advance: int  # font units, like the offsets
    dx: int
    dy: int
    text: str  # the characters this glyph stands for ("" for the rest of a cluster)


@dataclass(frozen=True, slots=True)
class Shaped:
    glyphs: tuple[Glyph, ...]  # in visual order, left to right
    advance: int  # font units


def _buffer(run: str, rtl: bool, weight: str) -> hb.Buffer:
    buf = hb.Buffer()
    buf.add_str(run)
    buf.guess_segment_properties()
    buf.direction = "rtl" if rtl else "ltr"
    if rtl:
        buf.language = "ar"  # as the PNG asks raqm for; only fonts with Arabic-specific forms care
    buf.cluster_level = 1  # MONOTONE_CHARACTERS: a mark keeps its own cluster (and ToUnicode entry)
    hb.shape(hb_font(weight), buf, {})
    return buf


def _shape_run(run: str, rtl: bool, weight: str) -> list[Glyph]:
    if not run:
        return []
    buf = _buffer(run, rtl, weight)
    starts = sorted({info.cluster for info in buf.glyph_infos}) + [len(run)]
    span = {start: run[start:end] for start, end in zip(starts, starts[1:])}
    if rtl:
        # A ligature in a right-to-left run maps to its characters in visual order: text
        # extractors read glyphs in drawing order and reverse right-to-left runs character by
        # character, which puts them back in logical order.
        span = {start: text[::-1] for start, text in span.items()}
    return [
        Glyph(info.codepoint, pos.x_advance, pos.x_offset, pos.y_offset, span.pop(info.cluster, ""))
        for info, pos in zip(buf.glyph_infos, buf.glyph_positions)
    ]


def _shape(text: str, weight: str, rtl: bool | None = None) -> Shaped:
    """`text` as glyphs in visual order, in a paragraph of direction `rtl` (default: its own)."""
    rtl = is_rtl(text) if rtl is None else rtl
    glyphs = [glyph for run, run_rtl in bidi_runs(text, rtl) for glyph in _shape_run(run, run_rtl, weight)]
    return Shaped(tuple(glyphs), sum(g.advance for g in glyphs))


# Lines repeat across badges (event names, headings, interests); names do not, so the cache is
# bounded: a shaped line is cheap (about 20 us) to redo.
shape = lru_cache(maxsize=4096)(_shape)


@lru_cache(maxsize=65536)
def _word_advance(word: str, weight: str) -> int:
    """A word's shaped width (font units): its runs' advances, in any order."""
    return sum(
        sum(p.x_advance for p in _buffer(run, rtl, weight).glyph_positions)
        for run, rtl in bidi_runs(word, is_rtl(word))
        if run
    )


def text_width(text: str, weight: str) -> float:
    """Width of `text` set at 1 pt, in pt (so, in ems). Measured word by word: Arabic letters
    never join across a space and reordering does not change a width, so this equals the shaped
    line's width (up to kerning against a space, which this font does not have) while words,
    unlike the candidate lines of a layout, repeat and cache well."""
    words = text.split(" ")
    total = sum(_word_advance(word, weight) for word in words if word)
    return (total + (len(words) - 1) * _word_advance(" ", weight)) / upem(weight)
