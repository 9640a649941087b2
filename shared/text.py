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

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def single_line_problem(value: str) -> str | None:
    """Why `value` is not acceptable single-line text; None if it is."""
    for char in value:
        if char in BIDI_CONTROLS:
            return f"must not hold the direction control U+{ord(char):04X}"
        category = unicodedata.category(char)
        if category == "Cc":
            return f"must not hold the control character U+{ord(char):04X}"
        if category == "Cs":
            return "must not hold a lone surrogate, which is not text"
    return None
