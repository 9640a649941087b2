"""The match API: an attendee's suggestions, "not now", meeting requests; and the organizers'
best matches and conversion figure. Thin routes over services.match.handlers and .requests.

An attendee is the scanner (private) token as a bearer, or, where this service shares a host
with the scan pages, their identity cookie: a change made with the cookie carries the scan
pages' CSRF token in `X-CSRF-Token`, as their own scripts do.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request

from services.match import handlers, organizers, requests
from services.match.texts import LANGUAGES
from shared.envelope import utc_now
from shared.web import DomainError, InvalidInput, bearer_token, csrf_matches, json_body, organizer_only

bp = Blueprint("match_api", __name__, url_prefix="/v1")
COOKIE, CSRF_SCOPE = "rapport_me", "scan/csrf"  # services/scan/pages.py's cookie and CSRF tokens
MAX_ATTENDEES = 100  # per best-matches call: the dashboard asks for the 30 people who met nobody


def service():
    return current_app.extensions["match"]


def me() -> handlers.Me:
    s = service()
    if "Authorization" in request.headers or COOKIE not in request.cookies:
        return handlers.identify(s.index, s.signer, bearer_token())
    token = request.cookies[COOKIE]
    if request.method not in ("GET", "HEAD") and not csrf_matches(
        s.settings.secret_key, CSRF_SCOPE, token, request.headers.get("X-CSRF-Token")
    ):
        raise DomainError(
            "send the page's CSRF token in X-CSRF-Token with the identity cookie", code="csrf", status=403
        )
    return handlers.identify(s.index, s.signer, token)


def reader_language() -> str | None:
    """`?lang=ar|en` if given, else the attendee's own language (None)."""
    lang = request.args.get("lang")
    if lang is not None and lang not in LANGUAGES:
        raise DomainError(f"lang must be one of {', '.join(LANGUAGES)}", code="invalid_input", status=422)
    return lang


@bp.get("/me/suggestions")
def my_suggestions():
    who, language = me(), reader_language()
    with service().sessions() as session:
        return {"suggestions": handlers.suggestions(session, who, language, utc_now())}


@bp.post("/me/suggestions/<attendee_id>/dismiss")
def dismiss(attendee_id: str):
    who = me()
    with service().sessions() as session:
        handlers.dismiss(session, who, attendee_id)
    return {"dismissed": attendee_id}, 200


@bp.post("/me/requests")
def ask():
    who, body = me(), json_body()
    to = body.get("to")
    if not isinstance(to, str) or not to.strip() or len(to) > 64:
        raise InvalidInput({"to": "the attendee_id of the person you would like to meet"})
    with service().sessions() as session:
        answer, created = requests.ask(session, who, to.strip(), utc_now(), reader_language())
    return answer, 201 if created else 200


@bp.get("/me/requests")
def my_requests():
    who = me()
    with service().sessions() as session:
        return requests.mine(session, who, reader_language())


@bp.post("/me/requests/<request_id>/accept")
def accept(request_id: str):
    who = me()
    with service().sessions() as session:
        return requests.answer(session, who, request_id, True, utc_now(), reader_language())


@bp.post("/me/requests/<request_id>/decline")
def decline(request_id: str):
    """ "Not now": the asker is not told."""
    who = me()
    with service().sessions() as session:
        return requests.answer(session, who, request_id, False, utc_now(), reader_language())


@bp.get("/events/<event_id>/best-matches")
@organizer_only("view")
def best_matches(event_id: str):
    """`?attendee=<id>` (repeated, up to 100): each one's best match to introduce them to, and with
    `?top=` (1-5) their best few (the follow-up's people worth meeting)."""
    ids, language, top = request.args.getlist("attendee"), reader_language(), request.args.get("top", "1")
    if not ids or len(ids) > MAX_ATTENDEES or any(not i or len(i) > 64 for i in ids):
        raise InvalidInput(
            {"attendee": f"one to {MAX_ATTENDEES} attendee ids, as ?attendee=<id>&attendee=<id>"}
        )
    if top not in ("1", "2", "3", "4", "5"):
        raise InvalidInput({"top": "a whole number from 1 to 5"})
    s = service()
    with s.sessions() as session:
        return {"best_matches": organizers.best_matches(session, s.index, event_id, ids, language, int(top))}


@bp.get("/events/<event_id>/conversion")
@organizer_only("view")
def conversion(event_id: str):
    with service().sessions() as session:
        return organizers.conversion(session, event_id)
