"""The "add to contacts" card: a vCard 4.0 (RFC 6350) that imports right in phone address books.

- FN is the name as its owner wrote it; N is family;given;additional, split by the one rule in
  scripts.split_name (one-word names are a given name; "Abdul"/"عبد" stay with the given name;
  bin/Al/آل/van/de stay with the family name), so a phone files "Daniel Brooks" under Brooks and
  "ليلى حداد" under حداد, not under the first name.
- NOTE, in the reader's language, says when and where they met (the date in the event's time
  zone, the event and its venue) and then the reader's own notes: what the card is for, months
  later, when the name alone means nothing.
- EMAIL, ORG and TITLE only while the person agrees to share their contact details; without
  that the card says who they are and where the two met, nothing more.
Serialized with vobject, which escapes commas, semicolons and line breaks in values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import vobject

from services.followup.digest import Person
from services.followup.scripts import isolate, split_name
from services.followup.wording import joined, language

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "ar": ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
           "ديسمبر"),
}
TEXT = {
    "en": {"met": "Met at {event} ({venue}) on {date}.", "met_no_venue": "Met at {event} on {date}.",
           "shares": "At {event} you share an interest in {interests}.", "notes": "Your notes: {notes}",
           "date": "{day} {month} {year}"},
    "ar": {"met": "التقيتما في {event} ({venue}) يوم {date}.", "met_no_venue": "التقيتما في {event} يوم {date}.",
           "shares": "في {event} يجمعكما الاهتمام بـ{interests}.", "notes": "ملاحظاتك: {notes}",
           "date": "{day} {month} {year}"},
}


@dataclass(frozen=True)
class Where:
    event: str
    venue: str = ""
    timezone: str = "UTC"


def local_date(lang: str, at: datetime, timezone: str) -> str:
    """The day of the meeting where it happened ("1 December 2026", "1 ديسمبر 2026")."""
    try:
        at = at.astimezone(ZoneInfo(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        pass
    return TEXT[lang]["date"].format(day=at.day, month=MONTHS[lang][at.month - 1], year=at.year)


def note_text(lang: str, where: Where, met_at: datetime | None, notes: tuple[str, ...],
              shared_interests: tuple[str, ...] = ()) -> str:
    t = TEXT[lang]
    where = Where(isolate(where.event, lang), isolate(where.venue, lang), where.timezone)
    if met_at is not None:
        key = "met" if where.venue else "met_no_venue"
        lines = [t[key].format(event=where.event, venue=where.venue, date=local_date(lang, met_at, where.timezone))]
    else:
        lines = [t["shares"].format(event=where.event, interests=joined(lang, list(shared_interests)))]
    if notes:
        lines.append(t["notes"].format(notes=" / ".join(notes)))
    return "\n".join(lines)


def vcard(reader_language: str, person: Person, where: Where, *, met_at: datetime | None,
          notes: tuple[str, ...] = (), shared_interests: tuple[str, ...] = ()) -> str:
    """The card for `person`, as the reader (whose language the NOTE is in) downloads it."""
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("fn").value = person.name
    family, given, additional = split_name(person.name)
    card.add("n").value = vobject.vcard.Name(family=family, given=given, additional=additional)
    if person.consent_share_contact:
        if person.email:
            card.add("email").value = person.email
        if person.company:
            card.add("org").value = [person.company]
        if person.title:
            card.add("title").value = person.title
    if person.language in MONTHS:
        card.add("lang").value = person.language  # the language they read: what to write to them in
    card.add("note").value = note_text(language(reader_language), where, met_at, notes, shared_interests)
    return card.serialize()
