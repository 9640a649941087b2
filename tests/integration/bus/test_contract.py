"""One contract for the event bus, run against every backend: the embedded log and real Kafka."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

import pytest

from shared.bus import DEAD_LETTER_TOPIC, Bus, Consumer, Record
from shared.bus.embedded import EmbeddedBus
from shared.bus.kafka import KafkaBus
from shared.bus.worker import PoisonMessage, Worker
from shared.envelope import Envelope
from shared.events import EventClosed, encode

REPO = Path(__file__).resolve().parents[3]
PARTITIONS = 4


def drain(consumer: Consumer, want: int, timeout: float = 60, commit: bool = True) -> list[Record]:
    """Poll until `want` records arrived (or fail after `timeout` seconds)."""
    got: list[Record] = []
    deadline = time.monotonic() + timeout
    while len(got) < want:
        assert time.monotonic() < deadline, f"only {len(got)} of {want} records arrived in {timeout}s"
        batch = consumer.poll(timeout=0.5)
        got += batch
        if commit:
            consumer.commit_records(batch)
    return got


def closed(event_id: str) -> bytes:
    return encode(EventClosed(event_id=event_id, closed_at="2026-11-28T18:00:00Z"))


class BusContract:
    """Subclasses provide `bus` (a fresh connection) and get every test below."""

    @pytest.fixture
    def topic(self, bus: Bus) -> str:
        name = f"contract.{uuid.uuid4().hex[:10]}"
        bus.ensure_topics([name], PARTITIONS)
        return name

    def test_messages_with_one_key_arrive_in_the_order_they_were_sent(self, bus, topic):
        with bus.producer() as producer:
            for seq in range(300):
                for key in ("alice", "bob", "chadi"):
                    producer.send(topic, key, json.dumps([key, seq]).encode())
            producer.flush()
        with bus.consumer("order", [topic]) as consumer:
            records = drain(consumer, 900)
        sequences = defaultdict(list)
        for record in records:
            key, seq = json.loads(record.value)
            assert record.key == key.encode()
            sequences[key].append(seq)
        assert sequences == {key: list(range(300)) for key in ("alice", "bob", "chadi")}

    def test_ten_thousand_published_messages_are_all_consumed(self, bus, topic):
        with bus.producer() as producer:
            for i in range(10_000):
                producer.send(topic, f"k{i % 97}", str(i).encode())
            producer.flush()
        with bus.consumer("all", [topic]) as consumer:
            values = [int(r.value) for r in drain(consumer, 10_000)]
            assert consumer.poll(timeout=1) == []
        assert sorted(values) == list(range(10_000))

    def test_nothing_is_committed_unless_the_consumer_commits(self, bus, topic):
        with bus.producer() as producer:
            for i in range(20):
                producer.send(topic, str(i), str(i).encode())
        with bus.consumer("uncommitted", [topic]) as consumer:
            first = drain(consumer, 20, commit=False)
        with bus.consumer("uncommitted", [topic]) as consumer:
            again = drain(consumer, 20)
        assert sorted(r.value for r in again) == sorted(r.value for r in first)

    def test_each_group_reads_the_whole_topic_for_itself(self, bus, topic):
        with bus.producer() as producer:
            for i in range(50):
                producer.send(topic, str(i), str(i).encode())
        for group in ("dashboard", "followup"):
            with bus.consumer(group, [topic]) as consumer:
                assert len({r.value for r in drain(consumer, 50)}) == 50

    def test_two_consumers_in_one_group_share_the_partitions(self, bus, topic):
        first, second = bus.consumer("shared", [topic]), bus.consumer("shared", [topic])
        try:
            deadline = time.monotonic() + 60
            while True:  # both must poll to take part in the group's rebalance
                first.poll(timeout=0.2)
                second.poll(timeout=0.2)
                a, b = first.assignment(), second.assignment()
                if a and b and not a & b and len(a | b) == PARTITIONS:
                    break
                assert time.monotonic() < deadline, f"partitions never split: {a} / {b}"
            with bus.producer() as producer:
                for i in range(400):
                    producer.send(topic, f"key-{i}", str(i).encode())
            got = {id(first): [], id(second): []}
            deadline = time.monotonic() + 60
            while sum(map(len, got.values())) < 400:
                assert time.monotonic() < deadline
                for consumer in (first, second):
                    batch = consumer.poll(timeout=0.2)
                    assert {(r.topic, r.partition) for r in batch} <= consumer.assignment()
                    consumer.commit_records(batch)
                    got[id(consumer)] += [int(r.value) for r in batch]
        finally:
            first.close()
            second.close()
        assert got[id(first)] and got[id(second)], "each member handles part of the stream"
        assert sorted(got[id(first)] + got[id(second)]) == list(range(400))

    @pytest.mark.timeout(240)
    def test_a_killed_consumer_resumes_from_its_last_commit_and_loses_nothing(self, bus, topic, tmp_path):
        total, batch = 1500, 50
        with bus.producer() as producer:
            for i in range(total):
                producer.send(topic, f"e{i % 31}", closed(f"e{i}"))
        results = tmp_path / "handled.sqlite3"
        command = [
            sys.executable,
            str(Path(__file__).with_name("consumer_proc.py")),
            bus.url,
            "crash",
            topic,
            str(results),
            str(batch),
            "0.002",
        ]
        env = {**os.environ, "PYTHONPATH": str(REPO)}

        def counts() -> tuple[int, int]:
            if not results.exists():
                return 0, 0
            with sqlite3.connect(results, timeout=30) as conn:
                try:
                    return (
                        conn.execute("SELECT count(*) FROM handled").fetchone()[0],
                        conn.execute("SELECT count(*) FROM deliveries").fetchone()[0],
                    )
                except sqlite3.OperationalError:  # tables not created yet
                    return 0, 0

        def wait_for(predicate, timeout: float) -> None:
            deadline = time.monotonic() + timeout
            while not predicate():
                assert time.monotonic() < deadline, f"stuck at {counts()}"
                time.sleep(0.05)

        victim = subprocess.Popen(command, env=env)
        wait_for(lambda: counts()[0] >= total // 3, 90)
        os.kill(victim.pid, signal.SIGKILL)  # mid-batch: no goodbye, no commit
        victim.wait()
        killed_at = counts()[0]
        assert killed_at < total, "the victim must die before finishing"

        survivor = subprocess.Popen(command, env=env)
        try:
            wait_for(lambda: counts()[0] == total, 150)
        finally:
            survivor.kill()
            survivor.wait()
        handled, deliveries = counts()
        assert handled == total
        # Only what the victim handled after its last commit is seen twice: it resumed from the
        # commit, not from the beginning of the topic.
        assert deliveries - total <= batch

    def test_a_poison_message_goes_to_the_dead_letter_topic_and_the_rest_are_handled(self, bus, topic):
        bad = [
            (b"{not json", "not JSON"),
            (
                json.dumps(
                    {
                        "id": "x1",
                        "type": "meteor.struck",
                        "version": 1,
                        "occurred_at": "2026-11-28T10:00:00Z",
                        "event_id": "e",
                        "data": {},
                    }
                ).encode(),
                "unknown type",
            ),
            (Envelope("event.closed", 99, "e", {"closed_at": "2026-11-28T10:00:00Z"}).to_bytes(), "newer"),
            (Envelope("event.closed", 1, "e", {}).to_bytes(), "lacks field 'closed_at'"),
            (closed("refused-by-handler"), "rejected by handler"),
        ]
        with bus.producer() as producer:
            producer.send(topic, "one-key", closed("before"))
            for value, _ in bad:
                producer.send(topic, "one-key", value)  # one key: the poison sits in front of "after"
            producer.send(topic, "one-key", closed("after"))
        handled = []

        def handle(event, envelope):
            if event.event_id == "refused-by-handler":
                raise PoisonMessage("this event can never apply")
            handled.append(event.event_id)

        with bus.producer() as dead_letters, bus.consumer("poison", [topic]) as consumer:
            worker = Worker(consumer, dead_letters, "poison", {"event.closed": handle})
            deadline = time.monotonic() + 60
            while len(handled) < 2:
                assert time.monotonic() < deadline, f"handled only {handled}"
                worker.run_once(timeout=0.5)
        assert handled == ["before", "after"]
        assert worker.dead_lettered == len(bad)

        with bus.consumer("dead-letter-reader", [DEAD_LETTER_TOPIC]) as reader:
            letters = []
            deadline = time.monotonic() + 60
            while len(letters) < len(bad):
                assert time.monotonic() < deadline, f"dead letters: {letters}"
                letters += [
                    json.loads(r.value)
                    for r in reader.poll(timeout=0.5)
                    if json.loads(r.value)["topic"] == topic
                ]
        letters.sort(key=lambda letter: letter["offset"])
        for letter, (value, reason) in zip(letters, bad):
            assert letter["group"] == "poison"
            assert reason in letter["reason"]
            assert letter["value"] == value.decode()


class TestEmbeddedBus(BusContract):
    @pytest.fixture
    def bus(self, tmp_path):
        return EmbeddedBus(tmp_path / "bus.sqlite3", default_partitions=PARTITIONS)


class TestKafkaBus(BusContract):
    @pytest.fixture
    def bus(self, kafka_broker):
        return KafkaBus(kafka_broker.bootstrap, default_partitions=PARTITIONS)
