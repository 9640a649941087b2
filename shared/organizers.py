"""Who an organizer is, in every service: signed API tokens, roles, scopes, and the one check.

Design: an organizer token is a signed token (shared.tokens, purpose "organizer") that every
service verifies offline with RAPPORT_SECRET_KEY: no service calls another to learn who is
asking. What changes after a token is issued, who may work on which event and which tokens are
revoked, comes from the dashboard over the bus (topic rapport.organizers); each service that
checks tokens keeps it in two small tables (`organizer_grants`, `revoked_organizer_tokens`,
created by `create_tables`, fed by `apply_event`), so a revoked token stops everywhere once each
service's consumer has read the message.

Wire format: `rap_org_` + the signed token, whose payload (27 bytes) is

    token id      8 bytes   the dashboard's api_tokens row (hex id); revocation names it
    organizer id  8 bytes   the dashboard's organizers row (hex id); zeros for the superuser
    role          1 byte    low bits: 0 owner, 1 staff, 2 viewer; 0x80 an admin organizer,
                            0x40 the superuser (the dashboard acting for the admin token),
                            0x20 vouched: the dashboard checked the role against the grant on
                            the token's one event (its short-lived acting tokens only)
    scope         6 bytes   0x00 + 5 zero bytes: all the organizer's events; 0x01 + event id
    expires       4 bytes   Unix seconds, 0: never

The prefix keeps tokens recognisable in logs and to secret scanners.

A token acts on an event with its role cut down to the organizer's grant there: an owner token
of someone who is staff on an event acts as staff, and without a grant it is refused (403
`forbidden`). An admin organizer's token reaches every event with its role. The bootstrap admin
token (RAPPORT_ADMIN_TOKEN) is the superuser everywhere. The dashboard calls the other services
with a short-lived token of the acting organizer (`acting_token`), never the admin token.
"""

from __future__ import annotations

import base64
import secrets
import struct
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared import events as ev
from shared.tokens import InvalidToken, TokenSigner

PURPOSE = "organizer"
PREFIX = "rap_org_"
ROLES = ("owner", "staff", "viewer")  # most to least
ADMIN_BIT, SUPERUSER_BIT, VOUCHED_BIT, ROLE_MASK = 0x80, 0x40, 0x20, 0x1F
NOBODY = "0" * 16  # the organizer id of the superuser's acting tokens
ACTING_LIFETIME = timedelta(minutes=5)  # a dashboard request's calls, a whole print PDF included
LATEST_EXPIRY = datetime(2106, 2, 7, tzinfo=UTC)  # 4 bytes of Unix seconds

# What each role may do. `view`: the event, its figures, exports without contact details;
# `contacts`: emails and phones; `attendees`: add, edit, erase, reissue, import; `badges`: verify,
# render, print; `followups`: delivery records and previews; `manage`: edit or close the event,
# the follow-up wording, who else works on it. `create_events` needs no event (all-events scope).
PERMISSIONS: dict[str, frozenset[str]] = {
    "owner": frozenset({"view", "contacts", "attendees", "badges", "followups", "manage", "create_events"}),
    "staff": frozenset({"view", "contacts", "attendees", "badges", "followups"}),
    "viewer": frozenset({"view"}),
}


class Refused(Exception):
    """An organizer credential that does not allow this; `status` 401 (who are you?) or 403."""

    def __init__(self, detail: str, code: str, status: int):
        super().__init__(detail)
        self.detail, self.code, self.status = detail, code, status


@dataclass(frozen=True)
class OrganizerClaims:
    token_id: str
    organizer_id: str
    role: str
    event_id: str | None = None  # None: all the organizer's events
    expires_at: datetime | None = None
    admin: bool = False
    superuser: bool = False
    vouched: bool = False

    def pack(self) -> bytes:
        flags = (ADMIN_BIT if self.admin else 0) | (SUPERUSER_BIT if self.superuser else 0)
        flags |= VOUCHED_BIT if self.vouched and self.event_id else 0
        scope = b"\x01" + event_bytes(self.event_id) if self.event_id else bytes(6)
        expires = int(self.expires_at.timestamp()) if self.expires_at else 0
        return (
            bytes.fromhex(self.token_id)
            + bytes.fromhex(self.organizer_id)
            + bytes([ROLES.index(self.role) | flags])
            + scope
            + struct.pack(">I", expires)
        )

    @classmethod
    def unpack(cls, raw: bytes) -> OrganizerClaims:
        if len(raw) != 27 or raw[16] & ROLE_MASK >= len(ROLES) or raw[17] not in (0, 1):
            raise InvalidToken("organizer token payload is malformed", code="malformed")
        expires = struct.unpack(">I", raw[23:27])[0]
        event = base64.b32encode(raw[18:23]).decode().rstrip("=").lower() if raw[17] else None
        return cls(
            token_id=raw[0:8].hex(),
            organizer_id=raw[8:16].hex(),
            role=ROLES[raw[16] & ROLE_MASK],
            event_id=event,
            expires_at=datetime.fromtimestamp(expires, UTC) if expires else None,
            admin=bool(raw[16] & ADMIN_BIT),
            superuser=bool(raw[16] & SUPERUSER_BIT),
            vouched=bool(raw[16] & VOUCHED_BIT) and event is not None,
        )


def event_bytes(event_id: str) -> bytes:
    """The 5 bytes of an event id (ValueError if it is not one)."""
    try:
        raw = base64.b32decode(event_id.upper() + "=" * (-len(event_id) % 8))
    except (ValueError, TypeError):
        raise ValueError(f"{event_id!r} is not an event id") from None
    if len(raw) != 5:
        raise ValueError(f"event id {event_id!r} has the wrong length")
    return raw


def is_event_id(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 8:
        return False
    try:
        event_bytes(value)
    except ValueError:
        return False
    return True


def issue(signer: TokenSigner, claims: OrganizerClaims) -> str:
    return PREFIX + signer.sign(PURPOSE, claims.pack())


def read(signer: TokenSigner, token: str, now: datetime) -> OrganizerClaims:
    """The claims of a genuine, unexpired organizer token; InvalidToken otherwise."""
    if not token.startswith(PREFIX):
        raise InvalidToken("not an organizer token", code="malformed")
    claims = OrganizerClaims.unpack(signer.verify(PURPOSE, token[len(PREFIX) :]))
    if claims.expires_at is not None and claims.expires_at <= now:
        raise InvalidToken("this organizer token has expired", code="expired")
    return claims


@dataclass(frozen=True)
class Principal:
    """Who is acting: an organizer through a token (or a dashboard login), or the superuser."""

    organizer_id: str | None
    role: str
    event_id: str | None = None  # a token limited to one event
    admin: bool = False
    superuser: bool = False
    token_id: str | None = None
    expires_at: datetime | None = None
    vouched: bool = False  # its role on its one event was checked by the dashboard

    @classmethod
    def of(cls, claims: OrganizerClaims) -> Principal:
        if claims.superuser:
            return SUPERUSER
        return cls(
            claims.organizer_id,
            claims.role,
            claims.event_id,
            claims.admin,
            token_id=claims.token_id,
            expires_at=claims.expires_at,
            vouched=claims.vouched,
        )


SUPERUSER = Principal(None, "owner", superuser=True)


def acting_token(
    signer: TokenSigner,
    principal: Principal,
    now: datetime,
    event_id: str | None = None,
    role: str | None = None,
) -> str:
    """A short-lived token for `principal`, for another service's call on its behalf (the
    dashboard's upstream calls), with the token id of the API token behind it, so a revocation
    reaches these too. With `event_id` and `role` it is vouched: the caller has checked that
    role on that event, so the service it goes to need not have heard of the grant yet."""
    claims = OrganizerClaims(
        token_id=principal.token_id or secrets.token_hex(8),
        organizer_id=principal.organizer_id or NOBODY,
        role=role or principal.role,
        event_id=event_id or principal.event_id,
        expires_at=min(now + ACTING_LIFETIME, principal.expires_at or LATEST_EXPIRY),
        admin=principal.admin,
        superuser=principal.superuser,
        vouched=bool(event_id and role),
    )
    return issue(signer, claims)


class Grants(Protocol):
    """The read model a service checks against (the dashboard's own tables, or the bus-fed ones)."""

    def is_revoked(self, token_id: str) -> bool: ...

    def role_on(self, organizer_id: str, event_id: str) -> str | None: ...


def weaker(a: str, b: str) -> str:
    return a if ROLES.index(a) >= ROLES.index(b) else b


def role_on_event(principal: Principal, event_id: str, grants: Grants) -> str | None:
    """The role `principal` acts with on `event_id`, or None when it may not touch it."""
    if principal.superuser:
        return "owner"
    if principal.event_id is not None and principal.event_id != event_id:
        return None
    if principal.admin or principal.vouched:
        return principal.role
    granted = grants.role_on(principal.organizer_id, event_id)
    return weaker(principal.role, granted) if granted else None


def authorize(principal: Principal, permission: str, event_id: str | None, grants: Grants) -> str:
    """The role this principal acts with; Refused (401 revoked, 403 `forbidden`) otherwise."""
    if principal.token_id and not principal.superuser and grants.is_revoked(principal.token_id):
        raise Refused("this organizer token has been revoked", code="revoked_token", status=401)
    if event_id is None:
        # Nothing event-bound (creating an event): a one-event token does nothing outside its event.
        role = "owner" if principal.superuser else None if principal.event_id else principal.role
    else:
        role = role_on_event(principal, event_id, grants)
    if role is None:
        where = f"event {event_id!r}" if event_id else "anything outside its one event"
        raise Refused(f"this credential does not reach {where}", code="forbidden", status=403)
    if permission not in PERMISSIONS[role]:
        raise Refused(
            f"a {role} may not do this here (it needs the {permission!r} permission)",
            code="forbidden",
            status=403,
        )
    return role


# The bus-fed read model every token-checking service keeps ---------------------------------

_metadata = sa.MetaData()


def _grant_columns() -> list[sa.Column]:
    return [
        sa.Column("organizer_id", sa.String(16), primary_key=True),
        sa.Column("event_id", sa.String(16), primary_key=True),
        sa.Column("role", sa.String(8), nullable=False),
    ]


def _revoked_columns() -> list[sa.Column]:
    return [
        sa.Column("token_id", sa.String(16), primary_key=True),
        sa.Column("organizer_id", sa.String(16), nullable=False),
    ]


grants_table = sa.Table("organizer_grants", _metadata, *_grant_columns())
revoked_table = sa.Table("revoked_organizer_tokens", _metadata, *_revoked_columns())
READ_MODEL_TYPES = (
    ev.OrganizerAccessGranted.TYPE,
    ev.OrganizerAccessRevoked.TYPE,
    ev.OrganizerTokenRevoked.TYPE,
)


def create_tables(op) -> None:
    """For a service's Alembic migration: the grants and revocations it learns from the bus."""
    op.create_table("organizer_grants", *_grant_columns())
    op.create_table("revoked_organizer_tokens", *_revoked_columns())


def drop_tables(op) -> None:
    op.drop_table("revoked_organizer_tokens")
    op.drop_table("organizer_grants")


def apply_event(session: Session, event: ev.Event, _envelope=None) -> None:
    """Fold one rapport.organizers message into the read model (idempotent: replays change nothing)."""
    from sqlalchemy.dialects.postgresql import insert

    if isinstance(event, ev.OrganizerAccessGranted):
        session.execute(
            insert(grants_table)
            .values(organizer_id=event.organizer_id, event_id=event.event_id, role=event.role)
            .on_conflict_do_update(index_elements=["organizer_id", "event_id"], set_={"role": event.role})
        )
    elif isinstance(event, ev.OrganizerAccessRevoked):
        session.execute(
            grants_table.delete().where(
                grants_table.c.organizer_id == event.organizer_id, grants_table.c.event_id == event.event_id
            )
        )
    elif isinstance(event, ev.OrganizerTokenRevoked):
        session.execute(
            insert(revoked_table)
            .values(token_id=event.token_id, organizer_id=event.organizer_id)
            .on_conflict_do_nothing()
        )


class TableGrants:
    """Grants over a service's bus-fed tables, each question in a short session of its own."""

    def __init__(self, sessions: Callable[[], Session]):
        self.sessions = sessions

    def is_revoked(self, token_id: str) -> bool:
        with self.sessions() as session:
            found = session.scalar(
                sa.select(revoked_table.c.token_id).where(revoked_table.c.token_id == token_id)
            )
        return found is not None

    def role_on(self, organizer_id: str, event_id: str) -> str | None:
        with self.sessions() as session:
            return session.scalar(
                sa.select(grants_table.c.role).where(
                    grants_table.c.organizer_id == organizer_id, grants_table.c.event_id == event_id
                )
            )


def record_grant(session: Session, organizer_id: str, event_id: str, role: str) -> None:
    """A service that creates an event learns its creator is its owner at once (not via the bus)."""
    apply_event(session, ev.OrganizerAccessGranted(event_id=event_id, organizer_id=organizer_id, role=role))


def with_organizers(apply: Callable) -> Callable:
    """A consumer's apply function that also keeps the organizers read model: what a service's
    consumer runs once it subscribes to rapport.organizers (with READ_MODEL_TYPES added)."""

    def apply_both(session: Session, event: ev.Event, envelope=None) -> None:
        if isinstance(event, ev.OrganizerEvent):
            apply_event(session, event, envelope)
        else:
            apply(session, event, envelope)

    return apply_both
