"""Read what emails need from the follow-up database, many attendees at a time.

`load_digests` answers for a whole batch of readers in a handful of queries (readers, their
meetings, the people on the other side, the readers' own notes, their followed-up marks), so
composing ten thousand emails costs a few hundred queries, not a few per email.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.followup.compose import EventInfo
from services.followup.digest import Contact, Digest, Person, build_digest, shared_interests
from services.followup.models import Attendee, Event, FollowedUp, Meeting, Note


def person(row: Attendee) -> Person:
    return Person(id=row.id, name=row.name, email=row.email, language=row.language, company=row.company,
                  title=row.title, headline=row.headline, interests=tuple(row.interests or ()),
                  consent_share_contact=row.consent_share_contact)


def event_info(session: Session, event_id: str) -> EventInfo | None:
    row = session.get(Event, event_id)
    return EventInfo(row.id, row.name) if row else None


def load_digests(session: Session, readers: Iterable[Attendee]) -> dict[str, Digest]:
    readers = {r.id: r for r in readers}
    if not readers:
        return {}
    ids = list(readers)
    meetings = session.scalars(sa.select(Meeting).where(sa.or_(Meeting.low_id.in_(ids),
                                                               Meeting.high_id.in_(ids)))).all()
    other_ids = {m.high_id if m.low_id in readers else m.low_id for m in meetings}
    other_ids |= {m.low_id for m in meetings if m.high_id in readers}
    people = {r.id: person(r) for r in readers.values()}
    missing = list(other_ids - people.keys())
    for start in range(0, len(missing), 500):
        for row in session.scalars(sa.select(Attendee).where(Attendee.id.in_(missing[start:start + 500]))):
            people[row.id] = person(row)
    notes: dict[tuple[str, str], list[Note]] = defaultdict(list)
    if meetings:
        for note in session.scalars(sa.select(Note).where(Note.meeting_id.in_([m.id for m in meetings]),
                                                          Note.scanner_id.in_(ids)).order_by(Note.scanned_at, Note.id)):
            notes[(note.scanner_id, note.meeting_id)].append(note)
    done = {(a, c) for a, c in session.execute(sa.select(FollowedUp.attendee_id, FollowedUp.contact_id).where(
        FollowedUp.attendee_id.in_(ids)))}

    contacts: dict[str, list[Contact]] = defaultdict(list)
    for m in meetings:
        for me, other, i_scanned, they_scanned in ((m.low_id, m.high_id, m.low_scanned, m.high_scanned),
                                                   (m.high_id, m.low_id, m.high_scanned, m.low_scanned)):
            if me not in readers or other not in people:
                continue  # an attendee we have not heard of yet (or erased) is left out, never half-shown
            mine = notes.get((me, m.id), [])
            them = people[other]
            contacts[me].append(Contact(
                person=them, i_scanned=i_scanned, they_scanned=they_scanned, met_at=m.first_met_at,
                notes=tuple(n.note for n in mine if n.note.strip()),
                tags=tuple(dict.fromkeys(t for n in mine for t in n.tags)),
                shared_interests=shared_interests(people[me].interests, them.interests),
                followed_up=(me, other) in done))
    lonely_events = {readers[r].event_id for r in ids if not contacts.get(r)}
    others = {event: [person(a) for a in session.scalars(sa.select(Attendee).where(
        Attendee.event_id == event, Attendee.consent_share_contact.is_(True)))] for event in lonely_events}
    return {r: build_digest(people[r], contacts.get(r, []), others.get(readers[r].event_id, []))
            for r in ids}
