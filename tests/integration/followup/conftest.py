from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import timedelta

import pytest

from services.followup import create_app
from services.followup.readmodel import apply_event
from shared import events as ev
from shared import identity
from shared.envelope import iso, utc_now
from shared.events import to_envelope

ADMIN = {"Authorization": "Bearer test-admin-token"}


@pytest.fixture
def app(settings, database_url, smtp_server):
    return create_app(
        replace(
            settings,
            followup_database_url=database_url,
            smtp_url=smtp_server.url,
            followup_url="https://followup.example",
            admin_token="test-admin-token",
        )
    )


@pytest.fixture
def service(app):
    return app.extensions["followup"]


@pytest.fixture
def client(app):
    return app.test_client()


class World:
    """Builds an event on the follow-up read model through the same bus events the consumer applies."""

    def __init__(self, service, language: str = "en", welcome: str = "off", welcome_at: str = ""):
        """`welcome` is "off" unless a test is about the welcome email: the others count follow-ups."""
        self.service = service
        self.event_id = identity.new_event_id()
        self.counter = itertools.count(1)
        self.started = utc_now() - timedelta(hours=5)
        self.apply(
            ev.EventCreated(
                event_id=self.event_id,
                name="Gulf Product Summit",
                venue="Dubai",
                starts_at=iso(self.started),
                ends_at=iso(self.started + timedelta(hours=8)),
                timezone="Asia/Dubai",
                language=language,
                welcome=welcome,
                welcome_at=welcome_at,
            )
        )

    def apply(self, *events) -> None:
        with self.service.sessions() as session:
            for event in events:
                apply_event(session, event, to_envelope(event))
            session.commit()

    def attendee(
        self,
        name: str,
        *,
        language="en",
        consent=True,
        share=True,
        interests=(),
        headline="",
        company="",
        title="",
        email: str = "",
    ) -> str:
        attendee_id = identity.new_attendee_id()
        self.apply(
            ev.AttendeeRegistered(
                event_id=self.event_id,
                attendee_id=attendee_id,
                name=name,
                email=email or f"{attendee_id}@example.org",
                language=language,
                short_code=identity.new_short_code(),
                company=company,
                title=title,
                headline=headline,
                interests=tuple(interests),
                consent_followup=consent,
                consent_share_contact=share,
            )
        )
        return attendee_id

    def scan(self, scanner: str, scanned: str, note: str = "", tags=(), mutual=False) -> ev.ScanRecorded:
        n = next(self.counter)
        low, high = sorted((scanner, scanned))
        scan = ev.ScanRecorded(
            event_id=self.event_id,
            meeting_id=f"m-{low}-{high}"[:32],
            scanner=scanner,
            scanned=scanned,
            scanned_at=iso(self.started + timedelta(minutes=n)),
            client_scan_id=f"c{n}",
            note=note,
            tags=tuple(tags),
            mutual=mutual,
        )
        self.apply(scan)
        return scan

    def close(self, ago: timedelta = timedelta(0)) -> None:
        self.apply(ev.EventClosed(event_id=self.event_id, closed_at=iso(utc_now() - ago)))


@pytest.fixture
def world(service):
    return World(service)


@pytest.fixture
def make_sender(service, smtp_server):
    from services.followup.sender import Sender
    from shared.smtp import SmtpSettings

    made = []

    def make(smtp_url: str | None = None, **options) -> Sender:
        options.setdefault("settle", timedelta(0))
        sender = Sender(
            service.sessions,
            service.composer,
            SmtpSettings.from_url(smtp_url or smtp_server.url),
            "Rapport <rapport@example.org>",
            **options,
        )
        made.append(sender)
        return sender

    yield make
    for sender in made:
        sender.close()
