"""Live: `python -m services.match.consumer` on a real Kafka broker embeds the profiles it reads,
and a scan through Kafka takes the pair out of each other's suggestions."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from services.match import create_app
from shared import events as ev
from shared import identity
from shared.bus import DEAD_LETTER_TOPIC
from shared.bus.kafka import KafkaBus
from shared.events import ALL_TOPICS, to_envelope
from shared.identity import TokenClaims
from shared.tokens import TokenSigner
from tests.integration.match.test_suggestions import DISTRACTORS

REPO = Path(__file__).resolve().parents[3]


def wait_for(check, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while not (found := check()):
        assert time.monotonic() < deadline, "the match consumer did not catch up"
        time.sleep(0.2)
    return found


@pytest.mark.kafka
@pytest.mark.postgres
@pytest.mark.timeout(300)
def test_a_scan_through_kafka_removes_the_pair_from_each_others_suggestions(
    settings, kafka_broker, new_database, key_service
):
    database_url = new_database()
    app = create_app(replace(settings, match_database_url=database_url))
    client, signer = app.test_client(), TokenSigner.from_settings(settings)
    event_id = identity.new_event_id()

    def registered(name: str, language: str = "en", **profile) -> ev.AttendeeRegistered:
        return ev.AttendeeRegistered(
            event_id=event_id,
            attendee_id=identity.new_attendee_id(),
            name=name,
            email="x@example.org",
            language=language,
            short_code=identity.new_short_code(),
            **profile,
        )

    seeker = registered(
        "Layla",
        "ar",
        looking_for="أبحث عن مستثمر في شركات تقنيات التعليم الناشئة",
        can_help_with="أساعد في كتابة المحتوى التعليمي بالعربية",
    )
    giver = registered(
        "Sam",
        can_help_with="I invest in early-stage edtech startups",
        looking_for="someone who writes Arabic learning content",
    )
    crowd = [
        registered(f"d{i}", lang, can_help_with=give, looking_for=seek)
        for i, (lang, give, seek) in enumerate(DISTRACTORS)
    ]
    bus = KafkaBus(kafka_broker.bootstrap, default_partitions=3)
    bus.ensure_topics([*ALL_TOPICS, DEAD_LETTER_TOPIC], 3)

    def publish(*events) -> None:
        with bus.producer() as producer:
            for event in events:
                producer.send(event.TOPIC, event.key(), to_envelope(event).to_bytes())
            producer.flush()

    def names(person: ev.AttendeeRegistered) -> list[str]:
        token = identity.issue_token(signer, identity.PRIVATE, TokenClaims(event_id, person.attendee_id, 1))
        response = client.get("/v1/me/suggestions", headers={"Authorization": f"Bearer {token}"})
        return [s["name"] for s in response.get_json()["suggestions"]] if response.status_code == 200 else []

    publish(
        ev.EventCreated(
            event_id=event_id,
            name="Live",
            venue="",
            starts_at="2026-12-01T06:00:00Z",
            ends_at="2026-12-01T15:00:00Z",
            timezone="UTC",
            language="ar",
        ),
        seeker,
        giver,
        *crowd,
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")},
        "PYTHONPATH": str(REPO),
        "RAPPORT_SECRET_KEY": settings.secret_key,
        "RAPPORT_MATCH_DATABASE_URL": database_url,
        "RAPPORT_BUS_URL": kafka_broker.url,
        "RAPPORT_KAFKA_PARTITIONS": "3",
        "RAPPORT_LOG_LEVEL": "WARNING",
        "RAPPORT_DATA_DIR": str(settings.data_dir),
        "RAPPORT_KEYS_URL": key_service,
    }
    consumer = subprocess.Popen([sys.executable, "-m", "services.match.consumer"], cwd=REPO, env=env)
    try:
        wait_for(lambda: len(names(seeker)) == 5 and names(seeker)[0] == "Sam" and "Layla" in names(giver))
        publish(
            ev.ScanRecorded(
                event_id=event_id,
                meeting_id="live-1",
                scanner=giver.attendee_id,
                scanned=seeker.attendee_id,
                scanned_at="2026-12-01T10:00:00Z",
                client_scan_id="phone:1",
            )
        )
        wait_for(lambda: "Sam" not in names(seeker) and "Layla" not in names(giver), seconds=60)
    finally:
        consumer.send_signal(signal.SIGTERM)
        assert consumer.wait(30) == 0
    assert len(names(seeker)) == 5
    app.extensions["match"].engine.dispose()
