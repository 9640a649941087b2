"""The dashboard's consumer and rebuild as they run in production: `python -m services.dashboard.consumer`
and `python -m services.dashboard.rebuild`, processes of their own, on a real Kafka broker and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from services.dashboard import MIGRATIONS, DashboardService, figures
from services.dashboard.models import Event
from shared.bus import DEAD_LETTER_TOPIC
from shared.bus.kafka import KafkaBus
from shared.db import migrate
from shared.events import ALL_TOPICS, to_envelope
from tests.integration.dashboard.conftest import NOW, a_day_of_meetings

REPO = Path(__file__).resolve().parents[3]


def figures_of(service: DashboardService, event_id: str) -> dict | None:
    with service.sessions() as session:
        event = session.get(Event, event_id)
        found = figures.stats(session, event, NOW) if event is not None else None
    if found:
        found.pop("version")  # replay order may differ between runs; the figures may not
    return found


def wait_for(check, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while not (found := check()):
        assert time.monotonic() < deadline, "the consumer did not catch up"
        time.sleep(0.3)
    return found


@pytest.mark.kafka
@pytest.mark.postgres
@pytest.mark.timeout(300)
def test_the_consumer_process_builds_the_read_model_from_kafka_and_rebuild_replays_it(
    settings, kafka_broker, postgres_server, key_service
):
    database_url = postgres_server.create_database("dashboard_consumer")
    service = DashboardService(replace(settings, dashboard_database_url=database_url))
    migrate(service.engine, MIGRATIONS)
    event_id, story, expected = a_day_of_meetings(seed=11)
    bus = KafkaBus(kafka_broker.bootstrap, default_partitions=3)
    # The broker is the session's: other tests' messages on these topics are read too, and left alone here.
    bus.ensure_topics([*ALL_TOPICS, DEAD_LETTER_TOPIC], 3)
    with bus.producer() as producer:
        for event in story:
            producer.send(event.TOPIC, event.key(), to_envelope(event).to_bytes())
        producer.flush()

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")},
        "PYTHONPATH": str(REPO),
        "RAPPORT_SECRET_KEY": settings.secret_key,
        "RAPPORT_DASHBOARD_DATABASE_URL": database_url,
        "RAPPORT_BUS_URL": kafka_broker.url,
        "RAPPORT_KAFKA_PARTITIONS": "3",
        "RAPPORT_LOG_LEVEL": "WARNING",
        "RAPPORT_DATA_DIR": str(settings.data_dir),
        "RAPPORT_KEYS_URL": key_service,
    }
    consumer = subprocess.Popen([sys.executable, "-m", "services.dashboard.consumer"], cwd=REPO, env=env)
    try:
        # Each topic's partitions are read on their own: done once the last of every kind has landed.
        built = wait_for(
            lambda: (
                (f := figures_of(service, event_id))
                and f["name"]
                and f["followups"]["followed_up"]
                and f["followups"]["summary"]["sent"] == 29
                and f["meetings"] == expected["meetings"]
                and f["attendees"] == expected["attendees"]
                and f
            )
        )
    finally:
        consumer.send_signal(signal.SIGTERM)
        assert consumer.wait(30) == 0
    assert {key: built[key] for key in expected} == expected

    rebuilt = subprocess.run(
        [sys.executable, "-m", "services.dashboard.rebuild"], cwd=REPO, env=env, timeout=240
    )
    assert rebuilt.returncode == 0
    assert figures_of(service, event_id) == built
    service.engine.dispose()
