"""Lists people type into one field: interests and tags.

People separate them with whatever their keyboard offers: the Latin comma, the Arabic comma "،",
the semicolon or the Arabic semicolon "؛". Every service reads them through `split_items`, so
"قهوة، تصميم" is two interests on the badge page, in a CSV file and through the API alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SEPARATORS = re.compile(r"[,،;؛]")


def split_items(value: str | Iterable[str]) -> tuple[str, ...]:
    """The items in `value` (one string, or a list whose strings may themselves hold separators):
    trimmed, empty ones dropped, and each kept once, ignoring case (the first spelling wins)."""
    chunks = [value] if isinstance(value, str) else list(value)
    seen: dict[str, str] = {}
    for chunk in chunks:
        for part in SEPARATORS.split(chunk):
            item = " ".join(part.split())  # trimmed, inner runs of spaces as one
            if item and item.casefold() not in seen:
                seen[item.casefold()] = item
    return tuple(seen.values())
