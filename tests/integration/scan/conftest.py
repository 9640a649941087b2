from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from services.scan import create_app
from services.scan.handlers import apply_event
from shared import events as ev
from shared import identity
from shared.events import to_envelope
from shared.identity import TokenClaims
from shared.tokens import TokenSigner


@dataclass
class Person:
    id: str
    name: str
    short_code: str
    badge: str  # the public token in their QR
    private: str  # their scanner token

    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.private}"}


@pytest.fixture
def app(settings, database_url):
    return create_app(replace(settings, scan_database_url=database_url, scan_rate_limit=20))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def apply(app):
    """Feed bus events to the read model, as the consumer does; the web side sees them at once
    (in production within its directory's max_age)."""

    def apply(*events) -> None:
        with app.extensions["scan"].sessions() as session:
            for event in events:
                apply_event(session, event, to_envelope(event))
            session.commit()
        app.extensions["scan"].directory.invalidate()

    return apply


@pytest.fixture
def event_id(apply) -> str:
    event_id = identity.new_event_id()
    # Its days hold the scan times the tests state (a scan dated outside them is refused).
    apply(
        ev.EventCreated(
            event_id=event_id,
            name="Riyadh Design Week",
            venue="",
            starts_at="2026-11-28T06:00:00Z",
            ends_at="2026-12-03T15:00:00Z",
            timezone="Asia/Riyadh",
            language="ar",
        )
    )
    return event_id


@pytest.fixture
def person(app, apply, event_id):
    signer = TokenSigner.from_settings(app.extensions["scan"].settings)

    def person(
        name: str,
        event: str | None = None,
        serial: int = 1,
        shares_contact: bool = False,
        company: str = "",
        language: str = "en",
    ) -> Person:
        event = event or event_id
        attendee_id, code = identity.new_attendee_id(), identity.new_short_code()
        apply(
            ev.AttendeeRegistered(
                event_id=event,
                attendee_id=attendee_id,
                name=name,
                email=f"{attendee_id}@x.org",
                language=language,
                short_code=code,
                headline=f"{name} cares about coffee",
                company=company,
                consent_share_contact=shares_contact,
            ),
            ev.BadgeIssued(
                event_id=event, attendee_id=attendee_id, token_id=f"{attendee_id}.{serial}", short_code=code
            ),
        )
        return Person(
            attendee_id,
            name,
            code,
            identity.issue_token(signer, identity.BADGE, TokenClaims(event, attendee_id, serial)),
            identity.issue_token(signer, identity.PRIVATE, TokenClaims(event, attendee_id, 1)),
        )

    return person
