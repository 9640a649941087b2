"""CSV exports of an event's attendees and meetings, for spreadsheets.

The attendee export has the import's own column names (the badge service's csv_import), in the
import's values (yes/no, ar/en, interests separated by "; "), so an organizer can edit it and
import it again: rows come back unchanged, matched by email. `short_code` and `meetings` follow;
the import ignores them. Who reads it decides the contact details: `with_contacts` (organizers
see the emails they uploaded, whatever attendees agreed to show each other; a viewer's export has
none). Times are the event's local time with their UTC offset.

Names come from attendees, not from us, so no cell may run as a formula in any spreadsheet: a
formula character (= + - @, tab or carriage return) at the start of a cell or right after a
separator (, ; tab |) gets an apostrophe before it, and a cell holding any separator is quoted
(the import drops those apostrophes again). Spreadsheets set to split on semicolons (common
where the decimal mark is a comma) would otherwise read `x;=1+1` as two cells, the second a formula.
Rows stream from the database a batch at a time, so a 100,000-meeting export stays small in memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from services.dashboard.models import Attendee, Event, Meeting

# The import's column names (services/badge/csv_import.py COLUMNS), then two it ignores.
IMPORT_COLUMNS = (
    "name",
    "email",
    "company",
    "title",
    "headline",
    "interests",
    "language",
    "consent_followup",
    "consent_share_contact",
    "can_help_with",
    "looking_for",
    "consent_suggest",
)
ATTENDEE_COLUMNS = (*IMPORT_COLUMNS, "short_code", "meetings")
MEETING_COLUMNS = (
    "meeting_id",
    "met_at",
    "mutual",
    "a_name",
    "a_company",
    "a_email",
    "b_name",
    "b_company",
    "b_email",
)
BATCH = 1000
PERSON = ("id", "name", "company", "email")  # what the meeting export says of each person


FORMULA_START = re.compile(r"(^|[,;\t|])([=+\-@\t\r])")
NEEDS_QUOTES = re.compile(r"[,;\t|\"\r\n]")


def safe(value) -> str:
    """One cell: formula-neutralised, and quoted (RFC 4180) if it holds a separator."""
    text = FORMULA_START.sub(r"\1'\2", "" if value is None else str(value))
    return '"' + text.replace('"', '""') + '"' if NEEDS_QUOTES.search(text) else text


def _lines(header, rows) -> Iterator[str]:
    lines: list[str] = [",".join(map(safe, header)) + "\r\n"]
    for count, row in enumerate(rows, start=1):
        lines.append(",".join(map(safe, row)) + "\r\n")
        if count % BATCH == 0:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)


lines = _lines  # any other CSV the dashboard serves (the private links) is made the same safe way


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _in_batches(session: Session, query, keys) -> Iterator:
    """The query's rows in `keys` order, a batch per short transaction: a slow download never
    keeps a transaction open for minutes (which would hold back PostgreSQL's vacuum)."""
    after = None
    while True:
        page = query if after is None else query.where(sa.tuple_(*keys) > after)
        rows = session.execute(page.order_by(*keys).limit(BATCH)).all()
        session.commit()
        yield from rows
        if len(rows) < BATCH:
            return
        after = tuple(getattr(rows[-1], key.key) for key in keys)


def attendees_csv(session: Session, event: Event, with_contacts: bool = True) -> Iterator[str]:
    columns = (*IMPORT_COLUMNS, "short_code", "meetings", "id")
    query = sa.select(*(getattr(Attendee, c) for c in columns)).where(
        Attendee.event_id == event.id, Attendee.registered
    )
    rows = _in_batches(session, query, (Attendee.name, Attendee.id))
    yield "\ufeff"  # a byte-order mark, so spreadsheet programs read Arabic names as UTF-8
    yield from _lines(
        ATTENDEE_COLUMNS,
        (
            (
                a.name,
                a.email if with_contacts else "",
                a.company,
                a.title,
                a.headline,
                "; ".join(a.interests),
                a.language,
                _yes(a.consent_followup),
                _yes(a.consent_share_contact),
                a.can_help_with,
                a.looking_for,
                _yes(a.consent_suggest),
                a.short_code,
                a.meetings,
            )
            for a in rows
        ),
    )


def meetings_csv(session: Session, event: Event, with_contacts: bool = True) -> Iterator[str]:
    low, high = aliased(Attendee), aliased(Attendee)
    side = lambda who, prefix: [getattr(who, c).label(f"{prefix}_{c}") for c in PERSON]  # noqa: E731
    query = (
        sa.select(Meeting.id, Meeting.met_at, Meeting.mutual, *side(low, "a"), *side(high, "b"))
        .join(low, low.id == Meeting.low_id)
        .join(high, high.id == Meeting.high_id)
        .where(Meeting.event_id == event.id)
    )
    zone = ZoneInfo(event.timezone or "UTC")
    yield "\ufeff"
    yield from _lines(
        MEETING_COLUMNS,
        (
            (
                m.id,
                m.met_at.astimezone(zone).isoformat(timespec="seconds"),
                _yes(m.mutual),
                *_person(m, "a", with_contacts),
                *_person(m, "b", with_contacts),
            )
            for m in _in_batches(session, query, (Meeting.met_at, Meeting.id))
        ),
    )


def _person(row, prefix: str, with_contacts: bool) -> tuple[str, str, str]:
    email = getattr(row, f"{prefix}_email")
    return (getattr(row, f"{prefix}_name"), getattr(row, f"{prefix}_company"), email if with_contacts else "")
