"""Organizer accounts: passwords, browser sessions, API tokens, and who may see which event.

Passwords are hashed with argon2id (argon2-cffi's RFC 9106 low-memory profile), and rehashed on
login when those parameters are raised. Session cookies and API tokens are 256-bit random
secrets; the database keeps only their SHA-256, so a leaked database opens no account.
API tokens read `rap_org_<43 url-safe characters>`, recognisable in logs and secret scanners.
An admin (the first organizer, made with the bootstrap admin token) sees every event and adds
organizers; everyone else sees the events they created or were given (grants by email, which
answer alike whether the email is an organizer's or not; the owner or an admin revokes them).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from services.dashboard.models import ApiToken, Event, EventGrant, LoginSession, Organizer
from shared.text import single_line_problem
from shared.web import Conflict, DomainError, InvalidInput

PASSWORDS = PasswordHasher()
# Verified when an email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = PASSWORDS.hash("not a password anyone has")
MIN_PASSWORD, MAX_PASSWORD = 10, 200
LANGUAGES = ("en", "ar")
SESSION_LIFETIME = timedelta(days=7)
TOKEN_PREFIX = "rap_org_"
LAST_USED_EVERY = timedelta(minutes=5)  # a polling script does not write on every request


class Forbidden(DomainError):
    status = 403


@dataclass(frozen=True)
class NewOrganizer:
    email: str
    name: str
    password: str
    language: str = "en"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def validate_organizer(doc: object) -> NewOrganizer:
    if not isinstance(doc, dict):
        raise InvalidInput({"body": "send a JSON object"})
    errors: dict[str, str] = {}
    email = doc.get("email")
    try:
        email = validate_email(
            email if isinstance(email, str) else "", check_deliverability=False
        ).normalized.lower()
    except EmailNotValidError as exc:
        errors["email"] = str(exc)
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 120:
        errors["name"] = "required, up to 120 characters"
    elif problem := single_line_problem(name.strip()):
        errors["name"] = problem
    password = doc.get("password")
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        errors["password"] = f"between {MIN_PASSWORD} and {MAX_PASSWORD} characters"
    language = doc.get("language", "en")
    if language not in LANGUAGES:
        errors["language"] = "en or ar"
    if errors:
        raise InvalidInput(errors)
    return NewOrganizer(email, name.strip(), password, language)


def create_organizer(session: Session, new: NewOrganizer, now: datetime, admin: bool = False) -> Organizer:
    if session.scalar(sa.select(Organizer.id).where(Organizer.email == new.email)):
        raise Conflict(f"an organizer with the email {new.email} exists already", code="organizer_exists")
    organizer = Organizer(
        id=secrets.token_hex(8),
        email=new.email,
        name=new.name,
        language=new.language,
        password_hash=PASSWORDS.hash(new.password),
        is_admin=admin,
        created_at=now,
    )
    session.add(organizer)
    session.flush()  # before its login session or token, which refer to it
    return organizer


def has_organizers(session: Session) -> bool:
    return session.scalar(sa.select(Organizer.id).limit(1)) is not None


def authenticate(session: Session, email: str, password: str) -> Organizer | None:
    organizer = session.scalar(sa.select(Organizer).where(Organizer.email == email.strip().lower()))
    try:
        PASSWORDS.verify(organizer.password_hash if organizer else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if organizer is not None and PASSWORDS.check_needs_rehash(organizer.password_hash):
        organizer.password_hash = PASSWORDS.hash(password)
    return organizer


def start_session(
    session: Session, organizer: Organizer, now: datetime, user_agent: str = "", address: str = ""
) -> str:
    """A new login; returns the cookie's secret. The organizer's expired logins go."""
    session.execute(
        sa.delete(LoginSession).where(
            LoginSession.organizer_id == organizer.id, LoginSession.expires_at <= now
        )
    )
    secret = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            id=digest(secret),
            organizer_id=organizer.id,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
            user_agent=(user_agent or "")[:300],
            address=(address or "")[:64],
            last_seen_at=now,
        )
    )
    return secret


def session_organizer(session: Session, secret: str, now: datetime) -> Organizer | None:
    found = session.get(LoginSession, digest(secret))
    if found is None or found.expires_at <= now:
        return None
    return session.get(Organizer, found.organizer_id)


def note_seen(session: Session, secret: str, now: datetime) -> None:
    """When this login was last used, for the sessions page: written at most every LAST_USED_EVERY,
    so a page's polling does not write on every request. Run in a transaction of its own."""
    session.execute(
        sa.update(LoginSession)
        .where(
            LoginSession.id == digest(secret),
            sa.or_(LoginSession.last_seen_at.is_(None), LoginSession.last_seen_at < now - LAST_USED_EVERY),
        )
        .values(last_seen_at=now)
    )


def end_session(session: Session, secret: str) -> None:
    session.execute(sa.delete(LoginSession).where(LoginSession.id == digest(secret)))


def sessions_of(session: Session, organizer: Organizer, now: datetime) -> list[LoginSession]:
    """The organizer's live logins, the most recently seen first."""
    return list(
        session.scalars(
            sa.select(LoginSession)
            .where(LoginSession.organizer_id == organizer.id, LoginSession.expires_at > now)
            .order_by(LoginSession.last_seen_at.desc().nulls_last(), LoginSession.created_at.desc())
        )
    )


def end_session_of(session: Session, organizer: Organizer, session_id: str) -> None:
    """Log out one of the organizer's own sessions (another device's, say); someone else's is a 404."""
    result = session.execute(
        sa.delete(LoginSession).where(
            LoginSession.id == session_id, LoginSession.organizer_id == organizer.id
        )
    )
    if result.rowcount == 0:
        raise DomainError("you have no such login session", code="unknown_session", status=404)


def end_other_sessions(session: Session, organizer: Organizer, keep_secret: str | None) -> int:
    """Log out every session of the organizer but the one with this cookie; returns how many."""
    query = sa.delete(LoginSession).where(LoginSession.organizer_id == organizer.id)
    if keep_secret:
        query = query.where(LoginSession.id != digest(keep_secret))
    return session.execute(query).rowcount


def change_password(session: Session, organizer: Organizer, new: object, repeated: object) -> None:
    """Set a new password (the caller has checked the current one, throttled). Other sessions are
    the caller's to end: a password changed because it leaked must close the thief's session too."""
    errors = {}
    if not isinstance(new, str) or not MIN_PASSWORD <= len(new) <= MAX_PASSWORD:
        errors["new_password"] = f"between {MIN_PASSWORD} and {MAX_PASSWORD} characters"
    elif new != repeated:
        errors["repeat_password"] = "not the same as the new password"
    if errors:
        raise InvalidInput(errors)
    organizer.password_hash = PASSWORDS.hash(new)


def issue_token(session: Session, organizer: Organizer, name: str, now: datetime) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise InvalidInput({"name": "required, up to 80 characters: say what the token is for"})
    if problem := single_line_problem(name):
        raise InvalidInput({"name": problem})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        id=secrets.token_hex(8),
        token_hash=digest(secret),
        organizer_id=organizer.id,
        name=name,
        created_at=now,
    )
    session.add(token)
    return token, secret


def token_organizer(session: Session, secret: str, now: datetime) -> Organizer | None:
    token = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        token.last_used_at = now
    return session.get(Organizer, token.organizer_id)


def tokens_of(session: Session, organizer: Organizer) -> list[ApiToken]:
    return list(
        session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.organizer_id == organizer.id)
            .order_by(ApiToken.created_at.desc())
        )
    )


def revoke_token(session: Session, organizer: Organizer, token_id: str) -> None:
    result = session.execute(
        sa.delete(ApiToken).where(ApiToken.id == token_id, ApiToken.organizer_id == organizer.id)
    )
    if result.rowcount == 0:
        raise DomainError(f"you have no API token {token_id!r}", code="unknown_token", status=404)


OWNER, ORGANIZER = "owner", "staff"  # a grant by email is staff unless a role is given


def grant(session: Session, organizer: Organizer, event_id: str, now: datetime, role: str = OWNER) -> None:
    """Access for the organizer who creates an event: its owner."""
    _grant(session, organizer.email, event_id, now, role)


def grant_by_email(session: Session, email: object, event_id: str, now: datetime) -> EventGrant:
    """Access to an event for whoever has (or will have) this organizer email.

    The answer is the same whether an organizer has the email or not: granting must not be a way
    to find out who organizes with Rapport. The grant takes effect when their account exists.
    """
    try:
        email = validate_email(
            email if isinstance(email, str) else "", check_deliverability=False
        ).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidInput({"email": f"the email of the organizer to give access to: {exc}"}) from None
    return _grant(session, email, event_id, now, ORGANIZER)


def _grant(session: Session, email: str, event_id: str, now: datetime, role: str) -> EventGrant:
    found = session.get(EventGrant, (event_id, email))
    if found is None:  # granting again changes nothing (an owner stays owner)
        found = EventGrant(event_id=event_id, email=email, role=role, granted_at=now)
        session.add(found)
    return found


def grants_of(session: Session, event_id: str) -> list[EventGrant]:
    """The event's grants: its owner first, then by when they were given."""
    return list(
        session.scalars(
            sa.select(EventGrant)
            .where(EventGrant.event_id == event_id)
            .order_by((EventGrant.role == OWNER).desc(), EventGrant.granted_at, EventGrant.email)
        )
    )


def may_revoke(session: Session, organizer: Organizer, event_id: str) -> bool:
    mine = session.get(EventGrant, (event_id, organizer.email))
    return organizer.is_admin or (mine is not None and mine.role == OWNER)


def revoke_grant(session: Session, organizer: Organizer, event_id: str, email: str) -> None:
    """The event's owner or an admin takes someone's access away; the owner's own only an admin."""
    if not may_revoke(session, organizer, event_id):
        raise Forbidden("only this event's owner or an admin can take access away", code="not_owner")
    found = session.get(EventGrant, (event_id, (email or "").strip().lower()))
    if found is None:
        raise DomainError(
            f"nobody was given access to this event as {email!r}", code="unknown_grant", status=404
        )
    if found.role == OWNER and not organizer.is_admin:
        raise Forbidden("the owner's own access can only be taken away by an admin", code="owner_grant")
    session.delete(found)


def visible_event(session: Session, organizer: Organizer, event_id: str) -> Event:
    """The event if this organizer may see it; the same 404 whether nobody knows it or it is
    someone else's, so event ids cannot be probed for."""
    granted = session.get(EventGrant, (event_id, organizer.email)) is not None
    event = session.get(Event, event_id)
    if not (granted or (organizer.is_admin and event is not None)):
        raise DomainError(f"there is no event {event_id!r} you can see", code="unknown_event", status=404)
    # Granted a moment ago, its news not yet back from the bus: an empty event, not an error.
    return event or Event(id=event_id, name="", version=0, reset_version=0)


def visible_events(session: Session, organizer: Organizer) -> list[Event]:
    query = sa.select(Event).order_by(Event.starts_at.desc().nulls_last(), Event.id)
    if not organizer.is_admin:
        query = query.join(EventGrant, EventGrant.event_id == Event.id).where(
            EventGrant.email == organizer.email
        )
    return list(session.scalars(query))


def set_language(session: Session, organizer: Organizer, language: str) -> None:
    if language not in LANGUAGES:
        raise InvalidInput({"language": "en or ar"})
    organizer.language = language


def all_organizers(session: Session) -> list[Organizer]:
    return list(session.scalars(sa.select(Organizer).order_by(Organizer.created_at, Organizer.email)))


def all_events(session: Session) -> list[Event]:
    return list(session.scalars(sa.select(Event).order_by(Event.starts_at.desc().nulls_last(), Event.id)))
