from __future__ import annotations

import json

import pytest

from services.badge import create_app
from shared.bus.embedded import EmbeddedBus
from shared.envelope import Envelope
from shared.outbox import relay_once
from shared.sealing import Erased, Keyring
from tests.datakeys import badge_keys

ADMIN = {"Authorization": "Bearer test-admin-token"}
EVENT = {
    "name": "Riyadh Design Week",
    "venue": "JAX District",
    "starts_at": "2026-12-01T09:00:00+03:00",
    "ends_at": "2026-12-03T18:00:00+03:00",
    "timezone": "Asia/Riyadh",
    "language": "ar",
}


@pytest.fixture
def app(settings, database_url):
    """The badge service on a fresh PostgreSQL database."""
    from dataclasses import replace

    return create_app(replace(settings, badge_database_url=database_url))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def event(client) -> dict:
    response = client.post("/v1/events", json=EVENT, headers=ADMIN)
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def register(client, event):
    def register(**fields) -> dict:
        doc = {"name": "Lina Haddad", "email": "lina@example.org", **fields}
        response = client.post(f"/v1/events/{event['id']}/attendees", json=doc, headers=ADMIN)
        assert response.status_code == 201, response.json
        return response.json

    return register


@pytest.fixture
def published(app, tmp_path):
    """Relay the service's outbox to a real (embedded) bus and return what a consumer reads, its
    sealed fields opened with the keys a consumer gets (an erased person's stay sealed)."""
    bus = EmbeddedBus(tmp_path / "bus.sqlite3")
    fetch = badge_keys(app)

    def opened(envelope: Envelope) -> Envelope:
        try:
            return Keyring(fetch).open(envelope)
        except Erased:
            return envelope

    def published() -> list[Envelope]:
        with bus.producer() as producer:
            while relay_once(app.extensions["badge"].sessions, producer):
                pass
        with bus.consumer(
            f"reader-{len(published.seen)}", ["rapport.events", "rapport.attendees"]
        ) as consumer:
            records = []
            while batch := consumer.poll(timeout=0.2):
                records += batch
        published.seen.append(1)
        records.sort(key=lambda r: json.loads(r.value)["occurred_at"])
        return [opened(Envelope.from_bytes(r.value)) for r in records]

    published.seen = []
    return published
