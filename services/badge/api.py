"""Organizer API of the badge service (bearer token). Routes parse, call a handler, shape the answer."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from services.badge import csv_import, handlers, views
from services.badge.domain import validate_event
from services.badge.event_mail import validate_mail_settings
from services.badge.meeting_point import validate_meeting_point
from services.badge.render import LAYOUTS, render_pdf, render_png
from shared.envelope import utc_now
from shared.web import DomainError, attachment, current_organizer, json_body, organizer_only

bp = Blueprint("badge_api", __name__, url_prefix="/v1")
PAPER_LAYOUTS = {"a4": "a4-a6", "letter": "letter"}
MAX_CHOSEN = 1000  # badges printed by id in one request: a reprint of some, not the whole event


def chosen_attendees(value: str | None) -> tuple[str, ...] | None:
    """?attendees=id,id,...: print only these (a lost badge, late registrations); None: everyone."""
    if value is None:
        return None
    ids = tuple(dict.fromkeys(i.strip() for i in value.split(",") if i.strip()))
    if not ids or len(ids) > MAX_CHOSEN or not all(i.isascii() and i.isalnum() and len(i) <= 16 for i in ids):
        raise DomainError(
            f"attendees is a comma-separated list of 1 to {MAX_CHOSEN} attendee ids", code="invalid_input"
        )
    return ids


def service():
    return current_app.extensions["badge"]


def in_transaction(use_case, *args):
    """Run a handler in one transaction and commit it; returns what the handler returned."""
    with service().sessions() as session:
        result = use_case(session, *args)
        session.commit()
        return result


def attendee_event(kwargs) -> str:
    """The event of the route's attendee, whose organizers may act on them (404 if unknown)."""
    with service().sessions() as session:
        return handlers.get_attendee(session, kwargs["attendee_id"]).event_id


def attendee_answer(attendee, status=200):
    s = service()
    return views.attendee_json(attendee, s.settings, s.signer), status


@bp.post("/events")
@organizer_only("create_events")
def create_event():
    body = json_body()
    event = in_transaction(
        handlers.create_event,
        validate_event(body),
        validate_mail_settings(body),
        validate_meeting_point(body),
        current_organizer().organizer_id,
    )
    return views.event_json(event), 201, {"Location": f"/v1/events/{event.id}"}


@bp.get("/events/<event_id>")
@organizer_only("view")
def get_event(event_id):
    with service().sessions() as session:
        return views.event_json(handlers.get_event(session, event_id))


@bp.patch("/events/<event_id>")
@organizer_only("manage")
def update_event(event_id):
    return views.event_json(in_transaction(handlers.update_event, event_id, json_body()))


@bp.post("/events/<event_id>/close")
@organizer_only("manage")
def close_event(event_id):
    return views.event_json(in_transaction(handlers.close_event, event_id, utc_now()))


@bp.post("/events/<event_id>/attendees")
@organizer_only("attendees")
def register_attendee(event_id):
    attendee = in_transaction(handlers.register_attendee, event_id, json_body())
    return attendee_answer(attendee, 201)


@bp.get("/events/<event_id>/attendees")
@organizer_only("contacts")
def list_attendees(event_id):
    s = service()
    with s.sessions() as session:
        event = handlers.get_event(session, event_id)
        return {
            "event": views.event_json(event),
            "attendees": [
                views.attendee_json(a, s.settings, s.signer)
                for a in handlers.list_attendees(session, event_id)
            ],
        }


@bp.post("/events/<event_id>/badges/verify")
@organizer_only("badges")
def verify_badge(event_id):
    token = json_body().get("token")
    if not isinstance(token, str) or not token:
        raise DomainError('send {"token": "<badge token>"}', code="invalid_input", status=422)
    s = service()
    with s.sessions() as session:
        handlers.get_event(session, event_id)
        return attendee_answer(handlers.verify_badge(session, s.signer, token.rsplit("/", 1)[-1], event_id))


@bp.get("/events/<event_id>/attendees/<attendee_id>")
@organizer_only("contacts")
def get_event_attendee(event_id, attendee_id):
    with service().sessions() as session:
        return attendee_answer(handlers.get_attendee(session, attendee_id, event_id))


@bp.get("/attendees/<attendee_id>")
@organizer_only("contacts", event_of=attendee_event)
def get_attendee(attendee_id):
    with service().sessions() as session:
        return attendee_answer(handlers.get_attendee(session, attendee_id))


@bp.patch("/attendees/<attendee_id>")
@organizer_only("attendees", event_of=attendee_event)
def update_attendee(attendee_id):
    return attendee_answer(in_transaction(handlers.update_attendee, attendee_id, json_body()))


@bp.delete("/attendees/<attendee_id>")
@organizer_only("attendees", event_of=attendee_event)
def erase_attendee(attendee_id):
    in_transaction(handlers.erase_attendee, attendee_id)
    return "", 204


@bp.post("/attendees/<attendee_id>/reissue")
@organizer_only("badges", event_of=attendee_event)
def reissue(attendee_id):
    return attendee_answer(in_transaction(handlers.reissue_badge, attendee_id))


@bp.post("/attendees/<attendee_id>/private-link")
@organizer_only("attendees", event_of=attendee_event)
def renew_private_link(attendee_id):
    """A new private link (answered in `private_url` and `scanner_token`); the old ones stop working."""
    return attendee_answer(in_transaction(handlers.renew_private_link, attendee_id))


@bp.post("/events/<event_id>/attendees/import")
@organizer_only("attendees")
def import_attendees(event_id):
    upload = request.files.get("file")
    raw = upload.read() if upload else request.get_data()
    if not raw:
        raise DomainError(
            "send the CSV as the request body (text/csv) or as a form field named 'file'", code="empty_upload"
        )
    rows = csv_import.read_rows(csv_import.decode_upload(raw), service().settings.import_max_rows)
    result = in_transaction(handlers.import_attendees, event_id, rows)
    return result.as_json()


@bp.get("/attendees/<attendee_id>/badge.png")
@organizer_only("badges", event_of=attendee_event)
def badge_png(attendee_id):
    s = service()
    with s.sessions() as session:
        attendee = handlers.get_attendee(session, attendee_id)
        card = views.badge_card(
            attendee, handlers.get_event(session, attendee.event_id), s.settings, s.signer
        )
    return Response(
        render_png(card),
        mimetype="image/png",
        headers={"Content-Disposition": attachment(f"badge-{attendee_id}.png", "inline")},
    )


@bp.get("/events/<event_id>/badges.pdf")
@organizer_only("badges")
def badges_pdf(event_id):
    layout = request.args.get("layout") or PAPER_LAYOUTS.get(request.args.get("paper", "a4"))
    if layout not in LAYOUTS:
        raise DomainError(f"choose paper=a4|letter or layout={'|'.join(LAYOUTS)}", code="unknown_layout")
    double_sided = request.args.get("sides", "1") == "2"
    s = service()
    handlers.check_printable(s.settings.public_url, request.args.get("force") == "1")
    chosen = chosen_attendees(request.args.get("attendees"))
    with s.sessions() as session:
        event = handlers.get_event(session, event_id)
        people = handlers.list_attendees(session, event_id, chosen)
        cards = [views.badge_card(a, event, s.settings, s.signer) for a in people]
    if not cards and chosen:
        raise DomainError(
            "none of the chosen attendees is registered for this event", code="unknown_attendee", status=404
        )
    if not cards:
        raise DomainError(
            "this event has no attendees yet: register or import some first", code="no_attendees", status=409
        )
    pdf = render_pdf(cards, layout=layout, double_sided=double_sided)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": attachment(f"badges-{event_id}-{layout}.pdf")},
    )
