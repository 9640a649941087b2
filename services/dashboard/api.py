"""The dashboard's JSON API: organizers, API tokens, events and their figures. Thin routes over
accounts, operations and figures; the pages' scripts use the same routes with the login cookie."""

from __future__ import annotations

from flask import Blueprint, Response, stream_with_context

from services.dashboard import access, accounts, audit, exports, figures, operations
from services.dashboard.auth import (
    db,
    is_admin_token,
    may,
    organizer,
    require_organizer,
    require_principal,
    service,
    signer,
    visible_event,
)
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
        who = require_principal()
        # An admin's login, or an admin's owner token of all events: not a narrower one of theirs.
        if not (who.admin and who.event_id is None and who.role == "owner"):
            raise accounts.Forbidden("only an admin organizer adds organizers", code="not_admin")
    body = json_body()
    new = accounts.validate_organizer(body)
    first = not accounts.has_organizers(db())
    made = accounts.create_organizer(db(), new, service().clock(), admin=first or body.get("admin") is True)
    access.publish_grants_of(db(), made)
    db().commit()
    return organizer_json(made), 201


def require_admin() -> None:
    """The bootstrap admin token, or an admin organizer's login or token of all events."""
    who = require_principal()
    if not (who.superuser or (who.admin and who.event_id is None and who.role == "owner")):
        raise accounts.Forbidden("only an admin organizer can do this", code="forbidden")


@bp.get("/organizers")
def list_organizers():
    require_admin()
    return {"organizers": [organizer_json(o) for o in accounts.all_organizers(db())]}


@bp.delete("/organizers/<organizer_id>")
def remove_organizer(organizer_id):
    """Their logins, API tokens and event access end, in every service once the bus carries it."""
    require_admin()
    found = db().get(Organizer, organizer_id)
    if found is None:
        raise DomainError(f"there is no organizer {organizer_id!r}", code="unknown_organizer", status=404)
    if organizer() is not None and organizer().id == found.id:
        raise accounts.Forbidden("you cannot remove your own account", code="forbidden")
    access.remove_organizer(db(), found)
    db().commit()
    return "", 204


@bp.get("/me")
def me():
    if require_principal().superuser:
        return {
            "id": None,
            "email": None,
            "name": "admin token",
            "language": "en",
            "admin": True,
            "superuser": True,
        }
    return organizer_json(require_organizer())


def token_json(t) -> dict:
    return {
        "id": t.id,
        "name": t.name,
        "role": t.role,
        "event_id": t.event_id,
        "expires_at": iso(t.expires_at) if t.expires_at else None,
        "created_at": iso(t.created_at),
        "last_used_at": iso(t.last_used_at) if t.last_used_at else None,
    }


@bp.get("/tokens")
def list_tokens():
    return {"tokens": [token_json(t) for t in accounts.tokens_of(db(), require_organizer())]}


@bp.post("/tokens")
def create_token():
    """`{"name", "role", "event_id", "expires_at"}` (event_id null: all your events); by login,
    API token (never a stronger one than itself) or email and password by HTTP Basic."""
    me, body = require_organizer(), json_body()
    token, secret = access.issue_token(db(), signer(), require_principal(), me, body, service().clock())
    db().commit()
    return {**token_json(token), "token": secret}, 201, {"Location": f"/v1/tokens/{token.id}"}


@bp.delete("/tokens/<token_id>")
def revoke_token(token_id):
    access.revoke_token(db(), require_organizer(), token_id)
    db().commit()
    return "", 204


@bp.get("/events")
def list_events():
    who = require_principal()
    events = accounts.visible_events(db(), organizer()) if not who.superuser else accounts.all_events(db())
    return {"events": [event_json(e) for e in events if who.event_id in (None, e.id)]}


@bp.post("/events")
def create_event():
    """Creates the event in the badge service, and gives its creator access to it here."""
    check_creating()
    answer = operations.create_event(service().badge, db(), organizer(), json_body(), service().clock())
    _audit(answer["id"], "event_created", answer.get("name", ""))
    db().commit()
    return answer, 201, {"Location": f"/v1/events/{answer['id']}/stats"}


def check_creating() -> None:
    from shared import organizers

    try:
        organizers.authorize(require_principal(), "create_events", None, access.DashboardGrants(db()))
    except organizers.Refused as refused:
        raise DomainError(refused.detail, code=refused.code, status=refused.status) from None


def grant_json(g) -> dict:
    return {"email": g.email, "role": g.role, "granted_at": iso(g.granted_at)}


@bp.get("/events/<event_id>/organizers")
def list_grants(event_id):
    event = visible_event(event_id, "manage")
    return {"organizers": [grant_json(g) for g in accounts.grants_of(db(), event.id)]}


@bp.post("/events/<event_id>/organizers")
def grant_access(event_id):
    """`{"email", "role"}` (role: staff unless given). The same answer whether or not an
    organizer has the email (see accounts.grant_by_email); owners and admins only."""
    event, body = visible_event(event_id, "manage"), json_body()
    granted = accounts.grant_by_email(db(), body.get("email"), event.id, service().clock())
    access.set_role(db(), organizer(), granted, body.get("role"))
    access.publish_grant(db(), granted)
    _audit(event.id, "granted", granted.email)
    db().commit()
    return grant_json(granted), 201


@bp.delete("/events/<event_id>/organizers/<email>")
def revoke_access(event_id, email):
    event = visible_event(event_id, "manage")
    accounts.revoke_grant(db(), organizer(), event.id, email)
    access.publish_revocation(db(), event.id, email.strip().lower())
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
    language = organizer().language if organizer() else "en"
    answer["unmet"], answer["suggestions"] = enrich(service().match, event_id, answer["unmet"], language)
    return answer


@bp.get("/events/<event_id>/graph")
def graph(event_id):
    return figures.graph(db(), visible_event(event_id))


EXPORTS = {"attendees.csv": exports.attendees_csv, "meetings.csv": exports.meetings_csv}


@bp.get("/events/<event_id>/exports/<name>")
def export(event_id, name):
    event = visible_event(event_id)
    if name not in EXPORTS:
        raise DomainError(f"exports are {', '.join(EXPORTS)}", code="unknown_export", status=404)
    _audit(event.id, "exported", name)
    db().commit()
    # The request's session lives as long as the stream. A viewer's export: nobody's contact details.
    rows = EXPORTS[name](db(), event, with_contacts=may("contacts", event.id))
    return Response(
        stream_with_context(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": attachment(f"{event.id}-{name}")},
    )


def _audit(event_id: str, action: str, subject: str = "", detail: dict | None = None) -> None:
    audit.record(db(), organizer(), event_id, action, subject, detail, now=service().clock())
