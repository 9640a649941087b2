"""What a single line of text a person typed may hold: names, an event's name and venue, a
company, a title, a headline. These end up on printed badges, in email headers and subjects, in
CSV exports and in other people's pages, so they refuse:

- control characters (U+0000-U+001F, U+007F-U+009F): invisible, and a line break or an escape
  in the wrong place splits a header or a CSV row;
- bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069): they reorder what
  follows them, so "Lina ‮gro.elpmaxe" can show another name or address than the one stored;
- lone surrogates (U+D800-U+DFFF): not text at all; no database, page or email can hold one.

Arabic and English mixed in one name need none of these: the renderer's bidi algorithm orders
them. Nothing here knows Flask.
"""

from __future__ import annotations

import unicodedata

# Reorder what follows them: refused in what people type, dropped from what we write out.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Invisible marks (ALM, LRM, RLM) Arabic keyboards insert: harmless in a name, dropped from headers.
DIRECTION_MARKS = frozenset("\u061c\u200e\u200f")
LINE_SEPARATORS = ("Zl", "Zp")  # U+2028, U+2029: a line break to anything that renders text


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` is not acceptable text; None if it is. `multiline` lets line feeds through
    (a paragraph an organizer writes), nothing else."""
    for char in value:
        if char in BIDI_CONTROLS:
            return f"must not hold the direction control U+{ord(char):04X}"
        if multiline and char == "\n":
            continue
        category = unicodedata.category(char)
        if category == "Cc":
            return f"must not hold the control character U+{ord(char):04X}"
        if category in LINE_SEPARATORS:
            return f"must be one line: it holds the line separator U+{ord(char):04X}"
        if category == "Cs":
            return "must not hold a lone surrogate, which is not text"
    return None


def single_line_problem(value: str) -> str | None:
    """Why `value` is not acceptable single-line text; None if it is."""
    return text_problem(value)


def flattened(text: str, *, keep: frozenset[str] = frozenset()) -> str:
    """`text` as one line for a header: every control character, line separator, bidi control and
    direction mark (but those in `keep`) becomes a space, and runs of spaces become one."""
    out = [
        " "
        if char not in keep
        and (
            char in BIDI_CONTROLS
            or char in DIRECTION_MARKS
            or unicodedata.category(char) in ("Cc", *LINE_SEPARATORS)
        )
        else char
        for char in text
    ]
    return " ".join("".join(out).split())
