"""The scan service learns events, attendees and revocations from the bus, idempotently."""

from __future__ import annotations

import sqlalchemy as sa

from services.scan.handlers import READ_MODEL_TYPES, apply_event
from services.scan.models import Attendee, Event
from shared import events as ev
from shared.bus.embedded import EmbeddedBus
from shared.bus.worker import Worker
from shared.consumer import applied_once
from shared.events import ATTENDEES_TOPIC, EVENTS_TOPIC, encode


def test_the_read_model_follows_the_topics_and_a_replay_changes_nothing(app, tmp_path):
    sessions = app.extensions["scan"].sessions
    bus = EmbeddedBus(tmp_path / "bus.sqlite3")
    messages = [
        ev.EventCreated(
            event_id="ev1",
            name="Summit",
            venue="",
            starts_at="2026-11-28T06:00:00Z",
            ends_at="2026-11-28T15:00:00Z",
            timezone="UTC",
            language="en",
        ),
        ev.AttendeeRegistered(
            event_id="ev1",
            attendee_id="a1",
            name="Lina",
            email="l@x.org",
            language="ar",
            short_code="K7P2QX",
            headline="coffee",
        ),
        ev.BadgeIssued(event_id="ev1", attendee_id="a1", token_id="a1.1", short_code="K7P2QX"),
        ev.BadgeRevoked(event_id="ev1", attendee_id="a1", token_id="a1.1"),
        ev.BadgeIssued(event_id="ev1", attendee_id="a1", token_id="a1.2", short_code="M9QRST"),
        ev.AttendeeUpdated(
            event_id="ev1",
            attendee_id="a1",
            name="Lina H.",
            email="l@x.org",
            language="ar",
            short_code="M9QRST",
            headline="specialty coffee",
        ),
        ev.EventClosed(event_id="ev1", closed_at="2026-11-28T16:00:00Z"),
    ]
    with bus.producer() as producer:
        for message in messages:
            producer.send(message.TOPIC, message.key(), encode(message))

    def consume(group: str) -> None:
        handler = applied_once(sessions, "scan", apply_event)
        with bus.producer() as dead, bus.consumer(group, [EVENTS_TOPIC, ATTENDEES_TOPIC]) as consumer:
            worker = Worker(consumer, dead, group, {t: handler for t in READ_MODEL_TYPES})
            while worker.run_once(timeout=0.3):
                pass

    def snapshot():
        with sessions() as session:
            a, e = session.get(Attendee, "a1"), session.get(Event, "ev1")
            return (a.name, a.headline, a.short_code, a.badge_serial, e.name, e.closed_at.isoformat())

    consume("scan")
    assert snapshot() == ("Lina H.", "specialty coffee", "M9QRST", 2, "Summit", "2026-11-28T16:00:00+00:00")
    consume("scan-replay")  # every message delivered again (a replay or an uncommitted batch)
    assert snapshot() == ("Lina H.", "specialty coffee", "M9QRST", 2, "Summit", "2026-11-28T16:00:00+00:00")
    with sessions() as session:
        assert session.scalar(sa.text("SELECT count(*) FROM processed_messages")) == len(messages)
