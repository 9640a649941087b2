"""The links in a follow-up email: unsubscribe, "followed up", and a contact's vCard.

Each link's signed token says who it is for, so no login is needed. GET only shows a page with
one button (mail scanners follow links, and must not unsubscribe anyone); POST acts. The
unsubscribe POST is also the RFC 8058 one-click target named in the List-Unsubscribe header.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, render_template, request

from services.followup import contacts, marks
from services.followup.digest import shared_interests
from services.followup.links import read_link
from services.followup.models import Attendee, Event, Meeting, Note
from services.followup.store import person
from shared.envelope import utc_now
from shared.tokens import InvalidToken
from shared.vcard import Where
from shared.web import NotFound

bp = Blueprint("followup_pages", __name__)

TEXT = {
    "en": {
        "unsubscribe_title": "Unsubscribe",
        "unsubscribe_ask": "Stop all follow-up emails from {event}?",
        "unsubscribe_button": "Unsubscribe",
        "unsubscribed": "Done: you will get no more emails from {event}.",
        "done_title": "Followed up",
        "done_ask": "Mark {name} as followed up? We won't remind you about them again.",
        "done_button": "Mark as followed up",
        "done": "Thanks! {name} is marked as followed up.",
        "gone": "This person is no longer listed.",
    },
    "ar": {
        "unsubscribe_title": "إلغاء الاشتراك",
        "unsubscribe_ask": "إيقاف جميع رسائل المتابعة من {event}؟",
        "unsubscribe_button": "إلغاء الاشتراك",
        "unsubscribed": "تم: لن تصلك رسائل أخرى من {event}.",
        "done_title": "تم التواصل",
        "done_ask": "وضع علامة «تم التواصل» على {name}؟ لن نذكّرك بهذا اللقاء مجددًا.",
        "done_button": "تم التواصل",
        "done": "شكرًا! وُضعت علامة «تم التواصل» على {name}.",
        "gone": "هذا اللقاء لم يعد مدرجًا.",
    },
}


def service():
    return current_app.extensions["followup"]


def link_reader(session, token: str) -> Attendee:
    try:
        reader_id = read_link(service().signer, token)
    except InvalidToken:
        raise NotFound(
            "this link is not valid: it may be incomplete, copy the whole link", code="bad_link"
        ) from None
    reader = session.get(Attendee, reader_id)
    if reader is None:
        raise NotFound("this link's owner is no longer known here", code="unknown_attendee")
    return reader


def page(reader: Attendee, title: str, message: str, button: str = "") -> str:
    lang = reader.language if reader.language in TEXT else "en"
    return render_template(
        "page.html",
        lang=lang,
        dir="rtl" if lang == "ar" else "ltr",
        title=title,
        message=message,
        button=button,
    )


@bp.route("/u/<token>", methods=["GET", "POST"])
def unsubscribe(token):
    with service().sessions() as session:
        reader = link_reader(session, token)
        event = session.get(Event, reader.event_id)
        t = TEXT.get(reader.language, TEXT["en"])
        name = event.name if event else ""
        if request.method == "GET" and reader.unsubscribed_at is None:
            return page(
                reader,
                t["unsubscribe_title"],
                t["unsubscribe_ask"].format(event=name),
                t["unsubscribe_button"],
            )
        marks.unsubscribe(session, reader, utc_now())
        session.commit()
        return page(reader, t["unsubscribe_title"], t["unsubscribed"].format(event=name))


@bp.route("/d/<token>/<contact_id>", methods=["GET", "POST"])
def followed_up(token, contact_id):
    with service().sessions() as session:
        reader = link_reader(session, token)
        t = TEXT.get(reader.language, TEXT["en"])
        contact = session.get(Attendee, contact_id)
        if contact is None or contact.event_id != reader.event_id:  # someone of another event is nobody here
            return page(reader, t["done_title"], t["gone"])
        if request.method == "GET":
            return page(reader, t["done_title"], t["done_ask"].format(name=contact.name), t["done_button"])
        marks.mark_followed_up(session, reader, contact_id, utc_now())
        session.commit()
        return page(reader, t["done_title"], t["done"].format(name=contact.name))


@bp.get("/v/<token>/<contact_id>")
def vcard(token, contact_id):
    """A contact card, only while its owner agrees to share it, and only for a reader the email
    pointed to them: the two met, or they share an interest."""
    with service().sessions() as session:
        reader = link_reader(session, token)
        contact = session.get(Attendee, contact_id)
        if contact is None or not contact.consent_share_contact or contact.event_id != reader.event_id:
            raise NotFound("this contact is not shared", code="not_shared")
        low, high = sorted((reader.id, contact_id))
        meeting = session.scalars(
            sa.select(Meeting).where(Meeting.low_id == low, Meeting.high_id == high)
        ).first()
        common = shared_interests(tuple(reader.interests or ()), tuple(contact.interests or ()))
        if meeting is None and not common:
            raise NotFound("this contact is not shared", code="not_shared")
        notes = (
            tuple(
                n
                for n in session.scalars(
                    sa.select(Note.note)
                    .where(Note.meeting_id == meeting.id, Note.scanner_id == reader.id)
                    .order_by(Note.scanned_at, Note.id)
                )
                if n.strip()
            )
            if meeting
            else ()
        )
        event = session.get(Event, reader.event_id)
        where = Where(event.name, event.venue, event.timezone) if event else Where("")
        card = contacts.vcard(
            reader.language,
            person(contact),
            where,
            met_at=meeting.first_met_at if meeting else None,
            notes=notes,
            shared_interests=common,
        )
    filename = "".join(ch for ch in contact.name if ch.isalnum() or ch in " -_").strip() or "contact"
    return Response(
        card,
        mimetype="text/vcard",
        headers={
            "Content-Disposition": f"attachment; filename=\"contact.vcf\"; filename*=UTF-8''{_quote(filename)}.vcf"
        },
    )


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")
