"""The consumer's side: rapport.events, rapport.attendees and rapport.scans into the match tables.

Idempotent by construction (upserts and deletes by natural key), and the runner also marks each
message id (shared.consumer.applied_once). A profile change does not embed here: it clears the
vectors of the texts that changed and marks the row pending for services/match/pending.py, so
an import of thousands never holds up the scans behind it, and an edit of one field costs one
text's embedding, not three.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.match.embedding import ABOUT, GIVE, SEEK, about_text
from services.match.models import Dismissal, Event, MatchState, MeetingRequest, Met, Profile, SuggestionShown
from shared import events as ev
from shared.envelope import Envelope, parse_iso

TYPES = (
    "event.created",
    "event.updated",
    "attendee.registered",
    "attendee.updated",
    "attendee.erased",
    "scan.recorded",
    "private_link.renewed",
    "badge.issued",
)
FIELDS = (
    "event_id",
    "name",
    "language",
    "company",
    "headline",
    "can_help_with",
    "looking_for",
    "consent_suggest",
    "short_code",
)


def texts_of(row: Profile) -> dict[str, str]:
    """Each kind's text, as embedded (see services.match.embedding)."""
    return {
        SEEK: row.looking_for.strip(),
        GIVE: row.can_help_with.strip(),
        ABOUT: about_text(row.headline, row.interests or ()),
    }


def applier() -> Callable[[Session, ev.Event, Envelope], None]:
    def apply(session: Session, event: ev.Event, envelope: Envelope) -> None:
        if isinstance(event, (ev.EventCreated, ev.EventUpdated)):
            session.merge(
                Event(id=event.event_id, language=event.language, meeting_point=event.meeting_point)
            )
        elif isinstance(event, (ev.AttendeeRegistered, ev.AttendeeUpdated)):
            save_profile(session, event)
        elif isinstance(event, ev.AttendeeErased):
            erase(session, event.attendee_id)
        elif isinstance(event, ev.ScanRecorded):
            record_meeting(session, event.scanner, event.scanned, parse_iso(event.scanned_at))
        elif isinstance(event, ev.PrivateLinkRenewed):
            renew_private_link(session, event.attendee_id, event.serial)
        elif isinstance(event, ev.BadgeIssued):
            record_badge(session, event)

    return apply


def save_profile(session: Session, event: ev.AttendeeRegistered) -> None:
    row = session.get(Profile, event.attendee_id)
    before = texts_of(row) if row is not None else {}
    row = row or Profile(id=event.attendee_id, texts_version=0, embedding_pending=False)
    for name in FIELDS:
        setattr(row, name, getattr(event, name))
    row.interests = list(event.interests)
    changed = False
    for kind, text in texts_of(row).items():
        if text != before.get(kind):
            setattr(row, f"{kind}_vector", None)  # an old text's vector would match what they no longer say
            changed = True
        if text and getattr(row, f"{kind}_vector") is None:
            row.embedding_pending = True
    if changed:
        row.texts_version += 1
    row.version = next_version(session)
    session.merge(row)


def renew_private_link(session: Session, attendee_id: str, serial: int) -> None:
    """Serials only grow: a redelivered older renewal changes nothing."""
    row = session.get(Profile, attendee_id)
    if row is not None and serial > row.private_serial:
        row.private_serial = serial
        row.version = next_version(session)


def erase(session: Session, attendee_id: str) -> None:
    """Everything about the person: profile, vectors, dismissals, meetings, requests and shown
    suggestions, either side."""
    session.execute(sa.delete(Profile).where(Profile.id == attendee_id))
    session.execute(
        sa.delete(Dismissal).where(
            sa.or_(Dismissal.attendee_id == attendee_id, Dismissal.dismissed_id == attendee_id)
        )
    )
    session.execute(sa.delete(Met).where(sa.or_(Met.attendee_id == attendee_id, Met.other_id == attendee_id)))
    session.execute(
        sa.delete(MeetingRequest).where(
            sa.or_(MeetingRequest.from_id == attendee_id, MeetingRequest.to_id == attendee_id)
        )
    )
    session.execute(
        sa.delete(SuggestionShown).where(
            sa.or_(SuggestionShown.attendee_id == attendee_id, SuggestionShown.other_id == attendee_id)
        )
    )
    version = next_version(session)
    session.execute(sa.update(MatchState).values(erased_version=version))


def record_meeting(session: Session, a: str, b: str, met_at: datetime | None = None) -> None:
    """Both directions, so "whom has A met" is one indexed lookup; read per request, so live.
    `met_at` keeps the pair's first scan, whatever order the scans arrive in."""
    rows = [
        {"attendee_id": a, "other_id": b, "met_at": met_at},
        {"attendee_id": b, "other_id": a, "met_at": met_at},
    ]
    statement = insert(Met).values(rows)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[Met.attendee_id, Met.other_id],
            set_={"met_at": sa.func.least(Met.met_at, statement.excluded.met_at)},
        )
    )


def record_badge(session: Session, event: ev.BadgeIssued) -> None:
    """A reissued badge comes with a new short code: the one an accepted request shows."""
    row = session.get(Profile, event.attendee_id)
    if row is not None and row.short_code != event.short_code:  # None: erased (registered comes first)
        row.short_code, row.version = event.short_code, next_version(session)


def next_version(session: Session) -> int:
    """The next change number; the state row stays locked until this transaction commits."""
    return session.execute(
        sa.update(MatchState).values(version=MatchState.version + 1).returning(MatchState.version)
    ).scalar_one()
