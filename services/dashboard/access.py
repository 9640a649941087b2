"""Organizer API tokens and event grants with roles: issued, checked and revoked here, and told to
every other service over rapport.organizers (through the dashboard's outbox), where
shared.organizers checks the same tokens offline.

A token is a shared.organizers signed token; its api_tokens row is how the dashboard lists it
and how it knows it is still valid (no row: revoked). Tokens made before issue 16 were random
secrets looked up by hash: they still work on the dashboard alone, as owner of all events.
A grant is kept by email (accounts.grant_by_email says why); the other services key grants by
organizer id, so a grant is published when an account with that email exists, and again when
one is created for it.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from services.dashboard.accounts import (
    LAST_USED_EVERY,
    Forbidden,
    create_organizer,
    digest,
    token_organizer,
    validate_organizer,
)
from services.dashboard.models import ApiToken, EventGrant, Invitation, Organizer
from shared import events as ev
from shared import organizers
from shared.envelope import parse_iso
from shared.organizers import ROLES, OrganizerClaims, Principal
from shared.outbox import add_to_outbox
from shared.text import single_line_problem
from shared.tokens import InvalidToken, TokenSigner
from shared.web import Conflict, DomainError, InvalidInput, Unauthorized


class DashboardGrants:
    """shared.organizers.Grants over the dashboard's own tables, in the request's session."""

    def __init__(self, session: Session):
        self.session = session

    def is_revoked(self, token_id: str) -> bool:
        return self.session.get(ApiToken, token_id) is None

    def role_on(self, organizer_id: str, event_id: str) -> str | None:
        return self.session.scalar(
            sa.select(EventGrant.role)
            .join(Organizer, Organizer.email == EventGrant.email)
            .where(Organizer.id == organizer_id, EventGrant.event_id == event_id)
        )


def principal_of(organizer: Organizer) -> Principal:
    """A logged-in organizer (session or password): their own grants, every event for an admin."""
    return Principal(organizer.id, "owner", admin=organizer.is_admin)


# API tokens ---------------------------------------------------------------------------------


def validate_token_request(body: dict, now: datetime) -> tuple[str, str, str | None, datetime | None]:
    """(name, role, event_id, expires_at) of a `POST /v1/tokens` body; 422 naming what is wrong."""
    errors: dict[str, str] = {}
    name = body.get("name")
    name = name.strip() if isinstance(name, str) else ""
    if not name or len(name) > 80:
        errors["name"] = "required, up to 80 characters: say what the token is for"
    elif problem := single_line_problem(name):
        errors["name"] = problem
    role = body.get("role", "owner")
    if role not in ROLES:
        errors["role"] = f"one of {', '.join(ROLES)}"
    event_id = body.get("event_id")
    if event_id is not None and not organizers.is_event_id(event_id):
        errors["event_id"] = "an event id, or null for all your events"
    expires_at = body.get("expires_at")
    if expires_at is not None:
        try:
            expires_at = parse_iso(expires_at) if isinstance(expires_at, str) else None
        except (ValueError, OverflowError):
            expires_at = None
        if expires_at is None or expires_at.tzinfo is None:
            errors["expires_at"] = "an ISO 8601 time with its offset, or null for no expiry"
        elif not now < expires_at < organizers.LATEST_EXPIRY:
            errors["expires_at"] = "a time in the future (before 2106)"
    if errors:
        raise InvalidInput(errors)
    return name, role, event_id, expires_at


def issue_token(
    session: Session,
    signer: TokenSigner,
    maker: Principal,
    organizer: Organizer,
    body: dict,
    now: datetime,
) -> tuple[ApiToken, str]:
    """A new API token of `organizer`, no stronger than `maker` (their login, or the token the
    request came with): its role, its one event, its expiry. A one-event token needs a grant on
    that event (404 otherwise, as for any event you cannot see) at least as strong as its role."""
    name, role, event_id, expires_at = validate_token_request(body, now)
    if maker.event_id is not None and event_id != maker.event_id:
        raise Forbidden("a token limited to one event can only make tokens for that event", code="forbidden")
    if ROLES.index(role) < ROLES.index(maker.role):
        raise Forbidden(f"a {maker.role} token cannot make a {role} token", code="forbidden")
    if maker.expires_at is not None and (expires_at is None or expires_at > maker.expires_at):
        expires_at = maker.expires_at  # never outlives the token that made it
    if event_id is not None and not organizer.is_admin:
        granted = DashboardGrants(session).role_on(organizer.id, event_id)
        if granted is None:
            raise DomainError(f"there is no event {event_id!r} you can see", code="unknown_event", status=404)
        if ROLES.index(role) < ROLES.index(granted):
            raise Forbidden(f"you are {granted} on this event: a token cannot be {role}", code="forbidden")
    token_id = secrets.token_hex(8)
    claims = OrganizerClaims(token_id, organizer.id, role, event_id, expires_at, admin=organizer.is_admin)
    secret = organizers.issue(signer, claims)
    token = ApiToken(
        id=token_id,
        token_hash=digest(secret),
        organizer_id=organizer.id,
        name=name,
        created_at=now,
        role=role,
        event_id=event_id,
        expires_at=expires_at,
    )
    session.add(token)
    return token, secret


def read_token(
    session: Session, signer: TokenSigner, secret: str, now: datetime
) -> tuple[Principal, Organizer]:
    """The principal and organizer of a valid, unrevoked API token; 401 otherwise."""
    try:
        claims = organizers.read(signer, secret, now)
    except InvalidToken as exc:
        legacy = token_organizer(session, secret, now) if exc.code != "expired" else None
        if legacy is None:
            code = "expired_token" if exc.code == "expired" else "bad_token"
            raise Unauthorized(
                f"this bearer token is not an organizer's API token: {exc}", code=code
            ) from None
        return principal_of(legacy), legacy
    principal = Principal.of(claims)
    row = session.get(ApiToken, claims.token_id)
    organizer = session.get(Organizer, claims.organizer_id)
    if row is None or organizer is None:
        raise Unauthorized("this organizer token has been revoked", code="revoked_token")
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_EVERY:
        row.last_used_at = now
    return principal, organizer


def revoke_token(session: Session, organizer: Organizer, token_id: str) -> None:
    """Gone here at once, and in every other service once it reads rapport.organizers."""
    result = session.execute(
        sa.delete(ApiToken).where(ApiToken.id == token_id, ApiToken.organizer_id == organizer.id)
    )
    if result.rowcount == 0:
        raise DomainError(f"you have no API token {token_id!r}", code="unknown_token", status=404)
    add_to_outbox(
        session, ev.OrganizerTokenRevoked(event_id="", organizer_id=organizer.id, token_id=token_id)
    )


# Grants -------------------------------------------------------------------------------------


def publish_grant(session: Session, grant: EventGrant) -> None:
    """Tell the other services about a grant, if an organizer has its email yet."""
    organizer_id = session.scalar(sa.select(Organizer.id).where(Organizer.email == grant.email))
    if organizer_id:
        add_to_outbox(
            session,
            ev.OrganizerAccessGranted(event_id=grant.event_id, organizer_id=organizer_id, role=grant.role),
        )


def publish_revocation(session: Session, event_id: str, email: str) -> None:
    organizer_id = session.scalar(sa.select(Organizer.id).where(Organizer.email == email))
    if organizer_id:
        add_to_outbox(session, ev.OrganizerAccessRevoked(event_id=event_id, organizer_id=organizer_id))


def publish_grants_of(session: Session, organizer: Organizer) -> None:
    """A new account: the grants its email was given before it existed reach every service."""
    for grant in session.scalars(sa.select(EventGrant).where(EventGrant.email == organizer.email)):
        add_to_outbox(
            session,
            ev.OrganizerAccessGranted(event_id=grant.event_id, organizer_id=organizer.id, role=grant.role),
        )


def set_role(session: Session, acting: Organizer | None, grant: EventGrant, role: object) -> EventGrant:
    """Give `grant` its role (from a request: checked); the owner's own grant changes only by an admin."""
    if role is None:
        return grant
    if role not in ROLES:
        raise InvalidInput({"role": f"one of {', '.join(ROLES)}"})
    if grant.role == "owner" and role != "owner" and not (acting is None or acting.is_admin):
        raise Forbidden("the owner's own access can only be changed by an admin", code="owner_grant")
    grant.role = role
    return grant


def remove_organizer(session: Session, organizer: Organizer) -> None:
    """An admin removes an account: its logins, its tokens and its grants, everywhere."""
    for token_id in session.scalars(sa.select(ApiToken.id).where(ApiToken.organizer_id == organizer.id)):
        add_to_outbox(
            session, ev.OrganizerTokenRevoked(event_id="", organizer_id=organizer.id, token_id=token_id)
        )
    for grant in session.scalars(sa.select(EventGrant).where(EventGrant.email == organizer.email)):
        add_to_outbox(session, ev.OrganizerAccessRevoked(event_id=grant.event_id, organizer_id=organizer.id))
        session.delete(grant)
    session.delete(organizer)  # logins and tokens go with it (ON DELETE CASCADE)


# Invitations --------------------------------------------------------------------------------

INVITATION_LIFETIME = timedelta(days=7)


def invite(session: Session, admin: Organizer | None, email: object, now: datetime) -> tuple[str, str]:
    """(email, the link's secret) of a new invitation. An email that has an account already is
    refused (an admin may know who organizes: no probing concern here, unlike grants)."""
    try:
        email = validate_email(email if isinstance(email, str) else "", check_deliverability=False)
        email = email.normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidInput({"email": str(exc)}) from None
    if session.scalar(sa.select(Organizer.id).where(Organizer.email == email)):
        raise Conflict(f"{email} is an organizer already", code="organizer_exists")
    secret = secrets.token_urlsafe(32)
    session.add(
        Invitation(
            id=digest(secret),
            email=email,
            invited_by=admin.id if admin else None,
            created_at=now,
            expires_at=now + INVITATION_LIFETIME,
        )
    )
    return email, secret


def open_invitation(session: Session, secret: str, now: datetime) -> Invitation | None:
    found = session.get(Invitation, digest(secret)) if secret else None
    return found if found is not None and found.expires_at > now else None


def accept_invitation(session: Session, invitation: Invitation, form: dict, now: datetime) -> Organizer:
    """The invitee's account, with the name and password they chose; the invitation ends."""
    new = validate_organizer({**form, "email": invitation.email})
    made = create_organizer(session, new, now)
    publish_grants_of(session, made)
    session.execute(sa.delete(Invitation).where(Invitation.email == invitation.email))
    return made


def pending_invitations(session: Session, now: datetime) -> list[Invitation]:
    return list(
        session.scalars(
            sa.select(Invitation).where(Invitation.expires_at > now).order_by(Invitation.created_at.desc())
        )
    )
