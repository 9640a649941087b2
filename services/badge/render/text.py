"""Fitting text into a box, shared by the PNG and the PDF.

A name shrinks to fit its line, then wraps (balanced lines, breaking at spaces and after
hyphens), then shrinks further down to a minimum size, and only as a last resort ends with an
ellipsis: it never overflows the card. Widths are HarfBuzz's, the same the PDF and PNG draw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.badge.render.shaping import text_width

ELLIPSIS = "…"
SAFETY = 0.995  # keep half a percent spare: the PNG rasterises, and rounding must not push a line out
_SPACES = re.compile(r"[ \t\r\n\f\v\u2028\u2029]+")  # not NBSP: it binds words on purpose
WORD_BREAKS = re.compile(r"(?<=[^\s-]-)(?=[^\s-])")  # after a hyphen inside a word
URL_BREAKS = re.compile(r"(?<=[/.?=&_-])(?=[^/.?=&_-])")  # after each URL delimiter (run)


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    size: float  # pt

    def width(self, weight: str) -> float:
        """Width of the widest line, in pt."""
        return max((text_width(line, weight) for line in self.lines), default=0.0) * self.size


def fit(
    text: str,
    weight: str,
    max_width: float,
    max_size: float,
    min_size: float,
    max_lines: int = 1,
    breaks: re.Pattern | None = None,
) -> Fitted:
    """The largest size (<= max_size) on the fewest lines (<= max_lines) at which `text` fits
    `max_width` (in pt); below min_size it is cut with an ellipsis instead. Every line of the
    result is at most max_width wide at the returned size. Lines break at spaces and where
    `breaks` matches inside a word (default: after a hyphen)."""
    text = _SPACES.sub(" ", text).strip()
    if not text:
        return Fitted((), max_size)
    max_width *= SAFETY
    pieces, glue = _pieces(text, breaks or WORD_BREAKS)
    widths = [text_width(piece, weight) for piece in pieces]
    space = text_width(" ", weight)
    # Wrapping keeps a name large across a hall: wrap before shrinking below three quarters of
    # the full size, then shrink down to the minimum on as few lines as possible.
    for floor in (max(min_size, 0.75 * max_size), min_size):
        for parts in range(1, min(max_lines, len(pieces)) + 1):
            lines, widest = _balanced(widths, glue, space, parts)
            size = min(max_size, max_width / widest) if widest else max_size
            if size >= floor:
                return Fitted(tuple(_join(pieces, glue, a, b) for a, b in lines), size)
    return Fitted(_cut(pieces, glue, weight, max_width / min_size, max_lines), min_size)


def _pieces(text: str, breaks: re.Pattern) -> tuple[list[str], list[str]]:
    """Break opportunities: pieces, and the glue after each (" ", or "" inside a word)."""
    pieces, glue = [], []
    for word in text.split(" "):
        parts = breaks.split(word)
        pieces += parts
        glue += [""] * (len(parts) - 1) + [" "]
    return pieces, glue


def _join(pieces: list[str], glue: list[str], start: int, end: int) -> str:
    return "".join(pieces[i] + (glue[i] if i < end - 1 else "") for i in range(start, end))


def _balanced(
    widths: list[float], glue: list[str], space: float, parts: int
) -> tuple[list[tuple[int, int]], float]:
    """Split pieces into `parts` lines so that the widest line is as narrow as possible (exact;
    a name or headline has a few dozen pieces at most)."""
    n = len(widths)
    # Prefix sums: piece i..end-1 on one line is ends[end] - ends[i] minus the glue after the last.
    ends = [0.0]
    for w, g in zip(widths, glue):
        ends.append(ends[-1] + w + (space if g else 0.0))

    def line(start: int, end: int) -> float:
        return ends[end] - ends[start] - (space if glue[end - 1] else 0.0)

    memo: dict[tuple[int, int], tuple[float, tuple[tuple[int, int], ...]]] = {}

    def best(start: int, lines: int) -> tuple[float, tuple[tuple[int, int], ...]]:
        if lines == 1:
            return line(start, n), ((start, n),)
        if (start, lines) not in memo:
            options = []
            for end in range(start + 1, n - lines + 2):
                rest, split = best(end, lines - 1)
                options.append((max(line(start, end), rest), ((start, end),) + split))
            memo[start, lines] = min(options)
        return memo[start, lines]

    widest, lines = best(0, parts)
    return list(lines), widest


def _cut(pieces: list[str], glue: list[str], weight: str, width: float, max_lines: int) -> tuple[str, ...]:
    """Fill lines greedily at the minimum size; the last line ends with an ellipsis."""
    lines: list[str] = []
    i = 0
    while i < len(pieces) and len(lines) < max_lines - 1:
        end = i + 1
        while end < len(pieces) and text_width(_join(pieces, glue, i, end + 1), weight) <= width:
            end += 1
        if text_width(_join(pieces, glue, i, end), weight) > width:
            break  # a single piece wider than the line: the ellipsis below cuts it
        lines.append(_join(pieces, glue, i, end))
        i = end
    rest = _join(pieces, glue, i, len(pieces))
    if text_width(rest, weight) > width:
        low, high = 0, len(rest)  # the longest start of `rest` that fits with the ellipsis
        while low < high:
            mid = (low + high + 1) // 2
            low, high = (mid, high) if text_width(rest[:mid] + ELLIPSIS, weight) <= width else (low, mid - 1)
        rest = rest[:low].rstrip(" -") + ELLIPSIS
    return tuple(lines) + (rest,)
