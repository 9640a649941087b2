"""Who to meet, in the attendee's own pages: their top five from the match service, with the reason,
"I'd like to meet" and "Not now"; the requests they received (accept / not now) and sent; and, once
a request is accepted, the event's meeting point and each other's short code.

The page is the scan service's, beside My people and My QR (same identity cookie, CSRF, language,
navigation and offline app), and it asks the match service server-side, with the attendee's own
private token as the bearer (shared.upstream): the match service may live on another host, the
phone talks to one site only, and no token reaches the page. Works without JavaScript: every
action is a POST form that comes back to the page (303), saying what happened.
"""

from __future__ import annotations

import re

from flask import g, redirect, request, url_for

from services.scan.mypages import not_identified
from services.scan.pages import bp, check_csrf, csrf_token, language, me, page, service
from shared.quotes import isolate_quotes
from shared.upstream import Upstream
from shared.web import InvalidInput

TIMEOUT = 5.0  # a phone waiting longer than this is better told to try again
DONE = ("asked", "dismissed", "accepted", "declined")
ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # attendee and request ids: nothing that changes the match URL's path


def match_for(token: str) -> Upstream:
    # 401 (the match service does not know this attendee yet) is "not available"; 403 opted_out and
    # the other refusals keep their code, so the page can say what is wrong.
    return Upstream("match", service().settings.match_url, token, timeout=TIMEOUT, unavailable_on=(401,))


def identified():
    token, person = me()
    g.lang = language(person)
    if person is None:  # as My people and My QR: the sign-in form, which brings them back here
        return None, None, not_identified()
    return token, person, None


@bp.get("/me/meet")
def who_to_meet():
    token, person, refusal = identified()
    if refusal:
        return refusal
    match = match_for(token)
    suggestions = match.call("GET", "/v1/me/suggestions", query={"lang": g.lang}).json()["suggestions"]
    requests = match.call("GET", "/v1/me/requests", query={"lang": g.lang}).json()
    received = [r for r in requests["received"] if r["status"] != "declined"]  # "not now" leaves the page
    done = request.args.get("done") if request.args.get("done") in DONE else None
    about = request.args.get("who", "")
    named = next(
        (
            r["person"]["name"]
            for r in requests["received"] + requests["sent"]
            if about in (r["id"], r["person"]["attendee_id"])
        ),
        None,
    )
    return page(
        "whotomeet.html",
        person=person,
        suggestions=suggestions,
        received=received,
        sent=requests["sent"],
        done=done,
        named=named,
        csrf=csrf_token(token),
        isolate=isolate_quotes,
    )  # reasons quote people's own words, in their own language


def back(done: str, who: str):
    return redirect(url_for(".who_to_meet", done=done, who=who, lang=request.args.get("lang")), 303)


def form_id(name: str) -> str:
    value = request.form.get(name, "").strip()
    if not ID.fullmatch(value):
        raise InvalidInput({name: "missing or not an id: reload the page and try again"})
    return value


@bp.post("/me/meet/ask")
def ask_to_meet():
    token, _, refusal = identified()
    if refusal:
        return refusal
    check_csrf(token, request.form.get("csrf_token"))
    to = form_id("to")
    match_for(token).call("POST", "/v1/me/requests", json_body={"to": to})
    return back("asked", to)


@bp.post("/me/meet/dismiss")
def not_now():
    token, _, refusal = identified()
    if refusal:
        return refusal
    check_csrf(token, request.form.get("csrf_token"))
    who = form_id("who")
    match_for(token).call("POST", f"/v1/me/suggestions/{who}/dismiss")
    return back("dismissed", "")


@bp.post("/me/meet/requests/<request_id>/<any(accept, decline):answer>")
def answer_request(request_id: str, answer: str):
    token, _, refusal = identified()
    if refusal:
        return refusal
    check_csrf(token, request.form.get("csrf_token"))
    if not ID.fullmatch(request_id):
        raise InvalidInput({"request": "unknown request: reload the page"})
    match_for(token).call("POST", f"/v1/me/requests/{request_id}/{answer}")
    return back("accepted" if answer == "accept" else "declined", request_id)
