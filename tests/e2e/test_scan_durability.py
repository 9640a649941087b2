"""5,000 scans from concurrent phones while the Kafka broker goes down and comes back: none lost.

Real parts throughout: the scan service under gunicorn on PostgreSQL, its outbox relay process,
a Kafka broker of its own (stopped mid-load and restarted), and a consumer that dedupes.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from deploy.rig.kafka import KafkaBroker
from deploy.rig.ports import free_port, wait_for_port
from services.scan import MIGRATIONS, ScanService
from services.scan.handlers import apply_event
from shared import events as ev
from shared import identity
from shared.bus.kafka import KafkaBus
from shared.db import migrate
from shared.events import SCANS_TOPIC, to_envelope
from shared.identity import TokenClaims
from shared.outbox import pending
from shared.tokens import TokenSigner

REPO = Path(__file__).resolve().parents[2]
SCANS, PEOPLE, CLIENTS = 5000, 110, 16


def environment(settings, database_url: str, bus_url: str) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")},
        "PYTHONPATH": str(REPO),
        "RAPPORT_SECRET_KEY": settings.secret_key,
        "RAPPORT_SCAN_DATABASE_URL": database_url,
        "RAPPORT_BUS_URL": bus_url,
        "RAPPORT_SCAN_RATE_LIMIT": "100000",
        "RAPPORT_DATA_DIR": str(settings.data_dir),
        "RAPPORT_LOG_LEVEL": "WARNING",
    }


def seed(service: ScanService, event_id: str) -> list[tuple[str, str]]:
    """PEOPLE attendees in the read model; returns (attendee id, private token) for each."""
    signer = TokenSigner.from_settings(service.settings)
    people = []
    with service.sessions() as session:
        for i in range(PEOPLE):
            attendee_id, code = identity.new_attendee_id(), identity.new_short_code()
            for event in (
                ev.AttendeeRegistered(
                    event_id=event_id,
                    attendee_id=attendee_id,
                    name=f"Guest {i}",
                    email=f"g{i}@example.org",
                    language="en",
                    short_code=code,
                ),
                ev.BadgeIssued(
                    event_id=event_id, attendee_id=attendee_id, token_id=f"{attendee_id}.1", short_code=code
                ),
            ):
                apply_event(session, event, to_envelope(event))
            people.append(
                (
                    attendee_id,
                    identity.issue_token(signer, identity.PRIVATE, TokenClaims(event_id, attendee_id, 1)),
                    identity.issue_token(signer, identity.BADGE, TokenClaims(event_id, attendee_id, 1)),
                )
            )
        session.commit()
    return people


@pytest.mark.timeout(600)
def test_every_accepted_scan_reaches_the_topic_through_a_broker_outage(settings, postgres_server, tmp_path):
    broker = KafkaBroker(tmp_path / "kafka").start()
    database_url = postgres_server.create_database("scan_durability")
    service = ScanService(replace(settings, scan_database_url=database_url))
    migrate(service.engine, MIGRATIONS)
    event_id = identity.new_event_id()
    people = seed(service, event_id)
    pairs = random.Random(5).sample([(a, b) for a in range(PEOPLE) for b in range(a + 1, PEOPLE)], SCANS)

    env = environment(settings, database_url, broker.url)
    port = free_port()
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-k",
            "gthread",
            "--threads",
            "8",
            "-b",
            f"127.0.0.1:{port}",
            "services.scan:create_app(run_migrations=False)",
        ],
        cwd=REPO,
        env=env,
    )
    relay = subprocess.Popen([sys.executable, "-m", "services.scan.relay"], cwd=REPO, env=env)
    accepted: list[str] = []
    lock = threading.Lock()
    local = threading.local()

    def post(pair: tuple[int, int]) -> None:
        scanner, scanned = people[pair[0]], people[pair[1]]
        body = json.dumps({"scanned": scanned[2], "client_scan_id": uuid.uuid4().hex, "note": "n"})
        headers = {"Authorization": f"Bearer {scanner[1]}", "Content-Type": "application/json"}
        for _attempt in range(5):  # like a phone: on a dropped connection, send the same scan again
            if getattr(local, "conn", None) is None:
                local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                local.conn.request("POST", "/v1/scans", body, headers)
                response = local.conn.getresponse()
                answer = json.loads(response.read())
                break
            except (ConnectionError, http.client.HTTPException):
                local.conn.close()
                local.conn = None
        assert response.status in (200, 201), answer  # 200: a retry the service had already saved
        with lock:
            accepted.append(answer["meeting_id"])

    try:
        assert wait_for_port(port, 60), "the scan service did not start"
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(post, pairs[:1500]))
            broker.stop()  # Kafka goes away in the middle of the event
            list(pool.map(post, pairs[1500:3500]))  # ...and scans are still accepted
            with service.sessions() as session:
                assert pending(session) > 0, "while Kafka is down, scans wait in the outbox"
            broker.start()
            list(pool.map(post, pairs[3500:]))
        assert len(accepted) == SCANS

        deadline = time.monotonic() + 180
        while True:
            with service.sessions() as session:
                if pending(session) == 0:
                    break
            assert time.monotonic() < deadline, "the relay did not drain the outbox after Kafka came back"
            time.sleep(0.5)

        seen: set[str] = set()
        delivered = 0
        with KafkaBus(broker.bootstrap).consumer(f"check-{uuid.uuid4().hex[:6]}", [SCANS_TOPIC]) as consumer:
            deadline = time.monotonic() + 120
            while len(seen) < SCANS and time.monotonic() < deadline:
                for record in consumer.poll(timeout=1, max_records=2000):
                    seen.add(json.loads(record.value)["data"]["meeting_id"])  # dedupe by meeting id
                    delivered += 1
        assert seen == set(accepted)
        assert len(seen) == SCANS and delivered >= SCANS
    finally:
        for process in (web, relay):
            process.terminate()
            process.wait(30)
        broker.stop()
