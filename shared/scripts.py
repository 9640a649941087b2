"""Names and mixed scripts: which direction a text runs, isolating it, and splitting a name.

A Latin name inside an Arabic sentence (or the reverse) must be isolated, or the bidi algorithm
lets its neighbours' punctuation join it ("في -ORG", a comma on the wrong side). In HTML that is
<bdi> (the templates), in plain text and headers FSI ... PDI (U+2068, U+2069), added here only
around text whose script runs against the sentence, so an all-English email carries no
invisible characters.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

FSI, PDI = "\u2068", "\u2069"
RTL_LANGUAGES = frozenset({"ar"})

# Words that belong to the name after them: "Abdul Rahman", "عبد الله" are one given name;
# "bin Salman", "Al Saud", "van der Berg" are part of the family name.
GIVEN_PREFIXES = frozenset({"عبد", "abd", "abdul", "abdel", "abu", "أبو", "ابو", "أم", "ام"})
FAMILY_PARTICLES = frozenset(
    {
        "آل",
        "ال",
        "بن",
        "ابن",
        "بنت",
        "أبو",
        "ابو",
        "al",
        "el",
        "al-",
        "el-",
        "bin",
        "ibn",
        "bint",
        "abu",
        "de",
        "da",
        "di",
        "del",
        "della",
        "van",
        "von",
        "der",
        "den",
        "le",
        "la",
        "du",
        "dos",
        "das",
    }
)


def direction(text: str) -> str | None:
    """ "rtl" or "ltr" by the first strong character (as the bidi algorithm's FSI decides), else None."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


@lru_cache(maxsize=8192)  # the same names and event come back in every email of an event
def runs_against(text: str, lang: str) -> bool:
    """True when some strong character of `text` runs against a sentence in `lang`."""
    against = ("L",) if lang in RTL_LANGUAGES else ("R", "AL")
    return any(unicodedata.bidirectional(char) in against for char in text)


def isolate(text: str, lang: str) -> str:
    """`text` wrapped in FSI/PDI when it has characters of the other direction than `lang`."""
    return f"{FSI}{text}{PDI}" if text and runs_against(text, lang) else text


def words(name: str) -> list[str]:
    return name.split()


def first_name(name: str) -> str:
    """What to call someone: the first word of their name, with "Abdul"/"عبد" kept to the next."""
    parts = words(name)
    if not parts:
        return name
    if len(parts) > 1 and parts[0].casefold() in GIVEN_PREFIXES:
        return f"{parts[0]} {parts[1]}"
    return parts[0]


def split_name(name: str) -> tuple[str, str, str]:
    """(family, given, additional) for a vCard N: the rule, for every script:

    - one word: it is the given name, no family name;
    - otherwise the given name is the first word (two when it starts with "Abdul"/"عبد"/"Abu"),
      the family name is the last word together with the particles before it (bin, Al, آل, van,
      de, ...), and any words between are additional names (an Arabic nasab, a middle name).
    Names are kept as written: no case changes, no transliteration.
    """
    parts = words(name)
    if len(parts) <= 1:
        return "", name.strip(), ""
    given = first_name(name)
    rest = parts[len(given.split()) :]
    if not rest:
        return "", given, ""
    start = len(rest) - 1
    while start > 0 and rest[start - 1].casefold() in FAMILY_PARTICLES:
        start -= 1
    return " ".join(rest[start:]), given, " ".join(rest[:start])
