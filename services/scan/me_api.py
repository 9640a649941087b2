"""The attendee's own API: `GET /v1/me/people`, `PATCH /v1/me/people/{id}`, the .vcf export, and
`GET /v1/me/lookup` (whom a QR or typed code names, before the note is written).

Who asks is the scanner token as a bearer, or the identity cookie of the scan pages; a change
made with the cookie carries the page's CSRF token in `X-CSRF-Token`, as the scanner's save does.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from services.scan import handlers
from services.scan.directory import Person
from services.scan.domain import ScanError
from services.scan.people import Contact, clock, parse_edit_notes, search
from services.scan.peoplestore import edit_notes, my_people
from services.scan.vcards import vcards
from shared.envelope import iso, utc_now
from shared.vcard import Where
from shared.web import Unauthorized, bearer_token, json_body

bp = Blueprint("scan_me", __name__, url_prefix="/v1/me")


def service():
    return current_app.extensions["scan"]


def requester() -> Person:
    """The attendee making this request (401 problem+json for nobody, 403 for a cookie without CSRF)."""
    from services.scan.pages import COOKIE, check_csrf

    s = service()
    if "Authorization" in request.headers:
        return handlers.identify_scanner(s.directory, s.signer, bearer_token())
    token = request.cookies.get(COOKIE)
    if not token:
        raise Unauthorized(
            "send Authorization: Bearer <scanner token>, or open your private link on this phone",
            code="missing_token",
        )
    if request.method not in ("GET", "HEAD"):
        check_csrf(token, request.headers.get("X-CSRF-Token"))
    return handlers.identify_scanner(s.directory, s.signer, token)


def contact_json(c: Contact) -> dict:
    return {
        "id": c.id,
        "name": c.name,
        "headline": c.headline,
        "company": c.company,
        "title": c.title,
        "met_at": iso(c.met_at),
        "last_at": iso(c.last_at),
        "i_scanned": c.i_scanned,
        "they_scanned": c.they_scanned,
        "mutual": c.mutual,
        "saved_you": c.saved_you,
        "notes": list(c.notes),
        "tags": list(c.tags),
        "email": c.email or None,
    }


@bp.get("/people")
def people():
    me = requester()
    with service().sessions() as session:
        found = search(my_people(session, me), request.args.get("q", "")[:200])
    return {"people": [contact_json(c) for c in found]}


@bp.patch("/people/<attendee_id>")
def edit(attendee_id):
    me = requester()
    cmd = parse_edit_notes(json_body())
    with service().sessions() as session:
        contact = edit_notes(session, me, attendee_id, cmd, utc_now())
        session.commit()
    return contact_json(contact)


@bp.get("/people.vcf")
def export():
    me = requester()
    with service().sessions() as session:
        found = my_people(session, me)
        where = Where(
            handlers.event_name(session, me.event_id), timezone=handlers.event_timezone(session, me.event_id)
        )
    return Response(
        vcards(found, where, me.language),
        mimetype="text/vcard",
        headers={"Content-Disposition": 'attachment; filename="my-people.vcf"'},
    )


@bp.get("/lookup")
def lookup():
    """Who `?scanned=` (QR text, badge URL or short code) is, for the scanner to show before the
    note; `met` when I have met them already (when, in the event's time, and my notes so far).
    Refused as a scan would be: unreadable, unknown_short_code, self_scan, revoked, other_event, forged."""
    me = requester()
    text = request.args.get("scanned", "")
    if not text.strip() or len(text) > 2000:
        raise ScanError(
            "scanned: the QR text, its URL, or a six-character short code",
            code="invalid_input",
            errors={"scanned": "the QR text, its URL, or a six-character short code"},
        )
    s = service()
    if not s.lookups.allow(me.id):
        raise ScanError(
            "too many lookups in one minute: wait a moment", code="rate_limited", status=429, retry_after=60
        )
    other = handlers.resolve_scanned(s.directory, s.signer, me, text)
    with s.sessions() as session:
        met = [c for c in my_people(session, me, other.id) if c.i_scanned]
        zone = handlers.event_timezone(session, me.event_id)
    return {
        "person": {
            "id": other.id,
            "name": other.name,
            "headline": other.headline,
            "company": other.company,
            "title": other.title,
        },
        "met": {
            "met_at": iso(met[0].met_at),
            "clock": clock(met[0].met_at, zone),
            "notes": list(met[0].notes),
            "tags": list(met[0].tags),
        }
        if met
        else None,
    }
