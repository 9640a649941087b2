"""Scan use cases: who is scanning, whom they scanned, recording the meeting; and the read model.

Checks run against the in-memory read model (directory.py); the write goes through the
group-commit writer (writer.py), so a scan costs a share of one transaction, not one of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.scan.directory import Directory, Person
from services.scan.domain import RecordScan, ScanError, check_scan_time, meeting_id, what_was_scanned
from services.scan.models import Attendee, DirectoryState, Event, Meeting, PersonNotes, Scan, SigninLink
from services.scan.writer import Pending, ScanWriter, Written
from shared import events as ev
from shared import identity
from shared.envelope import Envelope, parse_iso
from shared.tokens import InvalidToken, TokenSigner
from shared.web import Unauthorized


@dataclass(frozen=True)
class ScanRules:
    grace: timedelta  # scans still count this long after the event closes (the writer keeps the rate limit)


def identify_scanner(directory: Directory, signer: TokenSigner, token: str) -> Person:
    """The attendee a private token belongs to; 401 for anything else."""
    try:
        claims = identity.read_token(signer, identity.PRIVATE, token)
    except InvalidToken as exc:
        raise Unauthorized(f"this is not a scanner token: {exc}", code="bad_scanner_token") from None
    scanner = directory.person(claims.attendee_id)
    if scanner is None or scanner.event_id != claims.event_id:
        raise Unauthorized("this scanner token's attendee is not known (yet)", code="unknown_scanner")
    try:
        identity.refuse_replaced(claims, scanner.private_serial)
    except InvalidToken as exc:
        raise Unauthorized(
            f"{exc}: open the newest link, or ask for a sign-in link by email", code=exc.code
        ) from None
    return scanner


def badge_holder(
    directory: Directory, signer: TokenSigner, token: str, event_id: str | None = None
) -> Person:
    """The attendee whose current badge carries `token`; refuses forged, other-event, revoked ones."""
    try:
        claims = identity.read_token(signer, identity.BADGE, token, event_id=event_id)
    except InvalidToken as exc:
        code = exc.code if exc.code == "other_event" else "forged"
        raise ScanError(f"this badge is not valid here: {exc}", code=code) from None
    holder = directory.person(claims.attendee_id)
    if holder is None:
        raise ScanError("this badge's attendee is not known", code="unknown_attendee", status=404)
    if claims.serial < holder.badge_serial:
        raise ScanError("this badge was replaced by a reissued one", code="revoked", status=410)
    return holder


def resolve_scanned(directory: Directory, signer: TokenSigner, scanner: Person, text: str) -> Person:
    """The attendee whose badge was scanned or whose code was typed, in the scanner's event."""
    kind, value = what_was_scanned(text)
    if kind == "short_code":
        scanned = directory.by_short_code(scanner.event_id, value)
        if scanned is None:
            raise ScanError(
                f"no attendee of this event has the code {value}", code="unknown_short_code", status=404
            )
    else:
        scanned = badge_holder(directory, signer, value, scanner.event_id)
    if scanned.id == scanner.id:
        raise ScanError("that is your own badge: scan the person you met", code="self_scan")
    return scanned


def record_scan(
    directory: Directory,
    writer: ScanWriter,
    signer: TokenSigner,
    scanner: Person,
    cmd: RecordScan,
    now: datetime,
    rules: ScanRules,
) -> tuple[Written, Person | None]:
    """Check one scan, then save it through the group-commit writer (or recognise a retry)."""
    scanned = resolve_scanned(directory, signer, scanner, cmd.scanned)
    closed_at = directory.event_closed_at(scanner.event_id)
    if closed_at is not None and now > closed_at + rules.grace:
        raise ScanError(
            "this event has closed: meetings can no longer be added", code="event_closed", status=409
        )
    # Only the phone's stated time is checked against the event's days: the server's own clock is
    # not in doubt, and a scan received late is the close rule's business above.
    if cmd.scanned_at is not None:
        check_scan_time(cmd.scanned_at, directory.event_days(scanner.event_id), closed_at, rules.grace)
    written = writer.write(
        Pending(
            event_id=scanner.event_id,
            meeting_id=meeting_id(scanner.event_id, scanner.id, scanned.id),
            scanner_id=scanner.id,
            scanned_id=scanned.id,
            client_scan_id=cmd.client_scan_id,
            note=cmd.note,
            tags=cmd.tags,
            scanned_at=cmd.scanned_at or now,
            received_at=now,
            scanner_key=scanner.data_key,
            scanned_key=scanned.data_key,
        )
    )
    # A retry answers with the person of the first scan, which may differ from this request's.
    return written, scanned if written.scanned_id == scanned.id else directory.person(written.scanned_id)


def my_meetings(session: Session, scanner: Person, limit: int = 200) -> list[tuple[Scan, Attendee]]:
    """The scanner's own saved scans, newest first, with whom they met."""
    rows = session.execute(
        sa.select(Scan, Attendee)
        .join(Attendee, Attendee.id == Scan.scanned_id)
        .where(Scan.scanner_id == scanner.id)
        .order_by(Scan.received_at.desc())
        .limit(limit)
    )
    return [(scan, attendee) for scan, attendee in rows]


def scan_summary(session: Session, event_id: str) -> dict:
    """The event's scanning in four figures, for its organizers."""
    scans, scanners = session.execute(
        sa.select(sa.func.count(), sa.func.count(sa.distinct(Scan.scanner_id))).where(
            Scan.event_id == event_id
        )
    ).one()
    meetings, mutual = session.execute(
        sa.select(
            sa.func.count(), sa.func.count().filter(sa.and_(Meeting.low_scanned, Meeting.high_scanned))
        ).where(Meeting.event_id == event_id)
    ).one()
    return {
        "event_id": event_id,
        "scans": scans,
        "scanners": scanners,
        "meetings": meetings,
        "mutual": mutual,
    }


def event_name(session: Session, event_id: str) -> str:
    return session.scalar(sa.select(Event.name).where(Event.id == event_id)) or ""


def event_timezone(session: Session, event_id: str) -> str:
    return session.scalar(sa.select(Event.timezone).where(Event.id == event_id)) or "UTC"


# The read model: rapport.events and rapport.attendees into this service's tables. --------------


def apply_event(session: Session, event: ev.Event, envelope: Envelope) -> None:
    """Bring the read model up to date with one bus event (idempotent by construction)."""
    if isinstance(event, (ev.EventCreated, ev.EventUpdated)):
        row = session.get(Event, event.event_id) or Event(id=event.event_id)
        row.name, row.language, row.timezone = event.name, event.language, event.timezone
        row.starts_at, row.ends_at = parse_iso(event.starts_at), parse_iso(event.ends_at)
        row.version = next_version(session)
        session.merge(row)
    elif isinstance(event, ev.EventClosed):
        row = session.get(Event, event.event_id) or Event(id=event.event_id, name="", language="en")
        row.closed_at, row.version = parse_iso(event.closed_at), next_version(session)
        session.merge(row)
    elif isinstance(event, (ev.AttendeeRegistered, ev.AttendeeUpdated)):
        row = session.get(Attendee, event.attendee_id) or Attendee(id=event.attendee_id, badge_serial=1)
        for name in (
            "event_id",
            "name",
            "headline",
            "company",
            "title",
            "language",
            "short_code",
            "email",
            "consent_share_contact",
        ):
            setattr(row, name, getattr(event, name))
        row.data_key = envelope.keys.get(event.attendee_id, row.data_key)
        row.version = next_version(session)
        session.merge(row)
    elif isinstance(event, (ev.BadgeIssued, ev.BadgeRevoked)):
        row = session.get(Attendee, event.attendee_id)
        if row is None:
            return  # registered events arrive first on this key; an erased attendee stays gone
        serial = int(event.token_id.rsplit(".", 1)[1])
        # Serials only grow: a revocation means every serial up to it is dead.
        row.badge_serial = max(row.badge_serial, serial + 1 if isinstance(event, ev.BadgeRevoked) else serial)
        if isinstance(event, ev.BadgeIssued):
            row.short_code = event.short_code
        row.version = next_version(session)
    elif isinstance(event, ev.PrivateLinkRenewed):
        row = session.get(Attendee, event.attendee_id)
        if row is None:
            return  # erased since: nothing of theirs to refuse
        row.private_serial = max(row.private_serial, event.serial)  # a redelivered older one changes nothing
        row.version = next_version(session)
    elif isinstance(event, ev.AttendeeErased):
        session.execute(
            sa.delete(Scan).where(
                sa.or_(Scan.scanner_id == event.attendee_id, Scan.scanned_id == event.attendee_id)
            )
        )
        session.execute(
            sa.delete(Meeting).where(
                sa.or_(Meeting.low_id == event.attendee_id, Meeting.high_id == event.attendee_id)
            )
        )
        session.execute(
            sa.delete(PersonNotes).where(
                sa.or_(PersonNotes.owner_id == event.attendee_id, PersonNotes.about_id == event.attendee_id)
            )
        )
        session.execute(sa.delete(SigninLink).where(SigninLink.attendee_id == event.attendee_id))
        session.execute(sa.delete(Attendee).where(Attendee.id == event.attendee_id))
        version = next_version(session)
        session.execute(sa.update(DirectoryState).values(erased_version=version))


def next_version(session: Session) -> int:
    """The next change number of the read model; the state row stays locked until this commits."""
    return session.execute(
        sa.update(DirectoryState).values(version=DirectoryState.version + 1).returning(DirectoryState.version)
    ).scalar_one()


READ_MODEL_TYPES = (
    "event.created",
    "event.updated",
    "event.closed",
    "attendee.registered",
    "attendee.updated",
    "badge.issued",
    "badge.revoked",
    "attendee.erased",
    "private_link.renewed",
)
