"""Badge use cases. Each takes an open session, does one thing, and queues its bus events in the
outbox inside the same transaction; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.badge import datakeys, domain
from services.badge.domain import AttendeeDetails, BadgeError, EventDetails
from services.badge.event_mail import MailSettings, validate_mail_settings
from services.badge.meeting_point import validate_meeting_point
from services.badge.models import Attendee, Event
from shared import events as ev
from shared import identity, organizers
from shared.config import unreachable_by_phones
from shared.envelope import iso
from shared.outbox import add_to_outbox
from shared.tokens import InvalidToken
from shared.web import Conflict, NotFound


def check_printable(public_url: str, force: bool) -> None:
    """Refuse to print badges whose QR codes no phone can open, unless the organizer insists."""
    why = unreachable_by_phones(public_url)
    if why and not force:
        raise BadgeError(
            f"these badges' QR codes would open {public_url}, and phones cannot reach it ({why}). Set "
            f"RAPPORT_PUBLIC_URL to an address attendees' phones can open (on a local network, ./rapport up --lan "
            f"does it), or print anyway with force=1",
            code="public_url_unreachable",
            status=409,
            public_url=public_url,
        )


def event_details(event: Event) -> EventDetails:
    return EventDetails(
        event.name, event.venue, event.starts_at, event.ends_at, event.timezone, event.language
    )


def attendee_details(a: Attendee) -> AttendeeDetails:
    return AttendeeDetails(
        a.name,
        a.email,
        a.language,
        a.company,
        a.title,
        a.headline,
        tuple(a.interests),
        a.consent_followup,
        a.consent_share_contact,
        a.can_help_with,
        a.looking_for,
        a.consent_suggest,
    )


def get_event(session: Session, event_id: str) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"there is no event {event_id!r}", code="unknown_event")
    return event


def get_attendee(session: Session, attendee_id: str, event_id: str | None = None) -> Attendee:
    attendee = session.get(Attendee, attendee_id)
    if attendee is None:
        raise NotFound(f"there is no attendee {attendee_id!r}", code="unknown_attendee")
    if event_id is not None and attendee.event_id != event_id:
        raise NotFound(
            f"attendee {attendee_id!r} is not registered for event {event_id!r}", code="wrong_event"
        )
    return attendee


def list_attendees(session: Session, event_id: str, only: tuple[str, ...] | None = None) -> list[Attendee]:
    """The event's attendees in registration order (with `only`, just those of these ids)."""
    query = (
        sa.select(Attendee).where(Attendee.event_id == event_id).order_by(Attendee.created_at, Attendee.id)
    )
    if only is not None:
        query = query.where(Attendee.id.in_(only))
    return list(session.scalars(query))


def verify_badge(session: Session, signer, token: str, event_id: str) -> Attendee:
    """The attendee whose current badge this is; refuses forged, tampered, other-event and revoked ones."""
    try:
        claims = identity.read_token(signer, identity.BADGE, token, event_id=event_id)
    except InvalidToken as exc:
        raise BadgeError(f"this badge is not valid here: {exc}", code=exc.code, status=422) from None
    attendee = session.get(Attendee, claims.attendee_id)
    if attendee is None:
        raise BadgeError("this badge's attendee has been erased", code="revoked", status=410)
    if claims.serial != attendee.badge_serial:
        raise BadgeError("this badge was replaced by a reissued one", code="revoked", status=410)
    return attendee


def _event_message(cls, event: Event):
    return cls(
        event_id=event.id,
        name=event.name,
        venue=event.venue,
        starts_at=iso(event.starts_at),
        ends_at=iso(event.ends_at),
        timezone=event.timezone,
        language=event.language,
        contact_email=event.contact_email or "",
        followup_at=iso(event.followup_at) if event.followup_at else "",
        meeting_point=event.meeting_point or "",
        welcome=event.welcome or "on_registration",
        welcome_at=iso(event.welcome_at) if event.welcome_at else "",
    )


def _attendee_message(cls, a: Attendee):
    return cls(
        event_id=a.event_id,
        attendee_id=a.id,
        name=a.name,
        email=a.email,
        language=a.language,
        short_code=a.short_code,
        company=a.company,
        title=a.title,
        headline=a.headline,
        interests=tuple(a.interests),
        consent_followup=a.consent_followup,
        consent_share_contact=a.consent_share_contact,
        can_help_with=a.can_help_with,
        looking_for=a.looking_for,
        consent_suggest=a.consent_suggest,
        badge_serial=a.badge_serial,
        private_serial=a.private_serial,
    )


def _token_id(a: Attendee) -> str:
    return f"{a.id}.{a.badge_serial}"


def create_event(
    session: Session,
    details: EventDetails,
    mail: MailSettings = MailSettings(),
    meeting_point: str = "",
    creator_id: str | None = None,
) -> Event:
    """A new event; the organizer who creates it (None: the bootstrap admin) becomes its owner,
    here at once and in every other service through the bus."""
    event = Event(
        id=identity.new_event_id(), **details.__dict__, **mail.__dict__, meeting_point=meeting_point
    )
    session.add(event)
    session.flush()
    add_to_outbox(session, _event_message(ev.EventCreated, event))
    if creator_id and creator_id != organizers.NOBODY:
        organizers.record_grant(session, creator_id, event.id, "owner")
        add_to_outbox(
            session, ev.OrganizerAccessGranted(event_id=event.id, organizer_id=creator_id, role="owner")
        )
    return event


def update_event(session: Session, event_id: str, doc: object) -> Event:
    event = get_event(session, event_id)
    _refuse_if_closed(event)
    mail = validate_mail_settings(
        doc,
        MailSettings(
            event.contact_email or "", event.followup_at, event.welcome or "on_registration", event.welcome_at
        ),
    )
    event.meeting_point = validate_meeting_point(doc, event.meeting_point or "")
    for name, value in (
        domain.validate_event(doc, current=event_details(event)).__dict__ | mail.__dict__
    ).items():
        setattr(event, name, value)
    session.flush()
    add_to_outbox(session, _event_message(ev.EventUpdated, event))
    return event


def close_event(session: Session, event_id: str, now: datetime) -> Event:
    """Close the event (idempotent: closing a closed event changes nothing)."""
    event = get_event(session, event_id)
    if event.closed_at is None:
        event.closed_at = now
        add_to_outbox(session, ev.EventClosed(event_id=event.id, closed_at=iso(now)))
    return event


def close_ended_events(session: Session, now: datetime) -> list[str]:
    """Close every open event whose end time has passed; the ids closed."""
    ended = session.scalars(sa.select(Event.id).where(Event.closed_at.is_(None), Event.ends_at <= now)).all()
    for event_id in ended:
        close_event(session, event_id, now)
    return list(ended)


def _refuse_if_closed(event: Event) -> None:
    if event.closed_at is not None:
        raise Conflict(f"event {event.id!r} is closed", code="event_closed")


def _unused_short_code(session: Session, event_id: str, taken: set[str] | None = None) -> str:
    while True:
        code = identity.new_short_code()
        if taken is not None and code in taken:
            continue
        clash = session.scalar(
            sa.select(Attendee.id).where(Attendee.event_id == event_id, Attendee.short_code == code)
        )
        if clash is None:
            if taken is not None:
                taken.add(code)
            return code


def _add_attendee(
    session: Session, event: Event, details: AttendeeDetails, taken: set[str] | None = None
) -> Attendee:
    attendee = Attendee(
        id=identity.new_attendee_id(),
        event_id=event.id,
        short_code=_unused_short_code(session, event.id, taken),
        badge_serial=1,
        private_serial=1,
        **{**details.__dict__, "interests": list(details.interests)},
    )
    session.add(attendee)
    session.flush()
    add_to_outbox(
        session,
        _attendee_message(ev.AttendeeRegistered, attendee),
        keys={attendee.id: datakeys.new_key(session, attendee.id)},
    )
    add_to_outbox(
        session,
        ev.BadgeIssued(
            event_id=event.id,
            attendee_id=attendee.id,
            token_id=_token_id(attendee),
            short_code=attendee.short_code,
            serial=attendee.badge_serial,
        ),
    )
    return attendee


def register_attendee(session: Session, event_id: str, doc: object) -> Attendee:
    event = get_event(session, event_id)
    _refuse_if_closed(event)
    details = domain.validate_attendee(doc, event.language)
    existing = session.scalar(
        sa.select(Attendee.id).where(Attendee.event_id == event_id, Attendee.email == details.email)
    )
    if existing:
        raise Conflict(
            f"{details.email} is already registered for this event",
            code="duplicate_email",
            attendee_id=existing,
        )
    return _add_attendee(session, event, details)


def _apply(session: Session, attendee: Attendee, details: AttendeeDetails) -> bool:
    """Write `details` onto the attendee; whether anything changed (and was published)."""
    if details == attendee_details(attendee):
        return False
    for name, value in details.__dict__.items():
        setattr(attendee, name, list(value) if name == "interests" else value)
    session.flush()
    add_to_outbox(
        session,
        _attendee_message(ev.AttendeeUpdated, attendee),
        keys={attendee.id: datakeys.data_key(session, attendee.id)},
    )
    return True


def update_attendee(session: Session, attendee_id: str, doc: object, event_id: str | None = None) -> Attendee:
    attendee = get_attendee(session, attendee_id, event_id)
    if isinstance(doc, dict) and "email" in doc:
        clash = session.scalar(
            sa.select(Attendee.id).where(
                Attendee.event_id == attendee.event_id,
                Attendee.email == str(doc["email"]).strip().lower(),
                Attendee.id != attendee.id,
            )
        )
        if clash:
            raise Conflict(f"{doc['email']} is already registered for this event", code="duplicate_email")
    event = get_event(session, attendee.event_id)
    _apply(
        session, attendee, domain.validate_attendee(doc, event.language, current=attendee_details(attendee))
    )
    return attendee


def reissue_badge(session: Session, attendee_id: str) -> Attendee:
    """A lost badge: new token and short code; the old ones are refused from now on."""
    attendee = get_attendee(session, attendee_id)
    _refuse_if_closed(get_event(session, attendee.event_id))
    add_to_outbox(
        session,
        ev.BadgeRevoked(
            event_id=attendee.event_id,
            attendee_id=attendee.id,
            token_id=_token_id(attendee),
            reason="reissued",
        ),
    )
    attendee.badge_serial += 1
    attendee.short_code = _unused_short_code(session, attendee.event_id)
    session.flush()
    add_to_outbox(
        session,
        ev.BadgeIssued(
            event_id=attendee.event_id,
            attendee_id=attendee.id,
            token_id=_token_id(attendee),
            short_code=attendee.short_code,
            serial=attendee.badge_serial,
        ),
    )
    # Whoever found the lost badge may have its owner's phone too: the private link goes with it.
    _renew_private_link(session, attendee)
    return attendee


def renew_private_link(session: Session, attendee_id: str) -> Attendee:
    """A new private link: the old one, its scanner token and every phone's cookie made from them
    are refused in every service from now on (each learns the serial from the bus). Allowed after
    the close too: a leaked link still reads the attendee's notes."""
    attendee = get_attendee(session, attendee_id)
    _renew_private_link(session, attendee)
    return attendee


def _renew_private_link(session: Session, attendee: Attendee) -> None:
    attendee.private_serial += 1
    session.flush()
    add_to_outbox(
        session,
        ev.PrivateLinkRenewed(
            event_id=attendee.event_id, attendee_id=attendee.id, serial=attendee.private_serial
        ),
    )


def erase_attendee(session: Session, attendee_id: str) -> None:
    """Forget the attendee here, destroy their data key (every sealed copy of their data on the bus
    becomes unreadable), and tell every service to forget them too."""
    attendee = get_attendee(session, attendee_id)
    add_to_outbox(session, ev.AttendeeErased(event_id=attendee.event_id, attendee_id=attendee.id))
    datakeys.destroy(session, attendee.id)
    session.delete(attendee)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }


def import_attendees(session: Session, event_id: str, rows, progress=None) -> ImportResult:
    """Create or update (matched by email) one attendee per good row; list the bad ones.

    `rows` yields (line number, dict of fields). Everything is written in the caller's one
    transaction: the good rows all land, or, on a failure, none do.
    """
    event = get_event(session, event_id)
    _refuse_if_closed(event)
    existing = {a.email: a for a in session.scalars(sa.select(Attendee).where(Attendee.event_id == event_id))}
    taken = {a.short_code for a in existing.values()}
    seen: dict[str, int] = {}
    result = ImportResult()
    for line, doc in rows:
        if progress:
            progress(1)
        current = existing.get(str(doc.get("email", "")).strip().lower())
        try:
            details = domain.validate_attendee(
                doc, event.language, current=attendee_details(current) if current else None
            )
        except domain.InvalidInput as exc:
            result.rejected.append({"line": line, "reason": exc.detail, "errors": exc.errors})
            continue
        if details.email in seen:
            result.rejected.append({"line": line, "reason": f"same email as line {seen[details.email]}"})
            continue
        seen[details.email] = line
        attendee = existing.get(details.email)
        if attendee is None:
            existing[details.email] = _add_attendee(session, event, details, taken)
            result.created += 1
        elif _apply(session, attendee, details):
            result.updated += 1
        else:
            result.unchanged += 1
    return result
