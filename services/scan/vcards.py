"""My people as vCards (built by shared.vcard, as the follow-up email's card is): one .vcf a phone
imports in one go.

A card carries email, company and title only as My people holds them (an email only when its
person agreed to share their contact details); the others still get a card (name, where and when
we met, what I noted), so the list stays whole. The NOTE is in the reader's language.
"""

from __future__ import annotations

from services.scan.people import Contact
from shared.vcard import Where, contact_card, met_line, notes_line


def vcard(c: Contact, where: Where, reader_language: str) -> str:
    note = "\n".join(
        line
        for line in (
            met_line(reader_language, where, c.met_at),
            c.headline,
            notes_line(reader_language, c.notes),
        )
        if line
    )
    return contact_card(c.name, note=note, email=c.email, company=c.company, title=c.title, categories=c.tags)


def vcards(contacts: list[Contact], where: Where, reader_language: str) -> str:
    return "".join(vcard(c, where, reader_language) for c in contacts)
