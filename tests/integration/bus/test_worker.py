"""The consumer runner's rules beyond the bus contract, on the embedded log (fast, real)."""

from __future__ import annotations

import pytest

from shared.bus.embedded import EmbeddedBus
from shared.bus.worker import Worker
from shared.events import EventClosed, encode


@pytest.fixture
def bus(tmp_path):
    bus = EmbeddedBus(tmp_path / "bus.sqlite3", default_partitions=1)
    with bus.producer() as producer:
        for name in ("first", "second"):
            producer.send("rapport.events", "k", encode(EventClosed(event_id=name, closed_at="2026-11-28T18:00:00Z")))
    return bus


def test_a_failing_handler_is_retried_with_backoff_and_never_skipped(bus):
    calls, pauses = [], []

    def flaky(event, envelope):
        calls.append(event.event_id)
        if calls.count("first") < 3:
            raise ConnectionError("database restarting")

    with bus.producer() as dead, bus.consumer("g", ["rapport.events"]) as consumer:
        worker = Worker(consumer, dead, "g", {"event.closed": flaky}, sleep=pauses.append,
                        retry_backoff=(0.1, 0.5))
        while worker.handled < 2:
            worker.run_once(timeout=0.5)
    assert calls == ["first", "first", "first", "second"]
    assert pauses == [0.1, 0.5]
    assert worker.dead_lettered == 0


def test_types_a_group_has_no_handler_for_are_skipped_and_committed(bus):
    with bus.producer() as dead, bus.consumer("g", ["rapport.events"]) as consumer:
        worker = Worker(consumer, dead, "g", {})
        assert worker.run_once(timeout=0.5) == 2
        assert worker.dead_lettered == 0
    with bus.consumer("g", ["rapport.events"]) as consumer:
        assert consumer.poll(timeout=0.3) == []  # committed past them
