"""Scale-out on Kafka (issue 14, item 6): two of every consumer in one group and two scan web
processes, one consumer of each kind that reads scans SIGKILLed mid-stream of 5,000 scans.

Every read model must end identical, table by table, to what one consumer builds from the same
messages read one by one; nothing lost, nothing doubled. The match consumer is left out here:
each of its processes loads the embedding model, which two cores cannot afford beside the rest
(its own consumer test covers it on Kafka).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from threading import local

import pytest
import sqlalchemy as sa
from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata

from services.dashboard import MIGRATIONS as DASHBOARD_MIGRATIONS
from services.dashboard import DashboardService
from services.dashboard.handlers import READ_MODEL_TYPES as DASHBOARD_TYPES
from services.dashboard.handlers import apply_event as dashboard_apply
from services.followup import MIGRATIONS as FOLLOWUP_MIGRATIONS
from services.followup import FollowupService
from services.followup.readmodel import READ_MODEL_TYPES as FOLLOWUP_TYPES
from services.followup.readmodel import apply_event as followup_apply
from services.scan import MIGRATIONS as SCAN_MIGRATIONS
from services.scan import ScanService
from services.scan.handlers import READ_MODEL_TYPES as SCAN_TYPES
from services.scan.handlers import apply_event as scan_apply
from shared import events as ev
from shared import identity
from shared.bus import DEAD_LETTER_TOPIC
from shared.bus.kafka import KafkaBus
from shared.db import first_time, migrate
from shared.envelope import DecodeError, Envelope, iso, utc_now
from shared.events import ALL_TOPICS, from_envelope, to_envelope
from shared.identity import TokenClaims
from shared.tokens import TokenSigner

REPO = Path(__file__).resolve().parents[2]
PEOPLE, SCANS, RETRIES, PARTITIONS = 80, 5000, 200, 3
GROUPS = {
    "scan": ("services.scan.consumer", [ev.EVENTS_TOPIC, ev.ATTENDEES_TOPIC]),
    "followup": ("services.followup.consumer", [ev.EVENTS_TOPIC, ev.ATTENDEES_TOPIC, ev.SCANS_TOPIC]),
    "dashboard": ("services.dashboard.consumer", list(ALL_TOPICS)),
}
# Columns a consumer fills from its own counters (change numbers in the order it applied things),
# not from the messages: two consumers may number the same changes differently.
ORDER_COUNTERS = {"version", "reset_version", "seq"}
# Columns stamped with the consumer's clock when it applied a message (the follow-up's "people or
# meetings changed at", its settle timer): a later run stamps later.
APPLY_CLOCK = {"processed_at", "changed_at"}
# The scan service's web processes write its scans and meetings; its consumer the rest.
SCAN_READ_MODEL = ("events", "attendees")


STARTED = time.monotonic()


def mark(what: str) -> None:
    print(f"{time.monotonic() - STARTED:7.1f}s {what}", file=sys.stderr)  # where the minutes go, with -s


def wait_for(check, what: str, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while not (found := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
    mark(what)
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def skip_to_the_end(bootstrap: str, group: str, topics: list[str]) -> None:
    """The broker is the session's: start this group after every message other tests left."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    try:
        parts = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()]
        consumer.assign(parts)
        consumer.commit(
            {tp: OffsetAndMetadata(end, "", -1) for tp, end in consumer.end_offsets(parts).items()}
        )
    finally:
        consumer.close()


def count(service, sql: str, **params) -> int:
    with service.engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar_one()


def contents(service, tables=None) -> dict[str, list]:
    """Every table's rows (sorted, order counters left out), and which messages were applied."""
    found = {}
    with service.engine.connect() as conn:
        metadata = sa.MetaData()
        metadata.reflect(conn)
        for name, table in metadata.tables.items():
            if name in ("alembic_version", "outbox") or (
                tables and name not in (*tables, "processed_messages")
            ):
                continue
            columns = [
                c for c in table.columns if c.name not in ORDER_COUNTERS | APPLY_CLOCK and not numbered(c)
            ]
            found[name] = sorted(
                json.dumps([row[c.name] for c in columns], default=str, sort_keys=True)
                for row in conn.execute(sa.select(*columns)).mappings()
            )
    return found


def numbered(column: sa.Column) -> bool:
    """A serial id: numbered in the order rows were written, an order counter too."""
    default = column.server_default
    return column.identity is not None or (default is not None and "nextval" in str(default.arg))


class Scanner:
    """Sends scans to the two web processes in turn, one keep-alive connection per thread and process."""

    def __init__(self, ports: list[int]):
        self.ports, self._local = ports, local()

    def post(self, i: int, token: str, body: dict) -> tuple[int, dict]:
        port = self.ports[i % len(self.ports)]
        connections = self._local.__dict__.setdefault("connections", {})
        for _attempt in range(3):
            conn = connections.get(port) or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connections[port] = conn
            try:
                conn.request(
                    "POST",
                    "/v1/scans",
                    json.dumps(body),
                    {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                )
                response = conn.getresponse()
                return response.status, json.loads(response.read())
            except (ConnectionError, http.client.HTTPException):
                conn.close()
                connections.pop(port)  # a kept-alive connection the server closed: a new one
        raise AssertionError(f"scan {i} could not be sent")


def reference_run(bootstrap: str, event_id: str, scan_ids: set[str], services: dict) -> None:
    """One consumer reads every topic of the event from the start and applies each message, in
    the order read, to each service's reference database (as that service's consumer would)."""
    bus = KafkaBus(bootstrap, default_partitions=PARTITIONS)
    seen_scans: set[str] = set()
    people: set[str] = set()
    announced = False
    deadline = time.monotonic() + 300
    with bus.consumer(f"scale-reference-{secrets.token_hex(4)}", list(ALL_TOPICS)) as consumer:
        while not announced or seen_scans != scan_ids or len(people) < 2 * PEOPLE:
            assert time.monotonic() < deadline, (
                f"the reference read {len(seen_scans)} of {len(scan_ids)} scans"
            )
            mine = []
            for record in consumer.poll(timeout=1.0, max_records=2000):
                try:
                    envelope = Envelope.from_bytes(record.value)
                    event = from_envelope(envelope)
                except DecodeError:
                    continue  # another test's unreadable message
                if envelope.event_id != event_id:
                    continue
                mine.append((event, envelope))
                if envelope.type == "scan.recorded":
                    seen_scans.add(event.client_scan_id)
                elif envelope.type in ("attendee.registered", "badge.issued"):
                    people.add(envelope.id)
                announced = announced or envelope.type == "event.created"
            # What applied_once does per message, for a whole poll in one transaction (it is the
            # same work in the same order; one commit per message would cost minutes here).
            for name, (service, types, apply) in services.items():
                with service.sessions() as session:
                    for event, envelope in mine:
                        if envelope.type in types and first_time(session, name, envelope.id):
                            apply(session, event, envelope)
                    session.commit()


@pytest.mark.kafka
@pytest.mark.postgres
@pytest.mark.timeout(900)
def test_two_of_every_consumer_and_two_scan_processes_lose_and_double_nothing_when_one_is_killed(
    settings, kafka_broker, new_database, tmp_path
):
    mark("start")
    settings = replace(
        settings,
        scan_database_url=new_database(),
        followup_database_url=new_database(),
        dashboard_database_url=new_database(),
    )
    live = {
        "scan": ScanService(settings),
        "followup": FollowupService(settings),
        "dashboard": DashboardService(settings),
    }
    reference_settings = replace(
        settings,
        scan_database_url=new_database(),
        followup_database_url=new_database(),
        dashboard_database_url=new_database(),
    )
    reference = {
        "scan": ScanService(reference_settings),
        "followup": FollowupService(reference_settings),
        "dashboard": DashboardService(reference_settings),
    }
    for services in (live, reference):
        migrate(services["scan"].engine, SCAN_MIGRATIONS)
        migrate(services["followup"].engine, FOLLOWUP_MIGRATIONS)
        migrate(services["dashboard"].engine, DASHBOARD_MIGRATIONS)

    bus = KafkaBus(kafka_broker.bootstrap, default_partitions=PARTITIONS)
    bus.ensure_topics([*ALL_TOPICS, DEAD_LETTER_TOPIC], PARTITIONS)
    for group, (_, topics) in GROUPS.items():
        skip_to_the_end(kafka_broker.bootstrap, group, topics)

    # The event and its people, as the badge service announces them.
    signer = TokenSigner.from_settings(settings)
    event_id, now = identity.new_event_id(), utc_now()
    people = [(identity.new_attendee_id(), identity.new_short_code()) for _ in range(PEOPLE)]
    tokens = {
        a: identity.issue_token(signer, identity.PRIVATE, TokenClaims(event_id, a, 1)) for a, _ in people
    }
    story = [
        ev.EventCreated(
            event_id=event_id,
            name="Scale Summit",
            venue="Hall 3",
            starts_at=iso(now - timedelta(hours=1)),
            ends_at=iso(now + timedelta(hours=8)),
            timezone="Asia/Riyadh",
            language="en",
            welcome="off",
        )
    ]
    for n, (attendee_id, code) in enumerate(people):
        story += [
            ev.AttendeeRegistered(
                event_id=event_id,
                attendee_id=attendee_id,
                name=f"Person {n}",
                email=f"p{n}@example.org",
                language="ar" if n % 2 else "en",
                short_code=code,
                headline=f"cares about topic {n % 7}",
                company=f"Co {n % 5}",
            ),
            ev.BadgeIssued(
                event_id=event_id, attendee_id=attendee_id, token_id=f"{attendee_id}.1", short_code=code
            ),
        ]
    with bus.producer() as producer:
        for event in story:
            producer.send(event.TOPIC, event.key(), to_envelope(event).to_bytes())
        producer.flush()

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")},
        "PYTHONPATH": str(REPO),
        "RAPPORT_SECRET_KEY": settings.secret_key,
        "RAPPORT_BUS_URL": kafka_broker.url,
        "RAPPORT_KAFKA_PARTITIONS": str(PARTITIONS),
        "RAPPORT_LOG_LEVEL": "WARNING",
        "RAPPORT_DATA_DIR": str(settings.data_dir),
        "RAPPORT_SCAN_DATABASE_URL": settings.scan_database_url,
        "RAPPORT_FOLLOWUP_DATABASE_URL": settings.followup_database_url,
        "RAPPORT_DASHBOARD_DATABASE_URL": settings.dashboard_database_url,
        "RAPPORT_SCAN_RATE_LIMIT": "100000",
        "RAPPORT_WORKERS": "1",
    }
    ports = [free_port(), free_port()]
    serve = (
        "from services.scan import create_app; from shared.config import Settings; from shared.serve import serve;"
        " s = Settings.from_env(); serve(lambda: create_app(s, run_migrations=False), int(sys.argv[1]), s,"
        " threads=8)"
    )
    logs = tmp_path / "logs"
    logs.mkdir()

    def start(name: str, *argv: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, *argv],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(logs / f"{name}.log").open("wb"),
        )

    consumers = {
        group: [start(f"{group}{i}", "-m", module) for i in range(2)] for group, (module, _) in GROUPS.items()
    }
    processes = [
        *(p for pair in consumers.values() for p in pair),
        *(start(f"web{i}", "-c", f"import sys; {serve}", str(port)) for i, port in enumerate(ports)),
        start("relay", "-m", "services.scan.relay"),
    ]
    try:
        scan, followup, dashboard = live["scan"], live["followup"], live["dashboard"]
        wait_for(
            lambda: count(scan, "SELECT count(*) FROM attendees WHERE event_id = :e", e=event_id) == PEOPLE,
            "the scan consumers to learn every attendee",
        )
        for port in ports:
            wait_for(lambda port=port: healthy(port), f"the scan web process on {port}")

        rng = random.Random(14)
        pairs = rng.sample([(a, b) for a, _ in people for b, _ in people if a != b], SCANS)
        codes = dict(people)
        sent = {f"s{i}": pair for i, pair in enumerate(pairs)}
        scanner = Scanner(ports)

        def send(i: int) -> int:
            a, b = pairs[i]
            status, body = scanner.post(
                i,
                tokens[a],
                {
                    "scanned": codes[b],
                    "client_scan_id": f"s{i}",
                    "note": f"talked about {i % 13}",
                    "tags": [f"t{i % 3}"],
                },
            )
            assert status == 201, body
            return status

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(send, range(SCANS // 2)))
            # Mid-stream: both kinds of scan readers are applying scans when one of each dies.
            wait_for(
                lambda: (
                    count(dashboard, "SELECT count(*) FROM meetings WHERE event_id = :e", e=event_id) > 0
                    and count(followup, "SELECT count(*) FROM notes") > 0
                ),
                "the consumers to apply scans",
            )
            for group in ("followup", "dashboard"):
                consumers[group][0].send_signal(signal.SIGKILL)
            list(pool.map(send, range(SCANS // 2, SCANS)))
            mark("every scan answered 201")
            # Retries of saved scans, to the other web process: answered as duplicates, saved once.
            retried = rng.sample(range(SCANS), RETRIES)
            statuses = list(
                pool.map(
                    lambda i: scanner.post(
                        i + 1, tokens[pairs[i][0]], {"scanned": codes[pairs[i][1]], "client_scan_id": f"s{i}"}
                    ),
                    retried,
                )
            )
        assert {(status, body["duplicate"]) for status, body in statuses} == {(200, True)}
        for group in ("followup", "dashboard"):
            assert consumers[group][0].wait(10) == -signal.SIGKILL

        meetings = {frozenset(pair) for pair in pairs}
        wait_for(
            lambda: (
                count(followup, "SELECT count(*) FROM notes") == SCANS
                and count(dashboard, "SELECT count(*) FROM meetings WHERE event_id = :e", e=event_id)
                == len(meetings)
            ),
            "the surviving consumers to apply every scan",
            seconds=300,
        )
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()

    # Nothing lost, nothing doubled: each scan saved once, and once in each read model.
    with scan.engine.connect() as conn:
        saved = conn.execute(sa.text("SELECT client_scan_id, scanner_id, scanned_id FROM scans")).all()
    assert sorted(saved) == sorted((cid, a, b) for cid, (a, b) in sent.items())
    with followup.engine.connect() as conn:
        notes = conn.execute(sa.text("SELECT client_scan_id, scanner_id FROM notes")).all()
    assert sorted(notes) == sorted((cid, a) for cid, (a, _) in sent.items())

    reference_run(
        kafka_broker.bootstrap,
        event_id,
        set(sent),
        {
            "scan": (reference["scan"], SCAN_TYPES, scan_apply),
            "followup": (reference["followup"], FOLLOWUP_TYPES, followup_apply),
            "dashboard": (reference["dashboard"], DASHBOARD_TYPES, dashboard_apply),
        },
    )
    mark("the single consumer's run")
    for name in ("scan", "followup", "dashboard"):
        tables = SCAN_READ_MODEL if name == "scan" else None
        scaled, single = contents(live[name], tables), contents(reference[name], tables)
        assert scaled.keys() == single.keys()
        for table in scaled:
            assert scaled[table] == single[table], f"{name}.{table} differs from a single consumer's"
        assert len(scaled["processed_messages"]) >= 2 * PEOPLE + 1
    for service in (*live.values(), *reference.values()):
        service.engine.dispose()


def healthy(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False
