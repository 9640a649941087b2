"""An attendee as the match service knows them: what they give, what they seek, who they are."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    id: str
    event_id: str
    name: str
    language: str = "en"
    company: str = ""
    headline: str = ""
    interests: tuple[str, ...] = ()
    can_help_with: str = ""
    looking_for: str = ""
    consent_suggest: bool = True
    short_code: str = ""


def company_key(company: str) -> str:
    """ "  ACME  Labs" and "acme labs" are one company; "" is nobody's."""
    return re.sub(r"\s+", " ", company).strip().casefold()


def interest_keys(interests) -> frozenset[str]:
    return frozenset(key for key in (re.sub(r"\s+", " ", i).strip().casefold() for i in interests) if key)
