"""The read model: each bus event's effect on the dashboard's tables, idempotent by construction.

The consumer (consumer.py) runs `apply_event` once per message id; on top of that, a meeting is
recognised by its meeting id (repeat scans, the second person's scan), a follow-up by attendee
and campaign, so even an event replayed under a new message id changes nothing twice. Topics are
not ordered with one another: a scan may come before its people's registrations (it leaves
placeholders the registration fills in), and an erasure before a late scan (a tombstone keeps
the late scan out).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.dashboard.models import (
    Attendee,
    AttendeeInterest,
    ErasedAttendee,
    Event,
    FollowedUp,
    Followup,
    Meeting,
    MeetingBucket,
)
from shared import events as ev
from shared.envelope import Envelope, parse_iso

BUCKET_MINUTES = 10
FOLLOWUP_STATUS = {
    ev.FollowupQueued: "queued",
    ev.FollowupSent: "sent",
    ev.FollowupFailed: "failed",
    ev.FollowupDeferred: "deferred",
    ev.FollowupSkipped: "skipped",
    ev.FollowupUnsubscribed: "unsubscribed",
}
READ_MODEL_TYPES = (
    "event.created",
    "event.updated",
    "event.closed",
    "attendee.registered",
    "attendee.updated",
    "attendee.erased",
    "badge.issued",
    "scan.recorded",
    "followup.queued",
    "followup.sent",
    "followup.failed",
    "followup.deferred",
    "followup.skipped",
    "followup.unsubscribed",
    "followup.followed_up",
)


def fold(interest: str) -> str:
    """An interest as matched: case and spacing ignored ("Coffee  roasting" is "coffee roasting")."""
    return " ".join(interest.split()).casefold()[:40]


def bucket_start(moment: datetime) -> datetime:
    return moment.replace(minute=moment.minute - moment.minute % BUCKET_MINUTES, second=0, microsecond=0)


def upsert(
    session: Session,
    model,
    values: dict | list[dict],
    update: dict | None = None,
    keys: tuple[str, ...] = ("id",),
    returning=None,
):
    """INSERT ... ON CONFLICT: DO NOTHING, or DO UPDATE SET `update` (values may use `excluded`).
    Written against the table, not the mapped class: the consumer runs this for every message."""
    stmt = insert(model.__table__).values(values)
    if update is None:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    else:
        set_ = {name: value(stmt.excluded) if callable(value) else value for name, value in update.items()}
        stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=set_)
    return session.execute(stmt.returning(returning) if returning is not None else stmt)


def tick(session: Session, event_id: str) -> int:
    """The event's next version, taken under its row's lock (the row is made if this is its first news)."""
    events = Event.__table__
    bump = (
        sa.update(events)
        .where(events.c.id == event_id)
        .values(version=events.c.version + 1)
        .returning(events.c.version)
    )
    version = session.execute(bump).scalar_one_or_none()
    if version is None:
        upsert(session, Event, {"id": event_id})
        version = session.execute(bump).scalar_one()
    return version


def erased(session: Session, *attendee_ids: str) -> bool:
    return session.scalar(sa.select(sa.func.count()).where(ErasedAttendee.id.in_(attendee_ids))) > 0


def apply_event(session: Session, event: ev.Event, envelope: Envelope) -> None:
    """Bring the read model up to date with one bus event."""
    for kind, apply in APPLY:
        if isinstance(event, kind):
            apply(session, event, envelope)
            return


def _event_details(session: Session, event: ev.EventCreated, _envelope) -> None:
    fields = dict(
        name=event.name,
        venue=event.venue,
        starts_at=parse_iso(event.starts_at),
        ends_at=parse_iso(event.ends_at),
        timezone=event.timezone,
        language=event.language,
    )
    upsert(session, Event, {"id": event.event_id, **fields}, update=fields)


def _event_closed(session: Session, event: ev.EventClosed, _envelope) -> None:
    upsert(session, Event, {"id": event.event_id})
    session.execute(
        sa.update(Event).where(Event.id == event.event_id).values(closed_at=parse_iso(event.closed_at))
    )


def _attendee(session: Session, event: ev.AttendeeRegistered, _envelope) -> None:
    if erased(session, event.attendee_id):
        return
    fields = dict(
        name=event.name,
        email=event.email,
        company=event.company,
        title=event.title,
        headline=event.headline,
        interests=list(event.interests),
        language=event.language,
        short_code=event.short_code,
        consent_followup=event.consent_followup,
        consent_share_contact=event.consent_share_contact,
        can_help_with=event.can_help_with,
        looking_for=event.looking_for,
        consent_suggest=event.consent_suggest,
        registered=True,
    )
    seq = tick(session, event.event_id)
    upsert(
        session,
        Attendee,
        {"id": event.attendee_id, "event_id": event.event_id, "seq": seq, **fields},
        update={**fields, "seq": seq},
    )
    session.execute(sa.delete(AttendeeInterest).where(AttendeeInterest.attendee_id == event.attendee_id))
    folded = {fold(i) for i in event.interests} - {""}
    if folded:
        session.execute(
            sa.insert(AttendeeInterest),
            [
                {"attendee_id": event.attendee_id, "interest": i, "event_id": event.event_id}
                for i in sorted(folded)
            ],
        )


def _badge_issued(session: Session, event: ev.BadgeIssued, _envelope) -> None:
    """A reissued badge comes with a new short code: the one organizers search by."""
    session.execute(
        sa.update(Attendee).where(Attendee.id == event.attendee_id).values(short_code=event.short_code)
    )


def _bucket(session: Session, event_id: str, moment: datetime, meetings: int, mutual: int) -> None:
    table = MeetingBucket.__table__.c
    upsert(
        session,
        MeetingBucket,
        {"event_id": event_id, "starts_at": bucket_start(moment), "meetings": meetings, "mutual": mutual},
        update={
            "meetings": lambda new: table.meetings + new.meetings,
            "mutual": lambda new: table.mutual + new.mutual,
        },
        keys=("event_id", "starts_at"),
    )


def _scan(session: Session, event: ev.ScanRecorded, _envelope) -> None:
    if erased(session, event.scanner, event.scanned):
        return
    low, high = sorted((event.scanner, event.scanned))
    at = parse_iso(event.scanned_at)
    seq = tick(session, event.event_id)
    people = Attendee.__table__.c
    upsert(
        session, Attendee, [{"id": person, "event_id": event.event_id, "seq": seq} for person in (low, high)]
    )
    latest = sa.case(
        (
            sa.and_(
                people.id == event.scanner, sa.or_(people.last_scan_at.is_(None), people.last_scan_at < at)
            ),
            at,
        ),
        else_=people.last_scan_at,
    )
    new = upsert(
        session,
        Meeting,
        {
            "id": event.meeting_id,
            "event_id": event.event_id,
            "low_id": low,
            "high_id": high,
            "mutual": event.mutual,
            "low_scanned": event.scanner == low,
            "high_scanned": event.scanner == high,
            "met_at": at,
            "seq": seq,
        },
        returning=Meeting.__table__.c.id,
    ).first()
    if new is not None:  # the pair's first meeting; most scans are
        _bucket(session, event.event_id, at, 1, int(event.mutual))
        session.execute(
            sa.update(Attendee.__table__)
            .where(people.id.in_((low, high)))
            .values(meetings=people.meetings + 1, seq=seq, last_scan_at=latest)
        )
        return
    session.execute(
        sa.update(Attendee.__table__).where(people.id == event.scanner).values(last_scan_at=latest)
    )
    meeting = session.get(Meeting, event.meeting_id)
    was_mutual, was_at = meeting.mutual, meeting.met_at
    if event.scanner == low:
        meeting.low_scanned = True
    else:
        meeting.high_scanned = True
    # The second person's scan makes it mutual; the flag says so too (their scan may be the one lost).
    meeting.mutual = was_mutual or event.mutual or (meeting.low_scanned and meeting.high_scanned)
    if at < was_at:  # an offline phone synced a scan older than the one we had: the meeting moves back
        meeting.met_at = at
        _bucket(session, event.event_id, was_at, -1, -int(was_mutual))
        _bucket(session, event.event_id, at, 1, int(meeting.mutual))
    elif meeting.mutual != was_mutual:
        _bucket(session, event.event_id, was_at, 0, 1)
    if meeting.mutual != was_mutual:
        meeting.seq = seq


def _erased(session: Session, event: ev.AttendeeErased, _envelope) -> None:
    """Delete what we hold about the person; the counts of those they met go down with it."""
    gone = event.attendee_id
    upsert(session, ErasedAttendee, {"id": gone})
    met = session.scalars(
        sa.select(Meeting).where(sa.or_(Meeting.low_id == gone, Meeting.high_id == gone))
    ).all()
    seq = tick(session, event.event_id)
    others = [m.high_id if m.low_id == gone else m.low_id for m in met]
    for start in range(0, len(others), 500):
        session.execute(
            sa.update(Attendee)
            .where(Attendee.id.in_(others[start : start + 500]))
            .values(meetings=Attendee.meetings - 1, seq=seq)
        )
    for (moment, mutual), count in Counter((bucket_start(m.met_at), m.mutual) for m in met).items():
        _bucket(session, event.event_id, moment, -count, -count if mutual else 0)
    session.execute(sa.delete(Meeting).where(sa.or_(Meeting.low_id == gone, Meeting.high_id == gone)))
    session.execute(sa.delete(AttendeeInterest).where(AttendeeInterest.attendee_id == gone))
    session.execute(sa.delete(Followup).where(Followup.attendee_id == gone))
    session.execute(
        sa.delete(FollowedUp).where(sa.or_(FollowedUp.attendee_id == gone, FollowedUp.contact_id == gone))
    )
    session.execute(sa.delete(Attendee).where(Attendee.id == gone))
    session.execute(sa.update(Event).where(Event.id == event.event_id).values(reset_version=seq))


def _followup(session: Session, event: ev.FollowupEvent, envelope: Envelope) -> None:
    if erased(session, event.attendee_id):
        return
    status = FOLLOWUP_STATUS[type(event)]
    row = session.get(Followup, (event.attendee_id, event.campaign))
    if row is not None and row.status == "unsubscribed":
        return  # nothing more goes to someone who said stop
    values = {
        "event_id": event.event_id,
        "status": status,
        "reason": getattr(event, "reason", "")[:300],
        "updated_at": parse_iso(envelope.occurred_at),
    }
    upsert(
        session,
        Followup,
        {"attendee_id": event.attendee_id, "campaign": event.campaign, **values},
        update=values,
        keys=("attendee_id", "campaign"),
    )


def _followed_up(session: Session, event: ev.FollowupFollowedUp, envelope: Envelope) -> None:
    if erased(session, event.attendee_id, event.contact):
        return
    upsert(
        session,
        FollowedUp,
        {
            "attendee_id": event.attendee_id,
            "contact_id": event.contact,
            "campaign": event.campaign,
            "event_id": event.event_id,
            "at": parse_iso(envelope.occurred_at),
        },
        keys=("attendee_id", "contact_id"),
    )


# Matched with isinstance, in order: EventUpdated is an EventCreated, AttendeeUpdated an
# AttendeeRegistered, and FollowupFollowedUp must come before the FollowupEvent it extends.
APPLY = (
    (ev.EventCreated, _event_details),
    (ev.EventClosed, _event_closed),
    (ev.AttendeeRegistered, _attendee),
    (ev.AttendeeErased, _erased),
    (ev.BadgeIssued, _badge_issued),
    (ev.ScanRecorded, _scan),
    (ev.FollowupFollowedUp, _followed_up),
    (ev.FollowupEvent, _followup),
)
