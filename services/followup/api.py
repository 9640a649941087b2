"""Organizer API of the follow-up service (bearer token): delivery status, email previews, and the
organizer's own wording of the email (per event and language, with a live preview and a reset)."""

from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, request

from services.followup import custom, delivery
from services.followup.models import Attendee, CustomWording, Delivery, Event, FollowedUp
from services.followup.store import event_info, load_digests
from services.followup.wording import TEXT, language
from shared.envelope import utc_now
from shared.events import FOLLOWUP_CAMPAIGN as FOLLOWUP
from shared.events import SIGNIN_CAMPAIGN as SIGNIN
from shared.events import WELCOME_CAMPAIGN as WELCOME
from shared.events import nudge_days
from shared.web import DomainError, InvalidInput, NotFound, int_arg, json_body, organizer_only

bp = Blueprint("followup_api", __name__, url_prefix="/v1")
STATUSES = ("queued", "sending", "finishing", "sent", "deferred", "unconfirmed", "failed", "skipped")
MAX_PAGE = 1000


def service():
    return current_app.extensions["followup"]


def valid_campaign(campaign: str) -> str:
    if campaign not in (FOLLOWUP, WELCOME) and nudge_days(campaign) is None:
        raise DomainError('campaign is "welcome", "followup" or "nudge-<days>"', code="invalid_input")
    return campaign


@bp.get("/events/<event_id>/followups")
@organizer_only("followups")
def followups(event_id):
    status = request.args.get("status")
    if status is not None and status not in STATUSES:
        raise DomainError(f"status is one of {', '.join(STATUSES)}", code="invalid_input")
    campaign = request.args.get("campaign")
    limit, after = int_arg("limit", 200, 1, MAX_PAGE), int_arg("after", 0, 0, 2**62)
    with service().sessions() as session:
        if session.get(Event, event_id) is None:
            raise NotFound(f"no event {event_id!r} here (yet)", code="unknown_event")
        counts = session.execute(
            sa.select(Delivery.campaign, Delivery.status, sa.func.count())
            .where(Delivery.event_id == event_id)
            .group_by(Delivery.campaign, Delivery.status)
        ).all()
        by_campaign: dict[str, dict[str, int]] = {}
        for camp, state, n in counts:
            by_campaign.setdefault(camp, dict.fromkeys(STATUSES, 0))[state] = n
        unsubscribed = session.scalar(
            sa.select(sa.func.count())
            .select_from(Attendee)
            .where(Attendee.event_id == event_id, Attendee.unsubscribed_at.is_not(None))
        )
        followed_up = sa.select(sa.func.count()).where(FollowedUp.attendee_id == Delivery.attendee_id)
        query = (
            sa.select(Delivery, Attendee.name, followed_up.scalar_subquery())
            .join(Attendee, Attendee.id == Delivery.attendee_id, isouter=True)
            .where(Delivery.event_id == event_id, Delivery.id > after)
            .order_by(Delivery.id)
            .limit(limit)
        )
        if status:
            query = query.where(Delivery.status == status)
        person = request.args.get("attendee_id")
        if person is not None:  # one person's record (the dashboard's person page)
            query = query.where(Delivery.attendee_id == person)
            stopped = session.scalar(
                sa.select(Attendee.unsubscribed_at).where(
                    Attendee.id == person, Attendee.event_id == event_id
                )
            )
        if campaign:  # the sign-in emails are listed too (did it go?), though they have no preview
            query = query.where(
                Delivery.campaign == (SIGNIN if campaign == SIGNIN else valid_campaign(campaign))
            )
        rows = session.execute(query).all()
    summary = {state: sum(c[state] for c in by_campaign.values()) for state in STATUSES}
    items = [
        {
            "id": d.id,
            "attendee_id": d.attendee_id,
            "name": name or "",
            "campaign": d.campaign,
            "status": d.status,
            "attempts": d.attempts,
            "last_error": d.last_error,
            "sent_at": d.sent_at.isoformat() if d.sent_at else None,
            "contacts": d.contacts,
            "resend": d.resend,
            "followed_up": marked,
        }
        for d, name, marked in rows
    ]
    one = {"unsubscribed_at": stopped.isoformat() if stopped else None} if person is not None else {}
    return {
        **one,
        "event_id": event_id,
        "summary": summary | {"unsubscribed": unsubscribed},
        "by_campaign": by_campaign,
        "items": items,
        "next_after": items[-1]["id"] if len(items) == limit else None,
    }


@bp.route("/events/<event_id>/attendees/<attendee_id>/followup/preview", methods=["GET", "POST"])
@organizer_only("followups")
def preview(event_id, attendee_id):
    """The email this attendee would receive now (also before the event closes). POST a draft
    wording ({"subject", "opening", "signature"}, in the attendee's language) to see it with that,
    without saving it: the organizer's live preview."""
    fmt = request.args.get("format", "html")
    if fmt not in ("html", "text", "json"):
        raise DomainError("format is html, text or json", code="invalid_input")
    campaign = valid_campaign(request.args.get("campaign", FOLLOWUP))
    if campaign == WELCOME:
        raise DomainError(
            "the welcome email's preview is /v1/events/{id}/attendees/{attendee_id}/welcome/preview",
            code="invalid_input",
        )
    s = service()
    with s.sessions() as session:
        reader = session.get(Attendee, attendee_id)
        event = event_info(session, event_id)
        if reader is None or event is None or reader.event_id != event_id:
            raise NotFound(
                f"no attendee {attendee_id!r} in event {event_id!r} here (yet)", code="unknown_attendee"
            )
        digest = load_digests(session, [reader], s.best_matches)[attendee_id]
    if request.method == "POST":
        event = replace(
            event, wording={**event.wording, language(reader.language): checked_wording(json_body())}
        )
    composed = s.composer.compose(event, digest, campaign)
    if composed is None:
        raise NotFound(
            "no email would be sent: "
            + (
                "they met nobody, and nobody there shares their interests"
                if campaign == FOLLOWUP
                else "everyone they met is marked followed up"
            ),
            code="nothing_to_send",
        )
    if fmt == "json":
        return {
            "attendee_id": attendee_id,
            "campaign": campaign,
            "language": composed.language,
            "subject": composed.subject,
            "text": composed.text,
            "html": composed.html,
            "contacts": composed.contacts,
            "consent_followup": reader.consent_followup,
            "unsubscribed": reader.unsubscribed_at is not None,
        }
    if fmt == "text":
        return Response(composed.text, mimetype="text/plain")
    return Response(composed.html, mimetype="text/html")


def checked_wording(doc: dict) -> custom.Wording:
    try:
        return custom.validate(doc)
    except custom.WordingRefused as refused:
        raise InvalidInput(refused.errors) from None


def known_event(session, event_id: str) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"no event {event_id!r} here (yet)", code="unknown_event")
    return event


def known_language(lang: str) -> str:
    if lang not in TEXT:
        raise NotFound(f"no language {lang!r}: {', '.join(TEXT)}", code="unknown_language")
    return lang


@bp.get("/events/<event_id>/followup/wording")
@organizer_only("followups")
def get_wording(event_id):
    """The organizer's subject, opening and signature per language ("" where Rapport's text is used)."""
    with service().sessions() as session:
        known_event(session, event_id)
        own = {
            w.language: w
            for w in session.scalars(sa.select(CustomWording).where(CustomWording.event_id == event_id))
        }
    return {
        lang: {
            "subject": own[lang].subject if lang in own else "",
            "opening": own[lang].opening if lang in own else "",
            "signature": own[lang].signature if lang in own else "",
            "default_signature": TEXT[lang]["signature"],
            "custom": lang in own,
        }
        for lang in TEXT
    }


@bp.put("/events/<event_id>/followup/wording/<lang>")
@organizer_only("manage")
def put_wording(event_id, lang):
    lang, wording = known_language(lang), checked_wording(json_body())
    with service().sessions() as session:
        known_event(session, event_id)
        row = session.get(CustomWording, (event_id, lang)) or CustomWording(event_id=event_id, language=lang)
        row.subject, row.opening, row.signature, row.updated_at = (
            wording.subject,
            wording.opening,
            wording.signature,
            utc_now(),
        )
        session.merge(row)
        session.commit()
    return {"language": lang, **wording.__dict__}


@bp.delete("/events/<event_id>/followup/wording/<lang>")
@organizer_only("manage")
def reset_wording(event_id, lang):
    """Back to Rapport's text in this language."""
    with service().sessions() as session:
        known_event(session, event_id)
        session.execute(
            sa.delete(CustomWording).where(
                CustomWording.event_id == event_id, CustomWording.language == known_language(lang)
            )
        )
        session.commit()
    return "", 204


# -- the welcome email ----------------------------------------------------------------------------


def locked_event(session, event_id: str) -> Event:
    """The event, its row locked until commit: one organizer's welcome click at a time per event."""
    event = session.get(Event, event_id, with_for_update=True)
    if event is None:
        raise NotFound(f"no event {event_id!r} here (yet)", code="unknown_event")
    return event


def known_attendee(session, event_id: str, attendee_id: str) -> Attendee:
    known_event(session, event_id)
    reader = session.get(Attendee, attendee_id)
    if reader is None or reader.event_id != event_id:
        raise NotFound(
            f"no attendee {attendee_id!r} in event {event_id!r} here (yet)", code="unknown_attendee"
        )
    return reader


@bp.post("/events/<event_id>/attendees/<attendee_id>/welcome")
@organizer_only("attendees")
def resend_welcome(event_id, attendee_id):
    """Send this attendee their welcome email (again): one more copy, unless one is already on its way."""
    with service().sessions() as session:
        locked_event(session, event_id)
        known_attendee(session, event_id, attendee_id)
        queued = delivery.resend_welcome(session, event_id, attendee_id, utc_now())
        session.commit()
    return {
        "attendee_id": attendee_id,
        "queued": queued,
        "detail": "queued" if queued else "a welcome email to them is already on its way",
    }, 202


@bp.post("/events/<event_id>/welcome")
@organizer_only("manage")
def welcome_everyone(event_id):
    """Send the welcome email to every attendee of the event who has not been sent one (whatever its setting)."""
    with service().sessions() as session:
        locked_event(session, event_id)
        queued = delivery.welcome_everyone(session, event_id, utc_now())
        session.commit()
    return {"event_id": event_id, "queued": queued}, 202


@bp.get("/events/<event_id>/attendees/<attendee_id>/welcome/preview")
@organizer_only("followups")
def welcome_preview(event_id, attendee_id):
    """The welcome email this attendee gets, as HTML (the badge inline as a data: URI) or text."""
    fmt = request.args.get("format", "html")
    if fmt not in ("html", "text"):
        raise DomainError("format is html or text", code="invalid_input")
    s = service()
    with s.sessions() as session:
        reader = known_attendee(session, event_id, attendee_id)
        event = event_info(session, event_id)
        composed = s.composer.welcome(event, reader, inline_badge=False)
    if fmt == "text":
        return Response(composed.text, mimetype="text/plain")
    return Response(composed.html, mimetype="text/html")
