"""My people from the scan service's tables: reading an attendee's list, and saving their edits.

An edit and its bus message (shared.events.NotesEdited, on rapport.scans) are written in one
transaction through the outbox, so the follow-up service's read model learns every edit, in order
of its revision, and its email uses the latest note.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.scan.directory import Person
from services.scan.domain import meeting_id
from services.scan.models import Attendee, Meeting, PersonNotes, Scan
from services.scan.people import Contact, Edit, EditNotes, ScanNote, current_notes
from shared import events as ev
from shared.envelope import iso
from shared.outbox import add_to_outbox
from shared.web import NotFound


def my_people(session: Session, me: Person, about: str | None = None) -> list[Contact]:
    """Everyone I met in my event (only `about`, if given), newest first; "they saved you" entries
    only for people who agree to share."""
    meetings = session.scalars(
        sa.select(Meeting).where(
            Meeting.event_id == me.event_id, sa.or_(Meeting.low_id == me.id, Meeting.high_id == me.id)
        )
    ).all()
    other_of = {(m.high_id if m.low_id == me.id else m.low_id): m for m in meetings}
    if about is not None:
        other_of = {about: other_of[about]} if about in other_of else {}
    if not other_of:
        return []
    people = {a.id: a for a in session.scalars(sa.select(Attendee).where(Attendee.id.in_(other_of)))}
    scans: dict[str, list[ScanNote]] = defaultdict(list)
    for s in session.execute(
        sa.select(Scan.scanned_id, Scan.client_scan_id, Scan.note, Scan.tags, Scan.scanned_at).where(
            Scan.scanner_id == me.id, Scan.scanned_id.in_(other_of)
        )
    ):
        scans[s.scanned_id].append(ScanNote(s.client_scan_id, s.note, tuple(s.tags), s.scanned_at))
    edits = {
        e.about_id: Edit(tuple(e.notes), tuple(e.tags), frozenset(e.replaces))
        for e in session.scalars(
            sa.select(PersonNotes).where(PersonNotes.owner_id == me.id, PersonNotes.about_id.in_(other_of))
        )
    }
    contacts = []
    for other_id, m in other_of.items():
        person = people.get(other_id)
        if person is None:
            continue  # not (yet, or no longer) in the read model: left out, never half-shown
        i_scanned, they_scanned = (
            (m.low_scanned, m.high_scanned) if m.low_id == me.id else (m.high_scanned, m.low_scanned)
        )
        if not i_scanned and not person.consent_share_contact:
            continue  # they saved me, but have not agreed to be shown
        notes, tags = current_notes(scans[other_id], edits.get(other_id))
        mine = [s.scanned_at for s in scans[other_id]]
        contacts.append(
            Contact(
                id=person.id,
                name=person.name,
                headline=person.headline,
                company=person.company,
                title=person.title,
                i_scanned=i_scanned,
                they_scanned=they_scanned,
                met_at=m.first_scanned_at,
                last_at=max(mine) if mine else m.first_scanned_at,
                notes=notes,
                tags=tags,
                email=person.email if person.consent_share_contact else "",
            )
        )
    return sorted(contacts, key=lambda c: (c.last_at, c.id), reverse=True)


def edit_notes(session: Session, me: Person, about: str, cmd: EditNotes, now: datetime) -> Contact:
    """Put `cmd`'s notes and tags in place of mine about `about`, and queue the bus message; the
    caller commits. NotFound for anyone not on my list (not met, another event's, unknown)."""
    if not my_people(session, me, about):
        raise NotFound("this person is not among the people you met", code="not_met")
    # One row per (me, them), locked for the edit: two edits at once get revisions one after the other.
    session.execute(
        insert(PersonNotes)
        .values(
            owner_id=me.id,
            about_id=about,
            event_id=me.event_id,
            notes=[],
            tags=[],
            replaces=[],
            revision=0,
            edited_at=now,
        )
        .on_conflict_do_nothing()
    )
    row = session.scalars(
        sa.select(PersonNotes)
        .where(PersonNotes.owner_id == me.id, PersonNotes.about_id == about)
        .with_for_update()
    ).one()
    contact = my_people(session, me, about)[0]  # read under the lock: what a partial edit keeps
    replaces = session.scalars(
        sa.select(Scan.client_scan_id)
        .where(Scan.scanner_id == me.id, Scan.scanned_id == about)
        .order_by(Scan.id)
    ).all()
    row.notes = list(contact.notes if cmd.notes is None else cmd.notes)
    row.tags = list(contact.tags if cmd.tags is None else cmd.tags)
    row.replaces, row.revision, row.edited_at = list(replaces), row.revision + 1, now
    add_to_outbox(
        session,
        ev.NotesEdited(
            event_id=me.event_id,
            meeting_id=meeting_id(me.event_id, me.id, about),
            scanner=me.id,
            scanned=about,
            revision=row.revision,
            edited_at=iso(now),
            notes=tuple(row.notes),
            tags=tuple(row.tags),
            replaces=tuple(replaces),
        ),
        keys=_data_keys(session, me.id, about),
    )
    return replace(contact, notes=tuple(row.notes), tags=tuple(row.tags))


def _data_keys(session: Session, *attendee_ids: str) -> dict[str, bytes | None]:
    """Their data keys from the read model: the edit is sealed when both have one (shared.sealing)."""
    query = sa.select(Attendee.id, Attendee.data_key).where(Attendee.id.in_(attendee_ids))
    return {attendee_id: key for attendee_id, key in session.execute(query)}
