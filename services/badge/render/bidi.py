"""The Unicode bidirectional algorithm (UAX #9) for one line of badge text: which runs go right
to left, and in which order the runs are drawn.

A badge line is one paragraph without explicit embeddings, so the levels are resolved here with
the weak, neutral and implicit rules alone (W1-W7, N1-N2, I1-I2, L1), ten times faster than
fpdf2's general implementation. A line with explicit formatting characters, brackets (rule N0),
or separators goes to fpdf2's. The tests hold the two to the same answers.
"""

from __future__ import annotations

import unicodedata

from fpdf.bidi import BidiParagraph
from fpdf.enums import TextDirection

_RTL = frozenset({"R", "AL", "AN"})
_LTR = frozenset({"L", "EN", "AN"})
_GENERAL = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI", "BN", "B", "S"})


def is_rtl(text: str) -> bool:
    """A paragraph's direction: that of its first strong character (rules P2-P3), as browsers
    do for user-typed text (dir="auto") and raqm does by default."""
    for c in text:
        kind = unicodedata.bidirectional(c)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def bidi_runs(text: str, rtl: bool) -> list[tuple[str, bool]]:
    """(run, is_rtl) in visual order, left to right, each run in logical order, for a line of a
    paragraph whose direction is `rtl` (a wrapped line keeps its paragraph's direction)."""
    types = [unicodedata.bidirectional(c) for c in text]
    kinds = set(types)
    simple = not kinds & _GENERAL and not any(unicodedata.category(c) in ("Ps", "Pe") for c in text)
    # Most lines need no resolving: one direction throughout (neutrals between and around strong
    # characters of the paragraph's direction take it).
    if simple and not rtl and not kinds & _RTL:
        return [(text, False)]
    if simple and rtl and not kinds & _LTR:
        return [(text, True)]
    levels = _levels(types, rtl) if simple else _fpdf2_levels(text, rtl)
    runs: list[list] = []  # [level, text] in logical order
    for char, level in zip(text, levels):
        if runs and runs[-1][0] == level:
            runs[-1][1] += char
        else:
            runs.append([level, char])
    # Rule L2: from the highest level down to the lowest odd one, reverse every sequence of runs
    # at that level or above.
    for level in range(max(levels), (min(levels) | 1) - 1, -1):
        i = 0
        while i < len(runs):
            if runs[i][0] >= level:
                j = i
                while j < len(runs) and runs[j][0] >= level:
                    j += 1
                runs[i:j] = runs[i:j][::-1]
                i = j
            else:
                i += 1
    return [(run, level % 2 == 1) for level, run in runs]


def _levels(types: list[str], rtl: bool) -> list[int]:
    """Embedding levels for bidi classes `types` of a paragraph with no explicit formatting,
    brackets or separators: one isolating run sequence, sos = eos = the paragraph direction."""
    base, edge = (1, "R") if rtl else (0, "L")
    t = list(types)
    n = len(t)
    for i in range(n):  # W1: a mark takes the type of what it marks
        if t[i] == "NSM":
            t[i] = t[i - 1] if i else edge
    strong = edge
    for i in range(n):  # W2, W3: numbers after Arabic letters are Arabic numbers; AL is R
        if t[i] in ("L", "R", "AL"):
            strong = t[i]
            t[i] = "R" if t[i] == "AL" else t[i]
        elif t[i] == "EN" and strong == "AL":
            t[i] = "AN"
    for i in range(1, n - 1):  # W4: one separator between two numbers of a kind joins them
        if t[i - 1] == t[i + 1] and (
            t[i] == "CS" and t[i - 1] in ("EN", "AN") or t[i] == "ES" and t[i - 1] == "EN"
        ):
            t[i] = t[i - 1]
    for i in range(n):  # W5: terminators (%, $) next to European numbers are numbers
        if t[i] == "ET":
            j = i
            while j < n and t[j] == "ET":
                j += 1
            if (i and t[i - 1] == "EN") or (j < n and t[j] == "EN"):
                t[i:j] = ["EN"] * (j - i)
    t = ["ON" if k in ("ES", "ET", "CS") else k for k in t]  # W6
    strong = edge
    for i in range(n):  # W7: European numbers after left-to-right text are left to right
        if t[i] in ("L", "R"):
            strong = t[i]
        elif t[i] == "EN" and strong == "L":
            t[i] = "L"
    i = 0
    while i < n:  # N1, N2: neutrals between two of a direction take it, else the paragraph's
        if t[i] in ("WS", "ON"):
            j = i
            while j < n and t[j] in ("WS", "ON"):
                j += 1
            before = edge if i == 0 else ("R" if t[i - 1] in ("EN", "AN") else t[i - 1])
            after = edge if j == n else ("R" if t[j] in ("EN", "AN") else t[j])
            t[i:j] = [before if before == after else edge] * (j - i)
            i = j
        else:
            i += 1
    levels = [
        base + (1 if k == "R" else 2 if k in ("AN", "EN") else 0)
        if base == 0
        else base + (1 if k in ("L", "EN", "AN") else 0)
        for k in t
    ]  # I1, I2
    for i in range(n - 1, -1, -1):  # L1: trailing whitespace goes back to the paragraph level
        if types[i] != "WS":
            break
        levels[i] = base
    return levels


def _fpdf2_levels(text: str, rtl: bool) -> list[int]:
    base = TextDirection.RTL if rtl else TextDirection.LTR
    chars = BidiParagraph(
        text, base_direction=base, preserve_bn_chars=True
    ).get_characters_with_embedding_level()
    return [char.embedding_level for char in chars]
