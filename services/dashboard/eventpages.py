"""The organizer's pages for running one event: the live view, attendees (import, badges, print
sheets, follow-up previews), closing it, and what it produced afterwards."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, redirect, request, stream_with_context, url_for

from services.dashboard import access, accounts, audit, exports, figures, messages, operations
from services.dashboard import attendees as attendees_ops
from services.dashboard.auth import db, may, organizer, require_organizer, service, visible_event
from services.dashboard.matchinsights import enrich
from services.dashboard.models import Attendee, Followup
from services.dashboard.pages import friendly_errors, page
from services.dashboard.pagetext import LAYOUT_NAMES, SCRIPT_TEXT, TEXT, campaign_name
from shared.config import unreachable_by_phones
from shared.events import SIGNIN_CAMPAIGN, WELCOME_CAMPAIGN
from shared.quotes import isolate_quotes
from shared.web import DomainError, NotFound, attachment, int_arg

bp = Blueprint("dashboard_events", __name__, url_prefix="/events")
friendly_errors(bp)
PAGE_SIZE = 100
MAX_PAGE = 10**6  # 100 million attendees: a page past any event, small enough for an SQL OFFSET
# An email is someone else's HTML: shown in a sandboxed frame, it runs no script and reaches nothing.
PREVIEW_CSP = "sandbox; default-src 'none'; img-src * data:; style-src 'unsafe-inline'; font-src * data:"


@bp.get("")
def events():
    return page("events.html", events=accounts.visible_events(db(), require_organizer()), form={})


@bp.post("")
def create_event():
    form = request.form.to_dict()
    try:
        fields = operations.event_fields(form)
        answer = operations.create_event(
            service().badge, db(), require_organizer(), fields, service().clock()
        )
    except DomainError as err:  # our own form checks, or the badge service's, field by field
        if "errors" not in err.extra:
            raise
        return _event_form_again(
            form, messages.field_messages(err.extra["errors"], require_organizer().language)
        )
    _audit(answer["id"], "event_created", answer.get("name", ""))
    db().commit()
    return redirect(url_for(".live", event_id=answer["id"]), 303)


def _event_form_again(form: dict, errors: dict):
    return page(
        "events.html",
        422,
        events=accounts.visible_events(db(), require_organizer()),
        form=form,
        errors=errors,
    )


@bp.get("/<event_id>")
def live(event_id):
    event = visible_event(event_id)
    figures_now = figures.stats(db(), event, service().clock())
    lang = require_organizer().language
    config = {
        "live": url_for("dashboard_api.live", event_id=event.id),
        "graph": url_for("dashboard_api.graph", event_id=event.id),
        "lang": lang,
        "timezone": event.timezone,
        "text": {key: TEXT[lang][key] for key in SCRIPT_TEXT},
    }
    unmet, suggestions = enrich(service().match, event.id, figures.unmet(db(), event.id), lang)
    return page(
        "live.html",
        event=event,
        stats=figures_now,
        unmet=unmet,
        suggestions=suggestions,
        config=config,
        isolate_quotes=isolate_quotes,
    )


@bp.get("/<event_id>/attendees")
def attendees(event_id, status=200, imported=None):
    event = visible_event(event_id)
    query, number = request.args.get("q", "").strip(), int_arg("page", 1, 1, MAX_PAGE)
    where = [Attendee.event_id == event.id, Attendee.registered]
    if query:
        where.append(attendees_ops.matching(query, with_email=may("contacts", event.id)))
    total = db().scalar(sa.select(sa.func.count()).where(*where))
    people = (
        db()
        .scalars(
            sa.select(Attendee)
            .where(*where)
            .order_by(Attendee.name, Attendee.id)
            .offset((number - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
        .all()
    )
    public_url = service().settings.public_url
    welcomed = request.args.get("welcomed")
    return page(
        "attendees.html",
        status,
        event=event,
        people=people,
        q=query,
        page_number=number,
        pages=max(1, -(-total // PAGE_SIZE)),
        total=total,
        layouts=LAYOUT_NAMES,
        imported=imported,
        public_url=public_url,
        unreachable=unreachable_by_phones(public_url),
        welcome=welcome_statuses(event.id, [p.id for p in people]),
        welcomed=int(welcomed) if welcomed and welcomed.isascii() and welcomed.isdigit() else None,
        erased=request.args.get("erased") == "1",
    )


def welcome_statuses(event_id: str, attendee_ids: list[str]) -> dict[str, str]:
    """The latest status of each attendee's welcome email (from rapport.followups); absent: none yet."""
    return (
        dict(
            db()
            .execute(
                sa.select(Followup.attendee_id, Followup.status).where(
                    Followup.event_id == event_id,
                    Followup.campaign == WELCOME_CAMPAIGN,
                    Followup.attendee_id.in_(attendee_ids),
                )
            )
            .all()
        )
        if attendee_ids
        else {}
    )


@bp.post("/<event_id>/welcome")
def welcome_everyone(event_id):
    event = visible_event(event_id, "attendees")
    queued = operations.welcome_everyone(service().followup, event.id)
    _audit(event.id, "welcome_sent_all", detail={"queued": queued}, commit=True)
    return redirect(url_for(".attendees", event_id=event.id, welcomed=queued) + "#welcome", 303)


@bp.get("/<event_id>/private-links.csv")
def private_links(event_id):
    event = visible_event(event_id, "attendees")
    rows = operations.private_links(service().badge, event.id)
    _audit(event.id, "exported", "private-links.csv", commit=True)
    return Response(
        stream_with_context(exports.lines(operations.PRIVATE_LINK_COLUMNS, rows)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": attachment(f"{event.id}-private-links.csv"),
            "Cache-Control": "no-store",
        },
    )


@bp.post("/<event_id>/attendees/import")
def import_attendees(event_id):
    event = visible_event(event_id, "attendees")
    upload = request.files.get("file")
    result = operations.import_attendees(service().badge, event.id, upload.read() if upload else b"")
    counts = {k: result[k] for k in ("created", "updated", "unchanged") if isinstance(result.get(k), int)}
    _audit(
        event.id,
        "imported",
        upload.filename or "",
        {**counts, "rejected": len(result.get("rejected") or [])},
        True,
    )
    attendees_ops.sync_attendees(service().badge, db(), event.id)  # the list is right at once
    db().commit()
    return attendees(event.id, 200, imported=messages.imported(result, require_organizer().language))


@bp.get("/<event_id>/badges.pdf")
def badges_pdf(event_id):
    event = visible_event(event_id, "badges")
    reply = operations.badges_pdf(
        service().badge,
        event.id,
        request.args.get("layout", "a4-a6"),
        request.args.get("sides") == "2",
        force=request.args.get("force") == "1",
    )
    layout = request.args.get("layout", "a4-a6")
    _audit(event.id, "badges_printed", layout, {"sides": 2 if request.args.get("sides") == "2" else 1}, True)
    return Response(
        reply.body,
        mimetype="application/pdf",
        headers={"Content-Disposition": attachment(f"badges-{event.id}.pdf")},
    )


def _attendee(event_id: str, attendee_id: str, permission: str = "view") -> Attendee:
    event = visible_event(event_id, permission)
    person = db().get(Attendee, attendee_id)
    if person is None or person.event_id != event.id or not person.registered:
        raise NotFound(f"this event has no attendee {attendee_id!r}", code="unknown_attendee")
    return person


@bp.get("/<event_id>/attendees/<attendee_id>")
def attendee(event_id, attendee_id, new_link=None):
    person = _attendee(event_id, attendee_id)
    record = own = None  # a viewer sees neither (no `followups`): not asked for, not offered
    if may("followups", event_id):
        try:
            record = attendees_ops.followup_record(service().followup, event_id, person.id)
        except DomainError:  # away, or it has not heard of the event yet: the page says so
            record = None
        try:
            own = operations.wording(service().followup, event_id, person.language)
        except DomainError:  # the follow-up service is away or does not know the event yet: no form
            own = None
    welcome, note = welcome_statuses(event_id, [person.id]).get(person.id), request.args.get("welcome")
    lang = require_organizer().language
    t = TEXT[lang]
    return page(
        "attendee.html",
        event=visible_event(event_id),
        person=person,
        wording=own,
        welcome=welcome,
        welcome_note=note if note in ("queued", "waiting") else None,
        record=record,
        why=lambda text: messages.delivery_reason(text, lang),
        campaign_label=lambda c: t["campaign_signin"] if c == SIGNIN_CAMPAIGN else campaign_name(c, t),
        unreachable=unreachable_by_phones(service().settings.public_url),
        new_link=new_link,
        done=request.args.get("done") if request.args.get("done") in DONE else None,
        layouts=LAYOUT_NAMES,
    )


DONE = ("added", "saved", "reissued")  # what the person page confirms after an action


@bp.post("/<event_id>/attendees/<attendee_id>/welcome")
def resend_welcome(event_id, attendee_id):
    person = _attendee(event_id, attendee_id, "attendees")
    queued = operations.resend_welcome(service().followup, event_id, person.id)
    _audit(event_id, "welcome_resent", person.id, {"queued": queued}, True)
    return redirect(
        url_for(
            ".attendee", event_id=event_id, attendee_id=person.id, welcome="queued" if queued else "waiting"
        )
        + "#welcome",
        303,
    )


@bp.get("/<event_id>/attendees/<attendee_id>/welcome")
def welcome_preview(event_id, attendee_id):
    person = _attendee(event_id, attendee_id, "followups")
    reply = operations.welcome_preview(service().followup, event_id, person.id)
    return Response(
        reply.body,
        mimetype="text/html",
        headers={"Content-Security-Policy": PREVIEW_CSP, "X-Content-Type-Options": "nosniff"},
    )


@bp.get("/<event_id>/attendees/<attendee_id>/badge.png")
def badge_png(event_id, attendee_id):
    reply = operations.badge_png(service().badge, _attendee(event_id, attendee_id, "badges").id)
    return Response(reply.body, mimetype="image/png", headers={"Cache-Control": "private, max-age=60"})


@bp.get("/<event_id>/attendees/<attendee_id>/followup")
def followup_preview(event_id, attendee_id):
    person = _attendee(event_id, attendee_id, "followups")
    as_text = request.args.get("format") == "text"
    reply = operations.followup_preview(service().followup, event_id, person.id, as_text)
    return Response(
        reply.body,
        mimetype="text/plain" if as_text else "text/html",
        headers={"Content-Security-Policy": PREVIEW_CSP, "X-Content-Type-Options": "nosniff"},
    )


@bp.post("/<event_id>/attendees/<attendee_id>/wording")
def wording(event_id, attendee_id):
    """Save the organizer's wording in this attendee's language, or reset it (button "reset")."""
    person = _attendee(event_id, attendee_id, "followups")
    form = request.form.to_dict()
    if "reset" in form:
        operations.reset_wording(service().followup, event_id, person.language)
    else:
        operations.save_wording(service().followup, event_id, person.language, form)
    _audit(event_id, "wording_changed", person.language, {"reset": "reset" in form}, True)
    return redirect(url_for(".attendee", event_id=event_id, attendee_id=person.id) + "#wording", 303)


@bp.post("/<event_id>/attendees/<attendee_id>/wording/preview")
def wording_preview(event_id, attendee_id):
    """The draft shown in the preview frame (the form's target), not saved."""
    person = _attendee(event_id, attendee_id, "followups")
    reply = operations.draft_preview(service().followup, event_id, person.id, request.form.to_dict())
    return Response(
        reply.body,
        mimetype="text/html",
        headers={"Content-Security-Policy": PREVIEW_CSP, "X-Content-Type-Options": "nosniff"},
    )


@bp.post("/<event_id>/close")
def close(event_id):
    event = visible_event(event_id)
    operations.close_event(service().badge, db(), event.id)
    _audit(event.id, "event_closed")
    db().commit()
    return redirect(url_for(".after", event_id=event.id), 303)


@bp.get("/<event_id>/after")
def after(event_id, status=200, granted=None, revoked=None):
    event = visible_event(event_id)
    t = TEXT[require_organizer().language]
    followups = figures.followup_summary(db(), event.id)
    campaigns = [(campaign_name(c, t), row) for c, row in followups["by_campaign"].items()]
    return page(
        "after.html",
        status,
        event=event,
        campaigns=campaigns,
        unsubscribed=followups["summary"]["unsubscribed"],
        granted=granted,
        revoked=revoked,
        grants=accounts.grants_of(db(), event.id),
        may_revoke=accounts.may_revoke(db(), require_organizer(), event.id),
    )


@bp.post("/<event_id>/organizers")
def grant(event_id):
    event = visible_event(event_id, "manage")
    granted = accounts.grant_by_email(db(), request.form.get("email", ""), event.id, service().clock())
    access.publish_grant(db(), granted)  # every service learns it (rapport.organizers)
    _audit(event.id, "granted", granted.email)
    db().commit()
    return after(event.id, 201, granted=granted)


@bp.post("/<event_id>/organizers/revoke")
def revoke(event_id):
    event = visible_event(event_id, "manage")
    email = request.form.get("email", "")
    accounts.revoke_grant(db(), require_organizer(), event.id, email)
    access.publish_revocation(db(), event.id, email.strip().lower())
    _audit(event.id, "revoked", email.strip().lower())
    db().commit()
    return after(event.id, revoked=email.strip().lower())


def _audit(event_id: str, action: str, subject: str = "", detail: dict | None = None, commit: bool = False):
    """Note the organizer's action in the event's audit log (after it succeeded)."""
    audit.record(db(), organizer(), event_id, action, subject, detail, now=service().clock())
    if commit:
        db().commit()
