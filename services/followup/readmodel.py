"""The follow-up service's read model, kept from rapport.events, rapport.attendees and rapport.scans
(scans, and the notes their scanners edited later in My people).

Every handler is idempotent by its natural key as well as by message id (shared.consumer), so a
replayed topic, or the same scan arriving twice, changes nothing. Topics are read independently:
a scan may arrive before the attendees it names, so nothing here assumes an order across topics.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.followup import delivery
from services.followup.models import Attendee, Delivery, Erased, Event, FollowedUp, Meeting, Note, NoteEdit
from shared import events as ev
from shared.envelope import Envelope, parse_iso, utc_now

PROFILE_FIELDS = (
    "event_id",
    "name",
    "email",
    "language",
    "company",
    "title",
    "headline",
    "consent_followup",
    "consent_share_contact",
)


def apply_event(session: Session, event: ev.Event, envelope: Envelope) -> None:
    if isinstance(event, (ev.EventCreated, ev.EventUpdated)):
        row = session.get(Event, event.event_id) or Event(id=event.event_id)
        row.name, row.venue, row.language, row.timezone = (
            event.name,
            event.venue,
            event.language,
            event.timezone,
        )
        row.contact_email = event.contact_email
        row.followup_at = parse_iso(event.followup_at) if event.followup_at else None
        row.welcome, row.welcome_at = event.welcome, parse_iso(event.welcome_at) if event.welcome_at else None
        session.merge(row)
    elif isinstance(event, ev.EventClosed):
        row = session.get(Event, event.event_id) or Event(
            id=event.event_id, name="", venue="", language="en", timezone="UTC", contact_email=""
        )
        row.closed_at = parse_iso(event.closed_at)
        session.merge(row)
    elif isinstance(event, (ev.AttendeeRegistered, ev.AttendeeUpdated)):
        if session.get(Erased, event.attendee_id):
            return
        touch(session, event.event_id)
        row = session.get(Attendee, event.attendee_id) or Attendee(id=event.attendee_id)
        for name in PROFILE_FIELDS:
            setattr(row, name, getattr(event, name))
        row.interests = list(event.interests)
        # Serials only grow: a message from a writer that did not send them (1) never undoes a reissue.
        row.short_code = event.short_code
        row.badge_serial = max(row.badge_serial or 1, event.badge_serial)
        row.private_serial = max(row.private_serial or 1, event.private_serial)
        if (
            isinstance(event, ev.AttendeeRegistered)
            and not isinstance(event, ev.AttendeeUpdated)
            and row.registered_at is None
        ):
            row.registered_at = parse_iso(envelope.occurred_at)
        session.merge(row)
    elif isinstance(event, ev.BadgeIssued):
        row = session.get(Attendee, event.attendee_id)
        if row is not None and (event.serial == 0 or event.serial >= (row.badge_serial or 1)):
            row.short_code = event.short_code
            row.badge_serial = max(row.badge_serial or 1, event.serial)
    elif isinstance(event, ev.PrivateLinkRenewed):  # a welcome resent from now on carries the new link
        row = session.get(Attendee, event.attendee_id)
        if row is not None:
            row.private_serial = max(row.private_serial or 1, event.serial)
    elif isinstance(event, ev.ScanRecorded):
        touch(session, event.event_id)
        record_meeting(session, event, parse_iso(envelope.occurred_at))
    elif isinstance(event, ev.NotesEdited):
        touch(session, event.event_id)
        apply_notes_edited(session, event)
    elif isinstance(event, ev.AttendeeErased):
        erase(session, event.attendee_id)
    elif isinstance(event, ev.SigninRequested):  # the mail outbox, not the read model: sent by the sender
        if not session.get(Erased, event.attendee_id):
            delivery.queue_signin(session, event, utc_now())


def touch(session: Session, event_id: str) -> None:
    """Note that the event's people or meetings changed just now (see Event.changed_at)."""
    session.execute(sa.update(Event).where(Event.id == event_id).values(changed_at=utc_now()))


def record_meeting(session: Session, scan: ev.ScanRecorded, recorded_at=None) -> None:
    if session.scalar(
        sa.select(sa.func.count())
        .select_from(Erased)
        .where(Erased.attendee_id.in_((scan.scanner, scan.scanned)))
    ):
        return  # one of them asked to be forgotten; a late or replayed scan must not bring them back
    low, high = sorted((scan.scanner, scan.scanned))
    met_at = parse_iso(scan.scanned_at)
    meeting = session.get(Meeting, scan.meeting_id)
    if meeting is None:
        meeting = Meeting(
            id=scan.meeting_id,
            event_id=scan.event_id,
            low_id=low,
            high_id=high,
            low_scanned=False,
            high_scanned=False,
            first_met_at=met_at,
        )
        session.add(meeting)
    meeting.low_scanned = meeting.low_scanned or scan.scanner == low
    meeting.high_scanned = meeting.high_scanned or scan.scanner == high
    meeting.first_met_at = min(meeting.first_met_at, met_at)
    exists = session.scalar(
        sa.select(Note.id).where(Note.scanner_id == scan.scanner, Note.client_scan_id == scan.client_scan_id)
    )
    if exists is None:
        session.add(
            Note(
                meeting_id=scan.meeting_id,
                scanner_id=scan.scanner,
                client_scan_id=scan.client_scan_id,
                note=scan.note,
                tags=list(scan.tags),
                scanned_at=met_at,
                recorded_at=recorded_at,
            )
        )


# The client_scan_id prefix of the notes an edit wrote: "#" is never in a phone's own ids.
EDITED = "#edit:"


def apply_notes_edited(session: Session, edit: ev.NotesEdited) -> None:
    """Put the scanner's edited notes and tags in place of the scans the edit replaces.

    Those scans' rows stay, emptied, so their scan.recorded arriving again (a replay) is still
    recognised by its natural key and adds nothing; the edit's own text goes in rows of its own
    (`edit:<revision>:<n>`), replacing an earlier edit's. Scans the edit does not name keep their note.
    """
    if session.scalar(
        sa.select(sa.func.count())
        .select_from(Erased)
        .where(Erased.attendee_id.in_((edit.scanner, edit.scanned)))
    ):
        return
    key = {"scanner_id": edit.scanner, "meeting_id": edit.meeting_id}
    last = session.get(NoteEdit, key, with_for_update=True)
    if last is not None and last.revision >= edit.revision:
        return  # this edit, or a newer one, is already in
    if last is None:
        session.add(NoteEdit(**key, revision=edit.revision))
    else:
        last.revision = edit.revision
    mine = sa.and_(Note.scanner_id == edit.scanner, Note.meeting_id == edit.meeting_id)
    session.execute(sa.delete(Note).where(mine, Note.client_scan_id.startswith(EDITED, autoescape=True)))
    replaced = {
        n.client_scan_id: n
        for n in session.scalars(
            sa.select(Note).where(Note.scanner_id == edit.scanner, Note.client_scan_id.in_(edit.replaces))
        )
    }
    edited_at = parse_iso(edit.edited_at)
    for client_scan_id in edit.replaces:
        note = replaced.get(client_scan_id)
        if note is None:  # not seen yet: a tombstone, so the scan cannot add its old note later
            session.add(
                Note(
                    meeting_id=edit.meeting_id,
                    scanner_id=edit.scanner,
                    client_scan_id=client_scan_id,
                    note="",
                    tags=[],
                    scanned_at=edited_at,
                )
            )
        else:
            note.note, note.tags = "", []
    # Before the scans made after the edit: at the time of the first scan it rewrites.
    first = min((n.scanned_at for n in replaced.values()), default=edited_at)
    texts = list(edit.notes) or [""]  # tags without notes still need a row to live in
    for i, text in enumerate(texts):
        if text or edit.tags:
            session.add(
                Note(
                    meeting_id=edit.meeting_id,
                    scanner_id=edit.scanner,
                    client_scan_id=f"{EDITED}{edit.revision}:{i}",
                    note=text,
                    tags=list(edit.tags) if i == 0 else [],
                    scanned_at=first,
                )
            )


def erase(session: Session, attendee_id: str) -> None:
    """Forget the person: their profile, their meetings (and so every note about them), their marks
    and their queued mail. Only the bare id stays, as a tombstone."""
    meetings = sa.select(Meeting.id).where(
        sa.or_(Meeting.low_id == attendee_id, Meeting.high_id == attendee_id)
    )
    session.execute(
        sa.delete(Note).where(sa.or_(Note.meeting_id.in_(meetings), Note.scanner_id == attendee_id))
    )
    session.execute(
        sa.delete(NoteEdit).where(
            sa.or_(NoteEdit.meeting_id.in_(meetings), NoteEdit.scanner_id == attendee_id)
        )
    )
    session.execute(
        sa.delete(Meeting).where(sa.or_(Meeting.low_id == attendee_id, Meeting.high_id == attendee_id))
    )
    session.execute(
        sa.delete(FollowedUp).where(
            sa.or_(FollowedUp.attendee_id == attendee_id, FollowedUp.contact_id == attendee_id)
        )
    )
    session.execute(sa.delete(Delivery).where(Delivery.attendee_id == attendee_id))
    session.execute(sa.delete(Attendee).where(Attendee.id == attendee_id))
    if not session.get(Erased, attendee_id):
        session.add(Erased(attendee_id=attendee_id))


READ_MODEL_TYPES = (
    "event.created",
    "event.updated",
    "event.closed",
    "attendee.registered",
    "attendee.updated",
    "attendee.erased",
    "badge.issued",
    "scan.recorded",
    "notes.edited",
    "private_link.renewed",
    "signin.requested",
)
