"""The follow-up email's "add to contacts" card (built by shared.vcard, as My people's are).

Its NOTE says when and where the two met, or, for someone suggested but not met, the interests
they share; then the reader's own notes. EMAIL, ORG and TITLE only while the person agrees to
share their contact details; without that the card says who they are and where the two met.
"""

from __future__ import annotations

from datetime import datetime

from services.followup.digest import Person
from services.followup.wording import joined, language
from shared.scripts import isolate
from shared.vcard import Where, contact_card, met_line, notes_line

SHARES = {
    "en": "At {event} you share an interest in {interests}.",
    "ar": "في {event} يجمعكما الاهتمام بـ{interests}.",
}


def note_text(
    lang: str,
    where: Where,
    met_at: datetime | None,
    notes: tuple[str, ...],
    shared_interests: tuple[str, ...] = (),
) -> str:
    if met_at is not None:
        lines = [met_line(lang, where, met_at)]
    else:
        lines = [
            SHARES[lang].format(
                event=isolate(where.event, lang), interests=joined(lang, list(shared_interests))
            )
        ]
    return "\n".join(line for line in (*lines, notes_line(lang, notes)) if line)


def vcard(
    reader_language: str,
    person: Person,
    where: Where,
    *,
    met_at: datetime | None,
    notes: tuple[str, ...] = (),
    shared_interests: tuple[str, ...] = (),
) -> str:
    """The card for `person`, as the reader (whose language the NOTE is in) downloads it."""
    shares = person.consent_share_contact
    return contact_card(
        person.name,
        email=person.email if shares else "",
        company=person.company if shares else "",
        title=person.title if shares else "",
        language=person.language,
        note=note_text(language(reader_language), where, met_at, notes, shared_interests),
    )
