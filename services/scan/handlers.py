"""Scan use cases: who is scanning, whom they scanned, recording the meeting; and the read model.

record_scan writes the scan, the meeting and the outbox row in the caller's one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.scan.domain import RecordScan, ScanError, meeting_id, what_was_scanned
from services.scan.models import Attendee, Event, Meeting, Scan
from shared import events as ev
from shared import identity
from shared.envelope import Envelope, iso, parse_iso
from shared.outbox import add_to_outbox
from shared.tokens import InvalidToken, TokenSigner
from shared.web import Unauthorized


@dataclass(frozen=True)
class ScanRules:
    grace: timedelta  # scans still count this long after the event closes
    per_minute: int  # scans one attendee may record per minute


@dataclass(frozen=True)
class ScanResult:
    scan: Scan
    mutual: bool
    scanned: Attendee | None  # None only if they have since been erased
    duplicate: bool


def identify_scanner(session: Session, signer: TokenSigner, token: str) -> Attendee:
    """The attendee a private token belongs to; 401 for anything else."""
    try:
        claims = identity.read_token(signer, identity.PRIVATE, token)
    except InvalidToken as exc:
        raise Unauthorized(f"this is not a scanner token: {exc}", code="bad_scanner_token") from None
    scanner = session.get(Attendee, claims.attendee_id)
    if scanner is None or scanner.event_id != claims.event_id:
        raise Unauthorized("this scanner token's attendee is not known (yet)", code="unknown_scanner")
    return scanner


def resolve_scanned(session: Session, signer: TokenSigner, scanner: Attendee, text: str) -> Attendee:
    """The attendee whose badge was scanned or whose code was typed, in the scanner's event."""
    kind, value = what_was_scanned(text)
    if kind == "short_code":
        scanned = session.scalar(sa.select(Attendee).where(Attendee.event_id == scanner.event_id,
                                                            Attendee.short_code == value))
        if scanned is None:
            raise ScanError(f"no attendee of this event has the code {value}", code="unknown_short_code", status=404)
    else:
        try:
            claims = identity.read_token(signer, identity.BADGE, value, event_id=scanner.event_id)
        except InvalidToken as exc:
            code = exc.code if exc.code == "other_event" else "forged"
            raise ScanError(f"this badge is not valid here: {exc}", code=code) from None
        scanned = session.get(Attendee, claims.attendee_id)
        if scanned is None:
            raise ScanError("this badge's attendee is not known", code="unknown_attendee", status=404)
        if claims.serial < scanned.badge_serial:
            raise ScanError("this badge was replaced by a reissued one", code="revoked", status=410)
    if scanned.id == scanner.id:
        raise ScanError("that is your own badge: scan the person you met", code="self_scan")
    return scanned


def record_scan(session: Session, signer: TokenSigner, scanner: Attendee, cmd: RecordScan, now: datetime,
                rules: ScanRules) -> ScanResult:
    """Record (or recognise a retry of) one scan, merged into the pair's meeting.

    Three statements on the hot path: insert the scan (a retry conflicts and is answered with the
    first one), upsert the meeting (which says whether both have now scanned), queue the message.
    """
    scanned = resolve_scanned(session, signer, scanner, cmd.scanned)
    event = session.get(Event, scanner.event_id)
    if event is not None and event.closed_at is not None and now > event.closed_at + rules.grace:
        raise ScanError("this event has closed: meetings can no longer be added", code="event_closed", status=409)
    mid = meeting_id(scanner.event_id, scanner.id, scanned.id)
    scan_id = session.scalar(_insert(session, Scan).values(
        meeting_id=mid, event_id=scanner.event_id, scanner_id=scanner.id, scanned_id=scanned.id,
        client_scan_id=cmd.client_scan_id, note=cmd.note, tags=list(cmd.tags), scanned_at=cmd.scanned_at,
        received_at=now).on_conflict_do_nothing(index_elements=["scanner_id", "client_scan_id"]
                                                ).returning(Scan.id))
    if scan_id is None:  # the phone retried: same answer, nothing new
        session.rollback()
        return _previous(session, scanner, cmd.client_scan_id)
    _enforce_rate(session, scanner, now, rules)  # counts the scan just added
    low, high = sorted((scanner.id, scanned.id))
    i_am_low = scanner.id == low
    upsert = _insert(session, Meeting).values(id=mid, event_id=scanner.event_id, low_id=low, high_id=high,
                                              low_scanned=i_am_low, high_scanned=not i_am_low,
                                              first_scanned_at=cmd.scanned_at)
    flags = upsert.excluded
    mutual = session.execute(upsert.on_conflict_do_update(index_elements=["id"], set_={
        "low_scanned": Meeting.low_scanned | flags.low_scanned,
        "high_scanned": Meeting.high_scanned | flags.high_scanned,
    }).returning(Meeting.low_scanned & Meeting.high_scanned)).scalar_one()
    add_to_outbox(session, ev.ScanRecorded(
        event_id=scanner.event_id, meeting_id=mid, scanner=scanner.id, scanned=scanned.id,
        scanned_at=iso(cmd.scanned_at), client_scan_id=cmd.client_scan_id, note=cmd.note, tags=cmd.tags,
        mutual=bool(mutual)))
    scan = Scan(id=scan_id, meeting_id=mid, event_id=scanner.event_id, scanner_id=scanner.id, scanned_id=scanned.id,
                client_scan_id=cmd.client_scan_id, note=cmd.note, tags=list(cmd.tags), scanned_at=cmd.scanned_at,
                received_at=now)
    return ScanResult(scan, bool(mutual), scanned, duplicate=False)


def _insert(session: Session, model):
    """INSERT with ON CONFLICT for the session's database (PostgreSQL or SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def _previous(session: Session, scanner: Attendee, client_scan_id: str) -> ScanResult:
    scan = session.scalar(sa.select(Scan).where(Scan.scanner_id == scanner.id, Scan.client_scan_id == client_scan_id))
    meeting = session.get(Meeting, scan.meeting_id)
    return ScanResult(scan, bool(meeting and meeting.mutual), session.get(Attendee, scan.scanned_id), duplicate=True)


def _enforce_rate(session: Session, scanner: Attendee, now: datetime, rules: ScanRules) -> None:
    recent = session.scalars(sa.select(Scan.received_at).where(
        Scan.scanner_id == scanner.id, Scan.received_at > now - timedelta(minutes=1)
    ).order_by(Scan.received_at).limit(rules.per_minute + 1)).all()
    if len(recent) > rules.per_minute:
        retry_after = max(1, int((recent[0] + timedelta(minutes=1) - now).total_seconds()) + 1)
        raise ScanError(f"at most {rules.per_minute} scans a minute: try again in {retry_after} s",
                        code="rate_limited", status=429, retry_after=retry_after)


def my_meetings(session: Session, scanner: Attendee, limit: int = 200) -> list[tuple[Scan, Attendee]]:
    """The scanner's own saved scans, newest first, with whom they met."""
    rows = session.execute(sa.select(Scan, Attendee).join(Attendee, Attendee.id == Scan.scanned_id).where(
        Scan.scanner_id == scanner.id).order_by(Scan.received_at.desc()).limit(limit))
    return [(scan, attendee) for scan, attendee in rows]


# The read model: rapport.events and rapport.attendees into this service's tables. --------------

def apply_event(session: Session, event: ev.Event, envelope: Envelope) -> None:
    """Bring the read model up to date with one bus event (idempotent by construction)."""
    if isinstance(event, (ev.EventCreated, ev.EventUpdated)):
        row = session.get(Event, event.event_id) or Event(id=event.event_id)
        row.name, row.language = event.name, event.language
        session.merge(row)
    elif isinstance(event, ev.EventClosed):
        row = session.get(Event, event.event_id) or Event(id=event.event_id, name="", language="en")
        row.closed_at = parse_iso(event.closed_at)
        session.merge(row)
    elif isinstance(event, (ev.AttendeeRegistered, ev.AttendeeUpdated)):
        row = session.get(Attendee, event.attendee_id) or Attendee(id=event.attendee_id, badge_serial=1)
        for name in ("event_id", "name", "headline", "company", "title", "language", "short_code"):
            setattr(row, name, getattr(event, name))
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
    elif isinstance(event, ev.AttendeeErased):
        session.execute(sa.delete(Scan).where(sa.or_(Scan.scanner_id == event.attendee_id,
                                                     Scan.scanned_id == event.attendee_id)))
        session.execute(sa.delete(Meeting).where(sa.or_(Meeting.low_id == event.attendee_id,
                                                        Meeting.high_id == event.attendee_id)))
        session.execute(sa.delete(Attendee).where(Attendee.id == event.attendee_id))


READ_MODEL_TYPES = ("event.created", "event.updated", "event.closed", "attendee.registered", "attendee.updated",
                    "badge.issued", "badge.revoked", "attendee.erased")
