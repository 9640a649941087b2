"""Running an event's attendees and settings from the dashboard: what the badge service (which owns
them) is asked to do, and what the organizer sees of it at once.

The attendee list, its search and the exports read the dashboard's read model, which the bus
fills asynchronously. Each action here therefore also writes the badge service's answer into the
read model in the same request, as the consumer would from the bus message that follows (which
then changes nothing): "36 added" is followed by a list of 36. We keep the read model, rather
than listing from the badge service, because the list needs what only the read model has
(meeting counts, welcome statuses), and searching and paging stay one SQL query.

Every call goes through the service's `Upstream` clients (`service().badge`, `.followup`), so how
the dashboard authenticates to them is decided in one place.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.dashboard import operations
from services.dashboard.handlers import apply_event
from services.dashboard.models import Attendee
from shared import events as ev
from shared import identity
from shared.upstream import Reply, Upstream

# What the attendee form sends as text, as the badge service names it.
TEXT_FIELDS = ("name", "email", "company", "title", "headline", "can_help_with", "looking_for", "language")
CONSENTS = ("followup", "share_contact", "suggest")
SYNC_BATCH = 500
EVENT_SETTINGS = ("contact_email", "meeting_point")


def matching(query: str, with_email: bool = True):
    """The search box: a part of the name, company or email (any case), or the short code as
    typed on a badge ("k7m-2pq" finds K7M2PQ). Without `with_email` (a viewer, who may not see
    contacts) emails are not searched: finding people by guessing theirs would reveal them."""
    folded = query.lower()
    code = identity.normalize_short_code(query)
    return sa.or_(
        sa.func.lower(Attendee.name).contains(folded, autoescape=True),
        sa.func.lower(Attendee.company).contains(folded, autoescape=True),
        *([Attendee.email.contains(folded, autoescape=True)] if with_email else []),  # stored lower case
        *([Attendee.short_code == code] if code else []),
    )


def _learn(session: Session, message: ev.Event) -> None:
    apply_event(session, message, ev.to_envelope(message))


def _registered(answer: dict) -> ev.AttendeeRegistered:
    """The bus message the badge service published for this state of the attendee."""
    consent = answer.get("consent", {})
    return ev.AttendeeRegistered(
        event_id=answer["event_id"],
        attendee_id=answer["id"],
        name=answer["name"],
        email=answer["email"],
        language=answer["language"],
        short_code=answer["short_code"],
        company=answer["company"],
        title=answer["title"],
        headline=answer["headline"],
        interests=tuple(answer["interests"]),
        consent_followup=consent.get("followup", False),
        consent_share_contact=consent.get("share_contact", False),
        can_help_with=answer.get("can_help_with", ""),
        looking_for=answer.get("looking_for", ""),
        consent_suggest=consent.get("suggest", True),
    )


def attendee_fields(form: dict) -> dict:
    """The badge service's JSON from the attendee form (unticked boxes are absent: False)."""
    fields = {name: (form.get(name) or "").strip() for name in TEXT_FIELDS}
    fields["interests"] = form.get("interests") or ""
    fields["consent"] = {flag: form.get(f"consent_{flag}") == "1" for flag in CONSENTS}
    return fields


def add_attendee(badge: Upstream, session: Session, event_id: str, fields: dict) -> dict:
    answer = badge.call("POST", f"/v1/events/{event_id}/attendees", json_body=fields).json()
    _learn(session, _registered(answer))
    return answer


def get_attendee(badge: Upstream, event_id: str, attendee_id: str) -> dict:
    """The badge service's whole record of the person (what the edit form starts from)."""
    return badge.call("GET", f"/v1/events/{event_id}/attendees/{attendee_id}").json()


def edit_attendee(badge: Upstream, session: Session, attendee_id: str, fields: dict) -> dict:
    answer = badge.call("PATCH", f"/v1/attendees/{attendee_id}", json_body=fields).json()
    _learn(session, _registered(answer))
    return answer


def erase_attendee(badge: Upstream, session: Session, event_id: str, attendee_id: str) -> None:
    badge.call("DELETE", f"/v1/attendees/{attendee_id}")
    _learn(session, ev.AttendeeErased(event_id=event_id, attendee_id=attendee_id))


def reissue_badge(badge: Upstream, session: Session, attendee_id: str) -> dict:
    """A new badge (QR and short code) and private link; the old ones are refused everywhere."""
    answer = badge.call("POST", f"/v1/attendees/{attendee_id}/reissue").json()
    _learn(session, _registered(answer))
    return answer


def renew_private_link(badge: Upstream, attendee_id: str) -> dict:
    return badge.call("POST", f"/v1/attendees/{attendee_id}/private-link").json()


def badge_sheet(badge: Upstream, event_id: str, attendee_ids: list[str], layout: str, force: bool) -> Reply:
    """The badges of these attendees only (one lost badge, or a chosen set), on the chosen layout."""
    return operations.badges_pdf(badge, event_id, layout, False, force, only=attendee_ids)


def sync_attendees(badge: Upstream, session: Session, event_id: str) -> int:
    """Bring the read model's attendees of this event up to the badge service's list (after an
    import); how many rows changed. Only the people who differ are written."""
    people = badge.call("GET", f"/v1/events/{event_id}/attendees", timeout=operations.PDF_TIMEOUT).json()
    known = {
        row.id: row
        for row in session.scalars(
            sa.select(Attendee).where(Attendee.event_id == event_id, Attendee.registered)
        )
    }
    changed = 0
    for answer in people["attendees"]:
        message = _registered(answer)
        if _same(known.get(message.attendee_id), message):
            continue
        _learn(session, message)
        changed += 1
        if changed % SYNC_BATCH == 0:
            session.flush()
    return changed


# What the read model holds of a registration: a row equal in all of these needs no write.
SYNCED = (
    "name", "email", "company", "title", "headline", "interests", "language", "short_code",
    "consent_followup", "consent_share_contact", "can_help_with", "looking_for", "consent_suggest",
)  # fmt: skip


def _same(row: Attendee | None, message: ev.AttendeeRegistered) -> bool:
    def held(value):
        return list(value) if isinstance(value, tuple) else value

    return row is not None and all(getattr(row, f) == held(getattr(message, f)) for f in SYNCED)


def followup_record(followup: Upstream, event_id: str, attendee_id: str) -> dict:
    """Every email the follow-up service holds for this person (campaign, status, why), and
    whether they unsubscribed."""
    return followup.call(
        "GET", f"/v1/events/{event_id}/followups", query={"attendee_id": attendee_id, "limit": 1000}
    ).json()


def event_settings(badge: Upstream, event_id: str) -> dict:
    return badge.call("GET", f"/v1/events/{event_id}").json()


def update_event(badge: Upstream, session: Session, event_id: str, form: dict) -> dict:
    """Save the settings form: local times are in the event's (possibly new) time zone."""
    fields = operations.event_fields(form)
    fields |= {name: (form.get(name) or "").strip() for name in EVENT_SETTINGS}
    fields["followup_at"] = operations.local_moment(form, "followup_at", fields["timezone"])
    answer = badge.call("PATCH", f"/v1/events/{event_id}", json_body=fields).json()
    _learn(
        session,
        ev.EventUpdated(**operations.event_details(answer)),
    )
    return answer
