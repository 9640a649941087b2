"""`/v1/me/suggestions` and its "not now": thin routes over services.match.handlers."""

from __future__ import annotations

from flask import Blueprint, current_app, request

from services.match import handlers
from services.match.texts import LANGUAGES
from shared.web import DomainError, bearer_token

bp = Blueprint("match_api", __name__, url_prefix="/v1")


def service():
    return current_app.extensions["match"]


def me() -> handlers.Me:
    s = service()
    return handlers.identify(s.index, s.signer, bearer_token())


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
        return {"suggestions": handlers.suggestions(session, who, language)}


@bp.post("/me/suggestions/<attendee_id>/dismiss")
def dismiss(attendee_id: str):
    who = me()
    with service().sessions() as session:
        handlers.dismiss(session, who, attendee_id)
    return {"dismissed": attendee_id}, 200
