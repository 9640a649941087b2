"""Fitting text into a box (shared by the PNG and the PDF), and Arabic for the PDF.

A name shrinks to fit its line, then wraps to a second line, then, only as a last resort,
ends with an ellipsis: it never overflows the card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import arabic_reshaper
from bidi import get_display

from services.badge.render.fonts import text_width

# Keep the vowel marks (harakat) a name or greeting is written with; the default drops them.
_RESHAPER = arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": False})
RTL_CHARS = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def has_rtl(text: str) -> bool:
    return bool(RTL_CHARS.search(text))


@lru_cache(maxsize=20_000)
def visual(text: str) -> str:
    """Arabic shaped (contextual presentation forms, lam-alef ligatures) and in visual order, for
    a renderer that draws code points left to right as given (the PDF). Latin passes unchanged."""
    if not has_rtl(text):
        return text
    return get_display(_RESHAPER.reshape(text))


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    size: float  # pt

    def width(self, weight: str) -> float:
        return max(text_width(line, weight) for line in self.lines) * self.size


def _wrap(words: list[str], parts: int, weight: str) -> list[str]:
    """Split words into at most `parts` lines of similar width (greedy on a target width)."""
    total = text_width(" ".join(words), weight)
    target = total / parts
    lines, current = [], []
    for word in words:
        candidate = " ".join(current + [word])
        if current and text_width(candidate, weight) > target * 1.15 and len(lines) < parts - 1:
            lines.append(" ".join(current))
            current = [word]
        else:
            current.append(word)
    lines.append(" ".join(current))
    return lines


def fit(text: str, weight: str, max_width: float, max_size: float, min_size: float, max_lines: int = 1) -> Fitted:
    """The largest size (<= max_size) and fewest lines (<= max_lines) that fit max_width (pt units)."""
    text = " ".join(text.split())
    if not text:
        return Fitted((), max_size)
    words = text.split(" ")
    # First pass: wrap rather than shrink below three quarters of the full size (easier to read
    # across a hall); second pass: shrink down to the minimum on as few lines as possible.
    for floor in (max(min_size, 0.75 * max_size), min_size):
        for parts in range(1, min(max_lines, len(words)) + 1):
            lines = _wrap(words, parts, weight) if parts > 1 else [text]
            widest = max(text_width(line, weight) for line in lines)
            size = min(max_size, max_width / widest) if widest else max_size
            if size >= floor:
                return Fitted(tuple(lines), size)
    lines = _wrap(words, max_lines, weight) if max_lines > 1 else [text]
    return Fitted(tuple(_ellipsize(line, weight, max_width / min_size) for line in lines), min_size)


def _ellipsize(line: str, weight: str, max_width: float) -> str:
    if text_width(line, weight) <= max_width:
        return line
    while line and text_width(line + "…", weight) > max_width:
        line = line[:-1]
    return line.rstrip() + "…"
