"""What goes on a badge: the renderer's whole input, knowing nothing of databases or HTTP."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BadgeCard:
    """One attendee's badge. Any text may be Arabic, Latin or both; `language` only decides the
    card's alignment and the language of its fixed words (the back's heading)."""

    name: str
    language: str  # "ar" or "en": the card's direction follows the attendee's language
    event_name: str
    qr_prefix: str  # e.g. "https://meet.example.org/c/"
    token: str  # base32 (A-Z, 2-7): the QR's text is qr_prefix + token
    short_code: str  # printed under the QR, for typing in by hand
    headline: str = ""
    company: str = ""
    title: str = ""
    interests: tuple[str, ...] = ()
    profile_url: str = ""  # the person's page, for the back of a double-sided badge

    @property
    def qr_text(self) -> str:
        return self.qr_prefix + self.token

    @property
    def rtl(self) -> bool:
        return self.language == "ar"
