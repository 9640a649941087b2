"""The dashboard's JSON API: organizers, API tokens, events and their figures. Thin routes over
accounts, operations and figures; the pages' scripts use the same routes with the login cookie."""

from __future__ import annotations

from flask import Blueprint, Response, stream_with_context

from services.dashboard import accounts, audit, exports, figures, operations
from services.dashboard.auth import db, is_admin_token, require_organizer, service, visible_event
from services.dashboard.matchinsights import enrich
from services.dashboard.models import Organizer
from shared.envelope import iso
from shared.web import DomainError, attachment, int_arg, json_body

bp = Blueprint("dashboard_api", __name__, url_prefix="/v1")


def organizer_json(o: Organizer) -> dict:
    return {"id": o.id, "email": o.email, "name": o.name, "language": o.language, "admin": o.is_admin}


def event_json(e) -> dict:
    return {
        "id": e.id,
        "name": e.name,
        "venue": e.venue,
        "starts_at": iso(e.starts_at) if e.starts_at else None,
        "ends_at": iso(e.ends_at) if e.ends_at else None,
        "timezone": e.timezone,
        "language": e.language,
        "status": "closed" if e.closed_at else "open",
    }


@bp.post("/organizers")
def create_organizer():
    """The bootstrap admin token makes organizers (the first one an admin); so does an admin."""
    if not is_admin_token():
        if not require_organizer().is_admin:
            raise accounts.Forbidden("only an admin organizer adds organizers", code="not_admin")
    body = json_body()
    new = accounts.validate_organizer(body)
    first = not accounts.has_organizers(db())
    made = accounts.create_organizer(db(), new, service().clock(), admin=first or body.get("admin") is True)
    db().commit()
    return organizer_json(made), 201


@bp.get("/me")
def me():
    return organizer_json(require_organizer())


@bp.get("/tokens")
def list_tokens():
    return {
        "tokens": [
            {
                "id": t.id,
                "name": t.name,
                "created_at": iso(t.created_at),
                "last_used_at": iso(t.last_used_at) if t.last_used_at else None,
            }
            for t in accounts.tokens_of(db(), require_organizer())
        ]
    }


@bp.post("/tokens")
def create_token():
    token, secret = accounts.issue_token(
        db(), require_organizer(), json_body().get("name"), service().clock()
    )
    db().commit()
    return {"id": token.id, "name": token.name, "token": secret}, 201


@bp.delete("/tokens/<token_id>")
def revoke_token(token_id):
    accounts.revoke_token(db(), require_organizer(), token_id)
    db().commit()
    return "", 204


@bp.get("/events")
def list_events():
    return {"events": [event_json(e) for e in accounts.visible_events(db(), require_organizer())]}


@bp.post("/events")
def create_event():
    """Creates the event in the badge service, and gives its creator access to it here."""
    answer = operations.create_event(
        service().badge, db(), require_organizer(), json_body(), service().clock()
    )
    _audit(answer["id"], "event_created", answer.get("name", ""))
    db().commit()
    return answer, 201, {"Location": f"/v1/events/{answer['id']}/stats"}


def grant_json(g) -> dict:
    return {"email": g.email, "role": g.role, "granted_at": iso(g.granted_at)}


@bp.get("/events/<event_id>/organizers")
def list_grants(event_id):
    event = visible_event(event_id)
    return {"organizers": [grant_json(g) for g in accounts.grants_of(db(), event.id)]}


@bp.post("/events/<event_id>/organizers")
def grant_access(event_id):
    """The same answer whether or not an organizer has the email (see accounts.grant_by_email)."""
    event = visible_event(event_id)
    granted = accounts.grant_by_email(db(), json_body().get("email"), event.id, service().clock())
    _audit(event.id, "granted", granted.email)
    db().commit()
    return grant_json(granted), 201


@bp.delete("/events/<event_id>/organizers/<email>")
def revoke_access(event_id, email):
    event = visible_event(event_id)
    accounts.revoke_grant(db(), require_organizer(), event.id, email)
    _audit(event.id, "revoked", email.strip().lower())
    db().commit()
    return "", 204


@bp.get("/events/<event_id>/stats")
def stats(event_id):
    return figures.stats(db(), visible_event(event_id), service().clock())


@bp.get("/events/<event_id>/live")
def live(event_id):
    since = int_arg("since", 0)  # a version number from an earlier answer (or 0)
    answer = figures.live(db(), visible_event(event_id), since, service().clock())
    answer["unmet"], answer["suggestions"] = enrich(
        service().match, event_id, answer["unmet"], require_organizer().language
    )
    return answer


@bp.get("/events/<event_id>/graph")
def graph(event_id):
    return figures.graph(db(), visible_event(event_id))


def sees_contacts(event_id: str) -> bool:
    """Whether this request's organizer gets attendees' emails in exports: the owners and staff
    who uploaded them do; a viewer (roles, issue 16) does not. Every organizer today."""
    return True


EXPORTS = {"attendees.csv": exports.attendees_csv, "meetings.csv": exports.meetings_csv}


@bp.get("/events/<event_id>/exports/<name>")
def export(event_id, name):
    event = visible_event(event_id)
    if name not in EXPORTS:
        raise DomainError(f"exports are {', '.join(EXPORTS)}", code="unknown_export", status=404)
    _audit(event.id, "exported", name)
    db().commit()
    # the request's session lives as long as the stream
    rows = EXPORTS[name](db(), event, with_contacts=sees_contacts(event.id))
    return Response(
        stream_with_context(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": attachment(f"{event.id}-{name}")},
    )


def _audit(event_id: str, action: str, subject: str = "", detail: dict | None = None) -> None:
    audit.record(db(), require_organizer(), event_id, action, subject, detail, now=service().clock())
