"""Retention: an event's personal data is erased RAPPORT_RETENTION_DAYS after it closes.

The same path as erasing one attendee on request (handlers.erase_attendee: their row and data key
deleted, attendee.erased published), so every service forgets them and every sealed copy on the
bus stops opening. Idempotent (an erased attendee is no longer found) and batch-safe: each batch
is one transaction of at most `batch` attendees, locked with SKIP LOCKED so two relays running at
once share the work instead of erasing anyone twice."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.badge import handlers
from services.badge.models import Attendee, Event


def erase_date(closed_at: datetime, days: int) -> datetime:
    """When a closed event's personal data is erased."""
    return closed_at + timedelta(days=days)


def erase_expired_batch(session: Session, now: datetime, days: int, batch: int = 200) -> list[str]:
    """Erase up to `batch` attendees of events closed `days` or more before `now`; their ids."""
    expired = (
        sa.select(Attendee.id)
        .join(Event, Event.id == Attendee.event_id)
        .where(Event.closed_at.is_not(None), Event.closed_at <= now - timedelta(days=days))
        .order_by(Attendee.id)
        .limit(batch)
        .with_for_update(of=Attendee, skip_locked=True)
    )
    ids = list(session.scalars(expired))
    for attendee_id in ids:
        handlers.erase_attendee(session, attendee_id)
    return ids


def erase_expired(sessions, now: datetime, days: int, batch: int = 200) -> int:
    """Erase every expired attendee, a committed batch at a time; how many."""
    total = 0
    while True:
        with sessions() as session:
            erased = erase_expired_batch(session, now, days, batch)
            session.commit()
        total += len(erased)
        if len(erased) < batch:
            return total
