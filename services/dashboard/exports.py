"""CSV exports of an event's attendees and meetings, for spreadsheets.

Contact details (email) appear only for people who agreed to share them (consent_share_contact);
everyone else's cell is empty. Names come from attendees, not from us, so no cell may run as a
formula in any spreadsheet: a formula character (= + - @, tab or carriage return) at the start of
a cell or right after a separator (, ; tab |) gets an apostrophe before it, and a cell holding any
separator is quoted. Spreadsheets set to split on semicolons (common where the decimal mark is a
comma) would otherwise read `x;=1+1` as two cells, the second a formula.
Rows stream from the database a batch at a time, so a 100,000-meeting export stays small in memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from services.dashboard.models import Attendee, Meeting
from shared.envelope import iso

ATTENDEE_COLUMNS = (
    "id",
    "name",
    "email",
    "company",
    "title",
    "headline",
    "interests",
    "language",
    "meetings",
    "shares_contact",
)
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
PERSON = ("id", "name", "company", "email", "consent_share_contact")  # what both exports say of a person


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


def _email(person) -> str:
    return person.email if person.consent_share_contact else ""


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


def attendees_csv(session: Session, event_id: str) -> Iterator[str]:
    query = sa.select(
        *(getattr(Attendee, c) for c in PERSON),
        Attendee.title,
        Attendee.headline,
        Attendee.interests,
        Attendee.language,
        Attendee.meetings,
    ).where(Attendee.event_id == event_id, Attendee.registered)
    rows = _in_batches(session, query, (Attendee.name, Attendee.id))
    yield "\ufeff"  # a byte-order mark, so spreadsheet programs read Arabic names as UTF-8
    yield from _lines(
        ATTENDEE_COLUMNS,
        (
            (
                a.id,
                a.name,
                _email(a),
                a.company,
                a.title,
                a.headline,
                "; ".join(a.interests),
                a.language,
                a.meetings,
                "yes" if a.consent_share_contact else "no",
            )
            for a in rows
        ),
    )


def meetings_csv(session: Session, event_id: str) -> Iterator[str]:
    low, high = aliased(Attendee), aliased(Attendee)
    side = lambda who, prefix: [getattr(who, c).label(f"{prefix}_{c}") for c in PERSON]  # noqa: E731
    query = (
        sa.select(Meeting.id, Meeting.met_at, Meeting.mutual, *side(low, "a"), *side(high, "b"))
        .join(low, low.id == Meeting.low_id)
        .join(high, high.id == Meeting.high_id)
        .where(Meeting.event_id == event_id)
    )
    yield "\ufeff"
    yield from _lines(
        MEETING_COLUMNS,
        (
            (m.id, iso(m.met_at), "yes" if m.mutual else "no", *_person(m, "a"), *_person(m, "b"))
            for m in _in_batches(session, query, (Meeting.met_at, Meeting.id))
        ),
    )


def _person(row, prefix: str) -> tuple[str, str, str]:
    shares = getattr(row, f"{prefix}_consent_share_contact")
    return (
        getattr(row, f"{prefix}_name"),
        getattr(row, f"{prefix}_company"),
        getattr(row, f"{prefix}_email") if shares else "",
    )
