"""The consumer runner's rules beyond the bus contract, on the embedded log (fast, real)."""

from __future__ import annotations

import json
import threading

import pytest
import sqlalchemy as sa

from shared.bus.base import DEAD_LETTER_TOPIC, PublishError
from shared.bus.embedded import EmbeddedBus
from shared.bus.worker import Worker
from shared.envelope import Envelope
from shared.events import EventClosed, encode


@pytest.fixture
def bus(tmp_path):
    bus = EmbeddedBus(tmp_path / "bus.sqlite3", default_partitions=1)
    with bus.producer() as producer:
        for name in ("first", "second"):
            producer.send(
                "rapport.events", "k", encode(EventClosed(event_id=name, closed_at="2026-11-28T18:00:00Z"))
            )
    return bus


def test_a_failing_handler_is_retried_with_backoff_and_never_skipped(bus):
    calls, pauses = [], []

    def flaky(event, envelope):
        calls.append(event.event_id)
        if calls.count("first") < 3:
            raise ConnectionError("database restarting")

    with bus.producer() as dead, bus.consumer("g", ["rapport.events"]) as consumer:
        worker = Worker(
            consumer, dead, "g", {"event.closed": flaky}, sleep=pauses.append, retry_backoff=(0.1, 0.5)
        )
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


def test_a_handler_error_that_is_no_outage_is_retried_a_bounded_number_of_times_then_dead_lettered(bus):
    calls, pauses = [], []

    def buggy(event, envelope):
        calls.append(event.event_id)
        if event.event_id == "first":
            raise KeyError("no such attendee")

    with bus.producer() as dead, bus.consumer("g", ["rapport.events"]) as consumer:
        worker = Worker(
            consumer, dead, "g", {"event.closed": buggy}, sleep=pauses.append, failure_backoff=(0.1, 0.5)
        )
        while worker.handled + worker.dead_lettered < 2:
            worker.run_once(timeout=0.5)
    assert calls == ["first", "first", "first", "second"]
    assert pauses == [0.1, 0.5]
    assert (worker.handled, worker.dead_lettered) == (1, 1)
    [letter] = read_dead_letters(bus)
    assert letter["reason"] == "handler failed 3 times: KeyError: 'no such attendee'"
    assert 'raise KeyError("no such attendee")' in letter["traceback"]
    assert json.loads(letter["value"])["event_id"] == "first"


@pytest.mark.parametrize(
    "outage",
    [
        sa.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused")),
        PublishError("broker unreachable"),
    ],
)
def test_an_outage_pauses_for_as_long_as_it_lasts_and_loses_no_place(bus, outage):
    calls, pauses = [], []

    def down_for_a_while(event, envelope):
        calls.append(event.event_id)
        if calls.count("first") < 8:  # more tries than any bounded retry would allow
            raise outage

    with bus.producer() as dead, bus.consumer("g", ["rapport.events"]) as consumer:
        worker = Worker(
            consumer,
            dead,
            "g",
            {"event.closed": down_for_a_while},
            sleep=pauses.append,
            retry_backoff=(0.1, 1),
            failure_backoff=(0.1,),
        )
        while worker.handled < 2:
            worker.run_once(timeout=0.5)
    assert calls == ["first"] * 8 + ["second"]
    assert pauses == [0.1] + [1] * 6
    assert worker.dead_lettered == 0


def test_a_field_of_the_wrong_type_is_dead_lettered_at_once_and_the_next_is_handled(tmp_path):
    bus = EmbeddedBus(tmp_path / "bus.sqlite3", default_partitions=1)
    with bus.producer() as producer:
        producer.send(
            "rapport.events", "k", encode(EventClosed(event_id="before", closed_at="2026-11-28T18:00:00Z"))
        )
        producer.send(
            "rapport.events", "k", Envelope("event.closed", 1, "bad", {"closed_at": 12345}).to_bytes()
        )
        producer.send(
            "rapport.events", "k", encode(EventClosed(event_id="after", closed_at="2026-11-28T18:00:00Z"))
        )
    handled = []
    with bus.producer() as dead, bus.consumer("g", ["rapport.events"]) as consumer:
        worker = Worker(
            consumer,
            dead,
            "g",
            {"event.closed": lambda event, _: handled.append(event.event_id)},
            sleep=pytest.fail,
        )  # nothing to wait for: decoding again gives the same answer
        while worker.handled + worker.dead_lettered < 3:
            worker.run_once(timeout=0.5)
    assert handled == ["before", "after"]
    [letter] = read_dead_letters(bus)
    assert letter["reason"] == "event.closed field 'closed_at' must be a timestamp string, not int"
    assert (letter["group"], letter["topic"], letter["offset"]) == ("g", "rapport.events", 1)


def read_dead_letters(bus) -> list[dict]:
    with bus.consumer("dead-letter-reader", [DEAD_LETTER_TOPIC]) as reader:
        return [json.loads(r.value) for r in reader.poll(timeout=0.5)]


def test_a_stop_request_ends_the_wait_for_an_outage_without_committing(bus):
    stop = threading.Event()

    def database_down(event, envelope):
        raise ConnectionError("database restarting")

    with bus.producer() as dead, bus.consumer("g", ["rapport.events"]) as consumer:
        worker = Worker(consumer, dead, "g", {"event.closed": database_down}, sleep=lambda _: stop.set())
        worker.run(stop)  # returns: the SIGTERM of a consumer process stuck behind an outage
    with bus.consumer("g", ["rapport.events"]) as consumer:
        assert len(consumer.poll(timeout=0.5)) == 2  # nothing was committed past the unhandled message
