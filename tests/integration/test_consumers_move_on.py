"""Every consumer process (`python -m services.<name>.consumer`) moves past a message it cannot
use: on a real Kafka broker and PostgreSQL, a type-wrong `event.closed` (`closed_at` is 12345)
sits between two good messages for one event; both good ones reach the read model and the bad
one reaches the dead-letter topic, with its reason."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from services import dashboard, followup, scan
from services.dashboard import DashboardService
from services.dashboard.models import Event as DashboardEvent
from services.followup import FollowupService
from services.followup.models import Event as FollowupEvent
from services.scan import ScanService
from services.scan.models import Event as ScanEvent
from shared.bus import DEAD_LETTER_TOPIC
from shared.bus.kafka import KafkaBus
from shared.db import migrate
from shared.envelope import Envelope, parse_iso
from shared.events import ALL_TOPICS, EventClosed, EventCreated, to_envelope

REPO = Path(__file__).resolve().parents[2]
CLOSED_AT = "2026-11-28T18:00:00.000Z"

CONSUMERS = [  # (package, group, service, its settings field, its read model's event table)
    (scan, "scan", ScanService, "scan_database_url", ScanEvent),
    (followup, "followup", FollowupService, "followup_database_url", FollowupEvent),
    (dashboard, "dashboard", DashboardService, "dashboard_database_url", DashboardEvent),
]


def wait_for(check, what: str, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while not (found := check()):
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.3)
    return found


def dead_letter_of(bus: KafkaBus, message_id: str, group: str):
    """Waits for the dead letter `group` wrote for message `message_id`."""
    found: list[dict] = []
    with bus.consumer("reader-" + secrets.token_hex(4), [DEAD_LETTER_TOPIC]) as reader:

        def poll():
            for record in reader.poll(timeout=0.5):
                letter = json.loads(record.value)
                if (
                    letter["group"] == group
                    and letter["value"]
                    and json.loads(letter["value"])["id"] == message_id
                ):
                    found.append(letter)
            return found

        return wait_for(poll, f"{group}'s dead letter")[0]


@pytest.mark.kafka
@pytest.mark.postgres
@pytest.mark.timeout(240)
@pytest.mark.parametrize(
    "package, group, service_class, url_field, event_model", CONSUMERS, ids=[c[1] for c in CONSUMERS]
)
def test_a_type_wrong_message_is_dead_lettered_and_the_consumer_applies_the_next(
    settings, kafka_broker, postgres_server, package, group, service_class, url_field, event_model
):
    database_url = postgres_server.create_database(f"moves_on_{group}_{secrets.token_hex(4)}")
    service = service_class(replace(settings, **{url_field: database_url}))
    migrate(
        service.engine, package.MIGRATIONS
    )  # before the process does, so the test can look from the start
    event_id = "dl" + secrets.token_hex(6)
    before = EventCreated(
        event_id=event_id,
        name="Before the bad one",
        venue="Hall B",
        starts_at="2026-11-28T06:00:00.000Z",
        ends_at="2026-11-28T16:00:00.000Z",
        timezone="UTC",
        language="en",
    )
    bad = Envelope("event.closed", 1, event_id, {"closed_at": 12345})
    after = EventClosed(event_id=event_id, closed_at=CLOSED_AT)
    bus = KafkaBus(kafka_broker.bootstrap, default_partitions=3)
    bus.ensure_topics([*ALL_TOPICS, DEAD_LETTER_TOPIC], 3)
    with bus.producer() as producer:  # one key, one partition: the bad one sits in front of "after"
        for value in (to_envelope(before).to_bytes(), bad.to_bytes(), to_envelope(after).to_bytes()):
            producer.send(before.TOPIC, event_id, value)

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")},
        "PYTHONPATH": str(REPO),
        "RAPPORT_SECRET_KEY": settings.secret_key,
        "RAPPORT_" + url_field.upper(): database_url,
        "RAPPORT_BUS_URL": kafka_broker.url,
        "RAPPORT_KAFKA_PARTITIONS": "3",
        "RAPPORT_LOG_LEVEL": "ERROR",
        "RAPPORT_DATA_DIR": str(settings.data_dir),
    }
    consumer = subprocess.Popen([sys.executable, "-m", f"{package.__name__}.consumer"], cwd=REPO, env=env)
    try:

        def applied():
            with service.sessions() as session:
                event = session.get(event_model, event_id)
                return event is not None and event.closed_at is not None and (event.name, event.closed_at)

        assert wait_for(applied, "both good messages") == ("Before the bad one", parse_iso(CLOSED_AT))
        letter = dead_letter_of(bus, bad.id, group)
    finally:
        consumer.send_signal(signal.SIGTERM)
        assert consumer.wait(30) == 0
        service.engine.dispose()
    assert letter["reason"] == "event.closed field 'closed_at' must be a timestamp string, not int"
    assert letter["topic"] == before.TOPIC
