"""The attendee's own pages on the scan service: My people (and, beside it, My QR).

Routes on the scan pages' blueprint (services.scan.pages), so they share its identity cookie,
CSRF tokens, language choice and refusal pages. They work without JavaScript: search is a GET
form, an edit is a POST form that comes back to the list.
"""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from flask import Response, g, redirect, request, url_for

from services.scan import handlers
from services.scan.pages import bp, check_csrf, csrf_token, language, me, page, service
from services.scan.people import clock, parse_edit_notes, search
from services.scan.peoplestore import edit_notes, my_people
from shared import identity
from shared.envelope import utc_now


def not_identified():
    from services.scan.signinpages import signin_page

    return signin_page()


@bp.get("/me/people")
def people_page():
    token, person = me()
    g.lang = language(person)
    if person is None:
        return not_identified()
    query = request.args.get("q", "").strip()[:200]
    with service().sessions() as session:
        everyone = my_people(session, person)
        zone = handlers.event_timezone(session, person.event_id)
    shown = search(everyone, query)
    edited = next((c for c in everyone if c.id == request.args.get("edited")), None)
    return page(
        "people.html",
        person=person,
        people=shown,
        everyone=len(everyone),
        query=query,
        edited=edited,
        when=lambda moment: clock(moment, zone),
        csrf=csrf_token(token),
    )


@bp.post("/me/people/<attendee_id>")
def edit_person(attendee_id):
    token, person = me()
    g.lang = language(person)
    if person is None:
        return not_identified()
    check_csrf(token, request.form.get("csrf_token"))
    body = (
        {"notes": [], "tags": []}
        if request.form.get("delete")
        else {"notes": request.form.getlist("note"), "tags": [request.form.get("tags", "")]}
    )
    cmd = parse_edit_notes(body)
    with service().sessions() as session:
        edit_notes(session, person, attendee_id, cmd, utc_now())
        session.commit()
    return redirect(
        url_for(
            ".people_page", edited=attendee_id, lang=request.args.get("lang"), _anchor=f"p-{attendee_id}"
        ),
        303,
    )


@bp.get("/me/qr")
def my_qr():
    """My own badge's QR, full screen, for someone to scan me (the same text as the printed badge)."""
    _, person = me()
    g.lang = language(person)
    if person is None:
        return not_identified()
    return page("qr.html", person=person)


@bp.get("/me/qr.svg")
def my_qr_svg():
    _, person = me()
    g.lang = language(person)
    if person is None:
        return not_identified()
    s = service()
    token = identity.issue_token(
        s.signer, identity.BADGE, identity.TokenClaims(person.event_id, person.id, person.badge_serial)
    )
    # Error correction M, as on the badge: a phone screen held up in a hall reads as well as paper.
    image = qrcode.make(
        f"{s.settings.public_url}/c/{token}",
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
    )
    # Private to this phone: the browser may keep it for the offline app, no shared cache may. The
    # page names whose QR it wants (`?of=<id>.<serial>`), so a phone shared by two attendees, or a
    # reissued badge, never shows a QR kept from before.
    return Response(
        image.to_string(), mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=3600"}
    )
