"""The organizer's pages for changing attendees and the event: add, edit, erase (after a page that
says what goes), reissue a badge, a new private link, print one badge or a chosen set, and the
event's settings. Each route parses the form, calls attendees.py, and shows the outcome."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, redirect, request, url_for

from services.dashboard import attendees, messages
from services.dashboard.auth import db, require_organizer, service, visible_event
from services.dashboard.eventpages import _attendee, _audit
from services.dashboard.pages import friendly_errors, page
from services.dashboard.pagetext import LAYOUT_NAMES
from shared.envelope import parse_iso
from shared.web import DomainError, InvalidInput, attachment

bp = Blueprint("dashboard_people", __name__, url_prefix="/events")
friendly_errors(bp)
ONE_BADGE_LAYOUT = "single-a6"
MAX_CHOSEN = 1000  # the badge service's limit for one request


@bp.app_template_filter("in_zone")
def in_zone(moment: datetime | str | None, zone: str) -> str:
    """A moment as the event's local time with its offset: "2026-12-01 09:00 +03:00"."""
    if not moment:
        return ""
    moment = parse_iso(moment) if isinstance(moment, str) else moment
    local = moment.astimezone(ZoneInfo(zone or "UTC"))
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def local_input(moment: str | None, zone: str) -> str:
    """A moment as a datetime-local field's value in the event's zone."""
    return parse_iso(moment).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M") if moment else ""


def _lang() -> str:
    return require_organizer().language


def _form_again(template: str, err: DomainError, form: dict, **context):
    """The form as it was sent, each field's reason beside it in the organizer's language."""
    errors = err.extra.get("errors")
    if not isinstance(errors, dict):  # a refusal of the whole form (a taken email, a closed event)
        errors = {"email" if err.code == "duplicate_email" else "form": messages.refusal(err, _lang())}
    else:
        errors = messages.field_messages(errors, _lang())
    return page(template, err.status, form=form, errors=errors, **context)


@bp.get("/<event_id>/attendees/new")
def new_attendee(event_id):
    event = visible_event(event_id, "attendees")
    return page("attendee_form.html", event=event, form={"language": event.language}, errors={})


@bp.post("/<event_id>/attendees/new")
def add_attendee(event_id):
    event, form = visible_event(event_id, "attendees"), request.form.to_dict()
    try:
        made = attendees.add_attendee(service().badge, db(), event.id, attendees.attendee_fields(form))
    except DomainError as err:
        if err.status >= 500:
            raise
        return _form_again("attendee_form.html", err, form, event=event)
    # Audit subjects are attendee ids, never names: the log must not outlive an erasure.
    _audit(event.id, "added", made["id"], commit=True)
    return redirect(
        url_for("dashboard_events.attendee", event_id=event.id, attendee_id=made["id"], done="added"), 303
    )


@bp.get("/<event_id>/attendees/<attendee_id>/edit")
def edit_attendee(event_id, attendee_id):
    person = _attendee(event_id, attendee_id, "attendees")
    held = attendees.get_attendee(service().badge, event_id, person.id)
    form = {
        **{k: held.get(k, "") for k in attendees.TEXT_FIELDS},
        "interests": ", ".join(held["interests"]),
        **{f"consent_{k}": "1" for k, v in held["consent"].items() if v},
    }
    return page("attendee_form.html", event=visible_event(event_id), person=person, form=form, errors={})


@bp.post("/<event_id>/attendees/<attendee_id>/edit")
def save_attendee(event_id, attendee_id):
    person, form = _attendee(event_id, attendee_id, "attendees"), request.form.to_dict()
    try:
        attendees.edit_attendee(service().badge, db(), person.id, attendees.attendee_fields(form))
    except DomainError as err:
        if err.status >= 500:
            raise
        return _form_again("attendee_form.html", err, form, event=visible_event(event_id), person=person)
    _audit(event_id, "edited", person.id, commit=True)
    return redirect(
        url_for("dashboard_events.attendee", event_id=event_id, attendee_id=person.id, done="saved"), 303
    )


@bp.get("/<event_id>/attendees/<attendee_id>/erase")
def confirm_erase(event_id, attendee_id):
    person = _attendee(event_id, attendee_id, "attendees")
    return page("erase.html", event=visible_event(event_id), person=person)


@bp.post("/<event_id>/attendees/<attendee_id>/erase")
def erase(event_id, attendee_id):
    person = _attendee(event_id, attendee_id, "attendees")
    attendees.erase_attendee(service().badge, db(), event_id, person.id)
    _audit(event_id, "erased", person.id, commit=True)
    return redirect(url_for("dashboard_events.attendees", event_id=event_id, erased=1), 303)


@bp.post("/<event_id>/attendees/<attendee_id>/reissue")
def reissue(event_id, attendee_id):
    person = _attendee(event_id, attendee_id, "attendees")
    attendees.reissue_badge(service().badge, db(), person.id)
    _audit(event_id, "reissued", person.id, commit=True)
    return redirect(
        url_for("dashboard_events.attendee", event_id=event_id, attendee_id=person.id, done="reissued"), 303
    )


@bp.post("/<event_id>/attendees/<attendee_id>/private-link")
def renew_private_link(event_id, attendee_id):
    """The new link is shown in this answer only (never in a URL a redirect would log)."""
    from services.dashboard.eventpages import attendee

    person = _attendee(event_id, attendee_id, "attendees")
    answer = attendees.renew_private_link(service().badge, person.id)
    _audit(event_id, "new_private_link", person.id, commit=True)
    return attendee(event_id, person.id, new_link=answer["private_url"])


def _pdf(event_id: str, ids: list[str], name: str) -> Response:
    layout = request.args.get("layout") or ONE_BADGE_LAYOUT
    reply = attendees.badge_sheet(service().badge, event_id, ids, layout, request.args.get("force") == "1")
    return Response(reply.body, mimetype="application/pdf", headers={"Content-Disposition": attachment(name)})


@bp.get("/<event_id>/attendees/<attendee_id>/badge.pdf")
def badge_pdf(event_id, attendee_id):
    person = _attendee(event_id, attendee_id, "badges")
    printed = _pdf(event_id, [person.id], f"badge-{person.short_code or person.id}.pdf")
    _audit(event_id, "badges_printed", person.id, commit=True)  # once the badge service printed it
    return printed


@bp.get("/<event_id>/badges/chosen.pdf")
def chosen_pdf(event_id):
    event = visible_event(event_id, "badges")
    ids = list(dict.fromkeys(request.args.getlist("id")))
    if not ids or len(ids) > MAX_CHOSEN:
        raise InvalidInput({"id": f"choose 1 to {MAX_CHOSEN} attendees to print"})
    people = [_attendee(event.id, i).id for i in ids]
    printed = _pdf(event.id, people, f"badges-{event.id}-chosen.pdf")
    _audit(
        event.id,
        "badges_printed",
        request.args.get("layout") or ONE_BADGE_LAYOUT,
        {"chosen": len(people)},
        True,
    )
    return printed


@bp.get("/<event_id>/settings")
def settings(event_id, status=200, form=None, errors=None):
    event = visible_event(event_id, "manage")  # changing the event is the owners' (and admins')
    saved = request.method == "GET" and request.args.get("saved") == "1"
    if form is None:
        held = attendees.event_settings(service().badge, event.id)
        zone = held["timezone"]
        form = {
            **{k: held.get(k) or "" for k in ("name", "venue", "timezone", "language", "welcome")},
            **{k: held.get(k) or "" for k in attendees.EVENT_SETTINGS},
            **{
                k: local_input(held.get(k), zone)
                for k in ("starts_at", "ends_at", "followup_at", "welcome_at")
            },
        }
    return page(
        "settings.html",
        status,
        event=event,
        form=form,
        errors=errors or {},
        saved=saved,
        layouts=LAYOUT_NAMES,
    )


@bp.post("/<event_id>/settings")
def save_settings(event_id):
    event, form = visible_event(event_id, "manage"), request.form.to_dict()
    try:
        attendees.update_event(service().badge, db(), event.id, form)
    except DomainError as err:
        if err.status >= 500:
            raise
        errors = err.extra.get("errors")
        shown = (
            messages.field_messages(errors, _lang())
            if isinstance(errors, dict)
            else {"form": messages.refusal(err, _lang())}
        )
        return settings(event.id, err.status, form=form, errors=shown)
    _audit(event.id, "event_changed", commit=True)
    return redirect(url_for(".settings", event_id=event.id, saved=1), 303)
