"""What a reader does from their email: unsubscribe, or mark a person as followed up.

Both are idempotent (a second click changes nothing and publishes nothing) and go to
rapport.followups through the outbox in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.followup.models import Attendee, Delivery, FollowedUp
from shared import events as ev
from shared.outbox import add_to_outbox


def unsubscribe(session: Session, reader: Attendee, now: datetime) -> bool:
    """Stop every email to `reader`, queued ones included; False if they already had."""
    if reader.unsubscribed_at is not None:
        return False
    reader.unsubscribed_at = now
    session.execute(
        sa.update(Delivery)
        .where(Delivery.attendee_id == reader.id, Delivery.status.in_(("queued", "deferred")))
        .values(status="skipped", last_error="unsubscribed")
    )
    add_to_outbox(
        session, ev.FollowupUnsubscribed(event_id=reader.event_id, attendee_id=reader.id, campaign="all")
    )
    return True


def mark_followed_up(session: Session, reader: Attendee, contact_id: str, now: datetime) -> bool:
    """No more nudges about this contact; False if it was marked before."""
    if session.get(FollowedUp, (reader.id, contact_id)):
        return False
    session.add(FollowedUp(attendee_id=reader.id, contact_id=contact_id, marked_at=now))
    add_to_outbox(
        session,
        ev.FollowupFollowedUp(
            event_id=reader.event_id, attendee_id=reader.id, campaign=ev.FOLLOWUP_CAMPAIGN, contact=contact_id
        ),
    )
    return True
