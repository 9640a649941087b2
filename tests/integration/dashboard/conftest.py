from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pytest

from services.dashboard import create_app
from services.dashboard.consumer import GROUP
from services.dashboard.handlers import apply_event
from services.scan.domain import meeting_id
from shared import events as ev
from shared import identity
from shared.consumer import applied_once
from shared.envelope import Envelope, iso, parse_iso
from shared.events import to_envelope

NOW = parse_iso("2026-12-01T10:00:00Z")  # the dashboard's clock in these tests
ADMIN = {"Authorization": "Bearer test-admin-token"}  # the `settings` fixture's admin token
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@dataclass
class Organizer:
    id: str
    email: str
    password: str


@pytest.fixture
def dashboard_settings(settings, database_url):
    return replace(settings, dashboard_database_url=database_url)


@pytest.fixture
def app(dashboard_settings):
    app = create_app(dashboard_settings)
    app.extensions["dashboard"].clock = lambda: NOW
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def feed(app):
    """Deliver bus events as the consumer does: each in its own transaction, once per message id.
    Returns the envelopes, so a test can deliver them again."""
    handle = applied_once(app.extensions["dashboard"].sessions, GROUP, apply_event)

    def feed(*events: ev.Event | tuple[ev.Event, Envelope]) -> list[Envelope]:
        delivered = []
        for item in events:
            event, envelope = item if isinstance(item, tuple) else (item, to_envelope(item))
            handle(event, envelope)
            delivered.append(envelope)
        return delivered

    return feed


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', html).group(1)


def log_in(client, who: Organizer):
    token = csrf_of(client.get("/login", headers=HTML).text)
    return client.post(
        "/login", data={"email": who.email, "password": who.password, "csrf_token": token}, headers=HTML
    )


@pytest.fixture
def organizer(client):
    """Make an organizer with the bootstrap admin token (the first one made is an admin)."""

    def organizer(name: str, language: str = "en") -> Organizer:
        email, password = f"{name.lower()}@example.org", f"{name} has a long passphrase"
        answer = client.post(
            "/v1/organizers",
            headers=ADMIN,
            json={"email": email, "name": name, "password": password, "language": language},
        )
        assert answer.status_code == 201, answer.json
        return Organizer(answer.json["id"], email, password)

    return organizer


@pytest.fixture
def admin(organizer) -> Organizer:
    return organizer("Admin")


@pytest.fixture
def alice(admin, organizer) -> Organizer:
    return organizer("Alice")


@pytest.fixture
def bob(admin, organizer) -> Organizer:
    return organizer("Bob")


def grant(app, who: Organizer, event_id: str) -> None:
    from services.dashboard import accounts
    from services.dashboard.models import Organizer as Row

    with app.extensions["dashboard"].sessions() as session:
        accounts.grant(session, session.get(Row, who.id), event_id, NOW)
        session.commit()


def event_created(event_id: str, name: str = "Riyadh Design Week") -> ev.EventCreated:
    return ev.EventCreated(
        event_id=event_id,
        name=name,
        venue="Jax District",
        starts_at="2026-12-01T06:00:00Z",
        ends_at="2026-12-01T15:00:00Z",
        timezone="Asia/Riyadh",
        language="ar",
    )


class World:
    """One event's people and meetings, told as the bus tells them."""

    def __init__(self, feed, event_id: str | None = None):
        self.feed, self.event_id = feed, event_id or identity.new_event_id()

    def created(self, name: str = "Riyadh Design Week"):
        self.feed(event_created(self.event_id, name))
        return self

    def attendee(
        self, name: str, interests=(), share_contact: bool = False, attendee_id: str | None = None
    ) -> str:
        attendee_id = attendee_id or identity.new_attendee_id()
        self.feed(self.registered(attendee_id, name, interests, share_contact))
        return attendee_id

    def registered(self, attendee_id: str, name: str, interests=(), share_contact: bool = False):
        return ev.AttendeeRegistered(
            event_id=self.event_id,
            attendee_id=attendee_id,
            name=name,
            email=f"{attendee_id}@example.org",
            language="en",
            short_code=identity.new_short_code(),
            company=f"{name} & Co",
            interests=tuple(interests),
            consent_followup=True,
            consent_share_contact=share_contact,
        )

    def scan(self, scanner: str, scanned: str, at: datetime | str, mutual: bool = False) -> ev.ScanRecorded:
        return ev.ScanRecorded(
            event_id=self.event_id,
            meeting_id=meeting_id(self.event_id, scanner, scanned),
            scanner=scanner,
            scanned=scanned,
            scanned_at=at if isinstance(at, str) else iso(at),
            client_scan_id=identity.new_short_code(),
            mutual=mutual,
        )

    def met(self, scanner: str, scanned: str, at: datetime | None = None, mutual: bool = False):
        return self.feed(self.scan(scanner, scanned, at or NOW - timedelta(minutes=5), mutual))


def token_for(app, who: Organizer) -> dict:
    """Authorization headers with a fresh API token of `who`."""
    from services.dashboard import access
    from services.dashboard.models import Organizer as Row

    signer = app.extensions["organizer_signer"]
    with app.extensions["dashboard"].sessions() as session:
        row = session.get(Row, who.id)
        _, secret = access.issue_token(session, signer, access.principal_of(row), row, {"name": "tests"}, NOW)
        session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def world(app, feed, alice) -> World:
    """An event Alice runs, already announced on the bus."""
    world = World(feed).created()
    grant(app, alice, world.event_id)
    return world


@pytest.fixture
def as_alice(app, alice) -> dict:
    return token_for(app, alice)


def a_day_of_meetings(seed: int = 7, people: int = 40, scans: int = 260) -> tuple[str, list[ev.Event], dict]:
    """One event's bus traffic, as it really arrives: repeat scans, second scans that make meetings
    mutual, offline phones syncing late, scans before the registrations, an erasure, follow-ups.
    Returns (event id, events in delivery order, the figures they must give)."""
    import random

    rng = random.Random(seed)
    world = World(lambda *_: None)
    interests = ["coffee", "design", "logistics", "AI", "education", "retail"]
    ids = [identity.new_attendee_id() for _ in range(people)]
    registrations = [
        world.registered(a, f"Guest {i}", rng.sample(interests, 2), share_contact=i % 3 == 0)
        for i, a in enumerate(ids)
    ]
    scanned, pairs, mutual = [], set(), set()
    for _ in range(scans):
        a, b = rng.sample(ids[: people - 5], 2)  # the last five meet nobody
        at = NOW - timedelta(minutes=rng.randrange(0, 180), seconds=rng.randrange(60))
        pair = frozenset((a, b))
        both = (b, a) in {(s.scanner, s.scanned) for s in scanned}
        scanned.append(world.scan(a, b, at, mutual=both and rng.random() < 0.8))
        pairs.add(pair)
        if both:
            mutual.add(pair)
    gone = ids[0]
    story = [
        event_created(world.event_id),
        *registrations[: people // 2],
        *scanned[: scans // 2],
        *registrations[people // 2 :],
        *scanned[scans // 2 :],
        ev.AttendeeErased(event_id=world.event_id, attendee_id=gone),
        world.scan(gone, ids[1], NOW - timedelta(minutes=1)),
    ]
    for who in ids[1:30]:
        story.append(ev.FollowupQueued(event_id=world.event_id, attendee_id=who, campaign="followup"))
        story.append(
            ev.FollowupSent(event_id=world.event_id, attendee_id=who, campaign="followup", sent_at=iso(NOW))
        )
    story.append(
        ev.FollowupFollowedUp(
            event_id=world.event_id, attendee_id=ids[2], campaign="followup", contact=ids[3]
        )
    )
    kept = {p for p in pairs if gone not in p}
    expected = {"attendees": people - 1, "meetings": len(kept), "mutual_meetings": len(mutual & kept)}
    return world.event_id, story, expected
