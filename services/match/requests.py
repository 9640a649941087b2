"""Meeting requests: "I'd like to meet" from one attendee to another, and the answer.

Rules (what users of Brella and Grip ask for): one request per pair and direction, so asking again
is the same request; "not now" is never shown to the asker (their request just stays sent); when
two people ask each other, the second request accepts the first (both wanted it: no one need
answer). Only people of my event who have not opted out of being suggested can be asked. Once
accepted, both see the event's meeting point and each other's short code (to type into the
scanner when they meet: the scan that proves the meeting).
"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.match.handlers import Me, reason_for
from services.match.models import Event, MeetingRequest
from services.match.profile import Profile
from shared.envelope import iso
from shared.web import Conflict, DomainError, NotFound

PENDING, ACCEPTED, DECLINED = "pending", "accepted", "declined"


def ask(
    session: Session, me: Me, to_id: str, now: datetime, language: str | None = None
) -> tuple[dict, bool]:
    """My request to `to_id` as I see it, and whether it is new. Idempotent."""
    if to_id == me.attendee_id:
        raise DomainError("you cannot ask to meet yourself", code="self_request", status=422)
    other = _other(me, to_id)
    if not other.consent_suggest:
        raise DomainError("this person does not take meeting requests", code="opted_out", status=403)
    theirs = _between(session, to_id, me.attendee_id)
    if (
        theirs is not None
    ):  # they asked me first: we both want it, so theirs is accepted (one request per pair)
        if theirs.status != ACCEPTED:
            theirs.status, theirs.answered_at = ACCEPTED, now
        session.commit()
        return view(session, me, theirs, language), False
    created = (
        session.execute(
            insert(MeetingRequest)
            .values(
                id=secrets.token_hex(12),
                event_id=other.event_id,
                from_id=me.attendee_id,
                to_id=to_id,
                status=PENDING,
                created_at=now,
            )
            .on_conflict_do_nothing()
            .returning(MeetingRequest.id)
        ).scalar()
        is not None
    )
    session.commit()
    return view(session, me, _between(session, me.attendee_id, to_id), language), created


def answer(
    session: Session, me: Me, request_id: str, accept: bool, now: datetime, language: str | None = None
) -> dict:
    """Accept, or "not now" (decline), a request sent to me. Idempotent; a "not now" may later be
    accepted, an accepted request cannot be declined (409: the other side already saw it)."""
    row = session.get(MeetingRequest, request_id) if len(request_id) <= 32 else None
    if row is None or row.to_id != me.attendee_id or row.from_id not in me.event.position:
        raise NotFound(f"no request {request_id!r} was sent to you", code="unknown_request")
    wanted = ACCEPTED if accept else DECLINED
    if row.status == ACCEPTED and not accept:
        raise Conflict(
            "you already accepted this request: they can see the meeting point", code="already_accepted"
        )
    if row.status != wanted:
        row.status, row.answered_at = wanted, now
    session.commit()
    return view(session, me, row, language)


def mine(session: Session, me: Me, language: str | None = None) -> dict:
    """The requests I received (every status) and those I sent, newest first."""
    rows = session.scalars(
        sa.select(MeetingRequest)
        .where(sa.or_(MeetingRequest.to_id == me.attendee_id, MeetingRequest.from_id == me.attendee_id))
        .order_by(MeetingRequest.created_at.desc(), MeetingRequest.id)
    ).all()
    known = [r for r in rows if _other_id(me, r) in me.event.position]  # an erased person takes theirs along
    return {
        "received": [view(session, me, r, language) for r in known if r.to_id == me.attendee_id],
        "sent": [view(session, me, r, language) for r in known if r.from_id == me.attendee_id],
    }


def view(session: Session, me: Me, row: MeetingRequest, language: str | None = None) -> dict:
    other = _other(me, _other_id(me, row))
    received = row.to_id == me.attendee_id
    # "Not now" says nothing to the asker: their request still reads as sent.
    status = row.status if received or row.status == ACCEPTED else PENDING
    answer = {
        "id": row.id,
        "direction": "received" if received else "sent",
        "status": status,
        "person": {
            "attendee_id": other.id,
            "name": other.name,
            "headline": other.headline,
            "company": other.company,
        },
        "reason": reason_for(me, other.id, language),
        "created_at": iso(row.created_at),
        "meeting": None,
    }
    if row.status == ACCEPTED:
        event = session.get(Event, row.event_id)
        answer["meeting"] = {
            "meeting_point": event.meeting_point if event else "",
            "short_code": other.short_code,
            "accepted_at": iso(row.answered_at) if row.answered_at else None,
        }
    return answer


def _between(session: Session, from_id: str, to_id: str) -> MeetingRequest | None:
    return session.scalar(
        sa.select(MeetingRequest).where(MeetingRequest.from_id == from_id, MeetingRequest.to_id == to_id)
    )


def _other(me: Me, attendee_id: str) -> Profile:
    position = me.event.position.get(attendee_id)
    if position is None:
        raise NotFound(f"no other attendee {attendee_id!r} in your event", code="unknown_attendee")
    return me.event.profiles[position]


def _other_id(me: Me, row: MeetingRequest) -> str:
    return row.from_id if row.to_id == me.attendee_id else row.to_id
