"""The transactional outbox against real databases and a real bus (embedded and Kafka)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from shared.bus import PublishError
from shared.bus.embedded import EmbeddedBus
from shared.bus.kafka import KafkaBus
from shared.db import session_factory
from shared.envelope import Envelope
from shared.events import EventClosed
from shared.outbox import add_to_outbox, pending, relay_once


@pytest.fixture
def sessions(engine):
    return session_factory(engine)


def closed(i: int) -> EventClosed:
    return EventClosed(event_id=f"ev{i}", closed_at="2026-11-28T18:00:00.000Z")


@pytest.fixture(params=["embedded", "kafka"])
def bus(request, tmp_path):
    if request.param == "embedded":
        return EmbeddedBus(tmp_path / "bus.sqlite3")
    return KafkaBus(request.getfixturevalue("kafka_broker").bootstrap)


def test_a_rolled_back_write_publishes_nothing(sessions):
    with sessions() as session:
        session.execute(text("INSERT INTO notes VALUES (1, 'x')"))
        add_to_outbox(session, closed(1))
        session.rollback()
    with sessions() as session:
        assert pending(session) == 0


def test_committed_messages_are_published_in_order_and_then_forgotten(sessions, bus):
    with sessions() as session:
        for i in range(5):
            add_to_outbox(session, closed(i))
        session.commit()
    topic_before = _read_all(bus)
    with bus.producer() as producer:
        assert relay_once(sessions, producer) == 5
        assert relay_once(sessions, producer) == 0
    with sessions() as session:
        assert pending(session) == 0
    new = [e for e in _read_all(bus) if e.id not in {m.id for m in topic_before}]
    assert sorted(e.event_id for e in new) == [f"ev{i}" for i in range(5)]


def test_while_the_bus_refuses_the_messages_wait_in_the_outbox(sessions):
    class RefusingProducer:
        def send(self, topic, key, value):
            pass

        def flush(self, timeout=None):
            raise PublishError("broker unreachable")

    with sessions() as session:
        add_to_outbox(session, closed(7))
        session.commit()
    with pytest.raises(PublishError):
        relay_once(sessions, RefusingProducer())
    with sessions() as session:
        assert pending(session) == 1


def _read_all(bus) -> list[Envelope]:
    import uuid

    with bus.consumer(f"reader-{uuid.uuid4().hex[:6]}", ["rapport.events"]) as consumer:
        records = consumer.poll(timeout=0.5)
        while not consumer.assignment():  # Kafka: joined the group only after a few polls
            records += consumer.poll(timeout=0.5)
        while batch := consumer.poll(timeout=1):
            records += batch
    return [Envelope.from_bytes(r.value) for r in records]
