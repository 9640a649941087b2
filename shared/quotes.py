"""A sentence that quotes people's own words (the match service's reasons) as HTML in which each
quote is its own bidi isolate: an English quote inside an Arabic sentence, or the reverse, keeps
its own direction and its quotation marks stay where the reader's language puts them."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# The match service's quotation marks (services/match/texts.py QUOTES): « » in Arabic, “ ” in English.
QUOTED = re.compile(r"([«“])([^»”]*)([»”])")


def isolate_quotes(sentence: str) -> Markup:
    """The sentence, escaped, with the text between each pair of quotation marks in <bdi>."""
    return Markup(QUOTED.sub(lambda m: f"{m[1]}<bdi>{m[2]}</bdi>{m[3]}", str(escape(sentence))))
