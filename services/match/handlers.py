"""Match use cases for one attendee: who they are, their suggestions, and "not now"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.match.index import ProfileIndex
from services.match.models import Dismissal, MeetingRequest, Met, SuggestionShown
from services.match.ranking import EventIndex, Suggestion, score_terms, suggest
from services.match.reasons import reason
from shared import identity
from shared.envelope import utc_now
from shared.tokens import InvalidToken, TokenSigner
from shared.web import NotFound, Unauthorized


@dataclass(frozen=True)
class Me:
    attendee_id: str
    event: EventIndex


def identify(index: ProfileIndex, signer: TokenSigner, token: str) -> Me:
    """The attendee a private (scanner) token belongs to; 401 for anything else."""
    try:
        claims = identity.read_token(signer, identity.PRIVATE, token)
    except InvalidToken as exc:
        raise Unauthorized(f"this is not an attendee's private token: {exc}", code="bad_token") from None
    event = index.event_of(claims.attendee_id)
    if event is None or event.profiles[event.position[claims.attendee_id]].event_id != claims.event_id:
        raise Unauthorized(
            "this token's attendee is not known to the match service (yet)", code="unknown_attendee"
        )
    try:
        identity.refuse_replaced(claims, index.private_serial(claims.attendee_id))
    except InvalidToken as exc:
        raise Unauthorized(f"{exc}: use the newest private link", code=exc.code) from None
    return Me(claims.attendee_id, event)


def left_out(session: Session, attendee_id: str) -> set[str]:
    """Whom A has met (live from the scans), dismissed, asked to meet or been asked by (those are
    in A's requests instead)."""
    met = session.scalars(sa.select(Met.other_id).where(Met.attendee_id == attendee_id))
    dismissed = session.scalars(sa.select(Dismissal.dismissed_id).where(Dismissal.attendee_id == attendee_id))
    asked = session.execute(
        sa.select(MeetingRequest.from_id, MeetingRequest.to_id).where(
            sa.or_(MeetingRequest.to_id == attendee_id, MeetingRequest.from_id == attendee_id)
        )
    )
    return set(met) | set(dismissed) | {b if a == attendee_id else a for a, b in asked}


def suggestions(
    session: Session, me: Me, language: str | None = None, now: datetime | None = None
) -> list[dict]:
    """My top five, each with its reason; remembers when each pair was first shown (a scan after
    that is a suggestion that worked: the organizers' figure)."""
    mine = me.event.profiles[me.event.position[me.attendee_id]]
    found = suggest(me.event, me.attendee_id, left_out(session, me.attendee_id))
    if found:
        session.execute(
            insert(SuggestionShown)
            .values(
                [
                    {
                        "attendee_id": me.attendee_id,
                        "other_id": s.profile.id,
                        "event_id": mine.event_id,
                        "shown_at": now or utc_now(),
                    }
                    for s in found
                ]
            )
            .on_conflict_do_nothing()
        )
        session.commit()
    return [
        {
            "rank": rank,
            "attendee_id": s.profile.id,
            "name": s.profile.name,
            "headline": s.profile.headline,
            "company": s.profile.company,
            "reason": reason(mine, s, language),
        }
        for rank, s in enumerate(found, start=1)
    ]


def dismiss(session: Session, me: Me, other_id: str) -> None:
    """Idempotent; 404 for anyone who is not another attendee of my event."""
    if other_id == me.attendee_id or other_id not in me.event.position:
        raise NotFound(f"no other attendee {other_id!r} in your event", code="unknown_attendee")
    session.execute(
        insert(Dismissal)
        .values(attendee_id=me.attendee_id, dismissed_id=other_id, dismissed_at=utc_now())
        .on_conflict_do_nothing()
    )
    session.commit()


def reason_for(me: Me, other_id: str, language: str | None = None) -> str:
    """Why I and `other_id` fit, as a suggestion of them would say it (for a request's one line of
    context): their terms z-scored over everyone else in my event."""
    event, mine = me.event, me.event.position[me.attendee_id]
    others = np.ones(len(event.profiles), bool)
    others[mine] = False
    terms = score_terms(event, mine, others)
    position = event.position[other_id]
    found = Suggestion(event.profiles[position], 0.0, {name: float(t[position]) for name, t in terms.items()})
    return reason(event.profiles[mine], found, language)
