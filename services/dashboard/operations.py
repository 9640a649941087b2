"""Running the event: what the dashboard asks the badge and follow-up services to do.

Each use case takes the service's upstream clients and an open session, and leaves committing
to the caller. Creating or closing an event also writes the answer into the read model at once
(the same effect as the bus message that follows, which then changes nothing), so the organizer
sees it without waiting for the consumer.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from services.dashboard import accounts
from services.dashboard.handlers import apply_event
from services.dashboard.models import Organizer
from shared import events as ev
from shared.upstream import Reply, Upstream
from shared.web import DomainError

PDF_TIMEOUT = 120.0  # a whole event's print sheets are rendered in the request


def create_event(
    badge: Upstream, session: Session, organizer: Organizer | None, fields: dict, now: datetime
) -> dict:
    """The event, its emails' Reply-To the creating organizer's address unless another is given;
    its creator its owner (None: the bootstrap admin token, who needs no grant)."""
    fields = {
        **fields,
        "contact_email": fields.get("contact_email") or (organizer.email if organizer else ""),
    }
    answer = badge.call("POST", "/v1/events", json_body=fields).json()
    if organizer is not None:
        accounts.grant(session, organizer, answer["id"], now)
    _learn(
        session,
        ev.EventCreated(**event_details(answer)),
    )
    return answer


def close_event(badge: Upstream, session: Session, event_id: str) -> dict:
    answer = badge.call("POST", f"/v1/events/{event_id}/close").json()
    if answer.get("closed_at"):
        _learn(session, ev.EventClosed(event_id=event_id, closed_at=answer["closed_at"]))
    return answer


def _learn(session: Session, event: ev.Event) -> None:
    apply_event(session, event, ev.to_envelope(event))


def import_attendees(badge: Upstream, event_id: str, csv_bytes: bytes) -> dict:
    """{created, updated, unchanged, rejected: [{line, reason}]} from the badge service."""
    if not csv_bytes:
        raise DomainError("choose a CSV file to upload", code="empty_upload", status=422)
    return badge.call(
        "POST", f"/v1/events/{event_id}/attendees/import", body=csv_bytes, content_type="text/csv"
    ).json()


def badges_pdf(
    badge: Upstream,
    event_id: str,
    layout: str,
    double_sided: bool,
    force: bool = False,
    only: list[str] | None = None,
) -> Reply:
    """The print sheets (with `only`, of these attendees); the badge service knows the layouts and
    refuses any other, and refuses QR codes no phone can open unless `force`."""
    query = {"layout": layout, "sides": "2" if double_sided else "1", **({"force": "1"} if force else {})}
    if only is not None:
        query["attendees"] = ",".join(only)
    return badge.call(
        "GET", f"/v1/events/{event_id}/badges.pdf", query=query, timeout=PDF_TIMEOUT, accept="application/pdf"
    )


def badge_png(badge: Upstream, attendee_id: str) -> Reply:
    return badge.call("GET", f"/v1/attendees/{attendee_id}/badge.png", accept="image/png")


def followup_preview(followup: Upstream, event_id: str, attendee_id: str, as_text: bool) -> Reply:
    return followup.call(
        "GET",
        f"/v1/events/{event_id}/attendees/{attendee_id}/followup/preview",
        query={"format": "text"} if as_text else None,
        accept="text/plain" if as_text else "text/html",
    )


WORDING_FIELDS = ("subject", "opening", "signature")


def wording(followup: Upstream, event_id: str, lang: str) -> dict:
    """The organizer's own subject, opening and signature in `lang` ("" where Rapport's text is used)."""
    return followup.call("GET", f"/v1/events/{event_id}/followup/wording").json().get(lang, {})


def save_wording(followup: Upstream, event_id: str, lang: str, form: dict) -> None:
    followup.call(
        "PUT",
        f"/v1/events/{event_id}/followup/wording/{lang}",
        json_body={k: form.get(k, "") for k in WORDING_FIELDS},
    )


def reset_wording(followup: Upstream, event_id: str, lang: str) -> None:
    followup.call("DELETE", f"/v1/events/{event_id}/followup/wording/{lang}")


def draft_preview(followup: Upstream, event_id: str, attendee_id: str, form: dict) -> Reply:
    """The attendee's email with a draft wording, nothing saved: the organizer's live preview."""
    return followup.call(
        "POST",
        f"/v1/events/{event_id}/attendees/{attendee_id}/followup/preview",
        json_body={k: form.get(k, "") for k in WORDING_FIELDS},
        accept="text/html",
    )


def event_fields(form: dict) -> dict:
    """The badge service's JSON from the new-event form: local date-times in the event's own zone."""
    errors: dict[str, str] = {}
    zone_name = (form.get("timezone") or "UTC").strip()
    try:
        if len(zone_name) > 64:  # the longest IANA name has 32 characters
            raise ValueError(zone_name)
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name the file system refuses
        errors["timezone"], zone = f"{zone_name[:64]!r} is not a time zone such as Asia/Riyadh", None
    moments = {}
    welcome = {"welcome": form["welcome"]} if form.get("welcome") else {}  # the badge service checks it
    for name in ("starts_at", "ends_at", "welcome_at"):
        if name == "welcome_at" and (welcome.get("welcome") != "scheduled" or not form.get(name)):
            continue  # a time only for a scheduled welcome; without one the badge service says it is needed
        try:
            moments[name] = datetime.fromisoformat(form.get(name) or "").replace(tzinfo=zone).isoformat()
        except ValueError:
            errors[name] = "choose a date and time"
    if errors:
        raise accounts.InvalidInput(errors)
    return {
        "name": (form.get("name") or "").strip(),
        "venue": (form.get("venue") or "").strip(),
        "timezone": zone_name,
        "language": form.get("language") or "en",
        **moments,
        **welcome,
    }


def local_moment(form: dict, name: str, zone_name: str) -> str:
    """A datetime-local field as ISO 8601 in the event's zone; "" when left empty (the default)."""
    if not form.get(name):
        return ""
    try:
        return datetime.fromisoformat(form[name]).replace(tzinfo=ZoneInfo(zone_name)).isoformat()
    except ValueError:
        raise accounts.InvalidInput({name: "choose a date and time"}) from None


def welcome_everyone(followup: Upstream, event_id: str) -> int:
    """Queue the welcome email for every attendee not yet sent one; how many."""
    return int(followup.call("POST", f"/v1/events/{event_id}/welcome").json()["queued"])


def resend_welcome(followup: Upstream, event_id: str, attendee_id: str) -> bool:
    """One more welcome email to this attendee; False when one is already on its way."""
    return bool(
        followup.call("POST", f"/v1/events/{event_id}/attendees/{attendee_id}/welcome").json()["queued"]
    )


def welcome_preview(followup: Upstream, event_id: str, attendee_id: str) -> Reply:
    return followup.call(
        "GET", f"/v1/events/{event_id}/attendees/{attendee_id}/welcome/preview", accept="text/html"
    )


PRIVATE_LINK_COLUMNS = ("name", "email", "language", "short_code", "private_url")


def private_links(badge: Upstream, event_id: str) -> list[tuple]:
    """Each attendee's name, email, language, short code and private link, from the badge service
    (which alone makes private links): the rows of an organizer's own mail merge."""
    people = badge.call("GET", f"/v1/events/{event_id}/attendees", timeout=PDF_TIMEOUT).json()["attendees"]
    return [tuple(p[c] for c in PRIVATE_LINK_COLUMNS) for p in people]


def event_details(answer: dict) -> dict:
    """The event.* fields of the badge service's answer about an event (what the read model learns)."""
    keys = ("name", "venue", "starts_at", "ends_at", "timezone", "language")
    return {"event_id": answer["id"], **{k: answer[k] for k in keys}}
