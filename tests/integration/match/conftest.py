from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from services.match import create_app
from shared import events as ev
from shared import identity
from shared.identity import TokenClaims
from shared.tokens import TokenSigner
from tests.matchfeed import feed_match


@dataclass
class Person:
    id: str
    token: str  # their private (scanner) token
    short_code: str = ""

    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def app(settings, database_url):
    return create_app(replace(settings, match_database_url=database_url))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def apply(app):
    """Feed bus messages to the match tables as the consumer does (the real model embeds them)."""
    service = app.extensions["match"]

    def apply(*events) -> None:
        feed_match(service, *events)

    return apply


@pytest.fixture
def event_id(apply) -> str:
    event_id = identity.new_event_id()
    apply(
        ev.EventCreated(
            event_id=event_id,
            name="Riyadh Tech Week",
            venue="",
            starts_at="2026-12-01T06:00:00Z",
            ends_at="2026-12-03T15:00:00Z",
            timezone="Asia/Riyadh",
            language="ar",
        )
    )
    return event_id


@pytest.fixture
def person(app, apply, event_id):
    signer = TokenSigner.from_settings(app.extensions["match"].settings)

    def person(name: str, *, event: str | None = None, language: str = "en", **profile) -> Person:
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
                **profile,
            )
        )
        return Person(
            attendee_id,
            identity.issue_token(signer, identity.PRIVATE, TokenClaims(event, attendee_id, 1)),
            code,
        )

    return person
