"""The consumer runner with sealed records, on the embedded log: keys are fetched once per polled
batch, an erased person's records are skipped (not dead-lettered), a tampered box is
dead-lettered, records in clear read as before, and attendee.erased drops the key."""

from __future__ import annotations

import base64
import json

from shared.bus.embedded import EmbeddedBus
from shared.bus.worker import Worker
from shared.events import ATTENDEES_TOPIC, AttendeeErased, AttendeeRegistered, to_envelope
from shared.sealing import Keyring, new_data_key

KEYS = {"lina": new_data_key(), "omar": new_data_key(), "sara": new_data_key()}


def registered(who: str) -> AttendeeRegistered:
    return AttendeeRegistered(
        event_id="ev1",
        attendee_id=who,
        name=who.title(),
        email=f"{who}@example.org",
        language="en",
        short_code="X",
    )


def tampered(value: bytes) -> bytes:
    doc = json.loads(value)
    box = bytearray(base64.b64decode(doc["data"]["sealed"]["box"]))
    box[0] ^= 1
    doc["data"]["sealed"]["box"] = base64.b64encode(box).decode()
    return json.dumps(doc).encode()


def test_sealed_records_open_once_per_batch_and_an_erased_persons_are_skipped(tmp_path):
    bus = EmbeddedBus(tmp_path / "bus.sqlite3", default_partitions=1)
    sealed = {who: to_envelope(registered(who), keys=KEYS).to_bytes() for who in KEYS}
    with bus.producer() as producer:
        producer.send(ATTENDEES_TOPIC, "lina", sealed["lina"])
        producer.send(ATTENDEES_TOPIC, "omar", sealed["omar"])
        producer.send(ATTENDEES_TOPIC, "sara", tampered(sealed["sara"]))
        producer.send(ATTENDEES_TOPIC, "old", to_envelope(registered("old")).to_bytes())  # before sealing
        producer.send(
            ATTENDEES_TOPIC,
            "omar",
            to_envelope(AttendeeErased(event_id="ev1", attendee_id="omar")).to_bytes(),
        )
        producer.send(ATTENDEES_TOPIC, "omar", sealed["omar"])  # a replay after his erasure
    asked: list[list[str]] = []
    gone = {"lina"}  # erased before this consumer started: the key service no longer has her key

    def fetch(ids):
        asked.append(sorted(ids))
        return {i: KEYS[i] for i in ids if i not in gone}

    names = []
    handlers = {
        "attendee.registered": lambda event, envelope: names.append(event.name),
        "attendee.erased": lambda event, envelope: gone.add(event.attendee_id),
    }
    with bus.producer() as letters, bus.consumer("sealed", [ATTENDEES_TOPIC]) as consumer:
        worker = Worker(consumer, letters, "sealed", handlers, keys=Keyring(fetch))
        while worker.run_once(timeout=0.5) == 0:
            pass
        while worker.run_once(timeout=0.2):
            pass
    assert names == ["Omar", "Old"]  # Lina's and the replayed Omar are skipped, Sara's is refused
    assert asked == [["lina", "omar", "sara"]]  # one fetch for the batch; Omar forgotten on erasure
    assert (worker.skipped_erased, worker.dead_lettered) == (2, 1)
    with bus.consumer("reader", ["rapport.deadletter"]) as reader:
        [letter] = [json.loads(r.value) for r in reader.poll(timeout=1.0)]
    assert "does not open" in letter["reason"] and letter["key"] == "sara"
