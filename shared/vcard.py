"""Contact cards: one vCard 4.0 (RFC 6350) builder for every "add to contacts" Rapport offers
(the follow-up email's card and the .vcf of My people), so a person is filed the same way
everywhere.

- FN is the name as its owner wrote it; N is family;given;additional by shared.scripts.split_name
  (one-word names are a given name; "Abdul"/"عبد" stay with the given name; bin/Al/آل/van/de stay
  with the family name), so a phone files "Daniel Brooks" under Brooks and "ليلى حداد" under
  حداد, not under the first name.
- NOTE, in the reader's language, says when and where they met (the date in the event's time
  zone), then the reader's own notes: what the card is for, months later.
- EMAIL, ORG and TITLE are the caller's to give only while the person agrees to share them.
Serialized with vobject, which escapes commas, semicolons and line breaks in values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import vobject

from shared.scripts import isolate, split_name

MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "ar": (
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ),
}
TEXT = {
    "en": {
        "met": "Met at {event} ({venue}) on {date}.",
        "met_no_venue": "Met at {event} on {date}.",
        "notes": "Your notes: {notes}",
        "date": "{day} {month} {year}",
    },
    "ar": {
        "met": "التقيتما في {event} ({venue}) يوم {date}.",
        "met_no_venue": "التقيتما في {event} يوم {date}.",
        "notes": "ملاحظاتك: {notes}",
        "date": "{day} {month} {year}",
    },
}


@dataclass(frozen=True)
class Where:
    event: str
    venue: str = ""
    timezone: str = "UTC"


def reader_language(lang: str) -> str:
    return lang if lang in TEXT else "en"


def local_date(lang: str, at: datetime, timezone: str) -> str:
    """The day of the meeting where it happened ("1 December 2026", "1 ديسمبر 2026")."""
    try:
        at = at.astimezone(ZoneInfo(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        pass
    return TEXT[lang]["date"].format(day=at.day, month=MONTHS[lang][at.month - 1], year=at.year)


def met_line(lang: str, where: Where, met_at: datetime) -> str:
    """ "Met at <event> (<venue>) on <date>.", names of the other script isolated."""
    lang = reader_language(lang)
    event, venue = isolate(where.event, lang), isolate(where.venue, lang)
    return TEXT[lang]["met" if venue else "met_no_venue"].format(
        event=event, venue=venue, date=local_date(lang, met_at, where.timezone)
    )


def notes_line(lang: str, notes: tuple[str, ...]) -> str:
    return TEXT[reader_language(lang)]["notes"].format(notes=" / ".join(notes)) if notes else ""


def contact_card(
    name: str,
    *,
    note: str,
    email: str = "",
    company: str = "",
    title: str = "",
    language: str = "",
    categories: tuple[str, ...] = (),
) -> str:
    """One card. `language` is the language the person reads (what to write to them in)."""
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("fn").value = name
    family, given, additional = split_name(name)
    card.add("n").value = vobject.vcard.Name(family=family, given=given, additional=additional)
    if email:
        card.add("email").value = email
    if company:
        card.add("org").value = [company]
    if title:
        card.add("title").value = title
    if language in MONTHS:
        card.add("lang").value = language
    if categories:
        card.add("categories").value = list(categories)
    card.add("note").value = note
    return card.serialize()
