"""An organizer's own words for their event's follow-up email: subject, opening paragraph and
signature, per language. Each part left empty keeps Rapport's text; removing a language's
wording resets it all.

Texts may name the reader and the event with {first} and {event}, nothing else: an organizer
writes prose, not a template language, and a stray brace must not break an email at send time,
so anything else in braces is refused when the wording is saved. The subject and signature are
one line; no part may hold control characters or bidi overrides (they could reorder what a
reader sees, or reach a header).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.text import text_problem

PLACEHOLDERS = ("first", "event")
LIMITS = {"subject": 150, "opening": 1000, "signature": 150}
_BRACES = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Wording:
    subject: str = ""
    opening: str = ""
    signature: str = ""


def validate(doc: dict) -> Wording:
    """A Wording from a JSON body, or WordingRefused naming each field and what is wrong."""
    errors: dict[str, str] = {}
    values = {}
    for name, limit in LIMITS.items():
        value = doc.get(name, "")
        if not isinstance(value, str):
            errors[name] = "must be text"
            continue
        value = value.strip()
        line_breaks_ok = name == "opening"
        if problem := text_problem(value, multiline=line_breaks_ok):
            errors[name] = problem
        elif len(value) > limit:
            errors[name] = f"at most {limit} characters"
        elif (
            any(m not in PLACEHOLDERS for m in _BRACES.findall(value))
            or _BRACES.sub("", value).count("{")
            or _BRACES.sub("", value).count("}")
        ):
            errors[name] = "may only use {first} and {event}"
        else:
            values[name] = value
    if errors:
        raise WordingRefused(errors)
    return Wording(**values)


class WordingRefused(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
