"""The audit log: who did what to an event, shown to its owners (newest first, by action).

One function records an organizer's action: `record(session, organizer, event_id, action, subject,
detail)`, in the same transaction as the dashboard's own change when there is one (the caller
commits). An action carried out by another service (a badge reissue, a welcome resend) is
recorded after that service said yes: an entry is never written for something refused.
Entries hold no contact details beyond the acting organizer's email: `subject` names what was
acted on (an attendee id, an export's file name, a granted email), `detail` a few facts.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.dashboard.models import AuditEntry, Organizer
from shared.envelope import utc_now
from shared.web import InvalidInput

# Every action an entry can name; pagetext has each one's words (key "audit_<action>").
ACTIONS = (
    "event_created",
    "event_changed",
    "event_closed",
    "imported",
    "added",
    "edited",
    "erased",
    "reissued",
    "new_private_link",
    "badges_printed",
    "exported",
    "granted",
    "revoked",
    "welcome_resent",
    "welcome_sent_all",
    "wording_changed",
)
PAGE_SIZE = 100


def record(
    session: Session,
    organizer: Organizer | None,
    event_id: str,
    action: str,
    subject: str = "",
    detail: dict | None = None,
    *,
    now: datetime | None = None,
) -> AuditEntry:
    """Note that `organizer` (None: the bootstrap admin token) did `action` to `subject`, at `now`
    (default: the wall clock)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to audit.ACTIONS and pagetext")
    entry = AuditEntry(
        at=now or utc_now(),
        event_id=event_id,
        organizer_id=organizer.id if organizer else None,
        organizer_email=organizer.email if organizer else "admin token",
        action=action,
        subject=(subject or "")[:300],
        detail=detail or {},
    )
    session.add(entry)
    return entry


def entries(session: Session, event_id: str, action: str | None = None, page: int = 1) -> list[AuditEntry]:
    """One page of the event's entries, newest first, optionally of one action."""
    if action is not None and action not in ACTIONS:
        raise InvalidInput({"action": f"one of {', '.join(ACTIONS)}"})
    query = sa.select(AuditEntry).where(AuditEntry.event_id == event_id)
    if action:
        query = query.where(AuditEntry.action == action)
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return list(session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
