"""Read what emails need from the follow-up database, many attendees at a time.

`load_digests` answers for a whole batch of readers in a handful of queries (their meetings, the
people on the other side, the readers' own notes, their followed-up marks), so composing ten
thousand emails costs a few hundred queries, not a few per email. It reads plain rows (SQLAlchemy
Core), not ORM objects: a batch touches tens of thousands of rows and needs no identity map.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from services.followup.compose import EventInfo
from services.followup.custom import Wording
from services.followup.digest import Contact, Digest, Person, build_digest, shared_interests
from services.followup.models import Attendee, CustomWording, Delivery, Event, FollowedUp, Meeting, Note
from shared.events import WELCOME_CAMPAIGN

A = Attendee.__table__.c
ATTENDEE_COLUMNS = (
    A.id,
    A.event_id,
    A.name,
    A.email,
    A.language,
    A.company,
    A.title,
    A.headline,
    A.interests,
    A.consent_followup,
    A.consent_share_contact,
    A.unsubscribed_at,
    A.short_code,
    A.badge_serial,
    A.private_serial,
)
CHUNK = 500  # ids per IN (...) list


def person(row) -> Person:
    """A Person from an attendee row (Core row or ORM object: the same attributes)."""
    return Person(
        id=row.id,
        name=row.name,
        email=row.email,
        language=row.language,
        company=row.company,
        title=row.title,
        headline=row.headline,
        interests=tuple(row.interests or ()),
        consent_share_contact=row.consent_share_contact,
    )


def event_info(session: Session, event_id: str) -> EventInfo | None:
    row = session.get(Event, event_id)
    if row is None:
        return None
    own = {
        w.language: Wording(w.subject, w.opening, w.signature)
        for w in session.scalars(sa.select(CustomWording).where(CustomWording.event_id == event_id))
    }
    return EventInfo(row.id, row.name, row.contact_email, own)


def _late(notes, last_sent_at) -> bool:
    """The reader's first scan of them reached the server after the last email they were sent."""
    arrived = [x.recorded_at for x in notes if x.recorded_at is not None]
    return bool(last_sent_at and arrived and min(arrived) > last_sent_at)


def chunked(session: Session, ids: Sequence[str], query: Callable[[list[str]], sa.Select]) -> list[sa.Row]:
    """The rows of `query(part)` for each CHUNK of `ids` in turn (arrays stay short), fetched at once."""
    ids = list(ids)
    return [
        row
        for start in range(0, len(ids), CHUNK)
        for row in session.execute(query(ids[start : start + CHUNK])).all()
    ]


def among(column, ids: list[str]) -> sa.ColumnElement[bool]:
    """`column = ANY(:ids)`, the ids as one array parameter: the same statement whatever their number,
    so it is compiled and parsed once, where an IN list of 500 was rendered and parsed anew each time."""
    return column == sa.any_(sa.bindparam(None, ids, type_=ARRAY(sa.String), unique=True))


def attendee_rows(session: Session, ids: Sequence[str]) -> dict[str, sa.Row]:
    return {
        row.id: row
        for row in chunked(session, ids, lambda part: sa.select(*ATTENDEE_COLUMNS).where(among(A.id, part)))
    }


def load_digests(
    session: Session,
    readers: Iterable,
    best_matches: Callable[[str, list[str]], dict[str, list[tuple[str, str]]]] | None = None,
) -> dict[str, Digest]:
    """The digest of every reader (attendee rows or ORM objects); `best_matches` (bestmatches.py)
    names, for readers who met nobody, whom the match service would have them meet."""
    readers = {r.id: r for r in readers}
    if not readers:
        return {}
    ids = list(readers)
    m = Meeting.__table__.c
    meetings = chunked(
        session,
        ids,
        lambda part: sa.select(
            m.id, m.low_id, m.high_id, m.low_scanned, m.high_scanned, m.first_met_at
        ).where(sa.or_(among(m.low_id, part), among(m.high_id, part))),
    )
    meetings = list({row.id: row for row in meetings}.values())  # a meeting between two readers comes twice
    people = {r.id: person(r) for r in readers.values()}
    other_ids = {row.low_id for row in meetings} | {row.high_id for row in meetings}
    people.update({i: person(r) for i, r in attendee_rows(session, other_ids - people.keys()).items()})

    n = Note.__table__.c
    notes: dict[tuple[str, str], list] = defaultdict(list)
    for row in chunked(
        session,
        ids,
        lambda part: (
            sa.select(n.meeting_id, n.scanner_id, n.note, n.tags, n.recorded_at)
            .where(among(n.scanner_id, part))
            .order_by(n.scanned_at, n.id)
        ),
    ):
        notes[(row.scanner_id, row.meeting_id)].append(row)
    # A meeting is late when it arrived after the reader's last email (the follow-up, or a nudge
    # that already told them "you also met"): the next email tells it, and only that one. The
    # welcome, sent before the event, says nothing of meetings and does not count.
    d = Delivery.__table__.c
    followed_at = dict(
        chunked(
            session,
            ids,
            lambda part: (
                sa.select(d.attendee_id, sa.func.max(d.sent_at))
                .where(among(d.attendee_id, part), d.status == "sent", d.campaign != WELCOME_CAMPAIGN)
                .group_by(d.attendee_id)
            ),
        )
    )
    f = FollowedUp.__table__.c
    done = {
        (a, c)
        for a, c in chunked(
            session,
            ids,
            lambda part: sa.select(f.attendee_id, f.contact_id).where(among(f.attendee_id, part)),
        )
    }

    contacts: dict[str, list[Contact]] = defaultdict(list)
    for row in meetings:
        for me, other, i_scanned, they_scanned in (
            (row.low_id, row.high_id, row.low_scanned, row.high_scanned),
            (row.high_id, row.low_id, row.high_scanned, row.low_scanned),
        ):
            if me not in readers or other not in people:
                continue  # an attendee we have not heard of yet (or erased) is left out, never half-shown
            mine = notes.get((me, row.id), ())
            them = people[other]
            contacts[me].append(
                Contact(
                    person=them,
                    i_scanned=i_scanned,
                    they_scanned=they_scanned,
                    met_at=row.first_met_at,
                    notes=tuple(x.note for x in mine if x.note.strip()),
                    tags=tuple(dict.fromkeys(t for x in mine for t in x.tags)),
                    shared_interests=shared_interests(people[me].interests, them.interests),
                    followed_up=(me, other) in done,
                    late=_late(mine, followed_at.get(me)),
                )
            )
    others = {}  # per event, for readers who met nobody: the people there who share their contact
    matches: dict[str, list[tuple[str, str]]] = {}
    for event in {readers[r].event_id for r in ids if not contacts.get(r)}:
        others[event] = [
            person(row)
            for row in session.execute(
                sa.select(*ATTENDEE_COLUMNS).where(A.event_id == event, A.consent_share_contact.is_(True))
            )
        ]
        if best_matches is not None:
            alone = [r for r in ids if readers[r].event_id == event and not contacts.get(r)]
            matches.update(best_matches(event, alone))
    return {
        r: build_digest(
            people[r], contacts.get(r, []), others.get(readers[r].event_id, []), matches.get(r, ())
        )
        for r in ids
    }
