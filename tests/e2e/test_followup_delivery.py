"""Follow-ups end to end on the real parts: the event, its attendees and 200 scans go onto a real
Kafka broker as the badge and scan services publish them; the follow-up consumer and sender run as
their own processes on PostgreSQL and deliver to a real SMTP server on loopback. Then the sender
is killed with SIGKILL in the middle of sending, and restarted: nobody is missed, nobody doubled.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from deploy.rig.smtp import SmtpSink
from services.followup import create_app
from services.followup.links import Links
from shared import events as ev
from shared import identity
from shared.bus import DEAD_LETTER_TOPIC, bus_from_url
from shared.envelope import iso, utc_now
from shared.events import ALL_TOPICS, to_envelope
from shared.tokens import TokenSigner

REPO = Path(__file__).resolve().parents[2]
INTERESTS = ["fintech", "design", "AI", "climate", "health", "education", "logistics"]


@dataclass
class Scenario:
    event_id: str
    people: dict[str, ev.AttendeeRegistered] = field(default_factory=dict)
    scans: list[ev.ScanRecorded] = field(default_factory=list)

    def scanned_by(self, reader: str) -> dict[str, list[str]]:
        """Who `reader` scanned, with the notes they wrote."""
        met: dict[str, list[str]] = {}
        for s in self.scans:
            if s.scanner == reader:
                met.setdefault(s.scanned, []).append(s.note)
        return met


def build(attendees: int = 50, scans: int = 200, seed: int = 7) -> Scenario:
    rng = random.Random(seed)
    scenario = Scenario(identity.new_event_id())
    ids = [identity.new_attendee_id() for _ in range(attendees)]
    for i, attendee_id in enumerate(ids):
        scenario.people[attendee_id] = ev.AttendeeRegistered(
            event_id=scenario.event_id,
            attendee_id=attendee_id,
            name=f"Guest{i:02d} Person",
            email=f"guest{i:02d}@example.org",
            language="ar" if i % 3 == 0 else "en",
            short_code="ABCDEF",
            company=f"Company {i}" if i % 2 else "",
            headline="",
            interests=tuple(rng.sample(INTERESTS, 2)),
            consent_followup=i % 5 != 0,
            consent_share_contact=i % 4 != 0,
        )
    started = utc_now() - timedelta(hours=6)
    pairs = [(ids[i], ids[(i + 1) % attendees]) for i in range(attendees)]  # everyone scans someone
    while len(pairs) < scans:
        a, b = rng.sample(ids, 2)
        pairs.append((a, b))
    for n, (scanner, scanned) in enumerate(pairs):
        low, high = sorted((scanner, scanned))
        scenario.scans.append(
            ev.ScanRecorded(
                event_id=scenario.event_id,
                meeting_id=f"{low}{high}",
                scanner=scanner,
                scanned=scanned,
                scanned_at=iso(started + timedelta(seconds=40 * n)),
                client_scan_id=f"scan-{n}",
                note=f"talked about topic {n}" if n % 3 else "",
                tags=("coffee later",) if n % 7 == 0 else (),
            )
        )
    return scenario


def publish(bus, scenario: Scenario, *, close: bool) -> None:
    messages = [
        ev.EventCreated(
            event_id=scenario.event_id,
            name="Levant Makers Meetup",
            venue="Amman",
            starts_at=iso(utc_now() - timedelta(hours=7)),
            ends_at=iso(utc_now()),
            timezone="Asia/Amman",
            language="en",
            welcome="off",
        ),  # follow-ups only
        *scenario.people.values(),
        *scenario.scans,
    ]
    if close:
        messages.append(ev.EventClosed(event_id=scenario.event_id, closed_at=iso(utc_now())))
    with bus.producer() as producer:
        for message in messages:
            producer.send(message.TOPIC, message.key(), to_envelope(message).to_bytes())
        producer.flush()


@pytest.fixture
def rig(settings, kafka_broker, postgres_server, tmp_path):
    bus = bus_from_url(kafka_broker.url, partitions=3)
    bus.ensure_topics([*ALL_TOPICS, DEAD_LETTER_TOPIC], 3)
    database_url = postgres_server.create_database(f"followup_{identity.new_event_id()}")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")},
        "PYTHONPATH": str(REPO),
        "RAPPORT_SECRET_KEY": settings.secret_key,
        "RAPPORT_FOLLOWUP_DATABASE_URL": database_url,
        "RAPPORT_BUS_URL": kafka_broker.url,
        "RAPPORT_DATA_DIR": str(tmp_path),
        "RAPPORT_LOG_LEVEL": "WARNING",
        "RAPPORT_KAFKA_PARTITIONS": "3",
        "RAPPORT_FOLLOWUP_URL": "https://followup.example",
        "RAPPORT_MAIL_FROM": "Levant Makers <hello@levant.example>",
    }
    procs: list[subprocess.Popen] = []

    def start(module: str, *args: str, smtp_url: str = "") -> subprocess.Popen:
        proc = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            cwd=REPO,
            env={**env, "RAPPORT_SMTP_URL": smtp_url or "smtp://127.0.0.1:9"},
        )
        procs.append(proc)
        return proc

    yield (
        bus,
        database_url,
        start,
        replace(settings, followup_database_url=database_url, followup_url="https://followup.example"),
    )
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def expected_recipients(scenario: Scenario, unsubscribed: set[str] = frozenset()) -> dict[str, str]:
    return {
        p.email: p.attendee_id
        for p in scenario.people.values()
        if p.consent_followup and p.attendee_id not in unsubscribed
    }


def section(text: str, heading: str) -> str:
    parts = text.split(f"== {heading} ==")
    return parts[1].split("\n== ")[0] if len(parts) > 1 else ""


def check_email(scenario: Scenario, attendee_id: str, message) -> None:
    """The email names exactly the people this attendee scanned, with their own notes, and shows
    contact details only for people who agreed to share them."""
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    reader = scenario.people[attendee_id]
    headings = (
        ("لقاءات تستحق حديثًا ثانيًا", "لقاءات أخرى")
        if reader.language == "ar"
        else ("Worth a second conversation", "Also met")
    )
    entries = [
        line[2:].split(" (")[0].split(" · ")[0].strip().strip("\u2068\u2069")
        for heading in headings
        for line in section(text, heading).splitlines()
        if line.startswith("* ")
    ]
    listed = set(entries)
    assert len(entries) == len(listed), reader.name  # each person once
    met = scenario.scanned_by(attendee_id)
    assert listed == {scenario.people[other].name for other in met}, reader.name
    for notes in met.values():
        for note in filter(None, notes):
            assert note in text, (reader.name, note)
    for person in scenario.people.values():
        if person.attendee_id == attendee_id:
            continue
        if person.email in text or person.email in html:
            assert person.consent_share_contact, (reader.name, person.name)
    # Nobody else's note about anyone is shown to this reader: every note in the email is one of
    # theirs. Notes are read whole ("topic 1" is a prefix of "topic 12"), in text and HTML alike.
    own_notes = {n for ns in met.values() for n in ns if n}
    assert set(NOTE.findall(text)) == own_notes, reader.name
    assert set(NOTE.findall(html)) <= own_notes, reader.name
    if reader.language == "ar":
        assert 'dir="rtl"' in html and 'lang="ar"' in html


NOTE = re.compile(r"talked about topic \d+")  # the notes build() writes


def wait_until_every_delivery_is_settled(database_url: str, event_id: str, timeout: float = 120) -> None:
    """Until no delivery of the event is queued or leased (sending): then no sender has anything
    left to send, so whatever the SMTP server holds is all it will ever get (the sink keeps a
    message before it answers 250, and a row turns "sent" only after that answer)."""
    engine = sa.create_engine(database_url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            with engine.connect() as connection:
                states = dict(
                    connection.execute(
                        sa.text(
                            "SELECT status, count(*) FROM deliveries WHERE event_id = :e GROUP BY status"
                        ),
                        {"e": event_id},
                    ).all()
                )
            if states and not states.keys() & {"queued", "sending"}:
                return
            assert time.monotonic() < deadline, f"deliveries never settled: {states}"
            time.sleep(0.2)
    finally:
        engine.dispose()


def follow_ups(smtp: SmtpSink) -> list:
    """What the sink received but welcome emails: the session's Kafka topics may hold other tests'
    registrations, which the consumer reads too and the sender rightly welcomes."""
    return [m for m in smtp.messages if m.message["X-Rapport-Campaign"] != "welcome"]


def unsubscribe(settings, attendee_ids: list[str]) -> None:
    app = create_app(settings)
    client = app.test_client()
    links = Links(settings.followup_url, TokenSigner.from_settings(settings))
    for attendee_id in attendee_ids:
        path = links.unsubscribe(attendee_id).removeprefix(settings.followup_url)
        for _ in range(200):  # the consumer may not have applied the registration yet
            if client.post(path).status_code == 200:
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"could not unsubscribe {attendee_id}")


def test_a_closed_event_sends_each_consenting_attendee_exactly_one_email(rig):
    bus, database_url, start, settings = rig
    scenario = build()
    with SmtpSink() as smtp:
        publish(bus, scenario, close=False)
        start("services.followup.consumer")
        opted_out = [p.attendee_id for p in list(scenario.people.values())[1:4]]  # two consenting, one not
        unsubscribe(settings, opted_out)
        bus_close = ev.EventClosed(event_id=scenario.event_id, closed_at=iso(utc_now()))
        with bus.producer() as producer:
            producer.send(bus_close.TOPIC, bus_close.key(), to_envelope(bus_close).to_bytes())
            producer.flush()
        start("services.followup.sender", "--idle", "0.2", "--settle", "2", smtp_url=smtp.url)
        expected = expected_recipients(scenario, set(opted_out))
        smtp.wait_for(len(expected), timeout=120)
        wait_until_every_delivery_is_settled(
            database_url, scenario.event_id
        )  # a duplicate would be out by then
        received = follow_ups(smtp)
    counts = Counter(m.recipients[0] for m in received)
    assert set(counts) == set(expected) and set(counts.values()) == {1}
    for mail in received:
        check_email(scenario, expected[mail.recipients[0]], mail.message)


def test_sigkill_in_the_middle_of_sending_misses_nobody_and_doubles_nobody(rig):
    bus, database_url, start, settings = rig
    scenario = build(seed=11)
    publish(bus, scenario, close=True)
    expected = expected_recipients(scenario)
    with SmtpSink(delay=0.05) as smtp:  # a slow relay, so the kill lands while mail is in flight
        start("services.followup.consumer")
        sender = start(
            "services.followup.sender", "--lease", "3", "--idle", "0.2", "--settle", "2", smtp_url=smtp.url
        )
        smtp.wait_for(8, timeout=120)
        sender.send_signal(signal.SIGKILL)
        sender.wait(10)
        before = len(smtp.messages)
        assert before < len(expected)  # killed mid-way
        start("services.followup.sender", "--lease", "3", "--idle", "0.2", "--settle", "2", smtp_url=smtp.url)
        smtp.wait_for(len(expected), timeout=120)
        # The dead sender's leased rows are taken again once their lease runs out, and sent then.
        wait_until_every_delivery_is_settled(database_url, scenario.event_id)
        received = follow_ups(smtp)
    counts = Counter(m.recipients[0] for m in received)
    assert set(counts) == set(expected)
    assert [r for r, n in counts.items() if n > 1] == []
    assert len({m.message["Message-ID"] for m in received}) == len(received)


def test_a_scan_synced_after_the_follow_up_reaches_the_day_7_nudge_through_kafka(rig):
    """A phone that syncs its offline queue after the follow-up went out: the scan travels through
    Kafka into the read model, sends nothing at once, and is in the reader's day-7 nudge."""
    import sqlalchemy as sa

    from services.followup.models import Delivery, Note

    bus, database_url, start, settings = rig
    scenario = build(attendees=6, scans=6, seed=3)
    publish(bus, scenario, close=True)
    expected = expected_recipients(scenario)
    reader = next(p for p in scenario.people.values() if p.consent_followup and p.language == "en")
    met = scenario.scanned_by(reader.attendee_id)
    newcomer = next(p for p in scenario.people.values() if p.attendee_id not in met and p is not reader)
    with SmtpSink() as smtp:
        start("services.followup.consumer")
        start("services.followup.sender", "--idle", "0.2", "--settle", "1", smtp_url=smtp.url)
        smtp.wait_for(len(expected), timeout=120)
        low, high = sorted((reader.attendee_id, newcomer.attendee_id))
        late = ev.ScanRecorded(
            event_id=scenario.event_id,
            meeting_id=f"{low}{high}",
            scanner=reader.attendee_id,
            scanned=newcomer.attendee_id,
            scanned_at=iso(utc_now() - timedelta(hours=3)),
            client_scan_id="late-1",
            note="the offline queue finally synced",
        )
        with bus.producer() as producer:
            producer.send(late.TOPIC, late.key(), to_envelope(late).to_bytes())
            producer.flush()
        engine = sa.create_engine(database_url)
        deadline = time.monotonic() + 60
        with engine.begin() as conn:  # the consumer has it in the read model
            while not conn.execute(sa.select(Note.id).where(Note.client_scan_id == "late-1")).first():
                assert time.monotonic() < deadline, "the late scan never reached the read model"
                time.sleep(0.2)
        sent_before = len(smtp.messages)
        with engine.begin() as conn:  # a week passes: move what happened 8 days back, in order
            for table, column in ((Delivery.__table__, "sent_at"), (Note.__table__, "recorded_at")):
                for row_id, value in conn.execute(
                    sa.select(table.c.id, table.c[column]).where(table.c[column].is_not(None))
                ).all():
                    conn.execute(
                        sa.update(table)
                        .where(table.c.id == row_id)
                        .values({column: value - timedelta(days=8)})
                    )
        deadline = time.monotonic() + 60
        while not (nudges := [m for m in smtp.messages[sent_before:] if m.recipients == (reader.email,)]):
            assert time.monotonic() < deadline, "no day-7 nudge reached the reader"
            time.sleep(0.2)
        engine.dispose()
    [nudge] = nudges
    assert nudge.message["X-Rapport-Campaign"] == "nudge-7"
    text = nudge.message.get_body(("plain",)).get_content()
    also = text.split("== You also met ==")[1]
    assert newcomer.name in also and "only you see this: the offline queue finally synced" in also
    assert sent_before == len(expected)  # the late scan sent no email of its own
